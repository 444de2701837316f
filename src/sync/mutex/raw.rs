//! The lock protocol behind [`Mutex`](crate::Mutex): Go's `sync.Mutex` algorithm (barging plus
//! starvation hand-off), adapted to async and to tokio's scheduler.
//!
//! Source: Go's `src/sync/mutex.go` (the long comment above `starvationThresholdNs`). In
//! normal mode a new arrival may barge past queued waiters, which keeps throughput high; a
//! waiter that has waited 1 ms or more is handed the lock directly, so nobody starves.
//!
//! # Why the unlocker judges starvation here
//! In Go the *woken waiter* notices it has waited over 1 ms and switches the mutex to
//! starvation mode; Go's scheduler runs a woken goroutine soon. tokio gives no such promise:
//! a task woken from a worker goes to that worker's LIFO slot, which other workers cannot
//! steal, and a `current_thread` runtime has one thread. So while the unlocking task keeps
//! running (a critical section without `.await`, then `lock()` again on the fast path), the
//! woken waiter never runs. If the waiter left the queue when it was woken (as this file did
//! before), its claim vanished with it: the unlocks saw no waiters, took the one-CAS fast path,
//! and the waiter waited until the worker's cooperative budget ran out (about a second).
//! Therefore a woken waiter stays linked at the head, in state `Notified`, until its owner
//! polls it; unlocks meanwhile look at its age; and once it is starving, the unlock hands the
//! lock over (`Granted`, `LOCKED` never cleared). The re-locking task then finds the lock
//! held, queues behind, returns `Pending`, and so yields its worker to the waiter.
//!
//! # Why not every unlock reads the clock
//! Reading the clock costs about 25 ns on the machine `benches/sync.rs` runs on, as much as
//! the rest of a contended lock/unlock. With two workers in parallel, a woken waiter waits in
//! its worker's LIFO slot while the task there re-locks about 128 times (tokio's cooperative
//! budget), and when every one of those unlocks took the queue lock and read the clock,
//! `perf` put 40% of `mutex_contended_128`'s time in `clock_gettime` (57–60 ns per
//! lock/unlock, Go: 24). So the unlocks that pass over a woken head count themselves in the
//! state word, and read the clock (under the queue lock) only for the first
//! [`EXACT_PASSES`] pass-overs since the wake and then every [`CHECK_EVERY`]th; the others
//! are one CAS, as Go's unlock is while `mutexWoken` is set. A critical section of
//! 1 ms / [`EXACT_PASSES`] (62.5 µs) or more makes the check exact; with shorter ones a
//! starving waiter is handed the lock at most `CHECK_EVERY - 1` critical sections late.
//!
//! # Algorithm
//! - **State word** (`AtomicUsize`): `LOCKED`, `HAS_WAITERS`, `WOKEN` (the head is
//!   `Notified`: Go's `mutexWoken`), and above them the number of unlocks that passed over the
//!   woken head since it was woken (`PASS` each).
//! - **Fast lock**: CAS `0 → LOCKED`, or `s → s | LOCKED` when `s` has `WOKEN` and not
//!   `LOCKED` (one in 32 of these spends a unit of tokio's budget); failing that, spending a
//!   unit, CAS from any state without `LOCKED`
//!   (barging, as in Go's normal mode), then (if the lock is held, nobody is queued, and the
//!   process may run on more than one CPU, as Go's `canSpin` asks) a few rounds of spinning
//!   with exponential back-off, each retrying that CAS.
//! - **Slow lock**: lock the queue, set `HAS_WAITERS`, re-check `LOCKED` (if it is free,
//!   take it and restore `HAS_WAITERS` to "queue not empty"), else queue at the back with a
//!   fresh [`Age`] and return `Pending`. The future remembers its slot key.
//! - **Fast unlock**: a load, then, if the word is `LOCKED` alone, CAS `LOCKED → 0`
//!   (release); otherwise (waiters queued) straight on with the value read, so that a
//!   pass-over costs one locked instruction, not a failed CAS and then its own.
//! - **Pass-over unlock**: `WOKEN` is set and this pass-over's age check is not due
//!   ([`check_due`]): CAS clearing `LOCKED` and adding one `PASS`. No queue lock, no clock,
//!   nobody woken.
//! - **Slow unlock**: lock the queue and look at the head.
//!   - Starving (waited ≥ [`STARVATION_THRESHOLD`] since it first queued, woken or not):
//!     **hand off**. Unlink it, mark it `Granted`, wake it if it was not woken already, clear
//!     `WOKEN` and the passes; `LOCKED` stays set, so no new arrival can barge (Go's
//!     starvation mode).
//!   - Already `Notified`: clear `LOCKED`, add one `PASS`, wake nobody else (Go's
//!     `mutexWoken`: one woken waiter at a time).
//!   - Otherwise: mark it `Notified`, set `WOKEN`, reset the passes, clear `LOCKED`, wake it.
//!     It stays at the head.
//! - **A `Notified` waiter is polled**: in one CAS, it clears `WOKEN` and the passes and, if
//!   `LOCKED` is clear, takes the lock and leaves the queue; if a barger won, it goes back to
//!   `Waiting` where it is, at the front, its age kept (Go's LIFO re-queue with the original
//!   `waitStartTime`), and the next unlock wakes it again.
//! - **Cancellation** (a pending `Lock` dropped): `Waiting` → leave the queue; `Notified` →
//!   leave and pass the wake-up on to the new head (passes reset), or clear `WOKEN`;
//!   `Granted` → it owns the lock, so unlock (which hands it on in turn).
//!
//! Go switches a *mode* on and off; here each checking unlock decides from the head's age.
//! The head is always the oldest waiter (arrivals link at the back, a woken waiter never
//! leaves the front), so "the head is starving" is Go's starvation mode, entered at the same
//! moment (or within `CHECK_EVERY - 1` short critical sections, see above) and left when the
//! head is younger than the threshold (Go leaves it when a waiter that waited under 1 ms, or
//! the last one, receives the lock: at most one hand-off earlier).
//!
//! # Invariants
//! 1. `HAS_WAITERS` changes only under the queue lock, and whenever the queue lock is free,
//!    `HAS_WAITERS == !queue.is_empty()`.
//! 2. A lock-taker that queues sets `HAS_WAITERS` *before* re-checking `LOCKED` (both on the
//!    one atomic word), so an unlocker either sees `HAS_WAITERS` (its fast CAS fails and it
//!    takes the slow path under the queue lock) or the taker sees the lock free: no lost
//!    wake-up.
//! 3. A slot's state is written by the waker and read by its one owning future, both under
//!    the queue lock; the slot is freed only by that future (poll to completion or drop).
//! 4. Only the head can be `Notified`, and a `Notified` slot has a wake-up not yet consumed
//!    by a poll; so turning it into `Granted` needs no second wake.
//! 5. `Granted` means `LOCKED` was never cleared: ownership passed directly, and every
//!    barging path (fast CAS, spin, `try_lock`, slow lock) fails while it is set.
//! 6. `WOKEN` changes only under the queue lock, and whenever the queue lock is free,
//!    `WOKEN` is set iff the head is `Notified`. A pass-over unlock relies on it without the
//!    queue lock: its CAS succeeds only on a word with `WOKEN` set, so a woken waiter is on
//!    its way; a waiter that clears `WOKEN` (losing a race) does so in one CAS with its look
//!    at `LOCKED`, so an unlock either sees `WOKEN` clear (and takes the slow path, which
//!    wakes it again) or frees the lock before that CAS (which then takes it). No lost
//!    wake-up. The passes change only while `WOKEN` is set, and are reset with it.
//!
//! # Data
//! This file holds no user data: it only decides who holds the lock. The value lives in
//! `cell.rs`, the one module allowed `unsafe`, whose accessors rely on the guarantee made
//! here: between a successful acquire and the matching [`RawMutex::unlock`], nobody else
//! acquires.

