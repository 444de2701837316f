//! Integration tests for `gokio::pattern` (DESIGN.md § Fan-in / fan-out): completeness,
//! ordering where promised, closing, teardown when outputs are dropped, cancellation by
//! context, panics in user functions, and the bounded reorder window of `fan_out_ordered`.
//!
//! Leak checks on `num_goroutine` (a process-wide count) live in `tests/pattern_leak.rs`, their
//! own binary, so parallel tests here cannot disturb them; likewise the check of the panic's
//! `tracing` event lives in `tests/pattern_log.rs` (tracing's per-callsite interest cache is
//! process-wide, and other tests here hit the same callsite with no subscriber). Here, teardown is observed through
//! the channels themselves: a stage that exits drops its input receiver, and the test holds
//! that input's `Sender`, whose `closed()` then resolves.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::no_hang;
use futures::StreamExt;
use gokio::pattern::{
    bridge, distribute, fan_out, fan_out_ordered, filter, generate, map, merge, or_done, take, tee,
};
use gokio::{chan, go, Context, Receiver, Sender};

/// Drains a receiver into a vector, failing instead of hanging.
async fn collect<T>(rx: Receiver<T>) -> Vec<T> {
    no_hang("collect", rx.collect()).await
}

/// A channel whose sending half the test keeps (it never sends), to observe a stage dropping
/// its input.
fn idle_input<T>() -> (Sender<T>, Receiver<T>) {
    chan(0).split()
}

/// Waits until the stage reading from `tx`'s channel has dropped its receiver.
async fn input_dropped<T>(what: &str, tx: &Sender<T>) {
    no_hang(what, tx.closed()).await;
}

fn sum_to(n: u64) -> u64 {
    n * (n - 1) / 2
}

// ----- generate, take -----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generate_sends_in_order_then_closes() {
    for cap in [0, 1, 16] {
        assert_eq!(
            collect(generate(0..100, cap)).await,
            (0..100).collect::<Vec<_>>()
        );
    }
    assert!(collect(generate(Vec::<u8>::new(), 0)).await.is_empty());
}

/// Counts live iterators: the generator goroutine drops its iterator when it exits.
struct Tracked {
    next: u64,
    live: Arc<AtomicUsize>,
}

impl Tracked {
    fn new(live: &Arc<AtomicUsize>) -> Self {
        live.fetch_add(1, Ordering::SeqCst);
        Tracked {
            next: 0,
            live: live.clone(),
        }
    }
}

impl Iterator for Tracked {
    type Item = u64;
    fn next(&mut self) -> Option<u64> {
        self.next += 1;
        Some(self.next - 1)
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        self.live.fetch_sub(1, Ordering::SeqCst);
    }
}

