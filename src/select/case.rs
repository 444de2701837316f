//! The two kinds of select case and the handle traits that say which handles may appear in
//! them.

use super::{Case, Held};
use crate::chan::waiter::{Parked, Token};
use crate::chan::Shared;
use crate::loom::Arc;
use crate::{Chan, Receiver, SendError, Sender, TrySendError};

/// A channel handle that can appear in a `recv(..)` case of [`select!`](crate::select!):
/// [`Chan`], [`Receiver`], a reference to one, or an `Option` of one, where `None` is Go's nil
/// channel (its case is never chosen).
///
/// # Examples
///
/// ```
/// # gokio::run(async {
/// use gokio::{select, Chan};
/// let ready = gokio::chan::<i32>(1);
/// ready.send(1).await.unwrap();
/// let nil: Option<Chan<i32>> = None; // `var nil chan int`
/// select! {
///     recv(nil) -> _ => unreachable!("a nil channel is never ready"),
///     recv(ready) -> v => assert_eq!(v, Some(1)),
/// }
/// # });
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be received from in `select!`",
    label = "not a receiving channel handle",
    note = "use a `Chan`, a `Receiver`, a reference to one, or an `Option` of one (None = nil channel)"
)]
pub trait RecvHandle {
    /// The type of the values received.
    type Item;
    #[doc(hidden)]
    fn __shared(&self) -> Option<&Shared<Self::Item>>;
}

/// A channel handle that can appear in a `send(..)` case of [`select!`](crate::select!):
/// [`Chan`], [`Sender`], a reference to one, or an `Option` of one (`None`: Go's nil channel).
///
/// # Examples
///
/// ```
/// # gokio::run(async {
/// use gokio::select;
/// let ch = gokio::chan::<&str>(1);
/// let tx = ch.sender();
/// select! {
///     send(tx, "hi") -> res => assert!(res.is_ok()),
/// }
/// assert_eq!(ch.recv().await, Some("hi"));
/// # });
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be sent on in `select!`",
    label = "not a sending channel handle",
    note = "use a `Chan`, a `Sender`, a reference to one, or an `Option` of one (a `Receiver` is receive-only, like Go's `<-chan T`)"
)]
pub trait SendHandle {
    /// The type of the values sent.
    type Item;
    #[doc(hidden)]
    fn __shared(&self) -> Option<&Shared<Self::Item>>;
}

impl<T> RecvHandle for Chan<T> {
    type Item = T;
    fn __shared(&self) -> Option<&Shared<T>> {
        Some(&self.shared)
    }
}

impl<T> RecvHandle for Receiver<T> {
    type Item = T;
    fn __shared(&self) -> Option<&Shared<T>> {
        Some(&self.shared)
    }
}

impl<T> SendHandle for Chan<T> {
    type Item = T;
    fn __shared(&self) -> Option<&Shared<T>> {
        Some(&self.shared)
    }
}

impl<T> SendHandle for Sender<T> {
    type Item = T;
    fn __shared(&self) -> Option<&Shared<T>> {
        Some(&self.shared)
    }
}

impl<H: RecvHandle + ?Sized> RecvHandle for &H {
    type Item = H::Item;
    fn __shared(&self) -> Option<&Shared<H::Item>> {
        (**self).__shared()
    }
}

impl<H: SendHandle + ?Sized> SendHandle for &H {
    type Item = H::Item;
    fn __shared(&self) -> Option<&Shared<H::Item>> {
        (**self).__shared()
    }
}

impl<H: RecvHandle> RecvHandle for Option<H> {
    type Item = H::Item;
    fn __shared(&self) -> Option<&Shared<H::Item>> {
        self.as_ref().and_then(|h| h.__shared())
    }
}

impl<H: SendHandle> SendHandle for Option<H> {
    type Item = H::Item;
    fn __shared(&self) -> Option<&Shared<H::Item>> {
        self.as_ref().and_then(|h| h.__shared())
    }
}

/// The readiness word of a case's channel ([`Case::look`]): a nil case is never ready.
#[inline]
fn hint<T>(chan: Option<&Shared<T>>) -> usize {
    chan.map_or(Shared::<T>::NEVER_READY, Shared::hint_word)
}

