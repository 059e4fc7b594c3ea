//! The P2P machines against silent and hostile peers: timeouts end transfers with a typed
//! failure; data for unknown sessions, bad contexts, size lies, unknown applications and
//! objects that were never published are refused with typed errors and the right MSNSLP
//! answers; a transport request keeps the transfer on the switchboard.

use std::time::{Duration, Instant};

use bytes::Bytes;
use msnp_proto::ProtocolVersion;
use msnp_proto::p2p::slp::{Guid, SessionRequest, SlpContentType, SlpMessage, euf_guid};
use msnp_proto::p2p::v1::{self, P2pHeader, app_id, flags};
use msnp_proto::p2p::{P2pPayload, ReassemblyError};
use msnp_session::digest::msnobj_for_data;
use msnp_session::p2p::{Outcome, P2pConfig, P2pEvent, P2pSession, TransferError, TransferState};
use msnp_session::{SwitchboardConfig, SwitchboardSession};

const ALICE: &str = "alice@example.com";
const BOB: &str = "bob@example.com";

fn session(local: &str, peer: &str, seed: u64) -> P2pSession {
    P2pSession::new(P2pConfig::new(
        ProtocolVersion::Msnp12,
        local,
        peer,
        false,
        seed,
    ))
}

/// Every chunk of an SLP message from `ALICE`, as P2Pv1 binary parts.
fn slp_chunks(msg: &SlpMessage<'_>, identifier: u32) -> Vec<Vec<u8>> {
    let bytes = msg.to_bytes().unwrap();
    let template = P2pHeader {
        identifier,
        ack_identifier: identifier ^ 0x55,
        ..P2pHeader::default()
    };
    v1::split(template, &bytes, 1202, 0)
        .map(|c| c.to_bytes())
        .collect()
}

/// One whole MSN object data message of `data` for `session_id`, as P2Pv1 binary.
fn data_chunk(session_id: u32, identifier: u32, data: &[u8]) -> Vec<u8> {
    let len = data.len() as u32;
    let header = P2pHeader {
        session_id,
        identifier,
        total_size: u64::from(len),
        length: len,
        flags: flags::MSNOBJ_DATA,
        ..P2pHeader::default()
    };
    v1::P2pMessage {
        header,
        data: data.to_vec().into(),
        footer: 1,
    }
    .to_bytes()
    .to_vec()
}

fn feed(s: &mut P2pSession, now: Instant, chunks: &[Vec<u8>]) -> Result<(), TransferError> {
    let mut last = Ok(());
    for c in chunks {
        last = s.handle_p2p(now, Some(BOB), c);
    }
    last
}

/// The whole SLP messages `s` sends (its ACKs skipped).
fn sent_slp(s: &mut P2pSession) -> Vec<SlpMessage<'static>> {
    let mut r = msnp_proto::p2p::Reassembler::new(Default::default());
    let mut out = Vec::new();
    while let Some(t) = s.poll_transmit() {
        let P2pPayload::V1(m) = &t.payload else {
            panic!("v1 expected")
        };
        if let Ok(msnp_proto::p2p::Progress::Completed(c)) = r.push_v1(m)
            && c.key.session_id == 0
        {
            out.push(SlpMessage::parse(&c.bytes).unwrap().into_owned());
        }
    }
    out
}

fn invite(euf: Guid, session_id: u32, context: Option<&str>) -> SlpMessage<'static> {
    let req = SessionRequest {
        euf_guid: euf,
        session_id,
        app_id: 1,
        request_flags: None,
        context: context.map(str::to_owned),
        extra: Vec::new(),
    };
    SlpMessage::session_invite(BOB, ALICE, Guid(1), Guid(2), &req).unwrap()
}

fn events(s: &mut P2pSession) -> Vec<P2pEvent> {
    std::iter::from_fn(|| s.poll_event()).collect()
}

