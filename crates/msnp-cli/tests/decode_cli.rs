//! `msnp decode` and `msnp encode` run as a user would: on every shared transcript, on the wire
//! bytes of the same sessions, through a pipe, and on random bytes.

use std::io::{Read, Write};
use std::process::{Command, Stdio};

use msnp_proto::negotiation::DialectTracker;
use msnp_proto::stream::{
    TrackedDecoder, TranscriptItem, TranscriptStream, WireItem, WireStream, to_wire_streams,
};
use msnp_proto::{Channel, Direction, Limits, ProtocolVersion};
use serde_json::Value;

mod util;

use util::{BIN, records, transcripts};

fn run(args: &[&str], stdin: &[u8]) -> (i32, Vec<u8>, String) {
    util::run_msnp(args, stdin)
}

fn streams(path: &std::path::Path) -> Vec<WireStream> {
    let text = std::fs::read_to_string(path).unwrap();
    let (s, errors) = to_wire_streams(&text, DialectTracker::new(ProtocolVersion::Msnp8));
    assert!(errors.is_empty());
    s
}

fn dir_flag(d: Option<Direction>) -> &'static str {
    match d {
        Some(Direction::ClientToServer) => "client",
        _ => "server",
    }
}

#[test]
fn decode_every_transcript_with_zero_errors() {
    for (name, path) in transcripts() {
        let (code, out, err) = run(
            &["decode", "--input", "transcript", path.to_str().unwrap()],
            b"",
        );
        assert_eq!(code, 0, "{name}: {err}");
        let recs = records(&out);
        assert!(recs.len() > 40, "{name}");
        for r in &recs {
            assert!(r.get("error").is_none(), "{name}: {r}");
            assert!(
                r["cmd"].as_str().is_some_and(|c| c.len() == 3),
                "{name}: {r}"
            );
            assert!(matches!(r["dir"].as_str(), Some("C" | "S")), "{name}: {r}");
            assert!(
                matches!(r["channel"].as_str(), Some("ns" | "sb")),
                "{name}: {r}"
            );
        }
        // Switchboard connections are recognised and keep the notification dialect.
        let sb: Vec<_> = recs.iter().filter(|r| r["channel"] == "sb").collect();
        assert!(!sb.is_empty(), "{name}: no switchboard recognised");
        let version = name.trim_end_matches(".md").to_uppercase();
        assert!(
            sb.iter().all(|r| r["dialect"] == version.as_str()),
            "{name}: switchboard dialect"
        );
        assert!(
            recs.iter()
                .filter(|r| r["cmd"] != "VER")
                .all(|r| r["dialect"] == version.as_str()),
            "{name}"
        );
    }
}

#[test]
fn payload_commands_show_typed_payloads() {
    const TYPED: &[&str] = &[
        "MSG", "ADL", "RML", "FQY", "UUX", "UBX", "UUN", "UBN", "IPG", "GCF", "NOT",
    ];
    let mut seen = std::collections::BTreeMap::<String, usize>::new();
    for (name, path) in transcripts() {
        let (_, out, _) = run(
            &["decode", "--input", "transcript", path.to_str().unwrap()],
            b"",
        );
        for r in records(&out) {
            let cmd = r["cmd"].as_str().unwrap();
            if r["payload"].is_null() || !TYPED.contains(&cmd) {
                continue;
            }
            let p = &r["fields"]["payload"];
            let kind = p["kind"]
                .as_str()
                .unwrap_or_else(|| panic!("{name}: no typed payload: {r}"));
            let len = r["payload"]["len"].as_u64().unwrap();
            assert!(
                kind != "opaque" && kind != "text" || cmd == "QRY",
                "{name}: {cmd} payload only {kind}"
            );
            assert!(kind != "empty" || len == 0, "{name}: {r}");
            assert!(
                len == 0 || p["value"].is_object() && !p["value"].as_object().unwrap().is_empty(),
                "{name}: {r}"
            );
            *seen.entry(cmd.to_owned()).or_default() += 1;
        }
    }
    for cmd in ["MSG", "ADL", "UUX", "UBX", "GCF", "NOT"] {
        assert!(
            seen.get(cmd).is_some_and(|n| *n > 0),
            "no {cmd} payload in the transcripts: {seen:?}"
        );
    }
}

