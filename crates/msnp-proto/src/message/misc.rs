//! Services and MSNP13+ commands: `RNG`, `URL`, `SND`, `SDC`, `FND`, `IMS`, `PAG`, `PGD`, `GCF`,
//! `UUN`/`UBN`, `UUM`/`UBM`, `NFY`, `RFS`, and the generic shapes shared by many commands
//! ([`Transaction`], [`OkReply`], [`PayloadCommand`], [`Opaque`]).

use std::borrow::Cow;

use super::Ctx;
use super::args::{Args, Line, Sink};
use super::own::{owned, owned_copy};
use super::{MessageError, invalid};
use crate::error::EncodeError;
use crate::network::{Handle, HostPort, InvalidHostPort, NetworkId};
use crate::text::{Token, UrlText};
use crate::verb::{TrId, Verb};
use crate::version::ProtocolVersion as V;

/// A command that is only its TrID (`GSB trid`, `ACK trid`, `INF trid`, `QRY trid`, `LSG trid`, `PNG`-like).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Transaction {
    /// Transaction ID.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub trid: TrId,
}
owned_copy!(Transaction);

impl Transaction {
    pub(crate) fn decode(a: &Args<'_, '_>) -> Result<Self, MessageError> {
        a.arity(0, 0)?;
        a.no_payload()?;
        Ok(Self { trid: a.trid()? })
    }
    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        Line::new(s, d, verb, Some(self.trid)).end()
    }
}

/// `XXX trid OK`: a positive reply (`SND`, `SDC`, `ANS`, `ADL`, `RML`, `UUN`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct OkReply {
    /// Transaction ID.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub trid: TrId,
}
owned_copy!(OkReply);

impl OkReply {
    pub(crate) fn decode(a: &Args<'_, '_>) -> Result<Self, MessageError> {
        a.arity(1, 1)?;
        a.literal(0, b"OK", "OK")?;
        a.no_payload()?;
        Ok(Self { trid: a.trid()? })
    }
    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        let mut l = Line::new(s, d, verb, Some(self.trid));
        l.str("OK");
        l.end()
    }
}

/// `XXX trid len` + payload: `UUX`, `ADL`, `RML`, `FQY`, `PUT`, `DEL`, `SDG`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PayloadCommand<'a> {
    /// Transaction ID (`0` when unsolicited).
    #[cfg_attr(feature = "serde", serde(skip))]
    pub trid: TrId,
    /// The payload (XML or routed MIME), as bytes.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub payload: Cow<'a, [u8]>,
}
owned!(PayloadCommand { trid, payload });

impl<'a> PayloadCommand<'a> {
    pub(crate) fn decode(a: &Args<'_, 'a>) -> Result<Self, MessageError> {
        a.arity(0, 0)?;
        Ok(Self {
            trid: a.trid()?,
            payload: a.payload()?,
        })
    }
    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        Line::new(s, d, verb, Some(self.trid)).end_payload(&self.payload)
    }
}

/// Server `PUT trid OK 0` (MSNP18+, per Escargot; uncertain): the reply to `PUT`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PutOk<'a> {
    /// Transaction ID.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub trid: TrId,
    /// The (normally empty) payload.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub payload: Cow<'a, [u8]>,
}
owned!(PutOk { trid, payload });

impl<'a> PutOk<'a> {
    pub(crate) fn decode(a: &Args<'_, 'a>) -> Result<Self, MessageError> {
        a.arity(1, 1)?;
        a.literal(0, b"OK", "OK")?;
        Ok(Self {
            trid: a.trid()?,
            payload: a.payload()?,
        })
    }
    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        let mut l = Line::new(s, d, verb, Some(self.trid));
        l.str("OK");
        l.end_payload(&self.payload)
    }
}

