//! The global deadlock detector (private): Go's `fatal error: all goroutines are asleep -
//! deadlock!` for [`run`](crate::run) and [`Watchdog`](super::Watchdog).
//!
//! Go's `checkdead` (`runtime/proc.go`) fires when no thread runs Go code, no goroutine is
//! runnable and no timer is pending. gokio cannot stop the world, so the `gokio-sysmon` thread
//! (`registry.rs`) looks every tick (100 ms) for the same facts, from the outside, and fires
//! only when two looks one tick apart saw the very same quiet state. One look requires:
//!
//! 1. **A `run` or watchdog is watching**, and no watched main future is being polled or has been woken
//!    and not yet polled (its waker is wrapped: [`MainWaker`]).
//! 2. **Every live goroutine and every `run` main future is parked on a gokio primitive, with
//!    a fresh wait state** (recorded by its latest poll, see `park.rs`) whose reason is not
//!    `sleep` (a sleeping goroutine will wake up).
//! 3. **Every runtime involved is quiet and known.** Each goroutine's slot names the runtime
//!    that polls it (its spawner records `registry::runtime_tag`, tokio's stable runtime
//!    `Id`), each watched main future's too, with whether it is polled as a task. Every such
//!    runtime must be gokio's global one or one where a watcher runs ([`RUNTIMES`]: a
//!    goroutine on any other runtime stops the look, since that runtime's tasks cannot be
//!    counted); its injection queue is empty; every worker is parked (its park/unpark count
//!    is odd: tokio's own test); it has exactly as many alive tasks as goroutines on it (plus
//!    watched main futures polled as tasks) — so no other task exists: no gokio timer or
//!    ticker task, no context-deadline task, no `tokio::spawn`ed task.
//! 4. **No thread is inside a `*_blocking` call** (`recv_blocking`, `lock_blocking`, …), which
//!    another thread might still serve ([`Blocking`] counts them).
//!
//! The second look must see the same slots (ids, wait words, poll counters), the same worker
//! park/unpark counts and the same next goroutine id: nothing was polled, parked, spawned or
//! woken in between. Then the dump is taken, and every watcher acts ([`Action`]: `run`
//! panics with Go's message followed by the dump; a watchdog exits with status 2 by default).
//!
//! A goroutine whose latest poll left a gokio wait *and* a foreign future pending
//! (`tokio::select!`/`join!` of a channel and a socket) fails rule 2: its wrapper saw a foreign
//! clone of its waker alive after the poll and marked the wait stale (`probe.rs`).
//!
//! What it cannot see (documented for users in `debug`'s module docs): threads outside the
//! runtime that touch gokio primitives without a `*_blocking` call (a `try_send` loop on a
//! plain thread) are not counted. Goroutines on a runtime no watcher knows are never
//! reported (rule 3).

use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, PoisonError};
use std::task::{Context, Poll, Wake, Waker};

use event_listener::{Event, EventListener};

use super::park::{self, Reason, Wait};
use super::registry::{self, Registration, IN_TASK};
use crate::loom::global::{AtomicU64, AtomicUsize, Mutex, OnceLock};

/// `run` main futures being watched.
static WATCHING: AtomicUsize = AtomicUsize::new(0);
/// `run` main futures being polled, or woken and not yet polled.
static BUSY: AtomicUsize = AtomicUsize::new(0);
/// Threads inside `blocking::block_on`.
static BLOCKING: AtomicUsize = AtomicUsize::new(0);
/// `run` main futures ever watched: each gets the next number.
static STARTED: AtomicU64 = AtomicU64::new(0);
/// Bumped each time the detector fires.
static FIRED: AtomicU64 = AtomicU64::new(0);
/// The [`STARTED`] count both looks of the latest firing saw: a `run` numbered above it
/// started after them and is not part of that deadlock.
static FIRED_UPTO: AtomicU64 = AtomicU64::new(0);
/// The message of the latest firing.
static REPORT: Mutex<String> = Mutex::new(String::new());
/// Wakes the watched `run`s when the detector fires.
static FIRE: OnceLock<Event> = OnceLock::new();

/// Go's message.
pub(crate) const MESSAGE: &str = "fatal error: all goroutines are asleep - deadlock!";

/// Counts a thread inside a `*_blocking` call while it lives.
pub(crate) struct Blocking(());

impl Blocking {
    pub(crate) fn new() -> Blocking {
        BLOCKING.fetch_add(1, Ordering::SeqCst);
        Blocking(())
    }
}

