//! `msnp decode` and `msnp check` format and analyse commands on every core in batches: the
//! output must be the same, byte for byte, as with one thread, and the same from a file (read in
//! full blocks, batches pipelined) as from a pipe (short reads, drained before each).

mod util;

use std::process::Command;

/// A transcript of many copies of the MSNP12 session with defects of every kind planted (typed,
/// payload, framing, history): far more commands than one batch.
fn big_transcript() -> (String, usize) {
    let (_, good) = util::transcript("msnp12.md");
    let bad = good
        .replace("S: QNG 45", "S: QNG soon")
        .replace(
            "<Data><PSM>Working from home</PSM>",
            "<Data><PSM>Working from home</PSX>",
        )
        .replace("S: UBX carol@msn.com 110", "S: UBX carol@msn.com 111")
        .replace("S: SBP 18 ", "S: SBP 99 ");
    let copies = 300;
    let commands = bad
        .lines()
        .filter(|l| l.starts_with("C: ") || l.starts_with("S: "))
        .count();
    (bad.repeat(copies), commands * copies)
}

fn run(args: &[&str], threads: &str) -> (Option<i32>, Vec<u8>) {
    let out = Command::new(util::BIN)
        .args(args)
        .env("MSNP_THREADS", threads)
        .output()
        .expect("run msnp");
    (out.status.code(), out.stdout)
}

#[test]
fn parallel_output_is_the_sequential_output() {
    let (text, commands) = big_transcript();
    assert!(commands > 20_000, "{commands}");
    let dir = std::env::temp_dir().join(format!("msnp-parallel-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("big.txt");
    std::fs::write(&file, &text).unwrap();
    let path = file.to_str().unwrap();
    for mode in ["decode", "check"] {
        let args = [mode, "--input", "transcript", path];
        let (code1, one) = run(&args, "1");
        let (code3, three) = run(&args, "3");
        assert_eq!(code1, code3, "{mode}");
        assert!(one == three, "{mode}: parallel output differs");
        let (_, piped, _) = util::run_msnp(&[mode, "--input", "transcript"], text.as_bytes());
        assert!(piped == one, "{mode}: piped output differs");
        let records = util::records(&one);
        match mode {
            "decode" => {
                // One record per command, the framing errors among them, in input order.
                let errors = records.iter().filter(|r| r.get("error").is_some()).count();
                assert!(errors >= 300, "{errors}");
                assert!(records.len() >= commands - 300, "{}", records.len());
            }
            _ => {
                for code in [
                    "bad_arguments",
                    "bad_payload",
                    "length_mismatch",
                    "reply_without_request",
                ] {
                    let n = records.iter().filter(|r| r["code"] == code).count();
                    assert!(n >= 300, "{code}: {n}");
                }
                // Findings come in input order within each connection's line numbers.
                let lines: Vec<u64> = records
                    .iter()
                    .filter(|r| r["code"] != "unanswered_request")
                    .map(|r| r["line"].as_u64().unwrap())
                    .collect();
                assert!(lines.windows(2).all(|w| w[0] <= w[1]), "out of order");
            }
        }
    }
    // `--stats` counts the typed errors found on the other cores.
    let stats = |threads: &str| {
        let out = Command::new(util::BIN)
            .args(["decode", "--stats", "--input", "transcript", path])
            .env("MSNP_THREADS", threads)
            .output()
            .expect("run msnp");
        let v: serde_json::Value = serde_json::from_slice(&out.stderr).expect("stats JSON");
        let keep = [
            "commands",
            "errors",
            "error_kinds",
            "by_verb",
            "by_direction",
        ];
        keep.map(|k| v[k].clone())
    };
    let one = stats("1");
    assert_eq!(one, stats("3"));
    assert!(one[2]["bad_arg"].as_u64() >= Some(300), "{:?}", one[2]);
    std::fs::remove_dir_all(&dir).unwrap();
}
