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
