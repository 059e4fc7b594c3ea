//! The binary MSNC / P2P v1 framing inside `application/x-msnmsgrp2p` messages:
//! a 48-byte little-endian header, the chunk data and a 4-byte big-endian footer.
//!
//! ```
//! use msnp_proto::payload::p2p::{P2pHeader, flags};
//! let received = P2pHeader { session_id: 0, identifier: 10, data_offset: 0, total_size: 72,
//!     length: 72, flags: flags::NONE, ack_identifier: 77, ack_unique_id: 0, ack_data_size: 0 };
//! let ack = received.ack(11);
//! assert_eq!(ack.flags, flags::ACK);
//! assert_eq!(P2pHeader::parse(&ack.to_bytes()).unwrap(), ack);
//! ```

use std::borrow::Cow;

use super::error::PayloadError;

/// Size of the binary header.
pub const HEADER_LEN: usize = 48;
/// Size of the footer.
pub const FOOTER_LEN: usize = 4;
/// Maximum chunk data per switchboard message.
pub const MAX_SB_CHUNK: usize = 1202;

/// Header `flags` values.
pub mod flags {
    /// No flags / SLP signalling.
    pub const NONE: u32 = 0x0;
    /// Out-of-order chunk.
    pub const OUT_OF_ORDER: u32 = 0x1;
    /// Acknowledgement.
    pub const ACK: u32 = 0x2;
    /// Pending invite.
    pub const PENDING_INVITE: u32 = 0x4;
    /// Binary error.
    pub const BINARY_ERROR: u32 = 0x8;
    /// File data.
    pub const FILE: u32 = 0x10;
    /// MSNObject data.
    pub const MSNOBJ_DATA: u32 = 0x20;
    /// Close session.
    pub const CLOSE_SESSION: u32 = 0x40;
    /// TLP error.
    pub const TLP_ERROR: u32 = 0x80;
    /// Direct-connection handshake.
    pub const DIRECT_HANDSHAKE: u32 = 0x100;
    /// WLM 2009 compatibility.
    pub const WLM2009: u32 = 0x0100_0000;
    /// File data (WLM 2009).
    pub const WLM2009_FILE_DATA: u32 = 0x0100_0030;
}

/// Footer application ids.
pub mod app_id {
    /// SLP / session negotiation and ACKs.
    pub const SLP: u32 = 0;
    /// MSNObject (older clients).
    pub const MSNOBJ: u32 = 1;
    /// File transfer.
    pub const FILE_TRANSFER: u32 = 2;
    /// Custom emoticon.
    pub const CUSTOM_EMOTICON: u32 = 0xB;
    /// Display picture (WLM 8+).
    pub const DISPLAY_PICTURE: u32 = 0xC;
}

/// The 48-byte P2P v1 header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct P2pHeader {
    /// Session id (0 for SLP).
    pub session_id: u32,
    /// Message id.
    pub identifier: u32,
    /// Offset of this chunk in the whole message.
    pub data_offset: u64,
    /// Size of the whole message.
    pub total_size: u64,
    /// Bytes of data in this chunk.
    pub length: u32,
    /// Flags (see [`flags`]).
    pub flags: u32,
    /// Sender's ack session id, or in an ACK the acked message's `identifier`.
    pub ack_identifier: u32,
    /// In an ACK: the acked message's `ack_identifier`.
    pub ack_unique_id: u32,
    /// In an ACK: the acked message's `total_size`.
    pub ack_data_size: u64,
}

fn le32(b: &[u8], at: usize) -> u32 {
    let mut a = [0u8; 4];
    if let Some(s) = b.get(at..at + 4) {
        a.copy_from_slice(s);
    }
    u32::from_le_bytes(a)
}

fn le64(b: &[u8], at: usize) -> u64 {
    let mut a = [0u8; 8];
    if let Some(s) = b.get(at..at + 8) {
        a.copy_from_slice(s);
    }
    u64::from_le_bytes(a)
}

