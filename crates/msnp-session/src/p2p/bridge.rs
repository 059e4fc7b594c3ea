//! The transport half of a P2P link: message counters (P2Pv1) and sequence numbers with
//! SYN (P2Pv2), the queue of messages to send, cut into chunks only when they are polled (a
//! file is never copied whole), and the messages waiting for an ACK.

use std::collections::{BTreeMap, VecDeque};

use bytes::Bytes;
use msnp_proto::p2p::v1::{self, P2pHeader, P2pMessage, app_id, flags};
use msnp_proto::p2p::v2::{self, HeaderTlv, P2pV2Packet, TfKind, op_code};
use msnp_proto::p2p::{P2pFraming, P2pPayload};

/// What an awaited ACK confirms, so the transfer can take its next step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// Our INVITE, 200 OK, BYE, …: only proof of life.
    Signal,
    /// The owner's 200 OK.
    Accepted,
    /// The data preparation (P2Pv1).
    Preparation,
    /// The whole object or file.
    Data,
}

/// A sent message waiting for its ACK.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Awaited {
    pub(crate) session_id: u32,
    pub(crate) step: Step,
}

/// The application payload kinds the bridge sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// MSNSLP text on session 0.
    Slp,
    /// The 4-byte data preparation.
    Preparation { app_id: u32 },
    /// MSNObject bytes.
    Object { app_id: u32 },
    /// File bytes.
    File,
}

/// One message being sent, cut lazily.
#[derive(Debug)]
struct Outgoing {
    session_id: u32,
    kind: Kind,
    bytes: Bytes,
    /// Bytes already cut into chunks.
    sent: usize,
    /// P2Pv1: the header every chunk copies (Identifier, Flags, AckIdentifier).
    template: P2pHeader,
    /// P2Pv2: the package number.
    package: u16,
    /// The ACK to wait for (P2Pv2: RAK on the last chunk).
    awaited: Option<Awaited>,
}

/// A control item: an ACK to send.
#[derive(Debug)]
enum Control {
    V1Ack(P2pHeader),
    V2Ack(u32),
}

/// The transport state of one link.
#[derive(Debug)]
pub(crate) struct Bridge {
    framing: P2pFraming,
    max_chunk: usize,
    /// P2Pv1: our message counter.
    next_id: u32,
    /// P2Pv2: our sequence number.
    seq: u32,
    /// P2Pv2: whether our first packet (SYN) is out.
    syn_sent: bool,
    /// P2Pv2: the next package number.
    package: u16,
    acks: VecDeque<Control>,
    /// Signalling, data preparations: sent before any data stream.
    control: VecDeque<Outgoing>,
    /// Object and file data.
    streams: VecDeque<Outgoing>,
    /// P2Pv1: awaited ACKs by the Identifier of the message.
    awaited_v1: BTreeMap<u32, Awaited>,
    /// P2Pv2: awaited ACKs by the sequence number the ACK must reach.
    awaited_v2: VecDeque<(u32, Awaited)>,
}

/// Most messages waiting for an ACK; the oldest is forgotten beyond it (its transfer still
/// times out).
const MAX_AWAITED: usize = 256;

impl Bridge {
    pub(crate) fn new(framing: P2pFraming, max_chunk: usize, seed: u64) -> Self {
        Self {
            framing,
            max_chunk: max_chunk.clamp(1, 1664),
            // p2p.md §3.3: a random start, away from the top so it does not wrap at once.
            next_id: (seed as u32 % 0xFFFF_FF00).wrapping_add(4),
            seq: (seed >> 32) as u32,
            syn_sent: false,
            package: (seed >> 16) as u16,
            acks: VecDeque::new(),
            control: VecDeque::new(),
            streams: VecDeque::new(),
            awaited_v1: BTreeMap::new(),
            awaited_v2: VecDeque::new(),
        }
    }

    /// Queues a whole message; `ack_identifier` is the random per-message value of P2Pv1.
    pub(crate) fn send(
        &mut self,
        session_id: u32,
        kind: Kind,
        bytes: Bytes,
        ack_identifier: u32,
        awaited: Option<Awaited>,
    ) {
        let identifier = self.next_id;
        self.next_id = self.next_id.wrapping_add(1);
        let template = P2pHeader {
            session_id,
            identifier,
            flags: match kind {
                Kind::Slp | Kind::Preparation { .. } => flags::NONE,
                Kind::Object { .. } => flags::MSNOBJ_DATA,
                Kind::File => flags::WLM2009_FILE_DATA,
            },
            ack_identifier,
            ..P2pHeader::default()
        };
        let package = self.package;
        self.package = self.package.wrapping_add(1);
        if let (P2pFraming::V1, Some(a)) = (self.framing, awaited) {
            if self.awaited_v1.len() >= MAX_AWAITED {
                self.awaited_v1.pop_first();
            }
            self.awaited_v1.insert(identifier, a);
        }
        let out = Outgoing {
            session_id,
            kind,
            bytes,
            sent: 0,
            template,
            package,
            awaited,
        };
        match kind {
            Kind::Slp | Kind::Preparation { .. } => self.control.push_back(out),
            Kind::Object { .. } | Kind::File => self.streams.push_back(out),
        }
    }

