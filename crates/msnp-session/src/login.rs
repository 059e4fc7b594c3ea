//! [`ClientLogin`]: the client side of the dispatch / notification server login, every era.

use bytes::Bytes;
use msnp_auth::{MbiBlob, TwnChallenge};

use crate::SessionError;
use crate::auth;
use crate::machine::{self, Challenges, Core, Machine};
use crate::violation::ProtocolViolation;
use msnp_proto::error_code::ErrorCode;
use msnp_proto::message::session::Out;
use msnp_proto::message::{
    AuthPackage, AuthStage, CvrRequest, MessageError, OutReason, Transaction, Usr, UsrChallenge,
    UsrCredentials, UsrInitial, UsrOk, Ver, VersionName,
};
use msnp_proto::raw::OwnedCommand;
use msnp_proto::verb::{TrId, Verb};
use msnp_proto::version::{Dialect, Direction, Leniency, ProtocolVersion as V};
use msnp_proto::wire::Limits;
use msnp_proto::{Handle, Message, Token, UrlText};

/// What the client says about itself in `CVR` (MSNP8+).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ClientInfo {
    /// Locale ID, e.g. `0x0409`.
    pub locale: String,
    /// Operating system type, e.g. `winnt`.
    pub os_type: String,
    /// Operating system version, e.g. `5.1`.
    pub os_version: String,
    /// CPU architecture, e.g. `i386`.
    pub arch: String,
    /// Client library, e.g. `MSNMSGR`.
    pub library: String,
    /// Client version, e.g. `8.1.0178`.
    pub client_version: String,
    /// Client ID / codebase name, e.g. `msmsgs` (`MSMSGS` before MSNP11).
    pub client_id: String,
}

impl ClientInfo {
    /// The values Windows Live Messenger 8.1 sends on Windows XP.
    pub fn wlm_8_1() -> Self {
        Self {
            locale: "0x0409".into(),
            os_type: "winnt".into(),
            os_version: "5.1".into(),
            arch: "i386".into(),
            library: "MSNMSGR".into(),
            client_version: "8.1.0178".into(),
            client_id: "msmsgs".into(),
        }
    }
}

/// How the client proves who it is.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Credentials {
    /// A password: used directly by `MD5` (MSNP2–7) and `CTP` logins. TWN and SSO logins still
    /// ask the caller for a ticket ([`LoginEvent::TicketNeeded`]): the HTTPS exchange that turns
    /// the password into a ticket is outside this machine.
    Password(String),
    /// No password: the caller answers every [`LoginEvent::TicketNeeded`]; an MD5 or CTP login
    /// fails with [`LoginError::PasswordRequired`].
    Ticket,
}

impl core::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Password(_) => f.write_str("Password(<redacted>)"),
            Self::Ticket => f.write_str("Ticket"),
        }
    }
}

/// A `QRY` product key pair owned by the configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProductPair {
    /// The public product ID sent on the wire (`PROD0114ES4Z%Q5W`).
    pub id: String,
    /// The private key, only hashed.
    pub key: String,
}

impl ProductPair {
    /// The pair as msnp-auth takes it.
    pub fn key(&self) -> msnp_auth::ProductKey<'_> {
        msnp_auth::ProductKey {
            id: &self.id,
            key: &self.key,
        }
    }

    /// A pair from the list of known products (`msnp_auth::product_by_id`).
    pub fn known(id: &str) -> Option<Self> {
        msnp_auth::product_by_id(id).map(|p| Self {
            id: p.pair.id.to_owned(),
            key: p.pair.key.to_owned(),
        })
    }
}

/// Everything [`ClientLogin`] needs to know.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct LoginConfig {
    /// The account, e.g. `alice@hotmail.com`.
    pub handle: String,
    /// Versions to offer, newest first (`CVR0` is appended on the wire). Not empty.
    pub versions: Vec<V>,
    /// What `CVR` says (MSNP8+).
    pub client: ClientInfo,
    /// Password or tickets.
    pub credentials: Credentials,
    /// The machine GUID, braced (`{F52973B6-…}`): required for SSO from MSNP16.
    pub machine_guid: Option<String>,
    /// The `QRY` product key; `None`: `msnp_auth::default_product` for the negotiated version.
    pub product: Option<ProductPair>,
    /// Use the clear-text `CTP` package when an MSNP2 server offers it (early 1.0 builds).
    /// Default false: `MD5`.
    pub prefer_ctp: bool,
    /// Framing limits for the server's commands.
    pub limits: Limits,
    /// What non-conforming server input to accept (bare LF line ends, …), and whether raw
    /// UTF-8 may be written in arguments.
    pub leniency: Leniency,
}

impl LoginConfig {
    /// A configuration with defaults: no machine GUID, default product keys, `MD5` over `CTP`,
    /// default limits and leniency.
    pub fn new(
        handle: impl Into<String>,
        versions: Vec<V>,
        client: ClientInfo,
        credentials: Credentials,
    ) -> Self {
        Self {
            handle: handle.into(),
            versions,
            client,
            credentials,
            machine_guid: None,
            product: None,
            prefer_ctp: false,
            limits: Limits::default(),
            leniency: Leniency::default(),
        }
    }

    /// Sets [`leniency`](Self::leniency).
    pub fn with_leniency(mut self, leniency: Leniency) -> Self {
        self.leniency = leniency;
        self
    }

