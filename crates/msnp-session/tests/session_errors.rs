//! Error paths and less common branches of the session machines: server error codes, `VER 0`,
//! unexpected commands, `OUT OTH`, misuse, CTP, the other `GCF` order.

use msnp_proto::message::{AckMode, AuthPackage, OutReason, VersionName};
use msnp_proto::{
    ClientCapabilities, Decoder, ErrorCode, Handle, Limits, Message, ProtocolVersion as V, Status,
    Token, TrId, Verb,
};
use msnp_session::{
    ClientInfo, ClientLogin, Credentials, LoginConfig, LoginError, LoginEvent, LoginPhase, Problem,
    ProtocolViolation, SessionError, SwitchboardConfig, SwitchboardError, SwitchboardEvent,
    SwitchboardPhase, SwitchboardSession, TicketRequest,
};

/// A command of the caller's, typed in the login's client dialect.
fn client_msg(l: &ClientLogin, wire: &[u8]) -> Message<'static> {
    let d = l.dialect();
    let Ok(Status::Complete { value, .. }) = Decoder::new(d, Limits::default()).decode(wire) else {
        panic!("frame")
    };
    Message::decode(&value, &d).unwrap().into_owned()
}

fn info() -> ClientInfo {
    ClientInfo::wlm_8_1()
}

fn login(versions: Vec<V>, creds: Credentials) -> ClientLogin {
    ClientLogin::new(LoginConfig::new(
        "alice@hotmail.com",
        versions,
        info(),
        creds,
    ))
    .unwrap()
}

fn drain_tx(l: &mut ClientLogin) -> Vec<String> {
    std::iter::from_fn(|| l.poll_transmit())
        .map(|c| String::from_utf8(c.frame().to_vec()).unwrap())
        .collect()
}

fn drain_ev(l: &mut ClientLogin) -> Vec<LoginEvent> {
    std::iter::from_fn(|| l.poll_event()).collect()
}

/// An MSNP8 login on a single connection up to the ticket.
fn twn_to_ticket() -> ClientLogin {
    let mut l = login(vec![V::Msnp8], Credentials::Ticket);
    l.handle_input(
        b"VER 1 MSNP8\r\nCVR 2 1 1 1 http://a http://b\r\nUSR 3 TWN S lc=1033,id=507\r\n",
    )
    .unwrap();
    assert_eq!(l.phase(), LoginPhase::Ticket);
    l
}

#[test]
fn wrong_password_is_a_typed_server_error() {
    let mut l = twn_to_ticket();
    l.provide_ticket("t=x&p=y").unwrap();
    let tx = drain_tx(&mut l);
    assert_eq!(tx.last().unwrap(), "USR 4 TWN S t=x&p=y\r\n");
    l.handle_input(b"911 4\r\n").unwrap();
    let ev = drain_ev(&mut l);
    let Some(LoginEvent::Failed(e)) = ev.last() else {
        panic!("{ev:?}")
    };
    assert_eq!(
        *e,
        LoginError::Server {
            code: ErrorCode::AUTHENTICATION_FAILED,
            trid: TrId(4)
        }
    );
    assert!(e.to_string().contains("ERR_AUTHENTICATION_FAILED"), "{e}");
    assert_eq!(l.phase(), LoginPhase::Finished);
    assert_eq!(l.handle_input(b"QNG 50\r\n"), Err(SessionError::Finished));
}

#[test]
fn md5_wrong_password_and_the_hash_sent() {
    let mut l = login(vec![V::Msnp2], Credentials::Password("s3cret".into()));
    l.handle_input(b"VER 1 MSNP2\r\nINF 2 MD5\r\nUSR 3 MD5 S 939912345.12345\r\n911 4\r\n")
        .unwrap();
    assert_eq!(
        drain_tx(&mut l),
        [
            "VER 1 MSNP2 CVR0\r\n",
            "INF 2\r\n",
            "USR 3 MD5 I alice@hotmail.com\r\n",
            "USR 4 MD5 S 5f6f22edbfde8b0c814c1ee1438ba7a3\r\n"
        ]
    );
    assert!(matches!(
        drain_ev(&mut l).last(),
        Some(LoginEvent::Failed(LoginError::Server {
            code: ErrorCode(911),
            trid: TrId(4)
        }))
    ));
}

