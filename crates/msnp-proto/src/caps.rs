//! Client capabilities (constants.md §4–§6): `caps` (MSNP8+) and `caps:capsex` (MSNP16+).

use core::fmt;

use crate::num::{LeadingZeros, parse_u32};

/// Client capabilities as sent in `CHG` and relayed in `ILN`/`NLN`/`FLN`/`JOI`/`IRO`: the
/// `caps` flags (low 28 bits) with the MSNC version nibble (top 4 bits) and, from MSNP16, the
/// extended flags after a colon.
///
/// ```
/// use msnp_proto::ClientCapabilities;
/// let c: ClientCapabilities = "2785329196:48".parse().unwrap();
/// assert_eq!(c.msnc_version(), 10);
/// assert!(c.has(ClientCapabilities::SUPPORTS_CHUNKING));
/// assert!(c.has_ext(ClientCapabilities::EXT_RTC_VIDEO_ENABLED));
/// assert_eq!(c.to_string(), "2785329196:48");
/// assert_eq!("1342177280".parse::<ClientCapabilities>().unwrap().ext, None);
/// assert!("-1".parse::<ClientCapabilities>().is_err());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ClientCapabilities {
    /// The `caps` value.
    pub caps: u32,
    /// The `capsex` value, when written (`caps:capsex`, MSNP16+).
    pub ext: Option<u32>,
}

/// The text is not `n` or `n:m` with canonical unsigned 32-bit decimals.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("capabilities are `caps` or `caps:capsex` (unsigned 32-bit decimals)")]
pub struct InvalidCapabilities;

