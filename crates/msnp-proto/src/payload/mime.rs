//! `MSG` (and `UUM`/`UBM`) MIME payloads: header lines, blank line, body; plus typed views
//! of every known content type.
//!
//! ```
//! use msnp_proto::payload::mime::{MimeMessage, MsgBody};
//! let raw = b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nX-MMS-IM-Format: FN=Segoe%20UI; EF=B; CO=ff; CS=0; PF=22\r\n\r\nhello";
//! let m = MimeMessage::parse(raw).unwrap();
//! assert_eq!(m.header("content-type"), Some("text/plain; charset=UTF-8"));
//! let MsgBody::Text(t) = m.typed_body(&Default::default()).unwrap() else { panic!() };
//! assert_eq!(t.text, "hello");
//! let f = t.format.unwrap();
//! assert_eq!(f.font_name.as_deref(), Some("Segoe UI"));
//! assert!(f.effects.bold);
//! assert_eq!(f.color, Some(msnp_proto::payload::mime::Rgb { r: 255, g: 0, b: 0 }));
//! assert_eq!(m.to_bytes(), raw.to_vec());
//! ```

use std::borrow::Cow;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};

use nom::Parser;
use nom::character::char;
use nom::combinator::{self, rest};
use nom::sequence::{preceded, terminated};

use super::error::{PayloadError, utf8};
pub use super::headers::{MimeHeader, MimeHeaders, parse_header_lines};
use super::xml::{XmlLimits, parse_document};
use crate::grammar::{Res, till};
use crate::p2p::slp::{SessionRequest, SlpContentType};
use crate::p2p::{P2pError, P2pFraming, P2pPayload, SlpMessage};
use crate::version::ProtocolVersion;

/// The dialect [`MimeMessage::typed_body`] assumes: MSNP18, the last one that WLM 2009 spoke.
/// Only P2P bodies depend on it (p2p.md §1), and from MSNP16 on the `P2P-Dest` form alone
/// decides their framing, so a caller without a dialect gets the right answer whenever the
/// dialect is MSNP16 or later; use [`MimeMessage::typed_body_in`] for older traffic.
pub const DEFAULT_TYPED_VERSION: ProtocolVersion = ProtocolVersion::Msnp18;

/// The media type of P2P (MSNSLP) messages on the switchboard.
pub const P2P_MEDIA_TYPE: &str = "application/x-msnmsgrp2p";

/// A MIME message: headers and raw body.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct MimeMessage<'a> {
    /// Header lines in order.
    pub headers: MimeHeaders<'a>,
    /// The body after the blank line.
    #[cfg_attr(feature = "serde", serde(serialize_with = "super::serde_b64"))]
    pub body: Cow<'a, [u8]>,
}

/// `Content-Type` split into media type and parameters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ContentType {
    /// Media type, lower-cased (`text/plain`).
    pub media_type: String,
    /// Parameters (`charset=UTF-8`), names lower-cased.
    pub params: Vec<(String, String)>,
}

/// The media type of a `Content-Type` value: before the first `;`, blanks trimmed.
fn media_type_of(v: &str) -> &str {
    v.split(';').next().unwrap_or_default().trim()
}

impl ContentType {
    /// Parses a `Content-Type` value.
    pub fn parse(v: &str) -> Self {
        let mut parts = v.split(';');
        parts.next();
        let media_type = media_type_of(v).to_ascii_lowercase();
        let params = parts
            .filter_map(|p| {
                let (k, v) = p.split_once('=')?;
                Some((
                    k.trim().to_ascii_lowercase(),
                    v.trim().trim_matches('"').to_owned(),
                ))
            })
            .collect();
        Self { media_type, params }
    }

    /// Value of parameter `name` (lower-case).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

impl<'a> MimeMessage<'a> {
    /// Splits a payload into headers and body. The header block must be UTF-8; the body
    /// may be binary. A payload without a blank line is read as headers only.
    pub fn parse(payload: &'a [u8]) -> Result<Self, PayloadError> {
        // The header block ends at the first empty line, CRLF- or LF-terminated (the same line
        // `parse_header_lines` stops at), not at the first CRLFCRLF anywhere.
        let (mut head_end, mut body_start) = (payload.len(), payload.len());
        let mut pos = 0usize;
        while let Some(i) = memchr::memchr(b'\n', payload.get(pos..).unwrap_or(&[])) {
            let line_end = pos + i;
            if line_end == pos || (line_end == pos + 1 && payload.get(pos) == Some(&b'\r')) {
                (head_end, body_start) = (pos, line_end + 1);
                break;
            }
            pos = line_end + 1;
        }
        let head = payload.get(..head_end).unwrap_or(&[]);
        let head = utf8(head)?;
        let (headers, _) = parse_header_lines(head, 0)?;
        let body = payload.get(body_start..).unwrap_or(&[]);
        Ok(Self {
            headers,
            body: Cow::Borrowed(body),
        })
    }

    /// Builds a message from headers and body.
    pub fn new(headers: MimeHeaders<'a>, body: impl Into<Cow<'a, [u8]>>) -> Self {
        Self {
            headers,
            body: body.into(),
        }
    }

    /// Serialises `headers CRLF body`. Fails on CR/LF inside headers.
    pub fn try_to_bytes(&self) -> Result<Vec<u8>, PayloadError> {
        let mut out = Vec::with_capacity(64 + self.body.len());
        self.headers.write_to(&mut out)?;
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(&self.body);
        Ok(out)
    }

    /// Serialises, replacing CR/LF in header values by spaces.
    pub fn to_bytes(&self) -> Vec<u8> {
        match self.try_to_bytes() {
            Ok(v) => v,
            Err(_) => {
                let mut out = Vec::new();
                for h in &self.headers.0 {
                    out.extend_from_slice(h.name.replace(['\r', '\n', ':'], " ").as_bytes());
                    out.extend_from_slice(b": ");
                    out.extend_from_slice(h.value.replace(['\r', '\n'], " ").as_bytes());
                    out.extend_from_slice(b"\r\n");
                }
                out.extend_from_slice(b"\r\n");
                out.extend_from_slice(&self.body);
                out
            }
        }
    }

    /// First value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)
    }

    /// The parsed `Content-Type`.
    pub fn content_type(&self) -> Option<ContentType> {
        self.header("Content-Type").map(ContentType::parse)
    }

    /// The media type of `Content-Type` as written, parameters and blanks dropped, case kept
    /// (compare with `eq_ignore_ascii_case`): [`ContentType::media_type`] without building
    /// the rest.
    ///
    /// ```
    /// use msnp_proto::payload::mime::MimeMessage;
    /// let m = MimeMessage::parse(b"Content-Type: Text/Plain; charset=UTF-8\r\n\r\nhi").unwrap();
    /// assert_eq!(m.media_type(), Some("Text/Plain"));
    /// assert_eq!(m.content_type().unwrap().media_type, "text/plain");
    /// ```
    pub fn media_type(&self) -> Option<&str> {
        self.header("Content-Type").map(media_type_of)
    }

