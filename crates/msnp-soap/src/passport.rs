//! Passport RST (`RST.srf`, WS-Trust 2004/04, SOAP 1.1) and RST2 (`RST2.srf`,
//! WS-Trust 2005/02, SOAP 1.2): `RequestMultipleSecurityTokens` and its response.

use chrono::{DateTime, Duration, Utc};

use crate::XmlLimits;
use crate::envelope::{Envelope, SoapVersion};
use crate::error::{SoapError, clip};
use crate::ns;
use crate::time::{fmt_utc, parse_utc};
use crate::xml::{Element, XmlOut, parse_hex_u32};

/// Address of the master token always requested first as `RST0`.
pub const PASSPORT_TB: &str = "http://Passport.NET/tb";
/// `RequestType` for RST (WS-Trust 2004/04).
pub const ISSUE_2004: &str = "http://schemas.xmlsoap.org/ws/2004/04/security/trust/Issue";
/// `RequestType` for RST2 (WS-Trust 2005/02).
pub const ISSUE_2005: &str = "http://schemas.xmlsoap.org/ws/2005/02/trust/Issue";
/// `wsa:Action` header of RST2.
pub const RST2_ACTION: &str = "http://schemas.xmlsoap.org/ws/2005/02/trust/RST/Issue";
/// Default `wsa:To` header of RST2.
pub const RST2_TO: &str = "HTTPS://login.live.com:443//RST2.srf";

/// One service token to request: `wsa:Address` and optional `wsse:PolicyReference/@URI`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TokenRequest {
    /// Service address, e.g. `messengerclear.live.com`.
    pub address: String,
    /// Policy URI, e.g. `MBI_KEY_OLD`, `MBI`, `?id=507`.
    pub policy: Option<String>,
}

impl TokenRequest {
    /// A request for `address` under `policy`.
    pub fn new(address: impl Into<String>, policy: impl Into<String>) -> Self {
        Self {
            address: address.into(),
            policy: Some(policy.into()),
        }
    }

    /// The MSNP15+ SSO set: `messengerclear.live.com` under the policy from
    /// `USR SSO S <policy>`, `messenger.msn.com ?id=507`, `contacts.msn.com MBI`
    /// and `messengersecure.live.com MBI_SSL`.
    ///
    /// ```
    /// let set = msnp_soap::passport::TokenRequest::sso_set("MBI_KEY_OLD");
    /// assert_eq!(set[0].address, "messengerclear.live.com");
    /// assert_eq!(set.len(), 4);
    /// ```
    pub fn sso_set(policy: &str) -> Vec<Self> {
        vec![
            Self::new("messengerclear.live.com", policy),
            Self::new("messenger.msn.com", "?id=507"),
            Self::new("contacts.msn.com", "MBI"),
            Self::new("messengersecure.live.com", "MBI_SSL"),
        ]
    }

    /// The MSNP12–14 set: [`TokenRequest::twn`] for `messenger.msn.com` plus
    /// `contacts.msn.com` under `MBI` (what revival servers accept; the
    /// historic MSNP13/14 contacts policy is uncertain, spec auth.md §10.2).
    ///
    /// ```
    /// let set = msnp_soap::passport::TokenRequest::twn_set("id=507,kv=7");
    /// assert_eq!(set[0].policy.as_deref(), Some("?id=507&kv=7"));
    /// assert_eq!(set[1].address, "contacts.msn.com");
    /// ```
    pub fn twn_set(challenge: &str) -> Vec<Self> {
        vec![Self::twn(challenge), Self::new("contacts.msn.com", "MBI")]
    }

    /// The MSNP12–14 TWN `messenger.msn.com` request: policy is `"?"` plus the
    /// `USR TWN S` challenge with `,` replaced by `&` (spec §3.3 recommendation).
    pub fn twn(challenge: &str) -> Self {
        Self::new(
            "messenger.msn.com",
            format!("?{}", challenge.replace(',', "&")),
        )
    }
}

/// The `ps:AuthInfo` header fields.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AuthInfo {
    /// `ps:HostingApp` GUID (braced).
    pub hosting_app: String,
    /// `ps:BinaryVersion` (3, 4 and 5 seen).
    pub binary_version: u32,
    /// `ps:UIVersion`.
    pub ui_version: u32,
    /// `ps:RequestParams` (base64 LCID list).
    pub request_params: String,
}

