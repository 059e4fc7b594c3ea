//! AddressBook and Sharing requests.

use super::AbOperation;
use super::header::AbHeader;
use super::types::*;
use crate::XmlLimits;
use crate::envelope::{Envelope, SoapVersion, start_envelope};
use crate::error::SoapError;
use crate::time::{SoapDateTime, opt_time};
use crate::xml::{Element, XmlOut, opt_bool, opt_num};

/// The all-zero `abId` of the user's own address book.
pub const DEFAULT_AB_ID: &str = "00000000-0000-0000-0000-000000000000";

/// `ABFindAll` (MSNP13–15).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AbFindAll {
    /// `abId`.
    pub ab_id: String,
    /// `abView` (`Full`).
    pub ab_view: String,
    /// `deltasOnly`.
    pub deltas_only: bool,
    /// `lastChange`: the previous `ab/lastChange` for deltas.
    pub last_change: Option<SoapDateTime>,
    /// `dynamicItemView` (`Gleam`).
    pub dynamic_item_view: Option<String>,
    /// `dynamicItemLastChange`.
    pub dynamic_item_last_change: Option<SoapDateTime>,
}

impl AbFindAll {
    /// A full (non-delta) fetch, as sent at login.
    pub fn full() -> Self {
        Self {
            ab_id: DEFAULT_AB_ID.into(),
            ab_view: "Full".into(),
            deltas_only: false,
            last_change: Some(SoapDateTime::min_pacific()),
            dynamic_item_view: None,
            dynamic_item_last_change: None,
        }
    }

    /// A delta fetch since `last_change`.
    pub fn deltas(last_change: SoapDateTime) -> Self {
        Self {
            deltas_only: true,
            last_change: Some(last_change),
            ..Self::full()
        }
    }
}

/// `abHandle` of ABFindContactsPaged (a circle's address book).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AbHandle {
    /// `ABId`.
    pub ab_id: String,
    /// `Puid`.
    pub puid: i64,
    /// `Cid`.
    pub cid: i64,
}

/// `ABFindContactsPaged` (MSNP16/18).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AbFindContactsPaged {
    /// `filterOptions/DeltasOnly`.
    pub deltas_only: bool,
    /// `filterOptions/LastChanged` (only with deltas).
    pub last_changed: Option<SoapDateTime>,
    /// `filterOptions/ContactFilter/IncludeHiddenContacts`.
    pub include_hidden_contacts: Option<bool>,
    /// `abView` (`MessengerClient8`; libpurple sends `Full`).
    pub ab_view: String,
    /// `extendedContent` (`AB AllGroups CircleResult`).
    pub extended_content: Option<String>,
    /// `abHandle` (only for a circle's AB).
    pub ab_handle: Option<AbHandle>,
}

impl AbFindContactsPaged {
    /// The initial WLM 2009 fetch.
    pub fn initial() -> Self {
        Self {
            deltas_only: false,
            last_changed: None,
            include_hidden_contacts: Some(true),
            ab_view: "MessengerClient8".into(),
            extended_content: Some("AB AllGroups CircleResult".into()),
            ab_handle: None,
        }
    }
}

/// `ABContactAdd`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AbContactAdd {
    /// `abId`.
    pub ab_id: String,
    /// `contacts/Contact`.
    pub contacts: Vec<Contact>,
    /// `options/EnableAllowListManagement`.
    pub enable_allow_list_management: Option<bool>,
}

impl AbContactAdd {
    /// Adds a messenger buddy by passport, as WLM does (`LivePending`, optional invitation).
    pub fn passport(account: impl Into<String>, invite: Option<(String, String)>) -> Self {
        let info = ContactInfo {
            contact_type: Some(ContactType::LivePending),
            passport_name: Some(account.into()),
            is_messenger_user: Some(true),
            messenger_member_info: invite.map(|(message, display_name)| MessengerMemberInfo {
                pending_annotations: vec![Annotation::new("MSN.IM.InviteMessage", message)],
                display_name: Some(display_name),
            }),
            ..ContactInfo::default()
        };
        Self {
            ab_id: DEFAULT_AB_ID.into(),
            contacts: vec![Contact {
                info: Some(info),
                ..Contact::default()
            }],
            enable_allow_list_management: Some(true),
        }
    }
}

