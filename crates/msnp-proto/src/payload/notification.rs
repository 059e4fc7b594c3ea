//! `<NOTIFICATION>` documents carried by `NOT` (MSNP5+) and `IPG` (pager messages).
//!
//! ```
//! use msnp_proto::payload::notification::NotificationDocument;
//! use msnp_proto::payload::xml::XmlLimits;
//! let body = br#"<NOTIFICATION ver="1" id="1" siteid="111100200" siteurl="http://alerts.example.com"><TO pid="0x00014850:0x8f5b2800" name="alice@hotmail.com"/><MSG pri="" id="1"><ACTION url="/act?id=1"/><SUBSCR url="/sub?id=1"/><CAT id="111100201"/><BODY lang="1033" icon=""><TEXT>Your package has shipped.</TEXT></BODY></MSG></NOTIFICATION>"#;
//! let n = NotificationDocument::parse(body, &XmlLimits::default()).unwrap();
//! assert_eq!(n.messages[0].body.as_ref().unwrap().text.as_deref(), Some("Your package has shipped."));
//! assert_eq!(n.to.as_ref().unwrap().name.as_deref(), Some("alice@hotmail.com"));
//! ```

use std::borrow::Cow;

use super::error::PayloadError;
use super::xml::{
    Tag, XmlElement, XmlEvent, XmlLimits, XmlOptions, XmlReader, append, children, push_attr,
    push_text_element, read_root,
};

/// Parse options for notifications.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotificationOptions {
    /// Accept bare `&` in text and URLs (Hotmail feeds); default `true`.
    pub lenient_ampersand: bool,
    /// Decode the escaped `<NotificationData>` of ABCH / circle notices; default `true`.
    pub decode_notification_data: bool,
}

impl Default for NotificationOptions {
    fn default() -> Self {
        Self {
            lenient_ampersand: true,
            decode_notification_data: true,
        }
    }
}

/// `<TO pid=… name=…><VIA agent=…/></TO>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct NotificationTo<'a> {
    /// `pid`: `0x…:0x…` member id halves, kept opaque (servers disagree on the order).
    pub pid: Option<Cow<'a, str>>,
    /// `name`: recipient account.
    pub name: Option<Cow<'a, str>>,
    /// `VIA@agent`: `messenger`, `email` or `mobile`.
    pub via: Option<Cow<'a, str>>,
}

impl NotificationTo<'_> {
    /// The two hexadecimal halves of `pid` (`0xAAAA:0xBBBB`) in the order written; which
    /// half is the high one differs between servers.
    pub fn pid_parts(&self) -> Option<(u32, u32)> {
        let (a, b) = self.pid.as_deref()?.split_once(':')?;
        let hex = |s: &str| {
            let s = s.trim();
            let s = s
                .strip_prefix("0x")
                .or_else(|| s.strip_prefix("0X"))
                .unwrap_or(s);
            u32::from_str_radix(s, 16).ok()
        };
        Some((hex(a)?, hex(b)?))
    }
}

/// The ABCH / circle change notice carried (escaped) in `BODY` (MSNP13+).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct NotificationData {
    /// `Service` (e.g. `ABCHInternal`).
    pub service: Option<String>,
    /// `CID`.
    pub cid: Option<String>,
    /// `LastModifiedDate` as sent.
    pub last_modified_date: Option<String>,
    /// `HasNewItem`.
    pub has_new_item: Option<bool>,
    /// `CircleId` (MSNP18 circle notices).
    pub circle_id: Option<String>,
    /// `Role` (MSNP18 circle notices).
    pub role: Option<String>,
    /// All child elements as `(name, text)` in order.
    pub fields: Vec<(String, String)>,
}

/// `<BODY lang=… icon=…>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct NotificationBody<'a> {
    /// `lang` (LCID).
    pub lang: Option<Cow<'a, str>>,
    /// `icon` URL.
    pub icon: Option<Cow<'a, str>>,
    /// `<TEXT>`: toast text.
    pub text: Option<Cow<'a, str>>,
    /// `<TEXTX>` (MSNP9+): rich (HTML) text, unescaped.
    pub textx: Option<Cow<'a, str>>,
    /// Direct text of `BODY` (MSNP13+ carries escaped XML here), unescaped.
    pub raw_text: Cow<'a, str>,
    /// `raw_text` decoded as `<NotificationData>`, when it is one.
    pub notification_data: Option<NotificationData>,
    /// Other children, preserved.
    pub other: Vec<XmlElement>,
}

/// `<MSG pri=… id=…>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct NotificationMessage<'a> {
    /// `id`.
    pub id: Option<Cow<'a, str>>,
    /// `pri` (priority, often empty).
    pub pri: Option<Cow<'a, str>>,
    /// `ACTION@url` (relative to `siteurl`).
    pub action_url: Option<Cow<'a, str>>,
    /// `SUBSCR@url`.
    pub subscr_url: Option<Cow<'a, str>>,
    /// `CAT@id`.
    pub category_id: Option<Cow<'a, str>>,
    /// `BODY`.
    pub body: Option<NotificationBody<'a>>,
    /// Other children, preserved.
    pub other: Vec<XmlElement>,
}

