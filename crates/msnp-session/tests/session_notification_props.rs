//! Property tests of the notification session: any server bytes, any chunking, any time steps
//! and user requests in between: no panic, bounded buffers, queues and roster, nothing after
//! `Closed`, and the split of the input changes nothing.

use std::time::{Duration, Instant};

mod util;

use proptest::prelude::*;

use msnp_proto::{Limits, List, PresenceStatus, ProtocolVersion as V, UrlText};
use msnp_session::{
    ClientInfo, ClientLogin, Credentials, LoginConfig, NotificationSession, SessionConfig,
    SessionEvent, SessionPhase,
};

const LIMITS: Limits = Limits {
    max_line: 256,
    max_payload: 1024,
    max_tokens: 24,
};

const BOUND: usize = LIMITS.max_line + 2 + LIMITS.max_payload;

fn config() -> SessionConfig {
    let mut c = SessionConfig::default();
    c.max_contacts = 8;
    c.max_groups = 4;
    c.max_pending = 8;
    c
}

fn session(v: V, start: Instant) -> NotificationSession {
    let cfg = LoginConfig::new(
        "alice@hotmail.com",
        vec![v],
        ClientInfo::wlm_8_1(),
        Credentials::Password("s3cret".into()),
    )
    .with_limits(LIMITS);
    let mut l = ClientLogin::new(cfg).unwrap();
    util::sign_in(&mut l, v);
    while l.poll_event().is_some() {}
    l.into_session(config(), start).unwrap()
}

/// Server lines of every kind the session reads, valid and not.
fn line() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"SYN 5 12 2 1\r\n".to_vec()),
        Just(b"SYN 5 12\r\n".to_vec()),
        Just(b"SYN 5 2005-01-01 2005-01-01 1 1\r\n".to_vec()),
        Just(b"GTC A\r\n".to_vec()),
        Just(b"BLP AL\r\n".to_vec()),
        Just(b"BLP 5 12 BL\r\n".to_vec()),
        Just(b"PRP PHH 555\r\n".to_vec()),
        Just(b"PRP MFN Alice\r\n".to_vec()),
        Just(b"LSG 0 Friends 0\r\n".to_vec()),
        Just(b"LSG Friends a6d3c1f2\r\n".to_vec()),
        Just(b"LSG 5 12 1 1 0 Friends 0\r\n".to_vec()),
        Just(b"LST bob@hotmail.com Bob 11 0\r\n".to_vec()),
        Just(b"LST N=bob@hotmail.com F=Bob C=3f25 11 a6d3c1f2\r\n".to_vec()),
        Just(b"LST 5 FL 12 1 1 bob@hotmail.com Bob 0\r\n".to_vec()),
        Just(b"LST 5 RL 12 0 0\r\n".to_vec()),
        Just(b"BPR PHH 555\r\n".to_vec()),
        Just(b"BPR 12 bob@hotmail.com PHM 555\r\n".to_vec()),
        Just(b"ILN 6 NLN bob@hotmail.com Bob 0\r\n".to_vec()),
        Just(b"ILN 6 NLN bob@hotmail.com Bob\r\n".to_vec()),
        Just(b"NLN AWY carol@msn.com Carol 0\r\n".to_vec()),
        Just(b"NLN BSY carol@msn.com Carol\r\n".to_vec()),
        Just(b"FLN bob@hotmail.com\r\n".to_vec()),
        Just(b"UBX bob@hotmail.com 29\r\n<Data><PSM>hi</PSM></Data>".to_vec()),
        Just(b"UBX bob@hotmail.com 5\r\n<Data".to_vec()),
        Just(b"CHG 6 NLN 0\r\n".to_vec()),
        Just(b"CHG 0 HDN\r\n".to_vec()),
        Just(b"CHL 0 15570131571988941333\r\n".to_vec()),
        Just(b"QRY 7\r\n".to_vec()),
        Just(b"QNG 45\r\n".to_vec()),
        Just(b"QNG 0\r\n".to_vec()),
        Just(b"QNG\r\n".to_vec()),
        Just(b"ADD 0 RL 13 frank@hotmail.com Frank\r\n".to_vec()),
        Just(b"ADD 8 FL 13 grace@hotmail.com Grace 0\r\n".to_vec()),
        Just(b"ADC 0 RL N=ivan@hotmail.com F=Ivan\r\n".to_vec()),
        Just(b"ADC 8 FL N=helen@hotmail.com F=Helen C=0b7a\r\n".to_vec()),
        Just(b"REM 0 RL 14 frank@hotmail.com\r\n".to_vec()),
        Just(b"REM 9 FL 3f25 a6d3c1f2\r\n".to_vec()),
        Just(b"ADG 10 15 Family 2 0\r\n".to_vec()),
        Just(b"RMG 11 16 2\r\n".to_vec()),
        Just(b"REA 12 17 alice@hotmail.com Al\r\n".to_vec()),
        Just(b"SBP 12 3f25 MFN Bobby\r\n".to_vec()),
        Just(b"215 8\r\n".to_vec()),
        Just(b"540 7\r\n".to_vec()),
        Just(b"911\r\n".to_vec()),
        Just(b"XFR 9 SB 203.0.113.40:1863 CKI 1.2.3\r\n".to_vec()),
        Just(b"XFR 9 SB 203.0.113.40:1863 XYZ 1.2.3\r\n".to_vec()),
        Just(b"RNG 1 203.0.113.41:1863 CKI 8.1.2 carol@msn.com Carol\r\n".to_vec()),
        Just(
            b"MSG Hotmail Hotmail 54\r\nContent-Type: text/x-msmsgsprofile\r\n\r\nLoginTime: 1\r\n"
                .to_vec()
        ),
        Just(b"MSG Hotmail Hotmail 2\r\nhi".to_vec()),
        Just(b"NOT 4\r\n<a/>".to_vec()),
        Just(b"SBS 0 null\r\n".to_vec()),
        Just(b"UUX 13 0\r\n".to_vec()),
        Just(b"OUT SSD\r\n".to_vec()),
        Just(b"OUT RCT 5\r\n".to_vec()),
        prop::collection::vec(any::<u8>(), 0..40),
    ]
}

