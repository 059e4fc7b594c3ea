//! The raw path allocates nothing per command: a counting global allocator watches the decoder
//! over the whole benchmark corpus, in one piece and in chunks.

use std::alloc::System;

use msnp_bench::{Profile, corpus};
use msnp_proto::{Decoder, Limits, Status};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// The counter is process-wide, and the test harness allocates on its own threads whenever a
/// test finishes (a lock between tests is not enough: the report of the one that just ended
/// lands inside the next one's measurement). So the checks run one after another inside a
/// single test.
#[test]
fn allocation_counts() {
    the_counter_counts();
    raw_decode_allocates_nothing();
    typed_decode_allocates_nothing();
    xml_events_allocate_nothing();
    session_allocations_per_command();
    switchboard_allocations_per_command();
}

/// The XML reader allocates nothing of its own: its open elements are kept in place (names
/// borrowed from the input) and its events borrow from the input, for a document of ordinary
/// depth whose texts and attribute values need no unescaping. Comments, processing
/// instructions, a declaration and CDATA are skipped or borrowed too.
fn xml_events_allocate_nothing() {
    use msnp_proto::xml::{XmlEvent, XmlLimits, XmlOptions, XmlReader};
    let docs = [
        "<Data><PSM>Listening</PSM><CurrentMedia></CurrentMedia><MachineGuid>{5C4F20D2-69E8-45DF-8A2B-2D40A81C2F41}</MachineGuid></Data>",
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!-- roster --><ml l=\"1\"><d n=\"hotmail.com\"><c n=\"bob\" l=\"3\" t=\"1\"/><c n=\"carol\" l=\"3\" t=\"1\" /></d><?pi x?><d n=\"msn.com\"><c n=\"dave\" l=\"1\" t=\"1\"/></d></ml>",
        "<NOTIFICATION ver=\"2\" id=\"1\" siteid=\"0\" siteurl=\"http://www.hotmail.com\"><TO pid=\"0x00060000:0x81ee5a43\" name=\"alice@hotmail.com\"><VIA agent=\"messenger\"/></TO><MSG id=\"0\"><BODY lang=\"1033\"><TEXT><![CDATA[You have new mail.]]></TEXT></BODY></MSG></NOTIFICATION>",
    ];
    let limits = XmlLimits::default();
    for doc in docs {
        let region = Region::new(GLOBAL);
        let mut events = 0usize;
        let mut r = XmlReader::document(doc, &limits, XmlOptions::default()).expect("in limits");
        while let Some(e) = r.next().expect("well-formed") {
            if let XmlEvent::Start(t) = &e {
                events += t.attrs().count();
            }
            events += 1;
        }
        let stats = region.change();
        assert!(events >= 10, "{doc}");
        assert_eq!(stats.allocations, 0, "{doc}: {stats:?}");
    }
}

