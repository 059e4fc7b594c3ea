//! Fixed workloads for the instruction-count regression gate (`.ci/icount`).
//!
//! `icount WORKLOAD` builds its input, then runs the measured function once. The gate runs this
//! under `valgrind --tool=callgrind --toggle-collect=*icount_measure_*`, so only the measured
//! function's instructions count: the input generation is outside it. Instruction counts repeat
//! exactly for the same binary and input, unlike wall time on a shared 2-core machine.
//!
//! Workloads: `raw` (framing), `typed` (framing + typed decode), `encode` (typed encode) over a
//! seeded mixed corpus, and `login` (a client and a server machine logging in to each other in
//! memory: one MSNP7 MD5 login and one MSNP15 SSO login with the MBI blob).

use std::hint::black_box;
use std::process::ExitCode;

use msnp_bench::{Corpus, Profile, corpus};
use msnp_proto::message::Message;
use msnp_proto::{Decoder, Dialect, Limits, ProtocolVersion, Status};
use msnp_session::{
    ClientCredentials, ClientInfo, ClientLogin, Credentials, CvrAnswer, LoginConfig, LoginEvent,
    LoginPhase, ServerConfig, ServerEvent, ServerLogin, ServerPhase, TicketRequest,
};

/// Size of the generated input: large enough that per-call overhead is noise, small enough
/// that callgrind finishes in seconds.
const SIZE: usize = 512 << 10;
const SEED: u64 = 0x5eed;

#[inline(never)]
fn icount_measure_raw(c: &Corpus) -> usize {
    let mut n = 0usize;
    for s in &c.segments {
        let mut dec = Decoder::new(s.dialect, Limits::default());
        let mut buf = &s.bytes[..];
        while let Ok(Status::Complete { value, consumed }) = dec.decode(buf) {
            n += value.arg_count();
            buf = &buf[consumed..];
        }
    }
    n
}

#[inline(never)]
fn icount_measure_typed(c: &Corpus) -> usize {
    let mut n = 0usize;
    for s in &c.segments {
        let mut dec = Decoder::new(s.dialect, Limits::default());
        let mut buf = &s.bytes[..];
        while let Ok(Status::Complete { value, consumed }) = dec.decode(buf) {
            if let Ok(m) = Message::decode(&value, &s.dialect) {
                n += usize::from(!m.is_unknown());
            }
            buf = &buf[consumed..];
        }
    }
    n
}

#[inline(never)]
fn icount_measure_encode(messages: &[(Dialect, Message<'_>)], out: &mut Vec<u8>) -> usize {
    out.clear();
    for (d, m) in messages {
        let _ = m.encode_to_vec(d, out);
    }
    out.len()
}

const SSO_SECRET: &[u8] = b"a binary secret of 24 b.";

/// One client↔server login of `version`, in memory; whether the client got in.
fn login(version: ProtocolVersion) -> bool {
    let cvr = CvrAnswer {
        recommended: "1".into(),
        recommended2: "1".into(),
        minimum: "1".into(),
        download_url: "http://a".into(),
        info_url: "http://b".into(),
    };
    let config = LoginConfig::new(
        "alice@hotmail.com",
        vec![version],
        ClientInfo::wlm_8_1(),
        Credentials::Password("pw".into()),
    );
    let (Ok(mut c), Ok(mut s)) = (
        ClientLogin::new(config),
        ServerLogin::new(ServerConfig::new(vec![version], cvr)),
    ) else {
        return false;
    };
    let mut logged_in = false;
    for _ in 0..32 {
        let mut moved = false;
        while let Some(cmd) = c.poll_transmit() {
            moved = true;
            if s.phase() != ServerPhase::Finished && s.handle_input(cmd.frame()).is_err() {
                return false;
            }
        }
        while let Some(cmd) = s.poll_transmit() {
            moved = true;
            if c.phase() != LoginPhase::Finished && c.handle_input(cmd.frame()).is_err() {
                return false;
            }
        }
        while let Some(e) = c.poll_event() {
            moved = true;
            let r = match e {
                LoginEvent::TicketNeeded(TicketRequest::Sso { .. }) => {
                    c.provide_sso("t=x&p=y", SSO_SECRET, [9; 8])
                }
                LoginEvent::LoggedIn { .. } => {
                    logged_in = true;
                    Ok(())
                }
                _ => Ok(()),
            };
            if r.is_err() {
                return false;
            }
        }
        while let Some(e) = s.poll_event() {
            moved = true;
            let r = match e {
                ServerEvent::LoginRequested { package, .. } => match package.as_str() {
                    "MD5" => s.challenge_md5("1234.5678"),
                    _ => s.challenge_sso("MBI_KEY_OLD", "bm9uY2U="),
                },
                ServerEvent::Credentials(ClientCredentials::Md5 { .. }) if s.verify_md5("pw") => {
                    s.accept(Some("Alice"), None, None)
                }
                ServerEvent::Credentials(ClientCredentials::Sso { .. })
                    if s.verify_sso(SSO_SECRET).unwrap_or(false) =>
                {
                    s.accept(None, Some(true), Some(false))
                }
                _ => Ok(()),
            };
            if r.is_err() {
                return false;
            }
        }
        if !moved {
            break;
        }
    }
    logged_in
}

#[inline(never)]
fn icount_measure_login() -> usize {
    usize::from(login(black_box(ProtocolVersion::Msnp7)))
        + usize::from(login(black_box(ProtocolVersion::Msnp15)))
}

fn main() -> ExitCode {
    let workload = std::env::args().nth(1).unwrap_or_default();
    if workload == "login" {
        let n = icount_measure_login();
        println!("login: {n}");
        return if n == 2 {
            ExitCode::SUCCESS
        } else {
            eprintln!("icount: a loopback login failed");
            ExitCode::FAILURE
        };
    }
    let c = corpus(Profile::Mixed, SIZE, SEED);
    let result = match workload.as_str() {
        "raw" => icount_measure_raw(black_box(&c)),
        "typed" => icount_measure_typed(black_box(&c)),
        "encode" => {
            let mut messages = Vec::with_capacity(c.commands());
            for s in &c.segments {
                let mut dec = Decoder::new(s.dialect, Limits::default());
                let mut buf = &s.bytes[..];
                while let Ok(Status::Complete { value, consumed }) = dec.decode(buf) {
                    if let Ok(m) = Message::decode(&value, &s.dialect) {
                        messages.push((s.dialect, m));
                    }
                    buf = &buf[consumed..];
                }
            }
            let mut out = Vec::with_capacity(c.bytes());
            icount_measure_encode(black_box(&messages), &mut out)
        }
        _ => {
            eprintln!("usage: icount raw|typed|encode|login");
            return ExitCode::from(2);
        }
    };
    println!("{workload}: {result}");
    ExitCode::SUCCESS
}
