//! Runs the real binary on an ephemeral port, talks HTTP/1.1 to it over TCP, reads its JSON
//! log lines and signals it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::{kill, Signal};
use nix::unistd::{getegid, geteuid, getgid, getuid, Pid};
use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_cloud-run-app");

/// The running binary; killed on drop if a test fails before it exits.
struct Service {
    child: Child,
    addr: SocketAddr,
    logs: Receiver<Value>,
}

impl Service {
    fn start(env: &[(&str, &str)]) -> Service {
        let mut child = Command::new(BIN)
            .env_clear()
            .env("PORT", "0")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the binary");
        let stdout = child.stdout.take().unwrap();
        let (tx, logs) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                // A line that is not JSON is passed on as a string, and fails the assertions.
                let entry = serde_json::from_str(&line).unwrap_or(Value::String(line));
                if tx.send(entry).is_err() {
                    break;
                }
            }
        });
        let first = logs
            .recv_timeout(Duration::from_secs(10))
            .expect("a startup log line");
        assert_eq!(first["severity"], "INFO", "{first}");
        let address = first["address"].as_str().expect("an address field");
        assert_eq!(first["message"], format!("listening on {address}"));
        let port: u16 = address.strip_prefix("0.0.0.0:").unwrap().parse().unwrap();
        assert_ne!(port, 0);
        Service {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            logs,
        }
    }

    fn signal(&self, signal: Signal) {
        let pid = Pid::from_raw(i32::try_from(self.child.id()).unwrap());
        kill(pid, signal).unwrap();
    }

    /// Waits for the process to exit with code 0 and returns how long that took; fails if it
    /// exits otherwise or takes longer than `limit`.
    fn exits_0_within(&mut self, limit: Duration) -> Duration {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                let took = started.elapsed();
                assert_eq!(
                    status.code(),
                    Some(0),
                    "exit status {status:?} after {took:?}"
                );
                return took;
            }
            assert!(started.elapsed() < limit, "still running after {limit:?}");
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// The next log line, waiting up to 5 s.
    fn next_log(&self) -> Value {
        self.logs
            .recv_timeout(Duration::from_secs(5))
            .expect("a log line")
    }

    fn stderr(&mut self) -> String {
        let mut text = String::new();
        self.child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        text
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A response: status, head (lowercase header names) and body.
struct Response {
    status: u16,
    head: String,
    body: String,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

/// Reads the response from a stream whose request asked for `Connection: close`.
fn read_response(mut stream: TcpStream) -> Response {
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").expect("a complete head");
    Response {
        status: head[9..12].parse().unwrap(),
        head: head.to_string(),
        body: body.to_string(),
    }
}

fn request(addr: SocketAddr, method: &str, path: &str) -> Response {
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: test\r\nUser-Agent: it/1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    read_response(stream)
}

#[test]
fn serves_metadata_health_and_errors_then_exits_0_on_sigterm() {
    let mut service = Service::start(&[
        ("K_SERVICE", "hello"),
        ("K_REVISION", "hello-00002-\"x\"\\y\t"),
    ]);

    let root = request(service.addr, "GET", "/");
    assert_eq!(root.status, 200, "{}", root.head);
    assert_eq!(root.header("content-type"), Some("application/json"));
    assert_eq!(
        root.json(),
        json!({
            "service": "hello",
            "revision": "hello-00002-\"x\"\\y\t",
            "configuration": null,
            "uid": getuid().as_raw(),
            "gid": getgid().as_raw(),
            "euid": geteuid().as_raw(),
            "egid": getegid().as_raw(),
        })
    );
    assert!(root.body.starts_with("{\"service\":"), "{}", root.body);

    let log = service.next_log();
    assert_eq!(log["severity"], "INFO", "{log}");
    assert_eq!(log["message"], "GET / 200", "{log}");
    let http = &log["httpRequest"];
    assert_eq!(http["requestMethod"], "GET", "{log}");
    assert_eq!(http["requestUrl"], "/", "{log}");
    assert_eq!(http["status"], 200, "{log}");
    assert_eq!(http["responseSize"], root.body.len(), "{log}");
    assert_eq!(http["userAgent"], "it/1", "{log}");
    assert_eq!(http["remoteIp"], "127.0.0.1", "{log}");
    assert_eq!(http["protocol"], "HTTP/1.1", "{log}");
    let latency = http["latency"].as_str().unwrap();
    assert!(latency.ends_with('s') && latency[..latency.len() - 1].parse::<f64>().is_ok());

    let health = request(service.addr, "GET", "/healthz?probe=startup");
    assert_eq!(
        (health.status, health.json()),
        (200, json!({ "status": "ok" }))
    );

    let head = request(service.addr, "HEAD", "/");
    assert_eq!(head.status, 200);
    assert_eq!(
        head.header("content-length"),
        Some(root.body.len().to_string().as_str())
    );
    assert_eq!(head.body, "");

    let missing = request(service.addr, "GET", "/missing");
    assert_eq!(
        (missing.status, missing.json()),
        (404, json!({ "error": "not found" }))
    );

    let wrong = request(service.addr, "DELETE", "/healthz");
    assert_eq!(wrong.status, 405);
    assert_eq!(wrong.header("allow"), Some("GET,HEAD"));
    assert_eq!(wrong.json(), json!({ "error": "method not allowed" }));

    // The request lines in between: client errors are warnings.
    let severities: Vec<Value> = (0..4)
        .map(|_| service.next_log()["severity"].clone())
        .collect();
    assert_eq!(severities, ["INFO", "INFO", "WARNING", "WARNING"]);

    service.signal(Signal::SIGTERM);
    service.exits_0_within(Duration::from_secs(2));
    assert_eq!(service.next_log()["signal"], "SIGTERM");
    assert_eq!(service.next_log()["message"], "stopped");
    assert_eq!(service.stderr(), "");
}

#[test]
fn reports_null_metadata_outside_cloud_run() {
    let service = Service::start(&[]);
    let body = request(service.addr, "GET", "/").json();
    assert_eq!(
        [&body["service"], &body["revision"], &body["configuration"]],
        [&Value::Null, &Value::Null, &Value::Null]
    );
}

#[test]
fn a_request_in_progress_at_sigterm_is_answered_before_the_exit() {
    let mut service = Service::start(&[]);
    let mut stream = TcpStream::connect(service.addr).unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: te")
        .unwrap();
    thread::sleep(Duration::from_millis(200));

    service.signal(Signal::SIGTERM);
    assert_eq!(service.next_log()["signal"], "SIGTERM");
    // No new connections, but the process waits for the request it has started to read.
    thread::sleep(Duration::from_millis(200));
    assert!(TcpStream::connect(service.addr).is_err());
    assert!(service.child.try_wait().unwrap().is_none());

    stream
        .write_all(b"st\r\nConnection: close\r\n\r\n")
        .unwrap();
    let response = read_response(stream);
    assert_eq!(
        (response.status, response.json()),
        (200, json!({ "status": "ok" }))
    );
    service.exits_0_within(Duration::from_secs(2));
}

#[test]
fn a_connection_that_never_sends_a_request_does_not_hold_up_the_exit() {
    let mut service = Service::start(&[]);
    let _idle = TcpStream::connect(service.addr).unwrap();
    thread::sleep(Duration::from_millis(100));
    service.signal(Signal::SIGTERM);
    service.exits_0_within(Duration::from_secs(2));
}

#[test]
fn a_request_that_never_completes_delays_the_exit_by_5_s_at_most() {
    let mut service = Service::start(&[]);
    let mut stream = TcpStream::connect(service.addr).unwrap();
    stream.write_all(b"GET / HTTP/1.1\r\nHost: te").unwrap();
    thread::sleep(Duration::from_millis(100));
    service.signal(Signal::SIGTERM);
    let took = service.exits_0_within(Duration::from_secs(7));
    assert!(took >= Duration::from_millis(4500), "{took:?}");
    assert_eq!(service.next_log()["signal"], "SIGTERM");
    let warning = service.next_log();
    assert_eq!(warning["severity"], "WARNING", "{warning}");
    assert_eq!(
        warning["message"],
        "requests still in progress after 5s: exiting without them"
    );
}

#[test]
fn exits_0_on_sigint() {
    let mut service = Service::start(&[]);
    service.signal(Signal::SIGINT);
    service.exits_0_within(Duration::from_secs(2));
    assert_eq!(service.next_log()["signal"], "SIGINT");
}

/// Runs the binary with `port` and returns its exit code and its only log line.
fn run_and_fail(port: &str) -> (Option<i32>, Value) {
    let output = Command::new(BIN)
        .env_clear()
        .env("PORT", port)
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    (
        output.status.code(),
        serde_json::from_str(lines[0]).unwrap(),
    )
}

#[test]
fn an_invalid_port_is_logged_with_exit_code_2() {
    for port in ["http", "70000", "", "-1"] {
        let (code, log) = run_and_fail(port);
        assert_eq!(code, Some(2), "PORT={port:?}");
        assert_eq!(log["severity"], "ERROR");
        assert_eq!(
            log["message"],
            format!("invalid PORT {port:?}: expected a port number from 0 to 65535")
        );
    }
}

#[test]
fn a_port_in_use_is_logged_with_exit_code_1() {
    let taken = TcpListener::bind(("0.0.0.0", 0)).unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let (code, log) = run_and_fail(&port);
    assert_eq!(code, Some(1));
    assert_eq!(log["severity"], "ERROR");
    let message = log["message"].as_str().unwrap();
    assert!(
        message.starts_with(&format!("cannot listen on 0.0.0.0:{port}: ")),
        "{message}"
    );
}
