//! The `Context` of a session-request INVITE (p2p.md §5.6): the file-transfer structure and
//! the MSNObject, both base64 in the header.
//!
//! ```
//! use msnp_proto::p2p::context::FtContext;
//! let ctx = FtContext::new("report.pdf", 48213);
//! let b64 = ctx.to_base64();
//! let back = FtContext::from_base64(&b64).unwrap();
//! assert_eq!(back.file_name(), "report.pdf");
//! assert_eq!(back.file_size, 48213);
//! assert_eq!(back.to_bytes(), ctx.to_bytes());
//! ```

use std::borrow::Cow;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;

use super::error::P2pError;
use crate::payload::msnobj::MsnObject;
use crate::payload::xml::XmlLimits;

/// Bytes of the version-2 structure, the minimum a decoder accepts.
pub const FT_CONTEXT_V2_LEN: usize = 574;
/// Bytes of the version-3 structure (WLM 8.x, msnp-sharp).
pub const FT_CONTEXT_V3_LEN: usize = 638;
/// UTF-16 code units of the name field (MAX_PATH).
pub const FILE_NAME_UNITS: usize = 260;
/// The largest decoded context accepted (a 96×96 preview is a few KB; the SLP message is
/// capped at 64 KiB anyway).
pub const MAX_CONTEXT_LEN: usize = 64 * 1024;

const NAME_AT: usize = 20;
const NAME_LEN: usize = FILE_NAME_UNITS * 2;
const RESERVED_AT: usize = NAME_AT + NAME_LEN;
const RESERVED_LEN: usize = 30;
const UNKNOWN2_AT: usize = RESERVED_AT + RESERVED_LEN;

/// `Type` values.
pub mod ft_type {
    /// A preview image follows the structure.
    pub const PREVIEW: u32 = 0;
    /// No preview.
    pub const NO_PREVIEW: u32 = 1;
    /// Background sharing (msnp-sharp).
    pub const BACKGROUND: u32 = 4;
}

/// The file-transfer context: a little-endian structure with the UTF-16LE file name.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct FtContext<'a> {
    /// `Length` field: 574 (version 2) or 638 (version 3); where the preview starts.
    pub length: u32,
    /// 2 or 3.
    pub version: u32,
    /// Size of the file in bytes.
    pub file_size: u64,
    /// `Type` ([`ft_type`]).
    pub ft_type: u32,
    /// The 520-byte name field as sent (UTF-16LE, NUL-padded); see
    /// [`file_name`](Self::file_name).
    #[cfg_attr(feature = "serde", serde(serialize_with = "crate::payload::serde_b64"))]
    pub name_field: Cow<'a, [u8]>,
    /// The 30 bytes after the name (zeros).
    #[cfg_attr(feature = "serde", serde(serialize_with = "crate::payload::serde_b64"))]
    pub reserved: Cow<'a, [u8]>,
    /// The u32 at offset 570 (`0xFFFFFFFF`; `0xFFFFFFFE` backgrounds; 0 from Tachyon).
    pub unknown2: u32,
    /// Bytes from 574 up to `Length` (version 3: 64 zeros), as many as present.
    #[cfg_attr(feature = "serde", serde(serialize_with = "crate::payload::serde_b64"))]
    pub extension: Cow<'a, [u8]>,
    /// Bytes after `max(574, Length)`: the preview image when `ft_type` is 0.
    #[cfg_attr(feature = "serde", serde(serialize_with = "crate::payload::serde_b64"))]
    pub tail: Cow<'a, [u8]>,
}

fn le32(b: &[u8], at: usize) -> u32 {
    b.get(at..at + 4)
        .and_then(|s| <[u8; 4]>::try_from(s).ok())
        .map_or(0, u32::from_le_bytes)
}

impl<'a> FtContext<'a> {
    /// Reads the decoded structure: at least 574 bytes, fields at fixed offsets (p2p.md §5.6).
    pub fn parse(bytes: &'a [u8]) -> Result<Self, P2pError> {
        if bytes.len() < FT_CONTEXT_V2_LEN {
            return Err(P2pError::TooShort {
                what: "file-transfer context",
                needed: FT_CONTEXT_V2_LEN,
                got: bytes.len(),
            });
        }
        if bytes.len() > MAX_CONTEXT_LEN {
            return Err(P2pError::LengthMismatch {
                what: "file-transfer context (limit)",
                declared: MAX_CONTEXT_LEN as u64,
                present: bytes.len() as u64,
            });
        }
        let length = le32(bytes, 0);
        let ext_end = (length as usize).clamp(FT_CONTEXT_V2_LEN, bytes.len());
        let size = bytes
            .get(8..16)
            .and_then(|s| <[u8; 8]>::try_from(s).ok())
            .map_or(0, u64::from_le_bytes);
        let part = |a: usize, b: usize| Cow::Borrowed(bytes.get(a..b).unwrap_or_default());
        Ok(Self {
            length,
            version: le32(bytes, 4),
            file_size: size,
            ft_type: le32(bytes, 16),
            name_field: part(NAME_AT, RESERVED_AT),
            reserved: part(RESERVED_AT, UNKNOWN2_AT),
            unknown2: le32(bytes, UNKNOWN2_AT),
            extension: part(FT_CONTEXT_V2_LEN, ext_end),
            tail: part(ext_end, bytes.len()),
        })
    }

