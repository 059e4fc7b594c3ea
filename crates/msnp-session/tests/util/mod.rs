//! Helpers shared by the integration tests.

#![allow(dead_code, unreachable_pub)]

use msnp_proto::negotiation::DialectTracker;
use msnp_proto::transcript::{Event, Reader};
use msnp_proto::{
    Decoder, Dialect, Direction, Limits, OwnedCommand, ProtocolVersion, Status, Verb,
};

/// Every shared transcript (msnp-proto's copy in `tests/data/transcripts`), `(file name, text)`, sorted.
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
    let mut tracker = DialectTracker::new(ProtocolVersion::Msnp8);
    let mut reader = Reader::new(text);
    let (mut conn, mut sb) = (0, false);
    let mut out = Vec::new();
    loop {
        let t = &tracker;
        let Some(ev) = reader.next_event(|d| t.dialect(d)) else {
            break;
        };
        match ev.expect("transcript reads") {
            Event::Connection { id, label, .. } => {
                tracker.switch_connection(id);
                conn = id;
                sb = label.contains("Switchboard");
            }
            Event::Command(c) => {
                let dir = c.direction.expect("directed line");
                let mut dec = Decoder::new(tracker.dialect(Some(dir)), Limits::default());
                let Ok(Status::Complete { value, .. }) = dec.decode(&c.bytes) else {
                    panic!("frame")
                };
                tracker.observe(&value, Some(dir));
                out.push(Line {
                    conn,
                    sb,
                    dir,
                    bytes: c.bytes,
                    dialect: tracker.dialect(Some(dir)),
                });
            }
        }
    }
    out
}
