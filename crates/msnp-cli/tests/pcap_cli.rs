//! `msnp decode --input pcap` on synthetic captures of every shared transcript: the same commands
//! as the transcript itself, whatever the container, link type and TCP damage; gaps reported and
//! recovered from; hostile captures rejected with an error record, never a panic.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::{Damage, Format, Link, Packet, build, transcript_commands, write};
use msnp_proto::Direction;
use proptest::prelude::*;
use serde_json::Value;

mod util;

use util::{BIN, transcripts};

fn run(args: &[&str], stdin: &[u8]) -> (i32, Vec<Value>, String) {
    let (code, out, err) = util::run_msnp(args, stdin);
    (code, util::records(&out), err)
}

/// What `--input transcript` gives for a transcript.
fn expected(path: &std::path::Path) -> Vec<Value> {
    let (code, recs, err) = run(
        &["decode", "--input", "transcript", path.to_str().unwrap()],
        b"",
    );
    assert_eq!(code, 0, "{err}");
    recs
}

/// A record without its capture tags.
fn strip(r: &Value) -> Value {
    let mut r = r.clone();
    if let Some(m) = r.as_object_mut() {
        m.remove("flow");
        m.remove("ts");
    }
    r
}

fn decode_capture(bytes: &[u8], extra: &[&str]) -> (i32, Vec<Value>, String) {
    let mut args = vec!["decode", "--input", "pcap"];
    args.extend_from_slice(extra);
    run(&args, bytes)
}

fn capture_of(path: &std::path::Path, link: Link, format: Format, damage: &Damage) -> Vec<u8> {
    let text = std::fs::read_to_string(path).unwrap();
    let packets: Vec<Packet> = build(&transcript_commands(&text), link, damage);
    write(&packets, link, format)
}

const FORMATS: [(Link, Format); 5] = [
    (
        Link::Ethernet,
        Format::Pcap {
            big_endian: false,
            nanos: false,
        },
    ),
    (Link::Sll, Format::PcapNg { big_endian: false }),
    (
        Link::Raw,
        Format::Pcap {
            big_endian: true,
            nanos: true,
        },
    ),
    (Link::Ethernet, Format::PcapNg { big_endian: true }),
    (
        Link::Sll,
        Format::Pcap {
            big_endian: false,
            nanos: true,
        },
    ),
];

fn assert_same(name: &str, got: &[Value], want: &[Value]) {
    let got: Vec<Value> = got.iter().map(strip).collect();
    assert_eq!(got.len(), want.len(), "{name}: record count");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert_eq!(g, w, "{name}: record {i}");
    }
}

#[test]
fn every_transcript_through_every_capture_format_decodes_the_same() {
    for (n, (name, path)) in transcripts().into_iter().enumerate() {
        let want = expected(&path);
        // Two formats per transcript, rotating, so every format meets several transcripts.
        for k in 0..2 {
            let (link, format) = FORMATS[(n + k * 2) % FORMATS.len()];
            let cap = capture_of(&path, link, format, &Damage::default());
            let (code, got, err) = decode_capture(&cap, &[]);
            let what = format!("{name} {link:?} {format:?}");
            assert_eq!(code, 0, "{what}: {err}");
            assert_same(&what, &got, &want);
            // Flows number the transcript's connections in order; time goes forward.
            let mut last = 0.0;
            for r in &got {
                let flow = r["flow"].as_u64().unwrap();
                assert!((1..=8).contains(&flow), "{what}: {r}");
                let ts = r["ts"].as_f64().unwrap();
                assert!(ts >= last && ts > 1.1e9, "{what}: {r}");
                last = ts;
            }
        }
    }
}

#[test]
fn reordered_retransmitted_and_overlapping_segments_decode_the_same() {
    let damage = Damage {
        reorder_every: Some(5),
        retransmit_every: Some(7),
        overlap_every: Some(11),
        ..Damage::default()
    };
    for (n, (name, path)) in transcripts().into_iter().enumerate() {
        let want = expected(&path);
        let (link, format) = FORMATS[n % FORMATS.len()];
        let cap = capture_of(&path, link, format, &damage);
        let (code, got, err) = decode_capture(&cap, &[]);
        assert_eq!(code, 0, "{name}: {err}");
        assert_same(&name, &got, &want);
    }
}

