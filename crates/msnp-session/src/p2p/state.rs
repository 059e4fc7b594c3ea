//! Which side a transfer is and where it is.

/// Which side of which application a transfer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum Role {
    /// We asked the peer for one of its MSNObjects (display picture, emoticon).
    ObjectRequester,
    /// The peer asked for one of our published MSNObjects.
    ObjectOwner,
    /// We offered a file.
    FileSender,
    /// The peer offered a file.
    FileReceiver,
}

/// Where a live transfer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum TransferState {
    /// Our INVITE is out; waiting for `200 OK` or `603 Decline`.
    Inviting,
    /// The peer offers a file; waiting for [`P2pSession::accept`](super::P2pSession::accept)
    /// or [`decline`](super::P2pSession::decline).
    AwaitingUser,
    /// Our `200 OK` is out; waiting for its ACK (object owner).
    Accepting,
    /// The data preparation is out; waiting for its ACK (object owner, P2Pv1).
    Preparing,
    /// The data is being sent; waiting for its ACK.
    Sending,
    /// Waiting for the data.
    Receiving,
}
