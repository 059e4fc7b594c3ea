//! `msnp decode`: wire bytes or transcript text in, one JSON object per command out.

use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use msnp_proto::payload::XmlLimits;
use msnp_proto::transcript::{Event, Reader};
use msnp_proto::{DecodeError, Decoder, Dialect, Direction, RawCommand, Status};

use crate::opts::{DialectOpts, DirectionArg};
use crate::record::{CommandRecord, ErrorBody, ErrorRecord, dir_code};

/// What the input is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum InputFormat {
    /// Transcript if it starts like one (`C: `, `S: `, `#`, a Markdown fence), wire bytes otherwise.
    Auto,
    /// Raw bytes as they crossed the socket (one direction, or an unlabelled mix).
    Wire,
    /// The transcript format (`C: `/`S: ` lines, payload lines after payload commands).
    Transcript,
    /// A pcap or pcapng capture: MSNP over TCP, reassembled per connection.
    Pcap,
}

/// Arguments of `msnp decode`.
#[derive(Debug, clap::Args)]
pub(crate) struct DecodeArgs {
    /// Input file; standard input when absent or `-`.
    pub(crate) file: Option<PathBuf>,
    /// Input format.
    #[arg(long, value_enum, default_value = "auto")]
    pub(crate) input: InputFormat,
    /// Who sent a wire stream (transcripts say it on each line; this labels their bare lines).
    #[arg(long, value_enum)]
    pub(crate) direction: Option<DirectionArg>,
    /// Print counts per verb and direction, errors, bytes and throughput on stderr instead of records.
    #[arg(long)]
    pub(crate) stats: bool,
    #[command(flatten)]
    pub(crate) dialect: DialectOpts,
    #[command(flatten)]
    pub(crate) pcap: crate::pcap::PcapOpts,
}

