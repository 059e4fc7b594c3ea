//! `UrlText::decodes_to` answers exactly what comparing `decoded()` would, on any wire text:
//! escapes of any byte (invalid UTF-8 included), stray `%`, and plain text with or without
//! U+FFFD.

use msnp_proto::UrlText;
use proptest::prelude::*;

/// Wire text: printable ASCII (no space) and `%XX` escapes of any byte.
fn wire() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[!-~]{1,3}",
        any::<u8>().prop_map(|b| format!("%{b:02X}")),
        prop_oneof![
            Just("%".to_owned()),
            Just("%e".to_owned()),
            Just("%G1".to_owned())
        ],
    ];
    prop::collection::vec(piece, 1..12).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn agrees_with_decoded(w in wire(), other in wire(), pick in 0u8..4) {
        let t = UrlText::from_wire(&w).unwrap();
        let o = UrlText::from_wire(&other).unwrap();
        // The plain text: this one's own decoding, another's, or either with a U+FFFD added.
        let plain = match pick {
            0 => t.decoded().into_owned(),
            1 => o.decoded().into_owned(),
            2 => format!("{}\u{FFFD}", t.decoded()),
            _ => o.decoded().replace('a', "\u{FFFD}"),
        };
        prop_assert_eq!(t.decodes_to(&plain), t.decoded() == plain, "{:?} vs {:?}", w, plain);
    }
}

#[test]
fn escapes_and_replacement_characters() {
    let t = UrlText::from_wire("Bob+%41%20").unwrap();
    assert!(t.decodes_to("Bob+A "));
    assert!(!t.decodes_to("Bob+%41%20"));
    assert!(!t.decodes_to("Bob+A"));
    // An invalid byte decodes lossily to U+FFFD, and compares so.
    let bad = UrlText::from_wire("a%FFb").unwrap();
    assert!(bad.decodes_to("a\u{FFFD}b"));
    assert!(!bad.decodes_to("a\u{FFFD}c"));
    // A literal U+FFFD sent escaped is the same text.
    assert!(
        UrlText::from_wire("%EF%BF%BD")
            .unwrap()
            .decodes_to("\u{FFFD}")
    );
}
