//! The notification session replays the shared MSNP2–12 transcripts: the login runs until the
//! client's first line after `USR OK`, then the session takes over the connection. The lines
//! the session writes by itself (`QRY`, `PNG`) and those of the user's requests made through
//! its API (`SYN`, `CHG`, `ADD`/`ADC`/`REM`, `REA`/`PRP`/`SBP`, `ADG`, `UUX`, `XFR SB`, `OUT`)
//! must equal the transcript's byte for byte; the events must describe the server's lines.

use std::time::Instant;

use msnp_proto::message::Property;
use msnp_proto::payload::data::DataDocument;
use msnp_proto::payload::ml::Ml;
use msnp_proto::payload::xml::XmlLimits;
use msnp_proto::{Direction, List, Message, OwnedCommand, PresenceStatus, Verb};
use msnp_session::{
    ClientLogin, ListVersion, LoginEvent, LoginPhase, NotificationSession, Request, Roster,
    SessionConfig, SessionEvent, SessionPhase, TicketRequest,
};

mod util;

use util::{Line, read, transcripts};

fn show(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The session's line for the transcript's client line `line`.
fn produce(ns: &mut NotificationSession, line: &Line, now: &mut Instant) -> OwnedCommand {
    if let Some(c) = ns.poll_transmit() {
        // Written by the session itself (QRY).
        return c;
    }
    let cmd = line.cmd();
    let raw = cmd.as_raw();
    let msg = Message::decode(&raw, &line.dialect).unwrap();
    match msg {
        Message::Png(_) => {
            let t = ns.poll_timeout().expect("a ping is scheduled");
            assert!(t > *now);
            *now = t;
            ns.handle_timeout(t);
        }
        Message::Syn(y) => {
            let cache = (y.list_version.as_str() != "0").then(|| {
                Roster::empty(ListVersion {
                    list: y.list_version.as_str().into(),
                    settings: y.settings_version.as_ref().map(|t| t.as_str().into()),
                })
            });
            ns.sync(cache).unwrap();
        }
        Message::Chg(c) => {
            ns.set_status(c.status, c.capabilities, c.msn_object.as_ref())
                .unwrap();
        }
        Message::Add(a) => {
            let g = a.group_id.as_ref().map(|g| g.as_str());
            ns.add_contact(a.list, a.handle.as_str(), Some(&a.friendly_name), g)
                .unwrap();
        }
        Message::Adc(a) => match (&a.handle, &a.contact_id) {
            (Some(h), _) => {
                ns.add_contact(a.list, h.as_str(), a.friendly_name.as_ref(), None)
                    .unwrap();
            }
            (None, Some(guid)) => {
                let handle = ns
                    .roster()
                    .contact_by_guid(guid.as_str())
                    .expect("the GUID of a contact the session knows")
                    .handle
                    .clone();
                let g = a.group_id.as_ref().map(|g| g.as_str());
                ns.add_contact(a.list, &handle, None, g).unwrap();
            }
            _ => panic!("ADC without handle or GUID"),
        },
        Message::Rem(r) => {
            let g = r.group_id.as_ref().map(|g| g.as_str());
            ns.remove_contact(r.list, r.contact.as_str(), g).unwrap();
        }
        Message::Rea(r) if r.handle.as_str() == "alice@hotmail.com" => {
            ns.set_friendly_name(&r.friendly_name).unwrap();
        }
        Message::Rea(r) => {
            ns.rename_contact(r.handle.as_str(), &r.friendly_name)
                .unwrap();
        }
        Message::Prp(p) if p.property == Property::FriendlyName => {
            ns.set_friendly_name(p.value.as_ref().unwrap()).unwrap();
        }
        Message::Sbp(s) if s.property == Property::FriendlyName => {
            ns.rename_contact(s.contact_id.as_str(), &s.value).unwrap();
        }
        Message::Adg(g) => {
            ns.add_group(&g.name).unwrap();
        }
        Message::Uux(u) => {
            let d = DataDocument::parse(&u.payload, &XmlLimits::default()).unwrap();
            ns.set_user_data(&d).unwrap();
        }
        Message::Adl(a) if a.payload.starts_with(b"<ml l=\"1\"") => {
            let ml = Ml::parse(&a.payload, &XmlLimits::default()).unwrap();
            ns.send_contact_list(&ml).unwrap();
        }
        Message::Adl(a) => {
            // A list change of one contact (MSNP13+): the session's ADL request.
            let ml = Ml::parse(&a.payload, &XmlLimits::default()).unwrap();
            let (account, c) = ml.accounts().next().unwrap();
            ns.add_to_lists(&account, c.lists.unwrap(), c.network.unwrap())
                .unwrap();
        }
        Message::Blp(b) => {
            ns.set_privacy(b.mode).unwrap();
        }
        Message::XfrRequest(_) => {
            ns.request_switchboard(&[]).unwrap();
        }
        Message::Out(_) => ns.logout().unwrap(),
        other => {
            // Not modelled by the session (GCF, URL, SDC, PAG, PGD, PRP phones): the
            // caller's own command, with the session's next TrID.
            if let Some(t) = other.trid() {
                assert_eq!(ns.next_trid(), t);
            }
            ns.send(&other).unwrap();
        }
    }
    ns.poll_transmit().expect("the session wrote a line")
}

#[derive(Default, Debug)]
struct Seen {
    synced: Vec<(Roster, bool)>,
    presence: Vec<(String, PresenceStatus, bool)>,
    done: Vec<Request>,
    failed: Vec<(Request, u16)>,
    challenges: usize,
    accepted: usize,
    switchboards: Vec<OwnedCommand>,
    invitations: Vec<OwnedCommand>,
    added_by: Vec<String>,
    profile: bool,
    mail: usize,
    closed: bool,
    pings: usize,
}

fn drain(ns: &mut NotificationSession, seen: &mut Seen) {
    while let Some(e) = ns.poll_event() {
        assert!(!seen.closed, "an event after Closed: {e:?}");
        match e {
            SessionEvent::RosterSynced { roster, changed } => seen.synced.push((roster, changed)),
            SessionEvent::Presence {
                handle,
                presence,
                initial,
                ..
            } => seen
                .presence
                .push((handle.to_string(), presence.status, initial)),
            SessionEvent::RequestDone { request, .. } => seen.done.push(request),
            SessionEvent::RequestFailed { request, code, .. } => {
                seen.failed.push((request, code.0));
            }
            SessionEvent::Challenge { .. } => seen.challenges += 1,
            SessionEvent::ChallengeAccepted(_) => seen.accepted += 1,
            SessionEvent::SwitchboardReady { mut session, .. } => {
                seen.switchboards.push(session.poll_transmit().unwrap());
            }
            SessionEvent::Invitation { mut session, .. } => {
                seen.invitations.push(session.poll_transmit().unwrap());
            }
            SessionEvent::AddedBy { handle, .. } => seen.added_by.push(handle),
            SessionEvent::Profile(_) => seen.profile = true,
            SessionEvent::InitialEmail(_) | SessionEvent::MailData(_) => seen.mail += 1,
            SessionEvent::Closed { .. } => seen.closed = true,
            _ => {}
        }
    }
}

/// Replays one transcript; returns what the session reported.
fn replay(name: &str, text: &str) -> (Seen, NotificationSession) {
    let lines = read(text);
    let (config, _) = util::login_config(name, &lines);
    let mut login_slot = Some(ClientLogin::new(config).unwrap());
    let mut session: Option<NotificationSession> = None;
    let start = Instant::now();
    let mut now = start;
    let mut seen = Seen::default();
    let mut conn = lines[0].conn;
    // The first client line of each switchboard connection, to compare with the sessions the
    // notification session handed out.
    let mut sb_first: Vec<OwnedCommand> = Vec::new();
    let mut sb_conns = Vec::new();
    let mut signed_in = false;
    for (i, line) in lines.iter().enumerate() {
        if line.sb {
            if line.dir == Direction::ClientToServer && !sb_conns.contains(&line.conn) {
                sb_conns.push(line.conn);
                sb_first.push(line.cmd());
            }
            continue;
        }
        if let Some(login) = &mut login_slot {
            if line.conn != conn && login.phase() == LoginPhase::Reconnect {
                login.connected().unwrap();
            }
            if login.phase() == LoginPhase::LoggedIn && line.dir == Direction::ClientToServer {
                assert!(login.poll_transmit().is_none());
                let login = login_slot.take().unwrap();
                session = Some(login.into_session(SessionConfig::default(), now).unwrap());
            }
        }
        conn = line.conn;
        match (&mut session, line.dir) {
            (Some(ns), Direction::ServerToClient) => {
                let (a, b) = line.bytes.split_at(line.bytes.len() / 2);
                ns.handle_input(a).unwrap();
                ns.handle_input(b).unwrap();
                if line.verb() == Verb::QNG {
                    seen.pings += 1;
                }
            }
            (Some(ns), Direction::ClientToServer) => {
                let produced = produce(ns, line, &mut now);
                assert_eq!(
                    show(produced.frame()),
                    show(&line.bytes),
                    "{name}: client line {i}"
                );
            }
            (None, Direction::ServerToClient) => {
                let login = login_slot.as_mut().unwrap();
                login.handle_input(&line.bytes).unwrap();
            }
            (None, Direction::ClientToServer) => {
                let login = login_slot.as_mut().unwrap();
                let produced = login.poll_transmit().expect("a login line");
                if line.verb() == Verb::USR && line.args()[..2] == ["SSO", "S"] {
                    // The MBI blob depends on the token's secret, which the transcript
                    // does not give (session_transcripts checks it by verification).
                    let got: Vec<String> = produced
                        .as_raw()
                        .args()
                        .map(|a| String::from_utf8_lossy(a).into_owned())
                        .collect();
                    let want = line.args();
                    assert_eq!(got[..3], want[..3], "{name}: login line {i}");
                    assert_eq!(got.get(4), want.get(4), "{name}: machine GUID");
                } else {
                    assert_eq!(
                        show(produced.frame()),
                        show(&line.bytes),
                        "{name}: login line {i}"
                    );
                }
            }
        }
        if let Some(ns) = &mut session {
            drain(ns, &mut seen);
        } else if let Some(login) = &mut login_slot {
            // After the sign-in the login's events are left to be carried into the session.
            while let Some(ev) = (!signed_in).then(|| login.poll_event()).flatten() {
                signed_in = matches!(ev, LoginEvent::LoggedIn { .. });
                if let LoginEvent::TicketNeeded(req) = &ev {
                    let next = lines[i + 1..]
                        .iter()
                        .find(|l| l.dir == Direction::ClientToServer)
                        .unwrap();
                    let ticket = next.args()[2].clone();
                    match req {
                        TicketRequest::Sso { .. } => {
                            login.provide_sso(&ticket, b"secret", [1; 8]).unwrap();
                        }
                        _ => login.provide_ticket(&ticket).unwrap(),
                    }
                }
            }
        }
    }
    let ns = session.expect("the session ran");
    // Each switchboard connection starts with the line the handed-out session wrote.
    let handed: Vec<OwnedCommand> = seen
        .switchboards
        .iter()
        .chain(&seen.invitations)
        .cloned()
        .collect();
    assert_eq!(handed.len(), sb_first.len(), "{name}: switchboards");
    for want in &sb_first {
        assert!(
            handed.iter().any(|h| h.frame() == want.frame()),
            "{name}: {} not produced",
            show(want.frame())
        );
    }
    assert!(now >= start);
    (seen, ns)
}

fn transcript(name: &str) -> String {
    transcripts()
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, t)| t)
        .unwrap()
}

