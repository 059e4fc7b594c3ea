//! [`Roster`]: the contact list as the MSNP2–12 `SYN` delivers it, kept current by presence
//! and list changes. Values only: the [`NotificationSession`](crate::NotificationSession)
//! applies the server's typed messages to it.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use msnp_proto::message::lists::{BlpMode, GtcMode, Property};
use msnp_proto::message::{Bpr, Group, ListEntry, Offline, Presence};
use msnp_proto::payload::data::{CurrentMedia, UserData};
use msnp_proto::{ClientCapabilities, Handle, List, ListBits, NetworkId, PresenceStatus, UrlText};
use msnp_proto::{ProtocolVersion as V, Token};

/// The list version a `SYN` carries: one number (MSNP2–9) or, from MSNP10, the list and
/// settings versions (numbers or ISO-8601 timestamps), kept as sent.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ListVersion {
    /// The list version.
    pub list: String,
    /// The settings version (MSNP10+).
    pub settings: Option<String>,
}

impl ListVersion {
    /// "Nothing cached": `0` (and `0 0` from MSNP10).
    pub fn initial(v: V) -> Self {
        Self {
            list: "0".into(),
            settings: (v >= V::Msnp10).then(|| "0".into()),
        }
    }
}

/// A contact's presence and what it publishes. The texts are shared: an event carries the
/// roster's own values, and cloning one is a reference count, not a copy.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ContactPresence {
    /// The status (`FLN` until the server says otherwise).
    pub status: PresenceStatus,
    /// Client capabilities (MSNP8+).
    pub capabilities: Option<ClientCapabilities>,
    /// The display picture's MSN object (decoded XML text), MSNP9+.
    pub msn_object: Option<Arc<str>>,
    /// The personal message (`UBX`, MSNP11+).
    pub personal_message: Option<Arc<str>>,
    /// The current media (`UBX`, MSNP11+).
    pub current_media: Option<Arc<CurrentMedia>>,
}

impl Default for ContactPresence {
    fn default() -> Self {
        Self {
            status: PresenceStatus::Offline,
            capabilities: None,
            msn_object: None,
            personal_message: None,
            current_media: None,
        }
    }
}

/// What a presence update changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[allow(clippy::struct_excessive_bools)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PresenceChanges {
    /// The status.
    pub status: bool,
    /// The friendly name.
    pub friendly_name: bool,
    /// The capabilities.
    pub capabilities: bool,
    /// The MSN object.
    pub msn_object: bool,
    /// The personal message.
    pub personal_message: bool,
    /// The current media.
    pub current_media: bool,
}

impl PresenceChanges {
    /// Whether anything changed.
    pub fn any(&self) -> bool {
        self.status
            || self.friendly_name
            || self.capabilities
            || self.msn_object
            || self.personal_message
            || self.current_media
    }
}

/// One contact.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Contact {
    /// The handle as the server wrote it (shared with the presence events).
    pub handle: Arc<str>,
    /// The friendly name, decoded (shared with the presence events).
    pub friendly_name: Arc<str>,
    /// The lists the contact is on.
    pub lists: ListBits,
    /// Group IDs (MSNP7–9) or GUIDs (MSNP10+).
    pub groups: Vec<String>,
    /// The contact GUID (`C=`, MSNP10+, FL contacts).
    pub guid: Option<String>,
    /// The network (MSNP12 `LST`).
    pub network: Option<NetworkId>,
    /// The contact's properties from `BPR` (phone numbers, `MOB`, `HSB`), values decoded.
    pub properties: Vec<(Property, String)>,
    /// Presence.
    pub presence: ContactPresence,
}

impl Contact {
    fn new(handle: &Handle<'_>) -> Self {
        Self {
            handle: Arc::from(handle.as_str()),
            friendly_name: Arc::from(handle.address()),
            lists: ListBits::NONE,
            groups: Vec::new(),
            guid: None,
            network: handle.network(),
            properties: Vec::new(),
            presence: ContactPresence::default(),
        }
    }

    /// The value of a `BPR` property.
    pub fn property(&self, p: &Property) -> Option<&str> {
        self.properties
            .iter()
            .find(|(k, _)| k == p)
            .map(|(_, v)| v.as_str())
    }
}

/// One group.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct RosterGroup {
    /// The ID (0–29, MSNP7–9) or GUID (MSNP10+).
    pub id: String,
    /// The name, decoded.
    pub name: String,
}

