//! Network IDs (constants.md §3) and user handles with their network prefix and suffixes
//! (commands.md §8).

use core::fmt;

use nom::Parser;
use nom::branch::alt;
use nom::bytes::take_till1;
use nom::character::{char, digit1};
use nom::combinator::{all_consuming, map_opt, opt};
use nom::sequence::{delimited, preceded, separated_pair, terminated};

use crate::grammar::{Res, offset, till};
use crate::num::{LeadingZeros, parse_u32};
use crate::text::{TextError, Token};

/// A network ID (`nid` in commands, `t="…"` in `<ml>`): an enumeration, not a bit field.
/// Unknown values are kept (servers answer them with error 204).
///
/// ```
/// use msnp_proto::NetworkId;
/// assert_eq!(NetworkId::YAHOO, NetworkId(32));
/// assert_eq!(NetworkId::PASSPORT.name(), Some("Passport"));
/// assert_eq!(NetworkId(77).name(), None);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(transparent)
)]
pub struct NetworkId(pub u32);

impl NetworkId {
    /// 1: MSN / Windows Live (Passport).
    pub const PASSPORT: Self = Self(1);
    /// 2: Office Communicator / LCS.
    pub const LCS: Self = Self(2);
    /// 4: telephone / mobile number.
    pub const TELEPHONE: Self = Self(4);
    /// 8: Mobile Network Interop.
    pub const MNI: Self = Self(8);
    /// 9: circle (group, MSNP18+).
    pub const CIRCLE: Self = Self(9);
    /// 10: temporary group (MSNP21).
    pub const TEMPORARY_GROUP: Self = Self(10);
    /// 11: CID (MSNP21).
    pub const CID: Self = Self(11);
    /// 13: "Connect" (MSNP21).
    pub const CONNECT: Self = Self(13);
    /// 14: remote network, e.g. Facebook (MSNP21).
    pub const REMOTE_NETWORK: Self = Self(14);
    /// 16: SMTP / e-mail only (Japanese keitai).
    pub const SMTP: Self = Self(16);
    /// 32: Yahoo! Messenger.
    pub const YAHOO: Self = Self(32);

    /// Every named network ID.
    pub const KNOWN: [Self; 11] = [
        Self::PASSPORT,
        Self::LCS,
        Self::TELEPHONE,
        Self::MNI,
        Self::CIRCLE,
        Self::TEMPORARY_GROUP,
        Self::CID,
        Self::CONNECT,
        Self::REMOTE_NETWORK,
        Self::SMTP,
        Self::YAHOO,
    ];

    /// A short name for named IDs.
    pub const fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            1 => "Passport",
            2 => "LCS",
            4 => "Telephone",
            8 => "MNI",
            9 => "Circle",
            10 => "TemporaryGroup",
            11 => "CID",
            13 => "Connect",
            14 => "RemoteNetwork",
            16 => "SMTP",
            32 => "Yahoo",
            _ => return None,
        })
    }
}

impl fmt::Debug for NetworkId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => write!(f, "NetworkId({} {n})", self.0),
            None => write!(f, "NetworkId({})", self.0),
        }
    }
}

