//! The hardened XML reader: the one reader of untrusted XML in the workspace (payload documents
//! here, SOAP envelopes in msnp-soap), and the escaping helpers of the payload builders.
//!
//! Documents are read under explicit [`XmlLimits`], as borrowed events ([`XmlReader`]) or as
//! a small borrowed tree built from them ([`Element`], [`read_document`]). Payload parsers read
//! hot documents from the events; the rules live in the one reader either way. The reader
//! drives quick-xml's parsers with a tokenizer of its own, which allocates nothing: quick-xml's
//! `Reader` allocates a stack of open names per document. The reader:
//!
//! * rejects invalid UTF-8, `<!DOCTYPE …>` (and so every entity declaration — nothing
//!   is ever expanded beyond the five predefined entities and character references),
//! * rejects unknown entity references and element names that are not XML names,
//! * enforces a maximum input size, nesting depth, element count, attributes per element,
//!   attribute length and text length per element,
//! * reports a typed [`XmlError`] with a byte offset (payload parsers see it as a
//!   [`PayloadError`]), and never panics.
//!
//! Builders use [`escape_text`] / [`escape_attr`].
//!
//! ```
//! use msnp_proto::xml::{parse_document, XmlLimits};
//! let doc = parse_document(r#"<PSM a="x&amp;y">a &amp; b&#33;</PSM>"#, &XmlLimits::default()).unwrap();
//! assert_eq!(doc.root.name, "PSM");
//! assert_eq!(doc.root.attr("a"), Some("x&y"));
//! assert_eq!(doc.root.text(), "a & b!");
//! ```

use std::borrow::Cow;
use std::ops::Range;

use quick_xml::XmlVersion;
use quick_xml::errors::IllFormedError;
use quick_xml::escape::EscapeError;
use quick_xml::events::attributes::{AttrError, Attribute, Attributes};
use quick_xml::events::{BytesCData, BytesRef, BytesText};
use quick_xml::name::QName;

use crate::payload::error::PayloadError;

mod tokens;

use tokens::{Token, Tokens};

/// Explicit resource limits for XML parsing. The defaults suit payload documents; msnp-soap
/// has larger ones for SOAP responses (an address book is hundreds of KiB).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default))]
pub struct XmlLimits {
    /// Maximum element nesting depth (root = 1). Default 32.
    pub max_depth: usize,
    /// Maximum document size in bytes. Default 256 KiB.
    pub max_size: usize,
    /// Maximum raw length of one attribute value in bytes. Default 8 KiB.
    pub max_attr_len: usize,
    /// Maximum number of elements in one document. Default 20 000.
    pub max_elements: usize,
    /// Maximum number of attributes on one element (namespace declarations not counted).
    /// Default 32.
    pub max_attributes: usize,
    /// Maximum direct text content of one element in bytes, references resolved. Default
    /// 256 KiB.
    pub max_text_len: usize,
}

impl Default for XmlLimits {
    fn default() -> Self {
        Self {
            max_depth: 32,
            max_size: 256 * 1024,
            max_attr_len: 8 * 1024,
            max_elements: 20_000,
            max_attributes: 32,
            max_text_len: 256 * 1024,
        }
    }
}

/// Why the reader rejected a document. Offsets are byte offsets into the input.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XmlError {
    /// The input is not valid UTF-8.
    #[error("invalid UTF-8 at byte {offset}")]
    InvalidUtf8 {
        /// Offset of the first invalid byte.
        offset: usize,
    },
    /// The input is larger than [`XmlLimits::max_size`].
    #[error("document of {size} bytes exceeds the limit of {max} bytes")]
    TooLarge {
        /// Size of the input.
        size: usize,
        /// Configured maximum.
        max: usize,
    },
    /// Elements nest deeper than [`XmlLimits::max_depth`].
    #[error("XML nesting deeper than {max} levels at byte {offset}")]
    TooDeep {
        /// Offset of the element over the limit.
        offset: usize,
        /// Configured maximum.
        max: usize,
    },
    /// More elements than [`XmlLimits::max_elements`].
    #[error("more than {max} XML elements (at byte {offset})")]
    TooManyElements {
        /// Offset of the first element over the limit.
        offset: usize,
        /// Configured maximum.
        max: usize,
    },
    /// An element has more attributes than [`XmlLimits::max_attributes`].
    #[error("more than {max} attributes on the element at byte {offset}")]
    TooManyAttributes {
        /// Offset of the element.
        offset: usize,
        /// Configured maximum.
        max: usize,
    },
    /// An attribute value is longer than [`XmlLimits::max_attr_len`].
    #[error("attribute `{name}` of {len} bytes exceeds the limit of {max} bytes at byte {offset}")]
    AttributeTooLong {
        /// Offset of the element carrying the attribute.
        offset: usize,
        /// Attribute name.
        name: String,
        /// Length of the raw value.
        len: usize,
        /// Configured maximum.
        max: usize,
    },
    /// An element's text is longer than [`XmlLimits::max_text_len`].
    #[error("element text longer than {max} bytes at byte {offset}")]
    TextTooLong {
        /// Offset of the text piece that went over the limit.
        offset: usize,
        /// Configured maximum.
        max: usize,
    },
    /// A `<!DOCTYPE …>` (and with it any entity declaration); never accepted.
    #[error("DOCTYPE / entity declarations are not allowed (at byte {offset})")]
    Doctype {
        /// Offset of the declaration.
        offset: usize,
    },
    /// A reference to an entity that is neither predefined nor a character reference.
    #[error("unknown entity `&{entity};` at byte {offset}")]
    UnknownEntity {
        /// Offset of the reference (or of its element for attribute values).
        offset: usize,
        /// The entity name.
        entity: String,
    },
    /// Not well-formed.
    #[error("malformed XML at byte {offset}: {message}")]
    Malformed {
        /// Offset reported by the XML reader.
        offset: usize,
        /// What is wrong.
        message: String,
    },
    /// Well-formed pieces, but not one document: content after the root element, or text,
    /// CDATA or a reference outside it.
    #[error("not a single-rooted document at byte {offset}: {message}")]
    NotADocument {
        /// Offset of the misplaced content.
        offset: usize,
        /// What is misplaced.
        message: &'static str,
    },
    /// The input ended inside a markup construct (a tag, comment, CDATA section, …).
    #[error("truncated document at byte {offset}: {missing}")]
    Unclosed {
        /// Offset of the construct.
        offset: usize,
        /// What was not closed.
        missing: String,
    },
    /// The input ended with elements still open.
    #[error("truncated document at byte {offset}: {open} elements still open, {missing} next")]
    Truncated {
        /// Offset of the end of input.
        offset: usize,
        /// The end tag expected next (e.g. `</ml>`).
        missing: String,
        /// How many elements were not closed.
        open: usize,
    },
    /// There is no root element.
    #[error("no root element (at byte {offset})")]
    NoRoot {
        /// Offset of the end of input.
        offset: usize,
    },
}

