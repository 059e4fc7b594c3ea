//! The typed command layer: every command of CVR0 and MSNP2–18 (and what MSNP19–21 share), both
//! directions, notification and switchboard, as [`Message`]; decoded from a [`RawCommand`] per
//! [`Dialect`] and encoded back byte-exactly.
//!
//! Typed structs are version-neutral (`Presence` serves `ILN` and `NLN` in every version, with
//! `Option` fields); the dialect decides which fields are on the wire and where.
//!
//! ```
//! use msnp_proto::{Decoder, Dialect, Direction, Limits, Message, PresenceStatus, ProtocolVersion, Status};
//! let d = Dialect::notification(ProtocolVersion::Msnp18).with_direction(Direction::ServerToClient);
//! let wire = b"NLN BSY 1:bob@hotmail.com Bob%20B 2785312812:48 0\r\n";
//! let Ok(Status::Complete { value: raw, .. }) = Decoder::new(d, Limits::default()).decode(wire) else { panic!() };
//! let msg = Message::decode(&raw, &d).unwrap();
//! let Message::Nln(p) = &msg else { panic!("{msg:?}") };
//! assert_eq!(p.status, PresenceStatus::Busy);
//! assert_eq!(p.handle.address(), "bob@hotmail.com");
//! assert_eq!(p.network_id().map(|n| n.0), Some(1));
//! assert_eq!(p.friendly_name.decoded(), "Bob B");
//! assert_eq!(p.capabilities.and_then(|c| c.ext), Some(48));
//! assert_eq!(msg.to_vec(&d).unwrap(), wire);
//! ```

pub(crate) mod args;
pub mod error_reply;
pub mod lists;
pub mod misc;
pub(crate) mod own;
pub mod presence;
pub mod session;
pub mod switchboard;
mod unknown;

use bytes::BufMut;

pub use crate::verb_table::supported;
pub use error_reply::ErrorReply;
pub use lists::{
    Adc, Add, Adg, Blp, BlpMode, Bpr, Group, GroupIds, Gtc, GtcMode, ListEntry, LstRequest,
    Property, Prp, Rea, Reg, Rem, Rmg, Sbp, Setting, Syn,
};
pub use misc::{
    Directory, FndQuery, FndResult, Gcf, Ims, Notification, OkReply, Opaque, Page, PayloadCommand,
    PutOk, Rfs, Rng, Sdc, Snd, Transaction, Ubm, UrlReply, UrlRequest, UserNotification, Uum,
};
pub use presence::{Chg, Iln, Offline, Presence, Ubx};
pub use session::{
    AuthPackage, AuthStage, Chl, CvrReply, CvrRequest, InfReply, NsReferral, OutReason, Qng,
    QryRequest, SbReferral, Sbs, ServerKind, Usr, UsrChallenge, UsrCredentials, UsrInitial, UsrOk,
    UsrSwitchboard, Ver, VersionName, XfrRequest,
};
pub use switchboard::{AckMode, Ans, Bye, Cal, CalReply, Iro, Joi, MsgReceive, MsgSend};
pub use unknown::UnknownCommand;

use crate::error::EncodeError;
use crate::payload::{Payload, PayloadError, XmlLimits, parse_payload};
use crate::raw::RawCommand;
use crate::verb::{TrId, Verb};
use crate::verb_table;
use crate::version::{Channel, Dialect, Direction, ProtocolVersion as V};
use args::{Args, Buf, Count, Sink};
use own::Own;

/// Why a raw command is not a valid typed message in its dialect. Says which command, which
/// argument (0 = first after the verb and TrID) and what was expected.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MessageError {
    /// Wrong number of arguments for the dialect's shape of the command.
    #[error("{verb}: expected {min}..={max} arguments, got {got}")]
    ArgCount {
        /// The command.
        verb: Verb,
        /// Fewest arguments.
        min: usize,
        /// Most arguments.
        max: usize,
        /// Arguments on the line.
        got: usize,
    },
    /// An argument is not what the shape expects.
    #[error("{verb}: argument {index} is not {expected}")]
    BadArg {
        /// The command.
        verb: Verb,
        /// Argument position (0 = first after the verb and TrID).
        index: usize,
        /// What was expected.
        expected: &'static str,
    },
    /// The command needs a TrID and the line has none.
    #[error("{verb}: missing transaction ID")]
    MissingTrId {
        /// The command.
        verb: Verb,
    },
    /// The line has a TrID where this command's shape has none.
    #[error("{verb}: unexpected transaction ID")]
    UnexpectedTrId {
        /// The command.
        verb: Verb,
    },
    /// The shape needs a payload and the line has none.
    #[error("{verb}: missing payload")]
    MissingPayload {
        /// The command.
        verb: Verb,
    },
    /// The line carries a payload this shape does not have.
    #[error("{verb}: unexpected payload")]
    UnexpectedPayload {
        /// The command.
        verb: Verb,
    },
}

