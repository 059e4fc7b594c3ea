//! `--format text` of `msnp decode` and `msnp check`, colour control, shell completions, the man
//! page and per-subcommand option help.

mod common;
mod util;

use common::{Damage, Format, Link, build, transcript_commands, write};

fn text(out: &[u8]) -> String {
    String::from_utf8(out.to_vec()).expect("UTF-8 output")
}

/// Runs `msnp` with extra environment variables.
fn run_env(args: &[&str], stdin: &[u8], env: &[(&str, &str)]) -> (i32, String) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut cmd = Command::new(util::BIN);
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env_remove("NO_COLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn msnp");
    let mut input = child.stdin.take().expect("stdin");
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().expect("wait");
    writer.join().expect("writer thread");
    (out.status.code().unwrap_or(-1), text(&out.stdout))
}

/// Checks text lines against the NDJSON records of the same input: one line per command (its
/// arrow, dialect and verb), then an error line when the command is flagged; one line per
/// framing error.
fn assert_lines_match(name: &str, json: &[serde_json::Value], lines: &[&str]) {
    let mut i = 0;
    for rec in json {
        let line = lines
            .get(i)
            .unwrap_or_else(|| panic!("{name}: too few lines"));
        i += 1;
        if let Some(err) = rec.get("error").filter(|_| rec.get("cmd").is_none()) {
            let want = format!(
                " error {} {}:{} ",
                err["kind"].as_str().unwrap(),
                err["line"],
                err["offset"]
            );
            assert!(line.contains(&want), "{name}: {line:?} lacks {want:?}");
            continue;
        }
        let arrow = match rec["dir"].as_str() {
            Some("C") => "C→S",
            Some("S") => "S→C",
            _ => "?→?",
        };
        let mut want = format!(
            "{arrow} {}/{} {}",
            rec["dialect"].as_str().unwrap(),
            rec["channel"].as_str().unwrap(),
            rec["cmd"].as_str().unwrap()
        );
        if let Some(t) = rec["trid"].as_u64() {
            want.push_str(&format!(" {t}"));
        }
        assert!(line.starts_with('#'), "{name}: {line:?}");
        assert!(line.contains(&want), "{name}: {line:?} lacks {want:?}");
        assert_eq!(
            rec["payload"].is_null(),
            !line.contains(" | "),
            "{name}: {line:?}"
        );
        if let Some(e) = rec.get("error") {
            let next = lines
                .get(i)
                .unwrap_or_else(|| panic!("{name}: no error line"));
            i += 1;
            let want = format!(" error {} ", e["kind"].as_str().unwrap());
            assert!(next.contains(&want), "{name}: {next:?} lacks {want:?}");
        }
    }
    assert_eq!(i, lines.len(), "{name}: extra lines");
}

#[test]
fn every_shared_transcript_gives_a_line_per_command() {
    for (name, path) in util::transcripts() {
        let path = path.to_str().unwrap();
        let (jcode, jout, _) = util::run_msnp(&["decode", path], b"");
        let (tcode, tout, _) = util::run_msnp(&["decode", "--format", "text", path], b"");
        assert_eq!(jcode, tcode, "{name}");
        let json = util::records(&jout);
        let out = text(&tout);
        let lines: Vec<&str> = out.lines().collect();
        assert!(json.len() > 10, "{name}");
        assert_lines_match(&name, &json, &lines);
        assert!(!out.contains('\x1b'), "{name}: colour in a pipe");
    }
}

