#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

pub mod abch;
mod code;
pub mod config;
mod envelope;
mod error;
mod fault;
mod limits;
pub mod ns;
pub mod oim;
pub mod passport;
mod request;
pub mod sharing;
mod time;
mod xml;

pub use envelope::{SoapVersion, body_element_name, fault_envelope, parse_fault_envelope};
pub use error::{LimitKind, SoapError};
pub use fault::{FaultDetail, FaultKind, PP_BAD_CREDENTIALS, PP_LOCKED_OUT, SoapFault};
pub use limits::DEFAULT_LIMITS;
pub use msnp_proto::xml::XmlLimits;
pub use request::SoapRequest;
pub use time::SoapDateTime;
