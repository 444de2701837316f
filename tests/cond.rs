//! `gokio::Cond`: Go's `sync.Cond` tests, then FIFO order, the unlock/sleep race and
//! cancellation at the poll level.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::no_hang;
use gokio::{chan, go, select, time, yield_now, Cond, Mutex, MutexGuard};
use tokio_test::task::spawn;
use tokio_test::{assert_pending, assert_ready};

/// Ported from Go's src/sync/cond_test.go.
mod golang {
    use super::*;

    // Ported from Go's src/sync/cond_test.go: TestCondSignal
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn cond_signal() {
        no_hang("TestCondSignal", async {
            let m = Arc::new(Mutex::new(()));
            let c = Arc::new(Cond::new());
            let mut n = 2;
            let running = chan::<bool>(n);
            let awake = chan::<bool>(n);
            for _ in 0..n {
                let (m, c, running, awake) = (m.clone(), c.clone(), running.clone(), awake.clone());
                go! {
                    let g = m.lock().await;
                    running.send(true).await.unwrap();
                    let g = c.wait(g).await;
                    awake.send(true).await.unwrap();
                    drop(g);
                };
            }
            for _ in 0..n {
                running.recv().await; // Wait for everyone to run.
            }
            while n > 0 {
                select! {
                    recv(awake) -> _ => panic!("goroutine not asleep"),
                    default => {}
                }
                let g = m.lock().await;
                c.signal();
                drop(g);
                awake.recv().await; // Will deadlock if no goroutine wakes up
                select! {
                    recv(awake) -> _ => panic!("too many goroutines awake"),
                    default => {}
                }
                n -= 1;
            }
            c.signal();
        })
        .await;
    }

    // Ported from Go's src/sync/cond_test.go: TestCondSignalGenerations
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn cond_signal_generations() {
        no_hang("TestCondSignalGenerations", async {
            let m = Arc::new(Mutex::new(()));
            let c = Arc::new(Cond::new());
            let n = 100;
            let running = chan::<bool>(n);
            let awake = chan::<usize>(n);
            for i in 0..n {
                let (m2, c2, running2, awake2) =
                    (m.clone(), c.clone(), running.clone(), awake.clone());
                go! {
                    let g = m2.lock().await;
                    running2.send(true).await.unwrap();
                    let g = c2.wait(g).await;
                    awake2.send(i).await.unwrap();
                    drop(g);
                };
                if i > 0 {
                    let a = awake.recv().await.unwrap();
                    assert_eq!(a, i - 1, "wrong goroutine woke up: want {}, got {a}", i - 1);
                }
                running.recv().await;
                let g = m.lock().await;
                c.signal();
                drop(g);
            }
        })
        .await;
    }

    // Ported from Go's src/sync/cond_test.go: TestCondBroadcast
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn cond_broadcast() {
        no_hang("TestCondBroadcast", async {
            let exit = Arc::new(Mutex::new(false)); // Go's m, guarding `exit`
            let c = Arc::new(Cond::new());
            let n = 200;
            let running = chan::<usize>(n);
            let awake = chan::<usize>(n);
            for g in 0..n {
                let (exit, c, running, awake) =
                    (exit.clone(), c.clone(), running.clone(), awake.clone());
                go! {
                    let mut guard = exit.lock().await;
                    while !*guard {
                        running.send(g).await.unwrap();
                        guard = c.wait(guard).await;
                        awake.send(g).await.unwrap();
                    }
                };
            }
            for i in 0..n {
                for _ in 0..n {
                    running.recv().await; // Will deadlock unless n are running.
                }
                if i == n - 1 {
                    *exit.lock().await = true;
                }
                select! {
                    recv(awake) -> _ => panic!("goroutine not asleep"),
                    default => {}
                }
                let guard = exit.lock().await;
                c.broadcast();
                drop(guard);
                let mut seen = vec![false; n];
                for _ in 0..n {
                    let g = awake.recv().await.unwrap();
                    assert!(!seen[g], "goroutine woke up twice");
                    seen[g] = true;
                }
            }
            select! {
                recv(running) -> _ => panic!("goroutine did not exit"),
                default => {}
            }
            c.broadcast();
        })
        .await;
    }

