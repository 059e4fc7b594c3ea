//! HTTP/1.x message framing for the MSN HTTP gateway (`POST /gateway/gateway.dll?…`): one
//! direction of a TCP connection in, requests or responses with their bodies out.
//!
//! Only what the gateway uses is understood: `Content-Length` bodies (no chunked encoding), the
//! request target, the status code and the `X-MSN-Messenger` header (`SessionID=…; GW-IP=…`).

/// Limits of the framer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HttpLimits {
    /// Longest start line plus headers, in bytes.
    pub max_head: usize,
    /// Largest body, in bytes.
    pub max_body: usize,
}

impl Default for HttpLimits {
    fn default() -> Self {
        Self {
            max_head: 16 * 1024,
            max_body: 4 << 20,
        }
    }
}

/// The start line and the headers that matter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Head {
    /// A request: its target (path and query).
    Request {
        /// The request target, e.g. `/gateway/gateway.dll?Action=open&Server=NS&IP=…`.
        target: String,
    },
    /// A response.
    Response {
        /// The status code.
        status: u16,
    },
}

/// One HTTP message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// Start line.
    pub head: Head,
    /// The `SessionID` of an `X-MSN-Messenger` header.
    pub session: Option<String>,
    /// The body.
    pub body: Vec<u8>,
}

impl Message {
    /// Whether a request goes to the gateway.
    pub fn is_gateway_request(&self) -> bool {
        matches!(&self.head, Head::Request { target } if target_path(target).eq_ignore_ascii_case("/gateway/gateway.dll"))
    }

    /// A query parameter of a request target (`SessionID`, `Action`, `Server`).
    pub fn query(&self, name: &str) -> Option<&str> {
        let Head::Request { target } = &self.head else {
            return None;
        };
        let (_, query) = target.split_once('?')?;
        query.split('&').find_map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            k.eq_ignore_ascii_case(name).then_some(v)
        })
    }
}

/// Path of a request target, also for absolute-form targets (`http://host/path?…`).
fn target_path(target: &str) -> &str {
    let t = target.split('?').next().unwrap_or_default();
    match t.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| rest.get(i..).unwrap_or("/")),
        None => t,
    }
}

/// A direction that is not HTTP as the gateway speaks it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HttpError {
    /// No blank line within [`HttpLimits::max_head`] bytes.
    #[error("HTTP header longer than {0} bytes")]
    HeadTooLong(usize),
    /// The start line is neither a request nor a status line.
    #[error("not an HTTP start line: {0:?}")]
    BadStartLine(String),
    /// A `Content-Length` that is not a number.
    #[error("bad Content-Length {0:?}")]
    BadLength(String),
    /// A body larger than [`HttpLimits::max_body`].
    #[error("HTTP body of {len} bytes is larger than the {limit}-byte limit")]
    BodyTooLarge {
        /// Announced length.
        len: u64,
        /// The limit in force.
        limit: usize,
    },
    /// A framing the gateway does not use.
    #[error("unsupported Transfer-Encoding {0:?}")]
    Unsupported(String),
}

/// Frames one direction into messages.
#[derive(Debug)]
pub struct HttpStream {
    limits: HttpLimits,
    buf: Vec<u8>,
    /// The head of the message whose body is being read, with the body length.
    pending: Option<(Head, Option<String>, usize)>,
    /// After a gap: bytes are dropped until a line that starts a message.
    resync: bool,
    /// While resynchronising: the bytes held do not start at a line start (the start of that
    /// line was dropped), so they cannot start a message.
    mid_line: bool,
}

impl HttpStream {
    /// A framer with `limits`.
    pub fn new(limits: HttpLimits) -> Self {
        Self {
            limits,
            buf: Vec::new(),
            pending: None,
            resync: false,
            mid_line: false,
        }
    }

    /// Bytes of an unfinished message held (what is left when the connection ends).
    pub fn held(&self) -> usize {
        if self.resync { 0 } else { self.buf.len() }
    }

    /// Bytes were lost: forget the partial message and resume at the next start line.
    pub fn gap(&mut self) {
        self.buf.clear();
        self.pending = None;
        self.resync = true;
        self.mid_line = false;
    }

