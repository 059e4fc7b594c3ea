//! `msnp replay`: feed a transcript's server lines to the client machines (login, notification
//! session, switchboard sessions) and write what the client sends, as a transcript, with the
//! machines' events as `# ` comments. The transcript's own client lines that the machines do not
//! write by themselves (user actions: `SYN`, `CHG`, `ADD`, `XFR SB`, `CAL`, `MSG`, `OUT`, …) are
//! made as the user's requests through the session API, so they carry the machines' TrIDs.
//!
//! Time is simulated: it starts at one `Instant` and jumps to the session's next timer only when
//! the transcript shows a `PNG`, so a replay never depends on how fast it runs.

use std::collections::{HashMap, VecDeque};
use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use base64::Engine;
use msnp_auth::MbiBlob;
use msnp_proto::message::{AuthStage, Property, Prp, Usr, UsrCredentials, VersionName};
use msnp_proto::negotiation::DialectTracker;
use msnp_proto::payload::data::DataDocument;
use msnp_proto::payload::ml::Ml;
use msnp_proto::payload::xml::XmlLimits;
use msnp_proto::stream::{TranscriptItem, TranscriptStream};
use msnp_proto::transcript::write_command;
use msnp_proto::{
    Dialect, Direction, Limits, ListBits, Message, NetworkId, OwnedCommand, ProtocolVersion, TrId,
    Verb,
};
use msnp_session::{
    ClientInfo, ClientLogin, Credentials, ListVersion, LoginConfig, LoginEvent, LoginPhase,
    NotificationSession, ProductPair, Roster, SessionConfig, SessionEvent, SwitchboardEvent,
    SwitchboardSession, TicketRequest,
};

use crate::fail;

/// Arguments of `msnp replay`.
#[derive(Debug, clap::Args)]
pub struct ReplayArgs {
    /// Transcript file; standard input when absent or `-`.
    pub(crate) file: Option<PathBuf>,
    /// The side whose machines run (only the client has machines to replay).
    #[arg(long, value_enum, default_value = "client")]
    pub(crate) role: Role,
    /// The password, for MD5 logins (MSNP2–7).
    #[arg(long)]
    pub(crate) password: Option<String>,
    /// The Passport ticket (TWN/RST/SSO); default: the one in the transcript's `USR … S` line.
    #[arg(long)]
    pub(crate) ticket: Option<String>,
    /// The SSO token's binary secret, base64 (MSNP15+). Without it the MBI blob cannot be
    /// computed as the transcript's client did: it is then checked only for its shape and IV.
    #[arg(long)]
    pub(crate) sso_secret: Option<String>,
    /// The MBI blob's IV, 16 hex digits; default: the IV of the transcript's own blob.
    #[arg(long)]
    pub(crate) sso_iv: Option<String>,
    /// The machine GUID (MSNP16+), braced; default: the one in the transcript's `USR SSO S`.
    #[arg(long)]
    pub(crate) machine_guid: Option<String>,
}

/// `--role`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Role {
    /// Replay the client's side.
    Client,
}

/// One command line of the transcript.
struct Line {
    conn: u32,
    label: String,
    sb: bool,
    dir: Direction,
    dialect: Dialect,
    number: u64,
    cmd: OwnedCommand,
}

impl Line {
    fn verb(&self) -> Verb {
        self.cmd.as_raw().verb()
    }
    /// The line as a typed message; `None` when the typed layer rejects it.
    fn typed(&self) -> Option<Message<'_>> {
        Message::decode(&self.cmd.as_raw(), &self.dialect).ok()
    }
    /// A client's `USR … S`: its ticket, MBI blob and machine GUID.
    fn usr_s(&self) -> Option<UsrCredentials<'_>> {
        if self.dir != Direction::ClientToServer || self.verb() != Verb::USR {
            return None;
        }
        usr_s_credentials(self.typed()?)
    }
}

