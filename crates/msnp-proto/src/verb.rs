//! Command verbs (`MSG`, `NLN`, …, or a three-digit error code) and transaction IDs.

use core::fmt;

/// A three-byte command verb: three upper-case ASCII letters (`MSG`) or three digits (`911`, an error reply).
///
/// Construction validates the bytes, so a `Verb` can always be written to the wire.
///
/// ```
/// use msnp_proto::Verb;
/// let v = Verb::new(*b"NLN").unwrap();
/// assert_eq!(v, Verb::NLN);
/// assert_eq!(v.as_str(), "NLN");
/// assert_eq!(Verb::new(*b"911").unwrap().error_code(), Some(911));
/// assert!(Verb::new(*b"msg").is_none());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Verb([u8; 3]);

/// Three-letter verbs, `AAA` to `ZZZ`.
pub(crate) const LETTER_VERBS: usize = 26 * 26 * 26;

macro_rules! verbs {
    ($($name:ident),* $(,)?) => {
        impl Verb {
            $(
                #[doc = concat!("The `", stringify!($name), "` command.")]
                pub const $name: Verb = Verb(*{
                    const S: &[u8; 3] = match stringify!($name).as_bytes() {
                        [a, b, c] => &[*a, *b, *c],
                        _ => panic!("verb names have three letters"),
                    };
                    S
                });
            )*
            /// Every command verb the protocol reference names (MSNP2 to MSNP21), in alphabetical order.
            pub const KNOWN: &'static [Verb] = &[$(Verb::$name),*];
        }
    };
}

verbs!(
    ACK, ADC, ADD, ADG, ADL, ANS, BLP, BPR, BYE, CAL, CHG, CHL, CVQ, CVR, DEL, FLN, FND, FQY, GCF,
    GET, GSB, GTC, ILN, IMS, INF, IPG, IRO, JOI, LKP, LSG, LST, MSG, NAK, NFY, NLN, NOT, OUT, PAG,
    PGD, PNG, PRP, PUT, QNG, QRY, REA, REG, REM, RFS, RMG, RML, RNG, SBP, SBS, SDC, SDG, SND, SYN,
    UBM, UBN, UBX, URL, USR, UUM, UUN, UUX, VAS, VER, XFR,
);

/// Whether every byte of `w` (each below 0x80) is in `lo..=hi`: adding `0x80 - lo` sets a
/// lane's top bit exactly when the lane is at least `lo`, and no carry leaves a lane.
const fn lanes_within(w: u32, lo: u8, hi: u8) -> bool {
    const fn splat(b: u8) -> u32 {
        b as u32 * 0x0101_0101
    }
    let at_least_lo = w + splat(0x80 - lo);
    let above_hi = w + splat(0x7f - hi);
    at_least_lo & !above_hi & 0x8080_8080 == 0x8080_8080
}

impl Verb {
    /// Validates three bytes as a verb: `A`–`Z` only, or `0`–`9` only.
    #[inline(always)]
    pub const fn new(b: [u8; 3]) -> Option<Self> {
        // The three bytes and a copy of the first in one word, each range checked in every lane
        // at once: the decoder asks this of every line.
        let w = u32::from_le_bytes([b[0], b[1], b[2], b[0]]);
        if w & 0x8080_8080 == 0 && (lanes_within(w, b'A', b'Z') || lanes_within(w, b'0', b'9')) {
            Some(Self(b))
        } else {
            None
        }
    }

    /// Validates a byte slice as a verb (it must be exactly three bytes long).
    #[inline]
    pub fn from_slice(s: &[u8]) -> Option<Self> {
        match s {
            [a, b, c] => Self::new([*a, *b, *c]),
            _ => None,
        }
    }

