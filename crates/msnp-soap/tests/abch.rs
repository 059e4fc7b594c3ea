//! ABCH AddressBook + Sharing: every operation built and parsed back, fixtures, faults.

mod common;
use common::{declares, fixture};

use msnp_soap::abch::*;
use msnp_soap::{DEFAULT_LIMITS, FaultKind, SoapDateTime, SoapError, XmlLimits, ns};
use pretty_assertions::assert_eq;

fn lim() -> XmlLimits {
    DEFAULT_LIMITS
}

fn header(scn: &str) -> AbHeader {
    AbHeader {
        cache_key: Some("12r1:KEY".into()),
        brand_id: Some("MSFT".into()),
        ..AbHeader::new(scn, Some("t=T&p=P".into()))
    }
}

fn t(s: &str) -> SoapDateTime {
    SoapDateTime::parse(s).unwrap()
}

fn all_requests() -> Vec<AbRequestBody> {
    let contact = Contact {
        contact_id: Some("d0b5c4a2-3333-4e1f-9a8b-000000000003".into()),
        info: Some(ContactInfo {
            display_name: Some("New <name> & \"more\"".into()),
            annotations: vec![Annotation::new("AB.NickName", "Bobby")],
            is_messenger_user: Some(true),
            ..ContactInfo::default()
        }),
        properties_changed: Some("DisplayName Annotation IsMessengerUser".into()),
        ..Contact::default()
    };
    let yahoo = Contact {
        info: Some(ContactInfo {
            contact_type: Some(ContactType::Regular),
            is_messenger_user: Some(true),
            emails: vec![ContactEmail::yahoo("carol@yahoo.com")],
            ..ContactInfo::default()
        }),
        ..Contact::default()
    };
    vec![
        AbRequestBody::FindAll(AbFindAll::full()),
        AbRequestBody::FindAll(AbFindAll {
            dynamic_item_view: Some("Gleam".into()),
            dynamic_item_last_change: Some(t("0001-01-01T00:00:00")),
            ..AbFindAll::deltas(t("2009-03-03T00:00:00.0000000-08:00"))
        }),
        AbRequestBody::FindContactsPaged(AbFindContactsPaged::initial()),
        AbRequestBody::FindContactsPaged(AbFindContactsPaged {
            deltas_only: true,
            last_changed: Some(t("2010-01-01T00:00:00Z")),
            ab_handle: Some(AbHandle {
                ab_id: "e0e0e0e0-0000-0000-0000-000000000001".into(),
                puid: 0,
                cid: -5,
            }),
            ..AbFindContactsPaged::initial()
        }),
        AbRequestBody::ContactAdd(AbContactAdd::passport(
            "buddy@example.com",
            Some(("hi there".into(), "Alice".into())),
        )),
        AbRequestBody::ContactAdd(AbContactAdd {
            ab_id: DEFAULT_AB_ID.into(),
            contacts: vec![yahoo],
            enable_allow_list_management: Some(true),
        }),
        AbRequestBody::ContactDelete(AbContactDelete {
            ab_id: DEFAULT_AB_ID.into(),
            contact_ids: vec!["id-1".into(), "id-2".into()],
        }),
        AbRequestBody::ContactUpdate(AbContactUpdate::my_display_name("Alice ♥")),
        AbRequestBody::ContactUpdate(AbContactUpdate {
            ab_id: DEFAULT_AB_ID.into(),
            contacts: vec![contact],
            enable_allow_list_management: Some(true),
        }),
        AbRequestBody::GroupAdd(AbGroupAdd {
            ab_id: DEFAULT_AB_ID.into(),
            rename_on_msgr_conflict: Some(false),
            group: GroupInfo::normal("Friends"),
        }),
        AbRequestBody::GroupDelete(AbGroupDelete {
            ab_id: DEFAULT_AB_ID.into(),
            group_ids: vec!["g1".into()],
        }),
        AbRequestBody::GroupUpdate(AbGroupUpdate {
            ab_id: DEFAULT_AB_ID.into(),
            groups: vec![Group {
                group_id: "g1".into(),
                info: GroupInfo {
                    name: "Renamed".into(),
                    ..GroupInfo::default()
                },
                properties_changed: Some("GroupName".into()),
                deleted: None,
                last_change: None,
            }],
        }),
        AbRequestBody::GroupContactAdd(AbGroupContactAdd {
            ab_id: DEFAULT_AB_ID.into(),
            group_ids: vec!["g1".into()],
            contacts: vec![Contact::by_id("c1")],
            generate_missing_quick_name: Some(true),
            enable_allow_list_management: Some(true),
        }),
        AbRequestBody::GroupContactDelete(AbGroupContactDelete {
            ab_id: DEFAULT_AB_ID.into(),
            contact_ids: vec!["c1".into()],
            group_ids: vec!["g1".into(), "g2".into()],
        }),
        AbRequestBody::Add(AbAdd {
            name: String::new(),
            owner_puid: 0,
            owner_email: "me@example.com".into(),
            default: true,
        }),
        AbRequestBody::FindMembership(FindMembership::full()),
        AbRequestBody::FindMembership(FindMembership::deltas(t(
            "2009-03-03T00:00:00.0000000-08:00",
        ))),
        AbRequestBody::AddMember(MemberChange::passport(
            MemberRole::Block,
            "mallory@example.com",
        )),
        AbRequestBody::AddMember(MemberChange {
            service: ServiceHandle::messenger(),
            memberships: vec![Membership {
                role: MemberRole::Allow,
                members: vec![Member::email("carol@yahoo.com", 32)],
                is_complete: None,
            }],
        }),
        AbRequestBody::DeleteMember(MemberChange {
            service: ServiceHandle::messenger(),
            memberships: vec![Membership {
                role: MemberRole::Pending,
                members: vec![Member {
                    membership_id: Some("5".into()),
                    account: None,
                    state: None,
                    member_type: Some("Passport".into()),
                    ..Member::passport("x")
                }],
                is_complete: None,
            }],
        }),
    ]
}

