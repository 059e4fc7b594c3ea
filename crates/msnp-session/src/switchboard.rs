//! [`SwitchboardSession`]: the client side of one switchboard (chat) connection.

use std::collections::VecDeque;
use std::sync::Arc;

use bytes::Bytes;

use crate::SessionError;
use crate::machine::{self, Core, Machine};
use crate::violation::ProtocolViolation;
use msnp_proto::error_code::ErrorCode;
use msnp_proto::message::session::Out;
use msnp_proto::message::{
    AckMode, Ans, Cal, MessageError, MsgSend, Rng, SbReferral, Usr, UsrSwitchboard,
};
use msnp_proto::raw::OwnedCommand;
use msnp_proto::verb::{TrId, Verb};
use msnp_proto::version::{Dialect, Direction, Leniency, ProtocolVersion as V};
use msnp_proto::wire::Limits;
use msnp_proto::{ClientCapabilities, Handle, Message, Token, UrlText};

/// Who the client is on the switchboard, and the limits it keeps.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SwitchboardConfig {
    /// The account, e.g. `alice@hotmail.com`.
    pub handle: String,
    /// The machine GUID, braced: from MSNP16 the client joins as `handle;{guid}`.
    pub machine_guid: Option<String>,
    /// The version negotiated on the notification server (switchboards have no `VER`).
    pub version: V,
    /// Framing limits for the server's commands.
    pub limits: Limits,
    /// What non-conforming server input to accept.
    pub leniency: Leniency,
    /// Most participants (endpoints) tracked; more is a [`SwitchboardError::TooManyParticipants`].
    pub max_participants: usize,
    /// Most messages awaiting `ACK`/`NAK`; beyond it the oldest is forgotten.
    pub max_pending: usize,
}

impl SwitchboardConfig {
    /// A configuration with defaults: no GUID, default limits, 256 participants, 256 pending
    /// messages.
    pub fn new(handle: impl Into<String>, version: V) -> Self {
        Self {
            handle: handle.into(),
            machine_guid: None,
            version,
            limits: Limits::default(),
            leniency: Leniency::default(),
            max_participants: 256,
            max_pending: 256,
        }
    }

    /// Sets [`machine_guid`](Self::machine_guid).
    pub fn with_machine_guid(mut self, guid: impl Into<String>) -> Self {
        self.machine_guid = Some(guid.into());
        self
    }

    /// Sets [`limits`](Self::limits).
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Sets [`leniency`](Self::leniency).
    pub fn with_leniency(mut self, leniency: Leniency) -> Self {
        self.leniency = leniency;
        self
    }

    /// What the client calls itself on the wire: `handle`, or `handle;{guid}` from MSNP16 when
    /// a GUID is configured.
    pub fn endpoint(&self) -> String {
        match &self.machine_guid {
            Some(g) if self.version >= V::Msnp16 => format!("{};{g}", self.handle),
            _ => self.handle.clone(),
        }
    }
}

/// Another participant (one endpoint from MSNP16) of the session.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Participant {
    /// The handle as sent (`bob@hotmail.com` or `bob@hotmail.com;{guid}`).
    pub handle: Handle<'static>,
    /// The friendly name.
    pub friendly_name: UrlText<'static>,
    /// Client capabilities (MSNP12+).
    pub capabilities: Option<ClientCapabilities>,
}

impl Participant {
    /// The account part of the handle (without `;{guid}`).
    pub fn address(&self) -> &str {
        self.handle.address()
    }
}

/// Why the session failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum SwitchboardError {
    /// The server refused the `USR`/`ANS` (e.g. `911`: bad cookie).
    #[error("server error {code} ({}) to TrID {trid}", code.name().unwrap_or("unknown code"))]
    Server {
        /// The code.
        code: ErrorCode,
        /// The TrID it answered.
        trid: TrId,
    },
    /// A command that does not belong at this point, or with unusable arguments.
    #[error(transparent)]
    Protocol(#[from] ProtocolViolation),
    /// More participants than [`SwitchboardConfig::max_participants`].
    #[error("more than {max} participants")]
    TooManyParticipants {
        /// The limit.
        max: usize,
    },
}