impl Default for AuthInfo {
    fn default() -> Self {
        Self {
            hosting_app: "{7108E71A-9926-4FCB-BCC9-9A9D3F32E423}".into(),
            binary_version: 4,
            ui_version: 1,
            request_params: "AQAAAAIAAABsYwQAAAAxMDMz".into(),
        }
    }
}

/// Which Passport endpoint / envelope flavour.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum RstFlavor {
    /// `RST.srf`: SOAP 1.1, WS-Trust 2004/04, no addressing headers.
    Rst,
    /// `RST2.srf`: SOAP 1.2, WS-Trust 2005/02, `wsa:Action/To/MessageID` and a `wsu:Timestamp`.
    Rst2 {
        /// `wsa:MessageID` (caller-supplied; the library has no RNG).
        message_id: String,
        /// `wsa:To`.
        to: String,
        /// `wsu:Timestamp/Created`.
        created: DateTime<Utc>,
        /// `wsu:Timestamp/Expires`.
        expires: DateTime<Utc>,
    },
}

/// A `RequestMultipleSecurityTokens` request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RstRequest {
    /// RST or RST2.
    pub flavor: RstFlavor,
    /// `ps:AuthInfo` header.
    pub auth_info: AuthInfo,
    /// `wsse:Username`.
    pub username: String,
    /// `wsse:Password` (sent as given; see the crate docs on the historic 16-character limit).
    pub password: String,
    /// Service tokens, after the implicit `RST0` for [`PASSPORT_TB`].
    pub tokens: Vec<TokenRequest>,
}

impl RstRequest {
    /// An `RST.srf` request (MSNP12–18).
    ///
    /// ```
    /// use msnp_soap::passport::{RstRequest, TokenRequest};
    /// let req = RstRequest::rst("me@example.com", "p&ss", TokenRequest::sso_set("MBI_KEY_OLD"));
    /// let xml = req.to_xml();
    /// assert!(String::from_utf8(xml.clone()).unwrap().contains("p&amp;ss"));
    /// assert_eq!(RstRequest::from_xml(&xml, &Default::default()).unwrap(), req);
    /// ```
    pub fn rst(
        username: impl Into<String>,
        password: impl Into<String>,
        tokens: Vec<TokenRequest>,
    ) -> Self {
        Self {
            flavor: RstFlavor::Rst,
            auth_info: AuthInfo::default(),
            username: username.into(),
            password: password.into(),
            tokens,
        }
    }

