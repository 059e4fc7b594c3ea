//! Fixed workloads for the instruction-count regression gate (`.ci/icount`).
//!
//! `icount WORKLOAD` builds its input, then runs the measured function once. The gate runs this
//! under `valgrind --tool=callgrind --toggle-collect=*icount_measure_*`, so only the measured
//! function's instructions count: the input generation is outside it. Instruction counts repeat
//! exactly for the same binary and input, unlike wall time on a shared 2-core machine.
//!
//! Workloads: `raw` (framing), `typed` (framing + typed decode), `encode` (typed encode) over a
//! seeded mixed corpus, `payload` (the payload documents of the payload profile's typed
//! commands: MIME bodies, `<Data>`, `<NOTIFICATION>`, `<ml>`, through the XML reader), and `login` (a client and a server machine logging in to each other in
//! memory: one MSNP7 MD5 login and one MSNP15 SSO login with the MBI blob). Not gated, for
//! reading profiles: `yardstick` (the memchr split the ratios are taken to), and `raw`, `typed`
//! or `yardstick` with `_presence` for the presence profile (long lines).

use std::hint::black_box;
use std::process::ExitCode;

use msnp_bench::{Corpus, Profile, corpus, loopback_login, memchr_split};
use msnp_proto::message::Message;
use msnp_proto::payload::XmlLimits;
use msnp_proto::{Decoder, Dialect, Limits, ProtocolVersion, Status};

/// Size of the generated input: large enough that per-call overhead is noise, small enough
/// that callgrind finishes in seconds.
const SIZE: usize = 512 << 10;
const SEED: u64 = 0x5eed;

#[inline(never)]
fn icount_measure_raw(c: &Corpus) -> usize {
    let mut n = 0usize;
    for s in &c.segments {
        let mut dec = Decoder::new(s.dialect, Limits::default());
        let mut buf = &s.bytes[..];
        while let Ok(Status::Complete { value, consumed }) = dec.decode(buf) {
            n += value.arg_count();
            buf = &buf[consumed..];
        }
    }
    n
}

/// The yardstick (a memchr line and token split) over the same input, for the ratio; not gated.
#[inline(never)]
fn icount_measure_yardstick(c: &Corpus) -> usize {
    c.segments.iter().map(|s| memchr_split(&s.bytes)).sum()
}

#[inline(never)]
fn icount_measure_typed(c: &Corpus) -> usize {
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

#[inline(never)]
fn icount_measure_payload(messages: &[(Dialect, Message<'_>)]) -> usize {
    let limits = XmlLimits::default();
    messages
        .iter()
        .filter_map(|(_, m)| m.payload(&limits))
        .filter(Result::is_ok)
        .count()
}

#[inline(never)]
fn icount_measure_encode(messages: &[(Dialect, Message<'_>)], out: &mut Vec<u8>) -> usize {
    out.clear();
    for (d, m) in messages {
        let _ = m.encode_to_vec(d, out);
    }
    out.len()
}

#[inline(never)]
fn icount_measure_login() -> usize {
    usize::from(loopback_login(black_box(ProtocolVersion::Msnp7)))
        + usize::from(loopback_login(black_box(ProtocolVersion::Msnp15)))
}

fn main() -> ExitCode {
    let workload = std::env::args().nth(1).unwrap_or_default();
    if workload == "login" {
        let n = icount_measure_login();
        println!("login: {n}");
        return if n == 2 {
            ExitCode::SUCCESS
        } else {
            eprintln!("icount: a loopback login failed");
            ExitCode::FAILURE
        };
    }
    // `typed_presence`: the typed workload over the presence profile (long lines); not gated.
    let (profile, workload) = match workload.strip_suffix("_presence") {
        Some(w) => (Profile::Presence, w.to_owned()),
        None if workload == "payload" => (Profile::Payload, workload),
        None => (Profile::Mixed, workload),
    };
    let c = corpus(profile, SIZE, SEED);
    let typed = || {
        let mut messages = Vec::with_capacity(c.commands());
        for s in &c.segments {
            let mut dec = Decoder::new(s.dialect, Limits::default());
            let mut buf = &s.bytes[..];
            while let Ok(Status::Complete { value, consumed }) = dec.decode(buf) {
                if let Ok(m) = Message::decode(&value, &s.dialect) {
                    messages.push((s.dialect, m));
                }
                buf = &buf[consumed..];
            }
        }
        messages
    };
    let result = match workload.as_str() {
        "raw" => icount_measure_raw(black_box(&c)),
        "yardstick" => icount_measure_yardstick(black_box(&c)),
        "typed" => icount_measure_typed(black_box(&c)),
        "encode" => {
            let messages = typed();
            let mut out = Vec::with_capacity(c.bytes());
            icount_measure_encode(black_box(&messages), &mut out)
        }
        "payload" => icount_measure_payload(black_box(&typed())),
        _ => {
            eprintln!(
                "usage: icount raw|typed|encode|payload|login|yardstick (raw, typed, yardstick: _presence for that profile)"
            );
            return ExitCode::from(2);
        }
    };
    println!("{workload}: {result}");
    ExitCode::SUCCESS
}
