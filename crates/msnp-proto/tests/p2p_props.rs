//! Property tests for the P2P formats (build → parse gives the value back, parse → build
//! gives the bytes back) and for reassembly (any chunking, order and duplication gives the
//! original bytes, and memory stays within the limits).

use std::borrow::Cow;

use msnp_proto::p2p::context::FtContext;
use msnp_proto::p2p::reassembly::{MessageKind, P2pLimits, Progress, Reassembler};
use msnp_proto::p2p::slp::{Guid, SessionRequest, SlpBody, SlpContentType, SlpMessage, StartLine};
use msnp_proto::p2p::v1::{self, P2pHeader, P2pMessage, flags};
use msnp_proto::p2p::v2::{self, DataPacket, DataTlv, HeaderTlv, P2pV2Packet, Tf, TfKind};
use msnp_proto::payload::mime::MimeHeaders;
use proptest::prelude::*;

fn header_tlv() -> impl Strategy<Value = HeaderTlv<'static>> {
    prop_oneof![
        any::<[u8; 12]>().prop_map(HeaderTlv::PeerInfo),
        any::<u32>().prop_map(HeaderTlv::Ack),
        any::<u32>().prop_map(HeaderTlv::Nak),
        (4u8..=255, prop::collection::vec(any::<u8>(), 0..20)).prop_map(|(t, v)| {
            HeaderTlv::Unknown {
                tlv_type: t,
                value: Cow::Owned(v),
            }
        }),
    ]
}

fn data_tlv() -> impl Strategy<Value = DataTlv<'static>> {
    prop_oneof![
        any::<u64>().prop_map(DataTlv::Remaining),
        (2u8..=255, prop::collection::vec(any::<u8>(), 0..12)).prop_map(|(t, v)| {
            DataTlv::Unknown {
                tlv_type: t,
                value: Cow::Owned(v),
            }
        }),
    ]
}

fn data_packet() -> impl Strategy<Value = DataPacket<'static>> {
    (
        any::<u8>(),
        any::<u16>(),
        any::<u32>(),
        prop::collection::vec(data_tlv(), 0..4),
        prop::collection::vec(any::<u8>(), 0..300),
    )
        .prop_map(|(tf, pkg, sid, tlvs, payload)| DataPacket {
            tf: Tf(tf),
            package_number: pkg,
            session_id: sid,
            tlvs,
            payload: Cow::Owned(payload),
        })
}

fn v2_packet() -> impl Strategy<Value = P2pV2Packet<'static>> {
    (
        any::<u8>(),
        any::<u32>(),
        prop::collection::vec(header_tlv(), 0..5),
        prop::option::of(data_packet()),
        any::<u32>(),
    )
        .prop_map(|(op, seq, tlvs, data, footer)| P2pV2Packet {
            op_code: op,
            sequence: seq,
            tlvs,
            data,
            footer,
        })
}

fn guid() -> impl Strategy<Value = Guid> {
    any::<u128>().prop_map(Guid)
}

fn address() -> impl Strategy<Value = String> {
    (
        "[a-z][a-z0-9.]{0,10}@[a-z]{1,8}\\.com",
        prop::option::of(guid()),
    )
        .prop_map(|(h, g)| match g {
            Some(g) => format!("{h};{}", g.to_lowercase()),
            None => h,
        })
}

