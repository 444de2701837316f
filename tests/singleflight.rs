//! `gokio::sync::singleflight`: x/sync's tests, then cancellation and panics at the poll
//! level.

mod common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::no_hang;
use gokio::sync::singleflight::Group;
use gokio::{chan, go, time, WaitGroup};
use tokio_test::task::spawn;
use tokio_test::{assert_pending, assert_ready};

/// Ported from golang.org/x/sync's singleflight/singleflight_test.go.
mod golang {
    use super::*;

    // Ported from x/sync's singleflight/singleflight_test.go: TestDo
    #[tokio::test]
    async fn do_() {
        let g = Group::new();
        let (v, _) = g.do_("key", async { Ok::<_, String>("bar") }).await;
        assert_eq!(v, Ok("bar"));
    }

    // Ported from x/sync's singleflight/singleflight_test.go: TestDoErr
    #[tokio::test]
    async fn do_err() {
        let g = Group::new();
        let (v, _) = g.do_("key", async { Err::<&str, _>("Some error") }).await;
        assert_eq!(v, Err("Some error"));
    }

    // Ported from x/sync's singleflight/singleflight_test.go: TestDoDupSuppress
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn do_dup_suppress() {
        no_hang("TestDoDupSuppress", async {
            let g: Group<&str, Result<String, String>> = Group::new();
            let (wg1, wg2) = (WaitGroup::new(), WaitGroup::new());
            let c = chan::<String>(1);
            let calls = Arc::new(AtomicUsize::new(0));
            let fn_ = {
                let (wg1, c, calls) = (wg1.clone(), c.clone(), calls.clone());
                move || {
                    let (wg1, c, calls) = (wg1.clone(), c.clone(), calls.clone());
                    async move {
                        if calls.fetch_add(1, Ordering::SeqCst) + 1 == 1 {
                            // First invocation.
                            wg1.done();
                        }
                        let v = c.recv().await.unwrap();
                        c.send(v.clone()).await.unwrap(); // pump; make available for any future calls

                        time::sleep(Duration::from_millis(10)).await; // let more goroutines enter Do

                        Ok(v)
                    }
                }
            };

            const N: usize = 10;
            wg1.add(1);
            for _ in 0..N {
                wg1.add(1);
                wg2.add(1);
                let (g, wg1, wg2, fn_) = (g.clone(), wg1.clone(), wg2.clone(), fn_.clone());
                go! {
                    let _done = wg2.defer_done();
                    wg1.done();
                    let (v, _) = g.do_("key", fn_()).await;
                    assert_eq!(v, Ok(String::from("bar")), "Do = {v:?}; want \"bar\"");
                };
            }
            wg1.wait().await;
            // At least one goroutine is in fn now and all of them have at
            // least reached the line before the Do.
            c.send(String::from("bar")).await.unwrap();
            wg2.wait().await;
            let got = calls.load(Ordering::SeqCst);
            assert!(
                got > 0 && got < N,
                "number of calls = {got}; want over 0 and less than {N}"
            );
        })
        .await;
    }

    // Ported from x/sync's singleflight/singleflight_test.go: TestForget
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn forget() {
        no_hang("TestForget", async {
            let g: Group<&str, i32> = Group::new();
            let first_started = chan::<()>(0);
            let unblock_first = chan::<()>(0);
            let first_finished = chan::<()>(0);

            {
                let (g, fs, uf, ff) = (
                    g.clone(),
                    first_started.clone(),
                    unblock_first.clone(),
                    first_finished.clone(),
                );
                go! {
                    g.do_("key", async move {
                        fs.close();
                        uf.recv().await;
                        ff.close();
                        0
                    })
                    .await;
                };
            }
            first_started.recv().await;
            g.forget("key");

            let unblock_second = chan::<()>(0);
            let us = unblock_second.clone();
            let second_result = g.do_chan("key", async move {
                us.recv().await;
                2
            });

            unblock_first.close();
            first_finished.recv().await;

            let third_result = g.do_chan("key", async { 3 });

            unblock_second.close();
            second_result.recv().await;
            let (r, _) = third_result.recv().await.unwrap();
            assert_eq!(
                r, 2,
                "We should receive result produced by second call, expected: 2, got {r}"
            );
        })
        .await;
    }

