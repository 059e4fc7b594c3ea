//! Round-trip property tests: build(x) then parse == x.

use msnp_proto::payload::data::{
    Capabilities, CurrentMedia, DataDocument, EndpointData, MediaField, PrivateEndpointData,
    UserData,
};
use msnp_proto::payload::mime::{ImFormat, MimeHeaders, MimeMessage};
use msnp_proto::payload::ml::{
    ListBits, Ml, MlBuildOptions, MlContact, MlDirection, MlDomain, MlPhone, MlSplitLimits,
    NetworkId,
};
use msnp_proto::payload::p2p::P2pHeader;
use msnp_proto::payload::xml::XmlLimits;
use proptest::prelude::*;

/// Text with XML specials, non-ASCII and spaces, but no control characters other than
/// none at all (XML 1.0 forbids most of them; CR is normalised by parsers).
fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 <>&\"'=\\\\{}é€😀.-]{0,24}"
}

fn name() -> impl Strategy<Value = String> {
    "[a-z0-9][a-z0-9._-]{0,15}"
}

fn contact(client: bool) -> impl Strategy<Value = MlContact> {
    let lists = if client {
        (0u32..8).boxed()
    } else {
        (0u32..256).boxed()
    };
    (
        name(),
        proptest::option::of(lists.prop_map(ListBits)),
        proptest::option::of(
            prop_oneof![Just(1u32), Just(2), Just(4), Just(32), any::<u32>()].prop_map(NetworkId),
        ),
        if client {
            Just(None).boxed()
        } else {
            proptest::option::of(text()).boxed()
        },
    )
        .prop_map(|(local, lists, network, friendly)| MlContact {
            local,
            lists,
            network,
            friendly,
        })
}

fn ml(client: bool) -> impl Strategy<Value = Ml> {
    (
        any::<bool>(),
        proptest::collection::btree_map(
            name(),
            proptest::collection::vec(contact(client), 1..5),
            0..5,
        ),
        proptest::collection::vec(
            (
                "[0-9]{3,12}",
                proptest::option::of((0u32..8).prop_map(ListBits)),
            )
                .prop_map(|(n, l)| MlPhone {
                    number: format!("tel:+{n}"),
                    lists: l,
                }),
            0..3,
        ),
    )
        .prop_filter("at least one contact", |(_, d, p)| {
            !d.is_empty() || !p.is_empty()
        })
        .prop_map(|(initial, domains, phones)| Ml {
            initial,
            domains: domains
                .into_iter()
                .map(|(n, contacts)| MlDomain {
                    name: format!("{n}.com"),
                    contacts,
                })
                .collect(),
            phones,
        })
}

fn media() -> impl Strategy<Value = MediaField> {
    prop_oneof![
        Just(MediaField::Empty),
        (
            "[A-Za-z]{0,6}",
            prop_oneof![Just("Music"), Just("Games"), Just("Office")],
            any::<bool>(),
            "[a-z {}0-9-]{1,12}",
            proptest::collection::vec("[a-zA-Z0-9 &<>é]{0,10}", 0..4),
        )
            .prop_map(|(a, t, e, f, args)| MediaField::Media(CurrentMedia::new(a, t, e, f, args))),
    ]
}

fn endpoint() -> impl Strategy<Value = EndpointData> {
    (
        proptest::option::of("\\{[0-9A-F]{8}-[0-9A-F]{4}\\}"),
        proptest::option::of(
            (any::<u32>(), proptest::option::of(any::<u32>()))
                .prop_map(|(caps, caps_ex)| Capabilities { caps, caps_ex }),
        ),
    )
        .prop_map(|(id, capabilities)| EndpointData {
            id,
            capabilities,
            unknown: vec![],
        })
}

fn private() -> impl Strategy<Value = PrivateEndpointData> {
    (
        proptest::option::of("\\{[0-9A-F]{8}\\}"),
        proptest::option::of(text()),
        proptest::option::of(any::<bool>()),
        proptest::option::of(1u32..5),
        proptest::option::of(prop_oneof![Just("NLN".to_owned()), Just("BSY".to_owned())]),
    )
        .prop_map(
            |(id, ep_name, idle, client_type, state)| PrivateEndpointData {
                id,
                ep_name,
                idle,
                client_type,
                state,
                unknown: vec![],
            },
        )
}

fn user_data() -> impl Strategy<Value = UserData<'static>> {
    (
        proptest::option::of(text()),
        proptest::option::of(media()),
        proptest::option::of("\\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\\}"),
        proptest::option::of(text()),
        proptest::option::of(text()),
        proptest::option::of(text()),
        proptest::option::of("-?[0-9]{1,6}"),
        proptest::collection::vec(endpoint(), 0..3),
        proptest::collection::vec(private(), 0..2),
    )
        .prop_map(
            |(
                psm,
                current_media,
                machine_guid,
                ddp,
                signature_sound,
                scene,
                color_scheme,
                endpoints,
                private_endpoints,
            )| UserData {
                psm: psm.map(Into::into),
                current_media,
                machine_guid: machine_guid.map(Into::into),
                ddp: ddp.map(Into::into),
                signature_sound: signature_sound.map(Into::into),
                scene: scene.map(Into::into),
                color_scheme: color_scheme.map(Into::into),
                endpoints,
                private_endpoints,
                unknown: vec![],
            },
        )
}