/// A signed-in notification session, fed the server's traffic of the shared MSNP15 transcript
/// over and over: allocations per command, per verb. A command's bytes are split off the input
/// buffer, not copied; the roster key is borrowed when the handle is lower-case already (as
/// here); a presence line is compared with the roster in wire form, and its event shares the
/// roster's strings (`Arc<str>`). So `ILN`, `NLN` and `FLN` that change only the status
/// allocate nothing, nor do `QNG` and `NOT`. `UBX` is read from XML events into a `UserData`
/// that borrows its texts, and the roster compares them with what it holds: nothing allocated
/// either (the XML reader keeps its open elements in place, their names borrowed). The `MSG`
/// here is the login's profile, a 500-byte MIME document whose event owns its fields.
/// The client's own commands (a keepalive `PNG`, a `CHG`) are encoded into blocks of the
/// session's that are reused, so a round of them and their replies allocates nothing either.
/// The counts must not grow with the traffic, nor rise above the counts measured when this was
/// written.
fn session_allocations_per_command() {
    use msnp_proto::PresenceStatus;
    use msnp_proto::negotiation::DialectTracker;
    use msnp_proto::stream::{TranscriptItem, TranscriptStream};
    use msnp_proto::{Direction, ProtocolVersion};
    use msnp_session::{SessionConfig, SessionEvent, SessionPhase};

    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../crates/msnp-proto/tests/data/transcripts/msnp15.md"
    ))
    .expect("transcript");
    let verbs = ["ILN", "NLN", "FLN", "UBX", "NOT", "MSG", "QNG"];
    let mut frames: Vec<(String, Vec<u8>)> = Vec::new();
    for item in TranscriptStream::new(&text, DialectTracker::new(ProtocolVersion::Msnp15)) {
        if let TranscriptItem::Command(c) = item {
            let verb = c.command.as_raw().verb().to_string();
            if c.direction == Some(Direction::ServerToClient)
                && verbs.contains(&verb.as_str())
                && !frames.iter().any(|(v, _)| *v == verb)
            {
                frames.push((verb, c.command.frame().to_vec()));
            }
        }
    }
    assert_eq!(frames.len(), verbs.len(), "one of each: {frames:?}");
    let client = msnp_bench::signed_in_client(ProtocolVersion::Msnp15).expect("signed in");
    let now = std::time::Instant::now();
    let mut session = client
        .into_session(SessionConfig::default(), now)
        .expect("session");
    while session.poll_event().is_some() {}
    while session.poll_transmit().is_some() {}
    const ROUNDS: usize = 200;
    let mut per_verb = Vec::new();
    for (verb, frame) in &frames {
        // Once to warm up (first sight of a contact may allocate its roster entry).
        session.handle_input(frame).expect("accepted");
        while session.poll_event().is_some() {}
        let region = Region::new(GLOBAL);
        for _ in 0..ROUNDS {
            session.handle_input(frame).expect("accepted");
            while session.poll_event().is_some() {}
            while session.poll_transmit().is_some() {}
        }
        let stats = region.change();
        per_verb.push((verb.clone(), stats.allocations as f64 / ROUNDS as f64));
    }
    // The client's side of the traffic: a keepalive (`PNG` sent when due, `QNG` read) and a
    // status change (`CHG` sent, the server's `CHG` read) per round.
    let round = |session: &mut msnp_session::NotificationSession, at: std::time::Instant| {
        let due = session.poll_timeout().expect("a ping is due later");
        session.handle_timeout(due.max(at));
        let png = session.poll_transmit().expect("PNG");
        assert_eq!(&png.frame()[..], b"PNG\r\n");
        session.handle_input(b"QNG 50\r\n").expect("QNG");
        let trid = session
            .set_status(PresenceStatus::Away, None, None)
            .expect("CHG");
        while session.poll_transmit().is_some() {}
        let mut reply = [0u8; 32];
        let reply = line(&mut reply, format_args!("CHG {} AWY 0\r\n", trid.0));
        session.handle_input(reply).expect("CHG");
        let mut done = 0;
        while let Some(e) = session.poll_event() {
            done += usize::from(matches!(e, SessionEvent::RequestDone { id, .. } if id == trid));
        }
        assert_eq!(done, 1);
        due
    };
    let mut at = round(&mut session, now);
    let region = Region::new(GLOBAL);
    for _ in 0..ROUNDS {
        at = round(&mut session, at);
    }
    let stats = region.change();
    per_verb.push((
        "PNG+QNG+CHG".into(),
        stats.allocations as f64 / ROUNDS as f64,
    ));
    assert_eq!(session.phase(), SessionPhase::Open);
    eprintln!("session allocations per command: {per_verb:?}");
    let most = [
        ("MSG", 59.0),
        ("ILN", 0.0),
        ("UBX", 0.0),
        ("NLN", 0.0),
        ("NOT", 0.0),
        ("QNG", 0.0),
        ("FLN", 0.0),
    ];
    for (verb, n) in &per_verb {
        // Whole numbers: the same work every time, nothing that grows.
        assert_eq!(n.fract(), 0.0, "{verb}: {n}");
        let bound = most.iter().find(|(v, _)| v == verb).map_or(0.0, |b| b.1);
        assert!(
            *n <= bound,
            "{verb}: {n} allocations per command (at most {bound})"
        );
    }
}

