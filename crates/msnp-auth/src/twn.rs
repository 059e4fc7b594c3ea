//! The `USR trid TWN S <challenge>` policy string (MSNP8 – MSNP14).
//!
//! A single token of comma-separated `key=value` pairs with URL-encoded values,
//! e.g. `lc=1033,id=507,tw=40,fs=1,ru=http%3A%2F%2Fmessenger%2Emsn%2Ecom,ct=1062764229,kpp=1,kv=5,ver=2.1.0173.1,tpf=43f8…`.
//! It is copied verbatim into the Passport 1.4 `Authorization` header; the parsed
//! view is for inspection and for the MSNP12–14 RST policy.

use std::borrow::Cow;

use nom::bytes::take_till;
use nom::character::char;
use nom::combinator::opt;
use nom::sequence::preceded;
use nom::{IResult, Parser};
use percent_encoding::percent_decode_str;

use crate::error::{AuthError, Field};
use crate::limits::Limits;
use crate::text;

/// `key[=value][,]`: one item of a comma-separated `k=v` list (the TWN challenge, the
/// `PassportURLs` header) and the comma after it, if any. The value runs to the next comma.
pub(crate) fn kv_item(i: &str) -> IResult<&str, (&str, Option<&str>, Option<char>)> {
    (
        take_till(|c| c == ',' || c == '='),
        opt(preceded(char('='), take_till(|c| c == ','))),
        opt(char(',')),
    )
        .parse_complete(i)
}

/// One `key=value` (or bare `key`) item of a [`TwnChallenge`], as on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct TwnParam<'a> {
    /// The key (`lc`, `id`, `ru`, …), never empty.
    pub key: &'a str,
    /// The still URL-encoded value; `None` for a bare key without `=`.
    pub raw_value: Option<&'a str>,
}

impl<'a> TwnParam<'a> {
    /// The URL-decoded value (`None` for a bare key). Malformed `%` escapes are
    /// kept literally.
    ///
    /// # Errors
    /// [`AuthError::InvalidUtf8`] if the decoded bytes are not UTF-8.
    pub fn value(&self) -> Result<Option<Cow<'a, str>>, AuthError> {
        self.raw_value
            .map(|v| {
                percent_decode_str(v)
                    .decode_utf8()
                    .map_err(|_| AuthError::InvalidUtf8 {
                        what: Field::TwnChallenge,
                        key: self.key.to_owned(),
                    })
            })
            .transpose()
    }
}

/// A parsed `USR TWN S` challenge string. Keeps the raw string (what goes into
/// the `Authorization` header) and every item in order, unknown keys included.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct TwnChallenge<'a> {
    raw: &'a str,
    params: Vec<TwnParam<'a>>,
}

impl<'a> TwnChallenge<'a> {
    /// Parses the challenge string with [`Limits::DEFAULT`].
    ///
    /// # Errors
    /// See [`TwnChallenge::parse_with`].
    ///
    /// ```
    /// let c = msnp_auth::TwnChallenge::parse(
    ///     "lc=1033,id=507,tw=40,fs=1,ru=http%3A%2F%2Fmessenger%2Emsn%2Ecom,ct=1062764229,kpp=1,kv=5,ver=2.1.0173.1,tpf=43f8a4c8ed940c04e3740be46c4d1619",
    /// ).unwrap();
    /// assert_eq!(c.get("id"), Some("507"));
    /// assert_eq!(c.decoded("ru").unwrap().as_deref(), Some("http://messenger.msn.com"));
    /// assert_eq!(c.params().len(), 10);
    /// ```
    pub fn parse(raw: &'a str) -> Result<Self, AuthError> {
        Self::parse_with(raw, &Limits::DEFAULT)
    }

    /// Parses the challenge string.
    ///
    /// # Errors
    /// [`AuthError::Empty`]; [`AuthError::TooLong`] past `max_header_len`;
    /// [`AuthError::InvalidByte`] for spaces, control or non-ASCII bytes (it is a
    /// single wire token and goes into an HTTP header); [`AuthError::Malformed`]
    /// for an empty item or an empty key; [`AuthError::TooManyParams`].
    pub fn parse_with(raw: &'a str, limits: &Limits) -> Result<Self, AuthError> {
        text::token(Field::TwnChallenge, raw, limits.max_header_len)?;
        let mut params = Vec::new();
        let mut rest = raw;
        loop {
            if params.len() == limits.max_params {
                return Err(AuthError::TooManyParams {
                    what: Field::TwnChallenge,
                    max: limits.max_params,
                });
            }
            let offset = raw.len() - rest.len();
            let malformed = |reason| AuthError::Malformed {
                what: Field::TwnChallenge,
                offset,
                reason,
            };
            let (next, (key, raw_value, comma)) = kv_item(rest)
                .map_err(|_: nom::Err<nom::error::Error<&str>>| malformed("unreadable item"))?;
            if key.is_empty() {
                return Err(malformed(if raw_value.is_none() {
                    "empty item between commas"
                } else {
                    "item with an empty key"
                }));
            }
            params.push(TwnParam { key, raw_value });
            if comma.is_none() {
                break;
            }
            rest = next;
        }
        Ok(Self { raw, params })
    }

    /// The string exactly as received.
    #[must_use]
    pub const fn as_str(&self) -> &'a str {
        self.raw
    }

    /// Every item in wire order.
    #[must_use]
    pub fn params(&self) -> &[TwnParam<'a>] {
        &self.params
    }

    /// The raw (still URL-encoded) value of the first item named `key`.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&'a str> {
        self.params
            .iter()
            .find(|p| p.key == key)
            .and_then(|p| p.raw_value)
    }

    /// The URL-decoded value of the first item named `key`.
    ///
    /// # Errors
    /// [`AuthError::InvalidUtf8`] if the decoded value is not UTF-8.
    pub fn decoded(&self, key: &str) -> Result<Option<Cow<'a, str>>, AuthError> {
        match self.params.iter().find(|p| p.key == key) {
            Some(p) => p.value(),
            None => Ok(None),
        }
    }

    /// The site ID (`id`, 507 for Messenger) if present and numeric.
    #[must_use]
    pub fn site_id(&self) -> Option<u32> {
        self.get("id").and_then(|v| v.parse().ok())
    }

    /// The locale ID (`lc`, e.g. 1033) if present and numeric.
    #[must_use]
    pub fn lcid(&self) -> Option<u32> {
        self.get("lc").and_then(|v| v.parse().ok())
    }

    /// The server's Unix time (`ct`) if present and numeric.
    #[must_use]
    pub fn server_time(&self) -> Option<i64> {
        self.get("ct").and_then(|v| v.parse().ok())
    }

    /// The Passport SOAP (`RST.srf`) `PolicyReference` URI for `messenger.msn.com`
    /// on MSNP12–14: `"?"` + the string with `,` replaced by `&` (not XML-escaped;
    /// the SOAP writer escapes). This follows the spec's recommendation; which
    /// exact subset official clients sent is not known.
    ///
    /// ```
    /// let c = msnp_auth::TwnChallenge::parse("id=507,tw=40").unwrap();
    /// assert_eq!(c.rst_policy(), "?id=507&tw=40");
    /// ```
    #[must_use]
    pub fn rst_policy(&self) -> String {
        let mut s = String::with_capacity(self.raw.len() + 1);
        s.push('?');
        s.push_str(&self.raw.replace(',', "&"));
        s
    }
}
