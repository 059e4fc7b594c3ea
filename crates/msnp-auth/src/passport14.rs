//! Passport 1.4 ("Tweener", MSNP8 – MSNP11, usable up to MSNP14): the
//! `Authorization` header and the parsing of the nexus and login replies.
//!
//! See [`Passport14Login`](crate::Passport14Login) for the request/response
//! flow built on these functions.

use std::borrow::Cow;

use nom::Parser;
use nom::bytes::{take_till, take_while};
use nom::character::char;
use nom::combinator::opt;
use nom::sequence::delimited;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

use crate::error::{AuthError, Field};
use crate::limits::Limits;
use crate::text;
use crate::twn::{TwnChallenge, kv_item};

/// The Passport nexus URL (`GET`, answered with a `PassportURLs` header).
pub const NEXUS_URL: &str = "https://nexus.passport.com/rdr/pprdr.asp";
/// The login URL used when the nexus is skipped.
pub const DEFAULT_LOGIN_URL: &str = "https://login.passport.com/login2.srf";
/// The default `OrgURL` (before encoding).
pub const DEFAULT_ORG_URL: &str = "http://messenger.msn.com";
/// The authentication scheme token.
pub const SCHEME: &str = "Passport1.4";

/// `sign-in` and `pwd`: everything outside `[A-Za-z0-9._~-]` is encoded.
const CREDENTIAL_SET: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'-');

/// Builds the `Authorization` header *value* for the login request:
/// `Passport1.4 OrgVerb=GET,OrgURL=<enc org>,sign-in=<enc handle>,pwd=<enc password>,<challenge>`.
///
/// `org_url` is given decoded (`None` = [`DEFAULT_ORG_URL`]) and is encoded with
/// every non-alphanumeric byte escaped (so `.` becomes `%2E`, as the official
/// client sent it). Handle and password are encoded with everything outside
/// `[A-Za-z0-9._~-]` escaped. The challenge string is appended unchanged.
///
/// # Errors
/// [`AuthError::Empty`] for an empty handle or password;
/// [`AuthError::InvalidByte`] for a control character in the handle or OrgURL;
/// [`AuthError::TooLong`] past [`Limits::DEFAULT`].
///
/// ```
/// use msnp_auth::{passport14_authorization, TwnChallenge};
/// let c = TwnChallenge::parse("lc=1033,id=507").unwrap();
/// let h = passport14_authorization("bob@example.com", "p@ss,word", &c, None).unwrap();
/// assert_eq!(
///     h,
///     "Passport1.4 OrgVerb=GET,OrgURL=http%3A%2F%2Fmessenger%2Emsn%2Ecom,\
///      sign-in=bob%40example.com,pwd=p%40ss%2Cword,lc=1033,id=507"
/// );
/// ```
pub fn passport14_authorization(
    handle: &str,
    password: &str,
    challenge: &TwnChallenge<'_>,
    org_url: Option<&str>,
) -> Result<String, AuthError> {
    passport14_authorization_with(handle, password, challenge, org_url, &Limits::DEFAULT)
}

/// [`passport14_authorization`] with explicit limits.
///
/// # Errors
/// See [`passport14_authorization`].
pub fn passport14_authorization_with(
    handle: &str,
    password: &str,
    challenge: &TwnChallenge<'_>,
    org_url: Option<&str>,
    limits: &Limits,
) -> Result<String, AuthError> {
    // The sign-in name is percent-encoded below, so any text is safe in the header; only its
    // presence and size are the login's business (its form on the command line is the encoder's).
    if handle.is_empty() {
        return Err(AuthError::Empty {
            what: Field::Handle,
        });
    }
    text::bounded(Field::Handle, handle, limits.max_token_len)?;
    text::no_controls(Field::Handle, handle)?;
    if password.is_empty() {
        return Err(AuthError::Empty {
            what: Field::Password,
        });
    }
    text::bounded(Field::Password, password, limits.max_password_len)?;
    let org = org_url.unwrap_or(DEFAULT_ORG_URL);
    if org.is_empty() {
        return Err(AuthError::Empty {
            what: Field::OrgUrl,
        });
    }
    text::bounded(Field::OrgUrl, org, limits.max_header_len)?;
    text::no_controls(Field::OrgUrl, org)?;
    Ok(format!(
        "{SCHEME} OrgVerb=GET,OrgURL={},sign-in={},pwd={},{}",
        utf8_percent_encode(org, NON_ALPHANUMERIC),
        utf8_percent_encode(handle, CREDENTIAL_SET),
        utf8_percent_encode(password, CREDENTIAL_SET),
        challenge.as_str()
    ))
}