fn raw_decode_allocates_nothing() {
    let c = corpus(Profile::Mixed, 2 << 20, 11);
    let decoders: Vec<Decoder> = c
        .segments
        .iter()
        .map(|s| Decoder::new(s.dialect, Limits::default()))
        .collect();
    let mut decoders = decoders;
    let region = Region::new(GLOBAL);
    let mut commands = 0usize;
    for (s, dec) in c.segments.iter().zip(decoders.iter_mut()) {
        // One piece.
        let mut buf = &s.bytes[..];
        while let Ok(Status::Complete { value, consumed }) = dec.decode(buf) {
            commands += usize::from(value.token_count() > 0);
            buf = &buf[consumed..];
        }
        // Chunks of 61 bytes, as a socket would deliver them.
        let (mut start, mut end) = (0usize, 0usize);
        loop {
            match dec.decode(&s.bytes[start..end]) {
                Ok(Status::Complete { consumed, .. }) => {
                    start += consumed;
                    commands += 1;
                }
                Ok(Status::Incomplete(_)) if end < s.bytes.len() => {
                    end = (end + 61).min(s.bytes.len())
                }
                _ => break,
            }
        }
    }
    let stats = region.change();
    assert_eq!(commands, 2 * c.commands());
    assert_eq!(stats.allocations, 0, "{stats:?}");
    assert_eq!(stats.reallocations, 0, "{stats:?}");
}

/// A command line written into `buf` without allocating (a `format!` would be counted).
fn line<'b>(buf: &'b mut [u8], args: std::fmt::Arguments<'_>) -> &'b [u8] {
    use std::io::Write;
    let room = buf.len();
    let mut w = &mut buf[..];
    w.write_fmt(args).expect("fits");
    let len = room - w.len();
    &buf[..len]
}

fn the_counter_counts() {
    let region = Region::new(GLOBAL);
    let v = std::hint::black_box(vec![1u8; 100]);
    assert!(region.change().allocations >= 1);
    drop(v);
}

/// Typed decoding borrows from the input too: no allocation for the commands of the corpus.
fn typed_decode_allocates_nothing() {
    use msnp_proto::message::Message;
    let c = corpus(Profile::Mixed, 1 << 20, 5);
    let mut by_verb = std::collections::BTreeMap::new();
    for s in &c.segments {
        let mut dec = Decoder::new(s.dialect, Limits::default());
        let mut buf = &s.bytes[..];
        while let Ok(Status::Complete { value, consumed }) = dec.decode(buf) {
            let region = Region::new(GLOBAL);
            let m = Message::decode(&value, &s.dialect);
            let n = region.change().allocations;
            assert!(m.is_ok());
            drop(m);
            if n > 0 {
                *by_verb.entry(value.verb().to_string()).or_insert(0usize) += n;
            }
            buf = &buf[consumed..];
        }
    }
    assert!(by_verb.is_empty(), "allocations per verb: {by_verb:?}");
}