    /// Sets [`machine_guid`](Self::machine_guid).
    pub fn with_machine_guid(mut self, guid: impl Into<String>) -> Self {
        self.machine_guid = Some(guid.into());
        self
    }

    /// Sets [`product`](Self::product).
    pub fn with_product(mut self, product: ProductPair) -> Self {
        self.product = Some(product);
        self
    }

    /// Sets [`prefer_ctp`](Self::prefer_ctp).
    pub fn with_prefer_ctp(mut self, on: bool) -> Self {
        self.prefer_ctp = on;
        self
    }

    /// Sets [`limits`](Self::limits).
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }
}

/// The ticket the caller must obtain out of band before the login can go on; answer with
/// [`ClientLogin::provide_ticket`] or (SSO) [`ClientLogin::provide_sso`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum TicketRequest {
    /// MSNP8–11: run Passport 1.4 (`msnp_auth::Passport14Login`) with this challenge string
    /// (the `lc=…,id=…,…` argument of `USR TWN S`); provide the `t=…&p=…` ticket.
    Passport14 {
        /// The challenge string, as sent.
        challenge: Token<'static>,
    },
    /// MSNP12–14: a Passport SOAP `RST` request (`msnp-soap`) for `messenger.msn.com` with this
    /// policy reference; provide the compact ticket.
    Rst {
        /// The policy reference (`?id=507&tw=40&…`, from `TwnChallenge::rst_policy`).
        policy: String,
        /// The challenge string, as sent.
        challenge: Token<'static>,
    },
    /// MSNP15+: a Passport `RST`/`RST2` request with this policy; then
    /// [`ClientLogin::provide_sso`] with the ticket, the binary secret of the
    /// `messengerclear.live.com` token (decoded: `msnp_auth::decode_binary_secret`) and a fresh
    /// random 8-byte IV.
    Sso {
        /// The policy (`MBI_KEY_OLD`).
        policy: Token<'static>,
        /// The server's nonce, the input of the MBI blob.
        nonce: Token<'static>,
    },
}

/// Why the login failed. After [`LoginEvent::Failed`] the machine is finished.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum LoginError {
    /// The server answered one of the login commands with an error code (`911`: wrong
    /// password or ticket).
    #[error("server error {code} ({}) to TrID {trid}", code.name().unwrap_or("unknown code"))]
    Server {
        /// The error code.
        code: ErrorCode,
        /// The TrID it answered.
        trid: TrId,
    },
    /// `VER trid 0`: the server accepts none of the offered versions.
    #[error("the server accepts none of the offered versions")]
    VersionRejected,
    /// The server chose a version that was not offered.
    #[error("the server chose {}, which was not offered", chosen.as_str())]
    VersionNotOffered {
        /// The server's choice, as sent.
        chosen: VersionName<'static>,
    },
    /// `INF` lists no package this client can use.
    #[error("no usable authentication package in INF {offered:?}")]
    NoCommonPackage {
        /// The server's list.
        offered: Vec<AuthPackage>,
    },
    /// An MD5/CTP login without a password in the configuration.
    #[error("the server asked for an MD5/CTP login and no password is configured")]
    PasswordRequired,
    /// A command that does not belong at this point of the login, or with arguments this
    /// machine cannot use.
    #[error(transparent)]
    Protocol(#[from] ProtocolViolation),
    /// The server sent `OUT` before the login completed.
    #[error("disconnected by the server ({})", reason.as_ref().map_or("no reason", |r| r.as_str()))]
    Disconnected {
        /// The reason, when given (`OTH`, `SSD`, …).
        #[cfg_attr(feature = "serde", serde(serialize_with = "ser_reason"))]
        reason: Option<OutReason>,
    },
    /// An authentication computation failed on the server's data (bad salt, nonce, challenge).
    #[error("authentication: {0}")]
    Auth(#[cfg_attr(feature = "serde", serde(skip))] msnp_auth::AuthError),
}

#[cfg(feature = "serde")]
fn ser_reason<S: serde::Serializer>(r: &Option<OutReason>, s: S) -> Result<S::Ok, S::Error> {
    match r {
        Some(r) => s.serialize_some(r.as_str()),
        None => s.serialize_none(),
    }
}

/// What happened, in order; drained with [`ClientLogin::poll_event`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LoginEvent {
    /// The server chose this version (once per connection).
    Negotiated(V),
    /// The server referred the client to another server (`XFR … NS host:port`): close this
    /// connection, open one to `address` and call [`ClientLogin::connected`].
    Reconnect {
        /// `host:port`.
        address: Token<'static>,
    },
    /// The login waits for a ticket the caller must fetch.
    TicketNeeded(TicketRequest),
    /// `INF` listed these packages (MSNP2–7; a comma-joined list is split).
    Packages(Vec<AuthPackage>),
    /// `USR OK`: signed in. Continue with [`ClientLogin::into_session`] (contact list,
    /// presence, keepalive); a caller that stays with the login gets every later command as
    /// [`LoginEvent::Command`].
    LoggedIn {
        /// The account as the server spells it.
        handle: Handle<'static>,
        /// The friendly name (MSNP2–9).
        friendly_name: Option<UrlText<'static>>,
        /// Whether the account's e-mail address is verified (MSNP6+).
        verified: Option<bool>,
        /// Whether the account is restricted (kids' account, MSNP8+).
        restricted: Option<bool>,
    },
    /// `SBS trid data` after `USR OK` (MSNP11+).
    Subscription(Token<'static>),
    /// The profile `MSG Hotmail Hotmail` after `USR OK`: its MIME payload.
    Profile(Bytes),
    /// `GCF 0` policies pushed during (13+) or after the login: the XML payload.
    Policies(Bytes),
    /// A `CHL` challenge was answered with `QRY` under TrID `answer`.
    Challenge {
        /// The challenge string.
        challenge: Token<'static>,
        /// The TrID of the `QRY` sent.
        answer: TrId,
    },
    /// The server accepted the `QRY` with this TrID.
    ChallengeAccepted(TrId),
    /// Any other server command: after `USR OK`, everything not handled above; before, the
    /// asynchronous commands (TrID 0 or none) this machine does not interpret.
    Command(OwnedCommand),
    /// The server sent `OUT` after the login (signed in elsewhere, shutdown, …).
    Closed {
        /// The reason, when given.
        reason: Option<OutReason>,
    },
    /// The login failed; nothing more will happen on this machine.
    Failed(LoginError),
}

/// Where the login is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum LoginPhase {
    /// `VER` sent, waiting for the server's choice.
    Version,
    /// `INF` sent (MSNP2–7).
    Packages,
    /// `CVR` sent (MSNP8+).
    ClientVersion,
    /// `USR … I` sent: waiting for the challenge (or a referral).
    Initial,
    /// Waiting for the caller's ticket.
    Ticket,
    /// `USR … S` sent: waiting for `USR OK`.
    Subsequent,
    /// Referred elsewhere: waiting for [`ClientLogin::connected`].
    Reconnect,
    /// Signed in.
    LoggedIn,
    /// `OUT` sent: the server's last commands (a draft-era `OUT` echo) are still read.
    LoggingOut,
    /// Finished: failed or closed.
    Finished,
}

