//! `transcript_exact`: the transcript's exact payload forms (`%base64`, `%escaped`) with
//! arbitrary payload bytes.
//!
//! Input: byte 0 picks the command (`MSG` client or server on a switchboard, `UUX` on a
//! notification server) and whether the rest is a payload or the text of an exact-form line.
//!
//! Checks, for a payload: `write_command` of the command carrying it writes text that has no
//! control byte but TAB and line feeds (no CR; C1 controls are UTF-8 text, left literal as the
//! spec says), picks `%base64` for non-UTF-8 bytes,
//! and reads back (`Reader`) to exactly the wire bytes, as one command. For the text of a
//! `%escaped` or `%base64` line: the reader either reports an escape error at a backslash of
//! the text, a base64 error, or a length mismatch naming the decoded length; with that length
//! declared the command reads, and writing it again and reading it back gives the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use msnp_proto::transcript::{
    Event, ExactPayloadError, Reader, TranscriptErrorKind, write_command,
};
use msnp_proto::{Decoder, Dialect, Direction, Limits, ProtocolVersion, Status};

fn dialect(sel: u8) -> (Dialect, &'static str) {
    match sel % 3 {
        0 => (
            Dialect::switchboard(ProtocolVersion::Msnp12).with_direction(Direction::ClientToServer),
            "MSG 1 D",
        ),
        1 => (
            Dialect::switchboard(ProtocolVersion::Msnp12).with_direction(Direction::ServerToClient),
            "MSG alice@hotmail.com Alice",
        ),
        _ => (
            Dialect::notification(ProtocolVersion::Msnp12)
                .with_direction(Direction::ClientToServer),
            "UUX 1",
        ),
    }
}

/// Reads `text` as a transcript in `d`: its events.
fn read(text: &str, d: Dialect) -> Vec<Result<Event, msnp_proto::transcript::TranscriptError>> {
    let mut r = Reader::new(text);
    let mut events = Vec::new();
    while let Some(ev) = r.next_event(|dir| match dir {
        Some(dir) => d.with_direction(dir),
        None => d,
    }) {
        events.push(ev);
        assert!(events.len() <= 4, "one command read back as many events");
    }
    events
}

/// Writes the command framed in `wire` and reads it back: the same bytes.
fn write_read(wire: &[u8], d: Dialect) {
    let Ok(Status::Complete { value, consumed }) = Decoder::new(d, Limits::default()).decode(wire)
    else {
        return;
    };
    assert_eq!(consumed, wire.len());
    let mut text = String::new();
    write_command(&mut text, d.direction, &value).expect("a UTF-8 command line writes");
    assert!(
        !text
            .bytes()
            .any(|b| (b < 0x20 || b == 0x7f) && b != b'\n' && b != b'\t'),
        "control characters in {text:?}"
    );
    if let Some(p) = value.payload()
        && !p.is_empty()
        && std::str::from_utf8(p).is_err()
    {
        assert!(
            text.contains("\n%base64 "),
            "binary payload not base64: {text:?}"
        );
    }
    match read(&text, d).as_slice() {
        [Ok(Event::Command(c))] => assert_eq!(c.bytes, wire, "written as {text:?}"),
        other => panic!("{wire:?} written as {text:?} reads back as {other:?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let [sel, rest @ ..] = data else { return };
    let (d, line) = dialect(*sel);
    if sel & 0x80 == 0 {
        let mut wire = format!("{line} {}\r\n", rest.len()).into_bytes();
        wire.extend_from_slice(rest);
        write_read(&wire, d);
        return;
    }
    let Ok(body) = std::str::from_utf8(rest) else {
        return;
    };
    if body.contains(['\n', '\r']) {
        return;
    }
    let prefix = if sel & 0x40 == 0 {
        "%escaped "
    } else {
        "%base64 "
    };
    let who = if d.direction == Some(Direction::ServerToClient) {
        "S"
    } else {
        "C"
    };
    let text = format!("{who}: {line} 0\n{prefix}{body}\n");
    let len = match read(&text, d).first() {
        Some(Err(e)) => match &e.kind {
            TranscriptErrorKind::ExactPayload(ExactPayloadError::Escape { offset }) => {
                assert_eq!(prefix, "%escaped ");
                assert_eq!(
                    body.as_bytes().get(*offset),
                    Some(&b'\\'),
                    "escape error not at a backslash"
                );
                return;
            }
            TranscriptErrorKind::ExactPayload(ExactPayloadError::Base64) => {
                assert_eq!(prefix, "%base64 ");
                return;
            }
            TranscriptErrorKind::LengthMismatch {
                declared: 0,
                available,
            } => *available,
            // Line-level errors (limits, …) concern the command line, not the payload.
            _ => return,
        },
        // An empty payload: nothing to compare.
        Some(Ok(Event::Command(c))) => {
            assert!(c.bytes.ends_with(b" 0\r\n"), "{c:?}");
            return;
        }
        _ => return,
    };
    let text = format!("{who}: {line} {len}\n{prefix}{body}\n");
    let wire = match read(&text, d).as_slice() {
        [Ok(Event::Command(c))] => c.bytes.clone(),
        other => {
            // Only a payload past the framing limit may fail now.
            assert!(
                len > Limits::default().max_payload,
                "{text:?} reads as {other:?}"
            );
            return;
        }
    };
    write_read(&wire, d);
});
