//! The streaming decoder: frames bytes into commands (line, tokens, payload) by the dialect's rules.
//!
//! It is fed every unconsumed byte and answers with a command and how many bytes it took, or
//! `Incomplete` with how many more bytes are needed when that is known. It never allocates,
//! never panics, and checks every limit before it waits for more input.

use core::num::NonZeroUsize;

use bytes::Bytes;

use crate::error::{DecodeError, DecodeErrorKind};
use crate::num::{LeadingZeros, is_digits, parse_u32, parse_u64};
use crate::raw::{MAX_TOKENS, Meta, OwnedCommand, RawCommand, Spans};
use crate::verb::{TrId, Verb};
use crate::verb_table::RuleMemo;
use crate::version::{Dialect, PayloadRule, TrIdRule};

/// Explicit bounds on what the decoder accepts.
///
/// ```
/// use msnp_proto::Limits;
/// let l = Limits { max_payload: 64 * 1024, ..Limits::default() };
/// assert_eq!(l.max_line, 8192);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Longest line, without its terminator. Default 8 KiB (official clients never exceed a few
    /// KB); values above 65 535 are treated as 65 535.
    pub max_line: usize,
    /// Largest payload. Default 1 MiB (NS payloads reach tens of KB; SB `MSG` ≤ 1664 bytes).
    pub max_payload: usize,
    /// Most tokens on a line, verb included. Default and maximum [`MAX_TOKENS`].
    pub max_tokens: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_line: 8 * 1024,
            max_payload: 1024 * 1024,
            max_tokens: MAX_TOKENS,
        }
    }
}

impl Limits {
    /// The largest limits the decoder supports.
    pub const MAX: Self = Self {
        max_line: u16::MAX as usize,
        max_payload: usize::MAX,
        max_tokens: MAX_TOKENS,
    };

    fn line(&self) -> usize {
        self.max_line.min(u16::MAX as usize)
    }
    fn tokens(&self) -> usize {
        self.max_tokens.clamp(1, MAX_TOKENS)
    }
}

/// How much more input an incomplete command needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Needed {
    /// The line end has not arrived; any amount may complete it.
    Unknown,
    /// Exactly this many more bytes complete the payload.
    Size(NonZeroUsize),
}

/// The outcome of one decode step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status<T> {
    /// A whole command, and the bytes it took from the start of the buffer.
    Complete {
        /// The command.
        value: T,
        /// Bytes to drop from the buffer.
        consumed: usize,
    },
    /// The buffer ends inside a command: feed more bytes (all unconsumed ones again).
    Incomplete(Needed),
    /// Bytes dropped without a command: a blank line skipped by leniency, or the rest of an
    /// over-long line already reported as [`DecodeErrorKind::LineTooLong`].
    Skipped {
        /// Bytes to drop from the buffer.
        consumed: usize,
    },
}

/// The streaming decoder for one direction of one connection.
///
/// Feed it all unconsumed bytes; drop `consumed` bytes after `Complete`/`Skipped` and `skip`
/// bytes after an error, then call again:
///
/// ```
/// use msnp_proto::{Decoder, Dialect, Direction, Limits, ProtocolVersion, Status};
/// let d = Dialect::notification(ProtocolVersion::Msnp12).with_direction(Direction::ServerToClient);
/// let mut dec = Decoder::new(d, Limits::default());
/// let input = b"QNG 45\r\nXYZ -\x00\r\nUBX bob@hotmail.com 7\r\n<Data/>CHL 0 1";
/// let (mut at, mut verbs, mut errors) = (0, Vec::new(), 0);
/// loop {
///     match dec.decode(&input[at..]) {
///         Ok(Status::Complete { value, consumed }) => { verbs.push(value.verb().to_string()); at += consumed; }
///         Ok(Status::Skipped { consumed }) => at += consumed,
///         Ok(Status::Incomplete(_)) => break, // read more here
///         Err(e) => { errors += 1; at += e.skip; }
///     }
/// }
/// assert_eq!(verbs, ["QNG", "UBX"]);
/// assert_eq!(errors, 1);
/// assert_eq!(&input[at..], b"CHL 0 1");
/// ```
#[derive(Clone, Debug)]
pub struct Decoder {
    dialect: Dialect,
    limits: Limits,
    /// Bytes of the current (incomplete) line already searched for LF.
    scan_from: usize,
    /// Dropping the rest of an over-long line that has been reported.
    discarding: bool,
    /// A complete line whose payload has not fully arrived: its parse and total length, so the
    /// next calls only compare lengths.
    pending: Option<(Meta, usize)>,
    /// The dialect's TrID and payload rules, per verb row.
    rules: RuleMemo,
}

