//! Loom model of `gokio::Mutex`'s pass-over unlock: while the woken waiter at the head has
//! not yet been polled (`WOKEN` set), an unlock whose age check is not due frees the lock with
//! one CAS, without the queue lock (`src/sync/mutex/raw.rs`).
//!
//! Run: `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test --release --target-dir
//! target/loom --test loom_mutex_woken`.
//!
//! Under `cfg(loom)` the first unlock that passes a woken waiter over checks its age, the
//! second does not, the third does. This model's mutex starves a waiter at its third age
//! check (the wake is the first), so the main thread's second re-lock and unlock take the
//! pass-over path and the third hands the lock off. The model checks that the pass-over
//! races the woken waiter's own poll (which takes the lock or clears `WOKEN` in one CAS)
//! without a lost wake-up (loom reports a deadlock) or two holders.
#![cfg(loom)]

use std::sync::Arc;

use gokio::Mutex;
use loom::sync::atomic::{AtomicBool, Ordering};
use loom::thread;

/// A critical section that fails if two holders overlap.
fn critical(inside: &AtomicBool) {
    assert!(!inside.swap(true, Ordering::SeqCst), "two holders at once");
    inside.store(false, Ordering::SeqCst);
}

#[test]
fn woken_waiter_passed_over_without_the_queue_lock() {
    loom::model(|| {
        let m = Arc::new(Mutex::new(0).loom_starve_after(3));
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
        drop(g); // wakes the waiter if it has queued by now
        for _ in 0..3 {
            let mut g = m.lock_blocking();
            critical(&inside);
            *g += 1;
        }
        waiter.join().unwrap();
        assert_eq!(*m.try_lock().expect("left locked"), 4);
    });
}
