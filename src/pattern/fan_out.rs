//! Fan-out: [`fan_out`] (a worker pool), [`fan_out_ordered`] (a worker pool that keeps input
//! order), [`distribute`] (deal values round-robin to `n` outputs) and [`tee`] (copy every
//! value to two outputs).
//!
//! `fan_out_ordered` numbers the values: a dispatcher goroutine takes each input value,
//! gives it the next sequence number and hands `(seq, v)` to the worker pool; the workers send
//! `(seq, f(v))` to a collector goroutine, which puts each result in slot `seq % window` of a
//! ring of `window = workers + cap` slots and sends the results on in sequence order. The
//! dispatcher takes a credit (a send on a `window`-slot channel of `()`) before it hands out a
//! value, and the collector gives one back (a receive) after it has sent that value's result:
//! so at most `window` values are numbered and not yet sent, every number in flight is in
//! `[next, next + window)` where `next` is the collector's next number, and no two of them
//! share a slot. Invariant: at most `window + 1` values are taken from the input and not yet
//! sent to the output (the `window` with credits, the dispatcher's one in hand waiting for a
//! credit), however long one value takes. Nothing is allocated per value.
//!
//! Neither inner channel blocks a sender that holds a credit: `jobs` and `results` each hold
//! at most `window` values, the number of credits. So the only waits are the dispatcher's on
//! the input and on a credit, the workers' on `jobs` and in `f`, and the collector's on
//! `results` and on the output.

use std::future::Future;

use super::{all_closed, catch_panic, map_values, recv_or_stop};
use crate::loom::StdArc;
use crate::{chan, go, select, Receiver, SendError, Sender};

/// A bounded worker pool: `workers` goroutines take values from `input`, run `f` on each, and
/// send the results to one output of capacity `cap`, in completion order.
///
/// ```text
/// var wg sync.WaitGroup
/// for i := 0; i < workers; i++ {
///     wg.Add(1)
///     go func() { defer wg.Done(); for v := range in { out <- f(v) } }()
/// }
/// go func() { wg.Wait(); close(out) }()
/// ```
///
/// Each value is processed by exactly one worker; at most `workers` calls of `f` run at once.
/// Results come out in the order they finish, not the input order (see [`fan_out_ordered`]).
/// The output closes after `input` is exhausted and **every** worker has sent its last
/// result. Dropping the output stops every worker (an `f` already running finishes first, and
/// its result is dropped).
///
/// # Panics
///
/// Panics if `workers == 0`. A panic in `f` ends the stage: the panic is logged (a `tracing`
/// error event), the output closes early — results already sent are still received, results
/// of other workers not yet sent are dropped — and the workers stop consuming `input`.
///
/// # Cancel safety
///
/// Not async. Dropping the returned receiver stops the workers.
///
/// # Examples
///
/// ```
/// use gokio::pattern::{fan_out, generate};
///
/// # gokio::run(async {
/// let squares = fan_out(generate(1..=100u64, 0), 8, 0, |n| async move { n * n });
/// let mut sum = 0;
/// while let Some(s) = squares.recv().await {
///     sum += s;
/// }
/// assert_eq!(sum, (1..=100u64).map(|n| n * n).sum());
/// # });
/// ```
#[track_caller]
pub fn fan_out<T, U, F, Fut>(input: Receiver<T>, workers: usize, cap: usize, f: F) -> Receiver<U>
where
    F: Fn(T) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = U> + Send + 'static,
    T: Send + 'static,
    U: Send + 'static,
{
    assert!(workers > 0, "pattern::fan_out: workers must be at least 1");
    let (tx, rx) = chan(cap).split();
    let f = StdArc::new(f);
    for _ in 0..workers {
        let (input, tx, f) = (input.clone(), tx.clone(), f.clone());
        go(async move { map_values("fan_out", &input, &tx, |v| f(v)).await });
    }
    rx
}

