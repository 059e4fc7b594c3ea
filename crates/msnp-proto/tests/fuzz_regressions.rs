//! Inputs found by the fuzz targets in `fuzz/` (byte literals, minimised), each checked against
//! the property the target asserts, so `cargo test` guards them without the fuzzer.

use msnp_proto::transcript::{Event, Reader, WriteError, write_command};
use msnp_proto::{Decoder, Dialect, Direction, Limits, ProtocolVersion, RawCommand, Status};

fn decode_one(dialect: Dialect, wire: &[u8]) -> RawCommand<'_> {
    match Decoder::new(dialect, Limits::default()).decode(wire) {
        Ok(Status::Complete { value, consumed }) if consumed == wire.len() => value,
        other => panic!("{wire:?} does not decode as one command: {other:?}"),
    }
}

/// The `transcript` target's property: `write_command` refuses, or its text reads back as
/// exactly one command with the same bytes. Returns the text.
fn write_then_read(
    dialect: Dialect,
    direction: Direction,
    wire: &[u8],
) -> Result<String, WriteError> {
    let cmd = decode_one(dialect, wire);
    let mut text = String::new();
    write_command(&mut text, Some(direction), &cmd)?;
    let mut reader = Reader::new(&text);
    let mut events = Vec::new();
    while let Some(ev) = reader.next_event(|_| dialect) {
        events.push(ev);
    }
    match events.as_slice() {
        [Ok(Event::Command(c))] => assert_eq!(c.bytes, wire, "{text:?}"),
        other => panic!("{text:?} reads back as {other:?}"),
    }
    Ok(text)
}

fn ns_server(v: ProtocolVersion) -> Dialect {
    Dialect::notification(v).with_direction(Direction::ServerToClient)
}

/// fuzz `transcript`: a payload line that looks like a Markdown fence switched the reader to
/// fenced mode, so the written command was never read back. Now it is written `%escaped`.
#[test]
fn payload_fence_line_is_written_escaped() {
    let d = ns_server(ProtocolVersion::Msnp13);
    let wire = b"NOT 22\r\n<NOTIFICATION\r\n```text";
    assert_eq!(
        write_then_read(d, Direction::ServerToClient, wire),
        Ok("S: NOT 22\n%escaped <NOTIFICATION\\r\\n```text\n".to_owned())
    );
    let wire = b"NOT 9\r\n  ```\r\nxy";
    assert_eq!(
        write_then_read(d, Direction::ServerToClient, wire),
        Ok("S: NOT 9\n%escaped   ```\\r\\nxy\n".to_owned())
    );
    // Backticks that are not a fence are fine as plain lines.
    assert_eq!(
        write_then_read(d, Direction::ServerToClient, b"NOT 8\r\n``\r\nx```"),
        Ok("S: NOT 8\n``\nx```\n".to_owned())
    );
}

/// fuzz `transcript`: a first payload line starting `.. ` was read as a continuation of the
/// command line. Now it is written `%escaped`.
#[test]
fn payload_continuation_line_is_written_escaped() {
    let d = Dialect::switchboard(ProtocolVersion::Msnp12).with_direction(Direction::ClientToServer);
    assert_eq!(
        write_then_read(d, Direction::ClientToServer, b"MSG 1 U 5\r\n.. ab"),
        Ok("C: MSG 1 U 5\n%escaped .. ab\n".to_owned())
    );
    // Later lines may start with `.. `: only the line right after the command continues it.
    assert_eq!(
        write_then_read(d, Direction::ClientToServer, b"MSG 1 U 7\r\na\r\n.. b"),
        Ok("C: MSG 1 U 7\na\n.. b\n".to_owned())
    );
}

