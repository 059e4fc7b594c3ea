//! Reassembly of chunked P2P messages (p2p.md §3.4, §4.7, §11.2 items 3–9).
//!
//! Chunks are keyed by SessionID and message identifier (P2Pv1 `Identifier`, P2Pv2
//! `PackageNumber`), may arrive in any order, repeat, or overlap (the overlapping bytes must
//! agree). Every limit of [`P2pLimits`] is checked **before** a byte is stored; an offset or
//! size that does not add up is a [`ReassemblyError`], never a panic or an allocation sized by
//! the peer. Memory is bounded by about twice [`P2pLimits::max_buffered_bytes`] (buffers grow
//! geometrically but never past their message) plus a fixed cost per range.
//!
//! SLP messages, data preparations and MSNObjects are handed out whole
//! ([`Progress::Completed`]); file data is streamed in order ([`Progress::FileData`]) and
//! never buffered whole.
//!
//! ```
//! use msnp_proto::p2p::reassembly::{Reassembler, P2pLimits, Progress, MessageKind};
//! use msnp_proto::p2p::v1::{self, P2pHeader};
//! let object: Vec<u8> = (0..3000u32).map(|i| i as u8).collect();
//! let template = P2pHeader { session_id: 7, identifier: 100, flags: v1::flags::MSNOBJ_DATA, ..Default::default() };
//! let mut chunks: Vec<_> = v1::split(template, &object, 1202, 1).collect();
//! chunks.reverse(); // any order
//! let mut r = Reassembler::new(P2pLimits::default());
//! let mut done = None;
//! for c in &chunks {
//!     if let Progress::Completed(m) = r.push_v1(c).unwrap() { done = Some(m); }
//! }
//! let m = done.unwrap();
//! assert_eq!((m.kind, m.bytes), (MessageKind::MsnObject, object));
//! assert_eq!(r.buffered_bytes(), 0);
//! ```

use std::collections::BTreeMap;

use thiserror::Error;

use super::v1::{Class, P2pMessage};
use super::v2::{P2pV2Packet, Tf, TfKind};

/// The limits of one [`Reassembler`] (one bridge / switchboard peer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct P2pLimits {
    /// Largest payload of one chunk. Default 1664, the switchboard `MSG` limit
    /// (payloads.md §6.1): senders use 1202, Tachyon 2048 against its own server only.
    pub max_chunk_payload: usize,
    /// Largest SLP message. Default 64 KiB (an INVITE with a preview is a few KB).
    pub max_slp_size: u64,
    /// Largest MSNObject. Default 1 MiB; the caller also checks the msnobj `Size`.
    pub max_object_size: u64,
    /// Largest file. Default 4 GiB; file data is streamed, so this bounds no memory.
    pub max_file_size: u64,
    /// Messages being assembled at once. Default 8. A message that arrives whole in one
    /// chunk is never stored, so it passes even when this many are open.
    pub max_open_messages: usize,
    /// Bytes held for all open messages together. Default 2 MiB.
    pub max_buffered_bytes: u64,
    /// Separate byte ranges one message may hold (out-of-order arrival). Default 64.
    pub max_ranges: usize,
}

impl Default for P2pLimits {
    fn default() -> Self {
        Self {
            max_chunk_payload: 1664,
            max_slp_size: 64 * 1024,
            max_object_size: 1 << 20,
            max_file_size: 4 << 30,
            max_open_messages: 8,
            max_buffered_bytes: 2 << 20,
            max_ranges: 64,
        }
    }
}

/// What a message carries, from its flags (v1) or TF byte (v2) and SessionID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum MessageKind {
    /// MSNSLP text (session 0).
    Slp,
    /// Data preparation: exactly 4 bytes on a data session.
    DataPreparation,
    /// MSNObject data.
    MsnObject,
    /// File data (streamed).
    File,
}

/// Identifies one message being assembled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct MessageKey {
    /// SessionID (0 for SLP).
    pub session_id: u32,
    /// P2Pv1 `Identifier` or P2Pv2 `PackageNumber`.
    pub message_id: u32,
}

/// A whole message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completed {
    /// Its key.
    pub key: MessageKey,
    /// Its kind.
    pub kind: MessageKind,
    /// Its bytes (`TotalSize` of them).
    pub bytes: Vec<u8>,
}

