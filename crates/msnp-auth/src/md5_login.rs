//! MD5 login (MSNP2 – MSNP7): `USR trid MD5 S <md5hex(salt ‖ password)>`.

use md5::{Digest, Md5};

use crate::error::{AuthError, Field};
use crate::limits::Limits;
use crate::text;

/// The security package of a pre-Passport (`MSNP2`–`MSNP7`) login.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum LegacyPackage {
    /// `MD5`: the client sends `md5hex(salt ‖ password)`.
    #[default]
    Md5,
    /// `CTP`: clear-text password (MSNP2 draft only; never deployed by Microsoft).
    Ctp,
}

impl LegacyPackage {
    /// The token as it appears in `USR trid <package> I …` and `INF`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Md5 => "MD5",
            Self::Ctp => "CTP",
        }
    }

    /// Parses an `INF`/`USR` package token (`MD5`, `CTP`, exact case).
    #[must_use]
    pub fn from_token(token: &str) -> Option<Self> {
        match token {
            "MD5" => Some(Self::Md5),
            "CTP" => Some(Self::Ctp),
            _ => None,
        }
    }

    /// The value the client sends in the second `USR … S` step.
    ///
    /// For [`Md5`](Self::Md5) this is [`md5_login_hash`]; for [`Ctp`](Self::Ctp)
    /// it is the password itself, which must then be a single wire token.
    ///
    /// # Errors
    /// As [`md5_login_hash`]; for CTP, a password that is empty or contains
    /// spaces/control characters.
    pub fn response(self, salt: &str, password: &str) -> Result<String, AuthError> {
        match self {
            Self::Md5 => md5_login_hash(salt, password),
            Self::Ctp => {
                text::token(Field::Password, password, Limits::DEFAULT.max_password_len)?;
                Ok(password.to_owned())
            }
        }
    }
}

/// Computes the MD5 login answer: lower-case hex of `MD5(salt ‖ password)`
/// (32 characters). The password is hashed as its UTF-8 bytes.
///
/// # Errors
/// [`AuthError::Empty`] for an empty salt; [`AuthError::InvalidByte`] if the salt
/// is not a printable-ASCII token; [`AuthError::TooLong`] past [`Limits::DEFAULT`].
///
/// ```
/// let hash = msnp_auth::md5_login_hash("1013928519.693957190", "mypassword").unwrap();
/// assert_eq!(hash, "6f3963009fc8a9d2b2ff137da0905c55");
/// ```
pub fn md5_login_hash(salt: &str, password: &str) -> Result<String, AuthError> {
    md5_login_hash_with(salt, password, &Limits::DEFAULT)
}

/// [`md5_login_hash`] with explicit limits.
///
/// # Errors
/// See [`md5_login_hash`].
pub fn md5_login_hash_with(
    salt: &str,
    password: &str,
    limits: &Limits,
) -> Result<String, AuthError> {
    text::token(Field::Salt, salt, limits.max_token_len)?;
    text::bounded(Field::Password, password, limits.max_password_len)?;
    let mut h = Md5::new();
    h.update(salt.as_bytes());
    h.update(password.as_bytes());
    Ok(crate::hex::encode(&h.finalize()))
}