impl LoginPhase {
    fn expecting(self) -> &'static str {
        match self {
            Self::Version => "waiting for VER",
            Self::Packages => "waiting for INF",
            Self::ClientVersion => "waiting for CVR",
            Self::Initial => "waiting for the USR challenge",
            Self::Ticket => "waiting for the caller's ticket",
            Self::Subsequent => "waiting for USR OK",
            Self::Reconnect => "waiting to reconnect",
            Self::LoggedIn => "signed in",
            Self::LoggingOut => "logging out",
            Self::Finished => "finished",
        }
    }
}

/// The client side of the DS/NS login, sans-IO.
///
/// Output queues grow only with input (at most a couple of commands and events per server
/// command): drain them after each call.
///
/// Construction queues the first `VER`; feed the server's bytes with
/// [`handle_input`](Self::handle_input) (or decoded commands with
/// [`handle_command`](Self::handle_command)), send what [`poll_transmit`](Self::poll_transmit)
/// returns, and act on [`poll_event`](Self::poll_event). TrIDs count up from 1 and continue
/// across the DS → NS hop, as official clients do. After [`LoginEvent::LoggedIn`] the machine
/// keeps running the connection: the caller's commands are numbered with
/// [`next_trid`](Self::next_trid) and queued with [`send`](Self::send), `CHL` is still answered, and other server commands come out as [`LoginEvent::Command`].
///
/// See the [crate documentation](crate) for a complete loop.
#[derive(Debug)]
pub struct ClientLogin {
    config: LoginConfig,
    version: V,
    /// The package of the login in progress (`USR` names it).
    package: AuthPackage,
    phase: LoginPhase,
    /// The TrID of the login command awaiting its reply.
    pending: Option<TrId>,
    /// `QRY`s not yet acknowledged.
    challenges: Challenges,
    /// The SSO nonce (or TWN challenge) waiting for the caller's ticket.
    challenge: Option<String>,
    /// MSNP21 `CVR` hop argument (from the last `XFR NS`).
    hop: Option<Token<'static>>,
    /// The profile `MSG` is still expected (right after `USR OK`).
    profile_due: bool,
    core: Core<LoginEvent>,
}

/// What a signed-in login hands to the session that continues on its connection.
pub(crate) struct LoginParts {
    pub(crate) config: LoginConfig,
    pub(crate) version: V,
    pub(crate) phase: LoginPhase,
    pub(crate) challenges: Challenges,
    pub(crate) core: Core<LoginEvent>,
}

fn token_ok(s: &str) -> bool {
    Token::new(s).is_ok()
}

impl ClientLogin {
    /// A machine for `config`, with `VER` queued for the first connection (already open).
    ///
    /// # Errors
    /// [`SessionError::Config`] when the handle or a `CVR` field is not a single token, the
    /// version list is empty or holds `CVR0`, or the machine GUID is not braced.
    pub fn new(config: LoginConfig) -> Result<Self, SessionError> {
        let bad = |field, reason| Err(SessionError::Config { field, reason });
        if Handle::parse(&config.handle).is_err() {
            return bad("handle", "must be one non-empty token without spaces");
        }
        let Some(&newest) = config.versions.first() else {
            return bad("versions", "must offer at least one version");
        };
        if config.versions.contains(&V::Cvr0) {
            return bad("versions", "CVR0 is appended on the wire; do not list it");
        }
        let c = &config.client;
        for (field, v) in [
            ("client.locale", &c.locale),
            ("client.os_type", &c.os_type),
            ("client.os_version", &c.os_version),
            ("client.arch", &c.arch),
            ("client.library", &c.library),
            ("client.client_version", &c.client_version),
            ("client.client_id", &c.client_id),
        ] {
            if !token_ok(v) {
                return bad(field, "must be one non-empty token without spaces");
            }
        }
        if let Some(g) = &config.machine_guid
            && !(token_ok(g) && g.len() > 2 && g.starts_with('{') && g.ends_with('}'))
        {
            return bad("machine_guid", "must be braced, e.g. {F52973B6-…}");
        }
        if let Some(p) = &config.product
            && !token_ok(&p.id)
        {
            return bad("product.id", "must be one non-empty token without spaces");
        }
        let core = Core::new(
            dialect(newest, Direction::ServerToClient, config.leniency),
            dialect(newest, Direction::ClientToServer, config.leniency),
            config.limits,
        );
        let mut me = Self {
            version: newest,
            package: auth::usr_package(newest),
            config,
            phase: LoginPhase::Version,
            pending: None,
            challenges: Challenges::default(),
            challenge: None,
            hop: None,
            profile_due: false,
            core,
        };
        me.send_ver()?;
        Ok(me)
    }

