//! The lossless raw layer: one command as it was on the wire, borrowed (`RawCommand`) or owned
//! (`OwnedCommand`): its line, read no further than verb, TrID and payload length; the tokens
//! are found again when asked for.

use bytes::{Bytes, BytesMut};

use crate::scan;
use crate::verb::{TrId, Verb};

/// The most tokens (verb included) a line can hold; `Limits::max_tokens` may lower it.
///
/// The longest real lines are a client `VER` listing every dialect (23 tokens) and `CVR`/`SDC` (≈ 11).
pub const MAX_TOKENS: usize = 24;

/// Everything known about a framed command except its bytes; shared by the borrowed and owned forms.
///
/// Token positions are not stored: the tokens are found again when asked for (the line is short
/// and already checked), which keeps a decoded command small and cheap to hand around.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Meta {
    /// Length of the line without its terminator.
    pub(crate) line_len: u16,
    /// Byte offset of the first argument in the line (`line_len` when there is none).
    pub(crate) args_at: u16,
    /// Byte offset of the token after the verb (the TrID when there is one).
    pub(crate) second_at: u16,
    /// Byte offset of the last token (the payload length when there is a payload).
    pub(crate) last_at: u16,
    /// 2 for CRLF, 1 for a bare LF (accepted by leniency).
    pub(crate) term_len: u8,
    /// Tokens on the line, verb included.
    pub(crate) tokens: u8,
    /// Index of the first argument token (1, or 2 after a TrID).
    pub(crate) first_arg: u8,
    /// One past the last argument token (the length token, when present, is not an argument).
    pub(crate) arg_end: u8,
    pub(crate) has_payload: bool,
    pub(crate) verb: Verb,
    pub(crate) trid: Option<TrId>,
    /// For a line of at most 64 bytes whose tokens are one space apart, its spaces (bit `i` for
    /// byte `i`), from the framing's scan: the typed layer finds every argument from it without
    /// reading the line again. [`NO_MASK`] for any other line.
    pub(crate) spaces: u64,
}

/// [`Meta::spaces`] of a line the mask does not describe. Bit 0 is the verb's first byte, never
/// a space, so no real mask has it.
pub(crate) const NO_MASK: u64 = 1;

impl Meta {
    fn payload_start(&self) -> usize {
        self.line_len as usize + self.term_len as usize
    }
    fn arg_count(&self) -> usize {
        self.arg_end.saturating_sub(self.first_arg) as usize
    }
}

/// The tokens of a checked line, in order: runs of bytes other than SP. The runs of spaces a
/// lenient dialect accepts separate tokens like one space does.
#[derive(Clone, Debug)]
pub(crate) struct Tokens<'a> {
    rest: &'a [u8],
    /// Tokens still to come: the count the decoder found, so the iterator knows its length.
    left: usize,
}

impl<'a> Tokens<'a> {
    /// The first `count` tokens of `rest`.
    pub(crate) fn new(rest: &'a [u8], count: usize) -> Self {
        Self { rest, left: count }
    }
}

impl<'a> Iterator for Tokens<'a> {
    type Item = &'a [u8];

