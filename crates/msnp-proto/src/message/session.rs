//! Session and authentication commands: `VER`, `CVR`/`CVQ`, `INF`, `USR`, `XFR`, `OUT`,
//! `PNG`/`QNG`, `CHL`/`QRY`, `SBS`/`GSB`.

use std::borrow::Cow;

use super::Ctx;
use super::args::{Args, Line, Sink};
use super::own::{owned, owned_copy};
use super::{MessageError, invalid};
use crate::error::EncodeError;
use crate::network::{Handle, HostPort, InvalidHostPort};
use crate::text::{Token, UrlText, code_enum};
use crate::verb::{TrId, Verb};
use crate::version::{Channel, Direction, ProtocolVersion as V};

/// One entry of a `VER` list: a dialect this library knows, or any other name (`0` when the
/// server accepts none), kept as sent.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VersionName<'a> {
    /// A known dialect, written canonically (`MSNP12`, `CVR0`).
    Known(V),
    /// Anything else (`0`, `MSNP24`, lower-case names), kept as sent.
    Other(Token<'a>),
}

impl VersionName<'_> {
    /// The name as written.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Known(v) => v.name(),
            Self::Other(t) => t.as_str(),
        }
    }

    /// The dialect the name selects, read as the negotiation reads it
    /// ([`ProtocolVersion::parse`](crate::ProtocolVersion::parse), which ignores case): a
    /// lower-case `msnp12` is kept as `Other`, to be written back as sent, yet selects MSNP12.
    ///
    /// ```
    /// use msnp_proto::{ProtocolVersion, message::VersionName, text::Token};
    /// assert_eq!(VersionName::Known(ProtocolVersion::Msnp12).version(), Some(ProtocolVersion::Msnp12));
    /// assert_eq!(VersionName::Other(Token::from_static("msnp12")).version(), Some(ProtocolVersion::Msnp12));
    /// assert_eq!(VersionName::Other(Token::from_static("0")).version(), None);
    /// ```
    pub fn version(&self) -> Option<V> {
        match self {
            Self::Known(v) => Some(*v),
            Self::Other(t) => V::parse(t.as_bytes()),
        }
    }
}

impl super::own::Own for VersionName<'_> {
    type Owned = VersionName<'static>;
    fn own(self) -> VersionName<'static> {
        match self {
            Self::Known(v) => VersionName::Known(v),
            Self::Other(t) => VersionName::Other(t.into_owned()),
        }
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for VersionName<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// `VER trid dialect {dialect …}`, both directions (the server answers with one name, or `0`).
///
/// ```
/// use msnp_proto::{Dialect, Message, ProtocolVersion, TrId, message::{Ver, VersionName}};
/// let ver = Message::Ver(Ver {
///     trid: TrId(1),
///     versions: vec![VersionName::Known(ProtocolVersion::Msnp8), VersionName::Known(ProtocolVersion::Cvr0)],
/// });
/// assert_eq!(ver.to_vec(&Dialect::default()).unwrap(), b"VER 1 MSNP8 CVR0\r\n");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Ver<'a> {
    /// Transaction ID.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub trid: TrId,
    /// The dialects offered (client) or chosen (server).
    pub versions: Vec<VersionName<'a>>,
}
owned!(Ver { trid, versions });

impl<'a> Ver<'a> {
    pub(crate) fn decode(a: &Args<'_, 'a>) -> Result<Self, MessageError> {
        a.arity(1, usize::MAX)?;
        let versions = (0..a.n)
            .map(|i| {
                let t = a.tok(i)?;
                Ok(match V::parse(t.as_bytes()) {
                    Some(v) if v.name() == t.as_str() => VersionName::Known(v),
                    _ => VersionName::Other(t),
                })
            })
            .collect::<Result<_, MessageError>>()?;
        Ok(Self {
            trid: a.trid()?,
            versions,
        })
    }

    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        let mut l = Line::new(s, d, verb, Some(self.trid));
        for v in &self.versions {
            match v {
                VersionName::Known(k) => l.str(k.name()),
                VersionName::Other(t) => l.tok(t),
            }
        }
        l.arity(1, usize::MAX);
        l.end()
    }
}

