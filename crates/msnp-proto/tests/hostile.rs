//! Hostile and malformed input: every case is a typed error with a place, and decoding resumes
//! at the next line. Plus properties over arbitrary bytes: no panic, progress, chunking-invariance.

use msnp_proto::{
    DecodeErrorKind, Decoder, Dialect, Direction, Leniency, Limits, Needed, ProtocolVersion,
    Status, Verb,
};
use proptest::prelude::*;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    Cmd(Vec<u8>),
    Err(&'static str, usize),
    Skip(usize),
}

/// Decodes all of `input` fed in chunks of `chunk` bytes; offsets in errors are absolute.
fn run(dialect: Dialect, limits: Limits, input: &[u8], chunk: usize) -> Vec<Item> {
    let mut dec = Decoder::new(dialect, limits);
    let (mut start, mut fed, mut items) = (0usize, 0usize, Vec::new());
    let mut guard = 0usize;
    loop {
        guard += 1;
        assert!(guard < 10 * input.len() + 100, "no progress");
        match dec.decode(&input[start..fed]) {
            Ok(Status::Complete { value, consumed }) => {
                assert!(consumed > 0 && consumed <= fed - start);
                assert_eq!(value.as_bytes(), &input[start..start + consumed]);
                items.push(Item::Cmd(value.as_bytes().to_vec()));
                start += consumed;
            }
            Ok(Status::Skipped { consumed }) => {
                assert!(consumed > 0 && consumed <= fed - start);
                items.push(Item::Skip(consumed));
                start += consumed;
            }
            Ok(Status::Incomplete(needed)) => {
                if let Needed::Size(n) = needed {
                    assert!(n.get() <= limits.max_payload + limits.max_line + 2);
                }
                if fed == input.len() {
                    if let Some(e) = dec.finish(&input[start..fed]) {
                        items.push(Item::Err(e.kind_name(), start + e.offset));
                    }
                    return items;
                }
                fed = (fed + chunk).min(input.len());
            }
            Err(e) => {
                assert!(
                    e.skip > 0 && e.skip <= fed - start,
                    "skip {} of {}",
                    e.skip,
                    fed - start
                );
                items.push(Item::Err(e.kind_name(), start + e.offset));
                start += e.skip;
            }
        }
    }
}

fn client(v: ProtocolVersion) -> Dialect {
    Dialect::notification(v).with_direction(Direction::ClientToServer)
}

fn kinds(items: &[Item]) -> Vec<&'static str> {
    items
        .iter()
        .filter_map(|i| {
            if let Item::Err(k, _) = i {
                Some(*k)
            } else {
                None
            }
        })
        .collect()
}

fn cmds(items: &[Item]) -> Vec<String> {
    items
        .iter()
        .filter_map(|i| {
            if let Item::Cmd(c) = i {
                Some(String::from_utf8_lossy(c).into_owned())
            } else {
                None
            }
        })
        .collect()
}

const TAIL: &[u8] = b"PNG\r\n";

/// Each hostile line, followed by a good command that must still come through.
#[test]
fn each_hostile_line_is_a_typed_error_then_recovery() {
    let cases: &[(&[u8], &str)] = &[
        (b"MSG 1 N -13\r\n", "bad_payload_length"),
        (b"MSG 1 N +13\r\n", "bad_payload_length"),
        (b"MSG 1 N 1e3\r\n", "bad_payload_length"),
        (b"MSG 1 N abc\r\n", "bad_payload_length"),
        (b"MSG 1 N 99999999999\r\n", "payload_too_large"),
        (
            b"MSG 1 N 99999999999999999999999999\r\n",
            "payload_too_large",
        ),
        (b"MSG 1 N 1048577\r\n", "payload_too_large"),
        (b"MSG 1\r\n", "missing_payload_length"),
        (b"UUX 7\r\n", "missing_payload_length"),
        (b"PNG\n", "bare_lf"),
        (b"\r\n", "empty_line"),
        (b"\n", "bare_lf"),
        (b"CHG 1 NLN\x00 0\r\n", "control_byte"),
        (b"CHG 1 NLN\t0\r\n", "control_byte"),
        (b"CHG 1 NLN\r0\r\n", "control_byte"),
        (b"PRP 1 MFN \xff\xfe\r\n", "invalid_text"),
        (b"PRP 1 MFN \xc3\r\n", "invalid_text"),
        (b"msg 1 N 3\r\n", "invalid_verb"),
        (b"MSGX 1\r\n", "invalid_verb"),
        (b" PNG\r\n", "invalid_verb"),
        (b"M\r\n", "invalid_verb"),
        (b"CHG NLN 0\r\n", "bad_trid"),
        (b"CHG 4294967296 NLN 0\r\n", "bad_trid"),
        (b"CHG\r\n", "bad_trid"),
    ];
    for (line, kind) in cases {
        let mut input = line.to_vec();
        input.extend_from_slice(TAIL);
        for chunk in [1, 3, input.len()] {
            let items = run(
                client(ProtocolVersion::Msnp12),
                Limits::default(),
                &input,
                chunk,
            );
            assert_eq!(
                kinds(&items),
                [*kind],
                "{:?} chunk {chunk}",
                String::from_utf8_lossy(line)
            );
            assert_eq!(
                cmds(&items),
                ["PNG\r\n"],
                "{:?} chunk {chunk}",
                String::from_utf8_lossy(line)
            );
        }
    }
}