impl Decoder {
    /// A decoder for `dialect` with `limits`.
    pub fn new(dialect: Dialect, limits: Limits) -> Self {
        Self {
            dialect,
            limits,
            scan_from: 0,
            discarding: false,
            pending: None,
            rules: RuleMemo::new(),
        }
    }

    /// The dialect in force.
    pub fn dialect(&self) -> &Dialect {
        &self.dialect
    }

    /// Switches dialect (after `VER` negotiation); takes effect from the next command.
    pub fn set_dialect(&mut self, dialect: Dialect) {
        self.dialect = dialect;
        self.pending = None;
        self.rules = RuleMemo::new();
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Changes the limits; takes effect from the next command.
    pub fn set_limits(&mut self, limits: Limits) {
        self.limits = limits;
        self.pending = None;
    }

    /// Forgets any partial line: call when the buffer is replaced by an unrelated stream.
    pub fn reset(&mut self) {
        self.scan_from = 0;
        self.discarding = false;
        self.pending = None;
    }

    /// Decodes one command from the start of `buf` (all unconsumed bytes).
    ///
    /// Never returns `Incomplete` for a complete command, never an error for a merely incomplete
    /// one, and on error always asks to skip at least one byte of a non-empty buffer.
    pub fn decode<'a>(&mut self, buf: &'a [u8]) -> Result<Status<RawCommand<'a>>, DecodeError> {
        if let Some((meta, total)) = self.pending {
            let line_end = meta.line_len as usize + meta.term_len as usize;
            // Still the same line at the front (the caller keeps unconsumed bytes in place).
            if buf.len() >= line_end && buf.get(..3) == Some(meta.verb.as_bytes()) {
                if buf.len() < total {
                    let missing = NonZeroUsize::new(total - buf.len()).unwrap_or(NonZeroUsize::MIN);
                    return Ok(Status::Incomplete(Needed::Size(missing)));
                }
                self.pending = None;
                self.scan_from = 0;
                return Ok(Status::Complete {
                    value: RawCommand {
                        frame: &buf[..total],
                        meta,
                    },
                    consumed: total,
                });
            }
            self.pending = None;
        }
        if self.discarding {
            return Ok(match memchr::memchr(b'\n', buf) {
                Some(i) => {
                    self.discarding = false;
                    Status::Skipped { consumed: i + 1 }
                }
                None if buf.is_empty() => Status::Incomplete(Needed::Unknown),
                None => Status::Skipped {
                    consumed: buf.len(),
                },
            });
        }
        let max_line = self.limits.line();
        // The line, its CR and its LF must all fit in the window.
        let window = buf.len().min(max_line + 2);
        let from = self.scan_from.min(window);
        let Some(lf) = memchr::memchr(b'\n', &buf[from..window]).map(|i| i + from) else {
            if buf.len() < max_line + 2 {
                self.scan_from = buf.len();
                return Ok(Status::Incomplete(Needed::Unknown));
            }
            self.scan_from = 0;
            let err = DecodeErrorKind::LineTooLong { max: max_line };
            return Err(match memchr::memchr(b'\n', &buf[window..]) {
                Some(i) => DecodeError::new(err, max_line, window + i + 1),
                None => {
                    self.discarding = true;
                    DecodeError::new(err, max_line, buf.len())
                }
            });
        };
        self.scan_from = 0;
        let (line_len, term_len) = if lf > 0 && buf[lf - 1] == b'\r' {
            (lf - 1, 2u8)
        } else if self.dialect.leniency.accept_bare_lf {
            (lf, 1u8)
        } else {
            return Err(DecodeError::new(DecodeErrorKind::BareLf, lf, lf + 1));
        };
        if line_len > max_line {
            return Err(DecodeError::new(
                DecodeErrorKind::LineTooLong { max: max_line },
                max_line,
                lf + 1,
            ));
        }
        let line = &buf[..line_len];
        if line.is_empty() {
            if self.dialect.leniency.skip_blank_lines {
                return Ok(Status::Skipped { consumed: lf + 1 });
            }
            return Err(DecodeError::new(DecodeErrorKind::EmptyLine, 0, lf + 1));
        }
        let (dialect, rules) = (&self.dialect, &mut self.rules);
        let mut meta = match parse_line_with(dialect, &self.limits, line, |v| rules.get(dialect, v))
        {
            Ok(m) => m,
            Err(e) => return Err(e.into_error(lf + 1)),
        };
        meta.meta.term_len = term_len;
        let start = lf + 1;
        let Some(len) = meta.payload_len else {
            return Ok(Status::Complete {
                value: RawCommand {
                    frame: &buf[..start],
                    meta: meta.meta,
                },
                consumed: start,
            });
        };
        // `len` ≤ max_payload was checked in parse_line, so this cannot overflow past usize on any
        // limit a caller can set short of usize::MAX; saturate to be sure.
        let total = start.saturating_add(len);
        if buf.len() < total {
            // Remember the parsed line: the next calls only wait for the payload.
            self.pending = Some((meta.meta, total));
            self.scan_from = lf;
            let missing = NonZeroUsize::new(total - buf.len()).unwrap_or(NonZeroUsize::MIN);
            return Ok(Status::Incomplete(Needed::Size(missing)));
        }
        self.scan_from = 0;
        Ok(Status::Complete {
            value: RawCommand {
                frame: &buf[..total],
                meta: meta.meta,
            },
            consumed: total,
        })
    }

    /// Checks the end of input: the bytes left over (unconsumed) after the last `decode` are an
    /// unfinished command, reported once as [`DecodeErrorKind::Truncated`]; `None` when there are none.
    pub fn finish(&mut self, rest: &[u8]) -> Option<DecodeError> {
        let discarding = core::mem::replace(&mut self.discarding, false);
        self.scan_from = 0;
        if rest.is_empty() || discarding {
            return None;
        }
        let (missing, line) = match self.decode(rest) {
            Ok(Status::Incomplete(Needed::Size(n))) => (n.get(), false),
            _ => (0, true),
        };
        self.reset();
        let mut e = DecodeError::new(
            DecodeErrorKind::Truncated { missing, line },
            rest.len(),
            rest.len(),
        );
        e.verb = rest.get(..3).and_then(Verb::from_slice);
        Some(e)
    }

    /// Bytes from the start of `buf` up to and including the next LF, if one is there: how far to
    /// skip to resynchronise at the next line by hand.
    pub fn skip_line(&mut self, buf: &[u8]) -> Option<usize> {
        self.scan_from = 0;
        self.pending = None;
        memchr::memchr(b'\n', buf).map(|i| i + 1)
    }
}

