//! Bad inputs give typed errors, never panics.

use msnp_auth::mbi::derive_key;
use msnp_auth::{
    AuthError, Field, Limits, LoginOutcome, MbiBlob, PassportHeader, PassportUrls, ProductKey,
    QryResponse, SsoChallenge, TwnChallenge, decode_binary_secret, default_product, hex,
    mbi_response, md5_login_hash, md5_login_hash_with, parse_login_response,
    passport14_authorization, products, qry_command, qry_for_version, qry_md5, qry_msnp11,
    sso_usr_args,
};

#[test]
fn hex_errors() {
    assert_eq!(
        hex::decode("abc"),
        Err(AuthError::OddLengthHex {
            what: Field::Hex,
            len: 3
        })
    );
    assert_eq!(
        hex::decode("0g"),
        Err(AuthError::InvalidHexDigit {
            what: Field::Hex,
            offset: 1,
            byte: b'g'
        })
    );
    assert_eq!(
        hex::decode_array::<8>("0102"),
        Err(AuthError::InvalidLength {
            what: Field::Hex,
            expected: 8,
            actual: 2
        })
    );
    assert!(matches!(
        "zz".repeat(16).parse::<QryResponse>(),
        Err(AuthError::InvalidHexDigit { offset: 0, .. })
    ));
}

#[test]
fn md5_login_errors() {
    assert_eq!(
        md5_login_hash("", "pw"),
        Err(AuthError::Empty { what: Field::Salt })
    );
    assert_eq!(
        md5_login_hash("12 34", "pw"),
        Err(AuthError::InvalidByte {
            what: Field::Salt,
            offset: 2,
            byte: b' '
        })
    );
    assert!(matches!(
        md5_login_hash("1\r\n", "pw"),
        Err(AuthError::InvalidByte {
            offset: 1,
            byte: b'\r',
            ..
        })
    ));
    let small = Limits {
        max_password_len: 3,
        ..Limits::DEFAULT
    };
    assert_eq!(
        md5_login_hash_with("salt", "four", &small),
        Err(AuthError::TooLong {
            what: Field::Password,
            len: 4,
            max: 3
        })
    );
    assert_eq!(
        msnp_auth::ctp_login_response("a b")
            .map_err(|e| matches!(e, AuthError::InvalidByte { .. })),
        Err(true)
    );
    assert_eq!(
        msnp_auth::ctp_login_response("secret").as_deref(),
        Ok("secret")
    );
    // The package tokens themselves (`MD5`, `CTP`, exact case) are msnp-proto's `AuthPackage`:
    // msnp-session's `auth_package_tokens_are_exact_case`.
}

#[test]
fn qry_errors() {
    assert_eq!(
        qry_md5("", "KEY"),
        Err(AuthError::Empty {
            what: Field::Challenge
        })
    );
    assert_eq!(
        qry_msnp11("123", ProductKey { id: "", key: "k" }),
        Err(AuthError::Empty {
            what: Field::ProductId
        })
    );
    assert_eq!(
        qry_msnp11(
            "123",
            ProductKey {
                id: "id",
                key: "k\u{e9}"
            }
        ),
        Err(AuthError::InvalidByte {
            what: Field::ProductKey,
            offset: 1,
            byte: 0xc3
        })
    );
    let long = "1".repeat(Limits::DEFAULT.max_token_len + 1);
    assert!(matches!(
        qry_md5(&long, "K"),
        Err(AuthError::TooLong {
            what: Field::Challenge,
            ..
        })
    ));
    assert_eq!(
        qry_for_version(5, "1", products::MSMSGS),
        Err(AuthError::UnsupportedVersion(5))
    );
    assert_eq!(
        qry_for_version(22, "1", products::MSMSGS),
        Err(AuthError::UnsupportedVersion(22))
    );
    assert_eq!(
        default_product(0).map(|p| p.pair.id),
        Err(AuthError::UnsupportedVersion(0))
    );
    let r = qry_md5("1", "K").expect("valid");
    assert_eq!(
        qry_command(1, "bad id", &r),
        Err(AuthError::InvalidByte {
            what: Field::ProductId,
            offset: 3,
            byte: b' '
        })
    );
}

