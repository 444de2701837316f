//! `gokio::Mutex`: mutual exclusion, FIFO and hand-off at the poll level, no starvation,
//! cancellation in every waiter state, blocking and owned use.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use gokio::Mutex;
use tokio_test::task::spawn;
use tokio_test::{assert_pending, assert_ready};

/// Longer than Go's 1 ms starvation threshold: a lower bound, so deterministic.
const STARVED: Duration = Duration::from_millis(5);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn mutual_exclusion_non_atomic_increment() {
    let m = Arc::new(Mutex::new(0u64));
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let m = m.clone();
            tokio::spawn(async move {
                for _ in 0..10_000 {
                    let mut g = m.lock().await;
                    let v = *g;
                    tokio::task::yield_now().await;
                    *g = v + 1;
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(*m.lock().await, 80_000);
}

#[test]
fn fifo_at_poll_level() {
    let m = Mutex::new(());
    let g = m.try_lock().unwrap();
    let mut w1 = spawn(m.lock());
    let mut w2 = spawn(m.lock());
    assert_pending!(w1.poll());
    assert_pending!(w2.poll());
    drop(g);
    assert!(w1.is_woken());
    assert!(!w2.is_woken());
    assert_pending!(w2.poll());
    let g1 = assert_ready!(w1.poll());
    drop(g1);
    assert!(w2.is_woken());
    let _g2 = assert_ready!(w2.poll());
}

#[test]
fn starving_waiter_is_handed_the_lock() {
    let m = Mutex::new(());
    let g = m.try_lock().unwrap();
    let mut w1 = spawn(m.lock());
    assert_pending!(w1.poll());
    std::thread::sleep(STARVED);
    drop(g);
    // Handed off: the lock never became free, so nobody can barge.
    assert!(m.try_lock().is_none());
    assert!(w1.is_woken());
    let _g1 = assert_ready!(w1.poll());
}

#[test]
fn woken_waiter_that_loses_requeues_at_front() {
    let m = Mutex::new(());
    let g = m.try_lock().unwrap();
    let mut w1 = spawn(m.lock());
    let mut w2 = spawn(m.lock());
    assert_pending!(w1.poll());
    assert_pending!(w2.poll());
    drop(g);
    // A barging arrival wins the race (Go's normal mode).
    let barger = m.try_lock().unwrap();
    assert_pending!(w1.poll());
    drop(barger);
    // w1 went back to the front, so it is woken first again.
    assert!(w1.is_woken());
    assert!(!w2.is_woken());
    let _g1 = assert_ready!(w1.poll());
    assert_pending!(w2.poll());
}

#[test]
fn no_starvation_under_contention() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    rt.block_on(async {
        let m = Arc::new(Mutex::new(()));
        let budget = Arc::new(AtomicU64::new(80_000));
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let (m, budget) = (m.clone(), budget.clone());
                tokio::spawn(async move {
                    let mut mine = 0u64;
                    loop {
                        let _g = m.lock().await;
                        if budget.fetch_sub(1, Ordering::Relaxed) == 0 {
                            budget.store(0, Ordering::Relaxed);
                            return mine;
                        }
                        mine += 1;
                    }
                })
            })
            .collect();
        let mut total = 0;
        for t in tasks {
            let mine = t.await.unwrap();
            assert!(mine > 0, "a task never got the lock");
            total += mine;
        }
        assert!(total >= 80_000);
    });
}

#[test]
fn cancel_waiting_waiter() {
    let m = Mutex::new(());
    let g = m.try_lock().unwrap();
    let mut w1 = spawn(m.lock());
    let mut w2 = spawn(m.lock());
    assert_pending!(w1.poll());
    assert_pending!(w2.poll());
    drop(w1);
    drop(g);
    assert!(w2.is_woken());
    let _g2 = assert_ready!(w2.poll());
}

#[test]
fn cancel_notified_waiter_passes_the_wakeup_on() {
    let m = Mutex::new(());
    let g = m.try_lock().unwrap();
    let mut w1 = spawn(m.lock());
    let mut w2 = spawn(m.lock());
    assert_pending!(w1.poll());
    assert_pending!(w2.poll());
    drop(g);
    assert!(w1.is_woken());
    drop(w1);
    assert!(w2.is_woken());
    let _g2 = assert_ready!(w2.poll());
}

