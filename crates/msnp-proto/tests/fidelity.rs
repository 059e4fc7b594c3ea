//! Regression tests for what real servers and other people's documents send (issue: fidelity).
//! Each test holds the exact input that once fell short.

use msnp_proto::payload::routed::RoutedMessage;
use msnp_proto::{Decoder, Dialect, Direction, Limits, Message, ProtocolVersion, Status};

/// `PUT 35 OK 165`: the reply to a routed `PUT` carries only the `Routing` and `Reliability`
/// blocks. It is valid, types, and re-encodes byte-exactly.
#[test]
fn routed_reply_with_two_header_blocks() {
    let payload = b"Routing: 1.0\r\nTo: 1:alice@example.com;epid={f52973b6-c926-4bad-9ba8-7c1e840e4ab0}\r\nFrom: 1:alice@example.com\r\n\r\nReliability: 1.0\r\nStream: 0\r\nSegment: 0\r\n\r\n";
    assert_eq!(payload.len(), 155);
    let m = RoutedMessage::parse(payload).expect("two blocks are a valid routed reply");
    assert!(m.message.is_none());
    assert_eq!(m.kind(), None);
    assert_eq!(m.reliability.get("Stream"), Some("0"));
    assert_eq!(
        m.to().unwrap().epid.as_deref(),
        Some("{f52973b6-c926-4bad-9ba8-7c1e840e4ab0}")
    );
    assert!(m.body.is_empty());
    assert_eq!(m.to_bytes().unwrap(), payload.to_vec());

    for version in [ProtocolVersion::Msnp18, ProtocolVersion::Msnp21] {
        let mut wire = format!("PUT 35 OK {}\r\n", payload.len()).into_bytes();
        wire.extend_from_slice(payload);
        let d = Dialect::notification(version).with_direction(Direction::ServerToClient);
        let Ok(Status::Complete { value, consumed }) =
            Decoder::new(d, Limits::default()).decode(&wire)
        else {
            panic!("PUT OK does not frame")
        };
        assert_eq!(consumed, wire.len());
        let msg = Message::decode(&value, &d).unwrap();
        assert!(matches!(msg, Message::PutOk(_)), "{msg:?}");
        assert_eq!(msg.to_vec(&d).unwrap(), wire);
    }

    // Two blocks then bytes that are not a third block: still an error, with its offset.
    let mut bad = payload.to_vec();
    bad.extend_from_slice(b"<body/>");
    assert!(RoutedMessage::parse(&bad).is_err());
    // One block is not enough.
    assert!(RoutedMessage::parse(b"Routing: 1.0\r\n\r\n").is_err());
}

/// Addresses in referrals and invitations read as `host:port` through one grammar.
#[test]
fn referral_addresses_read_as_host_port() {
    let decode_in = |version, wire: &'static [u8]| {
        let d = Dialect::notification(version).with_direction(Direction::ServerToClient);
        let Ok(Status::Complete { value, .. }) = Decoder::new(d, Limits::default()).decode(wire)
        else {
            panic!("{wire:?} does not frame")
        };
        Message::decode(&value, &d).unwrap().into_owned()
    };
    let decode = |wire| decode_in(ProtocolVersion::Msnp12, wire);
    let Message::XfrSb(sb) =
        decode(b"XFR 10 SB 207.46.108.37:1863 CKI 17262740.1050826919.32308\r\n")
    else {
        panic!()
    };
    let hp = sb.host_port().unwrap();
    assert_eq!((hp.host, hp.port), ("207.46.108.37", 1863));
    let Message::XfrNs(ns) = decode(b"XFR 3 NS [2001:db8::1]:1863 0 207.46.104.20:1863\r\n") else {
        panic!()
    };
    assert_eq!(ns.host_port().unwrap().host, "2001:db8::1");
    let Message::Rng(rng) = decode_in(
        ProtocolVersion::Msnp18,
        b"RNG 300d871f3f3b930a4fcb68330286c9a 127.0.0.1:1864 CKI 9df1cc1bb20eed3aca8b alice@example.com Alice U messenger.hotmail.com 1\r\n",
    ) else {
        panic!()
    };
    assert_eq!(rng.host_port().unwrap().port, 1864);
    assert_eq!(rng.session_id.as_str(), "300d871f3f3b930a4fcb68330286c9a");
    // A port out of range is a typed error with its offset; the message itself still decodes.
    let Message::XfrSb(bad) = decode(b"XFR 11 SB 10.0.0.1:99999 CKI abc\r\n") else {
        panic!()
    };
    assert_eq!(bad.host_port().unwrap_err().offset, 9);
}
