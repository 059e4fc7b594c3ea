//! Reading capture files: pcap (either byte order, micro- or nanosecond timestamps) and pcapng
//! (SHB, IDB, EPB, SPB; other blocks are skipped), streaming from any reader.

use std::io::{self, Read};

use pcap_parser::traits::{PcapNGPacketBlock, PcapReaderIterator};
use pcap_parser::{Block, LegacyPcapReader, Linktype, PcapBlockOwned, PcapError, PcapNGReader};

/// Which container a capture uses, from its first four bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CaptureFormat {
    /// libpcap's classic format.
    Pcap,
    /// pcapng.
    PcapNg,
}

impl CaptureFormat {
    /// Recognises the magic number at the start of a capture.
    pub(crate) fn detect(head: &[u8]) -> Option<Self> {
        let magic: [u8; 4] = head.get(..4)?.try_into().ok()?;
        match magic {
            [0x0a, 0x0d, 0x0d, 0x0a] => Some(Self::PcapNg),
            // Microsecond, nanosecond and "modified" pcap, in both byte orders.
            [0xd4, 0xc3, 0xb2, 0xa1]
            | [0xa1, 0xb2, 0xc3, 0xd4]
            | [0x4d, 0x3c, 0xb2, 0xa1]
            | [0xa1, 0xb2, 0x3c, 0x4d]
            | [0x34, 0xcd, 0xb2, 0xa1]
            | [0xa1, 0xb2, 0xcd, 0x34] => Some(Self::Pcap),
            _ => None,
        }
    }
}

/// Limits on what the capture reader buffers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct CaptureLimits {
    /// Largest block (pcap record or pcapng block) accepted, in bytes.
    pub(crate) max_block: usize,
}

impl Default for CaptureLimits {
    fn default() -> Self {
        Self {
            max_block: 16 << 20,
        }
    }
}

/// A capture that cannot be read on: the packets before it have been handed on.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CaptureError {
    /// The input does not start with a pcap or pcapng magic number.
    #[error("not a pcap or pcapng capture (unknown magic number)")]
    NotACapture,
    /// The input ends inside a header or block.
    #[error("capture truncated at byte {offset}: the last block is incomplete")]
    Truncated {
        /// Byte offset of the incomplete block.
        offset: u64,
    },
    /// A header or block does not parse.
    #[error("malformed capture at byte {offset}: {what}")]
    Malformed {
        /// Byte offset of the bad block.
        offset: u64,
        /// What is wrong.
        what: String,
    },
    /// A block is larger than [`CaptureLimits::max_block`].
    #[error("capture block at byte {offset} is larger than the {limit}-byte limit")]
    BlockTooLarge {
        /// Byte offset of the block.
        offset: u64,
        /// The limit in force.
        limit: usize,
    },
    /// Reading the input failed.
    #[error("reading the capture: {0}")]
    Io(#[from] io::Error),
}

impl CaptureError {
    /// The `kind` of its error record.
    pub(crate) fn kind_name(&self) -> &'static str {
        match self {
            Self::NotACapture => "not_a_capture",
            Self::Truncated { .. } => "capture_truncated",
            Self::Malformed { .. } => "capture_malformed",
            Self::BlockTooLarge { .. } => "capture_block_too_large",
            Self::Io(_) => "capture_io",
        }
    }

    /// Byte offset in the capture where it happened (0 when unknown).
    pub(crate) fn offset(&self) -> u64 {
        match self {
            Self::Truncated { offset }
            | Self::Malformed { offset, .. }
            | Self::BlockTooLarge { offset, .. } => *offset,
            Self::NotACapture | Self::Io(_) => 0,
        }
    }
}

/// One captured frame.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Frame<'a> {
    /// Ordinal of the frame in the capture, from 1.
    pub(crate) number: u64,
    /// Link-layer header type of its interface.
    pub(crate) link: Linktype,
    /// Capture time in seconds since the Unix epoch (pcapng simple packets have none).
    pub(crate) ts: Option<f64>,
    /// The captured bytes (possibly fewer than were on the wire).
    pub(crate) data: &'a [u8],
}

/// A reader that fills the buffer it is given as far as the input allows (pcap-parser reads a
/// header with a single `read` call, which a pipe may answer short).
struct Filling<R>(R);

impl<R: Read> Read for Filling<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut got = 0;
        while got < buf.len() {
            match self.0.read(buf.get_mut(got..).unwrap_or_default()) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(got)
    }
}

/// An interface of a pcapng section.
#[derive(Clone, Copy, Debug)]
struct Interface {
    link: Linktype,
    /// Timestamp units per second.
    units_per_sec: u64,
    /// Seconds added to every timestamp.
    offset: i64,
}

const INITIAL_BUFFER: usize = 1 << 16;