impl From<XmlError> for PayloadError {
    fn from(e: XmlError) -> Self {
        match e {
            XmlError::InvalidUtf8 { offset } => Self::InvalidUtf8 { offset },
            XmlError::TooLarge { size, max } => Self::TooLarge { size, max },
            XmlError::TooDeep { offset, max } => Self::TooDeep { offset, max },
            XmlError::TooManyElements { offset, max } => Self::TooManyElements { offset, max },
            XmlError::AttributeTooLong {
                offset,
                name,
                len,
                max,
            } => Self::AttributeTooLong {
                offset,
                name,
                len,
                max,
            },
            XmlError::Doctype { offset } => Self::Doctype { offset },
            XmlError::UnknownEntity { offset, entity } => Self::UnknownEntity { offset, entity },
            XmlError::Unclosed { offset, missing }
            | XmlError::Truncated {
                offset, missing, ..
            } => Self::Truncated { offset, missing },
            XmlError::NoRoot { offset } => Self::Truncated {
                offset,
                missing: "a root element".into(),
            },
            XmlError::NotADocument { offset, message } => Self::Xml {
                offset,
                message: message.into(),
            },
            e @ (XmlError::TooManyAttributes { offset, .. }
            | XmlError::TextTooLong { offset, .. }) => Self::Xml {
                offset,
                message: e.to_string(),
            },
            XmlError::Malformed { offset, message } => Self::Xml { offset, message },
        }
    }
}

/// Parsing switches that are not limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct XmlOptions {
    /// Accept bare `&` that does not start a reference (seen in Hotmail `NOT` feeds), in
    /// text and in attribute values, keeping it literally; unknown named entities are then
    /// kept literally too (`&name;`) instead of being an error. Default `false`.
    pub lenient_ampersand: bool,
}

/// A node of the parsed tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node<'a> {
    /// A child element.
    Element(Element<'a>),
    /// Character data with references resolved (adjacent pieces merged).
    Text(Cow<'a, str>),
}

/// An element of the parsed tree, borrowing from the input where possible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element<'a> {
    /// The element's qualified name as written (`ns:name` kept).
    pub name: Cow<'a, str>,
    /// Attributes in document order, values with references resolved.
    pub attrs: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    /// Children in document order (comments and processing instructions dropped).
    pub children: Vec<Node<'a>>,
    /// Byte range of the whole element (start tag to end tag) in the input.
    pub span: Range<usize>,
    /// Byte range of the element's content (between start and end tag) in the input.
    pub inner: Range<usize>,
}

impl<'a> Element<'a> {
    /// Value of the attribute `name` (exact match), if present.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k.as_ref() == name)
            .map(|(_, v)| v.as_ref())
    }

    /// Iterates over the child elements.
    pub fn elements(&self) -> impl Iterator<Item = &Element<'a>> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// First child element named `name`.
    pub fn child(&self, name: &str) -> Option<&Self> {
        self.elements().find(|e| e.name == name)
    }

    /// Concatenated direct text content.
    pub fn text(&self) -> Cow<'_, str> {
        let mut texts = self.children.iter().filter_map(|n| match n {
            Node::Text(t) => Some(t.as_ref()),
            Node::Element(_) => None,
        });
        match (texts.next(), texts.next()) {
            (None, _) => Cow::Borrowed(""),
            (Some(one), None) => Cow::Borrowed(one),
            (Some(a), Some(b)) => {
                let mut s = String::from(a);
                s.push_str(b);
                texts.for_each(|t| s.push_str(t));
                Cow::Owned(s)
            }
        }
    }

    /// Text of the first child element `name`.
    pub fn child_text(&self, name: &str) -> Option<String> {
        self.child(name).map(|e| e.text().into_owned())
    }

    /// True when the element has no element children and only whitespace text.
    pub fn is_empty(&self) -> bool {
        self.children.iter().all(|n| match n {
            Node::Text(t) => t.trim().is_empty(),
            Node::Element(_) => false,
        })
    }

    /// Converts to an owned [`XmlElement`].
    pub fn to_owned_element(&self, source: &str) -> XmlElement {
        XmlElement {
            name: self.name.to_string(),
            attrs: self
                .attrs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            text: self.text().into_owned(),
            children: self
                .elements()
                .map(|e| e.to_owned_element(source))
                .collect(),
            raw: source.get(self.span.clone()).unwrap_or("").to_owned(),
        }
    }
}

/// An owned, serialisable view of an element: used to preserve elements no typed parser
/// knows (so that re-encoding loses nothing) and for free-form XML bodies.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct XmlElement {
    /// Element name.
    pub name: String,
    /// Attributes (unescaped) in document order.
    pub attrs: Vec<(String, String)>,
    /// Concatenated direct text (unescaped).
    pub text: String,
    /// Child elements.
    pub children: Vec<Self>,
    /// The element exactly as it appeared in the input (still escaped); used verbatim when
    /// re-encoding.
    pub raw: String,
}

crate::own::owned_copy!(XmlElement);

impl XmlElement {
    /// Value of attribute `name`.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// First child named `name`.
    pub fn child(&self, name: &str) -> Option<&Self> {
        self.children.iter().find(|c| c.name == name)
    }
}

/// A parsed document: its root element and the source it borrows from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document<'a> {
    /// The source text.
    pub source: &'a str,
    /// The root element.
    pub root: Element<'a>,
}

impl<'a> Document<'a> {
    /// The raw (still escaped) content between the start and end tag of `e`.
    pub fn inner_xml(&self, e: &Element<'_>) -> &'a str {
        self.source.get(e.inner.clone()).unwrap_or("")
    }

    /// The raw text of the whole element `e`.
    pub fn outer_xml(&self, e: &Element<'_>) -> &'a str {
        self.source.get(e.span.clone()).unwrap_or("")
    }
}

/// `input` as text once it is within [`XmlLimits::max_size`] (checked first, so an oversized
/// input is not scanned) and valid UTF-8: the start of every reading of bytes.
fn sized_text<'a>(input: &'a [u8], limits: &XmlLimits) -> Result<&'a str, XmlError> {
    if input.len() > limits.max_size {
        return Err(XmlError::TooLarge {
            size: input.len(),
            max: limits.max_size,
        });
    }
    core::str::from_utf8(input).map_err(|e| XmlError::InvalidUtf8 {
        offset: e.valid_up_to(),
    })
}

/// Parses bytes as a document: UTF-8 is validated first.
pub fn parse_bytes<'a>(input: &'a [u8], limits: &XmlLimits) -> Result<Document<'a>, PayloadError> {
    parse_document(sized_text(input, limits)?, limits)
}

/// Parses bytes as a [fragment](read_fragment) with default [`XmlOptions`]: the size limit is
/// checked first, then UTF-8.
pub fn parse_fragment_bytes<'a>(
    input: &'a [u8],
    limits: &XmlLimits,
) -> Result<Fragment<'a>, PayloadError> {
    Ok(read_fragment(
        sized_text(input, limits)?,
        limits,
        XmlOptions::default(),
    )?)
}

