//! A test-only capture writer: turns the shared transcripts into synthetic TCP flows (handshake,
//! segments of varied sizes, acknowledgements, FIN) and writes them as pcap or pcapng, with
//! optional damage (reordering, retransmissions, overlaps, lost segments).

#![allow(dead_code, unreachable_pub)]

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use etherparse::PacketBuilder;
use msnp_proto::negotiation::DialectTracker;
use msnp_proto::stream::{TranscriptItem, TranscriptStream};
use msnp_proto::{Direction, ProtocolVersion};

/// Link-layer framing of the written frames.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Link {
    Ethernet,
    /// Linux cooked capture v1.
    Sll,
    /// Raw IP (no link header).
    Raw,
}

impl Link {
    fn linktype(self) -> u32 {
        match self {
            Self::Ethernet => 1,
            Self::Sll => 113,
            Self::Raw => 101,
        }
    }
}

/// Container format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Pcap { big_endian: bool, nanos: bool },
    PcapNg { big_endian: bool },
}

/// What to do to the segments of the capture.
#[derive(Clone, Debug, Default)]
pub struct Damage {
    /// Swap every n-th segment with the next one of the same direction (capture reordering).
    pub reorder_every: Option<usize>,
    /// Send every n-th segment a second time, after the next one.
    pub retransmit_every: Option<usize>,
    /// Every n-th segment also re-sends the last 3 bytes before it (an overlapping segment).
    pub overlap_every: Option<usize>,
    /// Leave these (global) segment numbers out of the capture; the peer still acknowledges them.
    pub lose: Vec<usize>,
    /// No handshake: the capture starts mid-connection.
    pub no_handshake: bool,
    /// Initial sequence numbers near 2^32, so that they wrap.
    pub wrap_seq: bool,
    /// Use IPv6 addresses.
    pub ipv6: bool,
    /// Server port (1863 by default).
    pub server_port: Option<u16>,
    /// Split commands into one segment each (no further cutting).
    pub whole_commands: bool,
    /// Cut every segment to this size (a bulk transfer at the MSS) instead of the varied sizes.
    pub segment_size: Option<usize>,
}

/// One captured frame.
#[derive(Clone, Debug)]
pub struct Packet {
    pub ts_nanos: u64,
    pub frame: Vec<u8>,
}

#[derive(Debug)]
struct Conn {
    id: u32,
    client_port: u16,
    /// Next sequence number of [client, server].
    seq: [u32; 2],
    open: bool,
    /// Every byte of each direction so far, in stream order.
    sent: [Vec<u8>; 2],
}

/// Everything a transcript sent, in order: (connection, direction, wire bytes).
pub fn transcript_commands(text: &str) -> Vec<(u32, Direction, Vec<u8>)> {
    TranscriptStream::new(text, DialectTracker::new(ProtocolVersion::Msnp8))
        .filter_map(|item| match item {
            TranscriptItem::Command(c) => Some((
                c.connection.unwrap_or(0),
                c.direction.expect("directed"),
                c.command.frame().to_vec(),
            )),
            TranscriptItem::Connection { .. } => None,
            TranscriptItem::Error { error, .. } => panic!("transcript reads: {error}"),
        })
        .collect()
}

/// Builds the frames of a capture of `commands`.
pub fn build(commands: &[(u32, Direction, Vec<u8>)], link: Link, damage: &Damage) -> Vec<Packet> {
    let mut b = Builder {
        link,
        damage: damage.clone(),
        conns: Vec::new(),
        packets: Vec::new(),
        t: 1_100_000_000_000_000_000,
        segment_no: 0,
        held: None,
    };
    for (conn, dir, bytes) in commands {
        b.send(*conn, *dir, bytes);
    }
    b.flush_held();
    let ids: Vec<u32> = b.conns.iter().map(|c| c.id).collect();
    for id in ids {
        b.close(id);
    }
    b.packets
}

struct Builder {
    link: Link,
    damage: Damage,
    conns: Vec<Conn>,
    packets: Vec<Packet>,
    t: u64,
    segment_no: usize,
    /// A segment held back to be sent after the next one (reordering), with its direction.
    held: Option<(u32, usize, Vec<u8>)>,
}

