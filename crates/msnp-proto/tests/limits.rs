//! Every msnp-proto limit of SECURITY.md's table, at its value (accepted) and one past it (a
//! typed error naming the limit). The P2P reassembly limits have theirs in `p2p_hostile.rs`.

use msnp_proto::payload::PayloadError;
use msnp_proto::payload::ml::{Ml, MlBuildOptions, MlContact, MlDomain, MlSplitLimits};
use msnp_proto::transcript::{Event, Reader, TranscriptErrorKind};
use msnp_proto::xml::{XmlError, XmlLimits, read_bytes};
use msnp_proto::{DecodeErrorKind, Decoder, Dialect, Direction, Limits, ProtocolVersion, Status};

fn server() -> Dialect {
    Dialect::notification(ProtocolVersion::Msnp12).with_direction(Direction::ServerToClient)
}

/// Decodes one command from `input` alone: its length, or the error kind.
fn decode(limits: Limits, input: &[u8]) -> Result<usize, DecodeErrorKind> {
    match Decoder::new(server(), limits).decode(input) {
        Ok(Status::Complete { consumed, .. }) => Ok(consumed),
        Ok(other) => panic!("{other:?}"),
        Err(e) => Err(e.kind),
    }
}

/// A `CHL` line of exactly `len` bytes, without its CRLF.
fn line_of(len: usize) -> Vec<u8> {
    let mut l = b"CHL 0 ".to_vec();
    l.resize(len, b'7');
    l
}

#[test]
fn max_line_at_and_one_past() {
    for max in [16, 8 * 1024] {
        let limits = Limits {
            max_line: max,
            ..Limits::default()
        };
        let mut ok = line_of(max);
        ok.extend_from_slice(b"\r\n");
        assert_eq!(decode(limits, &ok), Ok(max + 2));
        let mut over = line_of(max + 1);
        over.extend_from_slice(b"\r\n");
        assert_eq!(
            decode(limits, &over),
            Err(DecodeErrorKind::LineTooLong { max })
        );
    }
    // The default is 8 KiB.
    assert_eq!(Limits::default().max_line, 8 * 1024);
}

#[test]
fn max_line_above_the_supported_maximum_is_65535() {
    let limits = Limits {
        max_line: usize::MAX,
        ..Limits::default()
    };
    let mut ok = line_of(65_535);
    ok.extend_from_slice(b"\r\n");
    assert_eq!(decode(limits, &ok), Ok(65_537));
    let mut over = line_of(65_536);
    over.extend_from_slice(b"\r\n");
    assert_eq!(
        decode(limits, &over),
        Err(DecodeErrorKind::LineTooLong { max: 65_535 })
    );
}

fn ubx(len: usize) -> Vec<u8> {
    let mut v = format!("UBX bob@hotmail.com {len}\r\n").into_bytes();
    v.resize(v.len() + len, b'x');
    v
}

#[test]
fn max_payload_at_and_one_past() {
    for max in [0, 100, 1024 * 1024] {
        let limits = Limits {
            max_payload: max,
            ..Limits::default()
        };
        let ok = ubx(max);
        assert_eq!(decode(limits, &ok), Ok(ok.len()));
        // Refused from the line alone, before the payload is buffered.
        let over = format!("UBX bob@hotmail.com {}\r\n", max + 1);
        assert_eq!(
            decode(limits, over.as_bytes()),
            Err(DecodeErrorKind::PayloadTooLarge {
                len: max as u64 + 1,
                max
            })
        );
    }
    assert_eq!(Limits::default().max_payload, 1024 * 1024);
}

/// A `CHL` line with `n` tokens (verb included).
fn tokens(n: usize) -> Vec<u8> {
    let mut l = b"CHL 0".to_vec();
    for _ in 2..n {
        l.extend_from_slice(b" a");
    }
    l.extend_from_slice(b"\r\n");
    l
}

#[test]
fn max_tokens_at_and_one_past() {
    for max in [4, msnp_proto::raw::MAX_TOKENS] {
        let limits = Limits {
            max_tokens: max,
            ..Limits::default()
        };
        let ok = tokens(max);
        assert_eq!(decode(limits, &ok), Ok(ok.len()));
        assert_eq!(
            decode(limits, &tokens(max + 1)),
            Err(DecodeErrorKind::TooManyTokens { max })
        );
    }
    // Above MAX_TOKENS the limit is MAX_TOKENS.
    let limits = Limits {
        max_tokens: 1000,
        ..Limits::default()
    };
    assert_eq!(
        decode(limits, &tokens(msnp_proto::raw::MAX_TOKENS + 1)),
        Err(DecodeErrorKind::TooManyTokens {
            max: msnp_proto::raw::MAX_TOKENS
        })
    );
    assert_eq!(Limits::default().max_tokens, 24);
}