/// Parses a complete document with default [`XmlOptions`].
pub fn parse_document<'a>(
    input: &'a str,
    limits: &XmlLimits,
) -> Result<Document<'a>, PayloadError> {
    parse_document_with(input, limits, XmlOptions::default())
}

/// Parses a complete document, reporting problems as payload errors (see [`read_document`]).
pub fn parse_document_with<'a>(
    input: &'a str,
    limits: &XmlLimits,
    options: XmlOptions,
) -> Result<Document<'a>, PayloadError> {
    Ok(read_document(input, limits, options)?)
}

/// Reads bytes as a document with default [`XmlOptions`]: the size limit is checked first,
/// then UTF-8.
///
/// ```
/// use msnp_proto::xml::{read_bytes, XmlError, XmlLimits};
/// let limits = XmlLimits { max_attributes: 1, ..XmlLimits::default() };
/// assert!(matches!(read_bytes(b"<a x='1' y='2'/>", &limits), Err(XmlError::TooManyAttributes { .. })));
/// assert!(matches!(read_bytes(b"<a>\xff</a>", &limits), Err(XmlError::InvalidUtf8 { offset: 3 })));
/// ```
pub fn read_bytes<'a>(input: &'a [u8], limits: &XmlLimits) -> Result<Document<'a>, XmlError> {
    read_document(sized_text(input, limits)?, limits, XmlOptions::default())
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

fn push_text<'a>(children: &mut Vec<Node<'a>>, text: Cow<'a, str>) {
    if text.is_empty() {
        return;
    }
    if let Some(Node::Text(prev)) = children.last_mut() {
        prev.to_mut().push_str(&text);
    } else {
        children.push(Node::Text(text));
    }
}

fn map_xml_err(e: quick_xml::Error, offset: usize) -> XmlError {
    use quick_xml::errors::{IllFormedError, SyntaxError};
    match e {
        // In a complete in-memory document every "unclosed" construct means the input
        // ended too early.
        quick_xml::Error::Syntax(
            s @ (SyntaxError::UnclosedPI
            | SyntaxError::UnclosedXmlDecl
            | SyntaxError::UnclosedComment
            | SyntaxError::UnclosedDoctype
            | SyntaxError::UnclosedCData
            | SyntaxError::UnclosedTag
            | SyntaxError::UnclosedSingleQuotedAttributeValue
            | SyntaxError::UnclosedDoubleQuotedAttributeValue),
        ) => XmlError::Unclosed {
            offset,
            missing: s.to_string(),
        },
        quick_xml::Error::IllFormed(IllFormedError::MissingEndTag(name)) => XmlError::Unclosed {
            offset,
            missing: format!("</{name}>"),
        },
        quick_xml::Error::Escape(EscapeError::UnrecognizedEntity(_, name)) => {
            XmlError::UnknownEntity {
                offset,
                entity: name,
            }
        }
        quick_xml::Error::Encoding(_) => XmlError::InvalidUtf8 { offset },
        other => XmlError::Malformed {
            offset,
            message: other.to_string(),
        },
    }
}

/// Reads a complete document.
///
/// The document may start with an XML declaration, comments and whitespace; exactly one
/// root element is required; anything but whitespace and comments after it is an error.
pub fn read_document<'a>(
    input: &'a str,
    limits: &XmlLimits,
    options: XmlOptions,
) -> Result<Document<'a>, XmlError> {
    let mut roots = read_top(input, limits, options, Top::Document)?;
    match roots.pop() {
        Some(root) => Ok(Document {
            source: input,
            root,
        }),
        None => Err(XmlError::NoRoot {
            offset: input.len(),
        }),
    }
}

/// A fragment: a sequence of top-level elements, as `PAG`'s page
/// (`<PHONE pri="1"/><TEXT …>…</TEXT>`), and the source it borrows from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fragment<'a> {
    /// The source text.
    pub source: &'a str,
    /// The top-level elements, in order (at least one).
    pub elements: Vec<Element<'a>>,
}

/// Reads a fragment: like [`read_document`] (same limits, same rejections; the element count
/// and limits are for the whole input) but any number of top-level elements, at least one,
/// separated only by whitespace and comments.
///
/// ```
/// use msnp_proto::xml::{read_fragment, XmlError, XmlLimits, XmlOptions};
/// let f = read_fragment(r#"<PHONE pri="1"/><TEXT>hi</TEXT>"#, &XmlLimits::default(), XmlOptions::default()).unwrap();
/// assert_eq!(f.elements.len(), 2);
/// assert_eq!(f.elements[1].text(), "hi");
/// assert!(matches!(read_fragment("<a/>x<b/>", &XmlLimits::default(), XmlOptions::default()), Err(XmlError::NotADocument { offset: 4, .. })));
/// ```
pub fn read_fragment<'a>(
    input: &'a str,
    limits: &XmlLimits,
    options: XmlOptions,
) -> Result<Fragment<'a>, XmlError> {
    let elements = read_top(input, limits, options, Top::Fragment)?;
    if elements.is_empty() {
        return Err(XmlError::NoRoot {
            offset: input.len(),
        });
    }
    Ok(Fragment {
        source: input,
        elements,
    })
}

/// How many top-level elements the input may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Top {
    /// One (a document).
    Document,
    /// Any number (a fragment).
    Fragment,
}

/// One event of [`XmlReader`]: borrowed from the input where possible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum XmlEvent<'a> {
    /// A start tag (or an empty-element tag, which is followed at once by its
    /// [`End`](Self::End)).
    Start(Tag<'a>),
    /// A piece of character data of the innermost open element: literal text, a CDATA
    /// section or one resolved reference. Adjacent pieces are not merged; never empty.
    Text(Cow<'a, str>),
    /// The end of the innermost open element: the byte range of its end tag (an empty range
    /// at the end of an empty-element tag).
    End(Range<usize>),
}

/// A start tag whose name and attributes the reader has already checked (XML name,
/// well-formed and unique attributes, their count and length, references).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tag<'a> {
    /// The qualified name as written (`ns:name` kept).
    pub name: &'a str,
    /// The tag between `<` and `>` (or `/>`): name and attributes.
    content: &'a str,
    /// Offset of the `<`.
    pub start: usize,
    /// Offset just past the `>`.
    pub end: usize,
    /// Whether this is an empty-element tag (`<a/>`).
    pub empty: bool,
    lenient_ampersand: bool,
    /// Where the attributes lie in `content`, found while checking them (so reading them
    /// parses nothing again); `None` when there were more than [`INLINE_ATTRS`] or the tag is
    /// longer than a `u16` can address.
    spans: Option<AttrSpans>,
}

/// How many attribute positions a [`Tag`] keeps.
const INLINE_ATTRS: usize = 8;

/// Positions of a tag's attributes in its content: key and raw value ranges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct AttrSpans {
    len: u8,
    at: [[u16; 4]; INLINE_ATTRS],
}