#[test]
fn every_operation_is_covered() {
    let mut ops: Vec<_> = all_requests().iter().map(|b| b.operation()).collect();
    ops.sort_by_key(|o| o.element());
    ops.dedup();
    assert_eq!(ops.len(), AbOperation::ALL.len());
}

#[test]
fn requests_roundtrip_and_structure() {
    for body in all_requests() {
        let op = body.operation();
        let req = AbRequest {
            header: header("Initial"),
            body,
        };
        let xml = req.to_xml();
        let text = String::from_utf8(xml.clone()).unwrap();
        assert!(declares(&xml, ns::SOAP11), "{op:?}");
        assert!(declares(&xml, ns::AB), "{op:?}");
        assert!(
            text.contains(&format!("<{} xmlns=\"{}\">", op.element(), ns::AB)),
            "{op:?}: {text}"
        );
        assert!(text.contains("<TicketToken>t=T&amp;p=P</TicketToken>"));
        assert!(text.contains("<CacheKey>12r1:KEY</CacheKey>"));
        assert_eq!(
            req.soap_action(),
            format!(
                "http://www.msn.com/webservices/AddressBook/{}",
                op.element()
            )
        );
        let expect_path = if matches!(
            op,
            AbOperation::FindMembership | AbOperation::AddMember | AbOperation::DeleteMember
        ) {
            "/abservice/SharingService.asmx"
        } else {
            "/abservice/abservice.asmx"
        };
        assert_eq!(req.path(), expect_path);
        let back =
            AbRequest::from_xml(&xml, &lim()).unwrap_or_else(|e| panic!("{op:?}: {e}\n{text}"));
        assert_eq!(back, req, "{op:?}");
    }
}

