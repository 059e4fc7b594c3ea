//! `msnp decode --input pcap`: MSNP commands out of pcap and pcapng captures.
//!
//! Frames are read in file order ([`capture`]), cut down to TCP segments ([`packet`]), and sorted
//! into connections (flows, numbered from 1 in order of appearance). Each direction of a flow is
//! put back in sequence order ([`reassembly`]) and fed to its own [`StreamDecoder`]; one
//! [`DialectTracker`] follows `VER` negotiation with one tracked connection per flow, so a
//! switchboard flow inherits the version of the latest notification flow. Records come out as
//! soon as the packet completing them is read: both directions of a flow, and all flows,
//! interleaved in capture order, each tagged with `flow` and `ts` (the capture time of that packet).
//!
//! Bytes missing from the capture (a segment the capture lost: a hole the peer acknowledged with
//! later data already captured, a hole still open when the out-of-order buffer fills, or at the
//! end of the flow) become a `gap` error record; the direction's decoder is reset and decoding resumes silently at
//! the first line that decodes again.
//!
//! HTTP gateway traffic (TCP port 80 by default, `--http-port`): requests to
//! `/gateway/gateway.dll` and their responses are framed ([`http`]) and their bodies decoded as
//! MSNP; a gateway session (`Action=open`, then `SessionID=…`) is one tracked connection whatever
//! TCP connections carry it, its records tagged with the `flow` of the TCP connection. Other HTTP
//! connections are ignored from their first request on.

pub mod capture;
pub mod http;
pub mod packet;
pub mod reassembly;

use std::collections::{HashMap, HashSet, VecDeque};
use std::io::{self, Read};
use std::net::SocketAddr;

use msnp_proto::negotiation::{DEFAULT_MAX_SAVED_CONNECTIONS, DialectTracker};
use msnp_proto::stream::{StreamDecoder, WireItem};
use msnp_proto::{Direction, Limits};

use super::InputConfig;
use super::wire::error_body;
use crate::record::{ErrorBody, dir_code};
use crate::sink::Sink;
use capture::{CaptureError, CaptureLimits, Frame};
use http::{HttpLimits, HttpStream, Message};
use packet::{PacketError, Segment};
use reassembly::{Delivery, Reassembler};

/// The MSNP port (dispatch, notification and switchboard servers).
pub(crate) const MSNP_PORT: u16 = 1863;

/// The HTTP gateway's port.
pub(crate) const HTTP_PORT: u16 = 80;

/// Options of `msnp decode` for captures.
#[derive(Clone, Debug, clap::Args)]
pub(crate) struct PcapOpts {
    /// Captures: a TCP port carrying MSNP (repeatable; 1863 when none is given).
    #[arg(long = "port", value_name = "N")]
    pub(crate) ports: Vec<u16>,
    /// Captures: decode TCP traffic on every port, not only the MSNP ports.
    #[arg(long)]
    pub(crate) all_ports: bool,
    /// Captures: a TCP port carrying the MSN HTTP gateway (repeatable; 80 when none is given).
    #[arg(long = "http-port", value_name = "N")]
    pub(crate) http_ports: Vec<u16>,
    /// Captures: most TCP connections followed at a time (packets of further connections are
    /// ignored while that many are open), and most HTTP gateway sessions in all.
    #[arg(long, default_value_t = 10_000)]
    pub(crate) max_flows: usize,
    /// Captures: largest HTTP gateway message body, in bytes.
    #[arg(long, default_value_t = 4 << 20)]
    pub(crate) max_http_body: usize,
    /// Captures: most out-of-order bytes buffered per connection direction before the hole
    /// before them is declared lost.
    #[arg(long, default_value_t = 1 << 20)]
    pub(crate) max_reorder: usize,
    /// Captures: most out-of-order bytes buffered by all connections together; past it, the
    /// connection receiving a segment stops waiting for its holes.
    #[arg(long, default_value_t = 64 << 20)]
    pub(crate) max_reorder_total: usize,
    /// Captures: largest pcap record or pcapng block accepted, in bytes.
    #[arg(long, default_value_t = 16 << 20)]
    pub(crate) max_block: usize,
}

impl PcapOpts {
    fn is_msnp_port(&self, port: u16) -> bool {
        if self.ports.is_empty() {
            port == MSNP_PORT
        } else {
            self.ports.contains(&port)
        }
    }

