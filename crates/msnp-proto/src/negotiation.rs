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

use std::collections::HashMap;

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
    /// Saved state of other connections (transcripts interleave them).
    saved: HashMap<u32, (ProtocolVersion, Channel, bool)>,
    current: Option<u32>,
    /// No command seen yet on this connection.
    fresh: bool,
}

/// Auth packages of the notification server's `USR` (anything else after the TrID is a
/// switchboard handle).
const NS_USR_PACKAGES: [&[u8]; 6] = [b"MD5", b"TWN", b"SSO", b"CTP", b"SHA", b"OK"];

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
            saved: HashMap::new(),
            current: None,
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
        if let Some(cur) = self.current {
            self.saved
                .insert(cur, (self.version, self.channel, self.server_chose));
        }
        self.current = Some(id);
        if let Some(&(v, c, chose)) = self.saved.get(&id) {
            self.version = v;
            self.channel = c;
            self.server_chose = chose;
            self.fresh = false;
        } else {
            if !self.fixed_version {
                self.version = self.last_ns_version.unwrap_or(self.version);
            }
            if !self.fixed_channel {
                self.channel = Channel::Notification;
            }
            self.server_chose = false;
            self.fresh = true;
        }
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
                let from_server = dir == Some(Direction::ServerToClient)
                    || (dir.is_none() && cmd.arg_count() == 1);
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
                    let sb = !NS_USR_PACKAGES.contains(&first) && cmd.arg_count() == 2;
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
            _ => {}
        }
    }

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
