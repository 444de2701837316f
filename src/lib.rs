//! # gokio — Go's concurrency vocabulary for async Rust
//!
//! (crate tour: filled in as the modules land)
#![doc(test(attr(deny(warnings))))]
#![warn(unreachable_pub)]

mod blocking;
mod chan;
pub mod context;
mod goroutine;
mod loom;
pub mod pattern;
mod runtime;
mod select;
pub mod sync;
pub mod time;

pub use chan::{
    chan, Chan, ClosedFuture, Receiver, RecvFuture, RecvOkFuture, SendError, SendFuture, Sender,
    TryRecvError, TrySendError,
};
pub use context::{CancelFunc, CancelGuard, Context, ContextError};
pub use goroutine::{go, num_goroutine, run, yield_now, Goroutine, Join, Panic};
pub use select::{recv_any, RecvHandle, SendHandle};
pub use sync::{
    DoneGuard, Mutex, MutexGuard, Once, OwnedMutexGuard, OwnedRwMutexReadGuard,
    OwnedRwMutexWriteGuard, RwMutex, RwMutexReadGuard, RwMutexWriteGuard, Semaphore, WaitGroup,
};

/// Macro plumbing: what `select!` expands to. Not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use crate::select::{Case, RecvCase, SelectFuture, SendCase};
}