    /// The verb for a numeric error reply, if `code` has three digits (100–999).
    pub const fn error(code: u16) -> Option<Self> {
        if code < 100 || code > 999 {
            return None;
        }
        let d = [
            (code / 100) as u8,
            (code / 10 % 10) as u8,
            (code % 10) as u8,
        ];
        Some(Self([b'0' + d[0], b'0' + d[1], b'0' + d[2]]))
    }

    /// The error code when this verb is a numeric error reply (`911` → `Some(911)`).
    pub const fn error_code(self) -> Option<u16> {
        if self.0[0].is_ascii_digit() {
            Some(
                (self.0[0] - b'0') as u16 * 100
                    + (self.0[1] - b'0') as u16 * 10
                    + (self.0[2] - b'0') as u16,
            )
        } else {
            None
        }
    }

    /// Whether this verb is a numeric error reply.
    pub const fn is_error(self) -> bool {
        self.0[0].is_ascii_digit()
    }

    /// Whether the protocol reference names this verb (or it is an error reply).
    pub fn is_known(self) -> bool {
        self.is_error() || Self::KNOWN.binary_search(&self).is_ok()
    }

    /// How many verbs there are: every three-letter one and every three-digit one.
    pub const COUNT: usize = LETTER_VERBS + 1000;

    /// A dense index in `0..Verb::COUNT`, for tables by verb: letter verbs first in alphabetical
    /// order, then error replies by code.
    ///
    /// ```
    /// use msnp_proto::Verb;
    /// assert_eq!(Verb::new(*b"AAA").unwrap().index(), 0);
    /// assert_eq!(Verb::from_index(Verb::NLN.index()), Some(Verb::NLN));
    /// assert_eq!(Verb::new(*b"911").unwrap().index(), 26 * 26 * 26 + 911);
    /// ```
    #[inline(always)]
    pub const fn index(self) -> usize {
        let b = self.0;
        match self.error_code() {
            Some(code) => LETTER_VERBS + code as usize,
            None => {
                ((b[0] - b'A') as usize * 26 + (b[1] - b'A') as usize) * 26 + (b[2] - b'A') as usize
            }
        }
    }

    /// The verb at `index` ([`index`](Self::index)'s inverse); `None` from `Verb::COUNT` on.
    pub const fn from_index(index: usize) -> Option<Self> {
        if index < LETTER_VERBS {
            Some(Self([
                b'A' + (index / 676) as u8,
                b'A' + (index / 26 % 26) as u8,
                b'A' + (index % 26) as u8,
            ]))
        } else if index < Self::COUNT {
            let code = index - LETTER_VERBS;
            Some(Self([
                b'0' + (code / 100) as u8,
                b'0' + (code / 10 % 10) as u8,
                b'0' + (code % 10) as u8,
            ]))
        } else {
            None
        }
    }

    /// The three bytes.
    pub const fn as_bytes(&self) -> &[u8; 3] {
        &self.0
    }

    /// The verb as text.
    pub fn as_str(&self) -> &str {
        // Only ASCII letters or digits are ever stored.
        crate::text::str_of(&self.0).unwrap_or("???")
    }
}

impl fmt::Display for Verb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Verb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Verb({})", self.as_str())
    }
}

impl core::str::FromStr for Verb {
    type Err = InvalidVerb;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_slice(s.as_bytes()).ok_or(InvalidVerb)
    }
}

/// The text was not three upper-case ASCII letters or three digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a verb is three upper-case ASCII letters or three digits")]
pub struct InvalidVerb;

#[cfg(feature = "serde")]
impl serde::Serialize for Verb {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A transaction ID: the client-chosen number that a reply echoes (0 … 2³²−1).
///
/// `TrId(0)` is what servers use for unsolicited forms (`CHL 0 …`, `ADL 0 …`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize), serde(transparent))]
pub struct TrId(pub u32);

impl TrId {
    /// The TrID servers put in unsolicited (asynchronous) commands.
    pub const ASYNC: Self = Self(0);
}

impl fmt::Display for TrId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Hands out transaction IDs counting up from 1, as official clients do.
///
/// ```
/// use msnp_proto::{TrId, TrIdCounter};
/// let mut c = TrIdCounter::default();
/// assert_eq!(c.next_id(), TrId(1));
/// assert_eq!(c.next_id(), TrId(2));
/// ```
#[derive(Clone, Debug, Default)]
pub struct TrIdCounter {
    last: u32,
}

impl TrIdCounter {
    /// A counter whose next ID is `last + 1`.
    pub const fn starting_after(last: u32) -> Self {
        Self { last }
    }

