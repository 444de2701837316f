//! Integration tests for `Once`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use gokio::Once;
use tokio_test::task::spawn;
use tokio_test::{assert_pending, assert_ready};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_callers_run_f_once_and_all_see_it_done() {
    let once = Arc::new(Once::new());
    let runs = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..64)
        .map(|_| {
            let once = once.clone();
            let runs = runs.clone();
            gokio::go(async move {
                once.call_once(|| async {
                    tokio::task::yield_now().await;
                    runs.fetch_add(1, Ordering::SeqCst);
                })
                .await;
                // When call_once returns, the action has completed.
                assert_eq!(runs.load(Ordering::SeqCst), 1);
                assert!(once.is_done());
            })
        })
        .collect();
    for t in tasks {
        t.join().await.unwrap();
    }
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

#[test]
fn waiter_blocks_until_runner_finishes() {
    let once = Once::new();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let mut runner = spawn(once.call_once(|| async {
        rx.await.unwrap();
    }));
    assert_pending!(runner.poll());
    let mut waiter = spawn(once.call_once(|| async { unreachable!("second run") }));
    assert_pending!(waiter.poll());
    tx.send(()).unwrap();
    assert_ready!(runner.poll());
    assert!(waiter.is_woken());
    assert_ready!(waiter.poll());
    assert!(once.is_done());
}

#[test]
fn cancelled_runner_hands_over_to_a_waiter() {
    let once = Once::new();
    let ran = AtomicUsize::new(0);
    let mut runner = spawn(once.call_once(std::future::pending::<()>));
    assert_pending!(runner.poll());
    let mut waiter = spawn(once.call_once(|| async {
        ran.fetch_add(1, Ordering::SeqCst);
    }));
    assert_pending!(waiter.poll());
    drop(runner);
    assert!(!once.is_done());
    assert!(waiter.is_woken());
    assert_ready!(waiter.poll());
    assert_eq!(ran.load(Ordering::SeqCst), 1);
    assert!(once.is_done());
}

#[test]
fn panic_counts_as_done() {
    let once = Once::new();
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        futures::executor::block_on(once.call_once(|| async { panic!("init failed") }));
    }));
    assert!(r.is_err());
    assert!(once.is_done());
    futures::executor::block_on(once.call_once(|| async { unreachable!("ran twice") }));
}