#[test]
fn wire_bytes_decode_to_the_same_commands() {
    for (name, path) in transcripts() {
        for s in streams(&path) {
            let mut args = vec![
                "decode",
                "--input",
                "wire",
                "--direction",
                dir_flag(s.direction),
            ];
            // A switchboard has no VER: its dialect must be given, as a codec must be told it.
            if s.initial.channel == Channel::Switchboard {
                args.extend(["--channel", "sb", "--dialect", s.initial.version.name()]);
            }
            let (code, out, err) = run(&args, &s.bytes);
            assert_eq!(code, 0, "{name} {:?}: {err}", s.connection);
            let recs = records(&out);
            assert_eq!(
                recs.len(),
                s.command_lengths.len(),
                "{name} {:?} {:?}",
                s.connection,
                s.direction
            );
            let tracker = DialectTracker::new(s.initial.version).fix_channel(s.initial.channel);
            let mut dec = TrackedDecoder::new(tracker, s.direction, Limits::default());
            dec.feed(&s.bytes);
            for (r, len) in recs.iter().zip(&s.command_lengths) {
                let Some(WireItem::Command(c)) = dec.next_item() else {
                    panic!()
                };
                let value = c.command;
                assert_eq!(value.wire_len(), *len, "{name}");
                assert_eq!(r["cmd"], value.verb().as_str(), "{name}");
                assert_eq!(
                    r["trid"].as_u64(),
                    value.trid().map(|t| u64::from(t.0)),
                    "{name} {r}"
                );
                let args: Vec<String> = value
                    .args()
                    .map(|a| String::from_utf8(a.to_vec()).unwrap())
                    .collect();
                assert_eq!(r["args"], serde_json::json!(args), "{name}");
                match value.payload() {
                    Some(p) => {
                        assert_eq!(r["payload"]["len"].as_u64(), Some(p.len() as u64), "{name}");
                        assert_eq!(
                            r["payload"]["text"].as_str().map(str::as_bytes),
                            Some(p),
                            "{name}"
                        );
                    }
                    None => assert!(r["payload"].is_null(), "{name}"),
                }
            }
        }
    }
}

#[test]
fn decode_encode_round_trip_is_byte_exact() {
    for (name, path) in transcripts() {
        for s in streams(&path) {
            let mut args = vec![
                "decode",
                "--input",
                "wire",
                "--direction",
                dir_flag(s.direction),
            ];
            // A switchboard has no VER: its dialect must be given, as a codec must be told it.
            if s.initial.channel == Channel::Switchboard {
                args.extend(["--channel", "sb", "--dialect", s.initial.version.name()]);
            }
            let (code, ndjson, err) = run(&args, &s.bytes);
            assert_eq!(code, 0, "{name}: {err}");
            let (code, wire, err) = run(&["encode", "--output", "wire"], &ndjson);
            assert_eq!(code, 0, "{name}: {err}");
            assert!(
                wire == s.bytes,
                "{name} {:?} {:?}: not byte-exact",
                s.connection,
                s.direction
            );
        }
    }
}

