//! `msnp check`: clean on every shared transcript, and each planted defect is found.

mod util;

fn check(text: &str) -> (i32, Vec<serde_json::Value>) {
    check_with(text, &[])
}

fn check_with(text: &str, extra: &[&str]) -> (i32, Vec<serde_json::Value>) {
    let args: Vec<&str> = ["check", "--input", "transcript"]
        .into_iter()
        .chain(extra.iter().copied())
        .collect();
    let (code, out, _) = util::run_msnp(&args, text.as_bytes());
    (code, util::records(&out))
}

fn codes(f: &[serde_json::Value]) -> Vec<&str> {
    f.iter()
        .filter(|f| f["level"] != "info")
        .map(|f| f["code"].as_str().unwrap())
        .collect()
}

fn transcript(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/../msnp-proto/tests/data/transcripts/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn shared_transcripts_are_clean() {
    for n in [2, 5, 8, 9, 11, 12, 13, 14, 15, 18] {
        let (code, findings) = check(&transcript(&format!("msnp{n}.md")));
        assert_eq!(code, 0, "msnp{n}: {findings:?}");
        assert_eq!(codes(&findings), Vec::<&str>::new(), "msnp{n}");
    }
}

#[test]
fn planted_defects_are_found() {
    let good = transcript("msnp12.md");
    // A wrong QRY answer (one hex digit changed).
    let bad = good.replace(
        "64812169fe9717715f03c678fa4ab938",
        "64812169fe9717715f03c678fa4ab939",
    );
    let (code, f) = check(&bad);
    assert_eq!(code, 1);
    assert_eq!(codes(&f), ["qry_wrong_answer"]);
    let qry_line = good
        .lines()
        .position(|l| l.starts_with("C: QRY 12 "))
        .unwrap() as u64
        + 1;
    assert_eq!(
        f.iter().find(|f| f["code"] == "qry_wrong_answer").unwrap()["line"],
        qry_line
    );
    // The server picks a dialect the client did not offer.
    let (code, f) = check(&good.replacen("S: VER 1 MSNP12", "S: VER 1 MSNP13", 1));
    assert_eq!(code, 1);
    assert!(codes(&f).contains(&"ver_not_offered"), "{f:?}");
    // A request nobody answers, and a reply to nothing.
    let (_, f) = check(&good.replace("S: SBP 18 ", "S: SBP 99 "));
    let c = codes(&f);
    assert!(
        c.contains(&"unanswered_request") && c.contains(&"reply_without_request"),
        "{c:?}"
    );
    // TrIDs that go backwards.
    let (_, f) = check(
        &good
            .replace("C: PRP 13 MFN", "C: PRP 3 MFN")
            .replace("S: PRP 13 MFN", "S: PRP 3 MFN"),
    );
    assert!(codes(&f).contains(&"trid_not_increasing"), "{f:?}");
    // A command with arguments that do not fit, and one the dialect does not have.
    let (code, f) = check(
        &good
            .replace("S: QNG 45", "S: QNG soon")
            .replace("C: PNG\n", "C: PNG\nC: ADL 30 0\n"),
    );
    assert_eq!(code, 1);
    let c = codes(&f);
    assert!(
        c.contains(&"bad_arguments") && c.contains(&"not_in_dialect"),
        "{c:?}"
    );
    // A payload document that does not parse (an unclosed element, same length).
    let (_, f) = check(&good.replace(
        "<Data><PSM>Working from home</PSM>",
        "<Data><PSM>Working from home</PSX>",
    ));
    assert!(codes(&f).contains(&"bad_payload"), "{f:?}");
    // A framing error: a payload length that does not match.
    let (code, f) = check(&good.replace("C: UUX 11 70", "C: UUX 11 71"));
    assert_eq!(code, 1);
    assert!(codes(&f).contains(&"length_mismatch"), "{f:?}");
}

#[test]
fn login_secrets_are_verified() {
    let md5 = transcript("msnp2.md");
    // The transcript's password is `s3cret`.
    assert_eq!(
        codes(&check_with(&md5, &["--password", "s3cret"]).1),
        Vec::<&str>::new()
    );
    let (code, f) = check_with(&md5, &["--password", "secret"]);
    assert_eq!(code, 1);
    assert_eq!(codes(&f), ["md5_wrong_hash"]);
    // The MSNP15 blob was made from a secret that is not published: any other secret fails.
    let (code, f) = check_with(
        &transcript("msnp15.md"),
        &["--sso-secret", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"],
    );
    assert_eq!(code, 1);
    assert_eq!(codes(&f), ["sso_wrong_blob"]);
}

fn of_code<'a>(f: &'a [serde_json::Value], code: &str) -> Vec<&'a str> {
    f.iter()
        .filter(|f| f["code"] == code)
        .map(|f| f["message"].as_str().unwrap())
        .collect()
}