    /// Whether the media type is `media_type` (letter case ignored), without allocating.
    ///
    /// ```
    /// use msnp_proto::payload::mime::{MimeMessage, P2P_MEDIA_TYPE};
    /// let m = MimeMessage::parse(b"Content-Type: application/x-MSNMSGRP2P\r\n\r\n").unwrap();
    /// assert!(m.has_media_type(P2P_MEDIA_TYPE));
    /// assert!(!m.has_media_type("text/plain"));
    /// ```
    pub fn has_media_type(&self, media_type: &str) -> bool {
        self.media_type()
            .is_some_and(|t| t.eq_ignore_ascii_case(media_type))
    }

    /// Owned copy.
    pub fn into_owned(self) -> MimeMessage<'static> {
        MimeMessage {
            headers: self.headers.into_owned(),
            body: Cow::Owned(self.body.into_owned()),
        }
    }

    /// Decodes the body according to `Content-Type`, in the [`DEFAULT_TYPED_VERSION`]
    /// dialect (see [`typed_body_in`](Self::typed_body_in)).
    pub fn typed_body(&self, limits: &XmlLimits) -> Result<MsgBody<'_>, PayloadError> {
        self.typed_body_in(DEFAULT_TYPED_VERSION, limits)
    }

    /// Decodes the body according to `Content-Type`, as sent in dialect `version` (the
    /// connection's `Dialect::version`): an `application/x-msnmsgrp2p` body is P2Pv1 or
    /// P2Pv2 by [`P2pFraming::for_received`] from `version` and the `P2P-Dest` header.
    ///
    /// ```
    /// use msnp_proto::ProtocolVersion;
    /// use msnp_proto::p2p::P2pPayload;
    /// use msnp_proto::payload::mime::{MimeMessage, MsgBody};
    /// let mut raw = b"MIME-Version: 1.0\r\nContent-Type: application/x-msnmsgrp2p\r\n\
    ///     P2P-Dest: bob@example.com;{a9d2f6e0-41b7-4c3a-b5e8-0f6d2c7e9a41}\r\n\r\n".to_vec();
    /// raw.extend([0x08, 0x02, 0, 0, 0xe0, 0x93, 0xf1, 0x0b, 0, 0, 0, 0]); // a bare RAK
    /// let m = MimeMessage::parse(&raw).unwrap();
    /// let MsgBody::P2p(p) = m.typed_body_in(ProtocolVersion::Msnp18, &Default::default()).unwrap() else { panic!() };
    /// assert!(matches!(&p.payload, P2pPayload::V2(v2) if v2.is_rak()));
    /// // MSNP15 has no P2Pv2: the same bytes are too short for a P2Pv1 header.
    /// assert!(m.typed_body_in(ProtocolVersion::Msnp15, &Default::default()).is_err());
    /// ```
    pub fn typed_body_in(
        &self,
        version: ProtocolVersion,
        limits: &XmlLimits,
    ) -> Result<MsgBody<'_>, PayloadError> {
        let media = self
            .media_type()
            .ok_or(PayloadError::MissingHeader("Content-Type"))?;
        // Lower-cased on the stack: every type matched below fits.
        let mut buf = [0u8; 48];
        let lower = match buf.get_mut(..media.len()) {
            Some(b) => {
                b.copy_from_slice(media.as_bytes());
                b.make_ascii_lowercase();
                Cow::Borrowed(core::str::from_utf8(b).unwrap_or_default())
            }
            None => Cow::Owned(media.to_ascii_lowercase()),
        };
        let text = || utf8(&self.body);
        let kv = || -> Result<Vec<(String, String)>, PayloadError> {
            let t = text()?;
            Ok(parse_header_lines(t, 0)?.0.to_pairs())
        };
        Ok(match lower.as_ref() {
            "text/plain" => MsgBody::Text(TextMessage {
                format: self.header("X-MMS-IM-Format").map(ImFormat::parse),
                text: text()?.to_owned(),
            }),
            "text/x-msmsgscontrol" => MsgBody::Typing(Typing {
                user: self
                    .header("TypingUser")
                    .ok_or(PayloadError::MissingHeader("TypingUser"))?
                    .to_owned(),
            }),
            "text/x-msnmsgr-datacast" => MsgBody::Datacast(Datacast::from_fields(kv()?)?),
            "text/x-msmsgsprofile" => {
                MsgBody::Profile(Profile::from_fields(self.headers.to_pairs())?)
            }
            "text/x-msmsgsinitialemailnotification" => {
                MsgBody::InitialEmail(InitialEmailNotification::from_fields(kv()?)?)
            }
            "text/x-msmsgsemailnotification" => {
                MsgBody::NewEmail(EmailNotification::from_fields(kv()?))
            }
            "text/x-msmsgsactivemailnotification" => {
                MsgBody::ActiveMail(ActiveMailNotification::from_fields(kv()?)?)
            }
            "text/x-msmsgsinitialmdatanotification" => {
                MsgBody::MailData(MailDataNotification::from_fields(true, kv()?, limits)?)
            }
            "text/x-msmsgsoimnotification" => {
                MsgBody::MailData(MailDataNotification::from_fields(false, kv()?, limits)?)
            }
            "application/x-msmsgssystemmessage" => {
                MsgBody::SystemMessage(SystemMessage::from_fields(kv()?)?)
            }
            "text/x-msmsgsinvite" => MsgBody::Invitation(Invitation::from_fields(kv()?)?),
            "text/x-keepalive" => MsgBody::Keepalive,
            P2P_MEDIA_TYPE => MsgBody::P2p(P2pMimeBody::parse(
                version,
                self.header("P2P-Dest"),
                self.header("P2P-Src"),
                &self.body,
            )?),
            _ => MsgBody::Other {
                content_type: lower.into_owned(),
            },
        })
    }
}

/// Typed body of a MIME message, by content type.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(tag = "kind", rename_all = "snake_case"))]
#[non_exhaustive]
pub enum MsgBody<'a> {
    /// `text/plain`: an instant message.
    Text(TextMessage),
    /// `text/x-msmsgscontrol`: typing notification.
    Typing(Typing),
    /// `text/x-msnmsgr-datacast`: nudge, wink, …
    Datacast(Datacast),
    /// `text/x-msmsgsprofile`: login profile.
    Profile(Profile),
    /// `text/x-msmsgsinitialemailnotification`.
    InitialEmail(InitialEmailNotification),
    /// `text/x-msmsgsemailnotification`: new mail.
    NewEmail(EmailNotification),
    /// `text/x-msmsgsactivemailnotification`: mailbox / OIM counters changed.
    ActiveMail(ActiveMailNotification),
    /// `text/x-msmsgsinitialmdatanotification` / `text/x-msmsgsoimnotification`.
    MailData(MailDataNotification),
    /// `application/x-msmsgssystemmessage`.
    SystemMessage(SystemMessage),
    /// `text/x-msmsgsinvite`: legacy invitation.
    Invitation(Invitation),
    /// `text/x-keepalive`.
    Keepalive,
    /// `application/x-msnmsgrp2p`.
    P2p(P2pMimeBody<'a>),
    /// Any other content type; the raw body stays in the [`MimeMessage`].
    Other {
        /// The (lower-cased) media type.
        content_type: String,
    },
}

