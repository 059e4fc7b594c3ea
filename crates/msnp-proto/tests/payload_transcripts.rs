//! Every payload of the shared transcripts (copied byte-exact into
//! `tests/data/payload/transcripts`) decodes to a typed, non-opaque payload.

use std::path::PathBuf;

use msnp_proto::Verb;
use msnp_proto::payload::data::{DataDocument, MediaField};
use msnp_proto::payload::mime::{MailDataField, MsgBody};
use msnp_proto::payload::policies::PolicyContent;
use msnp_proto::payload::{Payload, XmlLimits, parse_payload};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/payload/transcripts")
}

fn fixtures() -> Vec<(String, String, String, Vec<u8>)> {
    let manifest = std::fs::read_to_string(dir().join("MANIFEST.tsv")).expect("manifest");
    manifest
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            let mut f = l.split('\t');
            let file = f.next().unwrap().to_owned();
            let _who = f.next().unwrap();
            let verb = f.next().unwrap().to_owned();
            let cmd = f.next().unwrap().to_owned();
            let body = std::fs::read(dir().join(&file)).expect("fixture");
            (file, verb, cmd, body)
        })
        .collect()
}

fn load(name: &str) -> &'static [u8] {
    Box::leak(
        std::fs::read(dir().join(name))
            .expect("fixture")
            .into_boxed_slice(),
    )
}

#[test]
fn declared_lengths_match_fixture_sizes() {
    for (file, _, cmd, body) in fixtures() {
        let len: usize = cmd.rsplit(' ').next().unwrap().parse().unwrap();
        assert_eq!(len, body.len(), "{file}: {cmd}");
    }
}

#[test]
fn every_checked_verb_is_typed() {
    let checked = [
        "MSG", "ADL", "RML", "FQY", "UUX", "UBX", "UUN", "UBN", "IPG", "GCF", "NOT", "UUM", "UBM",
        "QRY",
    ];
    let mut n = 0;
    for (file, verb, _, body) in fixtures() {
        let p = parse_payload(verb.parse().unwrap(), None, &body, &XmlLimits::default())
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        if checked.contains(&verb.as_str()) {
            assert!(!p.is_opaque(), "{file} decoded as opaque");
            assert!(!matches!(p, Payload::Empty), "{file} decoded as empty");
            n += 1;
        }
        if let Payload::Msg(m) = &p {
            assert!(
                !matches!(m.body, MsgBody::Other { .. }),
                "{file}: unknown content type"
            );
            // re-encoding the MIME message is byte-exact
            assert_eq!(m.mime.to_bytes(), body, "{file}: MIME round trip");
        }
    }
    assert!(n >= 110, "only {n} fixtures checked");
}

#[test]
fn profile_msnp9() {
    let body = load("msnp9_001_S_MSG.bin");
    let Payload::Msg(m) = parse_payload(Verb::MSG, None, body, &XmlLimits::default()).unwrap()
    else {
        panic!()
    };
    let MsgBody::Profile(p) = m.body else {
        panic!()
    };
    assert_eq!(p.login_time, Some(1_072_915_300));
    assert_eq!(p.email_enabled, Some(true));
    assert_eq!(p.member_id_high, Some(84176));
    assert_eq!(p.member_id_low, Some(1_652_162_304));
    assert_eq!(p.puid(), Some((84176u64 << 32) | 1_652_162_304));
    assert_eq!(p.lang_preference, Some(1033));
    assert_eq!(p.preferred_email.as_deref(), Some("alice@hotmail.com"));
    assert_eq!(p.postal_code, None);
    assert_eq!(p.kid, Some(0));
    assert_eq!(p.flags, Some(1027));
    assert_eq!(p.sid, Some(507));
    assert_eq!(p.kv, Some(7));
    assert!(p.mspauth.as_deref().unwrap().ends_with("$$"));
    assert_eq!(p.client_ip.as_deref(), Some("192.0.2.77"));
    assert_eq!(p.client_port, Some(39440));
    assert_eq!(p.abch_migrated, None);
}

#[test]
fn profile_msnp18_mpop() {
    let body = load("msnp18_002_S_MSG.bin");
    let Payload::Msg(m) = parse_payload(Verb::MSG, None, body, &XmlLimits::default()).unwrap()
    else {
        panic!()
    };
    let MsgBody::Profile(p) = m.body else {
        panic!()
    };
    assert_eq!(p.abch_migrated, Some(true));
    assert_eq!(p.mpop_enabled, Some(true));
    assert_eq!(p.flags, Some(536_872_513));
}