    fn is_http_port(&self, port: u16) -> bool {
        if self.http_ports.is_empty() {
            port == HTTP_PORT
        } else {
            self.http_ports.contains(&port)
        }
    }

    fn wanted(&self, port: u16) -> bool {
        self.all_ports || self.is_msnp_port(port) || self.is_http_port(port)
    }
}

/// Decodes the capture read from `input`; returns the bytes read. A capture that cannot be read
/// to its end gives an error record (after the records of everything before the damage).
pub(crate) fn decode_capture(
    input: impl Read,
    config: &InputConfig,
    sink: &mut impl Sink,
) -> io::Result<u64> {
    let mut flows = Flows::new(config);
    let limits = CaptureLimits {
        max_block: config.pcap.max_block,
    };
    let res = capture::read_frames(input, limits, |f| match f {
        Some(f) => flows.frame(f, sink),
        // A live capture may block now: let the records out.
        None => sink.idle(),
    });
    flows.finish_all(sink)?;
    sink.set_context(None, None);
    match res {
        Ok(n) => Ok(n),
        Err(CaptureError::Io(e)) => Err(e),
        Err(e) => {
            sink.error(ErrorBody {
                kind: e.kind_name(),
                message: e.to_string(),
                offset: e.offset(),
                line: 0,
                cmd: None,
                dir: None,
            })?;
            Ok(e.offset())
        }
    }
}

/// The decoding state of one direction of one MSNP byte stream (its connection is the
/// tracker's connection id).
type Stream = StreamDecoder;

/// One direction of a TCP connection.
#[derive(Debug)]
struct Side {
    reasm: Reassembler,
    /// The MSNP decoder of a plain connection (unused on gateway connections).
    stream: Stream,
}

/// The HTTP state of a gateway connection.
#[derive(Debug)]
struct HttpFlow {
    /// `[requests, responses]`.
    framers: [HttpStream; 2],
    /// Session of each request still waiting for its response, in order (at most
    /// [`MAX_WAITING`]).
    waiting: VecDeque<Option<usize>>,
    /// A gateway request was seen (errors are reported from then on).
    gateway: bool,
    /// A request that is not the gateway's was seen.
    plain: bool,
}

/// Most HTTP requests of one connection awaiting their responses: a gateway client waits for
/// each (pipelining a few at most), so a connection past this is not followed further, and
/// its memory stays bounded.
const MAX_WAITING: usize = 1024;

/// One TCP connection.
#[derive(Debug)]
struct Flow {
    id: u32,
    /// `[client → server, server → client]`.
    sides: [Side; 2],
    fin: [bool; 2],
    last_ts: Option<f64>,
    /// Set on HTTP gateway ports.
    http: Option<HttpFlow>,
    /// HTTP that is not the gateway: packets are dropped until the connection ends.
    ignored: bool,
}

/// A gateway session: one MSNP connection carried by HTTP requests.
#[derive(Debug)]
struct Session {
    streams: [Stream; 2],
    /// The TCP connection that carried it last (for records emitted at the end).
    flow: u32,
    /// Its `SessionID`, the latest the gateway gave (the one key it has in `session_ids`).
    name: Option<String>,
}

/// Everything needed to emit records for one stream.
struct Ctx<'a, S> {
    tracker: &'a mut DialectTracker,
    sink: &'a mut S,
    /// `flow` of the records.
    flow: u32,
    ts: Option<f64>,
}

/// All flows of a capture.
#[derive(Debug)]
struct Flows<'a> {
    opts: &'a PcapOpts,
    limits: Limits,
    tracker: DialectTracker,
    /// By (client, server).
    flows: HashMap<(SocketAddr, SocketAddr), Flow>,
    next_id: u32,
    too_many_reported: bool,
    /// Link types already reported as unusable.
    bad_links: HashSet<i32>,
    scratch: Vec<Delivery>,
    sessions: Vec<Session>,
    session_ids: HashMap<String, usize>,
    /// Out-of-order bytes buffered by all flows.
    buffered: usize,
}

