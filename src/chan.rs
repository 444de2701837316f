//! Go's channels: [`chan`], [`Chan`], [`Sender`] (`chan<- T`) and [`Receiver`] (`<-chan T`).
//!
//! The handles here are thin: every operation delegates to the one state machine in
//! `chan/core.rs`, whose parked operations are the waiters of `chan/waiter.rs` (Go's `sudog`)
//! that `select!` also parks.

mod core;
mod error;
mod future;
mod ready;
mod traits;
pub(crate) mod waiter;

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

pub(crate) use self::core::Shared;
pub(crate) use self::core::{TryRecv, TrySend};
pub use self::error::{SendError, TryRecvError, TrySendError};
pub use self::future::{ClosedFuture, RecvFuture, RecvOkFuture, SendFuture};
use self::waiter::Parked;
use crate::blocking::block_on;
use crate::loom::Arc;

/// Makes a channel: Go's `make(chan T, cap)`. `cap == 0` is unbuffered (every send waits for a
/// receiver to take the value); `cap > 0` buffers up to `cap` values.
///
/// The buffer grows on demand, so a huge capacity reserves nothing up front.
///
/// # Examples
///
/// ```
/// # gokio::run(async {
/// let ch = gokio::chan::<&str>(1); // make(chan string, 1)
/// ch.send("ping").await.unwrap();
/// assert_eq!(ch.recv().await, Some("ping"));
/// # });
/// ```
pub fn chan<T>(cap: usize) -> Chan<T> {
    Chan {
        shared: Arc::new(Shared::new(cap, 1, 1)),
    }
}

/// A bidirectional channel handle: Go's `chan T`.
///
/// Clones share one channel (as copying a Go channel value does). [`sender`](Chan::sender) and
/// [`receiver`](Chan::receiver) give the directional views `chan<- T` and `<-chan T`.
///
/// A `Chan` counts both as a sending and as a receiving handle: the channel closes by itself
/// when the last handle able to send is dropped, or the last handle able to receive, so a
/// pipeline whose consumer went away unwinds instead of leaking blocked goroutines.
///
/// `Chan<()>` is Go's `chan struct{}` signal: it carries no data and allocates nothing per
/// message.
///
/// # Examples
///
/// ```
/// # gokio::run(async {
/// let ch = gokio::chan::<i32>(0); // unbuffered
/// let tx = ch.clone();
/// gokio::go(async move { tx.send(42).await.unwrap() });
/// assert_eq!(ch.recv().await, Some(42));
/// # });
/// ```
pub struct Chan<T> {
    pub(crate) shared: Arc<Shared<T>>,
}

/// The sending half of a channel: Go's `chan<- T`. It cannot receive, and cannot be made into
/// a handle that does.
///
/// # Examples
///
/// ```
/// # gokio::run(async {
/// use gokio::Sender;
/// async fn ping(pings: Sender<String>, msg: &str) {
///     pings.send(msg.to_string()).await.unwrap();
/// }
/// let ch = gokio::chan(1);
/// ping(ch.sender(), "passed message").await;
/// assert_eq!(ch.recv().await.as_deref(), Some("passed message"));
/// # });
/// ```
pub struct Sender<T> {
    pub(crate) shared: Arc<Shared<T>>,
    /// The in-flight send of the `Sink` implementation: the value not yet sent and its parked
    /// entry. Only ever reached through `&mut self` (`Mutex::get_mut`, never locked): the
    /// `Mutex` is there so that a `Sender` stays `Sync` whenever `T: Send`, as the channel is.
    sink: std::sync::Mutex<SinkState<T>>,
}

struct SinkState<T> {
    value: Option<T>,
    entry: Option<Parked<T>>,
}

impl<T> Default for SinkState<T> {
    fn default() -> Self {
        SinkState {
            value: None,
            entry: None,
        }
    }
}

