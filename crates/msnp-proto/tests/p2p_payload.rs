//! P2P bodies of switchboard `MSG`s typed in their dialect (issue 13): a WLM 2009 MSNP18
//! `MSG n D len` carrying a P2Pv2 packet is read as P2Pv2 (it used to fail as a short
//! P2Pv1 header), with its TLVs and the whole SLP message inside typed; the same bytes in a
//! pre-MSNP16 dialect stay P2Pv1. Vectors: the spec's `p2p.json`, copied to
//! `tests/data/payload/vectors/`.

use std::path::PathBuf;

use msnp_proto::p2p::slp::StartLine;
use msnp_proto::p2p::v2::HeaderTlv;
use msnp_proto::p2p::{P2pFraming, P2pPayload};
use msnp_proto::payload::mime::MsgBody;
use msnp_proto::payload::{Payload, XmlLimits, parse_payload, parse_payload_in};
use msnp_proto::{Decoder, Dialect, Direction, Limits, ProtocolVersion, Status, Verb};
use serde_json::Value;

fn flow(id: &str) -> Value {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/payload/vectors/p2p.json");
    let all: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
    all.into_iter().find(|v| v["id"] == id).unwrap()
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// The MIME head of the flow's first message (P2P-Dest/P2P-Src of A → B) and its reverse.
fn heads(v: &Value) -> (String, String) {
    let a_to_b = v["first_msg"]["mime_text"].as_str().unwrap().to_owned();
    let dest = a_to_b
        .lines()
        .find_map(|l| l.strip_prefix("P2P-Dest: "))
        .unwrap();
    let b_to_a = match a_to_b.lines().find_map(|l| l.strip_prefix("P2P-Src: ")) {
        Some(src) => a_to_b
            .replace(&format!("P2P-Dest: {dest}"), "P2P-Dest: @SRC@")
            .replace(&format!("P2P-Src: {src}"), &format!("P2P-Src: {dest}"))
            .replace("@SRC@", src),
        None => {
            let from = "alice@example.com";
            a_to_b.replace(&format!("P2P-Dest: {dest}"), &format!("P2P-Dest: {from}"))
        }
    };
    (a_to_b, b_to_a)
}

/// Every step of a flow as the MSG payload its sender wrote.
fn payloads(v: &Value) -> Vec<(String, Vec<u8>)> {
    let (ab, ba) = heads(v);
    v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let head = if s["direction"] == "A->B" { &ab } else { &ba };
            let mut p = head.as_bytes().to_vec();
            p.extend(hex(s["wire_hex"].as_str().unwrap()));
            (s["step"].as_str().unwrap().to_owned(), p)
        })
        .collect()
}

