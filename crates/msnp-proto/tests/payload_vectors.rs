//! Known-answer tests from the spec's vector files and worked examples (payloads.md).

use msnp_proto::payload::data::{CurrentMedia, DataDocument, MediaField, UserData};
use msnp_proto::payload::ml::{ListBits, Ml, MlBuildOptions, NetworkId};
use msnp_proto::payload::msnobj::MsnObject;
use msnp_proto::payload::p2p::{P2pHeader, P2pMessage};
use msnp_proto::payload::shields::ShieldsConfig;
use msnp_proto::payload::xml::XmlLimits;

mod vectors_util;
use vectors_util::{header_from_json, hex, vectors};

#[test]
fn p2p_header_vectors() {
    let vs = vectors("p2p_header.json");
    let mut n = 0;
    for v in &vs {
        if let Some(h) = v["header_hex"].as_str() {
            let bytes = hex(h);
            let expected = header_from_json(&v["expected"]);
            let parsed = P2pHeader::parse(&bytes).unwrap();
            assert_eq!(parsed, expected, "{}", v["id"]);
            assert_eq!(parsed.to_bytes().to_vec(), bytes, "{}", v["id"]);
            // a full chunk with that header, `length` data bytes and the footer
            let mut msg = bytes.clone();
            msg.extend(std::iter::repeat_n(0xAB, expected.length as usize));
            msg.extend(hex(v["footer_hex"].as_str().unwrap()));
            let m = P2pMessage::parse(&msg).unwrap();
            assert_eq!(m.header, expected);
            assert_eq!(m.data.len(), expected.length as usize);
            assert_eq!(m.footer, 0);
            assert_eq!(m.to_bytes(), msg);
            n += 1;
        } else {
            let received = header_from_json(&v["received"]);
            let ack = received.ack(v["new_identifier"].as_u64().unwrap() as u32);
            assert_eq!(
                ack.to_bytes().to_vec(),
                hex(v["expected_header_hex"].as_str().unwrap())
            );
            assert!(ack.is_ack());
            assert_eq!(ack.class(), msnp_proto::p2p::v1::Class::Ack);
            n += 1;
        }
    }
    assert_eq!(n, 4);
}

#[test]
fn p2p_footer_is_big_endian() {
    let mut msg = P2pHeader::default().to_bytes().to_vec();
    msg.extend([0, 0, 0, 0x0C]);
    assert_eq!(P2pMessage::parse(&msg).unwrap().footer, 12);
}

#[test]
fn current_media_vectors() {
    for v in vectors("current_media.json") {
        match v["direction"].as_str().unwrap() {
            "parse" => {
                let input = v["input"].as_str().unwrap();
                let m = CurrentMedia::parse(input).unwrap();
                assert_eq!(m.formatted, v["expected_formatted"].as_str().unwrap());
                assert_eq!(m.formatted(), m.formatted);
                assert_eq!(m.to_wire(), input, "{}", v["id"]);
            }
            "build" => {
                let args = v["args"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a.as_str().unwrap().to_owned())
                    .collect();
                let m = CurrentMedia::new(
                    v["application"].as_str().unwrap(),
                    v["type"].as_str().unwrap(),
                    v["enabled"].as_bool().unwrap(),
                    v["format"].as_str().unwrap(),
                    args,
                );
                assert_eq!(m.to_wire(), v["expected"].as_str().unwrap());
                assert_eq!(m.formatted, "High Hopes - Pink Floyd (Division Bell)");
                assert_eq!(CurrentMedia::parse(&m.to_wire()).unwrap(), m);
            }
            other => panic!("unknown direction {other}"),
        }
    }
}

