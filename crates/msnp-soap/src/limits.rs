//! The bounds SOAP parsers apply by default.

use msnp_proto::xml::XmlLimits;

/// The limits for SOAP responses: [`XmlLimits`] (msnp-proto's, the one reader's) with room for
/// large documents: 8 MiB (a large ABFindAll is a few hundred KiB), nesting depth 48 (real
/// responses stay below 15), 200 000 elements, 32 attributes per element, attribute values of
/// 16 KiB and element text of 1 MiB (OIM bodies are large).
///
/// ```
/// use msnp_soap::{DEFAULT_LIMITS, XmlLimits};
/// let strict = XmlLimits { max_depth: 16, ..DEFAULT_LIMITS };
/// assert!(strict.max_depth < DEFAULT_LIMITS.max_depth);
/// ```
pub const DEFAULT_LIMITS: XmlLimits = XmlLimits {
    max_size: 8 * 1024 * 1024,
    max_depth: 48,
    max_elements: 200_000,
    max_attributes: 32,
    max_attr_len: 16 * 1024,
    max_text_len: 1024 * 1024,
};
