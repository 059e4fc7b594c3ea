//! Typed values built per verb and version encode, and decode back to themselves; domain types
//! round-trip through their text forms.

use std::borrow::Cow;

use msnp_proto::message::Rng as RngCommand;
use msnp_proto::message::*;
use msnp_proto::{
    ClientCapabilities, Decoder, Dialect, Direction, ErrorCode, Handle, Limits, List, ListBits,
    Message, NetworkId, PresenceStatus, ProtocolVersion as V, Status, Token, TrId, UrlText,
};
use proptest::prelude::*;

fn version(from: V, until: V) -> impl Strategy<Value = V> {
    let vs: Vec<V> = V::ALL
        .into_iter()
        .filter(|v| v.within(from, until))
        .collect();
    prop::sample::select(vs)
}

fn address() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9._-]{0,10}@[a-z]{1,8}\\.(com|net)"
}

fn handle(prefixed: bool, endpoint: bool) -> impl Strategy<Value = Handle<'static>> {
    (
        address(),
        prop::sample::select(vec![1u32, 2, 4, 32]),
        prop::option::of("\\{[A-F0-9]{8}-[A-F0-9]{4}-[A-F0-9]{4}-[A-F0-9]{4}-[A-F0-9]{12}\\}"),
    )
        .prop_map(move |(a, n, e)| {
            let e = if endpoint { e } else { None };
            Handle::new(prefixed.then_some(NetworkId(n)), &a, e.as_deref(), None).unwrap()
        })
}

fn text() -> impl Strategy<Value = UrlText<'static>> {
    "\\PC{1,20}".prop_map(|s| UrlText::from_plain(&s).unwrap())
}

fn token() -> impl Strategy<Value = Token<'static>> {
    "[A-Za-z][A-Za-z0-9.:{}-]{0,20}".prop_map(|s| Token::from_string(s).unwrap())
}

fn caps(v: V) -> impl Strategy<Value = ClientCapabilities> {
    (any::<u32>(), any::<u32>()).prop_map(move |(c, e)| {
        if v >= V::Msnp16 {
            ClientCapabilities::with_ext(c, e)
        } else {
            ClientCapabilities::new(c)
        }
    })
}

fn status() -> impl Strategy<Value = PresenceStatus> {
    prop::sample::select(PresenceStatus::KNOWN.to_vec())
}

fn presence(v: V) -> impl Strategy<Value = Presence<'static>> {
    let separate = v.within(V::Msnp14, V::Msnp17);
    (
        status(),
        handle(v >= V::Msnp18, false),
        prop::sample::select(vec![1u32, 32]),
        text(),
        caps(v),
        prop::option::of(text()),
        prop::option::of(text()),
    )
        .prop_map(move |(status, handle, nid, friendly_name, c, obj, icon)| {
            let msn_object = if v >= V::Msnp9 { obj } else { None };
            Presence {
                status,
                handle,
                network_id: separate.then_some(NetworkId(nid)),
                friendly_name,
                capabilities: (v >= V::Msnp8).then_some(c),
                icon_url: if separate && msn_object.is_some() {
                    icon
                } else {
                    None
                },
                msn_object,
            }
        })
}

