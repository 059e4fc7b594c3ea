//! Known-answer table: the example lines of commands.md (filled in where the spec writes a
//! placeholder), each decoded in its dialect to an expected typed value and encoded back to the
//! same bytes.

use msnp_proto::message::*;
use msnp_proto::{
    ClientCapabilities, Decoder, Dialect, Direction, ErrorCode, Limits, List, ListBits, Message,
    NetworkId, PresenceStatus, ProtocolVersion as V, Status, TrId,
};

const C: Option<Direction> = Some(Direction::ClientToServer);
const S: Option<Direction> = Some(Direction::ServerToClient);

fn ns(v: V, dir: Option<Direction>) -> Dialect {
    let d = Dialect::notification(v);
    match dir {
        Some(x) => d.with_direction(x),
        None => d,
    }
}

fn sb(v: V, dir: Option<Direction>) -> Dialect {
    let d = Dialect::switchboard(v);
    match dir {
        Some(x) => d.with_direction(x),
        None => d,
    }
}

type Check = fn(&Message<'_>) -> bool;

fn kat() -> Vec<(Dialect, &'static [u8], Check)> {
    vec![
        (ns(V::Msnp9, C), b"CVR 2 0x0409 winnt 5.1 i386 MSNMSGR 6.0.0602 MSMSGS alice@hotmail.com\r\n", |m| matches!(m, Message::CvrRequest(c) if c.locale.as_str() == "0x0409" && c.client_id.as_ref().map(|t| t.as_str()) == Some("MSMSGS") && c.handle.as_ref().map(|h| h.address()) == Some("alice@hotmail.com") && c.hop.is_none())),
        (ns(V::Msnp8, S), b"VER 1 0\r\n", |m| matches!(m, Message::Ver(v) if v.versions.len() == 1 && v.versions[0].as_str() == "0")),
        (ns(V::Msnp8, C), b"VER 1 MSNP8 CVR0\r\n", |m| matches!(m, Message::Ver(v) if v.versions == [VersionName::Known(V::Msnp8), VersionName::Known(V::Cvr0)])),
        (ns(V::Msnp8, S), b"CHG 0 FLN\r\n", |m| matches!(m, Message::Chg(c) if c.trid == TrId(0) && c.status == PresenceStatus::Offline && c.capabilities.is_none())),
        (ns(V::Msnp15, S), b"USR 7 OK alice@hotmail.com 1 0\r\n", |m| matches!(m, Message::Usr(Usr::Ok(o)) if o.verified == Some(true) && o.restricted == Some(false) && o.friendly_name.is_none())),
        (ns(V::Msnp5, S), b"USR 3 MD5 S 1013928519.693957190\r\n", |m| matches!(m, Message::Usr(Usr::Challenge(c)) if c.package == AuthPackage::Md5 && c.challenge.as_ref().map(|t| t.as_str()) == Some("1013928519.693957190"))),
        (ns(V::Msnp2, S), b"USR 3 CTP S\r\n", |m| matches!(m, Message::Usr(Usr::Challenge(c)) if c.package == AuthPackage::Ctp && c.challenge.is_none())),
        (ns(V::Msnp18, C), b"USR 5 SHA A dGlja2V0\r\n", |m| matches!(m, Message::Usr(Usr::Credentials(c)) if c.package == AuthPackage::Sha && c.stage == AuthStage::Ticket)),
        (ns(V::Msnp8, S), b"XFR 0 NS 0\r\n", |m| matches!(m, Message::XfrNs(x) if x.address.as_str() == "0" && x.transport.is_none())),
        (ns(V::Msnp12, S), b"XFR 10 NS 207.46.108.37:1863 0 65.54.239.210:1863\r\n", |m| matches!(m, Message::XfrNs(x) if x.referrer.as_ref().map(|t| t.as_str()) == Some("65.54.239.210:1863"))),
        (ns(V::Msnp14, S), b"XFR 10 SB 207.46.108.37:1863 CKI 17262740.1050826919.32308 U messenger.msn.com 1\r\n", |m| matches!(m, Message::XfrSb(x) if x.direct == Some(true) && x.auth.as_str() == "CKI")),
        (ns(V::Msnp8, C), b"XFR 10 SB\r\n", |m| matches!(m, Message::XfrRequest(x) if x.kind == ServerKind::Switchboard)),
        (ns(V::Msnp11, S), b"SBS 0 null\r\n", |m| matches!(m, Message::Sbs(s) if s.data.as_str() == "null")),
        (ns(V::Msnp11, S), b"UUX 11 0\r\n", |m| matches!(m, Message::Uux(u) if u.trid == TrId(11) && u.payload.is_empty())),
        (ns(V::Msnp18, S), b"UBX 1:alice@hotmail.com 0\r\n", |m| matches!(m, Message::Ubx(u) if u.handle.network() == Some(NetworkId::PASSPORT) && u.network_id.is_none())),
        (ns(V::Msnp18, S), b"FLN 1:bob@hotmail.com 0:0\r\n", |m| matches!(m, Message::Fln(f) if f.network_id() == Some(NetworkId::PASSPORT) && f.capabilities == Some(ClientCapabilities::with_ext(0, 0)))),
        (ns(V::Msnp14, S), b"FLN bob@hotmail.com 1 0\r\n", |m| matches!(m, Message::Fln(f) if f.network_id == Some(NetworkId(1)) && f.capabilities == Some(ClientCapabilities::new(0)))),
        (ns(V::Msnp2, S), b"FLN bob@hotmail.com\r\n", |m| matches!(m, Message::Fln(f) if f.capabilities.is_none())),
        (ns(V::Msnp18, S), b"NLN NLN 1:bob@hotmail.com;via=9:00000000-0000-0000-0009-0123456789ab@live.com Bob 2785312812:48 0\r\n", |m| matches!(m, Message::Nln(p) if p.handle.via() == Some("9:00000000-0000-0000-0009-0123456789ab@live.com") && p.msn_object.as_ref().map(|o| o.wire()) == Some("0"))),
        (ns(V::Msnp14, S), b"ILN 12 AWY dave@yahoo.com 32 Dave 0\r\n", |m| matches!(m, Message::Iln(i) if i.presence.network_id == Some(NetworkId::YAHOO) && i.presence.status == PresenceStatus::Away)),
        (ns(V::Msnp13, S), b"ADL 9 OK\r\n", |m| matches!(m, Message::AdlOk(o) if o.trid == TrId(9))),
        (ns(V::Msnp13, C), b"ADL 9 36\r\n<ml><d n=\"a.com\"><c n=\"b\"/></d></ml>", |m| matches!(m, Message::Adl(p) if p.payload.len() == 36)),
        (ns(V::Msnp11, S), b"ADC 0 RL N=carol@msn.com F=Carol\r\n", |m| matches!(m, Message::Adc(a) if a.trid == TrId(0) && a.list == List::Reverse && a.friendly_name.as_ref().map(|f| f.decoded().into_owned()) == Some("Carol".into()))),
        (ns(V::Msnp11, C), b"ADC 16 FL C=8ca4c6a4-1e2f-4d57-bb6f-1a7ae4b2e3f1 dbb9e6a9-8a44-4c53-9b75-b1c0f2a1d1aa\r\n", |m| matches!(m, Message::Adc(a) if a.handle.is_none() && a.group_id.is_some())),
        (ns(V::Msnp8, S), b"ADD 0 RL 12 dave@hotmail.com Dave\r\n", |m| matches!(m, Message::Add(a) if a.list_version == Some(12) && a.group_id.is_none())),
        (ns(V::Msnp8, S), b"REM 0 RL 13 dave@hotmail.com\r\n", |m| matches!(m, Message::Rem(r) if r.list_version == Some(13))),
        (ns(V::Msnp8, S), b"LST bob@hotmail.com Bob 11 0\r\n", |m| matches!(m, Message::Lst(l) if l.lists() == ListBits(11) && l.groups.as_ref().map(|g| g.iter().count()) == Some(1))),
        (ns(V::Msnp12, S), b"LST N=bob@hotmail.com F=Bob C=8ca4c6a4-1e2f-4d57-bb6f-1a7ae4b2e3f1 11 1 dbb9e6a9-8a44-4c53-9b75-b1c0f2a1d1aa\r\n", |m| matches!(m, Message::Lst(l) if l.network_id == Some(NetworkId(1)) && l.contact_id.is_some())),
        (ns(V::Msnp2, S), b"LST 8 BL 14 0 0\r\n", |m| matches!(m, Message::Lst(l) if l.handle.is_none() && l.total == Some(0) && l.lists() == ListBits::BLOCK)),
        (ns(V::Msnp11, S), b"SYN 4 2005-06-27T11:25:12.2470000-07:00 2005-06-27T11:25:13.0000000-07:00 3 1\r\n", |m| matches!(m, Message::Syn(s) if s.contacts == Some(3) && s.groups == Some(1))),
        (ns(V::Msnp8, S), b"GTC A\r\n", |m| matches!(m, Message::Gtc(g) if g.trid.is_none() && g.mode == GtcMode::Prompt)),
        (ns(V::Msnp5, S), b"BLP 7 42 AL\r\n", |m| matches!(m, Message::Blp(b) if b.list_version == Some(42) && b.mode == BlpMode::AllowUnlisted)),
        (ns(V::Msnp8, S), b"PRP PHH 555%20123\r\n", |m| matches!(m, Message::Prp(p) if p.trid.is_none() && p.property == Property::HomePhone && p.value.as_ref().map(|v| v.decoded().into_owned()) == Some("555 123".into()))),
        (ns(V::Msnp8, S), b"BPR MOB Y\r\n", |m| matches!(m, Message::Bpr(b) if b.handle.is_none() && b.property == Property::MobileAllowed)),
        (ns(V::Msnp5, S), b"BPR 12 bob@hotmail.com PHH 555\r\n", |m| matches!(m, Message::Bpr(b) if b.list_version == Some(12) && b.handle.is_some())),
        (ns(V::Msnp12, None), b"RNG 11752013 207.46.108.38:1863 CKI 849102291.520491113 bob@hotmail.com Bob\r\n", |m| matches!(m, Message::Rng(r) if r.session_id.as_str() == "11752013")),
        (ns(V::Msnp5, None), b"BPR 12 bob@hotmail.com PHH 555\r\n", |m| matches!(m, Message::Bpr(b) if b.list_version == Some(12))),
        (ns(V::Msnp12, S), b"RNG 11752013 207.46.108.38:1863 CKI 849102291.520491113 bob@hotmail.com Bob\r\n", |m| matches!(m, Message::Rng(r) if r.session_id.as_str() == "11752013" && r.transport.is_none())),
        (ns(V::Msnp8, S), b"QNG\r\n", |m| matches!(m, Message::Qng(q) if q.seconds.is_none())),
        (ns(V::Msnp9, S), b"QNG 50\r\n", |m| matches!(m, Message::Qng(q) if q.seconds == Some(50))),
        (ns(V::Msnp11, S), b"OUT RCT 5\r\n", |m| matches!(m, Message::Out(o) if o.reason == Some(OutReason::Reconnect) && o.minutes == Some(5))),
        (ns(V::Msnp8, C), b"OUT\r\n", |m| matches!(m, Message::Out(o) if o.reason.is_none())),
        (ns(V::Msnp8, S), b"CHL 0 29409134351025259292\r\n", |m| matches!(m, Message::Chl(c) if c.challenge.is_some())),
        (ns(V::Msnp11, C), b"QRY 18 PROD0090YUAUV{2B 32\r\n85ecb0db8f32113df79ce0892b9a102c", |m| matches!(m, Message::QryRequest(q) if q.product_id.as_str() == "PROD0090YUAUV{2B" && q.answer.len() == 32)),
        (ns(V::Msnp11, S), b"QRY 18\r\n", |m| matches!(m, Message::QryReply(t) if t.trid == TrId(18))),
        (ns(V::Msnp3, S), b"IMS 5 0 ON\r\n", |m| matches!(m, Message::Ims(i) if i.unknown == Some(0) && i.enabled)),
        (ns(V::Msnp5, S), b"FND 6 0 0\r\n", |m| matches!(m, Message::FndResult(r) if r.entry.is_none())),
        (ns(V::Msnp5, C), b"FND 6 fname=jo* lname=smith city=* state=* country=US\r\n", |m| matches!(m, Message::FndQuery(q) if q.query.country.as_str() == "US")),
        (ns(V::Msnp5, S), b"SND 7 OK\r\n", |m| matches!(m, Message::SndOk(_))),
        (ns(V::Msnp13, S), b"UUN 8 OK\r\n", |m| matches!(m, Message::UunOk(_))),
        (ns(V::Msnp18, S), b"PUT 9 OK 0\r\n", |m| matches!(m, Message::PutOk(p) if p.payload.is_empty())),
        (ns(V::Msnp18, S), b"NFY PUT 0\r\n", |m| matches!(m, Message::Nfy(n) if n.operation.as_ref().map(|t| t.as_str()) == Some("PUT"))),
        (ns(V::Msnp13, S), b"GCF 0 9\r\n<Policy/>", |m| matches!(m, Message::Gcf(g) if g.filename.is_none() && g.payload.is_some())),
        (ns(V::Msnp11, C), b"GCF 3 Shields.xml\r\n", |m| matches!(m, Message::Gcf(g) if g.payload.is_none())),
        (ns(V::Msnp13, S), b"RFS 3\r\n", |m| matches!(m, Message::Rfs(r) if r.bits == Some(3))),
        (ns(V::Msnp14, S), b"UBM dave@yahoo.com 32 1 0\r\n", |m| matches!(m, Message::Ubm(u) if u.sender_network == NetworkId::YAHOO && u.receiver.is_none())),
        (ns(V::Msnp18, S), b"UBM dave@yahoo.com 32 alice@hotmail.com 1 1 0\r\n", |m| matches!(m, Message::Ubm(u) if u.receiver_network == Some(NetworkId(1)))),
        (ns(V::Msnp8, S), b"MSG Hotmail Hotmail 0\r\n", |m| matches!(m, Message::MsgReceive(r) if r.sender.address() == "Hotmail")),
        (ns(V::Msnp5, S), b"IPG 0\r\n", |m| matches!(m, Message::Ipg(_))),
        (ns(V::Msnp13, S), b"241 9 5\r\n<ml/>", |m| matches!(m, Message::Error(e) if e.code == ErrorCode::INVALID_XML_DATA && e.payload.as_deref() == Some(&b"<ml/>"[..]))),
        (ns(V::Msnp8, S), b"911 3\r\n", |m| matches!(m, Message::Error(e) if e.code == ErrorCode::AUTHENTICATION_FAILED && e.trid == Some(TrId(3)))),
        (sb(V::Msnp8, S), b"CAL 2 RINGING 11752099\r\n", |m| matches!(m, Message::CalReply(c) if c.session_id.as_str() == "11752099")),
        (sb(V::Msnp8, S), b"ANS 1 OK\r\n", |m| matches!(m, Message::AnsOk(_))),
        (sb(V::Msnp8, S), b"BYE bob@hotmail.com 1\r\n", |m| matches!(m, Message::Bye(b) if b.flag.is_some())),
        (sb(V::Msnp16, S), b"JOI bob@hotmail.com;{5C4F20D2-69E8-45DF-8A2B-2D40A81C2F41} Bob 2785312812:48\r\n", |m| matches!(m, Message::Joi(j) if j.handle.endpoint().is_some() && j.capabilities.and_then(|c| c.ext) == Some(48))),
        (sb(V::Msnp12, S), b"IRO 1 1 1 bob@hotmail.com Bob 1342177280\r\n", |m| matches!(m, Message::Iro(i) if i.total == 1 && i.capabilities == Some(ClientCapabilities::new(1342177280)))),
        (sb(V::Msnp9, C), b"MSG 4 D 3\r\nabc", |m| matches!(m, Message::MsgSend(s) if s.ack_mode == AckMode::Data)),
        (sb(V::Msnp9, S), b"NAK 4\r\n", |m| matches!(m, Message::Nak(_))),
        (ns(V::Msnp21, C), b"CVR 5 0x0409 winnt 6.1.0 i386 MSNMSGR 15.4.3538.0513 msmsgs alice@hotmail.com VmVyc2lvbjogMQ0KWGZyQ291bnQ6IDE=\r\n", |m| matches!(m, Message::CvrRequest(c) if c.hop.is_some())),
        (ns(V::Msnp21, S), b"XFR 3 NS 198.51.100.21:1863 G D VmVyc2lvbjogMQ0KWGZyQ291bnQ6IDE=\r\n", |m| matches!(m, Message::XfrNs(x) if x.transport.as_ref().map(|t| t.as_str()) == Some("G") && x.hop.is_some())),
        (ns(V::Msnp13, S), b"XFR 3 NS 198.51.100.21:1863 U D\r\n", |m| matches!(m, Message::XfrNs(x) if x.referrer.as_ref().map(|t| t.as_str()) == Some("D") && x.hop.is_none())),
        (ns(V::Msnp21, C), b"GET 7 3\r\nabc", |m| matches!(m, Message::Get(g) if g.trid == Some(TrId(7)) && g.payload.as_deref() == Some(&b"abc"[..]))),
        (ns(V::Msnp21, S), b"NFY DEL 0\r\n", |m| matches!(m, Message::Nfy(_))),
        (ns(V::Msnp18, C), b"SDG 4 0\r\n", |m| matches!(m, Message::Sdg(p) if p.trid == TrId(4))),
        (ns(V::Msnp18, S), b"SDG 0 0\r\n", |m| matches!(m, Message::Sdg(p) if p.trid == TrId(0))),
        (ns(V::Msnp16, C), b"UUN 12 bob@hotmail.com;{5C4F20D2-69E8-45DF-8A2B-2D40A81C2F41} 4 14\r\ngoawyplzthxbye", |m| matches!(m, Message::Uun(u) if u.kind == 4 && u.handle.endpoint().is_some())),
        (ns(V::Msnp13, S), b"UBN bob@hotmail.com 1 0\r\n", |m| matches!(m, Message::Ubn(u) if u.trid.is_none() && u.kind == 1)),
        (ns(V::Msnp14, C), b"UUM 13 dave@yahoo.com 32 2 0\r\n", |m| matches!(m, Message::Uum(u) if u.network_id == NetworkId::YAHOO && u.kind == 2)),
        (ns(V::Msnp14, C), b"FQY 14 0\r\n", |m| matches!(m, Message::Fqy(_))),
        (ns(V::Msnp9, C), b"PGD 15 bob@hotmail.com 1 0\r\n", |m| matches!(m, Message::Pgd(p) if p.device_type == Some(1))),
        (ns(V::Msnp5, C), b"PAG 15 bob@hotmail.com 0\r\n", |m| matches!(m, Message::Pag(p) if p.device_type.is_none())),
        (ns(V::Msnp5, C), b"SDC 16 bob@x.com 0x0409 MSMSGS MSMSGS X X Alice 0\r\n", |m| matches!(m, Message::Sdc(s) if s.friendly_name.wire() == "Alice")),
        (ns(V::Msnp4, C), b"SND 17 bob@x.com 0x0409 MSMSGS MSMSGS\r\n", |m| matches!(m, Message::Snd(s) if s.client_id.is_some())),
        (ns(V::Msnp9, S), b"URL 18 /cgi-bin/HoTMaiL https://loginnet.passport.com/ppsecure/md5auth.srf?lc=1033 2\r\n", |m| matches!(m, Message::UrlReply(u) if u.site_id == Some(2))),
        (ns(V::Msnp9, C), b"URL 18 COMPOSE bob@x.com\r\n", |m| matches!(m, Message::UrlRequest(u) if u.param.is_some())),
        (ns(V::Msnp7, S), b"LSG 3 12 1 2 0 Other%20Contacts 0\r\n", |m| matches!(m, Message::Lsg(g) if g.total == Some(2) && g.name.decoded() == "Other Contacts")),
        (ns(V::Msnp11, S), b"LSG Friends dbb9e6a9-8a44-4c53-9b75-b1c0f2a1d1aa\r\n", |m| matches!(m, Message::Lsg(g) if g.trid.is_none())),
        (ns(V::Msnp8, S), b"ADG 19 13 Work 2 0\r\n", |m| matches!(m, Message::Adg(a) if a.list_version == Some(13) && a.group_id.as_ref().map(|g| g.as_str()) == Some("2"))),
        (ns(V::Msnp11, C), b"SBP 20 8ca4c6a4-1e2f-4d57-bb6f-1a7ae4b2e3f1 PHM tel:+15551234567 1\r\n", |m| matches!(m, Message::Sbp(s) if s.flag == Some(true) && s.property == Property::MobilePhone)),
        (ns(V::Msnp12, S), b"LKP 21 x\r\n", |m| matches!(m, Message::Lkp(o) if o.args.len() == 1)),
        (Dialect::notification(V::Cvr0).with_direction(Direction::ServerToClient), b"CVQ 2 5.0.0544 5.0.0544 1.0.0863 http://download.microsoft.com/download/x.exe http://messenger.msn.com\r\n", |m| matches!(m, Message::CvqReply(c) if c.minimum.as_str() == "1.0.0863")),
        (sb(V::Msnp16, C), b"USR 1 alice@hotmail.com;{F52973B6-C926-4BAD-9BA8-7C1E840E4AB0} 17262740.1247482300.9012\r\n", |m| matches!(m, Message::Usr(Usr::Switchboard(u)) if u.handle.endpoint().is_some())),
    ]
}

fn raw_decode<'a>(d: &Dialect, wire: &'a [u8]) -> msnp_proto::RawCommand<'a> {
    match Decoder::new(*d, Limits::default()).decode(wire) {
        Ok(Status::Complete { value, consumed }) => {
            assert_eq!(consumed, wire.len(), "{:?}", String::from_utf8_lossy(wire));
            value
        }
        other => panic!("{:?}: {other:?}", String::from_utf8_lossy(wire)),
    }
}

