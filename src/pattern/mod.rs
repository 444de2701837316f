//! Go's pipeline and fan-in / fan-out idioms as ready-made stages.
//!
//! Each helper starts its goroutines with [`go`](fn@crate::go) (so
//! [`num_goroutine`](crate::num_goroutine) counts them, and a goroutine dump gives the
//! helper's caller as their spawn site: the helpers are `#[track_caller]`) and returns
//! [`Receiver`]s. They compose
//! the way Go pipeline stages do: the output of one is the input of the next.
//!
//! | helper | the Go idiom it replaces |
//! |---|---|
//! | [`generate`] | a goroutine that sends a slice's values, then `close(out)` |
//! | [`take`] | forward the first `n` values, then stop |
//! | [`map`], [`filter`] | a pipeline stage: `for v := range in { out <- f(v) }` |
//! | [`merge`] | fan-in: one goroutine per input, a `WaitGroup`, `close(out)` after `wg.Wait()` |
//! | [`bridge`] | a channel of channels flattened into one stream |
//! | [`or_done`] | `select { case <-ctx.Done(): return; case v := <-in: ... }` around a range loop |
//! | [`fan_out`] | a bounded worker pool reading one channel, writing one channel |
//! | [`fan_out_ordered`] | the same, results in input order |
//! | [`distribute`] | one input dealt round-robin to `n` output channels |
//! | [`tee`] | every value sent to two outputs |
//!
//! ```text
//! // generate                          // merge (fan-in)
//! out := make(chan int, cap)           var wg sync.WaitGroup
//! go func() {                          out := make(chan int, cap)
//!     defer close(out)                 for _, c := range cs {
//!     for _, v := range vs {               wg.Add(1)
//!         out <- v                         go func(c <-chan int) {
//!     }                                        defer wg.Done()
//! }()                                          for v := range c { out <- v }
//!                                          }(c)
//! // map (one stage)                   }
//! go func() {                          go func() { wg.Wait(); close(out) }()
//!     defer close(out)
//!     for v := range in {              // fan_out (worker pool)
//!         out <- f(v)                  for w := 0; w < workers; w++ {
//!     }                                    go func() { for v := range in { out <- f(v) } }()
//! }()                                  }
//!
//! // or_done                           // tee
//! for {                                for v := range in {
//!     select {                             out1, out2 := out1, out2
//!     case <-ctx.Done(): return            for i := 0; i < 2; i++ {
//!     case v, ok := <-in:                      select {
//!         if !ok { return }                    case out1 <- v: out1 = nil
//!         select {                             case out2 <- v: out2 = nil
//!         case out <- v:                       }
//!         case <-ctx.Done(): return        }
//!         }                            }
//!     }
//! }
//! ```
//!
//! # Rules every helper keeps
//!
//! * **Closing.** An output closes when its inputs are exhausted — and only then (for
//!   [`fan_out`], after every worker has finished). Consumers can `while let Some(v) =
//!   rx.recv().await` or use the `Stream`.
//! * **Teardown.** When the caller drops an output receiver, the goroutines feeding it stop
//!   promptly: one blocked sending gets `Err` (the channel closed with its last receiver), and
//!   one blocked receiving from its input also notices (it waits on the input and on
//!   [`Sender::closed`] at once). Exiting drops the goroutine's input receiver, which closes
//!   that channel and stops the stage before it: dropping the last receiver of a pipeline
//!   unwinds the whole pipeline, leaving no goroutine behind. A user function already running
//!   when the output is dropped runs to completion; its result is dropped.
//! * **Cancellation by context.** No helper takes a [`Context`](crate::Context); wrap an input
//!   (or an output) in [`or_done`] instead, as Go code does.
//! * **Panics.** A panic in a user function (`f` of [`map`], [`filter`], [`fan_out`],
//!   [`fan_out_ordered`]) ends the stage: the panic is logged as a `tracing` error event
//!   (`pattern: user function panicked`, with fields `helper` and `panic`), the output closes
//!   early (values sent before the panic are still received), and the stage stops consuming
//!   its input, which unwinds the stages before it. It never hangs the pipeline.
//! * **Capacity.** Each helper takes the capacity of the channels it creates (`cap`, 0 =
//!   unbuffered, as Go's `make(chan T)`), except [`or_done`], whose output is unbuffered so
//!   that cancellation takes effect at once.
//!
//! # Examples
//!
//! Go's "squaring numbers" pipeline, with a bounded worker pool:
//!
//! ```
//! use gokio::pattern::{fan_out, filter, generate, map};
//!
//! # gokio::run(async {
//! let nums = generate(1..=10u64, 0);
//! let squares = fan_out(nums, 4, 0, |n| async move { n * n });
//! let even = filter(squares, 0, |n| std::future::ready(n % 2 == 0));
//! let labelled = map(even, 0, |n| async move { format!("<{n}>") });
//! let mut got: Vec<String> = Vec::new();
//! while let Some(s) = labelled.recv().await {
//!     got.push(s);
//! }
//! got.sort();
//! assert_eq!(got, ["<100>", "<16>", "<36>", "<4>", "<64>"]);
//! # });
//! ```

