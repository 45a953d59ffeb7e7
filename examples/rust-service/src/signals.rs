//! Graceful shutdown on `SIGTERM` and `SIGINT`.
//!
//! # Why the process handles `SIGTERM` itself, and why no init is needed
//!
//! Cloud Run stops an instance by sending `SIGTERM` to the container's entrypoint,
//! then `SIGKILL` 10 seconds later. Without an init, the entrypoint is PID 1 of the
//! container's PID namespace, and the kernel gives PID 1 no default signal actions
//! (see `pid_namespaces(7)`): a signal it has no handler for is discarded, so an
//! unhandled `SIGTERM` would not stop it. Every shutdown would then wait for the
//! `SIGKILL` and cut off in-flight requests. Because this process installs its own
//! handlers, the missing default action does not matter, and the binary can run
//! as PID 1 with no init in front of it. An init's other job, reaping zombie
//! children, does not apply either: the server starts no child processes.
//!
//! Running it behind an init still works. With `docker run --init` (tini) the init
//! is PID 1 and forwards `SIGTERM`/`SIGINT` to this process, which handles them the
//! same way.
//!
//! # How
//!
//! The handler only stores `true` into an [`AtomicBool`], which is
//! async-signal-safe. The accept loop and the connection threads check the flag
//! at short intervals (see [`crate::server`]). `signal(3)` is declared by hand
//! because the crate uses the standard library only; std already links the C
//! library that defines it. On glibc and musl, `signal` installs the handler
//! persistently with `SA_RESTART` (BSD semantics).

use std::io;
use std::os::raw::c_int;
use std::sync::atomic::{AtomicBool, Ordering};

/// `SIGINT` (Ctrl-C): 2 on every Linux architecture.
pub const SIGINT: c_int = 2;
/// `SIGTERM`: 15 on every Linux architecture.
pub const SIGTERM: c_int = 15;

/// `sighandler_t`: a function pointer, passed as a pointer-sized integer.
type SigHandler = usize;
/// `SIG_ERR`, `(sighandler_t) -1`.
const SIG_ERR: SigHandler = usize::MAX;

extern "C" {
    fn signal(signum: c_int, handler: SigHandler) -> SigHandler;
}

/// Set once `SIGTERM` or `SIGINT` has been received.
static SHUTDOWN_REQUESTED: AtomicBool = AtomicBool::new(false);

extern "C" fn request_shutdown(_signum: c_int) {
    SHUTDOWN_REQUESTED.store(true, Ordering::SeqCst);
}

/// Installs the `SIGTERM` and `SIGINT` handlers and returns the flag they set.
pub fn install_shutdown_handlers() -> io::Result<&'static AtomicBool> {
    let handler = request_shutdown as extern "C" fn(c_int) as SigHandler;
    for signum in [SIGTERM, SIGINT] {
        // SAFETY: `request_shutdown` has the `void (*)(int)` signature `signal`
        // expects, lives for the whole program, and is async-signal-safe: it only
        // performs an atomic store.
        if unsafe { signal(signum, handler) } == SIG_ERR {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(&SHUTDOWN_REQUESTED)
}

#[cfg(test)]
mod tests {
    use super::*;

    extern "C" {
        fn raise(sig: c_int) -> c_int;
    }

    #[test]
    fn sigterm_and_sigint_set_the_flag_instead_of_terminating() {
        let flag = install_shutdown_handlers().unwrap();
        assert!(std::ptr::eq(flag, std::ptr::addr_of!(SHUTDOWN_REQUESTED)));
        for sig in [SIGTERM, SIGINT] {
            flag.store(false, Ordering::SeqCst);
            // SAFETY: raising a signal is always sound; the handlers were installed
            // above, so neither signal terminates the test process.
            assert_eq!(unsafe { raise(sig) }, 0);
            assert!(flag.load(Ordering::SeqCst), "signal {sig}");
        }
    }
}
