//! Decodes a file and prints one line per command: its connection, direction, dialect, verb,
//! TrID and arguments.
//!
//! ```sh
//! cargo run -p msnp-proto --example decode_file -- session.txt   # a transcript (C:/S: lines)
//! cargo run -p msnp-proto --example decode_file -- capture.bin   # raw bytes one side sent
//! ```
//!
//! Without an argument it decodes the workspace's bundled example transcript. Files ending in
//! `.txt` or `.md` are read as transcripts; anything else is streamed from the file as wire
//! bytes, a few kilobytes at a time. Exit status 1 if anything did not decode.

use std::fs::File;
use std::path::PathBuf;
use std::process::ExitCode;

use msnp_proto::negotiation::DialectTracker;
use msnp_proto::stream::{
    StreamCommand, TrackedDecoder, TranscriptItem, TranscriptStream, WireItem,
};
use msnp_proto::{Direction, Limits, ProtocolVersion, RawCommand};

fn main() -> ExitCode {
    let path = std::env::args_os().nth(1).map_or_else(
        || {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../examples/msnp12-login.txt"
            ))
        },
        PathBuf::from,
    );
    let transcript = path.extension().is_some_and(|e| e == "txt" || e == "md");
    // Before any `VER`, assume MSNP8; the tracker follows the negotiation from there.
    let tracker = DialectTracker::new(ProtocolVersion::Msnp8);
    let result = if transcript {
        decode_transcript(&path, tracker)
    } else {
        decode_wire(&path, tracker)
    };
    match result {
        Ok((commands, 0)) => {
            eprintln!("{commands} commands");
            ExitCode::SUCCESS
        }
        Ok((commands, errors)) => {
            eprintln!("{commands} commands, {errors} errors");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("{}: {e}", path.display());
            ExitCode::from(2)
        }
    }
}

/// Reads the whole transcript and walks its items; returns (commands, errors).
fn decode_transcript(path: &PathBuf, tracker: DialectTracker) -> std::io::Result<(u64, u64)> {
    let text = std::fs::read_to_string(path)?;
    let (mut commands, mut errors) = (0, 0);
    for item in TranscriptStream::new(&text, tracker) {
        match item {
            TranscriptItem::Connection { id, label, .. } => {
                println!("--- connection {id}: {label}")
            }
            TranscriptItem::Command(c) => {
                commands += 1;
                let raw = c.command.as_raw();
                print_command(&c, &raw);
            }
            TranscriptItem::Error { error, position } => {
                errors += 1;
                println!("error at line {}: {error}", position.line);
            }
        }
    }
    Ok((commands, errors))
}

/// Streams the file through a decoder that follows `VER`; returns (commands, errors).
fn decode_wire(path: &PathBuf, tracker: DialectTracker) -> std::io::Result<(u64, u64)> {
    let mut file = File::open(path)?;
    let mut decoder = TrackedDecoder::new(tracker, None, Limits::default());
    let (mut commands, mut errors) = (0, 0);
    loop {
        let read = decoder.fill_from(&mut file)?;
        while let Some(item) = decoder.next_item() {
            match item {
                WireItem::Command(c) => {
                    commands += 1;
                    print_command(&c, &c.command);
                }
                WireItem::Error {
                    error, position, ..
                } => {
                    errors += 1;
                    println!("error at byte {}: {error}", position.offset);
                }
            }
        }
        if read == 0 {
            break;
        }
    }
    // Bytes left over at the end are a command that never ended.
    if let Some(WireItem::Error { error, .. }) = decoder.finish() {
        errors += 1;
        println!("error at end: {error}");
    }
    Ok((commands, errors))
}

fn print_command<C>(c: &StreamCommand<C>, raw: &RawCommand<'_>) {
    let conn = c
        .connection
        .map_or_else(|| "-".to_owned(), |n| n.to_string());
    let arrow = match c.direction {
        Some(Direction::ClientToServer) => "C→S",
        Some(Direction::ServerToClient) => "S→C",
        None => "?→?",
    };
    let mut line = format!(
        "#{conn} {arrow} {} {}",
        c.dialect.version.name(),
        raw.verb()
    );
    if let Some(t) = raw.trid() {
        line.push_str(&format!(" {}", t.0));
    }
    for a in raw.args() {
        line.push(' ');
        line.push_str(&String::from_utf8_lossy(a));
    }
    if let Some(p) = raw.payload() {
        line.push_str(&format!(" (+{} payload bytes)", p.len()));
    }
    println!("{line}");
}
