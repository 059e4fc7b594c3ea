//! Switchboard commands: `CAL`, `ANS`, `IRO`, `JOI`, `BYE`, `MSG`, `ACK`, `NAK` (and `USR`/`OUT`,
//! shared with the notification server, in [`session`](super::session)).

use std::borrow::Cow;

use super::Ctx;
use super::args::{Args, Line, Sink};
use super::own::owned;
use super::{MessageError, invalid};
use crate::caps::ClientCapabilities;
use crate::error::EncodeError;
use crate::network::Handle;
use crate::text::{Token, UrlText, code_enum};
use crate::verb::{TrId, Verb};
use crate::version::ProtocolVersion as V;

/// `CAL trid handle` (client): invite a user into the session.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Cal<'a> {
    /// Transaction ID.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub trid: TrId,
    /// Who to invite.
    #[cfg_attr(
        feature = "serde",
        serde(flatten, serialize_with = "crate::network::ser::handle")
    )]
    pub handle: Handle<'a>,
}
owned!(Cal { trid, handle });

impl<'a> Cal<'a> {
    pub(crate) fn decode(a: &Args<'_, 'a>) -> Result<Self, MessageError> {
        a.arity(1, 1)?;
        Ok(Self {
            trid: a.trid()?,
            handle: a.handle(0)?,
        })
    }
    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        let mut l = Line::new(s, d, verb, Some(self.trid));
        l.handle(&self.handle);
        l.end()
    }
}

/// `CAL trid RINGING session-id` (server).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CalReply<'a> {
    /// Transaction ID.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub trid: TrId,
    /// The switchboard session ID: an opaque token (decimal in the references, hex from some
    /// servers).
    pub session_id: Token<'a>,
}
owned!(CalReply { trid, session_id });

impl<'a> CalReply<'a> {
    pub(crate) fn decode(a: &Args<'_, 'a>) -> Result<Self, MessageError> {
        a.arity(2, 2)?;
        a.literal(0, b"RINGING", "RINGING")?;
        Ok(Self {
            trid: a.trid()?,
            session_id: a.tok(1)?,
        })
    }
    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        let mut l = Line::new(s, d, verb, Some(self.trid));
        l.str("RINGING");
        l.tok(&self.session_id);
        l.end()
    }
}

/// `ANS trid handle cookie session-id` (client): join a session after `RNG`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Ans<'a> {
    /// Transaction ID.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub trid: TrId,
    /// Own handle (16+: `handle;{guid}`).
    #[cfg_attr(
        feature = "serde",
        serde(flatten, serialize_with = "crate::network::ser::handle")
    )]
    pub handle: Handle<'a>,
    /// Cookie from `RNG`.
    pub cookie: Token<'a>,
    /// Session ID from `RNG`: an opaque token.
    pub session_id: Token<'a>,
}
owned!(Ans {
    trid,
    handle,
    cookie,
    session_id
});

impl<'a> Ans<'a> {
    pub(crate) fn decode(a: &Args<'_, 'a>) -> Result<Self, MessageError> {
        a.arity(3, 3)?;
        Ok(Self {
            trid: a.trid()?,
            handle: a.handle(0)?,
            cookie: a.tok(1)?,
            session_id: a.tok(2)?,
        })
    }
    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        let mut l = Line::new(s, d, verb, Some(self.trid));
        l.handle(&self.handle);
        l.tok(&self.cookie);
        l.tok(&self.session_id);
        l.end()
    }
}

/// `IRO trid index total handle nick {caps}`: one participant already in the session
/// (caps from MSNP12, `caps:capsex` and `handle;{guid}` from 16).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Iro<'a> {
    /// The TrID of `ANS`.
    pub trid: TrId,
    /// 1-based position.
    pub index: u32,
    /// Participants listed.
    pub total: u32,
    /// The participant.
    pub handle: Handle<'a>,
    /// Friendly name.
    pub friendly_name: UrlText<'a>,
    /// Capabilities (MSNP12+).
    pub capabilities: Option<ClientCapabilities>,
}
owned!(Iro {
    trid,
    index,
    total,
    handle,
    friendly_name,
    capabilities
});

