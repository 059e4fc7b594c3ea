//! The session machines replay every shared transcript: fed the server's lines, they produce the
//! client's lines byte for byte (the SSO blob excepted: it is checked by verification, as the
//! transcripts' secret and IV are not known).

use msnp_proto::message::AckMode;
use msnp_proto::{Direction, Message, OwnedCommand, ProtocolVersion, TrId, Verb};
use msnp_session::{
    ClientLogin, LoginEvent, LoginPhase, SwitchboardConfig, SwitchboardEvent, SwitchboardSession,
    TicketRequest,
};

mod util;

use util::{Line, read, transcripts};

const SECRET: &[u8] = b"0123456789abcdefghijklmnopqrstuv";
const IV: [u8; 8] = [7, 6, 5, 4, 3, 2, 1, 0];

fn show(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Replays the DS and NS connections of one transcript; returns the login events and the
/// negotiated version.
fn replay_login(name: &str, lines: &[Line]) -> (Vec<LoginEvent>, ProtocolVersion) {
    let ns: Vec<&Line> = lines.iter().filter(|l| !l.sb).collect();
    let (config, negotiated) = util::login_config(name, lines);
    let mut login = ClientLogin::new(config).unwrap();
    let mut events = Vec::new();
    let mut conn = ns[0].conn;
    let mut sent = 0usize;
    for (i, line) in ns.iter().enumerate() {
        if line.conn != conn {
            conn = line.conn;
            if login.phase() == LoginPhase::Reconnect {
                login.connected().unwrap();
            }
        }
        match line.dir {
            Direction::ServerToClient => {
                // Feed in two pieces to exercise buffering.
                let (a, b) = line.bytes.split_at(line.bytes.len() / 2);
                login.handle_input(a).unwrap();
                login.handle_input(b).unwrap();
            }
            Direction::ClientToServer => {
                let produced = match login.poll_transmit() {
                    Some(c) => c,
                    None => {
                        // A command of the caller's (SYN, CHG, …): sent through the machine so
                        // it gets the next TrID.
                        let cmd = line.cmd();
                        let raw = cmd.as_raw();
                        let msg = Message::decode(&raw, &login.dialect()).unwrap();
                        if let Some(t) = msg.trid() {
                            assert_eq!(login.next_trid(), t, "{name}: the caller's TrID");
                        }
                        login.send(&msg).unwrap();
                        login.poll_transmit().unwrap()
                    }
                };
                sent += 1;
                let is_sso_s = line.verb() == Verb::USR
                    && line.args().first().map(String::as_str) == Some("SSO")
                    && line.args().get(1).map(String::as_str) == Some("S");
                if is_sso_s {
                    check_sso_line(name, line, &produced, &events);
                } else {
                    assert_eq!(
                        show(produced.frame()),
                        show(&line.bytes),
                        "{name}: client line {i}"
                    );
                }
            }
        }
        while let Some(ev) = login.poll_event() {
            if let LoginEvent::TicketNeeded(req) = &ev {
                let next = ns[i + 1..]
                    .iter()
                    .find(|l| l.dir == Direction::ClientToServer)
                    .unwrap();
                let ticket = next.args()[2].clone();
                match req {
                    TicketRequest::Sso { .. } => login.provide_sso(&ticket, SECRET, IV).unwrap(),
                    _ => login.provide_ticket(&ticket).unwrap(),
                }
            }
            if let LoginEvent::Failed(e) = &ev {
                panic!("{name}: login failed: {e}");
            }
            events.push(ev);
        }
    }
    assert!(
        login.poll_transmit().is_none(),
        "{name}: nothing left to send"
    );
    assert!(sent > 5);
    (events, negotiated)
}

fn check_sso_line(name: &str, line: &Line, produced: &OwnedCommand, events: &[LoginEvent]) {
    let want = line.args();
    let got: Vec<String> = produced
        .as_raw()
        .args()
        .map(|a| String::from_utf8(a.to_vec()).unwrap())
        .collect();
    assert_eq!(
        produced.as_raw().trid(),
        line.cmd().as_raw().trid(),
        "{name}"
    );
    assert_eq!(got.len(), want.len(), "{name}: {got:?}");
    for (k, (g, w)) in got.iter().zip(&want).enumerate() {
        if k != 3 {
            assert_eq!(g, w, "{name}: USR SSO S argument {k}");
        }
    }
    let nonce = events
        .iter()
        .find_map(|e| match e {
            LoginEvent::TicketNeeded(TicketRequest::Sso { nonce, .. }) => {
                Some(nonce.as_str().to_owned())
            }
            _ => None,
        })
        .unwrap();
    // Ours verifies with our secret; the transcript's is structurally a blob of the same shape.
    let ours = msnp_auth::MbiBlob::from_base64(&got[3]).unwrap();
    assert!(ours.verify(SECRET, &nonce).unwrap());
    assert!(
        !ours
            .verify(b"another secret, not the right one", &nonce)
            .unwrap()
    );
    let theirs = msnp_auth::MbiBlob::from_base64(&want[3]).unwrap();
    assert_eq!(theirs.header(), ours.header());
    assert_eq!(got[3].len(), want[3].len());
}

/// Event kinds, for order checks.
fn kind(e: &LoginEvent) -> &'static str {
    match e {
        LoginEvent::Negotiated(_) => "Negotiated",
        LoginEvent::Reconnect { .. } => "Reconnect",
        LoginEvent::TicketNeeded(_) => "TicketNeeded",
        LoginEvent::Packages(_) => "Packages",
        LoginEvent::LoggedIn { .. } => "LoggedIn",
        LoginEvent::Subscription(_) => "Subscription",
        LoginEvent::Profile(_) => "Profile",
        LoginEvent::Policies(_) => "Policies",
        LoginEvent::Challenge { .. } => "Challenge",
        LoginEvent::ChallengeAccepted(_) => "ChallengeAccepted",
        LoginEvent::Command(_) => "Command",
        LoginEvent::Closed { .. } => "Closed",
        LoginEvent::Failed(_) => "Failed",
        _ => "other",
    }
}

