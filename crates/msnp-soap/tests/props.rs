//! Property tests: parse(build(x)) == x for arbitrary user strings, and no panic on arbitrary bytes.

use msnp_soap::abch::*;
use msnp_soap::passport::{RstRequest, RstResponse, TokenRequest};
use msnp_soap::{DEFAULT_LIMITS, SoapDateTime};
use proptest::prelude::*;

/// XML 1.0 can carry any char except most C0 controls; CR is normalised by
/// readers, so generate text without CR and without surrounding whitespace
/// for fields that are trimmed.
fn text() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[^\\x00-\\x1f\\u{FFFE}\\u{FFFF}\\s]([^\\x00-\\x1f\\u{FFFE}\\u{FFFF}]{0,30}[^\\x00-\\x1f\\u{FFFE}\\u{FFFF}\\s])?")
        .unwrap()
}

fn time() -> impl Strategy<Value = SoapDateTime> {
    (0i64..4_000_000_000, -12i32..14, any::<bool>()).prop_map(|(secs, off, naive)| {
        let dt = chrono::DateTime::from_timestamp(secs, 0).unwrap();
        if naive {
            SoapDateTime::Naive(dt.naive_utc())
        } else {
            SoapDateTime::Offset(
                dt.with_timezone(&chrono::FixedOffset::east_opt(off * 3600).unwrap()),
            )
        }
    })
}

fn contact() -> impl Strategy<Value = Contact> {
    (
        proptest::option::of(text()),
        proptest::option::of(text()),
        proptest::option::of(text()),
        proptest::collection::vec((text(), text()), 0..3),
        proptest::option::of(any::<bool>()),
        proptest::option::of(any::<i64>()),
        proptest::option::of(time()),
    )
        .prop_map(|(id, passport, display, ann, msgr, cid, lc)| Contact {
            contact_id: id,
            info: Some(ContactInfo {
                passport_name: passport,
                display_name: display,
                annotations: ann
                    .into_iter()
                    .map(|(n, v)| Annotation::new(n, v))
                    .collect(),
                is_messenger_user: msgr,
                cid,
                ..ContactInfo::default()
            }),
            properties_changed: None,
            deleted: None,
            last_change: lc,
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn rst_roundtrip(user in text(), pass in text(), tokens in proptest::collection::vec((text(), proptest::option::of(text())), 0..5)) {
        let req = RstRequest::rst(user, pass, tokens.into_iter().map(|(a, p)| TokenRequest { address: a, policy: p }).collect());
        prop_assert_eq!(RstRequest::from_xml(&req.to_xml(), &DEFAULT_LIMITS).unwrap(), req);
    }

    #[test]
    fn contact_update_roundtrip(contacts in proptest::collection::vec(contact(), 0..4), ticket in proptest::option::of(text()), scn in text()) {
        let req = AbRequest {
            header: AbHeader::new(&scn, ticket),
            body: AbRequestBody::ContactUpdate(AbContactUpdate { ab_id: DEFAULT_AB_ID.into(), contacts, enable_allow_list_management: None }),
        };
        prop_assert_eq!(AbRequest::from_xml(&req.to_xml(), &DEFAULT_LIMITS).unwrap(), req);
    }

    #[test]
    fn findall_response_roundtrip(contacts in proptest::collection::vec(contact(), 0..4), names in proptest::collection::vec(text(), 0..3), lc in proptest::option::of(time())) {
        let groups = names.into_iter().enumerate().map(|(i, n)| Group { group_id: format!("g{i}"), info: GroupInfo::normal(n), properties_changed: None, deleted: Some(false), last_change: lc }).collect();
        let resp = AbResponse {
            service_header: None,
            body: AbResponseBody::FindAll(AbFindResult { groups, contacts, circle_ticket: None, ab: Some(AbInfo { last_change: lc, ..AbInfo::default() }) }),
        };
        prop_assert_eq!(AbResponse::from_xml(&resp.to_xml(), &DEFAULT_LIMITS).unwrap(), resp);
    }

    #[test]
    fn members_roundtrip(accounts in proptest::collection::vec(text(), 0..4), role in prop_oneof![Just(MemberRole::Allow), Just(MemberRole::Block), Just(MemberRole::Reverse), Just(MemberRole::Pending)]) {
        let change = MemberChange {
            service: ServiceHandle::messenger(),
            memberships: vec![Membership { role, members: accounts.into_iter().map(Member::passport).collect(), is_complete: None }],
        };
        let req = AbRequest { header: AbHeader::new("BlockUnblock", None), body: AbRequestBody::AddMember(change) };
        prop_assert_eq!(AbRequest::from_xml(&req.to_xml(), &DEFAULT_LIMITS).unwrap(), req);
    }

    #[test]
    fn no_panic_on_arbitrary_bytes(data in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = AbResponse::from_xml(&data, &DEFAULT_LIMITS);
        let _ = RstResponse::from_xml(&data, &DEFAULT_LIMITS);
        let _ = AbRequest::from_xml(&data, &DEFAULT_LIMITS);
    }

    #[test]
    fn no_panic_on_mutated_fixture(pos in 0usize..6000, byte in any::<u8>(), cut in 0usize..6000) {
        let mut data = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/abfindall_response.xml")).unwrap();
        if pos < data.len() { data[pos] = byte; }
        data.truncate(cut.max(1));
        let _ = AbResponse::from_xml(&data, &DEFAULT_LIMITS);
    }
}
