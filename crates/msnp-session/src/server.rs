//! [`ServerLogin`]: the server side of the DS/NS login, for revival-server authors.
//!
//! The machine negotiates the version, answers `INF`/`CVR`, refers the client elsewhere (dispatch
//! mode) or runs the challenge: the caller provides the salt, TWN policy or SSO nonce (no RNG
//! here), then checks the credentials — [`ServerLogin::verify_md5`] and
//! [`ServerLogin::verify_sso`] do the cryptography with `msnp-auth` — and accepts or rejects.
//! After the login, `CHL` challenges sent with [`ServerLogin::send_challenge`] are verified
//! automatically when the client's `QRY` arrives.

use std::collections::VecDeque;

use msnp_auth::{LegacyPackage, MbiBlob};

use crate::SessionError;
use crate::inbound::{Inbound, arg_str, line_text};
use msnp_proto::error_code::ErrorCode;
use msnp_proto::raw::{OwnedCommand, RawCommand};
use msnp_proto::verb::{TrId, Verb};
use msnp_proto::version::{Dialect, Direction, Leniency, ProtocolVersion as V, TrIdRule};
use msnp_proto::wire::Limits;

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
        response: String,
    },
    /// `USR trid TWN S ticket`: the caller checks the Passport ticket.
    Ticket {
        /// The ticket as sent.
        ticket: String,
    },
    /// `USR trid SSO S ticket blob {guid}`: the caller checks the ticket and gives its binary
    /// secret to [`ServerLogin::verify_sso`].
    Sso {
        /// The ticket as sent.
        ticket: String,
        /// The base64 MBI blob.
        blob: String,
        /// The machine GUID (MSNP16+).
        machine_guid: Option<String>,
    },
}

