//! The MSNP13+ `GCF 0` `<Policies>` document.
//!
//! Each `<Policy type=… checksum=…>` carries a checksum: the upper-case hex MD5 of the
//! policy's raw inner XML (as the shared transcripts compute it; the official algorithm is
//! not documented). The raw inner XML is kept so that the checksum can be verified
//! (`msnp_auth::digest::policy_checksum`); it is never enforced.
//!
//! ```
//! use msnp_proto::payload::policies::{Policies, PolicyContent};
//! use msnp_proto::payload::xml::XmlLimits;
//! let body = br#"<Policies><Policy type="SHIELDS" checksum="94A347C122C483F8BEAD525832DB2F71"><config><shield><cli maj="7" min="0" minbld="0" maxbld="9999" deny=" " /></shield><block></block></config></Policy></Policies>"#;
//! let p = Policies::parse(body, &XmlLimits::default()).unwrap();
//! assert_eq!(p.policies[0].checksum.as_deref(), Some("94A347C122C483F8BEAD525832DB2F71"));
//! assert!(matches!(p.policies[0].content, PolicyContent::Shields(_)));
//! assert_eq!(p.to_xml(), std::str::from_utf8(body).unwrap());
//! ```

use super::error::PayloadError;
use super::shields::ShieldsConfig;
use super::xml::{Document, XmlElement, XmlLimits, expect_root, parse_bytes, push_attr};

/// What a policy contains.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(tag = "kind", content = "value", rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum PolicyContent {
    /// `SHIELDS`: a Shields `<config>`.
    Shields(ShieldsConfig),
    /// Any other policy (`ABCH`, `ERRORRESPONSETABLE`, `P2P`, …): its child elements.
    Elements(Vec<XmlElement>),
}

/// One `<Policy>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Policy {
    /// `type` attribute.
    pub policy_type: String,
    /// `checksum` attribute.
    pub checksum: Option<String>,
    /// The raw inner XML, byte-exact (used when re-encoding).
    pub inner_xml: String,
    /// Typed content.
    pub content: PolicyContent,
}

/// The `<Policies>` document.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Policies {
    /// Policies in document order.
    pub policies: Vec<Policy>,
}

impl Policy {
    /// Creates a policy from raw inner XML (which must be well-formed), without a checksum
    /// (set [`checksum`](Self::checksum) to `msnp_auth::digest::policy_checksum(inner_xml)`).
    pub fn new(
        policy_type: &str,
        inner_xml: &str,
        limits: &XmlLimits,
    ) -> Result<Self, PayloadError> {
        let mut wrapped = String::from("<Policies><Policy");
        push_attr(&mut wrapped, "type", policy_type);
        wrapped.push('>');
        wrapped.push_str(inner_xml);
        wrapped.push_str("</Policy></Policies>");
        Policies::parse(wrapped.as_bytes(), limits)?
            .policies
            .pop()
            .ok_or_else(|| PayloadError::Build("policy did not parse back".into()))
    }
}

impl Policies {
    /// Parses the document.
    pub fn parse(body: &[u8], limits: &XmlLimits) -> Result<Self, PayloadError> {
        Self::from_document(&parse_bytes(body, limits)?)
    }

    /// Reads an already parsed document (root must be `Policies`).
    pub fn from_document(doc: &Document<'_>) -> Result<Self, PayloadError> {
        let root = &doc.root;
        expect_root(root, "Policies")?;
        let mut out = Self::default();
        for p in root.elements() {
            if p.name != "Policy" {
                return Err(PayloadError::UnexpectedElement {
                    parent: "Policies".into(),
                    found: p.name.to_string(),
                });
            }
            let inner = doc.inner_xml(p).to_owned();
            let policy_type = p.attr("type").unwrap_or("").to_owned();
            let checksum = p.attr("checksum").map(str::to_owned);
            let content = match p.elements().next() {
                Some(cfg)
                    if policy_type.eq_ignore_ascii_case("SHIELDS") && cfg.name == "config" =>
                {
                    PolicyContent::Shields(ShieldsConfig::from_element(cfg, doc.source)?)
                }
                _ => PolicyContent::Elements(
                    p.elements()
                        .map(|e| e.to_owned_element(doc.source))
                        .collect(),
                ),
            };
            out.policies.push(Policy {
                policy_type,
                checksum,
                inner_xml: inner,
                content,
            });
        }
        Ok(out)
    }

    /// Serialises the document (each policy's raw inner XML verbatim).
    pub fn to_xml(&self) -> String {
        let mut s = String::from("<Policies>");
        for p in &self.policies {
            s.push_str("<Policy");
            push_attr(&mut s, "type", &p.policy_type);
            if let Some(c) = &p.checksum {
                push_attr(&mut s, "checksum", c);
            }
            s.push('>');
            s.push_str(&p.inner_xml);
            s.push_str("</Policy>");
        }
        s.push_str("</Policies>");
        s
    }

    /// The policy of the given type.
    pub fn get(&self, policy_type: &str) -> Option<&Policy> {
        self.policies.iter().find(|p| p.policy_type == policy_type)
    }
}
