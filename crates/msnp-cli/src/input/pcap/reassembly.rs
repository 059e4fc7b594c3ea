//! One direction of a TCP connection put back in order: segments in, contiguous bytes and gaps out.
//!
//! Positions are kept as 64-bit *stream offsets* (bytes since the first byte after the SYN, or
//! since the first segment seen when the capture starts mid-connection); 32-bit sequence numbers
//! are mapped onto them relative to the next expected byte, so wrap-around needs no special case.
//! Overlapping data keeps what arrived first, as a receiving TCP would.

use std::collections::BTreeMap;

/// What the reassembler hands on, in stream order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// The next contiguous bytes of the stream.
    Data(Vec<u8>),
    /// Bytes that never appeared in the capture: `lost` bytes starting at stream offset `at`.
    Gap {
        /// Stream offset of the first missing byte.
        at: u64,
        /// How many bytes are missing.
        lost: u64,
    },
}

/// Counters of what the reassembler has seen, for statistics and tests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReassemblyStats {
    /// Segments whose every byte had been delivered or buffered already.
    pub retransmissions: u64,
    /// Segments that arrived ahead of the next expected byte.
    pub out_of_order: u64,
    /// Bytes dropped because they overlapped bytes that arrived first.
    pub overlap_bytes: u64,
}

/// Reassembles one direction of one TCP connection.
#[derive(Debug)]
pub struct Reassembler {
    /// Sequence number of the next expected byte (at stream offset `delivered`); `None` before
    /// the SYN or the first segment.
    next_seq: Option<u32>,
    /// Initial sequence number, when a SYN was seen.
    isn: Option<u32>,
    /// Bytes handed on (or declared lost) so far.
    delivered: u64,
    /// Segments ahead of `delivered`, by stream offset; never overlapping one another.
    pending: BTreeMap<u64, Vec<u8>>,
    pending_bytes: usize,
    max_pending: usize,
    /// Stream offset of the FIN (the end of the data), once seen.
    fin_at: Option<u64>,
    /// Stream offset up to which the peer has acknowledged.
    acked_to: u64,
    stats: ReassemblyStats,
}

impl Reassembler {
    /// A reassembler buffering at most `max_pending` bytes of out-of-order data.
    pub fn new(max_pending: usize) -> Self {
        Self {
            next_seq: None,
            isn: None,
            delivered: 0,
            pending: BTreeMap::new(),
            pending_bytes: 0,
            max_pending,
            fin_at: None,
            acked_to: 0,
            stats: ReassemblyStats::default(),
        }
    }

    /// The initial sequence number, when the SYN was seen.
    pub fn isn(&self) -> Option<u32> {
        self.isn
    }

    /// Bytes delivered or declared lost so far.
    pub fn delivered(&self) -> u64 {
        self.delivered
    }

    /// Counters so far.
    #[cfg(test)]
    pub fn stats(&self) -> ReassemblyStats {
        self.stats
    }

    /// Bytes buffered out of order.
    pub fn pending_bytes(&self) -> usize {
        self.pending_bytes
    }

    /// A SYN with sequence number `seq`: data starts at `seq + 1`. A repeated SYN is ignored.
    pub fn syn(&mut self, seq: u32) {
        if self.next_seq.is_none() {
            self.isn = Some(seq);
            self.next_seq = Some(seq.wrapping_add(1));
        }
    }

    /// Stream offset of sequence number `seq` (relative to the next expected byte; segments more
    /// than 2 GiB away from it cannot be told from wrapped ones, as in TCP itself).
    fn offset_of(&self, next: u32, seq: u32) -> i128 {
        i128::from(self.delivered) + i128::from(seq.wrapping_sub(next) as i32)
    }

