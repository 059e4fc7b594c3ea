//! Protocol versions and dialects: what a decoder must know about a connection (version,
//! channel, sender, leniency). The per-verb rules a dialect answers (which lines carry a TrID,
//! which a payload) come from the verb table, `verb_table.rs`.
//!
//! Versions are negotiated at runtime by `VER`, and one capture may contain several, so the rules
//! are data (`Dialect`), not cargo features.

use core::fmt;

/// A protocol dialect named in `VER`: `CVR0` or `MSNP2` … `MSNP21`.
///
/// Ordered by age; `Cvr0` (the client-version-query pseudo-dialect) sorts first.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum ProtocolVersion {
    /// `CVR0`: only `CVQ` (client version query); the server disconnects afterwards.
    Cvr0 = 0,
    /// MSN Messenger 1.0.
    Msnp2 = 2,
    /// MSN Messenger 2.0.
    Msnp3 = 3,
    /// MSN Messenger 2.1/2.2.
    Msnp4 = 4,
    /// MSN Messenger 3.0.
    Msnp5 = 5,
    /// MSN Messenger 3.6.
    Msnp6 = 6,
    /// MSN Messenger 4.5.
    Msnp7 = 7,
    /// MSN Messenger 5.0 (Passport 1.4, `CVR` in login).
    Msnp8 = 8,
    /// MSN Messenger 6.0.
    Msnp9 = 9,
    /// MSN Messenger 6.1 (ABCH-migrated lists, `ADC`).
    Msnp10 = 10,
    /// MSN Messenger 7.0 (`UUX`/`UBX`, new QRY algorithm).
    Msnp11 = 11,
    /// MSN Messenger 7.5.
    Msnp12 = 12,
    /// Windows Live Messenger 8.0 (`ADL`/`RML`, no `SYN`).
    Msnp13 = 13,
    /// Windows Live Messenger 8.0 (network IDs in presence).
    Msnp14 = 14,
    /// Windows Live Messenger 8.1/8.5 (SSO).
    Msnp15 = 15,
    /// Windows Live Messenger 9.0 beta (MPOP endpoints, `caps:capsex`).
    Msnp16 = 16,
    /// Undocumented; offered by WLM 2009 as a fallback.
    Msnp17 = 17,
    /// Windows Live Messenger 2009 (`nid:handle`, circles).
    Msnp18 = 18,
    /// Undocumented; framing as MSNP18.
    Msnp19 = 19,
    /// Undocumented; framing as MSNP18.
    Msnp20 = 20,
    /// Windows Live Messenger 2011/2012 (`NFY`/`PUT`/`SDG` for everything).
    Msnp21 = 21,
}

impl ProtocolVersion {
    /// Every dialect, oldest first.
    pub const ALL: [Self; 21] = [
        Self::Cvr0,
        Self::Msnp2,
        Self::Msnp3,
        Self::Msnp4,
        Self::Msnp5,
        Self::Msnp6,
        Self::Msnp7,
        Self::Msnp8,
        Self::Msnp9,
        Self::Msnp10,
        Self::Msnp11,
        Self::Msnp12,
        Self::Msnp13,
        Self::Msnp14,
        Self::Msnp15,
        Self::Msnp16,
        Self::Msnp17,
        Self::Msnp18,
        Self::Msnp19,
        Self::Msnp20,
        Self::Msnp21,
    ];

    /// The version number (`Msnp12` → 12, `Cvr0` → 0).
    pub const fn number(self) -> u8 {
        self as u8
    }

    /// The dialect with this number (0 = `CVR0`, 2 … 21).
    pub const fn from_number(n: u8) -> Option<Self> {
        match n {
            0 => Some(Self::Cvr0),
            2..=21 => Some(Self::ALL[n as usize - 1]),
            _ => None,
        }
    }

