//! Presence status codes (constants.md §1).

use crate::text::code_enum;

code_enum! {
    /// A presence status as sent in `CHG`, `ILN`, `NLN` (and UUX `<State>`).
    ///
    /// ```
    /// use msnp_proto::PresenceStatus;
    /// assert_eq!(PresenceStatus::parse("BSY"), Some(PresenceStatus::Busy));
    /// assert_eq!(PresenceStatus::Away.as_str(), "AWY");
    /// let odd = PresenceStatus::parse("XYZ").unwrap();
    /// assert!(!odd.is_known());
    /// assert_eq!(odd.as_str(), "XYZ");
    /// ```
    pub enum PresenceStatus {
        /// Online.
        Online = "NLN",
        /// Busy.
        Busy = "BSY",
        /// Idle (set by the client after inactivity).
        Idle = "IDL",
        /// Be right back.
        BeRightBack = "BRB",
        /// Away.
        Away = "AWY",
        /// On the phone.
        OnPhone = "PHN",
        /// Out to lunch.
        OutToLunch = "LUN",
        /// Hidden (appear offline); others see `FLN`.
        Hidden = "HDN",
        /// Offline.
        Offline = "FLN",
    }
}

impl PresenceStatus {
    /// Whether the status is one of the online sub-states (everything but `HDN` and `FLN`).
    pub fn is_online(&self) -> bool {
        !matches!(self, Self::Hidden | Self::Offline)
    }
}
