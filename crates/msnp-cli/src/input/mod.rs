//! The input readers of `msnp decode` and `msnp check`: format detection (`detect`), wire
//! bytes (`wire`), transcript text (`transcript`) and captures ([`pcap`]). Each turns its
//! input into commands and error records written to a [`Sink`]; the framing and the dialect
//! tracking are `msnp_proto::stream`'s.

pub(crate) mod detect;
pub mod pcap;
pub(crate) mod transcript;
pub(crate) mod wire;

use std::cell::Cell;
use std::io::{self, Read};
use std::path::PathBuf;
use std::rc::Rc;

use msnp_proto::negotiation::DialectTracker;
use msnp_proto::{Direction, Limits};

use crate::sink::Sink;

/// What the input is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormat {
    /// Transcript if it starts like one (`C: `, `S: `, `#`, a Markdown fence), wire bytes otherwise.
    Auto,
    /// Raw bytes as they crossed the socket (one direction, or an unlabelled mix).
    Wire,
    /// The transcript format (`C: `/`S: ` lines, payload lines after payload commands).
    Transcript,
    /// A pcap or pcapng capture: MSNP over TCP, reassembled per connection.
    Pcap,
}

/// How to read an input.
#[derive(Clone, Debug)]
pub struct InputConfig {
    /// Input file; standard input when absent or `-`.
    pub(crate) file: Option<PathBuf>,
    pub(crate) format: InputFormat,
    /// Who sent a wire stream; the direction of a transcript's bare lines.
    pub(crate) direction: Option<Direction>,
    /// Negotiation state before the first command (cloned for each input).
    pub(crate) tracker: DialectTracker,
    /// Framing limits.
    pub(crate) limits: Limits,
    /// Capture options.
    pub(crate) pcap: pcap::PcapOpts,
}

/// Opens the input file, or standard input. A file that does not open is named in the error
/// (`cannot open missing.txt: No such file or directory`).
pub(crate) fn open_input(file: &Option<PathBuf>) -> io::Result<Box<dyn Read>> {
    match file {
        Some(p) if p.as_os_str() != "-" => match std::fs::File::open(p) {
            Ok(f) => Ok(Box::new(f)),
            Err(e) => {
                // The OS message without its ` (os error N)` suffix.
                let text = e.to_string();
                let reason = text
                    .rfind(" (os error ")
                    .map_or(text.as_str(), |i| &text[..i]);
                Err(io::Error::new(
                    e.kind(),
                    format!("cannot open {}: {reason}", p.display()),
                ))
            }
        },
        _ => Ok(Box::new(io::stdin().lock())),
    }
}

/// Reads the input `config` names into `sink`; returns the bytes read.
pub(crate) fn decode(config: &InputConfig, sink: &mut impl Sink) -> io::Result<u64> {
    decode_reader(open_input(&config.file)?, config, sink)
}

/// Reads `input` (in the format `config` names, or the one it looks like) into `sink`; returns
/// the bytes read. `config.file` is not opened.
pub fn decode_reader(
    mut input: impl Read,
    config: &InputConfig,
    sink: &mut impl Sink,
) -> io::Result<u64> {
    let head = detect::read_head(&mut input)?;
    let format = match config.format {
        InputFormat::Auto => detect::format_of(&head),
        f => f,
    };
    let chained = io::Cursor::new(head).chain(input);
    match format {
        InputFormat::Pcap => pcap::decode_capture(chained, config, sink),
        InputFormat::Transcript => transcript::decode_transcript(chained, config, sink),
        InputFormat::Wire | InputFormat::Auto => wire::decode_wire(chained, config, sink),
    }
}

/// A reader that notes, in a flag its owner keeps, whether its last read returned less than
/// was asked for: the next read may block (a live stream), so pending records should go out
/// first. A file fills every read until its end.
pub(crate) struct ShortReads<R> {
    inner: R,
    short: Rc<Cell<bool>>,
}

impl<R> ShortReads<R> {
    /// Wraps `inner`; the flag starts false.
    pub(crate) fn new(inner: R) -> (Self, Rc<Cell<bool>>) {
        let short = Rc::new(Cell::new(false));
        let reader = Self {
            inner,
            short: Rc::clone(&short),
        };
        (reader, short)
    }
}

impl<R: Read> Read for ShortReads<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.short.set(n < buf.len());
        Ok(n)
    }
}