/// Reads a one-command transcript with `limits`: the command's wire bytes or the error kind.
fn transcript(limits: Limits, text: &str) -> Result<Vec<u8>, TranscriptErrorKind> {
    // Keep failure messages short: report long commands by length.
    let short = |b: Vec<u8>| {
        if b.len() > 200 {
            format!("{} bytes", b.len()).into_bytes()
        } else {
            b
        }
    };
    let mut r = Reader::new(text).with_limits(limits);
    match r.next_event(|_| server()) {
        Some(Ok(Event::Command(c))) => Ok(short(c.bytes)),
        Some(Err(e)) => Err(e.kind),
        other => panic!("{other:?}"),
    }
}

#[test]
fn transcript_reader_applies_the_wire_limits() {
    let limits = Limits {
        max_line: 32,
        max_payload: 8,
        max_tokens: 4,
    };
    let line = |n| String::from_utf8(line_of(n)).unwrap();
    assert_eq!(
        transcript(limits, &format!("S: {}\n", line(32))),
        Ok([line_of(32), b"\r\n".to_vec()].concat())
    );
    assert_eq!(
        transcript(limits, &format!("S: {}\n", line(33))),
        Err(TranscriptErrorKind::Line(DecodeErrorKind::LineTooLong {
            max: 32
        }))
    );
    assert_eq!(
        transcript(limits, "S: UBX a@b.c 8\n12345678\n"),
        Ok(b"UBX a@b.c 8\r\n12345678".to_vec())
    );
    assert_eq!(
        transcript(limits, "S: UBX a@b.c 9\n123456789\n"),
        Err(TranscriptErrorKind::Line(
            DecodeErrorKind::PayloadTooLarge { len: 9, max: 8 }
        ))
    );
    assert!(transcript(limits, "S: CHL 0 a b\n").is_ok());
    assert_eq!(
        transcript(limits, "S: CHL 0 a b c\n"),
        Err(TranscriptErrorKind::Line(DecodeErrorKind::TooManyTokens {
            max: 4
        }))
    );
}

#[test]
fn transcript_line_past_the_supported_maximum_is_refused_not_misread() {
    // Token offsets are 16-bit: a longer line must be refused, not wrapped.
    let text = format!("S: CHL 0 {} b\n", "7".repeat(70_000));
    let limits = Limits {
        max_line: usize::MAX,
        ..Limits::default()
    };
    assert_eq!(
        transcript(limits, &text),
        Err(TranscriptErrorKind::Line(DecodeErrorKind::LineTooLong {
            max: 65_535
        }))
    );
    assert_eq!(
        transcript(Limits::default(), &text),
        Err(TranscriptErrorKind::Line(DecodeErrorKind::LineTooLong {
            max: 8 * 1024
        }))
    );
}

fn small_xml() -> XmlLimits {
    XmlLimits {
        max_depth: 3,
        max_size: 64,
        max_attr_len: 5,
        max_elements: 4,
        max_attributes: 2,
        max_text_len: 6,
    }
}

#[test]
fn xml_defaults() {
    assert_eq!(
        XmlLimits::default(),
        XmlLimits {
            max_depth: 32,
            max_size: 256 * 1024,
            max_attr_len: 8 * 1024,
            max_elements: 20_000,
            max_attributes: 32,
            max_text_len: 256 * 1024,
        }
    );
}

#[test]
fn xml_max_size_at_and_one_past() {
    let l = XmlLimits {
        max_text_len: 1000,
        ..small_xml()
    };
    let doc = |n: usize| format!("<a>{}</a>", "t".repeat(n - 7));
    assert!(read_bytes(doc(64).as_bytes(), &l).is_ok());
    assert_eq!(
        read_bytes(doc(65).as_bytes(), &l).err(),
        Some(XmlError::TooLarge { size: 65, max: 64 })
    );
}

