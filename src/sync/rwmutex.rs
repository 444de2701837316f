//! [`RwMutex`]: a fair, writer-preferring reader/writer lock (Go's `sync.RWMutex`).
//!
//! Source: Go's `src/sync/rwmutex.go` for the semantics (once a writer waits, new readers
//! wait behind it). Simplicity beats speed here: all state sits under one lock.
//!
//! # Algorithm
//! State: `readers` (active read guards), `writer` (a write guard is active) and one FIFO
//! queue of waiters tagged read or write.
//! - **read** is admitted at once iff no writer is active and nobody is queued; **write**
//!   iff nobody is active and nobody is queued. Otherwise the waiter queues at the back.
//!   So a waiting writer blocks every later reader (writer preference), and no one
//!   overtakes anyone (FIFO).
//! - **grant** (after a release or a cancellation): walk the queue from the head, admitting
//!   a writer if nobody is active, or every consecutive reader while no writer is active;
//!   stop at the first waiter that cannot be admitted. Admission is a direct hand-off: the
//!   waiter's counts are taken for it and its slot is marked `Granted` before it is woken.
//! - **cancellation**: a `Waiting` waiter leaves the queue (then grant runs: a cancelled
//!   writer at the head may have been holding readers back); a `Granted` one releases what
//!   it was given.
//!
//! # Invariants
//! 1. `writer` implies `readers == 0`.
//! 2. When the state lock is free, the head of the queue cannot be admitted (grant has run
//!    after every change that could admit it).
//! 3. A slot is freed only by its owning future (see `waiters.rs`).
//!
//! # Data
//! The value lives in a `tokio::sync::RwLock` (behind an `Arc` for the owned guards) whose
//! `try_read`/`try_write` always succeed, because the protocol above already excludes
//! conflicting access; guards drop the inner guard before they release the protocol.

use std::fmt;
use std::future::Future;
use std::ops::{Deref, DerefMut};
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use super::waiters::{WaitQueue, WaitState, WakeList};
use crate::blocking::block_on;
use crate::loom::StdArc as Arc;

/// The value cell; see "Data" in the module docs.
type Cell<T> = tokio::sync::RwLock<T>;

/// What a waiter or guard holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Read,
    Write,
}

struct State {
    readers: usize,
    writer: bool,
    queue: WaitQueue<Kind>,
}

impl State {
    fn admissible(&self, kind: Kind) -> bool {
        match kind {
            Kind::Read => !self.writer,
            Kind::Write => !self.writer && self.readers == 0,
        }
    }

    fn take(&mut self, kind: Kind) {
        match kind {
            Kind::Read => self.readers += 1,
            Kind::Write => self.writer = true,
        }
    }

    fn give_back(&mut self, kind: Kind) {
        match kind {
            Kind::Read => self.readers -= 1,
            Kind::Write => self.writer = false,
        }
    }

    /// Admits waiters from the head while possible. Returns `true` if it stopped only
    /// because `wakers` is full.
    fn grant(&mut self, wakers: &mut WakeList) -> bool {
        while let Some(k) = self.queue.front() {
            let kind = self.queue.slot(k).kind;
            if !self.admissible(kind) {
                break;
            }
            if wakers.is_full() {
                return true;
            }
            self.take(kind);
            self.queue.pop_front();
            let slot = self.queue.slot(k);
            slot.state = WaitState::Granted;
            wakers.push(slot.waker.take());
            if kind == Kind::Write {
                break;
            }
        }
        false
    }
}

/// The non-generic protocol.
struct RawRwMutex {
    state: crate::loom::Mutex<State>,
}

impl RawRwMutex {
    fn new() -> Self {
        RawRwMutex {
            state: crate::loom::Mutex::new(State {
                readers: 0,
                writer: false,
                queue: WaitQueue::new(),
            }),
        }
    }

    fn try_acquire(&self, kind: Kind) -> bool {
        let mut st = crate::loom::lock(&self.state);
        let ok = st.queue.is_empty() && st.admissible(kind);
        if ok {
            st.take(kind);
        }
        ok
    }

