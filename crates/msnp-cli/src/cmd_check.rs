//! `msnp check`: finds what is wrong in a transcript or capture: framing errors, arguments
//! that do not fit the command's shape in the dialect, commands the dialect does not have,
//! requests never answered, replies to nothing, TrIDs that go backwards, a `VER` answer the
//! client did not offer, wrong `QRY` challenge answers, login steps out of order.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::io::{self, Write};
use std::process::ExitCode;

use msnp_proto::message::{
    AckMode, AuthPackage, AuthStage, Message, MessageError, QryRequest, Usr, UsrCredentials,
    VersionName,
};
use msnp_proto::{Channel, Dialect, Direction, ProtocolVersion, RawCommand, Verb};
use serde::Serialize;

use crate::batch::Batcher;
use crate::cmd_decode::DecodeArgs;
use crate::fail;
use crate::opts::OutputFormat;
use crate::record::{ErrorBody, dir_code};
use crate::sink::Sink;
use crate::sink::text::{FindingLine, Style, format_finding};

/// Arguments of `msnp check`: the input options of `msnp decode`, plus secrets to verify the
/// login computations with.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub(crate) decode: DecodeArgs,
    /// The account password: verifies MSNP2–7 `USR MD5 S` hashes.
    #[arg(long)]
    pub(crate) password: Option<String>,
    /// The SSO binary secret (base64, from the RST2 proof token): verifies MSNP15+ MBI blobs.
    #[arg(long)]
    pub(crate) sso_secret: Option<String>,
    /// Client requests remembered, the most recent of all connections: an older one is
    /// forgotten (and reported unanswered then if it still awaited a reply), so memory stays
    /// bounded whatever the input.
    #[arg(long, default_value_t = DEFAULT_MAX_PENDING, value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) max_pending: u32,
    /// Connections whose state is remembered, the most recently used: one left longer ago is
    /// closed to make room (its waiting requests reported then) and starts afresh if it
    /// comes back.
    #[arg(long, default_value_t = DEFAULT_MAX_CONNECTIONS, value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) max_connections: u32,
}

/// The default of `--max-pending`: far more requests than clients leave waiting (about 100
/// bytes each).
pub const DEFAULT_MAX_PENDING: u32 = 65_536;

/// The default of `--max-connections`: the connections whose negotiation the decoder keeps
/// (a few hundred bytes each without requests).
pub const DEFAULT_MAX_CONNECTIONS: u32 =
    msnp_proto::negotiation::DEFAULT_MAX_SAVED_CONNECTIONS as u32;

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum Level {
    Error,
    Warning,
    Info,
}

impl Level {
    /// The name NDJSON findings carry.
    fn name(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Info => "info",
        }
    }
}

#[derive(Debug, Serialize)]
struct Finding<'a> {
    level: Level,
    code: &'a str,
    message: String,
    line: u64,
    offset: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    cmd: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dir: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    connection: Option<u32>,
}

#[derive(Debug)]
struct Request {
    /// When it was kept, counted over all connections (see [`Checker::order`]).
    seq: u64,
    verb: Verb,
    line: u64,
    offset: u64,
    answered: bool,
    expects_reply: bool,
    /// The spec is not sure a reply exists (commands.md §2.3: `PUT`, `DEL`, `SDG` on MSNP18+).
    reply_uncertain: bool,
}

#[derive(Debug, Default)]
struct Connection {
    requests: HashMap<u32, Request>,
    /// Whether a request was ever forgotten for `--max-pending`.
    forgot: bool,
    /// When the checker last turned to this connection (its key in [`Checker::left`]).
    stamp: u64,
    last_client_trid: Option<u32>,
    offered: Option<Vec<ProtocolVersion>>,
    client_seen: bool,
    client_commands: Vec<Verb>,
    challenge: Option<String>,
    /// The server's `USR … S` challenge (MD5 salt or SSO nonce).
    usr_challenge: Option<String>,
}

