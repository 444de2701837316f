//! `gokio::context` after-funcs (Go 1.21's `context.AfterFunc`): `f` runs once, in its own
//! goroutine, after the context is done (at once if it already is); `stop` reports whether it
//! kept `f` from running.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::time::Duration;

use common::{advance, no_hang, settle};

use gokio::time::after;
use gokio::{chan, context, select, Context};

const SHORT: Duration = Duration::from_millis(1); // Go's shortDuration
const VERY_LONG: Duration = Duration::from_secs(1000 * 3600); // Go's veryLongDuration

/// Ports of Go's src/context/x_test.go (and afterfunc_test.go) AfterFunc tests, with Go's
/// durations, on gokio's global runtime as Go's tests run on its scheduler.
mod go_after_func {
    use super::*;

    /// Ported from Go's src/context/x_test.go: TestAfterFuncCalledAfterCancel.
    #[test]
    fn called_after_cancel() {
        gokio::run(async {
            let (ctx, cancel) = Context::background().with_cancel();
            let donec = chan::<()>(0);
            let tx = donec.sender();
            let stop = context::after_func(&ctx, move || {
                tx.close();
            });
            select! {
                recv(donec) -> _ => panic!("AfterFunc called before context is done"),
                recv(after(SHORT)) -> _ => {}
            }
            cancel.cancel();
            select! {
                recv(donec) -> _ => {}
                recv(after(VERY_LONG)) -> _ => panic!("AfterFunc not called after context is canceled"),
            }
            assert!(!stop.stop(), "stop() = true, want false");
        });
    }

    /// Ported from Go's src/context/x_test.go: TestAfterFuncCalledAfterTimeout.
    #[test]
    fn called_after_timeout() {
        gokio::run(async {
            let (ctx, cancel) = Context::background().with_timeout(SHORT);
            let _cancel = cancel.drop_guard(); // defer cancel()
            let donec = chan::<()>(0);
            let tx = donec.sender();
            context::after_func(&ctx, move || {
                tx.close();
            });
            select! {
                recv(donec) -> _ => {}
                recv(after(VERY_LONG)) -> _ => panic!("AfterFunc not called after context is canceled"),
            }
        });
    }

    /// Ported from Go's src/context/x_test.go: TestAfterFuncCalledImmediately.
    #[test]
    fn called_immediately() {
        gokio::run(async {
            let (ctx, cancel) = Context::background().with_cancel();
            cancel.cancel();
            let donec = chan::<()>(0);
            let tx = donec.sender();
            context::after_func(&ctx, move || {
                tx.close();
            });
            select! {
                recv(donec) -> _ => {}
                recv(after(VERY_LONG)) -> _ => panic!("AfterFunc not called for already-canceled context"),
            }
        });
    }

    /// Ported from Go's src/context/x_test.go: TestAfterFuncNotCalledAfterStop.
    #[test]
    fn not_called_after_stop() {
        gokio::run(async {
            let (ctx, cancel) = Context::background().with_cancel();
            let donec = chan::<()>(0);
            let tx = donec.sender();
            let stop = context::after_func(&ctx, move || {
                tx.close();
            });
            assert!(stop.stop(), "stop() = false, want true");
            cancel.cancel();
            // A stopped f is dropped: its sender with it, so the channel closes. Keep a
            // sender of our own so that only a call of f could close it.
            let _keep = donec.sender();
            select! {
                recv(donec) -> _ => panic!("AfterFunc called for already-canceled context"),
                recv(after(SHORT)) -> _ => {}
            }
            assert!(!stop.stop(), "stop() = true, want false");
        });
    }

