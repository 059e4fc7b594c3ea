//! `msnp replay` end to end: every shared transcript's client lines come back from the client
//! machines, and a server line the client would answer otherwise makes it stop with both lines.

use msnp_proto::negotiation::DialectTracker;
use msnp_proto::stream::{TranscriptItem, TranscriptStream};
use msnp_proto::{Direction, ProtocolVersion};

mod util;

/// The credentials each transcript's comments give.
fn credentials(name: &str) -> Vec<&'static str> {
    match name {
        // "password 's3cret'" (the MD5 era); the others' tickets are in their USR … S lines.
        "msnp2.md" | "msnp5.md" => vec!["--password", "s3cret"],
        _ => vec![],
    }
}

/// The client lines of a transcript, as text.
fn client_lines(text: &str) -> Vec<String> {
    TranscriptStream::new(text, DialectTracker::new(ProtocolVersion::Msnp8))
        .filter_map(|item| match item {
            TranscriptItem::Command(c) if c.direction == Some(Direction::ClientToServer) => {
                Some(String::from_utf8_lossy(c.command.frame()).into_owned())
            }
            TranscriptItem::Error { error, .. } => panic!("unreadable: {error}"),
            _ => None,
        })
        .collect()
}

fn replay(args: &[&str], stdin: &str) -> (i32, String, String) {
    let all: Vec<&str> = ["replay"].into_iter().chain(args.iter().copied()).collect();
    let (code, out, err) = util::run_msnp(&all, stdin.as_bytes());
    (code, String::from_utf8(out).expect("UTF-8 output"), err)
}

/// `USR 7 SSO S ticket blob …` without its blob (the token's secret is not in the transcripts).
fn without_blob(line: &str) -> String {
    let mut w: Vec<&str> = line.split(' ').collect();
    if w.len() > 5 && w[0] == "USR" && w[2] == "SSO" && w[3] == "S" {
        w.remove(5);
    }
    w.join(" ")
}

#[test]
fn every_shared_transcript_replays() {
    for (name, path) in util::transcripts() {
        let text = std::fs::read_to_string(&path).unwrap();
        let mut args = credentials(&name);
        let p = path.to_str().unwrap();
        args.push(p);
        let (code, out, err) = replay(&args, "");
        assert_eq!(code, 0, "{name}: {err}");
        assert!(err.is_empty(), "{name}: {err}");
        let want = client_lines(&text);
        let got = client_lines(&out);
        assert_eq!(got.len(), want.len(), "{name}");
        let sso = ["msnp15.md", "msnp18.md"].contains(&name.as_str());
        for (g, w) in got.iter().zip(&want) {
            if sso {
                assert_eq!(without_blob(g), without_blob(w), "{name}");
            } else {
                assert_eq!(g, w, "{name}");
            }
        }
        if sso {
            // Only the SSO line differs, and the output says why.
            assert_eq!(got.iter().zip(&want).filter(|(g, w)| g != w).count(), 1);
            assert!(out.contains("# the MBI blob differs only in what the token's secret"));
        } else {
            assert_eq!(got, want, "{name}");
        }
        // The events come as comments.
        assert!(out.contains("# logged in as alice@hotmail.com"), "{name}");
        assert!(
            out.contains("# the notification session takes over"),
            "{name}"
        );
        assert!(out.contains("# switchboard ready"), "{name}");
    }
}

#[test]
fn events_describe_the_session() {
    let (path, _) = util::transcript("msnp8.md");
    let (code, out, err) = replay(&[path.to_str().unwrap()], "");
    assert_eq!(code, 0, "{err}");
    for want in [
        "# ticket needed: Passport 1.4",
        "# reconnect to 198.51.100.21:1863",
        "# roster synced: 3 contacts, 2 groups",
        "# challenge accepted",
        "# invitation from ",
        "# delivered ",
    ] {
        assert!(out.contains(want), "{want} missing from\n{out}");
    }
}

#[test]
fn msnp13_list_changes_are_session_requests() {
    let (path, _) = util::transcript("msnp14.md");
    let (code, out, err) = replay(&[path.to_str().unwrap()], "");
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("# done 15: AddToLists { contact: \"dave@yahoo.com\""),
        "{out}"
    );
}

#[test]
fn reads_standard_input() {
    let (_, text) = util::transcript("msnp12.md");
    let (code, out, err) = replay(&[], &text);
    assert_eq!(code, 0, "{err}");
    assert_eq!(client_lines(&out), client_lines(&text));
}