    /// Parses a dialect name as sent in `VER` (`MSNP12`, `CVR0`); case-insensitive, as the draft allows.
    ///
    /// ```
    /// use msnp_proto::ProtocolVersion;
    /// assert_eq!(ProtocolVersion::parse(b"MSNP12"), Some(ProtocolVersion::Msnp12));
    /// assert_eq!(ProtocolVersion::parse(b"cvr0"), Some(ProtocolVersion::Cvr0));
    /// assert_eq!(ProtocolVersion::parse(b"MSNP1"), None);
    /// ```
    pub fn parse(s: &[u8]) -> Option<Self> {
        if s.eq_ignore_ascii_case(b"CVR0") {
            return Some(Self::Cvr0);
        }
        let digits = s
            .get(..4)
            .filter(|p| p.eq_ignore_ascii_case(b"MSNP"))
            .and_then(|_| s.get(4..))?;
        if digits.is_empty()
            || digits.len() > 2
            || !digits.iter().all(u8::is_ascii_digit)
            || digits[0] == b'0'
        {
            return None;
        }
        let n = digits.iter().fold(0u8, |a, d| a * 10 + (d - b'0'));
        match n {
            2..=21 => Self::from_number(n),
            _ => None,
        }
    }

    /// The name as written in `VER` (`MSNP12`, `CVR0`).
    pub const fn name(self) -> &'static str {
        const NAMES: [&str; 21] = [
            "CVR0", "MSNP2", "MSNP3", "MSNP4", "MSNP5", "MSNP6", "MSNP7", "MSNP8", "MSNP9",
            "MSNP10", "MSNP11", "MSNP12", "MSNP13", "MSNP14", "MSNP15", "MSNP16", "MSNP17",
            "MSNP18", "MSNP19", "MSNP20", "MSNP21",
        ];
        match self {
            Self::Cvr0 => NAMES[0],
            v => NAMES[v as usize - 1],
        }
    }

    /// Whether this version is in `from..=until`.
    pub fn within(self, from: Self, until: Self) -> bool {
        from <= self && self <= until
    }

    /// How a client logs in (versions.md §4.1).
    ///
    /// ```
    /// use msnp_proto::version::{AuthScheme, ProtocolVersion};
    /// assert_eq!(ProtocolVersion::Msnp7.auth_scheme(), Some(AuthScheme::Md5));
    /// assert_eq!(ProtocolVersion::Msnp12.auth_scheme(), Some(AuthScheme::Tweener));
    /// assert_eq!(ProtocolVersion::Msnp18.auth_scheme(), Some(AuthScheme::SingleSignOn));
    /// ```
    pub const fn auth_scheme(self) -> Option<AuthScheme> {
        match self as u8 {
            0 => None,
            2..=7 => Some(AuthScheme::Md5),
            8..=14 => Some(AuthScheme::Tweener),
            _ => Some(AuthScheme::SingleSignOn),
        }
    }

    /// How `CHL` challenges are answered with `QRY`, from MSNP6 on.
    pub const fn challenge_scheme(self) -> Option<ChallengeScheme> {
        match self as u8 {
            0..=5 => None,
            6..=10 => Some(ChallengeScheme::Md5),
            _ => Some(ChallengeScheme::Msnp11),
        }
    }

    /// How contacts are addressed in presence commands: a separate network ID from MSNP14,
    /// `nid:handle` from MSNP18 (NINA dates the prefix to 16; MSNPSharp, papyon and Escargot to 18).
    pub const fn address_form(self) -> AddressForm {
        match self as u8 {
            0..=13 => AddressForm::Plain,
            14..=17 => AddressForm::SeparateNetworkId,
            _ => AddressForm::NetworkPrefixed,
        }
    }

    /// Whether client capabilities carry the extended word (`caps:capsex`, MSNP16+).
    pub const fn has_extended_caps(self) -> bool {
        self as u8 >= 16
    }
}

/// The login package of a version.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AuthScheme {
    /// `USR MD5`: MD5 of the server's salt and the password (MSNP2–7).
    Md5,
    /// `USR TWN`: a Passport 1.4 / RST ticket (MSNP8–14).
    Tweener,
    /// `USR SSO`: an RST2 ticket plus the MBI blob (MSNP15+).
    SingleSignOn,
}

/// The `QRY` answer algorithm of a version.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChallengeScheme {
    /// MD5 of the challenge and the product key (MSNP6–10).
    Md5,
    /// The MSNP11 product-ID algorithm (MSNP11+).
    Msnp11,
}

/// How presence commands name a contact.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AddressForm {
    /// `bob@hotmail.com` (MSNP2–13).
    Plain,
    /// `bob@hotmail.com 1`: the network ID as its own argument (MSNP14–17).
    SeparateNetworkId,
    /// `1:bob@hotmail.com` (MSNP18+).
    NetworkPrefixed,
}

