//! MSNP18 routed MIME for `NFY`, `PUT`, `DEL` and `SDG`: three header blocks
//! (`Routing`, `Reliability`, then `Notification`/`Publication`/`Messaging`) and a body.
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
    /// `Notification`/`Publication`/`Messaging` block with `Content-Type`, `Content-Length`, …
    pub message: MimeHeaders<'a>,
    /// The body.
    #[cfg_attr(feature = "serde", serde(serialize_with = "super::serde_b64"))]
    pub body: Cow<'a, [u8]>,
}

impl<'a> RoutedMessage<'a> {
    /// Parses the three header blocks and the body. When the third block has a
    /// `Content-Length`, it must not exceed the bytes present; extra bytes stay in `body`.
    pub fn parse(payload: &'a [u8]) -> Result<Self, PayloadError> {
        let mut blocks = Vec::with_capacity(3);
        let mut pos = 0usize;
        for _ in 0..3 {
            let rest = payload.get(pos..).unwrap_or(&[]);
            let end = memchr::memmem::find(rest, b"\r\n\r\n")
                .map(|i| i + 4)
                .ok_or(PayloadError::Mime {
                    offset: pos,
                    reason: "routed message needs three header blocks ended by a blank line",
                })?;
            let text = utf8(rest.get(..end).unwrap_or(&[])).map_err(|e| match e {
                PayloadError::InvalidUtf8 { offset } => PayloadError::InvalidUtf8 {
                    offset: offset + pos,
                },
                other => other,
            })?;
            let (h, _) = parse_header_lines(text, pos)?;
            blocks.push(h);
            pos += end;
        }
        let body = payload.get(pos..).unwrap_or(&[]);
        let mut it = blocks.into_iter();
        let (Some(routing), Some(reliability), Some(message)) = (it.next(), it.next(), it.next())
        else {
            return Err(PayloadError::Mime {
                offset: 0,
                reason: "routed message needs three header blocks",
            });
        };
        if routing.get("Routing").is_none() {
            return Err(PayloadError::MissingHeader("Routing"));
        }
        if let Some(cl) = message.get("Content-Length") {
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

    /// Serialises the three blocks and the body (lengths are the caller's business).
    pub fn to_bytes(&self) -> Result<Vec<u8>, PayloadError> {
        let mut out = Vec::new();
        for b in [&self.routing, &self.reliability, &self.message] {
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
            message: self.message.into_owned(),
            body: Cow::Owned(self.body.into_owned()),
        }
    }
}