/// Opt-in readings of forms that servers and clients disagreed on (all off by default: the
/// defaults follow the protocol reference). Used by [`Message::decode_with`] and
/// [`Message::encode_with`]; the same switches must be used in both directions.
///
/// ```
/// use msnp_proto::{Decoder, Dialect, Direction, Limits, Message, ProtocolVersion, Status};
/// use msnp_proto::message::Quirks;
/// let d = Dialect::notification(ProtocolVersion::Msnp11).with_direction(Direction::ServerToClient);
/// let wire = b"RMG 9 1 dbb9e6a9-8a44-4c53-9b75-b1c0f2a1d1aa\r\n";
/// let Ok(Status::Complete { value, .. }) = Decoder::new(d, Limits::default()).decode(wire) else { panic!() };
/// assert!(Message::decode(&value, &d).is_err());
/// let q = Quirks::default().with_escargot_group_replies(true);
/// let m = Message::decode_with(&value, &d, &q).unwrap();
/// assert_eq!(m.to_vec_with(&d, &q).unwrap(), wire);
/// ```
#[non_exhaustive]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Quirks {
    /// Escargot's MSNP10–12 group replies: `RMG trid 1 group-id` (a literal `1` before the ID,
    /// kept as `list_version`) and `REG trid 1 name group-id 0` (name before ID). JML and the
    /// msnp-wiki give `RMG trid group-id` / `REG trid group-id name`, the default.
    pub escargot_group_replies: bool,
    /// The NINA "MSNP16 changes" reading: `NLN`/`FLN`/`UBX` already use `nid:handle` (no
    /// separate network argument) in MSNP16–17. MSNPSharp, papyon and Escargot put the change at
    /// MSNP18, the default.
    pub network_prefix_from_16: bool,
    /// Escargot accepts `CVR` with any number of arguments (6 to 9) in every version; the
    /// default requires the version's shape.
    pub any_cvr_arity: bool,
}

impl Quirks {
    /// Every quirk on.
    pub const ALL: Self = Self {
        escargot_group_replies: true,
        network_prefix_from_16: true,
        any_cvr_arity: true,
    };

    /// Sets [`escargot_group_replies`](Self::escargot_group_replies).
    pub const fn with_escargot_group_replies(mut self, on: bool) -> Self {
        self.escargot_group_replies = on;
        self
    }

    /// Sets [`network_prefix_from_16`](Self::network_prefix_from_16).
    pub const fn with_network_prefix_from_16(mut self, on: bool) -> Self {
        self.network_prefix_from_16 = on;
        self
    }

    /// Sets [`any_cvr_arity`](Self::any_cvr_arity).
    pub const fn with_any_cvr_arity(mut self, on: bool) -> Self {
        self.any_cvr_arity = on;
        self
    }
}

/// The dialect and the quirks in force; dereferences to the dialect.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ctx {
    pub(crate) dialect: Dialect,
    pub(crate) quirks: Quirks,
}

impl Ctx {
    /// Whether presence commands carry the network ID as a separate argument (MSNP14–17, or
    /// 14–15 with [`Quirks::network_prefix_from_16`]).
    pub(crate) fn separate_network_id(&self) -> bool {
        let until = if self.quirks.network_prefix_from_16 {
            V::Msnp15
        } else {
            V::Msnp17
        };
        self.version.within(V::Msnp14, until)
    }
}

impl core::ops::Deref for Ctx {
    type Target = Dialect;
    fn deref(&self) -> &Dialect {
        &self.dialect
    }
}

pub(crate) fn invalid(what: &'static str, reason: &'static str) -> EncodeError {
    EncodeError::Invalid { what, reason }
}

#[cfg(feature = "serde")]
pub(crate) fn ser_lossy<S: serde::Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&String::from_utf8_lossy(b))
}

