//! Typed SOAP 1.1 / 1.2 faults with the Passport and ABCH extensions (the envelope module reads
//! and writes them).

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
    #[cfg_attr(feature = "serde", serde(with = "crate::code::opt_hex", default))]
    pub passport_status: Option<u32>,
    /// Passport `psf:authstate`.
    #[cfg_attr(feature = "serde", serde(with = "crate::code::opt_hex", default))]
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
}

/// The local part of a prefixed name.
pub(crate) fn local(s: &str) -> &str {
    s.rsplit_once(':').map_or(s, |(_, l)| l)
}
