//! Following dialect negotiation through a stream: `VER` fixes the version, the first commands of
//! a connection tell a switchboard from a notification server.
//!
//! A decoder of captures or transcripts feeds every decoded command to a [`DialectTracker`] and
//! asks it for the dialect of the next one.
//!
//! ```
//! use msnp_proto::negotiation::DialectTracker;
//! use msnp_proto::{Channel, Decoder, Direction, Limits, ProtocolVersion, Status};
//! let mut t = DialectTracker::new(ProtocolVersion::Msnp8);
//! let mut dec = Decoder::new(t.dialect(Some(Direction::ServerToClient)), Limits::default());
//! let Ok(Status::Complete { value, .. }) = dec.decode(b"VER 1 MSNP12\r\n") else { panic!() };
//! t.observe(&value, Some(Direction::ServerToClient));
//! assert_eq!(t.version(), ProtocolVersion::Msnp12);
//! assert_eq!(t.channel(), Channel::Notification);
//! ```

use std::collections::{BTreeMap, HashMap};

use crate::message::{AckMode, AuthPackage, ServerKind};
use crate::raw::RawCommand;
use crate::verb::Verb;
use crate::version::{Channel, Dialect, Direction, Leniency, ProtocolVersion};

/// Tracks the dialect (version and channel) of one or several connections.
#[derive(Clone, Debug)]
pub struct DialectTracker {
    version: ProtocolVersion,
    channel: Channel,
    leniency: Leniency,
    /// When set, `VER` does not change the version.
    fixed_version: bool,
    /// When set, the channel is not guessed.
    fixed_channel: bool,
    /// The server has answered `VER` on this connection (a client offer no longer counts).
    server_chose: bool,
    /// Newest version negotiated on a notification connection: switchboards inherit it.
    last_ns_version: Option<ProtocolVersion>,
    /// The server referred this connection to another notification server (`XFR … NS`): the
    /// client's next `VER` is on a new connection.
    referred: bool,
    /// Saved state of other connections (transcripts interleave them), at most
    /// `max_saved`, each with when it was left.
    saved: HashMap<u32, (Saved, u64)>,
    /// The saved connections by when they were left, the longest ago first.
    left: BTreeMap<u64, u32>,
    /// Connections left so far: the stamp of the next one.
    next_left: u64,
    max_saved: usize,
    current: Option<u32>,
    /// The highest connection id seen.
    highest: Option<u32>,
    /// No command seen yet on this connection.
    fresh: bool,
}

/// What a connection's negotiation had reached when the tracker left it.
#[derive(Clone, Copy, Debug)]
struct Saved {
    version: ProtocolVersion,
    channel: Channel,
    server_chose: bool,
    referred: bool,
}

/// Whether the first argument of a `USR` is the notification server's: an auth package or a
/// server's `OK` (anything else after the TrID is a switchboard handle). The packages are the
/// typed layer's [`AuthPackage`].
fn ns_usr(first: &[u8]) -> bool {
    first == b"OK" || AuthPackage::parse_bytes(first).is_some_and(|p| p.is_known())
}

/// The default of [`DialectTracker::with_max_saved_connections`]: far more connections than a
/// transcript interleaves, and above the connections a capture decoder follows at once by
/// default (10,000); a few MB at most.
pub const DEFAULT_MAX_SAVED_CONNECTIONS: usize = 65_536;

impl DialectTracker {
    /// A tracker starting at `initial` on a notification connection, following `VER`.
    pub fn new(initial: ProtocolVersion) -> Self {
        Self {
            version: initial,
            channel: Channel::Notification,
            leniency: Leniency::default(),
            fixed_version: false,
            fixed_channel: false,
            server_chose: false,
            last_ns_version: None,
            referred: false,
            saved: HashMap::new(),
            left: BTreeMap::new(),
            next_left: 0,
            max_saved: DEFAULT_MAX_SAVED_CONNECTIONS,
            current: None,
            highest: None,
            fresh: true,
        }
    }

