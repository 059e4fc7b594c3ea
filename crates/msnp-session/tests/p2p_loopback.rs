//! Loopback flows between two P2P machines (issue 13): display picture over P2Pv1 and
//! P2Pv2, file accepted, file declined, cancel mid-transfer by either side. The wire between
//! them carries each chunk as the MIME payload of a switchboard `MSG … D`; every side cuts
//! its messages at a random chunk size, the chunks of one message arrive in a random order
//! (P2Pv2 keeps a message's first chunk first: only it says how large the message is), and
//! simulated time advances at random between deliveries.

use std::time::{Duration, Instant};

use bytes::Bytes;
use proptest::prelude::*;

use msnp_proto::ProtocolVersion;
use msnp_proto::p2p::v1::app_id;
use msnp_proto::p2p::{P2pFraming, P2pPayload};
use msnp_session::digest::msnobj_for_data;
use msnp_session::p2p::{
    Outcome, P2pConfig, P2pEvent, P2pSession, P2pTransmit, Role, TransferState,
};

const ALICE_GUID: &str = "{3c1e7a52-9d04-4b6f-8e21-5a7f0c9d3b18}";
const BOB_GUID: &str = "{a9d2f6e0-41b7-4c3a-b5e8-0f6d2c7e9a41}";

/// A small deterministic generator for the wire's choices.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Alice and Bob on one switchboard, in the framing `v2` asks for.
fn pair(v2: bool, chunk_a: usize, chunk_b: usize, seed: u64) -> (P2pSession, P2pSession) {
    let (v, a, b) = if v2 {
        (
            ProtocolVersion::Msnp18,
            format!("alice@example.com;{ALICE_GUID}"),
            format!("bob@example.com;{BOB_GUID}"),
        )
    } else {
        (
            ProtocolVersion::Msnp12,
            "alice@example.com".to_owned(),
            "bob@example.com".to_owned(),
        )
    };
    let ca = P2pConfig::new(v, a.clone(), b.clone(), v2, seed).with_max_chunk(chunk_a);
    let cb = P2pConfig::new(v, b, a, v2, seed ^ 0x5555).with_max_chunk(chunk_b);
    let want = if v2 { P2pFraming::V2 } else { P2pFraming::V1 };
    assert_eq!((ca.framing, cb.framing), (want, want));
    (P2pSession::new(ca), P2pSession::new(cb))
}

/// The message a chunk belongs to, and whether it must stay first (P2Pv2 first chunk).
fn message_key(t: &P2pTransmit) -> (Option<(u32, u32)>, bool) {
    match &t.payload {
        P2pPayload::V1(m) if m.header.length > 0 => {
            (Some((m.header.session_id, m.header.identifier)), false)
        }
        P2pPayload::V2(p) => match &p.data {
            Some(d) => (
                Some((d.session_id, u32::from(d.package_number))),
                d.tf.is_first(),
            ),
            None => (None, false),
        },
        P2pPayload::V1(_) => (None, false),
    }
}

/// Shuffles the chunks of each message inside a batch, leaving messages in order.
fn shuffle_within_messages(batch: &mut [P2pTransmit], rng: &mut Rng) {
    let mut start = 0;
    while start < batch.len() {
        let key = message_key(&batch[start]).0;
        let mut end = start + 1;
        while end < batch.len() && key.is_some() && message_key(&batch[end]).0 == key {
            end += 1;
        }
        let fixed = usize::from(message_key(&batch[start]).1);
        let run = &mut batch[start + fixed..end];
        for i in (1..run.len()).rev() {
            run.swap(i, rng.below(i + 1));
        }
        start = end;
    }
}

/// The wire: what each side saw, and the clock.
struct Wire {
    rng: Rng,
    now: Instant,
    events_a: Vec<P2pEvent>,
    events_b: Vec<P2pEvent>,
    /// Chunks each side refused (stale chunks after a cancel).
    refused_a: usize,
    refused_b: usize,
    /// Transmits seen on the wire, per framing.
    framings: Vec<P2pFraming>,
}

impl Wire {
    fn new(seed: u64) -> Self {
        Self {
            rng: Rng(seed | 1),
            now: Instant::now(),
            events_a: Vec::new(),
            events_b: Vec::new(),
            refused_a: 0,
            refused_b: 0,
            framings: Vec::new(),
        }
    }