/// What happened, in order; drained with [`SwitchboardSession::poll_event`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SwitchboardEvent {
    /// `USR OK` (invite) or `ANS OK` (answer): messages can be sent.
    Ready,
    /// `CAL trid RINGING session-id`: the invitation is on its way.
    Ringing {
        /// The `CAL`'s TrID.
        trid: TrId,
        /// Who was called.
        handle: Handle<'static>,
        /// The session ID (an opaque token).
        session_id: Token<'static>,
    },
    /// A `CAL` was refused (`217`: offline, `215`: already there, …).
    CallFailed {
        /// The `CAL`'s TrID.
        trid: TrId,
        /// Who was called.
        handle: Handle<'static>,
        /// The error.
        code: ErrorCode,
    },
    /// Someone was already in the session when the client answered (`IRO`).
    Present(Participant),
    /// Someone joined (`JOI`).
    Joined(Participant),
    /// Another endpoint of the user's own account joined or was present (MSNP16+ servers
    /// send `JOI`/`IRO` for it); it is not a participant.
    OwnEndpoint(Participant),
    /// Another endpoint of the user's own account left.
    OwnEndpointLeft(Handle<'static>),
    /// Someone left (`BYE`).
    Left {
        /// The handle as sent.
        handle: Handle<'static>,
        /// The trailing `1`: the session closed because of idleness.
        idle: bool,
    },
    /// A message relayed from a participant. The texts are shared with the session's copy of
    /// the sender's: a message from someone who sent before allocates nothing.
    Message {
        /// The sender's handle as sent (`bob@hotmail.com`; parse it with
        /// [`Handle::parse`]).
        sender: Arc<str>,
        /// The sender's friendly name, decoded.
        friendly_name: Arc<str>,
        /// The MIME payload.
        payload: Bytes,
    },
    /// `ACK`: the message with this TrID was delivered.
    Delivered(TrId),
    /// `NAK` (or an error reply): the message with this TrID was not delivered to everyone.
    NotDelivered(TrId),
    /// Any other server command.
    Command(OwnedCommand),
    /// The server sent `OUT`; the session is over.
    Closed,
    /// The session failed; nothing more will happen.
    Failed(SwitchboardError),
}

/// Where the session is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum SwitchboardPhase {
    /// `USR` sent with the `XFR SB` cookie.
    Authenticating,
    /// `ANS` sent with the `RNG` cookie; the roster is arriving.
    Answering,
    /// Ready for messages.
    Open,
    /// Left, closed or failed.
    Finished,
}

impl SwitchboardPhase {
    fn expecting(self) -> &'static str {
        match self {
            Self::Authenticating => "waiting for USR OK",
            Self::Answering => "waiting for ANS OK",
            Self::Open => "open",
            Self::Finished => "finished",
        }
    }
}

