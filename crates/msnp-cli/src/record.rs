//! The NDJSON record that `msnp decode` writes and `msnp encode` reads.

use base64::Engine as _;
use msnp_proto::payload::{Payload, PayloadError, XmlLimits, parse_payload};
use msnp_proto::{Channel, Dialect, Direction, RawCommand, Verb};
use serde::{Deserialize, Serialize};

/// `"C"`, `"S"` or null.
pub(crate) fn dir_code(d: Option<Direction>) -> Option<&'static str> {
    d.map(|d| match d {
        Direction::ClientToServer => "C",
        Direction::ServerToClient => "S",
    })
}

/// One decoded command, borrowing from the input.
#[derive(Debug, Serialize)]
pub(crate) struct CommandRecord<'a> {
    pub(crate) dir: Option<&'static str>,
    pub(crate) dialect: &'static str,
    pub(crate) channel: &'static str,
    pub(crate) cmd: &'a str,
    pub(crate) trid: Option<u32>,
    pub(crate) args: Vec<&'a str>,
    pub(crate) payload: Option<PayloadOut<'a>>,
    pub(crate) fields: Fields<'a>,
    /// The TCP connection it came from (captures only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) flow: Option<u32>,
    /// Capture time of the packet that completed it, in seconds since the epoch (captures only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) ts: Option<f64>,
}

/// The typed view of a command: for now, the decoded payload document.
#[derive(Debug, Default)]
pub(crate) struct Fields<'a> {
    pub(crate) payload: Option<Result<Payload<'a>, PayloadError>>,
}

impl Serialize for Fields<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        match &self.payload {
            Some(Ok(p)) => m.serialize_entry("payload", p)?,
            Some(Err(e)) => m.serialize_entry(
                "payload_error",
                &serde_json::json!({ "kind": error_kind_name(e), "message": e.to_string() }),
            )?,
            None => {}
        }
        m.end()
    }
}

/// `TooDeep { .. }` → `too_deep`.
fn error_kind_name(e: &PayloadError) -> String {
    let dbg = format!("{e:?}");
    let name: String = dbg
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The notification type of `UUN trid handle type len` / `UBN handle type len`.
fn uun_type(cmd: &RawCommand<'_>) -> Option<u32> {
    if cmd.verb() == Verb::UUN || cmd.verb() == Verb::UBN {
        cmd.arg(1)
            .and_then(|t| core::str::from_utf8(t).ok())
            .and_then(|t| t.parse().ok())
    } else {
        None
    }
}

/// A payload: text when it is valid UTF-8, base64 otherwise.
#[derive(Debug, Serialize)]
pub(crate) struct PayloadOut<'a> {
    pub(crate) len: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) text: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) base64: Option<String>,
}

impl<'a> CommandRecord<'a> {
    pub(crate) fn new(cmd: &RawCommand<'a>, dialect: &Dialect, verb: &'a str) -> Self {
        // The decoder has checked that every token is ASCII or valid UTF-8.
        let args = cmd
            .args()
            .map(|a| core::str::from_utf8(a).unwrap_or("\u{fffd}"))
            .collect();
        let payload = cmd.payload().map(|p| match core::str::from_utf8(p) {
            Ok(text) => PayloadOut {
                len: p.len(),
                text: Some(text),
                base64: None,
            },
            Err(_) => PayloadOut {
                len: p.len(),
                text: None,
                base64: Some(base64::engine::general_purpose::STANDARD.encode(p)),
            },
        });
        Self {
            dir: dir_code(dialect.direction),
            dialect: dialect.version.name(),
            channel: channel_name(dialect.channel),
            cmd: verb,
            trid: cmd.trid().map(|t| t.0),
            args,
            payload,
            fields: Fields {
                payload: cmd
                    .payload()
                    .map(|p| parse_payload(verb, uun_type(cmd), p, &XmlLimits::default())),
            },
            flow: None,
            ts: None,
        }
    }
}

pub(crate) fn channel_name(c: Channel) -> &'static str {
    match c {
        Channel::Switchboard => "sb",
        _ => "ns",
    }
}

/// A decode error record.
#[derive(Debug, Serialize)]
pub(crate) struct ErrorRecord<'a> {
    pub(crate) error: ErrorBody<'a>,
    /// The TCP connection it concerns (captures only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) flow: Option<u32>,
    /// Capture time of the packet where it was found (captures only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) ts: Option<f64>,
}

/// What went wrong and where.
#[derive(Debug, Serialize)]
pub(crate) struct ErrorBody<'a> {
    pub(crate) kind: &'a str,
    pub(crate) message: String,
    pub(crate) offset: u64,
    pub(crate) line: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) cmd: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) dir: Option<&'static str>,
}

/// A record as `msnp encode` reads it (`fields` and anything else are ignored).
#[derive(Debug, Deserialize)]
pub(crate) struct InRecord {
    #[serde(default)]
    pub(crate) dir: Option<String>,
    #[serde(default)]
    pub(crate) dialect: Option<String>,
    #[serde(default)]
    pub(crate) channel: Option<String>,
    #[serde(default)]
    pub(crate) cmd: Option<String>,
    #[serde(default)]
    pub(crate) trid: Option<u32>,
    #[serde(default)]
    pub(crate) args: Vec<String>,
    #[serde(default)]
    pub(crate) payload: Option<InPayload>,
    #[serde(default)]
    pub(crate) error: Option<serde_json::Value>,
}

/// A payload as text or base64; any `len` is ignored and recomputed.
#[derive(Debug, Deserialize)]
pub(crate) struct InPayload {
    #[serde(default)]
    pub(crate) text: Option<String>,
    #[serde(default)]
    pub(crate) base64: Option<String>,
}