    /// An `RST2.srf` request; the timestamp is `now` .. `now + 5 minutes`.
    pub fn rst2(
        username: impl Into<String>,
        password: impl Into<String>,
        tokens: Vec<TokenRequest>,
        message_id: impl Into<String>,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            flavor: RstFlavor::Rst2 {
                message_id: message_id.into(),
                to: RST2_TO.into(),
                created: now,
                expires: now + Duration::minutes(5),
            },
            ..Self::rst(username, password, tokens)
        }
    }

    /// Leniency for old Passport servers: keep only the first `max_chars`
    /// characters of the password (libpurple sent at most 16, the historic
    /// Passport limit). Not applied by default; revival servers take any length.
    ///
    /// ```
    /// let mut r = msnp_soap::passport::RstRequest::rst("a@b.c", "0123456789abcdefXYZ", vec![]);
    /// r.truncate_password(16);
    /// assert_eq!(r.password, "0123456789abcdef");
    /// ```
    pub fn truncate_password(&mut self, max_chars: usize) {
        if let Some((i, _)) = self.password.char_indices().nth(max_chars) {
            self.password.truncate(i);
        }
    }

    /// HTTP path: `/RST.srf` or `/RST2.srf`. Passport takes no SOAPAction.
    pub fn path(&self) -> &'static str {
        match self.flavor {
            RstFlavor::Rst => "/RST.srf",
            RstFlavor::Rst2 { .. } => "/RST2.srf",
        }
    }

    /// `Content-Type` header value for this flavour.
    pub fn content_type(&self) -> &'static str {
        match self.flavor {
            RstFlavor::Rst => "text/xml; charset=utf-8",
            RstFlavor::Rst2 { .. } => "application/soap+xml; charset=utf-8",
        }
    }

    /// Builds the envelope.
    pub fn to_xml(&self) -> Vec<u8> {
        let rst2 = matches!(self.flavor, RstFlavor::Rst2 { .. });
        let (soap, wsse, wsp, wsa, wst, issue) = if rst2 {
            (
                ns::SOAP12,
                ns::WSSE_2004,
                ns::WSP_2004,
                ns::WSA_2005,
                ns::WST_2005,
                ISSUE_2005,
            )
        } else {
            (
                ns::SOAP11,
                ns::WSSE_2003,
                ns::WSP_2002,
                ns::WSA_2004,
                ns::WST_2004,
                ISSUE_2004,
            )
        };
        let mut w = XmlOut::new();
        let mut env_attrs = vec![("xmlns", soap)];
        if rst2 {
            // `mustUnderstand` must be qualified with the envelope namespace.
            env_attrs.push(("xmlns:S", soap));
        }
        env_attrs.extend_from_slice(&[
            ("xmlns:wsse", wsse),
            ("xmlns:saml", ns::SAML),
            ("xmlns:wsp", wsp),
            ("xmlns:wsu", ns::WSU),
            ("xmlns:wsa", wsa),
            ("xmlns:wssc", ns::WSSC),
            ("xmlns:wst", wst),
        ]);
        w.start("Envelope", &env_attrs);
        w.start("Header", &[]);
        if let RstFlavor::Rst2 { message_id, to, .. } = &self.flavor {
            w.leaf_attrs("wsa:Action", &[("S:mustUnderstand", "1")], RST2_ACTION);
            w.leaf_attrs("wsa:To", &[("S:mustUnderstand", "1")], to);
            w.leaf("wsa:MessageID", message_id);
        }
        w.start(
            "ps:AuthInfo",
            &[("xmlns:ps", ns::PPCRL), ("Id", "PPAuthInfo")],
        );
        w.leaf("ps:HostingApp", &self.auth_info.hosting_app);
        w.leaf(
            "ps:BinaryVersion",
            &self.auth_info.binary_version.to_string(),
        );
        w.leaf("ps:UIVersion", &self.auth_info.ui_version.to_string());
        w.leaf("ps:Cookies", "");
        w.leaf("ps:RequestParams", &self.auth_info.request_params);
        w.end("ps:AuthInfo");
        w.start("wsse:Security", &[]);
        w.start("wsse:UsernameToken", &[("Id", "user")]);
        w.leaf("wsse:Username", &self.username);
        w.leaf("wsse:Password", &self.password);
        w.end("wsse:UsernameToken");
        if let RstFlavor::Rst2 {
            created, expires, ..
        } = &self.flavor
        {
            w.start("wsu:Timestamp", &[("Id", "Timestamp")]);
            w.leaf("wsu:Created", &fmt_utc(created));
            w.leaf("wsu:Expires", &fmt_utc(expires));
            w.end("wsu:Timestamp");
        }
        w.end("wsse:Security");
        w.end("Header");
        w.start("Body", &[]);
        w.start(
            "ps:RequestMultipleSecurityTokens",
            &[("xmlns:ps", ns::PPCRL), ("Id", "RSTS")],
        );
        let tb = TokenRequest {
            address: PASSPORT_TB.into(),
            policy: None,
        };
        for (i, t) in core::iter::once(&tb).chain(self.tokens.iter()).enumerate() {
            let id = format!("RST{i}");
            w.start("wst:RequestSecurityToken", &[("Id", id.as_str())]);
            w.leaf("wst:RequestType", issue);
            w.start("wsp:AppliesTo", &[]);
            w.start("wsa:EndpointReference", &[]);
            w.leaf("wsa:Address", &t.address);
            w.end("wsa:EndpointReference");
            w.end("wsp:AppliesTo");
            if let Some(p) = &t.policy {
                w.start("wsse:PolicyReference", &[("URI", p.as_str())]);
                w.end("wsse:PolicyReference");
            }
            w.end("wst:RequestSecurityToken");
        }
        w.end("ps:RequestMultipleSecurityTokens");
        w.end("Body");
        w.end("Envelope");
        w.finish()
    }

    /// Parses a request (for servers). The leading `Passport.NET/tb` token is
    /// not included in [`tokens`](Self::tokens).
    pub fn from_xml(input: &[u8], limits: &XmlLimits) -> Result<Self, SoapError> {
        let env = Envelope::parse(input, limits)?;
        let header = env
            .header
            .as_ref()
            .ok_or(SoapError::Missing("Envelope/Header"))?;
        let sec = header.req("Security", "Header/Security")?;
        let ut = sec.req("UsernameToken", "Header/Security/UsernameToken")?;
        let username = ut
            .req("Username", "Header/Security/UsernameToken/Username")?
            .text
            .clone();
        let password = ut
            .req("Password", "Header/Security/UsernameToken/Password")?
            .text
            .clone();
        let mut auth_info = AuthInfo::default();
        if let Some(ai) = header.child("AuthInfo") {
            if let Some(v) = ai.child_text("HostingApp") {
                auth_info.hosting_app = v;
            }
            if let Some(v) =
                crate::xml::opt_num(ai, "BinaryVersion", "Header/AuthInfo/BinaryVersion")?
            {
                auth_info.binary_version = v;
            }
            if let Some(v) = crate::xml::opt_num(ai, "UIVersion", "Header/AuthInfo/UIVersion")? {
                auth_info.ui_version = v;
            }
            if let Some(v) = ai.child_text("RequestParams") {
                auth_info.request_params = v;
            }
        }
        let flavor = if env.version == SoapVersion::Soap12 || header.child("MessageID").is_some() {
            let ts = sec.req("Timestamp", "Header/Security/Timestamp")?;
            RstFlavor::Rst2 {
                message_id: header.child_text("MessageID").unwrap_or_default(),
                to: header.child_text("To").unwrap_or_default(),
                created: parse_utc(
                    ts.req("Created", "Timestamp/Created")?.trimmed(),
                    "Timestamp/Created",
                )?,
                expires: parse_utc(
                    ts.req("Expires", "Timestamp/Expires")?.trimmed(),
                    "Timestamp/Expires",
                )?,
            }
        } else {
            RstFlavor::Rst
        };
        let rsts = env.expect("RequestMultipleSecurityTokens")?;
        let mut tokens = Vec::new();
        for (i, t) in rsts.children_named("RequestSecurityToken").enumerate() {
            let address = t
                .path(&["AppliesTo", "EndpointReference", "Address"])
                .ok_or(SoapError::Missing(
                    "RequestSecurityToken/AppliesTo/EndpointReference/Address",
                ))?
                .trimmed()
                .to_owned();
            let policy = t
                .child("PolicyReference")
                .and_then(|p| p.attr("URI"))
                .map(str::to_owned);
            if i == 0 && address == PASSPORT_TB {
                continue;
            }
            tokens.push(TokenRequest { address, policy });
        }
        Ok(Self {
            flavor,
            auth_info,
            username,
            password,
            tokens,
        })
    }
}

