//! [`Mutex`]: Go's `sync.Mutex` algorithm (barging plus starvation mode), adapted to async.
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
//! The crate forbids `unsafe`, so the value lives in a `futures::lock::Mutex` (behind an
//! `Arc`, which its owned guard needs). The protocol above already grants exclusive access,
//! so that inner lock is always free when its `try_lock` is called: one uncontended atomic
//! RMW each way. A guard drops the inner guard before it releases the state word.

use std::fmt;
use std::future::Future;
use std::ops::{Deref, DerefMut};
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use super::waiters::{block_on, WaitQueue, WaitState};
use crate::loom::atomic::{AtomicUsize, Ordering};
use crate::loom::StdArc as Arc;

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

/// The value cell; see "Data" in the module docs.
type Cell<T> = futures::lock::Mutex<T>;

/// The non-generic lock protocol: state word and waiter queue.
struct RawMutex {
    state: AtomicUsize,
    /// Counts fast-path attempts; see [`RawMutex::skip_budget`].
    fast_polls: AtomicUsize,
    queue: crate::loom::Mutex<WaitQueue<()>>,
}

impl RawMutex {
    fn new() -> Self {
        RawMutex {
            state: AtomicUsize::new(0),
            fast_polls: AtomicUsize::new(0),
            queue: crate::loom::Mutex::new(WaitQueue::new()),
        }
    }

