//! `<ml>` documents carried by `ADL`, `RML` and `FQY` (MSNP13+).
//!
//! ```
//! use msnp_proto::payload::ml::{Ml, ListBits, NetworkId, MlBuildOptions};
//! use msnp_proto::payload::xml::XmlLimits;
//!
//! let ml = Ml::from_accounts(true, [
//!     ("anotheruser@hotmail.com", ListBits::FORWARD | ListBits::ALLOW, NetworkId::PASSPORT),
//! ]).unwrap();
//! let xml = ml.to_xml(&MlBuildOptions::client()).unwrap();
//! assert_eq!(xml, r#"<ml l="1"><d n="hotmail.com"><c n="anotheruser" l="3" t="1" /></d></ml>"#);
//! assert_eq!(Ml::parse(xml.as_bytes(), &XmlLimits::default()).unwrap(), ml);
//! ```

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

pub use crate::list::ListBits;
pub use crate::network::NetworkId;
use crate::num::{LeadingZeros, parse_u32};

use super::error::PayloadError;
use super::xml::{Element, XmlLimits, expect_root, parse_bytes, push_attr};

/// One e-mail contact of a domain (`<c n=… l=… t=… f=…/>`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MlContact {
    /// Local part of the account (before `@`); for circles, the circle GUID.
    pub local: String,
    /// List bits (`l`); absent in `FQY`.
    #[cfg_attr(feature = "serde", serde(with = "bits_as_number"))]
    pub lists: Option<ListBits>,
    /// Network id (`t`); absent in client `FQY`.
    pub network: Option<NetworkId>,
    /// Friendly name (`f`, server-originated only), URL-decoded.
    pub friendly: Option<String>,
}

/// All contacts of one domain (`<d n="…">`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MlDomain {
    /// The domain part of the accounts.
    pub name: String,
    /// The contacts.
    pub contacts: Vec<MlContact>,
}

/// A phone contact inside `<t>` (`<c n="tel:+1555…" l="3"/>`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MlPhone {
    /// The number as written, normally `tel:+…`.
    pub number: String,
    /// List bits.
    #[cfg_attr(feature = "serde", serde(with = "bits_as_number"))]
    pub lists: Option<ListBits>,
}

/// An `<ml>` document.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Ml {
    /// `l="1"` on `<ml>`: the initial list sent after login.
    pub initial: bool,
    /// Domains in document order.
    pub domains: Vec<MlDomain>,
    /// Phone contacts (`<t>`).
    pub phones: Vec<MlPhone>,
}

/// Who sends the document being built; decides which list bits are allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum MlDirection {
    /// Client → server: only FL/AL/BL bits, no `f`.
    ClientToServer,
    /// Server → client: any bits, `f` allowed.
    ServerToClient,
}

/// Options for [`Ml::to_xml`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MlBuildOptions {
    /// Direction (rule enforcement and attribute order).
    pub direction: MlDirection,
    /// Write `" />"` (as the official client) instead of `"/>"` for empty elements.
    pub space_before_slash: bool,
}

impl MlBuildOptions {
    /// Client defaults: client rules, `" />"`.
    pub const fn client() -> Self {
        Self {
            direction: MlDirection::ClientToServer,
            space_before_slash: true,
        }
    }
    /// Server defaults: server rules, `" />"`, attribute order `n t l f`.
    pub const fn server() -> Self {
        Self {
            direction: MlDirection::ServerToClient,
            space_before_slash: true,
        }
    }
}

impl Default for MlBuildOptions {
    fn default() -> Self {
        Self::client()
    }
}

/// Limits for [`Ml::split`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MlSplitLimits {
    /// Maximum payload size in bytes. Default 7500.
    pub max_bytes: usize,
    /// Maximum number of contacts (email + phone) per payload. Default 150.
    pub max_contacts: usize,
}

impl Default for MlSplitLimits {
    fn default() -> Self {
        Self {
            max_bytes: 7500,
            max_contacts: 150,
        }
    }
}

/// Characters kept literally in `f` (everything else is percent-encoded).
const FRIENDLY_SET: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// An `<ml>` document keeps `l` as the number it is on the wire (`"l": 3`), not as list names.
#[cfg(feature = "serde")]
mod bits_as_number {
    use super::ListBits;

    pub(super) fn serialize<S: serde::Serializer>(
        bits: &Option<ListBits>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        serde::Serialize::serialize(&bits.map(|b| b.0), s)
    }

    pub(super) fn deserialize<'de, D: serde::Deserializer<'de>>(
        d: D,
    ) -> Result<Option<ListBits>, D::Error> {
        Ok(<Option<u32> as serde::Deserialize>::deserialize(d)?.map(ListBits))
    }
}

