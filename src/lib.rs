//! # gokio — Go's concurrency vocabulary for async Rust
//!
//! (crate tour: filled in as the modules land)
#![doc(test(attr(deny(warnings))))]
#![warn(unreachable_pub)]

mod loom;

pub mod sync;

pub use sync::{
    Mutex, MutexGuard, OwnedMutexGuard, OwnedRwMutexReadGuard, OwnedRwMutexWriteGuard, RwMutex,
    RwMutexReadGuard, RwMutexWriteGuard,
};