#[test]
fn current_media_fields() {
    let m = CurrentMedia::parse(r"WMP\0Music\01\0{0} - {1}\0#1 Zero\0Audioslave\0Out of Exile\0{1F475271-C147-4D64-975B-CFCAE886FDE5}\0").unwrap();
    assert_eq!(m.application, "WMP");
    assert_eq!(m.media_type, "Music");
    assert!(m.enabled);
    assert_eq!(m.format, "{0} - {1}");
    assert_eq!(m.args.len(), 4);
    assert_eq!(m.args[3], "{1F475271-C147-4D64-975B-CFCAE886FDE5}");
    let off = CurrentMedia::parse(r"\0Music\00\0{0}\0x\0").unwrap();
    assert!(!off.enabled);
    assert!(CurrentMedia::parse(r"\0Music\0").is_err());
    assert!(CurrentMedia::parse(r"\0Music\0yes\0{0}\0").is_err());
}

#[test]
fn msnobj_extra_attributes_kept_in_order() {
    let xml = r#"<msnobj Creator="a@b.c" Type="3" SHA1D="x" Size="1" Location="0" Friendly="AAA=" contenttype="D" contentsource="P" stamp="s&amp;t"/>"#;
    let o = MsnObject::parse(xml, &XmlLimits::default()).unwrap();
    assert_eq!(
        o.extra,
        vec![
            ("contenttype".to_owned(), "D".to_owned()),
            ("contentsource".to_owned(), "P".to_owned()),
            ("stamp".to_owned(), "s&t".to_owned()),
        ]
    );
    assert_eq!(o.sha1c, None);
    assert_eq!(
        o.to_xml(),
        r#"<msnobj Creator="a@b.c" Size="1" Type="3" Location="0" Friendly="AAA=" SHA1D="x" contenttype="D" contentsource="P" stamp="s&amp;t"/>"#
    );
    assert!(
        MsnObject::parse(
            r#"<msnobj Creator="a" Size="x" Type="3" SHA1D="y"/>"#,
            &XmlLimits::default()
        )
        .is_err()
    );
    assert!(
        MsnObject::parse(
            r#"<msnobj Size="1" Type="3" SHA1D="y"/>"#,
            &XmlLimits::default()
        )
        .is_err()
    );
}

#[test]
fn adl_worked_lengths() {
    let with_space = r#"<ml l="1"><d n="hotmail.com"><c n="anotheruser" l="3" t="1" /></d><t><c n="tel:+15551111222" l="3" /></t></ml>"#;
    assert_eq!(with_space.len(), 110);
    let ml = Ml::from_accounts(
        true,
        [
            ("anotheruser@hotmail.com", ListBits(3), NetworkId::PASSPORT),
            ("tel:+15551111222", ListBits(3), NetworkId::TELEPHONE),
        ],
    )
    .unwrap();
    assert_eq!(ml.phones[0].number, "tel:+15551111222");
    assert_eq!(ml.to_xml(&MlBuildOptions::client()).unwrap(), with_space);
    assert_eq!(ml.byte_len(&MlBuildOptions::client()).unwrap(), 110);
    let compact = MlBuildOptions {
        space_before_slash: false,
        ..MlBuildOptions::client()
    };
    assert_eq!(ml.byte_len(&compact).unwrap(), 108);
    assert_eq!(
        Ml::parse(with_space.as_bytes(), &XmlLimits::default()).unwrap(),
        ml
    );
}

#[test]
fn server_adl_with_friendly() {
    let s = r#"<ml><d n="example.com"><c n="buddy" t="1" l="8" f="URL-encoded%20friendly%20name"/></d></ml>"#;
    let ml = Ml::parse(s.as_bytes(), &XmlLimits::default()).unwrap();
    let c = &ml.domains[0].contacts[0];
    assert_eq!(c.friendly.as_deref(), Some("URL-encoded friendly name"));
    assert_eq!(c.lists, Some(ListBits::REVERSE));
    let opts = MlBuildOptions {
        space_before_slash: false,
        ..MlBuildOptions::server()
    };
    assert_eq!(ml.to_xml(&opts).unwrap(), s);
    // the same document may not be sent by a client (RL bit, f attribute)
    assert!(ml.to_xml(&MlBuildOptions::client()).is_err());
}

