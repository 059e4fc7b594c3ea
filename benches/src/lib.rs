//! Deterministic corpus generators for the msnp benchmarks: realistic mixed NS and SB traffic of
//! several dialects, in both directions, from a seeded xorshift. Committed as code, not data.

use msnp_proto::{Dialect, Direction, ProtocolVersion};
use msnp_session::{
    ClientCredentials, ClientInfo, ClientLogin, Credentials, CvrAnswer, LoginConfig, LoginEvent,
    LoginPhase, ServerConfig, ServerEvent, ServerLogin, ServerPhase, TicketRequest,
};

/// A seeded xorshift64 generator (deterministic across runs and machines).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a non-zero seed.
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    /// One element of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// Which mix of commands a corpus has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    /// Mostly presence and short commands (ILN/NLN/FLN/CHG, PNG/QNG, XFR/RNG, SB control).
    Presence,
    /// Mostly payload commands (MSG with MIME, UBX/UUX, ADL, NOT).
    Payload,
    /// A realistic mix of both.
    Mixed,
}

/// One direction of one connection: the dialect it is decoded with and its bytes.
#[derive(Debug, Clone)]
pub struct Segment {
    /// The dialect (version, channel, direction) of every command in `bytes`.
    pub dialect: Dialect,
    /// Wire bytes.
    pub bytes: Vec<u8>,
    /// Number of commands.
    pub commands: usize,
}

/// A whole corpus.
#[derive(Debug, Clone)]
pub struct Corpus {
    /// The segments, each decoded with its own dialect.
    pub segments: Vec<Segment>,
}

impl Corpus {
    /// Total bytes.
    pub fn bytes(&self) -> usize {
        self.segments.iter().map(|s| s.bytes.len()).sum()
    }
    /// Total commands.
    pub fn commands(&self) -> usize {
        self.segments.iter().map(|s| s.commands).sum()
    }
    /// Criterion throughput: commands and bytes.
    pub fn throughput(&self) -> criterion::Throughput {
        criterion::Throughput::ElementsAndBytes {
            elements: self.commands() as u64,
            bytes: self.bytes() as u64,
        }
    }
    /// Total lines (LF count), the yardstick's unit.
    pub fn lines(&self) -> usize {
        self.segments
            .iter()
            .map(|s| memchr::memchr_iter(b'\n', &s.bytes).count())
            .sum()
    }
}

const NAMES: &[&str] = &[
    "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "oscar",
    "peggy",
];
const DOMAINS: &[&str] = &[
    "hotmail.com",
    "msn.com",
    "live.com",
    "passport.com",
    "yahoo.com",
];
const STATUSES: &[&str] = &["NLN", "BSY", "IDL", "BRB", "AWY", "PHN", "LUN"];
const NICKS: &[&str] = &[
    "Bob",
    "Carol%20%28work%29",
    "Dave%20%E2%99%AB",
    "Erin",
    "Frank%20the%20Tank",
    "Grace%20H.",
];
const TEXTS: &[&str] = &[
    "hi",
    "Did you see the game last night?",
    "Sure, tonight. I'll send the file after dinner, it's about 20 MB.",
    "lol",
    "Can you call me when you get a minute? It's about the meeting tomorrow morning.",
];
const MSNOBJ: &str = "%3Cmsnobj%20Creator%3D%22bob%40hotmail.com%22%20Size%3D%2218204%22%20Type%3D%223%22%20Location%3D%22TFR1A.dat%22%20Friendly%3D%22AAA%3D%22%20SHA1D%3D%2202Y6ZjrbqU56nbSFH%2FknRJlji70%3D%22%20SHA1C%3D%226GkPkWHq4b%2FCo4f3dFwIJLTqGsA%3D%22%2F%3E";

struct Gen<'a> {
    rng: &'a mut Rng,
    v: ProtocolVersion,
    out: Vec<u8>,
    n: usize,
    trid: u32,
}

