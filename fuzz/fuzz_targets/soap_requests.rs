//! `soap_requests`: the request parsers a server runs (`RstRequest` for RST and RST2,
//! `AbRequest` for every address-book and sharing operation, `RsiRequest`, `StoreRequest`,
//! `GetClientConfig`), routed as a server routes them: by the body element.
//!
//! Input: byte 0 picks tiny or default limits and the OIM store action; byte 1 is the length
//! `k` of the field values that follow (split at NUL; written into whatever request parsed);
//! the document is the rest.
//!
//! Checks: no panic; a parser accepts a document only if its body element is one it serves
//! (`body_element_name` agrees, so routing by element and parsing agree); parse → `to_xml` →
//! parse is equal, the rebuilt envelope routes to the same element and keeps its HTTP path and
//! `SOAPAction`, and `to_xml` is a fixed point; and with arbitrary (XML-representable) field
//! values put in — user name, password, token addresses and policies, `PassportCookie`, the
//! address book's scenario and ticket — the request still reads back equal.
#![no_main]

use libfuzzer_sys::fuzz_target;
use msnp_soap::abch::{AbOperation, AbRequest};
use msnp_soap::config::GetClientConfig;
use msnp_soap::oim::{RsiRequest, StoreAction, StoreRequest};
use msnp_soap::passport::{RstRequest, TokenRequest};
use msnp_soap::{DEFAULT_LIMITS, SoapRequest, XmlLimits, body_element_name};

fn limits(small: bool) -> XmlLimits {
    if small {
        XmlLimits {
            max_size: 2048,
            max_depth: 8,
            max_elements: 60,
            max_attributes: 4,
            max_attr_len: 64,
            max_text_len: 128,
        }
    } else {
        DEFAULT_LIMITS
    }
}

/// Text XML 1.0 can carry (no control characters but TAB, LF, CR).
fn xml_text(b: &[u8]) -> String {
    String::from_utf8_lossy(b)
        .chars()
        .filter(|&c| c >= ' ' || matches!(c, '\t' | '\n' | '\r'))
        .collect()
}

/// Round trip of a parsed request: equal, same route, same HTTP metadata, `to_xml` a fixed
/// point.
fn check<T: SoapRequest + PartialEq + std::fmt::Debug>(
    v: &T,
    parse: impl Fn(&[u8]) -> Result<T, msnp_soap::SoapError>,
) -> String {
    let xml = v.envelope();
    let name = body_element_name(&xml, &DEFAULT_LIMITS).expect("a built request has a body");
    let again = parse(&xml).unwrap_or_else(|e| {
        panic!(
            "{v:?} built as {:?} does not parse: {e:?}",
            String::from_utf8_lossy(&xml)
        )
    });
    assert_eq!(
        &again,
        v,
        "changed through {:?}",
        String::from_utf8_lossy(&xml)
    );
    assert_eq!(again.http_path(), v.http_path());
    assert_eq!(again.soap_action_header(), v.soap_action_header());
    assert_eq!(again.envelope(), xml, "to_xml is not a fixed point");
    name
}

fuzz_target!(|data: &[u8]| {
    let [a, n, rest @ ..] = data else { return };
    let l = limits(a & 1 != 0);
    let action = if a & 2 != 0 {
        StoreAction::Store2
    } else {
        StoreAction::Store
    };
    let (fields, doc) = rest.split_at(usize::from(*n).min(rest.len()));
    let mut fields = fields.split(|&b| b == 0).map(xml_text);
    let mut field = || fields.next().unwrap_or_default();
    let route = body_element_name(doc, &l).ok();

    if let Ok(mut v) = RstRequest::from_xml(doc, &l) {
        assert_eq!(route.as_deref(), Some("RequestMultipleSecurityTokens"));
        let name = check(&v, |x| RstRequest::from_xml(x, &DEFAULT_LIMITS));
        assert_eq!(Some(name), route);
        v.username = field();
        v.password = field();
        let (address, policy) = (field(), field());
        let address = address.trim();
        if !address.is_empty() && address != "http://Passport.NET/tb" {
            v.tokens.push(TokenRequest {
                address: address.to_owned(),
                policy: Some(policy),
            });
        }
        check(&v, |x| RstRequest::from_xml(x, &DEFAULT_LIMITS));
    }
    if let Ok(mut v) = AbRequest::from_xml(doc, &l) {
        let op = route.as_deref().and_then(AbOperation::from_element);
        assert_eq!(
            op,
            Some(v.body.operation()),
            "parsed as {:?}, routed to {route:?}",
            v.body.operation()
        );
        check(&v, |x| AbRequest::from_xml(x, &DEFAULT_LIMITS));
        let scenario = field();
        let ticket = field();
        v.header.partner_scenario = scenario.trim().to_owned();
        v.header.ticket_token = Some(ticket.trim().to_owned()).filter(|t| !t.is_empty());
        check(&v, |x| AbRequest::from_xml(x, &DEFAULT_LIMITS));
    }
    if let Ok(v) = RsiRequest::from_xml(doc, &l) {
        assert_eq!(route.as_deref(), Some(v.body.element()));
        check(&v, |x| RsiRequest::from_xml(x, &DEFAULT_LIMITS));
        let ticket = field();
        if let Ok(w) = RsiRequest::from_ticket(&ticket, v.body.clone()) {
            check(&w, |x| RsiRequest::from_xml(x, &DEFAULT_LIMITS));
        }
    }
    if let Ok(v) = StoreRequest::from_xml(doc, action, &l) {
        let name = check(&v, |x| StoreRequest::from_xml(x, action, &DEFAULT_LIMITS));
        assert_eq!(Some(name), route);
    }
    if let Ok(v) = GetClientConfig::from_xml(doc, &l) {
        assert_eq!(route.as_deref(), Some("GetClientConfig"));
        check(&v, |x| GetClientConfig::from_xml(x, &DEFAULT_LIMITS));
    }
});
