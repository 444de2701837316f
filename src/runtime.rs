//! Where goroutines run (private).
//!
//! Implements the plumbing behind [`go`](fn@crate::go) and [`run`](crate::run):
//!
//! - **Which runtime.** Inside any tokio runtime (multi-thread or current-thread) goroutines are
//!   spawned on that runtime, found through [`Handle::try_current`]. Outside any runtime they go
//!   to one process-wide multi-threaded runtime, started lazily on first use with one worker per
//!   available CPU (Go's `GOMAXPROCS` default) and every driver enabled. It lives in a `static`
//!   and is never shut down, like Go's scheduler.
//! - **Goroutine ids.** One global counter, starting at 1 like Go's (Go's main goroutine is 1;
//!   gokio has no main goroutine, so the first spawned goroutine gets 1).
//! - **Live count.** The goroutine's registry entry (`crate::debug::Registration`, moved into
//!   its task) increments the count when the goroutine is spawned and decrements it when
//!   dropped, so the count drops whether the future completes, panics, is aborted, or is never
//!   polled.
//! - **Tracing span.** Every goroutine runs in a span `goroutine{id=N, site=file:line:col}`,
//!   with `name` too when it has one.
//!
//! Invariant: the sum of the `LIVE` shards equals the number of spawned goroutine futures not
//! yet dropped. The count is sharded by thread: a goroutine is usually counted up on the
//! spawning thread and down on a worker, and one shared counter made that cache line bounce
//! between cores on every spawn (`benches/spawn.rs`).

use tokio::runtime::{Builder, Handle, Runtime};

use crate::loom::atomic::Ordering;
use crate::loom::global::{AtomicU64, AtomicUsize, OnceLock};

/// The next goroutine id.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// Goroutine futures spawned and not yet dropped, as per-thread shards (a shard may go
/// "negative", wrapping, when goroutines end on other threads than they started: only the
/// sum is meaningful).
static LIVE: [Shard; SHARDS] = [const { Shard(AtomicUsize::new(0)) }; SHARDS];

/// Number of counter shards (threads beyond this share them).
const SHARDS: usize = 16;

/// One counter on its own cache line.
#[repr(align(128))]
struct Shard(AtomicUsize);

/// This thread's shard.
fn shard() -> &'static AtomicUsize {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    thread_local! {
        static MINE: usize = NEXT.fetch_add(1, Ordering::Relaxed) % SHARDS;
    }
    &LIVE[MINE.try_with(|m| *m).unwrap_or(0)].0
}

/// The lazily started process-wide runtime.
static GLOBAL: OnceLock<Runtime> = OnceLock::new();

/// The process-wide runtime, started on first use.
pub(crate) fn global() -> &'static Runtime {
    GLOBAL.get_or_init(|| {
        let workers = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        Builder::new_multi_thread()
            .worker_threads(workers)
            .thread_name("gokio-worker")
            .enable_all()
            .build()
            .expect("gokio: failed to start the global tokio runtime")
    })
}

/// Whether this process may run on more than one CPU, asked once: std's
/// `available_parallelism` (the affinity mask, as Go's `ncpu`, and a cgroup CPU quota). With
/// one, a spinner only delays the holder it waits for (the `Mutex`'s lock and the channels'
/// spin lock both ask).
#[cfg(not(loom))]
pub(crate) fn multi_cpu() -> bool {
    static MULTI: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *MULTI.get_or_init(|| std::thread::available_parallelism().map_or(true, |n| n.get() > 1))
}

/// Under loom the models' threads may all run: spin, so that the models cover it.
#[cfg(loom)]
pub(crate) fn multi_cpu() -> bool {
    true
}

/// Whether the calling thread is inside a tokio runtime context.
pub(crate) fn in_runtime() -> bool {
    Handle::try_current().is_ok()
}

/// A fresh goroutine id.
#[inline]
pub(crate) fn next_id() -> u64 {
    NEXT_ID.fetch_add(1, Ordering::Relaxed)
}

/// The id the next goroutine will get (the deadlock detector's "nothing was spawned" check).
#[cfg(feature = "diagnostics")]
pub(crate) fn peek_next_id() -> u64 {
    NEXT_ID.load(Ordering::Relaxed)
}

/// The process-wide runtime, if it has started.
#[cfg(feature = "diagnostics")]
pub(crate) fn global_started() -> Option<&'static Runtime> {
    GLOBAL.get()
}

/// The number of live goroutines.
#[inline]
pub(crate) fn live() -> usize {
    LIVE.iter().fold(0usize, |sum, s| {
        sum.wrapping_add(s.0.load(Ordering::Acquire))
    })
}

/// Counts a new goroutine (called by its registry entry).
#[inline]
pub(crate) fn live_inc() {
    shard().fetch_add(1, Ordering::Relaxed);
}

/// Uncounts a goroutine whose future was dropped.
#[inline]
pub(crate) fn live_dec() {
    shard().fetch_sub(1, Ordering::Release);
}

/// Counts one live goroutine from creation until drop (without the `diagnostics` feature;
/// with it, the registry entry counts).
#[derive(Debug)]
pub(crate) struct LiveGuard(());

impl LiveGuard {
    /// Counts a new goroutine.
    #[inline]
    #[allow(dead_code)] // used without the `diagnostics` feature
    pub(crate) fn new() -> Self {
        live_inc();
        LiveGuard(())
    }
}

impl Drop for LiveGuard {
    #[inline]
    fn drop(&mut self) {
        live_dec();
    }
}

/// Whether a subscriber would record the `goroutine panicked` error event. Checked once per
/// spawn; a goroutine spawned while nothing listens does not log its panic later (its panic
/// still reaches `join`).
#[inline]
pub(crate) fn panic_event_enabled() -> bool {
    tracing::event_enabled!(tracing::Level::ERROR)
}

/// The span a goroutine runs in: `goroutine{id=N, site=file:line:col, name=...}`. Disabled
/// (free to enter, its fields never formatted) when no subscriber wants INFO spans.
#[inline]
pub(crate) fn span(
    id: u64,
    site: &'static std::panic::Location<'static>,
    name: Option<&str>,
) -> tracing::Span {
    tracing::info_span!("goroutine", id, site = %site, name)
}

/// Spawns an internal background task (timers, context deadlines) on the ambient runtime, or
/// on the global one outside any runtime. Not a goroutine: it is not counted by
/// [`num_goroutine`](crate::num_goroutine) and has no span.
pub(crate) fn spawn_detached<F>(fut: F)
where
    F: std::future::Future<Output = ()> + Send + 'static,
{
    match Handle::try_current() {
        Ok(h) => drop(h.spawn(fut)),
        Err(_) => drop(global().spawn(fut)),
    }
}
