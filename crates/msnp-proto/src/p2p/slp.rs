//! MSNSLP: the SIP-like signalling carried in session 0 (p2p.md §5).
//!
//! [`SlpMessage`] is the framing (start line, headers, `Content-Length` body, NUL) and keeps
//! the wire form, so a parsed message re-encodes byte for byte. The typed views — header
//! values ([`SlpMessage::call_id`], …), the session-request body ([`SessionRequest`]) and
//! the other bodies ([`SlpBody`]) — are read on demand and report what is missing or invalid,
//! so a caller can answer `500` instead of failing (CVE-2009-3083, CVE-2010-0277).
//!
//! ```
//! use msnp_proto::p2p::slp::{SlpMessage, StartLine, SlpContentType, SessionRequest, euf_guid};
//! let text = "INVITE MSNMSGR:bob@example.com MSNSLP/1.0\r\nTo: <msnmsgr:bob@example.com>\r\n\
//!     From: <msnmsgr:alice@example.com>\r\nVia: MSNSLP/1.0/TLP ;branch={5B2E1C0A-7D34-4F8E-9A61-C3B7D0E4F281}\r\n\
//!     CSeq: 0 \r\nCall-ID: {C0D1E2F3-A4B5-4C6D-8E7F-901A2B3C4D5E}\r\nMax-Forwards: 0\r\n\
//!     Content-Type: application/x-msnmsgr-sessionreqbody\r\nContent-Length: 77\r\n\r\n\
//!     EUF-GUID: {A4268EEC-FEC5-49E5-95C3-F126696BDBF6}\r\nSessionID: 7\r\nAppID: 1\r\n\r\n\0";
//! let m = SlpMessage::parse(text.as_bytes()).unwrap();
//! assert!(matches!(&m.start_line, StartLine::Request { method, .. } if method == "INVITE"));
//! m.validate().unwrap();
//! assert_eq!(m.cseq().unwrap(), 0);
//! assert_eq!(m.content_type().unwrap(), SlpContentType::SessionRequest);
//! let req = SessionRequest::from_body(&m.body().unwrap()).unwrap();
//! assert_eq!((req.euf_guid, req.session_id, req.app_id), (euf_guid::MSNOBJ, 7, 1));
//! assert_eq!(m.to_bytes().unwrap(), text.as_bytes());
//! ```

use std::borrow::Cow;
use std::fmt;

use super::error::P2pError;
use crate::network::Handle;
use crate::num::{LeadingZeros, parse_u32};
use crate::payload::headers::{MimeHeaders, parse_header_lines};

/// The protocol token of start lines.
pub const SLP_VERSION: &str = "MSNSLP/1.0";
/// The URI scheme of request lines and `To`/`From`.
pub const URI_SCHEME: &str = "MSNMSGR:";
/// The largest SLP message accepted by the reassembler by default (p2p.md §11.2 item 3).
pub const MAX_SLP_SIZE: usize = 64 * 1024;

/// A braced GUID, `{8-4-4-4-12}` hex, compared case-insensitively.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(into = "String"))]
pub struct Guid(pub u128);

impl Guid {
    /// Reads `{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}` (either case, surrounding blanks
    /// ignored).
    pub fn parse(s: &str) -> Option<Self> {
        let inner = s.trim().strip_prefix('{')?.strip_suffix('}')?;
        let groups: Vec<&str> = inner.split('-').collect();
        if groups.iter().map(|g| g.len()).collect::<Vec<_>>() != [8, 4, 4, 4, 12] {
            return None;
        }
        groups
            .iter()
            .try_fold(0u128, |n, g| {
                g.bytes().try_fold(n, |n, b| {
                    let d = char::from(b).to_digit(16)?;
                    Some((n << 4) | u128::from(d))
                })
            })
            .map(Self)
    }

    /// Lower-case braced form, as WLM 2009 writes endpoint GUIDs.
    pub fn to_lowercase(self) -> String {
        self.to_string().to_ascii_lowercase()
    }
}