    /// The current phase.
    pub fn phase(&self) -> LoginPhase {
        self.phase
    }

    /// The negotiated version (before negotiation: the newest offered).
    pub fn version(&self) -> V {
        self.version
    }

    /// The dialect of the client's commands on this connection.
    pub fn dialect(&self) -> Dialect {
        dialect(
            self.version,
            Direction::ClientToServer,
            self.config.leniency,
        )
    }

    /// The dialect of the server's commands on this connection: decode a
    /// [`LoginEvent::Command`] with it (`Message::decode(&cmd.as_raw(), &login.server_dialect())`).
    pub fn server_dialect(&self) -> Dialect {
        dialect(
            self.version,
            Direction::ServerToClient,
            self.config.leniency,
        )
    }

    /// A switchboard configuration for this account (handle, machine GUID, negotiated version,
    /// limits), for [`SwitchboardSession`](crate::SwitchboardSession).
    pub fn switchboard_config(&self) -> crate::SwitchboardConfig {
        let mut c = crate::SwitchboardConfig::new(self.config.handle.clone(), self.version)
            .with_limits(self.config.limits);
        c.machine_guid = self.config.machine_guid.clone();
        c
    }

    /// Bytes received and not yet consumed (at most one incomplete command).
    pub fn buffered(&self) -> usize {
        self.core.buffered()
    }

    /// The next command to send, in order.
    pub fn poll_transmit(&mut self) -> Option<OwnedCommand> {
        self.core.transmit.pop_front()
    }

    /// The next event, in order.
    pub fn poll_event(&mut self) -> Option<LoginEvent> {
        self.core.events.pop_front()
    }

    /// Feeds bytes received from the server; any split is fine.
    ///
    /// # Errors
    /// [`SessionError::Finished`] after the machine finished, [`SessionError::NotConnected`]
    /// while a reconnect is pending, [`SessionError::Decode`] when the bytes are not valid
    /// framing, [`SessionError::Encode`] when a reply cannot be written (e.g. a configured value
    /// the negotiated dialect does not accept); the machine is finished after either.
    pub fn handle_input(&mut self, bytes: &[u8]) -> Result<(), SessionError> {
        machine::handle_input(self, bytes)
    }

    /// Feeds one framed server command (framed in [`server_dialect`](Self::server_dialect)).
    ///
    /// # Errors
    /// As [`handle_input`](Self::handle_input), without the decode error.
    pub fn handle_command(&mut self, cmd: &OwnedCommand) -> Result<(), SessionError> {
        machine::handle_command(self, cmd)
    }

    /// The new connection asked for by [`LoginEvent::Reconnect`] is open: forget the old
    /// connection's bytes and start again with `VER` (TrIDs continue).
    ///
    /// # Errors
    /// [`SessionError::WrongState`] unless a reconnect is pending.
    pub fn connected(&mut self) -> Result<(), SessionError> {
        if self.phase != LoginPhase::Reconnect {
            return Err(self.wrong_state("connected"));
        }
        self.set_version(self.newest());
        self.core.clear_input();
        self.core.transmit.clear();
        self.challenges.clear();
        self.phase = LoginPhase::Version;
        self.send_ver()
    }

    /// Answers [`TicketRequest::Passport14`] or [`TicketRequest::Rst`]: sends
    /// `USR trid TWN S ticket`.
    ///
    /// # Errors
    /// [`SessionError::WrongState`] unless a TWN ticket is awaited;
    /// [`SessionError::Encode`] when the ticket is not a single token.
    pub fn provide_ticket(&mut self, ticket: &str) -> Result<(), SessionError> {
        if self.phase != LoginPhase::Ticket || self.package != AuthPackage::Twn {
            return Err(self.wrong_state("provide_ticket"));
        }
        let credential = machine::token("ticket", ticket)?;
        self.send_credentials(credential, None, None)?;
        self.challenge = None;
        self.phase = LoginPhase::Subsequent;
        Ok(())
    }