    #[inline]
    fn next(&mut self) -> Option<&'a [u8]> {
        if self.left == 0 {
            return None;
        }
        let start = skip_spaces(self.rest, 0);
        let end = token_end(self.rest, start);
        let token = self.rest.get(start..end).filter(|t| !t.is_empty())?;
        self.rest = self.rest.get(end..).unwrap_or_default();
        self.left -= 1;
        Some(token)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for Tokens<'_> {}

/// The end of the token that starts at `from`: the next space, or the line end.
#[inline(always)]
pub(crate) fn token_end(line: &[u8], from: usize) -> usize {
    let rest = line.get(from..).unwrap_or_default();
    from + rest.iter().position(|&b| b == b' ').unwrap_or(rest.len())
}

/// The first byte at or after `from` that is not a space (the next token's start), or the line end.
#[inline(always)]
pub(crate) fn skip_spaces(line: &[u8], from: usize) -> usize {
    let rest = line.get(from..).unwrap_or_default();
    from + rest.iter().position(|&b| b != b' ').unwrap_or(rest.len())
}

/// Splits a checked line into tokens from byte `from` on, as [`Tokens`] does, writing each
/// token's `(start, end)` offsets into `out` until it is full; returns how many it wrote.
///
/// `bytes` is the line followed by anything (its frame): the blocks read past the line's end
/// when there is room, so that only a frame's last bytes need copying. Sixteen bytes at a time:
/// the typed layer reads every argument, so it finds them all in one pass.
pub(crate) fn token_spans(
    bytes: &[u8],
    line_len: usize,
    from: usize,
    out: &mut [(u16, u16)],
) -> usize {
    let (mut n, mut start) = (0usize, from);
    // Lines are at most u16::MAX bytes (the decoder's limit), so offsets fit.
    let mut boundary = |sp: usize| {
        if sp > start
            && let Some(slot) = out.get_mut(n)
        {
            *slot = (start as u16, sp as u16);
            n += 1;
        }
        start = sp + 1;
    };
    let body = bytes.get(from..line_len).unwrap_or_default();
    let mut chunks = body.chunks_exact(16);
    let mut base = from;
    let mut spaces = |mut mask: u64, base: usize| {
        while mask != 0 {
            boundary(base + mask.trailing_zeros() as usize);
            mask &= mask - 1;
        }
    };
    for c in &mut chunks {
        spaces(scan::block(c.try_into().unwrap_or([b'A'; 16])).0, base);
        base += 16;
    }
    // The last bytes of the line, masked: what follows them in the frame is not the line's.
    let rest = chunks.remainder().len();
    spaces(scan::block_at(bytes, base).0 & ((1u64 << rest) - 1), base);
    boundary(line_len);
    n
}

/// One command, borrowed from the input: its line, verb, TrID and payload. Zero-copy.
///
/// Re-encoding a `RawCommand` writes back exactly the bytes it was decoded from.
///
/// ```
/// use msnp_proto::{Decoder, Dialect, Direction, Limits, ProtocolVersion, Status, TrId, Verb};
/// let dialect = Dialect::switchboard(ProtocolVersion::Msnp12).with_direction(Direction::ClientToServer);
/// let mut dec = Decoder::new(dialect, Limits::default());
/// let wire = b"MSG 4 A 5\r\nhello";
/// let Ok(Status::Complete { value: cmd, consumed }) = dec.decode(wire) else { panic!() };
/// assert_eq!(consumed, wire.len());
/// assert_eq!(cmd.verb(), Verb::MSG);
/// assert_eq!(cmd.trid(), Some(TrId(4)));
/// assert_eq!(cmd.args().collect::<Vec<_>>(), [b"A"]);
/// assert_eq!(cmd.payload(), Some(&b"hello"[..]));
/// assert_eq!(cmd.as_bytes(), wire);
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct RawCommand<'a> {
    pub(crate) frame: &'a [u8],
    pub(crate) meta: Meta,
}

impl core::fmt::Debug for RawCommand<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RawCommand")
            .field("line", &String::from_utf8_lossy(self.line()))
            .field("trid", &self.meta.trid)
            .field("payload_len", &self.payload().map(<[u8]>::len))
            .finish()
    }
}

impl<'a> RawCommand<'a> {
    /// The command verb (`MSG`, `911`, …).
    pub fn verb(&self) -> Verb {
        self.meta.verb
    }

    /// The transaction ID, when the line has one.
    pub fn trid(&self) -> Option<TrId> {
        self.meta.trid
    }