impl MsgBody<'_> {
    /// Owned copy.
    pub fn into_owned(self) -> MsgBody<'static> {
        match self {
            Self::Text(v) => MsgBody::Text(v),
            Self::Typing(v) => MsgBody::Typing(v),
            Self::Datacast(v) => MsgBody::Datacast(v),
            Self::Profile(v) => MsgBody::Profile(v),
            Self::InitialEmail(v) => MsgBody::InitialEmail(v),
            Self::NewEmail(v) => MsgBody::NewEmail(v),
            Self::ActiveMail(v) => MsgBody::ActiveMail(v),
            Self::MailData(v) => MsgBody::MailData(v),
            Self::SystemMessage(v) => MsgBody::SystemMessage(v),
            Self::Invitation(v) => MsgBody::Invitation(v),
            Self::Keepalive => MsgBody::Keepalive,
            Self::P2p(p) => MsgBody::P2p(p.into_owned()),
            Self::Other { content_type } => MsgBody::Other { content_type },
        }
    }
}

/// An RGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Rgb {
    /// Red.
    pub r: u8,
    /// Green.
    pub g: u8,
    /// Blue.
    pub b: u8,
}

impl Rgb {
    /// Decodes the `CO` value: hex of `0x00BBGGRR`.
    pub fn from_bgr_hex(s: &str) -> Option<Self> {
        if s.is_empty() || s.len() > 8 {
            return None;
        }
        let v = u32::from_str_radix(s, 16).ok()?;
        Some(Self {
            r: (v & 0xff) as u8,
            g: ((v >> 8) & 0xff) as u8,
            b: ((v >> 16) & 0xff) as u8,
        })
    }

    /// Encodes as `CO` (lower-case hex, no leading zeros).
    pub fn to_bgr_hex(self) -> String {
        format!(
            "{:x}",
            u32::from(self.r) | u32::from(self.g) << 8 | u32::from(self.b) << 16
        )
    }
}

/// Font effects (`EF`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Effects {
    /// `B`.
    pub bold: bool,
    /// `I`.
    pub italic: bool,
    /// `U`.
    pub underline: bool,
    /// `S`.
    pub strikethrough: bool,
}

/// The decoded `X-MMS-IM-Format` header.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ImFormat {
    /// `FN`: font name, URL-decoded.
    pub font_name: Option<String>,
    /// `EF`.
    pub effects: Effects,
    /// `CO` decoded to RGB.
    pub color: Option<Rgb>,
    /// `CS`: Windows charset (hex on the wire).
    pub charset: Option<u8>,
    /// `PF`: pitch and family (decimal).
    pub pitch_family: Option<u8>,
    /// `RL=1`: right-to-left.
    pub right_to_left: bool,
    /// Keys not known here, or known keys whose value did not decode, as sent.
    pub other: Vec<(String, String)>,
}

/// One `KEY=value` item of `X-MMS-IM-Format` and its `;`, blanks around it dropped; a bare
/// `KEY` has no value.
fn im_format_item(i: &str) -> Res<'_, (&str, Option<&str>)> {
    let (next, item) = terminated(till(b';'), combinator::opt(char(';'))).parse_complete(i)?;
    let (_, kv) =
        (till(b'='), combinator::opt(preceded(char('='), rest))).parse_complete(item.trim())?;
    Ok((next, kv))
}

const FONT_SET: &AsciiSet = &CONTROLS.add(b' ').add(b'%').add(b';').add(b'=');

impl ImFormat {
    /// Parses the header value (`; `-separated `KEY=value`, any subset, any order).
    pub fn parse(v: &str) -> Self {
        let mut f = Self::default();
        let mut items = v;
        while !items.is_empty() {
            let Ok((next, (k, val))) = im_format_item(items) else {
                break;
            };
            items = next;
            if k.is_empty() && val.is_none() {
                continue;
            }
            let val = val.unwrap_or("");
            let ok = match k {
                "FN" => percent_decode_str(val)
                    .decode_utf8()
                    .map(|s| f.font_name = Some(s.into_owned()))
                    .is_ok(),
                "EF" => {
                    let mut good = true;
                    for c in val.chars() {
                        match c {
                            'B' => f.effects.bold = true,
                            'I' => f.effects.italic = true,
                            'U' => f.effects.underline = true,
                            'S' => f.effects.strikethrough = true,
                            _ => good = false,
                        }
                    }
                    good
                }
                "CO" => Rgb::from_bgr_hex(val).map(|c| f.color = Some(c)).is_some(),
                "CS" => u8::from_str_radix(val, 16)
                    .map(|c| f.charset = Some(c))
                    .is_ok(),
                "PF" => val.parse::<u8>().map(|c| f.pitch_family = Some(c)).is_ok(),
                // Like the other keys, a value that does not decode leaves the field alone.
                "RL" => match val {
                    "1" | "0" => {
                        f.right_to_left = val == "1";
                        true
                    }
                    _ => false,
                },
                _ => false,
            };
            if !ok {
                f.other.push((k.to_owned(), val.to_owned()));
            }
        }
        f
    }

    /// Encodes the header value in the official client's order (`FN; EF; CO; CS; PF; RL`).
    ///
    /// `CO` is written only when [`color`](Self::color) is set (the official client always
    /// sends it: set `Some(Rgb { r: 0, g: 0, b: 0 })` for its `CO=0`), so that
    /// [`parse`](Self::parse) gives back the same value.
    pub fn to_header(&self) -> String {
        let mut parts = Vec::new();
        if let Some(n) = &self.font_name {
            parts.push(format!("FN={}", utf8_percent_encode(n, FONT_SET)));
        }
        let e = &self.effects;
        let mut ef = String::new();
        for (on, c) in [
            (e.bold, 'B'),
            (e.italic, 'I'),
            (e.underline, 'U'),
            (e.strikethrough, 'S'),
        ] {
            if on {
                ef.push(c);
            }
        }
        parts.push(format!("EF={ef}"));
        if let Some(c) = self.color {
            parts.push(format!("CO={}", c.to_bgr_hex()));
        }
        if let Some(cs) = self.charset {
            parts.push(format!("CS={cs:x}"));
        }
        if let Some(pf) = self.pitch_family {
            parts.push(format!("PF={pf}"));
        }
        if self.right_to_left {
            parts.push("RL=1".into());
        }
        for (k, v) in &self.other {
            parts.push(format!("{k}={v}"));
        }
        parts.join("; ")
    }
}

