//! `msnp decode`: wire bytes, transcript text or a capture in, one JSON object per command out
//! (or the `--stats` counts).

use std::io;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use crate::fail;
use crate::input::pcap::PcapOpts;
use crate::input::{InputConfig, InputFormat};
use crate::opts::{DialectOpts, DirectionArg};
use crate::sink::extract::ExtractOpts;
use crate::sink::json::JsonSink;
use crate::sink::stats::StatsSink;

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
    pub(crate) pcap: PcapOpts,
    #[command(flatten)]
    pub(crate) extract: ExtractOpts,
}

impl DecodeArgs {
    /// How to read the input.
    pub(crate) fn input_config(&self) -> InputConfig {
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
pub(crate) fn run(args: DecodeArgs) -> ExitCode {
    let started = Instant::now();
    let config = args.input_config();
    let xml = args.dialect.xml_limits();
    if args.stats {
        let mut sink = StatsSink::new();
        match crate::sink::extract::decode(&config, &args.extract, &xml, &mut sink) {
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
        let res = crate::sink::extract::decode(&config, &args.extract, &xml, &mut sink)
            .and_then(|_| sink.finish());
        match res {
            Ok(()) => ExitCode::from(u8::from(sink.errors > 0)),
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                ExitCode::from(u8::from(sink.errors > 0))
            }
            Err(e) => fail(&e),
        }
    }
}
