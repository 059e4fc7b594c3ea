//! p2p.md §11: each known attack on SLP/P2P parsers and reassemblers ends in a typed error
//! with bounded memory; every reassembly limit holds at its value and refuses one past it.

use std::borrow::Cow;

use msnp_proto::p2p::context::{
    FtContext, decode_context, msnobj_from_context, sanitize_file_name,
};
use msnp_proto::p2p::reassembly::{
    MessageKey, MessageKind, P2pLimits, Progress, Reassembler, ReassemblyError,
};
use msnp_proto::p2p::slp::{SessionRequest, SlpBody, SlpMessage};
use msnp_proto::p2p::v1::{P2pHeader, P2pMessage, flags};
use msnp_proto::p2p::v2::{DataPacket, DataTlv, P2pV2Packet, Tf, TfKind};
use msnp_proto::p2p::{P2pError, P2pFraming, P2pPayload};
use msnp_proto::payload::xml::XmlLimits;

fn v1(
    session_id: u32,
    identifier: u32,
    flags: u32,
    offset: u64,
    total: u64,
    data: &[u8],
) -> P2pMessage<'static> {
    P2pMessage {
        header: P2pHeader {
            session_id,
            identifier,
            data_offset: offset,
            total_size: total,
            length: data.len() as u32,
            flags,
            ack_identifier: 99,
            ..P2pHeader::default()
        },
        data: Cow::Owned(data.to_vec()),
        footer: 0,
    }
}

fn v2(
    kind: TfKind,
    first: bool,
    pkg: u16,
    sid: u32,
    remaining: Option<u64>,
    data: &[u8],
) -> P2pV2Packet<'static> {
    P2pV2Packet {
        op_code: 0,
        sequence: 1,
        tlvs: Vec::new(),
        data: Some(DataPacket {
            tf: Tf::new(kind, first),
            package_number: pkg,
            session_id: sid,
            tlvs: remaining.map(DataTlv::Remaining).into_iter().collect(),
            payload: Cow::Owned(data.to_vec()),
        }),
        footer: 0,
    }
}

const INVITE: &str = "INVITE MSNMSGR:bob@example.com MSNSLP/1.0\r\n\
To: <msnmsgr:bob@example.com>\r\n\
From: <msnmsgr:alice@example.com>\r\n\
Via: MSNSLP/1.0/TLP ;branch={5B2E1C0A-7D34-4F8E-9A61-C3B7D0E4F281}\r\n\
CSeq: 0 \r\n\
Call-ID: {C0D1E2F3-A4B5-4C6D-8E7F-901A2B3C4D5E}\r\n\
Max-Forwards: 0\r\n\
Content-Type: application/x-msnmsgr-sessionreqbody\r\n";

fn slp_with(headers: &str, body: &str) -> Vec<u8> {
    format!(
        "{headers}Content-Length: {}\r\n\r\n{body}\0",
        body.len() + 1
    )
    .into_bytes()
}

// --- §11.1: the libpurple CVEs --------------------------------------------------------------

/// CVE-2008-2927: Offset + MessageLength wraps around u64.
#[test]
fn cve_2008_2927_offset_wrap() {
    let m = v1(0, 1, 0, u64::MAX - 3, 16, &[0x41; 16]);
    let wire = m.to_bytes();
    assert!(matches!(
        P2pMessage::parse(&wire),
        Err(P2pError::ChunkOutsideMessage { .. })
    ));
    assert!(m.try_to_bytes().is_err());
    let mut r = Reassembler::new(P2pLimits::default());
    assert!(matches!(
        r.push_v1(&m),
        Err(ReassemblyError::ChunkOutsideMessage { .. })
    ));
    assert_eq!((r.open_messages(), r.buffered_bytes()), (0, 0));
}

