//! Integration tests for the weighted FIFO `Semaphore`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use gokio::Semaphore;
use tokio_test::task::spawn;
use tokio_test::{assert_pending, assert_ready, assert_ready_ok};

#[test]
fn large_request_is_not_starved_by_small_ones() {
    let sem = Semaphore::new(4);
    assert!(sem.try_acquire(2)); // 2 free
    let mut big = spawn(sem.acquire(3));
    assert_pending!(big.poll());
    // 1 permit would fit, but the big request arrived first: FIFO.
    let mut small = spawn(sem.acquire(1));
    assert_pending!(small.poll());
    assert!(!sem.try_acquire(1));
    sem.release(2); // 4 free: big (3) is granted, then small (1).
    assert!(big.is_woken());
    assert!(small.is_woken());
    assert_ready_ok!(big.poll());
    assert_ready_ok!(small.poll());
    assert_eq!(sem.available(), 0);
}

#[test]
fn release_grants_in_order_and_stops_at_first_misfit() {
    let sem = Semaphore::new(3);
    assert!(sem.try_acquire(3));
    let mut a = spawn(sem.acquire(2));
    let mut b = spawn(sem.acquire(2));
    let mut c = spawn(sem.acquire(1));
    assert_pending!(a.poll());
    assert_pending!(b.poll());
    assert_pending!(c.poll());
    sem.release(3); // a gets 2; b (2) does not fit in 1, so c waits behind b.
    assert_ready_ok!(a.poll());
    assert_pending!(b.poll());
    assert_pending!(c.poll());
    sem.release(2);
    assert_ready_ok!(b.poll());
    assert_ready_ok!(c.poll());
}

#[test]
fn try_acquire() {
    let sem = Semaphore::new(2);
    assert!(sem.try_acquire(1));
    assert!(sem.try_acquire(1));
    assert!(!sem.try_acquire(1));
    sem.release(2);
    assert!(sem.try_acquire(2));
    assert_eq!(sem.available(), 0);
}

#[test]
fn acquire_over_capacity_errors_at_once() {
    let sem = Semaphore::new(3);
    let mut a = spawn(sem.acquire(4));
    let err = assert_ready!(a.poll()).unwrap_err();
    assert_eq!(err.requested(), 4);
    assert_eq!(err.capacity(), 3);
    assert_eq!(
        err.to_string(),
        "semaphore: acquire of 4 exceeds capacity 3"
    );
}

#[test]
#[should_panic(expected = "semaphore: released more than held")]
fn release_more_than_held_panics() {
    let sem = Semaphore::new(3);
    assert!(sem.try_acquire(1));
    sem.release(2);
}

#[test]
fn cancelled_queued_waiter_unblocks_the_next() {
    let sem = Semaphore::new(3);
    assert!(sem.try_acquire(2));
    let mut big = spawn(sem.acquire(3));
    let mut small = spawn(sem.acquire(1));
    assert_pending!(big.poll());
    assert_pending!(small.poll());
    drop(big); // small now fits in the 1 free permit
    assert!(small.is_woken());
    assert_ready_ok!(small.poll());
    assert_eq!(sem.available(), 0);
}

#[test]
fn cancelled_granted_waiter_gives_permits_back() {
    let sem = Semaphore::new(2);
    assert!(sem.try_acquire(2));
    let mut a = spawn(sem.acquire(2));
    let mut b = spawn(sem.acquire(2));
    assert_pending!(a.poll());
    assert_pending!(b.poll());
    sem.release(2); // granted to a ...
    assert!(a.is_woken());
    drop(a); // ... which is cancelled before observing it: the permits go to b.
    assert!(b.is_woken());
    assert_ready_ok!(b.poll());
    assert_eq!(sem.available(), 0);
    sem.release(2);
    assert_eq!(sem.available(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn stress_never_exceeds_capacity() {
    const CAP: usize = 3;
    let sem = Arc::new(Semaphore::new(CAP));
    let holders = Arc::new(AtomicUsize::new(0));
    let max_seen = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..8)
        .map(|t| {
            let sem = sem.clone();
            let holders = holders.clone();
            let max_seen = max_seen.clone();
            tokio::spawn(async move {
                for i in 0..1000 {
                    let n = 1 + (t + i) % 2;
                    sem.acquire(n).await.unwrap();
                    let now = holders.fetch_add(n, Ordering::SeqCst) + n;
                    assert!(now <= CAP, "{now} permits held");
                    max_seen.fetch_max(now, Ordering::SeqCst);
                    if i % 7 == 0 {
                        tokio::task::yield_now().await;
                    }
                    holders.fetch_sub(n, Ordering::SeqCst);
                    sem.release(n);
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(sem.available(), CAP);
    assert!(max_seen.load(Ordering::SeqCst) <= CAP);
}

#[test]
fn stress_with_cancellation_leaks_nothing() {
    let sem = Semaphore::new(4);
    assert!(sem.try_acquire(4));
    let mut futs: Vec<_> = (0..50).map(|i| spawn(sem.acquire(1 + i % 4))).collect();
    for f in &mut futs {
        assert_pending!(f.poll());
    }
    sem.release(4);
    // Drop every other future, granted or not; complete the rest one by one.
    let mut kept = Vec::new();
    for (i, f) in futs.into_iter().enumerate() {
        if i % 2 == 0 {
            drop(f);
        } else {
            kept.push((1 + i % 4, f));
        }
    }
    for (n, mut f) in kept {
        assert_ready_ok!(f.poll());
        sem.release(n);
    }
    assert_eq!(sem.available(), 4);
}
