//! Goroutine diagnostics: a dump of every goroutine and what it waits for, and a leak check
//! for tests (Go: the `SIGQUIT` traceback, pprof's goroutine profile, `goleak`).
//!
//! Every goroutine records where it was started (`#[track_caller]` on [`go`](fn@crate::go),
//! [`go!`](crate::go!), [`WaitGroup::go`](crate::WaitGroup::go), [`Builder::go`](crate::Builder::go)
//! and the [`pattern`](crate::pattern) helpers), its optional name
//! ([`Builder::name`](crate::Builder::name)) and when it started. A gokio primitive that parks
//! a goroutine records Go's wait reason, where the call is, what it waits on, and since when.
//! [`dump`] snapshots all of it; its `Display` is Go's format:
//!
//! ```text
//! goroutine 0 [sync.WaitGroup.Wait]:
//! gokio::WaitGroup::wait(sync.WaitGroup 0x55d0c0a1b2c0 (counter 1))
//!         examples/dump.rs:31:13
//! created by gokio::run at examples/dump.rs:12:5
//!
//! goroutine 2 [semacquire, 3 minutes]:
//! gokio::Semaphore::acquire(semaphore 0x55d0c0a1b300 (want 1, available 0))
//!         examples/dump.rs:22:33
//! created by examples/dump.rs:20:9
//! name: worker 2
//!
//! goroutine 3 [running or waiting outside gokio]:
//! created by examples/dump.rs:26:5
//! ```
//!
//! and [`Dump::grouped`] counts alike goroutines, as pprof's `goroutine?debug=1` does.
//! [`LeakCheck`] / [`verify_none`] fail a test with the dump of the goroutines it left behind.
//! With the `sigquit` feature, `dump_on_sigquit()` makes `SIGQUIT` (Ctrl-\) print the dump and
//! exit, as Go does.
//!
//! # What is recorded
//!
//! Every gokio wait records Go's wait reason each time it leaves the goroutine pending:
//!
//! | wait | reason | on what |
//! |---|---|---|
//! | `recv`, `recv_ok`, a `Receiver` stream, a timer or ticker channel, `Context::done().recv()`, `Context::cancelled()` | `chan receive` | the channel, `(len, cap)` |
//! | `send`, a `Sender` sink, errgroup `go` past `set_limit` | `chan send` | the channel, `(len, cap)` |
//! | `select!` / `Select` | `select`; `select (no cases)` for `select! {}` | |
//! | `Mutex::lock` (and a `Cond` waiter relocking) | `sync.Mutex.Lock` | the mutex |
//! | `RwMutex::read` / `write` | `sync.RWMutex.RLock` / `sync.RWMutex.Lock` | the rwmutex |
//! | `Cond::wait` | `sync.Cond.Wait` | |
//! | `WaitGroup::wait`, errgroup `wait` | `sync.WaitGroup.Wait` | the wait group, its counter |
//! | `Semaphore::acquire` | `semacquire` | permits wanted and free |
//! | `Once::call_once` | `sync.Once.Do` | the `Once` |
//! | `time::sleep` | `sleep` | |
//!
//! Go has no context wait of its own: `<-ctx.Done()` is a channel receive, and so is gokio's.
//! Where the call is (`file:line:col`) is recorded for channel `send`/`recv`, `Mutex::lock`,
//! `WaitGroup::wait`, `Semaphore::acquire`, `Once::call_once` and `sleep`.
//!
//! A wait state counts only if the goroutine's *latest poll* recorded it: a parked gokio
//! future kept aside while the goroutine awaits something else is not shown. A goroutine
//! pending on anything gokio does not know — a socket, `tokio::time::sleep`, a `JoinHandle` —
//! is shown as `running or waiting outside gokio`, never as blocked — also when the same poll
//! left a gokio wait pending beside it (a `tokio::select!` or `join!` of a channel receive and
//! a socket read, a tokio timer or a tokio `Notify`): each goroutine is polled with a waker of
//! its own, gokio's primitives register the executor's waker instead, and a goroutine whose
//! waker has a clone alive anywhere else (the socket's, the timer's) can be woken from
//! outside gokio, so its wait state does not count.
//!
//! # Deadlock detection
//!
//! When every goroutine and the main future of [`run`](crate::run) are parked on gokio
//! primitives with nothing left to wake them, `run` panics with Go's message followed by the
//! dump, within about 200 ms:
//!
//! ```text
//! fatal error: all goroutines are asleep - deadlock!
//!
//! goroutine 0 [chan receive]:
//! gokio::Receiver::recv(chan 0x55d0c0a1b2c0 (len 0, cap 0))
//!         src/main.rs:5:12
//! created by gokio::run at src/main.rs:3:5
//! ```
//!
//! Like Go's, the check is global: a goroutine stuck forever while another still runs is not
//! reported (a leak check or a dump finds it). A background thread (`gokio-sysmon`) looks every
//! 100 ms, and reports only when two looks in a row saw the same, fully quiet state:
//!
//! - every live goroutine and every `run` (or [`Watchdog`]) main future is parked on a gokio
//!   wait recorded by its latest poll, none of them in `sleep`, nothing but gokio holds its
//!   waker, and no main future has been woken since;
//! - every runtime that runs one of them is idle: all its workers parked, nothing queued, and
//!   no task alive besides its goroutines — so no gokio timer, ticker or `after_func` task, no
//!   context deadline, no `tokio::spawn`ed task — and is known: gokio's own runtime, or one
//!   where a [`Watchdog`] runs;
//! - no thread is inside a `*_blocking` call (`recv_blocking`, `send_blocking`, …), which
//!   another thread could still serve;
//! - nothing was spawned, polled or woken between the two looks.
//!
//! Never reported, then: a goroutine awaiting a socket (`TcpListener::accept`), a tokio timer,
//! a `JoinHandle` or any future gokio does not know, alone or in a `tokio::select!` beside a
//! gokio wait (something outside gokio holds its waker); a pending gokio
//! timer or context deadline (its task is alive); a `sleep`; a goroutine on a tokio runtime
//! no watchdog knows (its other tasks cannot be counted). What it cannot see, and so could misreport: a plain thread that touches
//! gokio primitives without a `*_blocking` call (a `try_send` loop) — a goroutine waiting only
//! for such a thread looks asleep.
//!
//! Inside a tokio runtime of your own (`#[tokio::main]`, `#[tokio::test]`), where `run`
//! cannot be called, wrap the main future in a [`Watchdog`]: the same detector then watches
//! it, and by default prints Go's message and the dump and exits with status 2, as Go does.
//!
//! # Cost, and the `diagnostics` feature
//!
//! Everything here needs the `diagnostics` Cargo feature (off by default); without it `go`
//! compiles to what it was before the registry existed, primitives record nothing and their
//! futures keep their size (the call site they keep is zero-sized). With it, each goroutine
//! costs one 56-byte registry slot (taken from a per-thread free list: no allocation in the
//! steady state), a probe waker (an `Arc` reused through a per-thread spare list) and a poll
//! hook that bumps the slot's poll counter, sets a thread-local to the executor's waker and
//! reads the probe's reference count after the poll; each `Pending` of a gokio wait costs a
//! thread-local read, a waker clone and a few relaxed stores into the goroutine's own slot. Nothing is formatted or locked until a dump is requested; the
//! deadlock detector's look is a few atomic loads per tick while no `run` is active, and a
//! walk of the slots while one is.
//!
//! Measured with callgrind (instruction counts; the per-operation figure is the difference
//! between `GOKIO_BENCH_SCALE=0.11` and `0.01`, median of 3 runs each):
//!
//! | workload | without | with | cost |
//! |---|---|---|---|
//! | `go` + join (`benches/spawn.rs` `spawn_join_100k`) | 4 640 instr | 5 970 instr | +29% |
//! | unbuffered ping-pong of two tokio tasks (`benches/chan.rs` `pingpong`) | 3 070 instr | 3 240 instr | about +5% (one run each: the check for a current goroutine on every park) |
//! | idle goroutine on a shared channel (`benches/memory.rs`, resident bytes) | 546 B | 650 B | +19% |
//! | idle goroutine on its own channel | 946 B | 1 050 B | +11% |
//!
//! The spawn cost is the registry slot (claiming it and giving it back: about 210
//! instructions per goroutine), the poll hook and the probe (about 700 instructions more:
//! without the probe, which keeps a `tokio::select!` of a gokio wait and a socket from being
//! taken for a deadlock, `go` + join cost +13%); the memory cost is the slot and the probe.
//! All exceed what always-on bookkeeping may cost (3% of time, 10% of memory), hence the
//! feature. `src/debug/registry.rs` and `src/debug/probe.rs` explain the design.
//!
// Without `diagnostics` the public items are compiled out; the docs above still name them.
#![cfg_attr(not(feature = "diagnostics"), allow(rustdoc::broken_intra_doc_links))]