use std::task::{Context, Poll, Waker};
use std::time::Duration;

use crate::loom::atomic::{AtomicUsize, Ordering};
use crate::sync::waiters::{WaitQueue, WaitState};

/// The lock is held.
const LOCKED: usize = 1;
/// The queue is not empty (see invariant 1).
const HAS_WAITERS: usize = 2;
/// The head waiter is `Notified`: woken and not yet polled (Go's `mutexWoken`; invariant 6).
const WOKEN: usize = 4;
/// One unlock that passed over the woken head; the count fills the bits above `WOKEN`.
const PASS: usize = 8;
/// The pass-over count's bits.
const PASSES: usize = !(PASS - 1);

/// Pass-overs of a woken head (since its wake) that all check its age.
#[cfg(not(loom))]
const EXACT_PASSES: usize = 16;
/// After the first [`EXACT_PASSES`], every `CHECK_EVERY`th pass-over checks its age.
#[cfg(not(loom))]
const CHECK_EVERY: usize = 16;
// Under loom: the first pass-over checks (so that the models' waiter starves at the second
// unlock that finds it at the head, as before), the second does not, the third does.
#[cfg(loom)]
const EXACT_PASSES: usize = 1;
#[cfg(loom)]
const CHECK_EVERY: usize = 3;

/// Whether pass-over number `pass` (1 for the first unlock after the wake) must take the
/// queue lock and check the woken head's age.
#[inline]
fn check_due(pass: usize) -> bool {
    pass <= EXACT_PASSES || pass.is_multiple_of(CHECK_EVERY)
}

