//! `NotificationSession` case by case: the cache kept when current, the keepalive's clock,
//! server notices as typed events, request bookkeeping, misuse.

use std::time::{Duration, Instant};

mod util;

use msnp_proto::message::OutReason;
use msnp_proto::{List, PresenceStatus, ProtocolVersion as V, TrId, UrlText};
use msnp_session::{
    ClientInfo, ClientLogin, Credentials, ListVersion, LoginConfig, LoginEvent,
    NotificationSession, Request, Roster, SessionConfig, SessionError, SessionEvent, SessionPhase,
};

fn signed_in(v: V) -> ClientLogin {
    let cfg = LoginConfig::new(
        "alice@hotmail.com",
        vec![v],
        ClientInfo::wlm_8_1(),
        Credentials::Ticket,
    );
    let mut l = ClientLogin::new(cfg).unwrap();
    util::sign_in(&mut l, v);
    l
}

fn session(v: V, start: Instant) -> NotificationSession {
    let mut l = signed_in(v);
    while l.poll_event().is_some() {}
    l.into_session(SessionConfig::default(), start).unwrap()
}

fn events(ns: &mut NotificationSession) -> Vec<SessionEvent> {
    std::iter::from_fn(|| ns.poll_event()).collect()
}

fn sent(ns: &mut NotificationSession) -> Vec<String> {
    std::iter::from_fn(|| ns.poll_transmit())
        .map(|c| String::from_utf8_lossy(c.frame()).into_owned())
        .collect()
}

fn cache(v: &str, settings: Option<&str>) -> Roster {
    let mut r = Roster::empty(ListVersion {
        list: v.into(),
        settings: settings.map(Into::into),
    });
    let mut ns = session(V::Msnp8, Instant::now());
    ns.sync(None).unwrap();
    ns.handle_input(b"SYN 5 3 1 0\r\nGTC A\r\nBLP BL\r\nLST bob@hotmail.com Bob 3\r\n")
        .unwrap();
    r.contacts = ns.roster().contacts.clone();
    r
}

#[test]
fn an_up_to_date_list_keeps_the_cache() {
    let mut ns = session(V::Msnp8, Instant::now());
    let mine = cache("42", None);
    ns.sync(Some(mine.clone())).unwrap();
    assert_eq!(sent(&mut ns), ["SYN 5 42\r\n"]);
    ns.handle_input(b"SYN 5 42\r\n").unwrap();
    let ev = events(&mut ns);
    let [
        SessionEvent::RosterSynced {
            roster,
            changed: false,
        },
    ] = &ev[..]
    else {
        panic!("{ev:?}")
    };
    assert_eq!(roster, &mine);
    assert_eq!(ns.roster(), &mine);
    assert!(ns.roster().contact("bob@hotmail.com").is_some());
}

#[test]
fn msnp10_sends_both_versions_and_msnp2_to_7_compare_the_number() {
    let mut ns = session(V::Msnp11, Instant::now());
    ns.sync(Some(cache("2005-01-01", Some("2005-01-02"))))
        .unwrap();
    assert_eq!(sent(&mut ns), ["SYN 5 2005-01-01 2005-01-02\r\n"]);
    ns.handle_input(b"SYN 5 2005-01-01 2005-01-02\r\n").unwrap();
    assert!(matches!(
        events(&mut ns)[..],
        [SessionEvent::RosterSynced { changed: false, .. }]
    ));

    // A cache without a settings version still sends two.
    let mut ns = session(V::Msnp10, Instant::now());
    ns.sync(Some(cache("7", None))).unwrap();
    assert_eq!(sent(&mut ns), ["SYN 5 7 0\r\n"]);
}

#[test]
fn a_refused_sync_fails_the_request() {
    let mut ns = session(V::Msnp8, Instant::now());
    let id = ns.sync(None).unwrap();
    assert!(matches!(
        ns.sync(None),
        Err(SessionError::WrongState { .. })
    ));
    ns.handle_input(b"500 5\r\n").unwrap();
    let ev = events(&mut ns);
    assert!(
        matches!(&ev[..], [SessionEvent::RequestFailed { id: i, request: Request::Sync, code }] if *i == id && code.0 == 500),
        "{ev:?}"
    );
    ns.sync(None).unwrap();
}

