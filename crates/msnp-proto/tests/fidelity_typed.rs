//! Regression tests for issue 11 (fidelity), typed layer: items 3 (handle parts in the serde
//! view), 5 (`PAG` page fragments), 6 (unknown `MSG` acknowledgement types) and 8 (malformed
//! numbers in MIME headers). Each test holds the exact input that once fell short.

use msnp_proto::message::MessageError;
use msnp_proto::payload::mime::{MimeMessage, MsgBody};
use msnp_proto::payload::page::Page;
use msnp_proto::payload::{Payload, XmlLimits, parse_payload};
use msnp_proto::xml::{XmlError, XmlOptions, read_document, read_fragment};
use msnp_proto::{
    Channel, Decoder, Dialect, Direction, Limits, Message, ProtocolVersion as V, Status, Verb,
};

fn decode(d: Dialect, wire: &[u8]) -> Result<Message<'_>, MessageError> {
    let Ok(Status::Complete { value, consumed }) = Decoder::new(d, Limits::default()).decode(wire)
    else {
        panic!("does not frame: {}", String::from_utf8_lossy(wire))
    };
    assert_eq!(consumed, wire.len());
    Message::decode(&value, &d).map(Message::into_owned)
}

fn ns(v: V, dir: Direction) -> Dialect {
    Dialect::notification(v).with_direction(dir)
}

fn sb(v: V, dir: Direction) -> Dialect {
    Dialect::notification(v)
        .with_channel(Channel::Switchboard)
        .with_direction(dir)
}

#[cfg(feature = "serde")]
fn fields(m: &Message<'_>) -> serde_json::Value {
    serde_json::to_value(m.fields()).unwrap()
}