#[test]
fn known_lines_show_typed_fields_and_payload_summaries() {
    let (path, _) = util::transcript("msnp12.md");
    let (_, out, _) = util::run_msnp(&["decode", "--format", "text", path.to_str().unwrap()], b"");
    let out = text(&out);
    for want in [
        "#1 C→S MSNP12/ns VER 1 versions=MSNP12,MSNP11,MSNP10,CVR0\n",
        "#2 S→C MSNP12/ns UBX handle=bob@hotmail.com | PSM=\"Back from holiday & busy\"\n",
        "#2 S→C MSNP12/ns ILN 10 status=AWY handle=carol@msn.com friendly_name=Carol capabilities=1073741860\n",
        "#2 C→S MSNP12/ns PRP 13 property=MFN value=\"Alice (home)\"\n",
        "#2 S→C MSNP12/ns 215 14 code=215 name=ERR_ALREADY_THERE",
        "#2 S→C MSNP12/ns MSG sender=Hotmail sender_name=Hotmail | text/x-msmsgsprofile 508 bytes\n",
    ] {
        assert!(out.contains(want), "missing {want:?} in\n{out}");
    }
    let (path, _) = util::transcript("msnp18.md");
    let (_, out, _) = util::run_msnp(&["decode", "--format", "text", path.to_str().unwrap()], b"");
    let out = text(&out);
    for want in [
        "#3 C→S MSNP18/sb MSG 4 ack_mode=A | text/plain \"Did the build pass? ✅\"\n",
        "#3 S→C MSNP18/sb MSG sender=bob@hotmail.com sender_name=Bob | text/plain \"All green.\"\n",
        "#3 C→S MSNP18/sb MSG 3 ack_mode=U | text/x-msmsgscontrol user=alice@hotmail.com\n",
        "#2 C→S MSNP18/ns UUX 11 | <PrivateEndpointData> EpName=\"ALICE-LAPTOP\"\n",
        "#2 C→S MSNP18/ns ADL 9 | <ml> 136 bytes\n",
    ] {
        assert!(out.contains(want), "missing {want:?} in\n{out}");
    }
}

#[test]
fn errors_stand_in_place_on_their_own_lines() {
    let input = "C: VER 1 MSNP8\r\nC: MSG 2 A 5\r\nab\r\nS: CHG 3\r\nC: OUT\r\n";
    let (code, out, _) = util::run_msnp(&["decode", "--format", "text"], input.as_bytes());
    assert_eq!(code, 1);
    let out = text(&out);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        [
            "#- C→S MSNP8/ns VER 1 versions=MSNP8",
            "#- error length_mismatch 2:16 MSG: payload length mismatch: declared 5 bytes, lines give 4",
            "#- S→C MSNP8/ns CHG 3",
            "#- error arg_count CHG: expected 1..=2 arguments, got 0",
            "#- C→S MSNP8/ns OUT",
        ]
    );
}

#[test]
fn control_characters_never_reach_the_terminal() {
    // A friendly name that URL-decodes to an escape sequence.
    let input = "S: ILN 9 NLN bob@hotmail.com %1B[31mBob%07 0\r\n";
    let (_, out) = run_env(
        &[
            "decode",
            "--format",
            "text",
            "--dialect",
            "MSNP8",
            "--color",
            "never",
        ],
        input.as_bytes(),
        &[],
    );
    assert!(!out.contains('\x1b') && !out.contains('\x07'), "{out:?}");
    assert!(
        out.contains("friendly_name=\\u{1b}[31mBob\\u{7}"),
        "{out:?}"
    );
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let (path, _) = util::transcript("msnp9.md");
    let path = path.to_str().unwrap();
    let base = ["decode", "--format", "text", path];
    // Piped: auto means none, with or without NO_COLOR.
    let (_, piped) = run_env(&base, b"", &[]);
    assert!(!piped.contains('\x1b'));
    let (_, no_color) = run_env(
        &[&base[..], &["--color", "auto"]].concat(),
        b"",
        &[("NO_COLOR", "1")],
    );
    assert!(!no_color.contains('\x1b'));
    let (_, never) = run_env(&[&base[..], &["--color", "never"]].concat(), b"", &[]);
    assert_eq!(never, piped);
    // Always: escape codes, even with NO_COLOR (the command line wins), and the same text under them.
    let (_, always) = run_env(
        &[&base[..], &["--color", "always"]].concat(),
        b"",
        &[("NO_COLOR", "1")],
    );
    assert!(always.contains("\x1b[1mVER\x1b[0m"), "{always}");
    assert!(always.contains("\x1b[36mC→S\x1b[0m"), "{always}");
    assert_eq!(strip_ansi(&always), piped);
}