fn want_len(v: ProtocolVersion) -> usize {
    // Negotiated Reconnect Negotiated LoggedIn Profile, + TicketNeeded (8+) or 2×Packages (2–7)
    let mut n = if v < ProtocolVersion::Msnp8 { 7 } else { 6 };
    if v >= ProtocolVersion::Msnp11 {
        n += 1;
    }
    if v >= ProtocolVersion::Msnp13 {
        n += 1;
    }
    n
}

#[test]
fn login_replays_every_transcript() {
    let mut challenges = 0;
    for (name, text) in transcripts() {
        let lines = read(&text);
        let (events, v) = replay_login(&name, &lines);
        let kinds: Vec<&str> = events
            .iter()
            .map(kind)
            .filter(|k| *k != "Command")
            .collect();
        // The login part, in order.
        let login_part: Vec<&str> = kinds.iter().copied().take(want_len(v)).collect();
        let mut want = vec!["Negotiated"];
        if v < ProtocolVersion::Msnp8 {
            want.push("Packages");
        }
        want.extend(["Reconnect", "Negotiated"]);
        if v < ProtocolVersion::Msnp8 {
            want.push("Packages");
        }
        if v >= ProtocolVersion::Msnp13 {
            want.push("Policies");
        }
        if v >= ProtocolVersion::Msnp8 {
            want.push("TicketNeeded");
        }
        want.push("LoggedIn");
        if v >= ProtocolVersion::Msnp11 {
            want.push("Subscription");
        }
        want.push("Profile");
        assert_eq!(login_part, want, "{name}");
        assert_eq!(want.len(), want_len(v));
        // After the login: only challenges (and the draft's OUT echo in MSNP2).
        for k in &kinds[want.len()..] {
            assert!(
                ["Challenge", "ChallengeAccepted", "Closed"].contains(k),
                "{name}: {k}"
            );
        }
        assert_eq!(
            kinds.last() == Some(&"Closed"),
            name == "msnp2.md",
            "{name}: only the MSNP2 server echoes OUT"
        );
        // Every CHL was answered and acknowledged.
        let chl = lines
            .iter()
            .filter(|l| !l.sb && l.dir == Direction::ServerToClient && l.verb() == Verb::CHL)
            .count();
        let answered: Vec<TrId> = events
            .iter()
            .filter_map(|e| match e {
                LoginEvent::Challenge { answer, .. } => Some(*answer),
                _ => None,
            })
            .collect();
        let accepted: Vec<TrId> = events
            .iter()
            .filter_map(|e| match e {
                LoginEvent::ChallengeAccepted(t) => Some(*t),
                _ => None,
            })
            .collect();
        assert_eq!(answered.len(), chl, "{name}");
        assert_eq!(answered, accepted, "{name}");
        challenges += chl;
        // The logged-in event carries the handle.
        assert!(events.iter().any(
            |e| matches!(e, LoginEvent::LoggedIn { handle, .. } if handle.as_str() == "alice@hotmail.com")
        ));
    }
    assert!(challenges >= 7, "{challenges} CHL challenges answered");
}