/// A command whose syntax no source documents (`LKP`, `GET`, `VAS`): its TrID, arguments
/// and payload, kept as sent.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Opaque<'a> {
    /// Transaction ID, if the line has one.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub trid: Option<TrId>,
    /// The arguments.
    pub args: Vec<Token<'a>>,
    /// The payload, if any.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub payload: Option<Cow<'a, [u8]>>,
}
owned!(Opaque {
    trid,
    args,
    payload
});

impl<'a> Opaque<'a> {
    pub(crate) fn decode(a: &Args<'_, 'a>) -> Result<Self, MessageError> {
        a.no_stray_number()?;
        Ok(Self {
            trid: a.opt_trid(),
            args: a.rest(0)?,
            payload: a.raw.payload().map(Cow::Borrowed),
        })
    }
    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        let mut l = Line::new(s, d, verb, self.trid);
        for t in &self.args {
            l.tok(t);
        }
        match &self.payload {
            Some(p) => l.end_payload(p),
            None => l.end(),
        }
    }
}

/// `RNG session-id host:port CKI cookie inviter nick {U domain {direct}}`: an invitation to a
/// switchboard session.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Rng<'a> {
    /// Session ID (for `ANS`): an opaque token (decimal in the references, hex from some
    /// servers).
    pub session_id: Token<'a>,
    /// Switchboard `host:port`.
    pub address: Token<'a>,
    /// Authentication package (`CKI`).
    pub auth: Token<'a>,
    /// Cookie (for `ANS`).
    pub cookie: Token<'a>,
    /// Who invites.
    #[cfg_attr(
        feature = "serde",
        serde(flatten, serialize_with = "crate::network::ser::inviter")
    )]
    pub inviter: Handle<'a>,
    /// The inviter's friendly name.
    pub inviter_name: UrlText<'a>,
    /// MSNP13+: literal `U`.
    pub transport: Option<Token<'a>>,
    /// MSNP13+: `messenger.hotmail.com`.
    pub gateway_domain: Option<Token<'a>>,
    /// MSNP14+: plain TCP allowed.
    pub direct: Option<bool>,
}
owned!(Rng {
    session_id,
    address,
    auth,
    cookie,
    inviter,
    inviter_name,
    transport,
    gateway_domain,
    direct
});

fn rng_arity(v: V) -> usize {
    match v {
        _ if v <= V::Msnp12 => 6,
        V::Msnp13 => 8,
        _ => 9,
    }
}

impl Rng<'_> {
    /// The switchboard to connect to, read as `host:port` (the address stays the token as
    /// sent).
    pub fn host_port(&self) -> Result<HostPort<'_>, InvalidHostPort> {
        HostPort::parse(self.address.as_str())
    }
}

impl<'a> Rng<'a> {
    pub(crate) fn decode(a: &Args<'_, 'a>, d: &Ctx) -> Result<Self, MessageError> {
        let n = rng_arity(d.version);
        a.arity(n, n)?;
        Ok(Self {
            session_id: a.tok(0)?,
            address: a.tok(1)?,
            auth: a.tok(2)?,
            cookie: a.tok(3)?,
            inviter: a.handle(4)?,
            inviter_name: a.url(5)?,
            transport: a.opt_tok(6)?,
            gateway_domain: a.opt_tok(7)?,
            direct: a.opt_bool01(8)?,
        })
    }
    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        if (self.gateway_domain.is_some() && self.transport.is_none())
            || (self.direct.is_some() && self.gateway_domain.is_none())
        {
            return Err(invalid("RNG", "later arguments need the earlier ones"));
        }
        let mut l = Line::new(s, d, verb, None);
        l.tok(&self.session_id);
        l.tok(&self.address);
        l.tok(&self.auth);
        l.tok(&self.cookie);
        l.handle(&self.inviter);
        l.url(&self.inviter_name);
        l.opt_tok(&self.transport);
        l.opt_tok(&self.gateway_domain);
        if let Some(b) = self.direct {
            l.bool01(b);
        }
        let n = rng_arity(d.version);
        l.arity(n, n);
        l.end()
    }
}

