//! The reader's own tokenizer pinned against quick-xml's `Reader`: an oracle reads the input
//! with quick-xml's `Reader` the way `XmlReader` did before it had a tokenizer of its own, with
//! the same rules on top (limits, names, references, single root), and both must give the same
//! events and the same error, offset included, on generated documents, damaged ones and every
//! prefix of rich ones.
//!
//! One difference is intended: quick-xml does not count a byte order mark in its positions, so
//! the oracle's offsets are moved past it.

use std::borrow::Cow;
use std::ops::Range;

use msnp_proto::xml::{XmlError, XmlEvent, XmlLimits, XmlOptions, XmlReader, read_document};
use proptest::prelude::*;
use quick_xml::XmlVersion;
use quick_xml::escape::EscapeError;
use quick_xml::events::Event;
use quick_xml::events::attributes::Attributes;
use quick_xml::reader::Reader;

mod xml_gen;

/// An event as both readers can state it: a start tag with its attributes (key, and value
/// with references resolved; `None` where the oracle cannot resolve it, a reference the
/// lenient reader keeps as written, so that any value matches).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Ev {
    Start {
        name: String,
        span: Range<usize>,
        empty: bool,
        attrs: Vec<(String, Option<String>)>,
    },
    Text(String),
    End(Range<usize>),
}

/// The events up to the end or the first error.
type Reading = (Vec<Ev>, Option<XmlError>);

/// How a reading is set up.
#[derive(Debug, Clone, Copy)]
struct Setup {
    fragment: bool,
    lenient: bool,
    limits: XmlLimits,
}

/// Small limits, so that every limit is reached on generated documents.
const TIGHT: XmlLimits = XmlLimits {
    max_depth: 2,
    max_size: 4096,
    max_attr_len: 6,
    max_elements: 4,
    max_attributes: 2,
    max_text_len: 12,
};

fn read_new(input: &str, s: Setup) -> Reading {
    let options = XmlOptions {
        lenient_ampersand: s.lenient,
    };
    let made = if s.fragment {
        XmlReader::fragment(input, &s.limits, options)
    } else {
        XmlReader::document(input, &s.limits, options)
    };
    let mut r = match made {
        Ok(r) => r,
        Err(e) => return (vec![], Some(e)),
    };
    let mut events = Vec::new();
    loop {
        match r.next() {
            Ok(Some(XmlEvent::Start(t))) => events.push(Ev::Start {
                name: t.name.to_owned(),
                span: t.span(),
                empty: t.empty,
                attrs: t
                    .attrs()
                    .map(|(k, v)| (k.to_owned(), Some(v.into_owned())))
                    .collect(),
            }),
            Ok(Some(XmlEvent::Text(t))) => events.push(Ev::Text(t.into_owned())),
            Ok(Some(XmlEvent::End(r))) => events.push(Ev::End(r)),
            Ok(None) => return (events, None),
            Err(e) => return (events, Some(e)),
        }
    }
}

/// The reading before the tokenizer: quick-xml's `Reader`, configured and checked as
/// `XmlReader` did (`step` and `start` of that time, with public API only).
fn read_oracle(input: &str, s: Setup) -> Reading {
    let mut events = Vec::new();
    let err = oracle(input, s, &mut events).err();
    (events, err)
}

