//! `Debug` table: every public handle and future is `Debug` without its value type being
//! `Debug` (as tokio's types are), so that a struct holding one can `#[derive(Debug)]`; and
//! the output says something useful (a channel's address, len, cap; a goroutine's id; where
//! a future stands). `#![warn(missing_debug_implementations)]` in `lib.rs` keeps new types in
//! line; this file checks the `T: Debug`-free part, which the lint does not.
#![allow(dead_code)]

use std::fmt::Debug;

use gokio::sync::{self, singleflight};

/// A value type that is not `Debug`.
#[derive(Clone, Default)]
struct Opaque;

fn debug<T: Debug + ?Sized>() {}

/// The handles and errors; every public future is listed in the next test.
#[test]
fn every_public_type_is_debug_without_t_debug() {
    // Channels.
    debug::<gokio::Chan<Opaque>>();
    debug::<gokio::Sender<Opaque>>();
    debug::<gokio::Receiver<Opaque>>();
    debug::<gokio::SendError<Opaque>>();
    debug::<gokio::TrySendError<Opaque>>();
    debug::<gokio::TryRecvError>();
    // Goroutines.
    debug::<gokio::Goroutine<Opaque>>();
    debug::<gokio::Panic>();
    debug::<gokio::Builder>();
    // Select.
    debug::<gokio::Select<'static, Opaque>>();
    // Sync (the locks show their value, as std's do; their futures are in the next test).
    debug::<gokio::WaitGroup>();
    debug::<gokio::DoneGuard>();
    debug::<gokio::Semaphore>();
    debug::<sync::AcquireError>();
    debug::<gokio::Once>();
    debug::<gokio::Cond>();
    debug::<sync::Group<Opaque>>();
    debug::<singleflight::Group<String, Opaque>>();
    // Context.
    debug::<gokio::Context>();
    debug::<gokio::CancelFunc>();
    debug::<gokio::CancelGuard>();
    debug::<gokio::context::CancelCauseFunc>();
    debug::<gokio::context::StopFunc>();
    debug::<gokio::context::ContextKey<Opaque>>();
    debug::<gokio::ContextError>();
    // Time.
    debug::<gokio::time::Timer>();
    debug::<gokio::time::Ticker>();
}

/// Every public future, by name: none is an opaque `impl Future` any more, and none needs
/// its value type (or closure, or inner future) to be `Debug`.
#[test]
fn every_public_future_is_named_and_debug() {
    type Action = fn() -> std::future::Ready<()>;
    // Goroutines and select.
    debug::<gokio::Join<Opaque>>();
    debug::<gokio::YieldNow>();
    debug::<gokio::RecvAny<'static, Opaque>>();
    debug::<gokio::SelectWait<'static, Opaque>>();
    // Channels.
    debug::<gokio::SendFuture<'static, Opaque>>();
    debug::<gokio::RecvFuture<'static, Opaque>>();
    debug::<gokio::RecvOkFuture<'static, Opaque>>();
    debug::<gokio::ClosedFuture<'static, Opaque>>();
    // Sync.
    debug::<sync::Wait<'static>>();
    debug::<sync::Lock<'static, Opaque>>();
    debug::<sync::LockOwned<Opaque>>();
    debug::<sync::Read<'static, Opaque>>();
    debug::<sync::Write<'static, Opaque>>();
    debug::<sync::ReadOwned<Opaque>>();
    debug::<sync::WriteOwned<Opaque>>();
    debug::<sync::Acquire<'static>>();
    debug::<sync::CondWait<'static, Opaque>>();
    debug::<sync::CondWaitOwned<'static, Opaque>>();
    debug::<sync::CallOnce<'static, Action, std::future::Ready<()>>>();
    debug::<sync::Go<Opaque>>();
    debug::<sync::GroupWait<'static, Opaque>>();
    debug::<singleflight::Do<String, Opaque>>();
    // Context and time.
    debug::<gokio::context::Cancelled>();
    debug::<gokio::time::Sleep>();
    #[cfg(feature = "diagnostics")]
    debug::<gokio::debug::Verify<'static>>();
    #[cfg(feature = "synctest")]
    {
        debug::<gokio::synctest::Sleep>();
        debug::<gokio::synctest::Wait>();
    }
}

