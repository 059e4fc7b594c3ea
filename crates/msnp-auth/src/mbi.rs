//! The MSNP15+ MBI blob (the `USR SSO S` response) and its key derivation.
//!
//! ```text
//! key1 = base64_decode(BinarySecret)
//! key2 = derive_key(key1, "WS-SecureConversationSESSION KEY HASH")
//! key3 = derive_key(key1, "WS-SecureConversationSESSION KEY ENCRYPTION")
//! hash = HMAC-SHA1(key2, nonce)
//! cipher = 3DES-EDE3-CBC(key3, iv, nonce ‖ PKCS#5 padding)
//! blob = header(28) ‖ iv(8) ‖ hash(20) ‖ cipher → base64
//! ```

use base64::Engine as _;
use base64::alphabet;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use cbc::cipher::{Block, BlockModeEncrypt, KeyIvInit};
use des::TdesEde3;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

use crate::error::{AuthError, Field};
use crate::limits::Limits;
use crate::text;

type HmacSha1 = Hmac<Sha1>;

/// Lenient standard-alphabet decoder: padding optional and non-zero trailing
/// bits ignored (the published em-msn vector `BBBB…B=` has them, and
/// Python/Ruby decoders accept it).
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Label of the hash (HMAC) key.
pub const LABEL_HASH: &[u8] = b"WS-SecureConversationSESSION KEY HASH";
/// Label of the encryption (3DES) key.
pub const LABEL_ENCRYPTION: &[u8] = b"WS-SecureConversationSESSION KEY ENCRYPTION";

/// `uStructHeaderSize`.
pub const HEADER_LEN: u32 = 28;
/// `uCryptMode`: CRYPT_MODE_CBC.
pub const CRYPT_MODE_CBC: u32 = 1;
/// `uCipherType`: CALG_3DES.
pub const CALG_3DES: u32 = 0x6603;
/// `uHashType`: CALG_SHA1.
pub const CALG_SHA1: u32 = 0x8004;
/// `uIVLen`.
pub const IV_LEN: u32 = 8;
/// `uHashLen`.
pub const HASH_LEN: u32 = 20;

fn hmac_sha1(key: &[u8], parts: &[&[u8]]) -> [u8; 20] {
    // HMAC accepts keys of any length, so this cannot fail.
    let Ok(mut mac) = <HmacSha1 as KeyInit>::new_from_slice(key) else {
        return [0; 20];
    };
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

/// The SSO key derivation: the first 24 bytes of TLS-1.0-style P_SHA1(key, label).
///
/// ```text
/// A1 = HMAC(key, label); A2 = HMAC(key, A1)
/// derive = HMAC(key, A1 ‖ label) ‖ HMAC(key, A2 ‖ label)[0..4]
/// ```
///
/// ```
/// use msnp_auth::mbi::{derive_key, LABEL_HASH};
/// let k = derive_key(&[0u8; 23], LABEL_HASH);
/// assert_eq!(msnp_auth::hex::encode(&k), "51fecc58efdcf0b3a156dd7fb63b2b35525abb6e44fb28bc");
/// ```
#[must_use]
pub fn derive_key(key: &[u8], label: &[u8]) -> [u8; 24] {
    let a1 = hmac_sha1(key, &[label]);
    let a2 = hmac_sha1(key, &[&a1]);
    let d1 = hmac_sha1(key, &[&a1, label]);
    let d2 = hmac_sha1(key, &[&a2, label]);
    let mut out = [0u8; 24];
    let (head, tail) = out.split_at_mut(20);
    head.copy_from_slice(&d1);
    for (d, s) in tail.iter_mut().zip(d2) {
        *d = s;
    }
    out
}

/// A decoded MBI blob. The header words are fixed except `uCipherLen`, which
/// is `cipher.len()`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct MbiBlob {
    /// The CBC IV.
    pub iv: [u8; 8],
    /// HMAC-SHA1(key2, nonce).
    pub hash: [u8; 20],
    /// 3DES-CBC(key3, iv, nonce ‖ padding); a multiple of 8 bytes.
    pub cipher: Vec<u8>,
}

impl MbiBlob {
    /// Computes the blob from the decoded binary secret, the nonce text and an IV.
    ///
    /// The nonce is padded PKCS#5-style, which for the normal 64-byte nonce is
    /// exactly the eight `0x08` bytes the clients append.
    ///
    /// # Errors
    /// [`AuthError::Empty`] for an empty secret or nonce; token errors for a nonce
    /// that is not printable ASCII; [`AuthError::TooLong`] past the limits.
    pub fn compute(secret: &[u8], nonce: &str, iv: [u8; 8]) -> Result<Self, AuthError> {
        Self::compute_with(secret, nonce, iv, &Limits::DEFAULT)
    }

