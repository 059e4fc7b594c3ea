//! Passport RST / RST2: build, parse back, fixtures, faults.

mod common;
use common::{declares, fixture};

use chrono::{TimeZone, Utc};
use msnp_soap::passport::{
    PASSPORT_TB, RstFlavor, RstRequest, RstResponse, SecurityToken, TokenRequest,
};
use msnp_soap::{DEFAULT_LIMITS, FaultKind, PP_BAD_CREDENTIALS, SoapError, XmlLimits, ns};
use pretty_assertions::assert_eq;

fn lim() -> XmlLimits {
    DEFAULT_LIMITS
}

#[test]
fn rst_request_structure_and_roundtrip() {
    let req = RstRequest::rst(
        "alice@example.com",
        "p<a>ss&\"'",
        TokenRequest::sso_set("MBI_KEY_OLD"),
    );
    let xml = req.to_xml();
    let text = String::from_utf8(xml.clone()).unwrap();
    assert!(declares(&xml, ns::SOAP11));
    assert!(declares(&xml, ns::WST_2004));
    assert!(declares(&xml, ns::WSSE_2003));
    assert!(
        text.contains("<wsse:Password>p&lt;a&gt;ss&amp;&quot;&apos;</wsse:Password>"),
        "{text}"
    );
    assert!(text.contains(r#"<wst:RequestSecurityToken Id="RST0">"#));
    assert!(text.contains(r#"<wst:RequestSecurityToken Id="RST4">"#));
    assert!(!text.contains("RST5"));
    assert!(text.contains(r#"<wsse:PolicyReference URI="?id=507">"#));
    assert!(!text.contains("MessageID"));
    assert_eq!(req.path(), "/RST.srf");
    let back = RstRequest::from_xml(&xml, &lim()).unwrap();
    assert_eq!(back, req);
    assert_eq!(back.password, "p<a>ss&\"'");
}

#[test]
fn rst_tb_first_without_policy() {
    let req = RstRequest::rst(
        "a@b.c",
        "x",
        vec![TokenRequest::new("contacts.msn.com", "MBI")],
    );
    let text = String::from_utf8(req.to_xml()).unwrap();
    let tb = text.find(PASSPORT_TB).unwrap();
    let contacts = text.find("contacts.msn.com").unwrap();
    assert!(tb < contacts);
    // exactly one PolicyReference: tb has none
    assert_eq!(text.matches("PolicyReference URI").count(), 1);
}

#[test]
fn rst2_request_has_addressing_and_timestamp() {
    let now = Utc.with_ymd_and_hms(2009, 6, 1, 12, 0, 0).unwrap();
    let req = RstRequest::rst2(
        "alice@example.com",
        "pw",
        TokenRequest::sso_set("MBI_KEY"),
        "urn:uuid:1234",
        now,
    );
    let xml = req.to_xml();
    let text = String::from_utf8(xml.clone()).unwrap();
    assert!(declares(&xml, ns::SOAP12));
    assert!(declares(&xml, ns::WST_2005));
    assert!(declares(&xml, ns::WSA_2005));
    assert!(text.contains("<wsu:Created>2009-06-01T12:00:00Z</wsu:Created>"));
    assert!(text.contains("<wsu:Expires>2009-06-01T12:05:00Z</wsu:Expires>"));
    assert!(text.contains("<wsa:MessageID>urn:uuid:1234</wsa:MessageID>"));
    assert!(text.contains(r#"<wsa:Action S:mustUnderstand="1">http://schemas.xmlsoap.org/ws/2005/02/trust/RST/Issue</wsa:Action>"#));
    assert!(text.contains(r#"xmlns:S="http://www.w3.org/2003/05/soap-envelope""#));
    assert!(text.contains("http://schemas.xmlsoap.org/ws/2005/02/trust/Issue"));
    assert_eq!(req.path(), "/RST2.srf");
    let back = RstRequest::from_xml(&xml, &lim()).unwrap();
    assert_eq!(back, req);
    match back.flavor {
        RstFlavor::Rst2 { created, .. } => assert_eq!(created, now),
        other => panic!("{other:?}"),
    }
}

#[test]
fn twn_policy_from_challenge() {
    let t = TokenRequest::twn("ct=1,rver=5,id=507,kv=7");
    assert_eq!(t.policy.as_deref(), Some("?ct=1&rver=5&id=507&kv=7"));
    let req = RstRequest::rst("a@b.c", "x", vec![t]);
    let text = String::from_utf8(req.to_xml()).unwrap();
    assert!(text.contains("URI=\"?ct=1&amp;rver=5&amp;id=507&amp;kv=7\""));
}

#[test]
fn rst_response_fixture() {
    let r = RstResponse::from_xml(&fixture("rst_response.xml"), &lim()).unwrap();
    assert!(!r.soap12);
    assert_eq!(r.tokens.len(), 4);
    let pp = r.passport.as_ref().unwrap();
    assert_eq!(pp.puid.as_deref(), Some("0006000012345678"));
    assert_eq!(pp.cid.as_deref(), Some("a1b2c3d4e5f60718"));
    assert_eq!(pp.auth_state, Some(0x48803));
    assert_eq!(pp.req_status, Some(0));
    let tb = r.token_for(PASSPORT_TB).unwrap();
    assert_eq!(tb.cipher_value.as_deref(), Some("Q2lwaGVyVmFsdWU="));
    assert_eq!(tb.id.as_deref(), Some("BinaryDAToken0"));
    assert_eq!(tb.token, None);
    let clear = r.token_for("messengerclear.live.com").unwrap();
    assert_eq!(
        clear,
        &SecurityToken {
            address: "messengerclear.live.com".into(),
            token_type: Some("urn:passport:compact".into()),
            id: Some("Compact1".into()),
            token: Some("t=EwCoARAnAAAUclear&p=".into()),
            cipher_value: None,
            proof_key: Some("AAECAwQFBgcICQoLDA0ODxAREhMUFRYX".into()),
            created: Some(Utc.with_ymd_and_hms(2024, 5, 1, 10, 0, 0).unwrap()),
            expires: Some(Utc.with_ymd_and_hms(2024, 5, 1, 18, 0, 0).unwrap()),
        }
    );
    assert_eq!(clear.ticket_parts(), Some(("EwCoARAnAAAUclear", "")));
    assert_eq!(
        clear.proof_key_bytes().unwrap().unwrap(),
        (0u8..24).collect::<Vec<_>>()
    );
    assert_eq!(
        r.token_for("messenger.msn.com").unwrap().ticket_parts(),
        Some(("MsgrT", "MsgrP"))
    );
    assert_eq!(
        r.token_for("contacts.msn.com").unwrap().token.as_deref(),
        Some("t=ContactsT&p=ContactsP")
    );
}

#[test]
fn rst2_response_fixture() {
    let r = RstResponse::from_xml(&fixture("rst2_response.xml"), &lim()).unwrap();
    assert!(r.soap12);
    let t = r.token_for("messengerclear.live.com").unwrap();
    assert_eq!(t.token.as_deref(), Some("t=Rst2Clear&p="));
    assert_eq!(
        t.created,
        Some(
            Utc.with_ymd_and_hms(2009, 6, 1, 12, 0, 0).unwrap()
                + chrono::Duration::milliseconds(123)
        )
    );
    assert_eq!(
        t.expires,
        Some(Utc.with_ymd_and_hms(2009, 6, 2, 12, 0, 0).unwrap())
    );
}

#[test]
fn rst_response_builder_roundtrip() {
    for file in ["rst_response.xml", "rst2_response.xml"] {
        let r = RstResponse::from_xml(&fixture(file), &lim()).unwrap();
        let again = RstResponse::from_xml(&r.to_xml(), &lim()).unwrap();
        assert_eq!(again, r, "{file}");
    }
}

#[test]
fn rst_fault_directly_under_envelope() {
    let err = RstResponse::from_xml(&fixture("rst_fault_bad_password.xml"), &lim()).unwrap_err();
    let SoapError::Fault(f) = err else {
        panic!("{err:?}")
    };
    assert_eq!(f.code, "wsse:FailedAuthentication");
    assert_eq!(f.reason, "Authentication Failure");
    assert_eq!(f.passport_status, Some(PP_BAD_CREDENTIALS));
    assert_eq!(f.passport_auth_state, Some(0x80048800));
    assert!(!f.soap12);
    assert_eq!(f.kind(), FaultKind::AuthenticationFailed);
}

#[test]
fn rst2_fault_soap12() {
    let err = RstResponse::from_xml(&fixture("rst2_fault.xml"), &lim()).unwrap_err();
    let f = err.fault().unwrap();
    assert!(f.soap12);
    assert_eq!(f.code, "S:Sender");
    assert_eq!(f.subcodes, vec!["wst:FailedAuthentication".to_string()]);
    assert_eq!(f.reason, "Authentication Failure");
    assert_eq!(f.passport_status, Some(0x80048821));
    assert!(
        f.detail
            .iter()
            .any(|d| d.name == "code" && d.value == "0x80041012")
    );
    assert_eq!(f.kind(), FaultKind::AuthenticationFailed);
}

#[test]
fn rst_redirect_is_typed() {
    let err = RstResponse::from_xml(&fixture("rst_redirect.xml"), &lim()).unwrap_err();
    match err {
        SoapError::Redirect { url, fault } => {
            assert_eq!(url, "https://msnia.login.live.com/pp550/RST.srf");
            assert_eq!(fault.kind(), FaultKind::Redirect);
            assert_eq!(fault.passport_status, Some(0x800488ee));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn rst_response_missing_address_is_typed_error() {
    let xml = br#"<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><wst:RequestSecurityTokenResponseCollection xmlns:wst="x"><wst:RequestSecurityTokenResponse/></wst:RequestSecurityTokenResponseCollection></S:Body></S:Envelope>"#;
    assert!(
        matches!(RstResponse::from_xml(xml, &lim()), Err(SoapError::Missing(p)) if p.contains("Address"))
    );
}

#[test]
fn rst_response_bad_time_is_typed_error() {
    let xml = br#"<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><RequestSecurityTokenResponseCollection><RequestSecurityTokenResponse><AppliesTo><EndpointReference><Address>a</Address></EndpointReference></AppliesTo><LifeTime><Expires>tomorrow</Expires></LifeTime></RequestSecurityTokenResponse></RequestSecurityTokenResponseCollection></S:Body></S:Envelope>"#;
    assert!(
        matches!(RstResponse::from_xml(xml, &lim()), Err(SoapError::BadValue { value, .. }) if value == "tomorrow")
    );
}

#[test]
fn wrong_body_element_is_rejected() {
    let err = RstResponse::from_xml(&fixture("abfindall_response.xml"), &lim()).unwrap_err();
    assert!(
        matches!(err, SoapError::UnexpectedElement { ref found, .. } if found == "ABFindAllResponse"),
        "{err:?}"
    );
}

#[test]
fn token_expiry() {
    let r = RstResponse::from_xml(&fixture("rst_response.xml"), &lim()).unwrap();
    let t = r.token_for("messengerclear.live.com").unwrap();
    assert!(!t.is_expired_at(Utc.with_ymd_and_hms(2024, 5, 1, 17, 59, 59).unwrap()));
    assert!(t.is_expired_at(Utc.with_ymd_and_hms(2024, 5, 1, 18, 0, 0).unwrap()));
}

#[test]
fn soap_request_trait() {
    use msnp_soap::SoapRequest;
    let now = Utc.with_ymd_and_hms(2009, 6, 1, 12, 0, 0).unwrap();
    let r2 = RstRequest::rst2("a", "b", vec![], "m", now);
    assert_eq!(r2.soap_action_header(), None);
    assert_eq!(
        SoapRequest::content_type(&r2),
        "application/soap+xml; charset=utf-8"
    );
    assert_eq!(r2.http_path(), "/RST2.srf");
    assert_eq!(r2.envelope(), r2.to_xml());
}

#[test]
fn password_truncation_is_char_safe() {
    let mut r = RstRequest::rst("a", "ééé", vec![]);
    r.truncate_password(2);
    assert_eq!(r.password, "éé");
    r.truncate_password(10);
    assert_eq!(r.password, "éé");
    r.truncate_password(0);
    assert_eq!(r.password, "");
}

#[test]
fn server_parses_client_request_fixture() {
    let r = RstRequest::from_xml(&fixture("rst_request.xml"), &lim()).unwrap();
    assert_eq!(r.flavor, RstFlavor::Rst);
    assert_eq!(r.username, "alice@example.com");
    assert_eq!(r.password, "s3cr<t");
    assert_eq!(r.auth_info.binary_version, 5);
    assert_eq!(r.auth_info.request_params, "AQAAAAIAAABsYwQAAAAyMDUy");
    assert_eq!(r.tokens, TokenRequest::sso_set("MBI_KEY_OLD")[..3].to_vec());
}