/// What a chunk did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// Not message data (ACK, NAK, control packet, handshake, session end, unknown flags):
    /// nothing stored. The caller acts on it from the chunk itself.
    Skipped,
    /// Stored (or a duplicate); the message is not complete yet.
    Buffered,
    /// The message is complete.
    Completed(Completed),
    /// File bytes that now continue the data handed out so far.
    FileData {
        /// The file's key.
        key: MessageKey,
        /// Offset of `bytes` in the file.
        offset: u64,
        /// The bytes.
        bytes: Vec<u8>,
        /// Whether the file is complete with them.
        last: bool,
    },
}

/// Why a chunk was refused. The reassembler's state is unchanged by a refused chunk.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ReassemblyError {
    /// The chunk's payload passes [`P2pLimits::max_chunk_payload`].
    #[error("chunk of {len} bytes exceeds the limit of {max}")]
    ChunkTooLarge {
        /// Payload bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A v1 header whose `MessageLength` differs from the payload it came with.
    #[error("header says {declared} payload bytes, chunk has {present}")]
    LengthMismatch {
        /// `MessageLength`.
        declared: u64,
        /// Payload bytes.
        present: u64,
    },
    /// `offset + length` overflows or passes the message size (CVE-2008-2927).
    #[error("chunk at {offset} of {length} bytes does not fit a message of {total} bytes")]
    ChunkOutsideMessage {
        /// Offset.
        offset: u64,
        /// Length.
        length: u64,
        /// Message size.
        total: u64,
    },
    /// The message size passes the cap of its kind.
    #[error("{kind:?} message of {total} bytes exceeds the limit of {max}")]
    MessageTooLarge {
        /// The kind.
        kind: MessageKind,
        /// Announced size.
        total: u64,
        /// The cap.
        max: u64,
    },
    /// A data preparation whose size is not 4.
    #[error("data preparation of {total} bytes (must be 4)")]
    BadDataPreparation {
        /// Announced size.
        total: u64,
    },
    /// A data chunk with no payload.
    #[error("data chunk without payload")]
    EmptyChunk,
    /// Object or file data on SessionID 0, which is SLP only.
    #[error("data on session 0")]
    DataOnSessionZero,
    /// A v2 TF kind no source uses.
    #[error("unknown TF byte {0:#04x}")]
    UnknownTf(u8),
    /// The size announced by this chunk differs from the message's.
    #[error("message {key:?}: size {now} differs from {was}")]
    TotalSizeChanged {
        /// The message.
        key: MessageKey,
        /// Size of the open message.
        was: u64,
        /// Size in this chunk.
        now: u64,
    },
    /// The chunk's kind differs from the message's.
    #[error("message {key:?}: kind {now:?} differs from {was:?}")]
    KindChanged {
        /// The message.
        key: MessageKey,
        /// Kind of the open message.
        was: MessageKind,
        /// Kind of this chunk.
        now: MessageKind,
    },
    /// A v2 continuation chunk for a message whose first chunk was not seen
    /// (CVE-2009-2694 pattern).
    #[error("continuation chunk for {0:?} without an open message")]
    NoOpenMessage(MessageKey),
    /// A v2 remaining-bytes value that does not fit the message (a size lie).
    #[error("message {key:?}: {remaining} bytes remaining after {length} do not fit {total}")]
    RemainingInconsistent {
        /// The message.
        key: MessageKey,
        /// Remaining TLV (0 when absent).
        remaining: u64,
        /// Payload bytes.
        length: u64,
        /// Message size.
        total: u64,
    },
    /// Opening one more message passes [`P2pLimits::max_open_messages`].
    #[error("more than {max} messages open")]
    TooManyOpenMessages {
        /// The limit.
        max: usize,
    },
    /// Storing the chunk passes [`P2pLimits::max_buffered_bytes`].
    #[error("{buffered} + {incoming} bytes exceed the buffer limit of {max}")]
    BufferFull {
        /// Bytes held now.
        buffered: u64,
        /// New bytes of this chunk.
        incoming: u64,
        /// The limit.
        max: u64,
    },
    /// Storing the chunk splits the message into more than [`P2pLimits::max_ranges`] ranges.
    #[error("message {key:?} would hold more than {max} separate ranges")]
    TooManyRanges {
        /// The message.
        key: MessageKey,
        /// The limit.
        max: usize,
    },
    /// Bytes of an overlapping chunk differ from those already received.
    #[error("message {key:?}: overlapping bytes at {offset} differ")]
    OverlapMismatch {
        /// The message.
        key: MessageKey,
        /// First differing offset.
        offset: u64,
    },
}

/// One stored range.
#[derive(Debug)]
struct Range {
    start: u64,
    data: Vec<u8>,
}