    /// A segment carrying `data` from sequence number `seq`; a FIN after it when `fin`.
    pub fn segment(&mut self, seq: u32, data: &[u8], fin: bool, out: &mut Vec<Delivery>) {
        let next = *self.next_seq.get_or_insert(seq);
        let start = self.offset_of(next, seq);
        if fin {
            let end = start + data.len() as i128;
            if end >= i128::from(self.delivered) && self.fin_at.is_none() {
                self.fin_at = u64::try_from(end).ok();
            }
        }
        if data.is_empty() {
            return;
        }
        let end = start + data.len() as i128;
        let delivered = i128::from(self.delivered);
        if end <= delivered {
            self.stats.retransmissions += 1;
            return;
        }
        // Drop the part already delivered (keep first).
        let (start, data) = if start < delivered {
            let skip = (delivered - start) as usize; // < data.len() since end > delivered
            self.stats.overlap_bytes += skip as u64;
            (self.delivered, data.get(skip..).unwrap_or_default())
        } else {
            (start as u64, data)
        };
        if start == self.delivered {
            self.deliver(data.to_vec(), out);
            self.drain(out);
        } else {
            self.stats.out_of_order += 1;
            self.buffer(start, data);
            while self.pending_bytes > self.max_pending {
                self.skip_to_first_pending(out);
            }
            self.resolve(out);
        }
    }

    /// The peer acknowledged everything before `ack`. A hole that the peer acknowledged and that
    /// later data has already been buffered beyond will never be filled (the peer had those
    /// bytes; the capture missed them): it is reported as a gap. A hole with nothing after it yet
    /// waits for the next segment, so an acknowledgement captured just before the data it
    /// acknowledges is no gap.
    pub fn acked(&mut self, ack: u32, out: &mut Vec<Delivery>) {
        let Some(next) = self.next_seq else { return };
        let Ok(mut upto) = u64::try_from(self.offset_of(next, ack)) else {
            return;
        };
        if let Some(fin) = self.fin_at {
            upto = upto.min(fin); // the FIN takes one sequence number but carries no byte
        }
        self.acked_to = self.acked_to.max(upto);
        self.resolve(out);
    }

    /// Declares acknowledged holes before buffered data lost.
    fn resolve(&mut self, out: &mut Vec<Delivery>) {
        while self.acked_to > self.delivered {
            match self.pending.first_key_value() {
                Some((&k, _)) if k > self.delivered => {
                    self.gap(k, out);
                    self.drain(out);
                }
                Some(_) => self.drain(out),
                None => break,
            }
        }
    }

    /// The connection is over (FIN, RST or end of capture): everything buffered is handed on,
    /// holes (and missing bytes before a FIN) reported as gaps.
    pub fn finish(&mut self, out: &mut Vec<Delivery>) {
        while !self.pending.is_empty() {
            self.skip_to_first_pending(out);
        }
        if let Some(fin) = self.fin_at
            && fin > self.delivered
        {
            self.gap(fin, out);
        }
    }

    /// Stops waiting for the holes before buffered data: they are reported as gaps and the
    /// buffered data handed on (to free memory when all flows together buffer too much).
    pub fn give_up_waiting(&mut self, out: &mut Vec<Delivery>) {
        while !self.pending.is_empty() {
            self.skip_to_first_pending(out);
        }
    }

    fn deliver(&mut self, data: Vec<u8>, out: &mut Vec<Delivery>) {
        self.delivered += data.len() as u64;
        self.advance_seq(data.len() as u64);
        out.push(Delivery::Data(data));
    }

    fn advance_seq(&mut self, by: u64) {
        if let Some(n) = &mut self.next_seq {
            *n = n.wrapping_add(by as u32);
        }
    }

    fn gap(&mut self, to: u64, out: &mut Vec<Delivery>) {
        let lost = to.saturating_sub(self.delivered);
        if lost == 0 {
            return;
        }
        out.push(Delivery::Gap {
            at: self.delivered,
            lost,
        });
        self.delivered = to;
        self.advance_seq(lost);
    }

    /// Declares the hole before the first buffered segment lost and delivers from there.
    fn skip_to_first_pending(&mut self, out: &mut Vec<Delivery>) {
        if let Some((&k, _)) = self.pending.first_key_value() {
            self.gap(k, out);
            self.drain(out);
        }
    }

    /// Delivers buffered segments that have become contiguous.
    fn drain(&mut self, out: &mut Vec<Delivery>) {
        while let Some(entry) = self.pending.first_entry() {
            let k = *entry.key();
            if k > self.delivered {
                break;
            }
            let data = entry.remove();
            self.pending_bytes -= data.len();
            let skip = (self.delivered - k) as usize;
            if skip < data.len() {
                let rest = data.get(skip..).unwrap_or_default().to_vec();
                self.deliver(rest, out);
            }
        }
    }