impl fmt::Display for NetworkId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Why a token is not a valid handle.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HandleError {
    /// Not a valid argument token.
    #[error(transparent)]
    Text(#[from] TextError),
    /// The address part (after the network prefix, before `;`) is empty.
    #[error("empty address")]
    EmptyAddress,
    /// The network prefix is not a decimal number in range.
    #[error("bad network prefix")]
    BadNetwork,
    /// A `;` suffix is neither `{guid}` nor `via=…`, or is repeated.
    #[error("bad handle suffix")]
    BadSuffix,
    /// The address is longer than [`MAX_ADDRESS_LEN`].
    #[error("address longer than {MAX_ADDRESS_LEN} bytes")]
    TooLong,
}

/// The longest address a handle may carry (commands.md §1: 129 bytes; some room for phone and
/// circle forms).
pub const MAX_ADDRESS_LEN: usize = 256;

/// A user handle as written in a command: `{nid:}address{;{guid}}{;via=…}`.
///
/// The wire form is kept (re-encoding is byte-exact); the parts are found on demand. The
/// network prefix is a run of digits before the first `:` (`tel:+1555…` has none).
///
/// ```
/// use msnp_proto::{Handle, NetworkId};
/// let h = Handle::parse("1:bob@hotmail.com;via=9:00000000-0000-0000-0009-0123456789ab@live.com").unwrap();
/// assert_eq!(h.network(), Some(NetworkId::PASSPORT));
/// assert_eq!(h.address(), "bob@hotmail.com");
/// assert_eq!(h.via(), Some("9:00000000-0000-0000-0009-0123456789ab@live.com"));
/// let e = Handle::parse("bob@hotmail.com;{5C4F20D2-69E8-45DF-8A2B-2D40A81C2F41}").unwrap();
/// assert_eq!(e.endpoint(), Some("{5C4F20D2-69E8-45DF-8A2B-2D40A81C2F41}"));
/// assert_eq!(e.network(), None);
/// let built = Handle::new(Some(NetworkId::YAHOO), "dave@yahoo.com", None, None).unwrap();
/// assert_eq!(built.as_str(), "32:dave@yahoo.com");
/// assert!(Handle::parse("1:").is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Handle<'a> {
    wire: Token<'a>,
    /// Byte offset of the address (after `nid:`).
    addr_start: u16,
    /// Byte offset one past the address.
    addr_end: u16,
    network: Option<NetworkId>,
    /// `(start, end)` of the endpoint suffix (`{guid}`, braces included).
    endpoint: Option<(u16, u16)>,
    /// `(start, end)` of the value after `via=`.
    via: Option<(u16, u16)>,
}

/// A server address as `XFR` and `RNG` carry it: `host:port`, the host a name, an IPv4 address
/// or a bracketed IPv6 address (kept without its brackets, ready for a resolver).
///
/// ```
/// use msnp_proto::network::HostPort;
/// let a = HostPort::parse("207.46.108.38:1863").unwrap();
/// assert_eq!((a.host, a.port), ("207.46.108.38", 1863));
/// let v6 = HostPort::parse("[2001:db8::1]:1863").unwrap();
/// assert_eq!(v6.host, "2001:db8::1");
/// assert_eq!(v6.to_string(), "[2001:db8::1]:1863");
/// assert_eq!(HostPort::parse("messenger.hotmail.com:70000").unwrap_err().offset, 22);
/// assert!(HostPort::parse("0").is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HostPort<'a> {
    /// Host name or IP address (IPv6 without brackets).
    pub host: &'a str,
    /// TCP port.
    pub port: u16,
}

/// The text is not `host:port`; `offset` is where reading stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not a host:port address (at byte {offset})")]
pub struct InvalidHostPort {
    /// Byte offset of the first byte that does not fit.
    pub offset: usize,
}

impl<'a> HostPort<'a> {
    /// Reads `host:port` (canonical decimal port, 0 – 65535).
    pub fn parse(s: &'a str) -> Result<Self, InvalidHostPort> {
        let bracketed = delimited(char('['), take_till1(|c: char| c == ']'), char(']'));
        let plain = take_till1(|c: char| c == ':' || c == '[' || c == ']');
        let port = map_opt(digit1(), |d: &str| {
            u16::try_from(parse_u32(d.as_bytes(), LeadingZeros::Reject)?).ok()
        });
        all_consuming(separated_pair(alt((bracketed, plain)), char(':'), port))
            .parse_complete(s)
            .map(|(_, (host, port))| Self { host, port })
            .map_err(|e: nom::Err<nom::error::Error<&str>>| InvalidHostPort {
                offset: match e {
                    nom::Err::Error(e) | nom::Err::Failure(e) => offset(s, e.input),
                    nom::Err::Incomplete(_) => s.len(),
                },
            })
    }
}

impl fmt::Display for HostPort<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