impl fmt::Display for Guid {
    /// Upper-case braced form, as `Call-ID` and `branch` are written.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let h = format!("{:032X}", self.0);
        let g = |a: usize, b: usize| h.get(a..b).unwrap_or_default();
        write!(
            f,
            "{{{}-{}-{}-{}-{}}}",
            g(0, 8),
            g(8, 12),
            g(12, 16),
            g(16, 20),
            g(20, 32)
        )
    }
}

impl From<Guid> for String {
    fn from(g: Guid) -> Self {
        g.to_string()
    }
}

/// The application GUIDs of `EUF-GUID` (p2p.md §5.5).
pub mod euf_guid {
    use super::Guid;
    /// MSNObject transfer: display picture, custom emoticon, voice clip, scene, wink.
    pub const MSNOBJ: Guid = Guid(0xA4268EEC_FEC5_49E5_95C3_F126696BDBF6);
    /// File transfer.
    pub const FILE_TRANSFER: Guid = Guid(0x5D3E02AB_6190_11D3_BBBB_00C04F795683);
    /// Webcam: the inviter offers its camera.
    pub const WEBCAM_SEND: Guid = Guid(0x4BD96FC0_AB17_4425_A14A_439185962DC8);
    /// Webcam: the inviter asks to see the invitee's camera.
    pub const WEBCAM_RECEIVE: Guid = Guid(0x1C9AA97E_9C05_4583_A3BD_908A196F1E92);
    /// Activities / games.
    pub const ACTIVITY: Guid = Guid(0x6A13AF9C_5308_4F35_923A_67E8DDA40C2F);
    /// Photo sharing.
    pub const PHOTO_SHARING: Guid = Guid(0x41D3E74E_04A2_4B37_96F8_08ACDB610874);
    /// Winks (aMSN).
    pub const WINKS: Guid = Guid(0xE073B06B_636E_45B7_ACA4_6D4B5978C93C);
    /// Shared folders (aMSN).
    pub const SHARED_FOLDERS: Guid = Guid(0x534142D5_1F2A_431F_A60C_B0CF723FDF7D);
}

/// Request methods seen on the wire.
pub mod method {
    /// Open a session or negotiate a transport.
    pub const INVITE: &str = "INVITE";
    /// Close a session.
    pub const BYE: &str = "BYE";
    /// Acknowledgement (papyon).
    pub const ACK: &str = "ACK";
}

/// The first line of an MSNSLP message.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(tag = "kind", rename_all = "snake_case"))]
pub enum StartLine<'a> {
    /// `METHOD MSNMSGR:address MSNSLP/1.0`.
    Request {
        /// `INVITE`, `BYE`, … (upper-case letters).
        method: Cow<'a, str>,
        /// The address after `MSNMSGR:` (`handle` or `handle;{guid}`); not validated, since
        /// libpurple writes its own handle in a BYE.
        uri: Cow<'a, str>,
    },
    /// `MSNSLP/1.0 code reason`.
    Status {
        /// Three-digit status code; compare numerically.
        code: u16,
        /// Free text (`OK`, `Decline`, `DECLINE`, …).
        reason: Cow<'a, str>,
    },
}

