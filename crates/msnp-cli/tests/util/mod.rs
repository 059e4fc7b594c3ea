//! Helpers shared by the CLI integration tests: the shared transcripts, and running the binary
//! with standard input fed from another thread (so a large output cannot deadlock the pipe).

#![allow(dead_code, unreachable_pub)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// The `msnp` binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_msnp");

/// Every shared transcript, `(file name, path)`, sorted.
pub fn transcripts() -> Vec<(String, PathBuf)> {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../msnp-proto/tests/data/transcripts"
    );
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .expect("transcript dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .map(|p| {
            (
                p.file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned(),
                p,
            )
        })
        .collect();
    v.sort();
    assert!(
        v.len() >= 10,
        "expected the shared transcripts, found {}",
        v.len()
    );
    v
}

/// One shared transcript by file name (`msnp12.md`): its path and text.
pub fn transcript(name: &str) -> (PathBuf, String) {
    let path = transcripts()
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, p)| p)
        .expect("a shared transcript");
    let text = std::fs::read_to_string(&path).expect("transcript text");
    (path, text)
}

/// Runs `msnp ARGS` with `stdin`; returns exit code, stdout, stderr.
pub fn run_msnp(args: &[&str], stdin: &[u8]) -> (i32, Vec<u8>, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn msnp");
    let mut input = child.stdin.take().expect("stdin");
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().expect("wait");
    writer.join().expect("writer thread");
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// NDJSON output as values.
pub fn records(stdout: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8(stdout.to_vec())
        .expect("UTF-8 output")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect()
}
