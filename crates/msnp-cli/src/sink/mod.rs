//! Where decoded commands go: the [`Sink`] trait the input readers write to, the NDJSON writer
//! (`json`), the readable lines of `--format text` (`text`),
//! the ladder page of `--format html` (`html`), the counters of `--stats`
//! (`stats`) and the P2P extractor of `--extract` (`extract`).

pub(crate) mod extract;
pub(crate) mod html;
pub(crate) mod json;
pub(crate) mod stats;
pub(crate) mod text;

use std::io;

use msnp_proto::{Dialect, RawCommand};

use crate::record::ErrorBody;

/// Where decoded commands go.
pub trait Sink {
    /// A decoded command, framed in `dialect`.
    fn command(&mut self, cmd: &RawCommand<'_>, dialect: &Dialect) -> io::Result<()>;
    /// An error record (framing, capture, gap, …).
    fn error(&mut self, body: ErrorBody<'_>) -> io::Result<()>;
    /// A transcript's `# --- connection N ---` marker.
    fn connection(&mut self, _id: u32) {}
    /// Whether [`at`](Self::at) should be called before each command (costs a line count on wire input).
    fn wants_position(&self) -> bool {
        false
    }
    /// The 1-based line and byte offset of the next command.
    fn at(&mut self, _line: u64, _offset: u64) {}
    /// The flow and capture time of the records that follow (captures only).
    fn set_context(&mut self, _flow: Option<u32>, _ts: Option<f64>) {}
    /// The input is about to block for more bytes: a good moment to write out what is pending,
    /// so that a live stream (`nc … | msnp decode`) shows its records as they arrive.
    fn idle(&mut self) -> io::Result<()> {
        Ok(())
    }
}
