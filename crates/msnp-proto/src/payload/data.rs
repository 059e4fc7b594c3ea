//! `<Data>` documents carried by `UUX` / `UBX` (MSNP11+), and the `CurrentMedia` format.
//!
//! ```
//! use msnp_proto::payload::data::{DataDocument, UserData};
//! use msnp_proto::payload::xml::XmlLimits;
//!
//! let body = br"<Data><PSM>hi &amp; bye</PSM><CurrentMedia>\0Music\01\0{0} - {1}\0Title\0Artist\0\0</CurrentMedia></Data>";
//! let DataDocument::Data(d) = DataDocument::parse(body, &XmlLimits::default()).unwrap() else { panic!() };
//! assert_eq!(d.psm.as_deref(), Some("hi & bye"));
//! assert_eq!(d.media().unwrap().formatted(), "Title - Artist");
//! assert_eq!(d.to_xml(), std::str::from_utf8(body).unwrap());
//! ```

use std::borrow::Cow;

use super::error::PayloadError;
use super::msnobj::MsnObject;
use super::xml::{
    Content, Tag, XmlElement, XmlLimits, XmlOptions, XmlReader, children, push_attr,
    push_text_element, read_root, text_only,
};

/// The separator of `CurrentMedia` fields: backslash and zero (not a NUL byte).
pub const MEDIA_SEPARATOR: &str = "\\0";

/// A decoded `CurrentMedia` string.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CurrentMedia {
    /// Player id (`WMP`, `Amarok`, …), may be empty.
    pub application: String,
    /// `Music`, `Games` or `Office` (kept as sent).
    pub media_type: String,
    /// Whether the media should be shown (`1`) or hidden (`0`).
    pub enabled: bool,
    /// Format template with `{0}`, `{1}`… placeholders.
    pub format: String,
    /// Arguments substituted into the template (trailing empty ones kept).
    pub args: Vec<String>,
    /// The formatted text (template with args substituted), for display.
    pub formatted: String,
}

impl CurrentMedia {
    /// Creates a value, computing [`formatted`](Self::formatted).
    pub fn new(
        application: impl Into<String>,
        media_type: impl Into<String>,
        enabled: bool,
        format: impl Into<String>,
        args: Vec<String>,
    ) -> Self {
        let format = format.into();
        let formatted = format_template(&format, &args);
        Self {
            application: application.into(),
            media_type: media_type.into(),
            enabled,
            format,
            args,
            formatted,
        }
    }

    /// Parses the (already XML-unescaped) element text. Every field is followed by `\0`;
    /// a missing final separator is tolerated.
    pub fn parse(s: &str) -> Result<Self, PayloadError> {
        let body = s.strip_suffix(MEDIA_SEPARATOR).unwrap_or(s);
        let mut fields = body.split(MEDIA_SEPARATOR);
        let (Some(app), Some(kind), Some(enabled), Some(format)) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            return Err(PayloadError::invalid(
                "CurrentMedia",
                s,
                "fewer than four \\0-separated fields",
            ));
        };
        let enabled = match enabled {
            "1" => true,
            "0" => false,
            _ => {
                return Err(PayloadError::invalid(
                    "CurrentMedia enabled flag",
                    enabled,
                    "expected 0 or 1",
                ));
            }
        };
        Ok(Self::new(
            app,
            kind,
            enabled,
            format,
            fields.map(str::to_owned).collect(),
        ))
    }

    /// The wire form (before XML escaping): every field followed by `\0`.
    pub fn to_wire(&self) -> String {
        let mut out = String::new();
        for f in [
            self.application.as_str(),
            self.media_type.as_str(),
            if self.enabled { "1" } else { "0" },
            self.format.as_str(),
        ]
        .into_iter()
        .chain(self.args.iter().map(String::as_str))
        {
            out.push_str(f);
            out.push_str(MEDIA_SEPARATOR);
        }
        out
    }

    /// The formatted text: the template with `{n}` replaced by `args[n]`.
    pub fn formatted(&self) -> String {
        format_template(&self.format, &self.args)
    }
}

