//! Every vector of `p2p.json` and `p2p_header.json` (p2p.md §10): parsed into typed values
//! equal to the vector's fields, re-encoded byte for byte, and (for the flows) reassembled.
//! The files are the spec's, copied to `tests/data/payload/vectors/`.

use msnp_proto::ProtocolVersion;
use msnp_proto::p2p::context::{FtContext, msnobj_from_context};
use msnp_proto::p2p::reassembly::{MessageKind, P2pLimits, Progress, Reassembler};
use msnp_proto::p2p::slp::{SessionRequest, SlpContentType, SlpMessage, StartLine, euf_guid};
use msnp_proto::p2p::v1::{self, Class, P2pHeader, P2pMessage};
use msnp_proto::p2p::v2::{DataTlv, HeaderTlv, P2pV2Packet};
use msnp_proto::p2p::{P2pError, P2pFraming};
use msnp_proto::payload::mime::MimeMessage;
use msnp_proto::payload::msnobj::MsnObject;
use msnp_proto::payload::xml::XmlLimits;
use serde_json::Value;

mod vectors_util;
use vectors_util::{by_id, header_from_json, hex, u, vectors};

/// The payload a step carries: `body_text`/`payload_text` or `body_hex`/`payload_hex`.
fn step_payload(s: &Value) -> Vec<u8> {
    for k in ["body_text", "payload_text"] {
        if let Some(t) = s[k].as_str() {
            return t.as_bytes().to_vec();
        }
    }
    for k in ["body_hex", "payload_hex"] {
        if let Some(h) = s[k].as_str() {
            return hex(h);
        }
    }
    Vec::new()
}

/// Parses an SLP text, re-encodes it exactly, checks the required headers and
/// `Content-Length` = body + NUL, and returns it owned.
fn check_slp(bytes: &[u8], what: &str) -> SlpMessage<'static> {
    let m = SlpMessage::parse(bytes).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_eq!(m.to_bytes().unwrap(), bytes, "{what}: SLP re-encoding");
    m.validate().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_eq!(m.trailing_nuls, 0, "{what}");
    assert!(
        m.body.ends_with('\0'),
        "{what}: Content-Length counts the NUL"
    );
    let body = m.body().unwrap();
    assert_eq!(
        format!("{}\0", body.to_text().unwrap()),
        m.body,
        "{what}: body"
    );
    m.into_owned()
}

/// A v1 step: header fields, footer, payload, exact re-encoding. Returns the chunk.
fn check_v1_step(s: &Value) -> P2pMessage<'static> {
    let what = s["step"].as_str().unwrap_or("?").to_owned();
    let wire = hex(s["wire_hex"].as_str().unwrap());
    let m = P2pMessage::parse(&wire).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_eq!(m.header, header_from_json(&s["header"]), "{what}");
    assert_eq!(u64::from(m.footer), u(s, "footer"), "{what}");
    assert_eq!(
        m.data.as_ref(),
        step_payload(s).as_slice(),
        "{what}: payload"
    );
    assert_eq!(m.try_to_bytes().unwrap(), wire, "{what}: re-encoding");
    if s["body_text"].is_string() {
        check_slp(&m.data, &what);
    }
    m.into_owned()
}

