//! Known-answer tests for each payload kind, parse and build.

use msnp_proto::Verb;
use msnp_proto::payload::mime::{
    ActiveMailNotification, Datacast, DatacastKind, ImFormat, MailDataField, MimeHeaders,
    MimeMessage, MsgBody, TextMessage, Typing, decode_rfc2047,
};
use msnp_proto::payload::notification::NotificationDocument;
use msnp_proto::payload::p2p::{P2pHeader, app_id, flags};
use msnp_proto::payload::routed::{RoutedAddress, RoutedMessage};
use msnp_proto::payload::shields::ShieldsConfig;
use msnp_proto::payload::uun::{UunBody, UunContent, UunType};
use msnp_proto::payload::{Payload, XmlLimits, parse_payload};

fn lim() -> XmlLimits {
    XmlLimits::default()
}

fn msg(raw: &[u8]) -> MsgBody<'static> {
    let Payload::Msg(m) = parse_payload(Verb::MSG, None, raw, &lim()).unwrap() else {
        panic!("not a MSG")
    };
    m.body.into_owned()
}

#[test]
fn text_plain_build_and_parse() {
    let t = TextMessage {
        format: Some(ImFormat::parse(
            "FN=Segoe%20UI; EF=BIUS; CO=ff0000; CS=80; PF=22; RL=1",
        )),
        text: "hello\r\nworld".into(),
    };
    let f = t.format.as_ref().unwrap();
    assert!(f.effects.bold && f.effects.italic && f.effects.underline && f.effects.strikethrough);
    assert_eq!(f.color.map(|c| (c.r, c.g, c.b)), Some((0, 0, 255)));
    assert_eq!(f.charset, Some(0x80));
    assert!(f.right_to_left);
    let bytes = t.to_mime().to_bytes();
    assert_eq!(
        bytes,
        b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nX-MMS-IM-Format: FN=Segoe%20UI; EF=BIUS; CO=ff0000; CS=80; PF=22; RL=1\r\n\r\nhello\r\nworld".to_vec()
    );
    assert_eq!(msg(&bytes), MsgBody::Text(t));
}