#[test]
fn a_wrong_server_line_stops_the_replay_with_both_lines() {
    let (_, text) = util::transcript("msnp8.md");
    // The server's challenge changes: the client's QRY answer no longer matches the transcript's.
    let chl = text
        .lines()
        .find(|l| l.starts_with("S: CHL 0 "))
        .expect("a CHL line");
    let qry = text
        .lines()
        .find(|l| l.starts_with("C: QRY "))
        .expect("a QRY line");
    let bad = text.replace(chl, "S: CHL 0 99999999999999999999");
    let (code, out, err) = replay(&[], &bad);
    assert_eq!(code, 1, "{err}");
    let expected = err
        .lines()
        .find_map(|l| l.trim().strip_prefix("expected: "))
        .expect("the expected line");
    let produced = err
        .lines()
        .find_map(|l| l.trim().strip_prefix("produced: "))
        .expect("the produced line");
    // The transcript's QRY (with its payload) against the client's own.
    let qry = qry.strip_prefix("C: ").unwrap();
    assert!(expected.starts_with(qry), "{err}");
    assert!(produced.starts_with(&qry[..qry.len() - 2]), "{err}");
    assert_ne!(expected, produced);
    let line = bad.lines().position(|l| l == format!("C: {qry}")).unwrap() + 1;
    assert!(err.contains(&format!("line {line}:")), "{err}");
    // The output goes up to the produced line.
    let last = client_lines(&out).pop().unwrap();
    assert!(last.starts_with("QRY "), "{out}");
}

#[test]
fn credentials_decide_the_login_lines() {
    let (path, _) = util::transcript("msnp2.md");
    let p = path.to_str().unwrap();
    // A wrong password: another MD5 response.
    let (code, _, err) = replay(&["--password", "wrong", p], "");
    assert_eq!(code, 1);
    assert!(
        err.contains("expected: USR 7 MD5 S 5f6f22edbfde8b0c814c1ee1438ba7a3"),
        "{err}"
    );
    assert!(err.contains("produced: USR 7 MD5 S "), "{err}");
    // No password: the login cannot answer at all.
    let (code, _, err) = replay(&[p], "");
    assert_eq!(code, 1);
    assert!(err.contains("produced: (nothing)"), "{err}");
    // --ticket replaces the transcript's ticket.
    let (path, _) = util::transcript("msnp11.md");
    let (code, _, err) = replay(&["--ticket", "t=other&p=x", path.to_str().unwrap()], "");
    assert_eq!(code, 1);
    assert!(err.contains("produced: USR 7 TWN S t=other&p=x"), "{err}");
}

#[test]
fn sso_options() {
    let (path, text) = util::transcript("msnp15.md");
    let p = path.to_str().unwrap();
    // An IV other than the transcript's blob's: the blob's shape no longer matches.
    let (code, _, err) = replay(&["--sso-iv", "0001020304050607", p], "");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("expected: USR 7 SSO S "), "{err}");
    // With a secret the blob is compared byte for byte (and this one is not the transcript's).
    let (code, _, err) = replay(&["--sso-secret", "c2VjcmV0c2VjcmV0c2VjcmV0", p], "");
    assert_eq!(code, 1, "{err}");
    // Unusable options.
    let (code, _, err) = replay(&["--sso-iv", "xyz", p], "");
    assert_eq!(code, 2);
    assert!(err.contains("--sso-iv"), "{err}");
    let (code, _, err) = replay(&["--sso-secret", "!!", p], &text);
    assert_eq!(code, 2);
    assert!(err.contains("--sso-secret"), "{err}");
}

#[test]
fn commands_the_session_does_not_model_take_its_trids() {
    let (_, text) = util::transcript("msnp5.md");
    // The transcript's client numbers its URL 40: the session's next TrID is 11.
    assert!(text.contains("C: URL 11 INBOX"));
    let bad = text.replace("C: URL 11 INBOX", "C: URL 40 INBOX");
    let (code, out, err) = replay(&["--password", "s3cret"], &bad);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("expected: URL 40 INBOX"), "{err}");
    assert!(err.contains("produced: URL 11 INBOX"), "{err}");
    assert!(out.ends_with("C: URL 11 INBOX\n"), "{out}");
}