/// CVE-2009-1376: a 64-bit offset beyond 32 bits. Offsets stay u64; a file chunk far into a
/// huge file stores only its own bytes.
#[test]
fn cve_2009_1376_large_offset() {
    let limits = P2pLimits {
        max_file_size: u64::MAX,
        ..P2pLimits::default()
    };
    let mut r = Reassembler::new(limits);
    let far = (1u64 << 40) + 7;
    let m = v1(5, 1, flags::WLM2009_FILE_DATA, far, far + 100, &[1; 100]);
    assert_eq!(r.push_v1(&m).unwrap(), Progress::Buffered);
    assert_eq!(r.buffered_bytes(), 100);
    // The same shape as an MSNObject passes its size cap.
    let m = v1(5, 2, flags::MSNOBJ_DATA, far, far + 100, &[1; 100]);
    assert!(matches!(
        r.push_v1(&m),
        Err(ReassemblyError::MessageTooLarge {
            kind: MessageKind::MsnObject,
            ..
        })
    ));
    assert_eq!(r.buffered_bytes(), 100);
}

/// CVE-2009-2694: chunks for a message whose buffer was never set up; Snort 14263: a first
/// chunk claiming MessageLength = TotalSize with too few bytes.
#[test]
fn cve_2009_2694_no_open_message_and_short_body() {
    let mut r = Reassembler::new(P2pLimits::default());
    // v2 continuation without its first chunk: no way to place it.
    let p = v2(TfKind::MsnObject, false, 3, 9, Some(10), &[0; 20]);
    assert!(matches!(
        r.push_v2(&p),
        Err(ReassemblyError::NoOpenMessage(MessageKey {
            session_id: 9,
            message_id: 3
        }))
    ));
    assert_eq!(r.open_messages(), 0);
    for f in [
        0,
        flags::WLM2009,
        flags::MSNOBJ_DATA,
        flags::WLM2009_MSNOBJ_DATA,
        flags::WLM2009_FILE_DATA,
    ] {
        let mut wire = v1(7, 1, f, 0, 1000, &[0; 1000]).to_bytes();
        wire.truncate(48 + 10);
        wire.extend([0, 0, 0, 0]);
        assert!(matches!(
            P2pMessage::parse(&wire),
            Err(P2pError::LengthMismatch {
                declared: 1052,
                present: 62,
                ..
            })
        ));
    }
}

/// CVE-2009-3083 / CVE-2010-0277: INVITEs lacking required headers or body keys.
#[test]
fn cve_2009_3083_2010_0277_missing_fields() {
    let full = slp_with(
        INVITE,
        "EUF-GUID: {A4268EEC-FEC5-49E5-95C3-F126696BDBF6}\r\nSessionID: 1\r\nAppID: 1\r\n\r\n",
    );
    SlpMessage::parse(&full).unwrap().validate().unwrap();
    for (header, missing) in [
        ("To", "To"),
        ("From", "From"),
        ("Via", "Via"),
        ("CSeq", "CSeq"),
        ("Call-ID", "Call-ID"),
        ("Content-Type", "Content-Type"),
    ] {
        let headers: String = INVITE
            .split_inclusive("\r\n")
            .filter(|l| !l.starts_with(&format!("{header}:")))
            .collect();
        let bytes = slp_with(&headers, "\r\n");
        let m = SlpMessage::parse(&bytes).unwrap();
        assert_eq!(m.validate(), Err(P2pError::Missing(missing)), "{header}");
    }
    // Via without a branch.
    let no_branch = INVITE.replace(" ;branch={5B2E1C0A-7D34-4F8E-9A61-C3B7D0E4F281}", "");
    let bytes = slp_with(&no_branch, "");
    let m = SlpMessage::parse(&bytes).unwrap();
    assert!(matches!(
        m.validate(),
        Err(P2pError::Invalid { field: "Via", .. })
    ));
    // No Content-Length at all: refused at parse time.
    let mut raw = INVITE.as_bytes().to_vec();
    raw.extend(b"\r\n\0");
    assert_eq!(
        SlpMessage::parse(&raw),
        Err(P2pError::Missing("Content-Length"))
    );
    // Body keys.
    for (body, missing) in [
        ("SessionID: 1\r\nAppID: 1\r\n\r\n", "EUF-GUID"),
        (
            "EUF-GUID: {A4268EEC-FEC5-49E5-95C3-F126696BDBF6}\r\nAppID: 1\r\n\r\n",
            "SessionID",
        ),
        (
            "EUF-GUID: {A4268EEC-FEC5-49E5-95C3-F126696BDBF6}\r\nSessionID: 1\r\n\r\n",
            "AppID",
        ),
    ] {
        let bytes = slp_with(INVITE, body);
        let m = SlpMessage::parse(&bytes).unwrap();
        assert_eq!(
            SessionRequest::from_body(&m.body().unwrap()),
            Err(P2pError::Missing(missing))
        );
    }
}

