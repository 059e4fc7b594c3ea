//! The one machine core every session machine runs on: buffered input and its decoder, the
//! single point where an inbound command becomes a typed [`Message`], the transmit and event
//! queues, and the TrID counter.

use std::collections::VecDeque;

use bytes::BytesMut;

use msnp_proto::error::EncodeError;
use msnp_proto::message::{MessageError, Quirks};
use msnp_proto::raw::OwnedCommand;
use msnp_proto::text::Token;
use msnp_proto::verb::{TrId, TrIdCounter};
use msnp_proto::version::Dialect;
use msnp_proto::wire::{Decoder, Limits};
use msnp_proto::{Handle, Message};

use crate::SessionError;
use crate::auth;
use msnp_auth::{AuthError, ProductKey};
use msnp_proto::message::QryRequest;
use msnp_proto::version::ProtocolVersion;

/// A session machine: what it does with each inbound command, and when it stops reading.
pub(crate) trait Machine {
    /// The machine's event type.
    type Event;
    /// The core.
    fn core(&mut self) -> &mut Core<Self::Event>;
    /// Why input is refused now (finished, reconnect pending), if it is.
    fn refuse_input(&self) -> Option<SessionError>;
    /// Whether the rest of the buffered input belongs to a connection that is over.
    fn stop_reading(&self) -> bool;
    /// The machine is finished after an error.
    fn abort(&mut self);
    /// One inbound command, decoded once (`msg` is `Err` when its arguments do not fit the
    /// dialect's shape; the machine decides whether it needed them).
    fn on_message(
        &mut self,
        cmd: &OwnedCommand,
        msg: Result<Message<'_>, MessageError>,
    ) -> Result<(), SessionError>;
}

/// The size of the blocks the input is buffered in and outbound commands are encoded into.
const BLOCK: usize = 4096;
/// The free room below which a new outbound block is reserved before encoding.
const OUT_ROOM: usize = 512;

/// Buffered input, queues and the TrID counter of one machine.
#[derive(Clone, Debug)]
pub(crate) struct Core<E> {
    decoder: Decoder,
    /// Input not yet framed. Each command's bytes are split off it, not copied: the command
    /// shares the allocation, which is reused once the commands of it are dropped.
    buf: BytesMut,
    /// Where outbound commands are encoded. Each is split off it, so a block serves many
    /// commands, and is reused once the commands in it are dropped.
    out_buf: BytesMut,
    /// The dialect of the commands this side sends.
    pub(crate) out: Dialect,
    /// The readings of inbound commands the machine accepts beyond the reference.
    pub(crate) quirks: Quirks,
    pub(crate) trids: TrIdCounter,
    pub(crate) transmit: VecDeque<OwnedCommand>,
    pub(crate) events: VecDeque<E>,
}

impl<E> Core<E> {
    /// A core reading in `inbound` and writing in `out`.
    pub(crate) fn new(inbound: Dialect, out: Dialect, limits: Limits) -> Self {
        Self {
            decoder: Decoder::new(inbound, limits),
            buf: BytesMut::new(),
            out_buf: BytesMut::new(),
            out,
            quirks: Quirks::default(),
            trids: TrIdCounter::default(),
            transmit: VecDeque::new(),
            events: VecDeque::new(),
        }
    }

    /// The dialect of the commands the peer sends.
    pub(crate) fn inbound(&self) -> Dialect {
        *self.decoder.dialect()
    }

    /// Both dialects change (a version was negotiated).
    pub(crate) fn set_dialects(&mut self, inbound: Dialect, out: Dialect) {
        self.decoder.set_dialect(inbound);
        self.out = out;
    }

    /// Bytes buffered and not yet consumed.
    pub(crate) fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// Drops everything buffered (the connection is over).
    pub(crate) fn clear_input(&mut self) {
        self.buf.clear();
        self.decoder.reset();
    }

    fn push_input(&mut self, bytes: &[u8]) {
        // By whole blocks: while events still hold slices of the commands split off before,
        // growing by just the piece written would allocate a new small buffer per piece.
        if self.buf.capacity() - self.buf.len() < bytes.len() {
            self.buf.reserve(bytes.len().max(BLOCK));
        }
        self.buf.extend_from_slice(bytes);
    }

    /// The next complete command, `Ok(None)` when more bytes are needed. What stays buffered
    /// is at most one incomplete command, which the decoder's limits bound.
    fn next_command(&mut self) -> Result<Option<OwnedCommand>, SessionError> {
        Ok(self.decoder.decode_split(&mut self.buf)?)
    }

    /// The next TrID.
    pub(crate) fn next_trid(&mut self) -> TrId {
        self.trids.next_id()
    }

    /// Encodes `msg` in the outbound dialect and queues it.
    pub(crate) fn send(&mut self, msg: &Message<'_>) -> Result<(), SessionError> {
        // Room for an ordinary command before encoding, so the buffer grows by whole blocks and
        // not by each piece written.
        if self.out_buf.capacity() - self.out_buf.len() < OUT_ROOM {
            self.out_buf.reserve(BLOCK);
        }
        // On an error nothing was written (the encoder checks before it writes).
        msg.encode(&self.out, &mut self.out_buf)?;
        let bytes = self.out_buf.split().freeze();
        let cmd = OwnedCommand::from_frame(bytes, &self.out, &Limits::MAX)?;
        self.transmit.push_back(cmd);
        Ok(())
    }

