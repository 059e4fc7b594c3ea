//! P2Pv1 (MSNC): a 48-byte little-endian header, the chunk payload and a 4-byte big-endian
//! footer carrying the AppID (p2p.md §3).
//!
//! ```
//! use msnp_proto::p2p::v1::{P2pHeader, P2pMessage, flags, Class};
//! let received = P2pHeader { session_id: 0, identifier: 10, data_offset: 0, total_size: 72,
//!     length: 72, flags: flags::NONE, ack_identifier: 77, ack_unique_id: 0, ack_data_size: 0 };
//! let ack = received.ack(11);
//! assert_eq!(ack.flags, flags::ACK);
//! assert_eq!(ack.class(), Class::Ack);
//! assert_eq!(P2pHeader::parse(&ack.to_bytes()).unwrap(), ack);
//! let chunk = P2pMessage { header: ack, data: Default::default(), footer: 0 };
//! assert_eq!(P2pMessage::parse(&chunk.to_bytes()).unwrap(), chunk);
//! ```

use std::borrow::Cow;

use super::error::P2pError;

/// Size of the binary header.
pub const HEADER_LEN: usize = 48;
/// Size of the footer.
pub const FOOTER_LEN: usize = 4;
/// Largest chunk payload sent on the switchboard (libpurple, msnp-sharp 3.2, the official
/// clients: 1202 + 72 in the escargot capture).
pub const MAX_SB_CHUNK: usize = 1202;

/// Header `Flags` values (p2p.md §3.1).
pub mod flags {
    /// Normal message: SLP text or data preparation.
    pub const NONE: u32 = 0x0;
    /// Negative acknowledgement (libpurple: "out of order").
    pub const NAK: u32 = 0x1;
    /// Former name of [`NAK`].
    pub const OUT_OF_ORDER: u32 = NAK;
    /// Acknowledgement.
    pub const ACK: u32 = 0x2;
    /// "Waiting for a pending invite" (libpurple) or "require ACK" (msnp-sharp, papyon);
    /// never seen on the wire: accept, never send.
    pub const PENDING_INVITE: u32 = 0x4;
    /// Binary-level error (papyon: reset).
    pub const BINARY_ERROR: u32 = 0x8;
    /// File data (only with [`MSNOBJ_DATA`], see [`WLM2009_FILE_DATA`]).
    pub const FILE: u32 = 0x10;
    /// MSNObject data (display picture, emoticon, …).
    pub const MSNOBJ_DATA: u32 = 0x20;
    /// Close session (papyon: cancel).
    pub const CLOSE_SESSION: u32 = 0x40;
    /// Error at the transport layer.
    pub const TLP_ERROR: u32 = 0x80;
    /// Direct-connection handshake; the Ack fields carry the nonce GUID.
    pub const DIRECT_HANDSHAKE: u32 = 0x100;
    /// Encrypted (papyon only).
    pub const ENCRYPTED: u32 = 0x200;
    /// Set by WLM 2009 on SLP messages when it speaks P2Pv1.
    pub const WLM2009: u32 = 0x0100_0000;
    /// MSNObject data from WLM 2009.
    pub const WLM2009_MSNOBJ_DATA: u32 = 0x0100_0020;
    /// File-transfer data.
    pub const WLM2009_FILE_DATA: u32 = 0x0100_0030;
    /// The bits that classify a chunk ([`Class`](super::Class)); the rest is WLM 2009 marking.
    pub const BASE_MASK: u32 = 0x00FF_FFFF;
}

/// Footer (and SLP `AppID`) application ids (p2p.md §3.2).
pub mod app_id {
    /// SLP messages and ACKs.
    pub const SLP: u32 = 0;
    /// MSNObject transfer, MSN 6–7.x clients.
    pub const MSNOBJ: u32 = 1;
    /// File transfer.
    pub const FILE_TRANSFER: u32 = 2;
    /// Webcam.
    pub const WEBCAM: u32 = 4;
    /// Custom emoticon (and winks), WLM 8+.
    pub const CUSTOM_EMOTICON: u32 = 0xB;
    /// Display picture (and scene), WLM 8+.
    pub const DISPLAY_PICTURE: u32 = 0xC;
    /// Voice clip.
    pub const VOICE_CLIP: u32 = 0x14;
    /// Photo sharing.
    pub const PHOTO_SHARING: u32 = 0x23;
}

