//! Contact lists (constants.md §2): the list names of `LST`/`ADD`/`REM`/`ADC` and the list
//! bits of `LST` (8+) and `<ml l="…">`.

use core::fmt;

use crate::text::code_enum;

code_enum! {
    /// A contact list by name.
    ///
    /// ```
    /// use msnp_proto::{List, ListBits};
    /// assert_eq!(List::parse("AL"), Some(List::Allow));
    /// assert_eq!(List::Reverse.bit(), Some(ListBits::REVERSE));
    /// ```
    pub enum List {
        /// Forward list: the contacts whose presence the user watches.
        Forward = "FL",
        /// Allow list.
        Allow = "AL",
        /// Block list.
        Block = "BL",
        /// Reverse list: users who have the user on their FL.
        Reverse = "RL",
        /// Pending list (10+): users who added the user and wait for an answer.
        Pending = "PL",
    }
}

impl List {
    /// The list's bit, for named lists.
    pub fn bit(&self) -> Option<ListBits> {
        Some(match self {
            Self::Forward => ListBits::FORWARD,
            Self::Allow => ListBits::ALLOW,
            Self::Block => ListBits::BLOCK,
            Self::Reverse => ListBits::REVERSE,
            Self::Pending => ListBits::PENDING,
            Self::Other(_) => return None,
        })
    }
}

/// A set of lists as a bit field (`LST … 11 …` = FL + AL + RL; `<ml>`'s `l="3"`). Unknown bits
/// are kept.
///
/// ```
/// use msnp_proto::{List, ListBits};
/// let b = ListBits(11);
/// assert!(b.contains(ListBits::FORWARD | ListBits::ALLOW | ListBits::REVERSE));
/// assert!(!b.contains(ListBits::BLOCK));
/// assert_eq!(b.lists().collect::<Vec<_>>(), [List::Forward, List::Allow, List::Reverse]);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct ListBits(pub u32);

impl ListBits {
    /// No list.
    pub const NONE: Self = Self(0);
    /// FL (1).
    pub const FORWARD: Self = Self(1);
    /// AL (2).
    pub const ALLOW: Self = Self(2);
    /// BL (4).
    pub const BLOCK: Self = Self(4);
    /// RL (8).
    pub const REVERSE: Self = Self(8);
    /// PL (16, MSNP10+).
    pub const PENDING: Self = Self(16);
    /// *ApplicationContact* (32, MSNP21).
    pub const APPLICATION: Self = Self(32);
    /// *Hide* (64, MSNP21: show me offline).
    pub const HIDE: Self = Self(64);
    /// The bits a client may send in `<ml l="…">` (FL | AL | BL); RL and PL are the server's.
    pub const CLIENT_MASK: Self = Self(7);

    /// Whether every bit of `other` is set.
    pub const fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    /// Whether no bit is set.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether only bits a client may send are set (see [`CLIENT_MASK`](Self::CLIENT_MASK)).
    pub const fn is_client_sendable(self) -> bool {
        self.0 & !Self::CLIENT_MASK.0 == 0
    }

    /// The bits MSNP2–18 do not define (above PL; MSNP21's `APPLICATION` and `HIDE` included).
    pub const fn unknown_bits(self) -> u32 {
        self.0 & !31
    }

    /// The named lists (FL, AL, BL, RL, PL) whose bits are set, in bit order.
    pub fn lists(self) -> impl Iterator<Item = List> {
        [
            (Self::FORWARD, List::Forward),
            (Self::ALLOW, List::Allow),
            (Self::BLOCK, List::Block),
            (Self::REVERSE, List::Reverse),
            (Self::PENDING, List::Pending),
        ]
        .into_iter()
        .filter(move |(b, _)| self.contains(*b))
        .map(|(_, l)| l)
    }
}

impl core::ops::BitOr for ListBits {
    type Output = Self;
    fn bitor(self, rhs: Self) -> Self {
        Self(self.0 | rhs.0)
    }
}

impl core::ops::BitOrAssign for ListBits {
    fn bitor_assign(&mut self, rhs: Self) {
        self.0 |= rhs.0;
    }
}

impl core::ops::BitAnd for ListBits {
    type Output = Self;
    fn bitand(self, rhs: Self) -> Self {
        Self(self.0 & rhs.0)
    }
}

impl fmt::Display for ListBits {
    /// The bits as the decimal number on the wire (`11`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Debug for ListBits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ListBits({}", self.0)?;
        for l in self.lists() {
            write!(f, " {l}")?;
        }
        f.write_str(")")
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for ListBits {
    /// Serializes as the array of named lists (`["FL","AL"]`).
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.lists())
    }
}
