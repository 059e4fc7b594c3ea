//! Every shared transcript: read with zero errors, every command re-encodes byte-exactly, and the
//! wire streams decode to the same commands whatever the byte split.

use msnp_proto::negotiation::DialectTracker;
use msnp_proto::stream::{TrackedDecoder, WireItem, WireStream, to_wire_streams};
use msnp_proto::{Direction, Encode, Limits, ProtocolVersion};

mod util;

use util::transcripts;

fn streams(text: &str) -> Vec<WireStream> {
    let (streams, errors) = to_wire_streams(text, DialectTracker::new(ProtocolVersion::Msnp8));
    assert!(errors.is_empty(), "{errors:?}");
    streams
}

/// Decodes `stream` fed in chunks whose sizes come from `chunk`, following VER like the reader
/// did; returns the frames.
fn decode_chunked(s: &WireStream, mut chunk: impl FnMut() -> usize) -> Vec<Vec<u8>> {
    let tracker = DialectTracker::new(s.initial.version).fix_channel(s.initial.channel);
    let mut dec = TrackedDecoder::new(tracker, s.direction, Limits::default());
    let (mut fed, mut out) = (0usize, Vec::new());
    loop {
        while let Some(item) = dec.next_item() {
            match item {
                WireItem::Command(c) => out.push(c.command.to_vec()),
                WireItem::Error { error, .. } => {
                    panic!(
                        "decode error {error} in {:?} {:?}",
                        s.connection, s.direction
                    )
                }
            }
        }
        if fed == s.bytes.len() {
            if let Some(item) = dec.finish() {
                panic!("stream ended inside a command: {item:?}");
            }
            return out;
        }
        let n = chunk().clamp(1, s.bytes.len() - fed);
        dec.feed(&s.bytes[fed..fed + n]);
        fed += n;
    }
}

fn expected(s: &WireStream) -> Vec<Vec<u8>> {
    let mut at = 0;
    s.command_lengths
        .iter()
        .map(|&n| {
            at += n;
            s.bytes[at - n..at].to_vec()
        })
        .collect()
}

#[test]
fn every_transcript_reads_without_errors_and_covers_both_directions() {
    for (name, text) in transcripts() {
        let s = streams(&text);
        let cmds: usize = s.iter().map(|s| s.command_lengths.len()).sum();
        assert!(cmds > 40, "{name}: only {cmds} commands");
        assert!(
            s.iter()
                .any(|s| s.direction == Some(Direction::ClientToServer)),
            "{name}"
        );
        assert!(
            s.iter()
                .any(|s| s.direction == Some(Direction::ServerToClient)),
            "{name}"
        );
    }
}

#[test]
fn one_piece_decode_is_byte_exact() {
    for (name, text) in transcripts() {
        for s in streams(&text) {
            let got = decode_chunked(&s, || usize::MAX);
            assert_eq!(
                got,
                expected(&s),
                "{name} {:?} {:?}",
                s.connection,
                s.direction
            );
            assert_eq!(
                got.concat(),
                s.bytes,
                "{name}: re-encoding is not byte-exact"
            );
        }
    }
}

#[test]
fn byte_by_byte_decode_matches() {
    for (name, text) in transcripts() {
        for s in streams(&text) {
            assert_eq!(
                decode_chunked(&s, || 1),
                expected(&s),
                "{name} {:?} {:?}",
                s.connection,
                s.direction
            );
        }
    }
}

#[test]
fn random_chunks_decode_matches() {
    // xorshift: deterministic, no dependency.
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for (name, text) in transcripts() {
        for s in streams(&text) {
            for max in [2u64, 7, 64, 700, 4096] {
                let got = decode_chunked(&s, || (next() % max) as usize + 1);
                assert_eq!(
                    got,
                    expected(&s),
                    "{name} {:?} {:?} chunks ≤ {max}",
                    s.connection,
                    s.direction
                );
            }
        }
    }
}

#[test]
fn every_two_piece_split_matches() {
    for (name, text) in transcripts() {
        for s in streams(&text) {
            let want = expected(&s);
            for split in 0..=s.bytes.len() {
                let mut first = true;
                let got = decode_chunked(&s, || {
                    if std::mem::take(&mut first) {
                        split.max(1)
                    } else {
                        usize::MAX
                    }
                });
                assert_eq!(
                    got, want,
                    "{name} {:?} {:?} split at {split}",
                    s.connection, s.direction
                );
            }
        }
    }
}