/// `ABContactDelete`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AbContactDelete {
    /// `abId`.
    pub ab_id: String,
    /// `contacts/Contact/contactId`.
    pub contact_ids: Vec<String>,
}

/// `ABContactUpdate`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AbContactUpdate {
    /// `abId`.
    pub ab_id: String,
    /// `contacts/Contact` with `propertiesChanged`.
    pub contacts: Vec<Contact>,
    /// `options/EnableAllowListManagement`.
    pub enable_allow_list_management: Option<bool>,
}

impl AbContactUpdate {
    /// Sets a contact's private alias (`AB.NickName` annotation).
    pub fn nickname(contact_id: impl Into<String>, nickname: impl Into<String>) -> Self {
        Self {
            ab_id: DEFAULT_AB_ID.into(),
            contacts: vec![Contact {
                contact_id: Some(contact_id.into()),
                info: Some(ContactInfo {
                    annotations: vec![Annotation::new("AB.NickName", nickname)],
                    ..ContactInfo::default()
                }),
                properties_changed: Some("Annotation".into()),
                ..Contact::default()
            }],
            enable_allow_list_management: None,
        }
    }

    /// Persists the privacy mode on `Me` (`MSN.IM.BLP`: 1 = allow by default (AL),
    /// 2 = block by default (BL), 0 = unset).
    ///
    /// ```
    /// let u = msnp_soap::abch::AbContactUpdate::my_privacy(1);
    /// assert_eq!(u.contacts[0].annotation("MSN.IM.BLP"), Some("1"));
    /// ```
    pub fn my_privacy(blp: u8) -> Self {
        let info = ContactInfo {
            contact_type: Some(ContactType::Me),
            annotations: vec![Annotation::new("MSN.IM.BLP", blp.to_string())],
            ..ContactInfo::default()
        };
        Self {
            ab_id: DEFAULT_AB_ID.into(),
            contacts: vec![Contact {
                info: Some(info),
                properties_changed: Some("Annotation".into()),
                ..Contact::default()
            }],
            enable_allow_list_management: None,
        }
    }

    /// Persists your own friendly name (`Me` / `DisplayName`).
    pub fn my_display_name(name: impl Into<String>) -> Self {
        let info = ContactInfo {
            contact_type: Some(ContactType::Me),
            display_name: Some(name.into()),
            ..ContactInfo::default()
        };
        Self {
            ab_id: DEFAULT_AB_ID.into(),
            contacts: vec![Contact {
                info: Some(info),
                properties_changed: Some("DisplayName".into()),
                ..Contact::default()
            }],
            enable_allow_list_management: None,
        }
    }
}

/// `ABGroupAdd`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AbGroupAdd {
    /// `abId`.
    pub ab_id: String,
    /// `groupAddOptions/fRenameOnMsgrConflict`.
    pub rename_on_msgr_conflict: Option<bool>,
    /// `groupInfo/GroupInfo`.
    pub group: GroupInfo,
}

/// `ABGroupDelete`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AbGroupDelete {
    /// `abId`.
    pub ab_id: String,
    /// `groupFilter/groupIds/guid`.
    pub group_ids: Vec<String>,
}

/// `ABGroupUpdate` (rename: `propertiesChanged=GroupName`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AbGroupUpdate {
    /// `abId`.
    pub ab_id: String,
    /// `groups/Group`.
    pub groups: Vec<Group>,
}

/// `ABGroupContactAdd`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AbGroupContactAdd {
    /// `abId`.
    pub ab_id: String,
    /// `groupFilter/groupIds/guid`.
    pub group_ids: Vec<String>,
    /// `contacts/Contact`: by id, or a full `contactInfo` to add-and-group.
    pub contacts: Vec<Contact>,
    /// `groupContactAddOptions/fGenerateMissingQuickName`.
    pub generate_missing_quick_name: Option<bool>,
    /// `groupContactAddOptions/EnableAllowListManagement`.
    pub enable_allow_list_management: Option<bool>,
}

