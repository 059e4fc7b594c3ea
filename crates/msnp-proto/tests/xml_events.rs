//! The event reader pinned against the tree and the typed readings against tree-based ones:
//! generated documents (well-formed ones, and the same cut or spliced) read both ways give the
//! same answer, errors included.

use std::borrow::Cow;

use msnp_proto::payload::PayloadError;
use msnp_proto::payload::data::{DataDocument, MediaField, UserData};
use msnp_proto::payload::notification::NotificationDocument;
use msnp_proto::xml::{
    Element, Node, XmlError, XmlEvent, XmlLimits, XmlOptions, XmlReader, parse_document,
    read_document, read_fragment,
};
use proptest::prelude::*;

mod xml_gen;
use xml_gen::document;

/// The tree rebuilt from the public events, independently of the crate's own builder.
fn rebuild(input: &str, fragment: bool) -> Result<Vec<Element<'_>>, XmlError> {
    let limits = XmlLimits::default();
    let mut r = if fragment {
        XmlReader::fragment(input, &limits, XmlOptions::default())?
    } else {
        XmlReader::document(input, &limits, XmlOptions::default())?
    };
    let mut stack: Vec<Element<'_>> = Vec::new();
    let mut roots = Vec::new();
    while let Some(e) = r.next()? {
        match e {
            XmlEvent::Start(t) => stack.push(Element {
                name: Cow::Borrowed(t.name),
                attrs: t.attrs().map(|(k, v)| (Cow::Borrowed(k), v)).collect(),
                children: vec![],
                span: t.span(),
                inner: t.end..t.end,
            }),
            XmlEvent::Text(t) => {
                assert!(!t.is_empty());
                let children = &mut stack.last_mut().expect("text inside an element").children;
                match children.last_mut() {
                    Some(Node::Text(prev)) => prev.to_mut().push_str(&t),
                    _ => children.push(Node::Text(t)),
                }
            }
            XmlEvent::End(end) => {
                let mut el = stack.pop().expect("an open element");
                el.inner = el.inner.start..end.start;
                el.span = el.span.start..end.end;
                match stack.last_mut() {
                    Some(p) => p.children.push(Node::Element(el)),
                    None => roots.push(el),
                }
            }
        }
    }
    assert!(stack.is_empty());
    Ok(roots)
}

/// `PSM`, `MachineGuid`, `DDP` and `CurrentMedia` of a `<Data>`.
type DataFields = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<MediaField>,
);

