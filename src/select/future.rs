//! The `fut(..)` case of a select: any future, raced against channel cases.
//!
//! A future is not a channel: whether it is ready is known only by polling it, and a poll
//! that returns `Ready` hands over an output that cannot be put back. So a future case takes
//! no part in the channel machinery (hints, locks, registration: there it is a nil case) and
//! is polled only by [`RawSelect::future_round`], at a moment when the
//! select can commit to it; that function's docs argue why no output is ever lost and why
//! channel cases keep their exactly-once guarantee.
//!
//! It also holds [`RawSelect::cancel`], the hand cancellation of [`SelectWait`](super::SelectWait).
//!
//! [`FutArm`] lets `select!` take a future or an `Option` of one (`None`: a nil case, never
//! chosen) with one spelling, without overlapping impls: an inherent method on the `Option`
//! form is found before the trait method that takes any future.

use std::future::Future;
use std::ops::DerefMut;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::{Case, Cases, Held, Look, Order, RawSelect, STACK_CASES};
use crate::chan::waiter::Token;
use crate::loom::Arc;

/// A `fut(f)` case: the pinned future (`None`: a nil case) and, once it completed, its output.
#[doc(hidden)]
pub struct FutCase<P: DerefMut<Target: Future>> {
    fut: Option<Pin<P>>,
    out: Option<<P::Target as Future>::Output>,
}

impl<P: DerefMut<Target: Future>> std::fmt::Debug for FutCase<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FutCase")
            .field("nil", &self.fut.is_none())
            .field("completed", &self.out.is_some())
            .finish()
    }
}

impl<P: DerefMut<Target: Future>> FutCase<P> {
    pub fn new(fut: Option<Pin<P>>) -> Self {
        FutCase { fut, out: None }
    }

    /// The future's output, once the select chose this case.
    pub fn into_result(&mut self) -> <P::Target as Future>::Output {
        self.out
            .take()
            .expect("gokio: select case result taken twice")
    }
}

impl<P> Case for FutCase<P>
where
    P: DerefMut<Target: Future> + Send,
    <P::Target as Future>::Output: Send,
{
    fn is_nil(&self) -> bool {
        self.fut.is_none()
    }

    fn look(&self) -> usize {
        0 // a constant: never changes a double collect
    }

    fn ready_in(&self, _look: usize) -> bool {
        false
    }

    fn channel(&self) -> usize {
        0
    }

    fn hold(&self) -> Option<Box<dyn Held + '_>> {
        None
    }

    fn try_now(&mut self) -> bool {
        false
    }

    fn register(&mut self, _token: &Arc<Token>, _index: usize) -> bool {
        true // nothing to park: a parked select's wake-up by the future runs a new round
    }

    fn settle(&mut self) {}

    fn restore(&mut self) {}

    fn is_future(&self) -> bool {
        true
    }

    fn poll_future(&mut self, cx: &mut Context<'_>) -> bool {
        let Some(f) = &mut self.fut else { return false };
        match f.as_mut().poll(cx) {
            Poll::Ready(v) => {
                self.out = Some(v);
                true
            }
            Poll::Pending => false,
        }
    }
}

/// What `select!` wraps a `fut(..)` arm's pinned expression in, to build its case: an
/// `Option` of a future gives a case that is nil when `None` (this inherent method), any
/// other future a case for it ([`FutArmAny`]).
#[doc(hidden)]
#[derive(Debug)]
pub struct FutArm<T>(pub T);

impl<'a, F: Future> FutArm<Pin<&'a mut Option<F>>> {
    pub fn __gokio_case(self) -> FutCase<&'a mut F> {
        FutCase::new(self.0.as_pin_mut())
    }
}

/// The `fut(..)` arm of a future that is not an `Option` (see [`FutArm`]).
#[doc(hidden)]
pub trait FutArmAny<'a> {
    type Fut: Future + 'a;
    fn __gokio_case(self) -> FutCase<&'a mut Self::Fut>;
}

