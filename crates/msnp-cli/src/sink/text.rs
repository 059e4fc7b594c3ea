//! The readable writer of `--format text`: one line per command (connection, direction arrow,
//! dialect, verb, TrID, typed fields, a payload summary), errors in place on their own line, and
//! the line of a `msnp check` finding. Colour only when asked for (see `opts::OutputOpts`).

use std::fmt::Write as _;
use std::io::{self, Write};

use msnp_proto::payload::data::DataDocument;
use msnp_proto::payload::mime::MsgBody;
use msnp_proto::payload::{Payload, XmlLimits};
use msnp_proto::{Dialect, RawCommand};

use super::Sink;
use crate::record::{CommandRecord, ErrorBody};

/// Longest field value or payload excerpt shown before it is cut with `…`.
const MAX_VALUE: usize = 48;

/// ANSI styles, or none.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Style {
    colour: bool,
}

impl Style {
    pub(crate) fn new(colour: bool) -> Self {
        Self { colour }
    }

    /// Appends `text` in the SGR style `sgr` (e.g. `1` bold, `31` red).
    fn paint(self, out: &mut String, sgr: &str, text: &str) {
        if self.colour {
            let _ = write!(out, "\x1b[{sgr}m{text}\x1b[0m");
        } else {
            out.push_str(text);
        }
    }
}

const DIM: &str = "2";
const BOLD: &str = "1";
const RED: &str = "1;31";
const YELLOW: &str = "33";
const CYAN: &str = "36";
const MAGENTA: &str = "35";
const GREEN: &str = "32";

/// Appends `s` escaped (control characters never reach the terminal) and cut to `max` characters;
/// quoted when it is empty or holds spaces or quotes.
fn push_value(out: &mut String, s: &str, max: usize) {
    let quote = s.is_empty() || s.chars().any(|c| c.is_whitespace() || c == '"');
    if quote {
        out.push('"');
    }
    push_escaped(out, s, max, quote);
    if quote {
        out.push('"');
    }
}

/// Appends `s` with control characters escaped (and quotes and backslashes, inside quotes), cut
/// to `max` characters.
fn push_escaped(out: &mut String, s: &str, max: usize, quoted: bool) {
    for (i, c) in s.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        match c {
            '"' if quoted => out.push_str("\\\""),
            '\\' if quoted => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
}

/// `C→S`, `S→C`, or `?→?` for an unlabelled stream.
fn arrow(style: Style, out: &mut String, dir: Option<&str>) {
    match dir {
        Some("C") => style.paint(out, CYAN, "C→S"),
        Some("S") => style.paint(out, MAGENTA, "S→C"),
        _ => style.paint(out, DIM, "?→?"),
    }
}

/// `#3`, or `#-` outside any known connection.
fn connection(style: Style, out: &mut String, conn: Option<u32>) {
    let text = conn.map_or_else(|| "#-".to_owned(), |c| format!("#{c}"));
    style.paint(out, DIM, &text);
}

/// A JSON object's members in document order (`serde_json::Value` would sort them, and the
/// typed structs list their most telling fields first).
struct Ordered(Vec<(String, serde_json::Value)>);

impl<'de> serde::Deserialize<'de> for Ordered {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Members;
        impl<'de> serde::de::Visitor<'de> for Members {
            type Value = Ordered;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<Ordered, A::Error> {
                let mut v = Vec::new();
                while let Some(entry) = m.next_entry()? {
                    v.push(entry);
                }
                Ok(Ordered(v))
            }
        }
        d.deserialize_map(Members)
    }
}

/// The typed fields as `name=value` in their declared order: scalars and lists of scalars, nulls
/// and nested documents left out (the payload has its own summary).
fn push_fields(out: &mut String, fields: &impl serde::Serialize) {
    let Ok(Ordered(members)) =
        serde_json::to_vec(fields).and_then(|json| serde_json::from_slice::<Ordered>(&json))
    else {
        return;
    };
    for (name, value) in &members {
        let text = match value {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::Bool(b) => b.to_string(),
            serde_json::Value::Array(items)
                if !items.is_empty() && items.iter().all(|v| !v.is_object() && !v.is_array()) =>
            {
                items
                    .iter()
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                    .collect::<Vec<_>>()
                    .join(",")
            }
            _ => continue,
        };
        out.push(' ');
        out.push_str(name);
        out.push('=');
        push_value(out, &text, MAX_VALUE);
    }
}

