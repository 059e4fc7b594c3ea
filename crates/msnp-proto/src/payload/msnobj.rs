//! `MSNObject` (`<msnobj …/>`): display pictures, emoticons, winks, …
//!
//! ```
//! use msnp_proto::payload::msnobj::MsnObject;
//! use msnp_proto::payload::xml::XmlLimits;
//!
//! let xml = r#"<msnobj Creator="buddy1@hotmail.com" Size="24539" Type="3" Location="TFR2C.tmp" Friendly="AAA=" SHA1D="trC8SlFx2sWQxZMIBAWSEnXc8oQ=" SHA1C="U32o6bosZzluJq82eAtMpx5dIEI="/>"#;
//! let o = MsnObject::parse(xml, &XmlLimits::default()).unwrap();
//! assert_eq!(o.sha1c.as_deref(), Some("U32o6bosZzluJq82eAtMpx5dIEI="));
//! assert!(o.sha1c_input().starts_with("Creatorbuddy1@hotmail.comSize24539Type3"));
//! assert_eq!(o.friendly_name().as_deref(), Some(""));
//! assert_eq!(o.to_xml(), xml);
//! ```

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use percent_encoding::{NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

use super::error::PayloadError;
use super::xml::{XmlLimits, parse_document, push_attr};

/// Known `Type` values of an MSNObject.
pub mod object_type {
    /// Avatar (obsolete).
    pub const AVATAR: u32 = 1;
    /// Custom emoticon.
    pub const CUSTOM_EMOTICON: u32 = 2;
    /// Display picture.
    pub const DISPLAY_PICTURE: u32 = 3;
    /// Shared file.
    pub const SHARED_FILE: u32 = 4;
    /// Background.
    pub const BACKGROUND: u32 = 5;
    /// History.
    pub const HISTORY: u32 = 6;
    /// Dynamic display picture.
    pub const DYNAMIC_DISPLAY_PICTURE: u32 = 7;
    /// Wink.
    pub const WINK: u32 = 8;
    /// Map file.
    pub const MAP_FILE: u32 = 9;
    /// Dynamic background.
    pub const DYNAMIC_BACKGROUND: u32 = 10;
    /// Voice clip.
    pub const VOICE_CLIP: u32 = 11;
    /// Add-in saved state.
    pub const ADDIN_STATE: u32 = 12;
    /// Roaming object.
    pub const ROAMING_OBJECT: u32 = 13;
    /// Signature sound.
    pub const SIGNATURE_SOUND: u32 = 14;
    /// Scene.
    pub const SCENE: u32 = 16;
}

/// An MSNObject.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MsnObject {
    /// `Creator`: owner account.
    pub creator: String,
    /// `Size`: data size in bytes.
    pub size: u64,
    /// `Type` (see [`object_type`]).
    pub object_type: u32,
    /// `Location`: file name (`TFR….tmp`, often `0`).
    pub location: Option<String>,
    /// `Friendly`: base64 of the UTF-16LE friendly name (see [`friendly_name`](Self::friendly_name)).
    pub friendly: Option<String>,
    /// `SHA1D`: base64 SHA-1 of the data.
    pub sha1d: String,
    /// `SHA1C`: base64 SHA-1 of the checksum string (informational).
    pub sha1c: Option<String>,
    /// Further attributes (`contenttype`, `stamp`, `avatarid`, …) in order, preserved.
    pub extra: Vec<(String, String)>,
}