/// The credentials of a client's `USR … S`.
fn usr_s_credentials(msg: Message<'_>) -> Option<UsrCredentials<'_>> {
    match msg {
        Message::Usr(Usr::Credentials(c)) if c.stage == AuthStage::Subsequent => Some(c),
        _ => None,
    }
}

/// Why a replay stopped.
enum Stop {
    /// The produced line differs from the transcript's (or one of them is missing).
    Differs {
        number: u64,
        expected: String,
        produced: String,
    },
    /// The input or the options are unusable.
    Usage(String),
}

fn show(b: &[u8]) -> String {
    String::from_utf8_lossy(b)
        .trim_end_matches("\r\n")
        .replace("\r\n", "\\r\\n")
}

/// Runs `msnp replay`.
pub fn run(args: ReplayArgs) -> ExitCode {
    let text = match read_input(args.file.as_ref()) {
        Ok(t) => t,
        Err(e) => return fail(&e),
    };
    let mut out = String::new();
    let result = Replay::new(&args, &text).and_then(|mut r| r.run(&mut out));
    let mut stdout = io::stdout().lock();
    if let Err(e) = stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush())
        && e.kind() != io::ErrorKind::BrokenPipe
    {
        return fail(&e);
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Stop::Differs {
            number,
            expected,
            produced,
        }) => {
            eprintln!("msnp replay: line {number}: the client would send another line");
            eprintln!("  expected: {expected}");
            eprintln!("  produced: {produced}");
            ExitCode::from(1)
        }
        Err(Stop::Usage(m)) => {
            eprintln!("msnp replay: {m}");
            ExitCode::from(2)
        }
    }
}

fn read_input(file: Option<&PathBuf>) -> io::Result<String> {
    match file.filter(|p| p.as_os_str() != "-") {
        Some(p) => std::fs::read_to_string(p),
        None => {
            let mut s = String::new();
            io::stdin().lock().read_to_string(&mut s)?;
            Ok(s)
        }
    }
}

fn read_lines(text: &str) -> Result<Vec<Line>, Stop> {
    let mut lines = Vec::new();
    let (mut conn, mut label, mut sb) = (0, String::new(), false);
    for item in TranscriptStream::new(text, DialectTracker::new(ProtocolVersion::Msnp8)) {
        match item {
            TranscriptItem::Connection { id, label: l, .. } => {
                conn = id;
                sb = l.contains("Switchboard");
                label = l;
            }
            TranscriptItem::Command(c) => {
                let Some(dir) = c.direction else {
                    return Err(Stop::Usage(format!(
                        "line {}: a command without C: or S:",
                        c.position.line
                    )));
                };
                lines.push(Line {
                    conn,
                    label: label.clone(),
                    sb,
                    dir,
                    dialect: c.dialect,
                    number: c.position.line,
                    cmd: c.command,
                });
            }
            TranscriptItem::Error { error, .. } => return Err(Stop::Usage(error.to_string())),
        }
    }
    Ok(lines)
}

/// The client's configuration, as far as the transcript shows it: offered versions, `CVR`
/// values, `QRY` product, machine GUID.
fn login_config(args: &ReplayArgs, lines: &[Line]) -> Result<LoginConfig, Stop> {
    let ns = || lines.iter().filter(|l| !l.sb);
    let client_lines = || ns().filter(|l| l.dir == Direction::ClientToServer);
    // Each fact from the first client line of its verb that the typed layer reads.
    let typed = |verb: Verb| {
        client_lines()
            .filter(move |l| l.verb() == verb)
            .filter_map(Line::typed)
    };
    let versions: Vec<ProtocolVersion> = typed(Verb::VER)
        .find_map(|m| match m {
            Message::Ver(v) => Some(v.versions),
            _ => None,
        })
        .ok_or_else(|| Stop::Usage("the transcript has no client VER line".into()))?
        .iter()
        .filter_map(VersionName::version)
        .filter(|v| *v != ProtocolVersion::Cvr0)
        .collect();
    let client = typed(Verb::CVR)
        .find_map(|m| match m {
            Message::CvrRequest(c) => Some(ClientInfo {
                locale: c.locale.as_str().into(),
                os_type: c.os_type.as_str().into(),
                os_version: c.os_version.as_str().into(),
                arch: c.arch.as_str().into(),
                library: c.library.as_str().into(),
                client_version: c.client_version.as_str().into(),
                client_id: c.client_id.map(|t| t.as_str().into()).unwrap_or_default(),
            }),
            _ => None,
        })
        .unwrap_or_else(ClientInfo::wlm_8_1);
    let handle = typed(Verb::USR)
        .find_map(|m| match m {
            Message::Usr(Usr::Initial(u)) => Some(u.handle.as_str().to_owned()),
            _ => None,
        })
        .ok_or_else(|| Stop::Usage("the transcript has no USR … I line".into()))?;
    let credentials = match &args.password {
        Some(p) => Credentials::Password(p.clone()),
        None => Credentials::Ticket,
    };
    let mut config = LoginConfig::new(handle, versions, client, credentials);
    let guid = args.machine_guid.clone().or_else(|| {
        typed(Verb::USR)
            .filter_map(usr_s_credentials)
            .find_map(|c| c.machine_guid)
            .map(|g| g.as_str().to_owned())
            .filter(|g| g.starts_with('{'))
    });
    if let Some(g) = guid {
        config = config.with_machine_guid(g);
    }
    if let Some(id) = typed(Verb::QRY).find_map(|m| match m {
        Message::QryRequest(q) => Some(q.product_id),
        _ => None,
    }) && let Some(p) = ProductPair::known(id.as_str())
    {
        config = config.with_product(p);
    }
    Ok(config)
}

