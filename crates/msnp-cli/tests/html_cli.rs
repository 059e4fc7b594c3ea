//! `msnp decode --format html`: the page parses as XML, holds one row per decoded command in
//! the order of the NDJSON records, marks the flagged ones, escapes what it shows, and puts
//! switchboards beside the notification session they came from.

mod util;

use quick_xml::events::Event;

/// What a test needs of a page.
#[derive(Debug, Default)]
struct Page {
    /// Per body row: its class and the text of its first `<b>` (the verb).
    rows: Vec<(String, String)>,
    /// The connection headers, left to right.
    lanes: Vec<String>,
    /// Every text node, entity references resolved.
    text: String,
    scripts: usize,
}

/// Parses `html` as XML, asserting it is well-formed: one `<!DOCTYPE html>`, one `html` root,
/// every element closed by its own name, only the five predefined entities and character
/// references, no character XML forbids.
fn parse(html: &str) -> Page {
    assert!(html.starts_with("<!DOCTYPE html>\n"), "{}", &html[..40]);
    let mut reader = quick_xml::Reader::from_str(html);
    reader.config_mut().check_end_names = true;
    let mut page = Page::default();
    let mut stack: Vec<String> = Vec::new();
    let mut roots = 0;
    let mut in_body_row = false;
    let mut in_tbody = false;
    let mut verb: Option<String> = None;
    let mut in_b = false;
    let mut in_conn = false;
    loop {
        let event = reader
            .read_event()
            .unwrap_or_else(|e| panic!("not well-formed at {}: {e}", reader.buffer_position()));
        match event {
            Event::Start(e) => {
                let name = e.name().as_ref().to_owned();
                if stack.is_empty() {
                    roots += 1;
                    assert_eq!(name, "html");
                }
                let class = e
                    .try_get_attribute("class")
                    .expect("attribute syntax")
                    .map(|a| a.value.into_owned())
                    .unwrap_or_default();
                match name.as_str() {
                    "tbody" => in_tbody = true,
                    "tr" if in_tbody => {
                        in_body_row = true;
                        verb = None;
                        page.rows.push((class.clone(), String::new()));
                    }
                    "b" if in_body_row && verb.is_none() => in_b = true,
                    "div" if class == "conn" => in_conn = true,
                    "script" => page.scripts += 1,
                    _ => {}
                }
                if name == "div" && class == "conn" {
                    page.lanes.push(String::new());
                }
                stack.push(name);
            }
            Event::End(e) => {
                let name = e.name().as_ref().to_owned();
                assert_eq!(stack.pop().as_deref(), Some(name.as_str()));
                match name.as_str() {
                    "tbody" => in_tbody = false,
                    "tr" => in_body_row = false,
                    "b" if in_b => {
                        in_b = false;
                        let v = verb.get_or_insert_with(String::new);
                        page.rows.last_mut().unwrap().1 = v.clone();
                    }
                    "div" => in_conn = false,
                    _ => {}
                }
            }
            Event::Empty(e) => {
                assert!(!stack.is_empty(), "empty element outside the root");
                let name = e.name();
                assert!(
                    ["meta", "input"].contains(&name.as_ref()),
                    "only void elements self-close: {:?}",
                    name.as_ref()
                );
            }
            Event::Text(t) => {
                let s = t.xml_content(quick_xml::XmlVersion::Implicit1_0);
                assert!(
                    s.chars()
                        .all(|c| !c.is_control() || matches!(c, '\n' | '\t' | '\r')),
                    "control character in {s:?}"
                );
                if stack.is_empty() {
                    assert!(s.trim().is_empty(), "text outside the root: {s:?}");
                }
                push_text(&mut page, &s, in_b, &mut verb, in_conn);
            }
            Event::GeneralRef(r) => {
                let name: &str = &r;
                let s = match name {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "#39" => "'",
                    other => panic!("unexpected entity &{other};"),
                };
                push_text(&mut page, s, in_b, &mut verb, in_conn);
            }
            Event::CData(_) => assert_eq!(stack.last().map(String::as_str), Some("script")),
            Event::DocType(d) => assert_eq!(&*d, "html"),
            Event::Eof => break,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
    assert_eq!(roots, 1);
    page
}

fn push_text(page: &mut Page, s: &str, in_b: bool, verb: &mut Option<String>, in_conn: bool) {
    page.text.push_str(s);
    if in_b {
        verb.get_or_insert_with(String::new).push_str(s);
    }
    if in_conn {
        page.lanes.last_mut().unwrap().push_str(s);
    }
}

/// Decodes `args` twice, as NDJSON and as a page, and checks the page against the records: a
/// `cmd` row per command with its verb, in order, `error` on exactly the flagged ones, a
/// `frame error` row per framing error. Returns the page.
fn page_matches_records(name: &str, args: &[&str], stdin: &[u8]) -> Page {
    let (jcode, jout, _) = util::run_msnp(&[&["decode"], args].concat(), stdin);
    let (hcode, hout, err) =
        util::run_msnp(&[&["decode", "--format", "html"], args].concat(), stdin);
    assert_eq!(jcode, hcode, "{name}: {err}");
    let html = String::from_utf8(hout).expect("UTF-8 page");
    let page = parse(&html);
    let json = util::records(&jout);
    assert_eq!(page.rows.len(), json.len(), "{name}: a row per record");
    let mut commands = 0;
    for (rec, (class, verb)) in json.iter().zip(&page.rows) {
        let classes: Vec<&str> = class.split(' ').collect();
        match rec["cmd"].as_str() {
            Some(cmd) => {
                commands += 1;
                assert!(classes.contains(&"cmd"), "{name}: {class}");
                assert_eq!(verb, cmd, "{name}");
                assert_eq!(
                    classes.contains(&"error"),
                    rec.get("error").is_some(),
                    "{name}: {cmd} {class}"
                );
            }
            None => assert_eq!(classes, ["frame", "error"], "{name}: {rec}"),
        }
    }
    let rows = page
        .rows
        .iter()
        .filter(|(c, _)| c.starts_with("cmd"))
        .count();
    assert_eq!(rows, commands, "{name}: a row per command");
    assert_eq!(page.scripts, 1, "{name}");
    page
}

#[test]
fn every_shared_transcript_is_a_well_formed_page_with_a_row_per_command() {
    for (name, path) in util::transcripts() {
        let page = page_matches_records(&name, &[path.to_str().unwrap()], b"");
        assert!(page.rows.len() > 10, "{name}");
        assert!(!page.lanes.is_empty(), "{name}");
        assert!(page.text.contains(&name), "{name}: titled after the file");
    }
}

#[test]
fn captures_from_the_test_data_are_pages_with_a_lane_per_flow() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/pcap");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).expect("pcap dir") {
        let path = entry.expect("entry").path();
        let name = path.display().to_string();
        let page = page_matches_records(&name, &[&name], b"");
        assert!(page.rows.len() > 10, "{name}");
        let (_, jout, _) = util::run_msnp(&["decode", &name], b"");
        let mut flows: Vec<_> = util::records(&jout)
            .iter()
            .map(|r| r["flow"].as_u64())
            .collect();
        flows.sort();
        flows.dedup();
        assert_eq!(page.lanes.len(), flows.len(), "{name}: {:?}", page.lanes);
        seen += 1;
    }
    assert!(seen >= 2);
}

