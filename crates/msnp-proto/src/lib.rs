//! msnp-proto: the sans-IO core of the MSN Messenger protocol.

pub mod payload;