/// Where decoded commands go.
pub(crate) trait Sink {
    fn command(&mut self, cmd: &RawCommand<'_>, dialect: &Dialect) -> io::Result<()>;
    fn error(&mut self, body: ErrorBody<'_>) -> io::Result<()>;
    /// A transcript's `# --- connection N ---` marker.
    fn connection(&mut self, _id: u32) {}
    /// Whether [`at`](Self::at) should be called before each command (costs a line count on wire input).
    fn wants_position(&self) -> bool {
        false
    }
    /// The 1-based line and byte offset of the next command.
    fn at(&mut self, _line: u64, _offset: u64) {}
    /// The flow and capture time of the records that follow (captures only).
    fn set_context(&mut self, _flow: Option<u32>, _ts: Option<f64>) {}
    /// The input is about to block for more bytes: a good moment to write out what is pending,
    /// so that a live stream (`nc … | msnp decode`) shows its records as they arrive.
    fn idle(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Writes NDJSON records. With more than one core, commands are batched and their records
/// formatted in parallel (JSON formatting, not framing, is the cost), then written in order.
struct JsonSink<W: Write> {
    out: W,
    errors: u64,
    /// One record's JSON, reused.
    scratch: Vec<u8>,
    /// `flow` and `ts` of the next records.
    context: (Option<u32>, Option<f64>),
    /// Records waiting to be formatted, in order.
    pending: Vec<Pending>,
    threads: usize,
    /// Limits for payload documents.
    xml: XmlLimits,
}

/// A record waiting in a batch.
enum Pending {
    Command {
        cmd: msnp_proto::OwnedCommand,
        dialect: Dialect,
        context: (Option<u32>, Option<f64>),
    },
    /// An already formatted line (error records).
    Line(Vec<u8>),
}

/// Commands per parallel batch.
const BATCH: usize = 8192;

/// Formats one command's record (and its newline) into `out`; returns 1 if it is flagged.
fn format_record(
    cmd: &RawCommand<'_>,
    dialect: &Dialect,
    context: (Option<u32>, Option<f64>),
    xml: &XmlLimits,
    out: &mut Vec<u8>,
) -> io::Result<u64> {
    let verb = cmd.verb();
    let mut rec = CommandRecord::new(cmd, dialect, verb.as_str(), xml);
    (rec.flow, rec.ts) = context;
    rec.write_json(out)?;
    out.push(b'\n');
    Ok(u64::from(rec.error.is_some()))
}

impl<W: Write> JsonSink<W> {
    fn new(out: W, xml: XmlLimits) -> Self {
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(8);
        Self {
            out,
            errors: 0,
            scratch: Vec::with_capacity(4096),
            context: (None, None),
            pending: Vec::new(),
            threads,
            xml,
        }
    }

    /// Formats the batch on all cores and writes it in order.
    fn flush_batch(&mut self) -> io::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let pending = std::mem::take(&mut self.pending);
        let per = pending.len().div_ceil(self.threads);
        let xml = &self.xml;
        let results: Vec<io::Result<(Vec<u8>, u64)>> = std::thread::scope(|scope| {
            let handles: Vec<_> = pending
                .chunks(per)
                .map(|chunk| {
                    scope.spawn(move || -> io::Result<(Vec<u8>, u64)> {
                        let mut out = Vec::with_capacity(chunk.len() * 256);
                        let mut flagged = 0;
                        for p in chunk {
                            match p {
                                Pending::Command {
                                    cmd,
                                    dialect,
                                    context,
                                } => {
                                    flagged += format_record(
                                        &cmd.as_raw(),
                                        dialect,
                                        *context,
                                        xml,
                                        &mut out,
                                    )?;
                                }
                                Pending::Line(l) => out.extend_from_slice(l),
                            }
                        }
                        Ok((out, flagged))
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|_| Err(io::Error::other("formatting thread panicked")))
                })
                .collect()
        });
        for r in results {
            let (bytes, flagged) = r?;
            self.errors += flagged;
            self.out.write_all(&bytes)?;
        }
        self.pending = pending;
        self.pending.clear();
        Ok(())
    }

    /// Writes everything still batched and flushes the output.
    fn finish(&mut self) -> io::Result<()> {
        self.flush_batch()?;
        self.out.flush()
    }
}

impl<W: Write> Sink for JsonSink<W> {
    fn command(&mut self, cmd: &RawCommand<'_>, dialect: &Dialect) -> io::Result<()> {
        if self.threads > 1 {
            self.pending.push(Pending::Command {
                cmd: cmd.to_owned_command(),
                dialect: *dialect,
                context: self.context,
            });
            if self.pending.len() >= BATCH {
                self.flush_batch()?;
            }
            return Ok(());
        }
        self.scratch.clear();
        self.errors += format_record(cmd, dialect, self.context, &self.xml, &mut self.scratch)?;
        self.out.write_all(&self.scratch)
    }
    fn error(&mut self, body: ErrorBody<'_>) -> io::Result<()> {
        self.errors += 1;
        let (flow, ts) = self.context;
        let mut line = serde_json::to_vec(&ErrorRecord {
            error: body,
            flow,
            ts,
        })?;
        line.push(b'\n');
        if self.threads > 1 {
            self.pending.push(Pending::Line(line));
            return Ok(());
        }
        self.out.write_all(&line)
    }
    fn set_context(&mut self, flow: Option<u32>, ts: Option<f64>) {
        self.context = (flow, ts);
    }
    fn idle(&mut self) -> io::Result<()> {
        self.flush_batch()?;
        self.out.flush()
    }
}

/// Counts per verb (indexed by the verb's three bytes) and per direction.
struct StatsSink {
    by_verb: Vec<u64>,
    by_dir: [u64; 3],
    commands: u64,
    payload_bytes: u64,
    errors: u64,
    error_kinds: std::collections::BTreeMap<String, u64>,
}

fn verb_index(v: &[u8; 3]) -> usize {
    if v[0].is_ascii_digit() {
        26 * 26 * 26
            + usize::from(v[0] - b'0') * 100
            + usize::from(v[1] - b'0') * 10
            + usize::from(v[2] - b'0')
    } else {
        (usize::from(v[0] - b'A') * 26 + usize::from(v[1] - b'A')) * 26 + usize::from(v[2] - b'A')
    }
}

fn verb_name(i: usize) -> String {
    if i >= 26 * 26 * 26 {
        format!("{:03}", i - 26 * 26 * 26)
    } else {
        let b = [
            (i / 676) as u8 + b'A',
            (i / 26 % 26) as u8 + b'A',
            (i % 26) as u8 + b'A',
        ];
        String::from_utf8_lossy(&b).into_owned()
    }
}

impl Sink for StatsSink {
    fn command(&mut self, cmd: &RawCommand<'_>, dialect: &Dialect) -> io::Result<()> {
        self.commands += 1;
        self.by_verb[verb_index(cmd.verb().as_bytes())] += 1;
        self.by_dir[match dialect.direction {
            Some(Direction::ClientToServer) => 0,
            Some(Direction::ServerToClient) => 1,
            None => 2,
        }] += 1;
        self.payload_bytes += cmd.payload().map_or(0, |p| p.len() as u64);
        // The same typed check as the records, so the exit status agrees with a plain decode.
        if let Err(e) = msnp_proto::message::Message::decode(cmd, dialect) {
            self.errors += 1;
            *self
                .error_kinds
                .entry(crate::record::error_kind_name(&format!("{e:?}")))
                .or_default() += 1;
        }
        Ok(())
    }
    fn error(&mut self, body: ErrorBody<'_>) -> io::Result<()> {
        self.errors += 1;
        *self.error_kinds.entry(body.kind.to_owned()).or_default() += 1;
        Ok(())
    }
}

impl StatsSink {
    fn report(&self, bytes: u64, secs: f64) -> serde_json::Value {
        let by_verb: serde_json::Map<String, serde_json::Value> = self
            .by_verb
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(i, n)| (verb_name(i), (*n).into()))
            .collect();
        let secs = secs.max(1e-9);
        serde_json::json!({
            "commands": self.commands,
            "errors": self.errors,
            "error_kinds": self.error_kinds,
            "bytes": bytes,
            "payload_bytes": self.payload_bytes,
            "by_direction": { "C": self.by_dir[0], "S": self.by_dir[1], "unknown": self.by_dir[2] },
            "by_verb": by_verb,
            "seconds": secs,
            "mb_per_s": bytes as f64 / secs / 1e6,
            "commands_per_s": self.commands as f64 / secs,
        })
    }
}

fn error_body(
    e: &DecodeError,
    offset: u64,
    line: u64,
    dir: Option<Direction>,
) -> ErrorBody<'static> {
    ErrorBody {
        kind: e.kind_name(),
        message: e.kind.to_string(),
        offset,
        line,
        cmd: e.verb.map(|v| v.to_string()),
        dir: dir_code(dir),
    }
}

const READ_SIZE: usize = 1 << 20;

/// Decodes a wire stream read from `input`; returns the bytes read.
fn decode_wire(mut input: impl Read, args: &DecodeArgs, sink: &mut impl Sink) -> io::Result<u64> {
    let dir = args.direction.map(DirectionArg::direction);
    let mut tracker = args.dialect.tracker();
    let mut dec = Decoder::new(tracker.dialect(dir), args.dialect.limits());
    let mut buf = vec![0u8; READ_SIZE];
    let (mut start, mut filled) = (0usize, 0usize);
    // Absolute offset of buf[0], and line ends counted before it.
    let (mut base, mut lines) = (0u64, 0u64);
    let mut eof = false;
    let wants_position = sink.wants_position();
    // Line ends counted in buf[..counted] (beyond `lines`), for positions.
    let (mut counted, mut counted_lines) = (0usize, 0u64);
    loop {
        match dec.decode(&buf[start..filled]) {
            Ok(Status::Complete { value, consumed }) => {
                // Learn from the command first: a switchboard's opening USR is then read as one,
                // and VER is shown in the dialect it establishes. (Framing used the old dialect,
                // which for these commands is the same.)
                tracker.observe(&value, dir);
                let dialect = tracker.dialect(dir);
                if wants_position {
                    counted_lines +=
                        memchr::memchr_iter(b'\n', &buf[counted.min(start)..start]).count() as u64;
                    counted = start;
                    sink.at(lines + counted_lines + 1, base + start as u64);
                }
                sink.command(&value, &dialect)?;
                dec.set_dialect(dialect);
                start += consumed;
            }
            Ok(Status::Skipped { consumed }) => start += consumed,
            Err(e) => {
                let at = start + e.offset.min(filled - start);
                let line = lines + memchr::memchr_iter(b'\n', &buf[..at]).count() as u64 + 1;
                sink.error(error_body(&e, base + at as u64, line, dir))?;
                start += e.skip.max(1).min(filled - start);
            }
            Ok(Status::Incomplete(needed)) => {
                if eof {
                    if let Some(e) = dec.finish(&buf[start..filled]) {
                        let line =
                            lines + memchr::memchr_iter(b'\n', &buf[..start]).count() as u64 + 1;
                        sink.error(error_body(&e, base + start as u64, line, dir))?;
                    }
                    return Ok(base + filled as u64);
                }
                // Drop what is consumed, keep the partial command at the front.
                lines += memchr::memchr_iter(b'\n', &buf[..start]).count() as u64;
                (counted, counted_lines) = (0, 0);
                base += start as u64;
                buf.copy_within(start..filled, 0);
                filled -= start;
                start = 0;
                let need = match needed {
                    msnp_proto::Needed::Size(n) => n.get(),
                    _ => 1,
                };
                if buf.len() - filled < need.max(READ_SIZE / 4) {
                    // Limits bound `need` (line + payload), so the buffer stays bounded.
                    buf.resize(filled + need.max(READ_SIZE), 0);
                }
                sink.idle()?;
                let n = read_some(&mut input, &mut buf[filled..])?;
                if n == 0 {
                    eof = true;
                }
                filled += n;
            }
        }
    }
}

fn read_some(input: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match input.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            r => return r,
        }
    }
}