/// Replaces `{n}` placeholders; unknown or malformed placeholders are kept literally.
pub fn format_template(format: &str, args: &[String]) -> String {
    let mut out = String::with_capacity(format.len());
    let mut rest = format;
    while let Some((before, after)) = rest.split_once('{') {
        out.push_str(before);
        match after.split_once('}') {
            Some((idx, tail))
                if !idx.is_empty() && idx.len() <= 4 && idx.bytes().all(|b| b.is_ascii_digit()) =>
            {
                match idx.parse::<usize>().ok().and_then(|i| args.get(i)) {
                    Some(a) => out.push_str(a),
                    None => {
                        out.push('{');
                        out.push_str(idx);
                        out.push('}');
                    }
                }
                rest = tail;
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Content of a `<CurrentMedia>` element.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(tag = "kind", content = "value", rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum MediaField {
    /// Empty element: nothing playing.
    Empty,
    /// A decoded media string.
    Media(CurrentMedia),
    /// Text that is not a valid media string, kept verbatim (unescaped).
    Invalid(String),
}

/// `Capabilities` of an endpoint: `caps:capsex`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Capabilities {
    /// Client capabilities (constants.md §4).
    pub caps: u32,
    /// Extended capabilities (`None` when only `caps` was sent).
    pub caps_ex: Option<u32>,
}

impl Capabilities {
    /// Parses `caps:capsex` or a lone `caps`.
    pub fn parse(s: &str) -> Result<Self, PayloadError> {
        let (a, b) = match s.split_once(':') {
            Some((a, b)) => (a, Some(b)),
            None => (s, None),
        };
        let num = |v: &str| {
            v.trim().parse::<u32>().map_err(|_| {
                PayloadError::invalid("Capabilities", s, "expected caps:capsex decimal u32 pair")
            })
        };
        Ok(Self {
            caps: num(a)?,
            caps_ex: b.map(num).transpose()?,
        })
    }
}

impl std::fmt::Display for Capabilities {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.caps_ex {
            Some(ex) => write!(f, "{}:{ex}", self.caps),
            None => write!(f, "{}", self.caps),
        }
    }
}

/// `<EndpointData id="{GUID}">` (MSNP16+).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct EndpointData {
    /// Endpoint (machine) GUID, braced; absent in a client's own `UUX`.
    pub id: Option<String>,
    /// `Capabilities`.
    pub capabilities: Option<Capabilities>,
    /// Child elements not known here, preserved.
    pub unknown: Vec<XmlElement>,
}

/// `<PrivateEndpointData id="{GUID}">` (MSNP16+).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PrivateEndpointData {
    /// Endpoint GUID, braced; absent in a client's own `UUX`.
    pub id: Option<String>,
    /// `EpName`: the endpoint's display name.
    pub ep_name: Option<String>,
    /// `Idle`: `true` / `false`.
    pub idle: Option<bool>,
    /// `ClientType`: 1 computer, 2 website, 3 mobile, 4 Xbox.
    pub client_type: Option<u32>,
    /// `State`: the endpoint's presence (`NLN`, `BSY`, …).
    pub state: Option<String>,
    /// Child elements not known here, preserved.
    pub unknown: Vec<XmlElement>,
}

/// A `<Data>` document. The texts borrow from the payload when it needed no unescaping
/// (so reading a plain document allocates only for the media, endpoints and unknown
/// elements); [`into_owned`](Self::into_owned) detaches them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct UserData<'a> {
    /// `PSM`: personal status message (unescaped). `Some("")` = empty element.
    pub psm: Option<Cow<'a, str>>,
    /// `CurrentMedia`.
    pub current_media: Option<MediaField>,
    /// `MachineGuid` (braced GUID).
    pub machine_guid: Option<Cow<'a, str>>,
    /// `DDP`: dynamic display picture msnobj (unescaped XML text).
    pub ddp: Option<Cow<'a, str>>,
    /// `SignatureSound`: msnobj or URL.
    pub signature_sound: Option<Cow<'a, str>>,
    /// `Scene`: scene msnobj.
    pub scene: Option<Cow<'a, str>>,
    /// `ColorScheme` as sent (a signed decimal in practice, see [`color_scheme_value`](Self::color_scheme_value)).
    pub color_scheme: Option<Cow<'a, str>>,
    /// `EndpointData` elements.
    pub endpoints: Vec<EndpointData>,
    /// `PrivateEndpointData` elements.
    pub private_endpoints: Vec<PrivateEndpointData>,
    /// Elements not known here, preserved (re-emitted verbatim after the known ones).
    pub unknown: Vec<XmlElement>,
}

