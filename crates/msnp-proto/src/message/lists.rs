//! Contact lists, groups, privacy and properties (MSNP2–12; `BLP`/`PRP` later too): `SYN`,
//! `GTC`, `BLP`, `LST`, `LSG`, `ADD`, `ADC`, `REM`, `REA`, `ADG`, `RMG`, `REG`, `PRP`, `BPR`, `SBP`.

use super::Ctx;
use super::args::{Args, Line, Sink};
use super::own::{owned, owned_copy};
use super::{MessageError, invalid};
use crate::error::EncodeError;
use crate::list::{List, ListBits};
use crate::network::{Handle, NetworkId};
use crate::text::{Token, UrlText, code_enum};
use crate::verb::{TrId, Verb};
use crate::version::{Direction, ProtocolVersion as V};

fn list(a: &Args<'_, '_>, i: usize) -> Result<List, MessageError> {
    a.code(i, List::parse_bytes, "a list name (FL, AL, BL, RL, PL)")
}

/// `SYN trid list-version {settings-version} {contacts groups}`, both directions.
///
/// The client sends the cached versions (two from MSNP10); the server answers with the new
/// versions and, in MSNP8–12 when the list follows, the number of contacts and groups.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Syn<'a> {
    /// Transaction ID.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub trid: TrId,
    /// List version (number, or ISO-8601 timestamp when ABCH-migrated).
    pub list_version: Token<'a>,
    /// Settings version (MSNP10+).
    pub settings_version: Option<Token<'a>>,
    /// Contacts that follow (server, MSNP8+ long form).
    pub contacts: Option<u32>,
    /// Groups that follow (server, MSNP8+ long form).
    pub groups: Option<u32>,
}
owned!(Syn {
    trid,
    list_version,
    settings_version,
    contacts,
    groups
});

impl<'a> Syn<'a> {
    pub(crate) fn decode(a: &Args<'_, 'a>, d: &Ctx) -> Result<Self, MessageError> {
        let v = d.version;
        let base = if v >= V::Msnp10 { 2 } else { 1 };
        let long = v >= V::Msnp8 && d.direction != Some(Direction::ClientToServer);
        a.arity(base, if long { base + 2 } else { base })?;
        if a.n == base + 1 {
            return Err(MessageError::ArgCount {
                verb: a.verb,
                min: base,
                max: base + 2,
                got: a.n,
            });
        }
        Ok(Self {
            trid: a.trid()?,
            list_version: a.tok(0)?,
            settings_version: if base == 2 { Some(a.tok(1)?) } else { None },
            contacts: a.opt_u32(base)?,
            groups: a.opt_u32(base + 1)?,
        })
    }

    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        let v = d.version;
        if (v >= V::Msnp10) != self.settings_version.is_some() {
            return Err(invalid("settings_version", "present exactly from MSNP10"));
        }
        if self.contacts.is_some() != self.groups.is_some() {
            return Err(invalid("SYN counts", "contacts and groups go together"));
        }
        if self.contacts.is_some()
            && (v < V::Msnp8 || d.direction == Some(Direction::ClientToServer))
        {
            return Err(invalid("SYN counts", "only in server replies from MSNP8"));
        }
        let mut l = Line::new(s, d, verb, Some(self.trid));
        l.tok(&self.list_version);
        l.opt_tok(&self.settings_version);
        l.opt_num(self.contacts);
        l.opt_num(self.groups);
        l.end()
    }
}

code_enum! {
    /// `GTC` setting: what to do when someone adds the user (constants.md §7).
    pub enum GtcMode {
        /// Prompt the user.
        Prompt = "A",
        /// Automatically allow.
        Auto = "N",
    }
}

code_enum! {
    /// `BLP` privacy mode (constants.md §7).
    pub enum BlpMode {
        /// Everyone not on BL may contact the user.
        AllowUnlisted = "AL",
        /// Only users on AL may contact the user.
        BlockUnlisted = "BL",
    }
}

/// `GTC {trid} {list-version} A|N` / `BLP {trid} {list-version} AL|BL`: a setting with the
/// optional list version (server, MSNP2–9) and no TrID inside `SYN` (MSNP8+).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Setting<M> {
    /// Transaction ID (absent inside `SYN`, MSNP8+).
    #[cfg_attr(feature = "serde", serde(skip))]
    pub trid: Option<TrId>,
    /// List version (server replies, MSNP2–9).
    pub list_version: Option<u32>,
    /// The value.
    pub mode: M,
}

impl<M: Copy> super::own::Own for Setting<M> {
    type Owned = Self;
    fn own(self) -> Self {
        self
    }
}

/// `GTC`.
pub type Gtc = Setting<GtcMode>;
/// `BLP`.
pub type Blp = Setting<BlpMode>;

