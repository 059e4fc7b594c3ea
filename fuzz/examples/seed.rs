//! Writes seed corpora for every target into `fuzz/corpus/<target>/` from the repository's own
//! test data (transcripts, payload captures, SOAP fixtures, auth vectors). Run from `fuzz/`:
//! `cargo run --release --example seed`. The corpora are generated, not committed.

use std::fs;
use std::path::{Path, PathBuf};

use msnp_proto::negotiation::DialectTracker;
use msnp_proto::stream::to_wire_streams;
use msnp_proto::{Channel, Direction, ProtocolVersion};

struct Corpus {
    dir: PathBuf,
    n: usize,
}

impl Corpus {
    fn new(root: &Path, target: &str) -> Self {
        let dir = root.join("corpus").join(target);
        fs::create_dir_all(&dir).expect("create corpus dir");
        Self { dir, n: 0 }
    }
    fn add(&mut self, header: &[u8], body: &[u8]) {
        let mut v = header.to_vec();
        v.extend_from_slice(body);
        fs::write(self.dir.join(format!("seed-{:05}", self.n)), v).expect("write seed");
        self.n += 1;
    }
}

fn version_index(v: ProtocolVersion) -> u8 {
    ProtocolVersion::ALL
        .iter()
        .position(|&x| x == v)
        .unwrap_or(0) as u8
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(rd) = fs::read_dir(dir) else {
        return out;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// Every string value in a JSON document.
fn json_strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| json_strings(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| json_strings(x, out)),
        _ => {}
    }
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let repo = root
        .parent()
        .expect("fuzz/ is inside the repository")
        .to_path_buf();
    let proto = repo.join("crates/msnp-proto/tests/data");

    // Wire streams and single frames from the transcripts.
    let mut stream = Corpus::new(&root, "decode_stream");
    let mut raw = Corpus::new(&root, "raw_roundtrip");
    let mut transcript = Corpus::new(&root, "transcript");
    // Default leniency: extra spaces, UTF-8 arguments, payload outside version.
    let lenient = 0x08 | 0x20 | 0x40;
    for path in files(&proto.join("transcripts")) {
        let Ok(text) = fs::read_to_string(&path) else {
            continue;
        };
        let version = path
            .file_stem()
            .and_then(|s| s.to_str())
            .and_then(|s| s.strip_prefix("msnp"))
            .and_then(|n| n.parse().ok())
            .and_then(ProtocolVersion::from_number)
            .unwrap_or(ProtocolVersion::Msnp8);
        transcript.add(&[version_index(version), lenient], text.as_bytes());
        let (streams, _) = to_wire_streams(&text, DialectTracker::new(version));
        for s in &streams {
            let sb = if s.initial.channel == Channel::Switchboard {
                0x80
            } else {
                0
            };
            let a = version_index(s.initial.version) | sb;
            let b = lenient
                | match s.direction {
                    Some(Direction::ClientToServer) => 0,
                    Some(Direction::ServerToClient) => 1,
                    None => 2,
                };
            stream.add(&[a, b, 16], &s.bytes);
            raw.add(&[a, b, 0], &s.bytes);
            let mut at = 0;
            for &len in &s.command_lengths {
                if let Some(frame) = s.bytes.get(at..at + len) {
                    stream.add(&[a, b, 0], frame);
                    raw.add(&[a, b, 0], frame);
                }
                at += len;
            }
        }
    }

    // Payload bodies: each with every parser selector (0..48 covers all verbs and parsers).
    let mut payload = Corpus::new(&root, "payload");
    for path in files(&proto.join("payload")) {
        let Ok(body) = fs::read(&path) else { continue };
        if path.extension().is_some_and(|e| e == "json") {
            let Ok(v) = serde_json::from_slice::<serde_json::Value>(&body) else {
                continue;
            };
            let mut strings = Vec::new();
            json_strings(&v, &mut strings);
            for s in strings {
                for sel in [4u8, 10, 11, 13, 14] {
                    payload.add(&[sel, 0], s.as_bytes());
                }
            }
            continue;
        }
        for sel in 0..48u8 {
            payload.add(&[sel, 0], &body);
        }
    }

    // SOAP fixtures with every parser selector.
    let mut soap = Corpus::new(&root, "soap");
    for path in files(&repo.join("crates/msnp-soap/tests/fixtures")) {
        let Ok(body) = fs::read(&path) else { continue };
        for sel in 0..12u8 {
            soap.add(&[sel, 0], &body);
        }
    }

    // Auth: every string in the known-answer vectors.
    let mut auth = Corpus::new(&root, "auth");
    for path in files(&repo.join("crates/msnp-auth/tests/vectors")) {
        let Ok(body) = fs::read(&path) else { continue };
        let Ok(v) = serde_json::from_slice::<serde_json::Value>(&body) else {
            continue;
        };
        let mut strings = Vec::new();
        json_strings(&v, &mut strings);
        for s in strings {
            auth.add(&[], s.as_bytes());
        }
    }
    auth.add(&[], b"lc=1033,id=507,tw=40,fs=1,ru=http%3A%2F%2Fmessenger%2Emsn%2Ecom,ct=1062764229,kpp=1,kv=5,ver=2.1.0173.1,tpf=43f8a4c8ed940c04e3740be46c4d1619");
    auth.add(
        &[],
        b"MBI_KEY_OLD 8nQ8Q8vGpVRt3mD+QXCv8yiXm3R2VqlnDH1jfIhWSBeqnkrWHtqixIvLSSDNfJcx",
    );
    auth.add(&[], b"\0Authentication-Info\0Passport1.4 da-status=success,tname=MSPAuth,from-PP='t=abc&p=def',ru=http://messenger.msn.com");
    auth.add(
        &[],
        b"\0PassportURLs\0DARealm=Passport.Net,DALogin=login.passport.com/login2.srf,DAReg=x",
    );

    for c in [&stream, &raw, &transcript, &payload, &soap, &auth] {
        println!("{}: {} seeds", c.dir.display(), c.n);
    }
}
