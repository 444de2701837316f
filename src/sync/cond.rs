//! [`Cond`]: Go's `sync.Cond` (a condition variable) over gokio's [`Mutex`].
//!
//! Source: Go's `src/sync/cond.go` and the runtime's `notifyList` (`src/runtime/sema.go`).
//! Go's `Wait` takes a *ticket* while it still holds `c.L`, unlocks, then parks on that
//! ticket; `Signal` serves the lowest unserved ticket, so a signal sent after the waiter
//! unlocked but before it parked is not missed, and waiters are served in ticket (FIFO)
//! order. Here a waiter can do better than a ticket: it links a slot in the crate's FIFO
//! waiter queue (`waiters.rs`) *while its guard still holds the mutex*, and only then drops
//! the guard. Every `signal` that happens after the unlock finds the slot.
//!
//! # Algorithm
//! - **State** under one std lock: the waiter queue, and the next ticket number. Each slot
//!   carries its ticket and whether it was woken by `signal` (as opposed to `broadcast`).
//! - **wait** (first poll): link a slot with the next ticket, then drop the guard; `Pending`.
//!   Later polls: if the slot is still `Waiting`, refresh the waker; if it is `Notified`,
//!   free it and re-lock the mutex (a plain `lock()`, queued like any other locker).
//! - **signal**: unlink the front slot, mark it `Notified` (by signal), wake it after the
//!   state lock is released.
//! - **broadcast**: note the next ticket as a limit, then unlink and wake every slot whose
//!   ticket is below it, in batches of a fixed-size wake list (no allocation), waking each
//!   batch outside the lock. The limit keeps out a waiter that arrives between batches: Go's
//!   broadcast wakes those waiting when it was called, no later ones.
//! - **cancellation** (a `CondWait` dropped): still `Waiting` → leave the queue. Woken by
//!   `signal` but not yet returned (parked or re-locking) → pass the signal on to the next
//!   waiter, so cancellation never swallows a signal. Woken by `broadcast` → nothing to pass
//!   on: every waiter of that moment was woken.
//!
//! # Invariants
//! 1. A waiter is linked before its guard is dropped, so a `signal` that happens after the
//!    unlock (for example one sent while holding the mutex) sees it.
//! 2. Tickets increase from the front of the queue to the back: slots are only pushed at
//!    the back (never re-linked at the front), and unlinking keeps the order of the rest.
//! 3. A slot is `Notified` only after `signal`/`broadcast` unlinked it; it is freed only by
//!    its owning future (on completion or drop), which reads `by_signal` first.
//! 4. A `Cond` is bound to the first mutex it waits with; a wait with another one panics.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use super::mutex::{Lock, LockOwned, Mutex, MutexGuard, OwnedMutexGuard};
use super::waiters::{WaitQueue, WaitState, WakeList};
use crate::blocking::block_on;
use crate::loom::atomic::{AtomicUsize, Ordering};
use crate::loom::StdArc as Arc;

