//! Cancelling a pending `Select` by hand (`SelectWait::cancel`, issue 15 item 12): the caller
//! learns whether a case had already completed between two polls, so a send is never
//! retried after it was delivered, and never believed delivered when it was not.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use futures::poll;
use gokio::{chan, Select};

/// A value that counts its drops.
struct Counted(Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[tokio::test]
async fn cancel_reports_a_send_taken_between_polls() {
    let (a, b) = (chan::<u32>(0), chan::<u32>(0));
    let mut wait = Select::new()
        .send(&a, 1, |r| ("a", r.is_ok()))
        .send(&b, 2, |r| ("b", r.is_ok()))
        .wait();
    assert!(poll!(&mut wait).is_pending()); // both send cases parked
    assert_eq!(b.try_recv(), Ok(2)); // a counterpart takes b's value
    assert_eq!(wait.cancel(), Some(("b", true)));
    assert!(a.try_recv().is_err(), "the other send case sent nothing");
}

#[tokio::test]
async fn cancel_with_nothing_taken_sends_nothing_and_drops_the_values() {
    let drops = Arc::new(AtomicUsize::new(0));
    let a = chan::<Counted>(0);
    let mut wait = Select::new()
        .send(&a, Counted(drops.clone()), |r| r.is_ok())
        .wait();
    assert!(poll!(&mut wait).is_pending());
    assert_eq!(wait.cancel(), None);
    assert_eq!(
        drops.load(Ordering::SeqCst),
        1,
        "the unsent value was dropped"
    );
    assert!(a.try_recv().is_err(), "nothing was sent");
}

#[tokio::test]
async fn cancel_hands_over_a_value_received_between_polls() {
    let a = chan::<u32>(0);
    let mut wait = Select::new().recv(&a, |v| v).wait();
    assert!(poll!(&mut wait).is_pending());
    a.try_send(7).unwrap(); // completes the parked receive case
    assert_eq!(wait.cancel(), Some(Some(7)), "the value goes to the caller");
    assert!(a.try_recv().is_err(), "and is not also put back");
}

#[tokio::test]
async fn cancel_before_any_poll_or_after_completion_is_none() {
    let a = chan::<u32>(1);
    let wait = Select::new().send(&a, 1, |r| r.is_ok()).wait();
    assert_eq!(wait.cancel(), None);
    assert!(a.is_empty(), "an unpolled select sent nothing");
    let mut wait = Select::new().send(&a, 1, |r| r.is_ok()).wait();
    assert_eq!(poll!(&mut wait), std::task::Poll::Ready(true));
    assert_eq!(
        wait.cancel(),
        None,
        "its result was already returned by poll"
    );
    assert_eq!(a.len(), 1);
}

#[test]
fn under_contention_cancel_tells_exactly_which_sends_were_delivered() {
    // Each select offers one value on a rendezvous channel, waits a little, and cancels.
    // What cancel reports as delivered (plus what completed) must be exactly what the
    // receiver got: no value reported undelivered that arrived, none reported delivered that
    // did not.
    const N: u32 = 20_000;
    let rt = common::rt2();
    rt.block_on(async {
        let ch = chan::<u32>(0);
        let rx = ch.receiver();
        let receiver = gokio::go(async move {
            let mut got = Vec::new();
            while let Some(v) = rx.recv().await {
                got.push(v);
            }
            got
        });
        let mut delivered = Vec::new();
        let mut by_cancel = 0;
        for i in 0..N {
            let mut wait = Select::new().send(&ch, i, |r| r.is_ok()).wait();
            let done = match poll!(&mut wait) {
                std::task::Poll::Ready(ok) => Some(ok),
                std::task::Poll::Pending => {
                    // Give the receiver, on the other worker, a varying head start.
                    for _ in 0..(i % 64) * 200 {
                        std::hint::spin_loop();
                    }
                    if i % 3 != 0 {
                        tokio::task::yield_now().await;
                    }
                    let r = wait.cancel();
                    by_cancel += usize::from(r.is_some());
                    r
                }
            };
            if done == Some(true) {
                delivered.push(i);
            }
        }
        ch.close();
        let got = receiver.join().await.unwrap();
        assert_eq!(got, delivered);
        assert!(!got.is_empty());
        eprintln!(
            "{} delivered, {by_cancel} of them learnt by cancel",
            got.len()
        );
    });
}

#[test]
fn select_wait_is_send_and_unpin() {
    fn check<T: Send + Unpin + std::future::Future>(_: &T) {}
    let a = chan::<u32>(0);
    let wait = Select::new()
        .recv(&a, |v| v)
        .future(std::future::ready(()), |()| None)
        .wait();
    check(&wait);
}
