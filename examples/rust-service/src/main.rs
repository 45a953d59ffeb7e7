//! Entry point: JSON logs, `PORT`, bind `0.0.0.0:$PORT`, serve until `SIGTERM` or `SIGINT`,
//! let requests in progress finish (for at most [`DRAIN_TIMEOUT`]), exit 0.
//!
//! Exit codes: 0 after a shutdown signal, 1 if the server cannot start, 2 for an invalid `PORT`.
//!
//! Cloud Run sends `SIGTERM` and, 10 s later, `SIGKILL`. The binary runs as the container's
//! PID 1, which gets no default signal actions from the kernel, so it must handle `SIGTERM`
//! itself (tokio's handlers do): no init is needed in front of it.

use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::Notify;
use tracing::{error, info, warn};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// After the shutdown signal, how long requests in progress may take before the process exits
/// anyway: well inside Cloud Run's 10 s between `SIGTERM` and `SIGKILL`.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::registry()
        .with(tracing_stackdriver::layer())
        .init();

    let port = match std::env::var("PORT").as_deref() {
        Err(_) => 8080,
        Ok(value) => match value.parse::<u16>() {
            Ok(port) => port,
            Err(_) => {
                error!("invalid PORT {value:?}: expected a port number from 0 to 65535");
                return ExitCode::from(2);
            }
        },
    };
    // Before binding, so that a SIGTERM sent as soon as the port is open is handled.
    let (mut terminate, mut interrupt) = match (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) {
        (Ok(terminate), Ok(interrupt)) => (terminate, interrupt),
        (Err(e), _) | (_, Err(e)) => {
            error!("cannot install the signal handlers: {e}");
            return ExitCode::FAILURE;
        }
    };
    let listener = match TcpListener::bind((Ipv4Addr::UNSPECIFIED, port)).await {
        Ok(listener) => listener,
        Err(e) => {
            error!("cannot listen on 0.0.0.0:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let address = listener
        .local_addr()
        .map_or(port.to_string(), |a| a.to_string());
    info!(address, "listening on {address}");

    let draining = Arc::new(Notify::new());
    let shutdown = {
        let draining = draining.clone();
        async move {
            let name = tokio::select! {
                _ = terminate.recv() => "SIGTERM",
                _ = interrupt.recv() => "SIGINT",
            };
            info!(
                signal = name,
                "{name}: no new connections, finishing requests in progress"
            );
            draining.notify_one();
        }
    };
    let app = cloud_run_app::router(cloud_run_app::Metadata::from_env());
    let server = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown);
    tokio::select! {
        result = async { server.await } => if let Err(e) = result {
            error!("the server failed: {e}");
            return ExitCode::FAILURE;
        },
        () = async { draining.notified().await; tokio::time::sleep(DRAIN_TIMEOUT).await } => {
            warn!("requests still in progress after {DRAIN_TIMEOUT:?}: exiting without them");
        }
    }
    info!("stopped");
    ExitCode::SUCCESS
}