/// `ABGroupContactDelete`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AbGroupContactDelete {
    /// `abId`.
    pub ab_id: String,
    /// `contacts/Contact/contactId`.
    pub contact_ids: Vec<String>,
    /// `groupFilter/groupIds/guid`.
    pub group_ids: Vec<String>,
}

/// `ABAdd` (create the address book of a fresh account).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AbAdd {
    /// `abInfo/name` (normally empty).
    pub name: String,
    /// `abInfo/ownerPuid` (0).
    pub owner_puid: i64,
    /// `abInfo/ownerEmail`.
    pub owner_email: String,
    /// `abInfo/fDefault`.
    pub default: bool,
}

/// `FindMembership` (Sharing service).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FindMembership {
    /// `serviceFilter/Types/ServiceType`.
    pub service_types: Vec<String>,
    /// `View` (`Full`, delta requests only).
    pub view: Option<String>,
    /// `deltasOnly`.
    pub deltas_only: Option<bool>,
    /// `lastChange` (previous `Service/LastChange`).
    pub last_change: Option<SoapDateTime>,
}

impl FindMembership {
    /// The initial full request for Messenger, Invitation, SocialNetwork, Space and Profile.
    pub fn full() -> Self {
        Self {
            service_types: [
                "Messenger",
                "Invitation",
                "SocialNetwork",
                "Space",
                "Profile",
            ]
            .map(String::from)
            .to_vec(),
            view: None,
            deltas_only: None,
            last_change: None,
        }
    }

    /// A delta request since `last_change`.
    pub fn deltas(last_change: SoapDateTime) -> Self {
        Self {
            view: Some("Full".into()),
            deltas_only: Some(true),
            last_change: Some(last_change),
            ..Self::full()
        }
    }
}

/// `AddMember` / `DeleteMember` body.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MemberChange {
    /// `serviceHandle`.
    pub service: ServiceHandle,
    /// `memberships/Membership`.
    pub memberships: Vec<Membership>,
}

impl MemberChange {
    /// One passport member in one role of the Messenger service.
    pub fn passport(role: MemberRole, account: impl Into<String>) -> Self {
        Self {
            service: ServiceHandle::messenger(),
            memberships: vec![Membership {
                role,
                members: vec![Member::passport(account)],
                is_complete: None,
            }],
        }
    }
}

/// The body of an AddressBook or Sharing request.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum AbRequestBody {
    /// `ABFindAll`.
    FindAll(AbFindAll),
    /// `ABFindContactsPaged`.
    FindContactsPaged(AbFindContactsPaged),
    /// `ABContactAdd`.
    ContactAdd(AbContactAdd),
    /// `ABContactDelete`.
    ContactDelete(AbContactDelete),
    /// `ABContactUpdate`.
    ContactUpdate(AbContactUpdate),
    /// `ABGroupAdd`.
    GroupAdd(AbGroupAdd),
    /// `ABGroupDelete`.
    GroupDelete(AbGroupDelete),
    /// `ABGroupUpdate`.
    GroupUpdate(AbGroupUpdate),
    /// `ABGroupContactAdd`.
    GroupContactAdd(AbGroupContactAdd),
    /// `ABGroupContactDelete`.
    GroupContactDelete(AbGroupContactDelete),
    /// `ABAdd`.
    Add(AbAdd),
    /// `FindMembership`.
    FindMembership(FindMembership),
    /// `AddMember`.
    AddMember(MemberChange),
    /// `DeleteMember`.
    DeleteMember(MemberChange),
}

impl AbRequestBody {
    /// The operation of this body.
    pub fn operation(&self) -> AbOperation {
        match self {
            Self::FindAll(_) => AbOperation::FindAll,
            Self::FindContactsPaged(_) => AbOperation::FindContactsPaged,
            Self::ContactAdd(_) => AbOperation::ContactAdd,
            Self::ContactDelete(_) => AbOperation::ContactDelete,
            Self::ContactUpdate(_) => AbOperation::ContactUpdate,
            Self::GroupAdd(_) => AbOperation::GroupAdd,
            Self::GroupDelete(_) => AbOperation::GroupDelete,
            Self::GroupUpdate(_) => AbOperation::GroupUpdate,
            Self::GroupContactAdd(_) => AbOperation::GroupContactAdd,
            Self::GroupContactDelete(_) => AbOperation::GroupContactDelete,
            Self::Add(_) => AbOperation::Add,
            Self::FindMembership(_) => AbOperation::FindMembership,
            Self::AddMember(_) => AbOperation::AddMember,
            Self::DeleteMember(_) => AbOperation::DeleteMember,
        }
    }
}

