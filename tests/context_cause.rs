//! `gokio::context` causes (Go 1.20–1.21): `with_cancel_cause`, `with_deadline_cause`,
//! `with_timeout_cause` and `cause`. `err()` stays `Canceled` / `DeadlineExceeded`; the cause
//! of the first cancellation that reaches a context is kept, a parent's included.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::advance;

use gokio::context::{self, Cause};
use gokio::{Context, ContextError};

const MS: Duration = Duration::from_millis(1);

fn error(msg: &str) -> Cause {
    Arc::new(std::io::Error::other(msg.to_string()))
}

/// What a test expects `cause()` to be: Go compares errors by identity (`want != got`).
#[derive(Clone)]
enum Want {
    Nil,
    Is(ContextError),
    Same(Cause),
}

#[track_caller]
fn assert_cause(ctx: &Context, want: &Want, name: &str) {
    let got = context::cause(ctx);
    assert_eq!(
        got.as_ref().map(|c| c.to_string()),
        ctx.cause().map(|c| c.to_string()),
        "{name}: context::cause and ctx.cause agree"
    );
    match (want, got) {
        (Want::Nil, None) => {}
        (Want::Is(err), Some(got)) if got.downcast_ref::<ContextError>() == Some(err) => {}
        (Want::Same(want), Some(got)) if Arc::ptr_eq(want, &got) => {}
        (_, got) => panic!(
            "{name}: Cause(ctx) = {:?}, want {}",
            got.map(|c| c.to_string()),
            match want {
                Want::Nil => "nil".to_string(),
                Want::Is(err) => err.to_string(),
                Want::Same(c) => c.to_string(),
            }
        ),
    }
}

