//! The tokio-util codec in a small async loop: a client and a toy server talk over an in-memory
//! duplex pipe, each side framing what it reads with `MsnpCodec` and writing commands with it.
//!
//! ```sh
//! cargo run -p msnp-proto --features tokio-util --example codec
//! ```

use bytes::BytesMut;
use msnp_proto::codec::MsnpCodec;
use msnp_proto::error::DecodeError;
use msnp_proto::{Dialect, Direction, Limits, OwnedCommand, ProtocolVersion, TrId, Verb};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio_util::codec::{Decoder, Encoder};

type Item = Result<OwnedCommand, DecodeError>;

/// The next framed item from `io`, or `None` at the end of the stream.
async fn next_item(
    io: &mut (impl AsyncRead + Unpin),
    codec: &mut MsnpCodec,
    buf: &mut BytesMut,
) -> std::io::Result<Option<Item>> {
    loop {
        if let Some(item) = codec.decode(buf)? {
            return Ok(Some(item));
        }
        if io.read_buf(buf).await? == 0 {
            return codec.decode_eof(buf);
        }
    }
}

fn dialect(direction: Direction) -> Dialect {
    Dialect::notification(ProtocolVersion::Msnp12).with_direction(direction)
}

/// Builds a command from its parts (the payload-less ones this example needs).
fn command(d: Direction, verb: Verb, trid: Option<u32>, args: &[&str]) -> OwnedCommand {
    OwnedCommand::build(&dialect(d), verb, trid.map(TrId), args, None::<&[u8]>)
        .expect("a valid command")
}

/// Answers `VER` with the version and `PNG` with `QNG 50`; reports garbled lines and goes on;
/// stops at `OUT`. Returns how many lines it could not frame.
async fn server(mut io: tokio::io::DuplexStream) -> std::io::Result<usize> {
    let mut codec = MsnpCodec::new(dialect(Direction::ClientToServer), Limits::default());
    let mut buf = BytesMut::new();
    let mut out = BytesMut::new();
    let mut garbled = 0;
    while let Some(item) = next_item(&mut io, &mut codec, &mut buf).await? {
        let cmd = match item {
            Ok(cmd) => cmd,
            Err(e) => {
                eprintln!("server: skipped a garbled line: {e}");
                garbled += 1;
                continue;
            }
        };
        let raw = cmd.as_raw();
        let reply = match raw.verb() {
            Verb::VER => command(
                Direction::ServerToClient,
                Verb::VER,
                raw.trid().map(|t| t.0),
                &["MSNP12"],
            ),
            Verb::PNG => command(Direction::ServerToClient, Verb::QNG, None, &["50"]),
            Verb::OUT => break,
            other => {
                eprintln!("server: ignoring {other}");
                continue;
            }
        };
        codec.encode(reply, &mut out)?;
        io.write_all(&out).await?;
        out.clear();
    }
    Ok(garbled)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    let (mut client_io, server_io) = tokio::io::duplex(4096);
    let server = tokio::spawn(server(server_io));

    let mut codec = MsnpCodec::new(dialect(Direction::ServerToClient), Limits::default());
    let mut out = BytesMut::new();
    let c = Direction::ClientToServer;
    codec.encode(
        command(c, Verb::VER, Some(1), &["MSNP12", "CVR0"]),
        &mut out,
    )?;
    codec.encode(command(c, Verb::PNG, None, &[]), &mut out)?;
    // A line no codec can frame: the server's stream goes on after it.
    out.extend_from_slice(b"\x01\x02 not a command\r\n");
    codec.encode(command(c, Verb::PNG, None, &[]), &mut out)?;
    codec.encode(command(c, Verb::OUT, None, &[]), &mut out)?;
    client_io.write_all(&out).await?;

    // Read the replies until the server hangs up.
    let mut buf = BytesMut::new();
    let mut replies = Vec::new();
    while let Some(item) = next_item(&mut client_io, &mut codec, &mut buf).await? {
        let reply = item.map_err(std::io::Error::other)?;
        print!("S: {}", String::from_utf8_lossy(reply.frame()));
        replies.push(reply.as_raw().verb());
    }
    let garbled = server.await.map_err(std::io::Error::other)??;
    assert_eq!(replies, [Verb::VER, Verb::QNG, Verb::QNG]);
    assert_eq!(garbled, 1);
    eprintln!("{} replies, {garbled} garbled line skipped", replies.len());
    Ok(())
}