    fn poll_acquire(&self, kind: Kind, key: &mut Option<usize>, waker: &Waker) -> Poll<()> {
        let mut st = crate::loom::lock(&self.state);
        match *key {
            None => {
                if st.queue.is_empty() && st.admissible(kind) {
                    st.take(kind);
                    return Poll::Ready(());
                }
                *key = Some(st.queue.push_back(waker.clone(), kind));
                Poll::Pending
            }
            Some(k) => {
                let slot = st.queue.slot(k);
                if slot.state == WaitState::Granted {
                    st.queue.free(k);
                    *key = None;
                    return Poll::Ready(());
                }
                if !slot.waker.as_ref().is_some_and(|w| w.will_wake(waker)) {
                    slot.waker = Some(waker.clone());
                }
                Poll::Pending
            }
        }
    }

    /// Releases `kind` (if given) and admits whoever can go next, waking outside the lock.
    fn release(&self, kind: Option<Kind>) {
        let mut st = crate::loom::lock(&self.state);
        if let Some(kind) = kind {
            st.give_back(kind);
        }
        loop {
            let mut wakers = WakeList::new();
            let more = st.grant(&mut wakers);
            drop(st);
            wakers.wake_all();
            if !more {
                return;
            }
            st = crate::loom::lock(&self.state);
        }
    }

    /// A pending future with slot `k` is dropped.
    fn cancel(&self, k: usize) {
        let mut st = crate::loom::lock(&self.state);
        let kind = st.queue.slot(k).kind;
        let granted = st.queue.free(k) == WaitState::Granted;
        drop(st);
        self.release(granted.then_some(kind));
    }
}

/// A fair reader/writer lock: Go's `sync.RWMutex` for async Rust, protecting a value of
/// type `T`.
///
/// Any number of readers share the lock, or one writer holds it alone. It is
/// writer-preferring like Go's: once a writer waits, new readers wait behind it, so a
/// stream of readers cannot starve writers. Waiters are served in arrival order; a run of
/// consecutive waiting readers is admitted together. Guards release the lock when dropped.
///
/// # Fairness
///
/// Stricter than the [`Mutex`](crate::Mutex), with no threshold: nobody barges. The lock is
/// taken at once only when nobody waits; otherwise the caller queues, and each release hands
/// the lock directly to the head of the queue (a writer, or every consecutive reader there).
/// So a waiter waits only for the holders and the waiters ahead of it, whether or not they
/// re-lock at once, and [`try_read`](RwMutex::try_read) / [`try_write`](RwMutex::try_write)
/// fail while anyone waits. For a Go porter: Go's `RWMutex` prefers writers the same way; one
/// difference is that at a writer's unlock Go lets in every reader that arrived while that
/// writer held or awaited the lock, even ahead of a second writer queued before them, where
/// gokio keeps arrival order.
///
/// `RwMutex<T>` is `Sync` (and `Send`) when `T: Send + Sync`.
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let config = gokio::RwMutex::new(String::from("v1"));
/// {
///     let a = config.read().await;
///     let b = config.read().await; // readers share
///     assert_eq!(*a, *b);
/// }
/// config.write().await.push_str("-patched");
/// assert_eq!(*config.read().await, "v1-patched");
/// # }
/// ```
pub struct RwMutex<T: ?Sized> {
    raw: RawRwMutex,
    data: Arc<Cell<T>>,
}

impl<T> RwMutex<T> {
    /// Creates an unlocked `RwMutex` holding `value`.
    ///
    /// # Examples
    ///
    /// ```
    /// let rw = gokio::RwMutex::new(1);
    /// assert_eq!(*rw.try_read().unwrap(), 1);
    /// ```
    pub fn new(value: T) -> Self {
        RwMutex {
            raw: RawRwMutex::new(),
            data: Arc::new(Cell::new(value)),
        }
    }