/// Replays one switchboard connection; returns its events.
fn replay_sb(name: &str, lines: &[&Line], version: ProtocolVersion) -> Vec<SwitchboardEvent> {
    let first = lines[0];
    assert_eq!(first.dir, Direction::ClientToServer);
    let fa = first.args();
    let mut cfg = SwitchboardConfig::new("alice@hotmail.com", version);
    if let Some((_, guid)) = fa[0].split_once(';') {
        cfg = cfg.with_machine_guid(guid);
    }
    let mut sb = match first.verb() {
        Verb::USR => {
            let invitees: Vec<String> = lines
                .iter()
                .filter(|l| l.dir == Direction::ClientToServer && l.verb() == Verb::CAL)
                .map(|l| l.args()[0].clone())
                .collect();
            let refs: Vec<&str> = invitees.iter().map(String::as_str).collect();
            SwitchboardSession::invite(cfg, &fa[1], &refs).unwrap()
        }
        Verb::ANS => SwitchboardSession::answer(cfg, &fa[2], &fa[1]).unwrap(),
        v => panic!("{name}: switchboard starts with {v}"),
    };
    let mut events = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        match line.dir {
            Direction::ServerToClient => sb.handle_input(&line.bytes).unwrap(),
            Direction::ClientToServer => {
                let produced = match sb.poll_transmit() {
                    Some(c) => c,
                    None => match line.verb() {
                        Verb::MSG => {
                            let cmd = line.cmd();
                            let mode = AckMode::parse(&line.args()[0]).unwrap();
                            sb.send_message(mode, cmd.as_raw().payload().unwrap())
                                .unwrap();
                            sb.poll_transmit().unwrap()
                        }
                        Verb::OUT => {
                            sb.leave().unwrap();
                            sb.poll_transmit().unwrap()
                        }
                        v => panic!("{name}: unexpected client {v} in a switchboard"),
                    },
                };
                assert_eq!(
                    show(produced.frame()),
                    show(&line.bytes),
                    "{name}: SB line {i}"
                );
            }
        }
        while let Some(ev) = sb.poll_event() {
            if let SwitchboardEvent::Failed(e) = &ev {
                panic!("{name}: switchboard failed: {e}");
            }
            events.push(ev);
        }
    }
    assert!(sb.poll_transmit().is_none());
    events
}

