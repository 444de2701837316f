//! `gokio::sync::Group`: Go's `errgroup`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use gokio::sync::Group;
use gokio::{Context, ContextError};

#[tokio::test]
async fn wait_with_no_tasks_is_ok() {
    let g = Group::<String>::new();
    assert_eq!(g.wait().await, Ok(()));
}

#[tokio::test]
async fn all_ok_is_ok() {
    let g = Group::<String>::new();
    let n = Arc::new(AtomicUsize::new(0));
    for _ in 0..10 {
        let n = Arc::clone(&n);
        g.go(async move {
            n.fetch_add(1, Ordering::SeqCst);
            Ok(())
        })
        .await;
    }
    assert_eq!(g.wait().await, Ok(()));
    assert_eq!(n.load(Ordering::SeqCst), 10);
}

#[tokio::test(start_paused = true)]
async fn returns_first_error_and_cancels_the_others() {
    let (g, ctx) = Group::<String>::with_context(&Context::background());
    let observed = Arc::new(AtomicUsize::new(0));
    for i in 0..4 {
        let ctx = ctx.clone();
        let observed = Arc::clone(&observed);
        g.go(async move {
            ctx.cancelled().await;
            assert_eq!(ctx.err(), Some(ContextError::Canceled));
            observed.fetch_add(1, Ordering::SeqCst);
            Err(format!("worker {i} cancelled"))
        })
        .await;
    }
    g.go(async {
        gokio::time::sleep(Duration::from_millis(10)).await;
        Err("first".to_string())
    })
    .await;
    g.go(async {
        gokio::time::sleep(Duration::from_millis(20)).await;
        Err("second".to_string())
    })
    .await;
    assert_eq!(g.wait().await, Err("first".to_string()));
    assert_eq!(observed.load(Ordering::SeqCst), 4);
    assert!(ctx.is_cancelled());
}

#[tokio::test]
async fn context_cancelled_when_wait_returns() {
    let (g, ctx) = Group::<()>::with_context(&Context::background());
    g.go(async { Ok(()) }).await;
    assert_eq!(g.wait().await, Ok(()));
    assert_eq!(ctx.err(), Some(ContextError::Canceled));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn set_limit_bounds_concurrency() {
    let g = Group::<()>::new();
    g.set_limit(2);
    let current = Arc::new(AtomicUsize::new(0));
    let max = Arc::new(AtomicUsize::new(0));
    for _ in 0..20 {
        let (current, max) = (Arc::clone(&current), Arc::clone(&max));
        g.go(async move {
            let now = current.fetch_add(1, Ordering::SeqCst) + 1;
            max.fetch_max(now, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(1)).await;
            current.fetch_sub(1, Ordering::SeqCst);
            Ok(())
        })
        .await;
    }
    g.wait().await.unwrap();
    assert_eq!(max.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn try_go_fails_at_the_limit() {
    let g = Group::<()>::new();
    g.set_limit(1);
    let gate = gokio::chan::<()>(0);
    let rx = gate.receiver();
    assert!(g.try_go(async move {
        rx.recv().await;
        Ok(())
    }));
    assert!(!g.try_go(async { Ok(()) }));
    gate.close();
    g.wait().await.unwrap();
    assert!(g.try_go(async { Ok(()) }), "a slot is free again");
    g.wait().await.unwrap();
}

#[tokio::test]
async fn go_waits_for_a_slot() {
    let g = Group::<()>::new();
    g.set_limit(1);
    let gate = gokio::chan::<()>(0);
    let rx = gate.receiver();
    g.go(async move {
        rx.recv().await;
        Ok(())
    })
    .await;
    let mut second = tokio_test::task::spawn(g.go(async { Ok(()) }));
    tokio_test::assert_pending!(second.poll());
    gate.close();
    second.await;
    g.wait().await.unwrap();
}

#[tokio::test]
#[should_panic(expected = "task exploded")]
async fn panic_in_task_makes_wait_panic() {
    let g = Group::<()>::new();
    g.go(async { panic!("task exploded") }).await;
    g.go(async { Ok(()) }).await;
    let _ = g.wait().await;
}

#[tokio::test]
async fn panic_cancels_context_and_wait_waits_for_all() {
    let (g, ctx) = Group::<()>::with_context(&Context::background());
    let finished = Arc::new(AtomicUsize::new(0));
    {
        let (ctx, finished) = (ctx.clone(), Arc::clone(&finished));
        g.go(async move {
            ctx.cancelled().await;
            finished.fetch_add(1, Ordering::SeqCst);
            Ok(())
        })
        .await;
    }
    g.go(async { panic!("boom") }).await;
    let g2 = g.clone();
    let res = tokio::spawn(async move { g2.wait().await }).await;
    let err = res.expect_err("wait re-panics");
    let payload = err.into_panic();
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"boom"));
    assert_eq!(
        finished.load(Ordering::SeqCst),
        1,
        "wait waited for the other task"
    );
}

#[test]
#[should_panic(
    expected = "errgroup: modify limit while 1 goroutines in the group are still active"
)]
fn set_limit_while_active_panics() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let g = Group::<()>::new();
        assert!(g.try_go(std::future::pending()));
        g.set_limit(1);
    });
}

