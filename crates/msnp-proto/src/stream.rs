//! The one stream loop: frame commands out of an input, follow `VER` negotiation and connection
//! switches with a [`DialectTracker`], and say where each command was.
//!
//! Two readers share the item shape ([`StreamCommand`]):
//! - [`TranscriptStream`] iterates over transcript text: it owns the tracker, switches it at
//!   `# --- connection N ---` markers and yields every command with its connection, direction,
//!   dialect and position; unreadable lines come out as error items and reading goes on.
//! - [`StreamDecoder`] decodes one byte stream (a socket direction, a capture flow) fed to it in
//!   pieces, counting lines and offsets; it borrows a tracker per call, so that several streams
//!   can share one (a switchboard flow inherits the notification flow's version).
//!   [`TrackedDecoder`] is a stream decoder that owns its tracker (one wire stream).
//!
//! ```
//! use msnp_proto::negotiation::DialectTracker;
//! use msnp_proto::stream::{TrackedDecoder, WireItem};
//! use msnp_proto::{Direction, Limits, ProtocolVersion, Verb};
//! let tracker = DialectTracker::new(ProtocolVersion::Msnp8);
//! let mut dec = TrackedDecoder::new(tracker, Some(Direction::ServerToClient), Limits::default());
//! dec.feed(b"VER 1 MSNP12\r\nCHL 0 1\r\nQNG 5");
//! let mut seen = Vec::new();
//! while let Some(item) = dec.next_item() {
//!     if let WireItem::Command(c) = item {
//!         seen.push((c.command.verb(), c.dialect.version, c.position.line));
//!     }
//! }
//! assert_eq!(seen, [(Verb::VER, ProtocolVersion::Msnp12, 1), (Verb::CHL, ProtocolVersion::Msnp12, 2)]);
//! assert!(matches!(dec.finish(), Some(WireItem::Error { .. }))); // `QNG 5` never ended
//! ```

use std::io::{self, Read};

use bytes::Bytes;

use crate::error::DecodeError;
use crate::negotiation::DialectTracker;
use crate::raw::{OwnedCommand, RawCommand};
use crate::transcript::{Event, Reader, TranscriptError, TranscriptErrorKind};
use crate::version::{Dialect, Direction};
use crate::wire::{Decoder, Limits, Needed, Status};

/// Where a command or an error starts in its input.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Position {
    /// 1-based line number (0 when unknown).
    pub line: u64,
    /// Byte offset from the start of the input (of the stream, for a byte stream).
    pub offset: u64,
}

/// One command read from a stream, with what the tracker knows about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamCommand<C> {
    /// The connection it belongs to (`None` before any transcript marker, or on a lone stream).
    pub connection: Option<u32>,
    /// Who sent it, when known.
    pub direction: Option<Direction>,
    /// The dialect in force once the tracker has seen the command (so `VER` shows the version it
    /// establishes, and a switchboard's opening `USR` reads as a switchboard command).
    pub dialect: Dialect,
    /// Where its command line starts.
    pub position: Position,
    /// The command.
    pub command: C,
}

/// What a [`TranscriptStream`] yields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TranscriptItem {
    /// A `# --- connection N: … ---` marker: the tracker now follows connection `id`.
    Connection {
        /// The connection number.
        id: u32,
        /// The text after the number.
        label: String,
        /// Where the marker is.
        position: Position,
    },
    /// A command; its frame is [`OwnedCommand::frame`].
    Command(StreamCommand<OwnedCommand>),
    /// A line that could not be read; the stream goes on after it.
    Error {
        /// What went wrong, and on which line.
        error: TranscriptError,
        /// Where the offending line is.
        position: Position,
    },
}