    /// [`MbiBlob::compute`] with explicit limits.
    ///
    /// # Errors
    /// See [`MbiBlob::compute`].
    pub fn compute_with(
        secret: &[u8],
        nonce: &str,
        iv: [u8; 8],
        limits: &Limits,
    ) -> Result<Self, AuthError> {
        check_secret(secret, limits)?;
        text::token(Field::Nonce, nonce, limits.max_token_len)?;
        let key2 = derive_key(secret, LABEL_HASH);
        let key3 = derive_key(secret, LABEL_ENCRYPTION);
        let hash = hmac_sha1(&key2, &[nonce.as_bytes()]);
        let cipher = encrypt(&key3, &iv, nonce.as_bytes());
        Ok(Self { iv, hash, cipher })
    }

    /// The seven little-endian header words.
    #[must_use]
    pub fn header(&self) -> [u32; 7] {
        [
            HEADER_LEN,
            CRYPT_MODE_CBC,
            CALG_3DES,
            CALG_SHA1,
            IV_LEN,
            HASH_LEN,
            u32::try_from(self.cipher.len()).unwrap_or(u32::MAX),
        ]
    }

    /// The binary blob: header ‖ IV ‖ hash ‖ cipher.
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(28 + 8 + 20 + self.cipher.len());
        for w in self.header() {
            out.extend_from_slice(&w.to_le_bytes());
        }
        out.extend_from_slice(&self.iv);
        out.extend_from_slice(&self.hash);
        out.extend_from_slice(&self.cipher);
        out
    }

    /// The wire form: standard base64 with padding.
    #[must_use]
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.to_bytes())
    }

    /// Parses a binary blob, checking the fixed header words and lengths.
    ///
    /// # Errors
    /// [`AuthError::InvalidLength`] if shorter than 56 bytes or the length does
    /// not match `uCipherLen`; [`AuthError::BadBlobHeader`] for a wrong fixed
    /// word; [`AuthError::TooLong`] past `max_blob_len`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, AuthError> {
        Self::from_bytes_with(bytes, &Limits::DEFAULT)
    }

    /// [`MbiBlob::from_bytes`] with explicit limits.
    ///
    /// # Errors
    /// See [`MbiBlob::from_bytes`].
    pub fn from_bytes_with(bytes: &[u8], limits: &Limits) -> Result<Self, AuthError> {
        let what = Field::MbiBlob;
        if bytes.len() > limits.max_blob_len {
            return Err(AuthError::TooLong {
                what,
                len: bytes.len(),
                max: limits.max_blob_len,
            });
        }
        let fixed = 28 + 8 + 20;
        let (head, rest) = bytes.split_at_checked(28).ok_or(AuthError::InvalidLength {
            what,
            expected: fixed,
            actual: bytes.len(),
        })?;
        let mut words = [0u32; 7];
        for (w, c) in words.iter_mut().zip(head.chunks_exact(4)) {
            let mut b = [0u8; 4];
            b.copy_from_slice(c);
            *w = u32::from_le_bytes(b);
        }
        let names = [
            ("uStructHeaderSize", HEADER_LEN),
            ("uCryptMode", CRYPT_MODE_CBC),
            ("uCipherType", CALG_3DES),
            ("uHashType", CALG_SHA1),
            ("uIVLen", IV_LEN),
            ("uHashLen", HASH_LEN),
        ];
        for ((field, expected), found) in names.into_iter().zip(words) {
            if found != expected {
                return Err(AuthError::BadBlobHeader {
                    field,
                    found,
                    expected,
                });
            }
        }
        let [.., cipher_len] = words;
        let cipher_len = usize::try_from(cipher_len).unwrap_or(usize::MAX);
        let expected = fixed.saturating_add(cipher_len);
        if bytes.len() != expected || !cipher_len.is_multiple_of(8) {
            return Err(AuthError::InvalidLength {
                what,
                expected,
                actual: bytes.len(),
            });
        }
        let (iv, rest) = rest.split_at_checked(8).ok_or(AuthError::InvalidLength {
            what,
            expected,
            actual: bytes.len(),
        })?;
        let (hash, cipher) = rest.split_at_checked(20).ok_or(AuthError::InvalidLength {
            what,
            expected,
            actual: bytes.len(),
        })?;
        let mut blob = Self {
            iv: [0; 8],
            hash: [0; 20],
            cipher: cipher.to_vec(),
        };
        blob.iv.copy_from_slice(iv);
        blob.hash.copy_from_slice(hash);
        Ok(blob)
    }

    /// Decodes base64 (padding optional) and parses the blob.
    ///
    /// # Errors
    /// [`AuthError::InvalidBase64`], [`AuthError::TooLong`], or those of
    /// [`MbiBlob::from_bytes`].
    pub fn from_base64(s: &str) -> Result<Self, AuthError> {
        let limits = Limits::DEFAULT;
        let bytes = decode_base64(Field::MbiBlob, s, limits.max_blob_len)?;
        Self::from_bytes_with(&bytes, &limits)
    }

    /// Server-side check: recomputes hash and cipher with this blob's IV and
    /// compares (the hash in constant time).
    ///
    /// # Errors
    /// As [`MbiBlob::compute`] for bad secret/nonce inputs.
    ///
    /// ```
    /// use msnp_auth::MbiBlob;
    /// let blob = MbiBlob::compute(b"secret key bytes", "nonce123", [7; 8]).unwrap();
    /// assert!(blob.verify(b"secret key bytes", "nonce123").unwrap());
    /// assert!(!blob.verify(b"secret key bytes", "nonce124").unwrap());
    /// ```
    pub fn verify(&self, secret: &[u8], nonce: &str) -> Result<bool, AuthError> {
        let limits = Limits::DEFAULT;
        check_secret(secret, &limits)?;
        text::token(Field::Nonce, nonce, limits.max_token_len)?;
        let key2 = derive_key(secret, LABEL_HASH);
        let key3 = derive_key(secret, LABEL_ENCRYPTION);
        let Ok(mut mac) = <HmacSha1 as KeyInit>::new_from_slice(&key2) else {
            return Ok(false);
        };
        mac.update(nonce.as_bytes());
        let hash_ok = mac.verify_slice(&self.hash).is_ok();
        let cipher_ok = encrypt(&key3, &self.iv, nonce.as_bytes()) == self.cipher;
        Ok(hash_ok && cipher_ok)
    }
}