/// The client side of a switchboard session, sans-IO, in the same poll style as
/// [`ClientLogin`](crate::ClientLogin). TrIDs count from 1 on each switchboard connection.
///
/// ```
/// use msnp_session::{SwitchboardConfig, SwitchboardEvent, SwitchboardSession};
/// use msnp_proto::message::AckMode;
/// use msnp_proto::{ProtocolVersion, TrId};
/// let cfg = SwitchboardConfig::new("alice@hotmail.com", ProtocolVersion::Msnp8);
/// let mut sb = SwitchboardSession::invite(cfg, "17262740.1062764400.8131", &["bob@hotmail.com"])?;
/// assert_eq!(&sb.poll_transmit().unwrap().frame()[..], b"USR 1 alice@hotmail.com 17262740.1062764400.8131\r\n");
/// sb.handle_input(b"USR 1 OK alice@hotmail.com Alice\r\n")?;
/// assert_eq!(&sb.poll_transmit().unwrap().frame()[..], b"CAL 2 bob@hotmail.com\r\n");
/// sb.handle_input(b"CAL 2 RINGING 11752013\r\nJOI bob@hotmail.com Bob\r\n")?;
/// let trid = sb.send_message(AckMode::Acknowledged, b"MIME-Version: 1.0\r\n\r\nhi")?;
/// assert_eq!(trid, TrId(3));
/// sb.handle_input(b"ACK 3\r\n")?;
/// let events: Vec<_> = std::iter::from_fn(|| sb.poll_event()).collect();
/// assert_eq!(events.last(), Some(&SwitchboardEvent::Delivered(TrId(3))));
/// assert_eq!(sb.participants().len(), 1);
/// # Ok::<(), msnp_session::SessionError>(())
/// ```
#[derive(Debug)]
pub struct SwitchboardSession {
    config: SwitchboardConfig,
    phase: SwitchboardPhase,
    /// The `USR`/`ANS` TrID.
    auth_trid: TrId,
    /// Invitees to `CAL` once authenticated.
    invitees: Vec<Handle<'static>>,
    /// Outstanding `CAL`s: TrID and handle.
    calls: VecDeque<(TrId, Handle<'static>)>,
    /// Messages awaiting `ACK`/`NAK`.
    pending: VecDeque<(TrId, AckMode)>,
    participants: Vec<Participant>,
    senders: Senders,
    core: Core<SwitchboardEvent>,
}

/// How many senders' texts [`Senders`] keeps.
const KEPT_SENDERS: usize = 8;

/// The texts of the last few senders, as the shared strings the `Message` events carry. A
/// chat's messages come from a few people, so they are made once, not per message. A kept pair
/// is only reused for the same handle as sent and a name that decodes to the same text, so it
/// is never stale.
#[derive(Debug, Default)]
struct Senders {
    /// `(handle as sent, friendly name decoded)`, in the order first seen (the oldest goes
    /// first when the list is full).
    kept: Vec<(Arc<str>, Arc<str>)>,
}

impl Senders {
    /// The shared texts of `handle` named `name`.
    fn get(&mut self, handle: &Handle<'_>, name: &UrlText<'_>) -> (Arc<str>, Arc<str>) {
        let wire = handle.as_str();
        if let Some(kept) = self
            .kept
            .iter()
            .find(|(h, n)| **h == *wire && name.decodes_to(n))
        {
            return kept.clone();
        }
        if self.kept.len() >= KEPT_SENDERS {
            self.kept.remove(0);
        }
        let made = (Arc::from(wire), crate::roster::shared(name));
        self.kept.push(made.clone());
        made
    }
}

fn valid(s: &str) -> bool {
    Token::new(s).is_ok()
}

impl SwitchboardSession {
    fn base(config: SwitchboardConfig, phase: SwitchboardPhase) -> Result<Self, SessionError> {
        if !valid(&config.handle) {
            return Err(SessionError::Config {
                field: "handle",
                reason: "must be one non-empty token without spaces",
            });
        }
        if let Some(g) = &config.machine_guid
            && !(valid(g) && g.len() > 2 && g.starts_with('{') && g.ends_with('}'))
        {
            return Err(SessionError::Config {
                field: "machine_guid",
                reason: "must be braced, e.g. {F52973B6-…}",
            });
        }
        let side = |dir| {
            Dialect::switchboard(config.version)
                .with_direction(dir)
                .with_leniency(config.leniency)
        };
        let core = Core::new(
            side(Direction::ServerToClient),
            side(Direction::ClientToServer),
            config.limits,
        );
        Ok(Self {
            core,
            config,
            phase,
            auth_trid: TrId(1),
            invitees: Vec::new(),
            calls: VecDeque::new(),
            pending: VecDeque::new(),
            participants: Vec::new(),
            senders: Senders::default(),
        })
    }

