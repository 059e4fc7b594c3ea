//! P2Pv2 (WLM 2009): a variable-length big-endian transport header with TLVs, an optional
//! data header with TLVs, the payload and a 4-byte footer (p2p.md §4).
//!
//! Lengths are not stored: `HeaderLength`, `MessageLength` and `DataHeaderLength` follow from
//! the TLVs (padded with zeros to a multiple of 4) and the payload, so a parsed packet always
//! re-encodes to the same bytes and a built one is always consistent.
//!
//! ```
//! use msnp_proto::p2p::v2::{P2pV2Packet, HeaderTlv, op_code};
//! // WLM 2009's ACK capture (p2p.md §10.5): HL 16, ML 0, ACK TLV and two padding bytes.
//! let wire = [0x10, 0, 0, 0, 0x2f, 0x81, 0x2a, 0x19, 2, 4, 0x8f, 0xe7, 0x8f, 0xc1, 0, 0, 0, 0, 0, 0];
//! let p = P2pV2Packet::parse(&wire).unwrap();
//! assert_eq!(p.op_code, op_code::NONE);
//! assert_eq!(p.tlvs, vec![HeaderTlv::Ack(0x8fe78fc1)]);
//! assert!(p.data.is_none());
//! assert_eq!(p.to_bytes().unwrap(), wire);
//! ```

use std::borrow::Cow;

use super::error::P2pError;

/// Size of the transport header without TLVs.
pub const TRANSPORT_HEADER_MIN: usize = 8;
/// Size of the data header without TLVs.
pub const DATA_HEADER_MIN: usize = 8;
/// Size of the footer.
pub const FOOTER_LEN: usize = 4;
/// Largest header length a `u8` can hold that is a multiple of 4.
pub const MAX_HEADER_LEN: usize = 252;

/// The 12-byte peer-info value WLM 2009 sends (p2p.md §4.2); receivers treat it as opaque.
pub const WLM2009_PEER_INFO: [u8; 12] = [0, 2, 0, 0, 0, 0x0e, 0, 0, 0x0f, 1, 0, 0];

/// Transport-header `OpCode` bits.
pub mod op_code {
    /// No operation.
    pub const NONE: u8 = 0;
    /// SYN: the first packet on a new bridge (with the peer-info TLV).
    pub const SYN: u8 = 0x01;
    /// RAK: request for acknowledgement.
    pub const RAK: u8 = 0x02;
}

/// TLV type numbers.
pub mod tlv_type {
    /// Header TLV: client peer info (12 bytes).
    pub const PEER_INFO: u8 = 0x01;
    /// Header TLV: ACK, the next sequence number expected (u32).
    pub const ACK: u8 = 0x02;
    /// Header TLV: NAK (u32).
    pub const NAK: u8 = 0x03;
    /// Data TLV: bytes of the message still to come after this chunk (u64).
    pub const REMAINING: u8 = 0x01;
}

/// A transport-header TLV.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum HeaderTlv<'a> {
    /// `0x01`: client peer info, opaque (byte order differs between clients).
    PeerInfo([u8; 12]),
    /// `0x02`: ACK up to this sequence number.
    Ack(u32),
    /// `0x03`: NAK.
    Nak(u32),
    /// Any other type (never 0, which ends the block).
    Unknown {
        /// Type byte.
        tlv_type: u8,
        /// Value.
        #[cfg_attr(feature = "serde", serde(serialize_with = "crate::payload::serde_b64"))]
        value: Cow<'a, [u8]>,
    },
}

/// A data-header TLV.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum DataTlv<'a> {
    /// `0x01`: bytes of this message still to come after this chunk; absent on the last.
    Remaining(u64),
    /// Any other type (msnp-sharp knows an unnamed `0x02`); ignored.
    Unknown {
        /// Type byte.
        tlv_type: u8,
        /// Value.
        #[cfg_attr(feature = "serde", serde(serialize_with = "crate::payload::serde_b64"))]
        value: Cow<'a, [u8]>,
    },
}

