//! The `msnp` command's limits at their value (nothing refused) and one past it (an error record
//! naming what went over), run as a user would. Decoding resumes after each refusal.

mod common;
mod util;

use common::{Damage, Format, Gateway, Link, build, build_gateway, build_unanswered_http, write};
use msnp_proto::Direction;
use serde_json::Value;

const C: Direction = Direction::ClientToServer;
const S: Direction = Direction::ServerToClient;

fn run(args: &[&str], stdin: &[u8]) -> (i32, Vec<Value>, String) {
    let (code, out, err) = util::run_msnp(args, stdin);
    (code, util::records(&out), err)
}

fn errors(recs: &[Value]) -> Vec<String> {
    recs.iter()
        .filter_map(|r| r.get("error"))
        .map(|e| e["kind"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn verbs(recs: &[Value]) -> Vec<String> {
    recs.iter()
        .filter_map(|r| r["cmd"].as_str())
        .map(str::to_owned)
        .collect()
}

/// Server bytes: one `CHL` line of exactly `len` bytes (without CRLF), then `QNG 50`.
fn long_line(len: usize) -> Vec<u8> {
    let mut v = b"CHL 0 ".to_vec();
    v.resize(len, b'7');
    v.extend_from_slice(b"\r\nQNG 50\r\n");
    v
}

#[test]
fn max_line_at_and_one_past() {
    for n in [100, 8192] {
        let flag = n.to_string();
        let args = ["decode", "--direction", "server", "--max-line", &flag];
        let (code, recs, err) = run(&args, &long_line(n));
        assert_eq!(code, 0, "{err}");
        assert_eq!(verbs(&recs), ["CHL", "QNG"]);
        let (code, recs, _) = run(&args, &long_line(n + 1));
        assert_eq!(code, 1);
        assert_eq!(errors(&recs), ["line_too_long"]);
        assert_eq!(verbs(&recs), ["QNG"], "decoding resumes at the next line");
    }
}

/// A `UBX` with a `len`-byte payload ending in CRLF, then `QNG 50`. Past the limit only the
/// command line is skipped: the payload then reads as a (bad) line and `QNG` decodes after it.
fn payload(len: usize) -> Vec<u8> {
    let mut v = format!("UBX bob@hotmail.com {len}\r\n").into_bytes();
    v.resize(v.len() + len - 2, b'x');
    v.extend_from_slice(b"\r\nQNG 50\r\n");
    v
}

#[test]
fn max_payload_at_and_one_past() {
    let args = [
        "decode",
        "--direction",
        "server",
        "--dialect",
        "MSNP12",
        "--max-payload",
        "1000",
    ];
    let (code, recs, err) = run(&args, &payload(1000));
    assert_eq!(code, 0, "{err}");
    assert_eq!(verbs(&recs), ["UBX", "QNG"]);
    let (code, recs, _) = run(&args, &payload(1001));
    assert_eq!(code, 1);
    assert_eq!(errors(&recs)[0], "payload_too_large");
    assert_eq!(verbs(&recs), ["QNG"]);
}

fn pcap(commands: &[(u32, Direction, Vec<u8>)], damage: &Damage) -> Vec<u8> {
    write(
        &build(commands, Link::Ethernet, damage),
        Link::Ethernet,
        Format::Pcap {
            big_endian: false,
            nanos: false,
        },
    )
}

fn decode_capture(bytes: &[u8], extra: &[&str]) -> (i32, Vec<Value>, String) {
    let mut args = vec!["decode", "--input", "pcap"];
    args.extend_from_slice(extra);
    run(&args, bytes)
}

#[test]
fn max_flows_at_and_one_past() {
    let commands = [
        (0, C, b"VER 1 MSNP8 CVR0\r\n".to_vec()),
        (1, C, b"VER 1 MSNP8 CVR0\r\n".to_vec()),
        (0, S, b"VER 1 MSNP8 CVR0\r\n".to_vec()),
        (1, S, b"VER 1 MSNP8 CVR0\r\n".to_vec()),
    ];
    let cap = pcap(&commands, &Damage::default());
    let (code, recs, err) = decode_capture(&cap, &["--max-flows", "2"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(verbs(&recs).len(), 4);
    let (code, recs, _) = decode_capture(&cap, &["--max-flows", "1"]);
    assert_eq!(code, 1);
    assert_eq!(errors(&recs), ["too_many_flows"]);
    assert_eq!(verbs(&recs).len(), 2);
}

/// Server commands of `len` bytes each, one TCP segment each.
fn same_size_commands(len: usize, count: usize) -> Vec<(u32, Direction, Vec<u8>)> {
    (0..count)
        .map(|i| {
            let mut v = format!("CHL 0 {i:04}").into_bytes();
            v.resize(len - 2, b'7');
            v.extend_from_slice(b"\r\n");
            (0, S, v)
        })
        .collect()
}

#[test]
fn max_reorder_at_and_one_past() {
    let len = 40;
    let damage = Damage {
        reorder_every: Some(3),
        whole_commands: true,
        ..Damage::default()
    };
    let cap = pcap(&same_size_commands(len, 12), &damage);
    // One segment of `len` bytes waits for the one before it.
    for flag in ["--max-reorder", "--max-reorder-total"] {
        let at = len.to_string();
        let (code, recs, err) = decode_capture(&cap, &[flag, &at]);
        assert_eq!(code, 0, "{flag} {at}: {err}");
        assert_eq!(verbs(&recs).len(), 12);
        let past = (len - 1).to_string();
        let (code, recs, _) = decode_capture(&cap, &[flag, &past]);
        assert_eq!(code, 1, "{flag} {past}");
        let errs = errors(&recs);
        assert!(
            !errs.is_empty() && errs.iter().all(|e| e == "gap"),
            "{errs:?}"
        );
    }
}

#[test]
fn max_http_body_at_and_one_past() {
    let longest = b"USR 2 TWN I alice@hotmail.com\r\n".to_vec();
    let commands = [
        (0, C, b"VER 1 MSNP8 CVR0\r\n".to_vec()),
        (0, S, b"VER 1 MSNP8\r\n".to_vec()),
        (0, C, longest.clone()),
        (0, C, b"PNG\r\n".to_vec()),
    ];
    let packets = build_gateway(
        &commands,
        Link::Ethernet,
        Gateway::default(),
        &Damage::default(),
    );
    let cap = write(
        &packets,
        Link::Ethernet,
        Format::PcapNg { big_endian: false },
    );
    let at = longest.len().to_string();
    let (code, recs, err) = decode_capture(&cap, &["--max-http-body", &at]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(verbs(&recs), ["VER", "VER", "USR", "PNG"]);
    let past = (longest.len() - 1).to_string();
    let (code, recs, _) = decode_capture(&cap, &["--max-http-body", &past]);
    assert_eq!(code, 1);
    assert_eq!(errors(&recs), ["http"]);
    let msg = recs
        .iter()
        .find_map(|r| r["error"]["message"].as_str())
        .unwrap();
    assert!(
        msg.contains(&format!(
            "HTTP body of {at} bytes is larger than the {past}-byte limit"
        )),
        "{msg}"
    );
    assert!(!verbs(&recs).contains(&"USR".to_owned()));
}

/// A gateway connection follows at most 1024 requests awaiting their responses (a bound on
/// its memory): at the limit every request is decoded; one past it, the connection is dropped
/// with an error and nothing after it is read.
#[test]
fn http_requests_awaiting_responses_at_and_one_past() {
    let capture = |n: usize| {
        let mut client = Vec::new();
        for _ in 0..n {
            client.extend_from_slice(
                b"POST /gateway/gateway.dll?SessionID=7001.31 HTTP/1.1\r\nHost: g\r\n\
                  Content-Type: application/x-msn-messenger\r\nContent-Length: 5\r\n\r\nPNG\r\n",
            );
        }
        write(
            &build_unanswered_http(&client, Link::Ethernet),
            Link::Ethernet,
            Format::Pcap {
                big_endian: false,
                nanos: false,
            },
        )
    };
    let (code, recs, err) = decode_capture(&capture(1024), &["--dialect", "MSNP8"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(verbs(&recs).len(), 1024);
    let (code, recs, _) = decode_capture(&capture(1030), &["--dialect", "MSNP8"]);
    assert_eq!(code, 1);
    assert_eq!(verbs(&recs).len(), 1024);
    assert_eq!(errors(&recs), ["http"]);
    let msg = recs
        .iter()
        .find_map(|r| r["error"]["message"].as_str())
        .unwrap();
    assert!(msg.contains("more than 1024 HTTP requests await"), "{msg}");
}

/// A pcapng file whose second block is an (ignored) custom block of exactly `len` bytes.
fn pcapng_with_block(len: usize) -> Vec<u8> {
    let mut v = vec![
        0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0,
    ];
    v.extend_from_slice(&[0xff; 8]);
    v.extend_from_slice(&[28, 0, 0, 0]);
    // Interface description: Ethernet, snaplen 65535.
    v.extend_from_slice(&[
        1, 0, 0, 0, 20, 0, 0, 0, 1, 0, 0, 0, 0xff, 0xff, 0, 0, 20, 0, 0, 0,
    ]);
    // Custom block (0x00000bad), body padding to `len`.
    let l = (len as u32).to_le_bytes();
    v.extend_from_slice(&[0xad, 0x0b, 0, 0]);
    v.extend_from_slice(&l);
    v.resize(v.len() + len - 12, 0);
    v.extend_from_slice(&l);
    v
}

/// Found by the `pcap_capture` fuzz target: a limit below the reader's 4 KiB starting buffer
/// was not enforced (blocks that fit the buffer were accepted whatever their size).
#[test]
fn small_max_block_at_and_one_past() {
    let n = 300;
    let cap = pcapng_with_block(n);
    let (code, recs, err) = decode_capture(&cap, &["--max-block", &n.to_string()]);
    assert_eq!(code, 0, "{err} {recs:?}");
    let (code, recs, _) = decode_capture(&cap, &["--max-block", &(n - 1).to_string()]);
    assert_eq!(code, 1);
    assert_eq!(errors(&recs), ["capture_block_too_large"]);
}

#[test]
fn max_block_at_and_one_past() {
    let n = 100_000;
    let cap = pcapng_with_block(n);
    let (code, recs, err) = decode_capture(&cap, &["--max-block", &n.to_string()]);
    assert_eq!(code, 0, "{err} {recs:?}");
    let (code, recs, _) = decode_capture(&cap, &["--max-block", &(n - 1).to_string()]);
    assert_eq!(code, 1);
    assert_eq!(errors(&recs), ["capture_block_too_large"]);
}

/// `msnp encode --max-record`: an NDJSON record line of the limit's length (without its line
/// end, `\n` or `\r\n`) is encoded; one byte longer, it is reported and skipped without being
/// held, and the next record is encoded. Past the last line end too.
#[test]
fn max_record_at_and_one_past() {
    let record = |len: usize| {
        let mut v = br#"{"cmd":"PNG","dir":"C"}"#.to_vec();
        v.resize(len, b' ');
        v
    };
    let next = br#"{"cmd":"QNG","trid":null,"args":["50"],"dir":"S"}"#;
    for end in ["\n", "\r\n", ""] {
        let input = |len: usize| {
            let mut v = record(len);
            v.extend_from_slice(end.as_bytes());
            if !end.is_empty() {
                v.extend_from_slice(next);
                v.push(b'\n');
            }
            v
        };
        let args = ["encode", "--max-record", "100"];
        let want_next: &[u8] = if end.is_empty() { b"" } else { b"QNG 50\r\n" };
        let (code, out, err) = util::run_msnp(&args, &input(100));
        assert_eq!(code, 0, "{end:?}: {err}");
        assert_eq!(out, [b"PNG\r\n", want_next].concat(), "{end:?}");
        let (code, out, err) = util::run_msnp(&args, &input(101));
        assert_eq!(code, 1, "{end:?}");
        assert_eq!(out, want_next, "{end:?}");
        assert!(
            err.contains("line 1: longer than 100 bytes (--max-record)"),
            "{end:?}: {err}"
        );
    }
    // A line far past the limit.
    let mut input = record(100_000);
    input.extend_from_slice(b"\n");
    input.extend_from_slice(next);
    let (code, out, err) = util::run_msnp(&["encode", "--max-record", "1000"], &input);
    assert_eq!((code, out.as_slice()), (1, &b"QNG 50\r\n"[..]), "{err}");
    // Zero is no bound.
    let (code, _, err) = util::run_msnp(&["encode", "--max-record", "0"], b"");
    assert_eq!(code, 2, "{err}");
}
