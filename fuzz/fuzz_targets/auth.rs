//! `auth`: every msnp-auth parser over arbitrary strings.
//!
//! Input: UTF-8 (other inputs ignored), split at NUL into fields: field 0 goes to every parser
//! (`TwnChallenge::parse`, `SsoChallenge::parse_args`/`parse_line`, `PassportHeader::parse`,
//! `PassportUrls::parse`, `hex::decode`, `MbiBlob::from_base64`, `decode_binary_secret`,
//! `ctp_login_response`, the QRY functions with field 0 as the challenge); fields 1…
//! are HTTP header name/value pairs for `parse_login_response` and the Passport 1.4 flow.
//!
//! Checks: no panic; `hex::decode(hex::encode(x)) == x`; a parsed MBI blob re-encodes to the
//! same base64 when the input was canonical and always parses back equal; QRY answers are 32
//! lower-case hex digits and deterministic; `MbiBlob::compute` with the fuzzed nonce verifies.
#![no_main]

use libfuzzer_sys::fuzz_target;
use msnp_auth::{
    Field, MbiBlob, PassportHeader, PassportUrls, ProductKey, SsoChallenge, TwnChallenge,
    decode_binary_secret, hex, md5_login_hash, parse_login_response, qry_md5, qry_msnp11,
};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut fields = text.split('\0');
    let s = fields.next().unwrap_or_default();
    let rest: Vec<&str> = fields.collect();
    let headers: Vec<(&str, &str)> = rest
        .chunks(2)
        .map(|p| (p[0], p.get(1).copied().unwrap_or_default()))
        .collect();
    let status = data
        .first()
        .map_or(200, |&b| [200u16, 302, 401, 500][usize::from(b) % 4]);

    if let Ok(t) = TwnChallenge::parse(s) {
        for p in t.params() {
            let _ = p.value();
        }
        let _ = (
            t.site_id(),
            t.lcid(),
            t.server_time(),
            t.rst_policy(),
            t.decoded("lc"),
        );
        let _ = msnp_auth::passport14_authorization("a@b.c", "pw", &t, None);
        if let Ok(mut flow) = msnp_auth::Passport14Login::new(
            "a@b.c",
            "pw",
            &t,
            msnp_auth::Passport14Config::default(),
        ) {
            for _ in 0..4 {
                if flow.next_request().is_none() {
                    break;
                }
                let _ = flow.handle_response(status, &headers);
            }
        }
    }
    let _ = SsoChallenge::parse_args(s);
    let _ = msnp_auth::sso_usr_args(s, "blob", rest.first().copied());
    let _ = SsoChallenge::parse_line(s);
    for what in [Field::Challenge, Field::Handle] {
        if let Ok(h) = PassportHeader::parse(s, what) {
            let _ = (h.params(), h.da_status(), h.has("ru"));
        }
    }
    if let Ok(u) = PassportUrls::parse(s) {
        let _ = (u.items(), u.login_url());
    }
    let _ = parse_login_response(status, &headers);
    let _ = PassportUrls::from_headers(&headers);

    if let Ok(bytes) = hex::decode(s) {
        assert!(
            hex::encode(&bytes).eq_ignore_ascii_case(s),
            "hex re-encodes differently"
        );
    }
    let bytes = s.as_bytes();
    assert_eq!(
        hex::decode(&hex::encode(bytes)).ok().as_deref(),
        Some(bytes)
    );

    if let Ok(blob) = MbiBlob::from_base64(s) {
        let b64 = blob.to_base64();
        let again = MbiBlob::from_base64(&b64)
            .unwrap_or_else(|e| panic!("MBI blob re-encoded as {b64:?} does not parse: {e:?}"));
        assert_eq!(again, blob);
        let _ = blob.verify(b"0123456789abcdef01234567", "nonce");
        let _ = blob.header();
    }
    let _ = MbiBlob::from_bytes(bytes);
    let _ = decode_binary_secret(s);
    let _ = msnp_auth::ctp_login_response(s);
    let _ = md5_login_hash(s, "password");
    if let Ok(blob) = MbiBlob::compute(b"0123456789abcdef01234567", s, [7; 8]) {
        assert_eq!(blob.verify(b"0123456789abcdef01234567", s).ok(), Some(true));
        assert_eq!(MbiBlob::from_base64(&blob.to_base64()).ok(), Some(blob));
    }

    let pair = ProductKey {
        id: "PROD0090YUAUV{2B",
        key: "YMM8C_H7KCQ2S_KL",
    };
    let key = rest.first().copied().unwrap_or("Q1P7W2E4J9R8U3S5");
    for r in [
        qry_md5(s, key),
        qry_msnp11(s, pair),
        qry_msnp11(s, ProductKey { id: key, key }),
    ]
    .into_iter()
    .flatten()
    {
        let h = r.to_hex();
        assert_eq!(h.len(), 32);
        assert!(
            h.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        );
    }
    assert_eq!(
        qry_msnp11(s, pair).ok().map(|r| r.to_hex()),
        qry_msnp11(s, pair).ok().map(|r| r.to_hex())
    );
});