/// A condition variable: Go's `sync.Cond`, for goroutines that wait for a condition on data
/// guarded by a gokio [`Mutex`].
///
/// [`wait`](Cond::wait) takes the mutex's guard, unlocks the mutex, sleeps until
/// [`signal`](Cond::signal) or [`broadcast`](Cond::broadcast) wakes it, then locks the mutex
/// again and hands the guard back. As in Go, the condition is re-checked in a loop, since
/// another goroutine may have changed it between the wake-up and the re-lock:
///
/// ```text
/// Go                                  gokio
/// c := sync.NewCond(&mu)              let c = Cond::new();
/// mu.Lock()                           let mut g = mu.lock().await;
/// for !condition() { c.Wait() }       while !condition(&g) { g = c.wait(g).await; }
/// mu.Unlock()                         drop(g);
/// c.Signal() / c.Broadcast()          c.signal(); / c.broadcast();
/// ```
///
/// Waiters are woken in the order they started waiting (FIFO). A signal is never lost to
/// the race between unlocking and sleeping (the waiter queues itself before it unlocks),
/// nor to cancellation (a dropped wait that had been signalled passes the signal on).
///
/// **One mutex per `Cond`.** Go binds a `Cond` to its mutex at construction
/// (`sync.NewCond(&mu)`, field `c.L`). Here `Cond::new()` takes no mutex, so that a ported
/// program reads the same and the `Cond` can sit beside the `Mutex` in a struct; the first
/// `wait` binds it to its guard's mutex, and a `wait` with a guard of any other mutex
/// panics (std's `Condvar` makes the same rule). `signal` and `broadcast` need not hold the
/// mutex, as in Go.
///
/// # Examples
///
/// A queue whose consumer waits until an item is there:
///
/// ```
/// use gokio::{go, Cond, Mutex};
/// use std::collections::VecDeque;
/// use std::sync::Arc;
///
/// # gokio::run(async {
/// let queue = Arc::new((Mutex::new(VecDeque::new()), Cond::new()));
///
/// let q = queue.clone();
/// let consumer = go(async move {
///     let (mu, cond) = &*q;
///     let mut g = mu.lock().await;
///     while g.is_empty() {
///         g = cond.wait(g).await; // unlocks, sleeps, re-locks
///     }
///     g.pop_front().unwrap()
/// });
///
/// let (mu, cond) = &*queue;
/// mu.lock().await.push_back("job");
/// cond.signal();
/// assert_eq!(consumer.join().await.unwrap(), "job");
/// # });
/// ```
pub struct Cond {
    /// Address of the mutex this `Cond` is bound to; 0 until the first wait (invariant 4).
    mutex: AtomicUsize,
    state: crate::loom::Mutex<State>,
}

/// What the state lock protects.
struct State {
    queue: WaitQueue<Ticket>,
    /// The ticket the next waiter gets.
    next: u64,
}

/// Per-slot payload.
#[derive(Debug)]
struct Ticket {
    /// Arrival number (invariant 2): `broadcast` wakes the tickets below its limit.
    seq: u64,
    /// Set by `signal` when it wakes this slot: a cancelled owner passes the signal on.
    by_signal: bool,
}

impl Cond {
    crate::loom::const_fn! {
        /// Creates a condition variable with no waiters, not yet bound to a mutex (Go:
        /// `sync.NewCond(&mu)`; the first [`wait`](Cond::wait) binds it to its guard's mutex).
        ///
        /// `const`, so a `static` can hold one next to its `static` mutex (a plain `fn` under
        /// `--cfg loom`).
        ///
        /// # Examples
        ///
        /// ```
        /// use gokio::{Cond, Mutex};
        ///
        /// static READY: Mutex<bool> = Mutex::new(false);
        /// static READY_COND: Cond = Cond::new();
        ///
        /// # gokio::run(async {
        /// READY_COND.signal(); // nobody waits: nothing happens
        /// gokio::go(async {
        ///     *READY.lock().await = true;
        ///     READY_COND.broadcast();
        /// });
        /// let mut ready = READY.lock().await;
        /// while !*ready {
        ///     ready = READY_COND.wait(ready).await;
        /// }
        /// # });
        /// ```
        pub fn new() -> Self {
            Cond {
                mutex: AtomicUsize::new(0),
                state: crate::loom::Mutex::new(State {
                    queue: WaitQueue::new(),
                    next: 0,
                }),
            }
        }
    }