#[test]
fn ipv6_wrapping_sequence_numbers_and_midstream_start() {
    let (path, _) = util::transcript("msnp12.md");
    let want = expected(&path);
    for damage in [
        Damage {
            ipv6: true,
            wrap_seq: true,
            reorder_every: Some(3),
            ..Damage::default()
        },
        // No SYNs: the client is told by the MSNP port.
        Damage {
            no_handshake: true,
            ..Damage::default()
        },
    ] {
        let cap = capture_of(
            &path,
            Link::Ethernet,
            Format::PcapNg { big_endian: false },
            &damage,
        );
        let (code, got, err) = decode_capture(&cap, &[]);
        assert_eq!(code, 0, "{damage:?}: {err}");
        assert_same(&format!("{damage:?}"), &got, &want);
    }
}

#[test]
fn auto_detects_captures_from_a_file() {
    let path = &transcripts()[0].1;
    let want = expected(path);
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    for (i, (link, format)) in FORMATS.into_iter().enumerate() {
        let file = dir.join(format!("auto-{i}.cap"));
        std::fs::write(&file, capture_of(path, link, format, &Damage::default())).unwrap();
        let (code, got, err) = run(&["decode", file.to_str().unwrap()], b"");
        assert_eq!(code, 0, "{format:?}: {err}");
        assert_same(&format!("{format:?}"), &got, &want);
    }
}

#[test]
fn other_ports_are_ignored_unless_asked_for() {
    let path = &transcripts()[0].1;
    let want = expected(path);
    let damage = Damage {
        server_port: Some(7001),
        ..Damage::default()
    };
    let cap = capture_of(
        path,
        Link::Ethernet,
        Format::Pcap {
            big_endian: false,
            nanos: false,
        },
        &damage,
    );
    let (code, got, _) = decode_capture(&cap, &[]);
    assert_eq!((code, got.len()), (0, 0));
    let (code, got, err) = decode_capture(&cap, &["--port", "7001"]);
    assert_eq!(code, 0, "{err}");
    assert_same("--port", &got, &want);
    let (code, got, err) = decode_capture(&cap, &["--all-ports"]);
    assert_eq!(code, 0, "{err}");
    assert_same("--all-ports", &got, &want);
    // Repeated --port: either listed port counts.
    let (_, got, _) = decode_capture(&cap, &["--port", "1863", "--port", "7001"]);
    assert_eq!(got.len(), want.len());
}

#[test]
fn a_lost_segment_is_a_gap_and_decoding_recovers() {
    let (path, text) = util::transcript("msnp8.md");
    let commands = transcript_commands(&text);
    let want = expected(&path);
    assert_eq!(want.len(), commands.len());
    // Lose one whole command (a segment of its own) in the middle of the capture.
    let lost = commands.len() / 2;
    let (conn, dir, bytes) = &commands[lost];
    let damage = Damage {
        whole_commands: true,
        lose: vec![lost],
        ..Damage::default()
    };
    let packets = build(&commands, Link::Ethernet, &damage);
    let cap = write(
        &packets,
        Link::Ethernet,
        Format::PcapNg { big_endian: false },
    );
    let (code, got, err) = decode_capture(&cap, &[]);
    assert_eq!(code, 1, "{err}");
    let gaps: Vec<&Value> = got.iter().filter(|r| r.get("error").is_some()).collect();
    assert_eq!(gaps.len(), 1, "{gaps:?}");
    let gap = gaps[0];
    assert_eq!(gap["error"]["kind"], "gap");
    assert_eq!(
        gap["error"]["dir"],
        if *dir == Direction::ClientToServer {
            "C"
        } else {
            "S"
        }
    );
    assert!(
        gap["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{} bytes missing", bytes.len())),
        "{gap}"
    );
    // The flow of the lost command: connections are numbered in order of appearance.
    let mut order: Vec<u32> = Vec::new();
    for (c, _, _) in &commands {
        if !order.contains(c) {
            order.push(*c);
        }
    }
    let flow = order.iter().position(|c| c == conn).unwrap() as u64 + 1;
    assert_eq!(gap["flow"], flow);
    // Every other command is there, in order.
    let mut rest = want;
    rest.remove(lost);
    let cmds: Vec<Value> = got
        .iter()
        .filter(|r| r.get("error").is_none())
        .map(strip)
        .collect();
    assert_eq!(cmds, rest);
}

