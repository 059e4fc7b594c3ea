//! The dialect table, row by row: for each payload command and each TrID special case, a line
//! that must frame with a payload (and how long) and one that must not, per direction and version.

use msnp_proto::{Decoder, Dialect, Direction, Limits, ProtocolVersion as V, Status, TrId};

const C: Option<Direction> = Some(Direction::ClientToServer);
const S: Option<Direction> = Some(Direction::ServerToClient);
const U: Option<Direction> = None;

/// (version, direction, line, TrID, payload length, number of arguments)
type Row = (
    V,
    Option<Direction>,
    &'static str,
    Option<u32>,
    Option<usize>,
    usize,
);

const ROWS: &[Row] = &[
    // MSG: payload both ways, TrID only from the client.
    (V::Msnp2, C, "MSG 4 A 5", Some(4), Some(5), 1),
    (V::Msnp12, S, "MSG Hotmail Hotmail 5", None, Some(5), 2),
    (V::Msnp12, U, "MSG bob@hotmail.com Bob 5", None, Some(5), 2),
    // NOT, IPG: server only.
    (V::Msnp5, S, "NOT 5", None, Some(5), 0),
    (V::Msnp6, S, "IPG 5", None, Some(5), 0),
    // SDC: client payload, reply OK without.
    (
        V::Msnp5,
        C,
        "SDC 3 a@b.com 0x0409 MSMSGS WindowsMessenger X X Bob 5",
        Some(3),
        Some(5),
        7,
    ),
    (V::Msnp5, S, "SDC 3 OK", Some(3), None, 1),
    // PAG (5–8) and PGD (9+).
    (V::Msnp5, C, "PAG 3 bob@hotmail.com 5", Some(3), Some(5), 1),
    (
        V::Msnp9,
        C,
        "PGD 3 bob@hotmail.com 1 5",
        Some(3),
        Some(5),
        2,
    ),
    // QRY: the client's answer has a payload, the server's ack none.
    (
        V::Msnp6,
        C,
        "QRY 7 msmsgs@msnmsgr.com 5",
        Some(7),
        Some(5),
        1,
    ),
    (V::Msnp11, S, "QRY 7", Some(7), None, 0),
    (V::Msnp11, U, "QRY 7", Some(7), None, 0),
    (
        V::Msnp11,
        U,
        "QRY 7 PROD0090YUAUV{2B 5",
        Some(7),
        Some(5),
        1,
    ),
    // GCF: request none, reply with payload (11–12 with the file name, 13+ without).
    (V::Msnp11, C, "GCF 9 Shields.xml", Some(9), None, 1),
    (V::Msnp11, S, "GCF 9 Shields.xml 5", Some(9), Some(5), 1),
    (V::Msnp13, S, "GCF 0 5", Some(0), Some(5), 0),
    (V::Msnp11, U, "GCF 9 Shields.xml", Some(9), None, 1),
    (V::Msnp11, U, "GCF 9 Shields.xml 5", Some(9), Some(5), 1),
    // UUX: payload from the client; the server's reply has a zero-length payload.
    (V::Msnp11, C, "UUX 11 5", Some(11), Some(5), 0),
    (V::Msnp11, S, "UUX 11 0", Some(11), Some(0), 0),
    // UBX: 11–13 handle, 14–17 handle nid, 18 nid:handle.
    (V::Msnp11, S, "UBX bob@hotmail.com 5", None, Some(5), 1),
    (V::Msnp14, S, "UBX bob@hotmail.com 1 5", None, Some(5), 2),
    (V::Msnp18, S, "UBX 1:alice@hotmail.com 0", None, Some(0), 1),
    // ADL / RML: payload unless OK.
    (V::Msnp13, C, "ADL 6 5", Some(6), Some(5), 0),
    (V::Msnp13, S, "ADL 6 OK", Some(6), None, 1),
    (V::Msnp13, S, "ADL 0 5", Some(0), Some(5), 0),
    (V::Msnp13, C, "RML 6 5", Some(6), Some(5), 0),
    (V::Msnp13, S, "RML 6 OK", Some(6), None, 1),
    // UUN / UBN.
    (
        V::Msnp13,
        C,
        "UUN 8 bob@hotmail.com 1 5",
        Some(8),
        Some(5),
        2,
    ),
    (V::Msnp13, S, "UUN 8 OK", Some(8), None, 1),
    (V::Msnp13, S, "UBN bob@hotmail.com 1 5", None, Some(5), 2),
    // FQY, UUM, UBM (14+).
    (V::Msnp14, C, "FQY 10 5", Some(10), Some(5), 0),
    (V::Msnp14, S, "FQY 10 5", Some(10), Some(5), 0),
    (
        V::Msnp14,
        C,
        "UUM 11 bob@yahoo.com 32 1 5",
        Some(11),
        Some(5),
        3,
    ),
    (V::Msnp14, S, "UBM bob@yahoo.com 32 1 5", None, Some(5), 3),
    (
        V::Msnp18,
        S,
        "UBM bob@yahoo.com 32 alice@hotmail.com 1 1 5",
        None,
        Some(5),
        5,
    ),
    // MSNP18 circles and routed messages.
    (V::Msnp18, S, "NFY PUT 5", None, Some(5), 1),
    (V::Msnp18, C, "PUT 12 5", Some(12), Some(5), 0),
    (V::Msnp18, S, "PUT 12 OK 0", Some(12), Some(0), 1),
    (V::Msnp18, C, "DEL 13 5", Some(13), Some(5), 0),
    (V::Msnp18, C, "SDG 14 5", Some(14), Some(5), 0),
    (V::Msnp18, S, "SDG 0 5", Some(0), Some(5), 0),
    (
        V::Msnp18,
        C,
        "VAS 15 bob@hotmail.com 1 2 5",
        Some(15),
        Some(5),
        3,
    ),
    (V::Msnp21, C, "GET 16 5", Some(16), Some(5), 0),
    // Error replies: a payload only from MSNP13 on, only with three tokens.
    (V::Msnp13, S, "241 6 5", Some(6), Some(5), 0),
    (V::Msnp13, S, "241 6", Some(6), None, 0),
    (V::Msnp12, S, "215 14", Some(14), None, 0),
    (V::Msnp12, S, "215 14 5", Some(14), None, 1),
    (V::Msnp2, S, "911", None, None, 0),
    // Lines ending in numbers that are not payload commands.
    (V::Msnp14, S, "FLN bob@hotmail.com 1 0", None, None, 3),
    (
        V::Msnp12,
        S,
        "IRO 1 1 1 carol@msn.com Carol 1073741860",
        Some(1),
        None,
        5,
    ),
    (
        V::Msnp9,
        C,
        "REA 12 alice@hotmail.com 16",
        Some(12),
        None,
        2,
    ),
    // TrID special cases.
    (V::Msnp9, S, "QNG 45", None, None, 1),
    (
        V::Msnp12,
        S,
        "RNG 11752099 203.0.113.41:1863 CKI 849.11.15 carol@msn.com Carol",
        None,
        None,
        6,
    ),
    (V::Msnp12, S, "BLP AL", None, None, 1),
    (V::Msnp12, S, "BLP 12 AL", Some(12), None, 1),
    (V::Msnp12, S, "PRP MFN Alice", None, None, 2),
    (V::Msnp12, S, "GTC A", None, None, 1),
    (V::Msnp8, S, "LSG 0 Other%20Contacts 0", None, None, 3),
    (V::Msnp7, S, "LSG 12 5 1 3 0 Friends 0", Some(12), None, 6),
    (V::Msnp8, S, "LST bob@hotmail.com Bob 11 0", None, None, 4),
    (
        V::Msnp5,
        S,
        "LST 12 FL 5 1 1 bob@hotmail.com Bob",
        Some(12),
        None,
        6,
    ),
    (V::Msnp5, S, "BPR 5 bob@hotmail.com PHH 555", None, None, 4),
    (V::Msnp11, S, "SBS 0 null", Some(0), None, 1),
    (V::Msnp11, S, "CHL 0 22210219642164014968", Some(0), None, 1),
    (V::Msnp2, C, "OUT", None, None, 0),
    (V::Msnp2, S, "OUT OTH", None, None, 1),
    (V::Msnp2, S, "JOI bob@hotmail.com Bob", None, None, 2),
    (V::Msnp2, S, "BYE bob@hotmail.com", None, None, 1),
    (V::Msnp2, S, "ACK 4", Some(4), None, 0),
    (V::Msnp2, U, "CHG 3 NLN", Some(3), None, 1),
];