#[test]
fn initial_email_and_mail_data() {
    let body = load("msnp9_002_S_MSG.bin");
    let Payload::Msg(m) = parse_payload(Verb::MSG, None, body, &XmlLimits::default()).unwrap()
    else {
        panic!()
    };
    let MsgBody::InitialEmail(e) = m.body else {
        panic!()
    };
    assert_eq!(e.inbox_unread, Some(0));
    assert_eq!(e.folders_unread, Some(0));
    assert_eq!(e.inbox_url.as_deref(), Some("/cgi-bin/HoTMaiL"));
    assert_eq!(e.post_url.as_deref(), Some("http://www.hotmail.com"));

    let body = load("msnp15_005_S_MSG.bin");
    let Payload::Msg(m) = parse_payload(Verb::MSG, None, body, &XmlLimits::default()).unwrap()
    else {
        panic!()
    };
    let MsgBody::MailData(md) = m.body else {
        panic!()
    };
    assert!(md.initial);
    let Some(MailDataField::Data(d)) = md.mail_data else {
        panic!()
    };
    assert_eq!(d.inbox_total, Some(5));
    assert_eq!(d.inbox_unread, Some(0));
    assert_eq!(d.quota_total, Some(409_600));
    assert_eq!(d.quota_messages, Some(204_800));
    assert!(d.messages.is_empty());
}

#[test]
fn text_typing_datacast() {
    let Payload::Msg(m) = parse_payload(
        Verb::MSG,
        None,
        load("msnp18_011_C_MSG.bin"),
        &XmlLimits::default(),
    )
    .unwrap() else {
        panic!()
    };
    let MsgBody::Text(t) = m.body else { panic!() };
    assert_eq!(t.text, "Did the build pass? \u{2705}");
    let f = t.format.unwrap();
    assert_eq!(f.font_name.as_deref(), Some("Segoe UI"));
    assert_eq!(f.charset, Some(1));
    assert_eq!(f.pitch_family, Some(0));

    let Payload::Msg(m) = parse_payload(
        Verb::MSG,
        None,
        load("msnp9_005_C_MSG.bin"),
        &XmlLimits::default(),
    )
    .unwrap() else {
        panic!()
    };
    let MsgBody::Text(t) = m.body else { panic!() };
    // CO=800000 is BGR: blue 0x80
    let c = t.format.unwrap().color.unwrap();
    assert_eq!((c.r, c.g, c.b), (0, 0, 0x80));

    let Payload::Msg(m) = parse_payload(
        Verb::MSG,
        None,
        load("msnp18_010_C_MSG.bin"),
        &XmlLimits::default(),
    )
    .unwrap() else {
        panic!()
    };
    let MsgBody::Typing(t) = m.body else { panic!() };
    assert_eq!(t.user, "alice@hotmail.com");

    let Payload::Msg(m) = parse_payload(
        Verb::MSG,
        None,
        load("msnp15_018_C_MSG.bin"),
        &XmlLimits::default(),
    )
    .unwrap() else {
        panic!()
    };
    let MsgBody::Datacast(d) = m.body else {
        panic!()
    };
    assert_eq!(d.id, 1);
    assert_eq!(d.kind, msnp_proto::payload::mime::DatacastKind::Nudge);
}

#[test]
fn ubx_msnp18_endpoints() {
    let p = parse_payload(
        Verb::UBX,
        None,
        load("msnp18_006_S_UBX.bin"),
        &XmlLimits::default(),
    )
    .unwrap();
    let Payload::Data(DataDocument::Data(d)) = p else {
        panic!()
    };
    assert_eq!(d.psm.as_deref(), Some(""));
    assert_eq!(d.current_media, Some(MediaField::Empty));
    assert_eq!(
        d.machine_guid.as_deref(),
        Some("{F52973B6-C926-4BAD-9BA8-7C1E840E4AB0}")
    );
    assert_eq!(d.endpoints.len(), 1);
    let caps = d.endpoints[0].capabilities.unwrap();
    assert_eq!((caps.caps, caps.caps_ex), (2_785_329_196, Some(48)));
    let pe = &d.private_endpoints[0];
    assert_eq!(pe.ep_name.as_deref(), Some("ALICE-LAPTOP"));
    assert_eq!(pe.idle, Some(false));
    assert_eq!(pe.client_type, Some(1));
    assert_eq!(pe.state.as_deref(), Some("NLN"));
    assert_eq!(d.to_xml().as_bytes(), load("msnp18_006_S_UBX.bin"));

    let p = parse_payload(
        Verb::UBX,
        None,
        load("msnp18_005_S_UBX.bin"),
        &XmlLimits::default(),
    )
    .unwrap();
    let Payload::Data(DataDocument::Data(d)) = p else {
        panic!()
    };
    assert_eq!(d.color_scheme_value(), Some(-3));
    assert_eq!(d.ddp.as_deref(), Some(""));
    assert_eq!(d.to_xml().as_bytes(), load("msnp18_005_S_UBX.bin"));

    let p = parse_payload(
        Verb::UUX,
        None,
        load("msnp18_004_C_UUX.bin"),
        &XmlLimits::default(),
    )
    .unwrap();
    let Payload::Data(doc @ DataDocument::PrivateEndpoint(_)) = p else {
        panic!()
    };
    assert_eq!(doc.to_xml().as_bytes(), load("msnp18_004_C_UUX.bin"));
}

