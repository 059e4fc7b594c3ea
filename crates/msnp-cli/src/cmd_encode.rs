//! `msnp encode`: NDJSON records (as `msnp decode` writes them) or transcript text in, wire bytes
//! or transcript text out, with every payload length computed.

use std::io::{self, BufRead, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use base64::Engine as _;
use msnp_proto::stream::{TranscriptItem, TranscriptStream};
use msnp_proto::transcript::write_command;
use msnp_proto::{
    Channel, Dialect, Direction, OwnedCommand, ProtocolVersion, RawCommand, TrId, Verb,
};

use crate::fail;
use crate::input::detect::looks_like_transcript;
use crate::input::open_input;
use crate::opts::{DialectOpts, DirectionArg};
use crate::record::InRecord;

/// What to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum OutputFormat {
    /// Raw bytes as they go on the wire.
    Wire,
    /// The transcript format.
    Transcript,
}

/// Arguments of `msnp encode`.
#[derive(Debug, clap::Args)]
pub struct EncodeArgs {
    /// Input file; standard input when absent or `-`. NDJSON when the first non-blank character
    /// is `{`, transcript text otherwise.
    pub(crate) file: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "wire")]
    pub(crate) output: OutputFormat,
    /// Write only the commands sent in this direction (records without a direction are kept).
    #[arg(long, value_enum)]
    pub(crate) only: Option<DirectionArg>,
    /// Direction of records and bare transcript lines that do not say.
    #[arg(long, value_enum)]
    pub(crate) direction: Option<DirectionArg>,
    #[command(flatten)]
    pub(crate) dialect: DialectOpts,
    /// Longest NDJSON record line read, in bytes (without its line end): a longer line is
    /// reported and skipped without being held, so memory stays bounded whatever the input.
    #[arg(long, default_value_t = DEFAULT_MAX_RECORD, value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) max_record: u64,
}

/// The default of `--max-record`: the largest record `msnp decode` writes with the default
/// limits (a 1 MiB payload of control characters, escaped in its text and again in its typed
/// view) is 12 MiB.
pub(crate) const DEFAULT_MAX_RECORD: u64 = 64 << 20;

struct Writer<W: Write> {
    out: W,
    format: OutputFormat,
    only: Option<Direction>,
    text: String,
}

impl<W: Write> Writer<W> {
    fn command(
        &mut self,
        cmd: &RawCommand<'_>,
        direction: Option<Direction>,
    ) -> Result<(), String> {
        if self.only.is_some() && direction.is_some() && direction != self.only {
            return Ok(());
        }
        match self.format {
            OutputFormat::Wire => self
                .out
                .write_all(cmd.as_bytes())
                .map_err(|e| e.to_string()),
            OutputFormat::Transcript => {
                self.text.clear();
                write_command(&mut self.text, direction, cmd).map_err(|e| e.to_string())?;
                self.out
                    .write_all(self.text.as_bytes())
                    .map_err(|e| e.to_string())
            }
        }
    }
    fn marker(&mut self, id: u32, label: &str) -> io::Result<()> {
        if self.format == OutputFormat::Transcript {
            if label.is_empty() {
                writeln!(self.out, "# --- connection {id} ---")?;
            } else {
                writeln!(self.out, "# --- connection {id}: {label} ---")?;
            }
        }
        Ok(())
    }
}

fn parse_dir(s: &str) -> Option<Direction> {
    match s {
        "C" | "c" | "client" => Some(Direction::ClientToServer),
        "S" | "s" | "server" => Some(Direction::ServerToClient),
        _ => None,
    }
}

/// Builds one record into wire bytes.
fn build(
    rec: &InRecord,
    dialect: &Dialect,
    limits: &msnp_proto::Limits,
) -> Result<OwnedCommand, String> {
    let cmd = rec.cmd.as_deref().ok_or("record has no \"cmd\"")?;
    let verb: Verb = cmd
        .parse()
        .map_err(|_| format!("\"cmd\": {cmd:?} is not a command verb"))?;
    let payload = match &rec.payload {
        None => None,
        Some(p) => Some(match (&p.text, &p.base64) {
            (Some(t), _) => t.as_bytes().to_vec(),
            (None, Some(b)) => base64::engine::general_purpose::STANDARD
                .decode(b)
                .map_err(|e| format!("\"payload.base64\": {e}"))?,
            (None, None) => return Err("\"payload\" needs \"text\" or \"base64\"".into()),
        }),
    };
    OwnedCommand::build_with_limits(
        dialect,
        limits,
        verb,
        rec.trid.map(TrId),
        &rec.args,
        payload,
    )
    .map_err(|e| e.to_string())
}