impl Range {
    fn end(&self) -> u64 {
        self.start + self.data.len() as u64
    }
}

/// One message being assembled.
#[derive(Debug)]
struct Assembly {
    kind: MessageKind,
    total: u64,
    /// File bytes already handed out (always 0 for other kinds).
    delivered: u64,
    /// Sorted, disjoint, non-adjacent.
    ranges: Vec<Range>,
}

/// The reassembler of one bridge. Sans-IO: feed chunks, take messages.
#[derive(Debug)]
pub struct Reassembler {
    limits: P2pLimits,
    open: BTreeMap<MessageKey, Assembly>,
    buffered: u64,
}

/// A chunk reduced to what reassembly needs.
struct Chunk<'c> {
    key: MessageKey,
    kind: MessageKind,
    offset: u64,
    total: u64,
    data: &'c [u8],
}

impl Reassembler {
    /// An empty reassembler.
    pub fn new(limits: P2pLimits) -> Self {
        Self {
            limits,
            open: BTreeMap::new(),
            buffered: 0,
        }
    }

    /// The limits.
    pub fn limits(&self) -> &P2pLimits {
        &self.limits
    }

    /// Messages being assembled.
    pub fn open_messages(&self) -> usize {
        self.open.len()
    }

    /// Bytes held for them.
    pub fn buffered_bytes(&self) -> u64 {
        self.buffered
    }

    /// Drops every partial message of `session_id` (BYE, cancel, session error); returns how
    /// many were dropped.
    pub fn drop_session(&mut self, session_id: u32) -> usize {
        let keys: Vec<MessageKey> = self
            .open
            .keys()
            .filter(|k| k.session_id == session_id)
            .copied()
            .collect();
        for k in &keys {
            self.drop_message(*k);
        }
        keys.len()
    }

    /// Drops one partial message; whether it was open.
    pub fn drop_message(&mut self, key: MessageKey) -> bool {
        match self.open.remove(&key) {
            Some(a) => {
                self.buffered -= a.ranges.iter().map(|r| r.data.len() as u64).sum::<u64>();
                true
            }
            None => false,
        }
    }

    /// Feeds a P2Pv1 chunk. ACK, NAK, handshake, session-end and unknown-flag chunks are
    /// [`Progress::Skipped`].
    pub fn push_v1(&mut self, m: &P2pMessage<'_>) -> Result<Progress, ReassemblyError> {
        let h = &m.header;
        let kind = match (h.class(), h.session_id) {
            (Class::Normal, 0) => MessageKind::Slp,
            (Class::Normal, _) => MessageKind::DataPreparation,
            (Class::ObjectData | Class::FileData, 0) => {
                return Err(ReassemblyError::DataOnSessionZero);
            }
            (Class::ObjectData, _) => MessageKind::MsnObject,
            (Class::FileData, _) => MessageKind::File,
            _ => return Ok(Progress::Skipped),
        };
        if u64::from(h.length) != m.data.len() as u64 {
            return Err(ReassemblyError::LengthMismatch {
                declared: u64::from(h.length),
                present: m.data.len() as u64,
            });
        }
        self.push(Chunk {
            key: MessageKey {
                session_id: h.session_id,
                message_id: h.identifier,
            },
            kind,
            offset: h.data_offset,
            total: h.total_size,
            data: &m.data,
        })
    }

    /// Feeds a P2Pv2 packet. Control packets and empty data packets (libpurple's ACK with an
    /// empty data header) are [`Progress::Skipped`]. A continuation chunk needs its message's
    /// first chunk first: only that one says how large the message is.
    pub fn push_v2(&mut self, p: &P2pV2Packet<'_>) -> Result<Progress, ReassemblyError> {
        let Some(d) = &p.data else {
            return Ok(Progress::Skipped);
        };
        if d.payload.is_empty() {
            return Ok(Progress::Skipped);
        }
        let kind = match (d.tf.kind(), d.session_id) {
            (TfKind::Slp, 0) => MessageKind::Slp,
            (TfKind::Slp, _) => MessageKind::DataPreparation,
            (TfKind::MsnObject | TfKind::File, 0) => {
                return Err(ReassemblyError::DataOnSessionZero);
            }
            (TfKind::MsnObject, _) => MessageKind::MsnObject,
            (TfKind::File, _) => MessageKind::File,
            (TfKind::Other(_), _) => return Err(ReassemblyError::UnknownTf(d.tf.0)),
        };
        let key = MessageKey {
            session_id: d.session_id,
            message_id: u32::from(d.package_number),
        };
        let len = d.payload.len() as u64;
        let remaining = d.remaining().unwrap_or(0);
        let lie = |total| ReassemblyError::RemainingInconsistent {
            key,
            remaining,
            length: len,
            total,
        };
        let (offset, total) = if Tf::is_first(d.tf) {
            (0, remaining.checked_add(len).ok_or_else(|| lie(u64::MAX))?)
        } else {
            let total = self
                .open
                .get(&key)
                .map(|a| a.total)
                .ok_or(ReassemblyError::NoOpenMessage(key))?;
            let offset = total
                .checked_sub(remaining)
                .and_then(|t| t.checked_sub(len))
                .ok_or_else(|| lie(total))?;
            (offset, total)
        };
        self.push(Chunk {
            key,
            kind,
            offset,
            total,
            data: &d.payload,
        })
    }

