//! Go's `sync` package and `golang.org/x/sync`: synchronisation primitives with Go's semantics.
//!
//! - [`WaitGroup`] / [`DoneGuard`]: wait for a set of goroutines (`sync.WaitGroup`, `wg.Go`).
//! - [`Mutex`] and [`RwMutex`]: fair locks (Go's barging with starvation hand-off), with their
//!   guards and futures. They share one private FIFO waiter queue (`waiters.rs`).
//! - [`Semaphore`]: weighted, FIFO-fair semaphore (`golang.org/x/sync/semaphore`).
//! - [`Group`]: errgroup — goroutines whose first error cancels the rest (`x/sync/errgroup`).
//! - [`Once`]: run an async action exactly once (`sync.Once`); [`once_func`],
//!   [`once_value`], [`once_values`]: Go 1.21's blocking `sync.OnceFunc` family.
//! - [`Cond`]: a condition variable over a [`Mutex`] (`sync.Cond`).
//! - [`singleflight`]: duplicate call suppression (`x/sync/singleflight`).
//!
//! Each file opens with the algorithm it implements and the invariants it keeps.

mod cond;
mod errgroup;
mod mutex;
mod once;
mod oncefunc;
mod rwmutex;
mod semaphore;
pub mod singleflight;
mod waiters;
mod waitgroup;

pub use cond::{Cond, CondWait, CondWaitOwned};
pub use errgroup::{Go, Group, GroupWait};
pub use mutex::{Lock, LockOwned, Mutex, MutexGuard, OwnedMutexGuard};
pub use once::{CallOnce, Once};
pub use oncefunc::{once_func, once_value, once_values};
pub use rwmutex::{
    OwnedRwMutexReadGuard, OwnedRwMutexWriteGuard, Read, ReadOwned, RwMutex, RwMutexReadGuard,
    RwMutexWriteGuard, Write, WriteOwned,
};
pub use semaphore::{Acquire, AcquireError, Semaphore};
pub use waitgroup::{DoneGuard, Wait, WaitGroup};
