//! Go's `select`: the runtime algorithm behind [`select!`](crate::select!), [`Select`] and
//! [`recv_any`].
//!
//! The algorithm follows Go's `runtime/select.go`, adapted to per-channel locks that are taken
//! one at a time (crossbeam-channel's approach) instead of all at once (only a `default` that
//! cannot be confirmed otherwise locks all, as Go does):
//!
//! 1. **Poll order.** Draw a uniformly random permutation of the cases (Fisher–Yates), or take
//!    source order when `biased`. Nil cases (`None` handles) are skipped throughout.
//! 2. **Pass 1 — try.**
//!    - *First look, without locks.* Every channel a select has used keeps a readiness hint,
//!      republished from its state whenever its lock is released (see `chan::core`); a
//!      channel no select has used yet looks ready, so its first select takes the lock, which
//!      turns the hint on. Read each case's hint, draw one case uniformly from those that
//!      look ready (the first of them when `biased`) and try it under its lock. If it
//!      completes, it wins. This is where a select usually ends, at the cost of one lock:
//!      Go's `select` locks every channel here.
//!    - *`default`, linearizable.* A `default` may be taken only if there was one instant at
//!      which no case was ready, as in Go, whose `select` decides with every channel locked.
//!      Hints read one after the other do not show that (a case can become ready after its
//!      hint was read while another stops being ready before its hint is read), so when no
//!      case looks ready the hints are read a second time: each carries a generation that
//!      grows with every change, and two equal passes prove that nothing changed in between,
//!      so at the instant between the passes no case was ready (the argument is at
//!      [`RawSelect::unchanged`]). If a hint changed, the select tries again; after a few
//!      rounds it locks every channel at once, in address order (Go's `sellock`), and looks
//!      there. [`select!`](crate::select!) runs the first look and this confirmation inline,
//!      with static calls, before it builds a [`SelectFuture`].
//!    - *Locked pass*, only when the case that looked ready was not (a stale hint), or the
//!      confirmation failed: visit the cases in poll order; the first that can complete
//!      under its lock wins. With `k` cases ready, each is first in the permutation with
//!      probability `1/k`: the choice is uniform, unlike a random start followed by
//!      rotation. If none is ready and there is a `default`, "none ready" is confirmed as
//!      above before it is taken: the locks were taken one at a time. Selects of more than
//!      32 cases skip the lock-free look; with a `default` they start by looking at every
//!      case under all locks.
//! 3. **Pass 2 — park.** Create one claim-once token (Go's `selectDone`) and park an entry for
//!    every case on its channel, in poll order. Each registration re-checks its channel under
//!    the lock; if the case became ready in between, the select aborts its token, withdraws
//!    the entries parked so far and starts again at pass 1 (whose first look now sees that
//!    case's hint: it was written when the registration released the lock). Parking needs no
//!    single instant at which nothing was ready: once a case's entry is registered, any
//!    counterpart that comes later completes it, so the select never sleeps through a case
//!    that became ready after its registration, and one that was ready before it was seen
//!    by the registration's own check. A counterpart
//!    (or `close`) that claims the token completes exactly that one case; entries of the
//!    other cases are dead and are skipped by everyone.
//! 4. **Pass 3 — wake.** The woken select withdraws the entries of the cases that lost and
//!    returns the winner's result.
//!
//! A select never pairs with itself: while registering, readiness checks ignore the select's
//! own entries, and a select's entries are only ever claimed by other parties. Dropping a
//! pending select aborts the token; if a case had already won, a received value is put back at
//! the head of its channel (nothing is lost) and a sent value stays sent.
//!
//! **Future cases** (`fut(..)`, beyond Go). Only a poll tells whether a future is ready, and
//! a `Ready` poll hands over an output that cannot be put back, so a future is polled only
//! when the select can commit to it: in pass 1, which visits every case in the random (or
//! biased) order, trying channels and polling futures, the first to complete winning
//! ([`RawSelect::future_round`], which argues the guarantees); never while a token is live.
//! To the channel machinery (hints, locks, registration) a future case is a nil case. A
//! parked select with future cases that is woken without a decided token aborts the token
//! (a counterpart that claimed it first wins instead), withdraws its entries and starts a
//! new round, which polls the futures again.
//!
//! **Cancelling by hand** ([`SelectWait::cancel`]): aborting the token of a parked select
//! either succeeds, and nothing was or can be committed, or fails because a counterpart had
//! already completed a case, whose result is then returned instead of undone
//! ([`RawSelect::cancel`]).