#[test]
fn switchboards_replay_every_transcript() {
    let mut sessions = 0;
    for (name, text) in transcripts() {
        let lines = read(&text);
        let version = lines
            .iter()
            .find(|l| l.dir == Direction::ServerToClient && l.verb() == Verb::VER)
            .map(|l| ProtocolVersion::parse(l.args()[0].as_bytes()).unwrap())
            .unwrap();
        let mut conns: Vec<u32> = lines.iter().filter(|l| l.sb).map(|l| l.conn).collect();
        conns.dedup();
        for c in conns {
            let sb_lines: Vec<&Line> = lines.iter().filter(|l| l.conn == c).collect();
            let events = replay_sb(&name, &sb_lines, version);
            sessions += 1;
            // Every ACK became Delivered, every NAK NotDelivered, for the TrID it names.
            for l in &sb_lines {
                let t = l.cmd().as_raw().trid();
                match l.verb() {
                    Verb::ACK => assert!(
                        events.contains(&SwitchboardEvent::Delivered(t.unwrap())),
                        "{name}"
                    ),
                    Verb::NAK => assert!(
                        events.contains(&SwitchboardEvent::NotDelivered(t.unwrap())),
                        "{name}"
                    ),
                    _ => {}
                }
            }
            if sb_lines[0].verb() == Verb::USR {
                assert_eq!(events.first(), Some(&SwitchboardEvent::Ready), "{name}");
            }
            let received = sb_lines
                .iter()
                .filter(|l| l.dir == Direction::ServerToClient && l.verb() == Verb::MSG)
                .count();
            let messages = events
                .iter()
                .filter(|e| matches!(e, SwitchboardEvent::Message { .. }))
                .count();
            assert_eq!(received, messages, "{name}");
            let joins = events
                .iter()
                .filter(|e| {
                    matches!(
                        e,
                        SwitchboardEvent::Joined(_) | SwitchboardEvent::Present(_)
                    )
                })
                .count();
            assert!(joins >= 1, "{name}");
            assert!(events.contains(&SwitchboardEvent::Ready), "{name}");
        }
    }
    assert!(sessions >= 17, "{sessions}");
}

/// The NS's `XFR SB` replies and `RNG` invitations, as the login machine passes them on, open
/// the transcripts' switchboard sessions with their first line byte for byte.
#[test]
fn ns_referrals_open_the_switchboards() {
    let mut opened = 0;
    for (name, text) in transcripts() {
        let lines = read(&text);
        let version = lines
            .iter()
            .find(|l| l.dir == Direction::ServerToClient && l.verb() == Verb::VER)
            .map(|l| ProtocolVersion::parse(l.args()[0].as_bytes()).unwrap())
            .unwrap();
        // First client line of each switchboard connection, in order.
        let mut firsts: Vec<&Line> = Vec::new();
        for l in lines.iter().filter(|l| l.sb) {
            if firsts.last().is_none_or(|f| f.conn != l.conn) {
                firsts.push(l);
            }
        }
        let guid = firsts
            .iter()
            .find_map(|l| l.args()[0].split_once(';').map(|(_, g)| g.to_owned()));
        let mut cfg = SwitchboardConfig::new("alice@hotmail.com", version);
        if let Some(g) = guid {
            cfg = cfg.with_machine_guid(g);
        }
        let invites = lines.iter().filter(|l| {
            !l.sb
                && l.dir == Direction::ServerToClient
                && (l.verb() == Verb::RNG || (l.verb() == Verb::XFR && l.args()[0] == "SB"))
        });
        for (inv, first) in invites.zip(&firsts) {
            let cmd = inv.cmd();
            let mut sb = if inv.verb() == Verb::RNG {
                let Ok(Message::Rng(rng)) = Message::decode(&cmd.as_raw(), &inv.dialect) else {
                    panic!("{name}: RNG types")
                };
                let (addr, inviter, sb) = SwitchboardSession::from_rng(cfg.clone(), &rng).unwrap();
                assert_eq!(addr.as_str(), inv.args()[1], "{name}");
                assert!(inviter.as_str().contains('@'));
                sb
            } else {
                let Ok(Message::XfrSb(xfr)) = Message::decode(&cmd.as_raw(), &inv.dialect) else {
                    panic!("{name}: XFR SB types")
                };
                let (addr, sb) = SwitchboardSession::from_xfr(cfg.clone(), &xfr, &[]).unwrap();
                assert_eq!(addr.as_str(), inv.args()[1], "{name}");
                sb
            };
            let out = sb.poll_transmit().unwrap();
            assert_eq!(show(out.frame()), show(&first.bytes), "{name}");
            opened += 1;
        }
    }
    assert!(opened >= 17, "{opened}");
}
