//! Typed layer benchmarks: raw + typed decode of the corpus, and typed encode into a reused buffer.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use msnp_bench::{Corpus, Profile, corpus};
use msnp_proto::message::Message;
use msnp_proto::{Decoder, Limits, Status};

const SIZE: usize = 4 << 20;

fn typed_decode_all(c: &Corpus) -> usize {
    let mut n = 0usize;
    for s in &c.segments {
        let mut dec = Decoder::new(s.dialect, Limits::default());
        let mut buf = &s.bytes[..];
        while let Ok(Status::Complete { value, consumed }) = dec.decode(buf) {
            if let Ok(m) = Message::decode(&value, &s.dialect) {
                n += usize::from(!m.is_unknown());
            }
            buf = &buf[consumed..];
        }
    }
    n
}

fn benches(cr: &mut Criterion) {
    for (name, profile) in [
        ("mixed", Profile::Mixed),
        ("presence", Profile::Presence),
        ("payload", Profile::Payload),
    ] {
        let c = corpus(profile, SIZE, 0x5eed);
        assert_eq!(
            typed_decode_all(&c),
            c.commands(),
            "every generated command decodes typed"
        );
        let mut g = cr.benchmark_group(format!("typed/decode/{name}"));
        g.throughput(c.throughput());
        g.bench_function("decode", |b| b.iter(|| typed_decode_all(black_box(&c))));
        g.finish();
    }
    let c = corpus(Profile::Mixed, SIZE, 0x5eed);
    // Decode every command once; the benchmark writes them all back.
    let mut messages = Vec::with_capacity(c.commands());
    for s in &c.segments {
        let mut dec = Decoder::new(s.dialect, Limits::default());
        let mut buf = &s.bytes[..];
        while let Ok(Status::Complete { value, consumed }) = dec.decode(buf) {
            messages.push((
                s.dialect,
                Message::decode(&value, &s.dialect).expect("typed"),
            ));
            buf = &buf[consumed..];
        }
    }
    let mut out = Vec::with_capacity(c.bytes());
    for (d, m) in &messages {
        m.encode(d, &mut out).expect("encodes");
    }
    let all: Vec<u8> = c
        .segments
        .iter()
        .flat_map(|s| s.bytes.iter().copied())
        .collect();
    assert!(out == all, "typed re-encoding is byte-exact");
    let mut g = cr.benchmark_group("encode");
    g.throughput(c.throughput());
    g.bench_function("typed_reused_vec", |b| {
        b.iter(|| {
            out.clear();
            for (d, m) in &messages {
                let _ = m.encode_to_vec(d, &mut out);
            }
            out.len()
        })
    });
    // The BufMut path checks with a dry run first, so that a failure writes nothing.
    g.bench_function("typed_bufmut_checked", |b| {
        b.iter(|| {
            out.clear();
            for (d, m) in &messages {
                let _ = m.encode(d, &mut out);
            }
            out.len()
        })
    });
    g.finish();
}

criterion_group!(typed, benches);
criterion_main!(typed);