impl<'a, F: Future + 'a> FutArmAny<'a> for FutArm<Pin<&'a mut F>> {
    type Fut = F;
    fn __gokio_case(self) -> FutCase<&'a mut F> {
        FutCase::new(Some(self.0))
    }
}

impl<S: Cases> RawSelect<S> {
    /// Pass 1 of a select with `fut(..)` cases, in place of [`Self::first_look`]: visit every
    /// case in a random (or the biased) order; a channel case whose hint says ready is tried
    /// under its lock, a future is polled. The first case that completes wins.
    ///
    /// Why no future output is ever lost and channel cases stay exactly-once: a future's
    /// output cannot be put back, so a future is polled only when the select can commit to
    /// it on the spot, that is, when none of its channel cases is parked — this round runs
    /// before registration, and a parked select first aborts its token
    /// ([`Self::poll_parked`]); if a counterpart won the token first, that case wins and no
    /// future is polled. So when a poll returns `Ready`, no other case has committed (earlier
    /// channel cases in the order were not ready and consumed nothing; later ones are not
    /// tried), and the future's case wins. Choice stays uniform: each of `k` cases ready in
    /// this round comes first among them in the uniform order with probability `1/k`.
    ///
    /// Each future is polled once per poll of the select. With `default`, "no case ready"
    /// means: every future returned `Pending`, and the channel cases were confirmed not ready
    /// at one instant by the usual double collect (or the locked paths, where the futures
    /// look like nil cases and are not polled again).
    pub(super) fn future_round(&mut self, cx: &mut Context<'_>) -> Look {
        let n = self.len();
        if !self.has_default {
            // No double collect to prepare: registration checks every channel again.
            return self
                .visit_all(cx, &mut [])
                .map_or(Look::NoneReady, Look::Won);
        }
        if n > STACK_CASES {
            // Too large for a double collect: the locked path confirms "none ready".
            return self.visit_all(cx, &mut []).map_or(Look::Stale, Look::Won);
        }
        let mut looks = [0usize; STACK_CASES];
        match self.visit_all(cx, &mut looks[..n]) {
            Ok(i) => Look::Won(i),
            // A case looked ready but was not (a stale hint): confirm under the locks.
            Err(true) => Look::Stale,
            Err(false) if self.unchanged(&looks[..n]) => Look::NoneReady,
            Err(false) => Look::Stale,
        }
    }

    /// [`Self::future_round`]'s visit: `Ok` with the first case in a fresh random (or the
    /// biased) order that completes, else `Err(stale)`, `stale` saying whether a case
    /// looked ready but was not. Records each channel case's look in `looks` unless it is
    /// empty (for a double collect).
    #[inline]
    fn visit_all(&mut self, cx: &mut Context<'_>, looks: &mut [usize]) -> Result<usize, bool> {
        let n = self.len();
        let mut order = Order::new(n, self.biased);
        let mut stale = false;
        for k in 0..n {
            let i = order.pick(k);
            let c = self.cases.case_mut(i);
            if c.is_future() {
                if c.poll_future(cx) {
                    return Ok(i);
                }
                continue;
            }
            let look = c.look();
            if c.ready_in(look) {
                if c.try_now() {
                    return Ok(i);
                }
                stale = true;
            }
            if let Some(l) = looks.get_mut(i) {
                *l = look;
            }
        }
        Err(stale)
    }

    /// Gives up a pending select and says which case, if any, had already won: a
    /// counterpart can complete a parked case between two polls. That case's result is in
    /// the case (a received value is kept, not put back: the caller gets it); every other
    /// case is withdrawn, and nothing more can complete. `None` if no case had won; then
    /// nothing was sent or received. Polling the select afterwards starts a new round.
    pub(crate) fn cancel(&mut self) -> Option<usize> {
        let token = self.parked.take()?;
        let won = if token.abort() {
            None
        } else {
            Some(
                token
                    .selected()
                    .expect("a token that cannot be aborted was selected"),
            )
        };
        self.settle_all();
        Token::recycle(token);
        won
    }

    /// The cases, for the caller to take the winner's result.
    pub(crate) fn cases_mut(&mut self) -> &mut S {
        &mut self.cases
    }
}