/// The kind half of the TF byte (p2p.md §4.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum TfKind {
    /// `0x00`/`0x01`: SLP (session 0) or data preparation (session ≠ 0).
    Slp,
    /// `0x04`/`0x05`: MSNObject data.
    MsnObject,
    /// `0x06`/`0x07`: file data.
    File,
    /// Any other kind (the byte without its first bit); no source uses one.
    Other(u8),
}

/// The TF byte: bit 0 = first chunk of a message, the rest the kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct Tf(pub u8);

impl Tf {
    const FIRST: u8 = 0x01;

    /// The byte for `kind`, first chunk or not.
    pub const fn new(kind: TfKind, first: bool) -> Self {
        let k = match kind {
            TfKind::Slp => 0,
            TfKind::MsnObject => 0x04,
            TfKind::File => 0x06,
            TfKind::Other(b) => b & !Self::FIRST,
        };
        Self(k | if first { Self::FIRST } else { 0 })
    }

    /// Whether this is the first chunk of a message.
    pub const fn is_first(self) -> bool {
        self.0 & Self::FIRST != 0
    }

    /// The kind.
    pub const fn kind(self) -> TfKind {
        match self.0 & !Self::FIRST {
            0 => TfKind::Slp,
            0x04 => TfKind::MsnObject,
            0x06 => TfKind::File,
            other => TfKind::Other(other),
        }
    }
}

/// The data header and payload of a packet whose `MessageLength` is not 0.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct DataPacket<'a> {
    /// Type/first combination.
    pub tf: Tf,
    /// Equal in all chunks of one message; with `session_id` the reassembly key.
    pub package_number: u16,
    /// 0 for SLP, else the negotiated SessionID.
    pub session_id: u32,
    /// Data TLVs in wire order.
    pub tlvs: Vec<DataTlv<'a>>,
    /// The chunk payload.
    #[cfg_attr(feature = "serde", serde(serialize_with = "crate::payload::serde_b64"))]
    pub payload: Cow<'a, [u8]>,
}

impl<'a> DataPacket<'a> {
    /// The remaining-bytes TLV, when present (absent on the last chunk).
    pub fn remaining(&self) -> Option<u64> {
        self.tlvs.iter().find_map(|t| match t {
            DataTlv::Remaining(n) => Some(*n),
            DataTlv::Unknown { .. } => None,
        })
    }

    /// `DataHeaderLength`: 8 + the padded TLV block.
    pub fn header_length(&self) -> usize {
        DATA_HEADER_MIN + padded(self.tlvs.iter().map(DataTlv::encoded_len).sum())
    }