mod builder;
mod case;
mod future;
mod macros;

use crate::debug::{self, Reason};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

pub use self::builder::{Select, SelectWait};
pub use self::case::{RecvCase, RecvHandle, SendCase, SendHandle};
pub use self::future::{FutArm, FutArmAny, FutCase};
use crate::chan::waiter::Token;
use crate::loom::Arc;

/// A channel lock held while a select looks at all its channels at one instant
/// ([`Case::hold`]), its channel's type erased.
#[doc(hidden)]
pub trait Held {}

impl<L> Held for L {}

/// One case of a select, as the algorithm sees it (object-safe over the channel's type).
///
/// A `fut(..)` case ([`FutCase`]) is a case of its own kind: only [`Case::poll_future`]
/// ever completes it, and to everything else (hints, locks, registration) it is a nil
/// case that is never ready and parks nothing.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "a `select!` case must be `Send`",
    note = "channel items, and the future and its output in a `fut(..)` arm, must be `Send`; for a `!Send` future use `tokio::select!`"
)]
pub trait Case: Send {
    /// A case on a nil channel: never ready, never parked.
    fn is_nil(&self) -> bool;
    /// Lock-free look at the case's channel: its readiness hint word (`chan::core::locked`),
    /// for [`Case::ready_in`]. Two equal looks at one case mean that its readiness did not
    /// change in between. A nil case's look is a constant that is never ready.
    fn look(&self) -> usize;
    /// `false` if, by `look`, the case was not ready at the end of its channel's critical
    /// section that published it; `true` if it may be ready (to be confirmed by
    /// [`Case::try_now`]).
    fn ready_in(&self, look: usize) -> bool;
    /// The address of the case's channel, 0 for a nil case: the order in which
    /// [`SelectFuture`] locks all its channels at once.
    fn channel(&self) -> usize;
    /// Locks the case's channel until the guard is dropped (nothing for a nil case). While
    /// held, [`Case::look`] is exact.
    fn hold(&self) -> Option<Box<dyn Held + '_>>;
    /// Completes the case now if it is ready; the result stays in the case.
    fn try_now(&mut self) -> bool;
    /// Parks an entry sharing `token`; `false` if the case is ready right now instead.
    fn register(&mut self, token: &Arc<Token>, index: usize) -> bool;
    /// The token is decided: take the result if this case won, else withdraw the entry.
    fn settle(&mut self);
    /// The select is dropped after this case won, before [`Case::settle`]: undo what can be
    /// undone (put a received value back).
    fn restore(&mut self);
    /// Whether this is a `fut(..)` case.
    fn is_future(&self) -> bool {
        false
    }
    /// Polls a `fut(..)` case's future; `true` if it completed (its output stays in the case,
    /// and the case must win: see [`RawSelect::future_round`]). `false` for channel cases.
    fn poll_future(&mut self, _cx: &mut Context<'_>) -> bool {
        false
    }
}

/// The cases of one select: the array `select!` keeps on the caller's stack, or the boxed
/// cases a [`Select`] owns.
#[doc(hidden)]
pub trait Cases {
    fn count(&self) -> usize;
    fn case(&self, i: usize) -> &dyn Case;
    fn case_mut(&mut self, i: usize) -> &mut dyn Case;
}

impl Cases for &mut [&mut dyn Case] {
    #[inline]
    fn count(&self) -> usize {
        self.len()
    }
    #[inline]
    fn case(&self, i: usize) -> &dyn Case {
        &*self[i]
    }
    #[inline]
    fn case_mut(&mut self, i: usize) -> &mut dyn Case {
        &mut *self[i]
    }
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

/// What [`RawSelect::first_look`] found.
enum Look {
    /// This case completed.
    Won(usize),
    /// With a `default`: there was an instant at which no case was ready. Without one: no
    /// case looked ready (registration checks each again under its lock).
    NoneReady,
    /// The case that looked ready was not, or "none ready" could not be confirmed, or the
    /// look was skipped: take the locked path.
    Stale,
}

/// How many times a select with `default` confirms "no case ready" with two passes over the
/// hints before it locks all its channels at once instead (Go's `sellock`), which always
/// decides. Each failed pass means that another operation changed a channel meanwhile.
const COLLECT_ROUNDS: u32 = if cfg!(loom) { 1 } else { 3 };

/// The future of one select: resolves to the index of the case that completed, or `None` when
/// `default` was taken. Runs over any [`Cases`]: [`SelectFuture`] is the one
/// [`select!`](crate::select!) builds over cases it keeps on the caller's stack, and
/// [`Select`]'s [`Wait`] owns its cases.
#[doc(hidden)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct RawSelect<S: Cases> {
    cases: S,
    biased: bool,
    has_default: bool,
    /// Some case is a `fut(..)` case: every round polls the futures (see
    /// [`Self::future_round`]).
    futures: bool,
    /// The token of the parked select (pass 2 done), if parked.
    parked: Option<Arc<Token>>,
}