#[test]
fn an_empty_list_is_complete_after_blp() {
    let mut ns = session(V::Msnp9, Instant::now());
    ns.sync(None).unwrap();
    ns.handle_input(b"SYN 5 1 0 0\r\nGTC A\r\n").unwrap();
    assert!(events(&mut ns).is_empty());
    ns.handle_input(b"BLP AL\r\nPRP MFN Al\r\n").unwrap();
    let ev = events(&mut ns);
    assert!(matches!(
        ev[..],
        [SessionEvent::RosterSynced { changed: true, .. }]
    ));
    // The PRP after the end still reaches the roster.
    assert_eq!(
        ns.roster()
            .property(&msnp_proto::message::Property::FriendlyName),
        Some("Al")
    );
}

#[test]
fn qng_sets_the_interval_within_bounds() {
    let t0 = Instant::now();
    let mut ns = session(V::Msnp11, t0);
    assert_eq!(ns.poll_timeout(), Some(t0 + Duration::from_secs(60)));
    // Early calls do nothing.
    ns.handle_timeout(t0 + Duration::from_secs(59));
    assert!(sent(&mut ns).is_empty());
    let t1 = t0 + Duration::from_secs(61);
    ns.handle_timeout(t1);
    assert_eq!(sent(&mut ns), ["PNG\r\n"]);
    assert_eq!(ns.poll_timeout(), Some(t1 + Duration::from_secs(30)));
    ns.handle_input(b"QNG 0\r\n").unwrap();
    // QNG 0 would ping in a loop: the floor is 5 s, counted from the PNG.
    assert_eq!(ns.poll_timeout(), Some(t1 + Duration::from_secs(5)));
    ns.handle_timeout(t1 + Duration::from_secs(5));
    ns.handle_input(b"QNG 4294967295\r\n").unwrap();
    assert_eq!(
        ns.poll_timeout(),
        Some(t1 + Duration::from_secs(5) + Duration::from_secs(3600))
    );
    assert_eq!(sent(&mut ns), ["PNG\r\n"]);
    assert!(events(&mut ns).is_empty());
}

#[test]
fn server_notices_are_typed() {
    let mut ns = session(V::Msnp11, Instant::now());
    let profile = "MIME-Version: 1.0\r\nContent-Type: text/x-msmsgsprofile; charset=UTF-8\r\nLoginTime: 1062764300\r\n\r\n";
    let mail = "MIME-Version: 1.0\r\nContent-Type: text/x-msmsgsinitialemailnotification; charset=UTF-8\r\n\r\nInbox-Unread: 3\r\nFolders-Unread: 0\r\n\r\n";
    let input = format!(
        "MSG Hotmail Hotmail {}\r\n{profile}MSG Hotmail Hotmail {}\r\n{mail}NOT 4\r\n<a/>SBS 0 null\r\nRNG 1 1.2.3.4:1863 XYZ c bob@hotmail.com Bob\r\nOUT RCT 5\r\n",
        profile.len(),
        mail.len()
    );
    ns.handle_input(input.as_bytes()).unwrap();
    let ev = events(&mut ns);
    assert!(matches!(&ev[0], SessionEvent::Profile(p) if p.login_time == Some(1_062_764_300)));
    assert!(matches!(&ev[1], SessionEvent::InitialEmail(m) if m.inbox_unread == Some(3)));
    assert!(matches!(&ev[2], SessionEvent::Alert(b) if &b[..] == b"<a/>"));
    assert!(matches!(&ev[3], SessionEvent::Subscription(s) if s.as_str() == "null"));
    // An invitation that is not CKI cannot make a switchboard: passed on.
    assert!(matches!(&ev[4], SessionEvent::Command(_)));
    assert!(matches!(
        ev[5],
        SessionEvent::Closed {
            reason: Some(OutReason::Reconnect),
            minutes: Some(5)
        }
    ));
    assert_eq!(ev.len(), 6);
    assert_eq!(ns.phase(), SessionPhase::Finished);
    assert!(matches!(
        ns.handle_input(b"QNG 5\r\n"),
        Err(SessionError::Finished)
    ));
}

