//! What an HTTP layer needs to send any request built by this crate.

use crate::abch::AbRequest;
use crate::config::GetClientConfig;
use crate::oim::{RsiRequest, StoreRequest};
use crate::passport::RstRequest;

/// A request envelope together with its HTTP metadata.
///
/// ```
/// use msnp_soap::SoapRequest;
/// use msnp_soap::abch::{AbFindAll, AbHeader, AbRequest, AbRequestBody};
/// let req = AbRequest { header: AbHeader::new("Initial", None), body: AbRequestBody::FindAll(AbFindAll::full()) };
/// assert_eq!(req.http_path(), "/abservice/abservice.asmx");
/// assert_eq!(req.soap_action_header().as_deref(), Some("\"http://www.msn.com/webservices/AddressBook/ABFindAll\""));
/// assert_eq!(req.content_type(), "text/xml; charset=utf-8");
/// assert!(!req.envelope().is_empty());
/// ```
pub trait SoapRequest {
    /// HTTP path on the service host.
    fn http_path(&self) -> &'static str;
    /// The SOAPAction URI, `None` for Passport (which takes none).
    fn soap_action_uri(&self) -> Option<String>;
    /// The `Content-Type` header value.
    fn content_type(&self) -> &'static str {
        "text/xml; charset=utf-8"
    }
    /// The envelope bytes.
    fn envelope(&self) -> Vec<u8>;
    /// The `SOAPAction` header value: the URI in double quotes.
    fn soap_action_header(&self) -> Option<String> {
        self.soap_action_uri().map(|a| format!("\"{a}\""))
    }
}

impl SoapRequest for RstRequest {
    fn http_path(&self) -> &'static str {
        self.path()
    }
    fn soap_action_uri(&self) -> Option<String> {
        None
    }
    fn content_type(&self) -> &'static str {
        Self::content_type(self)
    }
    fn envelope(&self) -> Vec<u8> {
        self.to_xml()
    }
}

impl SoapRequest for AbRequest {
    fn http_path(&self) -> &'static str {
        self.path()
    }
    fn soap_action_uri(&self) -> Option<String> {
        Some(self.soap_action())
    }
    fn envelope(&self) -> Vec<u8> {
        self.to_xml()
    }
}

impl SoapRequest for RsiRequest {
    fn http_path(&self) -> &'static str {
        crate::oim::RSI_PATH
    }
    fn soap_action_uri(&self) -> Option<String> {
        Some(self.soap_action())
    }
    fn envelope(&self) -> Vec<u8> {
        self.to_xml()
    }
}

impl SoapRequest for StoreRequest {
    fn http_path(&self) -> &'static str {
        crate::oim::OIM_PATH
    }
    fn soap_action_uri(&self) -> Option<String> {
        Some(self.action.soap_action().to_owned())
    }
    fn envelope(&self) -> Vec<u8> {
        self.to_xml()
    }
}

impl SoapRequest for GetClientConfig {
    fn http_path(&self) -> &'static str {
        "/Config/MsgrConfig.asmx"
    }
    fn soap_action_uri(&self) -> Option<String> {
        Some(crate::config::SOAP_ACTION.to_owned())
    }
    fn envelope(&self) -> Vec<u8> {
        self.to_xml()
    }
}
