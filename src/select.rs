//! Go's `select`: the runtime algorithm behind [`select!`](crate::select!) and
//! [`recv_any`].
//!
//! The algorithm follows Go's `runtime/select.go`, adapted to per-channel locks that are taken
//! one at a time (crossbeam-channel's approach) instead of all at once:
//!
//! 1. **Poll order.** Draw a uniformly random permutation of the cases (Fisher–Yates), or take
//!    source order when `biased`. Nil cases (`None` handles) are skipped throughout.
//! 2. **Pass 1 — try.**
//!    - *First look, without locks.* Every channel a select has used keeps a readiness hint,
//!      rewritten from its state whenever its lock is released (see `chan::core`); a channel
//!      no select has used yet looks ready, so its first select takes the lock, which turns
//!      the hint on. Read each case's hint, draw
//!      one case uniformly from those that look ready (the first of them when `biased`) and
//!      try it under its lock. If it completes, it wins; if no case looks ready, none was
//!      ready when its hint was read, so a `default` is taken at once. This is where a select
//!      usually ends, at the cost of one lock: Go's `select` locks every channel here.
//!      [`select!`](crate::select!) runs this step inline, with static calls, before it builds a
//!      [`SelectFuture`].
//!    - *Locked pass*, only when the case that looked ready was not (a stale hint): visit the
//!      cases in poll order; the first that can complete under its lock wins. With `k` cases
//!      ready, each is first in the permutation with probability `1/k`: the choice is
//!      uniform, unlike a random start followed by rotation. If none is ready and there is a
//!      `default`, take it.
//! 3. **Pass 2 — park.** Create one claim-once token (Go's `selectDone`) and park an entry for
//!    every case on its channel, in poll order. Each registration re-checks its channel under
//!    the lock; if the case became ready in between, the select aborts its token, withdraws
//!    the entries parked so far and starts again at pass 1 (whose first look now sees that
//!    case's hint: it was written when the registration released the lock). A counterpart
//!    (or `close`) that claims the token completes exactly that one case; entries of the
//!    other cases are dead and are skipped by everyone.
//! 4. **Pass 3 — wake.** The woken select withdraws the entries of the cases that lost and
//!    returns the winner's result.
//!
//! A select never pairs with itself: while registering, readiness checks ignore the select's
//! own entries, and a select's entries are only ever claimed by other parties. Dropping a
//! pending select aborts the token; if a case had already won, a received value is put back at
//! the head of its channel (nothing is lost) and a sent value stays sent.

mod builder;
mod case;
mod macros;

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

pub use self::builder::Select;
pub use self::case::{RecvCase, RecvHandle, SendCase, SendHandle};
use crate::chan::waiter::Token;
use crate::loom::Arc;

/// One case of a select, as the algorithm sees it (object-safe over the channel's type).
#[doc(hidden)]
pub trait Case: Send {
    /// A case on a nil channel: never ready, never parked.
    fn is_nil(&self) -> bool;
    /// Lock-free look: `false` if the case was not ready at the end of its channel's latest
    /// critical section; `true` if it may be ready (to be confirmed by [`Case::try_now`]).
    fn may_be_ready(&self) -> bool;
    /// Completes the case now if it is ready; the result stays in the case.
    fn try_now(&mut self) -> bool;
    /// Parks an entry sharing `token`; `false` if the case is ready right now instead.
    fn register(&mut self, token: &Arc<Token>, index: usize) -> bool;
    /// The token is decided: take the result if this case won, else withdraw the entry.
    fn settle(&mut self);
    /// The select is dropped after this case won, before [`Case::settle`]: undo what can be
    /// undone (put a received value back).
    fn restore(&mut self);
}

/// Upper bound on cases drawn into a stack-allocated permutation; larger selects allocate.
const STACK_CASES: usize = 32;

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
struct Order {
    small: [u8; STACK_CASES],
    /// Used instead of `small` for more than `STACK_CASES` cases.
    large: Vec<usize>,
    n: usize,
    shuffle: bool,
}