#[test]
fn silent_peer_times_out_the_invite() {
    let mut alice = session(ALICE, BOB, 1);
    let data = Bytes::from_static(b"picture");
    let object = msnobj_for_data(BOB, 3, "0", "", &data);
    let t0 = Instant::now();
    let sid = alice.request_object(t0, &object, app_id::MSNOBJ).unwrap();
    while alice.poll_transmit().is_some() {}
    let deadline = alice.poll_timeout().unwrap();
    assert_eq!(deadline, t0 + alice.config().answer_timeout);
    alice.handle_timeout(deadline - Duration::from_millis(1));
    assert!(events(&mut alice).is_empty());
    alice.handle_timeout(deadline);
    assert_eq!(
        events(&mut alice),
        vec![P2pEvent::Finished {
            session_id: sid,
            outcome: Outcome::Failed(TransferError::TimedOut {
                session_id: sid,
                state: TransferState::Inviting
            })
        }]
    );
    // A BYE tells the peer, should it wake up.
    let sent = sent_slp(&mut alice);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].method(), Some("BYE"));
    assert_eq!(alice.poll_timeout(), None);
}

#[test]
fn missing_ack_and_missing_data_time_out_both_sides() {
    let mut alice = session(ALICE, BOB, 1);
    let mut bob = session(BOB, ALICE, 2);
    let now = Instant::now();
    let sid = alice
        .send_file(now, "a.txt", Bytes::from(vec![7u8; 5000]))
        .unwrap();
    let pump = |from: &mut P2pSession, to: &mut P2pSession| {
        while let Some(t) = from.poll_transmit() {
            let _ = to.handle_mime(now, &t.to_mime_bytes().unwrap());
        }
    };
    pump(&mut alice, &mut bob);
    bob.accept(now, sid).unwrap();
    pump(&mut bob, &mut alice);
    // Alice's data never reaches Bob; Bob's ACK never reaches Alice.
    while alice.poll_transmit().is_some() {}
    let later = now + Duration::from_secs(121);
    for (s, state) in [
        (&mut alice, TransferState::Sending),
        (&mut bob, TransferState::Receiving),
    ] {
        assert!(s.poll_timeout().unwrap() <= later);
        s.handle_timeout(later);
        let last = events(s).pop().unwrap();
        assert_eq!(
            last,
            P2pEvent::Finished {
                session_id: sid,
                outcome: Outcome::Failed(TransferError::TimedOut {
                    session_id: sid,
                    state
                })
            }
        );
        assert_eq!(s.transfers().count(), 0);
    }
}

#[test]
fn data_for_an_unknown_session_is_dropped_unacknowledged() {
    let mut bob = session(BOB, ALICE, 2);
    let bytes = data_chunk(1234, 9, b"abc");
    assert_eq!(
        bob.handle_p2p(Instant::now(), Some(BOB), &bytes),
        Err(TransferError::UnknownSession(1234))
    );
    assert!(bob.poll_transmit().is_none());
    assert_eq!(bob.buffered_bytes(), 0);
}

#[test]
fn bad_context_is_answered_500() {
    let mut bob = session(BOB, ALICE, 2);
    let chunks = slp_chunks(&invite(euf_guid::MSNOBJ, 77, Some("!!not base64!!")), 100);
    let e = feed(&mut bob, Instant::now(), &chunks).unwrap_err();
    assert!(
        matches!(e, TransferError::BadContext { session_id: 77, .. }),
        "{e:?}"
    );
    let sent = sent_slp(&mut bob);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].status_code(), Some(500));
    assert_eq!(bob.transfers().count(), 0);
    // No Context at all: the same.
    let chunks = slp_chunks(&invite(euf_guid::MSNOBJ, 78, None), 101);
    assert!(matches!(
        feed(&mut bob, Instant::now(), &chunks),
        Err(TransferError::BadContext { session_id: 78, .. })
    ));
}

