//! `ServerLogin`: replays the transcripts' client lines and produces the server lines; and a
//! loopback of `ClientLogin` against `ServerLogin` for every era.

use msnp_proto::{Direction, ErrorCode, Handle, Message, ProtocolVersion as V, TrId, Verb};
use msnp_session::{
    ClientCredentials, ClientInfo, ClientLogin, Credentials, CvrAnswer, LoginConfig, LoginEvent,
    LoginPhase, Referral, ServerConfig, ServerEvent, ServerLogin, ServerPhase, SessionError,
    TicketRequest,
};

mod util;

use util::{Line, read, transcripts};

fn cvr_answer(lines: &[&Line]) -> CvrAnswer {
    let a = lines
        .iter()
        .find(|l| l.dir == Direction::ServerToClient && l.verb() == Verb::CVR)
        .map(|l| l.args())
        .unwrap_or_else(|| vec!["1".into(); 5]);
    CvrAnswer {
        recommended: a[0].clone(),
        recommended2: a[1].clone(),
        minimum: a[2].clone(),
        download_url: a[3].clone(),
        info_url: a[4].clone(),
    }
}

/// Verbs the machine must produce by itself.
fn automatic(l: &Line) -> bool {
    match l.verb() {
        Verb::VER | Verb::INF | Verb::CVR | Verb::QRY => true,
        Verb::XFR => l.args()[0] == "NS",
        _ => false,
    }
}

fn replay_server(name: &str, lines: &[&Line], dispatch: bool) -> (usize, Vec<ServerEvent>) {
    let versions: Vec<V> = V::ALL.iter().copied().filter(|v| *v != V::Cvr0).collect();
    let mut cfg = ServerConfig::new(versions, cvr_answer(lines));
    if dispatch {
        let xfr = lines.iter().find(|l| l.verb() == Verb::XFR).unwrap().args();
        cfg = cfg.with_referral(Referral {
            address: xfr[1].clone(),
            current: xfr.get(3).cloned().unwrap_or_else(|| "x:1".into()),
        });
    }
    let mut s = ServerLogin::new(cfg).unwrap();
    let mut events = Vec::new();
    let mut produced = 0;
    for (i, l) in lines.iter().enumerate() {
        match l.dir {
            Direction::ClientToServer => s.handle_input(&l.bytes).unwrap(),
            // The draft's OUT echo after the client's OUT: the machine is done.
            Direction::ServerToClient
                if s.phase() == ServerPhase::Finished && l.verb() == Verb::OUT =>
            {
                assert!(s.poll_transmit().is_none());
                break;
            }
            Direction::ServerToClient => {
                let got = match s.poll_transmit() {
                    Some(c) => c,
                    None => {
                        assert!(
                            !automatic(l),
                            "{name}: line {i} should have been produced: {}",
                            String::from_utf8_lossy(&l.bytes)
                        );
                        let cmd = l.cmd();
                        let raw = cmd.as_raw();
                        let a = l.args();
                        match (l.verb(), a.get(1).map(String::as_str)) {
                            (Verb::USR, Some("S")) => match a[0].as_str() {
                                "MD5" => s.challenge_md5(&a[2]).unwrap(),
                                "TWN" => s.challenge_twn(&a[2]).unwrap(),
                                _ => s.challenge_sso(&a[2], &a[3]).unwrap(),
                            },
                            (Verb::USR, _) => {
                                let nick = (s.version() < V::Msnp10).then(|| a[2].clone());
                                s.accept(nick.as_deref(), None, None).unwrap();
                            }
                            (Verb::GCF, _) if raw.trid() == Some(TrId(0)) => {
                                s.push_policies(raw.payload().unwrap()).unwrap();
                            }
                            (Verb::CHL, _) => s.send_challenge(&a[0]).unwrap(),
                            _ => {
                                // The caller's own command: typed in the server's dialect.
                                let msg = Message::decode(&raw, &s.dialect()).unwrap();
                                s.send(&msg).unwrap();
                            }
                        }
                        s.poll_transmit().unwrap()
                    }
                };
                produced += 1;
                assert_eq!(
                    String::from_utf8_lossy(got.frame()),
                    String::from_utf8_lossy(&l.bytes),
                    "{name}: server line {i}"
                );
            }
        }
        while let Some(e) = s.poll_event() {
            if let ServerEvent::Credentials(c) = &e {
                match c {
                    ClientCredentials::Md5 { .. } => {
                        assert!(s.verify_md5("s3cret"), "{name}");
                        assert!(!s.verify_md5("s3cret!"), "{name}");
                    }
                    ClientCredentials::Sso {
                        blob, machine_guid, ..
                    } => {
                        // The transcript's secret is unknown: the blob is well formed but
                        // does not verify with another secret.
                        assert_eq!(s.verify_sso(b"not the secret"), Ok(false), "{name}: {blob}");
                        assert_eq!(machine_guid.is_some(), s.version() >= V::Msnp16);
                    }
                    ClientCredentials::Ticket { ticket } => {
                        assert!(ticket.as_str().starts_with("t="))
                    }
                    _ => {}
                }
            }
            if let ServerEvent::Failed(f) = &e {
                panic!("{name}: {f}");
            }
            events.push(e);
        }
    }
    (produced, events)
}