/// Iterates over the commands of a transcript, following `VER` negotiation and connection
/// markers with the tracker it owns. A connection no marker names (a client `VER` after
/// `XFR … NS`, see [`DialectTracker::starts_connection`]) is announced as a
/// [`TranscriptItem::Connection`] labelled [`REFERRED_CONNECTION_LABEL`] before its first command.
///
/// ```
/// use msnp_proto::negotiation::DialectTracker;
/// use msnp_proto::stream::{TranscriptItem, TranscriptStream};
/// use msnp_proto::{Channel, ProtocolVersion};
/// let text = "C: VER 1 MSNP12 CVR0\nS: VER 1 MSNP12\n# --- connection 2: Switchboard ---\nC: USR 1 bob@example.com 1.2.3\n";
/// let items: Vec<_> = TranscriptStream::new(text, DialectTracker::new(ProtocolVersion::Msnp8)).collect();
/// let TranscriptItem::Command(usr) = &items[3] else { panic!() };
/// assert_eq!((usr.connection, usr.dialect.channel, usr.dialect.version), (Some(2), Channel::Switchboard, ProtocolVersion::Msnp12));
/// assert_eq!((usr.position.line, usr.position.offset), (4, 73));
/// ```
#[derive(Debug, Clone)]
pub struct TranscriptStream<'a> {
    reader: Reader<'a>,
    tracker: DialectTracker,
    limits: Limits,
    default_direction: Option<Direction>,
    connection: Option<u32>,
    /// A command held back while the connection it opens is announced.
    pending: Option<(OwnedCommand, Option<Direction>, usize)>,
}

/// The label of a connection no marker named, opened by a client `VER` after `XFR … NS`.
pub const REFERRED_CONNECTION_LABEL: &str = "Notification Server (after XFR NS)";

impl<'a> TranscriptStream<'a> {
    /// A stream over `text`, starting from `tracker`'s state, with default limits.
    pub fn new(text: &'a str, tracker: DialectTracker) -> Self {
        Self {
            reader: Reader::new(text),
            tracker,
            limits: Limits::default(),
            default_direction: None,
            connection: None,
            pending: None,
        }
    }

    /// Uses other limits for the command lines.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.reader = self.reader.with_limits(limits);
        self.limits = limits;
        self
    }

    /// The direction of bare lines (neither `C: ` nor `S: `).
    pub fn with_default_direction(mut self, direction: Option<Direction>) -> Self {
        self.default_direction = direction;
        self
    }

    /// The tracker, as far as the stream has read.
    pub fn tracker(&self) -> &DialectTracker {
        &self.tracker
    }

    /// How many prose lines were skipped so far (see [`Reader::ignored_lines`]).
    pub fn ignored_lines(&self) -> usize {
        self.reader.ignored_lines()
    }

    /// The position of 1-based `line` (its start; the end of the text past the last line).
    pub fn position_of_line(&self, line: usize) -> Position {
        Position {
            line: line as u64,
            offset: self.reader.offset_of_line(line) as u64,
        }
    }

    fn error(&self, error: TranscriptError) -> TranscriptItem {
        let position = self.position_of_line(error.line);
        TranscriptItem::Error { error, position }
    }

    /// Learns from a framed command and yields it.
    fn command(
        &mut self,
        command: OwnedCommand,
        direction: Option<Direction>,
        line: usize,
    ) -> TranscriptItem {
        self.tracker.observe(&command.as_raw(), direction);
        TranscriptItem::Command(StreamCommand {
            connection: self.connection,
            direction,
            dialect: self.tracker.dialect(direction),
            position: self.position_of_line(line),
            command,
        })
    }
}

