//! Integration tests for `gokio::pattern` (DESIGN.md § Fan-in / fan-out): completeness,
//! ordering where promised, closing, teardown when outputs are dropped, cancellation by
//! context and panics in user functions. The worker pools (`fan_out`, `fan_out_ordered`) are
//! tested in `tests/pattern_fan_out.rs`.
//!
//! Leak checks on `num_goroutine` (a process-wide count) live in `tests/pattern_leak.rs`, their
//! own binary, so parallel tests here cannot disturb them; likewise the check of the panic's
//! `tracing` event lives in `tests/pattern_log.rs` (tracing's per-callsite interest cache is
//! process-wide, and other tests here hit the same callsite with no subscriber). Here, teardown is observed through
//! the channels themselves: a stage that exits drops its input receiver, and the test holds
//! that input's `Sender`, whose `closed()` then resolves.

mod common;

use std::sync::atomic::AtomicUsize;
use std::sync::Arc;
use std::time::Duration;

use common::{no_hang, until_zero, Tracked};
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