impl<'a> StartLine<'a> {
    fn parse(line: &'a str) -> Result<Self, P2pError> {
        let bad = |offset, reason| P2pError::Slp { offset, reason };
        if let Some(at) = line.find(['\r', '\n']) {
            return Err(bad(at, "CR or LF inside the start line"));
        }
        if let Some(rest) = line.strip_prefix(SLP_VERSION) {
            let rest = rest
                .strip_prefix(' ')
                .ok_or_else(|| bad(SLP_VERSION.len(), "expected a space after MSNSLP/1.0"))?;
            let (code, reason) = match rest.split_once(' ') {
                Some((c, r)) if !r.is_empty() => (c, r),
                Some(_) => return Err(bad(line.len(), "empty reason phrase after a space")),
                None => (rest, ""),
            };
            let at = SLP_VERSION.len() + 1;
            let code = (code.len() == 3)
                .then(|| parse_u32(code.as_bytes(), LeadingZeros::Reject))
                .flatten()
                .and_then(|c| u16::try_from(c).ok())
                .ok_or_else(|| bad(at, "status code is not three digits"))?;
            return Ok(Self::Status {
                code,
                reason: Cow::Borrowed(reason),
            });
        }
        let (method, rest) = line
            .split_once(' ')
            .ok_or_else(|| bad(0, "request line without a space"))?;
        if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(bad(0, "method is not upper-case letters"));
        }
        let at = method.len() + 1;
        let rest = rest
            .strip_prefix(URI_SCHEME)
            .ok_or_else(|| bad(at, "request URI does not start with MSNMSGR:"))?;
        let uri = rest
            .strip_suffix(SLP_VERSION)
            .and_then(|u| u.strip_suffix(' '))
            .ok_or_else(|| bad(line.len(), "request line does not end in ` MSNSLP/1.0`"))?;
        if uri.is_empty() || uri.contains(' ') {
            return Err(bad(
                at + URI_SCHEME.len(),
                "empty request URI or one with a space",
            ));
        }
        Ok(Self::Request {
            method: Cow::Borrowed(method),
            uri: Cow::Borrowed(uri),
        })
    }

    fn write(&self, out: &mut String) -> Result<(), P2pError> {
        let bad = |reason| P2pError::Build {
            what: "MSNSLP start line",
            reason,
        };
        match self {
            Self::Request { method, uri } => {
                if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
                    return Err(bad("method is not upper-case letters"));
                }
                if uri.is_empty() || uri.contains([' ', '\r', '\n']) {
                    return Err(bad("URI empty or with a space or CR/LF"));
                }
                out.push_str(method);
                out.push(' ');
                out.push_str(URI_SCHEME);
                out.push_str(uri);
                out.push(' ');
                out.push_str(SLP_VERSION);
            }
            Self::Status { code, reason } => {
                if !(100..=999).contains(code) {
                    return Err(bad("status code is not three digits"));
                }
                if reason.contains(['\r', '\n']) {
                    return Err(bad("reason contains CR/LF"));
                }
                out.push_str(SLP_VERSION);
                out.push(' ');
                out.push_str(&code.to_string());
                if !reason.is_empty() {
                    out.push(' ');
                    out.push_str(reason);
                }
            }
        }
        Ok(())
    }

    /// Owned copy.
    pub fn into_owned(self) -> StartLine<'static> {
        match self {
            Self::Request { method, uri } => StartLine::Request {
                method: Cow::Owned(method.into_owned()),
                uri: Cow::Owned(uri.into_owned()),
            },
            Self::Status { code, reason } => StartLine::Status {
                code,
                reason: Cow::Owned(reason.into_owned()),
            },
        }
    }
}

/// The `Content-Type` values of p2p.md §5.4.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum SlpContentType {
    /// `application/x-msnmsgr-sessionreqbody`: INVITE opening a session, its 200 / 603.
    SessionRequest,
    /// `application/x-msnmsgr-transreqbody`: INVITE proposing a direct connection.
    TransportRequest,
    /// `application/x-msnmsgr-transrespbody`: the answer to it.
    TransportResponse,
    /// `application/x-msnmsgr-sessionclosebody`: BYE.
    SessionClose,
    /// `application/x-msnmsgr-session-failure-respbody` (papyon).
    SessionFailure,
    /// `application/x-msnmsgr-transudpswitch` (papyon).
    TransUdpSwitch,
    /// `null`: 500 Internal Error with an empty body.
    Null,
    /// Anything else, as sent.
    Other(String),
}

impl SlpContentType {
    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            Self::SessionRequest => "application/x-msnmsgr-sessionreqbody",
            Self::TransportRequest => "application/x-msnmsgr-transreqbody",
            Self::TransportResponse => "application/x-msnmsgr-transrespbody",
            Self::SessionClose => "application/x-msnmsgr-sessionclosebody",
            Self::SessionFailure => "application/x-msnmsgr-session-failure-respbody",
            Self::TransUdpSwitch => "application/x-msnmsgr-transudpswitch",
            Self::Null => "null",
            Self::Other(s) => s,
        }
    }

    /// Reads a value (case-insensitive, trimmed).
    pub fn parse(v: &str) -> Self {
        let v = v.trim();
        [
            Self::SessionRequest,
            Self::TransportRequest,
            Self::TransportResponse,
            Self::SessionClose,
            Self::SessionFailure,
            Self::TransUdpSwitch,
            Self::Null,
        ]
        .into_iter()
        .find(|k| k.as_str().eq_ignore_ascii_case(v))
        .unwrap_or_else(|| Self::Other(v.to_owned()))
    }
}