/// One item of a Passport 1.4 header value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PassportParam<'a> {
    /// The key (`da-status`, `from-PP`, `cbtxt`, `prompt`, …).
    pub key: &'a str,
    /// The value as sent, without surrounding single quotes; `None` for a bare flag.
    pub value: Option<&'a str>,
}

/// A parsed `Authentication-Info` / `WWW-Authenticate` value:
/// `Passport1.4 k=v,k='quoted, value',flag,…`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PassportHeader<'a> {
    params: Vec<PassportParam<'a>>,
}

impl<'a> PassportHeader<'a> {
    /// Parses a header value; `what` names the header in errors.
    ///
    /// Values in single quotes (`from-PP='t=…&p=…'`) are taken up to the next
    /// `'`, so they may contain commas; the ticket is never split.
    ///
    /// # Errors
    /// [`AuthError::Malformed`] without the `Passport1.4` scheme, for an
    /// unterminated quote or junk after a quoted value; [`AuthError::TooLong`];
    /// [`AuthError::TooManyParams`].
    ///
    /// ```
    /// use msnp_auth::{Field, PassportHeader};
    /// let h = PassportHeader::parse(
    ///     "Passport1.4 da-status=success,from-PP='t=a,b&p=c',ru=http://x",
    ///     Field::AuthenticationInfo,
    /// ).unwrap();
    /// assert_eq!(h.get("from-PP"), Some("t=a,b&p=c"));
    /// ```
    pub fn parse(value: &'a str, what: Field) -> Result<Self, AuthError> {
        Self::parse_with(value, what, &Limits::DEFAULT)
    }

    /// [`PassportHeader::parse`] with explicit limits.
    ///
    /// # Errors
    /// See [`PassportHeader::parse`].
    pub fn parse_with(value: &'a str, what: Field, limits: &Limits) -> Result<Self, AuthError> {
        text::bounded(what, value, limits.max_header_len)?;
        let lead = value.len() - value.trim_start().len();
        let v = value.trim();
        let scheme_ok = v
            .get(..SCHEME.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(SCHEME));
        let rest = if scheme_ok {
            v.get(SCHEME.len()..)
        } else {
            None
        };
        let rest = match rest {
            Some(r) if r.is_empty() || r.starts_with([' ', '\t']) => r,
            _ => {
                return Err(AuthError::Malformed {
                    what,
                    offset: lead,
                    reason: "missing the Passport1.4 scheme",
                });
            }
        };
        let base = lead + SCHEME.len() + (rest.len() - rest.trim_start().len());
        let params = parse_params(rest.trim_start(), base, what, limits)?;
        Ok(Self { params })
    }

    /// Every item in order.
    #[must_use]
    pub fn params(&self) -> &[PassportParam<'a>] {
        &self.params
    }

    /// The value of the first item named `key` (ASCII case-insensitive).
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&'a str> {
        self.params
            .iter()
            .find(|p| p.key.eq_ignore_ascii_case(key))
            .and_then(|p| p.value)
    }

    /// Whether a bare flag (or any item) named `key` is present.
    #[must_use]
    pub fn has(&self, key: &str) -> bool {
        self.params.iter().any(|p| p.key.eq_ignore_ascii_case(key))
    }

    /// `da-status` (`success`, `redir`, `failed`, …).
    #[must_use]
    pub fn da_status(&self) -> Option<&'a str> {
        self.get("da-status")
    }
}

fn parse_params<'a>(
    s: &'a str,
    base: usize,
    what: Field,
    limits: &Limits,
) -> Result<Vec<PassportParam<'a>>, AuthError> {
    let at = |r: &str| base + s.len() - r.len();
    let malformed = |r: &str, reason| AuthError::Malformed {
        what,
        offset: at(r),
        reason,
    };
    // Only the quoted value can fail; the other steps take what is there.
    let unreadable =
        |r: &'a str| move |_: nom::Err<nom::error::Error<&str>>| malformed(r, "unreadable item");
    let mut params = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        if params.len() == limits.max_params {
            return Err(AuthError::TooManyParams {
                what,
                max: limits.max_params,
            });
        }
        let (r, (key, eq)) = (take_till(|c| c == '=' || c == ','), opt(char('=')))
            .parse_complete(rest)
            .map_err(unreadable(rest))?;
        let (r, value) = match eq {
            None => (r, None),
            Some(_) if r.starts_with('\'') => {
                // `'…'` runs to the next quote, commas included; only blanks may follow it.
                let (after, v) = delimited(char('\''), take_till(|c| c == '\''), char('\''))
                    .parse_complete(r)
                    .map_err(|_: nom::Err<nom::error::Error<&str>>| {
                        malformed(r, "unterminated quoted value")
                    })?;
                let (tail, _) = take_while(char::is_whitespace)
                    .parse_complete(after)
                    .map_err(unreadable(after))?;
                if !(tail.is_empty() || tail.starts_with(',')) {
                    return Err(malformed(after, "junk after a quoted value"));
                }
                (tail, Some(v))
            }
            Some(_) => {
                let (r, v) = take_till(|c| c == ',')
                    .parse_complete(r)
                    .map_err(unreadable(r))?;
                (r, Some(v.trim()))
            }
        };
        let key = key.trim();
        if !key.is_empty() {
            params.push(PassportParam { key, value });
        } else if value.is_some() {
            return Err(malformed(rest, "item with an empty key"));
        }
        // `r` is at a ',' or at the end.
        let (next, _) = opt(char(',')).parse_complete(r).map_err(unreadable(r))?;
        rest = next;
    }
    Ok(params)
}