fn oracle(input: &str, s: Setup, events: &mut Vec<Ev>) -> Result<(), XmlError> {
    if input.len() > s.limits.max_size {
        return Err(XmlError::TooLarge {
            size: input.len(),
            max: s.limits.max_size,
        });
    }
    let mut reader = Reader::from_str(input);
    let cfg = reader.config_mut();
    cfg.check_end_names = true;
    cfg.allow_unmatched_ends = false;
    cfg.expand_empty_elements = false;
    cfg.trim_text_start = false;
    cfg.trim_text_end = false;
    cfg.allow_dangling_amp = s.lenient;
    // quick-xml's positions leave out a byte order mark.
    let shift = if input.starts_with('\u{feff}') { 3 } else { 0 };
    let pos = |p: u64| usize::try_from(p).unwrap() + shift;
    let limits = s.limits;
    // Open elements: name and direct text length.
    let mut open: Vec<(String, usize)> = Vec::new();
    let (mut count, mut roots) = (0usize, 0usize);
    loop {
        let before = pos(reader.buffer_position());
        let event = reader
            .read_event()
            .map_err(|e| map_err(e, pos(reader.error_position())))?;
        let after = pos(reader.buffer_position());
        let text: Cow<'_, str> = match event {
            Event::Start(ref t) | Event::Empty(ref t) => {
                let empty = matches!(event, Event::Empty(_));
                if !s.fragment && open.is_empty() && roots > 0 {
                    return Err(XmlError::NotADocument {
                        offset: before,
                        message: "content after the root element",
                    });
                }
                count += 1;
                if count > limits.max_elements {
                    return Err(XmlError::TooManyElements {
                        offset: before,
                        max: limits.max_elements,
                    });
                }
                if open.len() >= limits.max_depth {
                    return Err(XmlError::TooDeep {
                        offset: before,
                        max: limits.max_depth,
                    });
                }
                let name = std::str::from_utf8(t.name().0.as_ref()).unwrap().to_owned();
                if !is_qname(&name) {
                    return Err(XmlError::Malformed {
                        offset: before,
                        message: "element name is not an XML name".into(),
                    });
                }
                let attrs = check_attrs(t, name.len(), before, s)?;
                if open.is_empty() {
                    roots += 1;
                }
                events.push(Ev::Start {
                    name: name.clone(),
                    span: before..after,
                    empty,
                    attrs,
                });
                if empty {
                    events.push(Ev::End(after..after));
                } else {
                    open.push((name, 0));
                }
                continue;
            }
            Event::End(_) => {
                open.pop().expect("quick-xml matched it");
                events.push(Ev::End(before..after));
                continue;
            }
            Event::Text(t) => {
                let text = t.xml_content(XmlVersion::Implicit1_0).into_owned();
                if open.is_empty() {
                    if !text.trim().is_empty() {
                        return Err(XmlError::NotADocument {
                            offset: before,
                            message: "text outside the root element",
                        });
                    }
                    continue;
                }
                text.into()
            }
            Event::CData(c) => {
                if open.is_empty() {
                    return Err(XmlError::NotADocument {
                        offset: before,
                        message: "CDATA outside the root element",
                    });
                }
                c.xml_content(XmlVersion::Implicit1_0).into_owned().into()
            }
            Event::GeneralRef(r) => {
                let name: &str = &r;
                let predefined = match name {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    _ => None,
                };
                if s.lenient && !r.is_char_ref() && predefined.is_none() {
                    if open.is_empty() {
                        continue;
                    }
                    format!("&{name};").into()
                } else {
                    let ch = if r.is_char_ref() {
                        match r.resolve_char_ref() {
                            Ok(Some(c)) => c,
                            _ => {
                                return Err(XmlError::Malformed {
                                    offset: before,
                                    message: format!("invalid character reference `&{name};`"),
                                });
                            }
                        }
                    } else {
                        predefined.ok_or_else(|| XmlError::UnknownEntity {
                            offset: before,
                            entity: name.to_owned(),
                        })?
                    };
                    if open.is_empty() {
                        return Err(XmlError::NotADocument {
                            offset: before,
                            message: "reference outside the root element",
                        });
                    }
                    ch.to_string().into()
                }
            }
            Event::DocType(_) => return Err(XmlError::Doctype { offset: before }),
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) => continue,
            Event::Eof => {
                if let Some((name, _)) = open.last() {
                    return Err(XmlError::Truncated {
                        offset: input.len(),
                        missing: format!("</{name}>"),
                        open: open.len(),
                    });
                }
                if roots == 0 {
                    return Err(XmlError::NoRoot {
                        offset: input.len(),
                    });
                }
                return Ok(());
            }
        };
        // Text of the innermost element, counted against its limit.
        if let Some((_, len)) = open.last_mut() {
            *len += text.len();
            if *len > limits.max_text_len {
                return Err(XmlError::TextTooLong {
                    offset: before,
                    max: limits.max_text_len,
                });
            }
        }
        if !text.is_empty() {
            events.push(Ev::Text(text.into_owned()));
        }
    }
}

