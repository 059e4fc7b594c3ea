//! End-to-end throughput of the `msnp` binary: `decode --stats` and `decode` to NDJSON over a
//! generated MSNP12 notification-server stream (the benchmark corpus), output discarded.

use std::process::{Command, Stdio};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use msnp_bench::{Profile, corpus};
use msnp_proto::{Channel, Direction, ProtocolVersion};

const BIN: &str = env!("CARGO_BIN_EXE_msnp");
const SIZE: usize = 32 << 20;

fn stream() -> Vec<u8> {
    let mut out = Vec::with_capacity(SIZE + (1 << 20));
    let mut seed = 1;
    while out.len() < SIZE {
        let c = corpus(Profile::Mixed, 16 << 20, seed);
        seed += 1;
        for s in c.segments.iter().filter(|s| {
            s.dialect.version == ProtocolVersion::Msnp12
                && s.dialect.direction == Some(Direction::ServerToClient)
                && s.dialect.channel == Channel::Notification
        }) {
            out.extend_from_slice(&s.bytes);
        }
    }
    out
}

fn run(file: &std::path::Path, extra: &[&str]) {
    let status = Command::new(BIN)
        .args([
            "decode",
            "--input",
            "wire",
            "--direction",
            "server",
            "--dialect",
            "MSNP12",
        ])
        .args(extra)
        .arg(file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run msnp");
    assert_eq!(status.code(), Some(0));
}

fn benches(c: &mut Criterion) {
    let bytes = stream();
    let file = std::env::temp_dir().join(format!("msnp-bench-{}.bin", std::process::id()));
    std::fs::write(&file, &bytes).expect("write corpus");
    let mut g = c.benchmark_group("cli/decode");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.bench_function("stats", |b| b.iter(|| run(&file, &["--stats"])));
    g.bench_function("ndjson", |b| b.iter(|| run(&file, &[])));
    g.finish();
    let _ = std::fs::remove_file(&file);
}

criterion_group!(cli, benches);
criterion_main!(cli);
