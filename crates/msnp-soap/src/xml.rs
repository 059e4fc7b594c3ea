//! Minimal bounded XML tree (reader) and escaping writer on top of quick-xml.
//!
//! Parsers in this crate first turn the document into a small tree of
//! [`Element`]s (namespace resolved, local names, entities resolved, text
//! concatenated), enforcing [`Limits`], then read typed values from it by
//! local name.

use quick_xml::Writer;
use quick_xml::XmlVersion;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

use crate::error::{LimitKind, SoapError, clip};
use crate::limits::Limits;

/// One attribute: resolved namespace, local name and unescaped value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Attr {
    pub(crate) ns: Option<String>,
    pub(crate) name: String,
    pub(crate) value: String,
}

/// One element of the parsed tree.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Element {
    pub(crate) ns: Option<String>,
    pub(crate) name: String,
    pub(crate) attrs: Vec<Attr>,
    pub(crate) children: Vec<Self>,
    /// All direct text and CDATA, entities resolved, concatenated.
    pub(crate) text: String,
}

fn ns_of(r: &ResolveResult<'_>) -> Option<String> {
    match r {
        ResolveResult::Bound(ns) => Some(ns.0.to_owned()),
        _ => None,
    }
}

fn xml_err(reader_pos: u64, e: impl core::fmt::Display) -> SoapError {
    SoapError::Xml {
        position: reader_pos,
        message: e.to_string(),
    }
}

/// Whether `name` is an XML (qualified) name: quick-xml takes everything up to the first blank
/// as the name, so `<a="b"/>` would otherwise give an element named `a="b"`. ASCII is checked
/// exactly (first a letter, `_` or `:`; then also digits, `-`, `.`); non-ASCII is accepted.
fn is_qname(name: &[u8]) -> bool {
    let start = |b: u8| b.is_ascii_alphabetic() || b == b'_' || b == b':' || b >= 0x80;
    match name.split_first() {
        Some((&first, rest)) => {
            start(first)
                && rest
                    .iter()
                    .all(|&b| start(b) || b.is_ascii_digit() || b == b'-' || b == b'.')
        }
        None => false,
    }
}

fn predefined(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => return None,
    })
}

/// Parses `input` into a tree under `limits`.
pub(crate) fn parse_document(input: &[u8], limits: &Limits) -> Result<Element, SoapError> {
    if input.len() > limits.max_size {
        return Err(SoapError::Limit {
            kind: LimitKind::Size,
            limit: limits.max_size,
        });
    }
    let text = core::str::from_utf8(input).map_err(|e| SoapError::InvalidUtf8 {
        offset: e.valid_up_to(),
    })?;
    let mut reader = NsReader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut count = 0usize;
    loop {
        let pos = reader.buffer_position();
        let (res, ev) = reader.read_resolved_event().map_err(|e| xml_err(pos, e))?;
        let ns = ns_of(&res);
        match ev {
            Event::Start(ref s) | Event::Empty(ref s) => {
                if root.is_some() {
                    return Err(SoapError::NotADocument);
                }
                count += 1;
                if count > limits.max_elements {
                    return Err(SoapError::Limit {
                        kind: LimitKind::Elements,
                        limit: limits.max_elements,
                    });
                }
                if stack.len() + 1 > limits.max_depth {
                    return Err(SoapError::Limit {
                        kind: LimitKind::Depth,
                        limit: limits.max_depth,
                    });
                }
                if !is_qname(s.name().as_ref().as_bytes()) {
                    return Err(xml_err(pos, "element name is not an XML name"));
                }
                let mut el = Element {
                    ns,
                    name: s.local_name().as_ref().to_owned(),
                    ..Element::default()
                };
                for attr in s.attributes() {
                    let attr = attr.map_err(|e| xml_err(pos, e))?;
                    if attr.key.as_namespace_binding().is_some() {
                        continue;
                    }
                    if el.attrs.len() >= limits.max_attributes {
                        return Err(SoapError::Limit {
                            kind: LimitKind::Attributes,
                            limit: limits.max_attributes,
                        });
                    }
                    if attr.value.len() > limits.max_attribute_len {
                        return Err(SoapError::Limit {
                            kind: LimitKind::AttributeLength,
                            limit: limits.max_attribute_len,
                        });
                    }
                    let value = attr
                        .normalized_value(XmlVersion::Implicit1_0)
                        .map_err(|e| xml_err(pos, e))?
                        .into_owned();
                    let (ares, local) = reader.resolver().resolve_attribute(attr.key);
                    el.attrs.push(Attr {
                        ns: ns_of(&ares),
                        name: local.as_ref().to_owned(),
                        value,
                    });
                }
                if matches!(ev, Event::Empty(_)) {
                    attach(&mut stack, &mut root, el);
                } else {
                    stack.push(el);
                }
            }
            Event::End(_) => {
                let el = stack.pop().ok_or(SoapError::NotADocument)?;
                attach(&mut stack, &mut root, el);
            }
            Event::Text(t) => {
                let content = t.xml_content(XmlVersion::Implicit1_0);
                push_text(&mut stack, &content, limits)?;
            }
            Event::CData(c) => {
                let content = c.xml_content(XmlVersion::Implicit1_0);
                match stack.last_mut() {
                    Some(_) => push_text(&mut stack, &content, limits)?,
                    None => return Err(SoapError::NotADocument),
                }
            }
            Event::GeneralRef(r) => {
                let ch = if r.is_char_ref() {
                    r.resolve_char_ref().map_err(|e| xml_err(pos, e))?
                } else {
                    predefined(&r)
                };
                let ch = ch.ok_or_else(|| SoapError::UnknownEntity { name: clip(&r) })?;
                let mut buf = [0u8; 4];
                push_text(&mut stack, ch.encode_utf8(&mut buf), limits)?;
            }
            Event::DocType(_) => return Err(SoapError::Doctype),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => {
                if !stack.is_empty() {
                    return Err(SoapError::Truncated { open: stack.len() });
                }
                return root.ok_or(SoapError::NotADocument);
            }
        }
    }
}

