//! From a captured frame to a TCP segment: link layer (Ethernet, Linux cooked v1/v2, raw IP,
//! BSD loopback), IPv4 or IPv6, TCP. Everything else is not an error, just not ours.

use std::net::{IpAddr, SocketAddr};

use etherparse::{EtherType, IpNumber, LaxNetSlice, LaxSlicedPacket, TransportSlice};
use pcap_parser::Linktype;

/// A TCP segment: endpoints, header fields that matter for reassembly, and its payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment<'a> {
    /// Sender.
    pub src: SocketAddr,
    /// Receiver.
    pub dst: SocketAddr,
    /// Sequence number of the first payload byte (of the SYN itself when `syn`).
    pub seq: u32,
    /// Acknowledgement number, when the ACK flag is set.
    pub ack: Option<u32>,
    /// SYN flag.
    pub syn: bool,
    /// FIN flag.
    pub fin: bool,
    /// RST flag.
    pub rst: bool,
    /// TCP payload.
    pub payload: &'a [u8],
}

/// A frame that claims to carry IP but does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PacketError {
    /// A pcapng packet of an interface that no interface description block declared.
    #[error("packet of an undeclared pcapng interface")]
    UndeclaredInterface,
    /// The link type is not one this reader understands.
    #[error("unsupported link type {0}")]
    UnsupportedLink(i32),
    /// The headers do not parse (often a frame cut short by the snapshot length).
    #[error("undecodable packet: {0}")]
    Malformed(String),
}