impl<M: Copy> Setting<M> {
    pub(crate) fn decode(
        a: &Args<'_, '_>,
        d: &Ctx,
        parse: fn(&[u8]) -> Option<M>,
    ) -> Result<Self, MessageError> {
        let versioned = d.version <= V::Msnp9 && d.direction != Some(Direction::ClientToServer);
        a.arity(1, if versioned { 2 } else { 1 })?;
        let k = a.n - 1;
        Ok(Self {
            trid: a.opt_trid(),
            list_version: if k == 1 { Some(a.u32(0)?) } else { None },
            mode: a.code(k, parse, "a setting value")?,
        })
    }

    pub(crate) fn write_with<S: Sink>(
        &self,
        verb: Verb,
        d: &Ctx,
        s: &mut S,
        as_str: fn(&M) -> &str,
    ) -> Result<(), EncodeError> {
        if self.list_version.is_some()
            && (d.version > V::Msnp9 || d.direction == Some(Direction::ClientToServer))
        {
            return Err(invalid(
                "list_version",
                "only in server replies up to MSNP9",
            ));
        }
        let mut l = Line::new(s, d, verb, self.trid);
        l.opt_num(self.list_version);
        l.str_dyn(as_str(&self.mode));
        l.end()
    }
}

/// Client `LST trid list` (MSNP2–8): ask for one list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct LstRequest {
    /// Transaction ID.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub trid: TrId,
    /// The list.
    pub list: List,
}
owned_copy!(LstRequest);

impl LstRequest {
    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        let mut l = Line::new(s, d, verb, Some(self.trid));
        l.str_dyn(self.list.as_str());
        l.end()
    }
}

/// Comma-separated group IDs or GUIDs (`LST … 0,3`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupIds<'a>(pub Token<'a>);

impl GroupIds<'_> {
    /// The IDs.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.as_str().split(',')
    }
}

impl super::own::Own for GroupIds<'_> {
    type Owned = GroupIds<'static>;
    fn own(self) -> GroupIds<'static> {
        GroupIds(self.0.into_owned())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for GroupIds<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// Server `LST`: one contact-list entry.
///
/// | versions | shape |
/// | --- | --- |
/// | 2–6 | `LST trid list ver index total handle nick` / `LST trid list ver 0 0` |
/// | 7 | as 2–6 plus `{groups}` |
/// | 8–9 | `LST handle nick list-bits {groups}` (inside `SYN`) |
/// | 10–11 | `LST N=handle F=nick {C=contact-id} list-bits {groups}` |
/// | 12 | `LST N=handle F=nick {C=contact-id} list-bits nid {groups}` |
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListEntry<'a> {
    /// Transaction ID (MSNP2–7).
    pub trid: Option<TrId>,
    /// The list this line belongs to (MSNP2–7).
    pub list: Option<List>,
    /// List version (MSNP2–7).
    pub list_version: Option<u32>,
    /// 1-based position, with `total` (MSNP2–7; `0 0` = empty list).
    pub index: Option<u32>,
    /// Number of entries (MSNP2–7).
    pub total: Option<u32>,
    /// The contact (absent for an empty list).
    pub handle: Option<Handle<'a>>,
    /// Friendly name (absent for an empty list; `F=` optional in 10+).
    pub friendly_name: Option<UrlText<'a>>,
    /// Contact ID / GUID (`C=`, MSNP10+).
    pub contact_id: Option<Token<'a>>,
    /// The lists as bits (MSNP8+).
    pub list_bits: Option<ListBits>,
    /// Network ID (MSNP12).
    pub network_id: Option<NetworkId>,
    /// Groups (FL entries).
    pub groups: Option<GroupIds<'a>>,
}
owned!(ListEntry {
    trid,
    list,
    list_version,
    index,
    total,
    handle,
    friendly_name,
    contact_id,
    list_bits,
    network_id,
    groups
});

impl ListEntry<'_> {
    /// The lists this entry is on: the bits (8+) or the single list (2–7).
    pub fn lists(&self) -> ListBits {
        self.list_bits
            .or_else(|| self.list.and_then(|l| l.bit()))
            .unwrap_or_default()
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for ListEntry<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        crate::network::ser::entries(
            &mut m,
            crate::network::ser::HANDLE,
            self.handle.as_ref(),
            self.network_id,
        )?;
        m.serialize_entry("friendly_name", &self.friendly_name)?;
        m.serialize_entry("lists", &self.lists())?;
        m.serialize_entry("groups", &self.groups)?;
        m.serialize_entry("contact_id", &self.contact_id)?;
        m.serialize_entry("list_version", &self.list_version)?;
        m.serialize_entry("index", &self.index)?;
        m.serialize_entry("total", &self.total)?;
        m.end()
    }
}

pub(crate) enum Lst<'a> {
    Request(LstRequest),
    Entry(ListEntry<'a>),
}

