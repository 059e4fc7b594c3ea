//! Address-book and sharing data types shared by requests and responses.

use crate::error::SoapError;
use crate::time::{SoapDateTime, opt_time};
use crate::xml::{Element, XmlOut, opt_bool};

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $s:literal),* $(,)? }) => {
        $(#[$m])*
        #[non_exhaustive]
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        #[cfg_attr(feature = "serde", serde(into = "String", from = "String"))]
        pub enum $name {
            $($(#[$vm])* $v,)*
            /// A value this crate does not know, kept verbatim.
            Other(String),
        }
        impl $name {
            /// The wire spelling.
            pub fn as_str(&self) -> &str {
                match self { $(Self::$v => $s,)* Self::Other(s) => s }
            }
        }
        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s { $($s => Self::$v,)* o => Self::Other(o.to_owned()) }
            }
        }
        impl From<String> for $name {
            fn from(s: String) -> Self { Self::from(s.as_str()) }
        }
        impl From<$name> for String {
            fn from(v: $name) -> String { v.as_str().to_owned() }
        }
        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result { f.write_str(self.as_str()) }
        }
    };
}

string_enum!(
    /// `contactInfo/contactType`.
    ContactType {
        /// Yourself: settings and own friendly name.
        Me = "Me",
        /// Ordinary contact.
        Regular = "Regular",
        /// Messenger contact.
        Messenger = "Messenger",
        /// Federated (Yahoo) messenger contact.
        Messenger2 = "Messenger2",
        /// Pending Live contact (used when adding a buddy).
        LivePending = "LivePending",
        /// Live contact.
        Live = "Live",
        /// A circle (group chat) address book.
        Circle = "Circle",
    }
);

string_enum!(
    /// `MemberRole` of a sharing-service membership.
    MemberRole {
        /// Allow list (AL, bit 2).
        Allow = "Allow",
        /// Block list (BL, bit 4).
        Block = "Block",
        /// Reverse list (RL, bit 8).
        Reverse = "Reverse",
        /// Pending list (PL, bit 16).
        Pending = "Pending",
        /// Profile expansion (not an IM list).
        ProfileExpansion = "ProfileExpansion",
    }
);

impl MemberRole {
    /// The MSNP list bit (`ADL l=`): Allow 2, Block 4, Reverse 8, Pending 16.
    ///
    /// ```
    /// assert_eq!(msnp_soap::abch::MemberRole::Block.list_bit(), Some(4));
    /// ```
    pub fn list_bit(&self) -> Option<u8> {
        match self {
            Self::Allow => Some(2),
            Self::Block => Some(4),
            Self::Reverse => Some(8),
            Self::Pending => Some(16),
            _ => None,
        }
    }
}

string_enum!(
    /// The local part of a `Member`'s `xsi:type`.
    MemberKind {
        /// `PassportMember` (Windows Live ID).
        Passport = "PassportMember",
        /// `EmailMember` (e.g. Yahoo federation).
        Email = "EmailMember",
        /// `PhoneMember`.
        Phone = "PhoneMember",
        /// `CircleMember` (MSNP18).
        Circle = "CircleMember",
        /// `RoleMember`.
        Role = "RoleMember",
    }
);

/// `Annotation{Name,Value}`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Annotation {
    /// E.g. `AB.NickName`, `MSN.IM.BLP`, `MSN.IM.InviteMessage`.
    pub name: String,
    /// The value (may be empty).
    pub value: String,
}

impl Annotation {
    /// A new annotation.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: value.into(),
        }
    }
}

/// A CID / PUID: signed 64-bit decimal as the real service sent it; an
/// unsigned value above `i64::MAX` (some revival servers print CIDs unsigned)
/// is accepted and reinterpreted as the same 64 bits.
pub(crate) fn opt_cid(
    el: &Element,
    name: &str,
    path: &'static str,
) -> Result<Option<i64>, SoapError> {
    el.child(name)
        .map(|c| {
            let s = c.trimmed();
            s.parse::<i64>()
                .or_else(|_| {
                    s.parse::<u64>()
                        .map(|u| i64::from_ne_bytes(u.to_ne_bytes()))
                })
                .map_err(|_| SoapError::BadValue {
                    path,
                    value: crate::error::clip(s),
                    expected: "a 64-bit decimal id",
                })
        })
        .transpose()
}