/// Ported from Go's src/context/x_test.go: TestCause.
///
/// Every case of Go's table, in order. Go's `forever` is 1e6 s; its `cancel(nil)` is
/// `cancel(None)`. Go's contexts whose cancel functions are discarded (`ctx, _ =`) are kept
/// alive here to the end of the case, as Go's garbage collector would keep the chain.
#[test]
fn cause() {
    use ContextError::{Canceled, DeadlineExceeded};
    let forever = Duration::from_secs(1_000_000);
    let parent_cause = error("parentCause");
    let child_cause = error("childCause");
    let too_slow = error("tooSlow");
    let finished_early = error("finishedEarly");
    type Case = (
        &'static str,
        Box<dyn Fn() -> Context>,
        Option<ContextError>,
        Want,
    );
    let cases: Vec<Case> = vec![
        ("Background", Box::new(Context::background), None, Want::Nil),
        ("TODO", Box::new(Context::todo), None, Want::Nil),
        (
            "WithCancel",
            Box::new(|| {
                let (ctx, cancel) = Context::background().with_cancel();
                cancel.cancel();
                ctx
            }),
            Some(Canceled),
            Want::Is(Canceled),
        ),
        (
            "WithCancelCause",
            Box::new({
                let parent_cause = parent_cause.clone();
                move || {
                    let (ctx, cancel) = Context::background().with_cancel_cause();
                    cancel.cancel(Some(parent_cause.clone()));
                    ctx
                }
            }),
            Some(Canceled),
            Want::Same(parent_cause.clone()),
        ),
        (
            "WithCancelCause nil",
            Box::new(|| {
                let (ctx, cancel) = Context::background().with_cancel_cause();
                cancel.cancel(None);
                ctx
            }),
            Some(Canceled),
            Want::Is(Canceled),
        ),
        (
            "WithCancelCause: parent cause before child",
            Box::new({
                let (p, c) = (parent_cause.clone(), child_cause.clone());
                move || {
                    let (ctx, cancel_parent) = Context::background().with_cancel_cause();
                    let (ctx, cancel_child) = ctx.with_cancel_cause();
                    cancel_parent.cancel(Some(p.clone()));
                    cancel_child.cancel(Some(c.clone()));
                    ctx
                }
            }),
            Some(Canceled),
            Want::Same(parent_cause.clone()),
        ),
        (
            "WithCancelCause: parent cause after child",
            Box::new({
                let (p, c) = (parent_cause.clone(), child_cause.clone());
                move || {
                    let (ctx, cancel_parent) = Context::background().with_cancel_cause();
                    let (ctx, cancel_child) = ctx.with_cancel_cause();
                    cancel_child.cancel(Some(c.clone()));
                    cancel_parent.cancel(Some(p.clone()));
                    ctx
                }
            }),
            Some(Canceled),
            Want::Same(child_cause.clone()),
        ),
        (
            "WithCancelCause: parent cause before nil",
            Box::new({
                let p = parent_cause.clone();
                move || {
                    let (ctx, cancel_parent) = Context::background().with_cancel_cause();
                    let (ctx, cancel_child) = ctx.with_cancel();
                    cancel_parent.cancel(Some(p.clone()));
                    cancel_child.cancel();
                    ctx
                }
            }),
            Some(Canceled),
            Want::Same(parent_cause.clone()),
        ),
        (
            "WithCancelCause: parent cause after nil",
            Box::new({
                let p = parent_cause.clone();
                move || {
                    let (ctx, cancel_parent) = Context::background().with_cancel_cause();
                    let (ctx, cancel_child) = ctx.with_cancel();
                    cancel_child.cancel();
                    cancel_parent.cancel(Some(p.clone()));
                    ctx
                }
            }),
            Some(Canceled),
            Want::Is(Canceled),
        ),
        (
            "WithCancelCause: child cause after nil",
            Box::new({
                let c = child_cause.clone();
                move || {
                    let (ctx, cancel_parent) = Context::background().with_cancel();
                    let (ctx, cancel_child) = ctx.with_cancel_cause();
                    cancel_parent.cancel();
                    cancel_child.cancel(Some(c.clone()));
                    ctx
                }
            }),
            Some(Canceled),
            Want::Is(Canceled),
        ),
        (
            "WithCancelCause: child cause before nil",
            Box::new({
                let c = child_cause.clone();
                move || {
                    let (ctx, cancel_parent) = Context::background().with_cancel();
                    let (ctx, cancel_child) = ctx.with_cancel_cause();
                    cancel_child.cancel(Some(c.clone()));
                    cancel_parent.cancel();
                    ctx
                }
            }),
            Some(Canceled),
            Want::Same(child_cause.clone()),
        ),
        (
            "WithTimeout",
            Box::new(|| {
                let (ctx, cancel) = Context::background().with_timeout(Duration::ZERO);
                cancel.cancel();
                ctx
            }),
            Some(DeadlineExceeded),
            Want::Is(DeadlineExceeded),
        ),
        (
            "WithTimeout canceled",
            Box::new(move || {
                let (ctx, cancel) = Context::background().with_timeout(forever);
                cancel.cancel();
                ctx
            }),
            Some(Canceled),
            Want::Is(Canceled),
        ),
        (
            "WithTimeoutCause",
            Box::new({
                let t = too_slow.clone();
                move || {
                    let (ctx, cancel) =
                        Context::background().with_timeout_cause(Duration::ZERO, t.clone());
                    cancel.cancel();
                    ctx
                }
            }),
            Some(DeadlineExceeded),
            Want::Same(too_slow.clone()),
        ),
        (
            "WithTimeoutCause canceled",
            Box::new({
                let t = too_slow.clone();
                move || {
                    let (ctx, cancel) =
                        Context::background().with_timeout_cause(forever, t.clone());
                    cancel.cancel();
                    ctx
                }
            }),
            Some(Canceled),
            Want::Is(Canceled),
        ),
        (
            "WithTimeoutCause stacked",
            Box::new({
                let (t, f) = (too_slow.clone(), finished_early.clone());
                move || {
                    let (ctx, cancel) = Context::background().with_cancel_cause();
                    let (ctx, _) = ctx.with_timeout_cause(Duration::ZERO, t.clone());
                    cancel.cancel(Some(f.clone()));
                    ctx
                }
            }),
            Some(DeadlineExceeded),
            Want::Same(too_slow.clone()),
        ),
        (
            "WithTimeoutCause stacked canceled",
            Box::new({
                let (t, f) = (too_slow.clone(), finished_early.clone());
                move || {
                    let (ctx, cancel) = Context::background().with_cancel_cause();
                    let (ctx, _cancel_timeout) = ctx.with_timeout_cause(forever, t.clone());
                    cancel.cancel(Some(f.clone()));
                    ctx
                }
            }),
            Some(Canceled),
            Want::Same(finished_early.clone()),
        ),
        (
            "WithoutCancel",
            Box::new(|| Context::background().without_cancel()),
            None,
            Want::Nil,
        ),
        (
            "WithoutCancel canceled",
            Box::new({
                let f = finished_early.clone();
                move || {
                    let (ctx, cancel) = Context::background().with_cancel_cause();
                    let ctx = ctx.without_cancel();
                    cancel.cancel(Some(f.clone()));
                    ctx
                }
            }),
            None,
            Want::Nil,
        ),
        (
            "WithoutCancel timeout",
            Box::new({
                let t = too_slow.clone();
                move || {
                    let (ctx, cancel) =
                        Context::background().with_timeout_cause(Duration::ZERO, t.clone());
                    let ctx = ctx.without_cancel();
                    cancel.cancel();
                    ctx
                }
            }),
            None,
            Want::Nil,
        ),
    ];
    assert_eq!(cases.len(), 20, "all of Go's cases");
    for (name, make, err, want) in &cases {
        let ctx = make();
        assert_eq!(ctx.err(), *err, "{name}: ctx.Err()");
        assert_cause(&ctx, want, name);
    }
}