/// What happens between two reads.
#[derive(Clone, Debug)]
enum Step {
    Input(Vec<u8>),
    Wait(u16),
    Request(u8),
}

fn steps() -> impl Strategy<Value = Vec<Step>> {
    prop::collection::vec(
        prop_oneof![
            4 => line().prop_map(Step::Input),
            2 => prop::collection::vec(line(), 1..5).prop_map(|v| Step::Input(v.concat())),
            1 => prop::collection::vec(any::<u8>(), 0..64).prop_map(Step::Input),
            2 => (0u16..400).prop_map(Step::Wait),
            2 => any::<u8>().prop_map(Step::Request),
        ],
        0..40,
    )
}

fn request(ns: &mut NotificationSession, k: u8) {
    let name = UrlText::from_plain("Some One").unwrap();
    // Refusals (wrong era, wrong state) are fine; a panic is not.
    let _ = match k % 10 {
        0 => ns.sync(None),
        1 => ns.set_status(PresenceStatus::Away, None, None),
        2 => ns.add_contact(List::Forward, "bob@hotmail.com", Some(&name), Some("1")),
        3 => ns.remove_contact(List::Forward, "bob@hotmail.com", None),
        4 => ns.add_group(&name),
        5 => ns.rename_contact("bob@hotmail.com", &name),
        6 => ns.set_personal_message("hi", None),
        7 => ns.request_switchboard(&["bob@hotmail.com"]),
        8 => ns.set_friendly_name(&name),
        _ => ns.logout().map(|()| msnp_proto::TrId(0)),
    };
}

fn versions() -> impl Strategy<Value = V> {
    prop::sample::select(vec![V::Msnp7, V::Msnp8, V::Msnp9, V::Msnp11, V::Msnp12])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_session_never_panics_and_stays_bounded(v in versions(), steps in steps()) {
        let start = Instant::now();
        let mut now = start;
        let mut ns = session(v, start);
        let mut closed = false;
        let mut failed = false;
        for step in steps {
            match step {
                Step::Input(b) => {
                    let r = ns.handle_input(&b);
                    if failed || closed {
                        prop_assert!(r.is_err(), "input accepted after the end");
                    }
                    failed |= r.is_err();
                }
                Step::Wait(s) => {
                    now += Duration::from_secs(u64::from(s));
                    if let Some(t) = ns.poll_timeout() {
                        prop_assert!(t > start);
                    }
                    ns.handle_timeout(now);
                }
                Step::Request(k) => request(&mut ns, k),
            }
            prop_assert!(ns.buffered() <= BOUND, "{}", ns.buffered());
            let mut sent = 0;
            while ns.poll_transmit().is_some() {
                sent += 1;
            }
            // A step makes at most a handful of lines (a burst of five server lines, each
            // answered at most once, or one request, or one PNG).
            prop_assert!(sent <= 6, "{sent} lines in one step");
            while let Some(e) = ns.poll_event() {
                prop_assert!(!closed, "event after Closed: {e:?}");
                closed |= matches!(e, SessionEvent::Closed { .. });
            }
            prop_assert!(ns.roster().contacts.len() <= 8);
            prop_assert!(ns.roster().groups.len() <= 4);
            prop_assert!(ns.pending_requests().count() <= 8);
            if closed {
                prop_assert_eq!(ns.phase(), SessionPhase::Finished);
                prop_assert_eq!(ns.poll_timeout(), None);
            }
        }
    }

    /// The same server bytes split anywhere give the same lines and events.
    #[test]
    fn the_split_changes_nothing(v in versions(), lines in prop::collection::vec(line(), 0..20), cuts in prop::collection::vec(0usize..2000, 0..16)) {
        let bytes = lines.concat();
        let run = |cuts: &[usize]| {
            let start = Instant::now();
            let mut ns = session(v, start);
            let _ = ns.sync(None);
            let mut points: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
            points.sort_unstable();
            points.push(bytes.len());
            let mut at = 0;
            for p in points {
                // After the end (closed, or a framing error) input is refused, whatever the split.
                if ns.phase() != SessionPhase::Finished {
                    let _ = ns.handle_input(&bytes[at..p]);
                }
                at = p;
            }
            let out: Vec<Vec<u8>> = std::iter::from_fn(|| ns.poll_transmit()).map(|c| c.frame().to_vec()).collect();
            let events: Vec<String> = std::iter::from_fn(|| ns.poll_event()).map(|e| format!("{e:?}")).collect();
            (out, events, ns.phase())
        };
        let whole = run(&[]);
        let split = run(&cuts);
        prop_assert_eq!(split, whole);
    }
}