/// A bounded worker pool like [`fan_out`] whose results come out in input order.
///
/// ```text
/// // Go: number the values, reorder the results in a bounded window.
/// go func() { seq := 0; for v := range in { credits <- struct{}{}; jobs <- job{seq, v}; seq++ } }()
/// // workers: for j := range jobs { results <- result{j.seq, f(j.v)} }
/// go func() { // collector: ring of len(credits) slots
///     for next := 0; ; next++ {
///         for ring[next%w] == nil { r := <-results; ring[r.seq%w] = &r }
///         out <- ring[next%w].u; ring[next%w] = nil; <-credits
///     }
/// }()
/// ```
///
/// Up to `workers` calls of `f` run at once, and the `n`-th result sent is `f` of the `n`-th
/// input value. A result that finishes early waits for the ones before it; the reorder window
/// is bounded, so memory stays bounded however slow one value is: at most
/// `workers + cap + 1` values are taken from `input` and not yet sent to the output (and the
/// output buffers `cap` more). When the window is full, the pool stops taking input until the
/// oldest value's result arrives. The output closes after the last result has been sent.
///
/// Goroutines: one dispatcher, `workers` workers, one collector. Nothing is allocated per
/// value: the values carry sequence numbers and the collector reorders them in a ring of
/// `workers + cap` slots.
///
/// # Panics
///
/// Panics if `workers == 0`. A panic in `f` ends the stage: the panic is logged (a `tracing`
/// error event), and the output ends just before the value whose `f` panicked — every result
/// of an earlier input value is still delivered, none of a later one is — and the pool stops
/// consuming `input`.
///
/// # Cancel safety
///
/// Not async. Dropping the returned receiver stops every goroutine of the pool (an `f` already
/// running finishes first, and its result is dropped).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use futures::StreamExt;
/// use gokio::pattern::{fan_out_ordered, generate};
///
/// # gokio::run(async {
/// // The first values take longest, yet the results keep the input order.
/// let out = fan_out_ordered(generate(0..8u64, 0), 4, 0, |n| async move {
///     gokio::time::sleep(Duration::from_millis(8 - n)).await;
///     n * 10
/// });
/// assert_eq!(out.collect::<Vec<_>>().await, [0, 10, 20, 30, 40, 50, 60, 70]);
/// # });
/// ```
#[track_caller]
pub fn fan_out_ordered<T, U, F, Fut>(
    input: Receiver<T>,
    workers: usize,
    cap: usize,
    f: F,
) -> Receiver<U>
where
    F: Fn(T) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = U> + Send + 'static,
    T: Send + 'static,
    U: Send + 'static,
{
    assert!(
        workers > 0,
        "pattern::fan_out_ordered: workers must be at least 1"
    );
    let (tx, rx) = chan::<U>(cap).split();
    let window = workers + cap;
    // A credit is held from before a value is numbered until after its result is sent.
    let (credit_tx, credit_rx) = chan::<()>(window).split();
    let (jobs_tx, jobs_rx) = chan::<(u64, T)>(window).split();
    // `None`: `f` panicked on that value.
    let (results_tx, results_rx) = chan::<(u64, Option<U>)>(window).split();

    // Dispatcher: input order is fixed here, by the sequence numbers. It stops when the
    // collector is gone (`credits` closed), which closes `jobs` and so stops the workers.
    go(async move {
        let mut stop = credit_tx.closed();
        let mut seq: u64 = 0;
        while let Some(v) = recv_or_stop(&input, &mut stop).await {
            if credit_tx.send(()).await.is_err() {
                return;
            }
            // Never waits: with a credit, at most `window - 1` other jobs are queued.
            if jobs_tx.send((seq, v)).await.is_err() {
                return; // every worker is gone (each panicked)
            }
            seq += 1;
        }
    });

    // Workers: a send on `results` never waits (at most `window` results, one per credit).
    // A worker whose `f` panicked reports the value's number with `None` and returns.
    let f = StdArc::new(f);
    for _ in 0..workers {
        let (jobs_rx, results_tx, f) = (jobs_rx.clone(), results_tx.clone(), f.clone());
        go(async move {
            let mut current = 0;
            let work = async {
                while let Some((seq, v)) = jobs_rx.recv().await {
                    current = seq;
                    if results_tx.send((seq, Some(f(v).await))).await.is_err() {
                        return; // the collector is gone
                    }
                }
            };
            if catch_panic("fan_out_ordered", work).await.is_none() {
                let _ = results_tx.send((current, None)).await;
            }
        });
    }
    drop((jobs_rx, results_tx));

    // Collector: sends the results in sequence order. A value's slot is free when its result
    // arrives: its number is in `[next, next + window)` (it holds a credit), and the slot's
    // previous number, `seq - window`, was sent before that credit was given back.
    go(async move {
        let mut stop = tx.closed();
        let mut ring: Vec<Option<Option<U>>> = (0..window).map(|_| None).collect();
        // `next`'s slot: `next % window`, kept without a division.
        let (mut next, mut slot): (u64, usize) = (0, 0);
        loop {
            match ring[slot].take() {
                Some(Some(u)) => {
                    if tx.send(u).await.is_err() {
                        return;
                    }
                    next += 1;
                    slot = if slot + 1 == window { 0 } else { slot + 1 };
                    // The dispatcher sent this value's credit before handing the value out,
                    // so the receive finds it buffered (even once `credits` is closed).
                    let _ = credit_rx.recv().await;
                }
                // `f` panicked on value `next`: the output ends just before it.
                Some(None) => return,
                None => match recv_or_stop(&results_rx, &mut stop).await {
                    Some((seq, r)) => {
                        // `seq - next < window`: the slot `seq - next` places after `next`'s.
                        let at = slot + (seq - next) as usize;
                        ring[if at >= window { at - window } else { at }] = Some(r);
                    }
                    // Every worker is gone: each value numbered was reported before its
                    // worker returned, so the ring holds nothing more to send.
                    None => return,
                },
            }
        }
    });
    rx
}