#[test]
fn group_is_send_sync() {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    assert_send_sync::<Group<String>>();
    fn assert_send<T: Send>(_: &T) {}
    let g = Group::<String>::new();
    assert_send(&g.go(async { Ok(()) }));
    assert_send(&g.wait());
}

#[tokio::test]
async fn every_wait_returns_the_first_error() {
    let g = Group::<&str>::new();
    g.go(async { Err("err1") }).await;
    assert_eq!(g.wait().await, Err("err1"));
    assert_eq!(g.wait().await, Err("err1"), "the error is kept, not taken");
    g.go(async { Err("err2") }).await;
    g.go(async { Ok(()) }).await;
    assert_eq!(g.wait().await, Err("err1"), "later errors never replace it");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_waits_all_see_the_error() {
    let g = Group::<String>::new();
    let gate = gokio::chan::<()>(0);
    let rx = gate.receiver();
    g.go(async move {
        rx.recv().await;
        Err("late".to_string())
    })
    .await;
    let waiters: Vec<_> = (0..8)
        .map(|_| {
            let g = g.clone();
            tokio::spawn(async move { g.wait().await })
        })
        .collect();
    gate.close();
    for w in waiters {
        assert_eq!(w.await.unwrap(), Err("late".to_string()));
    }
    assert_eq!(g.wait().await, Err("late".to_string()));
}

#[tokio::test]
async fn a_panic_is_re_raised_by_every_wait() {
    let g = Group::<()>::new();
    g.go(async { panic!("task exploded") }).await;
    for round in 0..3 {
        let g2 = g.clone();
        let payload = tokio::spawn(async move { g2.wait().await })
            .await
            .expect_err("wait re-panics")
            .into_panic();
        let msg = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned());
        assert_eq!(msg.as_deref(), Some("task exploded"), "round {round}");
    }
}

/// `g.go(f)` without `.await` (a port of Go's `g.Go(f)` that forgot it) still runs `f`, and
/// `wait` counts it from the moment `go` returns.
#[tokio::test]
#[allow(unused_must_use)]
async fn go_without_await_still_runs_the_task() {
    let g = Group::<&str>::new();
    let ran = Arc::new(AtomicUsize::new(0));
    let r = Arc::clone(&ran);
    g.go(async move {
        r.fetch_add(1, Ordering::SeqCst);
        Err("not awaited")
    });
    assert_eq!(g.wait().await, Err("not awaited"));
    assert_eq!(ran.load(Ordering::SeqCst), 1);
}

/// At the limit, a `go` whose future is dropped unawaited is queued, not lost: it starts when
/// the slot frees up, in call order, and `wait` waits for it.
#[tokio::test]
async fn dropped_go_future_at_the_limit_still_runs_in_order() {
    let g = Group::<String>::new();
    g.set_limit(1);
    let gate = gokio::chan::<()>(0);
    let rx = gate.receiver();
    g.go(async move {
        rx.recv().await;
        Ok(())
    })
    .await;
    let order = Arc::new(std::sync::Mutex::new(Vec::new()));
    for i in 0..5 {
        let order = Arc::clone(&order);
        let fut = g.go(async move {
            order.lock().unwrap().push(i);
            if i == 3 {
                Err(format!("task {i}"))
            } else {
                Ok(())
            }
        });
        let mut fut = tokio_test::task::spawn(fut);
        tokio_test::assert_pending!(fut.poll(), "no slot is free");
        drop(fut);
    }
    assert!(order.lock().unwrap().is_empty());
    gate.close();
    assert_eq!(g.wait().await, Err("task 3".to_string()));
    assert_eq!(*order.lock().unwrap(), vec![0, 1, 2, 3, 4]);
}

