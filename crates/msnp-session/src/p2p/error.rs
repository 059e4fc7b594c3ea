//! [`TransferError`]: why a P2P payload was refused or a transfer ended badly.

use msnp_proto::p2p::reassembly::ReassemblyError;
use msnp_proto::p2p::{Guid, P2pError};
use msnp_proto::payload::error::PayloadError;

use super::state::TransferState;

/// Why [`P2pSession`](super::P2pSession) refused an input or a call, or why a transfer
/// failed ([`Outcome::Failed`](super::Outcome::Failed)). A refused chunk changes nothing but
/// (when it names a live transfer) that transfer, which then ends with the same error; the
/// link itself stays usable (p2p.md §11.2: reject the chunk, keep the link).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TransferError {
    /// Input or a call after [`P2pSession::close`](super::P2pSession::close).
    #[error("the P2P session is closed")]
    Closed,
    /// A switchboard message that is not `application/x-msnmsgrp2p`.
    #[error("not a P2P message (Content-Type {0:?})")]
    NotP2p(Option<String>),
    /// The MIME framing of the switchboard message.
    #[error("MIME: {0}")]
    Mime(PayloadError),
    /// The binary part is not a valid P2Pv1 chunk / P2Pv2 packet.
    #[error("P2P framing: {0}")]
    Format(P2pError),
    /// The chunk breaks a reassembly rule or limit.
    #[error("reassembly: {0}")]
    Reassembly(ReassemblyError),
    /// A whole MSNSLP message that does not parse or lacks a required header or body key.
    #[error("MSNSLP: {0}")]
    Slp(P2pError),
    /// Data or a close for a SessionID with no transfer (p2p.md §11.2 item 9).
    #[error("no transfer with SessionID {0}")]
    UnknownSession(u32),
    /// An MSNSLP response for a `Call-ID` with no transfer.
    #[error("no transfer with Call-ID {0}")]
    UnknownCall(Guid),
    /// Data for a transfer that is not receiving it (wrong direction, wrong kind, before the
    /// session was accepted).
    #[error("unexpected {what} for SessionID {session_id} while {state:?}")]
    UnexpectedData {
        /// The session.
        session_id: u32,
        /// What arrived.
        what: &'static str,
        /// The transfer's state.
        state: TransferState,
    },
    /// An INVITE whose `Context` is missing, not base64, or not a valid MSNObject / file
    /// context (answered with `500`).
    #[error("bad context in the INVITE of SessionID {session_id}: {error}")]
    BadContext {
        /// The session.
        session_id: u32,
        /// What is wrong.
        error: P2pError,
    },
    /// An INVITE for SessionID 0 or one already in use (answered with `500`).
    #[error("SessionID {0} is 0 or already in use")]
    SessionInUse(u32),
    /// More transfers than [`P2pConfig::max_transfers`](super::P2pConfig::max_transfers)
    /// (an INVITE is answered with `603`).
    #[error("more than {max} transfers")]
    TooManyTransfers {
        /// The limit.
        max: usize,
    },
    /// An object or file larger than the [`P2pLimits`](msnp_proto::p2p::P2pLimits) allow.
    #[error("{what} of {size} bytes exceeds the limit of {max}")]
    TooLarge {
        /// Object or file.
        what: &'static str,
        /// Its size.
        size: u64,
        /// The limit.
        max: u64,
    },
    /// An MSNObject of 0 bytes: there would be no data message to carry it.
    #[error("an MSNObject of 0 bytes cannot be transferred")]
    EmptyObject,
    /// Data whose size differs from the one the INVITE announced (a size lie).
    #[error("SessionID {session_id}: data of {announced} bytes, {expected} announced")]
    SizeMismatch {
        /// The session.
        session_id: u32,
        /// Size from the MSNObject / file context.
        expected: u64,
        /// Size the data chunks announce.
        announced: u64,
    },
    /// A received object whose bytes do not match the MSNObject's `SHA1D` and `Size`, or
    /// a published object whose bytes do not match it.
    #[error("SessionID {session_id}: data does not match the MSNObject's SHA1D and Size")]
    ObjectMismatch {
        /// The session (0 for [`P2pSession::publish_object`](super::P2pSession::publish_object)).
        session_id: u32,
    },
    /// The peer answered the INVITE with an error status (500, 404, 481, …).
    #[error("SessionID {session_id}: the peer answered {code}")]
    Refused {
        /// The session.
        session_id: u32,
        /// The MSNSLP status code.
        code: u16,
    },
    /// The peer was silent for longer than the configured timeout.
    #[error("SessionID {session_id}: no answer from the peer while {state:?}")]
    TimedOut {
        /// The session.
        session_id: u32,
        /// What the transfer was waiting for.
        state: TransferState,
    },
    /// A call that does not fit the transfer's state (accepting a transfer that is not
    /// offered, …).
    #[error("{call} is not possible for SessionID {session_id} while {state:?}")]
    WrongState {
        /// The session.
        session_id: u32,
        /// The method.
        call: &'static str,
        /// The transfer's state.
        state: TransferState,
    },
    /// An MSNSLP message could not be built (a bad address in the configuration, …).
    #[error("building MSNSLP: {0}")]
    Build(P2pError),
}