/// Go's `starvationThresholdNs`: a waiter that has waited this long is handed the lock.
#[cfg_attr(loom, allow(dead_code))]
const STARVATION_THRESHOLD: Duration = Duration::from_millis(1);

/// How long a waiter has waited, for the starvation check: Go's `waitStartTime`, taken when
/// it first queues and kept while it is woken, loses and waits again at the front.
///
/// The clock is tokio's [`Instant`](tokio::time::Instant) (as in [`crate::time`]): the same
/// as std's, except in a runtime whose time is paused (tokio's `test-util`), where ages follow
/// the paused clock, so tests can step over the threshold exactly.
///
/// Under loom there is no time: a waiter counts the age checks made while it was at the head
/// instead, and starves at the second (or at the mutex's `starve_after`th, set by the
/// hidden `Mutex::loom_starve_after`). Models thus reach both the normal-mode race
/// (`Notified`) and the hand-off (`Granted`, and its cancellation).
#[derive(Clone, Copy, Debug)]
pub(super) struct Age {
    #[cfg(not(loom))]
    since: tokio::time::Instant,
    #[cfg(loom)]
    checked: u8,
}

impl Age {
    fn new() -> Age {
        Age {
            #[cfg(not(loom))]
            since: tokio::time::Instant::now(),
            #[cfg(loom)]
            checked: 0,
        }
    }

    /// Asked by an unlock that finds this waiter at the head: must it be handed the lock?
    fn starving(&mut self, _raw: &RawMutex) -> bool {
        #[cfg(not(loom))]
        {
            self.since.elapsed() >= STARVATION_THRESHOLD
        }
        #[cfg(loom)]
        {
            self.checked = self.checked.saturating_add(1);
            self.checked >= _raw.starve_after
        }
    }
}

/// Spin rounds before queueing; round `k` spins `2^k` times (tuned with `benches/sync.rs`).
#[cfg(not(loom))]
const SPIN_ROUNDS: u32 = 6;
#[cfg(loom)]
const SPIN_ROUNDS: u32 = 1;

/// See [`RawMutex::skip_budget`].
const BUDGET_EVERY: usize = 32;

/// The non-generic lock protocol: state word and waiter queue.
pub(super) struct RawMutex {
    state: AtomicUsize,
    /// Counts fast-path attempts; see [`RawMutex::skip_budget`].
    fast_polls: AtomicUsize,
    queue: crate::loom::Mutex<WaitQueue<Age>>,
    /// Under loom: the age check at which a head waiter starves (see [`Age`]).
    #[cfg(loom)]
    pub(super) starve_after: u8,
}