    /// Answers [`TicketRequest::Sso`]: computes the MBI blob over the server's nonce from the
    /// token's `binary_secret` (decoded bytes) and `iv`, and sends
    /// `USR trid SSO S ticket blob` (`… {machine-guid}` from MSNP16).
    ///
    /// ```
    /// use msnp_session::{ClientInfo, ClientLogin, Credentials, LoginConfig, LoginEvent, TicketRequest};
    /// use msnp_proto::ProtocolVersion;
    /// let cfg = LoginConfig::new("alice@hotmail.com", vec![ProtocolVersion::Msnp18],
    ///                            ClientInfo::wlm_8_1(), Credentials::Ticket)
    ///     .with_machine_guid("{F52973B6-C926-4BAD-9BA8-7C1E840E4AB0}");
    /// let mut login = ClientLogin::new(cfg)?;
    /// login.handle_input(b"VER 1 MSNP18\r\nCVR 2 1 1 1 http://a http://b\r\n")?;
    /// login.handle_input(b"USR 3 SSO S MBI_KEY_OLD bm9uY2U=\r\n")?;
    /// let nonce = std::iter::from_fn(|| login.poll_event()).find_map(|e| match e {
    ///     LoginEvent::TicketNeeded(TicketRequest::Sso { nonce, .. }) => Some(nonce),
    ///     _ => None,
    /// }).unwrap();
    /// let secret = b"the token's binary secret"; // from the RST2 response
    /// login.provide_sso("t=abc&p=def", secret, [1, 2, 3, 4, 5, 6, 7, 8])?;
    /// let usr = std::iter::from_fn(|| login.poll_transmit()).last().unwrap();
    /// let line = String::from_utf8(usr.frame().to_vec()).unwrap();
    /// let parts: Vec<&str> = line.trim_end().split(' ').collect();
    /// assert_eq!(parts[..5], ["USR", "4", "SSO", "S", "t=abc&p=def"]);
    /// assert_eq!(parts[6], "{F52973B6-C926-4BAD-9BA8-7C1E840E4AB0}");
    /// let blob = msnp_auth::MbiBlob::from_base64(parts[5]).unwrap();
    /// assert!(blob.verify(secret, nonce.as_str()).unwrap());
    /// # Ok::<(), msnp_session::SessionError>(())
    /// ```
    ///
    /// # Errors
    /// [`SessionError::WrongState`] unless an SSO ticket is awaited; [`SessionError::Config`]
    /// without a machine GUID on MSNP16+; [`SessionError::Auth`] when the blob cannot be
    /// computed; [`SessionError::Encode`] when the ticket is not a single token.
    pub fn provide_sso(
        &mut self,
        ticket: &str,
        binary_secret: &[u8],
        iv: [u8; 8],
    ) -> Result<(), SessionError> {
        if self.phase != LoginPhase::Ticket || self.package != AuthPackage::Sso {
            return Err(self.wrong_state("provide_sso"));
        }
        let nonce = self.challenge.clone().unwrap_or_default();
        let blob = MbiBlob::compute(binary_secret, &nonce, iv)
            .map_err(SessionError::Auth)?
            .to_base64();
        let guid = if self.version >= V::Msnp16 {
            match &self.config.machine_guid {
                Some(g) => Some(g.clone()),
                None => {
                    return Err(SessionError::Config {
                        field: "machine_guid",
                        reason: "MSNP16+ SSO logins send the machine GUID",
                    });
                }
            }
        } else {
            None
        };
        let credential = machine::token("ticket", ticket)?;
        let response = machine::token("MBI blob", &blob)?;
        let guid = guid
            .as_deref()
            .map(|g| machine::token("machine GUID", g))
            .transpose()?;
        self.send_credentials(credential, Some(response), guid)?;
        self.challenge = None;
        self.phase = LoginPhase::Subsequent;
        Ok(())
    }

    /// The TrID for the caller's next command (after [`LoginEvent::LoggedIn`]); build the
    /// command with it and queue it with [`send`](Self::send).
    pub fn next_trid(&mut self) -> TrId {
        self.core.next_trid()
    }

    /// Sends a command of the caller's after the login, encoded in [`dialect`](Self::dialect).
    /// Number it with [`next_trid`](Self::next_trid) when its shape has a TrID (`PNG` and
    /// `OUT` have none).
    ///
    /// # Errors
    /// [`SessionError::WrongState`] before [`LoginEvent::LoggedIn`] or after the end;
    /// [`SessionError::Encode`] when the command is not valid in the dialect.
    pub fn send(&mut self, msg: &Message<'_>) -> Result<(), SessionError> {
        if self.phase != LoginPhase::LoggedIn {
            return Err(self.wrong_state("send"));
        }
        self.core.send(msg)?;
        if msg.verb() == Verb::OUT {
            self.phase = LoginPhase::LoggingOut;
        }
        Ok(())
    }

    /// Signs out: queues `OUT`. Input is still read (the server may echo `OUT`, giving
    /// [`LoginEvent::Closed`]).
    ///
    /// # Errors
    /// [`SessionError::Finished`] when already finished or logging out.
    pub fn logout(&mut self) -> Result<(), SessionError> {
        if matches!(self.phase, LoginPhase::Finished | LoginPhase::LoggingOut) {
            return Err(SessionError::Finished);
        }
        self.core.send(&Message::Out(Out {
            reason: None,
            minutes: None,
        }))?;
        self.phase = LoginPhase::LoggingOut;
        Ok(())
    }

    /// The parts the notification session continues with (see
    /// [`NotificationSession`](crate::NotificationSession)).
    pub(crate) fn into_parts(self) -> LoginParts {
        LoginParts {
            config: self.config,
            version: self.version,
            phase: self.phase,
            challenges: self.challenges,
            core: self.core,
        }
    }

    // ----- internals -----

    fn newest(&self) -> V {
        self.config.versions.first().copied().unwrap_or(V::Msnp8)
    }

    fn set_version(&mut self, v: V) {
        self.version = v;
        self.package = auth::usr_package(v);
        let (inbound, out) = (self.server_dialect(), self.dialect());
        self.core.set_dialects(inbound, out);
    }

