//! [`ServerLogin`]: the server side of the DS/NS login, for revival-server authors.
//!
//! The machine negotiates the version, answers `INF`/`CVR`, refers the client elsewhere (dispatch
//! mode) or runs the challenge: the caller provides the salt, TWN policy or SSO nonce (no RNG
//! here), then checks the credentials — [`ServerLogin::verify_md5`] and
//! [`ServerLogin::verify_sso`] do the cryptography with `msnp-auth` — and accepts or rejects.
//! After the login, `CHL` challenges sent with [`ServerLogin::send_challenge`] are verified
//! automatically when the client's `QRY` arrives.

use std::collections::VecDeque;

use msnp_auth::MbiBlob;

use crate::SessionError;
use crate::auth;
use crate::machine::{self, Core, Machine};
use msnp_proto::error_code::ErrorCode;
use msnp_proto::message::{
    AuthPackage, AuthStage, Chl, CvrReply, CvrRequest, ErrorReply, Gcf, InfReply, MessageError,
    NsReferral, QryRequest, Quirks, Transaction, Usr, UsrChallenge, UsrCredentials, UsrOk, Ver,
    VersionName,
};
use msnp_proto::raw::OwnedCommand;
use msnp_proto::verb::TrId;
use msnp_proto::version::{Dialect, Direction, Leniency, ProtocolVersion as V};
use msnp_proto::wire::Limits;
use msnp_proto::{Handle, Message, Token, UrlText};

/// The server's `CVR` reply: `CVR trid recommended recommended2 minimum download-url info-url`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CvrAnswer {
    /// Recommended client version.
    pub recommended: String,
    /// Recommended version again (official servers repeat it).
    pub recommended2: String,
    /// Oldest client version allowed.
    pub minimum: String,
    /// Where to download the recommended client.
    pub download_url: String,
    /// Where to read about it.
    pub info_url: String,
}

/// Where a dispatch server sends clients (`XFR trid NS address …`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Referral {
    /// The notification server, `host:port`.
    pub address: String,
    /// This server, `host:port` (the last argument in MSNP7–12).
    pub current: String,
}

/// Configuration of a [`ServerLogin`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ServerConfig {
    /// Versions this server speaks (any order); the newest the client also offers is chosen.
    pub versions: Vec<V>,
    /// The `CVR` reply.
    pub cvr: CvrAnswer,
    /// `Some`: a dispatch server, which answers `USR … I` with this referral and is done.
    pub referral: Option<Referral>,
    /// Framing limits for the client's commands.
    pub limits: Limits,
    /// What non-conforming client input to accept.
    pub leniency: Leniency,
}

impl ServerConfig {
    /// A notification server for `versions` with default limits.
    pub fn new(versions: Vec<V>, cvr: CvrAnswer) -> Self {
        Self {
            versions,
            cvr,
            referral: None,
            limits: Limits::default(),
            leniency: Leniency::default(),
        }
    }

    /// Sets [`leniency`](Self::leniency).
    pub fn with_leniency(mut self, leniency: Leniency) -> Self {
        self.leniency = leniency;
        self
    }

    /// Makes it a dispatch server referring every client to `referral`.
    pub fn with_referral(mut self, referral: Referral) -> Self {
        self.referral = Some(referral);
        self
    }
}

/// What the client sent as proof of identity.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClientCredentials {
    /// `USR trid MD5 S response`: check with [`ServerLogin::verify_md5`].
    Md5 {
        /// The response (32 hex digits, as sent).
        response: Token<'static>,
    },
    /// `USR trid TWN S ticket`: the caller checks the Passport ticket.
    Ticket {
        /// The ticket as sent.
        ticket: Token<'static>,
    },
    /// `USR trid SSO S ticket blob {guid}`: the caller checks the ticket and gives its binary
    /// secret to [`ServerLogin::verify_sso`].
    Sso {
        /// The ticket as sent.
        ticket: Token<'static>,
        /// The base64 MBI blob.
        blob: Token<'static>,
        /// The machine GUID (MSNP16+).
        machine_guid: Option<Token<'static>>,
    },
}