#[test]
fn server_replays_every_transcript() {
    for (name, text) in transcripts() {
        let lines = read(&text);
        let ds: Vec<&Line> = lines.iter().filter(|l| l.conn == 1).collect();
        let (n, ev) = replay_server(&name, &ds, true);
        assert_eq!(
            n,
            ds.iter()
                .filter(|l| l.dir == Direction::ServerToClient)
                .count()
        );
        assert!(ev.contains(&ServerEvent::Referred), "{name}");
        let ns: Vec<&Line> = lines.iter().filter(|l| l.conn == 2 && !l.sb).collect();
        let (n, ev) = replay_server(&name, &ns, false);
        assert!(n > 5, "{name}");
        assert!(
            ev.iter().any(
                |e| matches!(e, ServerEvent::LoggedIn { handle } if handle.as_str() == "alice@hotmail.com")
            ),
            "{name}"
        );
        let chl = ns.iter().filter(|l| l.verb() == Verb::CHL).count();
        let passed = ev
            .iter()
            .filter(|e| matches!(e, ServerEvent::ChallengePassed(_)))
            .count();
        assert_eq!(chl, passed, "{name}");
        assert_eq!(ev.last(), Some(&ServerEvent::ClientLeft), "{name}");
    }
}

// ----- loopback -----

const SECRET: &[u8] = b"a binary secret of 24 b.";

fn pump(c: &mut ClientLogin, s: &mut ServerLogin) -> bool {
    let mut moved = false;
    while let Some(cmd) = c.poll_transmit() {
        moved = true;
        if s.phase() != ServerPhase::Finished {
            s.handle_input(cmd.frame()).unwrap();
        }
    }
    while let Some(cmd) = s.poll_transmit() {
        moved = true;
        if !matches!(c.phase(), LoginPhase::Finished | LoginPhase::Reconnect) {
            c.handle_input(cmd.frame()).unwrap();
        }
    }
    moved
}

