//! The verb table: every fact about a command verb, one row per verb.
//!
//! A row says in which versions and on which channels the verb exists, who sends it, whether
//! each side's line carries a TrID, whether it carries a payload and which document that
//! payload is. Everything else is derived from these rows:
//!
//! * [`Dialect::payload_rule`] and [`Dialect::trid_rule`] (the framing layer's questions),
//!   through a per-verb info word built from the rows at compile time, so a lookup is a single
//!   load;
//! * [`supported`] (re-exported as `message::supported`): whether the typed layer has the verb
//!   in a dialect;
//! * which verbs the typed decoder reads without a TrID slot when the sender is unknown;
//! * the payload parser [`parse_payload`](crate::payload::parse_payload) picks, by
//!   [`PayloadKind`].
//!
//! **Adding a verb** means two things, nothing else: its row in [`VERBS`] (and its name in the
//! `verbs!` list of [`Verb`], which `Verb::KNOWN` comes from), and its typed struct with its line
//! in the `messages!` table of [`message`](crate::message) (plus its arm in
//! `Message::decode_with`, which picks the struct). The table checks itself at compile time
//! (sorted, each verb once) and in its tests (one row per known verb).
//!
//! ```
//! use msnp_proto::verb_table::{self, PayloadKind, Senders};
//! use msnp_proto::{Dialect, Direction, ProtocolVersion, Verb};
//! let row = verb_table::row(Verb::UBX).unwrap();
//! assert_eq!(row.senders, Senders::Server);
//! assert_eq!(row.payload.map(|p| p.document), Some(PayloadKind::Data));
//! assert!(row.in_dialect(&Dialect::notification(ProtocolVersion::Msnp11)));
//! assert!(!row.in_dialect(&Dialect::notification(ProtocolVersion::Msnp10)));
//! let client = Dialect::notification(ProtocolVersion::Msnp11).with_direction(Direction::ClientToServer);
//! assert!(!row.in_dialect(&client));
//! ```

use crate::verb::{LETTER_VERBS, Verb};
use crate::version::{
    Channel, Dialect, Direction, PayloadRule, ProtocolVersion as V, ProtocolVersion, TrIdRule,
};

/// A closed range of protocol versions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Versions {
    /// The first version with the verb.
    pub first: ProtocolVersion,
    /// The last version with the verb.
    pub last: ProtocolVersion,
}

impl Versions {
    /// Whether `v` is in the range.
    pub const fn contains(self, v: ProtocolVersion) -> bool {
        self.first as u8 <= v as u8 && v as u8 <= self.last as u8
    }
}

/// Who sends a verb.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Senders {
    /// Only clients (`PNG`, `UUM`).
    Client,
    /// Only servers (`NLN`, `JOI`).
    Server,
    /// Both sides (a request and its reply, or a command relayed both ways).
    Both,
}

impl Senders {
    /// Whether lines in `direction` may carry this verb.
    pub const fn send(self, direction: Direction) -> bool {
        !matches!(
            (self, direction),
            (Self::Client, Direction::ServerToClient) | (Self::Server, Direction::ClientToServer)
        )
    }
}

/// Whether one side's line carries a TrID, by version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrIdForm {
    /// Always a TrID (`0` in unsolicited server forms).
    Required,
    /// Never a TrID (`NLN`, `QNG 45`).
    Absent,
    /// Required before this version; from it on, optional (`BLP AL` inside `SYN` vs `BLP 12 AL`).
    OptionalSince(ProtocolVersion),
    /// Required before this version; from it on, absent (`LST` is only sent inside `SYN`).
    AbsentSince(ProtocolVersion),
}

impl TrIdForm {
    /// The rule in `version`.
    pub const fn rule(self, version: ProtocolVersion) -> TrIdRule {
        match self {
            Self::Required => TrIdRule::Required,
            Self::Absent => TrIdRule::Absent,
            Self::OptionalSince(v) if version as u8 >= v as u8 => TrIdRule::Optional,
            Self::AbsentSince(v) if version as u8 >= v as u8 => TrIdRule::Absent,
            Self::OptionalSince(_) | Self::AbsentSince(_) => TrIdRule::Required,
        }
    }
}