/// Item 3: `BYE` keeps its endpoint; `UBX 1:alice@example.com` shows its network like `NLN`.
#[cfg(feature = "serde")]
#[test]
fn handles_show_network_and_endpoint_the_same_way() {
    use serde_json::json;
    let bye = decode(
        sb(V::Msnp18, Direction::ServerToClient),
        b"BYE bob@example.com;{81cc4bbf-0000-0000-0000-000000000000}\r\n",
    )
    .unwrap();
    assert_eq!(
        fields(&bye),
        json!({"handle": "bob@example.com", "network_id": null,
               "endpoint": "{81cc4bbf-0000-0000-0000-000000000000}", "via": null, "flag": null})
    );

    let d18 = ns(V::Msnp18, Direction::ServerToClient);
    let ubx = decode(d18, b"UBX 1:alice@example.com 7\r\n<Data/>").unwrap();
    let nln = decode(
        d18,
        b"NLN NLN 1:alice@example.com Alice 2788999212:48 0\r\n",
    )
    .unwrap();
    let Message::Ubx(u) = &ubx else {
        panic!("{ubx:?}")
    };
    assert_eq!(u.network_id().map(|n| n.0), Some(1));
    for m in [&ubx, &nln] {
        let v = fields(m);
        assert_eq!(v["handle"], "alice@example.com", "{v}");
        assert_eq!(v["network_id"], 1, "{v}");
        assert_eq!(v["endpoint"], json!(null), "{v}");
        assert_eq!(v["via"], json!(null), "{v}");
    }
    // MSNP14–17: the separate network argument, the same key.
    let d15 = ns(V::Msnp15, Direction::ServerToClient);
    let ubx15 = decode(d15, b"UBX alice@example.com 32 7\r\n<Data/>").unwrap();
    assert_eq!(fields(&ubx15)["network_id"], 32);
    // `via` on a circle member, endpoint on a switchboard participant.
    let nln_via = decode(
        d18,
        b"NLN NLN 1:bob@example.com;via=9:00000000-0000-0000-0009-0123456789ab@live.com Bob 2788999212:48 0\r\n",
    )
    .unwrap();
    let v = fields(&nln_via);
    assert_eq!(
        (&v["network_id"], &v["via"]),
        (
            &json!(1),
            &json!("9:00000000-0000-0000-0009-0123456789ab@live.com")
        )
    );
    let joi = decode(
        sb(V::Msnp18, Direction::ServerToClient),
        b"JOI bob@example.com;{81cc4bbf-0000-0000-0000-000000000000} Bob 2788999212:48\r\n",
    )
    .unwrap();
    let v = fields(&joi);
    assert_eq!(v["endpoint"], "{81cc4bbf-0000-0000-0000-000000000000}");
    assert_eq!(v["network_id"], json!(null));
    assert_eq!(v["via"], json!(null));
    // Other handle-carrying commands: the same four keys.
    for (d, wire) in [
        (
            sb(V::Msnp18, Direction::ClientToServer),
            &b"ANS 1 bob@example.com;{81CC4BBF-0000-0000-0000-000000000000} 9df1cc1bb20eed3aca8b 300d871f3f3b930a4fcb68330286c9a\r\n"[..],
        ),
        (sb(V::Msnp18, Direction::ClientToServer), b"CAL 2 1:bob@example.com\r\n"),
        (sb(V::Msnp18, Direction::ClientToServer), b"USR 1 bob@example.com;{81cc4bbf-0000-0000-0000-000000000000} 1234.5678\r\n"),
        (ns(V::Msnp18, Direction::ServerToClient), b"FLN 1:bob@example.com 0:0\r\n"),
        (ns(V::Msnp9, Direction::ServerToClient), b"ILN 8 NLN bob@example.com Bob 268435456 0\r\n"),
        (ns(V::Msnp5, Direction::ServerToClient), b"ADD 4 FL 15 bob@example.com Bob\r\n"),
        (ns(V::Msnp18, Direction::ServerToClient), b"UBN bob@example.com;{81cc4bbf-0000-0000-0000-000000000000} 5 3\r\nabc"),
        (ns(V::Msnp8, Direction::ClientToServer), b"CHG 9 NLN 0\r\n"),
    ] {
        let m = decode(d, wire).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(wire)));
        let v = fields(&m);
        for key in ["handle", "network_id", "endpoint", "via"] {
            assert!(v.get(key).is_some(), "{key} missing in {v}");
        }
        if let Some(rest) = wire.strip_prefix(b"ANS").or_else(|| wire.strip_prefix(b"UBN")) {
            assert!(!rest.is_empty());
            assert!(v["endpoint"].as_str().unwrap().starts_with('{'), "{v}");
        }
    }
    let cal = decode(
        sb(V::Msnp18, Direction::ClientToServer),
        b"CAL 2 1:bob@example.com\r\n",
    )
    .unwrap();
    assert_eq!(fields(&cal)["network_id"], 1);
    // Prefixed keys where the handle is not called `handle`.
    let rng = decode(
        ns(V::Msnp18, Direction::ServerToClient),
        b"RNG 300d871f3f3b930a4fcb68330286c9a 127.0.0.1:1864 CKI 9df1cc1bb20eed3aca8b alice@example.com Alice U messenger.hotmail.com 1\r\n",
    )
    .unwrap();
    let v = fields(&rng);
    assert_eq!(v["inviter"], "alice@example.com");
    assert_eq!(v["inviter_endpoint"], json!(null));
    assert_eq!(v["inviter_network_id"], json!(null));
    let msg = decode(
        sb(V::Msnp18, Direction::ServerToClient),
        b"MSG bob@example.com;{81cc4bbf-0000-0000-0000-000000000000} Bob 3\r\nabc",
    )
    .unwrap();
    let v = fields(&msg);
    assert_eq!(v["sender"], "bob@example.com");
    assert_eq!(
        v["sender_endpoint"],
        "{81cc4bbf-0000-0000-0000-000000000000}"
    );
    assert_eq!(v["sender_network_id"], json!(null));
    let ubm = decode(
        ns(V::Msnp18, Direction::ServerToClient),
        b"UBM bob@yahoo.com 32 1:alice@example.com 1 1 3\r\nabc",
    )
    .unwrap();
    let v = fields(&ubm);
    assert_eq!(
        (
            &v["sender_network_id"],
            &v["receiver"],
            &v["receiver_network_id"]
        ),
        (&json!(32), &json!("alice@example.com"), &json!(1))
    );
}