struct Replay<'a> {
    args: &'a ReplayArgs,
    lines: Vec<Line>,
    login: Option<ClientLogin>,
    signed_in: bool,
    handle: String,
    ns: Option<NotificationSession>,
    /// Switchboard sessions handed out and not yet connected: address and session.
    offered: VecDeque<(String, Box<SwitchboardSession>)>,
    /// Connected switchboards by transcript connection number.
    sbs: HashMap<u32, SwitchboardSession>,
    now: Instant,
    sso_secret: Option<Vec<u8>>,
    sso_iv: Option<[u8; 8]>,
    /// The MBI blob is compared by shape only (no secret given).
    blob_by_shape: bool,
}

impl<'a> Replay<'a> {
    fn new(args: &'a ReplayArgs, text: &str) -> Result<Self, Stop> {
        let lines = read_lines(text)?;
        let config = login_config(args, &lines)?;
        let handle = config.handle.clone();
        let login = ClientLogin::new(config).map_err(|e| Stop::Usage(e.to_string()))?;
        let sso_secret = args
            .sso_secret
            .as_ref()
            .map(|s| {
                base64::engine::general_purpose::STANDARD
                    .decode(s)
                    .map_err(|e| Stop::Usage(format!("--sso-secret: {e}")))
            })
            .transpose()?;
        let sso_iv = args.sso_iv.as_deref().map(parse_iv).transpose()?;
        Ok(Self {
            args,
            lines,
            login: Some(login),
            signed_in: false,
            handle,
            ns: None,
            offered: VecDeque::new(),
            sbs: HashMap::new(),
            // Simulated time: only this origin is read; it then advances with the timers.
            now: Instant::now(),
            blob_by_shape: sso_secret.is_none(),
            sso_secret,
            sso_iv,
        })
    }

    fn run(&mut self, out: &mut String) -> Result<(), Stop> {
        let mut conn = None;
        for i in 0..self.lines.len() {
            let line = &self.lines[i];
            let (c, sb, dir, label) = (line.conn, line.sb, line.dir, line.label.clone());
            if conn != Some(c) {
                // `connection 2 (NS), continued` has no colon before its label.
                let sep = if label.starts_with('(') { " " } else { ": " };
                out.push_str(&format!("# --- connection {c}{sep}{label} ---\n"));
                if !sb
                    && let Some(login) = &mut self.login
                    && login.phase() == LoginPhase::Reconnect
                {
                    login.connected().map_err(|e| Stop::Usage(e.to_string()))?;
                }
                if sb && !self.sbs.contains_key(&c) {
                    self.connect_switchboard(c, &label, out);
                }
                conn = Some(c);
            }
            match (sb, dir) {
                (true, Direction::ServerToClient) => self.sb_input(i, out),
                (true, Direction::ClientToServer) => self.sb_output(i, out)?,
                (false, Direction::ServerToClient) => self.ns_input(i, out),
                (false, Direction::ClientToServer) => self.ns_output(i, out)?,
            }
        }
        // Anything the machines still want to send is a line the transcript lacks.
        let extra = self
            .login
            .as_mut()
            .and_then(ClientLogin::poll_transmit)
            .or_else(|| {
                self.ns
                    .as_mut()
                    .and_then(NotificationSession::poll_transmit)
            })
            .or_else(|| self.sbs.values_mut().find_map(|s| s.poll_transmit()));
        if let Some(cmd) = extra {
            return Err(Stop::Differs {
                number: self.lines.last().map_or(0, |l| l.number + 1),
                expected: "(end of transcript)".into(),
                produced: show(cmd.frame()),
            });
        }
        Ok(())
    }