/// Which document a payload is, and so which parser reads it.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PayloadKind {
    /// MIME with a typed body (`MSG`, `UUM`, `UBM`).
    Mime,
    /// `<ml>` (`ADL`, `RML`, `FQY`).
    Ml,
    /// `<Data>` (`UUX`, `UBX`).
    Data,
    /// Shields `<config>` or `<Policies>` (`GCF`).
    Gcf,
    /// `<NOTIFICATION>` (`NOT`, `IPG`).
    Notification,
    /// A body by notification type (`UUN`, `UBN`).
    Uun,
    /// Routed MIME (`NFY`, `PUT`, `DEL`, `SDG`).
    Routed,
    /// A free-form XML page (`PAG`, `PGD`).
    Xml,
    /// UTF-8 text (`QRY`'s answer, `SDC`'s invitation).
    Text,
    /// Undocumented: kept as bytes (`VAS`, `GET`).
    Opaque,
}

/// How a verb carries a payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PayloadForm {
    /// The first version with the payload form (the verb's first version).
    pub since: ProtocolVersion,
    /// The rule for client lines.
    pub client: PayloadRule,
    /// The rule for server lines.
    pub server: PayloadRule,
    /// The rule for lines whose sender is unknown.
    pub unknown: PayloadRule,
    /// What the payload is.
    pub document: PayloadKind,
}

/// Everything about one verb.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VerbRow {
    /// The verb.
    pub verb: Verb,
    /// The versions with the verb on a notification (or dispatch) server, if any.
    pub notification: Option<Versions>,
    /// The versions with the verb on a switchboard, if any.
    pub switchboard: Option<Versions>,
    /// Whether the `CVR0` pseudo-dialect has it.
    pub cvr0: bool,
    /// Who sends it.
    pub senders: Senders,
    /// TrID of client lines.
    pub client_trid: TrIdForm,
    /// TrID of server lines.
    pub server_trid: TrIdForm,
    /// The payload, for payload commands.
    pub payload: Option<PayloadForm>,
}

impl VerbRow {
    /// Whether the protocol reference has the verb in `dialect` (version, channel, and — when
    /// the dialect says who sends — direction).
    pub const fn in_dialect(&self, dialect: &Dialect) -> bool {
        if let Some(d) = dialect.direction
            && !self.senders.send(d)
        {
            return false;
        }
        let v = dialect.version;
        if matches!(v, V::Cvr0) {
            return self.cvr0;
        }
        let range = match dialect.channel {
            Channel::Notification => self.notification,
            Channel::Switchboard => self.switchboard,
        };
        match range {
            Some(r) => r.contains(v),
            None => false,
        }
    }

    /// Whether only servers send the verb, never with a TrID, in `version`: a leading number on
    /// such a line is its first argument (`RNG 11752013 …`).
    pub const fn server_only_without_trid(&self, version: ProtocolVersion) -> bool {
        matches!(self.senders, Server) && matches!(self.server_trid.rule(version), TrIdRule::Absent)
    }

    /// The first version with the verb, on either channel (`CVR0` for a `CVR0`-only verb).
    const fn first_version(&self) -> ProtocolVersion {
        match (self.notification, self.switchboard) {
            (Some(n), Some(s)) if (s.first as u8) < n.first as u8 => s.first,
            (Some(n), _) => n.first,
            (None, Some(s)) => s.first,
            (None, None) => V::Cvr0,
        }
    }

    // Builders for the rows below.

    const fn new(verb: Verb, senders: Senders) -> Self {
        Self {
            verb,
            notification: None,
            switchboard: None,
            cvr0: false,
            senders,
            client_trid: TrIdForm::Required,
            server_trid: TrIdForm::Required,
            payload: None,
        }
    }

    const fn ns(mut self, first: ProtocolVersion, last: ProtocolVersion) -> Self {
        self.notification = Some(Versions { first, last });
        self
    }

    const fn sb(mut self) -> Self {
        self.switchboard = Some(ALL);
        self
    }

    const fn cvr0(mut self) -> Self {
        self.cvr0 = true;
        self
    }

    const fn client_trid(mut self, form: TrIdForm) -> Self {
        self.client_trid = form;
        self
    }

    const fn server_trid(mut self, form: TrIdForm) -> Self {
        self.server_trid = form;
        self
    }

    /// The payload form from the verb's first version on (so call it after the channels).
    /// With the sender unknown, a command that only one side sends keeps that side's rule, and
    /// one that both send keeps the looser of the two.
    const fn payload(
        mut self,
        client: PayloadRule,
        server: PayloadRule,
        document: PayloadKind,
    ) -> Self {
        use PayloadRule::{Last, None as NoPayload};
        let unknown = match (client, server) {
            (NoPayload, r) | (r, NoPayload) | (Last, r) | (r, Last) => r,
            (c, _) => c,
        };
        self.payload = Some(PayloadForm {
            since: self.first_version(),
            client,
            server,
            unknown,
            document,
        });
        self
    }

