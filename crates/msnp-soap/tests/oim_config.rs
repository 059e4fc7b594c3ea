//! OIM (RSI + Store) and Messenger Config.

mod common;
use common::{declares, fixture};

use msnp_soap::config::{GetClientConfig, GetClientConfigResponse, MsgrConfig};
use msnp_soap::oim::*;
use msnp_soap::{DEFAULT_LIMITS, FaultKind, SoapError, XmlLimits, ns};
use pretty_assertions::assert_eq;

fn lim() -> XmlLimits {
    DEFAULT_LIMITS
}

#[test]
fn rsi_requests_roundtrip() {
    for body in [
        RsiBody::GetMetadata,
        RsiBody::GetMessage {
            message_id: "08CBD8BE-9972-433C-A9DA-84A0A725EF4B".into(),
            also_mark_as_read: false,
        },
        RsiBody::DeleteMessages {
            message_ids: vec!["a".into(), "b".into()],
        },
    ] {
        let req = RsiRequest::from_ticket("t=T&amp;x&p=P", body).unwrap();
        assert_eq!(req.t, "T");
        let xml = req.to_xml();
        let text = String::from_utf8(xml.clone()).unwrap();
        assert!(declares(&xml, ns::RSI));
        assert!(text.contains("<PassportCookie xmlns=\"http://www.hotmail.msn.com/ws/2004/09/oim/rsi\"><t>T</t><p>P</p></PassportCookie>"), "{text}");
        assert_eq!(RsiRequest::from_xml(&xml, &lim()).unwrap(), req);
        assert!(
            req.soap_action()
                .starts_with("http://www.hotmail.msn.com/ws/2004/09/oim/rsi/")
        );
    }
    assert!(RsiRequest::from_ticket("garbage", RsiBody::GetMetadata).is_err());
}

#[test]
fn rsi_metadata_fixture() {
    let r = RsiResponse::from_xml(&fixture("rsi_getmetadata_response.xml"), &lim()).unwrap();
    let RsiResponse::Metadata(m) = r else {
        panic!("{r:?}")
    };
    assert_eq!(m.len(), 1);
    assert_eq!(
        m[0].id.as_deref(),
        Some("08CBD8BE-9972-433C-A9DA-84A0A725EF4B")
    );
    assert_eq!(m[0].email.as_deref(), Some("bob@example.com"));
    assert_eq!(m[0].kind, Some(11));
    assert_eq!(m[0].size_bytes, Some(506));
    assert_eq!(m[0].read, Some(false));
    assert_eq!(m[0].name.as_deref(), Some("=?utf-8?B?Qm9i?="));
}

#[test]
fn rsi_message_fixture() {
    let r = RsiResponse::from_xml(&fixture("rsi_getmessage_response.xml"), &lim()).unwrap();
    let RsiResponse::Message(m) = r else { panic!() };
    assert!(m.starts_with("From: =?utf-8?B?Qm9i?= <bob@example.com>\n"));
    assert!(m.contains("X-OIM-Sequence-Num: 1\n"));
    assert!(m.contains("\n\naGVsbG8gYWxpY2U=\n"));
}