    /// A session the client opened with `XFR SB` (already connected to the switchboard): queues
    /// `USR trid endpoint cookie`, then `CAL`s each of `invitees` once the server says `USR OK`.
    ///
    /// # Errors
    /// [`SessionError::Config`] for a bad handle, GUID or invitee; [`SessionError::Encode`]
    /// when the cookie is not a token.
    pub fn invite(
        config: SwitchboardConfig,
        cookie: &str,
        invitees: &[&str],
    ) -> Result<Self, SessionError> {
        let mut me = Self::base(config, SwitchboardPhase::Authenticating)?;
        for i in invitees {
            match Handle::parse(i) {
                Ok(h) => me.invitees.push(h.into_owned()),
                Err(_) => {
                    return Err(SessionError::Config {
                        field: "invitees",
                        reason: "each handle must be one non-empty token",
                    });
                }
            }
        }
        let endpoint = me.config.endpoint();
        let trid = me.core.next_trid();
        me.core
            .send(&Message::Usr(Usr::Switchboard(UsrSwitchboard {
                trid,
                handle: machine::handle("handle", &endpoint)?,
                cookie: machine::token("cookie", cookie)?,
            })))?;
        me.auth_trid = trid;
        Ok(me)
    }

    /// A session the client joins on an `RNG` invitation: queues
    /// `ANS trid endpoint cookie session-id`. The session ID is an opaque token (decimal or
    /// hex, as the server sent it).
    ///
    /// # Errors
    /// As [`invite`](Self::invite).
    pub fn answer(
        config: SwitchboardConfig,
        session_id: &str,
        cookie: &str,
    ) -> Result<Self, SessionError> {
        let mut me = Self::base(config, SwitchboardPhase::Answering)?;
        let endpoint = me.config.endpoint();
        let trid = me.core.next_trid();
        me.core.send(&Message::Ans(Ans {
            trid,
            handle: machine::handle("handle", &endpoint)?,
            cookie: machine::token("cookie", cookie)?,
            session_id: machine::token("session ID", session_id)?,
        }))?;
        me.auth_trid = trid;
        Ok(me)
    }

    /// A session from the notification server's `XFR trid SB host:port CKI cookie …` reply:
    /// returns the switchboard's `host:port` (to connect to) and the session.
    ///
    /// # Errors
    /// [`SessionError::Config`] when the referral's package is not `CKI`; else as
    /// [`invite`](Self::invite).
    pub fn from_xfr(
        config: SwitchboardConfig,
        xfr: &SbReferral<'_>,
        invitees: &[&str],
    ) -> Result<(Token<'static>, Self), SessionError> {
        if xfr.auth.as_str() != "CKI" {
            return Err(SessionError::Config {
                field: "xfr",
                reason: "is not an XFR SB host:port CKI cookie reply",
            });
        }
        let me = Self::invite(config, xfr.cookie.as_str(), invitees)?;
        Ok((xfr.address.clone().into_owned(), me))
    }

    /// A session from the notification server's
    /// `RNG session-id host:port CKI cookie inviter nick …`: returns the switchboard's
    /// `host:port`, the inviter and the session.
    ///
    /// # Errors
    /// [`SessionError::Config`] when the invitation's package is not `CKI`; else as
    /// [`answer`](Self::answer).
    pub fn from_rng(
        config: SwitchboardConfig,
        rng: &Rng<'_>,
    ) -> Result<(Token<'static>, Handle<'static>, Self), SessionError> {
        if rng.auth.as_str() != "CKI" {
            return Err(SessionError::Config {
                field: "rng",
                reason: "is not an RNG session-id host:port CKI cookie inviter … invitation",
            });
        }
        let me = Self::answer(config, rng.session_id.as_str(), rng.cookie.as_str())?;
        Ok((
            rng.address.clone().into_owned(),
            rng.inviter.clone().into_owned(),
            me,
        ))
    }

    /// The current phase.
    pub fn phase(&self) -> SwitchboardPhase {
        self.phase
    }

    /// The other participants now in the session (endpoints from MSNP16).
    pub fn participants(&self) -> &[Participant] {
        &self.participants
    }

    /// TrIDs of messages still awaiting `ACK`/`NAK`.
    pub fn pending_messages(&self) -> impl Iterator<Item = TrId> + '_ {
        self.pending.iter().map(|&(t, _)| t)
    }