/// A client's `CVR` (or `CVQ` in the `CVR0` dialect): locale, OS, client version, and from
/// MSNP4 the client id, from MSNP8 the user handle, in MSNP21 the referral hop string.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CvrRequest<'a> {
    /// Transaction ID.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub trid: TrId,
    /// Locale ID, hex (`0x0409`).
    pub locale: Token<'a>,
    /// OS type (`winnt`).
    pub os_type: Token<'a>,
    /// OS version (`5.1`).
    pub os_version: Token<'a>,
    /// CPU architecture (`i386`).
    pub arch: Token<'a>,
    /// Client library (`MSNMSGR`).
    pub library: Token<'a>,
    /// Client version (`6.0.0602`).
    pub client_version: Token<'a>,
    /// Client id / codebase (`MSMSGS`), MSNP4+.
    pub client_id: Option<Token<'a>>,
    /// The user's handle, MSNP8+.
    #[cfg_attr(
        feature = "serde",
        serde(flatten, serialize_with = "crate::network::ser::opt_handle")
    )]
    pub handle: Option<Handle<'a>>,
    /// MSNP21: `0` or the hop string from the last `XFR NS`.
    pub hop: Option<Token<'a>>,
}
owned!(CvrRequest {
    trid,
    locale,
    os_type,
    os_version,
    arch,
    library,
    client_version,
    client_id,
    handle,
    hop
});

fn cvr_arity(verb: Verb, d: &Ctx) -> (usize, usize) {
    let v = d.version;
    if verb == Verb::CVQ || d.quirks.any_cvr_arity {
        return (6, 9);
    }
    match v {
        V::Msnp2 | V::Msnp3 => (6, 6),
        _ if v <= V::Msnp7 => (7, 7),
        V::Msnp21 => (9, 9),
        _ => (8, 8),
    }
}

impl<'a> CvrRequest<'a> {
    pub(crate) fn decode(a: &Args<'_, 'a>, d: &Ctx) -> Result<Self, MessageError> {
        let (min, max) = cvr_arity(a.verb, d);
        a.arity(min, max)?;
        Ok(Self {
            trid: a.trid()?,
            locale: a.tok(0)?,
            os_type: a.tok(1)?,
            os_version: a.tok(2)?,
            arch: a.tok(3)?,
            library: a.tok(4)?,
            client_version: a.tok(5)?,
            client_id: a.opt_tok(6)?,
            handle: if a.n > 7 { Some(a.handle(7)?) } else { None },
            hop: a.opt_tok(8)?,
        })
    }

    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        if (self.handle.is_some() && self.client_id.is_none())
            || (self.hop.is_some() && self.handle.is_none())
        {
            return Err(invalid("CVR", "later arguments need the earlier ones"));
        }
        let mut l = Line::new(s, d, verb, Some(self.trid));
        for t in [
            &self.locale,
            &self.os_type,
            &self.os_version,
            &self.arch,
            &self.library,
            &self.client_version,
        ] {
            l.tok(t);
        }
        l.opt_tok(&self.client_id);
        if let Some(h) = &self.handle {
            l.handle(h);
        }
        l.opt_tok(&self.hop);
        let (min, max) = cvr_arity(verb, d);
        l.arity(min, max);
        l.end()
    }
}

/// The server's `CVR`/`CVQ` reply: recommended, again recommended (or maximum), minimum
/// version, download URL, info URL.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CvrReply<'a> {
    /// Transaction ID.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub trid: TrId,
    /// Recommended client version.
    pub recommended: Token<'a>,
    /// Second recommended version (possibly the maximum allowed).
    pub recommended2: Token<'a>,
    /// Minimum allowed version.
    pub minimum: Token<'a>,
    /// Download URL.
    pub download_url: Token<'a>,
    /// Information URL.
    pub info_url: Token<'a>,
}
owned!(CvrReply {
    trid,
    recommended,
    recommended2,
    minimum,
    download_url,
    info_url
});

impl<'a> CvrReply<'a> {
    pub(crate) fn decode(a: &Args<'_, 'a>) -> Result<Self, MessageError> {
        a.arity(5, 5)?;
        Ok(Self {
            trid: a.trid()?,
            recommended: a.tok(0)?,
            recommended2: a.tok(1)?,
            minimum: a.tok(2)?,
            download_url: a.tok(3)?,
            info_url: a.tok(4)?,
        })
    }

    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        let mut l = Line::new(s, d, verb, Some(self.trid));
        for t in [
            &self.recommended,
            &self.recommended2,
            &self.minimum,
            &self.download_url,
            &self.info_url,
        ] {
            l.tok(t);
        }
        l.end()
    }
}

code_enum! {
    /// An authentication package named in `USR`/`INF` (constants.md; commands.md §3.1).
    pub enum AuthPackage {
        /// MD5 challenge (MSNP2–7).
        Md5 = "MD5",
        /// Clear-text password (early MSNP2).
        Ctp = "CTP",
        /// Passport 1.4 "Tweener" (MSNP8–14).
        Twn = "TWN",
        /// Single sign-on (MSNP15+).
        Sso = "SSO",
        /// Circle ticket (MSNP18).
        Sha = "SHA",
    }
}