/// The receiving half of a channel: Go's `<-chan T`. Also a [`futures::Stream`] of the
/// received values, which ends when the channel is closed and drained.
///
/// # Examples
///
/// ```
/// # gokio::run(async {
/// use futures::StreamExt;
/// let ch = gokio::chan(3);
/// for v in [1, 2, 3] {
///     ch.send(v).await.unwrap();
/// }
/// ch.close();
/// let got: Vec<i32> = ch.receiver().collect().await;
/// assert_eq!(got, [1, 2, 3]);
/// # });
/// ```
pub struct Receiver<T> {
    pub(crate) shared: Arc<Shared<T>>,
    /// The parked entry of an in-progress `Stream::poll_next`.
    stream: Option<Parked<T>>,
}

// ----- construction, cloning, dropping -----

impl<T> Chan<T> {
    /// Returns a send-only handle to this channel (`chan<- T`).
    ///
    /// # Examples
    ///
    /// ```
    /// let ch = gokio::chan::<u8>(1);
    /// let tx = ch.sender();
    /// tx.try_send(1).unwrap();
    /// assert_eq!(ch.try_recv(), Ok(1));
    /// ```
    pub fn sender(&self) -> Sender<T> {
        self.shared.add_sender();
        Sender {
            shared: self.shared.clone(),
            sink: Default::default(),
        }
    }

    /// Returns a receive-only handle to this channel (`<-chan T`).
    ///
    /// # Examples
    ///
    /// ```
    /// let ch = gokio::chan::<u8>(1);
    /// let rx = ch.receiver();
    /// ch.try_send(1).unwrap();
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// ```
    pub fn receiver(&self) -> Receiver<T> {
        self.shared.add_receiver();
        Receiver {
            shared: self.shared.clone(),
            stream: None,
        }
    }

    /// Splits into the two directional handles, consuming this one.
    ///
    /// # Examples
    ///
    /// ```
    /// let (tx, rx) = gokio::chan::<u8>(1).split();
    /// tx.try_send(9).unwrap();
    /// assert_eq!(rx.try_recv(), Ok(9));
    /// ```
    pub fn split(self) -> (Sender<T>, Receiver<T>) {
        (self.sender(), self.receiver())
    }
}

impl<T> Clone for Chan<T> {
    fn clone(&self) -> Self {
        self.shared.add_sender();
        self.shared.add_receiver();
        Chan {
            shared: self.shared.clone(),
        }
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        self.shared.add_sender();
        Sender {
            shared: self.shared.clone(),
            sink: Default::default(),
        }
    }
}

impl<T> Clone for Receiver<T> {
    fn clone(&self) -> Self {
        self.shared.add_receiver();
        Receiver {
            shared: self.shared.clone(),
            stream: None,
        }
    }
}

impl<T> Drop for Chan<T> {
    fn drop(&mut self) {
        self.shared.drop_sender();
        self.shared.drop_receiver();
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let sink = self.sink_state();
        if sink.entry.is_some() {
            let mut entry = sink.entry.take();
            drop(self.shared.cancel_send(&mut entry));
        }
        self.shared.drop_sender();
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        self.shared.cancel_recv(&mut self.stream);
        self.shared.drop_receiver();
    }
}

impl<T> From<Chan<T>> for Sender<T> {
    fn from(ch: Chan<T>) -> Self {
        ch.sender()
    }
}

impl<T> From<Chan<T>> for Receiver<T> {
    fn from(ch: Chan<T>) -> Self {
        ch.receiver()
    }
}

macro_rules! debug_handle {
    ($name:ident) => {
        impl<T> fmt::Debug for $name<T> {
            /// `Chan { addr: 0x55d0c0a1b2c0, len: 1, cap: 4, closed: false }`: the channel's
            /// address (as Go prints a channel value, and as `debug::dump` names it), then its
            /// state. `T` need not be `Debug`: the values are not shown.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                debug_chan(f.debug_struct(stringify!($name)), &self.shared).finish()
            }
        }
    };
}
debug_handle!(Chan);
debug_handle!(Sender);
debug_handle!(Receiver);

/// The fields every channel handle and future shows in its `Debug` output.
fn debug_chan<'a, 'b, T>(
    mut d: fmt::DebugStruct<'a, 'b>,
    shared: &Shared<T>,
) -> fmt::DebugStruct<'a, 'b> {
    d.field("addr", &format_args!("{:#x}", shared.addr()))
        .field("len", &shared.len())
        .field("cap", &shared.cap())
        .field("closed", &shared.is_closed());
    d
}