/// The privacy settings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Privacy {
    /// `BLP`: who may contact the user when on neither AL nor BL.
    pub blp: Option<BlpMode>,
    /// `GTC`: whether to prompt when someone adds the user.
    pub gtc: Option<GtcMode>,
}

/// The contact list: contacts, groups, privacy and the user's own properties, with the list
/// version that identifies it to the server. Pass it back to
/// [`NotificationSession::sync`](crate::NotificationSession::sync) on the next login so the
/// server sends only what changed.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Roster {
    /// The version the server gave this list.
    pub version: ListVersion,
    /// Contacts by lower-cased address.
    pub contacts: BTreeMap<String, Contact>,
    /// Groups, in the server's order.
    pub groups: Vec<RosterGroup>,
    /// Privacy settings.
    pub privacy: Privacy,
    /// The user's own properties from `PRP` (`MFN`, phones, `MBE`, …), values decoded.
    pub properties: Vec<(Property, String)>,
    /// MSNP18 circles (group chats of the address book), by lower-cased address.
    pub circles: BTreeMap<String, Circle>,
}

/// An MSNP18 circle: a shared group whose members the server announces with `NFY` and whose
/// members' presence arrives as `NLN …;via=9:circle`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Circle {
    /// `00000000-0000-0000-0009-…@live.com` (shared with the presence events).
    pub address: Arc<str>,
    /// The lists it is on.
    pub lists: ListBits,
    /// The members the server named, by lower-cased address.
    pub members: BTreeMap<String, CircleMember>,
}

impl Circle {
    /// A circle with no members known yet.
    pub fn new(address: impl Into<Arc<str>>, lists: ListBits) -> Self {
        Self {
            address: address.into(),
            lists,
            members: BTreeMap::new(),
        }
    }

    /// The member with this handle (any case, `nid:` prefix and `via` allowed).
    pub fn member(&self, handle: &str) -> Option<&CircleMember> {
        let h = Handle::parse(handle).ok()?;
        self.members.get(&*key(&h))
    }

    /// The member for `handle` (`nid:handle`, a `via` is dropped), created when there is room.
    pub(crate) fn add_member(&mut self, handle: &str, max: usize) -> Option<&mut CircleMember> {
        let h = Handle::parse(handle).ok()?;
        bounded_entry(&mut self.members, &key(&h), max, || CircleMember {
            handle: match h.network() {
                Some(n) => Arc::from(format!("{}:{}", n.0, h.address())),
                None => Arc::from(h.address()),
            },
            friendly_name: Arc::from(h.address()),
            presence: ContactPresence::default(),
        })
    }

    /// Removes a member.
    pub(crate) fn remove_member(&mut self, handle: &str) {
        if let Ok(h) = Handle::parse(handle) {
            self.members.remove(&*key(&h));
        }
    }
}

impl CircleMember {
    /// `ILN`/`NLN` inside the circle.
    pub(crate) fn apply_presence(&mut self, p: &Presence<'_>) -> PresenceChanges {
        online(&mut self.friendly_name, &mut self.presence, p)
    }

    /// `FLN` inside the circle.
    pub(crate) fn apply_offline(&mut self) -> PresenceChanges {
        offline(&mut self.presence)
    }

    /// `UBX` inside the circle.
    pub(crate) fn apply_data(&mut self, d: &UserData<'_>) -> PresenceChanges {
        data(&mut self.presence, d)
    }
}

/// `ILN`/`NLN` applied to a name and presence.
fn online(
    name: &mut Arc<str>,
    presence: &mut ContactPresence,
    p: &Presence<'_>,
) -> PresenceChanges {
    // Compared in wire form before decoded: most presence lines change the status only, and
    // then nothing is allocated, and the shared name and object stay the ones events hold.
    let object = p.msn_object.as_ref().filter(|o| !o.decodes_to("0"));
    let ch = PresenceChanges {
        status: presence.status != p.status,
        friendly_name: !p.friendly_name.decodes_to(name),
        capabilities: p.capabilities.is_some() && presence.capabilities != p.capabilities,
        msn_object: match (&presence.msn_object, object) {
            (Some(old), Some(new)) => !new.decodes_to(old),
            (old, new) => old.is_some() || new.is_some(),
        },
        ..PresenceChanges::default()
    };
    presence.status = p.status;
    if ch.friendly_name {
        *name = shared(&p.friendly_name);
    }
    if p.capabilities.is_some() {
        presence.capabilities = p.capabilities;
    }
    if ch.msn_object {
        presence.msn_object = object.map(shared);
    }
    ch
}

