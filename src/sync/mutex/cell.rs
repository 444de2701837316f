//! The value of a [`Mutex`](crate::Mutex) or an [`RwMutex`](crate::RwMutex): one of gokio's three `unsafe` modules (the others are
//! the channel spin lock, `src/spin.rs`, and the channel waiters, `src/chan/waiter.rs`).
//!
//! Why it exists: `benches/sync.rs` (as of the commit that added this file). Without `unsafe`,
//! the value had to sit in a second lock
//! that the gokio protocol keeps uncontended (a `futures::lock::Mutex`); that lock alone cost
//! 6–10 ns per lock/unlock and put gokio's Mutex at 2.2× (uncontended) and 2.75× (contended)
//! Go's `sync.Mutex`, against a 2× target. An `UnsafeCell` costs nothing.
//!
//! The soundness argument is the usual one for a mutex (std's and tokio's make the same):
//! * [`RawMutex`](super::raw::RawMutex) grants the lock to one holder at a time;
//! * a [`MutexGuard`] / [`OwnedMutexGuard`] is built only by `Mutex::guard` / `owned_guard`,
//!   which are called only after the protocol granted the lock, and the guard releases it in
//!   its `Drop`; so while a guard lives, it is the only one;
//! * `&T` comes from `&guard` and `&mut T` from `&mut guard`, so Rust's borrow rules on the
//!   guard forbid aliasing through it;
//! * a guard is `Sync` only if `T: Sync` (a `PhantomData` marker), since `&guard` hands out
//!   `&T` to whichever thread holds it:
//!
//! ```compile_fail
//! fn assert_sync<S: Sync>() {}
//! assert_sync::<gokio::MutexGuard<'static, std::cell::Cell<i32>>>();
//! ```
//! ```compile_fail
//! fn assert_sync<S: Sync>() {}
//! assert_sync::<gokio::OwnedMutexGuard<std::cell::Cell<i32>>>();
//! ```
//!
//! # The same cell under a reader/writer lock
//! An [`RwMutex`](crate::RwMutex) keeps its value here too (a `static RwMutex` needs a
//! `const` cell; see `src/sync/rwmutex.rs`). The argument changes in one place: several read
//! guards may live at once, each handing out `&T`, but never beside a write guard.
//! * `RawRwMutex` (`src/sync/rwmutex/raw.rs`, invariant 1) grants either one writer or any
//!   number of readers, never both;
//! * a write guard is built only by `RwMutex::write_guard` / `owned_write_guard`, called only
//!   after a write grant (`Kind::Write`), and a read guard only after a
//!   read grant; each guard gives its grant back in its `Drop`;
//! * a read guard hands out `&T` only, a write guard `&mut T` only through `&mut guard`;
//! * since readers on several threads share `&T`, `RwMutex<T>` is `Sync` only if
//!   `T: Send + Sync` (a `PhantomData<T>` beside the cell), and every guard, holding
//!   `&RwMutex<T>` or `Arc<RwMutex<T>>`, is `Send`/`Sync` only then:
//!
//! ```compile_fail
//! fn assert_sync<S: Sync>() {}
//! assert_sync::<gokio::RwMutex<std::cell::Cell<i32>>>();
//! ```
//! ```compile_fail
//! fn assert_send<S: Send>() {}
//! assert_send::<gokio::RwMutexReadGuard<'static, std::cell::Cell<i32>>>();
//! ```
#![allow(unsafe_code)]
#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]

use std::cell::UnsafeCell;
use std::ops::{Deref, DerefMut};

use super::{MutexGuard, OwnedMutexGuard};
use crate::sync::{
    OwnedRwMutexReadGuard, OwnedRwMutexWriteGuard, RwMutexReadGuard, RwMutexWriteGuard,
};

/// Interior storage for a mutex's value.
pub(in crate::sync) struct LockCell<T: ?Sized>(UnsafeCell<T>);

// SAFETY: the value is only reached through a guard, and the lock protocol allows one guard
// at a time (module docs), so sharing a `LockCell` between threads only ever lets one thread
// at a time touch `T`: exactly `std::sync::Mutex`'s bound, `T: Send`.
unsafe impl<T: ?Sized + Send> Sync for LockCell<T> {}

impl<T> LockCell<T> {
    pub(in crate::sync) const fn new(value: T) -> Self {
        LockCell(UnsafeCell::new(value))
    }

    pub(in crate::sync) fn into_inner(self) -> T {
        self.0.into_inner()
    }
}

impl<T: ?Sized> LockCell<T> {
    /// `&mut self` proves exclusive access: no lock needed.
    pub(in crate::sync) fn get_mut(&mut self) -> &mut T {
        self.0.get_mut()
    }
}

impl<T: ?Sized> Deref for MutexGuard<'_, T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        // SAFETY: this guard holds the lock (module docs), so no `&mut T` exists elsewhere;
        // the returned borrow is tied to `&self`, so no `&mut T` can be made through this
        // guard while it lives.
        unsafe { &*self.mutex.data.0.get() }
    }
}

impl<T: ?Sized> DerefMut for MutexGuard<'_, T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: this guard holds the lock, and `&mut self` makes the returned borrow the
        // only one reachable through it.
        unsafe { &mut *self.mutex.data.0.get() }
    }
}

impl<T: ?Sized> Deref for OwnedMutexGuard<T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        // SAFETY: as for `MutexGuard::deref`: the owned guard holds the lock.
        unsafe { &*self.mutex.data.0.get() }
    }
}

impl<T: ?Sized> DerefMut for OwnedMutexGuard<T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as for `MutexGuard::deref_mut`.
        unsafe { &mut *self.mutex.data.0.get() }
    }
}

impl<T: ?Sized> Deref for RwMutexReadGuard<'_, T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        // SAFETY: this guard holds a read grant (module docs), which excludes every write
        // guard, so no `&mut T` exists; other read guards hand out only `&T`.
        unsafe { &*self.rw.data.0.get() }
    }
}

impl<T: ?Sized> Deref for RwMutexWriteGuard<'_, T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        // SAFETY: this guard holds the write grant, which excludes every other guard; the
        // borrow is tied to `&self`, so no `&mut T` can be made through it meanwhile.
        unsafe { &*self.rw.data.0.get() }
    }
}

impl<T: ?Sized> DerefMut for RwMutexWriteGuard<'_, T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: this guard holds the write grant, and `&mut self` makes the returned
        // borrow the only one reachable through it.
        unsafe { &mut *self.rw.data.0.get() }
    }
}

impl<T: ?Sized> Deref for OwnedRwMutexReadGuard<T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        // SAFETY: as for `RwMutexReadGuard::deref`: the owned guard holds a read grant.
        unsafe { &*self.rw.data.0.get() }
    }
}

impl<T: ?Sized> Deref for OwnedRwMutexWriteGuard<T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        // SAFETY: as for `RwMutexWriteGuard::deref`.
        unsafe { &*self.rw.data.0.get() }
    }
}

impl<T: ?Sized> DerefMut for OwnedRwMutexWriteGuard<T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as for `RwMutexWriteGuard::deref_mut`.
        unsafe { &mut *self.rw.data.0.get() }
    }
}
