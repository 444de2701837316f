//! The named futures returned by the channel operations.
//!
//! Each holds the operation's state between polls — the value not yet sent and the parked
//! entry — and withdraws the entry when dropped, which is what makes cancellation exact: a
//! dropped [`SendFuture`] delivered its value (a receiver took it while it waited) or never
//! will ([`SendFuture::cancel`] says which), and a dropped [`RecvFuture`] never loses one (a
//! value already handed to it goes back to the head of the channel).

use std::fmt;
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
/// # Panics
///
/// Polling it again after it resolved panics: it has nothing left to send.
///
/// # Cancel safety
///
/// Exactly once, but dropping it does not mean that nothing was sent. While the send waits, a
/// receiver may take its value (the send happened; the future would resolve `Ok(())` when
/// polled next); dropping the future then leaves the value sent. Dropped before that, the send
/// is withdrawn: no receiver ever gets the value, which is dropped with the future. Code that
/// must know — to retry a send elsewhere without sending twice, say — calls
/// [`cancel`](Self::cancel) instead of dropping the future: it withdraws the send and returns
/// the value if it was not delivered.
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct SendFuture<'a, T> {
    shared: &'a Shared<T>,
    value: Option<T>,
    entry: Option<Parked<T>>,
    /// The user's call of `send`, for `gokio::debug::dump`.
    site: crate::debug::Site,
}

impl<'a, T> SendFuture<'a, T> {
    #[track_caller]
    pub(crate) fn new(shared: &'a Shared<T>, value: T) -> Self {
        SendFuture {
            shared,
            value: Some(value),
            entry: None,
            site: crate::debug::caller(),
        }
    }
}

impl<T> SendFuture<'_, T> {
    /// Withdraws the send and returns its value if it was not delivered: `Some(v)` if no
    /// receiver took it (it was never polled, it is still waiting, or the channel closed),
    /// `None` if it was delivered — taken by a receiver, or buffered — or if the future already
    /// resolved. The withdrawal happens under the channel's lock, so after `Some(v)` no receiver
    /// ever gets `v`, and after `None` one did (or will, from the buffer).
    ///
    /// # Examples
    ///
    /// A send waits on an unbuffered channel; nobody receives, so cancelling it hands the value
    /// back (where dropping the future would have dropped it):
    ///
    /// ```
    /// use std::future::Future;
    /// use std::task::Context;
    ///
    /// let ch = gokio::chan::<String>(0);
    /// let mut send = Box::pin(ch.send("retry me".to_string()));
    /// let waker = futures::task::noop_waker();
    /// assert!(send.as_mut().poll(&mut Context::from_waker(&waker)).is_pending());
    /// let back = std::pin::Pin::into_inner(send).cancel();
    /// assert_eq!(back.as_deref(), Some("retry me"));
    /// assert!(ch.try_recv().is_err(), "nothing was delivered");
    /// ```
    pub fn cancel(mut self) -> Option<T> {
        if self.entry.is_some() {
            self.shared.cancel_send(&mut self.entry)
        } else {
            self.value.take()
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
            .poll_send(cx, &mut this.value, &mut this.entry, this.site)
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
/// # Panics
///
/// Polling it again after it resolved panics (as [`SendFuture`] does): it would otherwise
/// receive a second value, which the caller would not expect of one `recv`.
///
/// # Cancel safety
///
/// Dropping it never loses a value: if a sender handed it a value that it had not yet
/// returned, the value goes back to the head of the channel for the next receiver (or, if the
/// channel closed meanwhile, `close` already put it there).
///
/// A parked receive that is leaked instead (`std::mem::forget`, so its `Drop` never runs)
/// never returns a value handed to it: like any forgotten value, it stays with the leaked
/// future until the channel closes, when `close` takes it back — or, with no receiver left,
/// is dropped with the channel. Its entry is never reused (the channel keeps it aside and
/// frees it with the channel), so later operations are not slowed down.
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct RecvFuture<'a, T> {
    /// `None` once the receive resolved (a niche: no extra space).
    shared: Option<&'a Shared<T>>,
    entry: Option<Parked<T>>,
    /// The user's call of `recv`, for `gokio::debug::dump`.
    site: crate::debug::Site,
}

impl<'a, T> RecvFuture<'a, T> {
    #[track_caller]
    pub(crate) fn new(shared: &'a Shared<T>) -> Self {
        RecvFuture {
            shared: Some(shared),
            entry: None,
            site: crate::debug::caller(),
        }
    }
}

impl<T> Unpin for RecvFuture<'_, T> {}

impl<T> Future for RecvFuture<'_, T> {
    type Output = Option<T>;

    #[inline(always)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let this = self.get_mut();
        let shared = this.shared.expect("gokio: recv polled after completion");
        let r = shared.poll_recv(cx, &mut this.entry, this.site);
        if r.is_ready() {
            this.shared = None;
        }
        r
    }
}

impl<T> Drop for RecvFuture<'_, T> {
    #[inline]
    fn drop(&mut self) {
        if let (Some(shared), Some(_)) = (self.shared, &self.entry) {
            shared.cancel_recv(&mut self.entry);
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
    #[track_caller]
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

// ----- Debug: the channel (address, len, cap, closed) and where the operation stands -----

/// Where a channel operation stands, for `Debug`.
fn op_state<T, U>(value: Option<&U>, entry: &Option<Parked<T>>) -> &'static str {
    match (value, entry) {
        (_, Some(_)) => "parked",
        (Some(_), None) => "idle",
        (None, None) => "done",
    }
}

impl<T> fmt::Debug for SendFuture<'_, T> {
    /// `SendFuture { addr: 0x.., len: 0, cap: 0, closed: false, state: "parked" }`; `state` is
    /// `idle` (not polled yet), `parked` (waiting for room or a receiver) or `done`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = op_state(self.value.as_ref(), &self.entry);
        super::debug_chan(f.debug_struct("SendFuture"), self.shared)
            .field("state", &state)
            .finish()
    }
}

impl<T> fmt::Debug for RecvFuture<'_, T> {
    /// As [`SendFuture`]'s; a resolved receive shows only `state: "done"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.shared {
            Some(shared) => super::debug_chan(f.debug_struct("RecvFuture"), shared)
                .field("state", &op_state(Some(&()), &self.entry))
                .finish(),
            None => f
                .debug_struct("RecvFuture")
                .field("state", &"done")
                .finish(),
        }
    }
}

impl<T> fmt::Debug for RecvOkFuture<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RecvOkFuture").field(&self.inner).finish()
    }
}

impl<T> fmt::Debug for ClosedFuture<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        super::debug_chan(f.debug_struct("ClosedFuture"), self.shared).finish()
    }
}
