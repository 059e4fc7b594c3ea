//! `raw_roundtrip`: every command the decoder accepts, rebuilt from its parts.
//!
//! Input: byte 0 picks the version and channel, byte 1 the direction and leniency, byte 2
//! whether tiny limits apply; the rest is decoded as one stream.
//!
//! Each decoded command is rebuilt with `OwnedCommand::build_with_limits(dialect, limits,
//! verb, trid, args, payload)`. The builder may refuse with a typed error (it writes only the
//! canonical form, which a lenient decoder's input need not be), but when it succeeds its bytes
//! decode, in the same dialect, to one command with the same verb, TrID, arguments and payload.
//! And when the input already was canonical (single spaces, CRLF, TrID and length written as
//! plain decimals) the builder must succeed and reproduce it byte for byte.
#![no_main]

use libfuzzer_sys::fuzz_target;
use msnp_fuzz::{dialect_from, limits_from};
use msnp_proto::{Decoder, OwnedCommand, RawCommand, Status};

fn canonical(cmd: &RawCommand<'_>) -> Vec<u8> {
    let mut out = cmd.verb().as_bytes().to_vec();
    if let Some(t) = cmd.trid() {
        out.extend_from_slice(format!(" {}", t.0).as_bytes());
    }
    for a in cmd.args() {
        out.push(b' ');
        out.extend_from_slice(a);
    }
    if let Some(p) = cmd.payload() {
        out.extend_from_slice(format!(" {}", p.len()).as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(cmd.payload().unwrap_or_default());
    out
}

fuzz_target!(|data: &[u8]| {
    let [a, b, c, input @ ..] = data else { return };
    let dialect = dialect_from(*a, *b);
    let limits = limits_from(c & 0x80 != 0);
    let mut dec = Decoder::new(dialect, limits);
    let mut at = 0usize;
    while at < input.len() {
        let cmd = match dec.decode(&input[at..]) {
            Ok(Status::Complete { value, consumed }) => {
                at += consumed;
                value
            }
            Ok(Status::Skipped { consumed }) => {
                at += consumed;
                continue;
            }
            Ok(Status::Incomplete(_)) => break,
            Err(e) => {
                at += e.skip;
                continue;
            }
        };
        let args: Vec<&[u8]> = cmd.args().collect();
        let built = OwnedCommand::build_with_limits(
            &dialect,
            &limits,
            cmd.verb(),
            cmd.trid(),
            &args,
            cmd.payload(),
        );
        let is_canonical = canonical(&cmd) == cmd.as_bytes();
        let built = match built {
            Ok(b) => b,
            Err(e) => {
                assert!(
                    !is_canonical,
                    "canonical command {:?} refused by the builder: {e:?}",
                    String::from_utf8_lossy(cmd.as_bytes())
                );
                continue;
            }
        };
        if is_canonical {
            assert_eq!(
                &built.frame()[..],
                cmd.as_bytes(),
                "canonical command rebuilt differently"
            );
        }
        let frame = built.frame().clone();
        let mut dec2 = Decoder::new(dialect, limits);
        let again = match dec2.decode(&frame) {
            Ok(Status::Complete { value, consumed }) => {
                assert_eq!(consumed, frame.len(), "built frame decodes short");
                value
            }
            other => panic!(
                "built frame {:?} does not decode: {other:?}",
                String::from_utf8_lossy(&frame)
            ),
        };
        assert_eq!(again.verb(), cmd.verb());
        assert_eq!(again.trid(), cmd.trid());
        assert_eq!(again.args().collect::<Vec<_>>(), args);
        assert_eq!(again.payload(), cmd.payload());
        assert_eq!(again.to_owned_command(), built);
    }
});
