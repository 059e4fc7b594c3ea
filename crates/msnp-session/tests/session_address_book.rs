//! MSNP13+: the address book (msnp-soap's parsed ABCH answers) becomes the roster and the
//! initial `ADL`s; MSNP18 circles from `NFY` and `;via=` presence.

use std::time::Instant;

mod util;

use msnp_proto::message::{BlpMode, GtcMode, Property};
use msnp_proto::payload::ml::Ml;
use msnp_proto::payload::xml::XmlLimits;
use msnp_proto::{ListBits, NetworkId, PresenceStatus, ProtocolVersion as V};
use msnp_session::{
    ClientInfo, ClientLogin, Credentials, LoginConfig, NotificationSession, Request, Roster,
    SessionConfig, SessionEvent,
};
use msnp_soap::abch::{
    AbFindResult, AbResponse, AbResponseBody, Contact, ContactInfo, ContactType,
    FindMembershipResult, Member, MemberKind, MemberRole, Membership, Service, ServiceHandle,
};

fn fixtures() -> (AbFindResult, FindMembershipResult) {
    let l = XmlLimits::default();
    let ab = AbResponse::from_xml(
        include_bytes!("../../msnp-soap/tests/fixtures/abfindall_response.xml"),
        &l,
    )
    .unwrap();
    let fm = AbResponse::from_xml(
        include_bytes!("../../msnp-soap/tests/fixtures/findmembership_response.xml"),
        &l,
    )
    .unwrap();
    let (AbResponseBody::FindAll(ab), AbResponseBody::FindMembership(fm)) = (ab.body, fm.body)
    else {
        panic!("fixtures are ABFindAll and FindMembership answers");
    };
    (ab, fm)
}

fn session(v: V) -> NotificationSession {
    let cfg = LoginConfig::new(
        "alice@hotmail.com",
        vec![v],
        ClientInfo::wlm_8_1(),
        Credentials::Ticket,
    )
    .with_machine_guid("{F52973B6-C926-4BAD-9BA8-7C1E840E4AB0}");
    let mut l = ClientLogin::new(cfg).unwrap();
    util::sign_in(&mut l, v);
    while l.poll_event().is_some() {}
    l.into_session(SessionConfig::default(), Instant::now())
        .unwrap()
}

fn sent(ns: &mut NotificationSession) -> Vec<String> {
    std::iter::from_fn(|| ns.poll_transmit())
        .map(|c| String::from_utf8_lossy(c.frame()).into_owned())
        .collect()
}

fn events(ns: &mut NotificationSession) -> Vec<SessionEvent> {
    std::iter::from_fn(|| ns.poll_event()).collect()
}

#[test]
fn the_roster_joins_address_book_and_memberships() {
    let (ab, fm) = fixtures();
    let r = Roster::from_address_book(&ab, &fm, 4096, 256);
    // Bob: a Messenger contact of the address book (FL), allowed (AL), has us (RL).
    let bob = r.contact("bob@example.com").unwrap();
    assert_eq!(
        bob.lists,
        ListBits::FORWARD | ListBits::ALLOW | ListBits::REVERSE
    );
    assert_eq!(&*bob.friendly_name, "Bob");
    assert_eq!(bob.network, Some(NetworkId::PASSPORT));
    assert!(bob.guid.is_some());
    assert_eq!(
        bob.groups,
        [
            "4a1e0b2c-1111-4f2e-8c5d-000000000001",
            "4a1e0b2c-2222-4f2e-8c5d-000000000002"
        ]
    );
    // Carol's address-book entry is deleted; her Yahoo allow membership stays.
    let carol = r.contact("carol@yahoo.com").unwrap();
    assert_eq!(carol.lists, ListBits::ALLOW);
    assert_eq!(carol.network, Some(NetworkId::YAHOO));
    assert_eq!(
        r.contact("mallory@example.com").unwrap().lists,
        ListBits::BLOCK
    );
    assert_eq!(
        r.contact("eve@example.com").unwrap().lists,
        ListBits::PENDING
    );
    // The `Me` contact is the user, not a contact.
    assert!(r.contact("alice@example.com").is_none());
    assert_eq!(r.contacts.len(), 4);
    assert_eq!(r.groups.len(), 2);
    assert_eq!(
        r.group("4a1e0b2c-1111-4f2e-8c5d-000000000001")
            .unwrap()
            .name,
        "Friends & Family"
    );
    assert_eq!(r.privacy.blp, Some(BlpMode::AllowUnlisted));
    assert_eq!(r.privacy.gtc, Some(GtcMode::Prompt));
    assert_eq!(r.property(&Property::FriendlyName), Some("Alice <3 été"));
    // The two stamps to send back for delta requests.
    assert!(r.version.list.starts_with("2009-03-03T"), "{:?}", r.version);
    assert!(
        r.version
            .settings
            .as_deref()
            .unwrap()
            .starts_with("2009-03-03T")
    );
}