/// `FLN`: offline, and the capabilities and object are gone with it.
fn offline(presence: &mut ContactPresence) -> PresenceChanges {
    let ch = PresenceChanges {
        status: presence.status != PresenceStatus::Offline,
        capabilities: presence.capabilities.is_some(),
        msn_object: presence.msn_object.is_some(),
        ..PresenceChanges::default()
    };
    presence.status = PresenceStatus::Offline;
    presence.capabilities = None;
    presence.msn_object = None;
    ch
}

/// `UBX`: the personal message and current media.
fn data(presence: &mut ContactPresence, d: &UserData<'_>) -> PresenceChanges {
    let psm = d.psm.as_deref().filter(|p| !p.is_empty());
    let media = d.media().filter(|m| m.enabled);
    let ch = PresenceChanges {
        personal_message: presence.personal_message.as_deref() != psm,
        current_media: presence.current_media.as_deref() != media,
        ..PresenceChanges::default()
    };
    if ch.personal_message {
        presence.personal_message = psm.map(Arc::from);
    }
    if ch.current_media {
        presence.current_media = media.map(|m| Arc::new(m.clone()));
    }
    ch
}

/// A member of a [`Circle`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CircleMember {
    /// The member's handle as the server wrote it (`1:bob@hotmail.com`), shared with the
    /// presence events.
    pub handle: Arc<str>,
    /// The friendly name, decoded (the address until a presence line names one), shared with
    /// the presence events.
    pub friendly_name: Arc<str>,
    /// Presence inside the circle.
    pub presence: ContactPresence,
}

/// Most properties kept per contact or for the user (the protocol names eight).
const MAX_PROPERTIES: usize = 32;

/// The value for `k` in `map`, made by `make` when absent and the map holds fewer than `max`.
fn bounded_entry<'m, V>(
    map: &'m mut BTreeMap<String, V>,
    k: &str,
    max: usize,
    make: impl FnOnce() -> V,
) -> Option<&'m mut V> {
    if !map.contains_key(k) {
        if map.len() >= max {
            return None;
        }
        map.insert(k.to_owned(), make());
    }
    map.get_mut(k)
}

fn decoded(t: &UrlText<'_>) -> String {
    t.decoded().into_owned()
}

/// The decoded text, shared (one allocation when the text has no escapes).
pub(crate) fn shared(t: &UrlText<'_>) -> Arc<str> {
    Arc::from(&*t.decoded())
}

/// The roster key of a handle: its address, lower-cased (borrowed when it already is, as
/// servers usually send it: a lookup then allocates nothing).
pub(crate) fn key<'h>(handle: &'h Handle<'_>) -> Cow<'h, str> {
    let address = handle.address();
    if address.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(address.to_ascii_lowercase())
    } else {
        Cow::Borrowed(address)
    }
}

/// Whether `handle` is `user` (the user's own handle as configured), addresses compared as the
/// roster keys them.
pub(crate) fn same_address(handle: &Handle<'_>, user: &str) -> bool {
    handle.address().eq_ignore_ascii_case(user)
}

/// Sets (or, with `None`, removes) a property.
pub(crate) fn set_property(
    props: &mut Vec<(Property, String)>,
    p: Property,
    value: Option<String>,
) {
    match (props.iter().position(|(k, _)| *k == p), value) {
        (Some(i), Some(v)) => {
            if let Some(e) = props.get_mut(i) {
                e.1 = v;
            }
        }
        (Some(i), None) => {
            props.remove(i);
        }
        (None, Some(v)) if props.len() < MAX_PROPERTIES => props.push((p, v)),
        (None, _) => {}
    }
}

impl Roster {
    /// An empty roster at `version`.
    pub fn empty(version: ListVersion) -> Self {
        Self {
            version,
            contacts: BTreeMap::new(),
            groups: Vec::new(),
            privacy: Privacy::default(),
            properties: Vec::new(),
            circles: BTreeMap::new(),
        }
    }

    /// The circle with this address (any case; `9:` prefix allowed).
    pub fn circle(&self, address: &str) -> Option<&Circle> {
        let h = Handle::parse(address).ok()?;
        self.circles.get(&*key(&h))
    }