#[test]
fn md5_without_password_fails() {
    let mut l = login(vec![V::Msnp5], Credentials::Ticket);
    l.handle_input(b"VER 1 MSNP5\r\nINF 2 MD5\r\nUSR 3 MD5 S 1.2\r\n")
        .unwrap();
    assert_eq!(
        drain_ev(&mut l).last(),
        Some(&LoginEvent::Failed(LoginError::PasswordRequired))
    );
}

#[test]
fn ctp_when_preferred_and_offered() {
    let cfg = LoginConfig::new(
        "alice@hotmail.com",
        vec![V::Msnp2],
        info(),
        Credentials::Password("s3cret".into()),
    )
    .with_prefer_ctp(true);
    let mut l = ClientLogin::new(cfg).unwrap();
    // The draft's comma-separated INF list.
    l.handle_input(
        b"VER 1 MSNP2\r\nINF 2 MD5,CTP\r\nUSR 3 CTP S\r\nUSR 4 OK alice@hotmail.com Alice\r\n",
    )
    .unwrap();
    assert_eq!(
        drain_tx(&mut l)[2..],
        [
            "USR 3 CTP I alice@hotmail.com\r\n",
            "USR 4 CTP S s3cret\r\n"
        ]
    );
    let ev = drain_ev(&mut l);
    assert!(ev.contains(&LoginEvent::Packages(vec![
        AuthPackage::Md5,
        AuthPackage::Ctp
    ])));
    assert!(
        matches!(ev.last(), Some(LoginEvent::LoggedIn { friendly_name: Some(n), .. }) if n.decoded() == "Alice")
    );
}

#[test]
fn no_common_package() {
    let mut l = login(vec![V::Msnp3], Credentials::Password("p".into()));
    l.handle_input(b"VER 1 MSNP3\r\nINF 2 SHA\r\n").unwrap();
    assert_eq!(
        drain_ev(&mut l).last(),
        Some(&LoginEvent::Failed(LoginError::NoCommonPackage {
            offered: vec![AuthPackage::Sha]
        }))
    );
}

#[test]
fn ver_zero_and_unoffered_versions() {
    let mut l = login(vec![V::Msnp12, V::Msnp11], Credentials::Ticket);
    assert_eq!(drain_tx(&mut l), ["VER 1 MSNP12 MSNP11 CVR0\r\n"]);
    l.handle_input(b"VER 1 0\r\n").unwrap();
    assert_eq!(
        drain_ev(&mut l),
        [LoginEvent::Failed(LoginError::VersionRejected)]
    );
    assert_eq!(l.handle_input(b"OUT\r\n"), Err(SessionError::Finished));

    let mut l = login(vec![V::Msnp12, V::Msnp11], Credentials::Ticket);
    l.handle_input(b"VER 1 MSNP9\r\n").unwrap();
    assert_eq!(
        drain_ev(&mut l),
        [LoginEvent::Failed(LoginError::VersionNotOffered {
            chosen: VersionName::Known(V::Msnp9)
        })]
    );
}

/// A server's answer in another letter case selects the version it names, as the negotiation
/// tracker (and so every decoder of the stream) reads it.
#[test]
fn ver_answer_case_is_ignored_as_the_tracker_ignores_it() {
    let mut l = login(vec![V::Msnp12, V::Msnp11], Credentials::Ticket);
    drain_tx(&mut l);
    l.handle_input(b"VER 1 msnp11\r\n").unwrap();
    assert_eq!(drain_ev(&mut l), [LoginEvent::Negotiated(V::Msnp11)]);
    assert!(drain_tx(&mut l)[0].starts_with("CVR 2 "));

    let mut l = login(vec![V::Msnp12], Credentials::Ticket);
    l.handle_input(b"VER 1 msnp9\r\n").unwrap();
    assert!(matches!(
        drain_ev(&mut l)[..],
        [LoginEvent::Failed(LoginError::VersionNotOffered { .. })]
    ));
}