    /// Moves at most `limit` chunks from `from` to `to`; returns how many moved.
    fn carry(
        &mut self,
        from: &mut P2pSession,
        to: &mut P2pSession,
        a_to_b: bool,
        limit: usize,
    ) -> usize {
        let mut batch: Vec<P2pTransmit> = Vec::new();
        while batch.len() < limit {
            match from.poll_transmit() {
                Some(t) => batch.push(t),
                None => break,
            }
        }
        shuffle_within_messages(&mut batch, &mut self.rng);
        for t in &batch {
            self.framings.push(match t.payload {
                P2pPayload::V1(_) => P2pFraming::V1,
                P2pPayload::V2(_) => P2pFraming::V2,
            });
            assert_eq!(t.src.is_some(), matches!(t.payload, P2pPayload::V2(_)));
            let mime = t.to_mime_bytes().unwrap();
            self.now += Duration::from_millis(self.rng.below(50) as u64);
            if to.handle_mime(self.now, &mime).is_err() {
                if a_to_b {
                    self.refused_b += 1;
                } else {
                    self.refused_a += 1;
                }
            }
            to.handle_timeout(self.now);
        }
        batch.len()
    }

    fn drain_events(&mut self, a: &mut P2pSession, b: &mut P2pSession) {
        self.events_a.extend(std::iter::from_fn(|| a.poll_event()));
        self.events_b.extend(std::iter::from_fn(|| b.poll_event()));
    }

    /// Runs both ways until neither side has anything to send.
    fn settle(&mut self, a: &mut P2pSession, b: &mut P2pSession) {
        for _ in 0..100_000 {
            let limit = 1 + self.rng.below(8);
            let moved = self.carry(a, b, true, limit) + self.carry(b, a, false, limit);
            self.drain_events(a, b);
            if moved == 0 {
                return;
            }
        }
        panic!("the wire never settled");
    }
}

fn finished(events: &[P2pEvent], session_id: u32) -> Option<&Outcome> {
    events.iter().find_map(|e| match e {
        P2pEvent::Finished {
            session_id: s,
            outcome,
        } if *s == session_id => Some(outcome),
        _ => None,
    })
}

fn assert_idle(a: &P2pSession, b: &P2pSession) {
    assert_eq!(a.transfers().count(), 0, "alice still has transfers");
    assert_eq!(b.transfers().count(), 0, "bob still has transfers");
    assert_eq!((a.buffered_bytes(), b.buffered_bytes()), (0, 0));
    assert_eq!((a.poll_timeout(), b.poll_timeout()), (None, None));
}

/// No event names a session after its `Finished`.
fn assert_nothing_after_finish(events: &[P2pEvent]) {
    let mut done = std::collections::HashSet::new();
    for e in events {
        assert!(
            !done.contains(&e.session_id()),
            "event after Finished: {e:?}"
        );
        if matches!(e, P2pEvent::Finished { .. }) {
            done.insert(e.session_id());
        }
    }
}

fn picture(len: usize, seed: u64) -> Bytes {
    let mut r = Rng(seed | 1);
    Bytes::from((0..len).map(|_| r.next() as u8).collect::<Vec<u8>>())
}

fn picture_flow(v2: bool, seed: u64, chunk_a: usize, chunk_b: usize, len: usize) {
    let (mut alice, mut bob) = pair(v2, chunk_a, chunk_b, seed);
    let data = picture(len, seed);
    let object = msnobj_for_data("bob@example.com", 3, "0", "", &data);
    bob.publish_object(object.clone(), data.clone()).unwrap();
    let mut wire = Wire::new(seed);
    let sid = alice
        .request_object(wire.now, &object, app_id::DISPLAY_PICTURE)
        .unwrap();
    assert_eq!(alice.transfer(sid).unwrap().state, TransferState::Inviting);
    assert_eq!(alice.transfer(sid).unwrap().role, Role::ObjectRequester);
    wire.settle(&mut alice, &mut bob);

    let want = if v2 { P2pFraming::V2 } else { P2pFraming::V1 };
    assert!(wire.framings.iter().all(|f| *f == want));
    assert_eq!(
        wire.events_a,
        vec![
            P2pEvent::Accepted { session_id: sid },
            P2pEvent::ObjectReceived {
                session_id: sid,
                object: object.clone(),
                data: data.to_vec()
            },
            P2pEvent::Finished {
                session_id: sid,
                outcome: Outcome::Completed
            },
        ]
    );
    assert_eq!(
        wire.events_b,
        vec![
            P2pEvent::ObjectRequested {
                session_id: sid,
                object
            },
            P2pEvent::Finished {
                session_id: sid,
                outcome: Outcome::Completed
            },
        ]
    );
    assert_eq!((wire.refused_a, wire.refused_b), (0, 0));
    assert_idle(&alice, &bob);
}