/// Decodes transcript text; returns the bytes read.
fn decode_transcript(text: &str, args: &DecodeArgs, sink: &mut impl Sink) -> io::Result<u64> {
    let default_dir = args.direction.map(DirectionArg::direction);
    let mut tracker = args.dialect.tracker();
    let limits = args.dialect.limits();
    let mut reader = Reader::new(text).with_limits(limits);
    // Byte offset of each line start, for error records.
    let line_starts: Vec<usize> = core::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
        .collect();
    let offset_of = |line: usize| {
        line_starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(text.len()) as u64
    };
    loop {
        let t = &tracker;
        let Some(ev) = reader.next_event(|d| t.dialect(d.or(default_dir))) else {
            break;
        };
        match ev {
            Ok(Event::Connection { id, .. }) => {
                tracker.switch_connection(id);
                sink.connection(id);
            }
            Ok(Event::Command(c)) => {
                let dir = c.direction.or(default_dir);
                let mut dec = Decoder::new(tracker.dialect(dir), limits);
                match dec.decode(&c.bytes) {
                    Ok(Status::Complete { value, .. }) => {
                        tracker.observe(&value, dir);
                        sink.at(c.line as u64, offset_of(c.line));
                        sink.command(&value, &tracker.dialect(dir))?;
                    }
                    other => {
                        // The reader frames with the same rules; this only happens on a bug.
                        let message =
                            format!("internal: transcript frame did not decode: {other:?}");
                        sink.error(ErrorBody {
                            kind: "internal",
                            message,
                            offset: offset_of(c.line),
                            line: c.line as u64,
                            cmd: None,
                            dir: dir_code(dir),
                        })?;
                    }
                }
            }
            Err(e) => {
                let kind = match &e.kind {
                    msnp_proto::transcript::TranscriptErrorKind::LengthMismatch { .. } => {
                        "length_mismatch"
                    }
                    msnp_proto::transcript::TranscriptErrorKind::Line(k) => k.name(),
                    _ => "transcript",
                };
                sink.error(ErrorBody {
                    kind,
                    message: e.kind.to_string(),
                    offset: offset_of(e.line),
                    line: e.line as u64,
                    cmd: e.verb.map(|v| v.to_string()),
                    dir: None,
                })?;
            }
        }
    }
    Ok(text.len() as u64)
}

