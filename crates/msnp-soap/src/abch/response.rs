//! AddressBook and Sharing responses.

use super::AbOperation;
use super::header::ServiceHeader;
use super::types::*;
use crate::XmlLimits;
use crate::envelope::{Envelope, SoapVersion, start_envelope};
use crate::error::SoapError;
use crate::time::{SoapDateTime, opt_time};
use crate::xml::{Element, XmlOut, opt_bool};

/// The `ab` / `Ab` block of a find response.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AbInfo {
    /// `abId`.
    pub ab_id: Option<String>,
    /// `abInfo/ownerPuid`.
    pub owner_puid: Option<String>,
    /// `abInfo/OwnerCID`.
    pub owner_cid: Option<String>,
    /// `abInfo/ownerEmail`.
    pub owner_email: Option<String>,
    /// `abInfo/fDefault`.
    pub default: Option<bool>,
    /// `lastChange`: send back as `lastChange` for deltas.
    pub last_change: Option<SoapDateTime>,
    /// `DynamicItemLastChanged`.
    pub dynamic_item_last_changed: Option<SoapDateTime>,
    /// `createDate`.
    pub create_date: Option<SoapDateTime>,
}

/// `ABFindAllResult` / `ABFindContactsPagedResult`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AbFindResult {
    /// `groups/Group` (`Groups` in the paged form).
    pub groups: Vec<Group>,
    /// `contacts/Contact` (`Contacts` in the paged form).
    pub contacts: Vec<Contact>,
    /// `CircleResult/CircleTicket`.
    pub circle_ticket: Option<String>,
    /// `ab` / `Ab`.
    pub ab: Option<AbInfo>,
}

impl AbFindResult {
    /// The `Me` contact (own settings and friendly name), if present.
    pub fn me(&self) -> Option<&Contact> {
        self.contacts.iter().find(|c| {
            c.info.as_ref().and_then(|i| i.contact_type.as_ref()) == Some(&ContactType::Me)
        })
    }
}

/// One `Service` of a FindMembership response.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Service {
    /// `Info/Handle`.
    pub handle: ServiceHandle,
    /// `Memberships/Membership`.
    pub memberships: Vec<Membership>,
    /// `LastChange`: store for deltas.
    pub last_change: Option<SoapDateTime>,
    /// `Deleted`.
    pub deleted: Option<bool>,
}

/// `FindMembershipResult`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FindMembershipResult {
    /// `Services/Service`.
    pub services: Vec<Service>,
}

impl FindMembershipResult {
    /// The service whose `Info/Handle/Type` is `Messenger` (the only one IM needs).
    pub fn messenger(&self) -> Option<&Service> {
        self.services
            .iter()
            .find(|s| s.handle.service_type == "Messenger")
    }

    /// Members of the Messenger service in `role`.
    pub fn members(&self, role: &MemberRole) -> impl Iterator<Item = &Member> {
        self.messenger()
            .into_iter()
            .flat_map(|s| s.memberships.iter())
            .filter(move |m| &m.role == role)
            .flat_map(|m| m.members.iter())
    }
}

/// The body of an AddressBook or Sharing response.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum AbResponseBody {
    /// `ABFindAllResponse`.
    FindAll(AbFindResult),
    /// `ABFindContactsPagedResponse`.
    FindContactsPaged(AbFindResult),
    /// `ABContactAddResponse`: the new contact id.
    ContactAdd(String),
    /// `ABContactDeleteResponse`.
    ContactDelete,
    /// `ABContactUpdateResponse`.
    ContactUpdate,
    /// `ABGroupAddResponse`: the new group id.
    GroupAdd(String),
    /// `ABGroupDeleteResponse`.
    GroupDelete,
    /// `ABGroupUpdateResponse`.
    GroupUpdate,
    /// `ABGroupContactAddResponse`: the contact id, when returned.
    GroupContactAdd(Option<String>),
    /// `ABGroupContactDeleteResponse`.
    GroupContactDelete,
    /// `ABAddResponse`: the new address book's GUID.
    Add(String),
    /// `FindMembershipResponse`.
    FindMembership(FindMembershipResult),
    /// `AddMemberResponse`.
    AddMember,
    /// `DeleteMemberResponse`.
    DeleteMember,
}

