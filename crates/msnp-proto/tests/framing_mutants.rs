//! Tests written against the mutants `cargo mutants -p msnp-proto -f src/wire.rs` found alive
//! (accessors and setters of the decoder no other test read).

use msnp_proto::{DecodeErrorKind, Decoder, Dialect, Limits, ProtocolVersion, Status};

fn ns(v: ProtocolVersion) -> Dialect {
    Dialect::notification(v)
}

#[test]
fn set_dialect_takes_effect() {
    let mut d = Decoder::new(ns(ProtocolVersion::Msnp2), Limits::default());
    assert_eq!(d.dialect(), &ns(ProtocolVersion::Msnp2));
    d.set_dialect(ns(ProtocolVersion::Msnp12));
    assert_eq!(d.dialect(), &ns(ProtocolVersion::Msnp12));
    // `UBX` has a payload from MSNP11 on: framed with it only in the new dialect.
    let wire = b"UBX alice@hotmail.com 2\r\nab";
    match d.decode(wire) {
        Ok(Status::Complete { consumed, .. }) => assert_eq!(consumed, wire.len()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn set_limits_takes_effect() {
    let mut d = Decoder::new(ns(ProtocolVersion::Msnp12), Limits::default());
    assert_eq!(d.limits(), &Limits::default());
    let small = Limits {
        max_line: 10,
        ..Limits::default()
    };
    d.set_limits(small);
    assert_eq!(d.limits(), &small);
    let e = d.decode(b"CHG 1 NLN 0 0\r\n").unwrap_err();
    assert_eq!(e.kind, DecodeErrorKind::LineTooLong { max: 10 });
}

fn sb() -> Dialect {
    Dialect::switchboard(ProtocolVersion::Msnp12)
        .with_direction(msnp_proto::Direction::ClientToServer)
}

/// A payload command fed in pieces: the decoder remembers the parsed line and only counts
/// bytes, asking for exactly what is missing, and completes at exactly the total.
#[test]
fn pending_payload_counts_exactly() {
    use msnp_proto::Needed;
    let wire = b"MSG 1 U 10\r\n0123456789MSG 2 U 1\r\nx";
    let first = 22;
    let mut d = Decoder::new(sb(), Limits::default());
    for have in 12..first {
        match d.decode(&wire[..have]) {
            Ok(Status::Incomplete(Needed::Size(n))) => assert_eq!(n.get(), first - have),
            other => panic!("{have}: {other:?}"),
        }
    }
    match d.decode(&wire[..first]) {
        Ok(Status::Complete { consumed, value }) => {
            assert_eq!(consumed, first);
            assert_eq!(value.payload(), Some(&b"0123456789"[..]));
        }
        other => panic!("{other:?}"),
    }
    match d.decode(&wire[first..]) {
        Ok(Status::Complete { consumed, .. }) => assert_eq!(consumed, wire.len() - first),
        other => panic!("{other:?}"),
    }
}

/// The remembered line is only trusted while the same line is at the front: a caller that
/// replaced its buffer (without `reset`) gets the new bytes parsed afresh.
#[test]
fn pending_payload_is_not_trusted_for_other_bytes() {
    use msnp_proto::Needed;
    let mut d = Decoder::new(sb(), Limits::default());
    assert!(matches!(
        d.decode(b"MSG 1 U 10\r\n01234"),
        Ok(Status::Incomplete(Needed::Size(_)))
    ));
    // Another command, long enough to pass the remembered line.
    let other = b"ANS 7 alice@hotmail.com 1\r\n";
    match d.decode(other) {
        Ok(Status::Complete { consumed, value }) => {
            assert_eq!(consumed, other.len());
            assert_eq!(value.verb().as_bytes(), b"ANS");
        }
        r => panic!("{r:?}"),
    }
    // The same verb but shorter than the remembered line: parsed afresh (no line end yet).
    assert!(matches!(
        d.decode(b"MSG 1 U 10\r\n01234"),
        Ok(Status::Incomplete(Needed::Size(_)))
    ));
    assert!(matches!(
        d.decode(b"MSG 2"),
        Ok(Status::Incomplete(Needed::Unknown))
    ));
}

/// An over-long line without a line end: refused once, then its rest is skipped as it arrives,
/// however it is cut.
#[test]
fn over_long_line_is_skipped_piece_by_piece() {
    let limits = Limits {
        max_line: 16,
        ..Limits::default()
    };
    let mut d = Decoder::new(sb(), limits);
    // Exactly `max_line + 2` bytes with no line end: already too long.
    let e = d.decode(&[b'A'; 18]).unwrap_err();
    assert_eq!(e.kind, DecodeErrorKind::LineTooLong { max: 16 });
    assert_eq!(e.skip, 18);
    assert!(matches!(
        d.decode(b"AAAA"),
        Ok(Status::Skipped { consumed: 4 })
    ));
    assert!(matches!(d.decode(b""), Ok(Status::Incomplete(_))));
    assert!(matches!(
        d.decode(b"AA\nOUT\r\n"),
        Ok(Status::Skipped { consumed: 3 })
    ));
    assert!(matches!(
        d.decode(b"OUT\r\n"),
        Ok(Status::Complete { consumed: 5, .. })
    ));
    // One byte less is still a line that may end.
    let mut d = Decoder::new(sb(), limits);
    assert!(matches!(d.decode(&[b'A'; 17]), Ok(Status::Incomplete(_))));
}

/// With bare LF accepted, a line one byte past the limit ending in LF is skipped with its LF.
#[test]
fn bare_lf_line_one_past_the_limit() {
    let limits = Limits {
        max_line: 16,
        ..Limits::default()
    };
    let lenient = sb().with_leniency(msnp_proto::Leniency {
        accept_bare_lf: true,
        ..msnp_proto::Leniency::default()
    });
    let mut d = Decoder::new(lenient, limits);
    let mut wire = vec![b'A'; 17];
    wire.extend_from_slice(b"\nOUT\n");
    let e = d.decode(&wire).unwrap_err();
    assert_eq!(e.kind, DecodeErrorKind::LineTooLong { max: 16 });
    assert_eq!(e.skip, 18);
    assert!(matches!(
        d.decode(&wire[18..]),
        Ok(Status::Complete { consumed: 4, .. })
    ));
}

#[test]
fn skip_line_reaches_past_the_next_lf() {
    let mut d = Decoder::new(sb(), Limits::default());
    assert_eq!(d.skip_line(b"garbage\r\nOUT\r\n"), Some(9));
    assert_eq!(d.skip_line(b"\nOUT\r\n"), Some(1));
    assert_eq!(d.skip_line(b"no end"), None);
}

#[test]
fn from_frame_wants_exactly_one_command() {
    use bytes::Bytes;
    use msnp_proto::OwnedCommand;
    let d = ns(ProtocolVersion::Msnp12);
    let l = Limits::default();
    let one = OwnedCommand::from_frame(Bytes::from_static(b"CHL 0 123\r\n"), &d, &l).unwrap();
    assert_eq!(one.frame().as_ref(), b"CHL 0 123\r\n");
    let e =
        OwnedCommand::from_frame(Bytes::from_static(b"CHL 0 1\r\nPNG\r\n"), &d, &l).unwrap_err();
    assert_eq!(e.kind, DecodeErrorKind::TrailingData);
}

#[test]
fn utf8_arguments_only_when_allowed() {
    let strict = ns(ProtocolVersion::Msnp12).with_leniency(msnp_proto::Leniency {
        allow_utf8_args: false,
        ..msnp_proto::Leniency::default()
    });
    let wire = "CHL 0 caf\u{e9}\r\n".as_bytes();
    assert!(
        Decoder::new(strict, Limits::default())
            .decode(wire)
            .is_err()
    );
    let lenient = strict.with_leniency(msnp_proto::Leniency {
        allow_utf8_args: true,
        ..msnp_proto::Leniency::default()
    });
    assert!(matches!(
        Decoder::new(lenient, Limits::default()).decode(wire),
        Ok(Status::Complete { .. })
    ));
    // Still UTF-8 only: a lone continuation byte is refused.
    assert!(
        Decoder::new(lenient, Limits::default())
            .decode(b"CHL 0 caf\x80\r\n")
            .is_err()
    );
}

/// Undirected `QRY` has a payload only with three arguments; undirected `GCF` only when a
/// numeric token follows the TrID.
#[test]
fn payload_rules_count_arguments() {
    let qry = ns(ProtocolVersion::Msnp11).without_direction();
    match Decoder::new(qry, Limits::default()).decode(b"QRY 1 id\r\nxx") {
        Ok(Status::Complete { consumed, value }) => {
            assert_eq!(consumed, 10);
            assert_eq!(value.payload(), None);
        }
        other => panic!("{other:?}"),
    }
    let gcf = ns(ProtocolVersion::Msnp13).without_direction();
    match Decoder::new(gcf, Limits::default()).decode(b"GCF 1\r\nx") {
        Ok(Status::Complete { consumed, value }) => {
            assert_eq!(consumed, 7);
            assert_eq!(value.payload(), None);
        }
        other => panic!("{other:?}"),
    }
}

/// `reset` forgets a half-skipped over-long line: without it, the first line of the new stream
/// would be skipped as the rest of the old one.
#[test]
fn reset_forgets_a_line_being_skipped() {
    let limits = Limits {
        max_line: 16,
        ..Limits::default()
    };
    let fresh = b"CHG 1 NLN 0\r\n";
    let mut d = Decoder::new(ns(ProtocolVersion::Msnp12), limits);
    // An over-long line with no end yet: the decoder skips until its LF.
    let e = d.decode(&[b'A'; 40]).unwrap_err();
    assert_eq!(e.kind, DecodeErrorKind::LineTooLong { max: 16 });
    // Without `reset`, the new stream's first line is taken for the old line's rest.
    let mut kept = d.clone();
    assert!(matches!(
        kept.decode(fresh),
        Ok(Status::Skipped { consumed: 13 })
    ));
    d.reset();
    match d.decode(fresh) {
        Ok(Status::Complete { consumed, value }) => {
            assert_eq!(consumed, fresh.len());
            assert_eq!(value.line(), b"CHG 1 NLN 0");
        }
        other => panic!("{other:?}"),
    }
}

/// A bad byte is found in whichever eight-byte word of the line it falls, not only in the
/// tail: every word's check is kept, none overwrites another's.
#[test]
fn bad_byte_found_in_every_word() {
    let clean = b"CHG 1 NLN 0 0123456789 abcdefghij";
    for at in 4..clean.len() {
        if clean[at] == b' ' {
            continue;
        }
        for (bad, kind) in [
            (0x01u8, DecodeErrorKind::ControlByte { byte: 0x01 }),
            (0x7f, DecodeErrorKind::ControlByte { byte: 0x7f }),
            (0xff, DecodeErrorKind::InvalidText { ascii_only: false }),
        ] {
            let mut line = clean.to_vec();
            line[at] = bad;
            line.extend_from_slice(b"\r\n");
            let mut d = Decoder::new(ns(ProtocolVersion::Msnp8), Limits::default());
            let e = d.decode(&line).unwrap_err();
            assert_eq!((e.kind, e.offset), (kind, at), "byte {bad:#x} at {at}");
        }
    }
}

/// A TrID-carrying verb alone on its line: the TrID error points at the line start.
#[test]
fn missing_trid_points_at_line_start() {
    let mut d = Decoder::new(ns(ProtocolVersion::Msnp8), Limits::default());
    let e = d.decode(b"USR\r\n").unwrap_err();
    assert_eq!((e.kind, e.offset), (DecodeErrorKind::BadTrId, 0));
    let e = d.decode(b" USR 1\r\n").unwrap_err();
    assert_eq!(
        (e.kind, e.offset, e.verb),
        (DecodeErrorKind::InvalidVerb, 0, None)
    );
}

/// A payload command carries its payload from exactly the version that introduced the payload
/// (the first version of the verb), and not before.
#[test]
fn payload_from_its_first_version() {
    // Payloads only where the dialect has them (by default they are read wherever sent).
    let strict = |d: Dialect| Dialect {
        leniency: msnp_proto::Leniency {
            payload_outside_version: false,
            ..msnp_proto::Leniency::DEFAULT
        },
        ..d
    };
    let server =
        |v| strict(Dialect::notification(v).with_direction(msnp_proto::Direction::ServerToClient));
    let client =
        |v| strict(Dialect::notification(v).with_direction(msnp_proto::Direction::ClientToServer));
    for (dialect, before, wire) in [
        (
            server(ProtocolVersion::Msnp11),
            server(ProtocolVersion::Msnp10),
            &b"UBX bob@hotmail.com 2\r\nhi"[..],
        ),
        (
            client(ProtocolVersion::Msnp11),
            client(ProtocolVersion::Msnp10),
            b"UUX 3 2\r\nhi",
        ),
        (
            client(ProtocolVersion::Msnp13),
            client(ProtocolVersion::Msnp12),
            b"ADL 4 5\r\n<ml/>",
        ),
    ] {
        let mut d = Decoder::new(dialect, Limits::default());
        match d.decode(wire) {
            Ok(Status::Complete { consumed, value }) => {
                assert_eq!(consumed, wire.len(), "{dialect:?}");
                assert!(value.payload().is_some());
            }
            other => panic!("{dialect:?}: {other:?}"),
        }
        // One version earlier the verb has no payload: the number is an argument.
        let mut d = Decoder::new(before, Limits::default());
        match d.decode(wire) {
            Ok(Status::Complete { value, .. }) => assert_eq!(value.payload(), None),
            other => panic!("{before:?}: {other:?}"),
        }
    }
}

/// The decoder remembers each verb's framing rules per dialect: an error reply and the verbs
/// next to it in the table never share a memory, whichever comes first.
#[test]
fn error_replies_and_table_neighbours_keep_their_own_rules() {
    let d = Dialect::notification(ProtocolVersion::Msnp13)
        .with_direction(msnp_proto::Direction::ServerToClient);
    let error = &b"911 4 3\r\nabc"[..];
    for line in [
        &b"XFR 3 NS 198.51.100.1:1863 0 198.51.100.2:1863\r\n"[..],
        b"VER 1 MSNP13 CVR0\r\n",
        b"USR 2 OK alice@hotmail.com 1 0\r\n",
    ] {
        for order in [[error, line], [line, error]] {
            let mut dec = Decoder::new(d, Limits::default());
            for wire in order {
                match dec.decode(wire) {
                    Ok(Status::Complete { consumed, value }) => {
                        assert_eq!(consumed, wire.len(), "{:?}", String::from_utf8_lossy(wire));
                        assert_eq!(value.payload().is_some(), wire == error);
                    }
                    other => panic!("{:?}: {other:?}", String::from_utf8_lossy(wire)),
                }
            }
        }
    }
}

/// Unknown letter verbs at both ends of the table frame like any unknown verb.
#[test]
fn unknown_verbs_at_the_table_edges() {
    for wire in [
        &b"AAB 1 x\r\n"[..],
        b"AAA 1\r\n",
        b"ZZZ 1 y\r\n",
        b"AZZ x\r\n",
    ] {
        let mut d = Decoder::new(ns(ProtocolVersion::Msnp12), Limits::default());
        match d.decode(wire) {
            Ok(Status::Complete { consumed, .. }) => assert_eq!(consumed, wire.len()),
            other => panic!("{:?}: {other:?}", String::from_utf8_lossy(wire)),
        }
    }
}
