//! Entry point. Without arguments: the HTTP server. JSON logs, `PORT`, bind `0.0.0.0:$PORT`,
//! serve until `SIGTERM` or `SIGINT`, let requests in progress finish (for at most
//! [`DRAIN_TIMEOUT`]), exit 0. With a subcommand: a one-shot job on a directory of uploads
//! (see `cloud_run_app::jobs`), for a Cloud Run job's `args`:
//!
//! ```text
//! cloud-run-app migrate --dir <DIR>
//! cloud-run-app cleanup --dir <DIR> --older-than-days <DAYS>
//! ```
//!
//! Exit codes: the server exits 0 after a shutdown signal, 1 if it cannot start, 2 for an
//! invalid `PORT`; a job exits 0 when it did all its work, 1 when the directory or some file
//! failed (logged); invalid arguments exit 2 (logged); `--help` prints the usage and exits 0.
//!
//! Cloud Run sends `SIGTERM` and, 10 s later, `SIGKILL`. The binary runs as the container's
//! PID 1, which gets no default signal actions from the kernel, so it must handle `SIGTERM`
//! itself (tokio's handlers do): no init is needed in front of it.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use clap::{Parser, Subcommand};
use cloud_run_app::jobs;
use tokio::net::TcpListener;
use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::Notify;
use tracing::{error, info, warn};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// After the shutdown signal, how long requests in progress may take before the process exits
/// anyway: well inside Cloud Run's 10 s between `SIGTERM` and `SIGKILL`.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// An HTTP service for Cloud Run; with a subcommand, a one-shot job on a directory of uploads.
#[derive(Debug, Parser)]
#[command(name = "cloud-run-app", version)]
struct Cli {
    #[command(subcommand)]
    job: Option<Job>,
}

#[derive(Debug, Subcommand)]
enum Job {
    /// Move the files at the top of DIR into DIR/YYYY/MM/DD/ by the UTC date of their
    /// modification time (idempotent: a second run moves nothing).
    Migrate {
        /// The directory of uploads, e.g. the mount path of a Cloud Storage volume.
        #[arg(long, value_name = "DIR")]
        dir: PathBuf,
    },
    /// Delete the files below DIR modified more than DAYS days ago, then the directories that
    /// became empty.
    Cleanup {
        /// The directory of uploads, e.g. the mount path of a Cloud Storage volume.
        #[arg(long, value_name = "DIR")]
        dir: PathBuf,
        /// The age in days (1 to 36500) above which a file is deleted.
        #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(1..=36500))]
        older_than_days: u32,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::registry()
        .with(tracing_stackdriver::layer())
        .init();

    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // --help and --version: the text on stdout, exit 0.
        Err(e) if !e.use_stderr() => {
            return match e.print() {
                Ok(()) => ExitCode::SUCCESS,
                Err(_) => ExitCode::FAILURE,
            };
        }
        Err(e) => {
            let rendered = e.render().to_string();
            let text = rendered.trim_end();
            let text = text.strip_prefix("error: ").unwrap_or(text);
            error!("invalid arguments: {text}");
            return ExitCode::from(2);
        }
    };
    match cli.job {
        None => serve(),
        Some(Job::Migrate { dir }) => {
            let summary = jobs::migrate(&dir);
            job_exit(&dir, summary.map(|s| s.succeeded()))
        }
        Some(Job::Cleanup {
            dir,
            older_than_days,
        }) => {
            let older_than = Duration::from_secs(u64::from(older_than_days) * 86_400);
            let summary = jobs::cleanup(&dir, older_than, SystemTime::now());
            job_exit(&dir, summary.map(|s| s.succeeded()))
        }
    }
}

/// A job's exit code: 0 when it did all its work; 1 when some file failed (already logged) or
/// the directory could not be listed (logged here).
fn job_exit(dir: &Path, succeeded: std::io::Result<bool>) -> ExitCode {
    match succeeded {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            let dir = dir.display().to_string();
            error!(directory = dir, "cannot list {dir}: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The HTTP server, on tokio's multi-threaded runtime (started only for the server).
#[tokio::main]
async fn serve() -> ExitCode {
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