/// Ported from Go's src/context/x_test.go: TestCauseRace.
///
/// Polls `cause` (rather than waiting on `done`) while another goroutine cancels, so that the
/// cause is seen only whole and only once set. Go's `runtime.Gosched()` is `yield_now()`.
#[test]
fn cause_race() {
    gokio::run(async {
        let cause = error("TestCauseRace");
        let (ctx, cancel) = Context::background().with_cancel_cause();
        let c = cause.clone();
        gokio::go(async move { cancel.cancel(Some(c)) });
        loop {
            if let Some(err) = context::cause(&ctx) {
                assert!(
                    Arc::ptr_eq(&err, &cause),
                    "Cause returned {err}, want {cause}"
                );
                assert_eq!(ctx.err(), Some(ContextError::Canceled));
                break;
            }
            gokio::yield_now().await;
        }
    });
}

/// Ported from Go's src/context/x_test.go: TestWithCancelCanceledParent.
#[test]
fn with_cancel_canceled_parent() {
    let (parent, pcancel) = Context::background().with_cancel_cause();
    let cause = error("Because!");
    pcancel.cancel(Some(cause.clone()));

    let (c, _cancel) = parent.with_cancel();
    assert!(
        c.done().is_closed(),
        "child not done immediately upon construction"
    );
    assert_eq!(c.err(), Some(ContextError::Canceled), "child not canceled");
    assert_cause(&c, &Want::Same(cause), "child has wrong cause");
}

/// Ported from Go's src/context/x_test.go: TestWithCancelSimultaneouslyCanceledParent.
///
/// The parent is cancelled by another goroutine while the child is being created: either way
/// the child ends with the parent's error and cause. Go's 100 iterations.
#[test]
fn with_cancel_simultaneously_canceled_parent() {
    gokio::run(async {
        for _ in 0..100 {
            let (parent, pcancel) = Context::background().with_cancel_cause();
            let cause = error("Because!");
            let c = cause.clone();
            gokio::go(async move { pcancel.cancel(Some(c)) });

            let (c, _cancel) = parent.with_cancel();
            common::no_hang("child done", c.cancelled()).await;
            assert_eq!(c.err(), Some(ContextError::Canceled), "child not canceled");
            assert_cause(&c, &Want::Same(cause), "child has wrong cause");
        }
    });
}

#[tokio::test(start_paused = true)]
async fn deadline_cause_is_used_when_the_deadline_passes() {
    let too_slow = error("too slow");
    let (ctx, _cancel) = Context::background().with_timeout_cause(10 * MS, too_slow.clone());
    let (child, _c) = ctx.with_cancel_cause();
    advance(9 * MS).await;
    assert_eq!(ctx.err(), None);
    assert!(ctx.cause().is_none(), "no cause before the deadline");
    advance(MS).await;
    assert_eq!(ctx.err(), Some(ContextError::DeadlineExceeded));
    assert_cause(&ctx, &Want::Same(too_slow.clone()), "at the deadline");
    assert_eq!(child.err(), Some(ContextError::DeadlineExceeded));
    assert_cause(
        &child,
        &Want::Same(too_slow),
        "the child takes the parent's cause",
    );
}

