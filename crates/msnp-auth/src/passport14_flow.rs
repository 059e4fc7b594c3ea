//! The sans-IO Passport 1.4 flow: optional nexus → login → redirects → ticket.
//!
//! The caller performs each [`HttpRequest`] the flow asks for and feeds back the
//! status code and headers; the flow never touches the network.

use core::fmt;

use crate::error::{AuthError, Field};
use crate::limits::Limits;
use crate::passport14::{
    DEFAULT_LOGIN_URL, LoginFailure, LoginOutcome, NEXUS_URL, PassportUrls,
    parse_login_response_with, passport14_authorization_with,
};
use crate::twn::TwnChallenge;

/// An HTTPS request the caller must perform.
///
/// `Debug` redacts the `Authorization` header (it contains the password).
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// HTTP method (always `GET` here).
    pub method: &'static str,
    /// Absolute URL.
    pub url: String,
    /// Headers to send besides `Host` (derive it from the URL).
    pub headers: Vec<(&'static str, String)>,
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| {
                if k.eq_ignore_ascii_case("Authorization") {
                    (*k, "<redacted>")
                } else {
                    (*k, v.as_str())
                }
            })
            .collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .finish()
    }
}

/// Options of a [`Passport14Login`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passport14Config {
    /// Ask the nexus for the login URL first (`Some(url)`), or go straight to
    /// `login_url` (`None`). Default: `Some(NEXUS_URL)`.
    pub nexus_url: Option<String>,
    /// Login URL used when the nexus is skipped. Default: [`DEFAULT_LOGIN_URL`].
    pub login_url: String,
    /// Decoded `OrgURL`; `None` = [`DEFAULT_ORG_URL`](crate::passport14::DEFAULT_ORG_URL).
    pub org_url: Option<String>,
    /// Most redirects followed before failing. Default 5.
    pub max_redirects: u8,
    /// Input limits.
    pub limits: Limits,
}

impl Default for Passport14Config {
    fn default() -> Self {
        Self {
            nexus_url: Some(NEXUS_URL.to_owned()),
            login_url: DEFAULT_LOGIN_URL.to_owned(),
            org_url: None,
            max_redirects: 5,
            limits: Limits::DEFAULT,
        }
    }
}

/// What happened after a response was fed in.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Passport14Event {
    /// Perform this request next and feed its response back.
    Request(HttpRequest),
    /// Logged in: send `USR trid TWN S <ticket>`.
    Ticket(String),
    /// The credentials were rejected.
    Failed(LoginFailure),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Nexus,
    Login,
    Done,
}

/// The Passport 1.4 login flow as a state machine.
///
/// ```
/// use msnp_auth::{Passport14Config, Passport14Event, Passport14Login, TwnChallenge};
/// let challenge = TwnChallenge::parse("lc=1033,id=507").unwrap();
/// let mut flow = Passport14Login::new("bob@example.com", "pw", &challenge,
///     Passport14Config::default()).unwrap();
/// assert_eq!(flow.next_request().unwrap().url, "https://nexus.passport.com/rdr/pprdr.asp");
/// let ev = flow.handle_response(200, &[("PassportURLs", "DALogin=login.example.com/login2.srf")]).unwrap();
/// let Passport14Event::Request(req) = ev else { panic!() };
/// assert_eq!(req.url, "https://login.example.com/login2.srf");
/// let ev = flow.handle_response(200, &[("Authentication-Info",
///     "Passport1.4 da-status=success,from-PP='t=1&p=2'")]).unwrap();
/// assert_eq!(ev, Passport14Event::Ticket("t=1&p=2".into()));
/// assert!(flow.is_finished());
/// ```
#[derive(Clone)]
pub struct Passport14Login {
    authorization: String,
    config: Passport14Config,
    stage: Stage,
    url: String,
    redirects: u8,
}

impl fmt::Debug for Passport14Login {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Passport14Login")
            .field("authorization", &"<redacted>")
            .field("config", &self.config)
            .field("stage", &self.stage)
            .field("url", &self.url)
            .field("redirects", &self.redirects)
            .finish()
    }
}