#[test]
fn known_answers_decode_and_re_encode() {
    for (d, wire, check) in kat() {
        let raw = raw_decode(&d, wire);
        let m = Message::decode(&raw, &d)
            .unwrap_or_else(|e| panic!("{:?}: {e}", String::from_utf8_lossy(wire)));
        assert!(!m.is_unknown(), "{:?}", String::from_utf8_lossy(wire));
        assert!(
            check(&m),
            "{:?} decoded to {m:?}",
            String::from_utf8_lossy(wire)
        );
        assert_eq!(m.to_vec(&d).unwrap(), wire, "{m:?}");
        assert_eq!(m.encoded_len(&d), wire.len());
        let mut buf = bytes::BytesMut::new();
        m.encode(&d, &mut buf).unwrap();
        assert_eq!(&buf[..], wire);
    }
}

#[test]
fn commands_outside_their_dialect_are_unknown_and_refused() {
    let d = ns(V::Msnp13, S);
    let raw = raw_decode(&d, b"SYN 4 0 0\r\n");
    let m = Message::decode(&raw, &d).unwrap();
    assert!(m.is_unknown());
    assert_eq!(
        m.to_vec(&d).unwrap(),
        b"SYN 4 0 0\r\n",
        "Unknown re-encodes losslessly"
    );
    let owned = m.into_owned();
    assert_eq!(owned.to_vec(&d).unwrap(), b"SYN 4 0 0\r\n");
    // A typed SYN cannot be written in MSNP13.
    let d12 = ns(V::Msnp12, S);
    let syn = Message::decode(&raw_decode(&d12, b"SYN 4 0 0\r\n"), &d12).unwrap();
    // Direction matters: clients never send NLN, servers never send PNG.
    let c = ns(V::Msnp8, C);
    let nln = raw_decode(&c, b"NLN 5 NLN bob@hotmail.com Bob 0\r\n");
    assert!(Message::decode(&nln, &c).unwrap().is_unknown());
    let s8 = ns(V::Msnp8, S);
    let typed =
        Message::decode(&raw_decode(&s8, b"NLN NLN bob@hotmail.com Bob 0\r\n"), &s8).unwrap();
    assert!(matches!(
        typed.to_vec(&c),
        Err(msnp_proto::EncodeError::UnsupportedInDialect { .. })
    ));
    let s8 = ns(V::Msnp8, S);
    assert!(
        Message::decode(&raw_decode(&s8, b"PNG 0\r\n"), &s8)
            .unwrap()
            .is_unknown()
    );
    assert!(matches!(
        syn.to_vec(&d),
        Err(msnp_proto::EncodeError::UnsupportedInDialect { .. })
    ));
}