/// What a payload is, in a few words: `text/plain "hello"`, `PSM="…"`, `<ml> 120 bytes`.
fn push_payload(out: &mut String, payload: &Payload<'_>, len: usize) {
    match payload {
        Payload::Empty => out.push_str("empty"),
        Payload::Msg(m) => {
            let media = m
                .mime
                .media_type()
                .map_or_else(|| "(no Content-Type)".to_owned(), str::to_ascii_lowercase);
            push_value(out, &media, MAX_VALUE);
            match &m.body {
                MsgBody::Text(t) => {
                    out.push(' ');
                    push_quoted(out, &t.text);
                }
                MsgBody::Typing(t) => {
                    out.push_str(" user=");
                    push_value(out, &t.user, MAX_VALUE);
                }
                _ => {
                    let _ = write!(out, " {len} bytes");
                }
            }
        }
        Payload::Data(DataDocument::Data(d)) => {
            out.push_str("PSM=");
            push_quoted(out, d.psm.as_deref().unwrap_or(""));
            if let Some(m) = &d.machine_guid {
                out.push_str(" MachineGuid=");
                push_value(out, m, MAX_VALUE);
            }
        }
        Payload::Data(DataDocument::Endpoint(e)) => {
            out.push_str("<EndpointData>");
            if let Some(id) = &e.id {
                out.push_str(" id=");
                push_value(out, id, MAX_VALUE);
            }
        }
        Payload::Data(DataDocument::PrivateEndpoint(e)) => {
            out.push_str("<PrivateEndpointData>");
            if let Some(name) = &e.ep_name {
                out.push_str(" EpName=");
                push_quoted(out, name);
            }
        }
        Payload::Text(t) => push_quoted(out, t),
        Payload::Xml(x) => {
            let _ = write!(out, "<{}> {len} bytes", x.name);
        }
        Payload::Ml(_) => {
            let _ = write!(out, "<ml> {len} bytes");
        }
        Payload::Shields(_) => {
            let _ = write!(out, "<config> {len} bytes");
        }
        Payload::Policies(_) => {
            let _ = write!(out, "<Policies> {len} bytes");
        }
        Payload::Notification(_) => {
            let _ = write!(out, "<NOTIFICATION> {len} bytes");
        }
        Payload::Page(_) => {
            let _ = write!(out, "page {len} bytes");
        }
        Payload::Uun(_) => {
            let _ = write!(out, "notification {len} bytes");
        }
        Payload::Routed(_) => {
            let _ = write!(out, "routed MIME {len} bytes");
        }
        _ => {
            let _ = write!(out, "{len} bytes");
        }
    }
}

/// Appends `s` always quoted.
fn push_quoted(out: &mut String, s: &str) {
    out.push('"');
    push_escaped(out, s, MAX_VALUE, true);
    out.push('"');
}

/// Appends what follows a command's verb and TrID: its typed fields as `name=value`, or its raw
/// arguments when it is not a valid typed message. (Shared by the text and HTML writers.)
pub(crate) fn push_detail(out: &mut String, rec: &CommandRecord<'_>) {
    match rec.fields.as_ref().and_then(|f| f.message.as_ref()) {
        Some(m) => push_fields(out, &m.fields()),
        None => {
            for a in rec.args() {
                out.push(' ');
                push_value(out, a, MAX_VALUE);
            }
        }
    }
}

/// A payload in a few words (`text/plain "hello"`, `<ml> 136 bytes`), or `None` without one.
pub(crate) fn payload_summary(rec: &CommandRecord<'_>) -> Option<String> {
    let p = rec.payload.as_ref()?;
    let mut summary = String::new();
    match rec.fields.as_ref().and_then(|f| f.payload.as_ref()) {
        Some(Ok(doc)) => push_payload(&mut summary, doc, p.len),
        Some(Err(e)) => {
            let _ = write!(summary, "{} bytes, not decoded: {e}", p.len);
        }
        None => {
            let _ = write!(summary, "{} bytes", p.len);
        }
    }
    Some(summary)
}

