//! Synchronisation primitives with Go's semantics (`sync`, `x/sync/semaphore`).
//!
//! - [`WaitGroup`] / [`DoneGuard`]: wait for a set of goroutines (`sync.WaitGroup`, `wg.Go`).
//! - [`Semaphore`]: weighted, FIFO-fair semaphore (`golang.org/x/sync/semaphore`).
//! - [`Once`]: run an async action exactly once (`sync.Once`).

mod once;
mod semaphore;
mod waitgroup;

pub use once::Once;
pub use semaphore::{Acquire, AcquireError, Semaphore};
pub use waitgroup::{DoneGuard, Wait, WaitGroup};
