//! `msnp`: decode, encode and check MSN Messenger protocol traffic on stdin/stdout.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd_auth;
mod cmd_check;
mod cmd_decode;
mod cmd_encode;
mod cmd_replay;
mod cmd_soap;
mod input;
mod json;
mod opts;
mod record;
mod sink;

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
    /// Decode wire bytes or a transcript into one JSON object per command (NDJSON).
    Decode(cmd_decode::DecodeArgs),
    /// Encode NDJSON records or a transcript into wire bytes or a transcript, computing lengths.
    Encode(cmd_encode::EncodeArgs),
    /// Find what is wrong in a transcript or capture: framing, unanswered requests, TrIDs,
    /// VER negotiation, QRY answers, login order (NDJSON findings; exit 1 on errors).
    Check(cmd_check::CheckArgs),
    /// Authentication helpers: MD5 login, QRY challenges, SSO blob, Passport 1.4 header.
    Auth(cmd_auth::AuthArgs),
    /// SOAP helpers: build request envelopes, parse responses to JSON.
    Soap(cmd_soap::SoapArgs),
    /// Replay a transcript's server lines into the client machines; print what the client sends.
    Replay(cmd_replay::ReplayArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Decode(args) => cmd_decode::run(args),
        Command::Encode(args) => cmd_encode::run(args),
        Command::Check(args) => cmd_check::run(args),
        Command::Auth(args) => cmd_auth::run(args),
        Command::Soap(args) => cmd_soap::run(args),
        Command::Replay(args) => cmd_replay::run(args),
    }
}

/// Reports an I/O failure; exit status 2.
pub(crate) fn fail(e: &std::io::Error) -> ExitCode {
    eprintln!("msnp: {e}");
    ExitCode::from(2)
}