#[test]
fn unknown_application_and_unpublished_object_are_declined() {
    let mut bob = session(BOB, ALICE, 2);
    let chunks = slp_chunks(&invite(euf_guid::WEBCAM_SEND, 5, Some("AAAA")), 100);
    feed(&mut bob, Instant::now(), &chunks).unwrap();
    let sent = sent_slp(&mut bob);
    assert_eq!(sent[0].status_code(), Some(603));
    assert_eq!(sent[0].body().unwrap().session_id().unwrap(), Some(5));

    // Alice asks Bob for an object he never published.
    let mut alice = session(ALICE, BOB, 1);
    let object = msnobj_for_data(BOB, 3, "0", "", b"secret");
    let now = Instant::now();
    let sid = alice.request_object(now, &object, 1).unwrap();
    for _ in 0..4 {
        while let Some(t) = alice.poll_transmit() {
            let _ = bob.handle_mime(now, &t.to_mime_bytes().unwrap());
        }
        while let Some(t) = bob.poll_transmit() {
            let _ = alice.handle_mime(now, &t.to_mime_bytes().unwrap());
        }
    }
    assert_eq!(
        events(&mut alice),
        vec![P2pEvent::Finished {
            session_id: sid,
            outcome: Outcome::Declined { by_peer: true }
        }]
    );
    assert!(events(&mut bob).is_empty());
}

#[test]
fn object_size_lie_fails_the_transfer() {
    let mut alice = session(ALICE, BOB, 1);
    let object = msnobj_for_data(BOB, 3, "0", "", b"0123456789");
    let now = Instant::now();
    let sid = alice.request_object(now, &object, 1).unwrap();
    let invite_msg = sent_slp(&mut alice).remove(0);
    // Bob (scripted) accepts, then announces 11 bytes instead of 10.
    let ok = SlpMessage::accept_session(&invite_msg, sid).unwrap();
    for c in &slp_chunks(&ok, 500) {
        alice.handle_p2p(now, Some(ALICE), c).unwrap();
    }
    assert_eq!(alice.transfer(sid).unwrap().state, TransferState::Receiving);
    let bytes = data_chunk(sid, 501, &[0u8; 11]);
    let want = TransferError::SizeMismatch {
        session_id: sid,
        expected: 10,
        announced: 11,
    };
    assert_eq!(
        alice.handle_p2p(now, Some(ALICE), &bytes),
        Err(want.clone())
    );
    assert_eq!(
        events(&mut alice).pop(),
        Some(P2pEvent::Finished {
            session_id: sid,
            outcome: Outcome::Failed(want)
        })
    );
    assert_eq!(alice.buffered_bytes(), 0);
}

#[test]
fn overflowing_chunk_is_a_typed_error() {
    let mut alice = session(ALICE, BOB, 1);
    // CVE-2008-2927: offset + length wraps around.
    let h = P2pHeader {
        data_offset: u64::MAX - 1,
        total_size: 10,
        length: 4,
        ..P2pHeader::default()
    };
    let mut bytes = h.to_bytes().to_vec();
    bytes.extend_from_slice(&[0; 8]);
    assert!(matches!(
        alice.handle_p2p(Instant::now(), Some(ALICE), &bytes),
        Err(TransferError::Format(_))
    ));
    // An SLP message larger than the limit.
    let h = P2pHeader {
        total_size: 1 << 30,
        length: 4,
        ..P2pHeader::default()
    };
    let mut bytes = h.to_bytes().to_vec();
    bytes.extend_from_slice(&[0; 8]);
    assert!(matches!(
        alice.handle_p2p(Instant::now(), Some(ALICE), &bytes),
        Err(TransferError::Reassembly(
            ReassemblyError::MessageTooLarge { .. }
        ))
    ));
}

