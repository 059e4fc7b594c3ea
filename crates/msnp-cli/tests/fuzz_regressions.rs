//! Inputs the fuzz targets (`fuzz/fuzz_targets/`) found wrong, kept as tests; they call the
//! library target directly.

mod common;

use clap::{Args, FromArgMatches};
use common::{Damage, Format, Link};
use msnp_cli::cmd_check::{CheckArgs, check};
use msnp_proto::Direction;

/// A pcap capture of one client → server TCP connection carrying `stream`, written by the
/// test suite's one capture builder (`common`).
fn capture(stream: &[u8]) -> Vec<u8> {
    let packets = common::build(
        &[(0, Direction::ClientToServer, stream.to_vec())],
        Link::Ethernet,
        &Damage::default(),
    );
    common::write(
        &packets,
        Link::Ethernet,
        Format::Pcap {
            big_endian: false,
            nanos: false,
        },
    )
}

/// `check`: the unanswered requests of a capture (which has no line numbers) came out in the
/// order of a `HashMap`, so `msnp check` printed them differently from run to run.
#[test]
fn unanswered_requests_in_a_stable_order() {
    let cap = capture(
        b"VER 1 MSNP8 CVR0\r\nCVR 2 0x0409 winnt 5.1 i386 MSNMSGR 6.0.0602 MSMSGS a@b.c\r\n\
          USR 3 TWN I a@b.c\r\nPNG\r\nSYN 4 0\r\nCHG 5 NLN 0\r\nBLP 6 AL\r\n",
    );
    let m = CheckArgs::augment_args(clap::Command::new("check").no_binary_name(true))
        .try_get_matches_from(["--input", "pcap"])
        .unwrap();
    let args = CheckArgs::from_arg_matches(&m).unwrap();
    let run = || {
        let mut out = Vec::new();
        check(&cap[..], &args, &mut out, None).unwrap();
        String::from_utf8(out).unwrap()
    };
    let first = run();
    let trids: Vec<&str> = first
        .lines()
        .filter(|l| l.contains("unanswered_request"))
        .map(|l| {
            let m = l.split("\"message\":\"").nth(1).unwrap();
            m.split(' ').nth(1).unwrap()
        })
        .collect();
    assert_eq!(trids, ["1", "2", "3", "4", "5", "6"], "{first}");
    for _ in 0..20 {
        assert_eq!(run(), first);
    }
}
