//! `transcript`: the transcript reader and writer.
//!
//! Input: byte 0 picks the starting version, byte 1 the leniency of the wire pass; the rest must
//! be UTF-8 (other inputs are ignored).
//!
//! Checks:
//! * `Reader`, `TranscriptStream` and `to_wire_streams` never panic and always end;
//! * every command frame the reader emits decodes, in the dialect it was read with, to exactly
//!   one command that fills the frame; the streams' command lengths add up to their bytes;
//! * `write_command` of any decodable command (both those the reader emitted and those decoded
//!   from the raw text as wire bytes) either refuses, or writes text that the reader reads back
//!   to the same wire bytes, as a single command.
#![no_main]

use libfuzzer_sys::fuzz_target;
use msnp_fuzz::dialect_from;
use msnp_proto::negotiation::DialectTracker;
use msnp_proto::stream::{TranscriptItem, TranscriptStream, to_wire_streams};
use msnp_proto::transcript::{Event, Reader, write_command};
use msnp_proto::{Decoder, Dialect, Direction, Limits, ProtocolVersion, RawCommand, Status};

/// A decodable command written as a transcript reads back to its own bytes.
/// `dialect` is the one `cmd` was decoded with; its direction is the line's prefix.
fn write_and_read_back(cmd: &RawCommand<'_>, dialect: Dialect) {
    if !cmd.has_crlf() {
        // Transcripts always write CRLF: a bare-LF command cannot come back byte-exact.
        return;
    }
    let mut text = String::new();
    if write_command(&mut text, dialect.direction, cmd).is_err() {
        return;
    }
    let mut reader = Reader::new(&text);
    let mut events = Vec::new();
    while let Some(ev) = reader.next_event(|_| dialect) {
        events.push(ev);
        assert!(events.len() < 4, "one command read back as many events");
    }
    match events.as_slice() {
        [Ok(Event::Command(c))] => assert_eq!(
            c.bytes,
            cmd.as_bytes(),
            "written as {text:?}, read back differently"
        ),
        other => panic!(
            "command {:?} written as {text:?} reads back as {other:?}",
            String::from_utf8_lossy(cmd.as_bytes())
        ),
    }
}

fuzz_target!(|data: &[u8]| {
    let [a, b, rest @ ..] = data else { return };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let all = ProtocolVersion::ALL;
    let version = all[usize::from(*a) % all.len()];

    // The reader with a fixed dialect per direction.
    let base = Dialect::notification(version);
    let mut reader = Reader::new(text);
    let mut n = 0usize;
    while let Some(ev) = reader.next_event(|d| match d {
        Some(d) => base.with_direction(d),
        None => base,
    }) {
        n += 1;
        assert!(n <= text.len() + 1, "more events than lines");
        let Ok(Event::Command(c)) = ev else { continue };
        let dialect = match c.direction {
            Some(d) => base.with_direction(d),
            None => base,
        };
        let mut dec = Decoder::new(dialect, Limits::default());
        match dec.decode(&c.bytes) {
            Ok(Status::Complete { value, consumed }) => {
                assert_eq!(
                    consumed,
                    c.bytes.len(),
                    "reader frame holds more than one command"
                );
                write_and_read_back(&value, dialect);
            }
            other => panic!("reader frame {:?} does not decode: {other:?}", c.bytes),
        }
    }

    // Whole transcripts, following VER negotiation: every command comes with its position.
    let mut items = 0usize;
    for item in TranscriptStream::new(text, DialectTracker::new(version)) {
        items += 1;
        assert!(items <= text.len() + 1, "more items than lines");
        if let TranscriptItem::Command(c) = item {
            assert!(c.position.offset as usize <= text.len());
            assert!(!c.command.frame().is_empty());
        }
    }
    let (streams, _errors) = to_wire_streams(text, DialectTracker::new(version));
    for s in &streams {
        assert_eq!(s.command_lengths.iter().sum::<usize>(), s.bytes.len());
        assert!(s.command_lengths.iter().all(|&l| l > 0));
    }

    // The text as wire bytes: every decodable command survives write → read.
    // A transcript line always names its sender, so decode with a known direction.
    let dialect = dialect_from(*a, *b);
    let direction = dialect.direction.unwrap_or(Direction::ServerToClient);
    let dialect = dialect.with_direction(direction);
    let mut dec = Decoder::new(dialect, Limits::default());
    let input = rest;
    let mut at = 0usize;
    while at < input.len() {
        match dec.decode(&input[at..]) {
            Ok(Status::Complete { value, consumed }) => {
                at += consumed;
                write_and_read_back(&value, dialect);
            }
            Ok(Status::Skipped { consumed }) => at += consumed,
            Ok(Status::Incomplete(_)) => break,
            Err(e) => at += e.skip,
        }
    }
});
