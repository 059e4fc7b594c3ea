//! The error type shared by every parser in this crate.

use msnp_proto::xml::XmlError;

use crate::fault::SoapFault;

/// Which configurable [`XmlLimits`](crate::XmlLimits) value a document exceeded.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum LimitKind {
    /// [`XmlLimits::max_size`](crate::XmlLimits::max_size): total document size in bytes.
    Size,
    /// [`XmlLimits::max_depth`](crate::XmlLimits::max_depth): element nesting depth.
    Depth,
    /// [`XmlLimits::max_elements`](crate::XmlLimits::max_elements): number of elements.
    Elements,
    /// [`XmlLimits::max_attributes`](crate::XmlLimits::max_attributes): attributes on one element.
    Attributes,
    /// [`XmlLimits::max_attr_len`](crate::XmlLimits::max_attr_len): length of one attribute value.
    AttributeLength,
    /// [`XmlLimits::max_text_len`](crate::XmlLimits::max_text_len): text content of one element.
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

/// The reader's errors, in SOAP's terms.
impl From<XmlError> for SoapError {
    fn from(e: XmlError) -> Self {
        let limit = |kind, limit| Self::Limit { kind, limit };
        match e {
            XmlError::InvalidUtf8 { offset } => Self::InvalidUtf8 { offset },
            XmlError::TooLarge { max, .. } => limit(LimitKind::Size, max),
            XmlError::TooDeep { max, .. } => limit(LimitKind::Depth, max),
            XmlError::TooManyElements { max, .. } => limit(LimitKind::Elements, max),
            XmlError::TooManyAttributes { max, .. } => limit(LimitKind::Attributes, max),
            XmlError::AttributeTooLong { max, .. } => limit(LimitKind::AttributeLength, max),
            XmlError::TextTooLong { max, .. } => limit(LimitKind::TextLength, max),
            XmlError::Doctype { .. } => Self::Doctype,
            XmlError::UnknownEntity { entity, .. } => Self::UnknownEntity {
                name: clip(&entity),
            },
            XmlError::Truncated { open, .. } => Self::Truncated { open },
            XmlError::NotADocument { .. } | XmlError::NoRoot { .. } => Self::NotADocument,
            XmlError::Unclosed { offset, missing } => Self::Xml {
                position: offset as u64,
                message: format!("unclosed {missing}"),
            },
            XmlError::Malformed { offset, message } => Self::Xml {
                position: offset as u64,
                message,
            },
            other => Self::Xml {
                position: 0,
                message: other.to_string(),
            },
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
