//! Property tests: hostile argument lists never panic the typed layer, and every message it
//! accepts encodes to exactly the canonical bytes it came from and decodes back to itself, in
//! every dialect.

use msnp_proto::message::Quirks;
use msnp_proto::{
    Channel, Decoder, Dialect, Direction, Limits, Message, ProtocolVersion, Status, Verb,
};
use proptest::prelude::*;

fn dialects() -> Vec<Dialect> {
    let mut v = Vec::new();
    for version in ProtocolVersion::ALL {
        for channel in [Channel::Notification, Channel::Switchboard] {
            for dir in [
                None,
                Some(Direction::ClientToServer),
                Some(Direction::ServerToClient),
            ] {
                let d = Dialect::notification(version).with_channel(channel);
                v.push(match dir {
                    Some(x) => d.with_direction(x),
                    None => d,
                });
            }
        }
    }
    v
}

/// Tokens that hit real shapes often: keywords, numbers (some overflowing or non-canonical),
/// handles in every form, capabilities, keyed arguments, URL-encoded text, junk.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "OK",
            "NLN",
            "BSY",
            "HDN",
            "FLN",
            "IDL",
            "FL",
            "AL",
            "BL",
            "RL",
            "PL",
            "MD5",
            "TWN",
            "SSO",
            "I",
            "S",
            "A",
            "U",
            "N",
            "D",
            "NS",
            "SB",
            "CKI",
            "RINGING",
            "MFN",
            "PHH",
            "MOB",
            "OTH",
            "RCT",
            "ON",
            "OFF",
            "X",
            "0",
            "1",
            "2",
            "11",
            "Shields.xml",
            "MSNP8",
            "CVR0",
            "msnp9",
            "PUT",
            "DEL",
            "null",
            "MBI_KEY_OLD",
            "Hotmail",
            "INBOX",
            "0x0409",
            "fname=a",
            "lname=b",
            "city=c",
            "state=d",
            "country=e",
        ])
        .prop_map(str::to_owned),
        any::<u32>().prop_map(|n| n.to_string()),
        "[0-9]{1,12}",
        "0[0-9]{1,3}",
        "-[0-9]{1,3}",
        (any::<u32>(), prop::option::of(any::<u32>())).prop_map(|(a, b)| match b {
            Some(b) => format!("{a}:{b}"),
            None => a.to_string(),
        }),
        "[a-z]{1,8}@[a-z]{1,8}\\.com",
        "(1|32|9):[a-z]{1,6}@[a-z]{1,6}\\.com(;via=9:[a-z]{1,4}@live\\.com)?",
        "[a-z]{1,6}@[a-z]{1,6}\\.com;\\{[A-F0-9-]{4,36}\\}",
        "(N|F|C)=[a-z@.%0-9]{0,12}",
        "[A-Za-z0-9%.:;{}=@-]{1,20}",
        "[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}:1863",
        ";|:|1:|;via=|\\{\\}|%|%zz|é",
    ]
}

fn verb() -> impl Strategy<Value = Verb> {
    prop_oneof![
        8 => prop::sample::select(Verb::KNOWN.to_vec()),
        1 => (100u16..1000).prop_map(|c| Verb::error(c).unwrap()),
    ]
}

fn line() -> impl Strategy<Value = (Verb, Option<u32>, Vec<String>, Option<Vec<u8>>)> {
    (
        verb(),
        prop::option::of(prop_oneof![Just(0u32), 1u32..100, any::<u32>()]),
        prop::collection::vec(token(), 0..10),
        prop::option::of(prop::collection::vec(any::<u8>(), 0..40)),
    )
}