struct Checker<W: Write> {
    out: W,
    /// `Some` for `--format text`: the style of its lines.
    text: Option<Style>,
    password: Option<String>,
    sso_secret: Option<Vec<u8>>,
    /// Connections by slot (a closed one's slot is reused); `index` finds a slot by id, `ids`
    /// an id by slot.
    conns: Vec<Connection>,
    ids: Vec<Option<u32>>,
    index: HashMap<Option<u32>, usize>,
    free: Vec<usize>,
    /// Slots by [`Connection::stamp`], least recently used first: the one closed to make room.
    left: BTreeMap<u64, usize>,
    stamps: u64,
    max_connections: usize,
    /// The last connection looked up: nearly every command is on the same one as the last.
    last: Option<(Option<u32>, usize)>,
    /// The remembered requests, oldest first: slot, TrID and [`Request::seq`]. A TrID sent
    /// again, or a slot reused, leaves an entry that no longer matches and is skipped.
    order: VecDeque<(usize, u32, u64)>,
    next_seq: u64,
    max_pending: usize,
    current: Option<u32>,
    pos: (u64, u64),
    counts: [u64; 3],
}

/// Whether a client command gets a reply carrying its TrID; `typed` is its typed decode.
fn expects_reply(cmd: &RawCommand<'_>, typed: Result<&Message<'_>, &MessageError>) -> bool {
    match cmd.verb() {
        Verb::PNG | Verb::OUT | Verb::PAG | Verb::PGD | Verb::UUM => false,
        // U: never acknowledged; N: NAK only on failure. A malformed `MSG` gets an error reply.
        Verb::MSG => !matches!(
            typed,
            Ok(Message::MsgSend(m)) if matches!(m.ack_mode, AckMode::Unacknowledged | AckMode::NakOnly)
        ),
        _ => true,
    }
}

/// Whether the spec marks the reply to this client command as uncertain (commands.md §2.3: the
/// MSNP18 circle commands `PUT`, `DEL`, `SDG`).
fn reply_uncertain(cmd: &RawCommand<'_>, dialect: &Dialect) -> bool {
    matches!(cmd.verb(), Verb::PUT | Verb::DEL | Verb::SDG)
        && dialect.version >= ProtocolVersion::Msnp18
}

/// The switchboard session ID of `RNG`, a server's `CAL … RINGING` and a client's `ANS`.
fn session_id<'m>(msg: &'m Message<'_>, direction: Option<Direction>) -> Option<&'m str> {
    match (msg, direction) {
        (Message::Rng(r), _) => Some(r.session_id.as_str()),
        (Message::CalReply(c), Some(Direction::ServerToClient)) => Some(c.session_id.as_str()),
        (Message::Ans(a), Some(Direction::ClientToServer)) => Some(a.session_id.as_str()),
        _ => None,
    }
}

/// Whether a session ID is written as the references write it: a decimal without leading zeros.
fn is_canonical_session_id(id: &str) -> bool {
    let id = id.as_bytes();
    !id.is_empty() && id.iter().all(u8::is_ascii_digit) && (id.len() == 1 || id[0] != b'0')
}

/// Whether the connection's history needs this command's typed fields: the login's few
/// commands, copied out of the worker's decode (every other command is left borrowed and
/// dropped there).
fn needs_history(msg: &Message<'_>) -> bool {
    matches!(
        msg,
        Message::Ver(_)
            | Message::Usr(Usr::Challenge(_) | Usr::Credentials(_))
            | Message::Chl(_)
            | Message::QryRequest(_)
    )
}

impl<W: Write> Checker<W> {
    fn emit(
        &mut self,
        level: Level,
        code: &str,
        message: String,
        at: (u64, u64),
        cmd: Option<Verb>,
        dir: Option<Direction>,
    ) -> io::Result<()> {
        self.counts[level as usize] += 1;
        let f = Finding {
            level,
            code,
            message,
            line: at.0,
            offset: at.1,
            cmd: cmd.map(|v| v.to_string()),
            dir: dir_code(dir),
            connection: self.current,
        };
        if let Some(style) = self.text {
            let mut line = String::new();
            let shown = FindingLine {
                level: f.level.name(),
                code: f.code,
                at: (f.line, f.offset),
                message: &f.message,
                conn: f.connection,
                dir: f.dir,
                cmd: f.cmd.as_deref(),
            };
            format_finding(style, &shown, &mut line);
            return self.out.write_all(line.as_bytes());
        }
        serde_json::to_writer(&mut self.out, &f)?;
        self.out.write_all(b"\n")
    }

