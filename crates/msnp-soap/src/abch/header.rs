//! `ABApplicationHeader` / `ABAuthHeader` (requests) and `ServiceHeader` (responses).

use crate::error::SoapError;
use crate::xml::{Element, XmlOut, opt_bool};

/// Seen `ApplicationId` values (any GUID is accepted by revival servers).
pub mod application_id {
    /// XSD fixed value / WLM 8 era (libpurple 2007).
    pub const WLM8: &str = "09607671-1C32-421F-A6A6-CBFAA51AB5F4";
    /// papyon.
    pub const PAPYON: &str = "996CDE1E-AA53-4477-B943-2BE802EA6166";
    /// later libpurple.
    pub const LIBPURPLE: &str = "F6D2794D-501F-443A-ADBE-8F1490FF30FD";
    /// msnp-sharp.
    pub const MSNP_SHARP: &str = "3794391A-4816-4BAC-B34B-6EC7FB5046C6";
}

/// `PartnerScenario` values used by clients (servers do not validate them).
pub mod scenario {
    /// Login fetch.
    pub const INITIAL: &str = "Initial";
    /// Periodic/deltas, deletes.
    pub const TIMER: &str = "Timer";
    /// Contact add/update.
    pub const CONTACT_SAVE: &str = "ContactSave";
    /// Group add/rename.
    pub const GROUP_SAVE: &str = "GroupSave";
    /// Accepting/declining pending contacts.
    pub const MESSENGER_PENDING_LIST: &str = "MessengerPendingList";
    /// Messenger API changes.
    pub const CONTACT_MSGR_API: &str = "ContactMsgrAPI";
    /// AL/BL changes.
    pub const BLOCK_UNBLOCK: &str = "BlockUnblock";
    /// Refetch after an ABCH `NOT`.
    pub const AB_CHANGE_NOTIFY_ALERT: &str = "ABChangeNotifyAlert";
}

/// The request header of every AddressBook and Sharing call.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AbHeader {
    /// `ABApplicationHeader/ApplicationId`.
    pub application_id: String,
    /// `IsMigration`.
    pub is_migration: bool,
    /// `PartnerScenario` (see [`scenario`]).
    pub partner_scenario: String,
    /// `CacheKey`: echo the last `ServiceHeader/CacheKey` received.
    pub cache_key: Option<String>,
    /// `BrandId`.
    pub brand_id: Option<String>,
    /// `ABAuthHeader/ManagedGroupRequest`.
    pub managed_group_request: bool,
    /// `ABAuthHeader/TicketToken`: the `contacts.msn.com` token `t=…&p=…` (MSNP15+).
    /// `None` for MSNP13/14, which authenticate with an HTTP `Cookie: MSPAuth=` instead.
    pub ticket_token: Option<String>,
}

impl AbHeader {
    /// A header with the WLM 8 application id, `IsMigration=false`,
    /// `ManagedGroupRequest=false` and the given scenario and ticket.
    pub fn new(partner_scenario: &str, ticket_token: Option<String>) -> Self {
        Self {
            application_id: application_id::WLM8.into(),
            is_migration: false,
            partner_scenario: partner_scenario.into(),
            cache_key: None,
            brand_id: None,
            managed_group_request: false,
            ticket_token,
        }
    }

    /// The header for protocol version `msnp` (13–18): MSNP15+ carries the
    /// `contacts.msn.com` ticket as `TicketToken`; MSNP13/14 clients send none
    /// and authenticate with the HTTP cookie from [`mspauth_cookie`] instead
    /// (spec §9.1: which one 2006/07 servers required is unsettled; revival
    /// servers accept either, so pass `Some` ticket to send both).
    ///
    /// ```
    /// use msnp_soap::abch::{AbHeader, scenario};
    /// assert_eq!(AbHeader::for_version(13, scenario::INITIAL, Some("t=a&p=b")).ticket_token, None);
    /// assert_eq!(AbHeader::for_version(15, scenario::INITIAL, Some("t=a&p=b")).ticket_token.as_deref(), Some("t=a&p=b"));
    /// ```
    pub fn for_version(msnp: u8, partner_scenario: &str, contacts_ticket: Option<&str>) -> Self {
        let ticket = if msnp >= 15 {
            contacts_ticket.map(str::to_owned)
        } else {
            None
        };
        Self::new(partner_scenario, ticket)
    }

