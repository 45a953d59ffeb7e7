//! Runs the real binary on an ephemeral port and talks to it over TCP.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::raw::c_int;
use std::process::{Child, ChildStderr, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_cloud-run-app");
const SIGINT: c_int = 2;
const SIGTERM: c_int = 15;

extern "C" {
    fn kill(pid: c_int, sig: c_int) -> c_int;
}

/// The running binary; killed on drop if a test fails before it exits.
struct Service {
    child: Child,
    addr: SocketAddr,
    stdout: Receiver<String>,
    stderr: Option<ChildStderr>,
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
        let stderr = child.stderr.take();
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let first = rx
            .recv_timeout(Duration::from_secs(10))
            .expect("a startup log line");
        let address = json_string_field(&first, "address").expect("an address field");
        assert!(
            first.starts_with("{\"severity\":\"INFO\",\"message\":\"listening on 0.0.0.0:"),
            "{first}"
        );
        let port: u16 = address.rsplit(':').next().unwrap().parse().unwrap();
        assert_ne!(port, 0);
        Service {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            stdout: rx,
            stderr,
        }
    }

    fn signal(&self, sig: c_int) {
        let pid = c_int::try_from(self.child.id()).unwrap();
        // SAFETY: sends a signal to the child process this test started.
        assert_eq!(unsafe { kill(pid, sig) }, 0);
    }

    /// Waits for the process to exit; fails if it takes longer than `limit`.
    fn wait_exit(&mut self, limit: Duration) -> (ExitStatus, Duration) {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return (status, started.elapsed());
            }
            assert!(started.elapsed() < limit, "still running after {limit:?}");
            thread::sleep(Duration::from_millis(10));
        }
    }

    fn stderr_text(&mut self) -> String {
        let mut text = String::new();
        self.stderr
            .take()
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        text
    }

    /// The next stdout line, waiting up to 5 s.
    fn next_log_line(&self) -> String {
        self.stdout
            .recv_timeout(Duration::from_secs(5))
            .expect("a log line")
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The string value of `"name":"..."` in a flat JSON line (no escapes expected).
fn json_string_field(line: &str, name: &str) -> Option<String> {
    let start = line.find(&format!("\"{name}\":\""))? + name.len() + 4;
    let end = start + line[start..].find('"')?;
    Some(line[start..end].to_string())
}

/// Sends `text` and returns the status code, the head (with its final blank line)
/// and the body.
fn exchange(addr: SocketAddr, text: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream.write_all(text.as_bytes()).unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    let end = raw.find("\r\n\r\n").expect("a complete head") + 4;
    let (head, body) = raw.split_at(end);
    let status = head[9..12].parse().unwrap();
    (status, head.to_string(), body.to_string())
}

fn get(addr: SocketAddr, path: &str) -> (u16, String, String) {
    exchange(
        addr,
        &format!("GET {path} HTTP/1.1\r\nHost: test\r\nUser-Agent: it/1\r\n\r\n"),
    )
}

/// The (real, effective) ids on the `Uid:` or `Gid:` line of this test process,
/// whose ids the child inherits.
fn own_ids(field: &str) -> (u32, u32) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status
        .lines()
        .find(|l| l.starts_with(&format!("{field}:")))
        .unwrap();
    let ids: Vec<u32> = line
        .split_whitespace()
        .skip(1)
        .map(|v| v.parse().unwrap())
        .collect();
    (ids[0], ids[1])
}

