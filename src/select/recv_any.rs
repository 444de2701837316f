//! [`RecvAny`], the future of [`recv_any`](super::recv_any): the same [`RawSelect`] as
//! `select!`, over receive cases it owns (one per handle, nil handles included), with no
//! `default` and no `fut(..)` case. The cases live in the future, so it borrows only the
//! handles and can be named, stored and printed.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::future::FusedFuture;

use super::{Case, Cases, RawSelect, RecvCase, RecvHandle};

/// The receive cases, one per handle, on the heap: a moved `RecvAny` moves none of them.
struct RecvCases<'a, T>(Vec<RecvCase<'a, T>>);

// Nothing here is ever pinned: the cases sit in the `Vec`'s buffer, which a move of the
// future does not move, and results are taken out by value.
impl<T> Unpin for RecvCases<'_, T> {}

impl<T: Send> Cases for RecvCases<'_, T> {
    #[inline]
    fn count(&self) -> usize {
        self.0.len()
    }
    #[inline]
    fn case(&self, i: usize) -> &dyn Case {
        &self.0[i]
    }
    #[inline]
    fn case_mut(&mut self, i: usize) -> &mut dyn Case {
        &mut self.0[i]
    }
}

/// Future returned by [`recv_any`](crate::recv_any): resolves to the index of the handle
/// that was received from and what it gave (`None`: closed and drained).
///
/// Dropping it receives nothing and loses nothing (a value already handed to it goes back to
/// its channel). `Debug` shows the number of handles and whether it is parked, and needs
/// nothing of the item type.
///
/// # Examples
///
/// ```
/// use gokio::{chan, recv_any, RecvAny};
///
/// # gokio::run(async {
/// let chans = [chan::<u8>(1), chan::<u8>(1)];
/// chans[1].send(9).await.unwrap();
/// let any: RecvAny<'_, u8> = recv_any(&chans);
/// assert_eq!(format!("{any:?}"), "RecvAny { handles: 2, parked: false, done: false }");
/// assert_eq!(any.await, (1, Some(9)));
/// # });
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct RecvAny<'a, T: Send> {
    select: RawSelect<RecvCases<'a, T>>,
    done: bool,
}

impl<'a, T: Send> RecvAny<'a, T> {
    pub(super) fn new<H: RecvHandle<Item = T>>(handles: &'a [H]) -> Self {
        let cases = RecvCases(handles.iter().map(RecvCase::new).collect());
        RecvAny {
            select: RawSelect::new(cases, false, false, false),
            done: false,
        }
    }
}

impl<T: Send> Future for RecvAny<'_, T> {
    type Output = (usize, Option<T>);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<(usize, Option<T>)> {
        let this = self.get_mut();
        assert!(!this.done, "gokio: `RecvAny` polled after completion");
        let Poll::Ready(won) = Pin::new(&mut this.select).poll(cx) else {
            return Poll::Pending;
        };
        this.done = true;
        let won = won.expect("no default case");
        Poll::Ready((won, this.select.cases_mut().0[won].into_result()))
    }
}

impl<T: Send> FusedFuture for RecvAny<'_, T> {
    fn is_terminated(&self) -> bool {
        self.done
    }
}

impl<T: Send> fmt::Debug for RecvAny<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecvAny")
            .field("handles", &self.select.cases.count())
            .field("parked", &self.select.parked.is_some())
            .field("done", &self.done)
            .finish()
    }
}
