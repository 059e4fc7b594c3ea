//! The MSNP15+ SSO exchange: `USR trid SSO S <policy> <nonce>` from the server
//! and the client's `USR trid SSO S <ticket> <blob> [<machine-guid>]`.

use crate::error::{AuthError, Field};
use crate::limits::Limits;
use crate::text;

/// The server's SSO challenge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SsoChallenge<'a> {
    /// The policy for the `messengerclear.live.com` token, usually `MBI_KEY_OLD`.
    pub policy: &'a str,
    /// The nonce, used as ASCII text (not base64-decoded) by the MBI blob.
    pub nonce: &'a str,
    /// An extra argument after the nonce. One NINA example shows a `{GUID}`
    /// there; its meaning is unknown, so it is kept raw and otherwise ignored.
    pub extra: Option<&'a str>,
}

impl<'a> SsoChallenge<'a> {
    /// Parses the arguments after `USR trid SSO S`: `policy nonce [extra]`,
    /// separated by single spaces.
    ///
    /// # Errors
    /// [`AuthError::Missing`] without a nonce; [`AuthError::Malformed`] for more
    /// than three arguments or empty ones (double spaces); token errors
    /// ([`AuthError::InvalidByte`], [`AuthError::TooLong`]) for each argument.
    ///
    /// ```
    /// let c = msnp_auth::SsoChallenge::parse_args("MBI_KEY_OLD Nv0JqOVzT8FQ2w==").unwrap();
    /// assert_eq!(c.policy, "MBI_KEY_OLD");
    /// assert_eq!(c.nonce, "Nv0JqOVzT8FQ2w==");
    /// assert_eq!(c.extra, None);
    /// ```
    pub fn parse_args(args: &'a str) -> Result<Self, AuthError> {
        Self::parse_args_with(args, &Limits::DEFAULT)
    }

    /// [`SsoChallenge::parse_args`] with explicit limits.
    ///
    /// # Errors
    /// See [`SsoChallenge::parse_args`].
    pub fn parse_args_with(args: &'a str, limits: &Limits) -> Result<Self, AuthError> {
        let what = Field::SsoChallenge;
        text::bounded(what, args, limits.max_header_len)?;
        let mut parts = args.split(' ');
        let policy = parts.next().unwrap_or_default();
        text::token(Field::Policy, policy, limits.max_token_len)?;
        let nonce = parts.next().ok_or(AuthError::Missing {
            what,
            name: "nonce",
        })?;
        text::token(Field::Nonce, nonce, limits.max_token_len)?;
        let extra = match parts.next() {
            Some(e) => {
                if e.is_empty() {
                    return Err(AuthError::Malformed {
                        what,
                        offset: policy.len() + nonce.len() + 2,
                        reason: "empty argument",
                    });
                }
                text::token(what, e, limits.max_token_len)?;
                Some(e)
            }
            None => None,
        };
        if parts.next().is_some() {
            return Err(AuthError::Malformed {
                what,
                offset: args.len(),
                reason: "more than three arguments",
            });
        }
        Ok(Self {
            policy,
            nonce,
            extra,
        })
    }

    /// Parses a whole server line `USR <trid> SSO S <policy> <nonce> [extra]`
    /// (a trailing `\r\n` is accepted). Returns the transaction ID too.
    ///
    /// # Errors
    /// [`AuthError::Malformed`] if the line is not a `USR … SSO S` line or the
    /// trid is not a number; otherwise as [`SsoChallenge::parse_args`].
    ///
    /// ```
    /// let (trid, c) = msnp_auth::SsoChallenge::parse_line("USR 3 SSO S MBI_KEY_OLD abc=\r\n").unwrap();
    /// assert_eq!((trid, c.nonce), (3, "abc="));
    /// ```
    pub fn parse_line(line: &'a str) -> Result<(u32, Self), AuthError> {
        let what = Field::SsoChallenge;
        let line = line.strip_suffix("\r\n").unwrap_or(line);
        text::bounded(what, line, Limits::DEFAULT.max_header_len)?;
        let mut it = line.splitn(5, ' ');
        let bad = |offset, reason| AuthError::Malformed {
            what,
            offset,
            reason,
        };
        if it.next() != Some("USR") {
            return Err(bad(0, "not a USR command"));
        }
        let trid = it
            .next()
            .and_then(|t| t.parse::<u32>().ok())
            .ok_or_else(|| bad(4, "transaction id is not a number"))?;
        let head_len = "USR ".len() + trid.to_string().len() + 1;
        if it.next() != Some("SSO") || it.next() != Some("S") {
            return Err(bad(head_len, "expected `SSO S`"));
        }
        let args = it.next().ok_or(AuthError::Missing {
            what,
            name: "policy",
        })?;
        Ok((trid, Self::parse_args(args)?))
    }
}

/// Builds the arguments of the client's `USR trid SSO S` reply:
/// `<ticket> <blob>` (MSNP15) or `<ticket> <blob> <machine-guid>` (MSNP16+).
///
/// # Errors
/// Token errors ([`AuthError::Empty`], [`AuthError::InvalidByte`],
/// [`AuthError::TooLong`]) for any part; [`AuthError::Malformed`] if the GUID is
/// not braced (`{…}`).
///
/// ```
/// assert_eq!(
///     msnp_auth::sso_usr_args("t=a&p=b", "HAAA", Some("{F52973B6-C926-4BAD-9BA8-7C1E840E4AB0}")).unwrap(),
///     "t=a&p=b HAAA {F52973B6-C926-4BAD-9BA8-7C1E840E4AB0}"
/// );
/// ```
pub fn sso_usr_args(
    ticket: &str,
    blob_base64: &str,
    machine_guid: Option<&str>,
) -> Result<String, AuthError> {
    let limits = Limits::DEFAULT;
    text::token(Field::Ticket, ticket, limits.max_header_len)?;
    text::token(Field::MbiBlob, blob_base64, limits.max_header_len)?;
    let mut s = format!("{ticket} {blob_base64}");
    if let Some(g) = machine_guid {
        text::token(Field::MachineGuid, g, limits.max_token_len)?;
        if !(g.starts_with('{') && g.ends_with('}') && g.len() > 2) {
            return Err(AuthError::Malformed {
                what: Field::MachineGuid,
                offset: 0,
                reason: "machine GUID must be braced, e.g. {F52973B6-…}",
            });
        }
        s.push(' ');
        s.push_str(g);
    }
    Ok(s)
}