#[test]
fn serves_metadata_health_and_errors_then_exits_0_on_sigterm() {
    let mut service = Service::start(&[
        ("K_SERVICE", "hello"),
        ("K_REVISION", "hello-00002-\"x\"\\y\t"),
    ]);

    let (status, head, body) = get(service.addr, "/");
    assert_eq!(status, 200, "{head}");
    assert!(
        head.contains("\r\nContent-Type: application/json\r\n"),
        "{head}"
    );
    assert!(head.contains("\r\nConnection: close\r\n"), "{head}");
    assert!(
        head.contains(&format!("\r\nContent-Length: {}\r\n", body.len())),
        "{head}"
    );
    let (uid, euid) = own_ids("Uid");
    let (gid, egid) = own_ids("Gid");
    assert_eq!(
        body,
        format!(
            "{{\"service\":\"hello\",\"revision\":\"hello-00002-\\\"x\\\"\\\\y\\t\",\"configuration\":null,\
             \"uid\":{uid},\"gid\":{gid},\"euid\":{euid},\"egid\":{egid}}}\n"
        )
    );
    let log = service.next_log_line();
    assert!(
        log.starts_with("{\"severity\":\"INFO\",\"message\":\"GET / 200\",\"httpRequest\":{"),
        "{log}"
    );
    assert!(log.contains("\"userAgent\":\"it/1\""), "{log}");
    assert!(log.contains("\"remoteIp\":\"127.0.0.1\""), "{log}");

    let (status, _, body) = get(service.addr, "/healthz");
    assert_eq!((status, body.as_str()), (200, "{\"status\":\"ok\"}\n"));

    let (status, head, body) = exchange(service.addr, "HEAD / HTTP/1.1\r\nHost: test\r\n\r\n");
    assert_eq!(status, 200);
    assert!(head.contains("\r\nContent-Length: "), "{head}");
    assert_eq!(body, "");

    let (status, _, body) = get(service.addr, "/missing");
    assert_eq!(
        (status, body.as_str()),
        (404, "{\"error\":\"not found\"}\n")
    );

    let (status, head, _) = exchange(
        service.addr,
        "DELETE /healthz HTTP/1.1\r\nHost: test\r\n\r\n",
    );
    assert_eq!(status, 405);
    assert!(head.contains("\r\nAllow: GET, HEAD\r\n"), "{head}");

    service.signal(SIGTERM);
    let (status, took) = service.wait_exit(Duration::from_secs(2));
    assert_eq!(
        status.code(),
        Some(0),
        "exit status {status:?} after {took:?}"
    );
    assert_eq!(service.stderr_text(), "");
}

#[test]
fn reports_null_metadata_outside_cloud_run() {
    let service = Service::start(&[]);
    let (status, _, body) = get(service.addr, "/");
    assert_eq!(status, 200);
    assert!(
        body.starts_with("{\"service\":null,\"revision\":null,\"configuration\":null,\"uid\":"),
        "{body}"
    );
}

#[test]
fn an_idle_connection_does_not_block_others_or_shutdown() {
    let mut service = Service::start(&[]);
    let _idle = TcpStream::connect(service.addr).unwrap();
    let half = {
        let mut s = TcpStream::connect(service.addr).unwrap();
        s.write_all(b"GET / HTTP/1.1\r\nHost: te").unwrap();
        s
    };

    let started = Instant::now();
    let (status, _, _) = get(service.addr, "/healthz");
    assert_eq!(status, 200);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );

    let clients: Vec<_> = (0..8)
        .map(|_| {
            let addr = service.addr;
            thread::spawn(move || get(addr, "/").0)
        })
        .collect();
    for client in clients {
        assert_eq!(client.join().unwrap(), 200);
    }

    // The idle connection is closed at once; the half-sent request is waited for
    // up to the drain timeout, which is longer than this test allows, so drop it.
    drop(half);
    service.signal(SIGTERM);
    let (status, took) = service.wait_exit(Duration::from_secs(2));
    assert_eq!(
        status.code(),
        Some(0),
        "exit status {status:?} after {took:?}"
    );
    assert!(took < Duration::from_secs(1), "{took:?}");
}

#[test]
fn exits_0_on_sigint() {
    let mut service = Service::start(&[]);
    service.signal(SIGINT);
    let (status, _) = service.wait_exit(Duration::from_secs(2));
    assert_eq!(status.code(), Some(0));
}

#[test]
fn stops_accepting_after_sigterm() {
    let mut service = Service::start(&[]);
    let addr = service.addr;
    service.signal(SIGTERM);
    service.wait_exit(Duration::from_secs(2));
    assert!(TcpStream::connect(addr).is_err());
}

#[test]
fn an_invalid_port_is_reported_with_exit_code_2() {
    for port in ["http", "70000", ""] {
        let output = Command::new(BIN)
            .env_clear()
            .env("PORT", port)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "PORT={port:?}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(
            stderr,
            format!(
                "{{\"severity\":\"ERROR\",\"message\":\"invalid PORT \\\"{port}\\\": expected a decimal port number from 0 to 65535\"}}\n"
            )
        );
        assert!(output.stdout.is_empty());
    }
}