#[cfg(feature = "diagnostics")]
pub(crate) mod deadlock;
#[cfg(feature = "diagnostics")]
mod dump;
#[cfg(feature = "diagnostics")]
mod leak;
pub(crate) mod park;
#[cfg(feature = "diagnostics")]
mod probe;
#[cfg(feature = "diagnostics")]
pub(crate) mod registry;
#[cfg(all(unix, feature = "sigquit"))]
mod sigquit;
#[cfg(feature = "diagnostics")]
mod watchdog;

#[cfg(feature = "diagnostics")]
pub use dump::{dump, Dump, GoroutineInfo, Grouped};
#[cfg(feature = "diagnostics")]
pub use leak::{verify_none, LeakCheck, Leaked, Verify};
#[cfg(all(unix, feature = "sigquit"))]
pub use sigquit::dump_on_sigquit;
#[cfg(feature = "diagnostics")]
pub use watchdog::Watchdog;

pub(crate) use park::{caller, park, Object, Reason, Site, NO_SITE};

use std::borrow::Cow;
use std::future::Future;
use std::panic::Location;

/// What a goroutine's task holds from spawn to drop: its registry entry (which also counts
/// it in `num_goroutine`), or only the live count without the `diagnostics` feature.
#[cfg(feature = "diagnostics")]
pub(crate) type Registration = registry::Registration;
#[cfg(not(feature = "diagnostics"))]
pub(crate) type Registration = crate::runtime::LiveGuard;

