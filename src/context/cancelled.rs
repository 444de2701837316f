//! [`Cancelled`], the named future of [`Context::cancelled`](super::Context::cancelled), so
//! that it is `Debug` and can be stored in a struct (an `async fn` future can be neither).
//!
//! It is the context's `done()` receiver polled as a stream: the done channel never carries a
//! value and is closed on cancellation, so the first `Ready` (`None`) is the cancellation.
//! Dropping it drops the receiver, which withdraws its parked receive.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::Stream;

use crate::chan::Receiver;

/// The future returned by [`Context::cancelled`](super::Context::cancelled): resolves once
/// the context is cancelled (Go: `<-ctx.Done()`). It owns a handle on the context's done
/// channel, so it does not borrow the context.
///
/// # Cancel safety
///
/// Cancel safe: it only observes.
///
/// # Examples
///
/// ```
/// # futures::executor::block_on(async {
/// use gokio::{context::Cancelled, Context};
///
/// let (ctx, cancel) = Context::background().with_cancel();
/// let wait: Cancelled = ctx.cancelled();
/// assert_eq!(format!("{wait:?}"), "Cancelled { cancelled: false }");
/// cancel.cancel();
/// wait.await;
/// # });
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Cancelled {
    pub(super) done: Receiver<()>,
}

impl Future for Cancelled {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        Pin::new(&mut self.get_mut().done).poll_next(cx).map(|_| ())
    }
}

impl fmt::Debug for Cancelled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cancelled")
            .field("cancelled", &self.done.is_closed())
            .finish()
    }
}