pub(crate) fn read_annotations(el: Option<&Element>) -> Vec<Annotation> {
    el.map(|a| {
        a.children_named("Annotation")
            .map(|x| Annotation {
                name: x.child_text("Name").unwrap_or_default(),
                value: x.child_raw("Value").unwrap_or_default(),
            })
            .collect()
    })
    .unwrap_or_default()
}

pub(crate) fn write_annotations(w: &mut XmlOut, tag: &str, list: &[Annotation]) {
    if list.is_empty() {
        return;
    }
    w.start(tag, &[]);
    for a in list {
        w.start("Annotation", &[]);
        w.leaf("Name", &a.name);
        w.leaf("Value", &a.value);
        w.end("Annotation");
    }
    w.end(tag);
}

/// `contactInfo/emails/ContactEmail`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ContactEmail {
    /// `contactEmailType` (`ContactEmailPersonal`, `Messenger2`, …).
    pub email_type: String,
    /// `email`.
    pub email: String,
    /// `isMessengerEnabled`.
    pub is_messenger_enabled: Option<bool>,
    /// `Capability`.
    pub capability: Option<String>,
    /// `MessengerEnabledExternally`.
    pub messenger_enabled_externally: Option<bool>,
    /// `propertiesChanged`.
    pub properties_changed: Option<String>,
}

impl ContactEmail {
    /// A `Messenger2` (Yahoo, network 32) messenger-enabled email.
    pub fn yahoo(email: impl Into<String>) -> Self {
        Self {
            email_type: "Messenger2".into(),
            email: email.into(),
            is_messenger_enabled: Some(true),
            capability: Some("32".into()),
            messenger_enabled_externally: None,
            properties_changed: Some("Email IsMessengerEnabled Capability".into()),
        }
    }
}

/// `contactInfo/phones/ContactPhone`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ContactPhone {
    /// `contactPhoneType` (`ContactPhoneMobile`, …).
    pub phone_type: String,
    /// `number`.
    pub number: String,
    /// `isMessengerEnabled`.
    pub is_messenger_enabled: Option<bool>,
}

/// `contactInfo/MessengerMemberInfo` (invitation when adding a contact).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MessengerMemberInfo {
    /// `PendingAnnotations` (e.g. `MSN.IM.InviteMessage`).
    pub pending_annotations: Vec<Annotation>,
    /// `DisplayName`: your friendly name shown to the invitee.
    pub display_name: Option<String>,
}

/// `contactInfo`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ContactInfo {
    /// `contactType`.
    pub contact_type: Option<ContactType>,
    /// `quickName`.
    pub quick_name: Option<String>,
    /// `passportName` (absent for email-only contacts).
    pub passport_name: Option<String>,
    /// `isMessengerUser`.
    pub is_messenger_user: Option<bool>,
    /// `MessengerMemberInfo`.
    pub messenger_member_info: Option<MessengerMemberInfo>,
    /// `displayName`.
    pub display_name: Option<String>,
    /// `groupIds/guid`.
    pub group_ids: Vec<String>,
    /// `annotations/Annotation`.
    pub annotations: Vec<Annotation>,
    /// `emails/ContactEmail`.
    pub emails: Vec<ContactEmail>,
    /// `phones/ContactPhone`.
    pub phones: Vec<ContactPhone>,
    /// `CID` (signed 64-bit).
    pub cid: Option<i64>,
    /// `hasSpace`.
    pub has_space: Option<bool>,
    /// `isFavorite`.
    pub is_favorite: Option<bool>,
    /// `birthdate`, verbatim: servers send `xs:dateTime` (`0001-01-01T00:00:00`
    /// = unset) but also other date spellings, and an optional profile field
    /// must not make the whole address book unreadable. Parse it with
    /// [`SoapDateTime::parse`] when needed.
    pub birthdate: Option<String>,
}