    /// Overrides the unknown-direction payload rule, where the line's shape tells the sides apart.
    const fn unknown_payload(mut self, rule: PayloadRule) -> Self {
        if let Some(p) = &mut self.payload {
            p.unknown = rule;
        }
        self
    }
}

const ALL: Versions = Versions {
    first: V::Msnp2,
    last: V::Msnp21,
};

/// A verb on notification servers in `first..=last`.
const fn ns(
    verb: Verb,
    senders: Senders,
    first: ProtocolVersion,
    last: ProtocolVersion,
) -> VerbRow {
    VerbRow::new(verb, senders).ns(first, last)
}

/// A verb on switchboards only, in every version.
const fn sb(verb: Verb, senders: Senders) -> VerbRow {
    VerbRow::new(verb, senders).sb()
}

use PayloadKind as K;
use PayloadRule::{Last, LastIfArgs, LastIfNumeric, LastUnlessOk, None as NoPayload};
use Senders::{Both, Client, Server};
use TrIdForm::{Absent, AbsentSince, OptionalSince};

/// The table (commands.md §2, versions.md), sorted by verb. Numeric error replies are not rows:
/// see [`ERROR_PAYLOAD_SINCE`] and the error arms of [`Dialect::payload_rule`],
/// [`Dialect::trid_rule`] and [`supported`].
pub const VERBS: &[VerbRow] = &[
    sb(Verb::ACK, Server),
    ns(Verb::ADC, Both, V::Msnp10, V::Msnp12),
    ns(Verb::ADD, Both, V::Msnp2, V::Msnp9),
    ns(Verb::ADG, Both, V::Msnp7, V::Msnp12),
    ns(Verb::ADL, Both, V::Msnp13, V::Msnp21).payload(LastUnlessOk, LastUnlessOk, K::Ml),
    sb(Verb::ANS, Both),
    // Inside `SYN` (8+) `BLP`, `GTC` and `PRP` come without a TrID; as replies they echo one.
    ns(Verb::BLP, Both, V::Msnp2, V::Msnp21).server_trid(OptionalSince(V::Msnp8)),
    ns(Verb::BPR, Server, V::Msnp5, V::Msnp12).server_trid(Absent),
    sb(Verb::BYE, Server).server_trid(Absent),
    sb(Verb::CAL, Both),
    ns(Verb::CHG, Both, V::Msnp2, V::Msnp21),
    ns(Verb::CHL, Both, V::Msnp6, V::Msnp21),
    // `CVQ` is all the `CVR0` pseudo-dialect has (with `VER` and `OUT`).
    VerbRow::new(Verb::CVQ, Both).cvr0(),
    ns(Verb::CVR, Both, V::Msnp2, V::Msnp21),
    // `DEL trid len` from the client; no server form documented.
    ns(Verb::DEL, Client, V::Msnp18, V::Msnp21).payload(Last, NoPayload, K::Routed),
    ns(Verb::FLN, Server, V::Msnp2, V::Msnp21).server_trid(Absent),
    ns(Verb::FND, Both, V::Msnp2, V::Msnp7),
    ns(Verb::FQY, Both, V::Msnp14, V::Msnp21).payload(Last, Last, K::Ml),
    // Client `GCF trid Shields.xml` has none; server `GCF trid Shields.xml len` / `GCF 0 len`.
    ns(Verb::GCF, Both, V::Msnp11, V::Msnp21)
        .payload(NoPayload, Last, K::Gcf)
        .unknown_payload(LastIfNumeric),
    ns(Verb::GET, Client, V::Msnp21, V::Msnp21).payload(Last, NoPayload, K::Opaque),
    ns(Verb::GSB, Client, V::Msnp11, V::Msnp21),
    ns(Verb::GTC, Both, V::Msnp2, V::Msnp12).server_trid(OptionalSince(V::Msnp8)),
    ns(Verb::ILN, Server, V::Msnp2, V::Msnp17),
    ns(Verb::IMS, Both, V::Msnp3, V::Msnp21),
    ns(Verb::INF, Both, V::Msnp2, V::Msnp7),
    ns(Verb::IPG, Server, V::Msnp5, V::Msnp21)
        .server_trid(Absent)
        .payload(NoPayload, Last, K::Notification),
    sb(Verb::IRO, Server),
    sb(Verb::JOI, Server).server_trid(Absent),
    ns(Verb::LKP, Both, V::Msnp12, V::Msnp21),
    // From 8 on, `LSG` and `LST` are only sent inside `SYN`, without a TrID.
    ns(Verb::LSG, Both, V::Msnp7, V::Msnp12).server_trid(AbsentSince(V::Msnp8)),
    ns(Verb::LST, Both, V::Msnp2, V::Msnp12).server_trid(AbsentSince(V::Msnp8)),
    ns(Verb::MSG, Both, V::Msnp2, V::Msnp21)
        .sb()
        .server_trid(Absent)
        .payload(Last, Last, K::Mime),
    sb(Verb::NAK, Server),
    ns(Verb::NFY, Server, V::Msnp18, V::Msnp21)
        .server_trid(Absent)
        .payload(NoPayload, Last, K::Routed),
    ns(Verb::NLN, Server, V::Msnp2, V::Msnp21).server_trid(Absent),
    ns(Verb::NOT, Server, V::Msnp5, V::Msnp21)
        .server_trid(Absent)
        .payload(NoPayload, Last, K::Notification),
    ns(Verb::OUT, Both, V::Msnp2, V::Msnp21)
        .sb()
        .cvr0()
        .client_trid(Absent)
        .server_trid(Absent),
    ns(Verb::PAG, Client, V::Msnp5, V::Msnp8).payload(Last, NoPayload, K::Xml),
    ns(Verb::PGD, Client, V::Msnp9, V::Msnp21).payload(Last, NoPayload, K::Xml),
    ns(Verb::PNG, Client, V::Msnp2, V::Msnp21).client_trid(Absent),
    ns(Verb::PRP, Both, V::Msnp5, V::Msnp21).server_trid(OptionalSince(V::Msnp8)),
    // Reply `PUT trid OK 0` (Escargot; uncertain) ends in a zero length either way.
    ns(Verb::PUT, Both, V::Msnp18, V::Msnp21).payload(Last, LastUnlessOk, K::Routed),
    ns(Verb::QNG, Server, V::Msnp2, V::Msnp21).server_trid(Absent),
    // Client `QRY trid product-id len`; server `QRY trid`.
    ns(Verb::QRY, Both, V::Msnp6, V::Msnp21)
        .payload(Last, NoPayload, K::Text)
        .unknown_payload(LastIfArgs(3)),
    ns(Verb::REA, Both, V::Msnp2, V::Msnp9),
    ns(Verb::REG, Both, V::Msnp7, V::Msnp12),
    ns(Verb::REM, Both, V::Msnp2, V::Msnp12),
    ns(Verb::RFS, Server, V::Msnp13, V::Msnp21).server_trid(Absent),
    ns(Verb::RMG, Both, V::Msnp7, V::Msnp12),
    ns(Verb::RML, Both, V::Msnp13, V::Msnp21).payload(LastUnlessOk, LastUnlessOk, K::Ml),
    ns(Verb::RNG, Server, V::Msnp2, V::Msnp21).server_trid(Absent),
    ns(Verb::SBP, Both, V::Msnp10, V::Msnp12),
    ns(Verb::SBS, Server, V::Msnp11, V::Msnp21),
    // Client `SDC … len` with the invitation; server `SDC trid OK`.
    ns(Verb::SDC, Both, V::Msnp5, V::Msnp21).payload(Last, NoPayload, K::Text),
    ns(Verb::SDG, Both, V::Msnp18, V::Msnp21).payload(Last, Last, K::Routed),
    ns(Verb::SND, Both, V::Msnp2, V::Msnp21),
    ns(Verb::SYN, Both, V::Msnp2, V::Msnp12),
    ns(Verb::UBM, Server, V::Msnp14, V::Msnp21)
        .server_trid(Absent)
        .payload(NoPayload, Last, K::Mime),
    ns(Verb::UBN, Server, V::Msnp13, V::Msnp21)
        .server_trid(Absent)
        .payload(NoPayload, Last, K::Uun),
    ns(Verb::UBX, Server, V::Msnp11, V::Msnp21)
        .server_trid(Absent)
        .payload(NoPayload, Last, K::Data),
    ns(Verb::URL, Both, V::Msnp2, V::Msnp21),
    ns(Verb::USR, Both, V::Msnp2, V::Msnp21).sb(),
    ns(Verb::UUM, Client, V::Msnp14, V::Msnp21).payload(Last, NoPayload, K::Mime),
    // Client `UUN … len`; server `UUN trid OK`.
    ns(Verb::UUN, Both, V::Msnp13, V::Msnp21).payload(Last, NoPayload, K::Uun),
    // The server's `UUX trid 0` has a payload of length 0.
    ns(Verb::UUX, Both, V::Msnp11, V::Msnp21).payload(Last, Last, K::Data),
    ns(Verb::VAS, Client, V::Msnp18, V::Msnp21).payload(Last, NoPayload, K::Opaque),
    ns(Verb::VER, Both, V::Msnp2, V::Msnp21).cvr0(),
    ns(Verb::XFR, Both, V::Msnp2, V::Msnp21),
];

