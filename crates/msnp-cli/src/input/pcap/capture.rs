//! Reading capture files: pcap (either byte order, micro- or nanosecond timestamps) and pcapng
//! (SHB, IDB, EPB, SPB; other blocks are skipped), streaming from any reader.

use std::cell::Cell;
use std::io::{self, Read};

use pcap_parser::traits::{PcapNGPacketBlock, PcapReaderIterator};
use pcap_parser::{Block, LegacyPcapReader, Linktype, PcapBlockOwned, PcapError, PcapNGReader};

use crate::input::ShortReads;

/// Which container a capture uses, from its first four bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaptureFormat {
    /// libpcap's classic format.
    Pcap,
    /// pcapng.
    PcapNg,
}

impl CaptureFormat {
    /// Recognises the magic number at the start of a capture.
    pub fn detect(head: &[u8]) -> Option<Self> {
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
pub struct CaptureLimits {
    /// Largest block (pcap record or pcapng block) accepted, in bytes.
    pub max_block: usize,
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
pub enum CaptureError {
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
    pub fn kind_name(&self) -> &'static str {
        match self {
            Self::NotACapture => "not_a_capture",
            Self::Truncated { .. } => "capture_truncated",
            Self::Malformed { .. } => "capture_malformed",
            Self::BlockTooLarge { .. } => "capture_block_too_large",
            Self::Io(_) => "capture_io",
        }
    }

    /// Byte offset in the capture where it happened (0 when unknown).
    pub fn offset(&self) -> u64 {
        match self {
            Self::Truncated { offset }
            | Self::Malformed { offset, .. }
            | Self::BlockTooLarge { offset, .. } => *offset,
            Self::NotACapture | Self::Io(_) => 0,
        }
    }
}

/// The link type given to packets of an interface no IDB declared (pcapng).
pub const UNDECLARED_INTERFACE: Linktype = Linktype(-1);

/// One captured frame.
#[derive(Clone, Copy, Debug)]
pub struct Frame<'a> {
    /// Ordinal of the frame in the capture, from 1.
    pub number: u64,
    /// Link-layer header type of its interface ([`UNDECLARED_INTERFACE`] when there is none).
    pub link: Linktype,
    /// Capture time in seconds since the Unix epoch (pcapng simple packets have none).
    pub ts: Option<f64>,
    /// The captured bytes (possibly fewer than were on the wire).
    pub data: &'a [u8],
}

/// A reader whose first `read` fills the buffer up to `first` bytes (or the input's end):
/// pcap-parser reads the file header with a single `read`, which a pipe may answer short. Later
/// reads return what is there, so a live capture on a pipe is decoded as it arrives.
struct Filling<R> {
    inner: R,
    first: usize,
}

impl<R: Read> Read for Filling<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let want = core::mem::replace(&mut self.first, 1).clamp(1, buf.len().max(1));
        let mut got = 0;
        while got < want {
            match self.inner.read(buf.get_mut(got..).unwrap_or_default()) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(got)
    }
}

/// How much the first read gathers: a pcap header, or a pcapng section header with options.
const FIRST_READ: usize = 4096;

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