impl<'a> Iro<'a> {
    pub(crate) fn decode(a: &Args<'_, 'a>, d: &Ctx) -> Result<Self, MessageError> {
        let caps = d.version >= V::Msnp12;
        if caps {
            a.arity(5, 5)?
        } else {
            a.arity(4, 4)?
        }
        Ok(Self {
            trid: a.trid()?,
            index: a.u32(0)?,
            total: a.u32(1)?,
            handle: a.handle(2)?,
            friendly_name: a.url(3)?,
            capabilities: if caps { Some(a.caps(4)?) } else { None },
        })
    }
    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        if (d.version >= V::Msnp12) != self.capabilities.is_some() {
            return Err(invalid("IRO capabilities", "present exactly from MSNP12"));
        }
        let mut l = Line::new(s, d, verb, Some(self.trid));
        l.num(u64::from(self.index));
        l.num(u64::from(self.total));
        l.handle(&self.handle);
        l.url(&self.friendly_name);
        if let Some(c) = &self.capabilities {
            l.caps(c);
        }
        l.end()
    }
}

/// `JOI handle nick {caps}`: a participant joined (caps from MSNP12).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Joi<'a> {
    /// The participant (16+: optionally `handle;{guid}`).
    pub handle: Handle<'a>,
    /// Friendly name.
    pub friendly_name: UrlText<'a>,
    /// Capabilities (MSNP12+).
    pub capabilities: Option<ClientCapabilities>,
}
owned!(Joi {
    handle,
    friendly_name,
    capabilities
});

impl<'a> Joi<'a> {
    pub(crate) fn decode(a: &Args<'_, 'a>, d: &Ctx) -> Result<Self, MessageError> {
        let caps = d.version >= V::Msnp12;
        if caps {
            a.arity(3, 3)?
        } else {
            a.arity(2, 2)?
        }
        Ok(Self {
            handle: a.handle(0)?,
            friendly_name: a.url(1)?,
            capabilities: if caps { Some(a.caps(2)?) } else { None },
        })
    }
    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        if (d.version >= V::Msnp12) != self.capabilities.is_some() {
            return Err(invalid("JOI capabilities", "present exactly from MSNP12"));
        }
        let mut l = Line::new(s, d, verb, None);
        l.handle(&self.handle);
        l.url(&self.friendly_name);
        if let Some(c) = &self.capabilities {
            l.caps(c);
        }
        l.end()
    }
}

/// `BYE handle {flag}`: a participant left (`1` = closed for idleness; kept opaque).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Bye<'a> {
    /// The participant.
    #[cfg_attr(
        feature = "serde",
        serde(flatten, serialize_with = "crate::network::ser::handle")
    )]
    pub handle: Handle<'a>,
    /// The optional second argument, as sent.
    pub flag: Option<Token<'a>>,
}
owned!(Bye { handle, flag });

impl<'a> Bye<'a> {
    pub(crate) fn decode(a: &Args<'_, 'a>) -> Result<Self, MessageError> {
        a.arity(1, 2)?;
        Ok(Self {
            handle: a.handle(0)?,
            flag: a.opt_tok(1)?,
        })
    }
    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        let mut l = Line::new(s, d, verb, None);
        l.handle(&self.handle);
        l.opt_tok(&self.flag);
        l.end()
    }
}

code_enum! {
    /// The acknowledgement mode of a client `MSG` (constants.md §13).
    pub enum AckMode {
        /// No acknowledgement.
        Unacknowledged = "U",
        /// `NAK` on failure only.
        NakOnly = "N",
        /// `ACK` or `NAK`.
        Acknowledged = "A",
        /// Data (P2P), MSNP9+.
        Data = "D",
    }
}