/// Encodes a friendly name as the `Friendly` attribute: base64(UTF-16LE(name) + NUL).
pub fn encode_friendly(name: &str) -> String {
    let mut bytes = Vec::with_capacity(name.len() * 2 + 2);
    for u in name.encode_utf16().chain(std::iter::once(0)) {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    B64.encode(bytes)
}

impl MsnObject {
    /// Creates an object for data of `size` bytes whose `SHA1D` is `sha1d`, without `SHA1C`.
    /// The hashes are computed by `msnp_auth::digest` (`msnp_session::digest::msnobj_for_data`
    /// does all of it).
    pub fn with_digest(
        creator: &str,
        object_type: u32,
        location: &str,
        friendly_name: &str,
        size: u64,
        sha1d: String,
    ) -> Self {
        Self {
            creator: creator.to_owned(),
            size,
            object_type,
            location: Some(location.to_owned()),
            friendly: Some(encode_friendly(friendly_name)),
            sha1d,
            sha1c: None,
            extra: Vec::new(),
        }
    }

    /// Parses the XML element text (`<msnobj …/>`, unescaped).
    pub fn parse(xml: &str, limits: &XmlLimits) -> Result<Self, PayloadError> {
        let doc = parse_document(xml.trim(), limits)?;
        let root = &doc.root;
        super::xml::expect_root(root, "msnobj")?;
        let req = |name: &'static str| {
            root.attr(name)
                .ok_or_else(|| PayloadError::MissingAttribute {
                    element: "msnobj".into(),
                    attribute: name,
                })
        };
        let size = req("Size")?;
        let ty = req("Type")?;
        let mut o = Self {
            creator: req("Creator")?.to_owned(),
            size: size
                .parse()
                .map_err(|_| PayloadError::invalid("msnobj Size", size, "not a decimal number"))?,
            object_type: ty
                .parse()
                .map_err(|_| PayloadError::invalid("msnobj Type", ty, "not a decimal number"))?,
            location: root.attr("Location").map(str::to_owned),
            friendly: root.attr("Friendly").map(str::to_owned),
            sha1d: req("SHA1D")?.to_owned(),
            sha1c: root.attr("SHA1C").map(str::to_owned),
            extra: Vec::new(),
        };
        for (k, v) in &root.attrs {
            if !matches!(
                k.as_ref(),
                "Creator" | "Size" | "Type" | "Location" | "Friendly" | "SHA1D" | "SHA1C"
            ) {
                o.extra.push((k.to_string(), v.to_string()));
            }
        }
        Ok(o)
    }

    /// Parses the percent-encoded form used as the last parameter of `CHG`/`NLN`/`ILN`.
    pub fn parse_url_encoded(s: &str, limits: &XmlLimits) -> Result<Self, PayloadError> {
        let decoded = percent_decode_str(s)
            .decode_utf8()
            .map_err(|_| PayloadError::invalid("msnobj", s, "percent-decodes to invalid UTF-8"))?;
        Self::parse(&decoded, limits)
    }

    /// The XML element, attributes in the order clients emit them.
    pub fn to_xml(&self) -> String {
        let mut s = String::from("<msnobj");
        push_attr(&mut s, "Creator", &self.creator);
        push_attr(&mut s, "Size", &self.size.to_string());
        push_attr(&mut s, "Type", &self.object_type.to_string());
        if let Some(l) = &self.location {
            push_attr(&mut s, "Location", l);
        }
        if let Some(f) = &self.friendly {
            push_attr(&mut s, "Friendly", f);
        }
        push_attr(&mut s, "SHA1D", &self.sha1d);
        if let Some(c) = &self.sha1c {
            push_attr(&mut s, "SHA1C", c);
        }
        for (k, v) in &self.extra {
            push_attr(&mut s, k, v);
        }
        s.push_str("/>");
        s
    }

    /// The percent-encoded XML (everything but ASCII letters and digits escaped).
    pub fn to_url_encoded(&self) -> String {
        utf8_percent_encode(&self.to_xml(), NON_ALPHANUMERIC).to_string()
    }

    /// The string SHA1C is computed over (hashed by `msnp_auth::digest::sha1c`):
    /// `"Creator" + Creator + "Size" + Size + "Type" + Type + "Location" + Location +
    /// "Friendly" + Friendly + "SHA1D" + SHA1D` (missing values count as empty).
    pub fn sha1c_input(&self) -> String {
        format!(
            "Creator{}Size{}Type{}Location{}Friendly{}SHA1D{}",
            self.creator,
            self.size,
            self.object_type,
            self.location.as_deref().unwrap_or(""),
            self.friendly.as_deref().unwrap_or(""),
            self.sha1d
        )
    }

    /// The decoded friendly name (base64 → UTF-16LE, NUL terminator dropped); `None` when
    /// absent or not decodable.
    pub fn friendly_name(&self) -> Option<String> {
        let raw = B64.decode(self.friendly.as_deref()?).ok()?;
        if raw.len() % 2 != 0 {
            return None;
        }
        let units: Vec<u16> = raw
            .chunks_exact(2)
            .map(|c| match c {
                [a, b] => u16::from_le_bytes([*a, *b]),
                _ => 0,
            })
            .take_while(|&u| u != 0)
            .collect();
        String::from_utf16(&units).ok()
    }
}