/// Error replies carry a payload (`NNN trid len`) from this version on (errors.md §1.2).
pub const ERROR_PAYLOAD_SINCE: ProtocolVersion = ProtocolVersion::Msnp13;

/// The row of `verb`, if the protocol reference names it (never for error replies).
pub fn row(verb: Verb) -> Option<&'static VerbRow> {
    row_of(info(verb))
}

fn row_of(info: u16) -> Option<&'static VerbRow> {
    // Rows are numbered from 1, so 0 means none.
    VERBS.get(usize::from(info & INFO_ROW).wrapping_sub(1))
}

/// Whether the protocol reference has `verb` in this dialect (version, channel, and — when the
/// dialect says who sends — direction: a client never sends `NLN`, a server never sends `PNG`).
/// Error replies exist wherever a server speaks.
///
/// ```
/// use msnp_proto::{Dialect, ProtocolVersion, Verb, message::supported};
/// assert!(supported(Verb::SYN, &Dialect::notification(ProtocolVersion::Msnp12)));
/// assert!(!supported(Verb::SYN, &Dialect::notification(ProtocolVersion::Msnp13)));
/// assert!(supported(Verb::JOI, &Dialect::switchboard(ProtocolVersion::Msnp8)));
/// assert!(!supported(Verb::JOI, &Dialect::notification(ProtocolVersion::Msnp8)));
/// ```
#[inline]
pub fn supported(verb: Verb, d: &Dialect) -> bool {
    if verb.is_error() {
        return d.direction != Some(Direction::ClientToServer);
    }
    row(verb).is_some_and(|r| r.in_dialect(d))
}

