//! Session machines: client↔server loopback logins per second, in memory (no I/O, no sleeping),
//! in the MD5 era (MSNP7) and the SSO era (MSNP15, with the MBI blob and its 3DES/HMAC work).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use msnp_bench::loopback_login;
use msnp_proto::ProtocolVersion;

fn benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("session/login");
    // One element per login: criterion reports logins per second.
    g.throughput(Throughput::Elements(1));
    for (name, version) in [
        ("md5_msnp7", ProtocolVersion::Msnp7),
        ("sso_msnp15", ProtocolVersion::Msnp15),
    ] {
        assert!(
            loopback_login(version),
            "{name}: the loopback login succeeds"
        );
        g.bench_function(name, |b| b.iter(|| loopback_login(black_box(version))));
    }
    g.finish();
}

criterion_group!(session, benches);
criterion_main!(session);
