//! The MSNSLP answer builders used by the transfer machines: the 603 Decline reproduces the
//! escargot capture (`p2pv1-ext-ft-decline`) byte for byte; 200 OK, 500, the transport answer
//! and BYE have the shapes of p2p.md §5.

use std::path::PathBuf;

use msnp_proto::p2p::slp::{
    Guid, SessionRequest, SlpBody, SlpContentType, SlpMessage, StartLine, euf_guid,
};
use serde_json::Value;

fn decline_vector() -> Value {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/payload/vectors/p2p.json");
    let all: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
    all.into_iter()
        .find(|v| v["id"] == "p2pv1-ext-ft-decline")
        .unwrap()
}

/// The file INVITE the capture's decline answers (its body does not matter to the answer).
fn invite() -> SlpMessage<'static> {
    let req = SessionRequest {
        euf_guid: euf_guid::FILE_TRANSFER,
        session_id: 180646677,
        app_id: 2,
        request_flags: None,
        context: None,
        extra: Vec::new(),
    };
    SlpMessage::session_invite(
        "t2h@hotmail.com",
        "t1h@hotmail.com",
        Guid::parse("{CDE28DAF-B67C-4B2D-8186-D3F46EEF0916}").unwrap(),
        Guid::parse("{F87327A8-741F-4FEF-AB63-45D06F51A0C2}").unwrap(),
        &req,
    )
    .unwrap()
}

#[test]
fn decline_reproduces_the_capture() {
    let v = decline_vector();
    let want = v["decline"]["body_text"].as_str().unwrap();
    let got = SlpMessage::decline_session(&invite(), 180646677).unwrap();
    assert_eq!(got.to_bytes().unwrap(), want.as_bytes());
    assert_eq!(got.status_code(), Some(603));
}

#[test]
fn invite_reads_back_its_session_request() {
    let inv = invite();
    let bytes = inv.to_bytes().unwrap();
    let back = SlpMessage::parse(&bytes).unwrap();
    back.validate().unwrap();
    assert_eq!(back.method(), Some("INVITE"));
    let req = SessionRequest::from_body(&back.body().unwrap()).unwrap();
    assert_eq!((req.session_id, req.app_id), (180646677, 2));
}

#[test]
fn accept_error_transport_and_bye_shapes() {
    let inv = invite();
    let ok = SlpMessage::accept_session(&inv, 180646677).unwrap();
    assert!(matches!(&ok.start_line, StartLine::Status { code: 200, reason } if reason == "OK"));
    assert_eq!(ok.cseq().unwrap(), 1);
    assert_eq!(ok.call_id().unwrap(), inv.call_id().unwrap());
    assert_eq!(ok.to_address().unwrap().address(), "t1h@hotmail.com");
    assert_eq!(ok.body().unwrap().session_id().unwrap(), Some(180646677));
    let ok_bytes = ok.to_bytes().unwrap();
    SlpMessage::parse(&ok_bytes).unwrap().validate().unwrap();

    let err = SlpMessage::internal_error(&inv).unwrap();
    assert_eq!(err.status_code(), Some(500));
    assert_eq!(err.content_type().unwrap(), SlpContentType::Null);
    assert_eq!(err.body_text(), "");

    let stay = SlpMessage::stay_on_switchboard(&inv).unwrap();
    assert_eq!(
        stay.content_type().unwrap(),
        SlpContentType::TransportResponse
    );
    assert_eq!(stay.body().unwrap(), SlpBody::stay_on_switchboard());

    let call = inv.call_id().unwrap();
    let bye = SlpMessage::bye("t2h@hotmail.com", "t1h@hotmail.com", Guid(7), call, 9).unwrap();
    let bye_bytes = bye.to_bytes().unwrap();
    let bye = SlpMessage::parse(&bye_bytes).unwrap();
    bye.validate().unwrap();
    assert_eq!(bye.method(), Some("BYE"));
    assert_eq!(bye.cseq().unwrap(), 0);
    assert_eq!(bye.call_id().unwrap(), call);
    assert_eq!(bye.content_type().unwrap(), SlpContentType::SessionClose);
    assert_eq!(bye.body().unwrap().session_id().unwrap(), Some(9));
}