    fn connect_switchboard(&mut self, conn: u32, label: &str, out: &mut String) {
        let at = self
            .offered
            .iter()
            .position(|(addr, _)| label.contains(addr.as_str()))
            .unwrap_or(0);
        if let Some((addr, s)) = self.offered.remove(at) {
            out.push_str(&format!("# switchboard {addr} connected\n"));
            self.sbs.insert(conn, *s);
        }
    }

    /// A server line of the notification connection.
    fn ns_input(&mut self, i: usize, out: &mut String) {
        let line = &self.lines[i];
        if let Some(ns) = &mut self.ns {
            if let Err(e) = ns.handle_input(line.cmd.frame()) {
                out.push_str(&format!("# error: {e}\n"));
            }
            drain_session(ns, &mut self.offered, out);
            return;
        }
        let Some(login) = &mut self.login else {
            return;
        };
        if let Err(e) = login.handle_input(line.cmd.frame()) {
            out.push_str(&format!("# error: {e}\n"));
        }
        // After the sign-in the login's events are left to be carried into the session.
        while !self.signed_in {
            let Some(ev) = self.login.as_mut().and_then(ClientLogin::poll_event) else {
                break;
            };
            out.push_str(&format!("# {}\n", describe_login(&ev)));
            match ev {
                LoginEvent::LoggedIn { .. } => self.signed_in = true,
                LoginEvent::TicketNeeded(req) => {
                    if let Err(m) = self.provide_ticket(i, &req) {
                        out.push_str(&format!("# error: {m}\n"));
                    }
                }
                _ => {}
            }
        }
    }

    /// Answers the login's ticket request: `--ticket` or the transcript's, and for SSO the
    /// MBI blob from `--sso-secret` and the IV.
    fn provide_ticket(&mut self, i: usize, req: &TicketRequest) -> Result<(), String> {
        let usr_s = self.lines[i + 1..]
            .iter()
            .find(|l| !l.sb && l.dir == Direction::ClientToServer)
            .and_then(Line::usr_s);
        let ticket = self
            .args
            .ticket
            .clone()
            .or_else(|| usr_s.as_ref().map(|c| c.credential.as_str().to_owned()))
            .ok_or("no ticket: pass --ticket (the transcript shows none)")?;
        let Some(login) = &mut self.login else {
            return Ok(());
        };
        match req {
            TicketRequest::Sso { .. } => {
                let theirs = usr_s
                    .as_ref()
                    .and_then(|c| c.response.as_ref())
                    .and_then(|b| MbiBlob::from_base64(b.as_str()).ok());
                let iv = self
                    .sso_iv
                    .or_else(|| theirs.map(|b| b.iv))
                    .ok_or("no IV: pass --sso-iv")?;
                // Without the secret any non-empty one computes a blob of the right shape.
                let secret = self.sso_secret.as_deref().unwrap_or(b"unknown secret");
                login.provide_sso(&ticket, secret, iv)
            }
            _ => login.provide_ticket(&ticket),
        }
        .map_err(|e| e.to_string())
    }

    /// A client line of the notification connection: what the machines produce instead.
    fn ns_output(&mut self, i: usize, out: &mut String) -> Result<(), Stop> {
        let mut produced = self.login.as_mut().and_then(ClientLogin::poll_transmit);
        if produced.is_none()
            && self.ns.is_none()
            && let Some(login) = self.login.take_if(|l| l.phase() == LoginPhase::LoggedIn)
        {
            out.push_str("# the notification session takes over the connection\n");
            let ns = login
                .into_session(SessionConfig::default(), self.now)
                .map_err(|e| Stop::Usage(e.to_string()))?;
            self.ns = Some(ns);
            if let Some(ns) = &mut self.ns {
                drain_session(ns, &mut self.offered, out);
            }
        }
        if produced.is_none()
            && let Some(ns) = &mut self.ns
        {
            produced = ns.poll_transmit();
            if produced.is_none() {
                let line = &self.lines[i];
                if let Err(m) = user_action(ns, line, &self.handle, &mut self.now) {
                    out.push_str(&format!("# not reproducible: {m}\n"));
                }
                produced = ns.poll_transmit();
            }
            drain_session(ns, &mut self.offered, out);
        }
        self.compare(i, produced, out)
    }

