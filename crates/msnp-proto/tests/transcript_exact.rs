//! The transcript format carries any payload (transcript-format.md, "Exact payloads"): framed
//! commands with arbitrary payload bytes, written with `write_command`, read back by `Reader`,
//! give the same wire bytes.

use msnp_proto::transcript::{Event, Reader, TranscriptErrorKind, write_command};
use msnp_proto::{Decoder, Dialect, Direction, Limits, ProtocolVersion, Status};
use proptest::prelude::*;

fn dialects(ns: bool) -> impl Fn(Option<Direction>) -> Dialect + Copy {
    move |d| {
        let base = if ns {
            Dialect::notification(ProtocolVersion::Msnp13)
        } else {
            Dialect::switchboard(ProtocolVersion::Msnp12)
        };
        base.with_direction(d.unwrap_or(Direction::ServerToClient))
    }
}

/// One command's wire bytes: a payload command when `payload` is set, else a plain one.
fn frame(ns: bool, dir: Direction, trid: u32, payload: Option<&[u8]>) -> Vec<u8> {
    let line = match (ns, dir, payload) {
        (false, Direction::ClientToServer, Some(p)) => {
            let ack = ["U", "N", "A", "D"][trid as usize % 4];
            format!("MSG {trid} {ack} {}", p.len())
        }
        (false, Direction::ServerToClient, Some(p)) => {
            format!("MSG alice@example.com Alice {}", p.len())
        }
        (true, Direction::ClientToServer, Some(p)) => format!("UUX {trid} {}", p.len()),
        (true, Direction::ServerToClient, Some(p)) => format!("GCF 0 {}", p.len()),
        (false, Direction::ClientToServer, None) => "OUT".to_owned(),
        (false, Direction::ServerToClient, None) => format!("ACK {trid}"),
        (true, Direction::ClientToServer, None) => "PNG".to_owned(),
        (true, Direction::ServerToClient, None) => format!("QNG {trid}"),
    };
    let mut v = line.into_bytes();
    v.extend_from_slice(b"\r\n");
    v.extend_from_slice(payload.unwrap_or_default());
    v
}

/// Writes each frame with `write_command` and reads the whole text back.
fn round_trip(ns: bool, frames: &[(Direction, Vec<u8>)]) -> (String, Vec<Vec<u8>>) {
    let dialect = dialects(ns);
    let mut text = String::new();
    for (dir, f) in frames {
        let mut dec = Decoder::new(dialect(Some(*dir)), Limits::default());
        let Ok(Status::Complete { value, consumed }) = dec.decode(f) else {
            panic!("{f:?} does not frame")
        };
        assert_eq!(consumed, f.len());
        write_command(&mut text, Some(*dir), &value).unwrap();
    }
    let mut r = Reader::new(&text);
    let mut back = Vec::new();
    while let Some(ev) = r.next_event(dialect) {
        match ev {
            Ok(Event::Command(c)) => back.push(c.bytes),
            other => panic!("{text:?}: {other:?}"),
        }
    }
    (text, back)
}

fn payload() -> impl Strategy<Value = Option<Vec<u8>>> {
    prop_oneof![
        Just(None),
        proptest::collection::vec(any::<u8>(), 0..80).prop_map(Some),
        "[a-z%`. \r\n\t\\\\]{0,40}".prop_map(|s| Some(s.into_bytes())),
        "(```|\\.\\. |%|)[a-z]{0,5}(\r\n[ `.a-z\t]{0,6}){0,4}(\r\n)?"
            .prop_map(|s| Some(s.into_bytes())),
        "\\PC{0,20}".prop_map(|s| Some(s.into_bytes())),
    ]
}

proptest! {
    #[test]
    fn any_payload_survives_write_and_read(
        ns in any::<bool>(),
        cmds in proptest::collection::vec((any::<bool>(), 1u32..1000, payload()), 1..6),
    ) {
        let frames: Vec<(Direction, Vec<u8>)> = cmds
            .iter()
            .map(|(client, trid, p)| {
                let dir = if *client { Direction::ClientToServer } else { Direction::ServerToClient };
                (dir, frame(ns, dir, *trid, p.as_deref()))
            })
            .collect();
        let (text, back) = round_trip(ns, &frames);
        let want: Vec<Vec<u8>> = frames.into_iter().map(|(_, f)| f).collect();
        prop_assert_eq!(back, want, "{:?}", text);
    }
}

#[test]
fn the_specs_exact_examples_read() {
    let text = "S: GCF 0 48\n%escaped <Policies>\\n\\t<Policy type=\"SHIELDS\"/>\\n</Policies>\nC: MSG 7 D 4\n%base64 AAECAw==\n";
    let mut r = Reader::new(text);
    let mut back = Vec::new();
    while let Some(ev) = r.next_event(|d| match d {
        Some(Direction::ClientToServer) => dialects(false)(d),
        _ => dialects(true)(d),
    }) {
        let Ok(Event::Command(c)) = ev else {
            panic!("{ev:?}")
        };
        back.push(c.bytes);
    }
    assert_eq!(
        back,
        [
            b"GCF 0 48\r\n<Policies>\n\t<Policy type=\"SHIELDS\"/>\n</Policies>".to_vec(),
            b"MSG 7 D 4\r\n\x00\x01\x02\x03".to_vec(),
        ]
    );
}

#[test]
fn exact_payload_length_and_escape_errors_are_reported_and_reading_resumes() {
    let text = "C: MSG 7 D 5\n%base64 AAECAw==\nC: MSG 8 D 1\n%escaped \\q\nC: MSG 9 D 1\n%base64 !!\nC: OUT\n";
    let mut r = Reader::new(text);
    let mut events = Vec::new();
    while let Some(ev) = r.next_event(dialects(false)) {
        events.push(ev);
    }
    assert_eq!(events.len(), 4, "{events:?}");
    let kind = |i: usize| events[i].as_ref().unwrap_err().kind.clone();
    assert_eq!(
        kind(0),
        TranscriptErrorKind::LengthMismatch {
            declared: 5,
            available: 4
        }
    );
    assert_eq!(events[0].as_ref().unwrap_err().line, 1);
    assert!(
        matches!(kind(1), TranscriptErrorKind::ExactPayload(_)),
        "{:?}",
        kind(1)
    );
    assert!(
        matches!(kind(2), TranscriptErrorKind::ExactPayload(_)),
        "{:?}",
        kind(2)
    );
    let Ok(Event::Command(out)) = &events[3] else {
        panic!()
    };
    assert_eq!((out.line, out.bytes.as_slice()), (7, &b"OUT\r\n"[..]));
}
