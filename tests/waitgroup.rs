//! Integration tests for `WaitGroup` and `DoneGuard`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use gokio::WaitGroup;
use tokio_test::task::spawn;
use tokio_test::{assert_pending, assert_ready};

#[test]
fn wait_with_zero_count_is_ready_at_once() {
    let wg = WaitGroup::new();
    let mut w = spawn(wg.wait());
    assert_ready!(w.poll());
}

#[test]
fn wait_is_pending_until_last_done() {
    let wg = WaitGroup::new();
    wg.add(3);
    let mut w = spawn(wg.wait());
    assert_pending!(w.poll());
    wg.done();
    assert!(!w.is_woken());
    assert_pending!(w.poll());
    wg.done();
    assert_pending!(w.poll());
    wg.done();
    assert!(w.is_woken());
    assert_ready!(w.poll());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_thousand_goroutines() {
    let wg = WaitGroup::new();
    let hits = Arc::new(AtomicUsize::new(0));
    wg.add(10_000);
    for _ in 0..10_000 {
        let wg = wg.clone();
        let hits = hits.clone();
        gokio::go(async move {
            hits.fetch_add(1, Ordering::Relaxed);
            wg.done();
        });
    }
    wg.wait().await;
    assert_eq!(wg.count(), 0);
    assert_eq!(hits.load(Ordering::Relaxed), 10_000);
}

#[test]
#[should_panic(expected = "sync: negative WaitGroup counter")]
fn negative_counter_panics() {
    let wg = WaitGroup::new();
    wg.done();
}

#[test]
#[should_panic(expected = "sync: negative WaitGroup counter")]
fn negative_add_panics() {
    let wg = WaitGroup::new();
    wg.add(2);
    wg.add(-3);
}

#[test]
fn negative_add_leaves_counter_unchanged() {
    let wg = WaitGroup::new();
    wg.add(1);
    let w2 = wg.clone();
    let r = std::panic::catch_unwind(move || w2.add(-2));
    assert!(r.is_err());
    assert_eq!(wg.count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reusable_across_rounds() {
    let wg = WaitGroup::new();
    for round in 0..5 {
        let hits = Arc::new(AtomicUsize::new(0));
        for _ in 0..100 {
            let hits = hits.clone();
            wg.go(async move {
                hits.fetch_add(1, Ordering::Relaxed);
            });
        }
        wg.wait().await;
        assert_eq!(hits.load(Ordering::Relaxed), 100, "round {round}");
        assert_eq!(wg.count(), 0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn go_with_panicking_goroutine_still_releases_wait() {
    let wg = WaitGroup::new();
    let g = wg.go(async { panic!("boom") });
    wg.go(async {});
    wg.wait().await;
    assert_eq!(g.join().await.unwrap_err().message(), "boom");
}

/// `WaitGroup::go`'s done runs as the goroutine ends, before its `join` can return, however it
/// ends: a `join` followed by `count` never sees the goroutine still counted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn go_counts_done_before_join_returns() {
    let wg = WaitGroup::new();
    for _ in 0..200 {
        wg.go(gokio::yield_now()).join().await.unwrap();
        assert_eq!(wg.count(), 0, "completed");
        let g = wg.go(async { panic!("boom") });
        assert_eq!(g.join().await.unwrap_err().message(), "boom");
        assert_eq!(wg.count(), 0, "panicked");
        let g = wg.go(std::future::pending::<()>());
        g.abort();
        assert!(g.join().await.unwrap_err().is_aborted());
        assert_eq!(wg.count(), 0, "aborted");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn go_with_aborted_goroutine_still_releases_wait() {
    let wg = WaitGroup::new();
    let g = wg.go(std::future::pending::<()>());
    assert_eq!(wg.count(), 1);
    g.abort();
    wg.wait().await;
}

#[test]
fn wait_blocking_from_plain_threads() {
    let wg = WaitGroup::new();
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let g = wg.guard();
            std::thread::spawn(move || {
                std::thread::yield_now();
                drop(g);
            })
        })
        .collect();
    wg.wait_blocking();
    assert_eq!(wg.count(), 0);
    for t in threads {
        t.join().unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_waiters_all_wake() {
    let wg = WaitGroup::new();
    wg.add(1);
    let woke = Arc::new(AtomicUsize::new(0));
    let waiters: Vec<_> = (0..100)
        .map(|_| {
            let wg = wg.clone();
            let woke = woke.clone();
            tokio::spawn(async move {
                wg.wait().await;
                woke.fetch_add(1, Ordering::Relaxed);
            })
        })
        .collect();
    tokio::task::yield_now().await;
    wg.done();
    for w in waiters {
        w.await.unwrap();
    }
    assert_eq!(woke.load(Ordering::Relaxed), 100);
}

#[test]
fn many_waiters_poll_level() {
    let wg = WaitGroup::new();
    wg.add(1);
    let mut ws: Vec<_> = (0..100).map(|_| spawn(wg.wait())).collect();
    for w in &mut ws {
        assert_pending!(w.poll());
    }
    wg.done();
    for w in &mut ws {
        assert!(w.is_woken());
        assert_ready!(w.poll());
    }
}

#[test]
fn guard_counts_and_releases() {
    let wg = WaitGroup::new();
    let g1 = wg.guard();
    let g2 = wg.guard();
    assert_eq!(wg.count(), 2);
    let mut w = spawn(wg.wait());
    assert_pending!(w.poll());
    drop(g1);
    assert_pending!(w.poll());
    drop(g2);
    assert_ready!(w.poll());
}

#[test]
fn cancelled_wait_does_not_disturb_others() {
    let wg = WaitGroup::new();
    wg.add(1);
    let mut a = spawn(wg.wait());
    let mut b = spawn(wg.wait());
    assert_pending!(a.poll());
    assert_pending!(b.poll());
    drop(a);
    wg.done();
    assert_ready!(b.poll());
}

#[test]
fn defer_done_after_bulk_add() {
    gokio::run(async {
        let wg = WaitGroup::new();
        wg.add(5);
        for _ in 0..5 {
            let wg = wg.clone();
            gokio::go(async move {
                let _done = wg.defer_done();
                gokio::yield_now().await;
            });
        }
        wg.wait().await;
        assert_eq!(wg.count(), 0);
    });
}

#[test]
#[should_panic(expected = "sync: negative WaitGroup counter")]
fn defer_done_without_add_panics_like_go() {
    let wg = WaitGroup::new();
    drop(wg.defer_done());
}

#[test]
fn a_waiter_after_rounds_without_waiters_is_woken() {
    // Rounds that reach zero with nobody waiting skip the notification; a waiter of a later
    // round must still be woken by its zero, and by a clone's `done`.
    let wg = WaitGroup::new();
    for _ in 0..3 {
        drop(wg.guard());
    }
    let g = wg.clone().guard();
    let mut w = spawn(wg.wait());
    assert_pending!(w.poll());
    assert_pending!(w.poll());
    drop(g);
    assert!(w.is_woken());
    assert_ready!(w.poll());
    // A cancelled waiter of this round leaves the next round's waiter working.
    let g = wg.guard();
    let mut cancelled = spawn(wg.wait());
    assert_pending!(cancelled.poll());
    drop(cancelled);
    let mut w = spawn(wg.wait());
    assert_pending!(w.poll());
    drop(g);
    assert!(w.is_woken());
    assert_ready!(w.poll());
    assert_eq!(format!("{:?}", wg.guard()), "DoneGuard { count: 1 }");
}

#[test]
fn a_zero_between_check_and_listen_is_seen() {
    // The waiter sees a busy group, and the group reaches zero before it sleeps: the
    // flag-and-recheck RMW sees the zero (`wait` is ready at once, not stuck).
    let wg = WaitGroup::new();
    let g = wg.guard();
    let mut w = spawn(wg.wait());
    assert_pending!(w.poll()); // registered and flagged
    drop(g);
    assert_ready!(w.poll());
    assert_eq!(wg.count(), 0);
}

#[test]
fn failing_done_leaves_counter_usable() {
    // `done` and a guard's drop on a zero counter panic and undo their subtraction: the group
    // then counts, waits and flags waiters as before.
    let wg = WaitGroup::new();
    let w2 = wg.clone();
    assert!(std::panic::catch_unwind(move || w2.done()).is_err());
    let w3 = wg.clone();
    assert!(std::panic::catch_unwind(move || drop(w3.defer_done())).is_err());
    assert_eq!(wg.count(), 0);
    let g = wg.guard();
    assert_eq!(wg.count(), 1);
    let wg2 = wg.clone();
    let t = std::thread::spawn(move || wg2.wait_blocking());
    std::thread::sleep(std::time::Duration::from_millis(10));
    drop(g);
    t.join().unwrap();
    assert_eq!(wg.count(), 0);
}
