//! `session`: arbitrary server bytes, in arbitrary chunks, into a client login and a switchboard.
//!
//! Input: byte 0 picks the offered versions, byte 1 the chunk size; the rest is what "the server"
//! sends. Whenever the login asks for a ticket it gets one (TWN, or SSO with a fixed secret and
//! IV), and a referral is followed with `connected()`. Invariants: no panic; at most one
//! incomplete command stays buffered (bounded by the limits); every command the machines queue
//! frames as exactly one command in their own dialect; after a `SessionError` the machine still
//! answers calls without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use msnp_proto::{Decoder, Limits, ProtocolVersion as V, Status};
use msnp_session::{
    ClientInfo, ClientLogin, Credentials, LoginConfig, LoginEvent, SwitchboardConfig,
    SwitchboardSession, TicketRequest,
};

const OFFERS: [&[V]; 6] = [
    &[V::Msnp2],
    &[V::Msnp7, V::Msnp6, V::Msnp5],
    &[V::Msnp9, V::Msnp8],
    &[V::Msnp12, V::Msnp11, V::Msnp10],
    &[V::Msnp15, V::Msnp14, V::Msnp13],
    &[V::Msnp18, V::Msnp17, V::Msnp16],
];

fn frames_once(bytes: &[u8], dialect: msnp_proto::Dialect) {
    match Decoder::new(dialect, Limits::MAX).decode(bytes) {
        Ok(Status::Complete { consumed, .. }) => {
            assert_eq!(consumed, bytes.len(), "one command per transmit")
        }
        other => panic!(
            "queued command does not frame: {other:?} {:?}",
            String::from_utf8_lossy(bytes)
        ),
    }
}

fuzz_target!(|data: &[u8]| {
    let [a, b, input @ ..] = data else { return };
    let versions = OFFERS[usize::from(*a) % OFFERS.len()].to_vec();
    let chunk = usize::from(*b % 64) + 1;
    let config = LoginConfig::new(
        "alice@hotmail.com",
        versions.clone(),
        ClientInfo::wlm_8_1(),
        Credentials::Password("s3cret".into()),
    )
    .with_machine_guid("{F52973B6-C926-4BAD-9BA8-7C1E840E4AB0}");
    let Ok(mut login) = ClientLogin::new(config) else {
        return;
    };
    let Ok(mut sb) = SwitchboardSession::answer(
        SwitchboardConfig::new("alice@hotmail.com", versions[0]),
        "11752099",
        "849102291.1119866900.15422",
    ) else {
        return;
    };
    for piece in input.chunks(chunk) {
        let _ = login.handle_input(piece);
        let _ = sb.handle_input(piece);
        assert!(login.buffered() <= Limits::default().max_line + 2 + Limits::default().max_payload);
        assert!(sb.buffered() <= Limits::default().max_line + 2 + Limits::default().max_payload);
        while let Some(ev) = login.poll_event() {
            match ev {
                LoginEvent::TicketNeeded(TicketRequest::Sso { .. }) => {
                    let _ =
                        login.provide_sso("t=ticket&p=proof", &[7u8; 24], [1, 2, 3, 4, 5, 6, 7, 8]);
                }
                LoginEvent::TicketNeeded(_) => {
                    let _ = login.provide_ticket("t=ticket&p=proof");
                }
                LoginEvent::Reconnect { .. } => {
                    let _ = login.connected();
                }
                _ => {}
            }
        }
        while let Some(cmd) = login.poll_transmit() {
            frames_once(cmd.frame(), login.dialect());
        }
        while sb.poll_event().is_some() {}
        while let Some(cmd) = sb.poll_transmit() {
            assert!(!cmd.frame().is_empty());
        }
    }
});