    /// Owned copy.
    pub fn into_owned(self) -> DataPacket<'static> {
        DataPacket {
            tf: self.tf,
            package_number: self.package_number,
            session_id: self.session_id,
            tlvs: self.tlvs.into_iter().map(DataTlv::into_owned).collect(),
            payload: Cow::Owned(self.payload.into_owned()),
        }
    }

    fn parse(d: &'a [u8], base: usize) -> Result<Self, P2pError> {
        let Some(fixed) = d.first_chunk::<DATA_HEADER_MIN>() else {
            return Err(P2pError::TooShort {
                what: "P2Pv2 data header",
                needed: DATA_HEADER_MIN,
                got: d.len(),
            });
        };
        let dhl = fixed[0];
        let rule = if usize::from(dhl) < DATA_HEADER_MIN {
            Some("below 8")
        } else if dhl % 4 != 0 {
            Some("not a multiple of 4")
        } else if usize::from(dhl) > d.len() {
            Some("longer than MessageLength")
        } else {
            None
        };
        if let Some(reason) = rule {
            return Err(P2pError::BadHeaderLength {
                what: "DataHeaderLength",
                offset: base,
                value: dhl,
                reason,
            });
        }
        let block = d.get(DATA_HEADER_MIN..usize::from(dhl)).unwrap_or_default();
        let tlvs = read_tlvs(block, base + DATA_HEADER_MIN, |t, v, at| {
            Ok(match t {
                tlv_type::REMAINING => DataTlv::Remaining(u64::from_be_bytes(fixed_len(t, v, at)?)),
                _ => DataTlv::Unknown {
                    tlv_type: t,
                    value: Cow::Borrowed(v),
                },
            })
        })?;
        Ok(Self {
            tf: Tf(fixed[1]),
            package_number: u16::from_be_bytes([fixed[2], fixed[3]]),
            session_id: u32::from_be_bytes([fixed[4], fixed[5], fixed[6], fixed[7]]),
            tlvs,
            payload: Cow::Borrowed(d.get(usize::from(dhl)..).unwrap_or_default()),
        })
    }

    fn write(&self, out: &mut Vec<u8>) -> Result<(), P2pError> {
        let dhl = self.header_length();
        let dhl = u8::try_from(dhl)
            .ok()
            .filter(|&h| usize::from(h) <= MAX_HEADER_LEN)
            .ok_or(P2pError::Build {
                what: "P2Pv2 data header",
                reason: "TLVs longer than 244 bytes",
            })?;
        out.push(dhl);
        out.push(self.tf.0);
        out.extend_from_slice(&self.package_number.to_be_bytes());
        out.extend_from_slice(&self.session_id.to_be_bytes());
        write_tlvs(out, self.tlvs.iter().map(DataTlv::parts))?;
        out.extend_from_slice(&self.payload);
        Ok(())
    }
}

/// One P2Pv2 packet as carried in a switchboard `MSG` (or, without the footer, on a direct
/// connection).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct P2pV2Packet<'a> {
    /// OpCode bits ([`op_code`]).
    pub op_code: u8,
    /// The sender's sequence number.
    pub sequence: u32,
    /// Transport-header TLVs in wire order.
    pub tlvs: Vec<HeaderTlv<'a>>,
    /// Data header and payload; `None` for control packets (`MessageLength` 0).
    pub data: Option<DataPacket<'a>>,
    /// Footer (0 from WLM 2009; ignored on receipt).
    pub footer: u32,
}