/// A `text/plain` instant message.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TextMessage {
    /// `X-MMS-IM-Format`, when present (absent = default font).
    pub format: Option<ImFormat>,
    /// The message text.
    pub text: String,
}

impl TextMessage {
    /// Builds the MIME message (`MIME-Version`, `Content-Type`, optional format, body).
    pub fn to_mime(&self) -> MimeMessage<'static> {
        let mut h = MimeHeaders::default();
        h.push("MIME-Version", "1.0");
        h.push("Content-Type", "text/plain; charset=UTF-8");
        if let Some(f) = &self.format {
            h.push("X-MMS-IM-Format", f.to_header());
        }
        MimeMessage::new(h, self.text.clone().into_bytes())
    }
}

/// A typing notification.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Typing {
    /// `TypingUser`.
    pub user: String,
}

impl Typing {
    /// Builds the MIME message (body `\r\n` as the official client).
    pub fn to_mime(&self) -> MimeMessage<'static> {
        let mut h = MimeHeaders::default();
        h.push("MIME-Version", "1.0");
        h.push("Content-Type", "text/x-msmsgscontrol");
        h.push("TypingUser", self.user.clone());
        MimeMessage::new(h, b"\r\n".to_vec())
    }
}

/// Datacast kinds (`ID:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum DatacastKind {
    /// 1: nudge.
    Nudge,
    /// 2: wink (`Data` = msnobj).
    Wink,
    /// 3: MSNObject (voice clip, …; `Data` = msnobj).
    MsnObject,
    /// 4: action message (`Data` = text).
    Action,
    /// Anything else.
    Unknown,
}

/// A `text/x-msnmsgr-datacast` body.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Datacast {
    /// `ID`.
    pub id: u32,
    /// Kind derived from `id`.
    pub kind: DatacastKind,
    /// `Data`, when present.
    pub data: Option<String>,
}

impl Datacast {
    fn from_fields(f: Vec<(String, String)>) -> Result<Self, PayloadError> {
        let id = get(&f, "ID").ok_or(PayloadError::MissingHeader("ID"))?;
        let id: u32 = id
            .trim()
            .parse()
            .map_err(|_| PayloadError::invalid("datacast ID", id, "not a decimal number"))?;
        Ok(Self {
            id,
            kind: match id {
                1 => DatacastKind::Nudge,
                2 => DatacastKind::Wink,
                3 => DatacastKind::MsnObject,
                4 => DatacastKind::Action,
                _ => DatacastKind::Unknown,
            },
            data: get(&f, "Data").map(str::to_owned),
        })
    }

    /// Builds the MIME message.
    pub fn to_mime(&self) -> MimeMessage<'static> {
        let mut h = MimeHeaders::default();
        h.push("MIME-Version", "1.0");
        h.push("Content-Type", "text/x-msnmsgr-datacast");
        let mut body = format!("ID: {}\r\n", self.id);
        if let Some(d) = &self.data {
            body.push_str(&format!("Data: {}\r\n", d.replace(['\r', '\n'], " ")));
        }
        body.push_str("\r\n");
        MimeMessage::new(h, body.into_bytes())
    }
}

fn get<'f>(f: &'f [(String, String)], k: &str) -> Option<&'f str> {
    f.iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(k))
        .map(|(_, v)| v.as_str())
}

fn non_empty<'f>(f: &'f [(String, String)], k: &str) -> Option<&'f str> {
    get(f, k).map(str::trim).filter(|v| !v.is_empty())
}

/// A number header whose text is not a canonical number (`ClientPort: 516.`): decoding goes
/// on, the value is read leniently (or left out) and the header is listed with its text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MalformedNumber {
    /// Header name as sent.
    pub name: String,
    /// The value text as sent (trimmed).
    pub text: String,
}

/// Reads the number headers of one body, collecting the malformed ones.
struct Numbers<'f> {
    fields: &'f [(String, String)],
    malformed: Vec<MalformedNumber>,
}

impl<'f> Numbers<'f> {
    fn new(fields: &'f [(String, String)]) -> Self {
        Self {
            fields,
            malformed: Vec::new(),
        }
    }

    /// The value of header `k`: canonical decimal text gives the value; a trailing `.` or a
    /// non-canonical form (`0516`, `+5`) gives the value read without it, marked; anything
    /// else gives `None`, marked.
    fn num<T: std::str::FromStr + core::fmt::Display>(&mut self, k: &str) -> Option<T> {
        let text = non_empty(self.fields, k)?;
        let value = text
            .parse::<T>()
            .ok()
            .or_else(|| text.strip_suffix('.').and_then(|t| t.parse().ok()));
        if value.as_ref().is_none_or(|v| v.to_string() != text) {
            let name = self
                .fields
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(k))
                .map_or(k, |(n, _)| n.as_str());
            self.malformed.push(MalformedNumber {
                name: name.to_owned(),
                text: text.to_owned(),
            });
        }
        value
    }

    /// A `0`/`1` flag (any other number counts as set).
    fn flag(&mut self, k: &str) -> Option<bool> {
        self.num::<u8>(k).map(|v| v != 0)
    }

    fn finish(self) -> Vec<MalformedNumber> {
        self.malformed
    }
}

fn string(f: &[(String, String)], k: &str) -> Option<String> {
    non_empty(f, k).map(str::to_owned)
}

/// The login profile (`text/x-msmsgsprofile`); all data are header lines.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Profile {
    /// `LoginTime` (unix seconds).
    pub login_time: Option<u64>,
    /// `EmailEnabled`.
    pub email_enabled: Option<bool>,
    /// `MemberIdHigh`.
    pub member_id_high: Option<i64>,
    /// `MemberIdLow`.
    pub member_id_low: Option<i64>,
    /// `lang_preference` (LCID).
    pub lang_preference: Option<u32>,
    /// `preferredEmail`.
    pub preferred_email: Option<String>,
    /// `country`.
    pub country: Option<String>,
    /// `PostalCode`.
    pub postal_code: Option<String>,
    /// `Gender`.
    pub gender: Option<String>,
    /// `Kid`.
    pub kid: Option<u32>,
    /// `Age`.
    pub age: Option<u32>,
    /// `BDayPre`.
    pub bday_pre: Option<String>,
    /// `Birthday`.
    pub birthday: Option<String>,
    /// `Wallet`.
    pub wallet: Option<String>,
    /// `Flags`.
    pub flags: Option<u64>,
    /// `sid`.
    pub sid: Option<u32>,
    /// `kv`.
    pub kv: Option<u32>,
    /// `MSPAuth` ticket.
    pub mspauth: Option<String>,
    /// `ClientIP`.
    pub client_ip: Option<String>,
    /// `ClientPort` (a trailing `.` is read past and the header marked in
    /// [`malformed`](Self::malformed)).
    pub client_port: Option<u16>,
    /// `ABCHMigrated` (MSNP10+).
    pub abch_migrated: Option<bool>,
    /// `MPOPEnabled` (MSNP16+).
    pub mpop_enabled: Option<bool>,
    /// Number headers whose text was not a canonical number (empty when all were).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub malformed: Vec<MalformedNumber>,
    /// All header lines as sent, in order (including `MIME-Version`/`Content-Type`).
    pub fields: Vec<(String, String)>,
}