/// A chunking of `0..len` into ranges, possibly overlapping, covering everything.
fn cover(len: usize) -> impl Strategy<Value = Vec<(usize, usize)>> {
    let cuts = prop::collection::vec(1..len.max(2), 0..12);
    let extra = prop::collection::vec((0..len, 1usize..400), 0..6);
    (cuts, extra).prop_map(move |(mut cuts, extra)| {
        cuts.push(0);
        cuts.push(len);
        cuts.sort_unstable();
        cuts.dedup();
        let mut ranges: Vec<(usize, usize)> = cuts.windows(2).map(|w| (w[0], w[1])).collect();
        // duplicates and overlapping extras
        for (s, l) in extra {
            ranges.push((s, (s + l).min(len)));
        }
        ranges.retain(|(s, e)| s < e);
        ranges
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn v1_chunk_roundtrip(
        h in (any::<u32>(), any::<u32>(), any::<u32>(), any::<u32>(), any::<u32>(), any::<u64>()),
        data in prop::collection::vec(any::<u8>(), 0..200),
        offset in 0u64..1000,
        extra in 0u64..1000,
        footer in any::<u32>(),
    ) {
        let total = offset + data.len() as u64 + extra;
        let m = P2pMessage {
            header: P2pHeader {
                session_id: h.0, identifier: h.1, data_offset: offset, total_size: total,
                length: data.len() as u32, flags: h.2, ack_identifier: h.3, ack_unique_id: h.4,
                ack_data_size: h.5,
            },
            data: Cow::Owned(data),
            footer,
        };
        let bytes = m.try_to_bytes().unwrap();
        let back = P2pMessage::parse(&bytes).unwrap();
        prop_assert_eq!(&back, &m);
        prop_assert_eq!(back.into_owned().to_bytes(), bytes);
    }

    #[test]
    fn v2_packet_roundtrip(p in v2_packet()) {
        // The builder refuses what does not fit the one-byte lengths; everything else parses
        // back equal and re-encodes to the same bytes.
        if let Ok(bytes) = p.to_bytes() {
            let back = P2pV2Packet::parse(&bytes).unwrap();
            prop_assert_eq!(&back, &p);
            prop_assert_eq!(back.to_bytes().unwrap(), bytes);
        } else {
            let tlv_bytes: usize = p.tlvs.iter().map(|t| match t {
                HeaderTlv::PeerInfo(_) => 14,
                HeaderTlv::Ack(_) | HeaderTlv::Nak(_) => 6,
                HeaderTlv::Unknown { value, .. } => 2 + value.len(),
            }).sum();
            let data_tlv_bytes: usize = p.data.as_ref().map_or(0, |d| d.tlvs.iter().map(|t| match t {
                DataTlv::Remaining(_) => 10,
                DataTlv::Unknown { value, .. } => 2 + value.len(),
            }).sum());
            prop_assert!(tlv_bytes > 244 || data_tlv_bytes > 244);
        }
    }

    #[test]
    fn v2_parse_any_bytes_roundtrips(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        if let Ok(p) = P2pV2Packet::parse(&bytes) {
            prop_assert_eq!(p.to_bytes().unwrap(), bytes.clone());
        }
        if let Ok(m) = P2pMessage::parse(&bytes) {
            prop_assert_eq!(m.to_bytes(), bytes);
        }
    }

    #[test]
    fn slp_roundtrip(
        to in address(), from in address(), branch in guid(), call in guid(), cseq in any::<u32>(),
        method in "[A-Z]{1,8}", code in 100u16..1000, reason in "[A-Za-z][A-Za-z ]{0,12}",
        keys in prop::collection::vec(("[A-Za-z][A-Za-z0-9-]{0,10}", "[ -~]{0,30}"), 0..5),
        status in any::<bool>(),
    ) {
        let mut body = SlpBody::default();
        for (k, v) in &keys {
            body.fields.push(k.clone(), v.trim_start().to_owned());
        }
        let text = body.to_text().unwrap();
        let req = SlpMessage::request(&method, &to, &from, branch, cseq, call, &SlpContentType::SessionRequest, &text);
        let m = if status && cseq < u32::MAX {
            SlpMessage::response_to(&req, code, &reason, &SlpContentType::SessionClose, &text).unwrap()
        } else {
            req
        };
        let bytes = m.to_bytes().unwrap();
        let back = SlpMessage::parse(&bytes).unwrap();
        prop_assert_eq!(&back, &m);
        back.validate().unwrap();
        prop_assert_eq!(back.call_id().unwrap(), call);
        prop_assert_eq!(back.branch().unwrap(), branch);
        prop_assert_eq!(back.body().unwrap(), body.clone());
        if let StartLine::Status { code: c, .. } = back.start_line {
            prop_assert_eq!(c, code);
            prop_assert_eq!(back.cseq().unwrap(), cseq + 1);
            let a = back.to_address().unwrap();
            prop_assert_eq!(a.as_str(), from.as_str());
        }
    }

    #[test]
    fn session_request_roundtrip(
        euf in guid(), sid in any::<u32>(), app in any::<u32>(), flags in prop::option::of(any::<u32>()),
        context in prop::option::of("[A-Za-z0-9+/]{1,40}={0,2}"),
    ) {
        let r = SessionRequest { euf_guid: euf, session_id: sid, app_id: app, request_flags: flags, context, extra: vec![("SChannelState".into(), "0".into())] };
        let text = r.to_body().to_text().unwrap();
        prop_assert_eq!(SessionRequest::from_body(&SlpBody::parse(&text).unwrap()).unwrap(), r);
    }

    #[test]
    fn ft_context_roundtrip(name in "[^\u{0}]{0,300}", size in any::<u64>()) {
        let c = FtContext::new(&name, size);
        let back = FtContext::from_base64(&c.to_base64()).unwrap();
        prop_assert_eq!(back.file_size, size);
        let expected: String = char::decode_utf16(name.encode_utf16().take(259)).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)).collect();
        prop_assert_eq!(back.file_name(), expected);
        prop_assert_eq!(back.to_bytes(), c.to_bytes());
    }

    #[test]
    fn v1_reassembly_any_order(
        (msg, mut ranges) in prop::collection::vec(any::<u8>(), 1..3000)
            .prop_flat_map(|m| { let len = m.len(); (Just(m), cover(len)) }),
        seed in any::<u64>(),
    ) {
        let len = msg.len();
        shuffle(&mut ranges, seed);
        let limits = P2pLimits { max_chunk_payload: 4096, ..P2pLimits::default() };
        let mut r = Reassembler::new(limits);
        let mut done = None;
        for (s, e) in ranges {
            let c = P2pMessage {
                header: P2pHeader { session_id: 3, identifier: 8, data_offset: s as u64, total_size: len as u64,
                    length: (e - s) as u32, flags: flags::MSNOBJ_DATA, ..P2pHeader::default() },
                data: Cow::Borrowed(&msg[s..e]),
                footer: 1,
            };
            match r.push_v1(&c).unwrap() {
                Progress::Completed(m) => { prop_assert!(done.is_none()); done = Some(m) }
                Progress::Buffered => {}
                other => prop_assert!(false, "{:?}", other),
            }
            prop_assert!(r.buffered_bytes() <= len as u64);
            if done.is_some() { break; }
        }
        let m = done.expect("complete");
        prop_assert_eq!(m.kind, MessageKind::MsnObject);
        prop_assert_eq!(m.bytes, msg);
        prop_assert_eq!(r.buffered_bytes(), 0);
    }

    #[test]
    fn v2_reassembly_first_then_any_order(
        msg in prop::collection::vec(any::<u8>(), 1..3000),
        // at most 60 chunks: the default range limit holds whatever the order
        chunk in 50usize..700,
        seed in any::<u64>(),
        dups in prop::collection::vec(any::<prop::sample::Index>(), 0..5),
    ) {
        let mut packets: Vec<DataPacket<'_>> = v2::split(TfKind::MsnObject, 4, 77, &msg, chunk).collect();
        let first = packets.remove(0);
        for d in &dups {
            if !packets.is_empty() {
                let p = packets[d.index(packets.len())].clone();
                packets.push(p);
            }
        }
        shuffle(&mut packets, seed);
        packets.insert(0, first);
        let mut r = Reassembler::new(P2pLimits::default());
        let mut done = None;
        for d in packets {
            let p = P2pV2Packet { op_code: 0, sequence: 0, tlvs: vec![], data: Some(d), footer: 0 };
            // The packet survives its own wire form.
            let bytes = p.to_bytes().unwrap();
            let p = P2pV2Packet::parse(&bytes).unwrap();
            match r.push_v2(&p).unwrap() {
                Progress::Completed(m) => { done = Some(m); break; }
                Progress::Buffered => {}
                other => prop_assert!(false, "{:?}", other),
            }
        }
        prop_assert_eq!(done.expect("complete").bytes, msg);
    }

    #[test]
    fn file_stream_any_order(
        msg in prop::collection::vec(any::<u8>(), 1..4000),
        // at most 64 chunks: the default range limit holds whatever the order
        chunk in 63usize..600,
        seed in any::<u64>(),
    ) {
        let template = P2pHeader { session_id: 9, identifier: 1, flags: flags::WLM2009_FILE_DATA, ..P2pHeader::default() };
        let mut chunks: Vec<P2pMessage<'_>> = v1::split(template, &msg, chunk, 2).collect();
        shuffle(&mut chunks, seed);
        let mut r = Reassembler::new(P2pLimits::default());
        let mut out = Vec::new();
        let mut last = false;
        for c in &chunks {
            if let Progress::FileData { offset, bytes, last: l, .. } = r.push_v1(c).unwrap() {
                prop_assert_eq!(offset, out.len() as u64);
                out.extend(bytes);
                last = l;
            }
        }
        prop_assert!(last);
        prop_assert_eq!(out, msg);
        prop_assert_eq!((r.open_messages(), r.buffered_bytes()), (0, 0));
    }

    #[test]
    fn reassembler_never_exceeds_limits(
        chunks in prop::collection::vec((0u32..3, 0u32..4, any::<bool>(), 0u64..200, 0u64..300, 1usize..40), 0..60),
    ) {
        let limits = P2pLimits { max_chunk_payload: 32, max_slp_size: 150, max_object_size: 250, max_file_size: 280,
            max_open_messages: 3, max_buffered_bytes: 300, max_ranges: 4 };
        let mut r = Reassembler::new(limits);
        let data = [0x5Au8; 64];
        for (sid, id, obj, off, total, len) in chunks {
            let f = if obj { flags::MSNOBJ_DATA } else { 0 };
            let c = P2pMessage {
                header: P2pHeader { session_id: sid, identifier: id, data_offset: off, total_size: total, length: len as u32, flags: f, ..P2pHeader::default() },
                data: Cow::Borrowed(&data[..len]),
                footer: 0,
            };
            let _ = r.push_v1(&c);
            prop_assert!(r.buffered_bytes() <= 300);
            prop_assert!(r.open_messages() <= 3);
        }
    }
}

/// Fisher–Yates with a small xorshift, so a failing case is reproducible from its seed.
fn shuffle<T>(v: &mut [T], mut seed: u64) {
    seed |= 1;
    for i in (1..v.len()).rev() {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        v.swap(i, (seed % (i as u64 + 1)) as usize);
    }
}

#[test]
fn empty_headers_type_is_reused() {
    // SLP bodies share the MIME header type (one grammar for `key: value` lines).
    let b = SlpBody::parse("SessionID: 5\r\n\r\n").unwrap();
    let mut h = MimeHeaders::default();
    h.push("SessionID", "5");
    assert_eq!(b.fields, h);
}