#[test]
fn the_login_events_after_sign_in_are_carried_over() {
    let mut l = signed_in(V::Msnp8);
    // Delivered in the same read as the sign-in: the login held them.
    l.handle_input(b"CHL 0 15570131571988941333\r\nNLN NLN bob@hotmail.com Bob 0\r\n")
        .unwrap();
    let qry = l.poll_transmit().unwrap();
    assert!(qry.frame().starts_with(b"QRY 5 msmsgs@msnmsgr.com 32\r\n"));
    assert!(matches!(l.poll_event(), Some(LoginEvent::Negotiated(_))));
    let mut ns = l
        .into_session(SessionConfig::default(), Instant::now())
        .unwrap();
    let ev = events(&mut ns);
    assert!(
        matches!(
            &ev[0],
            SessionEvent::Challenge {
                answer: TrId(5),
                ..
            }
        ),
        "{ev:?}"
    );
    assert!(
        matches!(&ev[1], SessionEvent::Presence { handle, .. } if &**handle == "bob@hotmail.com")
    );
    ns.handle_input(b"QRY 5\r\n").unwrap();
    assert!(matches!(
        events(&mut ns)[..],
        [SessionEvent::ChallengeAccepted(TrId(5))]
    ));
    // The TrID counter continues.
    assert_eq!(
        ns.set_status(PresenceStatus::Busy, None, None).unwrap(),
        TrId(6)
    );
}

#[test]
fn into_session_needs_a_signed_in_login() {
    let cfg = LoginConfig::new(
        "alice@hotmail.com",
        vec![V::Msnp8],
        ClientInfo::wlm_8_1(),
        Credentials::Ticket,
    );
    let l = ClientLogin::new(cfg).unwrap();
    assert!(matches!(
        l.into_session(SessionConfig::default(), Instant::now()),
        Err(SessionError::WrongState { .. })
    ));
}

#[test]
fn requests_check_the_era() {
    let mut ns = session(V::Msnp8, Instant::now());
    assert!(ns.set_personal_message("hi", None).is_err());
    assert!(ns.send_contact_list(&Default::default()).is_err());
    let mut ns = session(V::Msnp13, Instant::now());
    assert!(ns.sync(None).is_err());
    assert!(
        ns.add_contact(List::Forward, "bob@hotmail.com", None, None)
            .is_err()
    );
    let mut ns = session(V::Msnp11, Instant::now());
    // From MSNP10 a group needs the contact's GUID.
    assert!(matches!(
        ns.add_contact(List::Forward, "bob@hotmail.com", None, Some("g")),
        Err(SessionError::Config { .. })
    ));
    assert!(
        ns.add_contact(List::Forward, "bad handle", None, None)
            .is_err()
    );
    assert!(sent(&mut ns).is_empty(), "a refused request sends nothing");
}

#[test]
fn renames_use_the_versions_command() {
    let name = UrlText::from_plain("Al (home)").unwrap();
    let mut ns = session(V::Msnp9, Instant::now());
    ns.set_friendly_name(&name).unwrap();
    ns.rename_group("1", &name).unwrap();
    assert_eq!(
        sent(&mut ns),
        [
            "REA 5 alice@hotmail.com Al%20(home)\r\n",
            "REG 6 1 Al%20(home) 0\r\n"
        ]
    );
    ns.handle_input(b"REA 5 9 alice@hotmail.com Al%20(home)\r\n")
        .unwrap();
    assert_eq!(ns.roster().version.list, "9");
    let mut ns = session(V::Msnp11, Instant::now());
    ns.set_friendly_name(&name).unwrap();
    ns.rename_contact("3f25", &name).unwrap();
    assert_eq!(
        sent(&mut ns),
        [
            "PRP 5 MFN Al%20(home)\r\n",
            "SBP 6 3f25 MFN Al%20(home)\r\n"
        ]
    );
    ns.handle_input(b"PRP 5 MFN Al%20(home)\r\n").unwrap();
    let ev = events(&mut ns);
    assert!(
        matches!(&ev[..], [SessionEvent::RequestDone { id: TrId(5), request: Request::SetFriendlyName(n) }] if n == "Al (home)")
    );
}

