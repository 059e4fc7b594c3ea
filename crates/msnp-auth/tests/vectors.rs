//! Every auth vector of the protocol reference, loaded from `tests/vectors/*.json`.

use std::path::PathBuf;

use msnp_auth::mbi::{LABEL_ENCRYPTION, LABEL_HASH, derive_key};
use msnp_auth::{
    LoginOutcome, MbiBlob, Msnp11Padding, PassportUrls, ProductKey, TwnChallenge,
    decode_binary_secret, hex, mbi_response, md5_login_hash, parse_login_response,
    passport14_authorization, qry_md5, qry_msnp11, qry_msnp11_with,
};
use serde_json::Value;

fn load(name: &str) -> Vec<Value> {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "vectors", name]
        .iter()
        .collect();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let arr = v
        .as_array()
        .unwrap_or_else(|| panic!("{name}: not an array"))
        .clone();
    assert!(!arr.is_empty(), "{name}: no vectors");
    arr
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("field {key} missing in {v}"))
}

fn id(v: &Value) -> String {
    v["id"]
        .as_str()
        .map_or_else(|| format!("{v}"), str::to_owned)
}

#[test]
fn md5_login_vectors() {
    let vs = load("md5_login.json");
    assert_eq!(vs.len(), 6);
    for v in &vs {
        let got = md5_login_hash(s(v, "salt"), s(v, "password"))
            .unwrap_or_else(|e| panic!("vector {}: {e}", id(v)));
        assert_eq!(got, s(v, "expected"), "vector {}", id(v));
    }
}

#[test]
fn qry_msnp8_vectors() {
    let vs = load("qry_msnp8.json");
    assert_eq!(vs.len(), 14);
    for v in &vs {
        let got = qry_md5(s(v, "challenge"), s(v, "product_key"))
            .unwrap_or_else(|e| panic!("vector {}: {e}", id(v)));
        assert_eq!(got.to_string(), s(v, "expected"), "vector {}", id(v));
        // The named table knows this pair too.
        let known = msnp_auth::product_by_id(s(v, "product_id"))
            .unwrap_or_else(|| panic!("vector {}: product id not in table", id(v)));
        assert_eq!(known.pair.key, s(v, "product_key"), "vector {}", id(v));
        assert_eq!(
            known.algorithm,
            msnp_auth::ChallengeAlgorithm::Md5,
            "vector {}",
            id(v)
        );
    }
}

#[test]
fn qry_msnp11_vectors() {
    let vs = load("qry_msnp11.json");
    assert_eq!(vs.len(), 31);
    for v in &vs {
        let pair = ProductKey {
            id: s(v, "product_id"),
            key: s(v, "product_key"),
        };
        let got =
            qry_msnp11(s(v, "challenge"), pair).unwrap_or_else(|e| panic!("vector {}: {e}", id(v)));
        assert_eq!(got.to_string(), s(v, "expected"), "vector {}", id(v));
        if let Some(always) = v["expected_if_always_padded"].as_str() {
            let got = qry_msnp11_with(
                s(v, "challenge"),
                pair,
                Msnp11Padding::Always,
                &msnp_auth::Limits::DEFAULT,
            )
            .unwrap_or_else(|e| panic!("vector {} (always padded): {e}", id(v)));
            assert_eq!(got.to_string(), always, "vector {} (always padded)", id(v));
        }
        let known = msnp_auth::product_by_id(pair.id)
            .unwrap_or_else(|| panic!("vector {}: product id not in table", id(v)));
        assert_eq!(known.pair, pair, "vector {}", id(v));
        assert_eq!(
            known.algorithm,
            msnp_auth::ChallengeAlgorithm::Msnp11,
            "vector {}",
            id(v)
        );
    }
}

#[test]
fn sso_derive_key_vectors() {
    let vs = load("sso_derive_key.json");
    assert_eq!(vs.len(), 4);
    for (i, v) in vs.iter().enumerate() {
        let key =
            decode_binary_secret(s(v, "key_b64")).unwrap_or_else(|e| panic!("vector #{i}: {e}"));
        let got = derive_key(&key, s(v, "label").as_bytes());
        assert_eq!(
            hex::encode(&got),
            s(v, "expected_hex"),
            "derive vector #{i} ({})",
            s(v, "label")
        );
    }
}

