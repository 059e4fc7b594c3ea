//! `msnp`: decode, encode and check MSN Messenger protocol traffic on stdin/stdout.

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use msnp_cli::{cmd_auth, cmd_check, cmd_decode, cmd_encode, cmd_replay, cmd_soap, fail};

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
    /// Decode wire bytes, a transcript or a capture into one JSON object (NDJSON) or one readable
    /// line (--format text) per command, or draw the session as an HTML ladder (--format html).
    Decode(cmd_decode::DecodeArgs),
    /// Encode NDJSON records or a transcript into wire bytes or a transcript, computing lengths.
    Encode(cmd_encode::EncodeArgs),
    /// Find what is wrong in a transcript or capture: framing, unanswered requests, TrIDs,
    /// VER negotiation, QRY answers, login order (NDJSON or text findings; exit 1 on errors).
    Check(cmd_check::CheckArgs),
    /// Authentication helpers: MD5 login, QRY challenges, SSO blob, Passport 1.4 header.
    Auth(cmd_auth::AuthArgs),
    /// SOAP helpers: build request envelopes, parse responses to JSON.
    Soap(cmd_soap::SoapArgs),
    /// Replay a transcript's server lines into the client machines; print what the client sends.
    Replay(cmd_replay::ReplayArgs),
    /// Print a shell completion script (e.g. `msnp completions bash > /etc/bash_completion.d/msnp`).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff; `msnp man | man -l -`).
    Man,
}

/// The command line as `--help`, completions and the man page show it: options `msnp check`
/// shares with `msnp decode` are described for what they do in `check`, and decode-only ones
/// are hidden there.
fn command() -> clap::Command {
    Cli::command().mut_subcommand("check", |c| {
        c.mut_arg("stats", |a| a.hide(true))
            .mut_arg("extract", |a| a.hide(true))
            .mut_arg("max_p2p_object", |a| a.hide(true))
            .mut_arg("max_open_files", |a| a.hide(true))
            .mut_arg("no_fields", |a| a.hide(true))
            .mut_arg("format", |a| {
                a.help(
                    "Output: ndjson (one JSON object per finding) or text \
                     (one line per finding: level code line:offset message); \
                     html is decode's only",
                )
            })
            .mut_arg("color", |a| {
                a.help(
                    "Colour of --format text findings: auto (on a terminal, unless NO_COLOR \
                     is set), always or never",
                )
            })
            .mut_arg("file", |a| {
                a.help(
                    "Transcript, wire bytes or capture to check; standard input when absent or `-`",
                )
            })
    })
}

fn main() -> ExitCode {
    let cli = Cli::from_arg_matches(&command().get_matches()).unwrap_or_else(|e| e.exit());
    match cli.command {
        Command::Decode(args) => cmd_decode::run(args),
        Command::Encode(args) => cmd_encode::run(args),
        Command::Check(args) => cmd_check::run(args),
        Command::Auth(args) => cmd_auth::run(args),
        Command::Soap(args) => cmd_soap::run(args),
        Command::Replay(args) => cmd_replay::run(args),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut command(), "msnp", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
        Command::Man => match clap_mangen::Man::new(command()).render(&mut std::io::stdout()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
            Err(e) => fail(&e),
        },
    }
}