const SIZES: [usize; 6] = [1, 7, 64, 1460, 13, 300];

impl Builder {
    fn addrs(&self, id: u32) -> (IpAddr, IpAddr) {
        if self.damage.ipv6 {
            let mut c = [0u16; 8];
            c[0] = 0x2001;
            c[1] = 0xdb8;
            c[7] = 2;
            let mut s = c;
            s[7] = 0x100 + id as u16;
            (IpAddr::V6(Ipv6Addr::from(c)), IpAddr::V6(Ipv6Addr::from(s)))
        } else {
            (
                IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)),
                IpAddr::V4(Ipv4Addr::new(198, 51, 100, id as u8)),
            )
        }
    }

    fn conn(&mut self, id: u32) -> usize {
        if let Some(i) = self.conns.iter().position(|c| c.id == id) {
            return i;
        }
        let base = if self.damage.wrap_seq {
            u32::MAX - 40 - id * 7
        } else {
            1000 * id
        };
        self.conns.push(Conn {
            id,
            client_port: 50000 + id as u16,
            seq: [base, base.wrapping_add(1_000_000_000)],
            open: false,
            sent: [Vec::new(), Vec::new()],
        });
        let i = self.conns.len() - 1;
        if !self.damage.no_handshake {
            let [c, s] = self.conns[i].seq;
            self.emit(i, 0, c, None, Flags::SYN, b"");
            self.emit(i, 1, s, Some(c.wrapping_add(1)), Flags::SYN, b"");
            self.emit(
                i,
                0,
                c.wrapping_add(1),
                Some(s.wrapping_add(1)),
                Flags::NONE,
                b"",
            );
        }
        self.conns[i].seq = [
            self.conns[i].seq[0].wrapping_add(1),
            self.conns[i].seq[1].wrapping_add(1),
        ];
        self.conns[i].open = true;
        i
    }

    fn send(&mut self, id: u32, dir: Direction, bytes: &[u8]) {
        let i = self.conn(id);
        let side = usize::from(dir == Direction::ServerToClient);
        let mut at = 0;
        while at < bytes.len() {
            let size = if self.damage.whole_commands {
                bytes.len()
            } else if let Some(n) = self.damage.segment_size.filter(|&n| n > 0) {
                n
            } else {
                SIZES[self.segment_no % SIZES.len()]
            };
            let end = (at + size).min(bytes.len());
            let seg = bytes[at..end].to_vec();
            self.segment(i, side, seg);
            at = end;
        }
    }

    fn every(n: Option<usize>, k: usize) -> bool {
        n.is_some_and(|n| n > 0 && k % n == n - 1)
    }

    /// Sends one data segment (with any damage asked for).
    fn segment(&mut self, i: usize, side: usize, data: Vec<u8>) {
        let k = self.segment_no;
        self.segment_no += 1;
        let id = self.conns[i].id;
        // A held segment goes out right after the next one of the same connection direction.
        if let Some((hid, hside, _)) = &self.held
            && (*hid != id || *hside != side)
        {
            self.flush_held();
        }
        let seq = self.conns[i].seq[side];
        self.conns[i].seq[side] = seq.wrapping_add(data.len() as u32);
        let log = &mut self.conns[i].sent[side];
        let tail = log[log.len().saturating_sub(3)..].to_vec();
        log.extend_from_slice(&data);
        if self.damage.lose.contains(&k) {
            return;
        }
        if Self::every(self.damage.reorder_every, k) && self.held.is_none() {
            self.held = Some((id, side, data));
            return;
        }
        let ack = Some(self.conns[i].seq[1 - side]);
        if Self::every(self.damage.overlap_every, k) && !tail.is_empty() {
            let mut both = tail.clone();
            both.extend_from_slice(&data);
            self.emit(
                i,
                side,
                seq.wrapping_sub(tail.len() as u32),
                ack,
                Flags::NONE,
                &both,
            );
        } else {
            self.emit(i, side, seq, ack, Flags::NONE, &data);
        }
        if let Some((_, _, held)) = self.held.take() {
            let hseq = seq.wrapping_sub(held.len() as u32);
            self.emit(i, side, hseq, ack, Flags::NONE, &held);
        }
        if Self::every(self.damage.retransmit_every, k) {
            self.emit(i, side, seq, ack, Flags::NONE, &data);
        }
    }

    fn flush_held(&mut self) {
        if let Some((id, side, data)) = self.held.take() {
            let i = self.conns.iter().position(|c| c.id == id).unwrap();
            let seq = self.conns[i].seq[side].wrapping_sub(data.len() as u32);
            let ack = Some(self.conns[i].seq[1 - side]);
            self.emit(i, side, seq, ack, Flags::NONE, &data);
        }
    }

    fn close(&mut self, id: u32) {
        let i = self.conn(id);
        if !self.conns[i].open {
            return;
        }
        let [c, s] = self.conns[i].seq;
        self.emit(i, 0, c, Some(s), Flags::FIN, b"");
        self.emit(i, 1, s, Some(c.wrapping_add(1)), Flags::FIN, b"");
        self.emit(
            i,
            0,
            c.wrapping_add(1),
            Some(s.wrapping_add(1)),
            Flags::NONE,
            b"",
        );
        self.conns[i].open = false;
    }

    fn emit(
        &mut self,
        i: usize,
        side: usize,
        seq: u32,
        ack: Option<u32>,
        flags: Flags,
        data: &[u8],
    ) {
        let c = &self.conns[i];
        let (cip, sip) = self.addrs(c.id);
        let sport = self.damage.server_port.unwrap_or(1863);
        let (src, dst, sp, dp) = if side == 0 {
            (cip, sip, c.client_port, sport)
        } else {
            (sip, cip, sport, c.client_port)
        };
        let ip = match (src, dst) {
            (IpAddr::V4(a), IpAddr::V4(b)) => PacketBuilder::ipv4(a.octets(), b.octets(), 64),
            (IpAddr::V6(a), IpAddr::V6(b)) => PacketBuilder::ipv6(a.octets(), b.octets(), 64),
            _ => unreachable!(),
        };
        let mut tcp = ip.tcp(sp, dp, seq, 65535);
        if flags.syn {
            tcp = tcp.syn();
        }
        if flags.fin {
            tcp = tcp.fin();
        }
        if let Some(a) = ack {
            tcp = tcp.ack(a);
        }
        if !data.is_empty() {
            tcp = tcp.psh();
        }
        let mut packet = Vec::new();
        tcp.write(&mut packet, data).unwrap();
        let v6 = matches!(src, IpAddr::V6(_));
        let ether_type: [u8; 2] = if v6 { [0x86, 0xdd] } else { [0x08, 0x00] };
        let mut frame = Vec::new();
        match self.link {
            Link::Ethernet => {
                frame.extend_from_slice(&[2, 0, 0, 0, 0, 1 + side as u8]);
                frame.extend_from_slice(&[2, 0, 0, 0, 0, 2 - side as u8]);
                frame.extend_from_slice(&ether_type);
            }
            Link::Sll => {
                let packet_type: u16 = if side == 0 { 4 } else { 0 };
                frame.extend_from_slice(&packet_type.to_be_bytes());
                frame.extend_from_slice(&1u16.to_be_bytes());
                frame.extend_from_slice(&6u16.to_be_bytes());
                frame.extend_from_slice(&[2, 0, 0, 0, 0, 1 + side as u8, 0, 0]);
                frame.extend_from_slice(&ether_type);
            }
            Link::Raw => {}
        }
        frame.extend_from_slice(&packet);
        if self.link == Link::Ethernet && frame.len() < 60 {
            // Short Ethernet frames are padded to the minimum size.
            frame.resize(60, 0);
        }
        self.t += 1_234_567;
        self.packets.push(Packet {
            ts_nanos: self.t,
            frame,
        });
    }
}