impl Profile {
    fn from_fields(f: Vec<(String, String)>) -> Result<Self, PayloadError> {
        let mut n = Numbers::new(&f);
        Ok(Self {
            login_time: n.num("LoginTime"),
            email_enabled: n.flag("EmailEnabled"),
            member_id_high: n.num("MemberIdHigh"),
            member_id_low: n.num("MemberIdLow"),
            lang_preference: n.num("lang_preference"),
            preferred_email: string(&f, "preferredEmail"),
            country: string(&f, "country"),
            postal_code: string(&f, "PostalCode"),
            gender: string(&f, "Gender"),
            kid: n.num("Kid"),
            age: n.num("Age"),
            bday_pre: string(&f, "BDayPre"),
            birthday: string(&f, "Birthday"),
            wallet: string(&f, "Wallet"),
            flags: n.num("Flags"),
            sid: n.num("sid"),
            kv: n.num("kv"),
            mspauth: string(&f, "MSPAuth"),
            client_ip: string(&f, "ClientIP"),
            client_port: n.num("ClientPort"),
            abch_migrated: n.flag("ABCHMigrated"),
            mpop_enabled: n.flag("MPOPEnabled"),
            malformed: n.finish(),
            fields: f,
        })
    }

    /// The 64-bit PUID from `MemberIdHigh`/`MemberIdLow` (each a 32-bit half).
    pub fn puid(&self) -> Option<u64> {
        let hi = u64::from(self.member_id_high? as u32);
        let lo = u64::from(self.member_id_low? as u32);
        Some(hi << 32 | lo)
    }
}

/// `text/x-msmsgsinitialemailnotification`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct InitialEmailNotification {
    /// `Inbox-Unread`.
    pub inbox_unread: Option<u32>,
    /// `Folders-Unread`.
    pub folders_unread: Option<u32>,
    /// `Inbox-URL`.
    pub inbox_url: Option<String>,
    /// `Folders-URL`.
    pub folders_url: Option<String>,
    /// `Post-URL`.
    pub post_url: Option<String>,
    /// Number headers whose text was not a canonical number (empty when all were).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub malformed: Vec<MalformedNumber>,
    /// All body lines.
    pub fields: Vec<(String, String)>,
}

impl InitialEmailNotification {
    fn from_fields(f: Vec<(String, String)>) -> Result<Self, PayloadError> {
        let mut n = Numbers::new(&f);
        Ok(Self {
            inbox_unread: n.num("Inbox-Unread"),
            folders_unread: n.num("Folders-Unread"),
            inbox_url: string(&f, "Inbox-URL"),
            folders_url: string(&f, "Folders-URL"),
            post_url: string(&f, "Post-URL"),
            malformed: n.finish(),
            fields: f,
        })
    }
}

/// `text/x-msmsgsemailnotification` (new mail).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct EmailNotification {
    /// `From` (RFC 2047 decoded).
    pub from: Option<String>,
    /// `From-Addr`.
    pub from_addr: Option<String>,
    /// `Subject` (RFC 2047 decoded).
    pub subject: Option<String>,
    /// `Dest-Folder` (`ACTIVE` = inbox).
    pub dest_folder: Option<String>,
    /// `Message-URL`.
    pub message_url: Option<String>,
    /// `Post-URL`.
    pub post_url: Option<String>,
    /// `id`.
    pub id: Option<String>,
    /// All body lines as sent.
    pub fields: Vec<(String, String)>,
}

impl EmailNotification {
    fn from_fields(f: Vec<(String, String)>) -> Self {
        Self {
            from: string(&f, "From").map(|s| decode_rfc2047(&s)),
            from_addr: string(&f, "From-Addr"),
            subject: string(&f, "Subject").map(|s| decode_rfc2047(&s)),
            dest_folder: string(&f, "Dest-Folder"),
            message_url: string(&f, "Message-URL"),
            post_url: string(&f, "Post-URL"),
            id: string(&f, "id"),
            fields: f,
        }
    }
}

/// `text/x-msmsgsactivemailnotification`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ActiveMailNotification {
    /// `Src-Folder`.
    pub src_folder: Option<String>,
    /// `Dest-Folder`.
    pub dest_folder: Option<String>,
    /// `Message-Delta`.
    pub message_delta: Option<i64>,
    /// Number headers whose text was not a canonical number (empty when all were).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub malformed: Vec<MalformedNumber>,
    /// All body lines.
    pub fields: Vec<(String, String)>,
}

impl ActiveMailNotification {
    fn from_fields(f: Vec<(String, String)>) -> Result<Self, PayloadError> {
        let mut n = Numbers::new(&f);
        Ok(Self {
            src_folder: string(&f, "Src-Folder"),
            dest_folder: string(&f, "Dest-Folder"),
            message_delta: n.num("Message-Delta"),
            malformed: n.finish(),
            fields: f,
        })
    }
}

/// An offline message entry (`<M>`) of `Mail-Data`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct OimEntry {
    /// `T` (undocumented).
    pub t: Option<String>,
    /// `S` (undocumented).
    pub s: Option<String>,
    /// `RT`: received time as sent.
    pub received_time: Option<String>,
    /// `RS` (undocumented).
    pub rs: Option<String>,
    /// `SZ`: size.
    pub size: Option<u64>,
    /// `E`: sender.
    pub sender: Option<String>,
    /// `I`: message id.
    pub id: Option<String>,
    /// `F`: folder GUID.
    pub folder: Option<String>,
    /// `N`: friendly name (RFC 2047 decoded).
    pub friendly: Option<String>,
    /// `SU`: subject.
    pub subject: Option<String>,
}

/// The `<MD>` document.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MailData {
    /// `E/I`: inbox total.
    pub inbox_total: Option<u64>,
    /// `E/IU`: inbox unread.
    pub inbox_unread: Option<u64>,
    /// `E/O`: other folders total.
    pub other_total: Option<u64>,
    /// `E/OU`: other folders unread.
    pub other_unread: Option<u64>,
    /// `Q/QTM`.
    pub quota_total: Option<u64>,
    /// `Q/QNM`.
    pub quota_messages: Option<u64>,
    /// Stored OIMs.
    pub messages: Vec<OimEntry>,
}