pub(crate) fn decode_lst<'a>(a: &Args<'_, 'a>, d: &Ctx) -> Result<Lst<'a>, MessageError> {
    let v = d.version;
    let request = match d.direction {
        Some(dir) => dir == Direction::ClientToServer,
        None => a.opt_trid().is_some() && a.n == 1,
    };
    if request {
        a.arity(1, 1)?;
        return Ok(Lst::Request(LstRequest {
            trid: a.trid()?,
            list: list(a, 0)?,
        }));
    }
    let mut e = ListEntry {
        trid: a.opt_trid(),
        list: None,
        list_version: None,
        index: None,
        total: None,
        handle: None,
        friendly_name: None,
        contact_id: None,
        list_bits: None,
        network_id: None,
        groups: None,
    };
    if v <= V::Msnp7 {
        e.trid = Some(a.trid()?);
        let max = if v == V::Msnp7 { 7 } else { 6 };
        a.arity(4, max)?;
        if a.n == 5 {
            return Err(MessageError::ArgCount {
                verb: a.verb,
                min: 4,
                max,
                got: 5,
            });
        }
        e.list = Some(list(a, 0)?);
        e.list_version = Some(a.u32(1)?);
        e.index = Some(a.u32(2)?);
        e.total = Some(a.u32(3)?);
        if a.n > 4 {
            e.handle = Some(a.handle(4)?);
            e.friendly_name = Some(a.url(5)?);
            e.groups = a.opt_tok(6)?.map(GroupIds);
        }
        return Ok(Lst::Entry(e));
    }
    if v <= V::Msnp9 {
        a.arity(3, 4)?;
        e.handle = Some(a.handle(0)?);
        e.friendly_name = Some(a.url(1)?);
        e.list_bits = Some(ListBits(a.u32(2)?));
        e.groups = a.opt_tok(3)?.map(GroupIds);
        return Ok(Lst::Entry(e));
    }
    // 10–12: keyed N= F= C=, then bits, (12) nid, groups.
    a.arity(2, 6)?;
    let h = a.keyed(0, "N=", "N=handle")?;
    e.handle = Some(Handle::from_token(h).map_err(|_| a.bad(0, "N=handle"))?);
    let mut i = 1;
    if a.starts_with(i, b"F=") {
        e.friendly_name = Some(UrlText::from_token(a.keyed(i, "F=", "F=nick")?));
        i += 1;
    }
    if a.starts_with(i, b"C=") {
        e.contact_id = Some(a.keyed(i, "C=", "C=contact-id")?);
        i += 1;
    }
    e.list_bits = Some(ListBits(a.u32(i)?));
    i += 1;
    if v >= V::Msnp12 {
        e.network_id = Some(a.network(i)?);
        i += 1;
    }
    if i < a.n {
        e.groups = Some(GroupIds(a.tok(i)?));
        i += 1;
    }
    if i != a.n {
        return Err(MessageError::ArgCount {
            verb: a.verb,
            min: i,
            max: i,
            got: a.n,
        });
    }
    Ok(Lst::Entry(e))
}

fn put_keyed<S: Sink>(l: &mut Line<'_, S>, key: &str, t: &Token<'_>) {
    l.keyed(key, t.as_str());
}

impl ListEntry<'_> {
    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        let v = d.version;
        if v <= V::Msnp7 {
            let (Some(list), Some(ver), Some(index), Some(total)) =
                (self.list, self.list_version, self.index, self.total)
            else {
                return Err(invalid(
                    "LST",
                    "list, list_version, index and total are required up to MSNP7",
                ));
            };
            if self.handle.is_some() != self.friendly_name.is_some()
                || (self.groups.is_some() && (v < V::Msnp7 || self.handle.is_none()))
                || self.list_bits.is_some()
                || self.contact_id.is_some()
                || self.network_id.is_some()
            {
                return Err(invalid("LST", "fields do not fit the MSNP2–7 shape"));
            }
            let mut l = Line::new(s, d, verb, self.trid);
            l.str_dyn(list.as_str());
            l.num(u64::from(ver));
            l.num(u64::from(index));
            l.num(u64::from(total));
            if let Some(h) = &self.handle {
                l.handle(h);
            }
            l.opt_url(&self.friendly_name);
            if let Some(g) = &self.groups {
                l.tok(&g.0);
            }
            return l.end();
        }
        let (Some(h), Some(bits)) = (&self.handle, self.list_bits) else {
            return Err(invalid(
                "LST",
                "handle and list_bits are required from MSNP8",
            ));
        };
        if self.list.is_some()
            || self.list_version.is_some()
            || self.index.is_some()
            || self.total.is_some()
        {
            return Err(invalid(
                "LST",
                "list, version, index and total exist only up to MSNP7",
            ));
        }
        if (v >= V::Msnp12) != self.network_id.is_some() {
            return Err(invalid("LST network_id", "present exactly in MSNP12"));
        }
        let mut l = Line::new(s, d, verb, self.trid);
        if v <= V::Msnp9 {
            let Some(nick) = &self.friendly_name else {
                return Err(invalid("LST friendly_name", "required in MSNP8–9"));
            };
            if self.contact_id.is_some() {
                return Err(invalid("LST contact_id", "exists from MSNP10"));
            }
            l.handle(h);
            l.url(nick);
        } else {
            put_keyed(&mut l, "N=", h.token());
            if let Some(n) = &self.friendly_name {
                put_keyed(&mut l, "F=", n.token());
            }
            if let Some(c) = &self.contact_id {
                put_keyed(&mut l, "C=", c);
            }
        }
        l.num(u64::from(bits.0));
        if let Some(n) = self.network_id {
            l.num(u64::from(n.0));
        }
        if let Some(g) = &self.groups {
            l.tok(&g.0);
        }
        l.end()
    }
}

