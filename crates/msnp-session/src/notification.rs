//! [`NotificationSession`]: the client side of the notification connection after the login —
//! contact list, presence, challenges, keepalive, roster requests, switchboard invitations and
//! the server's notices.
//!
//! # A client loop over `std::net`
//!
//! The caller owns the socket and the clock; the machines own the protocol. Time enters only
//! as the `Instant`s passed to [`NotificationSession::handle_timeout`], and
//! [`NotificationSession::poll_timeout`] says how long the next read may block. The workspace
//! README's "A client over `std::net`" is the complete loop (login, this session, a thread per
//! switchboard); it is compiled as a doctest of this crate.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;

use crate::SessionError;
use crate::circle;
use crate::login::{ClientLogin, LoginEvent, LoginPhase, ProductPair};
use crate::machine::{self, Challenges, Core, Machine};
use crate::roster::{self, ContactPresence, ListVersion, PresenceChanges, Roster};
use crate::switchboard::{SwitchboardConfig, SwitchboardSession};
use msnp_proto::error_code::ErrorCode;
use msnp_proto::message::Png;
use msnp_proto::message::session::Out;
use msnp_proto::message::{
    Adc, Add, Adg, BlpMode, Chg, GtcMode, MessageError, OutReason, PayloadCommand, Property, Prp,
    Rea, Reg, Rem, Rmg, Sbp, ServerKind, Setting, Syn, XfrRequest,
};
use msnp_proto::payload::data::{CurrentMedia, DataDocument, MediaField, UserData};
use msnp_proto::payload::mime::{
    ActiveMailNotification, EmailNotification, InitialEmailNotification, MailDataNotification,
    MimeMessage, MsgBody, Profile,
};
use msnp_proto::payload::ml::{Ml, MlBuildOptions, MlSplitLimits};
use msnp_proto::payload::xml::XmlLimits;
use msnp_proto::raw::OwnedCommand;
use msnp_proto::verb::TrId;
use msnp_proto::version::ProtocolVersion as V;
use msnp_proto::{
    ClientCapabilities, Handle, List, ListBits, Message, NetworkId, PresenceStatus, Token, UrlText,
};

/// Timing and bounds of a [`NotificationSession`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SessionConfig {
    /// The `PNG` interval before the server names one in `QNG` (always, before MSNP9).
    /// Default 60 s.
    pub ping_interval: Duration,
    /// How long a `PNG` may go unanswered before the connection counts as dead. Default 30 s.
    pub qng_timeout: Duration,
    /// The interval a `QNG` may set is clamped to this range (a `QNG 0` must not make the
    /// client ping in a loop). Default 5 s ..= 1 h.
    pub ping_bounds: (Duration, Duration),
    /// Most contacts kept in the roster; the rest of a larger list is not stored.
    pub max_contacts: usize,
    /// Most groups kept (the protocol allows 30 before MSNP10).
    pub max_groups: usize,
    /// Most requests awaiting their reply; beyond it the oldest is forgotten.
    pub max_pending: usize,
    /// Limits for the XML payloads read (`UBX`, mail data).
    pub xml: XmlLimits,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            ping_interval: Duration::from_secs(60),
            qng_timeout: Duration::from_secs(30),
            ping_bounds: (Duration::from_secs(5), Duration::from_secs(3600)),
            max_contacts: 4096,
            max_groups: 256,
            max_pending: 256,
            xml: XmlLimits::default(),
        }
    }
}

/// What a request asked for; carried by [`SessionEvent::RequestDone`] and
/// [`SessionEvent::RequestFailed`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum Request {
    /// [`NotificationSession::sync`].
    Sync,
    /// [`NotificationSession::set_status`].
    SetStatus(PresenceStatus),
    /// [`NotificationSession::set_personal_message`].
    SetPersonalMessage,
    /// [`NotificationSession::set_friendly_name`].
    SetFriendlyName(String),
    /// [`NotificationSession::add_contact`].
    AddContact {
        /// The list.
        list: List,
        /// The handle (or, to put a contact in a group from MSNP10, its GUID).
        contact: String,
        /// The group.
        group: Option<String>,
    },
    /// [`NotificationSession::remove_contact`].
    RemoveContact {
        /// The list.
        list: List,
        /// Handle or GUID.
        contact: String,
        /// The group (remove from this group only).
        group: Option<String>,
    },
    /// [`NotificationSession::rename_contact`].
    RenameContact {
        /// Handle (MSNP2–9) or GUID (MSNP10–12).
        contact: String,
        /// The new name.
        name: String,
    },
    /// [`NotificationSession::add_group`].
    AddGroup(String),
    /// [`NotificationSession::remove_group`].
    RemoveGroup(String),
    /// [`NotificationSession::rename_group`].
    RenameGroup {
        /// ID or GUID.
        id: String,
        /// The new name.
        name: String,
    },
    /// [`NotificationSession::set_privacy`].
    SetPrivacy(BlpMode),
    /// [`NotificationSession::set_add_prompt`].
    SetAddPrompt(GtcMode),
    /// [`NotificationSession::request_switchboard`].
    Switchboard,
    /// [`NotificationSession::send_contact_list`] (all its `ADL`s; the ID is the first's).
    ContactList,
    /// [`NotificationSession::add_to_lists`] (MSNP13+ `ADL`).
    AddToLists {
        /// The account (`user@domain`).
        contact: String,
        /// The lists.
        lists: ListBits,
        /// The network.
        network: NetworkId,
    },
    /// [`NotificationSession::remove_from_lists`] (MSNP13+ `RML`).
    RemoveFromLists {
        /// The account (`user@domain`).
        contact: String,
        /// The lists.
        lists: ListBits,
        /// The network.
        network: NetworkId,
    },
    /// [`NotificationSession::query_network`] (MSNP14+ `FQY`): the account asked about.
    QueryNetwork(String),
}

/// What happened, in order; drained with [`NotificationSession::poll_event`]. Nothing follows
/// [`Closed`](Self::Closed).
#[derive(Debug)]
#[non_exhaustive]
pub enum SessionEvent {
    /// The contact list is known: the `SYN` finished (MSNP2–12), or
    /// [`NotificationSession::load_address_book`] took the address book (MSNP13+). The roster
    /// to keep (also from now on in [`NotificationSession::roster`]). `changed` is false when
    /// the server said the cached list was current, and the cache came back.
    RosterSynced {
        /// The roster.
        roster: Roster,
        /// Whether the server sent a new list.
        changed: bool,
    },
    /// A contact's presence changed (`ILN` when `initial`, `NLN`, `FLN`, `UBX`). The texts are
    /// the roster's own, shared: emitting this allocates nothing.
    Presence {
        /// The contact's handle as sent.
        handle: Arc<str>,
        /// The friendly name now.
        friendly_name: Arc<str>,
        /// The presence now.
        presence: ContactPresence,
        /// What changed.
        changes: PresenceChanges,
        /// `ILN`: the initial state after a status change or a list addition.
        initial: bool,
    },
    /// The server confirmed (or, with `CHG 0`, imposed) the user's status.
    OwnStatus {
        /// The status.
        status: PresenceStatus,
        /// Capabilities, when sent.
        capabilities: Option<ClientCapabilities>,
    },
    /// A request was carried out (the roster already shows the change).
    RequestDone {
        /// The request's TrID, as returned when it was made.
        id: TrId,
        /// The request.
        request: Request,
    },
    /// The server refused a request with an error code.
    RequestFailed {
        /// The request's TrID.
        id: TrId,
        /// The request.
        request: Request,
        /// The error (`215`: already there, `216`: not there, `208`: bad handle, …).
        code: ErrorCode,
    },
    /// Someone put the user on their list (`ADD 0 RL`/`ADC 0 RL`).
    AddedBy {
        /// Their handle.
        handle: String,
        /// Their friendly name.
        friendly_name: Option<String>,
    },
    /// Someone took the user off their list (`REM 0 RL`).
    RemovedBy {
        /// Their handle.
        handle: String,
    },
    /// A switchboard asked for with [`NotificationSession::request_switchboard`] is ready:
    /// connect to `address` and drive `session` (its `USR` is queued; the invitees are
    /// called once it is accepted).
    SwitchboardReady {
        /// The request's TrID.
        id: TrId,
        /// `host:port`.
        address: Token<'static>,
        /// The switchboard session.
        session: Box<SwitchboardSession>,
    },
    /// `RNG`: someone invites the user to a switchboard; connect to `address` and drive
    /// `session` (its `ANS` is queued), or ignore it.
    Invitation {
        /// `host:port`.
        address: Token<'static>,
        /// Who invites.
        inviter: Handle<'static>,
        /// Their friendly name, decoded.
        inviter_name: String,
        /// The switchboard session.
        session: Box<SwitchboardSession>,
    },
    /// A `CHL` was answered with `QRY` under TrID `answer`.
    Challenge {
        /// The challenge.
        challenge: Token<'static>,
        /// The `QRY`'s TrID.
        answer: TrId,
    },
    /// The server accepted the `QRY` with this TrID.
    ChallengeAccepted(TrId),
    /// The profile message sent after the login.
    Profile(Box<Profile>),
    /// The mailbox state sent after the login.
    InitialEmail(InitialEmailNotification),
    /// New mail arrived.
    NewEmail(EmailNotification),
    /// Mail was moved or deleted.
    MailChanged(ActiveMailNotification),
    /// The mail / offline-message data (`…initialmdatanotification`, `…oimnotification`).
    MailData(MailDataNotification),
    /// Any other server `MSG`: its MIME payload.
    ServerMessage(Bytes),
    /// `NOT`: an MSN Alert / notification document.
    Alert(Bytes),
    /// `UBN` (MSNP13+): a contact's notification of `kind` (constants.md §13); decode the
    /// payload with `msnp_proto::payload::uun`.
    UserNotification {
        /// The sender.
        handle: Handle<'static>,
        /// The notification type.
        kind: u32,
        /// The data.
        payload: Bytes,
    },
    /// The server's `FQY` answer to [`NotificationSession::query_network`] (which completes
    /// that request): the network the account is on, `None` when the answer names none.
    NetworkFound {
        /// The request's TrID.
        id: TrId,
        /// The account asked about.
        contact: String,
        /// Its network (`t`), e.g. `NetworkId::YAHOO`.
        network: Option<NetworkId>,
    },
    /// `NFY` (MSNP18+): a routed `PUT`/`DEL` document (circles, endpoints); decode the
    /// payload with `msnp_proto::payload::routed`.
    Routed {
        /// `PUT` or `DEL`.
        operation: Token<'static>,
        /// The routed MIME document.
        payload: Bytes,
    },
    /// MSNP18: the server named members of a circle (`NFY PUT`, `Uri: /circle`) or removed
    /// one (`NFY DEL`); the roster's [`Circle`](crate::roster::Circle) already shows it.
    CircleMembers {
        /// The circle's address (`guid@live.com`).
        circle: String,
        /// Members added (`nid:handle`).
        joined: Vec<String>,
        /// Members removed.
        left: Vec<String>,
    },
    /// MSNP18: a circle member's presence changed (`ILN`/`NLN`/`FLN`/`UBX` with
    /// `;via=9:circle`); it updates the circle's member, not the contact list.
    CirclePresence {
        /// The circle's address.
        circle: Arc<str>,
        /// The member's handle as sent (without the `via`).
        handle: Arc<str>,
        /// The member's presence now.
        presence: ContactPresence,
        /// What changed.
        changes: PresenceChanges,
    },
    /// `GCF` policies pushed by the server.
    Policies(Bytes),
    /// `SBS`: the subscription state.
    Subscription(Token<'static>),
    /// A numeric error that answers none of the pending requests.
    ServerError {
        /// The code.
        code: ErrorCode,
        /// The TrID it names, if any.
        trid: Option<TrId>,
    },
    /// Any other server command, as received.
    Command(OwnedCommand),
    /// No `QNG` within [`SessionConfig::qng_timeout`] of a `PNG`: the connection is dead
    /// ([`Closed`](Self::Closed) follows).
    ConnectionDead,
    /// The session is over (the server's `OUT`, a dead connection, or
    /// [`NotificationSession::connection_lost`]). Nothing follows.
    Closed {
        /// The server's reason (`OTH`: signed in elsewhere, `SSD`: shutdown, …).
        reason: Option<OutReason>,
        /// `OUT RCT minutes`: when to reconnect.
        minutes: Option<u32>,
    },
}

/// Where the session is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SessionPhase {
    /// Running.
    Open,
    /// `OUT` sent; the server's last lines are still read.
    LoggingOut,
    /// Closed.
    Finished,
}

