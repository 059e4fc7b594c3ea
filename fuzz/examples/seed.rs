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

    // Client streams as TCP segments (tcp_reassembly), whole streams in HTTP gateway messages
    // (http_gateway), transcripts and streams for `msnp check` (check), payloads for the exact
    // forms (transcript_exact).
    let mut tcp = Corpus::new(&root, "tcp_reassembly");
    let mut http = Corpus::new(&root, "http_gateway");
    let mut check = Corpus::new(&root, "check");
    let mut exact = Corpus::new(&root, "transcript_exact");
    let mut session = Corpus::new(&root, "session");
    for path in files(&proto.join("transcripts")) {
        let Ok(text) = fs::read_to_string(&path) else {
            continue;
        };
        // `msnp check`: auto, transcript; ndjson and text.
        for sel in [0u8, 2, 4, 6] {
            check.add(&[sel, 0], text.as_bytes());
        }
        let version = path
            .file_stem()
            .and_then(|s| s.to_str())
            .and_then(|s| s.strip_prefix("msnp"))
            .and_then(|n| n.parse().ok())
            .and_then(ProtocolVersion::from_number)
            .unwrap_or(ProtocolVersion::Msnp8);
        let (streams, _) = to_wire_streams(&text, DialectTracker::new(version));
        for s in &streams {
            match s.direction {
                Some(Direction::ClientToServer) => {
                    // 8 segments of 16 bytes in reverse order, the rest after them.
                    let mut h = vec![0u8, 8];
                    h.extend([15u8; 8]);
                    h.extend((0..8u8).rev());
                    tcp.add(&h, &s.bytes);
                    tcp.add(&[0x0b, 4, 3, 40, 7, 1, 9, 2, 5, 1], &s.bytes);
                    check.add(&[0x11, 0], &s.bytes);
                    let head = format!(
                        "POST /gateway/gateway.dll?Action=open&Server=NS&IP=messenger.hotmail.com HTTP/1.1\r\nContent-Type: application/x-msn-messenger\r\nContent-Length: {}\r\n\r\n",
                        s.bytes.len()
                    );
                    http.add(&[0, 16], &[head.as_bytes(), &s.bytes].concat());
                }
                Some(Direction::ServerToClient) => {
                    let head = format!(
                        "HTTP/1.1 200 OK\r\nX-MSN-Messenger: SessionID=123.456; GW-IP=207.46.110.17\r\nContent-Length: {}\r\n\r\n",
                        s.bytes.len()
                    );
                    http.add(&[0, 7], &[head.as_bytes(), &s.bytes].concat());
                    check.add(&[0x21, 0], &s.bytes);
                    // `session`: byte 0 picks the offered versions (by era).
                    let era = match s.initial.version.number() {
                        0..=2 => 0u8,
                        3..=7 => 1,
                        8..=9 => 2,
                        10..=12 => 3,
                        13..=15 => 4,
                        _ => 5,
                    };
                    session.add(&[era, 63], &s.bytes);
                }
                None => {}
            }
        }
    }
    for path in files(&proto.join("payload")) {
        let Ok(body) = fs::read(&path) else { continue };
        if body.len() <= 4096 {
            for sel in 0..3u8 {
                exact.add(&[sel], &body);
            }
        }
    }
    exact.add(
        &[0x80],
        b"<Policies>\\n\\t<Policy type=\"SHIELDS\"/>\\n</Policies>\\x00\\r\\n",
    );
    exact.add(&[0xc0], b"AAECAw==");

    // Captures (pcap_capture, check).
    let mut pcap = Corpus::new(&root, "pcap_capture");
    for path in files(&repo.join("crates/msnp-cli/tests/data/pcap")) {
        let Ok(body) = fs::read(&path) else { continue };
        for sel in [0u8, 2, 4] {
            pcap.add(&[sel, 63], &body);
        }
        check.add(&[3, 0], &body);
        check.add(&[7, 0], &body);
    }

    // SOAP requests as servers receive them: the fixtures and every request the crate builds.
    let mut requests = Corpus::new(&root, "soap_requests");
    for path in files(&repo.join("crates/msnp-soap/tests/fixtures")) {
        let Ok(body) = fs::read(&path) else { continue };
        requests.add(&[0, 0], &body);
    }
    for xml in built_requests() {
        requests.add(&[0, 0], &xml);
        requests.add(&[2, 0], &xml);
    }

    // The server login: each era's client script with the caller's calls (see the target).
    let mut server = Corpus::new(&root, "server_login");
    // VER, INF/CVR, USR I, challenge, USR S, verify + accept, QRY, OUT.
    server.add(&[0], &[0x20, 0x26, 0x29, 0, 0x2c, 6, 3, 0x31]);
    server.add(&[1], &[0x21, 0x26, 0x29, 0, 0x2c, 6, 3, 5, 0x30, 0x33]);
    server.add(&[2], &[0x22, 0x27, 0x2a, 1, 0x2d, 3, 5, 0x30, 0x32, 0x33]);
    server.add(&[3], &[0x23, 0x28, 0x2a, 1, 0x2d, 3, 5, 0x31, 0x34, 0x35]);
    server.add(
        &[4],
        &[0x24, 0x28, 0x2b, 8, 2, 0x2e, 7, 3, 5, 0x30, 0x36, 0x37],
    );
    server.add(&[0x24], &[0x25, 0x28, 0x2b, 2, 0x2f, 4]);

    for c in [
        &stream,
        &raw,
        &transcript,
        &payload,
        &soap,
        &auth,
        &tcp,
        &http,
        &check,
        &exact,
        &pcap,
        &requests,
        &server,
        &session,
    ] {
        println!("{}: {} seeds", c.dir.display(), c.n);
    }
}

/// Every kind of request a client built with msnp-soap sends, as a server receives it.
fn built_requests() -> Vec<Vec<u8>> {
    use msnp_soap::SoapRequest;
    use msnp_soap::abch::{
        AbFindAll, AbFindContactsPaged, AbHeader, AbRequest, AbRequestBody, FindMembership,
    };
    use msnp_soap::config::GetClientConfig;
    use msnp_soap::oim::{RsiBody, RsiRequest};
    use msnp_soap::passport::{RstRequest, TokenRequest};
    let now = chrono::DateTime::from_timestamp(1_100_000_000, 0).unwrap_or_default();
    let mut out = vec![
        RstRequest::rst(
            "alice@hotmail.com",
            "s3cret",
            TokenRequest::twn_set("lc=1033,id=507"),
        )
        .envelope(),
        RstRequest::rst2(
            "alice@hotmail.com",
            "p&ss<w>",
            TokenRequest::sso_set("MBI_KEY_OLD"),
            "{7108E71A-9926-4FCB-BCC9-9A9D3F32E423}",
            now,
        )
        .envelope(),
        GetClientConfig::default().envelope(),
    ];
    for body in [
        AbRequestBody::FindAll(AbFindAll::full()),
        AbRequestBody::FindContactsPaged(AbFindContactsPaged::initial()),
        AbRequestBody::FindMembership(FindMembership::full()),
    ] {
        out.push(
            AbRequest {
                header: AbHeader::new("Initial", Some("t=abc&p=def".into())),
                body,
            }
            .envelope(),
        );
    }
    for body in [
        RsiBody::GetMetadata,
        RsiBody::GetMessage {
            message_id: "{E7D6E3E0-4F8A-4C5B-8A0B-1C2D3E4F5A6B}".into(),
            also_mark_as_read: false,
        },
    ] {
        if let Ok(r) = RsiRequest::from_ticket("t=T1&p=P1", body) {
            out.push(r.envelope());
        }
    }
    out
}
