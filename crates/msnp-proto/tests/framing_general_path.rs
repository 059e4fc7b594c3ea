//! The framing's general path: lines the sixteen-byte fast path declines (runs of spaces, spaces
//! at the end, UTF-8, a line still arriving) frame exactly as plain lines do, errors name their
//! verb, and `Decoder::decode_split` agrees with `Decoder::decode` at every split. Written
//! against the mutants `cargo mutants` found alive in the rewritten framing.

use bytes::BytesMut;
use msnp_proto::{
    DecodeError, DecodeErrorKind, Decoder, Dialect, Direction, Leniency, Limits, ProtocolVersion,
    Status, TrId, Verb,
};

fn sb(leniency: Leniency) -> Dialect {
    let mut d =
        Dialect::switchboard(ProtocolVersion::Msnp12).with_direction(Direction::ClientToServer);
    d.leniency = leniency;
    d
}

/// A command's arguments, its payload and the bytes it took.
type Framed = (Vec<Vec<u8>>, Option<Vec<u8>>, usize);

fn one(d: Dialect, wire: &[u8]) -> Result<Framed, DecodeError> {
    let mut dec = Decoder::new(d, Limits::default());
    match dec.decode(wire)? {
        Status::Complete { value, consumed } => Ok((
            value.args().map(<[u8]>::to_vec).collect(),
            value.payload().map(<[u8]>::to_vec),
            consumed,
        )),
        other => panic!("{other:?}"),
    }
}

/// The payload length is the last token however the tokens are spaced, and whatever the line's
/// bytes are: the general path finds it as the fast path does.
#[test]
fn payload_length_found_on_unusual_lines() {
    let d = sb(Leniency::DEFAULT);
    let args = |a: &[&[u8]]| a.iter().map(|t| t.to_vec()).collect::<Vec<_>>();
    for wire in [
        &b"MSG 4 N 5\r\nhello"[..],
        b"MSG 4  N 5\r\nhello",
        b"MSG 4 N   5\r\nhello",
        b"MSG   4 N 5\r\nhello",
        b"MSG 4 N 5  \r\nhello",
    ] {
        let (a, payload, consumed) = one(d, wire).unwrap();
        assert_eq!(a, args(&[b"N"]), "{wire:?}");
        assert_eq!(payload.as_deref(), Some(&b"hello"[..]), "{wire:?}");
        assert_eq!(consumed, wire.len(), "{wire:?}");
    }
    // Raw UTF-8 in an argument (accepted by default): the line is not plain ASCII.
    let wire = "MSG 4 é 3\r\nabc".as_bytes();
    let (a, payload, _) = one(d, wire).unwrap();
    assert_eq!(a, args(&["é".as_bytes()]));
    assert_eq!(payload.as_deref(), Some(&b"abc"[..]));
    // A length token that is not a number, found after a run of spaces.
    let e = one(d, b"MSG 4 N  x5\r\nhello").unwrap_err();
    assert_eq!(e.kind, DecodeErrorKind::BadPayloadLength);
    assert_eq!(e.offset, 9);
}

/// A split error names the verb once the first token is whole, and no verb before.
#[test]
fn split_errors_name_their_verb() {
    let strict = sb(Leniency::STRICT);
    let mut dec = Decoder::new(strict, Limits::default());
    let e = dec.decode(b"MSG  4 N 5\r\nhello").unwrap_err();
    assert_eq!(
        (e.kind.clone(), e.offset, e.verb),
        (DecodeErrorKind::ExtraSpace, 4, Some(Verb::MSG))
    );
    // A space at the end leaves an empty token at the line's end.
    let e = dec.decode(b"OUT \r\n").unwrap_err();
    assert_eq!(
        (e.kind.clone(), e.offset, e.verb),
        (DecodeErrorKind::ExtraSpace, 4, Some(Verb::OUT))
    );
    let e = dec.decode(b" OUT\r\n").unwrap_err();
    assert_eq!(
        (e.kind.clone(), e.offset, e.verb),
        (DecodeErrorKind::InvalidVerb, 0, None)
    );
    let e = dec.decode(b"OUTS  1\r\n").unwrap_err();
    assert_eq!(
        (e.kind.clone(), e.verb),
        (DecodeErrorKind::ExtraSpace, None)
    );
    let few = Limits {
        max_tokens: 3,
        ..Limits::default()
    };
    let mut dec = Decoder::new(sb(Leniency::DEFAULT), few);
    let e = dec.decode(b"CAL 1 bob@x.com extra\r\n").unwrap_err();
    assert_eq!(
        (e.kind.clone(), e.offset, e.verb),
        (
            DecodeErrorKind::TooManyTokens { max: 3 },
            16,
            Some(Verb::CAL)
        )
    );
}

