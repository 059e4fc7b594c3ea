//! With the `serde` feature, public values survive a JSON round trip.
#![cfg(feature = "serde")]

mod common;
use common::fixture;

use msnp_soap::DEFAULT_LIMITS;
use msnp_soap::abch::{AbRequest, AbResponse};
use msnp_soap::passport::RstResponse;

fn roundtrip<T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(
    v: &T,
) {
    let json = serde_json::to_string(v).unwrap();
    let back: T = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
    assert_eq!(&back, v);
}

#[test]
fn json_roundtrip() {
    for f in [
        "abfindall_response.xml",
        "findmembership_response.xml",
        "abfindcontactspaged_response.xml",
    ] {
        roundtrip(&AbResponse::from_xml(&fixture(f), &DEFAULT_LIMITS).unwrap());
    }
    roundtrip(&RstResponse::from_xml(&fixture("rst_response.xml"), &DEFAULT_LIMITS).unwrap());
    let req = AbRequest {
        header: msnp_soap::abch::AbHeader::new("Initial", None),
        body: msnp_soap::abch::AbRequestBody::FindAll(msnp_soap::abch::AbFindAll::full()),
    };
    roundtrip(&req);
    let f =
        msnp_soap::parse_fault_envelope(&fixture("ab_fault_contact_exists.xml"), &DEFAULT_LIMITS)
            .unwrap();
    roundtrip(&f);
}

#[test]
fn json_shapes() {
    let r = AbResponse::from_xml(&fixture("findmembership_response.xml"), &DEFAULT_LIMITS).unwrap();
    let v = serde_json::to_value(&r).unwrap();
    let m = &v["body"]["FindMembership"]["services"][0]["memberships"][0];
    assert_eq!(m["role"], "Allow");
    assert_eq!(m["members"][0]["kind"], "PassportMember");
    assert_eq!(m["members"][0]["joined_date"], "2009-03-01T12:00:00");
    assert_eq!(
        m["members"][0]["last_changed"],
        "2009-03-01T12:00:00.123-08:00"
    );
}