macro_rules! messages {
    ($( $(#[$m:meta])* $var:ident($ty:ty) = $verb:ident ),* $(,)?) => {
        /// One typed command (see the [module documentation](self)).
        ///
        /// Variants are per command *form*: a verb whose client and server lines differ in shape
        /// has one variant per form (`CvrRequest`/`CvrReply`). `Unknown` keeps a command the
        /// dialect does not have (or whose form the shape cannot tell without a direction),
        /// losslessly.
        #[non_exhaustive]
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub enum Message<'a> {
            $( $(#[$m])* $var($ty), )*
            /// A numeric error reply.
            Error(ErrorReply<'a>),
            /// A command this dialect does not have, kept as received (borrowed, or owned
            /// after [`into_owned`](Self::into_owned)).
            Unknown(UnknownCommand<'a>),
        }

        impl<'a> Message<'a> {
            /// The command verb.
            pub fn verb(&self) -> Verb {
                match self {
                    $( Self::$var(_) => Verb::$verb, )*
                    Self::Error(e) => Verb::error(e.code.0.clamp(100, 999)).unwrap_or(Verb::MSG),
                    Self::Unknown(u) => u.as_raw().verb(),
                }
            }

            /// An owned, `'static` copy (payloads and texts copied; `Unknown` is re-framed
            /// from its own bytes).
            pub fn into_owned(self) -> Message<'static> {
                match self {
                    $( Self::$var(x) => Message::$var(x.own()), )*
                    Self::Error(e) => Message::Error(e.into_owned()),
                    Self::Unknown(u) => Message::Unknown(u.into_owned()),
                }
            }

            fn write<S: Sink>(&self, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
                match self {
                    $( Self::$var(x) => x.write(Verb::$verb, d, s), )*
                    Self::Error(e) => e.write(d, s),
                    Self::Unknown(u) => {
                        s.put(u.as_bytes());
                        Ok(())
                    }
                }
            }

            /// A serializable view of the fields (snake_case, decoded text, numbers as numbers),
            /// without the verb and the TrID. `Unknown` gives its arguments.
            #[cfg(feature = "serde")]
            pub fn fields(&self) -> impl serde::Serialize + '_ {
                Fields(self)
            }
        }

        #[cfg(feature = "serde")]
        struct Fields<'m, 'a>(&'m Message<'a>);

        #[cfg(feature = "serde")]
        impl serde::Serialize for Fields<'_, '_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match self.0 {
                    $( Message::$var(x) => serde::Serialize::serialize(x, s), )*
                    Message::Error(e) => serde::Serialize::serialize(e, s),
                    Message::Unknown(u) => {
                        use serde::ser::SerializeMap;
                        let mut m = s.serialize_map(Some(1))?;
                        let args: Vec<String> = u.as_raw().args().map(|a| String::from_utf8_lossy(a).into_owned()).collect();
                        m.serialize_entry("args", &args)?;
                        m.end()
                    }
                }
            }
        }
    };
}

messages! {
    /// `VER` (both directions).
    Ver(Ver<'a>) = VER,
    /// Client `CVR`.
    CvrRequest(CvrRequest<'a>) = CVR,
    /// Server `CVR`.
    CvrReply(CvrReply<'a>) = CVR,
    /// Client `CVQ` (CVR0 dialect).
    CvqRequest(CvrRequest<'a>) = CVQ,
    /// Server `CVQ`.
    CvqReply(CvrReply<'a>) = CVQ,
    /// Client `INF trid`.
    InfRequest(Transaction) = INF,
    /// Server `INF trid packages…`.
    InfReply(InfReply) = INF,
    /// `USR`, every form.
    Usr(Usr<'a>) = USR,
    /// Client `XFR trid SB`.
    XfrRequest(XfrRequest) = XFR,
    /// Server `XFR trid NS …`.
    XfrNs(NsReferral<'a>) = XFR,
    /// Server `XFR trid SB …`.
    XfrSb(SbReferral<'a>) = XFR,
    /// `OUT`.
    Out(session::Out) = OUT,
    /// `PNG`.
    Png(Png) = PNG,
    /// `QNG`.
    Qng(Qng) = QNG,
    /// `CHL`.
    Chl(Chl<'a>) = CHL,
    /// Client `QRY` with the answer.
    QryRequest(QryRequest<'a>) = QRY,
    /// Server `QRY trid`.
    QryReply(Transaction) = QRY,
    /// `SBS`.
    Sbs(Sbs<'a>) = SBS,
    /// `GSB trid`.
    Gsb(Transaction) = GSB,
    /// `CHG`.
    Chg(Chg<'a>) = CHG,
    /// `ILN`.
    Iln(Iln<'a>) = ILN,
    /// `NLN`.
    Nln(Presence<'a>) = NLN,
    /// `FLN`.
    Fln(Offline<'a>) = FLN,
    /// `UBX`.
    Ubx(Ubx<'a>) = UBX,
    /// `UUX` (both directions).
    Uux(PayloadCommand<'a>) = UUX,
    /// `SYN`.
    Syn(Syn<'a>) = SYN,
    /// `GTC`.
    Gtc(Gtc) = GTC,
    /// `BLP`.
    Blp(Blp) = BLP,
    /// Client `LST trid list`.
    LstRequest(LstRequest) = LST,
    /// Server `LST` entry.
    Lst(ListEntry<'a>) = LST,
    /// Client `LSG trid`.
    LsgRequest(Transaction) = LSG,
    /// Server `LSG` group.
    Lsg(Group<'a>) = LSG,
    /// `ADD`.
    Add(Add<'a>) = ADD,
    /// `ADC`.
    Adc(Adc<'a>) = ADC,
    /// `REM`.
    Rem(Rem<'a>) = REM,
    /// `REA`.
    Rea(Rea<'a>) = REA,
    /// `ADG`.
    Adg(Adg<'a>) = ADG,
    /// `RMG`.
    Rmg(Rmg<'a>) = RMG,
    /// `REG`.
    Reg(Reg<'a>) = REG,
    /// `PRP`.
    Prp(Prp<'a>) = PRP,
    /// `BPR`.
    Bpr(Bpr<'a>) = BPR,
    /// `SBP`.
    Sbp(Sbp<'a>) = SBP,
    /// `RNG`.
    Rng(Rng<'a>) = RNG,
    /// Client `MSG trid mode len` (switchboard).
    MsgSend(MsgSend<'a>) = MSG,
    /// Server `MSG sender nick len`.
    MsgReceive(MsgReceive<'a>) = MSG,
    /// `NOT len`.
    Not(Notification<'a>) = NOT,
    /// `IPG len`.
    Ipg(Notification<'a>) = IPG,
    /// Client `URL`.
    UrlRequest(UrlRequest<'a>) = URL,
    /// Server `URL`.
    UrlReply(UrlReply<'a>) = URL,
    /// Client `SND`.
    Snd(Snd<'a>) = SND,
    /// Server `SND trid OK`.
    SndOk(OkReply) = SND,
    /// Client `SDC`.
    Sdc(Sdc<'a>) = SDC,
    /// Server `SDC trid OK`.
    SdcOk(OkReply) = SDC,
    /// Client `FND` search.
    FndQuery(FndQuery<'a>) = FND,
    /// Server `FND` hit.
    FndResult(FndResult<'a>) = FND,
    /// `IMS`.
    Ims(Ims) = IMS,
    /// `PAG`.
    Pag(Page<'a>) = PAG,
    /// `PGD`.
    Pgd(Page<'a>) = PGD,
    /// `GCF`.
    Gcf(Gcf<'a>) = GCF,
    /// `LKP` (syntax undocumented).
    Lkp(Opaque<'a>) = LKP,
    /// `ADL trid len` (both directions).
    Adl(PayloadCommand<'a>) = ADL,
    /// `ADL trid OK`.
    AdlOk(OkReply) = ADL,
    /// `RML trid len`.
    Rml(PayloadCommand<'a>) = RML,
    /// `RML trid OK`.
    RmlOk(OkReply) = RML,
    /// `RFS`.
    Rfs(Rfs) = RFS,
    /// Client `UUN`.
    Uun(UserNotification<'a>) = UUN,
    /// Server `UUN trid OK`.
    UunOk(OkReply) = UUN,
    /// Server `UBN`.
    Ubn(UserNotification<'a>) = UBN,
    /// `FQY`.
    Fqy(PayloadCommand<'a>) = FQY,
    /// `UUM`.
    Uum(Uum<'a>) = UUM,
    /// `UBM`.
    Ubm(Ubm<'a>) = UBM,
    /// `NFY`.
    Nfy(Notification<'a>) = NFY,
    /// Client `PUT`.
    Put(PayloadCommand<'a>) = PUT,
    /// Server `PUT trid OK 0`.
    PutOk(PutOk<'a>) = PUT,
    /// `DEL`.
    Del(PayloadCommand<'a>) = DEL,
    /// `SDG`.
    Sdg(PayloadCommand<'a>) = SDG,
    /// `VAS` (syntax uncertain).
    Vas(Opaque<'a>) = VAS,
    /// `GET` (MSNP21, undocumented).
    Get(Opaque<'a>) = GET,
    /// Client `CAL`.
    Cal(Cal<'a>) = CAL,
    /// Server `CAL trid RINGING session`.
    CalReply(CalReply<'a>) = CAL,
    /// Client `ANS`.
    Ans(Ans<'a>) = ANS,
    /// Server `ANS trid OK`.
    AnsOk(OkReply) = ANS,
    /// `IRO`.
    Iro(Iro<'a>) = IRO,
    /// `JOI`.
    Joi(Joi<'a>) = JOI,
    /// `BYE`.
    Bye(Bye<'a>) = BYE,
    /// `ACK trid`.
    Ack(Transaction) = ACK,
    /// `NAK trid`.
    Nak(Transaction) = NAK,
}

/// `PNG`: the client's keep-alive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Png;
own::owned_copy!(Png);

impl Png {
    fn write<S: Sink>(&self, verb: Verb, d: &Ctx, s: &mut S) -> Result<(), EncodeError> {
        args::Line::new(s, d, verb, None).end()
    }
}

impl<'a> Message<'a> {
    /// Decodes a raw command in `dialect`.
    ///
    /// A command the dialect does not have becomes [`Message::Unknown`]; so does a command
    /// whose client and server forms share a shape when `dialect.direction` is `None` (e.g.
    /// `USR trid MD5 S x`). A command the dialect has, with arguments that do not fit its
    /// shape, is a [`MessageError`].
    pub fn decode(raw: &RawCommand<'a>, dialect: &Dialect) -> Result<Self, MessageError> {
        Self::decode_with(raw, dialect, &Quirks::default())
    }

    /// [`decode`](Self::decode) with opt-in [`Quirks`].
    pub fn decode_with(
        raw: &RawCommand<'a>,
        dialect: &Dialect,
        quirks: &Quirks,
    ) -> Result<Self, MessageError> {
        let ctx = Ctx {
            dialect: *dialect,
            quirks: *quirks,
        };
        let verb = raw.verb();
        if !supported(verb, dialect) {
            return Ok(Self::Unknown((*raw).into()));
        }
        let leading_zero = |t: &[u8]| t.len() > 1 && t[0] == b'0';
        if raw.trid_token().is_some_and(leading_zero) {
            // `MSG 007 …` frames, but a typed message could not write it back byte-exactly.
            return Err(MessageError::BadArg {
                verb,
                index: 0,
                expected: "a canonical transaction ID (no leading zeros)",
            });
        }
        if raw.length_token().is_some_and(leading_zero) {
            return Err(MessageError::BadArg {
                verb,
                index: raw.arg_count(),
                expected: "a canonical payload length (no leading zeros)",
            });
        }
        // With the sender unknown, the framing takes a leading number as a TrID; for commands
        // only servers send, without a TrID slot, it is the first argument (`RNG 11752013 …`).
        let untrid = dialect.direction.is_none()
            && raw.trid().is_some()
            && (verb_table::row(verb).is_some_and(|r| r.server_only_without_trid(dialect.version))
                || (verb == Verb::LSG
                    && dialect.version.within(V::Msnp8, V::Msnp9)
                    && raw.arg_count() == 2));
        let a = if untrid {
            Args::without_trid(raw)
        } else {
            Args::new(raw)
        };
        if verb.is_error() {
            return ErrorReply::decode(&a).map(Self::Error);
        }
        let d = &ctx;
        let dir = d.direction;
        let client = dir == Some(Direction::ClientToServer);
        let server = dir == Some(Direction::ServerToClient);
        let has_payload = raw.payload().is_some();
        let is_ok = a.get(0) == Some(b"OK");
        let m = match verb {
            Verb::VER => Self::Ver(Ver::decode(&a)?),
            Verb::CVR | Verb::CVQ => {
                let request = if dir.is_some() { client } else { a.n != 5 };
                match (request, verb) {
                    (true, Verb::CVR) => Self::CvrRequest(CvrRequest::decode(&a, d)?),
                    (true, _) => Self::CvqRequest(CvrRequest::decode(&a, d)?),
                    (false, Verb::CVR) => Self::CvrReply(CvrReply::decode(&a)?),
                    (false, _) => Self::CvqReply(CvrReply::decode(&a)?),
                }
            }
            Verb::INF => {
                if if dir.is_some() { client } else { a.n == 0 } {
                    Self::InfRequest(Transaction::decode(&a)?)
                } else {
                    Self::InfReply(InfReply::decode(&a)?)
                }
            }
            Verb::USR => match Usr::decode(&a, d)? {
                Some(u) => Self::Usr(u),
                None => Self::Unknown((*raw).into()),
            },
            Verb::XFR => match session::decode_xfr(&a, d)? {
                session::Xfr::Request(x) => Self::XfrRequest(x),
                session::Xfr::Ns(x) => Self::XfrNs(x),
                session::Xfr::Sb(x) => Self::XfrSb(x),
            },
            Verb::OUT => Self::Out(session::Out::decode(&a)?),
            Verb::PNG => {
                a.arity(0, 0)?;
                Self::Png(Png)
            }
            Verb::QNG => Self::Qng(Qng::decode(&a, d)?),
            Verb::CHL => Self::Chl(Chl::decode(&a)?),
            Verb::QRY => {
                if if dir.is_some() { client } else { has_payload } {
                    Self::QryRequest(QryRequest::decode(&a)?)
                } else {
                    Self::QryReply(Transaction::decode(&a)?)
                }
            }
            Verb::SBS => Self::Sbs(Sbs::decode(&a)?),
            Verb::GSB => Self::Gsb(Transaction::decode(&a)?),
            Verb::CHG => Self::Chg(Chg::decode(&a, d)?),
            Verb::ILN => Self::Iln(Iln::decode(&a, d)?),
            Verb::NLN => Self::Nln(Presence::decode(&a, d)?),
            Verb::FLN => Self::Fln(Offline::decode(&a, d)?),
            Verb::UBX => Self::Ubx(Ubx::decode(&a, d)?),
            Verb::UUX => Self::Uux(PayloadCommand::decode(&a)?),
            Verb::SYN => Self::Syn(Syn::decode(&a, d)?),
            Verb::GTC => Self::Gtc(Setting::decode(&a, d, GtcMode::parse_bytes)?),
            Verb::BLP => Self::Blp(Setting::decode(&a, d, BlpMode::parse_bytes)?),
            Verb::LST => match lists::decode_lst(&a, d)? {
                lists::Lst::Request(r) => Self::LstRequest(r),
                lists::Lst::Entry(e) => Self::Lst(e),
            },
            Verb::LSG => {
                if if dir.is_some() { client } else { a.n == 0 } {
                    Self::LsgRequest(Transaction::decode(&a)?)
                } else {
                    Self::Lsg(Group::decode(&a, d)?)
                }
            }
            Verb::ADD => Self::Add(Add::decode(&a, d)?),
            Verb::ADC => Self::Adc(Adc::decode(&a)?),
            Verb::REM => Self::Rem(Rem::decode(&a, d)?),
            Verb::REA => Self::Rea(Rea::decode(&a, d)?),
            Verb::ADG => Self::Adg(Adg::decode(&a, d)?),
            Verb::RMG => Self::Rmg(Rmg::decode(&a, d)?),
            Verb::REG => Self::Reg(Reg::decode(&a, d)?),
            Verb::PRP => Self::Prp(Prp::decode(&a, d)?),
            Verb::BPR => Self::Bpr(Bpr::decode(&a, d)?),
            Verb::SBP => Self::Sbp(Sbp::decode(&a)?),
            Verb::RNG => Self::Rng(Rng::decode(&a, d)?),
            Verb::MSG => {
                let send = if dir.is_some() {
                    client
                } else {
                    raw.trid().is_some() && a.n == 1
                };
                if send {
                    if d.channel != Channel::Switchboard {
                        return Ok(Self::Unknown((*raw).into()));
                    }
                    Self::MsgSend(MsgSend::decode(&a, d)?)
                } else {
                    Self::MsgReceive(MsgReceive::decode(&a)?)
                }
            }
            Verb::NOT => Self::Not(Notification::decode(&a)?),
            Verb::IPG => Self::Ipg(Notification::decode(&a)?),
            Verb::URL => {
                let request = match dir {
                    Some(_) => client,
                    None => {
                        a.n == 1
                            || (a.n == 2
                                && a.get(0)
                                    .is_some_and(|t| t.iter().all(u8::is_ascii_uppercase)))
                    }
                };
                if request {
                    a.arity(1, 2)?;
                    Self::UrlRequest(UrlRequest {
                        trid: a.trid()?,
                        service: a.tok(0)?,
                        param: a.opt_tok(1)?,
                    })
                } else {
                    let n = if d.version >= V::Msnp3 { 3 } else { 2 };
                    a.arity(n, n)?;
                    Self::UrlReply(UrlReply {
                        trid: a.trid()?,
                        redirect_url: a.tok(0)?,
                        login_url: a.tok(1)?,
                        site_id: a.opt_u32(2)?,
                    })
                }
            }
            Verb::SND | Verb::SDC | Verb::ANS | Verb::UUN | Verb::ADL | Verb::RML
                if is_ok && a.n == 1 && !has_payload && !client =>
            {
                let ok = OkReply::decode(&a)?;
                match verb {
                    Verb::SND => Self::SndOk(ok),
                    Verb::SDC => Self::SdcOk(ok),
                    Verb::ANS => Self::AnsOk(ok),
                    Verb::UUN => Self::UunOk(ok),
                    Verb::ADL => Self::AdlOk(ok),
                    _ => Self::RmlOk(ok),
                }
            }
            Verb::SND => Self::Snd(Snd::decode(&a, d)?),
            Verb::SDC => Self::Sdc(Sdc::decode(&a)?),
            Verb::FND => match misc::decode_fnd(&a)? {
                misc::Fnd::Query(q) => Self::FndQuery(q),
                misc::Fnd::Result(r) => Self::FndResult(r),
            },
            Verb::IMS => Self::Ims(Ims::decode(&a)?),
            Verb::PAG => Self::Pag(Page::decode(&a)?),
            Verb::PGD => Self::Pgd(Page::decode(&a)?),
            Verb::GCF => Self::Gcf(Gcf::decode(&a)?),
            Verb::LKP => Self::Lkp(Opaque::decode(&a)?),
            Verb::ADL => Self::Adl(PayloadCommand::decode(&a)?),
            Verb::RML => Self::Rml(PayloadCommand::decode(&a)?),
            Verb::RFS => Self::Rfs(Rfs::decode(&a)?),
            Verb::UUN => Self::Uun(UserNotification::decode(&a)?),
            Verb::UBN => Self::Ubn(UserNotification::decode(&a)?),
            Verb::FQY => Self::Fqy(PayloadCommand::decode(&a)?),
            Verb::UUM => Self::Uum(Uum::decode(&a)?),
            Verb::UBM => Self::Ubm(Ubm::decode(&a, d)?),
            Verb::NFY => Self::Nfy(Notification::decode(&a)?),
            Verb::PUT => {
                if if dir.is_some() { server } else { is_ok } {
                    Self::PutOk(PutOk::decode(&a)?)
                } else {
                    Self::Put(PayloadCommand::decode(&a)?)
                }
            }
            Verb::DEL => Self::Del(PayloadCommand::decode(&a)?),
            Verb::SDG => Self::Sdg(PayloadCommand::decode(&a)?),
            Verb::VAS => Self::Vas(Opaque::decode(&a)?),
            Verb::GET => Self::Get(Opaque::decode(&a)?),
            Verb::CAL => {
                let reply = if dir.is_some() {
                    server
                } else {
                    a.n == 2 && a.get(0) == Some(b"RINGING")
                };
                if reply {
                    Self::CalReply(CalReply::decode(&a)?)
                } else {
                    Self::Cal(Cal::decode(&a)?)
                }
            }
            Verb::ANS => Self::Ans(Ans::decode(&a)?),
            Verb::IRO => Self::Iro(Iro::decode(&a, d)?),
            Verb::JOI => Self::Joi(Joi::decode(&a, d)?),
            Verb::BYE => Self::Bye(Bye::decode(&a)?),
            Verb::ACK => Self::Ack(Transaction::decode(&a)?),
            Verb::NAK => Self::Nak(Transaction::decode(&a)?),
            _ => Self::Unknown((*raw).into()),
        };
        if !untrid && !m.is_unknown() && m.trid() != raw.trid() {
            // A TrID slot the typed shape does not have (e.g. `BYE 78 …` read with the direction
            // unknown): keeping it would lose it on re-encoding.
            return Err(if raw.trid().is_some() {
                MessageError::UnexpectedTrId { verb }
            } else {
                MessageError::MissingTrId { verb }
            });
        }
        Ok(m)
    }

    /// Appends the command's wire bytes to `out`: single spaces, CRLF, computed payload length.
    /// Nothing is written when the message cannot be encoded in `dialect`.
    ///
    /// ```
    /// use msnp_proto::{Dialect, Message, ProtocolVersion, TrId};
    /// use msnp_proto::message::PayloadCommand;
    /// let m = Message::Uux(PayloadCommand { trid: TrId(11), payload: b"<Data/>"[..].into() });
    /// let d = Dialect::notification(ProtocolVersion::Msnp11);
    /// let mut out = Vec::new();
    /// m.encode(&d, &mut out).unwrap();
    /// assert_eq!(out, b"UUX 11 7\r\n<Data/>");
    /// assert_eq!(m.encoded_len(&d), out.len());
    /// // UUX does not exist in MSNP10.
    /// assert!(m.encode(&Dialect::notification(ProtocolVersion::Msnp10), &mut out).is_err());
    /// ```
    pub fn encode(&self, dialect: &Dialect, out: &mut impl BufMut) -> Result<(), EncodeError> {
        self.encode_with(dialect, &Quirks::default(), out)
    }

    /// [`encode`](Self::encode) with opt-in [`Quirks`].
    pub fn encode_with(
        &self,
        dialect: &Dialect,
        quirks: &Quirks,
        out: &mut impl BufMut,
    ) -> Result<(), EncodeError> {
        let ctx = Ctx {
            dialect: *dialect,
            quirks: *quirks,
        };
        self.check(&ctx)?;
        // Dry run first, so that an error leaves `out` untouched.
        self.write(&ctx, &mut Count(0))?;
        self.write(&ctx, &mut Buf(out))
    }

    /// Exactly how many bytes [`encode`](Self::encode) writes (0 when it would fail).
    pub fn encoded_len(&self, dialect: &Dialect) -> usize {
        self.encoded_len_with(dialect, &Quirks::default())
    }

    /// [`encoded_len`](Self::encoded_len) with opt-in [`Quirks`].
    pub fn encoded_len_with(&self, dialect: &Dialect, quirks: &Quirks) -> usize {
        let ctx = Ctx {
            dialect: *dialect,
            quirks: *quirks,
        };
        let mut count = Count(0);
        match self.check(&ctx).and_then(|()| self.write(&ctx, &mut count)) {
            Ok(()) => count.0,
            Err(_) => 0,
        }
    }

    /// Appends the wire bytes to a (reused) vector in a single pass: the fast path. On error
    /// the vector is truncated back to its previous length.
    ///
    /// ```
    /// use msnp_proto::{Dialect, Message, ProtocolVersion};
    /// use msnp_proto::message::Qng;
    /// let d = Dialect::notification(ProtocolVersion::Msnp9);
    /// let mut out = b"QNG 50\r\n".to_vec();
    /// Message::Qng(Qng { seconds: Some(45) }).encode_to_vec(&d, &mut out).unwrap();
    /// assert_eq!(out, b"QNG 50\r\nQNG 45\r\n");
    /// // MSNP8's QNG has no argument: nothing is appended.
    /// let d8 = Dialect::notification(ProtocolVersion::Msnp8);
    /// assert!(Message::Qng(Qng { seconds: Some(45) }).encode_to_vec(&d8, &mut out).is_err());
    /// assert_eq!(out.len(), 16);
    /// ```
    pub fn encode_to_vec(&self, dialect: &Dialect, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        self.encode_to_vec_with(dialect, &Quirks::default(), out)
    }

    /// [`encode_to_vec`](Self::encode_to_vec) with opt-in [`Quirks`].
    pub fn encode_to_vec_with(
        &self,
        dialect: &Dialect,
        quirks: &Quirks,
        out: &mut Vec<u8>,
    ) -> Result<(), EncodeError> {
        let ctx = Ctx {
            dialect: *dialect,
            quirks: *quirks,
        };
        let start = out.len();
        let r = self
            .check(&ctx)
            .and_then(|()| self.write(&ctx, &mut Buf(out)));
        if r.is_err() {
            out.truncate(start);
        }
        r
    }

    /// The wire bytes in a new vector.
    pub fn to_vec(&self, dialect: &Dialect) -> Result<Vec<u8>, EncodeError> {
        self.to_vec_with(dialect, &Quirks::default())
    }

    /// [`to_vec`](Self::to_vec) with opt-in [`Quirks`].
    pub fn to_vec_with(&self, dialect: &Dialect, quirks: &Quirks) -> Result<Vec<u8>, EncodeError> {
        let ctx = Ctx {
            dialect: *dialect,
            quirks: *quirks,
        };
        let mut v = Vec::with_capacity(64);
        self.encode_to_vec_with(&ctx.dialect, &ctx.quirks, &mut v)?;
        Ok(v)
    }

    fn check(&self, d: &Ctx) -> Result<(), EncodeError> {
        let verb = self.verb();
        if matches!(self, Self::Unknown(_)) {
            return Ok(());
        }
        if !supported(verb, d) {
            return Err(EncodeError::UnsupportedInDialect {
                verb,
                version: d.version,
            });
        }
        if matches!(self, Self::MsgSend(_)) && d.channel != Channel::Switchboard {
            return Err(EncodeError::UnsupportedInDialect {
                verb,
                version: d.version,
            });
        }
        Ok(())
    }

    /// The transaction ID, when the command has one.
    pub fn trid(&self) -> Option<TrId> {
        match self {
            Self::Unknown(u) => u.as_raw().trid(),
            Self::Error(e) => e.trid,
            Self::Ver(x) => Some(x.trid),
            Self::CvrRequest(x) | Self::CvqRequest(x) => Some(x.trid),
            Self::CvrReply(x) | Self::CvqReply(x) => Some(x.trid),
            Self::InfRequest(x)
            | Self::QryReply(x)
            | Self::Gsb(x)
            | Self::LsgRequest(x)
            | Self::Ack(x)
            | Self::Nak(x) => Some(x.trid),
            Self::InfReply(x) => Some(x.trid),
            Self::Usr(x) => Some(x.trid()),
            Self::XfrRequest(x) => Some(x.trid),
            Self::XfrNs(x) => Some(x.trid),
            Self::XfrSb(x) => Some(x.trid),
            Self::Chl(x) => Some(x.trid),
            Self::QryRequest(x) => Some(x.trid),
            Self::Sbs(x) => Some(x.trid),
            Self::Chg(x) => Some(x.trid),
            Self::Iln(x) => Some(x.trid),
            Self::Uux(x)
            | Self::Adl(x)
            | Self::Rml(x)
            | Self::Fqy(x)
            | Self::Put(x)
            | Self::Del(x)
            | Self::Sdg(x) => Some(x.trid),
            Self::Syn(x) => Some(x.trid),
            Self::Gtc(x) => x.trid,
            Self::Blp(x) => x.trid,
            Self::LstRequest(x) => Some(x.trid),
            Self::Lst(x) => x.trid,
            Self::Lsg(x) => x.trid,
            Self::Add(x) => Some(x.trid),
            Self::Adc(x) => Some(x.trid),
            Self::Rem(x) => Some(x.trid),
            Self::Rea(x) => Some(x.trid),
            Self::Adg(x) => Some(x.trid),
            Self::Rmg(x) => Some(x.trid),
            Self::Reg(x) => Some(x.trid),
            Self::Prp(x) => x.trid,
            Self::Sbp(x) => Some(x.trid),
            Self::MsgSend(x) => Some(x.trid),
            Self::UrlRequest(x) => Some(x.trid),
            Self::UrlReply(x) => Some(x.trid),
            Self::Snd(x) => Some(x.trid),
            Self::SndOk(x)
            | Self::SdcOk(x)
            | Self::AdlOk(x)
            | Self::RmlOk(x)
            | Self::UunOk(x)
            | Self::AnsOk(x) => Some(x.trid),
            Self::Sdc(x) => Some(x.trid),
            Self::FndQuery(x) => Some(x.trid),
            Self::FndResult(x) => Some(x.trid),
            Self::Ims(x) => Some(x.trid),
            Self::Pag(x) | Self::Pgd(x) => Some(x.trid),
            Self::Gcf(x) => Some(x.trid),
            Self::Lkp(x) | Self::Vas(x) | Self::Get(x) => x.trid,
            Self::Uun(x) | Self::Ubn(x) => x.trid,
            Self::Uum(x) => Some(x.trid),
            Self::PutOk(x) => Some(x.trid),
            Self::Cal(x) => Some(x.trid),
            Self::CalReply(x) => Some(x.trid),
            Self::Ans(x) => Some(x.trid),
            Self::Iro(x) => Some(x.trid),
            _ => None,
        }
    }

    /// Whether this is `Unknown`.
    pub fn is_unknown(&self) -> bool {
        matches!(self, Self::Unknown(_))
    }

    /// The payload the command carries (`Some(&[])` for a zero length), or `None` when its
    /// shape has none.
    pub fn payload_bytes(&self) -> Option<&[u8]> {
        match self {
            Self::Unknown(u) => u.as_raw().payload(),
            Self::Error(e) => e.payload.as_deref(),
            Self::Uux(x)
            | Self::Adl(x)
            | Self::Rml(x)
            | Self::Fqy(x)
            | Self::Put(x)
            | Self::Del(x)
            | Self::Sdg(x) => Some(&x.payload),
            Self::PutOk(x) => Some(&x.payload),
            Self::Lkp(x) | Self::Vas(x) | Self::Get(x) => x.payload.as_deref(),
            Self::Gcf(x) => x.payload.as_deref(),
            Self::QryRequest(x) => Some(&x.answer),
            Self::Ubx(x) => Some(&x.payload),
            Self::MsgSend(x) => Some(&x.payload),
            Self::MsgReceive(x) => Some(&x.payload),
            Self::Not(x) | Self::Ipg(x) | Self::Nfy(x) => Some(&x.payload),
            Self::Sdc(x) => Some(&x.payload),
            Self::Pag(x) | Self::Pgd(x) => Some(&x.payload),
            Self::Uun(x) | Self::Ubn(x) => Some(&x.payload),
            Self::Uum(x) => Some(&x.payload),
            Self::Ubm(x) => Some(&x.payload),
            _ => None,
        }
    }

    /// The payload decoded as the document its verb carries (see
    /// [`PayloadKind`](crate::verb_table::PayloadKind)), or `None` when the command has no
    /// payload.
    ///
    /// ```
    /// use msnp_proto::{Decoder, Dialect, Direction, Limits, Message, ProtocolVersion, Status};
    /// use msnp_proto::payload::{Payload, XmlLimits};
    /// let d = Dialect::notification(ProtocolVersion::Msnp11).with_direction(Direction::ServerToClient);
    /// let wire = b"UBX bob@hotmail.com 26\r\n<Data><PSM>hi</PSM></Data>";
    /// let Ok(Status::Complete { value, .. }) = Decoder::new(d, Limits::default()).decode(wire) else { panic!() };
    /// let m = Message::decode(&value, &d).unwrap();
    /// let Some(Ok(Payload::Data(doc))) = m.payload(&XmlLimits::default()) else { panic!() };
    /// assert!(matches!(doc, msnp_proto::payload::data::DataDocument::Data(d) if d.psm.as_deref() == Some("hi")));
    /// ```
    pub fn payload(&self, limits: &XmlLimits) -> Option<Result<Payload<'_>, PayloadError>> {
        let body = self.payload_bytes()?;
        Some(parse_payload(self.verb(), self.uun_type(), body, limits))
    }

    /// The notification type of `UUN`/`UBN`, which decides how their payload reads (the
    /// `uun_type` of [`parse_payload`]); `None` for every other command.
    ///
    /// ```
    /// use msnp_proto::{Decoder, Dialect, Direction, Limits, Message, ProtocolVersion, Status};
    /// let d = Dialect::notification(ProtocolVersion::Msnp13).with_direction(Direction::ServerToClient);
    /// let wire = b"UBN bob@hotmail.com 5 7\r\n<Data/>";
    /// let Ok(Status::Complete { value, .. }) = Decoder::new(d, Limits::default()).decode(wire) else { panic!() };
    /// assert_eq!(Message::decode(&value, &d).unwrap().uun_type(), Some(5));
    /// ```
    pub fn uun_type(&self) -> Option<u32> {
        match self {
            Self::Uun(x) | Self::Ubn(x) => Some(x.kind),
            _ => None,
        }
    }
}