    /// The line without its terminator.
    pub fn line(&self) -> &'a [u8] {
        &self.frame[..self.meta.line_len as usize]
    }

    /// Every token of the line, verb first (TrID and payload length included).
    ///
    /// The tokens are found as the iterator goes (a scan of the line): walk them once rather
    /// than calling [`token`](Self::token) for every index.
    pub fn tokens(&self) -> impl ExactSizeIterator<Item = &'a [u8]> + 'a {
        Tokens::new(self.line(), self.meta.tokens as usize)
    }

    /// Token `i` of the line (0 = the verb). Walks the line up to it.
    pub fn token(&self, i: usize) -> Option<&'a [u8]> {
        self.tokens().nth(i)
    }

    /// Number of tokens on the line, verb included.
    pub fn token_count(&self) -> usize {
        self.meta.tokens as usize
    }

    /// The arguments: the tokens after the verb and the TrID, without the payload length.
    pub fn args(&self) -> impl ExactSizeIterator<Item = &'a [u8]> + 'a {
        Tokens::new(self.args_line(), self.meta.arg_count())
    }

    /// The token that starts at byte `at` of the line (empty past its end).
    fn token_at(&self, at: u16) -> &'a [u8] {
        let rest = self.line().get(at as usize..).unwrap_or_default();
        rest.get(..token_end(rest, 0)).unwrap_or_default()
    }

    /// The TrID as written (`007` for TrID 7), when the line has one.
    pub(crate) fn trid_token(&self) -> Option<&'a [u8]> {
        self.meta.trid.map(|_| self.token_at(self.meta.second_at))
    }

    /// The command's wire bytes with its TrID replaced by `trid`, everything else as it was
    /// (spacing, arguments, payload); `None` when the line has no TrID. For a command re-sent
    /// under another TrID without decoding it (a typed message is re-encoded instead).
    ///
    /// ```
    /// use msnp_proto::{Decoder, Dialect, Limits, ProtocolVersion, Status, TrId};
    /// let d = Dialect::notification(ProtocolVersion::Msnp12);
    /// let Ok(Status::Complete { value, .. }) = Decoder::new(d, Limits::default()).decode(b"GCF 007 Shields.xml\r\n") else { panic!() };
    /// assert_eq!(value.with_trid(TrId(12)).unwrap(), b"GCF 12 Shields.xml\r\n");
    /// ```
    pub fn with_trid(&self, trid: TrId) -> Option<Vec<u8>> {
        let old = self.trid_token()?;
        let at = usize::from(self.meta.second_at);
        let (before, after) = (self.frame.get(..at)?, self.frame.get(at + old.len()..)?);
        let (digits, from) = crate::num::decimal_digits(u64::from(trid.0));
        let n = digits.get(from..).unwrap_or_default();
        let mut out = Vec::with_capacity(self.frame.len() + n.len());
        out.extend_from_slice(before);
        out.extend_from_slice(n);
        out.extend_from_slice(after);
        Some(out)
    }

    /// The payload length as written, when the command has a payload.
    pub(crate) fn length_token(&self) -> Option<&'a [u8]> {
        self.meta
            .has_payload
            .then(|| self.token_at(self.meta.last_at))
    }

    /// The line from its first argument on (empty when it has none).
    pub(crate) fn args_line(&self) -> &'a [u8] {
        self.line()
            .get(self.meta.args_at as usize..)
            .unwrap_or_default()
    }

    /// Argument `i` (0 = the first token after the verb and the TrID). Walks the arguments up
    /// to it: iterate [`args`](Self::args) to read many.
    pub fn arg(&self, i: usize) -> Option<&'a [u8]> {
        self.args().nth(i)
    }

    /// Number of arguments (see [`args`](Self::args)).
    pub fn arg_count(&self) -> usize {
        self.meta.arg_count()
    }

    /// The payload, when this is a payload command (`Some(&[])` for a zero length).
    pub fn payload(&self) -> Option<&'a [u8]> {
        if self.meta.has_payload {
            self.frame.get(self.meta.payload_start()..)
        } else {
            None
        }
    }

    /// Whether the line ended in CRLF (false: a bare LF accepted by leniency).
    pub fn has_crlf(&self) -> bool {
        self.meta.term_len == 2
    }

    /// The exact bytes of the command on the wire: line, terminator, payload.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.frame
    }

    /// Bytes this command occupied on the wire.
    pub fn wire_len(&self) -> usize {
        self.frame.len()
    }

    /// Copies the command into an owned, `'static` twin (one allocation).
    pub fn to_owned_command(&self) -> OwnedCommand {
        OwnedCommand {
            frame: Bytes::copy_from_slice(self.frame),
            meta: self.meta,
        }
    }

    /// An owned twin copied into `arena`, split off it: commands copied into one arena share
    /// its allocation, so owning many costs a copy each and an allocation per arena block, not
    /// one per command. The arena allocates again (at its original capacity, or the frame's
    /// size if larger) when the room left is too small; a block is freed when the last command
    /// in it is.
    ///
    /// ```
    /// use bytes::BytesMut;
    /// use msnp_proto::{Decoder, Dialect, Limits, ProtocolVersion, Status};
    /// let mut dec = Decoder::new(Dialect::notification(ProtocolVersion::Msnp12), Limits::default());
    /// let mut arena = BytesMut::with_capacity(64 << 10);
    /// let wire = b"PNG\r\nQNG 50\r\n";
    /// let (mut owned, mut at) = (Vec::new(), 0);
    /// while let Ok(Status::Complete { value, consumed }) = dec.decode(&wire[at..]) {
    ///     owned.push(value.to_owned_with(&mut arena));
    ///     at += consumed;
    /// }
    /// assert_eq!(owned[1].frame().as_ref(), b"QNG 50\r\n");
    /// // Both live in the arena's one block.
    /// assert_eq!(owned[0].frame().as_ptr_range().end, owned[1].frame().as_ptr());
    /// ```
    pub fn to_owned_with(&self, arena: &mut BytesMut) -> OwnedCommand {
        // `extend_from_slice` reserves what is missing.
        arena.extend_from_slice(self.frame);
        OwnedCommand {
            frame: arena.split().freeze(),
            meta: self.meta,
        }
    }

    /// An owned twin that shares `source`'s allocation, when this command was decoded from a
    /// slice of `source`; otherwise a copy.
    pub fn to_owned_in(&self, source: &Bytes) -> OwnedCommand {
        let range = source.as_ptr_range();
        let inside =
            range.start <= self.frame.as_ptr() && self.frame.as_ptr_range().end <= range.end;
        let frame = if inside {
            source.slice_ref(self.frame)
        } else {
            Bytes::copy_from_slice(self.frame)
        };
        OwnedCommand {
            frame,
            meta: self.meta,
        }
    }
}

