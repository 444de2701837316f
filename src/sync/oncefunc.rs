//! Go 1.21's `sync.OnceFunc`, `sync.OnceValue` and `sync.OnceValues`: plain (blocking)
//! functions that wrap `f` in a closure calling it at most once.
//!
//! Source: Go's `src/sync/oncefunc.go`. There, a `sync.Once` runs `f`; a deferred recover
//! stores the panic value (and `f` is set to nil so that it can be collected), and every
//! call re-panics with the stored value after `once.Do` returns.
//!
//! Here, one [`OnceLock`] holds the outcome (the value, or the panic's message) and a
//! mutex holds `f` until the one initialisation takes it out and consumes it. `OnceLock`
//! gives Go's `Once` semantics: exactly one initialiser runs; concurrent callers block until
//! it has finished; afterwards a call is one atomic load.
//!
//! # Invariants
//! 1. The initialiser never unwinds (it catches `f`'s panic), so the `OnceLock` is always
//!    initialised after the first call returns or unwinds, and `f` never runs twice.
//! 2. `f` is taken out of its slot before it is called, so it is dropped when the first call
//!    ends (Go's `TestOnceXGC`), panic or not.
//!
//! These are thread-blocking primitives, not part of the async core that loom models, so
//! they use std's `OnceLock` and `Mutex` directly rather than the `crate::loom` facade.

use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex, OnceLock};

use crate::goroutine::panic_message;

/// The state a once-closure shares between its clones.
struct Inner<F, T> {
    f: Mutex<Option<F>>,
    /// `Ok(value)`, or the message of `f`'s panic (invariant 1).
    outcome: OnceLock<Result<T, Arc<str>>>,
}

impl<F: FnOnce() -> T, T> Inner<F, T> {
    /// Runs `f` on the first call; returns its value or re-raises its panic.
    fn call(&self) -> &T {
        let mut first_panic = None;
        let outcome = self.outcome.get_or_init(|| {
            // Invariant 2: `f` leaves its slot before it runs.
            let f = self
                .f
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .take()
                .expect("once_func: f is present until the one initialisation");
            panic::catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
                let message = Arc::from(panic_message(&*payload));
                first_panic = Some(payload);
                message
            })
        });
        // The call that ran `f` re-raises the original payload (so `catch_unwind` sees
        // exactly what `f` panicked with, and the panic hook has already said where).
        if let Some(payload) = first_panic {
            panic::resume_unwind(payload);
        }
        match outcome {
            Ok(value) => value,
            // Later calls re-raise the same message.
            Err(message) => panic::panic_any(message.to_string()),
        }
    }
}

fn shared<F: FnOnce() -> T, T>(f: F) -> Arc<Inner<F, T>> {
    Arc::new(Inner {
        f: Mutex::new(Some(f)),
        outcome: OnceLock::new(),
    })
}

/// Returns a function that calls `f` only the first time it is called (Go 1.21:
/// `sync.OnceFunc(f)`).
///
/// The returned closure may be cloned and called from any number of threads or
/// goroutines; `f` runs once. A caller that arrives while `f` is running waits until it has
/// finished, so that when any call returns, `f` has completed. `f` is dropped once it has
/// run.
///
/// # Panics
///
/// If `f` panics, the returned function panics on every call, as in Go. The call that ran
/// `f` re-raises `f`'s own payload; later calls panic with the same message, as a `String`
/// payload (a payload is not `Clone`; a non-string payload becomes `"Box<dyn Any>"`).
/// Calling the returned function from inside `f` deadlocks or panics (as Go's deadlocks).
///
/// # Cancel safety
///
/// Not applicable: not async.
///
/// # Blocking
///
/// Blocks the calling thread while another caller runs `f`. In async code keep `f` short
/// (it runs on a runtime worker, and concurrent callers block theirs), or use
/// [`Once`](crate::Once), whose waiters are async.
///
/// # Examples
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering};
///
/// static CALLS: AtomicUsize = AtomicUsize::new(0);
/// let init = gokio::sync::once_func(|| {
///     CALLS.fetch_add(1, Ordering::SeqCst);
/// });
/// let threads: Vec<_> = (0..4)
///     .map(|_| {
///         let init = init.clone();
///         std::thread::spawn(move || init())
///     })
///     .collect();
/// for t in threads {
///     t.join().unwrap();
/// }
/// init();
/// assert_eq!(CALLS.load(Ordering::SeqCst), 1);
/// ```
pub fn once_func<F>(f: F) -> impl Fn() + Clone + Send + Sync
where
    F: FnOnce() + Send,
{
    let inner = shared(f);
    move || *inner.call()
}

/// Returns a function that calls `f` only the first time it is called and returns its
/// value on every call (Go 1.21: `sync.OnceValue(f)`).
///
/// Each call returns a clone of the value; for a large value, return an `Arc` from `f`.
/// Otherwise as [`once_func`]: one run of `f`, concurrent callers wait for it, `f` is dropped
/// once it has run.
///
/// # Panics
///
/// As [`once_func`]: if `f` panics, every call panics with the same message.
///
/// # Cancel safety
///
/// Not applicable: not async.
///
/// # Blocking
///
/// Blocks the calling thread while another caller runs `f` (see [`once_func`]).
///
/// # Examples
///
/// ```
/// // Go: var config = sync.OnceValue(func() Config { return load() })
/// let config = gokio::sync::once_value(|| {
///     println!("loading once");
///     String::from("port=8080")
/// });
/// assert_eq!(config(), "port=8080");
/// assert_eq!(config(), "port=8080"); // no second load
/// ```
pub fn once_value<T, F>(f: F) -> impl Fn() -> T + Clone + Send + Sync
where
    F: FnOnce() -> T + Send,
    T: Clone + Send + Sync,
{
    let inner = shared(f);
    move || inner.call().clone()
}

/// Returns a function that calls `f` only the first time it is called and returns its two
/// values on every call (Go 1.21: `sync.OnceValues(f)`, typically `(value, err)`).
///
/// In Rust the usual pair is a `Result`, for which [`once_value`] is enough; this form
/// keeps a ported Go signature as it is.
///
/// # Panics
///
/// As [`once_func`]: if `f` panics, every call panics with the same message.
///
/// # Cancel safety
///
/// Not applicable: not async.
///
/// # Blocking
///
/// Blocks the calling thread while another caller runs `f` (see [`once_func`]).
///
/// # Examples
///
/// ```
/// // Go: readConfig := sync.OnceValues(func() ([]byte, error) { return os.ReadFile(path) })
/// let read_config = gokio::sync::once_values(|| (vec![1u8, 2], None::<String>));
/// let (data, err) = read_config();
/// assert_eq!((data.len(), err), (2, None));
/// ```
pub fn once_values<T1, T2, F>(f: F) -> impl Fn() -> (T1, T2) + Clone + Send + Sync
where
    F: FnOnce() -> (T1, T2) + Send,
    T1: Clone + Send + Sync,
    T2: Clone + Send + Sync,
{
    once_value(f)
}
