//! `cloud-run-app`: a small HTTP service for Cloud Run, built on the standard
//! library only.
//!
//! `GET /` reports the Cloud Run metadata (`K_SERVICE`, `K_REVISION`,
//! `K_CONFIGURATION`) and the user and group ids the process runs as, read from
//! `/proc/self/status`; `GET /healthz` answers `{"status":"ok"}` for probes.
//!
//! The parts are separate modules so that each can be tested on its own:
//! [`config`] (the `PORT` variable), [`json`] (writing JSON), [`proc_status`]
//! (parsing `/proc/self/status`), [`http`] (request parsing, responses),
//! [`routes`] (the endpoints), [`log`] (structured log lines), [`signals`]
//! (`SIGTERM`/`SIGINT`) and [`server`] (connections, limits and shutdown).

pub mod config;
pub mod http;
pub mod json;
pub mod log;
pub mod proc_status;
pub mod routes;
pub mod server;
pub mod signals;
