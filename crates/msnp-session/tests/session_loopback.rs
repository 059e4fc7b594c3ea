//! In-process client ↔ server runs on simulated time, quinn style: `ClientLogin` then
//! `NotificationSession` against `ServerLogin` and a scripted notification server, over a
//! loopback that moves every queued command until both sides are quiet. Per era (MD5: MSNP7,
//! TWN: MSNP8 and MSNP11; TWN + ABCH: MSNP13 and MSNP14; SSO: MSNP15 and MSNP18): login, the
//! contact list (`SYN`, or the caller's `ADL`s), presence both ways, a challenge, keepalive over
//! ten simulated minutes, `XFR SB` and `RNG` handing out working switchboard sessions (a chat on
//! the later eras), `OUT`.

use std::time::{Duration, Instant};

use msnp_proto::message::AckMode;
use msnp_proto::message::lists::BlpMode;
use msnp_proto::payload::ml::Ml;
use msnp_proto::payload::xml::XmlLimits;
use msnp_proto::{
    Dialect, Direction, List, ListBits, Message, NetworkId, OwnedCommand, PresenceStatus,
    ProtocolVersion as V, UrlText,
};
use msnp_session::{
    ClientCredentials, ClientInfo, ClientLogin, Credentials, CvrAnswer, LoginConfig, LoginEvent,
    LoginPhase, NotificationSession, Request, ServerConfig, ServerEvent, ServerLogin,
    SessionConfig, SessionEvent, SessionPhase, SwitchboardEvent, TicketRequest,
};
use msnp_soap::abch::{
    AbFindResult, AbResponse, AbResponseBody, Contact, ContactInfo, ContactType,
    FindMembershipResult, Member, MemberRole, Membership, Service, ServiceHandle,
};

/// The binary secret of the ticket the SSO client presents (MSNP15+).
const SECRET: &[u8] = b"the ticket's binary secret 24b";
/// The server's SSO nonce.
const NONCE: &str = "q7K2mV9xB4nR1tY6uP3sL8wE0aZ5cJ2hG7dF4kQ9vN1bM6xT3yU8iO0pW5eR2tA7";
/// The client's machine GUID (MSNP16+ sends it in `USR SSO S` and switchboard handles).
const GUID: &str = "{F52973B6-C926-4BAD-9BA8-7C1E840E4AB0}";

/// The scripted notification server: `ServerLogin` for the login, canned answers after it.
struct Server {
    login: ServerLogin,
    version: V,
    /// `QNG` seconds (MSNP9+), `None`: stop answering `PNG`.
    qng: Option<Option<u32>>,
    pings: usize,
    qry_passed: usize,
    client_left: bool,
    /// The `<ml>` payloads of the client's `ADL`s (MSNP13+).
    adls: Vec<String>,
    /// The `<Data>` payloads of the client's `UUX`es (MSNP11+).
    uuxes: Vec<String>,
}

impl Server {
    fn new(version: V) -> Self {
        let cvr = CvrAnswer {
            recommended: "1".into(),
            recommended2: "1".into(),
            minimum: "1".into(),
            download_url: "http://a".into(),
            info_url: "http://b".into(),
        };
        let login = ServerLogin::new(ServerConfig::new(vec![version], cvr)).unwrap();
        let qng = Some((version >= V::Msnp9).then_some(45));
        Self {
            login,
            version,
            qng,
            pings: 0,
            qry_passed: 0,
            client_left: false,
            adls: Vec::new(),
            uuxes: Vec::new(),
        }
    }

    /// A contact as presence lines name it: the bare handle (MSNP2–13), `handle nid`
    /// (MSNP14–17), `nid:handle` (MSNP18+).
    fn who(&self, handle: &str) -> String {
        match self.version {
            v if v >= V::Msnp18 => format!("1:{handle}"),
            v if v >= V::Msnp14 => format!("{handle} 1"),
            _ => handle.to_owned(),
        }
    }