    /// Ported from Go's src/context/x_test.go: TestAfterFuncCalledAsynchronously.
    ///
    /// Cancelling does not wait for f: f blocks on an unbuffered send that only this thread,
    /// after `cancel` returns, receives.
    #[test]
    fn called_asynchronously() {
        let (ctx, cancel) = Context::background().with_cancel();
        let donec = chan::<()>(0);
        let tx = donec.sender();
        let stop = context::after_func(&ctx, move || {
            // The channel send blocks until donec is read from.
            tx.send_blocking(()).unwrap();
        });
        cancel.cancel();
        // After cancel returns, read from donec and unblock the AfterFunc.
        gokio::run(async {
            select! {
                recv(donec) -> _ => {}
                recv(after(VERY_LONG)) -> _ => panic!("AfterFunc not called after context is canceled"),
            }
        });
        stop.stop(); // defer stop()
    }

    /// Ported from Go's src/context/afterfunc_test.go: TestCustomContextAfterFuncUnregisterAfterFunc
    /// (on gokio's own contexts: the registration is undone by stop).
    #[test]
    fn unregister_after_func() {
        let (ctx0, cancel) = Context::background().with_cancel();
        let stop = context::after_func(&ctx0, || {});
        assert_eq!(ctx0.__child_count(), 1, "after AfterFunc(ctx0, f)");
        stop.stop();
        assert_eq!(ctx0.__child_count(), 0, "after stopping AfterFunc(ctx0, f)");
        cancel.cancel();
    }
}

/// Counts calls of the closures it makes.
#[derive(Clone, Default)]
struct Calls(Arc<AtomicUsize>);

impl Calls {
    fn f(&self) -> impl FnOnce() + Send + 'static {
        let n = self.0.clone();
        move || {
            n.fetch_add(1, SeqCst);
        }
    }
    fn get(&self) -> usize {
        self.0.load(SeqCst)
    }
}

#[tokio::test(start_paused = true)]
async fn runs_at_the_deadline_not_before() {
    let calls = Calls::default();
    let (ctx, _cancel) = Context::background().with_timeout(10 * SHORT);
    let stop = ctx.after_func(calls.f());
    advance(9 * SHORT).await;
    assert_eq!(calls.get(), 0);
    advance(SHORT).await;
    assert_eq!(calls.get(), 1);
    assert!(!stop.stop(), "f already started");
}

#[tokio::test(start_paused = true)]
async fn runs_once_per_registration_in_its_own_goroutine() {
    let calls = Calls::default();
    let (ctx, cancel) = Context::background().with_cancel();
    let stops: Vec<_> = (0..5).map(|_| ctx.after_func(calls.f())).collect();
    assert_eq!(ctx.__child_count(), 5);
    cancel.cancel();
    assert_eq!(ctx.__child_count(), 0);
    settle().await;
    assert_eq!(calls.get(), 5, "each f once");
    cancel.cancel();
    settle().await;
    assert_eq!(calls.get(), 5, "never again");
    assert!(stops.iter().all(|s| !s.stop()));
}

#[tokio::test(start_paused = true)]
async fn an_ancestors_cancel_runs_it() {
    let calls = Calls::default();
    let (root, cancel) = Context::background().with_cancel();
    let (mid, _m) = root.with_timeout(VERY_LONG);
    let (leaf, _l) = mid.with_cancel_cause();
    leaf.with_value(&KEY, 1).after_func(calls.f());
    cancel.cancel();
    settle().await;
    assert_eq!(calls.get(), 1);
}

static KEY: gokio::context::ContextKey<u8> = gokio::context::ContextKey::new("key");

/// Go: f stays registered until ctx is done, whatever happens to the variables that held ctx.
/// gokio detaches a context whose handles are all dropped; a pending after-func is one of its
/// handles, so it still runs when an ancestor is cancelled or the deadline passes.
#[tokio::test(start_paused = true)]
async fn a_pending_call_keeps_its_context_attached() {
    let calls = Calls::default();
    let (root, cancel) = Context::background().with_cancel();
    let (ctx, ctx_cancel) = root.with_cancel();
    drop(ctx.after_func(calls.f())); // stop ignored, as in Go
    drop(ctx);
    drop(ctx_cancel);
    assert_eq!(root.__child_count(), 1, "still attached");
    cancel.cancel();
    settle().await;
    assert_eq!(calls.get(), 1);

    let (ctx, ctx_cancel) = Context::background().with_timeout(10 * SHORT);
    ctx.after_func(calls.f());
    drop((ctx, ctx_cancel));
    advance(10 * SHORT).await;
    assert_eq!(calls.get(), 2, "the deadline task still fires");
}