    /// Consumes the lock and returns the value.
    ///
    /// # Examples
    ///
    /// ```
    /// let rw = gokio::RwMutex::new(vec![1]);
    /// assert_eq!(rw.into_inner(), [1]);
    /// ```
    pub fn into_inner(self) -> T {
        match Arc::try_unwrap(self.data) {
            Ok(cell) => cell.into_inner(),
            Err(_) => unreachable!("gokio RwMutex: data cell shared without a guard"),
        }
    }
}

impl<T: ?Sized> RwMutex<T> {
    /// Locks for reading, waiting while a writer holds the lock or anyone is queued.
    ///
    /// Resolves to a guard that shares the lock with other readers and releases it on drop.
    ///
    /// # Panics
    ///
    /// Polling the returned future after it has completed panics.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: a dropped future leaves the queue (letting waiters behind it in if it
    /// was holding them back) and releases the lock if it had already been granted.
    ///
    /// # Blocking
    ///
    /// Does not block the thread; see [`read_blocking`](RwMutex::read_blocking).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let rw = gokio::RwMutex::new(3);
    /// assert_eq!(*rw.read().await, 3);
    /// # }
    /// ```
    pub fn read(&self) -> Read<'_, T> {
        Read {
            rw: Some(self),
            key: None,
        }
    }

    /// Locks for writing, waiting until no reader or writer holds the lock and every
    /// earlier waiter has been served.
    ///
    /// Resolves to a guard with exclusive access that releases the lock on drop.
    ///
    /// # Panics
    ///
    /// Polling the returned future after it has completed panics.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: a dropped future leaves the queue (readers it was holding back are
    /// admitted) and releases the lock if it had already been granted.
    ///
    /// # Blocking
    ///
    /// Does not block the thread; see [`write_blocking`](RwMutex::write_blocking).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let rw = gokio::RwMutex::new(3);
    /// *rw.write().await += 1;
    /// assert_eq!(*rw.read().await, 4);
    /// # }
    /// ```
    pub fn write(&self) -> Write<'_, T> {
        Write {
            rw: Some(self),
            key: None,
        }
    }

    /// Locks for reading, blocking the current thread; same logic as
    /// [`read`](RwMutex::read).
    ///
    /// # Panics
    ///
    /// Never panics by itself.
    ///
    /// # Cancel safety
    ///
    /// Not applicable: returns only with the lock.
    ///
    /// # Blocking
    ///
    /// Blocks the calling thread; do not call it inside an async task.
    ///
    /// # Examples
    ///
    /// ```
    /// let rw = gokio::RwMutex::new(1);
    /// assert_eq!(*rw.read_blocking(), 1);
    /// ```
    pub fn read_blocking(&self) -> RwMutexReadGuard<'_, T> {
        block_on(self.read())
    }

    /// Locks for writing, blocking the current thread; same logic as
    /// [`write`](RwMutex::write).
    ///
    /// # Panics
    ///
    /// Never panics by itself.
    ///
    /// # Cancel safety
    ///
    /// Not applicable: returns only with the lock.
    ///
    /// # Blocking
    ///
    /// Blocks the calling thread; do not call it inside an async task.
    ///
    /// # Examples
    ///
    /// ```
    /// let rw = gokio::RwMutex::new(1);
    /// *rw.write_blocking() = 2;
    /// assert_eq!(*rw.read_blocking(), 2);
    /// ```
    pub fn write_blocking(&self) -> RwMutexWriteGuard<'_, T> {
        block_on(self.write())
    }

    /// Locks for reading if that is possible right now (no writer active, nobody queued).
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
    /// Never blocks (beyond a short internal critical section).
    ///
    /// # Examples
    ///
    /// ```
    /// let rw = gokio::RwMutex::new(1);
    /// let r = rw.try_read().unwrap();
    /// assert!(rw.try_read().is_some());
    /// assert!(rw.try_write().is_none());
    /// drop(r);
    /// ```
    pub fn try_read(&self) -> Option<RwMutexReadGuard<'_, T>> {
        self.raw.try_acquire(Kind::Read).then(|| self.read_guard())
    }

    /// Locks for writing if that is possible right now (nobody active, nobody queued).
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
    /// Never blocks (beyond a short internal critical section).
    ///
    /// # Examples
    ///
    /// ```
    /// let rw = gokio::RwMutex::new(1);
    /// let w = rw.try_write().unwrap();
    /// assert!(rw.try_read().is_none());
    /// drop(w);
    /// ```
    pub fn try_write(&self) -> Option<RwMutexWriteGuard<'_, T>> {
        self.raw
            .try_acquire(Kind::Write)
            .then(|| self.write_guard())
    }

    /// As [`read`](RwMutex::read), through an `Arc`: the guard owns the `Arc`.
    ///
    /// # Panics
    ///
    /// Polling the returned future after it has completed panics.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe, as [`read`](RwMutex::read).
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
    /// let rw = Arc::new(gokio::RwMutex::new(1));
    /// let r = Arc::clone(&rw).read_owned().await;
    /// gokio::go(async move { assert_eq!(*r, 1) }).join().await.unwrap();
    /// # }
    /// ```
    pub fn read_owned(self: Arc<Self>) -> ReadOwned<T> {
        ReadOwned {
            rw: Some(self),
            key: None,
        }
    }

    /// As [`write`](RwMutex::write), through an `Arc`: the guard owns the `Arc`.
    ///
    /// # Panics
    ///
    /// Polling the returned future after it has completed panics.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe, as [`write`](RwMutex::write).
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
    /// let rw = Arc::new(gokio::RwMutex::new(1));
    /// let mut w = Arc::clone(&rw).write_owned().await;
    /// gokio::go(async move { *w += 1 }).join().await.unwrap();
    /// assert_eq!(*rw.read().await, 2);
    /// # }
    /// ```
    pub fn write_owned(self: Arc<Self>) -> WriteOwned<T> {
        WriteOwned {
            rw: Some(self),
            key: None,
        }
    }

    /// As [`try_read`](RwMutex::try_read), through an `Arc`; hands the `Arc` back on failure.
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
    /// Never blocks (beyond a short internal critical section).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// let rw = Arc::new(gokio::RwMutex::new(1));
    /// let r = Arc::clone(&rw).try_read_owned().unwrap();
    /// assert_eq!(*r, 1);
    /// ```
    #[allow(clippy::result_large_err)] // the error is just the Arc handed back
    pub fn try_read_owned(self: Arc<Self>) -> Result<OwnedRwMutexReadGuard<T>, Arc<Self>> {
        if self.raw.try_acquire(Kind::Read) {
            Ok(Self::owned_read_guard(self))
        } else {
            Err(self)
        }
    }

    /// As [`try_write`](RwMutex::try_write), through an `Arc`; hands the `Arc` back on
    /// failure.
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
    /// Never blocks (beyond a short internal critical section).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// let rw = Arc::new(gokio::RwMutex::new(1));
    /// let r = rw.try_read().unwrap();
    /// assert!(Arc::clone(&rw).try_write_owned().is_err());
    /// drop(r);
    /// assert!(Arc::clone(&rw).try_write_owned().is_ok());
    /// ```
    #[allow(clippy::result_large_err)] // the error is just the Arc handed back
    pub fn try_write_owned(self: Arc<Self>) -> Result<OwnedRwMutexWriteGuard<T>, Arc<Self>> {
        if self.raw.try_acquire(Kind::Write) {
            Ok(Self::owned_write_guard(self))
        } else {
            Err(self)
        }
    }

    /// Returns a mutable reference to the value; `&mut self` proves exclusive access.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut rw = gokio::RwMutex::new(1);
    /// *rw.get_mut() = 5;
    /// assert_eq!(rw.into_inner(), 5);
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        match Arc::get_mut(&mut self.data) {
            Some(cell) => cell.get_mut(),
            None => unreachable!("gokio RwMutex: data cell shared without a guard"),
        }
    }

    fn read_guard(&self) -> RwMutexReadGuard<'_, T> {
        match self.data.try_read() {
            Ok(data) => RwMutexReadGuard {
                data,
                _release: Release {
                    raw: &self.raw,
                    kind: Kind::Read,
                },
            },
            Err(_) => unreachable!("gokio RwMutex: data cell contended while read-locked"),
        }
    }

    fn write_guard(&self) -> RwMutexWriteGuard<'_, T> {
        match self.data.try_write() {
            Ok(data) => RwMutexWriteGuard {
                data,
                _release: Release {
                    raw: &self.raw,
                    kind: Kind::Write,
                },
            },
            Err(_) => unreachable!("gokio RwMutex: data cell contended while write-locked"),
        }
    }

    fn owned_read_guard(this: Arc<Self>) -> OwnedRwMutexReadGuard<T> {
        match Arc::clone(&this.data).try_read_owned() {
            Ok(data) => OwnedRwMutexReadGuard {
                data,
                _release: OwnedRelease {
                    rw: this,
                    kind: Kind::Read,
                },
            },
            Err(_) => unreachable!("gokio RwMutex: data cell contended while read-locked"),
        }
    }

    fn owned_write_guard(this: Arc<Self>) -> OwnedRwMutexWriteGuard<T> {
        match Arc::clone(&this.data).try_write_owned() {
            Ok(data) => OwnedRwMutexWriteGuard {
                data,
                _release: OwnedRelease {
                    rw: this,
                    kind: Kind::Write,
                },
            },
            Err(_) => unreachable!("gokio RwMutex: data cell contended while write-locked"),
        }
    }
}

