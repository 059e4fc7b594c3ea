//! MSNP18 routed MIME for `NFY`, `PUT`, `DEL` and `SDG`: three header blocks
//! (`Routing`, `Reliability`, then `Notification`/`Publication`/`Messaging`) and a body.
//!
//! A reply such as `PUT trid OK len` carries only the first two blocks (WLM 2009 and 2011
//! traffic); the third block is then absent, which is distinct from an empty one.
//!
//! ```
//! use msnp_proto::payload::routed::RoutedMessage;
//! let raw = b"Routing: 1.0\r\nTo: 9:00000000-0000-0000-0009-0123456789ab@live.com\r\nFrom: 1:alice@hotmail.com;epid={F52973B6-C926-4BAD-9BA8-7C1E840E4AB0}\r\n\r\nReliability: 1.0\r\n\r\nPublication: 1.0\r\nUri: /circle\r\nContent-Type: application/circles+xml\r\nContent-Length: 4\r\n\r\n<c/>";
//! let m = RoutedMessage::parse(raw).unwrap();
//! let from = m.from().unwrap();
//! assert_eq!(from.network, 1);
//! assert_eq!(from.epid.as_deref(), Some("{F52973B6-C926-4BAD-9BA8-7C1E840E4AB0}"));
//! assert_eq!(m.to().unwrap().network, 9);
//! assert_eq!(&m.body[..], b"<c/>");
//! assert_eq!(m.to_bytes().unwrap(), raw.to_vec());
//! ```

use std::borrow::Cow;

use super::error::{PayloadError, utf8};
use super::mime::{MimeHeaders, parse_header_lines};
use super::xml::{XmlElement, XmlLimits, parse_document};

/// A routed address `nid:handle{;epid={guid}}{;path=IM}{;via=…}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RoutedAddress {
    /// Network id before the first `:`.
    pub network: u32,
    /// Handle (account, or circle `…@live.com`).
    pub handle: String,
    /// `epid=` parameter.
    pub epid: Option<String>,
    /// `path=` parameter.
    pub path: Option<String>,
    /// Other `;key=value` parameters in order.
    pub params: Vec<(String, String)>,
}

impl RoutedAddress {
    /// Parses an address.
    pub fn parse(s: &str) -> Result<Self, PayloadError> {
        let mut parts = s.trim().split(';');
        let first = parts.next().unwrap_or("");
        let (nid, handle) = first
            .split_once(':')
            .ok_or_else(|| PayloadError::invalid("routed address", s, "expected nid:handle"))?;
        let network = nid.parse().map_err(|_| {
            PayloadError::invalid("routed address network id", nid, "not a decimal number")
        })?;
        let mut a = Self {
            network,
            handle: handle.to_owned(),
            epid: None,
            path: None,
            params: Vec::new(),
        };
        for p in parts {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            match k {
                "epid" => a.epid = Some(v.to_owned()),
                "path" => a.path = Some(v.to_owned()),
                _ => a.params.push((k.to_owned(), v.to_owned())),
            }
        }
        Ok(a)
    }
}

impl std::fmt::Display for RoutedAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.network, self.handle)?;
        if let Some(e) = &self.epid {
            write!(f, ";epid={e}")?;
        }
        if let Some(p) = &self.path {
            write!(f, ";path={p}")?;
        }
        for (k, v) in &self.params {
            write!(f, ";{k}={v}")?;
        }
        Ok(())
    }
}

/// A routed message.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct RoutedMessage<'a> {
    /// `Routing: 1.0`, `To`, `From`, …
    pub routing: MimeHeaders<'a>,
    /// `Reliability: 1.0`, `Stream`, `Segment`, …
    pub reliability: MimeHeaders<'a>,
    /// `Notification`/`Publication`/`Messaging` block with `Content-Type`, `Content-Length`, …;
    /// `None` when the payload ends after the `Reliability` block (a routed reply).
    pub message: Option<MimeHeaders<'a>>,
    /// The body.
    #[cfg_attr(feature = "serde", serde(serialize_with = "super::serde_b64"))]
    pub body: Cow<'a, [u8]>,
}

