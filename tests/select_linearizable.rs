//! A select with `default` is linearizable: it takes `default` only if there was one instant
//! at which no case was ready (issue 15, item 1), as Go's `select`, which locks every case's
//! channel before it decides. The loom models are in `tests/loom_select.rs`; these are the
//! same property with real threads.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use gokio::{chan, select, Chan, Select};

/// Spins (yielding) until `step` reaches `n`.
fn wait_for(step: &AtomicUsize, n: usize) {
    while step.load(Ordering::Acquire) < n {
        std::thread::yield_now();
    }
}

/// Spins for a random few hundred iterations, so that the two threads' operations overlap
/// at varying offsets.
fn jitter() {
    for _ in 0..fastrand::usize(0..400) {
        std::hint::spin_loop();
    }
}

/// How a round's select is made.
#[derive(Clone, Copy, Debug)]
enum Form {
    /// `select!` over `a` and `b` (the inline first look).
    Macro,
    /// A biased [`Select`] over `a`, 31 idle channels and `b` (more than 32 cases: the
    /// locked path, which used to take one lock at a time).
    Large,
}

/// One select with `default` over `a` and `b` (and `idle`); `None` if it took `default`.
fn select_once(form: Form, a: &Chan<u32>, b: &Chan<u32>, idle: &[Chan<u32>]) -> Option<u32> {
    futures::executor::block_on(async {
        match form {
            Form::Macro => select! {
                biased;
                recv(a) -> v => v,
                recv(b) -> v => v,
                default => None,
            },
            Form::Large => {
                let mut sel = Select::new().biased().recv(a, |v| v);
                for c in idle {
                    sel = sel.recv(c, |v| v);
                }
                sel.recv(b, |v| v).default(|| None).wait().await
            }
        }
    })
}

/// Rounds of: `b` holds a value and `a` is empty; another thread does `a.try_send(1)` then
/// `b.try_recv()`, so at every instant `a` or `b` holds a value, while this thread runs a
/// biased select with `default` over both. `default` is never right. (Before the fix, the
/// select looked at `a` (empty), the other thread ran both operations, the select looked at
/// `b` (empty) and took `default`.)
#[test]
fn default_only_when_no_case_was_ready_at_one_instant() {
    const ROUNDS: usize = 20_000;
    let (a, b) = (chan::<u32>(1), chan::<u32>(1));
    let idle: Vec<Chan<u32>> = (0..31).map(|_| chan(1)).collect();
    let step = Arc::new(AtomicUsize::new(0));
    let (ta, tb, s) = (a.clone(), b.clone(), step.clone());
    let mover = std::thread::spawn(move || {
        for r in 0..ROUNDS {
            wait_for(&s, 2 * r + 1);
            jitter();
            ta.try_send(1).unwrap();
            let _ = tb.try_recv(); // empty if the select took it
            s.store(2 * r + 2, Ordering::Release);
        }
    });
    let mut defaults = [0usize; 2];
    for r in 0..ROUNDS {
        let form = if r % 2 == 0 { Form::Macro } else { Form::Large };
        b.try_send(5).unwrap();
        step.store(2 * r + 1, Ordering::Release);
        jitter();
        if select_once(form, &a, &b, &idle).is_none() {
            defaults[r % 2] += 1;
        }
        wait_for(&step, 2 * r + 2);
        let _ = (a.try_recv(), b.try_recv()); // empty both for the next round
    }
    mover.join().unwrap();
    assert_eq!(
        defaults,
        [0, 0],
        "selects (select!, 33-case Select) that took default while a case was ready at \
         every instant, of {ROUNDS} rounds"
    );
}

/// A select of more than 32 cases with `default` looks at all its channels under all their
/// locks at once; a channel that appears in several cases (here all 40, receive and send
/// cases alike) is locked once, so this neither deadlocks nor misses a ready case.
#[test]
fn one_channel_in_many_cases_is_locked_once() {
    let ch = chan::<u32>(1);
    let run = || {
        let mut sel = Select::new();
        for i in 0..20 {
            sel = sel.recv(&ch, move |v| (i, v));
            sel = sel.send(&ch, 9, move |r| (100 + i, r.ok().map(|()| 9)));
        }
        futures::executor::block_on(sel.default(|| (999, None)).wait())
    };
    // Empty, with room: a send case is ready.
    let (i, v) = run();
    assert!((100..120).contains(&i) && v == Some(9), "got ({i}, {v:?})");
    // Full: a receive case is ready.
    let (i, v) = run();
    assert!(i < 20 && v == Some(9), "got ({i}, {v:?})");
    // Make it neither readable nor writable: a rendezvous channel with nobody waiting.
    let rendezvous = chan::<u32>(0);
    let mut sel = Select::new();
    for i in 0..40 {
        sel = sel.recv(&rendezvous, move |_| i);
    }
    let got = futures::executor::block_on(sel.default(|| 999).wait());
    assert_eq!(got, 999, "nothing was ready");
}
