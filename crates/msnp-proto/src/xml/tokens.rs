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
        }
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
                let tag = self.tag(rest)?;
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