impl RawMutex {
    crate::loom::const_fn! {
        pub(super) fn new() -> Self {
            RawMutex {
                state: AtomicUsize::new(0),
                fast_polls: AtomicUsize::new(0),
                queue: crate::loom::Mutex::new(WaitQueue::new()),
                #[cfg(loom)]
                starve_after: 2,
            }
        }
    }

    /// Takes the lock if it is free (barging past queued waiters, as Go does; never while
    /// the lock is being handed off, since `LOCKED` stays set then).
    #[inline]
    pub(super) fn try_lock(&self) -> bool {
        let mut s = self.state.load(Ordering::Relaxed);
        while s & LOCKED == 0 {
            match self.state.compare_exchange_weak(
                s,
                s | LOCKED,
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Ok(_) => return true,
                Err(actual) => s = actual,
            }
        }
        false
    }

    /// Whether this fast-path attempt may skip tokio's cooperative budget. One attempt in
    /// `BUDGET_EVERY` pays a unit, so a task that keeps winning the lock still yields to
    /// the scheduler (every 128 × `BUDGET_EVERY` acquisitions) without the fast path paying
    /// for a yield every 128. A racy, non-RMW counter: it is only a heuristic. Fairness does
    /// not rely on it (see the module docs).
    #[inline]
    pub(super) fn skip_budget(&self) -> bool {
        let n = self.fast_polls.load(Ordering::Relaxed);
        self.fast_polls.store(n.wrapping_add(1), Ordering::Relaxed);
        !n.is_multiple_of(BUDGET_EVERY)
    }

    /// Records the current goroutine as parked on this mutex (`gokio::debug::dump`'s
    /// `sync.Mutex.Lock`); nothing without the `diagnostics` feature.
    #[inline(always)]
    pub(super) fn record_park(&self, site: crate::debug::Site) {
        crate::debug::park(crate::debug::Reason::SyncMutexLock, site, || {
            Some(crate::debug::Object::Mutex {
                addr: self as *const Self as usize,
            })
        });
    }