/// Item 5: `PAG`'s page is a fragment of two elements.
#[test]
fn page_is_a_fragment() {
    let body =
        br#"<PHONE pri="1"/><TEXT xml:space="preserve" enc="utf-8">Call me when you land</TEXT>"#;
    let limits = XmlLimits::default();
    for verb in [Verb::PAG, Verb::PGD] {
        let Payload::Page(p) = parse_payload(verb, None, body, &limits).unwrap() else {
            panic!()
        };
        assert_eq!(p.phone_priority, Some(1));
        assert_eq!(p.text, "Call me when you land");
        assert_eq!(p.encoding.as_deref(), Some("utf-8"));
        let names: Vec<_> = p.elements.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["PHONE", "TEXT"]);
        let raw: String = p.elements.iter().map(|e| e.raw.as_str()).collect();
        assert_eq!(raw.as_bytes(), body);
    }
    // The whole command decodes with its typed payload and re-encodes byte-exactly.
    let mut wire = format!("PAG 13 bob@example.com {}\r\n", body.len()).into_bytes();
    wire.extend_from_slice(body);
    let d = ns(V::Msnp5, Direction::ClientToServer);
    let m = decode(d, &wire).unwrap();
    assert_eq!(m.to_vec(&d).unwrap(), wire);
    // A lone TEXT (the seed transcripts) is still a page.
    let p = Page::parse(
        br#"<TEXT xml:space="preserve">Call me when you land.</TEXT>"#,
        &limits,
    )
    .unwrap();
    assert_eq!(
        (p.phone_priority, p.text.as_str()),
        (None, "Call me when you land.")
    );
    // Still one document reader: a document must have one root, a fragment may have many.
    let s = core::str::from_utf8(body).unwrap();
    assert!(matches!(
        read_document(s, &limits, XmlOptions::default()),
        Err(XmlError::NotADocument { offset: 16, .. })
    ));
    assert_eq!(
        read_fragment(s, &limits, XmlOptions::default())
            .unwrap()
            .elements
            .len(),
        2
    );
    // Same limits as documents.
    let tight = XmlLimits {
        max_elements: 1,
        ..limits
    };
    assert!(matches!(
        Page::parse(body, &tight),
        Err(msnp_proto::payload::PayloadError::TooManyElements { .. })
    ));
    // Typed errors: text between elements, a second TEXT, no TEXT, a bad priority, empty.
    for bad in [
        &b"<PHONE pri=\"1\"/>x<TEXT>a</TEXT>"[..],
        b"<TEXT>a</TEXT><TEXT>b</TEXT>",
        b"<PHONE pri=\"1\"/>",
        b"<PHONE pri=\"one\"/><TEXT>a</TEXT>",
        b"  ",
        b"<!DOCTYPE x><TEXT>a</TEXT>",
    ] {
        assert!(
            Page::parse(bad, &limits).is_err(),
            "{}",
            String::from_utf8_lossy(bad)
        );
    }
}

