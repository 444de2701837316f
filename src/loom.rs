//! The one std/loom facade (private).
//!
//! Every `Arc`, lock and atomic the concurrency core uses comes from here, never from
//! `std::sync` directly, so that `RUSTFLAGS="--cfg loom"` swaps in loom's model-checked
//! versions for `tests/loom_*.rs`. Under loom, sizes that only matter for speed (spin counts)
//! shrink so that models stay small.

// A facade: each core module takes what it needs, so some re-exports are unused at times.
#![allow(unused_imports)]

#[cfg(not(loom))]
pub(crate) use std::sync::{Arc, Mutex, MutexGuard};

/// The `Arc` of public signatures (`lock_owned(self: Arc<Self>)`) and of the cells that hold a
/// lock's data is always std's, also under loom: users pass std `Arc`s, and the data cells
/// (`futures`/`tokio` locks that the gokio lock protocol keeps uncontended) take std `Arc`s
/// for their owned guards. Loom models the protocol around them, not the cells.
pub(crate) use std::sync::Arc as StdArc;

#[cfg(not(loom))]
#[allow(unused_imports)]
pub(crate) mod atomic {
    pub(crate) use std::sync::atomic::{
        fence, AtomicBool, AtomicIsize, AtomicU64, AtomicU8, AtomicUsize, Ordering,
    };
}

#[cfg(loom)]
pub(crate) use loom::sync::{Arc, Mutex, MutexGuard};

#[cfg(loom)]
#[allow(unused_imports)]
pub(crate) mod atomic {
    pub(crate) use loom::sync::atomic::{
        fence, AtomicBool, AtomicIsize, AtomicU64, AtomicU8, AtomicUsize, Ordering,
    };
}

/// Process-wide statics (goroutine ids, the live-goroutine count, the lazily started global
/// runtime, the goroutine registry). Loom cannot model `static` items (its atomics are not `const`-constructible and
/// its state is per model run), so these are always `std`'s, under loom too.
pub(crate) mod global {
    pub(crate) use std::sync::atomic::{AtomicU64, AtomicUsize};
    pub(crate) use std::sync::OnceLock;
    // The goroutine registry (`src/debug/registry.rs`) is process-wide too.
    pub(crate) use std::sync::atomic::{fence, AtomicU32};
    pub(crate) use std::sync::Mutex;
}

/// Hint to the CPU (or to loom's scheduler) that we are spinning.
#[inline]
#[allow(dead_code)] // used by the mutex module
pub(crate) fn spin_loop() {
    #[cfg(not(loom))]
    std::hint::spin_loop();
    #[cfg(loom)]
    loom::thread::yield_now();
}

/// Gives up the thread's time slice (under loom: lets the model run another thread).
#[inline]
pub(crate) fn yield_now() {
    #[cfg(not(loom))]
    std::thread::yield_now();
    #[cfg(loom)]
    loom::thread::yield_now();
}

/// `UnsafeCell` with loom's access API (`with_mut`), so that one code path runs under both
/// and loom checks every access of the cells in `src/chan/waiter.rs` for data races.
#[cfg(not(loom))]
pub(crate) mod cell {
    /// std's `UnsafeCell` behind loom's API.
    pub(crate) struct UnsafeCell<T>(std::cell::UnsafeCell<T>);

    impl<T> UnsafeCell<T> {
        pub(crate) const fn new(value: T) -> Self {
            UnsafeCell(std::cell::UnsafeCell::new(value))
        }

        /// Calls `f` with a pointer to the value; what `f` may do with it is up to the
        /// caller's protocol.
        #[inline(always)]
        pub(crate) fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
            f(self.0.get())
        }
    }
}

#[cfg(loom)]
pub(crate) mod cell {
    pub(crate) use loom::cell::UnsafeCell;
}

/// Locks a facade mutex. A poisoned lock only means a panic happened while it was held; all
/// state the core keeps under its locks is left consistent at every await-free step, so the
/// poison flag is ignored rather than turned into a second panic.
#[inline]
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    #[cfg(not(loom))]
    {
        m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
    #[cfg(loom)]
    {
        m.lock().unwrap()
    }
}

/// Declares a `const fn` outside loom and a plain `fn` under it. The sync primitives'
/// constructors are `const` so that a `static` holds one, as Go's zero-value globals do
/// (`static MU: Mutex<u32> = Mutex::new(0);`); loom's atomics and locks are not
/// `const`-constructible, so under `--cfg loom` the same constructors are plain functions
/// (the models build their primitives at run time anyway).
macro_rules! const_fn {
    ($(#[$attr:meta])* $vis:vis fn $($rest:tt)*) => {
        #[cfg(not(loom))]
        $(#[$attr])* $vis const fn $($rest)*
        #[cfg(loom)]
        $(#[$attr])* $vis fn $($rest)*
    };
}
pub(crate) use const_fn;