fn attach(stack: &mut [Element], root: &mut Option<Element>, el: Element) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(el),
        None => *root = Some(el),
    }
}

fn push_text(stack: &mut [Element], s: &str, limits: &Limits) -> Result<(), SoapError> {
    match stack.last_mut() {
        Some(el) => {
            if el.text.len() + s.len() > limits.max_text_len {
                return Err(SoapError::Limit {
                    kind: LimitKind::TextLength,
                    limit: limits.max_text_len,
                });
            }
            el.text.push_str(s);
            Ok(())
        }
        None if s.trim().is_empty() => Ok(()),
        None => Err(SoapError::NotADocument),
    }
}

impl Element {
    /// First child with this local name.
    pub(crate) fn child(&self, name: &str) -> Option<&Self> {
        self.children.iter().find(|c| c.name == name)
    }
    /// First child matching any of the names (for capitalisation variants).
    pub(crate) fn child_any(&self, names: &[&str]) -> Option<&Self> {
        self.children
            .iter()
            .find(|c| names.contains(&c.name.as_str()))
    }
    /// All children with this local name.
    pub(crate) fn children_named<'s>(
        &'s self,
        name: &'s str,
    ) -> impl Iterator<Item = &'s Self> + 's {
        self.children.iter().filter(move |c| c.name == name)
    }
    /// Descends along local names.
    pub(crate) fn path(&self, names: &[&str]) -> Option<&Self> {
        let mut cur = self;
        for n in names {
            cur = cur.child(n)?;
        }
        Some(cur)
    }
    /// Required child.
    pub(crate) fn req(&self, name: &str, path: &'static str) -> Result<&Self, SoapError> {
        self.child(name).ok_or(SoapError::Missing(path))
    }
    /// Trimmed text of this element.
    pub(crate) fn trimmed(&self) -> &str {
        self.text.trim()
    }
    /// Trimmed text of a child, if the child exists.
    pub(crate) fn child_text(&self, name: &str) -> Option<String> {
        self.child(name).map(|c| c.trimmed().to_owned())
    }
    /// Text of a child, raw (not trimmed), if the child exists.
    pub(crate) fn child_raw(&self, name: &str) -> Option<String> {
        self.child(name).map(|c| c.text.clone())
    }
    /// Attribute value by local name.
    pub(crate) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.value.as_str())
    }
    /// Depth-first search for the first descendant (or self) with this local name.
    pub(crate) fn find(&self, name: &str) -> Option<&Self> {
        // Iterative to stay independent of the (already limited) depth.
        let mut todo: Vec<&Self> = vec![self];
        while let Some(e) = todo.pop() {
            if e.name == name {
                return Some(e);
            }
            todo.extend(e.children.iter().rev());
        }
        None
    }
    /// First element child.
    pub(crate) fn first_child(&self) -> Option<&Self> {
        self.children.first()
    }
}