impl Gen<'_> {
    fn handle(&mut self) -> String {
        format!(
            "{}{}@{}",
            self.rng.pick(NAMES),
            self.rng.below(100),
            self.rng.pick(DOMAINS)
        )
    }
    fn line(&mut self, l: &str) {
        self.out.extend_from_slice(l.as_bytes());
        self.out.extend_from_slice(b"\r\n");
        self.n += 1;
    }
    fn payload(&mut self, l: &str, body: &[u8]) {
        self.out.extend_from_slice(l.as_bytes());
        self.out
            .extend_from_slice(format!(" {}\r\n", body.len()).as_bytes());
        self.out.extend_from_slice(body);
        self.n += 1;
    }
    fn trid(&mut self) -> u32 {
        self.trid += 1;
        self.trid
    }
    fn mime(&mut self) -> Vec<u8> {
        let text = *self.rng.pick(TEXTS);
        format!(
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nX-MMS-IM-Format: FN=Segoe%20UI; EF=; CO=0; CS=1; PF=0\r\n\r\n{text}"
        )
        .into_bytes()
    }
    fn caps(&self) -> String {
        if self.v >= ProtocolVersion::Msnp16 {
            "2789003324:48".into()
        } else {
            "1342488620".into()
        }
    }
    fn who(&mut self) -> String {
        let h = self.handle();
        if self.v >= ProtocolVersion::Msnp18 {
            format!("1:{h}")
        } else {
            h
        }
    }
    /// The gateway parameters `XFR SB` and `RNG` gained in MSNP13 (`U domain`) and 14 (`direct`).
    fn gateway(&self, domain: &str) -> String {
        match self.v {
            v if v >= ProtocolVersion::Msnp14 => format!(" U {domain} 1"),
            ProtocolVersion::Msnp13 => format!(" U {domain}"),
            _ => String::new(),
        }
    }
    fn nid(&self) -> &'static str {
        if self.v >= ProtocolVersion::Msnp14 && self.v < ProtocolVersion::Msnp18 {
            " 1"
        } else {
            ""
        }
    }

    /// One server-to-client notification command.
    fn ns_server(&mut self, payload_heavy: bool) {
        let v = self.v;
        let k = self.rng.below(if payload_heavy { 4 } else { 12 });
        match (k, payload_heavy) {
            (0, _) if v >= ProtocolVersion::Msnp11 => {
                let who = self.who();
                let nid = self.nid();
                let psm = *self.rng.pick(TEXTS);
                let body = format!("<Data><PSM>{psm}</PSM><CurrentMedia></CurrentMedia></Data>");
                self.payload(&format!("UBX {who}{nid}"), body.as_bytes());
            }
            (1, _) => {
                let body = self.mime();
                self.payload("MSG Hotmail Hotmail", &body);
            }
            (2, true) if v >= ProtocolVersion::Msnp13 => {
                let mut body = String::from("<ml>");
                for _ in 0..1 + self.rng.below(4) {
                    let d = *self.rng.pick(DOMAINS);
                    let c = *self.rng.pick(NAMES);
                    body.push_str(&format!(
                        "<d n=\"{d}\"><c n=\"{c}\" t=\"1\" l=\"8\" f=\"{c}\"/></d>"
                    ));
                }
                body.push_str("</ml>");
                self.payload("ADL 0", body.as_bytes());
            }
            (3, true) => {
                let body = "<NOTIFICATION ver=\"2\" id=\"1\" siteid=\"0\" siteurl=\"http://www.hotmail.com\"><TO pid=\"0x00060000:0x81ee5a43\" name=\"alice@hotmail.com\"/><MSG id=\"0\"><SUBSCR url=\"s.htm\"/><ACTION url=\"a.htm\"/><BODY lang=\"1033\"><TEXT>You have new mail.</TEXT></BODY></MSG></NOTIFICATION>";
                self.payload("NOT", body.as_bytes());
            }
            (4..=6, _) => {
                let (s, who, nick, caps) = (
                    *self.rng.pick(STATUSES),
                    self.who(),
                    *self.rng.pick(NICKS),
                    self.caps(),
                );
                let nid = self.nid();
                let obj = if v >= ProtocolVersion::Msnp9 && self.rng.below(2) == 0 {
                    format!(" {MSNOBJ}")
                } else {
                    String::new()
                };
                if v >= ProtocolVersion::Msnp14 && v < ProtocolVersion::Msnp18 {
                    self.line(&format!("NLN {s} {who}{nid} {nick} {caps}{obj}"));
                } else if v >= ProtocolVersion::Msnp8 {
                    self.line(&format!("NLN {s} {who} {nick} {caps}{obj}"));
                } else {
                    self.line(&format!("NLN {s} {who} {nick}"));
                }
            }
            (7, _) if v < ProtocolVersion::Msnp18 => {
                let (t, s, who, nick, caps) = (
                    self.trid,
                    *self.rng.pick(STATUSES),
                    self.handle(),
                    *self.rng.pick(NICKS),
                    self.caps(),
                );
                let nid = self.nid();
                self.line(&format!("ILN {t} {s} {who}{nid} {nick} {caps}"));
            }
            (8, _) => {
                let who = self.who();
                if v >= ProtocolVersion::Msnp14 {
                    let caps = if v >= ProtocolVersion::Msnp16 {
                        "0:0"
                    } else {
                        "0"
                    };
                    let nid = self.nid();
                    self.line(&format!("FLN {who}{nid} {caps}"));
                } else {
                    self.line(&format!("FLN {who}"));
                }
            }
            (9, _) => {
                let secs = if v >= ProtocolVersion::Msnp9 {
                    " 50"
                } else {
                    ""
                };
                self.line(&format!("QNG{secs}"));
            }
            (10, _) => {
                let (id, who, nick) = (
                    self.rng.below(99_999_999),
                    self.handle(),
                    *self.rng.pick(NICKS),
                );
                let gw = self.gateway("messenger.hotmail.com");
                self.line(&format!(
                    "RNG {id} 203.0.113.{}:1863 CKI 849102291.1119866900.{id} {who} {nick}{gw}",
                    id % 250
                ));
            }
            _ => {
                let t = self.trid();
                let gw = self.gateway("messenger.msn.com");
                self.line(&format!(
                    "XFR {t} SB 203.0.113.40:1863 CKI 17262740.1119866800.{t}{gw}"
                ));
            }
        }
    }

    /// One client-to-server notification command.
    fn ns_client(&mut self, payload_heavy: bool) {
        let v = self.v;
        let t = self.trid();
        match self.rng.below(if payload_heavy { 3 } else { 8 }) {
            0 if v >= ProtocolVersion::Msnp11 => {
                let psm = *self.rng.pick(TEXTS);
                let body = format!("<Data><PSM>{psm}</PSM><CurrentMedia></CurrentMedia></Data>");
                self.payload(&format!("UUX {t}"), body.as_bytes());
            }
            1 if v >= ProtocolVersion::Msnp13 => {
                let d = *self.rng.pick(DOMAINS);
                let body = format!(
                    "<ml><d n=\"{d}\"><c n=\"{}\" l=\"3\" t=\"1\"/></d></ml>",
                    self.rng.pick(NAMES)
                );
                self.payload(&format!("ADL {t}"), body.as_bytes());
            }
            2 if v >= ProtocolVersion::Msnp8 => self.payload(
                &format!("QRY {t} PROD0090YUAUV{{2B"),
                b"64812169fe9717715f03c678fa4ab938",
            ),
            3 | 4 => self.line("PNG"),
            5 => {
                let (s, caps) = (*self.rng.pick(STATUSES), self.caps());
                let obj = if v >= ProtocolVersion::Msnp9 {
                    format!(" {MSNOBJ}")
                } else {
                    String::new()
                };
                self.line(&format!("CHG {t} {s} {caps}{obj}"));
            }
            6 => self.line(&format!("XFR {t} SB")),
            _ => self.line(&format!("PRP {t} MFN Alice%20%28home%29")),
        }
    }

    /// One switchboard command in `dir`.
    fn sb(&mut self, dir: Direction) {
        let v = self.v;
        match dir {
            Direction::ClientToServer => {
                let t = self.trid();
                match self.rng.below(5) {
                    0 => {
                        let who = self.handle();
                        self.line(&format!("CAL {t} {who}"));
                    }
                    1 => self.payload(&format!("MSG {t} U"), b"MIME-Version: 1.0\r\nContent-Type: text/x-msmsgscontrol\r\nTypingUser: alice@hotmail.com\r\n\r\n\r\n"),
                    _ => {
                        let body = self.mime();
                        self.payload(&format!("MSG {t} A"), &body);
                    }
                }
            }
            Direction::ServerToClient => match self.rng.below(6) {
                0 => {
                    let (who, nick) = (self.handle(), *self.rng.pick(NICKS));
                    let caps = if v >= ProtocolVersion::Msnp12 {
                        format!(" {}", self.caps())
                    } else {
                        String::new()
                    };
                    self.line(&format!("JOI {who} {nick}{caps}"));
                }
                1 => {
                    let t = self.trid;
                    self.line(&format!("ACK {t}"));
                }
                2 => {
                    let who = self.handle();
                    self.line(&format!("BYE {who}"));
                }
                _ => {
                    let (who, nick) = (self.handle(), *self.rng.pick(NICKS));
                    let body = self.mime();
                    self.payload(&format!("MSG {who} {nick}"), &body);
                }
            },
        }
    }
}