    fn wrong_state(&self, call: &'static str) -> SessionError {
        SessionError::WrongState {
            call,
            state: self.phase.expecting(),
        }
    }

    fn send_ver(&mut self) -> Result<(), SessionError> {
        let trid = self.core.next_trid();
        let versions = self
            .config
            .versions
            .iter()
            .chain([&V::Cvr0])
            .map(|&v| VersionName::Known(v))
            .collect();
        self.send_login(&Message::Ver(Ver { trid, versions }), trid)
    }

    /// Sends a login command, remembering its TrID as pending.
    fn send_login(&mut self, msg: &Message<'_>, trid: TrId) -> Result<(), SessionError> {
        self.core.send(msg)?;
        self.pending = Some(trid);
        Ok(())
    }

    fn send_credentials(
        &mut self,
        credential: Token<'_>,
        response: Option<Token<'_>>,
        machine_guid: Option<Token<'_>>,
    ) -> Result<(), SessionError> {
        let trid = self.core.next_trid();
        let msg = Message::Usr(Usr::Credentials(UsrCredentials {
            trid,
            package: self.package,
            stage: AuthStage::Subsequent,
            credential,
            response,
            machine_guid,
        }));
        self.send_login(&msg, trid)
    }

    fn fail(&mut self, e: LoginError) {
        self.core.emit(LoginEvent::Failed(e));
        self.phase = LoginPhase::Finished;
        self.pending = None;
    }

    fn unexpected(&mut self, cmd: &OwnedCommand) {
        let e = ProtocolViolation::unexpected(cmd, self.phase.expecting());
        self.fail(e.into());
    }

    fn malformed(&mut self, cmd: &OwnedCommand, reason: &'static str) {
        self.fail(ProtocolViolation::malformed(cmd, reason).into());
    }

    fn on_error(&mut self, cmd: &OwnedCommand, code: ErrorCode, trid: Option<TrId>) {
        let qry = trid.is_some_and(|t| self.challenges.is_pending(t));
        if !matches!(self.phase, LoginPhase::LoggedIn | LoginPhase::LoggingOut) || qry {
            self.fail(LoginError::Server {
                code,
                trid: trid.unwrap_or(TrId::ASYNC),
            });
        } else {
            self.core.emit(LoginEvent::Command(cmd.clone()));
        }
    }

    fn on_ver(&mut self, cmd: &OwnedCommand, ver: &Ver<'_>) -> Result<(), SessionError> {
        let Some(chosen) = ver.versions.first() else {
            self.malformed(cmd, "no version");
            return Ok(());
        };
        if chosen.as_str() == "0" {
            self.fail(LoginError::VersionRejected);
            return Ok(());
        }
        // Read as the negotiation tracker reads it (case ignored), so that a decoder and this
        // machine agree on the dialect a server's answer selects.
        let v = match chosen.version() {
            Some(v) if self.config.versions.contains(&v) => v,
            _ => {
                let chosen = match chosen {
                    VersionName::Known(v) => VersionName::Known(*v),
                    // A token when it was read, so still one.
                    other => Token::from_string(other.as_str().to_owned())
                        .map_or(VersionName::Known(V::Cvr0), VersionName::Other),
                };
                self.fail(LoginError::VersionNotOffered { chosen });
                return Ok(());
            }
        };
        self.set_version(v);
        self.core.emit(LoginEvent::Negotiated(v));
        let trid = self.core.next_trid();
        if v < V::Msnp8 {
            self.phase = LoginPhase::Packages;
            return self.send_login(&Message::InfRequest(Transaction { trid }), trid);
        }
        self.phase = LoginPhase::ClientVersion;
        let c = &self.config.client;
        let hop = match (v >= V::Msnp21, &self.hop) {
            (false, _) => None,
            (true, Some(h)) => Some(h.clone()),
            (true, None) => Some(Token::from_static("0")),
        };
        let msg = Message::CvrRequest(CvrRequest {
            trid,
            locale: machine::token("client.locale", &c.locale)?,
            os_type: machine::token("client.os_type", &c.os_type)?,
            os_version: machine::token("client.os_version", &c.os_version)?,
            arch: machine::token("client.arch", &c.arch)?,
            library: machine::token("client.library", &c.library)?,
            client_version: machine::token("client.client_version", &c.client_version)?,
            client_id: Some(machine::token("client.client_id", &c.client_id)?),
            handle: Some(machine::handle("handle", &self.config.handle)?),
            hop,
        })
        .into_owned();
        self.send_login(&msg, trid)
    }

    fn on_inf(&mut self, offered: &[AuthPackage]) -> Result<(), SessionError> {
        // The draft writes the list comma-separated, the msnp-wiki space-separated: accept both.
        let offered: Vec<AuthPackage> = offered
            .iter()
            .flat_map(|p| p.as_str().split(','))
            .filter_map(AuthPackage::parse)
            .collect();
        self.core.emit(LoginEvent::Packages(offered.clone()));
        let has = |p: AuthPackage| offered.contains(&p);
        let ctp_ok = self.version == V::Msnp2 && has(AuthPackage::Ctp);
        self.package = if self.config.prefer_ctp && ctp_ok {
            AuthPackage::Ctp
        } else if has(AuthPackage::Md5) {
            AuthPackage::Md5
        } else if ctp_ok {
            AuthPackage::Ctp
        } else {
            self.fail(LoginError::NoCommonPackage { offered });
            return Ok(());
        };
        self.send_usr_initial()
    }