#[test]
fn unexpected_commands_fail_the_login() {
    // A reply to the pending TrID that is the wrong command.
    let mut l = login(vec![V::Msnp8], Credentials::Ticket);
    l.handle_input(b"VER 1 MSNP8\r\nSYN 2 0\r\n").unwrap();
    let ev = drain_ev(&mut l);
    assert!(
        matches!(ev.last(), Some(LoginEvent::Failed(LoginError::Protocol(ProtocolViolation { verb: Verb::SYN, line, problem: Problem::Unexpected { .. } }))) if line == "SYN 2 0"),
        "{ev:?}"
    );
    // A TrID nobody used.
    let mut l = login(vec![V::Msnp8], Credentials::Ticket);
    l.handle_input(b"VER 1 MSNP8\r\nCVR 9 1 1 1 a b\r\n")
        .unwrap();
    assert!(matches!(
        drain_ev(&mut l).last(),
        Some(LoginEvent::Failed(LoginError::Protocol(
            ProtocolViolation {
                verb: Verb::CVR,
                problem: Problem::Unexpected { .. },
                ..
            }
        )))
    ));
    // Anything but VER first.
    let mut l = login(vec![V::Msnp8], Credentials::Ticket);
    l.handle_input(b"QNG 50\r\n").unwrap();
    assert!(matches!(
        drain_ev(&mut l).last(),
        Some(LoginEvent::Failed(LoginError::Protocol(
            ProtocolViolation {
                verb: Verb::QNG,
                problem: Problem::Unexpected { .. },
                ..
            }
        )))
    ));
    // USR S for another package than the one sent.
    let mut l = login(vec![V::Msnp8], Credentials::Ticket);
    l.handle_input(b"VER 1 MSNP8\r\nCVR 2 1 1 1 a b\r\nUSR 3 SSO S MBI_KEY_OLD abc\r\n")
        .unwrap();
    assert!(matches!(
        drain_ev(&mut l).last(),
        Some(LoginEvent::Failed(LoginError::Protocol(
            ProtocolViolation {
                verb: Verb::USR,
                problem: Problem::Malformed { .. },
                ..
            }
        )))
    ));
}

#[test]
fn asynchronous_commands_during_login_are_passed_on() {
    let mut l = twn_to_ticket();
    l.handle_input(b"NOT 4\r\n<a/>").unwrap();
    let ev = drain_ev(&mut l);
    assert!(matches!(ev.last(), Some(LoginEvent::Command(c)) if c.as_raw().verb() == Verb::NOT));
    assert_eq!(l.phase(), LoginPhase::Ticket);
}

#[test]
fn out_oth_during_and_after_login() {
    let mut l = twn_to_ticket();
    l.handle_input(b"OUT OTH\r\n").unwrap();
    assert_eq!(
        drain_ev(&mut l).last(),
        Some(&LoginEvent::Failed(LoginError::Disconnected {
            reason: Some(OutReason::OtherLogin)
        }))
    );

    let mut l = twn_to_ticket();
    l.provide_ticket("t=1").unwrap();
    l.handle_input(b"USR 4 OK alice@hotmail.com Alice 1 0\r\nOUT OTH\r\n")
        .unwrap();
    let ev = drain_ev(&mut l);
    assert!(matches!(
        &ev[ev.len() - 2],
        LoginEvent::LoggedIn {
            verified: Some(true),
            restricted: Some(false),
            ..
        }
    ));
    assert_eq!(
        ev.last(),
        Some(&LoginEvent::Closed {
            reason: Some(OutReason::OtherLogin)
        })
    );
    assert_eq!(l.phase(), LoginPhase::Finished);
}

