//! Reading typed arguments out of a [`RawCommand`] and writing command lines token by token.

use std::borrow::Cow;

use bytes::BufMut;

use super::MessageError;
use crate::caps::ClientCapabilities;
use crate::error::EncodeError;
use crate::network::{Handle, NetworkId};
use crate::num::{LeadingZeros, decimal_digits, parse_u32};
use crate::raw::{MAX_TOKENS, NO_MASK, RawCommand, token_spans};
use crate::text::{Token, UrlText, str_of};
use crate::verb::{TrId, Verb};
use crate::version::Dialect;
use crate::wire::Limits;

/// Whether the token is all ASCII digits (the one rule, under the name the typed readers use).
pub(crate) use crate::num::is_digits as all_digits;

/// The arguments of one raw command, read by position with typed errors.
pub(crate) struct Args<'r, 'a> {
    pub(crate) raw: &'r RawCommand<'a>,
    pub(crate) verb: Verb,
    pub(crate) n: usize,
    /// The line's TrID is read as argument 0 instead.
    untrid: bool,
    /// The line's bytes.
    bytes: &'a [u8],
    /// Where the arguments are in the line.
    spans: Spans,
}

/// Where each argument of a line is.
enum Spans {
    /// A short line whose tokens are one space apart: the framing's mask of its spaces from the
    /// first argument on (bit `i` for byte `i`). An argument is found by counting bits, so
    /// nothing is read or built ahead.
    Mask { from: usize, spaces: u64 },
    /// Any other line: every argument's `(start, end)`, found once, in one pass.
    Table([(u16, u16); MAX_TOKENS]),
}

impl Spans {
    /// The table of the (at most `n`) arguments from byte `from`, and how many there are.
    fn table(raw: &RawCommand<'_>, from: usize, n: usize) -> (Self, usize) {
        let mut spans = [(0, 0); MAX_TOKENS];
        let table = spans.get_mut(..n).unwrap_or_default();
        let line = raw.line();
        let last = raw.meta.last_at as usize;
        // Without a payload the last argument is the line's last token, which the framing
        // found: scan only up to it. A presence line's last token, its MSN object, is most of it.
        if !raw.meta.has_payload
            && line.last().is_some_and(|&b| b != b' ')
            && (from..line.len()).contains(&last)
            && let Some((tail, head)) = table.split_last_mut()
            && token_spans(raw.as_bytes(), last, from, head) == head.len()
        {
            *tail = (last as u16, line.len() as u16);
            return (Self::Table(spans), n);
        }
        let n = token_spans(raw.as_bytes(), line.len(), from, table);
        (Self::Table(spans), n)
    }
}

impl<'r, 'a> Args<'r, 'a> {
    pub(crate) fn new(raw: &'r RawCommand<'a>) -> Self {
        Self::at(raw, raw.meta.args_at as usize, raw.arg_count(), false)
    }

    /// The `n` arguments from byte `from` of the line, where the first of them starts.
    fn at(raw: &'r RawCommand<'a>, from: usize, n: usize, untrid: bool) -> Self {
        let bytes = raw.line();
        let (spans, n) = match raw.meta.spaces {
            NO_MASK => Spans::table(raw, from, n),
            // The mask is the spaces of the whole line; `from` is at most its length, 64.
            mask => {
                let spaces = mask & u64::MAX.checked_shl(from as u32).unwrap_or(0);
                (Spans::Mask { from, spaces }, n)
            }
        };
        Self {
            raw,
            verb: raw.verb(),
            n,
            untrid,
            bytes,
            spans,
        }
    }

    /// Reads a line whose first argument the framing took for a TrID (a number right after
    /// the verb, direction unknown) as a TrID-less command: `RNG 11752013 …`.
    pub(crate) fn without_trid(raw: &'r RawCommand<'a>) -> Self {
        // From the token after the verb: the number the framing took for a TrID.
        let n = raw.arg_count() + usize::from(raw.trid().is_some());
        Self::at(raw, raw.meta.second_at as usize, n, true)
    }