    fn send_usr_initial(&mut self) -> Result<(), SessionError> {
        let trid = self.core.next_trid();
        let msg = Message::Usr(Usr::Initial(UsrInitial {
            trid,
            package: self.package,
            handle: machine::handle("handle", &self.config.handle)?,
        }))
        .into_owned();
        self.send_login(&msg, trid)?;
        self.phase = LoginPhase::Initial;
        Ok(())
    }

    fn on_usr_challenge(
        &mut self,
        cmd: &OwnedCommand,
        c: &UsrChallenge<'_>,
    ) -> Result<(), SessionError> {
        if c.package != self.package {
            self.malformed(cmd, "expected USR <package> S for the package sent");
            return Ok(());
        }
        let challenge = c.challenge.as_ref().map(Token::as_str);
        let owned = c.challenge.clone().map(Token::into_owned);
        match self.package {
            AuthPackage::Twn => {
                let (Some(challenge), Some(token)) = (challenge, owned) else {
                    self.malformed(cmd, "no TWN challenge");
                    return Ok(());
                };
                let request = if self.version <= V::Msnp11 {
                    TicketRequest::Passport14 { challenge: token }
                } else {
                    match TwnChallenge::parse(challenge) {
                        Ok(t) => TicketRequest::Rst {
                            policy: t.rst_policy(),
                            challenge: token,
                        },
                        Err(e) => {
                            self.fail(LoginError::Auth(e));
                            return Ok(());
                        }
                    }
                };
                self.await_ticket(challenge.to_owned(), request);
            }
            AuthPackage::Sso => {
                let (Some(policy), Some(nonce)) = (owned, c.nonce.clone().map(Token::into_owned))
                else {
                    self.malformed(cmd, "expected USR SSO S policy nonce");
                    return Ok(());
                };
                let challenge = nonce.as_str().to_owned();
                let request = TicketRequest::Sso { policy, nonce };
                self.await_ticket(challenge, request);
            }
            package => {
                let Credentials::Password(password) = &self.config.credentials else {
                    self.fail(LoginError::PasswordRequired);
                    return Ok(());
                };
                let salt = challenge.unwrap_or_default();
                if package == AuthPackage::Md5 && salt.is_empty() {
                    self.malformed(cmd, "no MD5 challenge");
                    return Ok(());
                }
                match auth::legacy_response(package, salt, password) {
                    Some(Ok(resp)) => {
                        let credential = machine::token("password", &resp)?.into_owned();
                        self.send_credentials(credential, None, None)?;
                        self.phase = LoginPhase::Subsequent;
                    }
                    Some(Err(e)) => self.fail(LoginError::Auth(e)),
                    None => self.malformed(cmd, "expected USR <package> S for the package sent"),
                }
            }
        }
        Ok(())
    }

    fn await_ticket(&mut self, challenge: String, request: TicketRequest) {
        self.challenge = Some(challenge);
        self.phase = LoginPhase::Ticket;
        self.pending = None;
        self.core.emit(LoginEvent::TicketNeeded(request));
    }

    fn on_usr_ok(&mut self, ok: UsrOk<'_>) {
        self.core.emit(LoginEvent::LoggedIn {
            handle: ok.handle.into_owned(),
            friendly_name: ok.friendly_name.map(UrlText::into_owned),
            verified: ok.verified,
            restricted: ok.restricted,
        });
        self.phase = LoginPhase::LoggedIn;
        self.pending = None;
        self.profile_due = true;
    }

    fn after_login(&mut self, cmd: &OwnedCommand, msg: Message<'_>) {
        let raw = cmd.as_raw();
        match msg {
            Message::Sbs(s) if s.trid == TrId::ASYNC => {
                self.core
                    .emit(LoginEvent::Subscription(s.data.into_owned()));
            }
            Message::MsgReceive(m)
                if self.profile_due && m.sender.as_str() == "Hotmail" && is_profile(&m.payload) =>
            {
                self.profile_due = false;
                let p = raw.payload().unwrap_or_default();
                self.core
                    .emit(LoginEvent::Profile(cmd.frame().slice_ref(p)));
            }
            _ => self.core.emit(LoginEvent::Command(cmd.clone())),
        }
    }

    fn referral(&mut self, address: &Token<'_>, hop: Option<&Token<'_>>) {
        if address.as_str() != "0" && self.version >= V::Msnp21 {
            self.hop = hop.map(|h| h.clone().into_owned());
        }
        // `XFR 0 NS 0`: reported as "restart the login on this server" (uncertain).
        self.phase = LoginPhase::Reconnect;
        self.pending = None;
        self.core.emit(LoginEvent::Reconnect {
            address: address.clone().into_owned(),
        });
    }

    fn answer_challenge(
        &mut self,
        cmd: &OwnedCommand,
        challenge: Option<&Token<'_>>,
    ) -> Result<(), SessionError> {
        let Some(challenge) = challenge else {
            self.malformed(cmd, "CHL without a challenge");
            return Ok(());
        };
        let product = self.config.product.as_ref().map(ProductPair::key);
        let trid = match self.challenges.answer(
            &mut self.core,
            self.version,
            product,
            challenge.as_str(),
        )? {
            Ok(t) => t,
            Err(e) => {
                self.fail(LoginError::Auth(e));
                return Ok(());
            }
        };
        self.core.emit(LoginEvent::Challenge {
            challenge: challenge.clone().into_owned(),
            answer: trid,
        });
        Ok(())
    }
}