impl<T: Default> Default for RwMutex<T> {
    fn default() -> Self {
        RwMutex::new(T::default())
    }
}

impl<T> From<T> for RwMutex<T> {
    fn from(value: T) -> Self {
        RwMutex::new(value)
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for RwMutex<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("RwMutex");
        match self.try_read() {
            Some(guard) => d.field("data", &&*guard),
            None => d.field("data", &format_args!("<locked>")),
        };
        d.finish()
    }
}

/// Releases the protocol after the data cell (declared after `data` in the guards).
struct Release<'a> {
    raw: &'a RawRwMutex,
    kind: Kind,
}

impl Drop for Release<'_> {
    fn drop(&mut self) {
        self.raw.release(Some(self.kind));
    }
}

/// As [`Release`], for owned guards.
struct OwnedRelease<T: ?Sized> {
    rw: Arc<RwMutex<T>>,
    kind: Kind,
}

impl<T: ?Sized> Drop for OwnedRelease<T> {
    fn drop(&mut self) {
        self.rw.raw.release(Some(self.kind));
    }
}

/// Shared access to the value of a read-locked [`RwMutex`]; releases it when dropped.
///
/// # Examples
///
/// ```
/// let rw = gokio::RwMutex::new(1);
/// let r: gokio::RwMutexReadGuard<'_, i32> = rw.try_read().unwrap();
/// assert_eq!(*r, 1);
/// ```
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct RwMutexReadGuard<'a, T: ?Sized> {
    data: tokio::sync::RwLockReadGuard<'a, T>,
    _release: Release<'a>,
}

