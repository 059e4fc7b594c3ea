//! Numeric error replies (`NNN {trid} {params} {len}`).

use std::borrow::Cow;

use super::Ctx;
use super::MessageError;
use super::args::{Args, Line, Sink};
use super::own::owned;
use crate::error::EncodeError;
use crate::error_code::ErrorCode;
use crate::text::Token;
use crate::verb::{TrId, Verb};

/// An error reply: the code, the failing request's TrID, rare extra parameters (draft), and
/// in MSNP13+ an optional payload (usually the offending `<ml>` echoed).
///
/// ```
/// use msnp_proto::{Dialect, ErrorCode, Message, ProtocolVersion, TrId};
/// use msnp_proto::message::ErrorReply;
/// let e = Message::Error(ErrorReply { code: ErrorCode::ALREADY_THERE, trid: Some(TrId(11)), params: vec![], payload: None });
/// assert_eq!(e.to_vec(&Dialect::notification(ProtocolVersion::Msnp8)).unwrap(), b"215 11\r\n");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorReply<'a> {
    /// The code.
    pub code: ErrorCode,
    /// The failing request's TrID (absent for server-generated conditions).
    pub trid: Option<TrId>,
    /// Extra parameters (allowed by the draft, not seen in practice).
    pub params: Vec<Token<'a>>,
    /// Payload (MSNP13+ `NNN trid len`).
    pub payload: Option<Cow<'a, [u8]>>,
}
owned!(ErrorReply {
    code,
    trid,
    params,
    payload
});

impl<'a> ErrorReply<'a> {
    pub(crate) fn decode(a: &Args<'_, 'a>) -> Result<Self, MessageError> {
        let code = a
            .verb
            .error_code()
            .filter(|c| *c >= 100)
            .map(ErrorCode)
            .ok_or(MessageError::BadArg {
                verb: a.verb,
                index: 0,
                expected: "an error code in 100..=999",
            })?;
        a.no_stray_number()?;
        Ok(Self {
            code,
            trid: a.opt_trid(),
            params: a.rest(0)?,
            payload: a.raw.payload().map(Cow::Borrowed),
        })
    }

    pub(crate) fn write<S: Sink>(&self, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        let verb = Verb::error(self.code.0).ok_or(EncodeError::Invalid {
            what: "error code",
            reason: "must have three digits (100–999)",
        })?;
        if self.trid.is_none() && self.params.is_empty() && self.payload.is_some() {
            return Err(EncodeError::Invalid {
                what: "error reply",
                reason: "a payload needs a TrID or parameters before it",
            });
        }
        if self.trid.is_none()
            && self
                .params
                .first()
                .is_some_and(|p| super::args::all_digits(p.as_bytes()))
        {
            return Err(EncodeError::Invalid {
                what: "error reply",
                reason: "without a TrID the first parameter would read back as one",
            });
        }
        let since = crate::verb_table::ERROR_PAYLOAD_SINCE;
        if self.payload.is_some() && d.version < since {
            return Err(EncodeError::PayloadNotAllowed {
                verb,
                version: d.version,
            });
        }
        if self.payload.is_none()
            && d.version >= since
            && usize::from(self.trid.is_some()) + self.params.len() >= 2
        {
            return Err(EncodeError::Invalid {
                what: "error parameters",
                reason: "from MSNP13 the last token would read back as a payload length",
            });
        }
        let mut l = Line::new(s, d, verb, self.trid);
        for p in &self.params {
            l.tok(p);
        }
        match &self.payload {
            Some(p) => l.end_payload(p),
            None => l.end(),
        }
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for ErrorReply<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("code", &self.code.0)?;
        m.serialize_entry("name", &self.code.name())?;
        m.serialize_entry("meaning", &self.code.meaning())?;
        m.serialize_entry("params", &self.params)?;
        m.end()
    }
}