/// Client `URL trid service {param}`: ask for a web-service URL.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct UrlRequest<'a> {
    /// Transaction ID.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub trid: TrId,
    /// Service (`INBOX`, `COMPOSE`, `PROFILE`, …).
    pub service: Token<'a>,
    /// Parameter (address, LCID).
    pub param: Option<Token<'a>>,
}
owned!(UrlRequest {
    trid,
    service,
    param
});

/// Server `URL trid redirect-url login-url {site-id}`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct UrlReply<'a> {
    /// Transaction ID.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub trid: TrId,
    /// Redirect URL (relative or absolute).
    pub redirect_url: Token<'a>,
    /// Login URL.
    pub login_url: Token<'a>,
    /// Passport site ID (MSNP3+).
    pub site_id: Option<u32>,
}
owned!(UrlReply {
    trid,
    redirect_url,
    login_url,
    site_id
});

impl UrlRequest<'_> {
    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        let mut l = Line::new(s, d, verb, Some(self.trid));
        l.tok(&self.service);
        l.opt_tok(&self.param);
        l.end()
    }
}

impl UrlReply<'_> {
    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        if (d.version >= V::Msnp3) != self.site_id.is_some() {
            return Err(invalid("URL site_id", "present exactly from MSNP3"));
        }
        let mut l = Line::new(s, d, verb, Some(self.trid));
        l.tok(&self.redirect_url);
        l.tok(&self.login_url);
        l.opt_num(self.site_id);
        l.end()
    }
}

/// Client `SND trid address {lcid library {client-id}}`: invite a non-user by e-mail.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Snd<'a> {
    /// Transaction ID.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub trid: TrId,
    /// E-mail address.
    pub address: Token<'a>,
    /// LCID (MSNP3+).
    pub locale: Option<Token<'a>>,
    /// Client library (MSNP3+).
    pub library: Option<Token<'a>>,
    /// Client ID (MSNP4+).
    pub client_id: Option<Token<'a>>,
}
owned!(Snd {
    trid,
    address,
    locale,
    library,
    client_id
});

fn snd_arity(v: V) -> usize {
    match v {
        V::Msnp2 => 1,
        V::Msnp3 => 3,
        _ => 4,
    }
}

impl<'a> Snd<'a> {
    pub(crate) fn decode(a: &Args<'_, 'a>, d: &Ctx) -> Result<Self, MessageError> {
        let n = snd_arity(d.version);
        a.arity(n, n)?;
        Ok(Self {
            trid: a.trid()?,
            address: a.tok(0)?,
            locale: a.opt_tok(1)?,
            library: a.opt_tok(2)?,
            client_id: a.opt_tok(3)?,
        })
    }
    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        if (self.library.is_some() && self.locale.is_none())
            || (self.client_id.is_some() && self.library.is_none())
        {
            return Err(invalid("SND", "later arguments need the earlier ones"));
        }
        let mut l = Line::new(s, d, verb, Some(self.trid));
        l.tok(&self.address);
        l.opt_tok(&self.locale);
        l.opt_tok(&self.library);
        l.opt_tok(&self.client_id);
        let n = snd_arity(d.version);
        l.arity(n, n);
        l.end()
    }
}

/// Client `SDC trid address lcid library client-id X X nick len` + personal text (MSNP5+).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Sdc<'a> {
    /// Transaction ID.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub trid: TrId,
    /// E-mail address.
    pub address: Token<'a>,
    /// LCID.
    pub locale: Token<'a>,
    /// Client library.
    pub library: Token<'a>,
    /// Client ID.
    pub client_id: Token<'a>,
    /// The sender's friendly name.
    pub friendly_name: UrlText<'a>,
    /// Personal text (may be empty).
    #[cfg_attr(feature = "serde", serde(skip))]
    pub payload: Cow<'a, [u8]>,
}
owned!(Sdc {
    trid,
    address,
    locale,
    library,
    client_id,
    friendly_name,
    payload
});

