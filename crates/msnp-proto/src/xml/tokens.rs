//! The tokenizer under [`XmlReader`](super::XmlReader): splits a document into markup
//! constructs and pieces of character data, exactly where quick-xml's `Reader` splits it
//! (configured as the reader needs: no trimming, dangling `&` allowed or not), and with the
//! same errors at the same offsets.
//!
//! quick-xml's parsers find where a construct ends; only the loop is ours. quick-xml's `Reader`
//! records every open element's name in a buffer of its own, allocated per reader; here nothing
//! is kept but the position, and end tags are matched by the caller, which keeps the open
//! names borrowed from the input.

use memchr::{memchr_iter, memchr2, memchr3};
use quick_xml::errors::{Error, IllFormedError, SyntaxError};
use quick_xml::parser::{CommentParser, ElementParser, Parser, PiParser};
use quick_xml::reader::Reader;
use quick_xml::utils::{is_whitespace, name_len};

use super::AttrSpans;

/// One construct of the input. Comments, processing instructions and XML declarations are
/// skipped.
#[derive(Debug, Clone, Copy)]
pub(super) enum Token<'a> {
    /// A start tag or an empty-element tag.
    Start {
        /// What lies between `<` and `>` (or `/>`): the name, then the attributes.
        content: &'a str,
        /// Length of the name at the start of `content`.
        name_len: usize,
        /// Whether the tag ends with `/>`.
        empty: bool,
        /// Whether the tag has the plain shape [`simple_tag`] reads: then
        /// [`Tokens::found`] has its attributes' spans in `content`; otherwise the caller
        /// finds them.
        simple: bool,
    },
    /// An end tag's name.
    End(&'a str),
    /// Literal character data, line ends as written: up to the next `<` or `&`, or (with
    /// dangling `&` allowed) a `&` that starts no reference and what follows it up to the next
    /// `&` or `<`.
    Text(&'a str),
    /// The content of a CDATA section.
    CData(&'a str),
    /// The name of a reference: what lies between `&` and `;`.
    Ref(&'a str),
    /// A whole `<!DOCTYPE …>`.
    Doctype,
    /// The end of the input.
    Eof,
}

/// A token that could not be read: quick-xml's error for it, and where.
#[derive(Debug)]
pub(super) struct Fault {
    pub(super) error: Error,
    pub(super) offset: usize,
}

/// The tokenizer: a position in the input.
#[derive(Debug)]
pub(super) struct Tokens<'a> {
    input: &'a str,
    /// Where the last token started.
    start: usize,
    pos: usize,
    dangling_amp: bool,
    /// The attributes of the last start tag of the plain shape (kept here rather than in the
    /// token, which is moved around and should stay small).
    found: AttrSpans,
}

/// Boxed so that a token's `Result` stays small on the hot path.
type Next<T> = Result<T, Box<Fault>>;

fn fault<T>(error: Error, offset: usize) -> Next<T> {
    Err(Box::new(Fault { error, offset }))
}

impl<'a> Tokens<'a> {
    /// Tokens of `input`; with `dangling_amp`, a `&` that starts no reference is text.
    pub(super) fn new(input: &'a str, dangling_amp: bool) -> Self {
        Self {
            input,
            start: 0,
            // A byte order mark is not part of the document (quick-xml drops it too).
            pos: if input.starts_with('\u{feff}') { 3 } else { 0 },
            dangling_amp,
            found: AttrSpans::default(),
        }
    }

    /// The attribute spans of the last start tag read as [`Token::Start`] with `simple`.
    pub(super) fn found(&self) -> &AttrSpans {
        &self.found
    }

    /// Offset of the last token.
    pub(super) fn start(&self) -> usize {
        self.start
    }

    /// Offset just past the last token.
    pub(super) fn pos(&self) -> usize {
        self.pos
    }

    /// The input from the position on.
    fn rest(&self) -> &'a [u8] {
        self.input.as_bytes().get(self.pos..).unwrap_or_default()
    }

    /// The next `len` bytes of input, consumed. Every token ends just before or at an ASCII
    /// byte, so this is always a whole slice.
    fn take(&mut self, len: usize) -> &'a str {
        let end = self.pos.saturating_add(len);
        let s = self.input.get(self.pos..end).unwrap_or_default();
        self.pos = end;
        s
    }

    /// The next token. After an error the tokens are not meaningful.
    pub(super) fn next(&mut self) -> Next<Token<'a>> {
        loop {
            self.start = self.pos;
            let rest = self.rest();
            match rest.first() {
                None => return Ok(Token::Eof),
                Some(b'<') => {
                    if let Some(token) = self.markup(rest)? {
                        return Ok(token);
                    }
                }
                Some(b'&') => return self.reference(rest),
                Some(_) => {
                    let len = memchr2(b'<', b'&', rest).unwrap_or(rest.len());
                    return Ok(Token::Text(self.take(len)));
                }
            }
        }
    }

    /// A reference at `&` (`rest` starts there).
    fn reference(&mut self, rest: &'a [u8]) -> Next<Token<'a>> {
        let after = rest.get(1..).unwrap_or_default();
        let stop = memchr3(b';', b'&', b'<', after);
        if let Some(i) = stop.filter(|&i| after.get(i) == Some(&b';')) {
            self.take(1);
            let name = self.take(i);
            self.take(1);
            return Ok(Token::Ref(name));
        }
        if !self.dangling_amp {
            return fault(
                Error::IllFormed(IllFormedError::UnclosedReference),
                self.pos,
            );
        }
        // The `&` and what follows up to the next `&`, `<` or the end.
        Ok(Token::Text(self.take(1 + stop.unwrap_or(after.len()))))
    }

    /// The markup construct at `<` (`rest` starts there); `None` when it is skipped.
    fn markup(&mut self, rest: &'a [u8]) -> Next<Option<Token<'a>>> {
        let start = self.pos;
        match rest.get(1) {
            None => fault(Error::Syntax(SyntaxError::UnclosedTag), start),
            Some(b'!') => self.bang(rest),
            Some(b'/') => {
                // `</name>`, blanks allowed before `>`: no quote can open before that `>`, so
                // it is where quick-xml's parser ends the tag too.
                let name_end = 2 + rest.iter().skip(2).take_while(|&&b| name_byte(b)).count();
                let close = name_end
                    + rest
                        .iter()
                        .skip(name_end)
                        .take_while(|&&b| is_whitespace(b))
                        .count();
                let tag = if name_end > 2 && rest.get(close) == Some(&b'>') {
                    self.take(close + 1)
                } else {
                    self.tag(rest)?
                };
                // Between `</` and `>`, trailing blanks trimmed unless all are blank (as
                // quick-xml compares it).
                let content = tag.get(2..tag.len().saturating_sub(1)).unwrap_or_default();
                let len = content
                    .bytes()
                    .rposition(|b| !is_whitespace(b))
                    .map_or(content.len(), |p| p + 1);
                Ok(Some(Token::End(content.get(..len).unwrap_or_default())))
            }
            Some(b'?') => {
                let mut parser = PiParser(false);
                match parser.feed(rest) {
                    // `<?` and `?>` may not overlap: `<?>` is unclosed.
                    Some(i) if i >= 3 => {
                        self.take(i + 1);
                        Ok(None)
                    }
                    Some(i) => {
                        let tag = rest.get(..=i).unwrap_or_default();
                        fault(Error::Syntax(parser.eof_error(tag)), start)
                    }
                    None => fault(Error::Syntax(parser.eof_error(rest)), start),
                }
            }
            Some(_) => {
                if let Some((len, name_len, empty)) = simple_tag(rest, &mut self.found) {
                    let tag = self.take(len);
                    let end = len - if empty { 2 } else { 1 };
                    return Ok(Some(Token::Start {
                        content: tag.get(1..end).unwrap_or_default(),
                        name_len,
                        empty,
                        simple: true,
                    }));
                }
                let tag = self.tag(rest)?;
                let inner = tag.get(1..tag.len().saturating_sub(1)).unwrap_or_default();
                let (content, empty) = match inner.strip_suffix('/') {
                    Some(content) => (content, true),
                    None => (inner, false),
                };
                Ok(Some(Token::Start {
                    content,
                    name_len: name_len(content.as_bytes()),
                    empty,
                    simple: false,
                }))
            }
        }
    }

    /// A tag from `<` through its `>` (one outside quotes), consumed.
    fn tag(&mut self, rest: &'a [u8]) -> Next<&'a str> {
        let mut parser = ElementParser::default();
        match parser.feed(rest) {
            Some(i) => Ok(self.take(i + 1)),
            None => fault(Error::Syntax(parser.eof_error(rest)), self.pos),
        }
    }

    /// A construct at `<!` (`rest` starts there).
    fn bang(&mut self, rest: &'a [u8]) -> Next<Option<Token<'a>>> {
        let start = self.pos;
        match rest.get(2) {
            Some(b'-') => {
                // quick-xml looks for the `-->` only after `<!--`, and then takes the
                // construct as a comment only if it started with `<!--`.
                let mut parser = CommentParser::default();
                let found = rest.get(4..).and_then(|body| parser.feed(body));
                match found {
                    Some(end) if rest.starts_with(b"<!--") => {
                        self.take(4 + end);
                        Ok(None)
                    }
                    _ => fault(Error::Syntax(SyntaxError::UnclosedComment), start),
                }
            }
            Some(b'[') => {
                // Ends at the first `]]>`; a CDATA section only if it started with `<![CDATA[`.
                let end = memchr_iter(b'>', rest)
                    .find(|&i| rest.get(..i).is_some_and(|before| before.ends_with(b"]]")));
                match end {
                    Some(i) if rest.starts_with(b"<![CDATA[") => {
                        let section = self.take(i + 1);
                        Ok(Some(Token::CData(
                            section.get(9..i.saturating_sub(2)).unwrap_or_default(),
                        )))
                    }
                    _ => fault(Error::Syntax(SyntaxError::UnclosedCData), start),
                }
            }
            Some(b'D' | b'd') => {
                // A DOCTYPE is always refused, so only whether it is complete matters: its
                // internal subset has to be parsed to know, and quick-xml does not expose its
                // parser for that. A `Reader` of the rest sees the DOCTYPE as its first event
                // (and allocates nothing for it).
                let mut reader = Reader::from_str(self.input.get(start..).unwrap_or_default());
                match reader.read_event() {
                    Ok(_) => {
                        self.take(usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX));
                        Ok(Some(Token::Doctype))
                    }
                    Err(error) => {
                        let at = usize::try_from(reader.error_position()).unwrap_or(usize::MAX);
                        fault(error, start.saturating_add(at))
                    }
                }
            }
            _ => fault(Error::Syntax(SyntaxError::InvalidBangMarkup), start),
        }
    }
}

/// A byte of the names [`simple_tag`] reads: ASCII letters, digits, `_`, `:`, `.` and `-`
/// (never a blank, `=`, a quote, `/` or `>`).
#[inline]
fn name_byte(b: u8) -> bool {
    NAME_BYTES[usize::from(b)]
}

/// [`name_byte`] as a table: one load per byte on the hot path of every tag.
const NAME_BYTES: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || matches!(c, b'_' | b':' | b'.' | b'-');
        b += 1;
    }
    t
};

