//! Typed SOAP 1.1 / 1.2 faults with the Passport and ABCH extensions.

use crate::envelope::SoapVersion;
use crate::error::SoapError;
use crate::xml::{Element, XmlOut, parse_hex_u32};

/// One leaf element of the fault `detail`, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FaultDetail {
    /// Local name of the element.
    pub name: String,
    /// Its trimmed text.
    pub value: String,
}

/// A SOAP fault from any of the services.
///
/// `code` is the raw `faultcode` (SOAP 1.1) or `Code/Value` (SOAP 1.2) text
/// including its prefix, e.g. `soap:Client`, `q0:BadContextToken`,
/// `wsse:FailedAuthentication`; [`SoapFault::code_local`] strips the prefix.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SoapFault {
    /// SOAP 1.2 fault (`Code`/`Reason`) rather than SOAP 1.1.
    pub soap12: bool,
    /// `faultcode` / `Code/Value`.
    pub code: String,
    /// SOAP 1.2 `Code/Subcode/Value` chain (e.g. `wst:FailedAuthentication`).
    pub subcodes: Vec<String>,
    /// `faultstring` / `Reason/Text`.
    pub reason: String,
    /// `faultactor` / `Role`.
    pub actor: Option<String>,
    /// ABCH `detail/errorcode` (e.g. `ABDoesNotExist`).
    pub error_code: Option<String>,
    /// ABCH `detail/errorstring`.
    pub error_string: Option<String>,
    /// ABCH `detail/additionalDetails/conflictObjectId` (existing contact on `ContactAlreadyExists`).
    pub conflict_object_id: Option<String>,
    /// Passport status: `psf:reqstatus` from the header, else `psf:error/psf:value` from the detail.
    pub passport_status: Option<u32>,
    /// Passport `psf:authstate`.
    pub passport_auth_state: Option<u32>,
    /// Passport `psf:redirectUrl`: repeat the request at this host.
    pub redirect_url: Option<String>,
    /// OIM `LockKeyChallenge`: compute a QRY response and resend with it as `lockkey`.
    pub lock_key_challenge: Option<String>,
    /// Every other leaf of `detail` / `Detail` (flattened, document order), e.g.
    /// `machineName`, `TweenerChallenge`, `RequiredAuthPolicy`. Leaves already
    /// surfaced by the typed fields above are not repeated here.
    pub detail: Vec<FaultDetail>,
}

/// Passport `0x80048821`: bad member name or password.
pub const PP_BAD_CREDENTIALS: u32 = 0x8004_8821;
/// Passport `0x80048823`: "password locked out" (one revival server also uses it for a wrong password).
pub const PP_LOCKED_OUT: u32 = 0x8004_8823;

/// What a client should do about a fault.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum FaultKind {
    /// Passport wants the request repeated at [`SoapFault::redirect_url`].
    Redirect,
    /// Wrong credentials / authentication failure (Passport, OIM without lock key challenge).
    AuthenticationFailed,
    /// Ticket expired (`BadContextToken`): renew the token and retry.
    ExpiredTicket,
    /// OIM lock-key challenge.
    LockKeyChallenge,
    /// ABCH `ABDoesNotExist`: send ABAdd, then retry.
    AddressBookMissing,
    /// ABCH `FullSyncRequired`: repeat without deltas.
    FullSyncRequired,
    /// Any other ABCH `errorcode`.
    AddressBook,
    /// Other client-side fault.
    Client,
    /// Other server-side fault.
    Server,
    /// Anything else.
    Other,
}

impl SoapFault {
    /// The fault code without its prefix (`BadContextToken` for `q0:BadContextToken`).
    pub fn code_local(&self) -> &str {
        local(&self.code)
    }

    /// Classifies the fault.
    ///
    /// ```
    /// use msnp_soap::{FaultKind, SoapFault};
    /// let f = SoapFault { code: "q0:BadContextToken".into(), ..SoapFault::default() };
    /// assert_eq!(f.kind(), FaultKind::ExpiredTicket);
    /// ```
    pub fn kind(&self) -> FaultKind {
        if self.redirect_url.is_some() {
            return FaultKind::Redirect;
        }
        if self.lock_key_challenge.is_some() {
            return FaultKind::LockKeyChallenge;
        }
        match self.error_code.as_deref() {
            Some("ABDoesNotExist") => return FaultKind::AddressBookMissing,
            Some("FullSyncRequired") => return FaultKind::FullSyncRequired,
            Some(_) => return FaultKind::AddressBook,
            None => {}
        }
        let codes =
            core::iter::once(self.code_local()).chain(self.subcodes.iter().map(|s| local(s)));
        let mut client = false;
        for c in codes {
            match c {
                "BadContextToken" => return FaultKind::ExpiredTicket,
                "FailedAuthentication" | "AuthenticationFailed" => {
                    return FaultKind::AuthenticationFailed;
                }
                "Client" | "Sender" => client = true,
                "Server" | "Receiver" => return FaultKind::Server,
                _ => {}
            }
        }
        if self.passport_status.is_some_and(|s| s & 0x8000_0000 != 0) {
            return FaultKind::AuthenticationFailed;
        }
        if client {
            FaultKind::Client
        } else {
            FaultKind::Other
        }
    }

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
            let ab = [("xmlns", crate::ns::AB)];
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
                w.leaf_attrs("LockKeyChallenge", &[("xmlns", crate::ns::OIM)], c);
            }
            if let (true, Some(s)) = (self.soap12, self.passport_status) {
                w.start("psf:error", &[("xmlns:psf", crate::ns::PSF)]);
                w.leaf("psf:value", &format!("0x{s:08x}"));
                w.end("psf:error");
            }
            if let Some(u) = &self.redirect_url {
                w.leaf_attrs("psf:redirectUrl", &[("xmlns:psf", crate::ns::PSF)], u);
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

fn local(s: &str) -> &str {
    s.rsplit_once(':').map_or(s, |(_, l)| l)
}

/// Builds a complete fault response envelope (servers, tests).
///
/// ```
/// use msnp_soap::{SoapFault, fault_envelope, parse_fault_envelope, Limits};
/// let f = SoapFault { code: "soap:Client".into(), reason: "bad".into(),
///     error_code: Some("ABDoesNotExist".into()), ..SoapFault::default() };
/// let xml = fault_envelope(&f);
/// assert_eq!(parse_fault_envelope(&xml, &Limits::default()).unwrap(), f);
/// ```
pub fn fault_envelope(fault: &SoapFault) -> Vec<u8> {
    let version = if fault.soap12 {
        SoapVersion::Soap12
    } else {
        SoapVersion::Soap11
    };
    let mut w = XmlOut::new();
    crate::envelope::start_envelope(&mut w, version, &[]);
    if !fault.soap12 && (fault.passport_status.is_some() || fault.passport_auth_state.is_some()) {
        w.start("soap:Header", &[]);
        w.start("psf:pp", &[("xmlns:psf", crate::ns::PSF)]);
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
pub fn parse_fault_envelope(input: &[u8], limits: &crate::Limits) -> Result<SoapFault, SoapError> {
    match crate::envelope::Envelope::parse(input, limits) {
        Err(SoapError::Fault(f)) | Err(SoapError::Redirect { fault: f, .. }) => Ok(*f),
        Err(e) => Err(e),
        Ok(_) => Err(SoapError::Missing("Envelope/Body/Fault")),
    }
}