#[test]
fn uux_worked_lengths() {
    let cases = [
        ("<Data><PSM></PSM><CurrentMedia></CurrentMedia></Data>", 53),
        (
            "<Data><PSM>example status message</PSM><CurrentMedia></CurrentMedia></Data>",
            75,
        ),
        (
            r"<Data><PSM>example status message</PSM><CurrentMedia>\0Music\01\0{0} - {1}\0Song Title\0Song Artist\0Song Album\0\0</CurrentMedia></Data>",
            137,
        ),
        (
            "<Data><PSM></PSM><CurrentMedia></CurrentMedia><MachineGuid>{44BFD5A4-7450-4BDA-BA3A-C51B3031126D}</MachineGuid></Data>",
            118,
        ),
    ];
    for (xml, len) in cases {
        assert_eq!(xml.len(), len);
        let DataDocument::Data(d) =
            DataDocument::parse(xml.as_bytes(), &XmlLimits::default()).unwrap()
        else {
            panic!()
        };
        assert_eq!(d.to_xml(), xml);
    }
    // build direction from typed values
    let d = UserData {
        psm: Some("example status message".into()),
        current_media: Some(MediaField::Media(CurrentMedia::new(
            "",
            "Music",
            true,
            "{0} - {1}",
            vec![
                "Song Title".into(),
                "Song Artist".into(),
                "Song Album".into(),
                String::new(),
            ],
        ))),
        ..UserData::default()
    };
    assert_eq!(d.to_xml().len(), 137);
}

#[test]
fn shields_worked_length() {
    let s = r#"<?xml version= "1.0" encoding="utf-8" ?><config><shield><cli maj="7" min="0" minbld="0" maxbld="9999" deny="" /></shield><block></block></config>"#;
    assert_eq!(s.len(), 145);
    let c = ShieldsConfig::parse(s.as_bytes(), &XmlLimits::default()).unwrap();
    assert_eq!(c.clients.len(), 1);
    let r = &c.clients[0];
    assert_eq!(
        (r.major, r.minor, r.min_build, r.max_build),
        (7, 0, 0, 9999)
    );
    assert!(r.matches(7, 0, 5000));
    assert!(!r.matches(8, 0, 5000));
    assert!(c.block.is_some());
}

#[test]
fn format_template_edge_cases() {
    use msnp_proto::payload::data::format_template;
    let args = vec!["é".to_owned(), "b".to_owned()];
    assert_eq!(format_template("{0}{1}", &args), "éb");
    assert_eq!(format_template("{ {x} {9} {1", &args), "{ {x} {9} {1");
    assert_eq!(format_template("€{1}€", &args), "€b€");
    assert_eq!(format_template("", &args), "");
}