/// What happened on the server side; drained with [`ServerLogin::poll_event`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ServerEvent {
    /// The version was chosen (`VER` answered).
    Negotiated(V),
    /// The client described itself (`CVR`); the arguments as sent.
    ClientVersion(Vec<String>),
    /// `USR … I handle`: send the challenge ([`ServerLogin::challenge_md5`],
    /// [`challenge_twn`](ServerLogin::challenge_twn), [`challenge_sso`](ServerLogin::challenge_sso)).
    LoginRequested {
        /// The account.
        handle: String,
        /// `MD5`, `TWN` or `SSO`.
        package: String,
    },
    /// Dispatch mode: the client was referred and the connection is done.
    Referred,
    /// The client's proof: verify, then [`ServerLogin::accept`] or [`ServerLogin::reject`].
    Credentials(ClientCredentials),
    /// The login was accepted (`USR OK` sent).
    LoggedIn {
        /// The account.
        handle: String,
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
    handle: String,
    package: String,
    /// The MD5 salt or SSO nonce sent.
    challenge: String,
    credentials: Option<ClientCredentials>,
    /// Challenges sent with `CHL` and not answered yet (bounded).
    chl: VecDeque<String>,
    inbound: Inbound,
    transmit: VecDeque<OwnedCommand>,
    events: VecDeque<ServerEvent>,
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
            if msnp_proto::Token::new(v).is_err() {
                return Err(SessionError::Config {
                    field,
                    reason: "must be one non-empty token without spaces",
                });
            }
        }
        let d = side(newest, Direction::ClientToServer, config.leniency);
        Ok(Self {
            inbound: Inbound::new(d, config.limits),
            config,
            version: newest,
            phase: ServerPhase::Version,
            trid: TrId(0),
            handle: String::new(),
            package: String::new(),
            challenge: String::new(),
            credentials: None,
            chl: VecDeque::new(),
            transmit: VecDeque::new(),
            events: VecDeque::new(),
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

    /// Bytes received and not yet consumed (at most one incomplete command).
    pub fn buffered(&self) -> usize {
        self.inbound.buffered()
    }

    /// The account named in `USR … I` (empty before).
    pub fn handle(&self) -> &str {
        &self.handle
    }

    /// The next command to send to the client.
    pub fn poll_transmit(&mut self) -> Option<OwnedCommand> {
        self.transmit.pop_front()
    }

    /// The next event.
    pub fn poll_event(&mut self) -> Option<ServerEvent> {
        self.events.pop_front()
    }

    /// Feeds bytes received from the client.
    ///
    /// # Errors
    /// [`SessionError::Finished`] after the end; [`SessionError::Decode`] for bad framing (the
    /// machine is then finished).
    pub fn handle_input(&mut self, bytes: &[u8]) -> Result<(), SessionError> {
        if self.phase == ServerPhase::Finished {
            return Err(SessionError::Finished);
        }
        self.inbound.push(bytes);
        while self.phase != ServerPhase::Finished {
            match self.inbound.next_command() {
                Ok(Some(cmd)) => {
                    if let Err(e) = self.process(cmd) {
                        // Only a reply that cannot be encoded (a configuration problem) gets
                        // here: stop rather than continue half-way through a step.
                        self.phase = ServerPhase::Finished;
                        self.inbound.clear();
                        return Err(e);
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    self.phase = ServerPhase::Finished;
                    self.inbound.clear();
                    return Err(SessionError::Decode(e));
                }
            }
        }
        if self.phase == ServerPhase::Finished {
            self.inbound.clear();
        }
        Ok(())
    }

    /// Feeds one decoded client command.
    ///
    /// # Errors
    /// [`SessionError::Finished`] after the end.
    pub fn handle_command(&mut self, cmd: &RawCommand<'_>) -> Result<(), SessionError> {
        if self.phase == ServerPhase::Finished {
            return Err(SessionError::Finished);
        }
        self.process(cmd.to_owned_command())
    }

    /// Sends `USR trid MD5 S salt` (MSNP2–7).
    ///
    /// # Errors
    /// [`SessionError::WrongState`] unless an MD5 login waits for its challenge;
    /// [`SessionError::Encode`] for a salt that is not a token.
    pub fn challenge_md5(&mut self, salt: &str) -> Result<(), SessionError> {
        self.challenge_for("MD5", "challenge_md5", &[salt])?;
        self.challenge = salt.to_owned();
        Ok(())
    }

    /// Sends `USR trid TWN S policy` (MSNP8–14), e.g. `lc=1033,id=507,tw=40,…`.
    ///
    /// # Errors
    /// As [`challenge_md5`](Self::challenge_md5), for a TWN login.
    pub fn challenge_twn(&mut self, policy: &str) -> Result<(), SessionError> {
        self.challenge_for("TWN", "challenge_twn", &[policy])
    }

    /// Sends `USR trid SSO S policy nonce` (MSNP15+).
    ///
    /// # Errors
    /// As [`challenge_md5`](Self::challenge_md5), for an SSO login.
    pub fn challenge_sso(&mut self, policy: &str, nonce: &str) -> Result<(), SessionError> {
        self.challenge_for("SSO", "challenge_sso", &[policy, nonce])?;
        self.challenge = nonce.to_owned();
        Ok(())
    }

    fn challenge_for(
        &mut self,
        package: &str,
        call: &'static str,
        args: &[&str],
    ) -> Result<(), SessionError> {
        if self.phase != ServerPhase::Challenge || self.package != package {
            return Err(self.wrong_state(call));
        }
        let mut all = vec![package, "S"];
        all.extend_from_slice(args);
        self.push(Verb::USR, Some(self.trid), &all, None)?;
        self.phase = ServerPhase::Subsequent;
        Ok(())
    }

    /// Pushes policies: `GCF 0 len` + `xml` (MSNP13+, before or after the challenge).
    ///
    /// # Errors
    /// [`SessionError::Encode`] when the dialect has no such `GCF` or the XML is too large.
    pub fn push_policies(&mut self, xml: &[u8]) -> Result<(), SessionError> {
        self.push(Verb::GCF, Some(TrId::ASYNC), &[], Some(xml))
    }

    /// Whether the client's MD5 response is `md5hex(salt ‖ password)`. False when no MD5
    /// response is pending.
    pub fn verify_md5(&self, password: &str) -> bool {
        match &self.credentials {
            Some(ClientCredentials::Md5 { response }) => LegacyPackage::Md5
                .response(&self.challenge, password)
                .is_ok_and(|r| r.eq_ignore_ascii_case(response)),
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
            Some(ClientCredentials::Sso { blob, .. }) => MbiBlob::from_base64(blob)
                .and_then(|b| b.verify(binary_secret, &self.challenge))
                .map_err(SessionError::Auth),
            _ => Err(self.wrong_state("verify_sso")),
        }
    }

    /// Accepts the login: `USR trid OK handle …` in the version's shape (2–7
    /// `handle nick`; 8–9 `handle nick verified restricted`; 10+ `handle verified restricted`).
    /// `friendly_name` is URL-encoded text; missing flags are sent as `1`/`0`.
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
        let handle = self.handle.clone();
        let nick = friendly_name.unwrap_or(&handle).to_owned();
        let flag = |b: Option<bool>, d: bool| if b.unwrap_or(d) { "1" } else { "0" };
        let mut args = vec!["OK", handle.as_str()];
        if self.version < V::Msnp10 {
            args.push(&nick);
        }
        if self.version >= V::Msnp8 {
            args.push(flag(verified, true));
            args.push(flag(restricted, false));
        }
        self.push(Verb::USR, Some(self.trid), &args, None)?;
        self.phase = ServerPhase::LoggedIn;
        self.credentials = None;
        self.events.push_back(ServerEvent::LoggedIn { handle });
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
        let verb = Verb::error(code.0).ok_or(SessionError::Config {
            field: "code",
            reason: "must be a three-digit error code",
        })?;
        self.push(verb, Some(self.trid), &[], None)?;
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
        self.push(Verb::CHL, Some(TrId::ASYNC), &[challenge], None)?;
        if self.chl.len() >= MAX_OPEN_CHALLENGES {
            self.chl.pop_front();
        }
        self.chl.push_back(challenge.to_owned());
        Ok(())
    }

    /// Sends any server command (after the login: profile `MSG`, `SBS`, replies …).
    ///
    /// # Errors
    /// [`SessionError::WrongState`] before the login; [`SessionError::Encode`] when the command
    /// is not valid in the dialect.
    pub fn send(
        &mut self,
        verb: Verb,
        trid: Option<TrId>,
        args: &[&str],
        payload: Option<&[u8]>,
    ) -> Result<(), SessionError> {
        if self.phase != ServerPhase::LoggedIn {
            return Err(self.wrong_state("send"));
        }
        self.push(verb, trid, args, payload)
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

    fn push(
        &mut self,
        verb: Verb,
        trid: Option<TrId>,
        args: &[&str],
        payload: Option<&[u8]>,
    ) -> Result<(), SessionError> {
        let d = side(
            self.version,
            Direction::ServerToClient,
            self.config.leniency,
        );
        let trid = match d.trid_rule(verb) {
            TrIdRule::Absent => None,
            _ => trid,
        };
        let cmd = OwnedCommand::build(&d, verb, trid, args, payload)?;
        self.transmit.push_back(cmd);
        Ok(())
    }

    fn fail(&mut self, cmd: &OwnedCommand) {
        let expecting = match self.phase {
            ServerPhase::Version => "waiting for VER",
            ServerPhase::ClientVersion => "waiting for INF/CVR",
            ServerPhase::Initial => "waiting for USR I",
            ServerPhase::Subsequent => "waiting for USR S",
            _ => "waiting for the caller",
        };
        self.events
            .push_back(ServerEvent::Failed(crate::LoginError::Unexpected {
                verb: cmd.as_raw().verb(),
                expecting,
                line: line_text(cmd),
            }));
        self.phase = ServerPhase::Finished;
    }

    fn process(&mut self, cmd: OwnedCommand) -> Result<(), SessionError> {
        let raw = cmd.as_raw();
        let verb = raw.verb();
        let trid = raw.trid().unwrap_or(TrId::ASYNC);
        if verb == Verb::OUT {
            self.events.push_back(ServerEvent::ClientLeft);
            self.phase = ServerPhase::Finished;
            return Ok(());
        }
        match (self.phase, verb) {
            (ServerPhase::Version, Verb::VER) => {
                let offered: Vec<V> = raw.args().filter_map(V::parse).collect();
                let chosen = offered
                    .iter()
                    .filter(|v| self.config.versions.contains(v) && **v != V::Cvr0)
                    .max()
                    .copied();
                let Some(v) = chosen else {
                    self.push(Verb::VER, Some(trid), &["0"], None)?;
                    self.phase = ServerPhase::Finished;
                    return Ok(());
                };
                self.version = v;
                self.inbound
                    .set_dialect(side(v, Direction::ClientToServer, self.config.leniency));
                self.push(Verb::VER, Some(trid), &[v.name()], None)?;
                self.events.push_back(ServerEvent::Negotiated(v));
                self.phase = ServerPhase::ClientVersion;
            }
            (ServerPhase::ClientVersion, Verb::INF) if self.version < V::Msnp8 => {
                self.push(Verb::INF, Some(trid), &["MD5"], None)?;
                self.phase = ServerPhase::Initial;
            }
            (ServerPhase::ClientVersion | ServerPhase::Initial, Verb::CVR)
                if self.version >= V::Msnp8 || self.phase == ServerPhase::Initial =>
            {
                let args: Vec<String> = raw
                    .args()
                    .map(|a| String::from_utf8_lossy(a).into_owned())
                    .collect();
                let c = self.config.cvr.clone();
                self.push(
                    Verb::CVR,
                    Some(trid),
                    &[
                        &c.recommended,
                        &c.recommended2,
                        &c.minimum,
                        &c.download_url,
                        &c.info_url,
                    ],
                    None,
                )?;
                self.events.push_back(ServerEvent::ClientVersion(args));
                self.phase = ServerPhase::Initial;
            }
            (ServerPhase::Initial, Verb::USR) => {
                let want = if self.version >= V::Msnp15 {
                    "SSO"
                } else if self.version >= V::Msnp8 {
                    "TWN"
                } else {
                    "MD5"
                };
                match (arg_str(&cmd, 0), arg_str(&cmd, 1), arg_str(&cmd, 2)) {
                    (Some(p), Some("I"), Some(handle)) if p == want => {
                        self.trid = trid;
                        self.handle = handle.to_owned();
                        self.package = p.to_owned();
                        self.events.push_back(ServerEvent::LoginRequested {
                            handle: handle.to_owned(),
                            package: p.to_owned(),
                        });
                        if let Some(r) = self.config.referral.clone() {
                            self.refer(trid, &r)?;
                        } else {
                            self.phase = ServerPhase::Challenge;
                        }
                    }
                    _ => self.fail(&cmd),
                }
            }
            (ServerPhase::Subsequent, Verb::USR) => {
                // `USR … S` comes with a new TrID, which `USR OK` echoes.
                self.trid = trid;
                let pkg = arg_str(&cmd, 0).unwrap_or_default();
                if pkg != self.package || arg_str(&cmd, 1) != Some("S") {
                    self.fail(&cmd);
                    return Ok(());
                }
                let a = |i| arg_str(&cmd, i).map(str::to_owned);
                let creds = match (pkg, a(2), a(3)) {
                    ("MD5", Some(response), None) => ClientCredentials::Md5 { response },
                    ("TWN", Some(ticket), None) => ClientCredentials::Ticket { ticket },
                    ("SSO", Some(ticket), Some(blob)) => ClientCredentials::Sso {
                        ticket,
                        blob,
                        machine_guid: a(4),
                    },
                    _ => {
                        self.fail(&cmd);
                        return Ok(());
                    }
                };
                self.credentials = Some(creds.clone());
                self.phase = ServerPhase::Verify;
                self.events.push_back(ServerEvent::Credentials(creds));
            }
            (ServerPhase::LoggedIn, Verb::QRY) => self.check_qry(&cmd, trid)?,
            (ServerPhase::LoggedIn, _) => self.events.push_back(ServerEvent::Command(cmd)),
            _ => self.fail(&cmd),
        }
        Ok(())
    }

    fn refer(&mut self, trid: TrId, r: &Referral) -> Result<(), SessionError> {
        let v = self.version;
        let mut args = vec!["NS", r.address.as_str()];
        if v >= V::Msnp13 {
            args.extend(["U", "D"]);
        } else if v >= V::Msnp7 {
            args.extend(["0", r.current.as_str()]);
        } else if v >= V::Msnp3 {
            args.push("0");
        }
        self.push(Verb::XFR, Some(trid), &args, None)?;
        self.events.push_back(ServerEvent::Referred);
        self.phase = ServerPhase::Finished;
        Ok(())
    }

    fn check_qry(&mut self, cmd: &OwnedCommand, trid: TrId) -> Result<(), SessionError> {
        let n = self.version.number();
        let answer = cmd
            .as_raw()
            .payload()
            .and_then(|p| core::str::from_utf8(p).ok())
            .unwrap_or_default();
        let product = arg_str(cmd, 0)
            .and_then(msnp_auth::product_by_id)
            .filter(|p| p.accepts(n));
        let hit = product.and_then(|p| {
            self.chl.iter().position(|c| {
                msnp_auth::qry_answer(c, p.pair, p.algorithm)
                    .is_ok_and(|r| r.to_hex().eq_ignore_ascii_case(answer))
            })
        });
        match hit {
            Some(i) => {
                self.chl.remove(i);
                self.push(Verb::QRY, Some(trid), &[], None)?;
                self.events.push_back(ServerEvent::ChallengePassed(trid));
            }
            None => {
                if let Some(verb) = Verb::error(540) {
                    self.push(verb, Some(trid), &[], None)?;
                }
                self.events.push_back(ServerEvent::ChallengeFailed(trid));
            }
        }
        Ok(())
    }
}

fn side(v: V, direction: Direction, leniency: Leniency) -> Dialect {
    Dialect::notification(v)
        .with_direction(direction)
        .with_leniency(leniency)
}