#[tokio::test(start_paused = true)]
async fn named_futures_say_where_they_stand() {
    use std::time::Duration;

    let mut nap = tokio_test::task::spawn(gokio::time::sleep(Duration::from_millis(5)));
    assert_eq!(
        format!("{:?}", *nap),
        "Sleep { duration: 5ms, started: false, done: false }"
    );
    tokio_test::assert_pending!(nap.poll());
    assert_eq!(
        format!("{:?}", *nap),
        "Sleep { duration: 5ms, started: true, done: false }"
    );
    tokio::time::advance(Duration::from_millis(5)).await;
    tokio_test::assert_ready!(nap.poll());
    assert_eq!(
        format!("{:?}", *nap),
        "Sleep { duration: 5ms, started: false, done: true }"
    );

    let mut y = tokio_test::task::spawn(gokio::yield_now());
    tokio_test::assert_pending!(y.poll());
    assert_eq!(format!("{:?}", *y), "YieldNow { yielded: true }");
    tokio_test::assert_ready!(y.poll());

    let chans = [gokio::chan::<Opaque>(1), gokio::chan::<Opaque>(1)];
    let mut any = tokio_test::task::spawn(gokio::recv_any(&chans));
    assert!(any.poll().is_pending());
    assert_eq!(
        format!("{:?}", *any),
        "RecvAny { handles: 2, parked: true, done: false }"
    );
    chans[1].try_send(Opaque).ok().unwrap();
    let std::task::Poll::Ready((i, v)) = any.poll() else {
        panic!("a value is ready")
    };
    assert!(i == 1 && v.is_some());
    assert_eq!(
        format!("{:?}", *any),
        "RecvAny { handles: 2, parked: false, done: true }"
    );

    let once = gokio::Once::new();
    let (gate_tx, gate_rx) = gokio::chan::<()>(0).split();
    let mut run = tokio_test::task::spawn(once.call_once(|| async move {
        gate_rx.recv().await;
    }));
    tokio_test::assert_pending!(run.poll());
    assert_eq!(format!("{:?}", *run), "CallOnce { step: Running }");
    let mut wait = tokio_test::task::spawn(once.call_once(|| async {}));
    tokio_test::assert_pending!(wait.poll());
    assert_eq!(format!("{:?}", *wait), "CallOnce { step: Waiting }");
    drop(gate_tx); // closes the gate: the action ends
    tokio_test::assert_ready!(run.poll());
    assert_eq!(format!("{:?}", *run), "CallOnce { step: Done }");
    tokio_test::assert_ready!(wait.poll());

    let g = sync::Group::<Opaque>::new();
    let (gate_tx, gate_rx) = gokio::chan::<()>(0).split();
    let _started = g.go(async move {
        gate_rx.recv().await;
        Ok(())
    });
    let mut done = tokio_test::task::spawn(g.wait());
    assert!(done.poll().is_pending());
    assert_eq!(
        format!("{:?}", *done),
        "GroupWait { waiting: true, done: false }"
    );
    drop(gate_tx);
    while done.poll().is_pending() {
        tokio::task::yield_now().await;
    }
    assert_eq!(
        format!("{:?}", *done),
        "GroupWait { waiting: false, done: true }"
    );
}

