//! Every command of every shared transcript decodes to a typed message (never `Unknown` for a
//! command its dialect has) and re-encodes byte-exactly.

use msnp_proto::negotiation::DialectTracker;
use msnp_proto::transcript::{Event, Reader};
use msnp_proto::{Decoder, Limits, Message, ProtocolVersion, Status};

mod util;

use util::transcripts;

/// Reads a transcript in order, both directions interleaved, with one dialect tracker (as the
/// transcript reader does), and checks each command in the dialect in force *after* the tracker
/// has seen it: the tracker learns the channel from the command itself (a switchboard `USR`),
/// and `VER` reads the same in every version.
#[test]
fn every_transcript_command_is_typed_and_byte_exact() {
    let mut total = 0usize;
    let mut per_verb = std::collections::BTreeMap::<String, usize>::new();
    let mut failures = Vec::new();
    for (name, text) in transcripts() {
        let mut tracker = DialectTracker::new(ProtocolVersion::Msnp8);
        let mut reader = Reader::new(&text);
        loop {
            let t = &tracker;
            let Some(ev) = reader.next_event(|d| t.dialect(d)) else {
                break;
            };
            let c = match ev.expect("transcript reads") {
                Event::Connection { id, .. } => {
                    tracker.switch_connection(id);
                    continue;
                }
                Event::Command(c) => c,
            };
            let mut dec = Decoder::new(tracker.dialect(c.direction), Limits::default());
            let Ok(Status::Complete { value, consumed }) = dec.decode(&c.bytes) else {
                panic!("{name}: raw decode failed");
            };
            assert_eq!(consumed, c.bytes.len());
            tracker.observe(&value, c.direction);
            let dialect = tracker.dialect(c.direction);
            total += 1;
            *per_verb.entry(value.verb().to_string()).or_default() += 1;
            let line = String::from_utf8_lossy(value.line()).into_owned();
            match Message::decode(&value, &dialect) {
                Ok(m) if m.is_unknown() => failures.push(format!(
                    "{name} {:?} {:?} {:?}: Unknown: {line}",
                    dialect.version, dialect.channel, c.direction
                )),
                Ok(m) => match m.to_vec(&dialect) {
                    Ok(bytes) if bytes == value.as_bytes() => {
                        assert_eq!(m.encoded_len(&dialect), bytes.len());
                        assert_eq!(m.payload_bytes(), value.payload(), "{name}: {line}");
                        let owned = m.clone().into_owned();
                        assert_eq!(owned, m);
                        assert_eq!(
                            owned.to_vec(&dialect).as_deref().ok(),
                            Some(value.as_bytes())
                        );
                    }
                    Ok(bytes) => failures.push(format!(
                        "{name}: re-encoded differently: {line} -> {:?}",
                        String::from_utf8_lossy(&bytes)
                    )),
                    Err(e) => failures.push(format!(
                        "{name} {:?}: encode error {e}: {line}",
                        dialect.version
                    )),
                },
                Err(e) => failures.push(format!(
                    "{name} {:?} {:?} {:?}: {e}: {line}",
                    dialect.version, dialect.channel, c.direction
                )),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {total} commands failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(total > 600, "only {total} commands");
    assert!(
        per_verb.len() > 50,
        "only {} verbs: {per_verb:?}",
        per_verb.len()
    );
}

/// The same commands read with the sender unknown (bare transcript lines): where the shape
/// tells the direction they decode to the same typed value; where it does not (`USR trid MD5 S
/// x`, `CHG`-like shared shapes are fine) they are `Unknown`, never an error.
#[test]
fn transcript_commands_without_direction() {
    let (mut same, mut unknown, mut total) = (0usize, 0usize, 0usize);
    let mut failures = Vec::new();
    for (name, text) in transcripts() {
        let mut tracker = DialectTracker::new(ProtocolVersion::Msnp8);
        let mut reader = Reader::new(&text);
        loop {
            let t = &tracker;
            let Some(ev) = reader.next_event(|d| t.dialect(d)) else {
                break;
            };
            let c = match ev.expect("transcript reads") {
                Event::Connection { id, .. } => {
                    tracker.switch_connection(id);
                    continue;
                }
                Event::Command(c) => c,
            };
            let mut dec = Decoder::new(tracker.dialect(c.direction), Limits::default());
            let Ok(Status::Complete { value, .. }) = dec.decode(&c.bytes) else {
                panic!()
            };
            tracker.observe(&value, c.direction);
            let known = tracker.dialect(c.direction);
            let bare = known.without_direction();
            // Frame again as a bare line: the framing itself may differ without a direction.
            let mut dec2 = Decoder::new(bare, Limits::default());
            let Ok(Status::Complete {
                value: raw2,
                consumed,
            }) = dec2.decode(&c.bytes)
            else {
                continue;
            };
            if consumed != c.bytes.len() {
                continue;
            }
            total += 1;
            let typed = Message::decode(&value, &known).unwrap();
            match Message::decode(&raw2, &bare) {
                Ok(m) if m.is_unknown() => unknown += 1,
                Ok(m) if m == typed => {
                    same += 1;
                    assert_eq!(m.to_vec(&bare).unwrap(), c.bytes, "{name}");
                }
                Ok(m) => failures.push(format!(
                    "{name}: {:?} read as {m:?}, with direction {typed:?}",
                    String::from_utf8_lossy(value.line())
                )),
                Err(e) => failures.push(format!(
                    "{name}: {:?}: {e}",
                    String::from_utf8_lossy(value.line())
                )),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {total}:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        same > total * 9 / 10,
        "same {same}, unknown {unknown}, total {total}"
    );
}