/// A numeric attribute: digits, leading zeros accepted (the text is not kept), at most `max`.
fn parse_u(el: &Element<'_>, attr: &str, max: u32) -> Result<Option<u32>, PayloadError> {
    match el.attr(attr) {
        None => Ok(None),
        Some(v) => match parse_u32(v.as_bytes(), LeadingZeros::Allow) {
            Some(n) if n <= max => Ok(Some(n)),
            _ => Err(PayloadError::invalid(
                format!("<{}> attribute {attr}", el.name),
                v,
                "not a decimal number in range",
            )),
        },
    }
}

/// List bits in `<ml>`: one byte (the five lists of MSNP13–18 and room to spare).
fn list_bits(el: &Element<'_>) -> Result<Option<ListBits>, PayloadError> {
    Ok(parse_u(el, "l", u8::MAX.into())?.map(ListBits))
}

fn required<'e>(el: &'e Element<'_>, attr: &'static str) -> Result<&'e str, PayloadError> {
    el.attr(attr).ok_or_else(|| PayloadError::MissingAttribute {
        element: el.name.to_string(),
        attribute: attr,
    })
}

impl Ml {
    /// Parses an `<ml>` document.
    ///
    /// Structure is checked (root `ml`, `d`/`t` children, `c` leaves, numeric `l`/`t`);
    /// the grouping rules are not (use [`Ml::validate`]) so that any server's output is read.
    pub fn parse(body: &[u8], limits: &XmlLimits) -> Result<Self, PayloadError> {
        let doc = parse_bytes(body, limits)?;
        let root = &doc.root;
        expect_root(root, "ml")?;
        let initial = match root.attr("l") {
            None => false,
            Some("1") => true,
            Some("0") => false,
            Some(v) => {
                return Err(PayloadError::invalid(
                    "<ml> attribute l",
                    v,
                    "expected 0 or 1",
                ));
            }
        };
        let mut ml = Self {
            initial,
            ..Self::default()
        };
        for child in root.elements() {
            match child.name.as_ref() {
                "d" => {
                    let name = required(child, "n")?.to_owned();
                    let mut contacts = Vec::new();
                    for c in child.elements() {
                        if c.name != "c" {
                            return Err(PayloadError::UnexpectedElement {
                                parent: "d".into(),
                                found: c.name.to_string(),
                            });
                        }
                        let friendly = match c.attr("f") {
                            None => None,
                            Some(f) => Some(
                                percent_decode_str(f)
                                    .decode_utf8()
                                    .map_err(|_| {
                                        PayloadError::invalid(
                                            "<c> attribute f",
                                            f,
                                            "percent-decodes to invalid UTF-8",
                                        )
                                    })?
                                    .into_owned(),
                            ),
                        };
                        contacts.push(MlContact {
                            local: required(c, "n")?.to_owned(),
                            lists: list_bits(c)?,
                            network: parse_u(c, "t", u32::MAX)?.map(NetworkId),
                            friendly,
                        });
                    }
                    ml.domains.push(MlDomain { name, contacts });
                }
                "t" => {
                    for c in child.elements() {
                        if c.name != "c" {
                            return Err(PayloadError::UnexpectedElement {
                                parent: "t".into(),
                                found: c.name.to_string(),
                            });
                        }
                        ml.phones.push(MlPhone {
                            number: required(c, "n")?.to_owned(),
                            lists: list_bits(c)?,
                        });
                    }
                }
                other => {
                    return Err(PayloadError::UnexpectedElement {
                        parent: "ml".into(),
                        found: other.to_owned(),
                    });
                }
            }
        }
        Ok(ml)
    }

    /// Builds a document from full accounts (`user@domain`), grouping them by domain in
    /// first-seen order. Accounts starting with `tel:` go to `<t>`.
    pub fn from_accounts<'s>(
        initial: bool,
        accounts: impl IntoIterator<Item = (&'s str, ListBits, NetworkId)>,
    ) -> Result<Self, PayloadError> {
        let mut ml = Self {
            initial,
            ..Self::default()
        };
        for (account, lists, network) in accounts {
            ml.push_account(account, Some(lists), Some(network))?;
        }
        Ok(ml)
    }

