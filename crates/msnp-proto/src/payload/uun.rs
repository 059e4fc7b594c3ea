//! `UUN` / `UBN` bodies by notification type (MSNP13+).
//!
//! ```
//! use msnp_proto::payload::uun::{UunBody, UunContent, UunType};
//! use msnp_proto::payload::xml::XmlLimits;
//! let b = UunBody::parse(4, b"goawyplzthxbye-nomorempop", &XmlLimits::default()).unwrap();
//! assert_eq!(b.kind, UunType::SignOut);
//! assert_eq!(b.content, UunContent::SignOut { disable_mpop: true });
//! assert_eq!(b.to_bytes(), b"goawyplzthxbye-nomorempop".to_vec());
//! ```

use std::borrow::Cow;

use super::error::PayloadError;
use super::xml::{XmlElement, XmlLimits, parse_bytes};

/// Known notification types (constants.md §13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum UunType {
    /// 1: XML data (`<SNM …/>` shared media).
    XmlData,
    /// 2: SIP invite.
    SipInvite,
    /// 3: MSNP2P SLP data.
    P2pData,
    /// 4: log out another endpoint (`goawyplzthxbye`).
    SignOut,
    /// 5: conversation window closed (uncertain).
    WindowClosed,
    /// 6: address book / membership resync.
    Resync,
    /// 7: clear RL prompts (uncertain).
    ClearRlPrompt,
    /// 8: forward to own endpoints / sign out everywhere (`gtfo`).
    ForwardOwnEndpoints,
    /// 10: TURN setup.
    Turn,
    /// 11: SIP metadata / progress (uncertain).
    SipMetadata,
    /// 12: tunneled SIP.
    TunneledSip,
    /// Any other value.
    Unknown,
}

impl UunType {
    /// Classifies a numeric type.
    pub const fn from_u32(v: u32) -> Self {
        match v {
            1 => Self::XmlData,
            2 => Self::SipInvite,
            3 => Self::P2pData,
            4 => Self::SignOut,
            5 => Self::WindowClosed,
            6 => Self::Resync,
            7 => Self::ClearRlPrompt,
            8 => Self::ForwardOwnEndpoints,
            10 => Self::Turn,
            11 => Self::SipMetadata,
            12 => Self::TunneledSip,
            _ => Self::Unknown,
        }
    }
}

/// Decoded content.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(
    feature = "serde",
    serde(tag = "kind", content = "value", rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum UunContent<'a> {
    /// Type 4 `goawyplzthxbye[-nomorempop]`.
    SignOut {
        /// `-nomorempop` suffix: also disable multiple points of presence.
        disable_mpop: bool,
    },
    /// Type 8 `gtfo`.
    SignOutEverywhere,
    /// An XML document (type 1, or any body that is XML).
    Xml(XmlElement),
    /// Plain text (SIP, SLP, `sessionid;host`, …).
    Text(Cow<'a, str>),
    /// Non-UTF-8 data.
    #[cfg_attr(feature = "serde", serde(serialize_with = "super::serde_b64"))]
    Binary(Cow<'a, [u8]>),
}

/// A `UUN`/`UBN` body.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct UunBody<'a> {
    /// Numeric type from the command line.
    pub notification_type: u32,
    /// Classified type.
    pub kind: UunType,
    /// Decoded content.
    pub content: UunContent<'a>,
}

impl<'a> UunBody<'a> {
    /// Decodes `body` for notification type `ty`.
    ///
    /// Type 1 must be well-formed XML; other types are read as XML when they start with
    /// `<` and parse, else as text (or binary when not UTF-8).
    pub fn parse(ty: u32, body: &'a [u8], limits: &XmlLimits) -> Result<Self, PayloadError> {
        let kind = UunType::from_u32(ty);
        let content = match (kind, body) {
            (UunType::SignOut, b"goawyplzthxbye") => UunContent::SignOut {
                disable_mpop: false,
            },
            (UunType::SignOut, b"goawyplzthxbye-nomorempop") => {
                UunContent::SignOut { disable_mpop: true }
            }
            (UunType::ForwardOwnEndpoints, b"gtfo") => UunContent::SignOutEverywhere,
            (UunType::XmlData, _) => {
                let doc = parse_bytes(body, limits)?;
                UunContent::Xml(doc.root.to_owned_element(doc.source))
            }
            _ => match std::str::from_utf8(body) {
                Err(_) => UunContent::Binary(Cow::Borrowed(body)),
                Ok(text) => {
                    let xml = if text.trim_start().starts_with('<') {
                        parse_bytes(body, limits)
                            .ok()
                            .map(|d| d.root.to_owned_element(d.source))
                    } else {
                        None
                    };
                    match xml {
                        Some(x) => UunContent::Xml(x),
                        None => UunContent::Text(Cow::Borrowed(text)),
                    }
                }
            },
        };
        Ok(Self {
            notification_type: ty,
            kind,
            content,
        })
    }

    /// Owned copy.
    pub fn into_owned(self) -> UunBody<'static> {
        UunBody {
            notification_type: self.notification_type,
            kind: self.kind,
            content: match self.content {
                UunContent::SignOut { disable_mpop } => UunContent::SignOut { disable_mpop },
                UunContent::SignOutEverywhere => UunContent::SignOutEverywhere,
                UunContent::Xml(x) => UunContent::Xml(x),
                UunContent::Text(t) => UunContent::Text(Cow::Owned(t.into_owned())),
                UunContent::Binary(b) => UunContent::Binary(Cow::Owned(b.into_owned())),
            },
        }
    }

    /// Re-encodes the body.
    pub fn to_bytes(&self) -> Vec<u8> {
        match &self.content {
            UunContent::SignOut {
                disable_mpop: false,
            } => b"goawyplzthxbye".to_vec(),
            UunContent::SignOut { disable_mpop: true } => b"goawyplzthxbye-nomorempop".to_vec(),
            UunContent::SignOutEverywhere => b"gtfo".to_vec(),
            UunContent::Xml(x) => x.raw.clone().into_bytes(),
            UunContent::Text(t) => t.as_bytes().to_vec(),
            UunContent::Binary(b) => b.to_vec(),
        }
    }
}
