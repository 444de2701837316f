//! Loom models of `select!`'s inline receive from and send to a buffered channel
//! (`chan/ready.rs`), the critical sections that do not republish the readiness hint: they
//! must complete only operations that leave both hint bits as they were, and hand out each
//! value once.
//!
//! Run with:
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test --release --test loom_select_ready`
//! (`.ci/run` does, with a separate target directory).
#![cfg(loom)]

use gokio::{chan, select, Chan};
use loom::future::block_on;
use loom::thread;

/// An empty channel of capacity `cap` whose readiness hint is on (a select has used it).
fn hinted(cap: usize) -> Chan<u32> {
    let c = chan::<u32>(cap);
    block_on(async {
        select! { recv(c) -> _ => unreachable!("empty"), default => {} }
    });
    c
}

/// Everything left in `c`, in order.
fn drain(c: &Chan<u32>) -> Vec<u32> {
    std::iter::from_fn(|| c.try_recv().ok()).collect()
}

/// A select's receive from a full buffer opens a slot, which changes the hint's "may send"
/// bit: it must be published before the unlock. Another thread's select receives from `a`
/// (full) and then fills `b`, so at every instant `a` or `b` has room; a select with
/// `default` that may only send on them must never take `default`. (Broken: a receive from
/// a full buffer completed inline, without publishing, leaves "may send" clear on `a`, and
/// the select takes `default` once the thread is done.)
#[test]
fn a_slot_opened_in_a_full_buffer_is_published() {
    loom::model(|| {
        let (a, b) = (hinted(3), hinted(1));
        for v in 0..3 {
            a.try_send(v).unwrap();
        }
        let (ta, tb) = (a.clone(), b.clone());
        let t = thread::spawn(move || {
            let got = block_on(async {
                select! { recv(ta) -> v => v }
            });
            // Fails only if the select below sent on `b` first.
            let filled = tb.try_send(7).is_ok();
            (got, filled)
        });
        let sent = block_on(async {
            select! {
                biased;
                send(a, 9) -> r => r.is_ok(),
                send(b, 9) -> r => r.is_ok(),
                default => false,
            }
        });
        assert!(
            sent,
            "default taken while `a` or `b` had room at every instant"
        );
        let (got, filled) = t.join().unwrap();
        assert_eq!(got, Some(0));
        let mut seen = drain(&a);
        seen.extend(drain(&b));
        seen.sort_unstable();
        let expected: &[u32] = if filled { &[1, 2, 7, 9] } else { &[1, 2, 9] };
        assert_eq!(seen, expected);
    });
}

/// Two selects drain a buffer of two values while a sender adds a third: the first receive
/// completes inline (two values buffered), the second goes the ordinary way or inline,
/// depending on the send. Each value is received once, in FIFO order per receiver.
#[test]
fn selects_draining_a_buffer_take_each_value_once() {
    loom::model(|| {
        let (a, other) = (hinted(3), hinted(1));
        a.try_send(1).unwrap();
        a.try_send(2).unwrap();
        let (ta, tother) = (a.clone(), other.clone());
        let t = thread::spawn(move || {
            let got = block_on(async {
                select! { recv(ta) -> v => v, recv(tother) -> _ => unreachable!() }
            });
            ta.try_send(3).unwrap();
            got
        });
        let mine = block_on(async {
            select! { recv(a) -> v => v, recv(other) -> _ => unreachable!() }
        });
        let theirs = t.join().unwrap();
        assert!(mine.is_some() && theirs.is_some());
        let mut seen = vec![mine.unwrap(), theirs.unwrap()];
        assert!(seen.contains(&1), "the head was skipped: {seen:?}");
        seen.extend(drain(&a));
        seen.sort_unstable();
        assert_eq!(seen, [1, 2, 3]);
    });
}

/// A select's send into an empty buffer changes the hint's "may receive" bit: it must be
/// published before the unlock. Another thread's select sends on `a` (empty) and then drains
/// `b`, so at every instant `a` or `b` holds a value; a select with `default` that may only
/// receive from them must never take `default`. (Broken: a send into an empty buffer
/// completed inline, without publishing, leaves "may receive" clear on `a`.)
#[test]
fn a_value_sent_into_an_empty_buffer_is_published() {
    loom::model(|| {
        let (a, b) = (hinted(3), hinted(1));
        b.try_send(5).unwrap();
        let (ta, tb) = (a.clone(), b.clone());
        let t = thread::spawn(move || {
            let sent = block_on(async {
                select! { send(ta, 1) -> r => r.is_ok() }
            });
            (sent, tb.try_recv().ok())
        });
        let got = block_on(async {
            select! {
                biased;
                recv(a) -> v => v,
                recv(b) -> v => v,
                default => None,
            }
        });
        assert!(
            got.is_some(),
            "default taken while `a` or `b` held a value at every instant"
        );
        let (sent, drained) = t.join().unwrap();
        assert!(sent);
        let mut seen = vec![got, drained];
        seen.extend(drain(&a).into_iter().map(Some));
        seen.extend(drain(&b).into_iter().map(Some));
        seen.retain(Option::is_some);
        seen.sort_unstable();
        assert_eq!(seen, [Some(1), Some(5)]);
    });
}
