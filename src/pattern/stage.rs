//! Pipeline stages: [`map`] and [`filter`], each one goroutine that keeps the input order.
//!
//! Their user functions are `FnMut`: a stage runs them from one goroutine, one value at a
//! time, so they may keep state (a counter, a running total), as a Go closure may.

use std::future::Future;

use super::{catch_panic, catch_panic_sync, map_values, recv_or_stop};
use crate::{chan, go, Receiver};

/// A pipeline stage: sends `f(v).await` for every value `v` of `input`, in order, on a new
/// channel of capacity `cap`.
///
/// ```text
/// go func() { defer close(out); for v := range in { out <- f(v) } }()
/// ```
///
/// One goroutine applies `f` to one value at a time, so results keep the input order and `f`
/// may be `FnMut`. For several values in flight at once use [`fan_out`](super::fan_out) or
/// [`fan_out_ordered`](super::fan_out_ordered). The output closes when `input` ends.
///
/// # Panics
///
/// A panic in `f` ends the stage: the output closes early and the panic is logged (a `tracing`
/// error event). Results sent before the panic are still received; the stage stops consuming
/// `input`.
///
/// # Cancel safety
///
/// Not async. Dropping the returned receiver stops the goroutine, even while it waits on
/// `input` (a call of `f` already running finishes first, and its result is dropped).
///
/// # Examples
///
/// ```
/// use futures::StreamExt;
/// use gokio::pattern::{generate, map};
///
/// # gokio::run(async {
/// let lens = map(generate(["go", "tokio"], 0), 0, |s| async move { s.len() });
/// assert_eq!(lens.collect::<Vec<_>>().await, [2, 5]);
/// # });
/// ```
#[track_caller]
pub fn map<T, U, F, Fut>(input: Receiver<T>, cap: usize, f: F) -> Receiver<U>
where
    F: FnMut(T) -> Fut + Send + 'static,
    Fut: Future<Output = U> + Send + 'static,
    T: Send + 'static,
    U: Send + 'static,
{
    let (tx, rx) = chan(cap).split();
    go(async move { map_values("map", &input, &tx, f).await });
    rx
}

/// A pipeline stage that forwards, in order, the values of `input` for which the async
/// predicate `keep(&v)` yields `true`, on a new channel of capacity `cap`.
///
/// ```text
/// go func() { defer close(out); for v := range in { if keep(v) { out <- v } } }()
/// ```
///
/// The predicate takes the value by reference and returns a future that does not borrow it
/// (`Fut: 'static`): a synchronous test is `|v| std::future::ready(..)`, and an async one
/// copies what it needs out of `v` before its `async move` block. The output closes when
/// `input` ends.
///
/// # Panics
///
/// A panic in `keep` ends the stage: the output closes early and the panic is logged (a
/// `tracing` error event). Values sent before the panic are still received; the stage stops
/// consuming `input`.
///
/// # Cancel safety
///
/// Not async. Dropping the returned receiver stops the goroutine, even while it waits on
/// `input`.
///
/// # Examples
///
/// ```
/// use futures::StreamExt;
/// use gokio::pattern::{filter, generate};
///
/// # gokio::run(async {
/// let odd = filter(generate(1..=7, 0), 0, |n| std::future::ready(n % 2 == 1));
/// assert_eq!(odd.collect::<Vec<i32>>().await, [1, 3, 5, 7]);
///
/// // An async predicate copies what it needs from the value.
/// let short = filter(generate(["a", "bcd", "ef"], 0), 0, |s| {
///     let len = s.len();
///     async move { len <= 2 }
/// });
/// assert_eq!(short.collect::<Vec<_>>().await, ["a", "ef"]);
/// # });
/// ```
#[track_caller]
pub fn filter<T, F, Fut>(input: Receiver<T>, cap: usize, mut keep: F) -> Receiver<T>
where
    F: FnMut(&T) -> Fut + Send + 'static,
    Fut: Future<Output = bool> + Send + 'static,
    T: Send + 'static,
{
    let (tx, rx) = chan(cap).split();
    go(async move {
        let mut stop = tx.closed();
        while let Some(v) = recv_or_stop(&input, &mut stop).await {
            // The call borrows `v`; the future it returns does not.
            let Some(fut) = catch_panic_sync("filter", || keep(&v)) else {
                tx.close();
                return;
            };
            let Some(pass) = catch_panic("filter", fut).await else {
                tx.close();
                return;
            };
            if pass && tx.send(v).await.is_err() {
                return;
            }
        }
    });
    rx
}