/// A typed message and the dialect (with direction) it belongs to.
fn message() -> impl Strategy<Value = (Dialect, Message<'static>)> {
    let ns = |v: V, d: Direction| Dialect::notification(v).with_direction(d);
    let sb = |v: V, d: Direction| Dialect::switchboard(v).with_direction(d);
    use Direction::{ClientToServer as C, ServerToClient as S};
    prop_oneof![
        version(V::Msnp2, V::Msnp21)
            .prop_flat_map(move |v| presence(v).prop_map(move |p| (ns(v, S), Message::Nln(p)))),
        (version(V::Msnp2, V::Msnp17), any::<u32>()).prop_flat_map(move |(v, t)| presence(v)
            .prop_map(move |p| (
                ns(v, S),
                Message::Iln(Iln {
                    trid: TrId(t),
                    presence: p
                })
            ))),
        version(V::Msnp2, V::Msnp21).prop_flat_map(move |v| (
            any::<u32>(),
            status(),
            caps(v),
            prop::option::of(text())
        )
            .prop_map(move |(t, st, c, o)| {
                (
                    ns(v, C),
                    Message::Chg(Chg {
                        trid: TrId(t),
                        status: st,
                        capabilities: (v >= V::Msnp8).then_some(c),
                        msn_object: if v >= V::Msnp9 { o } else { None },
                    }),
                )
            })),
        version(V::Msnp2, V::Msnp21).prop_flat_map(move |v| (
            handle(v >= V::Msnp18, false),
            caps(v),
            prop::option::of(text())
        )
            .prop_map(move |(h, c, icon)| {
                let sep = v.within(V::Msnp14, V::Msnp17);
                (
                    ns(v, S),
                    Message::Fln(Offline {
                        handle: h,
                        network_id: sep.then_some(NetworkId(1)),
                        capabilities: (v >= V::Msnp14).then_some(c),
                        icon_url: if v >= V::Msnp14 { icon } else { None },
                    }),
                )
            })),
        version(V::Msnp11, V::Msnp21).prop_flat_map(move |v| (
            handle(v >= V::Msnp18, false),
            prop::collection::vec(any::<u8>(), 0..50)
        )
            .prop_map(move |(h, p)| {
                (
                    ns(v, S),
                    Message::Ubx(Ubx {
                        handle: h,
                        network_id: v.within(V::Msnp14, V::Msnp17).then_some(NetworkId(1)),
                        payload: Cow::Owned(p),
                    }),
                )
            })),
        version(V::Msnp8, V::Msnp12).prop_flat_map(move |v| (
            handle(false, false),
            text(),
            0u32..32,
            prop::option::of("[0-9]{1,2}(,[0-9]{1,2}){0,3}"),
            prop::option::of(token())
        )
            .prop_map(move |(h, n, bits, g, cid)| {
                let groups = g.map(|g| GroupIds(Token::from_string(g).unwrap()));
                (
                    ns(v, S),
                    Message::Lst(ListEntry {
                        trid: None,
                        list: None,
                        list_version: None,
                        index: None,
                        total: None,
                        handle: Some(h),
                        friendly_name: Some(n),
                        contact_id: if v >= V::Msnp10 { cid } else { None },
                        list_bits: Some(ListBits(bits)),
                        network_id: (v >= V::Msnp12).then_some(NetworkId(1)),
                        groups,
                    }),
                )
            })),
        version(V::Msnp2, V::Msnp7).prop_flat_map(move |v| (
            any::<u32>(),
            prop::sample::select(vec![List::Forward, List::Allow, List::Block, List::Reverse]),
            any::<u32>(),
            1u32..50,
            handle(false, false),
            text()
        )
            .prop_map(move |(t, l, ver, i, h, n)| {
                (
                    ns(v, S),
                    Message::Lst(ListEntry {
                        trid: Some(TrId(t)),
                        list: Some(l),
                        list_version: Some(ver),
                        index: Some(i),
                        total: Some(i),
                        handle: Some(h),
                        friendly_name: Some(n),
                        contact_id: None,
                        list_bits: None,
                        network_id: None,
                        groups: None,
                    }),
                )
            })),
        version(V::Msnp2, V::Msnp21).prop_flat_map(move |v| (
            any::<u32>(),
            handle(false, v >= V::Msnp16),
            text(),
            any::<bool>(),
            any::<bool>()
        )
            .prop_map(move |(t, h, n, a, b)| {
                (
                    ns(v, S),
                    Message::Usr(Usr::Ok(UsrOk {
                        trid: TrId(t),
                        handle: h,
                        friendly_name: (v <= V::Msnp9).then_some(n),
                        verified: (v >= V::Msnp6).then_some(a),
                        restricted: (v >= V::Msnp8).then_some(b),
                    })),
                )
            })),
        version(V::Msnp2, V::Msnp21).prop_flat_map(move |v| (
            any::<u32>(),
            token(),
            token(),
            any::<bool>()
        )
            .prop_map(move |(t, addr, cookie, direct)| {
                (
                    ns(v, S),
                    Message::XfrSb(SbReferral {
                        trid: TrId(t),
                        address: addr,
                        auth: Token::from_static("CKI"),
                        cookie,
                        transport: (v >= V::Msnp13).then(|| Token::from_static("U")),
                        gateway_domain: (v >= V::Msnp13)
                            .then(|| Token::from_static("messenger.msn.com")),
                        direct: (v >= V::Msnp14).then_some(direct),
                    }),
                )
            })),
        version(V::Msnp2, V::Msnp21).prop_flat_map(move |v| (
            any::<u64>(),
            token(),
            token(),
            handle(false, false),
            text(),
            any::<bool>()
        )
            .prop_map(move |(sid, addr, cookie, h, n, direct)| {
                (
                    ns(v, S),
                    Message::Rng(RngCommand {
                        session_id: Token::from_string(sid.to_string()).unwrap(),
                        address: addr,
                        auth: Token::from_static("CKI"),
                        cookie,
                        inviter: h,
                        inviter_name: n,
                        transport: (v >= V::Msnp13).then(|| Token::from_static("U")),
                        gateway_domain: (v >= V::Msnp13)
                            .then(|| Token::from_static("messenger.hotmail.com")),
                        direct: (v >= V::Msnp14).then_some(direct),
                    }),
                )
            })),
        version(V::Msnp2, V::Msnp21).prop_flat_map(move |v| (
            any::<u32>(),
            prop::sample::select(vec![
                AckMode::Unacknowledged,
                AckMode::NakOnly,
                AckMode::Acknowledged,
                AckMode::Data
            ]),
            prop::collection::vec(any::<u8>(), 0..80)
        )
            .prop_map(move |(t, mut a, p)| {
                if v < V::Msnp9 && a == AckMode::Data {
                    a = AckMode::Acknowledged;
                }
                (
                    sb(v, C),
                    Message::MsgSend(MsgSend {
                        trid: TrId(t),
                        ack_mode: a,
                        payload: Cow::Owned(p),
                    }),
                )
            })),
        version(V::Msnp2, V::Msnp21).prop_flat_map(move |v| (
            handle(false, v >= V::Msnp16),
            text(),
            prop::collection::vec(any::<u8>(), 0..80)
        )
            .prop_map(move |(h, n, p)| {
                (
                    sb(v, S),
                    Message::MsgReceive(MsgReceive {
                        sender: h,
                        sender_name: n,
                        payload: Cow::Owned(p),
                    }),
                )
            })),
        version(V::Msnp2, V::Msnp21).prop_flat_map(move |v| (
            any::<u32>(),
            1u32..10,
            handle(false, v >= V::Msnp16),
            text(),
            caps(v)
        )
            .prop_map(move |(t, i, h, n, c)| {
                (
                    sb(v, S),
                    Message::Iro(Iro {
                        trid: TrId(t),
                        index: i,
                        total: i,
                        handle: h,
                        friendly_name: n,
                        capabilities: (v >= V::Msnp12).then_some(c),
                    }),
                )
            })),
        version(V::Msnp2, V::Msnp21).prop_flat_map(move |v| (
            handle(false, v >= V::Msnp16),
            text(),
            caps(v)
        )
            .prop_map(move |(h, n, c)| {
                (
                    sb(v, S),
                    Message::Joi(Joi {
                        handle: h,
                        friendly_name: n,
                        capabilities: (v >= V::Msnp12).then_some(c),
                    }),
                )
            })),
        (
            version(V::Msnp2, V::Msnp21),
            200u16..1000,
            any::<u32>(),
            prop::option::of(prop::collection::vec(any::<u8>(), 0..30))
        )
            .prop_map(move |(v, code, t, p)| {
                let payload = if v >= V::Msnp13 {
                    p.map(Cow::Owned)
                } else {
                    None
                };
                (
                    ns(v, S),
                    Message::Error(ErrorReply {
                        code: ErrorCode(code),
                        trid: Some(TrId(t)),
                        params: vec![],
                        payload,
                    }),
                )
            }),
        version(V::Msnp5, V::Msnp21).prop_flat_map(move |v| (
            any::<u32>(),
            prop::sample::select(Property::KNOWN.to_vec()),
            prop::option::of(text())
        )
            .prop_map(move |(t, p, val)| {
                (
                    ns(v, C),
                    Message::Prp(Prp {
                        trid: Some(TrId(t)),
                        list_version: None,
                        property: p,
                        value: val,
                    }),
                )
            })),
        version(V::Msnp2, V::Msnp12).prop_flat_map(move |v| (
            any::<u32>(),
            any::<u32>(),
            any::<u32>(),
            any::<u32>(),
            any::<u32>()
        )
            .prop_map(move |(t, lv, sv, c, g)| {
                (
                    ns(v, S),
                    Message::Syn(Syn {
                        trid: TrId(t),
                        list_version: Token::from_string(lv.to_string()).unwrap(),
                        settings_version: (v >= V::Msnp10)
                            .then(|| Token::from_string(sv.to_string()).unwrap()),
                        contacts: (v >= V::Msnp8).then_some(c),
                        groups: (v >= V::Msnp8).then_some(g),
                    }),
                )
            })),
        version(V::Msnp2, V::Msnp9).prop_flat_map(move |v| (
            any::<u32>(),
            any::<u32>(),
            handle(false, false),
            text(),
            prop::option::of("[0-9]{1,2}")
        )
            .prop_map(move |(t, lv, h, n, g)| {
                (
                    ns(v, S),
                    Message::Add(Add {
                        trid: TrId(t),
                        list: List::Forward,
                        list_version: Some(lv),
                        handle: h,
                        friendly_name: n,
                        group_id: g.map(|g| Token::from_string(g).unwrap()),
                    }),
                )
            })),
        version(V::Msnp10, V::Msnp12).prop_flat_map(move |v| (
            any::<u32>(),
            handle(false, false),
            prop::option::of(text()),
            prop::option::of(token())
        )
            .prop_map(move |(t, h, n, c)| {
                (
                    ns(v, S),
                    Message::Adc(Adc {
                        trid: TrId(t),
                        list: List::Forward,
                        handle: Some(h),
                        friendly_name: n,
                        contact_id: c,
                        group_id: None,
                    }),
                )
            })),
        version(V::Msnp13, V::Msnp21).prop_flat_map(move |v| (
            any::<u32>(),
            prop::collection::vec(any::<u8>(), 0..100)
        )
            .prop_map(move |(t, p)| {
                (
                    ns(v, C),
                    Message::Adl(PayloadCommand {
                        trid: TrId(t),
                        payload: Cow::Owned(p),
                    }),
                )
            })),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn typed_messages_round_trip((d, m) in message()) {
        let bytes = m.to_vec(&d);
        prop_assert!(bytes.is_ok(), "{m:?} in {:?}: {bytes:?}", d.version);
        let bytes = bytes.unwrap_or_default();
        prop_assert_eq!(m.encoded_len(&d), bytes.len());
        let mut dec = Decoder::new(d, Limits::default());
        let raw = match dec.decode(&bytes) {
            Ok(Status::Complete { value, consumed }) if consumed == bytes.len() => value,
            other => return Err(TestCaseError::fail(format!("{other:?}"))),
        };
        let back = Message::decode(&raw, &d);
        prop_assert_eq!(back.as_ref(), Ok(&m));
        // The same message with the direction unknown still frames identically.
        prop_assert_eq!(raw.as_bytes(), &bytes[..]);
    }

    #[test]
    fn handles_round_trip(addr in address(), nid in prop::option::of(any::<u32>()), ep in prop::option::of("\\{[A-F0-9-]{1,36}\\}"), via in prop::option::of("9:[a-z0-9-]{1,20}@live\\.com")) {
        let h = Handle::new(nid.map(NetworkId), &addr, ep.as_deref(), via.as_deref()).unwrap();
        let p = Handle::parse(h.as_str()).unwrap();
        prop_assert_eq!(p.network(), nid.map(NetworkId));
        prop_assert_eq!(p.address(), addr.as_str());
        prop_assert_eq!(p.endpoint(), ep.as_deref());
        prop_assert_eq!(p.via(), via.as_deref());
        prop_assert_eq!(&p, &h);
    }

    #[test]
    fn capabilities_round_trip(c in any::<u32>(), e in prop::option::of(any::<u32>())) {
        let caps = ClientCapabilities { caps: c, ext: e };
        let s = caps.to_string();
        prop_assert_eq!(s.parse::<ClientCapabilities>(), Ok(caps));
        prop_assert_eq!(caps.msnc_version(), (c >> 28) as u8);
    }

    #[test]
    fn url_text_round_trips(s in "\\PC{1,40}") {
        let t = UrlText::from_plain(&s).unwrap();
        prop_assert_eq!(t.decoded(), s.as_str());
        prop_assert!(t.wire().bytes().all(|b| b.is_ascii_graphic()));
        prop_assert_eq!(UrlText::from_wire(t.wire()).unwrap(), t.clone());
    }

    #[test]
    fn arbitrary_handles_never_panic(s in "\\PC{0,40}") {
        if let Ok(h) = Handle::parse(&s) {
            prop_assert!(!h.address().is_empty());
            prop_assert_eq!(h.as_str(), s.as_str());
        }
    }
}

#[test]
fn list_bits_and_statuses() {
    for s in PresenceStatus::KNOWN {
        assert_eq!(PresenceStatus::parse(s.as_str()), Some(*s));
    }
    for l in List::KNOWN {
        assert_eq!(List::parse(l.as_str()), Some(*l));
        assert_eq!(
            l.bit().map(|b| b.lists().collect::<Vec<_>>()),
            Some(vec![*l])
        );
    }
    assert_eq!(ListBits(31).lists().count(), 5);
    assert_eq!(ListBits(96).lists().count(), 0);
    for n in NetworkId::KNOWN {
        assert!(n.name().is_some());
    }
    for c in ErrorCode::KNOWN {
        assert!((100..1000).contains(&c.0));
    }
}