async fn until_zero(what: &str, live: &AtomicUsize) {
    no_hang(what, async {
        while live.load(Ordering::SeqCst) != 0 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generate_endless_stops_when_receiver_dropped() {
    let live = Arc::new(AtomicUsize::new(0));
    let rx = generate(Tracked::new(&live), 4);
    assert_eq!(rx.recv().await, Some(0));
    assert_eq!(rx.recv().await, Some(1));
    drop(rx);
    until_zero("generator exits", &live).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn take_forwards_first_n_in_order() {
    assert_eq!(
        collect(take(generate(10.., 0), 5, 0)).await,
        [10, 11, 12, 13, 14]
    );
    assert_eq!(collect(take(generate(0..3, 0), 10, 2)).await, [0, 1, 2]);
    assert!(collect(take(generate(0.., 0), 0, 0)).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn take_drops_its_input_after_n() {
    let live = Arc::new(AtomicUsize::new(0));
    let first = take(generate(Tracked::new(&live), 0), 3, 0);
    assert_eq!(collect(first).await, [0, 1, 2]);
    until_zero("endless upstream stops after take", &live).await;
}

// ----- merge, bridge, or_done -----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn merge_delivers_every_value_keeping_per_input_order() {
    let inputs: Vec<_> = (0..8u64)
        .map(|i| generate((0..1000u64).map(move |v| (i, v)), 4))
        .collect();
    let got = collect(merge(inputs, 16)).await;
    assert_eq!(got.len(), 8000);
    for i in 0..8 {
        let mine: Vec<u64> = got.iter().filter(|(w, _)| *w == i).map(|p| p.1).collect();
        assert_eq!(mine, (0..1000).collect::<Vec<_>>(), "input {i} reordered");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn merge_of_nothing_is_closed() {
    assert!(collect(merge(Vec::<Receiver<u8>>::new(), 0))
        .await
        .is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn merge_closes_only_after_the_slowest_input() {
    let (tx, rx) = chan::<u64>(0).split();
    let out = merge(vec![generate(0..10u64, 0), rx], 0);
    let mut sum = 0;
    for _ in 0..10 {
        sum += no_hang("merge recv", out.recv()).await.unwrap();
    }
    assert_eq!(sum, 45);
    // One input is still open: the output must not close.
    assert!(tokio::time::timeout(Duration::from_millis(50), out.recv())
        .await
        .is_err());
    tx.send(100).await.unwrap();
    drop(tx);
    assert_eq!(collect(out).await, [100]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bridge_concatenates_inner_streams_in_order() {
    let streams = generate((0..50u64).map(|i| generate(i * 100..i * 100 + 20, 1)), 2);
    let got = collect(bridge(streams, 4)).await;
    let want: Vec<u64> = (0..50u64).flat_map(|i| i * 100..i * 100 + 20).collect();
    assert_eq!(got, want);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn or_done_forwards_until_input_ends() {
    let ctx = Context::background();
    assert_eq!(
        collect(or_done(&ctx, generate(0..200, 3))).await,
        (0..200).collect::<Vec<_>>()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn or_done_stops_on_cancel() {
    let (ctx, cancel) = Context::background().with_cancel();
    let live = Arc::new(AtomicUsize::new(0));
    let rx = or_done(&ctx, generate(Tracked::new(&live), 8));
    for want in 0..10 {
        assert_eq!(no_hang("or_done recv", rx.recv()).await, Some(want));
    }
    cancel.cancel();
    let rest = collect(rx).await;
    assert!(
        rest.len() <= 1,
        "forwarded {} values after cancel",
        rest.len()
    );
    until_zero("or_done drops its input on cancel", &live).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn or_done_waiting_on_idle_input_notices_cancel() {
    let (ctx, cancel) = Context::background().with_cancel();
    let (tx, rx) = idle_input::<u8>();
    let out = or_done(&ctx, rx);
    tokio::time::sleep(Duration::from_millis(5)).await;
    cancel.cancel();
    assert_eq!(no_hang("or_done closes", out.recv()).await, None);
    input_dropped("or_done drops its input", &tx).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn or_done_on_cancelled_context_forwards_nothing() {
    let (ctx, cancel) = Context::background().with_cancel();
    cancel.cancel();
    assert!(collect(or_done(&ctx, generate(0..10, 10))).await.is_empty());
}

// ----- fan_out, fan_out_ordered -----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fan_out_processes_every_value_once() {
    for (workers, cap) in [(1, 0), (4, 0), (4, 128), (16, 3)] {
        let out = fan_out(
            generate(0..10_000u64, 8),
            workers,
            cap,
            |v| async move { v * 2 },
        );
        let mut got = collect(out).await;
        got.sort_unstable();
        assert_eq!(got, (0..10_000u64).map(|v| v * 2).collect::<Vec<_>>());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fan_out_runs_workers_concurrently() {
    // Four calls can only finish if four run at once: each waits for all four at a barrier.
    let barrier = Arc::new(tokio::sync::Barrier::new(4));
    let out = fan_out(generate(0..4u64, 0), 4, 0, move |v| {
        let barrier = barrier.clone();
        async move {
            barrier.wait().await;
            v
        }
    });
    assert_eq!(collect(out).await.iter().sum::<u64>(), 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fan_out_closes_after_all_workers_finish() {
    // Value 0 is held until the test releases it: the other 19 results come out, but the
    // output may not close while value 0's worker is still running.
    let release = chan::<()>(0);
    let gate = release.receiver();
    let out = fan_out(generate(0..20u64, 0), 4, 0, move |v| {
        let gate = gate.clone();
        async move {
            if v == 0 {
                let _ = gate.recv().await;
            }
            v
        }
    });
    let mut got = Vec::new();
    for _ in 0..19 {
        got.push(no_hang("fan_out recv", out.recv()).await.unwrap());
    }
    assert!(!got.contains(&0));
    assert!(tokio::time::timeout(Duration::from_millis(50), out.recv())
        .await
        .is_err());
    release.close();
    assert_eq!(
        collect(out).await,
        [0],
        "the held result arrives, then the close"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fan_out_ordered_keeps_input_order_with_slowest_first() {
    for (workers, cap) in [(1, 0), (4, 0), (4, 2), (8, 16)] {
        let out = fan_out_ordered(generate(0..40u64, 0), workers, cap, |v| async move {
            // Item 0 sleeps longest; later items progressively less.
            tokio::time::sleep(Duration::from_millis(40u64.saturating_sub(v * 4))).await;
            v * 3
        });
        assert_eq!(
            collect(out).await,
            (0..40u64).map(|v| v * 3).collect::<Vec<_>>(),
            "workers={workers} cap={cap}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fan_out_ordered_many_values() {
    let out = fan_out_ordered(generate(0..20_000u64, 16), 4, 16, |v| async move {
        if v % 7 == 0 {
            gokio::yield_now().await;
        }
        v
    });
    let got = collect(out).await;
    assert_eq!(got, (0..20_000u64).collect::<Vec<_>>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fan_out_ordered_keeps_order_with_uneven_delays_for_every_window_size() {
    // Windows (workers + cap) of 1 to 7 slots, many times round the reorder ring, with values
    // finishing out of order (a pseudo-random number of yields each).
    for (workers, cap) in [(1, 0), (2, 0), (1, 2), (3, 1), (5, 2)] {
        let out = fan_out_ordered(generate(0..3_000u64, 0), workers, cap, |v| async move {
            for _ in 0..(v.wrapping_mul(2_654_435_761) >> 7) % 4 {
                gokio::yield_now().await;
            }
            v + 1
        });
        assert_eq!(
            collect(out).await,
            (1..=3_000u64).collect::<Vec<_>>(),
            "workers={workers} cap={cap}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fan_out_ordered_window_is_bounded_while_one_item_blocks() {
    const WORKERS: usize = 4;
    const CAP: usize = 3;
    // Counts the values taken from the source: the generator pulls one per `next`.
    let taken = Arc::new(AtomicUsize::new(0));
    let counter = taken.clone();
    let source = generate(
        (0..10_000u64).inspect(move |_| {
            counter.fetch_add(1, Ordering::SeqCst);
        }),
        0,
    );
    let release = chan::<()>(0);
    let gate = release.receiver();
    let out = fan_out_ordered(source, WORKERS, CAP, move |v| {
        let gate = gate.clone();
        async move {
            if v == 0 {
                let _ = gate.recv().await; // blocked until released (closed)
            }
            v
        }
    });
    // Let the pool run as far ahead as it can.
    no_hang("the pool starts", async {
        while taken.load(Ordering::SeqCst) < WORKERS {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    })
    .await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let ahead = taken.load(Ordering::SeqCst);
    // At most workers + cap + 1 in the pool (documented), 1 held by the generator blocked on
    // its send, and 1 of slack.
    let bound = WORKERS + CAP + 3;
    assert!(
        ahead <= bound,
        "{ahead} values taken with item 0 blocked (bound {bound})"
    );
    assert!(ahead >= WORKERS, "the pool ran ahead only {ahead} values");
    assert!(out.try_recv().is_err(), "nothing may pass item 0");
    release.close();
    assert_eq!(collect(out).await, (0..10_000u64).collect::<Vec<_>>());
}

// ----- distribute, tee -----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn distribute_deals_round_robin() {
    let outs = distribute(generate(0..300u64, 0), 3, 2);
    let handles: Vec<_> = outs.into_iter().map(|rx| go(collect(rx))).collect();
    for (i, h) in handles.into_iter().enumerate() {
        let got = h.await.unwrap();
        let want: Vec<u64> = (0..300u64).filter(|v| v % 3 == i as u64).collect();
        assert_eq!(got, want, "output {i}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn distribute_skips_dropped_outputs_without_losing_values() {
    let mut outs = distribute(generate(0..100u64, 0), 3, 0);
    let first = outs.remove(0);
    drop(outs); // outputs 1 and 2 gone before any value was dealt
    assert_eq!(collect(first).await, (0..100u64).collect::<Vec<_>>());
}

#[test]
#[should_panic(expected = "n must be at least 1")]
fn distribute_to_zero_outputs_panics() {
    let _ = distribute(chan::<u8>(0).receiver(), 0, 0);
}

#[test]
#[should_panic(expected = "workers must be at least 1")]
fn fan_out_with_zero_workers_panics() {
    let _ = fan_out(chan::<u8>(0).receiver(), 0, 0, |v| async move { v });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tee_sends_every_value_to_both() {
    for cap in [0, 5] {
        let (a, b) = tee(generate(0..1000u64, 0), cap);
        let b = go(collect(b));
        assert_eq!(collect(a).await, (0..1000u64).collect::<Vec<_>>());
        assert_eq!(b.await.unwrap(), (0..1000u64).collect::<Vec<_>>());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tee_keeps_feeding_the_other_when_one_is_dropped() {
    let (a, b) = tee(generate(0..500u64, 0), 0);
    assert_eq!(no_hang("tee a", a.recv()).await, Some(0));
    drop(a);
    // b gets everything, including 0 (the value being sent when a was dropped).
    assert_eq!(collect(b).await, (0..500u64).collect::<Vec<_>>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tee_outputs_advance_together() {
    // The faster consumer can run at most cap + 1 values ahead of the other.
    let (a, b) = tee(generate(0..100u64, 0), 2);
    for want in 0..3 {
        assert_eq!(no_hang("tee a", a.recv()).await, Some(want));
    }
    assert!(tokio::time::timeout(Duration::from_millis(50), a.recv())
        .await
        .is_err());
    assert_eq!(b.recv().await, Some(0));
    assert_eq!(no_hang("tee a", a.recv()).await, Some(3));
}

// ----- map, filter -----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn map_keeps_order_and_may_keep_state() {
    let mut total = 0u64;
    let running = map(generate(1..=10u64, 0), 2, move |v| {
        total += v; // FnMut: state across calls
        let t = total;
        async move { t }
    });
    assert_eq!(
        collect(running).await,
        [1, 3, 6, 10, 15, 21, 28, 36, 45, 55]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn map_with_async_work() {
    let out = map(generate(0..50u64, 0), 0, |v| async move {
        gokio::yield_now().await;
        v.to_string()
    });
    let want: Vec<String> = (0..50).map(|v: u64| v.to_string()).collect();
    assert_eq!(collect(out).await, want);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filter_keeps_order() {
    let odd = filter(generate(0..1000u64, 4), 4, |v| {
        std::future::ready(v % 2 == 1)
    });
    let want: Vec<u64> = (0..1000).filter(|v| v % 2 == 1).collect();
    assert_eq!(collect(odd).await, want);

    let words = generate(vec!["go".to_string(), "rust".into(), "c".into()], 0);
    let long = filter(words, 0, |s: &String| {
        let n = s.len();
        async move { n > 1 }
    });
    assert_eq!(collect(long).await, ["go", "rust"]);
}

// ----- panics in user functions -----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn panic_in_map_closes_output_after_earlier_values() {
    let (tx, rx) = chan::<u64>(0).split();
    let feeder = go(async move {
        for v in 0.. {
            if tx.send(v).await.is_err() {
                return v;
            }
        }
        unreachable!()
    });
    let out = map(rx, 0, |v| async move {
        assert!(v != 5, "map: bad value {v}");
        v
    });
    assert_eq!(collect(out).await, [0, 1, 2, 3, 4]);
    // The stage stopped consuming: its input closed, so the feeder's send failed.
    let stopped_at = no_hang("feeder stops", feeder.join()).await.unwrap();
    assert!(stopped_at >= 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn panic_in_filter_closes_output() {
    let out = filter(generate(0..100u64, 0), 0, |v| {
        assert!(*v != 3, "filter: bad value");
        std::future::ready(true)
    });
    assert_eq!(collect(out).await, [0, 1, 2]);
    let out = filter(generate(0..100u64, 0), 0, |v| {
        let v = *v;
        async move {
            assert!(v != 3, "filter: bad value (async)");
            true
        }
    });
    assert_eq!(collect(out).await, [0, 1, 2]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn panic_in_fan_out_closes_output_without_hanging() {
    let live = Arc::new(AtomicUsize::new(0));
    let out = fan_out(generate(Tracked::new(&live), 0), 4, 0, |v| async move {
        if v == 100 {
            panic!("fan_out: bad value");
        }
        v
    });
    // The input is endless: the output ending at all means the panic closed it. (How many
    // values other workers deliver meanwhile depends on scheduling: the panic hook runs
    // before the unwind reaches the stage.)
    let got = collect(out).await;
    assert!(!got.contains(&100));
    until_zero("fan_out stops consuming after a panic", &live).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn panic_in_fan_out_ordered_ends_output_at_that_value() {
    let live = Arc::new(AtomicUsize::new(0));
    let out = fan_out_ordered(generate(Tracked::new(&live), 0), 4, 2, |v| async move {
        if v == 50 {
            panic!("fan_out_ordered: bad value");
        }
        v
    });
    assert_eq!(collect(out).await, (0..50u64).collect::<Vec<_>>());
    until_zero("fan_out_ordered stops consuming after a panic", &live).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn panic_in_fan_out_ordered_after_a_slow_value_keeps_the_earlier_results() {
    // Value 11's `f` panics while value 10's is still running: 10 is still delivered.
    let live = Arc::new(AtomicUsize::new(0));
    let out = fan_out_ordered(generate(Tracked::new(&live), 0), 4, 2, |v| async move {
        if v == 10 {
            tokio::time::sleep(Duration::from_millis(30)).await;
        }
        if v == 11 {
            panic!("fan_out_ordered: bad value after a slow one");
        }
        v
    });
    assert_eq!(collect(out).await, (0..11u64).collect::<Vec<_>>());
    until_zero("fan_out_ordered stops consuming after a panic", &live).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn panic_in_every_fan_out_ordered_worker_ends_output_at_the_first() {
    // Every worker dies (each on a value from 5 on); values still queued are never run.
    let live = Arc::new(AtomicUsize::new(0));
    let out = fan_out_ordered(generate(Tracked::new(&live), 0), 3, 4, |v| async move {
        if v >= 5 {
            panic!("fan_out_ordered: every worker panics");
        }
        v
    });
    assert_eq!(collect(out).await, (0..5u64).collect::<Vec<_>>());
    until_zero(
        "fan_out_ordered stops consuming once every worker panicked",
        &live,
    )
    .await;
}

// ----- teardown when outputs are dropped -----

/// Every helper, reading an input that never sends, must drop that input promptly once its
/// outputs are dropped: the goroutine waiting on `recv` notices the closed output.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_outputs_stops_stages_waiting_on_input() {
    let (tx, rx) = idle_input::<u64>();
    drop(take(rx, 10, 0));
    input_dropped("take", &tx).await;

    let (tx, rx) = idle_input::<u64>();
    let (tx2, rx2) = idle_input::<u64>();
    drop(merge(vec![rx, rx2], 0));
    input_dropped("merge 1", &tx).await;
    input_dropped("merge 2", &tx2).await;

    let (tx, rx) = idle_input::<Receiver<u64>>();
    drop(bridge(rx, 0));
    input_dropped("bridge outer", &tx).await;

    // bridge waiting on an inner stream
    let (inner_tx, inner_rx) = idle_input::<u64>();
    let out = bridge(generate(vec![inner_rx], 0), 0);
    tokio::time::sleep(Duration::from_millis(5)).await;
    drop(out);
    input_dropped("bridge inner", &inner_tx).await;

    let (tx, rx) = idle_input::<u64>();
    drop(or_done(&Context::background(), rx));
    input_dropped("or_done", &tx).await;

    let (tx, rx) = idle_input::<u64>();
    drop(fan_out(rx, 4, 0, |v| async move { v }));
    input_dropped("fan_out", &tx).await;

    let (tx, rx) = idle_input::<u64>();
    drop(fan_out_ordered(rx, 4, 0, |v| async move { v }));
    input_dropped("fan_out_ordered", &tx).await;

    let (tx, rx) = idle_input::<u64>();
    drop(distribute(rx, 3, 0));
    input_dropped("distribute", &tx).await;

    let (tx, rx) = idle_input::<u64>();
    let (a, b) = tee(rx, 0);
    drop(a);
    tokio::time::sleep(Duration::from_millis(5)).await;
    assert!(!tx.is_closed(), "tee stops only when both outputs are gone");
    drop(b);
    input_dropped("tee", &tx).await;

    let (tx, rx) = idle_input::<u64>();
    drop(map(rx, 0, |v| async move { v }));
    input_dropped("map", &tx).await;

    let (tx, rx) = idle_input::<u64>();
    drop(filter(rx, 0, |_| std::future::ready(true)));
    input_dropped("filter", &tx).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fan_out_ordered_stops_while_window_is_full() {
    // Item 0 blocks until released; the output is dropped while the window is full.
    let live = Arc::new(AtomicUsize::new(0));
    let release = chan::<()>(0);
    let gate = release.receiver();
    let out = fan_out_ordered(generate(Tracked::new(&live), 0), 2, 1, move |v| {
        let gate = gate.clone();
        async move {
            if v == 0 {
                let _ = gate.recv().await;
            }
            v
        }
    });
    tokio::time::sleep(Duration::from_millis(20)).await;
    drop(out);
    until_zero("pool stops with item 0 still blocked", &live).await;
    release.close();
}

/// A five-stage pipeline whose last receiver is dropped half-way unwinds entirely: the
/// generator's iterator is dropped only once every stage after it has exited.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_stage_pipeline_unwinds_when_dropped_half_way() {
    let live = Arc::new(AtomicUsize::new(0));
    let nums = generate(Tracked::new(&live), 8);
    let squares = map(nums, 8, |v| async move { v * v });
    let even = filter(squares, 8, |v| std::future::ready(v % 2 == 0));
    let halves = fan_out(even, 4, 8, |v| async move { v / 2 });
    let first = take(halves, 1_000, 8);
    let mut got = Vec::new();
    for _ in 0..500 {
        got.push(no_hang("pipeline recv", first.recv()).await.unwrap());
    }
    drop(first);
    until_zero("the whole pipeline unwinds", &live).await;
    assert!(got.iter().all(|v| (v * 2) % 2 == 0));
    assert_eq!(got.len(), 500);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pipeline_runs_to_completion_with_checksum() {
    let n = 10_000u64;
    let out = take(
        fan_out(
            filter(
                map(generate(0..n, 16), 16, |v| async move { v + 1 }),
                16,
                |v| std::future::ready(*v > 0),
            ),
            4,
            16,
            |v| async move { v - 1 },
        ),
        n as usize,
        16,
    );
    let got = collect(out).await;
    assert_eq!(got.iter().sum::<u64>(), sum_to(n));
}
