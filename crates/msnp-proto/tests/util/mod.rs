//! Helpers shared by the integration tests.

#![allow(dead_code, unreachable_pub)]

/// Every shared transcript (copied into `tests/data/transcripts`), `(file name, text)`, sorted.
pub fn transcripts() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/transcripts");
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .expect("transcript dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .map(|p| {
            let name = p
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let text = std::fs::read_to_string(&p).expect("transcript text");
            (name, text)
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