impl AbResponseBody {
    /// The operation this answers.
    pub fn operation(&self) -> AbOperation {
        match self {
            Self::FindAll(_) => AbOperation::FindAll,
            Self::FindContactsPaged(_) => AbOperation::FindContactsPaged,
            Self::ContactAdd(_) => AbOperation::ContactAdd,
            Self::ContactDelete => AbOperation::ContactDelete,
            Self::ContactUpdate => AbOperation::ContactUpdate,
            Self::GroupAdd(_) => AbOperation::GroupAdd,
            Self::GroupDelete => AbOperation::GroupDelete,
            Self::GroupUpdate => AbOperation::GroupUpdate,
            Self::GroupContactAdd(_) => AbOperation::GroupContactAdd,
            Self::GroupContactDelete => AbOperation::GroupContactDelete,
            Self::Add(_) => AbOperation::Add,
            Self::FindMembership(_) => AbOperation::FindMembership,
            Self::AddMember => AbOperation::AddMember,
            Self::DeleteMember => AbOperation::DeleteMember,
        }
    }
}

/// A complete AddressBook / Sharing response.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AbResponse {
    /// `ServiceHeader`, if present.
    pub service_header: Option<ServiceHeader>,
    /// The result.
    pub body: AbResponseBody,
}

impl AbResponse {
    /// Parses any AddressBook/Sharing response, detecting the operation from
    /// the body element. Faults become [`SoapError::Fault`].
    pub fn from_xml(input: &[u8], limits: &XmlLimits) -> Result<Self, SoapError> {
        let env = Envelope::parse(input, limits)?;
        let op_el = env.op();
        let op = AbOperation::from_response_element(&op_el.name).ok_or_else(|| {
            SoapError::UnexpectedElement {
                expected: "an AddressBook or Sharing response",
                found: crate::error::clip(&op_el.name),
            }
        })?;
        let service_header = match env.header.as_ref() {
            Some(h) => ServiceHeader::read(h)?,
            None => None,
        };
        Ok(Self {
            service_header,
            body: read_body(op, op_el)?,
        })
    }

    /// Parses a response that must answer `expected`.
    pub fn from_xml_for(
        input: &[u8],
        expected: AbOperation,
        limits: &XmlLimits,
    ) -> Result<Self, SoapError> {
        let r = Self::from_xml(input, limits)?;
        if r.body.operation() == expected {
            Ok(r)
        } else {
            Err(SoapError::UnexpectedElement {
                expected: "the response of the requested operation",
                found: format!("{}Response", r.body.operation().element()),
            })
        }
    }

    /// Builds the response envelope (servers, tests).
    pub fn to_xml(&self) -> Vec<u8> {
        let mut w = XmlOut::new();
        start_envelope(&mut w, SoapVersion::Soap11, &[]);
        if let Some(h) = &self.service_header {
            h.write(&mut w);
        }
        w.start("soap:Body", &[]);
        let op = self.body.operation();
        let name = format!("{}Response", op.element());
        let result = format!("{}Result", op.element());
        w.start(&name, &[("xmlns", crate::ns::AB)]);
        match &self.body {
            AbResponseBody::FindAll(r) => write_find(&mut w, &result, r, false),
            AbResponseBody::FindContactsPaged(r) => write_find(&mut w, &result, r, true),
            AbResponseBody::ContactAdd(g) | AbResponseBody::GroupAdd(g) => {
                w.start(&result, &[]);
                w.leaf("guid", g);
                w.end(&result);
            }
            AbResponseBody::GroupContactAdd(g) => {
                w.start(&result, &[]);
                w.opt_leaf("guid", g.as_deref());
                w.end(&result);
            }
            AbResponseBody::Add(g) => w.leaf(&result, g),
            AbResponseBody::FindMembership(r) => {
                w.start(&result, &[]);
                w.start("Services", &[]);
                for s in &r.services {
                    w.start("Service", &[]);
                    w.start("Memberships", &[]);
                    for m in &s.memberships {
                        write_membership(&mut w, m);
                    }
                    w.end("Memberships");
                    w.start("Info", &[]);
                    write_handle(&mut w, "Handle", &s.handle);
                    w.end("Info");
                    w.empty("Changes", &[]);
                    if let Some(t) = &s.last_change {
                        w.leaf("LastChange", &t.to_xml());
                    }
                    w.opt_bool_leaf("Deleted", s.deleted);
                    w.end("Service");
                }
                w.end("Services");
                w.end(&result);
            }
            AbResponseBody::ContactDelete
            | AbResponseBody::ContactUpdate
            | AbResponseBody::GroupDelete
            | AbResponseBody::GroupUpdate
            | AbResponseBody::GroupContactDelete
            | AbResponseBody::AddMember
            | AbResponseBody::DeleteMember => {}
        }
        w.end(&name);
        w.end("soap:Body");
        w.end("soap:Envelope");
        w.finish()
    }
}