/// A v2 step: every header field, TLVs, data header, payload, exact re-encoding.
fn check_v2_packet(s: &Value) -> P2pV2Packet<'static> {
    let what = s["step"].as_str().unwrap_or("?").to_owned();
    let wire = hex(s["wire_hex"].as_str().unwrap());
    let p = P2pV2Packet::parse(&wire).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_eq!(p.header_length() as u64, u(s, "header_length"), "{what}");
    assert_eq!(u64::from(p.op_code), u(s, "op_code"), "{what}");
    assert_eq!(p.message_length() as u64, u(s, "message_length"), "{what}");
    assert_eq!(u64::from(p.sequence), u(s, "sequence"), "{what}");
    assert_eq!(u64::from(p.footer), u(s, "footer"), "{what}");
    let tlvs: Vec<(u8, Vec<u8>)> = p
        .tlvs
        .iter()
        .map(|t| match t {
            HeaderTlv::PeerInfo(v) => (1, v.to_vec()),
            HeaderTlv::Ack(n) => (2, n.to_be_bytes().to_vec()),
            HeaderTlv::Nak(n) => (3, n.to_be_bytes().to_vec()),
            HeaderTlv::Unknown { tlv_type, value } => (*tlv_type, value.to_vec()),
        })
        .collect();
    let expected: Vec<(u8, Vec<u8>)> = s["tlvs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (u(t, "type") as u8, hex(t["value_hex"].as_str().unwrap())))
        .collect();
    assert_eq!(tlvs, expected, "{what}: TLVs");
    match (&p.data, s.get("data_header")) {
        (None, None) => {}
        (Some(d), Some(dh)) => {
            assert_eq!(d.header_length() as u64, u(dh, "header_length"), "{what}");
            assert_eq!(u64::from(d.tf.0), u(dh, "tf"), "{what}");
            assert_eq!(
                u64::from(d.package_number),
                u(dh, "package_number"),
                "{what}"
            );
            assert_eq!(u64::from(d.session_id), u(dh, "session_id"), "{what}");
            let dt: Vec<(u8, Vec<u8>)> = d
                .tlvs
                .iter()
                .map(|t| match t {
                    DataTlv::Remaining(n) => (1, n.to_be_bytes().to_vec()),
                    DataTlv::Unknown { tlv_type, value } => (*tlv_type, value.to_vec()),
                })
                .collect();
            let de: Vec<(u8, Vec<u8>)> = dh["tlvs"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| (u(t, "type") as u8, hex(t["value_hex"].as_str().unwrap())))
                .collect();
            assert_eq!(dt, de, "{what}: data TLVs");
            assert_eq!(d.payload.as_ref(), step_payload(s).as_slice(), "{what}");
            if s["payload_text"].is_string() {
                check_slp(&d.payload, &what);
            }
        }
        (d, dh) => panic!("{what}: data {d:?} vs {dh:?}"),
    }
    assert_eq!(p.to_bytes().unwrap(), wire, "{what}: re-encoding");
    p.into_owned()
}

#[test]
fn p2p_header_json_chunks_reassemble() {
    // The header vectors themselves are checked in payload_vectors.rs.
    let vs = vectors("p2p_header.json");
    let mut n = 0;
    // The captured INVITE's two chunks reassemble to one 1274-byte message.
    let first = header_from_json(&by_id(&vs, "p2p-ext-first-chunk")["expected"]);
    let last = header_from_json(&by_id(&vs, "p2p-ext-last-chunk")["expected"]);
    let mut r = Reassembler::new(P2pLimits::default());
    for h in [last, first] {
        let mut data = vec![b'x'; h.length as usize];
        data[0] = h.data_offset as u8;
        let chunk = P2pMessage {
            header: h,
            data: data.into(),
            footer: 0,
        };
        let wire = chunk.try_to_bytes().unwrap();
        let parsed = P2pMessage::parse(&wire).unwrap();
        if let Progress::Completed(c) = r.push_v1(&parsed).unwrap() {
            assert_eq!((c.kind, c.bytes.len()), (MessageKind::Slp, 1274));
            n += 1;
        }
    }
    assert_eq!(n, 1);
}