/// What a chunk is, from its flags (p2p.md §3.1: mask with [`flags::BASE_MASK`], then test in
/// this order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Class {
    /// Acknowledgement.
    Ack,
    /// Negative acknowledgement.
    Nak,
    /// MSNObject data (`0x20`, `0x01000020`).
    ObjectData,
    /// File data (`0x30`, `0x01000030`).
    FileData,
    /// The peer closed or failed the session (`0x40`, `0x80`, `0x08`): drop its state.
    SessionEnded,
    /// SLP (session 0) or data preparation (session ≠ 0); flags 0, `0x4` or `0x01000000`.
    Normal,
    /// Direct-connection handshake (valid only on a direct connection).
    Handshake,
    /// Anything else: drop the chunk, keep the link.
    Unknown,
}

/// The 48-byte P2Pv1 header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct P2pHeader {
    /// SessionID (0 for SLP).
    pub session_id: u32,
    /// The sender's message counter, equal in all chunks of one message.
    pub identifier: u32,
    /// Offset of this chunk in the whole message.
    pub data_offset: u64,
    /// Size of the whole message.
    pub total_size: u64,
    /// Payload bytes in this chunk (`MessageLength`).
    pub length: u32,
    /// Flags (see [`flags`]).
    pub flags: u32,
    /// Random per message; in an ACK the acked message's `identifier`.
    pub ack_identifier: u32,
    /// In an ACK: the acked message's `ack_identifier`.
    pub ack_unique_id: u32,
    /// In an ACK: the acked message's `total_size`.
    pub ack_data_size: u64,
}

fn le32(b: &[u8; HEADER_LEN], at: usize) -> u32 {
    let mut a = [0u8; 4];
    if let Some(s) = b.get(at..at + 4) {
        a.copy_from_slice(s);
    }
    u32::from_le_bytes(a)
}

fn le64(b: &[u8; HEADER_LEN], at: usize) -> u64 {
    let mut a = [0u8; 8];
    if let Some(s) = b.get(at..at + 8) {
        a.copy_from_slice(s);
    }
    u64::from_le_bytes(a)
}