#[test]
fn every_row_frames_as_specified() {
    for &(version, dir, line, trid, payload, argc) in ROWS {
        let mut dialect = Dialect::notification(version);
        dialect.direction = dir;
        let mut wire = format!("{line}\r\n").into_bytes();
        if let Some(n) = payload {
            wire.extend(std::iter::repeat_n(b'x', n));
        }
        wire.extend_from_slice(b"OUT\r\n");
        let mut dec = Decoder::new(dialect, Limits::default());
        let got = dec.decode(&wire);
        let Ok(Status::Complete { value, consumed }) = got else {
            panic!("{version} {dir:?} {line:?}: {got:?}")
        };
        assert_eq!(
            value.trid(),
            trid.map(TrId),
            "{version} {dir:?} {line:?}: TrID"
        );
        assert_eq!(
            value.payload().map(<[u8]>::len),
            payload,
            "{version} {dir:?} {line:?}: payload"
        );
        assert_eq!(
            value.arg_count(),
            argc,
            "{version} {dir:?} {line:?}: arguments"
        );
        assert_eq!(
            consumed,
            wire.len() - 5,
            "{version} {dir:?} {line:?}: consumed"
        );
    }
}

#[test]
fn strict_dialects_ignore_payload_commands_before_their_version() {
    let mut d = Dialect::notification(V::Msnp8).with_direction(Direction::ServerToClient);
    let wire = b"UUX 0 0\r\n";
    let Ok(Status::Complete { value, .. }) = Decoder::new(d, Limits::default()).decode(wire) else {
        panic!()
    };
    assert_eq!(
        value.payload(),
        Some(&b""[..]),
        "lenient by default: framed as a payload command"
    );
    d.leniency.payload_outside_version = false;
    let Ok(Status::Complete { value, .. }) = Decoder::new(d, Limits::default()).decode(wire) else {
        panic!()
    };
    assert_eq!(value.payload(), None);
    assert_eq!(value.arg_count(), 1);
}
