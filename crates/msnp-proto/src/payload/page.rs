//! The `PAG` (MSNP5–8) / `PGD` (MSNP9+) page: a fragment, not a document —
//! `<PHONE pri="1"/><TEXT xml:space="preserve" enc="utf-8">…</TEXT>` (the `PHONE` element is
//! optional; `PGD` pages usually carry only `TEXT`).
//!
//! ```
//! use msnp_proto::payload::page::Page;
//! use msnp_proto::payload::xml::XmlLimits;
//! let body = br#"<PHONE pri="1"/><TEXT xml:space="preserve" enc="utf-8">Call me when you land</TEXT>"#;
//! let p = Page::parse(body, &XmlLimits::default()).unwrap();
//! assert_eq!(p.phone_priority, Some(1));
//! assert_eq!(p.text, "Call me when you land");
//! assert_eq!(p.encoding.as_deref(), Some("utf-8"));
//! assert_eq!(p.elements.len(), 2);
//! ```

use super::error::PayloadError;
use super::xml::{XmlElement, XmlLimits, parse_fragment_bytes};
use crate::num::{LeadingZeros, parse_u32};

/// A page's typed parts, with every top-level element kept as read.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Page {
    /// `<PHONE pri="…"/>`: the priority of the phone to page, when the element is present.
    pub phone_priority: Option<u32>,
    /// The text of `<TEXT>` (unescaped; `xml:space="preserve"` keeps its blanks).
    pub text: String,
    /// `<TEXT enc="…">` (`utf-8` in MSNP9+).
    pub encoding: Option<String>,
    /// Every top-level element in order (including elements this parser does not name), raw
    /// text included for re-encoding.
    pub elements: Vec<XmlElement>,
}

impl Page {
    /// Parses a page fragment: exactly one `<TEXT>`, at most one `<PHONE>` (whose `pri`, when
    /// written, is a decimal number), other elements kept.
    pub fn parse(body: &[u8], limits: &XmlLimits) -> Result<Self, PayloadError> {
        let fragment = parse_fragment_bytes(body, limits)?;
        let elements: Vec<XmlElement> = fragment
            .elements
            .iter()
            .map(|e| e.to_owned_element(fragment.source))
            .collect();
        let mut phone_priority = None;
        let mut phones = 0usize;
        let mut text = None;
        for e in &elements {
            match e.name.as_str() {
                "PHONE" => {
                    phones += 1;
                    if phones > 1 {
                        return Err(PayloadError::UnexpectedElement {
                            parent: "page".into(),
                            found: "a second PHONE".into(),
                        });
                    }
                    if let Some(p) = e.attr("pri") {
                        phone_priority =
                            Some(parse_u32(p.as_bytes(), LeadingZeros::Allow).ok_or_else(
                                || PayloadError::invalid("PHONE pri", p, "not a decimal number"),
                            )?);
                    }
                }
                "TEXT" => {
                    if text.is_some() {
                        return Err(PayloadError::UnexpectedElement {
                            parent: "page".into(),
                            found: "a second TEXT".into(),
                        });
                    }
                    text = Some((e.text.clone(), e.attr("enc").map(str::to_owned)));
                }
                _ => {}
            }
        }
        let Some((text, encoding)) = text else {
            return Err(PayloadError::invalid(
                "page",
                fragment.source,
                "has no TEXT element",
            ));
        };
        Ok(Self {
            phone_priority,
            text,
            encoding,
            elements,
        })
    }
}
