//! `http_gateway`: the HTTP gateway framer of `msnp decode --input pcap` (`HttpStream`) over
//! arbitrary bytes in arbitrary pieces, with gaps.
//!
//! Input: byte 0 picks tiny or default limits, byte 1 the piece size; the rest is one direction
//! of a connection. A `\xff` byte in the input stands for a lost segment (`gap()`).
//!
//! Checks: no panic; after every `push` at most one unfinished message is held
//! (`held() <= max(max_head + 1, max_body)`, 0 after an error or a gap); every body fits
//! `max_body`; when no error happened, the messages are the same whatever the piece size (one
//! piece, `k` bytes at a time, byte by byte; gaps at the same places); every message written
//! back as canonical HTTP frames to exactly itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use msnp_cli::input::pcap::http::{Head, HttpLimits, HttpStream, Message};

/// Frames `input` in pieces of `piece` bytes; `\xff` is a gap. The messages, and whether an
/// error happened.
fn frame(input: &[u8], piece: usize, limits: HttpLimits) -> (Vec<Message>, bool) {
    let mut s = HttpStream::new(limits);
    let (mut out, mut disturbed) = (Vec::new(), false);
    for part in input.split(|&b| b == 0xff).enumerate() {
        let (i, part) = part;
        if i > 0 {
            s.gap();
            assert_eq!(s.held(), 0, "a gap keeps bytes");
        }
        for chunk in part.chunks(piece.max(1)) {
            let before = out.len();
            match s.push(chunk, &mut out) {
                Ok(()) => assert!(
                    s.held() <= (limits.max_head + 1).max(limits.max_body),
                    "{} bytes held",
                    s.held()
                ),
                Err(_) => {
                    disturbed = true;
                    assert_eq!(s.held(), 0, "bytes held after an error");
                }
            }
            for m in &out[before..] {
                assert!(m.body.len() <= limits.max_body, "body past the limit");
            }
        }
    }
    (out, disturbed)
}

/// The message as canonical HTTP.
fn write(m: &Message) -> Vec<u8> {
    let mut v = match &m.head {
        Head::Request { target } => format!("POST {target} HTTP/1.1\r\n").into_bytes(),
        Head::Response { status } => format!("HTTP/1.1 {status} OK\r\n").into_bytes(),
    };
    if let Some(s) = &m.session {
        v.extend_from_slice(
            format!("X-MSN-Messenger: SessionID={s}; GW-IP=1.2.3.4\r\n").as_bytes(),
        );
    }
    v.extend_from_slice(format!("Content-Length: {}\r\n\r\n", m.body.len()).as_bytes());
    v.extend_from_slice(&m.body);
    v
}

fuzz_target!(|data: &[u8]| {
    let [a, b, input @ ..] = data else { return };
    let limits = if a & 1 == 1 {
        HttpLimits {
            max_head: usize::from(a >> 1) + 1,
            max_body: usize::from(*b) * 4,
        }
    } else {
        HttpLimits::default()
    };
    let (whole, disturbed) = frame(input, input.len(), limits);
    for piece in [usize::from(b % 16) + 1, 1] {
        let (parts, d) = frame(input, piece, limits);
        if !disturbed && !d {
            assert_eq!(parts, whole, "messages depend on the piece size {piece}");
        }
    }
    for m in &whole {
        // Only targets and session ids that survive a start line / header value are comparable.
        let target_ok = match &m.head {
            Head::Request { target } => !target.is_empty() && !target.contains([' ', '\r', '\n']),
            Head::Response { .. } => true,
        };
        let session_ok = m
            .session
            .as_deref()
            .is_none_or(|s| !s.contains([';', '\r', '\n']) && s.trim() == s && !s.is_empty());
        if !target_ok || !session_ok {
            continue;
        }
        let bytes = write(m);
        let mut s = HttpStream::new(HttpLimits {
            max_head: bytes.len(),
            max_body: m.body.len(),
        });
        let mut out = Vec::new();
        s.push(&bytes, &mut out)
            .expect("a canonical message frames");
        assert_eq!(
            out.as_slice(),
            std::slice::from_ref(m),
            "written as {:?}",
            String::from_utf8_lossy(&bytes)
        );
        assert_eq!(s.held(), 0);
    }
});
