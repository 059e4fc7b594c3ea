//! Transcript input: the whole text, read command by command.

use std::io::{self, Read};

use msnp_proto::stream::{TranscriptItem, TranscriptStream};
use msnp_proto::transcript::TranscriptErrorKind;

use super::InputConfig;
use crate::record::{ErrorBody, dir_code};
use crate::sink::Sink;

/// Reads the transcript text from `input` (invalid UTF-8 is reported and replaced) and decodes
/// it; returns the bytes read.
pub(crate) fn decode_transcript(
    mut input: impl Read,
    config: &InputConfig,
    sink: &mut impl Sink,
) -> io::Result<u64> {
    let mut raw = Vec::new();
    input.read_to_end(&mut raw)?;
    let text = match String::from_utf8(raw) {
        Ok(t) => t,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let line = memchr::memchr_iter(b'\n', &e.as_bytes()[..at]).count() as u64 + 1;
            sink.error(ErrorBody {
                kind: "invalid_text",
                message: "transcript is not valid UTF-8 (invalid bytes replaced)".into(),
                offset: at as u64,
                line,
                cmd: None,
                dir: None,
            })?;
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
    };
    let items = TranscriptStream::new(&text, config.tracker.clone())
        .with_limits(config.limits)
        .with_default_direction(config.direction);
    for item in items {
        match item {
            TranscriptItem::Connection { id, .. } => sink.connection(id),
            TranscriptItem::Command(c) => {
                sink.at(c.position.line, c.position.offset);
                sink.command(&c.command.as_raw(), &c.dialect)?;
            }
            TranscriptItem::Error { error, position } => {
                let kind = match &error.kind {
                    TranscriptErrorKind::LengthMismatch { .. } => "length_mismatch",
                    TranscriptErrorKind::Line(k) => k.name(),
                    TranscriptErrorKind::ExactPayload(_) => "bad_exact_payload",
                    _ => "transcript",
                };
                sink.error(ErrorBody {
                    kind,
                    message: error.kind.to_string(),
                    offset: position.offset,
                    line: position.line,
                    cmd: error.verb.map(|v| v.to_string()),
                    dir: dir_code(None),
                })?;
            }
        }
    }
    Ok(text.len() as u64)
}