impl OwnedCommand {
    /// Decodes exactly one command that fills `frame` (line, terminator, payload), keeping the
    /// bytes without a copy.
    ///
    /// ```
    /// use bytes::Bytes;
    /// use msnp_proto::{Dialect, Limits, OwnedCommand, ProtocolVersion, Verb};
    /// let d = Dialect::notification(ProtocolVersion::Msnp12);
    /// let cmd = OwnedCommand::from_frame(Bytes::from_static(b"CHL 0 123\r\n"), &d, &Limits::default()).unwrap();
    /// assert_eq!(cmd.as_raw().verb(), Verb::CHL);
    /// assert!(OwnedCommand::from_frame(Bytes::from_static(b"CHL 0 1\r\nPNG\r\n"), &d, &Limits::default()).is_err());
    /// ```
    pub fn from_frame(
        frame: Bytes,
        dialect: &Dialect,
        limits: &Limits,
    ) -> Result<Self, DecodeError> {
        let mut dec = Decoder::new(*dialect, *limits);
        match dec.decode(&frame)? {
            Status::Complete { value, consumed } if consumed == frame.len() => {
                let meta = value.meta;
                Ok(Self { frame, meta })
            }
            Status::Complete { consumed, .. } | Status::Skipped { consumed } => Err(DecodeError {
                kind: DecodeErrorKind::TrailingData,
                offset: consumed,
                verb: None,
                skip: frame.len(),
            }),
            Status::Incomplete(n) => {
                let missing = match n {
                    Needed::Size(n) => n.get(),
                    Needed::Unknown => 0,
                };
                let line = matches!(n, Needed::Unknown);
                Err(DecodeError {
                    kind: DecodeErrorKind::Truncated { missing, line },
                    offset: frame.len(),
                    verb: None,
                    skip: frame.len(),
                })
            }
        }
    }
}