    /// Takes the lock if it is free (barging past queued waiters, as Go does).
    #[inline]
    fn try_lock(&self) -> bool {
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
    fn skip_budget(&self) -> bool {
        let n = self.fast_polls.load(Ordering::Relaxed);
        self.fast_polls.store(n.wrapping_add(1), Ordering::Relaxed);
        n % BUDGET_EVERY != 0
    }

    /// The uncontended fast path: CAS `0 → LOCKED`.
    #[inline]
    fn try_lock_fast(&self) -> bool {
        self.state
            .compare_exchange(0, LOCKED, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
    }

    /// One poll of a `lock()` future whose slot (if queued) is `key`.
    #[inline]
    fn poll_lock(&self, key: &mut Option<usize>, cx: &mut Context<'_>) -> Poll<()> {
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
    fn unlock(&self) {
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
    fn cancel(&self, k: usize) {
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

/// A fair mutual-exclusion lock: Go's `sync.Mutex` for async Rust, protecting a value of
/// type `T`.
///
/// Locking returns a guard that dereferences to the value and unlocks when dropped (Go's
/// `mu.Lock(); defer mu.Unlock()`). A free mutex is taken with one atomic operation; a held
/// one is waited for in a FIFO queue. As in Go, a new arrival may take a just-released lock
/// ahead of a waiter that was woken for it, but a waiter that has waited more than 1 ms is
/// handed the lock directly, so no waiter starves. The same mutex can be locked from async
/// code ([`lock`](Mutex::lock)) and from plain threads ([`lock_blocking`](Mutex::lock_blocking)).
///
/// Holding a guard across an `.await` is allowed (this is an async mutex). Unlike std's
/// mutex there is no poisoning: a panic while holding the guard unlocks the mutex.
///
/// # Examples
///
/// ```
/// use gokio::Mutex;
/// use std::sync::Arc;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let counter = Arc::new(Mutex::new(0));
/// let mut tasks = Vec::new();
/// for _ in 0..4 {
///     let counter = Arc::clone(&counter);
///     tasks.push(tokio::spawn(async move {
///         *counter.lock().await += 1;
///     }));
/// }
/// for t in tasks {
///     t.await.unwrap();
/// }
/// assert_eq!(*counter.lock().await, 4);
/// # }
/// ```
pub struct Mutex<T: ?Sized> {
    raw: RawMutex,
    data: Arc<Cell<T>>,
}

impl<T> Mutex<T> {
    /// Creates an unlocked mutex holding `value`.
    ///
    /// # Examples
    ///
    /// ```
    /// let m = gokio::Mutex::new(5);
    /// assert_eq!(*m.try_lock().unwrap(), 5);
    /// ```
    pub fn new(value: T) -> Self {
        Mutex {
            raw: RawMutex::new(),
            data: Arc::new(Cell::new(value)),
        }
    }

    /// Consumes the mutex and returns the value.
    ///
    /// # Examples
    ///
    /// ```
    /// let m = gokio::Mutex::new(String::from("go"));
    /// assert_eq!(m.into_inner(), "go");
    /// ```
    pub fn into_inner(self) -> T {
        // No guard can exist (they borrow or own the mutex), so the cell's Arc is unique.
        match Arc::try_unwrap(self.data) {
            Ok(cell) => cell.into_inner(),
            Err(_) => unreachable!("gokio Mutex: data cell shared without a guard"),
        }
    }
}

impl<T: ?Sized> Mutex<T> {
    /// Locks the mutex, waiting until it is free.
    ///
    /// Resolves to a guard that unlocks on drop. Waiters are queued in arrival order; a
    /// waiter woken by an unlock competes with new arrivals, and one that has waited more
    /// than 1 ms is handed the lock directly (Go's starvation mode).
    ///
    /// # Panics
    ///
    /// Polling the returned future after it has completed panics.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: dropping the future before it completes leaves its place in the queue
    /// and never leaves the mutex locked; a wake-up or hand-off it had received is passed
    /// on to the next waiter.
    ///
    /// # Blocking
    ///
    /// Does not block the thread; see [`lock_blocking`](Mutex::lock_blocking) for threads.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let m = gokio::Mutex::new(vec![1]);
    /// m.lock().await.push(2);
    /// assert_eq!(*m.lock().await, [1, 2]);
    /// # }
    /// ```
    pub fn lock(&self) -> Lock<'_, T> {
        Lock {
            mutex: Some(self),
            key: None,
        }
    }

    /// Locks the mutex, blocking the current thread until it is free.
    ///
    /// Runs the same logic as [`lock`](Mutex::lock), parking the thread between attempts,
    /// so threads and tasks queue fairly together.
    ///
    /// # Panics
    ///
    /// Never panics by itself.
    ///
    /// # Cancel safety
    ///
    /// Not applicable: the call returns only with the lock.
    ///
    /// # Blocking
    ///
    /// Blocks the calling thread. Do not call it inside an async task: that stalls a
    /// runtime worker (use `lock().await` there).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// let m = Arc::new(gokio::Mutex::new(0));
    /// let handles: Vec<_> = (0..4)
    ///     .map(|_| {
    ///         let m = Arc::clone(&m);
    ///         std::thread::spawn(move || *m.lock_blocking() += 1)
    ///     })
    ///     .collect();
    /// for h in handles {
    ///     h.join().unwrap();
    /// }
    /// assert_eq!(*m.lock_blocking(), 4);
    /// ```
    pub fn lock_blocking(&self) -> MutexGuard<'_, T> {
        block_on(self.lock())
    }

    /// Locks the mutex if it is free right now, without waiting.
    ///
    /// Returns `None` if the mutex is held. Like Go's `TryLock` it may take a free lock
    /// ahead of queued waiters, except while the lock is being handed to a starving waiter.
    ///
    /// # Panics
    ///
    /// Never panics.
    ///
    /// # Cancel safety
    ///
    /// Not applicable: not async.
    ///
    /// # Blocking
    ///
    /// Never blocks.
    ///
    /// # Examples
    ///
    /// ```
    /// let m = gokio::Mutex::new(1);
    /// let g = m.try_lock().unwrap();
    /// assert!(m.try_lock().is_none());
    /// drop(g);
    /// assert!(m.try_lock().is_some());
    /// ```
    pub fn try_lock(&self) -> Option<MutexGuard<'_, T>> {
        self.raw.try_lock().then(|| self.guard())
    }

    /// Locks the mutex through an `Arc`, resolving to a guard that owns the `Arc` and so
    /// can move into spawned tasks (`'static` if `T` is).
    ///
    /// Same queueing as [`lock`](Mutex::lock).
    ///
    /// # Panics
    ///
    /// Polling the returned future after it has completed panics.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe, as [`lock`](Mutex::lock).
    ///
    /// # Blocking
    ///
    /// Does not block the thread.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let m = Arc::new(gokio::Mutex::new(0));
    /// let mut g = Arc::clone(&m).lock_owned().await;
    /// tokio::spawn(async move { *g += 1 }).await.unwrap();
    /// assert_eq!(*m.lock().await, 1);
    /// # }
    /// ```
    pub fn lock_owned(self: Arc<Self>) -> LockOwned<T> {
        LockOwned {
            mutex: Some(self),
            key: None,
        }
    }

    /// Locks the mutex through an `Arc` if it is free right now.
    ///
    /// Returns the `Arc` back in `Err` if the mutex is held.
    ///
    /// # Panics
    ///
    /// Never panics.
    ///
    /// # Cancel safety
    ///
    /// Not applicable: not async.
    ///
    /// # Blocking
    ///
    /// Never blocks.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// let m = Arc::new(gokio::Mutex::new(0));
    /// let g = Arc::clone(&m).try_lock_owned().unwrap();
    /// let m = Arc::clone(&m).try_lock_owned().unwrap_err();
    /// drop(g);
    /// assert!(m.try_lock_owned().is_ok());
    /// ```
    #[allow(clippy::result_large_err)] // the error is just the Arc handed back
    pub fn try_lock_owned(self: Arc<Self>) -> Result<OwnedMutexGuard<T>, Arc<Self>> {
        if self.raw.try_lock() {
            Ok(Self::owned_guard(self))
        } else {
            Err(self)
        }
    }

    /// Returns a mutable reference to the value; no locking is needed since `&mut self`
    /// proves exclusive access.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut m = gokio::Mutex::new(1);
    /// *m.get_mut() += 1;
    /// assert_eq!(m.into_inner(), 2);
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        match Arc::get_mut(&mut self.data) {
            Some(cell) => cell.get_mut(),
            None => unreachable!("gokio Mutex: data cell shared without a guard"),
        }
    }

    /// Builds the guard once the protocol has granted the lock.
    #[inline]
    fn guard(&self) -> MutexGuard<'_, T> {
        match self.data.try_lock() {
            Some(data) => MutexGuard {
                data,
                _unlock: Unlocker(&self.raw),
            },
            None => unreachable!("gokio Mutex: data cell contended while the lock is held"),
        }
    }

    fn owned_guard(this: Arc<Self>) -> OwnedMutexGuard<T> {
        match this.data.try_lock_owned() {
            Some(data) => OwnedMutexGuard {
                data,
                _unlock: OwnedUnlocker(this),
            },
            None => unreachable!("gokio Mutex: data cell contended while the lock is held"),
        }
    }
}

impl<T: Default> Default for Mutex<T> {
    fn default() -> Self {
        Mutex::new(T::default())
    }
}

impl<T> From<T> for Mutex<T> {
    fn from(value: T) -> Self {
        Mutex::new(value)
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for Mutex<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Mutex");
        match self.try_lock() {
            Some(guard) => d.field("data", &&*guard),
            None => d.field("data", &format_args!("<locked>")),
        };
        d.finish()
    }
}

/// Releases the state word after the data cell (declared after `data` in the guards, so it
/// drops second).
struct Unlocker<'a>(&'a RawMutex);