#[test]
fn hostile_arguments_give_typed_errors() {
    let cases: &[(Dialect, &[u8], MessageError)] = &[
        (
            ns(V::Msnp9, S),
            b"NLN NLN bob@hotmail.com Bob\r\n",
            MessageError::ArgCount {
                verb: msnp_proto::Verb::NLN,
                min: 4,
                max: 5,
                got: 3,
            },
        ),
        (
            ns(V::Msnp9, S),
            b"NLN NLN bob@hotmail.com Bob x12\r\n",
            MessageError::BadArg {
                verb: msnp_proto::Verb::NLN,
                index: 3,
                expected: "client capabilities (caps or caps:capsex)",
            },
        ),
        (
            ns(V::Msnp9, S),
            b"NLN NLN bob@hotmail.com Bob 4294967296\r\n",
            MessageError::BadArg {
                verb: msnp_proto::Verb::NLN,
                index: 3,
                expected: "client capabilities (caps or caps:capsex)",
            },
        ),
        (
            ns(V::Msnp18, S),
            b"NLN NLN 1: Bob 0:0\r\n",
            MessageError::BadArg {
                verb: msnp_proto::Verb::NLN,
                index: 1,
                expected: "a user handle",
            },
        ),
        (
            ns(V::Msnp18, S),
            b"NLN NLN 99999999999:bob@x.com Bob 0:0\r\n",
            MessageError::BadArg {
                verb: msnp_proto::Verb::NLN,
                index: 1,
                expected: "a user handle",
            },
        ),
        (
            ns(V::Msnp14, S),
            b"FLN bob@hotmail.com yahoo 0\r\n",
            MessageError::BadArg {
                verb: msnp_proto::Verb::FLN,
                index: 1,
                expected: "a decimal number",
            },
        ),
        (
            ns(V::Msnp8, S),
            b"LST bob@hotmail.com Bob 099\r\n",
            MessageError::BadArg {
                verb: msnp_proto::Verb::LST,
                index: 2,
                expected: "a canonical decimal in 0..=4294967295",
            },
        ),
        (
            sb(V::Msnp8, S),
            // The session ID is an opaque token (`RINGING abc` decodes: typed_lenient_ids.rs);
            // the literal before it is still checked.
            b"CAL 2 RINGS abc\r\n",
            MessageError::BadArg {
                verb: msnp_proto::Verb::CAL,
                index: 0,
                expected: "RINGING",
            },
        ),
        (
            sb(V::Msnp8, C),
            b"MSG 4 D 3\r\nabc",
            MessageError::BadArg {
                verb: msnp_proto::Verb::MSG,
                index: 0,
                expected: "U, N or A (D is MSNP9+)",
            },
        ),
        (
            ns(V::Msnp8, S),
            b"XFR 10 XX 1.2.3.4:1863\r\n",
            MessageError::BadArg {
                verb: msnp_proto::Verb::XFR,
                index: 0,
                expected: "NS or SB",
            },
        ),
    ];
    for (d, wire, want) in cases {
        let raw = raw_decode(d, wire);
        assert_eq!(
            Message::decode(&raw, d).as_ref().err(),
            Some(want),
            "{:?}",
            String::from_utf8_lossy(wire)
        );
    }
}