/// Server `LSG`: one group.
///
/// | versions | shape |
/// | --- | --- |
/// | 7 | `LSG trid ver index total group-id name 0` |
/// | 8–9 | `LSG group-id name 0` |
/// | 10–12 | `LSG name group-id\|guid` |
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Group<'a> {
    /// Transaction ID (MSNP7).
    #[cfg_attr(feature = "serde", serde(skip))]
    pub trid: Option<TrId>,
    /// List version (MSNP7).
    pub list_version: Option<u32>,
    /// Position (MSNP7).
    pub index: Option<u32>,
    /// Count (MSNP7).
    pub total: Option<u32>,
    /// Group ID (0–29) or GUID.
    pub group_id: Token<'a>,
    /// Group name.
    pub name: UrlText<'a>,
}
owned!(Group {
    trid,
    list_version,
    index,
    total,
    group_id,
    name
});

impl<'a> Group<'a> {
    pub(crate) fn decode(a: &Args<'_, 'a>, d: &Ctx) -> Result<Self, MessageError> {
        let v = d.version;
        if v <= V::Msnp7 {
            a.arity(6, 6)?;
            a.literal(5, b"0", "0")?;
            return Ok(Self {
                trid: Some(a.trid()?),
                list_version: Some(a.u32(0)?),
                index: Some(a.u32(1)?),
                total: Some(a.u32(2)?),
                group_id: a.tok(3)?,
                name: a.url(4)?,
            });
        }
        let (gid, name) = if v <= V::Msnp9 {
            a.arity(3, 3)?;
            a.literal(2, b"0", "0")?;
            (0, 1)
        } else {
            a.arity(2, 2)?;
            (1, 0)
        };
        Ok(Self {
            trid: a.opt_trid(),
            list_version: None,
            index: None,
            total: None,
            group_id: a.tok(gid)?,
            name: a.url(name)?,
        })
    }

    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        let v = d.version;
        let counted = self.list_version.is_some() && self.index.is_some() && self.total.is_some();
        let none = self.list_version.is_none() && self.index.is_none() && self.total.is_none();
        if (v <= V::Msnp7 && !counted) || (v > V::Msnp7 && !none) {
            return Err(invalid(
                "LSG",
                "list_version, index and total exist exactly in MSNP7",
            ));
        }
        let mut l = Line::new(s, d, verb, self.trid);
        if v <= V::Msnp9 {
            l.opt_num(self.list_version);
            l.opt_num(self.index);
            l.opt_num(self.total);
            l.tok(&self.group_id);
            l.url(&self.name);
            l.str("0");
        } else {
            l.url(&self.name);
            l.tok(&self.group_id);
        }
        l.end()
    }
}

/// `ADD trid list {list-version} handle nick {group-id}` (MSNP2–9): add to a list (client) or
/// its confirmation (server, with the list version; `ADD 0 RL …` = someone added you).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Add<'a> {
    /// Transaction ID.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub trid: TrId,
    /// The list.
    pub list: List,
    /// New list version (server).
    pub list_version: Option<u32>,
    /// The contact.
    #[cfg_attr(
        feature = "serde",
        serde(flatten, serialize_with = "crate::network::ser::handle")
    )]
    pub handle: Handle<'a>,
    /// Friendly name.
    pub friendly_name: UrlText<'a>,
    /// Group (FL, MSNP7+).
    pub group_id: Option<Token<'a>>,
}
owned!(Add {
    trid,
    list,
    list_version,
    handle,
    friendly_name,
    group_id
});

