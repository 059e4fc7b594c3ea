//! `msnp decode --extract DIR` (issue 13): the display-picture flows of the spec's `p2p.json`
//! (P2Pv1 and P2Pv2) as switchboard transcripts give the picture file, named by its SHA1D,
//! with the picture's bytes; a file transfer whose context names a hostile path writes one
//! plain file inside DIR; and the records show the P2P payloads typed, with no payload error.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use msnp_proto::p2p::context::FtContext;
use msnp_proto::p2p::slp::{Guid, SessionRequest, SlpContentType, SlpMessage, euf_guid};
use msnp_proto::p2p::v1::{self, P2pHeader};
use serde_json::Value;

mod util;

const SHA1D_NAME: &str = "5kwRWwPnYgYxUIAVFCGyc7Wpwew=";

fn flow(id: &str) -> Value {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../msnp-proto/tests/data/payload/vectors/p2p.json");
    let all: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
    all.into_iter().find(|v| v["id"] == id).unwrap()
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// A fresh, empty directory for one test.
fn out_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("msnp-extract-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn p2p_head(dest: &str, src: Option<&str>) -> String {
    let mut h = format!(
        "MIME-Version: 1.0\r\nContent-Type: application/x-msnmsgrp2p\r\nP2P-Dest: {dest}\r\n"
    );
    if let Some(s) = src {
        h.push_str(&format!("P2P-Src: {s}\r\n"));
    }
    h.push_str("\r\n");
    h
}

/// One `MSG` in transcript form: alice's own as `C: MSG n D len`, bob's as the server
/// relays it, the payload in the `%base64` form.
fn msg_line(out: &mut String, trid: &mut u32, from_alice: bool, payload: &[u8]) {
    if from_alice {
        *trid += 1;
        out.push_str(&format!("C: MSG {trid} D {}\n", payload.len()));
    } else {
        out.push_str(&format!("S: MSG bob@example.com Bob {}\n", payload.len()));
    }
    out.push_str("%base64 ");
    out.push_str(&base64::engine::general_purpose::STANDARD.encode(payload));
    out.push('\n');
}

/// The flow as alice's switchboard transcript.
fn flow_transcript(v: &Value) -> String {
    let first = v["first_msg"]["mime_text"].as_str().unwrap();
    let dest = first
        .lines()
        .find_map(|l| l.strip_prefix("P2P-Dest: "))
        .unwrap();
    let src = first.lines().find_map(|l| l.strip_prefix("P2P-Src: "));
    let to_bob = p2p_head(dest, src);
    let to_alice = p2p_head(src.unwrap_or("alice@example.com"), src.map(|_| dest));
    let mut t = String::new();
    let mut trid = 1;
    for s in v["steps"].as_array().unwrap() {
        let from_alice = s["direction"] == "A->B";
        let head = if from_alice { &to_bob } else { &to_alice };
        let mut payload = head.as_bytes().to_vec();
        payload.extend(hex(s["wire_hex"].as_str().unwrap()));
        msg_line(&mut t, &mut trid, from_alice, &payload);
    }
    t
}

/// `msnp decode --extract dir` of an MSNP18 switchboard transcript, with `extra` options:
/// exit status, records and standard error.
fn run_extract(transcript: &str, dir: &Path, extra: &[&str]) -> (i32, Vec<u8>, String) {
    let mut args = vec![
        "decode",
        "--input",
        "transcript",
        "--dialect",
        "MSNP18",
        "--channel",
        "sb",
        "--extract",
        dir.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    util::run_msnp(&args, transcript.as_bytes())
}

fn decode_extract(transcript: &str, dir: &Path) -> (Vec<Value>, String) {
    let (code, out, err) = run_extract(transcript, dir, &[]);
    assert_eq!(code, 0, "{err}");
    (util::records(&out), err)
}

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

#[test]
fn display_picture_flows_write_the_picture_named_by_sha1d() {
    let picture = hex(flow("p2pv1-dp-flow")["picture_hex"].as_str().unwrap());
    for (id, framing) in [("p2pv1-dp-flow", "v1"), ("p2pv2-dp-flow", "v2")] {
        let dir = out_dir(id);
        let (recs, err) = decode_extract(&flow_transcript(&flow(id)), &dir);
        assert_eq!(files(&dir), vec![SHA1D_NAME.to_owned()], "{id}: {err}");
        assert_eq!(
            std::fs::read(dir.join(SHA1D_NAME)).unwrap(),
            picture,
            "{id}"
        );
        assert!(err.contains(SHA1D_NAME), "{id}: {err}");
        // Every record's P2P payload is typed in its framing; the INVITE's SLP too.
        assert_eq!(recs.len(), flow(id)["steps"].as_array().unwrap().len());
        for r in &recs {
            assert!(r["fields"].get("payload_error").is_none(), "{id}: {r}");
            let body = &r["fields"]["payload"]["value"]["body"];
            assert_eq!(body["kind"], "p2p", "{id}: {r}");
            assert_eq!(body["payload"]["framing"], framing, "{id}: {r}");
        }
        let invite = &recs[0]["fields"]["payload"]["value"]["body"];
        assert_eq!(invite["slp"]["start_line"]["method"], "INVITE", "{invite}");
        assert_eq!(
            invite["session_request"]["euf_guid"], "{A4268EEC-FEC5-49E5-95C3-F126696BDBF6}",
            "{invite}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

/// Bob sends alice a file over P2Pv1: the INVITE with its context, then the data.
fn file_transfer(out: &mut String, session_id: u32, name: &str, data: &[u8]) {
    let (invite, chunks) = file_transfer_msgs(session_id, name, data);
    for m in invite.iter().chain(&chunks) {
        out.push_str(m);
    }
}

/// The `MSG`s of [`file_transfer`] in transcript form: the INVITE's, then the data's (in
/// chunks of 1202 bytes).
fn file_transfer_msgs(session_id: u32, name: &str, data: &[u8]) -> (Vec<String>, Vec<String>) {
    let req = SessionRequest {
        euf_guid: euf_guid::FILE_TRANSFER,
        session_id,
        app_id: v1::app_id::FILE_TRANSFER,
        request_flags: Some(16),
        context: Some(FtContext::new(name, data.len() as u64).to_base64()),
        extra: Vec::new(),
    };
    let invite = SlpMessage::request(
        "INVITE",
        "alice@example.com",
        "bob@example.com",
        Guid(0x1234),
        0,
        Guid(u128::from(session_id)),
        &SlpContentType::SessionRequest,
        &req.to_body().to_text().unwrap(),
    )
    .to_bytes()
    .unwrap();
    let head = p2p_head("alice@example.com", None);
    let slp = P2pHeader {
        identifier: session_id + 1000,
        ..P2pHeader::default()
    };
    let file = P2pHeader {
        session_id,
        identifier: session_id + 2000,
        flags: v1::flags::FILE | v1::flags::MSNOBJ_DATA,
        ..P2pHeader::default()
    };
    let msgs = |chunks: &mut dyn Iterator<Item = v1::P2pMessage<'_>>| {
        chunks
            .map(|chunk| {
                let mut p = head.as_bytes().to_vec();
                p.extend(chunk.to_bytes());
                let mut m = String::new();
                msg_line(&mut m, &mut 0, false, &p);
                m
            })
            .collect()
    };
    (
        msgs(&mut v1::split(slp, &invite, 1202, 0)),
        msgs(&mut v1::split(file, data, 1202, 2)),
    )
}

#[test]
fn hostile_file_names_are_sanitised_and_never_replace_a_file() {
    let dir = out_dir("hostile");
    let data: Vec<u8> = (0..3000u32).map(|i| (i * 7) as u8).collect();
    let mut t = String::new();
    file_transfer(&mut t, 77, "../../etc/pass\u{7}wd", &data);
    file_transfer(&mut t, 78, "..\\..\\pass\u{1b}wd", &data[..10]);
    file_transfer(&mut t, 79, "..", b"dots");
    let long = format!("{}.txt", "n".repeat(400));
    file_transfer(&mut t, 80, &long, b"long");
    let (recs, err) = decode_extract(&t, &dir);
    assert!(
        recs.iter()
            .all(|r| r["fields"].get("payload_error").is_none())
    );
    let names = files(&dir);
    assert_eq!(names.len(), 4, "{names:?} {err}");
    assert_eq!(std::fs::read(dir.join("passwd")).unwrap(), data);
    assert_eq!(std::fs::read(dir.join("passwd-1")).unwrap(), &data[..10]);
    assert_eq!(std::fs::read(dir.join("_")).unwrap(), b"dots");
    let long_written = names.iter().find(|n| n.starts_with("nnn")).unwrap();
    assert!(long_written.len() <= 120, "{long_written}");
    assert_eq!(std::fs::read(dir.join(long_written)).unwrap(), b"long");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `--max-open-files`: files being received are kept open up to the bound; one more closes the
/// one opened first, which is reported incomplete then and keeps the bytes it had, and whose
/// later chunks open no other file. The other transfers complete.
#[test]
fn open_files_at_and_one_past_max_open_files() {
    let data: Vec<u8> = (0..3000u32).map(|i| (i * 13) as u8).collect();
    let transcript = |n: u32| {
        let parts: Vec<_> = (0..n)
            .map(|i| file_transfer_msgs(100 + i, &format!("f{i}.bin"), &data))
            .collect();
        let mut t = String::new();
        // Every INVITE and first chunk, then the rest: all files are open at once.
        for (invite, chunks) in &parts {
            invite
                .iter()
                .chain(&chunks[..1])
                .for_each(|m| t.push_str(m));
        }
        for (_, chunks) in &parts {
            chunks[1..].iter().for_each(|m| t.push_str(m));
        }
        t
    };
    let run = |n: u32, dir: &Path| {
        let (code, out, err) = run_extract(&transcript(n), dir, &["--max-open-files", "2"]);
        assert_eq!(code, 0, "{err}");
        let notes: Vec<(String, String)> = err
            .lines()
            .map(|l| {
                let v: Value = serde_json::from_str(l).unwrap();
                let (what, path) = v
                    .as_object()
                    .unwrap()
                    .iter()
                    .find(|(k, _)| *k != "bytes")
                    .unwrap();
                let name = Path::new(path.as_str().unwrap()).file_name().unwrap();
                (what.clone(), name.to_str().unwrap().to_owned())
            })
            .collect();
        (util::records(&out).len(), notes)
    };
    let note = |what: &str, name: &str| (what.to_owned(), name.to_owned());

    let dir = out_dir("open-at");
    let (records, notes) = run(2, &dir);
    assert_eq!(
        notes,
        [note("extracted", "f0.bin"), note("extracted", "f1.bin")]
    );
    assert_eq!(files(&dir), ["f0.bin", "f1.bin"]);
    for f in ["f0.bin", "f1.bin"] {
        assert_eq!(std::fs::read(dir.join(f)).unwrap(), data);
    }
    std::fs::remove_dir_all(&dir).unwrap();

    let dir = out_dir("open-past");
    let (records_past, notes) = run(3, &dir);
    assert_eq!(
        notes,
        [
            note("incomplete", "f0.bin"),
            note("extracted", "f1.bin"),
            note("extracted", "f2.bin")
        ]
    );
    assert_eq!(files(&dir), ["f0.bin", "f1.bin", "f2.bin"]);
    assert_eq!(std::fs::read(dir.join("f0.bin")).unwrap(), &data[..1202]);
    for f in ["f1.bin", "f2.bin"] {
        assert_eq!(std::fs::read(dir.join(f)).unwrap(), data);
    }
    // The records are those of every MSG, whatever was extracted.
    assert_eq!(records_past, records / 2 * 3);
    std::fs::remove_dir_all(&dir).unwrap();

    // Zero is no bound.
    let (code, _, err) = util::run_msnp(&["decode", "--max-open-files", "0"], b"");
    assert_eq!(code, 2, "{err}");
}

/// A name whose 1000 numbered variants all exist already is a clean error: exit status 2, the
/// name in the message, and nothing replaced.
#[test]
fn a_name_with_every_suffix_taken_is_an_error() {
    let dir = out_dir("suffixes");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("x.bin"), b"mine").unwrap();
    for n in 1..1000 {
        std::fs::write(dir.join(format!("x-{n}.bin")), b"mine").unwrap();
    }
    let mut t = String::new();
    file_transfer(&mut t, 5, "x.bin", b"theirs");
    let (code, _, err) = run_extract(&t, &dir, &[]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("1000 files named like \"x.bin\" already exist"),
        "{err}"
    );
    assert_eq!(files(&dir).len(), 1000);
    assert_eq!(std::fs::read(dir.join("x-999.bin")).unwrap(), b"mine");
    std::fs::remove_dir_all(&dir).unwrap();
}