/// One MSNSLP message: start line, headers (wire order, `Content-Length` included), and the
/// `Content-Length` bytes of body (normally ending in the NUL it counts).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SlpMessage<'a> {
    /// Request or status line.
    pub start_line: StartLine<'a>,
    /// Header lines in order.
    pub headers: MimeHeaders<'a>,
    /// Exactly `Content-Length` bytes after the blank line.
    pub body: Cow<'a, str>,
    /// NUL bytes after those (from a sender that does not count the NUL in
    /// `Content-Length`); 0 normally.
    pub trailing_nuls: usize,
}

/// Parses a decimal `u32` header or body value: trimmed, digits only (no sign, no overflow:
/// p2p.md §11.2 item 11).
pub(crate) fn decimal(field: &'static str, v: &str) -> Result<u32, P2pError> {
    parse_u32(v.trim().as_bytes(), LeadingZeros::Allow)
        .ok_or_else(|| P2pError::invalid(field, v, "not an unsigned 32-bit decimal"))
}

impl<'a> SlpMessage<'a> {
    /// Parses the text of one whole SLP message (the reassembled session-0 message). The text
    /// must be UTF-8; lines end in CRLF; header lines are `Name: value` (one space after the
    /// colon, `Name:` for an empty value, no folding); `Content-Length` is required, at most the bytes left
    /// after the blank line, and anything after those bytes may only be NULs.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, P2pError> {
        let text = std::str::from_utf8(bytes).map_err(|e| P2pError::Utf8 {
            offset: e.valid_up_to(),
        })?;
        let line_end = text.find("\r\n").ok_or(P2pError::Slp {
            offset: text.len(),
            reason: "no CRLF after the start line",
        })?;
        let start_line = StartLine::parse(text.get(..line_end).unwrap_or_default())?;
        let head_start = line_end + 2;
        let rest = text.get(head_start..).unwrap_or_default();
        let (headers, consumed) = parse_header_lines(rest, head_start)
            .map_err(|e| P2pError::invalid("MSNSLP header", &e.to_string(), "malformed header"))?;
        let head = rest.get(..consumed).unwrap_or_default();
        if !(head == "\r\n" || head.ends_with("\r\n\r\n")) {
            return Err(P2pError::Slp {
                offset: head_start + consumed,
                reason: "headers not ended by a CRLF blank line",
            });
        }
        // Only the form every client writes (`Name: value` CRLF, no folding) is accepted, so
        // a parsed message re-encodes to the same bytes.
        let mut canonical = Vec::with_capacity(head.len());
        let written = headers.write_to(&mut canonical);
        if written.is_err()
            || canonical.as_slice() != head.as_bytes().get(..head.len() - 2).unwrap_or_default()
        {
            let at = canonical
                .iter()
                .zip(head.as_bytes())
                .position(|(a, b)| a != b)
                .unwrap_or_else(|| canonical.len().min(head.len()));
            return Err(P2pError::Slp {
                offset: head_start + at,
                reason: "header line not in the form `Name: value` CRLF",
            });
        }
        let cl = headers
            .get("Content-Length")
            .ok_or(P2pError::Missing("Content-Length"))?;
        let cl = decimal("Content-Length", cl)? as usize;
        let body_start = head_start + consumed;
        let left = text.len() - body_start;
        if cl > left {
            return Err(P2pError::LengthMismatch {
                what: "MSNSLP Content-Length",
                declared: (body_start + cl) as u64,
                present: text.len() as u64,
            });
        }
        let body = text.get(body_start..body_start + cl).ok_or(P2pError::Slp {
            offset: body_start + cl,
            reason: "Content-Length ends inside a character",
        })?;
        let tail = text.get(body_start + cl..).unwrap_or_default();
        if let Some(i) = tail.bytes().position(|b| b != 0) {
            return Err(P2pError::Slp {
                offset: body_start + cl + i,
                reason: "bytes after Content-Length that are not NUL",
            });
        }
        Ok(Self {
            start_line,
            headers,
            body: Cow::Borrowed(body),
            trailing_nuls: tail.len(),
        })
    }

    /// A new message: `headers` must not hold `Content-Length`, which is appended as the body
    /// length plus the NUL that is appended to `body_text`.
    pub fn new(start_line: StartLine<'a>, mut headers: MimeHeaders<'a>, body_text: &str) -> Self {
        let body = format!("{body_text}\0");
        headers.push("Content-Length", body.len().to_string());
        Self {
            start_line,
            headers,
            body: Cow::Owned(body),
            trailing_nuls: 0,
        }
    }

    /// Encodes the message. Fails on CR/LF in a header, a bad start line, or a
    /// `Content-Length` header that differs from the body length.
    pub fn to_bytes(&self) -> Result<Vec<u8>, P2pError> {
        let mut line = String::new();
        self.start_line.write(&mut line)?;
        let cl = self
            .headers
            .get("Content-Length")
            .ok_or(P2pError::Missing("Content-Length"))?;
        if decimal("Content-Length", cl)? as usize != self.body.len() {
            return Err(P2pError::Build {
                what: "MSNSLP message",
                reason: "Content-Length differs from the body length",
            });
        }
        let mut out = Vec::with_capacity(line.len() + 256 + self.body.len() + self.trailing_nuls);
        out.extend_from_slice(line.as_bytes());
        out.extend_from_slice(b"\r\n");
        self.headers
            .write_to(&mut out)
            .map_err(|_| P2pError::Build {
                what: "MSNSLP headers",
                reason: "header name or value with CR/LF, or a bad name",
            })?;
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(self.body.as_bytes());
        out.resize(out.len() + self.trailing_nuls, 0);
        Ok(out)
    }

    /// The body without its terminating NUL(s).
    pub fn body_text(&self) -> &str {
        self.body.trim_end_matches('\0')
    }

    /// The body's `key: value` lines ([`SlpBody`]).
    pub fn body(&self) -> Result<SlpBody<'_>, P2pError> {
        SlpBody::parse(self.body_text())
    }

    fn required(&self, name: &'static str) -> Result<&str, P2pError> {
        self.headers.get(name).ok_or(P2pError::Missing(name))
    }

    /// `To`: the receiver's address.
    pub fn to_address(&self) -> Result<Handle<'_>, P2pError> {
        address("To", self.required("To")?)
    }

    /// `From`: the sender's address.
    pub fn from_address(&self) -> Result<Handle<'_>, P2pError> {
        address("From", self.required("From")?)
    }

    /// The `branch` GUID of `Via: MSNSLP/1.0/TLP ;branch={GUID}`.
    pub fn branch(&self) -> Result<Guid, P2pError> {
        let via = self.required("Via")?;
        let (_, b) = via
            .split_once(";branch=")
            .ok_or_else(|| P2pError::invalid("Via", via, "no ;branch="))?;
        Guid::parse(b).ok_or_else(|| P2pError::invalid("Via", via, "branch is not a GUID"))
    }

    /// `CSeq` (official clients write a trailing space).
    pub fn cseq(&self) -> Result<u32, P2pError> {
        decimal("CSeq", self.required("CSeq")?)
    }

    /// `Call-ID`.
    pub fn call_id(&self) -> Result<Guid, P2pError> {
        let v = self.required("Call-ID")?;
        Guid::parse(v).ok_or_else(|| P2pError::invalid("Call-ID", v, "not a braced GUID"))
    }

    /// `Content-Type`.
    pub fn content_type(&self) -> Result<SlpContentType, P2pError> {
        Ok(SlpContentType::parse(self.required("Content-Type")?))
    }

    /// Checks every header p2p.md §11.2 item 10 requires before any call state is created:
    /// `To`, `From`, `Via` with a branch, `CSeq`, `Call-ID`, `Content-Type` (and, already at
    /// parse time, `Content-Length`).
    pub fn validate(&self) -> Result<(), P2pError> {
        self.to_address()?;
        self.from_address()?;
        self.branch()?;
        self.cseq()?;
        self.call_id()?;
        self.content_type()?;
        Ok(())
    }

    /// A response to `request` (p2p.md §5.3): same `Call-ID` and `Via`, `To`/`From` swapped,
    /// `CSeq` + 1, then `Max-Forwards: 0`, `content_type` and the body.
    pub fn response_to(
        request: &SlpMessage<'_>,
        code: u16,
        reason: &str,
        content_type: &SlpContentType,
        body_text: &str,
    ) -> Result<SlpMessage<'static>, P2pError> {
        let mut h = MimeHeaders::default();
        h.push("To", request.required("From")?.to_owned());
        h.push("From", request.required("To")?.to_owned());
        h.push("Via", request.required("Via")?.to_owned());
        let cseq = request.cseq()?.checked_add(1).ok_or(P2pError::Build {
            what: "MSNSLP response",
            reason: "CSeq overflows",
        })?;
        h.push("CSeq", format!("{cseq} "));
        h.push("Call-ID", request.required("Call-ID")?.to_owned());
        h.push("Max-Forwards", "0");
        h.push("Content-Type", content_type.as_str().to_owned());
        Ok(SlpMessage::new(
            StartLine::Status {
                code,
                reason: Cow::Owned(reason.to_owned()),
            },
            h,
            body_text,
        ))
    }

    /// A request in the header order of the official clients: `To`, `From`, `Via`,
    /// `CSeq: n `, `Call-ID`, `Max-Forwards: 0`, `Content-Type`, `Content-Length`. `to` and
    /// `from` are addresses (`handle` or `handle;{guid}`); the URI is `to`.
    #[allow(clippy::too_many_arguments)]
    pub fn request(
        method: &str,
        to: &str,
        from: &str,
        branch: Guid,
        cseq: u32,
        call_id: Guid,
        content_type: &SlpContentType,
        body_text: &str,
    ) -> SlpMessage<'static> {
        let mut h = MimeHeaders::default();
        h.push("To", format!("<msnmsgr:{to}>"));
        h.push("From", format!("<msnmsgr:{from}>"));
        h.push("Via", format!("MSNSLP/1.0/TLP ;branch={branch}"));
        h.push("CSeq", format!("{cseq} "));
        h.push("Call-ID", call_id.to_string());
        h.push("Max-Forwards", "0");
        h.push("Content-Type", content_type.as_str().to_owned());
        SlpMessage::new(
            StartLine::Request {
                method: Cow::Owned(method.to_owned()),
                uri: Cow::Owned(to.to_owned()),
            },
            h,
            body_text,
        )
    }

    /// `MSNSLP/1.0 200 OK` accepting a session-request INVITE: body `SessionID: n`
    /// (p2p.md §6 row 3, §8.1 row 3).
    pub fn accept_session(
        invite: &SlpMessage<'_>,
        session_id: u32,
    ) -> Result<SlpMessage<'static>, P2pError> {
        let body = SlpBody::with_session_id(session_id).to_text()?;
        Self::response_to(invite, 200, "OK", &SlpContentType::SessionRequest, &body)
    }

    /// `MSNSLP/1.0 603 Decline` refusing a session-request INVITE: body `SessionID: n`
    /// (p2p.md §8.2, the escargot capture).
    pub fn decline_session(
        invite: &SlpMessage<'_>,
        session_id: u32,
    ) -> Result<SlpMessage<'static>, P2pError> {
        let body = SlpBody::with_session_id(session_id).to_text()?;
        Self::response_to(
            invite,
            603,
            "Decline",
            &SlpContentType::SessionRequest,
            &body,
        )
    }

    /// `MSNSLP/1.0 500 Internal Error` with `Content-Type: null` and an empty body, for a
    /// malformed or unsupported request (p2p.md §5.2).
    pub fn internal_error(request: &SlpMessage<'_>) -> Result<SlpMessage<'static>, P2pError> {
        Self::response_to(request, 500, "Internal Error", &SlpContentType::Null, "")
    }

    /// The `200 OK` answering a transport request (transreqbody INVITE) so that the transfer
    /// stays on the switchboard ([`SlpBody::stay_on_switchboard`], p2p.md §9.4).
    pub fn stay_on_switchboard(request: &SlpMessage<'_>) -> Result<SlpMessage<'static>, P2pError> {
        let body = SlpBody::stay_on_switchboard().to_text()?;
        Self::response_to(
            request,
            200,
            "OK",
            &SlpContentType::TransportResponse,
            &body,
        )
    }

    /// A `BYE` closing session `session_id` of call `call_id`: URI and `To` are the peer's
    /// address, CSeq 0, `sessionclosebody` with `SessionID: n` (msnp-sharp, papyon).
    pub fn bye(
        to: &str,
        from: &str,
        branch: Guid,
        call_id: Guid,
        session_id: u32,
    ) -> Result<SlpMessage<'static>, P2pError> {
        let body = SlpBody::with_session_id(session_id).to_text()?;
        Ok(Self::request(
            method::BYE,
            to,
            from,
            branch,
            0,
            call_id,
            &SlpContentType::SessionClose,
            &body,
        ))
    }

    /// An `INVITE` opening a session with `request` as its sessionreqbody, CSeq 0.
    pub fn session_invite(
        to: &str,
        from: &str,
        branch: Guid,
        call_id: Guid,
        request: &SessionRequest,
    ) -> Result<SlpMessage<'static>, P2pError> {
        let body = request.to_body().to_text()?;
        Ok(Self::request(
            method::INVITE,
            to,
            from,
            branch,
            0,
            call_id,
            &SlpContentType::SessionRequest,
            &body,
        ))
    }

    /// The status code, for a response.
    pub fn status_code(&self) -> Option<u16> {
        match &self.start_line {
            StartLine::Status { code, .. } => Some(*code),
            StartLine::Request { .. } => None,
        }
    }

    /// The method, for a request.
    pub fn method(&self) -> Option<&str> {
        match &self.start_line {
            StartLine::Request { method, .. } => Some(method),
            StartLine::Status { .. } => None,
        }
    }

    /// Owned copy.
    pub fn into_owned(self) -> SlpMessage<'static> {
        SlpMessage {
            start_line: self.start_line.into_owned(),
            headers: self.headers.into_owned(),
            body: Cow::Owned(self.body.into_owned()),
            trailing_nuls: self.trailing_nuls,
        }
    }
}

