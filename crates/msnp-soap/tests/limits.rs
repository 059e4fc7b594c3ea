//! msnp-soap's `DEFAULT_LIMITS` at each value (the limit lets the document through) and one
//! past it (`SoapError::Limit` naming the limit and its value).

use msnp_soap::abch::AbResponse;
use msnp_soap::{DEFAULT_LIMITS, LimitKind, SoapError, XmlLimits};

const ENV_OPEN: &str =
    r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>"#;
const ENV_CLOSE: &str = "</soap:Body></soap:Envelope>";

/// The limit a parse tripped, if any (other outcomes, success or not, mean the limit held back
/// nothing).
fn tripped(xml: &str) -> Option<(LimitKind, usize)> {
    match AbResponse::from_xml(xml.as_bytes(), &DEFAULT_LIMITS) {
        Err(SoapError::Limit { kind, limit }) => Some((kind, limit)),
        _ => None,
    }
}

fn envelope(body: &str) -> String {
    format!("{ENV_OPEN}{body}{ENV_CLOSE}")
}

#[test]
fn defaults() {
    assert_eq!(
        DEFAULT_LIMITS,
        XmlLimits {
            max_size: 8 * 1024 * 1024,
            max_depth: 48,
            max_elements: 200_000,
            max_attributes: 32,
            max_attr_len: 16 * 1024,
            max_text_len: 1024 * 1024,
        }
    );
}

#[test]
fn max_size_at_and_one_past() {
    let n = DEFAULT_LIMITS.max_size;
    // Padding in a comment: only the size counts.
    let doc = |len: usize| {
        let bare = envelope("<ABAddResponse><!----></ABAddResponse>");
        envelope(&format!(
            "<ABAddResponse><!--{}--></ABAddResponse>",
            "p".repeat(len - bare.len())
        ))
    };
    assert_eq!(doc(n).len(), n);
    assert_eq!(tripped(&doc(n)), None);
    assert_eq!(tripped(&doc(n + 1)), Some((LimitKind::Size, n)));
}

#[test]
fn max_depth_at_and_one_past() {
    let n = DEFAULT_LIMITS.max_depth;
    // Envelope and Body are two levels.
    let doc = |depth: usize| {
        envelope(&format!(
            "{}{}",
            "<a>".repeat(depth - 2),
            "</a>".repeat(depth - 2)
        ))
    };
    assert_eq!(tripped(&doc(n)), None);
    assert_eq!(tripped(&doc(n + 1)), Some((LimitKind::Depth, n)));
}

#[test]
fn max_elements_at_and_one_past() {
    let n = DEFAULT_LIMITS.max_elements;
    // Envelope, Body and ABAddResponse are three elements.
    let doc = |count: usize| {
        envelope(&format!(
            "<ABAddResponse>{}</ABAddResponse>",
            "<a/>".repeat(count - 3)
        ))
    };
    assert_eq!(tripped(&doc(n)), None);
    assert_eq!(tripped(&doc(n + 1)), Some((LimitKind::Elements, n)));
}

#[test]
fn max_attributes_at_and_one_past() {
    let n = DEFAULT_LIMITS.max_attributes;
    let doc = |count: usize| {
        let attrs: String = (0..count).map(|i| format!(" a{i}=\"v\"")).collect();
        envelope(&format!("<ABAddResponse{attrs}/>"))
    };
    assert_eq!(tripped(&doc(n)), None);
    assert_eq!(tripped(&doc(n + 1)), Some((LimitKind::Attributes, n)));
}

#[test]
fn max_attr_len_at_and_one_past() {
    let n = DEFAULT_LIMITS.max_attr_len;
    let doc = |len: usize| envelope(&format!("<ABAddResponse a=\"{}\"/>", "v".repeat(len)));
    assert_eq!(tripped(&doc(n)), None);
    assert_eq!(tripped(&doc(n + 1)), Some((LimitKind::AttributeLength, n)));
}

#[test]
fn max_text_len_at_and_one_past() {
    let n = DEFAULT_LIMITS.max_text_len;
    let doc = |len: usize| {
        envelope(&format!(
            "<ABAddResponse>{}</ABAddResponse>",
            "t".repeat(len)
        ))
    };
    assert_eq!(tripped(&doc(n)), None);
    assert_eq!(tripped(&doc(n + 1)), Some((LimitKind::TextLength, n)));
}
