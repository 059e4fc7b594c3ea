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
