//! HTTP/1.x request-head parsing and response serialization.
//!
//! Only what this service needs: the request line and header fields are parsed
//! strictly (RFC 9112), request bodies are never read, and every response closes the
//! connection (`Connection: close`). One request per connection keeps the server
//! simple and makes idle keep-alive connections impossible to pile up; Cloud Run's
//! front end opens connections to the container as needed.

use crate::json::Json;

/// A parsed request head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The method, case-sensitive (`GET`, `HEAD`, ...).
    pub method: String,
    /// The request target as sent (`/healthz?x=1`).
    pub target: String,
    /// The path of the target without query (`/healthz`).
    pub path: String,
    /// `HTTP/1.0` or `HTTP/1.1`.
    pub version: String,
    /// Header fields in order; names as sent, values trimmed.
    pub headers: Vec<(String, String)>,
}

impl Request {
    /// The first value of a header field, matched case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether the request announces a body (which this server never reads).
    pub fn has_body(&self) -> bool {
        self.header("transfer-encoding").is_some()
            || self
                .header("content-length")
                .is_some_and(|v| !v.trim_start_matches('0').is_empty())
    }
}

/// Why a request head was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// 400, with a short reason.
    BadRequest(&'static str),
    /// 505: a well-formed version other than HTTP/1.0 or HTTP/1.1.
    VersionNotSupported,
}

impl ParseError {
    /// The response for this error.
    pub fn response(&self) -> Response {
        match self {
            ParseError::BadRequest(detail) => Response::error(400, "bad request", Some(detail)),
            ParseError::VersionNotSupported => {
                Response::error(505, "http version not supported", None)
            }
        }
    }
}

/// The end of the request head in `buf`: the index just past the blank line that
/// ends it (`\r\n\r\n`, or `\n\n` from lenient clients). Empty lines before the
/// request line are skipped, as RFC 9112 §2.2 recommends.
pub fn find_head_end(buf: &[u8]) -> Option<usize> {
    let start = buf.iter().position(|b| *b != b'\r' && *b != b'\n')?;
    let mut line_start = start;
    for (i, b) in buf.iter().enumerate().skip(start) {
        if *b == b'\n' {
            let line = &buf[line_start..i];
            if line.is_empty() || line == b"\r" {
                return Some(i + 1);
            }
            line_start = i + 1;
        }
    }
    None
}

/// Parses a complete request head (as delimited by [`find_head_end`]).
pub fn parse_request_head(head: &[u8]) -> Result<Request, ParseError> {
    let start = head
        .iter()
        .position(|b| *b != b'\r' && *b != b'\n')
        .unwrap_or(head.len());
    let mut lines = head[start..]
        .split(|b| *b == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line));

    let request_line = lines.next().unwrap_or_default();
    let (method, target, version) = parse_request_line(request_line)?;

    let mut headers = Vec::new();
    for line in lines {
        if line.is_empty() {
            break;
        }
        headers.push(parse_header_line(line)?);
    }

    let request = Request {
        path: path_of(&target)?,
        method,
        target,
        version,
        headers,
    };
    check_framing(&request)?;
    Ok(request)
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn parse_request_line(line: &[u8]) -> Result<(String, String, String), ParseError> {
    if line.contains(&b'\r') {
        return Err(ParseError::BadRequest("bare CR in request line"));
    }
    let mut parts = line.split(|b| *b == b' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ParseError::BadRequest("malformed request line"));
    };
    if method.is_empty() || !method.iter().all(|b| is_tchar(*b)) {
        return Err(ParseError::BadRequest("malformed method"));
    }
    if target.is_empty() || !target.iter().all(u8::is_ascii_graphic) {
        return Err(ParseError::BadRequest("malformed request target"));
    }
    let version = match version {
        b"HTTP/1.1" | b"HTTP/1.0" => version,
        [b'H', b'T', b'T', b'P', b'/', major, b'.', minor]
            if major.is_ascii_digit() && minor.is_ascii_digit() =>
        {
            return Err(ParseError::VersionNotSupported)
        }
        _ => return Err(ParseError::BadRequest("malformed http version")),
    };
    // All three parts were checked to be ASCII.
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    Ok((text(method), text(target), text(version)))
}

