//! The channel lock: a test-and-test-and-set spin lock, and one of gokio's three `unsafe`
//! modules (with `src/sync/mutex/cell.rs` and `src/chan/waiter.rs`).
//!
//! Why it exists: `benches/chan.rs`, `mpmc_4x4` and `spsc_buffered` (see the commit that added
//! this file and `BENCHMARKS.md`). A channel's critical sections are a few dozen instructions,
//! so what a channel lock costs under contention is cache-line traffic, not waiting. With
//! `std::sync::Mutex` the only way to wait is `try_lock`, a compare-and-swap that takes the
//! line away from the holder on every attempt, so the holder's unlock misses the cache too:
//! `perf` put 75% of `poll_send`'s samples on the lock's two atomic instructions. Here a waiter
//! spins on a plain load, which shares the line, and only tries the swap once the lock looks
//! free.
//!
//! A waiter spins with growing pauses between looks, and only after ~2 000 pause hints (about
//! 36 µs on the machine of `BENCHMARKS.md`) sleeps briefly between looks. By then it is
//! competing with a thread that runs operations back to back, or with a holder that was
//! preempted inside its critical section: sleeping lets the first finish a batch on a warm
//! cache line and gives the second the CPU. (It used to yield instead; `yield_now` returns at
//! once when the other core is busy, so the waiter looked again every 0.3 µs and kept pulling
//! the line away: `mpmc_4x4` 32.6 → 26.7 ns per value, medians of 15 alternating runs, kanal
//! 26.2 in the same runs.) When the process may run on one CPU only (its affinity mask or CPU
//! quota), a held lock means a holder preempted inside its section, which cannot run while
//! the waiter spins or finish sooner while it naps: the waiter yields the CPU to it at once
//! instead, as Go's runtime lock spins only when `ncpu > 1` and the `Mutex` does not spin
//! then either. Sections guarded by this lock must stay short and must never block
//! or call user code (channel code drops values and wakes tasks only after unlocking).
//!
//! The soundness argument is a mutex's: `locked` is `true` exactly while one [`SpinGuard`]
//! exists (it is set by the compare-and-swap that creates the guard and cleared by the guard's
//! `Drop`), `&T`/`&mut T` are reached only through the guard, and the `Acquire`/`Release` pair
//! on `locked` orders one holder's writes before the next holder's reads.
//!
//! Under `--cfg loom` the lock is loom's model-checked mutex with the same API, so the models
//! in `tests/loom_*.rs` check the channel protocol around it.
#![allow(unsafe_code)]
#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]

#[cfg(not(loom))]
pub(crate) use self::imp::{SpinGuard, SpinLock};

#[cfg(loom)]
pub(crate) use self::model::{SpinGuard, SpinLock};

#[cfg(not(loom))]
mod imp {
    use std::cell::UnsafeCell;
    use std::marker::PhantomData;
    use std::ops::{Deref, DerefMut};
    use std::sync::atomic::{AtomicBool, Ordering};

    /// A waiter first pauses `2^FIRST_ROUND` spin hints between looks at the lock, doubling up
    /// to `2^LAST_ROUND`, then sleeps [`NAP`] between looks (module docs). Starting long is
    /// deliberate: a waiter that grabs the lock the instant it is released forces strict
    /// alternation between threads, and every acquisition then misses the cache; backing off
    /// lets the holder's thread run several operations in a row on a warm line (`mpmc_4x4`
    /// went from 92 to 51 ns per value, starting at 64 hints instead of 1).
    const FIRST_ROUND: u32 = 6;
    const LAST_ROUND: u32 = 10;
    /// The sleep between looks once spinning has not helped; Linux's default timer slack
    /// stretches it to ~60–75 µs.
    const NAP: std::time::Duration = std::time::Duration::from_micros(20);

    /// A spin lock for short critical sections (module docs).
    pub(crate) struct SpinLock<T> {
        locked: AtomicBool,
        value: UnsafeCell<T>,
    }

