//! The Passport 1.4 state machine.

use msnp_auth::{AuthError, Passport14Config, Passport14Event, Passport14Login, TwnChallenge};

const CHALLENGE: &str = "lc=1033,id=507,tw=40,fs=1,ru=http%3A%2F%2Fmessenger%2Emsn%2Ecom,ct=1062764229,kpp=1,kv=5,ver=2.1.0173.1,tpf=43f8a4c8ed940c04e3740be46c4d1619";

fn flow(config: Passport14Config) -> Passport14Login {
    let c = TwnChallenge::parse(CHALLENGE).expect("valid challenge");
    Passport14Login::new("example@passport.com", "p@ss,word", &c, config).expect("valid inputs")
}

fn auth_header(req: &msnp_auth::HttpRequest) -> &str {
    req.headers
        .iter()
        .find(|(k, _)| *k == "Authorization")
        .map(|(_, v)| v.as_str())
        .expect("login request carries Authorization")
}

#[test]
fn nexus_login_redirect_success() {
    let mut f = flow(Passport14Config::default());
    let nexus = f.next_request().expect("first request");
    assert_eq!(nexus.url, msnp_auth::passport14::NEXUS_URL);
    assert!(
        nexus.headers.is_empty(),
        "nexus request carries no credentials"
    );

    let ev = f
        .handle_response(
            200,
            &[(
                "PassportURLs",
                "DARealm=Passport.Net,DALogin=login.passport.com/login2.srf",
            )],
        )
        .expect("nexus ok");
    let Passport14Event::Request(login) = ev else {
        panic!("expected a request, got {ev:?}")
    };
    assert_eq!(login.url, "https://login.passport.com/login2.srf");
    let first_auth = auth_header(&login).to_owned();
    assert!(first_auth.starts_with("Passport1.4 OrgVerb=GET,OrgURL=http%3A%2F%2Fmessenger%2Emsn%2Ecom,sign-in=example%40passport.com,pwd=p%40ss%2Cword,lc=1033"));
    assert!(
        !format!("{login:?}").contains("p%40ss"),
        "Debug must redact the password"
    );
    assert!(
        !format!("{f:?}").contains("p%40ss"),
        "Debug must redact the password"
    );

    let ev = f
        .handle_response(
            302,
            &[
                ("Authentication-Info", "Passport1.4 da-status=redir"),
                ("Location", "https://loginnet.passport.com/login2.srf"),
            ],
        )
        .expect("redirect ok");
    let Passport14Event::Request(again) = ev else {
        panic!("expected a request, got {ev:?}")
    };
    assert_eq!(again.url, "https://loginnet.passport.com/login2.srf");
    assert_eq!(
        auth_header(&again),
        first_auth,
        "the same Authorization is resent"
    );
    assert_eq!(f.redirects(), 1);

    let ev = f
        .handle_response(200, &[("Authentication-Info", "Passport1.4 da-status=success,tname=MSPAuth,tname=MSPProf,tname=MSPSec,from-PP='t=53*1hAu8ADuD3TEwdXoOMi08sD*2!cMrntTwVMTjoB3p6stWTqzbkKZPVQzA5NOt19SLI60PY!b8K4YhC!Ooo5ug$$&p=5eKBBC!yBH6ex5mftp!a9DrSb0B3hU8aqAWpaPn07iCGBw5akemiWSd7t2ot!okPvIR!Wqk!MKvi1IMpxfhkao9wpxlMWYAZ!DqRfACmyQGG112Bp9xrk04!BVBUa9*H9mJLoWw39m63YQRE1yHnYNv08nyz43D3OnMcaCoeSaEHVM7LpR*LWDme29qq2X3j8N',ru=http://messenger.msn.com")])
        .expect("success");
    let Passport14Event::Ticket(t) = ev else {
        panic!("expected ticket, got {ev:?}")
    };
    assert!(t.starts_with("t=53*1hAu8") && t.ends_with("j8N"));
    assert!(f.is_finished());
    assert!(f.next_request().is_none());
    assert_eq!(f.handle_response(200, &[]), Err(AuthError::FlowFinished));
}

#[test]
fn skip_nexus_and_fail() {
    let mut f = flow(Passport14Config {
        nexus_url: None,
        ..Passport14Config::default()
    });
    let req = f.next_request().expect("login first");
    assert_eq!(req.url, msnp_auth::passport14::DEFAULT_LOGIN_URL);
    let ev = f
        .handle_response(401, &[("WWW-Authenticate", "Passport1.4 da-status=failed,srealm=Passport.NET,ts=-3,prompt,cburl=http://host.com,cbtxt=Bad%20password")])
        .expect("failure is an event");
    let Passport14Event::Failed(fail) = ev else {
        panic!("expected failure, got {ev:?}")
    };
    assert_eq!(fail.message.as_deref(), Some("Bad password"));
    assert_eq!(fail.ts.as_deref(), Some("-3"));
    assert_eq!(fail.realm.as_deref(), Some("Passport.NET"));
    assert!(f.is_finished());
}

#[test]
fn redirect_limit() {
    let mut f = flow(Passport14Config {
        nexus_url: None,
        max_redirects: 2,
        ..Passport14Config::default()
    });
    let redir = [
        ("Authentication-Info", "Passport1.4 da-status=redir"),
        ("Location", "https://x.example/login2.srf"),
    ];
    assert!(matches!(
        f.handle_response(302, &redir),
        Ok(Passport14Event::Request(_))
    ));
    assert!(matches!(
        f.handle_response(302, &redir),
        Ok(Passport14Event::Request(_))
    ));
    assert_eq!(
        f.handle_response(302, &redir),
        Err(AuthError::TooManyRedirects { limit: 2 })
    );
    assert!(f.is_finished(), "an error ends the flow");
}

#[test]
fn nexus_errors_end_the_flow() {
    let mut f = flow(Passport14Config::default());
    assert_eq!(
        f.handle_response(503, &[]),
        Err(AuthError::UnexpectedResponse { status: 503 })
    );
    assert!(f.is_finished());
    let mut f = flow(Passport14Config::default());
    assert!(matches!(
        f.handle_response(200, &[("PassportURLs", "DARealm=x")]),
        Err(AuthError::Missing {
            name: "DALogin",
            ..
        })
    ));
}