#[derive(Clone, Copy)]
struct Flags {
    syn: bool,
    fin: bool,
}

impl Flags {
    const NONE: Self = Self {
        syn: false,
        fin: false,
    };
    const SYN: Self = Self {
        syn: true,
        fin: false,
    };
    const FIN: Self = Self {
        syn: false,
        fin: true,
    };
}

/// Writes frames as a capture.
pub fn write(packets: &[Packet], link: Link, format: Format) -> Vec<u8> {
    match format {
        Format::Pcap { big_endian, nanos } => write_pcap(packets, link, big_endian, nanos),
        Format::PcapNg { big_endian } => write_pcapng(packets, link, big_endian),
    }
}

fn put_u16(v: &mut Vec<u8>, x: u16, be: bool) {
    v.extend_from_slice(&if be { x.to_be_bytes() } else { x.to_le_bytes() });
}

fn put_u32(v: &mut Vec<u8>, x: u32, be: bool) {
    v.extend_from_slice(&if be { x.to_be_bytes() } else { x.to_le_bytes() });
}

fn write_pcap(packets: &[Packet], link: Link, be: bool, nanos: bool) -> Vec<u8> {
    let mut v = Vec::new();
    put_u32(&mut v, if nanos { 0xa1b2_3c4d } else { 0xa1b2_c3d4 }, be);
    put_u16(&mut v, 2, be);
    put_u16(&mut v, 4, be);
    put_u32(&mut v, 0, be);
    put_u32(&mut v, 0, be);
    put_u32(&mut v, 65535, be);
    put_u32(&mut v, link.linktype(), be);
    for p in packets {
        let secs = (p.ts_nanos / 1_000_000_000) as u32;
        let frac = p.ts_nanos % 1_000_000_000;
        put_u32(&mut v, secs, be);
        put_u32(&mut v, if nanos { frac } else { frac / 1000 } as u32, be);
        put_u32(&mut v, p.frame.len() as u32, be);
        put_u32(&mut v, p.frame.len() as u32, be);
        v.extend_from_slice(&p.frame);
    }
    v
}

