//! Goroutine spawn overhead: `gokio::go` and `WaitGroup::go` against plain tokio.
//!
//! Workloads (one process, one 2-worker tokio multi-thread runtime, no tracing subscriber):
//! - `spawn`: spawn 100 000 tasks that return a number, then join each handle in order.
//!   Peers: `tokio::spawn` + `JoinHandle` vs `gokio::go` + `Goroutine::join`.
//! - `group`: start 100 000 tasks as a group, then wait for all of them.
//!   Peers: `tokio::task::JoinSet` (spawn, then `join_next` until empty) vs `WaitGroup::go`
//!   then `wg.wait()`.
//!
//! The peers run alternately, 11 rounds each after one warm-up round; the median ns per task
//! is printed with the gokio/tokio ratio of the medians and the median of the per-round ratios. Run: `cargo bench --bench spawn`.

use std::hint::black_box;
use std::time::Instant;

const N: usize = 100_000;
const ROUNDS: usize = 11;

fn median(samples: &mut [f64]) -> f64 {
    samples.sort_by(f64::total_cmp);
    let mid = samples.len() / 2;
    if samples.len() % 2 == 0 {
        (samples[mid - 1] + samples[mid]) / 2.0
    } else {
        samples[mid]
    }
}

async fn tokio_spawn() -> f64 {
    let start = Instant::now();
    let handles: Vec<_> = (0..N).map(|i| tokio::spawn(async move { i })).collect();
    for h in handles {
        black_box(h.await.unwrap());
    }
    start.elapsed().as_nanos() as f64 / N as f64
}

async fn gokio_go() -> f64 {
    let start = Instant::now();
    let handles: Vec<_> = (0..N).map(|i| gokio::go(async move { i })).collect();
    for h in handles {
        black_box(h.join().await.unwrap());
    }
    start.elapsed().as_nanos() as f64 / N as f64
}

async fn tokio_joinset() -> f64 {
    let start = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for i in 0..N {
        set.spawn(async move { black_box(i) });
    }
    while let Some(r) = set.join_next().await {
        r.unwrap();
    }
    start.elapsed().as_nanos() as f64 / N as f64
}

async fn gokio_waitgroup() -> f64 {
    let start = Instant::now();
    let wg = gokio::WaitGroup::new();
    for i in 0..N {
        drop(wg.go(async move { black_box(i) }));
    }
    wg.wait().await;
    start.elapsed().as_nanos() as f64 / N as f64
}

/// Prints the median ns/task of each peer and the median of the per-round ratios (each round's
/// pair ran back to back, so the ratio is less exposed to machine-load drift than the medians).
fn report(name: &str, tokio: &mut [f64], gokio: &mut [f64]) {
    let mut ratios: Vec<f64> = gokio.iter().zip(tokio.iter()).map(|(g, t)| g / t).collect();
    let t = median(tokio);
    let g = median(gokio);
    println!(
        "{name:<6} tokio {t:>7.1} ns/task  gokio {g:>7.1} ns/task  gokio/tokio {:.3} (median of per-round ratios {:.3})",
        g / t,
        median(&mut ratios)
    );
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        // Warm-up (allocator, worker threads).
        tokio_spawn().await;
        gokio_go().await;
        tokio_joinset().await;
        gokio_waitgroup().await;

        let (mut ts, mut gs, mut tj, mut gw) = (vec![], vec![], vec![], vec![]);
        for round in 0..ROUNDS {
            // Alternate which peer goes first to cancel drift.
            if round % 2 == 0 {
                ts.push(tokio_spawn().await);
                gs.push(gokio_go().await);
                tj.push(tokio_joinset().await);
                gw.push(gokio_waitgroup().await);
            } else {
                gs.push(gokio_go().await);
                ts.push(tokio_spawn().await);
                gw.push(gokio_waitgroup().await);
                tj.push(tokio_joinset().await);
            }
        }
        report("spawn", &mut ts, &mut gs);
        report("group", &mut tj, &mut gw);
    });
}
