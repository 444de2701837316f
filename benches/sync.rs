//! Mutex workloads: gokio `Mutex` against `tokio::sync::Mutex` and `std::sync::Mutex`.
//!
//! Run with `cargo bench -p gokio-benches --bench sync`; `benches/report.sh` runs it with the Go program
//! (`benches/go/main.go`, the same workloads with `sync.Mutex`) and writes `BENCHMARKS.md`.
//!
//! Workloads (identical for every implementation; the protected value is a `u64` counter and
//! its final value is checked):
//!
//! * `mutex_uncontended`: one task, 1 000 000 × (lock, increment, unlock). ns per lock/unlock.
//! * `mutex_contended_8`: 8 tasks × 200 000 × (lock, increment, unlock) on one shared mutex,
//!   on the 2 worker threads. ns per lock/unlock (1 600 000 in all).
//!
//! `std (blocking)` is `std::sync::Mutex` locked from the async tasks: it blocks the worker
//! thread while it waits instead of yielding it, which async code must not do when the lock
//! can be held across an `.await`. It is here as the floor, not as an alternative.

#[path = "common/mod.rs"]
mod common;

use std::sync::Arc;

use common::{imp, Bench};

const TASKS: usize = 8;

fn main() {
    let mut b = Bench::from_env();
    uncontended(&mut b);
    contended(&mut b);
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
// mutex_contended_8

fn contended(b: &mut Bench) {
    let n = b.n(1_600_000, TASKS);
    let per_task = n / TASKS;
    let impls = vec![
        imp("gokio", move || async move {
            let m = Arc::new(gokio::Mutex::new(0u64));
            let tasks: Vec<_> = (0..TASKS)
                .map(|_| {
                    let m = m.clone();
                    tokio::spawn(async move {
                        for _ in 0..per_task {
                            *m.lock().await += 1;
                        }
                    })
                })
                .collect();
            for t in tasks {
                t.await.unwrap();
            }
            assert_eq!(*m.lock().await, n as u64);
        }),
        imp("tokio", move || async move {
            let m = Arc::new(tokio::sync::Mutex::new(0u64));
            let tasks: Vec<_> = (0..TASKS)
                .map(|_| {
                    let m = m.clone();
                    tokio::spawn(async move {
                        for _ in 0..per_task {
                            *m.lock().await += 1;
                        }
                    })
                })
                .collect();
            for t in tasks {
                t.await.unwrap();
            }
            assert_eq!(*m.lock().await, n as u64);
        }),
        imp("std (blocking)", move || async move {
            let m = Arc::new(std::sync::Mutex::new(0u64));
            let tasks: Vec<_> = (0..TASKS)
                .map(|_| {
                    let m = m.clone();
                    tokio::spawn(async move {
                        for _ in 0..per_task {
                            *m.lock().unwrap() += 1;
                        }
                    })
                })
                .collect();
            for t in tasks {
                t.await.unwrap();
            }
            assert_eq!(*m.lock().unwrap(), n as u64);
        }),
    ];
    b.workload("mutex_contended_8", n, impls);
}
