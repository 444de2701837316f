//! Loom models of `gokio::Mutex`.
//!
//! Run: `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test --release --target-dir
//! target/loom --test loom_mutex`.
//!
//! Under `cfg(loom)` there is no clock: a waiter starves once an unlock has passed it over at
//! the head (woken it without handing it the lock), so the second unlock that finds it there
//! hands it the lock. The models thus reach both of Go's modes: the normal-mode race
//! (`Notified`, cancelled or not) and the hand-off (`Granted`, cancelled or not, and raced by
//! barging lockers). Spinning is one round.
#![cfg(loom)]

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use gokio::Mutex;
use loom::sync::atomic::{AtomicBool, Ordering};
use loom::thread;

/// A critical section that fails if two holders overlap (the lock's value is a plain cell,
/// which loom does not track, so exclusion is checked on this flag).
fn critical(inside: &AtomicBool) {
    assert!(!inside.swap(true, Ordering::SeqCst), "two holders at once");
    thread::yield_now();
    inside.store(false, Ordering::SeqCst);
}

#[test]
fn two_threads_count_exactly() {
    loom::model(|| {
        let m = Arc::new(Mutex::new(0));
        let t = {
            let m = m.clone();
            thread::spawn(move || loom::future::block_on(async { *m.lock().await += 1 }))
        };
        *m.lock_blocking() += 1;
        t.join().unwrap();
        assert_eq!(*m.lock_blocking(), 2);
    });
}

#[test]
fn three_threads_count_exactly() {
    loom::model(|| {
        let m = Arc::new(Mutex::new(0));
        let ts: Vec<_> = (0..2)
            .map(|_| {
                let m = m.clone();
                thread::spawn(move || *m.lock_blocking() += 1)
            })
            .collect();
        *m.lock_blocking() += 1;
        for t in ts {
            t.join().unwrap();
        }
        assert_eq!(*m.lock_blocking(), 3);
    });
}

#[test]
fn dropped_lock_future_loses_no_wakeup() {
    loom::model(|| {
        let m = Arc::new(Mutex::new(0));
        let g = m.try_lock().unwrap();
        // A waiter that gives up after one poll, racing with the unlock below.
        let quitter = {
            let m = m.clone();
            thread::spawn(move || {
                let mut fut = Box::pin(m.lock());
                let waker = futures::task::noop_waker();
                let mut cx = std::task::Context::from_waker(&waker);
                let _ = fut.as_mut().poll(&mut cx).map(drop);
            })
        };
        let waiter = {
            let m = m.clone();
            thread::spawn(move || *m.lock_blocking() += 1)
        };
        drop(g);
        quitter.join().unwrap();
        waiter.join().unwrap();
        assert_eq!(*m.lock_blocking(), 1);
    });
}

/// The hand-off: a waiter passed over once is handed the lock by the next unlock, while the
/// unlocking thread re-locks at once (and must queue behind it or lose the race fairly).
#[test]
fn handoff_to_a_waiter() {
    loom::model(|| {
        let m = Arc::new(Mutex::new(0));
        let inside = Arc::new(AtomicBool::new(false));
        let g = m.try_lock().unwrap();
        let waiter = {
            let (m, inside) = (m.clone(), inside.clone());
            thread::spawn(move || {
                let mut g = m.lock_blocking();
                critical(&inside);
                *g += 1;
            })
        };
        drop(g);
        for _ in 0..2 {
            let mut g = m.lock_blocking();
            critical(&inside);
            *g += 1;
        }
        waiter.join().unwrap();
        assert_eq!(*m.try_lock().expect("left locked"), 3);
    });
}

/// Polls `fut` once with a no-op waker.
fn poll_once<F: Future + Unpin>(fut: &mut F) -> Poll<F::Output> {
    let waker = futures::task::noop_waker();
    Pin::new(fut).poll(&mut Context::from_waker(&waker))
}

/// A waiter's future is dropped in whatever state it has reached (`Waiting`, `Notified` or
/// `Granted`, the last after two unlocks by the barging main thread): the lock passes on to
/// the other waiter or ends up free, never leaked, and no two hold it.
#[test]
fn cancel_in_any_state_passes_the_lock_on() {
    loom::model(|| {
        let m = Arc::new(Mutex::new(0));
        let inside = Arc::new(AtomicBool::new(false));
        let g = m.try_lock().unwrap();
        let quitter = {
            let (m, inside) = (m.clone(), inside.clone());
            thread::spawn(move || {
                let mut fut = m.lock();
                for _ in 0..2 {
                    if let Poll::Ready(g) = poll_once(&mut fut) {
                        critical(&inside);
                        drop(g);
                        return;
                    }
                    thread::yield_now();
                }
                drop(fut); // cancelled
            })
        };
        let waiter = {
            let (m, inside) = (m.clone(), inside.clone());
            thread::spawn(move || {
                let mut g = m.lock_blocking();
                critical(&inside);
                *g += 1;
            })
        };
        drop(g);
        if let Some(mut g) = m.try_lock() {
            critical(&inside);
            *g += 1;
        }
        quitter.join().unwrap();
        waiter.join().unwrap();
        let g = m.try_lock().expect("a cancelled waiter leaked the lock");
        assert!(*g >= 1);
    });
}

/// A barging locker (`lock()` polled once: its fast path, its barging CAS, its spinning, or
/// queueing and then cancelling) races the unlock that hands the lock to a starving waiter:
/// exactly one of them holds it at a time.
#[test]
fn barging_lockers_race_a_handoff() {
    loom::model(|| {
        let m = Arc::new(Mutex::new(0));
        let inside = Arc::new(AtomicBool::new(false));
        let g = m.try_lock().unwrap();
        let waiter = {
            let (m, inside) = (m.clone(), inside.clone());
            thread::spawn(move || {
                let mut g = m.lock_blocking();
                critical(&inside);
                *g += 1;
            })
        };
        let barger = {
            let (m, inside) = (m.clone(), inside.clone());
            thread::spawn(move || {
                let mut fut = m.lock();
                if let Poll::Ready(mut g) = poll_once(&mut fut) {
                    critical(&inside);
                    *g += 1;
                }
            })
        };
        drop(g); // passes the waiter over (if it is queued by now) ...
        if let Some(mut g) = m.try_lock() {
            critical(&inside);
            *g += 1;
        } // ... and this unlock hands it the lock
        waiter.join().unwrap();
        barger.join().unwrap();
        assert!(m.try_lock().is_some(), "left locked");
    });
}