    /// Queues the P2Pv1 ACK of a complete message (its last chunk's header).
    pub(crate) fn ack_v1(&mut self, received: &P2pHeader) {
        let ack = received.ack(self.next_id);
        self.next_id = self.next_id.wrapping_add(1);
        self.acks.push_back(Control::V1Ack(ack));
    }

    /// Queues a P2Pv2 ACK up to `value`.
    pub(crate) fn ack_v2(&mut self, value: u32) {
        self.acks.push_back(Control::V2Ack(value));
    }

    /// The awaited message a P2Pv1 ACK confirms (matched by the Identifier it echoes).
    pub(crate) fn acked_v1(&mut self, ack: &P2pHeader) -> Option<Awaited> {
        self.awaited_v1.remove(&ack.ack_identifier)
    }

    /// The awaited messages a P2Pv2 ACK up to `value` confirms.
    pub(crate) fn acked_v2(&mut self, value: u32) -> Vec<Awaited> {
        let mut done = Vec::new();
        self.awaited_v2.retain(|&(end, a)| {
            // Serial-number comparison: `value` is at or past `end`.
            let covered = (value.wrapping_sub(end) as i32) >= 0;
            if covered {
                done.push(a);
            }
            !covered
        });
        done
    }

    /// Forgets everything queued or awaited for a session (it ended).
    pub(crate) fn drop_session(&mut self, session_id: u32) {
        self.control.retain(|o| o.session_id != session_id);
        self.streams.retain(|o| o.session_id != session_id);
        self.awaited_v1.retain(|_, a| a.session_id != session_id);
        self.awaited_v2.retain(|(_, a)| a.session_id != session_id);
    }

    /// Forgets everything.
    pub(crate) fn clear(&mut self) {
        self.acks.clear();
        self.control.clear();
        self.streams.clear();
        self.awaited_v1.clear();
        self.awaited_v2.clear();
    }

    /// Whether an object or file stream for `session_id` is still being cut.
    pub(crate) fn streaming(&self, session_id: u32) -> bool {
        self.streams.iter().any(|o| o.session_id == session_id)
    }

    /// The next chunk to send: ACKs first, then signalling, then data.
    pub(crate) fn poll(&mut self) -> Option<P2pPayload<'static>> {
        if let Some(c) = self.acks.pop_front() {
            return Some(match c {
                Control::V1Ack(h) => P2pPayload::V1(P2pMessage {
                    header: h,
                    data: Default::default(),
                    footer: app_id::SLP,
                }),
                Control::V2Ack(value) => P2pPayload::V2(self.packet(vec![HeaderTlv::Ack(value)])),
            });
        }
        let from_control = !self.control.is_empty();
        let queue = if from_control {
            &mut self.control
        } else {
            &mut self.streams
        };
        let mut out = queue.pop_front()?;
        let (payload, last) = match self.framing {
            P2pFraming::V1 => {
                let footer = match out.kind {
                    Kind::Slp => app_id::SLP,
                    Kind::Preparation { app_id } | Kind::Object { app_id } => app_id,
                    Kind::File => app_id::FILE_TRANSFER,
                };
                let c = v1::chunk_at(out.template, &out.bytes, out.sent, self.max_chunk, footer);
                out.sent += c.data.len();
                (P2pPayload::V1(c.into_owned()), out.sent >= out.bytes.len())
            }
            P2pFraming::V2 => {
                let kind = match out.kind {
                    Kind::Slp | Kind::Preparation { .. } => TfKind::Slp,
                    Kind::Object { .. } => TfKind::MsnObject,
                    Kind::File => TfKind::File,
                };
                let d = v2::chunk_at(
                    kind,
                    out.package,
                    out.session_id,
                    &out.bytes,
                    out.sent,
                    self.max_chunk,
                );
                out.sent += d.payload.len();
                let last = out.sent >= out.bytes.len();
                let mut p = self.packet(Vec::new());
                p.data = Some(d.into_owned());
                // RAK on every SLP message (p2p.md §12 #17) and on awaited data.
                if last && (out.awaited.is_some() || out.kind == Kind::Slp) {
                    p.op_code |= op_code::RAK;
                }
                self.seq = p.ack_value();
                if let (true, Some(a)) = (last, out.awaited) {
                    if self.awaited_v2.len() >= MAX_AWAITED {
                        self.awaited_v2.pop_front();
                    }
                    self.awaited_v2.push_back((self.seq, a));
                }
                (P2pPayload::V2(p), last)
            }
        };
        if !last {
            let queue = if from_control {
                &mut self.control
            } else {
                &mut self.streams
            };
            queue.push_front(out);
        }
        Some(payload)
    }

    /// A P2Pv2 packet at the current sequence number; our first one carries SYN|RAK and the
    /// peer-info TLV (after an ACK TLV, p2p.md §4.6).
    fn packet(&mut self, mut tlvs: Vec<HeaderTlv<'static>>) -> P2pV2Packet<'static> {
        let mut op = op_code::NONE;
        if !self.syn_sent {
            self.syn_sent = true;
            op = op_code::SYN | op_code::RAK;
            tlvs.push(HeaderTlv::PeerInfo(v2::WLM2009_PEER_INFO));
        }
        P2pV2Packet {
            op_code: op,
            sequence: self.seq,
            tlvs,
            data: None,
            footer: 0,
        }
    }
}