/// `<Data>` read from the tree: the reading the event reader replaced.
fn data_from_tree(src: &str) -> Result<DataFields, PayloadError> {
    let doc = parse_document(src, &XmlLimits::default())?;
    if doc.root.name != "Data" {
        return Err(PayloadError::UnexpectedRoot {
            expected: "Data",
            found: doc.root.name.to_string(),
        });
    }
    let text = |e: &Element<'_>| match e.elements().next() {
        Some(c) => Err(PayloadError::UnexpectedElement {
            parent: e.name.to_string(),
            found: c.name.to_string(),
        }),
        None => Ok(e.text().into_owned()),
    };
    let (mut psm, mut guid, mut ddp, mut media) = (None, None, None, None);
    for c in doc.root.elements() {
        match c.name.as_ref() {
            "PSM" => psm = Some(text(c)?),
            "MachineGuid" => guid = Some(text(c)?),
            "DDP" if c.elements().next().is_some() => ddp = Some(doc.inner_xml(c).to_owned()),
            "DDP" => ddp = Some(text(c)?),
            "CurrentMedia" => {
                let t = text(c)?;
                media = Some(if t.is_empty() {
                    MediaField::Empty
                } else {
                    match msnp_proto::payload::data::CurrentMedia::parse(&t) {
                        Ok(m) => MediaField::Media(m),
                        Err(_) => MediaField::Invalid(t),
                    }
                });
            }
            // The other known elements have their own checks; left out of the comparison.
            "EndpointData" | "PrivateEndpointData" | "Scene" | "ColorScheme" | "SignatureSound" => {
                return Err(PayloadError::Xml {
                    offset: 0,
                    message: "not compared".into(),
                });
            }
            _ => {}
        }
    }
    Ok((psm, guid, ddp, media))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn events_rebuild_the_tree(doc in document()) {
        let tree = read_document(&doc, &XmlLimits::default(), XmlOptions::default()).map(|d| vec![d.root]);
        prop_assert_eq!(rebuild(&doc, false), tree);
        let frag = read_fragment(&doc, &XmlLimits::default(), XmlOptions::default()).map(|f| f.elements);
        prop_assert_eq!(rebuild(&doc, true), frag);
    }

    #[test]
    fn user_data_reads_as_the_tree_did(doc in document()) {
        let read = UserData::parse(doc.as_bytes(), &XmlLimits::default());
        match data_from_tree(&doc) {
            Ok((psm, guid, ddp, media)) => {
                let d = read.unwrap();
                prop_assert_eq!(d.psm.as_deref(), psm.as_deref());
                prop_assert_eq!(d.machine_guid.as_deref(), guid.as_deref());
                prop_assert_eq!(d.ddp.as_deref(), ddp.as_deref());
                prop_assert_eq!(&d.current_media, &media);
                // A text that needed no unescaping is borrowed from the payload.
                if let Some(Cow::Borrowed(p)) = d.psm.as_ref().filter(|p| !p.is_empty()) {
                    let at = p.as_ptr() as usize - doc.as_ptr() as usize;
                    prop_assert_eq!(&doc[at..at + p.len()], *p);
                }
                let all = DataDocument::parse(doc.as_bytes(), &XmlLimits::default()).unwrap();
                prop_assert_eq!(all, DataDocument::Data(Box::new(d)));
            }
            Err(PayloadError::Xml { message, .. }) if message == "not compared" => {}
            Err(e) => prop_assert_eq!(read.unwrap_err(), e),
        }
    }

    #[test]
    fn notification_reads_as_the_tree_did(doc in document()) {
        let doc = doc.replacen("<Data", "<NOTIFICATION", 1).replacen("</Data>", "</NOTIFICATION>", 1);
        let read = NotificationDocument::parse(doc.as_bytes(), &XmlLimits::default());
        let tree = msnp_proto::xml::parse_document_with(&doc, &XmlLimits::default(), XmlOptions { lenient_ampersand: true });
        match (tree, read) {
            (Ok(t), Ok(n)) => {
                prop_assert_eq!(&*t.root.name, "NOTIFICATION");
                prop_assert_eq!(n.site_url.as_deref(), t.root.attr("siteurl"));
                let msgs: Vec<_> = t.root.elements().filter(|e| e.name == "MSG").collect();
                prop_assert_eq!(n.messages.len(), msgs.len());
                for (m, e) in n.messages.iter().zip(msgs) {
                    prop_assert_eq!(m.id.as_deref(), e.attr("id"));
                    let body = e.child("BODY");
                    prop_assert_eq!(m.body.is_some(), body.is_some());
                    if let (Some(b), Some(be)) = (&m.body, e.elements().filter(|c| c.name == "BODY").last()) {
                        prop_assert_eq!(&b.raw_text, &be.text());
                        let text = be.elements().filter(|c| c.name == "TEXT").last().map(|c| c.text());
                        prop_assert_eq!(b.text.as_deref(), text.as_deref());
                    }
                }
                let to = t.root.elements().filter(|e| e.name == "TO").last();
                prop_assert_eq!(n.to.as_ref().and_then(|t| t.via.as_deref()), to.and_then(|t| t.child("VIA")).and_then(|v| v.attr("agent")));
                prop_assert_eq!(&n.clone().into_owned(), &n);
                let others = t.root.elements().filter(|e| !matches!(&*e.name, "TO" | "MSG")).count();
                prop_assert_eq!(n.other.len(), others);
            }
            (Ok(t), Err(e)) => {
                // Only the root's name or its numeric attributes can refuse a tree.
                let bad_num = ["ver", "id", "siteid"].iter().any(|a| t.root.attr(a).is_some_and(|v| !v.trim().is_empty() && v.trim().parse::<u32>().is_err()));
                prop_assert!(t.root.name != "NOTIFICATION" || bad_num, "{e:?}");
            }
            (Err(e), read) => prop_assert_eq!(read.unwrap_err(), e),
        }
    }
}

/// More attributes than a tag keeps positions for are read again from the tag.
#[test]
fn many_attributes() {
    let doc = r#"<a k0="0" k1="1" k2="2" k3="3" k4="4" k5="5" k6="6" k7="7" k8="8" k9="&amp;"/>"#;
    let mut r = XmlReader::document(doc, &XmlLimits::default(), XmlOptions::default()).unwrap();
    let Some(XmlEvent::Start(t)) = r.next().unwrap() else {
        panic!()
    };
    let all: Vec<_> = t.attrs().collect();
    assert_eq!(all.len(), 10);
    assert_eq!(t.attr("k9").as_deref(), Some("&"));
    assert_eq!(t.attr("k0").as_deref(), Some("0"));
    assert_eq!(
        t.attrs_named(["k8", "k2", "zz"])
            .map(|v| v.map(Cow::into_owned)),
        [Some("8".into()), Some("2".into()), None]
    );
}

