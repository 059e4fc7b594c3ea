//! `msnp decode --extract DIR`: reassembles the P2P transfers of switchboard `MSG`s and writes
//! each completed object (display picture, emoticon: named by its `SHA1D`) or file (named by
//! the file-transfer context's file name) into `DIR`. Wraps the record sink, so the records
//! are written as without the option.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use msnp_proto::p2p::context::{FtContext, msnobj_from_context, sanitize_file_name};
use msnp_proto::p2p::reassembly::{
    Completed, MessageKey, MessageKind, P2pLimits, Progress, Reassembler,
};
use msnp_proto::p2p::slp::{SessionRequest, SlpContentType, StartLine, euf_guid, method};
use msnp_proto::p2p::{P2pPayload, SlpMessage};
use msnp_proto::payload::XmlLimits;
use msnp_proto::payload::mime::{MimeMessage, P2P_MEDIA_TYPE, P2pMimeBody};
use msnp_proto::{Dialect, Direction, Message, RawCommand, Verb};

use super::Sink;
use crate::input::InputConfig;
use crate::record::{ErrorBody, dir_code};

/// The options of `--extract`.
#[derive(Clone, Debug, clap::Args)]
pub(crate) struct ExtractOpts {
    /// Reassemble P2P transfers (display pictures, emoticons, files) and write each completed
    /// object into this directory, named by its SHA1D or file name.
    #[arg(long, value_name = "DIR")]
    pub(crate) extract: Option<PathBuf>,
    /// Largest display picture or emoticon reassembled by --extract, in bytes.
    #[arg(long, default_value_t = P2pLimits::default().max_object_size)]
    pub(crate) max_p2p_object: u64,
    /// Files --extract keeps open while their data arrives: past it, the oldest is closed and
    /// reported incomplete, so open descriptors stay bounded whatever the input.
    #[arg(long, default_value_t = DEFAULT_MAX_OPEN_FILES, value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) max_open_files: u32,
}

/// The default of `--max-open-files`: far more transfers than a chat runs at once, and well
/// under the smallest usual descriptor limit (256 on macOS, 1024 on Linux).
pub(crate) const DEFAULT_MAX_OPEN_FILES: u32 = 64;

/// Decodes `config` into `sink`, extracting P2P transfers on the way when `--extract` is set.
pub(crate) fn decode(
    config: &InputConfig,
    opts: &ExtractOpts,
    xml: &XmlLimits,
    sink: &mut impl Sink,
) -> io::Result<u64> {
    let Some(dir) = &opts.extract else {
        return crate::input::decode(config, sink);
    };
    std::fs::create_dir_all(dir)?;
    let limits = P2pLimits {
        max_object_size: opts.max_p2p_object,
        ..P2pLimits::default()
    };
    let mut x = ExtractSink::new(sink, dir.clone(), limits, *xml)
        .with_max_open_files(opts.max_open_files as usize);
    let bytes = crate::input::decode(config, &mut x)?;
    x.finish()?;
    Ok(bytes)
}

/// Longest file name written, in bytes (well under every file system's 255).
const MAX_NAME: usize = 120;
/// Reassemblers (one per connection, direction, sender and destination) kept at once.
const MAX_STREAMS: usize = 64;
/// Sessions whose INVITE named their object, remembered at once.
const MAX_SESSIONS: usize = 1024;
/// Same-named files tried before giving up on a name.
const MAX_SUFFIX: u32 = 1000;

/// Who sent a chunk to whom, on which connection: chunks of different senders never mix.
type StreamKey = (Option<u32>, Option<&'static str>, String, String);

/// A record sink that also extracts P2P transfers.
pub(crate) struct ExtractSink<'s, S: Sink> {
    inner: &'s mut S,
    dir: PathBuf,
    limits: P2pLimits,
    xml: XmlLimits,
    /// The current connection (transcript marker or capture flow).
    conn: Option<u32>,
    streams: BTreeMap<StreamKey, Reassembler>,
    /// The name each session's INVITE gave its object.
    names: BTreeMap<u32, String>,
    /// Files being received, by stream and message (at most `max_open_files`).
    files: BTreeMap<(StreamKey, MessageKey), OpenFile>,
    max_open_files: usize,
    /// Files opened so far: the `opened` of the next one.
    next_file: u64,
}

/// A file being received.
struct OpenFile {
    /// When it was opened (the oldest goes first when too many are open).
    opened: u64,
    path: PathBuf,
    file: File,
}

impl<'s, S: Sink> ExtractSink<'s, S> {
    pub(crate) fn new(inner: &'s mut S, dir: PathBuf, limits: P2pLimits, xml: XmlLimits) -> Self {
        Self {
            inner,
            dir,
            limits,
            xml,
            conn: None,
            streams: BTreeMap::new(),
            names: BTreeMap::new(),
            files: BTreeMap::new(),
            max_open_files: DEFAULT_MAX_OPEN_FILES as usize,
            next_file: 0,
        }
    }