    /// The current connection's slot in `conns`, added when new (closing the least recently
    /// used connection first when `--max-connections` are remembered).
    fn conn_index(&mut self) -> io::Result<usize> {
        if let Some((id, i)) = self.last
            && id == self.current
        {
            return Ok(i);
        }
        self.stamps += 1;
        let stamp = self.stamps;
        let i = match self.index.get(&self.current) {
            Some(&i) => {
                let conn = &mut self.conns[i];
                self.left.remove(&conn.stamp);
                conn.stamp = stamp;
                i
            }
            None => {
                if self.index.len() >= self.max_connections
                    && let Some((_, old)) = self.left.pop_first()
                {
                    let id = self.ids[old];
                    self.close_connection(id)?;
                    self.index.remove(&id);
                    self.free.push(old);
                }
                let conn = Connection {
                    stamp,
                    ..Connection::default()
                };
                let i = match self.free.pop() {
                    Some(i) => {
                        (self.conns[i], self.ids[i]) = (conn, self.current);
                        i
                    }
                    None => {
                        self.conns.push(conn);
                        self.ids.push(self.current);
                        self.conns.len() - 1
                    }
                };
                self.index.insert(self.current, i);
                i
            }
        };
        self.left.insert(stamp, i);
        self.last = Some((self.current, i));
        Ok(i)
    }

    /// Reports a request of connection `conn` that got no reply: at the end of the connection,
    /// or (`forgotten`) when `--max-pending` newer requests pushed it out.
    fn unanswered(
        &mut self,
        conn: Option<u32>,
        trid: u32,
        r: &Request,
        forgotten: bool,
    ) -> io::Result<()> {
        let (level, why) = if r.reply_uncertain {
            (Level::Info, " (the spec is not sure it gets one)")
        } else {
            (Level::Warning, "")
        };
        let within = if forgotten {
            format!(" within the next {} requests", self.max_pending)
        } else {
            String::new()
        };
        // Findings name the current connection: this one, for this finding.
        let current = core::mem::replace(&mut self.current, conn);
        let res = self.emit(
            level,
            "unanswered_request",
            format!("{} {trid} got no reply{within}{why}", r.verb),
            (r.line, r.offset),
            Some(r.verb),
            Some(Direction::ClientToServer),
        );
        self.current = current;
        res
    }

    /// Reports a connection's requests still waiting, and forgets them.
    fn close_connection(&mut self, id: Option<u32>) -> io::Result<()> {
        let Some(conn) = self.index.get(&id).and_then(|&i| self.conns.get_mut(i)) else {
            return Ok(());
        };
        // Its slot may be about to be reused by another connection.
        self.last = None;
        if !conn.client_seen {
            return Ok(());
        }
        let mut open: Vec<_> = conn
            .requests
            .drain()
            .filter(|(_, r)| r.expects_reply && !r.answered)
            .collect();
        // In capture order (captures have no line numbers: then by offset and TrID), never in
        // the map's.
        open.sort_by_key(|(trid, r)| (r.line, r.offset, *trid));
        for (trid, r) in open {
            self.unanswered(id, trid, &r, false)?;
        }
        Ok(())
    }

