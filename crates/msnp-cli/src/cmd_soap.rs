//! `msnp soap`: build SOAP request envelopes and parse responses to JSON.
//!
//! * `msnp soap build KIND [options]` prints a request envelope on stdout
//!   (`--http` first prints the request line and `SOAPAction` header).
//!   The library never reads the clock: `rst2` needs `--now RFC3339` and
//!   `--message-id`. `msnp soap build json` reads the JSON that `parse`
//!   prints (`{"kind": …, "value": …}`, edited or hand-written) on stdin and
//!   builds that request, response or fault envelope (for servers and tests).
//! * `msnp soap parse [KIND]` reads an envelope on stdin and prints
//!   `{"kind": …, "value": …}` as JSON. Without KIND the kind is detected from
//!   the body's first element (requests are recognised too, for servers).
//!   A SOAP fault prints `{"kind": "fault", "fault_kind": …, "value": …}` and
//!   exits with status 1; unreadable input exits with status 2.

use std::io::{Read, Write};
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use clap::{Subcommand, ValueEnum};
use msnp_soap::abch::{
    AbAdd, AbContactAdd, AbContactDelete, AbContactUpdate, AbFindAll, AbFindContactsPaged,
    AbGroupAdd, AbGroupContactAdd, AbGroupContactDelete, AbGroupDelete, AbHeader, AbOperation,
    AbRequest, AbRequestBody, AbResponse, Contact, ContactEmail, ContactInfo, ContactType,
    DEFAULT_AB_ID, FindMembership, GroupInfo, Member, MemberChange, MemberRole, Membership,
    ServiceHandle,
};
use msnp_soap::config::{GetClientConfig, GetClientConfigResponse};
use msnp_soap::oim::{RsiBody, RsiRequest, RsiResponse, StoreAction, StoreRequest, StoreResponse};
use msnp_soap::passport::{RstRequest, RstResponse, TokenRequest};
use msnp_soap::{DEFAULT_LIMITS, SoapDateTime, SoapError, XmlLimits};
use serde::Serialize;

/// Arguments of `msnp soap`.
#[derive(Debug, clap::Args)]
pub struct SoapArgs {
    #[command(subcommand)]
    command: SoapCommand,
}

#[derive(Debug, Subcommand)]
enum SoapCommand {
    /// Build a request envelope and print it on stdout.
    Build(Box<BuildArgs>),
    /// Parse an envelope from stdin and print it as JSON (fault: exit 1).
    Parse(ParseArgs),
}

/// Request kinds `msnp soap build` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum BuildKind {
    /// Passport RST.srf (SOAP 1.1).
    Rst,
    /// Passport RST2.srf (SOAP 1.2; needs --now and --message-id).
    Rst2,
    /// ABCH ABFindAll (MSNP13–15).
    Abfindall,
    /// ABCH ABFindContactsPaged (MSNP16/18).
    Abfindcontactspaged,
    /// ABCH ABContactAdd (--contact, optional --invite, --yahoo).
    Abcontactadd,
    /// ABCH ABContactDelete (--contact-id …).
    Abcontactdelete,
    /// ABCH ABContactUpdate: own display name (--name) or a contact's nickname (--contact-id, --nickname).
    Abcontactupdate,
    /// ABCH ABGroupAdd (--name).
    Abgroupadd,
    /// ABCH ABGroupDelete (--group-id).
    Abgroupdelete,
    /// ABCH ABGroupContactAdd (--group-id, --contact-id).
    Abgroupcontactadd,
    /// ABCH ABGroupContactDelete (--group-id, --contact-id).
    Abgroupcontactdelete,
    /// ABCH ABAdd (--user = owner email).
    Abadd,
    /// Sharing FindMembership.
    Findmembership,
    /// Sharing AddMember (--role, --contact or --membership-id).
    Addmember,
    /// Sharing DeleteMember (--role, --contact or --membership-id).
    Deletemember,
    /// OIM RSI GetMetadata (--ticket = messenger.msn.com token).
    RsiGetmetadata,
    /// OIM RSI GetMessage (--ticket, --oim-id).
    RsiGetmessage,
    /// OIM RSI DeleteMessages (--ticket, --oim-id …).
    RsiDeletemessages,
    /// OIM Store2 (--user, --to, --ticket, --app-id, --run-id, --text).
    OimStore,
    /// Messenger Config GetClientConfig.
    Getclientconfig,
    /// Read `{"kind": …, "value": …}` JSON (the shape `parse` prints) on stdin
    /// and build that request or response envelope (faults too).
    Json,
}

