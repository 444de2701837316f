//! Loom models of `select`: the linearizable `default`, the token pool, re-polls with another
//! waker, a parked select dropped after a case won, two counterparts racing for one parked
//! select, a select with a send and a receive case on the same channel, and a `fut(..)` arm
//! racing a parked case.
//!
//! Run with:
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test --release --test loom_select`
//! (`.ci/run` does, with a separate target directory).
#![cfg(loom)]

use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::Arc as StdArc;
use std::task::{Context, Poll, Wake, Waker};

use futures::task::noop_waker;
use gokio::{chan, select, Chan, Select, TryRecvError, TrySendError};
use loom::future::block_on;
use loom::thread;

/// Polls `f` once with `waker`.
fn poll_with<F: Future>(f: Pin<&mut F>, waker: &Waker) -> Poll<F::Output> {
    f.poll(&mut Context::from_waker(waker))
}

/// A waker that unparks one loom thread: a model that parks on it deadlocks (and fails) if
/// the wake-up goes to another waker.
struct Unpark(thread::Thread);

impl Wake for Unpark {
    fn wake(self: StdArc<Self>) {
        self.0.unpark();
    }
}

/// Polls `f` with `first` once, then with a waker of this thread until it is ready, parking
/// in between: the second waker replaces the first, and must be the one woken.
fn poll_rewaked<F: Future>(mut f: Pin<&mut F>, first: &Waker) -> F::Output {
    if let Poll::Ready(v) = poll_with(f.as_mut(), first) {
        return v;
    }
    let second = Waker::from(StdArc::new(Unpark(thread::current())));
    loop {
        if let Poll::Ready(v) = poll_with(f.as_mut(), &second) {
            return v;
        }
        thread::park();
    }
}

/// Two channels whose readiness hints are on (a select has used both), `a` empty and `b`
/// holding `5`.
fn a_empty_b_full() -> (Chan<u32>, Chan<u32>) {
    let (a, b) = (chan::<u32>(1), chan::<u32>(1));
    block_on(async {
        select! { recv(a) -> _ => unreachable!(), recv(b) -> _ => unreachable!(), default => {} }
    });
    b.try_send(5).unwrap();
    (a, b)
}

/// The race of the linearizable-`default` models: [`a_empty_b_full`], and a thread that
/// fills `a` and then drains `b`, so that at every instant `a` or `b` holds a value. The
/// thread returns what it drained (`None` if the select took `b`'s value first).
fn a_filled_then_b_drained() -> (Chan<u32>, Chan<u32>, thread::JoinHandle<Option<u32>>) {
    let (a, b) = a_empty_b_full();
    let (ta, tb) = (a.clone(), b.clone());
    let t = thread::spawn(move || {
        ta.try_send(1).unwrap();
        tb.try_recv().ok()
    });
    (a, b, t)
}

/// What a select with `default` in [`a_filled_then_b_drained`]'s race must show: it did not
/// take `default` (`got` is `Some`), and nothing was lost or duplicated: 1 and 5 each end up
/// in exactly one place (the select, the thread, or still in `a` or `b`).
fn check_no_default_nothing_lost(
    got: Option<Option<u32>>,
    t: thread::JoinHandle<Option<u32>>,
    a: &Chan<u32>,
    b: &Chan<u32>,
) {
    assert!(
        got.is_some(),
        "default taken while a case was ready at every instant"
    );
    let drained = t.join().unwrap();
    let mut seen = vec![got.flatten(), drained, a.try_recv().ok(), b.try_recv().ok()];
    seen.retain(Option::is_some);
    seen.sort();
    assert_eq!(seen, [Some(1), Some(5)]);
}

/// Item 1 of issue 15, `select!`: another thread fills `a` and then drains `b`, so at every
/// instant `a` or `b` holds a value. A select with `default` over both must never take
/// `default`: there was no instant at which no case was ready. (Before, the select read `a`'s
/// hint, the thread ran both operations, the select read `b`'s hint, and took `default`.)
#[test]
fn default_is_linearizable() {
    loom::model(|| {
        let (a, b, t) = a_filled_then_b_drained();
        let got = block_on(async {
            select! {
                biased;
                recv(a) -> v => Some(v),
                recv(b) -> v => Some(v),
                default => None,
            }
        });
        check_no_default_nothing_lost(got, t, &a, &b);
    });
}

/// As [`default_is_linearizable`], through the run-time [`Select`] (the `SelectFuture` path,
/// not `select!`'s inline first look).
#[test]
fn builder_default_is_linearizable() {
    loom::model(|| {
        let (a, b, t) = a_filled_then_b_drained();
        let got = block_on(
            Select::new()
                .biased()
                .recv(&a, Some)
                .recv(&b, Some)
                .default(|| None)
                .wait(),
        );
        check_no_default_nothing_lost(got, t, &a, &b);
    });
}

/// As [`default_is_linearizable`], for a select of more than 32 cases (31 of them nil): it
/// skips the lock-free look, so its locked pass takes one lock at a time, and "no case
/// ready" is then confirmed with every channel locked at once (Go's `sellock`).
#[test]
fn large_select_default_is_linearizable() {
    loom::model(|| {
        let (a, b, t) = a_filled_then_b_drained();
        let nil: Option<Chan<u32>> = None;
        let mut sel = Select::new().biased().recv(&a, Some).recv(&b, Some);
        for _ in 0..31 {
            sel = sel.recv(&nil, |_| unreachable!("a nil case"));
        }
        let got = block_on(sel.default(|| None).wait());
        check_no_default_nothing_lost(got, t, &a, &b);
    });
}

/// Item 10: select tokens come from a per-thread pool (one token under loom) and are reused
/// only once no entry refers to them. Three parked selects in a row on one thread, each
/// completed by the other thread, reuse the token of the one before (or allocate, if a
/// spare entry of a channel still refers to it); each gets its own value.
#[test]
fn parked_selects_reuse_pooled_tokens() {
    loom::model(|| {
        let (a, b) = (chan::<u32>(0), chan::<u32>(0));
        let (ta, tb) = (a.sender(), b.sender());
        let t = thread::spawn(move || {
            block_on(ta.send(1)).unwrap();
            block_on(tb.send(2)).unwrap();
            block_on(ta.send(3)).unwrap();
        });
        for want in [1, 2, 3] {
            let got = block_on(async {
                select! {
                    recv(a) -> v => v,
                    recv(b) -> v => v,
                }
            });
            assert_eq!(got, Some(want));
        }
        t.join().unwrap();
    });
}

/// Item 10: a parked select polled again with another waker (the token's waker is replaced)
/// while a sender completes it: the new waker is the one woken (else this model deadlocks),
/// and the value arrives once.
#[test]
fn repolled_select_wakes_the_new_waker() {
    loom::model(|| {
        let (a, b) = (chan::<u32>(0), chan::<u32>(0));
        let ta = a.sender();
        let t = thread::spawn(move || block_on(ta.send(7)));
        let got = poll_rewaked(
            pin!(async {
                select! {
                    recv(a) -> v => v,
                    recv(b) -> v => v,
                }
            }),
            &noop_waker(),
        );
        assert_eq!(got, Some(7));
        assert_eq!(t.join().unwrap(), Ok(()));
    });
}

/// Item 10: the replace branch of a parked plain receive's re-poll (`Queue::rewake`): the
/// new waker is swapped in under the channel lock and is the one the sender wakes.
#[test]
fn repolled_recv_wakes_the_new_waker() {
    loom::model(|| {
        let ch = chan::<u32>(0);
        let tx = ch.sender();
        let t = thread::spawn(move || block_on(tx.send(7)));
        assert_eq!(poll_rewaked(pin!(ch.recv()), &noop_waker()), Some(7));
        assert_eq!(t.join().unwrap(), Ok(()));
    });
}

/// Item 10: a parked select is dropped while a sender may be completing its receive case:
/// a value handed over goes back to the channel, so it is received exactly once if and only
/// if the send succeeded.
#[test]
fn parked_select_dropped_after_a_recv_case_won() {
    loom::model(|| {
        let (a, b) = (chan::<u32>(0), chan::<u32>(0));
        let ta = a.sender();
        let mut got = None;
        let t;
        {
            let mut sel = pin!(async {
                select! {
                    recv(a) -> v => v,
                    recv(b) -> v => v,
                }
            });
            assert!(poll_with(sel.as_mut(), &noop_waker()).is_pending());
            t = thread::spawn(move || ta.try_send(7));
            if let Poll::Ready(v) = poll_with(sel.as_mut(), &noop_waker()) {
                got = v;
            }
        } // dropped, maybe after the sender completed it
        let sent = t.join().unwrap().is_ok();
        let left = a.try_recv().ok();
        assert_eq!(
            u8::from(got.is_some()) + u8::from(left.is_some()),
            u8::from(sent),
            "sent {sent}, got {got:?}, left {left:?}"
        );
    });
}

/// Item 10: a parked select is dropped while a receiver may be taking its send case's value:
/// the value is received at most once and never left behind; it was sent if and only if the
/// receiver has it.
#[test]
fn parked_select_dropped_after_a_send_case_won() {
    loom::model(|| {
        let (a, b) = (chan::<u32>(0), chan::<u32>(0));
        let ra = a.receiver();
        let t;
        {
            let mut sel = pin!(async {
                select! {
                    send(a, 7) -> r => r.is_ok(),
                    recv(b) -> _ => false,
                }
            });
            assert!(poll_with(sel.as_mut(), &noop_waker()).is_pending());
            t = thread::spawn(move || ra.try_recv());
            let _ = poll_with(sel.as_mut(), &noop_waker());
        }
        let taken = t.join().unwrap();
        assert!(matches!(taken, Ok(7) | Err(TryRecvError::Empty)));
        assert_eq!(
            a.try_recv(),
            Err(TryRecvError::Empty),
            "nothing left behind"
        );
    });
}

/// Item 10: two counterparts race for one parked select: exactly one completes it (the other
/// finds no receiver), and the select returns that one's value.
#[test]
fn two_senders_race_for_one_parked_select() {
    loom::model(|| {
        let (a, b) = (chan::<u32>(0), chan::<u32>(0));
        let (ta, tb) = (a.sender(), b.sender());
        let mut sel = pin!(async {
            select! {
                recv(a) -> v => v,
                recv(b) -> v => v,
            }
        });
        assert!(poll_with(sel.as_mut(), &noop_waker()).is_pending());
        let t1 = thread::spawn(move || ta.try_send(1));
        let t2 = thread::spawn(move || tb.try_send(2));
        let (r1, r2) = (t1.join().unwrap(), t2.join().unwrap());
        let got = match poll_with(sel.as_mut(), &noop_waker()) {
            Poll::Ready(v) => v,
            Poll::Pending => panic!("both sends ran; one must have completed the select"),
        };
        match got {
            Some(1) => assert!(r1.is_ok() && matches!(r2, Err(TrySendError::Full(2)))),
            Some(2) => assert!(r2.is_ok() && matches!(r1, Err(TrySendError::Full(1)))),
            other => panic!("impossible {other:?}"),
        }
    });
}

/// Item 10: a select with a send and a receive case on the same channel never pairs with
/// itself; a receiver on another thread takes the send case's value.
#[test]
fn self_select_pairs_only_with_others() {
    loom::model(|| {
        let a = chan::<u32>(0);
        let ra = a.receiver();
        let t = thread::spawn(move || block_on(ra.recv()));
        let got = block_on(async {
            select! {
                send(a, 1) -> r => r.map(|()| "sent").unwrap_or("closed"),
                recv(a) -> _ => "received",
            }
        });
        assert_eq!(got, "sent");
        assert_eq!(t.join().unwrap(), Some(1));
    });
}

/// A `fut(..)` arm next to a parked receive case: one thread completes the parked case (its
/// sender claims the select's token) while another makes the future ready (its wake-up
/// makes the select abort the token and poll the future). Exactly one wins, and neither
/// value is lost: a future is polled only once the token is aborted, so a `Ready` output
/// always wins (polling it before the abort would drop `2` whenever the token was already
/// claimed), and the future that lost was dropped unfinished (a gokio `recv()` puts back
/// a value handed to it).
#[test]
fn future_arm_and_parked_case_commit_once() {
    loom::model(|| {
        let (a, b) = (chan::<u32>(1), chan::<u32>(1));
        let (ta, tb) = (a.clone(), b.clone());
        let t1 = thread::spawn(move || ta.try_send(1).unwrap());
        let t2 = thread::spawn(move || tb.try_send(2).unwrap());
        // `block_on`'s waker, not `poll_rewaked`'s: two parties wake this thread here (the
        // token's claimer and the future's), and loom lets a `thread::unpark` resume a
        // thread that is blocked on a mutex.
        let got = block_on(async {
            select! {
                recv(a) -> v => v,
                fut(b.recv()) -> v => v,
            }
        });
        t1.join().unwrap();
        t2.join().unwrap();
        let mut seen = vec![got, a.try_recv().ok(), b.try_recv().ok()];
        seen.retain(Option::is_some);
        seen.sort();
        assert_eq!(seen, [Some(1), Some(2)], "one value lost or doubled");
    });
}