impl MailData {
    /// Parses `<MD>…</MD>`.
    pub fn parse(xml: &str, limits: &XmlLimits) -> Result<Self, PayloadError> {
        let doc = parse_document(xml, limits)?;
        super::xml::expect_root(&doc.root, "MD")?;
        let mut md = Self::default();
        let n = |v: Option<String>, what: &'static str| -> Result<Option<u64>, PayloadError> {
            match v.as_deref().map(str::trim) {
                None | Some("") => Ok(None),
                Some(s) => s
                    .parse()
                    .map(Some)
                    .map_err(|_| PayloadError::invalid(what, s, "not a number")),
            }
        };
        for c in doc.root.elements() {
            match c.name.as_ref() {
                "E" => {
                    md.inbox_total = n(c.child_text("I"), "MD/E/I")?;
                    md.inbox_unread = n(c.child_text("IU"), "MD/E/IU")?;
                    md.other_total = n(c.child_text("O"), "MD/E/O")?;
                    md.other_unread = n(c.child_text("OU"), "MD/E/OU")?;
                }
                "Q" => {
                    md.quota_total = n(c.child_text("QTM"), "MD/Q/QTM")?;
                    md.quota_messages = n(c.child_text("QNM"), "MD/Q/QNM")?;
                }
                "M" => md.messages.push(OimEntry {
                    t: c.child_text("T"),
                    s: c.child_text("S"),
                    received_time: c.child_text("RT"),
                    rs: c.child_text("RS"),
                    size: n(c.child_text("SZ"), "MD/M/SZ")?,
                    sender: c.child_text("E"),
                    id: c.child_text("I"),
                    folder: c.child_text("F"),
                    friendly: c.child_text("N").map(|s| decode_rfc2047(&s)),
                    subject: c.child_text("SU"),
                }),
                _ => {}
            }
        }
        Ok(md)
    }
}

/// `Mail-Data:` content.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(tag = "kind", content = "value", rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum MailDataField {
    /// `too-large`: fetch it over SOAP.
    TooLarge,
    /// The `<MD>` document.
    Data(MailData),
}

/// `text/x-msmsgsinitialmdatanotification` and `text/x-msmsgsoimnotification`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MailDataNotification {
    /// `true` for the initial (login) notification, `false` for a new-OIM notification.
    pub initial: bool,
    /// `Mail-Data`.
    pub mail_data: Option<MailDataField>,
    /// `Inbox-URL`.
    pub inbox_url: Option<String>,
    /// `Folders-URL`.
    pub folders_url: Option<String>,
    /// `Post-URL`.
    pub post_url: Option<String>,
}

impl MailDataNotification {
    fn from_fields(
        initial: bool,
        f: Vec<(String, String)>,
        limits: &XmlLimits,
    ) -> Result<Self, PayloadError> {
        let mail_data = match non_empty(&f, "Mail-Data") {
            None => None,
            Some(v) if v.eq_ignore_ascii_case("too-large") => Some(MailDataField::TooLarge),
            Some(v) => Some(MailDataField::Data(MailData::parse(v, limits)?)),
        };
        Ok(Self {
            initial,
            mail_data,
            inbox_url: string(&f, "Inbox-URL"),
            folders_url: string(&f, "Folders-URL"),
            post_url: string(&f, "Post-URL"),
        })
    }
}

/// `application/x-msmsgssystemmessage`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SystemMessage {
    /// `Type` (1 = maintenance shutdown).
    pub message_type: Option<u32>,
    /// `Arg1` (minutes until shutdown for type 1).
    pub arg1: Option<String>,
    /// Number headers whose text was not a canonical number (empty when all were).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub malformed: Vec<MalformedNumber>,
    /// All body lines.
    pub fields: Vec<(String, String)>,
}

impl SystemMessage {
    fn from_fields(f: Vec<(String, String)>) -> Result<Self, PayloadError> {
        let mut n = Numbers::new(&f);
        Ok(Self {
            message_type: n.num("Type"),
            arg1: string(&f, "Arg1"),
            malformed: n.finish(),
            fields: f,
        })
    }
}

/// `text/x-msmsgsinvite` (MSNP2–8 file transfer / NetMeeting invitations).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Invitation {
    /// `Invitation-Command` (`INVITE`, `ACCEPT`, `CANCEL`).
    pub command: Option<String>,
    /// `Invitation-Cookie`.
    pub cookie: Option<String>,
    /// `Application-Name`.
    pub application_name: Option<String>,
    /// `Application-GUID`.
    pub application_guid: Option<String>,
    /// `Application-File` (file transfer).
    pub file_name: Option<String>,
    /// `Application-FileSize` (file transfer).
    pub file_size: Option<u64>,
    /// `IP-Address` (ACCEPT).
    pub ip_address: Option<String>,
    /// `Port` (ACCEPT).
    pub port: Option<u16>,
    /// `AuthCookie` (ACCEPT).
    pub auth_cookie: Option<String>,
    /// `Cancel-Code` (CANCEL: `TIMEOUT`, `REJECT`, `FTTIMEOUT`, …).
    pub cancel_code: Option<String>,
    /// Number headers whose text was not a canonical number (empty when all were).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub malformed: Vec<MalformedNumber>,
    /// All body lines as sent.
    pub fields: Vec<(String, String)>,
}

impl Invitation {
    fn from_fields(f: Vec<(String, String)>) -> Result<Self, PayloadError> {
        let mut n = Numbers::new(&f);
        Ok(Self {
            command: string(&f, "Invitation-Command"),
            cookie: string(&f, "Invitation-Cookie"),
            application_name: string(&f, "Application-Name"),
            application_guid: string(&f, "Application-GUID"),
            file_name: string(&f, "Application-File"),
            file_size: n.num("Application-FileSize"),
            ip_address: string(&f, "IP-Address"),
            port: n.num("Port"),
            auth_cookie: string(&f, "AuthCookie"),
            cancel_code: string(&f, "Cancel-Code"),
            malformed: n.finish(),
            fields: f,
        })
    }

    /// Builds the MIME message from [`fields`](Self::fields) (the typed fields are views
    /// of them).
    pub fn to_mime(&self) -> MimeMessage<'static> {
        let mut h = MimeHeaders::default();
        h.push("MIME-Version", "1.0");
        h.push("Content-Type", "text/x-msmsgsinvite; charset=UTF-8");
        let mut body = String::new();
        for (k, v) in &self.fields {
            body.push_str(k);
            body.push_str(": ");
            body.push_str(&v.replace(['\r', '\n'], " "));
            body.push_str("\r\n");
        }
        body.push_str("\r\n");
        MimeMessage::new(h, body.into_bytes())
    }
}

