//! The transcript format (`C: ` / `S: ` lines with payload lines after payload commands), as
//! protocol documentation writes sessions: a reader that turns it into wire bytes and a writer
//! that turns wire commands back into it.
//!
//! Which lines are payload depends on the dialect, so the reader asks the caller for the dialect
//! of each command line (the caller tracks `VER` negotiation, see [`crate::negotiation`]).
//!
//! Payloads that CRLF-ended lines cannot carry (binary data, bare LF or CR, control bytes) are
//! written as one `%escaped …` or `%base64 …` line, so every framed command survives
//! [`write_command`] → [`Reader`] byte for byte.
//!
//! ```
//! use msnp_proto::transcript::{Event, Reader};
//! use msnp_proto::{Dialect, ProtocolVersion};
//! let text = "C: UUX 11 53\n<Data><PSM></PSM><CurrentMedia></CurrentMedia></Data>\nS: UUX 11 0\n";
//! let mut r = Reader::new(text);
//! let mut frames = Vec::new();
//! while let Some(ev) = r.next_event(|dir| Dialect::notification(ProtocolVersion::Msnp11).with_direction(dir.unwrap())) {
//!     if let Event::Command(c) = ev.unwrap() { frames.push(c.bytes); }
//! }
//! assert_eq!(frames[0], b"UUX 11 53\r\n<Data><PSM></PSM><CurrentMedia></CurrentMedia></Data>".to_vec());
//! assert_eq!(frames[1], b"UUX 11 0\r\n".to_vec());
//! ```

mod payload;

pub use payload::ExactPayloadError;

use crate::error::DecodeErrorKind;
use crate::raw::RawCommand;
use crate::verb::Verb;
use crate::version::{Dialect, Direction};
use crate::wire::{Limits, parse_line};

/// One command read from a transcript.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TranscriptCommand {
    /// `C:` → client, `S:` → server, bare line → unknown.
    pub direction: Option<Direction>,
    /// 1-based line number of the command line in the transcript.
    pub line: usize,
    /// The command's wire bytes: the line, CRLF, and the payload.
    pub bytes: Vec<u8>,
}

/// What the reader found next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A command.
    Command(TranscriptCommand),
    /// A `# --- connection N: … ---` marker: the following lines belong to connection `id`.
    Connection {
        /// The connection number.
        id: u32,
        /// The text after the number (e.g. `Switchboard 203.0.113.40:1863`, `(NS), continued`).
        label: String,
        /// 1-based line number of the marker.
        line: usize,
    },
}

/// A transcript line that could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("transcript line {line}: {kind}")]
pub struct TranscriptError {
    /// 1-based line number of the offending command line.
    pub line: usize,
    /// The command verb, when known.
    pub verb: Option<Verb>,
    /// What went wrong.
    pub kind: TranscriptErrorKind,
}

/// The kinds of transcript error.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TranscriptErrorKind {
    /// The declared payload length does not end at a line's content or its CRLF.
    #[error("payload length mismatch: declared {declared} bytes, lines give {available}")]
    LengthMismatch {
        /// The length on the command line.
        declared: usize,
        /// Bytes counted up to where the lines stopped matching (or ran out).
        available: usize,
    },
    /// Lines that were neither commands, payload, comments nor blank (reported once, at the end,
    /// by [`to_wire_streams`](../stream/fn.to_wire_streams.html); the reader itself treats them as prose).
    #[error("{0} prose lines inside the transcript were skipped")]
    IgnoredLines(usize),
    /// The command line itself is not valid in the dialect.
    #[error("{0}")]
    Line(DecodeErrorKind),
    /// The `%base64` / `%escaped` line after the command does not decode.
    #[error("{0}")]
    ExactPayload(ExactPayloadError),
}

/// Reads a transcript event by event. Markdown files are understood: when the text has ```` ``` ````
/// fences, only lines inside fenced blocks are read.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    text: &'a str,
    lines: Vec<&'a str>,
    next: usize,
    markdown: bool,
    in_fence: bool,
    limits: Limits,
    ignored: usize,
}

fn is_fence(l: &str) -> bool {
    l.trim_start().starts_with("```")
}

/// Whether a bare line is a command line: a known verb or error code, then a space or the end.
fn looks_like_command(l: &str) -> bool {
    let b = l.as_bytes();
    let verb = b.get(..3).and_then(Verb::from_slice);
    verb.is_some_and(|v| v.is_known()) && (b.len() == 3 || b[3] == b' ')
}