/// Extracts the TCP segment of a frame; `Ok(None)` for anything that is not TCP over IP
/// (ARP, UDP, IP fragments, other EtherTypes). A frame cut short by the snapshot length gives
/// the payload bytes that were captured (the reassembler sees the rest as a gap). Checksums are
/// not verified: captures taken on the sending host carry unfinished (offloaded) checksums.
pub fn tcp_segment(link: Linktype, data: &[u8]) -> Result<Option<Segment<'_>>, PacketError> {
    let malformed = |e: &dyn std::fmt::Display| PacketError::Malformed(e.to_string());
    let sliced = match link {
        Linktype::ETHERNET => LaxSlicedPacket::from_ethernet(data).map_err(|e| malformed(&e))?,
        Linktype::LINUX_SLL => {
            // 16-byte header ending with the EtherType of the payload.
            let (Some(proto), Some(rest)) = (data.get(14..16), data.get(16..)) else {
                return Err(PacketError::Malformed("short Linux cooked header".into()));
            };
            LaxSlicedPacket::from_ether_type(
                EtherType(u16::from_be_bytes([proto[0], proto[1]])),
                rest,
            )
        }
        Linktype::LINUX_SLL2 => {
            // 20-byte header starting with the EtherType of the payload.
            let (Some(proto), Some(rest)) = (data.get(..2), data.get(20..)) else {
                return Err(PacketError::Malformed(
                    "short Linux cooked v2 header".into(),
                ));
            };
            LaxSlicedPacket::from_ether_type(
                EtherType(u16::from_be_bytes([proto[0], proto[1]])),
                rest,
            )
        }
        Linktype::RAW | Linktype::IPV4 | Linktype::IPV6 => {
            LaxSlicedPacket::from_ip(data).map_err(|e| malformed(&e))?
        }
        Linktype::NULL | Linktype::LOOP => {
            // A 4-byte address family in either byte order, then the IP packet.
            let Some(rest) = data.get(4..) else {
                return Err(PacketError::Malformed("short loopback header".into()));
            };
            LaxSlicedPacket::from_ip(rest).map_err(|e| malformed(&e))?
        }
        super::capture::UNDECLARED_INTERFACE => return Err(PacketError::UndeclaredInterface),
        Linktype(other) => return Err(PacketError::UnsupportedLink(other)),
    };
    let (src_ip, dst_ip, fragmented, tcp): (IpAddr, IpAddr, bool, bool) = match &sliced.net {
        Some(LaxNetSlice::Ipv4(v4)) => (
            v4.header().source_addr().into(),
            v4.header().destination_addr().into(),
            v4.is_payload_fragmented(),
            v4.payload().ip_number == IpNumber::TCP,
        ),
        Some(LaxNetSlice::Ipv6(v6)) => (
            v6.header().source_addr().into(),
            v6.header().destination_addr().into(),
            v6.is_payload_fragmented(),
            v6.payload().ip_number == IpNumber::TCP,
        ),
        _ => return Ok(None),
    };
    if fragmented {
        return Ok(None);
    }
    let Some(TransportSlice::Tcp(tcp_slice)) = &sliced.transport else {
        return match &sliced.stop_err {
            Some((e, _)) if tcp => Err(malformed(e)),
            _ => Ok(None),
        };
    };
    let tcp = tcp_slice;
    Ok(Some(Segment {
        src: SocketAddr::new(src_ip, tcp.source_port()),
        dst: SocketAddr::new(dst_ip, tcp.destination_port()),
        seq: tcp.sequence_number(),
        ack: tcp.ack().then(|| tcp.acknowledgment_number()),
        syn: tcp.syn(),
        fin: tcp.fin(),
        rst: tcp.rst(),
        payload: tcp.payload(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use etherparse::PacketBuilder;

    fn tcp_v4(payload: &[u8]) -> Vec<u8> {
        let b = PacketBuilder::ethernet2([1; 6], [2; 6])
            .ipv4([10, 0, 0, 1], [10, 0, 0, 2], 64)
            .tcp(50000, 1863, 7, 1000)
            .ack(99)
            .psh();
        let mut v = Vec::new();
        b.write(&mut v, payload).unwrap();
        v
    }

    #[test]
    fn ethernet_ipv4_tcp() {
        let frame = tcp_v4(b"VER 1 MSNP8 CVR0\r\n");
        let s = tcp_segment(Linktype::ETHERNET, &frame).unwrap().unwrap();
        assert_eq!(s.src, "10.0.0.1:50000".parse().unwrap());
        assert_eq!(s.dst, "10.0.0.2:1863".parse().unwrap());
        assert_eq!((s.seq, s.ack, s.syn, s.fin), (7, Some(99), false, false));
        assert_eq!(s.payload, b"VER 1 MSNP8 CVR0\r\n");
    }

    #[test]
    fn raw_ipv6_and_loopback() {
        let b = PacketBuilder::ipv6([1; 16], [2; 16], 64)
            .tcp(1863, 40000, 5, 100)
            .syn();
        let mut v = Vec::new();
        b.write(&mut v, b"").unwrap();
        let s = tcp_segment(Linktype::RAW, &v).unwrap().unwrap();
        assert!(s.syn && s.ack.is_none() && s.payload.is_empty());
        assert_eq!(s.src.port(), 1863);
        let mut lo = vec![2, 0, 0, 0];
        lo.extend_from_slice(&v);
        assert_eq!(tcp_segment(Linktype::NULL, &lo).unwrap(), Some(s));
    }

    #[test]
    fn not_tcp_and_bad_frames() {
        let b = PacketBuilder::ethernet2([1; 6], [2; 6])
            .ipv4([10, 0, 0, 1], [10, 0, 0, 2], 64)
            .udp(53, 53);
        let mut v = Vec::new();
        b.write(&mut v, b"x").unwrap();
        assert_eq!(tcp_segment(Linktype::ETHERNET, &v).unwrap(), None);
        let frame = tcp_v4(b"hello");
        // Cut inside the TCP header: malformed; inside the payload: what was captured.
        assert!(matches!(
            tcp_segment(Linktype::ETHERNET, &frame[..40]),
            Err(PacketError::Malformed(_))
        ));
        let cut = tcp_segment(Linktype::ETHERNET, &frame[..frame.len() - 2])
            .unwrap()
            .unwrap();
        assert_eq!(cut.payload, b"hel");
        // Ethernet padding after the IP packet is not payload.
        let mut padded = tcp_v4(b"");
        padded.resize(60, 0);
        assert_eq!(
            tcp_segment(Linktype::ETHERNET, &padded)
                .unwrap()
                .unwrap()
                .payload,
            b""
        );
        // Linux cooked v1.
        let mut sll = vec![0, 4, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x08, 0x00];
        sll.extend_from_slice(&frame[14..]);
        assert_eq!(
            tcp_segment(Linktype::LINUX_SLL, &sll)
                .unwrap()
                .unwrap()
                .payload,
            b"hello"
        );
        assert!(tcp_segment(Linktype::LINUX_SLL, &sll[..10]).is_err());
        assert_eq!(
            tcp_segment(Linktype(147), &frame),
            Err(PacketError::UnsupportedLink(147))
        );
        assert!(tcp_segment(Linktype::LINUX_SLL2, &[0; 3]).is_err());
        assert_eq!(
            tcp_segment(super::super::capture::UNDECLARED_INTERFACE, &frame),
            Err(PacketError::UndeclaredInterface)
        );
    }
}