impl Drop for Unlocker<'_> {
    #[inline]
    fn drop(&mut self) {
        self.0.unlock();
    }
}

/// As [`Unlocker`], for owned guards.
struct OwnedUnlocker<T: ?Sized>(Arc<Mutex<T>>);

impl<T: ?Sized> Drop for OwnedUnlocker<T> {
    #[inline]
    fn drop(&mut self) {
        self.0.raw.unlock();
    }
}

/// Access to the value of a locked [`Mutex`]; unlocks it when dropped.
///
/// Returned by [`Mutex::lock`], [`Mutex::lock_blocking`] and [`Mutex::try_lock`].
///
/// # Examples
///
/// ```
/// let m = gokio::Mutex::new(1);
/// {
///     let mut g = m.try_lock().unwrap();
///     *g += 1;
/// } // unlocked here
/// assert_eq!(*m.try_lock().unwrap(), 2);
/// ```
#[must_use = "the mutex unlocks as soon as the guard is dropped"]
pub struct MutexGuard<'a, T: ?Sized> {
    data: futures::lock::MutexGuard<'a, T>,
    _unlock: Unlocker<'a>,
}

impl<T: ?Sized> Deref for MutexGuard<'_, T> {
    type Target = T;
    #[inline]
    fn deref(&self) -> &T {
        &self.data
    }
}

impl<T: ?Sized> DerefMut for MutexGuard<'_, T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        &mut self.data
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

/// Access to the value of a locked [`Mutex`] that owns an `Arc` of it; unlocks when dropped.
///
/// Returned by [`Mutex::lock_owned`] and [`Mutex::try_lock_owned`]. Unlike [`MutexGuard`]
/// it borrows nothing, so it can be moved into a spawned task.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
///
/// let m = Arc::new(gokio::Mutex::new(1));
/// let mut g = Arc::clone(&m).try_lock_owned().unwrap();
/// std::thread::spawn(move || *g += 1).join().unwrap();
/// assert_eq!(*m.try_lock().unwrap(), 2);
/// ```
#[must_use = "the mutex unlocks as soon as the guard is dropped"]
pub struct OwnedMutexGuard<T: ?Sized> {
    data: futures::lock::OwnedMutexGuard<T>,
    _unlock: OwnedUnlocker<T>,
}

