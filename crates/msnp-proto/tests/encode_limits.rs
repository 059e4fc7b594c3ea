//! The typed encoder's own checks, at their edges: a line of exactly the line limit is written
//! and one byte more is refused with the true length (whichever argument forms make up the
//! line: numbers, words, `key=value`, `caps:capsex`); non-ASCII arguments are refused in strict
//! dialects and written in lenient ones. Written against mutants `cargo mutants -f
//! src/message/args.rs` found alive.

use msnp_proto::message::{Adc, Chg, Message};
use msnp_proto::{
    ClientCapabilities, Dialect, Direction, EncodeError, Handle, Leniency, Limits, List,
    PresenceStatus, ProtocolVersion, TrId, UrlText,
};

fn client(v: ProtocolVersion) -> Dialect {
    Dialect::notification(v).with_direction(Direction::ClientToServer)
}

fn strict(d: Dialect) -> Dialect {
    Dialect {
        leniency: Leniency::STRICT,
        ..d
    }
}

fn chg(object: &str) -> Message<'_> {
    Message::Chg(Chg {
        trid: TrId(123),
        status: PresenceStatus::Online,
        capabilities: Some(ClientCapabilities {
            caps: 2_789_003_324,
            ext: Some(48),
        }),
        msn_object: Some(UrlText::from_wire(object).expect("a token")),
    })
}

fn adc<'a>(handle: &'a str, name: &'a str) -> Message<'a> {
    Message::Adc(Adc {
        trid: TrId(7),
        list: List::Forward,
        handle: Some(Handle::parse(handle).expect("a handle")),
        friendly_name: Some(UrlText::from_wire(name).expect("a token")),
        contact_id: None,
        group_id: None,
    })
}

/// Encodes the message built from a filler of `n` bytes.
fn encode<'a>(
    d: &Dialect,
    build: &impl Fn(&'a str) -> Message<'a>,
    filler: &'a str,
    n: usize,
) -> Result<Vec<u8>, EncodeError> {
    let m = build(&filler[..n]);
    let mut out = Vec::new();
    m.encode_to_vec(d, &mut out).map(|()| out)
}

/// Finds the filler length that makes the line exactly `max` bytes long, checks that it is
/// written, and that one byte more is refused with the length it would have had.
fn edge<'a>(d: &Dialect, build: impl Fn(&'a str) -> Message<'a>, filler: &'a str) {
    let max = Limits::default().max_line;
    let short = encode(d, &build, filler, 1).expect("a short line");
    // Everything but the filler, terminator excluded.
    let fixed = short.len() - 2 - 1;
    let n = max - fixed;
    let line = encode(d, &build, filler, n).expect("a line of exactly the limit");
    assert_eq!(line.len(), max + 2);
    assert!(line.ends_with(b"\r\n"));
    match encode(d, &build, filler, n + 1) {
        Err(EncodeError::LineTooLong { len, max: m }) => assert_eq!((len, m), (max + 1, max)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn line_limit_at_its_edge() {
    let filler = "a".repeat(2 * Limits::default().max_line);
    // Numbers (TrID, caps:capsex) and words.
    edge(&client(ProtocolVersion::Msnp16), chg, &filler);
    // `N=handle F=name`.
    edge(
        &client(ProtocolVersion::Msnp11),
        |n| adc("bob@hotmail.com", n),
        &filler,
    );
}

#[test]
fn non_ascii_arguments_in_strict_dialects() {
    let lenient = client(ProtocolVersion::Msnp16);
    let mut out = Vec::new();
    chg("caf\u{e9}").encode_to_vec(&lenient, &mut out).unwrap();
    assert!(out.starts_with("CHG 123 NLN 2789003324:48 caf\u{e9}".as_bytes()));
    // The object is argument 2 (status, caps, object).
    let e = chg("caf\u{e9}")
        .encode_to_vec(&strict(lenient), &mut Vec::new())
        .unwrap_err();
    assert_eq!(e, EncodeError::ArgInvalid { index: 2 });
    chg("cafe")
        .encode_to_vec(&strict(lenient), &mut Vec::new())
        .unwrap();
    // In `key=value` form: `F=` is argument 2 (list, N=, F=).
    let d = client(ProtocolVersion::Msnp11);
    adc("bob@hotmail.com", "J\u{f6}rg")
        .encode_to_vec(&d, &mut Vec::new())
        .unwrap();
    let e = adc("bob@hotmail.com", "J\u{f6}rg")
        .encode_to_vec(&strict(d), &mut Vec::new())
        .unwrap_err();
    assert_eq!(e, EncodeError::ArgInvalid { index: 2 });
    adc("bob@hotmail.com", "Jorg")
        .encode_to_vec(&strict(d), &mut Vec::new())
        .unwrap();
}

/// A payload of exactly the payload limit is written (and reads back); one byte more is refused.
#[test]
fn payload_limit_at_its_edge() {
    use msnp_proto::message::PayloadCommand;
    use std::borrow::Cow;
    let d = client(ProtocolVersion::Msnp13);
    let max = Limits::default().max_payload;
    let adl = |n: usize| {
        Message::Adl(PayloadCommand {
            trid: TrId(9),
            payload: Cow::Owned(vec![b'x'; n]),
        })
    };
    let mut out = Vec::new();
    adl(max)
        .encode_to_vec(&d, &mut out)
        .expect("exactly the limit");
    let head = format!("ADL 9 {max}\r\n");
    assert_eq!(out.len(), head.len() + max);
    assert!(out.starts_with(head.as_bytes()));
    let mut dec = msnp_proto::Decoder::new(d, Limits::default());
    match dec.decode(&out) {
        Ok(msnp_proto::Status::Complete { consumed, value }) => {
            assert_eq!(consumed, out.len());
            assert_eq!(value.payload().map(<[u8]>::len), Some(max));
        }
        other => panic!("{other:?}"),
    }
    let e = adl(max + 1).encode_to_vec(&d, &mut Vec::new()).unwrap_err();
    assert_eq!(e, EncodeError::PayloadTooLarge { len: max + 1, max });
}