/// Formats one command's line (and, when it is not a valid typed message, an error line).
/// Returns whether the command is flagged as an error.
pub(crate) fn format_command(
    style: Style,
    conn: Option<u32>,
    cmd: &RawCommand<'_>,
    dialect: &Dialect,
    xml: &XmlLimits,
    out: &mut String,
) -> bool {
    let verb = cmd.verb();
    let rec = CommandRecord::new(cmd, dialect, verb.as_str(), xml);
    connection(style, out, conn);
    out.push(' ');
    arrow(style, out, rec.dir);
    out.push(' ');
    style.paint(out, DIM, &format!("{}/{}", rec.dialect, rec.channel));
    out.push(' ');
    style.paint(out, BOLD, rec.cmd);
    if let Some(t) = rec.trid {
        let _ = write!(out, " {t}");
    }
    push_detail(out, &rec);
    if let Some(summary) = payload_summary(&rec) {
        out.push_str(" | ");
        style.paint(out, GREEN, &summary);
    }
    out.push('\n');
    if let Some(e) = &rec.error {
        connection(style, out, conn);
        out.push(' ');
        style.paint(out, RED, "error");
        out.push(' ');
        let mut text = format!("{} ", e.kind);
        push_escaped(&mut text, &e.message, usize::MAX, false);
        style.paint(out, RED, &text);
        out.push('\n');
    }
    rec.error.is_some()
}

/// Formats a framing or transcript error's line: `#1 error kind line:offset message`.
pub(crate) fn format_error(
    style: Style,
    conn: Option<u32>,
    body: &ErrorBody<'_>,
    out: &mut String,
) {
    connection(style, out, conn);
    out.push(' ');
    style.paint(out, RED, "error");
    let mut text = format!(" {} {}:{} ", body.kind, body.line, body.offset);
    if let Some(cmd) = &body.cmd {
        let _ = write!(text, "{cmd}: ");
    }
    push_escaped(&mut text, &body.message, usize::MAX, false);
    out.push_str(&text);
    out.push('\n');
}

/// A `msnp check` finding, as its text line shows it.
#[derive(Debug)]
pub(crate) struct FindingLine<'a> {
    /// `error`, `warning` or `info`.
    pub(crate) level: &'a str,
    pub(crate) code: &'a str,
    /// 1-based line and byte offset.
    pub(crate) at: (u64, u64),
    pub(crate) message: &'a str,
    pub(crate) conn: Option<u32>,
    /// `"C"` or `"S"`.
    pub(crate) dir: Option<&'a str>,
    pub(crate) cmd: Option<&'a str>,
}

/// Formats a `msnp check` finding: `level code line:offset message`, then where it is
/// (`#1 C→S QRY`) when known.
pub(crate) fn format_finding(style: Style, f: &FindingLine<'_>, out: &mut String) {
    let FindingLine {
        level,
        code,
        at,
        message,
        conn,
        dir,
        cmd,
    } = *f;
    let colour = match level {
        "error" => RED,
        "warning" => YELLOW,
        _ => CYAN,
    };
    style.paint(out, colour, level);
    out.push(' ');
    style.paint(out, BOLD, code);
    let _ = write!(out, " {}:{} ", at.0, at.1);
    push_escaped(out, message, usize::MAX, false);
    if conn.is_some() || cmd.is_some() {
        out.push_str(" (");
        connection(style, out, conn);
        if let Some(cmd) = cmd {
            out.push(' ');
            arrow(style, out, dir);
            out.push(' ');
            out.push_str(cmd);
        }
        out.push(')');
    }
    out.push('\n');
}

/// Writes `--format text` lines.
pub(crate) struct TextSink<W: Write> {
    out: W,
    style: Style,
    /// Commands and errors flagged so far.
    pub(crate) errors: u64,
    /// The transcript connection or capture flow of what follows.
    conn: Option<u32>,
    xml: XmlLimits,
    line: String,
}

impl<W: Write> TextSink<W> {
    /// A writer to `out`; colour when `colour`.
    pub(crate) fn new(out: W, xml: XmlLimits, colour: bool) -> Self {
        Self {
            out,
            style: Style::new(colour),
            errors: 0,
            conn: None,
            xml,
            line: String::with_capacity(256),
        }
    }

    /// Flushes the output.
    pub(crate) fn finish(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

impl<W: Write> Sink for TextSink<W> {
    fn command(&mut self, cmd: &RawCommand<'_>, dialect: &Dialect) -> io::Result<()> {
        self.line.clear();
        let flagged = format_command(
            self.style,
            self.conn,
            cmd,
            dialect,
            &self.xml,
            &mut self.line,
        );
        self.errors += u64::from(flagged);
        self.out.write_all(self.line.as_bytes())
    }
    fn error(&mut self, body: ErrorBody<'_>) -> io::Result<()> {
        self.errors += 1;
        self.line.clear();
        format_error(self.style, self.conn, &body, &mut self.line);
        self.out.write_all(self.line.as_bytes())
    }
    fn connection(&mut self, id: u32) {
        self.conn = Some(id);
    }
    fn set_context(&mut self, flow: Option<u32>, _ts: Option<f64>) {
        if flow.is_some() {
            self.conn = flow;
        }
    }
    fn idle(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}
