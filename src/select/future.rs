//! The `fut(..)` case of a select: any future, raced against channel cases.
//!
//! A future is not a channel: whether it is ready is known only by polling it, and a poll
//! that returns `Ready` hands over an output that cannot be put back. So a future case takes
//! no part in the channel machinery (hints, locks, registration: there it is a nil case) and
//! is polled only by [`RawSelect::future_round`](super::RawSelect), at a moment when the
//! select can commit to it; that function's docs argue why no output is ever lost and why
//! channel cases keep their exactly-once guarantee.
//!
//! [`FutArm`] lets `select!` take a future or an `Option` of one (`None`: a nil case, never
//! chosen) with one spelling, without overlapping impls: an inherent method on the `Option`
//! form is found before the trait method that takes any future.

use std::future::Future;
use std::ops::DerefMut;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::{Case, Held};
use crate::chan::waiter::Token;
use crate::loom::Arc;

/// A `fut(f)` case: the pinned future (`None`: a nil case) and, once it completed, its output.
#[doc(hidden)]
pub struct FutCase<P: DerefMut<Target: Future>> {
    fut: Option<Pin<P>>,
    out: Option<<P::Target as Future>::Output>,
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
