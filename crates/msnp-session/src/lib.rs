//! msnp-session: sans-IO session state machines: the client side of the notification-server login
//! ([`ClientLogin`]), of the session that follows it on the same connection
//! ([`NotificationSession`]: contact list as a [`Roster`], presence, challenges, keepalive on the
//! caller's clock, roster requests, switchboard invitations; a complete `std::net` client loop is
//! in the workspace README, compiled as this crate's doctest) and of a switchboard session
//! ([`SwitchboardSession`]) with the peer-to-peer transfers carried over it ([`P2pSession`]:
//! display pictures, custom emoticons and files over P2Pv1 and P2Pv2), and the server side of
//! the login ([`ServerLogin`]).
//!
//! Like `quinn-proto`, a machine never touches a socket, a clock or a random generator. The
//! caller owns the connection: it feeds the bytes it read to `handle_input`, writes what
//! `poll_transmit` hands out, and acts on what `poll_event` reports — opening the next
//! connection on [`LoginEvent::Reconnect`], fetching a Passport ticket on
//! [`LoginEvent::TicketNeeded`]. Nonces and IVs are arguments.
//!
//! # A complete login loop
//!
//! Here a scripted MSNP8 server stands in for the sockets: the dispatch server refers the
//! client to a notification server, which asks for a Passport ticket.
//!
//! ```
//! use msnp_session::{ClientInfo, ClientLogin, Credentials, LoginConfig, LoginEvent, TicketRequest};
//! use msnp_proto::ProtocolVersion;
//!
//! let client = ClientInfo {
//!     locale: "0x0409".into(), os_type: "winnt".into(), os_version: "5.1".into(),
//!     arch: "i386".into(), library: "MSNMSGR".into(), client_version: "5.0.0544".into(),
//!     client_id: "MSMSGS".into(),
//! };
//! let config = LoginConfig::new("alice@hotmail.com", vec![ProtocolVersion::Msnp8], client, Credentials::Ticket);
//! let mut login = ClientLogin::new(config)?;
//!
//! // What each server says in reply to each client line, per connection.
//! let mut servers = vec![
//!     vec![&b"VER 1 MSNP8\r\n"[..], b"CVR 2 5.0.0544 5.0.0544 5.0.0540 http://x http://y\r\n",
//!          b"XFR 3 NS 198.51.100.21:1863 0 198.51.100.10:1863\r\n"],
//!     vec![&b"VER 4 MSNP8\r\n"[..], b"CVR 5 5.0.0544 5.0.0544 5.0.0540 http://x http://y\r\n",
//!          b"USR 6 TWN S lc=1033,id=507,tw=40\r\n", b"USR 7 OK alice@hotmail.com Alice 1 0\r\n"],
//! ];
//! servers.reverse();
//! let mut server = servers.pop().unwrap().into_iter();
//! let mut sent = Vec::new();
//! let mut logged_in = false;
//! while !logged_in {
//!     // 1. Write everything the machine wants sent; the scripted server answers each line.
//!     while let Some(cmd) = login.poll_transmit() {
//!         sent.push(String::from_utf8_lossy(cmd.frame()).into_owned());
//!         if let Some(reply) = server.next() {
//!             login.handle_input(reply)?;
//!         }
//!     }
//!     // 2. Act on the events.
//!     while let Some(event) = login.poll_event() {
//!         match event {
//!             LoginEvent::Reconnect { address } => {
//!                 assert_eq!(address.as_str(), "198.51.100.21:1863");
//!                 server = servers.pop().unwrap().into_iter(); // "connect"
//!                 login.connected()?;
//!             }
//!             LoginEvent::TicketNeeded(TicketRequest::Passport14 { challenge }) => {
//!                 assert!(challenge.as_str().starts_with("lc=1033"));
//!                 login.provide_ticket("t=ticket&p=profile")?; // from Passport 1.4
//!             }
//!             LoginEvent::LoggedIn { handle, .. } => {
//!                 assert_eq!(handle.address(), "alice@hotmail.com");
//!                 logged_in = true;
//!             }
//!             LoginEvent::Failed(e) => panic!("{e}"),
//!             _ => {}
//!         }
//!     }
//! }
//! assert_eq!(sent.first().map(String::as_str), Some("VER 1 MSNP8 CVR0\r\n"));
//! assert_eq!(sent.last().map(String::as_str), Some("USR 7 TWN S t=ticket&p=profile\r\n"));
//! # Ok::<(), msnp_session::SessionError>(())
//! ```

#![warn(missing_docs)]

/// The workspace README's examples (among them the `std::net` client loop), compiled as
/// doctests against this crate, which sees every crate they use.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;

mod auth;
pub mod digest;
pub mod login;
mod machine;
pub mod notification;
pub mod p2p;
pub mod roster;
pub mod server;
pub mod switchboard;

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
    Contact, ContactPresence, ListVersion, PresenceChanges, Privacy, Roster, RosterGroup,
};
pub use server::{
    ClientCredentials, CvrAnswer, Referral, ServerConfig, ServerEvent, ServerLogin, ServerPhase,
};
pub use switchboard::{
    Participant, SwitchboardConfig, SwitchboardError, SwitchboardEvent, SwitchboardPhase,
    SwitchboardSession,
};

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
