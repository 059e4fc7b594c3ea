//! Writes a benchmark corpus to stdout as one wire stream, for timing the CLI:
//! `gen-corpus [MEGABYTES] [mixed|presence|payload] [server|client] [ns|sb]`
//! (defaults: 100, mixed, server, ns). The stream is MSNP12 traffic.

use std::io::Write;

use msnp_bench::{Profile, corpus};
use msnp_proto::{Channel, Direction, ProtocolVersion};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
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
    let mut out = std::io::stdout().lock();
    let mut written = 0usize;
    let mut seed = 1u64;
    while written < mb << 20 {
        let c = corpus(profile, 16 << 20, seed);
        seed += 1;
        for s in c.segments.iter().filter(|s| {
            s.dialect.version == ProtocolVersion::Msnp12
                && s.dialect.direction == Some(dir)
                && s.dialect.channel == channel
        }) {
            if out.write_all(&s.bytes).is_err() {
                return;
            }
            written += s.bytes.len();
        }
    }
}
