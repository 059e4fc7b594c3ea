//! MSNP13+: the contact list from the address-book services. The caller fetches
//! `FindMembership` and `ABFindAll` / `ABFindContactsPaged` over HTTP (msnp-soap builds the
//! requests and parses the answers); [`Roster::from_address_book`] turns the two parsed answers
//! into the roster, and [`NotificationSession::load_address_book`] also sends the initial
//! `ADL`s built from them (payloads.md §1.2).
//!
//! ```
//! use msnp_session::Roster;
//! use msnp_soap::abch::{AbFindResult, FindMembershipResult};
//! use msnp_soap::XmlLimits;
//! # let ab_xml = include_bytes!("../../msnp-soap/tests/fixtures/abfindall_response.xml");
//! # let fm_xml = include_bytes!("../../msnp-soap/tests/fixtures/findmembership_response.xml");
//! let ab = msnp_soap::abch::AbResponse::from_xml(ab_xml, &XmlLimits::default()).unwrap();
//! let fm = msnp_soap::abch::AbResponse::from_xml(fm_xml, &XmlLimits::default()).unwrap();
//! let (msnp_soap::abch::AbResponseBody::FindAll(ab), msnp_soap::abch::AbResponseBody::FindMembership(fm)) =
//!     (ab.body, fm.body) else { unreachable!() };
//! let roster = Roster::from_address_book(&ab, &fm, 4096, 256);
//! let bob = roster.contact("bob@example.com").unwrap();
//! assert!(bob.lists.contains(msnp_proto::ListBits::FORWARD));
//! ```

use msnp_proto::message::{BlpMode, GtcMode, Property};
use msnp_proto::payload::ml::Ml;
use msnp_proto::{Handle, ListBits, NetworkId};
use msnp_soap::abch::{AbFindResult, ContactType, FindMembershipResult, contact_lists};

use crate::roster::{self, Circle, ListVersion, Roster};

/// The list bits a client may send in an `ADL` (payloads.md §1: RL and PL only come from the
/// server; a client sending them gets error 241).
const CLIENT_LISTS: u32 = ListBits::FORWARD.0 | ListBits::ALLOW.0 | ListBits::BLOCK.0;

impl Roster {
    /// The roster an MSNP13+ client starts from: contacts with their lists (FL from the
    /// address book's Messenger contacts, AL/BL/RL/PL from the memberships), friendly names,
    /// contact GUIDs and groups; the groups; privacy (`MSN.IM.BLP`, `MSN.IM.GTC`) and the
    /// user's friendly name (`MFN`) from the `Me` contact; MSNP18 circles apart in
    /// [`Roster::circles`]. The list version holds the two `lastChange` stamps to send back
    /// for delta requests (`"0"` when absent). At most `max_contacts` contacts and
    /// `max_groups` groups are kept.
    pub fn from_address_book(
        ab: &AbFindResult,
        memberships: &FindMembershipResult,
        max_contacts: usize,
        max_groups: usize,
    ) -> Self {
        let stamp = |t: Option<String>| t.unwrap_or_else(|| "0".to_owned());
        let mut r = Self::empty(ListVersion {
            list: stamp(
                ab.ab
                    .as_ref()
                    .and_then(|a| a.last_change.as_ref())
                    .map(|t| t.to_xml()),
            ),
            settings: Some(stamp(
                memberships
                    .messenger()
                    .and_then(|s| s.last_change.as_ref())
                    .map(|t| t.to_xml()),
            )),
        });
        for g in ab.groups.iter().filter(|g| g.deleted != Some(true)) {
            r.apply_group(&g.group_id, g.info.name.clone(), max_groups);
        }
        for e in contact_lists(ab, memberships) {
            let Ok(handle) = Handle::parse(&e.account) else {
                continue;
            };
            let lists = ListBits(u32::from(e.lists));
            if NetworkId(e.network) == NetworkId::CIRCLE {
                if r.circles.len() < max_contacts {
                    r.circles.insert(
                        roster::key(&handle).into_owned(),
                        Circle::new(handle.as_str(), lists),
                    );
                }
                continue;
            }
            if let Some(c) = r.upsert(&handle, max_contacts) {
                c.lists = lists;
                c.network = Some(NetworkId(e.network));
            }
        }
        for c in ab.contacts.iter().filter(|c| c.deleted != Some(true)) {
            let Some(info) = c.info.as_ref() else {
                continue;
            };
            if info.contact_type == Some(ContactType::Me) {
                r.apply_me(c);
                continue;
            }
            let Some(contact) = c
                .account()
                .and_then(|a| Handle::parse(a).ok())
                .and_then(|h| r.contacts.get_mut(&*roster::key(&h)))
            else {
                continue;
            };
            if let Some(name) = info.display_name.as_ref().filter(|n| !n.is_empty()) {
                contact.friendly_name = name.as_str().into();
            }
            contact.guid.clone_from(&c.contact_id);
            contact.groups = info
                .group_ids
                .iter()
                .filter(|g| r.groups.iter().any(|x| &x.id == *g))
                .take(max_groups)
                .cloned()
                .collect();
        }
        r
    }

    /// The initial `<ml l="1">`: every contact and circle on FL, AL or BL, with only those
    /// bits (payloads.md §1.2); accounts the `<ml>` cannot name are left out.
    pub fn initial_list(&self) -> Ml {
        let mut ml = Ml {
            initial: true,
            ..Ml::default()
        };
        let entries = self
            .contacts
            .values()
            .map(|c| {
                (
                    &*c.handle,
                    c.lists,
                    c.network.unwrap_or(NetworkId::PASSPORT),
                )
            })
            .chain(
                self.circles
                    .values()
                    .map(|c| (&*c.address, c.lists, NetworkId::CIRCLE)),
            );
        for (account, lists, network) in entries {
            let lists = ListBits(lists.0 & CLIENT_LISTS);
            if lists.is_empty() {
                continue;
            }
            let address = Handle::parse(account)
                .map_or_else(|_| account.to_owned(), |h| h.address().to_owned());
            // An account the `<ml>` cannot hold (no domain) is not sent rather than failing
            // the whole list.
            let _ = ml.push_account(&address, Some(lists), Some(network));
        }
        ml
    }

    /// The `Me` contact: the user's friendly name and privacy settings.
    fn apply_me(&mut self, me: &msnp_soap::abch::Contact) {
        if let Some(name) = me.info.as_ref().and_then(|i| i.display_name.clone()) {
            roster::set_property(&mut self.properties, Property::FriendlyName, Some(name));
        }
        // soap.md: BLP 1 = AL, 2 = BL, 0 = unset; GTC 1 = A, 2 (constants.md: 0) = N.
        self.privacy.blp = match me.annotation("MSN.IM.BLP").map(str::trim) {
            Some("1") => Some(BlpMode::AllowUnlisted),
            Some("2") => Some(BlpMode::BlockUnlisted),
            _ => None,
        };
        self.privacy.gtc = match me.annotation("MSN.IM.GTC").map(str::trim) {
            Some("1") => Some(GtcMode::Prompt),
            Some("0" | "2") => Some(GtcMode::Auto),
            _ => None,
        };
    }
}
