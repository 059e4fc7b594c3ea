//! The insides of the `msnp` command-line tool (its `main` is `src/main.rs`).
//!
//! A library only so that the fuzz targets (`fuzz/`) can drive the capture reader, the HTTP
//! gateway framer and `msnp check`'s analysis directly; this is not a stable API.

mod batch;
pub mod cmd_auth;
pub mod cmd_check;
pub mod cmd_decode;
pub mod cmd_encode;
pub mod cmd_replay;
pub mod cmd_soap;
pub mod input;
mod json;
mod opts;
pub mod record;
pub mod sink;

/// Reports an I/O failure; exit status 2.
pub fn fail(e: &std::io::Error) -> std::process::ExitCode {
    eprintln!("msnp: {e}");
    std::process::ExitCode::from(2)
}
