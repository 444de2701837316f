//! Loom models of `select`: the linearizable `default`, the token pool, re-polls with another
//! waker, a parked select dropped after a case won, two counterparts racing for one parked
//! select, and a select with a send and a receive case on the same channel.
//!
//! Run with:
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test --release --test loom_select`
//! (`.ci/run` does, with a separate target directory).
#![cfg(loom)]

use gokio::{chan, select, Chan, Select};
use loom::future::block_on;
use loom::thread;

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

/// Item 1 of issue 15, `select!`: another thread fills `a` and then drains `b`, so at every
/// instant `a` or `b` holds a value. A select with `default` over both must never take
/// `default`: there was no instant at which no case was ready. (Before, the select read `a`'s
/// hint, the thread ran both operations, the select read `b`'s hint, and took `default`.)
#[test]
fn default_is_linearizable() {
    loom::model(|| {
        let (a, b) = a_empty_b_full();
        let (ta, tb) = (a.clone(), b.clone());
        let t = thread::spawn(move || {
            ta.try_send(1).unwrap();
            tb.try_recv().ok() // `None` if the select took it
        });
        let got = block_on(async {
            select! {
                biased;
                recv(a) -> v => Some(v),
                recv(b) -> v => Some(v),
                default => None,
            }
        });
        assert!(
            got.is_some(),
            "default taken while a case was ready at every instant"
        );
        let drained = t.join().unwrap();
        // Nothing lost, nothing duplicated: 1 and 5 each end up in exactly one place.
        let mut seen = vec![got.flatten(), drained, a.try_recv().ok(), b.try_recv().ok()];
        seen.retain(Option::is_some);
        seen.sort();
        assert_eq!(seen, [Some(1), Some(5)]);
    });
}

/// As [`default_is_linearizable`], through the run-time [`Select`] (the `SelectFuture` path,
/// not `select!`'s inline first look).
#[test]
fn builder_default_is_linearizable() {
    loom::model(|| {
        let (a, b) = a_empty_b_full();
        let (ta, tb) = (a.clone(), b.clone());
        let t = thread::spawn(move || {
            ta.try_send(1).unwrap();
            tb.try_recv().ok() // `None` if the select took it
        });
        let got = block_on(
            Select::new()
                .biased()
                .recv(&a, Some)
                .recv(&b, Some)
                .default(|| None)
                .wait(),
        );
        assert!(
            got.is_some(),
            "default taken while a case was ready at every instant"
        );
        let drained = t.join().unwrap();
        // Nothing lost, nothing duplicated: 1 and 5 each end up in exactly one place.
        let mut seen = vec![got.flatten(), drained, a.try_recv().ok(), b.try_recv().ok()];
        seen.retain(Option::is_some);
        seen.sort();
        assert_eq!(seen, [Some(1), Some(5)]);
    });
}

/// As [`default_is_linearizable`], for a select of more than 32 cases (31 of them nil): it
/// skips the lock-free look, so its locked pass takes one lock at a time, and "no case
/// ready" is then confirmed with every channel locked at once (Go's `sellock`).
#[test]
fn large_select_default_is_linearizable() {
    loom::model(|| {
        let (a, b) = a_empty_b_full();
        let (ta, tb) = (a.clone(), b.clone());
        let t = thread::spawn(move || {
            ta.try_send(1).unwrap();
            tb.try_recv().ok()
        });
        let nil: Option<Chan<u32>> = None;
        let mut sel = Select::new().biased().recv(&a, Some).recv(&b, Some);
        for _ in 0..31 {
            sel = sel.recv(&nil, |_| unreachable!("a nil case"));
        }
        let got = block_on(sel.default(|| None).wait());
        assert!(
            got.is_some(),
            "default taken while a case was ready at every instant"
        );
        let drained = t.join().unwrap();
        let mut seen = vec![got.flatten(), drained, a.try_recv().ok(), b.try_recv().ok()];
        seen.retain(Option::is_some);
        seen.sort();
        assert_eq!(seen, [Some(1), Some(5)]);
    });
}