#[test]
fn the_initial_list_sends_only_client_bits() {
    let (ab, fm) = fixtures();
    let ml = Roster::from_address_book(&ab, &fm, 4096, 256).initial_list();
    assert!(ml.initial);
    let got: Vec<(String, Option<ListBits>, Option<NetworkId>)> = ml
        .accounts()
        .map(|(a, c)| (a, c.lists, c.network))
        .collect();
    // Eve is only pending (PL): not sent. RL is never sent.
    assert_eq!(
        got,
        [
            (
                "bob@example.com".into(),
                Some(ListBits(3)),
                Some(NetworkId::PASSPORT)
            ),
            (
                "mallory@example.com".into(),
                Some(ListBits(4)),
                Some(NetworkId::PASSPORT)
            ),
            (
                "carol@yahoo.com".into(),
                Some(ListBits(2)),
                Some(NetworkId::YAHOO)
            ),
        ]
    );
}

#[test]
fn load_address_book_sends_the_initial_adl_and_completes_on_ok() {
    let (ab, fm) = fixtures();
    let mut ns = session(V::Msnp13);
    let id = ns.load_address_book(&ab, &fm).unwrap();
    let ev = events(&mut ns);
    assert!(
        matches!(&ev[..], [SessionEvent::RosterSynced { roster, changed: true }] if roster.contacts.len() == 4),
        "{ev:?}"
    );
    let out = sent(&mut ns);
    assert_eq!(out.len(), 1);
    let (head, body) = out[0].split_once("\r\n").unwrap();
    assert_eq!(head, format!("ADL {} {}", id.0, body.len()));
    assert!(body.starts_with("<ml l=\"1\">"), "{body}");
    let ml = Ml::parse(body.as_bytes(), &XmlLimits::default()).unwrap();
    assert_eq!(ml.contact_count(), 3);
    // A second list while the first is in flight is refused.
    assert!(ns.load_address_book(&ab, &fm).is_err());
    ns.handle_input(format!("ADL {} OK\r\n", id.0).as_bytes())
        .unwrap();
    let ev = events(&mut ns);
    assert!(
        matches!(&ev[..], [SessionEvent::RequestDone { id: d, request: Request::ContactList }] if *d == id),
        "{ev:?}"
    );
    assert_eq!(
        ns.roster()
            .contact("bob@example.com")
            .unwrap()
            .friendly_name,
        "Bob".into()
    );
}

fn messenger_contact(account: &str, id: usize) -> Contact {
    Contact {
        contact_id: Some(format!("00000000-0000-0000-0000-{id:012}")),
        info: Some(ContactInfo {
            contact_type: Some(ContactType::Regular),
            passport_name: Some(account.to_owned()),
            is_messenger_user: Some(true),
            ..ContactInfo::default()
        }),
        ..Contact::default()
    }
}

#[test]
fn a_large_address_book_goes_out_in_parts_each_awaiting_its_ok() {
    let ab = AbFindResult {
        contacts: (0..400)
            .map(|i| messenger_contact(&format!("user{i:03}@d{}.example.com", i % 7), i))
            .collect(),
        ..AbFindResult::default()
    };
    let mut ns = session(V::Msnp14);
    let id = ns
        .load_address_book(&ab, &FindMembershipResult::default())
        .unwrap();
    events(&mut ns);
    let mut accounts = 0;
    let mut parts = 0;
    let mut next = id;
    loop {
        let out = sent(&mut ns);
        assert_eq!(out.len(), 1, "one ADL at a time");
        let (head, body) = out[0].split_once("\r\n").unwrap();
        assert!(head.starts_with(&format!("ADL {} ", next.0)), "{head}");
        assert!(body.len() <= 7500);
        accounts += Ml::parse(body.as_bytes(), &XmlLimits::default())
            .unwrap()
            .contact_count();
        parts += 1;
        ns.handle_input(format!("ADL {} OK\r\n", next.0).as_bytes())
            .unwrap();
        let ev = events(&mut ns);
        if let [SessionEvent::RequestDone { id: d, .. }] = &ev[..] {
            assert_eq!(*d, id);
            assert!(sent(&mut ns).is_empty());
            break;
        }
        assert!(ev.is_empty(), "{ev:?}");
        next = msnp_proto::TrId(next.0 + 1);
    }
    assert_eq!(accounts, 400);
    assert!(parts >= 3, "{parts} parts");
}

const CIRCLE: &str = "00000000-0000-0000-0009-73944a8f7947@live.com";

