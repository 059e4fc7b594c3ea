//! Wire input: one byte stream, decoded as it is read.

use std::io::{self, Read};

use msnp_proto::DecodeError;
use msnp_proto::stream::{Position, TrackedDecoder, WireItem};

use super::{InputConfig, ShortReads};
use crate::record::{ErrorBody, dir_code};
use crate::sink::Sink;

/// The error record of a framing error.
pub(crate) fn error_body(
    e: &DecodeError,
    at: Position,
    dir: Option<msnp_proto::Direction>,
) -> ErrorBody<'static> {
    ErrorBody {
        kind: e.kind_name(),
        message: e.kind.to_string(),
        offset: at.offset,
        line: at.line,
        cmd: e.verb.map(|v| v.to_string()),
        dir: dir_code(dir),
    }
}

/// Writes one item of a stream to `sink`; `connection` is the last connection the sink was told
/// of (a lone stream opens a new one when its client reconnects after `XFR … NS`).
fn emit(
    item: &WireItem<'_>,
    wants_position: bool,
    connection: &mut Option<u32>,
    sink: &mut impl Sink,
) -> io::Result<()> {
    match item {
        WireItem::Command(c) => {
            if c.connection != *connection {
                *connection = c.connection;
                if let Some(id) = c.connection {
                    sink.connection(id);
                }
            }
            if wants_position {
                sink.at(c.position.line, c.position.offset);
            }
            sink.command(&c.command, &c.dialect)
        }
        WireItem::Error {
            error,
            position,
            direction,
            ..
        } => sink.error(error_body(error, *position, *direction)),
    }
}

/// Decodes a wire stream read from `input`; returns the bytes read.
pub(crate) fn decode_wire(
    mut input: impl Read,
    config: &InputConfig,
    sink: &mut impl Sink,
) -> io::Result<u64> {
    let wants_position = sink.wants_position();
    let mut dec = TrackedDecoder::new(config.tracker.clone(), config.direction, config.limits)
        .with_line_numbers(wants_position);
    let mut connection = None;
    let (mut input, short) = ShortReads::new(&mut input);
    loop {
        dec.for_each_item(|item| emit(item, wants_position, &mut connection, sink))?;
        // The last read did not fill the buffer, so the next may block (a live stream): let the
        // records out first. A file fills every read until its end, and is never held up.
        if short.get() {
            sink.idle()?;
        }
        if dec.fill_from(&mut input)? == 0 {
            break;
        }
    }
    if let Some(item) = dec.finish() {
        emit(&item, wants_position, &mut connection, sink)?;
    }
    Ok(dec.bytes_seen())
}
