//! Sources and limits: [`generate`] (a goroutine sending an iterator's items) and [`take`]
//! (the first `n` values of a stream). Each is one goroutine.

use super::recv_or_stop;
use crate::{chan, go, Receiver};

/// Sends every item of `iter` on a new channel of capacity `cap`, then closes it: Go's
/// generator goroutine.
///
/// ```text
/// out := make(chan T, cap)
/// go func() { defer close(out); for _, v := range vs { out <- v } }()
/// ```
///
/// One goroutine pulls items from the iterator one at a time, as the channel accepts them
/// (it holds at most one item it could not send yet), so an endless iterator is fine. Items
/// arrive in iteration order. If the receiver is dropped, the goroutine stops at once (the
/// pending send fails) and drops the iterator.
///
/// # Panics
///
/// Does not panic. A panic inside the iterator's `next` ends the goroutine (logged as any
/// goroutine panic is) and closes the output.
///
/// # Cancel safety
///
/// Not async. Dropping the returned receiver stops the goroutine.
///
/// # Examples
///
/// ```
/// use futures::StreamExt;
///
/// # gokio::run(async {
/// let nums = gokio::pattern::generate(vec![2, 3, 4], 0);
/// assert_eq!(nums.collect::<Vec<_>>().await, [2, 3, 4]);
///
/// // Endless sources are fine: the goroutine stops when the receiver goes away.
/// let naturals = gokio::pattern::generate(0u64.., 16);
/// assert_eq!(naturals.recv().await, Some(0));
/// drop(naturals);
/// # });
/// ```
#[track_caller]
pub fn generate<I>(iter: I, cap: usize) -> Receiver<I::Item>
where
    I: IntoIterator + Send + 'static,
    I::IntoIter: Send,
    I::Item: Send + 'static,
{
    let (tx, rx) = chan(cap).split();
    go(async move {
        for v in iter {
            if tx.send(v).await.is_err() {
                return;
            }
        }
    });
    rx
}

/// Forwards the first `n` values of `input`, then closes the output and drops `input`: Go's
/// `take` stage.
///
/// ```text
/// for i := 0; i < n; i++ {
///     select { case <-done: return; case out <- <-in: }
/// }
/// ```
///
/// Values keep their order. The output closes after `n` values or when `input` ends, whichever
/// comes first. Dropping `input` after the `n`-th value is what stops an endless upstream: its
/// next send fails. With `n == 0` the output is closed at once, `input` is dropped and no
/// goroutine is started.
///
/// # Panics
///
/// Does not panic.
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
/// use gokio::pattern::{generate, take};
///
/// # gokio::run(async {
/// let first = take(generate(1.., 0), 3, 0);
/// assert_eq!(first.collect::<Vec<i32>>().await, [1, 2, 3]);
/// # });
/// ```
#[track_caller]
pub fn take<T: Send + 'static>(input: Receiver<T>, n: usize, cap: usize) -> Receiver<T> {
    let (tx, rx) = chan(cap).split();
    if n == 0 {
        return rx;
    }
    go(async move {
        let mut stop = tx.closed();
        for _ in 0..n {
            let Some(v) = recv_or_stop(&input, &mut stop).await else {
                return;
            };
            if tx.send(v).await.is_err() {
                return;
            }
        }
    });
    rx
}
