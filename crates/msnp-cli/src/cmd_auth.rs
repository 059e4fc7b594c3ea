//! `msnp auth` subcommands (placeholder until implemented).

use std::process::ExitCode;

/// Arguments of `msnp auth`.
#[derive(Debug, clap::Args)]
pub(crate) struct AuthArgs {}

/// Runs `msnp auth`.
pub(crate) fn run(_args: AuthArgs) -> ExitCode {
    eprintln!("msnp auth: not implemented yet");
    ExitCode::from(2)
}