/// One issued token from `RequestSecurityTokenResponse`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SecurityToken {
    /// `AppliesTo/EndpointReference/Address` (the key to look tokens up by).
    pub address: String,
    /// `TokenType` (`urn:passport:compact`, `urn:passport:legacy`).
    pub token_type: Option<String>,
    /// `BinarySecurityToken/@Id` (`Compact1`, `PPToken1`).
    pub id: Option<String>,
    /// The token text `t=…&p=…`, unescaped.
    pub token: Option<String>,
    /// For `Passport.NET/tb`: `EncryptedData/CipherData/CipherValue`.
    pub cipher_value: Option<String>,
    /// `RequestedProofToken/BinarySecret` (base64) for `messengerclear` and `tb`.
    pub proof_key: Option<String>,
    /// `LifeTime/Created`.
    pub created: Option<DateTime<Utc>>,
    /// `LifeTime/Expires`.
    pub expires: Option<DateTime<Utc>>,
}

impl SecurityToken {
    /// The `t` and `p` halves of the token (without `t=` / `p=`; `p` may be empty).
    ///
    /// ```
    /// let t = msnp_soap::passport::SecurityToken { token: Some("t=abc&p=xyz".into()), ..Default::default() };
    /// assert_eq!(t.ticket_parts(), Some(("abc", "xyz")));
    /// ```
    pub fn ticket_parts(&self) -> Option<(&str, &str)> {
        let tok = self.token.as_deref()?;
        let mut t = None;
        let mut p = None;
        for part in tok.split('&') {
            match part.split_once('=') {
                Some(("t", v)) => t = Some(v),
                Some(("p", v)) => p = Some(v),
                _ => {}
            }
        }
        Some((t?, p.unwrap_or("")))
    }

    /// Whether the token has expired at `now` (a token without `Expires` never does).
    pub fn is_expired_at(&self, now: DateTime<Utc>) -> bool {
        self.expires.is_some_and(|e| e <= now)
    }

