//! The select future: [`RawSelect`] runs the passes of the algorithm in [`super`] over any
//! [`Cases`]: a new round (the first look, or with `fut(..)` cases a polling round), the
//! locked pass and registration (pass 2) when no case completes at once, and the wake-up of
//! a parked select (pass 3). It also holds what a select does when it gives up a parked
//! round (dropped, or a registration that panics).
//!
//! Invariant: while parked, the select owns one live token that every case's entry shares;
//! it is recycled only once every entry is settled.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::look::Look;
use super::order::Order;
use super::{Case, Cases};
use crate::chan::waiter::Token;
use crate::debug::{self, Reason};
use crate::loom::Arc;

/// The future of one select: resolves to the index of the case that completed, or `None` when
/// `default` was taken. Runs over any [`Cases`]: [`SelectFuture`] is the one
/// [`select!`](crate::select!) builds over cases it keeps on the caller's stack, and
/// [`Select`](super::Select)'s [`SelectWait`](super::SelectWait) owns its cases.
#[doc(hidden)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct RawSelect<S: Cases> {
    pub(super) cases: S,
    pub(super) biased: bool,
    pub(super) has_default: bool,
    /// Some case is a `fut(..)` case: every round polls the futures (see
    /// [`Self::future_round`]).
    pub(super) futures: bool,
    /// The token of the parked select (pass 2 done), if parked.
    pub(super) parked: Option<Arc<Token>>,
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

    pub(super) fn len(&self) -> usize {
        self.cases.count()
    }

    pub(super) fn each(&self) -> impl Iterator<Item = &dyn Case> {
        (0..self.len()).map(|i| self.cases.case(i))
    }

    pub(super) fn settle_all(&mut self) {
        (0..self.len()).for_each(|i| self.cases.case_mut(i).settle());
    }

    /// Pass 3: the token is decided for `won`; settle every case.
    pub(super) fn finish(&mut self, won: usize) -> usize {
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
