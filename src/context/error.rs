//! Why a context is done: Go's `context.Canceled` / `context.DeadlineExceeded` ([`ContextError`],
//! what `err()` returns) and Go 1.20's causes ([`Cause`], what `cause()` returns).

use std::error::Error;
use std::fmt;

/// Why a context was cancelled: Go's `context.Canceled` and `context.DeadlineExceeded`.
///
/// # Examples
///
/// ```
/// use gokio::{Context, ContextError};
///
/// let (ctx, cancel) = Context::background().with_cancel();
/// cancel.cancel();
/// assert_eq!(ctx.err(), Some(ContextError::Canceled));
/// assert_eq!(ContextError::Canceled.to_string(), "context canceled");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContextError {
    /// The context was cancelled by a [`CancelFunc`](super::CancelFunc) (its own or an
    /// ancestor's).
    Canceled,
    /// The context's deadline (or an ancestor's) passed.
    DeadlineExceeded,
}

impl fmt::Display for ContextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ContextError::Canceled => "context canceled",
            ContextError::DeadlineExceeded => "context deadline exceeded",
        })
    }
}

impl Error for ContextError {}

/// The cause of a cancellation, as [`Context::cause`](super::Context::cause) returns it and
/// [`CancelCauseFunc::cancel`](super::CancelCauseFunc::cancel) takes it: Go 1.20's `error`
/// passed to a `CancelCauseFunc` and returned by `context.Cause`.
///
/// Any error type fits (`Arc::new(my_error)` coerces). Why an `Arc` of a trait object:
/// * one cause is shared by a context and all its descendants, and read any number of times,
///   but most error types are not `Clone`: the `Arc` is the clone;
/// * Go tests a cause by identity (`Cause(ctx) == errTooSlow`): keep your `Arc` and compare
///   with [`Arc::ptr_eq`](std::sync::Arc::ptr_eq), or test its type with `downcast_ref`;
/// * `Send + Sync + 'static`, so it crosses goroutines and supports `downcast_ref`.
///
/// A context cancelled without a cause has its [`ContextError`] as cause (one shared `Arc`
/// per variant).
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use gokio::{context::Cause, Context, ContextError};
///
/// let too_slow: Cause = Arc::new(std::io::Error::other("too slow"));
/// let (ctx, cancel) = Context::background().with_cancel_cause();
/// cancel.cancel(Some(too_slow.clone()));
/// assert!(Arc::ptr_eq(&ctx.cause().unwrap(), &too_slow));
/// assert_eq!(ctx.err(), Some(ContextError::Canceled)); // err stays Go's
///
/// let (ctx, cancel) = Context::background().with_cancel();
/// cancel.cancel();
/// let cause = ctx.cause().unwrap();
/// assert_eq!(cause.downcast_ref::<ContextError>(), Some(&ContextError::Canceled));
/// ```
pub type Cause = std::sync::Arc<dyn Error + Send + Sync + 'static>;