/// The owned twin of [`RawCommand`]: `Send + 'static`, backed by a refcounted [`Bytes`] frame;
/// cloning bumps a refcount.
#[derive(Clone, PartialEq, Eq)]
pub struct OwnedCommand {
    pub(crate) frame: Bytes,
    pub(crate) meta: Meta,
}

impl core::fmt::Debug for OwnedCommand {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.as_raw().fmt(f)
    }
}

impl OwnedCommand {
    /// A borrowed view.
    pub fn as_raw(&self) -> RawCommand<'_> {
        RawCommand {
            frame: &self.frame,
            meta: self.meta,
        }
    }

    /// The wire bytes.
    pub fn frame(&self) -> &Bytes {
        &self.frame
    }

    /// Consumes the command, returning its wire bytes.
    pub fn into_frame(self) -> Bytes {
        self.frame
    }
}

impl<'a> From<&RawCommand<'a>> for OwnedCommand {
    fn from(raw: &RawCommand<'a>) -> Self {
        raw.to_owned_command()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Commands owned through a small arena keep their own bytes and facts across block
    /// boundaries, with a frame larger than a block among them, and share blocks otherwise.
    #[test]
    fn owned_through_an_arena_across_blocks() {
        use crate::{Decoder, Dialect, Limits, ProtocolVersion, Status};
        let d = Dialect::switchboard(ProtocolVersion::Msnp12)
            .with_direction(crate::Direction::ServerToClient);
        let mut wire = Vec::new();
        for i in 0..40 {
            let body = "x".repeat(if i == 17 { 100 } else { i % 5 });
            wire.extend_from_slice(format!("MSG a@b.c A {}\r\n{body}", body.len()).as_bytes());
        }
        let mut dec = Decoder::new(d, Limits::default());
        let mut arena = BytesMut::with_capacity(48);
        let (mut owned, mut copies, mut at) = (Vec::new(), Vec::new(), 0);
        while let Ok(Status::Complete { value, consumed }) = dec.decode(&wire[at..]) {
            owned.push(value.to_owned_with(&mut arena));
            copies.push(value.to_owned_command());
            at += consumed;
        }
        assert_eq!(owned.len(), 40);
        assert_eq!(owned, copies, "same bytes and facts as a plain copy");
        let shared = owned
            .windows(2)
            .filter(|w| w[0].frame().as_ptr_range().end == w[1].frame().as_ptr())
            .count();
        assert!(
            shared > 0 && shared < 39,
            "some share a block, not all: {shared}"
        );
    }

    /// Runs of spaces separate like one; the count bounds the walk, so a payload-length token
    /// past it is not yielded.
    #[test]
    fn tokens_skip_runs_of_spaces_and_stop_at_the_count() {
        let line = b"ILN 9  NLN   bob@x.com 1";
        let all: Vec<_> = Tokens::new(line, 5).collect();
        assert_eq!(all, [&b"ILN"[..], b"9", b"NLN", b"bob@x.com", b"1"]);
        let mut two = Tokens::new(line, 2);
        assert_eq!(two.len(), 2);
        assert_eq!(two.next(), Some(&b"ILN"[..]));
        assert_eq!(two.len(), 1);
        assert_eq!(two.next(), Some(&b"9"[..]));
        assert_eq!(two.next(), None);
        assert_eq!(Tokens::new(b"   ", 3).next(), None);
    }

    /// The span split agrees with the iterator from any starting byte, across word boundaries,
    /// and stops when its table is full.
    #[test]
    fn token_spans_agree_with_tokens() {
        let line = b"ILN 9  NLN   bob@hotmail.com 1 Bob%20Smith 268435492 %3Cmsnobj%2F%3E ";
        let count = Tokens::new(line, usize::MAX).count();
        let mut framed = line.to_vec();
        framed.extend_from_slice(b"\r\nMSG 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20");
        for (from, bytes) in (0..line.len()).flat_map(|f| [(f, &line[..]), (f, &framed[..])]) {
            let mut out = [(0, 0); MAX_TOKENS];
            let n = token_spans(bytes, line.len(), from, &mut out);
            let found: Vec<_> = out[..n]
                .iter()
                .map(|&(s, e)| &line[s as usize..e as usize])
                .collect();
            let expected: Vec<_> = Tokens::new(&line[from..], usize::MAX).take(count).collect();
            assert_eq!(found, expected, "from {from}");
            let mut two = [(0, 0); 2];
            assert_eq!(
                token_spans(bytes, line.len(), from, &mut two),
                expected.len().min(2)
            );
        }
    }
}
