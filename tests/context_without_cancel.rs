//! `gokio::context::Context::without_cancel` (Go 1.21's `context.WithoutCancel`): a context
//! with its parent's values, never cancelled, no deadline, no error, no cause.

mod common;

use std::time::Duration;

use common::advance;

use gokio::context::ContextKey;
use gokio::{Context, ContextError};

static KEY: ContextKey<&'static str> = ContextKey::new("key");

/// Ported from Go's src/context/x_test.go: TestWithoutCancel.
#[test]
fn without_cancel() {
    let (key, value) = (&KEY, "value");
    let ctx = Context::background().with_value(key, value);
    let ctx = ctx.without_cancel();
    assert_eq!(ctx.deadline(), None, "ctx.Deadline() want zero, false");
    // Go: Done() is nil. gokio: a channel that never closes.
    assert!(!ctx.done().is_closed(), "ctx.Done() never closes");
    assert_eq!(ctx.err(), None, "ctx.Err()");
    assert_eq!(ctx.value(key), Some(&value), "ctx.Value(key)");
}

#[tokio::test(start_paused = true)]
async fn parent_cancel_and_deadline_do_not_reach_it() {
    let (parent, cancel) = Context::background()
        .with_value(&KEY, "request")
        .with_timeout(Duration::from_millis(10));
    let detached = parent.without_cancel();
    assert_eq!(
        detached.deadline(),
        None,
        "the parent's deadline is not kept"
    );
    assert_eq!(
        parent.__child_count(),
        0,
        "nothing registered with the parent"
    );
    advance(Duration::from_millis(10)).await;
    assert_eq!(parent.err(), Some(ContextError::DeadlineExceeded));
    cancel.cancel();
    assert_eq!(detached.err(), None);
    assert!(detached.cause().is_none());
    assert!(!detached.done().is_closed());
    assert_eq!(detached.value(&KEY), Some(&"request"));
}

#[tokio::test(start_paused = true)]
async fn its_children_are_cancelled_by_their_own_cancel_and_deadline_only() {
    let (parent, cancel) = Context::background().with_cancel();
    let detached = parent.without_cancel();
    let (child, child_cancel) = detached.with_cancel();
    let (timed, _t) = detached.with_timeout(Duration::from_millis(5));
    cancel.cancel();
    assert_eq!(
        child.err(),
        None,
        "the parent's cancel does not reach through"
    );
    assert!(timed.deadline().is_some());
    advance(Duration::from_millis(5)).await;
    assert_eq!(timed.err(), Some(ContextError::DeadlineExceeded));
    child_cancel.cancel();
    assert_eq!(child.err(), Some(ContextError::Canceled));
    assert_eq!(detached.err(), None, "nor does a child's");
}
