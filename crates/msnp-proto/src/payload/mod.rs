//! Structured payloads carried by payload commands (XML documents, MIME messages,
//! MSNObjects, P2P).
//!
//! | module | payload |
//! | --- | --- |
//! | [`ml`] | `<ml>` of `ADL`/`RML`/`FQY`: parse, rule-checked build, splitter |
//! | [`data`] | `<Data>` of `UUX`/`UBX`, `CurrentMedia`, MSNP18 endpoint data |
//! | [`shields`], [`policies`] | `GCF`: Shields `<config>` and MSNP13+ `<Policies>` (checksum verified) |
//! | [`notification`] | `<NOTIFICATION>` of `NOT`/`IPG`, ABCH/circle `NotificationData` |
//! | [`uun`] | `UUN`/`UBN` bodies by notification type |
//! | [`routed`] | MSNP18 routed MIME of `NFY`/`PUT`/`DEL`/`SDG` |
//! | [`page`] | `PAG`/`PGD` page: `<PHONE/>` and `<TEXT>` (an XML fragment) |
//! | [`mime`] | `MSG`/`UUM`/`UBM` MIME with typed bodies and builders |
//! | [`headers`] | MIME header lines (also read by MSNSLP) |
//! | [`p2p`] | P2Pv1 header/footer (old path; P2Pv1, P2Pv2 and MSNSLP live in [`crate::p2p`]) |
//! | [`msnobj`] | `<msnobj>`: parse/build, SHA1D, SHA1C |
//! | [`xml`] | the hardened XML reader ([`XmlLimits`]) shared by all of the above |
//!
//! Every parser works on the raw payload bytes (`&[u8]`) the framing layer hands over and
//! is independent of the wire types; all errors are [`PayloadError`] (typed, with byte
//! offsets where known). No parser panics, allocates without bound or loops forever on
//! any input. [`parse_payload`] picks the parser from the verb's row in the
//! [verb table](crate::verb_table) (and `Message::payload` from a typed message's verb):
//!
//! ```
//! use msnp_proto::Verb;
//! use msnp_proto::payload::{parse_payload, Payload, XmlLimits};
//! let p = parse_payload(Verb::UUX, None, b"<Data><PSM>hi</PSM><CurrentMedia></CurrentMedia></Data>", &XmlLimits::default()).unwrap();
//! let Payload::Data(msnp_proto::payload::data::DataDocument::Data(d)) = p else { panic!() };
//! assert_eq!(d.psm.as_deref(), Some("hi"));
//! ```

use std::borrow::Cow;

pub mod data;
pub mod error;
pub mod headers;
pub mod mime;
pub mod ml;
pub mod msnobj;
pub mod notification;
pub mod p2p;
pub mod page;
pub mod policies;
pub mod routed;
pub mod shields;
pub mod uun;
pub use crate::xml;

pub use error::PayloadError;
pub use xml::XmlLimits;

use crate::verb::Verb;
use crate::verb_table::{self, PayloadKind};
use crate::version::ProtocolVersion;

/// A `MSG`/`UUM`/`UBM` payload: the MIME message and its typed body.
///
/// Serialized as `{"content_type": "text/plain", "headers": [...], "body": {...}}`: the raw
/// body is left out, since the typed body carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MsgPayload<'a> {
    /// Headers and raw body.
    pub mime: mime::MimeMessage<'a>,
    /// Body decoded by content type.
    pub body: mime::MsgBody<'a>,
}

#[cfg(feature = "serde")]
impl serde::Serialize for MsgPayload<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("MsgPayload", 3)?;
        st.serialize_field(
            "content_type",
            &self.mime.media_type().map(str::to_ascii_lowercase),
        )?;
        st.serialize_field("headers", &self.mime.headers)?;
        st.serialize_field("body", &self.body)?;
        st.end()
    }
}