#[test]
fn msnp2_md5_era() {
    let (seen, ns) = replay("msnp2.md", &transcript("msnp2.md"));
    let (roster, changed) = &seen.synced[0];
    assert!(changed);
    assert_eq!(roster.version.list, "14");
    let bob = roster.contact("bob@hotmail.com").unwrap();
    assert_eq!(bob.lists.0, 1 | 2 | 8);
    assert_eq!(roster.contact("carol@msn.com").unwrap().lists.0, 1 | 2);
    assert!(
        seen.presence
            .contains(&("bob@hotmail.com".into(), PresenceStatus::Online, true))
    );
    assert!(
        seen.presence
            .contains(&("carol@msn.com".into(), PresenceStatus::Busy, false))
    );
    // ADD 11 FL bob → 215.
    assert!(seen.failed.iter().any(|(r, c)| *c == 215
        && matches!(
            r,
            Request::AddContact {
                list: List::Forward,
                ..
            }
        )));
    assert_eq!(seen.added_by, ["frank@hotmail.com"]);
    // Frank is on RL (pushed) and AL (asked for).
    assert_eq!(
        ns.roster().contact("frank@hotmail.com").unwrap().lists.0,
        2 | 8
    );
    assert_eq!(ns.roster().contact("eve@hotmail.com").unwrap().lists.0, 4);
    assert_eq!(ns.roster().version.list, "18");
    assert_eq!(
        ns.roster()
            .contact("bob@hotmail.com")
            .unwrap()
            .presence
            .status,
        PresenceStatus::Offline
    );
    assert!(seen.closed, "the server's OUT echo closes the session");
    assert_eq!(ns.phase(), SessionPhase::Finished);
}