/// fuzz `payload` (`0d 00 30`): an `X-MMS-IM-Format` without `CO` was rebuilt with `CO=0`, so
/// parse → `to_header` → parse gave black instead of no colour.
#[test]
fn im_format_without_colour_round_trips() {
    use msnp_proto::payload::mime::{ImFormat, Rgb};
    for header in ["0", "EF=B", "FN=Arial; EF=; CS=0", "CO=zz"] {
        let f = ImFormat::parse(header);
        assert_eq!(f.color, None, "{header}");
        let built = f.to_header();
        assert_eq!(ImFormat::parse(&built), f, "{header} → {built}");
    }
    let black = ImFormat {
        color: Some(Rgb { r: 0, g: 0, b: 0 }),
        ..ImFormat::default()
    };
    assert_eq!(black.to_header(), "EF=; CO=0");
    assert_eq!(ImFormat::parse(&black.to_header()), black);
}

/// fuzz `payload`: a folded continuation of an empty header value (`Age:` then ` x`) gave the
/// value ` x`, which `try_to_bytes` writes as `Age:  x` and parse reads back as `x`.
#[test]
fn folded_empty_mime_value_round_trips() {
    use msnp_proto::payload::mime::MimeMessage;
    let m =
        MimeMessage::parse(b"MIME-Version: 1.0\r\nAge:\r\n :is5d07\r\nkv: 2\r\n \r\n\r\n").unwrap();
    assert_eq!(m.header("Age"), Some(":is5d07"));
    assert_eq!(m.header("kv"), Some("2 "));
    let bytes = m.try_to_bytes().unwrap();
    assert_eq!(MimeMessage::parse(&bytes).unwrap(), m);
    // A continuation of a non-empty value still joins with one space.
    let m = MimeMessage::parse(b"Subject: a\r\n\tb\r\n\r\n").unwrap();
    assert_eq!(m.header("Subject"), Some("a b"));
}

/// fuzz `payload`: an attribute holding LF (from `&#10;`, or literal in a `NOT` feed read with
/// the lenient `&` option, which skipped attribute-value normalisation) was written back with a
/// literal LF, which a reader turns into a space.
#[test]
fn attribute_whitespace_round_trips() {
    use msnp_proto::payload::XmlLimits;
    use msnp_proto::payload::notification::NotificationDocument;
    use msnp_proto::payload::xml::{escape_attr, parse_document};
    let l = XmlLimits::default();
    let n = NotificationDocument::parse(
        br#"<NOTIFICATION id="0" siteurl="a&#10;b&#9;c&#13;d"></NOTIFICATION>"#,
        &l,
    )
    .unwrap();
    assert_eq!(n.site_url.as_deref(), Some("a\nb\tc\rd"));
    assert_eq!(
        NotificationDocument::parse(n.to_xml().as_bytes(), &l).unwrap(),
        n
    );
    // The crash input's shape: literal newlines and an unknown entity (lenient path).
    let n = NotificationDocument::parse(
        b"<NOTIFICATION id=\"0\" siteurl=\"x\n\ny&ld;\r\nz\tw\"></NOTIFICATION>",
        &l,
    )
    .unwrap();
    assert_eq!(n.site_url.as_deref(), Some("x  y&ld; z w"));
    assert_eq!(
        NotificationDocument::parse(n.to_xml().as_bytes(), &l).unwrap(),
        n
    );
    // Strict and lenient paths normalise alike.
    let strict = parse_document("<a v=\"x\r\ny\tz\"/>", &l).unwrap();
    assert_eq!(strict.root.attr("v"), Some("x y z"));
    assert_eq!(escape_attr("p\tq\nr\rs"), "p&#9;q&#10;r&#13;s");
    let doc = format!("<a v=\"{}\"/>", escape_attr("p\tq\nr\rs&<\"'"));
    assert_eq!(
        parse_document(&doc, &l).unwrap().root.attr("v"),
        Some("p\tq\nr\rs&<\"'")
    );
}

