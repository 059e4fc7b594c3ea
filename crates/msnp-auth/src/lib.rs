#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]
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
