//! SOAP envelope reading and writing.

use crate::error::SoapError;
use crate::fault::SoapFault;
use crate::limits::Limits;
use crate::ns;
use crate::xml::{Element, XmlOut, parse_document};

/// SOAP version of an envelope.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum SoapVersion {
    /// SOAP 1.1 (`http://schemas.xmlsoap.org/soap/envelope/`).
    Soap11,
    /// SOAP 1.2 (`http://www.w3.org/2003/05/soap-envelope`).
    Soap12,
}

impl SoapVersion {
    /// The envelope namespace URI.
    pub fn namespace(self) -> &'static str {
        match self {
            Self::Soap11 => ns::SOAP11,
            Self::Soap12 => ns::SOAP12,
        }
    }
}

/// A parsed envelope: header and body.
#[derive(Debug, Clone)]
pub(crate) struct Envelope {
    pub(crate) version: SoapVersion,
    pub(crate) header: Option<Element>,
    pub(crate) body: Element,
}

impl Envelope {
    /// Parses an envelope; a `Fault` (in the body or directly under the
    /// envelope, as Passport sends it) becomes `Err(SoapError::Fault)`.
    pub(crate) fn parse(input: &[u8], limits: &Limits) -> Result<Self, SoapError> {
        let mut root = parse_document(input, limits)?;
        if root.name != "Envelope" {
            return Err(SoapError::NotAnEnvelope {
                found: crate::error::clip(&root.name),
            });
        }
        let version = if root.ns.as_deref() == Some(ns::SOAP12) {
            SoapVersion::Soap12
        } else {
            SoapVersion::Soap11
        };
        let header_pos = root.children.iter().position(|c| c.name == "Header");
        let header = header_pos.map(|i| root.children.swap_remove(i));
        let pp = header.as_ref().and_then(|h| h.child("pp"));
        let fault = root
            .child("Fault")
            .or_else(|| root.child("Body").and_then(|b| b.child("Fault")));
        if let Some(f) = fault {
            let fault = SoapFault::from_element(f, pp)?;
            return Err(match fault.redirect_url.clone() {
                Some(url) => SoapError::Redirect {
                    url,
                    fault: Box::new(fault),
                },
                None => SoapError::Fault(Box::new(fault)),
            });
        }
        let body_pos = root
            .children
            .iter()
            .position(|c| c.name == "Body")
            .ok_or(SoapError::Missing("Envelope/Body"))?;
        let body = root.children.swap_remove(body_pos);
        if body.children.is_empty() {
            return Err(SoapError::Missing("Envelope/Body/*"));
        }
        Ok(Self {
            version,
            header,
            body,
        })
    }

    /// The body's operation element checked against `expected`.
    pub(crate) fn expect(&self, expected: &'static str) -> Result<&Element, SoapError> {
        let op = self.op();
        if op.name == expected {
            Ok(op)
        } else {
            Err(SoapError::UnexpectedElement {
                expected,
                found: crate::error::clip(&op.name),
            })
        }
    }

    /// The body's first element (the operation).
    pub(crate) fn op(&self) -> &Element {
        // `parse` guarantees at least one child; fall back to the body itself.
        self.body.first_child().unwrap_or(&self.body)
    }
}

/// Writes `<soap:Envelope xmlns:soap=… xmlns:xsi xmlns:xsd + extra>`.
pub(crate) fn start_envelope(w: &mut XmlOut, version: SoapVersion, extra: &[(&str, &str)]) {
    let mut attrs: Vec<(&str, &str)> = vec![
        ("xmlns:soap", version.namespace()),
        ("xmlns:xsi", ns::XSI),
        ("xmlns:xsd", ns::XSD),
    ];
    attrs.extend_from_slice(extra);
    w.start("soap:Envelope", &attrs);
}

/// Detects the operation of an arbitrary envelope: the local name of the body's
/// first element (`ABFindAllResponse`, `RequestSecurityTokenResponseCollection`, …),
/// or `Fault`.
///
/// ```
/// let xml = br#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><x:ABFindAllResponse xmlns:x="urn:x"/></s:Body></s:Envelope>"#;
/// assert_eq!(msnp_soap::body_element_name(xml, &msnp_soap::Limits::default()).unwrap(), "ABFindAllResponse");
/// ```
pub fn body_element_name(input: &[u8], limits: &Limits) -> Result<String, SoapError> {
    match Envelope::parse(input, limits) {
        Ok(env) => Ok(env.op().name.clone()),
        Err(SoapError::Fault(_) | SoapError::Redirect { .. }) => Ok("Fault".to_owned()),
        Err(e) => Err(e),
    }
}
