//! [`Mutex`]: a fair async mutex with Go's `sync.Mutex` semantics.
//!
//! The lock protocol (Go's barging plus starvation hand-off) is in `mutex/raw.rs`, with why
//! the unlocker, not the woken waiter, decides when a waiter starves; the value
//! cell and the guards' access to it, in `mutex/cell.rs`, one of the crate's three `unsafe` modules.
//! This file holds the public types: the mutex, its guards and its futures.

pub(super) mod cell; // also holds `RwMutex`'s value
mod raw;

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use self::cell::LockCell;
use self::raw::RawMutex;
use crate::blocking::block_on;
use crate::loom::StdArc as Arc;

/// A fair mutual-exclusion lock: Go's `sync.Mutex` for async Rust, protecting a value of
/// type `T`.
///
/// Locking returns a guard that dereferences to the value and unlocks when dropped (Go's
/// `mu.Lock(); defer mu.Unlock()`). A free mutex is taken with one atomic operation; a held
/// one is waited for in a FIFO queue. The same mutex can be locked from async code
/// ([`lock`](Mutex::lock)) and from plain threads ([`lock_blocking`](Mutex::lock_blocking)),
/// and both queue together.
///
/// Holding a guard across an `.await` is allowed (this is an async mutex). Unlike std's
/// mutex there is no poisoning: a panic while holding the guard unlocks the mutex.
///
/// # Fairness
///
/// The guarantee is Go's (the comment above `starvationThresholdNs` in Go's
/// `src/sync/mutex.go`):
///
/// - **Normal mode.** A free mutex goes to whoever asks, even ahead of queued waiters: a task
///   that unlocks and locks again usually keeps the lock, which is what makes the mutex fast.
///   An unlock wakes the first waiter, which competes with new arrivals; if it loses, it waits
///   again at the front of the queue, keeping its age.
/// - **Starvation hand-off.** Once the first waiter has waited 1 ms in all (counted from when
///   it first queued, through any lost races), the next unlock hands it the lock directly.
///   The mutex never looks free in between, so no `lock`, `lock_blocking` or `try_lock` can
///   barge; the unlocking task's next `lock` queues behind. Waiters behind it that have waited
///   1 ms too are then served the same way, in arrival order. (One exception keeps the
///   contended mutex fast: a woken waiter that has been passed over 16 times since it was
///   woken, by critical sections so short that 16 of them took under 1 ms, has its age read
///   only at every 16th unlock after that, so it may be handed the lock up to 15 such short
///   critical sections late. Reading the clock at every unlock cost as much as the rest of
///   the lock/unlock.)
/// - **So** new arrivals overtake a waiter during its first 1 ms at most, plus one critical
///   section (the one that ends with the hand-off; or the short ones above); after that it
///   waits only for the waiters ahead of it, each handed the lock in turn.
///
/// For a Go porter: ported code gets Go's behaviour, with two differences of the runtime. In
/// Go the woken waiter itself notices it is starving; a woken tokio task may not run for a
/// while (it waits in the waking worker's LIFO slot, or on a `current_thread` runtime's one
/// thread), so here the unlock decides from the waiter's age, and the guarantee holds even
/// against a task that re-locks without ever `.await`ing (Go's `TestMutexFairness` finishes
/// in tens of milliseconds, as with Go). And tokio does not preempt: a task handed the lock
/// runs only when its worker is free, so a task that never yields can still hold up others on
/// its own thread, with or without a mutex.
///
/// Ages are read from tokio's clock ([`tokio::time::Instant`]): in a runtime whose time is
/// paused (tokio's `test-util`), the 1 ms passes in virtual time, with
/// `tokio::time::advance`.
///
/// # Examples
///
/// ```
/// use gokio::{Mutex, WaitGroup};
/// use std::sync::Arc;
///
/// gokio::run(async {
///     let counter = Arc::new(Mutex::new(0));
///     let wg = WaitGroup::new();
///     for _ in 0..4 {
///         let counter = Arc::clone(&counter);
///         wg.go(async move {
///             *counter.lock().await += 1; // mu.Lock(); counter++; mu.Unlock()
///         });
///     }
///     wg.wait().await;
///     assert_eq!(*counter.lock().await, 4);
/// });
/// ```
pub struct Mutex<T: ?Sized> {
    raw: RawMutex,
    data: LockCell<T>,
}

