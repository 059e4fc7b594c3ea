//! `soap`: every msnp-soap parser over arbitrary bytes.
//!
//! Input: byte 0 picks the parser, byte 1 default or tiny limits; the rest is the document.
//!
//! Checks: no parser panics; `body_element_name` and `parse_fault_envelope` run on every input;
//! and wherever the type has a builder (`to_xml`, `fault_envelope`), parse → build → parse
//! gives an equal value (the rebuilt document is parsed with default limits: a value may carry
//! more than tiny limits allow once it is re-serialised).
#![no_main]

use libfuzzer_sys::fuzz_target;
use msnp_soap::abch::{AbRequest, AbResponse};
use msnp_soap::config::{GetClientConfig, GetClientConfigResponse, MsgrConfig};
use msnp_soap::oim::{RsiRequest, RsiResponse, StoreAction, StoreRequest, StoreResponse};
use msnp_soap::passport::{RstRequest, RstResponse};
use msnp_soap::{
    DEFAULT_LIMITS, SoapDateTime, XmlLimits, body_element_name, fault_envelope,
    parse_fault_envelope,
};

fn limits(small: bool) -> XmlLimits {
    if small {
        XmlLimits {
            max_size: 2048,
            max_depth: 6,
            max_elements: 40,
            max_attributes: 4,
            max_attr_len: 32,
            max_text_len: 64,
        }
    } else {
        DEFAULT_LIMITS
    }
}

/// parse → to_xml → parse is the identity on whatever parsed.
macro_rules! roundtrip {
    ($ty:ty, $input:expr, $l:expr) => {
        if let Ok(v) = <$ty>::from_xml($input, $l) {
            let xml = v.to_xml();
            let again = <$ty>::from_xml(&xml, &DEFAULT_LIMITS).unwrap_or_else(|e| {
                panic!(
                    "{} rebuilt as {:?} does not parse: {e:?}",
                    stringify!($ty),
                    String::from_utf8_lossy(&xml)
                )
            });
            assert_eq!(
                again,
                v,
                "{} changed through {:?}",
                stringify!($ty),
                String::from_utf8_lossy(&xml)
            );
        }
    };
}

fuzz_target!(|data: &[u8]| {
    let [sel, lim, input @ ..] = data else { return };
    let l = limits(lim & 1 != 0);
    let _ = body_element_name(input, &l);
    if let Ok(f) = parse_fault_envelope(input, &l) {
        let _ = f.kind();
        let xml = fault_envelope(&f);
        let again = parse_fault_envelope(&xml, &DEFAULT_LIMITS).unwrap_or_else(|e| {
            panic!(
                "fault rebuilt as {:?} does not parse: {e:?}",
                String::from_utf8_lossy(&xml)
            )
        });
        assert_eq!(
            again,
            f,
            "fault changed through {:?}",
            String::from_utf8_lossy(&xml)
        );
    }
    match sel % 12 {
        0 => roundtrip!(AbResponse, input, &l),
        1 => roundtrip!(AbRequest, input, &l),
        2 => roundtrip!(RstRequest, input, &l),
        3 => {
            if let Ok(mut v) = RstResponse::from_xml(input, &l) {
                let xml = v.to_xml();
                let again = RstResponse::from_xml(&xml, &DEFAULT_LIMITS).unwrap_or_else(|e| {
                    panic!(
                        "RstResponse {:?} does not parse: {e:?}",
                        String::from_utf8_lossy(&xml)
                    )
                });
                // The builder gives a token without an `Id` the official one (documented default).
                for t in &mut v.tokens {
                    if t.id.is_none() {
                        t.id = match (&t.token, &t.cipher_value) {
                            (Some(_), _) => Some("Compact1".into()),
                            (None, Some(_)) => Some("BinaryDAToken0".into()),
                            (None, None) => None,
                        };
                    }
                }
                assert_eq!(
                    again,
                    v,
                    "RstResponse changed through {:?}",
                    String::from_utf8_lossy(&xml)
                );
            }
        }
        4 => roundtrip!(RsiRequest, input, &l),
        5 => roundtrip!(RsiResponse, input, &l),
        6 => {
            let action = if lim & 2 == 0 {
                StoreAction::Store
            } else {
                StoreAction::Store2
            };
            if let Ok(v) = StoreRequest::from_xml(input, action, &l) {
                let xml = v.to_xml();
                let again =
                    StoreRequest::from_xml(&xml, action, &DEFAULT_LIMITS).unwrap_or_else(|e| {
                        panic!("StoreRequest {:?}: {e:?}", String::from_utf8_lossy(&xml))
                    });
                assert_eq!(
                    again,
                    v,
                    "StoreRequest changed through {:?}",
                    String::from_utf8_lossy(&xml)
                );
            }
        }
        7 => {
            let action = if lim & 2 == 0 {
                StoreAction::Store
            } else {
                StoreAction::Store2
            };
            if let Ok(v) = StoreResponse::from_xml(input, &l) {
                let xml = v.to_xml(action);
                let again = StoreResponse::from_xml(&xml, &DEFAULT_LIMITS).unwrap_or_else(|e| {
                    panic!("StoreResponse {:?}: {e:?}", String::from_utf8_lossy(&xml))
                });
                assert_eq!(
                    again,
                    v,
                    "StoreResponse changed through {:?}",
                    String::from_utf8_lossy(&xml)
                );
            }
        }
        8 => roundtrip!(GetClientConfig, input, &l),
        9 => roundtrip!(GetClientConfigResponse, input, &l),
        10 => {
            let _ = MsgrConfig::from_xml(input, &l);
        }
        _ => {
            if let Ok(s) = std::str::from_utf8(input)
                && let Ok(t) = SoapDateTime::parse(s)
            {
                let x = t.to_xml();
                let again = SoapDateTime::parse(&x)
                    .unwrap_or_else(|e| panic!("dateTime {x:?} does not parse: {e:?}"));
                assert_eq!(again.to_utc(), t.to_utc(), "dateTime changed through {x:?}");
                let _ = again.to_xml();
            }
        }
    }
});