    /// Appends reassembled bytes and returns the messages completed by them. After an error
    /// the stream drops what it holds and looks for the next start line.
    pub fn push(&mut self, data: &[u8], out: &mut Vec<Message>) -> Result<(), HttpError> {
        self.buf.extend_from_slice(data);
        let res = self.frame(out);
        if res.is_err() {
            self.gap();
        }
        res
    }

    fn frame(&mut self, out: &mut Vec<Message>) -> Result<(), HttpError> {
        loop {
            if self.resync && !self.skip_to_start_line() {
                return Ok(());
            }
            if self.pending.is_none() {
                let Some((head_len, body_at)) = find_head_end(&self.buf) else {
                    if head_cannot_end(&self.buf, self.limits.max_head) {
                        return Err(HttpError::HeadTooLong(self.limits.max_head));
                    }
                    return Ok(());
                };
                if head_len > self.limits.max_head {
                    return Err(HttpError::HeadTooLong(self.limits.max_head));
                }
                let head_bytes = self.buf.get(..head_len).unwrap_or_default();
                let parsed = parse_head(head_bytes, self.limits)?;
                self.buf.drain(..body_at.min(self.buf.len()));
                self.pending = Some(parsed);
            }
            let Some((_, _, len)) = &self.pending else {
                return Ok(());
            };
            let len = *len;
            if self.buf.len() < len {
                return Ok(());
            }
            let body: Vec<u8> = self.buf.drain(..len).collect();
            if let Some((head, session, _)) = self.pending.take() {
                out.push(Message {
                    head,
                    session,
                    body,
                });
            }
        }
    }

    /// Drops bytes up to the next line starting a request or a status line; whether one is there.
    fn skip_to_start_line(&mut self) -> bool {
        let mut at = 0;
        if self.mid_line {
            match memchr::memchr(b'\n', &self.buf) {
                Some(i) => {
                    at = i + 1;
                    self.mid_line = false;
                }
                None => {
                    self.buf.clear();
                    return false;
                }
            }
        }
        loop {
            let rest = self.buf.get(at..).unwrap_or_default();
            if starts_message(rest) {
                self.buf.drain(..at);
                self.resync = false;
                return true;
            }
            match memchr::memchr(b'\n', rest) {
                Some(i) => at += i + 1,
                None => {
                    // Keep the line begun so far while it may still become a start line
                    // (the longest start, `POST http`, is 9 bytes); past that, drop it and
                    // remember that what follows is not at a line start.
                    if rest.len() < 9 {
                        self.buf.drain(..at);
                    } else {
                        self.buf.clear();
                        self.mid_line = true;
                    }
                    return false;
                }
            }
        }
    }
}

fn starts_message(b: &[u8]) -> bool {
    [
        &b"POST /"[..],
        b"GET /",
        b"POST http",
        b"GET http",
        b"HTTP/1.",
    ]
    .iter()
    .any(|p| b.starts_with(p))
}

/// Whether no head of at most `max_head` bytes can end in `buf`, which holds no head end yet.
/// A head of exactly `max_head` bytes ends with a line feed and is only recognised once the
/// blank line's CR LF after it has arrived: one byte more may be outstanding.
fn head_cannot_end(buf: &[u8], max_head: usize) -> bool {
    buf.len() > max_head && !(buf.len() == max_head + 1 && buf.ends_with(b"\n\r"))
}

/// End of the head (before the blank line) and start of the body.
fn find_head_end(b: &[u8]) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(i) = memchr::memchr(b'\n', b.get(from..)?) {
        let nl = from + i;
        let next = b.get(nl + 1..)?;
        if next.starts_with(b"\r\n") {
            return Some((nl + 1, nl + 3));
        }
        if next.starts_with(b"\n") {
            return Some((nl + 1, nl + 2));
        }
        from = nl + 1;
    }
    None
}

