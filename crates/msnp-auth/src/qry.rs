//! `CHL`/`QRY` challenge answers and the table of known product key pairs.
//!
//! * MSNP6 – MSNP10 ([`ChallengeAlgorithm::Md5`]): `md5hex(challenge ‖ private_key)`.
//! * MSNP11 – MSNP21 ([`ChallengeAlgorithm::Msnp11`]): the product-ID algorithm
//!   (MD5 words, a modular hash over `challenge ‖ product_id`, XOR).
//!
//! The answer goes on the wire as `QRY trid <product-id> 32\r\n<32 hex chars>`
//! (no trailing CRLF), see [`qry_command`].

use core::fmt;
use core::str::FromStr;

use md5::{Digest, Md5};

use crate::error::{AuthError, Field};
use crate::limits::Limits;
use crate::text;

/// A QRY key pair: the public product ID sent on the wire and the private key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ProductKey<'a> {
    /// Public half, sent as the `QRY` argument (e.g. `PROD0090YUAUV{2B`).
    pub id: &'a str,
    /// Private half, only ever hashed (e.g. `YMM8C_H7KCQ2S_KL`).
    pub key: &'a str,
}

/// Which of the two challenge algorithms applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum ChallengeAlgorithm {
    /// MSNP6 – MSNP10: `md5hex(challenge ‖ key)`.
    Md5,
    /// MSNP11 and later: the product-ID algorithm.
    Msnp11,
}

impl ChallengeAlgorithm {
    /// The algorithm a server speaking `MSNP<version>` expects, or `None` before
    /// MSNP6 (no `CHL`) and past MSNP21 (unknown).
    ///
    /// ```
    /// use msnp_auth::ChallengeAlgorithm;
    /// assert_eq!(ChallengeAlgorithm::for_version(8), Some(ChallengeAlgorithm::Md5));
    /// assert_eq!(ChallengeAlgorithm::for_version(15), Some(ChallengeAlgorithm::Msnp11));
    /// assert_eq!(ChallengeAlgorithm::for_version(5), None);
    /// ```
    #[must_use]
    pub const fn for_version(version: u8) -> Option<Self> {
        match version {
            6..=10 => Some(Self::Md5),
            11..=MAX_VERSION => Some(Self::Msnp11),
            _ => None,
        }
    }
}

/// The highest protocol version this crate knows challenge rules for.
pub const MAX_VERSION: u8 = 21;

/// How the MSNP11 algorithm pads `challenge ‖ product_id` to a multiple of 8 bytes.
///
/// The two choices differ only when the length is already a multiple of 8,
/// which never happened with real servers (20-digit challenges + 16-char IDs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum Msnp11Padding {
    /// Append `'0'`s only when the length is not a multiple of 8 (msnpiki
    /// reference code, kopete, eclipse-ecf). The default.
    #[default]
    WhenNeeded,
    /// Always append 1 – 8 `'0'`s, i.e. 8 when already aligned (libpurple,
    /// msn-pecan, papyon, Escargot).
    Always,
}

/// A known key pair with what is known about its era.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct KnownProduct {
    /// The pair.
    pub pair: ProductKey<'static>,
    /// The algorithm the pair is used with.
    pub algorithm: ChallengeAlgorithm,
    /// Lowest protocol version the pair is used with.
    pub min_version: u8,
    /// Highest protocol version the pair is accepted for (Escargot's table where
    /// listed, else the client era).
    pub max_version: u8,
    /// Client or era that shipped the pair.
    pub client: &'static str,
}

impl KnownProduct {
    /// Whether the pair is accepted for `MSNP<version>`.
    #[must_use]
    pub const fn accepts(&self, version: u8) -> bool {
        version >= self.min_version && version <= self.max_version
    }
}