    /// Keeps at most `max` files open (at least one).
    pub(crate) fn with_max_open_files(mut self, max: usize) -> Self {
        self.max_open_files = max.max(1);
        self
    }

    /// Reports files left incomplete.
    pub(crate) fn finish(self) -> io::Result<()> {
        for f in self.files.values() {
            note("incomplete", &f.path, None);
        }
        Ok(())
    }

    fn extract(&mut self, cmd: &RawCommand<'_>, dialect: &Dialect) -> io::Result<()> {
        let Some(body) = cmd.payload().filter(|_| cmd.verb() == Verb::MSG) else {
            return Ok(());
        };
        let Ok(mime) = MimeMessage::parse(body) else {
            return Ok(());
        };
        if !mime.has_media_type(P2P_MEDIA_TYPE) {
            return Ok(());
        }
        let Ok(p2p) = P2pMimeBody::parse(
            dialect.version,
            mime.header("P2P-Dest"),
            mime.header("P2P-Src"),
            &mime.body,
        ) else {
            return Ok(());
        };
        // From the server, `MSG handle nick len` names the sender; from the client, it is us.
        let sender = match dialect.direction {
            Some(Direction::ServerToClient) => match Message::decode(cmd, dialect) {
                Ok(Message::MsgReceive(m)) => m.sender.as_str().to_ascii_lowercase(),
                _ => String::new(),
            },
            _ => String::new(),
        };
        let dest = p2p.dest.as_deref().unwrap_or_default().to_ascii_lowercase();
        let key: StreamKey = (self.conn, dir_code(dialect.direction), sender, dest);
        if !self.streams.contains_key(&key) && self.streams.len() >= MAX_STREAMS {
            return Ok(());
        }
        let limits = self.limits;
        let r = self
            .streams
            .entry(key.clone())
            .or_insert_with(|| Reassembler::new(limits));
        let progress = match &p2p.payload {
            P2pPayload::V1(m) => r.push_v1(m),
            P2pPayload::V2(p) => r.push_v2(p),
        };
        match progress {
            Ok(Progress::Completed(c)) => self.completed(c),
            Ok(Progress::FileData {
                key: msg,
                bytes,
                last,
                ..
            }) => self.file_data(key, msg, &bytes, last),
            // A refused chunk leaves the reassembler as it was; the record shows the chunk.
            Ok(Progress::Skipped | Progress::Buffered) | Err(_) => Ok(()),
        }
    }

    fn completed(&mut self, c: Completed) -> io::Result<()> {
        match c.kind {
            MessageKind::Slp => {
                self.slp(&c.bytes);
                Ok(())
            }
            MessageKind::MsnObject => {
                let name = self.name_of(c.key.session_id);
                let (path, mut f) = create_unique(&self.dir, &name)?;
                f.write_all(&c.bytes)?;
                note("extracted", &path, Some(c.bytes.len() as u64));
                Ok(())
            }
            MessageKind::DataPreparation | MessageKind::File => Ok(()),
        }
    }

    fn file_data(
        &mut self,
        stream: StreamKey,
        msg: MessageKey,
        bytes: &[u8],
        last: bool,
    ) -> io::Result<()> {
        let k = (stream, msg);
        if !self.files.contains_key(&k) {
            if self.files.len() >= self.max_open_files {
                self.close_oldest_file();
            }
            let name = self.name_of(msg.session_id);
            let (path, file) = create_unique(&self.dir, &name)?;
            let opened = self.next_file;
            self.next_file += 1;
            self.files
                .insert(k.clone(), OpenFile { opened, path, file });
        }
        if let Some(f) = self.files.get_mut(&k) {
            f.file.write_all(bytes)?;
        }
        if last && let Some(f) = self.files.remove(&k) {
            let len = f.file.metadata().map(|m| m.len()).ok();
            note("extracted", &f.path, len);
        }
        Ok(())
    }

    /// Closes the file opened first and reports it incomplete, as [`finish`](Self::finish)
    /// does; its message is dropped from its reassembler, so its later chunks open no file.
    fn close_oldest_file(&mut self) {
        let Some(k) = self
            .files
            .iter()
            .min_by_key(|(_, f)| f.opened)
            .map(|(k, _)| k.clone())
        else {
            return;
        };
        if let Some(f) = self.files.remove(&k) {
            note("incomplete", &f.path, None);
        }
        let (stream, msg) = k;
        if let Some(r) = self.streams.get_mut(&stream) {
            r.drop_message(msg);
        }
    }