fn block(v: &mut Vec<u8>, kind: u32, body: &[u8], be: bool) {
    let padded = body.len().div_ceil(4) * 4;
    let len = (12 + padded) as u32;
    put_u32(v, kind, be);
    put_u32(v, len, be);
    v.extend_from_slice(body);
    v.resize(v.len() + padded - body.len(), 0);
    put_u32(v, len, be);
}

fn write_pcapng(packets: &[Packet], link: Link, be: bool) -> Vec<u8> {
    let mut v = Vec::new();
    // Section header: byte-order magic, version 1.0, unknown section length.
    let mut shb = Vec::new();
    put_u32(&mut shb, 0x1a2b_3c4d, be);
    put_u16(&mut shb, 1, be);
    put_u16(&mut shb, 0, be);
    shb.extend_from_slice(&u64::MAX.to_le_bytes());
    block(&mut v, 0x0a0d_0d0a, &shb, be);
    // Interface: link type, snaplen, if_tsresol = 9 (nanoseconds), end of options.
    let mut idb = Vec::new();
    put_u16(&mut idb, link.linktype() as u16, be);
    put_u16(&mut idb, 0, be);
    put_u32(&mut idb, 65535, be);
    put_u16(&mut idb, 9, be);
    put_u16(&mut idb, 1, be);
    idb.extend_from_slice(&[9, 0, 0, 0]);
    put_u16(&mut idb, 0, be);
    put_u16(&mut idb, 0, be);
    block(&mut v, 1, &idb, be);
    for p in packets {
        let mut epb = Vec::new();
        put_u32(&mut epb, 0, be);
        put_u32(&mut epb, (p.ts_nanos >> 32) as u32, be);
        put_u32(&mut epb, p.ts_nanos as u32, be);
        put_u32(&mut epb, p.frame.len() as u32, be);
        put_u32(&mut epb, p.frame.len() as u32, be);
        epb.extend_from_slice(&p.frame);
        block(&mut v, 6, &epb, be);
    }
    v
}