    /// The trailer `XFR … SB` and `RNG` carry: the auth domain (MSNP13+), the direct-connect
    /// flag (MSNP14+).
    fn sb_tail(&self) -> &'static str {
        match self.version {
            v if v >= V::Msnp14 => " U messenger.msn.com 1",
            v if v >= V::Msnp13 => " U messenger.msn.com",
            _ => "",
        }
    }

    /// Capabilities as presence lines carry them: `caps:capsex` from MSNP16.
    fn caps(&self) -> &'static str {
        if self.version >= V::Msnp16 {
            "0:0"
        } else {
            "0"
        }
    }

    /// Sends a line written in the server's dialect.
    fn say(&mut self, line: &str) {
        let d = self.login.dialect();
        // A payload command is given whole (line, CRLF, payload).
        let wire = if line.contains("\r\n") {
            line.to_owned()
        } else {
            format!("{line}\r\n")
        };
        let cmd = OwnedCommand::from_frame(wire.into_bytes().into(), &d, &msnp_proto::Limits::MAX)
            .unwrap();
        let msg = Message::decode(&cmd.as_raw(), &d).unwrap();
        self.login.send(&msg).unwrap();
    }

    fn client_dialect(&self) -> Dialect {
        Dialect::notification(self.version).with_direction(Direction::ClientToServer)
    }

    fn serve(&mut self) {
        while let Some(e) = self.login.poll_event() {
            match e {
                ServerEvent::LoginRequested { .. } => {
                    if self.version < V::Msnp8 {
                        self.login.challenge_md5("1013928519.693957190").unwrap();
                    } else if self.version >= V::Msnp15 {
                        self.login.challenge_sso("MBI_KEY_OLD", NONCE).unwrap();
                    } else {
                        self.login.challenge_twn("lc=1033,id=507,tw=40").unwrap();
                    }
                }
                ServerEvent::Credentials(c) => {
                    match c {
                        ClientCredentials::Md5 { .. } => assert!(self.login.verify_md5("s3cret")),
                        ClientCredentials::Ticket { ticket } => {
                            assert_eq!(ticket.as_str(), "t=T&p=P")
                        }
                        ClientCredentials::Sso {
                            ticket,
                            machine_guid,
                            ..
                        } => {
                            assert_eq!(ticket.as_str(), "t=T&p=P");
                            assert_eq!(
                                machine_guid.as_ref().map(|g| g.as_str()),
                                (self.version >= V::Msnp16).then_some(GUID)
                            );
                            // The MBI blob proves the client holds the ticket's secret.
                            assert!(self.login.verify_sso(SECRET).unwrap());
                            assert!(!self.login.verify_sso(b"another secret").unwrap());
                        }
                        other => panic!("{other:?}"),
                    }
                    let nick = (self.version < V::Msnp10).then_some("Alice");
                    let flags = (self.version >= V::Msnp8).then_some(true);
                    self.login
                        .accept(nick, flags, flags.map(|_| false))
                        .unwrap();
                }
                ServerEvent::ChallengePassed(_) => self.qry_passed += 1,
                ServerEvent::ClientLeft => self.client_left = true,
                ServerEvent::Command(cmd) => self.command(&cmd),
                ServerEvent::Failed(e) => panic!("server: {e}"),
                _ => {}
            }
        }
    }

    fn command(&mut self, cmd: &OwnedCommand) {
        let d = self.client_dialect();
        let msg = Message::decode(&cmd.as_raw(), &d).unwrap();
        let v = self.version;
        match msg {
            Message::Png(_) => {
                self.pings += 1;
                match self.qng {
                    Some(Some(s)) => self.say(&format!("QNG {s}")),
                    Some(None) => self.say("QNG"),
                    None => {}
                }
            }
            Message::Syn(s) => {
                let t = s.trid;
                if v < V::Msnp8 {
                    for l in [
                        format!("SYN {t} 5"),
                        format!("GTC {t} 5 A"),
                        format!("BLP {t} 5 AL"),
                        format!("LSG {t} 5 1 1 0 Friends 0"),
                        format!("LST {t} FL 5 1 2 bob@hotmail.com Bob 0"),
                        format!("LST {t} FL 5 2 2 carol@msn.com Carol 0"),
                        format!("LST {t} AL 5 1 2 bob@hotmail.com Bob"),
                        format!("LST {t} AL 5 2 2 carol@msn.com Carol"),
                        format!("LST {t} BL 5 0 0"),
                        format!("LST {t} RL 5 1 1 bob@hotmail.com Bob"),
                    ] {
                        self.say(&l);
                    }
                } else if v < V::Msnp10 {
                    for l in [
                        format!("SYN {t} 5 2 1"),
                        "GTC A".into(),
                        "BLP AL".into(),
                        "LSG 0 Friends 0".into(),
                        "LST bob@hotmail.com Bob 11 0".into(),
                        "BPR PHH 555".into(),
                        "LST carol@msn.com Carol 3 0".into(),
                    ] {
                        self.say(&l);
                    }
                } else {
                    let g = "a6d3c1f2-4b58-4f0e-9d21-3c7e5b8a1f04";
                    for l in [
                        format!("SYN {t} 2005-06-27T11:25:12 2005-06-27T11:25:12 2 1"),
                        "GTC A".into(),
                        "BLP AL".into(),
                        "PRP MFN Alice".into(),
                        format!("LSG Friends {g}"),
                        format!(
                            "LST N=bob@hotmail.com F=Bob C=3f2504e0-4f89-41d3-9a0c-0305e82c3301 11 {g}"
                        ),
                        "BPR PHH 555".into(),
                        "LST N=carol@msn.com F=Carol C=7d444840-9dc0-11d1-b245-5ffdce74fad2 3"
                            .into(),
                    ] {
                        self.say(&l);
                    }
                }
            }
            Message::Chg(c) => {
                let caps = match v {
                    v if v >= V::Msnp16 => " 0:0",
                    v if v >= V::Msnp8 => " 0",
                    _ => "",
                };
                self.say(&format!("CHG {} {}{caps}", c.trid, c.status.as_str()));
                let bob = self.who("bob@hotmail.com");
                if v >= V::Msnp18 {
                    // MSNP18 has no ILN: initial presence comes as NLN.
                    self.say(&format!("NLN NLN {bob} Bob{caps}"));
                } else {
                    self.say(&format!("ILN {} NLN {bob} Bob{caps}", c.trid));
                }
                if v >= V::Msnp11 {
                    let d = "<Data><PSM>hello</PSM><CurrentMedia></CurrentMedia></Data>";
                    self.say(&format!("UBX {bob} {}\r\n{d}", d.len()));
                }
            }
            Message::Fqy(f) => {
                // Whoever is asked about is a Yahoo! Messenger user.
                let asked = Ml::parse(&f.payload, &XmlLimits::default()).unwrap();
                let (account, c) = asked.accounts().next().unwrap();
                assert_eq!((c.lists, c.network), (None, None), "{account}");
                let (local, domain) = account.split_once('@').unwrap();
                let d = format!("<ml><d n=\"{domain}\"><c n=\"{local}\" t=\"32\" /></d></ml>");
                self.say(&format!("FQY {} {}\r\n{d}", f.trid, d.len()));
            }
            Message::Adl(a) => {
                self.adls
                    .push(String::from_utf8(a.payload.to_vec()).unwrap());
                self.say(&format!("ADL {} OK", a.trid));
            }
            Message::XfrRequest(x) => {
                self.say(&format!(
                    "XFR {} SB 203.0.113.40:1863 CKI 17262740.1.8131{}",
                    x.trid,
                    self.sb_tail()
                ));
            }
            Message::Adg(g) => {
                if v < V::Msnp10 {
                    self.say(&format!("ADG {} 6 {} 1 0", g.trid, g.name.wire()));
                } else {
                    self.say(&format!(
                        "ADG {} {} 1e9b7c55-02d4-4a6f-8c3e-f5a2b9d0c713",
                        g.trid,
                        g.name.wire()
                    ));
                }
            }
            Message::Add(a) => self.say(&format!("215 {}", a.trid)),
            Message::Adc(a) => self.say(&format!("215 {}", a.trid)),
            Message::Blp(b) => {
                let ver = if v < V::Msnp10 { " 7" } else { "" };
                self.say(&format!(
                    "BLP {}{ver} {}",
                    b.trid.unwrap().0,
                    b.mode.as_str()
                ));
            }
            Message::Uux(u) => {
                self.uuxes
                    .push(String::from_utf8(u.payload.to_vec()).unwrap());
                self.say(&format!("UUX {} 0", u.trid));
            }
            other => panic!("unscripted client command {other:?}"),
        }
    }
}