// ----- the operations -----
//
// Each public method is written out on every handle that has the capability (so rustdoc and
// go-to-definition land on real code), and each is a one-line call into `Shared`.

fn try_send<T>(shared: &Shared<T>, v: T) -> Result<(), TrySendError<T>> {
    match shared.try_send(v) {
        TrySend::Sent(_) => Ok(()),
        TrySend::Full(v) => Err(TrySendError::Full(v)),
        TrySend::Closed(v) => Err(TrySendError::Closed(v)),
    }
}

fn try_recv<T>(shared: &Shared<T>) -> Result<T, TryRecvError> {
    match shared.try_recv() {
        TryRecv::Got(v, _) => Ok(v),
        TryRecv::Empty => Err(TryRecvError::Empty),
        TryRecv::Closed => Err(TryRecvError::Closed),
    }
}

impl<T> Chan<T> {
    /// Waits until the channel is closed: explicitly, or because the last handle able to
    /// receive was dropped. A producer can `select!` on this to stop as soon as nobody is
    /// listening, instead of when its next send fails.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// # Examples
    ///
    /// ```
    /// # gokio::run(async {
    /// let ch = gokio::chan::<i32>(1);
    /// ch.close();
    /// ch.closed().await;
    /// # });
    /// ```
    pub fn closed(&self) -> ClosedFuture<'_, T> {
        ClosedFuture::new(&self.shared)
    }

    /// Sends a value: Go's `ch <- v`.
    ///
    /// Unbuffered, it completes when a receiver has taken the value; buffered, when the value
    /// is in the buffer (or handed to a waiting receiver), waiting while the buffer is full.
    /// Blocked senders are served first come, first served. On a closed channel (or one that
    /// closes while waiting) it returns `Err(SendError(v))` with the value, where Go panics.
    ///
    /// # Cancel safety
    ///
    /// Exactly once, not "nothing happened": a receiver may take the value while the send
    /// waits, and then it stays sent even if the future is dropped before it is polled again.
    /// A send dropped before that never delivers. To learn which, withdraw it with
    /// [`SendFuture::cancel`] instead of dropping it.
    ///
    /// # Examples
    ///
    /// ```
    /// # gokio::run(async {
    /// let ch = gokio::chan(1);
    /// ch.send("hello").await.unwrap();
    /// # });
    /// ```
    #[track_caller]
    pub fn send(&self, v: T) -> SendFuture<'_, T> {
        SendFuture::new(&self.shared, v)
    }

    /// Receives a value: Go's `v, ok := <-ch`, with `None` for `ok == false`.
    ///
    /// Waits until a value is available. Values come out in the order they were sent; blocked
    /// receivers are served first come, first served. Once the channel is closed, the values
    /// still buffered are received first, then every receive returns `None` at once.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: dropping the future never loses a value.
    ///
    /// # Examples
    ///
    /// ```
    /// # gokio::run(async {
    /// let ch = gokio::chan(1);
    /// ch.send(1).await.unwrap();
    /// ch.close();
    /// assert_eq!(ch.recv().await, Some(1));
    /// assert_eq!(ch.recv().await, None);
    /// # });
    /// ```
    #[track_caller]
    pub fn recv(&self) -> RecvFuture<'_, T> {
        RecvFuture::new(&self.shared)
    }

    /// Receives Go's literal way: `(v, true)`, or `(T::default(), false)` once the channel is
    /// closed and drained — the zero value Go returns.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe, as [`recv`](Chan::recv).
    ///
    /// # Examples
    ///
    /// ```
    /// # gokio::run(async {
    /// let ch = gokio::chan::<i32>(1);
    /// ch.close();
    /// let (v, ok) = ch.recv_ok().await;
    /// assert_eq!((v, ok), (0, false));
    /// # });
    /// ```
    #[track_caller]
    pub fn recv_ok(&self) -> RecvOkFuture<'_, T>
    where
        T: Default,
    {
        RecvOkFuture::new(&self.shared)
    }

    /// Sends without waiting: `select { case ch <- v: default: }`.
    ///
    /// # Examples
    ///
    /// ```
    /// let ch = gokio::chan(0);
    /// // Unbuffered and nobody receiving: the send would block.
    /// assert!(ch.try_send(1).unwrap_err().is_full());
    /// ```
    pub fn try_send(&self, v: T) -> Result<(), TrySendError<T>> {
        try_send(&self.shared, v)
    }

    /// Receives without waiting: `select { case v := <-ch: default: }`.
    ///
    /// # Examples
    ///
    /// ```
    /// let ch = gokio::chan(1);
    /// ch.try_send(5).unwrap();
    /// assert_eq!(ch.try_recv(), Ok(5));
    /// assert!(ch.try_recv().unwrap_err().is_empty());
    /// ```
    pub fn try_recv(&self) -> Result<T, TryRecvError> {
        try_recv(&self.shared)
    }

    /// Sends from synchronous code, blocking the thread; same semantics as
    /// [`send`](Chan::send).
    ///
    /// # Blocking
    ///
    /// Blocks the calling thread. Do not call it on an async runtime's worker thread: use
    /// `send(v).await` there.
    ///
    /// # Examples
    ///
    /// ```
    /// let ch = gokio::chan(0);
    /// let rx = ch.receiver();
    /// let t = std::thread::spawn(move || rx.recv_blocking());
    /// ch.send_blocking(3).unwrap();
    /// assert_eq!(t.join().unwrap(), Some(3));
    /// ```
    pub fn send_blocking(&self, v: T) -> Result<(), SendError<T>> {
        block_on(self.send(v))
    }

    /// Receives from synchronous code, blocking the thread; same semantics as
    /// [`recv`](Chan::recv).
    ///
    /// # Blocking
    ///
    /// Blocks the calling thread. Do not call it on an async runtime's worker thread.
    ///
    /// # Examples
    ///
    /// ```
    /// let ch = gokio::chan(1);
    /// ch.send_blocking("x").unwrap();
    /// assert_eq!(ch.recv_blocking(), Some("x"));
    /// ```
    pub fn recv_blocking(&self) -> Option<T> {
        block_on(self.recv())
    }

    /// Closes the channel: Go's `close(ch)`.
    ///
    /// Wakes every blocked receiver and sender. Receivers drain what is buffered, then get
    /// `None`; blocked and later senders get `Err(SendError(v))`. Returns `true` if this call
    /// closed the channel and `false` if it was already closed — closing twice is not a panic
    /// here, unlike Go.
    ///
    /// # Examples
    ///
    /// ```
    /// let ch = gokio::chan::<()>(0);
    /// assert!(ch.close());
    /// assert!(!ch.close());
    /// assert!(ch.is_closed());
    /// ```
    pub fn close(&self) -> bool {
        self.shared.close()
    }

    /// Whether the channel is closed (values may still be buffered).
    ///
    /// # Examples
    ///
    /// ```
    /// let ch = gokio::chan::<u8>(1);
    /// assert!(!ch.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.shared.is_closed()
    }

    /// Number of values in the buffer: Go's `len(ch)`.
    ///
    /// # Examples
    ///
    /// ```
    /// let ch = gokio::chan(4);
    /// ch.try_send(1).unwrap();
    /// assert_eq!(ch.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.shared.len()
    }

    /// Whether the buffer is empty.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(gokio::chan::<u8>(4).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The buffer capacity: Go's `cap(ch)`.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(gokio::chan::<u8>(4).cap(), 4);
    /// ```
    pub fn cap(&self) -> usize {
        self.shared.cap()
    }
}