macro_rules! flags {
    ($($(#[$m:meta])* $name:ident = $v:expr;)*) => {
        $( $(#[$m])* pub const $name: u32 = $v; )*
    };
}

impl ClientCapabilities {
    flags! {
        /// 0x1: signed in from a Windows Mobile device.
        ONLINE_VIA_MOBILE = 0x0000_0001;
        /// 0x2: MSN Explorer 8 ("Texas").
        ONLINE_VIA_TEXAS = 0x0000_0002;
        /// 0x4: receives ink as GIF.
        SUPPORTS_GIF_INK = 0x0000_0004;
        /// 0x8: sends/receives ink as ISF.
        SUPPORTS_ISF_INK = 0x0000_0008;
        /// 0x10: webcam present.
        WEBCAM_DETECTED = 0x0000_0010;
        /// 0x20: chunked (multi-packet) MSG.
        SUPPORTS_CHUNKING = 0x0000_0020;
        /// 0x40: reachable via MSN Mobile.
        MOBILE_ENABLED = 0x0000_0040;
        /// 0x80: MSN Direct / Web Watch.
        WEB_WATCH_ENABLED = 0x0000_0080;
        /// 0x100: activities.
        SUPPORTS_ACTIVITIES = 0x0000_0100;
        /// 0x200: web client.
        ONLINE_VIA_WEB_IM = 0x0000_0200;
        /// 0x400: mobile device.
        MOBILE_DEVICE = 0x0000_0400;
        /// 0x800: via a federated gateway.
        ONLINE_VIA_FEDERATED_INTERFACE = 0x0000_0800;
        /// 0x1000: has an MSN Space.
        HAS_SPACE = 0x0000_1000;
        /// 0x2000: Windows Media Center user.
        IS_MCE_USER = 0x0000_2000;
        /// 0x4000: direct-connection IM.
        SUPPORTS_DIRECT_IM = 0x0000_4000;
        /// 0x8000: winks.
        SUPPORTS_WINKS = 0x0000_8000;
        /// 0x10000: shared search.
        SUPPORTS_SHARED_SEARCH = 0x0001_0000;
        /// 0x20000: bot account.
        IS_BOT = 0x0002_0000;
        /// 0x40000: voice clips.
        SUPPORTS_VOICE_IM = 0x0004_0000;
        /// 0x80000: secure channel.
        SUPPORTS_SCHANNEL = 0x0008_0000;
        /// 0x100000: SIP invitations.
        SUPPORTS_SIP_INVITE = 0x0010_0000;
        /// 0x200000: multiparty A/V (papyon: tunneled SIP).
        SUPPORTS_MULTIPARTY_MEDIA = 0x0020_0000;
        /// 0x400000: shared folders.
        SUPPORTS_SDRIVE = 0x0040_0000;
        /// 0x800000: page-mode messaging.
        SUPPORTS_PAGE_MODE_MESSAGING = 0x0080_0000;
        /// 0x1000000: Windows Live OneCare.
        HAS_ONECARE = 0x0100_0000;
        /// 0x2000000: P2P over TURN.
        SUPPORTS_TURN = 0x0200_0000;
        /// 0x4000000: P2P bootstrap via `UUN`.
        SUPPORTS_DIRECT_BOOTSTRAPPING = 0x0400_0000;
        /// 0x8000000: using an alias.
        USING_ALIAS = 0x0800_0000;
        /// The MSNC version nibble.
        APP_VERSION_MASK = 0xF000_0000;

        /// capsex 0x1: SMS-only endpoint.
        EXT_IS_SMS_ONLY = 0x0000_0001;
        /// capsex 0x2: voice over MSNP.
        EXT_SUPPORTS_VOICE_OVER_MSNP = 0x0000_0002;
        /// capsex 0x4: UCCP SIP stack.
        EXT_SUPPORTS_UUCP_SIP_STACK = 0x0000_0004;
        /// capsex 0x8: application messages.
        EXT_SUPPORTS_APPLICATION_MESSAGES = 0x0000_0008;
        /// capsex 0x10: RTC video.
        EXT_RTC_VIDEO_ENABLED = 0x0000_0010;
        /// capsex 0x20: P2Pv2.
        EXT_SUPPORTS_PEER_TO_PEER_V2 = 0x0000_0020;
        /// capsex 0x40: authenticated web IM.
        EXT_IS_AUTHENTICATED_WEB_IM_USER = 0x0000_0040;
        /// capsex 0x80: 1-on-1 via group.
        EXT_SUPPORTS_1ON1_VIA_GROUP = 0x0000_0080;
        /// capsex 0x100: offline IM.
        EXT_SUPPORTS_OFFLINE_IM = 0x0000_0100;
        /// capsex 0x200: sharing video.
        EXT_SUPPORTS_SHARING_VIDEO = 0x0000_0200;
        /// capsex 0x400: nudges.
        EXT_SUPPORTS_NUDGES = 0x0000_0400;
        /// capsex 0x800: circle voice clips.
        EXT_CIRCLE_VOICE_IM_ENABLED = 0x0000_0800;
        /// capsex 0x1000: sharing.
        EXT_SHARING_ENABLED = 0x0000_1000;
        /// capsex 0x2000: mobile suspend fan-out disabled.
        EXT_MOBILE_SUSPEND_IM_FANOUT_DISABLE = 0x0000_2000;
        /// capsex 0x8000: P2P mixer relay.
        EXT_SUPPORTS_PEER_TO_PEER_MIXER_RELAY = 0x0000_8000;
        /// capsex 0x20000: file transfer in the conversation window.
        EXT_CONV_WINDOW_FILE_TRANSFER = 0x0002_0000;
        /// capsex 0x40000: 16:9 video.
        EXT_VIDEO_CALL_SUPPORTS_16X9 = 0x0004_0000;
        /// capsex 0x80000: P2P enveloping.
        EXT_SUPPORTS_PEER_TO_PEER_ENVELOPING = 0x0008_0000;
        /// capsex 0x400000: Yahoo! IM disabled.
        EXT_YAHOO_IM_DISABLED = 0x0040_0000;
        /// capsex 0x800000: SIP tunnel v2.
        EXT_SIP_TUNNEL_VERSION2 = 0x0080_0000;
        /// capsex 0x1000000: WMA voice clips.
        EXT_VOICE_CLIP_SUPPORTS_WMA_FORMAT = 0x0100_0000;
        /// capsex 0x2000000: voice clips in circles.
        EXT_VOICE_CLIP_SUPPORTS_CIRCLE_IM = 0x0200_0000;
        /// capsex 0x4000000: social news objects.
        EXT_SUPPORTS_SOCIAL_NEWS_OBJECT_TYPES = 0x0400_0000;
        /// capsex 0x8000000: custom emoticons.
        EXT_CUSTOM_EMOTICONS_CAPABLE = 0x0800_0000;
        /// capsex 0x10000000: UTF-8 personal messages.
        EXT_SUPPORTS_UTF8_MOOD_MESSAGES = 0x1000_0000;
        /// capsex 0x20000000: file transfer over TURN.
        EXT_FTURN_CAPABLE = 0x2000_0000;
        /// capsex 0x40000000: P4 activities.
        EXT_SUPPORTS_P4_ACTIVITY = 0x4000_0000;
        /// capsex 0x80000000: multiparty conversations.
        EXT_SUPPORTS_MULTIPARTY_CONVERSATIONS = 0x8000_0000;
    }

    /// Capabilities without the extended part.
    pub const fn new(caps: u32) -> Self {
        Self { caps, ext: None }
    }

    /// Capabilities with the extended part (`caps:capsex`).
    pub const fn with_ext(caps: u32, ext: u32) -> Self {
        Self {
            caps,
            ext: Some(ext),
        }
    }

    /// The MSNC (P2P) version: the top nibble of `caps` (0 … 15).
    pub const fn msnc_version(self) -> u8 {
        (self.caps >> 28) as u8
    }

    /// The feature flags without the version nibble.
    pub const fn flags(self) -> u32 {
        self.caps & !Self::APP_VERSION_MASK
    }

    /// Whether every bit of `flag` is set in `caps`.
    pub const fn has(self, flag: u32) -> bool {
        self.caps & flag == flag
    }

    /// Whether every bit of `flag` is set in `capsex` (false when there is none).
    pub const fn has_ext(self, flag: u32) -> bool {
        match self.ext {
            Some(e) => e & flag == flag,
            None => false,
        }
    }

    /// Parses `n` or `n:m` (canonical decimals, unsigned 32-bit).
    pub fn parse(s: &[u8]) -> Result<Self, InvalidCapabilities> {
        // Read on every presence line: a split at the colon costs a fraction of a combinator
        // chain over two numbers.
        let number = |d: &[u8]| parse_u32(d, LeadingZeros::Reject).ok_or(InvalidCapabilities);
        Ok(match s.iter().position(|&b| b == b':') {
            None => Self {
                caps: number(s)?,
                ext: None,
            },
            Some(at) => Self {
                caps: number(&s[..at])?,
                ext: Some(number(&s[at + 1..])?),
            },
        })
    }
}

impl core::str::FromStr for ClientCapabilities {
    type Err = InvalidCapabilities;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s.as_bytes())
    }
}

impl fmt::Display for ClientCapabilities {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.ext {
            Some(e) => write!(f, "{}:{e}", self.caps),
            None => write!(f, "{}", self.caps),
        }
    }
}

impl fmt::Debug for ClientCapabilities {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ClientCapabilities({self})")
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for ClientCapabilities {
    /// Serializes as `{"caps": n, "ext": m-or-null}`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("caps", &self.caps)?;
        m.serialize_entry("ext", &self.ext)?;
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn parses_caps_and_caps_ex() {
        let ok = |s: &[u8], caps, ext| {
            assert_eq!(
                ClientCapabilities::parse(s),
                Ok(ClientCapabilities { caps, ext })
            );
        };
        ok(b"0", 0, None);
        ok(b"1342488620", 1_342_488_620, None);
        ok(b"4294967295", u32::MAX, None);
        ok(b"2789003324:48", 2_789_003_324, Some(48));
        ok(b"0:0", 0, Some(0));
        for bad in [
            &b""[..],
            b":",
            b"1:",
            b":1",
            b"1:2:3",
            b"01",
            b"1:02",
            b"4294967296",
            b"1:4294967296",
            b"12a",
            b"-1",
            b"1 ",
            b"\xff",
        ] {
            assert_eq!(
                ClientCapabilities::parse(bad),
                Err(InvalidCapabilities),
                "{bad:?}"
            );
        }
    }

    proptest! {
        /// What `Display` writes, `parse` reads back.
        #[test]
        fn display_round_trips(caps: u32, ext: Option<u32>) {
            let c = ClientCapabilities { caps, ext };
            prop_assert_eq!(ClientCapabilities::parse(c.to_string().as_bytes()), Ok(c));
        }
    }
}
