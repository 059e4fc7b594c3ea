//! The transcript format's payload forms (transcript-format.md, "Exact payloads"): plain lines,
//! `%escaped …` and `%base64 …`, and which one a writer picks.
//!
//! Plain lines can only carry UTF-8 text whose line breaks are all CRLF; a bare LF, a TAB-
//! indented policy document from a server with bare LFs, or binary P2P data needs an exact form.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;

/// Prefix of a payload written as base64.
pub(crate) const BASE64_PREFIX: &str = "%base64 ";
/// Prefix of a payload written with backslash escapes.
pub(crate) const ESCAPED_PREFIX: &str = "%escaped ";

/// How a payload is written in a transcript.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PayloadForm {
    /// CRLF-separated lines as they are.
    Plain,
    /// One `%escaped` line.
    Escaped,
    /// One `%base64` line.
    Base64,
}

/// Why an exact payload line does not decode.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExactPayloadError {
    /// The `%base64` text is not RFC 4648 base64.
    #[error("%base64 payload is not valid base64")]
    Base64,
    /// A backslash escape other than `\r \n \t \0 \\ \xHH`, at this byte of the escaped text.
    #[error("%escaped payload has an invalid escape at byte {offset}")]
    Escape {
        /// Byte offset in the text after the `%escaped ` prefix.
        offset: usize,
    },
}

/// The form a writer uses for `payload`: plain when it is UTF-8 with no control byte but TAB
/// (CR and LF only as CRLF pairs) and its first line does not start with `%`; escaped for
/// other UTF-8 text; base64 otherwise.
///
/// "Text" needs a reading: the spec writes the four bytes `00 01 02 03` as `%base64`, though
/// they are valid UTF-8. UTF-8 counts as text here unless more than one byte in eight is a
/// control other than CR, LF and TAB, so binary P2P frames go to base64 while an MSNSLP message
/// with its trailing NUL stays readable. `line_ok` vetoes a plain line the reader would take for
/// something else (a Markdown fence, a continuation line); such a payload is written escaped.
pub(crate) fn choose_form(payload: &[u8], line_ok: impl Fn(usize, &str) -> bool) -> PayloadForm {
    let Ok(text) = core::str::from_utf8(payload) else {
        return PayloadForm::Base64;
    };
    let controls = payload
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\r' | b'\n' | b'\t')) || b == 0x7f)
        .count();
    if controls * 8 > payload.len() {
        return PayloadForm::Base64;
    }
    let bytes = text.as_bytes();
    let plain_bytes = bytes.iter().enumerate().all(|(i, &b)| match b {
        b'\r' => bytes.get(i + 1) == Some(&b'\n'),
        b'\n' => i > 0 && bytes[i - 1] == b'\r',
        b'\t' => true,
        b => b >= 0x20 && b != 0x7f,
    });
    if !plain_bytes || text.starts_with('%') {
        return PayloadForm::Escaped;
    }
    let body = text.strip_suffix("\r\n").unwrap_or(text);
    if body.split("\r\n").enumerate().all(|(i, l)| line_ok(i, l)) {
        PayloadForm::Plain
    } else {
        PayloadForm::Escaped
    }
}

/// Appends `payload` as one `%escaped` line (without the line break).
pub(crate) fn write_escaped(out: &mut String, payload: &str) {
    out.push_str(ESCAPED_PREFIX);
    for c in payload.chars() {
        match c {
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02X}", c as u32));
            }
            c => out.push(c),
        }
    }
}

/// Appends `payload` as one `%base64` line (without the line break).
pub(crate) fn write_base64(out: &mut String, payload: &[u8]) {
    out.push_str(BASE64_PREFIX);
    B64.encode_string(payload, out);
}

/// The payload bytes of an exact-form line, `None` when `line` is not one.
pub(crate) fn decode_exact(line: &str) -> Option<Result<Vec<u8>, ExactPayloadError>> {
    if let Some(b) = line.strip_prefix(BASE64_PREFIX) {
        return Some(
            B64.decode(b.trim_end())
                .map_err(|_| ExactPayloadError::Base64),
        );
    }
    let text = line.strip_prefix(ESCAPED_PREFIX)?;
    Some(unescape(text))
}

