//! Writes a benchmark corpus to stdout as one wire stream, for timing the CLI:
//! `gen-corpus [--pcap[=FLOWS]] [MEGABYTES] [mixed|presence|payload] [server|client] [ns|sb]`
//! (defaults: 100, mixed, server, ns). The stream is MSNP12 traffic. With `--pcap`, the same
//! bytes in a pcap file as TCP connections (handshake, 1460-byte segments, FIN): one, or
//! FLOWS (at most 200) taking the corpus's pieces in turn.

use std::io::Write;

// The CLI tests' capture writer: one home for how the project builds captures.
#[allow(missing_docs)]
#[path = "../../../crates/msnp-cli/tests/common/mod.rs"]
mod capture;

use msnp_bench::{Profile, corpus};
use msnp_proto::{Channel, Direction, ProtocolVersion};

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let flows: Option<u32> = match args.first().map(String::as_str) {
        Some("--pcap") => Some(1),
        Some(a) => a
            .strip_prefix("--pcap=")
            .and_then(|n| n.parse().ok())
            .map(|n: u32| n.clamp(1, 200)),
        None => None,
    };
    if flows.is_some() {
        args.remove(0);
    }
    let mb: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(100);
    let profile = match args.get(1).map(String::as_str) {
        Some("presence") => Profile::Presence,
        Some("payload") => Profile::Payload,
        _ => Profile::Mixed,
    };
    let dir = match args.get(2).map(String::as_str) {
        Some("client") => Direction::ClientToServer,
        _ => Direction::ServerToClient,
    };
    let channel = match args.get(3).map(String::as_str) {
        Some("sb") => Channel::Switchboard,
        _ => Channel::Notification,
    };
    // Whole pieces of the corpus (commands are never cut), in order.
    let mut pieces: Vec<Vec<u8>> = Vec::new();
    let mut len = 0usize;
    let mut seed = 1u64;
    while len < mb << 20 {
        let c = corpus(profile, 16 << 20, seed);
        seed += 1;
        for s in c.segments.iter().filter(|s| {
            s.dialect.version == ProtocolVersion::Msnp12
                && s.dialect.direction == Some(dir)
                && s.dialect.channel == channel
        }) {
            len += s.bytes.len();
            pieces.push(s.bytes.clone());
        }
    }
    let bytes = if let Some(flows) = flows {
        let damage = capture::Damage {
            segment_size: Some(1460),
            ..capture::Damage::default()
        };
        let sent: Vec<_> = (0u32..)
            .zip(pieces)
            .map(|(i, p)| (1 + i % flows, dir, p))
            .collect();
        let packets = capture::build(&sent, capture::Link::Ethernet, &damage);
        let format = capture::Format::Pcap {
            big_endian: false,
            nanos: false,
        };
        capture::write(&packets, capture::Link::Ethernet, format)
    } else {
        pieces.concat()
    };
    // A closed pipe (`| head`) is not an error here.
    let _ = std::io::stdout().lock().write_all(&bytes);
}