impl<'a> Tag<'a> {
    /// The attributes in document order, values with references resolved (namespace
    /// declarations included).
    pub fn attrs(&self) -> impl Iterator<Item = (&'a str, Cow<'a, str>)> + 'a {
        let lenient = self.lenient_ampersand;
        self.raw_attrs()
            .filter_map(move |a| Some((a.key.0, attr_value(&a, lenient).ok()?)))
    }

    /// The attributes unresolved. Every attribute was checked when the reader read the tag,
    /// so nothing fails here.
    fn raw_attrs(&self) -> impl Iterator<Item = Attribute<'a>> + 'a {
        let content = self.content;
        let (spans, mut rest) = match self.spans {
            Some(s) => (s, None),
            None => {
                let mut it = Attributes::new(content, self.name.len());
                it.with_checks(false);
                (AttrSpans::default(), Some(it))
            }
        };
        let known = spans.at.into_iter().take(usize::from(spans.len));
        let known = known.filter_map(move |[k0, k1, v0, v1]| {
            let range = |a: u16, b: u16| content.get(usize::from(a)..usize::from(b));
            Some(Attribute {
                key: QName(range(k0, k1)?),
                value: Cow::Borrowed(range(v0, v1)?),
            })
        });
        known.chain(std::iter::from_fn(move || rest.as_mut()?.next()?.ok()))
    }

    /// Value of the attribute `name` (exact match), if present.
    pub fn attr(&self, name: &str) -> Option<Cow<'a, str>> {
        let [v] = self.attrs_named([name]);
        v
    }

    /// Values of the attributes `names` (exact match; the first of each name), read in one
    /// pass.
    ///
    /// ```
    /// use msnp_proto::xml::{XmlEvent, XmlLimits, XmlOptions, XmlReader};
    /// let mut r = XmlReader::document("<a x='1' y='&amp;'/>", &XmlLimits::default(), XmlOptions::default()).unwrap();
    /// let Some(XmlEvent::Start(a)) = r.next().unwrap() else { panic!() };
    /// let [y, z, x] = a.attrs_named(["y", "z", "x"]);
    /// assert_eq!((x.as_deref(), y.as_deref(), z), (Some("1"), Some("&"), None));
    /// ```
    pub fn attrs_named<const N: usize>(&self, names: [&str; N]) -> [Option<Cow<'a, str>>; N] {
        let mut out = [const { None }; N];
        if self.content.len() == self.name.len() {
            return out;
        }
        for a in self.raw_attrs() {
            let Some(i) = names.iter().position(|n| *n == a.key.0) else {
                continue;
            };
            if let Some(slot @ None) = out.get_mut(i) {
                *slot = attr_value(&a, self.lenient_ampersand).ok();
            }
        }
        out
    }

    /// Byte range of the tag in the input.
    pub fn span(&self) -> Range<usize> {
        self.start..self.end
    }
}

/// An element's direct content as read by [`XmlReader::content`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content<'a> {
    /// Only character data (pieces joined; borrowed when there was one piece or none).
    Text(Cow<'a, str>),
    /// The element has child elements: the first one's name, and the element's end tag.
    Elements {
        /// Name of the first child element.
        first: &'a str,
        /// Byte range of the element's end tag.
        end: Range<usize>,
    },
}

/// An attribute value with references resolved, leniently when asked.
#[inline]
fn attr_value<'a>(a: &Attribute<'a>, lenient: bool) -> Result<Cow<'a, str>, quick_xml::Error> {
    match a.normalized_value(XmlVersion::Implicit1_0) {
        Ok(v) => Ok(v),
        Err(quick_xml::Error::Escape(_)) if lenient => Ok(Cow::Owned(lenient_unescape(&a.value))),
        Err(e) => Err(e),
    }
}

impl AttrSpans {
    /// quick-xml's error for `attr` when its key is one of these (positions in `content`).
    fn repeated(&self, content: &str, attr: &Attribute<'_>) -> Option<AttrError> {
        let key = attr.key.0;
        let start = (key.as_ptr() as usize).checked_sub(content.as_ptr() as usize)?;
        let kept = self.at.get(..usize::from(self.len)).unwrap_or_default();
        kept.iter().find_map(|&[k0, k1, _, _]| {
            let prev = content.as_bytes().get(usize::from(k0)..usize::from(k1))?;
            (prev == key.as_bytes()).then(|| AttrError::Duplicated(start, usize::from(k0)))
        })
    }

    /// Keeps `attr`'s positions (it is a slice of `content`); `false` when there is no room.
    fn push(&mut self, content: &str, attr: &Attribute<'_>) -> bool {
        let at = |s: &str| {
            let start = (s.as_ptr() as usize).checked_sub(content.as_ptr() as usize)?;
            let end = start.checked_add(s.len()).filter(|e| *e <= content.len())?;
            Some([u16::try_from(start).ok()?, u16::try_from(end).ok()?])
        };
        let (Some([k0, k1]), Some([v0, v1])) = (at(attr.key.0), at(&attr.value)) else {
            return false;
        };
        let Some(slot) = self.at.get_mut(usize::from(self.len)) else {
            return false;
        };
        *slot = [k0, k1, v0, v1];
        self.len += 1;
        true
    }
}

/// Attributes as the tree keeps them.
type Attrs<'a> = Vec<(Cow<'a, str>, Cow<'a, str>)>;

/// One open element: its name (for the truncation error) and its direct text bytes so far
/// (for `max_text_len`).
#[derive(Debug, Clone, Copy, Default)]
struct Open<'a> {
    name: &'a str,
    text: usize,
}

/// How many open elements [`OpenStack`] keeps without allocating.
const INLINE_OPEN: usize = 16;

/// The open elements: the first [`INLINE_OPEN`] in place, so that documents of ordinary depth
/// cost no allocation here.
#[derive(Debug)]
struct OpenStack<'a> {
    inline: [Open<'a>; INLINE_OPEN],
    len: usize,
    spill: Vec<Open<'a>>,
}

impl<'a> OpenStack<'a> {
    fn new() -> Self {
        Self {
            inline: [Open::default(); INLINE_OPEN],
            len: 0,
            spill: Vec::new(),
        }
    }

    fn push(&mut self, o: Open<'a>) {
        match self.inline.get_mut(self.len) {
            Some(slot) => *slot = o,
            None => self.spill.push(o),
        }
        self.len += 1;
    }

    fn pop(&mut self) -> Option<Open<'a>> {
        self.len = self.len.checked_sub(1)?;
        match self.inline.get(self.len) {
            Some(o) => Some(*o),
            None => self.spill.pop(),
        }
    }

    fn last_mut(&mut self) -> Option<&mut Open<'a>> {
        let i = self.len.checked_sub(1)?;
        if i < INLINE_OPEN {
            self.inline.get_mut(i)
        } else {
            self.spill.last_mut()
        }
    }
}