#[test]
fn msnp5_properties_and_phones() {
    let (seen, ns) = replay("msnp5.md", &transcript("msnp5.md"));
    let (roster, _) = &seen.synced[0];
    assert_eq!(
        roster.property(&Property::HomePhone),
        Some("1 (425) 555-0100")
    );
    assert_eq!(
        roster
            .contact("bob@hotmail.com")
            .unwrap()
            .property(&Property::HomePhone),
        Some("1 (206) 555-0142")
    );
    assert_eq!(roster.contacts.len(), 2);
    // The asynchronous BPR after the sync.
    assert_eq!(
        ns.roster()
            .contact("bob@hotmail.com")
            .unwrap()
            .property(&Property::MobilePhone),
        Some("1 (206) 555-0177")
    );
    assert!(seen.profile);
    assert_eq!(seen.mail, 1);
}

#[test]
fn msnp8_twn_era() {
    let (seen, ns) = replay("msnp8.md", &transcript("msnp8.md"));
    let (roster, changed) = &seen.synced[0];
    assert!(changed);
    assert_eq!(roster.contacts.len(), 3);
    assert_eq!(roster.groups.len(), 2);
    let carol = roster.contact("carol@msn.com").unwrap();
    assert_eq!(carol.groups, ["1"]);
    assert_eq!(
        roster
            .contact("bob@hotmail.com")
            .unwrap()
            .property(&Property::HomePhone),
        Some("1 (206) 555-0142")
    );
    assert_eq!(seen.challenges, 1);
    assert_eq!(seen.accepted, 1);
    assert_eq!(seen.pings, 1);
    assert!(ns.roster().group("2").is_some_and(|g| g.name == "Family"));
    assert!(
        ns.roster()
            .contact("grace@hotmail.com")
            .unwrap()
            .groups
            .contains(&"2".to_owned())
    );
    assert_eq!(
        ns.roster().contact("frank@hotmail.com").unwrap().lists.0,
        4 | 8
    );
    assert_eq!(
        ns.roster().property(&Property::FriendlyName),
        Some("Alice :)")
    );
    assert_eq!(seen.invitations.len(), 1);
    assert_eq!(seen.switchboards.len(), 1);
    assert!(
        seen.done
            .iter()
            .any(|r| matches!(r, Request::AddGroup(n) if n == "Family"))
    );
}

