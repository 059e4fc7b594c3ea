//! Sans-IO authentication for the MSN Messenger protocol (MSNP2 – MSNP21).
//!
//! Every function here is pure: passwords, salts, nonces, IVs and server replies
//! are arguments; nothing reads a socket, clock or random generator. Bad input
//! yields a typed [`AuthError`]; nothing panics. Sizes are bounded by [`Limits`].
//!
//! # Schemes and the protocol versions that use them
//!
//! | MSNP | scheme | here |
//! | --- | --- | --- |
//! | 2 – 7 | `USR MD5`: `md5hex(salt ‖ password)` (`CTP` clear text in the MSNP2 draft) | [`md5_login_hash`], [`ctp_login_response`] |
//! | 8 – 11 (to 14) | `USR TWN`: Passport 1.4 over HTTPS (nexus → `login2.srf` → redirects) yields a `t=…&p=…` ticket | [`TwnChallenge`], [`passport14_authorization`], [`parse_login_response`], [`PassportUrls`], [`Passport14Login`] |
//! | 12 – 14 | `USR TWN` with the ticket from Passport SOAP (`RST.srf`, in `msnp-soap`) | [`TwnChallenge::rst_policy`] |
//! | 15 – 21 | `USR SSO`: SOAP ticket plus the MBI blob (HMAC-SHA1 + 3DES-CBC over the server nonce) | [`SsoChallenge`], [`mbi::derive_key`], [`MbiBlob`], [`mbi_response`], [`sso_usr_args`] |
//! | 6 – 10 | `CHL`/`QRY` "basic": `md5hex(challenge ‖ private key)` | [`qry_md5`] |
//! | 11 – 21 | `CHL`/`QRY` product-ID algorithm | [`qry_msnp11`], [`ChallengeAlgorithm`], [`KNOWN_PRODUCTS`], [`products`] |
//!
//! # Example: answering a challenge
//!
//! ```
//! use msnp_auth::{default_product, qry_for_version};
//! let product = default_product(11).unwrap();
//! assert_eq!(product.pair.id, "PROD0090YUAUV{2B");
//! let answer = qry_for_version(11, "22210219642164014968", product.pair).unwrap();
//! assert_eq!(answer.to_string(), "85ecb0db8f32113df79ce0892b9a102c");
//! ```
//!
//! # Features
//! * `serde`: `Serialize` on the public value types (the `msnp` CLI prints JSON).

#![warn(missing_docs)]

pub mod digest;
pub mod error;
pub mod hex;
pub mod limits;
pub mod mbi;
pub mod md5_login;
pub mod passport14;
pub mod passport14_flow;
pub mod qry;
pub mod sso;
mod text;
pub mod twn;

pub use error::{AuthError, Field};
pub use limits::Limits;
pub use mbi::{MbiBlob, decode_binary_secret, mbi_response};
pub use md5_login::{ctp_login_response, md5_login_hash, md5_login_hash_with};
pub use passport14::{
    LoginFailure, LoginOutcome, PassportHeader, PassportParam, PassportUrls, parse_login_response,
    parse_login_response_with, passport14_authorization, passport14_authorization_with,
};
pub use passport14_flow::{HttpRequest, Passport14Config, Passport14Event, Passport14Login};
pub use qry::{
    ChallengeAlgorithm, KNOWN_PRODUCTS, KnownProduct, Msnp11Padding, ProductKey, QryResponse,
    default_product, product_by_id, products, products_for_version, qry_answer, qry_command,
    qry_for_version, qry_md5, qry_md5_with, qry_msnp11, qry_msnp11_with,
};
pub use sso::{SsoChallenge, sso_usr_args};
pub use twn::{TwnChallenge, TwnParam};