#[test]
fn rejected_qry_fails_and_other_errors_pass() {
    let mut l = twn_to_ticket();
    l.provide_ticket("t=1").unwrap();
    l.handle_input(b"USR 4 OK alice@hotmail.com Alice 1 0\r\n")
        .unwrap();
    assert_eq!(l.next_trid(), TrId(5));
    let syn = client_msg(&l, b"SYN 5 0\r\n");
    l.send(&syn).unwrap();
    l.handle_input(b"CHL 0 15570131571988941333\r\n215 5\r\n")
        .unwrap();
    let tx = drain_tx(&mut l);
    assert_eq!(
        tx.last().unwrap(),
        "QRY 6 msmsgs@msnmsgr.com 32\r\n8f2f5a91b72102cd28355e9fc9000d6e"
    );
    let ev = drain_ev(&mut l);
    assert!(
        matches!(ev.last(), Some(LoginEvent::Command(c)) if c.as_raw().verb() == Verb::error(215).unwrap())
    );
    l.handle_input(b"540 6\r\n").unwrap();
    assert_eq!(
        drain_ev(&mut l),
        [LoginEvent::Failed(LoginError::Server {
            code: ErrorCode(540),
            trid: TrId(6)
        })]
    );
}

#[test]
fn policies_after_the_challenge_msnp_wiki_order() {
    let mut l = login(vec![V::Msnp13], Credentials::Ticket);
    l.handle_input(
        b"VER 1 MSNP13\r\nCVR 2 1 1 1 a b\r\nUSR 3 TWN S ct=1,id=507\r\nGCF 0 4\r\n<a/>",
    )
    .unwrap();
    let ev = drain_ev(&mut l);
    assert_eq!(
        ev[1..],
        [
            LoginEvent::TicketNeeded(TicketRequest::Rst {
                policy: "?ct=1&id=507".into(),
                challenge: Token::new("ct=1,id=507").unwrap()
            }),
            LoginEvent::Policies(bytes::Bytes::from_static(b"<a/>"))
        ]
    );
}

#[test]
fn sso_needs_a_guid_from_16_and_checks_the_blob_input() {
    let mut l = login(vec![V::Msnp16], Credentials::Ticket);
    l.handle_input(b"VER 1 MSNP16\r\nCVR 2 1 1 1 a b\r\nUSR 3 SSO S MBI_KEY_OLD bm9uY2U=\r\n")
        .unwrap();
    let ev = drain_ev(&mut l);
    assert_eq!(
        ev.last(),
        Some(&LoginEvent::TicketNeeded(TicketRequest::Sso {
            policy: Token::new("MBI_KEY_OLD").unwrap(),
            nonce: Token::new("bm9uY2U=").unwrap()
        }))
    );
    assert!(matches!(
        l.provide_sso("t=1", b"secret", [0; 8]),
        Err(SessionError::Config {
            field: "machine_guid",
            ..
        })
    ));
    assert!(matches!(
        l.provide_ticket("t=1"),
        Err(SessionError::WrongState { .. })
    ));
    // MSNP15: no GUID on the wire.
    let mut l = login(vec![V::Msnp15], Credentials::Ticket);
    l.handle_input(b"VER 1 MSNP15\r\nCVR 2 1 1 1 a b\r\nUSR 3 SSO S MBI_KEY_OLD nonce\r\n")
        .unwrap();
    drain_tx(&mut l);
    l.provide_sso("t=1", b"0123456789abcdef01234567", [1; 8])
        .unwrap();
    let usr = drain_tx(&mut l).pop().unwrap();
    let parts: Vec<&str> = usr.trim_end().split(' ').collect();
    assert_eq!(parts[..4], ["USR", "4", "SSO", "S"]);
    assert_eq!(parts.len(), 6);
    let blob = msnp_auth::MbiBlob::from_base64(parts[5]).unwrap();
    assert!(blob.verify(b"0123456789abcdef01234567", "nonce").unwrap());
}

