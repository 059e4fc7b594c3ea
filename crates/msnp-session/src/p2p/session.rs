//! [`P2pSession`]: the P2P transfers with one peer on one switchboard.

use std::collections::{BTreeMap, VecDeque};
use std::time::Instant;

use bytes::Bytes;
use msnp_proto::Handle;
use msnp_proto::p2p::context::{FtContext, msnobj_from_context, msnobj_to_context};
use msnp_proto::p2p::reassembly::{Completed, MessageKind, Progress, Reassembler};
use msnp_proto::p2p::slp::{SessionRequest, SlpContentType, SlpMessage, euf_guid, method};
use msnp_proto::p2p::v1::{Class, P2pHeader, app_id};
use msnp_proto::p2p::v2::{P2pV2Packet, TfKind};
use msnp_proto::p2p::{Guid, P2pFraming, P2pPayload, ReassemblyError, endpoint_guid};
use msnp_proto::payload::mime::{MimeMessage, P2P_MEDIA_TYPE};
use msnp_proto::payload::msnobj::MsnObject;
use msnp_proto::payload::xml::XmlLimits;

use super::bridge::{Awaited, Bridge, Kind, Step};
use super::error::TransferError;
use super::state::{Role, TransferState};
use super::types::{Outcome, P2pConfig, P2pEvent, P2pTransmit, TransferInfo};
use crate::digest::MsnObjectDigest;

/// `RequestFlags` of an MSNObject INVITE (msnp-sharp; WLM 2009 expects it in P2Pv2).
const OBJECT_REQUEST_FLAGS: u32 = 18;
/// `RequestFlags` of a file INVITE.
const FILE_REQUEST_FLAGS: u32 = 16;
/// The data preparation: four zero bytes (p2p.md §6 row 5).
const DATA_PREPARATION: [u8; 4] = [0; 4];

/// One live transfer.
#[derive(Debug)]
struct Transfer {
    role: Role,
    state: TransferState,
    call_id: Guid,
    app_id: u32,
    size: u64,
    /// The object asked for (requester) or served (owner).
    object: Option<MsnObject>,
    /// The bytes to send (owner, file sender).
    data: Bytes,
    /// The peer's INVITE, which our answers copy (receiving roles).
    invite: Option<SlpMessage<'static>>,
    /// When the peer has been silent for too long; `None` while the user decides.
    deadline: Option<Instant>,
}

/// splitmix64: the identifiers this side picks, from the configured seed.
#[derive(Debug, Clone)]
struct Ids(u64);

impl Ids {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn guid(&mut self) -> Guid {
        Guid((u128::from(self.next()) << 64) | u128::from(self.next()))
    }
}

/// The P2P transfers (display pictures, custom emoticons, files) with one peer on one
/// switchboard, sans-IO: feed each received `application/x-msnmsgrp2p` message to
/// [`handle_mime`](Self::handle_mime) (or its parts to [`handle_p2p`](Self::handle_p2p)),
/// send every [`poll_transmit`](Self::poll_transmit) chunk with [`P2pTransmit::send_on`],
/// act on [`poll_event`](Self::poll_event), and call [`handle_timeout`](Self::handle_timeout)
/// at [`poll_timeout`](Self::poll_timeout). Time is always an argument.
///
/// The session answers everything the protocol requires by itself: ACKs (P2Pv1 per message,
/// P2Pv2 per RAK and SYN), `200 OK` and data for published objects, `603 Decline` for unknown
/// objects and applications, `500` for malformed INVITEs, and a `200 OK` that keeps the
/// transfer on the switchboard for a direct-connection request. Only a file offer waits
/// for the user ([`accept`](Self::accept) / [`decline`](Self::decline)).
///
/// Data chunks are cut only when polled, so a large file is never copied whole. The
/// switchboard's own `ACK` is the only flow control there is: a caller that wants to pace a
/// file sends the next chunk after the previous `MSG`'s delivery.
#[derive(Debug)]
pub struct P2pSession {
    config: P2pConfig,
    /// Our address and the peer's as written in SLP and `P2P-Dest`/`P2P-Src`.
    local: String,
    peer: String,
    ids: Ids,
    bridge: Bridge,
    reassembler: Reassembler,
    transfers: BTreeMap<u32, Transfer>,
    published: Vec<(MsnObject, Bytes)>,
    events: VecDeque<P2pEvent>,
    closed: bool,
}