    /// The contact with this address (any case, with or without network prefix or endpoint).
    pub fn contact(&self, handle: &str) -> Option<&Contact> {
        let h = Handle::parse(handle).ok()?;
        self.contacts.get(&*key(&h))
    }

    /// The contact with this GUID (MSNP10+).
    pub fn contact_by_guid(&self, guid: &str) -> Option<&Contact> {
        self.contacts
            .values()
            .find(|c| c.guid.as_deref() == Some(guid))
    }

    /// The group with this ID or GUID.
    pub fn group(&self, id: &str) -> Option<&RosterGroup> {
        self.groups.iter().find(|g| g.id == id)
    }

    /// The value of one of the user's own properties.
    pub fn property(&self, p: &Property) -> Option<&str> {
        self.properties
            .iter()
            .find(|(k, _)| k == p)
            .map(|(_, v)| v.as_str())
    }

    /// The circle a presence line is about (`…;via=9:circle@live.com`): its handle.
    pub(crate) fn circle_of<'h>(handle: &'h Handle<'_>) -> Option<Handle<'h>> {
        let via = Handle::parse(handle.via()?).ok()?;
        (via.network() == Some(NetworkId::CIRCLE)).then_some(via)
    }

    /// The circle with this address, created when there is room (`max` circles).
    pub(crate) fn circle_entry(&mut self, address: &str, max: usize) -> Option<&mut Circle> {
        let h = Handle::parse(address).ok()?;
        bounded_entry(&mut self.circles, &key(&h), max, || {
            Circle::new(h.address().to_owned(), ListBits::NONE)
        })
    }

    /// The contact for `handle`, created when there is room for it (`max` contacts).
    pub(crate) fn upsert(&mut self, handle: &Handle<'_>, max: usize) -> Option<&mut Contact> {
        self.upsert_at(&key(handle), handle, max)
    }

    /// [`upsert`](Self::upsert) with the handle's key already made.
    fn upsert_at(&mut self, k: &str, handle: &Handle<'_>, max: usize) -> Option<&mut Contact> {
        bounded_entry(&mut self.contacts, k, max, || Contact::new(handle))
    }

    /// The contact for a handle or (MSNP10+) a GUID, as `REM` names it.
    pub(crate) fn find_mut(&mut self, contact: &str) -> Option<&mut Contact> {
        let by_key = Handle::parse(contact).ok().map(|h| key(&h).into_owned());
        if let Some(k) = by_key
            && self.contacts.contains_key(&k)
        {
            return self.contacts.get_mut(&k);
        }
        self.contacts
            .values_mut()
            .find(|c| c.guid.as_deref() == Some(contact))
    }

    /// An `LST` entry: the contact is put on the entry's lists (MSNP2–7: one list per line,
    /// accumulated; MSNP8+: the line is the whole contact). Returns its key.
    pub(crate) fn apply_list_entry(&mut self, e: &ListEntry<'_>, max: usize) -> Option<String> {
        let handle = e.handle.as_ref()?;
        let accumulate = e.list.is_some();
        let c = self.upsert(handle, max)?;
        if let Some(n) = &e.friendly_name {
            c.friendly_name = shared(n);
        }
        if accumulate {
            c.lists |= e.lists();
        } else {
            c.lists = e.lists();
        }
        if let Some(g) = &e.groups
            && (!accumulate || e.list == Some(List::Forward))
        {
            c.groups = g
                .iter()
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
        }
        if let Some(id) = &e.contact_id {
            c.guid = Some(id.as_str().to_owned());
        }
        if e.network_id.is_some() {
            c.network = e.network_id;
        }
        Some(key(handle).into_owned())
    }

    /// An `LSG` group (or an `ADG` reply's).
    pub(crate) fn apply_group(&mut self, id: &str, name: String, max: usize) {
        if let Some(g) = self.groups.iter_mut().find(|g| g.id == id) {
            g.name = name;
        } else if self.groups.len() < max {
            self.groups.push(RosterGroup {
                id: id.to_owned(),
                name,
            });
        }
    }

    /// An `LSG` line.
    pub(crate) fn apply_lsg(&mut self, g: &Group<'_>, max: usize) {
        self.apply_group(g.group_id.as_str(), decoded(&g.name), max);
    }

    /// Removes a group, and the contacts' membership of it.
    pub(crate) fn remove_group(&mut self, id: &str) {
        self.groups.retain(|g| g.id != id);
        for c in self.contacts.values_mut() {
            c.groups.retain(|g| g != id);
        }
    }