#[test]
fn version_shapes_are_enforced_on_encode() {
    let p = Presence {
        status: PresenceStatus::Online,
        handle: msnp_proto::Handle::parse("bob@hotmail.com").unwrap(),
        network_id: None,
        friendly_name: msnp_proto::UrlText::from_plain("Bob Smith").unwrap(),
        capabilities: Some(ClientCapabilities::new(0x5000_0000)),
        msn_object: None,
        icon_url: None,
    };
    let m = Message::Nln(p.clone());
    assert_eq!(
        m.to_vec(&ns(V::Msnp12, S)).unwrap(),
        b"NLN NLN bob@hotmail.com Bob%20Smith 1342177280\r\n"
    );
    // MSNP14 needs the network ID; MSNP7 has no capabilities.
    assert!(m.to_vec(&ns(V::Msnp14, S)).is_err());
    assert!(m.to_vec(&ns(V::Msnp7, S)).is_err());
    let m14 = Message::Nln(Presence {
        network_id: Some(NetworkId::PASSPORT),
        ..p
    });
    assert_eq!(
        m14.to_vec(&ns(V::Msnp14, S)).unwrap(),
        b"NLN NLN bob@hotmail.com 1 Bob%20Smith 1342177280\r\n"
    );
    // A TrID on a TrID-less command is refused by the dialect's rule.
    let png = Message::Png(Png);
    assert_eq!(png.to_vec(&ns(V::Msnp8, C)).unwrap(), b"PNG\r\n");
    assert_eq!(
        png.to_vec(&ns(V::Msnp8, C)).unwrap().len(),
        png.encoded_len(&ns(V::Msnp8, C))
    );
}

