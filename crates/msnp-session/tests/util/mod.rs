//! Helpers shared by the integration tests.

#![allow(dead_code, unreachable_pub, unused_imports)]

use msnp_proto::{Direction, ProtocolVersion, Verb};
use msnp_session::{ClientInfo, ClientLogin, Credentials, LoginConfig, ProductPair};

// The transcript reader is msnp-proto's test helper, included as it is.
#[path = "../../../msnp-proto/tests/util/mod.rs"]
mod transcript_util;
pub use transcript_util::{Line, read, transcripts};

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

/// Plays a scripted server through the sign-in of `l` (configured for `alice@hotmail.com` and
/// the one version `v`): MD5 before MSNP8, a TWN ticket `t=1` from MSNP8, an SSO ticket from
/// MSNP15; drains what the client sent.
pub fn sign_in(l: &mut ClientLogin, v: ProtocolVersion) {
    if v < ProtocolVersion::Msnp8 {
        let script = format!(
            "VER 1 MSNP{}\r\nINF 2 MD5\r\nUSR 3 MD5 S 12.34\r\nUSR 4 OK alice@hotmail.com Alice\r\n",
            v.number()
        );
        l.handle_input(script.as_bytes()).unwrap();
    } else if v >= ProtocolVersion::Msnp15 {
        let ver = format!(
            "VER 1 MSNP{}\r\nCVR 2 1 1 1 a b\r\nUSR 3 SSO S MBI_KEY_OLD bm9uY2U=\r\n",
            v.number()
        );
        l.handle_input(ver.as_bytes()).unwrap();
        l.provide_sso("t=1", b"secret", [1; 8]).unwrap();
        l.handle_input(b"USR 4 OK alice@hotmail.com 1 0\r\n")
            .unwrap();
    } else {
        let ver = format!(
            "VER 1 MSNP{}\r\nCVR 2 1 1 1 a b\r\nUSR 3 TWN S lc=1033\r\n",
            v.number()
        );
        l.handle_input(ver.as_bytes()).unwrap();
        l.provide_ticket("t=1").unwrap();
        let ok: &[u8] = if v < ProtocolVersion::Msnp10 {
            b"USR 4 OK alice@hotmail.com Alice 1 0\r\n"
        } else {
            b"USR 4 OK alice@hotmail.com 1 0\r\n"
        };
        l.handle_input(ok).unwrap();
    }
    while l.poll_transmit().is_some() {}
}