impl P2pSession {
    /// A session with no transfers.
    pub fn new(config: P2pConfig) -> Self {
        let mut ids = Ids(config.seed);
        let bridge = Bridge::new(config.framing, config.max_chunk, ids.next());
        Self {
            local: config.wire_address(&config.local),
            peer: config.wire_address(&config.peer),
            reassembler: Reassembler::new(config.limits),
            ids,
            bridge,
            transfers: BTreeMap::new(),
            published: Vec::new(),
            events: VecDeque::new(),
            closed: false,
            config,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &P2pConfig {
        &self.config
    }

    /// The live transfers, by SessionID.
    pub fn transfers(&self) -> impl Iterator<Item = TransferInfo> + '_ {
        self.transfers.iter().map(|(&session_id, t)| TransferInfo {
            session_id,
            role: t.role,
            state: t.state,
            size: t.size,
        })
    }

    /// One live transfer.
    pub fn transfer(&self, session_id: u32) -> Option<TransferInfo> {
        self.transfers().find(|t| t.session_id == session_id)
    }

    /// Bytes held by the reassembler for partial messages (bounded by
    /// [`P2pLimits::max_buffered_bytes`](msnp_proto::p2p::P2pLimits::max_buffered_bytes)).
    pub fn buffered_bytes(&self) -> u64 {
        self.reassembler.buffered_bytes()
    }

    /// Whether [`close`](Self::close) was called.
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// Offers an MSNObject to peers that ask for it by its `SHA1D` (replacing an object
    /// with the same `SHA1D`). Requests are never resolved by `Location` (CVE-2010-0013).
    ///
    /// # Errors
    /// [`TransferError::ObjectMismatch`] when `data` does not match the object's `SHA1D`
    /// and `Size`; [`TransferError::EmptyObject`] for no data.
    pub fn publish_object(&mut self, object: MsnObject, data: Bytes) -> Result<(), TransferError> {
        if data.is_empty() {
            return Err(TransferError::EmptyObject);
        }
        if !object.verify_data(&data) {
            return Err(TransferError::ObjectMismatch { session_id: 0 });
        }
        self.published.retain(|(o, _)| o.sha1d != object.sha1d);
        self.published.push((object, data));
        Ok(())
    }

    /// Asks the peer for one of its MSNObjects (a display picture from its presence, an
    /// emoticon from its emoticon message). `app_id`: [`app_id::DISPLAY_PICTURE`] (12) or
    /// [`app_id::CUSTOM_EMOTICON`] (11) for WLM 8+ peers, [`app_id::MSNOBJ`] (1) for older
    /// ones. Returns the new SessionID; the object arrives as
    /// [`P2pEvent::ObjectReceived`].
    ///
    /// # Errors
    /// [`TransferError::TooLarge`] for an object over the limit,
    /// [`TransferError::EmptyObject`] for one of 0 bytes,
    /// [`TransferError::TooManyTransfers`], [`TransferError::Closed`].
    pub fn request_object(
        &mut self,
        now: Instant,
        object: &MsnObject,
        app_id: u32,
    ) -> Result<u32, TransferError> {
        let max = self.config.limits.max_object_size;
        if object.size == 0 {
            return Err(TransferError::EmptyObject);
        }
        if object.size > max {
            return Err(TransferError::TooLarge {
                what: "object",
                size: object.size,
                max,
            });
        }
        let context = msnobj_to_context(object);
        self.invite(
            now,
            Role::ObjectRequester,
            euf_guid::MSNOBJ,
            app_id,
            context,
            |t| {
                t.size = object.size;
                t.object = Some(object.clone());
            },
        )
    }

    /// Offers a file to the peer. Returns the new SessionID; the peer's answer arrives as
    /// [`P2pEvent::Accepted`] (the data then goes out by itself) or a
    /// [`P2pEvent::Finished`] with [`Outcome::Declined`].
    ///
    /// # Errors
    /// [`TransferError::TooLarge`], [`TransferError::TooManyTransfers`],
    /// [`TransferError::Closed`].
    pub fn send_file(
        &mut self,
        now: Instant,
        file_name: &str,
        data: Bytes,
    ) -> Result<u32, TransferError> {
        let size = data.len() as u64;
        let max = self.config.limits.max_file_size;
        if size > max {
            return Err(TransferError::TooLarge {
                what: "file",
                size,
                max,
            });
        }
        let context = FtContext::new(file_name, size).to_base64();
        self.invite(
            now,
            Role::FileSender,
            euf_guid::FILE_TRANSFER,
            app_id::FILE_TRANSFER,
            context,
            |t| {
                t.size = size;
                t.data = data;
            },
        )
    }

    fn invite(
        &mut self,
        now: Instant,
        role: Role,
        euf: Guid,
        app_id: u32,
        context: String,
        fill: impl FnOnce(&mut Transfer),
    ) -> Result<u32, TransferError> {
        self.require_open()?;
        if self.transfers.len() >= self.config.max_transfers {
            return Err(TransferError::TooManyTransfers {
                max: self.config.max_transfers,
            });
        }
        let session_id = self.new_session_id();
        let call_id = self.ids.guid();
        let v2 = self.config.framing == P2pFraming::V2;
        let request = SessionRequest {
            euf_guid: euf,
            session_id,
            app_id,
            request_flags: v2.then_some(if role == Role::FileSender {
                FILE_REQUEST_FLAGS
            } else {
                OBJECT_REQUEST_FLAGS
            }),
            context: Some(context),
            extra: Vec::new(),
        };
        let branch = self.ids.guid();
        let msg = SlpMessage::session_invite(&self.peer, &self.local, branch, call_id, &request)
            .map_err(TransferError::Build)?;
        self.send_slp(&msg, Some(session_id))?;
        let mut t = Transfer {
            role,
            state: TransferState::Inviting,
            call_id,
            app_id,
            size: 0,
            object: None,
            data: Bytes::new(),
            invite: None,
            deadline: Some(now + self.config.answer_timeout),
        };
        fill(&mut t);
        self.transfers.insert(session_id, t);
        Ok(session_id)
    }

    /// Accepts a file the peer offered ([`P2pEvent::FileOffered`]): sends `200 OK`; the
    /// bytes arrive as [`P2pEvent::FileData`].
    ///
    /// # Errors
    /// [`TransferError::UnknownSession`], [`TransferError::WrongState`] unless the file is
    /// offered and undecided, [`TransferError::Closed`].
    pub fn accept(&mut self, now: Instant, session_id: u32) -> Result<(), TransferError> {
        let invite = self.offered(session_id, "accept")?;
        let msg = SlpMessage::accept_session(&invite, session_id).map_err(TransferError::Build)?;
        self.send_slp(&msg, Some(session_id))?;
        let timeout = self.config.timeout;
        let mut empty = false;
        if let Some(t) = self.transfers.get_mut(&session_id) {
            t.state = TransferState::Receiving;
            t.deadline = Some(now + timeout);
            empty = t.size == 0;
        }
        if empty {
            // An empty file has no data message: it is complete once accepted.
            self.send_bye(session_id);
            self.finish(session_id, Outcome::Completed);
        }
        Ok(())
    }

    /// Declines a file the peer offered: sends `603 Decline`; the transfer ends with
    /// [`Outcome::Declined`].
    ///
    /// # Errors
    /// As [`accept`](Self::accept).
    pub fn decline(&mut self, _now: Instant, session_id: u32) -> Result<(), TransferError> {
        let invite = self.offered(session_id, "decline")?;
        let msg = SlpMessage::decline_session(&invite, session_id).map_err(TransferError::Build)?;
        self.send_slp(&msg, None)?;
        self.finish(session_id, Outcome::Declined { by_peer: false });
        Ok(())
    }

    fn offered(
        &self,
        session_id: u32,
        call: &'static str,
    ) -> Result<SlpMessage<'static>, TransferError> {
        self.require_open()?;
        let t = self
            .transfers
            .get(&session_id)
            .ok_or(TransferError::UnknownSession(session_id))?;
        match (&t.invite, t.state) {
            (Some(invite), TransferState::AwaitingUser) => Ok(invite.clone()),
            _ => Err(TransferError::WrongState {
                session_id,
                call,
                state: t.state,
            }),
        }
    }

