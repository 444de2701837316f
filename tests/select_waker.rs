//! A parked select polled again with another waker drops the waker it replaces outside its
//! token's spin lock (issue 15, item 8): dropping a waker runs executor code, which may do
//! anything, here complete the select itself.

use std::future::Future;
use std::sync::{mpsc, Arc};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use gokio::{chan, select, Chan};

/// A waker that, when its last handle is dropped, sends on a channel the select waits on:
/// the sender then completes the select, which takes its token's waker, under that token's
/// lock.
struct SendOnDrop(Chan<u32>);

impl Wake for SendOnDrop {
    fn wake(self: Arc<Self>) {}
}

impl Drop for SendOnDrop {
    fn drop(&mut self) {
        self.0.try_send(7).expect("the parked select takes it");
    }
}

#[test]
fn a_replaced_waker_is_dropped_outside_the_token_lock() {
    let (done_tx, done_rx) = mpsc::channel();
    // A thread of its own: on the old code it spins forever on the token's lock.
    std::thread::spawn(move || {
        let (a, b) = (chan::<u32>(0), chan::<u32>(0));
        let mut sel = std::pin::pin!(async {
            select! {
                recv(a) -> v => v,
                recv(b) -> _ => unreachable!("nobody sends on b"),
            }
        });
        let first = Waker::from(Arc::new(SendOnDrop(a.clone())));
        assert!(sel
            .as_mut()
            .poll(&mut Context::from_waker(&first))
            .is_pending());
        drop(first); // the select's token holds the last handle now
        let second = futures::task::noop_waker();
        // Replaces (and drops) the first waker, whose drop completes the select.
        let polled = sel.as_mut().poll(&mut Context::from_waker(&second));
        let got = match polled {
            Poll::Ready(v) => v,
            Poll::Pending => match sel.as_mut().poll(&mut Context::from_waker(&second)) {
                Poll::Ready(v) => v,
                Poll::Pending => panic!("the select was completed but is still pending"),
            },
        };
        done_tx.send(got).unwrap();
    });
    let got = done_rx
        .recv_timeout(Duration::from_secs(60))
        .expect("deadlock: the replaced waker was dropped under the token's lock");
    assert_eq!(got, Some(7));
}