/// Reads the whole input (for transcripts and format detection).
pub(crate) fn open_input(file: &Option<PathBuf>) -> io::Result<Box<dyn Read>> {
    match file {
        Some(p) if p.as_os_str() != "-" => Ok(Box::new(std::fs::File::open(p)?)),
        _ => Ok(Box::new(io::stdin().lock())),
    }
}

/// Whether text looks like a transcript (what `--input auto` decides on).
pub(crate) fn looks_like_transcript(head: &[u8]) -> bool {
    let head = head.trim_ascii_start();
    head.starts_with(b"C: ")
        || head.starts_with(b"S: ")
        || head.starts_with(b"#")
        || head.starts_with(b"```")
}

pub(crate) fn run_inner(args: &DecodeArgs, sink: &mut impl Sink) -> io::Result<u64> {
    let mut input = open_input(&args.file)?;
    let mut head = vec![0u8; 4096];
    let mut got = 0;
    // Read a little to decide the format (a wire stream is then decoded from that prefix on).
    while got < head.len() {
        let n = read_some(&mut input, &mut head[got..])?;
        if n == 0 {
            break;
        }
        got += n;
        // Enough to tell the formats apart: four bytes of content (a capture's magic number, a
        // transcript's `C: `), or a whole line. Waiting for more would stall a live stream.
        let content = head[..got].trim_ascii_start();
        if content.len() >= 4 || content.contains(&b'\n') {
            break;
        }
    }
    head.truncate(got);
    if args.input == InputFormat::Pcap
        || (args.input == InputFormat::Auto && crate::pcap::looks_like_capture(&head))
    {
        return crate::pcap::decode_capture(io::Cursor::new(head).chain(input), args, sink);
    }
    let transcript = match args.input {
        InputFormat::Transcript => true,
        InputFormat::Wire | InputFormat::Pcap => false,
        InputFormat::Auto => looks_like_transcript(&head),
    };
    let chained = io::Cursor::new(head).chain(input);
    if transcript {
        let mut raw = Vec::new();
        { chained }.read_to_end(&mut raw)?;
        let text = match String::from_utf8(raw) {
            Ok(t) => t,
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let line = memchr::memchr_iter(b'\n', &e.as_bytes()[..at]).count() as u64 + 1;
                sink.error(ErrorBody {
                    kind: "invalid_text",
                    message: "transcript is not valid UTF-8 (invalid bytes replaced)".into(),
                    offset: at as u64,
                    line,
                    cmd: None,
                    dir: None,
                })?;
                String::from_utf8_lossy(e.as_bytes()).into_owned()
            }
        };
        decode_transcript(&text, args, sink)
    } else {
        decode_wire(chained, args, sink)
    }
}