crate::own::owned_copy!(MediaField, EndpointData, PrivateEndpointData);
crate::own::owned!(UserData {
    psm,
    current_media,
    machine_guid,
    ddp,
    signature_sound,
    scene,
    color_scheme,
    endpoints,
    private_endpoints,
    unknown,
});

impl<'a> UserData<'a> {
    /// Reads a `<Data>` document (any other root is [`PayloadError::UnexpectedRoot`]);
    /// [`DataDocument::parse`] reads every document `UUX`/`UBX` carry.
    ///
    /// ```
    /// use std::borrow::Cow;
    /// use msnp_proto::payload::data::UserData;
    /// use msnp_proto::payload::xml::XmlLimits;
    /// let d = UserData::parse(b"<Data><PSM>hi</PSM><MachineGuid>{1}</MachineGuid></Data>", &XmlLimits::default()).unwrap();
    /// assert!(matches!(d.psm, Some(Cow::Borrowed("hi"))));
    /// assert!(UserData::parse(b"<EndpointData/>", &XmlLimits::default()).is_err());
    /// ```
    ///
    /// # Errors
    /// XML errors, and the errors of the known elements' contents.
    pub fn parse(body: &'a [u8], limits: &XmlLimits) -> Result<Self, PayloadError> {
        read_root(body, limits, XmlOptions::default(), |r, root| {
            match root.name {
                "Data" => read_user_data(r, &root),
                other => Err(PayloadError::UnexpectedRoot {
                    expected: "Data",
                    found: other.to_owned(),
                }),
            }
        })
    }

    /// The decoded media, if one is set.
    pub fn media(&self) -> Option<&CurrentMedia> {
        match &self.current_media {
            Some(MediaField::Media(m)) => Some(m),
            _ => None,
        }
    }

    /// `ColorScheme` as a signed integer, when it parses as one.
    pub fn color_scheme_value(&self) -> Option<i64> {
        self.color_scheme
            .as_deref()
            .and_then(|c| c.trim().parse().ok())
    }

    /// The `DDP` msnobj, parsed.
    pub fn ddp_object(&self, limits: &XmlLimits) -> Option<Result<MsnObject, PayloadError>> {
        msnobj_field(self.ddp.as_deref(), limits)
    }

    /// The `Scene` msnobj, parsed.
    pub fn scene_object(&self, limits: &XmlLimits) -> Option<Result<MsnObject, PayloadError>> {
        msnobj_field(self.scene.as_deref(), limits)
    }

    /// Serialises the document (known elements in the official client's order, then
    /// unknown ones verbatim), escaping text.
    pub fn to_xml(&self) -> String {
        let mut out = String::from("<Data>");
        let simple = |out: &mut String, name: &str, v: &Option<Cow<'_, str>>| {
            if let Some(v) = v {
                push_text_element(out, name, v);
            }
        };
        simple(&mut out, "PSM", &self.psm);
        match &self.current_media {
            None => {}
            Some(MediaField::Empty) => out.push_str("<CurrentMedia></CurrentMedia>"),
            Some(MediaField::Media(m)) => push_text_element(&mut out, "CurrentMedia", &m.to_wire()),
            Some(MediaField::Invalid(s)) => push_text_element(&mut out, "CurrentMedia", s),
        }
        simple(&mut out, "MachineGuid", &self.machine_guid);
        simple(&mut out, "DDP", &self.ddp);
        simple(&mut out, "SignatureSound", &self.signature_sound);
        simple(&mut out, "Scene", &self.scene);
        simple(&mut out, "ColorScheme", &self.color_scheme);
        for e in &self.endpoints {
            write_endpoint(&mut out, e);
        }
        for p in &self.private_endpoints {
            write_private(&mut out, p);
        }
        for u in &self.unknown {
            out.push_str(&u.raw);
        }
        out.push_str("</Data>");
        out
    }
}