    fn sb_input(&mut self, i: usize, out: &mut String) {
        let line = &self.lines[i];
        if let Some(sb) = self.sbs.get_mut(&line.conn) {
            if let Err(e) = sb.handle_input(line.cmd.frame()) {
                out.push_str(&format!("# error: {e}\n"));
            }
            drain_switchboard(sb, out);
        }
    }

    fn sb_output(&mut self, i: usize, out: &mut String) -> Result<(), Stop> {
        let line = &self.lines[i];
        let mut produced = None;
        if let Some(sb) = self.sbs.get_mut(&line.conn) {
            produced = sb.poll_transmit();
            if produced.is_none() {
                if let Err(m) = switchboard_action(sb, line) {
                    out.push_str(&format!("# not reproducible: {m}\n"));
                }
                produced = sb.poll_transmit();
            }
            drain_switchboard(sb, out);
        }
        self.compare(i, produced, out)
    }

    fn compare(
        &mut self,
        i: usize,
        produced: Option<OwnedCommand>,
        out: &mut String,
    ) -> Result<(), Stop> {
        let line = &self.lines[i];
        let differs = |produced: String| Stop::Differs {
            number: line.number,
            expected: show(line.cmd.frame()),
            produced,
        };
        let Some(cmd) = produced else {
            return Err(differs("(nothing)".into()));
        };
        if let Err(e) = write_command(out, Some(Direction::ClientToServer), &cmd.as_raw()) {
            out.push_str(&format!("# unwritable line: {e}\n"));
        }
        if cmd.frame() == line.cmd.frame() {
            return Ok(());
        }
        if self.blob_by_shape
            && let Some(theirs) = line.usr_s()
            && Message::decode(&cmd.as_raw(), &line.dialect)
                .ok()
                .and_then(usr_s_credentials)
                .is_some_and(|ours| same_but_blob(&ours, &theirs))
        {
            out.push_str(
                "# the MBI blob differs only in what the token's secret decides \
                 (same IV and shape; pass --sso-secret to compare it)\n",
            );
            return Ok(());
        }
        Err(differs(show(cmd.frame())))
    }
}

/// `USR … SSO S ticket blob [guid]` lines equal but for the blob's hash and cipher (the
/// secret's part), with the same IV and cipher length.
fn same_but_blob(ours: &UsrCredentials<'_>, theirs: &UsrCredentials<'_>) -> bool {
    let blob = |c: &UsrCredentials<'_>| {
        c.response
            .as_ref()
            .and_then(|b| MbiBlob::from_base64(b.as_str()).ok())
    };
    let (Some(x), Some(y)) = (blob(ours), blob(theirs)) else {
        return false;
    };
    x.iv == y.iv
        && x.cipher.len() == y.cipher.len()
        && UsrCredentials {
            response: None,
            ..ours.clone()
        } == UsrCredentials {
            response: None,
            ..theirs.clone()
        }
}

fn parse_iv(s: &str) -> Result<[u8; 8], Stop> {
    let bad = || Stop::Usage(format!("--sso-iv {s:?}: expected 16 hex digits"));
    if s.len() != 16 || !s.is_ascii() {
        return Err(bad());
    }
    let mut iv = [0u8; 8];
    for (k, b) in iv.iter_mut().enumerate() {
        *b = u8::from_str_radix(&s[2 * k..2 * k + 2], 16).map_err(|_| bad())?;
    }
    Ok(iv)
}

/// The transcript's client line `line` with the session's next TrID in place of its own, for
/// commands the session does not model.
fn with_trid(line: &Line, trid: TrId) -> Option<OwnedCommand> {
    let bytes = line.cmd.as_raw().with_trid(trid)?;
    OwnedCommand::from_frame(bytes.into(), &line.dialect, &Limits::default()).ok()
}

