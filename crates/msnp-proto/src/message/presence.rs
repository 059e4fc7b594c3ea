//! Presence: `CHG` (own status), `ILN`/`NLN` (contact online), `FLN` (contact offline), `UBX`
//! (contact's personal message document).

use std::borrow::Cow;

use super::Ctx;
use super::args::{Args, Line, Sink};
use super::own::owned;
use super::{MessageError, invalid};
use crate::caps::ClientCapabilities;
use crate::error::EncodeError;
use crate::network::{Handle, NetworkId};
use crate::status::PresenceStatus;
use crate::text::UrlText;
use crate::verb::{TrId, Verb};
use crate::version::ProtocolVersion as V;

fn status(a: &Args<'_, '_>, i: usize) -> Result<PresenceStatus, MessageError> {
    a.code(i, PresenceStatus::parse_bytes, "a presence status")
}

/// `CHG trid status {caps {msnobj}}`: set own status (client) or its confirmation (server,
/// same shape; `CHG 0 …` when the server forces a change).
///
/// ```
/// use msnp_proto::{Dialect, Message, PresenceStatus, ProtocolVersion, TrId, ClientCapabilities};
/// use msnp_proto::message::Chg;
/// let chg = Message::Chg(Chg {
///     trid: TrId(12),
///     status: PresenceStatus::Busy,
///     capabilities: Some(ClientCapabilities::new(1342177280)),
///     msn_object: None,
/// });
/// let d = Dialect::notification(ProtocolVersion::Msnp11);
/// assert_eq!(chg.to_vec(&d).unwrap(), b"CHG 12 BSY 1342177280\r\n");
/// // MSNP7 has no capabilities.
/// assert!(chg.to_vec(&Dialect::notification(ProtocolVersion::Msnp7)).is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chg<'a> {
    /// Transaction ID.
    pub trid: TrId,
    /// The status.
    pub status: PresenceStatus,
    /// Client capabilities (MSNP8+; `caps:capsex` 16+).
    pub capabilities: Option<ClientCapabilities>,
    /// URL-encoded MSN object (display picture), MSNP9+; `0` when none in some clients.
    pub msn_object: Option<UrlText<'a>>,
}
owned!(Chg {
    trid,
    status,
    capabilities,
    msn_object
});

fn chg_arity(v: V) -> (usize, usize) {
    match v {
        _ if v <= V::Msnp7 => (1, 1),
        V::Msnp8 => (1, 2),
        _ => (1, 3),
    }
}

impl<'a> Chg<'a> {
    pub(crate) fn decode(a: &Args<'_, 'a>, d: &Ctx) -> Result<Self, MessageError> {
        let (min, max) = chg_arity(d.version);
        a.arity(min, max)?;
        Ok(Self {
            trid: a.trid()?,
            status: status(a, 0)?,
            capabilities: if a.n > 1 { Some(a.caps(1)?) } else { None },
            msn_object: a.opt_url(2)?,
        })
    }

    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        if self.msn_object.is_some() && self.capabilities.is_none() {
            return Err(invalid("CHG msn_object", "needs capabilities before it"));
        }
        let mut l = Line::new(s, d, verb, Some(self.trid));
        l.str_dyn(self.status.as_str());
        if let Some(c) = &self.capabilities {
            l.caps(c);
        }
        l.opt_url(&self.msn_object);
        let (min, max) = chg_arity(d.version);
        l.arity(min, max);
        l.end()
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Chg<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("status", &self.status)?;
        crate::network::ser::entries(&mut m, crate::network::ser::HANDLE, None, None)?;
        m.serialize_entry("friendly_name", &None::<&str>)?;
        m.serialize_entry("capabilities", &self.capabilities.map(|c| c.caps))?;
        m.serialize_entry("capabilities_ex", &self.capabilities.and_then(|c| c.ext))?;
        m.serialize_entry("msn_object", &self.msn_object)?;
        m.end()
    }
}

/// A contact's presence as sent in `ILN` (initial, with the TrID of the request) and `NLN`
/// (change), in every version: the version decides which fields are on the wire.
///
/// | versions | shape |
/// | --- | --- |
/// | 2–7 | `status handle nick` |
/// | 8 | `status handle nick caps` |
/// | 9–13 | `status handle nick caps {msnobj}` |
/// | 14–17 | `status handle nid nick caps {msnobj} {icon-url}` (caps `caps:capsex` 16+) |
/// | 18+ | `status nid:handle{;via=…} nick caps:capsex {msnobj}` (network in the handle) |
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Presence<'a> {
    /// The status.
    pub status: PresenceStatus,
    /// The contact (18+: with the `nid:` prefix and optional `;via=`).
    pub handle: Handle<'a>,
    /// The separate network-ID argument (MSNP14–17); see [`network_id`](Self::network_id).
    pub network_id: Option<NetworkId>,
    /// Friendly name.
    pub friendly_name: UrlText<'a>,
    /// Client capabilities (MSNP8+).
    pub capabilities: Option<ClientCapabilities>,
    /// MSN object (MSNP9+), URL-encoded.
    pub msn_object: Option<UrlText<'a>>,
    /// Icon URL for interop contacts (MSNP14–17).
    pub icon_url: Option<UrlText<'a>>,
}
owned!(Presence {
    status,
    handle,
    network_id,
    friendly_name,
    capabilities,
    msn_object,
    icon_url
});

