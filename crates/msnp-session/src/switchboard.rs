//! [`SwitchboardSession`]: the client side of one switchboard (chat) connection.

use std::collections::VecDeque;

use bytes::Bytes;

use crate::SessionError;
use crate::inbound::{Inbound, arg_str, line_text};
use msnp_proto::error_code::ErrorCode;
use msnp_proto::message::AckMode;
use msnp_proto::raw::{OwnedCommand, RawCommand};
use msnp_proto::verb::{TrId, TrIdCounter, Verb};
use msnp_proto::version::{Dialect, Direction, Leniency, ProtocolVersion as V};
use msnp_proto::wire::Limits;

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
    pub handle: String,
    /// The friendly name, URL-encoded as sent.
    pub friendly_name: String,
    /// Client capabilities as sent (`caps` or `caps:capsex`), MSNP12+.
    pub capabilities: Option<String>,
}

impl Participant {
    /// The account part of the handle (without `;{guid}`).
    pub fn address(&self) -> &str {
        account(&self.handle)
    }
}

fn account(handle: &str) -> &str {
    handle.split(';').next().unwrap_or(handle)
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
    /// A command that does not belong at this point.
    #[error("unexpected {verb} while {expecting}: {line:?}")]
    Unexpected {
        /// The command.
        verb: Verb,
        /// What the session was waiting for.
        expecting: &'static str,
        /// The line as received.
        line: String,
    },
    /// A command with unusable arguments.
    #[error("malformed {verb}: {reason}: {line:?}")]
    Malformed {
        /// The command.
        verb: Verb,
        /// What is wrong.
        reason: &'static str,
        /// The line as received.
        line: String,
    },
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
        handle: String,
        /// The session ID.
        session_id: String,
    },
    /// A `CAL` was refused (`217`: offline, `215`: already there, …).
    CallFailed {
        /// The `CAL`'s TrID.
        trid: TrId,
        /// Who was called.
        handle: String,
        /// The error.
        code: ErrorCode,
    },
    /// Someone was already in the session when the client answered (`IRO`).
    Present(Participant),
    /// Someone joined (`JOI`).
    Joined(Participant),
    /// Someone left (`BYE`).
    Left {
        /// The handle as sent.
        handle: String,
        /// The trailing `1`: the session closed because of idleness.
        idle: bool,
    },
    /// A message relayed from a participant.
    Message {
        /// The sender's handle.
        sender: String,
        /// The sender's friendly name, URL-encoded as sent.
        friendly_name: String,
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
    trids: TrIdCounter,
    /// The `USR`/`ANS` TrID.
    auth_trid: TrId,
    /// Invitees to `CAL` once authenticated.
    invitees: Vec<String>,
    /// Outstanding `CAL`s: TrID and handle.
    calls: VecDeque<(TrId, String)>,
    /// Messages awaiting `ACK`/`NAK`.
    pending: VecDeque<(TrId, AckMode)>,
    participants: Vec<Participant>,
    inbound: Inbound,
    transmit: VecDeque<OwnedCommand>,
    events: VecDeque<SwitchboardEvent>,
}