    /// Unlocks the mutex of `guard`, waits for [`signal`](Cond::signal) or
    /// [`broadcast`](Cond::broadcast), then locks the mutex again and returns its guard
    /// (Go: `c.Wait()`).
    ///
    /// The unlock and the start of the wait are atomic with respect to `signal` and
    /// `broadcast`: the future queues itself, on its first poll, before it releases the
    /// mutex. The future does nothing until polled (the mutex stays locked until then).
    /// Waiters are woken in FIFO order; a woken waiter re-locks the mutex like any other
    /// `lock()` call, so when it gets the guard the condition may have changed again: check
    /// it in a loop, as in Go.
    ///
    /// # Panics
    ///
    /// Panics if this `Cond` has already been used with a different mutex (a `Cond` belongs
    /// to one mutex, as Go's `c.L`): use one `Cond` per mutex. Polling the returned future
    /// after it has completed panics.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe. Dropping the future before its first poll just drops the guard
    /// (unlocks). Dropping it while it waits leaves the queue without a trace; if a
    /// [`signal`](Cond::signal) had already chosen it (it was woken but had not returned
    /// yet, e.g. while re-locking), the signal is passed on to the next waiter, so no signal
    /// is lost to cancellation. A wake-up from `broadcast` is not passed on (all waiters of
    /// that moment were woken anyway).
    ///
    /// # Blocking
    ///
    /// Does not block the thread; see [`wait_blocking`](Cond::wait_blocking) for threads.
    ///
    /// # Examples
    ///
    /// ```
    /// use gokio::{go, Cond, Mutex};
    /// use std::sync::Arc;
    ///
    /// # gokio::run(async {
    /// let state = Arc::new((Mutex::new(false), Cond::new()));
    /// let s = state.clone();
    /// go(async move {
    ///     *s.0.lock().await = true;
    ///     s.1.broadcast();
    /// });
    /// let (ready, cond) = &*state;
    /// let mut g = ready.lock().await;
    /// while !*g {
    ///     g = cond.wait(g).await;
    /// }
    /// assert!(*g);
    /// # });
    /// ```
    #[track_caller]
    pub fn wait<'a, T: ?Sized>(&'a self, guard: MutexGuard<'a, T>) -> CondWait<'a, T> {
        let mutex = MutexGuard::mutex(&guard);
        self.bind(mutex);
        CondWait {
            inner: Waiter::new(self, guard, mutex),
        }
    }

