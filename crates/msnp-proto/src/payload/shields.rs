//! The Shields configuration `<config>` (`GCF Shields.xml`, MSNP11–12; inside the
//! `SHIELDS` policy from MSNP13).
//!
//! ```
//! use msnp_proto::payload::shields::ShieldsConfig;
//! use msnp_proto::payload::xml::XmlLimits;
//! let body = br#"<?xml version= "1.0" encoding="utf-8" ?><config><shield><cli maj="7" min="0" minbld="0" maxbld="9999" deny="" /></shield><block></block></config>"#;
//! assert_eq!(body.len(), 145);
//! let c = ShieldsConfig::parse(body, &XmlLimits::default()).unwrap();
//! assert_eq!(c.clients[0].max_build, 9999);
//! assert!(c.clients[0].deny.is_empty());
//! ```

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;

use super::error::PayloadError;
use super::xml::{Element, XmlElement, XmlLimits, expect_root, parse_bytes, push_attr};

/// `<cli maj min minbld maxbld deny/>`: features denied to a range of client versions.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ClientRule {
    /// Major version.
    pub major: u32,
    /// Minor version.
    pub minor: u32,
    /// Lowest build (inclusive).
    pub min_build: u32,
    /// Highest build (inclusive).
    pub max_build: u32,
    /// Denied features (space-separated in `deny`; empty / `" "` = none).
    pub deny: Vec<String>,
}

impl ClientRule {
    /// Whether the rule applies to client version `major.minor.build`.
    pub fn matches(&self, major: u32, minor: u32, build: u32) -> bool {
        self.major == major
            && self.minor == minor
            && (self.min_build..=self.max_build).contains(&build)
    }
}

/// `<imtext value="BASE64(regex)"/>`: a regular expression blocked in outgoing IM text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ImTextRule {
    /// The base64 value as sent.
    pub value: String,
    /// The decoded regular expression, when it is valid base64 of UTF-8.
    pub pattern: Option<String>,
}

/// `<block>` (MSNP12+).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BlockRules {
    /// `<regexp><imtext/>…</regexp>` entries.
    pub imtext: Vec<ImTextRule>,
    /// `<hashes>` (undocumented) and any other child, preserved.
    pub other: Vec<XmlElement>,
}

/// The `<config>` document.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ShieldsConfig {
    /// `<shield><cli/>…</shield>` rules.
    pub clients: Vec<ClientRule>,
    /// `<block>`, when present.
    pub block: Option<BlockRules>,
    /// Other children of `<config>`, preserved.
    pub other: Vec<XmlElement>,
}

fn num(e: &Element<'_>, a: &'static str) -> Result<u32, PayloadError> {
    let v = e.attr(a).ok_or_else(|| PayloadError::MissingAttribute {
        element: e.name.to_string(),
        attribute: a,
    })?;
    v.trim().parse().map_err(|_| {
        PayloadError::invalid(format!("<cli> attribute {a}"), v, "not a decimal number")
    })
}

impl ShieldsConfig {
    /// Parses a `Shields.xml` body (XML declaration optional).
    pub fn parse(body: &[u8], limits: &XmlLimits) -> Result<Self, PayloadError> {
        let doc = parse_bytes(body, limits)?;
        Self::from_element(&doc.root, doc.source)
    }

    /// Reads a `<config>` element of an already parsed document.
    pub fn from_element(root: &Element<'_>, src: &str) -> Result<Self, PayloadError> {
        expect_root(root, "config")?;
        let mut c = Self::default();
        for child in root.elements() {
            match child.name.as_ref() {
                "shield" => {
                    for cli in child.elements() {
                        if cli.name != "cli" {
                            return Err(PayloadError::UnexpectedElement {
                                parent: "shield".into(),
                                found: cli.name.to_string(),
                            });
                        }
                        c.clients.push(ClientRule {
                            major: num(cli, "maj")?,
                            minor: num(cli, "min")?,
                            min_build: num(cli, "minbld")?,
                            max_build: num(cli, "maxbld")?,
                            deny: cli
                                .attr("deny")
                                .unwrap_or("")
                                .split_whitespace()
                                .map(str::to_owned)
                                .collect(),
                        });
                    }
                }
                "block" => {
                    let mut b = BlockRules::default();
                    for bc in child.elements() {
                        if bc.name == "regexp" {
                            for im in bc.elements() {
                                if im.name != "imtext" {
                                    b.other.push(im.to_owned_element(src));
                                    continue;
                                }
                                let value = im.attr("value").unwrap_or("").to_owned();
                                let pattern = B64
                                    .decode(value.trim())
                                    .ok()
                                    .and_then(|v| String::from_utf8(v).ok());
                                b.imtext.push(ImTextRule { value, pattern });
                            }
                        } else {
                            b.other.push(bc.to_owned_element(src));
                        }
                    }
                    c.block = Some(b);
                }
                _ => c.other.push(child.to_owned_element(src)),
            }
        }
        Ok(c)
    }

    /// Features denied to client `major.minor.build` (union over matching rules).
    pub fn denied_features(&self, major: u32, minor: u32, build: u32) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for r in self
            .clients
            .iter()
            .filter(|r| r.matches(major, minor, build))
        {
            for d in &r.deny {
                if !out.contains(&d.as_str()) {
                    out.push(d);
                }
            }
        }
        out
    }

    /// Serialises `<config>…</config>`; with `declaration`, prefixed by the MSNP11–12
    /// `<?xml version="1.0" encoding="utf-8" ?>`.
    pub fn to_xml(&self, declaration: bool) -> String {
        let mut s = String::new();
        if declaration {
            s.push_str("<?xml version=\"1.0\" encoding=\"utf-8\" ?>");
        }
        s.push_str("<config><shield>");
        for r in &self.clients {
            s.push_str("<cli");
            push_attr(&mut s, "maj", &r.major.to_string());
            push_attr(&mut s, "min", &r.minor.to_string());
            push_attr(&mut s, "minbld", &r.min_build.to_string());
            push_attr(&mut s, "maxbld", &r.max_build.to_string());
            let deny = if r.deny.is_empty() {
                " ".to_owned()
            } else {
                r.deny.join(" ")
            };
            push_attr(&mut s, "deny", &deny);
            s.push_str(" />");
        }
        s.push_str("</shield>");
        if let Some(b) = &self.block {
            s.push_str("<block>");
            if !b.imtext.is_empty() {
                s.push_str("<regexp>");
                for r in &b.imtext {
                    s.push_str("<imtext");
                    push_attr(&mut s, "value", &r.value);
                    s.push_str("/>");
                }
                s.push_str("</regexp>");
            }
            for o in &b.other {
                s.push_str(&o.raw);
            }
            s.push_str("</block>");
        }
        for o in &self.other {
            s.push_str(&o.raw);
        }
        s.push_str("</config>");
        s
    }
}
