//! # gokio — Go's concurrency vocabulary for async Rust
//!
//! Goroutines, `WaitGroup`, a fair `Mutex`, buffered and unbuffered channels with `close` and
//! `v, ok`, a `select!` that picks uniformly at random among ready cases, timers, `context`,
//! errgroup and fan-in/fan-out helpers — with Go's semantics, on tokio's multi-threaded
//! work-stealing runtime. A Go program ports line by line; every type is idiomatic Rust (RAII
//! guards, `Result` errors that hand values back, `Stream`, cancel-safe futures).
//!
//! ## Goroutines
//!
//! [`go`](fn@go) spawns a future (Go's `go f(x)`), [`go!`] an async block (`go func(){...}()`).
//! Outside any runtime, [`run`] blocks on the "main goroutine" on a lazily started
//! process-wide runtime, so a plain `fn main` needs no boilerplate.
//!
//! ```
//! use gokio::{go, run, WaitGroup};
//!
//! run(async {
//!     let wg = WaitGroup::new();
//!     for i in 1..=3 {
//!         let _done = wg.guard(); // wg.Add(1) ... defer wg.Done()
//!         go!(
//!             let _done = _done;
//!             println!("worker {i} done");
//!         );
//!     }
//!     wg.wait().await;
//!     let answer = go(async { 6 * 7 }).join().await.unwrap();
//!     assert_eq!(answer, 42);
//! });
//! ```
//!
//! ## Channels
//!
//! [`chan(cap)`](chan) is `make(chan T, cap)`: `cap == 0` is a rendezvous. Closing wakes
//! everyone; receivers drain the buffer, then get `None` (`ok == false`); senders get their
//! value back in [`SendError`]. Dropping the last handle able to send (or to receive) closes
//! the channel, so abandoned pipelines unwind.
//!
//! ```
//! # gokio::run(async {
//! use gokio::{chan, go};
//!
//! let jobs = chan::<u32>(5);
//! let results = chan::<u32>(0);
//! let (rx, tx) = (jobs.receiver(), results.sender());
//! go!(
//!     while let Some(j) = rx.recv().await { // for j := range jobs
//!         tx.send(j * 2).await.unwrap();
//!     }
//! );
//! for j in 1..=3 {
//!     jobs.send(j).await.unwrap();
//! }
//! jobs.close();
//! let mut sum = 0;
//! for _ in 0..3 {
//!     sum += results.recv().await.unwrap();
//! }
//! assert_eq!(sum, 12);
//! # });
//! ```
//!
//! ## Select
//!
//! [`select!`] waits on several operations and commits exactly one, choosing uniformly at
//! random among the ready ones. Timers and `ctx.done()` are channels, so timeouts and
//! cancellation are just more cases; `None` is a nil channel.
//!
//! ```
//! # gokio::run(async {
//! use std::time::Duration;
//! use gokio::{chan, select, time};
//!
//! let results = chan::<&str>(1);
//! let outcome = select! {
//!     recv(results) -> v => v.unwrap(),
//!     recv(time::after(Duration::from_millis(10))) -> _ => "timeout",
//! };
//! assert_eq!(outcome, "timeout");
//! # });
//! ```
//!
//! ## Sync, time and context
//!
//! [`WaitGroup`], a fair [`Mutex`] and [`RwMutex`], a weighted [`Semaphore`], [`Once`] (and
//! Go 1.21's [`sync::once_func`] family), a
//! condition variable [`Cond`], errgroup's [`sync::Group`] and [`sync::singleflight`] live
//! in [`sync`]; [`time`] has `after`, `tick`, `Timer`,
//! `Ticker` with Go 1.23 semantics; [`context`] has cancellation trees.
//!
//! ```
//! # gokio::run(async {
//! use gokio::{Context, Mutex};
//! use std::sync::Arc;
//!
//! let counter = Arc::new(Mutex::new(0));
//! let (ctx, cancel) = Context::background().with_cancel();
//! let mut handles = Vec::new();
//! for _ in 0..4 {
//!     let (counter, ctx) = (counter.clone(), ctx.clone());
//!     handles.push(gokio::go(async move {
//!         *counter.lock().await += 1;
//!         ctx.cancelled().await; // until the tree is cancelled
//!     }));
//! }
//! cancel.cancel();
//! for h in handles {
//!     h.join().await.unwrap();
//! }
//! assert_eq!(*counter.lock().await, 4);
//! assert_eq!(ctx.err(), Some(gokio::ContextError::Canceled));
//! # });
//! ```
//!
//! ## Fan-in / fan-out
//!
//! [`pattern`] has the classic pipeline helpers — `generate`, `merge`, `fan_out`,
//! `fan_out_ordered`, `distribute`, `tee`, `or_done`, `bridge`, `take`, `map`, `filter`. Each
//! starts goroutines, closes its outputs when its inputs are done, and stops (no leaked
//! goroutine) when its outputs are dropped.
//!
//! ```
//! # gokio::run(async {
//! use futures::StreamExt;
//! use gokio::pattern::{fan_out, generate, take};
//!
//! let nums = generate(1..=1_000u64, 16);
//! let squares = fan_out(nums, 4, 16, |n| async move { n * n }); // 4 workers
//! let first: Vec<u64> = take(squares, 10, 0).collect().await; // then every stage stops
//! assert_eq!(first.len(), 10);
//! # });
//! ```
//!
//! ## Diagnostics
//!
//! With the `diagnostics` feature, `debug::dump()` prints every goroutine as Go's `SIGQUIT`
//! does — `goroutine 17 [sync.WaitGroup.Wait, 3 minutes]:`, where it waits, `created by
//! file:line:col` — and `debug::LeakCheck` fails a test that leaves goroutines behind
//! (goleak). A [`run`] whose goroutines are all parked on gokio primitives with nothing left
//! to wake them panics with Go's `fatal error: all goroutines are asleep - deadlock!` and the
//! dump. Name goroutines with [`Builder`]; the `sigquit` feature adds the dump on `SIGQUIT`.
//! See [`debug`].
//!
//! ## Guarantees
//!
//! Every rule below has a test in `tests/` (and the channel/select core has loom models):
//! rendezvous for `cap == 0`; FIFO values and FIFO service of blocked senders and receivers;
//! close semantics as above; **exactly-once delivery under any pattern of cancellation** —
//! a dropped receive never loses a value, a dropped send was either delivered (a receiver
//! took it while it waited) or never is, and `SendFuture::cancel` tells which; `select!` is
//! uniform, commits exactly one case (also for sends on rendezvous channels), never pairs
//! with itself, and receives nothing when dropped (a send case whose value a counterpart
//! took stays sent); `default` is linearizable; the Mutex is fair (FIFO waiters, hand-off
//! after 1 ms of waiting). Channels work on any executor; only `go` and timers need tokio.
//!
//! ## Guides
//!
//! [`guide::next_to_tokio`] shows gokio inside a tokio service: `#[tokio::main]`, sockets next
//! to channels, `Context` next to `CancellationToken`, channels as `Stream` and `Sink`.
//!
//! ## Porting from Go
//!
//! | Go | gokio |
//! |---|---|
//! | `go f(x)` | `go(f(x))` |
//! | `go func(){...}()` | `go!{ ... }` |
//! | `ch := make(chan int, n)` | `let ch = chan::<i32>(n);` |
//! | `ch <- v` | `ch.send(v).await?` |
//! | `v, ok := <-ch` | `let v: Option<_> = ch.recv().await;` or `recv_ok()` |
//! | `for v := range ch` | `while let Some(v) = ch.recv().await` |
//! | `close(ch)` | `ch.close();` |
//! | `var ch chan int` (nil) | `let ch: Option<Chan<i32>> = None;` |
//! | `select { case ...; default: }` | `select! { recv(ch) -> v => ..., default => ... }` |
//! | `var wg sync.WaitGroup; defer wg.Done()` | `let wg = WaitGroup::new(); let _g = wg.guard();` |
//! | `mu.Lock(); defer mu.Unlock()` | `let g = mu.lock().await;` |
//! | package-level `var mu sync.Mutex` | `static MU: Mutex<u32> = Mutex::new(0);` (also `WaitGroup`, `Once`, `Cond`, `Semaphore`) |
//! | `a == b` on channels, `map[chan T]V` | `a == b` across `Chan`/`Sender`/`Receiver`; `HashMap<Sender<T>, V>` |
//! | `c := sync.NewCond(&mu)`; `c.Wait()` | `let c = Cond::new();` `g = c.wait(g).await;` |
//! | `go run -race` | data races do not compile: `Send`/`Sync` reject them |
//! | `kill -QUIT` / Ctrl-\\ (goroutine dump) | `debug::dump_on_sigquit()` (feature `sigquit`), or print `debug::dump()` |
//! | `goleak.VerifyNone(t)` | `debug::verify_none().await.unwrap()` (feature `diagnostics`) |
//! | `fatal error: all goroutines are asleep - deadlock!` | the same, as a panic of [`run`] (feature `diagnostics`) |
//! | panic: send on closed channel | `Err(SendError(v))` |
#![doc(test(attr(deny(warnings))))]
#![warn(unreachable_pub)]
#![warn(missing_debug_implementations)]