/// Builds one TCP connection to the gateway's port 80 carrying `client` bytes and no answer:
/// HTTP requests left waiting, for the limits of a gateway connection.
pub fn build_unanswered_http(client: &[u8], link: Link) -> Vec<Packet> {
    let mut b = Builder {
        link,
        damage: Damage {
            server_port: Some(80),
            ..Damage::default()
        },
        conns: Vec::new(),
        packets: Vec::new(),
        t: 1_100_000_000_000_000_000,
        segment_no: 0,
        held: None,
    };
    b.send(1, Direction::ClientToServer, client);
    b.flush_held();
    b.close(1);
    b.packets
}

/// How gateway sessions are spread over TCP connections.
#[derive(Clone, Copy, Debug, Default)]
pub struct Gateway {
    /// Open a new TCP connection after this many requests of a session.
    pub reconnect_every: Option<usize>,
    /// All sessions share one TCP connection.
    pub shared: bool,
}

/// Builds the frames of the same session tunnelled through the HTTP gateway (port 80): each
/// transcript connection is a gateway session; client commands travel in POST bodies, server
/// commands in the responses to polls.
pub fn build_gateway(
    commands: &[(u32, Direction, Vec<u8>)],
    link: Link,
    gateway: Gateway,
    damage: &Damage,
) -> Vec<Packet> {
    let mut b = Builder {
        link,
        damage: Damage {
            server_port: Some(80),
            ..damage.clone()
        },
        conns: Vec::new(),
        packets: Vec::new(),
        t: 1_100_000_000_000_000_000,
        segment_no: 0,
        held: None,
    };
    // Per session: (TCP connection id, requests on it, reconnections).
    let mut sessions: std::collections::HashMap<u32, (u32, usize, u32)> = Default::default();
    for (conn, dir, bytes) in commands {
        let sid = format!("{}.{}", 7000 + conn, conn * 31);
        let opened = sessions.contains_key(conn);
        let entry = sessions.entry(*conn).or_insert((0, 0, 0));
        if gateway.reconnect_every.is_some_and(|k| entry.1 >= k) {
            b.flush_held();
            b.close(entry.0);
            entry.2 += 1;
            entry.1 = 0;
        }
        entry.0 = if gateway.shared {
            1
        } else {
            conn * 1000 + entry.2
        };
        entry.1 += 1;
        let tcp = entry.0;
        let (target, req_body, resp_body): (String, &[u8], &[u8]) = match (opened, dir) {
            (false, Direction::ClientToServer) => (
                "Action=open&Server=NS&IP=messenger.hotmail.com".into(),
                bytes,
                b"",
            ),
            (false, Direction::ServerToClient) => {
                // Open with an empty request; the first server command comes in its answer.
                (
                    "Action=open&Server=NS&IP=messenger.hotmail.com".into(),
                    b"",
                    bytes,
                )
            }
            (true, Direction::ClientToServer) => (format!("SessionID={sid}"), bytes, b""),
            (true, Direction::ServerToClient) => {
                (format!("Action=poll&SessionID={sid}"), b"", bytes)
            }
        };
        let mut req = format!(
            "POST /gateway/gateway.dll?{target} HTTP/1.1\r\nHost: gateway.messenger.hotmail.com\r\n\
             Content-Type: application/x-msn-messenger\r\nContent-Length: {}\r\n\r\n",
            req_body.len()
        )
        .into_bytes();
        req.extend_from_slice(req_body);
        let mut resp = format!(
            "HTTP/1.1 200 OK\r\nX-MSN-Messenger: SessionID={sid}; GW-IP=207.46.110.17\r\n\
             Content-Type: application/x-msn-messenger\r\nContent-Length: {}\r\n\r\n",
            resp_body.len()
        )
        .into_bytes();
        resp.extend_from_slice(resp_body);
        b.send(tcp, Direction::ClientToServer, &req);
        b.send(tcp, Direction::ServerToClient, &resp);
    }
    b.flush_held();
    let ids: Vec<u32> = b.conns.iter().map(|c| c.id).collect();
    for id in ids {
        b.close(id);
    }
    b.packets
}
