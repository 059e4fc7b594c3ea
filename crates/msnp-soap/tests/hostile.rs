//! Hostile and malformed inputs: typed errors, never a panic.

use msnp_soap::abch::AbResponse;
use msnp_soap::passport::{RstRequest, RstResponse};
use msnp_soap::{DEFAULT_LIMITS, LimitKind, SoapError, XmlLimits};

const ENV_OPEN: &str =
    r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>"#;
const ENV_CLOSE: &str = "</soap:Body></soap:Envelope>";

fn lim() -> XmlLimits {
    DEFAULT_LIMITS
}

#[test]
fn deep_nesting() {
    let depth = 10_000;
    let xml = format!(
        "{ENV_OPEN}{}{}{ENV_CLOSE}",
        "<a>".repeat(depth),
        "</a>".repeat(depth)
    );
    let e = AbResponse::from_xml(xml.as_bytes(), &lim()).unwrap_err();
    assert_eq!(
        e,
        SoapError::Limit {
            kind: LimitKind::Depth,
            limit: 48
        }
    );
    let strict = XmlLimits {
        max_depth: 3,
        ..lim()
    };
    let xml =
        format!("{ENV_OPEN}<ABAddResponse><ABAddResult>x</ABAddResult></ABAddResponse>{ENV_CLOSE}");
    assert!(matches!(
        AbResponse::from_xml(xml.as_bytes(), &strict),
        Err(SoapError::Limit {
            kind: LimitKind::Depth,
            ..
        })
    ));
    assert!(AbResponse::from_xml(xml.as_bytes(), &lim()).is_ok());
}

#[test]
fn huge_attribute() {
    let xml = format!(
        "{ENV_OPEN}<ABAddResponse a=\"{}\"/>{ENV_CLOSE}",
        "x".repeat(100_000)
    );
    let e = AbResponse::from_xml(xml.as_bytes(), &lim()).unwrap_err();
    assert_eq!(
        e,
        SoapError::Limit {
            kind: LimitKind::AttributeLength,
            limit: 16 * 1024
        }
    );
}

#[test]
fn too_many_attributes() {
    let attrs: String = (0..100).map(|i| format!(" a{i}=\"v\"")).collect();
    let xml = format!("{ENV_OPEN}<ABAddResponse{attrs}/>{ENV_CLOSE}");
    assert!(matches!(
        AbResponse::from_xml(xml.as_bytes(), &lim()),
        Err(SoapError::Limit {
            kind: LimitKind::Attributes,
            ..
        })
    ));
}

#[test]
fn too_many_elements_and_size() {
    let xml = format!("{ENV_OPEN}<x>{}</x>{ENV_CLOSE}", "<y/>".repeat(1000));
    let l = XmlLimits {
        max_elements: 500,
        ..lim()
    };
    assert!(matches!(
        AbResponse::from_xml(xml.as_bytes(), &l),
        Err(SoapError::Limit {
            kind: LimitKind::Elements,
            ..
        })
    ));
    let l = XmlLimits {
        max_size: 100,
        ..lim()
    };
    assert_eq!(
        AbResponse::from_xml(xml.as_bytes(), &l).unwrap_err(),
        SoapError::Limit {
            kind: LimitKind::Size,
            limit: 100
        }
    );
}

#[test]
fn huge_text() {
    let xml = format!(
        "{ENV_OPEN}<ABAddResponse><ABAddResult>{}</ABAddResult></ABAddResponse>{ENV_CLOSE}",
        "&amp;".repeat(5000)
    );
    let l = XmlLimits {
        max_text_len: 1000,
        ..lim()
    };
    assert!(matches!(
        AbResponse::from_xml(xml.as_bytes(), &l),
        Err(SoapError::Limit {
            kind: LimitKind::TextLength,
            ..
        })
    ));
    let r = AbResponse::from_xml(xml.as_bytes(), &lim()).unwrap();
    assert_eq!(
        r.body,
        msnp_soap::abch::AbResponseBody::Add("&".repeat(5000))
    );
}

