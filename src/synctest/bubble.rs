//! The bubble: which goroutines belong to it, when all of them are blocked, and the deadlock
//! verdicts (private).
//!
//! Implements the machinery behind [`test`](fn@super::test), [`wait`](super::wait) and the
//! goroutine spawn hook. The model is Go's `runtime/synctest.go` (a bubble counts its
//! goroutines; when none of them is running, it wakes the `Wait` caller, else advances the
//! fake clock, else reports a deadlock); the mechanism is tokio's:
//!
//! - **One runtime per bubble.** A bubble is a fresh `current_thread` runtime with a paused
//!   clock (`start_paused`). Every task of such a runtime is polled on the one thread that
//!   calls `block_on`, so "in the bubble" is a thread-local ([`current`]) set for the duration
//!   of `block_on` (and on the runtime's blocking-pool threads, via `on_thread_start`).
//! - **"Every goroutine is blocked" is tokio's park hook.** tokio's current-thread scheduler
//!   calls `on_thread_park` exactly when it is about to park: no task in its run queue, no
//!   deferred wake (`yield_now`), and the `block_on` future not woken (tokio ≥ 1.54's
//!   `has_pending_work`). That is the moment Go's `maybeWakeLocked` looks for — nothing in the
//!   bubble can run — observed without any per-poll bookkeeping. [`Bubble::idle`] runs there:
//!   it wakes the `wait` caller if there is one. A task woken from the hook lands in the run
//!   queue, so the scheduler does not park, and the clock does not advance (tokio auto-advances
//!   only inside a park that finds no work).
//! - **Time advances only when all are blocked** for the same reason: tokio's paused clock
//!   jumps to the next timer only from that park. Internal timer tasks (a `Timer`'s background
//!   task, an `after_func` callback) run on the bubble's runtime too, so a due callback is
//!   "running" until it has run — stronger than counting goroutines alone, and what Go's
//!   `TestContextAfterFunc` needs.
//! - **Goroutine count.** [`Bubble::spawn`] (called by `go` through the hook in
//!   `src/goroutine.rs`) counts the goroutine until its future is dropped, however it ends.
//!   The count decides the end of [`test`](fn@super::test): Go waits for every goroutine.
//! - **Deadlocks.** While the root runs, the driver also sleeps until the [`horizon`], 30
//!   years and a day after the last idle moment that followed a poll of a goroutine or of the
//!   root (no timer can be armed further: tokio and gokio saturate there; the goroutine
//!   wrapper counts polls for this, a cost only bubble goroutines pay). If tokio's clock ever jumps there, nothing could run and no timer
//!   was pending, which is Go's "all goroutines in bubble are blocked". A driver woken at an
//!   older horizon re-arms for the new one. After the root returns, time stops (as in
//!   Go): the first idle park with goroutines left is "main bubble goroutine has exited but
//!   blocked goroutines remain".
//!
//! Invariants: `goroutines` equals the number of spawned bubble goroutine futures not yet
//! dropped; at most one `wait` is registered, and it is released at most once, by `idle`.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use crate::loom::atomic::{AtomicU64, Ordering};
use crate::loom::{lock, Arc, Mutex};
use crate::time::Instant;

/// Go's deadlock reasons (`runtime/synctest.go`), word for word.
pub(super) const ALL_BLOCKED: &str = "deadlock: all goroutines in bubble are blocked";
pub(super) const MAIN_EXITED: &str =
    "deadlock: main bubble goroutine has exited but blocked goroutines remain";

/// The longest a timer can be armed for: tokio's `sleep` and gokio's timers both saturate
/// "forever" to 30 years (tokio: `safe_delay`), plus a day of margin.
const FOREVER: Duration = Duration::from_secs((30 * 365 + 1) * 86_400);

/// The deadlock horizon for a bubble last seen idle at `since`: if the clock ever jumps from
/// `since` to there, no timer was pending.
pub(super) fn horizon(since: Instant) -> Instant {
    since.checked_add(FOREVER).unwrap_or(since)
}

/// One bubble: shared by the test's driver, the runtime's park hook, its goroutines and
/// `wait` futures.
#[derive(Debug, Default)]
pub(crate) struct Bubble {
    state: Mutex<State>,
    /// Polls of bubble goroutines and of the root (see `last_active`).
    polls: AtomicU64,
}

#[derive(Debug, Default)]
struct State {
    /// Bubble goroutines spawned and not yet dropped.
    goroutines: usize,
    /// The `wait` in progress, if any.
    waiter: Option<Waiter>,
    /// The root future has returned: time stops, and `test` waits for `goroutines == 0`.
    root_done: bool,
    /// Set by `idle` after the root returned with goroutines left and all of them blocked.
    deadlocked: bool,
    /// The driver, waiting for the goroutines after the root returned.
    driver: Option<Waker>,
    /// The virtual time of the last idle park that followed a poll of a bubble goroutine or
    /// of the root (`None`: none yet).
    last_active: Option<Instant>,
    /// `polls` as that park saw it.
    seen_polls: u64,
}

#[derive(Debug)]
struct Waiter {
    waker: Waker,
    /// Set by `idle`: every other task of the bubble was blocked.
    released: bool,
}

thread_local! {
    /// Whether this thread runs a bubble: the only thing `go` reads outside bubbles (a
    /// constant-initialised `Cell<bool>` has no destructor, so the read is a plain load).
    static IN_BUBBLE: Cell<bool> = const { Cell::new(false) };
    /// The bubble this thread runs.
    static CURRENT: RefCell<Option<Arc<Bubble>>> = const { RefCell::new(None) };
}

