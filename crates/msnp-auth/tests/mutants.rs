//! Tests written against the mutants `cargo mutants -p msnp-auth` found alive: limit
//! boundaries, error offsets, accessors and formatting no other test read.

use msnp_auth::passport14::{LoginOutcome, PassportHeader, parse_login_response};
use msnp_auth::qry::KNOWN_PRODUCTS;
use msnp_auth::{
    AuthError, Field, Limits, Passport14Config, Passport14Event, Passport14Login, PassportUrls,
    SsoChallenge, TwnChallenge, decode_binary_secret, products, qry_msnp11, sso_usr_args,
};

const CHALLENGE: &str = "lc=1033,id=507,tw=40,fs=1,ru=http%3A%2F%2Fmessenger%2Emsn%2Ecom,ct=1062764229,kpp=1,kv=5,ver=2.1.0173.1,tpf=43f8a4c8ed940c04e3740be46c4d1619";

#[test]
fn field_names_in_messages() {
    assert_eq!(Field::Salt.to_string(), "MD5 salt");
    assert_eq!(Field::Password.to_string(), "password");
    assert!(
        AuthError::Empty {
            what: Field::Handle
        }
        .to_string()
        .contains("handle")
    );
}

#[test]
fn binary_secret_at_and_one_past_the_encoded_limit() {
    // The base64 text may be as long as the encoding of `max_secret_len` bytes.
    let max = Limits::DEFAULT.max_secret_len.div_ceil(3) * 4;
    let at = "A".repeat(max);
    assert_eq!(decode_binary_secret(&at).unwrap().len(), max / 4 * 3);
    let past = "A".repeat(max + 1);
    assert_eq!(
        decode_binary_secret(&past).unwrap_err(),
        AuthError::TooLong {
            what: Field::BinarySecret,
            len: max + 1,
            max
        }
    );
}

#[test]
fn passport_header_items_and_flags() {
    let h = PassportHeader::parse(
        "Passport1.4 da-status=failed,srealm=Passport.NET,prompt,cbtxt=Bad%20password",
        Field::WwwAuthenticate,
    )
    .unwrap();
    let keys: Vec<&str> = h.params().iter().map(|p| p.key).collect();
    assert_eq!(keys, ["da-status", "srealm", "prompt", "cbtxt"]);
    assert_eq!(h.params()[2].value, None);
    assert!(h.has("prompt") && h.has("PROMPT") && h.has("srealm"));
    assert!(!h.has("tname"));
}

#[test]
fn passport_urls_items_and_empty_login() {
    let u = PassportUrls::parse("DARealm=Passport.Net,DALogin=login.passport.com/login2.srf,X")
        .unwrap();
    assert_eq!(
        u.items(),
        [
            ("DARealm", "Passport.Net"),
            ("DALogin", "login.passport.com/login2.srf"),
            ("X", "")
        ]
    );
    let empty = PassportUrls::parse("DARealm=Passport.Net,DALogin=").unwrap();
    assert!(matches!(
        empty.login_url(),
        Err(AuthError::Missing {
            name: "DALogin",
            ..
        })
    ));
}

#[test]
fn failed_status_in_authentication_info() {
    let out = parse_login_response(
        200,
        &[(
            "Authentication-Info",
            "Passport1.4 da-status=failed-noretry,cbtxt=Locked",
        )],
    )
    .unwrap();
    assert!(matches!(out, LoginOutcome::Failed(_)), "{out:?}");
}