/// Runs `msnp decode`.
pub(crate) fn run(args: DecodeArgs) -> ExitCode {
    let started = Instant::now();
    if args.stats {
        let mut sink = StatsSink {
            by_verb: vec![0; 26 * 26 * 26 + 1000],
            by_dir: [0; 3],
            commands: 0,
            payload_bytes: 0,
            errors: 0,
            error_kinds: Default::default(),
        };
        match run_inner(&args, &mut sink) {
            Ok(bytes) => {
                let report = sink.report(bytes, started.elapsed().as_secs_f64());
                eprintln!(
                    "{}",
                    serde_json::to_string_pretty(&report).unwrap_or_default()
                );
                ExitCode::from(u8::from(sink.errors > 0))
            }
            Err(e) => fail(&e),
        }
    } else {
        let stdout = io::stdout().lock();
        let mut sink = JsonSink::new(
            io::BufWriter::with_capacity(1 << 16, stdout),
            args.dialect.xml_limits(),
        );
        let res = run_inner(&args, &mut sink).and_then(|_| sink.finish());
        match res {
            Ok(()) => ExitCode::from(u8::from(sink.errors > 0)),
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                ExitCode::from(u8::from(sink.errors > 0))
            }
            Err(e) => fail(&e),
        }
    }
}

pub(crate) fn fail(e: &io::Error) -> ExitCode {
    eprintln!("msnp: {e}");
    ExitCode::from(2)
}
