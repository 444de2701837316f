//! Loom models of `gokio::Cond`.
//!
//! Run: `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test --release --target-dir target/loom --test loom_cond`
//! A lost signal shows up as a deadlock, which loom reports.
#![cfg(loom)]

use std::future::Future;
use std::sync::Arc;

use gokio::{Cond, Mutex};
use loom::thread;

/// The waiter queues before it unlocks (Go's notifyList ticket): a signal sent by a thread
/// that took the mutex after the waiter released it always finds the waiter.
#[test]
fn signal_after_unlock_is_never_missed() {
    loom::model(|| {
        let st = Arc::new((Mutex::new(false), Cond::new()));
        let setter = {
            let st = st.clone();
            thread::spawn(move || {
                *st.0.lock_blocking() = true;
                st.1.signal();
            })
        };
        let mut g = st.0.lock_blocking();
        while !*g {
            g = st.1.wait_blocking(g);
        }
        drop(g);
        setter.join().unwrap();
    });
}

/// A wait that is dropped after a signal chose it passes the signal on: the one signal
/// still reaches the other waiter.
#[test]
fn cancelled_wait_passes_the_signal_on() {
    loom::model(|| {
        let st = Arc::new((Mutex::new(false), Cond::new()));
        // Waits for one poll, then gives up, racing with the signal below.
        let quitter = {
            let st = st.clone();
            thread::spawn(move || {
                let g = st.0.lock_blocking();
                let mut fut = Box::pin(st.1.wait(g));
                let waker = futures::task::noop_waker();
                let mut cx = std::task::Context::from_waker(&waker);
                let _ = fut.as_mut().poll(&mut cx).map(drop);
            })
        };
        let waiter = {
            let st = st.clone();
            thread::spawn(move || {
                let mut g = st.0.lock_blocking();
                while !*g {
                    g = st.1.wait_blocking(g);
                }
            })
        };
        *st.0.lock_blocking() = true;
        st.1.signal();
        quitter.join().unwrap();
        waiter.join().unwrap();
    });
}
