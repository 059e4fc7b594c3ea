//! SOAP envelope reading and writing.

use crate::XmlLimits;
use crate::error::SoapError;
use crate::fault::{FaultDetail, SoapFault};
use crate::ns;
use crate::xml::{Element, XmlOut, parse_document, parse_hex_u32};

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
    pub(crate) fn parse(input: &[u8], limits: &XmlLimits) -> Result<Self, SoapError> {
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
/// assert_eq!(msnp_soap::body_element_name(xml, &msnp_soap::DEFAULT_LIMITS).unwrap(), "ABFindAllResponse");
/// ```
pub fn body_element_name(input: &[u8], limits: &XmlLimits) -> Result<String, SoapError> {
    match Envelope::parse(input, limits) {
        Ok(env) => Ok(env.op().name.clone()),
        Err(SoapError::Fault(_) | SoapError::Redirect { .. }) => Ok("Fault".to_owned()),
        Err(e) => Err(e),
    }
}

// Faults as XML.
impl SoapFault {
    /// Reads a `Fault` element; `pp` is the Passport `psf:pp` header if present.
    pub(crate) fn from_element(f: &Element, pp: Option<&Element>) -> Result<Self, SoapError> {
        let mut out = Self::default();
        if let Some(code) = f.child("Code") {
            out.soap12 = true;
            out.code = code.child_text("Value").unwrap_or_default();
            let mut sub = code.child("Subcode");
            let mut guard = 0;
            while let Some(s) = sub {
                guard += 1;
                if guard > 16 {
                    break;
                }
                if let Some(v) = s.child_text("Value") {
                    out.subcodes.push(v);
                }
                sub = s.child("Subcode");
            }
            out.reason = f
                .child("Reason")
                .and_then(|r| r.child("Text"))
                .map(|t| t.trimmed().to_owned())
                .unwrap_or_default();
            out.actor = f.child_text("Role");
        } else {
            out.code = f.child_text("faultcode").unwrap_or_default();
            out.reason = f.child_text("faultstring").unwrap_or_default();
            out.actor = f.child_text("faultactor");
        }
        if let Some(d) = f.child_any(&["detail", "Detail"]) {
            out.error_code = d.find("errorcode").map(|e| e.trimmed().to_owned());
            out.error_string = d.find("errorstring").map(|e| e.trimmed().to_owned());
            out.conflict_object_id = d.find("conflictObjectId").map(|e| e.trimmed().to_owned());
            out.lock_key_challenge = d.find("LockKeyChallenge").map(|e| e.trimmed().to_owned());
            if let Some(v) = d.find("error").and_then(|e| e.child("value")) {
                out.passport_status = Some(parse_hex_u32(v.trimmed(), "Fault/Detail/error/value")?);
            }
            out.redirect_url = d.find("redirectUrl").map(|e| e.trimmed().to_owned());
            let mut todo: Vec<(&Element, &str)> = d
                .children
                .iter()
                .rev()
                .map(|c| (c, d.name.as_str()))
                .collect();
            while let Some((e, parent)) = todo.pop() {
                if e.children.is_empty() {
                    if !is_typed_detail(&e.name, parent) {
                        out.detail.push(FaultDetail {
                            name: e.name.clone(),
                            value: e.trimmed().to_owned(),
                        });
                    }
                } else {
                    todo.extend(e.children.iter().rev().map(|c| (c, e.name.as_str())));
                }
            }
        }
        if let Some(pp) = pp {
            if let Some(s) = pp.child("reqstatus") {
                out.passport_status = Some(parse_hex_u32(s.trimmed(), "Header/pp/reqstatus")?);
            }
            if let Some(s) = pp.child("authstate") {
                out.passport_auth_state = Some(parse_hex_u32(s.trimmed(), "Header/pp/authstate")?);
            }
            if out.redirect_url.is_none() {
                out.redirect_url = pp.find("redirectUrl").map(|e| e.trimmed().to_owned());
            }
        }
        if out.redirect_url.is_none() {
            out.redirect_url = f.find("redirectUrl").map(|e| e.trimmed().to_owned());
        }
        Ok(out)
    }

    /// Writes this fault as a `Fault` element (prefix `soap`, SOAP 1.1 or 1.2 shape).
    pub(crate) fn write(&self, w: &mut XmlOut) {
        w.start("soap:Fault", &[]);
        if self.soap12 {
            w.start("soap:Code", &[]);
            w.leaf("soap:Value", &self.code);
            for s in &self.subcodes {
                w.start("soap:Subcode", &[]);
                w.leaf("soap:Value", s);
            }
            for _ in &self.subcodes {
                w.end("soap:Subcode");
            }
            w.end("soap:Code");
            w.start("soap:Reason", &[]);
            w.leaf_attrs("soap:Text", &[("xml:lang", "en-US")], &self.reason);
            w.end("soap:Reason");
            w.opt_leaf("soap:Role", self.actor.as_deref());
        } else {
            w.leaf("faultcode", &self.code);
            w.leaf("faultstring", &self.reason);
            w.opt_leaf("faultactor", self.actor.as_deref());
        }
        let dname = if self.soap12 { "soap:Detail" } else { "detail" };
        let has_detail = self.error_code.is_some()
            || self.error_string.is_some()
            || self.conflict_object_id.is_some()
            || self.lock_key_challenge.is_some()
            || self.redirect_url.is_some()
            || (self.soap12 && self.passport_status.is_some())
            || !self.detail.is_empty();
        if has_detail {
            w.start(dname, &[]);
            let ab = [("xmlns", ns::AB)];
            if let Some(c) = &self.error_code {
                w.leaf_attrs("errorcode", &ab, c);
            }
            if let Some(c) = &self.error_string {
                w.leaf_attrs("errorstring", &ab, c);
            }
            if let Some(c) = &self.conflict_object_id {
                w.start("additionalDetails", &ab);
                w.leaf("conflictObjectId", c);
                w.end("additionalDetails");
            }
            if let Some(c) = &self.lock_key_challenge {
                w.leaf_attrs("LockKeyChallenge", &[("xmlns", ns::OIM)], c);
            }
            if let (true, Some(s)) = (self.soap12, self.passport_status) {
                w.start("psf:error", &[("xmlns:psf", ns::PSF)]);
                w.leaf("psf:value", &crate::code::hex(s));
                w.end("psf:error");
            }
            if let Some(u) = &self.redirect_url {
                w.leaf_attrs("psf:redirectUrl", &[("xmlns:psf", ns::PSF)], u);
            }
            for d in self.detail.iter().filter(|d| is_xml_name(&d.name)) {
                w.leaf(&d.name, &d.value);
            }
            w.end(dname);
        }
        w.end("soap:Fault");
    }
}

/// Detail leaves that have a typed field in [`SoapFault`].
fn is_typed_detail(name: &str, parent: &str) -> bool {
    matches!(
        name,
        "errorcode" | "errorstring" | "conflictObjectId" | "LockKeyChallenge" | "redirectUrl"
    ) || (name == "value" && parent == "error")
}

/// A conservative XML name check (ASCII NCName subset) so that detail names
/// taken from a struct can never break the envelope; others are skipped.
fn is_xml_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// Builds a complete fault response envelope (servers, tests).
///
/// ```
/// use msnp_soap::{SoapFault, fault_envelope, parse_fault_envelope, DEFAULT_LIMITS};
/// let f = SoapFault { code: "soap:Client".into(), reason: "bad".into(),
///     error_code: Some("ABDoesNotExist".into()), ..SoapFault::default() };
/// let xml = fault_envelope(&f);
/// assert_eq!(parse_fault_envelope(&xml, &DEFAULT_LIMITS).unwrap(), f);
/// ```
pub fn fault_envelope(fault: &SoapFault) -> Vec<u8> {
    let version = if fault.soap12 {
        SoapVersion::Soap12
    } else {
        SoapVersion::Soap11
    };
    let mut w = XmlOut::new();
    start_envelope(&mut w, version, &[]);
    // Passport's state travels in a `psf:pp` header in both SOAP versions (RST2 faults are
    // SOAP 1.2 with the header and the `psf:error` detail).
    if fault.passport_status.is_some() || fault.passport_auth_state.is_some() {
        w.start("soap:Header", &[]);
        w.start("psf:pp", &[("xmlns:psf", ns::PSF)]);
        if let Some(a) = fault.passport_auth_state {
            w.leaf("psf:authstate", &format!("0x{a:x}"));
        }
        if let Some(s) = fault.passport_status {
            w.leaf("psf:reqstatus", &format!("0x{s:x}"));
        }
        w.end("psf:pp");
        w.end("soap:Header");
    }
    w.start("soap:Body", &[]);
    fault.write(&mut w);
    w.end("soap:Body");
    w.end("soap:Envelope");
    w.finish()
}

/// Parses an envelope that must contain a fault and returns that fault.
///
/// Returns [`SoapError::Missing`] when the envelope holds no fault.
pub fn parse_fault_envelope(input: &[u8], limits: &XmlLimits) -> Result<SoapFault, SoapError> {
    match Envelope::parse(input, limits) {
        Err(SoapError::Fault(f)) | Err(SoapError::Redirect { fault: f, .. }) => Ok(*f),
        Err(e) => Err(e),
        Ok(_) => Err(SoapError::Missing("Envelope/Body/Fault")),
    }
}
