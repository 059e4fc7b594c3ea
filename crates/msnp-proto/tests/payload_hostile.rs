//! Hostile and malformed inputs give the right typed error, never a panic.

use msnp_proto::Verb;
use msnp_proto::payload::data::DataDocument;
use msnp_proto::payload::ml::Ml;
use msnp_proto::payload::xml::{XmlLimits, parse_bytes};
use msnp_proto::payload::{PayloadError, parse_payload};

fn limits() -> XmlLimits {
    XmlLimits::default()
}

#[test]
fn deep_nesting() {
    let depth = 1000;
    let doc = format!("{}{}", "<a>".repeat(depth), "</a>".repeat(depth));
    match parse_bytes(doc.as_bytes(), &limits()) {
        Err(PayloadError::TooDeep { max, offset }) => {
            assert_eq!(max, 32);
            assert_eq!(offset, 32 * 3);
        }
        other => panic!("{other:?}"),
    }
    // exactly at the limit is fine
    let ok = format!("{}{}", "<a>".repeat(32), "</a>".repeat(32));
    assert!(parse_bytes(ok.as_bytes(), &limits()).is_ok());
}

#[test]
fn huge_attribute() {
    let doc = format!(
        r#"<ml><d n="{}"><c n="x" l="1" t="1"/></d></ml>"#,
        "a".repeat(100_000)
    );
    match Ml::parse(doc.as_bytes(), &limits()) {
        Err(PayloadError::AttributeTooLong { name, len, max, .. }) => {
            assert_eq!(name, "n");
            assert_eq!(len, 100_000);
            assert_eq!(max, 8 * 1024);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn oversized_document() {
    let small = XmlLimits {
        max_size: 100,
        ..limits()
    };
    let doc = format!("<Data><PSM>{}</PSM></Data>", "x".repeat(200));
    assert_eq!(
        DataDocument::parse(doc.as_bytes(), &small),
        Err(PayloadError::TooLarge {
            size: doc.len(),
            max: 100
        })
    );
    assert!(matches!(
        parse_payload(Verb::MSG, None, doc.as_bytes(), &small),
        Err(PayloadError::TooLarge { .. })
    ));
}

#[test]
fn too_many_elements() {
    let few = XmlLimits {
        max_elements: 10,
        ..limits()
    };
    let doc = format!("<Data>{}</Data>", "<X/>".repeat(20));
    assert!(matches!(
        parse_bytes(doc.as_bytes(), &few),
        Err(PayloadError::TooManyElements { max: 10, .. })
    ));
}

#[test]
fn doctype_rejected() {
    let doc = br#"<?xml version="1.0"?><!DOCTYPE Data SYSTEM "http://evil/x.dtd"><Data/>"#;
    assert!(matches!(
        parse_bytes(doc, &limits()),
        Err(PayloadError::Doctype { offset: 21 })
    ));
}

#[test]
fn entity_declaration_rejected() {
    let doc =
        br#"<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Data><PSM>&xxe;</PSM></Data>"#;
    assert!(matches!(
        parse_payload(Verb::UBX, None, doc, &limits()),
        Err(PayloadError::Doctype { offset: 0 })
    ));
}

#[test]
fn billion_laughs() {
    let doc = br#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Data><PSM>&lol4;</PSM></Data>"#;
    assert!(matches!(
        parse_bytes(doc, &limits()),
        Err(PayloadError::Doctype { .. })
    ));
}

#[test]
fn unknown_entity_in_text_and_attribute() {
    match parse_bytes(b"<Data><PSM>a &nbsp; b</PSM></Data>", &limits()) {
        Err(PayloadError::UnknownEntity { entity, offset }) => {
            assert_eq!(entity, "nbsp");
            assert_eq!(offset, 13);
        }
        other => panic!("{other:?}"),
    }
    match parse_bytes(br#"<ml><d n="a&foo;b"/></ml>"#, &limits()) {
        Err(PayloadError::UnknownEntity { entity, .. }) => assert_eq!(entity, "foo"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn numeric_and_predefined_references_resolve() {
    let d = parse_bytes(
        br#"<Data><PSM>&#x5C;0 &lt;&gt;&amp;&quot;&apos; &#233;</PSM></Data>"#,
        &limits(),
    )
    .unwrap();
    assert_eq!(
        d.root.child_text("PSM").as_deref(),
        Some("\\0 <>&\"' \u{e9}")
    );
    assert!(matches!(
        parse_bytes(b"<Data><PSM>&#xFFFFFFFF;</PSM></Data>", &limits()),
        Err(PayloadError::Xml { .. })
    ));
}

#[test]
fn invalid_utf8() {
    let mut doc = b"<Data><PSM>ok".to_vec();
    doc.extend([0xff, 0xfe]);
    doc.extend(b"</PSM></Data>");
    assert_eq!(
        DataDocument::parse(&doc, &limits()),
        Err(PayloadError::InvalidUtf8 { offset: 13 })
    );
    // also in MIME headers
    let mime = b"MIME-Version: 1.0\r\nContent-Type: text/plain\r\nX: \xff\r\n\r\nhi";
    assert!(matches!(
        parse_payload(Verb::MSG, None, mime, &limits()),
        Err(PayloadError::InvalidUtf8 { offset: 48 })
    ));
}

#[test]
fn truncated_documents() {
    let full = br#"<ml l="1"><d n="hotmail.com"><c n="bob" l="3" t="1" /></d></ml>"#;
    for cut in 1..full.len() {
        let r = Ml::parse(&full[..cut], &limits());
        assert!(
            matches!(r, Err(PayloadError::Truncated { .. })),
            "cut {cut}: {r:?}"
        );
    }
    match Ml::parse(br#"<ml l="1"><d n="hotmail.com">"#, &limits()) {
        Err(PayloadError::Truncated { missing, offset }) => {
            assert_eq!(missing, "</d>");
            assert_eq!(offset, 29);
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        parse_bytes(b"   ", &limits()),
        Err(PayloadError::Truncated { .. })
    ));
}

#[test]
fn structural_errors() {
    assert!(matches!(
        Ml::parse(b"<Data/>", &limits()),
        Err(PayloadError::UnexpectedRoot { expected: "ml", .. })
    ));
    assert!(matches!(
        Ml::parse(b"<ml><d><c n=\"x\"/></d></ml>", &limits()),
        Err(PayloadError::MissingAttribute { attribute: "n", .. })
    ));
    assert!(matches!(
        Ml::parse(br#"<ml><d n="a"><c n="x" l="300"/></d></ml>"#, &limits()),
        Err(PayloadError::InvalidValue { .. })
    ));
    assert!(matches!(
        Ml::parse(br#"<ml><x/></ml>"#, &limits()),
        Err(PayloadError::UnexpectedElement { .. })
    ));
    assert!(matches!(
        parse_bytes(b"<a></b>", &limits()),
        Err(PayloadError::Xml { .. })
    ));
    assert!(matches!(
        parse_bytes(b"<a/><b/>", &limits()),
        Err(PayloadError::Xml { .. })
    ));
    assert!(matches!(
        parse_bytes(b"text<a/>", &limits()),
        Err(PayloadError::Xml { .. })
    ));
    assert!(matches!(
        parse_bytes(br#"<a x="1" x="2"/>"#, &limits()),
        Err(PayloadError::Xml { .. })
    ));
}

#[test]
fn strict_ampersand_outside_notifications() {
    assert!(parse_bytes(b"<Data><PSM>a & b</PSM></Data>", &limits()).is_err());
    // NOTIFICATION is lenient by default (Hotmail feeds)
    let n = parse_payload(
        Verb::NOT,
        None,
        br#"<NOTIFICATION id="1"><MSG id="2"><ACTION url="/a?x=1&y=2"/><BODY><TEXT>Tom & Jerry</TEXT></BODY></MSG></NOTIFICATION>"#,
        &limits(),
    )
    .unwrap();
    let msnp_proto::payload::Payload::Notification(n) = n else {
        panic!()
    };
    assert_eq!(n.messages[0].action_url.as_deref(), Some("/a?x=1&y=2"));
    let n2 = parse_payload(
        Verb::NOT,
        None,
        br#"<NOTIFICATION id="1"><MSG id="2"><ACTION url="/a?x=1&amp;y=2&z=&#51;&bogus"/><BODY><TEXT>a &nbsp; b</TEXT></BODY></MSG></NOTIFICATION>"#,
        &limits(),
    )
    .unwrap();
    let msnp_proto::payload::Payload::Notification(n2) = n2 else {
        panic!()
    };
    assert_eq!(
        n2.messages[0].action_url.as_deref(),
        Some("/a?x=1&y=2&z=3&bogus")
    );
    assert_eq!(
        n2.messages[0].body.as_ref().unwrap().text.as_deref(),
        Some("a &nbsp; b")
    );
    assert_eq!(
        n.messages[0].body.as_ref().unwrap().text.as_deref(),
        Some("Tom & Jerry")
    );
}

#[test]
fn binary_and_mime_errors() {
    assert!(matches!(
        parse_payload(
            Verb::MSG,
            None,
            b"MIME-Version: 1.0\r\nContent-Type: application/x-msnmsgrp2p\r\n\r\nshort",
            &limits()
        ),
        Err(PayloadError::TooShort {
            needed: 52,
            got: 5,
            ..
        })
    ));
    assert!(matches!(
        parse_payload(Verb::MSG, None, b"no colon here\r\n\r\n", &limits()),
        Err(PayloadError::Mime { offset: 0, .. })
    ));
    assert!(matches!(
        parse_payload(Verb::MSG, None, b"MIME-Version: 1.0\r\n\r\nhi", &limits()),
        Err(PayloadError::MissingHeader("Content-Type"))
    ));
    assert!(matches!(
        parse_payload(Verb::SDG, None, b"Routing: 1.0\r\n\r\n", &limits()),
        Err(PayloadError::Mime { .. })
    ));
}

/// Arbitrary bytes never panic any parser.
#[test]
fn garbage_never_panics() {
    use proptest::prelude::*;
    let verbs = [
        "MSG", "ADL", "UUX", "GCF", "NOT", "UUN", "SDG", "QRY", "XYZ",
    ];
    let mut runner = proptest::test_runner::TestRunner::default();
    runner
        .run(
            &(
                proptest::collection::vec(any::<u8>(), 0..400),
                0usize..9,
                0u32..14,
            ),
            |(bytes, v, t)| {
                let _ = parse_payload(verbs[v].parse().unwrap(), Some(t), &bytes, &limits());
                Ok(())
            },
        )
        .unwrap();
    runner
        .run(&"[<>/a-z\"= &;#x0-9!\\[\\]-]{0,200}", |s| {
            for v in verbs {
                let _ = parse_payload(v.parse().unwrap(), Some(1), s.as_bytes(), &limits());
            }
            Ok(())
        })
        .unwrap();
}