#[test]
fn misuse_is_a_typed_error() {
    let mut l = login(vec![V::Msnp8], Credentials::Ticket);
    assert!(matches!(
        l.provide_ticket("t"),
        Err(SessionError::WrongState {
            call: "provide_ticket",
            ..
        })
    ));
    let syn = client_msg(&l, b"SYN 1 0\r\n");
    assert!(matches!(l.send(&syn), Err(SessionError::WrongState { .. })));
    assert!(matches!(
        l.connected(),
        Err(SessionError::WrongState { .. })
    ));
    let cfg = |h: &str, v: Vec<V>| LoginConfig::new(h, v, info(), Credentials::Ticket);
    assert!(matches!(
        ClientLogin::new(cfg("a b", vec![V::Msnp8])),
        Err(SessionError::Config {
            field: "handle",
            ..
        })
    ));
    assert!(matches!(
        ClientLogin::new(cfg("a", vec![])),
        Err(SessionError::Config {
            field: "versions",
            ..
        })
    ));
    assert!(matches!(
        ClientLogin::new(cfg("a", vec![V::Msnp8, V::Cvr0])),
        Err(SessionError::Config { .. })
    ));
    assert!(matches!(
        ClientLogin::new(cfg("a", vec![V::Msnp18]).with_machine_guid("nobraces")),
        Err(SessionError::Config {
            field: "machine_guid",
            ..
        })
    ));
    // A ticket with a space cannot be sent.
    let mut l = twn_to_ticket();
    assert!(matches!(
        l.provide_ticket("t=a b"),
        Err(SessionError::Encode(_))
    ));
    // Input during a pending reconnect.
    let mut l = login(vec![V::Msnp8], Credentials::Ticket);
    l.handle_input(b"VER 1 MSNP8\r\nCVR 2 1 1 1 a b\r\nXFR 3 NS 10.0.0.1:1863 0 10.0.0.2:1863\r\n")
        .unwrap();
    assert_eq!(l.phase(), LoginPhase::Reconnect);
    assert_eq!(
        l.handle_input(b"VER 4 MSNP8\r\n"),
        Err(SessionError::NotConnected)
    );
    l.connected().unwrap();
    assert_eq!(drain_tx(&mut l).last().unwrap(), "VER 4 MSNP8 CVR0\r\n");
}

#[test]
fn bad_framing_finishes_the_machine() {
    let cfg = LoginConfig::new(
        "alice@hotmail.com",
        vec![V::Msnp8],
        info(),
        Credentials::Ticket,
    )
    .with_limits(Limits {
        max_line: 64,
        ..Limits::default()
    });
    let mut l = ClientLogin::new(cfg).unwrap();
    let long = vec![b'A'; 200];
    assert!(matches!(
        l.handle_input(&long),
        Err(SessionError::Decode(_))
    ));
    assert_eq!(l.phase(), LoginPhase::Finished);
    assert_eq!(
        l.handle_input(b"VER 1 MSNP8\r\n"),
        Err(SessionError::Finished)
    );
}

#[test]
fn msnp21_cvr_carries_the_hop() {
    let mut l = login(vec![V::Msnp21], Credentials::Ticket);
    l.handle_input(b"VER 1 MSNP21\r\n").unwrap();
    let cvr = drain_tx(&mut l).pop().unwrap();
    assert!(cvr.ends_with(" alice@hotmail.com 0\r\n"), "{cvr}");
    l.handle_input(b"CVR 2 1 1 1 a b\r\nXFR 3 NS 10.0.0.1:1863 U D VmVyc2lvbjogMQ==\r\n")
        .unwrap();
    l.connected().unwrap();
    l.handle_input(b"VER 4 MSNP21\r\n").unwrap();
    let cvr = drain_tx(&mut l).pop().unwrap();
    assert!(
        cvr.ends_with(" alice@hotmail.com VmVyc2lvbjogMQ==\r\n"),
        "{cvr}"
    );
}

// ----- switchboard -----

fn sb_tx(s: &mut SwitchboardSession) -> Vec<String> {
    std::iter::from_fn(|| s.poll_transmit())
        .map(|c| String::from_utf8(c.frame().to_vec()).unwrap())
        .collect()
}

fn sb_ev(s: &mut SwitchboardSession) -> Vec<SwitchboardEvent> {
    std::iter::from_fn(|| s.poll_event()).collect()
}

#[test]
fn switchboard_bad_cookie() {
    let cfg = SwitchboardConfig::new("alice@hotmail.com", V::Msnp12);
    let mut s = SwitchboardSession::invite(cfg, "1.2.3", &["bob@hotmail.com"]).unwrap();
    s.handle_input(b"911 1\r\n").unwrap();
    assert_eq!(
        sb_ev(&mut s),
        [SwitchboardEvent::Failed(SwitchboardError::Server {
            code: ErrorCode(911),
            trid: TrId(1)
        })]
    );
    assert_eq!(s.phase(), SwitchboardPhase::Finished);
    assert_eq!(sb_tx(&mut s), ["USR 1 alice@hotmail.com 1.2.3\r\n"]);
}

