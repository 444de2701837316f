//! # gokio — Go's concurrency vocabulary for async Rust
//!
//! (crate tour: filled in as the modules land)
#![doc(test(attr(deny(warnings))))]
#![warn(unreachable_pub)]

mod goroutine;
mod loom;
mod runtime;
pub mod sync;

pub use goroutine::{go, num_goroutine, run, yield_now, Goroutine, Join, Panic};
pub use sync::{DoneGuard, Once, Semaphore, WaitGroup};