fn parse_connection_marker(l: &str) -> Option<(u32, String)> {
    let rest = l
        .strip_prefix('#')?
        .trim_start()
        .strip_prefix("---")?
        .trim_start();
    let rest = rest.strip_prefix("connection")?.trim_start();
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let id = rest.get(..digits)?.parse().ok()?;
    let label = rest[digits..]
        .trim_start_matches(':')
        .trim()
        .trim_end_matches('-')
        .trim()
        .to_owned();
    Some((id, label))
}

impl<'a> Reader<'a> {
    /// A reader over `text`, with default limits for the command lines.
    pub fn new(text: &'a str) -> Self {
        let lines: Vec<&str> = text
            .split('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .collect();
        let markdown = lines.iter().any(|l| is_fence(l));
        Self {
            text,
            lines,
            next: 0,
            markdown,
            in_fence: false,
            limits: Limits::default(),
            ignored: 0,
        }
    }

    /// Uses other limits for the command lines.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// How many non-blank, non-`#` lines were skipped as prose so far (in Markdown, only those
    /// inside fenced blocks count).
    pub fn ignored_lines(&self) -> usize {
        self.ignored
    }

    /// The byte offset where 1-based `line` starts (the text's length past its last line).
    pub fn offset_of_line(&self, line: usize) -> usize {
        let start = self.text.as_ptr() as usize;
        line.checked_sub(1)
            .and_then(|i| self.lines.get(i))
            .map_or(self.text.len(), |l| l.as_ptr() as usize - start)
    }

    /// The next event, asking `dialect_for(direction)` for the dialect that frames a command line.
    pub fn next_event(
        &mut self,
        mut dialect_for: impl FnMut(Option<Direction>) -> Dialect,
    ) -> Option<Result<Event, TranscriptError>> {
        while self.next < self.lines.len() {
            let idx = self.next;
            let l = self.lines[idx];
            self.next += 1;
            if self.markdown && is_fence(l) {
                self.in_fence = !self.in_fence;
                continue;
            }
            if self.markdown && !self.in_fence {
                continue;
            }
            if let Some((id, label)) = parse_connection_marker(l) {
                return Some(Ok(Event::Connection {
                    id,
                    label,
                    line: idx + 1,
                }));
            }
            let (direction, text) = if let Some(t) = l.strip_prefix("C: ") {
                (Some(Direction::ClientToServer), t)
            } else if let Some(t) = l.strip_prefix("S: ") {
                (Some(Direction::ServerToClient), t)
            } else if looks_like_command(l) {
                (None, l)
            } else {
                // Prose, a blank line or a comment. Count prose: inside a transcript it usually
                // means a payload line that no payload command claimed.
                if !l.trim().is_empty() && !l.starts_with('#') {
                    self.ignored += 1;
                }
                continue;
            };
            return Some(
                self.command(idx, direction, text, &mut dialect_for)
                    .map(Event::Command),
            );
        }
        None
    }

    fn command(
        &mut self,
        idx: usize,
        direction: Option<Direction>,
        text: &str,
        dialect_for: &mut impl FnMut(Option<Direction>) -> Dialect,
    ) -> Result<TranscriptCommand, TranscriptError> {
        let mut line = text.to_owned();
        while let Some(cont) = self
            .lines
            .get(self.next)
            .and_then(|l| l.strip_prefix(".. "))
        {
            line.push(' ');
            line.push_str(cont);
            self.next += 1;
        }
        let dialect = dialect_for(direction);
        let err = |kind, verb| TranscriptError {
            line: idx + 1,
            verb,
            kind,
        };
        let verb = line.as_bytes().get(..3).and_then(Verb::from_slice);
        let parsed = parse_line(&dialect, &self.limits, line.as_bytes())
            .map_err(|e| err(TranscriptErrorKind::Line(e.kind().clone()), verb))?;
        let mut bytes = line.into_bytes();
        bytes.extend_from_slice(b"\r\n");
        if let Some(declared) = parsed.payload_len {
            if let Some(exact) = self
                .lines
                .get(self.next)
                .and_then(|l| payload::decode_exact(l))
            {
                // An exact form is the whole payload, on one line.
                self.next += 1;
                let exact = exact.map_err(|e| err(TranscriptErrorKind::ExactPayload(e), verb))?;
                if exact.len() != declared {
                    return Err(err(
                        TranscriptErrorKind::LengthMismatch {
                            declared,
                            available: exact.len(),
                        },
                        verb,
                    ));
                }
                bytes.extend_from_slice(&exact);
                return Ok(TranscriptCommand {
                    direction,
                    line: idx + 1,
                    bytes,
                });
            }
            let start = bytes.len();
            let mut total = 0usize;
            while total < declared {
                let Some(pl) = self.lines.get(self.next).filter(|_| {
                    self.next + 1 < self.lines.len() || !self.lines[self.next].is_empty()
                }) else {
                    return Err(err(
                        TranscriptErrorKind::LengthMismatch {
                            declared,
                            available: total,
                        },
                        verb,
                    ));
                };
                let content = total + pl.len();
                if content > declared || (content < declared && content + 2 > declared) {
                    // The length falls inside this line or between its CR and LF.
                    self.skip_to_next_command();
                    return Err(err(
                        TranscriptErrorKind::LengthMismatch {
                            declared,
                            available: total,
                        },
                        verb,
                    ));
                }
                self.next += 1;
                bytes.extend_from_slice(pl.as_bytes());
                total = content;
                if total < declared {
                    bytes.extend_from_slice(b"\r\n");
                    total += 2;
                }
            }
            debug_assert_eq!(bytes.len() - start, declared);
        }
        Ok(TranscriptCommand {
            direction,
            line: idx + 1,
            bytes,
        })
    }

    fn skip_to_next_command(&mut self) {
        while let Some(l) = self.lines.get(self.next) {
            if l.starts_with("C: ") || l.starts_with("S: ") || (self.markdown && is_fence(l)) {
                break;
            }
            self.next += 1;
        }
    }
}

/// Why a command cannot be written as a transcript line.
///
/// Every payload can be written (in an exact form when plain lines cannot carry it); only a
/// command line that is not UTF-8, or holds a CR or LF, has no transcript form.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    /// The command line is not valid UTF-8 or holds a CR or LF.
    #[error("command line cannot be written as a transcript line (not UTF-8, or a bare CR/LF)")]
    Unrepresentable,
}