/// The select that [`select!`](crate::select!) runs, over the cases on the caller's stack.
#[doc(hidden)]
pub type SelectFuture<'a, 'c> = RawSelect<&'a mut [&'c mut dyn Case]>;

impl<S: Cases> RawSelect<S> {
    /// A select over `cases`; `futures` says whether some case is a `fut(..)` case.
    pub fn new(cases: S, biased: bool, has_default: bool, futures: bool) -> Self {
        RawSelect {
            cases,
            biased,
            has_default,
            futures,
            parked: None,
        }
    }

    fn len(&self) -> usize {
        self.cases.count()
    }

    fn each(&self) -> impl Iterator<Item = &dyn Case> {
        (0..self.len()).map(|i| self.cases.case(i))
    }

    fn settle_all(&mut self) {
        (0..self.len()).for_each(|i| self.cases.case_mut(i).settle());
    }

    /// Pass 1's lock-free first look: read every case's readiness hint, then try one case
    /// drawn uniformly from those that look ready (the first of them in source order when
    /// biased). Only that case's lock is taken, so a select whose ready case is found at once
    /// costs one lock, as a plain receive does. If none looks ready and the select has a
    /// `default`, the look is confirmed by a second pass ([`Self::unchanged`]).
    fn first_look(&mut self) -> Look {
        let n = self.len();
        if n > STACK_CASES {
            // Large dynamic selects take the locked path; with a `default`, they first look
            // at every case under all locks, which decides "none ready" at once (the locked
            // pass alone would take as many locks, one at a time, and need confirming).
            return if self.has_default {
                self.look_locked()
            } else {
                Look::Stale
            };
        }
        let mut looks = [0usize; STACK_CASES];
        let ready = if self.has_default {
            self.each().enumerate().fold(0u32, |m, (i, c)| {
                looks[i] = c.look();
                m | (u32::from(c.ready_in(looks[i])) << i)
            })
        } else {
            // Without a default, "none ready" only leads to registration, which checks again.
            self.each()
                .enumerate()
                .fold(0u32, |m, (i, c)| m | (u32::from(c.ready_in(c.look())) << i))
        };
        let Some(i) = first_pick(ready, self.biased) else {
            if self.has_default && !self.unchanged(&looks[..n]) {
                return Look::Stale;
            }
            return Look::NoneReady;
        };
        if self.cases.case_mut(i).try_now() {
            Look::Won(i)
        } else {
            Look::Stale
        }
    }

    /// The second pass of a double collect: whether every case's look is still `looks`,
    /// read by a first pass that found no case ready. If so, there was an instant, between
    /// the two passes, at which no case was ready, and `default` may be taken
    /// (linearizable, as Go's `select` that locks every channel before it decides).
    ///
    /// Why: a channel's readiness only changes in a critical section, which publishes its
    /// hint word, with a generation that grows on every change, before unlocking (Release);
    /// the select's loads are Acquire. (A channel whose hint is off looks ready, so it never
    /// gets here.) Let `W_c` be the critical section that published the word read from
    /// channel `c` (both reads: equal words) and `X_c` the next one to change `c`'s
    /// readiness, if any. Place `default` after every `W_c` and before every `X_c`: in
    /// between, each `c` is as its word says, not ready. Sections that change nothing
    /// publish nothing and may go on either side, so that order can only contradict what
    /// happened if some `X_p` happened before some `W_q`, directly or through sections
    /// that `q`'s lock orders before `W_q`. Then `X_p`'s store happened before `W_q`'s
    /// store, which the first pass's read of `q` reads (Acquire), and that read is
    /// sequenced before the second pass's read of `p`: by coherence the latter sees
    /// `X_p`'s word or a later one, a different generation, and the confirmation fails.
    /// The select's own earlier operations come before its first pass, and its later ones
    /// after the second, so they fit the order too.
    ///
    /// This is the argument of a double-collect snapshot; the generation rules out a word
    /// that changed and changed back between the two passes. (A `fut(..)` case's look is a
    /// constant: it takes no part.)
    fn unchanged(&self, looks: &[usize]) -> bool {
        self.each().zip(looks).all(|(c, &l)| c.look() == l)
    }