#[test]
fn pending_requests_are_bounded() {
    let mut cfg = SessionConfig::default();
    cfg.max_pending = 3;
    let mut l = signed_in(V::Msnp8);
    while l.poll_event().is_some() {}
    let mut ns = l.into_session(cfg, Instant::now()).unwrap();
    for _ in 0..10 {
        ns.set_privacy(msnp_proto::message::BlpMode::AllowUnlisted)
            .unwrap();
    }
    assert_eq!(ns.pending_requests().count(), 3);
    // The oldest were forgotten: their reply is just a setting change.
    ns.handle_input(b"BLP 5 3 AL\r\nBLP 14 4 AL\r\n").unwrap();
    let ev = events(&mut ns);
    assert!(
        matches!(&ev[..], [SessionEvent::RequestDone { id: TrId(14), .. }]),
        "{ev:?}"
    );
}

#[test]
fn ubn_is_a_user_notification() {
    let mut ns = session(V::Msnp13, Instant::now());
    ns.handle_input(b"UBN bob@hotmail.com 1 5\r\nhello")
        .unwrap();
    let ev = events(&mut ns);
    assert!(
        matches!(&ev[..], [SessionEvent::UserNotification { handle, kind: 1, payload }]
            if handle.as_str() == "bob@hotmail.com" && &payload[..] == b"hello"),
        "{ev:?}"
    );
}

#[test]
fn msnp13_list_changes_are_adl_and_rml_requests() {
    use msnp_proto::{ListBits, NetworkId};
    let mut ns = session(V::Msnp14, Instant::now());
    let yahoo = NetworkId(32);
    // Add: ADL with a one-contact <ml>, completed by ADL OK with the same TrID.
    let add = ns
        .add_to_lists("dave@yahoo.com", ListBits::FORWARD, yahoo)
        .unwrap();
    assert_eq!(add, TrId(5));
    assert_eq!(
        sent(&mut ns),
        ["ADL 5 57\r\n<ml><d n=\"yahoo.com\"><c n=\"dave\" l=\"1\" t=\"32\" /></d></ml>"]
    );
    assert!(
        ns.roster().contact("dave@yahoo.com").is_none(),
        "not before the OK"
    );
    ns.handle_input(b"ADL 5 OK\r\n").unwrap();
    let ev = events(&mut ns);
    assert!(
        matches!(
            &ev[..],
            [SessionEvent::RequestDone { id: TrId(5), request: Request::AddToLists { contact, lists, network } }]
                if contact == "dave@yahoo.com" && *lists == ListBits::FORWARD && *network == yahoo
        ),
        "{ev:?}"
    );
    let dave = ns.roster().contact("dave@yahoo.com").unwrap();
    assert_eq!((dave.lists, dave.network), (ListBits::FORWARD, Some(yahoo)));
    // Allow, then take off the forward list: RML OK removes only those bits.
    let allow = ns
        .add_to_lists("dave@yahoo.com", ListBits::ALLOW, yahoo)
        .unwrap();
    let rml = ns
        .remove_from_lists("dave@yahoo.com", ListBits::FORWARD, yahoo)
        .unwrap();
    assert_eq!(
        sent(&mut ns)[1],
        "RML 7 57\r\n<ml><d n=\"yahoo.com\"><c n=\"dave\" l=\"1\" t=\"32\" /></d></ml>"
    );
    // Replies matched by TrID, in any order.
    ns.handle_input(format!("RML {} OK\r\nADL {} OK\r\n", rml.0, allow.0).as_bytes())
        .unwrap();
    let done: Vec<TrId> = events(&mut ns)
        .into_iter()
        .filter_map(|e| match e {
            SessionEvent::RequestDone { id, .. } => Some(id),
            _ => None,
        })
        .collect();
    assert_eq!(done, [rml, allow]);
    assert_eq!(
        ns.roster().contact("dave@yahoo.com").unwrap().lists,
        ListBits::ALLOW
    );
    // A refusal is the request's failure, and the roster is unchanged.
    let t = ns
        .add_to_lists("nobody@example.com", ListBits::FORWARD, NetworkId(1))
        .unwrap();
    let _ = sent(&mut ns);
    ns.handle_input(format!("241 {}\r\n", t.0).as_bytes())
        .unwrap();
    let ev = events(&mut ns);
    assert!(
        matches!(
            &ev[..],
            [SessionEvent::RequestFailed { id, request: Request::AddToLists { .. }, code }]
                if *id == t && code.0 == 241
        ),
        "{ev:?}"
    );
    assert!(ns.roster().contact("nobody@example.com").is_none());
    // An OK nobody asked for is passed on as a command.
    ns.handle_input(b"RML 99 OK\r\n").unwrap();
    assert!(matches!(&events(&mut ns)[..], [SessionEvent::Command(_)]));
}