#[test]
fn a_segment_lost_mid_command_resynchronises_at_the_next_line() {
    let (path, text) = util::transcript("msnp12.md");
    let commands = transcript_commands(&text);
    let want = expected(&path);
    // The third command of the capture, cut in segments of the rotating sizes: lose the
    // second segment of a long command, and everything after that command still decodes.
    let long = commands
        .iter()
        .position(|(_, _, b)| b.len() > 80 && b.starts_with(b"CVR"))
        .unwrap();
    let mut damage = Damage::default();
    // Count the segments before it with the builder's rotating sizes.
    let sizes = [1usize, 7, 64, 1460, 13, 300];
    let mut seg = 0;
    for (_, _, b) in &commands[..long] {
        let mut at = 0;
        while at < b.len() {
            at += sizes[seg % sizes.len()];
            seg += 1;
        }
    }
    // Lose the first segment of the long command, unless it is a 1-byte one: then the next.
    if sizes[seg % sizes.len()] < 7 {
        seg += 1;
    }
    damage.lose.push(seg);
    let packets = build(&commands, Link::Sll, &damage);
    let cap = write(
        &packets,
        Link::Sll,
        Format::Pcap {
            big_endian: false,
            nanos: false,
        },
    );
    let (code, got, err) = decode_capture(&cap, &[]);
    assert_eq!(code, 1, "{err}");
    let errors: Vec<&Value> = got.iter().filter(|r| r.get("error").is_some()).collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["error"]["kind"], "gap");
    let cmds: Vec<Value> = got
        .iter()
        .filter(|r| r.get("error").is_none())
        .map(strip)
        .collect();
    let mut rest = want;
    rest.remove(long);
    assert_eq!(cmds, rest);
}

fn sample_capture() -> Vec<u8> {
    let (path, _) = util::transcript("msnp8.md");
    capture_of(
        &path,
        Link::Ethernet,
        Format::Pcap {
            big_endian: false,
            nanos: false,
        },
        &Damage::default(),
    )
}

#[test]
fn truncated_and_malformed_captures_are_typed_errors() {
    let cap = sample_capture();
    // Cut inside a packet record: the records before it, then a capture_truncated error.
    let cut = cap.len() * 2 / 3;
    let (code, got, err) = decode_capture(&cap[..cut], &[]);
    assert_eq!(code, 1, "{err}");
    let last = got.last().unwrap();
    assert_eq!(last["error"]["kind"], "capture_truncated", "{last}");
    assert!(got.iter().filter(|r| r.get("cmd").is_some()).count() > 10);
    // A header only: nothing, cleanly.
    let (code, got, _) = decode_capture(&cap[..24], &[]);
    assert_eq!((code, got.len()), (0, 0));
    // Half a header.
    let (code, got, _) = decode_capture(&cap[..10], &[]);
    assert_eq!(code, 1);
    assert_eq!(got[0]["error"]["kind"], "capture_truncated");
    // Not a capture at all, forced.
    let (code, got, _) = decode_capture(b"VER 1 MSNP8 CVR0\r\n", &[]);
    assert_eq!(code, 1);
    assert_eq!(got[0]["error"]["kind"], "not_a_capture");
    // A pcapng block announcing 4 GiB.
    let mut ng = vec![
        0x0a, 0x0d, 0x0d, 0x0a, 0x1c, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0,
    ];
    ng.extend_from_slice(&[0xff; 8]);
    ng.extend_from_slice(&[0x1c, 0, 0, 0]);
    ng.extend_from_slice(&[6, 0, 0, 0, 0xf0, 0xff, 0xff, 0xff]);
    ng.extend_from_slice(&[0; 64]);
    let (code, got, err) = decode_capture(&ng, &["--max-block", "65536"]);
    assert_eq!(code, 1, "{err}");
    let kind = got.last().unwrap()["error"]["kind"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        kind == "capture_block_too_large"
            || kind == "capture_truncated"
            || kind == "capture_malformed",
        "{kind}"
    );
}