/// An `application/x-msnmsgrp2p` message.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct P2pMimeBody<'a> {
    /// `P2P-Dest` header.
    pub dest: Option<String>,
    /// `P2P-Src` header (MSNP16+).
    pub src: Option<String>,
    /// The binary part: a P2Pv1 chunk or a P2Pv2 packet (serialized with a `framing` tag).
    pub payload: P2pPayload<'a>,
    /// The MSNSLP message the chunk carries when it holds a whole one
    /// ([`P2pPayload::whole_slp`]); parts of a chunked SLP message need reassembly.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub slp: Option<SlpMessage<'a>>,
    /// The session request in [`slp`](Self::slp)'s body (an INVITE or its 200 OK with
    /// `Content-Type: application/x-msnmsgr-sessionreqbody`), when it reads.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub session_request: Option<SessionRequest>,
    /// Why the whole SLP message in the chunk did not parse. The chunk itself is well framed
    /// (and still typed above): the SLP text is the peers' business, not the switchboard's.
    #[cfg_attr(
        feature = "serde",
        serde(
            skip_serializing_if = "Option::is_none",
            serialize_with = "serde_display"
        )
    )]
    pub slp_error: Option<P2pError>,
}

#[cfg(feature = "serde")]
fn serde_display<S: serde::Serializer>(e: &Option<P2pError>, s: S) -> Result<S::Ok, S::Error> {
    match e {
        Some(e) => s.collect_str(e),
        None => s.serialize_none(),
    }
}

impl<'a> P2pMimeBody<'a> {
    /// Reads `body` in the framing [`P2pFraming::for_received`] gives for `version` and
    /// `dest`, and the whole SLP message inside when there is one (a malformed one is
    /// reported in [`slp_error`](Self::slp_error); only a malformed chunk is an error).
    pub fn parse(
        version: ProtocolVersion,
        dest: Option<&str>,
        src: Option<&str>,
        body: &'a [u8],
    ) -> Result<Self, P2pError> {
        let payload = P2pPayload::parse(P2pFraming::for_received(version, dest), body)?;
        // Owned: the chunk's data is borrowed from `payload`, not from `body` (a few hundred
        // bytes, once per SLP message).
        let (slp, slp_error) = match payload.whole_slp().map(SlpMessage::parse) {
            Some(Ok(m)) => (Some(m.into_owned()), None),
            Some(Err(e)) => (None, Some(e)),
            None => (None, None),
        };
        let session_request = slp
            .as_ref()
            .filter(|m| m.content_type().ok() == Some(SlpContentType::SessionRequest))
            .and_then(|m| SessionRequest::from_body(&m.body().ok()?).ok());
        Ok(Self {
            dest: dest.map(str::to_owned),
            src: src.map(str::to_owned),
            payload,
            slp,
            session_request,
            slp_error,
        })
    }

    /// The framing of [`payload`](Self::payload).
    pub fn framing(&self) -> P2pFraming {
        match self.payload {
            P2pPayload::V1(_) => P2pFraming::V1,
            P2pPayload::V2(_) => P2pFraming::V2,
        }
    }

    /// Builds the MIME message (`P2P-Dest`, then `P2P-Src` when set, binary body); fails
    /// when the payload does not encode ([`P2pPayload::to_bytes`]).
    pub fn to_mime(&self) -> Result<MimeMessage<'static>, P2pError> {
        let mut h = MimeHeaders::default();
        h.push("MIME-Version", "1.0");
        h.push("Content-Type", P2P_MEDIA_TYPE);
        if let Some(d) = &self.dest {
            h.push("P2P-Dest", d.clone());
        }
        if let Some(s) = &self.src {
            h.push("P2P-Src", s.clone());
        }
        Ok(MimeMessage::new(h, self.payload.to_bytes()?))
    }

    /// Owned copy.
    pub fn into_owned(self) -> P2pMimeBody<'static> {
        P2pMimeBody {
            dest: self.dest,
            src: self.src,
            payload: self.payload.into_owned(),
            slp: self.slp.map(SlpMessage::into_owned),
            session_request: self.session_request,
            slp_error: self.slp_error,
        }
    }
}

/// Decodes RFC 2047 encoded words (`=?charset?B|Q?…?=`) for UTF-8, US-ASCII and
/// ISO-8859-1; anything undecodable is kept as is.
pub fn decode_rfc2047(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    let mut last_was_word = false;
    while let Some(start) = rest.find("=?") {
        let (before, from) = rest.split_at(start);
        let decoded = from.get(2..).and_then(|inner| {
            let (charset, r) = inner.split_once('?')?;
            let (enc, r) = r.split_once('?')?;
            let end = r.find("?=")?;
            let text = r.get(..end)?;
            let bytes = match enc {
                "B" | "b" => B64.decode(text).ok()?,
                "Q" | "q" => decode_q(text)?,
                _ => return None,
            };
            let value = match charset.to_ascii_lowercase().as_str() {
                "utf-8" | "us-ascii" => String::from_utf8(bytes).ok()?,
                "iso-8859-1" | "latin1" => bytes.iter().map(|&b| char::from(b)).collect(),
                _ => return None,
            };
            Some((value, 2 + charset.len() + 1 + enc.len() + 1 + end + 2))
        });
        match decoded {
            Some((value, consumed)) => {
                if !(last_was_word && before.trim().is_empty()) {
                    out.push_str(before);
                }
                out.push_str(&value);
                rest = from.get(consumed..).unwrap_or("");
                last_was_word = true;
            }
            None => {
                out.push_str(before);
                out.push_str("=?");
                rest = from.get(2..).unwrap_or("");
                last_was_word = false;
            }
        }
    }
    out.push_str(rest);
    out
}

fn decode_q(text: &str) -> Option<Vec<u8>> {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b.get(i) {
            Some(b'_') => out.push(b' '),
            Some(b'=') => {
                let hex = text.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            Some(&c) => out.push(c),
            None => break,
        }
        i += 1;
    }
    Some(out)
}

// ---------------------------------------------------------------------------------------
// Builders for the server-originated content types (for revival servers and tests).
// ---------------------------------------------------------------------------------------

fn base_headers(content_type: &'static str) -> MimeHeaders<'static> {
    let mut h = MimeHeaders::default();
    h.push("MIME-Version", "1.0");
    h.push("Content-Type", content_type);
    h
}

/// Writes `Name: value\r\n` for every present value (CR/LF in values become spaces).
fn kv_lines(pairs: &[(&str, Option<String>)]) -> String {
    let mut s = String::new();
    for (k, v) in pairs {
        if let Some(v) = v {
            s.push_str(k);
            s.push_str(": ");
            s.push_str(&v.replace(['\r', '\n'], " "));
            s.push_str("\r\n");
        }
    }
    s
}

fn opt<T: ToString>(v: &Option<T>) -> Option<String> {
    v.as_ref().map(ToString::to_string)
}

fn bit(v: Option<bool>) -> Option<String> {
    v.map(|b| if b { "1" } else { "0" }.to_owned())
}

/// Encodes `s` as one RFC 2047 `B` word in UTF-8 when it is not printable ASCII.
pub fn encode_rfc2047(s: &str) -> String {
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) && !s.contains("=?") {
        s.to_owned()
    } else {
        format!("=?utf-8?B?{}?=", B64.encode(s.as_bytes()))
    }
}

