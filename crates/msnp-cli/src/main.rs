//! `msnp`: decode, encode and check MSN Messenger protocol traffic on stdin/stdout.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd_auth;
mod cmd_soap;

/// The msnp command-line tool.
#[derive(Debug, Parser)]
#[command(
    name = "msnp",
    version,
    about = "Decode, encode and check MSN Messenger protocol traffic"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Authentication helpers: MD5 login, QRY challenges, SSO blob, Passport 1.4 header.
    Auth(cmd_auth::AuthArgs),
    /// SOAP helpers: build request envelopes, parse responses to JSON.
    Soap(cmd_soap::SoapArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Auth(args) => cmd_auth::run(args),
        Command::Soap(args) => cmd_soap::run(args),
    }
}
