//! `payload`: every payload parser of `msnp_proto::payload` over arbitrary bytes.
//!
//! Input: byte 0 picks the parser (and, for `parse_payload`, the verb; for `UUN`, the type);
//! byte 1 chooses default or tiny XML limits; the rest is the body.
//!
//! Checks: no parser panics; `parse_payload` refuses bodies over `max_size`; and wherever a
//! parser has a builder (`to_xml`, `to_bytes`, `try_to_bytes`, `to_wire`, `to_header`,
//! `Display`, `encode_rfc2047`), parse → build → parse gives an equal value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use msnp_proto::payload::data::{Capabilities, CurrentMedia, DataDocument};
use msnp_proto::payload::mime::{
    ContentType, ImFormat, MailData, MimeMessage, Rgb, decode_rfc2047, encode_rfc2047,
};
use msnp_proto::payload::ml::{Ml, MlBuildOptions, MlDirection};
use msnp_proto::payload::msnobj::MsnObject;
use msnp_proto::payload::notification::{NotificationDocument, parse_notification_data};
use msnp_proto::payload::p2p::{P2pHeader, P2pMessage};
use msnp_proto::payload::policies::Policies;
use msnp_proto::payload::routed::{RoutedAddress, RoutedMessage};
use msnp_proto::payload::shields::ShieldsConfig;
use msnp_proto::payload::uun::UunBody;
use msnp_proto::payload::{XmlLimits, parse_payload, xml};
use msnp_session::digest::MsnObjectDigest;

const VERBS: [&str; 24] = [
    "MSG", "UUM", "UBM", "ADL", "RML", "FQY", "UUX", "UBX", "GCF", "NOT", "IPG", "UUN", "UBN",
    "NFY", "PUT", "DEL", "SDG", "PAG", "PGD", "QRY", "SDC", "241", "508", "XYZ",
];

fn limits(small: bool) -> XmlLimits {
    if small {
        XmlLimits {
            max_depth: 3,
            max_size: 512,
            max_attr_len: 16,
            max_elements: 8,
            max_attributes: 4,
            max_text_len: 256,
        }
    } else {
        XmlLimits::default()
    }
}

fn ml_roundtrip(body: &[u8], l: &XmlLimits, sel: u8) {
    let Ok(ml) = Ml::parse(body, l) else { return };
    let opts = MlBuildOptions {
        direction: if sel & 1 == 0 {
            MlDirection::ClientToServer
        } else {
            MlDirection::ServerToClient
        },
        space_before_slash: sel & 2 == 0,
    };
    // The builder enforces the direction's rules, so it may refuse what was parsed.
    let Ok(xml) = ml.to_xml(&opts) else { return };
    assert_eq!(
        ml.byte_len(&opts).ok(),
        Some(xml.len()),
        "byte_len disagrees with to_xml"
    );
    let big = XmlLimits {
        max_size: 64 << 20,
        max_attr_len: 8 << 20,
        ..XmlLimits::default()
    };
    let again = Ml::parse(xml.as_bytes(), &big)
        .unwrap_or_else(|e| panic!("built <ml> {xml:?} does not parse: {e:?}"));
    assert_eq!(again, ml, "<ml> changed through {xml:?}");
}

fn utf8(body: &[u8]) -> Option<&str> {
    std::str::from_utf8(body).ok()
}