fn presence_arity(d: &Ctx) -> (usize, usize) {
    let v = d.version;
    if d.separate_network_id() {
        return (5, 7);
    }
    match v {
        _ if v <= V::Msnp7 => (3, 3),
        V::Msnp8 => (4, 4),
        _ if v <= V::Msnp13 => (4, 5),
        // `nid:handle` already in 16–17 (quirk): the icon URL may still follow.
        _ if v <= V::Msnp17 => (4, 6),
        _ => (4, 5),
    }
}

impl<'a> Presence<'a> {
    /// The contact's network: the separate argument (14–17) or the handle's prefix (18+).
    pub fn network_id(&self) -> Option<NetworkId> {
        self.network_id.or_else(|| self.handle.network())
    }

    pub(crate) fn decode(a: &Args<'_, 'a>, d: &Ctx) -> Result<Self, MessageError> {
        let v = d.version;
        let (min, max) = presence_arity(d);
        a.arity(min, max)?;
        let nid = d.separate_network_id();
        let k = usize::from(nid);
        Ok(Self {
            status: status(a, 0)?,
            handle: a.handle(1)?,
            network_id: if nid { Some(a.network(2)?) } else { None },
            friendly_name: a.url(2 + k)?,
            capabilities: if v >= V::Msnp8 {
                Some(a.caps(3 + k)?)
            } else {
                None
            },
            msn_object: a.opt_url(4 + k)?,
            icon_url: a.opt_url(5 + k)?,
        })
    }

    pub(crate) fn write_args<S: Sink>(
        &self,
        l: &mut Line<'_, S>,
        d: &Ctx,
    ) -> Result<(), EncodeError> {
        let v = d.version;
        if self.icon_url.is_some() && self.msn_object.is_none() {
            return Err(invalid("icon_url", "needs msn_object before it"));
        }
        if d.separate_network_id() != self.network_id.is_some() {
            return Err(invalid(
                "network_id",
                "a separate argument exactly in MSNP14–17",
            ));
        }
        if (v >= V::Msnp8) != self.capabilities.is_some() {
            return Err(invalid("capabilities", "present exactly from MSNP8"));
        }
        l.str_dyn(self.status.as_str());
        l.handle(&self.handle);
        if let Some(n) = self.network_id {
            l.num(u64::from(n.0));
        }
        l.url(&self.friendly_name);
        if let Some(c) = &self.capabilities {
            l.caps(c);
        }
        l.opt_url(&self.msn_object);
        l.opt_url(&self.icon_url);
        let (min, max) = presence_arity(d);
        l.arity(min, max);
        Ok(())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Presence<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("status", &self.status)?;
        crate::network::ser::entries(
            &mut m,
            crate::network::ser::HANDLE,
            Some(&self.handle),
            self.network_id,
        )?;
        m.serialize_entry("friendly_name", &self.friendly_name)?;
        m.serialize_entry("capabilities", &self.capabilities.map(|c| c.caps))?;
        m.serialize_entry("capabilities_ex", &self.capabilities.and_then(|c| c.ext))?;
        m.serialize_entry("msn_object", &self.msn_object)?;
        m.serialize_entry("icon_url", &self.icon_url)?;
        m.end()
    }
}

/// `ILN trid …`: a contact's initial presence, answering `CHG`/`ADD`/`ADC`/`ADL` (MSNP2–17).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Iln<'a> {
    /// The TrID of the request.
    pub trid: TrId,
    /// The presence.
    pub presence: Presence<'a>,
}
owned!(Iln { trid, presence });

impl<'a> Iln<'a> {
    pub(crate) fn decode(a: &Args<'_, 'a>, d: &Ctx) -> Result<Self, MessageError> {
        Ok(Self {
            trid: a.trid()?,
            presence: Presence::decode(a, d)?,
        })
    }

    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        let mut l = Line::new(s, d, verb, Some(self.trid));
        self.presence.write_args(&mut l, d)?;
        l.end()
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Iln<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.presence.serialize(s)
    }
}

impl Presence<'_> {
    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        let mut l = Line::new(s, d, verb, None);
        self.write_args(&mut l, d)?;
        l.end()
    }
}