#[test]
fn im_format_tolerates_subsets_and_garbage() {
    let f = ImFormat::parse("CO=ff00");
    assert_eq!(f.color.map(|c| (c.r, c.g, c.b)), Some((0, 255, 0)));
    assert_eq!(f.font_name, None);
    let f = ImFormat::parse("PF=22;FN=Arial;EF=;XX=1;CO=zz");
    assert_eq!(f.font_name.as_deref(), Some("Arial"));
    assert_eq!(f.pitch_family, Some(22));
    assert_eq!(
        f.other,
        vec![("XX".into(), "1".into()), ("CO".into(), "zz".into())]
    );
    // missing header = default font
    let b = msg(b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nhi");
    assert_eq!(
        b,
        MsgBody::Text(TextMessage {
            format: None,
            text: "hi".into()
        })
    );
}

#[test]
fn typing_and_datacast_build() {
    let t = Typing {
        user: "me@example.com".into(),
    };
    let bytes = t.to_mime().to_bytes();
    assert_eq!(bytes, b"MIME-Version: 1.0\r\nContent-Type: text/x-msmsgscontrol\r\nTypingUser: me@example.com\r\n\r\n\r\n".to_vec());
    assert_eq!(msg(&bytes), MsgBody::Typing(t));

    let d = Datacast {
        id: 2,
        kind: DatacastKind::Wink,
        data: Some("<msnobj Creator=\"a\"/>".into()),
    };
    let bytes = d.to_mime().to_bytes();
    assert_eq!(msg(&bytes), MsgBody::Datacast(d));
    let MsgBody::Datacast(v) = msg(b"MIME-Version: 1.0\r\nContent-Type: text/x-msnmsgr-datacast\r\n\r\nID: 4\r\nData: waves\r\n\r\n") else {
        panic!()
    };
    assert_eq!(
        (v.kind, v.data.as_deref()),
        (DatacastKind::Action, Some("waves"))
    );
}

#[test]
fn new_mail_notification() {
    let raw = b"MIME-Version: 1.0\r\nContent-Type: text/x-msmsgsemailnotification; charset=UTF-8\r\n\r\nFrom: =?utf-8?B?Qm9iIE3DvGxsZXI=?=\r\nMessage-URL: /cgi-bin/getmsg?msg=MSG1\r\nPost-URL: https://loginnet.passport.com/ppsecure/md5auth.srf?lc=1033\r\nSubject: =?iso-8859-1?Q?Caf=E9_tonight?=\r\nDest-Folder: ACTIVE\r\nFrom-Addr: bob@example.com\r\nid: 2\r\n\r\n";
    let MsgBody::NewEmail(e) = msg(raw) else {
        panic!()
    };
    assert_eq!(e.from.as_deref(), Some("Bob M\u{fc}ller"));
    assert_eq!(e.subject.as_deref(), Some("Caf\u{e9} tonight"));
    assert_eq!(e.dest_folder.as_deref(), Some("ACTIVE"));
    assert_eq!(e.from_addr.as_deref(), Some("bob@example.com"));
    assert_eq!(e.id.as_deref(), Some("2"));
    assert_eq!(e.message_url.as_deref(), Some("/cgi-bin/getmsg?msg=MSG1"));
}

#[test]
fn rfc2047() {
    assert_eq!(decode_rfc2047("plain"), "plain");
    assert_eq!(decode_rfc2047("=?utf-8?B?YQ==?= =?utf-8?B?Yg==?="), "ab");
    assert_eq!(
        decode_rfc2047("x =?bogus?B?YQ==?= y"),
        "x =?bogus?B?YQ==?= y"
    );
    assert_eq!(decode_rfc2047("=?utf-8?Q?a=2"), "=?utf-8?Q?a=2");
}

#[test]
fn active_mail_and_oim() {
    let MsgBody::ActiveMail(a) = msg(b"MIME-Version: 1.0\r\nContent-Type: text/x-msmsgsactivemailnotification; charset=UTF-8\r\n\r\nSrc-Folder: .!!OIM\r\nDest-Folder: .!!trAsH\r\nMessage-Delta: 1\r\n\r\n") else {
        panic!()
    };
    assert_eq!(
        (
            a.src_folder.as_deref(),
            a.dest_folder.as_deref(),
            a.message_delta
        ),
        (Some(".!!OIM"), Some(".!!trAsH"), Some(1))
    );
    assert_eq!(
        msg(&a.to_mime().to_bytes()),
        MsgBody::ActiveMail(ActiveMailNotification { ..a.clone() })
    );

    let raw = "MIME-Version: 1.0\r\nContent-Type: text/x-msmsgsoimnotification; charset=UTF-8\r\n\r\nMail-Data: <MD><E><I>3</I><IU>1</IU><O>0</O><OU>0</OU></E><Q><QTM>409600</QTM><QNM>204800</QNM></Q><M><T>11</T><S>6</S><RT>2007-05-14T15:52:53.377Z</RT><RS>0</RS><SZ>1234</SZ><E>bob@example.com</E><I>ABC-123</I><F>00000000-0000-0000-0000-000000000009</F><N>=?utf-8?B?Qm9i?=</N><SU> </SU></M></MD>\r\n\r\n";
    let MsgBody::MailData(m) = msg(raw.as_bytes()) else {
        panic!()
    };
    assert!(!m.initial);
    let Some(MailDataField::Data(d)) = m.mail_data else {
        panic!()
    };
    assert_eq!(d.inbox_unread, Some(1));
    let o = &d.messages[0];
    assert_eq!(o.sender.as_deref(), Some("bob@example.com"));
    assert_eq!(o.id.as_deref(), Some("ABC-123"));
    assert_eq!(o.friendly.as_deref(), Some("Bob"));
    assert_eq!(o.received_time.as_deref(), Some("2007-05-14T15:52:53.377Z"));
    assert_eq!(o.size, Some(1234));

    let MsgBody::MailData(m) = msg(b"MIME-Version: 1.0\r\nContent-Type: text/x-msmsgsinitialmdatanotification; charset=UTF-8\r\n\r\nMail-Data: too-large\r\nInbox-URL: /cgi-bin/HoTMaiL\r\n\r\n") else {
        panic!()
    };
    assert_eq!(m.mail_data, Some(MailDataField::TooLarge));
    assert_eq!(m.inbox_url.as_deref(), Some("/cgi-bin/HoTMaiL"));
}

#[test]
fn system_invite_keepalive() {
    let MsgBody::SystemMessage(s) = msg(b"MIME-Version: 1.0\r\nContent-Type: application/x-msmsgssystemmessage\r\n\r\nType: 1\r\nArg1: 5\r\n") else {
        panic!()
    };
    assert_eq!((s.message_type, s.arg1.as_deref()), (Some(1), Some("5")));

    let MsgBody::Invitation(i) = msg(b"MIME-Version: 1.0\r\nContent-Type: text/x-msmsgsinvite; charset=UTF-8\r\n\r\nApplication-Name: File Transfer\r\nApplication-GUID: {5D3E02AB-6190-11d3-BBBB-00C04F795683}\r\nInvitation-Command: INVITE\r\nInvitation-Cookie: 17\r\nApplication-File: a.txt\r\nApplication-FileSize: 10\r\n\r\n") else {
        panic!()
    };
    assert_eq!(i.command.as_deref(), Some("INVITE"));
    assert_eq!(i.cookie.as_deref(), Some("17"));
    assert_eq!(i.application_name.as_deref(), Some("File Transfer"));
    assert_eq!(
        i.application_guid.as_deref(),
        Some("{5D3E02AB-6190-11d3-BBBB-00C04F795683}")
    );
    assert!(
        i.fields
            .contains(&("Application-FileSize".into(), "10".into()))
    );
    assert_eq!(
        (i.file_name.as_deref(), i.file_size),
        (Some("a.txt"), Some(10))
    );
    assert_eq!(msg(&i.to_mime().to_bytes()), MsgBody::Invitation(i.clone()));
    let MsgBody::Invitation(a) = msg(b"MIME-Version: 1.0\r\nContent-Type: text/x-msmsgsinvite; charset=UTF-8\r\n\r\nInvitation-Command: ACCEPT\r\nInvitation-Cookie: 17\r\nIP-Address: 192.0.2.1\r\nPort: 6891\r\nAuthCookie: 1234\r\n\r\n") else {
        panic!()
    };
    assert_eq!(
        (a.ip_address.as_deref(), a.port, a.auth_cookie.as_deref()),
        (Some("192.0.2.1"), Some(6891), Some("1234"))
    );

    assert_eq!(
        msg(b"MIME-Version: 1.0\r\nContent-Type: text/x-keepalive\r\n\r\n"),
        MsgBody::Keepalive
    );
    assert_eq!(
        msg(b"MIME-Version: 1.0\r\nContent-Type: text/x-unknown\r\n\r\nzz"),
        MsgBody::Other {
            content_type: "text/x-unknown".into()
        }
    );
}

#[test]
fn p2p_mime_message() {
    let h = P2pHeader {
        identifier: 5,
        total_size: 3,
        length: 3,
        ack_identifier: 9,
        ..P2pHeader::default()
    };
    let mut body = h.to_bytes().to_vec();
    body.extend(b"abc");
    body.extend(app_id::DISPLAY_PICTURE.to_be_bytes());
    let mut headers = MimeHeaders::default();
    headers.push("MIME-Version", "1.0");
    headers.push("Content-Type", "application/x-msnmsgrp2p");
    headers.push("P2P-Dest", "buddy@example.com");
    let raw = MimeMessage::new(headers, body).to_bytes();
    let MsgBody::P2p(p) = msg(&raw) else { panic!() };
    assert_eq!(p.dest.as_deref(), Some("buddy@example.com"));
    let msnp_proto::p2p::P2pPayload::V1(message) = &p.payload else {
        panic!("a bare-handle P2P-Dest is P2Pv1")
    };
    assert_eq!(message.header, h);
    assert_eq!(&message.data[..], b"abc");
    assert_eq!(message.footer, 12);
    assert_eq!(h.ack(6).flags, flags::ACK);
    assert_eq!(p.to_mime().unwrap().to_bytes(), raw);
    // header length disagreeing with the data is an error
    let mut bad = P2pHeader { length: 4, ..h }.to_bytes().to_vec();
    bad.extend(b"abc\0\0\0\0");
    assert!(msnp_proto::payload::p2p::P2pMessage::parse(&bad).is_err());
}

#[test]
fn mime_headers_case_order_duplicates() {
    let m = MimeMessage::parse(
        b"MIME-Version: 1.0\r\nContent-Type: text/plain\r\nX-A: 1\r\nx-a: 2\r\n\r\nbody",
    )
    .unwrap();
    assert_eq!(m.header("X-A"), Some("1"));
    assert_eq!(m.headers.get_all("x-A").collect::<Vec<_>>(), vec!["1", "2"]);
    assert_eq!(m.headers.0[3].name, "x-a");
    assert_eq!(&m.body[..], b"body");
    let ct = m.content_type().unwrap();
    assert_eq!(ct.media_type, "text/plain");
    let mut h = MimeHeaders::default();
    h.push("Bad", "a\r\nInjected: 1");
    assert!(MimeMessage::new(h, b"".to_vec()).try_to_bytes().is_err());
}

#[test]
fn ipg_pager_message() {
    let body = br#"<NOTIFICATION id="0" siteid="111100400" siteurl="http://mobile.msn.com/"><TO name="alice@hotmail.com" pid="0x00000001:0x00000002"><VIA agent="mobile"/></TO><FROM name="tel:+15551234567"/><MSG pri="1" id="1"><ACTION url="2wayIM.asp"/><SUBSCR url="2wayIM.asp"/><CAT id="110110001"/><BODY lang="1033"><TEXT>On my way</TEXT></BODY></MSG></NOTIFICATION>"#;
    let Payload::Notification(n) = parse_payload(Verb::IPG, None, body, &lim()).unwrap() else {
        panic!()
    };
    assert_eq!(n.to.as_ref().unwrap().via.as_deref(), Some("mobile"));
    assert_eq!(n.other.len(), 1);
    assert_eq!(n.other[0].name, "FROM");
    assert_eq!(n.other[0].attr("name"), Some("tel:+15551234567"));
    assert_eq!(
        n.messages[0].body.as_ref().unwrap().text.as_deref(),
        Some("On my way")
    );
    assert_eq!(
        NotificationDocument::parse(n.to_xml().as_bytes(), &lim()).unwrap(),
        n
    );
}

#[test]
fn notification_circle_data() {
    let inner = "<NotificationData><Service>ABCHInternal</Service><CID>1</CID><CircleId>00000000-0000-0000-0009-0123456789ab</CircleId><Role>2</Role></NotificationData>";
    let n = NotificationDocument {
        id: Some(0),
        site_id: Some(45705),
        site_url: Some("http://contacts.msn.com".into()),
        messages: vec![msnp_proto::payload::notification::NotificationMessage {
            id: Some("0".into()),
            body: Some(msnp_proto::payload::notification::NotificationBody {
                raw_text: inner.into(),
                ..Default::default()
            }),
            ..Default::default()
        }],
        ..Default::default()
    };
    let xml = n.to_xml();
    assert!(xml.contains("&lt;NotificationData&gt;"));
    let back = NotificationDocument::parse(xml.as_bytes(), &lim()).unwrap();
    let nd = back.messages[0]
        .body
        .as_ref()
        .unwrap()
        .notification_data
        .clone()
        .unwrap();
    assert_eq!(
        nd.circle_id.as_deref(),
        Some("00000000-0000-0000-0009-0123456789ab")
    );
    assert_eq!(nd.role.as_deref(), Some("2"));
}

#[test]
fn uun_types() {
    let b = UunBody::parse(8, b"gtfo", &lim()).unwrap();
    assert_eq!(b.content, UunContent::SignOutEverywhere);
    let b = UunBody::parse(4, b"goawyplzthxbye", &lim()).unwrap();
    assert_eq!(
        b.content,
        UunContent::SignOut {
            disable_mpop: false
        }
    );
    let snm = br#"<SNM opcode="SNM" csid="{4C1E3F73-0E10-4A5B-9E6D-1A2B3C4D5E6F}" type="Music" />"#;
    let b = UunBody::parse(1, snm, &lim()).unwrap();
    let UunContent::Xml(x) = &b.content else {
        panic!()
    };
    assert_eq!(x.name, "SNM");
    assert_eq!(x.attr("opcode"), Some("SNM"));
    assert_eq!(b.to_bytes(), snm.to_vec());
    assert!(UunBody::parse(1, b"not xml", &lim()).is_err());
    let b = UunBody::parse(5, b"12345;64.4.36.1:1863", &lim()).unwrap();
    assert_eq!(
        (b.kind, &b.content),
        (
            UunType::WindowClosed,
            &UunContent::Text("12345;64.4.36.1:1863".into())
        )
    );
    let b = UunBody::parse(99, b"\xff\x00", &lim()).unwrap();
    assert_eq!(b.kind, UunType::Unknown);
    assert!(matches!(b.content, UunContent::Binary(_)));
    let Payload::Uun(u) = parse_payload(
        Verb::UBN,
        Some(2),
        b"INVITE MSNMSGR:x MSNSLP/1.0\r\n\r\n",
        &lim(),
    )
    .unwrap() else {
        panic!()
    };
    assert_eq!(u.kind, UunType::SipInvite);
}

#[test]
fn routed_nfy_and_sdg() {
    let raw = b"Routing: 1.0\r\nTo: 1:alice@hotmail.com;path=IM\r\nFrom: 9:00000000-0000-0000-0009-0123456789ab@live.com\r\n\r\nReliability: 1.0\r\nStream: 0\r\nSegment: 1\r\n\r\nNotification: 1.0\r\nNotifType: Full\r\nContent-Type: application/circles+xml\r\nContent-Length: 10\r\n\r\n<circle/>!";
    let Payload::Routed(m) = parse_payload(Verb::NFY, None, raw, &lim()).unwrap() else {
        panic!()
    };
    assert_eq!(m.kind(), Some(("Notification", "1.0")));
    assert_eq!(m.to().unwrap().path.as_deref(), Some("IM"));
    assert_eq!(m.from().unwrap().network, 9);
    assert_eq!(m.reliability.get("segment"), Some("1"));
    assert_eq!(m.body_text(), Some("<circle/>!"));
    assert_eq!(m.to_bytes().unwrap(), raw.to_vec());

    // Content-Length beyond the data
    let short = b"Routing: 1.0\r\n\r\nReliability: 1.0\r\n\r\nMessaging: 2.0\r\nContent-Length: 50\r\n\r\nhi";
    assert!(RoutedMessage::parse(short).is_err());
    let a = RoutedAddress::parse("1:bob@hotmail.com;epid={ABC};x=y").unwrap();
    assert_eq!(a.to_string(), "1:bob@hotmail.com;epid={ABC};x=y");
    assert!(RoutedAddress::parse("bob").is_err());
}

#[test]
fn shields_build_with_block_rules() {
    let xml = r#"<config><shield><cli maj="8" min="1" minbld="0" maxbld="9999" deny="winks ddp" /></shield><block><regexp><imtext value="ZG9nZ3k="/></regexp><hashes><h>1</h></hashes></block></config>"#;
    let c = ShieldsConfig::parse(xml.as_bytes(), &lim()).unwrap();
    assert_eq!(c.denied_features(8, 1, 100), vec!["winks", "ddp"]);
    let b = c.block.as_ref().unwrap();
    assert_eq!(b.imtext[0].pattern.as_deref(), Some("doggy"));
    assert_eq!(b.other[0].name, "hashes");
    assert_eq!(c.to_xml(false), xml);
}

#[cfg(feature = "serde")]
#[test]
fn payload_serializes_to_json() {
    let raw = b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nhi";
    let p = parse_payload(Verb::MSG, None, raw, &lim()).unwrap();
    let v = serde_json::to_value(&p).unwrap();
    assert_eq!(v["kind"], "msg");
    assert_eq!(v["value"]["body"]["kind"], "text");
    assert_eq!(v["value"]["body"]["text"], "hi");
    assert_eq!(v["value"]["content_type"], "text/plain");
    assert_eq!(v["value"]["headers"][1]["name"], "Content-Type");
    assert!(v["value"].get("mime").is_none());
    let p = parse_payload(
        Verb::ADL,
        None,
        br#"<ml l="1"><d n="a.com"><c n="b" l="3" t="1"/></d></ml>"#,
        &lim(),
    )
    .unwrap();
    let v = serde_json::to_value(&p).unwrap();
    assert_eq!(v["kind"], "ml");
    assert_eq!(v["value"]["domains"][0]["contacts"][0]["lists"], 3);
    let v = serde_json::to_value(
        parse_payload(Verb::new(*b"XYZ").unwrap(), None, b"\x01\x02", &lim()).unwrap(),
    )
    .unwrap();
    assert_eq!(v, serde_json::json!({"kind": "opaque", "value": "AQI="}));
}

#[test]
fn page_xml_and_pid_parts() {
    let Payload::Page(page) = parse_payload(
        Verb::PAG,
        None,
        br#"<TEXT xml:space="preserve">Call me when you land.</TEXT>"#,
        &lim(),
    )
    .unwrap() else {
        panic!()
    };
    assert_eq!(page.text, "Call me when you land.");
    let [x] = &page.elements[..] else { panic!() };
    assert_eq!(
        (x.name.as_str(), x.text.as_str()),
        ("TEXT", "Call me when you land.")
    );
    assert_eq!(x.attr("xml:space"), Some("preserve"));
    let to = msnp_proto::payload::notification::NotificationTo {
        pid: Some("0x00014850:0x627a5400".into()),
        ..Default::default()
    };
    assert_eq!(to.pid_parts(), Some((0x14850, 0x627a_5400)));
}

#[test]
fn routed_body_xml() {
    let raw = b"Routing: 1.0\r\n\r\nReliability: 1.0\r\n\r\nPublication: 1.0\r\n\r\n<user><s n=\"IM\"><Status>NLN</Status></s></user>";
    let m = RoutedMessage::parse(raw).unwrap();
    let x = m.body_xml(&lim()).unwrap().unwrap();
    assert_eq!(x.child("s").unwrap().child("Status").unwrap().text, "NLN");
}

#[test]
fn ubx_ddp_msnobj_and_server_escapes() {
    use msnp_proto::payload::data::DataDocument;
    let body = br#"<Data><PSM>a&#x3D;b &#x3C;3</PSM><CurrentMedia>&#x5C;0Music&#x5C;01&#x5C;0{0}&#x5C;0Song&#x5C;0</CurrentMedia><DDP>&lt;msnobj Creator=&quot;a@b.com&quot; Size=&quot;10&quot; Type=&quot;7&quot; Location=&quot;0&quot; Friendly=&quot;AAA=&quot; SHA1D=&quot;x&quot;/&gt;</DDP></Data>"#;
    let DataDocument::Data(d) = DataDocument::parse(body, &lim()).unwrap() else {
        panic!()
    };
    assert_eq!(d.psm.as_deref(), Some("a=b <3"));
    assert_eq!(d.media().unwrap().formatted, "Song");
    let o = d.ddp_object(&lim()).unwrap().unwrap();
    assert_eq!(
        (o.creator.as_str(), o.object_type, o.size),
        ("a@b.com", 7, 10)
    );
    assert!(d.scene_object(&lim()).is_none());
}

#[test]
fn into_owned_outlives_input() {
    let owned: Vec<Payload<'static>> = {
        let bufs: Vec<Vec<u8>> = vec![
            b"MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nhi".to_vec(),
            b"Routing: 1.0\r\n\r\nReliability: 1.0\r\n\r\nMessaging: 2.0\r\n\r\nx".to_vec(),
            b"sessionid;host".to_vec(),
        ];
        let verbs = ["MSG", "SDG", "UBN"];
        bufs.iter()
            .zip(verbs)
            .map(|(b, v)| {
                parse_payload(v.parse().unwrap(), Some(5), b, &lim())
                    .unwrap()
                    .into_owned()
            })
            .collect()
    };
    assert!(
        matches!(&owned[0], Payload::Msg(m) if matches!(&m.body, MsgBody::Text(t) if t.text == "hi"))
    );
    assert!(matches!(&owned[1], Payload::Routed(r) if &r.body[..] == b"x"));
    assert!(
        matches!(&owned[2], Payload::Uun(u) if u.content == UunContent::Text("sessionid;host".into()))
    );
}