impl<'a> P2pV2Packet<'a> {
    /// Parses a whole packet, enforcing p2p.md §11.2 item 2: at least 12 bytes;
    /// `HeaderLength ≥ 8`, a multiple of 4; `HeaderLength + MessageLength + 4` equal to the
    /// bytes present; TLVs inside their block with their fixed lengths; padding zeros and
    /// shorter than 4; `8 ≤ DataHeaderLength ≤ MessageLength` when `MessageLength > 0`.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, P2pError> {
        let min = TRANSPORT_HEADER_MIN + FOOTER_LEN;
        let Some(fixed) = bytes.first_chunk::<TRANSPORT_HEADER_MIN>() else {
            return Err(P2pError::TooShort {
                what: "P2Pv2 packet",
                needed: min,
                got: bytes.len(),
            });
        };
        if bytes.len() < min {
            return Err(P2pError::TooShort {
                what: "P2Pv2 packet",
                needed: min,
                got: bytes.len(),
            });
        }
        let hl = fixed[0];
        if usize::from(hl) < TRANSPORT_HEADER_MIN || hl % 4 != 0 {
            return Err(P2pError::BadHeaderLength {
                what: "HeaderLength",
                offset: 0,
                value: hl,
                reason: "below 8 or not a multiple of 4",
            });
        }
        let ml = u16::from_be_bytes([fixed[2], fixed[3]]);
        let declared = u64::from(hl) + u64::from(ml) + FOOTER_LEN as u64;
        if declared != bytes.len() as u64 {
            return Err(P2pError::LengthMismatch {
                what: "P2Pv2 HeaderLength + MessageLength",
                declared,
                present: bytes.len() as u64,
            });
        }
        let hl = usize::from(hl);
        let block = bytes.get(TRANSPORT_HEADER_MIN..hl).unwrap_or_default();
        let tlvs = read_tlvs(block, TRANSPORT_HEADER_MIN, |t, v, at| {
            Ok(match t {
                tlv_type::PEER_INFO => HeaderTlv::PeerInfo(fixed_len(t, v, at)?),
                tlv_type::ACK => HeaderTlv::Ack(u32::from_be_bytes(fixed_len(t, v, at)?)),
                tlv_type::NAK => HeaderTlv::Nak(u32::from_be_bytes(fixed_len(t, v, at)?)),
                _ => HeaderTlv::Unknown {
                    tlv_type: t,
                    value: Cow::Borrowed(v),
                },
            })
        })?;
        let data = match ml {
            0 => None,
            ml => {
                let d = bytes.get(hl..hl + usize::from(ml)).unwrap_or_default();
                Some(DataPacket::parse(d, hl)?)
            }
        };
        let footer = bytes
            .last_chunk::<FOOTER_LEN>()
            .map_or(0, |f| u32::from_be_bytes(*f));
        Ok(Self {
            op_code: fixed[1],
            sequence: u32::from_be_bytes([fixed[4], fixed[5], fixed[6], fixed[7]]),
            tlvs,
            data,
            footer,
        })
    }

    /// `HeaderLength`: 8 + the padded TLV block.
    pub fn header_length(&self) -> usize {
        TRANSPORT_HEADER_MIN + padded(self.tlvs.iter().map(HeaderTlv::encoded_len).sum())
    }

    /// `MessageLength`: data header + payload, 0 without data.
    pub fn message_length(&self) -> usize {
        self.data
            .as_ref()
            .map_or(0, |d| d.header_length() + d.payload.len())
    }

    /// The value an ACK of this packet carries: `SequenceNumber + MessageLength` (mod 2³²).
    pub fn ack_value(&self) -> u32 {
        self.sequence.wrapping_add(self.message_length() as u32)
    }

    /// Whether the SYN bit is set.
    pub const fn is_syn(&self) -> bool {
        self.op_code & op_code::SYN != 0
    }

    /// Whether the RAK bit is set: the peer wants an ACK.
    pub const fn is_rak(&self) -> bool {
        self.op_code & op_code::RAK != 0
    }

    /// The first ACK TLV, if any.
    pub fn ack(&self) -> Option<u32> {
        self.tlvs.iter().find_map(|t| match t {
            HeaderTlv::Ack(n) => Some(*n),
            _ => None,
        })
    }

    /// Encodes the packet; fails when a TLV block passes 244 bytes, a TLV value 255 bytes, a
    /// TLV has type 0, or the data passes 65535 bytes.
    pub fn to_bytes(&self) -> Result<Vec<u8>, P2pError> {
        let hl = u8::try_from(self.header_length())
            .ok()
            .filter(|&h| usize::from(h) <= MAX_HEADER_LEN)
            .ok_or(P2pError::Build {
                what: "P2Pv2 transport header",
                reason: "TLVs longer than 244 bytes",
            })?;
        let ml = u16::try_from(self.message_length()).map_err(|_| P2pError::Build {
            what: "P2Pv2 packet",
            reason: "data header and payload longer than 65535 bytes",
        })?;
        let mut out = Vec::with_capacity(usize::from(hl) + usize::from(ml) + FOOTER_LEN);
        out.push(hl);
        out.push(self.op_code);
        out.extend_from_slice(&ml.to_be_bytes());
        out.extend_from_slice(&self.sequence.to_be_bytes());
        write_tlvs(&mut out, self.tlvs.iter().map(HeaderTlv::parts))?;
        if let Some(d) = &self.data {
            d.write(&mut out)?;
        }
        out.extend_from_slice(&self.footer.to_be_bytes());
        Ok(out)
    }

    /// Owned copy.
    pub fn into_owned(self) -> P2pV2Packet<'static> {
        P2pV2Packet {
            op_code: self.op_code,
            sequence: self.sequence,
            tlvs: self.tlvs.into_iter().map(HeaderTlv::into_owned).collect(),
            data: self.data.map(DataPacket::into_owned),
            footer: self.footer,
        }
    }
}

