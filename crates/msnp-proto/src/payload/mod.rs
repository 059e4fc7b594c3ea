//! Structured payloads carried by payload commands (XML documents, MIME messages, MSNObjects, P2P).

pub mod data;
pub mod error;
pub mod ml;
pub mod msnobj;
pub mod notification;
pub mod policies;
pub mod shields;
pub mod xml;

pub use error::PayloadError;
pub use xml::XmlLimits;
