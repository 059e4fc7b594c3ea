//! `xs:dateTime` values that may or may not carry a UTC offset.

use chrono::{DateTime, FixedOffset, NaiveDateTime, SecondsFormat, Utc};

use crate::error::{SoapError, clip};

/// An `xs:dateTime` as found in address-book answers.
///
/// Many ABCH times carry no offset (`0001-01-01T00:00:00`), others carry `Z`
/// or `-08:00`; this keeps which one was given.
///
/// ```
/// use msnp_soap::SoapDateTime;
/// let t = SoapDateTime::parse("2009-03-01T12:00:00.1230000").unwrap();
/// assert!(matches!(t, SoapDateTime::Naive(_)));
/// let z = SoapDateTime::parse("2009-03-01T12:00:00Z").unwrap();
/// assert_eq!(z.to_xml(), "2009-03-01T12:00:00Z");
/// assert_eq!(SoapDateTime::parse(&z.to_xml()).unwrap(), z);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(untagged))]
pub enum SoapDateTime {
    /// A time with an explicit offset (`Z`, `-08:00`).
    Offset(DateTime<FixedOffset>),
    /// A time without offset.
    Naive(NaiveDateTime),
}

impl SoapDateTime {
    /// The "never" value `0001-01-01T00:00:00.0000000-08:00` that clients send as the
    /// initial `lastChange`.
    pub fn min_pacific() -> Self {
        // Constant input: cannot fail; fall back to the naive minimum for total safety.
        DateTime::parse_from_rfc3339("0001-01-01T00:00:00-08:00")
            .map(Self::Offset)
            .unwrap_or(Self::Naive(NaiveDateTime::MIN))
    }

    /// Parses either form (fractional seconds of any length allowed).
    pub fn parse(s: &str) -> Result<Self, SoapError> {
        Self::parse_at(s, "dateTime")
    }

    pub(crate) fn parse_at(s: &str, path: &'static str) -> Result<Self, SoapError> {
        let s = s.trim();
        if let Ok(t) = DateTime::parse_from_rfc3339(s) {
            return Ok(Self::Offset(t));
        }
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
            .map(Self::Naive)
            .map_err(|_| SoapError::BadValue {
                path,
                value: clip(s),
                expected: "an xs:dateTime",
            })
    }

    /// Formats for XML: RFC 3339 with `Z` for UTC, or the naive form.
    pub fn to_xml(&self) -> String {
        match self {
            Self::Offset(t) => t.to_rfc3339_opts(SecondsFormat::AutoSi, true),
            Self::Naive(t) => t.format("%Y-%m-%dT%H:%M:%S%.f").to_string(),
        }
    }

    /// The instant in UTC, treating a naive time as UTC.
    pub fn to_utc(&self) -> DateTime<Utc> {
        match self {
            Self::Offset(t) => t.with_timezone(&Utc),
            Self::Naive(t) => t.and_utc(),
        }
    }
}

impl From<DateTime<Utc>> for SoapDateTime {
    fn from(t: DateTime<Utc>) -> Self {
        Self::Offset(t.fixed_offset())
    }
}

/// Parses an RFC 3339 time into UTC (Passport `Created`/`Expires`); naive times are taken as UTC.
pub(crate) fn parse_utc(s: &str, path: &'static str) -> Result<DateTime<Utc>, SoapError> {
    SoapDateTime::parse_at(s, path).map(|t| t.to_utc())
}

/// Formats a UTC time as `2024-01-01T00:00:00Z` (sub-seconds only when present).
pub(crate) fn fmt_utc(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

pub(crate) fn opt_time(
    el: &crate::xml::Element,
    name: &str,
    path: &'static str,
) -> Result<Option<SoapDateTime>, SoapError> {
    el.child(name)
        .map(|c| SoapDateTime::parse_at(c.trimmed(), path))
        .transpose()
}