/// `FLN …`: a contact went offline.
///
/// | versions | shape |
/// | --- | --- |
/// | 2–13 | `FLN handle` |
/// | 14–17 | `FLN handle nid caps {icon-url}` |
/// | 18+ | `FLN nid:handle{;via=…} caps:capsex {icon-url}` |
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Offline<'a> {
    /// The contact.
    pub handle: Handle<'a>,
    /// The separate network ID (MSNP14–17).
    pub network_id: Option<NetworkId>,
    /// Capabilities (MSNP14+).
    pub capabilities: Option<ClientCapabilities>,
    /// Icon URL (MSNP14+).
    pub icon_url: Option<UrlText<'a>>,
}
owned!(Offline {
    handle,
    network_id,
    capabilities,
    icon_url
});

fn fln_arity(d: &Ctx) -> (usize, usize) {
    let v = d.version;
    if d.separate_network_id() {
        return (3, 4);
    }
    match v {
        _ if v <= V::Msnp13 => (1, 1),
        _ => (2, 3),
    }
}

impl<'a> Offline<'a> {
    /// The contact's network: the separate argument (14–17) or the handle's prefix (18+).
    pub fn network_id(&self) -> Option<NetworkId> {
        self.network_id.or_else(|| self.handle.network())
    }

    pub(crate) fn decode(a: &Args<'_, 'a>, d: &Ctx) -> Result<Self, MessageError> {
        let v = d.version;
        let (min, max) = fln_arity(d);
        a.arity(min, max)?;
        let nid = d.separate_network_id();
        let k = usize::from(nid);
        Ok(Self {
            handle: a.handle(0)?,
            network_id: if nid { Some(a.network(1)?) } else { None },
            capabilities: if v >= V::Msnp14 {
                Some(a.caps(1 + k)?)
            } else {
                None
            },
            icon_url: a.opt_url(2 + k)?,
        })
    }

    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        let v = d.version;
        if d.separate_network_id() != self.network_id.is_some() {
            return Err(invalid(
                "network_id",
                "a separate argument exactly in MSNP14–17",
            ));
        }
        if (v >= V::Msnp14) != self.capabilities.is_some() {
            return Err(invalid("capabilities", "present exactly from MSNP14"));
        }
        let mut l = Line::new(s, d, verb, None);
        l.handle(&self.handle);
        if let Some(n) = self.network_id {
            l.num(u64::from(n.0));
        }
        if let Some(c) = &self.capabilities {
            l.caps(c);
        }
        l.opt_url(&self.icon_url);
        let (min, max) = fln_arity(d);
        l.arity(min, max);
        l.end()
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Offline<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("status", "FLN")?;
        crate::network::ser::entries(
            &mut m,
            crate::network::ser::HANDLE,
            Some(&self.handle),
            self.network_id,
        )?;
        m.serialize_entry("friendly_name", &None::<&str>)?;
        m.serialize_entry("capabilities", &self.capabilities.map(|c| c.caps))?;
        m.serialize_entry("capabilities_ex", &self.capabilities.and_then(|c| c.ext))?;
        m.serialize_entry("msn_object", &None::<&str>)?;
        m.serialize_entry("icon_url", &self.icon_url)?;
        m.end()
    }
}

/// `UBX handle {nid} len` + `<Data>` XML: a contact's personal message, media, endpoints
/// (MSNP11+; separate `nid` in 14–17, `nid:handle` in 18+).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ubx<'a> {
    /// The contact.
    pub handle: Handle<'a>,
    /// The separate network ID (MSNP14–17).
    pub network_id: Option<NetworkId>,
    /// The XML document, as bytes.
    pub payload: Cow<'a, [u8]>,
}
owned!(Ubx {
    handle,
    network_id,
    payload
});

impl<'a> Ubx<'a> {
    /// The contact's network: the separate argument (14–17) or the handle's prefix (18+).
    pub fn network_id(&self) -> Option<NetworkId> {
        self.network_id.or_else(|| self.handle.network())
    }

    pub(crate) fn decode(a: &Args<'_, 'a>, d: &Ctx) -> Result<Self, MessageError> {
        let nid = d.separate_network_id();
        if nid {
            a.arity(2, 2)?
        } else {
            a.arity(1, 1)?
        }
        Ok(Self {
            handle: a.handle(0)?,
            network_id: if nid { Some(a.network(1)?) } else { None },
            payload: a.payload()?,
        })
    }

    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        if d.separate_network_id() != self.network_id.is_some() {
            return Err(invalid(
                "network_id",
                "a separate argument exactly in MSNP14–17",
            ));
        }
        let mut l = Line::new(s, d, verb, None);
        l.handle(&self.handle);
        if let Some(n) = self.network_id {
            l.num(u64::from(n.0));
        }
        l.end_payload(&self.payload)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Ubx<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        crate::network::ser::entries(
            &mut m,
            crate::network::ser::HANDLE,
            Some(&self.handle),
            self.network_id,
        )?;
        m.end()
    }
}