impl P2pHeader {
    /// Decodes the first 48 bytes of `bytes`.
    pub fn parse(bytes: &[u8]) -> Result<Self, P2pError> {
        let Some(b) = bytes.first_chunk::<HEADER_LEN>() else {
            return Err(P2pError::TooShort {
                what: "P2Pv1 header",
                needed: HEADER_LEN,
                got: bytes.len(),
            });
        };
        Ok(Self {
            session_id: le32(b, 0),
            identifier: le32(b, 4),
            data_offset: le64(b, 8),
            total_size: le64(b, 16),
            length: le32(b, 24),
            flags: le32(b, 28),
            ack_identifier: le32(b, 32),
            ack_unique_id: le32(b, 36),
            ack_data_size: le64(b, 40),
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

    /// The chunk's class by the masking rule of p2p.md §3.1.
    pub const fn class(&self) -> Class {
        let base = self.flags & flags::BASE_MASK;
        if base & flags::ACK != 0 {
            Class::Ack
        } else if base & flags::NAK != 0 {
            Class::Nak
        } else if base & flags::MSNOBJ_DATA != 0 {
            if base & flags::FILE != 0 {
                Class::FileData
            } else {
                Class::ObjectData
            }
        } else if base & (flags::CLOSE_SESSION | flags::TLP_ERROR | flags::BINARY_ERROR) != 0 {
            Class::SessionEnded
        } else if base & !flags::PENDING_INVITE == 0 {
            Class::Normal
        } else if base == flags::DIRECT_HANDSHAKE {
            Class::Handshake
        } else {
            Class::Unknown
        }
    }

    /// Checks `MessageLength ≤ TotalSize` and `Offset + MessageLength ≤ TotalSize` with
    /// checked 64-bit arithmetic (CVE-2008-2927, CVE-2009-1376).
    pub fn check_range(&self) -> Result<(), P2pError> {
        let length = u64::from(self.length);
        match self.data_offset.checked_add(length) {
            Some(end) if end <= self.total_size => Ok(()),
            _ => Err(P2pError::ChunkOutsideMessage {
                offset: self.data_offset,
                length,
                total: self.total_size,
            }),
        }
    }

    /// The ACK for this (received, last) chunk, using `new_identifier` as our own message
    /// counter (p2p.md §3.5; reproduces the captured ACKs).
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

/// A complete P2Pv1 chunk: header, payload and footer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct P2pMessage<'a> {
    /// The binary header.
    pub header: P2pHeader,
    /// The chunk payload (`header.length` bytes).
    #[cfg_attr(feature = "serde", serde(serialize_with = "crate::payload::serde_b64"))]
    pub data: Cow<'a, [u8]>,
    /// Footer: AppID (big-endian on the wire); informational, route by SessionID.
    pub footer: u32,
}

impl<'a> P2pMessage<'a> {
    /// Splits a binary part into header, payload and footer. Refuses (p2p.md §11.2 item 1)
    /// fewer than 52 bytes, `48 + MessageLength + 4` different from the bytes present, and a
    /// chunk outside `[0, TotalSize)`.
    pub fn parse(body: &'a [u8]) -> Result<Self, P2pError> {
        let min = HEADER_LEN + FOOTER_LEN;
        if body.len() < min {
            return Err(P2pError::TooShort {
                what: "P2Pv1 chunk",
                needed: min,
                got: body.len(),
            });
        }
        let header = P2pHeader::parse(body)?;
        let declared = u64::from(header.length) + min as u64;
        if declared != body.len() as u64 {
            return Err(P2pError::LengthMismatch {
                what: "P2Pv1 MessageLength",
                declared,
                present: body.len() as u64,
            });
        }
        header.check_range()?;
        let footer_at = body.len() - FOOTER_LEN;
        let data = body.get(HEADER_LEN..footer_at).unwrap_or_default();
        let footer = body
            .last_chunk::<FOOTER_LEN>()
            .map_or(0, |f| u32::from_be_bytes(*f));
        Ok(Self {
            header,
            data: Cow::Borrowed(data),
            footer,
        })
    }

    /// Encodes header, payload and footer as they are (see [`try_to_bytes`](Self::try_to_bytes)
    /// for the checked form).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(HEADER_LEN + self.data.len() + FOOTER_LEN);
        v.extend_from_slice(&self.header.to_bytes());
        v.extend_from_slice(&self.data);
        v.extend_from_slice(&self.footer.to_be_bytes());
        v
    }

    /// Encodes, refusing a chunk [`parse`](Self::parse) would refuse: `header.length` must be
    /// the payload's length and the chunk must lie inside the message.
    pub fn try_to_bytes(&self) -> Result<Vec<u8>, P2pError> {
        if u64::from(self.header.length) != self.data.len() as u64 {
            return Err(P2pError::Build {
                what: "P2Pv1 chunk",
                reason: "header length differs from the payload length",
            });
        }
        self.header.check_range()?;
        Ok(self.to_bytes())
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

/// The chunk of `message` that starts at byte `offset` (p2p.md §3.4): `template`'s
/// SessionID, Identifier, Flags and AckIdentifier, `TotalSize = message.len()`, at most
/// `max_chunk` payload bytes (at least 1). An offset at or past the end gives an empty chunk.
/// [`split`] is this applied from offset 0; a sender streaming a large message calls it one
/// chunk at a time.
pub fn chunk_at(
    template: P2pHeader,
    message: &[u8],
    offset: usize,
    max_chunk: usize,
    footer: u32,
) -> P2pMessage<'_> {
    let size = max_chunk.clamp(1, u32::MAX as usize);
    let rest = message.get(offset..).unwrap_or_default();
    let piece = rest.get(..size.min(rest.len())).unwrap_or_default();
    P2pMessage {
        header: P2pHeader {
            data_offset: offset.min(message.len()) as u64,
            total_size: message.len() as u64,
            length: piece.len() as u32,
            ..template
        },
        data: Cow::Borrowed(piece),
        footer,
    }
}

/// Splits a whole message into switchboard chunks (p2p.md §3.4): every chunk carries
/// `template`'s SessionID, Identifier, Flags and AckIdentifier, `TotalSize = message.len()`,
/// an advancing Offset and at most `max_chunk` payload bytes (at least 1). An empty message
/// gives one empty chunk.
pub fn split<'m>(
    template: P2pHeader,
    message: &'m [u8],
    max_chunk: usize,
    footer: u32,
) -> impl Iterator<Item = P2pMessage<'m>> + 'm {
    let mut next = Some(0usize);
    std::iter::from_fn(move || {
        let offset = next?;
        let chunk = chunk_at(template, message, offset, max_chunk, footer);
        let end = offset + chunk.data.len();
        next = (end < message.len()).then_some(end);
        Some(chunk)
    })
}