#[test]
fn mbi_sso_vectors() {
    let vs = load("mbi_sso.json");
    assert_eq!(vs.len(), 5);
    for v in &vs {
        let name = id(v);
        let iv: [u8; 8] =
            hex::decode_array(s(v, "iv")).unwrap_or_else(|e| panic!("vector {name}: {e}"));
        let got = mbi_response(s(v, "binary_secret"), s(v, "nonce"), iv)
            .unwrap_or_else(|e| panic!("vector {name}: {e}"));
        assert_eq!(got, s(v, "expected"), "vector {name}");

        // Intermediates.
        let im = &v["intermediate"];
        let key1 =
            decode_binary_secret(s(v, "binary_secret")).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(hex::encode(&key1), s(im, "key1_hex"), "vector {name} key1");
        assert_eq!(
            hex::encode(&derive_key(&key1, LABEL_HASH)),
            s(im, "key2_hex"),
            "vector {name} key2"
        );
        assert_eq!(
            hex::encode(&derive_key(&key1, LABEL_ENCRYPTION)),
            s(im, "key3_hex"),
            "vector {name} key3"
        );
        let blob =
            MbiBlob::compute(&key1, s(v, "nonce"), iv).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            hex::encode(&blob.hash),
            s(im, "hmac_sha1_hex"),
            "vector {name} hmac"
        );
        assert_eq!(
            hex::encode(&blob.cipher),
            s(im, "ciphertext_hex"),
            "vector {name} cipher"
        );
        let bytes = blob.to_bytes();
        assert_eq!(
            Some(bytes.len() as u64),
            im["blob_len"].as_u64(),
            "vector {name} length"
        );
        assert_eq!(
            hex::encode(&bytes[..28]),
            s(im, "header_hex"),
            "vector {name} header"
        );

        // Parse back and verify as a server would.
        let parsed = MbiBlob::from_base64(&got).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(parsed, blob, "vector {name} round trip");
        assert_eq!(
            parsed.verify(&key1, s(v, "nonce")),
            Ok(true),
            "vector {name} verify"
        );
    }
}

#[test]
fn passport14_vectors() {
    let vs = load("passport14.json");
    assert_eq!(vs.len(), 5);
    for v in &vs {
        let name = id(v);
        match s(v, "kind") {
            "nexus_login_url" => {
                let urls =
                    PassportUrls::parse(s(v, "input")).unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(
                    urls.login_url().as_deref(),
                    Ok(s(v, "expected")),
                    "vector {name}"
                );
            }
            "login_response" => {
                let status =
                    u16::try_from(v["status"].as_u64().unwrap_or_default()).unwrap_or_default();
                let headers: Vec<(&str, &str)> = v["headers"]
                    .as_object()
                    .unwrap_or_else(|| panic!("{name}: headers"))
                    .iter()
                    .map(|(k, val)| (k.as_str(), val.as_str().unwrap_or_default()))
                    .collect();
                let out = parse_login_response(status, &headers)
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                let exp = v["expected"]
                    .as_array()
                    .unwrap_or_else(|| panic!("{name}: expected"));
                let kind = exp[0].as_str().unwrap_or_default();
                let arg = exp[1].as_str().unwrap_or_default();
                match (kind, &out) {
                    ("success", LoginOutcome::Success { ticket }) => {
                        assert_eq!(ticket, arg, "vector {name}")
                    }
                    ("redirect", LoginOutcome::Redirect { location }) => {
                        assert_eq!(location, arg, "vector {name}");
                    }
                    ("failure", LoginOutcome::Failed(f)) => {
                        assert_eq!(f.message.as_deref(), Some(arg), "vector {name}");
                        assert_eq!(f.da_status, "failed", "vector {name}");
                    }
                    _ => panic!("vector {name}: expected {kind}, got {out:?}"),
                }
            }
            "authorization_header" => {
                let ch = TwnChallenge::parse(s(v, "server_args"))
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                let got = passport14_authorization(s(v, "user"), s(v, "password"), &ch, None)
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(got, s(v, "expected"), "vector {name}");
            }
            other => panic!("vector {name}: unknown kind {other}"),
        }
    }
}

#[test]
fn constants_md_examples() {
    // constants.md §14: MD5 answer example.
    let r = qry_md5("11111111111111111111", "Q1P7W2E4J9R8U3S5").expect("valid inputs");
    assert_eq!(r.to_string(), "3b6666b60157322b6fc6e41a115968f5");
}