#[test]
fn transcript_to_transcript_and_wire_round_trip() {
    for (name, path) in transcripts() {
        let (code, text, err) = run(
            &["encode", "--output", "transcript", path.to_str().unwrap()],
            b"",
        );
        assert_eq!(code, 0, "{name}: {err}");
        // The rewritten transcript reads back to the same wire streams.
        let again = String::from_utf8(text).unwrap();
        let (s2, errors) = to_wire_streams(&again, DialectTracker::new(ProtocolVersion::Msnp8));
        assert!(errors.is_empty(), "{name}: {errors:?}");
        let s1 = streams(&path);
        assert_eq!(s1.len(), s2.len(), "{name}");
        for (a, b) in s1.iter().zip(&s2) {
            assert_eq!(a.bytes, b.bytes, "{name}");
        }
        // NDJSON → transcript as well: the same commands, in the same order, with the same senders.
        let (_, ndjson, _) = run(&["decode", path.to_str().unwrap()], b"");
        let (code, text2, err) = run(&["encode", "--output", "transcript"], &ndjson);
        assert_eq!(code, 0, "{name}: {err}");
        let original = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            commands_in_order(&String::from_utf8(text2).unwrap()),
            commands_in_order(&original),
            "{name}"
        );
    }
}

/// Every command of a transcript in file order, with its sender.
fn commands_in_order(text: &str) -> Vec<(Option<Direction>, Vec<u8>)> {
    TranscriptStream::new(text, DialectTracker::new(ProtocolVersion::Msnp8))
        .filter_map(|item| match item {
            TranscriptItem::Command(c) => Some((c.direction, c.command.frame().to_vec())),
            TranscriptItem::Connection { .. } => None,
            TranscriptItem::Error { error, .. } => panic!("{error}"),
        })
        .collect()
}

#[test]
fn hostile_wire_input_reports_and_recovers() {
    let input = b"VER 1 MSNP12\r\nMSG 1 N -13\r\nMSG 2 N 99999999999\r\n\r\nPNG\nXYZ\x00 1\r\n\xff\xfe 2\r\nQRY 5 PROD0090YUAUV{2B 3\r\nabcOUT\r\nMSG 3 N 10\r\nshort";
    let (code, out, _) = run(&["decode", "--direction", "client"], input);
    assert_eq!(code, 1);
    let recs = records(&out);
    let kinds: Vec<&str> = recs
        .iter()
        .filter_map(|r| r["error"]["kind"].as_str())
        .collect();
    assert_eq!(
        kinds,
        [
            "bad_payload_length",
            "payload_too_large",
            "empty_line",
            "bare_lf",
            "control_byte",
            "invalid_text",
            "truncated"
        ]
    );
    let cmds: Vec<&str> = recs.iter().filter_map(|r| r["cmd"].as_str()).collect();
    assert_eq!(cmds, ["VER", "QRY", "OUT"]);
    // Errors say where: line numbers and byte offsets of the offending lines.
    let lines: Vec<u64> = recs
        .iter()
        .filter_map(|r| r["error"]["line"].as_u64())
        .collect();
    assert_eq!(lines, [2, 3, 4, 5, 6, 7, 10]);
    assert_eq!(recs[1]["error"]["offset"], 22);
}

#[test]
fn one_mebibyte_line_is_one_error() {
    let mut input = b"PNG\r\n".to_vec();
    input.extend(std::iter::repeat_n(b'A', 1 << 20));
    input.extend_from_slice(b"\r\nPNG\r\n");
    let (code, out, _) = run(&["decode", "--direction", "client"], &input);
    assert_eq!(code, 1);
    let recs = records(&out);
    assert_eq!(recs.len(), 3, "{recs:?}");
    assert_eq!(recs[1]["error"]["kind"], "line_too_long");
    assert_eq!(recs[2]["cmd"], "PNG");
}