    // SAFETY: `value` is reached only through a `SpinGuard`, and at most one guard exists at a
    // time (module docs), so sharing the lock lets one thread at a time touch `T`: the same
    // bound as `std::sync::Mutex`.
    unsafe impl<T: Send> Sync for SpinLock<T> {}
    // SAFETY: moving the lock moves the `T` it owns; no guard can exist across the move.
    unsafe impl<T: Send> Send for SpinLock<T> {}

    /// Exclusive access to a [`SpinLock`]'s value; unlocks when dropped.
    pub(crate) struct SpinGuard<'a, T> {
        lock: &'a SpinLock<T>,
        /// Sync only if `T: Sync`, as `&guard` hands out `&T`.
        _value: PhantomData<&'a mut T>,
    }

    impl<T> SpinLock<T> {
        pub(crate) const fn new(value: T) -> Self {
            SpinLock {
                locked: AtomicBool::new(false),
                value: UnsafeCell::new(value),
            }
        }

        #[inline]
        fn try_acquire(&self) -> bool {
            self.locked
                .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
        }

        /// `&mut self` proves exclusive access: no locking needed.
        #[inline]
        pub(crate) fn get_mut(&mut self) -> &mut T {
            self.value.get_mut()
        }

        /// Takes the lock, spinning (then yielding the thread) while another thread holds it.
        #[inline]
        pub(crate) fn lock(&self) -> SpinGuard<'_, T> {
            if !self.try_acquire() {
                self.lock_contended();
            }
            SpinGuard {
                lock: self,
                _value: PhantomData,
            }
        }

        #[cold]
        #[inline(never)]
        fn lock_contended(&self) {
            let spin = crate::runtime::multi_cpu();
            let mut round = FIRST_ROUND;
            loop {
                // Wait on a plain load: it shares the cache line instead of stealing it.
                while self.locked.load(Ordering::Relaxed) {
                    if !spin {
                        std::thread::yield_now();
                    } else if round < LAST_ROUND {
                        for _ in 0..(1u32 << round) {
                            std::hint::spin_loop();
                        }
                        round += 1;
                    } else {
                        std::thread::sleep(NAP);
                    }
                }
                if self.try_acquire() {
                    return;
                }
            }
        }
    }

    impl<T> Deref for SpinGuard<'_, T> {
        type Target = T;

        #[inline]
        fn deref(&self) -> &T {
            // SAFETY: this guard is the only one (module docs); shared access through `&self`.
            unsafe { &*self.lock.value.get() }
        }
    }

    impl<T> DerefMut for SpinGuard<'_, T> {
        #[inline]
        fn deref_mut(&mut self) -> &mut T {
            // SAFETY: this guard is the only one, and `&mut self` makes this borrow unique.
            unsafe { &mut *self.lock.value.get() }
        }
    }

    impl<T> Drop for SpinGuard<'_, T> {
        #[inline]
        fn drop(&mut self) {
            self.lock.locked.store(false, Ordering::Release);
        }
    }
}

#[cfg(loom)]
mod model {
    use std::ops::{Deref, DerefMut};

    /// Loom's mutex behind the spin lock's API.
    pub(crate) struct SpinLock<T>(loom::sync::Mutex<T>);

    pub(crate) struct SpinGuard<'a, T>(loom::sync::MutexGuard<'a, T>);

    impl<T> SpinLock<T> {
        pub(crate) fn new(value: T) -> Self {
            SpinLock(loom::sync::Mutex::new(value))
        }

        pub(crate) fn lock(&self) -> SpinGuard<'_, T> {
            SpinGuard(self.0.lock().unwrap())
        }

        pub(crate) fn get_mut(&mut self) -> &mut T {
            self.0.get_mut().unwrap()
        }
    }

    impl<T> Deref for SpinGuard<'_, T> {
        type Target = T;
        fn deref(&self) -> &T {
            &self.0
        }
    }

    impl<T> DerefMut for SpinGuard<'_, T> {
        fn deref_mut(&mut self) -> &mut T {
            &mut self.0
        }
    }
}