    /// A `BPR` line: for its own handle, or for `last` (the preceding `LST`, inside `SYN` 8+).
    /// Returns the contact's key when one was updated.
    pub(crate) fn apply_bpr(&mut self, b: &Bpr<'_>, last: Option<&str>) -> Option<String> {
        let k = match &b.handle {
            Some(h) => key(h).into_owned(),
            None => last?.to_owned(),
        };
        let c = self.contacts.get_mut(&k)?;
        set_property(&mut c.properties, b.property, b.value.as_ref().map(decoded));
        Some(k)
    }

    /// `ILN`/`NLN`: returns the contact's key and what changed (`None`: no room for a new
    /// contact).
    pub(crate) fn apply_presence<'p>(
        &mut self,
        p: &'p Presence<'_>,
        max: usize,
    ) -> Option<(Cow<'p, str>, PresenceChanges)> {
        let k = key(&p.handle);
        let c = self.upsert_at(&k, &p.handle, max)?;
        let ch = online(&mut c.friendly_name, &mut c.presence, p);
        Some((k, ch))
    }

    /// `FLN`: the contact is offline (its capabilities and object are gone with it).
    pub(crate) fn apply_offline<'o>(
        &mut self,
        o: &'o Offline<'_>,
    ) -> Option<(Cow<'o, str>, PresenceChanges)> {
        let k = key(&o.handle);
        let c = self.contacts.get_mut(&*k)?;
        let ch = offline(&mut c.presence);
        Some((k, ch))
    }

    /// `UBX`: the personal message and current media.
    pub(crate) fn apply_data<'h>(
        &mut self,
        handle: &'h Handle<'_>,
        d: &UserData<'_>,
        max: usize,
    ) -> Option<(Cow<'h, str>, PresenceChanges)> {
        let k = key(handle);
        let c = self.upsert_at(&k, handle, max)?;
        let ch = data(&mut c.presence, d);
        Some((k, ch))
    }

    /// A list change the server confirmed (`ADD`/`ADC` reply or push): the contact is on
    /// `list` (in `group` when given).
    pub(crate) fn add_to_list(
        &mut self,
        handle: &Handle<'_>,
        list: List,
        friendly_name: Option<&UrlText<'_>>,
        guid: Option<&Token<'_>>,
        group: Option<&Token<'_>>,
        limits: (usize, usize),
    ) {
        let Some(c) = self.upsert(handle, limits.0) else {
            return;
        };
        if let Some(b) = list.bit() {
            c.lists |= b;
        }
        if let Some(n) = friendly_name {
            c.friendly_name = shared(n);
        }
        if let Some(g) = guid {
            c.guid = Some(g.as_str().to_owned());
        }
        if let Some(g) = group
            && !c.groups.iter().any(|x| x == g.as_str())
            && c.groups.len() < limits.1
        {
            c.groups.push(g.as_str().to_owned());
        }
    }

    /// A confirmed `REM`: off `list`, or only out of `group`. A contact on no list is
    /// forgotten.
    pub(crate) fn remove_from_list(&mut self, contact: &str, list: List, group: Option<&str>) {
        let Some(c) = self.find_mut(contact) else {
            return;
        };
        match group {
            Some(g) => c.groups.retain(|x| x != g),
            None => {
                if let Some(b) = list.bit() {
                    c.lists = ListBits(c.lists.0 & !b.0);
                }
                if list == List::Forward {
                    c.groups.clear();
                }
            }
        }
        if c.lists.is_empty() {
            let k = Arc::clone(&c.handle);
            if let Ok(h) = Handle::parse(&k) {
                self.contacts.remove(&*key(&h));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A lower-case handle is its own key (borrowed); any other is lower-cased into one; the
    /// user is recognised in any case.
    #[test]
    fn keys_borrow_lower_case_handles() {
        let lower = Handle::parse("bob@hotmail.com").expect("handle");
        assert!(matches!(key(&lower), Cow::Borrowed("bob@hotmail.com")));
        let mixed = Handle::parse("Bob@Hotmail.com").expect("handle");
        let k = key(&mixed);
        assert!(matches!(&k, Cow::Owned(_)));
        assert_eq!(k, "bob@hotmail.com");
        assert!(same_address(&mixed, "bob@hotmail.COM"));
        assert!(!same_address(&mixed, "bob@hotmail.co"));
    }
}