/// The nexus reply header `PassportURLs: DARealm=…,DALogin=host/path,…`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PassportUrls<'a> {
    items: Vec<(&'a str, &'a str)>,
}

impl<'a> PassportUrls<'a> {
    /// Parses the header value.
    ///
    /// # Errors
    /// [`AuthError::Empty`], [`AuthError::TooLong`], [`AuthError::TooManyParams`],
    /// [`AuthError::InvalidByte`] for control characters.
    ///
    /// ```
    /// let u = msnp_auth::PassportUrls::parse(
    ///     "DARealm=Passport.Net,DALogin=login.passport.com/login2.srf,ConfigVersion=15",
    /// ).unwrap();
    /// assert_eq!(u.login_url().unwrap(), "https://login.passport.com/login2.srf");
    /// ```
    pub fn parse(value: &'a str) -> Result<Self, AuthError> {
        Self::parse_with(value, &Limits::DEFAULT)
    }

    /// [`PassportUrls::parse`] with explicit limits.
    ///
    /// # Errors
    /// See [`PassportUrls::parse`].
    pub fn parse_with(value: &'a str, limits: &Limits) -> Result<Self, AuthError> {
        let what = Field::PassportUrls;
        let value = value.trim();
        if value.is_empty() {
            return Err(AuthError::Empty { what });
        }
        text::bounded(what, value, limits.max_header_len)?;
        text::no_controls(what, value)?;
        let mut items = Vec::new();
        let mut rest = value;
        loop {
            if items.len() == limits.max_params {
                return Err(AuthError::TooManyParams {
                    what,
                    max: limits.max_params,
                });
            }
            let (next, (k, v, comma)) =
                kv_item(rest).map_err(|_: nom::Err<nom::error::Error<&str>>| {
                    AuthError::Malformed {
                        what,
                        offset: value.len() - rest.len(),
                        reason: "unreadable item",
                    }
                })?;
            items.push((k.trim(), v.unwrap_or("").trim()));
            if comma.is_none() {
                break;
            }
            rest = next;
        }
        Ok(Self { items })
    }

    /// Finds the `PassportURLs` header (case-insensitively) and parses it.
    ///
    /// # Errors
    /// [`AuthError::Missing`] without the header, else as [`PassportUrls::parse`].
    pub fn from_headers(headers: &[(&str, &'a str)]) -> Result<Self, AuthError> {
        let v = text::header(headers, "PassportURLs").ok_or(AuthError::Missing {
            what: Field::PassportUrls,
            name: "PassportURLs header",
        })?;
        Self::parse(v)
    }

    /// Every `key=value` item in order.
    #[must_use]
    pub fn items(&self) -> &[(&'a str, &'a str)] {
        &self.items
    }

    /// The value of `key` (case-insensitive).
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&'a str> {
        self.items
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| *v)
    }

    /// The login URL: `DALogin` with `https://` prepended when it has no scheme.
    ///
    /// # Errors
    /// [`AuthError::Missing`] if there is no non-empty `DALogin`.
    pub fn login_url(&self) -> Result<String, AuthError> {
        match self.get("DALogin") {
            Some(v) if !v.is_empty() => Ok(absolute_url(v)),
            _ => Err(AuthError::Missing {
                what: Field::PassportUrls,
                name: "DALogin",
            }),
        }
    }
}

/// Prepends `https://` to a scheme-less host/path.
pub(crate) fn absolute_url(v: &str) -> String {
    if v.contains("://") {
        v.to_owned()
    } else {
        format!("https://{v}")
    }
}

/// Why the login server rejected the credentials (`da-status=failed`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct LoginFailure {
    /// The `da-status` value (`failed`, `failed-noretry`, …).
    pub da_status: String,
    /// The human-readable reason `cbtxt`, URL-decoded (lossily for non-UTF-8).
    pub message: Option<String>,
    /// `srealm` (e.g. `Passport.NET`).
    pub realm: Option<String>,
    /// `ts` (e.g. `-3`).
    pub ts: Option<String>,
    /// `cburl`.
    pub callback_url: Option<String>,
}