/// The attribute checks of a start tag: well-formed and unique (quick-xml's checks), count,
/// length, references; the attributes, resolved.
fn check_attrs(
    t: &quick_xml::events::BytesStart<'_>,
    name_len: usize,
    offset: usize,
    s: Setup,
) -> Result<Vec<(String, Option<String>)>, XmlError> {
    let content: &str = t;
    let mut counted = 0;
    let mut attrs = Vec::new();
    for attr in Attributes::new(content, name_len) {
        let attr = attr.map_err(|e| XmlError::Malformed {
            offset,
            message: e.to_string(),
        })?;
        if attr.key.as_namespace_binding().is_none() {
            counted += 1;
            if counted > s.limits.max_attributes {
                return Err(XmlError::TooManyAttributes {
                    offset,
                    max: s.limits.max_attributes,
                });
            }
        }
        if attr.value.len() > s.limits.max_attr_len {
            return Err(XmlError::AttributeTooLong {
                offset,
                name: attr.key.0.to_owned(),
                len: attr.value.len(),
                max: s.limits.max_attr_len,
            });
        }
        let value = match attr.normalized_value(XmlVersion::Implicit1_0) {
            Ok(v) => Some(v.into_owned()),
            Err(quick_xml::Error::Escape(_)) if s.lenient => None,
            Err(e) => return Err(map_err(e, offset)),
        };
        attrs.push((attr.key.0.to_owned(), value));
    }
    Ok(attrs)
}

/// The attributes of a start event.
fn attrs_of(e: &Ev) -> Option<&[(String, Option<String>)]> {
    match e {
        Ev::Start { attrs, .. } => Some(attrs),
        _ => None,
    }
}

/// `new` with a value wherever `old` has none (see [`Ev`]), where the two agree on the key.
fn unresolved_as_in(new: &mut Reading, old: &Reading) {
    for (n, o) in new.0.iter_mut().zip(&old.0) {
        if let (Ev::Start { attrs, .. }, Some(theirs)) = (n, attrs_of(o)) {
            for ((k, v), (ok, ov)) in attrs.iter_mut().zip(theirs) {
                if k == ok && ov.is_none() {
                    *v = None;
                }
            }
        }
    }
}

/// Every element's attributes in document order (the tree's reading, as events list them).
fn tree_attrs(e: &msnp_proto::xml::Element<'_>, out: &mut Vec<Vec<(String, Option<String>)>>) {
    out.push(
        e.attrs
            .iter()
            .map(|(k, v)| (k.to_string(), Some(v.to_string())))
            .collect(),
    );
    for c in &e.children {
        if let msnp_proto::xml::Node::Element(c) = c {
            tree_attrs(c, out);
        }
    }
}

/// quick-xml's errors as the reader reports them.
fn map_err(e: quick_xml::Error, offset: usize) -> XmlError {
    use quick_xml::errors::SyntaxError as S;
    match e {
        quick_xml::Error::Syntax(
            s @ (S::UnclosedPI
            | S::UnclosedXmlDecl
            | S::UnclosedComment
            | S::UnclosedDoctype
            | S::UnclosedCData
            | S::UnclosedTag
            | S::UnclosedSingleQuotedAttributeValue
            | S::UnclosedDoubleQuotedAttributeValue),
        ) => XmlError::Unclosed {
            offset,
            missing: s.to_string(),
        },
        quick_xml::Error::Escape(EscapeError::UnrecognizedEntity(_, entity)) => {
            XmlError::UnknownEntity { offset, entity }
        }
        other => XmlError::Malformed {
            offset,
            message: other.to_string(),
        },
    }
}