    /// Adds one account, keeping contacts grouped by domain.
    pub fn push_account(
        &mut self,
        account: &str,
        lists: Option<ListBits>,
        network: Option<NetworkId>,
    ) -> Result<(), PayloadError> {
        if account.starts_with("tel:") {
            self.phones.push(MlPhone {
                number: account.to_owned(),
                lists,
            });
            return Ok(());
        }
        let Some((local, domain)) = account.rsplit_once('@') else {
            return Err(PayloadError::invalid(
                "account",
                account,
                "no `@` domain part",
            ));
        };
        if local.is_empty() || domain.is_empty() {
            return Err(PayloadError::invalid(
                "account",
                account,
                "empty local part or domain",
            ));
        }
        let contact = MlContact {
            local: local.to_owned(),
            lists,
            network,
            friendly: None,
        };
        match self.domains.iter_mut().find(|d| d.name == domain) {
            Some(d) => d.contacts.push(contact),
            None => self.domains.push(MlDomain {
                name: domain.to_owned(),
                contacts: vec![contact],
            }),
        }
        Ok(())
    }

    /// Iterates over all e-mail contacts as `(account, contact)`.
    pub fn accounts(&self) -> impl Iterator<Item = (String, &MlContact)> {
        self.domains.iter().flat_map(|d| {
            d.contacts
                .iter()
                .map(move |c| (format!("{}@{}", c.local, d.name), c))
        })
    }

    /// Number of contacts (e-mail and phone).
    pub fn contact_count(&self) -> usize {
        self.domains.iter().map(|d| d.contacts.len()).sum::<usize>() + self.phones.len()
    }

    /// Checks the protocol rules for a document sent in `direction`: at least one contact,
    /// no empty or duplicate `<d>`, non-empty names, no `@` or markup-hostile characters in
    /// names, and for the client direction no RL/PL bits and no `f`.
    pub fn validate(&self, direction: MlDirection) -> Result<(), PayloadError> {
        if self.contact_count() == 0 {
            return Err(PayloadError::Build("empty <ml> (server error 240)".into()));
        }
        for (i, d) in self.domains.iter().enumerate() {
            if d.name.is_empty() || d.name.contains('@') {
                return Err(PayloadError::invalid(
                    "domain",
                    &d.name,
                    "empty or contains `@`",
                ));
            }
            if d.contacts.is_empty() {
                return Err(PayloadError::Build(format!(
                    "empty <d n=\"{}\"> (server error 240)",
                    d.name
                )));
            }
            if self.domains.iter().take(i).any(|o| o.name == d.name) {
                return Err(PayloadError::Build(format!(
                    "domain `{}` appears twice; all its contacts must be in one <d>",
                    d.name
                )));
            }
            for c in &d.contacts {
                if c.local.is_empty() || c.local.contains('@') {
                    return Err(PayloadError::invalid(
                        "local part",
                        &c.local,
                        "empty or contains `@`",
                    ));
                }
                check_client_bits(direction, c.lists)?;
                if direction == MlDirection::ClientToServer && c.friendly.is_some() {
                    return Err(PayloadError::Build(
                        "a client may not send the `f` attribute".into(),
                    ));
                }
            }
        }
        for p in &self.phones {
            if p.number.is_empty() {
                return Err(PayloadError::invalid("phone number", &p.number, "empty"));
            }
            check_client_bits(direction, p.lists)?;
        }
        Ok(())
    }

    /// Serialises the document after [`validate`](Self::validate), with no whitespace
    /// between elements.
    pub fn to_xml(&self, opts: &MlBuildOptions) -> Result<String, PayloadError> {
        self.validate(opts.direction)?;
        Ok(self.write_unchecked(opts))
    }

    /// Byte length of the serialised document (the `ADL` length argument).
    pub fn byte_len(&self, opts: &MlBuildOptions) -> Result<usize, PayloadError> {
        self.to_xml(opts).map(|s| s.len())
    }

    fn write_unchecked(&self, opts: &MlBuildOptions) -> String {
        let mut out = String::new();
        out.push_str(ml_open(self.initial));
        for d in &self.domains {
            out.push_str(&domain_open(&d.name));
            for c in &d.contacts {
                write_contact(&mut out, c, opts);
            }
            out.push_str("</d>");
        }
        if !self.phones.is_empty() {
            out.push_str("<t>");
            for p in &self.phones {
                write_phone(&mut out, p, opts);
            }
            out.push_str("</t>");
        }
        out.push_str("</ml>");
        out
    }