fn parse_head(head: &[u8], limits: HttpLimits) -> Result<(Head, Option<String>, usize), HttpError> {
    let text = String::from_utf8_lossy(head);
    let mut lines = text.lines();
    let start = lines.next().unwrap_or_default().trim_end();
    let mut parts = start.split(' ');
    let first = parts.next().unwrap_or_default();
    let second = parts.next().unwrap_or_default();
    let parsed = if first.starts_with("HTTP/1.") {
        second
            .parse::<u16>()
            .ok()
            .map(|status| Head::Response { status })
    } else if matches!(first, "POST" | "GET")
        && parts.next().is_some_and(|v| v.starts_with("HTTP/1."))
    {
        Some(Head::Request {
            target: second.to_owned(),
        })
    } else {
        None
    };
    let head_kind =
        parsed.ok_or_else(|| HttpError::BadStartLine(start.chars().take(80).collect()))?;
    let mut len = 0u64;
    let mut session = None;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            len = value
                .parse()
                .map_err(|_| HttpError::BadLength(value.chars().take(40).collect()))?;
        } else if name.eq_ignore_ascii_case("transfer-encoding")
            && !value.eq_ignore_ascii_case("identity")
        {
            return Err(HttpError::Unsupported(value.chars().take(40).collect()));
        } else if name.eq_ignore_ascii_case("x-msn-messenger") {
            session = value.split(';').find_map(|kv| {
                let (k, v) = kv.trim().split_once('=')?;
                k.eq_ignore_ascii_case("SessionID")
                    .then(|| v.trim().to_owned())
            });
        }
    }
    if len > limits.max_body as u64 {
        return Err(HttpError::BodyTooLarge {
            len,
            limit: limits.max_body,
        });
    }
    Ok((head_kind, session, len as usize))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const REQ: &[u8] =
        b"POST /gateway/gateway.dll?Action=open&Server=NS&IP=messenger.hotmail.com HTTP/1.1\r\n\
Content-Type: application/x-msn-messenger\r\nContent-Length: 20\r\n\r\nVER 1 MSNP8 CVR0\r\n\r\n";
    const RESP: &[u8] =
        b"HTTP/1.1 200 OK\r\nX-MSN-Messenger: SessionID=123.456; GW-IP=207.46.110.17\r\n\
Content-Length: 13\r\n\r\nVER 1 MSNP8\r\n";

    #[test]
    fn frames_requests_and_responses_split_anywhere() {
        for cut in 0..REQ.len() {
            let mut s = HttpStream::new(HttpLimits::default());
            let mut out = Vec::new();
            s.push(&REQ[..cut], &mut out).unwrap();
            s.push(&REQ[cut..], &mut out).unwrap();
            assert_eq!(out.len(), 1, "{cut}");
            assert!(out[0].is_gateway_request());
            assert_eq!(out[0].query("action"), Some("open"));
            assert_eq!(out[0].query("Server"), Some("NS"));
            assert_eq!(out[0].body, b"VER 1 MSNP8 CVR0\r\n\r\n");
        }
        let mut s = HttpStream::new(HttpLimits::default());
        let mut out = Vec::new();
        let two = [RESP, RESP].concat();
        s.push(&two, &mut out).unwrap();
        assert_eq!(out.len(), 2);
        assert_eq!(out[1].head, Head::Response { status: 200 });
        assert_eq!(out[1].session.as_deref(), Some("123.456"));
        assert_eq!(out[1].body, b"VER 1 MSNP8\r\n");
    }

    #[test]
    fn other_requests_and_bad_heads() {
        let mut s = HttpStream::new(HttpLimits::default());
        let mut out = Vec::new();
        s.push(
            b"GET http://example.com/index.html HTTP/1.0\r\n\r\n",
            &mut out,
        )
        .unwrap();
        assert!(!out[0].is_gateway_request());
        assert_eq!(out[0].query("SessionID"), None);
        let mut s = HttpStream::new(HttpLimits::default());
        assert!(matches!(
            s.push(b"VER 1 MSNP8\r\n\r\n", &mut out),
            Err(HttpError::BadStartLine(_))
        ));
        // After the error it resynchronises at the next start line.
        out.clear();
        s.push(b"junk\r\n", &mut out).unwrap();
        s.push(RESP, &mut out).unwrap();
        assert_eq!(out.len(), 1);
        let mut s = HttpStream::new(HttpLimits::default());
        assert!(matches!(
            s.push(
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
                &mut out
            ),
            Err(HttpError::Unsupported(_))
        ));
        let mut s = HttpStream::new(HttpLimits {
            max_head: 64,
            max_body: 10,
        });
        assert!(matches!(
            s.push(b"HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n", &mut out),
            Err(HttpError::BodyTooLarge { len: 11, limit: 10 })
        ));
        let mut s = HttpStream::new(HttpLimits {
            max_head: 64,
            max_body: 10,
        });
        assert!(matches!(
            s.push(&[b'a'; 65], &mut out),
            Err(HttpError::HeadTooLong(64))
        ));
        let mut s = HttpStream::new(HttpLimits::default());
        assert!(matches!(
            s.push(b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", &mut out),
            Err(HttpError::BadLength(_))
        ));
    }

    #[test]
    fn gap_resumes_at_the_next_message() {
        let mut s = HttpStream::new(HttpLimits::default());
        let mut out = Vec::new();
        s.push(&REQ[..30], &mut out).unwrap();
        assert_eq!(s.held(), 30);
        s.gap();
        assert_eq!(s.held(), 0);
        s.push(&REQ[60..], &mut out).unwrap();
        s.push(REQ, &mut out).unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].body, b"VER 1 MSNP8 CVR0\r\n\r\n");
    }

    /// Found while writing the `http_gateway` fuzz target: a head of exactly `max_head` bytes
    /// was refused when the CR of its blank line arrived in one piece and the LF in the next.
    #[test]
    fn head_at_the_limit_split_before_the_last_byte() {
        let head: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n";
        let msg = [head, b"\r\nab"].concat();
        let limits = HttpLimits {
            max_head: head.len(),
            max_body: 2,
        };
        for cut in 0..msg.len() {
            let mut s = HttpStream::new(limits);
            let mut out = Vec::new();
            s.push(&msg[..cut], &mut out).unwrap();
            s.push(&msg[cut..], &mut out).unwrap();
            assert_eq!(out.len(), 1, "cut at {cut}");
            assert_eq!(out[0].body, b"ab");
        }
        // One byte past the limit is refused, whatever the pieces.
        let limits = HttpLimits {
            max_head: head.len() - 1,
            max_body: 2,
        };
        for cut in 0..msg.len() {
            let mut s = HttpStream::new(limits);
            let mut out = Vec::new();
            let res = s
                .push(&msg[..cut], &mut out)
                .and_then(|()| s.push(&msg[cut..], &mut out));
            assert_eq!(
                res,
                Err(HttpError::HeadTooLong(head.len() - 1)),
                "cut at {cut}"
            );
        }
    }

    /// Found while writing the `http_gateway` fuzz target: while resynchronising, the last
    /// eight bytes of a long line were kept and later read as if they started a line, so
    /// `xxPOST /…` split after `xx` started a message only when split.
    #[test]
    fn resync_does_not_start_a_message_inside_a_line() {
        let tail: &[u8] = b"POST /gateway/gateway.dll HTTP/1.1\r\nContent-Length: 0\r\n\r\n";
        let input = [b"junk junk junk ".as_slice(), tail, RESP].concat();
        for cut in 0..input.len() {
            let mut s = HttpStream::new(HttpLimits::default());
            let mut out = Vec::new();
            s.gap();
            s.push(&input[..cut], &mut out).unwrap();
            s.push(&input[cut..], &mut out).unwrap();
            assert_eq!(out.len(), 1, "cut at {cut}: {out:?}");
            assert_eq!(out[0].head, Head::Response { status: 200 });
        }
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..80), 0..8)) {
            let mut s = HttpStream::new(HttpLimits { max_head: 128, max_body: 256 });
            let mut out = Vec::new();
            for c in chunks {
                let _ = s.push(&c, &mut out);
                prop_assert!(s.buf.len() <= 128 + 256 + 80);
            }
        }
    }
}
