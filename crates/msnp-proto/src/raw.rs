//! The lossless raw layer: one command as it was on the wire, borrowed (`RawCommand`) or owned
//! (`OwnedCommand`), with its tokens located but not interpreted beyond verb, TrID and length.

use bytes::Bytes;

use crate::verb::{TrId, Verb};

/// The most tokens (verb included) a line can hold; `Limits::max_tokens` may lower it.
///
/// The longest real lines are a client `VER` listing every dialect (23 tokens) and `CVR`/`SDC` (≈ 11).
pub const MAX_TOKENS: usize = 24;

/// Token positions in a line: `(start, end)` byte offsets, verb first. No allocation.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Spans {
    pub(crate) n: u8,
    pub(crate) at: [(u16, u16); MAX_TOKENS],
}

impl core::fmt::Debug for Spans {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_list().entries(&self.at[..self.n as usize]).finish()
    }
}

/// Everything known about a framed command except its bytes; shared by the borrowed and owned forms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Meta {
    pub(crate) spans: Spans,
    /// Length of the line without its terminator.
    pub(crate) line_len: u16,
    /// 2 for CRLF, 1 for a bare LF (accepted by leniency).
    pub(crate) term_len: u8,
    /// Index of the first argument token (1, or 2 after a TrID).
    pub(crate) first_arg: u8,
    /// One past the last argument token (the length token, when present, is not an argument).
    pub(crate) arg_end: u8,
    pub(crate) trid: Option<TrId>,
    pub(crate) has_payload: bool,
    pub(crate) verb: Verb,
}

impl Meta {
    fn token<'a>(&self, line: &'a [u8], i: usize) -> Option<&'a [u8]> {
        if i >= self.spans.n as usize {
            return None;
        }
        let (s, e) = self.spans.at[i];
        line.get(s as usize..e as usize)
    }
    fn payload_start(&self) -> usize {
        self.line_len as usize + self.term_len as usize
    }
}

/// One command, borrowed from the input: its line, token positions and payload. Zero-copy.
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
    pub fn tokens(&self) -> impl ExactSizeIterator<Item = &'a [u8]> + 'a {
        let meta = self.meta;
        let line = self.line();
        (0..meta.spans.n as usize).map(move |i| meta.token(line, i).unwrap_or_default())
    }

    /// Token `i` of the line (0 = the verb).
    pub fn token(&self, i: usize) -> Option<&'a [u8]> {
        self.meta.token(self.line(), i)
    }

    /// Byte range of token `i` within [`line`](Self::line).
    pub(crate) fn token_range(&self, i: usize) -> Option<core::ops::Range<usize>> {
        (i < self.meta.spans.n as usize).then(|| {
            let (s, e) = self.meta.spans.at[i];
            s as usize..e as usize
        })
    }

    /// Number of tokens on the line, verb included.
    pub fn token_count(&self) -> usize {
        self.meta.spans.n as usize
    }

    /// The arguments: the tokens after the verb and the TrID, without the payload length.
    pub fn args(&self) -> impl ExactSizeIterator<Item = &'a [u8]> + 'a {
        let meta = self.meta;
        let line = self.line();
        (meta.first_arg as usize..meta.arg_end as usize)
            .map(move |i| meta.token(line, i).unwrap_or_default())
    }

    /// Argument `i` (0 = the first token after the verb and the TrID).
    pub fn arg(&self, i: usize) -> Option<&'a [u8]> {
        let idx = self.meta.first_arg as usize + i;
        if idx < self.meta.arg_end as usize {
            self.token(idx)
        } else {
            None
        }
    }

    /// Number of arguments (see [`args`](Self::args)).
    pub fn arg_count(&self) -> usize {
        (self.meta.arg_end - self.meta.first_arg) as usize
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

    /// Debug output (a decoder waiting for a payload shows it) lists the used spans only.
    #[test]
    fn spans_debug_lists_used_spans() {
        let mut at = [(0, 0); MAX_TOKENS];
        at[0] = (0, 3);
        at[1] = (4, 5);
        assert_eq!(format!("{:?}", Spans { n: 2, at }), "[(0, 3), (4, 5)]");
        assert_eq!(format!("{:?}", Spans { n: 0, at }), "[]");
    }
}