    // Ported from Go's src/sync/cond_test.go: TestRace
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn race() {
        no_hang("TestRace", async {
            let x = Arc::new(Mutex::new(0)); // c.L, guarding x
            let c = Arc::new(Cond::new());
            let (x1, c1) = (x.clone(), c.clone());
            let g1 = go! {
                let mut g = x1.lock().await;
                *g = 1;
                g = c1.wait(g).await;
                assert_eq!(*g, 2, "want 2");
                *g = 3;
                c1.signal();
            };
            let (x2, c2) = (x.clone(), c.clone());
            let g2 = go! {
                let mut g = x2.lock().await;
                loop {
                    if *g == 1 {
                        *g = 2;
                        c2.signal();
                        break;
                    }
                    drop(g);
                    yield_now().await;
                    g = x2.lock().await;
                }
            };
            let (x3, c3) = (x.clone(), c.clone());
            let g3 = go! {
                let mut g = x3.lock().await;
                loop {
                    if *g == 2 {
                        g = c3.wait(g).await;
                        assert_eq!(*g, 3, "want 3");
                        break;
                    }
                    if *g == 3 {
                        break;
                    }
                    drop(g);
                    yield_now().await;
                    g = x3.lock().await;
                }
            };
            for g in [g1, g2, g3] {
                g.join().await.unwrap();
            }
        })
        .await;
    }

    // Ported from Go's src/sync/cond_test.go: TestCondSignalStealing (Go's 2 s bound is
    // a hang detector; 10 s here, for a loaded 2-core machine).
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn cond_signal_stealing() {
        for _ in 0..1000 {
            let done = Arc::new(Mutex::new(false)); // Go's m, guarding `done`
            let cond = Arc::new(Cond::new());

            // Start a waiter.
            let ch = chan::<()>(0);
            let (m, c, ch2) = (done.clone(), cond.clone(), ch.clone());
            go! {
                let g = m.lock().await;
                ch2.send(()).await.unwrap();
                let g = c.wait(g).await;
                drop(g);
                ch2.send(()).await.unwrap();
            };
            ch.recv().await;
            drop(done.lock().await);

            // The waiter is in cond.wait (it queued before releasing the mutex we just took).
            // Race a broadcast against a new waiter: the new one may or may not be woken,
            // but the first one has to be.
            let c = cond.clone();
            go! { c.broadcast() };
            let (m, c) = (done.clone(), cond.clone());
            go! {
                let mut g = m.lock().await;
                while !*g {
                    g = c.wait(g).await;
                }
            };

            // Check that the first waiter does get signaled.
            select! {
                recv(ch) -> _ => {}
                recv(time::after(Duration::from_secs(10))) -> _ => {
                    panic!("First waiter didn't get broadcast.")
                }
            }

            // Release the second waiter in case it didn't get the broadcast.
            *done.lock().await = true;
            cond.broadcast();
        }
    }
}

/// Parks a new waiter: locks `m`, starts `cond.wait`, polls it once (queued, unlocked).
fn park<'a, T: std::fmt::Debug>(
    cond: &'a Cond,
    m: &'a Mutex<T>,
) -> tokio_test::task::Spawn<gokio::sync::CondWait<'a, T>> {
    let mut w = spawn(cond.wait(m.try_lock().expect("mutex should be free")));
    assert_pending!(w.poll());
    w
}

#[test]
fn wait_unlocks_and_relocks() {
    let (m, cond) = (Mutex::new(1), Cond::new());
    let mut w = spawn(cond.wait(m.try_lock().unwrap()));
    assert!(m.try_lock().is_none(), "not polled yet: still locked");
    assert_pending!(w.poll());
    let mut other = m.try_lock().expect("waiting: unlocked");
    *other = 2;
    cond.signal();
    assert!(w.is_woken());
    assert_pending!(w.poll()); // woken, but the mutex is held
    drop(other);
    assert!(w.is_woken());
    let g = assert_ready!(w.poll());
    assert_eq!(*g, 2);
    assert!(m.try_lock().is_none(), "the returned guard holds the lock");
    assert!(std::ptr::eq(MutexGuard::mutex(&g), &m));
}

#[test]
fn signal_wakes_in_fifo_order() {
    let (m, cond) = (Mutex::new(()), Cond::new());
    let mut ws: Vec<_> = (0..4).map(|_| park(&cond, &m)).collect();
    for i in 0..4 {
        cond.signal();
        for (j, w) in ws.iter_mut().enumerate().skip(i) {
            assert_eq!(w.is_woken(), j == i, "signal {i} woke waiter {j}");
        }
        drop(assert_ready!(ws[i].poll()));
        for w in ws.iter_mut().skip(i + 1) {
            assert_pending!(w.poll());
        }
    }
}

#[test]
fn signal_between_unlock_and_next_poll_is_not_missed() {
    // Go's notifyList ticket: the waiter is queued before it unlocks, so a signal sent by
    // whoever takes the mutex next reaches it even though it has not been polled since.
    let (m, cond) = (Mutex::new(()), Cond::new());
    let mut w = park(&cond, &m);
    {
        let _g = m.try_lock().unwrap();
        cond.signal();
    }
    assert!(w.is_woken());
    drop(assert_ready!(w.poll()));
}