/// Client and server joined by a loopback, on simulated time.
struct Net {
    login: Option<ClientLogin>,
    ns: Option<NotificationSession>,
    server: Server,
    start: Instant,
    now: Instant,
    events: Vec<SessionEvent>,
    closed: bool,
}

impl Net {
    fn new(version: V) -> Self {
        let creds = if version < V::Msnp8 {
            Credentials::Password("s3cret".into())
        } else {
            Credentials::Ticket
        };
        let mut cfg = LoginConfig::new(
            "alice@hotmail.com",
            vec![version],
            ClientInfo::wlm_8_1(),
            creds,
        );
        if version >= V::Msnp16 {
            cfg = cfg.with_machine_guid(GUID);
        }
        let start = Instant::now();
        let mut net = Self {
            login: Some(ClientLogin::new(cfg).unwrap()),
            ns: None,
            server: Server::new(version),
            start,
            now: start,
            events: Vec::new(),
            closed: false,
        };
        net.pump();
        let login = net.login.take().unwrap();
        assert_eq!(login.phase(), LoginPhase::LoggedIn);
        net.ns = Some(
            login
                .into_session(SessionConfig::default(), net.now)
                .unwrap(),
        );
        net.pump();
        net
    }

    fn ns(&mut self) -> &mut NotificationSession {
        self.ns.as_mut().unwrap()
    }

    /// Moves every queued command both ways until both sides are quiet.
    fn pump(&mut self) {
        loop {
            let mut moved = false;
            while let Some(c) = self.client_transmit() {
                moved = true;
                self.server.login.handle_input(c.frame()).unwrap();
            }
            self.server.serve();
            while let Some(c) = self.server.login.poll_transmit() {
                moved = true;
                if let Some(ns) = &mut self.ns {
                    if ns.phase() != SessionPhase::Finished {
                        ns.handle_input(c.frame()).unwrap();
                    }
                } else if let Some(l) = &mut self.login {
                    l.handle_input(c.frame()).unwrap();
                }
            }
            self.client_events();
            if !moved {
                break;
            }
        }
    }