#[test]
fn too_many_flows_is_reported_once() {
    let path = &transcripts()[0].1;
    let cap = capture_of(
        path,
        Link::Ethernet,
        Format::Pcap {
            big_endian: false,
            nanos: false,
        },
        &Damage::default(),
    );
    let (code, got, _) = decode_capture(&cap, &["--max-flows", "1"]);
    assert_eq!(code, 1);
    let errors: Vec<&Value> = got.iter().filter(|r| r.get("error").is_some()).collect();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["error"]["kind"], "too_many_flows");
    assert!(
        got.iter()
            .filter(|r| r.get("cmd").is_some())
            .all(|r| r["flow"] == 1)
    );
}

#[test]
fn committed_fixtures_decode_like_their_transcripts() {
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/pcap");
    let (path, _) = util::transcript("msnp8.md");
    let want = expected(&path);
    let fixtures = [
        (
            "msnp8-ethernet.pcap",
            Link::Ethernet,
            Format::Pcap {
                big_endian: false,
                nanos: false,
            },
            Damage {
                reorder_every: Some(4),
                retransmit_every: Some(9),
                ..Damage::default()
            },
        ),
        (
            "msnp8-sll.pcapng",
            Link::Sll,
            Format::PcapNg { big_endian: false },
            Damage::default(),
        ),
    ];
    for (file, link, format, damage) in fixtures {
        let file = std::path::Path::new(data).join(file);
        let fresh = capture_of(&path, link, format, &damage);
        if std::env::var_os("MSNP_WRITE_FIXTURES").is_some() {
            std::fs::create_dir_all(data).unwrap();
            std::fs::write(&file, &fresh).unwrap();
        }
        let committed = std::fs::read(&file).unwrap();
        assert_eq!(
            committed,
            fresh,
            "{}: regenerate with MSNP_WRITE_FIXTURES=1",
            file.display()
        );
        let (code, got, err) = run(&["decode", file.to_str().unwrap()], b"");
        assert_eq!(code, 0, "{err}");
        assert_same(&file.display().to_string(), &got, &want);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Mutated captures never crash the decoder: exit 0 or 1, every line a JSON record.
    #[test]
    fn mutated_captures_never_panic(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..12),
        cut in any::<prop::sample::Index>(),
        which in 0..3u8,
    ) {
        let cap = match which {
            0 => pcap_sample(),
            1 => pcapng_sample(),
            _ => gateway_sample(),
        };
        let mut cap = cap.to_vec();
        for (at, byte) in edits {
            let i = at.index(cap.len());
            cap[i] = byte;
        }
        let keep = cut.index(cap.len() + 1).max(cap.len() / 2);
        cap.truncate(keep);
        let (code, recs, err) = decode_capture(&cap, &[]);
        prop_assert!(code == 0 || code == 1, "exit {code}: {err}");
        prop_assert!(!err.contains("panicked"), "{err}");
        for r in &recs {
            prop_assert!(r.get("cmd").is_some() || r.get("error").is_some());
        }
    }
}

fn pcap_sample() -> &'static [u8] {
    static S: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    S.get_or_init(sample_capture)
}

fn pcapng_sample() -> &'static [u8] {
    static S: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    S.get_or_init(|| {
        let path = &transcripts()[0].1;
        capture_of(
            path,
            Link::Sll,
            Format::PcapNg { big_endian: false },
            &Damage {
                reorder_every: Some(3),
                ..Damage::default()
            },
        )
    })
}