fn loopback(v: V, secret_ok: bool) -> (Vec<LoginEvent>, Vec<ServerEvent>) {
    let cvr = CvrAnswer {
        recommended: "1".into(),
        recommended2: "1".into(),
        minimum: "1".into(),
        download_url: "http://a".into(),
        info_url: "http://b".into(),
    };
    let client = LoginConfig::new(
        "alice@hotmail.com",
        vec![v],
        ClientInfo::wlm_8_1(),
        Credentials::Password("pw".into()),
    )
    .with_machine_guid("{F52973B6-C926-4BAD-9BA8-7C1E840E4AB0}");
    let mut c = ClientLogin::new(client).unwrap();
    let ds_cfg = ServerConfig::new(vec![V::Msnp2, v], cvr.clone()).with_referral(Referral {
        address: "10.0.0.2:1863".into(),
        current: "10.0.0.1:1863".into(),
    });
    let mut s = ServerLogin::new(ds_cfg).unwrap();
    let (mut cev, mut sev) = (Vec::new(), Vec::new());
    let mut on_ns = false;
    for _ in 0..50 {
        let moved = pump(&mut c, &mut s);
        let mut acted = false;
        while let Some(e) = c.poll_event() {
            match &e {
                LoginEvent::Reconnect { address } => {
                    assert_eq!(address.as_str(), "10.0.0.2:1863");
                    s = ServerLogin::new(ServerConfig::new(vec![v], cvr.clone())).unwrap();
                    on_ns = true;
                    c.connected().unwrap();
                }
                LoginEvent::TicketNeeded(TicketRequest::Sso { .. }) => {
                    c.provide_sso("t=x&p=y", SECRET, [9; 8]).unwrap()
                }
                LoginEvent::TicketNeeded(_) => c.provide_ticket("t=x&p=y").unwrap(),
                LoginEvent::LoggedIn { .. } if v >= V::Msnp6 => {
                    s.send_challenge("22210219642164014968").unwrap()
                }
                _ => {}
            }
            acted = true;
            cev.push(e);
        }
        while let Some(e) = s.poll_event() {
            match &e {
                ServerEvent::LoginRequested { package, .. } if on_ns => {
                    if v >= V::Msnp13 {
                        s.push_policies(b"<Policies/>").unwrap();
                    }
                    match package.as_str() {
                        "MD5" => s.challenge_md5("1234.5678").unwrap(),
                        "TWN" => s.challenge_twn("lc=1033,id=507").unwrap(),
                        _ => s.challenge_sso("MBI_KEY_OLD", "bm9uY2U=").unwrap(),
                    }
                }
                ServerEvent::Credentials(ClientCredentials::Md5 { .. }) => {
                    assert!(s.verify_md5("pw"));
                    s.accept(Some("Alice"), None, None).unwrap();
                }
                ServerEvent::Credentials(ClientCredentials::Sso { .. }) => {
                    let secret: &[u8] = if secret_ok { SECRET } else { b"wrong secret" };
                    if s.verify_sso(secret).unwrap() {
                        s.accept(None, Some(true), Some(false)).unwrap();
                    } else {
                        s.reject(ErrorCode::AUTHENTICATION_FAILED).unwrap();
                    }
                }
                ServerEvent::Credentials(_) => s.accept(Some("Alice"), None, None).unwrap(),
                _ => {}
            }
            acted = true;
            sev.push(e);
        }
        if !moved && !acted {
            break;
        }
    }
    (cev, sev)
}

#[test]
fn client_and_server_log_in_together_in_every_era() {
    for v in [
        V::Msnp2,
        V::Msnp5,
        V::Msnp7,
        V::Msnp8,
        V::Msnp11,
        V::Msnp12,
        V::Msnp13,
        V::Msnp15,
        V::Msnp16,
        V::Msnp18,
    ] {
        let (c, s) = loopback(v, true);
        assert!(
            c.iter().any(|e| matches!(e, LoginEvent::LoggedIn { .. })),
            "{v:?}: {c:?}"
        );
        assert!(s.contains(&ServerEvent::LoggedIn {
            handle: Handle::parse("alice@hotmail.com").unwrap()
        }));
        if v >= V::Msnp6 {
            // The server's CHL is answered with the default product and accepted.
            assert!(
                s.iter()
                    .any(|e| matches!(e, ServerEvent::ChallengePassed(_))),
                "{v:?}: {s:?}"
            );
            assert!(
                c.iter()
                    .any(|e| matches!(e, LoginEvent::ChallengeAccepted(_))),
                "{v:?}"
            );
        }
        if v >= V::Msnp13 {
            assert!(
                c.iter()
                    .any(|e| matches!(e, LoginEvent::Policies(p) if &p[..] == b"<Policies/>"))
            );
        }
    }
}

