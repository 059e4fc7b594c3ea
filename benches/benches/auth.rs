//! Authentication computations, in operations per second.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use msnp_auth::{MbiBlob, md5_login_hash, products, qry_md5, qry_msnp11};

fn benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("auth");
    g.throughput(Throughput::Elements(1));
    g.bench_function("md5_login", |b| {
        b.iter(|| md5_login_hash(black_box("1013928519.693957190"), black_box("password")))
    });
    g.bench_function("qry8", |b| {
        b.iter(|| {
            qry_md5(
                black_box("22210219642164014968"),
                black_box(products::MSMSGS.key),
            )
        })
    });
    g.bench_function("qry11", |b| {
        b.iter(|| {
            qry_msnp11(
                black_box("22210219642164014968"),
                black_box(products::PROD0090),
            )
        })
    });
    let secret = [0x42u8; 24];
    let nonce = "ZmFrZW5vbmNlZmFrZW5vbmNlZmFrZW5vbmNlZmFrZW5vbmNlZmFrZW5vbmNlMDA=";
    g.bench_function("sso", |b| {
        b.iter(|| {
            MbiBlob::compute(black_box(&secret), black_box(nonce), [0u8; 8]).map(|m| m.to_base64())
        })
    });
    g.finish();
}

criterion_group!(auth, benches);
criterion_main!(auth);
