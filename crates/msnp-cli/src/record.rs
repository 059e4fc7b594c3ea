//! The NDJSON record that `msnp decode` writes and `msnp encode` reads.

use base64::Engine as _;
use msnp_proto::message::Message;
use msnp_proto::payload::{Payload, PayloadError, XmlLimits, parse_payload_in};
use msnp_proto::{Channel, Dialect, Direction, RawCommand};
use serde::{Deserialize, Serialize};

use crate::json;

/// `"C"`, `"S"` or null.
pub(crate) fn dir_code(d: Option<Direction>) -> Option<&'static str> {
    d.map(|d| match d {
        Direction::ClientToServer => "C",
        Direction::ServerToClient => "S",
    })
}

/// One decoded command, borrowing from the input; written by [`CommandRecord::write_json`].
#[derive(Debug)]
pub(crate) struct CommandRecord<'a> {
    pub(crate) dir: Option<&'static str>,
    pub(crate) dialect: &'static str,
    pub(crate) channel: &'static str,
    pub(crate) cmd: &'a str,
    pub(crate) trid: Option<u32>,
    /// The command (its arguments are read from it as they are written: no list per record).
    raw: RawCommand<'a>,
    pub(crate) payload: Option<PayloadOut<'a>>,
    /// The typed view; `None` for a record of the raw layer only (`--no-fields`), which then
    /// has no `fields` member.
    pub(crate) fields: Option<Fields<'a>>,
    /// Set when the command frames but is not a valid typed message in its dialect.
    pub(crate) error: Option<TypedErrorOut>,
    /// The TCP connection it came from (captures only).
    pub(crate) flow: Option<u32>,
    /// Capture time of the packet that completed it, in seconds since the epoch (captures only).
    pub(crate) ts: Option<f64>,
}

/// Why a framed command is not a valid typed message.
#[derive(Debug, Serialize)]
pub(crate) struct TypedErrorOut {
    pub(crate) kind: String,
    pub(crate) message: String,
}

/// The typed view of a command: its fields, and the decoded payload document.
#[derive(Debug)]
pub(crate) struct Fields<'a> {
    pub(crate) message: Option<Message<'a>>,
    pub(crate) payload: Option<Result<Payload<'a>, PayloadError>>,
}

impl Fields<'_> {
    /// Writes the fields object: the typed fields, with the payload document spliced in as a
    /// last member (no intermediate JSON tree: this is the NDJSON hot path).
    pub(crate) fn write_json(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        match &self.message {
            Some(m) => serde_json::to_writer(&mut *out, &m.fields())?,
            None => out.extend_from_slice(b"{}"),
        }
        let (key, value): (&[u8], Option<&Payload<'_>>) = match &self.payload {
            None => return Ok(()),
            Some(Ok(p)) => (b"\"payload\":", Some(p)),
            Some(Err(_)) => (b"\"payload_error\":", None),
        };
        // Typed fields always serialize as an object; reopen it.
        if out.last() != Some(&b'}') {
            return Ok(());
        }
        out.pop();
        if out.last() != Some(&b'{') {
            out.push(b',');
        }
        out.extend_from_slice(key);
        match (value, &self.payload) {
            (Some(p), _) => serde_json::to_writer(&mut *out, p)?,
            (None, Some(Err(e))) => serde_json::to_writer(
                &mut *out,
                &TypedErrorOut {
                    kind: error_kind_name(&format!("{e:?}")),
                    message: e.to_string(),
                },
            )?,
            _ => out.extend_from_slice(b"null"),
        }
        out.push(b'}');
        Ok(())
    }
}

