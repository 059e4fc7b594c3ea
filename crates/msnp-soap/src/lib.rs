//! Sans-IO SOAP envelopes for the MSN Messenger web services (MSNP12–MSNP18).
//!
//! Pure builders (typed request in, XML bytes out) and hardened parsers (XML
//! bytes in, typed response or typed [`SoapFault`] out) for:
//!
//! * Passport `RST.srf` / `RST2.srf` ([`passport`]),
//! * the ABCH AddressBook and Contact Sharing services ([`abch`]; the sharing
//!   types are also re-exported from [`sharing`]),
//! * offline messages: RSI retrieval and OIM Store ([`oim`]),
//! * Messenger Config `GetClientConfig` ([`config`]).
//!
//! Nothing here touches the network, the clock or an RNG: times, message ids
//! and GUIDs are arguments. Every parser reads with msnp-proto's hardened XML reader under
//! [`XmlLimits`] ([`DEFAULT_LIMITS`] suits SOAP responses), rejects DOCTYPE
//! and unknown entities and invalid UTF-8, matches elements by local name
//! (any prefix, any order, unknown elements ignored) and never panics.
//!
//! ```
//! use msnp_soap::passport::{RstRequest, RstResponse, TokenRequest};
//! let req = RstRequest::rst("me@example.com", "secret", TokenRequest::sso_set("MBI_KEY_OLD"));
//! let body: Vec<u8> = req.to_xml(); // POST to https://login.live.com/RST.srf
//! # let _ = body;
//! let reply = br#"<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>
//!   <wst:RequestSecurityTokenResponseCollection xmlns:wst="http://schemas.xmlsoap.org/ws/2004/04/trust">
//!   <wst:RequestSecurityTokenResponse><wsp:AppliesTo xmlns:wsp="p"><wsa:EndpointReference xmlns:wsa="a">
//!   <wsa:Address>messengerclear.live.com</wsa:Address></wsa:EndpointReference></wsp:AppliesTo>
//!   <wst:RequestedSecurityToken><wsse:BinarySecurityToken xmlns:wsse="s" Id="Compact1">t=AAA&amp;p=</wsse:BinarySecurityToken>
//!   </wst:RequestedSecurityToken></wst:RequestSecurityTokenResponse>
//!   </wst:RequestSecurityTokenResponseCollection></S:Body></S:Envelope>"#;
//! let resp = RstResponse::from_xml(reply, &msnp_soap::DEFAULT_LIMITS).unwrap();
//! assert_eq!(resp.token_for("messengerclear.live.com").unwrap().token.as_deref(), Some("t=AAA&p="));
//! ```
//!
//! # Choices on uncertain points
//!
//! * MSNP13/14 ABCH authentication: [`abch::AbHeader::ticket_token`] is
//!   optional ([`abch::AbHeader::for_version`] omits it below MSNP15;
//!   [`abch::mspauth_cookie`] gives the cookie those clients sent).
//! * Passport `0x80048821` / `0x80048823` are reported as
//!   [`SoapFault::passport_status`], not interpreted: revival servers disagree.
//! * Unknown `contactType` / `MemberRole` / `xsi:type` values are kept
//!   (`Other(String)`), never rejected.
//! * The historic 16-character Passport password limit is available as
//!   [`passport::RstRequest::truncate_password`], not applied by default.
//! * Element namespaces are resolved but only local names are matched, so
//!   any prefix (or a missing declaration) is accepted.
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
