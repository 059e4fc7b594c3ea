//! The binary P2Pv1 framing inside `application/x-msnmsgrp2p` messages: a 48-byte
//! little-endian header, the chunk data and a 4-byte big-endian footer.
//!
//! This path is kept for existing callers; the formats live in [`crate::p2p`] (P2Pv1 in
//! [`crate::p2p::v1`], P2Pv2, MSNSLP and reassembly beside it).
//!
//! ```
//! use msnp_proto::payload::p2p::{P2pHeader, flags};
//! let received = P2pHeader { session_id: 0, identifier: 10, data_offset: 0, total_size: 72,
//!     length: 72, flags: flags::NONE, ack_identifier: 77, ack_unique_id: 0, ack_data_size: 0 };
//! let ack = received.ack(11);
//! assert_eq!(ack.flags, flags::ACK);
//! assert_eq!(P2pHeader::parse(&ack.to_bytes()).unwrap(), ack);
//! ```

pub use crate::p2p::v1::{
    Class, FOOTER_LEN, HEADER_LEN, MAX_SB_CHUNK, P2pHeader, P2pMessage, app_id, flags, split,
};