#[test]
fn default_products_cover_every_version_and_accept_it() {
    for v in 6..=21u8 {
        let p = default_product(v).expect("version in range");
        assert!(
            p.accepts(v),
            "default product for MSNP{v} does not accept it"
        );
        assert_eq!(
            Some(p.algorithm),
            msnp_auth::ChallengeAlgorithm::for_version(v),
            "MSNP{v}"
        );
        assert!(
            msnp_auth::products_for_version(v).any(|q| q == p),
            "MSNP{v}"
        );
    }
}

#[test]
fn twn_challenge_errors() {
    assert_eq!(
        TwnChallenge::parse(""),
        Err(AuthError::Empty {
            what: Field::TwnChallenge
        })
    );
    assert_eq!(
        TwnChallenge::parse("lc=1033,,id=507"),
        Err(AuthError::Malformed {
            what: Field::TwnChallenge,
            offset: 8,
            reason: "empty item between commas"
        })
    );
    assert!(matches!(
        TwnChallenge::parse("=5"),
        Err(AuthError::Malformed { offset: 0, .. })
    ));
    assert!(matches!(
        TwnChallenge::parse("a=1 b=2"),
        Err(AuthError::InvalidByte { offset: 3, .. })
    ));
    assert!(matches!(
        TwnChallenge::parse("a=1\r\nX: y"),
        Err(AuthError::InvalidByte { byte: b'\r', .. })
    ));
    let many = vec!["k=v"; 65].join(",");
    assert_eq!(
        TwnChallenge::parse(&many),
        Err(AuthError::TooManyParams {
            what: Field::TwnChallenge,
            max: 64
        })
    );
    let c = TwnChallenge::parse("ru=%FF%FE,flag,id=507").expect("valid");
    assert_eq!(
        c.decoded("ru"),
        Err(AuthError::InvalidUtf8 {
            what: Field::TwnChallenge,
            key: "ru".into()
        })
    );
    assert_eq!(c.params()[1].raw_value, None);
    assert_eq!(c.site_id(), Some(507));
    assert_eq!(c.lcid(), None);
}

#[test]
fn passport_header_builder_errors() {
    let c = TwnChallenge::parse("id=507").expect("valid");
    assert_eq!(
        passport14_authorization("", "pw", &c, None),
        Err(AuthError::Empty {
            what: Field::Handle
        })
    );
    assert_eq!(
        passport14_authorization("a@b.c", "", &c, None),
        Err(AuthError::Empty {
            what: Field::Password
        })
    );
    assert!(matches!(
        passport14_authorization("a@b.c", "pw", &c, Some("http://x\r\n")),
        Err(AuthError::InvalidByte {
            what: Field::OrgUrl,
            ..
        })
    ));
    // A custom OrgURL is encoded; spaces and non-ASCII in the password too.
    let h =
        passport14_authorization("a@b.c", "p w\u{e9}", &c, Some("http://a.b/c")).expect("valid");
    assert_eq!(
        h,
        "Passport1.4 OrgVerb=GET,OrgURL=http%3A%2F%2Fa%2Eb%2Fc,sign-in=a%40b.c,pwd=p%20w%C3%A9,id=507"
    );
}