/// A complete AddressBook / Sharing request: header plus body.
///
/// ```
/// use msnp_soap::abch::{AbHeader, AbRequest, AbRequestBody, AbFindAll, scenario};
/// let req = AbRequest {
///     header: AbHeader::new(scenario::INITIAL, Some("t=abc&p=def".into())),
///     body: AbRequestBody::FindAll(AbFindAll::full()),
/// };
/// assert_eq!(req.soap_action(), "http://www.msn.com/webservices/AddressBook/ABFindAll");
/// let xml = req.to_xml();
/// assert!(String::from_utf8_lossy(&xml).contains("<TicketToken>t=abc&amp;p=def</TicketToken>"));
/// assert_eq!(AbRequest::from_xml(&xml, &Default::default()).unwrap(), req);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AbRequest {
    /// `ABApplicationHeader` + `ABAuthHeader`.
    pub header: AbHeader,
    /// The operation.
    pub body: AbRequestBody,
}

impl AbRequest {
    /// `SOAPAction` header value (without the surrounding quotes).
    pub fn soap_action(&self) -> String {
        self.body.operation().soap_action()
    }

    /// HTTP path (`/abservice/abservice.asmx` or `/abservice/SharingService.asmx`).
    pub fn path(&self) -> &'static str {
        self.body.operation().path()
    }

    /// Builds the envelope.
    pub fn to_xml(&self) -> Vec<u8> {
        let mut w = XmlOut::new();
        start_envelope(&mut w, SoapVersion::Soap11, &[]);
        self.header.write(&mut w);
        w.start("soap:Body", &[]);
        let op = self.body.operation();
        w.start(op.element(), &[("xmlns", crate::ns::AB)]);
        write_body(&mut w, &self.body);
        w.end(op.element());
        w.end("soap:Body");
        w.end("soap:Envelope");
        w.finish()
    }

    /// Parses a request (servers); the operation is detected from the body element.
    pub fn from_xml(input: &[u8], limits: &XmlLimits) -> Result<Self, SoapError> {
        let env = Envelope::parse(input, limits)?;
        let header = AbHeader::read(
            env.header
                .as_ref()
                .ok_or(SoapError::Missing("Envelope/Header"))?,
        )?;
        let op_el = env.op();
        let op =
            AbOperation::from_element(&op_el.name).ok_or_else(|| SoapError::UnexpectedElement {
                expected: "an AddressBook or Sharing operation",
                found: crate::error::clip(&op_el.name),
            })?;
        Ok(Self {
            header,
            body: read_body(op, op_el)?,
        })
    }
}

fn write_ids(w: &mut XmlOut, outer: &str, ids: &[String]) {
    w.start(outer, &[]);
    w.start("groupIds", &[]);
    for g in ids {
        w.leaf("guid", g);
    }
    w.end("groupIds");
    w.end(outer);
}

fn write_contact_ids(w: &mut XmlOut, ids: &[String]) {
    w.start("contacts", &[]);
    for id in ids {
        w.start("Contact", &[]);
        w.leaf("contactId", id);
        w.end("Contact");
    }
    w.end("contacts");
}

fn write_contacts(w: &mut XmlOut, list: &[Contact]) {
    w.start("contacts", &[]);
    for c in list {
        write_contact(w, c, true);
    }
    w.end("contacts");
}

fn write_time(w: &mut XmlOut, tag: &str, t: Option<&SoapDateTime>) {
    if let Some(t) = t {
        w.leaf(tag, &t.to_xml());
    }
}