impl Order {
    #[inline]
    fn new(n: usize, biased: bool) -> Self {
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
    #[inline]
    fn pick(&mut self, k: usize) -> usize {
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
    fn get(&self, k: usize) -> usize {
        if self.large.is_empty() {
            self.small[k] as usize
        } else {
            self.large[k]
        }
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

/// What [`SelectFuture::first_look`] found.
enum Look {
    /// This case completed.
    Won(usize),
    /// No case looked ready: each was not ready when its hint was read.
    NoneReady,
    /// The case that looked ready was not (or the look was skipped): take the locked path.
    Stale,
}

/// The future of one select: resolves to the index of the case that completed, or `None` when
/// `default` was taken. Created by [`select!`](crate::select!) over cases it keeps on the
/// caller's stack.
#[doc(hidden)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct SelectFuture<'a, 'c> {
    cases: &'a mut [&'c mut dyn Case],
    biased: bool,
    has_default: bool,
    /// The token of the parked select (pass 2 done), if parked.
    parked: Option<Arc<Token>>,
}

impl<'a, 'c> SelectFuture<'a, 'c> {
    pub fn new(cases: &'a mut [&'c mut dyn Case], biased: bool, has_default: bool) -> Self {
        SelectFuture {
            cases,
            biased,
            has_default,
            parked: None,
        }
    }

    /// Pass 1's lock-free first look: read every case's readiness hint, then try one case
    /// drawn uniformly from those that look ready (the first of them in source order when
    /// biased). Only that case's lock is taken, so a select whose ready case is found at once
    /// costs one lock, as a plain receive does, and one that finds nothing ready takes none.
    fn first_look(&mut self) -> Look {
        let n = self.cases.len();
        if n > STACK_CASES {
            return Look::Stale; // large dynamic selects take the locked path
        }
        let ready = self
            .cases
            .iter()
            .enumerate()
            .fold(0u32, |m, (i, c)| m | (u32::from(c.may_be_ready()) << i));
        let Some(i) = first_pick(ready, self.biased) else {
            return Look::NoneReady;
        };
        if self.cases[i].try_now() {
            Look::Won(i)
        } else {
            Look::Stale
        }
    }

    /// Pass 3: the token is decided for `won`; settle every case.
    fn finish(&mut self, won: usize) -> usize {
        self.cases.iter_mut().for_each(|c| c.settle());
        won
    }
}

impl Future for SelectFuture<'_, '_> {
    type Output = Option<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<usize>> {
        let this = self.get_mut();
        if this.parked.is_some() {
            return this.poll_parked(cx);
        }
        // The common cases stay short: a case that looks ready is, or nothing looks ready
        // and there is a default.
        match this.first_look() {
            Look::Won(i) => Poll::Ready(Some(i)),
            Look::NoneReady if this.has_default => Poll::Ready(None),
            look => this.poll_slow(cx, look),
        }
    }
}

impl SelectFuture<'_, '_> {
    /// A parked select is polled: done if its token was decided, else wait again.
    fn poll_parked(&mut self, cx: &mut Context<'_>) -> Poll<Option<usize>> {
        let token = self.parked.as_ref().expect("parked");
        let won = match token.selected() {
            Some(i) => i,
            None => {
                token.set_waker(cx);
                match token.selected() {
                    Some(i) => i,
                    None => return Poll::Pending,
                }
            }
        };
        let won = self.finish(won);
        Token::recycle(self.parked.take().expect("parked"));
        Poll::Ready(Some(won))
    }