fn nfy(op: &str, uri: &str, body: &str) -> Vec<u8> {
    let payload = format!(
        "Routing: 1.0\r\nTo: 1:alice@hotmail.com\r\nFrom: 9:{CIRCLE}\r\n\r\nReliability: 1.0\r\n\r\n\
         Notification: 1.0\r\nNotifNum: 0\r\nUri: {uri}\r\nNotifType: Partial\r\n\
         Content-Type: application/circles+xml\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    format!("NFY {op} {}\r\n{payload}", payload.len()).into_bytes()
}

#[test]
fn circles_are_sent_with_their_network_and_follow_nfy_and_via_presence() {
    // A circle membership (MSNP18): the CircleId is a bare GUID; the ADL names it at live.com.
    let fm = FindMembershipResult {
        services: vec![Service {
            handle: ServiceHandle::messenger(),
            memberships: vec![Membership {
                role: MemberRole::Allow,
                members: vec![Member {
                    kind: MemberKind::Circle,
                    account: Some(CIRCLE.trim_end_matches("@live.com").into()),
                    ..Member::passport("x")
                }],
                is_complete: None,
            }],
            last_change: None,
            deleted: None,
        }],
    };
    let mut ns = session(V::Msnp18);
    let id = ns.load_address_book(&AbFindResult::default(), &fm).unwrap();
    assert!(ns.roster().circle(CIRCLE).is_some());
    assert!(ns.roster().contacts.is_empty());
    let out = sent(&mut ns);
    assert!(
        out[0].ends_with(
            "<ml l=\"1\"><d n=\"live.com\"><c n=\"00000000-0000-0000-0009-73944a8f7947\" l=\"2\" t=\"9\" /></d></ml>"
        ),
        "{out:?}"
    );
    ns.handle_input(format!("ADL {} OK\r\n", id.0).as_bytes())
        .unwrap();
    events(&mut ns);

    // Two members join.
    let body = "<circle><roster><id>IM</id><user><id>1:bob@hotmail.com</id></user>\
                <user><id>1:carol@live.com</id></user></roster></circle>";
    ns.handle_input(&nfy("PUT", "/circle", body)).unwrap();
    let ev = events(&mut ns);
    assert!(
        matches!(&ev[..], [SessionEvent::CircleMembers { circle, joined, left }]
            if circle == CIRCLE && joined.len() == 2 && left.is_empty()),
        "{ev:?}"
    );
    assert_eq!(ns.roster().circle(CIRCLE).unwrap().members.len(), 2);

    // A member's presence inside the circle updates the circle, not the contact list.
    ns.handle_input(
        format!("NLN NLN 1:bob@hotmail.com;via=9:{CIRCLE} Bob%20B 2788999228:48 0\r\n").as_bytes(),
    )
    .unwrap();
    let ev = events(&mut ns);
    assert!(
        matches!(&ev[..], [SessionEvent::CirclePresence { circle, handle, presence, changes }]
            if &**circle == CIRCLE && &**handle == "1:bob@hotmail.com"
                && presence.status == PresenceStatus::Online && changes.status),
        "{ev:?}"
    );
    assert!(ns.roster().contacts.is_empty());
    let bob = ns
        .roster()
        .circle(CIRCLE)
        .unwrap()
        .member("bob@hotmail.com")
        .unwrap();
    assert_eq!(&*bob.friendly_name, "Bob B");
    // The event carries the circle's and the member's own strings.
    let Some(SessionEvent::CirclePresence { circle, handle, .. }) = ev.first() else {
        unreachable!()
    };
    assert!(std::sync::Arc::ptr_eq(handle, &bob.handle));
    let c = ns.roster().circle(CIRCLE).unwrap();
    assert!(std::sync::Arc::ptr_eq(circle, &c.address));
    ns.handle_input(format!("FLN 1:bob@hotmail.com;via=9:{CIRCLE} 0:0\r\n").as_bytes())
        .unwrap();
    let ev = events(&mut ns);
    assert!(
        matches!(&ev[..], [SessionEvent::CirclePresence { presence, .. }] if presence.status == PresenceStatus::Offline),
        "{ev:?}"
    );

    // One leaves.
    ns.handle_input(&nfy(
        "DEL",
        "/circle/roster(IM)/user(1:bob@hotmail.com)",
        "",
    ))
    .unwrap();
    let ev = events(&mut ns);
    assert!(
        matches!(&ev[..], [SessionEvent::CircleMembers { joined, left, .. }]
            if joined.is_empty() && left == &["1:bob@hotmail.com"]),
        "{ev:?}"
    );
    let c = ns.roster().circle(CIRCLE).unwrap();
    assert!(c.member("bob@hotmail.com").is_none());
    assert!(c.member("carol@live.com").is_some());

    // Any other NFY document still arrives as it came.
    let other = nfy("PUT", "/user", "<user/>");
    let other = String::from_utf8(other)
        .unwrap()
        .replace(&format!("9:{CIRCLE}"), "1:bob@hotmail.com");
    let other = {
        let (_, rest) = other.split_once("\r\n").unwrap();
        format!("NFY PUT {}\r\n{rest}", rest.len())
    };
    ns.handle_input(other.as_bytes()).unwrap();
    let ev = events(&mut ns);
    assert!(matches!(&ev[..], [SessionEvent::Routed { .. }]), "{ev:?}");
}