/// The user's request that makes the session write the client line `line`.
fn user_action(
    ns: &mut NotificationSession,
    line: &Line,
    own: &str,
    now: &mut Instant,
) -> Result<(), String> {
    let raw = line.cmd.as_raw();
    let msg = Message::decode(&raw, &line.dialect).map_err(|e| e.to_string())?;
    let xml = XmlLimits::default();
    // MSNP13+ list changes of one contact are the session's ADL/RML requests.
    let change = match &msg {
        Message::Adl(p) | Message::Rml(p) => one_contact(&p.payload),
        _ => None,
    };
    if let Some((account, lists, network)) = change {
        let r = match msg {
            Message::Adl(_) => ns.add_to_lists(&account, lists, network),
            _ => ns.remove_from_lists(&account, lists, network),
        };
        return r.map(drop).map_err(|e| e.to_string());
    }
    let r = match msg {
        Message::Png(_) => {
            // Simulated time runs on to the ping the session has scheduled.
            let t = ns.poll_timeout().ok_or("no ping is scheduled")?;
            *now = t.max(*now);
            ns.handle_timeout(*now);
            Ok(())
        }
        Message::Syn(y) => {
            let cache = (y.list_version.as_str() != "0").then(|| {
                Roster::empty(ListVersion {
                    list: y.list_version.as_str().into(),
                    settings: y.settings_version.as_ref().map(|t| t.as_str().into()),
                })
            });
            ns.sync(cache).map(drop)
        }
        Message::Chg(c) => ns
            .set_status(c.status, c.capabilities, c.msn_object.as_ref())
            .map(drop),
        Message::Add(a) => {
            let g = a.group_id.as_ref().map(|g| g.as_str());
            ns.add_contact(a.list, a.handle.as_str(), Some(&a.friendly_name), g)
                .map(drop)
        }
        Message::Adc(a) => match (&a.handle, &a.contact_id) {
            (Some(h), _) => ns
                .add_contact(a.list, h.as_str(), a.friendly_name.as_ref(), None)
                .map(drop),
            (None, Some(guid)) => {
                let handle = ns
                    .roster()
                    .contact_by_guid(guid.as_str())
                    .ok_or("ADC names a GUID the roster does not know")?
                    .handle
                    .clone();
                let g = a.group_id.as_ref().map(|g| g.as_str());
                ns.add_contact(a.list, &handle, None, g).map(drop)
            }
            _ => return Err("ADC without handle or GUID".into()),
        },
        Message::Rem(r) => {
            let g = r.group_id.as_ref().map(|g| g.as_str());
            ns.remove_contact(r.list, r.contact.as_str(), g).map(drop)
        }
        Message::Rea(r) if r.handle.as_str().eq_ignore_ascii_case(own) => {
            ns.set_friendly_name(&r.friendly_name).map(drop)
        }
        Message::Rea(r) => ns
            .rename_contact(r.handle.as_str(), &r.friendly_name)
            .map(drop),
        Message::Prp(Prp {
            property: Property::FriendlyName,
            value: Some(v),
            ..
        }) => ns.set_friendly_name(&v).map(drop),
        Message::Sbp(s) if s.property == Property::FriendlyName => {
            ns.rename_contact(s.contact_id.as_str(), &s.value).map(drop)
        }
        Message::Adg(g) => ns.add_group(&g.name).map(drop),
        Message::Rmg(g) => ns.remove_group(g.group_id.as_str()).map(drop),
        Message::Uux(u) => {
            let d = DataDocument::parse(&u.payload, &xml).map_err(|e| e.to_string())?;
            ns.set_user_data(&d).map(drop)
        }
        Message::Adl(a) if a.payload.starts_with(b"<ml l=\"1\"") => {
            let ml = Ml::parse(&a.payload, &xml).map_err(|e| e.to_string())?;
            ns.send_contact_list(&ml).map(drop)
        }
        Message::Blp(b) => ns.set_privacy(b.mode).map(drop),
        Message::Gtc(g) => ns.set_add_prompt(g.mode).map(drop),
        Message::XfrRequest(_) => ns.request_switchboard(&[]).map(drop),
        Message::Out(_) => ns.logout(),
        other => {
            // Not modelled by the session (GCF, URL, SDC, PRP phones, …): the user's own
            // command, with the session's next TrID.
            let renumbered = match other.trid() {
                Some(_) => {
                    let t = ns.next_trid();
                    Some(with_trid(line, t).ok_or("the line does not take another TrID")?)
                }
                None => None,
            };
            match &renumbered {
                Some(cmd) => {
                    let m =
                        Message::decode(&cmd.as_raw(), &line.dialect).map_err(|e| e.to_string())?;
                    ns.send(&m)
                }
                None => ns.send(&other),
            }
        }
    };
    r.map_err(|e| e.to_string())
}

