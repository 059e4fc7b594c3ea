//! The error of every P2P format parser and builder: what is wrong and at which byte.

use thiserror::Error;

use crate::payload::PayloadError;

/// Why a P2P chunk, MSNSLP message or context was refused. Offsets are byte offsets into the
/// input given to the parser.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum P2pError {
    /// Fewer bytes than the fixed layout needs.
    #[error("{what} needs {needed} bytes, got {got}")]
    TooShort {
        /// What was being read.
        what: &'static str,
        /// Bytes needed.
        needed: usize,
        /// Bytes present.
        got: usize,
    },
    /// A length field disagrees with the bytes present.
    #[error("{what}: header declares {declared} bytes, {present} present")]
    LengthMismatch {
        /// Which length.
        what: &'static str,
        /// What the header says (header + payload + footer, as a total).
        declared: u64,
        /// What the input holds.
        present: u64,
    },
    /// v1: `Offset + MessageLength` overflows or passes `TotalSize` (CVE-2008-2927), or
    /// `MessageLength > TotalSize`.
    #[error("chunk at offset {offset} of {length} bytes does not fit a message of {total} bytes")]
    ChunkOutsideMessage {
        /// Offset of the chunk in the message.
        offset: u64,
        /// Payload bytes in the chunk.
        length: u64,
        /// Declared size of the message.
        total: u64,
    },
    /// v2: a header length byte out of its rules (at least 8, a multiple of 4, inside the
    /// bytes it describes).
    #[error("{what} {value} at byte {offset}: {reason}")]
    BadHeaderLength {
        /// `HeaderLength` or `DataHeaderLength`.
        what: &'static str,
        /// Offset of the length byte.
        offset: usize,
        /// Its value.
        value: u8,
        /// The rule it breaks.
        reason: &'static str,
    },
    /// v2: a TLV whose value runs past the end of its block.
    #[error(
        "TLV type {tlv_type:#04x} at byte {offset} needs {needed} bytes, block has {available}"
    )]
    TlvOverrun {
        /// Offset of the TLV's type byte.
        offset: usize,
        /// Its type.
        tlv_type: u8,
        /// Bytes the TLV needs (2 + length).
        needed: usize,
        /// Bytes left in the block.
        available: usize,
    },
    /// v2: a known TLV with the wrong length.
    #[error("TLV type {tlv_type:#04x} at byte {offset} has length {got}, expected {expected}")]
    TlvLength {
        /// Offset of the TLV's type byte.
        offset: usize,
        /// Its type.
        tlv_type: u8,
        /// The fixed length of this type.
        expected: u8,
        /// The length found.
        got: u8,
    },
    /// v2: padding that is not zero, or longer than needed to reach a multiple of 4.
    #[error("bad TLV padding at byte {offset}: {reason}")]
    BadPadding {
        /// Offset of the first offending byte.
        offset: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// Text that is not UTF-8.
    #[error("invalid UTF-8 at byte {offset}")]
    Utf8 {
        /// Offset of the first invalid byte.
        offset: usize,
    },
    /// MSNSLP framing: start line, header lines, the blank line, the NUL.
    #[error("malformed MSNSLP at byte {offset}: {reason}")]
    Slp {
        /// Offset of the problem.
        offset: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// A required MSNSLP header or body key is missing (CVE-2009-3083, CVE-2010-0277).
    #[error("MSNSLP message lacks `{0}`")]
    Missing(&'static str),
    /// A header, body key or context field with an unusable value.
    #[error("invalid {field} `{value}`: {reason}")]
    Invalid {
        /// Which field.
        field: &'static str,
        /// The value (shortened to 64 bytes).
        value: String,
        /// Why.
        reason: &'static str,
    },
    /// A value cannot be built because it breaks a layout rule.
    #[error("cannot build {what}: {reason}")]
    Build {
        /// What was being built.
        what: &'static str,
        /// The rule.
        reason: &'static str,
    },
    /// The MSNObject inside a `Context` is not a valid `<msnobj>`.
    #[error("msnobj context: {0}")]
    MsnObject(PayloadError),
}

impl P2pError {
    pub(crate) fn invalid(field: &'static str, value: &str, reason: &'static str) -> Self {
        let mut cut = value.len().min(64);
        while !value.is_char_boundary(cut) {
            cut -= 1;
        }
        Self::Invalid {
            field,
            value: value.get(..cut).unwrap_or_default().to_owned(),
            reason,
        }
    }
}

/// The MIME layer (`payload::mime`) reports P2P failures as payload errors.
impl From<P2pError> for PayloadError {
    fn from(e: P2pError) -> Self {
        match e {
            P2pError::TooShort { what, needed, got } => Self::TooShort { what, needed, got },
            P2pError::MsnObject(p) => p,
            other => Self::invalid("P2P", &other.to_string(), "malformed P2P data"),
        }
    }
}
