#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

/// The workspace README's examples (among them the `std::net` client loop), compiled as
/// doctests against this crate, which sees every crate they use.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;

mod address_book;
mod auth;
mod circle;
pub mod digest;
pub mod login;
mod machine;
pub mod notification;
pub mod p2p;
pub mod roster;
pub mod server;
pub mod switchboard;
mod violation;

pub use login::{
    ClientInfo, ClientLogin, Credentials, LoginConfig, LoginError, LoginEvent, LoginPhase,
    ProductPair, TicketRequest,
};
pub use notification::{NotificationSession, Request, SessionConfig, SessionEvent, SessionPhase};
pub use p2p::{
    Outcome, P2pConfig, P2pEvent, P2pSession, P2pTransmit, Role, TransferError, TransferInfo,
    TransferState,
};
pub use roster::{
    Circle, CircleMember, Contact, ContactPresence, ListVersion, PresenceChanges, Privacy, Roster,
    RosterGroup,
};
pub use server::{
    ClientCredentials, CvrAnswer, Referral, ServerConfig, ServerEvent, ServerLogin, ServerPhase,
};
pub use switchboard::{
    Participant, SwitchboardConfig, SwitchboardError, SwitchboardEvent, SwitchboardPhase,
    SwitchboardSession,
};
pub use violation::{Problem, ProtocolViolation};

use msnp_proto::error::{DecodeError, EncodeError};

/// Misuse of a session machine, or input it cannot frame. Protocol-level failures reported by
/// the server are events ([`LoginEvent::Failed`], [`SwitchboardEvent::Failed`]), not errors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// A configuration value is unusable.
    #[error("configuration: {field} {reason}")]
    Config {
        /// The field.
        field: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A method was called in a state where it makes no sense.
    #[error("{call} is not possible while {state}")]
    WrongState {
        /// The method.
        call: &'static str,
        /// What the machine is doing.
        state: &'static str,
    },
    /// Input after the machine finished (failed, closed, logged out).
    #[error("the session is finished")]
    Finished,
    /// Input while a reconnect is pending (call `connected` first).
    #[error("input while a reconnect is pending")]
    NotConnected,
    /// The server's bytes are not valid framing; the machine is finished.
    #[error("framing: {0}")]
    Decode(#[from] DecodeError),
    /// A command could not be built (an argument with a space, a payload too large, …).
    #[error("encoding: {0}")]
    Encode(#[from] EncodeError),
    /// An authentication computation failed (e.g. an MBI blob from an empty secret).
    #[error("authentication: {0}")]
    Auth(msnp_auth::AuthError),
}
