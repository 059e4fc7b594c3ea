//! msnp-proto: the sans-IO core of the MSN Messenger protocol (MSNP2 – MSNP18, CVR0, framing
//! for MSNP19 – 21).
//!
//! The data path is `bytes → Decoder → RawCommand → typed message`, and back through
//! [`Encode`]. Nothing here touches a socket, a clock or a file.
//!
//! ```
//! use msnp_proto::{Decoder, Dialect, Direction, Limits, ProtocolVersion, Status, Verb};
//! let dialect = Dialect::notification(ProtocolVersion::Msnp13).with_direction(Direction::ServerToClient);
//! let mut decoder = Decoder::new(dialect, Limits::default());
//! let wire = b"ADL 0 36\r\n<ml><d n=\"a.com\"><c n=\"b\"/></d></ml>";
//! match decoder.decode(wire)? {
//!     Status::Complete { value, consumed } => {
//!         assert_eq!(value.verb(), Verb::ADL);
//!         assert_eq!(value.payload().map(|p| p.len()), Some(36));
//!         assert_eq!(consumed, wire.len());
//!     }
//!     other => panic!("{other:?}"),
//! }
//! # Ok::<(), msnp_proto::DecodeError>(())
//! ```
#![warn(missing_docs)]

pub mod caps;
#[cfg(feature = "tokio-util")]
pub mod codec;
pub mod encode;
pub mod error;
pub mod error_code;
mod grammar;
pub mod list;
pub mod message;
pub mod negotiation;
pub mod network;
mod num;
mod own;
pub mod p2p;
pub mod payload;
pub mod raw;
pub mod status;
pub mod stream;
pub mod text;
pub mod transcript;
pub mod verb;
pub mod verb_table;
pub mod version;
pub mod wire;
pub mod xml;

pub use caps::ClientCapabilities;
pub use encode::Encode;
pub use error::{DecodeError, DecodeErrorKind, EncodeError};
pub use error_code::ErrorCode;
pub use list::{List, ListBits};
pub use message::{Message, MessageError};
pub use network::{Handle, HostPort, NetworkId};
pub use raw::{MAX_TOKENS, OwnedCommand, RawCommand};
pub use status::PresenceStatus;
pub use text::{Code, TextError, Token, UrlText};
pub use verb::{InvalidVerb, TrId, TrIdCounter, Verb};
pub use version::{
    AddressForm, AuthScheme, ChallengeScheme, Channel, Dialect, Direction, Leniency, PayloadRule,
    ProtocolVersion, TrIdRule, UnknownVersion,
};
pub use wire::{Decoder, Limits, Needed, Status};

// The README's examples are compiled and run as doctests of `msnp-session`, which sees this
// crate and the session machines the README's client loop uses.