impl Iterator for TranscriptStream<'_> {
    type Item = TranscriptItem;

    fn next(&mut self) -> Option<TranscriptItem> {
        if let Some((command, direction, line)) = self.pending.take() {
            return Some(self.command(command, direction, line));
        }
        let default = self.default_direction;
        let t = &self.tracker;
        let ev = self.reader.next_event(|d| t.dialect(d.or(default)))?;
        let c = match ev {
            Err(e) => return Some(self.error(e)),
            Ok(Event::Connection { id, label, line }) => {
                self.connection = Some(id);
                self.tracker.switch_connection(id);
                return Some(TranscriptItem::Connection {
                    id,
                    label,
                    position: self.position_of_line(line),
                });
            }
            Ok(Event::Command(c)) => c,
        };
        let direction = c.direction.or(default);
        let framing = self.tracker.dialect(direction);
        match OwnedCommand::from_frame(Bytes::from(c.bytes), &framing, &self.limits) {
            Ok(command) => {
                if self.tracker.starts_connection(&command.as_raw(), direction) {
                    // Announce the connection the command opens, as a marker would have.
                    let id = self.tracker.switch_to_new_connection();
                    self.connection = Some(id);
                    self.pending = Some((command, direction, c.line));
                    return Some(TranscriptItem::Connection {
                        id,
                        label: REFERRED_CONNECTION_LABEL.to_owned(),
                        position: self.position_of_line(c.line),
                    });
                }
                Some(self.command(command, direction, c.line))
            }
            Err(e) => {
                // The reader frames with the same dialect and limits: this is a bug, not input.
                debug_assert!(
                    false,
                    "transcript reader produced a frame the decoder rejects"
                );
                Some(self.error(TranscriptError {
                    line: c.line,
                    verb: e.verb,
                    kind: TranscriptErrorKind::Line(e.kind),
                }))
            }
        }
    }
}

/// What a [`StreamDecoder`] yields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WireItem<'a> {
    /// A command, borrowing the decoder's buffer.
    Command(StreamCommand<RawCommand<'a>>),
    /// Bytes that do not frame; decoding resumes after them.
    Error {
        /// What went wrong (its `offset` is relative to the decoder's buffer; use `position`).
        error: DecodeError,
        /// Where the problem is in the stream.
        position: Position,
        /// The connection of the stream.
        connection: Option<u32>,
        /// The stream's direction.
        direction: Option<Direction>,
    },
}

/// What [`StreamDecoder::gap`] dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gap {
    /// Undecoded bytes thrown away (the partial command before the hole).
    pub dropped: usize,
    /// The line the hole is on.
    pub line: u64,
}

/// Decodes one byte stream fed in pieces: a [`Decoder`] with its buffer, line and offset
/// counting, driving a [`DialectTracker`] lent to each call.
#[derive(Debug, Clone)]
pub struct StreamDecoder {
    dec: Decoder,
    direction: Option<Direction>,
    connection: Option<u32>,
    buf: Vec<u8>,
    /// `buf[start..filled]` is not decoded yet.
    start: usize,
    filled: usize,
    /// Stream offset of `buf[0]`.
    base: u64,
    /// Line ends in the stream before `buf[counted]`.
    lines: u64,
    counted: usize,
    /// What the decoder asked for last.
    needed: usize,
    /// After a gap: errors are not reported until a command decodes.
    resync: bool,
    /// Commands get line numbers (counting costs a scan per command; errors always get them).
    line_numbers: bool,
}

/// Bytes asked of a reader at a time.
const READ_SIZE: usize = 1 << 20;

fn count_lines(b: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', b).count() as u64
}

impl StreamDecoder {
    /// A decoder for the stream sent in `direction` on `connection`, framing in the dialect
    /// `tracker` gives it.
    pub fn new(
        tracker: &DialectTracker,
        connection: Option<u32>,
        direction: Option<Direction>,
        limits: Limits,
    ) -> Self {
        Self {
            dec: Decoder::new(tracker.dialect(direction), limits),
            direction,
            connection,
            buf: Vec::new(),
            start: 0,
            filled: 0,
            base: 0,
            lines: 0,
            counted: 0,
            needed: 1,
            resync: false,
            line_numbers: true,
        }
    }

    /// Whether commands get line numbers (default on); without, their [`Position::line`] is 0
    /// and only errors are given one, which saves a scan of every command.
    pub fn with_line_numbers(mut self, on: bool) -> Self {
        self.line_numbers = on;
        self
    }

    /// Who sends this stream.
    pub fn direction(&self) -> Option<Direction> {
        self.direction
    }

