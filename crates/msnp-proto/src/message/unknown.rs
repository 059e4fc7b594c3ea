//! A command the typed layer keeps as received: borrowed from the input, or owned after
//! [`Message::into_owned`](super::Message::into_owned).

use crate::raw::{OwnedCommand, RawCommand};

/// A command the dialect does not have (or whose form needs a direction to tell), kept
/// losslessly: borrowed from the decoded input, or owned (see [`into_owned`](Self::into_owned)).
///
/// Two unknown commands are equal when their bytes and framing are, borrowed or owned.
///
/// ```
/// use msnp_proto::{Decoder, Dialect, Limits, Message, ProtocolVersion, Status, Verb};
/// let d = Dialect::notification(ProtocolVersion::Msnp12);
/// let Ok(Status::Complete { value, .. }) = Decoder::new(d, Limits::default()).decode(b"ZZZ 1 a\r\n") else { panic!() };
/// let m = Message::decode(&value, &d).unwrap();
/// let Message::Unknown(u) = &m else { panic!() };
/// assert_eq!(u.as_raw().verb(), Verb::new(*b"ZZZ").unwrap());
/// let owned = m.clone().into_owned();
/// assert_eq!(owned, m);
/// assert_eq!(owned.to_vec(&d).unwrap(), b"ZZZ 1 a\r\n");
/// ```
#[derive(Clone)]
pub struct UnknownCommand<'a>(Repr<'a>);

#[derive(Clone)]
enum Repr<'a> {
    Borrowed(RawCommand<'a>),
    Owned(OwnedCommand),
}

impl<'a> UnknownCommand<'a> {
    /// The command as a raw view.
    pub fn as_raw(&self) -> RawCommand<'_> {
        match &self.0 {
            Repr::Borrowed(r) => *r,
            Repr::Owned(o) => o.as_raw(),
        }
    }

    /// The exact wire bytes: line, terminator, payload.
    pub fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            Repr::Borrowed(r) => r.as_bytes(),
            Repr::Owned(o) => o.frame(),
        }
    }

    /// Whether the command borrows from the decoded input.
    pub fn is_borrowed(&self) -> bool {
        matches!(self.0, Repr::Borrowed(_))
    }

    /// An owned, `'static` copy (a borrowed command is copied once; an owned one is moved).
    pub fn into_owned(self) -> UnknownCommand<'static> {
        UnknownCommand(Repr::Owned(match self.0 {
            Repr::Borrowed(r) => r.to_owned_command(),
            Repr::Owned(o) => o,
        }))
    }

    /// The owned command (copied when borrowed).
    pub fn into_owned_command(self) -> OwnedCommand {
        match self.0 {
            Repr::Borrowed(r) => r.to_owned_command(),
            Repr::Owned(o) => o,
        }
    }
}

impl<'a> From<RawCommand<'a>> for UnknownCommand<'a> {
    fn from(raw: RawCommand<'a>) -> Self {
        Self(Repr::Borrowed(raw))
    }
}

impl From<OwnedCommand> for UnknownCommand<'static> {
    fn from(owned: OwnedCommand) -> Self {
        Self(Repr::Owned(owned))
    }
}

impl PartialEq for UnknownCommand<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.as_raw() == other.as_raw()
    }
}

impl Eq for UnknownCommand<'_> {}

impl core::fmt::Debug for UnknownCommand<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.as_raw().fmt(f)
    }
}
