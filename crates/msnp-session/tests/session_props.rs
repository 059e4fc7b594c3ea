//! Property tests: the session machines never panic on any input, keep bounded buffers and
//! output, and do not care how the input is split.

use proptest::prelude::*;

use msnp_proto::message::AckMode;
use msnp_proto::{Limits, ProtocolVersion as V};
use msnp_session::{
    ClientInfo, ClientLogin, Credentials, LoginConfig, LoginEvent, LoginPhase, SwitchboardConfig,
    SwitchboardEvent, SwitchboardSession,
};

const LIMITS: Limits = Limits {
    max_line: 256,
    max_payload: 1024,
    max_tokens: 24,
};

fn login(v: V) -> ClientLogin {
    let cfg = LoginConfig::new(
        "alice@hotmail.com",
        vec![v],
        ClientInfo::wlm_8_1(),
        Credentials::Password("s3cret".into()),
    )
    .with_machine_guid("{F52973B6-C926-4BAD-9BA8-7C1E840E4AB0}")
    .with_limits(LIMITS);
    ClientLogin::new(cfg).unwrap()
}

fn logged_in() -> ClientLogin {
    let mut l = login(V::Msnp8);
    l.handle_input(b"VER 1 MSNP8\r\nCVR 2 1 1 1 a b\r\nUSR 3 TWN S lc=1033\r\n")
        .unwrap();
    l.provide_ticket("t=1").unwrap();
    l.handle_input(b"USR 4 OK alice@hotmail.com Alice 1 0\r\n")
        .unwrap();
    assert_eq!(l.phase(), LoginPhase::LoggedIn);
    while l.poll_transmit().is_some() {}
    while l.poll_event().is_some() {}
    l
}

/// Lines a server might send, valid and not, to reach deeper states than random bytes do.
fn line() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"VER 1 MSNP8\r\n".to_vec()),
        Just(b"VER 1 MSNP2\r\n".to_vec()),
        Just(b"VER 1 MSNP15\r\n".to_vec()),
        Just(b"VER 1 0\r\n".to_vec()),
        Just(b"INF 2 MD5\r\n".to_vec()),
        Just(b"CVR 2 1 1 1 a b\r\n".to_vec()),
        Just(b"USR 3 TWN S lc=1033,id=507\r\n".to_vec()),
        Just(b"USR 3 MD5 S 12.34\r\n".to_vec()),
        Just(b"USR 3 SSO S MBI_KEY_OLD bm9uY2U=\r\n".to_vec()),
        Just(b"USR 4 OK alice@hotmail.com 1 0\r\n".to_vec()),
        Just(b"XFR 3 NS 10.0.0.1:1863 0\r\n".to_vec()),
        Just(b"CHL 0 15570131571988941333\r\n".to_vec()),
        Just(b"CHL 0\r\n".to_vec()),
        Just(b"GCF 0 4\r\n<a/>".to_vec()),
        Just(b"SBS 0 null\r\n".to_vec()),
        Just(b"MSG Hotmail Hotmail 20\r\ntext/x-msmsgsprofile".to_vec()),
        Just(b"911 4\r\n".to_vec()),
        Just(b"OUT OTH\r\n".to_vec()),
        Just(b"QRY 5\r\n".to_vec()),
        Just(b"USR 1 OK alice@hotmail.com Alice\r\n".to_vec()),
        Just(b"IRO 1 1 1 bob@hotmail.com Bob\r\n".to_vec()),
        Just(b"ANS 1 OK\r\n".to_vec()),
        Just(b"JOI bob@hotmail.com Bob\r\n".to_vec()),
        Just(b"BYE bob@hotmail.com\r\n".to_vec()),
        Just(b"ACK 2\r\n".to_vec()),
        Just(b"NAK 3\r\n".to_vec()),
        Just(b"CAL 2 RINGING 1\r\n".to_vec()),
        Just(b"MSG bob@hotmail.com Bob 2\r\nhi".to_vec()),
        prop::collection::vec(any::<u8>(), 0..40),
    ]
}

fn chunks() -> impl Strategy<Value = Vec<Vec<u8>>> {
    prop::collection::vec(
        prop_oneof![
            prop::collection::vec(any::<u8>(), 0..64),
            line(),
            prop::collection::vec(line(), 1..6).prop_map(|v| v.concat()),
        ],
        0..24,
    )
}

fn lf_count(chunks: &[Vec<u8>]) -> usize {
    chunks.iter().flatten().filter(|&&b| b == b'\n').count()
}

const BOUND: usize = LIMITS.max_line + 2 + LIMITS.max_payload;