fn write_find(w: &mut XmlOut, result: &str, r: &AbFindResult, paged: bool) {
    let (groups, contacts, ab) = if paged {
        ("Groups", "Contacts", "Ab")
    } else {
        ("groups", "contacts", "ab")
    };
    w.start(result, &[]);
    w.start(groups, &[]);
    for g in &r.groups {
        write_group(w, g);
    }
    w.end(groups);
    w.start(contacts, &[]);
    for c in &r.contacts {
        write_contact(w, c, false);
    }
    w.end(contacts);
    if let Some(t) = &r.circle_ticket {
        w.start("CircleResult", &[]);
        w.leaf("CircleTicket", t);
        w.end("CircleResult");
    }
    if let Some(a) = &r.ab {
        w.start(ab, &[]);
        w.opt_leaf("abId", a.ab_id.as_deref());
        w.start("abInfo", &[]);
        w.opt_leaf("ownerPuid", a.owner_puid.as_deref());
        w.opt_leaf("OwnerCID", a.owner_cid.as_deref());
        w.opt_leaf("ownerEmail", a.owner_email.as_deref());
        w.opt_bool_leaf("fDefault", a.default);
        w.end("abInfo");
        for (tag, t) in [
            ("lastChange", &a.last_change),
            ("DynamicItemLastChanged", &a.dynamic_item_last_changed),
            ("createDate", &a.create_date),
        ] {
            if let Some(t) = t {
                w.leaf(tag, &t.to_xml());
            }
        }
        w.end(ab);
    }
    w.end(result);
}

fn result<'e>(
    el: &'e Element,
    op: AbOperation,
    path: &'static str,
) -> Result<&'e Element, SoapError> {
    let name = format!("{}Result", op.element());
    el.child(&name).ok_or(SoapError::Missing(path))
}

fn read_find(r: &Element) -> Result<AbFindResult, SoapError> {
    let groups = match r.child_any(&["groups", "Groups"]) {
        Some(g) => g
            .children_named("Group")
            .map(read_group)
            .collect::<Result<_, _>>()?,
        None => Vec::new(),
    };
    let contacts = match r.child_any(&["contacts", "Contacts"]) {
        Some(c) => c
            .children_named("Contact")
            .map(read_contact)
            .collect::<Result<_, _>>()?,
        None => Vec::new(),
    };
    let ab = match r.child_any(&["ab", "Ab"]) {
        Some(a) => {
            let i = a.child("abInfo");
            Some(AbInfo {
                ab_id: a.child_text("abId"),
                owner_puid: i.and_then(|i| i.child_text("ownerPuid")),
                owner_cid: i.and_then(|i| i.child_text("OwnerCID")),
                owner_email: i.and_then(|i| i.child_text("ownerEmail")),
                default: match i {
                    Some(i) => opt_bool(i, "fDefault", "ab/abInfo/fDefault")?,
                    None => None,
                },
                last_change: opt_time(a, "lastChange", "ab/lastChange")?,
                dynamic_item_last_changed: opt_time(
                    a,
                    "DynamicItemLastChanged",
                    "ab/DynamicItemLastChanged",
                )?,
                create_date: opt_time(a, "createDate", "ab/createDate")?,
            })
        }
        None => None,
    };
    Ok(AbFindResult {
        groups,
        contacts,
        circle_ticket: r
            .path(&["CircleResult", "CircleTicket"])
            .map(|t| t.trimmed().to_owned()),
        ab,
    })
}

fn guid(el: &Element, op: AbOperation, path: &'static str) -> Result<String, SoapError> {
    result(el, op, path)?
        .child_text("guid")
        .ok_or(SoapError::Missing(path))
}