#[test]
fn adl_and_rml_requests_check_era_and_arguments() {
    use msnp_proto::{ListBits, NetworkId};
    let mut old = session(V::Msnp12, Instant::now());
    assert!(matches!(
        old.add_to_lists("bob@hotmail.com", ListBits::FORWARD, NetworkId(1)),
        Err(SessionError::WrongState { .. })
    ));
    let mut ns = session(V::Msnp13, Instant::now());
    assert!(
        ns.add_to_lists("bob@hotmail.com", ListBits::NONE, NetworkId(1))
            .is_err()
    );
    assert!(
        ns.remove_from_lists("no-domain", ListBits::FORWARD, NetworkId(1))
            .is_err()
    );
    assert!(
        ns.add_to_lists("bad handle@x.com", ListBits::FORWARD, NetworkId(1))
            .is_err()
    );
    assert!(
        sent(&mut ns).is_empty(),
        "nothing sent for a refused request"
    );
    ns.logout().unwrap();
    assert!(
        ns.add_to_lists("bob@hotmail.com", ListBits::FORWARD, NetworkId(1))
            .is_err()
    );
}

#[test]
fn fqy_finds_a_federated_contacts_network() {
    use msnp_proto::NetworkId;
    assert!(matches!(
        session(V::Msnp13, Instant::now()).query_network("dave@yahoo.com"),
        Err(SessionError::WrongState { .. })
    ));
    let mut ns = session(V::Msnp14, Instant::now());
    assert!(ns.query_network("no domain").is_err());
    assert!(sent(&mut ns).is_empty(), "a refused request sends nothing");
    // The transcript's exchange (msnp14.md): no lists, no network in the question.
    let q = ns.query_network("dave@yahoo.com").unwrap();
    assert_eq!(
        sent(&mut ns),
        ["FQY 5 44\r\n<ml><d n=\"yahoo.com\"><c n=\"dave\" /></d></ml>"]
    );
    ns.handle_input(b"FQY 5 51\r\n<ml><d n=\"yahoo.com\"><c n=\"dave\" t=\"32\" /></d></ml>")
        .unwrap();
    let ev = events(&mut ns);
    assert!(
        matches!(&ev[..], [SessionEvent::NetworkFound { id, contact, network: Some(NetworkId::YAHOO) }]
            if *id == q && contact == "dave@yahoo.com"),
        "{ev:?}"
    );
    // An answer without a network, an unreadable one, an error, one nobody asked for.
    let a = ns.query_network("erin@yahoo.com").unwrap();
    let b = ns.query_network("fred@yahoo.com").unwrap();
    let c = ns.query_network("gina@yahoo.com").unwrap();
    ns.handle_input(
        format!(
            "FQY {} 44\r\n<ml><d n=\"yahoo.com\"><c n=\"erin\" /></d></ml>FQY {} 4\r\n<ml>241 {}\r\nFQY 99 4\r\n<ml>",
            a.0, b.0, c.0
        )
        .as_bytes(),
    )
    .unwrap();
    let ev = events(&mut ns);
    assert!(
        matches!(&ev[..], [
            SessionEvent::NetworkFound { id: i1, network: None, .. },
            SessionEvent::NetworkFound { id: i2, network: None, .. },
            SessionEvent::RequestFailed { id: i3, request: Request::QueryNetwork(who), code },
            SessionEvent::Command(_),
        ] if *i1 == a && *i2 == b && *i3 == c && who == "gina@yahoo.com" && code.0 == 241),
        "{ev:?}"
    );
}

