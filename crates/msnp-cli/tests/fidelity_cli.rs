//! Issue 11's `msnp check` and channel items, each with its exact input.

mod util;

fn check(text: &str, extra: &[&str]) -> (i32, Vec<serde_json::Value>) {
    let args: Vec<&str> = ["check", "--input", "transcript"]
        .into_iter()
        .chain(extra.iter().copied())
        .collect();
    let (code, out, _) = util::run_msnp(&args, text.as_bytes());
    (code, util::records(&out))
}

fn of_code<'a>(f: &'a [serde_json::Value], code: &str) -> Vec<&'a serde_json::Value> {
    f.iter().filter(|f| f["code"] == code).collect()
}

/// The seed MSNP12 transcript with its `# --- connection` markers removed.
fn msnp12_without_markers() -> String {
    let (_, text) = util::transcript("msnp12.md");
    let stripped: String = text
        .lines()
        .filter(|l| !l.starts_with("# --- connection"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(stripped.contains("S: XFR 3 NS ") && stripped.contains("C: VER 4 "));
    stripped
}

#[test]
fn ver_after_xfr_ns_starts_a_new_connection() {
    let text = msnp12_without_markers();
    let (_, f) = check(&text, &[]);
    assert_eq!(of_code(&f, "login_order"), Vec::<&serde_json::Value>::new());
    // The notification server part (up to the first switchboard) is clean.
    let ns_part: String = text
        .split_inclusive('\n')
        .take_while(|l| !l.starts_with("C: XFR 20 SB"))
        .collect();
    let (code, f) = check(&ns_part, &[]);
    assert_eq!(code, 0);
    let noisy: Vec<_> = f.iter().filter(|f| f["level"] != "info").collect();
    assert_eq!(noisy, Vec::<&serde_json::Value>::new());
    // Decode sees the connection too: the second VER opens connection 2, in MSNP12.
    let (code, out, err) =
        util::run_msnp(&["encode", "--output", "transcript"], ns_part.as_bytes());
    assert_eq!(code, 0, "{err}");
    let out = String::from_utf8(out).unwrap();
    let marker = out
        .find("# --- connection 2: Notification Server (after XFR NS) ---\nC: VER 4 ")
        .expect(&out);
    assert!(out[..marker].contains("S: XFR 3 NS "));
}

#[test]
fn client_msg_with_an_acknowledgement_type_is_switchboard_traffic() {
    let text = "C: MSG 4 N 133\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nX-MMS-IM-Format: FN=Segoe%20UI; EF=; CO=0; CS=1; PF=0\r\n\r\nhello there, bob\r\nC: MSG 1 A 68\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nhello, acknowledge me\r\n";
    for version in ["MSNP8", "MSNP12", "MSNP18"] {
        let (code, f) = check(text, &["--dialect", version, "--channel", "auto"]);
        assert_eq!(code, 0, "{version}: {f:?}");
        assert_eq!(
            of_code(&f, "not_in_dialect"),
            Vec::<&serde_json::Value>::new(),
            "{version}"
        );
        let (code, out, err) = util::run_msnp(
            &["decode", "--input", "transcript", "--dialect", version],
            text.as_bytes(),
        );
        assert_eq!(code, 0, "{err}");
        let recs = util::records(&out);
        assert_eq!(recs.len(), 2);
        for r in &recs {
            assert_eq!(r["channel"], "sb", "{version}: {r}");
        }
    }
    for ack in ["U", "D"] {
        let line = format!("C: MSG 2 {ack} 47\nMIME-Version: 1.0\nContent-Type: text/plain\n\n");
        let (_, out, _) = util::run_msnp(&["decode", "--input", "transcript"], line.as_bytes());
        assert_eq!(util::records(&out)[0]["channel"], "sb", "{ack}");
    }
}

/// A routed MSNP18 payload: routing and reliability headers, then the body block.
fn routed(kind: &str, body: &str) -> String {
    format!(
        "Routing: 1.0\nTo: 1:bob@example.com\nFrom: 1:alice@example.com\n\nReliability: 1.0\n\n{kind}\nContent-Length: {}\n\n{body}",
        body.len()
    )
}

fn payload_cmd(dir: &str, head: &str, payload: &str) -> String {
    let wire_len = payload.replace('\n', "\r\n").len();
    format!("{dir}: {head} {wire_len}\n{payload}\n")
}

#[test]
fn uncertain_replies_that_do_not_come_are_info() {
    let mut text = String::from("C: VER 1 MSNP18 CVR0\nS: VER 1 MSNP18\n");
    text += &payload_cmd(
        "C",
        "PUT 2",
        &routed(
            "Publication: 1.0\nContent-Type: application/user+xml",
            "<user/>",
        ),
    );
    text += &payload_cmd(
        "C",
        "SDG 3",
        &routed("Messaging: 2.0\nMessage-Type: Text", "hi"),
    );
    text += &payload_cmd(
        "C",
        "DEL 4",
        &routed(
            "Publication: 1.0\nContent-Type: application/user+xml",
            "<user/>",
        ),
    );
    text += "C: PRP 5 MFN Alice\n";
    let (code, f) = check(&text, &[]);
    assert_eq!(code, 0, "{f:?}");
    let open = of_code(&f, "unanswered_request");
    let levels: Vec<(&str, &str)> = open
        .iter()
        .map(|f| (f["cmd"].as_str().unwrap(), f["level"].as_str().unwrap()))
        .collect();
    // PRP's reply is certain: its absence stays a warning.
    assert_eq!(
        levels,
        [
            ("PUT", "info"),
            ("SDG", "info"),
            ("DEL", "info"),
            ("PRP", "warning")
        ],
        "{f:?}"
    );
}

#[test]
fn hex_switchboard_session_ids_are_noted() {
    let text = "S: RNG 300d871f3f3b930a4fcb68330286c9a 127.0.0.1:1864 CKI 9df1cc1bb20eed3aca8b alice@example.com Alice U messenger.hotmail.com 1\n\
C: ANS 1 bob@example.com;{81CC4BBF-0000-0000-0000-000000000000} 9df1cc1bb20eed3aca8b 300d871f3f3b930a4fcb68330286c9a\n\
S: ANS 1 OK\n\
C: CAL 2 carol@example.com\n\
S: CAL 2 RINGING 300d871f3f3b930a4fcb68330286c9a\n\
S: RNG 11752013 127.0.0.1:1864 CKI 9df1cc1bb20eed3aca8b alice@example.com Alice U messenger.hotmail.com 1\n";
    let (code, f) = check(text, &["--dialect", "MSNP18"]);
    assert_eq!(code, 0, "{f:?}");
    let notes = of_code(&f, "session_id_not_decimal");
    let at: Vec<(&str, u64)> = notes
        .iter()
        .map(|f| (f["cmd"].as_str().unwrap(), f["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(at, [("RNG", 1), ("ANS", 2), ("CAL", 5)], "{f:?}");
    assert!(notes.iter().all(|n| n["level"] == "info"));
    assert!(f.iter().all(|f| f["level"] != "error"), "{f:?}");
}

#[test]
fn a_missing_file_is_named() {
    for cmd in [
        &["decode", "no-such-input.txt"][..],
        &["encode", "no-such-input.txt"],
        &["check", "no-such-input.txt"],
        &["decode", "--input", "pcap", "no-such-input.txt"],
    ] {
        let (code, _, err) = util::run_msnp(cmd, b"");
        assert_eq!(code, 2, "{cmd:?}");
        assert_eq!(
            err.trim_end(),
            "msnp: cannot open no-such-input.txt: No such file or directory",
            "{cmd:?}"
        );
    }
}
