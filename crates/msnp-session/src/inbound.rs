//! The byte side shared by the session machines: a buffer of unconsumed input and a
//! [`Decoder`] that follows the machine's dialect.

use msnp_proto::error::DecodeError;
use msnp_proto::raw::OwnedCommand;
use msnp_proto::version::Dialect;
use msnp_proto::wire::{Decoder, Limits, Status};

/// Buffered server bytes. What stays buffered between calls is at most one incomplete
/// command, which the decoder's [`Limits`] bound (`max_line + 2 + max_payload`).
#[derive(Clone, Debug)]
pub(crate) struct Inbound {
    decoder: Decoder,
    buf: Vec<u8>,
    /// Bytes of `buf` already consumed (compacted on the next push).
    pos: usize,
}

impl Inbound {
    pub(crate) fn new(dialect: Dialect, limits: Limits) -> Self {
        Self {
            decoder: Decoder::new(dialect, limits),
            buf: Vec::new(),
            pos: 0,
        }
    }

    pub(crate) fn push(&mut self, bytes: &[u8]) {
        if self.pos > 0 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// The next complete command, `Ok(None)` when more bytes are needed.
    pub(crate) fn next_command(&mut self) -> Result<Option<OwnedCommand>, DecodeError> {
        loop {
            let rest = self.buf.get(self.pos..).unwrap_or_default();
            if rest.is_empty() {
                return Ok(None);
            }
            match self.decoder.decode(rest)? {
                Status::Complete { value, consumed } => {
                    let cmd = value.to_owned_command();
                    self.pos = self.pos.saturating_add(consumed).min(self.buf.len());
                    return Ok(Some(cmd));
                }
                Status::Skipped { consumed } => {
                    self.pos = self.pos.saturating_add(consumed.max(1)).min(self.buf.len());
                }
                Status::Incomplete(_) => return Ok(None),
            }
        }
    }

    pub(crate) fn set_dialect(&mut self, dialect: Dialect) {
        self.decoder.set_dialect(dialect);
    }

    /// Forgets everything buffered (a new connection).
    pub(crate) fn reset(&mut self, dialect: Dialect) {
        self.clear();
        self.decoder.set_dialect(dialect);
    }

    /// Drops everything buffered.
    pub(crate) fn clear(&mut self) {
        self.buf.clear();
        self.pos = 0;
        self.decoder.reset();
    }

    /// Bytes buffered and not yet consumed.
    pub(crate) fn buffered(&self) -> usize {
        self.buf.len().saturating_sub(self.pos)
    }
}

/// Argument `i` of `cmd` as UTF-8 text (`None` when absent or not UTF-8).
pub(crate) fn arg_str(cmd: &OwnedCommand, i: usize) -> Option<&str> {
    cmd.as_raw()
        .arg(i)
        .and_then(|b| core::str::from_utf8(b).ok())
}

/// The command line as lossy text, for error reports (bounded by the line limit).
pub(crate) fn line_text(cmd: &OwnedCommand) -> String {
    String::from_utf8_lossy(cmd.as_raw().line()).into_owned()
}
