//! Helpers shared by the integration tests.

#![allow(dead_code, unreachable_pub)]

use msnp_proto::negotiation::DialectTracker;
use msnp_proto::stream::{TranscriptItem, TranscriptStream};
use msnp_proto::{Dialect, Direction, Limits, OwnedCommand, ProtocolVersion, Verb};
use msnp_session::{ClientInfo, Credentials, LoginConfig, ProductPair};

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

/// Every command line of a transcript, following `VER` and the connection markers (through the
/// one stream loop, `msnp_proto::stream`).
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

/// The login configuration a transcript's client used (versions, `CVR` values, password or
/// tickets, machine GUID, `QRY` product), and the version the server chose.
pub fn login_config(name: &str, lines: &[Line]) -> (LoginConfig, ProtocolVersion) {
    let ns: Vec<&Line> = lines.iter().filter(|l| !l.sb).collect();
    let first = ns.first().unwrap();
    assert_eq!(first.verb(), Verb::VER);
    let versions: Vec<ProtocolVersion> = first
        .args()
        .iter()
        .filter(|a| *a != "CVR0")
        .map(|a| ProtocolVersion::parse(a.as_bytes()).unwrap())
        .collect();
    let cvr = ns
        .iter()
        .find(|l| l.dir == Direction::ClientToServer && l.verb() == Verb::CVR);
    let client = cvr
        .map(|l| client_info(l))
        .unwrap_or_else(ClientInfo::wlm_8_1);
    let md5 = text_has(lines, "MD5");
    let creds = if md5 {
        Credentials::Password("s3cret".into())
    } else {
        Credentials::Ticket
    };
    let mut config = LoginConfig::new("alice@hotmail.com", versions, client, creds);
    // The machine GUID: the last argument of an MSNP16+ USR SSO S line.
    let usr_s: Vec<&&Line> = ns
        .iter()
        .filter(|l| {
            l.dir == Direction::ClientToServer
                && l.verb() == Verb::USR
                && l.args().get(1).map(String::as_str) == Some("S")
        })
        .collect();
    if let Some(g) = usr_s
        .last()
        .and_then(|l| l.args().get(4).cloned())
        .filter(|g| g.starts_with('{'))
    {
        config = config.with_machine_guid(g);
    }
    // The QRY product: the default for the version unless the transcript used another pair.
    let negotiated = ns
        .iter()
        .find(|l| l.dir == Direction::ServerToClient && l.verb() == Verb::VER)
        .map(|l| ProtocolVersion::parse(l.args()[0].as_bytes()).unwrap())
        .unwrap();
    if let Some(q) = ns
        .iter()
        .find(|l| l.dir == Direction::ClientToServer && l.verb() == Verb::QRY)
    {
        let id = q.args()[0].clone();
        let default = msnp_auth::default_product(negotiated.number())
            .unwrap()
            .pair
            .id;
        if id != default {
            // Two transcripts use their client's own pair, not the version's default:
            // MSNP12 (Messenger 7.5, PROD0101) and MSNP15 (WLM 8.1, PROD0114).
            assert!(
                ["msnp12.md", "msnp15.md"].contains(&name),
                "{name}: QRY uses {id}, default is {default}"
            );
            config = config.with_product(ProductPair::known(&id).unwrap());
        }
    }
    (config, negotiated)
}

pub fn client_info(cvr: &Line) -> ClientInfo {
    let a = cvr.args();
    ClientInfo {
        locale: a[0].clone(),
        os_type: a[1].clone(),
        os_version: a[2].clone(),
        arch: a[3].clone(),
        library: a[4].clone(),
        client_version: a[5].clone(),
        client_id: a[6].clone(),
    }
}

pub fn text_has(lines: &[Line], package: &str) -> bool {
    lines
        .iter()
        .any(|l| l.verb() == Verb::INF && l.args().iter().any(|a| a.contains(package)))
}