    /// Checks the argument count.
    pub(crate) fn arity(&self, min: usize, max: usize) -> Result<(), MessageError> {
        if self.n < min || self.n > max {
            return Err(MessageError::ArgCount {
                verb: self.verb,
                min,
                max,
                got: self.n,
            });
        }
        Ok(())
    }

    pub(crate) fn bad(&self, index: usize, expected: &'static str) -> MessageError {
        MessageError::BadArg {
            verb: self.verb,
            index,
            expected,
        }
    }

    pub(crate) fn bytes(&self, i: usize) -> Result<&'a [u8], MessageError> {
        self.get(i).ok_or(MessageError::ArgCount {
            verb: self.verb,
            min: i + 1,
            max: i + 1,
            got: self.n,
        })
    }

    /// Argument `i` as raw bytes, if present.
    pub(crate) fn get(&self, i: usize) -> Option<&'a [u8]> {
        let (s, e) = self.span(i)?;
        self.bytes.get(s..e)
    }

    /// Where argument `i` is in the line.
    fn span(&self, i: usize) -> Option<(usize, usize)> {
        if i >= self.n {
            return None;
        }
        match &self.spans {
            Spans::Table(t) => t.get(i).map(|&(s, e)| (s as usize, e as usize)),
            &Spans::Mask { from, mut spaces } => {
                // Argument `i` starts after the space before it and ends at the next one.
                let mut start = from;
                for _ in 0..i {
                    start = spaces.trailing_zeros() as usize + 1;
                    spaces &= spaces.wrapping_sub(1);
                }
                let end = match spaces {
                    0 => self.bytes.len(),
                    _ => spaces.trailing_zeros() as usize,
                };
                Some((start, end))
            }
        }
    }

    /// Argument `i` as a token. The decoder guarantees a framed token holds no space or control
    /// byte, so only its UTF-8 is checked, here, for the tokens read as text.
    pub(crate) fn tok(&self, i: usize) -> Result<Token<'a>, MessageError> {
        str_of(self.bytes(i)?)
            .map(Token::from_framed)
            .ok_or_else(|| self.bad(i, "a UTF-8 token"))
    }

    pub(crate) fn opt_tok(&self, i: usize) -> Result<Option<Token<'a>>, MessageError> {
        if i < self.n {
            self.tok(i).map(Some)
        } else {
            Ok(None)
        }
    }

    pub(crate) fn url(&self, i: usize) -> Result<UrlText<'a>, MessageError> {
        self.tok(i).map(UrlText::from_token)
    }

    pub(crate) fn opt_url(&self, i: usize) -> Result<Option<UrlText<'a>>, MessageError> {
        if i < self.n {
            self.url(i).map(Some)
        } else {
            Ok(None)
        }
    }

    pub(crate) fn u32(&self, i: usize) -> Result<u32, MessageError> {
        let b = self.bytes(i)?;
        parse_u32(b, LeadingZeros::Reject).ok_or_else(|| {
            if all_digits(b) {
                self.bad(i, "a canonical decimal in 0..=4294967295")
            } else {
                self.bad(i, "a decimal number")
            }
        })
    }

    pub(crate) fn opt_u32(&self, i: usize) -> Result<Option<u32>, MessageError> {
        if i < self.n {
            self.u32(i).map(Some)
        } else {
            Ok(None)
        }
    }

    pub(crate) fn bool01(&self, i: usize) -> Result<bool, MessageError> {
        match self.bytes(i)? {
            b"0" => Ok(false),
            b"1" => Ok(true),
            _ => Err(self.bad(i, "0 or 1")),
        }
    }

    pub(crate) fn opt_bool01(&self, i: usize) -> Result<Option<bool>, MessageError> {
        if i < self.n {
            self.bool01(i).map(Some)
        } else {
            Ok(None)
        }
    }

    pub(crate) fn handle(&self, i: usize) -> Result<Handle<'a>, MessageError> {
        Handle::from_token(self.tok(i)?).map_err(|_| self.bad(i, "a user handle"))
    }

    pub(crate) fn network(&self, i: usize) -> Result<NetworkId, MessageError> {
        self.u32(i).map(NetworkId)
    }

    pub(crate) fn caps(&self, i: usize) -> Result<ClientCapabilities, MessageError> {
        ClientCapabilities::parse(self.bytes(i)?)
            .map_err(|_| self.bad(i, "client capabilities (caps or caps:capsex)"))
    }

    pub(crate) fn code<T>(
        &self,
        i: usize,
        parse: impl Fn(&[u8]) -> Option<T>,
        expected: &'static str,
    ) -> Result<T, MessageError> {
        parse(self.bytes(i)?).ok_or_else(|| self.bad(i, expected))
    }

    pub(crate) fn literal(
        &self,
        i: usize,
        lit: &'static [u8],
        expected: &'static str,
    ) -> Result<(), MessageError> {
        if self.bytes(i)? == lit {
            Ok(())
        } else {
            Err(self.bad(i, expected))
        }
    }

    /// Argument `i` with a `key=` prefix removed (the rest must be non-empty).
    pub(crate) fn keyed(
        &self,
        i: usize,
        key: &'static str,
        expected: &'static str,
    ) -> Result<Token<'a>, MessageError> {
        let b = self.bytes(i)?;
        match b.strip_prefix(key.as_bytes()) {
            Some(rest) if !rest.is_empty() => {
                Token::from_bytes(rest).map_err(|_| self.bad(i, expected))
            }
            _ => Err(self.bad(i, expected)),
        }
    }

    pub(crate) fn starts_with(&self, i: usize, p: &[u8]) -> bool {
        self.get(i).is_some_and(|a| a.starts_with(p))
    }

    pub(crate) fn is_digits(&self, i: usize) -> bool {
        self.get(i).is_some_and(all_digits)
    }

    /// Every argument from `i` on, as tokens.
    pub(crate) fn rest(&self, i: usize) -> Result<Vec<Token<'a>>, MessageError> {
        (i..self.n).map(|k| self.tok(k)).collect()
    }

    /// For commands whose TrID is optional: a first argument of digits that is not a TrID
    /// (out of range) would read back as one.
    pub(crate) fn no_stray_number(&self) -> Result<(), MessageError> {
        if self.opt_trid().is_none() && self.is_digits(0) {
            return Err(self.bad(0, "a transaction ID in 0..=4294967295"));
        }
        Ok(())
    }

    /// The TrID, if the line has one (never after [`without_trid`](Self::without_trid)).
    pub(crate) fn opt_trid(&self) -> Option<TrId> {
        if self.untrid { None } else { self.raw.trid() }
    }

    pub(crate) fn trid(&self) -> Result<TrId, MessageError> {
        self.raw
            .trid()
            .ok_or(MessageError::MissingTrId { verb: self.verb })
    }

    pub(crate) fn payload(&self) -> Result<Cow<'a, [u8]>, MessageError> {
        self.raw
            .payload()
            .map(Cow::Borrowed)
            .ok_or(MessageError::MissingPayload { verb: self.verb })
    }

    pub(crate) fn no_payload(&self) -> Result<(), MessageError> {
        match self.raw.payload() {
            None => Ok(()),
            Some(_) => Err(MessageError::UnexpectedPayload { verb: self.verb }),
        }
    }
}