impl P2pHeader {
    /// Decodes the first 48 bytes of `bytes`.
    pub fn parse(bytes: &[u8]) -> Result<Self, PayloadError> {
        if bytes.len() < HEADER_LEN {
            return Err(PayloadError::TooShort {
                what: "P2P header",
                needed: HEADER_LEN,
                got: bytes.len(),
            });
        }
        Ok(Self {
            session_id: le32(bytes, 0),
            identifier: le32(bytes, 4),
            data_offset: le64(bytes, 8),
            total_size: le64(bytes, 16),
            length: le32(bytes, 24),
            flags: le32(bytes, 28),
            ack_identifier: le32(bytes, 32),
            ack_unique_id: le32(bytes, 36),
            ack_data_size: le64(bytes, 40),
        })
    }

    /// Encodes the header.
    pub fn to_bytes(&self) -> [u8; HEADER_LEN] {
        let mut out = [0u8; HEADER_LEN];
        let parts: [(usize, &[u8]); 9] = [
            (0, &self.session_id.to_le_bytes()),
            (4, &self.identifier.to_le_bytes()),
            (8, &self.data_offset.to_le_bytes()),
            (16, &self.total_size.to_le_bytes()),
            (24, &self.length.to_le_bytes()),
            (28, &self.flags.to_le_bytes()),
            (32, &self.ack_identifier.to_le_bytes()),
            (36, &self.ack_unique_id.to_le_bytes()),
            (40, &self.ack_data_size.to_le_bytes()),
        ];
        for (at, bytes) in parts {
            if let Some(dst) = out.get_mut(at..at + bytes.len()) {
                dst.copy_from_slice(bytes);
            }
        }
        out
    }

    /// Whether the ACK flag is set.
    pub const fn is_ack(&self) -> bool {
        self.flags & flags::ACK != 0
    }

    /// The ACK for this (received) header, using `new_identifier` as our own message id.
    pub const fn ack(&self, new_identifier: u32) -> Self {
        Self {
            session_id: self.session_id,
            identifier: new_identifier,
            data_offset: 0,
            total_size: self.total_size,
            length: 0,
            flags: flags::ACK,
            ack_identifier: self.identifier,
            ack_unique_id: self.ack_identifier,
            ack_data_size: self.total_size,
        }
    }
}

/// A complete P2P v1 chunk: header, data and footer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct P2pMessage<'a> {
    /// The binary header.
    pub header: P2pHeader,
    /// The chunk data.
    #[cfg_attr(feature = "serde", serde(serialize_with = "super::serde_b64"))]
    pub data: Cow<'a, [u8]>,
    /// Footer: application id (big-endian on the wire).
    pub footer: u32,
}

impl<'a> P2pMessage<'a> {
    /// Splits a MIME body into header, data and footer. `header.length` must not exceed
    /// the data present.
    pub fn parse(body: &'a [u8]) -> Result<Self, PayloadError> {
        let min = HEADER_LEN + FOOTER_LEN;
        if body.len() < min {
            return Err(PayloadError::TooShort {
                what: "P2P message",
                needed: min,
                got: body.len(),
            });
        }
        let header = P2pHeader::parse(body)?;
        let data = body.get(HEADER_LEN..body.len() - FOOTER_LEN).unwrap_or(&[]);
        let mut f = [0u8; 4];
        if let Some(s) = body.get(body.len() - FOOTER_LEN..) {
            f.copy_from_slice(s);
        }
        if u64::from(header.length) != data.len() as u64 {
            return Err(PayloadError::invalid(
                "P2P header length",
                &header.length.to_string(),
                "does not match the data between header and footer",
            ));
        }
        Ok(Self {
            header,
            data: Cow::Borrowed(data),
            footer: u32::from_be_bytes(f),
        })
    }

    /// Encodes header, data and footer.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(HEADER_LEN + self.data.len() + FOOTER_LEN);
        v.extend_from_slice(&self.header.to_bytes());
        v.extend_from_slice(&self.data);
        v.extend_from_slice(&self.footer.to_be_bytes());
        v
    }

    /// Converts into an owned value.
    pub fn into_owned(self) -> P2pMessage<'static> {
        P2pMessage {
            header: self.header,
            data: Cow::Owned(self.data.into_owned()),
            footer: self.footer,
        }
    }
}