macro_rules! pair {
    ($(#[$doc:meta])* $name:ident = $id:literal, $key:literal) => {
        $(#[$doc])*
        pub const $name: ProductKey<'static> = ProductKey { id: $id, key: $key };
    };
}

/// Named constants for every key pair whose private key is known.
pub mod products {
    use super::ProductKey;

    pair!(/// MSN Messenger 3.6 – 6.x; used by most third-party MSNP6–9 clients.
        MSMSGS = "msmsgs@msnmsgr.com", "Q1P7W2E4J9R8U3S5");
    pair!(/// MSN 6.x (libpurple's MSNP10 pair).
        PROD0038 = "PROD0038W!61ZTF9", "VT6PX?UQTM4WM%YR");
    pair!(/// MSN 6.x, exact build unknown.
        PROD0058 = "PROD0058#7IL2{QD", "QHDCY@7R1TB6W?5B");
    pair!(/// MSN 6.x, exact build unknown.
        PROD0061 = "PROD0061VRRZH@4F", "JXQ6J@TUOGYV@N0M");
    pair!(/// Unknown MSN 6.x-era client.
        PROD0050 = "PROD00504RLUG%WL", "I2EBK%PYNLZL5_J4");
    pair!(/// Unknown MSN 6.x-era client.
        PROD0076 = "PROD0076ENE8*@AW", "CEQJ8}OE0!WTSWII");
    pair!(/// MSN 7.0, the first MSNP11 pair.
        PROD0090 = "PROD0090YUAUV{2B", "YMM8C_H7KCQ2S_KL");
    pair!(/// MSN 7.x.
        PROD0097 = "PROD00974#MT*RC2", "LMCVO*18PQJ3H!K3");
    pair!(/// MSN 7.0.0813.
        PROD0101 = "PROD0101{0RM?UBW", "CFHUR$52U_{VIX5T");
    pair!(/// MSN 7.5.
        PROD0104 = "PROD0104U6VVM{UJ", "VK67B}379XYM5}$T");
    pair!(/// Windows Live Messenger 8.0 (MSNP13/14).
        PROD0106 = "PROD01065C%ZFN6F", "O4BG@C7BWLYQX?5G");
    pair!(/// Windows Live Messenger 8.x (MSNP13/14).
        PROD0112 = "PROD0112J1LW7%NB", "RH96F{PHI8PPX_TJ");
    pair!(/// Windows Live Messenger 8.1.0168.
        PROD0113 = "PROD0113H11T8$X_", "RG@XY*28Q5QHS%Q5");
    pair!(/// Windows Live Messenger 8.1.0178.
        PROD0114 = "PROD0114ES4Z%Q5W", "PK}_A_0N_K%O?A9S");
    pair!(/// Windows Live Messenger 8.5 beta (8.5.1235).
        PROD0118 = "PROD0118R6%2WYOS", "YIXPX@5I2P0UT*LK");
    pair!(/// Windows Live Messenger 8.5 (8.5.1288 / 8.5.1302).
        PROD0119 = "PROD0119GSJUC$18", "ILTXC!4IXB5FB*PX");
    pair!(/// Windows Live Messenger 2009 (14.0.8050+).
        PROD0120 = "PROD0120PW!CCV9@", "C1BX{V4W}Q3*10SM");
}

const fn known(
    pair: ProductKey<'static>,
    algorithm: ChallengeAlgorithm,
    min_version: u8,
    max_version: u8,
    client: &'static str,
) -> KnownProduct {
    KnownProduct {
        pair,
        algorithm,
        min_version,
        max_version,
        client,
    }
}

use ChallengeAlgorithm::{Md5 as A_MD5, Msnp11 as A_11};

/// Every known key pair, oldest first.
pub const KNOWN_PRODUCTS: &[KnownProduct] = &[
    known(products::MSMSGS, A_MD5, 6, 10, "MSN Messenger 3.6 - 6.x"),
    known(products::PROD0038, A_MD5, 6, 10, "MSN Messenger 6.x"),
    known(products::PROD0058, A_MD5, 6, 10, "MSN Messenger 6.x"),
    known(products::PROD0061, A_MD5, 6, 10, "MSN Messenger 6.x"),
    known(products::PROD0050, A_MD5, 6, 10, "unknown (6.x era)"),
    known(products::PROD0076, A_MD5, 6, 10, "unknown (6.x era)"),
    known(products::PROD0090, A_11, 11, 12, "MSN Messenger 7.0"),
    known(products::PROD0097, A_11, 11, 12, "MSN Messenger 7.x"),
    known(products::PROD0101, A_11, 11, 12, "MSN Messenger 7.0.0813"),
    known(products::PROD0104, A_11, 11, 12, "MSN Messenger 7.5"),
    known(
        products::PROD0106,
        A_11,
        11,
        14,
        "Windows Live Messenger 8.0",
    ),
    known(
        products::PROD0112,
        A_11,
        11,
        14,
        "Windows Live Messenger 8.x",
    ),
    known(
        products::PROD0113,
        A_11,
        15,
        MAX_VERSION,
        "Windows Live Messenger 8.1.0168",
    ),
    known(
        products::PROD0114,
        A_11,
        15,
        MAX_VERSION,
        "Windows Live Messenger 8.1.0178",
    ),
    known(
        products::PROD0118,
        A_11,
        15,
        MAX_VERSION,
        "Windows Live Messenger 8.5 beta",
    ),
    known(
        products::PROD0119,
        A_11,
        15,
        MAX_VERSION,
        "Windows Live Messenger 8.5",
    ),
    known(
        products::PROD0120,
        A_11,
        15,
        MAX_VERSION,
        "Windows Live Messenger 2009",
    ),
];

/// Looks a known pair up by its public product ID (exact, case-sensitive).
///
/// ```
/// let p = msnp_auth::product_by_id("PROD0090YUAUV{2B").unwrap();
/// assert_eq!(p.pair.key, "YMM8C_H7KCQ2S_KL");
/// assert!(msnp_auth::product_by_id("PROD9999").is_none());
/// ```
#[must_use]
pub fn product_by_id(id: &str) -> Option<&'static KnownProduct> {
    KNOWN_PRODUCTS.iter().find(|p| p.pair.id == id)
}

/// The pair this crate uses by default for `MSNP<version>`.
///
/// MSNP6–9 `msmsgs@msnmsgr.com`, MSNP10 `PROD0038W!61ZTF9`, MSNP11–12
/// `PROD0090YUAUV{2B`, MSNP13–14 `PROD01065C%ZFN6F`, MSNP15–17
/// `PROD0119GSJUC$18`, MSNP18–21 `PROD0120PW!CCV9@`.
///
/// # Errors
/// [`AuthError::UnsupportedVersion`] outside MSNP6 – MSNP21.
///
/// ```
/// assert_eq!(msnp_auth::default_product(18).unwrap().pair.id, "PROD0120PW!CCV9@");
/// assert!(msnp_auth::default_product(2).is_err());
/// ```
pub fn default_product(version: u8) -> Result<&'static KnownProduct, AuthError> {
    let id = match version {
        6..=9 => products::MSMSGS.id,
        10 => products::PROD0038.id,
        11..=12 => products::PROD0090.id,
        13..=14 => products::PROD0106.id,
        15..=17 => products::PROD0119.id,
        18..=MAX_VERSION => products::PROD0120.id,
        _ => return Err(AuthError::UnsupportedVersion(version)),
    };
    product_by_id(id).ok_or(AuthError::UnsupportedVersion(version))
}

