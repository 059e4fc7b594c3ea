//! `msnp auth` subcommands: MD5 login, QRY challenge answers, the SSO MBI blob
//! and the Passport 1.4 `Authorization` header. Each prints its answer as one
//! line on stdout; errors go to stderr with exit status 1.

use std::process::ExitCode;

use msnp_auth::{
    AuthError, ChallengeAlgorithm, Limits, Msnp11Padding, ProductKey, TwnChallenge,
    default_product, hex, mbi_response, md5_login_hash, passport14_authorization, product_by_id,
    qry_md5_with, qry_msnp11_with,
};

/// Arguments of `msnp auth`.
#[derive(Debug, clap::Args)]
pub struct AuthArgs {
    #[command(subcommand)]
    command: AuthCommand,
}

#[derive(Debug, clap::Subcommand)]
enum AuthCommand {
    /// MD5 login answer (MSNP2-7): md5hex(SALT || PASSWORD).
    Md5 {
        /// The salt from `USR trid MD5 S <salt>`.
        salt: String,
        /// The password (hashed as UTF-8).
        password: String,
    },
    /// QRY answer to a CHL challenge: MD5 scheme for MSNP6-10, product-ID scheme for MSNP11+.
    Qry {
        /// Negotiated protocol version N (of MSNPN), 6-21.
        #[arg(long = "version", value_name = "N")]
        protocol: u8,
        /// Public product ID; default: this crate's default pair for the version.
        #[arg(long)]
        product: Option<String>,
        /// Private key for a product ID not in the built-in table.
        #[arg(long, requires = "product")]
        key: Option<String>,
        /// MSNP11+: append '0's even when already 8-byte aligned (libpurple/Escargot behaviour).
        #[arg(long)]
        always_pad: bool,
        /// The challenge from `CHL 0 <challenge>`.
        challenge: String,
    },
    /// MBI blob for `USR trid SSO S <ticket> <blob>` (MSNP15+), printed as base64.
    Sso {
        /// The base64 BinarySecret of the messengerclear.live.com token.
        #[arg(long)]
        secret: String,
        /// The nonce from `USR trid SSO S <policy> <nonce>` (used as text).
        #[arg(long)]
        nonce: String,
        /// 8-byte CBC IV as 16 hex digits. Default: all zero (0000000000000000), so the
        /// output is deterministic; real clients should pass a random IV.
        #[arg(long, default_value = "0000000000000000")]
        iv: String,
    },
    /// The Passport 1.4 `Authorization` header value for login2.srf (MSNP8-14).
    #[command(name = "passport14-header")]
    Passport14Header {
        /// Passport handle (e-mail address).
        #[arg(long)]
        handle: String,
        /// Password.
        #[arg(long)]
        password: String,
        /// The challenge string from `USR trid TWN S <challenge>`, copied verbatim.
        #[arg(long)]
        challenge: String,
        /// OrgURL, unencoded (default `http://messenger.msn.com`); it is percent-encoded.
        #[arg(long)]
        org_url: Option<String>,
    },
    /// List the known QRY product IDs (optionally only those accepted for a version).
    Products {
        /// Only pairs accepted for MSNP N.
        #[arg(long = "version", value_name = "N")]
        protocol: Option<u8>,
    },
}

/// Runs `msnp auth`.
pub fn run(args: AuthArgs) -> ExitCode {
    match execute(args.command) {
        Ok(lines) => {
            for line in lines {
                println!("{line}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("msnp auth: {e}");
            ExitCode::from(1)
        }
    }
}

fn execute(cmd: AuthCommand) -> Result<Vec<String>, AuthError> {
    match cmd {
        AuthCommand::Md5 { salt, password } => Ok(vec![md5_login_hash(&salt, &password)?]),
        AuthCommand::Qry {
            protocol,
            product,
            key,
            always_pad,
            challenge,
        } => {
            let algorithm = ChallengeAlgorithm::for_version(protocol)
                .ok_or(AuthError::UnsupportedVersion(protocol))?;
            let pair = match (product.as_deref(), key.as_deref()) {
                (Some(id), Some(key)) => ProductKey { id, key },
                (Some(id), None) => {
                    product_by_id(id)
                        .ok_or_else(|| AuthError::UnknownProduct(id.to_owned()))?
                        .pair
                }
                (None, _) => default_product(protocol)?.pair,
            };
            let padding = if always_pad {
                Msnp11Padding::Always
            } else {
                Msnp11Padding::WhenNeeded
            };
            let answer = match algorithm {
                ChallengeAlgorithm::Md5 => qry_md5_with(&challenge, pair.key, &Limits::DEFAULT)?,
                _ => qry_msnp11_with(&challenge, pair, padding, &Limits::DEFAULT)?,
            };
            Ok(vec![answer.to_string()])
        }
        AuthCommand::Sso { secret, nonce, iv } => {
            let iv: [u8; 8] = hex::decode_array(&iv).map_err(|e| match e {
                AuthError::InvalidLength {
                    expected, actual, ..
                } => AuthError::InvalidLength {
                    what: msnp_auth::Field::Iv,
                    expected,
                    actual,
                },
                other => other,
            })?;
            Ok(vec![mbi_response(&secret, &nonce, iv)?])
        }
        AuthCommand::Passport14Header {
            handle,
            password,
            challenge,
            org_url,
        } => {
            let c = TwnChallenge::parse(&challenge)?;
            Ok(vec![passport14_authorization(
                &handle,
                &password,
                &c,
                org_url.as_deref(),
            )?])
        }
        AuthCommand::Products { protocol } => Ok(msnp_auth::KNOWN_PRODUCTS
            .iter()
            .filter(|p| protocol.is_none_or(|v| p.accepts(v)))
            .map(|p| {
                format!(
                    "{}\t{}\tMSNP{}-{}\t{:?}\t{}",
                    p.pair.id, p.pair.key, p.min_version, p.max_version, p.algorithm, p.client
                )
            })
            .collect()),
    }
}
