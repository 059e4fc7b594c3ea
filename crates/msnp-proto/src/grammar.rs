//! nom helpers for the sub-grammars inside one already-framed token or payload. Always run in
//! complete mode (`Parser::parse_complete`); no nom type leaves the crate — callers turn a
//! failure into their own error with an offset ([`offset`]).

use nom::IResult;

/// The result of a grammar over text.
pub(crate) type Res<'a, O> = IResult<&'a str, O>;

/// The text up to the ASCII byte `stop` (not consumed) or to the end: nom's `take_till` with a
/// memchr search instead of a walk over chars, for header lines and handle parts. The search is
/// memchr's word-at-a-time one: these inputs are short, and its vector form costs a dispatch.
pub(crate) fn till(stop: u8) -> impl Fn(&str) -> Res<'_, &str> {
    debug_assert!(stop.is_ascii());
    move |i| {
        // An ASCII byte is always a char boundary, so both halves are valid text.
        let n = memchr::arch::all::memchr::One::new(stop)
            .find(i.as_bytes())
            .unwrap_or(i.len());
        Ok((
            i.get(n..).unwrap_or_default(),
            i.get(..n).unwrap_or_default(),
        ))
    }
}

/// Where `rest` (a tail of `whole`) starts in `whole`.
pub(crate) fn offset(whole: &str, rest: &str) -> usize {
    whole.len().saturating_sub(rest.len())
}