fn msnobj_field(v: Option<&str>, limits: &XmlLimits) -> Option<Result<MsnObject, PayloadError>> {
    match v {
        Some(s) if !s.trim().is_empty() => Some(MsnObject::parse(s, limits)),
        _ => None,
    }
}

/// Any document `UUX`/`UBX` carry: a full `<Data>`, or (MSNP16+ client `UUX`) a lone
/// `<EndpointData>` / `<PrivateEndpointData>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(tag = "root", content = "value", rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum DataDocument<'a> {
    /// `<Data>…</Data>` (boxed: it is much larger than the other variants).
    Data(Box<UserData<'a>>),
    /// `<EndpointData>…</EndpointData>`.
    Endpoint(EndpointData),
    /// `<PrivateEndpointData>…</PrivateEndpointData>`.
    PrivateEndpoint(PrivateEndpointData),
}

impl<'a> DataDocument<'a> {
    /// Parses a `UUX`/`UBX` payload.
    ///
    /// # Errors
    /// XML errors, an unknown root, and the errors of the known elements' contents.
    pub fn parse(body: &'a [u8], limits: &XmlLimits) -> Result<Self, PayloadError> {
        read_root(body, limits, XmlOptions::default(), |r, root| {
            match root.name {
                "Data" => read_user_data(r, &root).map(|d| Self::Data(Box::new(d))),
                "EndpointData" => read_endpoint(r, &root).map(Self::Endpoint),
                "PrivateEndpointData" => read_private(r, &root).map(Self::PrivateEndpoint),
                other => Err(PayloadError::UnexpectedRoot {
                    expected: "Data, EndpointData or PrivateEndpointData",
                    found: other.to_owned(),
                }),
            }
        })
    }

    /// An owned copy, independent of the payload.
    pub fn into_owned(self) -> DataDocument<'static> {
        match self {
            Self::Data(d) => DataDocument::Data(Box::new(d.into_owned())),
            Self::Endpoint(e) => DataDocument::Endpoint(e),
            Self::PrivateEndpoint(p) => DataDocument::PrivateEndpoint(p),
        }
    }

    /// Serialises the document.
    pub fn to_xml(&self) -> String {
        match self {
            Self::Data(d) => d.to_xml(),
            Self::Endpoint(e) => {
                let mut s = String::new();
                write_endpoint(&mut s, e);
                s
            }
            Self::PrivateEndpoint(p) => {
                let mut s = String::new();
                write_private(&mut s, p);
                s
            }
        }
    }
}