#[test]
fn transport_request_keeps_the_switchboard() {
    let mut bob = session(BOB, ALICE, 2);
    let req = SlpMessage::request(
        "INVITE",
        BOB,
        ALICE,
        Guid(3),
        0,
        Guid(4),
        &SlpContentType::TransportRequest,
        "Bridges: TCPv1\r\nNetID: 0\r\nConn-Type: Firewall\r\n\r\n",
    );
    feed(&mut bob, Instant::now(), &slp_chunks(&req, 200)).unwrap();
    let sent = sent_slp(&mut bob);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].status_code(), Some(200));
    assert_eq!(
        sent[0].content_type().unwrap(),
        SlpContentType::TransportResponse
    );
    assert_eq!(sent[0].body().unwrap().get("Listening"), Some("false"));
    assert_eq!(bob.transfers().count(), 0);
}

#[test]
fn close_ends_everything_and_refuses_input() {
    let mut alice = session(ALICE, BOB, 1);
    let now = Instant::now();
    let sid = alice
        .send_file(now, "x", Bytes::from_static(b"xyz"))
        .unwrap();
    alice.close();
    assert_eq!(
        events(&mut alice),
        vec![P2pEvent::Finished {
            session_id: sid,
            outcome: Outcome::Cancelled { by_peer: false }
        }]
    );
    assert!(alice.poll_transmit().is_none());
    assert_eq!(
        alice.handle_p2p(now, None, &[0; 52]),
        Err(TransferError::Closed)
    );
    assert_eq!(
        alice.send_file(now, "y", Bytes::new()),
        Err(TransferError::Closed)
    );
    assert!(alice.poll_event().is_none());
}

#[test]
fn misuse_is_typed() {
    let mut alice = session(ALICE, BOB, 1);
    let now = Instant::now();
    assert_eq!(alice.accept(now, 9), Err(TransferError::UnknownSession(9)));
    let sid = alice
        .send_file(now, "x", Bytes::from_static(b"xyz"))
        .unwrap();
    assert!(matches!(
        alice.accept(now, sid),
        Err(TransferError::WrongState {
            call: "accept",
            state: TransferState::Inviting,
            ..
        })
    ));
    let object = msnobj_for_data(ALICE, 3, "0", "", b"abc");
    assert_eq!(
        alice.publish_object(object, Bytes::from_static(b"abd")),
        Err(TransferError::ObjectMismatch { session_id: 0 })
    );
    let empty = msnobj_for_data(ALICE, 3, "0", "", b"");
    assert_eq!(
        alice.publish_object(empty.clone(), Bytes::new()),
        Err(TransferError::EmptyObject)
    );
    assert_eq!(
        alice.request_object(now, &empty, 1),
        Err(TransferError::EmptyObject)
    );
    assert!(matches!(
        alice.handle_mime(
            now,
            b"MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nhi"
        ),
        Err(TransferError::NotP2p(Some(_)))
    ));
    let mut cfg = P2pConfig::new(ProtocolVersion::Msnp12, ALICE, BOB, false, 1);
    cfg.max_transfers = 1;
    let mut one = P2pSession::new(cfg);
    one.send_file(now, "a", Bytes::new()).unwrap();
    assert_eq!(
        one.send_file(now, "b", Bytes::new()),
        Err(TransferError::TooManyTransfers { max: 1 })
    );
}

/// A chunk handed to a switchboard session goes out as `MSG trid D len` with the P2P MIME
/// headers.
#[test]
fn send_on_writes_a_data_msg() {
    let cfg = SwitchboardConfig::new(ALICE, ProtocolVersion::Msnp12);
    let mut sb = SwitchboardSession::invite(cfg, "cookie", &[BOB]).unwrap();
    let _ = sb.poll_transmit();
    sb.handle_input(b"USR 1 OK alice@example.com Alice\r\n")
        .unwrap();
    let _ = sb.poll_transmit();
    sb.handle_input(b"CAL 2 RINGING 1\r\nJOI bob@example.com Bob 0\r\n")
        .unwrap();
    let mut alice = session(ALICE, BOB, 1);
    alice
        .send_file(Instant::now(), "x", Bytes::from_static(b"xyz"))
        .unwrap();
    let t = alice.poll_transmit().unwrap();
    t.send_on(&mut sb).unwrap();
    let frame = sb.poll_transmit().unwrap();
    let frame = frame.frame();
    let head = String::from_utf8_lossy(&frame[..frame.len().min(160)]).into_owned();
    assert!(head.starts_with("MSG 3 D "), "{head}");
    assert!(
        head.contains(
            "Content-Type: application/x-msnmsgrp2p\r\nP2P-Dest: bob@example.com\r\n\r\n"
        )
    );
}

