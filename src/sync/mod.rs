//! Go's `sync` package: [`Mutex`] and [`RwMutex`] (fair), with their guards and futures.
//!
//! The locks share one private FIFO waiter queue (`waiters.rs`); each file opens with the
//! algorithm it implements and the invariants it keeps.

mod mutex;
mod rwmutex;
mod waiters;

pub use mutex::{Lock, LockOwned, Mutex, MutexGuard, OwnedMutexGuard};
pub use rwmutex::{
    OwnedRwMutexReadGuard, OwnedRwMutexWriteGuard, Read, ReadOwned, RwMutex, RwMutexReadGuard,
    RwMutexWriteGuard, Write, WriteOwned,
};
