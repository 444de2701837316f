//! The functions that cancel a context: Go's `CancelFunc` and Go 1.20's `CancelCauseFunc`,
//! and the drop guard that is gokio's `defer cancel()`.

use std::fmt;

use super::tree::Handle;
use super::{Cause, ContextError};
use crate::loom::Arc;

/// Cancels the context it came with: Go's `context.CancelFunc`.
///
/// [`cancel`](CancelFunc::cancel) is idempotent. Dropping a `CancelFunc` does **not** cancel
/// (Go requires calling it, typically `defer cancel()`); use
/// [`drop_guard`](CancelFunc::drop_guard) for the `defer` form. It is `Clone`: all clones
/// cancel the same context.
///
/// # Examples
///
/// ```
/// use gokio::Context;
///
/// let (ctx, cancel) = Context::background().with_cancel();
/// cancel.cancel();
/// cancel.cancel(); // no-op
/// assert!(ctx.is_cancelled());
/// ```
#[derive(Clone)]
pub struct CancelFunc {
    pub(super) handle: Arc<Handle>,
}

/// Cancels its context when dropped: `defer cancel()`. Made by [`CancelFunc::drop_guard`]
/// and [`CancelCauseFunc::drop_guard`].
///
/// # Examples
///
/// ```
/// use gokio::Context;
///
/// let (ctx, cancel) = Context::background().with_cancel();
/// {
///     let _guard = cancel.drop_guard();
/// }
/// assert!(ctx.is_cancelled());
/// ```
#[must_use = "the context is cancelled as soon as the guard is dropped"]
pub struct CancelGuard {
    cancel: CancelFunc,
}

/// Cancels the context it came with, recording why: Go 1.20's `context.CancelCauseFunc`,
/// made by [`Context::with_cancel_cause`](super::Context::with_cancel_cause).
///
/// Like [`CancelFunc`]: idempotent (the first cancellation's cause stays), dropping it does
/// not cancel, clones cancel the same context.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use gokio::{Context, ContextError};
///
/// let (ctx, cancel) = Context::background().with_cancel_cause();
/// cancel.cancel(Some(Arc::new(std::io::Error::other("shutting down"))));
/// assert_eq!(ctx.err(), Some(ContextError::Canceled));
/// assert_eq!(ctx.cause().unwrap().to_string(), "shutting down");
/// ```
#[derive(Clone)]
pub struct CancelCauseFunc {
    pub(super) handle: Arc<Handle>,
}

impl CancelFunc {
    /// Cancels the context (and its descendants) with [`ContextError::Canceled`] and detaches
    /// it from its parent: Go's `cancel()`. Calling it again does nothing.
    ///
    /// # Examples
    ///
    /// ```
    /// let (ctx, cancel) = gokio::Context::background().with_cancel();
    /// cancel.cancel();
    /// assert!(ctx.is_cancelled());
    /// ```
    pub fn cancel(&self) {
        self.handle.cancel(ContextError::Canceled, None);
    }

    /// Returns a guard that calls [`cancel`](CancelFunc::cancel) when dropped: Go's
    /// `defer cancel()`.
    ///
    /// # Examples
    ///
    /// ```
    /// let (ctx, cancel) = gokio::Context::background().with_cancel();
    /// drop(cancel.drop_guard());
    /// assert!(ctx.is_cancelled());
    /// ```
    pub fn drop_guard(self) -> CancelGuard {
        CancelGuard { cancel: self }
    }
}

impl CancelCauseFunc {
    /// Cancels the context (and its descendants) with [`ContextError::Canceled`] and `cause`,
    /// and detaches it from its parent: Go's `cancel(cause)`. `None` (Go's `cancel(nil)`)
    /// sets the cause to `Canceled`. If the context is already cancelled, this does nothing:
    /// [`cause`](super::Context::cause) keeps the first one.
    ///
    /// `err()` is `Canceled` whatever the cause, as in Go: the cause is for humans and for
    /// [`cause`](super::Context::cause), `err` for control flow.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use gokio::{context::Cause, Context};
    ///
    /// let first: Cause = Arc::new(std::io::Error::other("first"));
    /// let (ctx, cancel) = Context::background().with_cancel_cause();
    /// cancel.cancel(Some(first.clone()));
    /// cancel.cancel(Some(Arc::new(std::io::Error::other("second")))); // no-op
    /// assert!(Arc::ptr_eq(&ctx.cause().unwrap(), &first));
    /// ```
    pub fn cancel(&self, cause: Option<Cause>) {
        self.handle.cancel(ContextError::Canceled, cause);
    }

    /// Returns a guard that cancels without a cause when dropped: Go's `defer cancel(nil)`.
    /// A cause given earlier through a clone stays (the first cancellation wins).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use gokio::Context;
    ///
    /// let (ctx, cancel) = Context::background().with_cancel_cause();
    /// {
    ///     let _guard = cancel.clone().drop_guard(); // defer cancel(nil)
    ///     cancel.cancel(Some(Arc::new(std::fmt::Error))); // an early return with a cause
    /// }
    /// assert!(ctx.cause().unwrap().is::<std::fmt::Error>());
    /// ```
    pub fn drop_guard(self) -> CancelGuard {
        CancelGuard {
            cancel: CancelFunc {
                handle: self.handle,
            },
        }
    }
}

impl fmt::Debug for CancelFunc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CancelFunc").finish_non_exhaustive()
    }
}

impl fmt::Debug for CancelCauseFunc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CancelCauseFunc").finish_non_exhaustive()
    }
}

impl Drop for CancelGuard {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

impl fmt::Debug for CancelGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CancelGuard").finish_non_exhaustive()
    }
}
