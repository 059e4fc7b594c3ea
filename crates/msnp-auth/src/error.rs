//! The crate's error type.

use core::fmt;

/// Names the input an [`AuthError`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum Field {
    /// The MD5 login salt (`USR trid MD5 S <salt>`).
    Salt,
    /// A password.
    Password,
    /// A Passport handle (e-mail address).
    Handle,
    /// A `CHL` challenge.
    Challenge,
    /// A QRY product ID (public half of the key pair).
    ProductId,
    /// A QRY product key (private half of the key pair).
    ProductKey,
    /// The `USR TWN S` challenge / policy string.
    TwnChallenge,
    /// The Passport 1.4 `OrgURL`.
    OrgUrl,
    /// The `PassportURLs` nexus header.
    PassportUrls,
    /// The `Authentication-Info` header.
    AuthenticationInfo,
    /// The `WWW-Authenticate` header.
    WwwAuthenticate,
    /// The `Location` header.
    Location,
    /// A Passport ticket (`t=…&p=…`).
    Ticket,
    /// The SSO policy (`MBI_KEY_OLD`).
    Policy,
    /// The SSO nonce.
    Nonce,
    /// The `USR SSO S` line or its arguments.
    SsoChallenge,
    /// The base64 `BinarySecret`.
    BinarySecret,
    /// A CBC initialisation vector.
    Iv,
    /// An MBI blob.
    MbiBlob,
    /// A machine GUID.
    MachineGuid,
    /// A hexadecimal string.
    Hex,
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Salt => "MD5 salt",
            Self::Password => "password",
            Self::Handle => "handle",
            Self::Challenge => "challenge",
            Self::ProductId => "product id",
            Self::ProductKey => "product key",
            Self::TwnChallenge => "TWN challenge string",
            Self::OrgUrl => "OrgURL",
            Self::PassportUrls => "PassportURLs header",
            Self::AuthenticationInfo => "Authentication-Info header",
            Self::WwwAuthenticate => "WWW-Authenticate header",
            Self::Location => "Location header",
            Self::Ticket => "ticket",
            Self::Policy => "SSO policy",
            Self::Nonce => "SSO nonce",
            Self::SsoChallenge => "USR SSO S challenge",
            Self::BinarySecret => "binary secret",
            Self::Iv => "IV",
            Self::MbiBlob => "MBI blob",
            Self::MachineGuid => "machine GUID",
            Self::Hex => "hex string",
        })
    }
}

/// Every way an authentication computation or parser can fail.
///
/// Nothing in this crate panics on bad input; it returns one of these.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// A required input was empty.
    #[error("{what} is empty")]
    Empty {
        /// Which input.
        what: Field,
    },
    /// An input was longer than the configured [`Limits`](crate::Limits).
    #[error("{what} is {len} bytes long, more than the limit of {max}")]
    TooLong {
        /// Which input.
        what: Field,
        /// Its length in bytes.
        len: usize,
        /// The limit in bytes.
        max: usize,
    },
    /// An input contained a byte that is not allowed in it (space, control, non-ASCII…).
    #[error("{what} contains byte 0x{byte:02x} at offset {offset}, which is not allowed there")]
    InvalidByte {
        /// Which input.
        what: Field,
        /// Byte offset of the offending byte.
        offset: usize,
        /// The offending byte.
        byte: u8,
    },
    /// A hex string had an odd number of digits.
    #[error("{what}: hex string has odd length {len}")]
    OddLengthHex {
        /// Which input.
        what: Field,
        /// The number of characters.
        len: usize,
    },
    /// A hex string contained a non-hex character.
    #[error("{what}: invalid hex digit 0x{byte:02x} at offset {offset}")]
    InvalidHexDigit {
        /// Which input.
        what: Field,
        /// Byte offset of the offending character.
        offset: usize,
        /// The offending byte.
        byte: u8,
    },
    /// Base64 decoding failed.
    #[error("{what}: invalid base64: {source}")]
    InvalidBase64 {
        /// Which input.
        what: Field,
        /// The decoder's diagnosis (it carries the offset).
        #[source]
        source: base64::DecodeError,
    },
    /// An input decoded to the wrong number of bytes.
    #[error("{what} must be {expected} bytes, got {actual}")]
    InvalidLength {
        /// Which input.
        what: Field,
        /// The required length.
        expected: usize,
        /// The length found.
        actual: usize,
    },
    /// Percent-decoding produced bytes that are not UTF-8.
    #[error("{what}: percent-decoded value of {key:?} is not valid UTF-8")]
    InvalidUtf8 {
        /// Which input.
        what: Field,
        /// The parameter whose value failed.
        key: String,
    },
    /// A structured string (policy, header, blob, command line) did not have the expected shape.
    #[error("malformed {what} at offset {offset}: {reason}")]
    Malformed {
        /// Which input.
        what: Field,
        /// Byte offset where the problem was found.
        offset: usize,
        /// What was wrong.
        reason: &'static str,
    },
    /// More items than [`Limits::max_params`](crate::Limits::max_params).
    #[error("{what} has more than {max} parameters")]
    TooManyParams {
        /// Which input.
        what: Field,
        /// The limit.
        max: usize,
    },
    /// A required parameter or header was absent.
    #[error("{what}: missing {name}")]
    Missing {
        /// Which input.
        what: Field,
        /// The name of the missing parameter or header.
        name: &'static str,
    },
    /// The product ID is not in the table of known key pairs.
    #[error("unknown product id {0:?}")]
    UnknownProduct(String),
    /// No challenge algorithm / default product exists for this protocol version.
    #[error("no challenge algorithm or product key for protocol version MSNP{0}")]
    UnsupportedVersion(u8),
    /// The MBI blob header carries a value other than the fixed one.
    #[error("MBI blob header field {field} is {found}, expected {expected}")]
    BadBlobHeader {
        /// The Windows `MSGUSRKEY` field name.
        field: &'static str,
        /// The value in the blob.
        found: u32,
        /// The required value.
        expected: u32,
    },
    /// A Passport 1.4 reply carried a `da-status` this crate does not know.
    #[error("unexpected Passport da-status {0:?}")]
    UnexpectedDaStatus(String),
    /// A Passport reply had neither a usable `Authentication-Info` nor `WWW-Authenticate`.
    #[error("unexpected Passport response: HTTP status {status} without a usable Passport header")]
    UnexpectedResponse {
        /// The HTTP status code.
        status: u16,
    },
    /// The login server redirected more often than allowed.
    #[error("more than {limit} Passport redirects")]
    TooManyRedirects {
        /// The configured limit.
        limit: u8,
    },
    /// A state machine was fed input while it was not waiting for any.
    #[error("the Passport 1.4 flow is finished; no response was expected")]
    FlowFinished,
}
