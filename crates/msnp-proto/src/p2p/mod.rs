//! Peer-to-peer transfers over the switchboard (p2p.md): the P2Pv1 and P2Pv2 binary framings,
//! MSNSLP signalling, the INVITE contexts and the reassembly of chunked messages. Formats
//! only; the transfer machines live in `msnp-session`.
//!
//! | module | content |
//! | --- | --- |
//! | [`v1`] | 48-byte header, footer, flags, AppIDs, chunk splitting |
//! | [`v2`] | transport header + TLVs, data header + TLVs, TF, padding |
//! | [`slp`] | MSNSLP start line, headers, bodies, GUIDs |
//! | [`context`] | file-transfer context, MSNObject context |
//! | [`reassembly`] | chunk reassembly with explicit limits ([`P2pLimits`]) |
//!
//! Which framing a received `application/x-msnmsgrp2p` body uses is decided by
//! [`P2pFraming::for_received`] from the dialect and the `P2P-Dest` header, never by trying
//! one parser after the other:
//!
//! ```
//! use msnp_proto::ProtocolVersion;
//! use msnp_proto::p2p::{P2pFraming, P2pPayload};
//! let dest = "bob@example.com;{a9d2f6e0-41b7-4c3a-b5e8-0f6d2c7e9a41}";
//! let framing = P2pFraming::for_received(ProtocolVersion::Msnp18, Some(dest));
//! assert_eq!(framing, P2pFraming::V2);
//! assert_eq!(P2pFraming::for_received(ProtocolVersion::Msnp18, Some("bob@example.com")), P2pFraming::V1);
//! let bare_rak = [0x08, 0x02, 0, 0, 0xe0, 0x93, 0xf1, 0x0b, 0, 0, 0, 0];
//! let P2pPayload::V2(p) = P2pPayload::parse(framing, &bare_rak).unwrap() else { panic!() };
//! assert!(p.is_rak());
//! ```

pub mod context;
pub mod error;
pub mod reassembly;
pub mod slp;
pub mod v1;
pub mod v2;

pub use error::P2pError;
pub use reassembly::{
    Completed, MessageKey, MessageKind, P2pLimits, Progress, Reassembler, ReassemblyError,
};
pub use slp::{Guid, SlpMessage};
pub use v1::{P2pHeader, P2pMessage};
pub use v2::P2pV2Packet;

use crate::network::Handle;
use crate::version::ProtocolVersion;

/// The binary framing of a P2P payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum P2pFraming {
    /// 48-byte header (MSNP9–15 always; MSNP16+ without endpoint GUIDs).
    V1,
    /// Variable header with TLVs (MSNP16+ between MPOP endpoints).
    V2,
}

/// The first protocol version that may carry P2Pv2.
pub const FIRST_V2_VERSION: ProtocolVersion = ProtocolVersion::Msnp16;

/// The endpoint GUID of a `P2P-Dest`/`P2P-Src` value (`handle;{guid}`), if it has one.
pub fn endpoint_guid(address: &str) -> Option<Guid> {
    let h = Handle::parse(address.trim()).ok()?;
    Guid::parse(h.endpoint()?)
}

impl P2pFraming {
    /// The framing of a received chunk (p2p.md §1): P2Pv2 when the dialect is MSNP16 or later
    /// and `P2P-Dest` names an endpoint (`handle;{guid}`); P2Pv1 otherwise (bare handle, no
    /// header, or an older dialect). `version` is the dialect's (`Dialect::version`).
    pub fn for_received(version: ProtocolVersion, p2p_dest: Option<&str>) -> Self {
        if version >= FIRST_V2_VERSION && p2p_dest.and_then(endpoint_guid).is_some() {
            Self::V2
        } else {
            Self::V1
        }
    }

    /// The framing to send with (p2p.md §1, §12 #16): P2Pv2 only on MSNP16+ when both
    /// endpoints have endpoint GUIDs (MPOP) and both advertise the extended capability
    /// `0x20` (SupportsPeerToPeerV2).
    pub fn for_sending(
        version: ProtocolVersion,
        both_have_endpoint_guids: bool,
        both_support_p2pv2: bool,
    ) -> Self {
        if version >= FIRST_V2_VERSION && both_have_endpoint_guids && both_support_p2pv2 {
            Self::V2
        } else {
            Self::V1
        }
    }
}

/// A P2P binary part in the framing chosen by [`P2pFraming`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(tag = "framing", rename_all = "snake_case"))]
pub enum P2pPayload<'a> {
    /// P2Pv1 chunk.
    V1(P2pMessage<'a>),
    /// P2Pv2 packet.
    V2(P2pV2Packet<'a>),
}

impl<'a> P2pPayload<'a> {
    /// Parses `bytes` in `framing`.
    pub fn parse(framing: P2pFraming, bytes: &'a [u8]) -> Result<Self, P2pError> {
        match framing {
            P2pFraming::V1 => P2pMessage::parse(bytes).map(Self::V1),
            P2pFraming::V2 => P2pV2Packet::parse(bytes).map(Self::V2),
        }
    }

    /// Encodes (checked: the result parses back to an equal value).
    pub fn to_bytes(&self) -> Result<Vec<u8>, P2pError> {
        match self {
            Self::V1(m) => m.try_to_bytes(),
            Self::V2(p) => p.to_bytes(),
        }
    }

    /// The bytes of a whole MSNSLP message when this chunk carries one entire (session 0,
    /// SLP data, first chunk holding all `TotalSize` bytes); `None` for control packets,
    /// object or file data and parts of a chunked SLP message (those need the
    /// [`Reassembler`]).
    pub fn whole_slp(&self) -> Option<&[u8]> {
        let bytes: &[u8] = match self {
            Self::V1(m) => {
                let h = &m.header;
                let whole = h.class() == v1::Class::Normal
                    && h.session_id == 0
                    && h.data_offset == 0
                    && u64::from(h.length) == h.total_size;
                if !whole {
                    return None;
                }
                &m.data
            }
            Self::V2(p) => {
                let d = p.data.as_ref()?;
                let whole = d.tf.kind() == v2::TfKind::Slp
                    && d.tf.is_first()
                    && d.session_id == 0
                    && d.remaining().unwrap_or(0) == 0;
                if !whole {
                    return None;
                }
                &d.payload
            }
        };
        (!bytes.is_empty()).then_some(bytes)
    }

    /// Owned copy.
    pub fn into_owned(self) -> P2pPayload<'static> {
        match self {
            Self::V1(m) => P2pPayload::V1(m.into_owned()),
            Self::V2(p) => P2pPayload::V2(p.into_owned()),
        }
    }
}