/// 20 MB of pseudo-random bytes: exit status 1, every output line JSON, bounded memory.
#[test]
fn random_bytes_exit_one_with_bounded_memory() {
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut data = vec![0u8; 20 << 20];
    for chunk in data.chunks_mut(8) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let b = state.to_le_bytes();
        chunk.copy_from_slice(&b[..chunk.len()]);
    }
    let mut child = Command::new(BIN)
        .args(["decode", "--input", "wire"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        stdout.read_to_end(&mut out).unwrap();
        out
    });
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(&data).unwrap();
    stdin.flush().unwrap();
    // Peak resident memory while the whole input has been fed (Linux).
    let hwm_kb = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap())
        });
    drop(stdin);
    let status = child.wait().unwrap();
    let out = reader.join().unwrap();
    assert_eq!(status.code(), Some(1));
    let text = String::from_utf8(out).unwrap();
    let mut n = 0;
    for l in text.lines() {
        let v: Value = serde_json::from_str(l).unwrap();
        assert!(v.get("error").is_some() || v.get("cmd").is_some());
        n += 1;
    }
    assert!(n > 1000);
    if let Some(kb) = hwm_kb {
        assert!(kb < 50 * 1024, "peak memory {kb} KiB");
    }
}

/// A live stream shows each record as soon as its command is complete, before the input ends.
#[test]
fn live_input_is_not_held_back() {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(BIN)
        .args(["decode", "--direction", "server"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    for (wire, cmd) in [
        (&b"VER 1 MSNP12\r\n"[..], "VER"),
        (b"CHL 0 12345\r\n", "CHL"),
    ] {
        stdin.write_all(wire).unwrap();
        stdin.flush().unwrap();
        // The input stays open: the record must arrive anyway.
        let line = lines.next().unwrap().unwrap();
        let v: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["cmd"], cmd);
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

/// `--no-fields`: every record is the full record without its typed view (`fields` and the
/// typed check's `error`), so it still round-trips through `encode`; a command the typed layer
/// rejects is then not flagged; the option shapes NDJSON only.
#[test]
fn no_fields_records_are_the_raw_part_of_the_full_ones() {
    for (name, path) in transcripts() {
        let text = std::fs::read(&path).unwrap();
        let (code, full, err) = run(&["decode", "--input", "transcript"], &text);
        assert_eq!(code, 0, "{name}: {err}");
        let (code, lean, err) = run(&["decode", "--input", "transcript", "--no-fields"], &text);
        assert_eq!(code, 0, "{name}: {err}");
        let (full, lean) = (records(&full), records(&lean));
        assert_eq!(full.len(), lean.len(), "{name}");
        for (mut f, l) in full.into_iter().zip(lean) {
            assert!(l.get("fields").is_none(), "{name}: {l}");
            f.as_object_mut().unwrap().remove("fields");
            assert_eq!(f, l, "{name}");
        }
        let (code, lean_ndjson, err) =
            run(&["decode", "--input", "transcript", "--no-fields"], &text);
        assert_eq!(code, 0, "{name}: {err}");
        let (code, again, err) = run(&["encode", "--output", "transcript"], &lean_ndjson);
        assert_eq!(code, 0, "{name}: {err}");
        let (_, full_again, _) = run(
            &["encode", "--output", "transcript"],
            &run(&["decode", "--input", "transcript"], &text).1,
        );
        assert_eq!(again, full_again, "{name}: the same transcript back");
    }
    // `MSG` with an ack mode the typed layer refuses frames; only the full record flags it.
    let bad = b"MSG 4 X 2\r\nhi";
    let args = [
        "decode",
        "--input",
        "wire",
        "--direction",
        "client",
        "--channel",
        "sb",
    ];
    let (code, full, _) = run(&args, bad);
    assert_eq!(code, 1);
    assert!(records(&full)[0].get("error").is_some());
    let lean_args: Vec<&str> = args.iter().copied().chain(["--no-fields"]).collect();
    let (code, lean, err) = run(&lean_args, bad);
    assert_eq!(code, 0, "{err}");
    assert!(records(&lean)[0].get("error").is_none());
    for args in [
        &["decode", "--no-fields", "--format", "text"][..],
        &["decode", "--no-fields", "--stats"],
        &["check", "--no-fields"],
    ] {
        let (code, _, err) = run(args, b"");
        assert_eq!(code, 2, "{args:?}: {err}");
    }
}