/// `nid:` — a run of digits and a colon at the start. A colon after anything else is part of
/// the address (`tel:+1555…`).
fn network_prefix(i: &str) -> Res<'_, Option<&str>> {
    // Only a digit can start one, and most handles are a bare address: no combinator run then.
    if !i.starts_with(|c: char| c.is_ascii_digit()) {
        return Ok((i, None));
    }
    opt(terminated(digit1(), char(':'))).parse_complete(i)
}

/// One `;…` suffix, up to the next `;`.
fn suffix(i: &str) -> Res<'_, &str> {
    preceded(char(';'), till(b';')).parse_complete(i)
}

impl<'a> Handle<'a> {
    /// Parses a handle from borrowed text.
    pub fn parse(s: &'a str) -> Result<Self, HandleError> {
        Self::from_token(Token::new(s)?)
    }

    /// Parses a handle from a token.
    pub fn from_token(wire: Token<'a>) -> Result<Self, HandleError> {
        let s = wire.as_str();
        if s.len() > MAX_ADDRESS_LEN + 128 {
            return Err(HandleError::TooLong);
        }
        let bad = |_| HandleError::BadSuffix;
        let (rest, nid) = network_prefix(s).map_err(bad)?;
        let network = match nid {
            Some(d) => Some(NetworkId(
                parse_u32(d.as_bytes(), LeadingZeros::Reject).ok_or(HandleError::BadNetwork)?,
            )),
            None => None,
        };
        let addr_start = offset(s, rest);
        let (mut rest, address) = till(b';')(rest).map_err(bad)?;
        let addr_end = addr_start + address.len();
        if address.is_empty() {
            return Err(HandleError::EmptyAddress);
        }
        if address.len() > MAX_ADDRESS_LEN {
            return Err(HandleError::TooLong);
        }
        let (mut endpoint, mut via) = (None, None);
        while !rest.is_empty() {
            let (next, part) = suffix(rest).map_err(bad)?;
            let end = offset(s, next);
            let start = end - part.len();
            if part.len() >= 2
                && part.starts_with('{')
                && part.ends_with('}')
                && endpoint.is_none()
                && via.is_none()
            {
                endpoint = Some((start as u16, end as u16));
            } else if let Some(v) = part.strip_prefix("via=") {
                if v.is_empty() || via.is_some() {
                    return Err(HandleError::BadSuffix);
                }
                via = Some(((start + 4) as u16, end as u16));
            } else {
                return Err(HandleError::BadSuffix);
            }
            rest = next;
        }
        Ok(Self {
            addr_start: addr_start as u16,
            addr_end: addr_end as u16,
            network,
            endpoint,
            via,
            wire,
        })
    }

    /// Builds a handle from its parts; `endpoint` is the braced GUID, `via` the circle address.
    pub fn new(
        network: Option<NetworkId>,
        address: &str,
        endpoint: Option<&str>,
        via: Option<&str>,
    ) -> Result<Handle<'static>, HandleError> {
        let mut s = String::with_capacity(address.len() + 64);
        if let Some(n) = network {
            s.push_str(&n.0.to_string());
            s.push(':');
        }
        s.push_str(address);
        if let Some(e) = endpoint {
            s.push(';');
            s.push_str(e);
        }
        if let Some(v) = via {
            s.push_str(";via=");
            s.push_str(v);
        }
        let h = Handle::from_token(Token::from_string(s)?)?;
        // The address must not itself look like a prefix or contain suffixes.
        if h.address() != address
            || h.network() != network
            || h.endpoint() != endpoint
            || h.via() != via
        {
            return Err(HandleError::BadSuffix);
        }
        Ok(h)
    }

    /// The whole handle as on the wire.
    pub fn as_str(&self) -> &str {
        self.wire.as_str()
    }

    /// The wire token.
    pub fn token(&self) -> &Token<'a> {
        &self.wire
    }

    /// The network prefix (`1:` → `PASSPORT`), if written.
    pub fn network(&self) -> Option<NetworkId> {
        self.network
    }

    /// The address, without network prefix and suffixes.
    pub fn address(&self) -> &str {
        self.wire
            .as_str()
            .get(self.addr_start as usize..self.addr_end as usize)
            .unwrap_or_default()
    }

    /// The endpoint (machine GUID with braces), if written.
    pub fn endpoint(&self) -> Option<&str> {
        self.endpoint
            .and_then(|(s, e)| self.wire.as_str().get(s as usize..e as usize))
    }

    /// The `via=` value (circle address), if written.
    pub fn via(&self) -> Option<&str> {
        self.via
            .and_then(|(s, e)| self.wire.as_str().get(s as usize..e as usize))
    }

    /// An owned, `'static` copy.
    pub fn into_owned(self) -> Handle<'static> {
        Handle {
            wire: self.wire.into_owned(),
            addr_start: self.addr_start,
            addr_end: self.addr_end,
            network: self.network,
            endpoint: self.endpoint,
            via: self.via,
        }
    }
}