impl Profile {
    /// Builds the profile message from the typed fields, in the official server's order;
    /// absent fields are omitted ([`fields`](Self::fields) is not used).
    pub fn to_mime(&self) -> MimeMessage<'static> {
        let mut h = base_headers("text/x-msmsgsprofile; charset=UTF-8");
        let pairs: [(&'static str, Option<String>); 22] = [
            ("LoginTime", opt(&self.login_time)),
            ("EmailEnabled", bit(self.email_enabled)),
            ("MemberIdHigh", opt(&self.member_id_high)),
            ("MemberIdLow", opt(&self.member_id_low)),
            ("lang_preference", opt(&self.lang_preference)),
            ("preferredEmail", self.preferred_email.clone()),
            ("country", self.country.clone()),
            ("PostalCode", self.postal_code.clone()),
            ("Gender", self.gender.clone()),
            ("Kid", opt(&self.kid)),
            ("Age", opt(&self.age)),
            ("BDayPre", self.bday_pre.clone()),
            ("Birthday", self.birthday.clone()),
            ("Wallet", self.wallet.clone()),
            ("Flags", opt(&self.flags)),
            ("sid", opt(&self.sid)),
            ("kv", opt(&self.kv)),
            ("MSPAuth", self.mspauth.clone()),
            ("ClientIP", self.client_ip.clone()),
            ("ClientPort", opt(&self.client_port)),
            ("ABCHMigrated", bit(self.abch_migrated)),
            ("MPOPEnabled", bit(self.mpop_enabled)),
        ];
        for (k, v) in pairs {
            if let Some(v) = v {
                h.push(k, v.replace(['\r', '\n'], " "));
            }
        }
        MimeMessage::new(h, Vec::new())
    }
}

impl InitialEmailNotification {
    /// Builds the message (body lines in the official order, then a blank line).
    pub fn to_mime(&self) -> MimeMessage<'static> {
        let mut body = kv_lines(&[
            ("Inbox-Unread", opt(&self.inbox_unread)),
            ("Folders-Unread", opt(&self.folders_unread)),
            ("Inbox-URL", self.inbox_url.clone()),
            ("Folders-URL", self.folders_url.clone()),
            ("Post-URL", self.post_url.clone()),
        ]);
        body.push_str("\r\n");
        MimeMessage::new(
            base_headers("text/x-msmsgsinitialemailnotification; charset=UTF-8"),
            body.into_bytes(),
        )
    }
}

impl EmailNotification {
    /// Builds the message; `From` and `Subject` are RFC 2047 encoded when needed.
    pub fn to_mime(&self) -> MimeMessage<'static> {
        let mut body = kv_lines(&[
            ("From", self.from.as_deref().map(encode_rfc2047)),
            ("Message-URL", self.message_url.clone()),
            ("Post-URL", self.post_url.clone()),
            ("Subject", self.subject.as_deref().map(encode_rfc2047)),
            ("Dest-Folder", self.dest_folder.clone()),
            ("From-Addr", self.from_addr.clone()),
            ("id", self.id.clone()),
        ]);
        body.push_str("\r\n");
        MimeMessage::new(
            base_headers("text/x-msmsgsemailnotification; charset=UTF-8"),
            body.into_bytes(),
        )
    }
}

impl ActiveMailNotification {
    /// Builds the message.
    pub fn to_mime(&self) -> MimeMessage<'static> {
        let mut body = kv_lines(&[
            ("Src-Folder", self.src_folder.clone()),
            ("Dest-Folder", self.dest_folder.clone()),
            ("Message-Delta", opt(&self.message_delta)),
        ]);
        body.push_str("\r\n");
        MimeMessage::new(
            base_headers("text/x-msmsgsactivemailnotification; charset=UTF-8"),
            body.into_bytes(),
        )
    }
}

impl MailData {
    /// Serialises `<MD>…</MD>` (no whitespace; absent counters are written empty).
    pub fn to_xml(&self) -> String {
        use super::xml::push_text_element as el;
        let n = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_default();
        let mut s = String::from("<MD><E>");
        el(&mut s, "I", &n(self.inbox_total));
        el(&mut s, "IU", &n(self.inbox_unread));
        el(&mut s, "O", &n(self.other_total));
        el(&mut s, "OU", &n(self.other_unread));
        s.push_str("</E><Q>");
        el(&mut s, "QTM", &n(self.quota_total));
        el(&mut s, "QNM", &n(self.quota_messages));
        s.push_str("</Q>");
        for m in &self.messages {
            s.push_str("<M>");
            let fields: [(&str, Option<String>); 10] = [
                ("T", m.t.clone()),
                ("S", m.s.clone()),
                ("RT", m.received_time.clone()),
                ("RS", m.rs.clone()),
                ("SZ", opt(&m.size)),
                ("E", m.sender.clone()),
                ("I", m.id.clone()),
                ("F", m.folder.clone()),
                ("N", m.friendly.as_deref().map(encode_rfc2047)),
                ("SU", m.subject.clone()),
            ];
            for (k, v) in fields {
                if let Some(v) = v {
                    el(&mut s, k, &v);
                }
            }
            s.push_str("</M>");
        }
        s.push_str("</MD>");
        s
    }
}

impl MailDataNotification {
    /// Builds the message (`text/x-msmsgsinitialmdatanotification` when
    /// [`initial`](Self::initial), else `text/x-msmsgsoimnotification`).
    pub fn to_mime(&self) -> MimeMessage<'static> {
        let md = match &self.mail_data {
            None => None,
            Some(MailDataField::TooLarge) => Some("too-large".to_owned()),
            Some(MailDataField::Data(d)) => Some(d.to_xml()),
        };
        let mut body = kv_lines(&[
            ("Mail-Data", md),
            ("Inbox-URL", self.inbox_url.clone()),
            ("Folders-URL", self.folders_url.clone()),
            ("Post-URL", self.post_url.clone()),
        ]);
        body.push_str("\r\n");
        let ct = if self.initial {
            "text/x-msmsgsinitialmdatanotification; charset=UTF-8"
        } else {
            "text/x-msmsgsoimnotification; charset=UTF-8"
        };
        MimeMessage::new(base_headers(ct), body.into_bytes())
    }
}

impl SystemMessage {
    /// Builds the message (`Type`, `Arg1`).
    pub fn to_mime(&self) -> MimeMessage<'static> {
        let body = kv_lines(&[
            ("Type", opt(&self.message_type)),
            ("Arg1", self.arg1.clone()),
        ]);
        MimeMessage::new(
            base_headers("application/x-msmsgssystemmessage"),
            body.into_bytes(),
        )
    }
}