/// Alice offers a file; Bob answers with `accept` (or declines).
fn file_flow(v2: bool, seed: u64, chunk_a: usize, chunk_b: usize, len: usize, accept: bool) {
    let (mut alice, mut bob) = pair(v2, chunk_a, chunk_b, seed);
    let data = picture(len, seed);
    let mut wire = Wire::new(seed);
    let sid = alice
        .send_file(wire.now, "../holiday\u{7}.jpg", data.clone())
        .unwrap();
    wire.settle(&mut alice, &mut bob);
    assert_eq!(
        wire.events_b,
        vec![P2pEvent::FileOffered {
            session_id: sid,
            file_name: "holiday.jpg".into(),
            size: len as u64,
            preview: None
        }]
    );
    assert_eq!(
        bob.transfer(sid).unwrap().state,
        TransferState::AwaitingUser
    );
    // The user takes a while; nothing times out while they decide.
    wire.now += Duration::from_secs(300);
    bob.handle_timeout(wire.now);
    alice.handle_timeout(wire.now);
    assert!(bob.transfer(sid).is_some() && alice.transfer(sid).is_some());
    if !accept {
        bob.decline(wire.now, sid).unwrap();
        wire.settle(&mut alice, &mut bob);
        assert_eq!(
            wire.events_a,
            vec![P2pEvent::Finished {
                session_id: sid,
                outcome: Outcome::Declined { by_peer: true }
            }]
        );
        assert_eq!(
            finished(&wire.events_b, sid),
            Some(&Outcome::Declined { by_peer: false })
        );
        assert_idle(&alice, &bob);
        return;
    }
    bob.accept(wire.now, sid).unwrap();
    wire.settle(&mut alice, &mut bob);
    let mut received = Vec::new();
    for e in &wire.events_b {
        if let P2pEvent::FileData { offset, data, .. } = e {
            assert_eq!(*offset, received.len() as u64);
            received.extend_from_slice(data);
        }
    }
    assert_eq!(received, data.to_vec());
    assert_eq!(finished(&wire.events_b, sid), Some(&Outcome::Completed));
    assert_eq!(
        wire.events_a,
        vec![
            P2pEvent::Accepted { session_id: sid },
            P2pEvent::Finished {
                session_id: sid,
                outcome: Outcome::Completed
            },
        ]
    );
    assert_nothing_after_finish(&wire.events_b);
    assert_eq!((wire.refused_a, wire.refused_b), (0, 0));
    assert_idle(&alice, &bob);
}

/// Alice sends a file; after `after` data chunks `alice_cancels` (or Bob) cancels.
fn cancel_flow(v2: bool, seed: u64, chunk: usize, after: usize, alice_cancels: bool) {
    let (mut alice, mut bob) = pair(v2, chunk, chunk, seed);
    let len = chunk * 40;
    let data = picture(len, seed);
    let mut wire = Wire::new(seed);
    let sid = alice.send_file(wire.now, "big.bin", data.clone()).unwrap();
    wire.settle(&mut alice, &mut bob);
    bob.accept(wire.now, sid).unwrap();
    // The 200 OK and its ACK, then a part of the data.
    wire.carry(&mut bob, &mut alice, false, usize::MAX);
    wire.carry(&mut alice, &mut bob, true, 1 + after);
    wire.drain_events(&mut alice, &mut bob);
    assert_eq!(bob.transfer(sid).unwrap().state, TransferState::Receiving);
    assert_eq!(alice.transfer(sid).unwrap().state, TransferState::Sending);
    if alice_cancels {
        alice.cancel(wire.now, sid).unwrap();
    } else {
        bob.cancel(wire.now, sid).unwrap();
    }
    wire.settle(&mut alice, &mut bob);
    let (me, peer) = if alice_cancels {
        (&wire.events_a, &wire.events_b)
    } else {
        (&wire.events_b, &wire.events_a)
    };
    assert_eq!(
        finished(me, sid),
        Some(&Outcome::Cancelled { by_peer: false })
    );
    assert_eq!(
        finished(peer, sid),
        Some(&Outcome::Cancelled { by_peer: true })
    );
    let mut received = Vec::new();
    for e in &wire.events_b {
        if let P2pEvent::FileData { offset, data, .. } = e {
            assert_eq!(*offset, received.len() as u64);
            received.extend_from_slice(data);
        }
    }
    assert!(received.len() < len, "the file must not have completed");
    assert_eq!(received[..], data[..received.len()]);
    assert_nothing_after_finish(&wire.events_a);
    assert_nothing_after_finish(&wire.events_b);
    assert_idle(&alice, &bob);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn picture_v1(seed in any::<u64>(), ca in 1usize..=1202, cb in 1usize..=1202, len in 1usize..6000) {
        picture_flow(false, seed, ca, cb, len);
    }

    #[test]
    fn picture_v2(seed in any::<u64>(), ca in 1usize..=1202, cb in 1usize..=1202, len in 1usize..6000) {
        picture_flow(true, seed, ca, cb, len);
    }

    #[test]
    fn file_accept(v2 in any::<bool>(), seed in any::<u64>(), ca in 1usize..=1202, cb in 1usize..=1202, len in 0usize..9000) {
        file_flow(v2, seed, ca, cb, len, true);
    }

    #[test]
    fn file_decline(v2 in any::<bool>(), seed in any::<u64>(), ca in 1usize..=1202, len in 1usize..9000) {
        file_flow(v2, seed, ca, ca, len, false);
    }

    #[test]
    fn cancel_mid_transfer(v2 in any::<bool>(), seed in any::<u64>(), chunk in 16usize..=1202, after in 0usize..30, alice in any::<bool>()) {
        cancel_flow(v2, seed, chunk, after, alice);
    }
}