impl<'a> Flows<'a> {
    fn new(config: &'a InputConfig) -> Self {
        Self {
            opts: &config.pcap,
            limits: config.limits,
            // Every connection followed at once (`--max-flows`) and every gateway session (as
            // many) keeps its negotiation: the tracker forgets none that is still followed.
            tracker: config.tracker.clone().with_max_saved_connections(
                DEFAULT_MAX_SAVED_CONNECTIONS.max(config.pcap.max_flows.saturating_mul(2)),
            ),
            flows: HashMap::new(),
            next_id: 1,
            too_many_reported: false,
            bad_links: HashSet::new(),
            scratch: Vec::new(),
            sessions: Vec::new(),
            session_ids: HashMap::new(),
            buffered: 0,
        }
    }

    fn stream(&self, conn: u32, dir: Direction) -> Stream {
        StreamDecoder::new(&self.tracker, Some(conn), Some(dir), self.limits)
    }

    fn frame(&mut self, f: Frame<'_>, sink: &mut impl Sink) -> io::Result<()> {
        let seg = match packet::tcp_segment(f.link, f.data) {
            Ok(Some(seg)) => seg,
            Ok(None) => return Ok(()),
            Err(e @ (PacketError::UnsupportedLink(_) | PacketError::UndeclaredInterface)) => {
                // Reported once per link type.
                if !self.bad_links.insert(f.link.0) {
                    return Ok(());
                }
                let kind = match e {
                    PacketError::UndeclaredInterface => "undeclared_interface",
                    _ => "unsupported_link",
                };
                return frame_error(sink, &f, kind, &e);
            }
            Err(e) => return frame_error(sink, &f, "bad_packet", &e),
        };
        if !self.opts.wanted(seg.src.port()) && !self.opts.wanted(seg.dst.port()) {
            return Ok(());
        }
        let Some((key, d)) = self.flow_of(&seg, &f, sink)? else {
            return Ok(());
        };
        // Taken out of the table while its packet is handled.
        let Some(mut flow) = self.flows.remove(&key) else {
            return Ok(());
        };
        flow.last_ts = f.ts.or(flow.last_ts);
        if !flow.ignored {
            // The acknowledgement covers bytes sent before this packet: handle it first.
            if let Some(ack) = seg.ack
                && let Some(other) = flow.sides.get_mut(1 - d)
            {
                let before = other.reasm.pending_bytes();
                other.reasm.acked(ack, &mut self.scratch);
                self.buffered = self.buffered.saturating_sub(before) + other.reasm.pending_bytes();
                self.deliver(&mut flow, 1 - d, sink)?;
            }
            if let Some(this) = flow.sides.get_mut(d) {
                let before = this.reasm.pending_bytes();
                let mut seq = seg.seq;
                if seg.syn {
                    this.reasm.syn(seg.seq);
                    seq = seq.wrapping_add(1);
                }
                this.reasm
                    .segment(seq, seg.payload, seg.fin, &mut self.scratch);
                self.buffered = self.buffered.saturating_sub(before) + this.reasm.pending_bytes();
                if self.buffered > self.opts.max_reorder_total {
                    self.buffered = self.buffered.saturating_sub(this.reasm.pending_bytes());
                    this.reasm.give_up_waiting(&mut self.scratch);
                }
            }
            self.deliver(&mut flow, d, sink)?;
        }
        if seg.fin {
            flow.fin[d] = true;
        }
        if seg.rst || flow.fin == [true, true] {
            self.close(flow, sink)
        } else {
            self.flows.insert(key, flow);
            Ok(())
        }
    }

    /// Hands what the reassembler of direction `d` produced (in `scratch`) on.
    fn deliver(&mut self, flow: &mut Flow, d: usize, sink: &mut impl Sink) -> io::Result<()> {
        if self.scratch.is_empty() {
            return Ok(());
        }
        let mut out = core::mem::take(&mut self.scratch);
        let res = self.deliver_from(flow, d, &mut out, sink);
        out.clear();
        self.scratch = out;
        res
    }