#[derive(Debug, clap::Args)]
struct BuildArgs {
    /// What to build.
    kind: BuildKind,
    /// Print `POST <path>` and the `SOAPAction` header before the envelope.
    #[arg(long)]
    http: bool,
    /// Account name (Passport user, ABAdd owner, OIM sender).
    #[arg(long)]
    user: Option<String>,
    /// Passport password.
    #[arg(long)]
    password: Option<String>,
    /// Policy of messengerclear.live.com (from `USR SSO S <policy>`).
    #[arg(long, default_value = "MBI_KEY_OLD")]
    policy: String,
    /// Token to request as ADDRESS=POLICY (repeatable; replaces the MSNP15 default set).
    #[arg(long = "service", value_name = "ADDRESS=POLICY")]
    services: Vec<String>,
    /// Current time (RFC 3339), needed by rst2.
    #[arg(long)]
    now: Option<String>,
    /// wsa:MessageID for rst2.
    #[arg(long)]
    message_id: Option<String>,
    /// Ticket: ABCH TicketToken, RSI/OIM token (`t=…&p=…`). Omit for MSNP13/14 ABCH.
    #[arg(long)]
    ticket: Option<String>,
    /// ABCH PartnerScenario (default depends on the operation).
    #[arg(long)]
    scenario: Option<String>,
    /// ABCH CacheKey to echo.
    #[arg(long)]
    cache_key: Option<String>,
    /// ABCH ApplicationId.
    #[arg(long)]
    application_id: Option<String>,
    /// Fetch deltas since this xs:dateTime (abfindall, abfindcontactspaged, findmembership).
    #[arg(long)]
    deltas_since: Option<String>,
    /// Contact account (passport or email).
    #[arg(long)]
    contact: Option<String>,
    /// Add the contact as a Yahoo (Messenger2, network 32) email contact / member.
    #[arg(long)]
    yahoo: bool,
    /// Contact id GUID (repeatable).
    #[arg(long = "contact-id")]
    contact_ids: Vec<String>,
    /// Group id GUID (repeatable).
    #[arg(long = "group-id")]
    group_ids: Vec<String>,
    /// Group name, or own display name for abcontactupdate.
    #[arg(long)]
    name: Option<String>,
    /// Private nickname (AB.NickName) for abcontactupdate with --contact-id.
    #[arg(long)]
    nickname: Option<String>,
    /// Invitation message for abcontactadd.
    #[arg(long)]
    invite: Option<String>,
    /// Sharing role: Allow, Block, Reverse, Pending.
    #[arg(long, default_value = "Allow")]
    role: String,
    /// MembershipId for deletemember.
    #[arg(long)]
    membership_id: Option<String>,
    /// OIM message id (repeatable for rsi-deletemessages).
    #[arg(long = "oim-id")]
    oim_ids: Vec<String>,
    /// Mark as read on rsi-getmessage.
    #[arg(long)]
    mark_read: bool,
    /// OIM recipient.
    #[arg(long)]
    to: Option<String>,
    /// OIM text.
    #[arg(long)]
    text: Option<String>,
    /// OIM sender friendly name.
    #[arg(long, default_value = "")]
    friendly_name: String,
    /// OIM X-OIM-Run-Id GUID (braced).
    #[arg(long)]
    run_id: Option<String>,
    /// OIM sequence number.
    #[arg(long, default_value_t = 1)]
    sequence: u32,
    /// OIM Ticket/@appid (QRY product id).
    #[arg(long, default_value = "PROD0119GSJUC$18")]
    app_id: String,
    /// OIM Ticket/@lockkey.
    #[arg(long, default_value = "")]
    lock_key: String,
    /// GetClientConfig Country.
    #[arg(long, default_value = "US")]
    country: String,
    /// GetClientConfig CLCID/PLCID (4 hex digits).
    #[arg(long, default_value = "0409")]
    lcid: String,
    /// GetClientConfig GeoID.
    #[arg(long, default_value_t = 244)]
    geo_id: u32,
}

