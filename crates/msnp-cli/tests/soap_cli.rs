//! Integration tests for `msnp soap build` / `msnp soap parse`.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn msnp(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_msnp"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn msnp");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin)
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

fn fixture(name: &str) -> Vec<u8> {
    let p = concat!(env!("CARGO_MANIFEST_DIR"), "/../msnp-soap/tests/fixtures/");
    std::fs::read(format!("{p}{name}")).expect("fixture")
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn build_then_parse_rst() {
    let out = msnp(
        &[
            "soap",
            "build",
            "rst",
            "--user",
            "a@b.c",
            "--password",
            "p&w",
        ],
        b"",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let xml = out.stdout;
    assert!(String::from_utf8_lossy(&xml).contains("<wsse:Password>p&amp;w</wsse:Password>"));
    let parsed = msnp(&["soap", "parse", "--compact"], &xml);
    assert!(parsed.status.success());
    let v = json(&parsed);
    assert_eq!(v["kind"], "rst-request");
    assert_eq!(v["value"]["password"], "p&w");
    assert_eq!(
        v["value"]["tokens"][0]["address"],
        "messengerclear.live.com"
    );
    assert_eq!(v["value"]["tokens"][0]["policy"], "MBI_KEY_OLD");
}

#[test]
fn build_rst2_needs_now_and_uses_it() {
    let out = msnp(
        &[
            "soap",
            "build",
            "rst2",
            "--user",
            "a@b.c",
            "--password",
            "x",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--now"));
    let out = msnp(
        &[
            "soap",
            "build",
            "rst2",
            "--user",
            "a@b.c",
            "--password",
            "x",
            "--now",
            "2009-06-01T12:00:00Z",
            "--message-id",
            "m1",
        ],
        b"",
    );
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("<wsu:Expires>2009-06-01T12:05:00Z</wsu:Expires>"));
}

#[test]
fn build_ab_with_http_prefix() {
    let out = msnp(
        &[
            "soap",
            "build",
            "addmember",
            "--http",
            "--ticket",
            "t=1&p=2",
            "--role",
            "Block",
            "--contact",
            "m@x.y",
        ],
        b"",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("POST /abservice/SharingService.asmx\nSOAPAction: \"http://www.msn.com/webservices/AddressBook/AddMember\"\n\n<?xml"));
    let xml = text.split_once("\n\n").unwrap().1;
    let v = json(&msnp(&["soap", "parse", "ab-request"], xml.as_bytes()));
    assert_eq!(v["value"]["header"]["partner_scenario"], "BlockUnblock");
    assert_eq!(
        v["value"]["body"]["AddMember"]["memberships"][0]["role"],
        "Block"
    );
    assert_eq!(
        v["value"]["body"]["AddMember"]["memberships"][0]["members"][0]["account"],
        "m@x.y"
    );
}

#[test]
fn build_every_kind() {
    let cases: &[&[&str]] = &[
        &["abfindall", "--deltas-since", "2009-01-01T00:00:00"],
        &["abfindcontactspaged"],
        &["abcontactadd", "--contact", "b@x.y", "--invite", "hi"],
        &["abcontactadd", "--contact", "c@yahoo.com", "--yahoo"],
        &["abcontactdelete", "--contact-id", "c1"],
        &["abcontactupdate", "--name", "Me"],
        &[
            "abcontactupdate",
            "--contact-id",
            "c1",
            "--nickname",
            "Bobby",
        ],
        &["abgroupadd", "--name", "Friends"],
        &["abgroupdelete", "--group-id", "g1"],
        &[
            "abgroupcontactadd",
            "--group-id",
            "g1",
            "--contact-id",
            "c1",
        ],
        &[
            "abgroupcontactdelete",
            "--group-id",
            "g1",
            "--contact-id",
            "c1",
        ],
        &["abadd", "--user", "me@x.y"],
        &["findmembership"],
        &["deletemember", "--role", "Pending", "--membership-id", "5"],
        &["rsi-getmetadata", "--ticket", "t=1&p=2"],
        &["rsi-getmessage", "--ticket", "t=1&p=2", "--oim-id", "abc"],
        &[
            "rsi-deletemessages",
            "--ticket",
            "t=1&p=2",
            "--oim-id",
            "a",
            "--oim-id",
            "b",
        ],
        &[
            "oim-store",
            "--user",
            "a@x.y",
            "--to",
            "b@x.y",
            "--ticket",
            "t=1&p=2",
            "--run-id",
            "{00000000-0000-0000-0000-000000000001}",
            "--text",
            "hello",
        ],
        &["getclientconfig"],
    ];
    for args in cases {
        let mut full = vec!["soap", "build"];
        full.extend_from_slice(args);
        let out = msnp(&full, b"");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.stdout.starts_with(b"<?xml"), "{args:?}");
    }
    // AB requests parse back through auto-detection
    let out = msnp(&["soap", "build", "abgroupadd", "--name", "A & B"], b"");
    let v = json(&msnp(&["soap", "parse"], &out.stdout));
    assert_eq!(v["value"]["body"]["GroupAdd"]["group"]["name"], "A & B");
}

#[test]
fn build_rejects_bad_options() {
    for args in [
        &["soap", "build", "abcontactadd"][..],
        &[
            "soap",
            "build",
            "addmember",
            "--role",
            "Nope",
            "--contact",
            "a",
        ],
        &["soap", "build", "abfindall", "--deltas-since", "yesterday"],
        &[
            "soap",
            "build",
            "rst",
            "--user",
            "a",
            "--password",
            "b",
            "--service",
            "noequals",
        ],
    ] {
        let out = msnp(args, b"");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn parse_detects_kinds() {
    let cases = [
        ("rst_response.xml", "rst"),
        ("abfindall_response.xml", "ab"),
        ("findmembership_response.xml", "ab"),
        ("rsi_getmetadata_response.xml", "rsi"),
        ("oim_store_response.xml", "oim-store"),
        ("getclientconfig_response.xml", "config"),
    ];
    for (file, kind) in cases {
        let out = msnp(&["soap", "parse"], &fixture(file));
        assert!(
            out.status.success(),
            "{file}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(json(&out)["kind"], kind, "{file}");
    }
    let v = json(&msnp(
        &["soap", "parse", "abfindall"],
        &fixture("abfindall_response.xml"),
    ));
    assert_eq!(
        v["value"]["body"]["FindAll"]["contacts"][1]["info"]["passport_name"],
        "bob@example.com"
    );
    let v = json(&msnp(
        &["soap", "parse", "rst"],
        &fixture("rst_response.xml"),
    ));
    assert_eq!(v["value"]["tokens"][1]["token"], "t=EwCoARAnAAAUclear&p=");
    assert_eq!(v["value"]["tokens"][1]["expires"], "2024-05-01T18:00:00Z");
}

#[test]
fn parse_fault_exits_1() {
    let out = msnp(&["soap", "parse"], &fixture("rst_fault_bad_password.xml"));
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    assert_eq!(v["kind"], "fault");
    assert_eq!(v["fault_kind"], "AuthenticationFailed");
    assert_eq!(v["value"]["passport_status"], "0x80048821");
    let out = msnp(
        &["soap", "parse", "abfindall"],
        &fixture("ab_fault_abdoesnotexist.xml"),
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json(&out)["fault_kind"], "AddressBookMissing");
    let out = msnp(&["soap", "parse"], &fixture("rst_redirect.xml"));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        json(&out)["redirect_url"],
        "https://msnia.login.live.com/pp550/RST.srf"
    );
}

#[test]
fn parse_bad_input_exits_2() {
    for input in [
        &b"<!DOCTYPE x><x/>"[..],
        b"\xff\xfe",
        b"<soap:Envelope",
        b"",
        b"<a/>",
    ] {
        let out = msnp(&["soap", "parse"], input);
        assert_eq!(out.status.code(), Some(2), "{input:?}");
        assert!(out.stdout.is_empty());
    }
    let out = msnp(
        &["soap", "parse", "rst"],
        &fixture("abfindall_response.xml"),
    );
    assert_eq!(out.status.code(), Some(2));
    let out = msnp(
        &["soap", "parse", "--max-size", "100"],
        &fixture("abfindall_response.xml"),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("limit"));
}

#[test]
fn server_side_requests_detected() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["rsi-getmessage", "--ticket", "t=1&p=2", "--oim-id", "abc"],
            "rsi-request",
        ),
        (
            &[
                "oim-store",
                "--user",
                "a@x.y",
                "--to",
                "b@x.y",
                "--ticket",
                "t=1&p=2",
                "--run-id",
                "{0}",
                "--text",
                "hi",
            ],
            "oim-store-request",
        ),
        (&["getclientconfig", "--country", "DE"], "config-request"),
        (&["findmembership"], "ab-request"),
    ];
    for (args, kind) in cases {
        let mut full = vec!["soap", "build"];
        full.extend_from_slice(args);
        let xml = msnp(&full, b"").stdout;
        let out = msnp(&["soap", "parse"], &xml);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(json(&out)["kind"], *kind, "{args:?}");
    }
    let xml = msnp(
        &[
            "soap",
            "build",
            "oim-store",
            "--user",
            "a@x.y",
            "--to",
            "b@x.y",
            "--ticket",
            "t=1&p=2",
            "--run-id",
            "{0}",
            "--text",
            "hi",
            "--friendly-name",
            "Al & Co",
        ],
        b"",
    )
    .stdout;
    let v = json(&msnp(&["soap", "parse"], &xml));
    assert_eq!(v["value"]["friendly_name"], "Al & Co");
    assert_eq!(v["value"]["ticket"], "t=1&p=2");
}

#[test]
fn json_roundtrip_through_build() {
    for file in [
        "rst_response.xml",
        "rst_request.xml",
        "abfindall_response.xml",
        "findmembership_response.xml",
        "abfindall_request.xml",
        "rsi_getmetadata_response.xml",
        "oim_store_response.xml",
        "getclientconfig_response.xml",
        "ab_fault_contact_exists.xml",
        "rst2_fault.xml",
    ] {
        let first = msnp(&["soap", "parse", "--compact"], &fixture(file));
        assert!(
            first.status.code() == Some(0) || first.status.code() == Some(1),
            "{file}"
        );
        let mut doc = json(&first);
        if doc["kind"] == "fault" {
            doc = serde_json::json!({"kind": "fault", "value": doc["value"]});
        }
        let built = msnp(&["soap", "build", "json"], doc.to_string().as_bytes());
        assert!(
            built.status.success(),
            "{file}: {}",
            String::from_utf8_lossy(&built.stderr)
        );
        let second = msnp(&["soap", "parse", "--compact"], &built.stdout);
        assert_eq!(second.status.code(), first.status.code(), "{file}");
        assert_eq!(json(&second), json(&first), "{file}");
    }
    for bad in [
        &b"not json"[..],
        b"{}",
        br#"{"kind":"nope","value":{}}"#,
        br#"{"kind":"ab","value":{"x":1}}"#,
    ] {
        assert_eq!(msnp(&["soap", "build", "json"], bad).status.code(), Some(2));
    }
}
