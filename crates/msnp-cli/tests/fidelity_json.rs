//! Regression tests for issue 11 (fidelity) as `msnp decode` and `msnp soap parse` show them:
//! items 3 (handle parts), 5 (`PAG` fragments), 6 (unknown `MSG` ack types), 8 (malformed MIME
//! numbers) and 9 (hex Passport codes). Each test holds the exact input that once fell short.

use serde_json::{Value, json};

mod util;

use util::{records, run_msnp};

fn decode(args: &[&str], transcript: &str) -> Vec<Value> {
    let mut all = vec!["decode", "--input", "transcript"];
    all.extend_from_slice(args);
    let (code, out, err) = run_msnp(&all, transcript.as_bytes());
    let recs = records(&out);
    assert!(code == 0 || code == 1, "exit {code}: {err}");
    recs
}

fn clean(r: &Value) {
    for key in ["error", "payload_error"] {
        assert!(r.get(key).is_none(), "{key} in {r}");
    }
}

#[test]
fn bye_keeps_the_endpoint_and_ubx_its_network() {
    let recs = decode(
        &["--dialect", "MSNP18", "--channel", "sb"],
        "S: BYE bob@example.com;{81cc4bbf-0000-0000-0000-000000000000}\n",
    );
    clean(&recs[0]);
    assert_eq!(
        recs[0]["fields"],
        json!({"handle": "bob@example.com", "network_id": null,
               "endpoint": "{81cc4bbf-0000-0000-0000-000000000000}", "via": null, "flag": null})
    );
    let recs = decode(
        &["--dialect", "MSNP18", "--channel", "ns"],
        "S: UBX 1:alice@example.com 7\n<Data/>\nS: NLN NLN 1:alice@example.com Alice 2788999212:48 0\n",
    );
    assert_eq!(recs.len(), 2);
    for r in &recs {
        clean(r);
        let f = &r["fields"];
        assert_eq!(
            (&f["handle"], &f["network_id"], &f["endpoint"], &f["via"]),
            (
                &json!("alice@example.com"),
                &json!(1),
                &json!(null),
                &json!(null)
            ),
            "{r}"
        );
    }
}

#[test]
fn pag_fragment_is_a_typed_page() {
    let body =
        r#"<PHONE pri="1"/><TEXT xml:space="preserve" enc="utf-8">Call me when you land</TEXT>"#;
    let t = format!("C: PAG 13 bob@example.com {}\n{body}\n", body.len());
    let recs = decode(&["--dialect", "MSNP5", "--channel", "ns"], &t);
    clean(&recs[0]);
    let page = &recs[0]["fields"]["payload"];
    assert_eq!(page["kind"], "page", "{}", recs[0]);
    assert_eq!(page["value"]["phone_priority"], 1);
    assert_eq!(page["value"]["text"], "Call me when you land");
    assert_eq!(page["value"]["encoding"], "utf-8");
}

#[test]
fn unknown_msg_ack_type_is_a_typed_error() {
    let body = "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nX-MMS-IM-Format: FN=Arial\r\n\r\nHello, world! This is 85";
    let body = &body[..85];
    let t = format!("C: MSG 3 2 85\n{}\n", body.replace("\r\n", "\n"));
    let recs = decode(&["--dialect", "MSNP8", "--channel", "sb"], &t);
    assert_eq!(recs[0]["cmd"], "MSG", "{}", recs[0]);
    assert_eq!(recs[0]["error"]["kind"], "bad_arg", "{}", recs[0]);
    assert!(
        recs[0]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("argument 0"),
        "{}",
        recs[0]
    );
}

#[test]
fn malformed_client_port_is_marked() {
    let body = "MIME-Version: 1.0\r\nContent-Type: text/x-msmsgsprofile; charset=UTF-8\r\nLoginTime: 1168858812\r\nClientIP: 127.0.0.1\r\nClientPort: 516.\r\n\r\n";
    let t = format!(
        "S: MSG Hotmail Hotmail {}\n{}",
        body.len(),
        body.replace("\r\n", "\n")
    );
    let recs = decode(&["--dialect", "MSNP8", "--channel", "ns"], &t);
    clean(&recs[0]);
    let p = &recs[0]["fields"]["payload"]["value"]["body"];
    assert_eq!(p["kind"], "profile", "{}", recs[0]);
    assert_eq!(p["client_port"], 516, "{}", recs[0]);
    assert_eq!(
        p["malformed"],
        json!([{"name": "ClientPort", "text": "516."}]),
        "{}",
        recs[0]
    );
}

#[test]
fn passport_codes_print_as_hex() {
    let fault = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../msnp-soap/tests/fixtures/rst_fault_bad_password.xml"
    ))
    .unwrap();
    let (code, out, _) = run_msnp(&["soap", "parse", "--compact"], &fault);
    assert_eq!(code, 1);
    let text = String::from_utf8(out).unwrap();
    assert!(!text.contains("2147780641"), "{text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["value"]["passport_status"], "0x80048821");
    assert_eq!(v["value"]["passport_auth_state"], "0x80048800");
}