/// What happened on the server side; drained with [`ServerLogin::poll_event`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ServerEvent {
    /// The version was chosen (`VER` answered).
    Negotiated(V),
    /// The client described itself (`CVR`).
    ClientVersion(Box<CvrRequest<'static>>),
    /// `USR … I handle`: send the challenge ([`ServerLogin::challenge_md5`],
    /// [`challenge_twn`](ServerLogin::challenge_twn), [`challenge_sso`](ServerLogin::challenge_sso)).
    LoginRequested {
        /// The account.
        handle: Handle<'static>,
        /// `MD5`, `TWN` or `SSO`.
        package: AuthPackage,
    },
    /// Dispatch mode: the client was referred and the connection is done.
    Referred,
    /// The client's proof: verify, then [`ServerLogin::accept`] or [`ServerLogin::reject`].
    Credentials(ClientCredentials),
    /// The login was accepted (`USR OK` sent).
    LoggedIn {
        /// The account.
        handle: Handle<'static>,
    },
    /// A `QRY` answered a challenge correctly (`QRY trid` sent).
    ChallengePassed(TrId),
    /// A `QRY` was wrong or its product unknown (`540 trid` sent; disconnect the client).
    ChallengeFailed(TrId),
    /// A client command after the login, for the caller to serve.
    Command(OwnedCommand),
    /// The client sent `OUT`.
    ClientLeft,
    /// The client broke the protocol; disconnect it.
    Failed(crate::LoginError),
}

/// Where the server side is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ServerPhase {
    /// Waiting for `VER`.
    Version,
    /// Waiting for `INF` (2–7) or `CVR` (8+).
    ClientVersion,
    /// Waiting for `USR … I`.
    Initial,
    /// The caller must send the challenge.
    Challenge,
    /// Challenge sent: waiting for `USR … S`.
    Subsequent,
    /// The caller must verify and accept or reject.
    Verify,
    /// Logged in.
    LoggedIn,
    /// Done.
    Finished,
}

/// The server side of a DS/NS login connection, sans-IO.
///
/// ```
/// use msnp_session::server::{CvrAnswer, ServerConfig, ServerEvent, ServerLogin};
/// use msnp_proto::ProtocolVersion;
/// let cvr = CvrAnswer { recommended: "1".into(), recommended2: "1".into(), minimum: "1".into(),
///                       download_url: "http://a".into(), info_url: "http://b".into() };
/// let mut s = ServerLogin::new(ServerConfig::new(vec![ProtocolVersion::Msnp2], cvr))?;
/// s.handle_input(b"VER 1 MSNP2 CVR0\r\nINF 2\r\nUSR 3 MD5 I alice@hotmail.com\r\n")?;
/// s.challenge_md5("939912345.12345")?;
/// s.handle_input(b"USR 4 MD5 S 5f6f22edbfde8b0c814c1ee1438ba7a3\r\n")?;
/// assert!(s.verify_md5("s3cret"));
/// s.accept(Some("Alice"), None, None)?;
/// let sent: Vec<_> = std::iter::from_fn(|| s.poll_transmit()).map(|c| c.frame().clone()).collect();
/// assert_eq!(sent.concat(), b"VER 1 MSNP2\r\nINF 2 MD5\r\nUSR 3 MD5 S 939912345.12345\r\nUSR 4 OK alice@hotmail.com Alice\r\n");
/// # Ok::<(), msnp_session::SessionError>(())
/// ```
#[derive(Debug)]
pub struct ServerLogin {
    config: ServerConfig,
    version: V,
    phase: ServerPhase,
    /// The TrID of the client's pending login command.
    trid: TrId,
    handle: Option<Handle<'static>>,
    package: AuthPackage,
    /// The MD5 salt or SSO nonce sent.
    challenge: String,
    credentials: Option<ClientCredentials>,
    /// Challenges sent with `CHL` and not answered yet (bounded).
    chl: VecDeque<String>,
    core: Core<ServerEvent>,
}

const MAX_OPEN_CHALLENGES: usize = 8;