/// The `Go` future is the back-pressure: pending while the slots are taken, ready once its
/// own task has started (not merely when some slot frees).
#[tokio::test]
async fn go_future_completes_when_its_task_starts() {
    let g = Group::<()>::new();
    g.set_limit(1);
    let (gate1, gate2) = (gokio::chan::<()>(0), gokio::chan::<()>(0));
    let (rx1, rx2) = (gate1.receiver(), gate2.receiver());
    g.go(async move {
        rx1.recv().await;
        Ok(())
    })
    .await;
    let mut second = tokio_test::task::spawn(g.go(async move {
        rx2.recv().await;
        Ok(())
    }));
    let mut third = tokio_test::task::spawn(g.go(async { Ok(()) }));
    tokio_test::assert_pending!(second.poll());
    tokio_test::assert_pending!(third.poll());
    gate1.close();
    second.await;
    tokio_test::assert_pending!(third.poll(), "the second task holds the slot");
    gate2.close();
    third.await;
    g.wait().await.unwrap();
}

#[tokio::test]
async fn limit_zero_queues_until_the_limit_is_raised() {
    let g = Group::<&str>::new();
    g.set_limit(0);
    let mut queued = tokio_test::task::spawn(g.go(async { Err("ran") }));
    tokio_test::assert_pending!(queued.poll());
    let mut waiting = tokio_test::task::spawn(g.wait());
    tokio_test::assert_pending!(waiting.poll(), "wait counts the queued task");
    g.set_limit(1);
    queued.await;
    assert_eq!(g.wait().await, Err("ran"));
}

/// Ports of x/sync's own tests, golang.org/x/sync/errgroup/errgroup_test.go.
mod golang {
    use super::*;

    // Ported from x/sync's errgroup/errgroup_test.go: TestZeroGroup
    #[tokio::test]
    async fn zero_group() {
        let (err1, err2) = ("errgroup_test: 1", "errgroup_test: 2");
        let cases: [&[Option<&str>]; 5] = [
            &[],
            &[None],
            &[Some(err1)],
            &[Some(err1), None],
            &[Some(err1), None, Some(err2)],
        ];
        for errs in cases {
            let g = Group::<&str>::new();
            let mut first_err = None;
            for (i, &err) in errs.iter().enumerate() {
                g.go(async move { err.map_or(Ok(()), Err) }).await;
                if first_err.is_none() && err.is_some() {
                    first_err = err;
                }
                assert_eq!(
                    g.wait().await,
                    first_err.map_or(Ok(()), Err),
                    "after go for errs {:?}",
                    &errs[..=i]
                );
            }
        }
    }

    // Ported from x/sync's errgroup/errgroup_test.go: TestWithContext
    #[tokio::test]
    async fn with_context() {
        let err_doom = "group_test: doomed";
        let cases: [(&[Option<&str>], Option<&str>); 4] = [
            (&[], None),
            (&[None], None),
            (&[Some(err_doom)], Some(err_doom)),
            (&[Some(err_doom), None], Some(err_doom)),
        ];
        for (errs, want) in cases {
            let (g, ctx) = Group::<&str>::with_context(&Context::background());
            for &err in errs {
                g.go(async move { err.map_or(Ok(()), Err) }).await;
            }
            assert_eq!(g.wait().await, want.map_or(Ok(()), Err), "errs {errs:?}");
            assert!(
                ctx.done().is_closed(),
                "errs {errs:?}: ctx.done() was not closed"
            );
        }
    }

    // Ported from x/sync's errgroup/errgroup_test.go: TestTryGo
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn try_go() {
        let g = Group::<()>::new();
        let n = 42;
        g.set_limit(42);
        let ch = gokio::chan::<()>(0);
        let f = |ch: &gokio::Chan<()>| {
            let tx = ch.sender();
            async move {
                tx.send(()).await.unwrap();
                Ok(())
            }
        };
        for i in 0..n {
            assert!(
                g.try_go(f(&ch)),
                "TryGo should succeed but failed at call {i}"
            );
        }
        assert!(!g.try_go(f(&ch)), "TryGo is expected to fail but succeeded");
        let rx = ch.receiver();
        gokio::go(async move {
            for _ in 0..n {
                rx.recv().await;
            }
        });
        g.wait().await.unwrap();

        assert!(
            g.try_go(f(&ch)),
            "TryGo should succeed after all goroutines"
        );
        let rx = ch.receiver();
        gokio::go(async move {
            rx.recv().await;
        });
        g.wait().await.unwrap();

        // Switch limit.
        g.set_limit(1);
        assert!(g.try_go(f(&ch)));
        assert!(!g.try_go(f(&ch)), "TryGo should fail but succeeded");
        let rx = ch.receiver();
        gokio::go(async move {
            rx.recv().await;
        });
        g.wait().await.unwrap();

        // Block all calls.
        g.set_limit(0);
        for _ in 0..1 << 10 {
            assert!(!g.try_go(f(&ch)), "TryGo should fail but succeeded");
        }
        g.wait().await.unwrap();
    }