/// A `<NOTIFICATION>` document. Its texts borrow from the payload when they needed no
/// unescaping; [`into_owned`](Self::into_owned) detaches them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct NotificationDocument<'a> {
    /// `ver`.
    pub ver: Option<u32>,
    /// `id`.
    pub id: Option<u32>,
    /// `siteid` (.NET Alerts site; `45705` = ABCH).
    pub site_id: Option<u32>,
    /// `siteurl`: base for relative URLs.
    pub site_url: Option<Cow<'a, str>>,
    /// `TO`.
    pub to: Option<NotificationTo<'a>>,
    /// `MSG` elements.
    pub messages: Vec<NotificationMessage<'a>>,
    /// Other children, preserved.
    pub other: Vec<XmlElement>,
}

fn num_attr(e: &Tag<'_>, a: &str, v: Option<Cow<'_, str>>) -> Result<Option<u32>, PayloadError> {
    match v {
        None => Ok(None),
        Some(v) if v.trim().is_empty() => Ok(None),
        Some(v) => v.trim().parse().map(Some).map_err(|_| {
            PayloadError::invalid(
                format!("<{}> attribute {a}", e.name),
                &v,
                "not a decimal number",
            )
        }),
    }
}

crate::own::owned_copy!(NotificationData);
crate::own::owned!(NotificationTo { pid, name, via });
crate::own::owned!(NotificationBody {
    lang,
    icon,
    text,
    textx,
    raw_text,
    notification_data,
    other,
});
crate::own::owned!(NotificationMessage {
    id,
    pri,
    action_url,
    subscr_url,
    category_id,
    body,
    other,
});
crate::own::owned!(NotificationDocument {
    ver,
    id,
    site_id,
    site_url,
    to,
    messages,
    other,
});

impl<'a> NotificationDocument<'a> {
    /// Parses with default [`NotificationOptions`].
    pub fn parse(body: &'a [u8], limits: &XmlLimits) -> Result<Self, PayloadError> {
        Self::parse_with(body, limits, NotificationOptions::default())
    }

    /// Parses a `NOT`/`IPG` body.
    pub fn parse_with(
        body: &'a [u8],
        limits: &XmlLimits,
        opts: NotificationOptions,
    ) -> Result<Self, PayloadError> {
        let options = XmlOptions {
            lenient_ampersand: opts.lenient_ampersand,
        };
        read_root(body, limits, options, |r, root| {
            if root.name != "NOTIFICATION" {
                return Err(PayloadError::UnexpectedRoot {
                    expected: "NOTIFICATION",
                    found: root.name.to_owned(),
                });
            }
            let [ver, id, site_id, site_url] = root.attrs_named(["ver", "id", "siteid", "siteurl"]);
            let mut n = Self {
                ver: num_attr(&root, "ver", ver)?,
                id: num_attr(&root, "id", id)?,
                site_id: num_attr(&root, "siteid", site_id)?,
                site_url,
                ..Self::default()
            };
            children(r, |r, c| {
                match c.name {
                    "TO" => {
                        let mut via = None;
                        // The first `VIA` counts, as `Element::child` finds it.
                        let mut seen = false;
                        children(r, |r, v| {
                            if v.name == "VIA" && !seen {
                                seen = true;
                                [via] = v.attrs_named(["agent"]);
                            }
                            r.skip()?;
                            Ok(())
                        })?;
                        let [pid, name] = c.attrs_named(["pid", "name"]);
                        n.to = Some(NotificationTo { pid, name, via });
                    }
                    "MSG" => n.messages.push(read_msg(r, &c, limits, opts)?),
                    _ => n.other.push(r.owned_element(c)?),
                }
                Ok(())
            })?;
            Ok(n)
        })
    }