fn unescape(text: &str) -> Result<Vec<u8>, ExactPayloadError> {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            out.push(b[i]);
            i += 1;
            continue;
        }
        let bad = ExactPayloadError::Escape { offset: i };
        let (byte, len) = match b.get(i + 1) {
            Some(b'r') => (b'\r', 2),
            Some(b'n') => (b'\n', 2),
            Some(b't') => (b'\t', 2),
            Some(b'0') => (0, 2),
            Some(b'\\') => (b'\\', 2),
            Some(b'x') => {
                let hex = b.get(i + 2..i + 4).ok_or_else(|| bad.clone())?;
                let digit = |d: u8| (d as char).to_digit(16);
                match (digit(hex[0]), digit(hex[1])) {
                    (Some(h), Some(l)) => ((h * 16 + l) as u8, 4),
                    _ => return Err(bad),
                }
            }
            _ => return Err(bad),
        };
        out.push(byte);
        i += len;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn written(payload: &[u8]) -> (PayloadForm, String) {
        let form = choose_form(payload, |_, _| true);
        let mut s = String::new();
        match form {
            PayloadForm::Plain => s.push_str(core::str::from_utf8(payload).unwrap()),
            PayloadForm::Escaped => write_escaped(&mut s, core::str::from_utf8(payload).unwrap()),
            PayloadForm::Base64 => write_base64(&mut s, payload),
        }
        (form, s)
    }

    #[test]
    fn the_specs_examples() {
        let gcf = b"<Policies>\n\t<Policy type=\"SHIELDS\"/>\n</Policies>";
        assert_eq!(gcf.len(), 48);
        let (form, line) = written(gcf);
        assert_eq!(form, PayloadForm::Escaped);
        assert_eq!(
            line,
            r#"%escaped <Policies>\n\t<Policy type="SHIELDS"/>\n</Policies>"#
        );
        assert_eq!(decode_exact(&line), Some(Ok(gcf.to_vec())));
        let (form, line) = written(&[0, 1, 2, 3]);
        assert_eq!(
            (form, line.as_str()),
            (PayloadForm::Base64, "%base64 AAECAw==")
        );
        assert_eq!(decode_exact("%base64 AAECAw=="), Some(Ok(vec![0, 1, 2, 3])));
    }

    #[test]
    fn forms_are_chosen_as_the_spec_says() {
        let f = |p: &[u8]| choose_form(p, |_, _| true);
        assert_eq!(f(b"MIME-Version: 1.0\r\n\r\nhi\tthere"), PayloadForm::Plain);
        assert_eq!(f(b"a\nb"), PayloadForm::Escaped);
        assert_eq!(f(b"a\rb"), PayloadForm::Escaped);
        assert_eq!(f(b"a\r"), PayloadForm::Escaped);
        assert_eq!(f(b"\x01"), PayloadForm::Base64);
        assert_eq!(f(b"\x7f"), PayloadForm::Base64);
        assert_eq!(
            f(b"INVITE MSNMSGR:a MSNSLP/1.0\r\n\r\n\0"),
            PayloadForm::Escaped
        );
        assert_eq!(f(b"%base64 AAAA"), PayloadForm::Escaped);
        assert_eq!(f("héllo".as_bytes()), PayloadForm::Plain);
        assert_eq!(f(b"\xff\xfe"), PayloadForm::Base64);
        assert_eq!(
            choose_form(b"```", |_, l| !l.starts_with("```")),
            PayloadForm::Escaped
        );
    }

    #[test]
    fn bad_exact_lines_are_errors() {
        assert_eq!(
            decode_exact("%base64 !!"),
            Some(Err(ExactPayloadError::Base64))
        );
        assert_eq!(
            decode_exact("%escaped ab\\q"),
            Some(Err(ExactPayloadError::Escape { offset: 2 }))
        );
        assert_eq!(
            decode_exact("%escaped \\x4"),
            Some(Err(ExactPayloadError::Escape { offset: 0 }))
        );
        assert_eq!(
            decode_exact("%escaped \\xg0"),
            Some(Err(ExactPayloadError::Escape { offset: 0 }))
        );
        assert_eq!(
            decode_exact("%escaped a\\"),
            Some(Err(ExactPayloadError::Escape { offset: 1 }))
        );
        assert_eq!(decode_exact("plain"), None);
        assert_eq!(decode_exact("%escaped "), Some(Ok(Vec::new())));
    }

    proptest! {
        #[test]
        fn exact_forms_round_trip(payload in proptest::collection::vec(any::<u8>(), 0..200)) {
            let (form, line) = written(&payload);
            match form {
                PayloadForm::Plain => prop_assert_eq!(line.as_bytes(), &payload[..]),
                _ => {
                    prop_assert!(!line.contains(['\r', '\n']));
                    prop_assert_eq!(decode_exact(&line), Some(Ok(payload)));
                }
            }
        }

        #[test]
        fn text_round_trips_escaped(text in "\\PC*|[\\r\\n\\t\\\\%x0-9]*") {
            let mut line = String::new();
            write_escaped(&mut line, &text);
            prop_assert!(!line.contains(['\r', '\n']));
            prop_assert_eq!(decode_exact(&line), Some(Ok(text.into_bytes())));
        }
    }
}