/// The bubble the calling thread runs, if any.
#[inline]
pub(crate) fn current() -> Option<Arc<Bubble>> {
    if !IN_BUBBLE.get() {
        return None;
    }
    CURRENT.with(|c| c.borrow().clone())
}

/// Makes this thread a bubble thread (the runtime's blocking-pool threads, until [`leave`]).
pub(super) fn enter(bubble: Arc<Bubble>) {
    CURRENT.with(|c| *c.borrow_mut() = Some(bubble));
    IN_BUBBLE.set(true);
}

/// Ends this thread's membership.
pub(super) fn leave() {
    IN_BUBBLE.set(false);
    // `try_with`: a blocking thread may stop while its thread-locals are being destroyed.
    let _ = CURRENT.try_with(|c| c.borrow_mut().take());
}

/// The test thread's membership, ended also by a panic unwinding through `test`.
pub(super) struct EnterGuard(());

impl EnterGuard {
    pub(super) fn new(bubble: Arc<Bubble>) -> EnterGuard {
        enter(bubble);
        EnterGuard(())
    }
}

impl Drop for EnterGuard {
    fn drop(&mut self) {
        leave();
    }
}

impl Bubble {
    /// Spawns goroutine `task` as a member of this bubble, on the bubble's runtime (the
    /// ambient one: only bubble threads call this).
    pub(crate) fn spawn<F>(self: Arc<Self>, task: F) -> tokio::task::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        lock(&self.state).goroutines += 1;
        // Counted from here: the guard is dropped with the future, also if the spawn fails
        // (runtime shutting down), the goroutine panics, or it is aborted.
        let member = Member(self);
        tokio::runtime::Handle::current().spawn(InBubble {
            task: Box::pin(task),
            member,
        })
    }

    /// The park hook: no task of the bubble can run. Releases the `wait` in progress, else
    /// (after the root returned) declares the deadlock; otherwise tokio goes on to advance
    /// the clock to the next timer, or to the driver's horizon.
    pub(super) fn idle(&self) {
        let now = Instant::now();
        let polls = self.polls.load(Ordering::Relaxed);
        let mut st = lock(&self.state);
        if polls != st.seen_polls || st.last_active.is_none() {
            // Something ran since the last park: a timer it armed may be 30 years away. (A
            // park with no poll since the last one is tokio's timer wheel cascading a far
            // timer in hops; it arms nothing.)
            st.seen_polls = polls;
            st.last_active = Some(now);
        }
        if let Some(w) = st.waiter.as_mut().filter(|w| !w.released) {
            w.released = true;
            let waker = w.waker.clone();
            drop(st);
            waker.wake();
        } else if st.root_done && st.goroutines > 0 && !st.deadlocked {
            st.deadlocked = true;
            let driver = st.driver.take();
            drop(st);
            if let Some(driver) = driver {
                driver.wake();
            }
        }
    }

    /// The virtual time of the last idle park after bubble activity (or now, if none yet).
    pub(super) fn last_active(&self) -> Instant {
        lock(&self.state).last_active.unwrap_or_else(Instant::now)
    }

    /// Counts a poll of a bubble goroutine or of the root.
    #[inline]
    pub(super) fn polled(&self) {
        self.polls.fetch_add(1, Ordering::Relaxed);
    }

    /// The root future returned: from now on time stops and `test` waits for the goroutines.
    pub(super) fn root_done(&self) {
        lock(&self.state).root_done = true;
    }

    /// Registers or refreshes the `wait` in progress; `Ready` once `idle` released it.
    pub(super) fn poll_wait(&self, registered: &mut bool, cx: &mut Context<'_>) -> Poll<()> {
        let mut st = lock(&self.state);
        if !*registered {
            if st.waiter.is_some() {
                drop(st);
                panic!("wait already in progress");
            }
            st.waiter = Some(Waiter {
                waker: cx.waker().clone(),
                released: false,
            });
            *registered = true;
            return Poll::Pending;
        }
        let w = st
            .waiter
            .as_mut()
            .expect("a registered wait stays until it returns");
        if w.released {
            st.waiter = None;
            *registered = false;
            Poll::Ready(())
        } else {
            w.waker.clone_from(cx.waker());
            Poll::Pending
        }
    }

    /// Withdraws a registered `wait` that is dropped before it returned.
    pub(super) fn cancel_wait(&self) {
        lock(&self.state).waiter = None;
    }
}

/// A bubble goroutine: counts its polls, and counts itself in the bubble until dropped.
struct InBubble<F> {
    task: Pin<Box<F>>,
    member: Member,
}

impl<F: Future> Future for InBubble<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.member.0.polled();
        self.task.as_mut().poll(cx)
    }
}

/// Counts one bubble goroutine until dropped.
struct Member(Arc<Bubble>);

impl Drop for Member {
    fn drop(&mut self) {
        let mut st = lock(&self.0.state);
        st.goroutines -= 1;
        if st.goroutines == 0 {
            let driver = st.driver.take();
            drop(st);
            if let Some(driver) = driver {
                driver.wake();
            }
        }
    }
}

/// After the root returned: ready when every bubble goroutine has ended; panics with Go's
/// message when they are all blocked instead.
pub(super) struct Drain<'a>(pub(super) &'a Bubble);

impl Future for Drain<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut st = lock(&self.0.state);
        if st.goroutines == 0 {
            Poll::Ready(())
        } else if st.deadlocked {
            drop(st);
            super::deadlock(MAIN_EXITED)
        } else {
            st.driver = Some(cx.waker().clone());
            Poll::Pending
        }
    }
}