impl<'a> Add<'a> {
    pub(crate) fn decode(a: &Args<'_, 'a>, d: &Ctx) -> Result<Self, MessageError> {
        a.arity(3, 5)?;
        let server = match d.direction {
            Some(dir) => dir == Direction::ServerToClient,
            None => a.n == 5 || (a.n == 4 && a.is_digits(1)),
        };
        let k = usize::from(server);
        if server {
            a.arity(4, 5)?
        } else {
            a.arity(3, if d.version >= V::Msnp7 { 4 } else { 3 })?
        }
        Ok(Self {
            trid: a.trid()?,
            list: list(a, 0)?,
            list_version: if server { Some(a.u32(1)?) } else { None },
            handle: a.handle(1 + k)?,
            friendly_name: a.url(2 + k)?,
            group_id: a.opt_tok(3 + k)?,
        })
    }

    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        match (d.direction, self.list_version) {
            (Some(Direction::ClientToServer), Some(_)) => {
                return Err(invalid("list_version", "only in server replies"));
            }
            (Some(Direction::ServerToClient), None) => {
                return Err(invalid("list_version", "required in server replies"));
            }
            _ => {}
        }
        let mut l = Line::new(s, d, verb, Some(self.trid));
        l.str_dyn(self.list.as_str());
        l.opt_num(self.list_version);
        l.handle(&self.handle);
        l.url(&self.friendly_name);
        l.opt_tok(&self.group_id);
        l.end()
    }
}

/// `ADC trid list {N=handle} {F=nick} {C=contact-id} {group-id}` (MSNP10–12), both directions.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Adc<'a> {
    /// Transaction ID.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub trid: TrId,
    /// The list.
    pub list: List,
    /// `N=` handle.
    #[cfg_attr(
        feature = "serde",
        serde(flatten, serialize_with = "crate::network::ser::opt_handle")
    )]
    pub handle: Option<Handle<'a>>,
    /// `F=` friendly name.
    pub friendly_name: Option<UrlText<'a>>,
    /// `C=` contact ID.
    pub contact_id: Option<Token<'a>>,
    /// Group ID/GUID (with `C=`: add the contact to a group).
    pub group_id: Option<Token<'a>>,
}
owned!(Adc {
    trid,
    list,
    handle,
    friendly_name,
    contact_id,
    group_id
});

impl<'a> Adc<'a> {
    pub(crate) fn decode(a: &Args<'_, 'a>) -> Result<Self, MessageError> {
        a.arity(2, 5)?;
        let mut x = Self {
            trid: a.trid()?,
            list: list(a, 0)?,
            handle: None,
            friendly_name: None,
            contact_id: None,
            group_id: None,
        };
        let mut i = 1;
        if a.starts_with(i, b"N=") {
            x.handle = Some(
                Handle::from_token(a.keyed(i, "N=", "N=handle")?)
                    .map_err(|_| a.bad(i, "N=handle"))?,
            );
            i += 1;
        }
        if a.starts_with(i, b"F=") {
            x.friendly_name = Some(UrlText::from_token(a.keyed(i, "F=", "F=nick")?));
            i += 1;
        }
        if a.starts_with(i, b"C=") {
            x.contact_id = Some(a.keyed(i, "C=", "C=contact-id")?);
            i += 1;
        }
        if x.handle.is_none() && x.contact_id.is_none() {
            return Err(a.bad(1, "N=handle or C=contact-id"));
        }
        if i < a.n {
            x.group_id = Some(a.tok(i)?);
            i += 1;
        }
        if i != a.n {
            return Err(MessageError::ArgCount {
                verb: a.verb,
                min: i,
                max: i,
                got: a.n,
            });
        }
        Ok(x)
    }

    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        if self.handle.is_none() && self.contact_id.is_none() {
            return Err(invalid("ADC", "needs N=handle or C=contact-id"));
        }
        if self
            .group_id
            .as_ref()
            .is_some_and(|g| ["N=", "F=", "C="].iter().any(|k| g.as_str().starts_with(k)))
        {
            return Err(invalid(
                "ADC group_id",
                "would read back as a keyed argument",
            ));
        }
        let mut l = Line::new(s, d, verb, Some(self.trid));
        l.str_dyn(self.list.as_str());
        if let Some(h) = &self.handle {
            put_keyed(&mut l, "N=", h.token());
        }
        if let Some(n) = &self.friendly_name {
            put_keyed(&mut l, "F=", n.token());
        }
        if let Some(c) = &self.contact_id {
            put_keyed(&mut l, "C=", c);
        }
        l.opt_tok(&self.group_id);
        l.end()
    }
}

/// `REM trid list {list-version} handle-or-id {group-id}` (MSNP2–12), both directions.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Rem<'a> {
    /// Transaction ID.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub trid: TrId,
    /// The list.
    pub list: List,
    /// New list version (server, MSNP2–9).
    pub list_version: Option<u32>,
    /// Handle, or contact GUID for FL in MSNP10+.
    pub contact: Token<'a>,
    /// Group (remove from this group only).
    pub group_id: Option<Token<'a>>,
}
owned!(Rem {
    trid,
    list,
    list_version,
    contact,
    group_id
});

