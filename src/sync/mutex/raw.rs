//! The lock protocol behind [`Mutex`](crate::Mutex): Go's `sync.Mutex` algorithm (barging plus starvation mode), adapted to async.
//!
//! Source: Go's `src/sync/mutex.go` (the long comment above `starvationThresholdNs`). In
//! normal mode a new arrival may barge past queued waiters, which keeps throughput high; a
//! waiter that has queued for more than 1 ms is handed the lock directly, so nobody starves.
//!
//! # Algorithm
//! - **State word** (`AtomicUsize`): `LOCKED` and `HAS_WAITERS`.
//! - **Fast lock**: CAS `0 → LOCKED`, then (if the lock is held and nobody is queued) a few
//!   rounds of spinning with exponential back-off, each retrying the CAS from any state
//!   without `LOCKED`. Barging is allowed, as in Go's normal mode.
//! - **Slow lock**: lock the queue, set `HAS_WAITERS`, re-check `LOCKED` (if it is free,
//!   take it and restore `HAS_WAITERS` to "queue not empty"), else queue at the back with the
//!   time of arrival and return `Pending`. The future remembers its slot key.
//! - **Fast unlock**: CAS `LOCKED → 0` (release); it fails only when `HAS_WAITERS` is set.
//! - **Slow unlock**: lock the queue and pop the head. If it has waited ≥ 1 ms, **hand off**:
//!   `LOCKED` stays set, the head is marked `Granted` and woken, and no new arrival can
//!   barge (Go's starvation mode). Otherwise mark it `Notified`, clear `LOCKED` (and
//!   `HAS_WAITERS` if the queue is now empty) and wake it: it competes with new arrivals and,
//!   if it loses, re-queues at the **front** with its original arrival time, so within 1 ms
//!   it is handed the lock.
//! - **Cancellation** (a pending `Lock` dropped): `Waiting` → leave the queue; `Notified` →
//!   pass the wake-up on to the next waiter; `Granted` → it owns the lock, so unlock.
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
//! 4. `Granted` means `LOCKED` was never cleared: ownership passed directly.
//!
//! # Data
//! This file holds no user data: it only decides who holds the lock. The value lives in
//! `cell.rs`, the one module allowed `unsafe`, whose accessors rely on the guarantee made
//! here: between a successful acquire and the matching [`RawMutex::unlock`], nobody else
//! acquires.

use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use crate::loom::atomic::{AtomicUsize, Ordering};
use crate::sync::waiters::{WaitQueue, WaitState};

/// The lock is held.
const LOCKED: usize = 1;
/// The queue is not empty (see invariant 1).
const HAS_WAITERS: usize = 2;

/// Go's `starvationThresholdNs`. Under loom, time-based branches stay off so that models
/// are deterministic.
#[cfg(not(loom))]
const STARVATION_THRESHOLD: Duration = Duration::from_millis(1);
#[cfg(loom)]
const STARVATION_THRESHOLD: Duration = Duration::MAX;

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
    queue: crate::loom::Mutex<WaitQueue<()>>,
}

impl RawMutex {
    pub(super) fn new() -> Self {
        RawMutex {
            state: AtomicUsize::new(0),
            fast_polls: AtomicUsize::new(0),
            queue: crate::loom::Mutex::new(WaitQueue::new()),
        }
    }

    /// Takes the lock if it is free (barging past queued waiters, as Go does).
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
    /// for a yield every 128. A racy, non-RMW counter: it is only a heuristic.
    #[inline]
    pub(super) fn skip_budget(&self) -> bool {
        let n = self.fast_polls.load(Ordering::Relaxed);
        self.fast_polls.store(n.wrapping_add(1), Ordering::Relaxed);
        !n.is_multiple_of(BUDGET_EVERY)
    }