    /// Bytes received and not yet consumed (at most one incomplete command).
    pub fn buffered(&self) -> usize {
        self.core.buffered()
    }

    /// The next command to send.
    pub fn poll_transmit(&mut self) -> Option<OwnedCommand> {
        self.core.transmit.pop_front()
    }

    /// The next event.
    pub fn poll_event(&mut self) -> Option<SwitchboardEvent> {
        self.core.events.pop_front()
    }

    /// Invites `handle` (`CAL`); returns the TrID.
    ///
    /// # Errors
    /// [`SessionError::WrongState`] unless open; [`SessionError::Encode`] for a bad handle.
    pub fn call(&mut self, handle: &str) -> Result<TrId, SessionError> {
        self.require_open("call")?;
        let h = machine::handle("handle", handle)?.into_owned();
        self.cal(h)
    }

    fn cal(&mut self, handle: Handle<'static>) -> Result<TrId, SessionError> {
        let trid = self.core.next_trid();
        self.core.send(&Message::Cal(Cal {
            trid,
            handle: handle.clone(),
        }))?;
        if self.calls.len() >= self.config.max_pending.max(1) {
            self.calls.pop_front();
        }
        self.calls.push_back((trid, handle));
        Ok(trid)
    }

    /// Sends `MSG trid mode len` + `payload`; with mode `A`/`D` an `ACK` gives
    /// [`SwitchboardEvent::Delivered`], with `N`/`A`/`D` a `NAK` gives
    /// [`SwitchboardEvent::NotDelivered`]. Returns the TrID.
    ///
    /// # Errors
    /// [`SessionError::WrongState`] unless open; [`SessionError::Encode`] for a payload over
    /// the limits or an unknown mode.
    pub fn send_message(&mut self, mode: AckMode, payload: &[u8]) -> Result<TrId, SessionError> {
        self.require_open("send_message")?;
        if !mode.is_known() {
            return Err(SessionError::Encode(
                msnp_proto::error::EncodeError::Invalid {
                    what: "ack mode",
                    reason: "must be U, N, A or D",
                },
            ));
        }
        let trid = self.core.next_trid();
        self.core.send(&Message::MsgSend(MsgSend {
            trid,
            ack_mode: mode,
            payload: payload.into(),
        }))?;
        if mode != AckMode::Unacknowledged {
            if self.pending.len() >= self.config.max_pending.max(1) {
                self.pending.pop_front();
            }
            self.pending.push_back((trid, mode));
        }
        Ok(trid)
    }

    /// Leaves the session: queues `OUT`; the session is finished.
    ///
    /// # Errors
    /// [`SessionError::Finished`] when already finished.
    pub fn leave(&mut self) -> Result<(), SessionError> {
        if self.phase == SwitchboardPhase::Finished {
            return Err(SessionError::Finished);
        }
        self.core.send(&Message::Out(Out {
            reason: None,
            minutes: None,
        }))?;
        self.phase = SwitchboardPhase::Finished;
        Ok(())
    }

    /// Feeds bytes received from the switchboard; any split is fine.
    ///
    /// # Errors
    /// [`SessionError::Finished`] after the end; [`SessionError::Decode`] for invalid framing
    /// (the session is then finished).
    pub fn handle_input(&mut self, bytes: &[u8]) -> Result<(), SessionError> {
        machine::handle_input(self, bytes)
    }

    /// Feeds one framed command (switchboard dialect, server to client).
    ///
    /// # Errors
    /// [`SessionError::Finished`] after the end.
    pub fn handle_command(&mut self, cmd: &OwnedCommand) -> Result<(), SessionError> {
        machine::handle_command(self, cmd)
    }

    fn require_open(&self, call: &'static str) -> Result<(), SessionError> {
        match self.phase {
            SwitchboardPhase::Open => Ok(()),
            SwitchboardPhase::Finished => Err(SessionError::Finished),
            p => Err(SessionError::WrongState {
                call,
                state: p.expecting(),
            }),
        }
    }