/// Kinds `msnp soap parse` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ParseKind {
    /// Passport response.
    Rst,
    /// Passport request (server side).
    RstRequest,
    /// Any AddressBook / Sharing response.
    Ab,
    /// Any AddressBook / Sharing request (server side).
    AbRequest,
    /// ABFindAll response.
    Abfindall,
    /// ABFindContactsPaged response.
    Abfindcontactspaged,
    /// FindMembership response.
    Findmembership,
    /// OIM RSI response.
    Rsi,
    /// OIM RSI request (server side).
    RsiRequest,
    /// OIM Store request (server side; parsed as Store2).
    OimStoreRequest,
    /// GetClientConfig request (server side).
    ConfigRequest,
    /// OIM Store response.
    OimStore,
    /// GetClientConfig response.
    Config,
    /// A fault envelope.
    Fault,
}

#[derive(Debug, clap::Args)]
struct ParseArgs {
    /// What the input is; detected from the body element when omitted.
    kind: Option<ParseKind>,
    /// Maximum input size in bytes.
    #[arg(long, default_value_t = DEFAULT_LIMITS.max_size)]
    max_size: usize,
    /// Maximum XML nesting depth.
    #[arg(long, default_value_t = DEFAULT_LIMITS.max_depth)]
    max_depth: usize,
    /// Print compact JSON (one line).
    #[arg(long)]
    compact: bool,
}

/// Runs `msnp soap`.
pub fn run(args: SoapArgs) -> ExitCode {
    match args.command {
        SoapCommand::Build(b) => match build(&b) {
            Ok(out) => {
                let mut stdout = std::io::stdout().lock();
                if stdout
                    .write_all(&out)
                    .and_then(|()| stdout.write_all(b"\n"))
                    .is_err()
                {
                    return ExitCode::from(2);
                }
                ExitCode::SUCCESS
            }
            Err(msg) => {
                eprintln!("msnp soap build: {msg}");
                ExitCode::from(2)
            }
        },
        SoapCommand::Parse(p) => parse(&p),
    }
}

fn need<'a>(v: &'a Option<String>, flag: &str) -> Result<&'a str, String> {
    v.as_deref()
        .ok_or_else(|| format!("--{flag} is required for this kind"))
}

fn time(s: &str, flag: &str) -> Result<SoapDateTime, String> {
    SoapDateTime::parse(s).map_err(|e| format!("--{flag}: {e}"))
}

fn role(s: &str) -> Result<MemberRole, String> {
    match MemberRole::from(s) {
        MemberRole::Other(o) => Err(format!(
            "--role: unknown role {o:?} (Allow, Block, Reverse, Pending)"
        )),
        r => Ok(r),
    }
}

fn tokens(b: &BuildArgs) -> Result<Vec<TokenRequest>, String> {
    if b.services.is_empty() {
        return Ok(TokenRequest::sso_set(&b.policy));
    }
    b.services
        .iter()
        .map(|s| match s.split_once('=') {
            Some((a, p)) if !a.is_empty() => Ok(TokenRequest::new(a, p)),
            _ => Err(format!("--service {s:?}: expected ADDRESS=POLICY")),
        })
        .collect()
}

fn ab_header(b: &BuildArgs, default_scenario: &str) -> AbHeader {
    let mut h = AbHeader::new(
        b.scenario.as_deref().unwrap_or(default_scenario),
        b.ticket.clone(),
    );
    h.cache_key.clone_from(&b.cache_key);
    if let Some(id) = &b.application_id {
        h.application_id.clone_from(id);
    }
    h
}

fn members(b: &BuildArgs) -> Result<MemberChange, String> {
    let role = role(&b.role)?;
    let member = match (&b.contact, &b.membership_id) {
        (_, Some(id)) => Member {
            membership_id: Some(id.clone()),
            account: None,
            state: None,
            ..Member::passport("")
        },
        (Some(c), None) if b.yahoo => Member::email(c.clone(), 32),
        (Some(c), None) => Member::passport(c.clone()),
        (None, None) => return Err("--contact or --membership-id is required".into()),
    };
    Ok(MemberChange {
        service: ServiceHandle::messenger(),
        memberships: vec![Membership {
            role,
            members: vec![member],
            is_complete: None,
        }],
    })
}