mod blocking;
mod chan;
pub mod context;
pub mod debug;
mod goroutine;
pub mod guide;
mod loom;
pub mod pattern;
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
mod spin;
pub mod sync;
#[cfg(feature = "synctest")]
pub mod synctest;
pub mod time;

pub use chan::{
    chan, Chan, ClosedFuture, Receiver, RecvFuture, RecvOkFuture, SendError, SendFuture, Sender,
    TryRecvError, TrySendError,
};
pub use context::{
    CancelCauseFunc, CancelFunc, CancelGuard, Cause, Context, ContextError, ContextKey, StopFunc,
};
pub use goroutine::{go, num_goroutine, run, yield_now, Builder, Goroutine, Join, Panic, YieldNow};
pub use select::{recv_any, RecvAny, RecvHandle, Select, SelectWait, SendHandle};
pub use sync::{
    Cond, DoneGuard, Mutex, MutexGuard, Once, OwnedMutexGuard, OwnedRwMutexReadGuard,
    OwnedRwMutexWriteGuard, RwMutex, RwMutexReadGuard, RwMutexWriteGuard, Semaphore, WaitGroup,
};

/// Macro plumbing: what `select!` expands to. Not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use crate::select::{
        first_pick, probe, Case, FutArm, FutArmAny, FutCase, RecvCase, SelectFuture, SendCase,
    };
}
