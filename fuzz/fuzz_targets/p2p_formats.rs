//! `p2p_formats`: every P2P format parser of `msnp_proto::p2p` over arbitrary bytes.
//!
//! Input: byte 0 picks the parser; the rest is its input.
//!
//! Checks: no parser panics; whatever parses re-encodes to exactly the input (P2Pv1 chunk,
//! P2Pv2 packet, MSNSLP message, file context); typed views (headers, bodies, session
//! request) never panic, and a session request rebuilt from its fields reads back equal.
#![no_main]

use libfuzzer_sys::fuzz_target;
use msnp_proto::ProtocolVersion;
use msnp_proto::p2p::context::{FtContext, msnobj_from_context};
use msnp_proto::p2p::slp::{SessionRequest, SlpBody, SlpMessage};
use msnp_proto::p2p::{P2pFraming, P2pHeader, P2pMessage, P2pPayload, P2pV2Packet};
use msnp_proto::payload::xml::XmlLimits;

fn slp(body: &[u8]) {
    let Ok(m) = SlpMessage::parse(body) else {
        return;
    };
    assert_eq!(
        m.to_bytes().ok().as_deref(),
        Some(body),
        "SLP not re-encoded exactly"
    );
    let _ = (
        m.validate(),
        m.to_address(),
        m.from_address(),
        m.branch(),
        m.cseq(),
    );
    let _ = (m.call_id(), m.content_type());
    let owned = m.clone().into_owned();
    assert_eq!(owned, m);
    let Ok(b) = m.body() else { return };
    let _ = b.session_id();
    if let Ok(text) = b.to_text() {
        assert_eq!(
            SlpBody::parse(&text).ok().as_ref(),
            Some(&b),
            "body changed through {text:?}"
        );
    }
    if let Ok(r) = SessionRequest::from_body(&b) {
        let text = r.to_body().to_text().expect("typed body builds");
        let back = SlpBody::parse(&text).expect("built body parses");
        assert_eq!(SessionRequest::from_body(&back).ok(), Some(r.clone()));
        if let Some(c) = &r.context {
            if let Ok(ft) = FtContext::from_base64(c) {
                assert_eq!(FtContext::from_base64(&ft.to_base64()).ok(), Some(ft));
            }
            let _ = msnobj_from_context(c, &XmlLimits::default());
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let [sel, body @ ..] = data else { return };
    match sel % 6 {
        0 => {
            if let Ok(h) = P2pHeader::parse(body) {
                assert_eq!(&h.to_bytes()[..], &body[..48]);
                let _ = h.class();
            }
            if let Ok(m) = P2pMessage::parse(body) {
                assert_eq!(
                    m.try_to_bytes().ok().as_deref(),
                    Some(body),
                    "v1 not re-encoded exactly"
                );
                let m = m.into_owned();
                assert_eq!(P2pMessage::parse(&m.to_bytes()).ok(), Some(m));
            }
        }
        1 => {
            if let Ok(p) = P2pV2Packet::parse(body) {
                assert_eq!(
                    p.to_bytes().ok().as_deref(),
                    Some(body),
                    "v2 not re-encoded exactly"
                );
                assert_eq!(p.header_length() + p.message_length() + 4, body.len());
                let _ = (
                    p.ack_value(),
                    p.ack(),
                    p.data.as_ref().map(|d| (d.remaining(), d.tf.kind())),
                );
                let owned = p.clone().into_owned();
                assert_eq!(owned, p);
            }
        }
        2 => slp(body),
        3 => {
            if let Ok(c) = FtContext::parse(body) {
                assert_eq!(c.to_bytes(), body, "file context not re-encoded exactly");
                let _ = (c.file_name(), c.sanitized_file_name(), c.preview());
                let name = c.sanitized_file_name();
                assert!(!name.contains(['/', '\\']) && !name.chars().any(char::is_control));
                assert!(name != "." && name != ".." && !name.is_empty());
            }
        }
        4 => {
            if let Ok(s) = std::str::from_utf8(body) {
                let _ = msnobj_from_context(s, &XmlLimits::default());
                if let Ok(c) = FtContext::from_base64(s) {
                    assert_eq!(FtContext::parse(&c.to_bytes()).ok(), Some(c));
                }
            }
        }
        _ => {
            // The first line is a P2P-Dest value; the framing follows from it, never from a
            // failed parse of the rest.
            let split = body.iter().position(|&b| b == b'\n').unwrap_or(body.len());
            let (dest, rest) = body.split_at(split);
            let rest = rest.get(1..).unwrap_or_default();
            let dest = std::str::from_utf8(dest).ok();
            for v in [ProtocolVersion::Msnp15, ProtocolVersion::Msnp18] {
                let framing = P2pFraming::for_received(v, dest);
                if v < ProtocolVersion::Msnp16 {
                    assert_eq!(framing, P2pFraming::V1);
                }
                if let Ok(p) = P2pPayload::parse(framing, rest) {
                    assert_eq!(p.to_bytes().ok().as_deref(), Some(rest));
                }
            }
        }
    }
});
