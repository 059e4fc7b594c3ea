//! Lower-case hexadecimal encoding and decoding.

use crate::error::{AuthError, Field};

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Encodes `bytes` as lower-case hex (two characters per byte).
///
/// ```
/// assert_eq!(msnp_auth::hex::encode(&[0x00, 0xab, 0xff]), "00abff");
/// ```
#[must_use]
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Decodes a hex string (either case).
///
/// # Errors
/// [`AuthError::OddLengthHex`] or [`AuthError::InvalidHexDigit`] (with the offset).
///
/// ```
/// assert_eq!(msnp_auth::hex::decode("00AbfF").unwrap(), vec![0x00, 0xab, 0xff]);
/// assert!(msnp_auth::hex::decode("abc").is_err());
/// ```
pub fn decode(s: &str) -> Result<Vec<u8>, AuthError> {
    decode_field(s, Field::Hex)
}

/// Like [`decode`] but reports errors against `what`.
pub(crate) fn decode_field(s: &str, what: Field) -> Result<Vec<u8>, AuthError> {
    let bytes = s.as_bytes();
    if !bytes.len().is_multiple_of(2) {
        return Err(AuthError::OddLengthHex {
            what,
            len: bytes.len(),
        });
    }
    let mut out = Vec::with_capacity(bytes.len() / 2);
    for (i, pair) in bytes.chunks_exact(2).enumerate() {
        let &[hi, lo] = pair else {
            continue; // chunks_exact(2) only yields pairs
        };
        let h = nibble(hi).ok_or(AuthError::InvalidHexDigit {
            what,
            offset: 2 * i,
            byte: hi,
        })?;
        let l = nibble(lo).ok_or(AuthError::InvalidHexDigit {
            what,
            offset: 2 * i + 1,
            byte: lo,
        })?;
        out.push(h << 4 | l);
    }
    Ok(out)
}

/// Decodes a hex string into exactly `N` bytes.
///
/// # Errors
/// The errors of [`decode`], or [`AuthError::InvalidLength`] if it is not `N` bytes.
///
/// ```
/// let iv: [u8; 8] = msnp_auth::hex::decode_array("0102030405060708").unwrap();
/// assert_eq!(iv, [1, 2, 3, 4, 5, 6, 7, 8]);
/// ```
pub fn decode_array<const N: usize>(s: &str) -> Result<[u8; N], AuthError> {
    decode_array_field(s, Field::Hex)
}

pub(crate) fn decode_array_field<const N: usize>(
    s: &str,
    what: Field,
) -> Result<[u8; N], AuthError> {
    let v = decode_field(s, what)?;
    let actual = v.len();
    v.try_into().map_err(|_| AuthError::InvalidLength {
        what,
        expected: N,
        actual,
    })
}
