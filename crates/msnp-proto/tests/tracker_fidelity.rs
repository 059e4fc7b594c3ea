//! Issue 11: what the dialect tracker learns from traffic without connection markers.

use msnp_proto::negotiation::DialectTracker;
use msnp_proto::stream::{
    REFERRED_CONNECTION_LABEL, TrackedDecoder, TranscriptItem, TranscriptStream, WireItem,
};
use msnp_proto::{Channel, Direction, Limits, ProtocolVersion, Verb};

const REFERRAL: &str = "C: VER 1 MSNP12 MSNP11 MSNP10 CVR0\n\
S: VER 1 MSNP12\n\
C: CVR 2 0x0409 winnt 5.1 i386 MSNMSGR 7.0.0816 MSMSGS alice@example.com\n\
S: CVR 2 7.0.0816 7.0.0816 7.0.0425 http://download.microsoft.com/msn.msi http://messenger.msn.com\n\
C: USR 3 TWN I alice@example.com\n\
S: XFR 3 NS 198.51.100.21:1863 0 198.51.100.10:1863\n\
C: VER 4 MSNP12 MSNP11 MSNP10 CVR0\n\
S: VER 4 MSNP12\n\
C: CVR 5 0x0409 winnt 5.1 i386 MSNMSGR 7.0.0816 MSMSGS alice@example.com\n";

#[test]
fn a_client_ver_after_xfr_ns_opens_a_new_connection() {
    let items: Vec<_> =
        TranscriptStream::new(REFERRAL, DialectTracker::new(ProtocolVersion::Msnp8)).collect();
    let summary: Vec<String> = items
        .iter()
        .map(|i| match i {
            TranscriptItem::Connection {
                id,
                label,
                position,
            } => {
                format!("conn {id} {label} @{}", position.line)
            }
            TranscriptItem::Command(c) => format!(
                "{} {:?} {}",
                c.command.as_raw().verb(),
                c.connection,
                c.dialect.version
            ),
            TranscriptItem::Error { error, .. } => format!("error {error}"),
        })
        .collect();
    assert_eq!(
        summary,
        [
            "VER None MSNP12",
            "VER None MSNP12",
            "CVR None MSNP12",
            "CVR None MSNP12",
            "USR None MSNP12",
            "XFR None MSNP12",
            &format!("conn 2 {REFERRED_CONNECTION_LABEL} @7"),
            "VER Some(2) MSNP12",
            "VER Some(2) MSNP12",
            "CVR Some(2) MSNP12",
        ]
    );
}

#[test]
fn the_new_connection_follows_markers_already_used() {
    let text = format!("# --- connection 5: DS ---\n{REFERRAL}");
    let ids: Vec<Option<u32>> =
        TranscriptStream::new(&text, DialectTracker::new(ProtocolVersion::Msnp8))
            .filter_map(|i| match i {
                TranscriptItem::Command(c) => Some(c.connection),
                _ => None,
            })
            .collect();
    assert_eq!(ids[..6], [Some(5); 6]);
    assert_eq!(ids[6..], [Some(6); 3]);
    // With a marker for the new server, nothing is guessed.
    let marked = REFERRAL.replace("C: VER 4", "# --- connection 2: NS ---\nC: VER 4");
    let markers = TranscriptStream::new(&marked, DialectTracker::new(ProtocolVersion::Msnp8))
        .filter(|i| matches!(i, TranscriptItem::Connection { .. }))
        .count();
    assert_eq!(markers, 1);
}

#[test]
fn a_lone_wire_stream_sees_the_new_connection() {
    let wire: String = REFERRAL
        .lines()
        .map(|l| format!("{}\r\n", &l[3..]))
        .collect();
    let mut dec = TrackedDecoder::new(
        DialectTracker::new(ProtocolVersion::Msnp8),
        None,
        Limits::default(),
    );
    dec.feed(wire.as_bytes());
    let mut conns = Vec::new();
    while let Some(item) = dec.next_item() {
        let WireItem::Command(c) = item else {
            panic!("{item:?}")
        };
        conns.push((c.command.verb(), c.connection));
    }
    assert_eq!(conns[5], (Verb::XFR, None));
    assert_eq!(conns[6], (Verb::VER, Some(2)));
    assert_eq!(conns[8], (Verb::CVR, Some(2)));
}

#[test]
fn a_client_msg_with_an_acknowledgement_type_means_switchboard() {
    for ack in ["U", "N", "A", "D"] {
        let text = format!("C: MSG 4 {ack} 5\nhello\n");
        let channels: Vec<Channel> =
            TranscriptStream::new(&text, DialectTracker::new(ProtocolVersion::Msnp12))
                .filter_map(|i| match i {
                    TranscriptItem::Command(c) => Some(c.dialect.channel),
                    _ => None,
                })
                .collect();
        assert_eq!(channels, [Channel::Switchboard], "{ack}");
    }
    // The server's `MSG` on a notification server stays there.
    let text = "S: MSG Hotmail Hotmail 5\nhello\n";
    let c: Vec<Channel> = TranscriptStream::new(text, DialectTracker::new(ProtocolVersion::Msnp12))
        .filter_map(|i| match i {
            TranscriptItem::Command(c) => Some(c.dialect.channel),
            _ => None,
        })
        .collect();
    assert_eq!(c, [Channel::Notification]);
    // A pinned channel is not guessed.
    let t = DialectTracker::new(ProtocolVersion::Msnp12).fix_channel(Channel::Notification);
    let c: Vec<_> = TranscriptStream::new("C: MSG 4 N 5\nhello\n", t)
        .filter_map(|i| match i {
            TranscriptItem::Command(c) => Some((c.dialect.channel, c.direction)),
            _ => None,
        })
        .collect();
    assert_eq!(
        c,
        [(Channel::Notification, Some(Direction::ClientToServer))]
    );
}

/// `with_max_saved_connections`: the state of the connections left is kept up to the bound
/// (a connection coming back resumes its version); one more forgets the connection left
/// longest ago, which comes back as a new one (the last notification version), while the
/// others resume theirs.
#[test]
fn saved_connections_at_and_one_past_the_bound() {
    let versions = |extra: &str| {
        let text = format!(
            "# --- connection 1 ---\nS: VER 1 MSNP12\n\
             # --- connection 2 ---\nS: VER 1 MSNP9\n\
             # --- connection 3 ---\nS: VER 1 MSNP11\n\
             {extra}\
             # --- connection 2 ---\nC: CHG 2 NLN 0\n\
             # --- connection 1 ---\nC: CHG 2 NLN 0\n"
        );
        let t = DialectTracker::new(ProtocolVersion::Msnp8).with_max_saved_connections(2);
        let mut s = TranscriptStream::new(&text, t);
        let v: Vec<_> = s
            .by_ref()
            .filter_map(|i| match i {
                TranscriptItem::Command(c) if c.command.as_raw().verb() == Verb::CHG => {
                    Some((c.connection.unwrap(), c.dialect.version))
                }
                _ => None,
            })
            .collect();
        (v, s.tracker().saved_connections())
    };
    use ProtocolVersion::{Msnp9, Msnp11, Msnp12};
    // Connections 1 and 2 are kept while on 3.
    assert_eq!(versions(""), (vec![(2, Msnp9), (1, Msnp12)], 2));
    // On 4, connection 1 (left first) is forgotten.
    assert_eq!(
        versions("# --- connection 4 ---\n"),
        (vec![(2, Msnp9), (1, Msnp11)], 2)
    );
}
