//! Options shared by the subcommands that read or write commands.

use msnp_proto::negotiation::DialectTracker;
use msnp_proto::{Channel, Direction, Leniency, Limits, ProtocolVersion};

/// `--dialect`: follow `VER`, or one fixed version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DialectArg {
    Auto,
    Fixed(ProtocolVersion),
}

pub(crate) fn parse_dialect(s: &str) -> Result<DialectArg, String> {
    if s.eq_ignore_ascii_case("auto") {
        return Ok(DialectArg::Auto);
    }
    ProtocolVersion::parse(s.as_bytes())
        .map(DialectArg::Fixed)
        .ok_or_else(|| format!("unknown dialect {s:?}: expected auto, CVR0 or MSNP2 … MSNP21"))
}

/// `--channel`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ChannelArg {
    /// Recognise switchboard sessions from their first commands.
    Auto,
    /// Dispatch or notification server.
    Ns,
    /// Switchboard.
    Sb,
}

/// `--direction`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum DirectionArg {
    /// Sent by the client.
    Client,
    /// Sent by the server.
    Server,
}

impl DirectionArg {
    pub(crate) fn direction(self) -> Direction {
        match self {
            Self::Client => Direction::ClientToServer,
            Self::Server => Direction::ServerToClient,
        }
    }
}

/// How commands are framed: dialect, channel, leniency, limits.
#[derive(Clone, Debug, clap::Args)]
pub(crate) struct DialectOpts {
    /// `auto` follows VER negotiation (the server's reply fixes it; in a client-only stream, the
    /// first version offered); or a fixed dialect: CVR0, MSNP2 … MSNP21.
    #[arg(long, default_value = "auto", value_parser = parse_dialect)]
    pub(crate) dialect: DialectArg,
    /// The dialect assumed before any VER when --dialect is auto.
    #[arg(long, default_value = "MSNP18", value_parser = parse_version)]
    pub(crate) initial_dialect: ProtocolVersion,
    /// Server kind: auto recognises switchboard sessions.
    #[arg(long, value_enum, default_value = "auto")]
    pub(crate) channel: ChannelArg,
    /// Accept what real peers sent but the grammar forbids: bare LF line ends, blank lines.
    #[arg(long)]
    pub(crate) lenient: bool,
    /// Longest accepted command line in bytes (at most 65535).
    #[arg(long, default_value_t = 8192)]
    pub(crate) max_line: usize,
    /// Largest accepted payload in bytes.
    #[arg(long, default_value_t = 1024 * 1024)]
    pub(crate) max_payload: usize,
    /// Deepest element nesting accepted in XML payload documents.
    #[arg(long, default_value_t = 32)]
    pub(crate) max_xml_depth: usize,
    /// Most elements accepted in one XML payload document.
    #[arg(long, default_value_t = 20_000)]
    pub(crate) max_xml_elements: usize,
}

fn parse_version(s: &str) -> Result<ProtocolVersion, String> {
    ProtocolVersion::parse(s.as_bytes())
        .ok_or_else(|| format!("unknown dialect {s:?}: expected CVR0 or MSNP2 … MSNP21"))
}

impl DialectOpts {
    pub(crate) fn limits(&self) -> Limits {
        Limits {
            max_line: self.max_line,
            max_payload: self.max_payload,
            ..Limits::default()
        }
    }

    /// Limits for the payload documents shown under `fields.payload`.
    pub(crate) fn xml_limits(&self) -> msnp_proto::payload::XmlLimits {
        msnp_proto::payload::XmlLimits {
            max_depth: self.max_xml_depth,
            max_elements: self.max_xml_elements,
            max_size: self.max_payload,
            ..Default::default()
        }
    }

    pub(crate) fn leniency(&self) -> Leniency {
        if self.lenient {
            Leniency::PERMISSIVE
        } else {
            Leniency::default()
        }
    }

    pub(crate) fn tracker(&self) -> DialectTracker {
        let mut t = DialectTracker::new(self.initial_dialect).with_leniency(self.leniency());
        if let DialectArg::Fixed(v) = self.dialect {
            t = t.fix_version(v);
        }
        match self.channel {
            ChannelArg::Auto => t,
            ChannelArg::Ns => t.fix_channel(Channel::Notification),
            ChannelArg::Sb => t.fix_channel(Channel::Switchboard),
        }
    }
}

/// `--format` of `msnp decode` and `msnp check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum OutputFormat {
    /// One JSON object per line.
    Ndjson,
    /// One readable line per record.
    Text,
    /// One self-contained HTML page: the session as a ladder diagram (`msnp decode` only).
    Html,
}

/// `--color`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ColorArg {
    /// Colour when standard output is a terminal and `NO_COLOR` is not set.
    Auto,
    /// Always colour (even when piped or with `NO_COLOR`).
    Always,
    /// Never colour.
    Never,
}

/// How records are written. (`msnp check` rewords this help: see `main::per_subcommand_help`.)
#[derive(Clone, Copy, Debug, clap::Args)]
pub(crate) struct OutputOpts {
    /// Output: ndjson (one JSON object per command or error), text (one readable line each) or
    /// html (one self-contained page drawing the session as a ladder diagram).
    #[arg(long, value_enum, default_value = "ndjson")]
    pub(crate) format: OutputFormat,
    /// Colour of --format text: auto (on a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, value_enum, default_value = "auto")]
    pub(crate) color: ColorArg,
}

impl OutputOpts {
    /// Whether text output is coloured: `--color`, else a terminal on standard output without
    /// `NO_COLOR` (any non-empty value, as no-color.org asks).
    pub(crate) fn colour(&self) -> bool {
        use std::io::IsTerminal;
        match self.color {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => {
                std::io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        }
    }
}