    fn deliver_from(
        &mut self,
        flow: &mut Flow,
        d: usize,
        out: &mut Vec<Delivery>,
        sink: &mut impl Sink,
    ) -> io::Result<()> {
        let (id, ts) = (flow.id, flow.last_ts);
        let Some(h) = flow.http.as_mut() else {
            let Some(side) = flow.sides.get_mut(d) else {
                return Ok(());
            };
            let mut ctx = Ctx {
                tracker: &mut self.tracker,
                sink,
                flow: id,
                ts,
            };
            return feed(&mut side.stream, out, &mut ctx);
        };
        // Gateway connection: frame HTTP, then decode the bodies in their sessions.
        let dir = if d == 0 {
            Direction::ClientToServer
        } else {
            Direction::ServerToClient
        };
        let mut messages = Vec::new();
        for delivery in out.drain(..) {
            let Some(framer) = h.framers.get_mut(d) else {
                return Ok(());
            };
            let problem = match delivery {
                Delivery::Data(bytes) => framer
                    .push(&bytes, &mut messages)
                    .err()
                    .map(|e| ("http", format!("{e}; resuming at the next HTTP message"), 0)),
                Delivery::Gap { at, lost } => {
                    framer.gap();
                    Some((
                        "gap",
                        format!(
                            "{lost} bytes missing from the capture at stream offset {at}; \
                             resuming at the next HTTP message"
                        ),
                        at,
                    ))
                }
            };
            if let Some((kind, message, offset)) = problem
                && h.gateway
            {
                sink.set_context(Some(id), ts);
                sink.error(ErrorBody {
                    kind,
                    message,
                    offset,
                    line: 0,
                    cmd: None,
                    dir: dir_code(Some(dir)),
                })?;
            }
            for m in messages.drain(..) {
                if d == 0 && h.waiting.len() >= MAX_WAITING {
                    sink.set_context(Some(id), ts);
                    sink.error(ErrorBody {
                        kind: "http",
                        message: format!(
                            "more than {MAX_WAITING} HTTP requests await their responses; \
                             the connection is not followed further"
                        ),
                        offset: 0,
                        line: 0,
                        cmd: None,
                        dir: dir_code(Some(dir)),
                    })?;
                    flow.ignored = true;
                    return Ok(());
                }
                if let Some(session) = self.session_of(id, h, d, &m) {
                    self.session_body(session, id, ts, d, m.body, sink)?;
                }
            }
            if !h.gateway && h.plain {
                // Plain web traffic: not followed any further.
                flow.ignored = true;
                return Ok(());
            }
        }
        Ok(())
    }

    /// The session of a gateway request (`d == 0`) or response, creating it for a new one.
    fn session_of(&mut self, flow: u32, h: &mut HttpFlow, d: usize, m: &Message) -> Option<usize> {
        if d == 0 {
            if !m.is_gateway_request() {
                h.waiting.push_back(None);
                h.plain = true;
                return None;
            }
            h.gateway = true;
            let named = m.query("SessionID");
            let idx = match named.and_then(|s| self.session_ids.get(s).copied()) {
                Some(i) => i,
                None if self.sessions.len() >= self.opts.max_flows => {
                    // As many sessions as connections may be followed; further ones are not.
                    h.waiting.push_back(None);
                    return None;
                }
                None => {
                    let i = self.sessions.len();
                    if let Some(s) = named {
                        self.session_ids.insert(s.to_owned(), i);
                    }
                    let conn = u32::MAX - i as u32;
                    let session = Session {
                        streams: [
                            self.stream(conn, Direction::ClientToServer),
                            self.stream(conn, Direction::ServerToClient),
                        ],
                        flow,
                        name: named.map(str::to_owned),
                    };
                    self.sessions.push(session);
                    i
                }
            };
            h.waiting.push_back(Some(idx));
            Some(idx)
        } else {
            let asked = h.waiting.pop_front().flatten();
            let named = m
                .session
                .as_deref()
                .and_then(|s| self.session_ids.get(s).copied());
            match (named, asked) {
                (Some(i), _) => Some(i),
                (None, Some(i)) => {
                    // The answer to `Action=open` names the session from now on; a later name
                    // replaces the one before, so there are never more names than sessions.
                    if let Some(s) = &m.session
                        && let Some(session) = self.sessions.get_mut(i)
                    {
                        if let Some(old) = session.name.replace(s.clone()) {
                            self.session_ids.remove(&old);
                        }
                        self.session_ids.insert(s.clone(), i);
                    }
                    Some(i)
                }
                (None, None) => None,
            }
        }
    }