#[test]
fn switchboard_calls_acks_and_leaves() {
    let cfg = SwitchboardConfig::new("alice@hotmail.com", V::Msnp18)
        .with_machine_guid("{F52973B6-C926-4BAD-9BA8-7C1E840E4AB0}");
    let mut s = SwitchboardSession::invite(cfg, "c", &[]).unwrap();
    assert!(matches!(
        s.send_message(AckMode::Acknowledged, b"x"),
        Err(SessionError::WrongState { .. })
    ));
    s.handle_input(b"USR 1 OK alice@hotmail.com;{F52973B6-C926-4BAD-9BA8-7C1E840E4AB0} Alice\r\n")
        .unwrap();
    assert_eq!(s.call("bob@hotmail.com").unwrap(), TrId(2));
    assert_eq!(s.call("eve@hotmail.com").unwrap(), TrId(3));
    s.handle_input(b"217 3\r\nCAL 2 RINGING 99\r\nJOI bob@hotmail.com;{A} Bob 1:0\r\nJOI bob@hotmail.com Bob 1:0\r\n")
        .unwrap();
    assert_eq!(s.participants().len(), 2);
    let a = s.send_message(AckMode::Acknowledged, b"a").unwrap();
    let n = s.send_message(AckMode::NakOnly, b"b").unwrap();
    let u = s.send_message(AckMode::Unacknowledged, b"c").unwrap();
    assert_eq!((a, n, u), (TrId(4), TrId(5), TrId(6)));
    assert_eq!(s.pending_messages().collect::<Vec<_>>(), [a, n]);
    s.handle_input(b"NAK 4\r\nACK 77\r\nBYE bob@hotmail.com\r\n")
        .unwrap();
    assert!(
        s.participants().is_empty(),
        "a bare BYE removes every endpoint"
    );
    let ev = sb_ev(&mut s);
    assert_eq!(ev[0], SwitchboardEvent::Ready);
    assert_eq!(
        ev[1],
        SwitchboardEvent::CallFailed {
            trid: TrId(3),
            handle: Handle::parse("eve@hotmail.com").unwrap(),
            code: ErrorCode(217)
        }
    );
    assert_eq!(
        ev[2],
        SwitchboardEvent::Ringing {
            trid: TrId(2),
            handle: Handle::parse("bob@hotmail.com").unwrap(),
            session_id: Token::new("99").unwrap()
        }
    );
    assert!(
        matches!(&ev[3], SwitchboardEvent::Joined(p) if p.address() == "bob@hotmail.com" && p.capabilities == Some(ClientCapabilities::with_ext(1, 0)))
    );
    assert_eq!(ev[5], SwitchboardEvent::NotDelivered(TrId(4)));
    assert!(matches!(&ev[6], SwitchboardEvent::Command(c) if c.as_raw().verb() == Verb::ACK));
    assert_eq!(
        ev[7],
        SwitchboardEvent::Left {
            handle: Handle::parse("bob@hotmail.com").unwrap(),
            idle: false
        }
    );
    s.leave().unwrap();
    assert_eq!(sb_tx(&mut s).last().unwrap(), "OUT\r\n");
    assert_eq!(s.leave(), Err(SessionError::Finished));
}