impl<'a> Sdc<'a> {
    pub(crate) fn decode(a: &Args<'_, 'a>) -> Result<Self, MessageError> {
        a.arity(7, 7)?;
        a.literal(4, b"X", "X")?;
        a.literal(5, b"X", "X")?;
        Ok(Self {
            trid: a.trid()?,
            address: a.tok(0)?,
            locale: a.tok(1)?,
            library: a.tok(2)?,
            client_id: a.tok(3)?,
            friendly_name: a.url(6)?,
            payload: a.payload()?,
        })
    }
    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        let mut l = Line::new(s, d, verb, Some(self.trid));
        l.tok(&self.address);
        l.tok(&self.locale);
        l.tok(&self.library);
        l.tok(&self.client_id);
        l.str("X");
        l.str("X");
        l.url(&self.friendly_name);
        l.end_payload(&self.payload)
    }
}

/// The five `key=value` fields of a directory search (`FND`, MSNP2–7).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Directory<'a> {
    /// `fname=`.
    pub first_name: Token<'a>,
    /// `lname=`.
    pub last_name: Token<'a>,
    /// `city=`.
    pub city: Token<'a>,
    /// `state=`.
    pub state: Token<'a>,
    /// `country=`.
    pub country: Token<'a>,
}
owned!(Directory {
    first_name,
    last_name,
    city,
    state,
    country
});

const FND_KEYS: [&str; 5] = ["fname=", "lname=", "city=", "state=", "country="];

impl<'a> Directory<'a> {
    fn decode(a: &Args<'_, 'a>, at: usize) -> Result<Self, MessageError> {
        let f = |i: usize| a.keyed(at + i, FND_KEYS[i], "a key=value search field");
        Ok(Self {
            first_name: f(0)?,
            last_name: f(1)?,
            city: f(2)?,
            state: f(3)?,
            country: f(4)?,
        })
    }
    fn write<S: Sink>(&self, l: &mut Line<'_, S>) {
        for (k, v) in FND_KEYS.iter().zip([
            &self.first_name,
            &self.last_name,
            &self.city,
            &self.state,
            &self.country,
        ]) {
            l.keyed(k, v.as_str());
        }
    }
}

/// Client `FND trid fname=… lname=… city=… state=… country=…`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct FndQuery<'a> {
    /// Transaction ID.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub trid: TrId,
    /// The search.
    pub query: Directory<'a>,
}
owned!(FndQuery { trid, query });

/// Server `FND trid index total {fields}` / `FND trid 0 0`: one hit.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct FndResult<'a> {
    /// Transaction ID.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub trid: TrId,
    /// 1-based position (0 when nothing was found).
    pub index: u32,
    /// Hits.
    pub total: u32,
    /// The hit.
    pub entry: Option<Directory<'a>>,
}
owned!(FndResult {
    trid,
    index,
    total,
    entry
});

pub(crate) enum Fnd<'a> {
    Query(FndQuery<'a>),
    Result(FndResult<'a>),
}

pub(crate) fn decode_fnd<'a>(a: &Args<'_, 'a>) -> Result<Fnd<'a>, MessageError> {
    a.arity(2, 7)?;
    if a.is_digits(0) {
        if a.n != 2 && a.n != 7 {
            return Err(MessageError::ArgCount {
                verb: a.verb,
                min: 2,
                max: 7,
                got: a.n,
            });
        }
        return Ok(Fnd::Result(FndResult {
            trid: a.trid()?,
            index: a.u32(0)?,
            total: a.u32(1)?,
            entry: if a.n == 7 {
                Some(Directory::decode(a, 2)?)
            } else {
                None
            },
        }));
    }
    a.arity(5, 5)?;
    Ok(Fnd::Query(FndQuery {
        trid: a.trid()?,
        query: Directory::decode(a, 0)?,
    }))
}

impl FndQuery<'_> {
    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        let mut l = Line::new(s, d, verb, Some(self.trid));
        self.query.write(&mut l);
        l.end()
    }
}

