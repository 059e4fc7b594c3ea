//! Regressions from a run against a real revival server: the machines report what the typed
//! layer reads. Hex switchboard session IDs pass through `RNG` → `answer` → `ANS`, and the
//! `ANS` types back; `USR OK`'s verified flag is reported from MSNP6.

use msnp_proto::message::{AckMode, Usr};
use msnp_proto::{
    Decoder, Dialect, Direction, Handle, Limits, Message, ProtocolVersion as V, Status, Token, TrId,
};
use msnp_session::{
    ClientInfo, ClientLogin, Credentials, LoginConfig, LoginEvent, SwitchboardConfig,
    SwitchboardEvent, SwitchboardSession,
};

const HEX_ID: &str = "300d871f3f3b930a4fcb68330286c9a";

fn typed(d: Dialect, wire: &[u8]) -> Message<'static> {
    let Ok(Status::Complete { value, .. }) = Decoder::new(d, Limits::default()).decode(wire) else {
        panic!("frame {:?}", String::from_utf8_lossy(wire))
    };
    Message::decode(&value, &d)
        .unwrap_or_else(|e| panic!("{e}: {:?}", String::from_utf8_lossy(wire)))
        .into_owned()
}

#[test]
fn hex_session_id_from_rng_to_ans() {
    let ns = Dialect::notification(V::Msnp18).with_direction(Direction::ServerToClient);
    let Message::Rng(rng) = typed(
        ns,
        b"RNG 300d871f3f3b930a4fcb68330286c9a 127.0.0.1:1864 CKI 9df1cc1bb20eed3aca8b alice@example.com Alice U messenger.hotmail.com 1\r\n",
    ) else {
        panic!()
    };
    let cfg = SwitchboardConfig::new("bob@example.com", V::Msnp18)
        .with_machine_guid("{81CC4BBF-0000-0000-0000-000000000000}");
    let (addr, inviter, mut sb) = SwitchboardSession::from_rng(cfg, &rng).unwrap();
    assert_eq!(addr.as_str(), "127.0.0.1:1864");
    assert_eq!(inviter.address(), "alice@example.com");
    let ans = sb.poll_transmit().unwrap();
    assert_eq!(
        &ans.frame()[..],
        b"ANS 1 bob@example.com;{81CC4BBF-0000-0000-0000-000000000000} 9df1cc1bb20eed3aca8b 300d871f3f3b930a4fcb68330286c9a\r\n"
    );
    // What `answer` builds types back in the client's switchboard dialect.
    let sb_c = Dialect::switchboard(V::Msnp18).with_direction(Direction::ClientToServer);
    let Message::Ans(a) = typed(sb_c, ans.frame()) else {
        panic!()
    };
    assert_eq!(a.session_id.as_str(), HEX_ID);
    assert_eq!(a.trid, TrId(1));
    sb.handle_input(b"ANS 1 OK\r\n").unwrap();
    assert_eq!(sb.poll_event(), Some(SwitchboardEvent::Ready));
    sb.send_message(AckMode::Unacknowledged, b"MIME-Version: 1.0\r\n\r\nhi")
        .unwrap();
}

#[test]
fn hex_session_id_in_cal_ringing() {
    let cfg = SwitchboardConfig::new("alice@example.com", V::Msnp18);
    let mut sb =
        SwitchboardSession::invite(cfg, "9df1cc1bb20eed3aca8b", &["bob@example.com"]).unwrap();
    sb.handle_input(
        b"USR 1 OK alice@example.com Alice\r\nCAL 2 RINGING 300d871f3f3b930a4fcb68330286c9a\r\n",
    )
    .unwrap();
    let events: Vec<_> = std::iter::from_fn(|| sb.poll_event()).collect();
    assert_eq!(
        events.last(),
        Some(&SwitchboardEvent::Ringing {
            trid: TrId(2),
            handle: Handle::parse("bob@example.com").unwrap(),
            session_id: Token::new(HEX_ID).unwrap(),
        }),
        "{events:?}"
    );
}

#[test]
fn usr_ok_verified_on_msnp7() {
    let cfg = LoginConfig::new(
        "alice@example.com",
        vec![V::Msnp7],
        ClientInfo::wlm_8_1(),
        Credentials::Password("pw".into()),
    );
    let mut l = ClientLogin::new(cfg).unwrap();
    l.handle_input(b"VER 1 MSNP7\r\nINF 2 MD5\r\nUSR 3 MD5 S 1013928519.693957190\r\nUSR 4 OK alice@example.com Alice 1\r\n")
        .unwrap();
    let events: Vec<_> = std::iter::from_fn(|| l.poll_event()).collect();
    let Some(LoginEvent::LoggedIn {
        handle,
        friendly_name,
        verified,
        restricted,
    }) = events.last()
    else {
        panic!("{events:?}")
    };
    assert_eq!(handle.address(), "alice@example.com");
    assert_eq!(
        friendly_name.as_ref().map(|n| n.decoded().into_owned()),
        Some("Alice".into())
    );
    assert_eq!(*verified, Some(true));
    assert_eq!(*restricted, None);
    // The MSNP5 shape is still accepted on MSNP7 (no flag: not reported).
    let cfg = LoginConfig::new(
        "alice@example.com",
        vec![V::Msnp7],
        ClientInfo::wlm_8_1(),
        Credentials::Password("pw".into()),
    );
    let mut l = ClientLogin::new(cfg).unwrap();
    l.handle_input(b"VER 1 MSNP7\r\nINF 2 MD5\r\nUSR 3 MD5 S 1013928519.693957190\r\nUSR 4 OK alice@example.com Alice\r\n")
        .unwrap();
    let events: Vec<_> = std::iter::from_fn(|| l.poll_event()).collect();
    assert!(
        matches!(
            events.last(),
            Some(LoginEvent::LoggedIn { verified: None, .. })
        ),
        "{events:?}"
    );
    // The typed command is the same one the machine read.
    let d = Dialect::notification(V::Msnp7).with_direction(Direction::ServerToClient);
    assert!(matches!(
        typed(d, b"USR 4 OK alice@example.com Alice 1\r\n"),
        Message::Usr(Usr::Ok(ok)) if ok.verified == Some(true)
    ));
}