code_enum! {
    /// The stage of a `USR` exchange.
    pub enum AuthStage {
        /// Initial: the handle.
        Initial = "I",
        /// Subsequent: challenge or credentials.
        Subsequent = "S",
        /// Circle ticket (`USR trid SHA A ticket`).
        Ticket = "A",
    }
}

/// `USR trid package I handle` (client): start authentication.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsrInitial<'a> {
    /// Transaction ID.
    pub trid: TrId,
    /// Authentication package.
    pub package: AuthPackage,
    /// The user's handle.
    pub handle: Handle<'a>,
}
owned!(UsrInitial {
    trid,
    package,
    handle
});

/// `USR trid package S credential {response {machine-guid}}` or `USR trid SHA A ticket` (client).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsrCredentials<'a> {
    /// Transaction ID.
    pub trid: TrId,
    /// Authentication package.
    pub package: AuthPackage,
    /// `S`, or `A` for circle tickets.
    pub stage: AuthStage,
    /// MD5 hash, Passport ticket, password (CTP) or signed circle ticket.
    pub credential: Token<'a>,
    /// SSO: the base64 MBI response.
    pub response: Option<Token<'a>>,
    /// SSO, MSNP16+: the braced machine GUID.
    pub machine_guid: Option<Token<'a>>,
}
owned!(UsrCredentials {
    trid,
    package,
    stage,
    credential,
    response,
    machine_guid
});

/// `USR trid package S {challenge {nonce {extra}}}` (server): the challenge or policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsrChallenge<'a> {
    /// Transaction ID.
    pub trid: TrId,
    /// Authentication package.
    pub package: AuthPackage,
    /// MD5 challenge, TWN policy string or SSO policy (`MBI_KEY_OLD`); absent for CTP.
    pub challenge: Option<Token<'a>>,
    /// SSO nonce.
    pub nonce: Option<Token<'a>>,
    /// An extra argument after the nonce (one NINA example shows a GUID; uncertain).
    pub extra: Option<Token<'a>>,
}
owned!(UsrChallenge {
    trid,
    package,
    challenge,
    nonce,
    extra
});

/// `USR trid OK handle {nick} {verified {restricted}}` (server): logged in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsrOk<'a> {
    /// Transaction ID.
    pub trid: TrId,
    /// The user's handle (16+ on the SB: `handle;{guid}`).
    pub handle: Handle<'a>,
    /// Friendly name (MSNP2–9 and on the switchboard).
    pub friendly_name: Option<UrlText<'a>>,
    /// Account verified (MSNP6+; MSNP6–7 servers may leave it out).
    pub verified: Option<bool>,
    /// Account restricted (MSNP8+).
    pub restricted: Option<bool>,
}
owned!(UsrOk {
    trid,
    handle,
    friendly_name,
    verified,
    restricted
});

/// Switchboard `USR trid handle cookie` (client): join with an `XFR SB` cookie.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsrSwitchboard<'a> {
    /// Transaction ID.
    pub trid: TrId,
    /// The user's handle (16+: `handle;{guid}`).
    pub handle: Handle<'a>,
    /// The cookie from `XFR SB`.
    pub cookie: Token<'a>,
}
owned!(UsrSwitchboard {
    trid,
    handle,
    cookie
});