fn wire(verb: Verb, trid: Option<u32>, args: &[String], payload: &Option<Vec<u8>>) -> Vec<u8> {
    let mut w = verb.as_bytes().to_vec();
    if let Some(t) = trid {
        w.extend_from_slice(format!(" {t}").as_bytes());
    }
    for a in args {
        w.push(b' ');
        w.extend_from_slice(a.as_bytes());
    }
    if let Some(p) = payload {
        w.extend_from_slice(format!(" {}", p.len()).as_bytes());
    }
    w.extend_from_slice(b"\r\n");
    if let Some(p) = payload {
        w.extend_from_slice(p);
    }
    w
}

/// Decodes `bytes` as one raw command in `d`, then as a typed message; checks the properties.
/// Returns whether a typed (non-`Unknown`) message came out.
fn check(d: &Dialect, q: &Quirks, bytes: &[u8]) -> Result<bool, TestCaseError> {
    let mut dec = Decoder::new(*d, Limits::default());
    let Ok(Status::Complete {
        value: raw,
        consumed,
    }) = dec.decode(bytes)
    else {
        return Ok(false);
    };
    if consumed != bytes.len() {
        return Ok(false);
    }
    let Ok(msg) = Message::decode_with(&raw, d, q) else {
        return Ok(false);
    };
    if msg.is_unknown() {
        return Ok(false);
    }
    // Accepted: it must encode, to exactly the canonical input, and read back to itself.
    let out = msg.to_vec_with(d, q);
    prop_assert!(
        out.is_ok(),
        "{:?} accepted {:?} but cannot encode it: {:?}",
        d,
        String::from_utf8_lossy(raw.line()),
        out
    );
    let out = out.unwrap_or_default();
    prop_assert_eq!(&out[..], bytes, "{:?}", d);
    prop_assert_eq!(msg.encoded_len_with(d, q), out.len());
    let mut dec2 = Decoder::new(*d, Limits::default());
    let Ok(Status::Complete { value: raw2, .. }) = dec2.decode(&out) else {
        return Err(TestCaseError::fail("re-encoded bytes do not frame"));
    };
    let again = Message::decode_with(&raw2, d, q);
    prop_assert_eq!(again.as_ref().ok(), Some(&msg));
    let owned = msg.clone().into_owned();
    prop_assert_eq!(&owned, &msg);
    Ok(true)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    /// Arbitrary tokens for every verb, in every dialect: never a panic; whatever is accepted
    /// round-trips byte-exactly.
    #[test]
    fn hostile_and_plausible_lines((verb, trid, args, payload) in line()) {
        let bytes = wire(verb, trid, &args, &payload);
        for d in dialects() {
            for q in [Quirks::default(), Quirks::ALL] {
                check(&d, &q, &bytes)?;
            }
        }
    }

    /// Arbitrary bytes as arguments: no panic.
    #[test]
    fn arbitrary_bytes_never_panic(verb in verb(), args in prop::collection::vec(prop::collection::vec(any::<u8>(), 1..12), 0..8)) {
        let mut w = verb.as_bytes().to_vec();
        for a in &args {
            w.push(b' ');
            w.extend_from_slice(a);
        }
        w.extend_from_slice(b"\r\n");
        for d in dialects() {
            let mut dec = Decoder::new(d, Limits::default());
            if let Ok(Status::Complete { value, .. }) = dec.decode(&w) {
                let _ = Message::decode(&value, &d);
            }
        }
    }
}

/// The plausible-token generator reaches typed messages for most verbs (so the round-trip
/// property above is not vacuous).
#[test]
fn generator_reaches_most_verbs() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = line();
    let mut typed = std::collections::BTreeSet::new();
    let ds = dialects();
    for _ in 0..20000 {
        let (verb, trid, args, payload) = strategy.new_tree(&mut runner).unwrap().current();
        let bytes = wire(verb, trid, &args, &payload);
        for d in &ds {
            if check(d, &Quirks::default(), &bytes).unwrap() {
                typed.insert(verb);
            }
        }
    }
    assert!(
        typed.len() >= 40,
        "only {} verbs reached: {typed:?}",
        typed.len()
    );
}