impl<'a> Rem<'a> {
    pub(crate) fn decode(a: &Args<'_, 'a>, d: &Ctx) -> Result<Self, MessageError> {
        a.arity(2, 4)?;
        let server = d.version <= V::Msnp9
            && match d.direction {
                Some(dir) => dir == Direction::ServerToClient,
                None => a.n >= 3 && a.is_digits(1),
            };
        let k = usize::from(server);
        a.arity(2 + k, 3 + k)?;
        Ok(Self {
            trid: a.trid()?,
            list: list(a, 0)?,
            list_version: if server { Some(a.u32(1)?) } else { None },
            contact: a.tok(1 + k)?,
            group_id: a.opt_tok(2 + k)?,
        })
    }

    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        if self.list_version.is_some()
            && (d.version > V::Msnp9 || d.direction == Some(Direction::ClientToServer))
        {
            return Err(invalid(
                "list_version",
                "only in server replies up to MSNP9",
            ));
        }
        let mut l = Line::new(s, d, verb, Some(self.trid));
        l.str_dyn(self.list.as_str());
        l.opt_num(self.list_version);
        l.tok(&self.contact);
        l.opt_tok(&self.group_id);
        l.end()
    }
}

/// `REA trid {list-version} handle nick` (MSNP2–9): rename (client) / confirmation (server).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Rea<'a> {
    /// Transaction ID.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub trid: TrId,
    /// New list version (server).
    pub list_version: Option<u32>,
    /// Own or a contact's handle.
    #[cfg_attr(
        feature = "serde",
        serde(flatten, serialize_with = "crate::network::ser::handle")
    )]
    pub handle: Handle<'a>,
    /// The new friendly name.
    pub friendly_name: UrlText<'a>,
}
owned!(Rea {
    trid,
    list_version,
    handle,
    friendly_name
});

impl<'a> Rea<'a> {
    pub(crate) fn decode(a: &Args<'_, 'a>, d: &Ctx) -> Result<Self, MessageError> {
        let (min, max) = match d.direction {
            Some(Direction::ClientToServer) => (2, 2),
            Some(Direction::ServerToClient) => (3, 3),
            None => (2, 3),
        };
        a.arity(min, max)?;
        let k = a.n - 2;
        Ok(Self {
            trid: a.trid()?,
            list_version: if k == 1 { Some(a.u32(0)?) } else { None },
            handle: a.handle(k)?,
            friendly_name: a.url(k + 1)?,
        })
    }

    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        let mut l = Line::new(s, d, verb, Some(self.trid));
        l.opt_num(self.list_version);
        l.handle(&self.handle);
        l.url(&self.friendly_name);
        match d.direction {
            Some(Direction::ClientToServer) => l.arity(2, 2),
            Some(Direction::ServerToClient) => l.arity(3, 3),
            None => {}
        }
        l.end()
    }
}

/// `ADG` (MSNP7–12): add a group. Client `ADG trid name {0}`; server
/// `ADG trid {list-version} name group-id {0}` (the trailing `0` only in 7–9).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Adg<'a> {
    /// Transaction ID.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub trid: TrId,
    /// New list version (server, MSNP7–9).
    pub list_version: Option<u32>,
    /// Group name.
    pub name: UrlText<'a>,
    /// The new group's ID or GUID (server).
    pub group_id: Option<Token<'a>>,
}
owned!(Adg {
    trid,
    list_version,
    name,
    group_id
});

impl<'a> Adg<'a> {
    pub(crate) fn decode(a: &Args<'_, 'a>, d: &Ctx) -> Result<Self, MessageError> {
        let old = d.version <= V::Msnp9;
        let (c, s) = if old { (2, 4) } else { (1, 2) };
        let server = match d.direction {
            Some(dir) => dir == Direction::ServerToClient,
            None => a.n == s,
        };
        let n = if server { s } else { c };
        a.arity(n, n)?;
        if old {
            a.literal(n - 1, b"0", "0")?;
        }
        let k = usize::from(server && old);
        Ok(Self {
            trid: a.trid()?,
            list_version: if k == 1 { Some(a.u32(0)?) } else { None },
            name: a.url(k)?,
            group_id: if server { Some(a.tok(k + 1)?) } else { None },
        })
    }

    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        let old = d.version <= V::Msnp9;
        if self.list_version.is_some() != (old && self.group_id.is_some()) {
            return Err(invalid(
                "ADG list_version",
                "present exactly in MSNP7–9 server replies",
            ));
        }
        let mut l = Line::new(s, d, verb, Some(self.trid));
        l.opt_num(self.list_version);
        l.url(&self.name);
        l.opt_tok(&self.group_id);
        if old {
            l.str("0");
        }
        l.end()
    }
}

/// `RMG trid {list-version} group-id` (MSNP7–12): remove a group / confirmation.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Rmg<'a> {
    /// Transaction ID.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub trid: TrId,
    /// New list version (server, MSNP7–9).
    pub list_version: Option<u32>,
    /// Group ID or GUID.
    pub group_id: Token<'a>,
}
owned!(Rmg {
    trid,
    list_version,
    group_id
});