proptest! {
    #[test]
    fn ml_client_roundtrip(m in ml(true), space in any::<bool>()) {
        let opts = MlBuildOptions { direction: MlDirection::ClientToServer, space_before_slash: space };
        let xml = m.to_xml(&opts).unwrap();
        prop_assert!(!xml.contains("> <") && !xml.contains('\n'));
        prop_assert_eq!(Ml::parse(xml.as_bytes(), &XmlLimits::default()).unwrap(), m);
    }

    #[test]
    fn ml_server_roundtrip(m in ml(false)) {
        let xml = m.to_xml(&MlBuildOptions::server()).unwrap();
        prop_assert_eq!(Ml::parse(xml.as_bytes(), &XmlLimits::default()).unwrap(), m);
    }

    #[test]
    fn ml_split_preserves_contacts(m in ml(true), max_bytes in 120usize..600, max_contacts in 1usize..6) {
        let opts = MlBuildOptions::client();
        let limits = MlSplitLimits { max_bytes, max_contacts };
        let parts = m.split(&opts, limits).unwrap();
        let mut accounts = Vec::new();
        let mut phones = Vec::new();
        for p in &parts {
            prop_assert!(p.len() <= max_bytes, "part of {} bytes", p.len());
            let back = Ml::parse(p.as_bytes(), &XmlLimits::default()).unwrap();
            prop_assert!(back.contact_count() <= max_contacts);
            prop_assert!(back.contact_count() >= 1);
            prop_assert_eq!(back.initial, m.initial);
            back.validate(MlDirection::ClientToServer).unwrap();
            accounts.extend(back.accounts().map(|(a, c)| (a, c.clone())));
            phones.extend(back.phones);
        }
        let orig: Vec<_> = m.accounts().map(|(a, c)| (a, c.clone())).collect();
        prop_assert_eq!(accounts, orig);
        prop_assert_eq!(phones, m.phones);
    }

    #[test]
    fn data_roundtrip(d in user_data()) {
        let xml = d.to_xml();
        let back = DataDocument::parse(xml.as_bytes(), &XmlLimits::default()).unwrap();
        // The `<Data>`-only reading gives the same document, borrowing every text that
        // needed no unescaping.
        let data = UserData::parse(xml.as_bytes(), &XmlLimits::default()).unwrap();
        for (text, read) in [(&d.psm, &data.psm), (&d.ddp, &data.ddp), (&d.scene, &data.scene)] {
            if let (Some(t), Some(r)) = (text, read) {
                let plain = !t.contains(['&', '<', '>', '\r']);
                prop_assert_eq!(matches!(r, std::borrow::Cow::Borrowed(_)), plain, "{:?}", r);
            }
        }
        prop_assert_eq!(&data, &d);
        prop_assert_eq!(data.clone().into_owned(), d.clone());
        prop_assert_eq!(back, DataDocument::Data(Box::new(d)));
    }

    #[test]
    fn private_endpoint_roundtrip(p in private()) {
        let doc = DataDocument::PrivateEndpoint(p);
        let xml = doc.to_xml();
        prop_assert_eq!(DataDocument::parse(xml.as_bytes(), &XmlLimits::default()).unwrap(), doc);
    }

    #[test]
    fn p2p_header_roundtrip(h in (any::<u32>(), any::<u32>(), any::<u64>(), any::<u64>(), any::<u32>(), any::<u32>(), any::<u32>(), any::<u32>(), any::<u64>())) {
        let h = P2pHeader { session_id: h.0, identifier: h.1, data_offset: h.2, total_size: h.3, length: h.4, flags: h.5, ack_identifier: h.6, ack_unique_id: h.7, ack_data_size: h.8 };
        prop_assert_eq!(P2pHeader::parse(&h.to_bytes()).unwrap(), h);
    }

    #[test]
    fn mime_roundtrip(headers in proptest::collection::vec(("[A-Za-z][A-Za-z0-9-]{0,12}", "[ -~]{0,30}"), 1..6), body in proptest::collection::vec(any::<u8>(), 0..64)) {
        let mut h = MimeHeaders::default();
        for (n, v) in &headers {
            h.push(n.clone(), v.trim_start().to_owned());
        }
        let m = MimeMessage::new(h, body);
        let bytes = m.try_to_bytes().unwrap();
        prop_assert_eq!(MimeMessage::parse(&bytes).unwrap(), m);
    }

    #[test]
    fn im_format_roundtrip(font in "[A-Za-z ]{1,12}", b in any::<bool>(), i in any::<bool>(), u in any::<bool>(), s in any::<bool>(), co in 0u32..0x0100_0000, cs in any::<u8>(), pf in any::<u8>(), rl in any::<bool>()) {
        let f = ImFormat {
            font_name: Some(font),
            effects: msnp_proto::payload::mime::Effects { bold: b, italic: i, underline: u, strikethrough: s },
            color: Some(msnp_proto::payload::mime::Rgb { r: (co & 0xff) as u8, g: (co >> 8 & 0xff) as u8, b: (co >> 16) as u8 }),
            charset: Some(cs),
            pitch_family: Some(pf),
            right_to_left: rl,
            other: vec![],
        };
        prop_assert_eq!(ImFormat::parse(&f.to_header()), f);
    }

}