impl fmt::Debug for Handle<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Handle({:?})", self.wire.as_str())
    }
}

impl fmt::Display for Handle<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.wire.as_str())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Handle<'_> {
    /// Serializes as the address (no network prefix; no suffixes). Commands show the parts as
    /// sibling entries (`network::ser`).
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.address())
    }
}

/// The one way a command's handle appears in serialized fields: the address under its key,
/// then its network, endpoint and `via` as siblings, `null` when absent — whether the network
/// came as the `nid:` prefix (MSNP18+) or as a separate argument (MSNP14–17).
#[cfg(feature = "serde")]
pub(crate) mod ser {
    use super::{Handle, NetworkId};
    use serde::ser::{Serialize, SerializeMap, Serializer};

    /// The four keys of one handle's entries.
    #[derive(Clone, Copy)]
    pub(crate) struct HandleKeys {
        address: &'static str,
        network_id: &'static str,
        endpoint: &'static str,
        via: &'static str,
    }

    /// `handle`, `network_id`, `endpoint`, `via`.
    pub(crate) const HANDLE: HandleKeys = HandleKeys {
        address: "handle",
        network_id: "network_id",
        endpoint: "endpoint",
        via: "via",
    };
    /// `sender`, `sender_network_id`, `sender_endpoint`, `sender_via`.
    pub(crate) const SENDER: HandleKeys = HandleKeys {
        address: "sender",
        network_id: "sender_network_id",
        endpoint: "sender_endpoint",
        via: "sender_via",
    };
    /// `receiver`, `receiver_network_id`, `receiver_endpoint`, `receiver_via`.
    pub(crate) const RECEIVER: HandleKeys = HandleKeys {
        address: "receiver",
        network_id: "receiver_network_id",
        endpoint: "receiver_endpoint",
        via: "receiver_via",
    };
    /// `inviter`, `inviter_network_id`, `inviter_endpoint`, `inviter_via`.
    pub(crate) const INVITER: HandleKeys = HandleKeys {
        address: "inviter",
        network_id: "inviter_network_id",
        endpoint: "inviter_endpoint",
        via: "inviter_via",
    };

    /// Writes one handle's entries into a map being serialized. `separate` is the network
    /// argument of MSNP14–17 commands; it wins over the handle's prefix.
    pub(crate) fn entries<M: SerializeMap>(
        m: &mut M,
        keys: HandleKeys,
        handle: Option<&Handle<'_>>,
        separate: Option<NetworkId>,
    ) -> Result<(), M::Error> {
        m.serialize_entry(keys.address, &handle)?;
        let network = separate.or_else(|| handle.and_then(Handle::network));
        m.serialize_entry(keys.network_id, &network)?;
        m.serialize_entry(keys.endpoint, &handle.and_then(Handle::endpoint))?;
        m.serialize_entry(keys.via, &handle.and_then(Handle::via))
    }

    /// A handle's entries as a value for `#[serde(flatten)]`.
    struct Flat<'h, 'a>(HandleKeys, Option<&'h Handle<'a>>);