/// Exclusive access to the value of a write-locked [`RwMutex`]; releases it when dropped.
///
/// # Examples
///
/// ```
/// let rw = gokio::RwMutex::new(1);
/// let mut w: gokio::RwMutexWriteGuard<'_, i32> = rw.try_write().unwrap();
/// *w = 2;
/// ```
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct RwMutexWriteGuard<'a, T: ?Sized> {
    data: tokio::sync::RwLockWriteGuard<'a, T>,
    _release: Release<'a>,
}

/// As [`RwMutexReadGuard`], owning an `Arc` of the lock (can move into spawned tasks).
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
///
/// let rw = Arc::new(gokio::RwMutex::new(1));
/// let r = Arc::clone(&rw).try_read_owned().unwrap();
/// std::thread::spawn(move || assert_eq!(*r, 1)).join().unwrap();
/// ```
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct OwnedRwMutexReadGuard<T: ?Sized> {
    data: tokio::sync::OwnedRwLockReadGuard<T>,
    _release: OwnedRelease<T>,
}

/// As [`RwMutexWriteGuard`], owning an `Arc` of the lock (can move into spawned tasks).
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
///
/// let rw = Arc::new(gokio::RwMutex::new(1));
/// let mut w = Arc::clone(&rw).try_write_owned().unwrap();
/// std::thread::spawn(move || *w += 1).join().unwrap();
/// assert_eq!(*rw.try_read().unwrap(), 2);
/// ```
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct OwnedRwMutexWriteGuard<T: ?Sized> {
    data: tokio::sync::OwnedRwLockWriteGuard<T>,
    _release: OwnedRelease<T>,
}

