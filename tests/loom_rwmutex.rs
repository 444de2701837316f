//! Loom models of `gokio::RwMutex`: direct hand-off to the head of the queue, writer
//! preference, and cancellation in every waiter state.
//!
//! Run: `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test --release --target-dir
//! target/loom --test loom_rwmutex`.
#![cfg(loom)]

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use gokio::RwMutex;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::thread;

/// Holders, counted: a writer is `WRITER`, each reader 1. Fails if a writer overlaps
/// anyone.
const WRITER: usize = 1 << 16;

fn enter(holders: &AtomicUsize, weight: usize) {
    let before = holders.fetch_add(weight, Ordering::SeqCst);
    assert!(
        before == 0 || (weight == 1 && before < WRITER),
        "a writer overlaps another holder"
    );
}

fn leave(holders: &AtomicUsize, weight: usize) {
    holders.fetch_sub(weight, Ordering::SeqCst);
}

/// Polls `fut` once with a no-op waker.
fn poll_once<F: Future + Unpin>(fut: &mut F) -> Poll<F::Output> {
    let waker = futures::task::noop_waker();
    Pin::new(fut).poll(&mut Context::from_waker(&waker))
}

/// A reader re-locks while a writer waits; the writer gets in, readers never overlap it.
#[test]
fn writer_against_a_relocking_reader() {
    loom::model(|| {
        let rw = Arc::new(RwMutex::new(0));
        let holders = Arc::new(AtomicUsize::new(0));
        let writer = {
            let (rw, holders) = (rw.clone(), holders.clone());
            thread::spawn(move || {
                let mut g = rw.write_blocking();
                enter(&holders, WRITER);
                *g += 1;
                leave(&holders, WRITER);
            })
        };
        for _ in 0..2 {
            let g = rw.read_blocking();
            enter(&holders, 1);
            assert!(*g <= 1);
            leave(&holders, 1);
        }
        writer.join().unwrap();
        assert_eq!(*rw.try_read().expect("left locked"), 1);
    });
}

/// A writer's future is dropped in whatever state it reached (queued, or granted before it
/// ran): the reader queued behind it gets in and the lock ends free.
#[test]
fn cancelled_writer_passes_the_lock_on() {
    loom::model(|| {
        let rw = Arc::new(RwMutex::new(()));
        let holders = Arc::new(AtomicUsize::new(0));
        let r = rw.try_read().unwrap();
        let quitter = {
            let (rw, holders) = (rw.clone(), holders.clone());
            thread::spawn(move || {
                let mut fut = rw.write();
                if let Poll::Ready(g) = poll_once(&mut fut) {
                    enter(&holders, WRITER);
                    leave(&holders, WRITER);
                    drop(g);
                }
                thread::yield_now();
                drop(fut);
            })
        };
        let reader = {
            let (rw, holders) = (rw.clone(), holders.clone());
            thread::spawn(move || {
                let _g = rw.read_blocking();
                enter(&holders, 1);
                leave(&holders, 1);
            })
        };
        drop(r);
        quitter.join().unwrap();
        reader.join().unwrap();
        assert!(
            rw.try_write().is_some(),
            "a cancelled waiter leaked the lock"
        );
    });
}