/// Where encoded bytes go: a buffer, or a counter for [`Message::encoded_len`](super::Message::encoded_len).
pub(crate) trait Sink {
    fn put(&mut self, b: &[u8]);
}

/// Counts bytes.
pub(crate) struct Count(pub(crate) usize);

impl Sink for Count {
    fn put(&mut self, b: &[u8]) {
        self.0 += b.len();
    }
}

/// Writes into a `BufMut`.
pub(crate) struct Buf<'b, B: BufMut>(pub(crate) &'b mut B);

impl<B: BufMut> Sink for Buf<'_, B> {
    #[inline]
    fn put(&mut self, b: &[u8]) {
        self.0.put_slice(b);
    }
}

/// Writes one command line token by token, checking what the types cannot: the dialect's
/// TrID slot, ASCII-only arguments in strict dialects, and the line-length limit.
pub(crate) struct Line<'s, S: Sink> {
    s: &'s mut S,
    verb: Verb,
    ascii_only: bool,
    index: usize,
    len: usize,
    err: Option<EncodeError>,
}

impl<'s, S: Sink> Line<'s, S> {
    // Inlined into every writer: measured (icount `encode`), the call costs more than the body.
    #[inline]
    pub(crate) fn new(s: &'s mut S, d: &Dialect, verb: Verb, trid: Option<TrId>) -> Self {
        use crate::version::TrIdRule;
        let err = match (d.trid_rule(verb), trid) {
            (TrIdRule::Required, None) => Some(EncodeError::TrIdRequired { verb }),
            (TrIdRule::Absent, Some(_)) => Some(EncodeError::TrIdNotAllowed { verb }),
            _ => None,
        };
        s.put(verb.as_bytes());
        let mut line = Self {
            s,
            verb,
            ascii_only: !d.leniency.allow_utf8_args,
            index: 0,
            len: 3,
            err,
        };
        if let Some(t) = trid {
            line.raw_num(u64::from(t.0));
        }
        line
    }