/// Reads every frame of a capture from `input`, calling `frame` for each in file order, and with
/// `None` when the input may block next (its last read came back short: let what is pending
/// out). Returns the number of bytes read; stops at the first error of the container itself (an
/// error returned by `frame` is passed through as [`CaptureError::Io`]).
pub fn read_frames(
    input: impl Read,
    limits: CaptureLimits,
    mut frame: impl FnMut(Option<Frame<'_>>) -> io::Result<()>,
) -> Result<u64, CaptureError> {
    let (input, short) = ShortReads::new(input);
    let mut input = Filling {
        inner: input,
        first: 4,
    };
    let mut head = [0u8; 4];
    let n = input.read(&mut head)?;
    let format = CaptureFormat::detect(head.get(..n).unwrap_or_default())
        .ok_or(CaptureError::NotACapture)?;
    let input = Filling {
        inner: io::Cursor::new(head).take(n as u64).chain(input.inner),
        first: FIRST_READ,
    };
    let capacity = INITIAL_BUFFER.min(limits.max_block.max(4096));
    match format {
        CaptureFormat::Pcap => {
            let reader = LegacyPcapReader::new(capacity, input).map_err(|e| start_error(&e))?;
            drive(reader, limits, &short, &mut frame)
        }
        CaptureFormat::PcapNg => {
            let reader = PcapNGReader::new(capacity, input).map_err(|e| start_error(&e))?;
            drive(reader, limits, &short, &mut frame)
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

/// Timestamp units per second of an `if_tsresol` value: 10^n, or 2^n when the high bit is
/// set. (pcap-parser 0.17's `build_ts_resolution` rejects every power of two: it compares the
/// exponent with the flag bit still set.)
fn units_per_sec(tsresol: u8) -> Option<u64> {
    let exp = u32::from(tsresol & 0x7f);
    if tsresol & 0x80 == 0 {
        10u64.checked_pow(exp)
    } else {
        1u64.checked_shl(exp).filter(|_| exp < 64)
    }
}

fn drive<R: PcapReaderIterator>(
    mut reader: R,
    limits: CaptureLimits,
    short: &Cell<bool>,
    frame: &mut impl FnMut(Option<Frame<'_>>) -> io::Result<()>,
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
                // The read buffer never starts below 4 KiB, so a smaller limit is checked
                // here, on the block as parsed.
                if len > limits.max_block {
                    return Err(CaptureError::BlockTooLarge {
                        offset,
                        limit: limits.max_block,
                    });
                }
                handle(&mut state, block, frame)?;
                reader.consume(len);
            }
            Err(PcapError::Eof) => return Ok(offset),
            Err(PcapError::Incomplete(_)) | Err(PcapError::BufferTooSmall) => {
                if reader.reader_exhausted() {
                    return Err(CaptureError::Truncated { offset });
                }
                if short.get() {
                    frame(None)?;
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
    frame: &mut impl FnMut(Option<Frame<'_>>) -> io::Result<()>,
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
            frame(Some(Frame {
                number: state.frames,
                link,
                ts: Some(f64::from(b.ts_sec) + f64::from(b.ts_usec) / per_sec),
                data: b.data,
            }))?;
        }
        PcapBlockOwned::NG(Block::SectionHeader(_)) => state.interfaces.clear(),
        PcapBlockOwned::NG(Block::InterfaceDescription(idb)) => {
            state.interfaces.push(Interface {
                link: idb.linktype,
                // An unusable resolution falls back to the default, microseconds.
                units_per_sec: units_per_sec(idb.if_tsresol).unwrap_or(1_000_000),
                offset: idb.ts_offset(),
            });
        }
        PcapBlockOwned::NG(Block::EnhancedPacket(epb)) => {
            state.frames += 1;
            // A packet of an undeclared interface still counts as a frame, of no link type.
            let iface = state
                .interfaces
                .get(epb.if_id as usize)
                .copied()
                .unwrap_or(Interface {
                    link: UNDECLARED_INTERFACE,
                    units_per_sec: 1_000_000,
                    offset: 0,
                });
            let units = (u64::from(epb.ts_high) << 32) | u64::from(epb.ts_low);
            let ts = (units / iface.units_per_sec) as f64
                + (units % iface.units_per_sec) as f64 / iface.units_per_sec as f64
                + iface.offset as f64;
            frame(Some(Frame {
                number: state.frames,
                link: iface.link,
                ts: Some(ts),
                data: epb.packet_data(),
            }))?;
        }
        PcapBlockOwned::NG(Block::SimplePacket(spb)) => {
            state.frames += 1;
            let link = state
                .interfaces
                .first()
                .map_or(UNDECLARED_INTERFACE, |i| i.link);
            frame(Some(Frame {
                number: state.frames,
                link,
                ts: None,
                data: spb.packet_data(),
            }))?;
        }
        PcapBlockOwned::NG(_) => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn block(v: &mut Vec<u8>, kind: u32, body: &[u8], be: bool) {
        let u32b = |x: u32| if be { x.to_be_bytes() } else { x.to_le_bytes() };
        let padded = body.len().div_ceil(4) * 4;
        let len = (12 + padded) as u32;
        v.extend_from_slice(&u32b(kind));
        v.extend_from_slice(&u32b(len));
        v.extend_from_slice(body);
        v.resize(v.len() + padded - body.len(), 0);
        v.extend_from_slice(&u32b(len));
    }

    /// A pcapng section: SHB, one IDB (link type, optional if_tsresol), then the given blocks.
    fn section(be: bool, link: u16, tsresol: Option<u8>, blocks: &[(u32, Vec<u8>)]) -> Vec<u8> {
        let u16b = |x: u16| if be { x.to_be_bytes() } else { x.to_le_bytes() };
        let u32b = |x: u32| if be { x.to_be_bytes() } else { x.to_le_bytes() };
        let mut v = Vec::new();
        let mut shb = u32b(0x1a2b_3c4d).to_vec();
        shb.extend_from_slice(&u16b(1));
        shb.extend_from_slice(&u16b(0));
        shb.extend_from_slice(&[0xff; 8]);
        block(&mut v, 0x0a0d_0d0a, &shb, be);
        let mut idb = u16b(link).to_vec();
        idb.extend_from_slice(&u16b(0));
        idb.extend_from_slice(&u32b(0));
        if let Some(r) = tsresol {
            idb.extend_from_slice(&u16b(9));
            idb.extend_from_slice(&u16b(1));
            idb.extend_from_slice(&[r, 0, 0, 0]);
            idb.extend_from_slice(&[0; 4]);
        }
        block(&mut v, 1, &idb, be);
        for (kind, body) in blocks {
            block(&mut v, *kind, body, be);
        }
        v
    }

    fn epb(be: bool, if_id: u32, ts: u64, data: &[u8]) -> (u32, Vec<u8>) {
        let u32b = |x: u32| if be { x.to_be_bytes() } else { x.to_le_bytes() };
        let mut b = Vec::new();
        for x in [
            if_id,
            (ts >> 32) as u32,
            ts as u32,
            data.len() as u32,
            data.len() as u32,
        ] {
            b.extend_from_slice(&u32b(x));
        }
        b.extend_from_slice(data);
        (6, b)
    }

    /// Number, link type, timestamp and bytes of a frame.
    type Seen = (u64, i32, Option<f64>, Vec<u8>);

    fn frames(bytes: &[u8]) -> Result<Vec<Seen>, CaptureError> {
        let mut out = Vec::new();
        read_frames(bytes, CaptureLimits::default(), |f| {
            if let Some(f) = f {
                out.push((f.number, f.link.0, f.ts, f.data.to_vec()));
            }
            Ok(())
        })?;
        Ok(out)
    }

    #[test]
    fn detects_every_magic() {
        for m in [
            [0xd4, 0xc3, 0xb2, 0xa1],
            [0xa1, 0xb2, 0xc3, 0xd4],
            [0x4d, 0x3c, 0xb2, 0xa1],
            [0xa1, 0xb2, 0x3c, 0x4d],
        ] {
            assert_eq!(CaptureFormat::detect(&m), Some(CaptureFormat::Pcap));
        }
        assert_eq!(
            CaptureFormat::detect(&[0x0a, 0x0d, 0x0d, 0x0a, 0]),
            Some(CaptureFormat::PcapNg)
        );
        assert_eq!(CaptureFormat::detect(b"VER "), None);
        assert_eq!(CaptureFormat::detect(&[0xd4, 0xc3]), None);
    }

    #[test]
    fn pcapng_sections_resolutions_and_simple_packets() {
        // Section 1, little-endian, default microseconds, an EPB and an SPB.
        let mut spb = 3u32.to_le_bytes().to_vec();
        spb.extend_from_slice(b"abc");
        let mut cap = section(
            false,
            1,
            None,
            &[epb(false, 0, 1_500_000, b"frame1"), (3, spb)],
        );
        // Section 2, big-endian, milliseconds (if_tsresol 3), raw IP; an EPB of an undeclared
        // interface comes out with an unknown link type.
        cap.extend(section(
            true,
            101,
            Some(3),
            &[epb(true, 0, 2_250, b"frame3"), epb(true, 5, 0, b"frame4")],
        ));
        let got = frames(&cap).unwrap();
        assert_eq!(got.len(), 4);
        assert_eq!(got[0], (1, 1, Some(1.5), b"frame1".to_vec()));
        assert_eq!(got[1], (2, 1, None, b"abc".to_vec()));
        assert_eq!(got[2], (3, 101, Some(2.25), b"frame3".to_vec()));
        assert_eq!((got[3].0, got[3].1), (4, -1));
    }

    /// A pcap file with one frame at 1000 s + `frac` (micro- or nanoseconds).
    fn legacy(be: bool, nanos: bool, frac: u32, data: &[u8]) -> Vec<u8> {
        let u32b = |x: u32| if be { x.to_be_bytes() } else { x.to_le_bytes() };
        let mut v = u32b(if nanos { 0xa1b2_3c4d } else { 0xa1b2_c3d4 }).to_vec();
        v.extend_from_slice(&if be { [0, 2, 0, 4] } else { [2, 0, 4, 0] });
        for x in [
            0,
            0,
            65535,
            113,
            1000,
            frac,
            data.len() as u32,
            data.len() as u32,
        ] {
            v.extend_from_slice(&u32b(x));
        }
        v.extend_from_slice(data);
        v
    }

    #[test]
    fn pcap_byte_orders_and_precisions() {
        for be in [false, true] {
            let got = frames(&legacy(be, false, 250_000, b"abc")).unwrap();
            assert_eq!(got, vec![(1, 113, Some(1000.25), b"abc".to_vec())]);
            let got = frames(&legacy(be, true, 500_000_000, b"")).unwrap();
            assert_eq!(got, vec![(1, 113, Some(1000.5), Vec::new())]);
        }
    }

    #[test]
    fn timestamp_resolutions() {
        assert_eq!(units_per_sec(6), Some(1_000_000));
        assert_eq!(units_per_sec(9), Some(1_000_000_000));
        assert_eq!(units_per_sec(0x80 | 10), Some(1024));
        assert_eq!(units_per_sec(20), None);
        assert_eq!(units_per_sec(0x80 | 64), None);
        // A base-2 resolution in a capture: 2^-10 s units.
        let cap = section(
            false,
            1,
            Some(0x80 | 10),
            &[epb(false, 0, 3 * 1024 + 512, b"x")],
        );
        assert_eq!(frames(&cap).unwrap()[0].2, Some(3.5));
    }

    #[test]
    fn container_errors_are_typed() {
        assert!(matches!(frames(b"hello"), Err(CaptureError::NotACapture)));
        assert!(matches!(frames(b""), Err(CaptureError::NotACapture)));
        let cap = section(false, 1, None, &[epb(false, 0, 0, &[7; 100])]);
        for cut in [10, 40, cap.len() - 1] {
            let e = frames(&cap[..cut]).unwrap_err();
            assert!(
                matches!(
                    e,
                    CaptureError::Truncated { .. } | CaptureError::Malformed { .. }
                ),
                "{cut}: {e:?}"
            );
        }
        // A block longer than the limit.
        let big = section(false, 1, None, &[epb(false, 0, 0, &[0; 70_000])]);
        let e = read_frames(&big[..], CaptureLimits { max_block: 65_536 }, |_| Ok(())).unwrap_err();
        assert!(
            matches!(e, CaptureError::BlockTooLarge { limit: 65_536, .. }),
            "{e:?}"
        );
        // Within the limit, the buffer grows to fit it.
        assert_eq!(frames(&big).unwrap()[0].3.len(), 70_000);
    }

    proptest! {
        /// Random bytes after a magic number: frames or a typed error, never a panic or a hang.
        #[test]
        fn random_bodies_never_panic(ng in any::<bool>(), body in proptest::collection::vec(any::<u8>(), 0..600)) {
            let mut cap = if ng { vec![0x0a, 0x0d, 0x0d, 0x0a] } else { vec![0xd4, 0xc3, 0xb2, 0xa1] };
            cap.extend_from_slice(&body);
            let _ = frames(&cap);
        }

        /// A valid capture with bytes overwritten.
        #[test]
        fn mutated_sections_never_panic(
            edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        ) {
            let mut cap = section(false, 1, Some(6), &[epb(false, 0, 5, b"abcdef"), epb(false, 0, 9, &[1; 40])]);
            for (i, b) in edits {
                let i = i.index(cap.len());
                cap[i] = b;
            }
            let _ = frames(&cap);
        }
    }
}
