//! The accept loop and connection handling.
//!
//! - One thread per connection, at most [`ServerConfig::max_connections`] at a time.
//!   When all are busy, the accept loop stops accepting and new connections wait in
//!   the kernel's listen backlog.
//! - One request per connection: every response carries `Connection: close`.
//! - Slow clients cannot hold a thread for long: the whole request head must
//!   arrive within [`ServerConfig::request_timeout`] (a total deadline, not a
//!   per-read one, so trickling bytes does not extend it) and fit in
//!   [`ServerConfig::max_head_bytes`]; writes time out too.
//! - Shutdown: once the flag is set, the accept loop stops within one
//!   [`ServerConfig::poll_interval`] and closes the listener; connections that have
//!   not sent a byte are closed, requests in progress get up to
//!   [`ServerConfig::drain_timeout`] to finish.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::os::raw::{c_int, c_short};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use crate::http::{find_head_end, parse_request_head, Request, Response};
use crate::json::Json;
use crate::log::{self, RequestLog, Severity};
use crate::routes::{route, App};

/// Limits and timings of a [`Server`].
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Connections handled at the same time (Cloud Run's default concurrency is 80).
    pub max_connections: usize,
    /// Time from accepting a connection until its request head must be complete.
    pub request_timeout: Duration,
    /// Time allowed for each write of the response.
    pub write_timeout: Duration,
    /// Largest request head (request line and headers) accepted; larger heads get
    /// 414 (request line) or 431 (headers).
    pub max_head_bytes: usize,
    /// After shutdown is requested, how long to wait for requests in progress.
    pub drain_timeout: Duration,
    /// How often the accept loop and idle connections check the shutdown flag.
    pub poll_interval: Duration,
    /// How long to keep reading (and discarding) unread request bytes after
    /// responding, so that closing the socket does not reset the connection before
    /// the client has read the response.
    pub linger_timeout: Duration,
    /// Where log lines go.
    pub logger: fn(&str),
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            max_connections: 100,
            request_timeout: Duration::from_secs(10),
            write_timeout: Duration::from_secs(10),
            max_head_bytes: 8 * 1024,
            drain_timeout: Duration::from_secs(5),
            poll_interval: Duration::from_millis(100),
            linger_timeout: Duration::from_secs(1),
            logger: log::stdout,
        }
    }
}

/// At most this many unread request bytes are discarded while lingering.
const LINGER_MAX_BYTES: usize = 1 << 20;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShutdownReport {
    /// Connections still open when the drain timeout expired (0 after a clean drain).
    pub unfinished: usize,
}

/// An HTTP server on a bound listener.
#[derive(Debug)]
pub struct Server {
    listener: TcpListener,
    app: Arc<App>,
    config: Arc<ServerConfig>,
}

impl Server {
    /// A server for `listener`, which is switched to non-blocking mode.
    pub fn new(listener: TcpListener, app: App, config: ServerConfig) -> io::Result<Server> {
        listener.set_nonblocking(true)?;
        Ok(Server {
            listener,
            app: Arc::new(app),
            config: Arc::new(config),
        })
    }

    /// The address the listener is bound to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` becomes true, then stops accepting, waits up to the
    /// drain timeout for open connections, and returns.
    pub fn run(self, shutdown: &'static AtomicBool) -> ShutdownReport {
        let config = &self.config;
        let slots = Arc::new(Slots::default());
        while !shutdown.load(Ordering::SeqCst) {
            if !slots.wait_below(config.max_connections, config.poll_interval) {
                continue;
            }
            match wait_readable(&self.listener, config.poll_interval) {
                Ok(true) => {}
                Ok(false) => continue,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    (config.logger)(&log::line(
                        Severity::Error,
                        &format!("poll on the listener failed: {e}"),
                        vec![],
                    ));
                    thread::sleep(config.poll_interval);
                    continue;
                }
            }
            match self.listener.accept() {
                Ok((stream, peer)) => self.spawn_connection(stream, peer, &slots, shutdown),
                Err(e) => match e.kind() {
                    io::ErrorKind::WouldBlock
                    | io::ErrorKind::Interrupted
                    | io::ErrorKind::ConnectionAborted => {}
                    _ => {
                        // For example EMFILE: back off instead of spinning.
                        (config.logger)(&log::line(
                            Severity::Error,
                            &format!("accept failed: {e}"),
                            vec![],
                        ));
                        thread::sleep(config.poll_interval);
                    }
                },
            }
        }