fn valid(s: &str) -> bool {
    msnp_proto::Token::new(s).is_ok()
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
        let d = Dialect::switchboard(config.version)
            .with_direction(Direction::ServerToClient)
            .with_leniency(config.leniency);
        Ok(Self {
            inbound: Inbound::new(d, config.limits),
            config,
            phase,
            trids: TrIdCounter::default(),
            auth_trid: TrId(1),
            invitees: Vec::new(),
            calls: VecDeque::new(),
            pending: VecDeque::new(),
            participants: Vec::new(),
            transmit: VecDeque::new(),
            events: VecDeque::new(),
        })
    }

    /// A session the client opened with `XFR SB` (already connected to the switchboard): queues
    /// `USR trid endpoint cookie`, then `CAL`s each of `invitees` once the server says `USR OK`.
    ///
    /// # Errors
    /// [`SessionError::Config`] for a bad handle or GUID; [`SessionError::Encode`] when the
    /// cookie or an invitee is not a token.
    pub fn invite(
        config: SwitchboardConfig,
        cookie: &str,
        invitees: &[&str],
    ) -> Result<Self, SessionError> {
        let mut me = Self::base(config, SwitchboardPhase::Authenticating)?;
        for i in invitees {
            if !valid(i) {
                return Err(SessionError::Config {
                    field: "invitees",
                    reason: "each handle must be one non-empty token",
                });
            }
        }
        me.invitees = invitees.iter().map(|s| (*s).to_owned()).collect();
        let endpoint = me.config.endpoint();
        me.auth_trid = me.push(Verb::USR, &[&endpoint, cookie], None)?;
        Ok(me)
    }

    /// A session the client joins on an `RNG` invitation: queues
    /// `ANS trid endpoint cookie session-id`.
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
        me.auth_trid = me.push(Verb::ANS, &[&endpoint, cookie, session_id], None)?;
        Ok(me)
    }

    /// A session from the notification server's `XFR trid SB host:port CKI cookie …` reply:
    /// returns the switchboard's `host:port` (to connect to) and the session.
    ///
    /// # Errors
    /// [`SessionError::Config`] when `xfr` is not an `XFR … SB … CKI cookie` reply; else as
    /// [`invite`](Self::invite).
    pub fn from_xfr(
        config: SwitchboardConfig,
        xfr: &RawCommand<'_>,
        invitees: &[&str],
    ) -> Result<(String, Self), SessionError> {
        let arg = |i| xfr.arg(i).and_then(|a| core::str::from_utf8(a).ok());
        match (xfr.verb(), arg(0), arg(1), arg(2), arg(3)) {
            (Verb::XFR, Some("SB"), Some(addr), Some("CKI"), Some(cookie)) => {
                Ok((addr.to_owned(), Self::invite(config, cookie, invitees)?))
            }
            _ => Err(SessionError::Config {
                field: "xfr",
                reason: "is not an XFR SB host:port CKI cookie reply",
            }),
        }
    }

    /// A session from the notification server's
    /// `RNG session-id host:port CKI cookie inviter nick …`: returns the switchboard's
    /// `host:port`, the inviter's handle and the session.
    ///
    /// # Errors
    /// [`SessionError::Config`] when `rng` is not such an `RNG`; else as
    /// [`answer`](Self::answer).
    pub fn from_rng(
        config: SwitchboardConfig,
        rng: &RawCommand<'_>,
    ) -> Result<(String, String, Self), SessionError> {
        let tok = |i| rng.token(i).and_then(|a| core::str::from_utf8(a).ok());
        // `RNG` has its session ID where other commands have their TrID: read tokens.
        match (rng.verb(), tok(1), tok(2), tok(3), tok(4), tok(5)) {
            (Verb::RNG, Some(session), Some(addr), Some("CKI"), Some(cookie), Some(inviter)) => {
                Ok((
                    addr.to_owned(),
                    inviter.to_owned(),
                    Self::answer(config, session, cookie)?,
                ))
            }
            _ => Err(SessionError::Config {
                field: "rng",
                reason: "is not an RNG session-id host:port CKI cookie inviter … invitation",
            }),
        }
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
        self.inbound.buffered()
    }

    /// The next command to send.
    pub fn poll_transmit(&mut self) -> Option<OwnedCommand> {
        self.transmit.pop_front()
    }

    /// The next event.
    pub fn poll_event(&mut self) -> Option<SwitchboardEvent> {
        self.events.pop_front()
    }

    /// Invites `handle` (`CAL`); returns the TrID.
    ///
    /// # Errors
    /// [`SessionError::WrongState`] unless open; [`SessionError::Encode`] for a bad handle.
    pub fn call(&mut self, handle: &str) -> Result<TrId, SessionError> {
        self.require_open("call")?;
        self.cal(handle)
    }

    fn cal(&mut self, handle: &str) -> Result<TrId, SessionError> {
        let t = self.push(Verb::CAL, &[handle], None)?;
        if self.calls.len() >= self.config.max_pending.max(1) {
            self.calls.pop_front();
        }
        self.calls.push_back((t, handle.to_owned()));
        Ok(t)
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
            return Err(SessionError::Encode(msnp_proto::error::EncodeError::Invalid {
                what: "ack mode",
                reason: "must be U, N, A or D",
            }));
        }
        let t = self.push(Verb::MSG, &[mode.as_str()], Some(payload))?;
        if mode != AckMode::Unacknowledged {
            if self.pending.len() >= self.config.max_pending.max(1) {
                self.pending.pop_front();
            }
            self.pending.push_back((t, mode));
        }
        Ok(t)
    }

    /// Leaves the session: queues `OUT`; the session is finished.
    ///
    /// # Errors
    /// [`SessionError::Finished`] when already finished.
    pub fn leave(&mut self) -> Result<(), SessionError> {
        if self.phase == SwitchboardPhase::Finished {
            return Err(SessionError::Finished);
        }
        let d = self.dialect();
        let out = OwnedCommand::build(&d, Verb::OUT, None, [] as [&[u8]; 0], None::<&[u8]>)?;
        self.transmit.push_back(out);
        self.phase = SwitchboardPhase::Finished;
        Ok(())
    }

    /// Feeds bytes received from the switchboard; any split is fine.
    ///
    /// # Errors
    /// [`SessionError::Finished`] after the end; [`SessionError::Decode`] for invalid framing
    /// (the session is then finished).
    pub fn handle_input(&mut self, bytes: &[u8]) -> Result<(), SessionError> {
        if self.phase == SwitchboardPhase::Finished {
            return Err(SessionError::Finished);
        }
        self.inbound.push(bytes);
        while self.phase != SwitchboardPhase::Finished {
            match self.inbound.next_command() {
                Ok(Some(cmd)) => {
                    if let Err(e) = self.process(cmd) {
                        // Only a reply that cannot be encoded (a configuration problem) gets
                        // here: stop rather than continue half-way through a step.
                        self.phase = SwitchboardPhase::Finished;
                        self.inbound.clear();
                        return Err(e);
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    self.phase = SwitchboardPhase::Finished;
                    self.inbound.clear();
                    return Err(SessionError::Decode(e));
                }
            }
        }
        if self.phase == SwitchboardPhase::Finished {
            self.inbound.clear();
        }
        Ok(())
    }

    /// Feeds one decoded command (switchboard dialect, server to client).
    ///
    /// # Errors
    /// [`SessionError::Finished`] after the end.
    pub fn handle_command(&mut self, cmd: &RawCommand<'_>) -> Result<(), SessionError> {
        if self.phase == SwitchboardPhase::Finished {
            return Err(SessionError::Finished);
        }
        self.process(cmd.to_owned_command())
    }

    fn dialect(&self) -> Dialect {
        Dialect::switchboard(self.config.version)
            .with_direction(Direction::ClientToServer)
            .with_leniency(self.config.leniency)
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

    fn push(
        &mut self,
        verb: Verb,
        args: &[&str],
        payload: Option<&[u8]>,
    ) -> Result<TrId, SessionError> {
        let t = self.trids.next_id();
        let cmd = OwnedCommand::build(&self.dialect(), verb, Some(t), args, payload)?;
        self.transmit.push_back(cmd);
        Ok(t)
    }

    fn fail(&mut self, e: SwitchboardError) {
        self.events.push_back(SwitchboardEvent::Failed(e));
        self.phase = SwitchboardPhase::Finished;
    }

    fn unexpected(&mut self, cmd: &OwnedCommand) {
        let e = SwitchboardError::Unexpected {
            verb: cmd.as_raw().verb(),
            expecting: self.phase.expecting(),
            line: line_text(cmd),
        };
        self.fail(e);
    }

    fn malformed(&mut self, cmd: &OwnedCommand, reason: &'static str) {
        let e = SwitchboardError::Malformed {
            verb: cmd.as_raw().verb(),
            reason,
            line: line_text(cmd),
        };
        self.fail(e);
    }

    fn participant(cmd: &OwnedCommand, first: usize) -> Option<Participant> {
        Some(Participant {
            handle: arg_str(cmd, first)?.to_owned(),
            friendly_name: arg_str(cmd, first + 1)?.to_owned(),
            capabilities: arg_str(cmd, first + 2).map(str::to_owned),
        })
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
        self.events.push_back(SwitchboardEvent::Ready);
        for h in core::mem::take(&mut self.invitees) {
            self.cal(&h)?;
        }
        Ok(())
    }

    fn process(&mut self, cmd: OwnedCommand) -> Result<(), SessionError> {
        let raw = cmd.as_raw();
        let verb = raw.verb();
        let trid = raw.trid();
        if let Some(code) = verb.error_code() {
            let t = trid.unwrap_or(TrId::ASYNC);
            if t == self.auth_trid && self.phase != SwitchboardPhase::Open {
                self.fail(SwitchboardError::Server {
                    code: ErrorCode(code),
                    trid: t,
                });
            } else if let Some(i) = self.calls.iter().position(|(c, _)| *c == t) {
                let (trid, handle) = self.calls.remove(i).unwrap_or((t, String::new()));
                self.events.push_back(SwitchboardEvent::CallFailed {
                    trid,
                    handle,
                    code: ErrorCode(code),
                });
            } else if let Some(i) = self.pending.iter().position(|(p, _)| *p == t) {
                self.pending.remove(i);
                self.events.push_back(SwitchboardEvent::NotDelivered(t));
            } else {
                self.events.push_back(SwitchboardEvent::Command(cmd));
            }
            return Ok(());
        }
        match (self.phase, verb) {
            (_, Verb::OUT) => {
                self.events.push_back(SwitchboardEvent::Closed);
                self.phase = SwitchboardPhase::Finished;
            }
            (SwitchboardPhase::Authenticating, Verb::USR) if trid == Some(self.auth_trid) => {
                if arg_str(&cmd, 0) == Some("OK") {
                    self.ready()?;
                } else {
                    self.malformed(&cmd, "expected USR OK");
                }
            }
            (SwitchboardPhase::Answering, Verb::IRO) if trid == Some(self.auth_trid) => {
                // IRO trid index total handle nick {caps}
                match Self::participant(&cmd, 2) {
                    Some(p) => {
                        if self.add_participant(p.clone()) {
                            self.events.push_back(SwitchboardEvent::Present(p));
                        }
                    }
                    None => self.malformed(&cmd, "expected IRO trid index total handle nick"),
                }
            }
            (SwitchboardPhase::Answering, Verb::ANS) if trid == Some(self.auth_trid) => {
                if arg_str(&cmd, 0) == Some("OK") {
                    self.ready()?;
                } else {
                    self.malformed(&cmd, "expected ANS OK");
                }
            }
            (SwitchboardPhase::Authenticating | SwitchboardPhase::Answering, _) => {
                self.unexpected(&cmd);
            }
            (_, Verb::CAL) => {
                let t = trid.unwrap_or(TrId::ASYNC);
                let Some(i) = self.calls.iter().position(|(c, _)| *c == t) else {
                    self.unexpected(&cmd);
                    return Ok(());
                };
                let (trid, handle) = self.calls.remove(i).unwrap_or((t, String::new()));
                match (arg_str(&cmd, 0), arg_str(&cmd, 1)) {
                    (Some("RINGING"), Some(session)) => {
                        self.events.push_back(SwitchboardEvent::Ringing {
                            trid,
                            handle,
                            session_id: session.to_owned(),
                        });
                    }
                    _ => self.malformed(&cmd, "expected CAL trid RINGING session-id"),
                }
            }
            (_, Verb::JOI) => match Self::participant(&cmd, 0) {
                Some(p) => {
                    if self.add_participant(p.clone()) {
                        self.events.push_back(SwitchboardEvent::Joined(p));
                    }
                }
                None => self.malformed(&cmd, "expected JOI handle nick"),
            },
            (_, Verb::BYE) => {
                let Some(handle) = arg_str(&cmd, 0).map(str::to_owned) else {
                    self.malformed(&cmd, "BYE without a handle");
                    return Ok(());
                };
                let idle = arg_str(&cmd, 1) == Some("1");
                if handle.contains(';') {
                    self.participants.retain(|p| p.handle != handle);
                } else {
                    // A bare handle: the account left with every endpoint.
                    self.participants.retain(|p| p.address() != handle);
                }
                self.events
                    .push_back(SwitchboardEvent::Left { handle, idle });
            }
            (_, Verb::MSG) => {
                let (Some(sender), Some(nick)) = (arg_str(&cmd, 0), arg_str(&cmd, 1)) else {
                    self.malformed(&cmd, "expected MSG handle nick len");
                    return Ok(());
                };
                let p = raw.payload().unwrap_or_default();
                self.events.push_back(SwitchboardEvent::Message {
                    sender: sender.to_owned(),
                    friendly_name: nick.to_owned(),
                    payload: cmd.frame().slice_ref(p),
                });
            }
            (_, Verb::ACK | Verb::NAK) => {
                let t = trid.unwrap_or(TrId::ASYNC);
                let ack = verb == Verb::ACK;
                match self.pending.iter().position(|(p, _)| *p == t) {
                    Some(i) => {
                        self.pending.remove(i);
                        self.events.push_back(if ack {
                            SwitchboardEvent::Delivered(t)
                        } else {
                            SwitchboardEvent::NotDelivered(t)
                        });
                    }
                    // Not a message we are waiting for (mode U, forgotten, or bogus): pass on.
                    None => self.events.push_back(SwitchboardEvent::Command(cmd)),
                }
            }
            _ => self.events.push_back(SwitchboardEvent::Command(cmd)),
        }
        Ok(())
    }
}
