//! Validated argument text: [`Token`] (one space-free argument), [`UrlText`] (URL-encoded free
//! text such as friendly names and MSN objects) and [`Code`] (a short keyword kept inline).
//!
//! Every value of these types can be written to a command line as it is: construction checks
//! the bytes, so an encoder never has to.

use core::fmt;
use std::borrow::Cow;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// Short wire bytes as text. Most tokens are ASCII, and an ASCII check costs a fraction of a
/// UTF-8 validation on a few bytes (`str::from_utf8` walks short inputs byte by byte); the
/// `ascii` crate turns checked ASCII into `&str` without `unsafe` here. Anything else gets the
/// full UTF-8 check, so the answer is `str::from_utf8`'s.
#[inline]
pub(crate) fn str_of(b: &[u8]) -> Option<&str> {
    match ascii::AsAsciiStr::as_ascii_str(b) {
        Ok(a) => Some(a.as_str()),
        Err(_) => core::str::from_utf8(b).ok(),
    }
}

/// Why a text could not become a [`Token`], [`Code`] or [`UrlText`].
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    /// The text is empty.
    #[error("empty text")]
    Empty,
    /// The text contains a space, CR, LF or another control byte.
    #[error("byte 0x{byte:02x} at {at} cannot appear in an argument")]
    Forbidden {
        /// The offending byte.
        byte: u8,
        /// Its offset.
        at: usize,
    },
    /// The text is longer than the type allows.
    #[error("text of {len} bytes is longer than {max}")]
    TooLong {
        /// The text's length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The bytes are not UTF-8.
    #[error("not UTF-8")]
    NotUtf8,
}

pub(crate) fn check_token(s: &str) -> Result<(), TextError> {
    if s.is_empty() {
        return Err(TextError::Empty);
    }
    match s.bytes().enumerate().find(|&(_, b)| b <= 0x20 || b == 0x7f) {
        Some((at, byte)) => Err(TextError::Forbidden { byte, at }),
        None => Ok(()),
    }
}

/// One command argument: non-empty, without spaces, CR, LF or control bytes.
///
/// Borrowed from the input when decoded, owned when built from a `String`.
///
/// ```
/// use msnp_proto::Token;
/// let t = Token::new("alice@hotmail.com").unwrap();
/// assert_eq!(t.as_str(), "alice@hotmail.com");
/// assert!(Token::new("two words").is_err());
/// assert!(Token::new("").is_err());
/// assert!(Token::new("line\r\n").is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Token<'a>(Cow<'a, str>);

impl<'a> Token<'a> {
    /// Validates borrowed text as a token.
    pub fn new(s: &'a str) -> Result<Self, TextError> {
        check_token(s)?;
        Ok(Self(Cow::Borrowed(s)))
    }

    /// Validates owned text as a token.
    pub fn from_string(s: String) -> Result<Token<'static>, TextError> {
        check_token(&s)?;
        Ok(Token(Cow::Owned(s)))
    }

    /// A token sliced from a line the decoder framed: non-empty, no space or control byte,
    /// valid text — what [`new`](Self::new) checks — so the check is not repeated.
    pub(crate) fn from_framed(s: &'a str) -> Self {
        debug_assert!(check_token(s).is_ok());
        Self(Cow::Borrowed(s))
    }

    /// Validates wire bytes (UTF-8) as a token.
    pub fn from_bytes(b: &'a [u8]) -> Result<Self, TextError> {
        Self::new(str_of(b).ok_or(TextError::NotUtf8)?)
    }

    /// A token from a string literal known to be valid (panics at compile time in a const
    /// context, or at run time otherwise, if it is not).
    pub const fn from_static(s: &'static str) -> Token<'static> {
        let b = s.as_bytes();
        assert!(!b.is_empty(), "empty token");
        let mut i = 0;
        while i < b.len() {
            assert!(b[i] > 0x20 && b[i] != 0x7f, "invalid token byte");
            i += 1;
        }
        Token(Cow::Borrowed(s))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The bytes written to the wire.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// An owned, `'static` copy.
    pub fn into_owned(self) -> Token<'static> {
        Token(Cow::Owned(self.0.into_owned()))
    }

    /// Whether every byte is ASCII.
    pub fn is_ascii(&self) -> bool {
        self.0.is_ascii()
    }
}

