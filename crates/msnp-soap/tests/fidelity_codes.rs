//! Fidelity (issue 11, item 9): Passport and HRESULT codes serialize as the hex strings people
//! search for (`"0x80048821"`), not as decimal; the Rust API keeps the number.
#![cfg(feature = "serde")]

mod common;
use common::fixture;

use msnp_soap::passport::RstResponse;
use msnp_soap::{DEFAULT_LIMITS, PP_BAD_CREDENTIALS, SoapFault};

#[test]
fn passport_fault_codes_are_hex_strings() {
    let f =
        msnp_soap::parse_fault_envelope(&fixture("rst_fault_bad_password.xml"), &DEFAULT_LIMITS)
            .unwrap();
    assert_eq!(f.passport_status, Some(PP_BAD_CREDENTIALS));
    let v = serde_json::to_value(&f).unwrap();
    assert_eq!(v["passport_status"], "0x80048821");
    assert_eq!(v["passport_auth_state"], "0x80048800");
    assert!(!serde_json::to_string(&f).unwrap().contains("2147780641"));
    // Back from JSON: the hex string, and the decimal number older JSON carried.
    let back: SoapFault = serde_json::from_value(v.clone()).unwrap();
    assert_eq!(back, f);
    let mut old = v;
    old["passport_status"] = serde_json::json!(2_147_780_641u32);
    let back: SoapFault = serde_json::from_value(old.clone()).unwrap();
    assert_eq!(back.passport_status, Some(0x8004_8821));
    old["passport_status"] = serde_json::json!("80048821");
    assert!(serde_json::from_value::<SoapFault>(old.clone()).is_err());
    old["passport_status"] = serde_json::json!("0x180048821");
    assert!(serde_json::from_value::<SoapFault>(old).is_err());
    // Absent codes stay null, and a missing key reads as none.
    let plain = SoapFault::default();
    let v = serde_json::to_value(&plain).unwrap();
    assert!(v["passport_status"].is_null());
    let mut m = v.as_object().unwrap().clone();
    m.remove("passport_status");
    m.remove("passport_auth_state");
    let back: SoapFault = serde_json::from_value(serde_json::Value::Object(m)).unwrap();
    assert_eq!(back, plain);
}

#[test]
fn passport_header_codes_are_hex_strings() {
    let r = RstResponse::from_xml(&fixture("rst_response.xml"), &DEFAULT_LIMITS).unwrap();
    let pp = r.passport.as_ref().unwrap();
    assert_eq!(pp.auth_state, Some(0x48803));
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(v["passport"]["auth_state"], "0x00048803");
    assert_eq!(v["passport"]["req_status"], "0x00000000");
    let back: RstResponse = serde_json::from_value(v).unwrap();
    assert_eq!(back, r);
}