    /// The decoded proof key (24 bytes for `messengerclear.live.com`).
    pub fn proof_key_bytes(&self) -> Result<Option<Vec<u8>>, SoapError> {
        use base64::Engine as _;
        self.proof_key
            .as_deref()
            .map(|k| {
                base64::engine::general_purpose::STANDARD
                    .decode(k.trim())
                    .map_err(|_| SoapError::BadValue {
                        path: "RequestedProofToken/BinarySecret",
                        value: clip(k),
                        expected: "base64",
                    })
            })
            .transpose()
    }
}

/// The `psf:pp` header of a Passport response.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PassportHeader {
    /// `psf:PUID` (hex).
    pub puid: Option<String>,
    /// `psf:credProperty[@Name="CID"]`.
    pub cid: Option<String>,
    /// `psf:authstate`.
    #[cfg_attr(feature = "serde", serde(with = "crate::code::opt_hex", default))]
    pub auth_state: Option<u32>,
    /// `psf:reqstatus`.
    #[cfg_attr(feature = "serde", serde(with = "crate::code::opt_hex", default))]
    pub req_status: Option<u32>,
}

/// A parsed `RequestSecurityTokenResponseCollection`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RstResponse {
    /// SOAP 1.2 (RST2) response.
    pub soap12: bool,
    /// `psf:pp` header, if present.
    pub passport: Option<PassportHeader>,
    /// Issued tokens in document order.
    pub tokens: Vec<SecurityToken>,
}

impl RstResponse {
    /// Looks a token up by its service address.
    pub fn token_for(&self, address: &str) -> Option<&SecurityToken> {
        self.tokens.iter().find(|t| t.address == address)
    }

    /// Parses a Passport response. A fault becomes [`SoapError::Fault`], or
    /// [`SoapError::Redirect`] when it carries `psf:redirectUrl`.
    pub fn from_xml(input: &[u8], limits: &XmlLimits) -> Result<Self, SoapError> {
        let env = Envelope::parse(input, limits)?;
        let coll = env.expect("RequestSecurityTokenResponseCollection")?;
        let passport = match env.header.as_ref().and_then(|h| h.child("pp")) {
            Some(pp) => Some(read_pp(pp)?),
            None => None,
        };
        let mut tokens = Vec::new();
        for r in coll.children_named("RequestSecurityTokenResponse") {
            tokens.push(read_rstr(r)?);
        }
        Ok(Self {
            soap12: env.version == SoapVersion::Soap12,
            passport,
            tokens,
        })
    }