#[test]
fn xml_max_depth_at_and_one_past() {
    let l = small_xml();
    assert!(read_bytes(b"<a><b><c/></b></a>", &l).is_ok());
    assert_eq!(
        read_bytes(b"<a><b><c><d/></c></b></a>", &l).err(),
        Some(XmlError::TooDeep { offset: 9, max: 3 })
    );
}

#[test]
fn xml_max_elements_at_and_one_past() {
    let l = small_xml();
    assert!(read_bytes(b"<a><b/><b/><b/></a>", &l).is_ok());
    assert_eq!(
        read_bytes(b"<a><b/><b/><b/><b/></a>", &l).err(),
        Some(XmlError::TooManyElements { offset: 15, max: 4 })
    );
}

#[test]
fn xml_max_attributes_at_and_one_past() {
    let l = small_xml();
    // Namespace declarations are not counted.
    assert!(read_bytes(b"<a xmlns='u' x='1' y='2'/>", &l).is_ok());
    assert_eq!(
        read_bytes(b"<a x='1' y='2' z='3'/>", &l).err(),
        Some(XmlError::TooManyAttributes { offset: 0, max: 2 })
    );
}

#[test]
fn xml_max_attr_len_at_and_one_past() {
    let l = small_xml();
    assert!(read_bytes(b"<a x='12345'/>", &l).is_ok());
    assert_eq!(
        read_bytes(b"<a x='123456'/>", &l).err(),
        Some(XmlError::AttributeTooLong {
            offset: 0,
            name: "x".into(),
            len: 6,
            max: 5
        })
    );
}

#[test]
fn xml_max_text_len_at_and_one_past() {
    let l = small_xml();
    // Counted after references are resolved: `&amp;` is one byte.
    assert!(read_bytes(b"<a>12345&amp;</a>", &l).is_ok());
    assert!(matches!(
        read_bytes(b"<a>123456&amp;</a>", &l).err(),
        Some(XmlError::TextTooLong { max: 6, .. })
    ));
}

#[test]
fn xml_limits_reach_payload_parsers_as_typed_errors() {
    let l = small_xml();
    assert!(matches!(
        Ml::parse(b"<ml><d n='a'><c/></d><d/><d/></ml>", &l),
        Err(PayloadError::TooManyElements { max: 4, .. })
    ));
}

fn ml_with(contacts: usize) -> Ml {
    Ml {
        initial: false,
        domains: vec![MlDomain {
            name: "hotmail.com".into(),
            contacts: (0..contacts)
                .map(|i| MlContact {
                    local: format!("c{i:03}"),
                    lists: Some(msnp_proto::list::ListBits(1)),
                    network: Some(msnp_proto::network::NetworkId(1)),
                    friendly: None,
                })
                .collect(),
        }],
        phones: Vec::new(),
    }
}

#[test]
fn ml_split_max_contacts_at_and_one_past() {
    let opts = MlBuildOptions::client();
    let limits = MlSplitLimits::default();
    assert_eq!(limits.max_contacts, 150);
    let at = ml_with(150).split(&opts, limits).unwrap();
    assert_eq!(at.len(), 1);
    let past = ml_with(151).split(&opts, limits).unwrap();
    assert_eq!(past.len(), 2);
    assert!(past.iter().all(|p| p.len() <= limits.max_bytes));
}

#[test]
fn ml_split_max_bytes_at_and_one_past() {
    let opts = MlBuildOptions::client();
    let ml = ml_with(3);
    let whole = ml.split(&opts, MlSplitLimits::default()).unwrap();
    assert_eq!(whole.len(), 1);
    let n = whole[0].len();
    let at = MlSplitLimits {
        max_bytes: n,
        ..MlSplitLimits::default()
    };
    assert_eq!(ml.split(&opts, at).unwrap(), whole);
    let below = MlSplitLimits {
        max_bytes: n - 1,
        ..MlSplitLimits::default()
    };
    let parts = ml.split(&opts, below).unwrap();
    assert_eq!(parts.len(), 2);
    assert!(parts.iter().all(|p| p.len() < n));
    // One contact that cannot fit is a typed refusal, not a longer payload.
    let single = ml_with(1).split(&opts, MlSplitLimits::default()).unwrap();
    let tiny = MlSplitLimits {
        max_bytes: single[0].len() - 1,
        ..MlSplitLimits::default()
    };
    assert!(ml_with(1).split(&opts, tiny).is_err());
    assert_eq!(MlSplitLimits::default().max_bytes, 7500);
}