    /// The fast path, which skips tokio's budget most of the time: CAS `0 → LOCKED`, or take
    /// a free lock whose first waiter is already woken (`WOKEN`: nobody else to wake, and its
    /// age is still checked by the unlocks, see the module docs). Only a free lock with a
    /// waiter not yet woken goes the slow way, spending a budget unit on every lock, so that
    /// a task that keeps re-locking yields its worker to that waiter soon. It looks before
    /// it CASes: a failing CAS costs as much as a successful one.
    #[inline]
    pub(super) fn try_lock_fast(&self) -> bool {
        let s = self.state.load(Ordering::Relaxed);
        (s == 0 || s & (LOCKED | WOKEN) == WOKEN)
            && self
                .state
                .compare_exchange(s, s | LOCKED, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
    }

    /// One poll of a `lock()` future whose slot (if queued) is `key`.
    #[inline]
    pub(super) fn poll_lock(&self, key: &mut Option<usize>, cx: &mut Context<'_>) -> Poll<()> {
        match *key {
            None => {
                // Barge if the lock is free, whoever waits (Go's normal mode): one CAS on the
                // state word, no queue lock, also while a woken waiter has yet to run.
                if self.try_lock() || self.spin() {
                    return Poll::Ready(());
                }
                self.lock_slow(key, &crate::debug::own(cx.waker()))
            }
            Some(k) => self.poll_queued(k, key, &crate::debug::own(cx.waker())),
        }
    }

    /// Brief spinning while the lock is held and nobody is queued, and only if the process
    /// may run on more than one CPU (Go's `canSpin`: with one CPU the holder cannot run, and
    /// so cannot unlock, while we spin).
    fn spin(&self) -> bool {
        if !crate::runtime::multi_cpu() {
            return false;
        }
        for round in 0..SPIN_ROUNDS {
            let s = self.state.load(Ordering::Relaxed);
            if s & HAS_WAITERS != 0 {
                return false;
            }
            if s & LOCKED == 0 {
                if self.try_lock() {
                    return true;
                }
                continue;
            }
            for _ in 0..(1u32 << round) {
                crate::loom::spin_loop();
            }
        }
        false
    }

    #[cold]
    fn lock_slow(&self, key: &mut Option<usize>, waker: &Waker) -> Poll<()> {
        let mut q = crate::loom::lock(&self.queue);
        if self.acquire_or_flag(!q.is_empty()) {
            return Poll::Ready(());
        }
        *key = Some(q.push_back(waker.clone(), Age::new()));
        Poll::Pending
    }

    /// Under the queue lock: sets `HAS_WAITERS`, then takes the lock if it is free, leaving
    /// `HAS_WAITERS` set iff `others_waiting` (the queue without the caller is not empty).
    /// Returns whether the lock was taken; if not, the caller must be (or get) linked before
    /// it releases the queue lock, so that `HAS_WAITERS` stays true to invariant 1. `WOKEN`
    /// and the passes are kept (they belong to the head, if it is `Notified`).
    fn acquire_or_flag(&self, others_waiting: bool) -> bool {
        let mut s = self.state.fetch_or(HAS_WAITERS, Ordering::Acquire) | HAS_WAITERS;
        while s & LOCKED == 0 {
            let new = if others_waiting {
                s | LOCKED
            } else {
                // The queue is empty, so `WOKEN` and the passes are clear (invariant 6).
                LOCKED
            };
            match self
                .state
                .compare_exchange_weak(s, new, Ordering::Acquire, Ordering::Relaxed)
            {
                Ok(_) => return true,
                Err(actual) => s = actual,
            }
        }
        false
    }

    /// Under the queue lock, by the `Notified` head's owner: clears `WOKEN` and the passes
    /// and, in the same CAS, takes the lock if it is free (leaving `HAS_WAITERS` set iff
    /// `others_waiting`). Returns whether the lock was taken. One CAS for both, so that no
    /// pass-over unlock can free the lock between the look and the clearing (invariant 6).
    fn take_woken(&self, others_waiting: bool) -> bool {
        let mut s = self.state.load(Ordering::Relaxed);
        loop {
            let cleared = s & !(WOKEN | PASSES);
            let won = s & LOCKED == 0;
            let new = match (won, others_waiting) {
                (false, _) => cleared,
                (true, true) => cleared | LOCKED,
                (true, false) => LOCKED,
            };
            match self
                .state
                .compare_exchange_weak(s, new, Ordering::Acquire, Ordering::Relaxed)
            {
                Ok(_) => return won,
                Err(actual) => s = actual,
            }
        }
    }

    /// A queued future is polled again.
    fn poll_queued(&self, k: usize, key: &mut Option<usize>, waker: &Waker) -> Poll<()> {
        let mut q = crate::loom::lock(&self.queue);
        let state = q.slot(k).state;
        match state {
            WaitState::Granted => {
                q.free(k);
                *key = None;
                return Poll::Ready(());
            }
            WaitState::Notified => {
                // We are the head, still linked (invariant 4), and `WOKEN` is set.
                if self.take_woken(q.len() > 1) {
                    q.free(k);
                    *key = None;
                    return Poll::Ready(());
                }
                // Lost to a barging arrival: wait again where we are, at the front, with
                // our age kept.
                q.slot(k).state = WaitState::Waiting;
            }
            WaitState::Waiting => {}
        }
        let slot = q.slot(k);
        if !slot.waker.as_ref().is_some_and(|w| w.will_wake(waker)) {
            slot.waker = Some(waker.clone());
        }
        Poll::Pending
    }

    /// Looks before it CASes, as the fast lock does: with waiters queued the word is not
    /// `LOCKED`, and a `LOCKED → 0` CAS bound to fail would cost a locked instruction on
    /// top of the pass-over's (Go's unlock is one atomic add in both cases).
    #[inline]
    pub(super) fn unlock(&self) {
        let mut s = self.state.load(Ordering::Relaxed);
        if s == LOCKED {
            match self
                .state
                .compare_exchange(LOCKED, 0, Ordering::Release, Ordering::Relaxed)
            {
                Ok(_) => return,
                Err(actual) => s = actual,
            }
        }
        self.unlock_contended(s);
    }

    /// Waiters are queued (`s`, a recent value of the word, is not `LOCKED` alone). While a
    /// woken head is on its way and no age check is due, pass it over with one CAS (Go:
    /// `unlockSlow` returning at once when `mutexWoken` is set). A stale `s` only makes the
    /// CAS fail and retry with the fresh value, or sends the unlock to the slow path, which
    /// handles every state under the queue lock.
    #[inline(never)]
    fn unlock_contended(&self, mut s: usize) {
        while s & WOKEN != 0 && !check_due((s >> PASS.trailing_zeros()) + 1) {
            match self.state.compare_exchange_weak(
                s,
                (s & !LOCKED) + PASS,
                Ordering::Release,
                Ordering::Relaxed,
            ) {
                Ok(_) => return,
                Err(actual) => s = actual,
            }
        }
        self.unlock_slow();
    }

    /// Updates the state word while this thread holds both the lock and the queue lock: then
    /// nobody else can change it (every other writer needs one of the two), but the update
    /// stays a read-modify-write so that loom checks that claim.
    fn update_held(&self, f: impl Fn(usize) -> usize) {
        let _ = self
            .state
            .fetch_update(Ordering::Release, Ordering::Relaxed, |s| Some(f(s)));
    }

    #[cold]
    fn unlock_slow(&self) {
        let mut q = crate::loom::lock(&self.queue);
        let Some(k) = q.front() else {
            // Every waiter left since the fast CAS failed (and `WOKEN` went with them).
            self.state.fetch_and(!LOCKED, Ordering::Release);
            return;
        };
        let slot = q.slot(k);
        let waker = if slot.kind.starving(self) {
            // Starvation mode: hand off; LOCKED stays set (invariant 5). A `Notified` head
            // has a wake-up pending and no waker left: it will be polled and see `Granted`.
            slot.state = WaitState::Granted;
            let waker = slot.waker.take();
            q.unlink(k);
            let empty = q.is_empty();
            self.update_held(|s| {
                let s = s & !(WOKEN | PASSES);
                if empty {
                    s & !HAS_WAITERS
                } else {
                    s
                }
            });
            waker
        } else if slot.state == WaitState::Notified {
            // Woken already and not yet polled: free the lock, count the pass-over, wake
            // nobody else.
            self.update_held(|s| (s & !LOCKED) + PASS);
            None
        } else {
            slot.state = WaitState::Notified;
            let waker = slot.waker.take();
            self.update_held(|s| (s & !(LOCKED | PASSES)) | WOKEN);
            waker
        };
        drop(q);
        if let Some(w) = waker {
            w.wake();
        }
    }

    /// A pending `lock()` future with slot `k` is dropped.
    #[cold]
    pub(super) fn cancel(&self, k: usize) {
        let mut q = crate::loom::lock(&self.queue);
        let mut waker = None;
        match q.free(k) {
            WaitState::Waiting => {}
            WaitState::Notified => {
                // The wake-up was ours and the lock may be free with nobody else woken:
                // pass it on to the new head, whose passes start from zero; or, with nobody
                // left, clear `WOKEN` (invariant 6). A concurrent pass-over unlock changes
                // only `LOCKED` and the passes: these RMWs leave its bits alone.
                if let Some(next) = q.front() {
                    let slot = q.slot(next);
                    slot.state = WaitState::Notified;
                    waker = slot.waker.take();
                    self.state.fetch_and(!PASSES, Ordering::Relaxed);
                } else {
                    self.state.fetch_and(!(WOKEN | PASSES), Ordering::Relaxed);
                }
            }
            WaitState::Granted => {
                // We own the lock: release it (which hands it on).
                drop(q);
                self.unlock();
                return;
            }
        }
        if q.is_empty() {
            self.state.fetch_and(!HAS_WAITERS, Ordering::Relaxed);
        }
        drop(q);
        if let Some(w) = waker {
            w.wake();
        }
    }
}