        let open = slots.active();
        (config.logger)(&log::line(
            Severity::Info,
            "shutdown requested: no longer accepting connections",
            vec![("openConnections", Json::Num(open as u64))],
        ));
        drop(self.listener);
        let unfinished = slots.wait_idle(config.drain_timeout);
        if unfinished > 0 {
            (config.logger)(&log::line(
                Severity::Warning,
                "drain timeout expired with connections still open",
                vec![("openConnections", Json::Num(unfinished as u64))],
            ));
        }
        ShutdownReport { unfinished }
    }

    fn spawn_connection(
        &self,
        stream: TcpStream,
        peer: SocketAddr,
        slots: &Arc<Slots>,
        shutdown: &'static AtomicBool,
    ) {
        let slot = slots.acquire();
        let app = Arc::clone(&self.app);
        let config = Arc::clone(&self.config);
        let spawned = thread::Builder::new()
            .name("connection".into())
            .spawn(move || {
                let _slot = slot;
                handle_connection(stream, peer, &app, &config, shutdown);
            });
        // On failure the closure is dropped: the slot is released and the
        // connection closed.
        if let Err(e) = spawned {
            (self.config.logger)(&log::line(
                Severity::Error,
                &format!("cannot start a connection thread: {e}"),
                vec![],
            ));
        }
    }
}

/// Counts open connections; the accept loop waits on it for a free slot, and
/// shutdown waits on it for the drain.
#[derive(Debug, Default)]
struct Slots {
    active: Mutex<usize>,
    changed: Condvar,
}

#[derive(Debug)]
struct SlotGuard(Arc<Slots>);

impl Slots {
    fn lock(&self) -> MutexGuard<'_, usize> {
        self.active.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn active(&self) -> usize {
        *self.lock()
    }

    fn acquire(self: &Arc<Self>) -> SlotGuard {
        *self.lock() += 1;
        SlotGuard(Arc::clone(self))
    }

    /// Waits up to `timeout` for fewer than `max` active connections.
    fn wait_below(&self, max: usize, timeout: Duration) -> bool {
        let (active, _) = self
            .changed
            .wait_timeout_while(self.lock(), timeout, |n| *n >= max)
            .unwrap_or_else(PoisonError::into_inner);
        *active < max
    }

    /// Waits up to `timeout` for all connections to finish; returns how many remain.
    fn wait_idle(&self, timeout: Duration) -> usize {
        let (active, _) = self
            .changed
            .wait_timeout_while(self.lock(), timeout, |n| *n > 0)
            .unwrap_or_else(PoisonError::into_inner);
        *active
    }
}

impl Drop for SlotGuard {
    fn drop(&mut self) {
        *self.0.lock() -= 1;
        self.0.changed.notify_all();
    }
}

#[repr(C)]
struct PollFd {
    fd: c_int,
    events: c_short,
    revents: c_short,
}

const POLLIN: c_short = 0x001;

#[cfg(target_os = "linux")]
type NfdsT = std::os::raw::c_ulong;
#[cfg(not(target_os = "linux"))]
type NfdsT = std::os::raw::c_uint;

extern "C" {
    fn poll(fds: *mut PollFd, nfds: NfdsT, timeout: c_int) -> c_int;
}

