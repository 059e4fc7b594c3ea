//! Decoder benchmarks: the memchr yardstick, raw decode (one piece and chunked), raw re-encode.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use msnp_bench::{Corpus, Profile, corpus, memchr_split};
use msnp_proto::{Decoder, Encode, Limits, Status};

const SIZE: usize = 4 << 20;

fn decode_all(c: &Corpus) -> usize {
    let mut n = 0usize;
    for s in &c.segments {
        let mut dec = Decoder::new(s.dialect, Limits::default());
        let mut buf = &s.bytes[..];
        while let Ok(Status::Complete { value, consumed }) = dec.decode(buf) {
            n += value.token_count();
            buf = &buf[consumed..];
        }
    }
    n
}

fn decode_chunked(c: &Corpus, chunk: usize) -> usize {
    let mut n = 0usize;
    for s in &c.segments {
        let mut dec = Decoder::new(s.dialect, Limits::default());
        let (mut start, mut end) = (0usize, 0usize);
        loop {
            match dec.decode(&s.bytes[start..end]) {
                Ok(Status::Complete { value, consumed }) => {
                    n += value.token_count();
                    start += consumed;
                }
                Ok(Status::Incomplete(_)) if end < s.bytes.len() => {
                    end = (end + chunk).min(s.bytes.len())
                }
                _ => break,
            }
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
        let mut g = cr.benchmark_group(format!("baseline/memchr_split/{name}"));
        g.throughput(c.throughput());
        g.bench_function("split", |b| {
            b.iter(|| {
                c.segments
                    .iter()
                    .map(|s| memchr_split(black_box(&s.bytes)))
                    .sum::<usize>()
            })
        });
        g.finish();
        let mut g = cr.benchmark_group(format!("raw/decode/{name}"));
        g.throughput(c.throughput());
        g.bench_function("decode", |b| b.iter(|| decode_all(black_box(&c))));
        g.finish();
    }
    let c = corpus(Profile::Mixed, SIZE, 0x5eed);
    let mut g = cr.benchmark_group("raw/decode_chunked");
    g.throughput(c.throughput());
    for chunk in [1usize, 64, 4096] {
        g.bench_function(chunk.to_string(), |b| {
            b.iter(|| decode_chunked(black_box(&c), chunk))
        });
    }
    g.finish();
    // Raw re-encode: decode once, write every command back into a reused buffer.
    let mut g = cr.benchmark_group("raw/encode");
    g.throughput(c.throughput());
    let mut out = Vec::with_capacity(c.bytes());
    g.bench_function("reused_vec", |b| {
        b.iter(|| {
            out.clear();
            for s in &c.segments {
                let mut dec = Decoder::new(s.dialect, Limits::default());
                let mut buf = &s.bytes[..];
                while let Ok(Status::Complete { value, consumed }) = dec.decode(buf) {
                    value.encode(&mut out);
                    buf = &buf[consumed..];
                }
            }
            out.len()
        })
    });
    g.finish();
}

criterion_group!(decode, benches);
criterion_main!(decode);
