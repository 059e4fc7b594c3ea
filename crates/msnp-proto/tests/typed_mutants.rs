//! Typed readers where a stray number and a TrID meet: written against mutants
//! `cargo mutants -f src/message/args.rs` found alive.

use msnp_proto::message::Message;
use msnp_proto::{Decoder, Dialect, Direction, Limits, ProtocolVersion, Status, TrId};

fn typed(d: Dialect, wire: &[u8]) -> Result<Message<'static>, msnp_proto::message::MessageError> {
    let mut dec = Decoder::new(d, Limits::default());
    match dec.decode(wire) {
        Ok(Status::Complete { value, consumed }) => {
            assert_eq!(consumed, wire.len());
            Message::decode(&value, &d).map(|m| m.into_owned())
        }
        other => panic!("{other:?}"),
    }
}

/// An error reply with a TrID may carry numeric parameters; without a TrID slot, a leading
/// number that is not a TrID is refused (it would read back as one).
#[test]
fn numeric_parameters_after_a_trid() {
    let d =
        Dialect::notification(ProtocolVersion::Msnp12).with_direction(Direction::ServerToClient);
    match typed(d, b"911 4 12\r\n") {
        Ok(Message::Error(e)) => {
            assert_eq!(e.code.0, 911);
            assert_eq!(e.trid, Some(TrId(4)));
            assert_eq!(e.params.len(), 1);
            assert_eq!(e.params[0].as_str(), "12");
        }
        other => panic!("{other:?}"),
    }
    // A TrID out of range is no TrID: the number would read back as one.
    assert!(typed(d, b"911 99999999999 x\r\n").is_err());
}
