//! The tree SOAP parsers read: msnp-proto's hardened reader ([`msnp_proto::xml`]) does the
//! reading under the limits; this module resolves namespaces, keeps local names, concatenates
//! text, and offers the lookups and the escaping writer the parsers use.

use msnp_proto::xml::{Node, XmlLimits, read_bytes};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use crate::error::{SoapError, clip};

/// One attribute: resolved namespace, local name and unescaped value (namespace declarations
/// are not attributes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Attr {
    /// Unprefixed attributes have no namespace.
    pub(crate) ns: Option<String>,
    pub(crate) name: String,
    pub(crate) value: String,
}

/// One element of the parsed tree.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Element {
    /// The namespace the element's prefix (or the default namespace) is bound to.
    pub(crate) ns: Option<String>,
    pub(crate) name: String,
    pub(crate) attrs: Vec<Attr>,
    pub(crate) children: Vec<Self>,
    /// All direct text and CDATA, entities resolved, concatenated.
    pub(crate) text: String,
}

/// The namespace `xml:` is bound to without a declaration.
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
/// The namespace of the `xmlns` attributes themselves.
const XMLNS_NS: &str = "http://www.w3.org/2000/xmlns/";

/// Namespace bindings in scope: `(prefix, uri)`, innermost last; prefix `""` is the default
/// namespace and an empty URI unbinds it.
type Scope<'a> = Vec<(&'a str, &'a str)>;

fn split_qname(q: &str) -> (&str, &str) {
    q.split_once(':').unwrap_or(("", q))
}

fn lookup(scope: &Scope<'_>, prefix: &str) -> Option<String> {
    if prefix == "xml" {
        return Some(XML_NS.to_owned());
    }
    scope
        .iter()
        .rev()
        .find(|(p, _)| *p == prefix)
        .map(|(_, uri)| *uri)
        .filter(|uri| !uri.is_empty())
        .map(str::to_owned)
}

/// Parses `input` into a tree under `limits`.
pub(crate) fn parse_document(input: &[u8], limits: &XmlLimits) -> Result<Element, SoapError> {
    let doc = read_bytes(input, limits)?;
    let mut scope = Scope::new();
    convert(&doc.root, &mut scope, 0)
}

/// Converts one element of the reader's tree (depth is bounded by the reader's limits).
fn convert<'a>(
    e: &'a msnp_proto::xml::Element<'a>,
    scope: &mut Scope<'a>,
    offset: usize,
) -> Result<Element, SoapError> {
    let offset = e.span.start.max(offset);
    let outer = scope.len();
    let mut plain = Vec::new();
    for (k, v) in &e.attrs {
        let (prefix, local) = split_qname(k);
        let declared = match (prefix, local) {
            ("", "xmlns") => Some(""),
            ("xmlns", p) => Some(p),
            _ => None,
        };
        match declared {
            Some(p) => {
                // The reserved bindings cannot be changed or taken (Namespaces in XML 1.0, 3).
                let ok = match p {
                    "xmlns" => false,
                    "xml" => v == XML_NS,
                    _ => v != XML_NS && v != XMLNS_NS,
                };
                if !ok {
                    return Err(SoapError::Xml {
                        position: offset as u64,
                        message: format!("invalid namespace declaration of {p:?} to {v:?}"),
                    });
                }
                scope.push((p, v));
            }
            None => plain.push((prefix, local, v)),
        }
    }
    // Resolved once all of the element's own declarations are in scope.
    let attrs = plain
        .into_iter()
        .map(|(prefix, local, v)| Attr {
            ns: (!prefix.is_empty())
                .then(|| lookup(scope, prefix))
                .flatten(),
            name: local.to_owned(),
            value: v.to_string(),
        })
        .collect();
    let (prefix, local) = split_qname(&e.name);
    let mut out = Element {
        ns: lookup(scope, prefix),
        name: local.to_owned(),
        attrs,
        ..Element::default()
    };
    for n in &e.children {
        match n {
            Node::Element(c) => out.children.push(convert(c, scope, offset)?),
            Node::Text(t) => out.text.push_str(t),
        }
    }
    scope.truncate(outer);
    Ok(out)
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