#[test]
fn signal_without_waiters_is_not_remembered() {
    let (m, cond) = (Mutex::new(()), Cond::new());
    cond.signal();
    cond.broadcast();
    let mut w = park(&cond, &m);
    assert!(!w.is_woken());
    assert_pending!(w.poll());
}

#[test]
fn broadcast_wakes_all_waiting_and_no_later_waiter() {
    let (m, cond) = (Mutex::new(()), Cond::new());
    // More waiters than one wake batch (16), so the batching is exercised.
    let mut ws: Vec<_> = (0..40).map(|_| park(&cond, &m)).collect();
    cond.broadcast();
    let mut late = park(&cond, &m);
    for w in ws.iter_mut() {
        assert!(w.is_woken());
        drop(assert_ready!(w.poll()));
    }
    assert!(!late.is_woken());
    assert_pending!(late.poll());
}

#[test]
fn cancelled_signalled_waiter_passes_the_signal_on() {
    let (m, cond) = (Mutex::new(()), Cond::new());
    let w1 = park(&cond, &m);
    let mut w2 = park(&cond, &m);
    cond.signal(); // chooses w1
    assert!(!w2.is_woken());
    drop(w1);
    assert!(w2.is_woken(), "the signal went to the next waiter");
    drop(assert_ready!(w2.poll()));
}

#[test]
fn waiter_cancelled_while_relocking_passes_the_signal_on() {
    let (m, cond) = (Mutex::new(()), Cond::new());
    let mut w1 = park(&cond, &m);
    let mut w2 = park(&cond, &m);
    let g = m.try_lock().unwrap();
    cond.signal();
    assert_pending!(w1.poll()); // woken, now queued on the mutex
    drop(w1);
    assert!(w2.is_woken(), "the signal went to the next waiter");
    drop(g);
    drop(assert_ready!(w2.poll()));
}

#[test]
fn cancelled_waiter_leaves_no_slot_behind() {
    let (m, cond) = (Mutex::new(()), Cond::new());
    let w1 = park(&cond, &m);
    let mut w2 = park(&cond, &m);
    drop(w1); // never signalled
    cond.signal();
    assert!(
        w2.is_woken(),
        "a stale slot would have swallowed the signal"
    );
    drop(assert_ready!(w2.poll()));
}

#[test]
fn cancelled_broadcast_waiter_does_not_wake_a_later_one() {
    let (m, cond) = (Mutex::new(()), Cond::new());
    let w1 = park(&cond, &m);
    cond.broadcast();
    let mut late = park(&cond, &m);
    drop(w1);
    assert!(!late.is_woken(), "a broadcast is not passed on");
    assert_pending!(late.poll());
}

#[test]
fn dropped_before_first_poll_just_unlocks() {
    let (m, cond) = (Mutex::new(()), Cond::new());
    drop(cond.wait(m.try_lock().unwrap()));
    assert!(m.try_lock().is_some());
    let mut w = park(&cond, &m);
    cond.signal();
    drop(assert_ready!(w.poll()));
}

#[test]
#[should_panic(expected = "a Cond belongs to one Mutex")]
fn waiting_with_two_mutexes_panics() {
    let (a, b, cond) = (Mutex::new(()), Mutex::new(()), Cond::new());
    let _w = park(&cond, &a);
    drop(cond.wait(b.try_lock().unwrap()));
}

#[test]
fn owned_and_borrowed_guards_of_one_mutex_mix() {
    let (m, cond) = (Arc::new(Mutex::new(0)), Cond::new());
    let mut owned = spawn(cond.wait_owned(m.clone().try_lock_owned().unwrap()));
    assert_pending!(owned.poll());
    let mut borrowed = park(&cond, &m);
    cond.broadcast();
    let mut g = assert_ready!(owned.poll());
    *g += 1;
    drop(g);
    assert_eq!(*assert_ready!(borrowed.poll()), 1);
}

#[test]
fn wait_blocking_from_threads() {
    let st = Arc::new((Mutex::new(0u32), Cond::new()));
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let st = st.clone();
            std::thread::spawn(move || {
                let mut g = st.0.lock_blocking();
                while *g == 0 {
                    g = st.1.wait_blocking(g);
                }
                *g += 1;
            })
        })
        .collect();
    *st.0.lock_blocking() = 1;
    st.1.broadcast();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(*st.0.lock_blocking(), 5);
}

#[test]
fn futures_are_send_and_sync() {
    fn assert_send_sync<S: Send + Sync>() {}
    fn assert_unpin<S: Unpin>() {}
    assert_send_sync::<Cond>();
    assert_send_sync::<gokio::sync::CondWait<'static, i32>>();
    assert_send_sync::<gokio::sync::CondWaitOwned<'static, i32>>();
    assert_unpin::<gokio::sync::CondWait<'static, i32>>();
}
