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
/// Everything a ported Go program needs: `use gokio::prelude::*;`.
///
/// ```
/// use gokio::prelude::*;
///
/// // Go:
/// //     ch := make(chan int)
/// //     var wg sync.WaitGroup
/// //     wg.Add(1)
/// //     go func() { defer wg.Done(); for v := range ch { fmt.Println(v) } }()
/// //     for i := 0; i < 3; i++ { ch <- i }
/// //     close(ch)
/// //     wg.Wait()
/// fn main() {
///     run(async {
///         let ch = chan::<i32>(0);
///         let wg = WaitGroup::new();
///         let (rx, done) = (ch.receiver(), wg.guard());
///         go! {
///             let _done = done; // defer wg.Done()
///             while let Some(v) = rx.recv().await {
///                 println!("{v}");
///             }
///         };
///         for i in 0..3 {
///             ch.send(i).await.unwrap();
///         }
///         ch.close();
///         wg.wait().await;
///
///         select! {
///             recv(time::after(std::time::Duration::from_millis(1))) -> _ => println!("timeout"),
///         }
///     });
/// }
/// ```
pub mod prelude;
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