    // Ported from x/sync's singleflight/singleflight_test.go: TestDoChan
    #[tokio::test]
    async fn do_chan() {
        let g = Group::new();
        let ch = g.do_chan("key", async { Ok::<_, String>("bar") });
        let (v, _) = ch.recv().await.unwrap();
        assert_eq!(v, Ok("bar"));
    }

    // Ported from x/sync's singleflight/singleflight_test.go: TestPanicDo (every caller
    // panics, with the flight's message; Go's 1 s bound is a hang detector).
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn panic_do() {
        const MSG: &str = "invalid memory address or nil pointer dereference";
        let g: Group<&str, ()> = Group::new();
        let n = 5;
        let callers: Vec<_> = (0..n)
            .map(|_| {
                let g = g.clone();
                go! {
                    g.do_("key", async {
                        tokio::task::yield_now().await; // let the others join
                        panic!("{MSG}")
                    })
                    .await
                }
            })
            .collect();
        let mut panic_count = 0;
        for c in callers {
            let p = no_hang("TestPanicDo", c.join()).await.unwrap_err();
            assert_eq!(p.message(), MSG);
            panic_count += 1;
        }
        assert_eq!(panic_count, n, "Expect {n} panic, but got {panic_count}");
    }

    // TestGoexitDo: Rust has no Goexit; the nearest is a caller cancelled mid-call (its
    // goroutine aborted). The other callers must not hang: they drive the call to its end.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn aborted_caller_does_not_hang_the_others() {
        let g: Group<&str, u32> = Group::new();
        let release = chan::<()>(0);
        let n = 5;
        let callers: Vec<_> = (0..n)
            .map(|_| {
                let (g, release) = (g.clone(), release.clone());
                go! {
                    g.do_("key", async move {
                        release.recv().await;
                        7
                    })
                    .await
                }
            })
            .collect();
        // Wait until a call is in flight, then abort the first caller (likely its starter).
        while format!("{g:?}").contains("in_flight: 0") {
            tokio::task::yield_now().await;
        }
        callers[0].abort();
        release.close();
        for (i, c) in callers.into_iter().enumerate() {
            let r = no_hang("TestGoexitDo", c.join()).await;
            if i > 0 {
                assert_eq!(r.unwrap().0, 7);
            }
        }
    }
}

#[test]
fn duplicates_share_one_call_and_its_result() {
    let g: Group<&str, u32> = Group::new();
    let (tx, rx) = tokio::sync::oneshot::channel::<u32>();
    let mut first = spawn(g.do_("k", async move { rx.await.unwrap() }));
    assert_pending!(first.poll());
    let mut dup = spawn(g.do_("k", async { unreachable!("a duplicate's work never runs") }));
    assert_pending!(dup.poll());
    tx.send(5).unwrap();
    assert!(first.is_woken() && dup.is_woken());
    assert_eq!(assert_ready!(first.poll()), (5, true));
    assert_eq!(assert_ready!(dup.poll()), (5, true));
}

#[test]
fn a_finished_call_is_not_cached() {
    futures::executor::block_on(async {
        let g: Group<&str, u32> = Group::new();
        assert_eq!(g.do_("k", async { 1 }).await, (1, false));
        assert_eq!(g.do_("k", async { 2 }).await, (2, false));
    });
}

#[test]
fn keys_are_independent() {
    let g: Group<&str, u32> = Group::new();
    let mut a = spawn(g.do_("a", std::future::pending()));
    assert_pending!(a.poll());
    let mut b = spawn(g.do_("b", async { 2 }));
    assert_eq!(assert_ready!(b.poll()), (2, false));
}

#[test]
fn do_joins_on_first_poll_only() {
    let g: Group<&str, u32> = Group::new();
    let unpolled = g.do_("k", std::future::pending());
    let mut other = spawn(g.do_("k", async { 1 }));
    assert_eq!(assert_ready!(other.poll()), (1, false));
    drop(unpolled);
}

#[test]
fn cancelled_starter_hands_the_call_to_a_duplicate() {
    let g: Group<&str, u32> = Group::new();
    let (tx, rx) = tokio::sync::oneshot::channel::<u32>();
    let mut starter = spawn(g.do_("k", async move { rx.await.unwrap() }));
    assert_pending!(starter.poll());
    let mut dup = spawn(g.do_("k", async { unreachable!() }));
    assert_pending!(dup.poll());
    drop(starter);
    tx.send(9).unwrap();
    assert!(dup.is_woken());
    assert_eq!(assert_ready!(dup.poll()), (9, true));
}