#[test]
fn passport_response_errors() {
    assert_eq!(
        parse_login_response(500, &[]),
        Err(AuthError::UnexpectedResponse { status: 500 })
    );
    assert_eq!(
        parse_login_response(
            200,
            &[(
                "Authentication-Info",
                "Passport1.4 da-status=success,tname=MSPAuth"
            )]
        ),
        Err(AuthError::Missing {
            what: Field::AuthenticationInfo,
            name: "from-PP"
        })
    );
    assert_eq!(
        parse_login_response(
            302,
            &[("Authentication-Info", "Passport1.4 da-status=redir")]
        ),
        Err(AuthError::Missing {
            what: Field::Location,
            name: "Location header"
        })
    );
    assert_eq!(
        parse_login_response(
            200,
            &[("Authentication-Info", "Passport1.4 da-status=weird")]
        ),
        Err(AuthError::UnexpectedDaStatus("weird".into()))
    );
    assert!(matches!(
        parse_login_response(200, &[("Authentication-Info", "Basic realm=x")]),
        Err(AuthError::Malformed {
            what: Field::AuthenticationInfo,
            reason: "missing the Passport1.4 scheme",
            ..
        })
    ));
    assert!(matches!(
        parse_login_response(
            200,
            &[(
                "authentication-info",
                "Passport1.4 da-status=success,from-PP='t=1"
            )]
        ),
        Err(AuthError::Malformed {
            reason: "unterminated quoted value",
            ..
        })
    ));
    assert!(matches!(
        PassportHeader::parse("Passport1.4 a='x'y", Field::AuthenticationInfo),
        Err(AuthError::Malformed {
            reason: "junk after a quoted value",
            offset: 17,
            ..
        })
    ));
    assert!(matches!(
        PassportHeader::parse("Passport1.4x a=1", Field::WwwAuthenticate),
        Err(AuthError::Malformed { .. })
    ));
    // Lenient: header names case-insensitive, bare 302 is a redirect, scheme-less Location.
    assert_eq!(
        parse_login_response(302, &[("location", "other.example/login2.srf")]),
        Ok(LoginOutcome::Redirect {
            location: "https://other.example/login2.srf".into()
        })
    );
    assert_eq!(
        PassportUrls::parse(" "),
        Err(AuthError::Empty {
            what: Field::PassportUrls
        })
    );
    assert_eq!(
        PassportUrls::parse("DARealm=Passport.Net").and_then(|u| u.login_url()),
        Err(AuthError::Missing {
            what: Field::PassportUrls,
            name: "DALogin"
        })
    );
    assert_eq!(
        PassportUrls::from_headers(&[("X", "y")]),
        Err(AuthError::Missing {
            what: Field::PassportUrls,
            name: "PassportURLs header"
        })
    );
    assert_eq!(
        PassportUrls::from_headers(&[("Passporturls", "DALogin=l.example/x")])
            .and_then(|u| u.login_url())
            .as_deref(),
        Ok("https://l.example/x")
    );
}

#[test]
fn sso_challenge_errors() {
    assert_eq!(
        SsoChallenge::parse_args(""),
        Err(AuthError::Empty {
            what: Field::Policy
        })
    );
    assert_eq!(
        SsoChallenge::parse_args("MBI_KEY_OLD"),
        Err(AuthError::Missing {
            what: Field::SsoChallenge,
            name: "nonce"
        })
    );
    assert_eq!(
        SsoChallenge::parse_args("MBI_KEY_OLD "),
        Err(AuthError::Empty { what: Field::Nonce })
    );
    assert!(matches!(
        SsoChallenge::parse_args("P N {G} X"),
        Err(AuthError::Malformed {
            reason: "more than three arguments",
            ..
        })
    ));
    assert!(matches!(
        SsoChallenge::parse_args("P N "),
        Err(AuthError::Malformed {
            reason: "empty argument",
            ..
        })
    ));
    let c = SsoChallenge::parse_args("MBI_KEY_OLD nonce== {F52973B6-C926-4BAD-9BA8-7C1E840E4AB0}")
        .expect("valid");
    assert_eq!(c.extra, Some("{F52973B6-C926-4BAD-9BA8-7C1E840E4AB0}"));
    assert!(matches!(
        SsoChallenge::parse_line("VER 1 MSNP15"),
        Err(AuthError::Malformed { offset: 0, .. })
    ));
    assert!(matches!(
        SsoChallenge::parse_line("USR x SSO S P N"),
        Err(AuthError::Malformed { offset: 4, .. })
    ));
    assert!(matches!(
        SsoChallenge::parse_line("USR 1 TWN S P N"),
        Err(AuthError::Malformed { .. })
    ));
    assert_eq!(
        SsoChallenge::parse_line("USR 1 SSO S"),
        Err(AuthError::Missing {
            what: Field::SsoChallenge,
            name: "policy"
        })
    );
    assert!(matches!(
        sso_usr_args("t=a&p=b", "blob", Some("F529")),
        Err(AuthError::Malformed {
            what: Field::MachineGuid,
            ..
        })
    ));
    assert!(matches!(
        sso_usr_args("t=a p=b", "blob", None),
        Err(AuthError::InvalidByte {
            what: Field::Ticket,
            ..
        })
    ));
    assert_eq!(
        sso_usr_args("t=a&p=", "blob", None).as_deref(),
        Ok("t=a&p= blob")
    );
}