    /// As [`wait`](Cond::wait), with an [`OwnedMutexGuard`]: the future borrows only the
    /// `Cond` and resolves to an owned guard again.
    ///
    /// # Panics
    ///
    /// As [`wait`](Cond::wait).
    ///
    /// # Cancel safety
    ///
    /// As [`wait`](Cond::wait).
    ///
    /// # Blocking
    ///
    /// Does not block the thread.
    ///
    /// # Examples
    ///
    /// ```
    /// use gokio::{go, Cond, Mutex};
    /// use std::sync::Arc;
    ///
    /// # gokio::run(async {
    /// let (mu, cond) = (Arc::new(Mutex::new(0)), Arc::new(Cond::new()));
    /// let (m, c) = (mu.clone(), cond.clone());
    /// let waiter = go(async move {
    ///     let mut g = m.lock_owned().await;
    ///     while *g == 0 {
    ///         g = c.wait_owned(g).await;
    ///     }
    ///     *g
    /// });
    /// *mu.lock().await = 7;
    /// cond.signal();
    /// assert_eq!(waiter.join().await.unwrap(), 7);
    /// # });
    /// ```
    #[track_caller]
    pub fn wait_owned<T: ?Sized>(&self, guard: OwnedMutexGuard<T>) -> CondWaitOwned<'_, T> {
        let mutex = Arc::clone(guard.mutex());
        self.bind(&*mutex);
        CondWaitOwned {
            inner: Waiter::new(self, guard, mutex),
        }
    }

    /// As [`wait`](Cond::wait), blocking the current thread: for code that locks with
    /// [`Mutex::lock_blocking`].
    ///
    /// # Panics
    ///
    /// As [`wait`](Cond::wait).
    ///
    /// # Cancel safety
    ///
    /// Not applicable: the call returns only with the guard.
    ///
    /// # Blocking
    ///
    /// Blocks the calling thread. Do not call it inside an async task (use `wait().await`).
    ///
    /// # Examples
    ///
    /// ```
    /// use gokio::{Cond, Mutex};
    /// use std::sync::Arc;
    ///
    /// let state = Arc::new((Mutex::new(false), Cond::new()));
    /// let s = state.clone();
    /// let t = std::thread::spawn(move || {
    ///     let mut g = s.0.lock_blocking();
    ///     while !*g {
    ///         g = s.1.wait_blocking(g);
    ///     }
    /// });
    /// *state.0.lock_blocking() = true;
    /// state.1.signal();
    /// t.join().unwrap();
    /// ```
    #[track_caller]
    pub fn wait_blocking<'a, T: ?Sized>(&'a self, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
        block_on(self.wait(guard))
    }

    /// Wakes the waiter that has waited longest, if any (Go: `c.Signal()`).
    ///
    /// The caller may hold the mutex or not, as in Go. With no waiter, it does nothing: a
    /// signal is not remembered for a later `wait`.
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
    /// Never blocks (it takes a short internal lock).
    ///
    /// # Examples
    ///
    /// ```
    /// use gokio::{Cond, Mutex};
    /// use tokio_test::{assert_pending, assert_ready, task::spawn};
    ///
    /// let (mu, cond) = (Mutex::new(()), Cond::new());
    /// let mut w = spawn(cond.wait(mu.try_lock().unwrap()));
    /// assert_pending!(w.poll()); // waiting, mutex unlocked
    /// cond.signal();
    /// let _guard = assert_ready!(w.poll()); // woken, mutex locked again
    /// ```
    pub fn signal(&self) {
        let waker = {
            let mut st = crate::loom::lock(&self.state);
            notify_front(&mut st.queue, true)
        };
        if let Some(w) = waker {
            w.wake();
        }
    }

    /// Wakes every goroutine waiting now (Go: `c.Broadcast()`).
    ///
    /// A `wait` that starts after `broadcast` was called is not woken by it. The caller may
    /// hold the mutex or not.
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
    /// Never blocks (it takes a short internal lock, once per 16 waiters).
    ///
    /// # Examples
    ///
    /// ```
    /// use gokio::{go, Cond, Mutex};
    /// use std::sync::Arc;
    ///
    /// # gokio::run(async {
    /// let st = Arc::new((Mutex::new(false), Cond::new()));
    /// let waiters: Vec<_> = (0..3)
    ///     .map(|_| {
    ///         let st = st.clone();
    ///         go(async move {
    ///             let mut g = st.0.lock().await;
    ///             while !*g {
    ///                 g = st.1.wait(g).await;
    ///             }
    ///         })
    ///     })
    ///     .collect();
    /// *st.0.lock().await = true;
    /// st.1.broadcast();
    /// for w in waiters {
    ///     w.join().await.unwrap();
    /// }
    /// # });
    /// ```
    pub fn broadcast(&self) {
        let mut limit = None;
        loop {
            let mut wakers = WakeList::new();
            let mut more = false;
            {
                let mut st = crate::loom::lock(&self.state);
                let limit = *limit.get_or_insert(st.next);
                while let Some(k) = st.queue.front() {
                    if st.queue.slot(k).kind.seq >= limit {
                        break;
                    }
                    if wakers.is_full() {
                        more = true;
                        break;
                    }
                    wakers.push(notify_front(&mut st.queue, false));
                }
            }
            wakers.wake_all();
            if !more {
                return;
            }
        }
    }

    /// Binds this `Cond` to `mutex` on first use; panics on a second mutex (invariant 4).
    #[track_caller]
    fn bind<T: ?Sized>(&self, mutex: &Mutex<T>) {
        let addr = std::ptr::from_ref(mutex).cast::<()>() as usize;
        match self
            .mutex
            .compare_exchange(0, addr, Ordering::Relaxed, Ordering::Relaxed)
        {
            Ok(_) => {}
            Err(bound) if bound == addr => {}
            Err(_) => panic!(
                "gokio::Cond::wait called with the guard of a different Mutex than earlier \
                 waits; a Cond belongs to one Mutex (Go's c.L): use one Cond per Mutex"
            ),
        }
    }

    /// Links a new waiter (its guard still held: invariant 1) and returns its key.
    fn park(&self, waker: &Waker) -> usize {
        let mut st = crate::loom::lock(&self.state);
        let seq = st.next;
        st.next += 1;
        st.queue.push_back(
            waker.clone(),
            Ticket {
                seq,
                by_signal: false,
            },
        )
    }

    /// A parked waiter is polled: `Some(by_signal)` (slot freed) once it has been woken.
    fn poll_parked(&self, key: usize, waker: &Waker) -> Option<bool> {
        let mut st = crate::loom::lock(&self.state);
        let slot = st.queue.slot(key);
        match slot.state {
            WaitState::Waiting => {
                if !slot.waker.as_ref().is_some_and(|w| w.will_wake(waker)) {
                    slot.waker = Some(waker.clone());
                }
                None
            }
            WaitState::Notified | WaitState::Granted => {
                let by_signal = slot.kind.by_signal;
                st.queue.free(key);
                Some(by_signal)
            }
        }
    }

    /// A parked waiter is dropped: leave the queue, passing on a signal it had received.
    fn cancel(&self, key: usize) {
        let waker = {
            let mut st = crate::loom::lock(&self.state);
            let by_signal = st.queue.slot(key).kind.by_signal;
            match st.queue.free(key) {
                WaitState::Notified if by_signal => notify_front(&mut st.queue, true),
                _ => None,
            }
        };
        if let Some(w) = waker {
            w.wake();
        }
    }
}