impl<T> Mutex<T> {
    crate::loom::const_fn! {
        /// Creates an unlocked mutex holding `value`.
        ///
        /// `const`, so a `static` can hold a mutex, as a Go package holds a `var mu
        /// sync.Mutex` (under `--cfg loom`, whose atomics are not `const`, it is a plain `fn`).
        ///
        /// # Examples
        ///
        /// ```
        /// use gokio::Mutex;
        ///
        /// static HITS: Mutex<u64> = Mutex::new(0);
        ///
        /// # gokio::run(async {
        /// *HITS.lock().await += 1;
        /// assert_eq!(*HITS.lock().await, 1);
        /// let m = Mutex::new(5);
        /// assert_eq!(*m.try_lock().unwrap(), 5);
        /// # });
        /// ```
        pub fn new(value: T) -> Self {
            Mutex {
                raw: RawMutex::new(),
                data: LockCell::new(value),
            }
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
        self.data.into_inner()
    }
}

impl<T: ?Sized> Mutex<T> {
    /// Locks the mutex, waiting until it is free.
    ///
    /// Resolves to a guard that unlocks on drop. Waiters are queued in arrival order; a
    /// waiter woken by an unlock competes with new arrivals, and one that has waited 1 ms is
    /// handed the lock directly (Go's starvation mode; see [Fairness](Mutex#fairness)).
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
    #[track_caller]
    pub fn lock(&self) -> Lock<'_, T> {
        Lock {
            mutex: Some(self),
            key: None,
            site: crate::debug::caller(),
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
    /// ahead of queued waiters, but never one being handed to a waiter that has waited 1 ms
    /// (the mutex is not free then; see [Fairness](Mutex#fairness)).
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
    /// gokio::go(async move { *g += 1 }).join().await.unwrap(); // the guard moves along
    /// assert_eq!(*m.lock().await, 1);
    /// # }
    /// ```
    #[track_caller]
    pub fn lock_owned(self: Arc<Self>) -> LockOwned<T> {
        LockOwned {
            mutex: Some(self),
            key: None,
            site: crate::debug::caller(),
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
        self.data.get_mut()
    }

    /// Builds the guard. Call only once the protocol has granted the lock (see `cell.rs`).
    #[inline]
    fn guard(&self) -> MutexGuard<'_, T> {
        MutexGuard {
            mutex: self,
            _marker: PhantomData,
        }
    }

    /// As [`Self::guard`], owning an `Arc` of the mutex.
    fn owned_guard(this: Arc<Self>) -> OwnedMutexGuard<T> {
        OwnedMutexGuard {
            mutex: this,
            _marker: PhantomData,
        }
    }
}

#[cfg(loom)]
impl<T> Mutex<T> {
    /// Under loom only: the age check (counted from 1) at which a waiter at the head starves
    /// and is handed the lock; 2 by default. A model raises it to reach the unlocks that pass
    /// a woken waiter over without checking its age (see `mutex/raw.rs`).
    #[doc(hidden)]
    pub fn loom_starve_after(mut self, checks: u8) -> Self {
        self.raw.starve_after = checks;
        self
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
    mutex: &'a Mutex<T>,
    /// Auto traits as `&mut T`: `Sync` only if `T: Sync` (a shared guard hands out `&T`).
    _marker: PhantomData<&'a mut T>,
}

// `Deref`/`DerefMut` for the guards are in `cell.rs`.

impl<T: ?Sized> Drop for MutexGuard<'_, T> {
    #[inline]
    fn drop(&mut self) {
        self.mutex.raw.unlock();
    }
}

impl<'a, T: ?Sized> MutexGuard<'a, T> {
    /// The mutex this guard holds locked (Go: `c.L`).
    ///
    /// An associated function, called as `MutexGuard::mutex(&guard)`, so that it does not
    /// shadow a method of `T` reached through the guard (std's guards do the same).
    ///
    /// # Examples
    ///
    /// ```
    /// use gokio::{Mutex, MutexGuard};
    ///
    /// let m = Mutex::new(());
    /// let g = m.try_lock().unwrap();
    /// assert!(std::ptr::eq(MutexGuard::mutex(&g), &m));
    /// ```
    pub fn mutex(this: &Self) -> &'a Mutex<T> {
        this.mutex
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
    mutex: Arc<Mutex<T>>,
    /// Auto traits as `Box<T>`: `Sync` only if `T: Sync` (a shared guard hands out `&T`).
    _marker: PhantomData<Box<T>>,
}

impl<T: ?Sized> Drop for OwnedMutexGuard<T> {
    #[inline]
    fn drop(&mut self) {
        self.mutex.raw.unlock();
    }
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
        &self.mutex
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
    /// The user's call of `lock`, for `gokio::debug::dump`.
    site: crate::debug::Site,
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
        // Contended (held, or free with a waiter not yet woken): take part in tokio's
        // cooperative budget, as tokio's own locks do, so that tasks hammering one lock
        // yield to the others, the waiter they are about to wake among them.
        let coop = std::task::ready!(tokio::task::coop::poll_proceed(cx));
        match mutex.raw.poll_lock(&mut this.key, cx) {
            Poll::Ready(()) => {
                coop.made_progress();
                this.mutex = None;
                Poll::Ready(mutex.guard())
            }
            Poll::Pending => {
                mutex.raw.record_park(this.site);
                Poll::Pending
            }
        }
    }
}

impl<T: ?Sized> Drop for Lock<'_, T> {
    #[inline]
    fn drop(&mut self) {
        // `key` is `Some` only while the future is queued, and then `mutex` is `Some` too
        // (both are cleared together on completion): one test on the common path.
        if let Some(k) = self.key
            && let Some(mutex) = self.mutex
        {
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
    /// The user's call of `lock_owned`, for `gokio::debug::dump`.
    site: crate::debug::Site,
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
            Poll::Pending => {
                mutex.raw.record_park(this.site);
                Poll::Pending
            }
        }
    }
}

impl<T: ?Sized> Drop for LockOwned<T> {
    #[inline]
    fn drop(&mut self) {
        // As `Lock`'s: `key` is `Some` only while queued, when `mutex` is `Some` too.
        if let Some(k) = self.key
            && let Some(mutex) = &self.mutex
        {
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
