//! Messenger Config service: `GetClientConfig`.

use crate::XmlLimits;
use crate::envelope::{Envelope, SoapVersion, start_envelope};
use crate::error::SoapError;
use crate::ns;
use crate::xml::{XmlOut, parse_document};

/// `SOAPAction` of GetClientConfig.
pub const SOAP_ACTION: &str = "http://www.msn.com/webservices/Messenger/Client/GetClientConfig";
/// Historic endpoint.
pub const URL: &str = "http://config.messenger.msn.com/Config/MsgrConfig.asmx";

/// `GetClientConfig` request (`clientinfo`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GetClientConfig {
    /// `Country` (`US`).
    pub country: String,
    /// `CLCID`: system LCID, 4 hex digits (`0409`).
    pub clcid: String,
    /// `PLCID`: UI LCID, 4 hex digits.
    pub plcid: String,
    /// `GeoID` (decimal, 244 = US).
    pub geo_id: u32,
}

impl Default for GetClientConfig {
    fn default() -> Self {
        Self {
            country: "US".into(),
            clcid: "0409".into(),
            plcid: "0409".into(),
            geo_id: 244,
        }
    }
}

impl GetClientConfig {
    /// Builds the envelope.
    ///
    /// ```
    /// use msnp_soap::config::GetClientConfig;
    /// let req = GetClientConfig::default();
    /// assert_eq!(GetClientConfig::from_xml(&req.to_xml(), &Default::default()).unwrap(), req);
    /// ```
    pub fn to_xml(&self) -> Vec<u8> {
        let mut w = XmlOut::new();
        start_envelope(&mut w, SoapVersion::Soap11, &[]);
        w.start("soap:Body", &[]);
        w.start("GetClientConfig", &[("xmlns", ns::MSGR_CONFIG)]);
        w.start("clientinfo", &[]);
        w.leaf("Country", &self.country);
        w.leaf("CLCID", &self.clcid);
        w.leaf("PLCID", &self.plcid);
        w.leaf("GeoID", &self.geo_id.to_string());
        w.end("clientinfo");
        w.end("GetClientConfig");
        w.end("soap:Body");
        w.end("soap:Envelope");
        w.finish()
    }

    /// Parses a request (servers).
    pub fn from_xml(input: &[u8], limits: &XmlLimits) -> Result<Self, SoapError> {
        let env = Envelope::parse(input, limits)?;
        let op = env.expect("GetClientConfig")?;
        let ci = op.req("clientinfo", "GetClientConfig/clientinfo")?;
        let d = Self::default();
        Ok(Self {
            country: ci.child_text("Country").unwrap_or(d.country),
            clcid: ci.child_text("CLCID").unwrap_or(d.clcid),
            plcid: ci.child_text("PLCID").unwrap_or(d.plcid),
            geo_id: crate::xml::opt_num(ci, "GeoID", "GetClientConfig/clientinfo/GeoID")?
                .unwrap_or(d.geo_id),
        })
    }
}

/// A few interesting parts of the inner `<MsgrConfig>` document.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MsgrConfig {
    /// `Simple/Config/ExpiresInDays`.
    pub expires_in_days: Option<u32>,
    /// `Simple/TrustedDomains/domain/@name`.
    pub trusted_domains: Vec<String>,
    /// `AbchCfg/abchconfig/url` (ABCH URL override).
    pub abch_url: Option<String>,
}

impl MsgrConfig {
    /// Parses a bare `<MsgrConfig>` document (the CDATA content, or the HTTP GET answer).
    pub fn from_xml(input: &[u8], limits: &XmlLimits) -> Result<Self, SoapError> {
        let root = parse_document(input, limits)?;
        if root.name != "MsgrConfig" {
            return Err(SoapError::UnexpectedElement {
                expected: "MsgrConfig",
                found: crate::error::clip(&root.name),
            });
        }
        Ok(Self {
            expires_in_days: match root.path(&["Simple", "Config"]) {
                Some(c) => crate::xml::opt_num(
                    c,
                    "ExpiresInDays",
                    "MsgrConfig/Simple/Config/ExpiresInDays",
                )?,
                None => None,
            },
            trusted_domains: root
                .path(&["Simple", "TrustedDomains"])
                .map(|t| {
                    t.children_named("domain")
                        .filter_map(|d| d.attr("name").map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
            abch_url: root
                .path(&["AbchCfg", "abchconfig", "url"])
                .map(|u| u.trimmed().to_owned()),
        })
    }
}

/// `GetClientConfigResponse`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GetClientConfigResponse {
    /// The inner `<MsgrConfig>` document text, verbatim.
    pub document: String,
    /// Its parsed highlights (`None` when the inner text is not a `MsgrConfig` document).
    pub config: Option<MsgrConfig>,
}

impl GetClientConfigResponse {
    /// Parses the SOAP response; the inner document is parsed with the same limits.
    pub fn from_xml(input: &[u8], limits: &XmlLimits) -> Result<Self, SoapError> {
        let env = Envelope::parse(input, limits)?;
        let op = env.expect("GetClientConfigResponse")?;
        let document = op
            .child("GetClientConfigResult")
            .ok_or(SoapError::Missing(
                "GetClientConfigResponse/GetClientConfigResult",
            ))?
            .trimmed()
            .to_owned();
        let config = MsgrConfig::from_xml(document.as_bytes(), limits).ok();
        Ok(Self { document, config })
    }

    /// Builds the response (the document goes into a CDATA section).
    pub fn to_xml(&self) -> Vec<u8> {
        let mut w = XmlOut::new();
        start_envelope(&mut w, SoapVersion::Soap11, &[]);
        w.start("soap:Body", &[]);
        w.start("GetClientConfigResponse", &[("xmlns", ns::MSGR_CONFIG)]);
        // Escaped text is equivalent to CDATA for any reader and cannot be broken by `]]>`.
        w.leaf("GetClientConfigResult", &self.document);
        w.end("GetClientConfigResponse");
        w.end("soap:Body");
        w.end("soap:Envelope");
        w.finish()
    }
}
