//! Inputs found by the `soap` fuzz target (`fuzz/`), minimised, checked against the property the
//! target asserts.

use msnp_soap::{DEFAULT_LIMITS, SoapError, SoapFault, fault_envelope, parse_fault_envelope};

const ENV_OPEN: &str = r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultcode>soap:Client</faultcode><faultstring>x</faultstring><detail>"#;
const ENV_CLOSE: &str = "</detail></soap:Fault></soap:Body></soap:Envelope>";

/// fuzz `soap`: quick-xml reads `<c0n="bob" l="2"/>` as an element named `c0n="bob"`; the
/// fault detail kept it, and `fault_envelope` (which only writes XML names) dropped it, so
/// parse → build → parse lost a detail. Such names are now malformed XML.
#[test]
fn element_name_with_quote_is_malformed() {
    let xml = format!(
        r#"{ENV_OPEN}<errorstring>C<c0n="bob" l="2" t="1"/>ontact</errorstring><machineName>B</machineName>{ENV_CLOSE}"#
    );
    match parse_fault_envelope(xml.as_bytes(), &DEFAULT_LIMITS) {
        Err(SoapError::Xml { .. }) => {}
        other => panic!("{other:?}"),
    }
    for bad in ["<1a/>", "<a\"b/>", "<-x/>", "<a=b/>"] {
        let xml = format!("{ENV_OPEN}{bad}{ENV_CLOSE}");
        assert!(
            matches!(
                parse_fault_envelope(xml.as_bytes(), &DEFAULT_LIMITS),
                Err(SoapError::Xml { .. })
            ),
            "{bad}"
        );
    }
    // Valid names, prefixed or not, with digits, dots, dashes and non-ASCII, still parse and
    // round-trip.
    let xml = format!(
        "{ENV_OPEN}<m:machine-Name.2 xmlns:m=\"u\">B</m:machine-Name.2><_é>v</_é>{ENV_CLOSE}"
    );
    let f: SoapFault = parse_fault_envelope(xml.as_bytes(), &DEFAULT_LIMITS).unwrap();
    assert_eq!(f.detail.len(), 2);
    assert_eq!(f.detail[0].name, "machine-Name.2");
    let again = parse_fault_envelope(&fault_envelope(&f), &DEFAULT_LIMITS).unwrap();
    assert_eq!(again.detail[0], f.detail[0]);
}

/// fuzz `soap` (campaign of this round): an RST2 fault is SOAP 1.2 with Passport's
/// `psf:pp/authstate` in the header; `fault_envelope` wrote that header only for SOAP 1.1, so
/// parse → build → parse lost `passport_auth_state`.
#[test]
fn soap12_fault_keeps_the_passport_header() {
    let xml = r#"<S:Envelope xmlns:S="http://www.w3.org/2003/05/soap-envelope" xmlns:psf="http://schemas.microsoft.com/Passport/SoapServices/SOAPFault">
<S:Header><psf:pp><psf:authstate>0x80048800</psf:authstate><psf:reqstatus>0x80048821</psf:reqstatus></psf:pp></S:Header>
<S:Body><S:Fault><S:Code><S:Value>S:Sender</S:Value></S:Code><S:Reason><S:Text xml:lang="en-US">Authentication Failure</S:Text></S:Reason>
<S:Detail><psf:error><psf:value>0x80048821</psf:value></psf:error></S:Detail></S:Fault></S:Body></S:Envelope>"#;
    let f = parse_fault_envelope(xml.as_bytes(), &DEFAULT_LIMITS).unwrap();
    assert!(f.soap12);
    assert_eq!(f.passport_auth_state, Some(0x8004_8800));
    assert_eq!(f.passport_status, Some(0x8004_8821));
    let again = parse_fault_envelope(&fault_envelope(&f), &DEFAULT_LIMITS).unwrap();
    assert_eq!(again, f);
    // Only the auth state, with no status: kept too.
    let only = SoapFault {
        passport_status: None,
        ..f
    };
    let again = parse_fault_envelope(&fault_envelope(&only), &DEFAULT_LIMITS).unwrap();
    assert_eq!(again, only);
}

/// fuzz `soap` (campaign of this round): `<:/>` in a fault detail became a detail with an empty
/// name, which `fault_envelope` does not write. It is malformed XML now (msnp-proto's reader
/// checks namespace QNames).
#[test]
fn element_named_colon_is_malformed() {
    for bad in ["<:/>", "<a:/>", "<a:b:c/>"] {
        let xml = format!("{ENV_OPEN}{bad}<x>1</x>{ENV_CLOSE}");
        assert!(
            matches!(
                parse_fault_envelope(xml.as_bytes(), &DEFAULT_LIMITS),
                Err(SoapError::Xml { .. })
            ),
            "{bad}"
        );
    }
}