impl fmt::Display for ProtocolVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl core::str::FromStr for ProtocolVersion {
    type Err = UnknownVersion;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s.as_bytes()).ok_or(UnknownVersion)
    }
}

/// The text is not a dialect name (`CVR0`, `MSNP2` … `MSNP21`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not a protocol dialect (expected CVR0 or MSNP2 … MSNP21)")]
pub struct UnknownVersion;

#[cfg(feature = "serde")]
impl serde::Serialize for ProtocolVersion {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// Which kind of server a connection talks to.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "snake_case")
)]
pub enum Channel {
    /// A dispatch or notification server (they share one grammar; the DS only answers `VER`/`CVR`/`USR I`).
    Notification,
    /// A switchboard (chat session) server.
    Switchboard,
}

impl Channel {
    /// Short name: `ns` or `sb`.
    pub const fn short_name(self) -> &'static str {
        match self {
            Self::Notification => "ns",
            Self::Switchboard => "sb",
        }
    }
}

/// Who sent a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum Direction {
    /// Sent by the client (`C:` in a transcript).
    ClientToServer,
    /// Sent by the server (`S:` in a transcript).
    ServerToClient,
}

impl Direction {
    /// The other direction.
    pub const fn reverse(self) -> Self {
        match self {
            Self::ClientToServer => Self::ServerToClient,
            Self::ServerToClient => Self::ClientToServer,
        }
    }
}

/// Runtime leniency switches for input that real servers and clients sent but the grammar forbids.
///
/// The defaults follow the protocol reference: tolerate runs of spaces (the 1999 draft allows
/// them) and trailing spaces; report bare LF line ends, blank lines and control bytes as errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Leniency {
    /// Accept a line ended by LF alone (Escargot and MSNPSharp split on LF). Default `false`.
    pub accept_bare_lf: bool,
    /// Accept runs of spaces between tokens and spaces at the end of a line. Default `true`.
    pub allow_extra_spaces: bool,
    /// Skip blank lines silently instead of reporting them. Default `false`.
    pub skip_blank_lines: bool,
    /// Accept raw (valid) UTF-8 in arguments instead of only URL-encoded ASCII. Default `true`:
    /// some clients sent raw UTF-8 names.
    pub allow_utf8_args: bool,
    /// Frame a payload command by its payload even in a dialect older than the command (a stray
    /// `UUX 0 0` on MSNP8, reported by the NINA wiki). Default `true`: the length is on the line, and
    /// ignoring it would turn the payload into garbage commands.
    pub payload_outside_version: bool,
}

impl Default for Leniency {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl Leniency {
    /// The defaults (usable in `const` contexts): see the type's documentation.
    pub const DEFAULT: Self = Self {
        accept_bare_lf: false,
        allow_extra_spaces: true,
        skip_blank_lines: false,
        allow_utf8_args: true,
        payload_outside_version: true,
    };
    /// Everything the wild sent is accepted (bare LF, blank lines, extra spaces, UTF-8).
    pub const PERMISSIVE: Self = Self {
        accept_bare_lf: true,
        allow_extra_spaces: true,
        skip_blank_lines: true,
        allow_utf8_args: true,
        payload_outside_version: true,
    };
    /// The grammar exactly: single spaces, CRLF, ASCII arguments, payloads only where the dialect has them.
    pub const STRICT: Self = Self {
        accept_bare_lf: false,
        allow_extra_spaces: false,
        skip_blank_lines: false,
        allow_utf8_args: false,
        payload_outside_version: false,
    };
}

/// Whether (and how) a command line announces a payload. The length is always the last token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PayloadRule {
    /// Never a payload.
    None,
    /// Always a payload; the last token must be a valid length (`MSG … len`, `NOT len`, `UBX … len`).
    Last,
    /// A payload unless the last token is `OK` (`ADL trid OK` vs `ADL trid len`).
    LastUnlessOk,
    /// A payload when the line has at least this many tokens after the verb (`QRY trid pid len`
    /// from the client vs `QRY trid`; `NNN trid len` error replies in MSNP13+).
    LastIfArgs(u8),
    /// A payload when the last token is all digits (`GCF trid Shields.xml len` when the direction is unknown).
    LastIfNumeric,
}

/// Whether the token after the verb is a transaction ID.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrIdRule {
    /// The command always carries a TrID (`0` in unsolicited server forms).
    Required,
    /// The command never carries one (`NLN`, `QNG 45`: the number is not a TrID).
    Absent,
    /// Both forms occur (`BLP AL` inside `SYN` vs `BLP 12 AL`); a first argument of digits is the TrID.
    Optional,
}