fn p2p(p: &Payload<'_>) -> msnp_proto::payload::mime::P2pMimeBody<'static> {
    let Payload::Msg(m) = p else {
        panic!("not a MSG payload: {p:?}")
    };
    let MsgBody::P2p(b) = &m.body else {
        panic!("not P2P: {:?}", m.body)
    };
    b.clone().into_owned()
}

#[test]
fn wlm2009_msg_d_with_p2pv2_is_typed_as_v2() {
    let v = flow("p2pv2-dp-flow");
    let (_, payload) = payloads(&v).remove(0);
    // As a WLM 2009 client sends it: `MSG trid D len` on an MSNP18 switchboard.
    let mut wire = format!("MSG 4 D {}\r\n", payload.len()).into_bytes();
    wire.extend(&payload);
    let dialect =
        Dialect::switchboard(ProtocolVersion::Msnp18).with_direction(Direction::ClientToServer);
    let Ok(Status::Complete { value, .. }) = Decoder::new(dialect, Limits::default()).decode(&wire)
    else {
        panic!("MSG does not frame")
    };
    assert_eq!(value.verb(), Verb::MSG);
    let body = value.payload().unwrap();
    let typed = parse_payload_in(
        Verb::MSG,
        None,
        body,
        dialect.version,
        &XmlLimits::default(),
    )
    .unwrap();
    let b = p2p(&typed);
    assert_eq!(b.framing(), P2pFraming::V2);
    let P2pPayload::V2(packet) = &b.payload else {
        unreachable!()
    };
    assert!(packet.is_syn());
    assert_eq!(
        packet.tlvs,
        vec![HeaderTlv::PeerInfo(
            hex("00020000000e00000f010000").try_into().unwrap()
        )]
    );
    let data = packet.data.as_ref().unwrap();
    assert_eq!(data.session_id, 0);
    let slp = b.slp.as_ref().expect("the SYN carries a whole INVITE");
    assert!(matches!(&slp.start_line, StartLine::Request { method, .. } if method == "INVITE"));
    assert_eq!(slp.cseq().unwrap(), 0);
    let req = b
        .session_request
        .as_ref()
        .expect("the INVITE's session request");
    assert_eq!(req.euf_guid, msnp_proto::p2p::slp::euf_guid::MSNOBJ);
    assert_eq!(req.session_id, 2_891_337_460);
    assert_eq!(req.app_id, 12);
    // The old entry point defaults to MSNP18 and agrees.
    assert_eq!(
        p2p(&parse_payload(Verb::MSG, None, body, &XmlLimits::default()).unwrap()),
        b
    );
    // Re-encodes byte for byte.
    assert_eq!(b.to_mime().unwrap().to_bytes(), body);
}

#[test]
fn every_step_of_both_flows_types_without_error() {
    for (id, framing) in [
        ("p2pv1-dp-flow", P2pFraming::V1),
        ("p2pv2-dp-flow", P2pFraming::V2),
    ] {
        let v = flow(id);
        let mut slps = 0;
        for (step, payload) in payloads(&v) {
            let typed = parse_payload_in(
                Verb::MSG,
                None,
                &payload,
                ProtocolVersion::Msnp18,
                &XmlLimits::default(),
            )
            .unwrap_or_else(|e| panic!("{id} {step}: {e}"));
            let b = p2p(&typed);
            assert_eq!(b.framing(), framing, "{id} {step}");
            let is_slp = ["invite", "syn-invite", "200-ok", "bye"].contains(&step.as_str());
            assert_eq!(b.slp.is_some(), is_slp, "{id} {step}");
            assert_eq!(b.slp_error, None, "{id} {step}");
            slps += usize::from(is_slp);
        }
        assert_eq!(slps, 3, "{id}");
    }
}

#[test]
fn before_msnp16_an_endpoint_dest_is_still_p2pv1() {
    let v = flow("p2pv2-dp-flow");
    let (_, payload) = payloads(&v).remove(0);
    // MSNP15 has no P2Pv2 (p2p.md §1): the bytes are read as P2Pv1 and refused as such,
    // never re-tried as P2Pv2.
    let e = parse_payload_in(
        Verb::MSG,
        None,
        &payload,
        ProtocolVersion::Msnp15,
        &XmlLimits::default(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("P2P"), "{e}");
    // The short WLM 2009 control packet of issue 13: a P2Pv1 error before, P2Pv2 now.
    let (ab, _) = heads(&v);
    let mut rak = ab.into_bytes();
    rak.extend(hex("08020000e093f10b00000000"));
    let typed = parse_payload_in(
        Verb::MSG,
        None,
        &rak,
        ProtocolVersion::Msnp18,
        &XmlLimits::default(),
    )
    .unwrap();
    assert!(matches!(p2p(&typed).payload, P2pPayload::V2(p) if p.is_rak()));
    assert!(
        parse_payload_in(
            Verb::MSG,
            None,
            &rak,
            ProtocolVersion::Msnp15,
            &XmlLimits::default()
        )
        .is_err()
    );
}

#[test]
fn a_malformed_whole_slp_keeps_the_chunk_typed_and_says_why() {
    let v = flow("p2pv1-dp-flow");
    let (ab, _) = heads(&v);
    let h = msnp_proto::p2p::v1::P2pHeader {
        identifier: 5,
        total_size: 3,
        length: 3,
        ..Default::default()
    };
    let mut raw = ab.into_bytes();
    raw.extend(h.to_bytes());
    raw.extend(b"abc\0\0\0\0");
    let typed = parse_payload(Verb::MSG, None, &raw, &XmlLimits::default()).unwrap();
    let b = p2p(&typed);
    assert!(matches!(&b.payload, P2pPayload::V1(m) if &m.data[..] == b"abc"));
    assert_eq!(b.slp, None);
    assert!(b.slp_error.is_some());
}