/// Once the call is stopped, nothing keeps a context whose handles are gone: it detaches
/// from its parent as any dropped context does.
#[test]
fn stopping_releases_a_context_kept_only_by_its_call() {
    let (root, cancel) = Context::background().with_cancel();
    let (ctx, ctx_cancel) = root.with_cancel();
    let stop = ctx.after_func(|| {});
    drop((ctx, ctx_cancel));
    assert_eq!(root.__child_count(), 1);
    assert!(stop.stop());
    assert_eq!(root.__child_count(), 0, "detached by the stop");
    cancel.cancel();
}

#[tokio::test(start_paused = true)]
async fn stop_unregisters_and_drops_f() {
    let calls = Calls::default();
    let (ctx, cancel) = Context::background().with_cancel();
    let stop = ctx.after_func(calls.f());
    assert_eq!(Arc::strong_count(&calls.0), 2, "f holds a clone");
    assert!(stop.stop());
    assert_eq!(
        Arc::strong_count(&calls.0),
        1,
        "a stopped f is dropped at once"
    );
    assert_eq!(ctx.__child_count(), 0);
    assert!(!stop.clone().stop(), "clones stop the same call");
    cancel.cancel();
    settle().await;
    assert_eq!(calls.get(), 0);
}

#[tokio::test(start_paused = true)]
async fn never_runs_on_contexts_that_are_never_done() {
    let calls = Calls::default();
    let stop_bg = Context::background().after_func(calls.f());
    let (ctx, cancel) = Context::background().with_cancel();
    let stop_detached = ctx.without_cancel().after_func(calls.f());
    cancel.cancel();
    settle().await;
    assert_eq!(calls.get(), 0);
    assert!(stop_bg.stop());
    assert!(stop_detached.stop());
    assert_eq!(Arc::strong_count(&calls.0), 1);
}

/// Go's `once`: whichever of cancel and stop comes first wins, exactly once, when both race
/// on two threads. 10,000 rounds on a 2-worker runtime.
#[test]
fn stop_racing_cancel_decides_exactly_once() {
    let rt = common::rt2();
    rt.block_on(async {
        let calls = Calls::default();
        let mut stopped = 0;
        for _ in 0..10_000 {
            let (ctx, cancel) = Context::background().with_cancel();
            let stop = ctx.after_func(calls.f());
            let canceller = tokio::spawn(async move { cancel.cancel() });
            if stop.stop() {
                stopped += 1;
            }
            canceller.await.unwrap();
            assert!(!stop.stop());
        }
        no_hang("started calls finish", async {
            while calls.get() + stopped < 10_000 {
                tokio::task::yield_now().await;
            }
        })
        .await;
        settle().await;
        assert_eq!(
            calls.get() + stopped,
            10_000,
            "each f ran or was stopped, not both"
        );
    });
}

/// Cancelling walks a chain with an after-func on every link without recursion, and each
/// runs once: 10,000 links on a goroutine's stack.
#[test]
fn chain_with_an_after_func_on_every_link() {
    gokio::run(async {
        let calls = Calls::default();
        let c = calls.clone();
        gokio::go(async move {
            let (root, cancel) = Context::background().with_cancel();
            let mut ctx = root;
            let mut keep = Vec::new();
            for _ in 0..10_000 {
                let (child, child_cancel) = ctx.with_cancel();
                child.after_func(c.f());
                keep.push(child_cancel);
                ctx = child;
            }
            drop(ctx);
            cancel.cancel();
        })
        .join()
        .await
        .unwrap();
        no_hang("every f runs", async {
            while calls.get() < 10_000 {
                gokio::yield_now().await;
            }
        })
        .await;
    });
}

#[test]
fn stop_func_is_send_sync_clone() {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    assert_send_sync::<gokio::context::StopFunc>();
}
