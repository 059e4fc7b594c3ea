//! `notification_session`: arbitrary server bytes, time steps and user requests into a
//! signed-in notification session.
//!
//! Input: byte 0 picks the version (MD5, TWN, SSO eras); then a program of steps, each led by
//! one byte `k`: `k < 0x20` lets `k * 7` simulated seconds pass (`handle_timeout`), `k < 0x30`
//! makes a user request, anything else feeds the next `k % 64 + 1` bytes as server input.
//! Invariants: no panic; the input buffer stays within the framing limits; the roster, the
//! pending requests and each step's output stay bounded; every queued command frames as one
//! command; nothing follows `Closed`, after which input is refused and no timer is set.
#![no_main]

use std::time::{Duration, Instant};

use libfuzzer_sys::fuzz_target;
use msnp_proto::{
    Decoder, Limits, List, PresenceStatus, ProtocolVersion as V, Status, TrId, UrlText,
};
use msnp_session::{
    ClientInfo, ClientLogin, Credentials, LoginConfig, LoginEvent, LoginPhase, NotificationSession,
    SessionConfig, SessionEvent, SessionPhase, TicketRequest,
};

const LIMITS: Limits = Limits {
    max_line: 512,
    max_payload: 4096,
    max_tokens: 24,
};
const BOUND: usize = LIMITS.max_line + 2 + LIMITS.max_payload;
const VERSIONS: [V; 10] = [
    V::Msnp2,
    V::Msnp7,
    V::Msnp8,
    V::Msnp9,
    V::Msnp11,
    V::Msnp12,
    V::Msnp13,
    V::Msnp14,
    V::Msnp15,
    V::Msnp18,
];

fn config() -> SessionConfig {
    let mut c = SessionConfig::default();
    c.max_contacts = 16;
    c.max_groups = 8;
    c.max_pending = 8;
    c
}

/// A session signed in over a scripted login of version `v`.
fn session(v: V, start: Instant) -> Option<NotificationSession> {
    let cfg = LoginConfig::new(
        "alice@hotmail.com",
        vec![v],
        ClientInfo::wlm_8_1(),
        Credentials::Password("s3cret".into()),
    )
    .with_machine_guid("{F52973B6-C926-4BAD-9BA8-7C1E840E4AB0}")
    .with_limits(LIMITS);
    let mut l = ClientLogin::new(cfg).ok()?;
    let n = v.number();
    let script = if v < V::Msnp8 {
        format!(
            "VER 1 MSNP{n}\r\nINF 2 MD5\r\nUSR 3 MD5 S 12.34\r\nUSR 4 OK alice@hotmail.com Alice\r\n"
        )
    } else if v < V::Msnp15 {
        format!("VER 1 MSNP{n}\r\nCVR 2 1 1 1 a b\r\nUSR 3 TWN S lc=1033,id=507\r\n")
    } else {
        format!("VER 1 MSNP{n}\r\nCVR 2 1 1 1 a b\r\nUSR 3 SSO S MBI_KEY_OLD bm9uY2Vub25jZQ==\r\n")
    };
    l.handle_input(script.as_bytes()).ok()?;
    while let Some(e) = l.poll_event() {
        if let LoginEvent::TicketNeeded(req) = e {
            match req {
                TicketRequest::Sso { .. } => l.provide_sso("t=1&p=2", &[7; 24], [1; 8]).ok()?,
                _ => l.provide_ticket("t=1&p=2").ok()?,
            }
        }
    }
    if l.phase() != LoginPhase::LoggedIn {
        let ok: &[u8] = if v < V::Msnp10 {
            b"USR 4 OK alice@hotmail.com Alice 1 0\r\n"
        } else {
            b"USR 4 OK alice@hotmail.com 1 0\r\n"
        };
        l.handle_input(ok).ok()?;
    }
    while l.poll_transmit().is_some() {}
    while l.poll_event().is_some() {}
    l.into_session(config(), start).ok()
}

fn request(ns: &mut NotificationSession, k: u8) {
    let name = UrlText::from_plain("Some One").expect("a plain name");
    // Refusals (wrong era, wrong state) are fine; a panic is not.
    let _ = match k % 12 {
        0 => ns.sync(None),
        1 => ns.set_status(PresenceStatus::Away, None, None),
        2 => ns.add_contact(List::Forward, "bob@hotmail.com", Some(&name), Some("1")),
        3 => ns.remove_contact(List::Forward, "bob@hotmail.com", None),
        4 => ns.add_group(&name),
        5 => ns.rename_contact("bob@hotmail.com", &name),
        6 => ns.set_personal_message("hi", None),
        7 => ns.request_switchboard(&["bob@hotmail.com"]),
        8 => ns.set_friendly_name(&name),
        9 => ns.remove_group("1"),
        10 => {
            ns.connection_lost();
            Ok(TrId(0))
        }
        _ => ns.logout().map(|()| TrId(0)),
    };
}

fuzz_target!(|data: &[u8]| {
    let [v, program @ ..] = data else { return };
    let v = VERSIONS[usize::from(*v) % VERSIONS.len()];
    let start = Instant::now();
    let Some(mut ns) = session(v, start) else {
        return;
    };
    let dialect = |ns: &NotificationSession| {
        msnp_proto::Dialect::notification(ns.version())
            .with_direction(msnp_proto::Direction::ClientToServer)
    };
    let mut now = start;
    let mut closed = false;
    let mut rest = program;
    while let [k, tail @ ..] = rest {
        rest = tail;
        match *k {
            k if k < 0x20 => {
                now += Duration::from_secs(u64::from(k) * 7);
                ns.handle_timeout(now);
            }
            k if k < 0x30 => request(&mut ns, k),
            k => {
                let n = (usize::from(k) % 64 + 1).min(rest.len());
                let (piece, tail) = rest.split_at(n);
                rest = tail;
                let r = ns.handle_input(piece);
                assert!(!(closed && r.is_ok()), "input accepted after Closed");
            }
        }
        assert!(ns.buffered() <= BOUND, "{} bytes buffered", ns.buffered());
        let mut sent = 0;
        while let Some(cmd) = ns.poll_transmit() {
            sent += 1;
            match Decoder::new(dialect(&ns), Limits::MAX).decode(cmd.frame()) {
                Ok(Status::Complete { consumed, .. }) => {
                    assert_eq!(consumed, cmd.frame().len(), "one command per transmit")
                }
                other => panic!("queued command does not frame: {other:?}"),
            }
        }
        // One step makes at most a handful of lines: a piece of at most 64 bytes holds few
        // commands, each answered at most once; a request or a timer writes one.
        assert!(sent <= 64, "{sent} lines in one step");
        while let Some(e) = ns.poll_event() {
            assert!(!closed, "event after Closed: {e:?}");
            closed |= matches!(e, SessionEvent::Closed { .. });
        }
        assert!(ns.roster().contacts.len() <= 16);
        assert!(ns.roster().groups.len() <= 8);
        assert!(ns.pending_requests().count() <= 8);
        if closed {
            assert_eq!(ns.phase(), SessionPhase::Finished);
            assert_eq!(ns.poll_timeout(), None);
        }
    }
});