pub(crate) struct LineMeta {
    pub(crate) meta: Meta,
    pub(crate) payload_len: Option<usize>,
}

pub(crate) struct LineError {
    kind: DecodeErrorKind,
    at: usize,
    verb: Option<Verb>,
}

impl LineError {
    pub(crate) fn into_error(self, skip: usize) -> DecodeError {
        DecodeError {
            kind: self.kind,
            offset: self.at,
            verb: self.verb,
            skip,
        }
    }
    pub(crate) fn kind(&self) -> &DecodeErrorKind {
        &self.kind
    }
}

fn lerr(kind: DecodeErrorKind, at: usize, verb: Option<Verb>) -> LineError {
    LineError { kind, at, verb }
}

/// The slow path of the byte check: finds the control byte or the invalid text.
#[cold]
fn check_bytes(dialect: &Dialect, line: &[u8]) -> Result<(), LineError> {
    let verb = line.get(..3).and_then(Verb::from_slice);
    if let Some(at) = line.iter().position(|&b| b < 0x20 || b == 0x7f) {
        return Err(lerr(
            DecodeErrorKind::ControlByte { byte: line[at] },
            at,
            verb,
        ));
    }
    let ascii_only = !dialect.leniency.allow_utf8_args;
    let bad = if ascii_only {
        line.iter().position(|b| !b.is_ascii())
    } else {
        core::str::from_utf8(line).err().map(|e| e.valid_up_to())
    };
    match bad {
        Some(at) => Err(lerr(DecodeErrorKind::InvalidText { ascii_only }, at, verb)),
        None => Ok(()),
    }
}

/// The token splitter's state: boundaries are fed in order, each space and then the line end.
struct Split {
    spans: Spans,
    /// Where the current token starts.
    start: usize,
    max_tokens: usize,
    lenient: bool,
}

impl Split {
    /// Feeds every space of an eight-byte word at `base` (`mask`: high bit of each space byte).
    #[inline(always)]
    fn spaces(&mut self, base: usize, mut mask: u64) -> Result<(), (DecodeErrorKind, usize)> {
        while mask != 0 {
            let sp = base + (mask.trailing_zeros() / 8) as usize;
            mask &= mask - 1;
            self.boundary(sp)?;
        }
        Ok(())
    }

    /// Ends the current token at `sp` (a space or the line end).
    #[inline(always)]
    fn boundary(&mut self, sp: usize) -> Result<(), (DecodeErrorKind, usize)> {
        let start = self.start;
        self.start = sp + 1;
        if sp == start {
            // Empty token: a run of spaces, or a space at either end.
            if start == 0 {
                return Err((DecodeErrorKind::InvalidVerb, 0));
            }
            if !self.lenient {
                return Err((DecodeErrorKind::ExtraSpace, sp));
            }
            return Ok(());
        }
        let n = self.spans.n as usize;
        if n == self.max_tokens {
            return Err((
                DecodeErrorKind::TooManyTokens {
                    max: self.max_tokens,
                },
                start,
            ));
        }
        // Lines are at most u16::MAX bytes (Limits::line), so offsets fit; n < MAX_TOKENS.
        if let Some(slot) = self.spans.at.get_mut(n) {
            *slot = (start as u16, sp as u16);
        }
        self.spans.n += 1;
        Ok(())
    }
}