/// CVE-2009-3084: ink on SessionID 64 is not a supported kind: flags 0 on a data session is
/// a data preparation, which must be exactly 4 bytes; nothing is buffered.
#[test]
fn cve_2009_3084_ink_session_dropped() {
    let mut r = Reassembler::new(P2pLimits::default());
    let ink = v1(64, 1, 0, 0, 300, &[0x47; 300]);
    assert_eq!(
        r.push_v1(&ink),
        Err(ReassemblyError::BadDataPreparation { total: 300 })
    );
    assert_eq!((r.open_messages(), r.buffered_bytes()), (0, 0));
}

/// CVE-2010-0013: a msnobj `Location` with `..` is data, never a path; file names from
/// contexts are sanitised.
#[test]
fn cve_2010_0013_paths() {
    use base64::Engine;
    let xml = r#"<msnobj Creator="a@b.c" Size="10" Type="2" Location="../../../etc/passwd" Friendly="AAA=" SHA1D="5kwRWwPnYgYxUIAVFCGyc7Wpwew="/>"#;
    let ctx = base64::engine::general_purpose::STANDARD.encode(xml);
    let o = msnobj_from_context(&ctx, &XmlLimits::default()).unwrap();
    assert_eq!(o.sha1d, "5kwRWwPnYgYxUIAVFCGyc7Wpwew=");
    for (name, clean) in [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("..", "_"),
        ("a\u{0}b\u{1b}[31mc.txt", "ab[31mc.txt"),
        ("dir/", "_"),
    ] {
        assert_eq!(sanitize_file_name(name), clean, "{name:?}");
    }
    let c = FtContext::new("C:\\Users\\x\\..\\evil.exe", 1);
    assert_eq!(c.sanitized_file_name(), "evil.exe");
}

/// CVE-2010-1624 (malformed emoticon data) in P2P form: a Context whose msnobj is not valid
/// XML or lacks attributes is a typed error.
#[test]
fn cve_2010_1624_malformed_msnobj_context() {
    use base64::Engine;
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    for xml in [
        "<msnobj Creator=",
        "<msnobj Creator=\"a\"/>",
        "<notmsnobj/>",
        "\u{0}\u{0}",
    ] {
        assert!(
            matches!(
                msnobj_from_context(&b64(xml), &XmlLimits::default()),
                Err(P2pError::MsnObject(_) | P2pError::Utf8 { .. })
            ),
            "{xml:?}"
        );
    }
}

/// CVE-2010-3711: base64 that does not decode.
#[test]
fn cve_2010_3711_bad_base64() {
    for bad in ["***", "PgIAAA=", "a", "PgIA AAIA"] {
        assert!(
            matches!(
                FtContext::from_base64(bad),
                Err(P2pError::Invalid {
                    field: "Context",
                    ..
                })
            ),
            "{bad}"
        );
        assert!(matches!(
            msnobj_from_context(bad, &XmlLimits::default()),
            Err(P2pError::Invalid {
                field: "Context",
                ..
            })
        ));
    }
    // A huge value is refused before decoding.
    let huge = "A".repeat(200_000);
    assert!(decode_context(&huge).is_err());
    // A context shorter than 574 bytes.
    assert!(matches!(
        FtContext::parse(&[0; 573]),
        Err(P2pError::TooShort {
            needed: 574,
            got: 573,
            ..
        })
    ));
}