#[tokio::test(start_paused = true)]
async fn deadline_cause_with_an_absolute_deadline() {
    let late = error("late");
    let deadline = gokio::time::Instant::now() + 5 * MS;
    let (ctx, _cancel) = Context::background().with_deadline_cause(deadline, late.clone());
    assert_eq!(ctx.deadline(), Some(deadline));
    advance(5 * MS).await;
    assert_eq!(ctx.err(), Some(ContextError::DeadlineExceeded));
    assert_cause(&ctx, &Want::Same(late), "deadline cause");
}

#[tokio::test(start_paused = true)]
async fn cancel_before_the_deadline_has_no_deadline_cause() {
    let too_slow = error("too slow");
    let (ctx, cancel) = Context::background().with_timeout_cause(10 * MS, too_slow);
    cancel.cancel();
    advance(20 * MS).await;
    assert_eq!(ctx.err(), Some(ContextError::Canceled));
    assert_cause(&ctx, &Want::Is(ContextError::Canceled), "cancelled first");
}

/// As in Go, a child whose deadline is later than its parent's is a plain `WithCancel`
/// child: when the parent's deadline passes, the child takes the parent's cause, not its own.
#[tokio::test(start_paused = true)]
async fn later_child_deadline_takes_the_parents_cause() {
    let parent_cause = error("parent deadline");
    let (parent, _p) = Context::background().with_timeout_cause(10 * MS, parent_cause.clone());
    let (child, _c) = parent.with_timeout_cause(20 * MS, error("child deadline"));
    assert_eq!(child.deadline(), parent.deadline());
    advance(10 * MS).await;
    assert_eq!(child.err(), Some(ContextError::DeadlineExceeded));
    assert_cause(&child, &Want::Same(parent_cause), "the parent's cause");
}

/// Go's `WithDeadlineCause` registers with the parent before it looks at the deadline: under
/// an already cancelled parent, a past deadline does not override the parent's error and
/// cause.
#[test]
fn cancelled_parent_wins_over_a_past_deadline_cause() {
    let shutdown = error("shutdown");
    let (parent, cancel) = Context::background().with_cancel_cause();
    cancel.cancel(Some(shutdown.clone()));
    let (child, _c) = parent.with_timeout_cause(Duration::ZERO, error("too slow"));
    assert_eq!(child.err(), Some(ContextError::Canceled));
    assert_cause(&child, &Want::Same(shutdown), "the parent's cause");
}

#[test]
fn parent_cause_reaches_every_descendant_and_err_stays_canceled() {
    let cause = error("shutdown");
    let (root, cancel) = Context::background().with_cancel_cause();
    let (a, _a) = root.with_cancel();
    let (b, _b) = a.with_cancel_cause();
    let (c, _c) = b.with_timeout(Duration::from_secs(3600));
    let valued = c.with_value(&KEY, 1);
    cancel.cancel(Some(cause.clone()));
    for (name, ctx) in [("a", &a), ("b", &b), ("c", &c), ("valued", &valued)] {
        assert_eq!(ctx.err(), Some(ContextError::Canceled), "{name}");
        assert_cause(ctx, &Want::Same(cause.clone()), name);
    }
    // Idempotent: the first cause stays.
    cancel.cancel(Some(error("again")));
    cancel.cancel(None);
    assert_cause(&root, &Want::Same(cause), "root after later cancels");
}

static KEY: gokio::context::ContextKey<u8> = gokio::context::ContextKey::new("key");

/// The cause travels down the explicit work list: a 100,000-deep chain gets the root's cause
/// on a goroutine's 2 MiB stack.
#[test]
fn deep_chain_takes_the_roots_cause() {
    gokio::run(async {
        gokio::go(async {
            let cause = error("deep");
            let (root, cancel) = Context::background().with_cancel_cause();
            let mut ctx = root;
            let mut cancels = Vec::new();
            for _ in 0..100_000 {
                let (c, cc) = ctx.with_cancel();
                ctx = c;
                cancels.push(cc);
            }
            cancel.cancel(Some(cause.clone()));
            assert!(Arc::ptr_eq(&ctx.cause().unwrap(), &cause));
        })
        .join()
        .await
        .unwrap();
    });
}

#[test]
fn cause_types_are_send_sync() {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    assert_send_sync::<Cause>();
    assert_send_sync::<gokio::context::CancelCauseFunc>();
}