    /// Passes 1 (locked) and 2, after [`Self::first_look`] gave `look`.
    #[inline(never)]
    fn poll_slow(&mut self, cx: &mut Context<'_>, mut look: Look) -> Poll<Option<usize>> {
        let n = self.cases.len();
        // The token of this poll's registrations, kept across retries; recycled on return
        // unless the select stays parked with it.
        let mut token = TokenSlot(None);
        loop {
            let mut order = Order::new(n, self.biased);
            match look {
                Look::Won(i) => return Poll::Ready(Some(i)),
                Look::NoneReady => {
                    if self.has_default {
                        return Poll::Ready(None);
                    }
                    (0..n).for_each(|k| _ = order.pick(k)); // the order pass 2 registers in
                }
                Look::Stale => {
                    // Pass 1 under the locks, in poll order.
                    for k in 0..n {
                        let i = order.pick(k);
                        if self.cases[i].try_now() {
                            return Poll::Ready(Some(i));
                        }
                    }
                    if self.has_default {
                        return Poll::Ready(None);
                    }
                }
            }
            if self.cases.iter().all(|c| c.is_nil()) {
                return Poll::Pending; // Go's `select {}`: blocks forever
            }
            // Pass 2.
            let tok = match &mut token.0 {
                Some(t) => {
                    t.reset();
                    t.set_waker(cx);
                    t
                }
                None => token.0.insert(Token::pooled(cx.waker().clone())),
            };
            let parked_all = (0..n).all(|k| {
                let i = order.get(k);
                self.cases[i].register(tok, i)
            });
            if parked_all {
                self.parked = token.0.take();
                return Poll::Pending;
            }
            // A case became ready while we registered: abort and look again, unless a
            // counterpart claimed us first. The case that was ready now shows it in its hint
            // (written when its lock was released), so the look does not miss it.
            if tok.abort() {
                self.cases.iter_mut().for_each(|c| c.settle());
                look = self.first_look();
                continue;
            }
            let won = tok
                .selected()
                .expect("a token that cannot be aborted was selected");
            return Poll::Ready(Some(self.finish(won)));
        }
    }
}

impl Drop for SelectFuture<'_, '_> {
    fn drop(&mut self) {
        let Some(token) = self.parked.take() else {
            return;
        };
        if !token.abort() {
            if let Some(won) = token.selected() {
                self.cases[won].restore(); // first: it needs the winning entry
            }
        }
        self.cases.iter_mut().for_each(|c| c.settle());
        Token::recycle(token);
    }
}

/// A select's token while [`SelectFuture::poll_slow`] works with it: recycled when dropped.
struct TokenSlot(Option<Arc<Token>>);

impl Drop for TokenSlot {
    fn drop(&mut self) {
        if let Some(t) = self.0.take() {
            Token::recycle(t);
        }
    }
}

/// Receives from whichever of `handles` is ready first: Go's `reflect.Select` over receive
/// cases, for a set of channels known only at run time.
///
/// Returns the index of the chosen handle and what it received (`None`: that channel is
/// closed and drained). With several ready, one is chosen uniformly at random; exactly one
/// channel gives up a value. `None` handles (nil channels) are never chosen; if every handle
/// is nil, it waits forever.
///
/// # Cancel safety
///
/// Cancel safe: dropping the future receives nothing and loses nothing.
///
/// # Examples
///
/// ```
/// # gokio::run(async {
/// let chans: Vec<_> = (0..4).map(|_| gokio::chan::<i32>(1)).collect();
/// chans[2].send(7).await.unwrap();
/// assert_eq!(gokio::recv_any(&chans).await, (2, Some(7)));
/// # });
/// ```
pub async fn recv_any<H>(handles: &[H]) -> (usize, Option<H::Item>)
where
    H: RecvHandle,
    H::Item: Send,
{
    let mut cases: Vec<RecvCase<'_, H::Item>> = handles.iter().map(RecvCase::new).collect();
    let won = {
        let mut refs: Vec<&mut dyn Case> = cases.iter_mut().map(|c| c as &mut dyn Case).collect();
        SelectFuture::new(&mut refs, false, false).await
    };
    let won = won.expect("no default case");
    (won, cases[won].into_result())
}

#[cfg(all(test, not(loom)))]
mod tests {
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
}