/// Everything that decides how bytes are framed and read: version, server kind, sender, leniency.
///
/// `direction: None` means the sender is unknown (a bare line in a transcript); the rules then
/// use what both directions share and fall back to the shape of the line.
///
/// ```
/// use msnp_proto::{Dialect, Direction, PayloadRule, ProtocolVersion, TrIdRule, Verb};
/// let client = Dialect::notification(ProtocolVersion::Msnp12).with_direction(Direction::ClientToServer);
/// let server = client.with_direction(Direction::ServerToClient);
/// assert_eq!(client.payload_rule(Verb::QRY), PayloadRule::Last);
/// assert_eq!(client.without_direction().payload_rule(Verb::QRY), PayloadRule::LastIfArgs(3));
/// assert_eq!(server.payload_rule(Verb::QRY), PayloadRule::None);
/// assert_eq!(server.trid_rule(Verb::QNG), TrIdRule::Absent);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dialect {
    /// The negotiated protocol version.
    pub version: ProtocolVersion,
    /// Notification/dispatch or switchboard.
    pub channel: Channel,
    /// Who sends the bytes being decoded, when known.
    pub direction: Option<Direction>,
    /// What non-conforming input to accept.
    pub leniency: Leniency,
}

impl Default for Dialect {
    fn default() -> Self {
        Self::notification(ProtocolVersion::Msnp8)
    }
}

impl Dialect {
    /// A notification-server dialect of `version`, direction unknown, default leniency.
    pub const fn notification(version: ProtocolVersion) -> Self {
        Self {
            version,
            channel: Channel::Notification,
            direction: None,
            leniency: Leniency::DEFAULT,
        }
    }

    /// A switchboard dialect of `version`, direction unknown, default leniency.
    pub const fn switchboard(version: ProtocolVersion) -> Self {
        let mut d = Self::notification(version);
        d.channel = Channel::Switchboard;
        d
    }

    /// This dialect for lines sent in `direction`.
    pub const fn with_direction(mut self, direction: Direction) -> Self {
        self.direction = Some(direction);
        self
    }

    /// This dialect with the sender unknown.
    pub const fn without_direction(mut self) -> Self {
        self.direction = None;
        self
    }

    /// This dialect on another channel.
    pub const fn with_channel(mut self, channel: Channel) -> Self {
        self.channel = channel;
        self
    }

    /// This dialect with other leniency switches.
    pub const fn with_leniency(mut self, leniency: Leniency) -> Self {
        self.leniency = leniency;
        self
    }

    /// This dialect at another version.
    pub const fn with_version(mut self, version: ProtocolVersion) -> Self {
        self.version = version;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ProtocolVersion as V;

    #[test]
    fn era_predicates_follow_the_version_table() {
        for v in ProtocolVersion::ALL {
            let n = v.number();
            assert_eq!(v.auth_scheme().is_none(), n == 0, "{v}");
            assert_eq!(
                v.challenge_scheme() == Some(ChallengeScheme::Md5),
                (6..=10).contains(&n),
                "{v}"
            );
            assert_eq!(
                v.address_form() == AddressForm::NetworkPrefixed,
                n >= 18,
                "{v}"
            );
            assert_eq!(v.has_extended_caps(), n >= 16, "{v}");
        }
        assert_eq!(V::Msnp14.address_form(), AddressForm::SeparateNetworkId);
        assert_eq!(V::Msnp15.auth_scheme(), Some(AuthScheme::SingleSignOn));
        assert_eq!(V::Msnp11.challenge_scheme(), Some(ChallengeScheme::Msnp11));
    }

    #[test]
    fn version_names_round_trip() {
        for v in ProtocolVersion::ALL {
            assert_eq!(ProtocolVersion::parse(v.name().as_bytes()), Some(v));
            assert_eq!(ProtocolVersion::from_number(v.number()), Some(v));
        }
        for bad in [
            &b"MSNP"[..],
            b"MSNP0",
            b"MSNP02",
            b"MSNP22",
            b"MSNP123",
            b"XYZ",
            b"",
        ] {
            assert_eq!(ProtocolVersion::parse(bad), None, "{:?}", bad);
        }
    }
}