/// A `Contact` (address-book entry, or the body of an add/update request).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Contact {
    /// `contactId` GUID.
    pub contact_id: Option<String>,
    /// `contactInfo` (absent in delete requests).
    pub info: Option<ContactInfo>,
    /// `propertiesChanged`: space-separated list (update requests).
    pub properties_changed: Option<String>,
    /// `fDeleted`: `true` in delta responses = removed.
    pub deleted: Option<bool>,
    /// `lastChange`.
    pub last_change: Option<SoapDateTime>,
}

impl Contact {
    /// A contact reference by id only (delete / group operations).
    pub fn by_id(id: impl Into<String>) -> Self {
        Self {
            contact_id: Some(id.into()),
            ..Self::default()
        }
    }

    /// The contact's account: `passportName`, else a messenger-enabled email.
    pub fn account(&self) -> Option<&str> {
        let info = self.info.as_ref()?;
        info.passport_name.as_deref().or_else(|| {
            info.emails
                .iter()
                .find(|e| e.is_messenger_enabled == Some(true))
                .map(|e| e.email.as_str())
        })
    }

    /// The annotation value named `name`.
    pub fn annotation(&self, name: &str) -> Option<&str> {
        self.info
            .as_ref()?
            .annotations
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.value.as_str())
    }

    /// MSNP network id: 32 for a messenger-enabled `Messenger2` email contact, else 1 when it has a passport.
    pub fn network(&self) -> Option<u32> {
        let info = self.info.as_ref()?;
        if info.passport_name.is_some() {
            return Some(1);
        }
        info.emails
            .iter()
            .any(|e| e.email_type == "Messenger2" && e.is_messenger_enabled == Some(true))
            .then_some(32)
    }
}

pub(crate) fn read_contact(c: &Element) -> Result<Contact, SoapError> {
    let info = match c.child("contactInfo") {
        None => None,
        Some(i) => Some(ContactInfo {
            contact_type: i
                .child_text("contactType")
                .map(|s| ContactType::from(s.as_str())),
            quick_name: i.child_raw("quickName"),
            passport_name: i.child_text("passportName"),
            is_messenger_user: opt_bool(
                i,
                "isMessengerUser",
                "Contact/contactInfo/isMessengerUser",
            )?,
            messenger_member_info: i.child("MessengerMemberInfo").map(|m| MessengerMemberInfo {
                pending_annotations: read_annotations(m.child("PendingAnnotations")),
                display_name: m.child_raw("DisplayName"),
            }),
            display_name: i.child_raw("displayName"),
            group_ids: i
                .child("groupIds")
                .map(|g| {
                    g.children_named("guid")
                        .map(|x| x.trimmed().to_owned())
                        .collect()
                })
                .unwrap_or_default(),
            annotations: read_annotations(i.child("annotations")),
            emails: match i.child("emails") {
                None => Vec::new(),
                Some(e) => e
                    .children_named("ContactEmail")
                    .map(|x| {
                        Ok(ContactEmail {
                            email_type: x.child_text("contactEmailType").unwrap_or_default(),
                            email: x.child_text("email").unwrap_or_default(),
                            is_messenger_enabled: opt_bool(
                                x,
                                "isMessengerEnabled",
                                "ContactEmail/isMessengerEnabled",
                            )?,
                            capability: x.child_text("Capability"),
                            messenger_enabled_externally: opt_bool(
                                x,
                                "MessengerEnabledExternally",
                                "ContactEmail/MessengerEnabledExternally",
                            )?,
                            properties_changed: x.child_text("propertiesChanged"),
                        })
                    })
                    .collect::<Result<_, SoapError>>()?,
            },
            phones: match i.child("phones") {
                None => Vec::new(),
                Some(e) => e
                    .children_named("ContactPhone")
                    .map(|x| {
                        Ok(ContactPhone {
                            phone_type: x.child_text("contactPhoneType").unwrap_or_default(),
                            number: x.child_text("number").unwrap_or_default(),
                            is_messenger_enabled: opt_bool(
                                x,
                                "isMessengerEnabled",
                                "ContactPhone/isMessengerEnabled",
                            )?,
                        })
                    })
                    .collect::<Result<_, SoapError>>()?,
            },
            cid: opt_cid(i, "CID", "Contact/contactInfo/CID")?,
            has_space: opt_bool(i, "hasSpace", "Contact/contactInfo/hasSpace")?,
            is_favorite: opt_bool(i, "isFavorite", "Contact/contactInfo/isFavorite")?,
            birthdate: i.child_text("birthdate"),
        }),
    };
    Ok(Contact {
        contact_id: c.child_text("contactId"),
        info,
        properties_changed: c.child_text("propertiesChanged"),
        deleted: opt_bool(c, "fDeleted", "Contact/fDeleted")?,
        last_change: opt_time(c, "lastChange", "Contact/lastChange")?,
    })
}