mod fan_in;
mod fan_out;
mod source;
mod stage;

pub use self::fan_in::{bridge, merge, or_done};
pub use self::fan_out::{distribute, fan_out, fan_out_ordered, tee};
pub use self::source::{generate, take};
pub use self::stage::{filter, map};

use std::future::{poll_fn, Future};
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::task::Poll;

use futures::FutureExt;

use crate::{Receiver, RecvFuture, Sender};

// ----- shared private helpers -----
//
// A stage goroutine holds one long-lived "stop" future (usually `out.closed()`) for its whole
// life and polls it only while its input has nothing to give, so the fast path (a value is
// ready) costs one channel operation and the stop listener is registered once, not per value.
// Stop futures are never polled again after they resolve: the goroutine returns at once.

/// Receives the next value from `input`, or `None` if `input` is closed and drained or `stop`
/// resolves while waiting. The receive is polled first: a ready value is taken even if `stop`
/// has resolved (the caller then fails to send it, and returns). Dropping the pending receive
/// when `stop` wins loses nothing (`recv` is cancel safe).
///
/// A plain function returning a future, not an `async fn`: the receive future's first poll is
/// the channel's inlined fast path, the same code a hand-written `rx.recv().await` runs, and
/// `stop` is only polled once the receive has parked. `stop` keeps its listener between calls
/// (see the comment above), so a wait that finds the input empty registers on the input alone.
#[inline]
pub(crate) fn recv_or_stop<'a, T, S>(
    input: &'a Receiver<T>,
    stop: &'a mut S,
) -> RecvOrStop<'a, T, S>
where
    S: Future<Output = ()> + Unpin,
{
    RecvOrStop {
        recv: input.recv(),
        stop,
    }
}

/// The future of [`recv_or_stop`].
pub(crate) struct RecvOrStop<'a, T, S> {
    recv: RecvFuture<'a, T>,
    stop: &'a mut S,
}

impl<T, S: Future<Output = ()> + Unpin> Future for RecvOrStop<'_, T, S> {
    type Output = Option<T>;

    // Inlined into the stage's loop, as `RecvFuture::poll` is into a hand-written one.
    #[inline(always)]
    fn poll(self: Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> Poll<Option<T>> {
        let this = self.get_mut();
        if let Poll::Ready(v) = Pin::new(&mut this.recv).poll(cx) {
            return Poll::Ready(v);
        }
        Pin::new(&mut *this.stop).poll(cx).map(|()| None)
    }
}

