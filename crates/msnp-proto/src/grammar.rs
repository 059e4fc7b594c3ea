//! nom helpers for the sub-grammars inside one already-framed token or payload. Always run in
//! complete mode (`Parser::parse_complete`); no nom type leaves the crate — callers turn a
//! failure into their own error with an offset ([`offset`]).

use nom::character::digit1;
use nom::combinator::map_opt;
use nom::error::Error;
use nom::{IResult, Parser};

use crate::num::{LeadingZeros, parse_u32};

/// The result of a grammar over text.
pub(crate) type Res<'a, O> = IResult<&'a str, O>;

/// The text up to the ASCII byte `stop` (not consumed) or to the end: nom's `take_till` with a
/// memchr search instead of a walk over chars, for header lines and handle parts.
pub(crate) fn till(stop: u8) -> impl Fn(&str) -> Res<'_, &str> {
    debug_assert!(stop.is_ascii());
    move |i| {
        // An ASCII byte is always a char boundary, so both halves are valid text.
        let n = memchr::memchr(stop, i.as_bytes()).unwrap_or(i.len());
        Ok((
            i.get(n..).unwrap_or_default(),
            i.get(..n).unwrap_or_default(),
        ))
    }
}

/// A decimal that fits a `u32`, with the caller's leading-zero rule.
pub(crate) fn decimal_u32<'a>(
    zeros: LeadingZeros,
) -> impl Parser<&'a [u8], Output = u32, Error = Error<&'a [u8]>> {
    map_opt(digit1(), move |d: &[u8]| parse_u32(d, zeros))
}

/// Where `rest` (a tail of `whole`) starts in `whole`.
pub(crate) fn offset(whole: &str, rest: &str) -> usize {
    whole.len().saturating_sub(rest.len())
}