/// CVE-2010-4528: packets shorter than the headers, in both framings.
#[test]
fn cve_2010_4528_short_packets() {
    for n in 0..52 {
        let bytes = vec![0u8; n];
        assert!(
            matches!(P2pMessage::parse(&bytes), Err(P2pError::TooShort { .. })),
            "{n}"
        );
        assert!(P2pHeader::parse(&bytes).is_err() || n >= 48);
    }
    for n in 0..12 {
        let bytes = vec![8u8; n];
        assert!(
            matches!(P2pV2Packet::parse(&bytes), Err(P2pError::TooShort { .. })),
            "{n}"
        );
    }
    // The framing is chosen from the header, not by trying: a v2 packet handed to v1 fails.
    let rak = [0x08, 0x02, 0, 0, 0xe0, 0x93, 0xf1, 0x0b, 0, 0, 0, 0];
    assert!(P2pPayload::parse(P2pFraming::V1, &rak).is_err());
    assert!(P2pPayload::parse(P2pFraming::V2, &rak).is_ok());
}

// --- §11.2: framing rules -------------------------------------------------------------------

#[test]
fn v2_framing_rules() {
    // HeaderLength not a multiple of 4.
    let e = P2pV2Packet::parse(&[9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]).unwrap_err();
    assert!(matches!(e, P2pError::BadHeaderLength { value: 9, .. }));
    // Known TLV with a wrong length.
    let e = P2pV2Packet::parse(&[12, 0, 0, 0, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 0, 0]).unwrap_err();
    assert!(matches!(
        e,
        P2pError::TlvLength {
            tlv_type: 2,
            expected: 4,
            got: 2,
            ..
        }
    ));
    // Non-zero padding.
    let e = P2pV2Packet::parse(&[16, 0, 0, 0, 0, 0, 0, 0, 2, 4, 1, 2, 3, 4, 0, 9, 0, 0, 0, 0])
        .unwrap_err();
    assert!(matches!(e, P2pError::BadPadding { offset: 15, .. }));
    // Padding of 4 or more.
    let e = P2pV2Packet::parse(&[12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]).unwrap_err();
    assert!(matches!(e, P2pError::BadPadding { offset: 8, .. }));
    // DataHeaderLength below 8.
    let e = P2pV2Packet::parse(&[8, 0, 0, 8, 0, 0, 0, 0, 4, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        .unwrap_err();
    assert!(matches!(
        e,
        P2pError::BadHeaderLength {
            what: "DataHeaderLength",
            value: 4,
            ..
        }
    ));
    // MessageLength too short for a data header.
    let e = P2pV2Packet::parse(&[8, 0, 0, 3, 0, 0, 0, 0, 8, 1, 0, 0, 0, 0, 0]).unwrap_err();
    assert!(matches!(
        e,
        P2pError::TooShort {
            what: "P2Pv2 data header",
            ..
        }
    ));
    // libpurple's empty data header is accepted as no payload, and skipped by reassembly.
    let p =
        P2pV2Packet::parse(&[8, 0, 0, 8, 0, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]).unwrap();
    assert!(p.data.as_ref().unwrap().payload.is_empty());
    assert_eq!(
        Reassembler::new(P2pLimits::default()).push_v2(&p),
        Ok(Progress::Skipped)
    );
}

#[test]
fn v1_rules_and_classes() {
    // MessageLength > TotalSize.
    let m = v1(0, 1, 0, 0, 3, b"abcd");
    assert!(matches!(
        P2pMessage::parse(&m.to_bytes()),
        Err(P2pError::ChunkOutsideMessage { .. })
    ));
    // Data on session 0 (§11.2 item 9).
    let mut r = Reassembler::new(P2pLimits::default());
    assert_eq!(
        r.push_v1(&v1(0, 1, flags::MSNOBJ_DATA, 0, 4, b"abcd")),
        Err(ReassemblyError::DataOnSessionZero)
    );
    // ACK, NAK, session end, handshake, unknown flags: nothing stored.
    for f in [
        flags::ACK,
        flags::NAK,
        flags::CLOSE_SESSION,
        flags::TLP_ERROR,
        flags::BINARY_ERROR,
        flags::DIRECT_HANDSHAKE,
        0x1000,
    ] {
        assert_eq!(
            r.push_v1(&v1(5, 1, f, 0, 4, b"abcd")),
            Ok(Progress::Skipped),
            "{f:#x}"
        );
    }
    // A data chunk without bytes.
    assert_eq!(
        r.push_v1(&v1(0, 1, 0, 0, 4, b"")),
        Err(ReassemblyError::EmptyChunk)
    );
    // A header whose length disagrees with its payload (built by hand).
    let mut m = v1(0, 1, 0, 0, 10, b"abcd");
    m.header.length = 10;
    assert!(matches!(
        r.push_v1(&m),
        Err(ReassemblyError::LengthMismatch { .. })
    ));
    assert_eq!((r.open_messages(), r.buffered_bytes()), (0, 0));
}

// --- §11.2: reassembly rules ----------------------------------------------------------------

#[test]
fn size_lies_and_changes() {
    let mut r = Reassembler::new(P2pLimits::default());
    // TotalSize changes between chunks (item 5).
    r.push_v1(&v1(0, 1, 0, 0, 10, b"abcde")).unwrap();
    assert!(matches!(
        r.push_v1(&v1(0, 1, 0, 5, 11, b"fghij")),
        Err(ReassemblyError::TotalSizeChanged {
            was: 10,
            now: 11,
            ..
        })
    ));
    // An ACK with the same identifier is not data.
    assert!(matches!(
        r.push_v1(&v1(0, 1, flags::ACK, 5, 10, b"fghij")),
        Ok(Progress::Skipped)
    ));
    // Kind changes within one message.
    r.push_v1(&v1(5, 7, flags::MSNOBJ_DATA, 0, 4, b"ab"))
        .unwrap();
    assert!(matches!(
        r.push_v1(&v1(5, 7, 0, 2, 4, b"cd")),
        Err(ReassemblyError::KindChanged {
            was: MessageKind::MsnObject,
            now: MessageKind::DataPreparation,
            ..
        })
    ));
    assert_eq!(r.drop_session(5), 1);
    // Overlap with different bytes.
    assert!(matches!(
        r.push_v1(&v1(0, 1, 0, 3, 10, b"XXxxx")),
        Err(ReassemblyError::OverlapMismatch { offset: 3, .. })
    ));
    // The message is still intact and completes with the right bytes.
    let Progress::Completed(c) = r.push_v1(&v1(0, 1, 0, 3, 10, b"defghij")).unwrap() else {
        panic!()
    };
    assert_eq!(c.bytes, b"abcdefghij");

    // v2: remaining larger than the message allows.
    let mut r = Reassembler::new(P2pLimits::default());
    r.push_v2(&v2(TfKind::MsnObject, true, 1, 9, Some(10), b"abcde"))
        .unwrap();
    assert!(matches!(
        r.push_v2(&v2(TfKind::MsnObject, false, 1, 9, Some(11), b"fghij")),
        Err(ReassemblyError::RemainingInconsistent {
            remaining: 11,
            total: 15,
            ..
        })
    ));
    // v2: a first chunk whose remaining overflows.
    assert!(matches!(
        r.push_v2(&v2(TfKind::MsnObject, true, 2, 9, Some(u64::MAX), b"abcde")),
        Err(ReassemblyError::RemainingInconsistent { .. })
    ));
    // v2: a repeated first chunk announcing another size.
    assert!(matches!(
        r.push_v2(&v2(TfKind::MsnObject, true, 1, 9, Some(20), b"abcde")),
        Err(ReassemblyError::TotalSizeChanged {
            was: 15,
            now: 25,
            ..
        })
    ));
    // v2: kind change within one message, unknown TF.
    assert!(matches!(
        r.push_v2(&v2(TfKind::File, false, 1, 9, Some(5), b"fghij")),
        Err(ReassemblyError::KindChanged { .. })
    ));
    assert_eq!(
        r.push_v2(&v2(TfKind::Other(0x08), true, 1, 9, None, b"x")),
        Err(ReassemblyError::UnknownTf(0x09))
    );
    assert_eq!(r.buffered_bytes(), 5);
    assert_eq!(r.drop_session(9), 1);
    assert_eq!((r.open_messages(), r.buffered_bytes()), (0, 0));
}

/// A huge announced size with a tiny chunk allocates only the chunk (item 7).
#[test]
fn allocation_follows_bytes_not_announcements() {
    let mut r = Reassembler::new(P2pLimits::default());
    for id in 0..8 {
        r.push_v1(&v1(5, id, flags::MSNOBJ_DATA, 1000, 1 << 20, b"x"))
            .unwrap();
    }
    assert_eq!((r.open_messages(), r.buffered_bytes()), (8, 8));
}

// --- every limit at its value and one past --------------------------------------------------

fn tiny() -> P2pLimits {
    P2pLimits {
        max_chunk_payload: 10,
        max_slp_size: 30,
        max_object_size: 40,
        max_file_size: 50,
        max_open_messages: 3,
        max_buffered_bytes: 25,
        max_ranges: 3,
    }
}

#[test]
fn limit_chunk_payload() {
    let mut r = Reassembler::new(tiny());
    assert!(r.push_v1(&v1(0, 1, 0, 0, 30, &[1; 10])).is_ok());
    assert_eq!(
        r.push_v1(&v1(0, 1, 0, 10, 30, &[1; 11])),
        Err(ReassemblyError::ChunkTooLarge { len: 11, max: 10 })
    );
}

#[test]
fn limit_message_sizes() {
    let cases = [
        (0, 0, 30, MessageKind::Slp),
        (5, flags::MSNOBJ_DATA, 40, MessageKind::MsnObject),
        (5, flags::WLM2009_FILE_DATA, 50, MessageKind::File),
    ];
    for (sid, f, max, kind) in cases {
        let mut r = Reassembler::new(tiny());
        assert!(
            r.push_v1(&v1(sid, 1, f, 0, max, &[1; 5])).is_ok(),
            "{kind:?}"
        );
        assert_eq!(
            r.push_v1(&v1(sid, 2, f, 0, max + 1, &[1; 5])),
            Err(ReassemblyError::MessageTooLarge {
                kind,
                total: max + 1,
                max
            }),
        );
    }
    // Data preparation: exactly 4.
    let mut r = Reassembler::new(tiny());
    assert!(matches!(
        r.push_v1(&v1(5, 1, 0, 0, 4, &[0; 4])),
        Ok(Progress::Completed(_))
    ));
    for total in [3, 5] {
        assert_eq!(
            r.push_v1(&v1(5, 2, 0, 0, total, &[0; 3])),
            Err(ReassemblyError::BadDataPreparation { total })
        );
    }
}

#[test]
fn limit_open_messages() {
    let mut r = Reassembler::new(tiny());
    for id in 0..3 {
        r.push_v1(&v1(0, id, 0, 0, 30, &[1; 2])).unwrap();
    }
    assert_eq!(r.open_messages(), 3);
    assert_eq!(
        r.push_v1(&v1(0, 3, 0, 0, 30, &[1; 2])),
        Err(ReassemblyError::TooManyOpenMessages { max: 3 })
    );
    // Chunks of open messages still go in, and a whole one-chunk message is not stored.
    assert!(r.push_v1(&v1(0, 0, 0, 2, 30, &[1; 2])).is_ok());
    assert!(matches!(
        r.push_v1(&v1(0, 9, 0, 0, 5, &[1; 5])),
        Ok(Progress::Completed(_))
    ));
    assert_eq!(r.open_messages(), 3);
}

#[test]
fn limit_buffered_bytes() {
    let mut r = Reassembler::new(tiny());
    r.push_v1(&v1(0, 1, 0, 0, 30, &[1; 10])).unwrap();
    r.push_v1(&v1(0, 1, 0, 10, 30, &[1; 10])).unwrap();
    r.push_v1(&v1(0, 2, 0, 0, 30, &[1; 5])).unwrap();
    assert_eq!(r.buffered_bytes(), 25);
    assert_eq!(
        r.push_v1(&v1(0, 2, 0, 5, 30, &[1; 1])),
        Err(ReassemblyError::BufferFull {
            buffered: 25,
            incoming: 1,
            max: 25
        })
    );
    // A duplicate adds nothing and passes.
    assert_eq!(
        r.push_v1(&v1(0, 1, 0, 5, 30, &[1; 10])),
        Ok(Progress::Buffered)
    );
    assert_eq!(r.buffered_bytes(), 25);
}

#[test]
fn limit_ranges() {
    let mut r = Reassembler::new(tiny());
    for off in [0, 4, 8] {
        r.push_v1(&v1(5, 1, flags::MSNOBJ_DATA, off + 1, 40, &[1; 2]))
            .unwrap();
    }
    assert_eq!(
        r.push_v1(&v1(5, 1, flags::MSNOBJ_DATA, 13, 40, &[1; 2])),
        Err(ReassemblyError::TooManyRanges {
            key: MessageKey {
                session_id: 5,
                message_id: 1
            },
            max: 3
        })
    );
    // Filling a gap merges ranges and is accepted.
    assert!(
        r.push_v1(&v1(5, 1, flags::MSNOBJ_DATA, 3, 40, &[1; 2]))
            .is_ok()
    );
    assert!(
        r.push_v1(&v1(5, 1, flags::MSNOBJ_DATA, 13, 40, &[1; 2]))
            .is_ok()
    );
}

/// File data streams: out-of-order bytes wait (bounded), in-order bytes are handed out, the
/// buffer never holds the whole file.
#[test]
fn file_data_is_streamed() {
    let mut r = Reassembler::new(tiny());
    let file: Vec<u8> = (0..50u8).collect();
    let mut got = Vec::new();
    for off in [10u64, 0, 20, 30, 40] {
        let c = v1(
            5,
            1,
            flags::WLM2009_FILE_DATA,
            off,
            50,
            &file[off as usize..off as usize + 10],
        );
        match r.push_v1(&c).unwrap() {
            Progress::FileData {
                offset,
                bytes,
                last,
                ..
            } => {
                assert_eq!(offset, got.len() as u64);
                got.extend(bytes);
                assert_eq!(last, got.len() == 50);
            }
            Progress::Buffered => {}
            other => panic!("{other:?}"),
        }
        assert!(r.buffered_bytes() <= 10);
    }
    assert_eq!(got, file);
    assert_eq!(r.open_messages(), 0);
}

#[test]
fn slp_numbers_and_framing() {
    // CSeq / SessionID: signs and overflow refused (item 11).
    for bad in ["-1", "+1", "4294967296", "1e3", ""] {
        let h = INVITE.replace("CSeq: 0 ", &format!("CSeq: {bad}"));
        let bytes = slp_with(&h, "");
        // `CSeq: ` with nothing after the space is already refused by the framing.
        let Ok(m) = SlpMessage::parse(&bytes) else {
            assert_eq!(bad, "");
            continue;
        };
        assert!(
            matches!(
                m.cseq(),
                Err(P2pError::Invalid { field: "CSeq", .. }) | Err(P2pError::Missing(_))
            ),
            "{bad}"
        );
        let body = SlpBody::parse("SessionID: -5\r\n\r\n").unwrap();
        assert!(body.session_id().is_err());
    }
    let bytes = slp_with(&INVITE.replace("CSeq: 0 ", "CSeq: 4294967295"), "");
    let m = SlpMessage::parse(&bytes).unwrap();
    assert_eq!(m.cseq(), Ok(u32::MAX));
    // Content-Length beyond the bytes, or bytes after it that are not NUL.
    let mut long = INVITE.as_bytes().to_vec();
    long.extend(b"Content-Length: 100\r\n\r\nabc\0");
    assert!(matches!(
        SlpMessage::parse(&long),
        Err(P2pError::LengthMismatch { .. })
    ));
    let mut extra = INVITE.as_bytes().to_vec();
    extra.extend(b"Content-Length: 2\r\n\r\nabc\0");
    assert!(matches!(
        SlpMessage::parse(&extra),
        Err(P2pError::Slp { .. })
    ));
    // A sender that does not count the NUL: kept, re-encoded the same.
    let mut uncounted = INVITE.as_bytes().to_vec();
    uncounted.extend(b"Content-Length: 2\r\n\r\n\r\n\0");
    let m = SlpMessage::parse(&uncounted).unwrap();
    assert_eq!(m.trailing_nuls, 1);
    assert_eq!(m.to_bytes().unwrap(), uncounted);
    // Not UTF-8, no start line, bad start lines.
    assert!(matches!(
        SlpMessage::parse(b"INVITE \xff\r\n"),
        Err(P2pError::Utf8 { offset: 7 })
    ));
    for bad in [
        &b"no crlf"[..],
        b"invite MSNMSGR:a MSNSLP/1.0\r\nContent-Length: 0\r\n\r\n",
        b"INVITE a MSNSLP/1.0\r\nContent-Length: 0\r\n\r\n",
        b"INVITE MSNMSGR:a SIP/2.0\r\nContent-Length: 0\r\n\r\n",
        b"MSNSLP/1.0 20 OK\r\nContent-Length: 0\r\n\r\n",
        b"MSNSLP/1.0 200 \r\nContent-Length: 0\r\n\r\n",
        b"MSNSLP/1.0 200 OK\r\nContent-Length: 0\r\n",
    ] {
        assert!(
            matches!(SlpMessage::parse(bad), Err(P2pError::Slp { .. })),
            "{:?}",
            String::from_utf8_lossy(bad)
        );
    }
}

/// Header lines in another form than `Name: value` CRLF are refused with their offset, so
/// that whatever parses re-encodes byte for byte.
#[test]
fn slp_noncanonical_headers() {
    let start = "MSNSLP/1.0 200 OK\r\n";
    for (head, at) in [
        ("CSeq:1\r\n", 19 + 5),
        ("CSeq:  1\r\n", 19 + 6),
        ("CSeq: 1\n", 19 + 7),
        ("Via: a\r\n b\r\n", 19 + 6),
        ("Max-Forwards: \r\n", 19 + 13),
    ] {
        let text = format!("{start}{head}Content-Length: 1\r\n\r\n\0");
        match SlpMessage::parse(text.as_bytes()) {
            Err(P2pError::Slp { offset, .. }) => assert_eq!(offset, at, "{head:?}"),
            other => panic!("{head:?}: {other:?}"),
        }
    }
    let ok = format!("{start}Empty:\r\nContent-Length: 1\r\n\r\n\0");
    assert_eq!(
        SlpMessage::parse(ok.as_bytes())
            .unwrap()
            .to_bytes()
            .unwrap(),
        ok.as_bytes()
    );
}

#[test]
fn slp_start_line_controls() {
    for bad in [
        "MSNSLP/1.0 200 O\rK\r\n",
        "MSNSLP/1.0 200 O\nK\r\n",
        "BYE MSNMSGR:a\nb MSNSLP/1.0\r\n",
    ] {
        let text = format!("{bad}Content-Length: 1\r\n\r\n\0");
        assert!(
            matches!(
                SlpMessage::parse(text.as_bytes()),
                Err(P2pError::Slp { .. })
            ),
            "{bad:?}"
        );
    }
}

#[test]
fn slp_body_bare_cr() {
    assert!(SlpBody::parse("Context: ab\rcd\r\n\r\n").is_err());
    assert!(SlpBody::parse("Con\rtext: abcd\r\n\r\n").is_err());
    // Folded lines are read unfolded; the typed view builds.
    let b = SlpBody::parse("Context: ab\r\n cd\r\n\r\n").unwrap();
    assert_eq!(b.get("Context"), Some("ab cd"));
    assert!(b.to_text().is_ok());
}
