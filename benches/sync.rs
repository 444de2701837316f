//! Mutex benchmarks: gokio `Mutex` against `tokio::sync::Mutex` and `std::sync::Mutex`.
//!
//! Run: `cargo bench --bench sync`. In-repo harness (no external crate): every workload runs
//! on one 2-worker tokio multi-thread runtime, peers alternate round by round, and the
//! median of `ROUNDS` rounds is reported as nanoseconds per lock/unlock pair.
//!
//! Workloads (the same for every peer):
//! - `uncontended`: one task, 1 000 000 × (lock, increment, unlock).
//! - `contended`: 8 tasks × 200 000 × (lock, increment, unlock) on one shared mutex.
//! - `cell`: the cost of the always-uncontended `futures::lock::Mutex` data cell alone
//!   (`try_lock` + drop), which gokio's safe-code design adds to every lock/unlock.
//!
//! `std::sync::Mutex` is a reference point: it blocks the worker thread instead of yielding.

use std::sync::Arc;
use std::time::{Duration, Instant};

const ROUNDS: usize = 7;
const UNCONTENDED_OPS: u64 = 1_000_000;
const TASKS: u64 = 8;
const PER_TASK: u64 = 200_000;

#[derive(Clone, Copy, Debug)]
enum Peer {
    Gokio,
    Tokio,
    Std,
}

async fn uncontended(peer: Peer) -> Duration {
    tokio::spawn(async move {
        let start = Instant::now();
        match peer {
            Peer::Gokio => {
                let m = gokio::Mutex::new(0u64);
                for _ in 0..UNCONTENDED_OPS {
                    *m.lock().await += 1;
                }
                assert_eq!(m.into_inner(), UNCONTENDED_OPS);
            }
            Peer::Tokio => {
                let m = tokio::sync::Mutex::new(0u64);
                for _ in 0..UNCONTENDED_OPS {
                    *m.lock().await += 1;
                }
                assert_eq!(m.into_inner(), UNCONTENDED_OPS);
            }
            Peer::Std => {
                let m = std::sync::Mutex::new(0u64);
                for _ in 0..UNCONTENDED_OPS {
                    *m.lock().unwrap() += 1;
                }
                assert_eq!(m.into_inner().unwrap(), UNCONTENDED_OPS);
            }
        }
        start.elapsed()
    })
    .await
    .unwrap()
}

async fn contended(peer: Peer) -> Duration {
    let gokio_m = Arc::new(gokio::Mutex::new(0u64));
    let tokio_m = Arc::new(tokio::sync::Mutex::new(0u64));
    let std_m = Arc::new(std::sync::Mutex::new(0u64));
    let start = Instant::now();
    let tasks: Vec<_> = (0..TASKS)
        .map(|_| {
            let (g, t, s) = (gokio_m.clone(), tokio_m.clone(), std_m.clone());
            tokio::spawn(async move {
                for _ in 0..PER_TASK {
                    match peer {
                        Peer::Gokio => *g.lock().await += 1,
                        Peer::Tokio => *t.lock().await += 1,
                        Peer::Std => *s.lock().unwrap() += 1,
                    }
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let elapsed = start.elapsed();
    let total = match peer {
        Peer::Gokio => *gokio_m.lock().await,
        Peer::Tokio => *tokio_m.lock().await,
        Peer::Std => *std_m.lock().unwrap(),
    };
    assert_eq!(total, TASKS * PER_TASK);
    elapsed
}

fn cell() -> Duration {
    let m = futures::lock::Mutex::new(0u64);
    let start = Instant::now();
    for _ in 0..UNCONTENDED_OPS {
        *std::hint::black_box(&m).try_lock().unwrap() += 1;
    }
    assert_eq!(m.into_inner(), UNCONTENDED_OPS);
    start.elapsed()
}

fn median_ns(mut v: Vec<Duration>, ops: u64) -> f64 {
    v.sort();
    v[v.len() / 2].as_nanos() as f64 / ops as f64
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let peers = [Peer::Gokio, Peer::Tokio, Peer::Std];
    let mut un: Vec<Vec<Duration>> = vec![Vec::new(); peers.len()];
    let mut co: Vec<Vec<Duration>> = vec![Vec::new(); peers.len()];
    let mut cells = Vec::new();
    for _ in 0..ROUNDS {
        for (i, &p) in peers.iter().enumerate() {
            un[i].push(rt.block_on(uncontended(p)));
            co[i].push(rt.block_on(contended(p)));
        }
        cells.push(cell());
    }
    println!("median of {ROUNDS} rounds, ns per lock/unlock (2-worker multi-thread runtime)");
    println!("{:<12} {:>12} {:>12}", "peer", "uncontended", "contended");
    let figures: Vec<(f64, f64)> = (0..peers.len())
        .map(|i| {
            (
                median_ns(un[i].clone(), UNCONTENDED_OPS),
                median_ns(co[i].clone(), TASKS * PER_TASK),
            )
        })
        .collect();
    for (p, (u, c)) in peers.iter().zip(&figures) {
        println!("{:<12} {u:>12.1} {c:>12.1}", format!("{p:?}"));
    }
    let (gu, gc) = figures[0];
    for (p, (u, c)) in peers.iter().zip(&figures).skip(1) {
        println!(
            "gokio/{:<6} {:>12.2} {:>12.2}",
            format!("{p:?}"),
            gu / u,
            gc / c
        );
    }
    println!(
        "data cell alone (futures::lock::Mutex try_lock+drop): {:.1} ns",
        median_ns(cells, UNCONTENDED_OPS)
    );
}
