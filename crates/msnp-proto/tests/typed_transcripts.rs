//! Every command of every shared transcript decodes to a typed message (never `Unknown` for a
//! command its dialect has) and re-encodes byte-exactly.

use msnp_proto::negotiation::DialectTracker;
use msnp_proto::stream::{StreamCommand, TranscriptItem, TranscriptStream};
use msnp_proto::{Decoder, Limits, Message, OwnedCommand, ProtocolVersion, Status};

mod util;

use util::transcripts;

/// The commands of a transcript, each in the dialect in force after the tracker has seen it.
fn commands(name: &str, text: &str) -> Vec<StreamCommand<OwnedCommand>> {
    TranscriptStream::new(text, DialectTracker::new(ProtocolVersion::Msnp8))
        .filter_map(|item| match item {
            TranscriptItem::Command(c) => Some(c),
            TranscriptItem::Connection { .. } => None,
            TranscriptItem::Error { error, .. } => panic!("{name}: transcript reads: {error}"),
        })
        .collect()
}

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
        for c in commands(&name, &text) {
            let value = c.command.as_raw();
            let dialect = c.dialect;
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
        for c in commands(&name, &text) {
            let value = c.command.as_raw();
            let known = c.dialect;
            let bare = known.without_direction();
            // Frame again as a bare line: the framing itself may differ without a direction.
            let mut dec2 = Decoder::new(bare, Limits::default());
            let Ok(Status::Complete {
                value: raw2,
                consumed,
            }) = dec2.decode(value.as_bytes())
            else {
                continue;
            };
            if consumed != value.as_bytes().len() {
                continue;
            }
            total += 1;
            let typed = Message::decode(&value, &known).unwrap();
            match Message::decode(&raw2, &bare) {
                Ok(m) if m.is_unknown() => unknown += 1,
                Ok(m) if m == typed => {
                    same += 1;
                    assert_eq!(m.to_vec(&bare).unwrap(), value.as_bytes(), "{name}");
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