/// The hardened pull reader: the document's events with every rule of this module applied
/// ([`XmlLimits`], [`XmlOptions`], names, references, single root). The tree
/// ([`read_document`], [`read_fragment`]) is built from it; hot payload parsers read from it
/// directly.
///
/// Events come as [`XmlEvent`]s; [`next`](Self::next) gives `Ok(None)` once the input ended
/// well. An error ends the reading (later calls may give anything but a panic).
///
/// ```
/// use msnp_proto::xml::{XmlEvent, XmlLimits, XmlOptions, XmlReader};
/// let mut r = XmlReader::document("<a x='1'>hi<b/></a>", &XmlLimits::default(), XmlOptions::default()).unwrap();
/// let Some(XmlEvent::Start(a)) = r.next().unwrap() else { panic!() };
/// assert_eq!((a.name, a.attr("x").as_deref()), ("a", Some("1")));
/// assert_eq!(r.next().unwrap(), Some(XmlEvent::Text("hi".into())));
/// assert!(matches!(r.next().unwrap(), Some(XmlEvent::Start(b)) if b.empty));
/// assert_eq!(r.next().unwrap(), Some(XmlEvent::End(15..15)));
/// assert_eq!(r.next().unwrap(), Some(XmlEvent::End(15..19)));
/// assert_eq!(r.next().unwrap(), None);
/// ```
#[derive(Debug)]
pub struct XmlReader<'a> {
    input: &'a str,
    tokens: Tokens<'a>,
    limits: XmlLimits,
    lenient_ampersand: bool,
    top: Top,
    open: OpenStack<'a>,
    /// Elements started so far.
    count: usize,
    /// Top-level elements started so far.
    roots: usize,
    /// The end of the empty-element tag just reported, whose `End` comes next.
    pending_end: Option<usize>,
    /// Whether an error was reported: the reading is over.
    failed: bool,
}

impl<'a> XmlReader<'a> {
    /// A reader of a complete document: exactly one root element, with only an XML
    /// declaration, comments, processing instructions and whitespace around it.
    ///
    /// # Errors
    /// [`XmlError::TooLarge`] when `input` exceeds [`XmlLimits::max_size`].
    pub fn document(
        input: &'a str,
        limits: &XmlLimits,
        options: XmlOptions,
    ) -> Result<Self, XmlError> {
        Self::new(input, limits, options, Top::Document)
    }

    /// A reader of a fragment: like [`document`](Self::document), but any number of
    /// top-level elements, at least one.
    ///
    /// # Errors
    /// [`XmlError::TooLarge`] when `input` exceeds [`XmlLimits::max_size`].
    pub fn fragment(
        input: &'a str,
        limits: &XmlLimits,
        options: XmlOptions,
    ) -> Result<Self, XmlError> {
        Self::new(input, limits, options, Top::Fragment)
    }

    fn new(
        input: &'a str,
        limits: &XmlLimits,
        options: XmlOptions,
        top: Top,
    ) -> Result<Self, XmlError> {
        if input.len() > limits.max_size {
            return Err(XmlError::TooLarge {
                size: input.len(),
                max: limits.max_size,
            });
        }
        Ok(Self {
            input,
            tokens: Tokens::new(input, options.lenient_ampersand),
            limits: *limits,
            lenient_ampersand: options.lenient_ampersand,
            top,
            open: OpenStack::new(),
            count: 0,
            roots: 0,
            pending_end: None,
            failed: false,
        })
    }