    fn client_transmit(&mut self) -> Option<OwnedCommand> {
        match (&mut self.ns, &mut self.login) {
            (Some(ns), _) => ns.poll_transmit(),
            (None, Some(l)) => l.poll_transmit(),
            _ => None,
        }
    }

    fn client_events(&mut self) {
        if let Some(ns) = &mut self.ns {
            while let Some(e) = ns.poll_event() {
                assert!(!self.closed, "event after Closed: {e:?}");
                self.closed |= matches!(e, SessionEvent::Closed { .. });
                self.events.push(e);
            }
            return;
        }
        let Some(l) = &mut self.login else { return };
        // Up to the sign-in: the rest is carried into the session.
        while l.phase() != LoginPhase::LoggedIn {
            let Some(e) = l.poll_event() else { break };
            match e {
                LoginEvent::TicketNeeded(
                    TicketRequest::Passport14 { .. } | TicketRequest::Rst { .. },
                ) => {
                    l.provide_ticket("t=T&p=P").unwrap();
                }
                LoginEvent::TicketNeeded(TicketRequest::Sso { nonce, .. }) => {
                    assert_eq!(nonce.as_str(), NONCE);
                    l.provide_sso("t=T&p=P", SECRET, [1, 2, 3, 4, 5, 6, 7, 8])
                        .unwrap();
                }
                LoginEvent::Failed(e) => panic!("login: {e}"),
                _ => {}
            }
        }
    }

    /// Advances simulated time in one-second steps, firing the session's timers.
    fn run_for(&mut self, d: Duration) {
        let end = self.now + d;
        while self.now < end {
            self.now += Duration::from_secs(1);
            let now = self.now;
            if let Some(ns) = &mut self.ns
                && ns.poll_timeout().is_some_and(|t| t <= now)
            {
                ns.handle_timeout(now);
            }
            self.pump();
        }
    }

    fn take_events(&mut self) -> Vec<SessionEvent> {
        std::mem::take(&mut self.events)
    }
}

