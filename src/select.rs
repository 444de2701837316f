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
//!      look ready (the first of them when `biased`) and try it under its lock (a receive
//!      that changes neither of the channel's hint bits runs inline and publishes nothing:
//!      `chan/ready.rs`). If it completes, it wins. This is where a select usually ends, at
//!      the cost of one lock: Go's `select` locks every channel here. A select of 3 cases
//!      or more first draws a *probe* uniformly from all its cases and, if the probe's hint
//!      says ready, tries it without reading the other hints; a ready case is then chosen
//!      with probability `1/n + (n - k)/n * 1/k = 1/k` (`k` of `n` look ready), uniform as
//!      before. Only a probe that missed reads every hint, so `default` is decided as below.
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
//!
//! **Where each part lives.** `order.rs`: the random (or biased) poll order and the draw
//! among cases that look ready. `look.rs`: pass 1's lock-free first look and the
//! linearizable `default`. `run.rs`: [`RawSelect`], the future that runs the passes
//! (locked pass, registration, wake-up, giving up a parked round). `future.rs`: `fut(..)`
//! cases and hand cancellation. `case.rs`: the channel cases. `builder.rs`: the runtime
//! [`Select`] API. `macros.rs`: the [`select!`](crate::select!) parser.

mod builder;
mod case;
mod future;
mod look;
mod macros;
mod order;
mod recv_any;
mod run;

use std::task::Context;

pub use self::builder::{Select, SelectWait};
pub use self::case::{RecvCase, RecvHandle, SendCase, SendHandle};
pub use self::future::{FutArm, FutArmAny, FutCase};
use self::look::Look;
pub use self::order::{first_pick, probe};
use self::order::{Order, STACK_CASES};
pub use self::recv_any::RecvAny;
use self::run::RawSelect;
pub use self::run::SelectFuture;
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
pub fn recv_any<H>(handles: &[H]) -> RecvAny<'_, H::Item>
where
    H: RecvHandle,
    H::Item: Send,
{
    RecvAny::new(handles)
}

#[cfg(all(test, not(loom)))]
mod tests;
