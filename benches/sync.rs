//! Mutex workloads: gokio `Mutex` against `tokio::sync::Mutex`, `futures::lock::Mutex`,
//! `async_lock::Mutex` and `std::sync::Mutex`.
//!
//! Run with `cargo bench -p gokio-benches --bench sync`; `benches/report.sh` runs it with the Go program
//! (`benches/go/main.go`, the same workloads with `sync.Mutex`) and writes `BENCHMARKS.md`.
//!
//! Workloads (identical for every implementation; the protected value is a `u64` counter and
//! its final value is checked):
//!
//! * `mutex_uncontended`: one task, 1 000 000 × (lock, increment, unlock). ns per lock/unlock.
//! * `mutex_contended_8`, `_128`, `_1024`: 8, 128 or 1 024 tasks share one mutex and do
//!   1 600 000 (lock, increment, unlock) in all, on the 2 worker threads. ns per lock/unlock.
//! * `mutex_fairness`: Go's `TestMutexFairness` as a measurement. Task A loops (lock, 100 µs
//!   of work, unlock); task B does 10 × (100 µs of work, lock, unlock). ns per B iteration
//!   (its 100 µs of work included), timed from B's start to its 10th unlock. The work is a
//!   busy wait on the clock, in Go too, so that it is the same everywhere (tokio's timer
//!   would round a 100 µs sleep up to 1 ms) and so that A never yields while it holds the
//!   lock: the case where an unfair mutex lets A re-lock ahead of B for a long time.
//!
//! * `waitgroup_add_done`: one task, 1 000 000 × (`wg.guard()`, drop it: Go's `wg.Add(1)`,
//!   `wg.Done()`), and `wg.Wait()` on the zero counter every 1 000. ns per add/done: the
//!   counter's hot path, through the lazily made shared part that lets `WaitGroup::new` be
//!   `const` (`src/sync/waitgroup.rs`).
//!
//! `std (blocking)` is `std::sync::Mutex` locked from the async tasks: it blocks the worker
//! thread while it waits instead of yielding it, which async code must not do when the lock
//! can be held across an `.await`. It is here as the floor, not as an alternative.

#[path = "common/mod.rs"]
mod common;

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{imp, imp_timed, Bench, Impl};

fn main() {
    let mut b = Bench::from_env();
    uncontended(&mut b);
    for tasks in [8, 128, 1024] {
        contended(&mut b, tasks);
    }
    fairness(&mut b);
    waitgroup_add_done(&mut b);
}

// ---------------------------------------------------------------------------------------
// waitgroup_add_done

fn waitgroup_add_done(b: &mut Bench) {
    let n = b.n(1_000_000, 1);
    let impls = vec![imp("gokio", move || async move {
        tokio::spawn(async move {
            let wg = gokio::WaitGroup::new();
            for i in 0..n {
                drop(std::hint::black_box(wg.guard()));
                if i % 1000 == 999 {
                    wg.wait().await;
                }
            }
            assert_eq!(wg.count(), 0);
        })
        .await
        .unwrap();
    })];
    b.workload("waitgroup_add_done", n, impls);
}

// ---------------------------------------------------------------------------------------
// mutex_uncontended

fn uncontended(b: &mut Bench) {
    // One task alone on the mutex: the contended workload with a single task.
    let n = b.n(1_000_000, 1);
    b.workload("mutex_uncontended", n, mutex_impls(1, n));
}

// ---------------------------------------------------------------------------------------
// mutex_contended_8, mutex_contended_128, mutex_contended_1024

/// One contended implementation: `tasks` tasks share one mutex made by `$new`, each doing
/// `per_task` × (`$lock`, increment, unlock); the final count is checked.
macro_rules! contended_impl {
    ($name:expr, $tasks:expr, $n:expr, $new:expr, |$m:ident| $lock:expr) => {{
        let (tasks, n) = ($tasks, $n);
        imp($name, move || async move {
            let shared = Arc::new($new);
            let handles: Vec<_> = (0..tasks)
                .map(|_| {
                    let $m = shared.clone();
                    tokio::spawn(async move {
                        for _ in 0..n / tasks {
                            *$lock += 1;
                        }
                    })
                })
                .collect();
            for h in handles {
                h.await.unwrap();
            }
            let $m = shared;
            assert_eq!(*$lock, n as u64);
        })
    }};
}

fn contended(b: &mut Bench, tasks: usize) {
    let n = b.n(1_600_000, tasks);
    b.workload(
        &format!("mutex_contended_{tasks}"),
        n,
        mutex_impls(tasks, n),
    );
}

/// Every mutex peer, `tasks` tasks sharing one mutex for `n` lock/unlock in all.
fn mutex_impls(tasks: usize, n: usize) -> Vec<Impl> {
    vec![
        contended_impl!("gokio", tasks, n, gokio::Mutex::new(0u64), |m| m
            .lock()
            .await),
        contended_impl!("tokio", tasks, n, tokio::sync::Mutex::new(0u64), |m| m
            .lock()
            .await),
        contended_impl!("futures", tasks, n, futures::lock::Mutex::new(0u64), |m| m
            .lock()
            .await),
        contended_impl!("async-lock", tasks, n, async_lock::Mutex::new(0u64), |m| m
            .lock()
            .await),
        contended_impl!(
            "std (blocking)",
            tasks,
            n,
            std::sync::Mutex::new(0u64),
            |m| m.lock().unwrap()
        ),
    ]
}

// ---------------------------------------------------------------------------------------
// mutex_fairness

/// B's iterations.
const FAIRNESS_ROUNDS: usize = 10;
/// The critical section of A and B's work between locks (Go's 100 µs).
const WORK: Duration = Duration::from_micros(100);

/// 100 µs of work that keeps the thread: a busy wait on the clock.
fn work() {
    let t = Instant::now();
    while t.elapsed() < WORK {
        std::hint::spin_loop();
    }
}

/// The workload for one mutex: `lock` returns a future resolving to a guard. Returns B's time.
async fn fairness_run<M, G, F>(m: Arc<M>, lock: fn(Arc<M>) -> F) -> Duration
where
    M: Send + Sync + 'static,
    F: Future<Output = G> + Send + 'static,
    G: Send + 'static,
{
    let stop = Arc::new(AtomicBool::new(false));
    let a = {
        let (m, stop) = (m.clone(), stop.clone());
        tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let g = lock(m.clone()).await;
                work();
                drop(g);
            }
        })
    };
    let b = tokio::spawn(async move {
        let t0 = Instant::now();
        for _ in 0..FAIRNESS_ROUNDS {
            work();
            drop(lock(m.clone()).await);
        }
        t0.elapsed()
    });
    let elapsed = b.await.unwrap();
    stop.store(true, Ordering::Relaxed);
    a.await.unwrap();
    elapsed
}

fn fairness(b: &mut Bench) {
    let impls = vec![
        imp_timed("gokio", || {
            fairness_run(Arc::new(gokio::Mutex::new(())), |m| m.lock_owned())
        }),
        imp_timed("tokio", || {
            fairness_run(Arc::new(tokio::sync::Mutex::new(())), |m| m.lock_owned())
        }),
    ];
    b.workload("mutex_fairness", FAIRNESS_ROUNDS, impls);
}
