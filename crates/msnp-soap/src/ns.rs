//! Namespace URIs used by the services.

/// SOAP 1.1 envelope.
pub const SOAP11: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// SOAP 1.2 envelope.
pub const SOAP12: &str = "http://www.w3.org/2003/05/soap-envelope";
/// XML Schema instance (`xsi:type`).
pub const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
/// XML Schema.
pub const XSD: &str = "http://www.w3.org/2001/XMLSchema";
/// ABCH address book and sharing service.
pub const AB: &str = "http://www.msn.com/webservices/AddressBook";
/// Passport client runtime (`ps:`).
pub const PPCRL: &str = "http://schemas.microsoft.com/Passport/SoapServices/PPCRL";
/// Passport SOAP fault extension (`psf:`).
pub const PSF: &str = "http://schemas.microsoft.com/Passport/SoapServices/SOAPFault";
/// WS-Security 2003/06 (RST).
pub const WSSE_2003: &str = "http://schemas.xmlsoap.org/ws/2003/06/secext";
/// WS-Security 1.0 (RST2).
pub const WSSE_2004: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
/// WS-Security utility.
pub const WSU: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
/// SAML 1.0 assertion.
pub const SAML: &str = "urn:oasis:names:tc:SAML:1.0:assertion";
/// WS-Policy 2002/12 (RST).
pub const WSP_2002: &str = "http://schemas.xmlsoap.org/ws/2002/12/policy";
/// WS-Policy 2004/09 (RST2).
pub const WSP_2004: &str = "http://schemas.xmlsoap.org/ws/2004/09/policy";
/// WS-Addressing 2004/03 (RST).
pub const WSA_2004: &str = "http://schemas.xmlsoap.org/ws/2004/03/addressing";
/// WS-Addressing 2005/08 (RST2).
pub const WSA_2005: &str = "http://www.w3.org/2005/08/addressing";
/// WS-SecureConversation 2004/04.
pub const WSSC: &str = "http://schemas.xmlsoap.org/ws/2004/04/sc";
/// WS-Trust 2004/04 (RST).
pub const WST_2004: &str = "http://schemas.xmlsoap.org/ws/2004/04/trust";
/// WS-Trust 2005/02 (RST2).
pub const WST_2005: &str = "http://schemas.xmlsoap.org/ws/2005/02/trust";
/// OIM retrieval service (RSI).
pub const RSI: &str = "http://www.hotmail.msn.com/ws/2004/09/oim/rsi";
/// OIM store service (header and body elements for both Store and Store2).
pub const OIM: &str = "http://messenger.msn.com/ws/2004/09/oim/";
/// WS-ReliableMessaging 2003/03 (OIM `Sequence`).
pub const RM: &str = "http://schemas.xmlsoap.org/ws/2003/03/rm";
/// WS utility 2002/07 (OIM `Identifier`).
pub const UTILITY_2002: &str = "http://schemas.xmlsoap.org/ws/2002/07/utility";
/// Messenger client config service.
pub const MSGR_CONFIG: &str = "http://www.msn.com/webservices/Messenger/Client";