    /// The same core for another event type; the events still queued are returned.
    pub(crate) fn retype<F>(self) -> (Core<F>, VecDeque<E>) {
        let core = Core {
            decoder: self.decoder,
            buf: self.buf,
            out_buf: self.out_buf,
            out: self.out,
            quirks: self.quirks,
            trids: self.trids,
            transmit: self.transmit,
            events: VecDeque::new(),
        };
        (core, self.events)
    }

    /// Queues an event.
    pub(crate) fn emit(&mut self, e: E) {
        self.events.push_back(e);
    }
}

/// Feeds `bytes` to `m`: every complete command is decoded once, into a [`Message`] in the
/// machine's inbound dialect, and handed to [`Machine::on_message`].
pub(crate) fn handle_input<M: Machine>(m: &mut M, bytes: &[u8]) -> Result<(), SessionError> {
    if let Some(e) = m.refuse_input() {
        return Err(e);
    }
    m.core().push_input(bytes);
    while !m.stop_reading() {
        let cmd = match m.core().next_command() {
            Ok(Some(cmd)) => cmd,
            Ok(None) => break,
            Err(e) => {
                m.abort();
                m.core().clear_input();
                return Err(e);
            }
        };
        if let Err(e) = feed(m, &cmd) {
            // Only a reply that cannot be encoded (a configuration problem) gets here: stop
            // rather than continue half-way through a step.
            m.abort();
            m.core().clear_input();
            return Err(e);
        }
    }
    if m.stop_reading() {
        m.core().clear_input();
    }
    Ok(())
}

/// Hands one framed command to `m`, unless it refuses input now (finished, reconnect pending).
pub(crate) fn handle_command<M: Machine>(
    m: &mut M,
    cmd: &OwnedCommand,
) -> Result<(), SessionError> {
    if let Some(e) = m.refuse_input() {
        return Err(e);
    }
    feed(m, cmd)
}

/// Hands one already framed command to `m` (the inbound-decode point).
pub(crate) fn feed<M: Machine>(m: &mut M, cmd: &OwnedCommand) -> Result<(), SessionError> {
    let (dialect, quirks) = (m.core().inbound(), m.core().quirks);
    let raw = cmd.as_raw();
    let msg = Message::decode_with(&raw, &dialect, &quirks);
    m.on_message(cmd, msg)
}

/// The command line as lossy text, for error reports (bounded by the line limit).
pub(crate) fn line_text(cmd: &OwnedCommand) -> String {
    String::from_utf8_lossy(cmd.as_raw().line()).into_owned()
}

/// `s` as one token for an outbound command.
pub(crate) fn token<'a>(what: &'static str, s: &'a str) -> Result<Token<'a>, SessionError> {
    Token::new(s).map_err(|_| {
        SessionError::Encode(EncodeError::Invalid {
            what,
            reason: "must be one non-empty token without spaces",
        })
    })
}

/// `s` as a handle for an outbound command.
pub(crate) fn handle<'a>(what: &'static str, s: &'a str) -> Result<Handle<'a>, SessionError> {
    Handle::parse(s).map_err(|_| {
        SessionError::Encode(EncodeError::Invalid {
            what,
            reason: "must be a handle (one token)",
        })
    })
}

/// Most unacknowledged `QRY` TrIDs remembered.
const MAX_PENDING_QRY: usize = 16;

/// The `CHL` → `QRY` exchange, shared by the login and the session: answers challenges and
/// remembers the `QRY` TrIDs awaiting the server's acknowledgement (bounded: a server that
/// never acknowledges cannot grow it).
#[derive(Clone, Debug, Default)]
pub(crate) struct Challenges {
    pending: VecDeque<TrId>,
}

impl Challenges {
    /// Queues `QRY trid product-id 32` + the answer to `challenge`; the outer error is an
    /// encoding failure, the inner one an authentication failure (unknown version, bad key).
    pub(crate) fn answer<E>(
        &mut self,
        core: &mut Core<E>,
        v: ProtocolVersion,
        product: Option<ProductKey<'_>>,
        challenge: &str,
    ) -> Result<Result<TrId, AuthError>, SessionError> {
        let (id, answer) = match auth::qry_for(v, product, challenge) {
            Ok(x) => x,
            Err(e) => return Ok(Err(e)),
        };
        let trid = core.next_trid();
        core.send(&Message::QryRequest(QryRequest {
            trid,
            product_id: token("product.id", &id)?,
            answer: answer.as_bytes().into(),
        }))?;
        if self.pending.len() >= MAX_PENDING_QRY {
            self.pending.pop_front();
        }
        self.pending.push_back(trid);
        Ok(Ok(trid))
    }

    /// Whether `trid` is a `QRY` awaiting its acknowledgement.
    pub(crate) fn is_pending(&self, trid: TrId) -> bool {
        self.pending.contains(&trid)
    }

    /// The server acknowledged (or refused) the `QRY` with `trid`: whether it was pending.
    pub(crate) fn settle(&mut self, trid: TrId) -> bool {
        let before = self.pending.len();
        self.pending.retain(|&p| p != trid);
        self.pending.len() != before
    }

    /// Forgets every pending `QRY` (a new connection).
    pub(crate) fn clear(&mut self) {
        self.pending.clear();
    }
}