    /// The tracker's connection id of this stream.
    pub fn connection(&self) -> Option<u32> {
        self.connection
    }

    /// Bytes of the stream seen so far (fed or read).
    pub fn bytes_seen(&self) -> u64 {
        self.base + self.filled as u64
    }

    /// Undecoded bytes held (at most one partial command once [`next_item`](Self::next_item)
    /// returned `None`).
    pub fn pending(&self) -> usize {
        self.filled - self.start
    }

    /// Drops the decoded bytes from the buffer, keeping the count of their lines.
    fn compact(&mut self) {
        if self.start == 0 {
            return;
        }
        self.lines += count_lines(&self.buf[self.counted..self.start]);
        self.base += self.start as u64;
        self.buf.copy_within(self.start..self.filled, 0);
        self.filled -= self.start;
        self.start = 0;
        self.counted = 0;
    }

    /// Appends the next bytes of the stream.
    pub fn feed(&mut self, bytes: &[u8]) {
        self.compact();
        let end = self.filled + bytes.len();
        if self.buf.len() < end {
            self.buf.resize(end, 0);
        }
        self.buf[self.filled..end].copy_from_slice(bytes);
        self.filled = end;
    }

    /// Reads the next bytes of the stream from `input` straight into the buffer (at least what
    /// the decoder is waiting for fits); returns how many were read (0 at the end of input).
    pub fn fill_from(&mut self, input: &mut impl Read) -> io::Result<usize> {
        self.compact();
        // Limits bound `needed` (line + payload), so the buffer stays bounded.
        if self.buf.len() - self.filled < self.needed.max(READ_SIZE / 4) {
            self.buf.resize(self.filled + self.needed.max(READ_SIZE), 0);
        }
        let n = loop {
            match input.read(&mut self.buf[self.filled..]) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                r => break r?,
            }
        };
        self.filled += n;
        Ok(n)
    }

    /// The position of buffer index `at` (not before `counted`).
    fn position(&self, at: usize) -> Position {
        Position {
            line: self.lines + count_lines(&self.buf[self.counted..at]) + 1,
            offset: self.base + at as u64,
        }
    }

    /// The next command or error in what was fed; `None` when more bytes are needed.
    #[inline]
    pub fn next_item(&mut self, tracker: &mut DialectTracker) -> Option<WireItem<'_>> {
        self.advance(tracker, |item| item)
    }

    /// Decodes the next item and hands it to `emit` where it is built (the one decoding loop of
    /// [`next_item`](Self::next_item) and [`for_each_item`](Self::for_each_item)).
    #[inline(always)]
    fn advance<'s, R>(
        &'s mut self,
        tracker: &mut DialectTracker,
        emit: impl FnOnce(WireItem<'s>) -> R,
    ) -> Option<R> {
        if let Some(id) = self.connection {
            // Another stream may have used the tracker since.
            tracker.switch_connection(id);
        }
        let dir = self.direction;
        loop {
            let want = tracker.dialect(dir);
            if *self.dec.dialect() != want {
                self.dec.set_dialect(want);
            }
            let rest = &self.buf[self.start..self.filled];
            match self.dec.decode(rest) {
                Ok(Status::Complete { value, consumed }) => {
                    self.resync = false;
                    if self.connection.is_none() && tracker.starts_connection(&value, dir) {
                        // A lone stream's client reconnected after `XFR … NS`.
                        self.connection = Some(tracker.switch_to_new_connection());
                    }
                    // Learn from the command first: a switchboard's opening USR then reads as
                    // one, and VER shows the dialect it establishes. (Framing used the old
                    // dialect, which for these commands is the same.)
                    tracker.observe(&value, dir);
                    let position = if self.line_numbers {
                        self.lines += count_lines(&self.buf[self.counted..self.start]);
                        let line = self.lines + 1;
                        // The command line holds one LF, its end; only a payload needs a scan.
                        self.lines += 1 + value.payload().map_or(0, count_lines);
                        self.counted = self.start + consumed;
                        Position {
                            line,
                            offset: self.base + self.start as u64,
                        }
                    } else {
                        Position {
                            line: 0,
                            offset: self.base + self.start as u64,
                        }
                    };
                    self.start += consumed;
                    return Some(emit(WireItem::Command(StreamCommand {
                        connection: self.connection,
                        direction: dir,
                        dialect: tracker.dialect(dir),
                        position,
                        command: value,
                    })));
                }
                Ok(Status::Skipped { consumed }) => self.start += consumed,
                Ok(Status::Incomplete(needed)) => {
                    self.needed = match needed {
                        Needed::Size(n) => n.get(),
                        Needed::Unknown => 1,
                    };
                    return None;
                }
                Err(error) => {
                    let len = rest.len();
                    let at = self.start + error.offset.min(len);
                    self.start += error.skip.max(1).min(len);
                    if self.resync {
                        if len == 0 {
                            return None;
                        }
                        continue;
                    }
                    // Count up to where decoding resumes once, so that many errors in one
                    // buffer do not each rescan it from the start.
                    let resume = at.min(self.start);
                    self.lines += count_lines(&self.buf[self.counted..resume]);
                    self.counted = resume;
                    let position = self.position(at);
                    return Some(emit(WireItem::Error {
                        error,
                        position,
                        connection: self.connection,
                        direction: dir,
                    }));
                }
            }
        }
    }

    /// Hands every command and error in what was fed to `f`, by reference (the hot loop of a
    /// decoder: no item is moved); stops at the first error `f` returns.
    #[inline]
    pub fn for_each_item<E>(
        &mut self,
        tracker: &mut DialectTracker,
        mut f: impl FnMut(&WireItem<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        while let Some(r) = self.advance(tracker, |item| f(&item)) {
            r?;
        }
        Ok(())
    }

    /// The stream is over: an unfinished command is reported (unless decoding is resynchronising
    /// after a gap). The buffer is emptied.
    pub fn finish(&mut self) -> Option<WireItem<'static>> {
        let e = self.dec.finish(&self.buf[self.start..self.filled]);
        let position = self.position(self.start);
        self.start = self.filled;
        if self.resync {
            return None;
        }
        Some(WireItem::Error {
            error: e?,
            position,
            connection: self.connection,
            direction: self.direction,
        })
    }

    /// Bytes missing from the stream at stream offset `at` (`lost` of them): the partial command
    /// held is dropped and decoding resumes silently at the first line that decodes again.
    pub fn gap(&mut self, at: u64, lost: u64) -> Gap {
        self.lines += count_lines(&self.buf[self.counted..self.filled]);
        let dropped = self.filled - self.start;
        self.start = 0;
        self.filled = 0;
        self.counted = 0;
        self.base = at.saturating_add(lost);
        self.dec.reset();
        self.resync = true;
        Gap {
            dropped,
            line: self.lines + 1,
        }
    }
}