#[test]
fn a_capture_arriving_in_small_pieces_on_a_pipe_decodes_the_same() {
    let (path, _) = util::transcript("msnp8.md");
    let want = expected(&path);
    for format in [
        Format::PcapNg { big_endian: false },
        Format::Pcap {
            big_endian: true,
            nanos: false,
        },
    ] {
        let cap = capture_of(&path, Link::Ethernet, format, &Damage::default());
        let mut child = Command::new(BIN)
            .args(["decode"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut input = child.stdin.take().unwrap();
        let writer = std::thread::spawn(move || {
            for chunk in cap.chunks(5) {
                input.write_all(chunk).unwrap();
                input.flush().unwrap();
            }
        });
        let out = child.wait_with_output().unwrap();
        writer.join().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let got: Vec<Value> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_same(&format!("{format:?}"), &got, &want);
    }
}

#[test]
fn reused_ports_start_new_flows() {
    let (path, text) = util::transcript("msnp9.md");
    let commands = transcript_commands(&text);
    let want = expected(&path);
    // The same session twice, on the same addresses and ports, one after the other.
    let mut packets = build(&commands, Link::Ethernet, &Damage::default());
    let flows = commands
        .iter()
        .map(|c| c.0)
        .collect::<std::collections::BTreeSet<_>>()
        .len() as u64;
    let last = packets.last().unwrap().ts_nanos;
    let again: Vec<Packet> = build(&commands, Link::Ethernet, &Damage::default())
        .into_iter()
        .map(|mut p| {
            p.ts_nanos += last;
            p
        })
        .collect();
    packets.extend(again);
    let cap = write(
        &packets,
        Link::Ethernet,
        Format::PcapNg { big_endian: false },
    );
    let (code, got, err) = decode_capture(&cap, &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(got.len(), 2 * want.len());
    let key = |r: &Value| {
        (
            r["cmd"].clone(),
            r["trid"].clone(),
            r["args"].clone(),
            r["payload"].clone(),
        )
    };
    for (i, r) in got.iter().enumerate() {
        assert_eq!(key(r), key(&want[i % want.len()]), "record {i}");
        let flow = r["flow"].as_u64().unwrap();
        if i < want.len() {
            assert!(flow <= flows, "{r}");
        } else {
            assert!(flow > flows && flow <= 2 * flows, "{r}");
        }
    }
}

#[test]
fn stats_count_capture_commands() {
    let path = &transcripts()[0].1;
    let want = expected(path);
    let cap = capture_of(
        path,
        Link::Sll,
        Format::PcapNg { big_endian: false },
        &Damage::default(),
    );
    let (code, got, err) = run(&["decode", "--stats"], &cap);
    assert_eq!((code, got.len()), (0, 0), "{err}");
    let stats: Value = serde_json::from_str(&err).unwrap();
    assert_eq!(stats["commands"], want.len());
    assert_eq!(stats["errors"], 0);
    assert_eq!(stats["by_direction"]["unknown"], 0);
}

#[test]
fn http_gateway_sessions_decode_like_their_transcripts() {
    use common::{Gateway, build_gateway};
    for (n, (name, path)) in transcripts().into_iter().enumerate() {
        let text = std::fs::read_to_string(&path).unwrap();
        let commands = transcript_commands(&text);
        let want = expected(&path);
        let gateways = [
            Gateway::default(),
            Gateway {
                reconnect_every: Some(3 + n % 4),
                shared: false,
            },
            Gateway {
                reconnect_every: None,
                shared: true,
            },
        ];
        for gateway in gateways {
            let damage = Damage {
                reorder_every: Some(6),
                ..Damage::default()
            };
            let (link, format) = FORMATS[n % FORMATS.len()];
            let packets = build_gateway(&commands, link, gateway, &damage);
            let cap = write(&packets, link, format);
            let (code, got, err) = decode_capture(&cap, &[]);
            let what = format!("{name} {gateway:?}");
            assert_eq!(
                code,
                0,
                "{what}: {err} {:?}",
                got.iter().find(|r| r.get("error").is_some())
            );
            assert_same(&what, &got, &want);
            if gateway.reconnect_every.is_some() {
                let flows: std::collections::BTreeSet<u64> =
                    got.iter().map(|r| r["flow"].as_u64().unwrap()).collect();
                assert!(flows.len() > 3, "{what}: {flows:?}");
            }
            // Not on port 80: ignored; on another port when asked.
            let (code, got, _) = decode_capture(&cap, &["--http-port", "8080"]);
            assert_eq!((code, got.len()), (0, 0), "{what}");
        }
    }
}

#[test]
fn plain_web_traffic_on_port_80_is_ignored() {
    let commands = vec![(
        1,
        Direction::ClientToServer,
        b"GET /index.html HTTP/1.1\r\nHost: example.com\r\n\r\n".to_vec(),
    )];
    let damage = Damage {
        server_port: Some(80),
        ..Damage::default()
    };
    let mut packets = build(&commands, Link::Ethernet, &damage);
    // A chunked response the gateway framer would not understand: never looked at.
    let reply = vec![(
        1,
        Direction::ServerToClient,
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n".to_vec(),
    )];
    packets.extend(build(&reply, Link::Ethernet, &damage));
    let cap = write(
        &packets,
        Link::Ethernet,
        Format::PcapNg { big_endian: false },
    );
    let (code, got, err) = decode_capture(&cap, &[]);
    assert_eq!((code, got.len()), (0, 0), "{err} {got:?}");
}

fn gateway_sample() -> &'static [u8] {
    static S: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    S.get_or_init(|| {
        let path = &transcripts()[0].1;
        let text = std::fs::read_to_string(path).unwrap();
        let packets = common::build_gateway(
            &transcript_commands(&text),
            Link::Ethernet,
            common::Gateway {
                reconnect_every: Some(4),
                shared: false,
            },
            &Damage::default(),
        );
        write(
            &packets,
            Link::Ethernet,
            Format::Pcap {
                big_endian: false,
                nanos: false,
            },
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// Any mix of reordering, retransmissions and overlaps leaves the decoded commands unchanged.
    #[test]
    fn random_tcp_damage_changes_nothing(
        t in any::<prop::sample::Index>(),
        f in any::<prop::sample::Index>(),
        reorder in proptest::option::of(2usize..12),
        retransmit in proptest::option::of(2usize..12),
        overlap in proptest::option::of(2usize..12),
        wrap_seq in any::<bool>(),
    ) {
        let all = transcripts();
        let (name, path) = &all[t.index(all.len())];
        let (link, format) = FORMATS[f.index(FORMATS.len())];
        let damage = Damage {
            reorder_every: reorder,
            retransmit_every: retransmit,
            overlap_every: overlap,
            wrap_seq,
            ..Damage::default()
        };
        let want = expected(path);
        let cap = capture_of(path, link, format, &damage);
        let (code, got, err) = decode_capture(&cap, &[]);
        prop_assert_eq!(code, 0, "{} {:?}: {}", name, damage, err);
        let got: Vec<Value> = got.iter().map(strip).collect();
        prop_assert_eq!(got, want);
    }
}

#[test]
fn frames_cut_by_the_snapshot_length_become_gaps() {
    let (path, text) = util::transcript("msnp12.md");
    let want = expected(&path);
    let mut packets = build(
        &transcript_commands(&text),
        Link::Ethernet,
        &Damage::default(),
    );
    // A 300-byte snapshot length: the 1460-byte segments lose their tails.
    let mut cut = 0;
    for p in &mut packets {
        if p.frame.len() > 300 {
            p.frame.truncate(300);
            cut += 1;
        }
    }
    assert!(cut > 0);
    let cap = write(
        &packets,
        Link::Ethernet,
        Format::PcapNg { big_endian: false },
    );
    let (code, got, err) = decode_capture(&cap, &[]);
    assert_eq!(code, 1, "{err}");
    let errors: Vec<&Value> = got.iter().filter(|r| r.get("error").is_some()).collect();
    assert!(!errors.is_empty());
    assert!(
        errors.iter().all(|e| e["error"]["kind"] == "gap"),
        "{errors:?}"
    );
    // Commands untouched by the cuts still decode, the last one included.
    let cmds: Vec<Value> = got
        .iter()
        .filter(|r| r.get("error").is_none())
        .map(strip)
        .collect();
    assert!(
        cmds.len() > want.len() / 2,
        "{} of {}",
        cmds.len(),
        want.len()
    );
    assert_eq!(cmds.last(), want.last());
    assert!(cmds.iter().all(|c| want.contains(c)));
}

#[test]
fn an_unsupported_link_type_is_reported_once() {
    let mut cap = sample_capture();
    // The link type field of the pcap header: USER0 (147).
    cap[20..24].copy_from_slice(&147u32.to_le_bytes());
    let (code, got, _) = decode_capture(&cap, &[]);
    assert_eq!(code, 1);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0]["error"]["kind"], "unsupported_link");
    assert_eq!(got[0]["error"]["offset"], 1, "the first frame");
}

#[test]
fn a_gateway_connection_ending_inside_a_message_is_reported() {
    let commands = vec![
        (
            1,
            Direction::ClientToServer,
            b"POST /gateway/gateway.dll?Action=open&Server=NS&IP=messenger.hotmail.com HTTP/1.1\r\n\
Content-Length: 18\r\n\r\nVER 1 MSNP8 CVR0\r\n"
                .to_vec(),
        ),
        (
            1,
            Direction::ServerToClient,
            b"HTTP/1.1 200 OK\r\nX-MSN-Messenger: SessionID=1.2; GW-IP=10.0.0.1\r\n\
Content-Length: 100\r\n\r\nVER 1 MSNP8\r\n"
                .to_vec(),
        ),
    ];
    let damage = Damage {
        server_port: Some(80),
        ..Damage::default()
    };
    let packets = build(&commands, Link::Raw, &damage);
    let cap = write(&packets, Link::Raw, Format::PcapNg { big_endian: true });
    let (code, got, err) = decode_capture(&cap, &[]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0]["cmd"], "VER");
    assert_eq!(got[0]["dir"], "C");
    assert_eq!(got[1]["error"]["kind"], "http_truncated");
    assert_eq!(got[1]["error"]["dir"], "S");
}

#[test]
fn capture_records_feed_msnp_encode_like_transcript_records() {
    let (path, _) = util::transcript("msnp9.md");
    let to_ndjson = |recs: &[Value]| {
        recs.iter()
            .map(|r| format!("{r}\n"))
            .collect::<String>()
            .into_bytes()
    };
    let want = expected(&path);
    let cap = capture_of(
        &path,
        Link::Sll,
        Format::PcapNg { big_endian: false },
        &Damage::default(),
    );
    let (_, got, _) = decode_capture(&cap, &[]);
    assert!(
        got.iter()
            .all(|r| r.get("flow").is_some() && r.get("ts").is_some())
    );
    let encode = |input: &[u8]| {
        let out = Command::new(BIN)
            .args(["encode", "--output", "transcript"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .and_then(|mut c| {
                c.stdin.take().unwrap().write_all(input)?;
                c.wait_with_output()
            })
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        out.stdout
    };
    let a = encode(&to_ndjson(&got));
    assert!(!a.is_empty());
    assert_eq!(a, encode(&to_ndjson(&want)));
}

#[test]
fn the_total_reorder_budget_turns_waiting_into_gaps() {
    let path = &transcripts()[0].1;
    let want = expected(path);
    let damage = Damage {
        reorder_every: Some(5),
        ..Damage::default()
    };
    let cap = capture_of(
        path,
        Link::Ethernet,
        Format::PcapNg { big_endian: false },
        &damage,
    );
    // Within budget: nothing lost.
    let (code, got, _) = decode_capture(&cap, &["--max-reorder-total", "100000"]);
    assert_eq!(code, 0);
    assert_same("budget", &got, &want);
    // No budget at all: every segment that arrives early makes its hole a gap.
    let (code, got, _) = decode_capture(&cap, &["--max-reorder-total", "0"]);
    assert_eq!(code, 1);
    let errors: Vec<&Value> = got.iter().filter(|r| r.get("error").is_some()).collect();
    assert!(!errors.is_empty());
    assert!(errors.iter().all(|e| e["error"]["kind"] == "gap"));
    // The same per connection direction.
    let (code, _, _) = decode_capture(&cap, &["--max-reorder", "0"]);
    assert_eq!(code, 1);
}

/// A live capture on a pipe (`tcpdump -U -w - | msnp decode`) shows each record once its
/// packets are in, before the capture ends: the records are not held for a batch to fill.
#[test]
fn live_capture_is_not_held_back() {
    use std::io::{BufRead, BufReader};
    let (_, text) = util::transcript("msnp12.md");
    let packets = build(
        &transcript_commands(&text),
        Link::Ethernet,
        &Damage::default(),
    );
    let format = Format::Pcap {
        big_endian: false,
        nanos: false,
    };
    let whole = write(&packets, Link::Ethernet, format);
    // Everything but the last packet (the end of the last connection) first.
    let last = write(&packets[packets.len() - 1..], Link::Ethernet, format);
    let cut = whole.len() - (last.len() - 24);
    let mut child = Command::new(BIN)
        .args(["decode", "--input", "pcap"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    stdin.write_all(&whole[..cut]).unwrap();
    stdin.flush().unwrap();
    // The input stays open: the first record must arrive anyway (a generous bound, not a
    // timing: held back, it would never come).
    let line = rx
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("a record before the capture ends");
    let v: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(v["cmd"], "VER");
    stdin.write_all(&whole[cut..]).unwrap();
    drop(stdin);
    assert!(child.wait().unwrap().success());
    reader.join().unwrap();
    assert!(rx.iter().count() > 50);
}