/// Reads every frame of a capture from `input`, calling `frame` for each in file order.
/// Returns the number of bytes read; stops at the first error of the container itself (an
/// error returned by `frame` is passed through as [`CaptureError::Io`]).
pub(crate) fn read_frames(
    input: impl Read,
    limits: CaptureLimits,
    mut frame: impl FnMut(Frame<'_>) -> io::Result<()>,
) -> Result<u64, CaptureError> {
    let mut input = Filling(input);
    let mut head = [0u8; 4];
    let n = input.read(&mut head)?;
    let format = CaptureFormat::detect(head.get(..n).unwrap_or_default())
        .ok_or(CaptureError::NotACapture)?;
    let input = Filling(io::Cursor::new(head).take(n as u64).chain(input.0));
    let capacity = INITIAL_BUFFER.min(limits.max_block.max(4096));
    match format {
        CaptureFormat::Pcap => {
            let reader = LegacyPcapReader::new(capacity, input).map_err(|e| start_error(&e))?;
            drive(reader, limits, &mut frame)
        }
        CaptureFormat::PcapNg => {
            let reader = PcapNGReader::new(capacity, input).map_err(|e| start_error(&e))?;
            drive(reader, limits, &mut frame)
        }
    }
}

fn start_error(e: &PcapError<&[u8]>) -> CaptureError {
    match e {
        PcapError::Incomplete(_) | PcapError::UnexpectedEof | PcapError::Eof => {
            CaptureError::Truncated { offset: 0 }
        }
        PcapError::ReadError => CaptureError::Io(io::Error::other("read failed")),
        other => CaptureError::Malformed {
            offset: 0,
            what: describe(other),
        },
    }
}

fn describe(e: &PcapError<&[u8]>) -> String {
    match e {
        PcapError::NomError(_, kind) | PcapError::OwnedNomError(_, kind) => {
            format!("bad header or block ({kind:?})")
        }
        PcapError::HeaderNotRecognized => "header not recognised".into(),
        other => format!("{other:?}"),
    }
}

/// Per-format state: the pcap header's link type and precision, or the pcapng interfaces.
#[derive(Debug, Default)]
struct State {
    legacy: Option<(Linktype, f64)>,
    interfaces: Vec<Interface>,
    frames: u64,
}

fn drive<R: PcapReaderIterator>(
    mut reader: R,
    limits: CaptureLimits,
    frame: &mut impl FnMut(Frame<'_>) -> io::Result<()>,
) -> Result<u64, CaptureError> {
    let mut state = State::default();
    let mut capacity = INITIAL_BUFFER.min(limits.max_block.max(4096));
    let mut stalls = 0u32;
    loop {
        let offset = reader.consumed() as u64;
        let res = reader.next();
        match res {
            Ok((len, block)) => {
                stalls = 0;
                handle(&mut state, block, frame)?;
                reader.consume(len);
            }
            Err(PcapError::Eof) => return Ok(offset),
            Err(PcapError::Incomplete(_)) | Err(PcapError::BufferTooSmall) => {
                if reader.reader_exhausted() {
                    return Err(CaptureError::Truncated { offset });
                }
                let before = reader.data().len();
                reader
                    .refill()
                    .map_err(|_| io::Error::other("read failed"))?;
                if reader.data().len() == before {
                    if reader.reader_exhausted() {
                        if before == 0 {
                            return Ok(offset);
                        }
                        return Err(CaptureError::Truncated { offset });
                    }
                    // The buffer is full and the block still incomplete: grow it, up to the limit.
                    if capacity >= limits.max_block {
                        return Err(CaptureError::BlockTooLarge {
                            offset,
                            limit: limits.max_block,
                        });
                    }
                    capacity = capacity.saturating_mul(2).min(limits.max_block);
                    if !reader.grow(capacity) {
                        stalls += 1;
                        if stalls > 2 {
                            return Err(CaptureError::BlockTooLarge {
                                offset,
                                limit: capacity,
                            });
                        }
                    }
                }
            }
            Err(PcapError::UnexpectedEof) => return Err(CaptureError::Truncated { offset }),
            Err(PcapError::ReadError) => return Err(io::Error::other("read failed").into()),
            Err(e) => {
                return Err(CaptureError::Malformed {
                    offset,
                    what: describe(&e),
                });
            }
        }
    }
}

fn handle(
    state: &mut State,
    block: PcapBlockOwned<'_>,
    frame: &mut impl FnMut(Frame<'_>) -> io::Result<()>,
) -> io::Result<()> {
    match block {
        PcapBlockOwned::LegacyHeader(h) => {
            let per_sec = if h.is_nanosecond_precision() {
                1e9
            } else {
                1e6
            };
            state.legacy = Some((h.network, per_sec));
        }
        PcapBlockOwned::Legacy(b) => {
            let (link, per_sec) = state.legacy.unwrap_or((Linktype::ETHERNET, 1e6));
            state.frames += 1;
            frame(Frame {
                number: state.frames,
                link,
                ts: Some(f64::from(b.ts_sec) + f64::from(b.ts_usec) / per_sec),
                data: b.data,
            })?;
        }
        PcapBlockOwned::NG(Block::SectionHeader(_)) => state.interfaces.clear(),
        PcapBlockOwned::NG(Block::InterfaceDescription(idb)) => {
            state.interfaces.push(Interface {
                link: idb.linktype,
                // An unusable resolution falls back to the default, microseconds.
                units_per_sec: idb.ts_resolution().filter(|&r| r > 0).unwrap_or(1_000_000),
                offset: idb.ts_offset(),
            });
        }
        PcapBlockOwned::NG(Block::EnhancedPacket(epb)) => {
            state.frames += 1;
            // A packet of an undeclared interface is skipped (a frame of unknown link type).
            let iface = state
                .interfaces
                .get(epb.if_id as usize)
                .copied()
                .unwrap_or(Interface {
                    link: Linktype(-1),
                    units_per_sec: 1_000_000,
                    offset: 0,
                });
            let units = (u64::from(epb.ts_high) << 32) | u64::from(epb.ts_low);
            let ts = (units / iface.units_per_sec) as f64
                + (units % iface.units_per_sec) as f64 / iface.units_per_sec as f64
                + iface.offset as f64;
            frame(Frame {
                number: state.frames,
                link: iface.link,
                ts: Some(ts),
                data: epb.packet_data(),
            })?;
        }
        PcapBlockOwned::NG(Block::SimplePacket(spb)) => {
            state.frames += 1;
            let link = state.interfaces.first().map_or(Linktype(-1), |i| i.link);
            frame(Frame {
                number: state.frames,
                link,
                ts: None,
                data: spb.packet_data(),
            })?;
        }
        PcapBlockOwned::NG(_) => {}
    }
    Ok(())
}