impl Drop for Blocking {
    fn drop(&mut self) {
        BLOCKING.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Counts one in [`BUSY`] while it lives.
struct Busy(());

impl Busy {
    fn new() -> Busy {
        BUSY.fetch_add(1, Ordering::SeqCst);
        Busy(())
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        BUSY.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A `run` main future's waker: the `block_on` waker, plus a [`Busy`] count from the wake-up
/// until the next poll begins, so that the detector never mistakes a woken main future for a
/// parked one (its wake-up goes to the `run` thread, which no runtime metric shows).
struct MainWaker {
    inner: Mutex<Option<Waker>>,
    woken: AtomicBool,
}

impl MainWaker {
    /// A poll begins: it is no longer woken-and-waiting.
    fn polled(&self) {
        if self.woken.swap(false, Ordering::SeqCst) {
            BUSY.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

impl Wake for MainWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if !self.woken.swap(true, Ordering::SeqCst) {
            BUSY.fetch_add(1, Ordering::SeqCst);
        }
        let inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(w) = inner.as_ref() {
            w.wake_by_ref();
        }
    }
}

impl Drop for MainWaker {
    fn drop(&mut self) {
        self.polled();
    }
}

/// Calls `park::leave` when dropped.
struct Leave;

impl Drop for Leave {
    fn drop(&mut self) {
        park::leave();
    }
}

/// Counts one in [`WATCHING`] while it lives.
struct Watching(());

impl Drop for Watching {
    fn drop(&mut self) {
        WATCHING.fetch_sub(1, Ordering::SeqCst);
    }
}

/// What a watched main future does when the detector fires.
pub(crate) enum Action {
    /// Panic with the report (`run`, [`Watchdog::panic`](super::Watchdog::panic)).
    Panic,
    /// Print the report to stderr and exit the process with status 2, as Go does.
    Exit,
    /// Call this with the report, then keep waiting.
    Call(Box<dyn Fn(&str) + Send + Sync>),
}

impl std::fmt::Debug for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Action::Panic => "Panic",
            Action::Exit => "Exit",
            Action::Call(_) => "Call(..)",
        })
    }
}

/// Runtimes whose metrics the detector may read: a watched main future's (with how many
/// watchers use it). The global runtime is always known.
static RUNTIMES: Mutex<Vec<(u64, tokio::runtime::Handle, usize)>> = Mutex::new(Vec::new());

/// Keeps a watched main future's runtime in [`RUNTIMES`] while it lives.
struct Known(Option<u64>);

impl Known {
    fn new() -> Known {
        let Ok(handle) = tokio::runtime::Handle::try_current() else {
            return Known(None);
        };
        let tag = registry::runtime_tag(&handle);
        let mut known = RUNTIMES.lock().unwrap_or_else(PoisonError::into_inner);
        match known.iter_mut().find(|k| k.0 == tag) {
            Some(k) => k.2 += 1,
            None => known.push((tag, handle, 1)),
        }
        Known(Some(tag))
    }
}

impl Drop for Known {
    fn drop(&mut self) {
        let Some(tag) = self.0 else { return };
        let mut known = RUNTIMES.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(i) = known.iter().position(|k| k.0 == tag) {
            known[i].2 -= 1;
            if known[i].2 == 0 {
                known.swap_remove(i);
            }
        }
    }
}

/// Runs `main` as goroutine 0 of a `run` or a watchdog, registered by `reg`, and does what
/// `action` says if the detector fires meanwhile.
pub(crate) async fn watch<F: Future>(reg: Registration, main: F, action: Action) -> F::Output {
    let slot = reg.slot();
    let _known = Known::new();
    WATCHING.fetch_add(1, Ordering::SeqCst);
    let _watching = Watching(());
    let mut seen = FIRED.load(Ordering::SeqCst);
    let number = STARTED.fetch_add(1, Ordering::SeqCst) + 1;
    let waker = Arc::new(MainWaker {
        inner: Mutex::new(None),
        woken: AtomicBool::new(false),
    });
    let wrapped = Waker::from(Arc::clone(&waker));
    // Gokio's primitives register `wrapped`; anything else gets the probe (see `probe.rs`).
    let mut probe = super::probe::Probed::new(&wrapped);
    let mut main = pin!(main);
    let mut listener: Option<EventListener> = None;
    std::future::poll_fn(move |cx| {
        {
            let mut inner = waker.inner.lock().unwrap_or_else(PoisonError::into_inner);
            if !inner.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                *inner = Some(cx.waker().clone());
            }
        }
        {
            let _busy = Busy::new(); // released even if `main` panics
            waker.polled();
            // Which runtime polls it, and whether as a task (see `look`).
            let in_task = if tokio::task::try_id().is_some() {
                IN_TASK
            } else {
                0
            };
            slot.runtime
                .store(registry::current_runtime() | in_task, Ordering::Relaxed);
            park::enter(slot);
            let _leave = Leave; // `park::leave()` even if `main` panics
            let mut cx = Context::from_waker(&wrapped);
            if let Poll::Ready(v) = probe.poll(&mut cx, slot, |cx| main.as_mut().poll(cx)) {
                return Poll::Ready(v);
            }
        }
        loop {
            let fired = FIRED.load(Ordering::SeqCst);
            if fired != seen {
                seen = fired;
                if number <= FIRED_UPTO.load(Ordering::SeqCst) {
                    let report = REPORT
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .clone();
                    match &action {
                        Action::Panic => panic!("{report}"),
                        Action::Exit => {
                            eprintln!("{report}");
                            std::process::exit(2);
                        }
                        Action::Call(f) => f(&report),
                    }
                }
            }
            match listener.as_mut() {
                None => listener = Some(FIRE.get_or_init(Event::new).listen()),
                Some(l) => {
                    std::task::ready!(Pin::new(l).poll(cx));
                    listener = None;
                }
            }
        }
    })
    .await
}

