//! Contexts with a deadline: Go's `WithDeadline` / `WithTimeout` and Go 1.21's `*Cause` forms.
//!
//! Go arms a `time.AfterFunc` that cancels the context; here one background task per timed
//! context (spawned with `crate::runtime::spawn_detached`) waits for the deadline, the
//! context's cancellation, or the last handle going away (the `alive` channel closing),
//! whichever comes first, so a dropped or cancelled context leaves no timer behind. A
//! deadline that has already passed cancels the context before the constructor returns.

use std::time::Duration;

use super::{CancelFunc, Cause, Context, ContextError};
use crate::loom::Arc;
use crate::time::Instant;

impl Context {
    /// A child cancelled with [`ContextError::DeadlineExceeded`] once `deadline` passes (or
    /// earlier, as [`with_cancel`](Context::with_cancel)): Go's `context.WithDeadline`.
    ///
    /// If this context's deadline is earlier, the child keeps that one (and is cancelled by
    /// the parent when it passes). A deadline already past cancels the child at once.
    ///
    /// Outside a tokio runtime the deadline timer runs on a helper thread, so this also works
    /// from plain threads.
    ///
    /// # Examples
    ///
    /// ```
    /// use gokio::{time::Instant, Context, ContextError};
    ///
    /// gokio::run(async {
    ///     let (ctx, cancel) = Context::background().with_deadline(Instant::now());
    ///     ctx.cancelled().await;
    ///     assert_eq!(ctx.err(), Some(ContextError::DeadlineExceeded));
    ///     cancel.cancel();
    /// });
    /// ```
    pub fn with_deadline(&self, deadline: Instant) -> (Context, CancelFunc) {
        self.deadline_child(deadline, None)
    }

    /// Like [`with_deadline`](Context::with_deadline), with `cause` as the
    /// [`cause`](Context::cause) when the deadline passes: Go 1.21's
    /// `context.WithDeadlineCause(ctx, d, cause)`.
    ///
    /// `err()` is still `DeadlineExceeded`. Cancelling with the returned [`CancelFunc`] sets
    /// no cause (it is `Canceled`). As in Go, if this context's deadline is earlier, the
    /// child is a plain [`with_cancel`](Context::with_cancel) child and `cause` is not used.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use gokio::{context::Cause, time::Instant, Context, ContextError};
    ///
    /// let too_slow: Cause = Arc::new(std::io::Error::other("backend too slow"));
    /// let (ctx, cancel) = Context::background().with_deadline_cause(Instant::now(), too_slow.clone());
    /// assert_eq!(ctx.err(), Some(ContextError::DeadlineExceeded));
    /// assert!(Arc::ptr_eq(&ctx.cause().unwrap(), &too_slow));
    /// cancel.cancel();
    /// ```
    pub fn with_deadline_cause(&self, deadline: Instant, cause: Cause) -> (Context, CancelFunc) {
        self.deadline_child(deadline, Some(cause))
    }

    /// [`with_deadline`](Context::with_deadline)`(now + timeout)`: Go's `context.WithTimeout`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use gokio::{Context, ContextError};
    ///
    /// gokio::run(async {
    ///     let (ctx, cancel) = Context::background().with_timeout(Duration::from_millis(1));
    ///     ctx.cancelled().await;
    ///     assert_eq!(ctx.err(), Some(ContextError::DeadlineExceeded));
    ///     cancel.cancel();
    /// });
    /// ```
    pub fn with_timeout(&self, timeout: Duration) -> (Context, CancelFunc) {
        self.deadline_child(deadline_after(timeout), None)
    }

    /// [`with_deadline_cause`](Context::with_deadline_cause)`(now + timeout, cause)`: Go
    /// 1.21's `context.WithTimeoutCause`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::{sync::Arc, time::Duration};
    /// use gokio::{Context, ContextError};
    ///
    /// gokio::run(async {
    ///     let too_slow = Arc::new(std::io::Error::other("too slow"));
    ///     let (ctx, cancel) =
    ///         Context::background().with_timeout_cause(Duration::from_millis(1), too_slow);
    ///     ctx.cancelled().await;
    ///     assert_eq!(ctx.err(), Some(ContextError::DeadlineExceeded));
    ///     assert_eq!(ctx.cause().unwrap().to_string(), "too slow");
    ///     cancel.cancel();
    /// });
    /// ```
    pub fn with_timeout_cause(&self, timeout: Duration, cause: Cause) -> (Context, CancelFunc) {
        self.deadline_child(deadline_after(timeout), Some(cause))
    }

    /// The child of [`with_deadline_cause`](Context::with_deadline_cause) (`cause: None`:
    /// [`with_deadline`](Context::with_deadline)).
    fn deadline_child(&self, deadline: Instant, cause: Option<Cause>) -> (Context, CancelFunc) {
        if let Some(parent) = self.deadline()
            && parent <= deadline
        {
            return self.with_cancel();
        }
        let (ctx, handle, alive) = self.child(Some(deadline), true);
        let node = Arc::clone(&handle.node);
        if deadline <= Instant::now() {
            node.cancel(ContextError::DeadlineExceeded, cause);
        } else if let (None, Some(alive)) = (node.err(), alive) {
            crate::runtime::spawn_detached(async move {
                let done = node.done.receiver();
                // A deadline that passed before this task first ran fires at once, not at
                // the timer wheel's next 1 ms tick.
                if deadline > Instant::now() {
                    tokio::select! {
                        () = tokio::time::sleep_until(deadline) => {}
                        _ = done.recv() => return,
                        () = alive.closed() => return,
                    }
                }
                node.cancel(ContextError::DeadlineExceeded, cause);
            });
        }
        (ctx, CancelFunc { handle })
    }
}

/// `now + timeout`, saturating at some 30 years for "forever" timeouts.
fn deadline_after(timeout: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(timeout)
        .unwrap_or_else(|| now + Duration::from_secs(86_400 * 365 * 30))
}
