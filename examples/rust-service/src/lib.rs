//! `cloud-run-app`: a small HTTP service for Cloud Run, on axum and tokio.
//!
//! `GET /` reports the Cloud Run metadata (`K_SERVICE`, `K_REVISION`, `K_CONFIGURATION`) and
//! the user and group ids the process runs as; `GET /healthz` answers `{"status":"ok"}` for
//! the startup and liveness probes. Every request is logged as one JSON line that Cloud
//! Logging reads as a request entry (see [`log_request`]).
//!
//! The same binary runs one-shot jobs on a directory of uploads: see [`jobs`].

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::body::HttpBody;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use nix::unistd::{getegid, geteuid, getgid, getuid};
use serde::Serialize;
use serde_json::{json, Value};

pub mod jobs;

/// What Cloud Run tells a revision about itself, read once at start. `None` outside Cloud Run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Metadata {
    /// `K_SERVICE`: the service name.
    pub service: Option<String>,
    /// `K_REVISION`: the revision serving the request.
    pub revision: Option<String>,
    /// `K_CONFIGURATION`: the configuration that created the revision.
    pub configuration: Option<String>,
}

impl Metadata {
    /// The metadata from the environment (a value that is not UTF-8 is converted lossily).
    pub fn from_env() -> Metadata {
        let var = |name| std::env::var_os(name).map(|v| v.to_string_lossy().into_owned());
        Metadata {
            service: var("K_SERVICE"),
            revision: var("K_REVISION"),
            configuration: var("K_CONFIGURATION"),
        }
    }
}

/// The body of `GET /`: the metadata, then the real and effective user and group ids.
#[derive(Debug, Serialize)]
struct Info {
    #[serde(flatten)]
    metadata: Metadata,
    uid: u32,
    gid: u32,
    euid: u32,
    egid: u32,
}

/// The service's routes: `GET`/`HEAD` on `/` and `/healthz`, 405 with `Allow` for other
/// methods there, 404 elsewhere; errors are JSON too. Every request is logged.
pub fn router(metadata: Metadata) -> Router {
    Router::new()
        .route("/", get(info))
        .route(
            "/healthz",
            get(|| async { Json(json!({ "status": "ok" })) }),
        )
        .method_not_allowed_fallback(|| error(StatusCode::METHOD_NOT_ALLOWED))
        .fallback(|| error(StatusCode::NOT_FOUND))
        .with_state(Arc::new(metadata))
        .layer(middleware::from_fn(log_request))
}

async fn info(State(metadata): State<Arc<Metadata>>) -> Json<Info> {
    Json(Info {
        metadata: Metadata::clone(&metadata),
        uid: getuid().as_raw(),
        gid: getgid().as_raw(),
        euid: geteuid().as_raw(),
        egid: getegid().as_raw(),
    })
}

async fn error(status: StatusCode) -> (StatusCode, Json<Value>) {
    let reason = status.canonical_reason().unwrap_or("error").to_lowercase();
    (status, Json(json!({ "error": reason })))
}

/// Logs each request once it is answered, as Cloud Logging's `httpRequest` structure: the
/// `http_request.*` fields become one `httpRequest` object (tracing-stackdriver), and the
/// severity follows the status class.
pub async fn log_request(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let url = request.uri().to_string();
    let protocol = format!("{:?}", request.version());
    let user_agent = request
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let remote_ip = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| peer.ip().to_string());

    let response = next.run(request).await;

    let status = response.status().as_u16();
    let latency = format!("{:.6}s", started.elapsed().as_secs_f64());
    // The body's size; a HEAD response is sent without it.
    let response_size = match method {
        Method::HEAD => Some(0),
        _ => response.body().size_hint().exact(),
    };
    macro_rules! log {
        ($level:ident) => {
            tracing::$level!(
                http_request.request_method = %method,
                http_request.request_url = %url,
                http_request.status = status,
                http_request.response_size = response_size,
                http_request.user_agent = user_agent.as_deref(),
                http_request.remote_ip = remote_ip.as_deref(),
                http_request.protocol = %protocol,
                http_request.latency = %latency,
                "{method} {url} {status}"
            )
        };
    }
    match status {
        500.. => log!(error),
        400..=499 => log!(warn),
        _ => log!(info),
    }
    response
}
