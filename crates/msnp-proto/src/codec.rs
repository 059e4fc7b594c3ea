//! A [`tokio_util::codec`] adapter (feature `tokio-util`): frames a byte stream into
//! [`OwnedCommand`]s that share the read buffer's allocation, and writes commands back.
//!
//! Decode errors do not end the stream: they arrive as `Err` items and decoding resumes at the
//! next line, so one garbled line never loses what follows. Only I/O errors end it.

use bytes::{BufMut, BytesMut};

use crate::error::DecodeError;
use crate::raw::{OwnedCommand, RawCommand};
use crate::version::Dialect;
use crate::wire::{Decoder, Limits};

/// The codec: a [`Decoder`] over a `BytesMut` read buffer.
#[derive(Debug, Clone)]
pub struct MsnpCodec {
    decoder: Decoder,
}

impl MsnpCodec {
    /// A codec for `dialect` with `limits`.
    pub fn new(dialect: Dialect, limits: Limits) -> Self {
        Self {
            decoder: Decoder::new(dialect, limits),
        }
    }

    /// The underlying decoder (to change dialect after `VER`, for example).
    pub fn decoder_mut(&mut self) -> &mut Decoder {
        &mut self.decoder
    }
}

impl tokio_util::codec::Decoder for MsnpCodec {
    type Item = Result<OwnedCommand, DecodeError>;
    type Error = std::io::Error;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Self::Item>, Self::Error> {
        Ok(self.decoder.decode_split(src).transpose())
    }

    fn decode_eof(&mut self, src: &mut BytesMut) -> Result<Option<Self::Item>, Self::Error> {
        if let Some(item) = self.decode(src)? {
            return Ok(Some(item));
        }
        let err = self.decoder.finish(src);
        src.clear();
        Ok(err.map(Err))
    }
}

impl tokio_util::codec::Encoder<OwnedCommand> for MsnpCodec {
    type Error = std::io::Error;
    fn encode(&mut self, item: OwnedCommand, dst: &mut BytesMut) -> Result<(), Self::Error> {
        dst.put_slice(item.frame());
        Ok(())
    }
}

impl tokio_util::codec::Encoder<&RawCommand<'_>> for MsnpCodec {
    type Error = std::io::Error;
    fn encode(&mut self, item: &RawCommand<'_>, dst: &mut BytesMut) -> Result<(), Self::Error> {
        dst.put_slice(item.as_bytes());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::version::{Direction, ProtocolVersion};
    use tokio_util::codec::Decoder as _;

    #[test]
    fn frames_share_the_buffer_and_errors_do_not_end_the_stream() {
        let d = Dialect::notification(ProtocolVersion::Msnp12)
            .with_direction(Direction::ServerToClient);
        let mut codec = MsnpCodec::new(d, Limits::default());
        let mut buf =
            BytesMut::from(&b"QNG 45\r\nXYZ \x00\r\nUBX bob@hotmail.com 7\r\n<Data/>CHL 0 1"[..]);
        let first = codec.decode(&mut buf).unwrap().unwrap().unwrap();
        assert_eq!(first.as_raw().line(), b"QNG 45");
        assert!(codec.decode(&mut buf).unwrap().unwrap().is_err());
        let ubx = codec.decode(&mut buf).unwrap().unwrap().unwrap();
        assert_eq!(ubx.as_raw().payload(), Some(&b"<Data/>"[..]));
        assert!(codec.decode(&mut buf).unwrap().is_none());
        let eof = codec.decode_eof(&mut buf).unwrap().unwrap();
        assert!(eof.is_err());
        assert!(codec.decode_eof(&mut buf).unwrap().is_none());
    }
}
