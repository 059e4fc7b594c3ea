//! The NDJSON writer of `msnp decode`.

use std::io::{self, Write};

use msnp_proto::payload::XmlLimits;
use msnp_proto::{Dialect, RawCommand};

use super::Sink;
use crate::record::{CommandRecord, ErrorBody, ErrorRecord};

/// Writes NDJSON records. With more than one core, commands are batched and their records
/// formatted in parallel (JSON formatting, not framing, is the cost), then written in order.
pub(crate) struct JsonSink<W: Write> {
    out: W,
    /// Records flagged as errors so far.
    pub(crate) errors: u64,
    /// One record's JSON, reused.
    scratch: Vec<u8>,
    /// `flow` and `ts` of the next records.
    context: (Option<u32>, Option<f64>),
    /// Records waiting to be formatted, in order.
    pending: Vec<Pending>,
    threads: usize,
    /// Limits for payload documents.
    xml: XmlLimits,
}

/// A record waiting in a batch.
enum Pending {
    Command {
        cmd: msnp_proto::OwnedCommand,
        dialect: Dialect,
        context: (Option<u32>, Option<f64>),
    },
    /// An already formatted line (error records).
    Line(Vec<u8>),
}

/// Commands per parallel batch.
const BATCH: usize = 8192;

/// Formats one command's record (and its newline) into `out`; returns 1 if it is flagged.
fn format_record(
    cmd: &RawCommand<'_>,
    dialect: &Dialect,
    context: (Option<u32>, Option<f64>),
    xml: &XmlLimits,
    out: &mut Vec<u8>,
) -> io::Result<u64> {
    let verb = cmd.verb();
    let mut rec = CommandRecord::new(cmd, dialect, verb.as_str(), xml);
    (rec.flow, rec.ts) = context;
    rec.write_json(out)?;
    out.push(b'\n');
    Ok(u64::from(rec.error.is_some()))
}

impl<W: Write> JsonSink<W> {
    /// A writer to `out`, decoding payload documents within `xml`.
    pub(crate) fn new(out: W, xml: XmlLimits) -> Self {
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(8);
        Self {
            out,
            errors: 0,
            scratch: Vec::with_capacity(4096),
            context: (None, None),
            pending: Vec::new(),
            threads,
            xml,
        }
    }

    /// Formats the batch on all cores and writes it in order.
    fn flush_batch(&mut self) -> io::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let pending = std::mem::take(&mut self.pending);
        let per = pending.len().div_ceil(self.threads);
        let xml = &self.xml;
        let results: Vec<io::Result<(Vec<u8>, u64)>> = std::thread::scope(|scope| {
            let handles: Vec<_> = pending
                .chunks(per)
                .map(|chunk| {
                    scope.spawn(move || -> io::Result<(Vec<u8>, u64)> {
                        let mut out = Vec::with_capacity(chunk.len() * 256);
                        let mut flagged = 0;
                        for p in chunk {
                            match p {
                                Pending::Command {
                                    cmd,
                                    dialect,
                                    context,
                                } => {
                                    flagged += format_record(
                                        &cmd.as_raw(),
                                        dialect,
                                        *context,
                                        xml,
                                        &mut out,
                                    )?;
                                }
                                Pending::Line(l) => out.extend_from_slice(l),
                            }
                        }
                        Ok((out, flagged))
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|_| Err(io::Error::other("formatting thread panicked")))
                })
                .collect()
        });
        for r in results {
            let (bytes, flagged) = r?;
            self.errors += flagged;
            self.out.write_all(&bytes)?;
        }
        self.pending = pending;
        self.pending.clear();
        Ok(())
    }

    /// Writes everything still batched and flushes the output.
    pub(crate) fn finish(&mut self) -> io::Result<()> {
        self.flush_batch()?;
        self.out.flush()
    }
}

impl<W: Write> Sink for JsonSink<W> {
    fn command(&mut self, cmd: &RawCommand<'_>, dialect: &Dialect) -> io::Result<()> {
        if self.threads > 1 {
            self.pending.push(Pending::Command {
                cmd: cmd.to_owned_command(),
                dialect: *dialect,
                context: self.context,
            });
            if self.pending.len() >= BATCH {
                self.flush_batch()?;
            }
            return Ok(());
        }
        self.scratch.clear();
        self.errors += format_record(cmd, dialect, self.context, &self.xml, &mut self.scratch)?;
        self.out.write_all(&self.scratch)
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
        if self.threads > 1 {
            self.pending.push(Pending::Line(line));
            return Ok(());
        }
        self.out.write_all(&line)
    }
    fn set_context(&mut self, flow: Option<u32>, ts: Option<f64>) {
        self.context = (flow, ts);
    }
    fn idle(&mut self) -> io::Result<()> {
        self.flush_batch()?;
        self.out.flush()
    }
}