/// Every form of `USR`.
///
/// ```
/// use msnp_proto::{Decoder, Dialect, Direction, Limits, Message, ProtocolVersion, Status};
/// use msnp_proto::message::{AuthPackage, Usr};
/// let d = Dialect::notification(ProtocolVersion::Msnp8).with_direction(Direction::ServerToClient);
/// let wire = b"USR 3 OK alice@hotmail.com Alice 1 0\r\n";
/// let Ok(Status::Complete { value, .. }) = Decoder::new(d, Limits::default()).decode(wire) else { panic!() };
/// let Message::Usr(Usr::Ok(ok)) = Message::decode(&value, &d).unwrap() else { panic!() };
/// assert_eq!(ok.handle.address(), "alice@hotmail.com");
/// assert_eq!(ok.verified, Some(true));
/// ```
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Usr<'a> {
    /// Client: `USR trid package I handle`.
    Initial(UsrInitial<'a>),
    /// Client: `USR trid package S credential …`.
    Credentials(UsrCredentials<'a>),
    /// Server: `USR trid package S challenge …`.
    Challenge(UsrChallenge<'a>),
    /// Server: `USR trid OK …` (NS and SB).
    Ok(UsrOk<'a>),
    /// Switchboard client: `USR trid handle cookie`.
    Switchboard(UsrSwitchboard<'a>),
}

impl super::own::Own for Usr<'_> {
    type Owned = Usr<'static>;
    fn own(self) -> Usr<'static> {
        match self {
            Self::Initial(x) => Usr::Initial(x.into_owned()),
            Self::Credentials(x) => Usr::Credentials(x.into_owned()),
            Self::Challenge(x) => Usr::Challenge(x.into_owned()),
            Self::Ok(x) => Usr::Ok(x.into_owned()),
            Self::Switchboard(x) => Usr::Switchboard(x.into_owned()),
        }
    }
}

fn usr_ok_arity(d: &Ctx) -> (usize, usize) {
    if d.channel == Channel::Switchboard {
        return (3, 3);
    }
    match d.version {
        v if v <= V::Msnp5 => (3, 3),
        // The verified flag is new in MSNP6; servers of the era also send the MSNP5 shape.
        V::Msnp6 | V::Msnp7 => (3, 4),
        V::Msnp8 | V::Msnp9 => (5, 5),
        _ => (4, 4),
    }
}

impl<'a> Usr<'a> {
    /// The transaction ID.
    pub fn trid(&self) -> TrId {
        match self {
            Self::Initial(x) => x.trid,
            Self::Credentials(x) => x.trid,
            Self::Challenge(x) => x.trid,
            Self::Ok(x) => x.trid,
            Self::Switchboard(x) => x.trid,
        }
    }

    /// `None`: the direction is unknown and the shape does not tell.
    pub(crate) fn decode(a: &Args<'_, 'a>, d: &Ctx) -> Result<Option<Self>, MessageError> {
        let trid = a.trid()?;
        a.arity(1, 5)?;
        let dir = d.direction;
        if a.get(0) == Some(b"OK") {
            if dir == Some(Direction::ClientToServer) {
                return Err(a.bad(0, "a client USR (package or handle), not OK"));
            }
            let (min, max) = usr_ok_arity(d);
            a.arity(min, max)?;
            let sb = d.channel == Channel::Switchboard;
            let named = sb || d.version <= V::Msnp9;
            let mut i = 2;
            let friendly_name = if named {
                i += 1;
                Some(a.url(2)?)
            } else {
                None
            };
            let verified = if !sb && d.version >= V::Msnp6 {
                i += 1;
                a.opt_bool01(i - 1)?
            } else {
                None
            };
            let restricted = if !sb && d.version >= V::Msnp8 {
                Some(a.bool01(i)?)
            } else {
                None
            };
            return Ok(Some(Self::Ok(UsrOk {
                trid,
                handle: a.handle(1)?,
                friendly_name,
                verified,
                restricted,
            })));
        }
        if d.channel == Channel::Switchboard {
            if dir == Some(Direction::ServerToClient) {
                return Err(a.bad(0, "OK"));
            }
            a.arity(2, 2)?;
            return Ok(Some(Self::Switchboard(UsrSwitchboard {
                trid,
                handle: a.handle(0)?,
                cookie: a.tok(1)?,
            })));
        }
        a.arity(2, 5)?;
        let package = a.code(0, AuthPackage::parse_bytes, "an authentication package")?;
        let stage = a.code(
            1,
            AuthStage::parse_bytes,
            "an authentication stage (I, S or A)",
        )?;
        match stage {
            AuthStage::Initial => {
                if dir == Some(Direction::ServerToClient) {
                    return Err(a.bad(1, "S (servers never send I)"));
                }
                a.arity(3, 3)?;
                Ok(Some(Self::Initial(UsrInitial {
                    trid,
                    package,
                    handle: a.handle(2)?,
                })))
            }
            AuthStage::Subsequent => {
                let client = match dir {
                    Some(d) => d == Direction::ClientToServer,
                    // CTP's challenge has no argument; every other shape is shared.
                    None if a.n == 2 => false,
                    None => return Ok(None),
                };
                if client {
                    Self::credentials(a, trid, package, stage).map(Some)
                } else {
                    a.arity(2, 5)?;
                    Ok(Some(Self::Challenge(UsrChallenge {
                        trid,
                        package,
                        challenge: a.opt_tok(2)?,
                        nonce: a.opt_tok(3)?,
                        extra: a.opt_tok(4)?,
                    })))
                }
            }
            _ => {
                if dir == Some(Direction::ServerToClient) {
                    return Err(a.bad(1, "S"));
                }
                Self::credentials(a, trid, package, stage).map(Some)
            }
        }
    }

    fn credentials(
        a: &Args<'_, 'a>,
        trid: TrId,
        package: AuthPackage,
        stage: AuthStage,
    ) -> Result<Self, MessageError> {
        let max = if package == AuthPackage::Sso { 5 } else { 3 };
        a.arity(3, max)?;
        Ok(Self::Credentials(UsrCredentials {
            trid,
            package,
            stage,
            credential: a.tok(2)?,
            response: a.opt_tok(3)?,
            machine_guid: a.opt_tok(4)?,
        }))
    }

    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        let sb = d.channel == Channel::Switchboard;
        match self {
            Self::Initial(x) => {
                let mut l = Line::new(s, d, verb, Some(x.trid));
                l.str_dyn(x.package.as_str());
                l.str("I");
                l.handle(&x.handle);
                l.end()
            }
            Self::Credentials(x) => {
                if x.machine_guid.is_some() && x.response.is_none() {
                    return Err(invalid("USR machine_guid", "needs the response before it"));
                }
                if x.stage == AuthStage::Initial {
                    return Err(invalid("USR stage", "credentials are sent at stage S or A"));
                }
                let mut l = Line::new(s, d, verb, Some(x.trid));
                l.str_dyn(x.package.as_str());
                l.str_dyn(x.stage.as_str());
                l.tok(&x.credential);
                l.opt_tok(&x.response);
                l.opt_tok(&x.machine_guid);
                l.arity(3, if x.package == AuthPackage::Sso { 5 } else { 3 });
                l.end()
            }
            Self::Challenge(x) => {
                if (x.nonce.is_some() && x.challenge.is_none())
                    || (x.extra.is_some() && x.nonce.is_none())
                {
                    return Err(invalid(
                        "USR challenge",
                        "later arguments need the earlier ones",
                    ));
                }
                let mut l = Line::new(s, d, verb, Some(x.trid));
                l.str_dyn(x.package.as_str());
                l.str("S");
                l.opt_tok(&x.challenge);
                l.opt_tok(&x.nonce);
                l.opt_tok(&x.extra);
                l.end()
            }
            Self::Ok(x) => {
                let named = sb || d.version <= V::Msnp9;
                if named != x.friendly_name.is_some() {
                    return Err(invalid(
                        "USR OK friendly_name",
                        "present exactly in MSNP2–9 and on the switchboard",
                    ));
                }
                let verified_from = if x.verified.is_some() {
                    V::Msnp6
                } else {
                    V::Msnp8
                };
                if (!sb && d.version >= verified_from) != x.verified.is_some() {
                    return Err(invalid(
                        "USR OK verified",
                        "present only from MSNP6 on the NS, and always from MSNP8",
                    ));
                }
                if (!sb && d.version >= V::Msnp8) != x.restricted.is_some() {
                    return Err(invalid(
                        "USR OK restricted",
                        "present exactly from MSNP8 on the NS",
                    ));
                }
                let mut l = Line::new(s, d, verb, Some(x.trid));
                l.str("OK");
                l.handle(&x.handle);
                l.opt_url(&x.friendly_name);
                if let Some(v) = x.verified {
                    l.bool01(v);
                }
                if let Some(r) = x.restricted {
                    l.bool01(r);
                }
                l.end()
            }
            Self::Switchboard(x) => {
                if !sb {
                    return Err(invalid(
                        "USR",
                        "the handle-and-cookie form is switchboard only",
                    ));
                }
                let mut l = Line::new(s, d, verb, Some(x.trid));
                l.handle(&x.handle);
                l.tok(&x.cookie);
                l.end()
            }
        }
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Usr<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        match self {
            Self::Initial(x) => {
                m.serialize_entry("auth", x.package.as_str())?;
                m.serialize_entry("stage", "I")?;
                crate::network::ser::entries(
                    &mut m,
                    crate::network::ser::HANDLE,
                    Some(&x.handle),
                    None,
                )?;
            }
            Self::Credentials(x) => {
                m.serialize_entry("auth", x.package.as_str())?;
                m.serialize_entry("stage", x.stage.as_str())?;
                m.serialize_entry("credential", &x.credential)?;
                m.serialize_entry("response", &x.response)?;
                m.serialize_entry("machine_guid", &x.machine_guid)?;
            }
            Self::Challenge(x) => {
                m.serialize_entry("auth", x.package.as_str())?;
                m.serialize_entry("stage", "S")?;
                m.serialize_entry("challenge", &x.challenge)?;
                m.serialize_entry("nonce", &x.nonce)?;
                m.serialize_entry("extra", &x.extra)?;
            }
            Self::Ok(x) => {
                m.serialize_entry("auth", "OK")?;
                crate::network::ser::entries(
                    &mut m,
                    crate::network::ser::HANDLE,
                    Some(&x.handle),
                    None,
                )?;
                m.serialize_entry("friendly_name", &x.friendly_name)?;
                m.serialize_entry("verified", &x.verified)?;
                m.serialize_entry("restricted", &x.restricted)?;
            }
            Self::Switchboard(x) => {
                crate::network::ser::entries(
                    &mut m,
                    crate::network::ser::HANDLE,
                    Some(&x.handle),
                    None,
                )?;
                m.serialize_entry("cookie", &x.cookie)?;
            }
        }
        m.end()
    }
}

code_enum! {
    /// The server kind in `XFR`.
    pub enum ServerKind {
        /// Notification server.
        Notification = "NS",
        /// Switchboard.
        Switchboard = "SB",
    }
}

/// Client `XFR trid SB` (or `NS` from pre-MSNP2 betas): ask for a server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct XfrRequest {
    /// Transaction ID.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub trid: TrId,
    /// The server kind asked for.
    pub kind: ServerKind,
}
owned_copy!(XfrRequest);

