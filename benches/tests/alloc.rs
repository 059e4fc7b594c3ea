//! The raw path allocates nothing per command: a counting global allocator watches the decoder
//! over the whole benchmark corpus, in one piece and in chunks.

use std::alloc::System;

use msnp_bench::{Profile, corpus};
use msnp_proto::{Decoder, Limits, Status};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// The counter is process-wide, and the test harness allocates on its own threads whenever a
/// test finishes (a lock between tests is not enough: the report of the one that just ended
/// lands inside the next one's measurement). So the checks run one after another inside a
/// single test.
#[test]
fn allocation_counts() {
    the_counter_counts();
    raw_decode_allocates_nothing();
    typed_decode_allocates_nothing();
}

fn raw_decode_allocates_nothing() {
    let c = corpus(Profile::Mixed, 2 << 20, 11);
    let decoders: Vec<Decoder> = c
        .segments
        .iter()
        .map(|s| Decoder::new(s.dialect, Limits::default()))
        .collect();
    let mut decoders = decoders;
    let region = Region::new(GLOBAL);
    let mut commands = 0usize;
    for (s, dec) in c.segments.iter().zip(decoders.iter_mut()) {
        // One piece.
        let mut buf = &s.bytes[..];
        while let Ok(Status::Complete { value, consumed }) = dec.decode(buf) {
            commands += usize::from(value.token_count() > 0);
            buf = &buf[consumed..];
        }
        // Chunks of 61 bytes, as a socket would deliver them.
        let (mut start, mut end) = (0usize, 0usize);
        loop {
            match dec.decode(&s.bytes[start..end]) {
                Ok(Status::Complete { consumed, .. }) => {
                    start += consumed;
                    commands += 1;
                }
                Ok(Status::Incomplete(_)) if end < s.bytes.len() => {
                    end = (end + 61).min(s.bytes.len())
                }
                _ => break,
            }
        }
    }
    let stats = region.change();
    assert_eq!(commands, 2 * c.commands());
    assert_eq!(stats.allocations, 0, "{stats:?}");
    assert_eq!(stats.reallocations, 0, "{stats:?}");
}

fn the_counter_counts() {
    let region = Region::new(GLOBAL);
    let v = std::hint::black_box(vec![1u8; 100]);
    assert!(region.change().allocations >= 1);
    drop(v);
}

/// Typed decoding borrows from the input too: no allocation for the commands of the corpus.
fn typed_decode_allocates_nothing() {
    use msnp_proto::message::Message;
    let c = corpus(Profile::Mixed, 1 << 20, 5);
    let mut by_verb = std::collections::BTreeMap::new();
    for s in &c.segments {
        let mut dec = Decoder::new(s.dialect, Limits::default());
        let mut buf = &s.bytes[..];
        while let Ok(Status::Complete { value, consumed }) = dec.decode(buf) {
            let region = Region::new(GLOBAL);
            let m = Message::decode(&value, &s.dialect);
            let n = region.change().allocations;
            assert!(m.is_ok());
            drop(m);
            if n > 0 {
                *by_verb.entry(value.verb().to_string()).or_insert(0usize) += n;
            }
            buf = &buf[consumed..];
        }
    }
    assert!(by_verb.is_empty(), "allocations per verb: {by_verb:?}");
}