#[test]
fn p2pv1_dp_flow() {
    let vs = vectors("p2p.json");
    let v = by_id(&vs, "p2pv1-dp-flow");
    let steps = v["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 11);
    let chunks: Vec<P2pMessage<'static>> = steps.iter().map(check_v1_step).collect();

    // The MSG wrapper: P2P-Dest is a bare handle → P2Pv1, also under MSNP18.
    let fm = &v["first_msg"];
    let mime_text = fm["mime_text"].as_str().unwrap();
    let mut payload = mime_text.as_bytes().to_vec();
    payload.extend(chunks[0].to_bytes());
    assert_eq!(payload.len() as u64, u(fm, "payload_length"));
    let mime = MimeMessage::parse(&payload).unwrap();
    for version in [ProtocolVersion::Msnp9, ProtocolVersion::Msnp18] {
        assert_eq!(
            P2pFraming::for_received(version, mime.header("P2P-Dest")),
            P2pFraming::V1
        );
    }

    // ACK rule: each ACK is `acked.ack(own identifier)` of the last chunk it confirms.
    for (i, c) in chunks.iter().enumerate() {
        if c.header.class() != Class::Ack {
            continue;
        }
        let acked = chunks[..i]
            .iter()
            .rev()
            .find(|m| m.header.identifier == c.header.ack_identifier)
            .unwrap();
        assert_eq!(acked.header.ack(c.header.identifier), c.header, "step {i}");
    }

    // The INVITE: session request with the msnobj as Context.
    let invite = SlpMessage::parse(&chunks[0].data).unwrap();
    assert!(
        matches!(&invite.start_line, StartLine::Request { method, uri }
        if method == "INVITE" && uri == "bob@example.com")
    );
    assert_eq!(invite.to_address().unwrap().address(), "bob@example.com");
    assert_eq!(
        invite.content_type().unwrap(),
        SlpContentType::SessionRequest
    );
    let req = SessionRequest::from_body(&invite.body().unwrap()).unwrap();
    assert_eq!(req.euf_guid, euf_guid::MSNOBJ);
    assert_eq!(u64::from(req.session_id), u(v, "session_id"));
    assert_eq!(req.app_id, v1::app_id::MSNOBJ);
    let obj = msnobj_from_context(req.context.as_deref().unwrap(), &XmlLimits::default()).unwrap();
    let expected = MsnObject::parse(v["msnobj"].as_str().unwrap(), &XmlLimits::default()).unwrap();
    assert_eq!(obj, expected);
    // Rebuilt from its typed body, the INVITE text is the same.
    assert_eq!(req.to_body().to_text().unwrap(), invite.body_text());

    // The 200 OK answers it: same Call-ID and branch, CSeq + 1; its body is SessionID only.
    let ok = SlpMessage::parse(&chunks[2].data).unwrap();
    assert!(matches!(ok.start_line, StartLine::Status { code: 200, .. }));
    assert_eq!(ok.call_id().unwrap(), invite.call_id().unwrap());
    assert_eq!(ok.branch().unwrap(), invite.branch().unwrap());
    assert_eq!(ok.cseq().unwrap(), invite.cseq().unwrap() + 1);
    assert_eq!(
        ok.body().unwrap().session_id().unwrap(),
        Some(req.session_id)
    );
    let built = SlpMessage::response_to(
        &invite,
        200,
        "OK",
        &SlpContentType::SessionRequest,
        &msnp_proto::p2p::slp::SlpBody::with_session_id(req.session_id)
            .to_text()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(built.to_bytes().unwrap(), chunks[2].data.as_ref());

    // The BYE: session close with the SessionID.
    let bye = SlpMessage::parse(&chunks[9].data).unwrap();
    assert_eq!(bye.content_type().unwrap(), SlpContentType::SessionClose);
    assert_eq!(
        bye.body().unwrap().session_id().unwrap(),
        Some(req.session_id)
    );

    // Reassembly of the whole flow as received by each side.
    let mut r = Reassembler::new(P2pLimits::default());
    let mut done = Vec::new();
    for c in &chunks {
        match r.push_v1(c).unwrap() {
            Progress::Completed(m) => done.push(m),
            Progress::Skipped => assert_eq!(c.header.class(), Class::Ack),
            Progress::Buffered => {}
            other => panic!("{other:?}"),
        }
    }
    let kinds: Vec<MessageKind> = done.iter().map(|m| m.kind).collect();
    assert_eq!(
        kinds,
        [
            MessageKind::Slp,
            MessageKind::Slp,
            MessageKind::DataPreparation,
            MessageKind::MsnObject,
            MessageKind::Slp,
        ]
    );
    assert_eq!(done[3].bytes, hex(v["picture_hex"].as_str().unwrap()));
    assert_eq!(done[2].bytes, [0, 0, 0, 0]);
    assert_eq!(r.buffered_bytes(), 0);
    assert_eq!(r.open_messages(), 0);

    // Splitting the picture the way the owner did gives the captured chunks.
    let pic = hex(v["picture_hex"].as_str().unwrap());
    let split: Vec<Vec<u8>> = v1::split(chunks[6].header, &pic, v1::MAX_SB_CHUNK, 1)
        .map(|c| c.try_to_bytes().unwrap())
        .collect();
    assert_eq!(split, [chunks[6].to_bytes(), chunks[7].to_bytes()]);
}

#[test]
fn p2pv1_ext_ft_decline() {
    let vs = vectors("p2p.json");
    let v = by_id(&vs, "p2pv1-ext-ft-decline");
    let decline = check_v1_step(&v["decline"]);
    let ack_wire = hex(v["ack"]["wire_hex"].as_str().unwrap());
    let ack = P2pMessage::parse(&ack_wire).unwrap();
    assert_eq!(ack.header, header_from_json(&v["ack"]["header"]));
    assert_eq!(ack.to_bytes(), ack_wire);
    // ACK rule against the capture.
    assert_eq!(decline.header.ack(ack.header.identifier), ack.header);
    let slp = SlpMessage::parse(&decline.data).unwrap();
    assert!(
        matches!(&slp.start_line, StartLine::Status { code: 603, reason } if reason == "Decline")
    );
    assert_eq!(slp.headers.get("Content-Length"), Some("25"));
    assert_eq!(slp.cseq().unwrap(), 1);
    assert_eq!(slp.body().unwrap().session_id().unwrap(), Some(180646677));
    assert_eq!(decline.header.total_size, decline.data.len() as u64);
}

#[test]
fn p2pv1_ext_wlm2009_invite_header() {
    let vs = vectors("p2p.json");
    let v = by_id(&vs, "p2pv1-ext-wlm2009-invite-header");
    let bytes = hex(v["header_hex"].as_str().unwrap());
    let h = P2pHeader::parse(&bytes).unwrap();
    assert_eq!(h, header_from_json(&v["header"]));
    assert_eq!(h.to_bytes().to_vec(), bytes);
    assert_eq!(h.flags, v1::flags::WLM2009);
    assert_eq!(h.class(), Class::Normal);
    assert_eq!(h.total_size, u(v, "slp_length"));
}

#[test]
fn p2pv2_dp_flow() {
    let vs = vectors("p2p.json");
    let v = by_id(&vs, "p2pv2-dp-flow");
    let steps = v["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 12);
    let packets: Vec<P2pV2Packet<'static>> = steps.iter().map(check_v2_packet).collect();

    let fm = &v["first_msg"];
    let mime_text = fm["mime_text"].as_str().unwrap();
    let mut payload = mime_text.as_bytes().to_vec();
    payload.extend(packets[0].to_bytes().unwrap());
    assert_eq!(payload.len() as u64, u(fm, "payload_length"));
    let mime = MimeMessage::parse(&payload).unwrap();
    assert_eq!(
        P2pFraming::for_received(ProtocolVersion::Msnp18, mime.header("P2P-Dest")),
        P2pFraming::V2
    );
    // Before MSNP16 there is no P2Pv2, whatever the header says.
    assert_eq!(
        P2pFraming::for_received(ProtocolVersion::Msnp15, mime.header("P2P-Dest")),
        P2pFraming::V1
    );

    // Peer info is WLM 2009's; SYN on the first packet and its answer.
    assert!(packets[0].is_syn() && packets[0].is_rak());
    assert!(
        packets[0]
            .tlvs
            .contains(&HeaderTlv::PeerInfo(msnp_proto::p2p::v2::WLM2009_PEER_INFO))
    );
    // Every ACK TLV confirms the packet it answers: sequence + message length.
    let find = |from: &str| {
        packets
            .iter()
            .zip(steps)
            .find(|(_, s)| s["step"] == from)
            .unwrap()
            .0
    };
    for (acker, acked) in [
        ("syn-ack", "syn-invite"),
        ("ack-syn-ack", "syn-ack"),
        ("ack-200-ok", "200-ok"),
        ("ack-rak", "rak"),
        ("ack-bye", "bye"),
    ] {
        assert_eq!(find(acker).ack(), Some(find(acked).ack_value()), "{acker}");
    }

    // Reassembly: the SLP messages, the data preparation and the picture.
    let mut r = Reassembler::new(P2pLimits::default());
    let mut done = Vec::new();
    for p in &packets {
        if let Progress::Completed(m) = r.push_v2(p).unwrap() {
            done.push(m);
        }
    }
    let kinds: Vec<MessageKind> = done.iter().map(|m| m.kind).collect();
    assert_eq!(
        kinds,
        [
            MessageKind::Slp,
            MessageKind::Slp,
            MessageKind::DataPreparation,
            MessageKind::MsnObject,
            MessageKind::Slp,
        ]
    );
    let picture = hex(by_id(&vs, "p2pv1-dp-flow")["picture_hex"].as_str().unwrap());
    assert_eq!(done[3].bytes, picture);
    let req =
        SessionRequest::from_body(&SlpMessage::parse(&done[0].bytes).unwrap().body().unwrap())
            .unwrap();
    assert_eq!(u64::from(req.session_id), u(v, "session_id"));
    assert_eq!(req.request_flags, Some(18));
    let invite = SlpMessage::parse(&done[0].bytes).unwrap();
    let to = invite.to_address().unwrap();
    assert_eq!(
        to.endpoint(),
        Some("{a9d2f6e0-41b7-4c3a-b5e8-0f6d2c7e9a41}")
    );

    // Splitting the picture as the owner did gives the same data packets.
    let d = packets[6].data.as_ref().unwrap();
    let split: Vec<_> =
        msnp_proto::p2p::v2::split(d.tf.kind(), d.package_number, d.session_id, &picture, 1202)
            .collect();
    assert_eq!(&split[0], d);
    assert_eq!(&split[1], packets[7].data.as_ref().unwrap());
}

/// SHA-256 (FIPS 180-4), only to compare with the capture's digest.
fn sha256(msg: &[u8]) -> [u8; 32] {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut data = msg.to_vec();
    data.push(0x80);
    while data.len() % 64 != 56 {
        data.push(0);
    }
    data.extend((msg.len() as u64 * 8).to_be_bytes());
    for block in data.chunks(64) {
        let mut w = [0u32; 64];
        for i in 0..16 {
            w[i] = u32::from_be_bytes(block[i * 4..i * 4 + 4].try_into().unwrap());
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let mut s = h;
        for i in 0..64 {
            let s1 = s[4].rotate_right(6) ^ s[4].rotate_right(11) ^ s[4].rotate_right(25);
            let ch = (s[4] & s[5]) ^ (!s[4] & s[6]);
            let t1 = s[7]
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = s[0].rotate_right(2) ^ s[0].rotate_right(13) ^ s[0].rotate_right(22);
            let maj = (s[0] & s[1]) ^ (s[0] & s[2]) ^ (s[1] & s[2]);
            let t2 = s0.wrapping_add(maj);
            s = [
                t1.wrapping_add(t2),
                s[0],
                s[1],
                s[2],
                s[3].wrapping_add(t1),
                s[4],
                s[5],
                s[6],
            ];
        }
        for (x, y) in h.iter_mut().zip(s) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 32];
    for (i, x) in h.iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&x.to_be_bytes());
    }
    out
}

#[test]
fn sha256_known_answer() {
    assert_eq!(
        sha256(b"abc"),
        hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad").as_slice()
    );
}

#[test]
fn p2pv2_ext_wlm2009_syn_invite() {
    let vs = vectors("p2p.json");
    let v = by_id(&vs, "p2pv2-ext-wlm2009-syn-invite");
    let s = &v["packet"];
    let p = check_v2_packet(s);
    // The whole captured MSG payload, rebuilt: MIME + packet, digest as captured.
    let mut payload = s["mime_text"].as_str().unwrap().as_bytes().to_vec();
    payload.extend(p.to_bytes().unwrap());
    let cmd = s["msg_command"].as_str().unwrap();
    assert!(cmd.ends_with(&format!(" {}", payload.len())));
    let mime = MimeMessage::parse(&payload).unwrap();
    assert_eq!(
        P2pFraming::for_received(ProtocolVersion::Msnp18, mime.header("P2P-Dest")),
        P2pFraming::V2
    );
    let digest: String = sha256(&payload)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    // The digest covers the MSG payload (MIME + binary part), not the command line.
    assert_eq!(digest, v["captured_msg_sha256"].as_str().unwrap());
    let slp = SlpMessage::parse(&p.data.as_ref().unwrap().payload).unwrap();
    let req = SessionRequest::from_body(&slp.body().unwrap()).unwrap();
    assert_eq!(req.euf_guid, euf_guid::PHOTO_SHARING);
    assert_eq!(req.session_id, 3389133838);
    assert_eq!(req.app_id, v1::app_id::PHOTO_SHARING);
    assert_eq!(req.context, None);
}

#[test]
fn p2pv2_ext_wlm2009_control() {
    let vs = vectors("p2p.json");
    let v = by_id(&vs, "p2pv2-ext-wlm2009-control");
    let ack = check_v2_packet(&v["ack"]);
    assert_eq!(ack.ack(), Some(0x8fe78fc1));
    let rak = check_v2_packet(&v["rak"]);
    assert!(rak.is_rak() && rak.data.is_none() && rak.tlvs.is_empty());
    // The later INVITE's first 16 bytes: complete them with a payload of the declared size.
    let prefix = hex(v["later_invite_prefix_hex"].as_str().unwrap());
    assert!(matches!(
        P2pV2Packet::parse(&prefix),
        Err(P2pError::LengthMismatch { .. })
    ));
    let f = &v["later_invite_prefix"];
    let mut whole = prefix;
    whole.resize(8 + u(f, "message_length") as usize + 4, b'.');
    let p = P2pV2Packet::parse(&whole).unwrap();
    assert_eq!(p.header_length() as u64, u(f, "header_length"));
    assert_eq!(u64::from(p.op_code), u(f, "op_code"));
    assert_eq!(u64::from(p.sequence), u(f, "sequence"));
    let d = p.data.as_ref().unwrap();
    assert_eq!(d.header_length() as u64, u(f, "data_header_length"));
    assert_eq!(u64::from(d.tf.0), u(f, "tf"));
    assert_eq!(u64::from(d.package_number), u(f, "package_number"));
    assert_eq!(u64::from(d.session_id), u(f, "session_id"));
    assert_eq!(p.to_bytes().unwrap(), whole);
}

fn check_ft_fields(c: &FtContext<'_>, f: &Value) {
    assert_eq!(u64::from(c.length), u(f, "length"));
    assert_eq!(u64::from(c.version), u(f, "version"));
    assert_eq!(c.file_size, u(f, "file_size"));
    assert_eq!(u64::from(c.ft_type), u(f, "type"));
    if let Some(name) = f["filename"].as_str() {
        assert_eq!(c.file_name(), name);
        assert_eq!(u64::from(c.unknown2), u(f, "unknown2"));
        assert_eq!(
            c.preview().map_or(0, <[u8]>::len) as u64,
            u(f, "preview_len")
        );
    }
}

#[test]
fn ft_context_own() {
    let vs = vectors("p2p.json");
    let v = by_id(&vs, "ft-context-own");
    let b64 = v["context_base64"].as_str().unwrap();
    let c = FtContext::from_base64(b64).unwrap();
    check_ft_fields(&c, &v["fields"]);
    assert_eq!(c.to_base64(), b64);
    // Our builder gives the same context.
    assert_eq!(FtContext::new("report.pdf", 48213).to_base64(), b64);
    let invite = v["invite_text"].as_str().unwrap().as_bytes();
    assert_eq!(invite.len() as u64, u(v, "invite_total_size"));
    let m = check_slp(invite, "ft invite");
    let req = SessionRequest::from_body(&m.body().unwrap()).unwrap();
    assert_eq!(req.euf_guid, euf_guid::FILE_TRANSFER);
    assert_eq!(req.app_id, v1::app_id::FILE_TRANSFER);
    assert_eq!(req.request_flags, Some(16));
    assert_eq!(req.context.as_deref(), Some(b64));
    let sizes: Vec<u64> = v1::split(P2pHeader::default(), invite, v1::MAX_SB_CHUNK, 0)
        .map(|c| u64::from(c.header.length))
        .collect();
    let expected: Vec<u64> = v["invite_chunks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap())
        .collect();
    assert_eq!(sizes, expected);
}

#[test]
fn ft_context_ext() {
    use base64::Engine;
    let vs = vectors("p2p.json");
    let v = by_id(&vs, "ft-context-ext");
    let b64 = v["tachyon_context_base64"].as_str().unwrap();
    let c = FtContext::from_base64(b64).unwrap();
    check_ft_fields(&c, &v["tachyon_fields"]);
    assert_eq!(c.to_base64(), b64);
    // The WLM 8.x version-3 prefix: too short alone, fields readable once completed.
    let prefix = base64::engine::general_purpose::STANDARD
        .decode(v["wlm_v3_prefix_base64"].as_str().unwrap())
        .unwrap();
    assert!(matches!(
        FtContext::parse(&prefix),
        Err(P2pError::TooShort { needed: 574, .. })
    ));
    let mut whole = prefix;
    whole.resize(638, 0);
    let c = FtContext::parse(&whole).unwrap();
    let f = &v["wlm_v3_prefix_fields"];
    check_ft_fields(&c, f);
    assert_eq!(c.file_name(), f["filename_prefix"].as_str().unwrap());
    assert_eq!(c.extension.len(), 64);
    assert_eq!(c.to_bytes(), whole);
}

#[test]
fn p2p_decoder_rejects() {
    let vs = vectors("p2p.json");
    let v = by_id(&vs, "p2p-decoder-rejects");
    let mut n = 0;
    for case in v["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let input = hex(case["input_hex"].as_str().unwrap());
        let err = if name.starts_with("v1") {
            P2pMessage::parse(&input).unwrap_err()
        } else {
            P2pV2Packet::parse(&input).unwrap_err()
        };
        let ok = match name {
            "v1-length-exceeds-bytes" => matches!(err, P2pError::LengthMismatch { .. }),
            "v1-offset-plus-length-beyond-total" => {
                matches!(err, P2pError::ChunkOutsideMessage { .. })
            }
            "v2-header-length-below-8" => {
                matches!(
                    err,
                    P2pError::BadHeaderLength {
                        what: "HeaderLength",
                        value: 4,
                        ..
                    }
                )
            }
            "v2-tlv-overruns-header" => {
                matches!(
                    err,
                    P2pError::TlvOverrun {
                        offset: 8,
                        tlv_type: 2,
                        ..
                    }
                )
            }
            "v2-data-header-longer-than-message" => matches!(
                err,
                P2pError::BadHeaderLength {
                    what: "DataHeaderLength",
                    offset: 8,
                    ..
                }
            ),
            "v2-message-length-exceeds-bytes" => matches!(err, P2pError::LengthMismatch { .. }),
            other => panic!("unknown case {other}"),
        };
        assert!(ok, "{name}: {err:?}");
        n += 1;
    }
    assert_eq!(n, 6);
}

/// Every entry of both files is covered by a test above.
#[test]
fn every_vector_is_covered() {
    let ids: Vec<String> = vectors("p2p.json")
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        ids,
        [
            "p2pv1-dp-flow",
            "p2pv1-ext-ft-decline",
            "p2pv1-ext-wlm2009-invite-header",
            "p2pv2-dp-flow",
            "p2pv2-ext-wlm2009-syn-invite",
            "p2pv2-ext-wlm2009-control",
            "ft-context-own",
            "ft-context-ext",
            "p2p-decoder-rejects",
        ]
    );
    assert_eq!(vectors("p2p_header.json").len(), 4);
}