/// Waits up to `timeout` for `fd` to become readable (for a listener: a connection
/// to accept). `poll(2)` returns early with `Interrupted` when a signal arrives, so
/// a shutdown signal is noticed at once; std has no portable equivalent.
fn wait_readable(fd: &impl AsRawFd, timeout: Duration) -> io::Result<bool> {
    let mut pollfd = PollFd {
        fd: fd.as_raw_fd(),
        events: POLLIN,
        revents: 0,
    };
    let millis = c_int::try_from(timeout.as_millis()).unwrap_or(c_int::MAX);
    // SAFETY: `pollfd` is a valid, exclusively borrowed `struct pollfd` (same
    // layout: int, short, short) and nfds is 1; the call does not retain the pointer.
    let ready = unsafe { poll(std::ptr::addr_of_mut!(pollfd), 1, millis) };
    if ready < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(ready > 0)
    }
}

/// The outcome of reading a request head.
#[derive(Debug)]
enum HeadRead {
    /// The head, and whether bytes beyond it were received.
    Complete { head: Vec<u8>, extra: bool },
    /// The head exceeds the limit; `line_complete` tells whether the request line
    /// fit.
    TooLarge { line_complete: bool },
    /// Part of a head arrived, then the deadline passed.
    TimedOut,
    /// The client sent nothing (closed, idled past the deadline, or shutdown began),
    /// closed mid-head, or the connection failed: nothing to answer.
    Nothing,
}

fn read_head(
    stream: &mut TcpStream,
    config: &ServerConfig,
    shutdown: &AtomicBool,
    deadline: Instant,
) -> HeadRead {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    loop {
        if let Some(end) = find_head_end(&buf) {
            if end <= config.max_head_bytes {
                let extra = buf.len() > end;
                buf.truncate(end);
                return HeadRead::Complete { head: buf, extra };
            }
        }
        if buf.len() >= config.max_head_bytes {
            let line_complete = buf[..config.max_head_bytes].contains(&b'\n');
            return HeadRead::TooLarge { line_complete };
        }
        let now = Instant::now();
        if now >= deadline {
            return if buf.is_empty() {
                HeadRead::Nothing
            } else {
                HeadRead::TimedOut
            };
        }
        if buf.is_empty() && shutdown.load(Ordering::SeqCst) {
            return HeadRead::Nothing;
        }
        let wait = (deadline - now).min(config.poll_interval);
        if stream.set_read_timeout(Some(wait)).is_err() {
            return HeadRead::Nothing;
        }
        let room = (config.max_head_bytes - buf.len()).min(chunk.len());
        match stream.read(&mut chunk[..room]) {
            Ok(0) => return HeadRead::Nothing,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock
                        | io::ErrorKind::TimedOut
                        | io::ErrorKind::Interrupted
                ) => {}
            Err(_) => return HeadRead::Nothing,
        }
    }
}

/// Reads one request from `stream`, answers it, logs it and closes the connection.
fn handle_connection(
    mut stream: TcpStream,
    peer: SocketAddr,
    app: &App,
    config: &ServerConfig,
    shutdown: &AtomicBool,
) {
    let started = Instant::now();
    // Accepted sockets do not inherit the listener's O_NONBLOCK on Linux; be explicit.
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_nodelay(true);

    let deadline = started + config.request_timeout;
    let (response, request, linger): (Response, Option<Request>, bool) =
        match read_head(&mut stream, config, shutdown, deadline) {
            HeadRead::Complete { head, extra } => match parse_request_head(&head) {
                Ok(request) => {
                    let linger = extra || request.has_body();
                    (route(&request, app), Some(request), linger)
                }
                Err(e) => (e.response(), None, true),
            },
            HeadRead::TooLarge {
                line_complete: false,
            } => (
                Response::error(414, "request line too long", None),
                None,
                true,
            ),
            HeadRead::TooLarge {
                line_complete: true,
            } => (
                Response::error(431, "request header fields too large", None),
                None,
                true,
            ),
            HeadRead::TimedOut => (Response::error(408, "request timeout", None), None, true),
            HeadRead::Nothing => return,
        };

    let head_only = request.as_ref().is_some_and(|r| r.method == "HEAD");
    let bytes = response.to_bytes(head_only);
    let _ = stream.set_write_timeout(Some(config.write_timeout));
    let written = stream.write_all(&bytes).and_then(|()| stream.flush());
    let _ = stream.shutdown(Shutdown::Write);

    let entry = RequestLog {
        method: request.as_ref().map_or("-", |r| r.method.as_str()),
        url: request.as_ref().map_or("-", |r| r.target.as_str()),
        protocol: request.as_ref().map_or("-", |r| r.version.as_str()),
        status: response.status,
        response_size: if written.is_ok() { bytes.len() } else { 0 },
        user_agent: request.as_ref().and_then(|r| r.header("user-agent")),
        remote_ip: peer.ip().to_string(),
        latency: started.elapsed(),
    };
    (config.logger)(&entry.to_line());
    if let Err(e) = written {
        (config.logger)(&log::line(
            Severity::Warning,
            &format!("could not send the response to {peer}: {e}"),
            vec![],
        ));
    } else if linger {
        discard_input(&mut stream, config.linger_timeout);
    }
}