/// fuzz `payload`: the header block ended at the first CRLFCRLF anywhere, else the first LFLF,
/// rather than at the first empty line, so a body starting with LFs (or an LF blank line before
/// a later CRLFCRLF) moved bytes between headers and body on a round trip.
#[test]
fn mime_headers_end_at_the_first_blank_line() {
    use msnp_proto::payload::mime::MimeMessage;
    let m = MimeMessage::parse(b"\n\n\n\nVER\r\n\r\nx").unwrap();
    assert!(m.headers.is_empty());
    assert_eq!(&m.body[..], b"\n\n\nVER\r\n\r\nx");
    let bytes = m.try_to_bytes().unwrap();
    assert_eq!(MimeMessage::parse(&bytes).unwrap(), m);
    // An LF blank line before a later CRLFCRLF ends the headers; nothing is lost.
    let m = MimeMessage::parse(b"A: b\n\nC: d\r\n\r\nbody").unwrap();
    assert_eq!(m.headers.len(), 1);
    assert_eq!(&m.body[..], b"C: d\r\n\r\nbody");
    assert_eq!(MimeMessage::parse(&m.try_to_bytes().unwrap()).unwrap(), m);
    // The usual shapes are unchanged.
    let m = MimeMessage::parse(b"MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nhi\r\n\r\n")
        .unwrap();
    assert_eq!(m.headers.len(), 2);
    assert_eq!(&m.body[..], b"hi\r\n\r\n");
    let m = MimeMessage::parse(b"A: 1\r\nB: 2").unwrap();
    assert_eq!((m.headers.len(), m.body.len()), (2, 0));
    let m = MimeMessage::parse(b"A: 1\n\nbody\n").unwrap();
    assert_eq!(&m.body[..], b"body\n");
}

/// Found through the `soap` target, and the payload XML reader shared the flaw: quick-xml takes
/// everything up to a blank as the element name, so `<c0n="bob"/>` was an element named
/// `c0n="bob"`. Such names are malformed XML now.
#[test]
fn element_name_must_be_an_xml_name() {
    use msnp_proto::payload::{PayloadError, XmlLimits, xml::parse_document};
    let l = XmlLimits::default();
    for bad in [
        r#"<ml><d n="a"><c0n="bob" l="2"/></d></ml>"#,
        "<1a/>",
        "<a\"b\"/>",
        "<a=b></a=b>",
    ] {
        let r = parse_document(bad, &l);
        assert!(matches!(r, Err(PayloadError::Xml { .. })), "{bad}: {r:?}");
    }
    for good in [
        "<ml/>",
        "<a:b-c.d_1/>",
        "<_x/>",
        "<é/>",
        "<Data><PSM/></Data>",
    ] {
        assert!(parse_document(good, &l).is_ok(), "{good}");
    }
}

/// fuzz `payload`: an undecodable `RL` value (`RL=%`) after `RL=1` reset right-to-left (and was
/// kept in `other`), so `to_header`, which writes `RL=1` before the unknown keys, changed it.
#[test]
fn im_format_bad_rl_leaves_the_flag_alone() {
    use msnp_proto::payload::mime::ImFormat;
    for header in ["RL=1; RL=%", "RL=%; RL=1", "EF=; RL=1; M=; RL=%; =; RL=%"] {
        let f = ImFormat::parse(header);
        assert!(f.right_to_left, "{header}");
        let built = f.to_header();
        assert_eq!(ImFormat::parse(&built), f, "{header} → {built}");
    }
    assert!(!ImFormat::parse("RL=1; RL=0").right_to_left);
}

/// fuzz `soap` (campaign of this round): `<:/>` passed the XML-name check (XML 1.0 allows `:` in
/// names) and became a fault detail with an empty name, which `fault_envelope` cannot write, so
/// parse → build → parse lost it. Element names must be namespace QNames: one optional prefix,
/// both parts non-empty and colon-free.
#[test]
fn element_name_must_be_a_qname() {
    use msnp_proto::payload::{PayloadError, XmlLimits, xml::parse_document};
    let l = XmlLimits::default();
    for bad in ["<:/>", "<a:/>", "<:b/>", "<a:b:c/>", "<x><:/></x>"] {
        let r = parse_document(bad, &l);
        assert!(matches!(r, Err(PayloadError::Xml { .. })), "{bad}: {r:?}");
    }
    for good in ["<a:b/>", "<soap:Envelope/>", "<x><p:q.r-1/></x>"] {
        assert!(parse_document(good, &l).is_ok(), "{good}");
    }
}