#[test]
fn the_servers_ver_choice_is_checked_against_the_offer() {
    let good = transcript("msnp12.md");
    // A name that is no dialect.
    let (code, f) = check(&good.replacen("S: VER 1 MSNP12", "S: VER 1 MSNP24", 1));
    assert_eq!(code, 1);
    assert_eq!(
        of_code(&f, "ver_unknown"),
        [r#"server chose "MSNP24", not a dialect"#]
    );
    // `0`: the server accepts none of them, which is no defect of the exchange.
    let (_, f) = check(&good.replacen("S: VER 1 MSNP12", "S: VER 1 0", 1));
    assert!(of_code(&f, "ver_unknown").is_empty(), "{f:?}");
    assert!(of_code(&f, "ver_not_offered").is_empty(), "{f:?}");
    // Names are read as the negotiation reads them, ignoring case, on both sides.
    let (code, f) = check(
        &good
            .replacen("C: VER 1 MSNP12 MSNP11", "C: VER 1 msnp12 MSNP11", 1)
            .replacen("S: VER 1 MSNP12", "S: VER 1 msnp12", 1),
    );
    assert_eq!(code, 0, "{f:?}");
    assert_eq!(codes(&f), Vec::<&str>::new());
    // The offer is the client's whole list, not its first entry.
    let (code, f) = check(&good.replacen("S: VER 1 MSNP12", "S: VER 1 MSNP10", 1));
    assert!(of_code(&f, "ver_not_offered").is_empty(), "{code} {f:?}");
    let (_, f) = check(&good.replacen("S: VER 1 MSNP12", "S: VER 1 MSNP9", 1));
    assert_eq!(
        of_code(&f, "ver_not_offered"),
        ["server chose MSNP9, which the client did not offer"]
    );
}

#[test]
fn msg_ack_modes_decide_which_messages_await_a_reply() {
    let good = transcript("msnp12.md");
    // Without its ACK only `MSG 4 A` is left open: `U` is never acknowledged, `N` only on
    // failure.
    let (_, f) = check(&good.replacen("S: ACK 4\n", "", 1));
    assert_eq!(of_code(&f, "unanswered_request"), ["MSG 4 got no reply"]);
    // `N` answered by nothing stays unflagged; `D` (MSNP9+) awaits its ACK like `A`.
    let (_, f) = check(&good.replacen("C: MSG 4 A 153", "C: MSG 4 D 153", 1));
    assert!(of_code(&f, "unanswered_request").is_empty(), "{f:?}");
    let (_, f) = check(
        &good
            .replacen("C: MSG 4 A 153", "C: MSG 4 D 153", 1)
            .replacen("S: ACK 4\n", "", 1),
    );
    assert_eq!(of_code(&f, "unanswered_request"), ["MSG 4 got no reply"]);
    // A mode that is none of U, N, A, D is malformed; a server answers it with an error,
    // so it awaits a reply like any malformed command.
    let (code, f) = check(&good.replacen("C: MSG 3 U 90", "C: MSG 3 X 90", 1));
    assert_eq!(code, 1);
    assert!(codes(&f).contains(&"bad_arguments"), "{f:?}");
    assert_eq!(of_code(&f, "unanswered_request"), ["MSG 3 got no reply"]);
}

#[test]
fn login_secrets_are_checked_against_the_servers_challenge() {
    // The hash is checked against the salt of the server's `USR MD5 S`.
    let md5 = transcript("msnp2.md");
    let (code, f) = check_with(
        &md5.replacen(
            "S: USR 6 MD5 S 939912345.12345",
            "S: USR 6 MD5 S 939912345.99999",
            1,
        ),
        &["--password", "s3cret"],
    );
    assert_eq!(code, 1);
    let wrong = of_code(&f, "md5_wrong_hash");
    assert_eq!(wrong.len(), 1, "{f:?}");
    assert!(
        wrong[0].starts_with(
            "USR MD5 hash 5f6f22edbfde8b0c814c1ee1438ba7a3 for salt 939912345.99999 should be "
        ),
        "{wrong:?}"
    );
    // Without the password nothing is checked.
    let (code, f) = check(&md5.replacen("939912345.12345", "939912345.99999", 1));
    assert_eq!(code, 0, "{f:?}");
    // An MBI blob that is not one: the response argument, not the ticket, is read.
    let sso = transcript("msnp15.md");
    let blob = sso
        .lines()
        .find(|l| l.starts_with("C: USR 7 SSO S "))
        .and_then(|l| l.split(' ').nth(6))
        .unwrap()
        .to_owned();
    let (code, f) = check_with(
        &sso.replacen(&blob, "AAAA", 1),
        &["--sso-secret", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"],
    );
    assert_eq!(code, 1);
    assert_eq!(codes(&f), ["sso_bad_blob"]);
}

#[test]
fn qry_is_checked_against_the_last_challenge_and_its_product() {
    let good = transcript("msnp12.md");
    // Another challenge: the same answer is now wrong, and the message names the challenge.
    let (code, f) = check(&good.replacen(
        "S: CHL 0 22210219642164014968",
        "S: CHL 0 22210219642164014969",
        1,
    ));
    assert_eq!(code, 1);
    let wrong = of_code(&f, "qry_wrong_answer");
    assert_eq!(wrong.len(), 1, "{f:?}");
    assert!(
        wrong[0].starts_with(
            "QRY answer 64812169fe9717715f03c678fa4ab938 to challenge 22210219642164014969 should be "
        ),
        "{wrong:?}"
    );
    // A product whose key is not known cannot be verified: a note, not an error.
    let (code, f) = check(&good.replacen(
        "C: QRY 12 PROD0101{0RM?UBW 32",
        "C: QRY 12 PROD9999XXXXXXXX 32",
        1,
    ));
    assert_eq!(code, 0, "{f:?}");
    assert_eq!(
        of_code(&f, "qry_unverifiable"),
        ["product ID PROD9999XXXXXXXX has no known key"]
    );
}

#[test]
fn session_ids_with_leading_zeros_are_noted_on_their_own_commands() {
    let good = transcript("msnp12.md");
    let (code, f) = check(
        &good
            .replacen("S: CAL 2 RINGING 11752013", "S: CAL 2 RINGING 011752013", 1)
            .replace("11752099", "011752099"),
    );
    assert_eq!(code, 0, "{f:?}");
    let notes: Vec<(&str, &str)> = f
        .iter()
        .filter(|f| f["code"] == "session_id_not_decimal")
        .map(|f| (f["cmd"].as_str().unwrap(), f["dir"].as_str().unwrap()))
        .collect();
    // The server's CAL reply, the RNG that offers the session and the client's ANS.
    assert_eq!(notes, [("CAL", "S"), ("RNG", "S"), ("ANS", "C")], "{f:?}");
}

/// `--max-pending`: a client's requests are remembered up to the bound per connection, so
/// memory stays bounded. An older one is forgotten, and reported unanswered then if it still
/// awaited a reply; a TrID sent again keeps its newer request; a reply to a forgotten request
/// says it looked only among the last ones.
#[test]
fn requests_are_remembered_up_to_max_pending() {
    let mut wire = String::new();
    for t in [1, 2, 3, 2, 4, 5] {
        wire.push_str(&format!("CHG {t} NLN 0\r\n"));
    }
    let args = [
        "check",
        "--input",
        "wire",
        "--direction",
        "client",
        "--dialect",
        "MSNP12",
    ];
    let run = |extra: &[&str]| {
        let args: Vec<&str> = args.iter().chain(extra).copied().collect();
        let (code, out, _) = util::run_msnp(&args, wire.as_bytes());
        (code, util::records(&out))
    };
    let unanswered = |f: &[serde_json::Value]| -> Vec<(u64, String)> {
        f.iter()
            .filter(|f| f["code"] == "unanswered_request")
            .map(|f| {
                let m = f["message"].as_str().unwrap();
                (f["offset"].as_u64().unwrap(), m.to_owned())
            })
            .collect()
    };
    // Unbounded enough: every request is reported at the end, in order. TrID 2 sent again is
    // reported once for its first sending (duplicate_trid) and once unanswered, for the newer.
    let (_, all) = run(&[]);
    let at = |i: u64| i * 13; // every line is 13 bytes
    assert_eq!(
        unanswered(&all),
        [1, 3, 2, 4, 5]
            .iter()
            .zip([0, 2, 3, 4, 5])
            .map(|(t, i)| (at(i), format!("CHG {t} got no reply")))
            .collect::<Vec<_>>()
    );
    // Three remembered: TrID 1 is forgotten when TrID 3 comes (its second sending is 4th),
    // then the first sending of 2 is skipped as stale, and TrID 3 goes when 4 comes.
    let (_, few) = run(&["--max-pending", "3"]);
    let within = |t: u32, i: u64| {
        (
            at(i),
            format!("CHG {t} got no reply within the next 3 requests"),
        )
    };
    let end = |t: u32, i: u64| (at(i), format!("CHG {t} got no reply"));
    assert_eq!(
        unanswered(&few),
        [within(1, 0), within(3, 2), end(2, 3), end(4, 4), end(5, 5)]
    );
    // A reply to a forgotten request.
    let (_, out, _) = util::run_msnp(
        &["check", "--input", "transcript", "--max-pending", "1"],
        b"C: CHG 1 NLN 0\nC: CHG 2 NLN 0\nS: CHG 1 NLN 0\nS: CHG 2 NLN 0\n",
    );
    let f = util::records(&out);
    let reply = f
        .iter()
        .find(|f| f["code"] == "reply_without_request")
        .unwrap();
    assert_eq!(
        reply["message"],
        "no client command with TrID 1 among the last 1 on this connection"
    );
    assert_eq!(
        f.iter()
            .filter(|f| f["code"] == "unanswered_request")
            .count(),
        1
    );
    // Zero is no bound.
    let (code, _, err) = util::run_msnp(&["check", "--max-pending", "0"], b"");
    assert_eq!(code, 2, "{err}");
}

/// `--max-connections`: the state of the most recently used connections is remembered; making
/// room closes the one left longest ago, whose waiting requests are reported then (with its
/// connection), and a connection that comes back starts afresh.
#[test]
fn connections_are_remembered_up_to_max_connections() {
    let text = "# --- connection 1: a ---\nC: CHG 1 NLN 0\n\
                # --- connection 2: b ---\nC: CHG 1 NLN 0\n\
                # --- connection 1: a ---\nC: CHG 2 NLN 0\n\
                # --- connection 3: c ---\nC: CHG 1 NLN 0\n\
                # --- connection 2: b ---\nS: CHG 1 NLN 0\n";
    let unanswered = |extra: &[&str]| {
        let (_, f) = check_with(text, extra);
        f.iter()
            .filter(|f| f["code"] != "error_reply")
            .map(|f| {
                let c = f["connection"].as_u64().unwrap();
                format!(
                    "{} #{c} {}",
                    f["code"].as_str().unwrap(),
                    f["message"].as_str().unwrap()
                )
            })
            .collect::<Vec<_>>()
    };
    // Remembering all: connection 2's request is answered, 1's two and 3's one are not.
    assert_eq!(
        unanswered(&[]),
        [
            "unanswered_request #1 CHG 1 got no reply",
            "unanswered_request #1 CHG 2 got no reply",
            "unanswered_request #3 CHG 1 got no reply",
        ]
    );
    // Two: connection 3 closes connection 2 (left longest ago: 1 was used again), so 2's
    // reply comes to a fresh connection that saw no request (no finding: it saw no client).
    assert_eq!(
        unanswered(&["--max-connections", "2"]),
        [
            "unanswered_request #2 CHG 1 got no reply",
            "unanswered_request #1 CHG 1 got no reply",
            "unanswered_request #1 CHG 2 got no reply",
            "unanswered_request #3 CHG 1 got no reply",
        ]
    );
    // One request remembered in all: each is forgotten at the next, and reported with its
    // own connection; the reply on connection 2 then finds nothing among the last one.
    assert_eq!(
        unanswered(&["--max-pending", "1"]),
        [
            "unanswered_request #1 CHG 1 got no reply within the next 1 requests",
            "unanswered_request #2 CHG 1 got no reply within the next 1 requests",
            "unanswered_request #1 CHG 2 got no reply within the next 1 requests",
            "reply_without_request #2 no client command with TrID 1 among the last 1 on this connection",
            "unanswered_request #3 CHG 1 got no reply",
        ]
    );
    let (code, _, err) = util::run_msnp(&["check", "--max-connections", "0"], b"");
    assert_eq!(code, 2, "{err}");
}