/// The four dialects the benchmarks mix: MSNP8, 12, 15 and 18.
pub const VERSIONS: [ProtocolVersion; 4] = [
    ProtocolVersion::Msnp8,
    ProtocolVersion::Msnp12,
    ProtocolVersion::Msnp15,
    ProtocolVersion::Msnp18,
];

/// Generates about `target_bytes` of traffic: for each of MSNP8/12/15/18, NS and SB, both directions.
pub fn corpus(profile: Profile, target_bytes: usize, seed: u64) -> Corpus {
    let mut rng = Rng::new(seed);
    let per = target_bytes / (VERSIONS.len() * 4);
    let mut segments = Vec::new();
    for v in VERSIONS {
        for sb in [false, true] {
            for dir in [Direction::ClientToServer, Direction::ServerToClient] {
                let dialect = if sb {
                    Dialect::switchboard(v)
                } else {
                    Dialect::notification(v)
                }
                .with_direction(dir);
                let mut g = Gen {
                    rng: &mut rng,
                    v,
                    out: Vec::with_capacity(per + 4096),
                    n: 0,
                    trid: 1,
                };
                while g.out.len() < per {
                    let heavy = match profile {
                        Profile::Presence => false,
                        Profile::Payload => true,
                        Profile::Mixed => g.rng.below(3) == 0,
                    };
                    match (sb, dir) {
                        (true, d) => g.sb(d),
                        (false, Direction::ServerToClient) => g.ns_server(heavy),
                        (false, Direction::ClientToServer) => g.ns_client(heavy),
                    }
                }
                let (bytes, commands) = (g.out, g.n);
                segments.push(Segment {
                    dialect,
                    bytes,
                    commands,
                });
            }
        }
    }
    Corpus { segments }
}

