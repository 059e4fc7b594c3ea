//! Numeric error replies (errors.md): [`ErrorCode`] with a constant per documented code.

use core::fmt;

/// A three-digit error reply code (`911`). Unknown codes are kept.
///
/// ```
/// use msnp_proto::ErrorCode;
/// let e = ErrorCode::AUTHENTICATION_FAILED;
/// assert_eq!(e, ErrorCode(911));
/// assert_eq!(e.name(), Some("ERR_AUTHENTICATION_FAILED"));
/// assert_eq!(e.meaning(), Some("Authentication failed"));
/// assert_eq!(ErrorCode(999).name(), None);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize), serde(transparent))]
pub struct ErrorCode(pub u16);

impl ErrorCode {
    /// 200: Syntax error (`ERR_SYNTAX_ERROR`).
    pub const SYNTAX_ERROR: Self = Self(200);
    /// 201: Invalid parameter (`ERR_INVALID_PARAMETER`).
    pub const INVALID_PARAMETER: Self = Self(201);
    /// 203: Invalid federated user (`MSGR_E_INVALID_FEDERATED_USER`).
    pub const INVALID_FEDERATED_USER: Self = Self(203);
    /// 204: Network does not exist / unroutable (`MSGR_E_UNROUTABLE_USER`).
    pub const UNROUTABLE_USER: Self = Self(204);
    /// 205: User does not exist (`ERR_INVALID_USER`).
    pub const INVALID_USER: Self = Self(205);
    /// 206: Domain name missing (`ERR_FQDN_MISSING`).
    pub const FQDN_MISSING: Self = Self(206);
    /// 207: Already logged in (`ERR_ALREADY_LOGIN`).
    pub const ALREADY_LOGIN: Self = Self(207);
    /// 208: Invalid user name / principal (`ERR_INVALID_USERNAME`).
    pub const INVALID_USERNAME: Self = Self(208);
    /// 209: Friendly name not allowed (`ERR_INVALID_FRIENDLY_NAME`).
    pub const INVALID_FRIENDLY_NAME: Self = Self(209);
    /// 210: List full (`ERR_LIST_FULL`).
    pub const LIST_FULL: Self = Self(210);
    /// 212: Unexpected (`MSGR_E_UNEXPECTED`).
    pub const UNEXPECTED: Self = Self(212);
    /// 213: Invalid rename request (NINA/MSNPSharp) (`MSGR_E_USER_DOESNT_EXIST`).
    pub const USER_DOESNT_EXIST: Self = Self(213);
    /// 215: Already on that list / already in session (`ERR_ALREADY_THERE`).
    pub const ALREADY_THERE: Self = Self(215);
    /// 216: Not on list (`ERR_NOT_ON_LIST`).
    pub const NOT_ON_LIST: Self = Self(216);
    /// 217: User offline / not accepting IMs (`MSGR_E_MSNP_NOT_ACCEPTING_IMS`).
    pub const NOT_ACCEPTING_IMS: Self = Self(217);
    /// 218: Already in that mode (`ERR_ALREADY_IN_THE_MODE`).
    pub const ALREADY_IN_THE_MODE: Self = Self(218);
    /// 219: In the mutually exclusive list (`ERR_ALREADY_IN_OPPOSITE_LIST`).
    pub const ALREADY_IN_OPPOSITE_LIST: Self = Self(219);
    /// 220: Not accepting pages (`MSGR_E_NOT_ACCEPTING_PAGES`).
    pub const NOT_ACCEPTING_PAGES: Self = Self(220);
    /// 223: Too many groups (`TooManyGroups`).
    pub const TOO_MANY_GROUPS: Self = Self(223);
    /// 224: Group does not exist (`InvalidGroup`).
    pub const INVALID_GROUP: Self = Self(224);
    /// 225: User not in group (`PrincipalNotInGroup`).
    pub const PRINCIPAL_NOT_IN_GROUP: Self = Self(225);
    /// 227: Group not empty (`GroupNotEmpty`).
    pub const GROUP_NOT_EMPTY: Self = Self(227);
    /// 228: Group name already exists (`ContactGroupNameExists`).
    pub const CONTACT_GROUP_NAME_EXISTS: Self = Self(228);
    /// 229: Group name too long (`GroupNameTooLong`).
    pub const GROUP_NAME_TOO_LONG: Self = Self(229);
    /// 230: Cannot remove group 0 (`CannotRemoveGroupZero`).
    pub const CANNOT_REMOVE_GROUP_ZERO: Self = Self(230);
    /// 231: Tried to add a user to a group that does not exist (`TriedToAddToMissingGroup`).
    pub const ADD_TO_MISSING_GROUP: Self = Self(231);
    /// 232: Invalid mobile number (`MSGR_E_INVALID_MSISDN`).
    pub const INVALID_MSISDN: Self = Self(232);
    /// 233: Mobile number unknown (`MSGR_E_UNKNOWN_MSISDN`).
    pub const UNKNOWN_MSISDN: Self = Self(233);
    /// 234: Unknown Japanese mobile (keitai) domain (`MSGR_E_MSNP_UNKNOWN_KEITAI_DOMAIN`).
    pub const UNKNOWN_KEITAI_DOMAIN: Self = Self(234);
    /// 240: Invalid XML / empty list (`MSGR_E_MSNP_INVALID_XML`).
    pub const INVALID_XML: Self = Self(240);
    /// 241: Invalid XML data (`MSGR_E_MSNP_INVALID_XML_DATA`).
    pub const INVALID_XML_DATA: Self = Self(241);
    /// 280: Switchboard failed (`ERR_SWITCHBOARD_FAILED`).
    pub const SWITCHBOARD_FAILED: Self = Self(280);
    /// 281: Transfer to switchboard failed (`ERR_NOTIFY_XFR_FAILED`).
    pub const NOTIFY_XFR_FAILED: Self = Self(281);
    /// 282: Bad MSG D data (`UnknownP2PApp`).
    pub const UNKNOWN_P2P_APP: Self = Self(282);
    /// 283: Unknown UUN application/type (`UnknownUunApp`).
    pub const UNKNOWN_UUN_APP: Self = Self(283);
    /// 285: Message too long (`MessageTooLong`).
    pub const MESSAGE_TOO_LONG: Self = Self(285);
    /// 290: SMS: out of funds (`SmsJustOutOfFunds`).
    pub const SMS_JUST_OUT_OF_FUNDS: Self = Self(290);
    /// 300: Required fields missing (`ERR_REQUIRED_FIELDS_MISSING`).
    pub const REQUIRED_FIELDS_MISSING: Self = Self(300);
    /// 301: Too many results (`TooManyHits`).
    pub const TOO_MANY_HITS: Self = Self(301);
    /// 302: Not logged in (`ERR_NOT_LOGGED_IN`).
    pub const NOT_LOGGED_IN: Self = Self(302);
    /// 400: Address book read-only (`MSGR_E_ABCH_READ_ONLY`).
    pub const ABCH_READ_ONLY: Self = Self(400);
    /// 402: Address book busy (`MSGR_E_ABCH_TOO_BUSY`).
    pub const ABCH_TOO_BUSY: Self = Self(402);
    /// 403: Address book unavailable (`MSGR_E_ABCH_UNAVAILABLE`).
    pub const ABCH_UNAVAILABLE: Self = Self(403);
    /// 413: Subscription required (`MSGR_E_SUBSCRIPTION_NEEDED`).
    pub const SUBSCRIPTION_NEEDED: Self = Self(413);
    /// 414: Subscription disabled (`MSGR_E_SUBSCRIPTION_DISABLED`).
    pub const SUBSCRIPTION_DISABLED: Self = Self(414);
    /// 415: SMS out of funds (`SmsOutOfFunds`).
    pub const SMS_OUT_OF_FUNDS: Self = Self(415);
    /// 416: Feature disabled in this market (`MSGR_E_MARKET_DISABLED`).
    pub const MARKET_DISABLED: Self = Self(416);
    /// 417: Feature disabled everywhere (`MSGR_E_DISABLED_EVERYWHERE`).
    pub const DISABLED_EVERYWHERE: Self = Self(417);
    /// 418: Try again later (`MSGR_E_TRY_AGAIN_LATER`).
    pub const TRY_AGAIN_LATER: Self = Self(418);
    /// 419: No market specified (`MSGR_E_NO_MARKET_SPECIFIED`).
    pub const NO_MARKET_SPECIFIED: Self = Self(419);
    /// 420: Beta invitation required / not permitted (`MSGR_E_INVITE_REQUIRED`).
    pub const INVITE_REQUIRED: Self = Self(420);
    /// 500: Internal server error / service temporarily unavailable (`ERR_INTERNAL_SERVER`).
    pub const INTERNAL_SERVER: Self = Self(500);
    /// 501: Database server error (`ERR_DB_SERVER`).
    pub const DB_SERVER: Self = Self(501);
    /// 502: Command disabled (`CommandDisabled`).
    pub const COMMAND_DISABLED: Self = Self(502);
    /// 503: Unspecified failure (`MSGR_E_FAIL`).
    pub const FAIL: Self = Self(503);
    /// 504: UPS (presence store?) unavailable (`MSGR_E_UPS_UNAVAILABLE`).
    pub const UPS_UNAVAILABLE: Self = Self(504);
    /// 505: SCS unavailable (`MSGR_E_SCS_UNAVAILABLE`).
    pub const SCS_UNAVAILABLE: Self = Self(505);
    /// 508: Federated partner error (`MSGR_E_MSNP_FEDERATED_SERVER_ERROR`).
    pub const FEDERATED_SERVER_ERROR: Self = Self(508);
    /// 509: UUM failed (`MSGR_E_MSNP_UUM_ERROR`).
    pub const UUM_ERROR: Self = Self(509);
    /// 510: File operation failed (`ERR_FILE_OPERATION`).
    pub const FILE_OPERATION: Self = Self(510);
    /// 511: Detailed error (`MSGR_E_PPLATFORM_SERVER_511`).
    pub const PPLATFORM_SERVER_511: Self = Self(511);
    /// 520: Memory allocation failed (`ERR_MEMORY_ALLOC`).
    pub const MEMORY_ALLOC: Self = Self(520);
    /// 540: Challenge response wrong (`MSGR_E_LOCKANDKEY_FAILED`).
    pub const LOCKANDKEY_FAILED: Self = Self(540);
    /// 550: SMS account state (`SmsAccountMuted`).
    pub const SMS_ACCOUNT_MUTED: Self = Self(550);
    /// 551: SMS account state (`SmsAccountDisabled`).
    pub const SMS_ACCOUNT_DISABLED: Self = Self(551);
    /// 552: SMS account state (`SmsAccountMaxed`).
    pub const SMS_ACCOUNT_MAXED: Self = Self(552);
    /// 580: SMS internal error (`SmsInternalServerError`).
    pub const SMS_INTERNAL_SERVER_ERROR: Self = Self(580);
    /// 590: SMS delivery errors (in that order, 590 … 598) (`SmsCarrierInvalid`).
    pub const SMS_CARRIER_INVALID: Self = Self(590);
    /// 591: SMS delivery errors (in that order, 590 … 598) (`SmsCarrierNoRoute`).
    pub const SMS_CARRIER_NO_ROUTE: Self = Self(591);
    /// 592: SMS delivery errors (in that order, 590 … 598) (`SmsCarrierErrored`).
    pub const SMS_CARRIER_ERRORED: Self = Self(592);
    /// 593: SMS delivery errors (in that order, 590 … 598) (`SmsAddressMappingFull`).
    pub const SMS_ADDRESS_MAPPING_FULL: Self = Self(593);
    /// 594: SMS delivery errors (in that order, 590 … 598) (`SmsIncorrectSourceCountry`).
    pub const SMS_INCORRECT_SOURCE_COUNTRY: Self = Self(594);
    /// 595: SMS delivery errors (in that order, 590 … 598) (`SmsMobileCacheFull`).
    pub const SMS_MOBILE_CACHE_FULL: Self = Self(595);
    /// 596: SMS delivery errors (in that order, 590 … 598) (`SmsIncorrectFormat`).
    pub const SMS_INCORRECT_FORMAT: Self = Self(596);
    /// 597: SMS delivery errors (in that order, 590 … 598) (`SmsInvalidText`).
    pub const SMS_INVALID_TEXT: Self = Self(597);
    /// 598: SMS delivery errors (in that order, 590 … 598) (`SmsMessageTooLong`).
    pub const SMS_MESSAGE_TOO_LONG: Self = Self(598);
    /// 600: Server busy (`ERR_SERVER_BUSY`).
    pub const SERVER_BUSY: Self = Self(600);
    /// 601: Server unavailable (`ERR_SERVER_UNAVAILABLE`).
    pub const SERVER_UNAVAILABLE: Self = Self(601);
    /// 602: Peer notification server down (`ERR_PEER_NS_DOWN`).
    pub const PEER_NS_DOWN: Self = Self(602);
    /// 603: Database connection failed (`ERR_DB_CONNECT`).
    pub const DB_CONNECT: Self = Self(603);
    /// 604: Server going down (`ERR_SERVER_GOING_DOWN`).
    pub const SERVER_GOING_DOWN: Self = Self(604);
    /// 605: Server unavailable (`ServerUnavailable`).
    pub const SERVER_UNAVAILABLE_605: Self = Self(605);
    /// 606: Paging unavailable (`MSGR_E_PAGING_UNAVAILABLE`).
    pub const PAGING_UNAVAILABLE: Self = Self(606);
    /// 700: Could not create connection (`CouldNotCreateConnection`).
    pub const COULD_NOT_CREATE_CONNECTION: Self = Self(700);
    /// 707: Could not create connection (`ERR_CREATE_CONNECTION`).
    pub const CREATE_CONNECTION: Self = Self(707);
    /// 710: Bad CVR parameters (e.g. invalid LCID) (`BadCVRParameters`).
    pub const BAD_CVR_PARAMETERS: Self = Self(710);
    /// 711: Blocking write / session restricted (`ERR_BLOCKING_WRITE`).
    pub const BLOCKING_WRITE: Self = Self(711);
    /// 712: Session overload (`ERR_SESSION_OVERLOAD`).
    pub const SESSION_OVERLOAD: Self = Self(712);
    /// 713: Too many requests (rate limited) (`ERR_USER_TOO_ACTIVE`).
    pub const USER_TOO_ACTIVE: Self = Self(713);
    /// 714: Too many sessions (`ERR_TOO_MANY_SESSIONS`).
    pub const TOO_MANY_SESSIONS: Self = Self(714);
    /// 715: Command not expected now / not allowed (`ERR_NOT_EXPECTED`).
    pub const NOT_EXPECTED: Self = Self(715);
    /// 717: Contact list corrupt (`ERR_BAD_FRIEND_FILE`).
    pub const BAD_FRIEND_FILE: Self = Self(717);
    /// 718: User restricted (`MSGR_E_RESTRICTED_USER`).
    pub const RESTRICTED_USER: Self = Self(718);
    /// 719: Federated session (`MSGR_E_FEDERATED_SESSION`).
    pub const FEDERATED_SESSION: Self = Self(719);
    /// 726: Operation not supported for federated user (`MSGR_E_USER_FEDERATED`).
    pub const USER_FEDERATED: Self = Self(726);
    /// 729: Server too busy (`MSGR_E_SERVER_TOO_BUSY`).
    pub const SERVER_TOO_BUSY: Self = Self(729);
    /// 731: CVR/CVQ not expected or malformed (`NotExpectedCVR`).
    pub const NOT_EXPECTED_CVR: Self = Self(731);
    /// 733: Signed out by roaming / another endpoint (`RoamingLogoff`).
    pub const ROAMING_LOGOFF: Self = Self(733);
    /// 734: Too many endpoints signed in (`TooManyEndpoints`).
    pub const TOO_MANY_ENDPOINTS: Self = Self(734);
    /// 800: Rate limit exceeded (`MSGR_E_RATE_LIMIT_EXCEEDED`).
    pub const RATE_LIMIT_EXCEEDED: Self = Self(800);
    /// 910: Server too busy to authenticate (`MSGR_E_SERVER_TOO_BUSY`).
    pub const SERVER_TOO_BUSY_910: Self = Self(910);
    /// 911: Authentication failed (`ERR_AUTHENTICATION_FAILED`).
    pub const AUTHENTICATION_FAILED: Self = Self(911);
    /// 912: Server too busy (`ServerTooBusy`).
    pub const SERVER_TOO_BUSY_912: Self = Self(912);
    /// 913: Not allowed while hidden/offline (`ERR_NOT_ALLOWED_WHEN_OFFLINE`).
    pub const NOT_ALLOWED_WHEN_OFFLINE: Self = Self(913);
    /// 914: Server unavailable (`ServerUnavailable`).
    pub const SERVER_UNAVAILABLE_914: Self = Self(914);
    /// 915: Server unavailable (`ServerUnavailable`).
    pub const SERVER_UNAVAILABLE_915: Self = Self(915);
    /// 916: Server unavailable (`ServerUnavailable`).
    pub const SERVER_UNAVAILABLE_916: Self = Self(916);
    /// 917: Invalid domain at authentication (`MSGR_E_INVALID_DOMAIN`).
    pub const INVALID_DOMAIN: Self = Self(917);
    /// 918: Internal server error / busy (`MSGR_E_INTERNAL_SERVER_ERROR`).
    pub const INTERNAL_SERVER_ERROR: Self = Self(918);
    /// 919: Internal server error / busy (`MSGR_E_INTERNAL_SERVER_ERROR`).
    pub const INTERNAL_SERVER_ERROR_919: Self = Self(919);
    /// 920: Not accepting new users (`ERR_NOT_ACCEPTING_NEW_USERS`).
    pub const NOT_ACCEPTING_NEW_USERS: Self = Self(920);
    /// 921: Server busy / timed out (`MSGR_E_SERVER_TOO_BUSY`).
    pub const SERVER_TOO_BUSY_921: Self = Self(921);
    /// 922: Server busy (`MSGR_E_SERVER_TOO_BUSY`).
    pub const SERVER_TOO_BUSY_922: Self = Self(922);
    /// 923: Child account without consent (`MSGR_E_CHILD_WITHOUT_CONSENT`).
    pub const CHILD_WITHOUT_CONSENT: Self = Self(923);
    /// 924: Account e-mail not verified (`MSGR_E_EMAIL_PASSPORT_NOT_VALIDATED`).
    pub const EMAIL_PASSPORT_NOT_VALIDATED: Self = Self(924);
    /// 926: Managed account, wrong client (`MSGR_E_MANAGED_USER_INVALID_CVR`).
    pub const MANAGED_USER_INVALID_CVR: Self = Self(926);
    /// 927: Parent/guardian blocked Messenger / account suspended (`MSGR_E_RESTRICTED_USER`).
    pub const RESTRICTED_USER_927: Self = Self(927);
    /// 928: Invalid password / bad ticket (`MSGR_E_INVALID_PASSWORD`).
    pub const INVALID_PASSWORD: Self = Self(928);
    /// 929: Challenge failed (MCAA) (`MSGR_E_LOCKANDKEY_FAILED_FOR_MCAA`).
    pub const LOCKANDKEY_FAILED_FOR_MCAA: Self = Self(929);
    /// 930: Enterprise (federated) domain cannot use the service (`MSGR_E_FEDERATED_DOMAIN`).
    pub const FEDERATED_DOMAIN: Self = Self(930);
    /// 931: Wrong server for this account (`DomainReserved`).
    pub const DOMAIN_RESERVED: Self = Self(931);
    /// 933: ADL names an invalid contact / circle membership (`InvalidContactList`).
    pub const INVALID_CONTACT_LIST: Self = Self(933);
    /// 934: No access (FSS) (`MSGR_E_FSS_USER_NO_ACCESS`).
    pub const FSS_USER_NO_ACCESS: Self = Self(934);
    /// 935: Invalid signature (`InvalidSignature`).
    pub const INVALID_SIGNATURE: Self = Self(935);