#[test]
fn wrong_sso_secret_is_rejected_end_to_end() {
    let (c, _) = loopback(V::Msnp18, false);
    assert!(matches!(
        c.last(),
        Some(LoginEvent::Failed(msnp_session::LoginError::Server {
            code: ErrorCode(911),
            ..
        }))
    ));
}

#[test]
fn server_error_paths() {
    let cvr = CvrAnswer {
        recommended: "1".into(),
        recommended2: "1".into(),
        minimum: "1".into(),
        download_url: "u".into(),
        info_url: "i".into(),
    };
    // No common version: VER 0.
    let mut s = ServerLogin::new(ServerConfig::new(vec![V::Msnp8], cvr.clone())).unwrap();
    s.handle_input(b"VER 1 MSNP18 CVR0\r\n").unwrap();
    assert_eq!(&s.poll_transmit().unwrap().frame()[..], b"VER 1 0\r\n");
    assert_eq!(s.phase(), ServerPhase::Finished);
    // An offer in another letter case names the version it would select in the tracker; the
    // answer is written canonically.
    let mut s = ServerLogin::new(ServerConfig::new(vec![V::Msnp8], cvr.clone())).unwrap();
    s.handle_input(b"VER 1 msnp8 CVR0\r\n").unwrap();
    assert_eq!(&s.poll_transmit().unwrap().frame()[..], b"VER 1 MSNP8\r\n");
    // Wrong QRY answer: 540.
    let mut s = ServerLogin::new(ServerConfig::new(vec![V::Msnp8], cvr.clone())).unwrap();
    s.handle_input(b"VER 1 MSNP8 CVR0\r\nCVR 2 a b c d e f alice@hotmail.com\r\nUSR 3 TWN I alice@hotmail.com\r\n")
        .unwrap();
    assert!(matches!(
        s.accept(None, None, None),
        Err(SessionError::WrongState { .. })
    ));
    assert!(s.challenge_md5("1.2").is_err(), "the wrong package");
    s.challenge_twn("lc=1033").unwrap();
    s.handle_input(b"USR 4 TWN S t=1\r\n").unwrap();
    s.accept(Some("A"), None, None).unwrap();
    s.send_challenge("15570131571988941333").unwrap();
    s.handle_input(b"QRY 5 msmsgs@msnmsgr.com 32\r\n00000000000000000000000000000000")
        .unwrap();
    let out: Vec<_> = std::iter::from_fn(|| s.poll_transmit())
        .map(|c| c.frame().clone())
        .collect();
    assert_eq!(&out.last().unwrap()[..], b"540 5\r\n");
    assert!(
        std::iter::from_fn(|| s.poll_event()).any(|e| e == ServerEvent::ChallengeFailed(TrId(5)))
    );
    // Unexpected: USR before VER.
    let mut s = ServerLogin::new(ServerConfig::new(vec![V::Msnp8], cvr.clone())).unwrap();
    s.handle_input(b"USR 1 TWN I a@b.c\r\n").unwrap();
    assert!(matches!(s.poll_event(), Some(ServerEvent::Failed(_))));
    assert_eq!(s.handle_input(b"OUT\r\n"), Err(SessionError::Finished));
    // Reject.
    let mut s = ServerLogin::new(ServerConfig::new(vec![V::Msnp5], cvr)).unwrap();
    s.handle_input(b"VER 1 MSNP5 CVR0\r\nINF 2\r\nUSR 3 MD5 I a@b.c\r\n")
        .unwrap();
    s.challenge_md5("1.2").unwrap();
    s.handle_input(b"USR 4 MD5 S 00000000000000000000000000000000\r\n")
        .unwrap();
    assert!(!s.verify_md5("pw"));
    s.reject(ErrorCode::AUTHENTICATION_FAILED).unwrap();
    let out: Vec<_> = std::iter::from_fn(|| s.poll_transmit())
        .map(|c| c.frame().clone())
        .collect();
    assert_eq!(&out.last().unwrap()[..], b"911 4\r\n");
    assert_eq!(s.phase(), ServerPhase::Finished);
}
