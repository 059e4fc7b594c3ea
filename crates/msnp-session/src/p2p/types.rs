//! The value types of the P2P machines: configuration, events, outcomes, what is sent.

use std::time::Duration;

use msnp_proto::p2p::{P2pError, P2pFraming, P2pLimits, P2pPayload, endpoint_guid, v1};
use msnp_proto::payload::mime::P2pMimeBody;
use msnp_proto::payload::msnobj::MsnObject;
use msnp_proto::version::ProtocolVersion;
use msnp_proto::{Handle, TrId};

use super::error::TransferError;
use super::state::{Role, TransferState};
use crate::SessionError;
use crate::switchboard::SwitchboardSession;

/// Who this side is on one switchboard link and how it sends.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct P2pConfig {
    /// The switchboard dialect (decides, with `P2P-Dest`, the framing of received chunks).
    pub version: ProtocolVersion,
    /// Our address: `handle`, or `handle;{guid}` with an endpoint GUID (MSNP16+ MPOP).
    pub local: String,
    /// The peer's address, same forms.
    pub peer: String,
    /// The framing we send with ([`P2pFraming::for_sending`]).
    pub framing: P2pFraming,
    /// Reassembly limits; also the largest object and file accepted.
    pub limits: P2pLimits,
    /// Largest payload per chunk sent; default [`v1::MAX_SB_CHUNK`] (1202), kept within
    /// 1..=1664 (the switchboard `MSG` limit).
    pub max_chunk: usize,
    /// Most transfers alive at once; default 16 (p2p.md §11.2 item 8).
    pub max_transfers: usize,
    /// How long a transfer waits for an ACK or for data from the peer; default 120 s
    /// (msnp-sharp's session inactivity timeout).
    pub timeout: Duration,
    /// How long an INVITE waits for the peer's answer (a user decides on a file);
    /// default 10 minutes.
    pub answer_timeout: Duration,
    /// Seed of the identifiers this side picks (SessionIDs, Call-IDs, branches, message
    /// counters): the machine has no random generator of its own.
    pub seed: u64,
}

impl P2pConfig {
    /// A configuration with the defaults; the sending framing follows the proto rule
    /// (P2Pv2 only on MSNP16+ when both addresses carry endpoint GUIDs and
    /// `peer_supports_p2pv2` — both sides advertise capability `0x20`).
    pub fn new(
        version: ProtocolVersion,
        local: impl Into<String>,
        peer: impl Into<String>,
        peer_supports_p2pv2: bool,
        seed: u64,
    ) -> Self {
        let (local, peer) = (local.into(), peer.into());
        let guids = endpoint_guid(&local).is_some() && endpoint_guid(&peer).is_some();
        Self {
            framing: P2pFraming::for_sending(version, guids, peer_supports_p2pv2),
            version,
            local,
            peer,
            limits: P2pLimits::default(),
            max_chunk: v1::MAX_SB_CHUNK,
            max_transfers: 16,
            timeout: Duration::from_secs(120),
            answer_timeout: Duration::from_secs(600),
            seed,
        }
    }

    /// Sets [`max_chunk`](Self::max_chunk).
    pub fn with_max_chunk(mut self, max_chunk: usize) -> Self {
        self.max_chunk = max_chunk;
        self
    }

    /// Sets [`limits`](Self::limits).
    pub fn with_limits(mut self, limits: P2pLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Sets [`timeout`](Self::timeout) and [`answer_timeout`](Self::answer_timeout).
    pub fn with_timeouts(mut self, timeout: Duration, answer_timeout: Duration) -> Self {
        self.timeout = timeout;
        self.answer_timeout = answer_timeout;
        self
    }

    /// An address as written on the wire in our framing: P2Pv1 uses the bare handle.
    pub(crate) fn wire_address(&self, address: &str) -> String {
        match self.framing {
            P2pFraming::V2 => address.to_owned(),
            P2pFraming::V1 => Handle::parse(address.trim())
                .map(|h| h.address().to_owned())
                .unwrap_or_else(|_| address.to_owned()),
        }
    }
}

/// A snapshot of one live transfer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct TransferInfo {
    /// The SessionID.
    pub session_id: u32,
    /// Which side we are.
    pub role: Role,
    /// Where it is.
    pub state: TransferState,
    /// Bytes of the object or file.
    pub size: u64,
}

