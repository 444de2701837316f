//! Auto-trait table: every public type and future is `Send`/`Sync`/`Unpin` exactly when it
//! should be (tokio's `tests/async_send_sync.rs` idea). A regression here breaks `go(...)` of
//! user futures that hold gokio values.
#![allow(dead_code, clippy::type_complexity)]

use std::cell::Cell;
use std::rc::Rc;

fn send<T: Send>() {}
fn sync<T: Sync>() {}
fn unpin<T: Unpin>() {}
fn send_future<F: std::future::Future + Send>(_: F) {}

#[test]
fn channel_handles_and_errors() {
    send::<gokio::Chan<u8>>();
    sync::<gokio::Chan<u8>>();
    unpin::<gokio::Chan<u8>>();
    send::<gokio::Sender<u8>>();
    sync::<gokio::Sender<u8>>();
    send::<gokio::Receiver<u8>>();
    sync::<gokio::Receiver<u8>>();
    unpin::<gokio::Receiver<u8>>();
    // Values that are Send but not Sync still make shareable channels (like Go's).
    sync::<gokio::Chan<Cell<u8>>>();
    sync::<gokio::Sender<Cell<u8>>>();
    sync::<gokio::Receiver<Cell<u8>>>();
    send::<gokio::Chan<gokio::Chan<u8>>>();
    send::<gokio::SendError<u8>>();
    sync::<gokio::TrySendError<u8>>();
    send::<gokio::TryRecvError>();
}

#[test]
fn channel_futures() {
    send::<gokio::SendFuture<'static, u8>>();
    send::<gokio::RecvFuture<'static, u8>>();
    send::<gokio::RecvOkFuture<'static, u8>>();
    send::<gokio::ClosedFuture<'static, u8>>();
    unpin::<gokio::SendFuture<'static, u8>>();
    unpin::<gokio::RecvFuture<'static, u8>>();
    let ch = gokio::chan::<u8>(0);
    send_future(ch.send(1));
    send_future(ch.recv());
    send_future(gokio::recv_any(std::slice::from_ref(&ch)));
}

#[test]
fn select_futures_are_send() {
    let (a, b) = (gokio::chan::<u8>(1), gokio::chan::<String>(1));
    send_future(async move {
        gokio::select! {
            recv(a) -> _ => {}
            send(b, String::new()) -> _ => {}
            default => {}
        }
    });
}

#[test]
fn goroutines_and_sync() {
    send::<gokio::Goroutine<u8>>();
    send::<gokio::Join<u8>>();
    send::<gokio::Panic>();
    sync::<gokio::Panic>();
    send::<gokio::WaitGroup>();
    sync::<gokio::WaitGroup>();
    send::<gokio::DoneGuard>();
    send::<gokio::Mutex<u8>>();
    sync::<gokio::Mutex<u8>>();
    sync::<gokio::Mutex<Cell<u8>>>(); // like std: a Mutex makes Send data Sync
    send::<gokio::MutexGuard<'static, u8>>();
    sync::<gokio::MutexGuard<'static, u8>>();
    send::<gokio::OwnedMutexGuard<u8>>();
    send::<gokio::sync::Lock<'static, u8>>();
    send::<gokio::sync::LockOwned<u8>>();
    send::<gokio::RwMutex<u8>>();
    sync::<gokio::RwMutex<u8>>();
    send::<gokio::RwMutexReadGuard<'static, u8>>();
    send::<gokio::RwMutexWriteGuard<'static, u8>>();
    send::<gokio::Semaphore>();
    sync::<gokio::Semaphore>();
    send::<gokio::Once>();
    sync::<gokio::Once>();
    send::<gokio::sync::Group<std::io::Error>>();
    sync::<gokio::sync::Group<std::io::Error>>();
    let m = gokio::Mutex::new(0u8);
    send_future(m.lock());
    let wg = gokio::WaitGroup::new();
    send_future(wg.wait());
}

#[test]
fn time_and_context() {
    send::<gokio::time::Timer>();
    sync::<gokio::time::Timer>();
    send::<gokio::time::Ticker>();
    send::<gokio::Context>();
    sync::<gokio::Context>();
    send::<gokio::CancelFunc>();
    sync::<gokio::CancelFunc>();
    send::<gokio::ContextError>();
}

#[test]
fn not_send_values_make_not_send_channels() {
    // Compile-time facts, written as runtime no-ops so the table reads in one place:
    // `Chan<Rc<u8>>` is neither Send nor Sync (checked by the compile_fail doctests in
    // src/sync/mutex/cell.rs for the guards; here we only use it locally).
    let ch = gokio::chan::<Rc<u8>>(1);
    ch.try_send(Rc::new(1)).unwrap();
    assert_eq!(*ch.try_recv().unwrap(), 1);
}