#[test]
fn cancel_granted_waiter_unlocks() {
    let m = Mutex::new(());
    let g = m.try_lock().unwrap();
    let mut w1 = spawn(m.lock());
    let mut w2 = spawn(m.lock());
    assert_pending!(w1.poll());
    assert_pending!(w2.poll());
    std::thread::sleep(STARVED);
    drop(g);
    assert!(w1.is_woken());
    assert!(m.try_lock().is_none(), "w1 owns the lock");
    drop(w1);
    // w2 has starved too, so it is handed the lock in turn.
    assert!(w2.is_woken());
    let g2 = assert_ready!(w2.poll());
    drop(g2);
    assert!(m.try_lock().is_some());
}

#[test]
fn cancel_granted_last_waiter_frees_the_lock() {
    let m = Mutex::new(());
    let g = m.try_lock().unwrap();
    let mut w1 = spawn(m.lock());
    assert_pending!(w1.poll());
    std::thread::sleep(STARVED);
    drop(g);
    drop(w1);
    assert!(m.try_lock().is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_drop_fuzz() {
    let m = Arc::new(Mutex::new(0u64));
    let mut rng = fastrand_like(0x9e37_79b9);
    for _ in 0..200 {
        let tasks: Vec<_> = (0..6)
            .map(|_| {
                let m = m.clone();
                let wait = Duration::from_micros(rng() % 300);
                let hold = Duration::from_micros(rng() % 200);
                tokio::spawn(async move {
                    let _ = tokio::time::timeout(wait, async {
                        let mut g = m.lock().await;
                        *g += 1;
                        tokio::time::sleep(hold).await;
                    })
                    .await;
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
    }
    // Whatever was cancelled where, the mutex is free and usable.
    assert!(m.try_lock().is_some());
    let _g = tokio::time::timeout(Duration::from_secs(5), m.lock())
        .await
        .expect("mutex left locked");
}

/// A tiny deterministic xorshift so the fuzz needs no extra dev-dependency.
fn fastrand_like(mut s: u64) -> impl FnMut() -> u64 {
    move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    }
}

#[test]
fn lock_blocking_from_threads() {
    let m = Arc::new(Mutex::new(0u64));
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let m = m.clone();
            std::thread::spawn(move || {
                for _ in 0..5_000 {
                    let mut g = m.lock_blocking();
                    let v = *g;
                    std::thread::yield_now();
                    *g = v + 1;
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(*m.lock_blocking(), 20_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn threads_and_tasks_share_one_mutex() {
    let m = Arc::new(Mutex::new(0u64));
    let t = {
        let m = m.clone();
        std::thread::spawn(move || {
            for _ in 0..2_000 {
                *m.lock_blocking() += 1;
            }
        })
    };
    for _ in 0..2_000 {
        *m.lock().await += 1;
    }
    tokio::task::spawn_blocking(move || t.join().unwrap())
        .await
        .unwrap();
    assert_eq!(*m.lock().await, 4_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn owned_guards_cross_spawn() {
    let m = Arc::new(Mutex::new(Vec::new()));
    let g = m.clone().lock_owned().await;
    let mut w = spawn(m.clone().lock_owned());
    assert_pending!(w.poll());
    tokio::spawn(async move {
        let mut g = g;
        g.push(1);
    })
    .await
    .unwrap();
    assert!(w.is_woken());
    let mut g2 = assert_ready!(w.poll());
    g2.push(2);
    assert!(Arc::ptr_eq(g2.mutex(), &m));
    drop(g2);
    assert_eq!(*m.lock().await, [1, 2]);
    assert!(m.clone().try_lock_owned().is_ok());
}

#[test]
fn try_lock_when_locked() {
    let m = Mutex::new(1);
    let g = m.try_lock().unwrap();
    assert!(m.try_lock().is_none());
    assert_eq!(format!("{m:?}"), "Mutex { data: <locked> }");
    drop(g);
    assert_eq!(format!("{m:?}"), "Mutex { data: 1 }");
}

#[test]
fn get_mut_into_inner_default_from() {
    let mut m: Mutex<Vec<i32>> = Mutex::default();
    m.get_mut().push(3);
    assert_eq!(m.into_inner(), [3]);
    let m = Mutex::from(7);
    assert_eq!(*m.try_lock().unwrap(), 7);
}

#[test]
fn auto_traits() {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>() {}
    fn unpin<T: Unpin>() {}
    send_sync::<Mutex<Vec<u8>>>();
    send_sync::<gokio::MutexGuard<'static, u8>>();
    send_sync::<gokio::OwnedMutexGuard<u8>>();
    send_sync::<gokio::sync::Lock<'static, u8>>();
    send_sync::<gokio::sync::LockOwned<u8>>();
    send::<Mutex<std::cell::Cell<u8>>>();
    unpin::<gokio::sync::Lock<'static, u8>>();
    unpin::<gokio::sync::LockOwned<u8>>();
}
