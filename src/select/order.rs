//! The poll order of a select round (pass 1 of the algorithm in [`super`]): a uniformly
//! random permutation of the cases, drawn lazily by a Fisher–Yates shuffle, or source order
//! when `biased`; and [`first_pick`], the uniform draw among the cases that look ready.
//!
//! Invariant: every order is equally likely, whether a round stops at its first pick or
//! goes on to register every case in pass 2; loom models select in source order (one path
//! per replay), fairness has its own statistical tests.

/// Upper bound on cases drawn into a stack-allocated permutation; larger selects allocate.
pub(super) const STACK_CASES: usize = 32;

/// The identity permutation, copied as a whole instead of written element by element.
const IDENTITY: [u8; STACK_CASES] = {
    let mut a = [0u8; STACK_CASES];
    let mut i = 0;
    while i < STACK_CASES {
        a[i] = i as u8;
        i += 1;
    }
    a
};

std::thread_local! {
    /// Per-thread state of [`below`]'s generator; 0 until first use.
    static RNG: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// A uniformly random number in `0..n` (`n >= 1`) from a per-thread wyrand generator, seeded
/// from `fastrand` on first use. It costs a few instructions where `fastrand::usize` costs
/// about 40 (a lazily initialised thread local and a rejection loop); the multiply-shift
/// reduction's bias is below `n / 2^64`, far beneath what any fairness test can see.
#[inline]
fn below(n: usize) -> usize {
    RNG.with(|cell| {
        let mut s = cell.get();
        if s == 0 {
            s = fastrand::u64(1..);
        }
        s = s.wrapping_add(0xa076_1d64_78bd_642f);
        cell.set(s);
        let t = u128::from(s) * u128::from(s ^ 0xe703_7ed1_a0b4_28db);
        let r = (t as u64) ^ ((t >> 64) as u64);
        ((u128::from(r) * n as u128) >> 64) as usize
    })
}

/// The random (or biased) poll order of one select round, drawn lazily: step `k` of a
/// Fisher–Yates shuffle runs only when pass 1 reaches position `k`, so a select whose first
/// pick is ready draws one random number. Every order is still equally likely, and after
/// pass 1 the whole permutation is there for pass 2.
pub(super) struct Order {
    small: [u8; STACK_CASES],
    /// Used instead of `small` for more than `STACK_CASES` cases.
    large: Vec<usize>,
    n: usize,
    shuffle: bool,
}

impl Order {
    #[inline]
    pub(super) fn new(n: usize, biased: bool) -> Self {
        Order {
            small: IDENTITY,
            large: if n > STACK_CASES {
                (0..n).collect()
            } else {
                Vec::new()
            },
            n,
            // Loom replays each model many times and needs every replay to take the same
            // path, so models select in source order; fairness has its own statistical tests.
            shuffle: !biased && !cfg!(loom) && n > 1,
        }
    }

    /// Fisher–Yates step `k` (steps must run in order 0, 1, ...): returns the case at
    /// position `k` of the permutation.
    #[inline(always)]
    pub(super) fn pick(&mut self, k: usize) -> usize {
        if self.shuffle && k + 1 < self.n {
            let j = k + below(self.n - k);
            if self.large.is_empty() {
                self.small.swap(k, j);
            } else {
                self.large.swap(k, j);
            }
        }
        self.get(k)
    }

    #[inline]
    pub(super) fn get(&self, k: usize) -> usize {
        if self.large.is_empty() {
            self.small[k] as usize
        } else {
            self.large[k]
        }
    }
}

/// Selects of at least this many cases start with [`probe`]. With one case of `n` ready, a
/// probe that misses costs a random draw and one hint on top of reading them all; with two
/// or more ready it saves more than it costs, and a 2-case select with one ready case (the
/// common `recv(work)` / `recv(done)` shape) would mostly pay for it.
const PROBE_MIN: usize = 3;

/// The probe that starts a select's first look: a case drawn uniformly from all `n` (not
/// only the ready ones), to be tried if its hint says ready, before the hints of the other
/// cases are read; `None` when the select reads every hint at once (`biased`, fewer than
/// [`PROBE_MIN`] cases, or under loom, whose replays need a fixed path).
///
/// The choice stays uniform among the `k` cases that look ready: a ready case is chosen by
/// the probe with probability `1/n`, or, when the probe hit one of the `n - k` others, by
/// [`first_pick`] with probability `1/k`: in all `1/n + (n - k)/n * 1/k = 1/k`. A select over
/// many ready channels thus reads one hint instead of all of them.
#[doc(hidden)]
#[inline]
pub fn probe(n: usize, biased: bool) -> Option<usize> {
    if biased || cfg!(loom) || n < PROBE_MIN {
        None
    } else {
        Some(below(n))
    }
}

/// The case to try first, given the mask of cases that look ready (bit `i`: case `i`):
/// one drawn uniformly from them, or the first in source order when `biased`. `None` if no
/// case looks ready. [`select!`](crate::select!) calls this with the hints of its cases before
/// it builds a [`SelectFuture`], so that the common case costs one lock and no dynamic calls.
#[doc(hidden)]
#[inline]
pub fn first_pick(ready: u32, biased: bool) -> Option<usize> {
    if ready == 0 {
        return None;
    }
    let mut rest = ready;
    // Loom replays need a fixed path (see `Order::new`).
    if !biased && !cfg!(loom) && ready & (ready - 1) != 0 {
        for _ in 0..below(ready.count_ones() as usize) {
            rest &= rest - 1; // drop the lowest set bit
        }
    }
    Some(rest.trailing_zeros() as usize)
}