/// Byte-class masks over eight bytes at once (SWAR): each answer has the high bit of every byte
/// that matches set, and no other bit. No carry crosses a byte, so the masks are exact.
mod swar {
    const LO7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const HI: u64 = 0x8080_8080_8080_8080;
    const fn splat(b: u8) -> u64 {
        b as u64 * 0x0101_0101_0101_0101
    }

    /// Bytes equal to SP.
    #[inline(always)]
    pub(super) fn spaces(w: u64) -> u64 {
        let x = w ^ splat(b' ');
        !(((x & LO7) + LO7) | x | LO7)
    }

    /// Bytes outside printable ASCII and SP (0x20..=0x7e): controls, DEL, and non-ASCII.
    #[inline(always)]
    pub(super) fn unprintable(w: u64) -> u64 {
        let low = w & LO7;
        (w | !(low + splat(0x60)) | (low + splat(0x01))) & HI
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn masks_match_every_byte_in_every_lane() {
            for b in 0..=255u8 {
                for lane in 0..8 {
                    // Neighbours that could carry into the lane if the masks were not exact.
                    for fill in [0u8, b' ', b'A', 0x7f, 0xff] {
                        let mut bytes = [fill; 8];
                        bytes[lane] = b;
                        let w = u64::from_le_bytes(bytes);
                        let bit = 0x80u64 << (8 * lane);
                        assert_eq!(super::spaces(w) & bit != 0, b == b' ', "{b:#x} {lane}");
                        let bad = !(0x20..=0x7e).contains(&b);
                        assert_eq!(super::unprintable(w) & bit != 0, bad, "{b:#x} {lane}");
                    }
                }
            }
        }
    }
}

/// Tokenises and checks one complete line (no terminator), and applies the dialect's TrID and
/// payload rules. Shared by the decoder and the encoder's self-check.
pub(crate) fn parse_line(
    dialect: &Dialect,
    limits: &Limits,
    line: &[u8],
) -> Result<LineMeta, LineError> {
    parse_line_with(dialect, limits, line, |v| {
        (dialect.trid_rule(v), dialect.payload_rule(v))
    })
}

