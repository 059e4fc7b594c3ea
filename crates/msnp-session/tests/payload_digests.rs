//! The payload checksums (msnp-auth hashes over msnp-proto's inputs): SHA1C vectors, SHA1D,
//! policy checksums. Moved from msnp-proto's payload tests when the hashing left msnp-proto.

use std::path::PathBuf;

use msnp_auth::digest::policy_checksum;
use msnp_proto::payload::msnobj::MsnObject;
use msnp_proto::payload::policies::{Policies, PolicyContent};
use msnp_proto::payload::xml::XmlLimits;
use msnp_session::digest::{
    MsnObjectDigest, msnobj_for_data, policy_checksum_valid, signed_policy,
};
use proptest::prelude::*;
use serde_json::Value;

fn vectors(name: &str) -> Vec<Value> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../msnp-proto/tests/data/payload/vectors")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn lim() -> XmlLimits {
    XmlLimits::default()
}

/// Text with XML specials, non-ASCII and spaces, but no control characters other than
/// none at all (XML 1.0 forbids most of them; CR is normalised by parsers).
fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 <>&\"'=\\\\{}é€😀.-]{0,24}"
}

#[test]
fn sha1c_vectors() {
    for v in vectors("msnobj_sha1c.json") {
        let o = MsnObject {
            creator: v["Creator"].as_str().unwrap().into(),
            size: v["Size"].as_u64().unwrap(),
            object_type: v["Type"].as_u64().unwrap() as u32,
            location: Some(v["Location"].as_str().unwrap().into()),
            friendly: Some(v["Friendly"].as_str().unwrap().into()),
            sha1d: v["SHA1D"].as_str().unwrap().into(),
            sha1c: None,
            extra: vec![],
        };
        assert_eq!(
            o.compute_sha1c(),
            v["expected"].as_str().unwrap(),
            "{}",
            v["id"]
        );
        // parse direction: the built XML parses back, and verifies
        let mut with = o.clone();
        with.sha1c = Some(o.compute_sha1c());
        let back = MsnObject::parse(&with.to_xml(), &XmlLimits::default()).unwrap();
        assert_eq!(back, with);
        assert_eq!(back.verify_sha1c(), Some(true));
        let url = with.to_url_encoded();
        assert!(url.starts_with("%3Cmsnobj%20Creator%3D%22"));
        assert_eq!(
            MsnObject::parse_url_encoded(&url, &XmlLimits::default()).unwrap(),
            with
        );
    }
}

#[test]
fn msnobj_sha1d_and_friendly() {
    assert_eq!(
        msnp_auth::digest::sha1d(b""),
        "2jmj7l5rSw0yVb/vlWAYkK/YBwk="
    );
    assert_eq!(msnp_proto::payload::msnobj::encode_friendly(""), "AAA=");
    let o = msnobj_for_data("me@example.com", 3, "0", "Pic", b"abc");
    assert_eq!(o.sha1d, "qZk+NkcGgWq6PiVxeFDCbJzQ2J0=");
    assert_eq!(o.size, 3);
    assert_eq!(o.friendly_name().as_deref(), Some("Pic"));
    assert!(o.verify_data(b"abc"));
    assert!(!o.verify_data(b"abd"));
    let mut tampered = o;
    tampered.size = 4;
    assert_eq!(tampered.verify_sha1c(), Some(false));
}

#[test]
fn policies_build_and_checksum() {
    let inner = r#"<policy><set id="push" service="ABCH" priority="200"><r id="pushstorage" threshold="180000"/></set><c id="PROFILE_Rampup">100</c></policy>"#;
    let p = signed_policy("ABCH", inner, &lim()).unwrap();
    assert_eq!(p.checksum.as_deref().map(str::len), Some(32));
    let PolicyContent::Elements(els) = &p.content else {
        panic!()
    };
    assert_eq!(els[0].name, "policy");
    let doc = Policies { policies: vec![p] };
    let xml = doc.to_xml();
    let back = Policies::parse(xml.as_bytes(), &lim()).unwrap();
    assert_eq!(back, doc);
    assert_eq!(policy_checksum_valid(&back.policies[0]), Some(true));
    // a wrong checksum is reported, not rejected
    let tampered = xml.replace(&policy_checksum(inner), "00000000000000000000000000000000");
    let back = Policies::parse(tampered.as_bytes(), &lim()).unwrap();
    assert_eq!(policy_checksum_valid(&back.policies[0]), Some(false));
    assert_eq!(policy_checksum(""), "D41D8CD98F00B204E9800998ECF8427E");
}

proptest! {
    #[test]
    fn msnobj_roundtrip(creator in "[a-z]{1,8}@[a-z]{1,8}\\.com", ty in 1u32..17, loc in "[A-Za-z0-9.]{1,10}", friendly in text(), data in proptest::collection::vec(any::<u8>(), 0..64)) {
        let o = msnobj_for_data(&creator, ty, &loc, &friendly, &data);
        let back = MsnObject::parse(&o.to_xml(), &XmlLimits::default()).unwrap();
        prop_assert_eq!(back.friendly_name(), Some(friendly));
        prop_assert_eq!(back.verify_sha1c(), Some(true));
        prop_assert_eq!(&back, &o);
        prop_assert_eq!(MsnObject::parse_url_encoded(&o.to_url_encoded(), &XmlLimits::default()).unwrap(), o);
    }
}