impl<T> Sender<T> {
    /// Waits until the channel is closed: explicitly, or because the last handle able to
    /// receive was dropped. A producer can `select!` on this to stop as soon as nobody is
    /// listening, instead of when its next send fails.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// # Examples
    ///
    /// ```
    /// # gokio::run(async {
    /// let ch = gokio::chan::<i32>(1);
    /// let tx = ch.sender();
    /// drop(ch); // the only receiving handle
    /// tx.closed().await;
    /// assert!(tx.is_closed());
    /// # });
    /// ```
    pub fn closed(&self) -> ClosedFuture<'_, T> {
        ClosedFuture::new(&self.shared)
    }
    /// Sends a value; see [`Chan::send`].
    ///
    /// # Cancel safety
    ///
    /// Exactly once, not "nothing happened": a receiver may take the value while the send
    /// waits, and then it stays sent even if the future is dropped before it is polled again.
    /// A send dropped before that never delivers. To learn which, withdraw it with
    /// [`SendFuture::cancel`] instead of dropping it.
    ///
    /// # Examples
    ///
    /// ```
    /// # gokio::run(async {
    /// let tx = gokio::chan(1).sender();
    /// // The channel closed when its only receiving handle (the `Chan`) was dropped.
    /// assert_eq!(tx.send(1).await, Err(gokio::SendError(1)));
    /// # });
    /// ```
    #[track_caller]
    pub fn send(&self, v: T) -> SendFuture<'_, T> {
        SendFuture::new(&self.shared, v)
    }

    /// Sends without waiting; see [`Chan::try_send`].
    ///
    /// # Examples
    ///
    /// ```
    /// let ch = gokio::chan(1);
    /// assert!(ch.sender().try_send(1).is_ok());
    /// ```
    pub fn try_send(&self, v: T) -> Result<(), TrySendError<T>> {
        try_send(&self.shared, v)
    }

    /// Sends from synchronous code; see [`Chan::send_blocking`].
    ///
    /// # Blocking
    ///
    /// Blocks the calling thread.
    ///
    /// # Examples
    ///
    /// ```
    /// let ch = gokio::chan(1);
    /// ch.sender().send_blocking(1).unwrap();
    /// assert_eq!(ch.len(), 1);
    /// ```
    pub fn send_blocking(&self, v: T) -> Result<(), SendError<T>> {
        block_on(self.send(v))
    }

    /// Closes the channel; see [`Chan::close`].
    ///
    /// # Examples
    ///
    /// ```
    /// let ch = gokio::chan::<u8>(1);
    /// assert!(ch.sender().close());
    /// ```
    pub fn close(&self) -> bool {
        self.shared.close()
    }

    /// Whether the channel is closed.
    ///
    /// # Examples
    ///
    /// ```
    /// let ch = gokio::chan::<u8>(1);
    /// assert!(!ch.sender().is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.shared.is_closed()
    }

    /// Number of buffered values.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(gokio::chan::<u8>(1).sender().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.shared.len()
    }

    /// Whether the buffer is empty.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(gokio::chan::<u8>(1).sender().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The buffer capacity.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(gokio::chan::<u8>(2).sender().cap(), 2);
    /// ```
    pub fn cap(&self) -> usize {
        self.shared.cap()
    }
}