/// Under the state lock: unlinks the front waiter, marks it woken, returns its waker.
fn notify_front(queue: &mut WaitQueue<Ticket>, by_signal: bool) -> Option<Waker> {
    let k = queue.pop_front()?;
    let slot = queue.slot(k);
    slot.state = WaitState::Notified;
    slot.kind.by_signal = by_signal;
    slot.waker.take()
}

impl Default for Cond {
    fn default() -> Self {
        Cond::new()
    }
}

impl fmt::Debug for Cond {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let st = crate::loom::lock(&self.state);
        f.debug_struct("Cond")
            .field("bound", &(self.mutex.load(Ordering::Relaxed) != 0))
            .field("waiting", &!st.queue.is_empty())
            .finish()
    }
}

/// Future returned by [`Cond::wait`]; resolves to the re-locked [`MutexGuard`].
///
/// Dropping it cancels the wait without losing a signal (see [`Cond::wait`]).
///
/// # Examples
///
/// ```
/// use gokio::{sync::CondWait, Cond, Mutex};
///
/// let (mu, cond) = (Mutex::new(0), Cond::new());
/// let fut: CondWait<'_, i32> = cond.wait(mu.try_lock().unwrap());
/// drop(fut); // never polled: just unlocks
/// assert!(mu.try_lock().is_some());
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct CondWait<'a, T: ?Sized> {
    inner: Waiter<'a, &'a Mutex<T>>,
}

impl<'a, T: ?Sized> Future for CondWait<'a, T> {
    type Output = MutexGuard<'a, T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.inner.poll(cx)
    }
}

impl<T: ?Sized> fmt::Debug for CondWait<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt("CondWait", f)
    }
}

/// Future returned by [`Cond::wait_owned`]; resolves to the re-locked [`OwnedMutexGuard`].
///
/// Dropping it cancels the wait without losing a signal (see [`Cond::wait`]).
///
/// # Examples
///
/// ```
/// use gokio::{sync::CondWaitOwned, Cond, Mutex};
/// use std::sync::Arc;
///
/// let (mu, cond) = (Arc::new(Mutex::new(0)), Cond::new());
/// let fut: CondWaitOwned<'_, i32> = cond.wait_owned(mu.clone().try_lock_owned().unwrap());
/// drop(fut);
/// assert!(mu.try_lock().is_some());
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct CondWaitOwned<'a, T: ?Sized> {
    inner: Waiter<'a, Arc<Mutex<T>>>,
}

impl<T: ?Sized> Future for CondWaitOwned<'_, T> {
    type Output = OwnedMutexGuard<T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.inner.poll(cx)
    }
}

impl<T: ?Sized> fmt::Debug for CondWaitOwned<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt("CondWaitOwned", f)
    }
}