fn drive_login(mut l: ClientLogin, input: &[Vec<u8>]) {
    let mut tx = 0usize;
    let mut ev = 0usize;
    for c in input {
        let _ = l.handle_input(c);
        assert!(l.buffered() <= BOUND, "{}", l.buffered());
        while let Some(e) = l.poll_event() {
            ev += 1;
            // Answer tickets so the machine goes deeper.
            if let LoginEvent::TicketNeeded(_) = e {
                let _ = l.provide_ticket("t=1");
                let _ = l.provide_sso("t=1", b"secret", [0; 8]);
            }
            if let LoginEvent::Reconnect { .. } = e {
                let _ = l.connected();
            }
        }
        while l.poll_transmit().is_some() {
            tx += 1;
        }
    }
    let lines = lf_count(input);
    // One reply per server command, plus VER at the start and after each reconnect.
    assert!(tx <= 2 * lines + 2, "{tx} commands sent for {lines} lines");
    assert!(ev <= 2 * lines + 2, "{ev} events for {lines} lines");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn login_never_panics_fresh(input in chunks(), v in prop::sample::select(vec![V::Msnp2, V::Msnp8, V::Msnp13, V::Msnp15, V::Msnp18])) {
        drive_login(login(v), &input);
    }

    #[test]
    fn login_never_panics_logged_in(input in chunks()) {
        drive_login(logged_in(), &input);
    }

    #[test]
    fn switchboard_never_panics(input in chunks(), answer in any::<bool>()) {
        let cfg = SwitchboardConfig::new("alice@hotmail.com", V::Msnp12).with_limits(LIMITS);
        let mut s = if answer {
            SwitchboardSession::answer(cfg, "1", "c").unwrap()
        } else {
            SwitchboardSession::invite(cfg, "c", &["bob@hotmail.com"]).unwrap()
        };
        let mut ev = 0usize;
        for c in &input {
            let _ = s.handle_input(c);
            let _ = s.send_message(AckMode::Acknowledged, b"x");
            prop_assert!(s.buffered() <= BOUND);
            while let Some(e) = s.poll_event() {
                ev += 1;
                if let SwitchboardEvent::Message { payload, .. } = e {
                    prop_assert!(payload.len() <= LIMITS.max_payload);
                }
            }
            while s.poll_transmit().is_some() {}
            prop_assert!(s.pending_messages().count() <= 256);
            prop_assert!(s.participants().len() <= 256);
        }
        prop_assert!(ev <= lf_count(&input));
    }

    #[test]
    fn server_never_panics(input in chunks(), client in chunks()) {
        use msnp_session::{CvrAnswer, ServerConfig, ServerEvent, ServerLogin};
        let cvr = CvrAnswer { recommended: "1".into(), recommended2: "1".into(), minimum: "1".into(),
            download_url: "u".into(), info_url: "i".into() };
        let mut cfg = ServerConfig::new(vec![V::Msnp2, V::Msnp8, V::Msnp15], cvr);
        cfg.limits = LIMITS;
        let mut s = ServerLogin::new(cfg).unwrap();
        let script: &[&[u8]] = &[b"VER 1 MSNP8 CVR0\r\n", b"CVR 2 a b c d e f g h\r\n", b"USR 3 TWN I a@b.c\r\n"];
        for c in script.iter().map(|c| c.to_vec()).chain(client).chain(input) {
            let _ = s.handle_input(&c);
            prop_assert!(s.buffered() <= BOUND);
            while let Some(e) = s.poll_event() {
                match e {
                    ServerEvent::LoginRequested { .. } => { let _ = s.challenge_twn("lc=1"); }
                    ServerEvent::Credentials(_) => { let _ = s.accept(None, None, None); let _ = s.send_challenge("123"); }
                    _ => {}
                }
            }
            while s.poll_transmit().is_some() {}
        }
    }

    /// The same server bytes split anywhere give the same output.
    #[test]
    fn login_ignores_how_input_is_split(cuts in prop::collection::vec(0usize..400, 0..12)) {
        let script: &[u8] = b"VER 1 MSNP8\r\nCVR 2 1 1 1 a b\r\nUSR 3 TWN S lc=1033,id=507\r\n";
        let after: &[u8] = b"USR 4 OK alice@hotmail.com Alice 1 0\r\nMSG Hotmail Hotmail 20\r\ntext/x-msmsgsprofileCHL 0 15570131571988941333\r\nGCF 0 4\r\n<a/>QRY 5\r\nOUT OTH\r\n";
        let run = |cuts: &[usize]| {
            let mut l = login(V::Msnp8);
            let mut out = Vec::new();
            for part in [script, after] {
                let mut at = 0;
                let mut points: Vec<usize> = cuts.iter().map(|c| c % (part.len() + 1)).collect();
                points.sort_unstable();
                points.push(part.len());
                for p in points {
                    if l.phase() != LoginPhase::Finished {
                        l.handle_input(&part[at..p]).unwrap();
                    }
                    at = p;
                }
                if l.phase() == LoginPhase::Ticket {
                    l.provide_ticket("t=1").unwrap();
                }
            }
            while let Some(c) = l.poll_transmit() {
                out.push(c.frame().clone());
            }
            let events: Vec<LoginEvent> = std::iter::from_fn(|| l.poll_event()).collect();
            (out, events)
        };
        let whole = run(&[]);
        prop_assert_eq!(whole.0.len(), 5);
        prop_assert_eq!(&run(&cuts), &whole);
    }
}
