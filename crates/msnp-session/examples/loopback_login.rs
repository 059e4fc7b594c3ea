//! A login over real TCP sockets on 127.0.0.1: a thread serves the server-side machine
//! ([`msnp_session::ServerLogin`]), the client-side machine ([`msnp_session::ClientLogin`])
//! logs in to it with an MSNP7 MD5 password login, says `OUT`, and both sides hang up.
//!
//! ```sh
//! cargo run -p msnp-session --example loopback_login
//! ```
//!
//! The machines never touch the sockets: each loop reads bytes into `handle_input`, writes what
//! `poll_transmit` hands out and acts on `poll_event`. Exit status 0 once the client is in.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use msnp_proto::ProtocolVersion;
use msnp_session::{
    ClientCredentials, ClientInfo, ClientLogin, Credentials, CvrAnswer, LoginConfig, LoginEvent,
    ServerConfig, ServerEvent, ServerLogin,
};

const HANDLE: &str = "alice@hotmail.com";
const PASSWORD: &str = "correct horse";
const VERSION: ProtocolVersion = ProtocolVersion::Msnp7;
/// Nothing here waits on anyone but the other thread; a stall is a bug, not a slow network.
const TIMEOUT: Duration = Duration::from_secs(5);

type Error = Box<dyn std::error::Error + Send + Sync>;

/// Serves one connection: challenges the login, checks the password's MD5 hash, accepts it and
/// waits for `OUT`. Returns the handle that logged in.
fn serve(mut socket: TcpStream) -> Result<String, Error> {
    socket.set_read_timeout(Some(TIMEOUT))?;
    let cvr = CvrAnswer {
        recommended: "7.0.0813".into(),
        recommended2: "7.0.0813".into(),
        minimum: "6.0.0602".into(),
        download_url: "http://example.invalid/download".into(),
        info_url: "http://example.invalid/info".into(),
    };
    let mut server = ServerLogin::new(ServerConfig::new(vec![VERSION], cvr))?;
    let mut logged_in = None;
    let mut buf = [0u8; 4096];
    loop {
        while let Some(event) = server.poll_event() {
            match event {
                ServerEvent::LoginRequested { handle, package } => {
                    println!("server: {handle} asks to log in with {package}");
                    server.challenge_md5("1013928519.693957190")?;
                }
                ServerEvent::Credentials(ClientCredentials::Md5 { .. }) => {
                    if server.verify_md5(PASSWORD) {
                        server.accept(Some("Alice"), None, None)?;
                    } else {
                        server.reject(msnp_proto::ErrorCode::AUTHENTICATION_FAILED)?;
                    }
                }
                ServerEvent::LoggedIn { handle } => {
                    println!("server: {handle} is in");
                    logged_in = Some(handle.to_string());
                }
                ServerEvent::ClientLeft => {
                    println!("server: the client said OUT");
                    return logged_in.ok_or_else(|| "OUT before logging in".into());
                }
                ServerEvent::Failed(e) => return Err(e.into()),
                _ => {}
            }
        }
        while let Some(cmd) = server.poll_transmit() {
            socket.write_all(cmd.frame())?;
        }
        let n = socket.read(&mut buf)?;
        if n == 0 {
            return Err("the client hung up".into());
        }
        server.handle_input(&buf[..n])?;
    }
}

/// Logs in over `socket`; returns the handle the server confirmed.
fn log_in(mut socket: TcpStream) -> Result<String, Error> {
    socket.set_read_timeout(Some(TIMEOUT))?;
    let config = LoginConfig::new(
        HANDLE,
        vec![VERSION],
        ClientInfo::wlm_8_1(),
        Credentials::Password(PASSWORD.into()),
    );
    let mut login = ClientLogin::new(config)?;
    let mut buf = [0u8; 4096];
    loop {
        while let Some(cmd) = login.poll_transmit() {
            print!("C: {}", String::from_utf8_lossy(cmd.frame()));
            socket.write_all(cmd.frame())?;
        }
        while let Some(event) = login.poll_event() {
            match event {
                LoginEvent::LoggedIn { handle, .. } => {
                    // Done: a real client would go on with `NotificationSession`.
                    socket.write_all(b"OUT\r\n")?;
                    return Ok(handle.to_string());
                }
                LoginEvent::Failed(e) => return Err(e.into()),
                _ => {}
            }
        }
        let n = socket.read(&mut buf)?;
        if n == 0 {
            return Err("the server hung up".into());
        }
        print!("S: {}", String::from_utf8_lossy(&buf[..n]));
        login.handle_input(&buf[..n])?;
    }
}

fn run() -> Result<(), Error> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let address = listener.local_addr()?;
    let server = thread::spawn(move || -> Result<String, Error> {
        let (socket, peer) = listener.accept()?;
        println!("server: connection from {peer}");
        serve(socket)
    });
    let client = log_in(TcpStream::connect(address)?);
    let served = server
        .join()
        .map_err(|_| io::Error::other("the server thread panicked"))?;
    let (client, served) = (client?, served?);
    assert_eq!(client, HANDLE);
    assert_eq!(served, HANDLE);
    println!("logged in as {client} over {address}");
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("loopback login failed: {e}");
            ExitCode::FAILURE
        }
    }
}