/// A handle on the mutex a waiter re-locks: `&Mutex<T>` or `Arc<Mutex<T>>`.
trait Relock {
    type Guard;
    type Lock: Future<Output = Self::Guard> + Unpin;
    fn relock(self) -> Self::Lock;
}

impl<'a, T: ?Sized> Relock for &'a Mutex<T> {
    type Guard = MutexGuard<'a, T>;
    type Lock = Lock<'a, T>;
    fn relock(self) -> Lock<'a, T> {
        self.lock()
    }
}

impl<T: ?Sized> Relock for Arc<Mutex<T>> {
    type Guard = OwnedMutexGuard<T>;
    type Lock = LockOwned<T>;
    fn relock(self) -> LockOwned<T> {
        self.lock_owned()
    }
}

/// The wait logic both futures share.
struct Waiter<'a, M: Relock> {
    cond: &'a Cond,
    stage: Stage<M>,
}

enum Stage<M: Relock> {
    /// Not polled yet: still holds the mutex.
    Unlocking {
        guard: M::Guard,
        mutex: M,
    },
    /// Linked in the queue as `key`, mutex released.
    Parked {
        mutex: M,
        key: usize,
    },
    /// Woken; locking the mutex again.
    Relocking {
        lock: M::Lock,
        by_signal: bool,
    },
    Done,
}

impl<'a, M: Relock> Waiter<'a, M> {
    fn new(cond: &'a Cond, guard: M::Guard, mutex: M) -> Self {
        Waiter {
            cond,
            stage: Stage::Unlocking { guard, mutex },
        }
    }

    /// Records the current goroutine as parked in `wait` (`gokio::debug::dump`'s
    /// `sync.Cond.Wait`); nothing without the `diagnostics` feature.
    #[inline(always)]
    fn record_park(&self) {
        crate::debug::park(
            crate::debug::Reason::SyncCondWait,
            crate::debug::NO_SITE,
            || None,
        );
    }

    fn poll(&mut self, cx: &mut Context<'_>) -> Poll<M::Guard> {
        loop {
            match &mut self.stage {
                Stage::Unlocking { .. } => {
                    let Stage::Unlocking { guard, mutex } =
                        std::mem::replace(&mut self.stage, Stage::Done)
                    else {
                        unreachable!()
                    };
                    let key = self.cond.park(&crate::debug::own(cx.waker()));
                    self.stage = Stage::Parked { mutex, key };
                    // Linked first, unlocked second (invariant 1).
                    drop(guard);
                    self.record_park();
                    return Poll::Pending;
                }
                Stage::Parked { key, .. } => {
                    let Some(by_signal) =
                        self.cond.poll_parked(*key, &crate::debug::own(cx.waker()))
                    else {
                        self.record_park();
                        return Poll::Pending;
                    };
                    let Stage::Parked { mutex, .. } =
                        std::mem::replace(&mut self.stage, Stage::Done)
                    else {
                        unreachable!()
                    };
                    self.stage = Stage::Relocking {
                        lock: mutex.relock(),
                        by_signal,
                    };
                }
                Stage::Relocking { lock, .. } => {
                    let guard = std::task::ready!(Pin::new(lock).poll(cx));
                    self.stage = Stage::Done;
                    return Poll::Ready(guard);
                }
                Stage::Done => panic!("`CondWait` polled after completion"),
            }
        }
    }

    fn fmt(&self, name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let stage = match self.stage {
            Stage::Unlocking { .. } => "unlocking",
            Stage::Parked { .. } => "waiting",
            Stage::Relocking { .. } => "relocking",
            Stage::Done => "done",
        };
        f.debug_struct(name).field("stage", &stage).finish()
    }
}

impl<M: Relock> Drop for Waiter<'_, M> {
    fn drop(&mut self) {
        match self.stage {
            Stage::Parked { key, .. } => self.cond.cancel(key),
            // Woken by a signal but never returned: the signal is still owed to someone.
            // (The `lock` future's own drop leaves the mutex queue.)
            Stage::Relocking {
                by_signal: true, ..
            } => self.cond.signal(),
            _ => {}
        }
    }
}
