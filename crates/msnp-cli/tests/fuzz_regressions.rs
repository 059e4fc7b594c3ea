//! Inputs the fuzz targets (`fuzz/fuzz_targets/`) found wrong, kept as tests; they call the
//! library target directly.

use clap::{Args, FromArgMatches};
use msnp_cli::cmd_check::{CheckArgs, check};

/// A pcap capture of one client → server TCP connection (port 1863) carrying `stream`.
fn capture(stream: &[u8]) -> Vec<u8> {
    let mut cap = Vec::new();
    for v in [0xa1b2_c3d4u32, 0x0004_0002, 0, 0, 0xffff, 1] {
        cap.extend_from_slice(&v.to_le_bytes());
    }
    let mut frame = |n: u32, flags: u8, seq: u32, payload: &[u8]| {
        let mut f = vec![0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00];
        let total = (40 + payload.len()) as u16;
        f.extend_from_slice(&[
            0x45,
            0,
            (total >> 8) as u8,
            total as u8,
            0,
            1,
            0x40,
            0,
            64,
            6,
            0,
            0,
        ]);
        f.extend_from_slice(&[10, 0, 0, 1, 10, 0, 0, 2]);
        f.extend_from_slice(&5000u16.to_be_bytes());
        f.extend_from_slice(&1863u16.to_be_bytes());
        f.extend_from_slice(&seq.to_be_bytes());
        f.extend_from_slice(&[0, 0, 0, 0, 0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
        f.extend_from_slice(payload);
        let len = f.len() as u32;
        for v in [n, 0, len, len] {
            cap.extend_from_slice(&v.to_le_bytes());
        }
        cap.extend_from_slice(&f);
    };
    frame(1, 0x02, 100, &[]);
    frame(2, 0x18, 101, stream);
    cap
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