    /// The input being read.
    pub fn source(&self) -> &'a str {
        self.input
    }

    /// How many elements are open.
    pub fn depth(&self) -> usize {
        self.open.len
    }

    /// The next event, or `Ok(None)` at the end of a well-formed input (and after an
    /// error, which ends the reading).
    ///
    /// # Errors
    /// Every rejection of this module, as an [`XmlError`] with its byte offset.
    #[allow(clippy::should_implement_trait)] // fallible and lending the input: not an Iterator
    pub fn next(&mut self) -> Result<Option<XmlEvent<'a>>, XmlError> {
        self.next_with(None)
    }

    /// [`next`](Self::next), and a start tag's attributes collected into `attrs` (for the
    /// tree: checked and resolved in one pass).
    fn next_with(
        &mut self,
        attrs: Option<&mut Attrs<'a>>,
    ) -> Result<Option<XmlEvent<'a>>, XmlError> {
        if self.failed {
            return Ok(None);
        }
        let event = self.step(attrs);
        self.failed = event.is_err();
        event
    }

    /// One event of [`next_with`](Self::next_with).
    fn step(&mut self, attrs: Option<&mut Attrs<'a>>) -> Result<Option<XmlEvent<'a>>, XmlError> {
        if let Some(at) = self.pending_end.take() {
            self.open.pop();
            return Ok(Some(XmlEvent::End(at..at)));
        }
        loop {
            let token = self
                .tokens
                .next()
                .map_err(|f| map_xml_err(f.error, f.offset))?;
            let before = self.tokens.start();
            match token {
                Token::Start {
                    content,
                    name_len,
                    empty,
                    simple,
                } => {
                    let after = self.tokens.pos();
                    let tag = self.start(content, name_len, before, after, empty, simple, attrs)?;
                    if empty {
                        self.pending_end = Some(after);
                    }
                    return Ok(Some(XmlEvent::Start(tag)));
                }
                Token::End(name) => {
                    // The end tag must close the innermost open element, by the same name.
                    let error = match self.open.pop() {
                        Some(open) if open.name == name => {
                            return Ok(Some(XmlEvent::End(before..self.tokens.pos())));
                        }
                        Some(open) => IllFormedError::MismatchedEndTag {
                            expected: open.name.to_owned(),
                            found: name.to_owned(),
                        },
                        None => IllFormedError::UnmatchedEndTag(name.to_owned()),
                    };
                    return Err(map_xml_err(quick_xml::Error::IllFormed(error), before));
                }
                Token::Text(raw) => {
                    let text = BytesText::from_escaped(raw).xml_content(XmlVersion::Implicit1_0);
                    if self.open.len == 0 {
                        if !text.trim().is_empty() {
                            return Err(XmlError::NotADocument {
                                offset: before,
                                message: "text outside the root element",
                            });
                        }
                        continue;
                    }
                    if let Some(t) = self.count_text(text, before)? {
                        return Ok(Some(t));
                    }
                }
                Token::CData(raw) => {
                    if self.open.len == 0 {
                        return Err(XmlError::NotADocument {
                            offset: before,
                            message: "CDATA outside the root element",
                        });
                    }
                    // Line ends are normalised in CDATA as everywhere else in the document.
                    let text = BytesCData::new(raw).xml_content(XmlVersion::Implicit1_0);
                    if let Some(t) = self.count_text(text, before)? {
                        return Ok(Some(t));
                    }
                }
                Token::Ref(name) => {
                    let r = BytesRef::new(name);
                    let text = if self.lenient_ampersand
                        && !r.is_char_ref()
                        && predefined(&r).is_none()
                    {
                        if self.open.len == 0 {
                            continue;
                        }
                        format!("&{};", &*r)
                    } else {
                        let ch = if r.is_char_ref() {
                            match r.resolve_char_ref() {
                                Ok(Some(c)) => c,
                                Ok(None) | Err(_) => {
                                    return Err(XmlError::Malformed {
                                        offset: before,
                                        message: format!("invalid character reference `&{};`", &*r),
                                    });
                                }
                            }
                        } else {
                            predefined(&r).ok_or_else(|| XmlError::UnknownEntity {
                                offset: before,
                                entity: r.to_string(),
                            })?
                        };
                        if self.open.len == 0 {
                            return Err(XmlError::NotADocument {
                                offset: before,
                                message: "reference outside the root element",
                            });
                        }
                        ch.to_string()
                    };
                    if let Some(t) = self.count_text(Cow::Owned(text), before)? {
                        return Ok(Some(t));
                    }
                }
                Token::Doctype => return Err(XmlError::Doctype { offset: before }),
                Token::Eof => {
                    if let Some(last) = self.open.last_mut() {
                        return Err(XmlError::Truncated {
                            offset: self.input.len(),
                            missing: format!("</{}>", last.name),
                            open: self.open.len,
                        });
                    }
                    if self.roots == 0 {
                        return Err(XmlError::NoRoot {
                            offset: self.input.len(),
                        });
                    }
                    return Ok(None);
                }
            }
        }
    }

    /// Checks a start tag (`content` between `<` and `>` or `/>`, its name `name_len` bytes
    /// long; with `simple`, its attributes are where the tokenizer found them) and opens its
    /// element.
    #[allow(clippy::too_many_arguments)]
    fn start(
        &mut self,
        content: &'a str,
        name_len: usize,
        before: usize,
        after: usize,
        empty: bool,
        simple: bool,
        mut attrs: Option<&mut Attrs<'a>>,
    ) -> Result<Tag<'a>, XmlError> {
        if self.top == Top::Document && self.open.len == 0 && self.roots > 0 {
            return Err(XmlError::NotADocument {
                offset: before,
                message: "content after the root element",
            });
        }
        self.count += 1;
        if self.count > self.limits.max_elements {
            return Err(XmlError::TooManyElements {
                offset: before,
                max: self.limits.max_elements,
            });
        }
        if self.open.len >= self.limits.max_depth {
            return Err(XmlError::TooDeep {
                offset: before,
                max: self.limits.max_depth,
            });
        }
        let name = content.get(..name_len).unwrap_or_default();
        if !is_qname(name.as_bytes()) {
            return Err(XmlError::Malformed {
                offset: before,
                message: "element name is not an XML name".into(),
            });
        }
        // Attributes the tokenizer found are only checked. Otherwise quick-xml reads them: the
        // tree collects them as they are checked, with quick-xml's own check for repeated keys
        // (it allocates, as the tree does anyway). An event's tag keeps up to `INLINE_ATTRS`
        // positions instead, and finds repeated keys among them; past that, the tag is read
        // again with quick-xml's check.
        let pass = simple && self.found_attrs_pass(content, attrs.as_deref_mut());
        let spans = match attrs {
            _ if pass => Some(*self.tokens.found()),
            Some(sink) => self.check_attrs(content, name.len(), before, Some(sink), true)?,
            None => match self.check_attrs(content, name.len(), before, None, false)? {
                Some(spans) => Some(spans),
                None => self.check_attrs(content, name.len(), before, None, true)?,
            },
        };
        if self.open.len == 0 {
            self.roots += 1;
        }
        self.open.push(Open { name, text: 0 });
        Ok(Tag {
            name,
            content,
            start: before,
            end: after,
            empty,
            lenient_ampersand: self.lenient_ampersand,
            spans,
        })
    }

    /// Whether the attributes the tokenizer found (well-formed by their shape) pass the
    /// checks of [`check_attrs`](Self::check_attrs): unique, within the limits, references
    /// resolvable; with `sink`, they are collected as they are checked. On `false` the sink is
    /// as it was, and `check_attrs` reads the tag again for the error (quick-xml's, or the
    /// limit's, as the first failing attribute gives it).
    fn found_attrs_pass(&self, content: &'a str, mut sink: Option<&mut Attrs<'a>>) -> bool {
        let found = self.tokens.found();
        let kept = sink.as_ref().map_or(0, |s| s.len());
        let range = |a: u16, b: u16| content.get(usize::from(a)..usize::from(b));
        let spans = found.at.get(..usize::from(found.len)).unwrap_or_default();
        let mut counted = 0usize;
        let pass = spans.iter().enumerate().all(|(i, &[k0, k1, v0, v1])| {
            let (Some(key), Some(value)) = (range(k0, k1), range(v0, v1)) else {
                return false;
            };
            let earlier = spans.get(..i).unwrap_or_default();
            if earlier
                .iter()
                .any(|&[p0, p1, _, _]| range(p0, p1) == Some(key))
            {
                return false;
            }
            let attr = Attribute {
                key: QName(key),
                value: Cow::Borrowed(value),
            };
            // The same checks as `check_attrs`; the error itself is left to it.
            self.attr_within_limits(&attr, &mut counted, 0).is_ok()
                && self.attr_resolves(&attr, sink.as_deref_mut(), 0).is_ok()
        });
        if !pass && let Some(sink) = sink {
            sink.truncate(kept);
        }
        pass
    }

    /// Checks the attributes of a tag (`content`, attributes from `at`): well-formed, unique,
    /// within the limits, references resolvable; collects them into `sink` when given. With
    /// `quick_checks`, quick-xml checks uniqueness and nothing is kept (`None`); without,
    /// uniqueness is checked on the kept positions, and `None` means there were too many to
    /// keep (check again with `quick_checks`).
    fn check_attrs(
        &self,
        content: &'a str,
        at: usize,
        offset: usize,
        mut sink: Option<&mut Attrs<'a>>,
        quick_checks: bool,
    ) -> Result<Option<AttrSpans>, XmlError> {
        let mut counted = 0usize;
        let mut spans = AttrSpans::default();
        for attr in Attributes::new(content, at).with_checks(quick_checks) {
            let attr = match attr {
                Ok(attr) => attr,
                Err(e) => {
                    if !quick_checks {
                        // quick-xml checks a repeated key before it reads the value: read the
                        // tag again with its check, so that the error is the one it gives.
                        self.check_attrs(content, at, offset, None, true)?;
                    }
                    return Err(XmlError::Malformed {
                        offset,
                        message: e.to_string(),
                    });
                }
            };
            if !quick_checks {
                // Where quick-xml's check would have failed: before the limits. (Every
                // attribute so far is kept, or this pass has ended.)
                if let Some(dup) = spans.repeated(content, &attr) {
                    return Err(XmlError::Malformed {
                        offset,
                        message: dup.to_string(),
                    });
                }
            }
            self.attr_within_limits(&attr, &mut counted, offset)?;
            if !quick_checks && !spans.push(content, &attr) {
                return Ok(None);
            }
            self.attr_resolves(&attr, sink.as_deref_mut(), offset)?;
        }
        Ok((!quick_checks).then_some(spans))
    }

    /// The limits on one attribute of a tag: how many (namespace declarations not counted;
    /// `counted` so far) and how long its value.
    fn attr_within_limits(
        &self,
        attr: &Attribute<'_>,
        counted: &mut usize,
        offset: usize,
    ) -> Result<(), XmlError> {
        if attr.key.as_namespace_binding().is_none() {
            *counted += 1;
            if *counted > self.limits.max_attributes {
                return Err(XmlError::TooManyAttributes {
                    offset,
                    max: self.limits.max_attributes,
                });
            }
        }
        if attr.value.len() > self.limits.max_attr_len {
            return Err(XmlError::AttributeTooLong {
                offset,
                name: attr.key.0.to_owned(),
                len: attr.value.len(),
                max: self.limits.max_attr_len,
            });
        }
        Ok(())
    }

    /// Whether an attribute's references resolve; with `sink`, its value resolved is kept
    /// there.
    fn attr_resolves(
        &self,
        attr: &Attribute<'a>,
        sink: Option<&mut Attrs<'a>>,
        offset: usize,
    ) -> Result<(), XmlError> {
        if let Some(sink) = sink {
            let value =
                attr_value(attr, self.lenient_ampersand).map_err(|e| map_xml_err(e, offset))?;
            sink.push((Cow::Borrowed(attr.key.0), value));
        } else if attr.value.contains('&') {
            // Only a reference can fail to resolve.
            attr_value(attr, self.lenient_ampersand).map_err(|e| map_xml_err(e, offset))?;
        }
        Ok(())
    }

    /// Counts a text piece of the innermost open element; empty pieces are not reported.
    fn count_text(
        &mut self,
        text: Cow<'a, str>,
        offset: usize,
    ) -> Result<Option<XmlEvent<'a>>, XmlError> {
        if let Some(o) = self.open.last_mut() {
            o.text = o.text.saturating_add(text.len());
            if o.text > self.limits.max_text_len {
                return Err(XmlError::TextTooLong {
                    offset,
                    max: self.limits.max_text_len,
                });
            }
        }
        Ok((!text.is_empty()).then_some(XmlEvent::Text(text)))
    }

    /// The next event inside an open element: `None` at the end of input (which the reader
    /// reports as an error first, so this is only a guard).
    fn inner(&mut self) -> Result<XmlEvent<'a>, XmlError> {
        self.inner_with(None)
    }

    /// [`inner`](Self::inner) with [`next_with`](Self::next_with).
    fn inner_with(&mut self, attrs: Option<&mut Attrs<'a>>) -> Result<XmlEvent<'a>, XmlError> {
        self.next_with(attrs)?.ok_or(XmlError::NoRoot {
            offset: self.input.len(),
        })
    }

    /// Reads the rest of the element `tag` just started (its [`Start`](XmlEvent::Start) was
    /// the last event) as a tree, through its end tag.
    ///
    /// # Errors
    /// As [`next`](Self::next).
    pub fn element(&mut self, tag: Tag<'a>) -> Result<Element<'a>, XmlError> {
        let attrs = tag.attrs().map(|(k, v)| (Cow::Borrowed(k), v)).collect();
        self.element_with(tag, attrs)
    }

    /// [`element`](Self::element) with the attributes of `tag` already collected.
    fn element_with(&mut self, tag: Tag<'a>, attrs: Attrs<'a>) -> Result<Element<'a>, XmlError> {
        let open = |t: Tag<'a>, attrs: Attrs<'a>| Element {
            name: Cow::Borrowed(t.name),
            attrs,
            children: Vec::new(),
            span: t.start..t.end,
            inner: t.end..t.end,
        };
        let mut stack = vec![open(tag, attrs)];
        let mut attrs = Vec::new();
        loop {
            match self.inner_with(Some(&mut attrs))? {
                XmlEvent::Start(t) => stack.push(open(t, std::mem::take(&mut attrs))),
                XmlEvent::Text(t) => {
                    if let Some(parent) = stack.last_mut() {
                        push_text(&mut parent.children, t);
                    }
                }
                XmlEvent::End(end) => {
                    let Some(mut el) = stack.pop() else {
                        continue;
                    };
                    el.inner = el.inner.start..end.start;
                    el.span = el.span.start..end.end;
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(Node::Element(el)),
                        None => return Ok(el),
                    }
                }
            }
        }
    }

    /// Skips the rest of the element just started, through its end tag (still checking
    /// everything), and returns the end tag's byte range.
    ///
    /// # Errors
    /// As [`next`](Self::next).
    pub fn skip(&mut self) -> Result<Range<usize>, XmlError> {
        let mut depth = 1usize;
        loop {
            match self.inner()? {
                XmlEvent::Start(_) => depth += 1,
                XmlEvent::Text(_) => {}
                XmlEvent::End(end) => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(end);
                    }
                }
            }
        }
    }

    /// Reads the direct content of the element just started, through its end tag: its text,
    /// or (at its first child element) the name of that child, the rest skipped.
    ///
    /// # Errors
    /// As [`next`](Self::next).
    pub fn content(&mut self) -> Result<Content<'a>, XmlError> {
        let mut text = Cow::Borrowed("");
        loop {
            match self.inner()? {
                XmlEvent::Text(t) => append(&mut text, t),
                XmlEvent::End(_) => return Ok(Content::Text(text)),
                XmlEvent::Start(child) => {
                    let first = child.name;
                    if !child.empty {
                        self.skip()?;
                    } else {
                        self.next()?;
                    }
                    let end = self.skip()?;
                    return Ok(Content::Elements { first, end });
                }
            }
        }
    }

    /// Reads the direct text of the element just started, through its end tag: text pieces
    /// joined, child elements skipped (as [`Element::text`]).
    ///
    /// # Errors
    /// As [`next`](Self::next).
    pub fn text(&mut self) -> Result<Cow<'a, str>, XmlError> {
        let mut text = Cow::Borrowed("");
        loop {
            match self.inner()? {
                XmlEvent::Text(t) => append(&mut text, t),
                XmlEvent::End(_) => return Ok(text),
                XmlEvent::Start(_) => {
                    self.skip()?;
                }
            }
        }
    }

    /// Reads the rest of the element `tag` just started as an owned [`XmlElement`] (for
    /// elements no typed parser knows).
    ///
    /// # Errors
    /// As [`next`](Self::next).
    pub fn owned_element(&mut self, tag: Tag<'a>) -> Result<XmlElement, XmlError> {
        Ok(self.element(tag)?.to_owned_element(self.input))
    }

    /// Reads to the end of input, checking everything.
    ///
    /// # Errors
    /// As [`next`](Self::next).
    pub fn finish(&mut self) -> Result<(), XmlError> {
        while self.next()?.is_some() {}
        Ok(())
    }
}

