//! Structured logs: one JSON object per line.
//!
//! Cloud Run forwards stdout and stderr to Cloud Logging, which parses a line that
//! is a JSON object into a structured entry: `severity` sets the level, `message` the
//! summary, and `httpRequest` (the `HttpRequest` type of the Logging API) turns a
//! line into a request entry.

use std::io::Write;
use std::time::Duration;

use crate::json::Json;

/// A Cloud Logging severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// Routine information.
    Info,
    /// Something unusual, such as a client error.
    Warning,
    /// Something failed.
    Error,
}

impl Severity {
    /// The name Cloud Logging expects.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "INFO",
            Severity::Warning => "WARNING",
            Severity::Error => "ERROR",
        }
    }

    /// The severity of a request log entry for a response status.
    pub fn for_status(status: u16) -> Severity {
        match status {
            500.. => Severity::Error,
            400..=499 => Severity::Warning,
            _ => Severity::Info,
        }
    }
}

/// A log line (without the newline): `severity`, `message`, then `fields`.
pub fn line(severity: Severity, message: &str, fields: Vec<(&str, Json)>) -> String {
    let mut pairs = vec![
        ("severity", Json::str(severity.as_str())),
        ("message", Json::str(message)),
    ];
    pairs.extend(fields);
    Json::object(pairs).to_string()
}

/// What one request log entry records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestLog<'a> {
    /// The request method, or `-` when the request line could not be parsed.
    pub method: &'a str,
    /// The request target, or `-`.
    pub url: &'a str,
    /// The protocol from the request line, or `-`.
    pub protocol: &'a str,
    /// The response status.
    pub status: u16,
    /// Bytes written to the client (head and body).
    pub response_size: usize,
    /// The `User-Agent` header, if any.
    pub user_agent: Option<&'a str>,
    /// The peer address (the Cloud Run front end, on Cloud Run).
    pub remote_ip: String,
    /// From accepting the connection to the response being written.
    pub latency: Duration,
}

impl RequestLog<'_> {
    /// The log line, e.g.
    /// `{"severity":"INFO","message":"GET / 200","httpRequest":{...}}`.
    pub fn to_line(&self) -> String {
        let mut http = vec![
            ("requestMethod", Json::str(self.method)),
            ("requestUrl", Json::str(self.url)),
            ("status", Json::Num(self.status.into())),
            // int64 fields are strings in the Logging API's JSON mapping.
            ("responseSize", Json::str(self.response_size.to_string())),
            ("remoteIp", Json::str(&self.remote_ip)),
            ("protocol", Json::str(self.protocol)),
            (
                "latency",
                Json::str(format!("{:.6}s", self.latency.as_secs_f64())),
            ),
        ];
        if let Some(agent) = self.user_agent {
            http.insert(4, ("userAgent", Json::str(agent)));
        }
        line(
            Severity::for_status(self.status),
            &format!("{} {} {}", self.method, self.url, self.status),
            vec![("httpRequest", Json::object(http))],
        )
    }
}

/// Writes `line` and a newline to stdout in one call, so lines from concurrent
/// threads never interleave. Write errors are ignored: logging must not bring the
/// server down.
pub fn stdout(line: &str) {
    let _ = std::io::stdout()
        .lock()
        .write_all(format!("{line}\n").as_bytes());
}

/// Like [`stdout`], for stderr.
pub fn stderr(line: &str) {
    let _ = std::io::stderr()
        .lock()
        .write_all(format!("{line}\n").as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_follows_the_status_class() {
        assert_eq!(Severity::for_status(200), Severity::Info);
        assert_eq!(Severity::for_status(304), Severity::Info);
        assert_eq!(Severity::for_status(404), Severity::Warning);
        assert_eq!(Severity::for_status(499), Severity::Warning);
        assert_eq!(Severity::for_status(500), Severity::Error);
        assert_eq!(Severity::for_status(505), Severity::Error);
    }

    #[test]
    fn plain_lines_start_with_severity_and_message() {
        assert_eq!(
            line(
                Severity::Info,
                "listening on 0.0.0.0:8080",
                vec![("address", Json::str("0.0.0.0:8080"))]
            ),
            r#"{"severity":"INFO","message":"listening on 0.0.0.0:8080","address":"0.0.0.0:8080"}"#
        );
    }

    #[test]
    fn request_lines_carry_an_http_request_object() {
        let entry = RequestLog {
            method: "GET",
            url: "/healthz?x=\"1\"",
            protocol: "HTTP/1.1",
            status: 200,
            response_size: 140,
            user_agent: Some("kube-probe/1.0"),
            remote_ip: "169.254.1.1".into(),
            latency: Duration::from_micros(1234),
        };
        assert_eq!(
            entry.to_line(),
            "{\"severity\":\"INFO\",\"message\":\"GET /healthz?x=\\\"1\\\" 200\",\"httpRequest\":{\
             \"requestMethod\":\"GET\",\"requestUrl\":\"/healthz?x=\\\"1\\\"\",\"status\":200,\
             \"responseSize\":\"140\",\"userAgent\":\"kube-probe/1.0\",\"remoteIp\":\"169.254.1.1\",\
             \"protocol\":\"HTTP/1.1\",\"latency\":\"0.001234s\"}}"
        );
        let failed = RequestLog {
            status: 503,
            user_agent: None,
            ..entry
        };
        let text = failed.to_line();
        assert!(text.starts_with("{\"severity\":\"ERROR\","), "{text}");
        assert!(!text.contains("userAgent"), "{text}");
    }
}
