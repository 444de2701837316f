//! Loom models of `gokio::Mutex`.
//!
//! Run: `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test --release --test loom_mutex`
//! (under `cfg(loom)` the starvation threshold is infinite and spinning is one round, so
//! the models are deterministic and small).
#![cfg(loom)]

use std::sync::Arc;

use gokio::Mutex;
use loom::thread;
use std::future::Future;

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