impl FndResult<'_> {
    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        let mut l = Line::new(s, d, verb, Some(self.trid));
        l.num(u64::from(self.index));
        l.num(u64::from(self.total));
        if let Some(e) = &self.entry {
            e.write(&mut l);
        }
        l.end()
    }
}

/// `IMS trid {0} ON|OFF` (MSNP3+): switchboard invitations on or off (the server's reply has a
/// `0` of unknown meaning first).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Ims {
    /// Transaction ID.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub trid: TrId,
    /// The server reply's first argument (always `0`).
    pub unknown: Option<u32>,
    /// `ON` (true) or `OFF`.
    pub enabled: bool,
}
owned_copy!(Ims);

impl Ims {
    pub(crate) fn decode(a: &Args<'_, '_>) -> Result<Self, MessageError> {
        a.arity(1, 2)?;
        let k = a.n - 1;
        let enabled = match a.get(k) {
            Some(b"ON") => true,
            Some(b"OFF") => false,
            _ => return Err(a.bad(k, "ON or OFF")),
        };
        Ok(Self {
            trid: a.trid()?,
            unknown: if k == 1 { Some(a.u32(0)?) } else { None },
            enabled,
        })
    }
    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        let mut l = Line::new(s, d, verb, Some(self.trid));
        l.opt_num(self.unknown);
        l.str(if self.enabled { "ON" } else { "OFF" });
        l.end()
    }
}

/// Client `PAG trid handle len` (MSNP5–8) / `PGD trid handle device-type len` (MSNP9+) + page XML.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Page<'a> {
    /// Transaction ID.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub trid: TrId,
    /// The contact paged.
    #[cfg_attr(
        feature = "serde",
        serde(flatten, serialize_with = "crate::network::ser::handle")
    )]
    pub handle: Handle<'a>,
    /// `PGD` device type: 1 mobile, 2 MSN Direct.
    pub device_type: Option<u32>,
    /// The page document.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub payload: Cow<'a, [u8]>,
}
owned!(Page {
    trid,
    handle,
    device_type,
    payload
});

impl<'a> Page<'a> {
    pub(crate) fn decode(a: &Args<'_, 'a>) -> Result<Self, MessageError> {
        let pgd = a.verb == Verb::PGD;
        if pgd {
            a.arity(2, 2)?
        } else {
            a.arity(1, 1)?
        }
        Ok(Self {
            trid: a.trid()?,
            handle: a.handle(0)?,
            device_type: if pgd { Some(a.u32(1)?) } else { None },
            payload: a.payload()?,
        })
    }
    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        if (verb == Verb::PGD) != self.device_type.is_some() {
            return Err(invalid("device_type", "present exactly in PGD"));
        }
        let mut l = Line::new(s, d, verb, Some(self.trid));
        l.handle(&self.handle);
        l.opt_num(self.device_type);
        l.end_payload(&self.payload)
    }
}

/// `GCF trid {filename} {len}`: client request (`GCF trid Shields.xml`, 11–12), server reply
/// with the file (`GCF trid Shields.xml len`, 11–12) or the pushed policies (`GCF 0 len`, 13+).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Gcf<'a> {
    /// Transaction ID.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub trid: TrId,
    /// File name (MSNP11–12).
    pub filename: Option<Token<'a>>,
    /// The file (server).
    #[cfg_attr(feature = "serde", serde(skip))]
    pub payload: Option<Cow<'a, [u8]>>,
}
owned!(Gcf {
    trid,
    filename,
    payload
});