#[test]
fn ubx_current_media_and_escaping() {
    let p = parse_payload(
        Verb::UBX,
        None,
        load("msnp11_004_S_UBX.bin"),
        &XmlLimits::default(),
    )
    .unwrap();
    let Payload::Data(DataDocument::Data(d)) = p else {
        panic!()
    };
    let m = d.media().unwrap();
    assert_eq!(m.media_type, "Music");
    assert!(m.enabled);
    assert_eq!(m.formatted, "Song Title - Artist Name");

    let p = parse_payload(
        Verb::UBX,
        None,
        load("msnp11_003_S_UBX.bin"),
        &XmlLimits::default(),
    )
    .unwrap();
    let Payload::Data(DataDocument::Data(d)) = p else {
        panic!()
    };
    assert_eq!(d.psm.as_deref(), Some("Back from holiday & busy"));
    assert_eq!(d.to_xml().as_bytes(), load("msnp11_003_S_UBX.bin"));
}

#[test]
fn gcf_shields_and_policies() {
    let p = parse_payload(
        Verb::GCF,
        None,
        load("msnp12_002_S_GCF.bin"),
        &XmlLimits::default(),
    )
    .unwrap();
    let Payload::Shields(s) = p else { panic!() };
    assert_eq!(s.clients.len(), 1);
    assert!(s.denied_features(7, 0, 1234).is_empty());
    assert_eq!(s.to_xml(true).as_bytes(), load("msnp12_002_S_GCF.bin"));

    let p = parse_payload(
        Verb::GCF,
        None,
        load("msnp18_001_S_GCF.bin"),
        &XmlLimits::default(),
    )
    .unwrap();
    let Payload::Policies(pol) = p else { panic!() };
    let sh = pol.get("SHIELDS").unwrap();
    // the checksum (hashed by msnp-auth) matches the raw inner XML kept byte-exact
    assert_eq!(
        sh.checksum.as_deref().map(str::to_ascii_uppercase),
        Some(msnp_auth::digest::policy_checksum(&sh.inner_xml))
    );
    assert!(matches!(sh.content, PolicyContent::Shields(_)));
    assert_eq!(pol.to_xml().as_bytes(), load("msnp18_001_S_GCF.bin"));
}

#[test]
fn not_abch_and_alerts() {
    let p = parse_payload(
        Verb::NOT,
        None,
        load("msnp13_009_S_NOT.bin"),
        &XmlLimits::default(),
    )
    .unwrap();
    let Payload::Notification(n) = p else {
        panic!()
    };
    assert_eq!(n.site_id, Some(45705));
    let to = n.to.as_ref().unwrap();
    assert_eq!(to.pid.as_deref(), Some("0x00014850:0x627a5400"));
    assert_eq!(to.via.as_deref(), Some("messenger"));
    let body = n.messages[0].body.as_ref().unwrap();
    let nd = body.notification_data.as_ref().unwrap();
    assert_eq!(nd.service.as_deref(), Some("ABCHInternal"));
    assert_eq!(nd.cid.as_deref(), Some("361548289028374528"));
    assert_eq!(nd.has_new_item, Some(false));
    assert_eq!(
        nd.last_modified_date.as_deref(),
        Some("2007-01-15T10:31:02.4800000-08:00")
    );

    let p = parse_payload(
        Verb::NOT,
        None,
        load("msnp9_003_S_NOT.bin"),
        &XmlLimits::default(),
    )
    .unwrap();
    let Payload::Notification(n) = p else {
        panic!()
    };
    assert_eq!(n.ver, Some(2));
    let m = &n.messages[0];
    assert_eq!(m.action_url.as_deref(), Some("/act?id=3"));
    assert_eq!(m.category_id.as_deref(), Some("111100201"));
    let b = m.body.as_ref().unwrap();
    assert_eq!(b.text.as_deref(), Some("Flight 42 is delayed."));
    assert_eq!(
        b.textx.as_deref(),
        Some("<P>Flight <B>42</B> is delayed.</P>")
    );
    // re-encoding and re-parsing gives the same value
    let xml = n.to_xml();
    let again = msnp_proto::payload::notification::NotificationDocument::parse(
        xml.as_bytes(),
        &XmlLimits::default(),
    )
    .unwrap();
    assert_eq!(again, n);
}

#[test]
fn adl_fqy() {
    let p = parse_payload(
        Verb::ADL,
        None,
        load("msnp13_008_S_ADL.bin"),
        &XmlLimits::default(),
    )
    .unwrap();
    let Payload::Ml(ml) = p else { panic!() };
    assert!(!ml.initial);
    let c = &ml.domains[0].contacts[0];
    assert_eq!(c.local, "ivan");
    assert_eq!(c.lists.map(|l| l.0), Some(8));
    assert_eq!(c.friendly.as_deref(), Some("Ivan"));

    let p = parse_payload(
        Verb::FQY,
        None,
        load("msnp14_008_C_FQY.bin"),
        &XmlLimits::default(),
    )
    .unwrap();
    let Payload::Ml(ml) = p else { panic!() };
    assert_eq!(ml.domains[0].contacts[0].network, None);
    assert_eq!(ml.domains[0].contacts[0].lists, None);

    let p = parse_payload(
        Verb::QRY,
        None,
        load("msnp18_009_C_QRY.bin"),
        &XmlLimits::default(),
    )
    .unwrap();
    assert_eq!(p, Payload::Text("d30f6619c1130b588a81d19066730fd9".into()));
}