impl<T> Receiver<T> {
    /// Receives a value; see [`Chan::recv`].
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: dropping the future never loses a value.
    ///
    /// # Examples
    ///
    /// ```
    /// # gokio::run(async {
    /// let ch = gokio::chan(1);
    /// let rx = ch.receiver();
    /// ch.send(1).await.unwrap();
    /// drop(ch); // last sending handle: closes the channel
    /// assert_eq!(rx.recv().await, Some(1));
    /// assert_eq!(rx.recv().await, None);
    /// # });
    /// ```
    #[track_caller]
    pub fn recv(&self) -> RecvFuture<'_, T> {
        RecvFuture::new(&self.shared)
    }

    /// Receives Go's literal way: `(v, ok)`; see [`Chan::recv_ok`].
    ///
    /// # Cancel safety
    ///
    /// Cancel safe, as [`recv`](Receiver::recv).
    ///
    /// # Examples
    ///
    /// ```
    /// # gokio::run(async {
    /// let ch = gokio::chan::<u32>(1);
    /// let rx = ch.receiver();
    /// drop(ch);
    /// assert_eq!(rx.recv_ok().await, (0, false));
    /// # });
    /// ```
    #[track_caller]
    pub fn recv_ok(&self) -> RecvOkFuture<'_, T>
    where
        T: Default,
    {
        RecvOkFuture::new(&self.shared)
    }

    /// Receives without waiting; see [`Chan::try_recv`].
    ///
    /// # Examples
    ///
    /// ```
    /// let ch = gokio::chan::<u8>(1);
    /// assert!(ch.receiver().try_recv().unwrap_err().is_empty());
    /// ```
    pub fn try_recv(&self) -> Result<T, TryRecvError> {
        try_recv(&self.shared)
    }

    /// Receives from synchronous code; see [`Chan::recv_blocking`].
    ///
    /// # Blocking
    ///
    /// Blocks the calling thread.
    ///
    /// # Examples
    ///
    /// ```
    /// let ch = gokio::chan(1);
    /// ch.try_send(2).unwrap();
    /// assert_eq!(ch.receiver().recv_blocking(), Some(2));
    /// ```
    pub fn recv_blocking(&self) -> Option<T> {
        block_on(self.recv())
    }

    /// Whether the channel is closed (values may still be buffered).
    ///
    /// # Examples
    ///
    /// ```
    /// let ch = gokio::chan::<u8>(1);
    /// let rx = ch.receiver();
    /// ch.close();
    /// assert!(rx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.shared.is_closed()
    }

    /// Number of buffered values.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(gokio::chan::<u8>(1).receiver().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.shared.len()
    }

    /// Whether the buffer is empty.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(gokio::chan::<u8>(1).receiver().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The buffer capacity.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(gokio::chan::<u8>(3).receiver().cap(), 3);
    /// ```
    pub fn cap(&self) -> usize {
        self.shared.cap()
    }
}