impl<T: ?Sized> OwnedMutexGuard<T> {
    /// The mutex this guard holds locked.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// let m = Arc::new(gokio::Mutex::new(()));
    /// let g = Arc::clone(&m).try_lock_owned().unwrap();
    /// assert!(Arc::ptr_eq(g.mutex(), &m));
    /// ```
    pub fn mutex(&self) -> &Arc<Mutex<T>> {
        &self._unlock.0
    }
}

impl<T: ?Sized> Deref for OwnedMutexGuard<T> {
    type Target = T;
    #[inline]
    fn deref(&self) -> &T {
        &self.data
    }
}

impl<T: ?Sized> DerefMut for OwnedMutexGuard<T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        &mut self.data
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for OwnedMutexGuard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for OwnedMutexGuard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

/// Future returned by [`Mutex::lock`]; resolves to a [`MutexGuard`].
///
/// Dropping it before completion cancels the wait without side effects (see
/// [`Mutex::lock`]'s cancel-safety notes).
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let m = gokio::Mutex::new(0);
/// let fut: gokio::sync::Lock<'_, i32> = m.lock();
/// *fut.await += 1;
/// # }
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Lock<'a, T: ?Sized> {
    mutex: Option<&'a Mutex<T>>,
    key: Option<usize>,
}

impl<'a, T: ?Sized> Future for Lock<'a, T> {
    type Output = MutexGuard<'a, T>;

    #[inline]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let mutex = this.mutex.expect("`Lock` polled after completion");
        if this.key.is_none() && mutex.raw.skip_budget() && mutex.raw.try_lock_fast() {
            this.mutex = None;
            return Poll::Ready(mutex.guard());
        }
        // Contended: take part in tokio's cooperative budget, as tokio's own locks do, so
        // that tasks hammering one lock still yield to the others now and then.
        let coop = std::task::ready!(tokio::task::coop::poll_proceed(cx));
        match mutex.raw.poll_lock(&mut this.key, cx) {
            Poll::Ready(()) => {
                coop.made_progress();
                this.mutex = None;
                Poll::Ready(mutex.guard())
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T: ?Sized> Drop for Lock<'_, T> {
    fn drop(&mut self) {
        if let (Some(mutex), Some(k)) = (self.mutex, self.key) {
            mutex.raw.cancel(k);
        }
    }
}

impl<T: ?Sized> fmt::Debug for Lock<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lock")
            .field("queued", &self.key.is_some())
            .finish_non_exhaustive()
    }
}

/// Future returned by [`Mutex::lock_owned`]; resolves to an [`OwnedMutexGuard`].
///
/// Dropping it before completion cancels the wait without side effects.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let m = Arc::new(gokio::Mutex::new(0));
/// let fut: gokio::sync::LockOwned<i32> = Arc::clone(&m).lock_owned();
/// *fut.await += 1;
/// # }
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct LockOwned<T: ?Sized> {
    mutex: Option<Arc<Mutex<T>>>,
    key: Option<usize>,
}

impl<T: ?Sized> Future for LockOwned<T> {
    type Output = OwnedMutexGuard<T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let mutex = this
            .mutex
            .as_ref()
            .expect("`LockOwned` polled after completion");
        if this.key.is_none() && mutex.raw.skip_budget() && mutex.raw.try_lock_fast() {
            return match this.mutex.take() {
                Some(mutex) => Poll::Ready(Mutex::owned_guard(mutex)),
                None => unreachable!(),
            };
        }
        // Contended: take part in tokio's cooperative budget (see `Lock`).
        let coop = std::task::ready!(tokio::task::coop::poll_proceed(cx));
        match mutex.raw.poll_lock(&mut this.key, cx) {
            Poll::Ready(()) => {
                coop.made_progress();
                match this.mutex.take() {
                    Some(mutex) => Poll::Ready(Mutex::owned_guard(mutex)),
                    None => unreachable!(),
                }
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T: ?Sized> Drop for LockOwned<T> {
    fn drop(&mut self) {
        if let (Some(mutex), Some(k)) = (&self.mutex, self.key) {
            mutex.raw.cancel(k);
        }
    }
}

impl<T: ?Sized> fmt::Debug for LockOwned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LockOwned")
            .field("queued", &self.key.is_some())
            .finish_non_exhaustive()
    }
}