/// `<msnmsgr:address>` → the address as a [`Handle`] (its `endpoint()` is the `{guid}`).
fn address<'v>(field: &'static str, v: &'v str) -> Result<Handle<'v>, P2pError> {
    let inner = v
        .trim()
        .strip_prefix('<')
        .and_then(|s| s.strip_suffix('>'))
        .and_then(|s| {
            s.get(..8)
                .filter(|p| p.eq_ignore_ascii_case("msnmsgr:"))
                .and_then(|_| s.get(8..))
        })
        .ok_or_else(|| P2pError::invalid(field, v, "not <msnmsgr:address>"))?;
    Handle::parse(inner).map_err(|_| P2pError::invalid(field, v, "not a handle"))
}

/// The `key: value` lines of an SLP body, in order (p2p.md §5.5: any order, unknown keys
/// kept).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct SlpBody<'a> {
    /// The lines.
    pub fields: MimeHeaders<'a>,
}

impl<'a> SlpBody<'a> {
    /// Reads the lines of a body text (without its NUL). An empty text and a lone CRLF
    /// (libpurple's BYE) have no fields.
    pub fn parse(text: &'a str) -> Result<Self, P2pError> {
        let (fields, _) = parse_header_lines(text, 0)
            .map_err(|e| P2pError::invalid("MSNSLP body", &e.to_string(), "malformed body line"))?;
        // A bare CR inside a line could never be written back.
        if let Some(h) = fields
            .0
            .iter()
            .find(|h| h.name.contains('\r') || h.value.contains('\r'))
        {
            return Err(P2pError::invalid(
                "MSNSLP body",
                &h.name,
                "bare CR inside a line",
            ));
        }
        Ok(Self { fields })
    }