impl ServerLogin {
    /// A server-side machine for one client connection.
    ///
    /// # Errors
    /// [`SessionError::Config`] when no version is configured or a `CVR`/referral field is not
    /// a single token.
    pub fn new(config: ServerConfig) -> Result<Self, SessionError> {
        let Some(&newest) = config.versions.iter().max() else {
            return Err(SessionError::Config {
                field: "versions",
                reason: "must list at least one version",
            });
        };
        let c = &config.cvr;
        let mut fields = vec![
            ("cvr.recommended", &c.recommended),
            ("cvr.recommended2", &c.recommended2),
            ("cvr.minimum", &c.minimum),
            ("cvr.download_url", &c.download_url),
            ("cvr.info_url", &c.info_url),
        ];
        if let Some(r) = &config.referral {
            fields.push(("referral.address", &r.address));
            fields.push(("referral.current", &r.current));
        }
        for (field, v) in fields {
            if Token::new(v).is_err() {
                return Err(SessionError::Config {
                    field,
                    reason: "must be one non-empty token without spaces",
                });
            }
        }
        let mut core = Core::new(
            side(newest, Direction::ClientToServer, config.leniency),
            side(newest, Direction::ServerToClient, config.leniency),
            config.limits,
        );
        // Clients of every era wrote `CVR` with more or fewer fields than their version's
        // shape; the server reads them all.
        core.quirks = Quirks::default().with_any_cvr_arity(true);
        Ok(Self {
            core,
            config,
            version: newest,
            phase: ServerPhase::Version,
            trid: TrId(0),
            handle: None,
            package: auth::usr_package(newest),
            challenge: String::new(),
            credentials: None,
            chl: VecDeque::new(),
        })
    }

    /// The current phase.
    pub fn phase(&self) -> ServerPhase {
        self.phase
    }

    /// The negotiated version.
    pub fn version(&self) -> V {
        self.version
    }

    /// The dialect of the commands this side sends (server to client).
    pub fn dialect(&self) -> Dialect {
        self.core.out
    }

    /// Bytes received and not yet consumed (at most one incomplete command).
    pub fn buffered(&self) -> usize {
        self.core.buffered()
    }

    /// The account named in `USR … I` (empty before).
    pub fn handle(&self) -> &str {
        self.handle.as_ref().map_or("", Handle::as_str)
    }

    /// The next command to send to the client.
    pub fn poll_transmit(&mut self) -> Option<OwnedCommand> {
        self.core.transmit.pop_front()
    }

    /// The next event.
    pub fn poll_event(&mut self) -> Option<ServerEvent> {
        self.core.events.pop_front()
    }

    /// Feeds bytes received from the client.
    ///
    /// # Errors
    /// [`SessionError::Finished`] after the end; [`SessionError::Decode`] for bad framing (the
    /// machine is then finished).
    pub fn handle_input(&mut self, bytes: &[u8]) -> Result<(), SessionError> {
        machine::handle_input(self, bytes)
    }

    /// Feeds one framed client command.
    ///
    /// # Errors
    /// [`SessionError::Finished`] after the end.
    pub fn handle_command(&mut self, cmd: &OwnedCommand) -> Result<(), SessionError> {
        machine::handle_command(self, cmd)
    }

    /// Sends `USR trid MD5 S salt` (MSNP2–7).
    ///
    /// # Errors
    /// [`SessionError::WrongState`] unless an MD5 login waits for its challenge;
    /// [`SessionError::Encode`] for a salt that is not a token.
    pub fn challenge_md5(&mut self, salt: &str) -> Result<(), SessionError> {
        self.challenge_for(AuthPackage::Md5, "challenge_md5", salt, None)?;
        self.challenge = salt.to_owned();
        Ok(())
    }

    /// Sends `USR trid TWN S policy` (MSNP8–14), e.g. `lc=1033,id=507,tw=40,…`.
    ///
    /// # Errors
    /// As [`challenge_md5`](Self::challenge_md5), for a TWN login.
    pub fn challenge_twn(&mut self, policy: &str) -> Result<(), SessionError> {
        self.challenge_for(AuthPackage::Twn, "challenge_twn", policy, None)
    }