fuzz_target!(|data: &[u8]| {
    let [sel, lim, body @ ..] = data else { return };
    let l = limits(lim & 1 != 0);
    // Rebuilt documents are re-read with room for escaping to grow them (`"` → `&quot;`).
    let big = XmlLimits {
        max_size: 64 << 20,
        max_attr_len: 8 << 20,
        ..XmlLimits::default()
    };

    // The dispatcher, for the verb byte 0 picks.
    let verb = VERBS[usize::from(*sel) % VERBS.len()];
    let uun_type = (lim & 2 != 0).then_some(u32::from(*sel % 16));
    match parse_payload(verb.parse().unwrap(), uun_type, body, &l) {
        Err(msnp_proto::payload::PayloadError::TooLarge { .. }) => {
            assert!(body.len() > l.max_size)
        }
        Ok(_) | Err(_) => assert!(body.is_empty() || body.len() <= l.max_size),
    }

    match sel % 20 {
        0 => ml_roundtrip(body, &l, *lim >> 2),
        1 => {
            if let Ok(d) = DataDocument::parse(body, &l) {
                let xml = d.to_xml();
                let again = DataDocument::parse(xml.as_bytes(), &big)
                    .unwrap_or_else(|e| panic!("built Data {xml:?} does not parse: {e:?}"));
                assert_eq!(again, d, "Data changed through {xml:?}");
            }
        }
        2 => {
            if let Ok(m) = MimeMessage::parse(body) {
                let _ = m.content_type();
                let _ = m.typed_body(&l).map(|b| b.into_owned());
                if let Ok(bytes) = m.try_to_bytes() {
                    let again = MimeMessage::parse(&bytes)
                        .unwrap_or_else(|e| panic!("built MIME {bytes:?} does not parse: {e:?}"));
                    assert_eq!(
                        again,
                        m,
                        "MIME changed through {:?}",
                        String::from_utf8_lossy(&bytes)
                    );
                }
            }
        }
        3 => {
            if let Ok(h) = P2pHeader::parse(body) {
                let bytes = h.to_bytes();
                assert_eq!(
                    &bytes[..],
                    &body[..bytes.len()],
                    "P2P header not re-encoded exactly"
                );
                assert_eq!(P2pHeader::parse(&bytes).ok(), Some(h));
            }
            if let Ok(m) = P2pMessage::parse(body) {
                assert_eq!(m.to_bytes(), body, "P2P message not re-encoded exactly");
                let m = m.into_owned();
                assert_eq!(P2pMessage::parse(&m.to_bytes()).ok(), Some(m));
            }
        }
        4 => {
            if let Some(s) = utf8(body) {
                if let Ok(o) = MsnObject::parse(s, &l) {
                    let xml = o.to_xml();
                    let again = MsnObject::parse(&xml, &big)
                        .unwrap_or_else(|e| panic!("built msnobj {xml:?} does not parse: {e:?}"));
                    assert_eq!(again, o, "msnobj changed through {xml:?}");
                    let url = o.to_url_encoded();
                    let again = MsnObject::parse_url_encoded(&url, &big).unwrap_or_else(|e| {
                        panic!("url-encoded msnobj {url:?} does not parse: {e:?}")
                    });
                    assert_eq!(again, o, "msnobj changed through {url:?}");
                    let _ = (o.verify_sha1c(), o.friendly_name(), o.compute_sha1c());
                }
                let _ = MsnObject::parse_url_encoded(s, &l);
            }
        }
        5 => {
            if let Ok(n) = NotificationDocument::parse(body, &l) {
                let xml = n.to_xml();
                let again = NotificationDocument::parse(xml.as_bytes(), &big)
                    .unwrap_or_else(|e| panic!("built NOTIFICATION {xml:?} does not parse: {e:?}"));
                assert_eq!(again, n, "NOTIFICATION changed through {xml:?}");
            }
            if let Some(s) = utf8(body) {
                let _ = parse_notification_data(s, &l);
            }
        }
        6 => {
            if let Ok(p) = Policies::parse(body, &l) {
                let xml = p.to_xml();
                let again = Policies::parse(xml.as_bytes(), &big)
                    .unwrap_or_else(|e| panic!("built Policies {xml:?} does not parse: {e:?}"));
                assert_eq!(again, p, "Policies changed through {xml:?}");
            }
        }
        7 => {
            if let Ok(c) = ShieldsConfig::parse(body, &l) {
                let _ = c.denied_features(8, 5, 1288);
                for decl in [false, true] {
                    let xml = c.to_xml(decl);
                    let again = ShieldsConfig::parse(xml.as_bytes(), &big)
                        .unwrap_or_else(|e| panic!("built config {xml:?} does not parse: {e:?}"));
                    assert_eq!(again, c, "config changed through {xml:?}");
                }
            }
        }
        8 => {
            let ty = u32::from(*lim);
            if let Ok(u) = UunBody::parse(ty, body, &l) {
                let bytes = u.to_bytes();
                let again = UunBody::parse(ty, &bytes, &l)
                    .unwrap_or_else(|e| panic!("built UUN {bytes:?} does not parse: {e:?}"));
                assert_eq!(again, u, "UUN body changed");
                let _ = u.into_owned();
            }
        }
        9 => {
            if let Ok(r) = RoutedMessage::parse(body) {
                let _ = (r.to(), r.from(), r.kind(), r.body_text(), r.body_xml(&l));
                if let Ok(bytes) = r.to_bytes() {
                    let again = RoutedMessage::parse(&bytes)
                        .unwrap_or_else(|e| panic!("built routed {bytes:?} does not parse: {e:?}"));
                    assert_eq!(again, r, "routed message changed");
                }
            }
        }
        10 => {
            if let Some(s) = utf8(body)
                && let Ok(m) = CurrentMedia::parse(s)
            {
                let w = m.to_wire();
                let again = CurrentMedia::parse(&w)
                    .unwrap_or_else(|e| panic!("CurrentMedia {w:?} does not parse: {e:?}"));
                assert_eq!(again, m, "CurrentMedia changed through {w:?}");
                let _ = m.formatted();
            }
        }
        11 => {
            if let Some(s) = utf8(body) {
                if let Ok(c) = Capabilities::parse(s) {
                    let w = c.to_string();
                    assert_eq!(
                        Capabilities::parse(&w).ok(),
                        Some(c),
                        "capabilities changed through {w:?}"
                    );
                }
                if let Ok(a) = RoutedAddress::parse(s) {
                    let w = a.to_string();
                    assert_eq!(
                        RoutedAddress::parse(&w).ok(),
                        Some(a),
                        "address changed through {w:?}"
                    );
                }
            }
        }
        12 => {
            if let Some(s) = utf8(body)
                && let Ok(m) = MailData::parse(s, &l)
            {
                let xml = m.to_xml();
                let again = MailData::parse(&xml, &big)
                    .unwrap_or_else(|e| panic!("built MD {xml:?} does not parse: {e:?}"));
                assert_eq!(again, m, "MailData changed through {xml:?}");
            }
        }
        13 => {
            if let Some(s) = utf8(body) {
                let f = ImFormat::parse(s);
                let h = f.to_header();
                assert_eq!(
                    ImFormat::parse(&h),
                    f,
                    "X-MMS-IM-Format changed through {h:?}"
                );
                let _ = ContentType::parse(s).param("charset");
                if let Some(c) = Rgb::from_bgr_hex(s) {
                    assert_eq!(Rgb::from_bgr_hex(&c.to_bgr_hex()), Some(c));
                }
            }
        }
        14 => {
            if let Some(s) = utf8(body) {
                let _ = decode_rfc2047(s);
                let e = encode_rfc2047(s);
                assert_eq!(decode_rfc2047(&e), s, "RFC 2047 round trip via {e:?}");
            }
        }
        15 => {
            if let Ok(doc) = xml::parse_bytes(body, &l) {
                let _ = doc.inner_xml(&doc.root);
                let _ = doc.outer_xml(&doc.root);
                let _ = doc.root.text();
                let _ = doc.root.to_owned_element(doc.source);
            }
        }
        _ => {}
    }
});