    /// Decodes a gateway message body in its session.
    fn session_body(
        &mut self,
        session: usize,
        flow: u32,
        ts: Option<f64>,
        d: usize,
        body: Vec<u8>,
        sink: &mut impl Sink,
    ) -> io::Result<()> {
        let Some(session) = self.sessions.get_mut(session) else {
            return Ok(());
        };
        session.flow = flow;
        if body.is_empty() {
            return Ok(());
        }
        let mut ctx = Ctx {
            tracker: &mut self.tracker,
            sink,
            flow,
            ts,
        };
        let Some(stream) = session.streams.get_mut(d) else {
            return Ok(());
        };
        feed(stream, &mut vec![Delivery::Data(body)], &mut ctx)
    }

    /// The flow of a segment and its direction (0: from the client), creating it for a SYN or
    /// a segment with data; `None` when the segment is to be ignored.
    fn flow_of(
        &mut self,
        seg: &Segment<'_>,
        f: &Frame<'_>,
        sink: &mut impl Sink,
    ) -> io::Result<Option<((SocketAddr, SocketAddr), usize)>> {
        let fwd = (seg.src, seg.dst);
        let rev = (seg.dst, seg.src);
        let opening = seg.syn && seg.ack.is_none();
        let found = if self.flows.contains_key(&fwd) {
            Some((fwd, 0))
        } else if self.flows.contains_key(&rev) {
            Some((rev, 1))
        } else {
            None
        };
        if let Some((key, d)) = found {
            // A new SYN with another initial sequence number: the ports were reused.
            let reused = opening
                && self
                    .flows
                    .get(&key)
                    .and_then(|fl| fl.sides[d].reasm.isn())
                    .is_some_and(|isn| isn != seg.seq);
            if !reused {
                return Ok(Some((key, d)));
            }
            if let Some(old) = self.flows.remove(&key) {
                self.close(old, sink)?;
            }
        }
        if !seg.syn && seg.payload.is_empty() {
            return Ok(None);
        }
        if self.flows.len() >= self.opts.max_flows {
            if !self.too_many_reported {
                self.too_many_reported = true;
                sink.set_context(None, f.ts);
                sink.error(ErrorBody {
                    kind: "too_many_flows",
                    message: format!(
                        "more than {} TCP connections open at once (--max-flows): frame {} and \
                         the packets of further connections are ignored",
                        self.opts.max_flows, f.number
                    ),
                    offset: f.number,
                    line: 0,
                    cmd: None,
                    dir: None,
                })?;
            }
            return Ok(None);
        }
        let from_client = if seg.syn {
            seg.ack.is_none()
        } else {
            let server = |p| self.opts.is_msnp_port(p) || self.opts.is_http_port(p);
            match (server(seg.src.port()), server(seg.dst.port())) {
                (false, true) => true,
                (true, false) => false,
                // Both or neither: the server has the lower port.
                _ => seg.src.port() > seg.dst.port(),
            }
        };
        let key = if from_client { fwd } else { rev };
        let id = self.next_id;
        self.next_id = self.next_id.saturating_add(1);
        let side = |dir| Side {
            reasm: Reassembler::new(self.opts.max_reorder),
            stream: self.stream(id, dir),
        };
        let http_limits = HttpLimits {
            max_body: self.opts.max_http_body,
            ..HttpLimits::default()
        };
        let http = (self.opts.is_http_port(key.1.port()) && !self.opts.is_msnp_port(key.1.port()))
            .then(|| HttpFlow {
                framers: [HttpStream::new(http_limits), HttpStream::new(http_limits)],
                waiting: VecDeque::new(),
                gateway: false,
                plain: false,
            });
        self.flows.insert(
            key,
            Flow {
                id,
                sides: [
                    side(Direction::ClientToServer),
                    side(Direction::ServerToClient),
                ],
                fin: [false, false],
                last_ts: f.ts,
                http,
                ignored: false,
            },
        );
        Ok(Some((key, usize::from(!from_client))))
    }