    /// Applies a response's `ServiceHeader`: stores its `CacheKey` when
    /// `CacheKeyChanged` is `true` (or when none is held yet), so that the
    /// next request echoes it.
    pub fn update_from(&mut self, service: &ServiceHeader) {
        if let Some(key) = &service.cache_key
            && (service.cache_key_changed == Some(true) || self.cache_key.is_none())
        {
            self.cache_key = Some(key.clone());
        }
    }

    pub(crate) fn write(&self, w: &mut XmlOut) {
        w.start("soap:Header", &[]);
        w.start("ABApplicationHeader", &[("xmlns", crate::ns::AB)]);
        w.leaf("ApplicationId", &self.application_id);
        w.bool_leaf("IsMigration", self.is_migration);
        w.leaf("PartnerScenario", &self.partner_scenario);
        w.opt_leaf("CacheKey", self.cache_key.as_deref());
        w.opt_leaf("BrandId", self.brand_id.as_deref());
        w.end("ABApplicationHeader");
        w.start("ABAuthHeader", &[("xmlns", crate::ns::AB)]);
        w.bool_leaf("ManagedGroupRequest", self.managed_group_request);
        w.opt_leaf("TicketToken", self.ticket_token.as_deref());
        w.end("ABAuthHeader");
        w.end("soap:Header");
    }

    pub(crate) fn read(h: &Element) -> Result<Self, SoapError> {
        let app = h.req("ABApplicationHeader", "Header/ABApplicationHeader")?;
        let auth = h.child("ABAuthHeader");
        Ok(Self {
            application_id: app.child_text("ApplicationId").unwrap_or_default(),
            is_migration: opt_bool(app, "IsMigration", "ABApplicationHeader/IsMigration")?
                .unwrap_or(false),
            partner_scenario: app.child_text("PartnerScenario").unwrap_or_default(),
            cache_key: app.child_text("CacheKey"),
            brand_id: app.child_text("BrandId"),
            managed_group_request: match auth {
                Some(a) => opt_bool(a, "ManagedGroupRequest", "ABAuthHeader/ManagedGroupRequest")?
                    .unwrap_or(false),
                None => false,
            },
            ticket_token: auth.and_then(|a| a.child_text("TicketToken")),
        })
    }
}

/// The HTTP `Cookie` header value MSNP13/14 clients sent to ABCH:
/// `MSPAuth=<MSPAuth from the initial profile MSG>`.
pub fn mspauth_cookie(mspauth: &str) -> String {
    format!("MSPAuth={mspauth}")
}

/// The `ServiceHeader` of every AddressBook and Sharing response.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ServiceHeader {
    /// `Version`.
    pub version: Option<String>,
    /// `CacheKey`: store when [`cache_key_changed`](Self::cache_key_changed) and echo it.
    pub cache_key: Option<String>,
    /// `CacheKeyChanged`.
    pub cache_key_changed: Option<bool>,
    /// `PreferredHostName`: the host for later ABCH calls.
    pub preferred_host_name: Option<String>,
    /// `SessionId`.
    pub session_id: Option<String>,
}

impl ServiceHeader {
    pub(crate) fn read(h: &Element) -> Result<Option<Self>, SoapError> {
        let Some(s) = h.child("ServiceHeader") else {
            return Ok(None);
        };
        Ok(Some(Self {
            version: s.child_text("Version"),
            cache_key: s.child_text("CacheKey"),
            cache_key_changed: opt_bool(s, "CacheKeyChanged", "ServiceHeader/CacheKeyChanged")?,
            preferred_host_name: s.child_text("PreferredHostName"),
            session_id: s.child_text("SessionId"),
        }))
    }

    pub(crate) fn write(&self, w: &mut XmlOut) {
        w.start("soap:Header", &[]);
        w.start("ServiceHeader", &[("xmlns", crate::ns::AB)]);
        w.opt_leaf("Version", self.version.as_deref());
        w.opt_leaf("CacheKey", self.cache_key.as_deref());
        w.opt_bool_leaf("CacheKeyChanged", self.cache_key_changed);
        w.opt_leaf("PreferredHostName", self.preferred_host_name.as_deref());
        w.opt_leaf("SessionId", self.session_id.as_deref());
        w.end("ServiceHeader");
        w.end("soap:Header");
    }
}