    fn digits(&mut self, n: u64) {
        let (digits, start) = decimal_digits(n);
        self.s.put(&digits[start..]);
        self.len += digits.len() - start;
    }

    fn raw_num(&mut self, n: u64) {
        self.s.put(b" ");
        self.len += 1;
        self.digits(n);
    }

    /// Writes a validated token.
    pub(crate) fn tok(&mut self, t: &Token<'_>) {
        self.bytes(t.as_bytes());
    }

    /// Writes bytes known to be a valid token (constants, validated wrappers).
    #[inline]
    pub(crate) fn bytes(&mut self, b: &[u8]) {
        if self.ascii_only && !b.is_ascii() && self.err.is_none() {
            self.err = Some(EncodeError::ArgInvalid { index: self.index });
        }
        self.s.put(b" ");
        self.s.put(b);
        self.len += 1 + b.len();
        self.index += 1;
    }

    pub(crate) fn opt_tok(&mut self, t: &Option<Token<'_>>) {
        if let Some(t) = t {
            self.tok(t);
        }
    }

    pub(crate) fn url(&mut self, t: &UrlText<'_>) {
        self.tok(t.token());
    }

    pub(crate) fn opt_url(&mut self, t: &Option<UrlText<'_>>) {
        if let Some(t) = t {
            self.url(t);
        }
    }

    pub(crate) fn handle(&mut self, h: &Handle<'_>) {
        self.tok(h.token());
    }

    pub(crate) fn str(&mut self, s: &'static str) {
        self.bytes(s.as_bytes());
    }

    /// Writes `key` and `value` as one token (`N=bob@hotmail.com`).
    pub(crate) fn keyed(&mut self, key: &str, value: &str) {
        if self.ascii_only && !value.is_ascii() && self.err.is_none() {
            self.err = Some(EncodeError::ArgInvalid { index: self.index });
        }
        self.s.put(b" ");
        self.s.put(key.as_bytes());
        self.s.put(value.as_bytes());
        self.len += 1 + key.len() + value.len();
        self.index += 1;
    }

    /// Writes a keyword that its type already validated (a `Code`-based enum).
    pub(crate) fn str_dyn(&mut self, s: &str) {
        self.bytes(s.as_bytes());
    }

    /// Checks the number of arguments written so far against the dialect's shape.
    pub(crate) fn arity(&mut self, min: usize, max: usize) {
        if self.index < min || self.index > max {
            let got = self.index;
            let verb = self.verb;
            self.fail(EncodeError::ArgCount {
                verb,
                min,
                max,
                got,
            });
        }
    }

    pub(crate) fn num(&mut self, n: u64) {
        self.raw_num(n);
        self.index += 1;
    }

    pub(crate) fn opt_num(&mut self, n: Option<u32>) {
        if let Some(n) = n {
            self.num(u64::from(n));
        }
    }

    pub(crate) fn bool01(&mut self, b: bool) {
        self.bytes(if b { b"1" } else { b"0" });
    }

    pub(crate) fn caps(&mut self, c: &ClientCapabilities) {
        self.raw_num(u64::from(c.caps));
        if let Some(e) = c.ext {
            self.s.put(b":");
            self.len += 1;
            self.digits(u64::from(e));
        }
        self.index += 1;
    }