/// [`parse_line`] with the dialect's TrID and payload rules from `rules` (the decoder's memo).
#[inline]
fn parse_line_with(
    dialect: &Dialect,
    limits: &Limits,
    line: &[u8],
    rules: impl FnOnce(Verb) -> (TrIdRule, PayloadRule),
) -> Result<LineMeta, LineError> {
    let len = line.len();
    // Token offsets are u16: a line past the limit (at most u16::MAX) is refused here, not only by
    // the decoder, so every caller (the transcript reader too) gets the same bound.
    let max_line = limits.line();
    if len > max_line {
        let verb = line.get(..3).and_then(Verb::from_slice);
        return Err(lerr(
            DecodeErrorKind::LineTooLong { max: max_line },
            max_line,
            verb,
        ));
    }
    let max_tokens = limits.tokens();
    let mut split = Split {
        spans: Spans {
            n: 0,
            at: [(0, 0); MAX_TOKENS],
        },
        start: 0,
        max_tokens,
        lenient: dialect.leniency.allow_extra_spaces,
    };
    // One pass, eight bytes at a time: the spaces give the token boundaries, and the bytes outside
    // printable ASCII are collected for one check at the end. The detailed checks (which byte,
    // UTF-8) run only when that check fails, and before any token error, which they outrank.
    let mut unprintable = 0u64;
    let mut split_err = None;
    let mut chunks = line.chunks_exact(8);
    let mut base = 0usize;
    for c in &mut chunks {
        let w = u64::from_le_bytes(c.try_into().unwrap_or_default());
        unprintable |= swar::unprintable(w);
        if let Err(e) = split.spaces(base, swar::spaces(w)) {
            split_err = Some(e);
            break;
        }
        base += 8;
    }
    if split_err.is_none() {
        // The tail, padded with a printable non-space byte.
        let rest = chunks.remainder();
        let pad = 0x4141_4141_4141_4141u64 << (8 * rest.len());
        let w = rest.iter().rev().fold(0, |w, &b| w << 8 | u64::from(b)) | pad;
        unprintable |= swar::unprintable(w);
        split_err = split
            .spaces(base, swar::spaces(w))
            .and_then(|()| split.boundary(len))
            .err();
    }
    if unprintable != 0 || split_err.is_some() {
        check_bytes(dialect, line)?;
    }
    if let Some((kind, at)) = split_err {
        // An unused span is (0, 0), empty, so a line without a first token names no verb.
        let (s, e) = split.spans.at[0];
        let verb = Verb::from_slice(&line[s as usize..e as usize]);
        return Err(lerr(kind, at, verb));
    }
    let spans = split.spans;
    let n = spans.n as usize;
    // Token `i`; empty past the last one (unused spans are (0, 0)), which no rule below accepts
    // as a verb or TrID, so they need no count check of their own.
    let tok = |i: usize| -> &[u8] {
        let (s, e) = spans.at[i];
        &line[s as usize..e as usize]
    };
    let Some(verb) = Verb::from_slice(tok(0)) else {
        return Err(lerr(DecodeErrorKind::InvalidVerb, 0, None));
    };
    let v = Some(verb);
    let (trid_rule, payload_rule) = rules(verb);
    // TrID.
    let (trid, first_arg) = match trid_rule {
        TrIdRule::Absent => (None, 1),
        TrIdRule::Required => match parse_u32(tok(1), LeadingZeros::Allow) {
            Some(t) => (Some(TrId(t)), 2),
            // At the TrID, or at 0 when the line is the verb alone.
            None => return Err(lerr(DecodeErrorKind::BadTrId, spans.at[1].0 as usize, v)),
        },
        TrIdRule::Optional => match parse_u32(tok(1), LeadingZeros::Allow) {
            Some(t) => (Some(TrId(t)), 2),
            None => (None, 1),
        },
    };
    // Payload length: always the last token, never the verb or the TrID.
    let argc = n - 1;
    let last = tok(n - 1);
    let has_len_token = n > first_arg;
    let payload = match payload_rule {
        PayloadRule::None => false,
        PayloadRule::Last => true,
        PayloadRule::LastUnlessOk => last != b"OK",
        PayloadRule::LastIfArgs(k) => argc >= k as usize,
        PayloadRule::LastIfNumeric => has_len_token && is_digits(last),
    };
    let mut payload_len = None;
    let mut arg_end = n;
    if payload {
        if !has_len_token {
            return Err(lerr(DecodeErrorKind::MissingPayloadLength, len, v));
        }
        let at = spans.at[n - 1].0 as usize;
        if !is_digits(last) {
            return Err(lerr(DecodeErrorKind::BadPayloadLength, at, v));
        }
        let declared = parse_u64(last, LeadingZeros::Allow);
        let declared_len = declared
            .and_then(|d| usize::try_from(d).ok())
            .filter(|&d| d <= limits.max_payload);
        match declared_len {
            Some(l) => payload_len = Some(l),
            None => {
                let len = declared.unwrap_or(u64::MAX);
                return Err(lerr(
                    DecodeErrorKind::PayloadTooLarge {
                        len,
                        max: limits.max_payload,
                    },
                    at,
                    v,
                ));
            }
        }
        arg_end = n - 1;
    }
    let meta = Meta {
        spans,
        line_len: len as u16,
        term_len: 2,
        first_arg: first_arg.min(n) as u8,
        arg_end: arg_end as u8,
        trid,
        has_payload: payload,
        verb,
    };
    Ok(LineMeta { meta, payload_len })
}