/// Reads a payload document from events: `body` is checked for size and UTF-8, then `read`
/// gets the reader and the root's start tag and reads through the root's end tag. The rest
/// of the input is checked before `read`'s answer counts, so a malformed document is reported
/// as such wherever `read` stopped (as when the whole tree was built first).
pub(crate) fn read_root<'a, T>(
    body: &'a [u8],
    limits: &XmlLimits,
    options: XmlOptions,
    read: impl FnOnce(&mut XmlReader<'a>, Tag<'a>) -> Result<T, PayloadError>,
) -> Result<T, PayloadError> {
    let mut reader = XmlReader::document(sized_text(body, limits)?, limits, options)?;
    // A document's first event is its root's start tag (top-level text is never reported).
    let Some(XmlEvent::Start(root)) = reader.next()? else {
        return Err(PayloadError::Truncated {
            offset: body.len(),
            missing: "a root element".into(),
        });
    };
    let out = read(&mut reader, root);
    reader.finish()?;
    out
}

/// Joins a text piece to the text so far (borrowed while there is one piece).
pub(crate) fn append<'a>(text: &mut Cow<'a, str>, piece: Cow<'a, str>) {
    if text.is_empty() {
        *text = piece;
    } else {
        text.to_mut().push_str(&piece);
    }
}