    /// Sends `USR trid SSO S policy nonce` (MSNP15+).
    ///
    /// # Errors
    /// As [`challenge_md5`](Self::challenge_md5), for an SSO login.
    pub fn challenge_sso(&mut self, policy: &str, nonce: &str) -> Result<(), SessionError> {
        self.challenge_for(AuthPackage::Sso, "challenge_sso", policy, Some(nonce))?;
        self.challenge = nonce.to_owned();
        Ok(())
    }

    fn challenge_for(
        &mut self,
        package: AuthPackage,
        call: &'static str,
        challenge: &str,
        nonce: Option<&str>,
    ) -> Result<(), SessionError> {
        if self.phase != ServerPhase::Challenge || self.package != package {
            return Err(self.wrong_state(call));
        }
        let msg = Message::Usr(Usr::Challenge(UsrChallenge {
            trid: self.trid,
            package,
            challenge: Some(machine::token("challenge", challenge)?),
            nonce: nonce.map(|n| machine::token("nonce", n)).transpose()?,
            extra: None,
        }));
        self.core.send(&msg)?;
        self.phase = ServerPhase::Subsequent;
        Ok(())
    }

    /// Pushes policies: `GCF 0 len` + `xml` (MSNP13+, once the version is negotiated, before
    /// or after the challenge).
    ///
    /// # Errors
    /// [`SessionError::WrongState`] before `VER` is answered (the dialect is not known yet) and
    /// once the machine is finished; [`SessionError::Encode`] when the dialect has no such `GCF`
    /// or the XML is too large.
    pub fn push_policies(&mut self, xml: &[u8]) -> Result<(), SessionError> {
        if matches!(self.phase, ServerPhase::Version | ServerPhase::Finished) {
            return Err(self.wrong_state("push_policies"));
        }
        self.core.send(&Message::Gcf(Gcf {
            trid: TrId::ASYNC,
            filename: None,
            payload: Some(xml.into()),
        }))
    }

    /// Whether the client's MD5 response is `md5hex(salt ‖ password)`. False when no MD5
    /// response is pending.
    pub fn verify_md5(&self, password: &str) -> bool {
        match &self.credentials {
            Some(ClientCredentials::Md5 { response }) => {
                auth::legacy_response(AuthPackage::Md5, &self.challenge, password)
                    .is_some_and(|r| r.is_ok_and(|r| r.eq_ignore_ascii_case(response.as_str())))
            }
            _ => false,
        }
    }

    /// Whether the client's MBI blob was computed from `binary_secret` (the secret of the
    /// ticket the client presented) over the nonce sent.
    ///
    /// # Errors
    /// [`SessionError::WrongState`] when no SSO credentials are pending;
    /// [`SessionError::Auth`] when the blob is not a valid MBI blob.
    pub fn verify_sso(&self, binary_secret: &[u8]) -> Result<bool, SessionError> {
        match &self.credentials {
            Some(ClientCredentials::Sso { blob, .. }) => MbiBlob::from_base64(blob.as_str())
                .and_then(|b| b.verify(binary_secret, &self.challenge))
                .map_err(SessionError::Auth),
            _ => Err(self.wrong_state("verify_sso")),
        }
    }