fn parse_header_line(line: &[u8]) -> Result<(String, String), ParseError> {
    if line[0] == b' ' || line[0] == b'\t' {
        return Err(ParseError::BadRequest("obsolete header line folding"));
    }
    let colon = line
        .iter()
        .position(|b| *b == b':')
        .ok_or(ParseError::BadRequest("header line without colon"))?;
    let (name, value) = (&line[..colon], &line[colon + 1..]);
    if name.is_empty() || !name.iter().all(|b| is_tchar(*b)) {
        return Err(ParseError::BadRequest("malformed header name"));
    }
    let value = value.trim_ascii();
    if value
        .iter()
        .any(|b| (*b < 0x20 && *b != b'\t') || *b == 0x7f)
    {
        return Err(ParseError::BadRequest("control character in header value"));
    }
    Ok((
        String::from_utf8_lossy(name).into_owned(),
        String::from_utf8_lossy(value).into_owned(),
    ))
}

/// The path of a request target: origin form (`/a?b`) and absolute form
/// (`http://host/a?b`) give `/a`; the asterisk and authority forms are kept as is.
fn path_of(target: &str) -> Result<String, ParseError> {
    let without_query = |s: &str| s.split(['?', '#']).next().unwrap_or_default().to_string();
    if target.starts_with('/') {
        return Ok(without_query(target));
    }
    let lower = target.to_ascii_lowercase();
    for scheme in ["http://", "https://"] {
        if lower.starts_with(scheme) {
            let rest = &target[scheme.len()..];
            return Ok(match rest.find(['/', '?', '#']) {
                Some(i) if rest[i..].starts_with('/') => without_query(&rest[i..]),
                _ => "/".to_string(),
            });
        }
    }
    if target == "*" || !target.contains('/') {
        return Ok(target.to_string());
    }
    Err(ParseError::BadRequest("malformed request target"))
}

/// The framing rules of RFC 9112 that matter even when bodies are not read.
fn check_framing(request: &Request) -> Result<(), ParseError> {
    let hosts = request
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("host"))
        .count();
    if hosts > 1 {
        return Err(ParseError::BadRequest("more than one Host header"));
    }
    if hosts == 0 && request.version == "HTTP/1.1" {
        return Err(ParseError::BadRequest("missing Host header"));
    }
    let mut lengths = request
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .map(|(_, v)| v.as_str());
    if let Some(first) = lengths.next() {
        if first.is_empty() || !first.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ParseError::BadRequest("malformed Content-Length"));
        }
        if lengths.any(|other| other != first) {
            return Err(ParseError::BadRequest("conflicting Content-Length headers"));
        }
        if request.header("transfer-encoding").is_some() {
            return Err(ParseError::BadRequest(
                "both Transfer-Encoding and Content-Length",
            ));
        }
    }
    Ok(())
}

/// A response with a JSON body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// Extra header fields, after the standard ones.
    pub headers: Vec<(&'static str, String)>,
    /// The body (sent for every method but `HEAD`).
    pub body: String,
}

impl Response {
    /// A response with `value` as its body (plus a final newline).
    pub fn json(status: u16, value: &Json) -> Response {
        let mut body = value.to_string();
        body.push('\n');
        Response {
            status,
            headers: Vec::new(),
            body,
        }
    }

    /// An error response: `{"error": <message>, "detail": <detail>}`.
    pub fn error(status: u16, message: &str, detail: Option<&str>) -> Response {
        let mut pairs = vec![("error", Json::str(message))];
        if let Some(detail) = detail {
            pairs.push(("detail", Json::str(detail)));
        }
        Response::json(status, &Json::object(pairs))
    }

    /// Adds a header field.
    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Response {
        self.headers.push((name, value.into()));
        self
    }

