//! Builds commands, typed and raw, encodes them to wire bytes, and decodes the bytes back.
//!
//! ```sh
//! cargo run -p msnp-proto --example encode
//! ```

use msnp_proto::message::session::Out;
use msnp_proto::message::{Chg, Message, Ver, VersionName};
use msnp_proto::{
    ClientCapabilities, Decoder, Dialect, Direction, Limits, OwnedCommand, PresenceStatus,
    ProtocolVersion, Status, TrId, TrIdCounter, Verb,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // What a client sends to an MSNP12 notification server.
    let dialect =
        Dialect::notification(ProtocolVersion::Msnp12).with_direction(Direction::ClientToServer);
    let mut trids = TrIdCounter::default();

    let mut wire = Vec::new();
    // Typed messages: the fields, not the argument order, are what one writes; each dialect
    // encodes them its own way.
    let typed = [
        Message::Ver(Ver {
            trid: trids.next_id(),
            versions: vec![
                VersionName::Known(ProtocolVersion::Msnp12),
                VersionName::Known(ProtocolVersion::Cvr0),
            ],
        }),
        Message::Chg(Chg {
            trid: trids.next_id(),
            status: PresenceStatus::Online,
            capabilities: Some(ClientCapabilities::new(0x4000_0024)),
            msn_object: None,
        }),
    ];
    for msg in &typed {
        msg.encode_to_vec(&dialect, &mut wire)?;
    }
    // A raw command: verb, TrID, arguments and a payload; the length is computed.
    let uux = OwnedCommand::build(
        &dialect,
        Verb::UUX,
        Some(trids.next_id()),
        [] as [&[u8]; 0],
        Some(&b"<Data><PSM>Hello</PSM><CurrentMedia></CurrentMedia></Data>"[..]),
    )?;
    wire.extend_from_slice(uux.frame());
    Message::Out(Out::default()).encode_to_vec(&dialect, &mut wire)?;
    print!("{}", String::from_utf8_lossy(&wire));

    // Decode the bytes again: the same commands come back.
    let mut decoder = Decoder::new(dialect, Limits::default());
    let mut rest = &wire[..];
    let mut verbs = Vec::new();
    while let Status::Complete { value, consumed } = decoder.decode(rest)? {
        let typed = Message::decode(&value, &dialect)?;
        // Re-encoding a decoded message gives back its exact bytes.
        assert_eq!(typed.to_vec(&dialect)?, &rest[..consumed]);
        verbs.push(value.verb());
        rest = &rest[consumed..];
    }
    assert!(rest.is_empty());
    assert_eq!(verbs, [Verb::VER, Verb::CHG, Verb::UUX, Verb::OUT]);
    assert_eq!(trids.next_id(), TrId(4));
    eprintln!(
        "{} commands, {} bytes, decoded back",
        verbs.len(),
        wire.len()
    );
    Ok(())
}