    /// A client command; `expects_reply` and `history` as in [`Alone`] and [`Rare`].
    fn client(
        &mut self,
        cmd: &RawCommand<'_>,
        dialect: &Dialect,
        expects_reply: bool,
        history: Option<&Message<'_>>,
    ) -> io::Result<()> {
        let at = self.pos;
        let verb = cmd.verb();
        let mut findings: Vec<(Level, &'static str, String)> = Vec::new();
        let i = self.conn_index()?;
        let conn = &mut self.conns[i];
        conn.client_seen = true;
        if conn.client_commands.len() < 3 {
            conn.client_commands.push(verb);
        }
        if let Some(t) = cmd.trid() {
            if let Some(prev) = conn.last_client_trid.filter(|p| t.0 <= *p) {
                findings.push((
                    Level::Warning,
                    "trid_not_increasing",
                    format!("TrID {t} after {prev} (clients count up)"),
                ));
            }
            if conn
                .requests
                .get(&t.0)
                .is_some_and(|r| !r.answered && r.expects_reply)
            {
                findings.push((
                    Level::Warning,
                    "duplicate_trid",
                    format!("TrID {t} is still awaiting a reply"),
                ));
            }
            conn.last_client_trid = Some(t.0);
            let seq = self.next_seq;
            self.next_seq += 1;
            self.order.push_back((i, t.0, seq));
            conn.requests.insert(
                t.0,
                Request {
                    seq,
                    verb,
                    line: at.0,
                    offset: at.1,
                    answered: false,
                    expects_reply,
                    reply_uncertain: reply_uncertain(cmd, dialect),
                },
            );
        }
        match history {
            Some(Message::Ver(v)) => {
                conn.offered = Some(v.versions.iter().filter_map(VersionName::version).collect());
            }
            Some(Message::QryRequest(q)) => {
                findings.extend(check_qry(q, dialect, conn.challenge.as_deref()));
            }
            Some(Message::Usr(Usr::Credentials(c))) if c.stage == AuthStage::Subsequent => {
                let secrets = (self.password.as_deref(), self.sso_secret.as_deref());
                findings.extend(check_credentials(c, conn.usr_challenge.as_deref(), secrets));
            }
            _ => {}
        }
        // Login order on a notification connection from MSNP8: VER, CVR, USR.
        if dialect.channel == Channel::Notification
            && dialect.version >= ProtocolVersion::Msnp8
            && conn.client_commands.len() <= 3
        {
            let expected = [Verb::VER, Verb::CVR, Verb::USR];
            let i = conn.client_commands.len() - 1;
            if conn.client_commands[0] == Verb::VER
                && verb != expected[i]
                && expected.contains(&verb)
            {
                findings.push((
                    Level::Warning,
                    "login_order",
                    format!(
                        "{verb} sent as command {} of the login (expected VER, CVR, USR)",
                        i + 1
                    ),
                ));
            }
        }
        for (level, code, msg) in findings {
            self.emit(
                level,
                code,
                msg,
                at,
                Some(verb),
                Some(Direction::ClientToServer),
            )?;
        }
        self.forget_oldest()
    }

    /// Forgets the oldest remembered request when more than `--max-pending` are, reporting it
    /// if it still awaited a reply (one in, at most one out).
    fn forget_oldest(&mut self) -> io::Result<()> {
        if self.order.len() <= self.max_pending {
            return Ok(());
        }
        let Some((slot, trid, seq)) = self.order.pop_front() else {
            return Ok(());
        };
        let Some(conn) = self.conns.get_mut(slot) else {
            return Ok(());
        };
        if conn.requests.get(&trid).is_none_or(|r| r.seq != seq) {
            return Ok(());
        }
        let r = conn.requests.remove(&trid);
        conn.forgot = true;
        // A map keeps its largest size: give back what a burst of requests left behind.
        let (len, cap) = (conn.requests.len(), conn.requests.capacity());
        if cap > 64 && len * 4 < cap {
            conn.requests.shrink_to(len * 2);
        }
        match r {
            Some(r) if r.expects_reply && !r.answered => {
                self.unanswered(self.ids[slot], trid, &r, true)
            }
            _ => Ok(()),
        }
    }

    /// A server command; `history` as in [`Rare`].
    fn server(&mut self, cmd: &RawCommand<'_>, history: Option<&Message<'_>>) -> io::Result<()> {
        let at = self.pos;
        let verb = cmd.verb();
        let mut findings: Vec<(Level, &'static str, String)> = Vec::new();
        let i = self.conn_index()?;
        let conn = &mut self.conns[i];
        if let Some(t) = cmd.trid().filter(|t| t.0 != 0) {
            match conn.requests.get_mut(&t.0) {
                Some(r) => r.answered = true,
                None if conn.client_seen => findings.push((
                    Level::Warning,
                    "reply_without_request",
                    if conn.forgot {
                        format!(
                            "no client command with TrID {t} among the last {} on this connection",
                            self.max_pending
                        )
                    } else {
                        format!("no client command with TrID {t} on this connection")
                    },
                )),
                None => {}
            }
        }
        match history {
            Some(Message::Chl(c)) => {
                conn.challenge = c.challenge.as_ref().map(|t| t.as_str().to_owned());
            }
            Some(Message::Usr(Usr::Challenge(c))) => {
                // MD5: the salt; SSO: the nonce after the policy.
                let challenge = match c.package {
                    AuthPackage::Sso => &c.nonce,
                    _ => &c.challenge,
                };
                conn.usr_challenge = challenge.as_ref().map(|t| t.as_str().to_owned());
            }
            Some(Message::Ver(v)) => {
                if let (Some(offered), Some(chosen)) = (&conn.offered, v.versions.first()) {
                    match chosen.version() {
                        Some(v) if !offered.contains(&v) => {
                            findings.push((
                                Level::Error,
                                "ver_not_offered",
                                format!("server chose {v}, which the client did not offer"),
                            ));
                        }
                        None if chosen.as_str() != "0" => {
                            findings.push((
                                Level::Error,
                                "ver_unknown",
                                format!("server chose {:?}, not a dialect", chosen.as_str()),
                            ));
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
        if let Some(code) = verb.error_code() {
            let req = cmd
                .trid()
                .and_then(|t| conn.requests.get(&t.0))
                .map(|r| r.verb.to_string());
            let what = req.map(|v| format!(" to {v}")).unwrap_or_default();
            findings.push((
                Level::Info,
                "error_reply",
                format!("server answered{what} with error {code}"),
            ));
        }
        for (level, code, msg) in findings {
            self.emit(
                level,
                code,
                msg,
                at,
                Some(verb),
                Some(Direction::ServerToClient),
            )?;
        }
        Ok(())
    }
}

/// Verifies a client's `USR … S` credential against the server's challenge (`salt_or_nonce`)
/// with the secrets given: the MD5 hash with the password, the SSO MBI blob with the binary
/// secret.
fn check_credentials(
    c: &UsrCredentials<'_>,
    salt_or_nonce: Option<&str>,
    (password, sso_secret): (Option<&str>, Option<&[u8]>),
) -> Option<(Level, &'static str, String)> {
    let challenge = salt_or_nonce?;
    match c.package {
        AuthPackage::Md5 => {
            let (salt, hash) = (challenge, c.credential.as_str());
            match msnp_auth::md5_login_hash(salt, password?) {
                Ok(want) if !want.eq_ignore_ascii_case(hash) => Some((
                    Level::Error,
                    "md5_wrong_hash",
                    format!("USR MD5 hash {hash} for salt {salt} should be {want}"),
                )),
                _ => None,
            }
        }
        AuthPackage::Sso => {
            let (secret, blob) = (sso_secret?, c.response.as_ref()?);
            match msnp_auth::MbiBlob::from_base64(blob.as_str())
                .and_then(|b| b.verify(secret, challenge))
            {
                Ok(true) => None,
                Ok(false) => Some((
                    Level::Error,
                    "sso_wrong_blob",
                    "the MBI blob does not verify with this secret and the server's nonce".into(),
                )),
                Err(e) => Some((
                    Level::Error,
                    "sso_bad_blob",
                    format!("the MBI blob is malformed: {e}"),
                )),
            }
        }
        _ => None,
    }
}

/// Recomputes a client's `QRY` answer to the last `CHL` challenge.
fn check_qry(
    q: &QryRequest<'_>,
    dialect: &Dialect,
    challenge: Option<&str>,
) -> Option<(Level, &'static str, String)> {
    let challenge = challenge?;
    let product = q.product_id.as_str();
    let answer = core::str::from_utf8(&q.answer).ok()?;
    let Some(known) = msnp_auth::product_by_id(product) else {
        return Some((
            Level::Info,
            "qry_unverifiable",
            format!("product ID {product} has no known key"),
        ));
    };
    let expected =
        msnp_auth::qry_for_version(dialect.version.number(), challenge, known.pair).ok()?;
    let expected = expected.to_string();
    // libpurple and Escargot also pad an already aligned MSNP11 challenge; accept either.
    let padded = msnp_auth::qry_msnp11_with(
        challenge,
        known.pair,
        msnp_auth::Msnp11Padding::Always,
        &msnp_auth::Limits::DEFAULT,
    )
    .map(|r| r.to_string())
    .ok();
    if answer.eq_ignore_ascii_case(&expected)
        || padded
            .as_deref()
            .is_some_and(|p| answer.eq_ignore_ascii_case(p))
            && dialect.version >= ProtocolVersion::Msnp11
    {
        None
    } else {
        Some((
            Level::Error,
            "qry_wrong_answer",
            format!("QRY answer {answer} to challenge {challenge} should be {expected}"),
        ))
    }
}

/// What `check` finds in one command on its own, without the connection's history: the
/// typed decode and the payload document, the costly part, run on every core. It also hands
/// the history the typed facts it needs, so that the reader thread decodes nothing again.
#[derive(Default)]
struct Alone {
    typed: Option<(Level, &'static str, String)>,
    payload: Option<String>,
    /// For a client command: whether a reply carrying its TrID is due.
    expects_reply: bool,
    /// Boxed: few commands have any, and an `Alone` waits for every command.
    rare: Option<Box<Rare>>,
}

/// The rarer part of [`Alone`].
struct Rare {
    /// A switchboard session ID that is not written as the references write it.
    session_id: Option<String>,
    /// The typed command, when [`needs_history`].
    history: Option<Message<'static>>,
}

fn alone(cmd: &RawCommand<'_>, dialect: &Dialect, xml: &msnp_proto::payload::XmlLimits) -> Alone {
    // The typed layer knows every command's shape per version, channel and direction. Read by
    // reference where it was made: moving the result out costs a copy of the whole `Message`.
    typed_alone(cmd, dialect, xml, Message::decode(cmd, dialect).as_ref())
}

/// [`alone`] on the command's typed decode.
fn typed_alone(
    cmd: &RawCommand<'_>,
    dialect: &Dialect,
    xml: &msnp_proto::payload::XmlLimits,
    decoded: Result<&Message<'_>, &MessageError>,
) -> Alone {
    let typed = match decoded {
        Err(e) => Some((Level::Error, "bad_arguments", e.to_string())),
        Ok(m) if m.is_unknown() && dialect.direction.is_some() => {
            let what = if cmd.verb().is_known() {
                "is not part of"
            } else {
                "is not a command of"
            };
            let side = match dialect.direction {
                Some(Direction::ClientToServer) => "client",
                _ => "server",
            };
            Some((
                Level::Warning,
                "not_in_dialect",
                format!(
                    "{} {what} {} ({}, {side} side)",
                    cmd.verb(),
                    dialect.version,
                    crate::record::channel_name(dialect.channel)
                ),
            ))
        }
        Ok(_) => None,
    };
    let payload = cmd.payload().filter(|p| !p.is_empty()).and_then(|p| {
        // A `UUN`/`UBN` the typed layer does not read has no known notification type.
        let uun_type = decoded.ok().and_then(Message::uun_type);
        msnp_proto::payload::parse_payload_in(cmd.verb(), uun_type, p, dialect.version, xml)
            .err()
            .map(|e| e.to_string())
    });
    let expects_reply = expects_reply(cmd, decoded);
    let session_id = decoded
        .ok()
        .and_then(|m| session_id(m, dialect.direction))
        .filter(|id| !is_canonical_session_id(id))
        .map(str::to_owned);
    let history = match decoded {
        Ok(m) if needs_history(m) => Some(m.clone().into_owned()),
        _ => None,
    };
    // Not `bool::then`: its closure would take (copy) the whole `Option<Message>` every time.
    let rare = if session_id.is_some() || history.is_some() {
        Some(Box::new(Rare {
            session_id,
            history,
        }))
    } else {
        None
    };
    Alone {
        typed,
        payload,
        expects_reply,
        rare,
    }
}

/// One input event, waiting in order for its command's [`Alone`] findings.
enum Item {
    Command {
        cmd: msnp_proto::OwnedCommand,
        dialect: Dialect,
        at: (u64, u64),
        conn: Option<u32>,
    },
    Error {
        kind: String,
        message: String,
        at: (u64, u64),
        cmd: Option<Verb>,
        dir: Option<Direction>,
        conn: Option<u32>,
    },
}

impl<W: Write> Checker<W> {
    /// The findings of one command, in input order: its own, then those of its history.
    fn command(&mut self, cmd: &RawCommand<'_>, dialect: &Dialect, found: Alone) -> io::Result<()> {
        let at = self.pos;
        let verb = Some(cmd.verb());
        // Taken apart, so that each part is dropped where it is used up.
        let Alone {
            typed,
            payload,
            expects_reply,
            mut rare,
        } = found;
        if let Some((level, code, message)) = typed {
            self.emit(level, code, message, at, verb, dialect.direction)?;
        }
        if let Some(message) = payload {
            self.emit(
                Level::Warning,
                "bad_payload",
                message,
                at,
                verb,
                dialect.direction,
            )?;
        }
        if let Some(id) = rare.as_mut().and_then(|r| r.session_id.take()) {
            self.emit(
                Level::Info,
                "session_id_not_decimal",
                format!(
                    "switchboard session ID {id} is not a decimal (some servers send hex; it is an opaque token)"
                ),
                at,
                verb,
                dialect.direction,
            )?;
        }
        let history = rare.as_ref().and_then(|r| r.history.as_ref());
        match dialect.direction {
            Some(Direction::ClientToServer) => self.client(cmd, dialect, expects_reply, history),
            Some(Direction::ServerToClient) => self.server(cmd, history),
            None => Ok(()),
        }
    }

    /// Takes a run of items whose own findings are in.
    fn take_all(&mut self, items: Vec<Item>, found: Vec<Alone>) -> io::Result<()> {
        for (item, found) in items.into_iter().zip(found) {
            self.take(item, found)?;
        }
        Ok(())
    }

    /// Takes one item whose own findings are in.
    fn take(&mut self, item: Item, found: Alone) -> io::Result<()> {
        match item {
            Item::Command {
                cmd,
                dialect,
                at,
                conn,
            } => {
                (self.pos, self.current) = (at, conn);
                self.command(&cmd.as_raw(), &dialect, found)
            }
            Item::Error {
                kind,
                message,
                at,
                cmd,
                dir,
                conn,
            } => {
                self.current = conn;
                self.emit(Level::Error, &kind, message, at, cmd, dir)
            }
        }
    }
}

/// `msnp check`'s sink: commands go through the batch for their own findings, then to the
/// checker in order.
struct CheckSink<W: Write> {
    checker: Checker<W>,
    batch: Batcher<Item, Vec<Alone>>,
    /// Position and connection of the next command, as the input reports them.
    pos: (u64, u64),
    current: Option<u32>,
    /// Where the batch's commands are copied: one allocation per block, not per command.
    arena: bytes::BytesMut,
}

impl<W: Write> CheckSink<W> {
    fn push(&mut self, item: Item, bytes: usize) -> io::Result<()> {
        let checker = &mut self.checker;
        self.batch.push(item, bytes, &mut |items, found| {
            checker.take_all(items, found)
        })
    }

    fn drain(&mut self) -> io::Result<()> {
        let checker = &mut self.checker;
        self.batch
            .drain(&mut |items, found| checker.take_all(items, found))
    }
}

impl<W: Write> Sink for CheckSink<W> {
    fn command(&mut self, cmd: &RawCommand<'_>, dialect: &Dialect) -> io::Result<()> {
        let item = Item::Command {
            cmd: cmd.to_owned_with(&mut self.arena),
            dialect: *dialect,
            at: self.pos,
            conn: self.current,
        };
        self.push(item, cmd.wire_len())
    }
    fn error(&mut self, body: ErrorBody<'_>) -> io::Result<()> {
        let item = Item::Error {
            kind: body.kind.to_owned(),
            cmd: body.cmd.as_deref().and_then(|c| c.parse().ok()),
            dir: match body.dir {
                Some("C") => Some(Direction::ClientToServer),
                Some("S") => Some(Direction::ServerToClient),
                _ => None,
            },
            message: body.message,
            at: (body.line, body.offset),
            conn: self.current,
        };
        self.push(item, 0)
    }
    fn connection(&mut self, id: u32) {
        self.current = Some(id);
    }
    fn set_context(&mut self, flow: Option<u32>, _ts: Option<f64>) {
        // A capture's TCP connections play the part of a transcript's connections.
        if flow.is_some() {
            self.current = flow;
        }
    }
    fn wants_position(&self) -> bool {
        true
    }
    fn at(&mut self, line: u64, offset: u64) {
        self.pos = (line, offset);
    }
    fn idle(&mut self) -> io::Result<()> {
        self.drain()?;
        self.checker.out.flush()
    }
}

/// Checks `input` as `msnp check` with `args` does (`args.decode.file` is not opened), writing
/// the findings to `out`; `sso_secret` is the decoded `--sso-secret`. Returns the number of
/// errors, warnings and notes.
pub fn check(
    input: impl io::Read,
    args: &CheckArgs,
    out: impl Write,
    sso_secret: Option<Vec<u8>>,
) -> io::Result<[u64; 3]> {
    let xml = args.decode.dialect.xml_limits();
    let checker = Checker {
        password: args.password.clone(),
        sso_secret,
        out,
        text: (args.decode.output.format == OutputFormat::Text)
            .then(|| Style::new(args.decode.output.colour())),
        conns: Vec::new(),
        ids: Vec::new(),
        index: HashMap::new(),
        free: Vec::new(),
        left: BTreeMap::new(),
        stamps: 0,
        max_connections: args.max_connections as usize,
        last: None,
        order: VecDeque::new(),
        next_seq: 0,
        max_pending: args.max_pending as usize,
        current: None,
        pos: (0, 0),
        counts: [0; 3],
    };
    let mut sink = CheckSink {
        checker,
        batch: Batcher::new(move |items: &[Item]| {
            items
                .iter()
                .map(|item| match item {
                    Item::Command { cmd, dialect, .. } => alone(&cmd.as_raw(), dialect, &xml),
                    Item::Error { .. } => Alone::default(),
                })
                .collect()
        }),
        pos: (0, 0),
        current: None,
        arena: bytes::BytesMut::with_capacity(crate::batch::ARENA_BLOCK),
    };
    crate::input::decode_reader(input, &args.decode.input_config(), &mut sink)?;
    sink.drain()?;
    let mut checker = sink.checker;
    let mut ids: Vec<_> = checker.index.keys().copied().collect();
    ids.sort();
    for id in ids {
        checker.close_connection(id)?;
    }
    checker.out.flush()?;
    Ok(checker.counts)
}

/// Runs `msnp check` (same input options as `msnp decode`).
pub fn run(args: CheckArgs) -> ExitCode {
    if args.decode.stats {
        // Shared with decode's arguments but hidden here: say so rather than ignore it.
        eprintln!("msnp check: --stats is an option of msnp decode");
        return ExitCode::from(2);
    }
    if args.decode.extract.extract.is_some() {
        eprintln!("msnp check: --extract is an option of msnp decode");
        return ExitCode::from(2);
    }
    if args.decode.no_fields {
        eprintln!("msnp check: --no-fields is an option of msnp decode");
        return ExitCode::from(2);
    }
    let sso_secret = match args
        .sso_secret
        .as_deref()
        .map(msnp_auth::decode_binary_secret)
        .transpose()
    {
        Ok(s) => s,
        Err(e) => {
            eprintln!("msnp check: --sso-secret: {e}");
            return ExitCode::from(2);
        }
    };
    if args.decode.output.format == OutputFormat::Html {
        eprintln!(
            "msnp check: --format html draws decoded commands: use `msnp decode --format html`"
        );
        return ExitCode::from(2);
    }
    let stdout = io::BufWriter::new(io::stdout().lock());
    let res = match crate::input::open_input(&args.decode.file) {
        Ok(input) => check(input, &args, stdout, sso_secret),
        Err(e) => Err(e),
    };
    match res {
        Ok([e, w, i]) => {
            eprintln!("msnp check: {e} errors, {w} warnings, {i} notes");
            ExitCode::from(u8::from(e > 0))
        }
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::from(1),
        Err(e) => fail(&e),
    }
}