    /// A select with `default` whose locked pass completed nothing: the locks were taken one
    /// at a time, so some case may have been ready at every instant (one became ready after
    /// its lock was released, another stopped being ready before its lock was taken).
    /// Confirm "none ready" at one instant before `default` is taken: by a first look with
    /// its double collect for the first [`COLLECT_ROUNDS`] rounds, then by looking at every
    /// case with all their channels locked at once.
    fn confirm_none(&mut self, round: u32) -> Look {
        if round <= COLLECT_ROUNDS && self.len() <= STACK_CASES {
            return self.first_look();
        }
        self.look_locked()
    }

    /// Go's `sellock`: locks every case's channel, in address order and each once (a channel
    /// may appear in several cases), and looks at every case while all are held, when each
    /// look is exact: `NoneReady` if no case is ready at this instant, else `Stale` (the
    /// locked pass tries again). Holding two channel locks happens only here, always in
    /// address order, so it cannot deadlock.
    #[cold]
    fn look_locked(&self) -> Look {
        let mut chans: Vec<(usize, usize)> = (self.each().enumerate())
            .map(|(i, c)| (c.channel(), i))
            .filter(|&(ch, _)| ch != 0)
            .collect();
        chans.sort_unstable();
        chans.dedup_by_key(|&mut (ch, _)| ch);
        let held: Vec<_> = (chans.iter())
            .map(|&(_, i)| self.cases.case(i).hold())
            .collect();
        let any_ready = self.each().any(|c| c.ready_in(c.look()));
        drop(held); // republishes each hint and unlocks
        if any_ready {
            Look::Stale
        } else {
            Look::NoneReady
        }
    }

    /// Pass 3: the token is decided for `won`; settle every case.
    fn finish(&mut self, won: usize) -> usize {
        self.settle_all();
        won
    }
}

impl<S: Cases + Unpin> Future for RawSelect<S> {
    type Output = Option<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<usize>> {
        let this = self.get_mut();
        if this.parked.is_some() {
            return this.poll_parked(cx);
        }
        this.poll_round(cx)
    }
}

impl<S: Cases> RawSelect<S> {
    /// A new round (the select is not parked).
    #[inline]
    fn poll_round(&mut self, cx: &mut Context<'_>) -> Poll<Option<usize>> {
        let look = if self.futures {
            self.future_round(cx)
        } else {
            self.first_look()
        };
        // The common cases stay short: a case that looks ready is, or nothing looks ready
        // and there is a default.
        match look {
            Look::Won(i) => Poll::Ready(Some(i)),
            Look::NoneReady if self.has_default => Poll::Ready(None),
            look => self.poll_slow(cx, look),
        }
    }