/// An XML qualified name, ASCII checked exactly (as the reader requires of element names).
fn is_qname(name: &str) -> bool {
    let ncname = |n: &str| {
        let start = |c: char| c.is_ascii_alphabetic() || c == '_' || !c.is_ascii();
        let mut cs = n.chars();
        cs.next().is_some_and(start)
            && cs.all(|c| start(c) || c.is_ascii_digit() || c == '-' || c == '.')
    };
    match name.split_once(':') {
        Some((p, l)) => ncname(p) && ncname(l),
        None => ncname(name),
    }
}

/// Both readings agree, and the tree agrees with the error.
fn same(input: &str, s: Setup) -> Result<(), TestCaseError> {
    let mut new = read_new(input, s);
    let old = read_oracle(input, s);
    unresolved_as_in(&mut new, &old);
    prop_assert_eq!(&new, &old, "{:?} with {:?}", input, s);
    if !s.fragment {
        let options = XmlOptions {
            lenient_ampersand: s.lenient,
        };
        match read_document(input, &s.limits, options) {
            Ok(doc) => {
                prop_assert_eq!(&old.1, &None, "tree of {:?} with {:?}", input, s);
                // The tree collects attributes on its own path through the reader.
                let mut tree = Vec::new();
                tree_attrs(&doc.root, &mut tree);
                let mut events = old.0.iter().filter_map(attrs_of);
                for got in &tree {
                    let want = events.next();
                    prop_assert!(want.is_some(), "tree of {:?}: more elements", input);
                    let want = want.unwrap_or_default();
                    prop_assert_eq!(got.len(), want.len(), "tree of {:?}", input);
                    for ((k, v), (wk, wv)) in got.iter().zip(want) {
                        prop_assert_eq!(k, wk, "tree of {:?}", input);
                        if wv.is_some() {
                            prop_assert_eq!(v, wv, "tree of {:?}", input);
                        }
                    }
                }
            }
            Err(e) => prop_assert_eq!(Some(e), old.1, "tree of {:?} with {:?}", input, s),
        }
    }
    Ok(())
}

/// Pieces spliced into documents: markup and references whole, begun, ended, misplaced and
/// mistyped; line ends; non-ASCII.
const SPLICES: &[&str] = &[
    "<",
    ">",
    "&",
    ";",
    "\"",
    "'",
    "/",
    "=",
    "</a>",
    "</Data >",
    "</Data\r\n>",
    "</ Data>",
    "</Data x='>'>",
    "<b>",
    "<b/>",
    "<b />",
    "</>",
    "</ >",
    "<>",
    "<a x='>' y=\"'\"/>",
    "<1a/>",
    "<a:b:c/>",
    "<é/>",
    "<a b/>",
    "<a b=1/>",
    // Attribute shapes, for splicing inside tags too (see `damaged`).
    " k='v'",
    " k = \"v\"",
    " k\t=\r\n'v'",
    "a='1'b='2'",
    " x=\"a>b/>\"",
    " x='a\"b'",
    " =\"v\"",
    " k",
    " k=",
    " k=v",
    " k='",
    " xmlns='u'",
    " xmlns:x='u'",
    " id='1' id='2'",
    " a='&amp;&#10;'",
    " a='&bogus;'",
    " a='&'",
    " a='<'",
    " a='\t\r\n'",
    " é='1'",
    " a1_.:-b='1'",
    " a='1' b='2' c='3' d='4' e='5' f='6' g='7' h='8' i='9'",
    "/ ",
    " /",
    "<a\tb='1'\n/>",
    "<a b='1'c='2'>",
    "</a\t>",
    "&bogus;",
    "&amp;",
    "&AMP;",
    "&#x41;",
    "&#65;",
    "&#0;",
    "&#xD800;",
    "&#x110000;",
    "&#;",
    "&;",
    "& ;",
    "&a&",
    "&lt",
    "&\r\n;",
    "\r",
    "\r\n",
    "\n",
    "\t",
    " ",
    "\u{a0}",
    "\u{feff}",
    "é",
    "€",
    "𝄞",
    "<!--",
    "-->",
    "<!-- a -- b -->",
    "<!---->",
    "<!--->",
    "<!-->",
    "<!-x-->",
    "<![CDATA[",
    "]]>",
    "<![CDATA[x]]>",
    "<![CDATA[]]>",
    "<![CDATA[\r\n&<]]>",
    "<![cdata[x]]>",
    "<![]]>",
    "<!DOCTYPE a>",
    "<!doctype a [<!ENTITY x 'y>'>]>",
    "<!DOCTYPE>",
    "<!DOCTYPE a [<!-- > -->]>",
    "<!D>",
    "<!Da>",
    "<!x>",
    "<!",
    "<!>",
    "<?",
    "?>",
    "<?xml version='1.0'?>",
    "<?xml?>",
    "<?xml",
    "<?>",
    "<??>",
    "<?pi a>b?>",
];

