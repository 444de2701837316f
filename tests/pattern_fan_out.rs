//! Integration tests for `gokio::pattern`'s worker pools, `fan_out` and `fan_out_ordered`:
//! every value processed once, workers running at once, closing after the last worker, input
//! order and the bounded reorder window of `fan_out_ordered`, panics in `f`, and teardown while
//! the window is full. The other helpers are tested in `tests/pattern.rs`.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::{no_hang, until_zero, Tracked};
use futures::StreamExt;
use gokio::pattern::{fan_out, fan_out_ordered, generate};
use gokio::{chan, Receiver};

/// Drains a receiver into a vector, failing instead of hanging.
async fn collect<T>(rx: Receiver<T>) -> Vec<T> {
    no_hang("collect", rx.collect()).await
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

#[test]
#[should_panic(expected = "workers must be at least 1")]
fn fan_out_with_zero_workers_panics() {
    let _ = fan_out(chan::<u8>(0).receiver(), 0, 0, |v| async move { v });
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