/// The `SYN` in progress.
#[derive(Debug)]
struct Sync {
    trid: TrId,
    /// The version sent.
    sent: ListVersion,
    cache: Option<Roster>,
    /// The list being built, from the `SYN` reply on.
    roster: Option<Roster>,
    /// MSNP8–12: contacts and groups announced.
    expected: (u32, u32),
    seen: (u32, u32),
    /// MSNP2–7: the lists whose last `LST` arrived.
    lists_done: ListBits,
    blp_seen: bool,
}

/// The initial `ADL`s in flight (MSNP13+).
#[derive(Debug)]
struct ContactList {
    /// The first `ADL`'s TrID: the request's ID.
    id: TrId,
    /// The `ADL` awaiting its `OK`.
    current: TrId,
    rest: VecDeque<String>,
}

/// Keepalive timing (all instants are the caller's).
#[derive(Debug)]
struct Keepalive {
    interval: Duration,
    /// When the last `PNG` went out (or the session started).
    base: Instant,
    next_ping: Option<Instant>,
    qng_deadline: Option<Instant>,
}

/// The client side of the notification connection after the login, sans-IO, in the poll
/// style of `quinn-proto`: feed the server's bytes to [`handle_input`](Self::handle_input),
/// write what [`poll_transmit`](Self::poll_transmit) gives, act on
/// [`poll_event`](Self::poll_event), and call [`handle_timeout`](Self::handle_timeout) when
/// the instant [`poll_timeout`](Self::poll_timeout) names has passed. Time is always the
/// caller's `std::time::Instant`: the session never reads a clock.
///
/// It continues the login on the same connection and TrID counter
/// ([`ClientLogin::into_session`]). The user's requests return their TrID; the server's answer
/// comes back as [`SessionEvent::RequestDone`] or [`SessionEvent::RequestFailed`] with it.
///
/// ```
/// use std::time::{Duration, Instant};
/// use msnp_session::{ClientInfo, ClientLogin, Credentials, LoginConfig, SessionConfig, SessionEvent};
/// use msnp_proto::{PresenceStatus, ProtocolVersion};
///
/// let config = LoginConfig::new("alice@hotmail.com", vec![ProtocolVersion::Msnp8],
///                               ClientInfo::wlm_8_1(), Credentials::Ticket);
/// let mut login = ClientLogin::new(config)?;
/// login.handle_input(b"VER 1 MSNP8\r\nCVR 2 1 1 1 a b\r\nUSR 3 TWN S lc=1033\r\n")?;
/// login.provide_ticket("t=1&p=2")?;
/// login.handle_input(b"USR 4 OK alice@hotmail.com Alice 1 0\r\n")?;
/// while login.poll_transmit().is_some() {} // (written to the socket)
///
/// let start = Instant::now(); // the caller's clock; any instant works
/// let mut ns = login.into_session(SessionConfig::default(), start)?;
/// ns.sync(None)?;
/// ns.handle_input(b"SYN 5 12 1 0\r\nGTC A\r\nBLP AL\r\nLST bob@hotmail.com Bob 3\r\n")?;
/// ns.set_status(PresenceStatus::Online, None, None)?;
/// ns.handle_input(b"CHG 6 NLN\r\nILN 6 BSY bob@hotmail.com Bob 0\r\n")?;
/// let sent: Vec<_> = std::iter::from_fn(|| ns.poll_transmit()).collect();
/// assert_eq!(&sent[0].frame()[..], b"SYN 5 0\r\n");
/// assert_eq!(&sent[1].frame()[..], b"CHG 6 NLN 0\r\n");
/// assert_eq!(ns.roster().contact("bob@hotmail.com").unwrap().presence.status, PresenceStatus::Busy);
///
/// // A minute later the session wants to ping.
/// assert_eq!(ns.poll_timeout(), Some(start + Duration::from_secs(60)));
/// ns.handle_timeout(start + Duration::from_secs(60));
/// assert_eq!(&ns.poll_transmit().unwrap().frame()[..], b"PNG\r\n");
/// # Ok::<(), msnp_session::SessionError>(())
/// ```
#[derive(Debug)]
pub struct NotificationSession {
    config: SessionConfig,
    version: V,
    handle: String,
    product: Option<ProductPair>,
    switchboard: SwitchboardConfig,
    phase: SessionPhase,
    roster: Roster,
    sync: Option<Sync>,
    /// MSNP13+: the initial `ADL`s still to send, one after each `ADL OK`.
    contact_list: Option<ContactList>,
    /// The key of the last `LST` (a handle-less `BPR` belongs to it).
    last_contact: Option<String>,
    pending: VecDeque<(TrId, Request, Vec<String>)>,
    challenges: Challenges,
    keepalive: Keepalive,
    core: Core<SessionEvent>,
}

impl ClientLogin {
    /// Continues a signed-in login as a [`NotificationSession`] on the same connection, with
    /// the same TrID counter; `now` starts the keepalive clock. Events the login still holds
    /// from after the sign-in (commands, the profile, a challenge) are carried over as session
    /// events; its sign-in events are dropped.
    ///
    /// # Errors
    /// [`SessionError::WrongState`] unless [`LoginPhase::LoggedIn`].
    pub fn into_session(
        self,
        config: SessionConfig,
        now: Instant,
    ) -> Result<NotificationSession, SessionError> {
        if self.phase() != LoginPhase::LoggedIn {
            return Err(SessionError::WrongState {
                call: "into_session",
                state: "not signed in",
            });
        }
        let switchboard = self.switchboard_config();
        let parts = self.into_parts();
        debug_assert_eq!(parts.phase, LoginPhase::LoggedIn);
        let (core, carried) = parts.core.retype::<SessionEvent>();
        let interval = config.ping_interval;
        let mut me = NotificationSession {
            version: parts.version,
            handle: parts.config.handle,
            product: parts.config.product,
            switchboard,
            phase: SessionPhase::Open,
            roster: Roster::empty(ListVersion::initial(parts.version)),
            sync: None,
            contact_list: None,
            last_contact: None,
            pending: VecDeque::new(),
            challenges: parts.challenges,
            keepalive: Keepalive {
                interval,
                base: now,
                next_ping: now.checked_add(interval),
                qng_deadline: None,
            },
            config,
            core,
        };
        for e in carried {
            if me.phase == SessionPhase::Finished {
                break;
            }
            match e {
                LoginEvent::Command(cmd) => machine::feed(&mut me, &cmd)?,
                LoginEvent::Profile(p) => me.server_message(&p),
                LoginEvent::Subscription(s) => me.core.emit(SessionEvent::Subscription(s)),
                LoginEvent::Policies(p) => me.core.emit(SessionEvent::Policies(p)),
                LoginEvent::Challenge { challenge, answer } => {
                    me.core.emit(SessionEvent::Challenge { challenge, answer });
                }
                LoginEvent::ChallengeAccepted(t) => {
                    me.core.emit(SessionEvent::ChallengeAccepted(t))
                }
                LoginEvent::Closed { reason } => me.close(reason, None),
                _ => {}
            }
        }
        Ok(me)
    }
}