#[test]
fn ddp_unescaped_child_is_accepted() {
    use msnp_proto::payload::data::DataDocument;
    let body = br#"<Data><DDP><msnobj Creator="a@b.com" Size="1" Type="7" SHA1D="x"/></DDP><PSM><b/></PSM></Data>"#;
    // PSM with markup is an error, DDP with an msnobj child is read leniently
    assert!(DataDocument::parse(body, &lim()).is_err());
    let body =
        br#"<Data><DDP><msnobj Creator="a@b.com" Size="1" Type="7" SHA1D="x"/></DDP></Data>"#;
    let DataDocument::Data(d) = DataDocument::parse(body, &lim()).unwrap() else {
        panic!()
    };
    assert_eq!(d.ddp_object(&lim()).unwrap().unwrap().object_type, 7);
}

#[test]
fn server_message_builders_round_trip() {
    use msnp_proto::payload::mime::{
        EmailNotification, InitialEmailNotification, MailData, MailDataNotification, OimEntry,
        Profile, SystemMessage,
    };
    let p = Profile {
        login_time: Some(1_168_858_812),
        email_enabled: Some(true),
        member_id_high: Some(84176),
        member_id_low: Some(-5),
        preferred_email: Some("alice@hotmail.com".into()),
        client_port: Some(39440),
        mpop_enabled: Some(false),
        ..Profile::default()
    };
    let raw = p.to_mime().to_bytes();
    assert!(raw.starts_with(b"MIME-Version: 1.0\r\nContent-Type: text/x-msmsgsprofile; charset=UTF-8\r\nLoginTime: 1168858812\r\nEmailEnabled: 1\r\n"));
    let MsgBody::Profile(back) = msg(&raw) else {
        panic!()
    };
    assert_eq!(
        Profile {
            fields: vec![],
            ..back.clone()
        },
        p
    );
    assert_eq!(back.puid(), Some((84176u64 << 32) | 0xFFFF_FFFB));

    let e = InitialEmailNotification {
        inbox_unread: Some(3),
        folders_unread: Some(0),
        inbox_url: Some("/cgi-bin/HoTMaiL".into()),
        folders_url: Some("/cgi-bin/folders".into()),
        post_url: Some("http://www.hotmail.com".into()),
        malformed: vec![],
        fields: vec![],
    };
    let MsgBody::InitialEmail(back) = msg(&e.to_mime().to_bytes()) else {
        panic!()
    };
    assert_eq!(
        InitialEmailNotification {
            fields: vec![],
            ..back
        },
        e
    );

    let n = EmailNotification {
        from: Some("Bob Müller".into()),
        subject: Some("hello".into()),
        dest_folder: Some("ACTIVE".into()),
        from_addr: Some("bob@example.com".into()),
        ..EmailNotification::default()
    };
    let raw = n.to_mime().to_bytes();
    assert!(
        std::str::from_utf8(&raw)
            .unwrap()
            .contains("From: =?utf-8?B?Qm9iIE3DvGxsZXI=?=\r\n")
    );
    let MsgBody::NewEmail(back) = msg(&raw) else {
        panic!()
    };
    assert_eq!(
        EmailNotification {
            fields: vec![],
            ..back
        },
        n
    );

    let md = MailDataNotification {
        initial: false,
        mail_data: Some(MailDataField::Data(MailData {
            inbox_total: Some(1),
            inbox_unread: Some(1),
            other_total: Some(0),
            other_unread: Some(0),
            quota_total: Some(409_600),
            quota_messages: Some(204_800),
            messages: vec![OimEntry {
                sender: Some("bob@example.com".into()),
                id: Some("X<1>".into()),
                friendly: Some("Bøb".into()),
                size: Some(7),
                ..OimEntry::default()
            }],
        })),
        inbox_url: None,
        folders_url: None,
        post_url: None,
    };
    assert_eq!(msg(&md.to_mime().to_bytes()), MsgBody::MailData(md));

    let s = SystemMessage {
        message_type: Some(1),
        arg1: Some("5".into()),
        malformed: vec![],
        fields: vec![],
    };
    let MsgBody::SystemMessage(back) = msg(&s.to_mime().to_bytes()) else {
        panic!()
    };
    assert_eq!(
        SystemMessage {
            fields: vec![],
            ..back
        },
        s
    );
}

#[test]
fn error_reply_payloads() {
    let p = parse_payload(
        Verb::error(241).unwrap(),
        None,
        br#"<ml><d n="x.com"><c n="y" l="8" t="1"/></d></ml>"#,
        &lim(),
    )
    .unwrap();
    let Payload::Xml(x) = p else { panic!() };
    assert_eq!(x.name, "ml");
    assert_eq!(
        parse_payload(Verb::error(603).unwrap(), None, b"oops", &lim()).unwrap(),
        Payload::Text("oops".into())
    );
    assert!(
        parse_payload(Verb::error(911).unwrap(), None, b"\xff", &lim())
            .unwrap()
            .is_opaque()
    );
    assert!(
        parse_payload(Verb::NLN, None, b"x", &lim())
            .unwrap()
            .is_opaque()
    );
}