#[test]
fn msnp9_cached_version_and_qng_interval() {
    let (seen, _) = replay("msnp9.md", &transcript("msnp9.md"));
    let (roster, changed) = &seen.synced[0];
    assert!(changed);
    assert_eq!(roster.version.list, "124");
    assert_eq!(seen.pings, 1);
}

#[test]
fn msnp11_and_12_guids_psm_and_uux() {
    for name in ["msnp11.md", "msnp12.md"] {
        let (seen, ns) = replay(name, &transcript(name));
        let (roster, _) = &seen.synced[0];
        assert_eq!(
            roster.version.settings.as_deref(),
            Some("2005-06-27T11:25:12.2470000-07:00")
        );
        assert_eq!(
            roster.contact("bob@hotmail.com").unwrap().guid.as_deref(),
            Some("3f2504e0-4f89-41d3-9a0c-0305e82c3301")
        );
        let bob = ns.roster().contact("bob@hotmail.com").unwrap();
        assert_eq!(
            bob.presence.personal_message.as_deref(),
            Some("Back from holiday & busy")
        );
        assert_eq!(&*bob.friendly_name, "Bobby", "{name}: SBP MFN renames");
        let carol = ns.roster().contact("carol@msn.com").unwrap();
        assert_eq!(
            carol
                .presence
                .current_media
                .as_ref()
                .map(|m| m.formatted.as_str()),
            Some("Song Title - Artist Name")
        );
        assert!(carol.groups.is_empty(), "{name}: REM from the group");
        let helen = ns.roster().contact("helen@hotmail.com").unwrap();
        assert_eq!(
            helen.guid.as_deref(),
            Some("0b7a2f3e-8c1d-4e5f-a6b7-c8d9e0f1a2b3")
        );
        assert_eq!(helen.groups, ["1e9b7c55-02d4-4a6f-8c3e-f5a2b9d0c713"]);
        assert_eq!(helen.lists.0, 1 | 2);
        assert!(seen.done.contains(&Request::SetPersonalMessage));
        assert!(seen.failed.iter().any(|(_, c)| *c == 215));
        assert_eq!(seen.added_by, ["ivan@hotmail.com"]);
        assert_eq!(seen.accepted, 1);
        assert_eq!(seen.mail, 1);
    }
}