    /// Cancels a live transfer: sends `BYE` and drops its state; it ends with
    /// [`Outcome::Cancelled`] `{ by_peer: false }`.
    ///
    /// # Errors
    /// [`TransferError::UnknownSession`], [`TransferError::Closed`].
    pub fn cancel(&mut self, _now: Instant, session_id: u32) -> Result<(), TransferError> {
        self.require_open()?;
        if !self.transfers.contains_key(&session_id) {
            return Err(TransferError::UnknownSession(session_id));
        }
        self.send_bye(session_id);
        self.finish(session_id, Outcome::Cancelled { by_peer: false });
        Ok(())
    }

    /// Ends every transfer (the switchboard closed): each ends with
    /// [`Outcome::Cancelled`] `{ by_peer: false }`, nothing more is sent, and later input is
    /// refused with [`TransferError::Closed`].
    pub fn close(&mut self) {
        if self.closed {
            return;
        }
        let ids: Vec<u32> = self.transfers.keys().copied().collect();
        for id in ids {
            self.finish(id, Outcome::Cancelled { by_peer: false });
        }
        self.bridge.clear();
        self.closed = true;
    }

    /// The next chunk to send, if any.
    pub fn poll_transmit(&mut self) -> Option<P2pTransmit> {
        if self.closed {
            return None;
        }
        let payload = self.bridge.poll()?;
        let src = matches!(payload, P2pPayload::V2(_)).then(|| self.local.clone());
        Some(P2pTransmit {
            dest: self.peer.clone(),
            src,
            payload,
        })
    }