impl<'a> Rmg<'a> {
    pub(crate) fn decode(a: &Args<'_, 'a>, d: &Ctx) -> Result<Self, MessageError> {
        // Escargot (quirk) also puts a number before the ID in 10–12 replies.
        let numbered = d.version <= V::Msnp9 || d.quirks.escargot_group_replies;
        let versioned = numbered
            && match d.direction {
                Some(dir) => dir == Direction::ServerToClient,
                None => a.n == 2,
            };
        let k = usize::from(versioned);
        a.arity(1 + k, 1 + k)?;
        Ok(Self {
            trid: a.trid()?,
            list_version: if versioned { Some(a.u32(0)?) } else { None },
            group_id: a.tok(k)?,
        })
    }

    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        if self.list_version.is_some() && d.version > V::Msnp9 && !d.quirks.escargot_group_replies {
            return Err(invalid("list_version", "only up to MSNP9"));
        }
        let mut l = Line::new(s, d, verb, Some(self.trid));
        l.opt_num(self.list_version);
        l.tok(&self.group_id);
        l.end()
    }
}

/// `REG trid {list-version} group-id name {0}` (MSNP7–12): rename a group / confirmation.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Reg<'a> {
    /// Transaction ID.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub trid: TrId,
    /// New list version (server, MSNP7–9).
    pub list_version: Option<u32>,
    /// Group ID or GUID.
    pub group_id: Token<'a>,
    /// New name.
    pub name: UrlText<'a>,
}
owned!(Reg {
    trid,
    list_version,
    group_id,
    name
});

impl<'a> Reg<'a> {
    pub(crate) fn decode(a: &Args<'_, 'a>, d: &Ctx) -> Result<Self, MessageError> {
        let old = d.version <= V::Msnp9;
        let versioned = old
            && match d.direction {
                Some(dir) => dir == Direction::ServerToClient,
                None => a.n == 4,
            };
        if !old
            && d.quirks.escargot_group_replies
            && d.direction != Some(Direction::ClientToServer)
            && a.n == 4
        {
            // Escargot: `REG trid 1 name group-id 0`.
            a.literal(3, b"0", "0")?;
            return Ok(Self {
                trid: a.trid()?,
                list_version: Some(a.u32(0)?),
                group_id: a.tok(2)?,
                name: a.url(1)?,
            });
        }
        let k = usize::from(versioned);
        let n = 2 + k + usize::from(old);
        a.arity(n, n)?;
        if old {
            a.literal(n - 1, b"0", "0")?;
        }
        Ok(Self {
            trid: a.trid()?,
            list_version: if versioned { Some(a.u32(0)?) } else { None },
            group_id: a.tok(k)?,
            name: a.url(k + 1)?,
        })
    }

    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        let old = d.version <= V::Msnp9;
        if let (Some(n), false) = (self.list_version, old) {
            if !d.quirks.escargot_group_replies {
                return Err(invalid("list_version", "only up to MSNP9"));
            }
            let mut l = Line::new(s, d, verb, Some(self.trid));
            l.num(u64::from(n));
            l.url(&self.name);
            l.tok(&self.group_id);
            l.str("0");
            return l.end();
        }
        let mut l = Line::new(s, d, verb, Some(self.trid));
        l.opt_num(self.list_version);
        l.tok(&self.group_id);
        l.url(&self.name);
        if old {
            l.str("0");
        }
        l.end()
    }
}

code_enum! {
    /// A property name in `PRP`/`BPR`/`SBP` (constants.md §9).
    pub enum Property {
        /// Home phone.
        HomePhone = "PHH",
        /// Work phone.
        WorkPhone = "PHW",
        /// Mobile phone.
        MobilePhone = "PHM",
        /// Others may page me via MSN Mobile (`Y`/`N`).
        MobileAllowed = "MOB",
        /// MSN Mobile enabled on the account.
        MobileEnabled = "MBE",
        /// MSN Direct / Web Watch enabled.
        WebWatchEnabled = "WWE",
        /// Friendly name (10+).
        FriendlyName = "MFN",
        /// Has a blog / MSN Space.
        HasBlog = "HSB",
    }
}

fn property(a: &Args<'_, '_>, i: usize) -> Result<Property, MessageError> {
    a.code(i, Property::parse_bytes, "a property name")
}

/// `PRP {trid} {list-version} property {value}`: set (client) or report (server; no TrID inside
/// `SYN` 8–12; list version in 5–9 replies) one of the user's own properties.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Prp<'a> {
    /// Transaction ID (absent inside `SYN`).
    #[cfg_attr(feature = "serde", serde(skip))]
    pub trid: Option<TrId>,
    /// List version (server, MSNP5–9).
    pub list_version: Option<u32>,
    /// The property.
    pub property: Property,
    /// The value (absent = unset).
    pub value: Option<UrlText<'a>>,
}
owned!(Prp {
    trid,
    list_version,
    property,
    value
});