impl<T: ?Sized> Deref for RwMutexReadGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.data
    }
}

impl<T: ?Sized> Deref for RwMutexWriteGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.data
    }
}

impl<T: ?Sized> DerefMut for RwMutexWriteGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.data
    }
}

impl<T: ?Sized> Deref for OwnedRwMutexReadGuard<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.data
    }
}

impl<T: ?Sized> Deref for OwnedRwMutexWriteGuard<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.data
    }
}

impl<T: ?Sized> DerefMut for OwnedRwMutexWriteGuard<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.data
    }
}

/// Guards format as the value they guard (`Debug` and `Display`), like `MutexGuard`.
macro_rules! fmt_as_value {
    ($($guard:ty),* $(,)?) => {$(
        impl<T: ?Sized + fmt::Debug> fmt::Debug for $guard {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&**self, f)
            }
        }

        impl<T: ?Sized + fmt::Display> fmt::Display for $guard {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&**self, f)
            }
        }
    )*};
}

fmt_as_value!(
    RwMutexReadGuard<'_, T>,
    RwMutexWriteGuard<'_, T>,
    OwnedRwMutexReadGuard<T>,
    OwnedRwMutexWriteGuard<T>,
);

/// Future returned by [`RwMutex::read`]; resolves to a [`RwMutexReadGuard`].
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let rw = gokio::RwMutex::new(1);
/// let fut: gokio::sync::Read<'_, i32> = rw.read();
/// assert_eq!(*fut.await, 1);
/// # }
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Read<'a, T: ?Sized> {
    rw: Option<&'a RwMutex<T>>,
    key: Option<usize>,
}

/// Future returned by [`RwMutex::write`]; resolves to a [`RwMutexWriteGuard`].
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let rw = gokio::RwMutex::new(1);
/// let fut: gokio::sync::Write<'_, i32> = rw.write();
/// *fut.await += 1;
/// # }
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Write<'a, T: ?Sized> {
    rw: Option<&'a RwMutex<T>>,
    key: Option<usize>,
}

/// Future returned by [`RwMutex::read_owned`]; resolves to an [`OwnedRwMutexReadGuard`].
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let rw = Arc::new(gokio::RwMutex::new(1));
/// let fut: gokio::sync::ReadOwned<i32> = rw.read_owned();
/// assert_eq!(*fut.await, 1);
/// # }
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ReadOwned<T: ?Sized> {
    rw: Option<Arc<RwMutex<T>>>,
    key: Option<usize>,
}

/// Future returned by [`RwMutex::write_owned`]; resolves to an [`OwnedRwMutexWriteGuard`].
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let rw = Arc::new(gokio::RwMutex::new(1));
/// let fut: gokio::sync::WriteOwned<i32> = rw.write_owned();
/// *fut.await += 1;
/// # }
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct WriteOwned<T: ?Sized> {
    rw: Option<Arc<RwMutex<T>>>,
    key: Option<usize>,
}