impl<'a> RoutedMessage<'a> {
    /// Parses the header blocks and the body: `Routing` and `Reliability` always, then — unless
    /// the payload ends there — the message block and the body. When the message block has a
    /// `Content-Length`, it must not exceed the bytes present; extra bytes stay in `body`.
    pub fn parse(payload: &'a [u8]) -> Result<Self, PayloadError> {
        let mut pos = 0usize;
        let routing = header_block(payload, &mut pos)?;
        let reliability = header_block(payload, &mut pos)?;
        let message = if pos < payload.len() {
            Some(header_block(payload, &mut pos)?)
        } else {
            None
        };
        let body = payload.get(pos..).unwrap_or(&[]);
        if routing.get("Routing").is_none() {
            return Err(PayloadError::MissingHeader("Routing"));
        }
        if let Some(cl) = message.as_ref().and_then(|m| m.get("Content-Length")) {
            let n: usize = cl
                .trim()
                .parse()
                .map_err(|_| PayloadError::invalid("Content-Length", cl, "not a decimal number"))?;
            if n > body.len() {
                return Err(PayloadError::TooShort {
                    what: "routed message body (Content-Length)",
                    needed: n,
                    got: body.len(),
                });
            }
        }
        Ok(Self {
            routing,
            reliability,
            message,
            body: Cow::Borrowed(body),
        })
    }

    /// `To` address.
    pub fn to(&self) -> Option<RoutedAddress> {
        self.routing
            .get("To")
            .and_then(|v| RoutedAddress::parse(v).ok())
    }

    /// `From` address.
    pub fn from(&self) -> Option<RoutedAddress> {
        self.routing
            .get("From")
            .and_then(|v| RoutedAddress::parse(v).ok())
    }

    /// Name of the third block (`Notification`, `Publication` or `Messaging`) and its version.
    pub fn kind(&self) -> Option<(&str, &str)> {
        self.message
            .as_ref()?
            .0
            .first()
            .map(|h| (h.name.as_ref(), h.value.as_ref()))
    }

    /// The body parsed as an XML document (circle / roster documents), when it is one.
    pub fn body_xml(&self, limits: &XmlLimits) -> Option<Result<XmlElement, PayloadError>> {
        let text = std::str::from_utf8(&self.body).ok()?;
        if !text.trim_start().starts_with('<') {
            return None;
        }
        Some(parse_document(text, limits).map(|d| d.root.to_owned_element(d.source)))
    }

    /// The body as text, when UTF-8.
    pub fn body_text(&self) -> Option<&str> {
        std::str::from_utf8(&self.body).ok()
    }

    /// Serialises the blocks and the body (lengths are the caller's business).
    pub fn to_bytes(&self) -> Result<Vec<u8>, PayloadError> {
        let mut out = Vec::new();
        let blocks = [
            Some(&self.routing),
            Some(&self.reliability),
            self.message.as_ref(),
        ];
        for b in blocks.into_iter().flatten() {
            b.write_to(&mut out)?;
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(&self.body);
        Ok(out)
    }

    /// Owned copy.
    pub fn into_owned(self) -> RoutedMessage<'static> {
        RoutedMessage {
            routing: self.routing.into_owned(),
            reliability: self.reliability.into_owned(),
            message: self.message.map(MimeHeaders::into_owned),
            body: Cow::Owned(self.body.into_owned()),
        }
    }
}

/// One header block at `*pos`, ended by a blank line; advances `*pos` past it.
fn header_block<'a>(payload: &'a [u8], pos: &mut usize) -> Result<MimeHeaders<'a>, PayloadError> {
    let at = *pos;
    let rest = payload.get(at..).unwrap_or(&[]);
    let end = memchr::memmem::find(rest, b"\r\n\r\n")
        .map(|i| i + 4)
        .ok_or(PayloadError::Mime {
            offset: at,
            reason: "routed message header block not ended by a blank line",
        })?;
    let text = utf8(rest.get(..end).unwrap_or(&[])).map_err(|e| match e {
        PayloadError::InvalidUtf8 { offset } => PayloadError::InvalidUtf8 {
            offset: offset + at,
        },
        other => other,
    })?;
    let (h, _) = parse_header_lines(text, at)?;
    *pos = at + end;
    Ok(h)
}
