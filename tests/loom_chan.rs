//! Loom models of the channel core and of select (DESIGN rules 1, 3, 5; select rules 4, 7).
//!
//! Run with:
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test --release --test loom_chan`
//! (`.ci/run` does, with a separate target directory).
#![cfg(loom)]

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll};

use futures::task::noop_waker;
use gokio::{chan, select, SendError, TryRecvError, TrySendError};
use loom::future::block_on;
use loom::thread;

/// Polls a future once with a waker that does nothing.
fn poll_once<F: Future>(f: std::pin::Pin<&mut F>) -> Poll<F::Output> {
    let waker = noop_waker();
    f.poll(&mut Context::from_waker(&waker))
}

#[test]
fn rendezvous_send_recv() {
    loom::model(|| {
        let ch = chan::<u32>(0);
        let tx = ch.sender();
        let t = thread::spawn(move || block_on(tx.send(7)));
        assert_eq!(block_on(ch.recv()), Some(7));
        assert_eq!(t.join().unwrap(), Ok(()));
    });
}

/// Two rendezvous in a row: the second wait on each side may reuse the entry of the first
/// (the channel's spare entries), racing with the counterpart that completed it.
#[test]
fn rendezvous_twice_reuses_entries() {
    loom::model(|| {
        let ch = chan::<u32>(0);
        let tx = ch.sender();
        let t = thread::spawn(move || {
            block_on(tx.send(1)).unwrap();
            block_on(tx.send(2)).unwrap();
        });
        assert_eq!(block_on(ch.recv()), Some(1));
        assert_eq!(block_on(ch.recv()), Some(2));
        t.join().unwrap();
    });
}

/// Select entries become spares when they leave their queue (claimed, or withdrawn from the
/// losing channel) and are reused by the next select and by plain operations.
#[test]
fn selects_in_a_row_reuse_entries() {
    loom::model(|| {
        let (a, b) = (chan::<u32>(0), chan::<u32>(0));
        let (ta, tb) = (a.sender(), b.sender());
        let t = thread::spawn(move || {
            block_on(ta.send(1)).unwrap();
            block_on(tb.send(2)).unwrap();
        });
        for want in [1, 2] {
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

/// A value sent while a select looks, registers or parks is received exactly once: by the
/// lock-free first look, by the registration that finds the case ready (abort and look
/// again), or by the sender completing the parked select.
#[test]
fn select_receives_a_value_sent_at_any_point() {
    loom::model(|| {
        let (a, b) = (chan::<u32>(1), chan::<u32>(1));
        let ta = a.sender();
        let t = thread::spawn(move || ta.try_send(5).is_ok());
        let got = block_on(async {
            select! {
                recv(a) -> v => v,
                recv(b) -> v => v,
            }
        });
        assert!(t.join().unwrap());
        assert_eq!(got, Some(5));
        assert!(a.try_recv().is_err(), "the value was received twice");
    });
}

#[test]
fn buffered_two_senders_one_receiver() {
    loom::model(|| {
        let ch = chan::<u32>(1);
        let (t1, t2) = (ch.sender(), ch.sender());
        let a = thread::spawn(move || block_on(t1.send(1)));
        let b = thread::spawn(move || block_on(t2.send(2)));
        let x = block_on(ch.recv()).unwrap();
        let y = block_on(ch.recv()).unwrap();
        assert_eq!(x + y, 3);
        a.join().unwrap().unwrap();
        b.join().unwrap().unwrap();
    });
}

#[test]
fn close_races_a_blocked_send() {
    loom::model(|| {
        let ch = chan::<u32>(0);
        let tx = ch.sender();
        let closer = ch.clone();
        let s = thread::spawn(move || block_on(tx.send(5)));
        let c = thread::spawn(move || closer.close());
        // Either the receiver got it before the close, or the sender got it back.
        let got = block_on(ch.recv());
        c.join().unwrap();
        match (got, s.join().unwrap()) {
            (Some(5), Ok(())) => {}
            (None, Err(SendError(5))) => {}
            other => panic!("value lost or duplicated: {other:?}"),
        }
    });
}

#[test]
fn close_drains_buffer_first() {
    loom::model(|| {
        let ch = chan::<u32>(1);
        ch.try_send(1).unwrap();
        let closer = ch.clone();
        let c = thread::spawn(move || closer.close());
        assert_eq!(block_on(ch.recv()), Some(1));
        c.join().unwrap();
        assert_eq!(block_on(ch.recv()), None);
    });
}

#[test]
fn cancelled_recv_never_loses_a_value() {
    loom::model(|| {
        let ch = chan::<u32>(0);
        let tx = ch.sender();
        let s = thread::spawn(move || tx.try_send(9));
        {
            let mut recv = pin!(ch.recv());
            if let Poll::Ready(v) = poll_once(recv.as_mut()) {
                // Received directly: the sender's try_send must have succeeded.
                assert_eq!(v, Some(9));
                assert!(s.join().unwrap().is_ok());
                return;
            }
        } // dropped while parked: a value handed to it goes back
        match s.join().unwrap() {
            Ok(()) => assert_eq!(ch.try_recv(), Ok(9), "handed-off value lost"),
            Err(TrySendError::Full(9)) => assert!(ch.try_recv().is_err()),
            Err(e) => panic!("unexpected {e}"),
        }
    });
}

/// A parked receive polled again (its waker checked and swapped under the channel lock) while
/// a sender completes it, then withdrawn or finished: the value arrives exactly once.
#[test]
fn repolled_recv_races_the_sender() {
    loom::model(|| {
        let ch = chan::<u32>(0);
        let tx = ch.sender();
        let s = thread::spawn(move || tx.try_send(5));
        let mut got = None;
        {
            let mut recv = pin!(ch.recv());
            for _ in 0..2 {
                if let Poll::Ready(v) = poll_once(recv.as_mut()) {
                    got = Some(v.expect("open"));
                    break;
                }
            }
        } // dropped if still parked
        let sent = s.join().unwrap().is_ok();
        let left = ch.try_recv().ok();
        assert_eq!(
            u8::from(got.is_some()) + u8::from(left.is_some()),
            u8::from(sent)
        );
    });
}

#[test]
fn cancelled_send_never_delivers() {
    loom::model(|| {
        let ch = chan::<u32>(0);
        let rx = ch.receiver();
        let r = thread::spawn(move || rx.try_recv());
        let committed;
        {
            let mut send = pin!(ch.send(4));
            committed = poll_once(send.as_mut()).is_ready();
        }
        let got = r.join().unwrap();
        if got == Ok(4) {
            // A receiver may take the value only while the send was live; it then counts as
            // sent. Dropping cannot make it delivered twice, and nothing remains behind.
            assert!(ch.try_recv().is_err());
        } else {
            assert!(!committed || got.is_ok());
            assert!(
                ch.try_recv().is_err(),
                "a dropped send left its value behind"
            );
        }
    });
}

#[test]
fn select_vs_close() {
    loom::model(|| {
        let (a, b) = (chan::<u32>(0), chan::<u32>(0));
        let (ca, tb) = (a.clone(), b.sender());
        let closer = thread::spawn(move || ca.close());
        let sender = thread::spawn(move || tb.try_send(1));
        let got = block_on(async {
            select! {
                recv(a) -> v => (0, v),
                recv(b) -> v => (1, v),
            }
        });
        closer.join().unwrap();
        let sent = sender.join().unwrap();
        match got {
            (0, None) => {
                // Closed won; if the sender handed 1 over, it went to nobody: it must not
                // have succeeded (nobody else was receiving on b).
                assert!(
                    sent.is_err(),
                    "a value was delivered to a select that chose close"
                );
            }
            (1, Some(1)) => assert!(sent.is_ok()),
            other => panic!("impossible outcome {other:?}"),
        }
    });
}

#[test]
fn two_selects_race_for_one_parked_receiver() {
    loom::model(|| {
        let c = chan::<u32>(0);
        let (c1, c2) = (c.clone(), c.clone());
        let s1 = thread::spawn(move || {
            block_on(async {
                select! { send(c1, 1) -> r => r.is_ok(), default => false }
            })
        });
        let s2 = thread::spawn(move || {
            block_on(async {
                select! { send(c2, 2) -> r => r.is_ok(), default => false }
            })
        });
        let mut recv = pin!(c.recv());
        let first = poll_once(recv.as_mut());
        let (ok1, ok2) = (s1.join().unwrap(), s2.join().unwrap());
        let delivered = match first {
            Poll::Ready(v) => v,
            Poll::Pending => match poll_once(recv.as_mut()) {
                Poll::Ready(v) => v,
                Poll::Pending => None,
            },
        };
        // At most one select delivered, and it is exactly the value received.
        assert!(!(ok1 && ok2), "two selects claimed one receiver");
        match delivered {
            Some(1) => assert!(ok1 && !ok2),
            Some(2) => assert!(ok2 && !ok1),
            None => assert!(!ok1 && !ok2),
            Some(v) => panic!("impossible value {v}"),
        }
    });
}

/// Select's lock-free first look (the readiness hint) never hides what happened before it: a
/// value sent, or a close, that the selecting thread knows of through another
/// synchronisation is seen, so `default` is not taken.
#[test]
fn select_default_sees_what_happened_before_it() {
    use loom::sync::atomic::{AtomicBool, Ordering};
    use loom::sync::Arc;

    loom::model(|| {
        let (c, d) = (chan::<u32>(1), chan::<u32>(0));
        // A select on each channel first, so that both keep their readiness hints (a channel
        // no select has used is always looked at under its lock).
        block_on(async {
            select! { recv(c) -> _ => unreachable!(), recv(d) -> _ => unreachable!(), default => {} }
        });
        let flag = Arc::new(AtomicBool::new(false));
        let (tc, td, f) = (c.sender(), d.clone(), flag.clone());
        let t = thread::spawn(move || {
            tc.try_send(7).unwrap();
            td.close();
            f.store(true, Ordering::Release);
        });
        let knew = flag.load(Ordering::Acquire);
        let got = block_on(async {
            select! {
                recv(c) -> v => Some(v),
                default => None,
            }
        });
        let closed = block_on(async {
            select! {
                recv(d) -> v => Some(v),
                default => None,
            }
        });
        if knew {
            assert_eq!(
                got,
                Some(Some(7)),
                "default taken although a value was there"
            );
            assert_eq!(
                closed,
                Some(None),
                "default taken although the channel was closed"
            );
        }
        t.join().unwrap();
        match got {
            Some(v) => assert_eq!(v, Some(7)),
            None => assert_eq!(c.try_recv().ok(), Some(7)),
        }
    });
}

/// Cancel vs close vs receive (issue 15 item 11): a receive parks; one thread hands it a
/// value, another closes the channel, a third receives twice, while the parked receive is
/// dropped. No value is lost or received twice, and once a receive reported "closed" none
/// gets a value later.
#[test]
fn cancel_vs_close_vs_recv_keeps_none_final() {
    loom::model(|| {
        let ch = chan::<u32>(0);
        let mut parked = Box::pin(ch.recv());
        assert!(poll_once(parked.as_mut()).is_pending());
        let tx = ch.sender();
        let s = thread::spawn(move || tx.try_send(7).is_ok());
        let closer = ch.clone();
        let c = thread::spawn(move || closer.close());
        let rx = ch.receiver();
        let r = thread::spawn(move || [rx.try_recv(), rx.try_recv()]);
        drop(parked); // cancelled: a value handed to it goes back, or was taken back by close
        let sent = s.join().unwrap();
        c.join().unwrap();
        let seen = r.join().unwrap();
        let after = ch.try_recv();
        let closed = |x: &Result<u32, TryRecvError>| *x == Err(TryRecvError::Closed);
        if closed(&seen[0]) {
            assert!(closed(&seen[1]), "a value after None: {seen:?}");
        }
        if seen.iter().any(closed) {
            assert!(
                closed(&after),
                "a value after None: {seen:?}, then {after:?}"
            );
        }
        let got = seen.iter().chain([&after]).filter(|x| x.is_ok()).count();
        assert_eq!(got, usize::from(sent), "{seen:?}, then {after:?}");
    });
}

/// The parked receive's owner claims its value while `close` takes it back: exactly one of
/// them gets it, and the owner receives it either way (nobody else receives).
#[test]
fn claim_vs_close_hands_the_value_over_once() {
    loom::model(|| {
        let ch = chan::<u32>(0);
        let mut parked = Box::pin(ch.recv());
        assert!(poll_once(parked.as_mut()).is_pending());
        let tx = ch.sender();
        let s = thread::spawn(move || tx.try_send(7).is_ok());
        let closer = ch.clone();
        let c = thread::spawn(move || closer.close());
        let got = block_on(parked);
        let sent = s.join().unwrap();
        c.join().unwrap();
        assert_eq!(got, sent.then_some(7));
        assert_eq!(ch.try_recv(), Err(TryRecvError::Closed));
    });
}

/// A select's receive case is handed a value, then the select is dropped while the channel
/// closes and another thread receives: as above, through the select's restore path.
#[test]
fn select_cancel_vs_close_keeps_none_final() {
    loom::model(|| {
        let ch = chan::<u32>(0);
        let rx = ch.receiver();
        let mut parked = Box::pin(async {
            select! { recv(rx) -> v => v }
        });
        assert!(poll_once(parked.as_mut()).is_pending());
        let tx = ch.sender();
        let s = thread::spawn(move || tx.try_send(7).is_ok());
        let closer = ch.clone();
        let c = thread::spawn(move || {
            closer.close();
            closer.try_recv()
        });
        drop(parked);
        let sent = s.join().unwrap();
        let seen = c.join().unwrap();
        let after = ch.try_recv();
        if seen == Err(TryRecvError::Closed) {
            assert_eq!(after, Err(TryRecvError::Closed), "a value after None");
        }
        let got = [&seen, &after].iter().filter(|x| x.is_ok()).count();
        assert_eq!(got, usize::from(sent), "{seen:?}, then {after:?}");
    });
}

/// `close` completes parked operations in batches (one at a time under loom), releasing the
/// lock between them (issue 15 item 4). A receive that runs between two batches must not take
/// a parked sender's value: every sender parked before the close gets its value back.
#[test]
fn close_in_batches_hands_every_parked_sender_its_value_back() {
    loom::model(|| {
        let ch = chan::<u32>(0);
        let mut s1 = Box::pin(ch.send(1));
        let mut s2 = Box::pin(ch.send(2));
        assert!(poll_once(s1.as_mut()).is_pending());
        assert!(poll_once(s2.as_mut()).is_pending());
        let closer = ch.clone();
        let c = thread::spawn(move || closer.close());
        let rx = ch.receiver();
        let r = thread::spawn(move || {
            let was_closed = rx.is_closed();
            (was_closed, rx.try_recv())
        });
        let (was_closed, got) = r.join().unwrap();
        assert!(c.join().unwrap());
        if was_closed {
            assert!(
                got.is_err(),
                "a receive after close took a parked sender's value"
            );
        }
        let (r1, r2) = (block_on(s1), block_on(s2));
        for (v, r) in [(1, r1), (2, r2)] {
            if got == Ok(v) {
                assert_eq!(r, Ok(()));
            } else {
                assert_eq!(r, Err(SendError(v)), "a parked sender lost its value");
            }
        }
    });
}

/// With one spare entry under loom, an entry that leaves its queue while the spare is still
/// owned is handed to its owner (`ORPHAN`), which frees it in `finish`: two parked sends taken
/// by a receiver while their owners finish them (issue 15 item 10).
#[test]
fn orphaned_entry_is_freed_by_its_owner() {
    loom::model(|| {
        let ch = chan::<u32>(0);
        let mut s1 = Box::pin(ch.send(1));
        let mut s2 = Box::pin(ch.send(2));
        assert!(poll_once(s1.as_mut()).is_pending());
        assert!(poll_once(s2.as_mut()).is_pending());
        let rx = ch.receiver();
        let r = thread::spawn(move || (rx.try_recv(), rx.try_recv()));
        assert_eq!(block_on(s1), Ok(()));
        assert_eq!(block_on(s2), Ok(()));
        assert_eq!(r.join().unwrap(), (Ok(1), Ok(2)));
    });
}

/// A select's dead entry met in a queue by a sender while the select finishes it, with the
/// channel's one spare still owned: the sender's `ORPHAN` mark and the select's final swap
/// race, and exactly one of them frees the entry (issue 15 item 10).
#[test]
fn orphaned_select_entry_is_freed_once() {
    loom::model(|| {
        let (a, b) = (chan::<u32>(0), chan::<u32>(0));
        let mut r0 = Box::pin(a.recv());
        assert!(poll_once(r0.as_mut()).is_pending());
        let mut sel = Box::pin(async {
            select! {
                recv(a) -> v => v,
                recv(b) -> v => v,
            }
        });
        assert!(poll_once(sel.as_mut()).is_pending());
        // To `r0`, first in `a`'s queue: its entry becomes `a`'s one spare, still owned.
        a.try_send(5).unwrap();
        let (ta, tb) = (a.sender(), b.sender());
        let t1 = thread::spawn(move || tb.try_send(2).is_ok());
        let t2 = thread::spawn(move || ta.try_send(1).is_ok());
        let got = block_on(sel);
        let (sent_b, sent_a) = (t1.join().unwrap(), t2.join().unwrap());
        assert_eq!(u8::from(sent_a) + u8::from(sent_b), 1, "one case wins");
        assert_eq!(got, Some(if sent_a { 1 } else { 2 }));
        assert_eq!(block_on(r0), Some(5));
    });
}

/// A `Receiver` whose stream is parked is dropped while a sender hands it a value: the value
/// goes back to the channel (the `Chan` still receives), never lost (issue 15 item 10).
#[test]
fn receiver_stream_dropped_while_parked() {
    use futures::Stream;
    loom::model(|| {
        let ch = chan::<u32>(0);
        let mut rx = ch.receiver();
        let waker = noop_waker();
        let pending = std::pin::Pin::new(&mut rx)
            .poll_next(&mut Context::from_waker(&waker))
            .is_pending();
        assert!(pending);
        let tx = ch.sender();
        let s = thread::spawn(move || tx.try_send(7).is_ok());
        drop(rx);
        let sent = s.join().unwrap();
        assert_eq!(ch.try_recv().is_ok(), sent, "sent {sent}: lost or invented");
    });
}

/// A `Sender` whose sink has a send parked is dropped while a receiver takes values: the
/// value is received once, or withdrawn and never received — in particular not by a receive
/// that starts after the drop (issue 15 item 10).
#[test]
fn sender_sink_dropped_while_parked() {
    use futures::Sink;
    use loom::sync::atomic::{AtomicBool, Ordering};
    use loom::sync::Arc;
    loom::model(|| {
        let ch = chan::<u32>(0);
        let mut tx = ch.sender();
        let waker = noop_waker();
        let mut cx = Context::from_waker(&waker);
        std::pin::Pin::new(&mut tx).start_send(5).unwrap();
        assert!(std::pin::Pin::new(&mut tx).poll_flush(&mut cx).is_pending());
        let dropped = Arc::new(AtomicBool::new(false));
        let rx = ch.receiver();
        let seen = dropped.clone();
        let r = thread::spawn(move || {
            let after = seen.load(Ordering::SeqCst);
            (after, rx.try_recv())
        });
        drop(tx);
        dropped.store(true, Ordering::SeqCst);
        let (after, got) = r.join().unwrap();
        assert!(got == Ok(5) || got.is_err());
        if after {
            assert!(got.is_err(), "a dropped sink delivered after the drop");
        }
        assert!(
            ch.try_recv().is_err(),
            "a dropped sink left its value behind"
        );
    });
}

/// A parked receive re-polled with a different waker (another task, or `join!`) while a
/// sender completes it: the waker is replaced under the lock (`Queue::rewake`'s replace
/// branch), so the completion wakes the new one (issue 15 item 10).
#[test]
fn repolled_recv_with_a_new_waker_is_woken_through_it() {
    use std::sync::atomic::{AtomicBool, Ordering};
    struct Flag(AtomicBool);
    impl futures::task::ArcWake for Flag {
        fn wake_by_ref(me: &std::sync::Arc<Self>) {
            me.0.store(true, Ordering::SeqCst);
        }
    }
    loom::model(|| {
        let ch = chan::<u32>(0);
        let mut recv = Box::pin(ch.recv());
        assert!(poll_once(recv.as_mut()).is_pending()); // parks with a no-op waker
        let tx = ch.sender();
        let s = thread::spawn(move || tx.try_send(5));
        let flag = std::sync::Arc::new(Flag(AtomicBool::new(false)));
        let waker = futures::task::waker(flag.clone());
        let again = recv.as_mut().poll(&mut Context::from_waker(&waker));
        assert_eq!(
            s.join().unwrap(),
            Ok(()),
            "the receive was parked all along"
        );
        match again {
            Poll::Ready(v) => assert_eq!(v, Some(5)),
            Poll::Pending => {
                assert!(flag.0.load(Ordering::SeqCst), "the old waker was woken");
                assert_eq!(block_on(recv), Some(5));
            }
        }
    });
}