impl NotificationSession {
    /// The negotiated version.
    pub fn version(&self) -> V {
        self.version
    }

    /// The phase.
    pub fn phase(&self) -> SessionPhase {
        self.phase
    }

    /// The roster as it stands (empty until [`SessionEvent::RosterSynced`]).
    pub fn roster(&self) -> &Roster {
        &self.roster
    }

    /// The configuration of the switchboards this session opens.
    pub fn switchboard_config(&self) -> &SwitchboardConfig {
        &self.switchboard
    }

    /// Bytes received and not yet consumed (at most one incomplete command).
    pub fn buffered(&self) -> usize {
        self.core.buffered()
    }

    /// Requests awaiting their reply: TrID and request.
    pub fn pending_requests(&self) -> impl Iterator<Item = (TrId, &Request)> + '_ {
        self.pending.iter().map(|(t, r, _)| (*t, r))
    }

    /// The next command to send.
    pub fn poll_transmit(&mut self) -> Option<OwnedCommand> {
        self.core.transmit.pop_front()
    }

    /// The next event.
    pub fn poll_event(&mut self) -> Option<SessionEvent> {
        self.core.events.pop_front()
    }

    /// Feeds bytes received from the server; any split is fine.
    ///
    /// # Errors
    /// [`SessionError::Finished`] after [`SessionEvent::Closed`]; [`SessionError::Decode`]
    /// for invalid framing (the session is then finished, without further events).
    pub fn handle_input(&mut self, bytes: &[u8]) -> Result<(), SessionError> {
        machine::handle_input(self, bytes)
    }

    /// Feeds one framed server command.
    ///
    /// # Errors
    /// [`SessionError::Finished`] after the end.
    pub fn handle_command(&mut self, cmd: &OwnedCommand) -> Result<(), SessionError> {
        machine::handle_command(self, cmd)
    }

    /// When [`handle_timeout`](Self::handle_timeout) should next be called: the next `PNG`,
    /// or the deadline of the `QNG` awaited. `None` when nothing is timed (closed, logging
    /// out, or an interval too large for `Instant`).
    pub fn poll_timeout(&self) -> Option<Instant> {
        if self.phase != SessionPhase::Open {
            return None;
        }
        let k = &self.keepalive;
        match (k.next_ping, k.qng_deadline) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Time has reached `now`: sends the `PNG` that is due, or reports a `QNG` that did not
    /// come ([`SessionEvent::ConnectionDead`], then [`SessionEvent::Closed`]). Calling it early
    /// or repeatedly does nothing.
    pub fn handle_timeout(&mut self, now: Instant) {
        if self.phase != SessionPhase::Open {
            return;
        }
        if self.keepalive.qng_deadline.is_some_and(|d| now >= d) {
            self.core.emit(SessionEvent::ConnectionDead);
            self.close(None, None);
            return;
        }
        if self.keepalive.next_ping.is_some_and(|t| now >= t)
            && self.core.send(&Message::Png(Png)).is_ok()
        {
            let k = &mut self.keepalive;
            k.base = now;
            k.next_ping = None;
            k.qng_deadline = now.checked_add(self.config.qng_timeout);
        }
    }

    /// The socket closed: the session ends with [`SessionEvent::Closed`] (no reason).
    pub fn connection_lost(&mut self) {
        if self.phase != SessionPhase::Finished {
            self.close(None, None);
        }
    }

    /// Signs out: queues `OUT`. The server's last lines are still read; its `OUT` (or
    /// [`connection_lost`](Self::connection_lost)) gives [`SessionEvent::Closed`].
    ///
    /// # Errors
    /// [`SessionError::Finished`] when closed or already logging out.
    pub fn logout(&mut self) -> Result<(), SessionError> {
        if self.phase != SessionPhase::Open {
            return Err(SessionError::Finished);
        }
        self.core.send(&Message::Out(Out::default()))?;
        self.phase = SessionPhase::LoggingOut;
        Ok(())
    }

    /// Asks for the contact list (MSNP2–12 `SYN`), sending the version of `cache`
    /// (`0` without one). [`SessionEvent::RosterSynced`] brings the result: `cache` itself
    /// when the server says it is current, else the new list.
    ///
    /// MSNP2–7 lists are complete with the last `LST` of RL; MSNP8–12 lists when the announced
    /// numbers of `LST` and `LSG` lines arrived (after `BLP` for an empty list). Lines the
    /// server sends after that point (the last contact's `BPR`s, further `PRP`s) update
    /// [`roster`](Self::roster).
    ///
    /// # Errors
    /// [`SessionError::WrongState`] from MSNP13 (the address book comes over SOAP), while
    /// another `SYN` runs, or when not open.
    pub fn sync(&mut self, cache: Option<Roster>) -> Result<TrId, SessionError> {
        self.require_open("sync")?;
        if self.version >= V::Msnp13 {
            return Err(SessionError::WrongState {
                call: "sync",
                state: "MSNP13+ (the address book comes from ABCH)",
            });
        }
        if self.sync.is_some() {
            return Err(SessionError::WrongState {
                call: "sync",
                state: "synchronizing",
            });
        }
        let initial = ListVersion::initial(self.version);
        let mut sent = cache
            .as_ref()
            .map_or_else(|| initial.clone(), |c| c.version.clone());
        if self.version >= V::Msnp10 && sent.settings.is_none() {
            sent.settings = initial.settings;
        }
        if self.version < V::Msnp10 {
            sent.settings = None;
        }
        let trid = self.core.next_trid();
        self.core.send(&Message::Syn(Syn {
            trid,
            list_version: machine::token("list version", &sent.list)?,
            settings_version: sent
                .settings
                .as_deref()
                .map(|s| machine::token("settings version", s))
                .transpose()?,
            contacts: None,
            groups: None,
        }))?;
        self.sync = Some(Sync {
            trid,
            sent,
            cache,
            roster: None,
            expected: (0, 0),
            seen: (0, 0),
            lists_done: ListBits::NONE,
            blp_seen: false,
        });
        Ok(trid)
    }

    /// Sets the user's status (`CHG`), with capabilities (MSNP8+; `0` when `None`) and an MSN
    /// object (MSNP9+; `UrlText::from_plain(xml)`). Contacts' initial presence follows as `ILN`.
    ///
    /// # Errors
    /// [`SessionError::Encode`] when a value does not fit the version; not open.
    pub fn set_status(
        &mut self,
        status: PresenceStatus,
        capabilities: Option<ClientCapabilities>,
        msn_object: Option<&UrlText<'_>>,
    ) -> Result<TrId, SessionError> {
        self.require_open("set_status")?;
        let caps = if self.version >= V::Msnp8 {
            Some(capabilities.unwrap_or_default())
        } else {
            None
        };
        let trid = self.core.next_trid();
        self.core.send(&Message::Chg(Chg {
            trid,
            status,
            capabilities: caps,
            msn_object: msn_object.cloned(),
        }))?;
        self.track(trid, Request::SetStatus(status), Vec::new());
        Ok(trid)
    }

    /// Sets the personal message and current media (`UUX`, MSNP11+).
    ///
    /// # Errors
    /// As [`set_user_data`](Self::set_user_data).
    pub fn set_personal_message(
        &mut self,
        message: &str,
        media: Option<CurrentMedia>,
    ) -> Result<TrId, SessionError> {
        let data = UserData {
            psm: Some(message.into()),
            current_media: Some(media.map_or(MediaField::Empty, MediaField::Media)),
            ..UserData::default()
        };
        self.set_user_data(&DataDocument::Data(Box::new(data)))
    }

    /// Sends a whole document (`UUX`, MSNP11+): a `<Data>` with the personal message, media
    /// and what later versions add (machine GUID, scene, colour scheme), or (MSNP16+) an
    /// endpoint's `<EndpointData>` / `<PrivateEndpointData>`.
    ///
    /// # Errors
    /// [`SessionError::WrongState`] before MSNP11 or when not open.
    pub fn set_user_data(&mut self, data: &DataDocument<'_>) -> Result<TrId, SessionError> {
        self.require_open("set_user_data")?;
        if self.version < V::Msnp11 {
            return Err(SessionError::WrongState {
                call: "set_user_data",
                state: "before MSNP11",
            });
        }
        let xml = data.to_xml();
        let trid = self.core.next_trid();
        self.core.send(&Message::Uux(PayloadCommand {
            trid,
            payload: xml.as_bytes().into(),
        }))?;
        self.track(trid, Request::SetPersonalMessage, Vec::new());
        Ok(trid)
    }

    /// Sets the user's friendly name: `REA` (MSNP2–9) or `PRP MFN` (MSNP10+). Names are
    /// [`UrlText`] (`UrlText::from_plain("Alice")`) so that any escaping can be sent.
    ///
    /// # Errors
    /// Not open.
    pub fn set_friendly_name(&mut self, name: &UrlText<'_>) -> Result<TrId, SessionError> {
        self.require_open("set_friendly_name")?;
        let text = name.clone();
        let trid = self.core.next_trid();
        let msg = if self.version <= V::Msnp9 {
            Message::Rea(Rea {
                trid,
                list_version: None,
                handle: machine::handle("handle", &self.handle)?,
                friendly_name: text,
            })
        } else {
            Message::Prp(Prp {
                trid: Some(trid),
                list_version: None,
                property: Property::FriendlyName,
                value: Some(text),
            })
        };
        self.core.send(&msg)?;
        self.track(trid, Request::SetFriendlyName(plain(name)), Vec::new());
        Ok(trid)
    }

    /// Puts a contact on a list: `ADD` (MSNP2–9) or `ADC` (MSNP10–12). `friendly_name` is
    /// sent for the forward list (the handle when `None`); `group` puts a forward-list contact
    /// in a group (MSNP7+; from MSNP10 the contact must already have a GUID in the roster).
    ///
    /// # Errors
    /// [`SessionError::WrongState`] from MSNP13 or when not open; [`SessionError::Config`] for
    /// a group from MSNP10 without the contact's GUID; [`SessionError::Encode`] for bad values.
    pub fn add_contact(
        &mut self,
        list: List,
        handle: &str,
        friendly_name: Option<&UrlText<'_>>,
        group: Option<&str>,
    ) -> Result<TrId, SessionError> {
        self.require_list_era("add_contact")?;
        let h = machine::handle("handle", handle)?;
        let name = match friendly_name {
            Some(n) => n.clone(),
            None => url("friendly name", handle)?,
        };
        let group_tok = group.map(|g| machine::token("group", g)).transpose()?;
        let trid = self.core.next_trid();
        let msg = if self.version <= V::Msnp9 {
            Message::Add(Add {
                trid,
                list,
                list_version: None,
                handle: h,
                friendly_name: name,
                group_id: group_tok,
            })
        } else if let Some(g) = group_tok {
            let guid = self
                .roster
                .contact(handle)
                .and_then(|c| c.guid.clone())
                .ok_or(SessionError::Config {
                    field: "group",
                    reason: "from MSNP10 only a contact with a GUID can be put in a group",
                })?;
            Message::Adc(Adc {
                trid,
                list,
                handle: None,
                friendly_name: None,
                contact_id: Some(machine::token("contact GUID", &guid)?.into_owned()),
                group_id: Some(g),
            })
        } else {
            Message::Adc(Adc {
                trid,
                list,
                handle: Some(h),
                friendly_name: (list == List::Forward).then_some(name),
                contact_id: None,
                group_id: None,
            })
        };
        self.core.send(&msg)?;
        let request = Request::AddContact {
            list,
            contact: handle.to_owned(),
            group: group.map(str::to_owned),
        };
        self.track(trid, request, Vec::new());
        Ok(trid)
    }

    /// Takes a contact off a list (`REM`), or out of `group` only. From MSNP10 a forward-list
    /// contact is named by its GUID: pass the handle and the roster's GUID is used.
    ///
    /// # Errors
    /// As [`add_contact`](Self::add_contact).
    pub fn remove_contact(
        &mut self,
        list: List,
        contact: &str,
        group: Option<&str>,
    ) -> Result<TrId, SessionError> {
        self.require_list_era("remove_contact")?;
        let name = match (
            self.version >= V::Msnp10 && list == List::Forward,
            self.roster.contact(contact),
        ) {
            (true, Some(c)) => c.guid.clone().unwrap_or_else(|| contact.to_owned()),
            _ => contact.to_owned(),
        };
        let trid = self.core.next_trid();
        self.core.send(&Message::Rem(Rem {
            trid,
            list,
            list_version: None,
            contact: machine::token("contact", &name)?,
            group_id: group.map(|g| machine::token("group", g)).transpose()?,
        }))?;
        let request = Request::RemoveContact {
            list,
            contact: name,
            group: group.map(str::to_owned),
        };
        self.track(trid, request, Vec::new());
        Ok(trid)
    }

    /// Renames a contact: `REA handle` (MSNP2–9) or `SBP guid MFN` (MSNP10–12; the roster's
    /// GUID for a handle).
    ///
    /// # Errors
    /// As [`add_contact`](Self::add_contact).
    pub fn rename_contact(
        &mut self,
        contact: &str,
        name: &UrlText<'_>,
    ) -> Result<TrId, SessionError> {
        self.require_list_era("rename_contact")?;
        let text = name.clone();
        let trid = self.core.next_trid();
        let (msg, target) = if self.version <= V::Msnp9 {
            let m = Message::Rea(Rea {
                trid,
                list_version: None,
                handle: machine::handle("contact", contact)?,
                friendly_name: text,
            });
            (m, contact.to_owned())
        } else {
            let guid = self
                .roster
                .contact(contact)
                .and_then(|c| c.guid.clone())
                .unwrap_or_else(|| contact.to_owned());
            let m = Message::Sbp(Sbp {
                trid,
                contact_id: machine::token("contact GUID", &guid)?.into_owned(),
                property: Property::FriendlyName,
                value: text,
                flag: None,
            });
            (m, guid)
        };
        self.core.send(&msg)?;
        let request = Request::RenameContact {
            contact: target,
            name: plain(name),
        };
        self.track(trid, request, Vec::new());
        Ok(trid)
    }

    /// Creates a group (`ADG`, MSNP7–12).
    ///
    /// # Errors
    /// [`SessionError::WrongState`] outside MSNP7–12 or when not open.
    pub fn add_group(&mut self, name: &UrlText<'_>) -> Result<TrId, SessionError> {
        self.require_groups("add_group")?;
        let trid = self.core.next_trid();
        self.core.send(&Message::Adg(Adg {
            trid,
            list_version: None,
            name: name.clone(),
            group_id: None,
        }))?;
        self.track(trid, Request::AddGroup(plain(name)), Vec::new());
        Ok(trid)
    }

    /// Deletes a group (`RMG`, MSNP7–12).
    ///
    /// # Errors
    /// As [`add_group`](Self::add_group).
    pub fn remove_group(&mut self, id: &str) -> Result<TrId, SessionError> {
        self.require_groups("remove_group")?;
        let trid = self.core.next_trid();
        self.core.send(&Message::Rmg(Rmg {
            trid,
            list_version: None,
            group_id: machine::token("group", id)?,
        }))?;
        self.track(trid, Request::RemoveGroup(id.to_owned()), Vec::new());
        Ok(trid)
    }

    /// Renames a group (`REG`, MSNP7–12).
    ///
    /// # Errors
    /// As [`add_group`](Self::add_group).
    pub fn rename_group(&mut self, id: &str, name: &UrlText<'_>) -> Result<TrId, SessionError> {
        self.require_groups("rename_group")?;
        let trid = self.core.next_trid();
        self.core.send(&Message::Reg(Reg {
            trid,
            list_version: None,
            group_id: machine::token("group", id)?,
            name: name.clone(),
        }))?;
        let request = Request::RenameGroup {
            id: id.to_owned(),
            name: plain(name),
        };
        self.track(trid, request, Vec::new());
        Ok(trid)
    }

    /// Sets who may contact the user (`BLP`).
    ///
    /// # Errors
    /// Not open.
    pub fn set_privacy(&mut self, mode: BlpMode) -> Result<TrId, SessionError> {
        self.require_open("set_privacy")?;
        let trid = self.core.next_trid();
        self.core.send(&Message::Blp(Setting {
            trid: Some(trid),
            list_version: None,
            mode,
        }))?;
        self.track(trid, Request::SetPrivacy(mode), Vec::new());
        Ok(trid)
    }

    /// Sets whether the user is asked when someone adds them (`GTC`, MSNP2–12).
    ///
    /// # Errors
    /// As [`add_contact`](Self::add_contact).
    pub fn set_add_prompt(&mut self, mode: GtcMode) -> Result<TrId, SessionError> {
        self.require_list_era("set_add_prompt")?;
        let trid = self.core.next_trid();
        self.core.send(&Message::Gtc(Setting {
            trid: Some(trid),
            list_version: None,
            mode,
        }))?;
        self.track(trid, Request::SetAddPrompt(mode), Vec::new());
        Ok(trid)
    }

    /// Asks for a switchboard (`XFR trid SB`); [`SessionEvent::SwitchboardReady`] brings a
    /// session that calls `invitees` once it is accepted.
    ///
    /// # Errors
    /// [`SessionError::Config`] for an invitee that is not a handle; not open.
    pub fn request_switchboard(&mut self, invitees: &[&str]) -> Result<TrId, SessionError> {
        self.require_open("request_switchboard")?;
        for i in invitees {
            machine::handle("invitee", i)?;
        }
        let trid = self.core.next_trid();
        self.core.send(&Message::XfrRequest(XfrRequest {
            trid,
            kind: ServerKind::Switchboard,
        }))?;
        let invitees = invitees.iter().map(|s| (*s).to_owned()).collect();
        self.track(trid, Request::Switchboard, invitees);
        Ok(trid)
    }

    /// The TrID for a command of the caller's that the session does not model (`GCF`, `URL`,
    /// `SDC`, …); build it and queue it with [`send`](Self::send).
    pub fn next_trid(&mut self) -> TrId {
        self.core.next_trid()
    }

    /// Sends a command of the caller's, encoded in the session's dialect; its reply comes
    /// back as [`SessionEvent::Command`] (or an error as [`SessionEvent::ServerError`]). An
    /// `OUT` is [`logout`](Self::logout).
    ///
    /// # Errors
    /// [`SessionError::WrongState`] unless open; [`SessionError::Encode`] when the command is
    /// not valid in the dialect.
    pub fn send(&mut self, msg: &Message<'_>) -> Result<(), SessionError> {
        self.require_open("send")?;
        if msg.verb() == msnp_proto::Verb::OUT {
            return self.logout();
        }
        self.core.send(msg)
    }

    /// MSNP13+: sends the contact list fetched from the address book (the caller builds `ml`
    /// from the ABCH `FindMembership`/`ABFindAll` results, e.g. with `Ml::from_accounts(true,
    /// …)`): the roster learns the contacts, and the list goes out as `ADL`s split at the
    /// server's limits (7500 bytes, 150 contacts), each sent after the previous one's `ADL OK`.
    /// [`SessionEvent::RequestDone`] with [`Request::ContactList`] follows the last; then set
    /// the status ([`set_status`](Self::set_status)), which makes the server send presence.
    ///
    /// # Errors
    /// [`SessionError::WrongState`] before MSNP13, while a list is being sent, or when not
    /// open; [`SessionError::Encode`] when `ml` does not build as a client `<ml>`.
    pub fn send_contact_list(&mut self, ml: &Ml) -> Result<TrId, SessionError> {
        self.require_initial_list("send_contact_list")?;
        let parts = Self::split_list(ml)?;
        let max = self.config.max_contacts;
        for (account, c) in ml.accounts() {
            if let Ok(h) = Handle::parse(&account)
                && let Some(contact) = self.roster.upsert(&h, max)
            {
                contact.lists = c.lists.unwrap_or_default();
                contact.network = c.network.or(contact.network);
            }
        }
        self.send_list_parts(parts)
    }

    /// MSNP13+: takes the address book the caller fetched over SOAP (msnp-soap's parsed
    /// `ABFindAll`/`ABFindContactsPaged` and `FindMembership` answers) as the roster —
    /// [`Roster::from_address_book`], announced with [`SessionEvent::RosterSynced`] — and
    /// sends the initial `ADL`s built from it ([`Roster::initial_list`]), one after each
    /// `ADL OK`, like [`send_contact_list`](Self::send_contact_list). The official client then
    /// sends `BLP` (the roster's [`Privacy`](crate::Privacy)), `PRP MFN`, `CHG` and `UUX`:
    /// [`set_privacy`](Self::set_privacy), [`set_friendly_name`](Self::set_friendly_name),
    /// [`set_status`](Self::set_status), [`set_personal_message`](Self::set_personal_message).
    ///
    /// # Errors
    /// As [`send_contact_list`](Self::send_contact_list).
    pub fn load_address_book(
        &mut self,
        ab: &msnp_soap::abch::AbFindResult,
        memberships: &msnp_soap::abch::FindMembershipResult,
    ) -> Result<TrId, SessionError> {
        self.require_initial_list("load_address_book")?;
        let roster = Roster::from_address_book(
            ab,
            memberships,
            self.config.max_contacts,
            self.config.max_groups,
        );
        let parts = Self::split_list(&roster.initial_list())?;
        self.roster = roster;
        self.core.emit(SessionEvent::RosterSynced {
            roster: self.roster.clone(),
            changed: true,
        });
        self.send_list_parts(parts)
    }

    /// An `<ml>` as the `ADL` payloads that carry it, split at the server's limits.
    fn split_list(ml: &Ml) -> Result<VecDeque<String>, SessionError> {
        Ok(ml
            .split(&MlBuildOptions::client(), MlSplitLimits::default())
            .map_err(|_| invalid("contact list", "does not build as a client <ml>"))?
            .into())
    }

    /// Sends the first part of a contact list; the rest follow one per `ADL OK`.
    fn send_list_parts(&mut self, mut parts: VecDeque<String>) -> Result<TrId, SessionError> {
        let first = parts.pop_front().unwrap_or_default();
        let id = self.send_adl(&first)?;
        self.contact_list = Some(ContactList {
            id,
            current: id,
            rest: parts,
        });
        Ok(id)
    }

    /// MSNP13+: puts a contact on lists (`ADL trid len` with a one-contact `<ml>`), e.g.
    /// `ListBits::FORWARD` for a contact the address book already has (add it there over SOAP
    /// first), or `ListBits::ALLOW`/`ListBits::BLOCK` to allow or block. `ADL trid OK` gives
    /// [`SessionEvent::RequestDone`] with [`Request::AddToLists`] and the roster gains the
    /// lists; an error code gives [`SessionEvent::RequestFailed`].
    ///
    /// # Errors
    /// [`SessionError::WrongState`] before MSNP13 (use [`add_contact`](Self::add_contact)) or
    /// when not open; [`SessionError::Encode`] for an account without a domain or no lists.
    pub fn add_to_lists(
        &mut self,
        account: &str,
        lists: ListBits,
        network: NetworkId,
    ) -> Result<TrId, SessionError> {
        let xml = self.one_contact_ml("add_to_lists", account, lists, network)?;
        let trid = self.send_adl(&xml)?;
        let request = Request::AddToLists {
            contact: account.to_owned(),
            lists,
            network,
        };
        self.track(trid, request, Vec::new());
        Ok(trid)
    }

    /// MSNP13+: takes a contact off lists (`RML trid len` with a one-contact `<ml>`).
    /// `RML trid OK` gives [`SessionEvent::RequestDone`] with [`Request::RemoveFromLists`] and
    /// the roster loses the lists; an error code gives [`SessionEvent::RequestFailed`].
    ///
    /// # Errors
    /// As [`add_to_lists`](Self::add_to_lists).
    pub fn remove_from_lists(
        &mut self,
        account: &str,
        lists: ListBits,
        network: NetworkId,
    ) -> Result<TrId, SessionError> {
        let xml = self.one_contact_ml("remove_from_lists", account, lists, network)?;
        let trid = self.core.next_trid();
        self.core.send(&Message::Rml(PayloadCommand {
            trid,
            payload: xml.as_bytes().into(),
        }))?;
        let request = Request::RemoveFromLists {
            contact: account.to_owned(),
            lists,
            network,
        };
        self.track(trid, request, Vec::new());
        Ok(trid)
    }

    /// The `<ml>` of one contact on `lists`, for `ADL`/`RML` (MSNP13+).
    fn one_contact_ml(
        &self,
        call: &'static str,
        account: &str,
        lists: ListBits,
        network: NetworkId,
    ) -> Result<String, SessionError> {
        self.require_open(call)?;
        if self.version < V::Msnp13 {
            return Err(SessionError::WrongState {
                call,
                state: "before MSNP13 (use add_contact / remove_contact)",
            });
        }
        if lists == ListBits::NONE {
            return Err(invalid("lists", "must name at least one list"));
        }
        machine::handle("account", account)?;
        let mut ml = Ml::default();
        ml.push_account(account, Some(lists), Some(network))
            .map_err(|_| invalid("account", "must be user@domain"))?;
        ml.to_xml(&MlBuildOptions::client())
            .map_err(|_| invalid("contact", "does not build as a client <ml>"))
    }

    /// MSNP14+: asks which network `account` is on (`FQY trid len` with a one-contact `<ml>`
    /// without lists or network), e.g. whether a `yahoo.com` address is a Yahoo! Messenger
    /// user, before putting it on a list with [`add_to_lists`](Self::add_to_lists). The
    /// server's `FQY` answer gives [`SessionEvent::NetworkFound`] (and the roster's contact, if
    /// any, learns the network); an error code gives [`SessionEvent::RequestFailed`].
    ///
    /// # Errors
    /// [`SessionError::WrongState`] before MSNP14 or when not open; [`SessionError::Encode`]
    /// for an account that is not `user@domain`.
    pub fn query_network(&mut self, account: &str) -> Result<TrId, SessionError> {
        self.require_open("query_network")?;
        if self.version < V::Msnp14 {
            return Err(SessionError::WrongState {
                call: "query_network",
                state: "before MSNP14",
            });
        }
        machine::handle("account", account)?;
        let mut ml = Ml::default();
        ml.push_account(account, None, None)
            .map_err(|_| invalid("account", "must be user@domain"))?;
        let xml = ml
            .to_xml(&MlBuildOptions::client())
            .map_err(|_| invalid("account", "does not build as a client <ml>"))?;
        let trid = self.core.next_trid();
        self.core.send(&Message::Fqy(PayloadCommand {
            trid,
            payload: xml.as_bytes().into(),
        }))?;
        self.track(trid, Request::QueryNetwork(account.to_owned()), Vec::new());
        Ok(trid)
    }

    /// The server's `FQY trid len` answer to a [`query_network`](Self::query_network).
    fn on_fqy(&mut self, trid: TrId, payload: &[u8]) -> bool {
        let asked = self
            .pending
            .iter()
            .any(|(t, r, _)| *t == trid && matches!(r, Request::QueryNetwork(_)));
        let Some((Request::QueryNetwork(contact), _)) = asked.then(|| self.take(trid)).flatten()
        else {
            return false;
        };
        // The answer names the account asked about; an unreadable one names no network.
        let network = Ml::parse(payload, &self.config.xml).ok().and_then(|ml| {
            ml.accounts()
                .find(|(a, _)| a.eq_ignore_ascii_case(&contact))
                .and_then(|(_, c)| c.network)
        });
        if let (Some(n), Ok(h)) = (network, Handle::parse(&contact))
            && let Some(c) = self.roster.contacts.get_mut(&*roster::key(&h))
        {
            c.network = Some(n);
        }
        self.core.emit(SessionEvent::NetworkFound {
            id: trid,
            contact,
            network,
        });
        true
    }

    /// `ADL trid OK` / `RML trid OK` of a request made with
    /// [`add_to_lists`](Self::add_to_lists) or [`remove_from_lists`](Self::remove_from_lists).
    fn on_list_ok(&mut self, trid: TrId) -> bool {
        let matches = self.pending.iter().any(|(t, r, _)| {
            *t == trid
                && matches!(
                    r,
                    Request::AddToLists { .. } | Request::RemoveFromLists { .. }
                )
        });
        let Some((request, _)) = matches.then(|| self.take(trid)).flatten() else {
            return false;
        };
        let max = self.config.max_contacts;
        match &request {
            Request::AddToLists {
                contact,
                lists,
                network,
            } => {
                if let Ok(h) = Handle::parse(contact)
                    && let Some(c) = self.roster.upsert(&h, max)
                {
                    c.lists |= *lists;
                    c.network = Some(*network);
                }
            }
            Request::RemoveFromLists { contact, lists, .. } => {
                if let Ok(h) = Handle::parse(contact)
                    && let Some(c) = self.roster.contacts.get_mut(&*roster::key(&h))
                {
                    c.lists = ListBits(c.lists.0 & !lists.0);
                }
            }
            _ => {}
        }
        self.core
            .emit(SessionEvent::RequestDone { id: trid, request });
        true
    }

    fn send_adl(&mut self, xml: &str) -> Result<TrId, SessionError> {
        let trid = self.core.next_trid();
        self.core.send(&Message::Adl(PayloadCommand {
            trid,
            payload: xml.as_bytes().into(),
        }))?;
        Ok(trid)
    }

    /// `ADL trid OK`: the next part of the contact list goes out, or the list is done.
    fn on_adl_ok(&mut self, trid: TrId) -> Result<bool, SessionError> {
        let Some(list) = self.contact_list.as_mut() else {
            return Ok(false);
        };
        if list.current != trid {
            return Ok(false);
        }
        match list.rest.pop_front() {
            Some(next) => {
                let t = self.send_adl(&next)?;
                if let Some(l) = self.contact_list.as_mut() {
                    l.current = t;
                }
            }
            None => {
                let id = list.id;
                self.contact_list = None;
                self.core.emit(SessionEvent::RequestDone {
                    id,
                    request: Request::ContactList,
                });
            }
        }
        Ok(true)
    }

    /// `ADL 0`: the server adds contacts (someone put the user on their list).
    fn on_adl_push(&mut self, payload: &[u8]) -> bool {
        let Ok(ml) = Ml::parse(payload, &self.config.xml) else {
            return false;
        };
        let max = self.config.max_contacts;
        for (account, c) in ml.accounts() {
            let Ok(h) = Handle::parse(&account) else {
                continue;
            };
            let lists = c.lists.unwrap_or_default();
            if let Some(contact) = self.roster.upsert(&h, max) {
                contact.lists |= lists;
                if let Some(f) = &c.friendly {
                    contact.friendly_name = Arc::from(f.as_str());
                }
            }
            if lists.contains(ListBits::REVERSE) || lists.contains(ListBits::PENDING) {
                self.core.emit(SessionEvent::AddedBy {
                    handle: account,
                    friendly_name: c.friendly.clone(),
                });
            }
        }
        true
    }

    // ----- internals -----

    fn require_open(&self, call: &'static str) -> Result<(), SessionError> {
        match self.phase {
            SessionPhase::Open => Ok(()),
            SessionPhase::LoggingOut => Err(SessionError::WrongState {
                call,
                state: "logging out",
            }),
            SessionPhase::Finished => Err(SessionError::Finished),
        }
    }

    /// The initial `ADL`s may go out: MSNP13+, open, none in flight.
    fn require_initial_list(&self, call: &'static str) -> Result<(), SessionError> {
        self.require_open(call)?;
        if self.version < V::Msnp13 {
            return Err(SessionError::WrongState {
                call,
                state: "before MSNP13 (use sync)",
            });
        }
        if self.contact_list.is_some() {
            return Err(SessionError::WrongState {
                call,
                state: "sending the contact list",
            });
        }
        Ok(())
    }

    fn require_list_era(&self, call: &'static str) -> Result<(), SessionError> {
        self.require_open(call)?;
        if self.version >= V::Msnp13 {
            return Err(SessionError::WrongState {
                call,
                state: "MSNP13+ (lists change over SOAP and ADL/RML)",
            });
        }
        Ok(())
    }

    fn require_groups(&self, call: &'static str) -> Result<(), SessionError> {
        self.require_list_era(call)?;
        if self.version < V::Msnp7 {
            return Err(SessionError::WrongState {
                call,
                state: "before MSNP7 (no groups)",
            });
        }
        Ok(())
    }

    fn track(&mut self, trid: TrId, request: Request, invitees: Vec<String>) {
        if self.pending.len() >= self.config.max_pending.max(1) {
            self.pending.pop_front();
        }
        self.pending.push_back((trid, request, invitees));
    }

    /// Removes and returns the pending request with `trid`.
    fn take(&mut self, trid: TrId) -> Option<(Request, Vec<String>)> {
        if trid == TrId::ASYNC {
            return None;
        }
        let i = self.pending.iter().position(|(t, _, _)| *t == trid)?;
        self.pending.remove(i).map(|(_, r, inv)| (r, inv))
    }

    /// Completes the request with `trid`, if one is pending.
    fn done(&mut self, trid: TrId) {
        if let Some((request, _)) = self.take(trid) {
            self.core
                .emit(SessionEvent::RequestDone { id: trid, request });
        }
    }

    fn close(&mut self, reason: Option<OutReason>, minutes: Option<u32>) {
        self.core.emit(SessionEvent::Closed { reason, minutes });
        self.phase = SessionPhase::Finished;
        self.sync = None;
        self.pending.clear();
    }

    /// Whether `h` is the user (presence of one's own other endpoints is not a contact's).
    fn is_me(&self, h: &Handle<'_>) -> bool {
        roster::same_address(h, &self.handle)
    }

    fn limits(&self) -> (usize, usize) {
        (self.config.max_contacts, self.config.max_groups)
    }

    fn on_error(&mut self, code: ErrorCode, trid: Option<TrId>) {
        if let Some(t) = trid {
            if self.sync.as_ref().is_some_and(|s| s.trid == t) {
                self.sync = None;
                self.core.emit(SessionEvent::RequestFailed {
                    id: t,
                    request: Request::Sync,
                    code,
                });
                return;
            }
            if self.challenges.settle(t) {
                // A refused QRY: the server closes the connection next.
                self.core.emit(SessionEvent::ServerError { code, trid });
                return;
            }
            if let Some((request, _)) = self.take(t) {
                self.core.emit(SessionEvent::RequestFailed {
                    id: t,
                    request,
                    code,
                });
                return;
            }
            if let Some(list) = self.contact_list.take_if(|l| l.current == t) {
                self.core.emit(SessionEvent::RequestFailed {
                    id: list.id,
                    request: Request::ContactList,
                    code,
                });
                return;
            }
        }
        self.core.emit(SessionEvent::ServerError { code, trid });
    }

    fn on_qng(&mut self, seconds: Option<u32>) {
        let (lo, hi) = self.config.ping_bounds;
        let k = &mut self.keepalive;
        if let Some(s) = seconds {
            k.interval = Duration::from_secs(u64::from(s)).clamp(lo, hi.max(lo));
        }
        k.qng_deadline = None;
        // The next ping counts from the last one: the QNG answers it.
        k.next_ping = k.base.checked_add(k.interval);
    }

    /// A circle `NFY`: members join or leave the circle (created when the address book did
    /// not name it).
    fn on_circle_update(&mut self, u: circle::CircleUpdate) {
        let max = self.config.max_contacts;
        if let Some(c) = self.roster.circle_entry(&u.circle, max) {
            for m in &u.joined {
                c.add_member(m, max);
            }
            for m in &u.left {
                c.remove_member(m);
            }
        }
        self.core.emit(SessionEvent::CircleMembers {
            circle: u.circle,
            joined: u.joined,
            left: u.left,
        });
    }

    /// A presence line for a circle member (`;via=9:circle`).
    fn on_circle_presence(
        &mut self,
        handle: &Handle<'_>,
        apply: impl FnOnce(&mut roster::CircleMember) -> PresenceChanges,
    ) {
        let max = self.config.max_contacts;
        let Some(via) = Roster::circle_of(handle) else {
            return;
        };
        let Some(c) = self.roster.circle_entry(via.as_str(), max) else {
            return;
        };
        let circle = Arc::clone(&c.address);
        let Some(member) = c.add_member(handle.as_str(), max) else {
            return;
        };
        let changes = apply(member);
        let (handle, presence) = (Arc::clone(&member.handle), member.presence.clone());
        self.core.emit(SessionEvent::CirclePresence {
            circle,
            handle,
            presence,
            changes,
        });
    }

    fn presence_event(&mut self, key: &str, changes: PresenceChanges, initial: bool) {
        if let Some(c) = self.roster.contacts.get(key) {
            self.core.emit(SessionEvent::Presence {
                handle: Arc::clone(&c.handle),
                friendly_name: Arc::clone(&c.friendly_name),
                presence: c.presence.clone(),
                changes,
                initial,
            });
        }
    }

    /// A server `MSG`'s payload as its typed event.
    fn server_message(&mut self, payload: &Bytes) {
        let typed = MimeMessage::parse(payload)
            .ok()
            .and_then(|m| m.typed_body(&self.config.xml).ok().map(MsgBody::into_owned));
        let e = match typed {
            Some(MsgBody::Profile(p)) => SessionEvent::Profile(Box::new(p)),
            Some(MsgBody::InitialEmail(m)) => SessionEvent::InitialEmail(m),
            Some(MsgBody::NewEmail(m)) => SessionEvent::NewEmail(m),
            Some(MsgBody::ActiveMail(m)) => SessionEvent::MailChanged(m),
            Some(MsgBody::MailData(m)) => SessionEvent::MailData(m),
            _ => SessionEvent::ServerMessage(payload.clone()),
        };
        self.core.emit(e);
    }

    /// A line of the `SYN` in progress; `false` when it is not one.
    fn on_sync(&mut self, msg: &Message<'_>) -> bool {
        let limits = self.limits();
        let v = self.version;
        let Some(sync) = self.sync.as_mut() else {
            return false;
        };
        match msg {
            Message::Syn(s) if s.trid == sync.trid && sync.roster.is_none() => {
                let version = ListVersion {
                    list: s.list_version.as_str().to_owned(),
                    settings: s.settings_version.as_ref().map(|t| t.as_str().to_owned()),
                };
                let current = if v >= V::Msnp8 {
                    s.contacts.is_none()
                } else {
                    version.list == sync.sent.list
                };
                if current {
                    let mut roster = sync
                        .cache
                        .take()
                        .unwrap_or_else(|| Roster::empty(version.clone()));
                    roster.version = version;
                    self.finish_sync(roster, false);
                    return true;
                }
                sync.expected = (s.contacts.unwrap_or(0), s.groups.unwrap_or(0));
                sync.roster = Some(Roster::empty(version));
                self.check_sync_done();
                true
            }
            _ if sync.roster.is_none() => false,
            Message::Gtc(g) if g.trid.is_none() || g.trid == Some(sync.trid) => {
                if let Some(r) = sync.roster.as_mut() {
                    r.privacy.gtc = Some(g.mode);
                }
                true
            }
            Message::Blp(b) if b.trid.is_none() || b.trid == Some(sync.trid) => {
                if let Some(r) = sync.roster.as_mut() {
                    r.privacy.blp = Some(b.mode);
                }
                sync.blp_seen = true;
                self.check_sync_done();
                true
            }
            Message::Prp(p) if p.trid.is_none() || p.trid == Some(sync.trid) => {
                if let Some(r) = sync.roster.as_mut() {
                    let value = p.value.as_ref().map(|t| t.decoded().into_owned());
                    roster::set_property(&mut r.properties, p.property, value);
                }
                true
            }
            Message::Lsg(g) if g.trid.is_none() || g.trid == Some(sync.trid) => {
                if let Some(r) = sync.roster.as_mut() {
                    r.apply_lsg(g, limits.1);
                }
                sync.seen.1 = sync.seen.1.saturating_add(1);
                self.check_sync_done();
                true
            }
            Message::Lst(e) if e.trid.is_none() || e.trid == Some(sync.trid) => {
                if let Some(r) = sync.roster.as_mut() {
                    self.last_contact = r.apply_list_entry(e, limits.0);
                }
                match (e.list.and_then(|l| l.bit()), e.index, e.total) {
                    (Some(bit), Some(i), Some(t)) if i >= t => sync.lists_done |= bit,
                    (None, _, _) => sync.seen.0 = sync.seen.0.saturating_add(1),
                    _ => {}
                }
                self.check_sync_done();
                true
            }
            Message::Bpr(b) if b.handle.is_none() || b.list_version.is_some() => {
                if let Some(r) = sync.roster.as_mut() {
                    r.apply_bpr(b, self.last_contact.as_deref());
                }
                true
            }
            _ => false,
        }
    }

    fn check_sync_done(&mut self) {
        let Some(sync) = self.sync.as_ref() else {
            return;
        };
        let done = if self.version >= V::Msnp8 {
            let counted = sync.seen.0 >= sync.expected.0 && sync.seen.1 >= sync.expected.1;
            // With nothing to count, the settings lines are all there is; BLP is the last
            // of the always-sent ones.
            counted && (sync.expected != (0, 0) || sync.blp_seen)
        } else {
            use ListBits as B;
            sync.lists_done
                .contains(B::FORWARD | B::ALLOW | B::BLOCK | B::REVERSE)
        };
        if done && let Some(roster) = self.sync.as_mut().and_then(|s| s.roster.take()) {
            self.finish_sync(roster, true);
        }
    }

    fn finish_sync(&mut self, roster: Roster, changed: bool) {
        self.sync = None;
        self.roster = roster.clone();
        self.core
            .emit(SessionEvent::RosterSynced { roster, changed });
    }

    /// Updates the roster's list version from a reply that carries one (MSNP2–9).
    fn list_version(&mut self, v: Option<u32>) {
        if let Some(v) = v {
            self.roster.version.list = v.to_string();
        }
    }

    fn on_list_change(&mut self, msg: &Message<'_>) -> bool {
        let limits = self.limits();
        match msg {
            Message::Add(a) => {
                self.list_version(a.list_version);
                self.roster.add_to_list(
                    &a.handle,
                    a.list,
                    Some(&a.friendly_name),
                    None,
                    a.group_id.as_ref(),
                    limits,
                );
                self.list_pushed(
                    a.trid,
                    a.list,
                    Some(&a.handle),
                    Some(&a.friendly_name),
                    true,
                );
            }
            Message::Adc(a) => {
                let handle = a.handle.clone().or_else(|| {
                    let guid = a.contact_id.as_ref()?;
                    let c = self.roster.contact_by_guid(guid.as_str())?;
                    Handle::parse(&c.handle).ok().map(Handle::into_owned)
                });
                if let Some(h) = &handle {
                    self.roster.add_to_list(
                        h,
                        a.list,
                        a.friendly_name.as_ref(),
                        a.contact_id.as_ref(),
                        a.group_id.as_ref(),
                        limits,
                    );
                }
                self.list_pushed(
                    a.trid,
                    a.list,
                    handle.as_ref(),
                    a.friendly_name.as_ref(),
                    true,
                );
            }
            Message::Rem(r) => {
                self.list_version(r.list_version);
                let group = r.group_id.as_ref().map(Token::as_str);
                self.roster
                    .remove_from_list(r.contact.as_str(), r.list, group);
                let h = Handle::parse(r.contact.as_str()).ok();
                self.list_pushed(r.trid, r.list, h.as_ref(), None, false);
            }
            Message::Rea(r) => {
                self.list_version(r.list_version);
                if roster::same_address(&r.handle, &self.handle) {
                    roster::set_property(
                        &mut self.roster.properties,
                        Property::FriendlyName,
                        Some(r.friendly_name.decoded().into_owned()),
                    );
                } else if let Some(c) = self.roster.find_mut(r.handle.as_str()) {
                    c.friendly_name = roster::shared(&r.friendly_name);
                }
                self.done(r.trid);
            }
            Message::Adg(g) => {
                self.list_version(g.list_version);
                if let Some(id) = &g.group_id {
                    self.roster
                        .apply_group(id.as_str(), g.name.decoded().into_owned(), limits.1);
                }
                self.done(g.trid);
            }
            Message::Rmg(g) => {
                if self.version <= V::Msnp9 {
                    self.list_version(g.list_version);
                }
                self.roster.remove_group(g.group_id.as_str());
                self.done(g.trid);
            }
            Message::Reg(g) => {
                if self.version <= V::Msnp9 {
                    self.list_version(g.list_version);
                }
                self.roster.apply_group(
                    g.group_id.as_str(),
                    g.name.decoded().into_owned(),
                    limits.1,
                );
                self.done(g.trid);
            }
            Message::Prp(p) => {
                self.list_version(p.list_version);
                let value = p.value.as_ref().map(|t| t.decoded().into_owned());
                roster::set_property(&mut self.roster.properties, p.property, value);
                if let Some(t) = p.trid {
                    self.done(t);
                }
            }
            Message::Sbp(s) => {
                if let Some(c) = self.roster.find_mut(s.contact_id.as_str()) {
                    if s.property == Property::FriendlyName {
                        c.friendly_name = roster::shared(&s.value);
                    } else {
                        let value = s.value.decoded().into_owned();
                        roster::set_property(&mut c.properties, s.property, Some(value));
                    }
                }
                self.done(s.trid);
            }
            Message::Blp(b) => {
                self.list_version(b.list_version);
                self.roster.privacy.blp = Some(b.mode);
                if let Some(t) = b.trid {
                    self.done(t);
                }
            }
            Message::Gtc(g) => {
                self.list_version(g.list_version);
                self.roster.privacy.gtc = Some(g.mode);
                if let Some(t) = g.trid {
                    self.done(t);
                }
            }
            Message::Bpr(b) => {
                self.list_version(b.list_version);
                self.roster.apply_bpr(b, self.last_contact.as_deref());
            }
            _ => return false,
        }
        true
    }

    /// The end of an `ADD`/`ADC`/`REM`: the request is done, or (TrID 0 on RL) someone added
    /// or removed the user.
    fn list_pushed(
        &mut self,
        trid: TrId,
        list: List,
        handle: Option<&Handle<'_>>,
        name: Option<&UrlText<'_>>,
        added: bool,
    ) {
        if trid == TrId::ASYNC && list == List::Reverse {
            let Some(h) = handle else {
                return;
            };
            let handle = h.as_str().to_owned();
            self.core.emit(if added {
                SessionEvent::AddedBy {
                    handle,
                    friendly_name: name.map(|n| n.decoded().into_owned()),
                }
            } else {
                SessionEvent::RemovedBy { handle }
            });
        } else {
            self.done(trid);
        }
    }
}