    /// Accepts the login: `USR trid OK handle …` in the version's shape (2–5
    /// `handle nick`; 6–7 `handle nick verified`; 8–9 `handle nick verified restricted`; 10+
    /// `handle verified restricted`). `friendly_name` is URL-encoded text; missing flags are
    /// sent as `1`/`0`.
    ///
    /// # Errors
    /// [`SessionError::WrongState`] unless credentials are pending; [`SessionError::Encode`]
    /// for a friendly name that is not a token.
    pub fn accept(
        &mut self,
        friendly_name: Option<&str>,
        verified: Option<bool>,
        restricted: Option<bool>,
    ) -> Result<(), SessionError> {
        if self.phase != ServerPhase::Verify {
            return Err(self.wrong_state("accept"));
        }
        let Some(handle) = self.handle.clone() else {
            return Err(self.wrong_state("accept"));
        };
        let v = self.version;
        let friendly_name = if v < V::Msnp10 {
            let nick = friendly_name.unwrap_or(handle.as_str());
            Some(UrlText::from_wire(nick).map_err(|_| {
                SessionError::Encode(msnp_proto::error::EncodeError::Invalid {
                    what: "friendly name",
                    reason: "must be one URL-encoded token",
                })
            })?)
        } else {
            None
        };
        self.core.send(&Message::Usr(Usr::Ok(UsrOk {
            trid: self.trid,
            handle: handle.clone(),
            friendly_name,
            verified: (v >= V::Msnp6).then(|| verified.unwrap_or(true)),
            restricted: (v >= V::Msnp8).then(|| restricted.unwrap_or(false)),
        })))?;
        self.phase = ServerPhase::LoggedIn;
        self.credentials = None;
        self.core.emit(ServerEvent::LoggedIn { handle });
        Ok(())
    }

    /// Rejects the login with `code` (usually `911`); the machine is finished.
    ///
    /// # Errors
    /// [`SessionError::WrongState`] unless a login is in progress.
    pub fn reject(&mut self, code: ErrorCode) -> Result<(), SessionError> {
        if !matches!(
            self.phase,
            ServerPhase::Verify | ServerPhase::Challenge | ServerPhase::Subsequent
        ) {
            return Err(self.wrong_state("reject"));
        }
        if !(100..=999).contains(&code.0) {
            return Err(SessionError::Config {
                field: "code",
                reason: "must be a three-digit error code",
            });
        }
        self.send_error(code, self.trid)?;
        self.phase = ServerPhase::Finished;
        Ok(())
    }

    /// Sends `CHL 0 challenge` after the login; the client's `QRY` is checked automatically.
    ///
    /// # Errors
    /// [`SessionError::WrongState`] before the login or below MSNP6;
    /// [`SessionError::Encode`] for a challenge that is not a token.
    pub fn send_challenge(&mut self, challenge: &str) -> Result<(), SessionError> {
        if self.phase != ServerPhase::LoggedIn || self.version < V::Msnp6 {
            return Err(self.wrong_state("send_challenge"));
        }
        self.core.send(&Message::Chl(Chl {
            trid: TrId::ASYNC,
            challenge: Some(machine::token("challenge", challenge)?),
        }))?;
        if self.chl.len() >= MAX_OPEN_CHALLENGES {
            self.chl.pop_front();
        }
        self.chl.push_back(challenge.to_owned());
        Ok(())
    }

    /// Sends any server command after the login (profile `MSG`, `SBS`, replies …), encoded in
    /// [`dialect`](Self::dialect).
    ///
    /// # Errors
    /// [`SessionError::WrongState`] before the login; [`SessionError::Encode`] when the command
    /// is not valid in the dialect.
    pub fn send(&mut self, msg: &Message<'_>) -> Result<(), SessionError> {
        if self.phase != ServerPhase::LoggedIn {
            return Err(self.wrong_state("send"));
        }
        self.core.send(msg)
    }

    fn wrong_state(&self, call: &'static str) -> SessionError {
        SessionError::WrongState {
            call,
            state: match self.phase {
                ServerPhase::Version => "waiting for VER",
                ServerPhase::ClientVersion => "waiting for INF/CVR",
                ServerPhase::Initial => "waiting for USR I",
                ServerPhase::Challenge => "waiting for the caller's challenge",
                ServerPhase::Subsequent => "waiting for USR S",
                ServerPhase::Verify => "waiting for the caller's verdict",
                ServerPhase::LoggedIn => "logged in",
                ServerPhase::Finished => "finished",
            },
        }
    }

    fn send_error(&mut self, code: ErrorCode, trid: TrId) -> Result<(), SessionError> {
        self.core.send(&Message::Error(ErrorReply {
            code,
            trid: Some(trid),
            params: Vec::new(),
            payload: None,
        }))
    }

