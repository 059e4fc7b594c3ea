//! Many decoded commands owned together: [`CommandBatch`].
//!
//! A decoded [`RawCommand`] borrows the decoder's buffer, which the next read reuses. To hand
//! many commands to another thread or keep them past the next read, [`OwnedCommand`]s work but
//! cost an allocation or a refcount each. A batch copies the frames end to end into one buffer
//! and keeps each command's decoded facts beside it, so it costs two growing `Vec`s for any
//! number of commands, and reading a command back decodes nothing again.
//!
//! [`OwnedCommand`]: crate::OwnedCommand

use crate::raw::{Meta, RawCommand};

/// Decoded commands owned together, each with a value of the caller's (`X`: a dialect, a
/// position, `()`), in the order they were pushed. `Send` when `X` is.
///
/// ```
/// use msnp_proto::batch::CommandBatch;
/// use msnp_proto::{Decoder, Dialect, ProtocolVersion, Status};
///
/// let mut dec = Decoder::new(Dialect::notification(ProtocolVersion::Msnp12), Default::default());
/// let input = b"CHG 5 NLN 0\r\nQNG 50\r\n";
/// let (mut batch, mut at) = (CommandBatch::new(), 0);
/// while let Ok(Status::Complete { value, consumed }) = dec.decode(&input[at..]) {
///     batch.push(&value, at);
///     at += consumed;
/// }
/// // The input could go now; the batch owns its commands.
/// let verbs: Vec<_> = batch.iter().map(|(c, at)| (c.verb().to_string(), *at)).collect();
/// assert_eq!(verbs, [("CHG".to_owned(), 0), ("QNG".to_owned(), 13)]);
/// assert_eq!(batch.frame_bytes(), input.len());
/// ```
#[derive(Clone, Debug, Default)]
pub struct CommandBatch<X = ()> {
    frames: Vec<u8>,
    /// Each command's facts, the end of its frame in `frames`, and the caller's value.
    entries: Vec<(Meta, usize, X)>,
}

impl<X> CommandBatch<X> {
    /// An empty batch.
    pub fn new() -> Self {
        Self {
            frames: Vec::new(),
            entries: Vec::new(),
        }
    }

    /// An empty batch with room for `commands` commands of `bytes` bytes in all.
    pub fn with_capacity(commands: usize, bytes: usize) -> Self {
        Self {
            frames: Vec::with_capacity(bytes),
            entries: Vec::with_capacity(commands),
        }
    }

    /// Copies `cmd` in, with `extra`.
    #[inline]
    pub fn push(&mut self, cmd: &RawCommand<'_>, extra: X) {
        self.frames.extend_from_slice(cmd.frame);
        self.entries.push((cmd.meta, self.frames.len(), extra));
    }

    /// The commands, each with its value, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (RawCommand<'_>, &X)> + '_ {
        let mut start = 0;
        self.entries.iter().map(move |(meta, end, extra)| {
            // Frames are stored end to end, so each starts where the last ended.
            let frame = self.frames.get(start..*end).unwrap_or_default();
            start = *end;
            (RawCommand { frame, meta: *meta }, extra)
        })
    }

    /// The number of commands.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The bytes of all frames together.
    pub fn frame_bytes(&self) -> usize {
        self.frames.len()
    }

    /// Drops every command, keeping the allocations for reuse.
    pub fn clear(&mut self) {
        self.frames.clear();
        self.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Decoder, Dialect, ProtocolVersion, Status};

    /// Commands read back from a batch equal the ones decoded, payloads and positions
    /// included, after the input is gone; clearing empties and keeps working.
    #[test]
    fn read_back_equals_decoded() {
        let input =
            b"MSG 1 N 5\r\nhelloQNG 50\r\nUBX bob@x.com 7\r\n<Data/>CHG 2 NLN 0\r\n".to_vec();
        let mut dec = Decoder::new(
            Dialect::notification(ProtocolVersion::Msnp12),
            Default::default(),
        );
        let (mut at, mut decoded) = (0, Vec::new());
        let mut batch = CommandBatch::new();
        for round in 0..2 {
            while let Ok(Status::Complete { value, consumed }) = dec.decode(&input[at..]) {
                batch.push(&value, (round, at));
                decoded.push(value.to_owned_command());
                at += consumed;
            }
            assert_eq!(batch.len(), 4);
            assert_eq!(batch.frame_bytes(), input.len());
            let back: Vec<_> = batch
                .iter()
                .map(|(c, x)| (c.to_owned_command(), *x))
                .collect();
            let offsets: Vec<_> = back.iter().map(|(_, (_, at))| *at).collect();
            assert_eq!(offsets, [0, 16, 24, 48]);
            let cmds: Vec<_> = back.into_iter().map(|(c, _)| c).collect();
            assert_eq!(cmds, decoded);
            assert_eq!(cmds[2].as_raw().payload(), Some(&b"<Data/>"[..]));
            batch.clear();
            decoded.clear();
            at = 0;
            assert!(batch.is_empty() && batch.frame_bytes() == 0);
        }
    }

    /// A batch can cross threads.
    #[test]
    fn is_send() {
        fn send<T: Send>(_: T) {}
        send(CommandBatch::<Dialect>::new());
    }
}