fn http_prefix(path: &str, action: Option<&str>) -> Vec<u8> {
    let mut s = format!("POST {path}\n");
    if let Some(a) = action {
        s.push_str(&format!("SOAPAction: \"{a}\"\n"));
    }
    s.push('\n');
    s.into_bytes()
}

fn from_json(
    kind: &str,
    value: serde_json::Value,
) -> Result<(&'static str, Option<String>, Vec<u8>), String> {
    fn de<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> Result<T, String> {
        serde_json::from_value(v).map_err(|e| format!("JSON value: {e}"))
    }
    Ok(match kind {
        "rst-request" => {
            let r: RstRequest = de(value)?;
            (r.path(), None, r.to_xml())
        }
        "rst" => ("/RST.srf", None, de::<RstResponse>(value)?.to_xml()),
        "ab-request" => {
            let r: AbRequest = de(value)?;
            (r.path(), Some(r.soap_action()), r.to_xml())
        }
        "ab" => {
            let r: AbResponse = de(value)?;
            (r.body.operation().path(), None, r.to_xml())
        }
        "rsi-request" => {
            let r: RsiRequest = de(value)?;
            (msnp_soap::oim::RSI_PATH, Some(r.soap_action()), r.to_xml())
        }
        "rsi" => (
            msnp_soap::oim::RSI_PATH,
            None,
            de::<RsiResponse>(value)?.to_xml(),
        ),
        "oim-store-request" => {
            let r: StoreRequest = de(value)?;
            (
                msnp_soap::oim::OIM_PATH,
                Some(r.action.soap_action().to_owned()),
                r.to_xml(),
            )
        }
        "oim-store" => (
            msnp_soap::oim::OIM_PATH,
            None,
            de::<StoreResponse>(value)?.to_xml(StoreAction::Store2),
        ),
        "config-request" => {
            let r: GetClientConfig = de(value)?;
            (
                "/Config/MsgrConfig.asmx",
                Some(msnp_soap::config::SOAP_ACTION.to_owned()),
                r.to_xml(),
            )
        }
        "config" => (
            "/Config/MsgrConfig.asmx",
            None,
            de::<GetClientConfigResponse>(value)?.to_xml(),
        ),
        "fault" => (
            "/",
            None,
            msnp_soap::fault_envelope(&de::<msnp_soap::SoapFault>(value)?),
        ),
        other => return Err(format!("unknown kind {other:?} in JSON input")),
    })
}

fn build_json() -> Result<(&'static str, Option<String>, Vec<u8>), String> {
    let mut input = Vec::new();
    std::io::stdin()
        .lock()
        .take(u64::try_from(DEFAULT_LIMITS.max_size).unwrap_or(u64::MAX))
        .read_to_end(&mut input)
        .map_err(|e| format!("reading stdin: {e}"))?;
    let mut doc: serde_json::Value =
        serde_json::from_slice(&input).map_err(|e| format!("stdin is not JSON: {e}"))?;
    let kind = doc
        .get("kind")
        .and_then(serde_json::Value::as_str)
        .ok_or("JSON input needs a string \"kind\"")?
        .to_owned();
    let value = doc
        .get_mut("value")
        .map(serde_json::Value::take)
        .ok_or("JSON input needs a \"value\"")?;
    from_json(&kind, value)
}