    /// Records an encoding error (the first one wins).
    pub(crate) fn fail(&mut self, e: EncodeError) {
        if self.err.is_none() {
            self.err = Some(e);
        }
    }

    fn check_len(&self) -> Result<(), EncodeError> {
        let max = Limits::default().max_line;
        if self.len > max {
            return Err(EncodeError::LineTooLong { len: self.len, max });
        }
        Ok(())
    }

    /// Ends a line without payload.
    pub(crate) fn end(self) -> Result<(), EncodeError> {
        if let Some(e) = self.err {
            return Err(e);
        }
        self.check_len()?;
        self.s.put(b"\r\n");
        Ok(())
    }

    /// Ends a payload command: length, CRLF, payload.
    pub(crate) fn end_payload(mut self, p: &[u8]) -> Result<(), EncodeError> {
        self.raw_num(p.len() as u64);
        if let Some(e) = self.err {
            return Err(e);
        }
        self.check_len()?;
        if p.len() > Limits::default().max_payload {
            return Err(EncodeError::PayloadTooLarge {
                len: p.len(),
                max: Limits::default().max_payload,
            });
        }
        self.s.put(b"\r\n");
        self.s.put(p);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::version::{Direction, ProtocolVersion};
    use crate::wire::Decoder;
    use crate::{Limits, Status};

    /// The arguments as the table finds them: what the mask must agree with.
    fn by_table<'r, 'a>(a: &Args<'r, 'a>, from: usize) -> Vec<Option<&'a [u8]>> {
        let (spans, n) = Spans::table(a.raw, from, a.n);
        let t = Args {
            raw: a.raw,
            verb: a.verb,
            n,
            untrid: a.untrid,
            bytes: a.bytes,
            spans,
        };
        (0..=a.n).map(|i| t.get(i)).collect()
    }

    fn all<'a>(a: &Args<'_, 'a>) -> Vec<Option<&'a [u8]>> {
        (0..=a.n).map(|i| a.get(i)).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]

        /// Each argument, read through the mask (short lines) or the table (the rest, and the
        /// table on every line), is the one the raw layer's token walk finds, and there is
        /// none after the last; the same for the TrID-less reading of a leading number.
        #[test]
        fn mask_agrees_with_table(
            verb in prop::sample::select(vec!["MSG", "NLN", "BPR", "RNG", "XFR", "USR", "CHG", "ADD"]),
            tokens in prop::collection::vec("[0-9]{1,4}|[a-z@.]{1,12}|[A-Z]{1,3}", 0..12),
            version in prop::sample::select(vec![ProtocolVersion::Msnp5, ProtocolVersion::Msnp9, ProtocolVersion::Msnp12]),
            dir in prop::sample::select(vec![None, Some(Direction::ClientToServer), Some(Direction::ServerToClient)]),
        ) {
            let mut line = verb.to_string();
            for t in &tokens {
                line.push(' ');
                line.push_str(t);
            }
            line.push_str("\r\n");
            // Room for any payload the last number announces, so payload commands complete.
            line.push_str(&"x".repeat(10_000));
            let mut d = Dialect::notification(version);
            d.direction = dir;
            let mut dec = Decoder::new(d, Limits::default());
            if let Ok(Status::Complete { value: raw, .. }) = dec.decode(line.as_bytes()) {
                prop_assert_eq!(raw.meta.spaces == NO_MASK, raw.line().len() > 64);
                // What the raw layer's own token walk says the arguments are, then nothing.
                let expected: Vec<Option<&[u8]>> = raw.args().map(Some).chain([None]).collect();
                let a = Args::new(&raw);
                prop_assert_eq!(all(&a), expected.clone());
                prop_assert_eq!(by_table(&a, raw.meta.args_at as usize), expected.clone());
                if let Some(trid) = raw.trid_token() {
                    // Read without a TrID, the number comes first.
                    let expected: Vec<_> = [Some(trid)].into_iter().chain(expected).collect();
                    let a = Args::without_trid(&raw);
                    prop_assert_eq!(all(&a), expected.clone());
                    prop_assert_eq!(by_table(&a, raw.meta.second_at as usize), expected);
                }
            }
        }
    }
}
