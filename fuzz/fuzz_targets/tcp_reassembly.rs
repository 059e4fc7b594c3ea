//! `tcp_reassembly`: an MSNP client stream cut into TCP segments sent in an arbitrary order
//! (with retransmissions and overlaps), written as a pcap capture and read back by
//! `msnp decode --input pcap`; and the same segments, with acknowledgements, straight into the
//! capture reader's `Reassembler`.
//!
//! Input: byte 0 flags (retransmit, overlap, FIN, ACKs, reorder limit), byte 1 the number of
//! segments `n` (≤ 32), `n` segment lengths, `n` order keys, then the stream. The segments are
//! sent sorted by key (stable), after a SYN.
//!
//! Checks: the capture decodes to exactly the commands and errors (kind and stream offset) of
//! the stream read as wire bytes, whatever the order; the reassembler's output is contiguous
//! from offset 0 (data and gaps), every data byte is the stream's byte at its offset, its
//! `delivered()` is the sum, its buffer never passes its limit and is empty after `finish()`,
//! and with no acknowledgement nor limit the whole stream comes out without a gap.
#![no_main]

use libfuzzer_sys::fuzz_target;
use msnp_cli::cmd_decode::DecodeArgs;
use msnp_cli::input::decode_reader;
use msnp_cli::input::pcap::reassembly::{Delivery, Reassembler};
use msnp_fuzz::{Collect, Record, ShortReads, cli_args};
use msnp_proto::Limits;

const ISN: u32 = 0xffff_ff00; // sequence numbers wrap inside the stream

/// A segment: stream offset and length.
#[derive(Clone, Copy, Debug)]
struct Seg {
    at: usize,
    len: usize,
    fin: bool,
}