/// A large file handed out slowly by the caller does not time out while chunks remain; once
/// all are out, the missing ACK does.
#[test]
fn slow_sending_is_not_a_timeout() {
    let mut alice = session(ALICE, BOB, 1);
    let mut bob = session(BOB, ALICE, 2);
    let mut now = Instant::now();
    let sid = alice
        .send_file(now, "big", Bytes::from(vec![1u8; 50_000]))
        .unwrap();
    while let Some(t) = alice.poll_transmit() {
        bob.handle_mime(now, &t.to_mime_bytes().unwrap()).unwrap();
    }
    bob.accept(now, sid).unwrap();
    while let Some(t) = bob.poll_transmit() {
        alice.handle_mime(now, &t.to_mime_bytes().unwrap()).unwrap();
    }
    // One chunk every 100 s: far slower than the 120 s timeout between the peer's signs of life.
    let mut chunks = 0;
    while let Some(_t) = alice.poll_transmit() {
        chunks += 1;
        now += Duration::from_secs(100);
        alice.handle_timeout(now);
        if chunks < 10 {
            assert_eq!(
                alice.transfer(sid).map(|t| t.state),
                Some(TransferState::Sending)
            );
        }
    }
    assert!(chunks > 40);
    assert_eq!(
        alice.transfer(sid).map(|t| t.state),
        Some(TransferState::Sending)
    );
    now += Duration::from_secs(121);
    alice.handle_timeout(now);
    assert!(alice.transfer(sid).is_none());
}

mod hostile {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// Arbitrary P2P bodies, in both framings, into a machine with a file being received:
        /// never a panic, the buffer stays within its limit, nothing after a `Finished`.
        #[test]
        fn arbitrary_bodies(bodies in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..200), 1..40), v2 in any::<bool>()) {
            let (v, a, b) = if v2 {
                (ProtocolVersion::Msnp18,
                 "alice@example.com;{3c1e7a52-9d04-4b6f-8e21-5a7f0c9d3b18}",
                 "bob@example.com;{a9d2f6e0-41b7-4c3a-b5e8-0f6d2c7e9a41}")
            } else {
                (ProtocolVersion::Msnp12, ALICE, BOB)
            };
            let mut alice = P2pSession::new(P2pConfig::new(v, a, b, v2, 1));
            let mut bob = P2pSession::new(P2pConfig::new(v, b, a, v2, 2));
            let now = Instant::now();
            let sid = alice.send_file(now, "f", Bytes::from(vec![3u8; 4000])).unwrap();
            while let Some(t) = alice.poll_transmit() {
                bob.handle_mime(now, &t.to_mime_bytes().unwrap()).unwrap();
            }
            bob.accept(now, sid).unwrap();
            let mut finished = false;
            for body in &bodies {
                let _ = bob.handle_p2p(now, Some(b), body);
                for e in std::iter::from_fn(|| bob.poll_event()) {
                    prop_assert!(!finished || e.session_id() != sid, "{:?}", e);
                    finished |= matches!(e, P2pEvent::Finished { .. }) && e.session_id() == sid;
                }
                prop_assert!(bob.buffered_bytes() <= bob.config().limits.max_buffered_bytes);
                while bob.poll_transmit().is_some() {}
            }
        }
    }
}