#[test]
fn errors_carry_offset_and_verb() {
    let mut dec = Decoder::new(client(ProtocolVersion::Msnp12), Limits::default());
    let e = dec.decode(b"MSG 1 N -13\r\nPNG\r\n").unwrap_err();
    assert_eq!(e.kind, DecodeErrorKind::BadPayloadLength);
    assert_eq!(e.offset, 8);
    assert_eq!(e.verb, Some(Verb::MSG));
    assert_eq!(e.skip, 13);
    assert_eq!(
        e.to_string(),
        "payload length is not a decimal number (at byte 8, command MSG)"
    );
}

#[test]
fn huge_length_is_rejected_before_buffering() {
    // Only the line has arrived: the decoder must not ask for 99 GB.
    let mut dec = Decoder::new(client(ProtocolVersion::Msnp12), Limits::default());
    let e = dec.decode(b"MSG 1 N 99999999999\r\n").unwrap_err();
    assert!(matches!(
        e.kind,
        DecodeErrorKind::PayloadTooLarge {
            len: 99_999_999_999,
            max: 1_048_576
        }
    ));
}

#[test]
fn one_mebibyte_line_is_reported_once_and_skipped() {
    let mut input = TAIL.to_vec();
    input.extend(std::iter::repeat_n(b'A', 1 << 20));
    input.extend_from_slice(b"\r\n");
    input.extend_from_slice(TAIL);
    for chunk in [4096, 65536, input.len()] {
        let items = run(
            client(ProtocolVersion::Msnp12),
            Limits::default(),
            &input,
            chunk,
        );
        assert_eq!(kinds(&items), ["line_too_long"], "chunk {chunk}");
        assert_eq!(cmds(&items), ["PNG\r\n", "PNG\r\n"], "chunk {chunk}");
    }
}

#[test]
fn a_line_over_the_limit_waits_no_longer_than_the_limit() {
    let limits = Limits {
        max_line: 16,
        ..Limits::default()
    };
    let mut dec = Decoder::new(client(ProtocolVersion::Msnp12), limits);
    assert_eq!(
        dec.decode(b"PRP 1 MFN abc"),
        Ok(Status::Incomplete(Needed::Unknown))
    );
    let e = dec.decode(b"PRP 1 MFN abcdefghijk").unwrap_err();
    assert!(matches!(e.kind, DecodeErrorKind::LineTooLong { max: 16 }));
}

#[test]
fn leniency_switches() {
    let lenient = client(ProtocolVersion::Msnp12).with_leniency(Leniency::PERMISSIVE);
    let items = run(
        lenient,
        Limits::default(),
        b"PNG\n\r\nCHG  1  NLN 0 \r\nPNG\r\n",
        100,
    );
    assert_eq!(kinds(&items), Vec::<&str>::new());
    assert_eq!(cmds(&items), ["PNG\n", "CHG  1  NLN 0 \r\n", "PNG\r\n"]);
    let strict = client(ProtocolVersion::Msnp12).with_leniency(Leniency::STRICT);
    let items = run(
        strict,
        Limits::default(),
        b"CHG  1 NLN 0\r\nPRP 1 MFN \xc3\xa9\r\nPNG\r\n",
        100,
    );
    assert_eq!(kinds(&items), ["extra_space", "invalid_text"]);
    // Runs of spaces do not create empty arguments.
    let mut dec = Decoder::new(lenient, Limits::default());
    let Ok(Status::Complete { value, .. }) = dec.decode(b"CHG  1  NLN 0 \r\n") else {
        panic!()
    };
    assert_eq!(value.args().collect::<Vec<_>>(), [&b"NLN"[..], b"0"]);
}

#[test]
fn token_limit() {
    let limits = Limits {
        max_tokens: 4,
        ..Limits::default()
    };
    let items = run(
        client(ProtocolVersion::Msnp12),
        limits,
        b"VER 1 MSNP12 MSNP11 CVR0\r\nPNG\r\n",
        100,
    );
    assert_eq!(kinds(&items), ["too_many_tokens"]);
}

