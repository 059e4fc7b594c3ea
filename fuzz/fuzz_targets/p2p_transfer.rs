//! `p2p_transfer`: two P2P machines on one simulated switchboard, Alice (honest) and Bob (the
//! machine under test), with the wire between them driven by the input: deliver, drop or
//! corrupt the next chunk, inject arbitrary P2P bodies into Bob in either framing, let time
//! pass, start transfers, accept, decline, cancel, close.
//!
//! Input: byte 0 picks the framing (P2Pv1 / P2Pv2) and Bob's chunk size; then operations of
//! 4 bytes (op, a, b, c), an injection followed by `a` raw bytes.
//!
//! Checks: no panic; Bob's buffered bytes never pass `P2pLimits::max_buffered_bytes` and his
//! transfers never pass `max_transfers`; no event names a session after its `Finished`
//! unless a new transfer opened it; received file bytes come in order and never pass the
//! offered size; a received object matches the one asked for; nothing at all after `close`.
#![no_main]

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use msnp_proto::ProtocolVersion;
use msnp_proto::p2p::{P2pLimits, P2pPayload};
use msnp_session::digest::msnobj_for_data;
use msnp_session::p2p::{P2pConfig, P2pEvent, P2pSession};

const ALICE: &str = "alice@example.com;{3c1e7a52-9d04-4b6f-8e21-5a7f0c9d3b18}";
const BOB: &str = "bob@example.com;{a9d2f6e0-41b7-4c3a-b5e8-0f6d2c7e9a41}";

/// What the checker knows about one side's sessions.
#[derive(Default)]
struct Model {
    /// Sessions whose `Finished` was seen (and not reopened).
    finished: HashSet<u32>,
    /// File sessions: offered size and bytes received so far.
    files: HashMap<u32, (u64, u64)>,
}

impl Model {
    fn reopen(&mut self, id: u32) {
        self.finished.remove(&id);
    }

    fn check(&mut self, e: &P2pEvent) {
        let id = e.session_id();
        match e {
            P2pEvent::FileOffered { size, .. } => {
                self.reopen(id);
                self.files.insert(id, (*size, 0));
            }
            P2pEvent::ObjectRequested { .. } => self.reopen(id),
            _ => assert!(!self.finished.contains(&id), "event after Finished: {e:?}"),
        }
        match e {
            P2pEvent::FileData { offset, data, .. } => {
                let (size, got) = self.files.get_mut(&id).expect("file data for an offered file");
                assert_eq!(*offset, *got, "file data out of order");
                *got += data.len() as u64;
                assert!(*got <= *size, "more file bytes than offered");
            }
            P2pEvent::Finished { .. } => {
                self.finished.insert(id);
                self.files.remove(&id);
            }
            _ => {}
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&setup, mut ops)) = data.split_first() else { return };
    let v2 = setup & 1 != 0;
    let (v, a, b) = if v2 {
        (ProtocolVersion::Msnp18, ALICE, BOB)
    } else {
        (ProtocolVersion::Msnp12, "alice@example.com", "bob@example.com")
    };
    let limits = P2pLimits {
        max_buffered_bytes: 64 * 1024,
        max_object_size: 32 * 1024,
        ..P2pLimits::default()
    };
    let mut bob_cfg = P2pConfig::new(v, b, a, v2, 2)
        .with_max_chunk(1 + usize::from(setup >> 1) * 9)
        .with_limits(limits);
    bob_cfg.max_transfers = 4;
    let max_transfers = bob_cfg.max_transfers;
    let mut bob = P2pSession::new(bob_cfg);
    let mut alice = P2pSession::new(P2pConfig::new(v, a, b, v2, 1).with_max_chunk(700));
    let picture = Bytes::from((0..3000u32).map(|i| (i * 7) as u8).collect::<Vec<u8>>());
    let object = msnobj_for_data("bob@example.com", 3, "0", "", &picture);
    bob.publish_object(object.clone(), picture.clone()).unwrap();
    let alices_object = msnobj_for_data("alice@example.com", 3, "0", "", b"alice's picture");
    alice.publish_object(alices_object.clone(), Bytes::from_static(b"alice's picture")).unwrap();

