//! The streaming decoder: frames bytes into commands (line, tokens, payload) by the dialect's rules.
//!
//! It is fed every unconsumed byte and answers with a command and how many bytes it took, or
//! `Incomplete` with how many more bytes are needed when that is known. It never allocates,
//! never panics, and checks every limit before it waits for more input.

use core::num::NonZeroUsize;

use bytes::{Buf, Bytes, BytesMut};

use crate::error::{DecodeError, DecodeErrorKind};
use crate::num::{LeadingZeros, is_digits, leading_u32_token, parse_u64};
use crate::raw::{MAX_TOKENS, Meta, NO_MASK, OwnedCommand, RawCommand, skip_spaces, token_end};
use crate::scan::{self, LineScan};
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
    /// The limits as the decoder applies them (line and token counts within what it supports).
    fn effective(self) -> Self {
        Self {
            max_line: self.line(),
            max_payload: self.max_payload,
            max_tokens: self.tokens(),
        }
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
    /// `limits.effective()`, worked out once.
    applied: Limits,
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
            applied: limits.effective(),
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
        self.applied = limits.effective();
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
        if self.scan_from == 0
            && let Some(done) = self.decode_plain(buf)
        {
            return done;
        }
        self.decode_line(buf)
    }

    /// The general path for a new line: finds its end with memchr (resuming where the last
    /// call stopped), then reads it with [`parse_line`]'s rules, errors included.
    fn decode_line<'a>(&mut self, buf: &'a [u8]) -> Result<Status<RawCommand<'a>>, DecodeError> {
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
        self.complete(buf, meta, lf + 1)
    }

    /// The fast path for the usual line: one pass from the start of the buffer over its bytes
    /// finds the line's end (the first byte outside printable ASCII, which must begin CRLF) and
    /// its spaces. `None` sends anything else (a bare LF, a control byte, UTF-8, runs of
    /// spaces, an incomplete line, a limit) to the general path, which reads it the same way
    /// and finds the exact error.
    #[inline(always)]
    fn decode_plain<'a>(
        &mut self,
        buf: &'a [u8],
    ) -> Option<Result<Status<RawCommand<'a>>, DecodeError>> {
        // The line and its CRLF within `max_line + 2` bytes: a line within the limit.
        let window = buf
            .get(..buf.len().min(self.applied.max_line + 2))
            .unwrap_or(buf);
        let found = scan::scan(window);
        let line_len = found.stop;
        if found.doubled || window.get(line_len..line_len + 2) != Some(b"\r\n") {
            return None;
        }
        let line = &buf[..line_len];
        if !is_plain(line, found.spaces, self.applied.max_tokens) {
            return None;
        }
        let verb = verb_of(line).ok()?;
        let rules = self.rules.get(&self.dialect, verb);
        let shape = Shape::plain(line, &found);
        Some(match finish_line(&self.applied, line, verb, shape, rules) {
            Ok(meta) => self.complete(buf, meta, line_len + 2),
            Err(e) => Err(e.into_error(line_len + 2)),
        })
    }

    /// A command whose line (`start` bytes with its terminator) is read: complete when its
    /// payload is in `buf` too.
    #[inline(always)]
    fn complete<'a>(
        &mut self,
        buf: &'a [u8],
        meta: LineMeta,
        start: usize,
    ) -> Result<Status<RawCommand<'a>>, DecodeError> {
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
            self.scan_from = start - 1;
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

    /// Decodes the next command from the front of `buf` and splits its bytes off without a copy:
    /// the command shares `buf`'s allocation, and `buf` keeps what follows. Skipped bytes are
    /// dropped; on an error its bytes are dropped too (decoding resumes at the next line on the
    /// next call). `Ok(None)`: `buf` holds only the start of a command (room for the rest of a
    /// payload whose length is known is reserved).
    ///
    /// ```
    /// use bytes::BytesMut;
    /// use msnp_proto::{Decoder, Dialect, Direction, Limits, ProtocolVersion, Verb};
    /// let d = Dialect::notification(ProtocolVersion::Msnp12).with_direction(Direction::ServerToClient);
    /// let mut dec = Decoder::new(d, Limits::default());
    /// let mut buf = BytesMut::from(&b"QNG 45\r\nXYZ -\x00\r\nUBX bob@hotmail.com 7\r\n<Data/"[..]);
    /// let qng = dec.decode_split(&mut buf).unwrap().unwrap();
    /// assert_eq!(qng.as_raw().verb(), Verb::QNG);
    /// assert!(dec.decode_split(&mut buf).is_err()); // the control byte; its line is dropped
    /// assert!(dec.decode_split(&mut buf).unwrap().is_none()); // the payload is one byte short
    /// buf.extend_from_slice(b">");
    /// assert_eq!(dec.decode_split(&mut buf).unwrap().unwrap().as_raw().payload(), Some(&b"<Data/>"[..]));
    /// assert!(buf.is_empty());
    /// ```
    pub fn decode_split(
        &mut self,
        buf: &mut BytesMut,
    ) -> Result<Option<OwnedCommand>, DecodeError> {
        loop {
            match self.decode(buf) {
                Ok(Status::Complete { value, consumed }) => {
                    let meta = value.meta;
                    let frame = buf.split_to(consumed).freeze();
                    return Ok(Some(OwnedCommand { frame, meta }));
                }
                // At least one byte, so the loop always moves on.
                Ok(Status::Skipped { consumed }) if !buf.is_empty() => {
                    buf.advance(consumed.clamp(1, buf.len()));
                }
                Ok(Status::Skipped { .. }) => return Ok(None),
                Ok(Status::Incomplete(Needed::Size(n))) => {
                    buf.reserve(n.get());
                    return Ok(None);
                }
                Ok(Status::Incomplete(Needed::Unknown)) => return Ok(None),
                Err(e) => {
                    buf.advance(e.skip.min(buf.len()));
                    return Err(e);
                }
            }
        }
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

/// Where the last token starts and ends (the verb when it is the only one).
fn last_token(line: &[u8]) -> (usize, usize) {
    let end = line.iter().rposition(|&b| b != b' ').map_or(0, |i| i + 1);
    let start = line[..end]
        .iter()
        .rposition(|&b| b == b' ')
        .map_or(0, |i| i + 1);
    (start, end)
}

/// The slow path of the token count, for lines with something unusual: a byte outside printable
/// ASCII, a run of spaces, a space at either end, or more tokens than allowed. Finds the first
/// problem in line order, with the byte checks outranking the token errors.
#[cold]
fn count_tokens(
    dialect: &Dialect,
    limits: &Limits,
    line: &[u8],
    unprintable: bool,
) -> Result<usize, LineError> {
    let max_tokens = limits.tokens();
    let lenient = dialect.leniency.allow_extra_spaces;
    let (mut n, mut start, mut err) = (0usize, 0usize, None);
    let spaces = line.iter().enumerate().filter(|&(_, &b)| b == b' ');
    for sp in spaces.map(|(i, _)| i).chain(core::iter::once(line.len())) {
        let token_start = core::mem::replace(&mut start, sp + 1);
        if sp == token_start {
            // Empty token: a run of spaces, or a space at either end.
            if token_start == 0 {
                err = Some((DecodeErrorKind::InvalidVerb, 0));
                break;
            }
            if !lenient {
                err = Some((DecodeErrorKind::ExtraSpace, sp));
                break;
            }
            continue;
        }
        if n == max_tokens {
            err = Some((
                DecodeErrorKind::TooManyTokens { max: max_tokens },
                token_start,
            ));
            break;
        }
        n += 1;
    }
    if unprintable || err.is_some() {
        check_bytes(dialect, line)?;
    }
    match err {
        None => Ok(n),
        Some((kind, at)) => {
            // The verb is named once the first token is whole (a line that starts with a space
            // has an empty first token, which names none).
            let verb = Verb::from_slice(&line[..token_end(line, 0)]);
            Err(lerr(kind, at, verb))
        }
    }
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
    let shape = match scan::scan(line) {
        found @ LineScan {
            stop,
            doubled: false,
            ..
        } if stop == len && is_plain(line, found.spaces, limits.tokens()) => {
            Shape::plain(line, &found)
        }
        LineScan { stop, .. } => Shape {
            tokens: count_tokens(dialect, limits, line, stop < len)?,
            last: last_token(line),
            spaces: NO_MASK,
        },
    };
    let verb = verb_of(line)?;
    finish_line(limits, line, verb, shape, rules(verb))
}

/// How many tokens a line has, and where the last one is (the verb when it is the only one).
struct Shape {
    tokens: usize,
    last: (usize, usize),
    /// [`Meta::spaces`](crate::raw::Meta).
    spaces: u64,
}

impl Shape {
    /// The shape of a plain line (see [`is_plain`]) from its scan.
    #[inline(always)]
    fn plain(line: &[u8], found: &LineScan) -> Self {
        Self {
            tokens: found.spaces + 1,
            last: (found.last_space.map_or(0, |sp| sp + 1), line.len()),
            spaces: if line.len() <= 64 {
                found.first_group
            } else {
                NO_MASK
            },
        }
    }
}

/// Whether a line whose bytes are all printable and whose spaces are single has `spaces + 1`
/// tokens one space apart: no space at either end, and not more tokens than allowed.
#[inline(always)]
fn is_plain(line: &[u8], spaces: usize, max_tokens: usize) -> bool {
    spaces < max_tokens && line.first().is_some_and(|&b| b != b' ') && line.last() != Some(&b' ')
}

/// The verb: the first token, three letters or digits.
#[inline(always)]
fn verb_of(line: &[u8]) -> Result<Verb, LineError> {
    match *line {
        [a, b, c] | [a, b, c, b' ', ..] => Verb::new([a, b, c]),
        _ => None,
    }
    .ok_or_else(|| lerr(DecodeErrorKind::InvalidVerb, 0, None))
}

/// The rest of a line's reading once its tokens are counted, its bytes checked and its verb
/// read: the TrID and the payload length, by the dialect's `rules` for the verb.
#[inline(always)]
fn finish_line(
    limits: &Limits,
    line: &[u8],
    verb: Verb,
    shape: Shape,
    (trid_rule, payload_rule): (TrIdRule, PayloadRule),
) -> Result<LineMeta, LineError> {
    let len = line.len();
    let n = shape.tokens;
    let (last_at, last_end) = shape.last;
    let last = line.get(last_at..last_end).unwrap_or_default();
    let v = Some(verb);
    let verb_end = 3;
    // TrID: token 1, when the rule asks for one.
    let second = skip_spaces(line, verb_end);
    let (trid, first_arg, args_at) = match trid_rule {
        TrIdRule::Absent => (None, 1, second),
        TrIdRule::Required | TrIdRule::Optional => {
            match leading_u32_token(line.get(second..).unwrap_or_default()) {
                Some((t, digits)) => (Some(TrId(t)), 2, skip_spaces(line, second + digits)),
                None if trid_rule == TrIdRule::Optional => (None, 1, second),
                // At the TrID, or at 0 when the line is the verb alone.
                None => {
                    let at = if n > 1 { second } else { 0 };
                    return Err(lerr(DecodeErrorKind::BadTrId, at, v));
                }
            }
        }
    };
    // Payload length: always the last token, never the verb or the TrID.
    let argc = n - 1;
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
        let at = last_at;
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
    // Lines are at most u16::MAX bytes (Limits::line) and hold at most MAX_TOKENS tokens.
    let meta = Meta {
        line_len: len as u16,
        args_at: args_at.min(len) as u16,
        second_at: second.min(len) as u16,
        last_at: last_at.min(len) as u16,
        term_len: 2,
        tokens: n as u8,
        first_arg: first_arg.min(n) as u8,
        arg_end: arg_end as u8,
        has_payload: payload,
        verb,
        trid,
        spaces: shape.spaces,
    };
    Ok(LineMeta { meta, payload_len })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::version::{Direction, ProtocolVersion};

    /// Bytes that make lines interesting to the framing: verbs, digits, spaces, both line ends,
    /// a control byte, DEL, UTF-8 and a stray byte above 0x7f.
    fn line_bytes() -> impl Strategy<Value = Vec<u8>> {
        let piece = prop::sample::select(vec![
            &b"MSG"[..],
            b"NLN",
            b"UBX",
            b"CHL",
            b"ADL",
            b"VER",
            b"911",
            b"XYZ",
            b"ms",
            b" ",
            b"  ",
            b"0",
            b"12",
            b"4294967296",
            b"OK",
            b"bob@x.com",
            b"\r\n",
            b"\n",
            b"\r",
            b"\x00",
            b"\x7f",
            "é".as_bytes(),
            b"\xff",
            b"1",
            b"5\r\nhello",
        ]);
        prop::collection::vec(piece, 0..24).prop_map(|p| p.concat())
    }

    /// The fast path takes the usual lines and leaves everything unusual to the general path.
    #[test]
    fn the_fast_path_takes_plain_lines_only() {
        let d =
            Dialect::switchboard(ProtocolVersion::Msnp12).with_direction(Direction::ClientToServer);
        let taken = |bytes: &[u8]| {
            Decoder::new(d, Limits::default())
                .decode_plain(bytes)
                .is_some()
        };
        for plain in [
            &b"MSG 4 A 5\r\nhello"[..],
            b"MSG 4 A 5\r\nhel",
            b"OUT\r\n",
            b"CAL 2 bob@x.com\r\nMSG",
        ] {
            assert!(taken(plain), "{plain:?}");
        }
        for unusual in [
            &b"MSG 4 A 5\n"[..],
            b"MSG 4 A 5",
            b"MSG  4 A 5\r\n",
            b" OUT\r\n",
            b"OUT \r\n",
            b"CAL 2 b\x00b\r\n",
            b"CAL 2 \xc3\xa9\r\n",
            b"\r\n",
            b"MSG 4 A 5\r",
        ] {
            assert!(!taken(unusual), "{unusual:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]

        /// Whenever the fast path takes a buffer, the general path reads it the same way: the
        /// same command, bytes consumed, state after, or error.
        #[test]
        fn the_fast_path_agrees_with_the_general_path(
            bytes in line_bytes(),
            version in prop::sample::select(ProtocolVersion::ALL.to_vec()),
            direction in prop::sample::select(vec![None, Some(Direction::ClientToServer), Some(Direction::ServerToClient)]),
            switchboard: bool,
            lenient: bool,
            max_tokens in 1usize..=MAX_TOKENS,
            max_line in 2usize..64,
        ) {
            let mut dialect = if switchboard { Dialect::switchboard(version) } else { Dialect::notification(version) };
            if let Some(d) = direction {
                dialect = dialect.with_direction(d);
            }
            dialect.leniency.allow_extra_spaces = lenient;
            let limits = Limits { max_line, max_tokens, max_payload: 64 };
            let mut fast = Decoder::new(dialect, limits);
            let mut general = fast.clone();
            if let Some(got) = fast.decode_plain(&bytes) {
                let expected = general.decode_line(&bytes);
                prop_assert_eq!(got, expected);
                prop_assert_eq!(fast.scan_from, general.scan_from);
                prop_assert_eq!(fast.pending, general.pending);
                prop_assert_eq!(fast.discarding, general.discarding);
            }
        }
    }
}