fn write_body(w: &mut XmlOut, body: &AbRequestBody) {
    match body {
        AbRequestBody::FindAll(b) => {
            w.leaf("abId", &b.ab_id);
            w.leaf("abView", &b.ab_view);
            w.bool_leaf("deltasOnly", b.deltas_only);
            write_time(w, "lastChange", b.last_change.as_ref());
            w.opt_leaf("dynamicItemView", b.dynamic_item_view.as_deref());
            write_time(
                w,
                "dynamicItemLastChange",
                b.dynamic_item_last_change.as_ref(),
            );
        }
        AbRequestBody::FindContactsPaged(b) => {
            w.start("filterOptions", &[]);
            w.bool_leaf("DeltasOnly", b.deltas_only);
            write_time(w, "LastChanged", b.last_changed.as_ref());
            if let Some(h) = b.include_hidden_contacts {
                w.start("ContactFilter", &[]);
                w.bool_leaf("IncludeHiddenContacts", h);
                w.end("ContactFilter");
            }
            w.end("filterOptions");
            w.leaf("abView", &b.ab_view);
            w.opt_leaf("extendedContent", b.extended_content.as_deref());
            if let Some(h) = &b.ab_handle {
                w.start("abHandle", &[]);
                w.leaf("ABId", &h.ab_id);
                w.leaf("Puid", &h.puid.to_string());
                w.leaf("Cid", &h.cid.to_string());
                w.end("abHandle");
            }
        }
        AbRequestBody::ContactAdd(b) => {
            w.leaf("abId", &b.ab_id);
            write_contacts(w, &b.contacts);
            if let Some(v) = b.enable_allow_list_management {
                w.start("options", &[]);
                w.bool_leaf("EnableAllowListManagement", v);
                w.end("options");
            }
        }
        AbRequestBody::ContactDelete(b) => {
            w.leaf("abId", &b.ab_id);
            write_contact_ids(w, &b.contact_ids);
        }
        AbRequestBody::ContactUpdate(b) => {
            w.leaf("abId", &b.ab_id);
            write_contacts(w, &b.contacts);
            if let Some(v) = b.enable_allow_list_management {
                w.start("options", &[]);
                w.bool_leaf("EnableAllowListManagement", v);
                w.end("options");
            }
        }
        AbRequestBody::GroupAdd(b) => {
            w.leaf("abId", &b.ab_id);
            if let Some(v) = b.rename_on_msgr_conflict {
                w.start("groupAddOptions", &[]);
                w.bool_leaf("fRenameOnMsgrConflict", v);
                w.end("groupAddOptions");
            }
            w.start("groupInfo", &[]);
            write_group_info(w, "GroupInfo", &b.group);
            w.end("groupInfo");
        }
        AbRequestBody::GroupDelete(b) => {
            w.leaf("abId", &b.ab_id);
            write_ids(w, "groupFilter", &b.group_ids);
        }
        AbRequestBody::GroupUpdate(b) => {
            w.leaf("abId", &b.ab_id);
            w.start("groups", &[]);
            for g in &b.groups {
                write_group(w, g);
            }
            w.end("groups");
        }
        AbRequestBody::GroupContactAdd(b) => {
            w.leaf("abId", &b.ab_id);
            write_ids(w, "groupFilter", &b.group_ids);
            write_contacts(w, &b.contacts);
            if b.generate_missing_quick_name.is_some() || b.enable_allow_list_management.is_some() {
                w.start("groupContactAddOptions", &[]);
                w.opt_bool_leaf("fGenerateMissingQuickName", b.generate_missing_quick_name);
                w.opt_bool_leaf("EnableAllowListManagement", b.enable_allow_list_management);
                w.end("groupContactAddOptions");
            }
        }
        AbRequestBody::GroupContactDelete(b) => {
            w.leaf("abId", &b.ab_id);
            write_contact_ids(w, &b.contact_ids);
            write_ids(w, "groupFilter", &b.group_ids);
        }
        AbRequestBody::Add(b) => {
            w.start("abInfo", &[]);
            w.leaf("name", &b.name);
            w.leaf("ownerPuid", &b.owner_puid.to_string());
            w.leaf("ownerEmail", &b.owner_email);
            w.bool_leaf("fDefault", b.default);
            w.end("abInfo");
        }
        AbRequestBody::FindMembership(b) => {
            w.start("serviceFilter", &[]);
            w.start("Types", &[]);
            for t in &b.service_types {
                w.leaf("ServiceType", t);
            }
            w.end("Types");
            w.end("serviceFilter");
            w.opt_leaf("View", b.view.as_deref());
            w.opt_bool_leaf("deltasOnly", b.deltas_only);
            write_time(w, "lastChange", b.last_change.as_ref());
        }
        AbRequestBody::AddMember(b) | AbRequestBody::DeleteMember(b) => {
            write_handle(w, "serviceHandle", &b.service);
            w.start("memberships", &[]);
            for m in &b.memberships {
                write_membership(w, m);
            }
            w.end("memberships");
        }
    }
}