    /// Splits the document into several serialised payloads, each at most
    /// `limits.max_bytes` bytes and `limits.max_contacts` contacts, keeping contact
    /// order, the `initial` flag on every part and one `<d>` per domain per part.
    ///
    /// Fails when the document breaks the rules of `opts.direction` or when a single
    /// contact cannot fit in `max_bytes`.
    pub fn split(
        &self,
        opts: &MlBuildOptions,
        limits: MlSplitLimits,
    ) -> Result<Vec<String>, PayloadError> {
        self.validate(opts.direction)?;
        if limits.max_contacts == 0 {
            return Err(PayloadError::Build(
                "max_contacts must be at least 1".into(),
            ));
        }
        let base = ml_open(self.initial).len() + "</ml>".len();
        let mut parts = Vec::new();
        let mut cur = Self {
            initial: self.initial,
            ..Self::default()
        };
        let mut cur_len = base;
        let mut cur_count = 0usize;
        let too_big = |what: &str| {
            PayloadError::Build(format!(
                "contact {what} does not fit in {} bytes",
                limits.max_bytes
            ))
        };
        for d in &self.domains {
            let d_overhead = domain_open(&d.name).len() + "</d>".len();
            for c in &d.contacts {
                let mut s = String::new();
                write_contact(&mut s, c, opts);
                let in_cur = cur.domains.last().is_some_and(|last| last.name == d.name);
                let need = s.len() + if in_cur { 0 } else { d_overhead };
                if cur_count > 0
                    && (cur_len + need > limits.max_bytes || cur_count >= limits.max_contacts)
                {
                    parts.push(cur.write_unchecked(opts));
                    cur = Self {
                        initial: self.initial,
                        ..Self::default()
                    };
                    cur_len = base;
                    cur_count = 0;
                }
                let in_cur = cur.domains.last().is_some_and(|last| last.name == d.name);
                let need = s.len() + if in_cur { 0 } else { d_overhead };
                if base + need > limits.max_bytes {
                    return Err(too_big(&format!("{}@{}", c.local, d.name)));
                }
                if in_cur {
                    if let Some(last) = cur.domains.last_mut() {
                        last.contacts.push(c.clone());
                    }
                } else {
                    cur.domains.push(MlDomain {
                        name: d.name.clone(),
                        contacts: vec![c.clone()],
                    });
                }
                cur_len += need;
                cur_count += 1;
            }
        }
        let t_overhead = "<t></t>".len();
        for p in &self.phones {
            let mut s = String::new();
            write_phone(&mut s, p, opts);
            let need = s.len() + if cur.phones.is_empty() { t_overhead } else { 0 };
            if cur_count > 0
                && (cur_len + need > limits.max_bytes || cur_count >= limits.max_contacts)
            {
                parts.push(cur.write_unchecked(opts));
                cur = Self {
                    initial: self.initial,
                    ..Self::default()
                };
                cur_len = base;
                cur_count = 0;
            }
            let need = s.len() + if cur.phones.is_empty() { t_overhead } else { 0 };
            if base + need > limits.max_bytes {
                return Err(too_big(&p.number));
            }
            cur.phones.push(p.clone());
            cur_len += need;
            cur_count += 1;
        }
        if cur_count > 0 {
            parts.push(cur.write_unchecked(opts));
        }
        Ok(parts)
    }
}

fn check_client_bits(direction: MlDirection, lists: Option<ListBits>) -> Result<(), PayloadError> {
    if direction == MlDirection::ClientToServer
        && let Some(l) = lists
        && !l.is_client_sendable()
    {
        return Err(PayloadError::Build(format!(
            "list bits {l} include RL/PL or unknown bits, which a client may not send (server error 241)"
        )));
    }
    Ok(())
}

fn ml_open(initial: bool) -> &'static str {
    if initial { "<ml l=\"1\">" } else { "<ml>" }
}

fn domain_open(name: &str) -> String {
    let mut s = String::from("<d");
    push_attr(&mut s, "n", name);
    s.push('>');
    s
}

fn close(out: &mut String, opts: &MlBuildOptions) {
    out.push_str(if opts.space_before_slash { " />" } else { "/>" });
}

fn write_contact(out: &mut String, c: &MlContact, opts: &MlBuildOptions) {
    out.push_str("<c");
    push_attr(out, "n", &c.local);
    let l = c.lists.map(|l| l.0.to_string());
    let t = c.network.map(|t| t.0.to_string());
    match opts.direction {
        MlDirection::ServerToClient => {
            if let Some(t) = &t {
                push_attr(out, "t", t);
            }
            if let Some(l) = &l {
                push_attr(out, "l", l);
            }
        }
        MlDirection::ClientToServer => {
            if let Some(l) = &l {
                push_attr(out, "l", l);
            }
            if let Some(t) = &t {
                push_attr(out, "t", t);
            }
        }
    }
    if let Some(f) = &c.friendly {
        let enc = utf8_percent_encode(f, FRIENDLY_SET).to_string();
        push_attr(out, "f", &enc);
    }
    close(out, opts);
}

fn write_phone(out: &mut String, p: &MlPhone, opts: &MlBuildOptions) {
    out.push_str("<c");
    push_attr(out, "n", &p.number);
    if let Some(l) = p.lists {
        push_attr(out, "l", &l.0.to_string());
    }
    close(out, opts);
}
