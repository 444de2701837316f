//! `gokio::context`: cancellation trees with Go's semantics. Deadline tests run on tokio's
//! paused clock.

mod common;

use std::time::Duration;

use common::{advance, settle};

use gokio::time::Instant;
use gokio::{chan, select, Context, ContextError};

const MS: Duration = Duration::from_millis(1);

#[test]
fn error_display_matches_go() {
    assert_eq!(ContextError::Canceled.to_string(), "context canceled");
    assert_eq!(
        ContextError::DeadlineExceeded.to_string(),
        "context deadline exceeded"
    );
    let e: Box<dyn std::error::Error> = Box::new(ContextError::Canceled);
    assert_eq!(e.to_string(), "context canceled");
}

#[test]
fn background_is_never_cancelled() {
    let bg = Context::background();
    assert_eq!(bg.err(), None);
    assert_eq!(bg.deadline(), None);
    assert!(!bg.is_cancelled());
    // A done() receiver of a temporary background context stays open.
    assert!(!Context::background().done().is_closed());
    assert!(!Context::todo().done().is_closed());
}

#[test]
fn cancel_closes_done_and_sets_err() {
    let (ctx, cancel) = Context::background().with_cancel();
    let done = ctx.done();
    assert!(!done.is_closed());
    assert_eq!(ctx.err(), None);
    cancel.cancel();
    assert!(done.is_closed());
    assert_eq!(done.try_recv(), Err(gokio::TryRecvError::Closed));
    assert_eq!(ctx.err(), Some(ContextError::Canceled));
    assert!(
        ctx.done().is_closed(),
        "a done() taken after cancel is closed too"
    );
}

#[test]
fn cancel_func_is_idempotent_and_drop_does_not_cancel() {
    let (ctx, cancel) = Context::background().with_cancel();
    drop(cancel.clone());
    assert_eq!(ctx.err(), None, "dropping a CancelFunc does not cancel");
    cancel.cancel();
    cancel.cancel();
    assert_eq!(ctx.err(), Some(ContextError::Canceled));

    let (ctx, cancel) = Context::background().with_cancel();
    drop(cancel.drop_guard());
    assert_eq!(ctx.err(), Some(ContextError::Canceled));
}

#[tokio::test(start_paused = true)]
async fn deadline_fires_deadline_exceeded() {
    let (ctx, cancel) = Context::background().with_timeout(10 * MS);
    assert!(ctx.deadline().is_some());
    advance(9 * MS).await;
    assert_eq!(ctx.err(), None);
    advance(MS).await;
    assert_eq!(ctx.err(), Some(ContextError::DeadlineExceeded));
    assert!(ctx.done().is_closed());
    cancel.cancel();
    assert_eq!(
        ctx.err(),
        Some(ContextError::DeadlineExceeded),
        "first cause wins"
    );
}

#[tokio::test(start_paused = true)]
async fn past_deadline_is_cancelled_at_once() {
    let (ctx, _cancel) = Context::background().with_deadline(Instant::now());
    assert_eq!(ctx.err(), Some(ContextError::DeadlineExceeded));
}

#[tokio::test(start_paused = true)]
async fn cancel_before_deadline_reports_canceled() {
    let (ctx, cancel) = Context::background().with_timeout(10 * MS);
    cancel.cancel();
    advance(20 * MS).await;
    assert_eq!(ctx.err(), Some(ContextError::Canceled));
}

#[test]
fn parent_cancel_reaches_grandchildren() {
    let (parent, cancel) = Context::background().with_cancel();
    let (child, _c1) = parent.with_cancel();
    let (grandchild, _c2) = child.with_cancel();
    let (sibling, _c3) = parent.with_cancel();
    // Dropping the middle context must not disconnect the grandchild.
    drop(child);
    drop(_c1);
    cancel.cancel();
    assert_eq!(grandchild.err(), Some(ContextError::Canceled));
    assert_eq!(sibling.err(), Some(ContextError::Canceled));
    assert!(grandchild.done().is_closed());
}

#[test]
fn child_of_cancelled_parent_is_born_cancelled() {
    let (parent, cancel) = Context::background().with_cancel();
    cancel.cancel();
    let (child, _c) = parent.with_cancel();
    assert_eq!(child.err(), Some(ContextError::Canceled));
}

#[tokio::test(start_paused = true)]
async fn timed_out_parent_cause_propagates() {
    let (parent, _cancel) = Context::background().with_timeout(10 * MS);
    let (child, _c) = parent.with_cancel();
    let (grandchild, _g) = child.with_timeout(Duration::from_secs(3600));
    advance(10 * MS).await;
    assert_eq!(child.err(), Some(ContextError::DeadlineExceeded));
    assert_eq!(grandchild.err(), Some(ContextError::DeadlineExceeded));
}