impl fmt::Debug for Token<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for Token<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Token<'_> {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Token<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// The characters [`UrlText::from_plain`] leaves unescaped: those of JavaScript's
/// `encodeURIComponent`, which is what the official clients' escapes match (space → `%20`,
/// `@` → `%40`, `/` → `%2F`, `%` → `%25`, UTF-8 bytes as `%XX`).
const URL_SET: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// Free text (friendly names, group names, MSN objects, property values) as it travels: URL
/// encoded into one token.
///
/// A decoded value keeps its exact wire form, so re-encoding is byte-exact whatever escapes
/// the sender chose; [`from_plain`](Self::from_plain) encodes canonically.
///
/// ```
/// use msnp_proto::UrlText;
/// let nick = UrlText::from_plain("Bob Smith 100%").unwrap();
/// assert_eq!(nick.wire(), "Bob%20Smith%20100%25");
/// assert_eq!(nick.decoded(), "Bob Smith 100%");
/// // A sender's own escapes are kept.
/// let odd = UrlText::from_wire("Bob+%41").unwrap();
/// assert_eq!(odd.wire(), "Bob+%41");
/// assert_eq!(odd.decoded(), "Bob+A");
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct UrlText<'a>(Token<'a>);

impl<'a> UrlText<'a> {
    /// Takes text already in wire form (validated as a token; escapes are not required to be
    /// canonical).
    pub fn from_wire(s: &'a str) -> Result<Self, TextError> {
        Token::new(s).map(Self)
    }

    /// Wraps a token as URL-encoded text.
    pub fn from_token(t: Token<'a>) -> Self {
        Self(t)
    }

    /// Encodes plain text canonically. Empty text is refused: an argument cannot be empty
    /// (commands omit the argument instead).
    pub fn from_plain(plain: &str) -> Result<UrlText<'static>, TextError> {
        if plain.is_empty() {
            return Err(TextError::Empty);
        }
        let enc: String = utf8_percent_encode(plain, URL_SET).collect();
        Token::from_string(enc).map(UrlText)
    }

    /// The wire form.
    pub fn wire(&self) -> &str {
        self.0.as_str()
    }

    /// The wire form as a token.
    pub fn token(&self) -> &Token<'a> {
        &self.0
    }

    /// The decoded text (`%XX` resolved; invalid UTF-8 replaced by U+FFFD).
    pub fn decoded(&self) -> Cow<'_, str> {
        percent_decode_str(self.0.as_str()).decode_utf8_lossy()
    }

    /// The decoded bytes.
    pub fn decoded_bytes(&self) -> Cow<'_, [u8]> {
        percent_decode_str(self.0.as_str()).into()
    }

    /// Whether [`decoded`](Self::decoded) equals `plain`, answered without allocating (unless
    /// `plain` holds U+FFFD), so a receiver can skip an unchanged value cheaply.
    ///
    /// ```
    /// use msnp_proto::UrlText;
    /// let nick = UrlText::from_wire("Bob%20S%FF").unwrap();
    /// assert!(nick.decodes_to("Bob S\u{FFFD}"));
    /// assert!(!nick.decodes_to("Bob S"));
    /// ```
    pub fn decodes_to(&self, plain: &str) -> bool {
        // Lossy decoding differs from the bytes only where it writes U+FFFD.
        percent_decode_str(self.0.as_str()).eq(plain.bytes())
            || (plain.contains('\u{FFFD}') && self.decoded() == plain)
    }

    /// An owned, `'static` copy.
    pub fn into_owned(self) -> UrlText<'static> {
        UrlText(self.0.into_owned())
    }
}

impl fmt::Debug for UrlText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UrlText({:?})", self.0.as_str())
    }
}

impl fmt::Display for UrlText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.decoded())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for UrlText<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.decoded())
    }
}

/// The longest keyword a [`Code`] holds.
pub const MAX_CODE_LEN: usize = 16;

/// A short keyword (status code, list name, property name, auth package …) stored inline:
/// 1 to 16 bytes of printable ASCII. `Copy` and `'static`, so the small enums built on it
/// (`PresenceStatus::Other(code)`) keep unknown values without borrowing.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Code {
    len: u8,
    bytes: [u8; MAX_CODE_LEN],
}

impl Code {
    /// Validates a keyword: 1–16 bytes of printable ASCII (`!` … `~`).
    pub fn new(s: &str) -> Result<Self, TextError> {
        Self::from_bytes(s.as_bytes())
    }

    /// [`new`](Self::new) on bytes, as they come off the wire: a keyword is ASCII, so it needs
    /// no UTF-8 check first.
    pub fn from_bytes(b: &[u8]) -> Result<Self, TextError> {
        if b.is_empty() {
            return Err(TextError::Empty);
        }
        if b.len() > MAX_CODE_LEN {
            return Err(TextError::TooLong {
                len: b.len(),
                max: MAX_CODE_LEN,
            });
        }
        if let Some((at, &byte)) = b.iter().enumerate().find(|&(_, &c)| !c.is_ascii_graphic()) {
            return Err(TextError::Forbidden { byte, at });
        }
        let mut bytes = [0u8; MAX_CODE_LEN];
        bytes[..b.len()].copy_from_slice(b);
        Ok(Self {
            len: b.len() as u8,
            bytes,
        })
    }