/// The loop of a stage that sends `f(v)` on `out` for each value `v` of `input` ([`map`],
/// each [`fan_out`] worker), until `input` is closed and drained or `out` is closed.
///
/// One catch around the whole loop, not one per value: a panic in `f` unwinds out of the
/// loop, which is where a per-value catch ended it too, so every result sent before it stays
/// sent and none after it is; then `out` closes.
pub(crate) async fn map_values<T, U, Fut>(
    helper: &'static str,
    input: &Receiver<T>,
    out: &Sender<U>,
    mut f: impl FnMut(T) -> Fut,
) where
    Fut: Future<Output = U>,
{
    let stage = async {
        let mut stop = out.closed();
        while let Some(v) = recv_or_stop(input, &mut stop).await {
            if out.send(f(v).await).await.is_err() {
                return;
            }
        }
    };
    if catch_panic(helper, stage).await.is_none() {
        out.close();
    }
}

/// Sends `v` on `out` unless `stop` resolves first; `stop` is polled first, so a resolved stop
/// always wins. `true` if the value was sent. Dropping the pending send when `stop` wins never
/// delivers the value (`send` is cancel safe).
pub(crate) async fn send_or_stop<T, S>(out: &Sender<T>, v: T, stop: &mut S) -> bool
where
    S: Future<Output = ()> + Unpin,
{
    let mut send = out.send(v);
    poll_fn(|cx| {
        if Pin::new(&mut *stop).poll(cx).is_ready() {
            return Poll::Ready(false);
        }
        Pin::new(&mut send).poll(cx).map(|res| res.is_ok())
    })
    .await
}

/// Forwards every value of `input` to `out`. `true` when `input` is exhausted, `false` when
/// `out` closed (or `stop` resolved) first.
pub(crate) async fn forward<T, S>(input: &Receiver<T>, out: &Sender<T>, stop: &mut S) -> bool
where
    S: Future<Output = ()> + Unpin,
{
    while let Some(v) = recv_or_stop(input, stop).await {
        if out.send(v).await.is_err() {
            return false;
        }
    }
    !out.is_closed()
}

/// Resolves once every one of `outs` is closed (all their receivers dropped): the stop signal
/// of a goroutine feeding several outputs.
pub(crate) fn all_closed<T>(outs: &[Sender<T>]) -> impl Future<Output = ()> + Unpin + '_ {
    let mut closed: Vec<_> = outs.iter().map(Sender::closed).collect();
    poll_fn(move |cx| {
        let mut all = true;
        for c in &mut closed {
            // Every one is polled, so every pending one has the current waker.
            all &= Pin::new(c).poll(cx).is_ready();
        }
        if all {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    })
}

/// Runs a user function's future, catching a panic: `None` after logging it. `helper` names
/// the stage in the log event. Pass `async { f(v).await }` so that a panic in the synchronous
/// part of the call is caught too.
pub(crate) async fn catch_panic<Fut: Future>(
    helper: &'static str,
    fut: Fut,
) -> Option<Fut::Output> {
    match AssertUnwindSafe(fut).catch_unwind().await {
        Ok(v) => Some(v),
        Err(payload) => {
            log_panic(helper, payload.as_ref());
            None
        }
    }
}

/// Calls a user function synchronously, catching a panic: `None` after logging it. For calls
/// whose arguments must not live in the awaiting future (a `&T` would need `T: Sync`).
pub(crate) fn catch_panic_sync<R>(helper: &'static str, call: impl FnOnce() -> R) -> Option<R> {
    match std::panic::catch_unwind(AssertUnwindSafe(call)) {
        Ok(v) => Some(v),
        Err(payload) => {
            log_panic(helper, payload.as_ref());
            None
        }
    }
}

fn log_panic(helper: &'static str, payload: &(dyn std::any::Any + Send)) {
    let message = crate::goroutine::panic_message(payload);
    tracing::error!(
        helper,
        panic = %message,
        "pattern: user function panicked; the stage stops and its output closes"
    );
}
