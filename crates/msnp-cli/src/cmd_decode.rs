//! `msnp decode`: wire bytes, transcript text or a capture in, one JSON object per command out
//! (or the `--stats` counts).

use std::io;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use crate::fail;
use crate::input::pcap::PcapOpts;
use crate::input::{InputConfig, InputFormat};
use crate::opts::{DialectOpts, DirectionArg, OutputFormat, OutputOpts};
use crate::sink::extract::ExtractOpts;
use crate::sink::html::HtmlSink;
use crate::sink::json::JsonSink;
use crate::sink::stats::StatsSink;
use crate::sink::text::TextSink;

/// Arguments of `msnp decode`.
#[derive(Debug, clap::Args)]
pub struct DecodeArgs {
    /// Input file; standard input when absent or `-`.
    pub(crate) file: Option<PathBuf>,
    /// Input format.
    #[arg(long, value_enum, default_value = "auto")]
    pub(crate) input: InputFormat,
    /// Who sent a wire stream (transcripts say it on each line; this labels their bare lines).
    #[arg(long, value_enum)]
    pub(crate) direction: Option<DirectionArg>,
    /// Print counts per verb and direction, errors, bytes and throughput on stderr instead of records.
    #[arg(long, conflicts_with = "format")]
    pub(crate) stats: bool,
    /// NDJSON records of the raw layer only: no `fields` (typed fields, payload documents) and
    /// no typed check (`error`); framing errors are still records. For speed on large inputs.
    #[arg(long, conflicts_with = "stats")]
    pub(crate) no_fields: bool,
    #[command(flatten)]
    pub(crate) dialect: DialectOpts,
    #[command(flatten)]
    pub(crate) pcap: PcapOpts,
    #[command(flatten)]
    pub(crate) extract: ExtractOpts,
    #[command(flatten)]
    pub(crate) output: OutputOpts,
}

impl DecodeArgs {
    /// How to read the input.
    pub fn input_config(&self) -> InputConfig {
        InputConfig {
            file: self.file.clone(),
            format: self.input,
            direction: self.direction.map(DirectionArg::direction),
            tracker: self.dialect.tracker(),
            limits: self.dialect.limits(),
            pcap: self.pcap.clone(),
        }
    }
}

/// Runs `msnp decode`.
pub fn run(args: DecodeArgs) -> ExitCode {
    let started = Instant::now();
    let config = args.input_config();
    let xml = args.dialect.xml_limits();
    if args.no_fields && args.output.format != OutputFormat::Ndjson {
        eprintln!("msnp decode: --no-fields shapes NDJSON records (drop --format)");
        return ExitCode::from(2);
    }
    if args.stats {
        let mut sink = StatsSink::new();
        let res = crate::sink::extract::decode(&config, &args.extract, &xml, &mut sink)
            .and_then(|bytes| sink.finish().map(|()| bytes));
        match res {
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
    } else if args.output.format == OutputFormat::Text {
        let stdout = io::stdout().lock();
        let mut sink = TextSink::new(
            io::BufWriter::with_capacity(1 << 16, stdout),
            args.dialect.xml_limits(),
            args.output.colour(),
        );
        let res = crate::sink::extract::decode(&config, &args.extract, &xml, &mut sink)
            .and_then(|_| sink.finish());
        records_written(res, sink.errors)
    } else if args.output.format == OutputFormat::Html {
        let title = match &args.file {
            Some(p) if p.as_os_str() != "-" => p.file_name().map_or_else(
                || p.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            ),
            _ => "standard input".to_owned(),
        };
        let stdout = io::stdout().lock();
        let mut sink = HtmlSink::new(
            io::BufWriter::with_capacity(1 << 16, stdout),
            args.dialect.xml_limits(),
            &title,
        );
        let res = crate::sink::extract::decode(&config, &args.extract, &xml, &mut sink)
            .and_then(|_| sink.finish());
        records_written(res, sink.errors)
    } else {
        let stdout = io::stdout().lock();
        let mut sink = JsonSink::new(
            io::BufWriter::with_capacity(1 << 16, stdout),
            (!args.no_fields).then(|| args.dialect.xml_limits()),
        );
        let res = crate::sink::extract::decode(&config, &args.extract, &xml, &mut sink)
            .and_then(|_| sink.finish());
        records_written(res, sink.errors)
    }
}

/// The exit status after writing records: 1 if any was flagged, 2 on an I/O failure (a reader
/// that went away is not one).
fn records_written(res: io::Result<()>, errors: u64) -> ExitCode {
    match res {
        Ok(()) => ExitCode::from(u8::from(errors > 0)),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::from(u8::from(errors > 0)),
        Err(e) => fail(&e),
    }
}
