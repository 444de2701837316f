//! Loom model of the WaitGroup counter: `done` from other threads racing `wait` (the
//! check–listen–recheck protocol must never miss the transition to zero), and reuse.
//!
//! Run with:
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test --release --test loom_waitgroup`
#![cfg(loom)]

use gokio::WaitGroup;
use loom::future::block_on;
use loom::thread;

#[test]
fn wait_sees_every_done() {
    loom::model(|| {
        let wg = WaitGroup::new();
        wg.add(2);
        let workers: Vec<_> = (0..2)
            .map(|_| {
                let wg = wg.clone();
                thread::spawn(move || wg.done())
            })
            .collect();
        block_on(wg.wait());
        assert_eq!(wg.count(), 0);
        workers.into_iter().for_each(|w| w.join().unwrap());
    });
}

#[test]
fn two_waiters_both_wake() {
    loom::model(|| {
        let wg = WaitGroup::new();
        wg.add(1);
        let w2 = {
            let wg = wg.clone();
            thread::spawn(move || block_on(wg.wait()))
        };
        let doer = {
            let wg = wg.clone();
            thread::spawn(move || wg.done())
        };
        block_on(wg.wait());
        w2.join().unwrap();
        doer.join().unwrap();
    });
}

#[test]
fn reuse_after_zero() {
    loom::model(|| {
        let wg = WaitGroup::new();
        for _ in 0..2 {
            let g = wg.guard();
            let t = thread::spawn(move || drop(g));
            block_on(wg.wait());
            t.join().unwrap();
        }
        assert_eq!(wg.count(), 0);
    });
}