/// A [`StreamDecoder`] that owns its [`DialectTracker`]: one byte stream on its own.
#[derive(Debug, Clone)]
pub struct TrackedDecoder {
    stream: StreamDecoder,
    tracker: DialectTracker,
}

impl TrackedDecoder {
    /// A decoder for the stream sent in `direction`, following negotiation from `tracker`.
    pub fn new(tracker: DialectTracker, direction: Option<Direction>, limits: Limits) -> Self {
        Self {
            stream: StreamDecoder::new(&tracker, None, direction, limits),
            tracker,
        }
    }

    /// The tracker, as far as the stream has been decoded.
    pub fn tracker(&self) -> &DialectTracker {
        &self.tracker
    }

    /// See [`StreamDecoder::with_line_numbers`].
    pub fn with_line_numbers(mut self, on: bool) -> Self {
        self.stream = self.stream.with_line_numbers(on);
        self
    }

    /// See [`StreamDecoder::feed`].
    pub fn feed(&mut self, bytes: &[u8]) {
        self.stream.feed(bytes);
    }

    /// See [`StreamDecoder::fill_from`].
    pub fn fill_from(&mut self, input: &mut impl Read) -> io::Result<usize> {
        self.stream.fill_from(input)
    }

    /// See [`StreamDecoder::next_item`].
    #[inline]
    pub fn next_item(&mut self) -> Option<WireItem<'_>> {
        self.stream.next_item(&mut self.tracker)
    }

    /// See [`StreamDecoder::for_each_item`].
    #[inline]
    pub fn for_each_item<E>(
        &mut self,
        f: impl FnMut(&WireItem<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        self.stream.for_each_item(&mut self.tracker, f)
    }

    /// See [`StreamDecoder::finish`].
    pub fn finish(&mut self) -> Option<WireItem<'static>> {
        self.stream.finish()
    }

    /// See [`StreamDecoder::bytes_seen`].
    pub fn bytes_seen(&self) -> u64 {
        self.stream.bytes_seen()
    }
}