fn build(b: &BuildArgs) -> Result<Vec<u8>, String> {
    let (path, action, xml): (&str, Option<String>, Vec<u8>) = match b.kind {
        BuildKind::Json => build_json()?,
        BuildKind::Rst | BuildKind::Rst2 => {
            let user = need(&b.user, "user")?;
            let pass = need(&b.password, "password")?;
            let req = if b.kind == BuildKind::Rst {
                RstRequest::rst(user, pass, tokens(b)?)
            } else {
                let now: DateTime<Utc> = DateTime::parse_from_rfc3339(need(&b.now, "now")?)
                    .map_err(|e| format!("--now: {e}"))?
                    .with_timezone(&Utc);
                RstRequest::rst2(
                    user,
                    pass,
                    tokens(b)?,
                    need(&b.message_id, "message-id")?,
                    now,
                )
            };
            (req.path(), None, req.to_xml())
        }
        BuildKind::RsiGetmetadata | BuildKind::RsiGetmessage | BuildKind::RsiDeletemessages => {
            let body = match b.kind {
                BuildKind::RsiGetmetadata => RsiBody::GetMetadata,
                BuildKind::RsiGetmessage => RsiBody::GetMessage {
                    message_id: b.oim_ids.first().cloned().ok_or("--oim-id is required")?,
                    also_mark_as_read: b.mark_read,
                },
                _ if b.oim_ids.is_empty() => return Err("--oim-id is required".into()),
                _ => RsiBody::DeleteMessages {
                    message_ids: b.oim_ids.clone(),
                },
            };
            let req = RsiRequest::from_ticket(need(&b.ticket, "ticket")?, body)
                .map_err(|e| format!("--ticket: {e}"))?;
            (
                msnp_soap::oim::RSI_PATH,
                Some(req.soap_action()),
                req.to_xml(),
            )
        }
        BuildKind::OimStore => {
            let run_id = need(&b.run_id, "run-id")?;
            let req = StoreRequest {
                action: StoreAction::Store2,
                from: need(&b.user, "user")?.to_owned(),
                friendly_name: b.friendly_name.clone(),
                lang: "en-US".into(),
                proxy: "MSNMSGR".into(),
                msnp_ver: "MSNP15".into(),
                build_ver: "8.5.1288".into(),
                to: need(&b.to, "to")?.to_owned(),
                ticket: need(&b.ticket, "ticket")?.to_owned(),
                app_id: b.app_id.clone(),
                lock_key: b.lock_key.clone(),
                sequence: b.sequence,
                message_type: "text".into(),
                content: StoreRequest::mime_content(run_id, b.sequence, need(&b.text, "text")?),
            };
            (
                msnp_soap::oim::OIM_PATH,
                Some(req.action.soap_action().to_owned()),
                req.to_xml(),
            )
        }
        BuildKind::Getclientconfig => {
            let req = GetClientConfig {
                country: b.country.clone(),
                clcid: b.lcid.clone(),
                plcid: b.lcid.clone(),
                geo_id: b.geo_id,
            };
            (
                "/Config/MsgrConfig.asmx",
                Some(msnp_soap::config::SOAP_ACTION.to_owned()),
                req.to_xml(),
            )
        }
        _ => {
            let req = ab_request(b)?;
            (req.path(), Some(req.soap_action()), req.to_xml())
        }
    };
    let mut out = if b.http {
        http_prefix(path, action.as_deref())
    } else {
        Vec::new()
    };
    out.extend_from_slice(&xml);
    Ok(out)
}