    fn cap(&self, kind: MessageKind, total: u64) -> Result<(), ReassemblyError> {
        let max = match kind {
            MessageKind::Slp => self.limits.max_slp_size,
            MessageKind::DataPreparation if total == 4 => return Ok(()),
            MessageKind::DataPreparation => {
                return Err(ReassemblyError::BadDataPreparation { total });
            }
            MessageKind::MsnObject => self.limits.max_object_size,
            MessageKind::File => self.limits.max_file_size,
        };
        if total > max {
            return Err(ReassemblyError::MessageTooLarge { kind, total, max });
        }
        Ok(())
    }

    fn push(&mut self, c: Chunk<'_>) -> Result<Progress, ReassemblyError> {
        let len = c.data.len();
        if len == 0 {
            return Err(ReassemblyError::EmptyChunk);
        }
        if len > self.limits.max_chunk_payload {
            return Err(ReassemblyError::ChunkTooLarge {
                len,
                max: self.limits.max_chunk_payload,
            });
        }
        let end = c
            .offset
            .checked_add(len as u64)
            .filter(|&e| e <= c.total)
            .ok_or(ReassemblyError::ChunkOutsideMessage {
                offset: c.offset,
                length: len as u64,
                total: c.total,
            })?;
        self.cap(c.kind, c.total)?;
        let (ranges, delivered): (&[Range], u64) = match self.open.get(&c.key) {
            Some(a) => {
                if a.total != c.total {
                    return Err(ReassemblyError::TotalSizeChanged {
                        key: c.key,
                        was: a.total,
                        now: c.total,
                    });
                }
                if a.kind != c.kind {
                    return Err(ReassemblyError::KindChanged {
                        key: c.key,
                        was: a.kind,
                        now: c.kind,
                    });
                }
                (&a.ranges, a.delivered)
            }
            None if c.offset == 0 && end == c.total => {
                // A whole message in one chunk is handed out without being stored.
                let bytes = c.data.to_vec();
                return Ok(if c.kind == MessageKind::File {
                    Progress::FileData {
                        key: c.key,
                        offset: 0,
                        bytes,
                        last: true,
                    }
                } else {
                    Progress::Completed(Completed {
                        key: c.key,
                        kind: c.kind,
                        bytes,
                    })
                });
            }
            None => {
                if self.open.len() >= self.limits.max_open_messages {
                    return Err(ReassemblyError::TooManyOpenMessages {
                        max: self.limits.max_open_messages,
                    });
                }
                (&[], 0)
            }
        };
        // Handed-out file bytes count as received (they cannot be compared any more).
        let start = c.offset.max(delivered);
        if start >= end {
            return Ok(Progress::Buffered);
        }
        let plan = plan(ranges, start, end, c.offset, c.data, c.key)?;
        let incoming = plan.new_bytes;
        if self.buffered + incoming > self.limits.max_buffered_bytes {
            return Err(ReassemblyError::BufferFull {
                buffered: self.buffered,
                incoming,
                max: self.limits.max_buffered_bytes,
            });
        }
        let after = ranges.len() + 1 - (plan.touch_end - plan.touch_start);
        if after > self.limits.max_ranges {
            return Err(ReassemblyError::TooManyRanges {
                key: c.key,
                max: self.limits.max_ranges,
            });
        }
        // Every check passed: store.
        let a = self.open.entry(c.key).or_insert_with(|| Assembly {
            kind: c.kind,
            total: c.total,
            delivered: 0,
            ranges: Vec::new(),
        });
        merge(
            a,
            plan.touch_start,
            plan.touch_end,
            start,
            end,
            c.offset,
            c.data,
        );
        self.buffered += incoming;
        Ok(self.harvest(c.key))
    }

