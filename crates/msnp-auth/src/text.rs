//! Validation helpers shared by the parsers and builders.

use crate::error::{AuthError, Field};

/// Checks that `s` is non-empty, at most `max` bytes, and printable ASCII without spaces
/// (0x21–0x7E): the rule for values that are hashed (challenges, salts, product keys) or copied
/// raw into an HTTP header (the TWN challenge), where the bytes themselves are the protocol.
///
/// It is not the rule for command-line tokens: those are checked once, by msnp-proto's encoder
/// (`Token`), which also knows whether the dialect allows UTF-8.
pub(crate) fn token(what: Field, s: &str, max: usize) -> Result<(), AuthError> {
    if s.is_empty() {
        return Err(AuthError::Empty { what });
    }
    bounded(what, s, max)?;
    match s.bytes().position(|b| !(0x21..=0x7e).contains(&b)) {
        Some(offset) => Err(AuthError::InvalidByte {
            what,
            offset,
            byte: s.as_bytes().get(offset).copied().unwrap_or_default(),
        }),
        None => Ok(()),
    }
}

/// Checks the length bound only.
pub(crate) fn bounded(what: Field, s: &str, max: usize) -> Result<(), AuthError> {
    if s.len() > max {
        return Err(AuthError::TooLong {
            what,
            len: s.len(),
            max,
        });
    }
    Ok(())
}

/// Checks that `s` has no ASCII control characters (CR, LF, NUL, …).
pub(crate) fn no_controls(what: Field, s: &str) -> Result<(), AuthError> {
    match s.bytes().position(|b| b.is_ascii_control()) {
        Some(offset) => Err(AuthError::InvalidByte {
            what,
            offset,
            byte: s.as_bytes().get(offset).copied().unwrap_or_default(),
        }),
        None => Ok(()),
    }
}

/// Case-insensitive header lookup; the first match wins.
pub(crate) fn header<'h>(headers: &[(&str, &'h str)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(k, _)| k.trim().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
}