/// The contact of a one-contact `<ml>` change (MSNP13+ `ADL`/`RML` after the initial list).
fn one_contact(payload: &[u8]) -> Option<(String, ListBits, NetworkId)> {
    let ml = Ml::parse(payload, &XmlLimits::default()).ok()?;
    if ml.initial || ml.contact_count() != 1 {
        return None;
    }
    let (account, c) = ml.accounts().next()?;
    Some((account, c.lists?, c.network?))
}

/// The user's action that makes a switchboard write the client line `line`.
fn switchboard_action(sb: &mut SwitchboardSession, line: &Line) -> Result<(), String> {
    let raw = line.cmd.as_raw();
    let msg = Message::decode(&raw, &line.dialect).map_err(|e| e.to_string())?;
    let r = match msg {
        Message::Cal(c) => sb.call(c.handle.as_str()).map(drop),
        Message::MsgSend(m) => sb.send_message(m.ack_mode, &m.payload).map(drop),
        Message::Out(_) => sb.leave(),
        other => {
            return Err(format!(
                "the switchboard session has no request for {}",
                other.verb()
            ));
        }
    };
    r.map_err(|e| e.to_string())
}

fn drain_session(
    ns: &mut NotificationSession,
    offered: &mut VecDeque<(String, Box<SwitchboardSession>)>,
    out: &mut String,
) {
    while let Some(ev) = ns.poll_event() {
        out.push_str(&format!("# {}\n", describe_session(&ev)));
        match ev {
            SessionEvent::SwitchboardReady {
                address, session, ..
            }
            | SessionEvent::Invitation {
                address, session, ..
            } => offered.push_back((address.as_str().to_owned(), session)),
            _ => {}
        }
    }
}

fn drain_switchboard(sb: &mut SwitchboardSession, out: &mut String) {
    while let Some(ev) = sb.poll_event() {
        out.push_str(&format!("# {}\n", describe_switchboard(&ev)));
    }
}

fn describe_login(ev: &LoginEvent) -> String {
    match ev {
        LoginEvent::Negotiated(v) => format!("negotiated {v}"),
        LoginEvent::Reconnect { address } => format!("reconnect to {}", address.as_str()),
        LoginEvent::TicketNeeded(TicketRequest::Sso { policy, .. }) => {
            format!("ticket needed: SSO, policy {}", policy.as_str())
        }
        LoginEvent::TicketNeeded(TicketRequest::Rst { .. }) => "ticket needed: RST".into(),
        LoginEvent::TicketNeeded(_) => "ticket needed: Passport 1.4".into(),
        LoginEvent::Packages(p) => format!("packages {p:?}"),
        LoginEvent::LoggedIn { handle, .. } => format!("logged in as {}", handle.address()),
        LoginEvent::Challenge { answer, .. } => format!("challenge answered by QRY {answer}"),
        LoginEvent::ChallengeAccepted(t) => format!("challenge accepted (QRY {t})"),
        LoginEvent::Failed(e) => format!("login failed: {e}"),
        LoginEvent::Command(c) => format!("command {}", c.as_raw().verb()),
        LoginEvent::Profile(_) => "profile".into(),
        LoginEvent::Policies(_) => "policies".into(),
        LoginEvent::Subscription(s) => format!("subscription {}", s.as_str()),
        LoginEvent::Closed { reason } => match reason {
            Some(r) => format!("closed ({})", r.as_str()),
            None => "closed".into(),
        },
        other => short_debug(other),
    }
}