/// Deals the values of `input` round-robin to `n` new outputs of capacity `cap`: value 0 to
/// output 0, value 1 to output 1, ..., value `n` to output 0 again. Each value goes to exactly
/// one output.
///
/// ```text
/// go func() {
///     defer func() { for _, o := range outs { close(o) } }()
///     i := 0
///     for v := range in { outs[i] <- v; i = (i + 1) % n }
/// }()
/// ```
///
/// One goroutine deals the values in turn, so the outputs advance in lockstep: an output whose
/// consumer is slow (and whose buffer is full) holds back the others, as in Go. For load
/// balancing, where each value goes to whichever consumer is free, give every consumer a clone
/// of the same [`Receiver`] (Go's several goroutines ranging over one channel) or use
/// [`fan_out`]. An output whose receiver is dropped is skipped from then on — the value it
/// refused goes to the next output, so no value is lost while any output is alive — and the
/// goroutine stops when every output is dropped. All outputs close when `input` ends.
///
/// # Panics
///
/// Panics if `n == 0`.
///
/// # Cancel safety
///
/// Not async. Dropping every returned receiver stops the goroutine.
///
/// # Examples
///
/// ```
/// use futures::StreamExt;
/// use gokio::pattern::{distribute, generate};
///
/// # gokio::run(async {
/// let outs = distribute(generate(0..6, 0), 2, 3);
/// let (evens, odds) = (outs[0].clone(), outs[1].clone());
/// drop(outs);
/// let odds = gokio::go(odds.collect::<Vec<i32>>());
/// assert_eq!(evens.collect::<Vec<i32>>().await, [0, 2, 4]);
/// assert_eq!(odds.await.unwrap(), [1, 3, 5]);
/// # });
/// ```
#[track_caller]
pub fn distribute<T: Send + 'static>(input: Receiver<T>, n: usize, cap: usize) -> Vec<Receiver<T>> {
    assert!(n > 0, "pattern::distribute: n must be at least 1");
    let (txs, rxs): (Vec<Sender<T>>, Vec<Receiver<T>>) = (0..n).map(|_| chan(cap).split()).unzip();
    go(async move {
        let mut stop = all_closed(&txs);
        let mut next = 0;
        'values: while let Some(mut v) = recv_or_stop(&input, &mut stop).await {
            for _ in 0..n {
                let i = next;
                next = (next + 1) % n;
                match txs[i].send(v).await {
                    Ok(()) => continue 'values,
                    Err(SendError(back)) => v = back, // output `i` is gone: try the next one
                }
            }
            return; // every output is gone
        }
    });
    rxs
}

/// Sends every value of `input` to both outputs (each of capacity `cap`): Go's `tee`
/// channel.
///
/// ```text
/// for v := range in {
///     out1, out2 := out1, out2
///     for i := 0; i < 2; i++ {
///         select { case out1 <- v: out1 = nil; case out2 <- v: out2 = nil }
///     }
/// }
/// ```
///
/// Both sends of a value complete, in whichever order the outputs accept them, before the next
/// value is taken from `input`; so the two outputs see the same sequence, and the faster
/// consumer runs at most `cap + 1` values ahead of the slower one. If one output is dropped,
/// the other keeps receiving every value; the goroutine stops when both are dropped. Both
/// close when `input` ends. A value is cloned twice while both outputs are alive (one clone
/// per `select!` case; the copy not sent is dropped) and not at all once one is dropped.
///
/// # Panics
///
/// Does not panic (a panicking `Clone` ends the goroutine and closes both outputs).
///
/// # Cancel safety
///
/// Not async. Dropping both returned receivers stops the goroutine.
///
/// # Examples
///
/// ```
/// use futures::StreamExt;
/// use gokio::pattern::{generate, tee};
///
/// # gokio::run(async {
/// let (a, b) = tee(generate(["x", "y", "z"], 0), 3);
/// let b = gokio::go(b.collect::<Vec<_>>());
/// assert_eq!(a.collect::<Vec<_>>().await, ["x", "y", "z"]);
/// assert_eq!(b.await.unwrap(), ["x", "y", "z"]);
/// # });
/// ```
#[track_caller]
pub fn tee<T: Clone + Send + 'static>(
    input: Receiver<T>,
    cap: usize,
) -> (Receiver<T>, Receiver<T>) {
    let (tx1, rx1) = chan(cap).split();
    let (tx2, rx2) = chan(cap).split();
    go(async move {
        let outs = [tx1, tx2];
        let mut stop = all_closed(&outs);
        let mut alive = [true, true];
        while let Some(v) = recv_or_stop(&input, &mut stop).await {
            // The output still to be served once the first send of `v` is done.
            let rest = match alive {
                [true, true] => {
                    select! {
                        send(outs[0], v.clone()) -> r => { alive[0] = r.is_ok(); 1 }
                        send(outs[1], v.clone()) -> r => { alive[1] = r.is_ok(); 0 }
                    }
                }
                [true, false] => 0,
                [false, true] => 1,
                [false, false] => return,
            };
            if outs[rest].send(v).await.is_err() {
                alive[rest] = false;
            }
            if alive == [false, false] {
                return;
            }
        }
    });
    (rx1, rx2)
}