    let mut now = Instant::now();
    let mut bob_model = Model::default();
    let mut alice_model = Model::default();
    let mut bob_closed = false;
    while let Some((op, rest)) = ops.split_first_chunk::<4>() {
        ops = rest;
        let [kind, x, y, z] = *op;
        match kind % 12 {
            // Alice → Bob, possibly corrupting one byte of the binary part.
            0 | 1 | 2 => {
                if let Some(t) = alice.poll_transmit() {
                    let mut body = t.payload.to_bytes().unwrap();
                    if kind % 12 == 2 && !body.is_empty() {
                        let at = usize::from(y) * 256 + usize::from(z);
                        let len = body.len();
                        body[at % len] ^= x | 1;
                    }
                    let _ = bob.handle_p2p(now, Some(&t.dest), &body);
                }
            }
            // Bob → Alice, checking what Bob sends frames and addresses Alice.
            3 | 4 => {
                if let Some(t) = bob.poll_transmit() {
                    assert!(!bob_closed, "transmit after close");
                    assert_eq!(matches!(t.payload, P2pPayload::V2(_)), v2);
                    let mime = t.to_mime_bytes().unwrap();
                    let _ = alice.handle_mime(now, &mime);
                }
            }
            // Drop a chunk either way.
            5 => {
                let _ = if x & 1 == 0 { alice.poll_transmit() } else { bob.poll_transmit() };
            }
            // Arbitrary bytes into Bob, in either framing.
            6 => {
                let n = usize::from(x).min(ops.len());
                let (raw, rest) = ops.split_at(n);
                ops = rest;
                let dest = if y & 1 == 0 { b } else { "bob@example.com" };
                let _ = bob.handle_p2p(now, Some(dest), raw);
            }
            // Time passes.
            7 => {
                now += Duration::from_secs(u64::from(x) * 4);
                bob.handle_timeout(now);
                alice.handle_timeout(now);
            }
            // Alice starts something.
            8 => {
                let _ = if x & 1 == 0 {
                    alice.request_object(now, &object, 12).map(|id| alice_model.reopen(id))
                } else {
                    let file = Bytes::from(vec![y; usize::from(z) * 37]);
                    alice.send_file(now, "f.bin", file).map(|id| alice_model.reopen(id))
                };
            }
            // Bob starts something.
            9 => {
                let _ = bob.request_object(now, &alices_object, 1).map(|id| bob_model.reopen(id));
            }
            // Bob answers or cancels one of his transfers.
            10 => {
                let ids: Vec<u32> = bob.transfers().map(|t| t.session_id).collect();
                if let Some(&id) = ids.get(usize::from(y) % ids.len().max(1)) {
                    let _ = match x % 3 {
                        0 => bob.accept(now, id),
                        1 => bob.decline(now, id),
                        _ => bob.cancel(now, id),
                    };
                }
            }
            // Bob's switchboard closes.
            _ => {
                if x == 0xC1 {
                    bob.close();
                    while let Some(e) = bob.poll_event() {
                        bob_model.check(&e);
                    }
                    bob_closed = true;
                }
            }
        }
        while let Some(e) = bob.poll_event() {
            assert!(!bob_closed, "event after close: {e:?}");
            if let P2pEvent::ObjectReceived { object: o, data, .. } = &e {
                assert_eq!(o, &alices_object);
                assert_eq!(&data[..], b"alice's picture");
            }
            bob_model.check(&e);
        }
        while let Some(e) = alice.poll_event() {
            if let P2pEvent::ObjectReceived { data, .. } = &e {
                assert_eq!(data[..], picture[..]);
            }
            alice_model.check(&e);
        }
        assert!(bob.buffered_bytes() <= limits.max_buffered_bytes);
        assert!(bob.transfers().count() <= max_transfers);
        if bob_closed {
            assert!(bob.poll_transmit().is_none());
            assert_eq!(bob.transfers().count(), 0);
        }
    }
});