    /// The next TrID; wraps from 2³²−1 to 1 (0 is reserved for server-initiated commands).
    pub fn next_id(&mut self) -> TrId {
        self.last = self.last.checked_add(1).unwrap_or(1);
        TrId(self.last)
    }
}

#[cfg(test)]
mod tests {
    use super::Verb;

    /// Every verb has one index below `COUNT` and back; indexes follow the verbs' order within
    /// letters and within digits; nothing maps past `COUNT`.
    #[test]
    fn index_is_dense_and_inverse() {
        let mut last: Option<Verb> = None;
        for i in 0..Verb::COUNT {
            let v = Verb::from_index(i).unwrap();
            assert_eq!(v.index(), i, "{v}");
            assert_eq!(Verb::new(*v.as_bytes()), Some(v));
            if let Some(l) = last
                && l.is_error() == v.is_error()
            {
                assert!(l < v, "{l} then {v}");
            }
            last = Some(v);
        }
        assert_eq!(Verb::from_index(Verb::COUNT), None);
        assert_eq!(Verb::from_index(usize::MAX), None);
        assert_eq!(Verb::new(*b"ZZZ").unwrap().index(), 26 * 26 * 26 - 1);
        assert_eq!(Verb::new(*b"000").unwrap().index(), 26 * 26 * 26);
    }

    /// The word check agrees with the byte rule on every byte in every position.
    #[test]
    fn new_agrees_with_the_byte_rule() {
        let rule =
            |b: [u8; 3]| b.iter().all(u8::is_ascii_uppercase) || b.iter().all(u8::is_ascii_digit);
        for x in 0..=255u8 {
            for fill in [
                b'A', b'Z', b'M', b'0', b'9', b'5', b'@', b'[', b'/', b':', 0x80, 0xff, 0,
            ] {
                for b in [
                    [x, fill, fill],
                    [fill, x, fill],
                    [fill, fill, x],
                    [x, x, fill],
                    [x, x, x],
                ] {
                    assert_eq!(Verb::new(b).is_some(), rule(b), "{b:?}");
                }
            }
        }
    }

    use super::*;

    #[test]
    fn known_is_sorted_and_valid() {
        assert!(Verb::KNOWN.windows(2).all(|w| w[0] < w[1]));
        for v in Verb::KNOWN {
            assert_eq!(Verb::from_slice(v.as_bytes()), Some(*v));
            assert!(v.is_known());
        }
    }

    #[test]
    fn verb_validation() {
        assert_eq!(Verb::from_slice(b"MSG"), Some(Verb::MSG));
        assert_eq!(Verb::from_slice(b"MsG"), None);
        assert_eq!(Verb::from_slice(b"MS1"), None);
        assert_eq!(Verb::from_slice(b"MSGS"), None);
        assert_eq!(Verb::from_slice(b""), None);
        assert_eq!(Verb::error(911).map(|v| v.error_code()), Some(Some(911)));
        assert_eq!(Verb::error(99), None);
        assert_eq!(Verb::error(1000), None);
        assert!(!Verb::from_slice(b"ZZZ").unwrap().is_known());
        assert_eq!("ADL".parse::<Verb>(), Ok(Verb::ADL));
    }

    #[test]
    fn counter_wraps_past_zero() {
        let mut c = TrIdCounter::starting_after(u32::MAX);
        assert_eq!(c.next_id(), TrId(1));
    }
}