impl HeaderTlv<'_> {
    /// Type and value; an `Unknown` may not use a known type (it would parse back as that).
    fn parts(&self) -> Result<(u8, Cow<'_, [u8]>), P2pError> {
        Ok(match self {
            Self::PeerInfo(v) => (tlv_type::PEER_INFO, Cow::Borrowed(&v[..])),
            Self::Ack(n) => (tlv_type::ACK, Cow::Owned(n.to_be_bytes().to_vec())),
            Self::Nak(n) => (tlv_type::NAK, Cow::Owned(n.to_be_bytes().to_vec())),
            Self::Unknown { tlv_type, .. }
                if matches!(
                    *tlv_type,
                    tlv_type::PEER_INFO | tlv_type::ACK | tlv_type::NAK
                ) =>
            {
                return Err(KNOWN_AS_UNKNOWN);
            }
            Self::Unknown { tlv_type, value } => (*tlv_type, Cow::Borrowed(value.as_ref())),
        })
    }

    fn encoded_len(&self) -> usize {
        2 + match self {
            Self::PeerInfo(_) => 12,
            Self::Ack(_) | Self::Nak(_) => 4,
            Self::Unknown { value, .. } => value.len(),
        }
    }

    /// Owned copy.
    pub fn into_owned(self) -> HeaderTlv<'static> {
        match self {
            Self::PeerInfo(v) => HeaderTlv::PeerInfo(v),
            Self::Ack(n) => HeaderTlv::Ack(n),
            Self::Nak(n) => HeaderTlv::Nak(n),
            Self::Unknown { tlv_type, value } => HeaderTlv::Unknown {
                tlv_type,
                value: Cow::Owned(value.into_owned()),
            },
        }
    }
}

/// Building an `Unknown` TLV whose type has a meaning.
const KNOWN_AS_UNKNOWN: P2pError = P2pError::Build {
    what: "P2Pv2 TLV",
    reason: "an unknown TLV uses a known type",
};

impl DataTlv<'_> {
    /// Type and value; an `Unknown` may not use a known type (it would parse back as that).
    fn parts(&self) -> Result<(u8, Cow<'_, [u8]>), P2pError> {
        Ok(match self {
            Self::Remaining(n) => (tlv_type::REMAINING, Cow::Owned(n.to_be_bytes().to_vec())),
            Self::Unknown { tlv_type, .. } if *tlv_type == tlv_type::REMAINING => {
                return Err(KNOWN_AS_UNKNOWN);
            }
            Self::Unknown { tlv_type, value } => (*tlv_type, Cow::Borrowed(value.as_ref())),
        })
    }

    fn encoded_len(&self) -> usize {
        2 + match self {
            Self::Remaining(_) => 8,
            Self::Unknown { value, .. } => value.len(),
        }
    }

    /// Owned copy.
    pub fn into_owned(self) -> DataTlv<'static> {
        match self {
            Self::Remaining(n) => DataTlv::Remaining(n),
            Self::Unknown { tlv_type, value } => DataTlv::Unknown {
                tlv_type,
                value: Cow::Owned(value.into_owned()),
            },
        }
    }
}

/// `n` rounded up to a multiple of 4.
const fn padded(n: usize) -> usize {
    n.div_ceil(4) * 4
}

/// The value of a fixed-length TLV as an array, or the length error.
fn fixed_len<const N: usize>(tlv: u8, v: &[u8], at: usize) -> Result<[u8; N], P2pError> {
    <[u8; N]>::try_from(v).map_err(|_| P2pError::TlvLength {
        offset: at,
        tlv_type: tlv,
        expected: N as u8,
        got: v.len() as u8,
    })
}