impl<'a> Gcf<'a> {
    pub(crate) fn decode(a: &Args<'_, 'a>) -> Result<Self, MessageError> {
        let payload = a.raw.payload().map(Cow::Borrowed);
        if payload.is_some() {
            a.arity(0, 1)?
        } else {
            a.arity(1, 1)?
        }
        Ok(Self {
            trid: a.trid()?,
            filename: a.opt_tok(0)?,
            payload,
        })
    }
    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        let mut l = Line::new(s, d, verb, Some(self.trid));
        l.opt_tok(&self.filename);
        if d.direction.is_none()
            && self
                .filename
                .as_ref()
                .is_some_and(|f| super::args::all_digits(f.as_bytes()))
            && self.payload.is_none()
        {
            return Err(invalid(
                "GCF filename",
                "would read back as a payload length",
            ));
        }
        match &self.payload {
            Some(p) => l.end_payload(p),
            None => {
                if self.filename.is_none() {
                    return Err(invalid("GCF", "needs a filename or a payload"));
                }
                l.end()
            }
        }
    }
}

/// Client `UUN trid handle type len` + data (MSNP13+); server `UBN handle type len` + data.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct UserNotification<'a> {
    /// Transaction ID (`UUN` only).
    #[cfg_attr(feature = "serde", serde(skip))]
    pub trid: Option<TrId>,
    /// Target (`UUN`) or sender (`UBN`), 16+ with `;{guid}`.
    #[cfg_attr(
        feature = "serde",
        serde(flatten, serialize_with = "crate::network::ser::handle")
    )]
    pub handle: Handle<'a>,
    /// Notification type (constants.md §13).
    pub kind: u32,
    /// The data.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub payload: Cow<'a, [u8]>,
}
owned!(UserNotification {
    trid,
    handle,
    kind,
    payload
});

impl<'a> UserNotification<'a> {
    pub(crate) fn decode(a: &Args<'_, 'a>) -> Result<Self, MessageError> {
        a.arity(2, 2)?;
        Ok(Self {
            trid: a.opt_trid(),
            handle: a.handle(0)?,
            kind: a.u32(1)?,
            payload: a.payload()?,
        })
    }
    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        let mut l = Line::new(s, d, verb, self.trid);
        l.handle(&self.handle);
        l.num(u64::from(self.kind));
        l.end_payload(&self.payload)
    }
}

/// Client `UUM trid handle nid type len` + MIME (MSNP14+): message to a federated contact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Uum<'a> {
    /// Transaction ID.
    pub trid: TrId,
    /// Recipient.
    pub handle: Handle<'a>,
    /// Recipient's network.
    pub network_id: NetworkId,
    /// Message type: 1 text, 2 typing, 3 nudge.
    pub kind: u32,
    /// The MIME message.
    pub payload: Cow<'a, [u8]>,
}
owned!(Uum {
    trid,
    handle,
    network_id,
    kind,
    payload
});

impl<'a> Uum<'a> {
    pub(crate) fn decode(a: &Args<'_, 'a>) -> Result<Self, MessageError> {
        a.arity(3, 3)?;
        Ok(Self {
            trid: a.trid()?,
            handle: a.handle(0)?,
            network_id: a.network(1)?,
            kind: a.u32(2)?,
            payload: a.payload()?,
        })
    }
    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        let mut l = Line::new(s, d, verb, Some(self.trid));
        l.handle(&self.handle);
        l.num(u64::from(self.network_id.0));
        l.num(u64::from(self.kind));
        l.end_payload(&self.payload)
    }
}

/// Server `UBM sender nid {receiver receiver-nid} type len` + MIME (MSNP14+; six-argument form
/// in 18+, per MSNPSharp 3.x and pidgin).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ubm<'a> {
    /// Sender.
    pub sender: Handle<'a>,
    /// Sender's network.
    pub sender_network: NetworkId,
    /// Receiver (MSNP18+).
    pub receiver: Option<Handle<'a>>,
    /// Receiver's network (MSNP18+).
    pub receiver_network: Option<NetworkId>,
    /// Message type.
    pub kind: u32,
    /// The MIME message.
    pub payload: Cow<'a, [u8]>,
}
owned!(Ubm {
    sender,
    sender_network,
    receiver,
    receiver_network,
    kind,
    payload
});