/// Reads and drops what the client still sends, until it closes, the time is up
/// or [`LINGER_MAX_BYTES`] were read.
fn discard_input(stream: &mut TcpStream, budget: Duration) {
    let until = Instant::now() + budget;
    let mut chunk = [0u8; 8192];
    let mut total = 0;
    while total < LINGER_MAX_BYTES {
        let now = Instant::now();
        if now >= until || stream.set_read_timeout(Some(until - now)).is_err() {
            return;
        }
        match stream.read(&mut chunk) {
            Ok(0) => return,
            Ok(n) => total += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proc_status::{IdSet, ProcessIds};
    use std::net::Shutdown;
    use std::thread::JoinHandle;

    fn no_log(_: &str) {}

    fn fixed_ids() -> Result<ProcessIds, String> {
        let set = IdSet {
            real: 1000,
            effective: 1000,
            saved: 1000,
            filesystem: 1000,
        };
        Ok(ProcessIds { uid: set, gid: set })
    }

    fn quick_config() -> ServerConfig {
        ServerConfig {
            max_connections: 8,
            request_timeout: Duration::from_millis(400),
            write_timeout: Duration::from_secs(2),
            max_head_bytes: 8 * 1024,
            drain_timeout: Duration::from_secs(2),
            poll_interval: Duration::from_millis(20),
            linger_timeout: Duration::from_secs(1),
            logger: no_log,
        }
    }

    struct Running {
        addr: SocketAddr,
        shutdown: &'static AtomicBool,
        handle: JoinHandle<ShutdownReport>,
    }

    impl Running {
        fn stop(self) -> (ShutdownReport, Duration) {
            let started = Instant::now();
            self.shutdown.store(true, Ordering::SeqCst);
            let report = self.handle.join().unwrap();
            (report, started.elapsed())
        }
    }

    fn start(config: ServerConfig) -> Running {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let app = App {
            service: Some("svc".into()),
            revision: None,
            configuration: None,
            process_ids: fixed_ids,
        };
        let server = Server::new(listener, app, config).unwrap();
        let addr = server.local_addr().unwrap();
        let shutdown: &'static AtomicBool = Box::leak(Box::new(AtomicBool::new(false)));
        let handle = thread::spawn(move || server.run(shutdown));
        Running {
            addr,
            shutdown,
            handle,
        }
    }

    fn connect(addr: SocketAddr) -> TcpStream {
        let stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        stream
    }

    fn read_all(stream: &mut TcpStream) -> String {
        let mut out = Vec::new();
        stream.read_to_end(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn request(addr: SocketAddr, text: &str) -> String {
        let mut stream = connect(addr);
        stream.write_all(text.as_bytes()).unwrap();
        read_all(&mut stream)
    }

    const GET_HEALTHZ: &str = "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n";

    #[test]
    fn answers_while_another_connection_idles_and_closes_idle_ones_on_shutdown() {
        let server = start(ServerConfig {
            request_timeout: Duration::from_secs(30),
            ..quick_config()
        });
        let mut idle = connect(server.addr);
        let started = Instant::now();
        let response = request(server.addr, GET_HEALTHZ);
        assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
        assert!(
            response.ends_with("\r\n\r\n{\"status\":\"ok\"}\n"),
            "{response}"
        );
        assert!(started.elapsed() < Duration::from_secs(1));

        let (report, took) = server.stop();
        assert_eq!(report, ShutdownReport { unfinished: 0 });
        assert!(took < Duration::from_millis(500), "{took:?}");
        assert_eq!(
            read_all(&mut idle),
            "",
            "idle connections close without a response"
        );
    }

    #[test]
    fn serves_many_clients_at_once() {
        let server = start(quick_config());
        let addr = server.addr;
        let clients: Vec<_> = (0..16)
            .map(|_| thread::spawn(move || request(addr, "GET / HTTP/1.0\r\n\r\n")))
            .collect();
        for client in clients {
            let response = client.join().unwrap();
            assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
            assert!(response.contains("\"service\":\"svc\""), "{response}");
        }
        server.stop();
    }

    #[test]
    fn limits_connections_and_queues_the_rest() {
        let server = start(ServerConfig {
            max_connections: 1,
            request_timeout: Duration::from_millis(300),
            ..quick_config()
        });
        let _idle = connect(server.addr);
        thread::sleep(Duration::from_millis(50));
        let started = Instant::now();
        let response = request(server.addr, GET_HEALTHZ);
        assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
        // Served only once the idle connection's deadline freed the only slot.
        assert!(
            started.elapsed() >= Duration::from_millis(200),
            "{:?}",
            started.elapsed()
        );
        server.stop();
    }

    #[test]
    fn a_silent_connection_is_closed_at_the_deadline_without_a_response() {
        let server = start(quick_config());
        let mut idle = connect(server.addr);
        let started = Instant::now();
        assert_eq!(read_all(&mut idle), "");
        let took = started.elapsed();
        assert!(
            took >= Duration::from_millis(350) && took < Duration::from_secs(3),
            "{took:?}"
        );
        server.stop();
    }

    #[test]
    fn a_trickling_client_gets_408_at_the_total_deadline() {
        let server = start(quick_config());
        let mut stream = connect(server.addr);
        stream.write_all(b"GET / HTTP/1.1\r\nX-Slow: ").unwrap();
        let mut writer = stream.try_clone().unwrap();
        let trickle = thread::spawn(move || {
            // One byte every 50 ms: each read succeeds well within the poll interval
            // and request timeout, so only a total deadline stops it.
            for _ in 0..100 {
                if writer.write_all(b"a").is_err() {
                    break;
                }
                thread::sleep(Duration::from_millis(50));
            }
        });
        let started = Instant::now();
        let response = read_all(&mut stream);
        assert!(
            response.starts_with("HTTP/1.1 408 Request Timeout\r\n"),
            "{response}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
        let _ = stream.shutdown(Shutdown::Both);
        trickle.join().unwrap();
        server.stop();
    }

    #[test]
    fn oversized_heads_get_431_or_414() {
        let server = start(quick_config());
        let big_header = format!(
            "GET / HTTP/1.1\r\nHost: t\r\nX-Big: {}\r\n\r\n",
            "a".repeat(9000)
        );
        let response = request(server.addr, &big_header);
        assert!(
            response.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"),
            "{response}"
        );
        let long_line = format!("GET /{} HTTP/1.1\r\nHost: t\r\n\r\n", "a".repeat(9000));
        let response = request(server.addr, &long_line);
        assert!(
            response.starts_with("HTTP/1.1 414 URI Too Long\r\n"),
            "{response}"
        );
        // A head of exactly the limit is accepted.
        let prefix = "GET /healthz HTTP/1.1\r\nHost: t\r\nX-Pad: ";
        let pad = 8 * 1024 - prefix.len() - 4;
        let exact = format!("{prefix}{}\r\n\r\n", "a".repeat(pad));
        assert_eq!(exact.len(), 8 * 1024);
        let response = request(server.addr, &exact);
        assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
        server.stop();
    }

    #[test]
    fn malformed_requests_get_400_and_a_large_post_gets_405() {
        let server = start(quick_config());
        let response = request(server.addr, "GET / HTTP/1.1\r\n\r\n");
        assert!(
            response.starts_with("HTTP/1.1 400 Bad Request\r\n"),
            "{response}"
        );
        assert!(
            response.ends_with("\"detail\":\"missing Host header\"}\n"),
            "{response}"
        );

        let body = "x".repeat(200_000);
        let post = format!(
            "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let response = request(server.addr, &post);
        assert!(
            response.starts_with("HTTP/1.1 405 Method Not Allowed\r\n"),
            "{response}"
        );
        assert!(response.contains("\r\nAllow: GET, HEAD\r\n"), "{response}");
        server.stop();
    }

    #[test]
    fn keeps_reading_an_unread_body_for_a_while_after_responding() {
        let server = start(quick_config());
        let mut stream = connect(server.addr);
        stream
            .write_all(b"POST /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\nxxxx")
            .unwrap();
        let response = read_all(&mut stream);
        assert!(
            response.starts_with("HTTP/1.1 405 Method Not Allowed\r\n"),
            "{response}"
        );
        // Had the server closed its socket right away, the first late write would
        // be answered with a reset and the next one would fail.
        for _ in 0..4 {
            thread::sleep(Duration::from_millis(50));
            stream.write_all(&[b'x'; 1000]).unwrap();
        }
        server.stop();
    }

    #[test]
    fn head_requests_get_headers_only() {
        let server = start(quick_config());
        let response = request(server.addr, "HEAD /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
        assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
        assert!(
            response.contains("\r\nContent-Length: 16\r\n"),
            "{response}"
        );
        assert!(response.ends_with("\r\n\r\n"), "{response}");
        server.stop();
    }

    #[test]
    fn shutdown_lets_a_request_in_progress_finish_and_stops_accepting() {
        let server = start(ServerConfig {
            request_timeout: Duration::from_secs(10),
            ..quick_config()
        });
        let addr = server.addr;
        let mut stream = connect(addr);
        stream.write_all(b"GET /healthz HTTP/1.1\r\n").unwrap();
        thread::sleep(Duration::from_millis(100));
        let stopping = thread::spawn(move || server.stop());
        thread::sleep(Duration::from_millis(200));
        stream.write_all(b"Host: t\r\n\r\n").unwrap();
        let response = read_all(&mut stream);
        assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
        let (report, _) = stopping.join().unwrap();
        assert_eq!(report, ShutdownReport { unfinished: 0 });
        assert!(TcpStream::connect(addr).is_err(), "the listener is closed");
    }

    #[test]
    fn the_drain_is_bounded() {
        let server = start(ServerConfig {
            request_timeout: Duration::from_secs(10),
            drain_timeout: Duration::from_millis(300),
            ..quick_config()
        });
        let mut stream = connect(server.addr);
        stream.write_all(b"GET / HTTP/1.1\r\n").unwrap();
        thread::sleep(Duration::from_millis(100));
        let (report, took) = server.stop();
        assert_eq!(report, ShutdownReport { unfinished: 1 });
        assert!(took < Duration::from_secs(1), "{took:?}");
    }

    #[test]
    fn slots_count_and_wait() {
        let slots = Arc::new(Slots::default());
        assert!(slots.wait_below(1, Duration::ZERO));
        let guard = slots.acquire();
        assert_eq!(slots.active(), 1);
        assert!(!slots.wait_below(1, Duration::from_millis(10)));
        assert_eq!(slots.wait_idle(Duration::from_millis(10)), 1);
        let releaser = thread::spawn(move || {
            thread::sleep(Duration::from_millis(50));
            drop(guard);
        });
        assert_eq!(slots.wait_idle(Duration::from_secs(5)), 0);
        releaser.join().unwrap();
    }

    #[test]
    fn wait_readable_times_out_and_sees_pending_connections() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        assert!(!wait_readable(&listener, Duration::from_millis(10)).unwrap());
        let _client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        assert!(wait_readable(&listener, Duration::from_secs(5)).unwrap());
    }
}