/// The wire bytes one side sent on one connection of a transcript.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireStream {
    /// The connection number from the `# --- connection N ---` markers (`None` before any marker).
    pub connection: Option<u32>,
    /// Who sent these bytes.
    pub direction: Option<Direction>,
    /// The dialect in force at the stream's first command (what a decoder must start with).
    pub initial: Dialect,
    /// The concatenated wire bytes.
    pub bytes: Vec<u8>,
    /// The byte length of each command, in order.
    pub command_lengths: Vec<usize>,
}

/// Reads a whole transcript, following `VER` negotiation with `tracker`, and splits it into one
/// wire stream per (connection, direction), as the bytes would have crossed each socket.
/// Errors (bad lines, length mismatches) are returned beside the streams; reading goes on after them.
///
/// ```
/// use msnp_proto::negotiation::DialectTracker;
/// use msnp_proto::stream::to_wire_streams;
/// use msnp_proto::ProtocolVersion;
/// let text = "C: VER 1 MSNP8 CVR0\nS: VER 1 MSNP8\nC: OUT\n";
/// let (streams, errors) = to_wire_streams(text, DialectTracker::new(ProtocolVersion::Msnp8));
/// assert!(errors.is_empty());
/// assert_eq!(streams[0].bytes, b"VER 1 MSNP8 CVR0\r\nOUT\r\n");
/// assert_eq!(streams[1].bytes, b"VER 1 MSNP8\r\n");
/// ```
pub fn to_wire_streams(
    text: &str,
    tracker: DialectTracker,
) -> (Vec<WireStream>, Vec<TranscriptError>) {
    let mut items = TranscriptStream::new(text, tracker);
    let mut streams: Vec<WireStream> = Vec::new();
    let mut errors = Vec::new();
    for item in items.by_ref() {
        let c = match item {
            TranscriptItem::Error { error, .. } => {
                errors.push(error);
                continue;
            }
            TranscriptItem::Connection { .. } => continue,
            TranscriptItem::Command(c) => c,
        };
        let frame = c.command.frame();
        let i = match streams
            .iter()
            .position(|s| s.connection == c.connection && s.direction == c.direction)
        {
            Some(i) => i,
            None => {
                // The dialect after the first command: a switchboard's first USR makes its
                // stream a switchboard stream from the start.
                streams.push(WireStream {
                    connection: c.connection,
                    direction: c.direction,
                    initial: c.dialect,
                    bytes: Vec::new(),
                    command_lengths: Vec::new(),
                });
                streams.len() - 1
            }
        };
        let s = &mut streams[i];
        s.command_lengths.push(frame.len());
        s.bytes.extend_from_slice(frame);
    }
    if items.ignored_lines() > 0 {
        errors.push(TranscriptError {
            line: 0,
            verb: None,
            kind: TranscriptErrorKind::IgnoredLines(items.ignored_lines()),
        });
    }
    (streams, errors)
}