/// Where a splice goes.
#[derive(Debug, Clone, Copy)]
enum Place {
    Anywhere,
    /// Just after a tag, between constructs.
    AfterTag,
    /// Inside a tag, just before its `>` (or `/>`): among its attributes.
    InTag,
}

/// A generated document with more damage: splices anywhere, maybe a byte order mark, maybe cut.
fn damaged() -> impl Strategy<Value = String> {
    let splices = proptest::collection::vec(
        (
            any::<proptest::sample::Index>(),
            proptest::sample::select(SPLICES),
            prop_oneof![
                Just(Place::Anywhere),
                Just(Place::AfterTag),
                Just(Place::InTag)
            ],
        ),
        0..4,
    );
    let cut = proptest::option::weighted(0.3, any::<proptest::sample::Index>());
    (
        xml_gen::document(),
        splices,
        proptest::bool::weighted(0.1),
        cut,
    )
        .prop_map(|(mut s, splices, bom, cut)| {
            for (at, piece, place) in splices {
                let mut i = boundary(&s, at.index(s.len() + 1));
                let close = s[i..].find('>').map(|j| i + j);
                match place {
                    Place::Anywhere => {}
                    Place::AfterTag => i = close.map_or(s.len(), |j| j + 1),
                    Place::InTag => {
                        i = close.map_or(s.len(), |j| j - usize::from(s[..j].ends_with('/')))
                    }
                }
                s.insert_str(i, piece);
            }
            if bom {
                s.insert(0, '\u{feff}');
            }
            if let Some(at) = cut {
                let i = boundary(&s, at.index(s.len() + 1));
                s.truncate(i);
            }
            s
        })
}

/// The char boundary at or before `i`.
fn boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn setup() -> impl Strategy<Value = Setup> {
    (
        any::<bool>(),
        any::<bool>(),
        prop_oneof![3 => Just(XmlLimits::default()), 1 => Just(TIGHT)],
    )
        .prop_map(|(fragment, lenient, limits)| Setup {
            fragment,
            lenient,
            limits,
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6000, ..ProptestConfig::default() })]

    #[test]
    fn tokens_read_as_quick_xml_did(doc in damaged(), s in setup()) {
        same(&doc, s)?;
    }
}

