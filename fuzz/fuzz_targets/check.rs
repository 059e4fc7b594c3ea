//! `check`: `msnp check`'s analysis over arbitrary input (transcript text, wire bytes or a
//! capture), with its options picked by the fuzzer.
//!
//! Input: byte 0 picks the input format (auto, wire, transcript, pcap), `--format`
//! (ndjson or text), `--lenient`, a direction for bare lines, a fixed dialect; byte 1 the
//! largest read; the rest is the input. A password and an SSO secret are always given, so the
//! MD5 and MBI verifications run.
//!
//! Checks: no panic; every NDJSON line is a JSON object with a known `level`, a `code`, a
//! `message`, a `line` and an `offset`, and the levels add up to the returned counts; every text
//! line starts with its level; the output is the same whatever the reads return; the number of
//! findings is bounded by the input (a few per byte).
#![no_main]

use libfuzzer_sys::fuzz_target;
use msnp_cli::cmd_check::{CheckArgs, check};
use msnp_fuzz::{ShortReads, cli_args};

const SECRET: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

fn run(input: &[u8], args: &CheckArgs, n: usize) -> (Vec<u8>, [u64; 3]) {
    let mut out = Vec::new();
    let secret = msnp_auth::decode_binary_secret(SECRET).ok();
    let counts = check(ShortReads { rest: input, n }, args, &mut out, secret)
        .expect("checking from memory into memory does not fail");
    (out, counts)
}

fuzz_target!(|data: &[u8]| {
    let [a, b, input @ ..] = data else { return };
    let mut argv = vec![
        "--password",
        "s3cret",
        "--sso-secret",
        SECRET,
        "--color",
        "never",
    ];
    argv.extend([
        "--input",
        ["auto", "wire", "transcript", "pcap"][usize::from(a & 3)],
    ]);
    let text = a & 4 != 0;
    argv.extend(["--format", if text { "text" } else { "ndjson" }]);
    if a & 8 != 0 {
        argv.push("--lenient");
    }
    match (a >> 4) & 3 {
        1 => argv.extend(["--direction", "client"]),
        2 => argv.extend(["--direction", "server"]),
        _ => {}
    }
    match a >> 6 {
        1 => argv.extend(["--dialect", "MSNP8"]),
        2 => argv.extend(["--dialect", "MSNP15"]),
        3 => argv.extend(["--initial-dialect", "MSNP2"]),
        _ => {}
    }
    let args: CheckArgs = cli_args(&argv);
    let (out, counts) = run(input, &args, input.len());
    let total: u64 = counts.iter().sum();
    assert!(
        total <= 4 * input.len() as u64 + 8,
        "{total} findings from {} bytes",
        input.len()
    );
    let text_out = std::str::from_utf8(&out).expect("findings are UTF-8");
    let lines: Vec<&str> = text_out.lines().collect();
    assert_eq!(lines.len() as u64, total, "one line per finding");
    let mut seen = [0u64; 3];
    for l in &lines {
        let level = if text {
            let level = l.split(' ').next().unwrap_or_default();
            level.to_owned()
        } else {
            let v: serde_json::Value = serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("finding {l:?} is not JSON: {e}"));
            assert!(v["code"].is_string() && v["message"].is_string(), "{l}");
            assert!(v["line"].is_u64() && v["offset"].is_u64(), "{l}");
            v["level"].as_str().unwrap_or_default().to_owned()
        };
        match level.as_str() {
            "error" => seen[0] += 1,
            "warning" => seen[1] += 1,
            "info" => seen[2] += 1,
            other => panic!("unknown level {other:?} in {l:?}"),
        }
    }
    assert_eq!(seen, counts, "levels do not add up to the counts");
    for n in [usize::from(*b) + 1, 3] {
        let (again, c) = run(input, &args, n);
        assert_eq!(c, counts, "counts depend on reads of {n} bytes");
        assert_eq!(
            String::from_utf8_lossy(&again),
            String::from_utf8_lossy(&out),
            "findings depend on reads of {n} bytes"
        );
    }
});