impl Dialect {
    /// How a line starting with `verb` announces a payload in this dialect.
    pub fn payload_rule(&self, verb: Verb) -> PayloadRule {
        if verb.is_error() {
            return if self.version >= ERROR_PAYLOAD_SINCE {
                LastIfArgs(2)
            } else {
                NoPayload
            };
        }
        let info = info(verb);
        if info & INFO_PAYLOAD == 0 {
            return NoPayload;
        }
        let Some(p) = row_of(info).and_then(|r| r.payload.as_ref()) else {
            return NoPayload;
        };
        if self.version < p.since && !self.leniency.payload_outside_version {
            return NoPayload;
        }
        match self.direction {
            Some(Direction::ClientToServer) => p.client,
            Some(Direction::ServerToClient) => p.server,
            None => p.unknown,
        }
    }

    /// Whether a line starting with `verb` carries a TrID in this dialect.
    pub fn trid_rule(&self, verb: Verb) -> TrIdRule {
        // The draft allows error lines without a TrID for server-generated conditions, and a
        // verb the reference does not name may have either form: both have an info of 0.
        let info = info(verb);
        let v = self.version;
        let side = |shift: u16, form: fn(&VerbRow) -> TrIdForm| match (info >> shift) & 3 {
            TRID_OPTIONAL => TrIdRule::Optional,
            TRID_REQUIRED => TrIdRule::Required,
            TRID_ABSENT => TrIdRule::Absent,
            _ => row_of(info).map_or(TrIdRule::Optional, |r| form(r).rule(v)),
        };
        let client = || side(INFO_CLIENT_SHIFT, |r| r.client_trid);
        let server = || side(INFO_SERVER_SHIFT, |r| r.server_trid);
        match self.direction {
            Some(Direction::ClientToServer) => client(),
            Some(Direction::ServerToClient) => server(),
            None => match (client(), server()) {
                (c, s) if c == s => c,
                _ => TrIdRule::Optional,
            },
        }
    }
}