impl<'a> Ubm<'a> {
    pub(crate) fn decode(a: &Args<'_, 'a>, d: &Ctx) -> Result<Self, MessageError> {
        let six = d.version >= V::Msnp18;
        if six {
            a.arity(5, 5)?
        } else {
            a.arity(3, 3)?
        }
        Ok(Self {
            sender: a.handle(0)?,
            sender_network: a.network(1)?,
            receiver: if six { Some(a.handle(2)?) } else { None },
            receiver_network: if six { Some(a.network(3)?) } else { None },
            kind: a.u32(if six { 4 } else { 2 })?,
            payload: a.payload()?,
        })
    }
    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        let six = d.version >= V::Msnp18;
        if six != (self.receiver.is_some() && self.receiver_network.is_some())
            || self.receiver.is_some() != self.receiver_network.is_some()
        {
            return Err(invalid("UBM receiver", "present exactly from MSNP18"));
        }
        let mut l = Line::new(s, d, verb, None);
        l.handle(&self.sender);
        l.num(u64::from(self.sender_network.0));
        if let (Some(r), Some(n)) = (&self.receiver, self.receiver_network) {
            l.handle(r);
            l.num(u64::from(n.0));
        }
        l.num(u64::from(self.kind));
        l.end_payload(&self.payload)
    }
}

/// Server `NFY operation len` + routed MIME (MSNP18+; `PUT` or `DEL`). Also `NOT len`/`IPG len`
/// with `operation` absent.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Notification<'a> {
    /// `PUT` or `DEL` (`NFY` only).
    pub operation: Option<Token<'a>>,
    /// The document.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub payload: Cow<'a, [u8]>,
}
owned!(Notification { operation, payload });

impl<'a> Notification<'a> {
    pub(crate) fn decode(a: &Args<'_, 'a>) -> Result<Self, MessageError> {
        if a.verb == Verb::NFY {
            a.arity(1, 1)?
        } else {
            a.arity(0, 0)?
        }
        Ok(Self {
            operation: a.opt_tok(0)?,
            payload: a.payload()?,
        })
    }
    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        if (verb == Verb::NFY) != self.operation.is_some() {
            return Err(invalid("operation", "present exactly in NFY"));
        }
        let mut l = Line::new(s, d, verb, None);
        l.opt_tok(&self.operation);
        l.end_payload(&self.payload)
    }
}

/// Server `RFS {bits}` (MSNP13+; framing uncertain): ask the client to resend its ADL (1),
/// UUX (2) or both (3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Rfs {
    /// What to resend.
    pub bits: Option<u32>,
}
owned_copy!(Rfs);

impl Rfs {
    pub(crate) fn decode(a: &Args<'_, '_>) -> Result<Self, MessageError> {
        a.arity(0, 1)?;
        Ok(Self {
            bits: a.opt_u32(0)?,
        })
    }
    pub(crate) fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        let mut l = Line::new(s, d, verb, None);
        l.opt_num(self.bits);
        l.end()
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Uum<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use crate::network::ser;
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        ser::entries(
            &mut m,
            ser::HANDLE,
            Some(&self.handle),
            Some(self.network_id),
        )?;
        m.serialize_entry("kind", &self.kind)?;
        m.end()
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Ubm<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use crate::network::ser;
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        ser::entries(
            &mut m,
            ser::SENDER,
            Some(&self.sender),
            Some(self.sender_network),
        )?;
        ser::entries(
            &mut m,
            ser::RECEIVER,
            self.receiver.as_ref(),
            self.receiver_network,
        )?;
        m.serialize_entry("kind", &self.kind)?;
        m.end()
    }
}