fn read_user_data<'a>(
    r: &mut XmlReader<'a>,
    _root: &Tag<'a>,
) -> Result<UserData<'a>, PayloadError> {
    let mut d = UserData::default();
    children(r, |r, c| {
        let slot = match c.name {
            "PSM" => &mut d.psm,
            "MachineGuid" => &mut d.machine_guid,
            "DDP" => &mut d.ddp,
            "SignatureSound" => &mut d.signature_sound,
            "Scene" => &mut d.scene,
            "ColorScheme" => &mut d.color_scheme,
            "CurrentMedia" => {
                let t = text_only(r, &c)?;
                d.current_media = Some(if t.is_empty() {
                    MediaField::Empty
                } else {
                    match CurrentMedia::parse(&t) {
                        Ok(m) => MediaField::Media(m),
                        Err(_) => MediaField::Invalid(t.into_owned()),
                    }
                });
                return Ok(());
            }
            "EndpointData" => {
                d.endpoints.push(read_endpoint(r, &c)?);
                return Ok(());
            }
            "PrivateEndpointData" => {
                d.private_endpoints.push(read_private(r, &c)?);
                return Ok(());
            }
            _ => {
                d.unknown.push(r.owned_element(c)?);
                return Ok(());
            }
        };
        let is_msnobj_field = matches!(c.name, "DDP" | "SignatureSound" | "Scene");
        *slot = Some(match r.content()? {
            Content::Text(t) => t,
            // Lenient: an unescaped `<msnobj/>` child is kept as its XML text.
            Content::Elements { end, .. } if is_msnobj_field => {
                Cow::Borrowed(r.source().get(c.end..end.start).unwrap_or(""))
            }
            Content::Elements { first, .. } => {
                return Err(PayloadError::UnexpectedElement {
                    parent: c.name.to_owned(),
                    found: first.to_owned(),
                });
            }
        });
        Ok(())
    })?;
    Ok(d)
}

fn read_endpoint<'a>(r: &mut XmlReader<'a>, e: &Tag<'a>) -> Result<EndpointData, PayloadError> {
    let mut out = EndpointData {
        id: e.attr("id").map(Cow::into_owned),
        ..EndpointData::default()
    };
    children(r, |r, c| {
        match c.name {
            "Capabilities" => out.capabilities = Some(Capabilities::parse(&text_only(r, &c)?)?),
            _ => out.unknown.push(r.owned_element(c)?),
        }
        Ok(())
    })?;
    Ok(out)
}

fn read_private<'a>(
    r: &mut XmlReader<'a>,
    e: &Tag<'a>,
) -> Result<PrivateEndpointData, PayloadError> {
    let mut out = PrivateEndpointData {
        id: e.attr("id").map(Cow::into_owned),
        ..PrivateEndpointData::default()
    };
    children(r, |r, c| {
        match c.name {
            "EpName" => out.ep_name = Some(text_only(r, &c)?.into_owned()),
            "Idle" => {
                let t = text_only(r, &c)?;
                out.idle = Some(match t.trim() {
                    "true" | "True" | "1" => true,
                    "false" | "False" | "0" => false,
                    _ => return Err(PayloadError::invalid("Idle", &t, "expected true or false")),
                });
            }
            "ClientType" => {
                let t = text_only(r, &c)?;
                out.client_type = Some(t.trim().parse().map_err(|_| {
                    PayloadError::invalid("ClientType", &t, "not a decimal number")
                })?);
            }
            "State" => out.state = Some(text_only(r, &c)?.into_owned()),
            _ => out.unknown.push(r.owned_element(c)?),
        }
        Ok(())
    })?;
    Ok(out)
}

fn write_endpoint(out: &mut String, e: &EndpointData) {
    out.push_str("<EndpointData");
    if let Some(id) = &e.id {
        push_attr(out, "id", id);
    }
    out.push('>');
    if let Some(c) = &e.capabilities {
        push_text_element(out, "Capabilities", &c.to_string());
    }
    for u in &e.unknown {
        out.push_str(&u.raw);
    }
    out.push_str("</EndpointData>");
}

fn write_private(out: &mut String, p: &PrivateEndpointData) {
    out.push_str("<PrivateEndpointData");
    if let Some(id) = &p.id {
        push_attr(out, "id", id);
    }
    out.push('>');
    if let Some(v) = &p.ep_name {
        push_text_element(out, "EpName", v);
    }
    if let Some(v) = p.idle {
        push_text_element(out, "Idle", if v { "true" } else { "false" });
    }
    if let Some(v) = p.client_type {
        push_text_element(out, "ClientType", &v.to_string());
    }
    if let Some(v) = &p.state {
        push_text_element(out, "State", v);
    }
    for u in &p.unknown {
        out.push_str(&u.raw);
    }
    out.push_str("</PrivateEndpointData>");
}