    /// A parked select is polled: done if its token was decided, else wait again. With
    /// `fut(..)` cases, a wake-up that no channel case explains is a future's: the select
    /// aborts its token (a counterpart that claimed it first wins instead), withdraws its
    /// entries and runs a new round, which polls the futures ([`Self::future_round`]).
    fn poll_parked(&mut self, cx: &mut Context<'_>) -> Poll<Option<usize>> {
        let token = self.parked.as_ref().expect("parked");
        let won = match token.selected() {
            Some(i) => i,
            None if self.futures => {
                if token.abort() {
                    self.settle_all();
                    Token::recycle(self.parked.take().expect("parked"));
                    return self.poll_round(cx);
                }
                token
                    .selected()
                    .expect("a token that cannot be aborted was selected")
            }
            None => {
                token.set_waker(cx);
                match token.selected() {
                    Some(i) => i,
                    None => {
                        debug::park(Reason::Select, debug::NO_SITE, || None);
                        return Poll::Pending;
                    }
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
        let n = self.len();
        // The token of this poll's registrations, kept across retries; recycled on return
        // unless the select stays parked with it.
        let mut token = TokenSlot(None);
        let mut confirms = 0;
        loop {
            let mut order = Order::new(n, self.biased);
            match look {
                Look::Won(i) => return Poll::Ready(Some(i)),
                Look::NoneReady => {
                    if self.has_default {
                        return Poll::Ready(None); // confirmed: no case ready at one instant
                    }
                    (0..n).for_each(|k| _ = order.pick(k)); // the order pass 2 registers in
                }
                Look::Stale => {
                    // Pass 1 under the locks, in poll order.
                    for k in 0..n {
                        let i = order.pick(k);
                        if self.cases.case_mut(i).try_now() {
                            return Poll::Ready(Some(i));
                        }
                    }
                    if self.has_default {
                        confirms += 1;
                        look = self.confirm_none(confirms);
                        continue;
                    }
                }
            }
            if self.each().all(|c| c.is_nil()) {
                // Go's `select {}` (no cases) or a select of nil channels: blocks forever.
                let reason = if n == 0 {
                    Reason::SelectNoCases
                } else {
                    Reason::Select
                };
                debug::park(reason, debug::NO_SITE, || None);
                return Poll::Pending;
            }
            // Pass 2.
            let tok = match &mut token.0 {
                Some(t) => {
                    t.reset();
                    t.set_waker(cx);
                    t
                }
                None => token
                    .0
                    .insert(Token::pooled(crate::debug::own(cx.waker()).into_owned())),
            };
            let parked_all = register_all(&mut self.cases, &order, tok);
            if parked_all {
                self.parked = token.0.take();
                debug::park(Reason::Select, debug::NO_SITE, || None);
                return Poll::Pending;
            }
            // A case became ready while we registered: abort and look again, unless a
            // counterpart claimed us first. The case that was ready now shows it in its hint
            // (written when its lock was released), so the look does not miss it.
            if tok.abort() {
                self.settle_all();
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

impl<S: Cases> Drop for RawSelect<S> {
    fn drop(&mut self) {
        if let Some(token) = self.parked.take() {
            abandon(&mut self.cases, &token);
            Token::recycle(token);
        }
    }
}

/// Pass 2: parks an entry for every case, in `order`, sharing `token`; `false` if a case
/// was ready instead (the entries parked so far stay parked).
///
/// A registration can panic (a queue that cannot grow, a broken invariant's `expect`).
/// Unwinding on with the earlier cases' entries live would let a later counterpart
/// complete a select that is gone, delivering into an entry nobody reads (issue 15, item
/// 7), so a guard settles them first, as dropping a parked select does.
fn register_all<S: Cases>(cases: &mut S, order: &Order, token: &Arc<Token>) -> bool {
    /// Settles `cases` if dropped, that is, if a registration panicked.
    struct OnUnwind<'s, S: Cases> {
        cases: &'s mut S,
        token: &'s Arc<Token>,
    }

    impl<S: Cases> Drop for OnUnwind<'_, S> {
        fn drop(&mut self) {
            abandon(self.cases, self.token);
        }
    }

    let guard = OnUnwind { cases, token };
    let parked_all = (0..guard.cases.count()).all(|k| {
        let i = order.get(k);
        guard.cases.case_mut(i).register(guard.token, i)
    });
    std::mem::forget(guard); // no panic: the caller settles (it holds only references)
    parked_all
}

/// A select gives up its parked (or partly parked) round: aborts `token`, withdraws every
/// case's entry, and if a counterpart had won a case first, undoes what can be undone (a
/// received value goes back to its channel; a sent value stays sent).
fn abandon<S: Cases>(cases: &mut S, token: &Token) {
    if !token.abort()
        && let Some(won) = token.selected()
    {
        cases.case_mut(won).restore(); // first: it needs the winning entry
    }
    (0..cases.count()).for_each(|i| cases.case_mut(i).settle());
}
/// A select's token while [`RawSelect::poll_slow`] works with it: recycled when dropped.
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
        SelectFuture::new(&mut refs, false, false, false).await
    };
    let won = won.expect("no default case");
    (won, cases[won].into_result())
}

#[cfg(all(test, not(loom)))]
mod tests;

impl std::fmt::Debug for SelectFuture<'_, '_> {
    /// `SelectFuture { cases: 3, biased: false, has_default: false, parked: true }`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SelectFuture")
            .field("cases", &self.cases.len())
            .field("biased", &self.biased)
            .field("has_default", &self.has_default)
            .field("parked", &self.parked.is_some())
            .finish()
    }
}