/// A `recv(ch)` case. Its result is `Some(v)`, or `None` if the channel is closed and drained.
#[doc(hidden)]
pub struct RecvCase<'a, T> {
    chan: Option<&'a Shared<T>>,
    entry: Option<Parked<T>>,
    result: Option<Option<T>>,
}

impl<'a, T> RecvCase<'a, T> {
    pub fn new<H: RecvHandle<Item = T> + ?Sized>(h: &'a H) -> Self {
        RecvCase {
            chan: h.__shared(),
            entry: None,
            result: None,
        }
    }

    /// The case's result, once the select chose it.
    pub fn into_result(&mut self) -> Option<T> {
        self.result
            .take()
            .expect("gokio: select case result taken twice")
    }

    /// [`Case::look`] at a receive case's handle, for `select!`'s inline first look, which
    /// runs before any case is built.
    #[inline]
    pub fn look_at<H: RecvHandle<Item = T> + ?Sized>(h: &H) -> usize {
        hint(h.__shared())
    }

    /// [`Case::ready_in`] of a receive case (it does not depend on `T`).
    #[inline]
    pub fn ready_at(look: usize) -> bool {
        Shared::<T>::recv_ready(look)
    }

    /// [`Case::try_now`] at a receive case's handle, whose [`look`](Self::look_at) was
    /// `look`: the result if it completed. The common case runs inline
    /// (`Shared::select_recv_at`).
    #[inline]
    pub fn try_at<H: RecvHandle<Item = T> + ?Sized>(h: &H, look: usize) -> Option<Option<T>> {
        h.__shared()?.select_recv_at(look)
    }
}

impl<T: Send> Case for RecvCase<'_, T> {
    fn is_nil(&self) -> bool {
        self.chan.is_none()
    }

    fn look(&self) -> usize {
        hint(self.chan)
    }

    fn ready_in(&self, look: usize) -> bool {
        Self::ready_at(look)
    }

    fn channel(&self) -> usize {
        self.chan.map_or(0, |ch| std::ptr::from_ref(ch) as usize)
    }

    fn hold(&self) -> Option<Box<dyn Held + '_>> {
        self.chan.map(Shared::hold)
    }

    fn try_now(&mut self) -> bool {
        // The hint word is read again rather than passed down from the look that chose
        // this case: the inline receive only needs it to show that the hint is on.
        self.result = self.chan.and_then(|ch| ch.select_recv_at(ch.hint_word()));
        self.result.is_some()
    }

    fn register(&mut self, token: &Arc<Token>, index: usize) -> bool {
        let Some(ch) = self.chan else { return true };
        match ch.register_recv(token, index) {
            Some(e) => {
                self.entry = Some(e);
                true
            }
            None => false,
        }
    }

    fn settle(&mut self) {
        let Some(e) = self.entry.take() else { return };
        let Some(ch) = self.chan else { return };
        if e.won() {
            self.result = Some(ch.finish_recv(e)); // None: closed and drained
        } else {
            ch.remove(&e, false);
            let nothing = e.finish(); // lets go of the entry
            debug_assert!(nothing.is_none(), "a receive case that lost holds no value");
        }
    }

    fn restore(&mut self) {
        // Before `settle`: the value goes back in the same critical section that claims it,
        // so that no receive reports "closed and drained" in between.
        if let Some(ch) = self.chan {
            ch.cancel_recv(&mut self.entry);
        }
    }
}

/// A `send(ch, v)` case. Its result is `Ok(())`, or `Err(SendError(v))` if the channel is
/// closed. A send case that is not chosen sends nothing; its value is dropped with the select.
#[doc(hidden)]
pub struct SendCase<'a, T> {
    chan: Option<&'a Shared<T>>,
    value: Option<T>,
    entry: Option<Parked<T>>,
    result: Option<Result<(), SendError<T>>>,
}

impl<'a, T> SendCase<'a, T> {
    pub fn new<H: SendHandle<Item = T> + ?Sized>(h: &'a H, value: T) -> Self {
        Self::from_slot(h, Some(value))
    }

