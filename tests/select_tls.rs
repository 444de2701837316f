//! A select that parks inside a thread local's destructor (issue 15, item 5): the pool of
//! select tokens is itself a thread local, and may already be destroyed. The select must
//! fall back to an unpooled token; before, it aborted the process ("cannot access a Thread
//! Local Storage value during or after destruction"). crossbeam-channel has the same kind of
//! test: a channel used from a thread-local destructor.

use std::cell::RefCell;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::Thread;

use gokio::{chan, select, Chan};

/// Wakes a thread parked in [`block_on`].
struct Unpark(Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// A `block_on` that uses no thread local of its own (so that it works in a destructor),
/// setting `parked` each time the future returns `Pending`.
fn block_on<F: Future>(fut: F, parked: &AtomicBool) -> F::Output {
    let mut fut = std::pin::pin!(fut);
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        match fut.as_mut().poll(&mut cx) {
            Poll::Ready(v) => return v,
            Poll::Pending => {
                parked.store(true, Ordering::Release);
                std::thread::park();
            }
        }
    }
}

/// Selects over `a` and `b` until another thread sends on `a` once the select parked.
fn park_and_receive(a: &Chan<u32>, b: &Chan<u32>, parked: &Arc<AtomicBool>) -> Option<u32> {
    parked.store(false, Ordering::Release);
    let (tx, flag) = (a.sender(), parked.clone());
    let sender = std::thread::spawn(move || {
        while !flag.load(Ordering::Acquire) {
            std::thread::yield_now();
        }
        tx.send_blocking(7).unwrap();
    });
    let got = block_on(
        async {
            select! {
                recv(a) -> v => v,
                recv(b) -> _ => unreachable!("nobody sends on b"),
            }
        },
        parked,
    );
    sender.join().unwrap();
    got
}

/// Runs a parking select when the thread's locals are destroyed.
struct SelectOnDrop {
    a: Chan<u32>,
    b: Chan<u32>,
    parked: Arc<AtomicBool>,
    result: Chan<Option<u32>>,
}

impl Drop for SelectOnDrop {
    fn drop(&mut self) {
        let got = park_and_receive(&self.a, &self.b, &self.parked);
        self.result.try_send(got).unwrap();
    }
}

thread_local! {
    static GUARD: RefCell<Option<SelectOnDrop>> = const { RefCell::new(None) };
}

#[test]
fn a_select_parks_in_a_thread_local_destructor() {
    let result = chan::<Option<u32>>(1);
    let r = result.clone();
    std::thread::spawn(move || {
        let (a, b, parked) = (
            chan::<u32>(0),
            chan::<u32>(0),
            Arc::new(AtomicBool::new(false)),
        );
        // The guard's thread local is registered first, so it is destroyed last: after the
        // token pool's, which the parking select below registers.
        GUARD.with(|g| {
            *g.borrow_mut() = Some(SelectOnDrop {
                a: a.clone(),
                b: b.clone(),
                parked: parked.clone(),
                result: r,
            })
        });
        assert_eq!(park_and_receive(&a, &b, &parked), Some(7));
    })
    .join()
    .expect("the thread (and its thread-local destructors) finished without a panic");
    assert_eq!(
        result.try_recv(),
        Ok(Some(7)),
        "the select in the destructor parked and received"
    );
}