#[test]
fn doctype_and_entities_rejected() {
    let xml = r#"<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><ABAddResponse><ABAddResult>&lol2;</ABAddResult></ABAddResponse></soap:Body></soap:Envelope>"#;
    assert_eq!(
        AbResponse::from_xml(xml.as_bytes(), &lim()).unwrap_err(),
        SoapError::Doctype
    );
    let xml = format!(
        "{ENV_OPEN}<ABAddResponse><ABAddResult>&xxe;</ABAddResult></ABAddResponse>{ENV_CLOSE}"
    );
    assert_eq!(
        AbResponse::from_xml(xml.as_bytes(), &lim()).unwrap_err(),
        SoapError::UnknownEntity { name: "xxe".into() }
    );
}

#[test]
fn invalid_utf8() {
    let mut xml = format!("{ENV_OPEN}<ABAddResponse><ABAddResult>").into_bytes();
    let at = xml.len();
    xml.extend_from_slice(b"\xff\xfe");
    xml.extend_from_slice(format!("</ABAddResult></ABAddResponse>{ENV_CLOSE}").as_bytes());
    assert_eq!(
        AbResponse::from_xml(&xml, &lim()).unwrap_err(),
        SoapError::InvalidUtf8 { offset: at }
    );
}

#[test]
fn truncated_everywhere() {
    let full = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/rst_response.xml"
    ))
    .unwrap();
    assert!(RstResponse::from_xml(&full, &lim()).is_ok());
    for cut in (0..full.len()).step_by(7) {
        let part = &full[..cut];
        assert!(
            RstResponse::from_xml(part, &lim()).is_err(),
            "prefix {cut} parsed"
        );
    }
    let xml = format!("{ENV_OPEN}<ABAddResponse><ABAddResult>x");
    assert!(matches!(
        AbResponse::from_xml(xml.as_bytes(), &lim()),
        Err(SoapError::Truncated { open: 4 })
    ));
}

#[test]
fn mismatched_and_garbage() {
    for bad in [
        "".to_string(),
        "   ".to_string(),
        "not xml".to_string(),
        "<a></b>".to_string(),
        format!("{ENV_OPEN}<x></y>{ENV_CLOSE}"),
        format!("{ENV_OPEN}{ENV_CLOSE}<second/>"),
        "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"/>".to_string(),
        "<Other/>".to_string(),
        format!("{ENV_OPEN}<ABAddResponse><ABAddResult a='1' a='2'/></ABAddResponse>{ENV_CLOSE}"),
        format!("{ENV_OPEN}<ABAddResponse>&#xFFFFFFFF;</ABAddResponse>{ENV_CLOSE}"),
        format!("{ENV_OPEN}<UnknownResponse/>{ENV_CLOSE}"),
        format!("{ENV_OPEN}<ABAddResponse/>{ENV_CLOSE}"),
    ] {
        let e = AbResponse::from_xml(bad.as_bytes(), &lim());
        assert!(e.is_err(), "{bad:?} parsed: {e:?}");
        assert!(RstResponse::from_xml(bad.as_bytes(), &lim()).is_err());
        assert!(RstRequest::from_xml(bad.as_bytes(), &lim()).is_err());
    }
}

#[test]
fn builders_cannot_be_broken_by_input() {
    let evil = "</wsse:Password><injected/>]]><!--\"'&amp;";
    let req = RstRequest::rst(
        evil,
        evil,
        vec![msnp_soap::passport::TokenRequest::new(evil, evil)],
    );
    let back = RstRequest::from_xml(&req.to_xml(), &lim()).unwrap();
    assert_eq!(back, req);
    assert!(
        !String::from_utf8(req.to_xml())
            .unwrap()
            .contains("<injected/>")
    );
}

#[test]
fn bom_comments_pis_and_cdata_are_fine() {
    let xml = format!(
        "\u{feff}<?xml version=\"1.0\"?><!-- c -->{ENV_OPEN}<?pi x?><ABAddResponse><!-- inner --><ABAddResult>a<![CDATA[<b>&amp;]]>&#x63;<!-- split -->d</ABAddResult></ABAddResponse>{ENV_CLOSE}<!-- trailing -->\n"
    );
    let r = AbResponse::from_xml(xml.as_bytes(), &lim()).unwrap();
    assert_eq!(
        r.body,
        msnp_soap::abch::AbResponseBody::Add("a<b>&amp;cd".into())
    );
}
