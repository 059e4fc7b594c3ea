//! Every field of `msnp_auth::Limits` at its value (accepted) and one past it (a typed error
//! naming the input and the limit), through the `*_with` entry points.

use msnp_auth::{
    AuthError, Field, Limits, MbiBlob, TwnChallenge, md5_login_hash_with, qry_md5_with,
};

fn too_long(what: Field, len: usize, max: usize) -> AuthError {
    AuthError::TooLong { what, len, max }
}

#[test]
fn defaults() {
    assert_eq!(
        Limits::default(),
        Limits {
            max_token_len: 1024,
            max_password_len: 1024,
            max_header_len: 16 * 1024,
            max_params: 64,
            max_secret_len: 256,
            max_blob_len: 4096,
        }
    );
}

#[test]
fn max_token_len_at_and_one_past() {
    let limits = Limits::DEFAULT;
    let n = limits.max_token_len;
    assert!(qry_md5_with(&"7".repeat(n), "Q1P7W2E4J9R8U3S5", &limits).is_ok());
    assert_eq!(
        qry_md5_with(&"7".repeat(n + 1), "Q1P7W2E4J9R8U3S5", &limits).unwrap_err(),
        too_long(Field::Challenge, n + 1, n)
    );
    let small = Limits {
        max_token_len: 4,
        ..Limits::DEFAULT
    };
    assert!(md5_login_hash_with("abcd", "pw", &small).is_ok());
    assert_eq!(
        md5_login_hash_with("abcde", "pw", &small).unwrap_err(),
        too_long(Field::Salt, 5, 4)
    );
}

#[test]
fn max_password_len_at_and_one_past() {
    let limits = Limits::DEFAULT;
    let n = limits.max_password_len;
    assert!(md5_login_hash_with("salt", &"p".repeat(n), &limits).is_ok());
    assert_eq!(
        md5_login_hash_with("salt", &"p".repeat(n + 1), &limits).unwrap_err(),
        too_long(Field::Password, n + 1, n)
    );
}

#[test]
fn max_header_len_at_and_one_past() {
    let limits = Limits::DEFAULT;
    let n = limits.max_header_len;
    let twn = |len: usize| format!("ct={}", "1".repeat(len - 3));
    assert!(TwnChallenge::parse_with(&twn(n), &limits).is_ok());
    assert_eq!(
        TwnChallenge::parse_with(&twn(n + 1), &limits).unwrap_err(),
        too_long(Field::TwnChallenge, n + 1, n)
    );
}

#[test]
fn max_params_at_and_one_past() {
    let limits = Limits::DEFAULT;
    let n = limits.max_params;
    let twn = |k: usize| {
        (0..k)
            .map(|i| format!("k{i}=v"))
            .collect::<Vec<_>>()
            .join(",")
    };
    assert_eq!(
        TwnChallenge::parse_with(&twn(n), &limits)
            .unwrap()
            .params()
            .len(),
        n
    );
    assert_eq!(
        TwnChallenge::parse_with(&twn(n + 1), &limits).unwrap_err(),
        AuthError::TooManyParams {
            what: Field::TwnChallenge,
            max: n
        }
    );
}

#[test]
fn max_secret_len_at_and_one_past() {
    let limits = Limits::DEFAULT;
    let n = limits.max_secret_len;
    assert!(MbiBlob::compute_with(&vec![1; n], "nonce", [0; 8], &limits).is_ok());
    assert_eq!(
        MbiBlob::compute_with(&vec![1; n + 1], "nonce", [0; 8], &limits).unwrap_err(),
        too_long(Field::BinarySecret, n + 1, n)
    );
}

#[test]
fn max_blob_len_at_and_one_past() {
    // A real blob is 28 header bytes + IV + hash + cipher; make the limit exactly its size.
    let blob = MbiBlob::compute(b"secret", "nonce123", [3; 8])
        .unwrap()
        .to_bytes();
    let at = Limits {
        max_blob_len: blob.len(),
        ..Limits::DEFAULT
    };
    assert_eq!(
        MbiBlob::from_bytes_with(&blob, &at).unwrap().to_bytes(),
        blob
    );
    let mut longer = blob.clone();
    longer.push(0);
    assert_eq!(
        MbiBlob::from_bytes_with(&longer, &at).unwrap_err(),
        too_long(Field::MbiBlob, blob.len() + 1, blob.len())
    );
    assert_eq!(Limits::DEFAULT.max_blob_len, 4096);
}