/// What a stream decodes to with `decode` over the whole buffer: frames and error kinds in order.
fn by_decode(d: Dialect, wire: &[u8]) -> Vec<Result<Vec<u8>, DecodeErrorKind>> {
    let mut dec = Decoder::new(d, Limits::default());
    let (mut at, mut out) = (0, Vec::new());
    loop {
        match dec.decode(&wire[at..]) {
            Ok(Status::Complete { value, consumed }) => {
                out.push(Ok(value.as_bytes().to_vec()));
                at += consumed;
            }
            Ok(Status::Skipped { consumed }) => at += consumed,
            Ok(Status::Incomplete(_)) => return out,
            Err(e) => {
                out.push(Err(e.kind));
                at += e.skip;
            }
        }
    }
}

/// The same stream through `decode_split`, fed `chunk` bytes at a time into a `BytesMut`.
fn by_split(d: Dialect, wire: &[u8], chunk: usize) -> Vec<Result<Vec<u8>, DecodeErrorKind>> {
    let mut dec = Decoder::new(d, Limits::default());
    let (mut buf, mut out) = (BytesMut::new(), Vec::new());
    for piece in wire.chunks(chunk) {
        buf.extend_from_slice(piece);
        loop {
            match dec.decode_split(&mut buf) {
                Ok(Some(cmd)) => out.push(Ok(cmd.frame().to_vec())),
                Ok(None) => break,
                Err(e) => out.push(Err(e.kind)),
            }
        }
    }
    out
}

/// `decode_split` drops skipped and refused bytes itself and agrees with `decode` at every
/// chunk size, blank lines and errors included.
#[test]
fn decode_split_agrees_with_decode_at_every_split() {
    let wire: &[u8] =
        b"MSG 4 N 5\r\nhello\r\n\r\nCAL 5 bob@x.com\r\nXYZ\x00 1\r\nMSG 6 A 3\r\nabcOUT\r\nMSG 7  U 0\r\n";
    for leniency in [Leniency::PERMISSIVE, Leniency::STRICT] {
        let d = sb(leniency);
        let whole = by_decode(d, wire);
        assert!(whole.iter().filter(|r| r.is_ok()).count() >= 4, "{whole:?}");
        for chunk in 1..=wire.len() {
            assert_eq!(
                by_split(d, wire, chunk),
                whole,
                "{leniency:?} chunk {chunk}"
            );
        }
    }
    // Blank lines skipped by leniency come out as nothing; a lone blank line leaves no bytes.
    let d = sb(Leniency::PERMISSIVE);
    let mut dec = Decoder::new(d, Limits::default());
    let mut buf = BytesMut::from(&b"\r\n\r\n"[..]);
    assert!(dec.decode_split(&mut buf).unwrap().is_none());
    assert!(buf.is_empty());
    let mut buf = BytesMut::from(&b"\r\nOUT\r\n"[..]);
    let out = dec.decode_split(&mut buf).unwrap().unwrap();
    assert_eq!(out.as_raw().verb(), Verb::OUT);
    assert_eq!(out.as_raw().trid(), None::<TrId>);
    assert!(buf.is_empty());
}