    // Ported from x/sync's errgroup/errgroup_test.go: TestGoLimit
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn go_limit() {
        const LIMIT: usize = 10;
        let g = Group::<String>::new();
        g.set_limit(LIMIT);
        let active = Arc::new(AtomicUsize::new(0));
        for _ in 0..=1 << 10 {
            let active = Arc::clone(&active);
            g.go(async move {
                let n = active.fetch_add(1, Ordering::SeqCst) + 1;
                if n > LIMIT {
                    return Err(format!("saw {n} active goroutines; want ≤ {LIMIT}"));
                }
                // Give other goroutines a chance to increment active.
                gokio::time::sleep(Duration::from_micros(1)).await;
                active.fetch_sub(1, Ordering::SeqCst);
                Ok(())
            })
            .await;
        }
        g.wait().await.unwrap();
    }

    // Ported from x/sync's errgroup/errgroup_example_md5all_test.go: ExampleGroup_pipeline
    // (MD5All with bounded parallelism). A goroutine calls `g.Wait()` to close the results
    // channel; MD5All calls `g.Wait()` again and must still see the error. The file tree is
    // simulated (one unreadable file) so the test is deterministic.
    async fn md5_all(
        ctx: &Context,
        files: Vec<(String, Result<u32, String>)>,
    ) -> Result<usize, String> {
        let (g, ctx) = Group::<String>::with_context(ctx);
        let paths = gokio::chan::<(String, Result<u32, String>)>(0);
        {
            let (paths, ctx) = (paths.clone(), ctx.clone());
            g.go(async move {
                let _close = CloseOnDrop(paths.clone());
                for file in files {
                    gokio::select! {
                        send(paths, file) -> _ => {}
                        recv(ctx.done()) -> _ => return Err(ctx.err().unwrap().to_string()),
                    }
                }
                Ok(())
            })
            .await;
        }
        let c = gokio::chan::<(String, u32)>(0);
        const NUM_DIGESTERS: usize = 20;
        for _ in 0..NUM_DIGESTERS {
            let (paths, c, ctx) = (paths.receiver(), c.sender(), ctx.clone());
            g.go(async move {
                while let Some((path, data)) = paths.recv().await {
                    let sum = data?; // ioutil.ReadFile failed
                    gokio::select! {
                        send(c, (path, sum)) -> _ => {}
                        recv(ctx.done()) -> _ => return Err(ctx.err().unwrap().to_string()),
                    }
                }
                Ok(())
            })
            .await;
        }
        {
            let (g, c) = (g.clone(), c.clone());
            gokio::go(async move {
                let _ = g.wait().await;
                c.close();
            });
        }
        let rx = c.receiver();
        drop(c);
        let mut m = std::collections::HashMap::new();
        while let Some((path, sum)) = rx.recv().await {
            m.insert(path, sum);
        }
        // Check whether any of the goroutines failed.
        g.wait().await?;
        Ok(m.len())
    }

    struct CloseOnDrop<T>(gokio::Chan<T>);
    impl<T> Drop for CloseOnDrop<T> {
        fn drop(&mut self) {
            self.0.close();
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn pipeline_example() {
        let ok: Vec<_> = (0..100).map(|i| (format!("f{i}"), Ok(i))).collect();
        assert_eq!(md5_all(&Context::background(), ok).await, Ok(100));
        for bad in [0, 50, 99] {
            let files = (0..100)
                .map(|i| {
                    let data = if i == bad {
                        Err(format!("read f{i}: permission denied"))
                    } else {
                        Ok(i)
                    };
                    (format!("f{i}"), data)
                })
                .collect();
            assert_eq!(
                md5_all(&Context::background(), files).await,
                Err(format!("read f{bad}: permission denied")),
                "MD5All must report the failed read, as Go's exits 1"
            );
        }
    }
}
