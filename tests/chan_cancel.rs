//! Cancellation fuzz (DESIGN rule 5): send and receive futures are polled and dropped at
//! random points, deterministically (seeded), at the poll level. After every run:
//! * no value is received twice;
//! * a value is received only if its send completed, or the send was committed by a receiver
//!   before its future was dropped (it had been woken: it would have resolved `Ok`);
//! * every value whose send resolved `Ok` is received (nothing is lost, including values
//!   handed to receive futures that were dropped before returning them);
//! * once a receive returned `None`, no later receive returns a value.

mod common;

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::pin::Pin;

use gokio::{chan, Chan, SendError};
use tokio_test::task::{spawn, Spawn};

type Fut<'a, T> = Spawn<Pin<Box<dyn Future<Output = T> + 'a>>>;
type SendFut<'a> = Fut<'a, Result<(), SendError<u32>>>;

#[derive(Debug, PartialEq)]
enum SendFate {
    Ok,
    DroppedAfterWake,
    Dropped,
    Closed,
}

fn run_case(seed: u64, cap: usize) {
    let mut rng = fastrand::Rng::with_seed(seed);
    let ch: Chan<u32> = chan(cap);
    let n_send = rng.u32(1..12);
    let n_recv = rng.usize(1..12);
    let mut sends: Vec<(u32, Option<SendFut<'_>>)> = (0..n_send)
        .map(|v| {
            (
                v,
                Some(spawn(
                    Box::pin(ch.send(v)) as Pin<Box<dyn Future<Output = _>>>
                )),
            )
        })
        .collect();
    let mut recvs: Vec<Option<Fut<'_, Option<u32>>>> = (0..n_recv)
        .map(|_| {
            Some(spawn(
                Box::pin(ch.recv()) as Pin<Box<dyn Future<Output = _>>>
            ))
        })
        .collect();
    let mut fate: HashMap<u32, SendFate> = HashMap::new();
    let mut received: Vec<u32> = Vec::new();
    // Once a receive returned `None`, every later one does (DESIGN rule 5).
    let mut none_seen = false;
    let mut got = |r: Option<u32>, received: &mut Vec<u32>| {
        assert!(
            !(none_seen && r.is_some()),
            "seed {seed} cap {cap}: {r:?} after None"
        );
        none_seen |= r.is_none();
        received.extend(r);
    };

    for _ in 0..rng.usize(1..60) {
        if rng.bool() {
            let i = rng.usize(..sends.len());
            let (v, slot) = &mut sends[i];
            if let Some(f) = slot {
                if rng.u8(..4) == 0 {
                    let f = slot.take().unwrap();
                    let woken = f.is_woken();
                    drop(f);
                    fate.insert(
                        *v,
                        if woken {
                            SendFate::DroppedAfterWake
                        } else {
                            SendFate::Dropped
                        },
                    );
                } else if let std::task::Poll::Ready(r) = f.poll() {
                    fate.insert(
                        *v,
                        if r.is_ok() {
                            SendFate::Ok
                        } else {
                            SendFate::Closed
                        },
                    );
                    *slot = None;
                }
            }
        } else {
            let i = rng.usize(..recvs.len());
            if let Some(f) = &mut recvs[i] {
                if rng.u8(..4) == 0 {
                    recvs[i] = None; // dropped: a value handed to it must go back
                } else if let std::task::Poll::Ready(r) = f.poll() {
                    got(r, &mut received);
                    recvs[i] = None;
                }
            }
        }
        if rng.u8(..40) == 0 {
            ch.close();
        }
    }
    // Settle: poll what is left once, then drop everything and drain the buffer.
    for (v, slot) in &mut sends {
        if let Some(mut f) = slot.take() {
            match f.poll() {
                std::task::Poll::Ready(Ok(())) => fate.insert(*v, SendFate::Ok),
                std::task::Poll::Ready(Err(_)) => fate.insert(*v, SendFate::Closed),
                std::task::Poll::Pending => fate.insert(*v, SendFate::Dropped),
            };
        }
    }
    for slot in &mut recvs {
        if let Some(mut f) = slot.take()
            && let std::task::Poll::Ready(r) = f.poll()
        {
            got(r, &mut received);
        }
    }
    while let Ok(v) = ch.try_recv() {
        got(Some(v), &mut received);
    }

    let unique: HashSet<u32> = received.iter().copied().collect();
    assert_eq!(
        unique.len(),
        received.len(),
        "seed {seed} cap {cap}: duplicate in {received:?}"
    );
    for v in &received {
        let f = fate.get(v);
        assert!(
            matches!(f, Some(SendFate::Ok) | Some(SendFate::DroppedAfterWake)),
            "seed {seed} cap {cap}: received {v} whose send was {f:?}"
        );
    }
    for (v, f) in &fate {
        if *f == SendFate::Ok {
            assert!(
                unique.contains(v),
                "seed {seed} cap {cap}: value {v} sent Ok but lost"
            );
        }
    }
}

#[test]
fn random_drops_never_lose_or_duplicate_unbuffered() {
    for seed in 0..3_000 {
        run_case(seed, 0);
    }
}

#[test]
fn random_drops_never_lose_or_duplicate_buffered() {
    for seed in 0..3_000 {
        run_case(seed, 1 + (seed as usize % 4));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeouts_on_both_sides_keep_exactly_once() {
    // Multi-threaded: senders and receivers give up after random tiny timeouts. A value a
    // sender saw as sent must arrive; nothing may arrive twice.
    use std::time::Duration;
    for cap in [0usize, 2] {
        let ch = chan::<u64>(cap);
        let mut producers = Vec::new();
        for p in 0..4u64 {
            let tx = ch.sender();
            producers.push(tokio::spawn(async move {
                let mut ok = Vec::new();
                for i in 0..2_000 {
                    let v = p * 1_000_000 + i;
                    let d = Duration::from_micros(fastrand::u64(1..30));
                    if let Ok(r) = tokio::time::timeout(d, tx.send(v)).await {
                        r.unwrap();
                        ok.push(v);
                    }
                }
                ok
            }));
        }
        let mut consumers = Vec::new();
        for _ in 0..4 {
            let rx = ch.receiver();
            consumers.push(tokio::spawn(async move {
                let mut got = Vec::new();
                loop {
                    let d = Duration::from_micros(fastrand::u64(1..30));
                    match tokio::time::timeout(d, rx.recv()).await {
                        Ok(Some(v)) => got.push(v),
                        Ok(None) => return got,
                        Err(_) => {}
                    }
                }
            }));
        }
        drop(ch);
        let mut ok = HashSet::new();
        for p in producers {
            ok.extend(p.await.unwrap());
        }
        let mut got = Vec::new();
        for c in common::no_hang("consumers", futures::future::join_all(consumers)).await {
            got.extend(c.unwrap());
        }
        let unique: HashSet<u64> = got.iter().copied().collect();
        assert_eq!(unique.len(), got.len(), "cap {cap}: a value arrived twice");
        assert!(ok.is_subset(&unique), "cap {cap}: a value sent Ok was lost");
    }
}

/// A parked operation whose future is leaked (`mem::forget`, so its `Drop` never runs) keeps
/// what was handed to it, as any forgotten value does, until the channel closes: `close` takes
/// back a value handed to a receive that never returned it, and the channel drops it with its
/// buffer. Nothing is dropped twice, nothing crashes, and other operations are not disturbed.
#[test]
fn leaked_parked_futures_are_cleaned_up_with_the_channel() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::task::{Context, Poll};
    struct Counted(Arc<AtomicUsize>);
    impl Drop for Counted {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    let drops = Arc::new(AtomicUsize::new(0));
    let waker = futures::task::noop_waker();
    let mut cx = Context::from_waker(&waker);
    let ch = chan::<Counted>(0);
    for _ in 0..8 {
        // A receive parks and is leaked; a sender then hands it a value nobody will take.
        let mut recv = Box::pin(ch.recv());
        assert!(recv.as_mut().poll(&mut cx).is_pending());
        std::mem::forget(recv);
        assert!(ch.try_send(Counted(drops.clone())).is_ok());
        // A send parks and is leaked, holding its value.
        let mut send = Box::pin(ch.send(Counted(drops.clone())));
        assert!(send.as_mut().poll(&mut cx).is_pending());
        std::mem::forget(send);
        // The leaked send is still parked: a receiver takes its value.
        assert!(ch.try_recv().is_ok());
        // Other operations are unaffected.
        let mut recv = Box::pin(ch.recv());
        assert!(recv.as_mut().poll(&mut cx).is_pending());
        assert!(ch.try_send(Counted(drops.clone())).is_ok());
        assert!(matches!(recv.as_mut().poll(&mut cx), Poll::Ready(Some(_))));
    }
    assert_eq!(
        drops.load(Ordering::SeqCst),
        16,
        "values taken by try_recv and recv"
    );
    drop(ch);
    let dropped = drops.load(Ordering::SeqCst);
    assert_eq!(dropped, 24, "{dropped} drops of 24 values: once each");
}

// ----- None is final (DESIGN rule 5, issue 15 item 11) -----
//
// A receive that a sender handed a value to, and that is dropped before returning it, puts the
// value back. Once the channel is closed and some receive has reported `None`, putting it back
// would make a later receive return `Some`: the value must come back at `close` instead.

/// The poll-level repro: a receive parks and is handed 7, the channel closes, and the
/// receive is dropped. The value is not lost (a receive gets it), and after the first `None`
/// every receive reports `None`.
#[test]
fn none_is_final_when_a_handed_receive_is_dropped_after_close() {
    let ch = chan::<u32>(0);
    let mut a = spawn(ch.recv());
    tokio_test::assert_pending!(a.poll());
    ch.try_send(7).unwrap();
    ch.close();
    assert_eq!(ch.try_recv(), Ok(7), "close took the unclaimed value back");
    assert_eq!(futures::executor::block_on(ch.recv()), None);
    drop(a);
    assert_eq!(
        ch.try_recv(),
        Err(gokio::TryRecvError::Closed),
        "Some after None"
    );
    assert_eq!(futures::executor::block_on(ch.recv()), None);
}

/// The same through a `select!` receive case.
#[test]
fn none_is_final_when_a_handed_select_is_dropped_after_close() {
    let ch = chan::<u32>(0);
    let mut a = spawn(async {
        gokio::select! { recv(ch) -> v => v }
    });
    tokio_test::assert_pending!(a.poll());
    ch.try_send(7).unwrap();
    ch.close();
    assert_eq!(ch.try_recv(), Ok(7), "close took the unclaimed value back");
    assert_eq!(futures::executor::block_on(ch.recv()), None);
    drop(a);
    assert_eq!(
        ch.try_recv(),
        Err(gokio::TryRecvError::Closed),
        "Some after None"
    );
}

/// Nobody else receives: the handed receive, polled after the close, still gets its value
/// (from the buffer, where `close` put it), plain or through a select.
#[test]
fn a_handed_receive_polled_after_close_gets_its_value() {
    let ch = chan::<u32>(0);
    let mut a = spawn(ch.recv());
    let mut s = spawn(async {
        gokio::select! { recv(ch) -> v => v }
    });
    tokio_test::assert_pending!(a.poll());
    tokio_test::assert_pending!(s.poll());
    ch.try_send(1).unwrap();
    ch.try_send(2).unwrap();
    ch.close();
    let mut got = [
        tokio_test::assert_ready!(a.poll()),
        tokio_test::assert_ready!(s.poll()),
    ];
    got.sort();
    assert_eq!(got, [Some(1), Some(2)]);
    assert_eq!(ch.try_recv(), Err(gokio::TryRecvError::Closed));
}

/// Two receives parked, one handed a value; `close` wakes the other. Whichever order they
/// run in, exactly one gets the value, and `None` never comes before it.
#[test]
fn a_receive_woken_by_close_drains_the_taken_back_value_first() {
    for a_first in [true, false] {
        let ch = chan::<u32>(0);
        let mut a = spawn(ch.recv());
        let mut b = spawn(ch.recv());
        tokio_test::assert_pending!(a.poll());
        tokio_test::assert_pending!(b.poll());
        ch.try_send(7).unwrap(); // to `a`, the first parked
        ch.close();
        let (x, y) = if a_first {
            (
                tokio_test::assert_ready!(a.poll()),
                tokio_test::assert_ready!(b.poll()),
            )
        } else {
            (
                tokio_test::assert_ready!(b.poll()),
                tokio_test::assert_ready!(a.poll()),
            )
        };
        assert_eq!((x, y), (Some(7), None), "a_first: {a_first}");
    }
}

/// Before the close, a dropped handed receive still puts its value back at the head.
#[test]
fn a_handed_receive_dropped_before_close_puts_its_value_back() {
    let ch = chan::<u32>(1);
    let mut a = spawn(ch.recv());
    tokio_test::assert_pending!(a.poll());
    ch.try_send(1).unwrap(); // handed to `a`
    ch.try_send(2).unwrap(); // buffered
    drop(a);
    ch.close();
    assert_eq!(ch.try_recv(), Ok(1));
    assert_eq!(ch.try_recv(), Ok(2));
    assert_eq!(ch.try_recv(), Err(gokio::TryRecvError::Closed));
}

// ----- SendFuture::cancel: a withdrawn send says whether it was delivered (issue 15 item 12) -----

/// A parked send whose value a receiver took between polls was delivered: `cancel` says so
/// (`None`), where dropping the future would have left the caller unable to tell.
#[test]
fn cancel_after_a_receiver_took_the_value_returns_none() {
    let ch = chan::<u32>(0);
    let mut send = Box::pin(ch.send(7));
    let waker = futures::task::noop_waker();
    let mut cx = std::task::Context::from_waker(&waker);
    assert!(send.as_mut().poll(&mut cx).is_pending());
    assert_eq!(
        ch.try_recv(),
        Ok(7),
        "the receiver takes the parked send's value"
    );
    assert_eq!(Pin::into_inner(send).cancel(), None, "delivered");
    assert!(ch.try_recv().unwrap_err().is_empty());
}

/// A parked send nobody took is withdrawn: `cancel` returns the value, and no receiver ever
/// gets it afterwards (neither a `try_recv` nor a receive that parks later).
#[test]
fn cancel_of_a_send_nobody_took_returns_the_value() {
    let ch = chan::<u32>(0);
    let mut send = Box::pin(ch.send(7));
    let waker = futures::task::noop_waker();
    let mut cx = std::task::Context::from_waker(&waker);
    assert!(send.as_mut().poll(&mut cx).is_pending());
    assert_eq!(Pin::into_inner(send).cancel(), Some(7), "not delivered");
    assert!(ch.try_recv().unwrap_err().is_empty());
    let mut recv = spawn(ch.recv());
    tokio_test::assert_pending!(recv.poll());
    ch.close();
    assert_eq!(
        tokio_test::assert_ready!(recv.poll()),
        None,
        "nothing was delivered"
    );
}

/// The other outcomes: never polled (`Some`), woken by close (`Some`: not delivered), and
/// buffered at once (`None`: the buffer holds it).
#[test]
fn cancel_in_every_other_state() {
    let ch = chan::<u32>(1);
    assert_eq!(ch.send(1).cancel(), Some(1), "never polled");
    let mut buffered = spawn(ch.send(2));
    tokio_test::assert_ready_ok!(buffered.poll());
    assert_eq!(buffered.into_inner().cancel(), None, "resolved: buffered");
    let mut parked = Box::pin(ch.send(3)); // the buffer is full
    let waker = futures::task::noop_waker();
    let mut cx = std::task::Context::from_waker(&waker);
    assert!(parked.as_mut().poll(&mut cx).is_pending());
    ch.close();
    assert_eq!(Pin::into_inner(parked).cancel(), Some(3), "woken by close");
    assert_eq!(ch.try_recv(), Ok(2));
    assert_eq!(ch.try_recv(), Err(gokio::TryRecvError::Closed));
}