#[test]
fn child_cancel_does_not_reach_parent() {
    let (parent, _cancel) = Context::background().with_cancel();
    let (child, cancel_child) = parent.with_cancel();
    let (sibling, _c) = parent.with_cancel();
    cancel_child.cancel();
    assert_eq!(child.err(), Some(ContextError::Canceled));
    assert_eq!(parent.err(), None);
    assert_eq!(sibling.err(), None);
    assert_eq!(parent.__child_count(), 1, "cancel detaches the child");
}

#[tokio::test(start_paused = true)]
async fn child_deadline_capped_by_parent() {
    let (parent, _cancel) = Context::background().with_timeout(10 * MS);
    let (child, _c) = parent.with_timeout(Duration::from_secs(3600));
    assert_eq!(child.deadline(), parent.deadline());
    let (earlier, _e) = parent.with_timeout(5 * MS);
    assert!(earlier.deadline() < parent.deadline());
    advance(5 * MS).await;
    assert_eq!(earlier.err(), Some(ContextError::DeadlineExceeded));
    assert_eq!(
        parent.err(),
        None,
        "a child deadline never cancels the parent"
    );
    advance(5 * MS).await;
    assert_eq!(child.err(), Some(ContextError::DeadlineExceeded));
}

#[tokio::test(start_paused = true)]
async fn cancelled_await_returns_on_cancel() {
    let (ctx, cancel) = Context::background().with_cancel();
    let waiter = {
        let ctx = ctx.clone();
        tokio::spawn(async move {
            ctx.cancelled().await;
            ctx.err()
        })
    };
    settle().await;
    assert!(!waiter.is_finished());
    cancel.cancel();
    assert_eq!(waiter.await.unwrap(), Some(ContextError::Canceled));

    let (ctx, _cancel) = Context::background().with_timeout(10 * MS);
    let start = Instant::now();
    ctx.cancelled().await;
    assert!(Instant::now() >= start + 10 * MS);
}

#[tokio::test(start_paused = true)]
async fn done_in_select() {
    let (ctx, _cancel) = Context::background().with_timeout(10 * MS);
    let work = chan::<i32>(0);
    let mut cancelled = false;
    select! {
        recv(work) -> _ => {}
        recv(ctx.done()) -> v => {
            assert_eq!(v, None);
            cancelled = true;
        }
    }
    assert!(cancelled);
    assert_eq!(ctx.err(), Some(ContextError::DeadlineExceeded));
}

#[tokio::test(start_paused = true)]
async fn dropped_timed_context_ends_its_deadline_task() {
    let metrics = tokio::runtime::Handle::current().metrics();
    let baseline = metrics.num_alive_tasks();
    let (ctx, cancel) = Context::background().with_timeout(Duration::from_secs(3600));
    settle().await;
    assert_eq!(metrics.num_alive_tasks(), baseline + 1);
    drop(ctx);
    drop(cancel);
    settle().await;
    assert_eq!(metrics.num_alive_tasks(), baseline);

    let (_ctx, cancel) = Context::background().with_timeout(Duration::from_secs(3600));
    settle().await;
    cancel.cancel();
    settle().await;
    assert_eq!(metrics.num_alive_tasks(), baseline, "cancel ends the task");
}

#[test]
fn short_lived_children_do_not_accumulate() {
    let (parent, cancel) = Context::background().with_cancel();
    for i in 0..1_000_000 {
        let (child, child_cancel) = parent.with_cancel();
        if i % 2 == 0 {
            child_cancel.cancel(); // detached by cancel
        }
        // odd ones: detached by dropping the context and its CancelFunc
        drop(child);
    }
    assert_eq!(parent.__child_count(), 0);

    let (_keep, _keep_cancel) = parent.with_cancel();
    assert_eq!(parent.__child_count(), 1);
    cancel.cancel();
    assert_eq!(parent.__child_count(), 0);
}

#[tokio::test(start_paused = true)]
async fn context_is_send_sync_across_tasks() {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    assert_send_sync::<Context>();
    assert_send_sync::<gokio::CancelFunc>();
    let (ctx, cancel) = Context::background().with_cancel();
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let ctx = ctx.clone();
            tokio::spawn(async move { ctx.cancelled().await })
        })
        .collect();
    cancel.cancel();
    for w in workers {
        w.await.unwrap();
    }
}

