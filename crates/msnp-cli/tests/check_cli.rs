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