fn read_body(op: AbOperation, el: &Element) -> Result<AbResponseBody, SoapError> {
    Ok(match op {
        AbOperation::FindAll => AbResponseBody::FindAll(read_find(result(
            el,
            op,
            "ABFindAllResponse/ABFindAllResult",
        )?)?),
        AbOperation::FindContactsPaged => AbResponseBody::FindContactsPaged(read_find(result(
            el,
            op,
            "ABFindContactsPagedResponse/ABFindContactsPagedResult",
        )?)?),
        AbOperation::ContactAdd => AbResponseBody::ContactAdd(guid(
            el,
            op,
            "ABContactAddResponse/ABContactAddResult/guid",
        )?),
        AbOperation::GroupAdd => {
            AbResponseBody::GroupAdd(guid(el, op, "ABGroupAddResponse/ABGroupAddResult/guid")?)
        }
        AbOperation::GroupContactAdd => AbResponseBody::GroupContactAdd(
            el.child("ABGroupContactAddResult")
                .and_then(|r| r.child_text("guid")),
        ),
        AbOperation::Add => AbResponseBody::Add(
            el.child_text("ABAddResult")
                .ok_or(SoapError::Missing("ABAddResponse/ABAddResult"))?,
        ),
        AbOperation::ContactDelete => AbResponseBody::ContactDelete,
        AbOperation::ContactUpdate => AbResponseBody::ContactUpdate,
        AbOperation::GroupDelete => AbResponseBody::GroupDelete,
        AbOperation::GroupUpdate => AbResponseBody::GroupUpdate,
        AbOperation::GroupContactDelete => AbResponseBody::GroupContactDelete,
        AbOperation::AddMember => AbResponseBody::AddMember,
        AbOperation::DeleteMember => AbResponseBody::DeleteMember,
        AbOperation::FindMembership => {
            let r = result(el, op, "FindMembershipResponse/FindMembershipResult")?;
            let mut services = Vec::new();
            if let Some(ss) = r.child("Services") {
                for s in ss.children_named("Service") {
                    services.push(Service {
                        handle: read_handle(
                            s.path(&["Info", "Handle"])
                                .ok_or(SoapError::Missing("Service/Info/Handle"))?,
                        ),
                        memberships: match s.child("Memberships") {
                            Some(m) => m
                                .children_named("Membership")
                                .map(read_membership)
                                .collect::<Result<_, _>>()?,
                            None => Vec::new(),
                        },
                        last_change: opt_time(s, "LastChange", "Service/LastChange")?,
                        deleted: opt_bool(s, "Deleted", "Service/Deleted")?,
                    });
                }
            }
            AbResponseBody::FindMembership(FindMembershipResult { services })
        }
    })
}

/// One account of the combined contact list, as needed for the initial `ADL`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ListEntry {
    /// The account (passport name or email).
    pub account: String,
    /// MSNP network id (1 = Passport, 32 = Yahoo).
    pub network: u32,
    /// List bits: FL 1 (address book messenger contact), AL 2, BL 4, RL 8, PL 16.
    pub lists: u8,
}

/// Merges an address book and the Messenger memberships into per-account list
/// bits (the union the official client sends in its first `ADL`).
///
/// FL comes from non-deleted address-book contacts with `isMessengerUser=true`
/// (the `Me` contact excluded); AL/BL/RL/PL from non-deleted members. Accounts
/// are compared case-insensitively; the result is sorted by account.
pub fn contact_lists(ab: &AbFindResult, memberships: &FindMembershipResult) -> Vec<ListEntry> {
    let mut map: std::collections::BTreeMap<(String, u32), u8> = std::collections::BTreeMap::new();
    for c in &ab.contacts {
        let Some(info) = c.info.as_ref() else {
            continue;
        };
        if c.deleted == Some(true)
            || info.is_messenger_user != Some(true)
            || info.contact_type == Some(ContactType::Me)
        {
            continue;
        }
        if let (Some(acc), Some(net)) = (c.account(), c.network()) {
            *map.entry((acc.to_ascii_lowercase(), net)).or_default() |= 1;
        }
    }
    if let Some(s) = memberships.messenger() {
        for m in &s.memberships {
            let Some(bit) = m.role.list_bit() else {
                continue;
            };
            for mem in &m.members {
                if mem.deleted == Some(true) {
                    continue;
                }
                if let (Some(acc), Some(net)) = (mem.list_account(), mem.network()) {
                    *map.entry((acc.to_ascii_lowercase(), net)).or_default() |= bit;
                }
            }
        }
    }
    map.into_iter()
        .map(|((account, network), lists)| ListEntry {
            account,
            network,
            lists,
        })
        .collect()
}
