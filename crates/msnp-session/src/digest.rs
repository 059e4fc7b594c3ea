//! The payload checksums, joined to the documents msnp-proto reads: `msnp-proto` builds the
//! hash inputs ([`MsnObject::sha1c_input`], [`Policy::inner_xml`]), `msnp_auth::digest`
//! hashes them.
//!
//! ```
//! use msnp_proto::payload::msnobj::MsnObject;
//! use msnp_proto::payload::xml::XmlLimits;
//! use msnp_session::digest::{MsnObjectDigest, msnobj_for_data};
//! let o = msnobj_for_data("me@example.com", 3, "0", "Pic", b"abc");
//! assert_eq!(o.sha1d, "qZk+NkcGgWq6PiVxeFDCbJzQ2J0=");
//! let back = MsnObject::parse(&o.to_xml(), &XmlLimits::default()).unwrap();
//! assert_eq!(back.verify_sha1c(), Some(true));
//! assert!(back.verify_data(b"abc"));
//! ```

use msnp_auth::digest::{policy_checksum, sha1c, sha1d};
use msnp_proto::payload::error::PayloadError;
use msnp_proto::payload::msnobj::MsnObject;
use msnp_proto::payload::policies::Policy;
use msnp_proto::payload::xml::XmlLimits;

/// An object for `data`, with `Size`, `SHA1D` and `SHA1C` computed.
pub fn msnobj_for_data(
    creator: &str,
    object_type: u32,
    location: &str,
    friendly_name: &str,
    data: &[u8],
) -> MsnObject {
    let mut o = MsnObject::with_digest(
        creator,
        object_type,
        location,
        friendly_name,
        data.len() as u64,
        sha1d(data),
    );
    o.sha1c = Some(o.compute_sha1c());
    o
}

/// The hashes of an [`MsnObject`].
pub trait MsnObjectDigest {
    /// `SHA1C` computed over [`MsnObject::sha1c_input`].
    fn compute_sha1c(&self) -> String;
    /// Whether the carried `SHA1C` matches; `None` when there is none. Informational only:
    /// objects from some clients do not reproduce, never reject on this.
    fn verify_sha1c(&self) -> Option<bool>;
    /// Whether `data` matches `SHA1D` (and `Size`).
    fn verify_data(&self, data: &[u8]) -> bool;
}

impl MsnObjectDigest for MsnObject {
    fn compute_sha1c(&self) -> String {
        sha1c(&self.sha1c_input())
    }

    fn verify_sha1c(&self) -> Option<bool> {
        self.sha1c.as_ref().map(|c| *c == self.compute_sha1c())
    }

    fn verify_data(&self, data: &[u8]) -> bool {
        data.len() as u64 == self.size && sha1d(data) == self.sha1d
    }
}

/// A policy from raw inner XML (well-formed) with its checksum set.
///
/// # Errors
/// When the inner XML does not parse.
pub fn signed_policy(
    policy_type: &str,
    inner_xml: &str,
    limits: &XmlLimits,
) -> Result<Policy, PayloadError> {
    let mut p = Policy::new(policy_type, inner_xml, limits)?;
    p.checksum = Some(policy_checksum(inner_xml));
    Ok(p)
}

/// Whether the policy's `checksum` matches its inner XML (either case); `None` without one.
/// Reported, never enforced.
pub fn policy_checksum_valid(policy: &Policy) -> Option<bool> {
    policy
        .checksum
        .as_ref()
        .map(|c| c.eq_ignore_ascii_case(&policy_checksum(&policy.inner_xml)))
}