/// Reads `type | length | value` items until the block ends or a type byte of 0 starts the
/// padding, which must be zeros and reach exactly the next multiple of 4 (so the block
/// re-encodes to the same bytes). `base` is the block's offset in the packet.
fn read_tlvs<'a, T>(
    block: &'a [u8],
    base: usize,
    mut item: impl FnMut(u8, &'a [u8], usize) -> Result<T, P2pError>,
) -> Result<Vec<T>, P2pError> {
    let mut out = Vec::new();
    let mut pos = 0usize;
    while let Some(&t) = block.get(pos) {
        if t == 0 {
            break;
        }
        let available = block.len() - pos;
        let len = block.get(pos + 1).map_or(0, |&l| usize::from(l));
        let Some(value) = block.get(pos + 2..pos + 2 + len) else {
            return Err(P2pError::TlvOverrun {
                offset: base + pos,
                tlv_type: t,
                needed: 2 + len,
                available,
            });
        };
        out.push(item(t, value, base + pos)?);
        pos += 2 + len;
    }
    if let Some(i) = block
        .get(pos..)
        .and_then(|p| p.iter().position(|&b| b != 0))
    {
        return Err(P2pError::BadPadding {
            offset: base + pos + i,
            reason: "padding byte is not zero",
        });
    }
    if block.len() != padded(pos) {
        return Err(P2pError::BadPadding {
            offset: base + pos,
            reason: "padding longer than needed for a multiple of 4",
        });
    }
    Ok(out)
}

/// Writes TLVs and the zero padding to a multiple of 4.
fn write_tlvs<'t>(
    out: &mut Vec<u8>,
    tlvs: impl Iterator<Item = Result<(u8, Cow<'t, [u8]>), P2pError>>,
) -> Result<(), P2pError> {
    let start = out.len();
    for tlv in tlvs {
        let (t, v) = tlv?;
        let len = u8::try_from(v.len()).map_err(|_| P2pError::Build {
            what: "P2Pv2 TLV",
            reason: "value longer than 255 bytes",
        })?;
        if t == 0 {
            return Err(P2pError::Build {
                what: "P2Pv2 TLV",
                reason: "type 0 marks padding",
            });
        }
        out.push(t);
        out.push(len);
        out.extend_from_slice(&v);
    }
    let written = out.len() - start;
    out.resize(start + padded(written), 0);
    Ok(())
}

/// The data packet of `message` that starts at byte `offset` (p2p.md §4.7): the first bit
/// when `offset` is 0, the remaining-bytes TLV unless it is the last, `package_number` and
/// `session_id`, at most `max_chunk` payload bytes (at least 1). An offset at or past the end
/// gives an empty last packet. [`split`] is this applied from offset 0; a sender streaming a
/// large message calls it one packet at a time.
pub fn chunk_at(
    kind: TfKind,
    package_number: u16,
    session_id: u32,
    message: &[u8],
    offset: usize,
    max_chunk: usize,
) -> DataPacket<'_> {
    let rest = message.get(offset..).unwrap_or_default();
    let piece = rest
        .get(..max_chunk.max(1).min(rest.len()))
        .unwrap_or_default();
    let remaining = (rest.len() - piece.len()) as u64;
    DataPacket {
        tf: Tf::new(kind, offset == 0),
        package_number,
        session_id,
        tlvs: if remaining > 0 {
            vec![DataTlv::Remaining(remaining)]
        } else {
            Vec::new()
        },
        payload: Cow::Borrowed(piece),
    }
}

/// Splits a whole message into data packets (p2p.md §4.7): the first has the first bit, all
/// but the last the remaining-bytes TLV, all `package_number` and `session_id`; at most
/// `max_chunk` payload bytes each (at least 1). An empty message gives one empty packet.
pub fn split<'m>(
    kind: TfKind,
    package_number: u16,
    session_id: u32,
    message: &'m [u8],
    max_chunk: usize,
) -> impl Iterator<Item = DataPacket<'m>> + 'm {
    let mut next = Some(0usize);
    std::iter::from_fn(move || {
        let offset = next?;
        let chunk = chunk_at(kind, package_number, session_id, message, offset, max_chunk);
        let end = offset + chunk.payload.len();
        next = (end < message.len()).then_some(end);
        Some(chunk)
    })
}