    /// Pins the version: `VER` no longer changes it.
    pub fn fix_version(mut self, version: ProtocolVersion) -> Self {
        self.version = version;
        self.fixed_version = true;
        self
    }

    /// Pins the channel: it is no longer guessed from the commands.
    pub fn fix_channel(mut self, channel: Channel) -> Self {
        self.channel = channel;
        self.fixed_channel = true;
        self
    }

    /// Uses `leniency` in every dialect handed out.
    pub fn with_leniency(mut self, leniency: Leniency) -> Self {
        self.leniency = leniency;
        self
    }

    /// Keeps the state of at most `max` connections besides the current one (at least 1;
    /// default [`DEFAULT_MAX_SAVED_CONNECTIONS`]): past it, the connection left longest ago is
    /// forgotten, and starts afresh if it comes back, as a new connection would. A capture's
    /// closed connections never come back, so memory stays bounded however many there were.
    ///
    /// ```
    /// use msnp_proto::negotiation::DialectTracker;
    /// use msnp_proto::{Channel, ProtocolVersion};
    /// let mut t = DialectTracker::new(ProtocolVersion::Msnp8).with_max_saved_connections(1);
    /// t.switch_connection(1);
    /// t.switch_connection(2);
    /// t.switch_connection(3); // connection 2 is kept, 1 forgotten
    /// assert_eq!(t.saved_connections(), 1);
    /// ```
    pub fn with_max_saved_connections(mut self, max: usize) -> Self {
        self.max_saved = max.max(1);
        self.evict();
        self
    }

    /// How many other connections' states are kept.
    pub fn saved_connections(&self) -> usize {
        self.saved.len()
    }

    /// Forgets the connections left longest ago, down to the bound.
    fn evict(&mut self) {
        while self.saved.len() > self.max_saved {
            let Some((_, id)) = self.left.pop_first() else {
                return;
            };
            self.saved.remove(&id);
        }
    }

    /// The current version.
    pub fn version(&self) -> ProtocolVersion {
        self.version
    }

    /// The current channel.
    pub fn channel(&self) -> Channel {
        self.channel
    }

    /// The dialect for the next command sent in `direction`.
    #[inline]
    pub fn dialect(&self, direction: Option<Direction>) -> Dialect {
        Dialect {
            version: self.version,
            channel: self.channel,
            direction,
            leniency: self.leniency,
        }
    }

    /// Switches to connection `id` (a transcript's `# --- connection N ---` marker): a connection
    /// seen before resumes its state; a new one starts fresh, inheriting the last notification
    /// version until it negotiates its own.
    pub fn switch_connection(&mut self, id: u32) {
        if self.current == Some(id) {
            return;
        }
        // Taken out first: the bound counts the connections left, not the one resumed.
        let resumed = self.saved.remove(&id);
        if let Some((_, stamp)) = resumed {
            self.left.remove(&stamp);
        }
        if let Some(cur) = self.current {
            let state = Saved {
                version: self.version,
                channel: self.channel,
                server_chose: self.server_chose,
                referred: self.referred,
            };
            let stamp = self.next_left;
            self.next_left += 1;
            if let Some((_, before)) = self.saved.insert(cur, (state, stamp)) {
                self.left.remove(&before);
            }
            self.left.insert(stamp, cur);
            self.evict();
        }
        self.current = Some(id);
        self.highest = self.highest.max(Some(id));
        if let Some((s, _)) = resumed {
            self.version = s.version;
            self.channel = s.channel;
            self.server_chose = s.server_chose;
            self.referred = s.referred;
            self.fresh = false;
        } else {
            if !self.fixed_version {
                self.version = self.last_ns_version.unwrap_or(self.version);
            }
            if !self.fixed_channel {
                self.channel = Channel::Notification;
            }
            self.server_chose = false;
            self.referred = false;
            self.fresh = true;
        }
    }