fn invalid(what: &'static str, reason: &'static str) -> SessionError {
    SessionError::Encode(msnp_proto::error::EncodeError::Invalid { what, reason })
}

fn plain(t: &UrlText<'_>) -> String {
    t.decoded().into_owned()
}

fn url(what: &'static str, plain: &str) -> Result<UrlText<'static>, SessionError> {
    UrlText::from_plain(plain).map_err(|_| invalid(what, "cannot be URL-encoded as one token"))
}

impl Machine for NotificationSession {
    type Event = SessionEvent;

    fn core(&mut self) -> &mut Core<SessionEvent> {
        &mut self.core
    }

    fn refuse_input(&self) -> Option<SessionError> {
        (self.phase == SessionPhase::Finished).then_some(SessionError::Finished)
    }

    fn stop_reading(&self) -> bool {
        self.phase == SessionPhase::Finished
    }

    fn abort(&mut self) {
        self.phase = SessionPhase::Finished;
    }

    fn on_message(
        &mut self,
        cmd: &OwnedCommand,
        msg: Result<Message<'_>, MessageError>,
    ) -> Result<(), SessionError> {
        if self.phase == SessionPhase::Finished {
            return Ok(());
        }
        let raw = cmd.as_raw();
        let Ok(msg) = msg else {
            match raw.verb().error_code() {
                Some(code) => self.on_error(ErrorCode(code), raw.trid()),
                None => self.core.emit(SessionEvent::Command(cmd.clone())),
            }
            return Ok(());
        };
        if self.on_sync(&msg) {
            return Ok(());
        }
        if self.on_list_change(&msg) {
            return Ok(());
        }
        let max = self.config.max_contacts;
        match msg {
            Message::Error(e) => self.on_error(e.code, e.trid),
            Message::Out(o) => self.close(o.reason, o.minutes),
            Message::Chl(c) => {
                let Some(challenge) = c.challenge else {
                    self.core.emit(SessionEvent::Command(cmd.clone()));
                    return Ok(());
                };
                let product = self.product.as_ref().map(ProductPair::key);
                match self.challenges.answer(
                    &mut self.core,
                    self.version,
                    product,
                    challenge.as_str(),
                )? {
                    Ok(answer) => self.core.emit(SessionEvent::Challenge {
                        challenge: challenge.into_owned(),
                        answer,
                    }),
                    // No QRY algorithm for this version: the server's challenge is passed on.
                    Err(_) => self.core.emit(SessionEvent::Command(cmd.clone())),
                }
            }
            Message::QryReply(t) if self.challenges.settle(t.trid) => {
                self.core.emit(SessionEvent::ChallengeAccepted(t.trid));
            }
            Message::Qng(q) => self.on_qng(q.seconds),
            Message::Iln(i) if Roster::circle_of(&i.presence.handle).is_some() => {
                self.on_circle_presence(&i.presence.handle, |m| m.apply_presence(&i.presence));
            }
            Message::Nln(p) if Roster::circle_of(&p.handle).is_some() => {
                self.on_circle_presence(&p.handle, |m| m.apply_presence(&p));
            }
            Message::Fln(o) if Roster::circle_of(&o.handle).is_some() => {
                self.on_circle_presence(&o.handle, |m| m.apply_offline());
            }
            Message::Ubx(u) if Roster::circle_of(&u.handle).is_some() => {
                if let Ok(d) = UserData::parse(&u.payload, &self.config.xml) {
                    self.on_circle_presence(&u.handle, |m| m.apply_data(&d));
                }
            }
            Message::Iln(i) if self.is_me(&i.presence.handle) => {
                self.core.emit(SessionEvent::Command(cmd.clone()));
            }
            Message::Nln(p) if self.is_me(&p.handle) => {
                self.core.emit(SessionEvent::Command(cmd.clone()));
            }
            Message::Ubx(u) if self.is_me(&u.handle) => {
                // The user's own document, echoed to the user's other endpoints (MSNP16+).
                self.core.emit(SessionEvent::Command(cmd.clone()));
            }
            Message::Iln(i) => {
                if let Some((k, ch)) = self.roster.apply_presence(&i.presence, max) {
                    self.presence_event(&k, ch, true);
                }
            }
            Message::Nln(p) => {
                if let Some((k, ch)) = self.roster.apply_presence(&p, max) {
                    self.presence_event(&k, ch, false);
                }
            }
            Message::Fln(o) => {
                if let Some((k, ch)) = self.roster.apply_offline(&o) {
                    self.presence_event(&k, ch, false);
                }
            }
            // Only a `<Data>` document is presence; anything else goes to the user as it came.
            Message::Ubx(u) => match UserData::parse(&u.payload, &self.config.xml) {
                Ok(d) => {
                    if let Some((k, ch)) = self.roster.apply_data(&u.handle, &d, max) {
                        self.presence_event(&k, ch, false);
                    }
                }
                _ => self.core.emit(SessionEvent::Command(cmd.clone())),
            },
            Message::Chg(c) => {
                self.done(c.trid);
                self.core.emit(SessionEvent::OwnStatus {
                    status: c.status,
                    capabilities: c.capabilities,
                });
            }
            Message::Uux(u) => match self.take(u.trid) {
                Some((request, _)) => self.core.emit(SessionEvent::RequestDone {
                    id: u.trid,
                    request,
                }),
                None => self.core.emit(SessionEvent::Command(cmd.clone())),
            },
            Message::XfrSb(x) => match self.take(x.trid) {
                Some((_, invitees)) => {
                    let inv: Vec<&str> = invitees.iter().map(String::as_str).collect();
                    match SwitchboardSession::from_xfr(self.switchboard.clone(), &x, &inv) {
                        Ok((address, session)) => self.core.emit(SessionEvent::SwitchboardReady {
                            id: x.trid,
                            address,
                            session: Box::new(session),
                        }),
                        Err(_) => self.core.emit(SessionEvent::Command(cmd.clone())),
                    }
                }
                None => self.core.emit(SessionEvent::Command(cmd.clone())),
            },
            Message::Rng(r) => match SwitchboardSession::from_rng(self.switchboard.clone(), &r) {
                Ok((address, inviter, session)) => self.core.emit(SessionEvent::Invitation {
                    address,
                    inviter,
                    inviter_name: r.inviter_name.decoded().into_owned(),
                    session: Box::new(session),
                }),
                Err(_) => self.core.emit(SessionEvent::Command(cmd.clone())),
            },
            Message::MsgReceive(_) => {
                let p = raw.payload().unwrap_or_default();
                self.server_message(&cmd.frame().slice_ref(p));
            }
            Message::Ubn(u) => {
                let p = raw.payload().unwrap_or_default();
                self.core.emit(SessionEvent::UserNotification {
                    handle: u.handle.into_owned(),
                    kind: u.kind,
                    payload: cmd.frame().slice_ref(p),
                });
            }
            Message::Nfy(msnp_proto::message::Notification {
                operation: Some(op),
                ..
            }) => {
                let p = raw.payload().unwrap_or_default();
                if let Some(u) = circle::read_nfy(op.as_str(), p, &self.config.xml) {
                    self.on_circle_update(u);
                    return Ok(());
                }
                self.core.emit(SessionEvent::Routed {
                    operation: op.into_owned(),
                    payload: cmd.frame().slice_ref(p),
                });
            }
            Message::Not(_) => {
                let p = raw.payload().unwrap_or_default();
                self.core
                    .emit(SessionEvent::Alert(cmd.frame().slice_ref(p)));
            }
            Message::Gcf(g) if g.trid == TrId::ASYNC => {
                let p = raw.payload().unwrap_or_default();
                self.core
                    .emit(SessionEvent::Policies(cmd.frame().slice_ref(p)));
            }
            Message::AdlOk(o) if self.on_adl_ok(o.trid)? => {}
            Message::AdlOk(o) | Message::RmlOk(o) if self.on_list_ok(o.trid) => {}
            Message::Adl(a) if a.trid == TrId::ASYNC && self.on_adl_push(&a.payload) => {}
            Message::Fqy(f) if self.on_fqy(f.trid, &f.payload) => {}
            Message::Sbs(s) => self
                .core
                .emit(SessionEvent::Subscription(s.data.into_owned())),
            _ => self.core.emit(SessionEvent::Command(cmd.clone())),
        }
        Ok(())
    }
}