impl CommandRecord<'_> {
    /// Writes the record as one JSON object (no newline) without building a JSON tree; the head
    /// (arguments and payload text, most of the bytes) with the fast string writer.
    pub(crate) fn write_json(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        out.extend_from_slice(b"{\"dir\":");
        match self.dir {
            Some(d) => json::write_str(out, d),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"dialect\":");
        json::write_str(out, self.dialect);
        out.extend_from_slice(b",\"channel\":");
        json::write_str(out, self.channel);
        out.extend_from_slice(b",\"cmd\":");
        json::write_str(out, self.cmd);
        out.extend_from_slice(b",\"trid\":");
        match self.trid {
            Some(t) => json::write_u64(out, u64::from(t)),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"args\":[");
        for (i, a) in self.args().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            json::write_str(out, a);
        }
        out.extend_from_slice(b"],\"payload\":");
        match &self.payload {
            None => out.extend_from_slice(b"null"),
            Some(p) => {
                out.extend_from_slice(b"{\"len\":");
                json::write_u64(out, p.len as u64);
                if let Some(t) = p.text {
                    out.extend_from_slice(b",\"text\":");
                    json::write_str(out, t);
                }
                if let Some(b) = &p.base64 {
                    out.extend_from_slice(b",\"base64\":");
                    json::write_str(out, b);
                }
                out.push(b'}');
            }
        }
        if let Some(flow) = self.flow {
            out.extend_from_slice(b",\"flow\":");
            json::write_u64(out, u64::from(flow));
        }
        if let Some(ts) = self.ts {
            out.extend_from_slice(b",\"ts\":");
            serde_json::to_writer(&mut *out, &ts)?;
        }
        if let Some(fields) = &self.fields {
            out.extend_from_slice(b",\"fields\":");
            fields.write_json(out)?;
        }
        if let Some(e) = &self.error {
            out.extend_from_slice(b",\"error\":");
            serde_json::to_writer(&mut *out, e)?;
        }
        out.push(b'}');
        Ok(())
    }
}

/// `TooDeep { .. }` → `too_deep` (from a `Debug` rendering).
pub(crate) fn error_kind_name(dbg: &str) -> String {
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

/// A payload: text when it is valid UTF-8, base64 otherwise.
#[derive(Debug)]
pub(crate) struct PayloadOut<'a> {
    pub(crate) len: usize,
    pub(crate) text: Option<&'a str>,
    pub(crate) base64: Option<String>,
}

impl<'a> CommandRecord<'a> {
    /// The record with its typed view: the typed fields, the payload document, and the typed
    /// check (`error`).
    pub(crate) fn new(
        cmd: &RawCommand<'a>,
        dialect: &Dialect,
        verb: &'a str,
        xml: &XmlLimits,
    ) -> Self {
        let typed = Message::decode(cmd, dialect);
        // A `UUN`/`UBN` the typed layer does not read has no known notification type.
        let uun_type = typed.as_ref().ok().and_then(Message::uun_type);
        let mut rec = Self::raw(cmd, dialect, verb);
        let mut fields = Fields {
            message: None,
            payload: cmd
                .payload()
                .map(|p| parse_payload_in(cmd.verb(), uun_type, p, dialect.version, xml)),
        };
        match typed {
            Ok(m) => fields.message = Some(m),
            Err(e) => {
                rec.error = Some(TypedErrorOut {
                    kind: error_kind_name(&format!("{e:?}")),
                    message: e.to_string(),
                });
            }
        }
        rec.fields = Some(fields);
        rec
    }

    /// The record of the raw layer only: framing facts, arguments and payload, no typed view
    /// (`msnp decode --no-fields`).
    pub(crate) fn raw(cmd: &RawCommand<'a>, dialect: &Dialect, verb: &'a str) -> Self {
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
            raw: *cmd,
            payload,
            fields: None,
            error: None,
            flow: None,
            ts: None,
        }
    }
}

impl<'a> CommandRecord<'a> {
    /// The arguments as text.
    pub(crate) fn args(&self) -> impl Iterator<Item = &'a str> + 'a {
        // The decoder has checked that every token is ASCII or valid UTF-8.
        self.raw
            .args()
            .map(|a| core::str::from_utf8(a).unwrap_or("\u{fffd}"))
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
pub struct ErrorBody<'a> {
    /// What went wrong (`kind` of the record).
    pub kind: &'a str,
    /// Human-readable description.
    pub message: String,
    /// Byte offset where it happened.
    pub offset: u64,
    /// 1-based line (transcripts), 0 when none.
    pub line: u64,
    /// The command it concerns, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cmd: Option<String>,
    /// `C` or `S`, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dir: Option<&'static str>,
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