/// Removes `ESC [ … m` sequences.
fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for d in chars.by_ref() {
                if d == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn decode_text_reads_a_capture() {
    let (_, t) = util::transcript("msnp15.md");
    let packets = build(&transcript_commands(&t), Link::Ethernet, &Damage::default());
    let pcap = write(
        &packets,
        Link::Ethernet,
        Format::Pcap {
            big_endian: false,
            nanos: false,
        },
    );
    let (_, jout, _) = util::run_msnp(&["decode"], &pcap);
    let (_, tout, _) = util::run_msnp(&["decode", "--format", "text"], &pcap);
    let json = util::records(&jout);
    let out = text(&tout);
    assert!(json.len() > 10);
    assert_lines_match("msnp15 pcap", &json, &out.lines().collect::<Vec<_>>());
}

#[test]
fn check_text_prints_level_code_position_message() {
    let (_, good) = util::transcript("msnp12.md");
    let (code, out) = run_env(
        &["check", "--input", "transcript", "--format", "text"],
        good.as_bytes(),
        &[],
    );
    assert_eq!(code, 0);
    assert!(out.lines().all(|l| l.starts_with("info ")), "{out}");
    let bad = good.replace(
        "64812169fe9717715f03c678fa4ab938",
        "64812169fe9717715f03c678fa4ab939",
    );
    let qry_line = good
        .lines()
        .position(|l| l.starts_with("C: QRY 12 "))
        .unwrap()
        + 1;
    let (code, out) = run_env(
        &["check", "--input", "transcript", "--format", "text"],
        bad.as_bytes(),
        &[],
    );
    assert_eq!(code, 1);
    let line = out
        .lines()
        .find(|l| l.starts_with("error "))
        .unwrap_or_else(|| panic!("no error line in {out}"));
    let prefix = format!("error qry_wrong_answer {qry_line}:");
    assert!(line.starts_with(&prefix), "{line}");
    assert!(
        line.ends_with(" should be 64812169fe9717715f03c678fa4ab938 (#2 C→S QRY)"),
        "{line}"
    );
    // As many lines as NDJSON findings.
    let (_, json, _) = util::run_msnp(&["check", "--input", "transcript"], bad.as_bytes());
    assert_eq!(util::records(&json).len(), out.lines().count());
    let (_, coloured) = run_env(
        &[
            "check",
            "--input",
            "transcript",
            "--format",
            "text",
            "--color",
            "always",
        ],
        bad.as_bytes(),
        &[],
    );
    assert!(coloured.contains("\x1b[1;31merror\x1b[0m"), "{coloured}");
}

#[test]
fn completions_for_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let (code, out, err) = util::run_msnp(&["completions", shell], b"");
        assert_eq!(code, 0, "{shell}: {err}");
        let out = text(&out);
        assert!(out.len() > 500, "{shell}: {out}");
        assert!(out.contains("decode") && out.contains("check"), "{shell}");
        assert!(out.contains("--format"), "{shell}");
    }
}

#[test]
fn man_page_is_roff() {
    let (code, out, _) = util::run_msnp(&["man"], b"");
    assert_eq!(code, 0);
    let out = text(&out);
    assert!(out.starts_with('.'), "{out}");
    assert!(out.contains(".TH msnp 1"), "{out}");
    assert!(out.contains(".SH NAME"), "{out}");
    assert!(out.contains("decode"), "{out}");
}

#[test]
fn each_subcommand_describes_its_own_options() {
    let (_, decode, _) = util::run_msnp(&["decode", "--help"], b"");
    let decode = text(&decode);
    assert!(decode.contains("--stats"));
    assert!(decode.contains("one JSON object per command"));
    let (_, check, _) = util::run_msnp(&["check", "--help"], b"");
    let check = text(&check);
    assert!(!check.contains("--stats"), "{check}");
    assert!(!check.contains("throughput"), "{check}");
    assert!(check.contains("one JSON object per finding"), "{check}");
    assert!(check.contains("--password"));
    // Hidden in check, and refused rather than ignored.
    let (code, _, err) = util::run_msnp(&["check", "--stats"], b"");
    assert_eq!(code, 2);
    assert!(err.contains("--stats"), "{err}");
}

#[test]
fn decode_text_reads_the_captures_of_the_test_data() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/pcap");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).expect("pcap dir") {
        let path = entry.expect("entry").path();
        let name = path.display().to_string();
        let (jcode, jout, _) = util::run_msnp(&["decode", &name], b"");
        let (tcode, tout, _) = util::run_msnp(&["decode", "--format", "text", &name], b"");
        assert_eq!(jcode, tcode, "{name}");
        let json = util::records(&jout);
        assert!(json.len() > 10, "{name}");
        let out = text(&tout);
        assert_lines_match(&name, &json, &out.lines().collect::<Vec<_>>());
        seen += 1;
    }
    assert!(seen >= 2);
}