pub(crate) fn write_contact(w: &mut XmlOut, c: &Contact, with_ns: bool) {
    if with_ns {
        w.start("Contact", &[("xmlns", crate::ns::AB)]);
    } else {
        w.start("Contact", &[]);
    }
    w.opt_leaf("contactId", c.contact_id.as_deref());
    if let Some(i) = &c.info {
        w.start("contactInfo", &[]);
        if let Some(t) = &i.contact_type {
            w.leaf("contactType", t.as_str());
        }
        w.opt_leaf("quickName", i.quick_name.as_deref());
        w.opt_leaf("passportName", i.passport_name.as_deref());
        w.opt_bool_leaf("isMessengerUser", i.is_messenger_user);
        if let Some(m) = &i.messenger_member_info {
            w.start("MessengerMemberInfo", &[]);
            write_annotations(w, "PendingAnnotations", &m.pending_annotations);
            w.opt_leaf("DisplayName", m.display_name.as_deref());
            w.end("MessengerMemberInfo");
        }
        w.opt_leaf("displayName", i.display_name.as_deref());
        if !i.group_ids.is_empty() {
            w.start("groupIds", &[]);
            for g in &i.group_ids {
                w.leaf("guid", g);
            }
            w.end("groupIds");
        }
        write_annotations(w, "annotations", &i.annotations);
        if !i.emails.is_empty() {
            w.start("emails", &[]);
            for e in &i.emails {
                w.start("ContactEmail", &[]);
                w.leaf("contactEmailType", &e.email_type);
                w.leaf("email", &e.email);
                w.opt_bool_leaf("isMessengerEnabled", e.is_messenger_enabled);
                w.opt_leaf("Capability", e.capability.as_deref());
                w.opt_bool_leaf("MessengerEnabledExternally", e.messenger_enabled_externally);
                w.opt_leaf("propertiesChanged", e.properties_changed.as_deref());
                w.end("ContactEmail");
            }
            w.end("emails");
        }
        if !i.phones.is_empty() {
            w.start("phones", &[]);
            for p in &i.phones {
                w.start("ContactPhone", &[]);
                w.leaf("contactPhoneType", &p.phone_type);
                w.leaf("number", &p.number);
                w.opt_bool_leaf("isMessengerEnabled", p.is_messenger_enabled);
                w.end("ContactPhone");
            }
            w.end("phones");
        }
        if let Some(cid) = i.cid {
            w.leaf("CID", &cid.to_string());
        }
        w.opt_bool_leaf("hasSpace", i.has_space);
        w.opt_bool_leaf("isFavorite", i.is_favorite);
        w.opt_leaf("birthdate", i.birthdate.as_deref());
        w.end("contactInfo");
    }
    w.opt_leaf("propertiesChanged", c.properties_changed.as_deref());
    w.opt_bool_leaf("fDeleted", c.deleted);
    if let Some(t) = &c.last_change {
        w.leaf("lastChange", &t.to_xml());
    }
    w.end("Contact");
}

/// The normal group type GUID.
pub const GROUP_TYPE_NORMAL: &str = "C8529CE2-6EAD-434D-881F-341E17DB3FF8";

/// `groupInfo` / `GroupInfo`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GroupInfo {
    /// `name`.
    pub name: String,
    /// `groupType` ([`GROUP_TYPE_NORMAL`]).
    pub group_type: Option<String>,
    /// `fMessenger`.
    pub messenger: Option<bool>,
    /// `IsFavorite` (MSNP18 favourites group).
    pub is_favorite: Option<bool>,
    /// `annotations` (`MSN.IM.Display`).
    pub annotations: Vec<Annotation>,
}