#[test]
fn flagged_commands_and_framing_errors_are_marked() {
    let input = "C: VER 1 MSNP8\r\nC: MSG 2 A 5\r\nab\r\nS: CHG 3\r\nC: OUT\r\n";
    let page = page_matches_records("damaged", &[], input.as_bytes());
    let classes: Vec<&str> = page.rows.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(classes, ["cmd", "frame error", "cmd error", "cmd"]);
    assert!(
        page.text.contains("payload length mismatch"),
        "{}",
        page.text
    );
    assert!(
        page.text
            .contains("arg_count: CHG: expected 1..=2 arguments, got 0")
    );
    assert!(page.text.contains("4 rows on 1 connections, 2 flagged"));
}

#[test]
fn everything_shown_is_escaped() {
    // Markup, an entity, quotes and control characters in a friendly name and a payload.
    let body = "MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n<b>]]>&nbsp;\"'\x01</b>";
    let input = format!(
        "S: ILN 9 NLN bob@hotmail.com %3Cscript%3Ealert(1)%3C/script%3E%26amp;%22%1B%07 0\r\n\
         C: MSG 2 N {}\r\n{body}\r\n",
        body.len()
    );
    let (_, out, _) = util::run_msnp(
        &["decode", "--format", "html", "--dialect", "MSNP8"],
        input.as_bytes(),
    );
    let html = String::from_utf8(out).unwrap();
    let page = parse(&html);
    assert_eq!(page.scripts, 1);
    assert_eq!(html.matches("<script").count(), 1);
    assert!(!html.contains("<b>]]>"));
    // The text writer's quoting and escapes, then HTML's.
    assert!(
        page.text
            .contains(r#""<script>alert(1)</script>&amp;\"\u{1b}\u{7}""#),
        "{}",
        page.text
    );
    assert!(
        page.text.contains("<b>]]>&nbsp;\"'\\u{1}</b>"),
        "{}",
        page.text
    );
}

#[test]
fn switchboards_stand_beside_their_notification_session() {
    let input = "# --- connection 1 ---\nC: VER 1 MSNP8 CVR0\nS: VER 1 MSNP8\n\
                 # --- connection 2 ---\nC: VER 1 MSNP8 CVR0\nS: VER 1 MSNP8\n\
                 # --- connection 1 ---\nC: CHG 2 NLN 0\n\
                 # --- connection 3 ---\nC: USR 1 alice@hotmail.com 17262740.1050826919.32308\n\
                 S: USR 1 OK alice@hotmail.com Alice\n";
    let page = page_matches_records("lanes", &["--input", "transcript"], input.as_bytes());
    assert_eq!(
        page.lanes,
        ["#1 ns MSNP8", "#3 sb MSNP8 (from #1)", "#2 ns MSNP8"]
    );
}

#[test]
fn check_refuses_html() {
    let (_, t) = util::transcript("msnp12.md");
    let (code, out, err) = util::run_msnp(
        &["check", "--input", "transcript", "--format", "html"],
        t.as_bytes(),
    );
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("msnp decode --format html"), "{err}");
}