/// Parses a boolean child (`true`/`false`/`1`/`0`), `None` when absent.
pub(crate) fn opt_bool(
    el: &Element,
    name: &str,
    path: &'static str,
) -> Result<Option<bool>, SoapError> {
    el.child(name)
        .map(|c| parse_bool(c.trimmed(), path))
        .transpose()
}

pub(crate) fn parse_bool(s: &str, path: &'static str) -> Result<bool, SoapError> {
    match s {
        "true" | "1" | "True" | "TRUE" => Ok(true),
        "false" | "0" | "False" | "FALSE" => Ok(false),
        _ => Err(SoapError::BadValue {
            path,
            value: clip(s),
            expected: "true or false",
        }),
    }
}

/// Parses an integer child, `None` when absent.
pub(crate) fn opt_num<T: core::str::FromStr>(
    el: &Element,
    name: &str,
    path: &'static str,
) -> Result<Option<T>, SoapError> {
    el.child(name)
        .map(|c| {
            let s = c.trimmed();
            s.parse::<T>().map_err(|_| SoapError::BadValue {
                path,
                value: clip(s),
                expected: "an integer",
            })
        })
        .transpose()
}

/// Parses a `0x…` hexadecimal (or plain decimal) status code.
pub(crate) fn parse_hex_u32(s: &str, path: &'static str) -> Result<u32, SoapError> {
    let s = s.trim();
    let r = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(h) => u32::from_str_radix(h, 16),
        None => s.parse::<u32>(),
    };
    r.map_err(|_| SoapError::BadValue {
        path,
        value: clip(s),
        expected: "a hexadecimal status code",
    })
}

/// Escaping XML writer over a `Vec<u8>`.
///
/// Writes to a `Vec` cannot fail, so the `io::Result`s from quick-xml are
/// discarded deliberately.
pub(crate) struct XmlOut {
    w: Writer<Vec<u8>>,
}

impl core::fmt::Debug for XmlOut {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("XmlOut")
    }
}

impl XmlOut {
    /// A writer that starts with `<?xml version="1.0" encoding="utf-8"?>`.
    pub(crate) fn new() -> Self {
        let mut w = Writer::new(Vec::with_capacity(2048));
        let _ = w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)));
        Self { w }
    }
    /// `<name a="v" …>` (attribute values escaped).
    pub(crate) fn start(&mut self, name: &str, attrs: &[(&str, &str)]) {
        let el = BytesStart::new(name).with_attributes(attrs.iter().copied());
        let _ = self.w.write_event(Event::Start(el));
    }
    /// `</name>`.
    pub(crate) fn end(&mut self, name: &str) {
        let _ = self.w.write_event(Event::End(BytesEnd::new(name)));
    }
    /// `<name/>`.
    pub(crate) fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
        let el = BytesStart::new(name).with_attributes(attrs.iter().copied());
        let _ = self.w.write_event(Event::Empty(el));
    }
    /// Escaped text.
    pub(crate) fn text(&mut self, text: &str) {
        let _ = self.w.write_event(Event::Text(BytesText::new(text)));
    }
    /// `<name attrs>text</name>`.
    pub(crate) fn leaf_attrs(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        self.start(name, attrs);
        self.text(text);
        self.end(name);
    }
    /// `<name>text</name>`.
    pub(crate) fn leaf(&mut self, name: &str, text: &str) {
        self.leaf_attrs(name, &[], text);
    }
    /// `<name>text</name>` when `Some`.
    pub(crate) fn opt_leaf(&mut self, name: &str, text: Option<&str>) {
        if let Some(t) = text {
            self.leaf(name, t);
        }
    }
    /// `<name>true|false</name>`.
    pub(crate) fn bool_leaf(&mut self, name: &str, v: bool) {
        self.leaf(name, if v { "true" } else { "false" });
    }
    /// `<name>true|false</name>` when `Some`.
    pub(crate) fn opt_bool_leaf(&mut self, name: &str, v: Option<bool>) {
        if let Some(v) = v {
            self.bool_leaf(name, v);
        }
    }
    /// The finished document.
    pub(crate) fn finish(self) -> Vec<u8> {
        self.w.into_inner()
    }
}