    /// The uncontended fast path: CAS `0 → LOCKED`.
    #[inline]
    pub(super) fn try_lock_fast(&self) -> bool {
        self.state
            .compare_exchange(0, LOCKED, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
    }

    /// One poll of a `lock()` future whose slot (if queued) is `key`.
    #[inline]
    pub(super) fn poll_lock(&self, key: &mut Option<usize>, cx: &mut Context<'_>) -> Poll<()> {
        match *key {
            None => {
                if self
                    .state
                    .compare_exchange(0, LOCKED, Ordering::Acquire, Ordering::Relaxed)
                    .is_ok()
                    || self.spin()
                {
                    return Poll::Ready(());
                }
                self.lock_slow(key, cx.waker())
            }
            Some(k) => self.poll_queued(k, key, cx.waker()),
        }
    }

    /// Brief spinning while the lock is held and nobody is queued.
    fn spin(&self) -> bool {
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
        if self.acquire_or_flag(&q) {
            return Poll::Ready(());
        }
        *key = Some(q.push_back(waker.clone(), Instant::now(), ()));
        Poll::Pending
    }

    /// Under the queue lock, with the caller not linked: sets `HAS_WAITERS`, then takes the
    /// lock if it is free (restoring `HAS_WAITERS` to "queue not empty"). Returns whether the
    /// lock was taken; if not, the caller must link itself before releasing the queue lock.
    fn acquire_or_flag(&self, q: &WaitQueue<()>) -> bool {
        let mut s = self.state.fetch_or(HAS_WAITERS, Ordering::Acquire) | HAS_WAITERS;
        while s & LOCKED == 0 {
            let new = if q.is_empty() {
                LOCKED
            } else {
                LOCKED | HAS_WAITERS
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

    /// A queued future is polled again.
    fn poll_queued(&self, k: usize, key: &mut Option<usize>, waker: &Waker) -> Poll<()> {
        let mut q = crate::loom::lock(&self.queue);
        let slot = q.slot(k);
        match slot.state {
            WaitState::Waiting => {
                if !slot.waker.as_ref().is_some_and(|w| w.will_wake(waker)) {
                    slot.waker = Some(waker.clone());
                }
                Poll::Pending
            }
            WaitState::Granted => {
                q.free(k);
                *key = None;
                Poll::Ready(())
            }
            WaitState::Notified => {
                if self.acquire_or_flag(&q) {
                    q.free(k);
                    *key = None;
                    Poll::Ready(())
                } else {
                    // Lost to a barging arrival: back to the front, arrival time kept.
                    q.relink_front(k, waker.clone());
                    Poll::Pending
                }
            }
        }
    }

    #[inline]
    pub(super) fn unlock(&self) {
        if self
            .state
            .compare_exchange(LOCKED, 0, Ordering::Release, Ordering::Relaxed)
            .is_err()
        {
            self.unlock_slow();
        }
    }

    #[cold]
    fn unlock_slow(&self) {
        let mut q = crate::loom::lock(&self.queue);
        let Some(k) = q.pop_front() else {
            // Every waiter left since the fast CAS failed.
            self.state.fetch_and(!LOCKED, Ordering::Release);
            return;
        };
        let now_empty = if q.is_empty() { HAS_WAITERS } else { 0 };
        let slot = q.slot(k);
        let waker = slot.waker.take();
        if slot.since.elapsed() >= STARVATION_THRESHOLD {
            // Starvation mode: hand off, LOCKED stays set.
            slot.state = WaitState::Granted;
            if now_empty != 0 {
                self.state.fetch_and(!HAS_WAITERS, Ordering::Relaxed);
            }
        } else {
            slot.state = WaitState::Notified;
            self.state
                .fetch_and(!(LOCKED | now_empty), Ordering::Release);
        }
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
            WaitState::Waiting => {
                if q.is_empty() {
                    self.state.fetch_and(!HAS_WAITERS, Ordering::Relaxed);
                }
            }
            WaitState::Notified => {
                // The wake-up was ours; pass it on or it is lost.
                if let Some(next) = q.pop_front() {
                    if q.is_empty() {
                        self.state.fetch_and(!HAS_WAITERS, Ordering::Relaxed);
                    }
                    let slot = q.slot(next);
                    slot.state = WaitState::Notified;
                    waker = slot.waker.take();
                }
            }
            WaitState::Granted => {
                // We own the lock: release it (which hands it on).
                drop(q);
                self.unlock();
                return;
            }
        }
        drop(q);
        if let Some(w) = waker {
            w.wake();
        }
    }
}