impl GroupInfo {
    /// A normal messenger group as WLM creates it.
    pub fn normal(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            group_type: Some(GROUP_TYPE_NORMAL.into()),
            messenger: Some(false),
            is_favorite: None,
            annotations: vec![Annotation::new("MSN.IM.Display", "1")],
        }
    }
}

/// A `Group`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Group {
    /// `groupId` GUID.
    pub group_id: String,
    /// `groupInfo`.
    pub info: GroupInfo,
    /// `propertiesChanged` (`GroupName` in updates).
    pub properties_changed: Option<String>,
    /// `fDeleted`.
    pub deleted: Option<bool>,
    /// `lastChange`.
    pub last_change: Option<SoapDateTime>,
}

pub(crate) fn read_group_info(i: &Element) -> Result<GroupInfo, SoapError> {
    Ok(GroupInfo {
        name: i.child_raw("name").unwrap_or_default(),
        group_type: i.child_text("groupType"),
        messenger: opt_bool(i, "fMessenger", "groupInfo/fMessenger")?,
        is_favorite: opt_bool(i, "IsFavorite", "groupInfo/IsFavorite")?,
        annotations: read_annotations(i.child("annotations")),
    })
}

pub(crate) fn write_group_info(w: &mut XmlOut, tag: &str, i: &GroupInfo) {
    w.start(tag, &[]);
    w.leaf("name", &i.name);
    w.opt_leaf("groupType", i.group_type.as_deref());
    w.opt_bool_leaf("fMessenger", i.messenger);
    w.opt_bool_leaf("IsFavorite", i.is_favorite);
    write_annotations(w, "annotations", &i.annotations);
    w.end(tag);
}

pub(crate) fn read_group(g: &Element) -> Result<Group, SoapError> {
    Ok(Group {
        group_id: g
            .child_text("groupId")
            .ok_or(SoapError::Missing("Group/groupId"))?,
        info: match g.child("groupInfo") {
            Some(i) => read_group_info(i)?,
            None => GroupInfo::default(),
        },
        properties_changed: g.child_text("propertiesChanged"),
        deleted: opt_bool(g, "fDeleted", "Group/fDeleted")?,
        last_change: opt_time(g, "lastChange", "Group/lastChange")?,
    })
}

pub(crate) fn write_group(w: &mut XmlOut, g: &Group) {
    w.start("Group", &[]);
    w.leaf("groupId", &g.group_id);
    write_group_info(w, "groupInfo", &g.info);
    w.opt_leaf("propertiesChanged", g.properties_changed.as_deref());
    w.opt_bool_leaf("fDeleted", g.deleted);
    if let Some(t) = &g.last_change {
        w.leaf("lastChange", &t.to_xml());
    }
    w.end("Group");
}

/// A sharing-service `Member`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Member {
    /// Local part of `xsi:type`.
    pub kind: MemberKind,
    /// `MembershipId`.
    pub membership_id: Option<String>,
    /// `Type` (`Passport`, `Email`, `Phone`, `Circle`).
    pub member_type: Option<String>,
    /// `DisplayName`.
    pub display_name: Option<String>,
    /// `State` (`Accepted`).
    pub state: Option<String>,
    /// `Deleted`.
    pub deleted: Option<bool>,
    /// `LastChanged`.
    pub last_changed: Option<SoapDateTime>,
    /// `JoinedDate`.
    pub joined_date: Option<SoapDateTime>,
    /// `ExpirationDate`.
    pub expiration_date: Option<SoapDateTime>,
    /// The account: `PassportName`, `Email`, `PhoneNumber` or `CircleId` by kind.
    pub account: Option<String>,
    /// `IsPassportNameHidden`.
    pub is_passport_name_hidden: Option<bool>,
    /// `PassportId`.
    pub passport_id: Option<i64>,
    /// `CID`.
    pub cid: Option<i64>,
    /// `Annotations` (`MSN.IM.BuddyType`, `MSN.IM.InviteMessage`).
    pub annotations: Vec<Annotation>,
}