/// Server `XFR trid NS host:port …`: a referral to another notification server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NsReferral<'a> {
    /// Transaction ID (`0` for an asynchronous move).
    pub trid: TrId,
    /// `host:port` (`0` = restart login here, uncertain).
    pub address: Token<'a>,
    /// 4th argument: `0` (3–12), transport flag `U`/`G` (13+).
    pub transport: Option<Token<'a>>,
    /// 5th argument: the referring server `host:port` (7–12), `D` (13+).
    pub referrer: Option<Token<'a>>,
    /// MSNP21: base64 hop string.
    pub hop: Option<Token<'a>>,
}
owned!(NsReferral {
    trid,
    address,
    transport,
    referrer,
    hop
});

fn ns_referral_arity(v: V) -> (usize, usize) {
    // Counting `NS` itself. `XFR 0 NS 0` (restart) is accepted in every version.
    match v {
        V::Msnp2 => (2, 2),
        _ if v <= V::Msnp6 => (2, 3),
        V::Msnp21 => (2, 5),
        _ => (2, 4),
    }
}

/// Server `XFR trid SB host:port CKI cookie {U domain {direct}}`: a switchboard to join.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SbReferral<'a> {
    /// Transaction ID.
    pub trid: TrId,
    /// `host:port`.
    pub address: Token<'a>,
    /// Authentication package (`CKI`).
    pub auth: Token<'a>,
    /// The cookie for `USR`.
    pub cookie: Token<'a>,
    /// MSNP13+: literal `U` (transport flag).
    pub transport: Option<Token<'a>>,
    /// MSNP13+: `messenger.msn.com`.
    pub gateway_domain: Option<Token<'a>>,
    /// MSNP14+: `1` plain TCP allowed, `0` HTTP gateway only.
    pub direct: Option<bool>,
}
owned!(SbReferral {
    trid,
    address,
    auth,
    cookie,
    transport,
    gateway_domain,
    direct
});