    /// The body text: the lines and the closing blank line (without the NUL).
    pub fn to_text(&self) -> Result<String, P2pError> {
        let mut out = Vec::new();
        self.fields
            .write_to(&mut out)
            .map_err(|_| P2pError::Build {
                what: "MSNSLP body",
                reason: "key or value with CR/LF, or a bad key",
            })?;
        out.extend_from_slice(b"\r\n");
        String::from_utf8(out).map_err(|_| P2pError::Build {
            what: "MSNSLP body",
            reason: "not UTF-8",
        })
    }

    /// First value of `key` (case-insensitive).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields.get(key)
    }

    /// `SessionID`, when present (200 / 603 / BYE bodies).
    pub fn session_id(&self) -> Result<Option<u32>, P2pError> {
        self.get("SessionID")
            .map(|v| decimal("SessionID", v))
            .transpose()
    }

    /// The body `SessionID: n` of a 200 OK / 603 Decline / BYE (msnp-sharp, papyon).
    pub fn with_session_id(session_id: u32) -> SlpBody<'static> {
        let mut fields = MimeHeaders::default();
        fields.push("SessionID", session_id.to_string());
        SlpBody { fields }
    }

    /// The transport response that keeps a transfer on the switchboard (p2p.md §9.4):
    /// `Bridge: TCPv1`, `Listening: false`, a zero `Nonce`.
    pub fn stay_on_switchboard() -> SlpBody<'static> {
        let mut fields = MimeHeaders::default();
        fields.push("Bridge", "TCPv1");
        fields.push("Listening", "false");
        fields.push("Nonce", Guid(0).to_string());
        SlpBody { fields }
    }
}