#[test]
fn mbi_errors() {
    assert!(matches!(
        mbi_response("not base64!", "nonce", [0; 8]),
        Err(AuthError::InvalidBase64 {
            what: Field::BinarySecret,
            ..
        })
    ));
    assert_eq!(
        mbi_response("", "nonce", [0; 8]),
        Err(AuthError::Empty {
            what: Field::BinarySecret
        })
    );
    assert_eq!(
        MbiBlob::compute(b"", "n", [0; 8]),
        Err(AuthError::Empty {
            what: Field::BinarySecret
        })
    );
    assert_eq!(
        MbiBlob::compute(b"k", "", [0; 8]),
        Err(AuthError::Empty { what: Field::Nonce })
    );
    assert!(matches!(
        MbiBlob::compute(b"k", "a b", [0; 8]),
        Err(AuthError::InvalidByte {
            what: Field::Nonce,
            offset: 1,
            ..
        })
    ));
    assert!(matches!(
        MbiBlob::compute(&[1; 257], "n", [0; 8]),
        Err(AuthError::TooLong {
            what: Field::BinarySecret,
            ..
        })
    ));
    let huge = "A".repeat(1000);
    assert!(matches!(
        decode_binary_secret(&huge),
        Err(AuthError::TooLong { .. })
    ));

    let good =
        MbiBlob::compute(b"0123456789abcdef01234567", &"N".repeat(64), [9; 8]).expect("valid");
    let bytes = good.to_bytes();
    assert_eq!(
        MbiBlob::from_bytes(&bytes[..20]),
        Err(AuthError::InvalidLength {
            what: Field::MbiBlob,
            expected: 56,
            actual: 20
        })
    );
    assert_eq!(
        MbiBlob::from_bytes(&bytes[..127]),
        Err(AuthError::InvalidLength {
            what: Field::MbiBlob,
            expected: 128,
            actual: 127
        })
    );
    let mut bad = bytes.clone();
    bad[8] = 0x01; // uCipherType
    assert_eq!(
        MbiBlob::from_bytes(&bad),
        Err(AuthError::BadBlobHeader {
            field: "uCipherType",
            found: 0x6601,
            expected: 0x6603
        })
    );
    let mut huge_len = bytes;
    huge_len[24..28].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(matches!(
        MbiBlob::from_bytes(&huge_len),
        Err(AuthError::InvalidLength { .. })
    ));
    assert!(matches!(
        MbiBlob::from_base64("@@@@"),
        Err(AuthError::InvalidBase64 {
            what: Field::MbiBlob,
            ..
        })
    ));
    // Verification rejects a wrong secret and a tampered cipher.
    assert_eq!(good.verify(b"another secret", &"N".repeat(64)), Ok(false));
    let mut tampered = good;
    tampered.cipher[0] ^= 1;
    assert_eq!(
        tampered.verify(b"0123456789abcdef01234567", &"N".repeat(64)),
        Ok(false)
    );
}

#[test]
fn mbi_nonce_not_multiple_of_eight_uses_pkcs5() {
    // 5-byte nonce: padded with three 0x03 bytes, cipher is one block.
    let b = MbiBlob::compute(b"key", "abcde", [0; 8]).expect("valid");
    assert_eq!(b.cipher.len(), 8);
    assert_eq!(b.header()[6], 8);
    // A 64-byte nonce gets a full block of 0x08 padding: 72 bytes.
    let b = MbiBlob::compute(b"key", &"x".repeat(64), [0; 8]).expect("valid");
    assert_eq!(b.cipher.len(), 72);
}

#[test]
fn derive_key_differs_per_label_and_key() {
    let a = derive_key(b"k1", b"L1");
    assert_ne!(a, derive_key(b"k1", b"L2"));
    assert_ne!(a, derive_key(b"k2", b"L1"));
    assert_eq!(a, derive_key(b"k1", b"L1"));
}
