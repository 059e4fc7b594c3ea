//! Helpers shared by the integration tests.

#![allow(dead_code, unreachable_pub)]

use msnp_proto::negotiation::DialectTracker;
use msnp_proto::stream::{TranscriptItem, TranscriptStream};
use msnp_proto::{Dialect, Direction, Limits, OwnedCommand, ProtocolVersion, Verb};

/// Every shared transcript (copied into msnp-proto's `tests/data/transcripts`), `(file name,
/// text)`, sorted. The path goes through `../msnp-proto` so that msnp-session's tests can
/// include this module as it is.
pub fn transcripts() -> Vec<(String, String)> {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../msnp-proto/tests/data/transcripts"
    );
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

/// One command line of a transcript, with where it was sent and the dialect it was read in.
#[derive(Debug, Clone)]
pub struct Line {
    /// The connection number of the `# --- connection N ---` marker before it.
    pub conn: u32,
    /// The connection is a switchboard (its marker says so).
    pub sb: bool,
    /// Who sent it.
    pub dir: Direction,
    /// Wire bytes.
    pub bytes: Vec<u8>,
    /// The dialect after reading it.
    pub dialect: Dialect,
}

impl Line {
    /// The command, owned.
    pub fn cmd(&self) -> OwnedCommand {
        OwnedCommand::from_frame(self.bytes.clone().into(), &self.dialect, &Limits::default())
            .expect("transcript frame")
    }
    /// Its arguments as text.
    pub fn args(&self) -> Vec<String> {
        self.cmd()
            .as_raw()
            .args()
            .map(|a| String::from_utf8(a.to_vec()).expect("UTF-8 argument"))
            .collect()
    }
    /// Its verb.
    pub fn verb(&self) -> Verb {
        self.cmd().as_raw().verb()
    }
}

/// Every command line of a transcript, following `VER` and the connection markers.
pub fn read(text: &str) -> Vec<Line> {
    let (mut conn, mut sb) = (0, false);
    let mut out = Vec::new();
    for item in TranscriptStream::new(text, DialectTracker::new(ProtocolVersion::Msnp8)) {
        match item {
            TranscriptItem::Connection { id, label, .. } => {
                conn = id;
                sb = label.contains("Switchboard");
            }
            TranscriptItem::Command(c) => out.push(Line {
                conn,
                sb,
                dir: c.direction.expect("directed line"),
                bytes: c.command.frame().to_vec(),
                dialect: c.dialect,
            }),
            TranscriptItem::Error { error, .. } => panic!("transcript reads: {error}"),
        }
    }
    out
}