    fn fail(&mut self, cmd: &OwnedCommand) {
        let expecting = match self.phase {
            ServerPhase::Version => "waiting for VER",
            ServerPhase::ClientVersion => "waiting for INF/CVR",
            ServerPhase::Initial => "waiting for USR I",
            ServerPhase::Subsequent => "waiting for USR S",
            _ => "waiting for the caller",
        };
        self.core.emit(ServerEvent::Failed(
            crate::ProtocolViolation::unexpected(cmd, expecting).into(),
        ));
        self.phase = ServerPhase::Finished;
    }

    fn on_ver(&mut self, ver: &Ver<'_>) -> Result<(), SessionError> {
        let chosen = ver
            .versions
            .iter()
            // Names read as the negotiation tracker reads them (case ignored).
            .filter_map(VersionName::version)
            .filter(|v| self.config.versions.contains(v) && *v != V::Cvr0)
            .max();
        let Some(v) = chosen else {
            self.core.send(&Message::Ver(Ver {
                trid: ver.trid,
                versions: vec![VersionName::Other(Token::from_static("0"))],
            }))?;
            self.phase = ServerPhase::Finished;
            return Ok(());
        };
        self.version = v;
        self.package = auth::usr_package(v);
        self.core.set_dialects(
            side(v, Direction::ClientToServer, self.config.leniency),
            side(v, Direction::ServerToClient, self.config.leniency),
        );
        self.core.send(&Message::Ver(Ver {
            trid: ver.trid,
            versions: vec![VersionName::Known(v)],
        }))?;
        self.core.emit(ServerEvent::Negotiated(v));
        self.phase = ServerPhase::ClientVersion;
        Ok(())
    }

    fn on_cvr(&mut self, c: CvrRequest<'_>) -> Result<(), SessionError> {
        let a = self.config.cvr.clone();
        self.core.send(&Message::CvrReply(CvrReply {
            trid: c.trid,
            recommended: machine::token("cvr.recommended", &a.recommended)?,
            recommended2: machine::token("cvr.recommended2", &a.recommended2)?,
            minimum: machine::token("cvr.minimum", &a.minimum)?,
            download_url: machine::token("cvr.download_url", &a.download_url)?,
            info_url: machine::token("cvr.info_url", &a.info_url)?,
        }))?;
        self.core
            .emit(ServerEvent::ClientVersion(Box::new(c.into_owned())));
        self.phase = ServerPhase::Initial;
        Ok(())
    }

    fn on_credentials(&mut self, cmd: &OwnedCommand, c: UsrCredentials<'_>) {
        // `USR … S` comes with a new TrID, which `USR OK` echoes.
        self.trid = c.trid;
        if c.package != self.package || c.stage != AuthStage::Subsequent {
            self.fail(cmd);
            return;
        }
        let credential = c.credential.into_owned();
        let creds = match (c.package, c.response, c.machine_guid) {
            (AuthPackage::Md5, None, None) => ClientCredentials::Md5 {
                response: credential,
            },
            (AuthPackage::Twn, None, None) => ClientCredentials::Ticket { ticket: credential },
            (AuthPackage::Sso, Some(blob), guid) => ClientCredentials::Sso {
                ticket: credential,
                blob: blob.into_owned(),
                machine_guid: guid.map(Token::into_owned),
            },
            _ => {
                self.fail(cmd);
                return;
            }
        };
        self.credentials = Some(creds.clone());
        self.phase = ServerPhase::Verify;
        self.core.emit(ServerEvent::Credentials(creds));
    }

    fn refer(&mut self, trid: TrId, r: &Referral) -> Result<(), SessionError> {
        let v = self.version;
        let tok = |what, s| machine::token(what, s);
        let (transport, referrer) = if v >= V::Msnp13 {
            (Some(Token::from_static("U")), Some(Token::from_static("D")))
        } else if v >= V::Msnp7 {
            (
                Some(Token::from_static("0")),
                Some(tok("referral.current", &r.current)?),
            )
        } else if v >= V::Msnp3 {
            (Some(Token::from_static("0")), None)
        } else {
            (None, None)
        };
        self.core.send(&Message::XfrNs(NsReferral {
            trid,
            address: tok("referral.address", &r.address)?,
            transport,
            referrer,
            hop: None,
        }))?;
        self.core.emit(ServerEvent::Referred);
        self.phase = ServerPhase::Finished;
        Ok(())
    }