fn sb_referral_arity(v: V) -> (usize, usize) {
    match v {
        _ if v <= V::Msnp12 => (4, 4),
        V::Msnp13 => (6, 6),
        _ => (7, 7),
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for NsReferral<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("kind", "NS")?;
        m.serialize_entry("address", &self.address)?;
        m.serialize_entry("transport", &self.transport)?;
        m.serialize_entry("referrer", &self.referrer)?;
        m.serialize_entry("hop", &self.hop)?;
        m.end()
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for SbReferral<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("kind", "SB")?;
        m.serialize_entry("address", &self.address)?;
        m.serialize_entry("auth", &self.auth)?;
        m.serialize_entry("cookie", &self.cookie)?;
        m.serialize_entry("transport", &self.transport)?;
        m.serialize_entry("gateway_domain", &self.gateway_domain)?;
        m.serialize_entry("direct", &self.direct)?;
        m.end()
    }
}

/// `XFR` decoded: a request or one of the two referrals.
pub(crate) enum Xfr<'a> {
    Request(XfrRequest),
    Ns(NsReferral<'a>),
    Sb(SbReferral<'a>),
}

pub(crate) fn decode_xfr<'a>(a: &Args<'_, 'a>, d: &Ctx) -> Result<Xfr<'a>, MessageError> {
    let trid = a.trid()?;
    a.arity(1, 7)?;
    let kind = a.code(0, ServerKind::parse_bytes, "NS or SB")?;
    let request = match d.direction {
        Some(dir) => dir == Direction::ClientToServer,
        None => a.n == 1,
    };
    if request {
        a.arity(1, 1)?;
        return Ok(Xfr::Request(XfrRequest { trid, kind }));
    }
    match kind {
        ServerKind::Other(_) => Err(a.bad(0, "NS or SB")),
        ServerKind::Switchboard => {
            let (min, max) = sb_referral_arity(d.version);
            a.arity(min, max)?;
            Ok(Xfr::Sb(SbReferral {
                trid,
                address: a.tok(1)?,
                auth: a.tok(2)?,
                cookie: a.tok(3)?,
                transport: a.opt_tok(4)?,
                gateway_domain: a.opt_tok(5)?,
                direct: a.opt_bool01(6)?,
            }))
        }
        _ => {
            let (min, max) = ns_referral_arity(d.version);
            a.arity(min, max)?;
            Ok(Xfr::Ns(NsReferral {
                trid,
                address: a.tok(1)?,
                transport: a.opt_tok(2)?,
                referrer: a.opt_tok(3)?,
                hop: a.opt_tok(4)?,
            }))
        }
    }
}

impl XfrRequest {
    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        let mut l = Line::new(s, d, verb, Some(self.trid));
        l.str_dyn(self.kind.as_str());
        l.end()
    }
}