    /// Builds a response envelope (for servers and tests).
    pub fn to_xml(&self) -> Vec<u8> {
        let (soap, wsse, wsp, wsa, wst) = if self.soap12 {
            (
                ns::SOAP12,
                ns::WSSE_2004,
                ns::WSP_2004,
                ns::WSA_2005,
                ns::WST_2005,
            )
        } else {
            (
                ns::SOAP11,
                ns::WSSE_2003,
                ns::WSP_2002,
                ns::WSA_2004,
                ns::WST_2004,
            )
        };
        let lifetime = if self.soap12 {
            "wst:Lifetime"
        } else {
            "wst:LifeTime"
        };
        let mut w = XmlOut::new();
        w.start("S:Envelope", &[("xmlns:S", soap)]);
        if let Some(pp) = &self.passport {
            w.start("S:Header", &[]);
            w.start("psf:pp", &[("xmlns:psf", ns::PSF)]);
            w.leaf("psf:serverVersion", "1");
            w.opt_leaf("psf:PUID", pp.puid.as_deref());
            if let Some(a) = pp.auth_state {
                w.leaf("psf:authstate", &format!("0x{a:x}"));
            }
            if let Some(a) = pp.req_status {
                w.leaf("psf:reqstatus", &format!("0x{a:x}"));
            }
            if let Some(cid) = &pp.cid {
                w.start("psf:credProperties", &[]);
                w.leaf_attrs("psf:credProperty", &[("Name", "CID")], cid);
                w.end("psf:credProperties");
            }
            w.end("psf:pp");
            w.end("S:Header");
        }
        w.start("S:Body", &[]);
        w.start(
            "wst:RequestSecurityTokenResponseCollection",
            &[
                ("xmlns:wst", wst),
                ("xmlns:wsse", wsse),
                ("xmlns:wsu", ns::WSU),
                ("xmlns:wsp", wsp),
                ("xmlns:wsa", wsa),
            ],
        );
        for t in &self.tokens {
            w.start("wst:RequestSecurityTokenResponse", &[]);
            w.opt_leaf("wst:TokenType", t.token_type.as_deref());
            w.start("wsp:AppliesTo", &[]);
            w.start("wsa:EndpointReference", &[]);
            w.leaf("wsa:Address", &t.address);
            w.end("wsa:EndpointReference");
            w.end("wsp:AppliesTo");
            if t.created.is_some() || t.expires.is_some() {
                w.start(lifetime, &[]);
                if let Some(c) = &t.created {
                    w.leaf("wsu:Created", &fmt_utc(c));
                }
                if let Some(c) = &t.expires {
                    w.leaf("wsu:Expires", &fmt_utc(c));
                }
                w.end(lifetime);
            }
            w.start("wst:RequestedSecurityToken", &[]);
            if let Some(tok) = &t.token {
                let id = t.id.as_deref().unwrap_or("Compact1");
                w.leaf_attrs("wsse:BinarySecurityToken", &[("Id", id)], tok);
            }
            if let Some(cv) = &t.cipher_value {
                let id = t.id.as_deref().unwrap_or("BinaryDAToken0");
                w.start(
                    "EncryptedData",
                    &[
                        ("xmlns", "http://www.w3.org/2001/04/xmlenc#"),
                        ("Id", id),
                        ("Type", "http://www.w3.org/2001/04/xmlenc#Element"),
                    ],
                );
                w.start("CipherData", &[]);
                w.leaf("CipherValue", cv);
                w.end("CipherData");
                w.end("EncryptedData");
            }
            w.end("wst:RequestedSecurityToken");
            if let Some(k) = &t.proof_key {
                w.start("wst:RequestedProofToken", &[]);
                w.leaf("wst:BinarySecret", k);
                w.end("wst:RequestedProofToken");
            }
            w.end("wst:RequestSecurityTokenResponse");
        }
        w.end("wst:RequestSecurityTokenResponseCollection");
        w.end("S:Body");
        w.end("S:Envelope");
        w.finish()
    }
}

fn read_pp(pp: &Element) -> Result<PassportHeader, SoapError> {
    Ok(PassportHeader {
        puid: pp.child_text("PUID"),
        cid: pp
            .child("credProperties")
            .and_then(|c| {
                c.children_named("credProperty")
                    .find(|p| p.attr("Name") == Some("CID"))
            })
            .map(|c| c.trimmed().to_owned()),
        auth_state: pp
            .child("authstate")
            .map(|s| parse_hex_u32(s.trimmed(), "pp/authstate"))
            .transpose()?,
        req_status: pp
            .child("reqstatus")
            .map(|s| parse_hex_u32(s.trimmed(), "pp/reqstatus"))
            .transpose()?,
    })
}

fn read_rstr(r: &Element) -> Result<SecurityToken, SoapError> {
    let address = r
        .path(&["AppliesTo", "EndpointReference", "Address"])
        .ok_or(SoapError::Missing(
            "RequestSecurityTokenResponse/AppliesTo/EndpointReference/Address",
        ))?
        .trimmed()
        .to_owned();
    let lifetime = r.child_any(&["LifeTime", "Lifetime"]);
    let created = lifetime
        .and_then(|l| l.child("Created"))
        .map(|c| parse_utc(c.trimmed(), "RequestSecurityTokenResponse/LifeTime/Created"))
        .transpose()?;
    let expires = lifetime
        .and_then(|l| l.child("Expires"))
        .map(|c| parse_utc(c.trimmed(), "RequestSecurityTokenResponse/LifeTime/Expires"))
        .transpose()?;
    let rst = r.child("RequestedSecurityToken");
    let bst = rst.and_then(|t| t.child("BinarySecurityToken"));
    let enc = rst.and_then(|t| t.child("EncryptedData"));
    Ok(SecurityToken {
        address,
        token_type: r.child_text("TokenType"),
        id: bst.or(enc).and_then(|b| b.attr("Id")).map(str::to_owned),
        token: bst.map(|b| b.trimmed().to_owned()),
        cipher_value: enc
            .and_then(|e| e.path(&["CipherData", "CipherValue"]))
            .map(|c| c.trimmed().to_owned()),
        proof_key: r
            .path(&["RequestedProofToken", "BinarySecret"])
            .map(|c| c.trimmed().to_owned()),
        created,
        expires,
    })
}
