//! Goroutine workloads: `gokio::go` and `WaitGroup::go` against plain tokio.
//!
//! Run with `cargo bench -p gokio-benches --bench spawn`; `benches/report.sh` runs it with the Go program
//! (`benches/go/main.go`, the same workloads) and writes `BENCHMARKS.md`.
//!
//! Workloads (identical for every implementation; the spawning loop itself runs in one
//! spawned task, as Go's `main` goroutine does; no tracing subscriber is installed, so
//! `gokio::go` takes its lean path):
//!
//! * `spawn_join_100k`: spawn 100 000 tasks that each return their index, then join every
//!   handle in spawn order and check the sum of the results. `gokio::go` + `Goroutine::join`
//!   vs `tokio::spawn` + `JoinHandle`, and vs `tokio+Notify`: `tokio::spawn` with each task
//!   storing its result in its own slot and counting down an atomic whose last decrement
//!   fires a `Notify` (Go's WaitGroup by hand, as Go's program does it). ns per task.
//! * `waitgroup_100k`: start 100 000 tasks as a group, then wait for all of them.
//!   `WaitGroup::go` (handles dropped) + `wg.wait()` vs `tokio::task::JoinSet::spawn` +
//!   `join_next` until empty, and vs `tokio+Notify` (the countdown above, without slots).
//!   ns per task.
//!
//! The goroutine registry (`gokio::debug`) is behind the `diagnostics` feature; measure its
//! cost by running the same workloads with `--features gokio/diagnostics`. Wall-clock figures
//! are noise on a shared machine, so compare instruction counts:
//! `GOKIO_BENCH_SCALE=0.02 GOKIO_BENCH_FILTER=spawn GOKIO_BENCH_IMPL=gokio valgrind
//! --tool=callgrind target/release/deps/spawn-*`, leaving out the instructions of the regime
//! probe (`round_trip_ns` and its thread), which spins.

#[path = "common/mod.rs"]
mod common;

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

use common::{imp, sum_to, Bench};
use tokio::sync::Notify;

/// The "tokio+Notify" peer's shared state: Go's WaitGroup written by hand with tokio — an
/// atomic countdown, a `Notify` the last task fires, and (for `spawn_join_100k`) one result
/// slot per task, as Go's program has.
struct Countdown {
    left: AtomicUsize,
    done: Notify,
    slots: Vec<AtomicU64>,
}

impl Countdown {
    fn new(n: usize, slots: usize) -> Arc<Self> {
        Arc::new(Countdown {
            left: AtomicUsize::new(n),
            done: Notify::new(),
            slots: (0..slots).map(|_| AtomicU64::new(0)).collect(),
        })
    }

    fn count_down(&self) {
        if self.left.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.done.notify_one(); // stores a permit if the spawner is not waiting yet
        }
    }
}

fn main() {
    let mut b = Bench::from_env();
    spawn_join(&mut b);
    waitgroup(&mut b);
}

// ---------------------------------------------------------------------------------------
// spawn_join_100k

fn spawn_join(b: &mut Bench) {
    let n = b.n(100_000, 1);
    let impls = vec![
        imp("gokio", move || async move {
            let sum = tokio::spawn(async move {
                let handles: Vec<_> = (0..n as u64).map(|i| gokio::go(async move { i })).collect();
                let mut sum = 0;
                for h in handles {
                    sum += h.join().await.unwrap();
                }
                sum
            })
            .await
            .unwrap();
            assert_eq!(sum, sum_to(n));
        }),
        imp("tokio", move || async move {
            let sum = tokio::spawn(async move {
                let handles: Vec<_> = (0..n as u64)
                    .map(|i| tokio::spawn(async move { i }))
                    .collect();
                let mut sum = 0;
                for h in handles {
                    sum += h.await.unwrap();
                }
                sum
            })
            .await
            .unwrap();
            assert_eq!(sum, sum_to(n));
        }),
        imp("tokio+Notify", move || async move {
            let sum = tokio::spawn(async move {
                let c = Countdown::new(n, n);
                for i in 0..n {
                    let c = c.clone();
                    tokio::spawn(async move {
                        c.slots[i].store(i as u64, Ordering::Relaxed);
                        c.count_down();
                    });
                }
                c.done.notified().await;
                c.slots
                    .iter()
                    .map(|s| s.load(Ordering::Relaxed))
                    .sum::<u64>()
            })
            .await
            .unwrap();
            assert_eq!(sum, sum_to(n));
        }),
    ];
    b.workload("spawn_join_100k", n, impls);
}

// ---------------------------------------------------------------------------------------
// waitgroup_100k

fn waitgroup(b: &mut Bench) {
    let n = b.n(100_000, 1);
    let impls = vec![
        imp("gokio", move || async move {
            tokio::spawn(async move {
                let wg = gokio::WaitGroup::new();
                for i in 0..n {
                    drop(wg.go(async move {
                        black_box(i);
                    }));
                }
                wg.wait().await;
                assert_eq!(wg.count(), 0);
            })
            .await
            .unwrap();
        }),
        imp("tokio (JoinSet)", move || async move {
            tokio::spawn(async move {
                let mut set = tokio::task::JoinSet::new();
                for i in 0..n {
                    set.spawn(async move {
                        black_box(i);
                    });
                }
                let mut joined = 0;
                while let Some(r) = set.join_next().await {
                    r.unwrap();
                    joined += 1;
                }
                assert_eq!(joined, n);
            })
            .await
            .unwrap();
        }),
        imp("tokio+Notify", move || async move {
            tokio::spawn(async move {
                let c = Countdown::new(n, 0);
                for i in 0..n {
                    let c = c.clone();
                    tokio::spawn(async move {
                        black_box(i);
                        c.count_down();
                    });
                }
                c.done.notified().await;
                assert_eq!(c.left.load(Ordering::Acquire), 0);
            })
            .await
            .unwrap();
        }),
    ];
    b.workload("waitgroup_100k", n, impls);
}