fn ab_request(b: &BuildArgs) -> Result<AbRequest, String> {
    let since = b
        .deltas_since
        .as_deref()
        .map(|s| time(s, "deltas-since"))
        .transpose()?;
    let (scenario, body) = match b.kind {
        BuildKind::Abfindall => (
            "Initial",
            AbRequestBody::FindAll(since.map_or_else(AbFindAll::full, AbFindAll::deltas)),
        ),
        BuildKind::Abfindcontactspaged => {
            let mut f = AbFindContactsPaged::initial();
            if let Some(s) = since {
                f.deltas_only = true;
                f.last_changed = Some(s);
            }
            ("Initial", AbRequestBody::FindContactsPaged(f))
        }
        BuildKind::Abcontactadd => {
            let c = need(&b.contact, "contact")?;
            let mut add = AbContactAdd::passport(
                c,
                b.invite
                    .clone()
                    .map(|m| (m, b.name.clone().unwrap_or_default())),
            );
            if b.yahoo {
                add.contacts = vec![Contact {
                    info: Some(ContactInfo {
                        contact_type: Some(ContactType::Regular),
                        is_messenger_user: Some(true),
                        emails: vec![ContactEmail::yahoo(c)],
                        ..ContactInfo::default()
                    }),
                    ..Contact::default()
                }];
            }
            ("ContactSave", AbRequestBody::ContactAdd(add))
        }
        BuildKind::Abcontactdelete => {
            if b.contact_ids.is_empty() {
                return Err("--contact-id is required".into());
            }
            (
                "Timer",
                AbRequestBody::ContactDelete(AbContactDelete {
                    ab_id: DEFAULT_AB_ID.into(),
                    contact_ids: b.contact_ids.clone(),
                }),
            )
        }
        BuildKind::Abcontactupdate => {
            let update = match (b.contact_ids.first(), &b.nickname) {
                (Some(id), Some(nick)) => AbContactUpdate::nickname(id.clone(), nick.clone()),
                (None, None) => AbContactUpdate::my_display_name(need(&b.name, "name")?),
                _ => return Err("use --contact-id with --nickname, or --name alone".into()),
            };
            ("ContactSave", AbRequestBody::ContactUpdate(update))
        }
        BuildKind::Abgroupadd => (
            "GroupSave",
            AbRequestBody::GroupAdd(AbGroupAdd {
                ab_id: DEFAULT_AB_ID.into(),
                rename_on_msgr_conflict: Some(false),
                group: GroupInfo::normal(need(&b.name, "name")?),
            }),
        ),
        BuildKind::Abgroupdelete => {
            if b.group_ids.is_empty() {
                return Err("--group-id is required".into());
            }
            (
                "Timer",
                AbRequestBody::GroupDelete(AbGroupDelete {
                    ab_id: DEFAULT_AB_ID.into(),
                    group_ids: b.group_ids.clone(),
                }),
            )
        }
        BuildKind::Abgroupcontactadd | BuildKind::Abgroupcontactdelete => {
            if b.group_ids.is_empty() || b.contact_ids.is_empty() {
                return Err("--group-id and --contact-id are required".into());
            }
            if b.kind == BuildKind::Abgroupcontactadd {
                (
                    "GroupSave",
                    AbRequestBody::GroupContactAdd(AbGroupContactAdd {
                        ab_id: DEFAULT_AB_ID.into(),
                        group_ids: b.group_ids.clone(),
                        contacts: b.contact_ids.iter().map(Contact::by_id).collect(),
                        generate_missing_quick_name: None,
                        enable_allow_list_management: None,
                    }),
                )
            } else {
                (
                    "GroupSave",
                    AbRequestBody::GroupContactDelete(AbGroupContactDelete {
                        ab_id: DEFAULT_AB_ID.into(),
                        contact_ids: b.contact_ids.clone(),
                        group_ids: b.group_ids.clone(),
                    }),
                )
            }
        }
        BuildKind::Abadd => (
            "Initial",
            AbRequestBody::Add(AbAdd {
                name: String::new(),
                owner_puid: 0,
                owner_email: need(&b.user, "user")?.to_owned(),
                default: true,
            }),
        ),
        BuildKind::Findmembership => (
            "Initial",
            AbRequestBody::FindMembership(
                since.map_or_else(FindMembership::full, FindMembership::deltas),
            ),
        ),
        BuildKind::Addmember => ("BlockUnblock", AbRequestBody::AddMember(members(b)?)),
        BuildKind::Deletemember => ("BlockUnblock", AbRequestBody::DeleteMember(members(b)?)),
        other => return Err(format!("{other:?} is not an address-book kind")),
    };
    Ok(AbRequest {
        header: ab_header(b, scenario),
        body,
    })
}

#[derive(Serialize)]
struct Output<'a, T: Serialize> {
    kind: &'a str,
    value: T,
}

#[derive(Serialize)]
struct FaultOutput<'a> {
    kind: &'static str,
    fault_kind: msnp_soap::FaultKind,
    redirect_url: Option<&'a str>,
    value: &'a msnp_soap::SoapFault,
}

