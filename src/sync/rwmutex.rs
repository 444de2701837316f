//! [`RwMutex`]: a fair, writer-preferring reader/writer lock (Go's `sync.RWMutex`).
//!
//! The lock protocol (FIFO, writer-preferring, direct hand-off) is in `rwmutex/raw.rs`. The
//! value sits in the same cell as a [`Mutex`](crate::Mutex)'s value (`mutex/cell.rs`, one of
//! the crate's three `unsafe` modules), which also holds the guards' `Deref`/`DerefMut` and
//! the argument that they are sound for a reader/writer protocol: a write guard exists only
//! while the protocol has granted [`Kind::Write`], which excludes every other guard; read
//! guards exist only while it has granted [`Kind::Read`], which excludes every write guard.
//!
//! # Why this cell
//! The value used to sit in a `tokio::sync::RwLock` behind an `Arc` (for the owned guards),
//! kept uncontended by the protocol. `Arc::new` is not `const`, so `RwMutex::new` could not
//! be, and a `static RwMutex` (Go's package-level `var mu sync.RWMutex`) was impossible. The
//! owned guards now hold the `Arc<RwMutex<T>>` they were given and reach the value through
//! it, so no inner `Arc` is needed; a lazily made inner (`WaitGroup`'s `OnceLock`) would have
//! cost a check on every lock and room for the value twice. The second lock's check on every
//! guard is gone too.
//!
//! # Auto traits
//! `RwMutex<T>` is `Send` if `T: Send` and `Sync` if `T: Send + Sync` (std's `RwLock`
//! bounds): the cell alone would make it `Sync` for `T: Send` (a mutex hands `&T` to one
//! thread at a time), so a `PhantomData<T>` adds `T: Sync`, since readers on several threads
//! share `&T`. Every guard holds `&RwMutex<T>` or `Arc<RwMutex<T>>`, so it is `Send` and
//! `Sync` only if `T: Send + Sync`. The cell's `UnsafeCell` makes `T` invariant.

mod future;
mod raw;

use std::fmt;
use std::marker::PhantomData;

pub use self::future::{Read, ReadOwned, Write, WriteOwned};
use self::raw::{Kind, RawRwMutex};
use super::mutex::cell::LockCell;
use crate::blocking::block_on;
use crate::loom::StdArc as Arc;

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
    pub(super) raw: RawRwMutex,
    /// `Sync` needs `T: Sync` too: see "Auto traits" in the module docs.
    _readers_share: PhantomData<T>,
    pub(super) data: LockCell<T>,
}

impl<T> RwMutex<T> {
    crate::loom::const_fn! {
        /// Creates an unlocked `RwMutex` holding `value`.
        ///
        /// `const`, so a `static` can hold one, as a Go package holds a `var mu sync.RWMutex`
        /// (under `--cfg loom`, whose locks are not `const`, it is a plain `fn`).
        ///
        /// # Examples
        ///
        /// ```
        /// use gokio::RwMutex;
        ///
        /// static ROUTES: RwMutex<Vec<&str>> = RwMutex::new(Vec::new());
        ///
        /// # gokio::run(async {
        /// ROUTES.write().await.push("/healthz");
        /// assert_eq!(ROUTES.read().await.len(), 1);
        /// let rw = RwMutex::new(1);
        /// assert_eq!(*rw.try_read().unwrap(), 1);
        /// # });
        /// ```
        pub fn new(value: T) -> Self {
            RwMutex {
                raw: RawRwMutex::new(),
                _readers_share: PhantomData,
                data: LockCell::new(value),
            }
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
        self.data.into_inner()
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
        self.data.get_mut()
    }

    /// Called only once the protocol has granted [`Kind::Read`] (the cell's safety rests on it).
    fn read_guard(&self) -> RwMutexReadGuard<'_, T> {
        RwMutexReadGuard { rw: self }
    }

    /// Called only once the protocol has granted [`Kind::Write`].
    fn write_guard(&self) -> RwMutexWriteGuard<'_, T> {
        RwMutexWriteGuard { rw: self }
    }

    /// As [`read_guard`](Self::read_guard).
    fn owned_read_guard(this: Arc<Self>) -> OwnedRwMutexReadGuard<T> {
        OwnedRwMutexReadGuard { rw: this }
    }

    /// As [`write_guard`](Self::write_guard).
    fn owned_write_guard(this: Arc<Self>) -> OwnedRwMutexWriteGuard<T> {
        OwnedRwMutexWriteGuard { rw: this }
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
    pub(in crate::sync) rw: &'a RwMutex<T>,
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
    pub(in crate::sync) rw: &'a RwMutex<T>,
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
    pub(in crate::sync) rw: Arc<RwMutex<T>>,
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
    pub(in crate::sync) rw: Arc<RwMutex<T>>,
}

// `Deref`/`DerefMut` for the guards are in `mutex/cell.rs`, beside the cell.

impl<T: ?Sized> Drop for RwMutexReadGuard<'_, T> {
    fn drop(&mut self) {
        self.rw.raw.release(Some(Kind::Read));
    }
}

impl<T: ?Sized> Drop for RwMutexWriteGuard<'_, T> {
    fn drop(&mut self) {
        self.rw.raw.release(Some(Kind::Write));
    }
}

impl<T: ?Sized> Drop for OwnedRwMutexReadGuard<T> {
    fn drop(&mut self) {
        self.rw.raw.release(Some(Kind::Read));
    }
}

impl<T: ?Sized> Drop for OwnedRwMutexWriteGuard<T> {
    fn drop(&mut self) {
        self.rw.raw.release(Some(Kind::Write));
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