/// Item 6: `MSG 3 2 85` (a typo in a public page) is not an acknowledgement type.
#[test]
fn unknown_ack_type_is_a_typed_error() {
    let payload = b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nX-MMS-IM-Format: FN=Arial\r\n\r\nHello, world!!!!";
    let mut wire = b"MSG 3 2 85\r\n".to_vec();
    wire.extend_from_slice(&payload[..85]);
    let undirected = Dialect::notification(V::Msnp8).with_channel(Channel::Switchboard);
    for d in [sb(V::Msnp8, Direction::ClientToServer), undirected] {
        let e = decode(d, &wire).unwrap_err();
        assert_eq!(
            e,
            MessageError::BadArg {
                verb: Verb::MSG,
                index: 0,
                expected: "an ack mode (U, N, A, D)"
            }
        );
    }
    // The four modes still decode (D from MSNP9).
    for mode in ["U", "N", "A", "D"] {
        let mut w = format!("MSG 3 {mode} 85\r\n").into_bytes();
        w.extend_from_slice(&payload[..85]);
        let d = sb(V::Msnp9, Direction::ClientToServer);
        assert_eq!(decode(d, &w).unwrap().to_vec(&d).unwrap(), w);
    }
    // And an unknown mode cannot be encoded either.
    let m = Message::MsgSend(msnp_proto::message::MsgSend {
        trid: msnp_proto::TrId(3),
        ack_mode: msnp_proto::message::AckMode::parse("2").unwrap(),
        payload: b"x".as_slice().into(),
    });
    assert!(m.to_vec(&sb(V::Msnp9, Direction::ClientToServer)).is_err());
}

/// Item 8: `ClientPort: 516.` keeps its text and is marked; other bad numbers do not stop
/// decoding.
#[test]
fn malformed_mime_numbers_are_marked() {
    let raw = b"MIME-Version: 1.0\r\nContent-Type: text/x-msmsgsprofile; charset=UTF-8\r\nLoginTime: 1168858812\r\nEmailEnabled: 1\r\nAge: 0x1F\r\nKid: 0\r\nClientIP: 127.0.0.1\r\nClientPort: 516.\r\n\r\n";
    let mime = MimeMessage::parse(raw).unwrap();
    let MsgBody::Profile(p) = mime.typed_body(&XmlLimits::default()).unwrap() else {
        panic!()
    };
    assert_eq!(p.client_port, Some(516));
    assert_eq!(p.login_time, Some(1_168_858_812));
    assert_eq!(p.age, None);
    assert_eq!(p.kid, Some(0));
    let marked: Vec<_> = p
        .malformed
        .iter()
        .map(|m| (m.name.as_str(), m.text.as_str()))
        .collect();
    assert_eq!(marked, [("Age", "0x1F"), ("ClientPort", "516.")]);
    assert!(
        p.fields
            .iter()
            .any(|(k, v)| k == "ClientPort" && v == "516.")
    );
    #[cfg(feature = "serde")]
    {
        let v = serde_json::to_value(&p).unwrap();
        assert_eq!(v["client_port"], 516);
        assert_eq!(
            v["malformed"][1],
            serde_json::json!({"name": "ClientPort", "text": "516."})
        );
        // Well-formed bodies carry no mark.
        let ok = b"MIME-Version: 1.0\r\nContent-Type: text/x-msmsgsprofile; charset=UTF-8\r\nClientPort: 516\r\n\r\n";
        let mime = MimeMessage::parse(ok).unwrap();
        let MsgBody::Profile(p) = mime.typed_body(&XmlLimits::default()).unwrap() else {
            panic!()
        };
        assert!(p.malformed.is_empty());
        assert!(serde_json::to_value(&p).unwrap().get("malformed").is_none());
    }
    // Other MIME bodies with number headers: marked, not failed.
    let raw = b"MIME-Version: 1.0\r\nContent-Type: text/x-msmsgsinitialemailnotification; charset=UTF-8\r\n\r\nInbox-Unread: 3.\r\nFolders-Unread: 00\r\n\r\n";
    let mime = MimeMessage::parse(raw).unwrap();
    let MsgBody::InitialEmail(e) = mime.typed_body(&XmlLimits::default()).unwrap() else {
        panic!()
    };
    assert_eq!((e.inbox_unread, e.folders_unread), (Some(3), Some(0)));
    assert_eq!(e.malformed.len(), 2);
}
