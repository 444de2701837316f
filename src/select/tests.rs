//! Unit tests of the select algorithm's internals: the poll order, the first pick, and
//! what a panic during registration leaves behind.

use super::{first_pick, Order};

/// Each of `counts` is within 6 standard deviations of `trials / counts.len()`.
fn assert_uniform(counts: &[u64], trials: u64) {
    let p = 1.0 / counts.len() as f64;
    let (mean, sd) = (trials as f64 * p, (trials as f64 * p * (1.0 - p)).sqrt());
    for (i, &c) in counts.iter().enumerate() {
        assert!(
            (c as f64 - mean).abs() < 6.0 * sd,
            "outcome {i}: {c} of {trials}, expected about {mean:.0} ({counts:?})"
        );
    }
}

/// The order of the locked pass and of registration: every permutation equally likely.
#[test]
fn order_draws_uniform_permutations() {
    const PERMS: [[usize; 3]; 6] = [
        [0, 1, 2],
        [0, 2, 1],
        [1, 0, 2],
        [1, 2, 0],
        [2, 0, 1],
        [2, 1, 0],
    ];
    let trials = 60_000;
    let mut counts = [0u64; 6];
    for _ in 0..trials {
        let mut order = Order::new(3, false);
        let p: Vec<usize> = (0..3).map(|k| order.pick(k)).collect();
        counts[PERMS
            .iter()
            .position(|q| q[..] == p[..])
            .expect("a permutation")] += 1;
    }
    assert_uniform(&counts, trials);
    let mut biased = Order::new(3, true);
    assert_eq!(
        (0..3).map(|k| biased.pick(k)).collect::<Vec<_>>(),
        [0, 1, 2]
    );
}

/// The first look's choice: uniform over the cases that look ready, the first of them
/// when biased, none when none does.
#[test]
fn first_pick_is_uniform_over_the_ready_mask() {
    let ready = 0b1_0110; // cases 1, 2 and 4
    let trials = 60_000;
    let mut counts = [0u64; 3];
    for _ in 0..trials {
        let i = first_pick(ready, false).expect("cases look ready");
        counts[[1, 2, 4]
            .iter()
            .position(|&j| j == i)
            .expect("a ready case")] += 1;
    }
    assert_uniform(&counts, trials);
    assert_eq!(first_pick(ready, true), Some(1));
    assert_eq!(first_pick(1 << 31, false), Some(31));
    assert_eq!(first_pick(0, false), None);
    assert_eq!(first_pick(0, true), None);
}

/// A case whose registration panics, standing in for a queue that cannot grow or a broken
/// invariant's `expect` (issue 15, item 7).
struct PanicsOnRegister;

impl super::Case for PanicsOnRegister {
    fn is_nil(&self) -> bool {
        false
    }
    fn look(&self) -> usize {
        0
    }
    fn ready_in(&self, _: usize) -> bool {
        false
    }
    fn channel(&self) -> usize {
        0
    }
    fn hold(&self) -> Option<Box<dyn super::Held + '_>> {
        None
    }
    fn try_now(&mut self) -> bool {
        false
    }
    fn register(&mut self, _: &crate::loom::Arc<super::Token>, _: usize) -> bool {
        panic!("registration failed");
    }
    fn settle(&mut self) {}
    fn restore(&mut self) {}
}

/// A panic in the registration of a later case settles the cases registered before it:
/// afterwards no counterpart can complete the dead select, so a send finds no receiver and
/// a receive finds no sender (before, both paired with the dead select's entries: the sent
/// value vanished into an entry nobody reads, and the select's value was received although
/// the select never returned).
#[test]
fn a_panic_during_registration_settles_the_registered_cases() {
    use std::future::Future;
    use std::panic::{catch_unwind, AssertUnwindSafe};
    use std::task::Context;

    use super::case::{RecvCase, SendCase};
    use super::{Case, SelectFuture};
    use crate::{TryRecvError, TrySendError};

    let (a, b) = (crate::chan::<u32>(0), crate::chan::<u32>(0));
    let (mut send_b, mut recv_a) = (SendCase::new(&b, 5), RecvCase::new(&a));
    let mut panics = PanicsOnRegister;
    {
        let mut cases: [&mut dyn Case; 3] = [&mut send_b, &mut recv_a, &mut panics];
        // Biased: the cases register in source order, the panicking one last.
        let mut sel = SelectFuture::new(&mut cases, true, false, false);
        let waker = futures::task::noop_waker();
        let polled = catch_unwind(AssertUnwindSafe(|| {
            std::pin::Pin::new(&mut sel).poll(&mut Context::from_waker(&waker))
        }));
        assert!(polled.is_err(), "the registration panicked");
        drop(sel); // it never parked: its drop has nothing to settle
    }
    assert!(
        matches!(a.try_send(1), Err(TrySendError::Full(1))),
        "a send found the dead select's receive entry"
    );
    assert_eq!(
        b.try_recv(),
        Err(TryRecvError::Empty),
        "a receive found the dead select's send entry"
    );
}
