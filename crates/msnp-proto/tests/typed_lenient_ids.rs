//! Regressions from a run against a real revival server: the typed layer accepts what the session
//! machines accept. Switchboard session IDs are opaque tokens (the server sent hex), and `USR OK`
//! carries the `verified` flag from MSNP6.

use msnp_proto::message::Usr;
use msnp_proto::{Decoder, Dialect, Direction, Limits, Message, ProtocolVersion as V, Status};

fn roundtrip(d: Dialect, wire: &[u8]) -> Message<'static> {
    let Ok(Status::Complete { value, consumed }) = Decoder::new(d, Limits::default()).decode(wire)
    else {
        panic!("frame {:?}", String::from_utf8_lossy(wire))
    };
    assert_eq!(consumed, wire.len());
    let m = Message::decode(&value, &d)
        .unwrap_or_else(|e| panic!("{e}: {:?}", String::from_utf8_lossy(wire)));
    assert_eq!(m.to_vec(&d).unwrap(), wire, "re-encodes byte-exactly");
    m.into_owned()
}

const HEX_ID: &str = "300d871f3f3b930a4fcb68330286c9a";

#[test]
fn rng_with_a_hex_session_id() {
    let d = Dialect::notification(V::Msnp18).with_direction(Direction::ServerToClient);
    let m = roundtrip(
        d,
        b"RNG 300d871f3f3b930a4fcb68330286c9a 127.0.0.1:1864 CKI 9df1cc1bb20eed3aca8b alice@example.com Alice U messenger.hotmail.com 1\r\n",
    );
    let Message::Rng(r) = m else { panic!("{m:?}") };
    assert_eq!(r.session_id.as_str(), HEX_ID);
    assert_eq!(r.cookie.as_str(), "9df1cc1bb20eed3aca8b");
    assert_eq!(r.inviter.address(), "alice@example.com");
    assert_eq!(r.direct, Some(true));
}

#[test]
fn cal_ringing_with_a_hex_session_id() {
    let d = Dialect::switchboard(V::Msnp18).with_direction(Direction::ServerToClient);
    let m = roundtrip(d, b"CAL 2 RINGING 300d871f3f3b930a4fcb68330286c9a\r\n");
    let Message::CalReply(c) = m else {
        panic!("{m:?}")
    };
    assert_eq!(c.session_id.as_str(), HEX_ID);
}

#[test]
fn ans_with_a_hex_session_id() {
    let d = Dialect::switchboard(V::Msnp18).with_direction(Direction::ClientToServer);
    let m = roundtrip(
        d,
        b"ANS 1 bob@example.com;{81CC4BBF-0000-0000-0000-000000000000} 9df1cc1bb20eed3aca8b 300d871f3f3b930a4fcb68330286c9a\r\n",
    );
    let Message::Ans(a) = m else { panic!("{m:?}") };
    assert_eq!(a.session_id.as_str(), HEX_ID);
    assert_eq!(a.handle.address(), "bob@example.com");
}

#[test]
fn usr_ok_verified_from_msnp6() {
    for v in [V::Msnp6, V::Msnp7] {
        let d = Dialect::notification(v).with_direction(Direction::ServerToClient);
        let m = roundtrip(d, b"USR 4 OK alice@example.com Alice 1\r\n");
        let Message::Usr(Usr::Ok(ok)) = m else {
            panic!("{m:?}")
        };
        assert_eq!(ok.handle.address(), "alice@example.com");
        assert_eq!(ok.verified, Some(true), "{v:?}");
    }
}

#[test]
fn usr_ok_without_the_flag_on_msnp6_and_7() {
    // The MSNP5 shape, which servers of the era kept sending: accepted, as the login machine
    // accepts it.
    for v in [V::Msnp6, V::Msnp7] {
        let d = Dialect::notification(v).with_direction(Direction::ServerToClient);
        let m = roundtrip(d, b"USR 4 OK alice@example.com Alice\r\n");
        let Message::Usr(Usr::Ok(ok)) = m else {
            panic!("{m:?}")
        };
        assert_eq!(ok.verified, None, "{v:?}");
    }
    // From MSNP8 the flags are required.
    let d = Dialect::notification(V::Msnp8).with_direction(Direction::ServerToClient);
    let Ok(Status::Complete { value, .. }) =
        Decoder::new(d, Limits::default()).decode(b"USR 4 OK alice@example.com Alice\r\n")
    else {
        panic!("frame")
    };
    assert!(Message::decode(&value, &d).is_err());
}
