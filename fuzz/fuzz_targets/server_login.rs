//! `server_login`: the server side of a DS/NS login (`ServerLogin`) fed arbitrary client bytes,
//! canned client commands and the caller's calls in any order and state.
//!
//! Input: byte 0 picks the versions served, dispatch (referral) or notification mode, tiny or
//! default limits and the leniency; then a program of steps led by a byte `k`: `k < 0x20` is a
//! caller call (`k % 10`: each challenge, accept, reject, `CHL`, the two verifications, pushed
//! policies, `send`), `k < 0x40` a canned client command (a valid `VER`, `CVR`, `INF`, `USR`,
//! `QRY`, `OUT` of some era), anything else the next `k % 64 + 1` input bytes. The machine has no
//! timer: "time" is the order in which the caller's calls and the client's bytes arrive.
//!
//! Checks: no panic; at most one incomplete command is buffered (within the limits); every
//! queued command frames as one command in the machine's dialect; the phase never goes back;
//! a refused call changes nothing; the client is logged in (phase and `LoggedIn` event) only
//! after the caller's `accept` succeeded, once; the version is one the server speaks; after
//! `Finished` input is refused and nothing more is sent.
#![no_main]

use libfuzzer_sys::fuzz_target;
use msnp_proto::{Decoder, ErrorCode, Leniency, Limits, ProtocolVersion as V, Status};
use msnp_session::server::{
    CvrAnswer, Referral, ServerConfig, ServerEvent, ServerLogin, ServerPhase,
};

const VERSIONS: [&[V]; 5] = [
    &[V::Msnp2],
    &[V::Msnp7, V::Msnp6, V::Msnp5],
    &[V::Msnp8, V::Msnp9],
    &[V::Msnp11, V::Msnp12, V::Msnp13],
    &[V::Msnp15, V::Msnp18, V::Msnp21],
];

const CANNED: [&[u8]; 24] = [
    b"VER 1 MSNP2 CVR0\r\n",
    b"VER 1 MSNP7 MSNP6 MSNP5 CVR0\r\n",
    b"VER 1 MSNP8 CVR0\r\n",
    b"VER 1 MSNP12 MSNP11 CVR0\r\n",
    b"VER 1 MSNP15 MSNP14 MSNP13 CVR0\r\n",
    b"VER 1 MSNP21 MSNP18 CVR0\r\n",
    b"INF 2\r\n",
    b"CVR 2 0x0409 winnt 5.1 i386 MSNMSGR 6.0.0602 MSMSGS alice@hotmail.com\r\n",
    b"CVR 2 0x0409 winnt 6.0 i386 MSNMSGR 8.5.1302 MSMSGS alice@hotmail.com\r\n",
    b"USR 3 MD5 I alice@hotmail.com\r\n",
    b"USR 3 TWN I alice@hotmail.com\r\n",
    b"USR 3 SSO I alice@hotmail.com\r\n",
    b"USR 4 MD5 S 5f6f22edbfde8b0c814c1ee1438ba7a3\r\n",
    b"USR 4 TWN S t=ticket&p=proof\r\n",
    b"USR 4 SSO S t=ticket HAAAAAEAAAADZgAABIAAAAgAAAAUAAAASAAAAAAAAAAAAAAA\r\n",
    b"USR 4 SSO S t=ticket HAAAAAEAAAADZgAABIAAAAgAAAAUAAAASAAAAAAAAAAAAAAA {F52973B6-C926-4BAD-9BA8-7C1E840E4AB0}\r\n",
    b"QRY 5 msmsgs@msnmsgr.com 32\r\n8a7bbe7e0fc5ee7a1a64d2a5abee4a05",
    b"QRY 5 PROD0090YUAUV{2B 32\r\n0123456789abcdef0123456789abcdef",
    b"PNG\r\n",
    b"OUT\r\n",
    b"CHG 6 NLN 0\r\n",
    b"SYN 7 0\r\n",
    b"UUX 8 0\r\n",
    b"BLP 9 AL\r\n",
];

