//! Stream positions: every command's and error's line number is one more than the LFs before
//! its offset, however the stream is split, with payloads that hold LFs of their own, blank
//! lines and lines that do not frame in between.

use msnp_proto::negotiation::DialectTracker;
use msnp_proto::stream::{TrackedDecoder, WireItem};
use msnp_proto::{Direction, Limits, ProtocolVersion};
use proptest::prelude::*;

/// Pieces of a server's stream: plain lines, payloads with and without LFs, a bare-LF line, a
/// blank line and lines that do not frame (a bare LF is one, without leniency).
const PIECES: &[&[u8]] = &[
    b"QNG 50\r\n",
    b"CHG 4 NLN 0\r\n",
    b"MSG Hotmail Hotmail 9\r\nab\ncd\r\nef",
    b"UBX bob@example.com 3\r\n\n\n\n",
    b"UBX bob@example.com 7\r\n<Data/>",
    b"FLN carol@example.com\n",
    b"\r\n",
    b"XYZ \x01 junk\r\n",
    b"NOT 4\r\n\n\nab",
    b"lowercase nonsense\n",
];

/// (line, offset) of every item, read in chunks of the given sizes (cycled).
fn positions(input: &[u8], chunks: &[usize]) -> Vec<(u64, u64, bool)> {
    let mut dec = TrackedDecoder::new(
        DialectTracker::new(ProtocolVersion::Msnp12),
        Some(Direction::ServerToClient),
        Limits::default(),
    );
    let mut out = Vec::new();
    let mut record = |item: &WireItem<'_>| -> Result<(), ()> {
        out.push(match item {
            WireItem::Command(c) => (c.position.line, c.position.offset, true),
            WireItem::Error { position, .. } => (position.line, position.offset, false),
        });
        Ok(())
    };
    let (mut at, mut i) = (0, 0);
    while at < input.len() {
        let n = chunks[i % chunks.len()].clamp(1, input.len() - at);
        dec.feed(&input[at..at + n]);
        dec.for_each_item(&mut record).unwrap();
        at += n;
        i += 1;
    }
    if let Some(item) = dec.finish() {
        record(&item).unwrap();
    }
    out
}

proptest! {
    #[test]
    fn lines_are_lfs_before_the_offset_plus_one(
        picks in proptest::collection::vec(0..PIECES.len(), 1..40),
        chunks in proptest::collection::vec(1usize..64, 1..8),
    ) {
        let input: Vec<u8> = picks.iter().flat_map(|&p| PIECES[p].iter().copied()).collect();
        let items = positions(&input, &chunks);
        let commands = items.iter().filter(|i| i.2).count();
        let expected = picks.iter().filter(|&&p| !matches!(p, 5 | 6 | 7 | 9)).count();
        prop_assert_eq!(commands, expected, "every good piece is a command");
        for (line, offset, _) in &items {
            let before = input[..*offset as usize].iter().filter(|&&b| b == b'\n').count();
            prop_assert_eq!(*line, before as u64 + 1, "at offset {}", offset);
        }
        // The same as one read of everything.
        prop_assert_eq!(&items, &positions(&input, &[input.len()]));
    }
}