/// Reads the next line into `buf` without its line end (`\n` or `\r\n`); `Some(false)` when it
/// is longer than `max` bytes, consumed up to its end without being kept; `None` at the end
/// of input.
fn next_line(input: &mut impl BufRead, max: u64, buf: &mut Vec<u8>) -> io::Result<Option<bool>> {
    buf.clear();
    let n = input
        .by_ref()
        .take(max.saturating_add(2))
        .read_until(b'\n', buf)?;
    if n == 0 {
        return Ok(None);
    }
    if buf.last() == Some(&b'\n') {
        buf.pop();
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
        return Ok(Some(buf.len() as u64 <= max));
    }
    if buf.len() as u64 <= max {
        return Ok(Some(true)); // the last line, without a line end
    }
    buf.clear();
    loop {
        let rest = input.fill_buf()?;
        match memchr::memchr(b'\n', rest) {
            _ if rest.is_empty() => return Ok(Some(false)),
            Some(i) => {
                input.consume(i + 1);
                return Ok(Some(false));
            }
            None => {
                let len = rest.len();
                input.consume(len);
            }
        }
    }
}

fn encode_records(
    mut input: impl BufRead,
    args: &EncodeArgs,
    w: &mut Writer<impl Write>,
) -> io::Result<u64> {
    let default_dir = args.direction.map(DirectionArg::direction);
    let mut tracker = args.dialect.tracker();
    let limits = args.dialect.limits();
    let mut errors = 0u64;
    let mut buf = Vec::new();
    let mut lineno = 0u64;
    while let Some(fits) = next_line(&mut input, args.max_record, &mut buf)? {
        lineno += 1;
        if !fits {
            eprintln!(
                "msnp encode: line {lineno}: longer than {} bytes (--max-record), skipped",
                args.max_record
            );
            errors += 1;
            continue;
        }
        let line = std::str::from_utf8(&buf).map_err(|_| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                "stream did not contain valid UTF-8",
            )
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let rec: InRecord = match serde_json::from_str(line) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("msnp encode: line {lineno}: not a record: {e}");
                errors += 1;
                continue;
            }
        };
        if rec.error.is_some() && rec.cmd.is_none() {
            // Framing-error records from `msnp decode` carry no command.
            continue;
        }
        let dir = rec.dir.as_deref().and_then(parse_dir).or(default_dir);
        let mut dialect = tracker.dialect(dir);
        // A record names the dialect it was decoded in; follow it unless pinned on the command line.
        let named = rec
            .dialect
            .as_deref()
            .and_then(|v| ProtocolVersion::parse(v.as_bytes()));
        if let (crate::opts::DialectArg::Auto, Some(v)) = (args.dialect.dialect, named) {
            dialect.version = v;
        }
        if args.dialect.channel == crate::opts::ChannelArg::Auto {
            match rec.channel.as_deref() {
                Some("sb") => dialect.channel = Channel::Switchboard,
                Some("ns") => dialect.channel = Channel::Notification,
                _ => {}
            }
        }
        match build(&rec, &dialect, &limits) {
            Ok(cmd) => {
                tracker.observe(&cmd.as_raw(), dir);
                if let Err(e) = w.command(&cmd.as_raw(), dialect.direction) {
                    eprintln!("msnp encode: line {lineno}: {e}");
                    errors += 1;
                }
            }
            Err(e) => {
                eprintln!("msnp encode: line {lineno}: {e}");
                errors += 1;
            }
        }
    }
    Ok(errors)
}

fn encode_transcript(text: &str, args: &EncodeArgs, w: &mut Writer<impl Write>) -> io::Result<u64> {
    let items = TranscriptStream::new(text, args.dialect.tracker())
        .with_limits(args.dialect.limits())
        .with_default_direction(args.direction.map(DirectionArg::direction));
    let mut errors = 0u64;
    for item in items {
        match item {
            TranscriptItem::Connection { id, label, .. } => w.marker(id, &label)?,
            TranscriptItem::Command(c) => {
                if let Err(e) = w.command(&c.command.as_raw(), c.direction) {
                    eprintln!("msnp encode: line {}: {e}", c.position.line);
                    errors += 1;
                }
            }
            TranscriptItem::Error { error, .. } => {
                eprintln!("msnp encode: {error}");
                errors += 1;
            }
        }
    }
    Ok(errors)
}

/// Runs `msnp encode`.
pub fn run(args: EncodeArgs) -> ExitCode {
    let res = (|| -> io::Result<u64> {
        let mut input = io::BufReader::new(open_input(&args.file)?);
        let head = input.fill_buf()?;
        let ndjson = head.trim_ascii_start().first() == Some(&b'{') && !looks_like_transcript(head);
        let stdout = io::stdout().lock();
        let mut w = Writer {
            out: io::BufWriter::with_capacity(1 << 16, stdout),
            format: args.output,
            only: args.only.map(DirectionArg::direction),
            text: String::new(),
        };
        let errors = if ndjson {
            encode_records(input, &args, &mut w)?
        } else {
            let mut text = String::new();
            input.read_to_string(&mut text)?;
            encode_transcript(&text, &args, &mut w)?
        };
        w.out.flush()?;
        Ok(errors)
    })();
    match res {
        Ok(0) => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(1),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}