fn describe_session(ev: &SessionEvent) -> String {
    match ev {
        SessionEvent::RosterSynced { roster, changed } => format!(
            "roster synced: {} contacts, {} groups, version {}{}",
            roster.contacts.len(),
            roster.groups.len(),
            roster.version.list,
            if *changed { "" } else { " (cache current)" }
        ),
        SessionEvent::Presence {
            handle,
            presence,
            initial,
            ..
        } => format!(
            "presence {handle}: {}{}",
            presence.status,
            if *initial { " (initial)" } else { "" }
        ),
        SessionEvent::OwnStatus { status, .. } => format!("own status {status}"),
        SessionEvent::RequestDone { id, request } => format!("done {id}: {request:?}"),
        SessionEvent::RequestFailed { id, request, code } => {
            format!("failed {id}: {request:?}: error {}", code.0)
        }
        SessionEvent::AddedBy { handle, .. } => format!("added by {handle}"),
        SessionEvent::RemovedBy { handle } => format!("removed by {handle}"),
        SessionEvent::SwitchboardReady { id, address, .. } => {
            format!("switchboard {id} ready at {}", address.as_str())
        }
        SessionEvent::Invitation {
            address, inviter, ..
        } => format!(
            "invitation from {} to {}",
            inviter.address(),
            address.as_str()
        ),
        SessionEvent::Challenge { answer, .. } => format!("challenge answered by QRY {answer}"),
        SessionEvent::ChallengeAccepted(t) => format!("challenge accepted (QRY {t})"),
        SessionEvent::Profile(_) => "profile".into(),
        SessionEvent::InitialEmail(_) => "initial e-mail notification".into(),
        SessionEvent::NewEmail(_) => "new e-mail".into(),
        SessionEvent::MailChanged(_) => "mailbox changed".into(),
        SessionEvent::MailData(_) => "mail data".into(),
        SessionEvent::ServerMessage(_) => "server message".into(),
        SessionEvent::Alert(_) => "alert".into(),
        SessionEvent::UserNotification { handle, kind, .. } => {
            format!("notification {kind} from {}", handle.address())
        }
        SessionEvent::Routed { operation, .. } => format!("routed {}", operation.as_str()),
        SessionEvent::Policies(_) => "policies".into(),
        SessionEvent::Subscription(s) => format!("subscription {}", s.as_str()),
        SessionEvent::ServerError { code, trid } => match trid {
            Some(t) => format!("server error {} to {t}", code.0),
            None => format!("server error {}", code.0),
        },
        SessionEvent::Command(c) => format!("command {}", c.as_raw().verb()),
        SessionEvent::ConnectionDead => "connection dead".into(),
        SessionEvent::Closed { reason, .. } => match reason {
            Some(r) => format!("closed ({})", r.as_str()),
            None => "closed".into(),
        },
        other => short_debug(other),
    }
}

fn describe_switchboard(ev: &SwitchboardEvent) -> String {
    match ev {
        SwitchboardEvent::Ready => "switchboard ready".into(),
        SwitchboardEvent::Ringing { handle, .. } => format!("ringing {}", handle.address()),
        SwitchboardEvent::CallFailed { handle, code, .. } => {
            format!("call to {} failed: error {}", handle.address(), code.0)
        }
        SwitchboardEvent::Present(p) => format!("present {}", p.address()),
        SwitchboardEvent::Joined(p) => format!("joined {}", p.address()),
        SwitchboardEvent::OwnEndpoint(p) => format!("own endpoint {}", p.address()),
        SwitchboardEvent::OwnEndpointLeft(h) => format!("own endpoint left {}", h.address()),
        SwitchboardEvent::Left { handle, .. } => format!("left {}", handle.address()),
        SwitchboardEvent::Message { sender, .. } => format!(
            "message from {}",
            msnp_proto::Handle::parse(sender)
                .map_or_else(|_| sender.to_string(), |h| h.address().to_owned())
        ),
        SwitchboardEvent::Delivered(t) => format!("delivered {t}"),
        SwitchboardEvent::NotDelivered(t) => format!("not delivered {t}"),
        SwitchboardEvent::Command(c) => format!("command {}", c.as_raw().verb()),
        SwitchboardEvent::Closed => "switchboard closed".into(),
        SwitchboardEvent::Failed(e) => format!("switchboard failed: {e}"),
        other => short_debug(other),
    }
}

/// The first line of an event's debug form, for kinds added later.
fn short_debug(ev: &impl std::fmt::Debug) -> String {
    let s = format!("{ev:?}");
    s.chars().take(80).collect()
}