impl<'a> Prp<'a> {
    pub(crate) fn decode(a: &Args<'_, 'a>, d: &Ctx) -> Result<Self, MessageError> {
        a.arity(1, 3)?;
        let versioned = a.is_digits(0)
            && d.version <= V::Msnp9
            && d.direction != Some(Direction::ClientToServer);
        let k = usize::from(versioned);
        a.arity(1 + k, 2 + k)?;
        Ok(Self {
            trid: a.opt_trid(),
            list_version: if versioned { Some(a.u32(0)?) } else { None },
            property: property(a, k)?,
            value: a.opt_url(k + 1)?,
        })
    }

    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        if self.list_version.is_some()
            && (d.version > V::Msnp9 || d.direction == Some(Direction::ClientToServer))
        {
            return Err(invalid(
                "list_version",
                "only in server replies up to MSNP9",
            ));
        }
        let mut l = Line::new(s, d, verb, self.trid);
        l.opt_num(self.list_version);
        l.str_dyn(self.property.as_str());
        l.opt_url(&self.value);
        l.end()
    }
}

/// `BPR {list-version} {handle} property {value}` (MSNP5–12): a contact's property, after its
/// `LST` inside `SYN` (`BPR property value`) or asynchronous (with handle; version in 5–9).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Bpr<'a> {
    /// List version (MSNP5–9 with handle).
    pub list_version: Option<u32>,
    /// The contact (absent inside `SYN` 8+, where it is the preceding `LST`'s).
    #[cfg_attr(
        feature = "serde",
        serde(flatten, serialize_with = "crate::network::ser::opt_handle")
    )]
    pub handle: Option<Handle<'a>>,
    /// The property.
    pub property: Property,
    /// The value.
    pub value: Option<UrlText<'a>>,
}
owned!(Bpr {
    list_version,
    handle,
    property,
    value
});

fn looks_like_property(b: Option<&[u8]>) -> bool {
    b.is_some_and(|b| (1..=3).contains(&b.len()) && b.iter().all(u8::is_ascii_uppercase))
}

impl<'a> Bpr<'a> {
    pub(crate) fn decode(a: &Args<'_, 'a>, d: &Ctx) -> Result<Self, MessageError> {
        a.arity(1, 4)?;
        let versioned = d.version <= V::Msnp9 && a.is_digits(0);
        let k = usize::from(versioned);
        let with_handle = versioned || !looks_like_property(a.get(0));
        let h = usize::from(with_handle);
        a.arity(1 + k + h, 2 + k + h)?;
        Ok(Self {
            list_version: if versioned { Some(a.u32(0)?) } else { None },
            handle: if with_handle {
                Some(a.handle(k)?)
            } else {
                None
            },
            property: property(a, k + h)?,
            value: a.opt_url(k + h + 1)?,
        })
    }

    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        if self.list_version.is_some() && (self.handle.is_none() || d.version > V::Msnp9) {
            return Err(invalid("list_version", "only with a handle, up to MSNP9"));
        }
        if let Some(h) = &self.handle
            && self.list_version.is_none()
            && (looks_like_property(Some(h.as_str().as_bytes()))
                || (d.version <= V::Msnp9 && super::args::all_digits(h.as_str().as_bytes())))
        {
            return Err(invalid(
                "BPR handle",
                "would read back as a property or version",
            ));
        }
        let mut l = Line::new(s, d, verb, None);
        l.opt_num(self.list_version);
        if let Some(h) = &self.handle {
            l.handle(h);
        }
        l.str_dyn(self.property.as_str());
        l.opt_url(&self.value);
        l.end()
    }
}

/// `SBP trid contact-id property value {0|1}` (MSNP10–12): set a stored contact property.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Sbp<'a> {
    /// Transaction ID.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub trid: TrId,
    /// Contact ID (GUID).
    pub contact_id: Token<'a>,
    /// The property.
    pub property: Property,
    /// The value.
    pub value: UrlText<'a>,
    /// `PHM` flag (client, 11+): 1 added as mobile number, 0 removed.
    pub flag: Option<bool>,
}
owned!(Sbp {
    trid,
    contact_id,
    property,
    value,
    flag
});

impl<'a> Sbp<'a> {
    pub(crate) fn decode(a: &Args<'_, 'a>) -> Result<Self, MessageError> {
        a.arity(3, 4)?;
        Ok(Self {
            trid: a.trid()?,
            contact_id: a.tok(0)?,
            property: property(a, 1)?,
            value: a.url(2)?,
            flag: a.opt_bool01(3)?,
        })
    }

    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        let mut l = Line::new(s, d, verb, Some(self.trid));
        l.tok(&self.contact_id);
        l.str_dyn(self.property.as_str());
        l.url(&self.value);
        if let Some(f) = self.flag {
            l.bool01(f);
        }
        l.end()
    }
}

impl Setting<GtcMode> {
    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        self.write_with(verb, d, s, GtcMode::as_str)
    }
}

impl Setting<BlpMode> {
    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        self.write_with(verb, d, s, BlpMode::as_str)
    }
}