#[test]
fn msnp13_header_has_no_ticket_token() {
    let req = AbRequest {
        header: AbHeader::new("Initial", None),
        body: AbRequestBody::FindAll(AbFindAll::full()),
    };
    let text = String::from_utf8(req.to_xml()).unwrap();
    assert!(!text.contains("TicketToken"));
    assert!(text.contains("<ManagedGroupRequest>false</ManagedGroupRequest>"));
    assert_eq!(
        AbRequest::from_xml(text.as_bytes(), &lim())
            .unwrap()
            .header
            .ticket_token,
        None
    );
}

#[test]
fn findall_request_shape() {
    let req = AbRequest {
        header: header("Initial"),
        body: AbRequestBody::FindAll(AbFindAll::full()),
    };
    let text = String::from_utf8(req.to_xml()).unwrap();
    assert!(text.contains("<abId>00000000-0000-0000-0000-000000000000</abId><abView>Full</abView><deltasOnly>false</deltasOnly><lastChange>0001-01-01T00:00:00-08:00</lastChange>"), "{text}");
    let paged = AbRequest {
        header: header("Initial"),
        body: AbRequestBody::FindContactsPaged(AbFindContactsPaged::initial()),
    };
    let text = String::from_utf8(paged.to_xml()).unwrap();
    assert!(text.contains("<filterOptions><DeltasOnly>false</DeltasOnly><ContactFilter><IncludeHiddenContacts>true</IncludeHiddenContacts></ContactFilter></filterOptions><abView>MessengerClient8</abView><extendedContent>AB AllGroups CircleResult</extendedContent>"), "{text}");
}