#[cfg(feature = "serde")]
#[test]
fn fields_json_uses_the_fixed_names() {
    let d = ns(V::Msnp18, S);
    let raw = raw_decode(&d, b"NLN BSY 1:bob@hotmail.com Bob%20B 2785312812:48 0\r\n");
    let m = Message::decode(&raw, &d).unwrap();
    let j = serde_json::to_value(m.fields()).unwrap();
    assert_eq!(j["status"], "BSY");
    assert_eq!(j["handle"], "bob@hotmail.com");
    assert_eq!(j["network_id"], 1);
    assert_eq!(j["friendly_name"], "Bob B");
    assert_eq!(j["capabilities"], 2785312812u32);
    assert_eq!(j["capabilities_ex"], 48);
    assert_eq!(j["msn_object"], "0");
    let d8 = ns(V::Msnp8, S);
    let lst =
        Message::decode(&raw_decode(&d8, b"LST bob@hotmail.com Bob 11 0,2\r\n"), &d8).unwrap();
    let j = serde_json::to_value(lst.fields()).unwrap();
    assert_eq!(j["lists"], serde_json::json!(["FL", "AL", "RL"]));
    assert_eq!(j["groups"], serde_json::json!(["0", "2"]));
    assert_eq!(j["network_id"], serde_json::Value::Null);
    let e = Message::decode(&raw_decode(&d8, b"911 3\r\n"), &d8).unwrap();
    let j = serde_json::to_value(e.fields()).unwrap();
    assert_eq!(j["code"], 911);
    assert_eq!(j["name"], "ERR_AUTHENTICATION_FAILED");
    let usr = Message::decode(
        &raw_decode(&ns(V::Msnp8, C), b"USR 3 TWN I alice@hotmail.com\r\n"),
        &ns(V::Msnp8, C),
    )
    .unwrap();
    let j = serde_json::to_value(usr.fields()).unwrap();
    assert_eq!(
        (j["auth"].as_str(), j["stage"].as_str()),
        (Some("TWN"), Some("I"))
    );
    let xfr = Message::decode(
        &raw_decode(
            &ns(V::Msnp8, S),
            b"XFR 3 NS 1.2.3.4:1863 0 5.6.7.8:1863\r\n",
        ),
        &ns(V::Msnp8, S),
    )
    .unwrap();
    let j = serde_json::to_value(xfr.fields()).unwrap();
    assert_eq!(
        (j["kind"].as_str(), j["address"].as_str()),
        (Some("NS"), Some("1.2.3.4:1863"))
    );
    let msg = Message::decode(
        &raw_decode(&sb(V::Msnp8, C), b"MSG 4 A 1\r\nx"),
        &sb(V::Msnp8, C),
    )
    .unwrap();
    assert_eq!(serde_json::to_value(msg.fields()).unwrap()["ack_mode"], "A");
}