fn rank(p: ServerPhase) -> u8 {
    match p {
        ServerPhase::Version => 0,
        ServerPhase::ClientVersion => 1,
        ServerPhase::Initial => 2,
        ServerPhase::Challenge => 3,
        ServerPhase::Subsequent => 4,
        ServerPhase::Verify => 5,
        ServerPhase::LoggedIn => 6,
        _ => 7,
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&a, mut program)) = data.split_first() else {
        return;
    };
    let versions = VERSIONS[usize::from(a % 5)].to_vec();
    let cvr = CvrAnswer {
        recommended: "8.5.1302".into(),
        recommended2: "8.5.1302".into(),
        minimum: "1.0.0000".into(),
        download_url: "http://download.live.com".into(),
        info_url: "http://messenger.msn.com".into(),
    };
    let mut config = ServerConfig::new(versions.clone(), cvr).with_leniency(Leniency {
        accept_bare_lf: a & 0x10 != 0,
        allow_extra_spaces: a & 0x10 != 0,
        skip_blank_lines: a & 0x10 != 0,
        allow_utf8_args: true,
        payload_outside_version: false,
    });
    if a & 0x20 != 0 {
        config = config.with_referral(Referral {
            address: "207.46.106.118:1863".into(),
            current: "0".into(),
        });
    }
    if a & 0x40 != 0 {
        config.limits = Limits {
            max_line: 48,
            max_payload: 64,
            max_tokens: 8,
        };
    }
    let limits = config.limits;
    let mut s = ServerLogin::new(config).expect("a valid configuration");
    let (mut accepted, mut logged_in, mut negotiated) = (false, false, false);
    let mut phase = s.phase();
    while let Some((&k, rest)) = program.split_first() {
        program = rest;
        let before = rank(s.phase());
        let finished = s.phase() == ServerPhase::Finished;
        if k < 0x20 {
            let res = match k % 10 {
                0 => s.challenge_md5("939912345.12345"),
                1 => s.challenge_twn("lc=1033,id=507,tw=40,fs=1,ru=http%3A%2F%2Fmessenger%2Emsn%2Ecom,ct=1062764229,kpp=1,kv=5,ver=2.1.0173.1,tpf=43f8a4c8ed940c04e3740be46c4d1619"),
                2 => s.challenge_sso("MBI_KEY_OLD", "8nQ8Q8vGpVRt3mD+QXCv8yiXm3R2VqlnDH1jfIhWSBeqnkrWHtqixIvLSSDNfJcx"),
                3 => {
                    let r = s.accept(Some("Alice"), None, None);
                    if r.is_ok() {
                        assert!(!accepted, "accepted twice");
                        accepted = true;
                    }
                    r
                }
                4 => s.reject(ErrorCode(911)),
                5 => s.send_challenge("29409134351025259292"),
                6 => {
                    let _ = s.verify_md5("s3cret");
                    Ok(())
                }
                7 => s.verify_sso(&[7u8; 24]).map(|_| ()),
                8 => s.push_policies(b"<Policies><Policy type=\"SHIELDS\"/></Policies>"),
                _ => s.handle_input(b""),
            };
            if res.is_err() && k % 10 != 9 {
                assert_eq!(rank(s.phase()), before, "a refused call changed the phase");
            }
        } else {
            let bytes: &[u8] = if k < 0x40 {
                CANNED[usize::from(k - 0x20) % CANNED.len()]
            } else {
                let n = (usize::from(k % 64) + 1).min(program.len());
                let (chunk, rest) = program.split_at(n);
                program = rest;
                chunk
            };
            let res = s.handle_input(bytes);
            if finished && !bytes.is_empty() {
                assert!(res.is_err(), "input accepted after Finished");
            }
        }
        assert!(
            rank(s.phase()) >= before,
            "phase went back from {phase:?} to {:?}",
            s.phase()
        );
        phase = s.phase();
        assert!(
            s.buffered() <= limits.max_line + 2 + limits.max_payload,
            "{} bytes buffered",
            s.buffered()
        );
        assert!(
            versions.contains(&s.version()) || !negotiated,
            "version {:?} not served",
            s.version()
        );
        let dialect = s.dialect();
        let mut sent = 0;
        while let Some(cmd) = s.poll_transmit() {
            assert!(!finished, "sent {:?} after Finished", cmd.frame());
            sent += 1;
            match Decoder::new(dialect, Limits::MAX).decode(cmd.frame()) {
                Ok(Status::Complete { consumed, .. }) => {
                    assert_eq!(consumed, cmd.frame().len(), "one command per transmit")
                }
                other => panic!("queued command does not frame: {other:?} {:?}", cmd.frame()),
            }
        }
        assert!(sent <= 64, "{sent} commands from one step");
        while let Some(ev) = s.poll_event() {
            match ev {
                ServerEvent::LoggedIn { .. } => {
                    assert!(accepted && !logged_in, "logged in without accept, or twice");
                    logged_in = true;
                }
                ServerEvent::Negotiated(v) => {
                    assert!(!negotiated, "negotiated twice");
                    assert!(versions.contains(&v), "negotiated {v:?}, not served");
                    negotiated = true;
                }
                _ => {}
            }
        }
        if s.phase() == ServerPhase::LoggedIn {
            assert!(accepted, "logged in without the caller's accept");
        }
    }
});