    /// Hands out what is ready: the whole message, or the file prefix.
    fn harvest(&mut self, key: MessageKey) -> Progress {
        let Some(a) = self.open.get_mut(&key) else {
            return Progress::Buffered;
        };
        let ready = a.ranges.first().is_some_and(|r| r.start == a.delivered)
            && (a.kind == MessageKind::File
                || a.ranges.first().is_some_and(|r| r.end() == a.total));
        if !ready {
            return Progress::Buffered;
        }
        let r = a.ranges.remove(0);
        let len = r.data.len() as u64;
        self.buffered -= len;
        a.delivered += len;
        let done = a.delivered == a.total;
        let kind = a.kind;
        if done {
            self.open.remove(&key);
        }
        if kind == MessageKind::File {
            Progress::FileData {
                key,
                offset: r.start,
                bytes: r.data,
                last: done,
            }
        } else {
            Progress::Completed(Completed {
                key,
                kind,
                bytes: r.data,
            })
        }
    }
}

/// What storing `[start, end)` would do, computed without changing anything.
struct Plan {
    /// Ranges `touch_start..touch_end` overlap or touch the chunk and merge with it.
    touch_start: usize,
    touch_end: usize,
    /// Bytes of the chunk not held yet.
    new_bytes: u64,
}

fn plan(
    ranges: &[Range],
    start: u64,
    end: u64,
    offset: u64,
    data: &[u8],
    key: MessageKey,
) -> Result<Plan, ReassemblyError> {
    let touch_start = ranges.partition_point(|r| r.end() < start);
    let touch_end = ranges.partition_point(|r| r.start <= end);
    let mut covered = 0u64;
    for r in ranges.get(touch_start..touch_end).unwrap_or_default() {
        let (s, e) = (r.start.max(start), r.end().min(end));
        if s >= e {
            continue; // only adjacent
        }
        covered += e - s;
        let old = r
            .data
            .get((s - r.start) as usize..(e - r.start) as usize)
            .unwrap_or_default();
        let new = data
            .get((s - offset) as usize..(e - offset) as usize)
            .unwrap_or_default();
        if let Some(i) = old.iter().zip(new).position(|(a, b)| a != b) {
            return Err(ReassemblyError::OverlapMismatch {
                key,
                offset: s + i as u64,
            });
        }
    }
    Ok(Plan {
        touch_start,
        touch_end: touch_end.max(touch_start),
        new_bytes: (end - start) - covered,
    })
}

/// Replaces ranges `ts..te` by their union with the chunk's `[start, end)` (known to form one
/// contiguous run), reusing the first range's buffer when it starts the run.
fn merge(a: &mut Assembly, ts: usize, te: usize, start: u64, end: u64, offset: u64, data: &[u8]) {
    let mut olds: Vec<Range> = a.ranges.drain(ts..te).collect();
    let mut base = match olds.first() {
        Some(r) if r.start <= start => olds.remove(0),
        _ => Range {
            start,
            data: Vec::new(),
        },
    };
    let run_end = olds
        .last()
        .map_or(end, |r| r.end().max(end))
        .max(base.end());
    let total = a.total;
    let mut olds = olds.into_iter().peekable();
    while base.end() < run_end {
        let cursor = base.end();
        if let Some(r) = olds.next_if(|r| r.start <= cursor) {
            let from = (cursor.min(r.end()) - r.start) as usize;
            let rest = r.data.get(from..).unwrap_or_default();
            grow(&mut base, rest.len(), total);
            base.data.extend_from_slice(rest);
            continue;
        }
        let stop = olds.peek().map_or(end, |r| r.start.min(end));
        let piece = data
            .get((cursor - offset) as usize..(stop - offset) as usize)
            .unwrap_or_default();
        if piece.is_empty() {
            break; // cannot happen for a contiguous run; never loop
        }
        grow(&mut base, piece.len(), total);
        base.data.extend_from_slice(piece);
    }
    a.ranges.insert(ts, base);
}

/// Reserves room for `more` bytes: geometric growth, but never past the message's end.
fn grow(r: &mut Range, more: usize, total: u64) {
    let need = r.data.len() + more;
    if need <= r.data.capacity() {
        return;
    }
    let cap_max = usize::try_from(total - r.start).unwrap_or(usize::MAX);
    let want = (r.data.len() * 2).max(need).min(cap_max.max(need));
    r.data.reserve_exact(want - r.data.len());
}