/// How a transfer ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// All data was sent and acknowledged, or received (and, for objects, verified).
    Completed,
    /// The invitation was declined (`603`).
    Declined {
        /// Whether the peer declined (else we did).
        by_peer: bool,
    },
    /// A side closed the session before the end (BYE, or a v1 close/error flag).
    Cancelled {
        /// Whether the peer cancelled (else we did).
        by_peer: bool,
    },
    /// A protocol violation, a refusal or a timeout.
    Failed(TransferError),
}

/// What happened, in order; drained with [`P2pSession::poll_event`](super::P2pSession::poll_event).
/// After a transfer's [`Finished`](Self::Finished) no event names its SessionID again
/// (unless the peer opens a new transfer with the same SessionID).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum P2pEvent {
    /// The peer asked for one of our published objects; it is being served.
    ObjectRequested {
        /// The SessionID the peer chose.
        session_id: u32,
        /// The object, as published.
        object: MsnObject,
    },
    /// The peer offers a file: answer with [`accept`](super::P2pSession::accept) or
    /// [`decline`](super::P2pSession::decline).
    FileOffered {
        /// The SessionID the peer chose.
        session_id: u32,
        /// The file name, sanitised (no path, no control characters).
        file_name: String,
        /// Its size in bytes.
        size: u64,
        /// The preview image, when the context has one.
        preview: Option<Vec<u8>>,
    },
    /// The peer accepted our INVITE (`200 OK`).
    Accepted {
        /// The SessionID.
        session_id: u32,
    },
    /// A requested object arrived whole and matches its `SHA1D` and `Size`.
    ObjectReceived {
        /// The SessionID.
        session_id: u32,
        /// The object asked for.
        object: MsnObject,
        /// Its bytes.
        data: Vec<u8>,
    },
    /// Bytes of a file being received, in order.
    FileData {
        /// The SessionID.
        session_id: u32,
        /// Offset of `data` in the file.
        offset: u64,
        /// The bytes.
        data: Vec<u8>,
    },
    /// The transfer is over; nothing more will happen for it.
    Finished {
        /// The SessionID.
        session_id: u32,
        /// How it ended.
        outcome: Outcome,
    },
}

impl P2pEvent {
    /// The SessionID the event is about.
    pub fn session_id(&self) -> u32 {
        match self {
            Self::ObjectRequested { session_id, .. }
            | Self::FileOffered { session_id, .. }
            | Self::Accepted { session_id }
            | Self::ObjectReceived { session_id, .. }
            | Self::FileData { session_id, .. }
            | Self::Finished { session_id, .. } => *session_id,
        }
    }
}

/// One P2P chunk to send as a switchboard `MSG … D`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct P2pTransmit {
    /// `P2P-Dest`: the peer.
    pub dest: String,
    /// `P2P-Src`: us (P2Pv2 only).
    pub src: Option<String>,
    /// The binary part.
    pub payload: P2pPayload<'static>,
}

impl P2pTransmit {
    /// The MIME payload of the `MSG`: `MIME-Version`, `Content-Type:
    /// application/x-msnmsgrp2p`, `P2P-Dest`, `P2P-Src` (P2Pv2), the binary part.
    pub fn to_mime_bytes(&self) -> Result<Vec<u8>, P2pError> {
        let body = P2pMimeBody {
            dest: Some(self.dest.clone()),
            src: self.src.clone(),
            payload: self.payload.clone(),
            slp: None,
            session_request: None,
            slp_error: None,
        };
        Ok(body.to_mime()?.to_bytes())
    }

    /// Sends the chunk on `sb` as `MSG trid D len` (P2P data always uses ack mode `D`).
    ///
    /// # Errors
    /// Those of [`SwitchboardSession::send_message`]; a payload that does not encode is
    /// [`SessionError::Encode`].
    pub fn send_on(&self, sb: &mut SwitchboardSession) -> Result<TrId, SessionError> {
        let bytes = self.to_mime_bytes().map_err(|_| {
            SessionError::Encode(msnp_proto::error::EncodeError::Invalid {
                what: "P2P payload",
                reason: "does not encode",
            })
        })?;
        sb.send_message(msnp_proto::message::AckMode::Data, &bytes)
    }
}
