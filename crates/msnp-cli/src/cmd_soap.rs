//! `msnp soap` subcommands (placeholder until implemented).

use std::process::ExitCode;

/// Arguments of `msnp soap`.
#[derive(Debug, clap::Args)]
pub(crate) struct SoapArgs {}

/// Runs `msnp soap`.
pub(crate) fn run(_args: SoapArgs) -> ExitCode {
    eprintln!("msnp soap: not implemented yet");
    ExitCode::from(2)
}