#[test]
fn call_is_cancelled_when_every_caller_is_dropped() {
    struct SetOnDrop(Arc<AtomicBool>);
    impl Drop for SetOnDrop {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }
    let g: Group<&str, u32> = Group::new();
    let dropped = Arc::new(AtomicBool::new(false));
    let guard = SetOnDrop(dropped.clone());
    let mut a = spawn(g.do_("k", async move {
        let _guard = guard;
        std::future::pending::<u32>().await
    }));
    assert_pending!(a.poll());
    let mut b = spawn(g.do_("k", async { unreachable!() }));
    assert_pending!(b.poll());
    drop(a);
    assert!(
        !dropped.load(Ordering::SeqCst),
        "b still waits for the call"
    );
    drop(b);
    assert!(
        dropped.load(Ordering::SeqCst),
        "nobody waits: the call is dropped"
    );
    assert_eq!(format!("{g:?}"), "Group { in_flight: 0 }");
    // The key is free: the next call runs its own work.
    let mut c = spawn(g.do_("k", async { 3 }));
    assert_eq!(assert_ready!(c.poll()), (3, false));
}

#[test]
fn forget_keeps_the_forgotten_call_for_its_callers() {
    let g: Group<&str, u32> = Group::new();
    let (tx, rx) = tokio::sync::oneshot::channel::<u32>();
    let mut old = spawn(g.do_("k", async move { rx.await.unwrap() }));
    assert_pending!(old.poll());
    g.forget("k");
    let (tx2, rx2) = tokio::sync::oneshot::channel::<u32>();
    let mut new = spawn(g.do_("k", async move { rx2.await.unwrap() }));
    assert_pending!(new.poll());
    tx.send(1).unwrap();
    assert_eq!(assert_ready!(old.poll()), (1, false));
    // The old call finishing did not remove the new call's entry: a third caller joins it.
    let mut third = spawn(g.do_("k", async { unreachable!() }));
    assert_pending!(third.poll());
    tx2.send(2).unwrap();
    assert_eq!(assert_ready!(new.poll()), (2, true));
    assert_eq!(assert_ready!(third.poll()), (2, true));
}

#[test]
fn panic_is_raised_in_every_caller_with_its_message() {
    let g: Group<&str, u32> = Group::new();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let mut a = spawn(g.do_("k", async move {
        rx.await.unwrap();
        panic!("boom {}", 42)
    }));
    assert_pending!(a.poll());
    let mut b = spawn(g.do_("k", async { unreachable!() }));
    assert_pending!(b.poll());
    tx.send(()).unwrap();
    for w in [&mut a, &mut b] {
        let p = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| w.poll())).unwrap_err();
        assert_eq!(
            p.downcast_ref::<String>().map(String::as_str),
            Some("boom 42")
        );
    }
    // The key is free again.
    let mut c = spawn(g.do_("k", async { 1 }));
    assert_eq!(assert_ready!(c.poll()), (1, false));
}

#[tokio::test]
async fn do_chan_closes_without_a_value_when_the_call_panics() {
    let g: Group<&str, u32> = Group::new();
    let ch = g.do_chan("k", async { panic!("Panicking in DoChan") });
    assert_eq!(no_hang("do_chan panic", ch.recv()).await, None);
}

#[tokio::test]
async fn do_chan_joins_at_once_and_drop_of_receiver_does_not_cancel() {
    let g: Group<&str, u32> = Group::new();
    let (tx, rx) = tokio::sync::oneshot::channel::<u32>();
    let ch = g.do_chan("k", async move { rx.await.unwrap() });
    let waiter = g.do_("k", async { unreachable!() });
    drop(ch);
    tx.send(4).unwrap();
    assert_eq!(no_hang("do_chan", waiter).await, (4, true));
}

#[test]
fn futures_are_send_and_sync() {
    fn assert_send_sync<S: Send + Sync>() {}
    fn assert_send<S: Send>() {}
    assert_send_sync::<Group<String, u32>>();
    assert_send::<gokio::sync::singleflight::Do<String, u32>>();
}