#[test]
fn member_xsi_type_is_declared() {
    let req = AbRequest {
        header: header("BlockUnblock"),
        body: AbRequestBody::AddMember(MemberChange::passport(MemberRole::Block, "m@example.com")),
    };
    let text = String::from_utf8(req.to_xml()).unwrap();
    assert!(text.contains(r#"<Member xsi:type="PassportMember" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><Type>Passport</Type><State>Accepted</State><PassportName>m@example.com</PassportName></Member>"#), "{text}");
    assert!(text.contains(
        "<serviceHandle><Id>0</Id><Type>Messenger</Type><ForeignId></ForeignId></serviceHandle>"
    ));
}

#[test]
fn abfindall_fixture() {
    let r = AbResponse::from_xml(&fixture("abfindall_response.xml"), &lim()).unwrap();
    let h = r.service_header.as_ref().unwrap();
    assert_eq!(h.cache_key_changed, Some(true));
    assert!(h.cache_key.as_deref().unwrap().starts_with("12r1:8nBB"));
    assert_eq!(
        h.preferred_host_name.as_deref(),
        Some("local-bay.contacts.msn.com")
    );
    let AbResponseBody::FindAll(f) = &r.body else {
        panic!("{:?}", r.body)
    };
    assert_eq!(f.groups.len(), 2);
    assert_eq!(f.groups[0].info.name, "Friends & Family");
    assert_eq!(f.groups[0].info.is_favorite, Some(true));
    assert_eq!(
        f.groups[0].info.annotations,
        vec![Annotation::new("MSN.IM.Display", "1")]
    );
    assert_eq!(
        f.groups[0].last_change,
        Some(t("2009-03-01T12:00:00.517-08:00"))
    );
    assert!(matches!(
        f.groups[1].last_change,
        Some(SoapDateTime::Naive(_))
    ));
    assert_eq!(f.contacts.len(), 3);

    let me = f.me().unwrap();
    let info = me.info.as_ref().unwrap();
    assert_eq!(info.display_name.as_deref(), Some("Alice <3 été"));
    assert_eq!(info.cid, Some(-7361993486733785832));
    assert_eq!(me.annotation("MSN.IM.BLP"), Some("1"));
    assert_eq!(info.has_space, Some(true));
    assert_eq!(info.birthdate.as_deref(), Some("0001-01-01T00:00:00"));

    let bob = &f.contacts[1];
    assert_eq!(bob.account(), Some("bob@example.com"));
    assert_eq!(bob.network(), Some(1));
    let bi = bob.info.as_ref().unwrap();
    assert_eq!(bi.contact_type, Some(ContactType::Regular));
    assert_eq!(bi.group_ids.len(), 2);
    assert_eq!(bi.is_messenger_user, Some(true));
    assert_eq!(bob.annotation("AB.NickName"), Some("Bobby"));
    assert_eq!(
        bi.phones,
        vec![ContactPhone {
            phone_type: "ContactPhoneMobile".into(),
            number: "+15551234".into(),
            is_messenger_enabled: Some(true)
        }]
    );

    let carol = &f.contacts[2];
    assert_eq!(carol.account(), Some("carol@yahoo.com"));
    assert_eq!(carol.network(), Some(32));
    assert_eq!(carol.deleted, Some(true));

    let ab = f.ab.as_ref().unwrap();
    assert_eq!(ab.owner_email.as_deref(), Some("alice@example.com"));
    assert_eq!(ab.last_change, Some(t("2009-03-03T00:00:00-08:00")));
    assert!(matches!(
        ab.dynamic_item_last_changed,
        Some(SoapDateTime::Naive(_))
    ));
    assert_eq!(ab.default, Some(true));
}

#[test]
fn abfindcontactspaged_fixture_prefixed_and_capitalised() {
    let r = AbResponse::from_xml(&fixture("abfindcontactspaged_response.xml"), &lim()).unwrap();
    assert_eq!(
        r.service_header.as_ref().unwrap().cache_key_changed,
        Some(false)
    );
    let AbResponseBody::FindContactsPaged(f) = &r.body else {
        panic!()
    };
    assert!(f.groups.is_empty());
    assert_eq!(f.contacts.len(), 1);
    assert_eq!(f.contacts[0].account(), Some("dave@example.com"));
    assert_eq!(
        f.circle_ticket.as_deref(),
        Some(r#"<?xml version="1.0" encoding="utf-16"?><SignedTicket/>"#)
    );
    assert_eq!(
        f.ab.as_ref().unwrap().last_change,
        Some(t("2010-01-01T00:00:00Z"))
    );
}

#[test]
fn find_response_builders_roundtrip() {
    for file in [
        "abfindall_response.xml",
        "abfindcontactspaged_response.xml",
        "findmembership_response.xml",
    ] {
        let r = AbResponse::from_xml(&fixture(file), &lim()).unwrap();
        let again = AbResponse::from_xml(&r.to_xml(), &lim()).unwrap();
        assert_eq!(again, r, "{file}");
    }
}

#[test]
fn small_responses() {
    let cases: &[(&str, AbOperation)] = &[
        ("abcontactadd_response.xml", AbOperation::ContactAdd),
        ("abgroupadd_response.xml", AbOperation::GroupAdd),
        (
            "abgroupcontactadd_response.xml",
            AbOperation::GroupContactAdd,
        ),
        ("abcontactdelete_response.xml", AbOperation::ContactDelete),
        ("abcontactupdate_response.xml", AbOperation::ContactUpdate),
        ("abgroupdelete_response.xml", AbOperation::GroupDelete),
        (
            "abgroupcontactdelete_response.xml",
            AbOperation::GroupContactDelete,
        ),
        ("addmember_response.xml", AbOperation::AddMember),
        ("deletemember_response.xml", AbOperation::DeleteMember),
        ("abadd_response.xml", AbOperation::Add),
    ];
    for (file, op) in cases {
        let r = AbResponse::from_xml_for(&fixture(file), *op, &lim())
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(r.body.operation(), *op);
        assert_eq!(
            AbResponse::from_xml(&r.to_xml(), &lim()).unwrap(),
            r,
            "{file}"
        );
    }
    let r = AbResponse::from_xml(&fixture("abcontactadd_response.xml"), &lim()).unwrap();
    assert_eq!(
        r.body,
        AbResponseBody::ContactAdd("6f1e7a30-aaaa-4c2b-9d3e-0000000012ab".into())
    );
    let r = AbResponse::from_xml(&fixture("abadd_response.xml"), &lim()).unwrap();
    assert_eq!(
        r.body,
        AbResponseBody::Add("a2f4c0e1-7777-4b1c-8d2e-000000000007".into())
    );
    assert_eq!(r.service_header, None);
    // wrong expectation
    assert!(
        AbResponse::from_xml_for(&fixture("abadd_response.xml"), AbOperation::FindAll, &lim())
            .is_err()
    );
}

#[test]
fn findmembership_fixture() {
    let r = AbResponse::from_xml(&fixture("findmembership_response.xml"), &lim()).unwrap();
    let AbResponseBody::FindMembership(m) = &r.body else {
        panic!()
    };
    assert_eq!(m.services.len(), 2);
    let msgr = m.messenger().unwrap();
    assert_eq!(msgr.handle.id, "1");
    assert_eq!(msgr.last_change, Some(t("2009-03-03T00:00:00-08:00")));
    let roles: Vec<_> = msgr.memberships.iter().map(|x| x.role.list_bit()).collect();
    assert_eq!(roles, vec![Some(2), Some(4), Some(8), Some(16)]);
    let allow: Vec<_> = m.members(&MemberRole::Allow).collect();
    assert_eq!(allow.len(), 2);
    assert_eq!(allow[0].kind, MemberKind::Passport);
    assert_eq!(allow[0].account.as_deref(), Some("bob@example.com"));
    assert_eq!(allow[0].membership_id.as_deref(), Some("1"));
    assert_eq!(allow[0].cid, Some(1234567890123));
    assert_eq!(allow[0].network(), Some(1));
    assert!(matches!(allow[0].joined_date, Some(SoapDateTime::Naive(_))));
    // other prefix for xsi
    assert_eq!(allow[1].kind, MemberKind::Email);
    assert_eq!(allow[1].account.as_deref(), Some("carol@yahoo.com"));
    assert_eq!(allow[1].network(), Some(32));
    let block: Vec<_> = m.members(&MemberRole::Block).collect();
    assert_eq!(block[0].account.as_deref(), Some("mallory@example.com"));
    let rev: Vec<_> = m.members(&MemberRole::Reverse).collect();
    assert_eq!(rev[0].display_name.as_deref(), Some("Bob & Co"));
    let pending: Vec<_> = m.members(&MemberRole::Pending).collect();
    assert_eq!(pending[0].invite_message(), Some("Hi, add me!"));
    assert_eq!(
        m.services[1].memberships[0].role,
        MemberRole::ProfileExpansion
    );
    assert_eq!(m.services[1].memberships[0].role.list_bit(), None);
}

#[test]
fn ab_faults() {
    let e = AbResponse::from_xml(&fixture("ab_fault_contact_exists.xml"), &lim()).unwrap_err();
    let f = e.fault().unwrap();
    assert_eq!(f.code, "soap:Client");
    assert_eq!(f.reason, "Contact Already Exists");
    assert_eq!(
        f.actor.as_deref(),
        Some("http://www.msn.com/webservices/AddressBook/ABContactAdd")
    );
    assert_eq!(f.error_code.as_deref(), Some("ContactAlreadyExists"));
    assert_eq!(
        f.conflict_object_id.as_deref(),
        Some("d0b5c4a2-3333-4e1f-9a8b-000000000003")
    );
    assert_eq!(f.kind(), FaultKind::AddressBook);
    assert!(
        f.detail
            .iter()
            .any(|d| d.name == "machineName" && d.value == "BAYABCHWBB143")
    );

    let e = AbResponse::from_xml(&fixture("ab_fault_abdoesnotexist.xml"), &lim()).unwrap_err();
    assert_eq!(e.fault().unwrap().kind(), FaultKind::AddressBookMissing);

    let e = AbResponse::from_xml(&fixture("ab_fault_bad_context_token.xml"), &lim()).unwrap_err();
    let f = e.fault().unwrap();
    assert_eq!(f.code_local(), "BadContextToken");
    assert_eq!(f.kind(), FaultKind::ExpiredTicket);
    assert!(matches!(e, SoapError::Fault(_)));
}

#[test]
fn fault_builder_roundtrip() {
    for file in [
        "ab_fault_contact_exists.xml",
        "ab_fault_abdoesnotexist.xml",
        "ab_fault_bad_context_token.xml",
        "rst2_fault.xml",
        "rst_fault_bad_password.xml",
        "rst_redirect.xml",
        "oim_lockkey_fault.xml",
    ] {
        let f = msnp_soap::parse_fault_envelope(&fixture(file), &lim()).unwrap();
        let again =
            msnp_soap::parse_fault_envelope(&msnp_soap::fault_envelope(&f), &lim()).unwrap();
        assert_eq!(again, f, "{file}");
    }
    // detail names that are not XML names are dropped rather than breaking the envelope
    let f = msnp_soap::SoapFault {
        code: "soap:Server".into(),
        detail: vec![msnp_soap::FaultDetail {
            name: "a b><x".into(),
            value: "v".into(),
        }],
        ..Default::default()
    };
    let xml = msnp_soap::fault_envelope(&f);
    assert!(
        msnp_soap::parse_fault_envelope(&xml, &lim())
            .unwrap()
            .detail
            .is_empty()
    );
}

#[test]
fn elements_in_other_order_and_unknown_elements() {
    let xml = br#"<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body><x:ABFindAllResponse xmlns:x="http://www.msn.com/webservices/AddressBook"><x:ABFindAllResult><x:ab><x:lastChange>2009-01-01T00:00:00Z</x:lastChange></x:ab><x:Future/><x:contacts><x:Contact><x:lastChange>2009-01-01T00:00:00</x:lastChange><x:contactInfo><x:displayName>Z</x:displayName><x:passportName>z@example.com</x:passportName></x:contactInfo><x:contactId>cid</x:contactId></x:Contact></x:contacts></x:ABFindAllResult></x:ABFindAllResponse></e:Body><e:Header><x:ServiceHeader xmlns:x="http://www.msn.com/webservices/AddressBook"><x:CacheKey>k</x:CacheKey></x:ServiceHeader></e:Header></e:Envelope>"#;
    let r = AbResponse::from_xml(xml, &lim()).unwrap();
    assert_eq!(r.service_header.unwrap().cache_key.as_deref(), Some("k"));
    let AbResponseBody::FindAll(f) = r.body else {
        panic!()
    };
    assert_eq!(f.contacts[0].contact_id.as_deref(), Some("cid"));
    assert_eq!(f.contacts[0].account(), Some("z@example.com"));
}

#[test]
fn bad_bool_is_typed_error() {
    let xml = br#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><ABFindAllResponse><ABFindAllResult><contacts><Contact><contactId>x</contactId><fDeleted>maybe</fDeleted></Contact></contacts></ABFindAllResult></ABFindAllResponse></soap:Body></soap:Envelope>"#;
    let e = AbResponse::from_xml(xml, &lim()).unwrap_err();
    assert!(
        matches!(e, SoapError::BadValue { path: "Contact/fDeleted", ref value, .. } if value == "maybe"),
        "{e:?}"
    );
}

#[test]
fn combined_lists_for_adl() {
    let ab = AbResponse::from_xml(&fixture("abfindall_response.xml"), &lim()).unwrap();
    let m = AbResponse::from_xml(&fixture("findmembership_response.xml"), &lim()).unwrap();
    let (AbResponseBody::FindAll(ab), AbResponseBody::FindMembership(m)) = (ab.body, m.body) else {
        panic!()
    };
    let lists = contact_lists(&ab, &m);
    let get = |a: &str| {
        lists
            .iter()
            .find(|e| e.account == a)
            .map(|e| (e.network, e.lists))
    };
    // bob: FL (AB) + AL + RL
    assert_eq!(get("bob@example.com"), Some((1, 1 | 2 | 8)));
    // carol: deleted from the AB, still on AL as a Yahoo member
    assert_eq!(get("carol@yahoo.com"), Some((32, 2)));
    assert_eq!(get("mallory@example.com"), Some((1, 4)));
    assert_eq!(get("eve@example.com"), Some((1, 16)));
    // Me is never listed
    assert_eq!(get("alice@example.com"), None);
    assert_eq!(lists.len(), 4);
}

#[test]
fn cache_key_follows_service_header() {
    let r = AbResponse::from_xml(&fixture("abfindall_response.xml"), &lim()).unwrap();
    let sh = r.service_header.unwrap();
    let mut h = AbHeader::for_version(15, scenario::INITIAL, Some("t=a&p=b"));
    assert_eq!(h.cache_key, None);
    h.update_from(&sh);
    assert_eq!(h.cache_key, sh.cache_key);
    // unchanged key is not taken over an existing one
    let mut h2 = AbHeader {
        cache_key: Some("old".into()),
        ..h.clone()
    };
    h2.update_from(&ServiceHeader {
        cache_key: Some("new".into()),
        cache_key_changed: Some(false),
        ..ServiceHeader::default()
    });
    assert_eq!(h2.cache_key.as_deref(), Some("old"));
    assert_eq!(mspauth_cookie("abc"), "MSPAuth=abc");
}

#[test]
fn unsigned_cid_and_odd_birthdate_are_tolerated() {
    let xml = br#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><ABFindAllResponse><ABFindAllResult><contacts><Contact><contactId>x</contactId><contactInfo><CID>18446744073709551615</CID><birthdate>2000/01/31</birthdate></contactInfo></Contact></contacts></ABFindAllResult></ABFindAllResponse></soap:Body></soap:Envelope>"#;
    let r = AbResponse::from_xml(xml, &lim()).unwrap();
    let AbResponseBody::FindAll(f) = r.body else {
        panic!()
    };
    let info = f.contacts[0].info.as_ref().unwrap();
    assert_eq!(info.cid, Some(-1));
    assert_eq!(info.birthdate.as_deref(), Some("2000/01/31"));
    let bad = br#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><ABFindAllResponse><ABFindAllResult><contacts><Contact><contactInfo><CID>12x</CID></contactInfo></Contact></contacts></ABFindAllResult></ABFindAllResponse></soap:Body></soap:Envelope>"#;
    assert!(matches!(
        AbResponse::from_xml(bad, &lim()),
        Err(SoapError::BadValue {
            path: "Contact/contactInfo/CID",
            ..
        })
    ));
}

#[test]
fn server_parses_client_findall_fixture() {
    let r = AbRequest::from_xml(&fixture("abfindall_request.xml"), &lim()).unwrap();
    assert_eq!(
        r.header.application_id,
        "CFE80F9D-180F-4399-82AB-413F33A1FA11"
    );
    assert_eq!(r.header.ticket_token.as_deref(), Some("t=EwCoARAnAAAU&p="));
    assert_eq!(r.header.partner_scenario, scenario::INITIAL);
    assert_eq!(r.body, AbRequestBody::FindAll(AbFindAll::full()));
}

#[test]
fn update_helpers() {
    let u = AbContactUpdate::nickname("c1", "Bobby");
    assert_eq!(u.contacts[0].contact_id.as_deref(), Some("c1"));
    assert_eq!(u.contacts[0].annotation("AB.NickName"), Some("Bobby"));
    assert_eq!(
        u.contacts[0].properties_changed.as_deref(),
        Some("Annotation")
    );
    let req = AbRequest {
        header: header("ContactSave"),
        body: AbRequestBody::ContactUpdate(AbContactUpdate::my_privacy(2)),
    };
    let text = String::from_utf8(req.to_xml()).unwrap();
    assert!(text.contains("<contactInfo><contactType>Me</contactType><annotations><Annotation><Name>MSN.IM.BLP</Name><Value>2</Value></Annotation></annotations></contactInfo><propertiesChanged>Annotation</propertiesChanged>"), "{text}");
}