#[test]
fn flow_state_accessors_and_debug() {
    let c = TwnChallenge::parse(CHALLENGE).unwrap();
    let mut f = Passport14Login::new(
        "example@passport.com",
        "p@ss,word",
        &c,
        Passport14Config {
            nexus_url: None,
            max_redirects: 5,
            ..Passport14Config::default()
        },
    )
    .unwrap();
    assert!(!f.is_finished());
    assert_eq!(f.redirects(), 0);
    let req = f.next_request().unwrap();
    let shown = format!("{req:?}");
    assert!(shown.starts_with("HttpRequest {"), "{shown}");
    assert!(
        shown.contains(&req.url) && shown.contains("\"<redacted>\""),
        "{shown}"
    );
    for n in 1..=2u8 {
        let ev = f
            .handle_response(
                302,
                &[
                    ("Authentication-Info", "Passport1.4 da-status=redir"),
                    ("Location", "https://loginnet.passport.com/login2.srf"),
                ],
            )
            .unwrap();
        assert!(matches!(ev, Passport14Event::Request(_)));
        assert_eq!(f.redirects(), n);
        assert!(!f.is_finished());
    }
    let shown = format!("{f:?}");
    assert!(shown.starts_with("Passport14Login {"), "{shown}");
    assert!(
        shown.contains("redirects: 2") && shown.contains("loginnet.passport.com"),
        "{shown}"
    );
    assert!(!shown.contains("p%40ss") && !shown.contains("p@ss"));
}

#[test]
fn known_products_accept_only_their_versions() {
    for p in KNOWN_PRODUCTS {
        assert!(
            p.accepts(p.min_version) && p.accepts(p.max_version),
            "{}",
            p.client
        );
        assert!(
            !p.accepts(p.min_version - 1),
            "{} below its range",
            p.client
        );
        assert!(
            !p.accepts(p.max_version + 1),
            "{} above its range",
            p.client
        );
    }
}

#[test]
fn qry_response_debug() {
    let r = qry_msnp11("22210219642164014968", products::PROD0090).unwrap();
    assert_eq!(
        format!("{r:?}"),
        "QryResponse(85ecb0db8f32113df79ce0892b9a102c)"
    );
}

#[cfg(feature = "serde")]
#[test]
fn qry_response_serializes_as_hex() {
    let r = qry_msnp11("22210219642164014968", products::PROD0090).unwrap();
    assert_eq!(
        serde_json::to_string(&r).unwrap(),
        "\"85ecb0db8f32113df79ce0892b9a102c\""
    );
}

#[test]
fn sso_error_offsets() {
    // An empty third argument: the offset is where it starts.
    assert_eq!(
        SsoChallenge::parse_args("MBI_KEY_OLD bm9uY2U= ").unwrap_err(),
        AuthError::Malformed {
            what: Field::SsoChallenge,
            offset: 21,
            reason: "empty argument"
        }
    );
    // Not `SSO S`: the offset is the third token's.
    for (line, offset) in [("USR 12 TWN S a b", 7), ("USR 3456 SSO I a b", 9)] {
        assert_eq!(
            SsoChallenge::parse_line(line).unwrap_err(),
            AuthError::Malformed {
                what: Field::SsoChallenge,
                offset,
                reason: "expected `SSO S`"
            },
            "{line}"
        );
    }
}

#[test]
fn machine_guid_must_be_braced() {
    for bad in ["{}", "{F52973B6", "F52973B6}", "F52973B6"] {
        assert!(
            matches!(
                sso_usr_args("t=a&p=b", "HAAA", Some(bad)),
                Err(AuthError::Malformed {
                    what: Field::MachineGuid,
                    ..
                })
            ),
            "{bad}"
        );
    }
    assert_eq!(
        sso_usr_args("t=a&p=b", "HAAA", Some("{x}")).unwrap(),
        "t=a&p=b HAAA {x}"
    );
}

#[test]
fn twn_challenge_numeric_accessors() {
    let c = TwnChallenge::parse(CHALLENGE).unwrap();
    assert_eq!(c.lcid(), Some(1033));
    assert_eq!(c.site_id(), Some(507));
    assert_eq!(c.server_time(), Some(1_062_764_229));
    let c = TwnChallenge::parse("lc=x,id=507").unwrap();
    assert_eq!((c.lcid(), c.server_time()), (None, None));
}
