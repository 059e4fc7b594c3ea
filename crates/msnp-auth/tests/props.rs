//! Property tests: round trips, output shapes, and no panics on arbitrary input.

use msnp_auth::{
    Limits, MbiBlob, Msnp11Padding, PassportHeader, PassportUrls, ProductKey, QryResponse,
    SsoChallenge, TwnChallenge, hex, mbi_response, md5_login_hash, parse_login_response, qry_md5,
    qry_msnp11_with,
};
use proptest::prelude::*;

fn token() -> impl Strategy<Value = String> {
    "[!-~]{1,80}"
}

fn is_lower_hex32(s: &str) -> bool {
    s.len() == 32
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

proptest! {
    #[test]
    fn hex_round_trip(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let enc = hex::encode(&bytes);
        prop_assert_eq!(enc.len(), bytes.len() * 2);
        prop_assert_eq!(hex::decode(&enc), Ok(bytes.clone()));
        prop_assert_eq!(hex::decode(&enc.to_uppercase()), Ok(bytes));
    }

    #[test]
    fn hex_decode_never_panics(s in ".{0,100}") {
        let _ = hex::decode(&s);
    }

    #[test]
    fn qry_answers_are_32_lower_hex(challenge in token(), id in token(), key in token(), always in any::<bool>()) {
        let pad = if always { Msnp11Padding::Always } else { Msnp11Padding::WhenNeeded };
        let a = qry_msnp11_with(&challenge, ProductKey { id: &id, key: &key }, pad, &Limits::DEFAULT).expect("tokens are valid");
        prop_assert!(is_lower_hex32(&a.to_string()));
        prop_assert_eq!(a.to_string().parse::<QryResponse>(), Ok(a));
        let b = qry_md5(&challenge, &key).expect("tokens are valid");
        prop_assert!(is_lower_hex32(&b.to_string()));
        prop_assert!(is_lower_hex32(&md5_login_hash(&challenge, &key).expect("valid")));
    }

    #[test]
    fn qry_padding_modes_agree_unless_aligned(challenge in "[0-9]{1,40}") {
        let pair = msnp_auth::products::PROD0090;
        let a = qry_msnp11_with(&challenge, pair, Msnp11Padding::WhenNeeded, &Limits::DEFAULT).expect("valid");
        let b = qry_msnp11_with(&challenge, pair, Msnp11Padding::Always, &Limits::DEFAULT).expect("valid");
        if !(challenge.len() + pair.id.len()).is_multiple_of(8) {
            prop_assert_eq!(a, b);
        }
    }

    #[test]
    fn qry_never_panics(challenge in ".{0,64}", id in ".{0,20}", key in ".{0,20}") {
        let _ = qry_msnp11_with(&challenge, ProductKey { id: &id, key: &key }, Msnp11Padding::Always, &Limits::DEFAULT);
        let _ = qry_md5(&challenge, &key);
        let _ = md5_login_hash(&challenge, &key);
    }

    #[test]
    fn mbi_blob_structure(secret in proptest::collection::vec(any::<u8>(), 1..64), nonce in "[A-Za-z0-9+/]{64}", iv in any::<[u8; 8]>()) {
        let blob = MbiBlob::compute(&secret, &nonce, iv).expect("valid");
        let bytes = blob.to_bytes();
        prop_assert_eq!(bytes.len(), 28 + 8 + 20 + 72);
        prop_assert_eq!(hex::encode(&bytes[..28]), "1c000000010000000366000004800000080000001400000048000000");
        prop_assert_eq!(&bytes[28..36], &iv[..]);
        let b64 = blob.to_base64();
        prop_assert!(b64.starts_with("HAAAAAEAAAADZgAABIAAAAgAAAAUAAAASAAAA"));
        let parsed = MbiBlob::from_base64(&b64).expect("own output parses");
        prop_assert_eq!(&parsed, &blob);
        prop_assert_eq!(parsed.verify(&secret, &nonce), Ok(true));
    }

    #[test]
    fn mbi_any_nonce_length(nonce in "[!-~]{1,200}") {
        let blob = MbiBlob::compute(b"secret", &nonce, [0; 8]).expect("valid");
        prop_assert_eq!(blob.cipher.len(), (nonce.len() / 8 + 1) * 8);
        prop_assert_eq!(MbiBlob::from_bytes(&blob.to_bytes()), Ok(blob));
    }

    #[test]
    fn mbi_parsers_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300), s in ".{0,300}") {
        let _ = MbiBlob::from_bytes(&bytes);
        let _ = MbiBlob::from_base64(&s);
        let _ = mbi_response(&s, &s, [0; 8]);
    }

    #[test]
    fn text_parsers_never_panic(s in ".{0,300}", status in any::<u16>()) {
        if let Ok(c) = TwnChallenge::parse(&s) {
            for p in c.params() { let _ = p.value(); }
            let _ = c.rst_policy();
        }
        if let Ok(h) = PassportHeader::parse(&s, msnp_auth::Field::AuthenticationInfo) {
            let _ = h.da_status();
        }
        if let Ok(u) = PassportUrls::parse(&s) { let _ = u.login_url(); }
        let _ = SsoChallenge::parse_args(&s);
        let _ = SsoChallenge::parse_line(&s);
        let _ = parse_login_response(status, &[("Authentication-Info", &s), ("Location", &s)]);
        let _ = parse_login_response(status, &[("WWW-Authenticate", &s)]);
    }

    #[test]
    fn passport_header_shaped_inputs_never_panic(s in "Passport1\\.4 [a-zA-Z=',\\- %]{0,80}") {
        let _ = PassportHeader::parse(&s, msnp_auth::Field::WwwAuthenticate);
        let _ = parse_login_response(200, &[("Authentication-Info", &s)]);
    }

    #[test]
    fn twn_challenge_round_trips(items in proptest::collection::vec(("[a-z]{1,6}", proptest::option::of("[A-Za-z0-9%.]{0,12}")), 1..20)) {
        let raw = items.iter().map(|(k, v)| match v { Some(v) => format!("{k}={v}"), None => k.clone() }).collect::<Vec<_>>().join(",");
        let c = TwnChallenge::parse(&raw).expect("well-formed");
        prop_assert_eq!(c.as_str(), raw.as_str());
        prop_assert_eq!(c.params().len(), items.len());
        for (p, (k, v)) in c.params().iter().zip(&items) {
            prop_assert_eq!(p.key, k.as_str());
            prop_assert_eq!(p.raw_value, v.as_deref());
        }
    }

    #[test]
    fn success_ticket_extracted_verbatim(ticket in "[!-&(-~]{1,200}") {
        // Any ticket without a single quote comes back unchanged, commas included.
        let header = format!("Passport1.4 da-status=success,tname=MSPAuth,from-PP='{ticket}',ru=http://messenger.msn.com");
        let out = parse_login_response(200, &[("Authentication-Info", &header)]).expect("well-formed");
        prop_assert_eq!(out, msnp_auth::LoginOutcome::Success { ticket });
    }
}
