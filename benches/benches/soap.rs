//! SOAP response parsing: Passport RST/RST2 token collections and ABCH address books.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use msnp_soap::DEFAULT_LIMITS;
use msnp_soap::abch::AbResponse;
use msnp_soap::passport::RstResponse;

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../crates/msnp-soap/tests/fixtures/"
);

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}{name}")).expect("fixture")
}

fn benches(c: &mut Criterion) {
    let limits = DEFAULT_LIMITS;
    let mut g = c.benchmark_group("soap");
    for (name, file) in [
        ("rst_parse", "rst_response.xml"),
        ("rst2_parse", "rst2_response.xml"),
    ] {
        let xml = fixture(file);
        g.throughput(Throughput::ElementsAndBytes {
            elements: 1,
            bytes: xml.len() as u64,
        });
        g.bench_function(name, |b| {
            b.iter(|| RstResponse::from_xml(black_box(&xml), &limits).map(|r| r.tokens.len()))
        });
    }
    for (name, file) in [
        ("abfindall_parse", "abfindall_response.xml"),
        ("findmembership_parse", "findmembership_response.xml"),
    ] {
        let xml = fixture(file);
        g.throughput(Throughput::ElementsAndBytes {
            elements: 1,
            bytes: xml.len() as u64,
        });
        g.bench_function(name, |b| {
            b.iter(|| AbResponse::from_xml(black_box(&xml), &limits).is_ok())
        });
    }
    g.finish();
}

criterion_group!(soap, benches);
criterion_main!(soap);
