//! `message`: every command the decoder frames, through the typed layer and back.
//!
//! Input: byte 0 picks the version and channel, byte 1 the direction and leniency, byte 2
//! whether tiny limits apply; the rest is decoded as one stream.
//!
//! For each framed command, `Message::decode` either fails with a typed error or gives a message
//! that (1) encodes back to exactly the command's bytes when the line was canonical (single
//! spaces, CRLF), (2) has an `encoded_len` equal to what `encode` writes, and (3) decodes again,
//! from its own encoding, to an equal message; its owned form (`into_owned`) encodes the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use msnp_fuzz::{dialect_from, limits_from};
use msnp_proto::{Decoder, Limits, Message, Status};

fuzz_target!(|data: &[u8]| {
    let [a, b, c, input @ ..] = data else { return };
    let dialect = dialect_from(*a, *b);
    let limits = limits_from(c & 0x80 != 0);
    let mut dec = Decoder::new(dialect, limits);
    let mut at = 0usize;
    while at < input.len() {
        match dec.decode(&input[at..]) {
            Ok(Status::Complete { value, consumed }) => {
                at += consumed;
                let Ok(msg) = Message::decode(&value, &dialect) else {
                    continue;
                };
                let Ok(bytes) = msg.to_vec(&dialect) else {
                    continue;
                };
                assert_eq!(msg.encoded_len(&dialect), bytes.len(), "encoded_len");
                let canonical = value.has_crlf()
                    && !value.line().windows(2).any(|w| w == b"  ")
                    && value.line().last() != Some(&b' ');
                if canonical {
                    assert_eq!(
                        bytes,
                        value.as_bytes(),
                        "typed re-encoding of a canonical line"
                    );
                }
                // Its own encoding reads back to the same message.
                let mut again = Decoder::new(dialect, Limits::MAX);
                let Ok(Status::Complete {
                    value: raw2,
                    consumed: n2,
                }) = again.decode(&bytes)
                else {
                    panic!(
                        "typed encoding does not frame: {:?}",
                        String::from_utf8_lossy(&bytes)
                    );
                };
                assert_eq!(n2, bytes.len());
                let msg2 = Message::decode(&raw2, &dialect).expect("typed encoding decodes");
                assert_eq!(msg, msg2);
                let owned = msg.clone().into_owned();
                assert_eq!(owned.to_vec(&dialect).ok(), Some(bytes));
            }
            Ok(Status::Skipped { consumed }) => at += consumed,
            Ok(Status::Incomplete(_)) => break,
            Err(e) => at += e.skip.max(1),
        }
    }
});