#[test]
fn channel_handles_show_the_channel() {
    let ch = gokio::chan::<Opaque>(4);
    ch.try_send(Opaque).ok().unwrap();
    let out = format!("{ch:?}");
    assert!(out.starts_with("Chan { addr: 0x"), "{out}");
    assert!(out.ends_with(", len: 1, cap: 4, closed: false }"), "{out}");
    // Every handle of one channel shows the same address: Go prints a channel as its address.
    let field = |s: &str| {
        s.split(',')
            .next()
            .unwrap()
            .split(": ")
            .nth(1)
            .unwrap()
            .to_owned()
    };
    assert_eq!(field(&format!("{:?}", ch.sender())), field(&out));
    assert_eq!(field(&format!("{:?}", ch.receiver())), field(&out));
    assert_ne!(
        field(&format!("{:?}", gokio::chan::<Opaque>(4))),
        field(&out)
    );
    ch.close();
    assert!(format!("{:?}", ch.receiver()).ends_with("closed: true }"));
}

#[test]
fn channel_futures_say_where_they_stand() {
    let ch = gokio::chan::<Opaque>(0);
    let mut send = tokio_test::task::spawn(ch.send(Opaque));
    assert!(
        format!("{:?}", *send).ends_with(r#"state: "idle" }"#),
        "{:?}",
        *send
    );
    tokio_test::assert_pending!(send.poll());
    let out = format!("{:?}", *send);
    assert!(out.starts_with("SendFuture { addr: 0x"), "{out}");
    assert!(
        out.ends_with(r#"len: 0, cap: 0, closed: false, state: "parked" }"#),
        "{out}"
    );

    let mut recv = tokio_test::task::spawn(ch.recv());
    tokio_test::assert_ready!(recv.poll()).unwrap();
    assert_eq!(format!("{:?}", *recv), r#"RecvFuture { state: "done" }"#);
    let ok = ch.recv_ok();
    assert!(format!("{ok:?}").starts_with("RecvOkFuture(RecvFuture { addr: 0x"));
    assert!(format!("{:?}", ch.closed()).starts_with("ClosedFuture { addr: 0x"));
}

#[tokio::test]
async fn goroutine_handles_show_their_id() {
    let g = gokio::go(async { Opaque });
    let id = g.id();
    let out = format!("{g:?}");
    assert!(
        out.starts_with(&format!("Goroutine {{ id: {id}, finished: ")),
        "{out}"
    );
    let join = g.join();
    assert!(format!("{join:?}").starts_with(&format!("Join {{ id: {id}, ")));
    let _ = join.await;
}

#[tokio::test]
async fn singleflight_do_shows_its_state() {
    let g = singleflight::Group::<&str, u8>::new();
    let call = g.do_("k", async { 1 });
    assert_eq!(format!("{call:?}"), r#"Do { state: "start" }"#);
    assert_eq!(call.await, (1, false));
}

#[test]
fn select_plumbing_is_debug() {
    // What `select!` expands to: a user printing the future of a select sees its cases.
    let ch = gokio::chan::<u8>(1);
    let mut case = gokio::__private::RecvCase::new(&ch);
    let out = format!("{case:?}");
    assert!(
        out.starts_with("RecvCase { chan: Some(Shared { addr: 0x"),
        "{out}"
    );
    let mut cases: [&mut dyn gokio::__private::Case; 1] = [&mut case];
    let fut = gokio::__private::SelectFuture::new(&mut cases, false, true, false);
    assert_eq!(
        format!("{fut:?}"),
        "SelectFuture { cases: 1, biased: false, has_default: true, parked: false }"
    );
}

#[tokio::test]
async fn cancelled_is_a_named_owned_future() {
    // `ctx.cancelled()` names its future: `Debug`, and it owns its handle on the done
    // channel, so it can be stored or moved into a goroutine without the context.
    let (ctx, cancel) = gokio::Context::background().with_cancel();
    let wait: gokio::context::Cancelled = ctx.cancelled();
    assert_eq!(format!("{wait:?}"), "Cancelled { cancelled: false }");
    drop(ctx);
    let g = gokio::go(wait);
    cancel.cancel();
    g.join().await.unwrap();
}