/// Client `MSG trid ack-mode len` + MIME (switchboard).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct MsgSend<'a> {
    /// Transaction ID.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub trid: TrId,
    /// Acknowledgement mode.
    pub ack_mode: AckMode,
    /// The MIME message.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub payload: Cow<'a, [u8]>,
}
owned!(MsgSend {
    trid,
    ack_mode,
    payload
});

impl<'a> MsgSend<'a> {
    pub(crate) fn decode(a: &Args<'_, 'a>, d: &Ctx) -> Result<Self, MessageError> {
        a.arity(1, 1)?;
        // Only the four named modes exist; anything else (`MSG 3 2 85`) is a typo, not a mode.
        let ack_mode = a.code(
            0,
            |b| AckMode::parse_bytes(b).filter(AckMode::is_known),
            "an ack mode (U, N, A, D)",
        )?;
        if ack_mode == AckMode::Data && d.version < V::Msnp9 {
            return Err(a.bad(0, "U, N or A (D is MSNP9+)"));
        }
        Ok(Self {
            trid: a.trid()?,
            ack_mode,
            payload: a.payload()?,
        })
    }
    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        if self.ack_mode == AckMode::Data && d.version < V::Msnp9 {
            return Err(invalid("ack_mode", "D exists from MSNP9"));
        }
        if !self.ack_mode.is_known() {
            return Err(invalid("ack_mode", "U, N, A or D"));
        }
        let mut l = Line::new(s, d, verb, Some(self.trid));
        l.str_dyn(self.ack_mode.as_str());
        l.end_payload(&self.payload)
    }
}

/// Server `MSG sender nick len` + MIME: a relayed message (SB) or `MSG Hotmail Hotmail len`
/// (NS profile, mail and system notices).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct MsgReceive<'a> {
    /// The sender (`Hotmail` on the NS).
    #[cfg_attr(
        feature = "serde",
        serde(flatten, serialize_with = "crate::network::ser::sender")
    )]
    pub sender: Handle<'a>,
    /// The sender's friendly name.
    pub sender_name: UrlText<'a>,
    /// The MIME message.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub payload: Cow<'a, [u8]>,
}
owned!(MsgReceive {
    sender,
    sender_name,
    payload
});

impl<'a> MsgReceive<'a> {
    pub(crate) fn decode(a: &Args<'_, 'a>) -> Result<Self, MessageError> {
        a.arity(2, 2)?;
        Ok(Self {
            sender: a.handle(0)?,
            sender_name: a.url(1)?,
            payload: a.payload()?,
        })
    }
    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        let mut l = Line::new(s, d, verb, None);
        l.handle(&self.sender);
        l.url(&self.sender_name);
        l.end_payload(&self.payload)
    }
}

/// Participants serialize like presence: the handle's entries, `friendly_name` (decoded),
/// `capabilities` and `capabilities_ex` as numbers.
#[cfg(feature = "serde")]
fn serialize_participant<M: serde::ser::SerializeMap>(
    m: &mut M,
    handle: &Handle<'_>,
    friendly_name: &UrlText<'_>,
    capabilities: Option<ClientCapabilities>,
) -> Result<(), M::Error> {
    crate::network::ser::entries(m, crate::network::ser::HANDLE, Some(handle), None)?;
    m.serialize_entry("friendly_name", friendly_name)?;
    m.serialize_entry("capabilities", &capabilities.map(|c| c.caps))?;
    m.serialize_entry("capabilities_ex", &capabilities.and_then(|c| c.ext))
}

#[cfg(feature = "serde")]
impl serde::Serialize for Iro<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("index", &self.index)?;
        m.serialize_entry("total", &self.total)?;
        serialize_participant(&mut m, &self.handle, &self.friendly_name, self.capabilities)?;
        m.end()
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Joi<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        serialize_participant(&mut m, &self.handle, &self.friendly_name, self.capabilities)?;
        m.end()
    }
}