/// Go handles context chains of any depth (its stacks grow); gokio's cancel and drop walk a
/// chain with an explicit work list, so a million-deep chain inside a goroutine (a tokio
/// worker's 2 MiB stack) neither overflows nor aborts.
mod deep {
    use super::*;

    const DEPTH: usize = 1_000_000;

    /// `depth` nested `with_cancel` children of `root`; only the leaf handle is kept (each
    /// child keeps its parent alive), the cancel funcs are dropped (that does not cancel).
    fn cancel_chain(root: &Context, depth: usize) -> Context {
        let mut ctx = root.clone();
        for _ in 0..depth {
            ctx = ctx.with_cancel().0;
        }
        ctx
    }

    /// Runs `f` in a goroutine on a multi-thread runtime's worker (2 MiB stack).
    fn in_goroutine(f: impl FnOnce() + Send + 'static) {
        common::rt2().block_on(async {
            gokio::go(async move { f() })
                .await
                .expect("the goroutine finished without a panic")
        });
    }

    #[test]
    fn million_deep_chain_cancelled_from_the_root() {
        in_goroutine(|| {
            let (root, cancel) = Context::background().with_cancel();
            let leaf = cancel_chain(&root, DEPTH);
            assert_eq!(leaf.err(), None);
            cancel.cancel();
            assert_eq!(leaf.err(), Some(ContextError::Canceled));
            assert!(leaf.done().is_closed());
            drop(leaf);
            assert_eq!(root.__child_count(), 0);
        });
    }

    #[test]
    fn million_deep_chain_dropped() {
        in_goroutine(|| {
            let (root, cancel) = Context::background().with_cancel();
            let leaf = cancel_chain(&root, DEPTH);
            assert_eq!(root.__child_count(), 1);
            drop(leaf);
            assert_eq!(root.__child_count(), 0, "the whole chain detached");
            cancel.cancel();
        });
    }

    /// Dropping the chain from its root side first: the leaf still keeps every link, and a
    /// cancel from the middle reaches it.
    #[test]
    fn million_deep_chain_cancelled_from_the_middle_then_dropped() {
        in_goroutine(|| {
            let (root, cancel_root) = Context::background().with_cancel();
            let middle = cancel_chain(&root, DEPTH / 2);
            let (below, cancel_middle) = middle.with_cancel();
            let leaf = cancel_chain(&below, DEPTH / 2);
            drop((root, middle, below));
            cancel_middle.cancel();
            assert_eq!(leaf.err(), Some(ContextError::Canceled));
            drop(leaf);
            cancel_root.cancel();
        });
    }

    /// A deadline that fires in its background task cancels a million-deep chain below it.
    /// Paused time (on a current-thread runtime, whose tasks run on the test thread's 2 MiB
    /// stack) makes sure the chain is complete before the deadline passes.
    #[test]
    fn million_deep_chain_under_a_firing_deadline() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .start_paused(true)
            .build()
            .unwrap();
        rt.block_on(async {
            gokio::go(async {
                let (root, cancel) = Context::background().with_timeout(10 * MS);
                let leaf = cancel_chain(&root, DEPTH);
                assert_eq!(leaf.err(), None);
                leaf.cancelled().await;
                assert_eq!(leaf.err(), Some(ContextError::DeadlineExceeded));
                cancel.cancel();
                drop(leaf);
            })
            .await
            .unwrap();
        });
    }

    /// Every link with a deadline of its own (each earlier than its parent's, so none is
    /// shortened to a plain `with_cancel`): one deadline task per link.
    #[test]
    fn deep_chain_of_timeouts_cancelled_and_dropped() {
        const TIMED_DEPTH: usize = 100_000;
        common::rt2().block_on(async {
            gokio::go(async {
                let base = Instant::now() + Duration::from_secs(3600);
                let (root, cancel) = Context::background().with_deadline(base);
                let mut leaf = root.clone();
                for i in 1..=TIMED_DEPTH as u32 {
                    leaf = leaf.with_deadline(base - Duration::from_micros(i.into())).0;
                }
                assert_eq!(
                    leaf.deadline(),
                    Some(base - Duration::from_micros(TIMED_DEPTH as u64))
                );
                cancel.cancel();
                assert_eq!(leaf.err(), Some(ContextError::Canceled));
                drop(leaf);

                let (root, cancel) = Context::background().with_deadline(base);
                let mut leaf = root.clone();
                for i in 1..=TIMED_DEPTH as u32 {
                    leaf = leaf.with_deadline(base - Duration::from_micros(i.into())).0;
                }
                drop(leaf);
                assert_eq!(root.__child_count(), 0);
                cancel.cancel();
            })
            .await
            .unwrap();
        });
    }
}