#[test]
fn split_default_limits_large_list() {
    use msnp_proto::payload::ml::MlSplitLimits;
    let accounts: Vec<String> = (0..1000)
        .map(|i| format!("user{i:04}@domain{}.com", i % 7))
        .collect();
    let ml = Ml::from_accounts(
        true,
        accounts
            .iter()
            .map(|a| (a.as_str(), ListBits(3), NetworkId::PASSPORT)),
    )
    .unwrap();
    assert_eq!(ml.domains.len(), 7);
    let parts = ml
        .split(&MlBuildOptions::client(), MlSplitLimits::default())
        .unwrap();
    assert_eq!(parts.len(), 7); // 1000 / 150 rounded up
    let mut seen = 0;
    for p in &parts {
        assert!(p.len() <= 7500);
        assert!(p.starts_with(r#"<ml l="1">"#));
        let back = Ml::parse(p.as_bytes(), &XmlLimits::default()).unwrap();
        assert!(back.contact_count() <= 150);
        seen += back.contact_count();
    }
    assert_eq!(seen, 1000);
    // byte limit binding before the count limit
    let parts = ml
        .split(
            &MlBuildOptions::client(),
            MlSplitLimits {
                max_bytes: 1000,
                max_contacts: 150,
            },
        )
        .unwrap();
    assert!(parts.iter().all(|p| p.len() <= 1000));
    assert!(parts.len() > 7);
    // a contact that cannot fit at all
    assert!(
        ml.split(
            &MlBuildOptions::client(),
            MlSplitLimits {
                max_bytes: 40,
                max_contacts: 150
            }
        )
        .is_err()
    );
    // rule violations are refused before splitting
    let bad =
        Ml::from_accounts(false, [("x@y.com", ListBits::REVERSE, NetworkId::PASSPORT)]).unwrap();
    assert!(
        bad.split(&MlBuildOptions::client(), MlSplitLimits::default())
            .is_err()
    );
}

#[test]
fn ml_build_rules() {
    use msnp_proto::payload::ml::{MlDirection, MlDomain};
    let empty = Ml::default();
    assert!(empty.to_xml(&MlBuildOptions::client()).is_err());
    let dup = Ml {
        initial: false,
        domains: vec![
            MlDomain {
                name: "a.com".into(),
                contacts: Ml::from_accounts(
                    false,
                    [("x@a.com", ListBits::FORWARD, NetworkId::PASSPORT)],
                )
                .unwrap()
                .domains[0]
                    .contacts
                    .clone(),
            },
            MlDomain {
                name: "a.com".into(),
                contacts: Ml::from_accounts(
                    false,
                    [("y@a.com", ListBits::FORWARD, NetworkId::PASSPORT)],
                )
                .unwrap()
                .domains[0]
                    .contacts
                    .clone(),
            },
        ],
        phones: vec![],
    };
    assert!(dup.validate(MlDirection::ServerToClient).is_err());
    let empty_d = Ml {
        initial: false,
        domains: vec![MlDomain {
            name: "a.com".into(),
            contacts: vec![],
        }],
        phones: vec![],
    };
    assert!(empty_d.validate(MlDirection::ServerToClient).is_err());
    assert!(
        Ml::from_accounts(
            false,
            [("nodomain", ListBits::FORWARD, NetworkId::PASSPORT)]
        )
        .is_err()
    );
    // grouping: accounts of one domain end up in one <d> even when interleaved
    let g = Ml::from_accounts(
        false,
        [
            ("a@x.com", ListBits::FORWARD, NetworkId::PASSPORT),
            ("b@y.com", ListBits::FORWARD, NetworkId::PASSPORT),
            ("c@x.com", ListBits::ALLOW, NetworkId::PASSPORT),
        ],
    )
    .unwrap();
    assert_eq!(
        g.to_xml(&MlBuildOptions::client()).unwrap(),
        r#"<ml><d n="x.com"><c n="a" l="1" t="1" /><c n="c" l="2" t="1" /></d><d n="y.com"><c n="b" l="1" t="1" /></d></ml>"#
    );
    // escaping in names
    let e = Ml::from_accounts(
        false,
        [("o'neil&co@x.com", ListBits::FORWARD, NetworkId::PASSPORT)],
    )
    .unwrap();
    let xml = e.to_xml(&MlBuildOptions::client()).unwrap();
    assert!(xml.contains("o&apos;neil&amp;co"));
    assert_eq!(Ml::parse(xml.as_bytes(), &XmlLimits::default()).unwrap(), e);
}

#[test]
fn current_media_without_final_separator_is_decoded() {
    let body = br"<Data><CurrentMedia>\0Music\01\0{0}\0Song</CurrentMedia></Data>";
    let DataDocument::Data(d) = DataDocument::parse(body, &XmlLimits::default()).unwrap() else {
        panic!()
    };
    assert_eq!(d.media().unwrap().formatted, "Song");
    // re-encoding normalises to the terminated form
    assert!(d.to_xml().contains(r"\0Song\0</CurrentMedia>"));
    let DataDocument::Data(bad) = DataDocument::parse(
        br"<Data><CurrentMedia>garbage</CurrentMedia></Data>",
        &XmlLimits::default(),
    )
    .unwrap() else {
        panic!()
    };
    assert_eq!(
        bad.current_media,
        Some(MediaField::Invalid("garbage".into()))
    );
    assert!(
        bad.to_xml()
            .contains("<CurrentMedia>garbage</CurrentMedia>")
    );
}