/// A payload decoded by [`parse_payload`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(
    feature = "serde",
    serde(tag = "kind", content = "value", rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum Payload<'a> {
    /// A zero-length payload (e.g. `UBX … 0`: no data).
    Empty,
    /// `MSG`, `UUM`, `UBM`: MIME with typed body (boxed: by far the largest variant).
    Msg(Box<MsgPayload<'a>>),
    /// `ADL`, `RML`, `FQY`: `<ml>`.
    Ml(ml::Ml),
    /// `UUX`, `UBX`: `<Data>` (or a lone endpoint element).
    Data(data::DataDocument<'a>),
    /// `GCF` (MSNP11–12): Shields `<config>`.
    Shields(shields::ShieldsConfig),
    /// `GCF` (MSNP13+): `<Policies>`.
    Policies(policies::Policies),
    /// `NOT`, `IPG`: `<NOTIFICATION>`.
    Notification(notification::NotificationDocument<'a>),
    /// `UUN`, `UBN`.
    Uun(uun::UunBody<'a>),
    /// `NFY`, `PUT`, `DEL`, `SDG`: routed MIME.
    Routed(routed::RoutedMessage<'a>),
    /// `PAG`, `PGD`: a page (`<PHONE/>` and `<TEXT>`, a fragment of elements).
    Page(page::Page),
    /// A free-form XML payload (XML error-reply payloads), as an element tree.
    Xml(xml::XmlElement),
    /// A text payload (e.g. the 32-hex-digit `QRY` answer, `SDC` invitation text).
    Text(Cow<'a, str>),
    /// A payload this module has no parser for, kept raw.
    Opaque(#[cfg_attr(feature = "serde", serde(serialize_with = "serde_b64"))] Cow<'a, [u8]>),
}

/// Decodes a payload body by the [document kind](crate::verb_table::PayloadKind) of its verb's
/// row in the verb table (a verb without one gives [`Payload::Opaque`]); for MSNP13+ error
/// replies with payload, XML or text.
///
/// `uun_type` is the notification-type argument of `UUN`/`UBN` (needed to decode them; without
/// it their body is classified as type 0 / unknown). Empty bodies give [`Payload::Empty`].
///
/// MIME bodies are typed in the [`mime::DEFAULT_TYPED_VERSION`] dialect; use
/// [`parse_payload_in`] with the connection's version to decide P2P framings for older
/// dialects too.
pub fn parse_payload<'a>(
    verb: Verb,
    uun_type: Option<u32>,
    body: &'a [u8],
    limits: &XmlLimits,
) -> Result<Payload<'a>, PayloadError> {
    parse_payload_in(verb, uun_type, body, mime::DEFAULT_TYPED_VERSION, limits)
}

/// [`parse_payload`] for a command received in dialect `version` (`Dialect::version`): the
/// version decides which P2P framing an `application/x-msnmsgrp2p` body uses
/// ([`MimeMessage::typed_body_in`](mime::MimeMessage::typed_body_in)).
pub fn parse_payload_in<'a>(
    verb: Verb,
    uun_type: Option<u32>,
    body: &'a [u8],
    version: ProtocolVersion,
    limits: &XmlLimits,
) -> Result<Payload<'a>, PayloadError> {
    if body.is_empty() {
        return Ok(Payload::Empty);
    }
    if body.len() > limits.max_size {
        return Err(PayloadError::TooLarge {
            size: body.len(),
            max: limits.max_size,
        });
    }
    if verb.is_error() {
        return Ok(error_payload(body, limits));
    }
    let Some(kind) = verb_table::row(verb).and_then(|r| r.payload.map(|p| p.document)) else {
        return Ok(Payload::Opaque(Cow::Borrowed(body)));
    };
    Ok(match kind {
        PayloadKind::Mime => {
            let mime = mime::MimeMessage::parse(body)?;
            let typed = mime.typed_body_in(version, limits)?.into_owned();
            Payload::Msg(Box::new(MsgPayload { mime, body: typed }))
        }
        PayloadKind::Ml => Payload::Ml(ml::Ml::parse(body, limits)?),
        PayloadKind::Data => Payload::Data(data::DataDocument::parse(body, limits)?),
        PayloadKind::Gcf => {
            let doc = xml::parse_bytes(body, limits)?;
            match doc.root.name.as_ref() {
                "Policies" => Payload::Policies(policies::Policies::from_document(&doc)?),
                "config" => {
                    Payload::Shields(shields::ShieldsConfig::from_element(&doc.root, doc.source)?)
                }
                other => {
                    return Err(PayloadError::UnexpectedRoot {
                        expected: "Policies or config",
                        found: other.to_owned(),
                    });
                }
            }
        }
        PayloadKind::Notification => {
            Payload::Notification(notification::NotificationDocument::parse(body, limits)?)
        }
        PayloadKind::Uun => Payload::Uun(uun::UunBody::parse(uun_type.unwrap_or(0), body, limits)?),
        PayloadKind::Routed => Payload::Routed(routed::RoutedMessage::parse(body)?),
        PayloadKind::Xml => Payload::Page(page::Page::parse(body, limits)?),
        PayloadKind::Text => Payload::Text(Cow::Borrowed(error::utf8(body)?)),
        PayloadKind::Opaque => Payload::Opaque(Cow::Borrowed(body)),
    })
}

/// An MSNP13+ error reply's payload (`241 trid len`): XML when it parses, else text, else bytes.
fn error_payload<'a>(body: &'a [u8], limits: &XmlLimits) -> Payload<'a> {
    match std::str::from_utf8(body) {
        Err(_) => Payload::Opaque(Cow::Borrowed(body)),
        Ok(text) if text.trim_start().starts_with('<') => match xml::parse_document(text, limits) {
            Ok(doc) => Payload::Xml(doc.root.to_owned_element(doc.source)),
            Err(_) => Payload::Text(Cow::Borrowed(text)),
        },
        Ok(text) => Payload::Text(Cow::Borrowed(text)),
    }
}

impl MsgPayload<'_> {
    /// Owned copy.
    pub fn into_owned(self) -> MsgPayload<'static> {
        MsgPayload {
            mime: self.mime.into_owned(),
            body: self.body.into_owned(),
        }
    }
}

impl Payload<'_> {
    /// Whether the payload was left undecoded.
    pub fn is_opaque(&self) -> bool {
        matches!(self, Self::Opaque(_))
    }

    /// Owned copy, independent of the input buffer.
    pub fn into_owned(self) -> Payload<'static> {
        match self {
            Self::Empty => Payload::Empty,
            Self::Msg(m) => Payload::Msg(Box::new(m.into_owned())),
            Self::Ml(v) => Payload::Ml(v),
            Self::Data(v) => Payload::Data(v.into_owned()),
            Self::Shields(v) => Payload::Shields(v),
            Self::Policies(v) => Payload::Policies(v),
            Self::Notification(v) => Payload::Notification(v.into_owned()),
            Self::Uun(v) => Payload::Uun(v.into_owned()),
            Self::Routed(v) => Payload::Routed(v.into_owned()),
            Self::Page(v) => Payload::Page(v),
            Self::Xml(v) => Payload::Xml(v),
            Self::Text(t) => Payload::Text(Cow::Owned(t.into_owned())),
            Self::Opaque(b) => Payload::Opaque(Cow::Owned(b.into_owned())),
        }
    }
}

/// Serialises bytes as a base64 string.
#[cfg(feature = "serde")]
pub(crate) fn serde_b64<S: serde::Serializer, T: AsRef<[u8]> + ?Sized>(
    bytes: &T,
    s: S,
) -> Result<S::Ok, S::Error> {
    use base64::Engine;
    s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(bytes.as_ref()))
}