    /// Remembers the object an INVITE names: the MSNObject's `SHA1D` or the file's name.
    fn slp(&mut self, bytes: &[u8]) {
        let Ok(m) = SlpMessage::parse(bytes) else {
            return;
        };
        let is_invite =
            matches!(&m.start_line, StartLine::Request { method: me, .. } if me == method::INVITE);
        if !is_invite || m.content_type().ok() != Some(SlpContentType::SessionRequest) {
            return;
        }
        let Some(req) = m
            .body()
            .ok()
            .and_then(|b| SessionRequest::from_body(&b).ok())
        else {
            return;
        };
        let Some(context) = req.context.as_deref() else {
            return;
        };
        let name = if req.euf_guid == euf_guid::MSNOBJ {
            // SHA1D is base64: its `/` and `+` as in base64url, so it stays one name.
            msnobj_from_context(context, &self.xml)
                .ok()
                .map(|o| o.sha1d.replace('/', "_").replace('+', "-"))
        } else if req.euf_guid == euf_guid::FILE_TRANSFER {
            FtContext::from_base64(context).ok().map(|c| c.file_name())
        } else {
            None
        };
        if let Some(name) = name {
            if !self.names.contains_key(&req.session_id) && self.names.len() >= MAX_SESSIONS {
                return;
            }
            self.names.insert(req.session_id, name);
        }
    }

    fn name_of(&self, session_id: u32) -> String {
        self.names
            .get(&session_id)
            .cloned()
            .unwrap_or_else(|| format!("session-{session_id}"))
    }
}

/// A name safe as one file name in the output directory: the last path component, no control
/// characters, never empty, `.` or `..`, at most [`MAX_NAME`] bytes.
pub(crate) fn safe_name(name: &str) -> String {
    let clean = sanitize_file_name(name);
    let mut end = clean.len().min(MAX_NAME);
    while !clean.is_char_boundary(end) {
        end -= 1;
    }
    let cut = clean.get(..end).unwrap_or_default().trim_end();
    match cut {
        "" | "." | ".." => "_".to_owned(),
        c => c.to_owned(),
    }
}

/// Creates a new file for `name` in `dir`, never replacing one: `name`, then `name-1`,
/// `name-2`… (before the extension).
fn create_unique(dir: &Path, name: &str) -> io::Result<(PathBuf, File)> {
    let name = safe_name(name);
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() => (s, Some(e)),
        _ => (name.as_str(), None),
    };
    for n in 0..MAX_SUFFIX {
        let candidate = match (n, ext) {
            (0, _) => name.clone(),
            (n, Some(e)) => format!("{stem}-{n}.{e}"),
            (n, None) => format!("{stem}-{n}"),
        };
        let path = dir.join(candidate);
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(f) => return Ok((path, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!("{MAX_SUFFIX} files named like {name:?} already exist"),
    ))
}

/// One line on stderr per written object.
fn note(what: &str, path: &Path, bytes: Option<u64>) {
    let line = serde_json::json!({ what: path.display().to_string(), "bytes": bytes });
    eprintln!("{line}");
}

impl<S: Sink> Sink for ExtractSink<'_, S> {
    fn command(&mut self, cmd: &RawCommand<'_>, dialect: &Dialect) -> io::Result<()> {
        self.extract(cmd, dialect)?;
        self.inner.command(cmd, dialect)
    }
    fn error(&mut self, body: ErrorBody<'_>) -> io::Result<()> {
        self.inner.error(body)
    }
    fn connection(&mut self, id: u32) {
        self.conn = Some(id);
        self.inner.connection(id);
    }
    fn wants_position(&self) -> bool {
        self.inner.wants_position()
    }
    fn at(&mut self, line: u64, offset: u64) {
        self.inner.at(line, offset);
    }
    fn set_context(&mut self, flow: Option<u32>, ts: Option<f64>) {
        if flow.is_some() {
            self.conn = flow;
        }
        self.inner.set_context(flow, ts);
    }
    fn idle(&mut self) -> io::Result<()> {
        self.inner.idle()
    }
}

#[cfg(test)]
mod tests {
    use super::safe_name;

    #[test]
    fn names_are_one_bounded_plain_component() {
        assert_eq!(safe_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_name("C:\\Windows\\sys\u{7}tem.ini"), "system.ini");
        assert_eq!(safe_name(".."), "_");
        assert_eq!(safe_name("a/.."), "_");
        assert_eq!(safe_name(""), "_");
        assert_eq!(safe_name("\u{1b}\u{0}"), "_");
        let long = safe_name(&"é".repeat(200));
        assert!(
            long.len() <= 120 && long.chars().all(|c| c == 'é'),
            "{long}"
        );
    }
}