/// All known pairs accepted for `MSNP<version>`.
pub fn products_for_version(version: u8) -> impl Iterator<Item = &'static KnownProduct> {
    KNOWN_PRODUCTS.iter().filter(move |p| p.accepts(version))
}

/// A 16-byte challenge answer; [`Display`](fmt::Display) gives the 32 lower-case
/// hex characters sent on the wire.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct QryResponse([u8; 16]);

impl QryResponse {
    /// Wraps raw answer bytes.
    #[must_use]
    pub const fn from_bytes(bytes: [u8; 16]) -> Self {
        Self(bytes)
    }
    /// The raw 16 bytes.
    #[must_use]
    pub const fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }
    /// The 32 lower-case hex characters.
    #[must_use]
    pub fn to_hex(&self) -> String {
        crate::hex::encode(&self.0)
    }
}

impl fmt::Display for QryResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for QryResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "QryResponse({self})")
    }
}

impl FromStr for QryResponse {
    type Err = AuthError;
    /// Parses the 32 hex characters of a `QRY` payload (either case), e.g. on a server.
    fn from_str(s: &str) -> Result<Self, AuthError> {
        crate::hex::decode_array_field(s, Field::Hex).map(Self)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for QryResponse {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

fn check_inputs(challenge: &str, id: &str, key: &str, limits: &Limits) -> Result<(), AuthError> {
    text::token(Field::Challenge, challenge, limits.max_token_len)?;
    text::token(Field::ProductId, id, limits.max_token_len)?;
    text::token(Field::ProductKey, key, limits.max_token_len)?;
    Ok(())
}

/// MSNP6 – MSNP10 answer: `MD5(challenge ‖ product_key)`.
///
/// # Errors
/// [`AuthError::Empty`], [`AuthError::InvalidByte`] or [`AuthError::TooLong`] if the
/// challenge or key is not a printable-ASCII token.
///
/// ```
/// let r = msnp_auth::qry_md5("15570131571988941333", "Q1P7W2E4J9R8U3S5").unwrap();
/// assert_eq!(r.to_string(), "8f2f5a91b72102cd28355e9fc9000d6e");
/// ```
pub fn qry_md5(challenge: &str, product_key: &str) -> Result<QryResponse, AuthError> {
    qry_md5_with(challenge, product_key, &Limits::DEFAULT)
}

/// [`qry_md5`] with explicit limits.
///
/// # Errors
/// See [`qry_md5`].
pub fn qry_md5_with(
    challenge: &str,
    product_key: &str,
    limits: &Limits,
) -> Result<QryResponse, AuthError> {
    text::token(Field::Challenge, challenge, limits.max_token_len)?;
    text::token(Field::ProductKey, product_key, limits.max_token_len)?;
    let mut h = Md5::new();
    h.update(challenge.as_bytes());
    h.update(product_key.as_bytes());
    Ok(QryResponse(h.finalize().into()))
}

const MODULUS: u64 = 0x7FFF_FFFF;
const MULTIPLIER: u64 = 0x0E79_A9C1;

fn le_u32(b: &[u8]) -> u32 {
    let mut w = [0u8; 4];
    for (d, s) in w.iter_mut().zip(b) {
        *d = *s;
    }
    u32::from_le_bytes(w)
}

/// MSNP11+ answer (the product-ID algorithm), padding only when needed.
///
/// # Errors
/// [`AuthError::Empty`], [`AuthError::InvalidByte`] or [`AuthError::TooLong`] if an
/// input is not a printable-ASCII token.
///
/// ```
/// let r = msnp_auth::qry_msnp11(
///     "22210219642164014968",
///     msnp_auth::products::PROD0090,
/// ).unwrap();
/// assert_eq!(r.to_string(), "85ecb0db8f32113df79ce0892b9a102c");
/// ```
pub fn qry_msnp11(challenge: &str, pair: ProductKey<'_>) -> Result<QryResponse, AuthError> {
    qry_msnp11_with(challenge, pair, Msnp11Padding::default(), &Limits::DEFAULT)
}

/// [`qry_msnp11`] with an explicit padding rule and limits.
///
/// # Errors
/// See [`qry_msnp11`].
pub fn qry_msnp11_with(
    challenge: &str,
    pair: ProductKey<'_>,
    padding: Msnp11Padding,
    limits: &Limits,
) -> Result<QryResponse, AuthError> {
    check_inputs(challenge, pair.id, pair.key, limits)?;

    let mut md5 = Md5::new();
    md5.update(challenge.as_bytes());
    md5.update(pair.key.as_bytes());
    let digest: [u8; 16] = md5.finalize().into();
    let mut h = [0u32; 4];
    for (word, chunk) in h.iter_mut().zip(digest.chunks_exact(4)) {
        *word = le_u32(chunk);
    }
    let m = h.map(|w| u64::from(w & 0x7FFF_FFFF));
    let [m0, m1, m2, m3] = m;

    let mut s = Vec::with_capacity(challenge.len() + pair.id.len() + 8);
    s.extend_from_slice(challenge.as_bytes());
    s.extend_from_slice(pair.id.as_bytes());
    let rem = s.len() % 8;
    let pad = match (rem, padding) {
        (0, Msnp11Padding::WhenNeeded) => 0,
        (r, _) => 8 - r,
    };
    s.resize(s.len() + pad, b'0');

    let (mut high, mut low) = (0u64, 0u64);
    for pair_words in s.chunks_exact(8) {
        let (a, b) = pair_words.split_at(4);
        let (w0, w1) = (u64::from(le_u32(a)), u64::from(le_u32(b)));
        let mut t = (w0 * MULTIPLIER) % MODULUS;
        t = (m0 * (t + high) + m1) % MODULUS;
        high = (m2 * ((w1 + t) % MODULUS) + m3) % MODULUS;
        // Reducing here instead of once at the end gives the same result and
        // cannot overflow for any input length.
        low = (low + high + t) % MODULUS;
    }
    high = (high + m1) % MODULUS;
    low = (low + m3) % MODULUS;
    // Both are < 2^31, so the casts are lossless.
    let (hi32, lo32) = (high as u32, low as u32);
    let [h0, h1, h2, h3] = h;
    let words = [h0 ^ hi32, h1 ^ lo32, h2 ^ hi32, h3 ^ lo32];
    let mut out = [0u8; 16];
    for (dst, w) in out.chunks_exact_mut(4).zip(words) {
        dst.copy_from_slice(&w.to_le_bytes());
    }
    Ok(QryResponse(out))
}

/// Answers a challenge with the algorithm `algorithm`.
///
/// # Errors
/// See [`qry_md5`] / [`qry_msnp11`].
pub fn qry_answer(
    challenge: &str,
    pair: ProductKey<'_>,
    algorithm: ChallengeAlgorithm,
) -> Result<QryResponse, AuthError> {
    match algorithm {
        ChallengeAlgorithm::Md5 => qry_md5(challenge, pair.key),
        ChallengeAlgorithm::Msnp11 => qry_msnp11(challenge, pair),
    }
}

/// Answers a challenge for `MSNP<version>` with the algorithm that version uses.
///
/// # Errors
/// [`AuthError::UnsupportedVersion`] outside MSNP6 – MSNP21, else as [`qry_answer`].
///
/// ```
/// use msnp_auth::{products, qry_for_version};
/// let r = qry_for_version(8, "15570131571988941333", products::MSMSGS).unwrap();
/// assert_eq!(r.to_string(), "8f2f5a91b72102cd28355e9fc9000d6e");
/// ```
pub fn qry_for_version(
    version: u8,
    challenge: &str,
    pair: ProductKey<'_>,
) -> Result<QryResponse, AuthError> {
    let algorithm =
        ChallengeAlgorithm::for_version(version).ok_or(AuthError::UnsupportedVersion(version))?;
    qry_answer(challenge, pair, algorithm)
}

/// Builds the complete client `QRY` command: `QRY <trid> <product-id> 32\r\n<answer>`
/// (the payload has no trailing CRLF).
///
/// # Errors
/// [`AuthError::InvalidByte`]/[`AuthError::Empty`] if the product ID is not a token.
///
/// ```
/// use msnp_auth::{products, qry_command, qry_md5};
/// let r = qry_md5("15570131571988941333", products::MSMSGS.key).unwrap();
/// assert_eq!(
///     qry_command(10, products::MSMSGS.id, &r).unwrap(),
///     "QRY 10 msmsgs@msnmsgr.com 32\r\n8f2f5a91b72102cd28355e9fc9000d6e"
/// );
/// ```
pub fn qry_command(trid: u32, product_id: &str, answer: &QryResponse) -> Result<String, AuthError> {
    text::token(Field::ProductId, product_id, Limits::DEFAULT.max_token_len)?;
    Ok(format!("QRY {trid} {product_id} 32\r\n{answer}"))
}