    impl Serialize for Flat<'_, '_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut m = s.serialize_map(Some(4))?;
            entries(&mut m, self.0, self.1, None)?;
            m.end()
        }
    }

    /// For `#[serde(flatten, serialize_with = "…::handle")]` on a `handle` field.
    pub(crate) fn handle<S: Serializer>(h: &Handle<'_>, s: S) -> Result<S::Ok, S::Error> {
        Flat(HANDLE, Some(h)).serialize(s)
    }

    /// As [`handle`], for an optional `handle` field.
    pub(crate) fn opt_handle<S: Serializer>(
        h: &Option<Handle<'_>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        Flat(HANDLE, h.as_ref()).serialize(s)
    }

    /// As [`handle`], for a `sender` field.
    pub(crate) fn sender<S: Serializer>(h: &Handle<'_>, s: S) -> Result<S::Ok, S::Error> {
        Flat(SENDER, Some(h)).serialize(s)
    }

    /// As [`handle`], for an `inviter` field.
    pub(crate) fn inviter<S: Serializer>(h: &Handle<'_>, s: S) -> Result<S::Ok, S::Error> {
        Flat(INVITER, Some(h)).serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The two length limits at their edges: the address alone, and the whole handle with its
    /// prefix and suffixes.
    #[test]
    fn length_limits_at_their_edges() {
        let addr = |n: usize| format!("{}@x.com", "a".repeat(n - 6));
        assert_eq!(
            Handle::parse(&addr(MAX_ADDRESS_LEN))
                .unwrap()
                .address()
                .len(),
            MAX_ADDRESS_LEN
        );
        assert_eq!(
            Handle::parse(&addr(MAX_ADDRESS_LEN + 1)).err(),
            Some(HandleError::TooLong)
        );
        // Whole handle: the longest address, then an endpoint filling the rest of the bound.
        let whole = |n: usize| {
            let head = format!("{};{{", addr(MAX_ADDRESS_LEN));
            format!("{head}{}}}", "B".repeat(n - head.len() - 1))
        };
        let at_bound = whole(MAX_ADDRESS_LEN + 128);
        assert_eq!(at_bound.len(), MAX_ADDRESS_LEN + 128);
        assert!(Handle::parse(&at_bound).unwrap().endpoint().is_some());
        assert_eq!(
            Handle::parse(&whole(MAX_ADDRESS_LEN + 129)).err(),
            Some(HandleError::TooLong)
        );
    }

    #[test]
    fn network_prefix_is_digits_then_colon() {
        let h = Handle::parse("32:dave@yahoo.com;{A};via=9:x@live.com").unwrap();
        assert_eq!(h.network(), Some(NetworkId::YAHOO));
        assert_eq!(
            (h.address(), h.endpoint(), h.via()),
            ("dave@yahoo.com", Some("{A}"), Some("9:x@live.com"))
        );
        // A colon after anything but digits is address text.
        let tel = Handle::parse("tel:+15551234567").unwrap();
        assert_eq!((tel.network(), tel.address()), (None, "tel:+15551234567"));
        assert_eq!(Handle::parse("12ab:x").unwrap().address(), "12ab:x");
        assert_eq!(Handle::parse("1;x:y").err(), Some(HandleError::BadSuffix));
        assert_eq!(Handle::parse("01:x").err(), Some(HandleError::BadNetwork));
        assert_eq!(
            Handle::parse("4294967296:x").err(),
            Some(HandleError::BadNetwork)
        );
        assert_eq!(
            Handle::parse("1:;{A}").err(),
            Some(HandleError::EmptyAddress)
        );
        assert_eq!(Handle::parse("a;via=").err(), Some(HandleError::BadSuffix));
        assert_eq!(
            Handle::parse("a;via=b;{A}").err(),
            Some(HandleError::BadSuffix)
        );
    }

    #[test]
    fn host_port() {
        assert_eq!(
            HostPort::parse("messenger.hotmail.com:1863"),
            Ok(HostPort {
                host: "messenger.hotmail.com",
                port: 1863
            })
        );
        for (bad, at) in [
            ("host:", 5),
            (":1863", 0),
            ("a:b:1", 2),
            ("a:01863", 2),
            ("[::1:1863", 0),
            ("a:1863 ", 6),
        ] {
            assert_eq!(
                HostPort::parse(bad),
                Err(InvalidHostPort { offset: at }),
                "{bad}"
            );
        }
    }
}