    /// A send case of the value in `slot`, where `select!` keeps it (`None`: gone, only
    /// after it was sent).
    pub fn from_slot<H: SendHandle<Item = T> + ?Sized>(h: &'a H, slot: Option<T>) -> Self {
        SendCase {
            chan: h.__shared(),
            value: slot,
            entry: None,
            result: None,
        }
    }

    /// The case's result, once the select chose it.
    pub fn into_result(&mut self) -> Result<(), SendError<T>> {
        self.result
            .take()
            .expect("gokio: select case result taken twice")
    }

    /// [`Case::look`] at a send case's handle, for `select!`'s inline first look, which
    /// runs before any case is built.
    #[inline]
    pub fn look_at<H: SendHandle<Item = T> + ?Sized>(h: &H) -> usize {
        hint(h.__shared())
    }

    /// [`Case::ready_in`] of a send case (it does not depend on `T`).
    #[inline]
    pub fn ready_at(look: usize) -> bool {
        Shared::<T>::send_ready(look)
    }

    /// [`Case::try_now`] at a send case's handle, whose [`look`](Self::look_at) was `look`,
    /// and the value's slot: the result if it completed (the value is gone), else `None`
    /// with the value back in `slot`. The common case runs inline (`Shared::select_send_at`).
    #[inline]
    pub fn try_at<H: SendHandle<Item = T> + ?Sized>(
        h: &H,
        slot: &mut Option<T>,
        look: usize,
    ) -> Option<Result<(), SendError<T>>> {
        send_now(h.__shared()?, look, slot)
    }
}

/// Sends the value in `slot` now as a select does, on a channel whose hint word was `look`;
/// `None` if the channel is full (the value is back in `slot`) or there is no value.
#[inline]
fn send_now<T>(
    ch: &Shared<T>,
    look: usize,
    slot: &mut Option<T>,
) -> Option<Result<(), SendError<T>>> {
    match ch.select_send_at(look, slot.take()?) {
        Ok(()) => Some(Ok(())),
        Err(TrySendError::Closed(v)) => Some(Err(SendError(v))),
        Err(TrySendError::Full(v)) => {
            *slot = Some(v);
            None
        }
    }
}

impl<T: Send> Case for SendCase<'_, T> {
    fn is_nil(&self) -> bool {
        self.chan.is_none()
    }

    fn look(&self) -> usize {
        hint(self.chan)
    }

    fn ready_in(&self, look: usize) -> bool {
        Self::ready_at(look)
    }

    fn channel(&self) -> usize {
        self.chan.map_or(0, |ch| std::ptr::from_ref(ch) as usize)
    }

    fn hold(&self) -> Option<Box<dyn Held + '_>> {
        self.chan.map(Shared::hold)
    }

    fn try_now(&mut self) -> bool {
        let Some(ch) = self.chan else { return false };
        // As a receive case's `try_now`: the word only has to show that the hint is on.
        self.result = send_now(ch, ch.hint_word(), &mut self.value);
        self.result.is_some()
    }

    fn register(&mut self, token: &Arc<Token>, index: usize) -> bool {
        let (Some(ch), Some(v)) = (self.chan, self.value.take()) else {
            return true;
        };
        match ch.register_send(v, token, index) {
            Ok(e) => {
                self.entry = Some(e);
                true
            }
            Err(v) => {
                self.value = Some(v);
                false
            }
        }
    }

    fn settle(&mut self) {
        let Some(e) = self.entry.take() else { return };
        if e.won() {
            self.result = Some(match e.finish() {
                None => Ok(()),
                Some(v) => Err(SendError(v)), // woken by close
            });
        } else {
            if let Some(ch) = self.chan {
                ch.remove(&e, true);
            }
            self.value = e.finish();
        }
    }

    fn restore(&mut self) {
        // A completed send cannot be undone: the receiver has the value.
    }
}

// ----- Debug (the cases are the `select!` expansion's; shown when a user prints its future) -----

impl<T> std::fmt::Debug for RecvCase<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecvCase")
            .field("chan", &self.chan)
            .field("parked", &self.entry.is_some())
            .field("chosen", &self.result.is_some())
            .finish()
    }
}

impl<T> std::fmt::Debug for SendCase<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SendCase")
            .field("chan", &self.chan)
            .field("parked", &self.entry.is_some())
            .field("chosen", &self.result.is_some())
            .finish()
    }
}