#[test]
fn switchboard_from_ns_commands_and_unexpected() {
    use msnp_proto::{Dialect, Direction};
    let d = Dialect::notification(V::Msnp15).with_direction(Direction::ServerToClient);
    let rng = b"RNG 11752099 203.0.113.41:1863 CKI 849.15422 carol@msn.com Carol U messenger.hotmail.com 1\r\n";
    let Ok(Status::Complete { value, .. }) = Decoder::new(d, Limits::default()).decode(rng) else {
        panic!()
    };
    let cfg = SwitchboardConfig::new("alice@hotmail.com", V::Msnp15);
    let Ok(Message::Rng(rng)) = Message::decode(&value, &d) else {
        panic!()
    };
    let (addr, inviter, mut s) = SwitchboardSession::from_rng(cfg.clone(), &rng).unwrap();
    assert_eq!(
        (addr.as_str(), inviter.as_str()),
        ("203.0.113.41:1863", "carol@msn.com")
    );
    assert_eq!(
        sb_tx(&mut s),
        ["ANS 1 alice@hotmail.com 849.15422 11752099\r\n"]
    );
    // Before ANS OK only IRO/ANS belong.
    s.handle_input(b"JOI x@y.z X 0\r\n").unwrap();
    assert!(matches!(
        sb_ev(&mut s).last(),
        Some(SwitchboardEvent::Failed(SwitchboardError::Protocol(
            ProtocolViolation {
                verb: Verb::JOI,
                problem: Problem::Unexpected { .. },
                ..
            }
        )))
    ));

    let xfr = b"XFR 17 SB 203.0.113.40:1863 CKI 1726.3321 U messenger.msn.com 1\r\n";
    let Ok(Status::Complete { value, .. }) = Decoder::new(d, Limits::default()).decode(xfr) else {
        panic!()
    };
    let Ok(Message::XfrSb(xfr)) = Message::decode(&value, &d) else {
        panic!()
    };
    let (addr, mut s) =
        SwitchboardSession::from_xfr(cfg.clone(), &xfr, &["bob@hotmail.com"]).unwrap();
    assert_eq!(addr.as_str(), "203.0.113.40:1863");
    assert_eq!(sb_tx(&mut s), ["USR 1 alice@hotmail.com 1726.3321\r\n"]);
    s.handle_input(b"USR 1 OK alice@hotmail.com Alice\r\nOUT\r\n")
        .unwrap();
    assert_eq!(sb_tx(&mut s), ["CAL 2 bob@hotmail.com\r\n"]);
    assert_eq!(
        sb_ev(&mut s),
        [SwitchboardEvent::Ready, SwitchboardEvent::Closed]
    );
    assert!(SwitchboardSession::from_xfr(cfg, &xfr, &["a b"]).is_err());
}

#[test]
fn switchboard_participant_limit() {
    let mut cfg = SwitchboardConfig::new("alice@hotmail.com", V::Msnp8);
    cfg.max_participants = 2;
    let mut s = SwitchboardSession::answer(cfg, "1", "c").unwrap();
    s.handle_input(b"IRO 1 1 3 a@b.c A\r\nIRO 1 2 3 d@e.f D\r\nIRO 1 3 3 g@h.i G\r\n")
        .unwrap();
    let ev = sb_ev(&mut s);
    assert_eq!(
        ev.last(),
        Some(&SwitchboardEvent::Failed(
            SwitchboardError::TooManyParticipants { max: 2 }
        ))
    );
    assert_eq!(s.participants().len(), 2);
}

#[test]
fn switchboard_config_follows_the_login() {
    let guid = "{F52973B6-C926-4BAD-9BA8-7C1E840E4AB0}";
    for (v, endpoint) in [
        (V::Msnp18, format!("alice@hotmail.com;{guid}")),
        (V::Msnp15, "alice@hotmail.com".to_owned()),
    ] {
        let cfg = LoginConfig::new(
            "alice@hotmail.com",
            vec![V::Msnp18, V::Msnp15],
            info(),
            Credentials::Ticket,
        )
        .with_machine_guid(guid);
        let mut l = ClientLogin::new(cfg).unwrap();
        l.handle_input(format!("VER 1 {}\r\n", v.name()).as_bytes())
            .unwrap();
        assert_eq!(l.version(), v);
        let sb = l.switchboard_config();
        assert_eq!(sb.version, v);
        assert_eq!(sb.endpoint(), endpoint);
        assert_eq!(l.server_dialect().version, v);
    }
}

#[test]
fn ctp_password_that_cannot_go_on_the_wire() {
    let cfg = LoginConfig::new(
        "alice@hotmail.com",
        vec![V::Msnp2],
        info(),
        Credentials::Password("two words".into()),
    )
    .with_prefer_ctp(true);
    let mut l = ClientLogin::new(cfg).unwrap();
    l.handle_input(b"VER 1 MSNP2\r\nINF 2 CTP\r\nUSR 3 CTP S\r\n")
        .unwrap();
    assert!(matches!(
        drain_ev(&mut l).last(),
        Some(LoginEvent::Failed(LoginError::Auth(_)))
    ));
    assert_eq!(l.phase(), LoginPhase::Finished);
}