/// After an error the reader reports the end, not another error or a panic.
#[test]
fn reading_ends_at_an_error() {
    let mut r =
        XmlReader::document("<a><b></a>", &XmlLimits::default(), XmlOptions::default()).unwrap();
    let mut events = 0;
    let err = loop {
        match r.next() {
            Ok(Some(_)) => events += 1,
            Ok(None) => panic!("no error"),
            Err(e) => break e,
        }
    };
    assert_eq!(events, 2);
    assert!(matches!(err, XmlError::Malformed { .. }), "{err:?}");
    assert_eq!(r.next(), Ok(None));
    assert_eq!(r.finish(), Ok(()));
}

/// A semantic error in a document that is malformed later is reported as the XML error, as
/// when the whole tree was read first.
#[test]
fn xml_errors_come_before_content_errors() {
    let limits = XmlLimits::default();
    let bad_idle = b"<PrivateEndpointData><Idle>maybe</Idle></PrivateEndpointData>";
    assert!(matches!(
        DataDocument::parse(bad_idle, &limits),
        Err(PayloadError::InvalidValue { .. })
    ));
    let then_truncated = b"<PrivateEndpointData><Idle>maybe</Idle><State>NLN</State>";
    assert!(matches!(
        DataDocument::parse(then_truncated, &limits),
        Err(PayloadError::Truncated { .. })
    ));
    let not = b"<NOTIFICATION ver=\"x\"><MSG></NOTIFICATION>";
    assert!(matches!(
        NotificationDocument::parse(not, &limits),
        Err(PayloadError::Xml { .. })
    ));
}

/// The generator gives well-formed documents often enough for the comparisons to mean
/// something.
#[test]
fn generated_documents_are_mostly_well_formed() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let (mut ok, mut data, mut total) = (0, 0, 0);
    for _ in 0..500 {
        let doc = document().new_tree(&mut runner).unwrap().current();
        total += 1;
        if parse_document(&doc, &XmlLimits::default()).is_ok() {
            ok += 1;
        }
        if UserData::parse(doc.as_bytes(), &XmlLimits::default()).is_ok() {
            data += 1;
        }
    }
    assert!(ok * 2 > total, "{ok} of {total} well-formed");
    assert!(data * 10 > total, "{data} of {total} read as <Data>");
}

/// A repeated attribute is refused with quick-xml's own message, whether the tag keeps its
/// attributes' positions or has too many and is checked by quick-xml.
#[test]
fn repeated_attributes() {
    let limits = XmlLimits::default();
    for doc in [
        r#"<a x="1" y="2" x="3"/>"#,
        r#"<a k0="0" k1="1" k2="2" k3="3" k4="4" k5="5" k6="6" k7="7" k8="8" k1="9"/>"#,
        r#"<a k0="0" k1="1" k2="2" k3="3" k4="4" k5="5" k6="6" k7="7" k8="8" k9="9" k9="9"/>"#,
    ] {
        // quick-xml's answer on the tag's content (between `<` and `/>`).
        let content = &doc[1..doc.len() - 2];
        let dup = quick_xml::events::attributes::Attributes::new(content, 1)
            .find_map(Result::err)
            .expect("a repeated key")
            .to_string();
        assert!(dup.contains("duplicated"), "{dup}");
        let err = read_document(doc, &limits, XmlOptions::default()).unwrap_err();
        assert_eq!(
            err,
            XmlError::Malformed {
                offset: 0,
                message: dup.clone()
            },
            "{doc}"
        );
        let mut r = XmlReader::document(doc, &limits, XmlOptions::default()).unwrap();
        assert_eq!(
            r.next().unwrap_err(),
            XmlError::Malformed {
                offset: 0,
                message: dup
            }
        );
    }
}

/// A tag longer than the kept positions can address is read as well (quick-xml's path).
#[test]
fn long_tags() {
    let limits = XmlLimits {
        max_attr_len: 1 << 20,
        max_size: 1 << 21,
        ..XmlLimits::default()
    };
    let long = "v".repeat(70_000);
    let doc = format!(r#"<a x="{long}" y="2"/>"#);
    let mut r = XmlReader::document(&doc, &limits, XmlOptions::default()).unwrap();
    let Some(XmlEvent::Start(t)) = r.next().unwrap() else {
        panic!()
    };
    assert_eq!(t.attr("y").as_deref(), Some("2"));
    assert_eq!(t.attr("x").map(|v| v.len()), Some(70_000));
    let dup = format!(r#"<a x="{long}" y="2" y="3"/>"#);
    let err = read_document(&dup, &limits, XmlOptions::default()).unwrap_err();
    assert!(
        matches!(&err, XmlError::Malformed { message, .. } if message.contains("duplicated")),
        "{err:?}"
    );
}