impl RawRwMutex {
    /// One poll of an acquisition, taking part in tokio's cooperative budget as tokio's own
    /// locks do: a task that keeps winning an uncontended lock still yields now and then.
    fn poll_acquire_coop(
        &self,
        kind: Kind,
        key: &mut Option<usize>,
        cx: &mut Context<'_>,
    ) -> Poll<()> {
        let coop = std::task::ready!(tokio::task::coop::poll_proceed(cx));
        let r = self.poll_acquire(kind, key, &crate::debug::own(cx.waker()));
        if r.is_ready() {
            coop.made_progress();
        } else {
            let reason = match kind {
                Kind::Read => crate::debug::Reason::SyncRWMutexRLock,
                Kind::Write => crate::debug::Reason::SyncRWMutexLock,
            };
            crate::debug::park(reason, crate::debug::NO_SITE, || {
                Some(crate::debug::Object::Mutex {
                    addr: self as *const Self as usize,
                })
            });
        }
        r
    }
}

impl<'a, T: ?Sized> Future for Read<'a, T> {
    type Output = RwMutexReadGuard<'a, T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let rw = this.rw.expect("`Read` polled after completion");
        std::task::ready!(rw.raw.poll_acquire_coop(Kind::Read, &mut this.key, cx));
        this.rw = None;
        Poll::Ready(rw.read_guard())
    }
}

impl<'a, T: ?Sized> Future for Write<'a, T> {
    type Output = RwMutexWriteGuard<'a, T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let rw = this.rw.expect("`Write` polled after completion");
        std::task::ready!(rw.raw.poll_acquire_coop(Kind::Write, &mut this.key, cx));
        this.rw = None;
        Poll::Ready(rw.write_guard())
    }
}

impl<T: ?Sized> Future for ReadOwned<T> {
    type Output = OwnedRwMutexReadGuard<T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let rw = this
            .rw
            .as_ref()
            .expect("`ReadOwned` polled after completion");
        std::task::ready!(rw.raw.poll_acquire_coop(Kind::Read, &mut this.key, cx));
        let rw = this.rw.take().expect("checked above");
        Poll::Ready(RwMutex::owned_read_guard(rw))
    }
}

impl<T: ?Sized> Future for WriteOwned<T> {
    type Output = OwnedRwMutexWriteGuard<T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let rw = this
            .rw
            .as_ref()
            .expect("`WriteOwned` polled after completion");
        std::task::ready!(rw.raw.poll_acquire_coop(Kind::Write, &mut this.key, cx));
        let rw = this.rw.take().expect("checked above");
        Poll::Ready(RwMutex::owned_write_guard(rw))
    }
}

impl<T: ?Sized> Drop for Read<'_, T> {
    fn drop(&mut self) {
        if let (Some(rw), Some(k)) = (self.rw, self.key) {
            rw.raw.cancel(k);
        }
    }
}

impl<T: ?Sized> Drop for Write<'_, T> {
    fn drop(&mut self) {
        if let (Some(rw), Some(k)) = (self.rw, self.key) {
            rw.raw.cancel(k);
        }
    }
}

impl<T: ?Sized> Drop for ReadOwned<T> {
    fn drop(&mut self) {
        if let (Some(rw), Some(k)) = (&self.rw, self.key) {
            rw.raw.cancel(k);
        }
    }
}

impl<T: ?Sized> Drop for WriteOwned<T> {
    fn drop(&mut self) {
        if let (Some(rw), Some(k)) = (&self.rw, self.key) {
            rw.raw.cancel(k);
        }
    }
}

impl<T: ?Sized> fmt::Debug for Read<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Read")
            .field("queued", &self.key.is_some())
            .finish_non_exhaustive()
    }
}

impl<T: ?Sized> fmt::Debug for Write<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Write")
            .field("queued", &self.key.is_some())
            .finish_non_exhaustive()
    }
}

impl<T: ?Sized> fmt::Debug for ReadOwned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadOwned")
            .field("queued", &self.key.is_some())
            .finish_non_exhaustive()
    }
}

impl<T: ?Sized> fmt::Debug for WriteOwned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WriteOwned")
            .field("queued", &self.key.is_some())
            .finish_non_exhaustive()
    }
}