    /// Whether `cmd` opens a new connection although no marker said so: a client `VER` after
    /// the server referred this connection elsewhere with `XFR … NS` (the client has connected
    /// to the notification server it was sent to). Call before [`observe`](Self::observe).
    pub fn starts_connection(&self, cmd: &RawCommand<'_>, direction: Option<Direction>) -> bool {
        self.referred && cmd.verb() == Verb::VER && !ver_from_server(cmd, direction)
    }

    /// Switches to a connection no marker named (see [`starts_connection`](Self::starts_connection)):
    /// it gets the next unused id (an unnamed first connection counts as 1), which is returned.
    pub fn switch_to_new_connection(&mut self) -> u32 {
        let id = self
            .highest
            .max(self.current)
            .unwrap_or(1)
            .saturating_add(1);
        self.switch_connection(id);
        id
    }

    /// Learns from a decoded command.
    pub fn observe(&mut self, cmd: &RawCommand<'_>, direction: Option<Direction>) {
        let fresh = core::mem::replace(&mut self.fresh, false);
        match (cmd.verb(), direction) {
            (Verb::VER, dir) => {
                if !self.fixed_channel {
                    self.channel = Channel::Notification;
                }
                let offered = cmd.arg(0).and_then(ProtocolVersion::parse);
                let from_server = ver_from_server(cmd, dir);
                if let Some(v) = offered.filter(|_| !self.fixed_version) {
                    if from_server {
                        self.version = v;
                        self.server_chose = true;
                    } else if !self.server_chose || fresh {
                        // A client-only stream: the first version offered, until the server answers.
                        self.version = v;
                        self.server_chose = false;
                    }
                }
                if from_server && self.channel == Channel::Notification {
                    self.last_ns_version = Some(self.version);
                }
            }
            (Verb::USR, Some(Direction::ClientToServer) | None) if !self.fixed_channel => {
                if let Some(first) = cmd.arg(0) {
                    let sb = !ns_usr(first) && cmd.arg_count() == 2;
                    self.set_channel(if sb {
                        Channel::Switchboard
                    } else {
                        Channel::Notification
                    });
                }
            }
            (Verb::ANS, Some(Direction::ClientToServer))
            | (Verb::IRO | Verb::JOI | Verb::ACK | Verb::NAK | Verb::BYE, _)
                if !self.fixed_channel =>
            {
                self.set_channel(Channel::Switchboard);
            }
            (Verb::CAL, _) if !self.fixed_channel => self.set_channel(Channel::Switchboard),
            // Only a switchboard client sends `MSG` with an acknowledgement type.
            (Verb::MSG, Some(Direction::ClientToServer) | None)
                if !self.fixed_channel
                    && cmd.arg_count() == 1
                    && cmd
                        .arg(0)
                        .and_then(AckMode::parse_bytes)
                        .is_some_and(|m| m.is_known()) =>
            {
                self.set_channel(Channel::Switchboard);
            }
            (Verb::XFR, Some(Direction::ServerToClient) | None)
                if cmd.arg(0).and_then(ServerKind::parse_bytes)
                    == Some(ServerKind::Notification)
                    && cmd.arg_count() >= 2 =>
            {
                self.referred = true;
            }
            _ => {}
        }
    }

    #[inline]
    fn set_channel(&mut self, c: Channel) {
        if c == Channel::Switchboard && self.channel == Channel::Notification && !self.fixed_version
        {
            // A switchboard runs in the dialect of the notification session that sent us there.
            if let Some(v) = self.last_ns_version {
                self.version = v;
            }
        }
        self.channel = c;
    }
}

/// Whether a `VER` is the server's answer: sent by it, or (direction unknown) naming one version.
fn ver_from_server(cmd: &RawCommand<'_>, direction: Option<Direction>) -> bool {
    direction == Some(Direction::ServerToClient) || (direction.is_none() && cmd.arg_count() == 1)
}
