//! Writing commands: raw commands byte-exact, new commands built and checked against the dialect.

use bytes::{BufMut, Bytes};

use crate::error::EncodeError;
use crate::num::decimal_digits;
use crate::raw::{MAX_TOKENS, OwnedCommand, RawCommand};
use crate::verb::{TrId, Verb};
use crate::version::{Dialect, TrIdRule};
use crate::wire::{Limits, parse_line};

/// Something that can be written to the wire.
pub trait Encode {
    /// Exactly how many bytes [`encode`](Self::encode) writes.
    fn encoded_len(&self) -> usize;
    /// Appends the wire bytes to `out`.
    fn encode(&self, out: &mut impl BufMut);
    /// The wire bytes in a new vector.
    fn to_vec(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(self.encoded_len());
        self.encode(&mut v);
        v
    }
}

impl Encode for RawCommand<'_> {
    fn encoded_len(&self) -> usize {
        self.wire_len()
    }
    fn encode(&self, out: &mut impl BufMut) {
        out.put_slice(self.as_bytes());
    }
}

impl Encode for OwnedCommand {
    fn encoded_len(&self) -> usize {
        self.frame.len()
    }
    fn encode(&self, out: &mut impl BufMut) {
        out.put_slice(&self.frame);
    }
}

/// Checks one argument token: non-empty, no byte ≤ 0x20 or 0x7f, and ASCII or valid UTF-8 as the
/// dialect allows.
pub(crate) fn valid_token(t: &[u8], allow_utf8: bool) -> bool {
    // The same rule as `Token`, plus the dialect's choice of ASCII only.
    crate::text::str_of(t)
        .is_some_and(|s| crate::text::check_token(s).is_ok() && (allow_utf8 || s.is_ascii()))
}

/// Writes a decimal number.
pub(crate) fn put_decimal(out: &mut impl BufMut, n: u64) {
    let (digits, start) = decimal_digits(n);
    out.put_slice(&digits[start..]);
}

impl OwnedCommand {
    /// Builds a command from its parts, computing the payload length, and checks that the
    /// dialect frames the result exactly as intended (TrID slot, payload or not, valid tokens,
    /// limits). The line is written with single spaces and CRLF.
    ///
    /// ```
    /// use msnp_proto::{Dialect, Direction, OwnedCommand, ProtocolVersion, TrId, Verb};
    /// let d = Dialect::notification(ProtocolVersion::Msnp12).with_direction(Direction::ClientToServer);
    /// let cmd = OwnedCommand::build(&d, Verb::UUX, Some(TrId(11)), [] as [&[u8]; 0], Some(b"<Data/>")).unwrap();
    /// assert_eq!(&cmd.frame()[..], b"UUX 11 7\r\n<Data/>");
    /// // Spaces cannot sneak into a token, and a payload-less QRY from a client is refused.
    /// assert!(OwnedCommand::build(&d, Verb::PRP, Some(TrId(1)), [&b"MFN"[..], b"a b"], None::<&[u8]>).is_err());
    /// assert!(OwnedCommand::build(&d, Verb::QRY, Some(TrId(1)), [&b"PROD0090YUAUV{2B"[..]], None::<&[u8]>).is_err());
    /// ```
    pub fn build<A: AsRef<[u8]>, P: AsRef<[u8]>>(
        dialect: &Dialect,
        verb: Verb,
        trid: Option<TrId>,
        args: impl IntoIterator<Item = A>,
        payload: Option<P>,
    ) -> Result<Self, EncodeError> {
        Self::build_with_limits(dialect, &Limits::default(), verb, trid, args, payload)
    }

    /// [`build`](Self::build) with explicit limits.
    pub fn build_with_limits<A: AsRef<[u8]>, P: AsRef<[u8]>>(
        dialect: &Dialect,
        limits: &Limits,
        verb: Verb,
        trid: Option<TrId>,
        args: impl IntoIterator<Item = A>,
        payload: Option<P>,
    ) -> Result<Self, EncodeError> {
        let payload = payload.as_ref().map(AsRef::as_ref);
        let rule = dialect.trid_rule(verb);
        match (rule, trid) {
            (TrIdRule::Required, None) => return Err(EncodeError::TrIdRequired { verb }),
            (TrIdRule::Absent, Some(_)) => return Err(EncodeError::TrIdNotAllowed { verb }),
            _ => {}
        }
        let mut out = Vec::with_capacity(64 + payload.map_or(0, <[u8]>::len));
        out.put_slice(verb.as_bytes());
        let mut tokens = 1usize;
        if let Some(t) = trid {
            out.put_u8(b' ');
            put_decimal(&mut out, u64::from(t.0));
            tokens += 1;
        }
        for (index, a) in args.into_iter().enumerate() {
            let a = a.as_ref();
            if !valid_token(a, dialect.leniency.allow_utf8_args) {
                return Err(EncodeError::ArgInvalid { index });
            }
            tokens += 1;
            if tokens > MAX_TOKENS {
                return Err(EncodeError::TooManyTokens {
                    max: limits.max_tokens.min(MAX_TOKENS),
                });
            }
            out.put_u8(b' ');
            out.put_slice(a);
        }
        if let Some(p) = payload {
            if p.len() > limits.max_payload {
                return Err(EncodeError::PayloadTooLarge {
                    len: p.len(),
                    max: limits.max_payload,
                });
            }
            out.put_u8(b' ');
            put_decimal(&mut out, p.len() as u64);
        }
        let line_len = out.len();
        let max_line = limits.max_line.min(u16::MAX as usize);
        if line_len > max_line {
            return Err(EncodeError::LineTooLong {
                len: line_len,
                max: max_line,
            });
        }
        // Read the line back with the decoder's own rules: what we write is what a peer reads.
        let parsed = parse_line(dialect, limits, &out).map_err(|e| match e.kind() {
            crate::error::DecodeErrorKind::TooManyTokens { max } => {
                EncodeError::TooManyTokens { max: *max }
            }
            crate::error::DecodeErrorKind::MissingPayloadLength
            | crate::error::DecodeErrorKind::BadPayloadLength => EncodeError::PayloadRequired {
                verb,
                version: dialect.version,
            },
            _ => EncodeError::Invalid {
                what: "command line",
                reason: "the dialect does not accept this line",
            },
        })?;
        match (parsed.payload_len, payload) {
            (Some(_), None) => {
                return Err(EncodeError::PayloadRequired {
                    verb,
                    version: dialect.version,
                });
            }
            (None, Some(_)) => {
                return Err(EncodeError::PayloadNotAllowed {
                    verb,
                    version: dialect.version,
                });
            }
            _ => {}
        }
        if parsed.meta.trid != trid {
            // E.g. an Optional-TrID verb whose first argument is all digits would read back as a TrID.
            return Err(EncodeError::Invalid {
                what: "arguments",
                reason: "the first argument would read back as a TrID",
            });
        }
        out.put_slice(b"\r\n");
        if let Some(p) = payload {
            out.put_slice(p);
        }
        Ok(Self {
            frame: Bytes::from(out),
            meta: parsed.meta,
        })
    }
}