    /// The bytes on the wire: status line, headers, and the body unless `head_only`.
    /// `Content-Length` is always the body's length, as RFC 9110 §9.3.2 allows for HEAD.
    pub fn to_bytes(&self, head_only: bool) -> Vec<u8> {
        let mut out = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
             Cache-Control: no-store\r\nConnection: close\r\n",
            self.status,
            reason_phrase(self.status),
            self.body.len()
        );
        for (name, value) in &self.headers {
            out.push_str(name);
            out.push_str(": ");
            out.push_str(value);
            out.push_str("\r\n");
        }
        out.push_str("\r\n");
        if !head_only {
            out.push_str(&self.body);
        }
        out.into_bytes()
    }
}

/// The reason phrase for the status codes this server sends.
pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Request, ParseError> {
        parse_request_head(text.as_bytes())
    }

    fn bad(text: &str) -> &'static str {
        match parse(text) {
            Err(ParseError::BadRequest(detail)) => detail,
            other => panic!("expected a 400 for {text:?}, got {other:?}"),
        }
    }

    #[test]
    fn finds_the_end_of_the_head() {
        assert_eq!(
            find_head_end(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n"),
            Some(27)
        );
        assert_eq!(
            find_head_end(b"GET / HTTP/1.1\r\nHost: a\r\n\r\nbody"),
            Some(27)
        );
        assert_eq!(find_head_end(b"GET / HTTP/1.0\n\n"), Some(16));
        assert_eq!(find_head_end(b"\r\n\r\nGET / HTTP/1.0\r\n\r\n"), Some(22));
        assert_eq!(find_head_end(b"GET / HTTP/1.1\r\nHost: a\r\n"), None);
        assert_eq!(find_head_end(b"GET / HTTP/1.1\r\nHost: a\r\n\r"), None);
        assert_eq!(find_head_end(b"\r\n\r\n"), None);
        assert_eq!(find_head_end(b""), None);
    }

    #[test]
    fn parses_a_request() {
        let req = parse(
            "GET /healthz?probe=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent:  curl/8 \r\nX-Empty:\r\n\r\n",
        )
        .unwrap();
        assert_eq!(req.method, "GET");
        assert_eq!(req.target, "/healthz?probe=1");
        assert_eq!(req.path, "/healthz");
        assert_eq!(req.version, "HTTP/1.1");
        assert_eq!(req.header("user-agent"), Some("curl/8"));
        assert_eq!(req.header("HOST"), Some("example.com"));
        assert_eq!(req.header("x-empty"), Some(""));
        assert_eq!(req.header("missing"), None);
        assert!(!req.has_body());
    }

    #[test]
    fn accepts_lf_only_leading_blank_lines_and_http_1_0_without_host() {
        let req = parse("\r\nHEAD / HTTP/1.0\nAccept: */*\n\n").unwrap();
        assert_eq!((req.method.as_str(), req.path.as_str()), ("HEAD", "/"));
        assert_eq!(req.headers, vec![("Accept".to_string(), "*/*".to_string())]);
    }

    #[test]
    fn derives_the_path_of_each_target_form() {
        for (target, path) in [
            ("/", "/"),
            ("/a/b?c=/d#e", "/a/b"),
            ("/?x", "/"),
            ("http://h.example/healthz?x", "/healthz"),
            ("HTTPS://h.example", "/"),
            ("http://h.example?x=/y", "/"),
            ("*", "*"),
            ("h.example:443", "h.example:443"),
        ] {
            let req = parse(&format!("OPTIONS {target} HTTP/1.1\r\nHost: h\r\n\r\n")).unwrap();
            assert_eq!(req.path, path, "target {target}");
        }
        assert_eq!(
            bad("GET a/b HTTP/1.1\r\nHost: h\r\n\r\n"),
            "malformed request target"
        );
    }

    #[test]
    fn rejects_malformed_request_lines() {
        for (line, detail) in [
            ("GET /", "malformed request line"),
            ("GET  / HTTP/1.1", "malformed request line"),
            ("GET / HTTP/1.1 ", "malformed request line"),
            ("G(T / HTTP/1.1", "malformed method"),
            (" / HTTP/1.1", "malformed method"),
            ("GET /\u{7f} HTTP/1.1", "malformed request target"),
            ("GET /é HTTP/1.1", "malformed request target"),
            ("GET / HTTP/1", "malformed http version"),
            ("GET / http/1.1", "malformed http version"),
            ("GET / HTTP/1.1\rX", "bare CR in request line"),
        ] {
            assert_eq!(
                bad(&format!("{line}\r\nHost: h\r\n\r\n")),
                detail,
                "{line:?}"
            );
        }
        assert_eq!(
            parse("GET / HTTP/2.0\r\nHost: h\r\n\r\n"),
            Err(ParseError::VersionNotSupported)
        );
    }

    #[test]
    fn rejects_malformed_header_lines() {
        for (line, detail) in [
            ("NoColon", "header line without colon"),
            (": value", "malformed header name"),
            ("Bad Name: v", "malformed header name"),
            ("Name : v", "malformed header name"),
            (" folded: v", "obsolete header line folding"),
            ("\tfolded", "obsolete header line folding"),
            ("X: a\u{0}b", "control character in header value"),
            ("X: a\rb", "control character in header value"),
        ] {
            let text = format!("GET / HTTP/1.1\r\nHost: h\r\n{line}\r\n\r\n");
            assert_eq!(bad(&text), detail, "{line:?}");
        }
        // A tab inside a value and non-ASCII bytes (obs-text) are allowed.
        let req = parse_request_head(b"GET / HTTP/1.1\r\nHost: h\r\nX: a\tb \xff\r\n\r\n").unwrap();
        assert_eq!(req.header("x"), Some("a\tb \u{FFFD}"));
    }

    #[test]
    fn enforces_host_and_body_framing_rules() {
        assert_eq!(bad("GET / HTTP/1.1\r\n\r\n"), "missing Host header");
        assert_eq!(
            bad("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n"),
            "more than one Host header"
        );
        for (headers, detail) in [
            ("Content-Length: x", "malformed Content-Length"),
            ("Content-Length: -1", "malformed Content-Length"),
            ("Content-Length:", "malformed Content-Length"),
            (
                "Content-Length: 1\r\nContent-Length: 2",
                "conflicting Content-Length headers",
            ),
            (
                "Content-Length: 1\r\nTransfer-Encoding: chunked",
                "both Transfer-Encoding and Content-Length",
            ),
        ] {
            assert_eq!(
                bad(&format!("POST / HTTP/1.1\r\nHost: h\r\n{headers}\r\n\r\n")),
                detail
            );
        }
        let with_body = |headers: &str| {
            parse(&format!("POST / HTTP/1.1\r\nHost: h\r\n{headers}\r\n\r\n"))
                .unwrap()
                .has_body()
        };
        assert!(with_body("Content-Length: 10"));
        assert!(with_body("Content-Length: 1\r\nContent-Length: 1"));
        assert!(with_body("Transfer-Encoding: chunked"));
        assert!(!with_body("Content-Length: 000"));
    }

    #[test]
    fn serializes_responses() {
        let resp =
            Response::error(405, "method not allowed", None).with_header("Allow", "GET, HEAD");
        let body = "{\"error\":\"method not allowed\"}\n";
        let head = format!(
            "HTTP/1.1 405 Method Not Allowed\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
             Cache-Control: no-store\r\nConnection: close\r\nAllow: GET, HEAD\r\n\r\n",
            body.len()
        );
        assert_eq!(
            String::from_utf8(resp.to_bytes(false)).unwrap(),
            format!("{head}{body}")
        );
        assert_eq!(String::from_utf8(resp.to_bytes(true)).unwrap(), head);
    }

    #[test]
    fn parse_errors_map_to_responses() {
        let resp = ParseError::BadRequest("missing Host header").response();
        assert_eq!(resp.status, 400);
        assert_eq!(
            resp.body,
            "{\"error\":\"bad request\",\"detail\":\"missing Host header\"}\n"
        );
        assert_eq!(ParseError::VersionNotSupported.response().status, 505);
    }
}