    /// The keyword.
    pub fn as_str(&self) -> &str {
        // Only printable ASCII is ever stored.
        str_of(&self.bytes[..self.len as usize]).unwrap_or("?")
    }
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Code({})", self.as_str())
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Defines a keyword enum with known values and `Other(Code)` for the rest.
macro_rules! code_enum {
    (
        $(#[$m:meta])*
        pub enum $name:ident {
            $( $(#[$vm:meta])* $var:ident = $s:literal ),* $(,)?
        }
    ) => {
        $(#[$m])*
        #[non_exhaustive]
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
        pub enum $name {
            $( $(#[$vm])* #[doc = concat!("(`", $s, "`)")] $var, )*
            /// A value this library does not name, kept as sent. Build it with
            /// [`parse`](Self::parse) so that known values get their own variant.
            Other($crate::text::Code),
        }

        impl $name {
            /// Every named value.
            pub const KNOWN: &'static [Self] = &[$(Self::$var),*];

            /// Reads a keyword; known values get their variant, others are kept in `Other`.
            /// `None` when the text cannot be a keyword (empty, too long, not printable ASCII).
            pub fn parse(s: &str) -> Option<Self> {
                Self::parse_bytes(s.as_bytes())
            }

            /// [`parse`](Self::parse) on bytes, as they come off the wire: a keyword is ASCII,
            /// so it needs no UTF-8 check first.
            pub fn parse_bytes(b: &[u8]) -> Option<Self> {
                $( if b == $s.as_bytes() {
                    return Some(Self::$var);
                } )*
                $crate::text::Code::from_bytes(b).ok().map(Self::Other)
            }

            /// The keyword as written on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$var => $s, )*
                    Self::Other(c) => c.as_str(),
                }
            }

            /// Whether this is a named value.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Other(_))
            }
        }

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl core::str::FromStr for $name {
            type Err = $crate::text::TextError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match Self::parse(s) {
                    Some(v) => Ok(v),
                    None => Err($crate::text::Code::new(s).err().unwrap_or($crate::text::TextError::Empty)),
                }
            }
        }

        impl $crate::own::Own for $name {
            type Owned = $name;
            fn own(self) -> $name {
                self
            }
        }

        #[cfg(feature = "serde")]
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}
pub(crate) use code_enum;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_text_canonical() {
        let t = UrlText::from_plain("a b%c@d/é").unwrap();
        assert_eq!(t.wire(), "a%20b%25c%40d%2F%C3%A9");
        assert_eq!(t.decoded(), "a b%c@d/é");
        assert_eq!(UrlText::from_plain(""), Err(TextError::Empty));
        assert_eq!(UrlText::from_wire("%zz").unwrap().decoded(), "%zz");
    }

    proptest::proptest! {
        /// The ASCII shortcut answers what the UTF-8 check answers, on any bytes.
        #[test]
        fn str_of_is_from_utf8(b in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..40)) {
            proptest::prop_assert_eq!(str_of(&b), core::str::from_utf8(&b).ok());
        }

        /// And on text, ASCII or not.
        #[test]
        fn str_of_reads_text(s in "\\PC{0,24}") {
            proptest::prop_assert_eq!(str_of(s.as_bytes()), Some(s.as_str()));
        }
    }

    /// A keyword read from bytes is the one read from text: named values get their variant,
    /// others are kept, and what cannot be a keyword is refused, UTF-8 or not.
    #[test]
    fn code_enum_parses_bytes_like_text() {
        use crate::status::PresenceStatus;
        for v in PresenceStatus::KNOWN {
            assert_eq!(PresenceStatus::parse_bytes(v.as_str().as_bytes()), Some(*v));
        }
        let other = PresenceStatus::parse_bytes(b"ZZZ").unwrap();
        assert!(!other.is_known());
        assert_eq!(Some(other), PresenceStatus::parse("ZZZ"));
        assert_eq!(other.as_str(), "ZZZ");
        for bad in [
            &b""[..],
            b"A B",
            b"\xff",
            "é".as_bytes(),
            b"ABCDEFGHIJKLMNOPQ",
        ] {
            assert_eq!(PresenceStatus::parse_bytes(bad), None, "{bad:?}");
        }
        assert_eq!(
            Code::from_bytes(b"NLN").map(|c| c.to_string()),
            Ok("NLN".into())
        );
    }

    #[test]
    fn code_limits() {
        assert!(Code::new("NLN").is_ok());
        assert!(Code::new("").is_err());
        assert!(Code::new("A B").is_err());
        assert!(Code::new("ABCDEFGHIJKLMNOPQ").is_err());
        assert_eq!(
            Code::new("ABCDEFGHIJKLMNOP").map(|c| c.to_string()),
            Ok("ABCDEFGHIJKLMNOP".into())
        );
        assert!(Code::new("é").is_err());
    }
}
