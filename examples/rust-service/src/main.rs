//! Entry point: read `PORT`, install the signal handlers, bind `0.0.0.0:$PORT`,
//! serve until `SIGTERM` or `SIGINT`, then exit 0.
//!
//! Exit codes: 0 after a shutdown signal, 1 if the server cannot start (handlers,
//! bind), 2 for an invalid `PORT`. Errors are logged to stderr as JSON lines.

use std::net::{Ipv4Addr, TcpListener};
use std::process::ExitCode;

use cloud_run_app::config::port_from_env;
use cloud_run_app::json::Json;
use cloud_run_app::log::{self, Severity};
use cloud_run_app::routes::App;
use cloud_run_app::server::{Server, ServerConfig};
use cloud_run_app::signals::install_shutdown_handlers;

fn fail(code: u8, message: &str) -> ExitCode {
    log::stderr(&log::line(Severity::Error, message, vec![]));
    ExitCode::from(code)
}

fn main() -> ExitCode {
    let port = match port_from_env(std::env::var_os("PORT").as_deref()) {
        Ok(port) => port,
        Err(message) => return fail(2, &message),
    };
    // Before binding, so that a SIGTERM sent as soon as the port is open is handled.
    let shutdown = match install_shutdown_handlers() {
        Ok(flag) => flag,
        Err(e) => return fail(1, &format!("cannot install signal handlers: {e}")),
    };
    let listener = match TcpListener::bind((Ipv4Addr::UNSPECIFIED, port)) {
        Ok(listener) => listener,
        Err(e) => return fail(1, &format!("cannot listen on 0.0.0.0:{port}: {e}")),
    };
    let server = match Server::new(listener, App::from_env(), ServerConfig::default()) {
        Ok(server) => server,
        Err(e) => return fail(1, &format!("cannot configure the listener: {e}")),
    };
    let address = match server.local_addr() {
        Ok(address) => address.to_string(),
        Err(e) => return fail(1, &format!("cannot read the listening address: {e}")),
    };
    log::stdout(&log::line(
        Severity::Info,
        &format!("listening on {address}"),
        vec![("address", Json::str(&address))],
    ));

    let report = server.run(shutdown);
    log::stdout(&log::line(
        Severity::Info,
        "stopped",
        vec![("unfinishedConnections", Json::Num(report.unfinished as u64))],
    ));
    ExitCode::SUCCESS
}