fn parse(p: &ParseArgs) -> ExitCode {
    let limits = XmlLimits {
        max_size: p.max_size,
        max_depth: p.max_depth,
        ..DEFAULT_LIMITS
    };
    let mut input = Vec::new();
    // Read at most one byte past the limit so an oversized input is reported, not buffered.
    let cap = u64::try_from(limits.max_size)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    if let Err(e) = std::io::stdin().lock().take(cap).read_to_end(&mut input) {
        eprintln!("msnp soap parse: reading stdin: {e}");
        return ExitCode::from(2);
    }
    let kind = match p.kind {
        Some(k) => k,
        None => match detect(&input, &limits) {
            Ok(k) => k,
            Err(e) => return report(e, p.compact),
        },
    };
    let json = match kind {
        ParseKind::Rst => {
            RstResponse::from_xml(&input, &limits).map(|v| to_json("rst", &v, p.compact))
        }
        ParseKind::RstRequest => {
            RstRequest::from_xml(&input, &limits).map(|v| to_json("rst-request", &v, p.compact))
        }
        ParseKind::Ab => {
            AbResponse::from_xml(&input, &limits).map(|v| to_json("ab", &v, p.compact))
        }
        ParseKind::AbRequest => {
            AbRequest::from_xml(&input, &limits).map(|v| to_json("ab-request", &v, p.compact))
        }
        ParseKind::Abfindall => AbResponse::from_xml_for(&input, AbOperation::FindAll, &limits)
            .map(|v| to_json("ab", &v, p.compact)),
        ParseKind::Abfindcontactspaged => {
            AbResponse::from_xml_for(&input, AbOperation::FindContactsPaged, &limits)
                .map(|v| to_json("ab", &v, p.compact))
        }
        ParseKind::Findmembership => {
            AbResponse::from_xml_for(&input, AbOperation::FindMembership, &limits)
                .map(|v| to_json("ab", &v, p.compact))
        }
        ParseKind::Rsi => {
            RsiResponse::from_xml(&input, &limits).map(|v| to_json("rsi", &v, p.compact))
        }
        ParseKind::RsiRequest => {
            RsiRequest::from_xml(&input, &limits).map(|v| to_json("rsi-request", &v, p.compact))
        }
        ParseKind::OimStoreRequest => StoreRequest::from_xml(&input, StoreAction::Store2, &limits)
            .map(|v| to_json("oim-store-request", &v, p.compact)),
        ParseKind::ConfigRequest => GetClientConfig::from_xml(&input, &limits)
            .map(|v| to_json("config-request", &v, p.compact)),
        ParseKind::OimStore => {
            StoreResponse::from_xml(&input, &limits).map(|v| to_json("oim-store", &v, p.compact))
        }
        ParseKind::Config => GetClientConfigResponse::from_xml(&input, &limits)
            .map(|v| to_json("config", &v, p.compact)),
        ParseKind::Fault => match msnp_soap::parse_fault_envelope(&input, &limits) {
            Ok(f) => Err(SoapError::Fault(Box::new(f))),
            Err(e) => Err(e),
        },
    };
    match json {
        Ok(text) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => report(e, p.compact),
    }
}

fn to_json<T: Serialize>(kind: &str, value: &T, compact: bool) -> String {
    let out = Output { kind, value };
    let r = if compact {
        serde_json::to_string(&out)
    } else {
        serde_json::to_string_pretty(&out)
    };
    r.unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

fn report(e: SoapError, compact: bool) -> ExitCode {
    if let Some(f) = e.fault() {
        let out = FaultOutput {
            kind: "fault",
            fault_kind: f.kind(),
            redirect_url: f.redirect_url.as_deref(),
            value: f,
        };
        let r = if compact {
            serde_json::to_string(&out)
        } else {
            serde_json::to_string_pretty(&out)
        };
        match r {
            Ok(s) => println!("{s}"),
            Err(err) => eprintln!("msnp soap parse: {err}"),
        }
        return ExitCode::from(1);
    }
    eprintln!("msnp soap parse: {e}");
    ExitCode::from(2)
}

fn detect(input: &[u8], limits: &XmlLimits) -> Result<ParseKind, SoapError> {
    let name = msnp_soap::body_element_name(input, limits)?;
    Ok(match name.as_str() {
        "Fault" => ParseKind::Fault,
        "RequestSecurityTokenResponseCollection" => ParseKind::Rst,
        "RequestMultipleSecurityTokens" => ParseKind::RstRequest,
        "GetMetadataResponse" | "GetMessageResponse" | "DeleteMessagesResponse" => ParseKind::Rsi,
        "StoreResponse" => ParseKind::OimStore,
        "GetClientConfigResponse" => ParseKind::Config,
        "GetMetadata" | "GetMessage" | "DeleteMessages" => ParseKind::RsiRequest,
        "MessageType" | "Content" => ParseKind::OimStoreRequest,
        "GetClientConfig" => ParseKind::ConfigRequest,
        n if AbOperation::from_response_element(n).is_some() => ParseKind::Ab,
        n if AbOperation::from_element(n).is_some() => ParseKind::AbRequest,
        _ => {
            return Err(SoapError::UnexpectedElement {
                expected: "a known SOAP request or response",
                found: name,
            });
        }
    })
}
