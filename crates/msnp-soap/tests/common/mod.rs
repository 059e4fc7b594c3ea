#![allow(dead_code, unreachable_pub)]
//! Helpers shared by the integration tests.

use std::path::PathBuf;

pub fn fixture(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// A tiny independent namespace check: the raw request text declares `uri`.
pub fn declares(xml: &[u8], uri: &str) -> bool {
    String::from_utf8_lossy(xml).contains(&format!("=\"{uri}\""))
}