fn era(version: V) {
    let mut net = Net::new(version);
    let trid = net.ns().sync(None).unwrap();
    net.pump();
    let events = net.take_events();
    let roster = events
        .iter()
        .find_map(|e| match e {
            SessionEvent::RosterSynced {
                roster,
                changed: true,
            } => Some(roster.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("{version:?}: no roster in {events:?} (SYN {trid})"));
    assert_eq!(roster.contacts.len(), 2, "{version:?}");
    assert_eq!(roster.groups.len(), 1, "{version:?}");
    assert_eq!(roster.privacy.blp, Some(BlpMode::AllowUnlisted));
    let bob = roster.contact("bob@hotmail.com").unwrap();
    assert!(bob.lists.contains(ListBits(11)), "{version:?}: {bob:?}");
    assert_eq!(bob.groups.len(), 1);
    if version >= V::Msnp8 {
        assert_eq!(
            bob.property(&msnp_proto::message::Property::HomePhone),
            Some("555")
        );
    }

    // Presence, our way: CHG, and the contacts' initial presence.
    net.ns()
        .set_status(PresenceStatus::Online, None, None)
        .unwrap();
    net.pump();
    let events = net.take_events();
    assert!(events.iter().any(|e| matches!(
        e,
        SessionEvent::OwnStatus {
            status: PresenceStatus::Online,
            ..
        }
    )));
    assert!(events.iter().any(|e| matches!(e,
        SessionEvent::Presence { handle, initial: true, presence, .. }
            if &**handle == "bob@hotmail.com" && presence.status == PresenceStatus::Online)));
    if version >= V::Msnp11 {
        assert_eq!(
            net.ns()
                .roster()
                .contact("bob@hotmail.com")
                .unwrap()
                .presence
                .personal_message
                .as_deref(),
            Some("hello")
        );
        net.ns().set_personal_message("at work", None).unwrap();
        net.pump();
        assert!(net.take_events().iter().any(|e| matches!(
            e,
            SessionEvent::RequestDone {
                request: Request::SetPersonalMessage,
                ..
            }
        )));
    }

    // Presence, their way.
    net.server
        .say(&"NLN AWY carol@msn.com Carol".pipe_caps(version));
    net.server.say("FLN bob@hotmail.com");
    net.pump();
    let ns = net.ns();
    assert_eq!(
        ns.roster()
            .contact("carol@msn.com")
            .unwrap()
            .presence
            .status,
        PresenceStatus::Away
    );
    assert_eq!(
        ns.roster()
            .contact("bob@hotmail.com")
            .unwrap()
            .presence
            .status,
        PresenceStatus::Offline
    );

    // Requests matched by TrID, the error delivered as the failure.
    let add = net
        .ns()
        .add_contact(List::Forward, "bob@hotmail.com", None, None)
        .unwrap();
    let grp = net
        .ns()
        .add_group(&UrlText::from_plain("Work").unwrap())
        .unwrap();
    let blp = net.ns().set_privacy(BlpMode::BlockUnlisted).unwrap();
    net.pump();
    let events = net.take_events();
    assert!(events.iter().any(
        |e| matches!(e, SessionEvent::RequestFailed { id, code, .. } if *id == add && code.0 == 215)
    ));
    assert!(events.iter().any(|e| matches!(e, SessionEvent::RequestDone { id, request: Request::AddGroup(n) } if *id == grp && n == "Work")));
    assert!(
        events
            .iter()
            .any(|e| matches!(e, SessionEvent::RequestDone { id, .. } if *id == blp))
    );
    assert!(net.ns().roster().groups.iter().any(|g| g.name == "Work"));
    assert_eq!(net.ns().roster().privacy.blp, Some(BlpMode::BlockUnlisted));

    // A challenge (MSNP6+), answered and accepted.
    net.server
        .login
        .send_challenge("15570131571988941333")
        .unwrap();
    net.pump();
    assert_eq!(net.server.qry_passed, 1, "{version:?}");
    assert!(
        net.take_events()
            .iter()
            .any(|e| matches!(e, SessionEvent::ChallengeAccepted(_)))
    );

    // Keepalive over ten simulated minutes.
    let before = net.server.pings;
    net.run_for(Duration::from_secs(600));
    let pings = net.server.pings - before;
    let expected = if version >= V::Msnp9 { 13 } else { 10 };
    assert!(
        (expected - 1..=expected + 1).contains(&pings),
        "{version:?}: {pings} pings"
    );
    assert!(!net.closed);

    // A switchboard asked for, and an invitation: both sessions work against a switchboard.
    let id = net.ns().request_switchboard(&["bob@hotmail.com"]).unwrap();
    net.pump();
    net.server
        .say("RNG 11752099 203.0.113.41:1863 CKI 849102291.1.15422 carol@msn.com Carol");
    net.pump();
    let mut got = 0;
    for e in net.take_events() {
        match e {
            SessionEvent::SwitchboardReady {
                id: i,
                address,
                mut session,
            } => {
                assert_eq!(i, id);
                assert_eq!(address.as_str(), "203.0.113.40:1863");
                assert_eq!(
                    &session.poll_transmit().unwrap().frame()[..],
                    b"USR 1 alice@hotmail.com 17262740.1.8131\r\n"
                );
                session
                    .handle_input(b"USR 1 OK alice@hotmail.com Alice\r\n")
                    .unwrap();
                assert_eq!(
                    &session.poll_transmit().unwrap().frame()[..],
                    b"CAL 2 bob@hotmail.com\r\n"
                );
                got += 1;
            }
            SessionEvent::Invitation {
                inviter,
                inviter_name,
                mut session,
                ..
            } => {
                assert_eq!(inviter.as_str(), "carol@msn.com");
                assert_eq!(inviter_name, "Carol");
                assert_eq!(
                    &session.poll_transmit().unwrap().frame()[..],
                    b"ANS 1 alice@hotmail.com 849102291.1.15422 11752099\r\n"
                );
                session.handle_input(b"ANS 1 OK\r\n").unwrap();
                assert!(matches!(
                    session.poll_event(),
                    Some(SwitchboardEvent::Ready)
                ));
                got += 1;
            }
            _ => {}
        }
    }
    assert_eq!(got, 2);

    // Signed in elsewhere: OUT OTH closes the session; nothing follows.
    net.server.say("OUT OTH");
    net.pump();
    let events = net.take_events();
    assert!(matches!(
        events.last(),
        Some(SessionEvent::Closed {
            reason: Some(msnp_proto::message::OutReason::OtherLogin),
            ..
        })
    ));
    assert_eq!(net.ns().phase(), SessionPhase::Finished);
    assert_eq!(net.ns().poll_timeout(), None);
    net.run_for(Duration::from_secs(120));
    assert!(net.take_events().is_empty());
    assert!(
        net.ns()
            .set_status(PresenceStatus::Busy, None, None)
            .is_err()
    );
}

/// The caller's address book as the ABCH services answer it (MSNP13+): the two SOAP responses
/// a server would send, written and read back by msnp-soap, as the client fetched them.
fn address_book() -> (AbFindResult, FindMembershipResult) {
    let contact = |account: &str, id: u8| Contact {
        contact_id: Some(format!("00000000-0000-0000-0000-0000000000{id:02}")),
        info: Some(ContactInfo {
            contact_type: Some(ContactType::Regular),
            passport_name: Some(account.to_owned()),
            is_messenger_user: Some(true),
            display_name: Some(account.to_owned()),
            ..ContactInfo::default()
        }),
        ..Contact::default()
    };
    let ab = AbResponseBody::FindAll(AbFindResult {
        contacts: vec![contact("bob@hotmail.com", 1), contact("carol@msn.com", 2)],
        ..AbFindResult::default()
    });
    let fm = AbResponseBody::FindMembership(FindMembershipResult {
        services: vec![Service {
            handle: ServiceHandle::messenger(),
            memberships: vec![Membership {
                role: MemberRole::Allow,
                members: vec![Member::passport("bob@hotmail.com")],
                is_complete: None,
            }],
            last_change: None,
            deleted: None,
        }],
    });
    let over_http = |body| {
        let xml = AbResponse {
            service_header: None,
            body,
        }
        .to_xml();
        AbResponse::from_xml(&xml, &XmlLimits::default())
            .unwrap()
            .body
    };
    let (AbResponseBody::FindAll(ab), AbResponseBody::FindMembership(fm)) =
        (over_http(ab), over_http(fm))
    else {
        panic!("the responses read back as what they were")
    };
    (ab, fm)
}

/// MSNP13+: the address book's list sent as `ADL`, then as `era` does, with presence lines in
/// the version's shape (`handle nid` on 14–17, `nid:handle` on 18), a chat in the switchboard
/// asked for and the one invited to, and the user's own `OUT`.
fn abch_era(version: V) {
    let mut net = Net::new(version);
    assert!(net.ns().sync(None).is_err(), "no SYN from MSNP13");
    let me = if version >= V::Msnp16 {
        format!("alice@hotmail.com;{GUID}")
    } else {
        "alice@hotmail.com".to_owned()
    };

    // The contact list: one ADL (two contacts fit), its ADL OK completes the request.
    let (ab, memberships) = address_book();
    let list = net.ns().load_address_book(&ab, &memberships).unwrap();
    net.pump();
    assert_eq!(net.server.adls.len(), 1, "{version:?}");
    let sent = Ml::parse(net.server.adls[0].as_bytes(), &XmlLimits::default()).unwrap();
    let accounts: Vec<(String, Option<ListBits>)> =
        sent.accounts().map(|(a, c)| (a, c.lists)).collect();
    assert_eq!(
        accounts,
        [
            ("bob@hotmail.com".to_owned(), Some(ListBits(3))),
            ("carol@msn.com".to_owned(), Some(ListBits(1)))
        ],
        "{version:?}"
    );
    assert!(net.server.adls[0].starts_with("<ml l=\"1\">"));
    let events = net.take_events();
    assert!(
        events.iter().any(|e| matches!(e,
            SessionEvent::RequestDone { id, request: Request::ContactList } if *id == list)),
        "{version:?}: {events:?}"
    );
    assert_eq!(net.ns().roster().contacts.len(), 2);
    assert_eq!(
        net.ns().roster().contact("bob@hotmail.com").unwrap().lists,
        ListBits(3)
    );

    // A federated contact (MSNP14+): FQY finds the network, ADL puts them on the list.
    if version >= V::Msnp14 {
        let q = net.ns().query_network("dave@yahoo.com").unwrap();
        net.pump();
        let events = net.take_events();
        assert!(
            matches!(&events[..], [SessionEvent::NetworkFound { id, contact, network: Some(NetworkId::YAHOO) }]
                if *id == q && contact == "dave@yahoo.com"),
            "{version:?}: {events:?}"
        );
        let add = net
            .ns()
            .add_to_lists("dave@yahoo.com", ListBits::FORWARD, NetworkId::YAHOO)
            .unwrap();
        net.pump();
        assert_eq!(
            net.server.adls.last().unwrap(),
            "<ml><d n=\"yahoo.com\"><c n=\"dave\" l=\"1\" t=\"32\" /></d></ml>"
        );
        assert!(net.take_events().iter().any(
            |e| matches!(e, SessionEvent::RequestDone { id, request: Request::AddToLists { .. } } if *id == add)
        ));
        let dave = net.ns().roster().contact("dave@yahoo.com").unwrap();
        assert_eq!(dave.network, Some(NetworkId::YAHOO));
    } else {
        assert!(net.ns().query_network("dave@yahoo.com").is_err());
    }

    // Presence, our way: CHG, then the contacts' initial presence and PSM (`UBX`).
    net.ns()
        .set_status(PresenceStatus::Online, None, None)
        .unwrap();
    net.pump();
    let events = net.take_events();
    assert!(events.iter().any(|e| matches!(
        e,
        SessionEvent::OwnStatus {
            status: PresenceStatus::Online,
            ..
        }
    )));
    let initial = version < V::Msnp18;
    assert!(
        events.iter().any(|e| matches!(e,
        SessionEvent::Presence { handle, initial: i, presence, .. }
            if &**handle == "bob@hotmail.com" && presence.status == PresenceStatus::Online
                && *i == initial)),
        "{version:?}: {events:?}"
    );
    assert!(
        events.iter().any(|e| matches!(e,
        SessionEvent::Presence { handle, initial: false, changes, .. }
            if &**handle == "bob@hotmail.com" && changes.personal_message)),
        "{version:?}: {events:?}"
    );
    let bob = net
        .ns()
        .roster()
        .contact("bob@hotmail.com")
        .unwrap()
        .clone();
    assert_eq!(bob.presence.personal_message.as_deref(), Some("hello"));
    net.ns().set_personal_message("at work", None).unwrap();
    net.pump();
    assert!(
        net.server
            .uuxes
            .last()
            .unwrap()
            .contains("<PSM>at work</PSM>")
    );
    assert!(net.take_events().iter().any(|e| matches!(
        e,
        SessionEvent::RequestDone {
            request: Request::SetPersonalMessage,
            ..
        }
    )));

    // Presence, their way: a status, a personal message, a sign-out.
    let carol = net.server.who("carol@msn.com");
    let bob = net.server.who("bob@hotmail.com");
    let caps = net.server.caps();
    net.server.say(&format!("NLN AWY {carol} Carol {caps}"));
    let d = "<Data><PSM>lunch</PSM><CurrentMedia></CurrentMedia></Data>";
    net.server.say(&format!("UBX {carol} {}\r\n{d}", d.len()));
    // FLN carries the capabilities from MSNP14.
    if version >= V::Msnp14 {
        net.server.say(&format!("FLN {bob} {caps}"));
    } else {
        net.server.say(&format!("FLN {bob}"));
    }
    net.pump();
    let events = net.take_events();
    assert_eq!(events.len(), 3, "{version:?}: {events:?}");
    let roster = net.ns().roster();
    let carol = &roster.contact("carol@msn.com").unwrap().presence;
    assert_eq!(carol.status, PresenceStatus::Away);
    assert_eq!(carol.personal_message.as_deref(), Some("lunch"));
    assert_eq!(
        roster.contact("bob@hotmail.com").unwrap().presence.status,
        PresenceStatus::Offline
    );

    // A challenge, answered with the version's product pair and accepted.
    net.server
        .login
        .send_challenge("11533365622852247127")
        .unwrap();
    net.pump();
    assert_eq!(net.server.qry_passed, 1, "{version:?}");
    assert!(
        net.take_events()
            .iter()
            .any(|e| matches!(e, SessionEvent::ChallengeAccepted(_)))
    );

    // Keepalive over ten simulated minutes at the QNG's 45 s.
    let before = net.server.pings;
    net.run_for(Duration::from_secs(600));
    let pings = net.server.pings - before;
    assert!((12..=14).contains(&pings), "{version:?}: {pings} pings");
    assert!(!net.closed);

    // A switchboard asked for: log in, call Bob, chat.
    let id = net.ns().request_switchboard(&["bob@hotmail.com"]).unwrap();
    net.pump();
    let mut events = net.take_events();
    assert_eq!(events.len(), 1, "{version:?}: {events:?}");
    let mut sb = match events.pop() {
        Some(SessionEvent::SwitchboardReady {
            id: i,
            address,
            session,
        }) => {
            assert_eq!(i, id);
            assert_eq!(address.as_str(), "203.0.113.40:1863");
            session
        }
        other => panic!("{version:?}: {other:?}"),
    };
    assert_eq!(
        sb_sent(&mut sb),
        [format!("USR 1 {me} 17262740.1.8131\r\n")]
    );
    sb.handle_input(format!("USR 1 OK {me} Alice\r\n").as_bytes())
        .unwrap();
    assert_eq!(sb_sent(&mut sb), ["CAL 2 bob@hotmail.com\r\n"]);
    let mut joins = "CAL 2 RINGING 11752013\r\n".to_owned();
    if version >= V::Msnp16 {
        // MSNP16+: a JOI per endpoint, then the bare one.
        joins += "JOI bob@hotmail.com;{5C4F20D2-69E8-45DF-8A2B-2D40A81C2F41} Bob 0\r\n";
    }
    joins += "JOI bob@hotmail.com Bob 0\r\n";
    sb.handle_input(joins.as_bytes()).unwrap();
    let text = "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nhi Bob";
    let msg = sb
        .send_message(AckMode::Acknowledged, text.as_bytes())
        .unwrap();
    assert_eq!(
        sb_sent(&mut sb),
        [format!("MSG 3 A {}\r\n{text}", text.len())]
    );
    let reply = "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nhi Alice";
    sb.handle_input(
        format!(
            "ACK 3\r\nMSG bob@hotmail.com Bob {}\r\n{reply}",
            reply.len()
        )
        .as_bytes(),
    )
    .unwrap();
    let events: Vec<SwitchboardEvent> = std::iter::from_fn(|| sb.poll_event()).collect();
    assert!(matches!(events[0], SwitchboardEvent::Ready));
    assert!(events.iter().any(|e| matches!(e,
        SwitchboardEvent::Joined(p) if p.handle.as_str() == "bob@hotmail.com")));
    assert!(events.contains(&SwitchboardEvent::Delivered(msg)));
    assert!(events.iter().any(|e| matches!(e,
        SwitchboardEvent::Message { sender, payload, .. }
            if &**sender == "bob@hotmail.com" && payload.ends_with(b"hi Alice"))));
    // Bob, once per endpoint the server announced; never the user.
    let endpoints = if version >= V::Msnp16 { 2 } else { 1 };
    assert_eq!(
        sb.participants().len(),
        endpoints,
        "{version:?}: {events:?}"
    );
    assert!(
        sb.participants()
            .iter()
            .all(|p| p.handle.address() == "bob@hotmail.com")
    );
    sb.leave().unwrap();
    assert_eq!(sb_sent(&mut sb), ["OUT\r\n"]);

    // An invitation: answer, and Carol is there.
    net.server.say(&format!(
        "RNG 11752099 203.0.113.41:1863 CKI 849102291.1.15422 carol@msn.com Carol{}",
        net.server.sb_tail()
    ));
    net.pump();
    let mut sb = match net.take_events().pop() {
        Some(SessionEvent::Invitation {
            inviter, session, ..
        }) => {
            assert_eq!(inviter.as_str(), "carol@msn.com");
            session
        }
        other => panic!("{version:?}: {other:?}"),
    };
    assert_eq!(
        sb_sent(&mut sb),
        [format!("ANS 1 {me} 849102291.1.15422 11752099\r\n")]
    );
    sb.handle_input(b"IRO 1 1 1 carol@msn.com Carol 0\r\nANS 1 OK\r\n")
        .unwrap();
    let events: Vec<SwitchboardEvent> = std::iter::from_fn(|| sb.poll_event()).collect();
    assert!(
        matches!(&events[..], [SwitchboardEvent::Present(p), SwitchboardEvent::Ready]
        if p.handle.as_str() == "carol@msn.com"),
        "{version:?}: {events:?}"
    );

    // The user signs out: OUT, the server sees the client leave, then the socket closes.
    net.ns().logout().unwrap();
    net.pump();
    assert!(net.server.client_left);
    assert_eq!(net.ns().poll_timeout(), None);
    net.ns().connection_lost();
    net.client_events();
    assert!(matches!(
        net.take_events().last(),
        Some(SessionEvent::Closed { reason: None, .. })
    ));
    net.run_for(Duration::from_secs(120));
    assert!(net.take_events().is_empty());
}

/// Everything a switchboard session wants sent, as text.
fn sb_sent(sb: &mut msnp_session::SwitchboardSession) -> Vec<String> {
    std::iter::from_fn(|| sb.poll_transmit())
        .map(|c| String::from_utf8(c.frame().to_vec()).unwrap())
        .collect()
}

trait Caps {
    fn pipe_caps(&self, v: V) -> String;
}

impl Caps for str {
    /// Appends the capabilities argument presence lines have from MSNP8.
    fn pipe_caps(&self, v: V) -> String {
        if v >= V::Msnp8 {
            format!("{self} 0")
        } else {
            self.to_owned()
        }
    }
}

#[test]
fn md5_era_msnp7() {
    era(V::Msnp7);
}

#[test]
fn twn_era_msnp8() {
    era(V::Msnp8);
}

#[test]
fn twn_era_msnp11() {
    era(V::Msnp11);
}

#[test]
fn abch_era_msnp13() {
    abch_era(V::Msnp13);
}

#[test]
fn abch_era_msnp14() {
    abch_era(V::Msnp14);
}

#[test]
fn sso_era_msnp15() {
    abch_era(V::Msnp15);
}

#[test]
fn sso_era_msnp18() {
    abch_era(V::Msnp18);
}

#[test]
fn a_missing_qng_is_a_dead_connection() {
    let mut net = Net::new(V::Msnp9);
    net.server.qng = None;
    net.run_for(Duration::from_secs(59));
    assert_eq!(net.server.pings, 0);
    net.run_for(Duration::from_secs(1));
    assert_eq!(net.server.pings, 1);
    net.run_for(Duration::from_secs(29));
    assert!(!net.closed);
    net.run_for(Duration::from_secs(1));
    let events = net.take_events();
    let n = events.len();
    assert!(matches!(events[n - 2], SessionEvent::ConnectionDead));
    assert!(matches!(
        events[n - 1],
        SessionEvent::Closed { reason: None, .. }
    ));
    assert_eq!(net.now - net.start, Duration::from_secs(90));
    net.run_for(Duration::from_secs(300));
    assert_eq!(net.server.pings, 1);
    assert!(net.take_events().is_empty());
}

#[test]
fn logout_then_the_socket_closes() {
    let mut net = Net::new(V::Msnp8);
    net.ns().logout().unwrap();
    net.pump();
    assert!(net.server.client_left);
    assert_eq!(net.ns().poll_timeout(), None, "no pings while logging out");
    assert!(net.ns().logout().is_err());
    net.ns().connection_lost();
    net.client_events();
    assert!(matches!(
        net.take_events().last(),
        Some(SessionEvent::Closed { reason: None, .. })
    ));
    net.ns().connection_lost();
    net.client_events();
    assert!(net.take_events().is_empty());
}
