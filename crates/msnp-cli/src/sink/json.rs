//! The NDJSON writer of `msnp decode`.

use std::io::{self, Write};
use std::sync::{Arc, Mutex};

use msnp_proto::payload::XmlLimits;
use msnp_proto::{Dialect, RawCommand};

use super::Sink;
use crate::batch::Batcher;
use crate::record::{CommandRecord, ErrorBody, ErrorRecord};

/// Writes NDJSON records. Records are formatted on every core in batches (JSON formatting, not
/// framing, is the cost) while the reader decodes on, then written in order.
pub(crate) struct JsonSink<W: Write> {
    out: W,
    /// Records flagged as errors so far.
    pub(crate) errors: u64,
    /// `flow` and `ts` of the next records.
    context: (Option<u32>, Option<f64>),
    batch: Batcher<Pending, io::Result<Formatted>>,
    /// Where the batch's commands are copied: one allocation per block, not per command.
    arena: bytes::BytesMut,
    spare: Spare,
}

/// A record waiting to be formatted, in order.
enum Pending {
    Command {
        cmd: msnp_proto::OwnedCommand,
        dialect: Dialect,
        context: (Option<u32>, Option<f64>),
    },
    /// An already formatted line (error records).
    Line(Vec<u8>),
}

/// A run of formatted record lines, and how many of them are flagged.
struct Formatted {
    lines: Vec<u8>,
    flagged: u64,
}

/// Formats one command's record (and its newline) into `out`, with its typed view when `xml`
/// is given (payload documents read within it); returns 1 if it is flagged.
fn format_record(
    cmd: &RawCommand<'_>,
    dialect: &Dialect,
    context: (Option<u32>, Option<f64>),
    xml: Option<&XmlLimits>,
    out: &mut Vec<u8>,
) -> io::Result<u64> {
    let verb = cmd.verb();
    let mut rec = match xml {
        Some(xml) => CommandRecord::new(cmd, dialect, verb.as_str(), xml),
        None => CommandRecord::raw(cmd, dialect, verb.as_str()),
    };
    (rec.flow, rec.ts) = context;
    rec.write_json(out)?;
    out.push(b'\n');
    Ok(u64::from(rec.error.is_some()))
}

/// Output buffers written out and kept for the next batches: a batch's JSON is megabytes, and
/// a fresh allocation of that size is fresh pages to fault in every time.
type Spare = Arc<Mutex<Vec<Vec<u8>>>>;
/// Output buffers kept at most.
const SPARE_BUFFERS: usize = 4;
/// The largest output buffer kept (bytes of capacity).
const SPARE_CAPACITY: usize = 8 << 20;

/// Formats a run of records into one buffer (a spare one when there is).
fn format_chunk(
    chunk: &[Pending],
    xml: Option<&XmlLimits>,
    spare: &Spare,
) -> io::Result<Formatted> {
    let mut lines = spare
        .lock()
        .ok()
        .and_then(|mut s| s.pop())
        .unwrap_or_else(|| Vec::with_capacity(chunk.len() * 256));
    let mut flagged = 0;
    for p in chunk {
        match p {
            Pending::Command {
                cmd,
                dialect,
                context,
            } => flagged += format_record(&cmd.as_raw(), dialect, *context, xml, &mut lines)?,
            Pending::Line(l) => lines.extend_from_slice(l),
        }
    }
    Ok(Formatted { lines, flagged })
}

impl<W: Write> JsonSink<W> {
    /// A writer to `out`: records with their typed view, payload documents read within `xml`;
    /// without it (`--no-fields`), records of the raw layer only.
    pub(crate) fn new(out: W, xml: Option<XmlLimits>) -> Self {
        let spare = Spare::default();
        Self {
            out,
            errors: 0,
            context: (None, None),
            batch: Batcher::new({
                let spare = Arc::clone(&spare);
                move |chunk: &[Pending]| format_chunk(chunk, xml.as_ref(), &spare)
            }),
            spare,
            arena: bytes::BytesMut::with_capacity(crate::batch::ARENA_BLOCK),
        }
    }

    /// Hands `p` to the batch; writes what is done.
    fn push(&mut self, p: Pending, bytes: usize) -> io::Result<()> {
        let (out, errors, spare) = (&mut self.out, &mut self.errors, &self.spare);
        self.batch
            .push(p, bytes, &mut |_, r| write_done(out, errors, spare, r))
    }

    /// Writes everything still batched and flushes the output.
    pub(crate) fn finish(&mut self) -> io::Result<()> {
        let (out, errors, spare) = (&mut self.out, &mut self.errors, &self.spare);
        self.batch
            .drain(&mut |_, r| write_done(out, errors, spare, r))?;
        self.out.flush()
    }
}

/// Writes a finished run of records and keeps its buffer.
fn write_done(
    out: &mut impl Write,
    errors: &mut u64,
    spare: &Spare,
    r: io::Result<Formatted>,
) -> io::Result<()> {
    let mut f = r?;
    *errors += f.flagged;
    out.write_all(&f.lines)?;
    f.lines.clear();
    if let Ok(mut s) = spare.lock() {
        // About as many as are in flight, and none that a batch of big payloads blew up: the
        // pool must not hold more memory than the batches themselves do.
        if s.len() < SPARE_BUFFERS && f.lines.capacity() <= SPARE_CAPACITY {
            s.push(f.lines);
        }
    }
    Ok(())
}

impl<W: Write> Sink for JsonSink<W> {
    fn command(&mut self, cmd: &RawCommand<'_>, dialect: &Dialect) -> io::Result<()> {
        let p = Pending::Command {
            cmd: cmd.to_owned_with(&mut self.arena),
            dialect: *dialect,
            context: self.context,
        };
        self.push(p, cmd.wire_len())
    }
    fn error(&mut self, body: ErrorBody<'_>) -> io::Result<()> {
        self.errors += 1;
        let (flow, ts) = self.context;
        let mut line = serde_json::to_vec(&ErrorRecord {
            error: body,
            flow,
            ts,
        })?;
        line.push(b'\n');
        let len = line.len();
        self.push(Pending::Line(line), len)
    }
    fn set_context(&mut self, flow: Option<u32>, ts: Option<f64>) {
        self.context = (flow, ts);
    }
    fn idle(&mut self) -> io::Result<()> {
        self.finish()
    }
}