impl Member {
    /// A `PassportMember` with `State` `Accepted` (AddMember/DeleteMember).
    pub fn passport(account: impl Into<String>) -> Self {
        Self {
            kind: MemberKind::Passport,
            membership_id: None,
            member_type: Some("Passport".into()),
            display_name: None,
            state: Some("Accepted".into()),
            deleted: None,
            last_changed: None,
            joined_date: None,
            expiration_date: None,
            account: Some(account.into()),
            is_passport_name_hidden: None,
            passport_id: None,
            cid: None,
            annotations: Vec::new(),
        }
    }

    /// An `EmailMember` on `network` (32 = Yahoo) via the `MSN.IM.BuddyType` annotation.
    pub fn email(account: impl Into<String>, network: u32) -> Self {
        Self {
            kind: MemberKind::Email,
            member_type: Some("Email".into()),
            annotations: vec![Annotation::new("MSN.IM.BuddyType", format!("{network}:"))],
            ..Self::passport(account)
        }
    }

    /// MSNP network id: the leading number of `MSN.IM.BuddyType`, else 1 for passport members
    /// and 9 for circle members (MSNP18).
    pub fn network(&self) -> Option<u32> {
        if let Some(a) = self
            .annotations
            .iter()
            .find(|a| a.name == "MSN.IM.BuddyType")
        {
            let digits: &str = a.value.split(':').next().unwrap_or_default();
            if let Ok(n) = digits.trim().parse() {
                return Some(n);
            }
        }
        match self.kind {
            MemberKind::Passport => Some(1),
            MemberKind::Circle => Some(9),
            _ => None,
        }
    }

    /// The member's account as the `<ml>` and routed addresses name it: a circle's bare
    /// `CircleId` GUID becomes `guid@live.com` (commands.md §5.1); others as sent.
    pub fn list_account(&self) -> Option<std::borrow::Cow<'_, str>> {
        let acc = self.account.as_deref()?;
        Some(match self.kind {
            MemberKind::Circle if !acc.contains('@') => format!("{acc}@live.com").into(),
            _ => acc.into(),
        })
    }

    /// The pending invitation message (`MSN.IM.InviteMessage`).
    pub fn invite_message(&self) -> Option<&str> {
        self.annotations
            .iter()
            .find(|a| a.name == "MSN.IM.InviteMessage")
            .map(|a| a.value.as_str())
    }

    fn account_tag(&self) -> &'static str {
        match self.kind {
            MemberKind::Email => "Email",
            MemberKind::Phone => "PhoneNumber",
            MemberKind::Circle => "CircleId",
            _ => "PassportName",
        }
    }
}

pub(crate) fn read_member(m: &Element) -> Result<Member, SoapError> {
    let xsi = m
        .attrs
        .iter()
        .find(|a| a.name == "type" && (a.ns.as_deref() == Some(crate::ns::XSI) || a.ns.is_none()))
        .map(|a| {
            a.value
                .rsplit_once(':')
                .map_or(a.value.as_str(), |(_, l)| l)
        });
    let member_type = m.child_text("Type");
    let kind = match (xsi, member_type.as_deref()) {
        (Some(k), _) => MemberKind::from(k),
        (None, Some("Email")) => MemberKind::Email,
        (None, Some("Phone")) => MemberKind::Phone,
        (None, Some("Circle")) => MemberKind::Circle,
        _ => MemberKind::Passport,
    };
    let account = m
        .child_any(&["PassportName", "Email", "PhoneNumber", "CircleId"])
        .map(|e| e.trimmed().to_owned());
    Ok(Member {
        kind,
        membership_id: m.child_text("MembershipId"),
        member_type,
        display_name: m.child_raw("DisplayName"),
        state: m.child_text("State"),
        deleted: opt_bool(m, "Deleted", "Member/Deleted")?,
        last_changed: opt_time(m, "LastChanged", "Member/LastChanged")?,
        joined_date: opt_time(m, "JoinedDate", "Member/JoinedDate")?,
        expiration_date: opt_time(m, "ExpirationDate", "Member/ExpirationDate")?,
        account,
        is_passport_name_hidden: opt_bool(
            m,
            "IsPassportNameHidden",
            "Member/IsPassportNameHidden",
        )?,
        passport_id: opt_cid(m, "PassportId", "Member/PassportId")?,
        cid: opt_cid(m, "CID", "Member/CID")?,
        annotations: read_annotations(m.child("Annotations")),
    })
}

