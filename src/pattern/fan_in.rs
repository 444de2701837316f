//! Fan-in: [`merge`] (many channels into one), [`bridge`] (a channel of channels into one) and
//! [`or_done`] (a channel that stops when a context is cancelled).
//!
//! `merge` is Go's fan-in: one forwarding goroutine per input. Go needs an extra goroutine
//! waiting on a `WaitGroup` to close the output; here every forwarder holds a clone of the
//! output's sender, and the channel closes by itself when the last one is dropped.

use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::Poll;

use super::{forward, recv_or_stop, send_or_stop};
use crate::{chan, go, Context, Receiver};

/// Fan-in: forwards every value of every input to one output of capacity `cap`, closing it
/// once all inputs are exhausted.
///
/// ```text
/// var wg sync.WaitGroup
/// for _, c := range inputs {
///     wg.Add(1)
///     go func(c <-chan T) { defer wg.Done(); for v := range c { out <- v } }(c)
/// }
/// go func() { wg.Wait(); close(out) }()
/// ```
///
/// One goroutine per input forwards its values as they come, so a slow input never holds
/// back the others. Values from one input keep their relative order; values from different
/// inputs interleave in arrival order. With no inputs the output is closed at once.
///
/// # Panics
///
/// Does not panic.
///
/// # Cancel safety
///
/// Not async. Dropping the returned receiver stops every forwarder, including those waiting
/// on an idle input, and drops the inputs.
///
/// # Examples
///
/// ```
/// use gokio::pattern::{generate, merge};
///
/// # gokio::run(async {
/// let all = merge(vec![generate(1..=3, 0), generate(10..=12, 0)], 0);
/// let mut sum = 0;
/// while let Some(v) = all.recv().await {
///     sum += v;
/// }
/// assert_eq!(sum, 6 + 33);
/// # });
/// ```
#[track_caller]
pub fn merge<T: Send + 'static>(inputs: Vec<Receiver<T>>, cap: usize) -> Receiver<T> {
    let (tx, rx) = chan(cap).split();
    for input in inputs {
        let tx = tx.clone();
        go(async move {
            let mut stop = tx.closed();
            forward(&input, &tx, &mut stop).await;
        });
    }
    rx
}

/// Flattens a channel of channels: forwards every value of the first inner channel received,
/// then of the second, and so on, closing the output when the outer channel is exhausted.
/// Go's `bridge` channel ("Concurrency in Go", ch. 4).
///
/// ```text
/// for stream := range chanStream {
///     for v := range stream { out <- v }
/// }
/// close(out)
/// ```
///
/// One goroutine drains the inner channels one after another, in the order they arrive, so
/// the output is the concatenation of the inner streams. An inner channel that never closes
/// blocks the ones after it, as in Go.
///
/// # Panics
///
/// Does not panic.
///
/// # Cancel safety
///
/// Not async. Dropping the returned receiver stops the goroutine, which drops the current
/// inner channel and the outer one.
///
/// # Examples
///
/// ```
/// use futures::StreamExt;
/// use gokio::pattern::{bridge, generate};
///
/// # gokio::run(async {
/// let streams = generate((0..3).map(|i| generate(i * 10..i * 10 + 2, 0)), 0);
/// let flat: Vec<i32> = bridge(streams, 0).collect().await;
/// assert_eq!(flat, [0, 1, 10, 11, 20, 21]);
/// # });
/// ```
#[track_caller]
pub fn bridge<T: Send + 'static>(inputs: Receiver<Receiver<T>>, cap: usize) -> Receiver<T> {
    let (tx, rx) = chan(cap).split();
    go(async move {
        let mut stop = tx.closed();
        while let Some(inner) = recv_or_stop(&inputs, &mut stop).await {
            if !forward(&inner, &tx, &mut stop).await {
                return;
            }
        }
    });
    rx
}

/// Forwards the values of `input` until `ctx` is cancelled, then closes the output and drops
/// `input`: Go's or-done channel.
///
/// ```text
/// for {
///     select {
///     case <-ctx.Done(): return
///     case v, ok := <-in:
///         if !ok { return }
///         select { case out <- v: case <-ctx.Done(): return }
///     }
/// }
/// ```
///
/// The output is unbuffered, so no value waits in a buffer when the context is cancelled: a
/// value the goroutine holds is dropped, and the output ends. Cancellation wins whenever it is
/// observed together with a ready value (Go picks at random there), so once the goroutine has
/// seen the cancellation nothing more is forwarded. The output also closes when `input` ends,
/// and dropping the output stops the goroutine as for every helper.
///
/// # Panics
///
/// Does not panic.
///
/// # Cancel safety
///
/// Not async. Dropping the returned receiver stops the goroutine.
///
/// # Examples
///
/// ```
/// use gokio::pattern::{generate, or_done};
/// use gokio::Context;
///
/// # gokio::run(async {
/// let (ctx, cancel) = Context::background().with_cancel();
/// let nums = or_done(&ctx, generate(0.., 0));
/// assert_eq!(nums.recv().await, Some(0));
/// assert_eq!(nums.recv().await, Some(1));
/// cancel.cancel();
/// // At most the value already in hand can still arrive; then the stream ends.
/// let mut rest = 0;
/// while nums.recv().await.is_some() {
///     rest += 1;
/// }
/// assert!(rest <= 1);
/// # });
/// ```
#[track_caller]
pub fn or_done<T: Send + 'static>(ctx: &Context, input: Receiver<T>) -> Receiver<T> {
    let (tx, rx) = chan(0).split();
    let done = ctx.done();
    go(async move {
        let mut cancelled = done.recv();
        let mut out_closed = tx.closed();
        // Resolves when the context is cancelled (`done` closes) or the output is dropped.
        let mut stop = poll_fn(|cx| {
            if Pin::new(&mut cancelled).poll(cx).is_ready()
                || Pin::new(&mut out_closed).poll(cx).is_ready()
            {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        });
        loop {
            if done.is_closed() {
                return;
            }
            let Some(v) = recv_or_stop(&input, &mut stop).await else {
                return;
            };
            if !send_or_stop(&tx, v, &mut stop).await {
                return;
            }
        }
    });
    rx
}