/// The child elements of the element just started, through its end tag: `each` gets every
/// child's start tag and reads the child through its end tag. Direct text is ignored.
pub(crate) fn children<'a>(
    reader: &mut XmlReader<'a>,
    mut each: impl FnMut(&mut XmlReader<'a>, Tag<'a>) -> Result<(), PayloadError>,
) -> Result<(), PayloadError> {
    loop {
        match reader.next()? {
            Some(XmlEvent::Start(c)) => each(reader, c)?,
            Some(XmlEvent::Text(_)) => {}
            Some(XmlEvent::End(_)) | None => return Ok(()),
        }
    }
}

/// The direct text of the element `tag` just started; child elements are an error.
pub(crate) fn text_only<'a>(
    reader: &mut XmlReader<'a>,
    tag: &Tag<'a>,
) -> Result<Cow<'a, str>, PayloadError> {
    match reader.content()? {
        Content::Text(t) => Ok(t),
        Content::Elements { first, .. } => Err(PayloadError::UnexpectedElement {
            parent: tag.name.to_owned(),
            found: first.to_owned(),
        }),
    }
}

/// The one reading loop: the top-level elements of `input`, as trees.
fn read_top<'a>(
    input: &'a str,
    limits: &XmlLimits,
    options: XmlOptions,
    top: Top,
) -> Result<Vec<Element<'a>>, XmlError> {
    let mut reader = XmlReader::new(input, limits, options, top)?;
    let mut roots = Vec::new();
    let mut attrs = Vec::new();
    while let Some(event) = reader.next_with(Some(&mut attrs))? {
        // Top-level text is never reported and an end tag always closes a started element.
        if let XmlEvent::Start(tag) = event {
            let attrs = std::mem::take(&mut attrs);
            roots.push(reader.element_with(tag, attrs)?);
        }
    }
    Ok(roots)
}

/// Whether `name` is an XML (qualified) name: quick-xml takes everything up to the first blank
/// as the name, so `<a="b"/>` would otherwise give an element named `a="b"`. ASCII is checked
/// exactly (first a letter, `_` or `:`; then also digits, `-`, `.`); non-ASCII is accepted.
fn is_qname(name: &[u8]) -> bool {
    // Namespaces in XML: `NCName` or `NCName:NCName`; an `NCName` has no colon. (XML 1.0's
    // `Name` allows `:` anywhere, but `<:/>` or `<a:>` would leave an empty local name.)
    fn is_ncname(n: &[u8]) -> bool {
        let start = |b: u8| b.is_ascii_alphabetic() || b == b'_' || b >= 0x80;
        match n.split_first() {
            Some((&first, rest)) => {
                start(first)
                    && rest
                        .iter()
                        .all(|&b| start(b) || b.is_ascii_digit() || b == b'-' || b == b'.')
            }
            None => false,
        }
    }
    match name.iter().position(|&b| b == b':') {
        Some(i) => is_ncname(&name[..i]) && is_ncname(&name[i + 1..]),
        None => is_ncname(name),
    }
}

/// Appends literal attribute text with XML attribute-value normalisation: CRLF, CR, LF and TAB
/// each become one space (references are resolved separately and keep their character).
fn push_normalized(out: &mut String, s: &str) {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push(' ');
            }
            '\n' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
}

/// Resolves the predefined entities and character references of a raw attribute value,
/// keeping every `&` that does not start a valid reference literally, and normalises literal
/// whitespace as the strict path (`normalized_value`) does.
fn lenient_unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some((before, after)) = rest.split_once('&') {
        push_normalized(&mut out, before);
        let resolved = after.split_once(';').and_then(|(name, tail)| {
            if name.len() > 12 {
                return None;
            }
            let ch = if let Some(num) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X"))
            {
                u32::from_str_radix(num, 16).ok().and_then(char::from_u32)
            } else if let Some(num) = name.strip_prefix('#') {
                num.parse::<u32>().ok().and_then(char::from_u32)
            } else {
                predefined(name)
            }?;
            Some((ch, tail))
        });
        match resolved {
            Some((ch, tail)) => {
                out.push(ch);
                rest = tail;
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    push_normalized(&mut out, rest);
    out
}

/// Escapes text content for XML (`&`, `<`, `>`).
pub fn escape_text(s: &str) -> Cow<'_, str> {
    quick_xml::escape::partial_escape(s)
}

/// Escapes an attribute value for a double-quoted attribute (`&`, `<`, `>`, `"`, `'`, and
/// TAB, LF and CR as character references: a reader normalises them to spaces when literal).
///
/// ```
/// use msnp_proto::payload::xml::escape_attr;
/// assert_eq!(escape_attr("a\n\"b\""), "a&#10;&quot;b&quot;");
/// ```
pub fn escape_attr(s: &str) -> Cow<'_, str> {
    let escaped = quick_xml::escape::escape(s);
    if !escaped.contains(['\t', '\n', '\r']) {
        return escaped;
    }
    let mut out = String::with_capacity(escaped.len() + 8);
    for c in escaped.chars() {
        match c {
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Appends ` name="value"` (escaped) to `out`.
pub(crate) fn push_attr(out: &mut String, name: &str, value: &str) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    out.push_str(&escape_attr(value));
    out.push('"');
}

/// Appends `<name>text</name>` (escaped) to `out`.
pub(crate) fn push_text_element(out: &mut String, name: &str, text: &str) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    out.push_str(&escape_text(text));
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// Checks that `root` is named `expected`.
pub(crate) fn expect_root(root: &Element<'_>, expected: &'static str) -> Result<(), PayloadError> {
    if root.name == expected {
        Ok(())
    } else {
        Err(PayloadError::UnexpectedRoot {
            expected,
            found: root.name.to_string(),
        })
    }
}