    fn fail(&mut self, e: SwitchboardError) {
        self.core.emit(SwitchboardEvent::Failed(e));
        self.phase = SwitchboardPhase::Finished;
    }

    fn unexpected(&mut self, cmd: &OwnedCommand) {
        let e = ProtocolViolation::unexpected(cmd, self.phase.expecting());
        self.fail(e.into());
    }

    fn malformed(&mut self, cmd: &OwnedCommand, reason: &'static str) {
        self.fail(ProtocolViolation::malformed(cmd, reason).into());
    }

    /// Whether `h` is another endpoint of the user's own account.
    fn is_me(&self, h: &Handle<'_>) -> bool {
        h.address().eq_ignore_ascii_case(&self.config.handle)
    }

    /// A `JOI`/`IRO`: the participant, or the user's own other endpoint.
    fn arrived(&mut self, p: Participant, joined: bool) {
        if self.is_me(&p.handle) {
            self.core.emit(SwitchboardEvent::OwnEndpoint(p));
        } else if self.add_participant(p.clone()) {
            self.core.emit(if joined {
                SwitchboardEvent::Joined(p)
            } else {
                SwitchboardEvent::Present(p)
            });
        }
    }

    fn add_participant(&mut self, p: Participant) -> bool {
        if let Some(existing) = self.participants.iter_mut().find(|e| e.handle == p.handle) {
            *existing = p;
            return true;
        }
        if self.participants.len() >= self.config.max_participants {
            self.fail(SwitchboardError::TooManyParticipants {
                max: self.config.max_participants,
            });
            return false;
        }
        self.participants.push(p);
        true
    }

    fn ready(&mut self) -> Result<(), SessionError> {
        self.phase = SwitchboardPhase::Open;
        self.core.emit(SwitchboardEvent::Ready);
        for h in std::mem::take(&mut self.invitees) {
            self.cal(h)?;
        }
        Ok(())
    }

    fn on_error(&mut self, cmd: &OwnedCommand, code: ErrorCode, t: TrId) {
        if t == self.auth_trid && self.phase != SwitchboardPhase::Open {
            self.fail(SwitchboardError::Server { code, trid: t });
        } else if let Some(i) = self.calls.iter().position(|(c, _)| *c == t) {
            if let Some((trid, handle)) = self.calls.remove(i) {
                self.core
                    .emit(SwitchboardEvent::CallFailed { trid, handle, code });
            }
        } else if let Some(i) = self.pending.iter().position(|(p, _)| *p == t) {
            self.pending.remove(i);
            self.core.emit(SwitchboardEvent::NotDelivered(t));
        } else {
            self.core.emit(SwitchboardEvent::Command(cmd.clone()));
        }
    }
}

impl Machine for SwitchboardSession {
    type Event = SwitchboardEvent;

    fn core(&mut self) -> &mut Core<SwitchboardEvent> {
        &mut self.core
    }

    fn refuse_input(&self) -> Option<SessionError> {
        (self.phase == SwitchboardPhase::Finished).then_some(SessionError::Finished)
    }

    fn stop_reading(&self) -> bool {
        self.phase == SwitchboardPhase::Finished
    }

    fn abort(&mut self) {
        self.phase = SwitchboardPhase::Finished;
    }