impl NsReferral<'_> {
    /// The server to connect to, read as `host:port` (the address stays the token as sent).
    pub fn host_port(&self) -> Result<HostPort<'_>, InvalidHostPort> {
        HostPort::parse(self.address.as_str())
    }

    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        if (self.referrer.is_some() && self.transport.is_none())
            || (self.hop.is_some() && self.referrer.is_none())
        {
            return Err(invalid("XFR NS", "later arguments need the earlier ones"));
        }
        let mut l = Line::new(s, d, verb, Some(self.trid));
        l.str("NS");
        l.tok(&self.address);
        l.opt_tok(&self.transport);
        l.opt_tok(&self.referrer);
        l.opt_tok(&self.hop);
        let (min, max) = ns_referral_arity(d.version);
        l.arity(min, max);
        l.end()
    }
}

impl SbReferral<'_> {
    /// The switchboard to connect to, read as `host:port` (the address stays the token as
    /// sent).
    pub fn host_port(&self) -> Result<HostPort<'_>, InvalidHostPort> {
        HostPort::parse(self.address.as_str())
    }

    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        if (self.gateway_domain.is_some() && self.transport.is_none())
            || (self.direct.is_some() && self.gateway_domain.is_none())
        {
            return Err(invalid("XFR SB", "later arguments need the earlier ones"));
        }
        let mut l = Line::new(s, d, verb, Some(self.trid));
        l.str("SB");
        l.tok(&self.address);
        l.tok(&self.auth);
        l.tok(&self.cookie);
        l.opt_tok(&self.transport);
        l.opt_tok(&self.gateway_domain);
        if let Some(b) = self.direct {
            l.bool01(b);
        }
        let (min, max) = sb_referral_arity(d.version);
        l.arity(min, max);
        l.end()
    }
}

code_enum! {
    /// Why the server sent `OUT` (constants.md §13).
    pub enum OutReason {
        /// Signed in elsewhere.
        OtherLogin = "OTH",
        /// Server shutdown.
        ServerShutdown = "SSD",
        /// Migrated to ABCH (10+).
        Migrated = "MIG",
        /// Terms of use (10+).
        TermsOfUse = "TOU",
        /// Reconnect later, after the given minutes (11+).
        Reconnect = "RCT",
    }
}

/// `OUT {reason {minutes}}`: log out (client) or being logged out (server).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Out {
    /// Server's reason, if any.
    pub reason: Option<OutReason>,
    /// Minutes for `OUT RCT minutes`.
    pub minutes: Option<u32>,
}
owned_copy!(Out);

impl Out {
    pub(crate) fn decode(a: &Args<'_, '_>) -> Result<Self, MessageError> {
        a.arity(0, 2)?;
        let reason = if a.n > 0 {
            Some(a.code(0, OutReason::parse_bytes, "an OUT reason")?)
        } else {
            None
        };
        Ok(Self {
            reason,
            minutes: a.opt_u32(1)?,
        })
    }

    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        if self.minutes.is_some() && self.reason.is_none() {
            return Err(invalid("OUT minutes", "needs a reason"));
        }
        let mut l = Line::new(s, d, verb, None);
        if let Some(r) = &self.reason {
            l.str_dyn(r.as_str());
        }
        l.opt_num(self.minutes);
        l.end()
    }
}