    /// Every documented code, ascending.
    pub const KNOWN: &'static [Self] = &[
        Self::SYNTAX_ERROR,
        Self::INVALID_PARAMETER,
        Self::INVALID_FEDERATED_USER,
        Self::UNROUTABLE_USER,
        Self::INVALID_USER,
        Self::FQDN_MISSING,
        Self::ALREADY_LOGIN,
        Self::INVALID_USERNAME,
        Self::INVALID_FRIENDLY_NAME,
        Self::LIST_FULL,
        Self::UNEXPECTED,
        Self::USER_DOESNT_EXIST,
        Self::ALREADY_THERE,
        Self::NOT_ON_LIST,
        Self::NOT_ACCEPTING_IMS,
        Self::ALREADY_IN_THE_MODE,
        Self::ALREADY_IN_OPPOSITE_LIST,
        Self::NOT_ACCEPTING_PAGES,
        Self::TOO_MANY_GROUPS,
        Self::INVALID_GROUP,
        Self::PRINCIPAL_NOT_IN_GROUP,
        Self::GROUP_NOT_EMPTY,
        Self::CONTACT_GROUP_NAME_EXISTS,
        Self::GROUP_NAME_TOO_LONG,
        Self::CANNOT_REMOVE_GROUP_ZERO,
        Self::ADD_TO_MISSING_GROUP,
        Self::INVALID_MSISDN,
        Self::UNKNOWN_MSISDN,
        Self::UNKNOWN_KEITAI_DOMAIN,
        Self::INVALID_XML,
        Self::INVALID_XML_DATA,
        Self::SWITCHBOARD_FAILED,
        Self::NOTIFY_XFR_FAILED,
        Self::UNKNOWN_P2P_APP,
        Self::UNKNOWN_UUN_APP,
        Self::MESSAGE_TOO_LONG,
        Self::SMS_JUST_OUT_OF_FUNDS,
        Self::REQUIRED_FIELDS_MISSING,
        Self::TOO_MANY_HITS,
        Self::NOT_LOGGED_IN,
        Self::ABCH_READ_ONLY,
        Self::ABCH_TOO_BUSY,
        Self::ABCH_UNAVAILABLE,
        Self::SUBSCRIPTION_NEEDED,
        Self::SUBSCRIPTION_DISABLED,
        Self::SMS_OUT_OF_FUNDS,
        Self::MARKET_DISABLED,
        Self::DISABLED_EVERYWHERE,
        Self::TRY_AGAIN_LATER,
        Self::NO_MARKET_SPECIFIED,
        Self::INVITE_REQUIRED,
        Self::INTERNAL_SERVER,
        Self::DB_SERVER,
        Self::COMMAND_DISABLED,
        Self::FAIL,
        Self::UPS_UNAVAILABLE,
        Self::SCS_UNAVAILABLE,
        Self::FEDERATED_SERVER_ERROR,
        Self::UUM_ERROR,
        Self::FILE_OPERATION,
        Self::PPLATFORM_SERVER_511,
        Self::MEMORY_ALLOC,
        Self::LOCKANDKEY_FAILED,
        Self::SMS_ACCOUNT_MUTED,
        Self::SMS_ACCOUNT_DISABLED,
        Self::SMS_ACCOUNT_MAXED,
        Self::SMS_INTERNAL_SERVER_ERROR,
        Self::SMS_CARRIER_INVALID,
        Self::SMS_CARRIER_NO_ROUTE,
        Self::SMS_CARRIER_ERRORED,
        Self::SMS_ADDRESS_MAPPING_FULL,
        Self::SMS_INCORRECT_SOURCE_COUNTRY,
        Self::SMS_MOBILE_CACHE_FULL,
        Self::SMS_INCORRECT_FORMAT,
        Self::SMS_INVALID_TEXT,
        Self::SMS_MESSAGE_TOO_LONG,
        Self::SERVER_BUSY,
        Self::SERVER_UNAVAILABLE,
        Self::PEER_NS_DOWN,
        Self::DB_CONNECT,
        Self::SERVER_GOING_DOWN,
        Self::SERVER_UNAVAILABLE_605,
        Self::PAGING_UNAVAILABLE,
        Self::COULD_NOT_CREATE_CONNECTION,
        Self::CREATE_CONNECTION,
        Self::BAD_CVR_PARAMETERS,
        Self::BLOCKING_WRITE,
        Self::SESSION_OVERLOAD,
        Self::USER_TOO_ACTIVE,
        Self::TOO_MANY_SESSIONS,
        Self::NOT_EXPECTED,
        Self::BAD_FRIEND_FILE,
        Self::RESTRICTED_USER,
        Self::FEDERATED_SESSION,
        Self::USER_FEDERATED,
        Self::SERVER_TOO_BUSY,
        Self::NOT_EXPECTED_CVR,
        Self::ROAMING_LOGOFF,
        Self::TOO_MANY_ENDPOINTS,
        Self::RATE_LIMIT_EXCEEDED,
        Self::SERVER_TOO_BUSY_910,
        Self::AUTHENTICATION_FAILED,
        Self::SERVER_TOO_BUSY_912,
        Self::NOT_ALLOWED_WHEN_OFFLINE,
        Self::SERVER_UNAVAILABLE_914,
        Self::SERVER_UNAVAILABLE_915,
        Self::SERVER_UNAVAILABLE_916,
        Self::INVALID_DOMAIN,
        Self::INTERNAL_SERVER_ERROR,
        Self::INTERNAL_SERVER_ERROR_919,
        Self::NOT_ACCEPTING_NEW_USERS,
        Self::SERVER_TOO_BUSY_921,
        Self::SERVER_TOO_BUSY_922,
        Self::CHILD_WITHOUT_CONSENT,
        Self::EMAIL_PASSPORT_NOT_VALIDATED,
        Self::MANAGED_USER_INVALID_CVR,
        Self::RESTRICTED_USER_927,
        Self::INVALID_PASSWORD,
        Self::LOCKANDKEY_FAILED_FOR_MCAA,
        Self::FEDERATED_DOMAIN,
        Self::DOMAIN_RESERVED,
        Self::INVALID_CONTACT_LIST,
        Self::FSS_USER_NO_ACCESS,
        Self::INVALID_SIGNATURE,
    ];

    fn entry(self) -> Option<(&'static str, &'static str)> {
        Some(match self.0 {
            200 => ("ERR_SYNTAX_ERROR", "Syntax error"),
            201 => ("ERR_INVALID_PARAMETER", "Invalid parameter"),
            203 => ("MSGR_E_INVALID_FEDERATED_USER", "Invalid federated user"),
            204 => (
                "MSGR_E_UNROUTABLE_USER",
                "Network does not exist / unroutable",
            ),
            205 => ("ERR_INVALID_USER", "User does not exist"),
            206 => ("ERR_FQDN_MISSING", "Domain name missing"),
            207 => ("ERR_ALREADY_LOGIN", "Already logged in"),
            208 => ("ERR_INVALID_USERNAME", "Invalid user name / principal"),
            209 => ("ERR_INVALID_FRIENDLY_NAME", "Friendly name not allowed"),
            210 => ("ERR_LIST_FULL", "List full"),
            212 => ("MSGR_E_UNEXPECTED", "Unexpected"),
            213 => (
                "MSGR_E_USER_DOESNT_EXIST",
                "Invalid rename request (NINA/MSNPSharp)",
            ),
            215 => (
                "ERR_ALREADY_THERE",
                "Already on that list / already in session",
            ),
            216 => ("ERR_NOT_ON_LIST", "Not on list"),
            217 => (
                "MSGR_E_MSNP_NOT_ACCEPTING_IMS",
                "User offline / not accepting IMs",
            ),
            218 => ("ERR_ALREADY_IN_THE_MODE", "Already in that mode"),
            219 => (
                "ERR_ALREADY_IN_OPPOSITE_LIST",
                "In the mutually exclusive list",
            ),
            220 => ("MSGR_E_NOT_ACCEPTING_PAGES", "Not accepting pages"),
            223 => ("TooManyGroups", "Too many groups"),
            224 => ("InvalidGroup", "Group does not exist"),
            225 => ("PrincipalNotInGroup", "User not in group"),
            227 => ("GroupNotEmpty", "Group not empty"),
            228 => ("ContactGroupNameExists", "Group name already exists"),
            229 => ("GroupNameTooLong", "Group name too long"),
            230 => ("CannotRemoveGroupZero", "Cannot remove group 0"),
            231 => (
                "TriedToAddToMissingGroup",
                "Tried to add a user to a group that does not exist",
            ),
            232 => ("MSGR_E_INVALID_MSISDN", "Invalid mobile number"),
            233 => ("MSGR_E_UNKNOWN_MSISDN", "Mobile number unknown"),
            234 => (
                "MSGR_E_MSNP_UNKNOWN_KEITAI_DOMAIN",
                "Unknown Japanese mobile (keitai) domain",
            ),
            240 => ("MSGR_E_MSNP_INVALID_XML", "Invalid XML / empty list"),
            241 => ("MSGR_E_MSNP_INVALID_XML_DATA", "Invalid XML data"),
            280 => ("ERR_SWITCHBOARD_FAILED", "Switchboard failed"),
            281 => ("ERR_NOTIFY_XFR_FAILED", "Transfer to switchboard failed"),
            282 => ("UnknownP2PApp", "Bad MSG D data"),
            283 => ("UnknownUunApp", "Unknown UUN application/type"),
            285 => ("MessageTooLong", "Message too long"),
            290 => ("SmsJustOutOfFunds", "SMS: out of funds"),
            300 => ("ERR_REQUIRED_FIELDS_MISSING", "Required fields missing"),
            301 => ("TooManyHits", "Too many results"),
            302 => ("ERR_NOT_LOGGED_IN", "Not logged in"),
            400 => ("MSGR_E_ABCH_READ_ONLY", "Address book read-only"),
            402 => ("MSGR_E_ABCH_TOO_BUSY", "Address book busy"),
            403 => ("MSGR_E_ABCH_UNAVAILABLE", "Address book unavailable"),
            413 => ("MSGR_E_SUBSCRIPTION_NEEDED", "Subscription required"),
            414 => ("MSGR_E_SUBSCRIPTION_DISABLED", "Subscription disabled"),
            415 => ("SmsOutOfFunds", "SMS out of funds"),
            416 => ("MSGR_E_MARKET_DISABLED", "Feature disabled in this market"),
            417 => ("MSGR_E_DISABLED_EVERYWHERE", "Feature disabled everywhere"),
            418 => ("MSGR_E_TRY_AGAIN_LATER", "Try again later"),
            419 => ("MSGR_E_NO_MARKET_SPECIFIED", "No market specified"),
            420 => (
                "MSGR_E_INVITE_REQUIRED",
                "Beta invitation required / not permitted",
            ),
            500 => (
                "ERR_INTERNAL_SERVER",
                "Internal server error / service temporarily unavailable",
            ),
            501 => ("ERR_DB_SERVER", "Database server error"),
            502 => ("CommandDisabled", "Command disabled"),
            503 => ("MSGR_E_FAIL", "Unspecified failure"),
            504 => (
                "MSGR_E_UPS_UNAVAILABLE",
                "UPS (presence store?) unavailable",
            ),
            505 => ("MSGR_E_SCS_UNAVAILABLE", "SCS unavailable"),
            508 => (
                "MSGR_E_MSNP_FEDERATED_SERVER_ERROR",
                "Federated partner error",
            ),
            509 => ("MSGR_E_MSNP_UUM_ERROR", "UUM failed"),
            510 => ("ERR_FILE_OPERATION", "File operation failed"),
            511 => ("MSGR_E_PPLATFORM_SERVER_511", "Detailed error"),
            520 => ("ERR_MEMORY_ALLOC", "Memory allocation failed"),
            540 => ("MSGR_E_LOCKANDKEY_FAILED", "Challenge response wrong"),
            550 => ("SmsAccountMuted", "SMS account state"),
            551 => ("SmsAccountDisabled", "SMS account state"),
            552 => ("SmsAccountMaxed", "SMS account state"),
            580 => ("SmsInternalServerError", "SMS internal error"),
            590 => (
                "SmsCarrierInvalid",
                "SMS delivery errors (in that order, 590 … 598)",
            ),
            591 => (
                "SmsCarrierNoRoute",
                "SMS delivery errors (in that order, 590 … 598)",
            ),
            592 => (
                "SmsCarrierErrored",
                "SMS delivery errors (in that order, 590 … 598)",
            ),
            593 => (
                "SmsAddressMappingFull",
                "SMS delivery errors (in that order, 590 … 598)",
            ),
            594 => (
                "SmsIncorrectSourceCountry",
                "SMS delivery errors (in that order, 590 … 598)",
            ),
            595 => (
                "SmsMobileCacheFull",
                "SMS delivery errors (in that order, 590 … 598)",
            ),
            596 => (
                "SmsIncorrectFormat",
                "SMS delivery errors (in that order, 590 … 598)",
            ),
            597 => (
                "SmsInvalidText",
                "SMS delivery errors (in that order, 590 … 598)",
            ),
            598 => (
                "SmsMessageTooLong",
                "SMS delivery errors (in that order, 590 … 598)",
            ),
            600 => ("ERR_SERVER_BUSY", "Server busy"),
            601 => ("ERR_SERVER_UNAVAILABLE", "Server unavailable"),
            602 => ("ERR_PEER_NS_DOWN", "Peer notification server down"),
            603 => ("ERR_DB_CONNECT", "Database connection failed"),
            604 => ("ERR_SERVER_GOING_DOWN", "Server going down"),
            605 => ("ServerUnavailable", "Server unavailable"),
            606 => ("MSGR_E_PAGING_UNAVAILABLE", "Paging unavailable"),
            700 => ("CouldNotCreateConnection", "Could not create connection"),
            707 => ("ERR_CREATE_CONNECTION", "Could not create connection"),
            710 => ("BadCVRParameters", "Bad CVR parameters (e.g. invalid LCID)"),
            711 => ("ERR_BLOCKING_WRITE", "Blocking write / session restricted"),
            712 => ("ERR_SESSION_OVERLOAD", "Session overload"),
            713 => ("ERR_USER_TOO_ACTIVE", "Too many requests (rate limited)"),
            714 => ("ERR_TOO_MANY_SESSIONS", "Too many sessions"),
            715 => ("ERR_NOT_EXPECTED", "Command not expected now / not allowed"),
            717 => ("ERR_BAD_FRIEND_FILE", "Contact list corrupt"),
            718 => ("MSGR_E_RESTRICTED_USER", "User restricted"),
            719 => ("MSGR_E_FEDERATED_SESSION", "Federated session"),
            726 => (
                "MSGR_E_USER_FEDERATED",
                "Operation not supported for federated user",
            ),
            729 => ("MSGR_E_SERVER_TOO_BUSY", "Server too busy"),
            731 => ("NotExpectedCVR", "CVR/CVQ not expected or malformed"),
            733 => ("RoamingLogoff", "Signed out by roaming / another endpoint"),
            734 => ("TooManyEndpoints", "Too many endpoints signed in"),
            800 => ("MSGR_E_RATE_LIMIT_EXCEEDED", "Rate limit exceeded"),
            910 => ("MSGR_E_SERVER_TOO_BUSY", "Server too busy to authenticate"),
            911 => ("ERR_AUTHENTICATION_FAILED", "Authentication failed"),
            912 => ("ServerTooBusy", "Server too busy"),
            913 => (
                "ERR_NOT_ALLOWED_WHEN_OFFLINE",
                "Not allowed while hidden/offline",
            ),
            914 => ("ServerUnavailable", "Server unavailable"),
            915 => ("ServerUnavailable", "Server unavailable"),
            916 => ("ServerUnavailable", "Server unavailable"),
            917 => ("MSGR_E_INVALID_DOMAIN", "Invalid domain at authentication"),
            918 => (
                "MSGR_E_INTERNAL_SERVER_ERROR",
                "Internal server error / busy",
            ),
            919 => (
                "MSGR_E_INTERNAL_SERVER_ERROR",
                "Internal server error / busy",
            ),
            920 => ("ERR_NOT_ACCEPTING_NEW_USERS", "Not accepting new users"),
            921 => ("MSGR_E_SERVER_TOO_BUSY", "Server busy / timed out"),
            922 => ("MSGR_E_SERVER_TOO_BUSY", "Server busy"),
            923 => (
                "MSGR_E_CHILD_WITHOUT_CONSENT",
                "Child account without consent",
            ),
            924 => (
                "MSGR_E_EMAIL_PASSPORT_NOT_VALIDATED",
                "Account e-mail not verified",
            ),
            926 => (
                "MSGR_E_MANAGED_USER_INVALID_CVR",
                "Managed account, wrong client",
            ),
            927 => (
                "MSGR_E_RESTRICTED_USER",
                "Parent/guardian blocked Messenger / account suspended",
            ),
            928 => ("MSGR_E_INVALID_PASSWORD", "Invalid password / bad ticket"),
            929 => (
                "MSGR_E_LOCKANDKEY_FAILED_FOR_MCAA",
                "Challenge failed (MCAA)",
            ),
            930 => (
                "MSGR_E_FEDERATED_DOMAIN",
                "Enterprise (federated) domain cannot use the service",
            ),
            931 => ("DomainReserved", "Wrong server for this account"),
            933 => (
                "InvalidContactList",
                "ADL names an invalid contact / circle membership",
            ),
            934 => ("MSGR_E_FSS_USER_NO_ACCESS", "No access (FSS)"),
            935 => ("InvalidSignature", "Invalid signature"),
            _ => return None,
        })
    }

    /// The code's best-known name (draft `ERR_…`, HRESULT `MSGR_E_…`, or a client library's
    /// name), if documented.
    pub fn name(self) -> Option<&'static str> {
        self.entry().map(|e| e.0)
    }

    /// What the code means, if documented.
    pub fn meaning(self) -> Option<&'static str> {
        self.entry().map(|e| e.1)
    }

    /// Whether errors.md §1.2 lists the code as possibly carrying a payload (MSNPSharp / papyon).
    pub fn may_carry_payload(self) -> bool {
        matches!(
            self.0,
            203 | 204 | 205 | 210 | 234 | 241 | 508 | 509 | 511 | 933
        )
    }
}

impl fmt::Debug for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => write!(f, "ErrorCode({} {n})", self.0),
            None => write!(f, "ErrorCode({})", self.0),
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_sorted_and_named() {
        assert!(ErrorCode::KNOWN.windows(2).all(|w| w[0] < w[1]));
        for c in ErrorCode::KNOWN {
            assert!(c.name().is_some() && c.meaning().is_some(), "{c:?}");
        }
        assert_eq!(ErrorCode::KNOWN.len(), 124);
    }
}