    /// The next event, if any.
    pub fn poll_event(&mut self) -> Option<P2pEvent> {
        self.events.pop_front()
    }

    /// When [`handle_timeout`](Self::handle_timeout) should next be called.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.transfers.values().filter_map(|t| t.deadline).min()
    }

    /// Ends, with [`TransferError::TimedOut`], every transfer whose peer was silent past its
    /// deadline (a `BYE` is sent so the peer can drop it too). A transfer whose data has not
    /// all been polled yet is not waiting on the peer: its deadline moves on instead.
    pub fn handle_timeout(&mut self, now: Instant) {
        // Data still queued here waits on the caller's pace, not on the peer.
        let timeout = self.config.timeout;
        for (&id, t) in &mut self.transfers {
            if t.deadline.is_some_and(|d| d <= now) && self.bridge.streaming(id) {
                t.deadline = Some(now + timeout);
            }
        }
        let expired: Vec<(u32, TransferState)> = self
            .transfers
            .iter()
            .filter(|(_, t)| t.deadline.is_some_and(|d| d <= now))
            .map(|(&id, t)| (id, t.state))
            .collect();
        for (session_id, state) in expired {
            self.send_bye(session_id);
            let e = TransferError::TimedOut { session_id, state };
            self.finish(session_id, Outcome::Failed(e));
        }
    }

    /// Takes the MIME payload of a switchboard `MSG` (as in
    /// [`SwitchboardEvent::Message`](crate::SwitchboardEvent::Message)).
    ///
    /// # Errors
    /// [`TransferError::NotP2p`] for another content type, [`TransferError::Mime`], and
    /// those of [`handle_p2p`](Self::handle_p2p).
    pub fn handle_mime(&mut self, now: Instant, payload: &[u8]) -> Result<(), TransferError> {
        let mime = MimeMessage::parse(payload).map_err(TransferError::Mime)?;
        if !mime.has_media_type(P2P_MEDIA_TYPE) {
            return Err(TransferError::NotP2p(
                mime.media_type().map(str::to_ascii_lowercase),
            ));
        }
        self.handle_p2p(now, mime.header("P2P-Dest"), &mime.body)
    }

    /// Takes the binary part of a received P2P message and its `P2P-Dest`. The framing is
    /// decided by [`P2pFraming::for_received`]; a chunk addressed to another endpoint or
    /// participant is dropped silently (p2p.md §2).
    ///
    /// # Errors
    /// A refused chunk ([`TransferError::Format`], [`TransferError::Reassembly`],
    /// [`TransferError::UnknownSession`], …); a transfer it names ends with the same error.
    /// [`TransferError::Closed`] after [`close`](Self::close).
    pub fn handle_p2p(
        &mut self,
        now: Instant,
        dest: Option<&str>,
        body: &[u8],
    ) -> Result<(), TransferError> {
        self.require_open()?;
        if !self.addressed_to_us(dest) {
            return Ok(());
        }
        let framing = P2pFraming::for_received(self.config.version, dest);
        let payload = P2pPayload::parse(framing, body).map_err(TransferError::Format)?;
        match payload {
            P2pPayload::V1(m) => {
                let h = m.header;
                match h.class() {
                    Class::Ack => {
                        if let Some(a) = self.bridge.acked_v1(&h) {
                            self.on_acked(now, a);
                        }
                        return Ok(());
                    }
                    Class::SessionEnded => {
                        if self.transfers.contains_key(&h.session_id) {
                            self.finish(h.session_id, Outcome::Cancelled { by_peer: true });
                        }
                        return Ok(());
                    }
                    Class::Nak | Class::Handshake | Class::Unknown => return Ok(()),
                    Class::Normal | Class::ObjectData | Class::FileData => {}
                }
                if h.session_id != 0 {
                    let kind = match h.class() {
                        Class::ObjectData => MessageKind::MsnObject,
                        Class::FileData => MessageKind::File,
                        _ => MessageKind::DataPreparation,
                    };
                    self.check_data(now, h.session_id, kind, Some(h.total_size))?;
                }
                match self.reassembler.push_v1(&m) {
                    Ok(progress) => self.on_progress(now, h.session_id, progress, Some(&h)),
                    Err(e) => Err(self.refused(h.session_id, e)),
                }
            }
            P2pPayload::V2(p) => {
                if let Some(value) = p.ack() {
                    for a in self.bridge.acked_v2(value) {
                        self.on_acked(now, a);
                    }
                }
                let chunk = self.push_v2(now, &p);
                // A refused packet is not acknowledged (p2p.md §11.2). ACKs are polled before
                // anything else, so queueing this one after the data was checked keeps order.
                if (p.is_rak() || p.is_syn()) && chunk.is_ok() {
                    self.bridge.ack_v2(p.ack_value());
                }
                match chunk? {
                    Some((session_id, progress)) => {
                        self.on_progress(now, session_id, progress, None)
                    }
                    None => Ok(()),
                }
            }
        }
    }

    /// Checks and reassembles the data of a P2Pv2 packet; `None` for a control packet.
    fn push_v2(
        &mut self,
        now: Instant,
        p: &P2pV2Packet<'_>,
    ) -> Result<Option<(u32, Progress)>, TransferError> {
        let Some(d) = &p.data else { return Ok(None) };
        if d.payload.is_empty() {
            return Ok(None);
        }
        if d.session_id != 0 {
            let kind = match d.tf.kind() {
                TfKind::MsnObject => MessageKind::MsnObject,
                TfKind::File => MessageKind::File,
                _ => MessageKind::DataPreparation,
            };
            let total =
                d.tf.is_first()
                    .then(|| {
                        d.remaining()
                            .unwrap_or(0)
                            .checked_add(d.payload.len() as u64)
                    })
                    .flatten();
            self.check_data(now, d.session_id, kind, total)?;
        }
        match self.reassembler.push_v2(p) {
            Ok(progress) => Ok(Some((d.session_id, progress))),
            Err(e) => Err(self.refused(d.session_id, e)),
        }
    }

    /// A chunk the reassembler refused: the transfer it names (if any) ends with the error.
    fn refused(&mut self, session_id: u32, e: ReassemblyError) -> TransferError {
        let e = TransferError::Reassembly(e);
        if session_id != 0 && self.transfers.contains_key(&session_id) {
            self.fail(session_id, e.clone());
        }
        e
    }

    /// Whether `P2P-Dest` names us: the same account and, when both sides of the comparison
    /// have one, the same endpoint GUID. No header is taken as ours.
    fn addressed_to_us(&self, dest: Option<&str>) -> bool {
        let Some(dest) = dest else { return true };
        let (Ok(d), Ok(me)) = (
            Handle::parse(dest.trim()),
            Handle::parse(self.config.local.trim()),
        ) else {
            return false;
        };
        if !d.address().eq_ignore_ascii_case(me.address()) {
            return false;
        }
        match (endpoint_guid(dest), endpoint_guid(&self.config.local)) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        }
    }

    /// Data on a non-zero SessionID must belong to a transfer receiving that kind, with the
    /// size its INVITE announced (p2p.md §11.2 items 3 and 9).
    fn check_data(
        &mut self,
        _now: Instant,
        session_id: u32,
        kind: MessageKind,
        total: Option<u64>,
    ) -> Result<(), TransferError> {
        let t = self
            .transfers
            .get(&session_id)
            .ok_or(TransferError::UnknownSession(session_id))?;
        let fits = matches!(
            (t.role, t.state, kind),
            (
                Role::ObjectRequester,
                TransferState::Receiving,
                MessageKind::DataPreparation | MessageKind::MsnObject
            ) | (
                Role::FileReceiver,
                TransferState::Receiving,
                MessageKind::File
            )
        );
        if !fits {
            let e = TransferError::UnexpectedData {
                session_id,
                what: match kind {
                    MessageKind::Slp | MessageKind::DataPreparation => "data preparation",
                    MessageKind::MsnObject => "object data",
                    MessageKind::File => "file data",
                },
                state: t.state,
            };
            // Data the transfer never asked for: drop the chunk, keep the transfer when it
            // is ours to send (a confused peer echoing), end it otherwise.
            if matches!(t.role, Role::ObjectRequester | Role::FileReceiver) {
                self.fail(session_id, e.clone());
            }
            return Err(e);
        }
        if let Some(announced) = total.filter(|_| kind != MessageKind::DataPreparation)
            && announced != t.size
        {
            let e = TransferError::SizeMismatch {
                session_id,
                expected: t.size,
                announced,
            };
            self.fail(session_id, e.clone());
            return Err(e);
        }
        Ok(())
    }

    /// Acts on what the reassembler made of a chunk; `v1` is the chunk's header (P2Pv1
    /// ACKs are per message).
    fn on_progress(
        &mut self,
        now: Instant,
        session_id: u32,
        progress: Progress,
        v1: Option<&P2pHeader>,
    ) -> Result<(), TransferError> {
        self.touch(now, session_id);
        match progress {
            Progress::Skipped | Progress::Buffered => Ok(()),
            Progress::Completed(c) => {
                if let Some(h) = v1 {
                    self.bridge.ack_v1(h);
                }
                self.on_message(now, c)
            }
            Progress::FileData {
                key,
                offset,
                bytes,
                last,
            } => {
                if let (true, Some(h)) = (last, v1) {
                    self.bridge.ack_v1(h);
                }
                let session_id = key.session_id;
                self.events.push_back(P2pEvent::FileData {
                    session_id,
                    offset,
                    data: bytes,
                });
                if last {
                    // The receiver closes after the last byte (msnp-sharp).
                    self.send_bye(session_id);
                    self.finish(session_id, Outcome::Completed);
                }
                Ok(())
            }
        }
    }

    fn on_message(&mut self, now: Instant, c: Completed) -> Result<(), TransferError> {
        let session_id = c.key.session_id;
        match c.kind {
            MessageKind::Slp => self.on_slp(now, &c.bytes),
            // Nothing to do but the ACK already queued (p2p.md §6 row 6).
            MessageKind::DataPreparation => Ok(()),
            MessageKind::MsnObject => {
                let Some(object) = self
                    .transfers
                    .get(&session_id)
                    .and_then(|t| t.object.clone())
                else {
                    return Err(TransferError::UnknownSession(session_id));
                };
                if !object.verify_data(&c.bytes) {
                    let e = TransferError::ObjectMismatch { session_id };
                    self.fail(session_id, e.clone());
                    return Err(e);
                }
                self.events.push_back(P2pEvent::ObjectReceived {
                    session_id,
                    object,
                    data: c.bytes,
                });
                // The requester closes once the object is verified (p2p.md §6 row n+2).
                self.send_bye(session_id);
                self.finish(session_id, Outcome::Completed);
                Ok(())
            }
            // The reassembler streams files; a whole one never comes out here.
            MessageKind::File => Ok(()),
        }
    }

    fn on_slp(&mut self, now: Instant, bytes: &[u8]) -> Result<(), TransferError> {
        let msg = SlpMessage::parse(bytes).map_err(TransferError::Slp)?;
        if let Err(e) = msg.validate() {
            if msg.method() == Some(method::INVITE) {
                self.answer_error(&msg);
            }
            return Err(TransferError::Slp(e));
        }
        let call_id = msg.call_id().map_err(TransferError::Slp)?;
        let content_type = msg.content_type().map_err(TransferError::Slp)?;
        match (msg.method(), msg.status_code()) {
            (Some(method::INVITE), _) => match content_type {
                SlpContentType::SessionRequest => self.on_invite(now, msg),
                SlpContentType::TransportRequest => {
                    // Direct connections are out of scope: stay on the switchboard.
                    let answer =
                        SlpMessage::stay_on_switchboard(&msg).map_err(TransferError::Build)?;
                    if let Some(id) = self.by_call(call_id) {
                        self.touch(now, id);
                    }
                    self.send_slp(&answer, None)
                }
                _ => {
                    self.answer_error(&msg);
                    Ok(())
                }
            },
            (Some(method::BYE), _) => {
                if let Some(id) = self.by_call(call_id) {
                    self.finish(id, Outcome::Cancelled { by_peer: true });
                }
                // A BYE after the transfer ended on our side needs nothing but its ACK.
                Ok(())
            }
            (Some(_), _) => Ok(()),
            (None, Some(code)) => self.on_response(now, call_id, code, &content_type),
            (None, None) => Ok(()),
        }
    }

    fn on_response(
        &mut self,
        now: Instant,
        call_id: Guid,
        code: u16,
        content_type: &SlpContentType,
    ) -> Result<(), TransferError> {
        let session_id = self
            .by_call(call_id)
            .ok_or(TransferError::UnknownCall(call_id))?;
        let Some(t) = self.transfers.get(&session_id) else {
            return Err(TransferError::UnknownSession(session_id));
        };
        if t.state != TransferState::Inviting || *content_type == SlpContentType::TransportResponse
        {
            // A late or transport answer: nothing to do.
            return Ok(());
        }
        match code {
            200..=299 => {
                let role = t.role;
                let data = t.data.clone();
                let (timeout, state) = (
                    self.config.timeout,
                    match role {
                        Role::FileSender => TransferState::Sending,
                        _ => TransferState::Receiving,
                    },
                );
                if let Some(t) = self.transfers.get_mut(&session_id) {
                    t.state = state;
                    t.deadline = Some(now + timeout);
                }
                self.events.push_back(P2pEvent::Accepted { session_id });
                if role == Role::FileSender && data.is_empty() {
                    // Nothing to send; the receiver completes on its own (see `accept`).
                    self.finish(session_id, Outcome::Completed);
                } else if role == Role::FileSender {
                    let ack_id = self.ids.next() as u32;
                    let awaited = Awaited {
                        session_id,
                        step: Step::Data,
                    };
                    self.bridge
                        .send(session_id, Kind::File, data, ack_id, Some(awaited));
                }
                Ok(())
            }
            603 => {
                self.finish(session_id, Outcome::Declined { by_peer: true });
                Ok(())
            }
            code => {
                let e = TransferError::Refused { session_id, code };
                self.finish(session_id, Outcome::Failed(e));
                Ok(())
            }
        }
    }

    fn on_invite(&mut self, now: Instant, msg: SlpMessage<'_>) -> Result<(), TransferError> {
        let request = match msg.body().and_then(|b| SessionRequest::from_body(&b)) {
            Ok(r) => r,
            Err(e) => {
                self.answer_error(&msg);
                return Err(TransferError::Slp(e));
            }
        };
        let session_id = request.session_id;
        if session_id == 0 || self.transfers.contains_key(&session_id) {
            self.answer_error(&msg);
            return Err(TransferError::SessionInUse(session_id));
        }
        let known =
            request.euf_guid == euf_guid::MSNOBJ || request.euf_guid == euf_guid::FILE_TRANSFER;
        if !known {
            // An application we do not run: decline so the peer can give up (p2p.md §5.5).
            return self.answer_decline(&msg, session_id);
        }
        if self.transfers.len() >= self.config.max_transfers {
            self.answer_decline(&msg, session_id)?;
            return Err(TransferError::TooManyTransfers {
                max: self.config.max_transfers,
            });
        }
        let bad_context = |error| TransferError::BadContext { session_id, error };
        let context = request
            .context
            .as_deref()
            .ok_or_else(|| bad_context(msnp_proto::p2p::P2pError::Missing("Context")));
        let mut t = Transfer {
            role: Role::ObjectOwner,
            state: TransferState::Accepting,
            call_id: msg.call_id().map_err(TransferError::Slp)?,
            app_id: request.app_id,
            size: 0,
            object: None,
            data: Bytes::new(),
            invite: Some(msg.clone().into_owned()),
            deadline: Some(now + self.config.timeout),
        };
        if request.euf_guid == euf_guid::MSNOBJ {
            let object = context
                .and_then(|c| msnobj_from_context(c, &XmlLimits::default()).map_err(bad_context));
            let object = match object {
                Ok(o) => o,
                Err(e) => {
                    self.answer_error(&msg);
                    return Err(e);
                }
            };
            let Some((published, data)) = self
                .published
                .iter()
                .find(|(o, _)| o.sha1d == object.sha1d)
                .cloned()
            else {
                // Not ours to give (p2p.md §6: 603 for an object we do not publish).
                return self.answer_decline(&msg, session_id);
            };
            t.size = data.len() as u64;
            t.object = Some(published.clone());
            t.data = data;
            let ok = SlpMessage::accept_session(&msg, session_id).map_err(TransferError::Build)?;
            self.transfers.insert(session_id, t);
            self.send_slp_step(&ok, session_id, Step::Accepted)?;
            self.events.push_back(P2pEvent::ObjectRequested {
                session_id,
                object: published,
            });
            return Ok(());
        }
        let ft = context.and_then(|c| FtContext::from_base64(c).map_err(bad_context));
        let ft = match ft {
            Ok(ft) => ft,
            Err(e) => {
                self.answer_error(&msg);
                return Err(e);
            }
        };
        let max = self.config.limits.max_file_size;
        if ft.file_size > max {
            self.answer_decline(&msg, session_id)?;
            return Err(TransferError::TooLarge {
                what: "file",
                size: ft.file_size,
                max,
            });
        }
        t.role = Role::FileReceiver;
        t.state = TransferState::AwaitingUser;
        t.size = ft.file_size;
        t.deadline = None;
        self.transfers.insert(session_id, t);
        self.events.push_back(P2pEvent::FileOffered {
            session_id,
            file_name: ft.sanitized_file_name(),
            size: ft.file_size,
            preview: ft.preview().map(<[u8]>::to_vec),
        });
        Ok(())
    }

    /// An awaited ACK arrived: the owner's next step, or the end of a sent transfer.
    fn on_acked(&mut self, now: Instant, a: Awaited) {
        let session_id = a.session_id;
        let Some(t) = self.transfers.get(&session_id) else {
            return;
        };
        let (role, state, app, data) = (t.role, t.state, t.app_id, t.data.clone());
        self.touch(now, session_id);
        match (a.step, role, state) {
            (Step::Accepted, Role::ObjectOwner, TransferState::Accepting) => {
                let ack_id = self.ids.next() as u32;
                let prep = Bytes::from_static(&DATA_PREPARATION);
                let kind = Kind::Preparation { app_id: app };
                if self.config.framing == P2pFraming::V1 {
                    // P2Pv1: the data only after the preparation's ACK (p2p.md §6).
                    let awaited = Awaited {
                        session_id,
                        step: Step::Preparation,
                    };
                    self.bridge
                        .send(session_id, kind, prep, ack_id, Some(awaited));
                    self.set_state(session_id, TransferState::Preparing);
                } else {
                    // P2Pv2: preparation and data back to back, RAK on the last chunk (§7).
                    self.bridge.send(session_id, kind, prep, ack_id, None);
                    self.send_data(session_id, app, data);
                }
            }
            (Step::Preparation, Role::ObjectOwner, TransferState::Preparing) => {
                self.send_data(session_id, app, data);
            }
            (Step::Data, Role::ObjectOwner | Role::FileSender, TransferState::Sending)
                if !self.bridge.streaming(session_id) =>
            {
                self.finish(session_id, Outcome::Completed);
            }
            _ => {}
        }
    }

    fn send_data(&mut self, session_id: u32, app: u32, data: Bytes) {
        let ack_id = self.ids.next() as u32;
        let awaited = Awaited {
            session_id,
            step: Step::Data,
        };
        self.bridge.send(
            session_id,
            Kind::Object { app_id: app },
            data,
            ack_id,
            Some(awaited),
        );
        self.set_state(session_id, TransferState::Sending);
    }

    fn set_state(&mut self, session_id: u32, state: TransferState) {
        if let Some(t) = self.transfers.get_mut(&session_id) {
            t.state = state;
        }
    }

    /// The peer showed life for this transfer: push its deadline back.
    fn touch(&mut self, now: Instant, session_id: u32) {
        let timeout = self.config.timeout;
        if let Some(t) = self.transfers.get_mut(&session_id)
            && t.deadline.is_some()
            && t.state != TransferState::Inviting
        {
            t.deadline = Some(now + timeout);
        }
    }

    fn by_call(&self, call_id: Guid) -> Option<u32> {
        self.transfers
            .iter()
            .find(|(_, t)| t.call_id == call_id)
            .map(|(&id, _)| id)
    }

    fn new_session_id(&mut self) -> u32 {
        loop {
            let id = self.ids.next() as u32;
            if id != 0 && !self.transfers.contains_key(&id) {
                return id;
            }
        }
    }

    fn send_slp(
        &mut self,
        msg: &SlpMessage<'_>,
        session: Option<u32>,
    ) -> Result<(), TransferError> {
        let awaited = session.map(|session_id| Awaited {
            session_id,
            step: Step::Signal,
        });
        self.queue_slp(msg, awaited)
    }

    fn send_slp_step(
        &mut self,
        msg: &SlpMessage<'_>,
        session_id: u32,
        step: Step,
    ) -> Result<(), TransferError> {
        self.queue_slp(msg, Some(Awaited { session_id, step }))
    }

    fn queue_slp(
        &mut self,
        msg: &SlpMessage<'_>,
        awaited: Option<Awaited>,
    ) -> Result<(), TransferError> {
        let bytes = msg.to_bytes().map_err(TransferError::Build)?;
        let ack_id = self.ids.next() as u32;
        self.bridge
            .send(0, Kind::Slp, Bytes::from(bytes), ack_id, awaited);
        Ok(())
    }

    /// `500 Internal Error` for a request we cannot process, when it has what an answer
    /// copies; otherwise it is ignored.
    fn answer_error(&mut self, request: &SlpMessage<'_>) {
        if let Ok(answer) = SlpMessage::internal_error(request) {
            let _ = self.send_slp(&answer, None);
        }
    }

    fn answer_decline(
        &mut self,
        request: &SlpMessage<'_>,
        session_id: u32,
    ) -> Result<(), TransferError> {
        let answer =
            SlpMessage::decline_session(request, session_id).map_err(TransferError::Build)?;
        self.send_slp(&answer, None)
    }

    /// Sends a `BYE` for a live transfer (best effort).
    fn send_bye(&mut self, session_id: u32) {
        let Some(call_id) = self.transfers.get(&session_id).map(|t| t.call_id) else {
            return;
        };
        let branch = self.ids.guid();
        if let Ok(bye) = SlpMessage::bye(&self.peer, &self.local, branch, call_id, session_id) {
            let _ = self.send_slp(&bye, None);
        }
    }

    /// Ends a receiving transfer after a violation: `BYE`, then [`Outcome::Failed`].
    fn fail(&mut self, session_id: u32, e: TransferError) {
        self.send_bye(session_id);
        self.finish(session_id, Outcome::Failed(e));
    }

    /// Drops a transfer's state everywhere and reports how it ended.
    fn finish(&mut self, session_id: u32, outcome: Outcome) {
        if self.transfers.remove(&session_id).is_none() {
            return;
        }
        self.reassembler.drop_session(session_id);
        self.bridge.drop_session(session_id);
        self.events.push_back(P2pEvent::Finished {
            session_id,
            outcome,
        });
    }

    fn require_open(&self) -> Result<(), TransferError> {
        if self.closed {
            Err(TransferError::Closed)
        } else {
            Ok(())
        }
    }
}