    /// Decodes the base64 `Context` value, then [`parse`](Self::parse)s it. Undecodable
    /// base64 is a typed error (CVE-2010-3711), as is a value longer than
    /// [`MAX_CONTEXT_LEN`] decoded.
    pub fn from_base64(context: &str) -> Result<FtContext<'static>, P2pError> {
        let bytes = decode_context(context)?;
        FtContext::parse(&bytes).map(FtContext::into_owned)
    }

    /// A version-2 context without preview, as libpurple sends it.
    pub fn new(file_name: &str, file_size: u64) -> FtContext<'static> {
        let mut name = Vec::with_capacity(NAME_LEN);
        for u in file_name.encode_utf16().take(FILE_NAME_UNITS - 1) {
            name.extend_from_slice(&u.to_le_bytes());
        }
        name.resize(NAME_LEN, 0);
        FtContext {
            length: FT_CONTEXT_V2_LEN as u32,
            version: 2,
            file_size,
            ft_type: ft_type::NO_PREVIEW,
            name_field: Cow::Owned(name),
            reserved: Cow::Owned(vec![0; RESERVED_LEN]),
            unknown2: u32::MAX,
            extension: Cow::Borrowed(&[]),
            tail: Cow::Borrowed(&[]),
        }
    }

    /// The file name: the UTF-16LE name field up to its first NUL (unpaired surrogates
    /// replaced). Untrusted: see [`sanitized_file_name`](Self::sanitized_file_name).
    pub fn file_name(&self) -> String {
        let units = self
            .name_field
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .take_while(|&u| u != 0);
        char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect()
    }

    /// The name as display text (p2p.md §11.2 item 13): the last path component (after `/`
    /// or `\`), control characters removed, `.`/`..` and empty names replaced by `_`.
    pub fn sanitized_file_name(&self) -> String {
        sanitize_file_name(&self.file_name())
    }

    /// The preview image, when `ft_type` says one follows.
    pub fn preview(&self) -> Option<&[u8]> {
        (self.ft_type == ft_type::PREVIEW && !self.tail.is_empty()).then_some(&self.tail[..])
    }

    /// Encodes the structure; a parsed context gives back its bytes. The name and reserved
    /// fields are padded with zeros or cut to their sizes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out =
            Vec::with_capacity(FT_CONTEXT_V2_LEN + self.extension.len() + self.tail.len());
        out.extend_from_slice(&self.length.to_le_bytes());
        out.extend_from_slice(&self.version.to_le_bytes());
        out.extend_from_slice(&self.file_size.to_le_bytes());
        out.extend_from_slice(&self.ft_type.to_le_bytes());
        let mut fixed = |field: &[u8], len: usize| {
            let take = field.len().min(len);
            out.extend_from_slice(field.get(..take).unwrap_or_default());
            out.resize(out.len() + (len - take), 0);
        };
        fixed(&self.name_field, NAME_LEN);
        fixed(&self.reserved, RESERVED_LEN);
        out.extend_from_slice(&self.unknown2.to_le_bytes());
        out.extend_from_slice(&self.extension);
        out.extend_from_slice(&self.tail);
        out
    }

    /// The base64 `Context` value.
    pub fn to_base64(&self) -> String {
        B64.encode(self.to_bytes())
    }

    /// Owned copy.
    pub fn into_owned(self) -> FtContext<'static> {
        FtContext {
            name_field: Cow::Owned(self.name_field.into_owned()),
            reserved: Cow::Owned(self.reserved.into_owned()),
            extension: Cow::Owned(self.extension.into_owned()),
            tail: Cow::Owned(self.tail.into_owned()),
            ..self
        }
    }
}

/// A file name made safe to show or to use as a last path component.
pub fn sanitize_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = last.chars().filter(|c| !c.is_control()).collect();
    let clean = clean.trim().to_owned();
    if clean.is_empty() || clean == "." || clean == ".." {
        "_".to_owned()
    } else {
        clean
    }
}

/// Base64-decodes a `Context` value (blanks trimmed), refusing more than
/// [`MAX_CONTEXT_LEN`] decoded bytes before decoding.
pub fn decode_context(context: &str) -> Result<Vec<u8>, P2pError> {
    let c = context.trim();
    if c.len() / 4 * 3 > MAX_CONTEXT_LEN {
        return Err(P2pError::invalid(
            "Context",
            c,
            "longer than the context limit",
        ));
    }
    B64.decode(c)
        .map_err(|_| P2pError::invalid("Context", c, "not base64"))
}

/// The MSNObject of an MSNObject-session `Context`: base64-decode, strip trailing NULs
/// (papyon does: some sender adds one), parse the `<msnobj>` (p2p.md §5.6). The owner must
/// look the object up by `SHA1D`, never by `Location` (CVE-2010-0013).
pub fn msnobj_from_context(context: &str, limits: &XmlLimits) -> Result<MsnObject, P2pError> {
    let bytes = decode_context(context)?;
    let end = bytes.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
    let xml =
        std::str::from_utf8(bytes.get(..end).unwrap_or_default()).map_err(|e| P2pError::Utf8 {
            offset: e.valid_up_to(),
        })?;
    MsnObject::parse(xml, limits).map_err(P2pError::MsnObject)
}

/// The `Context` value for an MSNObject: base64 of its XML, without a terminator.
pub fn msnobj_to_context(obj: &MsnObject) -> String {
    B64.encode(obj.to_xml())
}