/// `QNG {seconds}`: the server's answer to `PNG` (seconds until the next ping, MSNP9+).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Qng {
    /// Seconds until the next `PNG` is expected (MSNP9+).
    pub seconds: Option<u32>,
}
owned_copy!(Qng);

impl Qng {
    pub(crate) fn decode(a: &Args<'_, '_>, d: &Ctx) -> Result<Self, MessageError> {
        if d.version >= V::Msnp9 {
            a.arity(1, 1)?
        } else {
            a.arity(0, 0)?
        }
        Ok(Self {
            seconds: a.opt_u32(0)?,
        })
    }

    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        let mut l = Line::new(s, d, verb, None);
        l.opt_num(self.seconds);
        if d.version >= V::Msnp9 {
            l.arity(1, 1)
        } else {
            l.arity(0, 0)
        }
        l.end()
    }
}

/// `CHL trid {challenge}`: the server's challenge (`CHL 0 challenge`), or the client-initiated form.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Chl<'a> {
    /// Transaction ID (`0` when unsolicited).
    #[cfg_attr(feature = "serde", serde(skip))]
    pub trid: TrId,
    /// The challenge (usually 20 digits).
    pub challenge: Option<Token<'a>>,
}
owned!(Chl { trid, challenge });

impl<'a> Chl<'a> {
    pub(crate) fn decode(a: &Args<'_, 'a>) -> Result<Self, MessageError> {
        a.arity(0, 1)?;
        Ok(Self {
            trid: a.trid()?,
            challenge: a.opt_tok(0)?,
        })
    }

    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        let mut l = Line::new(s, d, verb, Some(self.trid));
        l.opt_tok(&self.challenge);
        l.end()
    }
}

/// Client `QRY trid product-id len` + the 32-byte challenge answer.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct QryRequest<'a> {
    /// Transaction ID.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub trid: TrId,
    /// The product ID (public key), e.g. `PROD0090YUAUV{2B`.
    pub product_id: Token<'a>,
    /// The answer (32 hex characters).
    #[cfg_attr(feature = "serde", serde(serialize_with = "super::ser_lossy"))]
    pub answer: Cow<'a, [u8]>,
}
owned!(QryRequest {
    trid,
    product_id,
    answer
});

impl<'a> QryRequest<'a> {
    pub(crate) fn decode(a: &Args<'_, 'a>) -> Result<Self, MessageError> {
        a.arity(1, 1)?;
        Ok(Self {
            trid: a.trid()?,
            product_id: a.tok(0)?,
            answer: a.payload()?,
        })
    }

    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        let mut l = Line::new(s, d, verb, Some(self.trid));
        l.tok(&self.product_id);
        l.end_payload(&self.answer)
    }
}

/// `SBS trid data`: subscription state (`null` or `SC=…;SI=…;SS=…;PS=…`), MSNP11+.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Sbs<'a> {
    /// Transaction ID (`0` when unsolicited).
    #[cfg_attr(feature = "serde", serde(skip))]
    pub trid: TrId,
    /// The subscription data.
    pub data: Token<'a>,
}
owned!(Sbs { trid, data });

impl<'a> Sbs<'a> {
    pub(crate) fn decode(a: &Args<'_, 'a>) -> Result<Self, MessageError> {
        a.arity(1, 1)?;
        Ok(Self {
            trid: a.trid()?,
            data: a.tok(0)?,
        })
    }

    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        let mut l = Line::new(s, d, verb, Some(self.trid));
        l.tok(&self.data);
        l.end()
    }
}

/// Server `INF trid package {package …}` (MSNP2–7): the authentication packages offered.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct InfReply {
    /// Transaction ID.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub trid: TrId,
    /// The packages, in the server's order (a comma-joined list is kept as one `Other` value).
    pub packages: Vec<AuthPackage>,
}

impl super::own::Own for InfReply {
    type Owned = Self;
    fn own(self) -> Self {
        self
    }
}

impl InfReply {
    pub(crate) fn decode(a: &Args<'_, '_>) -> Result<Self, MessageError> {
        a.arity(1, 16)?;
        Ok(Self {
            trid: a.trid()?,
            packages: (0..a.n)
                .map(|i| a.code(i, AuthPackage::parse_bytes, "an authentication package"))
                .collect::<Result<_, _>>()?,
        })
    }

    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        let mut l = Line::new(s, d, verb, Some(self.trid));
        for p in &self.packages {
            l.str_dyn(p.as_str());
        }
        l.arity(1, 16);
        l.end()
    }
}