#[test]
fn store_request_roundtrip_and_escaping() {
    let content = StoreRequest::mime_content(
        "{3A3BE82C-6A1D-4E4B-A5B8-2D9E3C2D1E0F}",
        2,
        &"x".repeat(100),
    );
    let body_lines: Vec<_> = content
        .split("\r\n\r\n")
        .nth(1)
        .unwrap()
        .split("\r\n")
        .collect();
    assert_eq!(body_lines.len(), 2);
    assert_eq!(body_lines[0].len(), 76);
    let req = StoreRequest {
        action: StoreAction::Store2,
        from: "alice@example.com".into(),
        friendly_name: "Alice \"<&>\" ♥".into(),
        lang: "en-US".into(),
        proxy: "MSNMSGR".into(),
        msnp_ver: "MSNP15".into(),
        build_ver: "8.5.1288".into(),
        to: "bob@example.com".into(),
        ticket: "t=T&p=P".into(),
        app_id: "PROD0119GSJUC$18".into(),
        lock_key: String::new(),
        sequence: 2,
        message_type: "text".into(),
        content,
    };
    let xml = req.to_xml();
    let text = String::from_utf8(xml.clone()).unwrap();
    assert!(text.contains(r#"passport="t=T&amp;p=P""#), "{text}");
    assert!(text.contains("<MessageNumber>2</MessageNumber>"));
    assert!(text.contains("friendlyName=\"=?utf-8?B?"));
    assert!(declares(&xml, ns::OIM) && declares(&xml, ns::RM));
    assert_eq!(
        StoreRequest::from_xml(&xml, StoreAction::Store2, &lim()).unwrap(),
        req
    );
    assert_eq!(
        StoreAction::Store2.soap_action(),
        "http://messenger.live.com/ws/2006/09/oim/Store2"
    );
}

#[test]
fn store_response_and_lockkey_fault() {
    let r = StoreResponse::from_xml(&fixture("oim_store_response.xml"), &lim()).unwrap();
    assert_eq!(
        r,
        StoreResponse {
            points_consumed: Some(0),
            ack_lower: Some(1),
            ack_upper: Some(1)
        }
    );
    let e = StoreResponse::from_xml(&fixture("oim_lockkey_fault.xml"), &lim()).unwrap_err();
    let SoapError::Fault(f) = e else { panic!() };
    assert_eq!(f.code_local(), "AuthenticationFailed");
    assert_eq!(
        f.lock_key_challenge.as_deref(),
        Some("51288937029112016545")
    );
    assert_eq!(f.kind(), FaultKind::LockKeyChallenge);
    assert!(f.detail.iter().any(|d| d.name == "TweenerChallenge"));
}

#[test]
fn client_config() {
    let req = GetClientConfig {
        country: "DE".into(),
        clcid: "0407".into(),
        plcid: "0407".into(),
        geo_id: 94,
    };
    let xml = req.to_xml();
    assert!(declares(&xml, ns::MSGR_CONFIG));
    assert!(String::from_utf8_lossy(&xml).contains("<clientinfo><Country>DE</Country><CLCID>0407</CLCID><PLCID>0407</PLCID><GeoID>94</GeoID></clientinfo>"));
    assert_eq!(GetClientConfig::from_xml(&xml, &lim()).unwrap(), req);

    let r = GetClientConfigResponse::from_xml(&fixture("getclientconfig_response.xml"), &lim())
        .unwrap();
    assert!(r.document.starts_with("<MsgrConfig>"));
    let c = r.config.as_ref().unwrap();
    assert_eq!(c.expires_in_days, Some(0));
    assert_eq!(
        c.trusted_domains,
        vec!["escargot.chat".to_string(), "live.com".to_string()]
    );
    assert_eq!(
        c.abch_url.as_deref(),
        Some("https://contacts.example.net/abservice/abservice.asmx")
    );
    let again = GetClientConfigResponse::from_xml(&r.to_xml(), &lim()).unwrap();
    assert_eq!(again, r);
    assert!(MsgrConfig::from_xml(b"<Other/>", &lim()).is_err());
}

#[test]
fn oim_response_builders_roundtrip() {
    for file in [
        "rsi_getmetadata_response.xml",
        "rsi_getmessage_response.xml",
    ] {
        let r = RsiResponse::from_xml(&fixture(file), &lim()).unwrap();
        assert_eq!(
            RsiResponse::from_xml(&r.to_xml(), &lim()).unwrap(),
            r,
            "{file}"
        );
    }
    assert_eq!(
        RsiResponse::from_xml(&RsiResponse::Deleted.to_xml(), &lim()).unwrap(),
        RsiResponse::Deleted
    );
    let r = StoreResponse::from_xml(&fixture("oim_store_response.xml"), &lim()).unwrap();
    for a in [StoreAction::Store, StoreAction::Store2] {
        assert_eq!(StoreResponse::from_xml(&r.to_xml(a), &lim()).unwrap(), r);
    }
}

#[test]
fn rsi_auth_fault_with_required_policy() {
    let xml = br#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultcode xmlns:q0="http://www.hotmail.msn.com/ws/2004/09/oim/rsi">q0:AuthenticationFailed</faultcode><faultstring>Ticket expired</faultstring><detail><RequiredAuthPolicy xmlns="http://www.hotmail.msn.com/ws/2004/09/oim/rsi">MBI</RequiredAuthPolicy></detail></soap:Fault></soap:Body></soap:Envelope>"#;
    let e = RsiResponse::from_xml(xml, &lim()).unwrap_err();
    let f = e.fault().unwrap();
    assert_eq!(f.kind(), FaultKind::AuthenticationFailed);
    assert_eq!(
        f.detail,
        vec![msnp_soap::FaultDetail {
            name: "RequiredAuthPolicy".into(),
            value: "MBI".into()
        }]
    );
}