/// The meaning of a login (`login2.srf`) reply.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum LoginOutcome {
    /// `da-status=success`; the ticket (`t=…&p=…`) from `from-PP='…'`, to send as
    /// `USR trid TWN S <ticket>`.
    Success {
        /// The opaque ticket.
        ticket: String,
    },
    /// `da-status=redir` (or a bare 302): resend the same request to `location`.
    Redirect {
        /// The new login URL (absolute).
        location: String,
    },
    /// Bad credentials.
    Failed(LoginFailure),
}

/// Interprets a login reply from its status code and headers (names matched
/// case-insensitively).
///
/// Rules: an `Authentication-Info` header decides (`success` → ticket,
/// `redir` → `Location`, `failed` → failure); else a `WWW-Authenticate` Passport
/// header is a failure; else a 302 with `Location` is a redirect.
///
/// # Errors
/// [`AuthError::Missing`] for success without `from-PP` or redirect without
/// `Location`; [`AuthError::UnexpectedDaStatus`]; [`AuthError::UnexpectedResponse`]
/// when no rule applies; parse errors of [`PassportHeader`].
///
/// ```
/// use msnp_auth::{parse_login_response, LoginOutcome};
/// let out = parse_login_response(200, &[(
///     "Authentication-Info",
///     "Passport1.4 da-status=success,tname=MSPAuth,from-PP='t=abc&p=def',ru=http://messenger.msn.com",
/// )]).unwrap();
/// assert_eq!(out, LoginOutcome::Success { ticket: "t=abc&p=def".into() });
/// ```
pub fn parse_login_response(
    status: u16,
    headers: &[(&str, &str)],
) -> Result<LoginOutcome, AuthError> {
    parse_login_response_with(status, headers, &Limits::DEFAULT)
}

/// [`parse_login_response`] with explicit limits.
///
/// # Errors
/// See [`parse_login_response`].
pub fn parse_login_response_with(
    status: u16,
    headers: &[(&str, &str)],
    limits: &Limits,
) -> Result<LoginOutcome, AuthError> {
    let location = || -> Result<LoginOutcome, AuthError> {
        let loc = text::header(headers, "Location")
            .filter(|l| !l.is_empty())
            .ok_or(AuthError::Missing {
                what: Field::Location,
                name: "Location header",
            })?;
        text::bounded(Field::Location, loc, limits.max_header_len)?;
        text::no_controls(Field::Location, loc)?;
        Ok(LoginOutcome::Redirect {
            location: absolute_url(loc),
        })
    };
    if let Some(v) = text::header(headers, "Authentication-Info") {
        let h = PassportHeader::parse_with(v, Field::AuthenticationInfo, limits)?;
        return match h.da_status() {
            Some(s) if s.eq_ignore_ascii_case("success") => {
                let ticket =
                    h.get("from-PP")
                        .filter(|t| !t.is_empty())
                        .ok_or(AuthError::Missing {
                            what: Field::AuthenticationInfo,
                            name: "from-PP",
                        })?;
                Ok(LoginOutcome::Success {
                    ticket: ticket.to_owned(),
                })
            }
            Some(s) if s.eq_ignore_ascii_case("redir") => location(),
            Some(s) if s.to_ascii_lowercase().starts_with("failed") => {
                Ok(LoginOutcome::Failed(failure(&h, s)))
            }
            Some(s) => Err(AuthError::UnexpectedDaStatus(s.to_owned())),
            None => Err(AuthError::Missing {
                what: Field::AuthenticationInfo,
                name: "da-status",
            }),
        };
    }
    if let Some(v) = text::header(headers, "WWW-Authenticate") {
        let h = PassportHeader::parse_with(v, Field::WwwAuthenticate, limits)?;
        let s = h.da_status().unwrap_or("failed");
        return Ok(LoginOutcome::Failed(failure(&h, s)));
    }
    if status == 302 {
        return location();
    }
    Err(AuthError::UnexpectedResponse { status })
}

fn failure(h: &PassportHeader<'_>, da_status: &str) -> LoginFailure {
    let owned = |k: &str| h.get(k).map(str::to_owned);
    LoginFailure {
        da_status: da_status.to_owned(),
        message: h.get("cbtxt").map(|t| {
            let decoded: Cow<'_, str> = percent_decode_str(t).decode_utf8_lossy();
            decoded.into_owned()
        }),
        realm: owned("srealm"),
        ts: owned("ts"),
        callback_url: owned("cburl"),
    }
}
