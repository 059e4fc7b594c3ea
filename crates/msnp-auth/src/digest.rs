//! The content checksums of two payload documents: the `MSNObject` `SHA1D`/`SHA1C` attributes
//! and the `GCF` policy checksum. The documents themselves are read by `msnp-proto`, which
//! builds the hash inputs; only the hashing lives here.
//!
//! ```
//! use msnp_auth::digest::{policy_checksum, sha1c, sha1d};
//! assert_eq!(sha1d(b""), "2jmj7l5rSw0yVb/vlWAYkK/YBwk=");
//! assert_eq!(sha1c("Creator"), sha1d(b"Creator"));
//! assert_eq!(policy_checksum(""), "D41D8CD98F00B204E9800998ECF8427E");
//! ```

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use md5::{Digest as _, Md5};
use sha1::Sha1;

/// `SHA1D` of an object's data: base64(SHA-1(data)).
pub fn sha1d(data: &[u8]) -> String {
    B64.encode(Sha1::digest(data).as_slice())
}

/// `SHA1C` over the object's canonical attribute string (`MsnObject::sha1c_input` in
/// msnp-proto): base64(SHA-1(input)).
pub fn sha1c(canonical: &str) -> String {
    sha1d(canonical.as_bytes())
}

/// A `<Policy>` checksum: the upper-case hex MD5 of the policy's raw inner XML.
pub fn policy_checksum(inner_xml: &str) -> String {
    crate::hex::encode(Md5::digest(inner_xml.as_bytes()).as_slice()).to_ascii_uppercase()
}
