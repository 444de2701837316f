//! The channel error types. One vocabulary, as in Go: **closed**, **empty**, **full**. Every
//! error that refuses a value hands it back, and none requires `T: Debug`.

use std::error::Error;
use std::fmt;

/// A send on a closed channel: Go's `panic: send on closed channel`, as a value instead of a
/// panic. The unsent value is handed back in field `0`.
///
/// # Examples
///
/// ```
/// # gokio::run(async {
/// let ch = gokio::chan::<i32>(1);
/// ch.close();
/// let err = ch.send(7).await.unwrap_err();
/// assert_eq!(err.0, 7);
/// assert_eq!(err.to_string(), "send on closed channel");
/// # });
/// ```
#[derive(PartialEq, Eq, Clone, Copy)]
pub struct SendError<T>(pub T);

impl<T> SendError<T> {
    /// Returns the value that was not sent.
    ///
    /// # Examples
    ///
    /// ```
    /// let err = gokio::SendError(5);
    /// assert_eq!(err.into_inner(), 5);
    /// ```
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> fmt::Debug for SendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SendError(..)")
    }
}

impl<T> fmt::Display for SendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("send on closed channel")
    }
}

impl<T> Error for SendError<T> {}

/// Why [`try_send`](crate::Chan::try_send) did not send. The value is handed back.
///
/// # Examples
///
/// ```
/// use gokio::TrySendError;
/// let ch = gokio::chan::<i32>(1);
/// ch.try_send(1).unwrap();
/// assert_eq!(ch.try_send(2), Err(TrySendError::Full(2)));
/// ch.close();
/// assert!(ch.try_send(3).unwrap_err().is_closed());
/// ```
#[derive(PartialEq, Eq, Clone, Copy)]
pub enum TrySendError<T> {
    /// The buffer is full (or, unbuffered, no receiver is waiting): the send would block.
    Full(T),
    /// The channel is closed.
    Closed(T),
}

impl<T> TrySendError<T> {
    /// Returns the value that was not sent.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(gokio::TrySendError::Full(3).into_inner(), 3);
    /// ```
    pub fn into_inner(self) -> T {
        match self {
            TrySendError::Full(v) | TrySendError::Closed(v) => v,
        }
    }

    /// Whether the send failed because the channel was full.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(gokio::TrySendError::Full(()).is_full());
    /// ```
    pub fn is_full(&self) -> bool {
        matches!(self, TrySendError::Full(_))
    }

    /// Whether the send failed because the channel was closed.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(gokio::TrySendError::Closed(()).is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        matches!(self, TrySendError::Closed(_))
    }
}

impl<T> fmt::Debug for TrySendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrySendError::Full(_) => f.write_str("Full(..)"),
            TrySendError::Closed(_) => f.write_str("Closed(..)"),
        }
    }
}

impl<T> fmt::Display for TrySendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrySendError::Full(_) => f.write_str("send on full channel"),
            TrySendError::Closed(_) => f.write_str("send on closed channel"),
        }
    }
}

impl<T> Error for TrySendError<T> {}

impl<T> From<SendError<T>> for TrySendError<T> {
    fn from(e: SendError<T>) -> Self {
        TrySendError::Closed(e.0)
    }
}

/// Why [`try_recv`](crate::Chan::try_recv) received nothing.
///
/// # Examples
///
/// ```
/// use gokio::TryRecvError;
/// let ch = gokio::chan::<i32>(1);
/// assert_eq!(ch.try_recv(), Err(TryRecvError::Empty));
/// ch.close();
/// assert_eq!(ch.try_recv(), Err(TryRecvError::Closed));
/// ```
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum TryRecvError {
    /// Nothing to receive right now; the channel is still open.
    Empty,
    /// The channel is closed and drained.
    Closed,
}

impl TryRecvError {
    /// Whether nothing was ready but the channel is open.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(gokio::TryRecvError::Empty.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        matches!(self, TryRecvError::Empty)
    }

    /// Whether the channel is closed and drained.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(gokio::TryRecvError::Closed.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        matches!(self, TryRecvError::Closed)
    }
}

impl fmt::Display for TryRecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryRecvError::Empty => f.write_str("receive on empty channel"),
            TryRecvError::Closed => f.write_str("receive on closed channel"),
        }
    }
}

impl Error for TryRecvError {}