#[test]
fn msnp13_to_18_contact_list_and_presence() {
    for name in ["msnp13.md", "msnp14.md", "msnp15.md", "msnp18.md"] {
        let (seen, ns) = replay(name, &transcript(name));
        assert!(seen.synced.is_empty());
        assert!(
            seen.done.contains(&Request::ContactList),
            "{name}: the ADL OK completes the list"
        );
        let bob = ns.roster().contact("bob@hotmail.com").unwrap();
        assert!(bob.lists.contains(msnp_proto::ListBits::FORWARD), "{name}");
        assert!(
            seen.presence
                .iter()
                .any(|(h, s, _)| h.ends_with("bob@hotmail.com") && *s == PresenceStatus::Online),
            "{name}: {:?}",
            seen.presence
        );
        assert!(
            ns.roster().contact("alice@hotmail.com").is_none(),
            "{name}: the user's own UBX is not a contact"
        );
        assert_eq!(seen.accepted, 1, "{name}");
        assert_eq!(seen.switchboards.len(), 1, "{name}");
        if ["msnp14.md", "msnp15.md"].contains(&name) {
            // ADL 15 puts the Yahoo! contact on FL; its ADL OK completes the request.
            assert!(seen.done.iter().any(|r| matches!(
                r,
                Request::AddToLists { contact, .. } if contact == "dave@yahoo.com"
            )));
            let dave = ns.roster().contact("dave@yahoo.com").unwrap();
            assert!(dave.lists.contains(msnp_proto::ListBits::FORWARD), "{name}");
        }
    }
}