/// What one look saw; the detector fires when two looks one tick apart are equal.
#[derive(PartialEq, Eq, Debug)]
pub(crate) struct Look {
    /// (id, main, wait word, poll epochs, runtime) of every slot, sorted.
    slots: Vec<(u64, bool, u64, u64, u64)>,
    /// Park/unpark count of every worker of every runtime involved.
    parks: Vec<u64>,
    next_id: u64,
    /// [`STARTED`]: no `run` began between the looks.
    started: u64,
}

/// One look (see the module docs); `None` when anything could still run.
fn look() -> Option<Look> {
    if WATCHING.load(Ordering::SeqCst) == 0
        || BUSY.load(Ordering::SeqCst) != 0
        || BLOCKING.load(Ordering::SeqCst) != 0
    {
        return None;
    }
    let next_id = crate::runtime::peek_next_id();
    let started = STARTED.load(Ordering::SeqCst);
    let mut slots = Vec::new();
    let mut goroutines = 0;
    let mut asleep = true;
    // Tasks each runtime involved must have: its goroutines, and its watched main futures
    // polled as tasks (a `block_on` main future is no task).
    let mut tasks: Vec<(u64, usize)> = Vec::new();
    registry::for_each(|s| {
        goroutines += usize::from(!s.main);
        let parked = s.fresh() && Wait::decode(s.wait).is_some_and(|w| w.reason != Reason::Sleep);
        asleep &= parked;
        let tag = s.runtime & !IN_TASK;
        let task = usize::from(!s.main || s.runtime & IN_TASK != 0);
        match tasks.iter_mut().find(|t| t.0 == tag) {
            Some(t) => t.1 += task,
            None => tasks.push((tag, task)),
        }
        slots.push((s.id, s.main, s.wait, s.polls, s.runtime));
    });
    if !asleep || !slots.iter().any(|s| s.1) || crate::runtime::live() != goroutines {
        return None;
    }
    let known: Vec<(u64, tokio::runtime::Handle)> = {
        let known = RUNTIMES.lock().unwrap_or_else(PoisonError::into_inner);
        let global = crate::runtime::global_started().map(|rt| rt.handle().clone());
        let global = global.map(|h| (registry::runtime_tag(&h), h));
        known
            .iter()
            .map(|k| (k.0, k.1.clone()))
            .chain(global)
            .collect()
    };
    let mut parks = Vec::new();
    tasks.sort_unstable();
    for (tag, expected) in tasks {
        // A goroutine on a runtime no watcher knows (tag 0: polled outside any runtime): its
        // other tasks cannot be counted.
        let (_, handle) = known.iter().find(|k| k.0 == tag)?;
        let metrics = handle.metrics();
        for w in 0..metrics.num_workers() {
            let count = metrics.worker_park_unpark_count(w);
            if count % 2 == 0 {
                return None; // this worker is running
            }
            parks.push(count);
        }
        if metrics.global_queue_depth() != 0 || metrics.num_alive_tasks() != expected {
            return None;
        }
    }
    if BUSY.load(Ordering::SeqCst) != 0 {
        return None;
    }
    slots.sort_unstable();
    Some(Look {
        slots,
        parks,
        next_id,
        started,
    })
}

/// Called by the sysmon thread every tick, with what the previous tick saw.
pub(crate) fn tick(previous: &mut Option<Look>) {
    let now = look();
    if let Some(look) = now.as_ref().filter(|_| now == *previous) {
        fire(look.started);
        *previous = None;
    } else {
        *previous = now;
    }
}

/// Makes every `run` watched since before the looks panic with Go's message and the dump.
fn fire(started: u64) {
    let dump = super::dump();
    *REPORT.lock().unwrap_or_else(PoisonError::into_inner) = format!("{MESSAGE}\n\n{dump}");
    FIRED_UPTO.store(started, Ordering::SeqCst);
    FIRED.fetch_add(1, Ordering::SeqCst);
    FIRE.get_or_init(Event::new).notify(usize::MAX);
}