/// A dialect's framing rules (TrID, payload) per verb row, each worked out on first use: the
/// decoder asks them for every line, and a dialect lives for many lines.
#[derive(Clone, Debug)]
pub(crate) struct RuleMemo {
    /// Slot 0: verbs without a row; 1..=rows: the rows; last: error replies.
    rules: [Option<(TrIdRule, PayloadRule)>; VERBS.len() + 2],
}

impl RuleMemo {
    pub(crate) const fn new() -> Self {
        Self {
            rules: [None; VERBS.len() + 2],
        }
    }

    /// `(d.trid_rule(verb), d.payload_rule(verb))`; `d` must be the same dialect on every call.
    #[inline(always)]
    pub(crate) fn get(&mut self, d: &Dialect, verb: Verb) -> (TrIdRule, PayloadRule) {
        // Both rules depend on the verb only through its row (errors: the version).
        let slot = if verb.is_error() {
            VERBS.len() + 1
        } else {
            usize::from(info(verb) & INFO_ROW)
        };
        match self.rules.get_mut(slot) {
            Some(Some(r)) => *r,
            Some(s) => *s.insert((d.trid_rule(verb), d.payload_rule(verb))),
            None => (d.trid_rule(verb), d.payload_rule(verb)),
        }
    }
}

const fn verb_lt(a: Verb, b: Verb) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a[0] < b[0] || (a[0] == b[0] && (a[1] < b[1] || (a[1] == b[1] && a[2] < b[2])))
}

// The facts of every letter verb in one `u16`, built at compile time from the rows, so that
// the decoder's per-line questions (TrID? payload?) are a single load; only payload commands
// and TrID forms that change with the version read the row itself.
const INFO_ROW: u16 = 0x7f;
const INFO_PAYLOAD: u16 = 0x80;
const INFO_CLIENT_SHIFT: u16 = 8;
const INFO_SERVER_SHIFT: u16 = 10;
// Per side, two bits; 0 is what a verb without a row gets.
const TRID_OPTIONAL: u16 = 0;
const TRID_REQUIRED: u16 = 1;
const TRID_ABSENT: u16 = 2;
const TRID_BY_VERSION: u16 = 3;

const fn trid_bits(form: TrIdForm) -> u16 {
    match form {
        TrIdForm::Required => TRID_REQUIRED,
        Absent => TRID_ABSENT,
        OptionalSince(_) | AbsentSince(_) => TRID_BY_VERSION,
    }
}

/// The info of every letter verb. The build fails if the rows are unsorted, repeat a verb, or
/// do not fit.
const fn build_info() -> [u16; LETTER_VERBS] {
    assert!(VERBS.len() <= INFO_ROW as usize, "row numbers must fit");
    let mut t = [0u16; LETTER_VERBS];
    let mut i = 0;
    while i < VERBS.len() {
        let r = &VERBS[i];
        assert!(!r.verb.is_error(), "error replies have no row");
        assert!(
            i == 0 || verb_lt(VERBS[i - 1].verb, r.verb),
            "rows are sorted by verb, each verb once"
        );
        let mut bits = (i + 1) as u16
            | trid_bits(r.client_trid) << INFO_CLIENT_SHIFT
            | trid_bits(r.server_trid) << INFO_SERVER_SHIFT;
        if r.payload.is_some() {
            bits |= INFO_PAYLOAD;
        }
        t[r.verb.index()] = bits;
        i += 1;
    }
    t
}

static VERB_INFO: [u16; LETTER_VERBS] = build_info();

