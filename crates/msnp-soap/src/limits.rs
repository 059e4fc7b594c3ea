//! Explicit, configurable bounds applied to every parsed document.

/// Limits enforced while reading untrusted XML.
///
/// Every parser checks these before allocating; memory use is bounded by a
/// small multiple of [`max_size`](Self::max_size).
///
/// ```
/// let strict = msnp_soap::Limits { max_depth: 16, ..msnp_soap::Limits::default() };
/// assert!(strict.max_depth < msnp_soap::Limits::default().max_depth);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Maximum document size in bytes (default 8 MiB; a large ABFindAll is a few hundred KiB).
    pub max_size: usize,
    /// Maximum element nesting depth (default 48; real responses stay below 15).
    pub max_depth: usize,
    /// Maximum number of elements in the document (default 200 000).
    pub max_elements: usize,
    /// Maximum number of attributes on one element (default 32).
    pub max_attributes: usize,
    /// Maximum length in bytes of one attribute value (default 16 KiB).
    pub max_attribute_len: usize,
    /// Maximum text content of one element in bytes (default 1 MiB; OIM bodies are large).
    pub max_text_len: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_size: 8 * 1024 * 1024,
            max_depth: 48,
            max_elements: 200_000,
            max_attributes: 32,
            max_attribute_len: 16 * 1024,
            max_text_len: 1024 * 1024,
        }
    }
}