fn ab_id(el: &Element) -> Result<String, SoapError> {
    el.child_text("abId").ok_or(SoapError::Missing("abId"))
}

fn group_ids(el: &Element) -> Vec<String> {
    el.path(&["groupFilter", "groupIds"])
        .map(|g| {
            g.children_named("guid")
                .map(|x| x.trimmed().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn contacts(el: &Element) -> Result<Vec<Contact>, SoapError> {
    match el.child("contacts") {
        Some(c) => c.children_named("Contact").map(read_contact).collect(),
        None => Ok(Vec::new()),
    }
}

fn contact_ids(el: &Element) -> Result<Vec<String>, SoapError> {
    contacts(el)?
        .into_iter()
        .map(|c| {
            c.contact_id
                .ok_or(SoapError::Missing("contacts/Contact/contactId"))
        })
        .collect()
}

fn read_body(op: AbOperation, el: &Element) -> Result<AbRequestBody, SoapError> {
    Ok(match op {
        AbOperation::FindAll => AbRequestBody::FindAll(AbFindAll {
            ab_id: ab_id(el)?,
            ab_view: el.child_text("abView").unwrap_or_default(),
            deltas_only: opt_bool(el, "deltasOnly", "ABFindAll/deltasOnly")?.unwrap_or(false),
            last_change: opt_time(el, "lastChange", "ABFindAll/lastChange")?,
            dynamic_item_view: el.child_text("dynamicItemView"),
            dynamic_item_last_change: opt_time(
                el,
                "dynamicItemLastChange",
                "ABFindAll/dynamicItemLastChange",
            )?,
        }),
        AbOperation::FindContactsPaged => {
            let f = el.child("filterOptions");
            AbRequestBody::FindContactsPaged(AbFindContactsPaged {
                deltas_only: match f {
                    Some(f) => {
                        opt_bool(f, "DeltasOnly", "filterOptions/DeltasOnly")?.unwrap_or(false)
                    }
                    None => false,
                },
                last_changed: match f {
                    Some(f) => opt_time(f, "LastChanged", "filterOptions/LastChanged")?,
                    None => None,
                },
                include_hidden_contacts: match f.and_then(|f| f.child("ContactFilter")) {
                    Some(c) => opt_bool(
                        c,
                        "IncludeHiddenContacts",
                        "ContactFilter/IncludeHiddenContacts",
                    )?,
                    None => None,
                },
                ab_view: el.child_text("abView").unwrap_or_default(),
                extended_content: el.child_text("extendedContent"),
                ab_handle: match el.child("abHandle") {
                    Some(h) => Some(AbHandle {
                        ab_id: h.child_text("ABId").unwrap_or_default(),
                        puid: opt_num(h, "Puid", "abHandle/Puid")?.unwrap_or(0),
                        cid: opt_num(h, "Cid", "abHandle/Cid")?.unwrap_or(0),
                    }),
                    None => None,
                },
            })
        }
        AbOperation::ContactAdd | AbOperation::ContactUpdate => {
            let ab_id = ab_id(el)?;
            let contacts = contacts(el)?;
            let enable_allow_list_management = match el.child("options") {
                Some(o) => opt_bool(
                    o,
                    "EnableAllowListManagement",
                    "options/EnableAllowListManagement",
                )?,
                None => None,
            };
            if op == AbOperation::ContactAdd {
                AbRequestBody::ContactAdd(AbContactAdd {
                    ab_id,
                    contacts,
                    enable_allow_list_management,
                })
            } else {
                AbRequestBody::ContactUpdate(AbContactUpdate {
                    ab_id,
                    contacts,
                    enable_allow_list_management,
                })
            }
        }
        AbOperation::ContactDelete => AbRequestBody::ContactDelete(AbContactDelete {
            ab_id: ab_id(el)?,
            contact_ids: contact_ids(el)?,
        }),
        AbOperation::GroupAdd => AbRequestBody::GroupAdd(AbGroupAdd {
            ab_id: ab_id(el)?,
            rename_on_msgr_conflict: match el.child("groupAddOptions") {
                Some(o) => opt_bool(
                    o,
                    "fRenameOnMsgrConflict",
                    "groupAddOptions/fRenameOnMsgrConflict",
                )?,
                None => None,
            },
            group: read_group_info(
                el.path(&["groupInfo", "GroupInfo"])
                    .ok_or(SoapError::Missing("ABGroupAdd/groupInfo/GroupInfo"))?,
            )?,
        }),
        AbOperation::GroupDelete => AbRequestBody::GroupDelete(AbGroupDelete {
            ab_id: ab_id(el)?,
            group_ids: group_ids(el),
        }),
        AbOperation::GroupUpdate => AbRequestBody::GroupUpdate(AbGroupUpdate {
            ab_id: ab_id(el)?,
            groups: match el.child("groups") {
                Some(g) => g
                    .children_named("Group")
                    .map(read_group)
                    .collect::<Result<_, _>>()?,
                None => Vec::new(),
            },
        }),
        AbOperation::GroupContactAdd => {
            let o = el.child("groupContactAddOptions");
            AbRequestBody::GroupContactAdd(AbGroupContactAdd {
                ab_id: ab_id(el)?,
                group_ids: group_ids(el),
                contacts: contacts(el)?,
                generate_missing_quick_name: match o {
                    Some(o) => opt_bool(
                        o,
                        "fGenerateMissingQuickName",
                        "groupContactAddOptions/fGenerateMissingQuickName",
                    )?,
                    None => None,
                },
                enable_allow_list_management: match o {
                    Some(o) => opt_bool(
                        o,
                        "EnableAllowListManagement",
                        "groupContactAddOptions/EnableAllowListManagement",
                    )?,
                    None => None,
                },
            })
        }
        AbOperation::GroupContactDelete => {
            AbRequestBody::GroupContactDelete(AbGroupContactDelete {
                ab_id: ab_id(el)?,
                contact_ids: contact_ids(el)?,
                group_ids: group_ids(el),
            })
        }
        AbOperation::Add => {
            let i = el.req("abInfo", "ABAdd/abInfo")?;
            AbRequestBody::Add(AbAdd {
                name: i.child_raw("name").unwrap_or_default(),
                owner_puid: opt_num(i, "ownerPuid", "ABAdd/abInfo/ownerPuid")?.unwrap_or(0),
                owner_email: i
                    .child_text("ownerEmail")
                    .ok_or(SoapError::Missing("ABAdd/abInfo/ownerEmail"))?,
                default: opt_bool(i, "fDefault", "ABAdd/abInfo/fDefault")?.unwrap_or(true),
            })
        }
        AbOperation::FindMembership => AbRequestBody::FindMembership(FindMembership {
            service_types: el
                .path(&["serviceFilter", "Types"])
                .map(|t| {
                    t.children_named("ServiceType")
                        .map(|x| x.trimmed().to_owned())
                        .collect()
                })
                .unwrap_or_default(),
            view: el.child_text("View"),
            deltas_only: opt_bool(el, "deltasOnly", "FindMembership/deltasOnly")?,
            last_change: opt_time(el, "lastChange", "FindMembership/lastChange")?,
        }),
        AbOperation::AddMember | AbOperation::DeleteMember => {
            let change = MemberChange {
                service: read_handle(el.req("serviceHandle", "serviceHandle")?),
                memberships: match el.child("memberships") {
                    Some(m) => m
                        .children_named("Membership")
                        .map(read_membership)
                        .collect::<Result<_, _>>()?,
                    None => Vec::new(),
                },
            };
            if op == AbOperation::AddMember {
                AbRequestBody::AddMember(change)
            } else {
                AbRequestBody::DeleteMember(change)
            }
        }
    })
}
