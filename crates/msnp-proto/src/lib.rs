#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

pub mod batch;
pub mod caps;
#[cfg(feature = "tokio-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "tokio-util")))]
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
mod scan;
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