#[inline(always)]
fn info(verb: Verb) -> u16 {
    if verb.is_error() {
        0
    } else {
        // Letter verbs index from 0, so the index is in the table.
        VERB_INFO[verb.index()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_row_per_known_verb_in_order() {
        let verbs: Vec<Verb> = VERBS.iter().map(|r| r.verb).collect();
        assert!(verbs.windows(2).all(|w| w[0] < w[1]), "sorted, each once");
        assert_eq!(
            verbs,
            Verb::KNOWN,
            "every known verb has a row, and only those"
        );
        for r in VERBS {
            assert_eq!(row(r.verb), Some(r), "{}", r.verb);
        }
        assert_eq!(row(Verb::new(*b"ZZZ").unwrap()), None);
        assert_eq!(row(Verb::error(911).unwrap()), None);
    }

    #[test]
    fn rows_are_coherent() {
        for r in VERBS {
            let v = r.verb;
            assert!(
                r.notification.is_some() || r.switchboard.is_some() || r.cvr0,
                "{v}: exists somewhere"
            );
            for range in [r.notification, r.switchboard].into_iter().flatten() {
                assert!(range.first <= range.last, "{v}: range");
                assert!(range.first >= V::Msnp2, "{v}: CVR0 is its own flag");
            }
            if let Some(p) = r.payload {
                // A side that never sends the verb has no payload rule for it.
                if r.senders == Client {
                    assert_eq!(p.server, NoPayload, "{v}");
                }
                if r.senders == Server {
                    assert_eq!(p.client, NoPayload, "{v}");
                }
                assert_ne!((p.client, p.server), (NoPayload, NoPayload), "{v}");
                assert_ne!(p.since, V::Cvr0, "{v}");
            }
        }
    }

    #[test]
    fn rules_follow_the_rows() {
        let s = Dialect::notification(V::Msnp12).with_direction(Direction::ServerToClient);
        assert_eq!(s.trid_rule(Verb::QNG), TrIdRule::Absent);
        assert_eq!(s.trid_rule(Verb::LST), TrIdRule::Absent);
        assert_eq!(
            s.with_version(V::Msnp7).trid_rule(Verb::LST),
            TrIdRule::Required
        );
        assert_eq!(s.trid_rule(Verb::BLP), TrIdRule::Optional);
        assert_eq!(
            s.with_version(V::Msnp7).trid_rule(Verb::BLP),
            TrIdRule::Required
        );
        assert_eq!(s.trid_rule(Verb::new(*b"ZZZ").unwrap()), TrIdRule::Optional);
        let c = s.with_direction(Direction::ClientToServer);
        assert_eq!(c.trid_rule(Verb::PNG), TrIdRule::Absent);
        assert_eq!(c.trid_rule(Verb::MSG), TrIdRule::Required);
        assert_eq!(
            c.without_direction().trid_rule(Verb::MSG),
            TrIdRule::Optional
        );
        assert_eq!(
            c.without_direction().trid_rule(Verb::CHG),
            TrIdRule::Required
        );
        assert_eq!(c.trid_rule(Verb::error(911).unwrap()), TrIdRule::Optional);
        // The derived unknown-direction payload rule: one side's rule, or the looser of two.
        let u = c.without_direction();
        assert_eq!(u.payload_rule(Verb::UBX), Last);
        assert_eq!(u.payload_rule(Verb::PUT), LastUnlessOk);
        assert_eq!(u.payload_rule(Verb::ADL), LastUnlessOk);
        assert_eq!(u.payload_rule(Verb::GCF), LastIfNumeric);
        assert_eq!(u.payload_rule(Verb::SDC), Last);
        assert_eq!(u.payload_rule(Verb::CHG), NoPayload);
    }

    #[test]
    fn info_agrees_with_the_rows() {
        for r in VERBS {
            for v in ProtocolVersion::ALL {
                let d = Dialect::notification(v);
                let c = d.with_direction(Direction::ClientToServer);
                let s = d.with_direction(Direction::ServerToClient);
                assert_eq!(c.trid_rule(r.verb), r.client_trid.rule(v), "{} {v}", r.verb);
                assert_eq!(s.trid_rule(r.verb), r.server_trid.rule(v), "{} {v}", r.verb);
                let (cp, sp) = r
                    .payload
                    .map_or((NoPayload, NoPayload), |p| (p.client, p.server));
                assert_eq!(c.payload_rule(r.verb), cp, "{} {v}", r.verb);
                assert_eq!(s.payload_rule(r.verb), sp, "{} {v}", r.verb);
            }
        }
    }

    #[test]
    fn servers_only_verbs_without_trid() {
        let untrid: Vec<Verb> = VERBS
            .iter()
            .filter(|r| r.server_only_without_trid(V::Msnp12))
            .map(|r| r.verb)
            .collect();
        assert_eq!(
            untrid,
            [
                Verb::BPR,
                Verb::BYE,
                Verb::FLN,
                Verb::IPG,
                Verb::JOI,
                Verb::NFY,
                Verb::NLN,
                Verb::NOT,
                Verb::QNG,
                Verb::RFS,
                Verb::RNG,
                Verb::UBM,
                Verb::UBN,
                Verb::UBX,
            ]
        );
    }
}