/// The body of an INVITE with `application/x-msnmsgr-sessionreqbody` (p2p.md §5.5).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SessionRequest {
    /// The application ([`euf_guid`]).
    pub euf_guid: Guid,
    /// The SessionID the data will carry (values ≥ 2³¹ occur).
    pub session_id: u32,
    /// `AppID` (authoritative over the footer).
    pub app_id: u32,
    /// `RequestFlags` (18 MSNObject, 16 file transfer).
    pub request_flags: Option<u32>,
    /// `Context`, base64 (see [`context`](super::context)); absent in WLM 2009 photo
    /// sharing.
    pub context: Option<String>,
    /// Further keys (`SChannelState`, `Capabilities-Flags`, …) in order.
    pub extra: Vec<(String, String)>,
}

impl SessionRequest {
    /// Reads the typed fields; `EUF-GUID`, `SessionID` and `AppID` are required.
    pub fn from_body(body: &SlpBody<'_>) -> Result<Self, P2pError> {
        let need = |k: &'static str| body.get(k).ok_or(P2pError::Missing(k));
        let euf = need("EUF-GUID")?;
        let mut r = Self {
            euf_guid: Guid::parse(euf)
                .ok_or_else(|| P2pError::invalid("EUF-GUID", euf, "not a braced GUID"))?,
            session_id: decimal("SessionID", need("SessionID")?)?,
            app_id: decimal("AppID", need("AppID")?)?,
            request_flags: body
                .get("RequestFlags")
                .map(|v| decimal("RequestFlags", v))
                .transpose()?,
            context: body.get("Context").map(|c| c.trim().to_owned()),
            extra: Vec::new(),
        };
        for h in &body.fields.0 {
            if !["EUF-GUID", "SessionID", "AppID", "RequestFlags", "Context"]
                .iter()
                .any(|k| h.name.eq_ignore_ascii_case(k))
            {
                r.extra.push((h.name.to_string(), h.value.to_string()));
            }
        }
        Ok(r)
    }

    /// The body in the order of the official clients: `EUF-GUID`, `SessionID`, `AppID`,
    /// `RequestFlags`, the extra keys, `Context`.
    pub fn to_body(&self) -> SlpBody<'static> {
        let mut f = MimeHeaders::default();
        f.push("EUF-GUID", self.euf_guid.to_string());
        f.push("SessionID", self.session_id.to_string());
        f.push("AppID", self.app_id.to_string());
        if let Some(r) = self.request_flags {
            f.push("RequestFlags", r.to_string());
        }
        for (k, v) in &self.extra {
            f.push(k.clone(), v.clone());
        }
        if let Some(c) = &self.context {
            f.push("Context", c.clone());
        }
        SlpBody { fields: f }
    }
}