pub(crate) fn write_member(w: &mut XmlOut, m: &Member) {
    w.start(
        "Member",
        &[("xsi:type", m.kind.as_str()), ("xmlns:xsi", crate::ns::XSI)],
    );
    w.opt_leaf("MembershipId", m.membership_id.as_deref());
    w.opt_leaf("Type", m.member_type.as_deref());
    w.opt_leaf("DisplayName", m.display_name.as_deref());
    w.opt_leaf("State", m.state.as_deref());
    write_annotations(w, "Annotations", &m.annotations);
    w.opt_bool_leaf("Deleted", m.deleted);
    for (tag, t) in [
        ("LastChanged", &m.last_changed),
        ("JoinedDate", &m.joined_date),
        ("ExpirationDate", &m.expiration_date),
    ] {
        if let Some(t) = t {
            w.leaf(tag, &t.to_xml());
        }
    }
    w.opt_leaf(m.account_tag(), m.account.as_deref());
    w.opt_bool_leaf("IsPassportNameHidden", m.is_passport_name_hidden);
    if let Some(v) = m.passport_id {
        w.leaf("PassportId", &v.to_string());
    }
    if let Some(v) = m.cid {
        w.leaf("CID", &v.to_string());
    }
    w.end("Member");
}

/// A `Membership`: one role and its members.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Membership {
    /// `MemberRole`.
    pub role: MemberRole,
    /// `Members/Member`.
    pub members: Vec<Member>,
    /// `MembershipIsComplete`.
    pub is_complete: Option<bool>,
}

pub(crate) fn read_membership(m: &Element) -> Result<Membership, SoapError> {
    Ok(Membership {
        role: MemberRole::from(
            m.child("MemberRole")
                .ok_or(SoapError::Missing("Membership/MemberRole"))?
                .trimmed(),
        ),
        members: match m.child("Members") {
            Some(ms) => ms
                .children_named("Member")
                .map(read_member)
                .collect::<Result<_, _>>()?,
            None => Vec::new(),
        },
        is_complete: opt_bool(m, "MembershipIsComplete", "Membership/MembershipIsComplete")?,
    })
}

pub(crate) fn write_membership(w: &mut XmlOut, m: &Membership) {
    w.start("Membership", &[]);
    w.leaf("MemberRole", m.role.as_str());
    w.start("Members", &[]);
    for x in &m.members {
        write_member(w, x);
    }
    w.end("Members");
    w.opt_bool_leaf("MembershipIsComplete", m.is_complete);
    w.end("Membership");
}

/// `serviceHandle` / `Info/Handle`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ServiceHandle {
    /// `Id` (`0` in requests).
    pub id: String,
    /// `Type` (`Messenger`).
    pub service_type: String,
    /// `ForeignId` (usually empty).
    pub foreign_id: Option<String>,
}

impl ServiceHandle {
    /// `<Id>0</Id><Type>Messenger</Type><ForeignId></ForeignId>`.
    pub fn messenger() -> Self {
        Self {
            id: "0".into(),
            service_type: "Messenger".into(),
            foreign_id: Some(String::new()),
        }
    }
}

pub(crate) fn read_handle(h: &Element) -> ServiceHandle {
    ServiceHandle {
        id: h.child_text("Id").unwrap_or_default(),
        service_type: h.child_text("Type").unwrap_or_default(),
        foreign_id: h.child_text("ForeignId"),
    }
}

pub(crate) fn write_handle(w: &mut XmlOut, tag: &str, h: &ServiceHandle) {
    w.start(tag, &[]);
    w.leaf("Id", &h.id);
    w.leaf("Type", &h.service_type);
    w.opt_leaf("ForeignId", h.foreign_id.as_deref());
    w.end(tag);
}