/// Registers goroutine `id` (a `run` main future when `main`) started at `site`.
#[inline]
#[cfg_attr(not(feature = "diagnostics"), allow(unused_variables))]
pub(crate) fn register(
    id: u64,
    main: bool,
    site: &'static Location<'static>,
    name: Option<Cow<'static, str>>,
) -> Option<Registration> {
    #[cfg(feature = "diagnostics")]
    {
        let id = if main { registry::MAIN } else { id };
        Some(registry::Registration::new(id, site, name))
    }
    #[cfg(not(feature = "diagnostics"))]
    {
        (!main).then(crate::runtime::LiveGuard::new)
    }
}

/// Records that the goroutine registered by `reg` runs on `rt` (`None`: gokio's global
/// runtime), for the deadlock detector (see `deadlock.rs`). Called by the spawner, before
/// the goroutine runs.
#[inline]
#[cfg_attr(not(feature = "diagnostics"), allow(unused_variables))]
pub(crate) fn runs_on(reg: Option<&Registration>, rt: Option<&tokio::runtime::Handle>) {
    #[cfg(feature = "diagnostics")]
    if let Some(reg) = reg {
        let tag = match rt {
            Some(h) => registry::runtime_tag(h),
            None => registry::global_runtime_tag(),
        };
        reg.slot()
            .runtime
            .store(tag, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Runs `fut` as the goroutine registered by `reg`. With `diagnostics`, each poll begins by
/// making the registration's slot the one wait states find (`park::enter`) and bumping its
/// poll counter (which makes earlier wait states stale, see `park.rs`), and polls `fut` with
/// the goroutine's probe waker (`probe.rs`); either way the registration is dropped with the
/// future, however the goroutine ends.
#[inline]
pub(crate) fn scope<F: Future>(
    reg: Option<Registration>,
    fut: F,
) -> impl Future<Output = F::Output> {
    #[cfg(feature = "diagnostics")]
    {
        Scoped {
            fut,
            reg: reg.expect("registered"),
            probe: None,
        }
    }
    #[cfg(not(feature = "diagnostics"))]
    {
        use futures::FutureExt;
        // The guard rides in the `map` closure (zero-sized inside `Option` only when it is
        // `None`; `LiveGuard` itself is zero-sized), as before the registry existed.
        fut.map(move |value| {
            drop(reg);
            value
        })
    }
}

#[cfg(feature = "diagnostics")]
pin_project_lite::pin_project! {
    /// A goroutine's future with its registration and probe (see [`scope`]).
    struct Scoped<F> {
        #[pin]
        fut: F,
        reg: Registration,
        // Made by the first poll, on the thread that runs the goroutine.
        probe: Option<probe::Probed>,
    }
}

#[cfg(feature = "diagnostics")]
impl<F: Future> Future for Scoped<F> {
    type Output = F::Output;

    #[inline]
    fn poll(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<F::Output> {
        let this = self.project();
        let slot = this.reg.slot();
        park::enter(slot);
        let probe = this
            .probe
            .get_or_insert_with(|| probe::Probed::new(cx.waker()));
        let fut = this.fut;
        probe.poll(cx, slot, |cx| fut.poll(cx))
    }
}

/// The waker a gokio primitive registers when polled with `waker` (so that, with
/// `diagnostics`, gokio's own registrations never count as foreign, see `probe.rs`): every
/// primitive that keeps a waker clones it from here, never from `cx.waker()` directly.
#[inline(always)]
pub(crate) fn own(waker: &std::task::Waker) -> Cow<'_, std::task::Waker> {
    #[cfg(feature = "diagnostics")]
    {
        probe::own(waker)
    }
    #[cfg(not(feature = "diagnostics"))]
    {
        Cow::Borrowed(waker)
    }
}

/// Polls `fut`, a future a gokio primitive waits on inside its own poll (an event listener,
/// tokio's timer), with the waker gokio registers ([`own`]), so that the wait it leaves
/// registered is gokio's own and never counts as foreign.
#[inline(always)]
pub(crate) fn poll_own<F: Future + ?Sized>(
    fut: std::pin::Pin<&mut F>,
    cx: &std::task::Context<'_>,
) -> std::task::Poll<F::Output> {
    fut.poll(&mut std::task::Context::from_waker(&own(cx.waker())))
}

/// Runs `main`, a [`run`](crate::run) main future registered by `reg`: as [`scope`], and with
/// `diagnostics` also watched by the deadlock detector, which makes it panic with Go's
/// `fatal error: all goroutines are asleep - deadlock!` and the dump (see `deadlock.rs`).
pub(crate) fn run_main<F: Future>(
    reg: Option<Registration>,
    main: F,
) -> impl Future<Output = F::Output> {
    #[cfg(feature = "diagnostics")]
    {
        deadlock::watch(reg.expect("registered"), main, deadlock::Action::Panic)
    }
    #[cfg(not(feature = "diagnostics"))]
    {
        scope(reg, main)
    }
}