/// A switchboard in a chat: receiving messages and typing notifications from the participants,
/// and sending messages and reading their `ACK`s, allocates nothing per command. A message's
/// sender and name are shared strings the session keeps for its last few senders; its payload is
/// a slice of the input; outbound commands are encoded into blocks reused across commands.
fn switchboard_allocations_per_command() {
    use msnp_proto::ProtocolVersion;
    use msnp_proto::message::AckMode;
    use msnp_session::{SwitchboardConfig, SwitchboardEvent, SwitchboardPhase, SwitchboardSession};

    fn msg(sender: &str, name: &str, payload: &str) -> Vec<u8> {
        format!("MSG {sender} {name} {}\r\n{payload}", payload.len()).into_bytes()
    }
    for (version, joi) in [
        (ProtocolVersion::Msnp8, "JOI carol@hotmail.com Carol\r\n"),
        (
            ProtocolVersion::Msnp12,
            "JOI carol@hotmail.com Carol 1342177280\r\n",
        ),
    ] {
        let cfg = SwitchboardConfig::new("alice@hotmail.com", version);
        let mut sb =
            SwitchboardSession::invite(cfg, "17262740.1062764400.8131", &["bob@hotmail.com"])
                .expect("session");
        sb.handle_input(b"USR 1 OK alice@hotmail.com Alice\r\n")
            .expect("USR");
        sb.handle_input(b"CAL 2 RINGING 11752013\r\n").expect("CAL");
        sb.handle_input(
            joi.replace("carol", "bob")
                .replace("Carol", "Bob")
                .as_bytes(),
        )
        .expect("JOI");
        sb.handle_input(joi.as_bytes()).expect("JOI");
        while sb.poll_event().is_some() {}
        while sb.poll_transmit().is_some() {}
        let text = "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nX-MMS-IM-Format: FN=Segoe%20UI; EF=; CO=0; CS=1; PF=0\r\n\r\nhello there";
        let typing = "MIME-Version: 1.0\r\nContent-Type: text/x-msmsgscontrol\r\nTypingUser: bob@hotmail.com\r\n\r\n";
        let inbound = [
            msg("bob@hotmail.com", "Bob", typing),
            msg("bob@hotmail.com", "Bob", text),
            msg("carol@hotmail.com", "Carol%20C.", text),
            msg("bob@hotmail.com", "Bob", text),
        ];
        // Once to warm up: the first message of each sender makes its shared texts, the first
        // sent message the outbound buffer.
        for m in &inbound {
            sb.handle_input(m).expect("MSG");
        }
        let trid = sb
            .send_message(AckMode::Acknowledged, text.as_bytes())
            .expect("send");
        sb.handle_input(format!("ACK {}\r\n", trid.0).as_bytes())
            .expect("ACK");
        while sb.poll_event().is_some() {}
        while sb.poll_transmit().is_some() {}
        const ROUNDS: usize = 100;
        let region = Region::new(GLOBAL);
        let mut messages = 0;
        let mut delivered = 0;
        for _ in 0..ROUNDS {
            // Events drained after each command, as a client's loop does: an event held keeps
            // the input block its payload is a slice of.
            for m in &inbound {
                sb.handle_input(m).expect("MSG");
                while let Some(e) = sb.poll_event() {
                    assert!(matches!(e, SwitchboardEvent::Message { .. }), "{e:?}");
                    messages += 1;
                }
            }
            let trid = sb
                .send_message(AckMode::Acknowledged, text.as_bytes())
                .expect("send");
            while let Some(cmd) = sb.poll_transmit() {
                assert!(cmd.frame().ends_with(b"hello there"));
            }
            // The `ACK` in two pieces, as a socket may deliver it.
            let mut ack = [0u8; 16];
            let ack = line(&mut ack, format_args!("ACK {}\r\n", trid.0));
            let (head, tail) = ack.split_at(ack.len() - 2);
            sb.handle_input(head).expect("ACK");
            sb.handle_input(tail).expect("ACK");
            while let Some(e) = sb.poll_event() {
                assert_eq!(e, SwitchboardEvent::Delivered(trid));
                delivered += 1;
            }
        }
        let stats = region.change();
        assert_eq!((messages, delivered), (4 * ROUNDS, ROUNDS));
        assert_eq!(sb.phase(), SwitchboardPhase::Open);
        eprintln!("{version:?} switchboard, {ROUNDS} rounds of 6 commands: {stats:?}");
        assert_eq!(stats.allocations, 0, "{version:?}: {stats:?}");
        assert_eq!(stats.reallocations, 0, "{version:?}: {stats:?}");
    }
}
