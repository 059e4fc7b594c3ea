//! Size limits applied to every untrusted input.

/// Explicit bounds on input sizes and counts.
///
/// Every parser and computation in this crate has a variant taking `&Limits`
/// (`*_with`); the plain variant uses [`Limits::DEFAULT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Limits {
    /// Longest challenge, salt, nonce, policy or ticket token in bytes (default 1024).
    pub max_token_len: usize,
    /// Longest password in bytes (default 1024).
    pub max_password_len: usize,
    /// Longest header value or `USR TWN S` string in bytes (default 16 KiB).
    pub max_header_len: usize,
    /// Most comma-separated parameters in a policy string or header (default 64).
    pub max_params: usize,
    /// Longest decoded binary secret in bytes (default 256).
    pub max_secret_len: usize,
    /// Longest decoded MBI blob in bytes (default 4096).
    pub max_blob_len: usize,
}

impl Limits {
    /// The defaults: generous for every real server, small enough to be harmless.
    pub const DEFAULT: Self = Self {
        max_token_len: 1024,
        max_password_len: 1024,
        max_header_len: 16 * 1024,
        max_params: 64,
        max_secret_len: 256,
        max_blob_len: 4096,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}