    /// Ends a flow: flushes both directions and reports unfinished commands.
    fn close(&mut self, mut flow: Flow, sink: &mut impl Sink) -> io::Result<()> {
        if flow.ignored {
            for side in &flow.sides {
                self.buffered = self.buffered.saturating_sub(side.reasm.pending_bytes());
            }
            return Ok(());
        }
        for d in 0..2 {
            if let Some(side) = flow.sides.get_mut(d) {
                self.buffered = self.buffered.saturating_sub(side.reasm.pending_bytes());
                side.reasm.finish(&mut self.scratch);
            }
            self.deliver(&mut flow, d, sink)?;
            if let Some(h) = &flow.http {
                // Gateway sessions outlive their TCP connections: finished at the very end.
                let held = h.framers.get(d).map_or(0, HttpStream::held);
                if h.gateway && held > 0 {
                    sink.set_context(Some(flow.id), flow.last_ts);
                    sink.error(ErrorBody {
                        kind: "http_truncated",
                        message: format!(
                            "the connection ended inside an HTTP message ({held} bytes)"
                        ),
                        offset: flow.sides.get(d).map_or(0, |s| s.reasm.delivered()),
                        line: 0,
                        cmd: None,
                        dir: dir_code(Some(if d == 0 {
                            Direction::ClientToServer
                        } else {
                            Direction::ServerToClient
                        })),
                    })?;
                }
                continue;
            }
            let Some(side) = flow.sides.get_mut(d) else {
                continue;
            };
            let mut ctx = Ctx {
                tracker: &mut self.tracker,
                sink,
                flow: flow.id,
                ts: flow.last_ts,
            };
            finish(&mut side.stream, &mut ctx)?;
        }
        Ok(())
    }

    /// Ends every flow still open at the end of the capture, in order of appearance, then every
    /// gateway session.
    fn finish_all(&mut self, sink: &mut impl Sink) -> io::Result<()> {
        let mut open: Vec<Flow> = self.flows.drain().map(|(_, f)| f).collect();
        open.sort_by_key(|f| f.id);
        for flow in open {
            self.close(flow, sink)?;
        }
        for session in &mut self.sessions {
            let mut ctx = Ctx {
                tracker: &mut self.tracker,
                sink,
                flow: session.flow,
                ts: None,
            };
            for stream in &mut session.streams {
                finish(stream, &mut ctx)?;
            }
        }
        Ok(())
    }
}

fn frame_error(
    sink: &mut impl Sink,
    f: &Frame<'_>,
    kind: &'static str,
    e: &PacketError,
) -> io::Result<()> {
    sink.set_context(None, f.ts);
    sink.error(ErrorBody {
        kind,
        message: format!("frame {}: {e}", f.number),
        offset: f.number,
        line: 0,
        cmd: None,
        dir: None,
    })
}

impl<S: Sink> Ctx<'_, S> {
    fn error(&mut self, body: ErrorBody<'_>) -> io::Result<()> {
        self.sink.set_context(Some(self.flow), self.ts);
        self.sink.error(body)
    }

    /// Writes one item of a stream.
    fn emit(&mut self, item: WireItem<'_>) -> io::Result<()> {
        self.sink.set_context(Some(self.flow), self.ts);
        match item {
            WireItem::Command(c) => self.sink.command(&c.command, &c.dialect),
            WireItem::Error {
                error,
                position,
                direction,
                ..
            } => self.sink.error(error_body(&error, position, direction)),
        }
    }
}

/// Hands reassembled bytes and gaps to a stream's decoder, emitting records.
fn feed<S: Sink>(
    stream: &mut Stream,
    out: &mut Vec<Delivery>,
    ctx: &mut Ctx<'_, S>,
) -> io::Result<()> {
    for d in out.drain(..) {
        match d {
            Delivery::Data(bytes) => {
                stream.feed(&bytes);
                while let Some(item) = stream.next_item(ctx.tracker) {
                    ctx.emit(item)?;
                }
            }
            Delivery::Gap { at, lost } => {
                let gap = stream.gap(at, lost);
                ctx.error(ErrorBody {
                    kind: "gap",
                    message: format!(
                        "{lost} bytes missing from the capture at stream offset {at} \
                         ({} undecoded bytes before them dropped); decoding resumes at the next line",
                        gap.dropped
                    ),
                    offset: at,
                    line: gap.line,
                    cmd: None,
                    dir: dir_code(stream.direction()),
                })?;
            }
        }
    }
    Ok(())
}

/// The stream is over: an unfinished command is reported (unless after a gap).
fn finish<S: Sink>(stream: &mut Stream, ctx: &mut Ctx<'_, S>) -> io::Result<()> {
    match stream.finish() {
        Some(item) => ctx.emit(item),
        None => Ok(()),
    }
}
