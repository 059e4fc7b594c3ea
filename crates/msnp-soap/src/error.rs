//! The error type shared by every parser in this crate.

use crate::fault::SoapFault;

/// Which configurable [`Limits`](crate::Limits) value a document exceeded.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum LimitKind {
    /// [`Limits::max_size`](crate::Limits::max_size): total document size in bytes.
    Size,
    /// [`Limits::max_depth`](crate::Limits::max_depth): element nesting depth.
    Depth,
    /// [`Limits::max_elements`](crate::Limits::max_elements): number of elements.
    Elements,
    /// [`Limits::max_attributes`](crate::Limits::max_attributes): attributes on one element.
    Attributes,
    /// [`Limits::max_attribute_len`](crate::Limits::max_attribute_len): length of one attribute value.
    AttributeLength,
    /// [`Limits::max_text_len`](crate::Limits::max_text_len): text content of one element.
    TextLength,
}

impl core::fmt::Display for LimitKind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Size => "document size",
            Self::Depth => "nesting depth",
            Self::Elements => "element count",
            Self::Attributes => "attributes per element",
            Self::AttributeLength => "attribute length",
            Self::TextLength => "text length",
        })
    }
}

/// Everything that can go wrong when parsing a SOAP document.
///
/// A SOAP fault sent by the server is *not* a parse failure but it is still
/// reported through this type, as the distinct [`SoapError::Fault`] variant
/// (or [`SoapError::Redirect`] for a Passport redirect), so that every parser
/// returns `Result<Response, SoapError>`.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SoapError {
    /// The XML is not well-formed (or uses something quick-xml rejects).
    #[error("malformed XML at byte {position}: {message}")]
    Xml {
        /// Byte offset where the reader stopped.
        position: u64,
        /// The reader's description of the problem.
        message: String,
    },
    /// The input is not valid UTF-8.
    #[error("invalid UTF-8 at byte {offset}")]
    InvalidUtf8 {
        /// Offset of the first invalid byte.
        offset: usize,
    },
    /// A `<!DOCTYPE …>` (and so possibly entity declarations) was found; SOAP forbids it.
    #[error("DOCTYPE / entity declarations are not allowed in SOAP")]
    Doctype,
    /// An entity reference other than the five predefined ones or a character reference.
    #[error("unknown entity reference &{name};")]
    UnknownEntity {
        /// The entity name between `&` and `;` (truncated to 64 bytes).
        name: String,
    },
    /// The document ended inside an element.
    #[error("document truncated: {open} element(s) still open")]
    Truncated {
        /// How many elements were not closed.
        open: usize,
    },
    /// The document contains no root element, or content after it.
    #[error("not a single-rooted XML document")]
    NotADocument,
    /// A configured limit was exceeded.
    #[error("{kind} limit of {limit} exceeded")]
    Limit {
        /// Which limit.
        kind: LimitKind,
        /// The configured maximum.
        limit: usize,
    },
    /// The root element is not a SOAP `Envelope`.
    #[error("root element is <{found}>, not a SOAP Envelope")]
    NotAnEnvelope {
        /// Local name of the root element found.
        found: String,
    },
    /// A required element is missing; the string names its path.
    #[error("missing element {0}")]
    Missing(&'static str),
    /// The body holds an operation other than the one expected.
    #[error("unexpected body element <{found}>, expected {expected}")]
    UnexpectedElement {
        /// What the parser wanted.
        expected: &'static str,
        /// Local name found.
        found: String,
    },
    /// An element's text could not be converted (number, boolean, time, base64 …).
    #[error("bad value {value:?} in {path}: expected {expected}")]
    BadValue {
        /// Element path.
        path: &'static str,
        /// The offending text (truncated to 64 bytes).
        value: String,
        /// What was expected.
        expected: &'static str,
    },
    /// The server answered with a SOAP fault.
    #[error("SOAP fault {}: {}", .0.code, .0.reason)]
    Fault(Box<SoapFault>),
    /// Passport answered with a fault that redirects the client to another host.
    #[error("Passport redirect to {url}")]
    Redirect {
        /// The `psf:redirectUrl` to repeat the request at.
        url: String,
        /// The complete fault.
        fault: Box<SoapFault>,
    },
}

impl SoapError {
    /// The fault carried by [`SoapError::Fault`] or [`SoapError::Redirect`], if any.
    pub fn fault(&self) -> Option<&SoapFault> {
        match self {
            Self::Fault(f) | Self::Redirect { fault: f, .. } => Some(f),
            _ => None,
        }
    }
}

/// Truncates untrusted text for inclusion in an error.
pub(crate) fn clip(s: &str) -> String {
    let mut end = s.len().min(64);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or_default().to_owned()
}