#[test]
fn truncated_input_is_reported_once() {
    for (input, missing) in [(&b"MSG 1 N 10\r\nabc"[..], 7usize), (b"CHG 1 NL", 0)] {
        let mut dec = Decoder::new(client(ProtocolVersion::Msnp12), Limits::default());
        assert!(matches!(dec.decode(input), Ok(Status::Incomplete(_))));
        let e = dec.finish(input).unwrap();
        assert_eq!(
            e.kind,
            DecodeErrorKind::Truncated {
                missing,
                line: missing == 0
            }
        );
        assert!(dec.finish(b"").is_none());
    }
}

#[test]
fn payload_needs_exact_size() {
    let mut dec = Decoder::new(client(ProtocolVersion::Msnp12), Limits::default());
    match dec.decode(b"MSG 1 N 10\r\nabc") {
        Ok(Status::Incomplete(Needed::Size(n))) => assert_eq!(n.get(), 7),
        other => panic!("{other:?}"),
    }
}

fn alphabet_bytes() -> impl Strategy<Value = Vec<u8>> {
    let alphabet: &[u8] = b"ABCDEFGLMNQRSTUVXY0123456789 :@.%\r\n-";
    proptest::collection::vec(
        prop_oneof![9 => proptest::sample::select(alphabet), 1 => any::<u8>()],
        0..600,
    )
}

fn any_dialect() -> impl Strategy<Value = Dialect> {
    (
        proptest::sample::select(ProtocolVersion::ALL.to_vec()),
        prop_oneof![
            Just(None),
            Just(Some(Direction::ClientToServer)),
            Just(Some(Direction::ServerToClient))
        ],
        any::<bool>(),
    )
        .prop_map(|(v, d, lenient)| {
            let mut dialect = Dialect::notification(v);
            dialect.direction = d;
            if lenient {
                dialect.leniency = Leniency::PERMISSIVE;
            }
            dialect
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Arbitrary bytes: no panic, always progress, and the same items whatever the chunking.
    #[test]
    fn chunking_never_changes_the_result(input in alphabet_bytes(), dialect in any_dialect(), chunk in 1usize..40) {
        let limits = Limits { max_line: 64, max_payload: 128, ..Limits::default() };
        let whole = run(dialect, limits, &input, input.len().max(1));
        let chunked = run(dialect, limits, &input, chunk);
        // How the rest of an over-long line is dropped (one skip or several) may differ; what is
        // decoded and reported may not.
        let strip = |v: Vec<Item>| v.into_iter().filter(|i| !matches!(i, Item::Skip(_))).collect::<Vec<_>>();
        prop_assert_eq!(strip(whole), strip(chunked));
    }
}

/// A valid command as parts: verb, TrID, arguments, payload.
fn valid_command()
-> impl Strategy<Value = (Dialect, Verb, Option<u32>, Vec<String>, Option<Vec<u8>>)> {
    (
        any_dialect(),
        proptest::sample::select(Verb::KNOWN.to_vec()),
        any::<u32>(),
        proptest::collection::vec("[A-Za-z%@.:{}=-][A-Za-z0-9%@.:{}=-]{0,12}", 0..6),
        proptest::collection::vec(any::<u8>(), 0..64),
    )
        .prop_map(|(d, verb, trid, args, payload)| (d, verb, Some(trid), args, Some(payload)))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    /// Whatever the builder accepts decodes back to the same parts, in any chunking.
    #[test]
    fn built_commands_decode_to_their_parts((dialect, verb, trid, args, payload) in valid_command(), chunk in 1usize..50) {
        use msnp_proto::{OwnedCommand, TrId};
        // Try the four combinations of TrID and payload; keep what the dialect accepts.
        let mut built = 0;
        for (t, p) in [(trid, payload.clone()), (trid, None), (None, payload), (None, None)] {
            let Ok(cmd) = OwnedCommand::build(&dialect, verb, t.map(TrId), &args, p.as_deref()) else { continue };
            built += 1;
            let raw = cmd.as_raw();
            prop_assert_eq!(raw.verb(), verb);
            prop_assert_eq!(raw.trid(), t.map(TrId));
            prop_assert_eq!(raw.args().map(|a| a.to_vec()).collect::<Vec<_>>(), args.iter().map(|a| a.as_bytes().to_vec()).collect::<Vec<_>>());
            prop_assert_eq!(raw.payload(), p.as_deref());
            let mut wire = cmd.frame().to_vec();
            // OUT has no TrID in either direction: valid in every dialect.
            wire.extend_from_slice(b"OUT\r\n");
            let items = run(dialect, Limits::default(), &wire, chunk);
            prop_assert_eq!(items, vec![Item::Cmd(cmd.frame().to_vec()), Item::Cmd(b"OUT\r\n".to_vec())]);
        }
        prop_assert!(built > 0, "no form of {} was accepted in {:?}", verb, dialect);
    }
}
