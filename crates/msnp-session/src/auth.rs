//! The one place where the protocol's authentication concepts (msnp-proto's
//! [`AuthScheme`], [`AuthPackage`], [`ChallengeScheme`]) are mapped to msnp-auth's
//! computations, which know nothing of the protocol's types.

use msnp_auth::{AuthError, ChallengeAlgorithm, ProductKey, QryResponse};
use msnp_proto::ProtocolVersion as V;
use msnp_proto::message::AuthPackage;
use msnp_proto::version::{AuthScheme, ChallengeScheme};

/// The package a `USR … I` names for the version's scheme (MD5 for MSNP2–7, before `INF`
/// offers CTP).
pub(crate) fn usr_package(v: V) -> AuthPackage {
    match v.auth_scheme() {
        Some(AuthScheme::Tweener) => AuthPackage::Twn,
        Some(AuthScheme::SingleSignOn) => AuthPackage::Sso,
        _ => AuthPackage::Md5,
    }
}

/// `USR MD5`/`CTP` response for `salt` (CTP: the password itself).
pub(crate) fn legacy_response(
    package: AuthPackage,
    salt: &str,
    password: &str,
) -> Option<Result<String, AuthError>> {
    match package {
        AuthPackage::Md5 => Some(msnp_auth::md5_login_hash(salt, password)),
        AuthPackage::Ctp => Some(msnp_auth::ctp_login_response(password)),
        _ => None,
    }
}

/// The `QRY` algorithm of the version (`None` before MSNP6).
pub(crate) fn challenge_algorithm(v: V) -> Option<ChallengeAlgorithm> {
    match v.challenge_scheme()? {
        ChallengeScheme::Md5 => Some(ChallengeAlgorithm::Md5),
        _ => Some(ChallengeAlgorithm::Msnp11),
    }
}

/// The `QRY` answer to `challenge` with `key` in the version's algorithm.
pub(crate) fn qry_answer(
    v: V,
    challenge: &str,
    key: ProductKey<'_>,
) -> Result<QryResponse, AuthError> {
    let algorithm =
        challenge_algorithm(v).ok_or_else(|| AuthError::UnsupportedVersion(v.number()))?;
    msnp_auth::qry_answer(challenge, key, algorithm)
}

/// The `QRY` a client sends for `challenge`: the product ID and the answer (32 hex digits),
/// with `product` or, when `None`, `msnp_auth::default_product` for the version.
pub(crate) fn qry_for(
    v: V,
    product: Option<ProductKey<'_>>,
    challenge: &str,
) -> Result<(String, String), AuthError> {
    let key = match product {
        Some(k) => k,
        None => msnp_auth::default_product(v.number())?.pair,
    };
    let answer = qry_answer(v, challenge, key)?.to_hex();
    Ok((key.id.to_owned(), answer))
}
