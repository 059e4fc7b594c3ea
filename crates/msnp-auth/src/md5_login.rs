//! MD5 login (MSNP2 – MSNP7): `USR trid MD5 S <md5hex(salt ‖ password)>`.

use md5::{Digest, Md5};

use crate::error::{AuthError, Field};
use crate::limits::Limits;
use crate::text;

/// The `CTP` (clear-text password, MSNP2 draft only; never deployed by Microsoft) answer to
/// the second `USR … S` step: the password itself, which must be a single wire token.
///
/// # Errors
/// A password that is empty, too long, or contains spaces/control characters.
///
/// ```
/// assert_eq!(msnp_auth::ctp_login_response("secret").as_deref(), Ok("secret"));
/// assert!(msnp_auth::ctp_login_response("a b").is_err());
/// ```
pub fn ctp_login_response(password: &str) -> Result<String, AuthError> {
    text::token(Field::Password, password, Limits::DEFAULT.max_password_len)?;
    Ok(password.to_owned())
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
