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
//!
//! `std (blocking)` is `std::sync::Mutex` locked from the async tasks: it blocks the worker
//! thread while it waits instead of yielding it, which async code must not do when the lock
//! can be held across an `.await`. It is here as the floor, not as an alternative.

#[path = "common/mod.rs"]
mod common;

use std::sync::Arc;

use common::{imp, Bench};

fn main() {
    let mut b = Bench::from_env();
    uncontended(&mut b);
    for tasks in [8, 128, 1024] {
        contended(&mut b, tasks);
    }
}

// ---------------------------------------------------------------------------------------
// mutex_uncontended

fn uncontended(b: &mut Bench) {
    let n = b.n(1_000_000, 1);
    let impls = vec![
        imp("gokio", move || async move {
            tokio::spawn(async move {
                let m = gokio::Mutex::new(0u64);
                for _ in 0..n {
                    *m.lock().await += 1;
                }
                assert_eq!(m.into_inner(), n as u64);
            })
            .await
            .unwrap();
        }),
        imp("tokio", move || async move {
            tokio::spawn(async move {
                let m = tokio::sync::Mutex::new(0u64);
                for _ in 0..n {
                    *m.lock().await += 1;
                }
                assert_eq!(m.into_inner(), n as u64);
            })
            .await
            .unwrap();
        }),
        imp("futures", move || async move {
            tokio::spawn(async move {
                let m = futures::lock::Mutex::new(0u64);
                for _ in 0..n {
                    *m.lock().await += 1;
                }
                assert_eq!(m.into_inner(), n as u64);
            })
            .await
            .unwrap();
        }),
        imp("async-lock", move || async move {
            tokio::spawn(async move {
                let m = async_lock::Mutex::new(0u64);
                for _ in 0..n {
                    *m.lock().await += 1;
                }
                assert_eq!(m.into_inner(), n as u64);
            })
            .await
            .unwrap();
        }),
        imp("std (blocking)", move || async move {
            tokio::spawn(async move {
                let m = std::sync::Mutex::new(0u64);
                for _ in 0..n {
                    *m.lock().unwrap() += 1;
                }
                assert_eq!(m.into_inner().unwrap(), n as u64);
            })
            .await
            .unwrap();
        }),
    ];
    b.workload("mutex_uncontended", n, impls);
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
    let impls = vec![
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
    ];
    b.workload(&format!("mutex_contended_{tasks}"), n, impls);
}