    /// Serialises the document.
    pub fn to_xml(&self) -> String {
        let mut s = String::from("<NOTIFICATION");
        let opt_num = |s: &mut String, k: &str, v: Option<u32>| {
            if let Some(v) = v {
                push_attr(s, k, &v.to_string());
            }
        };
        opt_num(&mut s, "ver", self.ver);
        opt_num(&mut s, "id", self.id);
        opt_num(&mut s, "siteid", self.site_id);
        if let Some(u) = &self.site_url {
            push_attr(&mut s, "siteurl", u);
        }
        s.push('>');
        if let Some(to) = &self.to {
            s.push_str("<TO");
            if let Some(p) = &to.pid {
                push_attr(&mut s, "pid", p);
            }
            if let Some(p) = &to.name {
                push_attr(&mut s, "name", p);
            }
            match &to.via {
                Some(v) => {
                    s.push_str("><VIA");
                    push_attr(&mut s, "agent", v);
                    s.push_str("/></TO>");
                }
                None => s.push_str("/>"),
            }
        }
        for m in &self.messages {
            s.push_str("<MSG");
            if let Some(v) = &m.pri {
                push_attr(&mut s, "pri", v);
            }
            if let Some(v) = &m.id {
                push_attr(&mut s, "id", v);
            }
            s.push('>');
            let url_el = |s: &mut String, name: &str, attr: &str, v: &Option<Cow<'_, str>>| {
                if let Some(v) = v {
                    s.push('<');
                    s.push_str(name);
                    push_attr(s, attr, v);
                    s.push_str("/>");
                }
            };
            url_el(&mut s, "ACTION", "url", &m.action_url);
            url_el(&mut s, "SUBSCR", "url", &m.subscr_url);
            url_el(&mut s, "CAT", "id", &m.category_id);
            if let Some(b) = &m.body {
                s.push_str("<BODY");
                if let Some(v) = &b.lang {
                    push_attr(&mut s, "lang", v);
                }
                if let Some(v) = &b.icon {
                    push_attr(&mut s, "icon", v);
                }
                s.push('>');
                s.push_str(&super::xml::escape_text(&b.raw_text));
                if let Some(t) = &b.text {
                    push_text_element(&mut s, "TEXT", t);
                }
                if let Some(t) = &b.textx {
                    push_text_element(&mut s, "TEXTX", t);
                }
                for o in &b.other {
                    s.push_str(&o.raw);
                }
                s.push_str("</BODY>");
            }
            for o in &m.other {
                s.push_str(&o.raw);
            }
            s.push_str("</MSG>");
        }
        for o in &self.other {
            s.push_str(&o.raw);
        }
        s.push_str("</NOTIFICATION>");
        s
    }
}

fn read_msg<'a>(
    r: &mut XmlReader<'a>,
    m: &Tag<'a>,
    limits: &XmlLimits,
    opts: NotificationOptions,
) -> Result<NotificationMessage<'a>, PayloadError> {
    let [id, pri] = m.attrs_named(["id", "pri"]);
    let mut out = NotificationMessage {
        id,
        pri,
        ..NotificationMessage::default()
    };
    children(r, |r, c| {
        match c.name {
            "ACTION" => [out.action_url] = c.attrs_named(["url"]),
            "SUBSCR" => [out.subscr_url] = c.attrs_named(["url"]),
            "CAT" => [out.category_id] = c.attrs_named(["id"]),
            "BODY" => {
                out.body = Some(read_body(r, &c, limits, opts)?);
                return Ok(());
            }
            _ => {
                out.other.push(r.owned_element(c)?);
                return Ok(());
            }
        }
        r.skip()?;
        Ok(())
    })?;
    Ok(out)
}

fn read_body<'a>(
    r: &mut XmlReader<'a>,
    c: &Tag<'a>,
    limits: &XmlLimits,
    opts: NotificationOptions,
) -> Result<NotificationBody<'a>, PayloadError> {
    let [lang, icon] = c.attrs_named(["lang", "icon"]);
    let mut b = NotificationBody {
        lang,
        icon,
        ..NotificationBody::default()
    };
    let mut raw = Cow::Borrowed("");
    loop {
        match r.next()? {
            Some(XmlEvent::Text(t)) => append(&mut raw, t),
            Some(XmlEvent::Start(bc)) => match bc.name {
                "TEXT" => b.text = Some(r.text()?),
                "TEXTX" => b.textx = Some(r.text()?),
                _ => b.other.push(r.owned_element(bc)?),
            },
            Some(XmlEvent::End(_)) | None => break,
        }
    }
    if opts.decode_notification_data {
        b.notification_data = parse_notification_data(&raw, limits);
    }
    b.raw_text = raw;
    Ok(b)
}

/// Decodes the `<NotificationData>` document found (unescaped) in a `BODY`; `None` when the
/// text is not such a document.
pub fn parse_notification_data(text: &str, limits: &XmlLimits) -> Option<NotificationData> {
    let t = text.trim();
    if !t.starts_with('<') {
        return None;
    }
    read_root(t.as_bytes(), limits, XmlOptions::default(), |r, root| {
        if root.name != "NotificationData" {
            return Err(PayloadError::UnexpectedRoot {
                expected: "NotificationData",
                found: String::new(),
            });
        }
        let mut d = NotificationData::default();
        children(r, |r, c| {
            let v = r.text()?.into_owned();
            match c.name {
                "Service" => d.service = Some(v.clone()),
                "CID" => d.cid = Some(v.clone()),
                "LastModifiedDate" => d.last_modified_date = Some(v.clone()),
                "HasNewItem" => d.has_new_item = v.trim().parse().ok(),
                "CircleId" => d.circle_id = Some(v.clone()),
                "Role" => d.role = Some(v.clone()),
                _ => {}
            }
            d.fields.push((c.name.to_owned(), v));
            Ok(())
        })?;
        Ok(d)
    })
    .ok()
}