/// Whether plain payload line `i` (0-based) reads back as a payload line: not a Markdown fence
/// (which would switch the reader to fenced mode) and, right after the command line, not a
/// `.. ` continuation.
fn plain_line_ok(i: usize, l: &str) -> bool {
    !(is_fence(l) || (i == 0 && l.starts_with(".. ")))
}

/// Appends `cmd` to `out` as transcript text (`C: `/`S: ` prefix by direction, payload after):
/// the payload as plain lines when they can carry it, else as one `%escaped` or `%base64` line
/// (transcript-format.md, "Exact payloads").
///
/// ```
/// use msnp_proto::transcript::write_command;
/// use msnp_proto::{Decoder, Dialect, Direction, Limits, ProtocolVersion, Status};
/// let d = Dialect::switchboard(ProtocolVersion::Msnp12).with_direction(Direction::ClientToServer);
/// let wire = b"MSG 3 U 21\r\nMIME-Version: 1.0\r\n\r\n";
/// let Ok(Status::Complete { value, .. }) = Decoder::new(d, Limits::default()).decode(wire) else { panic!() };
/// let mut text = String::new();
/// write_command(&mut text, Some(Direction::ClientToServer), &value).unwrap();
/// assert_eq!(text, "C: MSG 3 U 21\nMIME-Version: 1.0\n\n");
///
/// let wire = b"MSG 7 D 4\r\n\x00\x01\x02\x03";
/// let Ok(Status::Complete { value, .. }) = Decoder::new(d, Limits::default()).decode(wire) else { panic!() };
/// text.clear();
/// write_command(&mut text, Some(Direction::ClientToServer), &value).unwrap();
/// assert_eq!(text, "C: MSG 7 D 4\n%base64 AAECAw==\n");
/// ```
pub fn write_command(
    out: &mut String,
    direction: Option<Direction>,
    cmd: &RawCommand<'_>,
) -> Result<(), WriteError> {
    let line = core::str::from_utf8(cmd.line()).map_err(|_| WriteError::Unrepresentable)?;
    if line.contains(['\r', '\n']) {
        return Err(WriteError::Unrepresentable);
    }
    match direction {
        Some(Direction::ClientToServer) => out.push_str("C: "),
        Some(Direction::ServerToClient) => out.push_str("S: "),
        None => {}
    }
    out.push_str(line);
    out.push('\n');
    let Some(p) = cmd.payload().filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    match payload::choose_form(p, plain_line_ok) {
        payload::PayloadForm::Plain => {
            // `choose_form` only picks plain for UTF-8.
            let text = core::str::from_utf8(p).map_err(|_| WriteError::Unrepresentable)?;
            let body = text.strip_suffix("\r\n").unwrap_or(text);
            for l in body.split("\r\n") {
                out.push_str(l);
                out.push('\n');
            }
        }
        payload::PayloadForm::Escaped => {
            let text = core::str::from_utf8(p).map_err(|_| WriteError::Unrepresentable)?;
            payload::write_escaped(out, text);
            out.push('\n');
        }
        payload::PayloadForm::Base64 => {
            payload::write_base64(out, p);
            out.push('\n');
        }
    }
    Ok(())
}
