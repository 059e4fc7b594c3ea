//! The raw layer's accessors, each read on lines where they differ: with and without a TrID, a
//! payload length that is not an argument, an empty payload, a bare LF, owned twins that share
//! or copy their bytes. Written against mutants `cargo mutants -f src/raw.rs` found alive.

use bytes::Bytes;
use msnp_proto::{
    Decoder, Dialect, Direction, Leniency, Limits, OwnedCommand, ProtocolVersion, RawCommand,
    Status, TrId, Verb,
};

fn dialect() -> Dialect {
    Dialect::switchboard(ProtocolVersion::Msnp12).with_direction(Direction::ServerToClient)
}

fn decode_in(d: Dialect, wire: &[u8]) -> RawCommand<'_> {
    let mut dec = Decoder::new(d, Limits::default());
    match dec.decode(wire) {
        Ok(Status::Complete { value, consumed }) => {
            assert_eq!(consumed, wire.len());
            value
        }
        other => panic!("{other:?}"),
    }
}

fn decode(wire: &[u8]) -> RawCommand<'_> {
    decode_in(dialect(), wire)
}

#[test]
fn arguments_skip_verb_trid_and_length() {
    let wire = b"MSG alice@hotmail.com Alice 5\r\nhello";
    let c = decode(wire);
    assert_eq!(c.verb(), Verb::MSG);
    assert_eq!(c.trid(), None);
    assert_eq!(c.token_count(), 4);
    assert_eq!(c.arg_count(), 2);
    assert_eq!(c.arg(0), Some(&b"alice@hotmail.com"[..]));
    assert_eq!(c.arg(1), Some(&b"Alice"[..]));
    // The length token is a token, not an argument.
    assert_eq!(c.arg(2), None);
    assert_eq!(c.token(3), Some(&b"5"[..]));
    assert_eq!(c.token(4), None);
    assert_eq!(
        c.args().collect::<Vec<_>>(),
        [&b"alice@hotmail.com"[..], b"Alice"]
    );
    assert_eq!(
        c.tokens().collect::<Vec<_>>(),
        [&b"MSG"[..], b"alice@hotmail.com", b"Alice", b"5"]
    );
    assert_eq!(c.line(), b"MSG alice@hotmail.com Alice 5");
    assert_eq!(c.payload(), Some(&b"hello"[..]));
    assert_eq!(c.as_bytes(), wire);
    assert_eq!(c.wire_len(), wire.len());
    assert!(c.has_crlf());

    let c = decode(b"JOI bob@msn.com Bob 0\r\n");
    assert_eq!(c.trid(), None);
    assert_eq!(c.arg(0), Some(&b"bob@msn.com"[..]));
    assert_eq!(c.arg(2), Some(&b"0"[..]));
    assert_eq!(c.arg(3), None);
    assert_eq!(c.payload(), None);

    // After a TrID, argument 0 is the token after it.
    let c = decode(b"ACK 17\r\n");
    assert_eq!(c.trid(), Some(TrId(17)));
    assert_eq!(c.arg_count(), 0);
    assert_eq!(c.arg(0), None);
    let c = decode(b"IRO 1 1 2 bob@msn.com Bob\r\n");
    assert_eq!(c.trid(), Some(TrId(1)));
    assert_eq!(c.arg(0), Some(&b"1"[..]));
    assert_eq!(c.arg(3), Some(&b"Bob"[..]));
    assert_eq!(c.arg(4), None);
}

#[test]
fn empty_payload_and_bare_lf() {
    let c = decode(b"MSG alice@hotmail.com Alice 0\r\n");
    assert_eq!(c.payload(), Some(&b""[..]));
    let lenient = Dialect {
        leniency: Leniency {
            accept_bare_lf: true,
            ..Leniency::DEFAULT
        },
        ..dialect()
    };
    let wire = b"MSG alice@hotmail.com Alice 2\nhi";
    let c = decode_in(lenient, wire);
    assert!(!c.has_crlf());
    assert_eq!(c.line(), b"MSG alice@hotmail.com Alice 2");
    assert_eq!(c.payload(), Some(&b"hi"[..]));
    assert_eq!(c.as_bytes(), wire);
}

#[test]
fn owned_twins_share_or_copy() {
    let source = Bytes::from_static(b"ACK 5\r\nMSG alice@hotmail.com Alice 2\r\nhi");
    let mut dec = Decoder::new(dialect(), Limits::default());
    let Ok(Status::Complete { consumed, .. }) = dec.decode(&source) else {
        panic!()
    };
    let rest = &source[consumed..];
    let Ok(Status::Complete { value, .. }) = dec.decode(rest) else {
        panic!()
    };
    // Decoded from inside `source`: the twin points into the same allocation.
    let shared = value.to_owned_in(&source);
    assert_eq!(shared.frame().as_ptr(), rest.as_ptr());
    assert_eq!(shared.as_raw(), value);
    // Decoded from elsewhere: a copy with the same contents.
    let elsewhere = source.to_vec();
    let Ok(Status::Complete { value: other, .. }) = dec.decode(&elsewhere[consumed..]) else {
        panic!()
    };
    let copied = other.to_owned_in(&source);
    assert_ne!(copied.frame().as_ptr(), elsewhere[consumed..].as_ptr());
    assert_ne!(copied.frame().as_ptr(), rest.as_ptr());
    assert_eq!(copied.as_raw(), other);
    let owned: OwnedCommand = (&value).into();
    assert_eq!(owned, shared);
    assert_eq!(owned.as_raw().payload(), Some(&b"hi"[..]));
    assert_eq!(&owned.into_frame()[..], rest);
}

#[test]
fn debug_shows_line_trid_and_payload_length() {
    let c = decode(b"MSG alice@hotmail.com Alice 2\r\nhi");
    let dbg = format!("{c:?}");
    assert!(dbg.contains("MSG alice@hotmail.com Alice 2"), "{dbg}");
    assert!(dbg.contains("payload_len: Some(2)"), "{dbg}");
    assert_eq!(format!("{:?}", c.to_owned_command()), dbg);
    let c = decode(b"ACK 5\r\n");
    assert!(format!("{c:?}").contains("TrId(5)"), "{c:?}");
}
