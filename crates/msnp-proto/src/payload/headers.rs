//! MIME header lines (`Name: value`, CRLF or LF, folded continuations), shared by the MIME
//! payloads (`mime`) and the MSNSLP messages of the `p2p` module.

use std::borrow::Cow;

use nom::Parser;
use nom::bytes::take_while;
use nom::character::char;
use nom::combinator::{self, rest};
use nom::sequence::{preceded, separated_pair, terminated};

use super::error::PayloadError;
use crate::grammar::{Res, offset, till};

/// One header line.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct MimeHeader<'a> {
    /// Header name as sent.
    pub name: Cow<'a, str>,
    /// Value with leading whitespace removed.
    pub value: Cow<'a, str>,
}

/// Ordered header lines (duplicates kept) with case-insensitive lookup.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct MimeHeaders<'a>(pub Vec<MimeHeader<'a>>);

impl<'a> MimeHeaders<'a> {
    /// First value of `name` (ASCII case-insensitive).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value.as_ref())
    }

    /// All values of `name`, in order.
    pub fn get_all<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s str> + 's {
        self.0
            .iter()
            .filter(move |h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value.as_ref())
    }

    /// Appends a header.
    pub fn push(&mut self, name: impl Into<Cow<'a, str>>, value: impl Into<Cow<'a, str>>) {
        self.0.push(MimeHeader {
            name: name.into(),
            value: value.into(),
        });
    }

    /// Number of header lines.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no headers.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Owned copy.
    pub fn into_owned(self) -> MimeHeaders<'static> {
        MimeHeaders(
            self.0
                .into_iter()
                .map(|h| MimeHeader {
                    name: Cow::Owned(h.name.into_owned()),
                    value: Cow::Owned(h.value.into_owned()),
                })
                .collect(),
        )
    }

    /// `(name, value)` pairs as owned strings.
    pub fn to_pairs(&self) -> Vec<(String, String)> {
        self.0
            .iter()
            .map(|h| (h.name.to_string(), h.value.to_string()))
            .collect()
    }

    /// Writes `Name: value\r\n` lines (`Name:\r\n` for an empty value, as servers send
    /// the profile) with no terminating blank line, rejecting CR/LF in names or values and
    /// `:`, spaces or empty names.
    pub fn write_to(&self, out: &mut Vec<u8>) -> Result<(), PayloadError> {
        for h in &self.0 {
            if h.name.is_empty() || h.name.contains([':', '\r', '\n', ' ']) {
                return Err(PayloadError::invalid(
                    "header name",
                    &h.name,
                    "empty or contains `:`, space or CR/LF",
                ));
            }
            if h.value.contains(['\r', '\n']) {
                return Err(PayloadError::invalid(
                    format!("header {}", h.name),
                    &h.value,
                    "contains CR/LF",
                ));
            }
            out.extend_from_slice(h.name.as_bytes());
            if h.value.is_empty() {
                out.push(b':');
            } else {
                out.extend_from_slice(b": ");
                out.extend_from_slice(h.value.as_bytes());
            }
            out.extend_from_slice(b"\r\n");
        }
        Ok(())
    }
}

/// Parses `Name: value` lines of `text` (CRLF or LF), stopping at the first empty line.
/// Returns the headers and the byte offset just after the terminating empty line (or the
/// end of `text` when there is none). `base` is added to error offsets.
pub fn parse_header_lines(
    text: &str,
    base: usize,
) -> Result<(MimeHeaders<'_>, usize), PayloadError> {
    let mut headers = MimeHeaders::default();
    let mut rest = text;
    while !rest.is_empty() {
        let pos = offset(text, rest);
        let (next, line) = header_line(rest)?;
        if line.is_empty() {
            return Ok((headers, offset(text, next)));
        }
        if line.starts_with([' ', '\t']) {
            // folded continuation of the previous header
            match headers.0.last_mut() {
                Some(h) => {
                    let v = h.value.to_mut();
                    // Unfold with one space, but never start a value with one: an empty value
                    // continued on the next line is that line (values have no leading blanks).
                    if !v.is_empty() {
                        v.push(' ');
                    }
                    v.push_str(line.trim_start());
                }
                None => {
                    return Err(PayloadError::Mime {
                        offset: base + pos,
                        reason: "continuation line before any header",
                    });
                }
            }
        } else {
            let Ok((_, (name, value))) = header_field(line) else {
                return Err(PayloadError::Mime {
                    offset: base + pos,
                    reason: "header line without `:`",
                });
            };
            if name.is_empty() || name.contains(' ') {
                return Err(PayloadError::Mime {
                    offset: base + pos,
                    reason: "empty header name or name containing a space",
                });
            }
            headers.push(name, value);
        }
        rest = next;
    }
    Ok((headers, text.len()))
}

/// One line up to LF (consumed when there) without its CR: CRLF and bare LF both end a line.
fn header_line(i: &str) -> Result<(&str, &str), PayloadError> {
    let line = terminated(till(b'\n'), combinator::opt(char('\n')))
        .map(|l: &str| l.strip_suffix('\r').unwrap_or(l))
        .parse_complete(i);
    // `till` and `opt` cannot fail; keep the error typed all the same.
    line.map_err(|_| PayloadError::Mime {
        offset: 0,
        reason: "unreadable header line",
    })
}

/// `Name:value`, blanks after the colon dropped.
fn header_field(line: &str) -> Res<'_, (&str, &str)> {
    separated_pair(
        till(b':'),
        char(':'),
        preceded(take_while(|c| c == ' ' || c == '\t'), rest),
    )
    .parse_complete(line)
}