fn frame(out: &mut Vec<u8>, n: u32, flags: u8, seq: u32, payload: &[u8]) {
    let mut f = Vec::with_capacity(54 + payload.len());
    f.extend_from_slice(&[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00]);
    let total = (40 + payload.len()) as u16;
    f.extend_from_slice(&[
        0x45,
        0,
        (total >> 8) as u8,
        total as u8,
        0,
        1,
        0x40,
        0,
        64,
        6,
        0,
        0,
    ]);
    f.extend_from_slice(&[10, 0, 0, 1, 10, 0, 0, 2]);
    f.extend_from_slice(&5000u16.to_be_bytes());
    f.extend_from_slice(&1863u16.to_be_bytes());
    f.extend_from_slice(&seq.to_be_bytes());
    f.extend_from_slice(&[0, 0, 0, 0, 0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
    f.extend_from_slice(payload);
    let len = f.len() as u32;
    for v in [n, 0, len, len] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&f);
}

fn records(input: &[u8], argv: &[&str]) -> Vec<Record> {
    let args: DecodeArgs = cli_args(argv);
    let mut sink = Collect::new(Limits::default());
    decode_reader(
        ShortReads {
            rest: input,
            n: 4096,
        },
        &args.input_config(),
        &mut sink,
    )
    .expect("reading from memory does not fail");
    sink.records
}

fuzz_target!(|data: &[u8]| {
    let [flags, n, rest @ ..] = data else { return };
    let n = usize::from(n % 33);
    if rest.len() < 2 * n {
        return;
    }
    let (lens, rest) = rest.split_at(n);
    let (keys, stream) = rest.split_at(n);

    // Cut the stream; what is left after `n` segments is one more.
    let mut segs = Vec::new();
    let mut at = 0;
    for &l in lens {
        let len = (usize::from(l % 64) + 1).min(stream.len() - at);
        if len == 0 {
            break;
        }
        segs.push((
            keys[segs.len()],
            Seg {
                at,
                len,
                fin: false,
            },
        ));
        at += len;
    }
    if at < stream.len() {
        segs.push((
            0xff,
            Seg {
                at,
                len: stream.len() - at,
                fin: false,
            },
        ));
    }
    let fin = flags & 4 != 0;
    if let Some((_, last)) = segs.last_mut() {
        last.fin = fin;
    }
    if flags & 2 != 0 {
        // Overlaps: each odd-keyed segment also sent joined with its successor.
        let joined: Vec<_> = segs
            .windows(2)
            .filter(|w| w[0].0 & 1 == 1)
            .map(|w| {
                (
                    w[0].0 ^ 0x80,
                    Seg {
                        at: w[0].1.at,
                        len: w[0].1.len + w[1].1.len,
                        fin: w[1].1.fin,
                    },
                )
            })
            .collect();
        segs.extend(joined);
    }
    if flags & 1 != 0 {
        // Retransmissions of every segment whose key has bit 1 set, after everything.
        let again: Vec<_> = segs
            .iter()
            .filter(|s| s.0 & 2 != 0)
            .map(|&(_, s)| (0xff, s))
            .collect();
        segs.extend(again);
    }
    segs.sort_by_key(|s| s.0);

    // 1. As a capture: the same records as the wire stream.
    let mut cap = Vec::new();
    for v in [0xa1b2_c3d4u32, 0x0004_0002, 0, 0, 0xffff, 1] {
        cap.extend_from_slice(&v.to_le_bytes());
    }
    frame(&mut cap, 1, 0x02, ISN, &[]);
    for (i, (_, s)) in segs.iter().enumerate() {
        let seq = ISN.wrapping_add(1).wrapping_add(s.at as u32);
        let f = 0x18 & !0x10 | if s.fin { 0x01 } else { 0 };
        frame(&mut cap, i as u32 + 2, f, seq, &stream[s.at..s.at + s.len]);
    }
    let from_capture: Vec<Record> = records(&cap, &["--input", "pcap"])
        .into_iter()
        .map(|r| match r {
            Record::Cmd(flow, d, b) => {
                assert_eq!(flow, Some(1), "one connection");
                Record::Cmd(None, d, b)
            }
            Record::Err(_, kind, offset, _) => Record::Err(None, kind, offset, 0),
        })
        .collect();
    let from_wire: Vec<Record> = records(stream, &["--input", "wire", "--direction", "client"])
        .into_iter()
        .map(|r| match r {
            Record::Err(_, kind, offset, _) => Record::Err(None, kind, offset, 0),
            other => other,
        })
        .collect();
    assert_eq!(
        from_capture, from_wire,
        "the capture does not decode like the stream"
    );

    // 2. The reassembler alone, with acknowledgements (bit 3) and a small buffer (bit 4).
    let acks = flags & 8 != 0;
    let max_pending = if flags & 16 != 0 {
        usize::from(flags >> 5) * 16
    } else {
        usize::MAX
    };
    let mut r = Reassembler::new(max_pending);
    r.syn(ISN);
    let (mut out, mut pos, mut gaps) = (Vec::new(), 0u64, 0u64);
    let mut check = |out: &mut Vec<Delivery>, r: &Reassembler| {
        for d in out.drain(..) {
            match d {
                Delivery::Data(bytes) => {
                    assert!(!bytes.is_empty(), "empty delivery");
                    let at = pos as usize;
                    assert_eq!(
                        &bytes[..],
                        &stream[at..at + bytes.len()],
                        "wrong bytes at {at}"
                    );
                    pos += bytes.len() as u64;
                }
                Delivery::Gap { at, lost } => {
                    assert_eq!(at, pos, "gap not where the data stopped");
                    assert!(lost > 0);
                    pos += lost;
                    gaps += 1;
                }
            }
        }
        assert_eq!(r.delivered(), pos);
        assert!(r.pending_bytes() <= max_pending, "buffer past its limit");
        assert!(pos <= stream.len() as u64, "delivered past the stream");
    };
    for (key, s) in &segs {
        let seq = ISN.wrapping_add(1).wrapping_add(s.at as u32);
        r.segment(seq, &stream[s.at..s.at + s.len], s.fin, &mut out);
        check(&mut out, &r);
        if acks && key & 4 != 0 {
            // The peer acknowledges everything up to the end of this segment.
            r.acked(seq.wrapping_add(s.len as u32), &mut out);
            check(&mut out, &r);
        }
    }
    r.finish(&mut out);
    check(&mut out, &r);
    assert_eq!(r.pending_bytes(), 0, "bytes left after finish");
    if !acks && max_pending == usize::MAX {
        assert_eq!(gaps, 0, "a gap although every byte was sent");
        assert_eq!(pos, stream.len() as u64, "not every byte came out");
    }
});