/// Reads a start tag of the plain shape nearly every document has, in one pass: `<name`, then
/// blank-separated `key="value"` or `key='value'` (blanks allowed around `=`), then `>` or
/// `/>`, with ASCII names and at most [`INLINE_ATTRS`](super::INLINE_ATTRS) attributes.
/// Returns the tag's length through `>`, its name's length and whether it is empty, with its
/// attributes' spans in the content (the bytes after `<`) in `spans`.
///
/// `None` for any other shape; the general path then reads the tag (quick-xml's parsers, with
/// their errors). On the plain shape both agree: its names hold no quote or `>`, so quick-xml's
/// end is the first `>` after the last value, and its attribute reader splits the same keys and
/// values.
fn simple_tag(rest: &[u8], spans: &mut AttrSpans) -> Option<(usize, usize, bool)> {
    let blanks = |mut i: usize| {
        while rest.get(i).copied().is_some_and(is_whitespace) {
            i += 1;
        }
        i
    };
    let name = |mut i: usize| {
        while rest.get(i).copied().is_some_and(name_byte) {
            i += 1;
        }
        i
    };
    // Positions in the content, which starts after the `<`.
    let at = |i: usize| u16::try_from(i - 1).ok();
    spans.len = 0;
    let mut i = name(1);
    let name_len = i - 1;
    if name_len == 0 {
        return None;
    }
    loop {
        let after_value = i;
        i = blanks(i);
        match *rest.get(i)? {
            b'>' => return Some((i + 1, name_len, false)),
            b'/' => return (rest.get(i + 1) == Some(&b'>')).then_some((i + 2, name_len, true)),
            // A key, after at least one blank.
            b if name_byte(b) && i > after_value => {
                let (k0, k1) = (i, name(i));
                i = blanks(k1);
                if rest.get(i) != Some(&b'=') {
                    return None;
                }
                i = blanks(i + 1);
                let quote = *rest.get(i).filter(|&&q| q == b'"' || q == b'\'')?;
                let v0 = i + 1;
                let v1 = v0 + memchr::memchr(quote, rest.get(v0..)?)?;
                i = v1 + 1;
                let slot = spans.at.get_mut(usize::from(spans.len))?;
                *slot = [at(k0)?, at(k1)?, at(v0)?, at(v1)?];
                spans.len += 1;
            }
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A plain tag's length, name length, emptiness and `(key, value)` texts.
    type Plain<'a> = (usize, usize, bool, Vec<(&'a str, &'a str)>);

    fn read(tag: &str) -> Option<Plain<'_>> {
        let mut spans = AttrSpans::default();
        let (len, name_len, empty) = simple_tag(tag.as_bytes(), &mut spans)?;
        let content = &tag[1..];
        let attrs = spans.at[..usize::from(spans.len)]
            .iter()
            .map(|&[k0, k1, v0, v1]| {
                let s = |a: u16, b: u16| &content[usize::from(a)..usize::from(b)];
                (s(k0, k1), s(v0, v1))
            })
            .collect();
        Some((len, name_len, empty, attrs))
    }

    /// The shapes payload documents are written in take the one-pass path, and what it finds
    /// is what quick-xml's reader finds (the differential test in `tests/xml_tokens.rs`
    /// checks that on generated documents; here, that the path is taken at all).
    #[test]
    fn plain_tags_are_read_in_one_pass() {
        let t = r#"<NOTIFICATION ver="2" id="1" siteurl="http://www.hotmail.com">rest"#;
        assert_eq!(
            read(t),
            Some((
                t.find('>').unwrap() + 1,
                12,
                false,
                vec![
                    ("ver", "2"),
                    ("id", "1"),
                    ("siteurl", "http://www.hotmail.com")
                ]
            ))
        );
        assert_eq!(
            read("<TO pid='0x1:0x2' name=\"a'b\"/>"),
            Some((30, 2, true, vec![("pid", "0x1:0x2"), ("name", "a'b")]))
        );
        assert_eq!(
            read("<a\tx = 'v>w'\r\n />"),
            Some((17, 1, true, vec![("x", "v>w")]))
        );
        assert_eq!(read("<Data>"), Some((6, 4, false, vec![])));
        assert_eq!(read("<x:y/>"), Some((6, 3, true, vec![])));
        let eight = "<a b='1' c='2' d='3' e='4' f='5' g='6' h='7' i='8'>";
        assert_eq!(read(eight).map(|r| r.3.len()), Some(8));
    }

    /// Anything else is left to quick-xml's parsers, for their reading and their errors.
    #[test]
    fn other_tags_are_left_to_the_general_path() {
        for tag in [
            "<a b='1' c='2' d='3' e='4' f='5' g='6' h='7' i='8' j='9'>",
            "<a b='1'c='2'>",
            "<a b=1>",
            "<a b>",
            "<a b='1'",
            "<a b='1",
            "<a =''>",
            "<é/>",
            "<a é='1'>",
            "<a/ >",
            "<a//>",
            "<>",
            "< a>",
            "<a",
        ] {
            assert_eq!(read(tag), None, "{tag}");
        }
    }
}
