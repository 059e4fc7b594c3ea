//! `p2p_reassembly`: a scripted peer feeding P2Pv1 and P2Pv2 chunks into a [`Reassembler`].
//!
//! Input: 8 bytes of limits, then operations of 12 bytes (kind, session, id, flags, offset,
//! total, length, …). Chunk bytes are a function of their position in the message, so every
//! accepted chunk agrees with every other one on overlaps and every handed-out byte can be
//! checked; sessions ≥ 8 carry input bytes instead, to reach the mismatch paths.
//!
//! Checks: no panic; buffered bytes and open messages never pass their limits; a completed
//! message has exactly its size and the expected bytes; streamed file data continues exactly
//! where the previous piece ended.
#![no_main]

use std::borrow::Cow;
use std::collections::HashMap;

use libfuzzer_sys::fuzz_target;
use msnp_proto::p2p::reassembly::{MessageKey, P2pLimits, Progress, Reassembler};
use msnp_proto::p2p::v1::{P2pHeader, P2pMessage, flags};
use msnp_proto::p2p::v2::{DataPacket, DataTlv, P2pV2Packet, Tf, TfKind};

fn pattern(pos: u64) -> u8 {
    (pos.wrapping_mul(31) % 251) as u8
}

fn be16(b: &[u8]) -> u64 {
    u64::from(u16::from_be_bytes([b[0], b[1]]))
}

fuzz_target!(|data: &[u8]| {
    let Some((lim, mut ops)) = data.split_first_chunk::<8>() else {
        return;
    };
    let limits = P2pLimits {
        max_chunk_payload: 1 + usize::from(lim[0]) * 8,
        max_slp_size: u64::from(lim[1]) * 64,
        max_object_size: u64::from(lim[2]) * 256,
        max_file_size: u64::from(lim[3]) * 1024,
        max_open_messages: usize::from(lim[4] % 16),
        max_buffered_bytes: u64::from(u16::from_be_bytes([lim[5], lim[6]])),
        max_ranges: usize::from(lim[7] % 32),
    };
    let mut r = Reassembler::new(limits);
    // Where each streamed file has got to.
    let mut streamed: HashMap<MessageKey, u64> = HashMap::new();
    let mut buf = Vec::new();
    // Sizes of the P2Pv2 messages open in the reassembler.
    let mut v2_total: HashMap<MessageKey, u64> = HashMap::new();
    while let Some((op, rest)) = ops.split_first_chunk::<12>() {
        ops = rest;
        let session = u32::from(op[1] % 12);
        let id = u32::from(op[2] % 4);
        let offset = be16(&op[4..6]) % 4096;
        let total = be16(&op[6..8]) % 4096;
        let len = (be16(&op[8..10]) % 2048) as usize;
        let free = session >= 8;
        // P2Pv1 uses message ids 0–3, P2Pv2 4–7: one message is never fed in both framings,
        // so the model below knows where the reassembler places a v2 chunk.
        let v2_key = MessageKey {
            session_id: session,
            message_id: id + 4,
        };
        let is_v2 = matches!(op[0] % 5, 2 | 3);
        let first = offset == 0 || op[11] & 2 != 0;
        // A P2Pv2 chunk says where it goes only through the bytes remaining after it: the
        // size the reassembler knows for its message (or the one announced now) decides.
        let size = if first {
            total.max(len as u64)
        } else {
            v2_total.get(&v2_key).copied().unwrap_or(total)
        };
        let start = if first {
            0
        } else {
            offset.min(size.saturating_sub(len as u64))
        };
        let remaining = size.checked_sub(start + len as u64).filter(|&n| n > 0);
        let pos = if is_v2 { start } else { offset };
        let fill = |buf: &mut Vec<u8>| {
            buf.clear();
            if free {
                buf.extend(ops.iter().cycle().take(len));
            } else {
                buf.extend((0..len as u64).map(|i| pattern(pos + i)));
            }
        };
        fill(&mut buf);
        let result = match op[0] % 5 {
            0 | 1 => {
                let f = [
                    0,
                    flags::MSNOBJ_DATA,
                    flags::WLM2009_FILE_DATA,
                    flags::ACK,
                    flags::WLM2009,
                    op[3].into(),
                ][usize::from(op[3] % 6)];
                let m = P2pMessage {
                    header: P2pHeader {
                        session_id: session,
                        identifier: id,
                        data_offset: if op[11] & 1 != 0 {
                            u64::MAX - offset
                        } else {
                            offset
                        },
                        total_size: total,
                        length: len as u32,
                        flags: f,
                        ..P2pHeader::default()
                    },
                    data: Cow::Borrowed(&buf),
                    footer: 0,
                };
                r.push_v1(&m)
            }
            2 | 3 => {
                let kind = [
                    TfKind::Slp,
                    TfKind::MsnObject,
                    TfKind::File,
                    TfKind::Other(op[3]),
                ][usize::from(op[3] % 4)];
                // A lie far outside any limit: refused whatever else holds.
                let remaining = if op[11] & 4 != 0 {
                    Some((u64::from(op[10]) + 1) << 40)
                } else {
                    remaining
                };
                let p = P2pV2Packet {
                    op_code: 0,
                    sequence: 0,
                    tlvs: Vec::new(),
                    data: Some(DataPacket {
                        tf: Tf::new(kind, first),
                        package_number: (id + 4) as u16,
                        session_id: session,
                        tlvs: remaining.map(DataTlv::Remaining).into_iter().collect(),
                        payload: Cow::Borrowed(&buf),
                    }),
                    footer: 0,
                };
                let res = r.push_v2(&p);
                if first
                    && matches!(
                        res,
                        Ok(Progress::Buffered | Progress::FileData { last: false, .. })
                    )
                {
                    v2_total.insert(v2_key, remaining.unwrap_or(0) + len as u64);
                }
                res
            }
            _ => {
                r.drop_session(session);
                streamed.retain(|k, _| k.session_id != session);
                v2_total.retain(|k, _| k.session_id != session);
                Ok(Progress::Skipped)
            }
        };
        if let Ok(Progress::Completed(m)) = &result {
            v2_total.remove(&m.key);
        }
        if let Ok(Progress::FileData {
            key, last: true, ..
        }) = &result
        {
            v2_total.remove(key);
        }
        match result {
            Ok(Progress::Completed(m)) => {
                if m.key.session_id < 8 {
                    for (i, b) in m.bytes.iter().enumerate() {
                        assert_eq!(*b, pattern(i as u64), "completed byte {i} of {:?}", m.key);
                    }
                }
            }
            Ok(Progress::FileData {
                key,
                offset,
                bytes,
                last,
            }) => {
                let at = streamed.entry(key).or_insert(0);
                assert_eq!(offset, *at, "file data continues where it stopped");
                *at += bytes.len() as u64;
                if key.session_id < 8 {
                    for (i, b) in bytes.iter().enumerate() {
                        assert_eq!(*b, pattern(offset + i as u64));
                    }
                }
                if last {
                    streamed.remove(&key);
                }
            }
            _ => {}
        }
        assert!(r.buffered_bytes() <= limits.max_buffered_bytes);
        assert!(r.open_messages() <= limits.max_open_messages);
    }
});