#[test]
fn picture_v1_fixed_shapes() {
    // The whole picture in 1202-byte chunks, in order: the classic MSN 7 flow.
    picture_flow(false, 7, 1202, 1202, 1500);
    picture_flow(true, 7, 1202, 1202, 1500);
}

#[test]
fn file_edge_sizes() {
    for v2 in [false, true] {
        for len in [0, 1, 1202, 1203] {
            file_flow(v2, 11, 1202, 1202, len, true);
        }
    }
}

/// The P2Pv2 shapes of p2p.md §7: the first packet each side sends is a SYN|RAK with the
/// peer-info TLV; Bob's first is the SYN-ACK (ACK TLV, then peer info, no data).
#[test]
fn v2_syn_handshake_shape() {
    use msnp_proto::p2p::v2::{HeaderTlv, op_code};
    let (mut alice, mut bob) = pair(true, 1202, 1202, 3);
    let data = picture(100, 3);
    let object = msnobj_for_data("bob@example.com", 3, "0", "", &data);
    bob.publish_object(object.clone(), data).unwrap();
    let now = Instant::now();
    alice
        .request_object(now, &object, app_id::DISPLAY_PICTURE)
        .unwrap();
    let invite = alice.poll_transmit().unwrap();
    let P2pPayload::V2(p) = &invite.payload else {
        panic!()
    };
    assert_eq!(p.op_code, op_code::SYN | op_code::RAK);
    assert!(matches!(p.tlvs[..], [HeaderTlv::PeerInfo(_)]));
    assert_eq!(invite.dest, format!("bob@example.com;{BOB_GUID}"));
    assert_eq!(invite.src, Some(format!("alice@example.com;{ALICE_GUID}")));
    bob.handle_mime(now, &invite.to_mime_bytes().unwrap())
        .unwrap();
    let syn_ack = bob.poll_transmit().unwrap();
    let P2pPayload::V2(q) = &syn_ack.payload else {
        panic!()
    };
    assert_eq!(q.op_code, op_code::SYN | op_code::RAK);
    assert!(q.data.is_none());
    assert_eq!(q.tlvs[0], HeaderTlv::Ack(p.ack_value()));
    assert!(matches!(q.tlvs[1], HeaderTlv::PeerInfo(_)));
    // A packet for another endpoint of Bob's account is not Bob's business.
    let other = format!("bob@example.com;{ALICE_GUID}");
    let before = bob.transfers().count();
    let body = syn_ack.payload.to_bytes().unwrap();
    bob.handle_p2p(now, Some(&other), &body).unwrap();
    assert_eq!(bob.transfers().count(), before);
}

/// Bob cancels while Alice still streams: Bob must not acknowledge the RAK of data he
/// refuses, or Alice would take the file as delivered (found by the property above).
#[test]
fn cancel_v2_no_ack_for_refused_data() {
    cancel_flow(true, 0, 16, 9, false);
}
