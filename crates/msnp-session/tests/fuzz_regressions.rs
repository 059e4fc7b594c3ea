//! Inputs the fuzz targets (`fuzz/fuzz_targets/`) found wrong, kept as tests.

use msnp_proto::ProtocolVersion as V;
use msnp_session::SessionError;
use msnp_session::server::{CvrAnswer, ServerConfig, ServerLogin, ServerPhase};

fn server(versions: Vec<V>) -> ServerLogin {
    let cvr = CvrAnswer {
        recommended: "8.5.1302".into(),
        recommended2: "8.5.1302".into(),
        minimum: "1.0.0000".into(),
        download_url: "http://download.live.com".into(),
        info_url: "http://messenger.msn.com".into(),
    };
    ServerLogin::new(ServerConfig::new(versions, cvr)).unwrap()
}

/// `server_login`: `push_policies` sent a `GCF` after the machine had finished (here: the client
/// broke the protocol with a `QRY` before `VER`), and before `VER` was answered.
#[test]
fn push_policies_only_while_the_connection_lives() {
    let mut s = server(vec![V::Msnp11, V::Msnp12, V::Msnp13]);
    assert!(matches!(
        s.push_policies(b"<Policies/>"),
        Err(SessionError::WrongState {
            call: "push_policies",
            ..
        })
    ));
    assert!(s.poll_transmit().is_none());
    let _ = s.handle_input(b"QRY 5 msmsgs@msnmsgr.com 32\r\n8a7bbe7e0fc5ee7a1a64d2a5abee4a05");
    assert_eq!(s.phase(), ServerPhase::Finished);
    while s.poll_transmit().is_some() {}
    assert!(matches!(
        s.push_policies(b"<Policies/>"),
        Err(SessionError::WrongState {
            call: "push_policies",
            ..
        })
    ));
    assert!(
        s.poll_transmit().is_none(),
        "nothing is sent after Finished"
    );

    // Once negotiated, it is sent.
    let mut s = server(vec![V::Msnp13]);
    s.handle_input(b"VER 1 MSNP13 CVR0\r\n").unwrap();
    while s.poll_transmit().is_some() {}
    s.push_policies(b"<Policies/>").unwrap();
    assert_eq!(
        s.poll_transmit().unwrap().frame().as_ref(),
        b"GCF 0 11\r\n<Policies/>"
    );
}