#[test]
fn quirks_read_the_disputed_forms() {
    let all = Quirks::ALL;
    let cases: &[(Dialect, &[u8])] = &[
        (
            ns(V::Msnp11, S),
            b"RMG 9 1 dbb9e6a9-8a44-4c53-9b75-b1c0f2a1d1aa\r\n",
        ),
        (
            ns(V::Msnp11, S),
            b"REG 9 1 Friends dbb9e6a9-8a44-4c53-9b75-b1c0f2a1d1aa 0\r\n",
        ),
        (
            ns(V::Msnp16, S),
            b"NLN NLN 1:bob@hotmail.com Bob 2785312812:48 0\r\n",
        ),
        (ns(V::Msnp16, S), b"FLN 1:bob@hotmail.com 0:0\r\n"),
        (
            ns(V::Msnp8, C),
            b"CVR 2 0x0409 winnt 5.1 i386 MSNMSGR 6.0.0602\r\n",
        ),
    ];
    for (d, wire) in cases {
        let raw = raw_decode(d, wire);
        assert!(
            Message::decode(&raw, d).is_err(),
            "{:?} needs the quirk",
            String::from_utf8_lossy(wire)
        );
        let m = Message::decode_with(&raw, d, &all).unwrap();
        assert!(!m.is_unknown());
        assert_eq!(m.to_vec_with(d, &all).unwrap(), *wire);
        assert!(
            m.to_vec(d).is_err(),
            "the default refuses to write the quirk form"
        );
    }
    let d = ns(V::Msnp11, S);
    let Message::Reg(r) =
        Message::decode_with(&raw_decode(&d, b"REG 9 1 Friends abc 0\r\n"), &d, &all).unwrap()
    else {
        panic!()
    };
    assert_eq!(
        (r.name.wire(), r.group_id.as_str(), r.list_version),
        ("Friends", "abc", Some(1))
    );
}
