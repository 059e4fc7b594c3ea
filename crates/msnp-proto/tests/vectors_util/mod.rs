//! Reading the known-answer vectors (`tests/data/payload/vectors/*.json`), shared by the vector
//! tests.

#![allow(dead_code, unreachable_pub)]

use std::path::PathBuf;

use msnp_proto::p2p::v1::P2pHeader;
use serde_json::Value;

/// The entries of one vector file.
pub fn vectors(name: &str) -> Vec<Value> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/payload/vectors")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

/// The entry with this `id`.
pub fn by_id<'v>(vs: &'v [Value], id: &str) -> &'v Value {
    vs.iter().find(|v| v["id"] == id).unwrap()
}

/// Hex text as bytes.
pub fn hex(s: &str) -> Vec<u8> {
    assert!(s.len().is_multiple_of(2));
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// A required unsigned field.
pub fn u(v: &Value, k: &str) -> u64 {
    v[k].as_u64().unwrap_or_else(|| panic!("{k} in {v}"))
}

/// A P2Pv1 header written out field by field.
pub fn header_from_json(v: &Value) -> P2pHeader {
    P2pHeader {
        session_id: u(v, "session_id") as u32,
        identifier: u(v, "identifier") as u32,
        data_offset: u(v, "data_offset"),
        total_size: u(v, "total_size"),
        length: u(v, "length") as u32,
        flags: u(v, "flags") as u32,
        ack_identifier: u(v, "ack_identifier") as u32,
        ack_unique_id: u(v, "ack_unique_id") as u32,
        ack_data_size: u(v, "ack_data_size"),
    }
}
