//! The error type shared by every payload parser and builder.

use thiserror::Error;

/// Everything that can go wrong while parsing or building a payload.
///
/// Offsets are byte offsets into the payload body given to the parser.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PayloadError {
    /// The payload is not valid UTF-8.
    #[error("invalid UTF-8 at byte {offset}")]
    InvalidUtf8 {
        /// Offset of the first invalid byte.
        offset: usize,
    },
    /// The payload is larger than the configured limit.
    #[error("payload of {size} bytes exceeds the limit of {max} bytes")]
    TooLarge {
        /// Size of the payload.
        size: usize,
        /// Configured maximum.
        max: usize,
    },
    /// Elements are nested deeper than the configured limit.
    #[error("XML nesting deeper than {max} levels at byte {offset}")]
    TooDeep {
        /// Offset of the element that exceeded the limit.
        offset: usize,
        /// Configured maximum depth.
        max: usize,
    },
    /// The document has more elements than the configured limit.
    #[error("more than {max} XML elements (at byte {offset})")]
    TooManyElements {
        /// Offset of the first element over the limit.
        offset: usize,
        /// Configured maximum.
        max: usize,
    },
    /// An attribute value is longer than the configured limit.
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
    /// A `<!DOCTYPE …>` (and with it any entity declaration) was found; never accepted.
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
    /// The XML is not well-formed.
    #[error("malformed XML at byte {offset}: {message}")]
    Xml {
        /// Offset reported by the XML reader.
        offset: usize,
        /// What the XML reader reported.
        message: String,
    },
    /// The document ended before all elements were closed (or had no root at all).
    #[error("truncated document at byte {offset}: {missing}")]
    Truncated {
        /// Offset of the end of input.
        offset: usize,
        /// What was still expected (e.g. `</ml>`).
        missing: String,
    },
    /// The root element is not the one this parser handles.
    #[error("unexpected root element `{found}`, expected {expected}")]
    UnexpectedRoot {
        /// What the parser accepts.
        expected: &'static str,
        /// The root element found.
        found: String,
    },
    /// A child element that is not allowed at this place.
    #[error("unexpected element `{found}` inside `{parent}`")]
    UnexpectedElement {
        /// The enclosing element.
        parent: String,
        /// The element found.
        found: String,
    },
    /// A required attribute is missing.
    #[error("element `{element}` lacks required attribute `{attribute}`")]
    MissingAttribute {
        /// Element name.
        element: String,
        /// Attribute name.
        attribute: &'static str,
    },
    /// A field (attribute, element text or header) has an invalid value.
    #[error("invalid {field} `{value}`: {reason}")]
    InvalidValue {
        /// Which field.
        field: String,
        /// The offending value (possibly shortened).
        value: String,
        /// Why it is invalid.
        reason: &'static str,
    },
    /// A MIME payload is malformed.
    #[error("malformed MIME at byte {offset}: {reason}")]
    Mime {
        /// Offset of the problem.
        offset: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// A required MIME header is missing.
    #[error("missing header `{0}`")]
    MissingHeader(&'static str),
    /// Binary data is shorter than its fixed layout requires.
    #[error("{what} needs {needed} bytes, got {got}")]
    TooShort {
        /// What was being decoded.
        what: &'static str,
        /// Bytes needed.
        needed: usize,
        /// Bytes available.
        got: usize,
    },
    /// A payload cannot be built because it would break a protocol rule.
    #[error("cannot build payload: {0}")]
    Build(String),
}

impl PayloadError {
    pub(crate) fn invalid(field: impl Into<String>, value: &str, reason: &'static str) -> Self {
        let mut value = value.to_owned();
        if value.len() > 64 {
            let mut cut = 64;
            while !value.is_char_boundary(cut) {
                cut -= 1;
            }
            value.truncate(cut);
            value.push('…');
        }
        Self::InvalidValue {
            field: field.into(),
            value,
            reason,
        }
    }
}

/// Checks that `body` is valid UTF-8, reporting where it is not.
pub(crate) fn utf8(body: &[u8]) -> Result<&str, PayloadError> {
    std::str::from_utf8(body).map_err(|e| PayloadError::InvalidUtf8 {
        offset: e.valid_up_to(),
    })
}