    /// Buffers `data` at `start`, keeping bytes already buffered where they overlap.
    fn buffer(&mut self, start: u64, data: &[u8]) {
        let end = start + data.len() as u64;
        // Buffered segments overlapping [start, end): a contiguous run, as they never overlap.
        let mut overlapping: Vec<(u64, u64)> = self
            .pending
            .range(..end)
            .rev()
            .map(|(&k, v)| (k, k + v.len() as u64))
            .take_while(|&(_, e)| e > start)
            .collect();
        overlapping.reverse();
        let mut cursor = start;
        let mut pieces = Vec::new();
        for (k, e) in overlapping {
            if k > cursor {
                pieces.push((cursor, k));
            }
            self.stats.overlap_bytes += e.min(end).saturating_sub(k.max(cursor));
            cursor = cursor.max(e);
        }
        if cursor < end {
            pieces.push((cursor, end));
        }
        if pieces.is_empty() {
            self.stats.retransmissions += 1;
        }
        for (a, b) in pieces {
            let lo = (a - start) as usize;
            let hi = (b - start) as usize;
            if let Some(piece) = data.get(lo..hi) {
                self.pending_bytes += piece.len();
                self.pending.insert(a, piece.to_vec());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn bytes(out: &[Delivery]) -> Vec<u8> {
        out.iter()
            .flat_map(|d| match d {
                Delivery::Data(b) => b.clone(),
                Delivery::Gap { .. } => Vec::new(),
            })
            .collect()
    }

    #[test]
    fn in_order_after_syn() {
        let mut r = Reassembler::new(1 << 16);
        let mut out = Vec::new();
        r.syn(1000);
        r.segment(1001, b"VER 1 ", false, &mut out);
        r.segment(1007, b"MSNP8\r\n", false, &mut out);
        assert_eq!(bytes(&out), b"VER 1 MSNP8\r\n");
        assert_eq!(r.isn(), Some(1000));
        assert_eq!(r.delivered(), 13);
    }

    #[test]
    fn out_of_order_is_held_until_the_hole_fills() {
        let mut r = Reassembler::new(1 << 16);
        let mut out = Vec::new();
        r.syn(0);
        r.segment(5, b"world", false, &mut out);
        assert!(out.is_empty());
        assert_eq!(r.pending_bytes(), 5);
        r.segment(1, b"hell", false, &mut out);
        assert_eq!(bytes(&out), b"hellworld");
        assert_eq!(r.pending_bytes(), 0);
        assert_eq!(r.stats().out_of_order, 1);
    }

    #[test]
    fn retransmission_and_overlap_keep_first() {
        let mut r = Reassembler::new(1 << 16);
        let mut out = Vec::new();
        r.syn(10);
        r.segment(11, b"abcd", false, &mut out);
        r.segment(11, b"abcd", false, &mut out); // retransmitted
        r.segment(13, b"XXef", false, &mut out); // overlaps "cd"
        assert_eq!(bytes(&out), b"abcdef");
        assert_eq!(r.stats().retransmissions, 1);
        assert_eq!(r.stats().overlap_bytes, 2);
        // Overlap inside the out-of-order buffer also keeps the first bytes.
        r.segment(20, b"12", false, &mut out);
        r.segment(19, b"Y999", false, &mut out);
        r.segment(17, b"gh", false, &mut out);
        assert_eq!(bytes(&out), b"abcdefghY129");
    }

    #[test]
    fn sequence_numbers_wrap() {
        let mut r = Reassembler::new(1 << 16);
        let mut out = Vec::new();
        r.syn(u32::MAX - 2);
        r.segment(u32::MAX - 1, b"ab", false, &mut out);
        r.segment(2, b"ef", false, &mut out); // ahead, past the wrap
        r.segment(0, b"cd", false, &mut out);
        assert_eq!(bytes(&out), b"abcdef");
        assert_eq!(r.delivered(), 6);
    }

    #[test]
    fn ack_past_a_hole_reports_the_gap() {
        let mut r = Reassembler::new(1 << 16);
        let mut out = Vec::new();
        r.syn(0);
        r.segment(1, b"one\r\n", false, &mut out);
        r.segment(11, b"three", false, &mut out);
        r.acked(16, &mut out);
        assert_eq!(
            out,
            vec![
                Delivery::Data(b"one\r\n".to_vec()),
                Delivery::Gap { at: 5, lost: 5 },
                Delivery::Data(b"three".to_vec()),
            ]
        );
        // A hole at the end, acknowledged: reported once data after it arrives.
        out.clear();
        r.acked(20, &mut out);
        assert!(out.is_empty());
        r.segment(20, b"x", false, &mut out);
        assert_eq!(
            out,
            vec![
                Delivery::Gap { at: 15, lost: 4 },
                Delivery::Data(b"x".to_vec())
            ]
        );
    }

    #[test]
    fn ack_captured_before_its_data_is_no_gap() {
        let mut r = Reassembler::new(1 << 16);
        let mut out = Vec::new();
        r.syn(0);
        r.acked(6, &mut out);
        r.segment(1, b"hello", false, &mut out);
        r.segment(6, b"!", false, &mut out);
        assert_eq!(bytes(&out), b"hello!");
        assert!(out.iter().all(|d| matches!(d, Delivery::Data(_))));
    }

    #[test]
    fn buffer_limit_forces_a_gap() {
        let mut r = Reassembler::new(8);
        let mut out = Vec::new();
        r.syn(0);
        r.segment(11, b"12345", false, &mut out);
        assert!(out.is_empty());
        r.segment(16, b"6789", false, &mut out);
        assert_eq!(
            out,
            vec![
                Delivery::Gap { at: 0, lost: 10 },
                Delivery::Data(b"12345".to_vec()),
                Delivery::Data(b"6789".to_vec()),
            ]
        );
    }

    #[test]
    fn finish_reports_holes_and_missing_tail() {
        let mut r = Reassembler::new(1 << 16);
        let mut out = Vec::new();
        r.syn(0);
        r.segment(1, b"ab", false, &mut out);
        r.segment(5, b"ef", false, &mut out);
        r.segment(9, b"", true, &mut out); // FIN after byte 8; "gh" never captured
        r.finish(&mut out);
        assert_eq!(
            out,
            vec![
                Delivery::Data(b"ab".to_vec()),
                Delivery::Gap { at: 2, lost: 2 },
                Delivery::Data(b"ef".to_vec()),
                Delivery::Gap { at: 6, lost: 2 },
            ]
        );
    }

    proptest! {
        /// Any split of a stream into segments, delivered in any order with duplicates,
        /// reassembles to the stream, whatever the initial sequence number.
        #[test]
        fn any_order_reassembles(
            data in proptest::collection::vec(any::<u8>(), 1..400),
            cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..20),
            order in any::<u64>(),
            isn in any::<u32>(),
            dups in proptest::collection::vec(any::<prop::sample::Index>(), 0..5),
        ) {
            let mut points: Vec<usize> = cuts.iter().map(|i| i.index(data.len())).collect();
            points.push(0);
            points.push(data.len());
            points.sort();
            points.dedup();
            let mut segs: Vec<(usize, usize)> = points.windows(2).map(|w| (w[0], w[1])).collect();
            for d in &dups {
                let s = segs[d.index(segs.len())];
                segs.push(s);
            }
            // Deterministic shuffle from `order`.
            let mut state = order | 1;
            for i in (1..segs.len()).rev() {
                state ^= state << 13; state ^= state >> 7; state ^= state << 17;
                segs.swap(i, (state % (i as u64 + 1)) as usize);
            }
            let mut r = Reassembler::new(1 << 20);
            let mut out = Vec::new();
            r.syn(isn);
            for (a, b) in segs {
                r.segment(isn.wrapping_add(1).wrapping_add(a as u32), &data[a..b], false, &mut out);
            }
            r.finish(&mut out);
            prop_assert!(out.iter().all(|d| matches!(d, Delivery::Data(_))));
            prop_assert_eq!(bytes(&out), data);
        }
    }
}
