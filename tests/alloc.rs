//! Parking allocates nothing in the steady state: a plain `send`/`recv` parks with one of the
//! channel's spare entries, and a select also takes its token from a per-thread pool. A
//! binary of its own with a single test, because it counts every allocation of the process.
//! The counting allocator is `tests/common/alloc.rs`; only the test's own thread is counted.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll};

use futures::task::noop_waker;
use gokio::{chan, select};

#[path = "common/alloc.rs"]
mod alloc_count;

#[global_allocator]
static GLOBAL: alloc_count::Counting = alloc_count::Counting;

/// Allocations made by `rounds` calls of `round` after a warm-up of 100 (pools fill), on
/// this thread only.
fn allocations(rounds: u64, mut round: impl FnMut(u64)) -> usize {
    for i in 0..100 {
        round(i);
    }
    let before = alloc_count::this_thread();
    for i in 100..100 + rounds {
        round(i);
    }
    alloc_count::this_thread() - before
}

#[test]
fn parking_allocates_nothing_in_the_steady_state() {
    let (a, b) = (chan::<u64>(0), chan::<u64>(0));
    let waker = noop_waker();
    let mut cx = Context::from_waker(&waker);
    // The counter sees this thread's allocations (else every 0 below would prove nothing).
    let boxes = allocations(10, |i| drop(std::hint::black_box(Box::new(i))));
    assert_eq!(boxes, 10, "the counting allocator counts this thread");

    // A receive parks, a send completes it; then a send parks, a receive completes it.
    let plain = allocations(10_000, |i| {
        let mut recv = pin!(a.recv());
        assert!(recv.as_mut().poll(&mut cx).is_pending());
        assert!(matches!(pin!(a.send(i)).poll(&mut cx), Poll::Ready(Ok(()))));
        assert_eq!(recv.as_mut().poll(&mut cx), Poll::Ready(Some(i)));
        let mut send = pin!(a.send(i));
        assert!(send.as_mut().poll(&mut cx).is_pending());
        assert_eq!(pin!(a.recv()).poll(&mut cx), Poll::Ready(Some(i)));
        assert!(matches!(send.as_mut().poll(&mut cx), Poll::Ready(Ok(()))));
    });
    assert_eq!(
        plain, 0,
        "10 000 parked send/recv pairs allocated {plain} times"
    );

    // Leaked parked operations (`mem::forget`: their entries are never `FREE` again) must not
    // keep the spares' places, or every later park would allocate (issue 15 item 9).
    let leaky = chan::<u64>(0);
    for i in 0..8 {
        let mut recv = Box::pin(leaky.recv());
        assert!(recv.as_mut().poll(&mut cx).is_pending());
        std::mem::forget(recv);
        leaky.try_send(i).unwrap(); // handed to the leaked receive
        let mut send = Box::pin(leaky.send(i));
        assert!(send.as_mut().poll(&mut cx).is_pending());
        std::mem::forget(send);
        assert_eq!(leaky.try_recv(), Ok(i)); // taken from the leaked send
    }
    let after_leaks = allocations(10_000, |i| {
        let mut recv = pin!(leaky.recv());
        assert!(recv.as_mut().poll(&mut cx).is_pending());
        assert!(matches!(
            pin!(leaky.send(i)).poll(&mut cx),
            Poll::Ready(Ok(()))
        ));
        assert_eq!(recv.as_mut().poll(&mut cx), Poll::Ready(Some(i)));
    });
    assert_eq!(
        after_leaks, 0,
        "after 16 leaked operations, 10 000 parks allocated {after_leaks} times"
    );

    // A select parks on both channels, a send completes it, the loser is withdrawn.
    let selects = allocations(10_000, |i| {
        let mut sel = pin!(async {
            select! {
                recv(a) -> v => (0, v),
                recv(b) -> v => (1, v),
            }
        });
        assert!(sel.as_mut().poll(&mut cx).is_pending(), "nothing was ready");
        let sender = if i % 2 == 0 { &a } else { &b };
        let sent = pin!(sender.send(i)).poll(&mut cx);
        assert!(
            matches!(sent, Poll::Ready(Ok(()))),
            "the parked select takes it"
        );
        let got = sel.as_mut().poll(&mut cx);
        assert_eq!(got, Poll::Ready(((i % 2) as usize, Some(i))));
    });
    assert_eq!(
        selects, 0,
        "10 000 parked selects allocated {selects} times"
    );

    // Tasks in a select loop on their own channel and one shared `done` channel, woken in a
    // pseudo-random order (`select_wake_scaling` in `benches/chan.rs`), on a current-thread
    // runtime (this thread). A woken select withdraws its `done` entry, which keeps its
    // token referenced until a later park reuses the entry: a select must reuse the spare
    // retired last, or the tokens in the thread's pool all stay referenced by other spares
    // and parks allocate new ones.
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let done = chan::<()>(0);
    let own: Vec<_> = (0..16).map(|_| chan::<u64>(0)).collect();
    let tasks: Vec<_> = (own.iter())
        .map(|ch| {
            let (ch, done) = (ch.clone(), done.clone());
            rt.spawn(async move {
                let mut got = 0;
                loop {
                    select! {
                        recv(ch) -> v => got += v.unwrap(),
                        recv(done) -> _ => break got,
                    }
                }
            })
        })
        .collect();
    let (mut rng, mut sent) = (0x2545_f491_4f6c_dd1d_u64, 0);
    let mut wake = |i| {
        rng ^= rng << 13; // xorshift: a fixed pseudo-random order
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rt.block_on(own[(rng % 16) as usize].send(i)).unwrap();
        sent += i;
    };
    (0..1_000).for_each(&mut wake); // the runtime's and the channels' vectors grow first
    let wakes = allocations(10_000, &mut wake);
    done.close();
    let got: u64 = (tasks.into_iter()).map(|t| rt.block_on(t).unwrap()).sum();
    assert_eq!(got, sent);
    assert_eq!(
        wakes, 0,
        "10 000 wakes of selects parked on a shared channel allocated {wakes} times"
    );
}