impl Machine for ClientLogin {
    type Event = LoginEvent;

    fn core(&mut self) -> &mut Core<LoginEvent> {
        &mut self.core
    }

    fn refuse_input(&self) -> Option<SessionError> {
        match self.phase {
            LoginPhase::Finished => Some(SessionError::Finished),
            LoginPhase::Reconnect => Some(SessionError::NotConnected),
            _ => None,
        }
    }

    fn stop_reading(&self) -> bool {
        matches!(self.phase, LoginPhase::Finished | LoginPhase::Reconnect)
    }

    fn abort(&mut self) {
        self.phase = LoginPhase::Finished;
    }

    fn on_message(
        &mut self,
        cmd: &OwnedCommand,
        msg: Result<Message<'_>, MessageError>,
    ) -> Result<(), SessionError> {
        let raw = cmd.as_raw();
        let trid = raw.trid();
        let replies_pending = trid.is_some() && trid == self.pending;
        let signed_in = matches!(self.phase, LoginPhase::LoggedIn | LoginPhase::LoggingOut);
        let Ok(msg) = msg else {
            if let Some(code) = raw.verb().error_code() {
                self.on_error(cmd, ErrorCode(code), trid);
            } else if self.phase == LoginPhase::Version {
                self.unexpected(cmd);
            } else if signed_in || (!replies_pending && trid.is_none_or(|t| t == TrId::ASYNC)) {
                // Not the login's business: the caller decodes it (and sees the error).
                self.core.emit(LoginEvent::Command(cmd.clone()));
            } else if replies_pending {
                self.malformed(cmd, "arguments do not fit the command's shape");
            } else {
                self.unexpected(cmd);
            }
            return Ok(());
        };

        // Handled the same way in every phase.
        match &msg {
            Message::Error(e) => {
                self.on_error(cmd, e.code, e.trid);
                return Ok(());
            }
            Message::Out(o) => {
                let reason = o.reason;
                if signed_in {
                    self.core.emit(LoginEvent::Closed { reason });
                    self.phase = LoginPhase::Finished;
                } else {
                    self.fail(LoginError::Disconnected { reason });
                }
                return Ok(());
            }
            Message::Chl(c) if self.phase != LoginPhase::Version => {
                return self.answer_challenge(cmd, c.challenge.as_ref());
            }
            Message::QryReply(t) if self.challenges.is_pending(t.trid) => {
                let t = t.trid;
                self.challenges.settle(t);
                self.core.emit(LoginEvent::ChallengeAccepted(t));
                return Ok(());
            }
            Message::Gcf(g) if g.trid == TrId::ASYNC && self.phase != LoginPhase::Version => {
                let p = raw.payload().unwrap_or_default();
                self.core
                    .emit(LoginEvent::Policies(cmd.frame().slice_ref(p)));
                return Ok(());
            }
            Message::XfrNs(x)
                if (replies_pending || trid == Some(TrId::ASYNC))
                    && matches!(self.phase, LoginPhase::Initial | LoginPhase::LoggedIn) =>
            {
                self.referral(&x.address, x.hop.as_ref());
                return Ok(());
            }
            _ => {}
        }

        match self.phase {
            LoginPhase::Version => match &msg {
                Message::Ver(v) if replies_pending => self.on_ver(cmd, v),
                _ => {
                    self.unexpected(cmd);
                    Ok(())
                }
            },
            LoginPhase::LoggedIn | LoginPhase::LoggingOut => {
                self.after_login(cmd, msg);
                Ok(())
            }
            LoginPhase::Finished | LoginPhase::Reconnect => Ok(()),
            phase => {
                if !replies_pending {
                    if trid.is_none_or(|t| t == TrId::ASYNC) {
                        // Asynchronous pushes (NOT, UBX, MSG …) are not the login's business.
                        self.core.emit(LoginEvent::Command(cmd.clone()));
                    } else {
                        self.unexpected(cmd);
                    }
                    return Ok(());
                }
                match (phase, msg) {
                    (LoginPhase::Packages, Message::InfReply(i)) => self.on_inf(&i.packages),
                    (LoginPhase::ClientVersion, Message::CvrReply(_)) => self.send_usr_initial(),
                    (LoginPhase::Initial, Message::Usr(Usr::Challenge(c))) => {
                        self.on_usr_challenge(cmd, &c)
                    }
                    // Some servers skip the challenge (already authenticated): accept.
                    (LoginPhase::Initial | LoginPhase::Subsequent, Message::Usr(Usr::Ok(ok))) => {
                        self.on_usr_ok(ok);
                        Ok(())
                    }
                    (LoginPhase::Initial, Message::Usr(_)) => {
                        self.malformed(cmd, "expected USR <package> S for the package sent");
                        Ok(())
                    }
                    (LoginPhase::Subsequent, Message::Usr(_)) => {
                        self.malformed(cmd, "expected USR OK");
                        Ok(())
                    }
                    _ => {
                        self.unexpected(cmd);
                        Ok(())
                    }
                }
            }
        }
    }
}

fn is_profile(payload: &[u8]) -> bool {
    memchr::memmem::find(payload, b"text/x-msmsgsprofile").is_some()
}

/// A notification-connection dialect.
fn dialect(v: V, direction: Direction, leniency: Leniency) -> Dialect {
    Dialect::notification(v)
        .with_direction(direction)
        .with_leniency(leniency)
}