/// A presence event carries the roster's own strings (shared, not copied); a line that repeats
/// a name, object or personal message keeps the roster's value, and only a new one replaces it.
#[test]
fn presence_events_share_the_roster_strings() {
    use std::sync::Arc;
    let mut ns = session(V::Msnp15, Instant::now());
    let obj = "%3Cmsnobj%20Creator%3D%22bob%40hotmail.com%22%2F%3E";
    let input = |ns: &mut NotificationSession, line: String| {
        ns.handle_input(line.as_bytes()).unwrap();
        let mut ev = events(ns);
        assert_eq!(ev.len(), 1, "{line}: {ev:?}");
        match ev.pop() {
            Some(SessionEvent::Presence {
                handle,
                friendly_name,
                presence,
                changes,
                ..
            }) => {
                let c = ns.roster().contact("bob@hotmail.com").unwrap();
                assert!(Arc::ptr_eq(&handle, &c.handle), "{line}");
                assert!(Arc::ptr_eq(&friendly_name, &c.friendly_name), "{line}");
                for (e, r) in [
                    (&presence.msn_object, &c.presence.msn_object),
                    (&presence.personal_message, &c.presence.personal_message),
                ] {
                    assert!(
                        e.as_ref()
                            .zip(r.as_ref())
                            .is_none_or(|(e, r)| Arc::ptr_eq(e, r)),
                        "{line}"
                    );
                }
                (c.clone(), changes)
            }
            other => panic!("{line}: {other:?}"),
        }
    };

    let (first, ch) = input(
        &mut ns,
        format!("NLN NLN bob@hotmail.com 1 Bob%20S 0 {obj}\r\n"),
    );
    assert!(ch.status && ch.friendly_name && ch.msn_object);
    assert_eq!(&*first.friendly_name, "Bob S");
    assert_eq!(
        first.presence.msn_object.as_deref(),
        Some("<msnobj Creator=\"bob@hotmail.com\"/>")
    );

    // The status alone changes: the name and object the roster holds are the same values.
    let (same, ch) = input(
        &mut ns,
        format!("NLN AWY bob@hotmail.com 1 Bob%20S 0 {obj}\r\n"),
    );
    assert!(ch.status && !ch.friendly_name && !ch.msn_object, "{ch:?}");
    assert!(Arc::ptr_eq(&same.friendly_name, &first.friendly_name));
    let (a, b) = (same.presence.msn_object, first.presence.msn_object);
    assert!(Arc::ptr_eq(a.as_ref().unwrap(), b.as_ref().unwrap()));

    // A new name replaces it; the object stays.
    let (renamed, ch) = input(
        &mut ns,
        format!("NLN AWY bob@hotmail.com 1 Bob%20T 0 {obj}\r\n"),
    );
    assert!(!ch.status && ch.friendly_name && !ch.msn_object, "{ch:?}");
    assert!(!Arc::ptr_eq(&renamed.friendly_name, &first.friendly_name));
    assert_eq!(&*renamed.friendly_name, "Bob T");
    assert!(Arc::ptr_eq(
        renamed.presence.msn_object.as_ref().unwrap(),
        b.as_ref().unwrap()
    ));
    assert!(Arc::ptr_eq(&renamed.handle, &first.handle));

    // The personal message, likewise.
    let ubx = |psm: &str| {
        let body = format!("<Data><PSM>{psm}</PSM><CurrentMedia></CurrentMedia></Data>");
        format!("UBX bob@hotmail.com 1 {}\r\n{body}", body.len())
    };
    let (psm, ch) = input(&mut ns, ubx("hi"));
    assert!(ch.personal_message && !ch.current_media, "{ch:?}");
    let (again, ch) = input(&mut ns, ubx("hi"));
    assert!(!ch.any(), "{ch:?}");
    let (p, q) = (
        psm.presence.personal_message,
        again.presence.personal_message,
    );
    assert!(Arc::ptr_eq(p.as_ref().unwrap(), q.as_ref().unwrap()));

    // Offline: the object goes, the name and handle stay shared.
    let (gone, ch) = input(&mut ns, "FLN bob@hotmail.com 1 0\r\n".to_owned());
    assert!(ch.status && ch.msn_object && !ch.friendly_name, "{ch:?}");
    assert!(Arc::ptr_eq(&gone.friendly_name, &renamed.friendly_name));
    assert_eq!(gone.presence.msn_object, None);
}