impl Passport14Login {
    /// Starts a flow; the `Authorization` header is built (and validated) now.
    ///
    /// # Errors
    /// As [`passport14_authorization`](crate::passport14_authorization).
    pub fn new(
        handle: &str,
        password: &str,
        challenge: &TwnChallenge<'_>,
        config: Passport14Config,
    ) -> Result<Self, AuthError> {
        let authorization = passport14_authorization_with(
            handle,
            password,
            challenge,
            config.org_url.as_deref(),
            &config.limits,
        )?;
        let (stage, url) = match &config.nexus_url {
            Some(n) => (Stage::Nexus, n.clone()),
            None => (Stage::Login, config.login_url.clone()),
        };
        Ok(Self {
            authorization,
            config,
            stage,
            url,
            redirects: 0,
        })
    }

    /// The request to perform now, or `None` once finished.
    #[must_use]
    pub fn next_request(&self) -> Option<HttpRequest> {
        match self.stage {
            Stage::Nexus => Some(HttpRequest {
                method: "GET",
                url: self.url.clone(),
                headers: Vec::new(),
            }),
            Stage::Login => Some(HttpRequest {
                method: "GET",
                url: self.url.clone(),
                headers: vec![
                    ("Authorization", self.authorization.clone()),
                    ("User-Agent", "MSMSGS".to_owned()),
                    ("Connection", "Keep-Alive".to_owned()),
                    ("Cache-Control", "no-cache".to_owned()),
                ],
            }),
            Stage::Done => None,
        }
    }

    /// Whether the flow has produced a ticket, a failure or an error.
    #[must_use]
    pub fn is_finished(&self) -> bool {
        self.stage == Stage::Done
    }

    /// How many redirects were followed so far.
    #[must_use]
    pub const fn redirects(&self) -> u8 {
        self.redirects
    }

    /// Feeds the response to the last [`next_request`](Self::next_request).
    ///
    /// Any error finishes the flow.
    ///
    /// # Errors
    /// [`AuthError::FlowFinished`] when called after the end; the nexus errors of
    /// [`PassportUrls`]; the errors of
    /// [`parse_login_response`](crate::parse_login_response);
    /// [`AuthError::TooManyRedirects`].
    pub fn handle_response(
        &mut self,
        status: u16,
        headers: &[(&str, &str)],
    ) -> Result<Passport14Event, AuthError> {
        let result = self.step(status, headers);
        if !matches!(result, Ok(Passport14Event::Request(_))) {
            self.stage = Stage::Done;
        }
        result
    }

    fn step(
        &mut self,
        status: u16,
        headers: &[(&str, &str)],
    ) -> Result<Passport14Event, AuthError> {
        match self.stage {
            Stage::Done => Err(AuthError::FlowFinished),
            Stage::Nexus => {
                if !(200..300).contains(&status) {
                    return Err(AuthError::UnexpectedResponse { status });
                }
                let urls = PassportUrls::from_headers(headers)?;
                self.url = urls.login_url()?;
                self.stage = Stage::Login;
                self.request_event()
            }
            Stage::Login => {
                match parse_login_response_with(status, headers, &self.config.limits)? {
                    LoginOutcome::Success { ticket } => Ok(Passport14Event::Ticket(ticket)),
                    LoginOutcome::Failed(f) => Ok(Passport14Event::Failed(f)),
                    LoginOutcome::Redirect { location } => {
                        if self.redirects >= self.config.max_redirects {
                            return Err(AuthError::TooManyRedirects {
                                limit: self.config.max_redirects,
                            });
                        }
                        self.redirects += 1;
                        self.url = location;
                        self.request_event()
                    }
                }
            }
        }
    }

    fn request_event(&self) -> Result<Passport14Event, AuthError> {
        self.next_request()
            .map(Passport14Event::Request)
            .ok_or(AuthError::Missing {
                what: Field::Location,
                name: "request",
            })
    }
}
