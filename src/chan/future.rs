//! The named futures returned by the channel operations.
//!
//! Each holds the operation's state between polls — the value not yet sent and the parked
//! entry — and withdraws the entry when dropped, which is what makes cancellation exact:
//! a dropped [`SendFuture`] never delivers its value, and a dropped [`RecvFuture`] never loses
//! one (a value already handed to it goes back to the head of the channel).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::core::{ClosedWait, Shared};
use super::waiter::Parked;
use super::SendError;

/// The future returned by [`Chan::send`](crate::Chan::send) and
/// [`Sender::send`](crate::Sender::send).
///
/// Resolves to `Ok(())` once the value is in the buffer or (unbuffered) taken by a receiver,
/// or to `Err(SendError(v))` if the channel is or becomes closed.
///
/// # Cancel safety
///
/// Dropping it before it resolves withdraws the send: the value is dropped with the future and
/// no receiver ever gets it. (If a receiver took the value in the instant before the drop, the
/// send had already happened; the future would have resolved `Ok` when polled.)
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct SendFuture<'a, T> {
    shared: &'a Shared<T>,
    value: Option<T>,
    entry: Option<Parked<T>>,
}

impl<'a, T> SendFuture<'a, T> {
    pub(crate) fn new(shared: &'a Shared<T>, value: T) -> Self {
        SendFuture {
            shared,
            value: Some(value),
            entry: None,
        }
    }
}

// The value is never pinned: it is moved into the channel by value.
impl<T> Unpin for SendFuture<'_, T> {}

impl<T> Future for SendFuture<'_, T> {
    type Output = Result<(), SendError<T>>;

    #[inline(always)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        this.shared
            .poll_send(cx, &mut this.value, &mut this.entry)
            .map_err(SendError)
    }
}

impl<T> Drop for SendFuture<'_, T> {
    #[inline]
    fn drop(&mut self) {
        if self.entry.is_some() {
            drop(self.shared.cancel_send(&mut self.entry));
        }
    }
}

/// The future returned by [`Chan::recv`](crate::Chan::recv) and
/// [`Receiver::recv`](crate::Receiver::recv).
///
/// Resolves to `Some(v)` with the next value, or to `None` once the channel is closed and
/// drained (Go's `v, ok := <-ch` with `ok == false`).
///
/// # Cancel safety
///
/// Dropping it never loses a value: if a sender handed it a value that it had not yet
/// returned, the value goes back to the head of the channel for the next receiver.
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct RecvFuture<'a, T> {
    shared: &'a Shared<T>,
    entry: Option<Parked<T>>,
}

impl<'a, T> RecvFuture<'a, T> {
    pub(crate) fn new(shared: &'a Shared<T>) -> Self {
        RecvFuture {
            shared,
            entry: None,
        }
    }
}

impl<T> Unpin for RecvFuture<'_, T> {}

impl<T> Future for RecvFuture<'_, T> {
    type Output = Option<T>;

    #[inline(always)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let this = self.get_mut();
        this.shared.poll_recv(cx, &mut this.entry)
    }
}

impl<T> Drop for RecvFuture<'_, T> {
    #[inline]
    fn drop(&mut self) {
        if self.entry.is_some() {
            self.shared.cancel_recv(&mut self.entry);
        }
    }
}

/// The future returned by [`Chan::recv_ok`](crate::Chan::recv_ok) and
/// [`Receiver::recv_ok`](crate::Receiver::recv_ok): Go's literal `v, ok := <-ch`.
///
/// Resolves to `(v, true)` for a received value and `(T::default(), false)` once the channel
/// is closed and drained.
///
/// # Cancel safety
///
/// As [`RecvFuture`]: dropping it never loses a value.
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct RecvOkFuture<'a, T> {
    inner: RecvFuture<'a, T>,
}

impl<'a, T> RecvOkFuture<'a, T> {
    pub(crate) fn new(shared: &'a Shared<T>) -> Self {
        RecvOkFuture {
            inner: RecvFuture::new(shared),
        }
    }
}

impl<T: Default> Future for RecvOkFuture<'_, T> {
    type Output = (T, bool);

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<(T, bool)> {
        Pin::new(&mut self.inner).poll(cx).map(|v| match v {
            Some(v) => (v, true),
            None => (T::default(), false),
        })
    }
}

/// The future returned by [`Sender::closed`](crate::Sender::closed) and
/// [`Chan::closed`](crate::Chan::closed): resolves once the channel is closed — explicitly, or
/// because every handle able to receive was dropped.
///
/// # Cancel safety
///
/// Cancel safe: it only observes.
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ClosedFuture<'a, T> {
    shared: &'a Shared<T>,
    wait: ClosedWait,
}

impl<'a, T> ClosedFuture<'a, T> {
    pub(crate) fn new(shared: &'a Shared<T>) -> Self {
        ClosedFuture {
            shared,
            wait: ClosedWait::default(),
        }
    }
}

impl<T> Unpin for ClosedFuture<'_, T> {}

impl<T> Future for ClosedFuture<'_, T> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        this.shared.poll_closed(cx, &mut this.wait)
    }
}