fn check_secret(secret: &[u8], limits: &Limits) -> Result<(), AuthError> {
    if secret.is_empty() {
        return Err(AuthError::Empty {
            what: Field::BinarySecret,
        });
    }
    if secret.len() > limits.max_secret_len {
        return Err(AuthError::TooLong {
            what: Field::BinarySecret,
            len: secret.len(),
            max: limits.max_secret_len,
        });
    }
    Ok(())
}

/// 3DES-EDE3-CBC over `data` with PKCS#5 padding (1 – 8 bytes).
fn encrypt(key: &[u8; 24], iv: &[u8; 8], data: &[u8]) -> Vec<u8> {
    let pad = 8 - data.len() % 8;
    let mut blocks: Vec<Block<TdesEde3>> = Vec::with_capacity((data.len() + pad) / 8);
    let mut padded = data.to_vec();
    // pad is 1..=8, so the cast is lossless.
    padded.resize(data.len() + pad, pad as u8);
    for chunk in padded.chunks_exact(8) {
        let mut b = Block::<TdesEde3>::default();
        b.copy_from_slice(chunk);
        blocks.push(b);
    }
    let mut enc = cbc::Encryptor::<TdesEde3>::new(key.into(), iv.into());
    enc.encrypt_blocks(&mut blocks);
    blocks.iter().flat_map(|b| b.iter().copied()).collect()
}

/// Decodes base64 (standard alphabet, padding optional, trailing bits ignored)
/// with a bound on the decoded size.
pub(crate) fn decode_base64(
    what: Field,
    s: &str,
    max_decoded: usize,
) -> Result<Vec<u8>, AuthError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(AuthError::Empty { what });
    }
    let max_encoded = max_decoded.div_ceil(3).saturating_mul(4);
    if s.len() > max_encoded {
        return Err(AuthError::TooLong {
            what,
            len: s.len(),
            max: max_encoded,
        });
    }
    LENIENT
        .decode(s)
        .map_err(|source| AuthError::InvalidBase64 { what, source })
}

/// Decodes a base64 `BinarySecret` (as found in the RST response) with [`Limits::DEFAULT`].
///
/// # Errors
/// [`AuthError::Empty`], [`AuthError::TooLong`], [`AuthError::InvalidBase64`].
pub fn decode_binary_secret(b64: &str) -> Result<Vec<u8>, AuthError> {
    decode_base64(Field::BinarySecret, b64, Limits::DEFAULT.max_secret_len)
}

/// The whole client computation: base64 `BinarySecret`, nonce text and IV in,
/// base64 MBI blob out (what goes after the ticket in `USR trid SSO S`).
///
/// # Errors
/// [`AuthError::InvalidBase64`] for a bad secret, else as [`MbiBlob::compute`].
///
/// ```
/// let blob = msnp_auth::mbi_response(
///     "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
///     "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
///     [0; 8],
/// ).unwrap();
/// assert!(blob.starts_with("HAAAAAEAAAADZgAABIAAAAgAAAAUAAAASAAAA"));
/// assert_eq!(blob.len(), 172); // base64 of 128 bytes
/// ```
pub fn mbi_response(
    binary_secret_b64: &str,
    nonce: &str,
    iv: [u8; 8],
) -> Result<String, AuthError> {
    let secret = decode_binary_secret(binary_secret_b64)?;
    Ok(MbiBlob::compute(&secret, nonce, iv)?.to_base64())
}