impl<T> futures::Stream for Receiver<T> {
    type Item = T;

    /// `for v := range ch`: yields each value, ending when the channel is closed and drained.
    /// A value handed to a pending `poll_next` is never lost: if the `Receiver` is dropped
    /// first, the value goes back to the channel.
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let this = self.get_mut();
        this.shared
            .poll_recv(cx, &mut this.stream, crate::debug::NO_SITE)
    }
}

impl<T> Unpin for Receiver<T> {}

impl<T> Sender<T> {
    fn sink_state(&mut self) -> &mut SinkState<T> {
        self.sink
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Drives the `Sink`'s in-flight send, if any, to completion.
    fn poll_sink_flush(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), SendError<T>>> {
        let shared = &self.shared;
        let sink = self
            .sink
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if sink.value.is_none() && sink.entry.is_none() {
            return Poll::Ready(Ok(()));
        }
        let SinkState { value, entry } = sink;
        shared
            .poll_send(cx, value, entry, crate::debug::NO_SITE)
            .map_err(SendError)
    }
}

/// `Sender` is a [`futures::Sink`]: `start_send` begins a send and `poll_flush` completes it
/// with exactly [`send`](Sender::send)'s semantics (unbuffered: a receiver has taken the
/// value). One send is in flight at a time, so `poll_ready` waits for the previous one.
/// `poll_close` only flushes: other handles may still send, and Go's `close` is
/// [`Sender::close`]. A closed channel fails the send with `SendError(v)`, value included.
/// Dropping the `Sender` with a send in flight withdraws it, as dropping a send future does:
/// unless a receiver already took the value while it waited, no receiver ever gets it.
///
/// # Examples
///
/// ```
/// # gokio::run(async {
/// use futures::{SinkExt, StreamExt};
/// let ch = gokio::chan::<i32>(4);
/// let mut tx = ch.sender();
/// tx.send_all(&mut futures::stream::iter([1, 2, 3]).map(Ok)).await.unwrap();
/// drop(tx);
/// ch.close();
/// assert_eq!(ch.receiver().collect::<Vec<_>>().await, [1, 2, 3]);
/// # });
/// ```
impl<T> futures::Sink<T> for Sender<T> {
    type Error = SendError<T>;

    fn poll_ready(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.get_mut().poll_sink_flush(cx)
    }

    fn start_send(self: Pin<&mut Self>, item: T) -> Result<(), Self::Error> {
        let sink = self.get_mut().sink_state();
        assert!(
            sink.value.is_none() && sink.entry.is_none(),
            "gokio: Sink::start_send called before poll_ready returned Ready"
        );
        sink.value = Some(item);
        Ok(())
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.get_mut().poll_sink_flush(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.get_mut().poll_sink_flush(cx)
    }
}

impl<T> Unpin for Sender<T> {}