    fn check_qry(&mut self, q: &QryRequest<'_>) -> Result<(), SessionError> {
        let trid = q.trid;
        let answer = core::str::from_utf8(&q.answer).unwrap_or_default();
        let product = msnp_auth::product_by_id(q.product_id.as_str())
            .filter(|p| p.accepts(self.version.number()));
        let hit = product.and_then(|p| {
            self.chl.iter().position(|c| {
                msnp_auth::qry_answer(c, p.pair, p.algorithm)
                    .is_ok_and(|r| r.to_hex().eq_ignore_ascii_case(answer))
            })
        });
        match hit {
            Some(i) => {
                self.chl.remove(i);
                self.core.send(&Message::QryReply(Transaction { trid }))?;
                self.core.emit(ServerEvent::ChallengePassed(trid));
            }
            None => {
                self.send_error(ErrorCode(540), trid)?;
                self.core.emit(ServerEvent::ChallengeFailed(trid));
            }
        }
        Ok(())
    }
}

impl Machine for ServerLogin {
    type Event = ServerEvent;

    fn core(&mut self) -> &mut Core<ServerEvent> {
        &mut self.core
    }

    fn refuse_input(&self) -> Option<SessionError> {
        (self.phase == ServerPhase::Finished).then_some(SessionError::Finished)
    }

    fn stop_reading(&self) -> bool {
        self.phase == ServerPhase::Finished
    }

    fn abort(&mut self) {
        self.phase = ServerPhase::Finished;
    }

    fn on_message(
        &mut self,
        cmd: &OwnedCommand,
        msg: Result<Message<'_>, MessageError>,
    ) -> Result<(), SessionError> {
        let msg = match msg {
            Ok(m) => m,
            // After the login the caller serves (and decodes) the client's commands.
            Err(_) if self.phase == ServerPhase::LoggedIn => {
                self.core.emit(ServerEvent::Command(cmd.clone()));
                return Ok(());
            }
            Err(_) => {
                self.fail(cmd);
                return Ok(());
            }
        };
        if let Message::Out(_) = msg {
            self.core.emit(ServerEvent::ClientLeft);
            self.phase = ServerPhase::Finished;
            return Ok(());
        }
        match (self.phase, msg) {
            (ServerPhase::Version, Message::Ver(v)) => self.on_ver(&v)?,
            (ServerPhase::ClientVersion, Message::InfRequest(t)) if self.version < V::Msnp8 => {
                self.core.send(&Message::InfReply(InfReply {
                    trid: t.trid,
                    packages: vec![AuthPackage::Md5],
                }))?;
                self.phase = ServerPhase::Initial;
            }
            (ServerPhase::ClientVersion | ServerPhase::Initial, Message::CvrRequest(c))
                if self.version >= V::Msnp8 || self.phase == ServerPhase::Initial =>
            {
                self.on_cvr(c)?;
            }
            (ServerPhase::Initial, Message::Usr(Usr::Initial(u))) if u.package == self.package => {
                self.trid = u.trid;
                let handle = u.handle.into_owned();
                self.handle = Some(handle.clone());
                self.core.emit(ServerEvent::LoginRequested {
                    handle,
                    package: u.package,
                });
                if let Some(r) = self.config.referral.clone() {
                    self.refer(u.trid, &r)?;
                } else {
                    self.phase = ServerPhase::Challenge;
                }
            }
            (ServerPhase::Subsequent, Message::Usr(Usr::Credentials(c))) => {
                self.on_credentials(cmd, c);
            }
            (ServerPhase::LoggedIn, Message::QryRequest(q)) => self.check_qry(&q)?,
            (ServerPhase::LoggedIn, _) => self.core.emit(ServerEvent::Command(cmd.clone())),
            _ => self.fail(cmd),
        }
        Ok(())
    }
}

fn side(v: V, direction: Direction, leniency: Leniency) -> Dialect {
    Dialect::notification(v)
        .with_direction(direction)
        .with_leniency(leniency)
}
