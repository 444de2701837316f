//! The named futures of `time::sleep`, `Once::call_once`, errgroup's `Group::wait`,
//! `recv_any`, `yield_now` and `debug::LeakCheck::verify`: their auto traits (what the
//! opaque `impl Future`s they replace promised, and `Unpin` where nothing is pinned), and
//! the behaviours that moving from an `async` block to a hand-written `poll` could change.
#![cfg(not(loom))]

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

use futures::future::FusedFuture;
use futures::FutureExt;
use gokio::sync::{CallOnce, Group, GroupWait};
use gokio::time::Sleep;
use gokio::{Once, RecvAny, YieldNow};

fn send_sync_unpin<F: Future + Send + Sync + Unpin>() {}
fn send_unpin<F: Future + Send + Unpin>() {}

type Action = fn() -> std::future::Ready<()>;

#[test]
fn auto_traits() {
    send_sync_unpin::<Sleep>();
    send_sync_unpin::<YieldNow>();
    send_sync_unpin::<RecvAny<'static, u8>>();
    send_sync_unpin::<CallOnce<'static, Action, std::future::Ready<()>>>();
    send_unpin::<GroupWait<'static, u8>>();
    #[cfg(feature = "diagnostics")]
    send_unpin::<gokio::debug::Verify<'static>>();
    #[cfg(feature = "synctest")]
    send_unpin::<gokio::synctest::Sleep>();
    fn is_static<T: 'static>() {}
    is_static::<Sleep>();
}

/// A panicking action counts as done (Go's rule) even when the caller catches the panic and
/// keeps the future alive, as the `async` block that unwound its own guard did.
#[tokio::test]
async fn call_once_panic_counts_as_done_even_if_caught() {
    let once = Once::new();
    let mut call = once.call_once(|| async { panic!("init failed") });
    let caught = AssertUnwindSafe(&mut call).catch_unwind().await;
    assert!(caught.is_err());
    assert!(once.is_done());
    assert!(call.is_terminated());
    drop(call);
    assert!(once.is_done());
    let mut ran = false;
    once.call_once(|| async { ran = true }).await;
    assert!(!ran);
}

/// The closure itself panicking (before it returns a future) counts as done too.
#[tokio::test]
async fn call_once_closure_panic_counts_as_done() {
    let once = Once::new();
    let caught =
        AssertUnwindSafe(once.call_once(|| -> std::future::Ready<()> { panic!("no future") }))
            .catch_unwind()
            .await;
    assert!(caught.is_err());
    assert!(once.is_done());
}

/// A future that is not `Unpin` works as an action (it is boxed).
#[tokio::test]
async fn call_once_runs_a_non_unpin_action() {
    let once = Once::new();
    once.call_once(|| async {
        tokio::time::sleep(Duration::from_millis(1)).await;
    })
    .await;
    assert!(once.is_done());
}

/// `yield_now` is `Pending` once, then `Ready`, and fused from then on.
#[test]
fn yield_now_is_fused_after_its_ready() {
    let mut y = gokio::yield_now();
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    assert!(!y.is_terminated());
    assert!(std::pin::Pin::new(&mut y).poll(&mut cx).is_pending());
    assert!(!y.is_terminated());
    assert!(std::pin::Pin::new(&mut y).poll(&mut cx).is_ready());
    assert!(y.is_terminated());
}

#[tokio::test(start_paused = true)]
async fn sleep_is_fused_and_zero_is_ready_at_once() {
    let mut zero = gokio::time::sleep(Duration::ZERO);
    assert!(!zero.is_terminated());
    assert!((&mut zero).now_or_never().is_some());
    assert!(zero.is_terminated());
    let start = tokio::time::Instant::now();
    let mut nap = gokio::time::sleep(Duration::from_secs(3));
    (&mut nap).await;
    assert!(nap.is_terminated());
    assert_eq!(start.elapsed(), Duration::from_secs(3));
    // `futures::select!` needs `FusedFuture + Unpin`: a `Sleep` goes in as it is.
    let ch = gokio::chan::<u8>(1);
    let mut timeout = gokio::time::sleep(Duration::from_secs(1));
    let mut recv = Box::pin(ch.recv().fuse());
    futures::select! {
        _ = recv => panic!("nothing was sent"),
        () = timeout => {}
    }
}

#[tokio::test]
async fn recv_any_dropped_after_parking_loses_nothing() {
    let chans = [gokio::chan::<u32>(1), gokio::chan::<u32>(1)];
    let mut any = recv_any_spawned(&chans);
    assert!(any.poll().is_pending());
    drop(any);
    chans[0].send(5).await.unwrap();
    assert_eq!(gokio::recv_any(&chans).await, (0, Some(5)));
}

fn recv_any_spawned(chans: &[gokio::Chan<u32>]) -> tokio_test::task::Spawn<RecvAny<'_, u32>> {
    tokio_test::task::spawn(gokio::recv_any(chans))
}

#[tokio::test]
async fn group_wait_is_fused_and_every_wait_sees_the_first_error() {
    let g = Group::<&str>::new();
    g.go(async { Err("first") }).await;
    let mut w = g.wait();
    assert_eq!((&mut w).await, Err("first"));
    assert!(w.is_terminated());
    assert_eq!(g.wait().await, Err("first"));
}