/// Every prefix of documents with every construct, in every setup: each ends inside some
/// construct.
#[test]
fn every_prefix() {
    let docs = [
        "\u{feff}<?xml version=\"1.0\"?>\r\n<!-- c -- c --><?pi ?>\n<a x='1' y=\"&amp;'\" z='>'>t&lt;\r\nu&#233;&#x1D11E;<![CDATA[<&\r]]>v<b/><c:d e='&#10;'>é</c:d >\t<!---->&bogus; &x<?p?></a>\n<!-- after -->",
        "<NOTIFICATION siteurl=\"http://x\"><MSG id=\"0\"><BODY><TEXT>a & b &lt; c &</TEXT></BODY></MSG></NOTIFICATION>",
        "<!DOCTYPE a [<!ENTITY x \"y>\"><!-- ]> --><?pi ]>?>]><a/>",
        "<a><b></a></b><c/>",
        // A repeated key with a malformed value: quick-xml reports the repetition first.
        "<NOTIFICATION id='1' id=/'2'><TO a='1' b=\"2\"/></NOTIFICATION>",
    ];
    for doc in docs {
        for end in (0..=doc.len()).filter(|&i| doc.is_char_boundary(i)) {
            for fragment in [false, true] {
                for lenient in [false, true] {
                    for limits in [XmlLimits::default(), TIGHT] {
                        let s = Setup {
                            fragment,
                            lenient,
                            limits,
                        };
                        same(&doc[..end], s).unwrap();
                    }
                }
            }
        }
    }
}

/// The oracle is quick-xml's reading: it reads a document as the reader does, and refuses
/// what the reader refuses.
#[test]
fn the_oracle_reads() {
    let s = Setup {
        fragment: false,
        lenient: false,
        limits: XmlLimits::default(),
    };
    let (events, err) = read_oracle("<a x='1'>t&amp;<b/></a>", s);
    assert_eq!(err, None);
    assert_eq!(
        events,
        [
            Ev::Start {
                name: "a".into(),
                span: 0..9,
                empty: false,
                attrs: vec![("x".into(), Some("1".into()))],
            },
            Ev::Text("t".into()),
            Ev::Text("&".into()),
            Ev::Start {
                name: "b".into(),
                span: 15..19,
                empty: true,
                attrs: vec![],
            },
            Ev::End(19..19),
            Ev::End(19..23),
        ]
    );
    assert!(matches!(
        read_oracle("<a></b>", s).1,
        Some(XmlError::Malformed { offset: 3, .. })
    ));
}

/// A byte order mark is not counted by quick-xml; the reader's offsets are the input's.
#[test]
fn offsets_count_the_byte_order_mark() {
    let s = Setup {
        fragment: false,
        lenient: false,
        limits: XmlLimits::default(),
    };
    let (events, _) = read_new("\u{feff}<a/>", s);
    assert_eq!(
        events[0],
        Ev::Start {
            name: "a".into(),
            span: 3..7,
            empty: true,
            attrs: vec![],
        }
    );
    let mut r = Reader::from_str("\u{feff}<a/>");
    r.read_event().unwrap();
    assert_eq!(r.buffer_position(), 4);
}

/// The generated cases reach the end of input often, and every kind of error the tokenizer
/// can cause or meet, so that the comparison covers them.
#[test]
fn generated_cases_reach_every_outcome() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut kinds = std::collections::BTreeMap::<String, usize>::new();
    let total = 3000;
    for _ in 0..total {
        let doc = damaged().new_tree(&mut runner).unwrap().current();
        let s = setup().new_tree(&mut runner).unwrap().current();
        let kind = match read_oracle(&doc, s).1 {
            None => "Ok".to_owned(),
            Some(e) => format!("{e:?}")
                .split([' ', '{'])
                .next()
                .unwrap()
                .to_owned(),
        };
        *kinds.entry(kind).or_default() += 1;
    }
    assert!(kinds["Ok"] * 10 > total, "{kinds:?}");
    for kind in [
        "Malformed",
        "Unclosed",
        "NotADocument",
        "Truncated",
        "NoRoot",
        "Doctype",
        "UnknownEntity",
        "TextTooLong",
        "TooDeep",
        "TooManyAttributes",
        "AttributeTooLong",
    ] {
        assert!(kinds.contains_key(kind), "no {kind}: {kinds:?}");
    }
}