/// The yardstick: a plain memchr line split with a token split of each line (what any MSNP
/// parser must at least do), returning a checksum so the work is not optimised away.
pub fn memchr_split(bytes: &[u8]) -> usize {
    let mut sum = 0usize;
    let mut start = 0usize;
    for lf in memchr::memchr_iter(b'\n', bytes) {
        let line = &bytes[start..lf];
        let mut tokens = 0usize;
        let mut tstart = 0usize;
        for sp in memchr::memchr_iter(b' ', line) {
            tokens += sp - tstart;
            tstart = sp + 1;
        }
        sum = sum.wrapping_add(tokens + line.len() - tstart);
        start = lf + 1;
    }
    sum
}

/// The SSO binary secret both ends of [`loopback_login`] use.
const SSO_SECRET: &[u8] = b"a binary secret of 24 b.";

/// One client↔server login of `version` in memory (the client and the server machines feeding
/// each other's output): whether the client got in. MSNP7 logs in with MD5, MSNP15 with SSO and
/// its MBI blob; the benchmarks and the instruction-count gate time it.
pub fn loopback_login(version: ProtocolVersion) -> bool {
    signed_in_client(version).is_some()
}

/// The client machine of [`loopback_login`] once signed in (`None` if the login failed).
pub fn signed_in_client(version: ProtocolVersion) -> Option<ClientLogin> {
    let cvr = CvrAnswer {
        recommended: "1".into(),
        recommended2: "1".into(),
        minimum: "1".into(),
        download_url: "http://a".into(),
        info_url: "http://b".into(),
    };
    let config = LoginConfig::new(
        "alice@hotmail.com",
        vec![version],
        ClientInfo::wlm_8_1(),
        Credentials::Password("pw".into()),
    );
    let (Ok(mut c), Ok(mut s)) = (
        ClientLogin::new(config),
        ServerLogin::new(ServerConfig::new(vec![version], cvr)),
    ) else {
        return None;
    };
    let mut logged_in = false;
    for _ in 0..32 {
        let mut moved = false;
        while let Some(cmd) = c.poll_transmit() {
            moved = true;
            if s.phase() != ServerPhase::Finished && s.handle_input(cmd.frame()).is_err() {
                return None;
            }
        }
        while let Some(cmd) = s.poll_transmit() {
            moved = true;
            if c.phase() != LoginPhase::Finished && c.handle_input(cmd.frame()).is_err() {
                return None;
            }
        }
        while let Some(e) = c.poll_event() {
            moved = true;
            let r = match e {
                LoginEvent::TicketNeeded(TicketRequest::Sso { .. }) => {
                    c.provide_sso("t=x&p=y", SSO_SECRET, [9; 8])
                }
                LoginEvent::LoggedIn { .. } => {
                    logged_in = true;
                    Ok(())
                }
                _ => Ok(()),
            };
            if r.is_err() {
                return None;
            }
        }
        while let Some(e) = s.poll_event() {
            moved = true;
            let r = match e {
                ServerEvent::LoginRequested { package, .. } => match package.as_str() {
                    "MD5" => s.challenge_md5("1234.5678"),
                    _ => s.challenge_sso("MBI_KEY_OLD", "bm9uY2U="),
                },
                ServerEvent::Credentials(ClientCredentials::Md5 { .. }) if s.verify_md5("pw") => {
                    s.accept(Some("Alice"), None, None)
                }
                ServerEvent::Credentials(ClientCredentials::Sso { .. })
                    if s.verify_sso(SSO_SECRET).unwrap_or(false) =>
                {
                    s.accept(None, Some(true), Some(false))
                }
                _ => Ok(()),
            };
            if r.is_err() {
                return None;
            }
        }
        if !moved {
            break;
        }
    }
    logged_in.then_some(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use msnp_proto::{Decoder, Limits, Status};

    #[test]
    fn every_generated_command_decodes() {
        for profile in [Profile::Presence, Profile::Payload, Profile::Mixed] {
            let c = corpus(profile, 256 * 1024, 7);
            for s in &c.segments {
                let mut dec = Decoder::new(s.dialect, Limits::default());
                let (mut at, mut n) = (0, 0);
                while at < s.bytes.len() {
                    match dec.decode(&s.bytes[at..]) {
                        Ok(Status::Complete { consumed, .. }) => {
                            at += consumed;
                            n += 1;
                        }
                        other => panic!("{:?} {:?} at {at}: {other:?}", profile, s.dialect),
                    }
                }
                assert_eq!(n, s.commands);
            }
        }
    }

    #[test]
    fn every_generated_command_is_a_valid_typed_message() {
        use msnp_proto::message::Message;
        let mut bad = Vec::new();
        for profile in [Profile::Presence, Profile::Payload, Profile::Mixed] {
            let c = corpus(profile, 256 * 1024, 7);
            for s in &c.segments {
                let mut dec = Decoder::new(s.dialect, Limits::default());
                let mut buf = &s.bytes[..];
                while let Ok(Status::Complete { value, consumed }) = dec.decode(buf) {
                    match Message::decode(&value, &s.dialect) {
                        Ok(m) if !m.is_unknown() => {}
                        other => bad.push(format!(
                            "{} {:?}: {:?}",
                            s.dialect.version,
                            String::from_utf8_lossy(value.line()),
                            other.err()
                        )),
                    }
                    buf = &buf[consumed..];
                }
            }
        }
        bad.sort();
        bad.dedup_by(|a, b| a.split(' ').take(2).eq(b.split(' ').take(2)));
        assert!(bad.is_empty(), "{}", bad.join("\n"));
    }

    #[test]
    fn corpus_is_deterministic() {
        assert_eq!(
            corpus(Profile::Mixed, 64 * 1024, 3).segments[5].bytes,
            corpus(Profile::Mixed, 64 * 1024, 3).segments[5].bytes
        );
    }
}