    fn on_message(
        &mut self,
        cmd: &OwnedCommand,
        msg: Result<Message<'_>, MessageError>,
    ) -> Result<(), SessionError> {
        use SwitchboardPhase::{Answering, Authenticating};
        let raw = cmd.as_raw();
        let verb = raw.verb();
        let trid = raw.trid();
        let msg = match msg {
            Ok(Message::Error(e)) => {
                self.on_error(cmd, e.code, e.trid.unwrap_or(TrId::ASYNC));
                return Ok(());
            }
            Ok(m) => m,
            Err(_) => {
                if matches!(self.phase, Authenticating | Answering)
                    || matches!(
                        verb,
                        Verb::CAL | Verb::JOI | Verb::BYE | Verb::MSG | Verb::IRO
                    )
                {
                    self.malformed(cmd, "arguments do not fit the command's shape");
                } else {
                    self.core.emit(SwitchboardEvent::Command(cmd.clone()));
                }
                return Ok(());
            }
        };
        let own_reply = trid == Some(self.auth_trid);
        match (self.phase, msg) {
            (_, Message::Out(_)) => {
                self.core.emit(SwitchboardEvent::Closed);
                self.phase = SwitchboardPhase::Finished;
            }
            (Authenticating, Message::Usr(Usr::Ok(_))) if own_reply => self.ready()?,
            (Authenticating, Message::Usr(_)) if own_reply => {
                self.malformed(cmd, "expected USR OK");
            }
            (Answering, Message::Iro(i)) if own_reply => {
                let p = Participant {
                    handle: i.handle.into_owned(),
                    friendly_name: i.friendly_name.into_owned(),
                    capabilities: i.capabilities,
                };
                self.arrived(p, false);
            }
            (Answering, Message::AnsOk(_)) if own_reply => self.ready()?,
            (Authenticating | Answering, _) => self.unexpected(cmd),
            (_, Message::CalReply(c)) => {
                let Some(i) = self.calls.iter().position(|(t, _)| *t == c.trid) else {
                    self.unexpected(cmd);
                    return Ok(());
                };
                if let Some((trid, handle)) = self.calls.remove(i) {
                    self.core.emit(SwitchboardEvent::Ringing {
                        trid,
                        handle,
                        session_id: c.session_id.into_owned(),
                    });
                }
            }
            (_, Message::Joi(j)) => {
                let p = Participant {
                    handle: j.handle.into_owned(),
                    friendly_name: j.friendly_name.into_owned(),
                    capabilities: j.capabilities,
                };
                self.arrived(p, true);
            }
            (_, Message::Bye(b)) => {
                let idle = b.flag.as_ref().is_some_and(|f| f.as_str() == "1");
                let handle = b.handle.into_owned();
                if self.is_me(&handle) {
                    self.core.emit(SwitchboardEvent::OwnEndpointLeft(handle));
                    return Ok(());
                }
                if handle.endpoint().is_some() {
                    self.participants.retain(|p| p.handle != handle);
                } else {
                    // A bare handle: the account left with every endpoint.
                    self.participants
                        .retain(|p| p.address() != handle.address());
                }
                self.core.emit(SwitchboardEvent::Left { handle, idle });
            }
            (_, Message::MsgReceive(m)) => {
                let payload = raw
                    .payload()
                    .map(|p| cmd.frame().slice_ref(p))
                    .unwrap_or_default();
                let (sender, friendly_name) = self.senders.get(&m.sender, &m.sender_name);
                self.core.emit(SwitchboardEvent::Message {
                    sender,
                    friendly_name,
                    payload,
                });
            }
            (_, Message::Ack(t) | Message::Nak(t)) => {
                let ack = verb == Verb::ACK;
                match self.pending.iter().position(|(p, _)| *p == t.trid) {
                    Some(i) => {
                        self.pending.remove(i);
                        self.core.emit(if ack {
                            SwitchboardEvent::Delivered(t.trid)
                        } else {
                            SwitchboardEvent::NotDelivered(t.trid)
                        });
                    }
                    // Not a message we are waiting for (mode U, forgotten, or bogus): pass on.
                    None => self.core.emit(SwitchboardEvent::Command(cmd.clone())),
                }
            }
            _ => self.core.emit(SwitchboardEvent::Command(cmd.clone())),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open() -> SwitchboardSession {
        let cfg = SwitchboardConfig::new("alice@hotmail.com", V::Msnp8);
        let mut sb = SwitchboardSession::invite(cfg, "1.2.3", &[]).unwrap();
        sb.handle_input(b"USR 1 OK alice@hotmail.com Alice\r\n")
            .unwrap();
        while sb.poll_event().is_some() {}
        while sb.poll_transmit().is_some() {}
        sb
    }

    /// The sender and name of the next message `sender name` relays.
    fn relay(sb: &mut SwitchboardSession, sender: &str, name: &str) -> (Arc<str>, Arc<str>) {
        sb.handle_input(format!("MSG {sender} {name} 2\r\nhi").as_bytes())
            .unwrap();
        match sb.poll_event() {
            Some(SwitchboardEvent::Message {
                sender,
                friendly_name,
                payload,
            }) => {
                assert_eq!(&payload[..], b"hi");
                (sender, friendly_name)
            }
            e => panic!("{e:?}"),
        }
    }

    #[test]
    fn message_texts_are_shared_and_never_stale() {
        let mut sb = open();
        let first = relay(&mut sb, "bob@hotmail.com", "Bob%20B");
        assert_eq!((&*first.0, &*first.1), ("bob@hotmail.com", "Bob B"));
        let again = relay(&mut sb, "bob@hotmail.com", "Bob%20B");
        assert!(Arc::ptr_eq(&first.0, &again.0) && Arc::ptr_eq(&first.1, &again.1));
        // Same name, other escaping: the decoded text is the same, so the copy serves.
        let escaped = relay(&mut sb, "bob@hotmail.com", "Bob%20%42");
        assert!(Arc::ptr_eq(&first.1, &escaped.1));
        // A new name is the new name, and the old one comes back as itself.
        let renamed = relay(&mut sb, "bob@hotmail.com", "Robert");
        assert_eq!(&*renamed.1, "Robert");
        assert_eq!(&*relay(&mut sb, "bob@hotmail.com", "Bob%20B").1, "Bob B");
        // Handles are compared as sent.
        assert_eq!(
            &*relay(&mut sb, "BOB@hotmail.com", "Bob%20B").0,
            "BOB@hotmail.com"
        );
        // The copies are bounded; a sender whose copy was dropped gets a correct new one.
        for i in 0..2 * KEPT_SENDERS {
            let (s, n) = relay(&mut sb, &format!("c{i}@hotmail.com"), &format!("C{i}"));
            assert_eq!(
                (&*s, &*n),
                (&*format!("c{i}@hotmail.com"), &*format!("C{i}"))
            );
        }
        assert_eq!(sb.senders.kept.len(), KEPT_SENDERS);
        let back = relay(&mut sb, "bob@hotmail.com", "Bob%20B");
        assert_eq!((&*back.0, &*back.1), ("bob@hotmail.com", "Bob B"));
    }

    /// Outbound commands are encoded into shared blocks: every frame stays exact whatever
    /// its size against the block and its free room, whether the earlier frames are still held
    /// (a new block) or dropped (the block reused).
    #[test]
    fn sent_frames_are_exact_around_the_block_size() {
        let mut sb = open();
        let sizes = [
            1usize, 100, 511, 512, 513, 3000, 3583, 3584, 3585, 4095, 4096, 4097, 9000, 2,
        ];
        let mut carried = Vec::new();
        for round in 0..3 {
            let mut held = Vec::new();
            for (i, &n) in sizes.iter().enumerate() {
                let payload: Vec<u8> = (0..n)
                    .map(|k| b'a' + ((k + i + round) % 26) as u8)
                    .collect();
                let trid = sb.send_message(AckMode::Unacknowledged, &payload).unwrap();
                let frame = sb.poll_transmit().unwrap();
                if let Some(extra) = sb.poll_transmit() {
                    panic!("{:?} then {:?}", frame.as_raw(), extra.as_raw());
                }
                let mut want = format!("MSG {} U {n}\r\n", trid.0).into_bytes();
                want.extend_from_slice(&payload);
                assert_eq!(&frame.frame()[..], &want[..], "round {round}, {n} bytes");
                held.push((frame, want));
            }
            // Still exact while every frame shares the blocks with those sent after it.
            for (frame, want) in &held {
                assert_eq!(&frame.frame()[..], &want[..]);
            }
            // Round 0's frames stay held through round 1 (its blocks cannot be reused); round
            // 1 drops them all, so round 2 starts from blocks nobody else holds.
            if round == 0 {
                carried = held;
            } else {
                carried.clear();
            }
        }
    }
}