#[test]
fn bare_lf_servers_need_leniency() {
    use msnp_proto::Leniency;
    let wire = b"VER 1 MSNP8\nCVR 2 1 1 1 a b\nUSR 3 TWN S lc=1033\n";
    let mut strict = login(vec![V::Msnp8], Credentials::Ticket);
    assert!(matches!(
        strict.handle_input(wire),
        Err(SessionError::Decode(_))
    ));
    let cfg = LoginConfig::new(
        "alice@hotmail.com",
        vec![V::Msnp8],
        info(),
        Credentials::Ticket,
    )
    .with_leniency(Leniency::PERMISSIVE);
    let mut lenient = ClientLogin::new(cfg).unwrap();
    lenient.handle_input(wire).unwrap();
    assert_eq!(lenient.phase(), LoginPhase::Ticket);
    // What the machine writes is still CRLF.
    assert!(drain_tx(&mut lenient).iter().all(|l| l.ends_with("\r\n")));

    let cfg =
        SwitchboardConfig::new("alice@hotmail.com", V::Msnp8).with_leniency(Leniency::PERMISSIVE);
    let mut s = SwitchboardSession::invite(cfg, "c", &[]).unwrap();
    s.handle_input(b"USR 1 OK alice@hotmail.com Alice\n")
        .unwrap();
    assert_eq!(s.phase(), SwitchboardPhase::Open);
}

#[test]
fn auth_package_tokens_are_exact_case() {
    // Moved from msnp-auth's `LegacyPackage::from_token` test: the package token is one
    // concept, msnp-proto's `AuthPackage`.
    assert_eq!(AuthPackage::parse("MD5"), Some(AuthPackage::Md5));
    assert_eq!(AuthPackage::parse("CTP"), Some(AuthPackage::Ctp));
    assert_ne!(AuthPackage::parse("md5"), Some(AuthPackage::Md5));
    // An INF with only a lower-case `md5` offers nothing usable.
    let mut l = login(vec![V::Msnp5], Credentials::Password("pw".into()));
    l.handle_input(b"VER 1 MSNP5\r\nINF 2 md5\r\n").unwrap();
    assert!(matches!(
        drain_ev(&mut l).last(),
        Some(LoginEvent::Failed(LoginError::NoCommonPackage { .. }))
    ));
}

#[test]
fn own_endpoints_are_not_participants() {
    let guid = "{F52973B6-C926-4BAD-9BA8-7C1E840E4AB0}";
    let cfg = SwitchboardConfig::new("alice@hotmail.com", V::Msnp18).with_machine_guid(guid);
    let mut s = SwitchboardSession::answer(cfg, "1", "c").unwrap();
    s.handle_input(b"IRO 1 1 2 Alice@Hotmail.com;{0A} Alice 1:0\r\nIRO 1 2 2 bob@hotmail.com;{B} Bob 1:0\r\nANS 1 OK\r\nJOI alice@hotmail.com;{0C} Alice 1:0\r\nBYE alice@hotmail.com;{0A}\r\n")
        .unwrap();
    assert_eq!(s.participants().len(), 1);
    assert_eq!(s.participants()[0].address(), "bob@hotmail.com");
    let ev = sb_ev(&mut s);
    assert!(
        matches!(&ev[0], SwitchboardEvent::OwnEndpoint(p) if p.handle.endpoint() == Some("{0A}"))
    );
    assert!(matches!(&ev[1], SwitchboardEvent::Present(_)));
    assert_eq!(ev[2], SwitchboardEvent::Ready);
    assert!(
        matches!(&ev[3], SwitchboardEvent::OwnEndpoint(p) if p.handle.endpoint() == Some("{0C}"))
    );
    assert!(matches!(&ev[4], SwitchboardEvent::OwnEndpointLeft(h) if h.endpoint() == Some("{0A}")));
    assert_eq!(s.participants().len(), 1);
}
