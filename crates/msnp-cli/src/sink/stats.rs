//! The counters of `msnp decode --stats`.

use std::collections::BTreeMap;
use std::io;

use msnp_proto::batch::CommandBatch;
use msnp_proto::{Dialect, Direction, RawCommand, Verb};

use super::Sink;
use crate::batch::{Pipeline, is_full};
use crate::record::ErrorBody;

/// Counts per verb (by [`Verb::index`]) and per direction. The typed check, the
/// costly part, runs through the batch beside the reader.
pub(crate) struct StatsSink {
    pipeline: Pipeline<CommandBatch<Dialect>, Vec<String>>,
    /// The commands not yet handed to the pipeline.
    filling: CommandBatch<Dialect>,
    /// Worked batches, kept for their allocations.
    spare: Vec<CommandBatch<Dialect>>,
    by_verb: Vec<u64>,
    by_dir: [u64; 3],
    commands: u64,
    payload_bytes: u64,
    /// Framing and typed errors so far.
    pub(crate) errors: u64,
    error_kinds: BTreeMap<String, u64>,
}

impl Sink for StatsSink {
    fn command(&mut self, cmd: &RawCommand<'_>, dialect: &Dialect) -> io::Result<()> {
        self.commands += 1;
        self.by_verb[cmd.verb().index()] += 1;
        self.by_dir[match dialect.direction {
            Some(Direction::ClientToServer) => 0,
            Some(Direction::ServerToClient) => 1,
            None => 2,
        }] += 1;
        self.payload_bytes += cmd.payload().map_or(0, |p| p.len() as u64);
        self.filling.push(cmd, *dialect);
        if is_full(self.filling.len(), self.filling.frame_bytes()) {
            let next = self.spare.pop().unwrap_or_default();
            let full = std::mem::replace(&mut self.filling, next);
            let (errors, kinds, spare) = (&mut self.errors, &mut self.error_kinds, &mut self.spare);
            self.pipeline.submit(full, &mut |b, found| {
                count_typed(errors, kinds, spare, b, found)
            })?;
        }
        Ok(())
    }
    fn error(&mut self, body: ErrorBody<'_>) -> io::Result<()> {
        self.errors += 1;
        *self.error_kinds.entry(body.kind.to_owned()).or_default() += 1;
        Ok(())
    }
}

/// The kinds of the typed errors in a chunk of commands: the same typed check as the records,
/// so the exit status agrees with a plain decode.
fn typed_errors(batch: &CommandBatch<Dialect>) -> Vec<String> {
    batch
        .iter()
        .filter_map(|(cmd, dialect)| {
            msnp_proto::message::Message::decode(&cmd, dialect)
                .err()
                .map(|e| crate::record::error_kind_name(&format!("{e:?}")))
        })
        .collect()
}

/// Adds a batch's typed errors to the counts and keeps the batch for reuse.
fn count_typed(
    errors: &mut u64,
    kinds: &mut BTreeMap<String, u64>,
    spare: &mut Vec<CommandBatch<Dialect>>,
    mut batch: CommandBatch<Dialect>,
    found: Vec<String>,
) -> io::Result<()> {
    batch.clear();
    spare.push(batch);
    for kind in found {
        *errors += 1;
        *kinds.entry(kind).or_default() += 1;
    }
    Ok(())
}

impl StatsSink {
    /// No counts yet.
    pub(crate) fn new() -> Self {
        Self {
            pipeline: Pipeline::new(typed_errors),
            filling: CommandBatch::new(),
            spare: Vec::new(),
            by_verb: vec![0; Verb::COUNT],
            by_dir: [0; 3],
            commands: 0,
            payload_bytes: 0,
            errors: 0,
            error_kinds: Default::default(),
        }
    }

    /// Counts the typed errors of everything still in the batch.
    pub(crate) fn finish(&mut self) -> io::Result<()> {
        let (errors, kinds, spare) = (&mut self.errors, &mut self.error_kinds, &mut self.spare);
        let mut consume = |b, found| count_typed(errors, kinds, spare, b, found);
        let last = std::mem::take(&mut self.filling);
        if !last.is_empty() {
            self.pipeline.submit(last, &mut consume)?;
        }
        self.pipeline.flush(&mut consume)
    }

    /// The `--stats` report for `bytes` of input read in `secs` (after [`finish`](Self::finish)).
    pub(crate) fn report(&self, bytes: u64, secs: f64) -> serde_json::Value {
        let by_verb: serde_json::Map<String, serde_json::Value> = self
            .by_verb
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .filter_map(|(i, n)| Some((Verb::from_index(i)?.to_string(), (*n).into())))
            .collect();
        let secs = secs.max(1e-9);
        serde_json::json!({
            "commands": self.commands,
            "errors": self.errors,
            "error_kinds": self.error_kinds,
            "bytes": bytes,
            "payload_bytes": self.payload_bytes,
            "by_direction": { "C": self.by_dir[0], "S": self.by_dir[1], "unknown": self.by_dir[2] },
            "by_verb": by_verb,
            "seconds": secs,
            "mb_per_s": bytes as f64 / secs / 1e6,
            "commands_per_s": self.commands as f64 / secs,
        })
    }
}
