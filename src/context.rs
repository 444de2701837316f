//! Go's `context` package: [`Context`], [`CancelFunc`], [`ContextError`], and Go 1.20–1.21's
//! causes ([`CancelCauseFunc`], [`Cause`], [`cause`]), [`after_func`] and
//! [`without_cancel`](Context::without_cancel), and request-scoped values ([`ContextKey`]).
//!
//! A context carries a cancellation signal (and maybe a deadline and some values) down a tree
//! of goroutines. [`Context::done`] is a channel that closes when the context is cancelled,
//! so it works in [`select!`](crate::select) like any other channel.
//!
//! # Semantics (Go's)
//!
//! * Cancelling a context cancels every descendant, with the same error and cause: a child of
//!   a timed-out parent reports [`ContextError::DeadlineExceeded`]. Cancellation never travels
//!   upward. The first cancellation wins; later cancels do nothing.
//! * `err()` is only ever `Canceled` or `DeadlineExceeded`; the cause given to a
//!   [`CancelCauseFunc`] or to [`with_deadline_cause`](Context::with_deadline_cause) is
//!   reported by [`cause`](Context::cause) alone.
//! * A child's deadline never extends past its parent's.
//! * [`CancelFunc`] must be called (Go's vet rule): dropping it does **not** cancel. It is
//!   idempotent.
//! * Values are looked up from the context towards the root; the nearest wins. Keys compare
//!   by identity ([`ContextKey`] statics).
//! * Rust addition: dropping every clone of a child context and its `CancelFunc` detaches the
//!   child from its parent, so a long-lived parent does not accumulate dead children (a
//!   pending [`after_func`] keeps its context attached until it runs or is stopped).
//!
//! # Implementation
//!
//! A [`Context`] is a handle on a node of the cancellation tree (`tree`: nodes, handles,
//! iterative cancel and drop; its invariants are stated there) plus the head of a shared list
//! of values (`value`). `with_value` shares the node; `without_cancel` keeps the values and
//! takes the root's node. `after_func` registers a call in a node's child set
//! (`after_func`). A deadline is enforced by one background task per timed context
//! (`deadline`). Public types live with their concept: `cancel` (the cancel functions),
//! `error` ([`ContextError`], [`Cause`]).

mod after_func;
mod cancel;
mod cancelled;
mod deadline;
mod error;
mod tree;
mod value;

use std::fmt;

use crate::chan::{chan, Receiver, Sender};
use crate::loom::global::OnceLock;
use crate::loom::Arc;
use crate::time::Instant;

pub use after_func::{after_func, StopFunc};
pub use cancel::{CancelCauseFunc, CancelFunc, CancelGuard};
pub use cancelled::Cancelled;
pub use error::{Cause, ContextError};
pub use value::ContextKey;

use tree::{Child, Handle, Node};

/// A cancellation signal and request-scoped values shared down a tree of tasks: Go's
/// `context.Context`.
///
/// Cheap to clone (clones are the same context); `Send + Sync`. Start from
/// [`Context::background`] and derive children with [`with_cancel`](Context::with_cancel),
/// [`with_timeout`](Context::with_timeout), [`with_deadline`](Context::with_deadline) (and
/// their `_cause` forms), [`with_value`](Context::with_value) or
/// [`without_cancel`](Context::without_cancel).
///
/// If every clone of a context and its [`CancelFunc`] are dropped, nothing can cancel it any
/// more except its ancestors — and it is detached from them too (unless an
/// [`after_func`](Context::after_func) is pending on it). A [`done`](Context::done)
/// receiver kept beyond that sees its channel closed, like any gokio channel whose last sender
/// is gone, so a worker that only kept `done()` stops rather than leaks.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use gokio::{select, Context, ContextError};
///
/// gokio::run(async {
///     let (ctx, cancel) = Context::background().with_timeout(Duration::from_millis(5));
///     let work = gokio::chan::<i32>(0); // never ready
///     select! {
///         recv(work) -> _ => unreachable!(),
///         recv(ctx.done()) -> _ => assert_eq!(ctx.err(), Some(ContextError::DeadlineExceeded)),
///     }
///     cancel.cancel();
/// });
/// ```
#[derive(Clone)]
pub struct Context {
    handle: Arc<Handle>,
    values: value::Values,
}

impl Context {
    /// The root context: never cancelled, no deadline, no values. Go's
    /// `context.Background()`.
    ///
    /// All calls return the same process-wide context.
    ///
    /// # Examples
    ///
    /// ```
    /// let bg = gokio::Context::background();
    /// assert_eq!(bg.err(), None);
    /// assert_eq!(bg.deadline(), None);
    /// ```
    pub fn background() -> Context {
        static BACKGROUND: OnceLock<Context> = OnceLock::new();
        BACKGROUND
            .get_or_init(|| Context {
                handle: Arc::new(Handle {
                    node: Arc::new(Node::new(None)),
                    parent: None,
                    _alive: None,
                }),
                values: None,
            })
            .clone()
    }

    /// Go's `context.TODO()`: the same as [`background`](Context::background), for code that
    /// has not been given a context yet.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(gokio::Context::todo().err(), None);
    /// ```
    pub fn todo() -> Context {
        Context::background()
    }

    /// A child that is cancelled when `cancel` is called or when this context is cancelled:
    /// Go's `context.WithCancel(ctx)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use gokio::{Context, ContextError};
    ///
    /// let (parent, cancel_parent) = Context::background().with_cancel();
    /// let (child, _cancel_child) = parent.with_cancel();
    /// cancel_parent.cancel();
    /// assert_eq!(child.err(), Some(ContextError::Canceled));
    /// ```
    pub fn with_cancel(&self) -> (Context, CancelFunc) {
        let (ctx, handle, _) = self.child(self.deadline(), false);
        (ctx, CancelFunc { handle })
    }

    /// Like [`with_cancel`](Context::with_cancel), but the cancel function records a cause:
    /// Go 1.20's `context.WithCancelCause(ctx)`.
    ///
    /// `cancel(Some(cause))` cancels the child with `err() == Some(Canceled)` and
    /// `cause() == Some(cause)`; `cancel(None)` leaves `Canceled` as the cause. If this
    /// context is cancelled first, the child takes this context's error and cause instead.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use gokio::{context::Cause, Context, ContextError};
    ///
    /// #[derive(Debug)]
    /// struct ClientGone;
    /// impl std::fmt::Display for ClientGone {
    ///     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    ///         f.write_str("client went away")
    ///     }
    /// }
    /// impl std::error::Error for ClientGone {}
    ///
    /// let (ctx, cancel) = Context::background().with_cancel_cause();
    /// let (child, _cancel_child) = ctx.with_cancel();
    /// cancel.cancel(Some(Arc::new(ClientGone)));
    /// assert_eq!(child.err(), Some(ContextError::Canceled));
    /// let cause: Cause = child.cause().unwrap(); // the parent's
    /// assert!(cause.downcast_ref::<ClientGone>().is_some());
    /// ```
    pub fn with_cancel_cause(&self) -> (Context, CancelCauseFunc) {
        let (ctx, handle, _) = self.child(self.deadline(), false);
        (ctx, CancelCauseFunc { handle })
    }

    /// A context that keeps this one's values but is never cancelled, even when this one is:
    /// Go 1.21's `context.WithoutCancel(ctx)`.
    ///
    /// It has no deadline, `err()` and `cause()` are `None`, and its `done()` channel never
    /// closes. Use it for work that must outlive the request that started it (an audit log,
    /// a cache fill) but still wants the request's values. Its children are cancelled only
    /// by their own cancel functions and deadlines.
    ///
    /// # Examples
    ///
    /// ```
    /// use gokio::{context::ContextKey, Context};
    ///
    /// static REQUEST_ID: ContextKey<u64> = ContextKey::new("request id");
    ///
    /// let (ctx, cancel) = Context::background().with_value(&REQUEST_ID, 7).with_cancel();
    /// let detached = ctx.without_cancel();
    /// cancel.cancel();
    /// assert!(ctx.is_cancelled());
    /// assert_eq!(detached.err(), None);
    /// assert_eq!(detached.value(&REQUEST_ID), Some(&7));
    /// ```
    pub fn without_cancel(&self) -> Context {
        Context {
            handle: Context::background().handle,
            values: self.values.clone(),
        }
    }

    /// A channel closed when this context is cancelled: Go's `ctx.Done()`. It never receives a
    /// value; `recv` returns `None` once cancelled. The background context's never closes.
    ///
    /// # Examples
    ///
    /// ```
    /// use gokio::Context;
    ///
    /// let (ctx, cancel) = Context::background().with_cancel();
    /// let done = ctx.done();
    /// assert!(!done.is_closed());
    /// cancel.cancel();
    /// assert!(done.is_closed());
    /// ```
    pub fn done(&self) -> Receiver<()> {
        self.handle.node.done.receiver()
    }

    /// Why the context was cancelled, or `None` while it is not: Go's `ctx.Err()`.
    ///
    /// # Examples
    ///
    /// ```
    /// use gokio::{Context, ContextError};
    ///
    /// let (ctx, cancel) = Context::background().with_cancel();
    /// assert_eq!(ctx.err(), None);
    /// cancel.cancel();
    /// assert_eq!(ctx.err(), Some(ContextError::Canceled));
    /// ```
    pub fn err(&self) -> Option<ContextError> {
        self.handle.node.err()
    }

    /// The cause of the context's cancellation, or `None` while it is not cancelled: Go 1.20's
    /// `context.Cause(ctx)`.
    ///
    /// The cause is the one given to the first cancellation that reached this context: a
    /// [`CancelCauseFunc`]'s argument or a [`with_deadline_cause`](Context::with_deadline_cause)
    /// cause, this context's own or an ancestor's (whichever came first). Without one it is
    /// [`err`](Context::err) itself, as a [`ContextError`] in the `Arc`.
    ///
    /// # Examples
    ///
    /// ```
    /// use gokio::{Context, ContextError};
    ///
    /// let (ctx, cancel) = Context::background().with_cancel_cause();
    /// assert!(ctx.cause().is_none());
    /// cancel.cancel(None);
    /// let cause = ctx.cause().unwrap();
    /// assert_eq!(cause.downcast_ref::<ContextError>(), Some(&ContextError::Canceled));
    /// ```
    pub fn cause(&self) -> Option<Cause> {
        self.handle.node.cause()
    }

    /// The deadline, if this context or an ancestor has one: Go's `ctx.Deadline()`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use gokio::Context;
    ///
    /// gokio::run(async {
    ///     let (ctx, cancel) = Context::background().with_timeout(Duration::from_secs(1));
    ///     assert!(ctx.deadline().is_some());
    ///     let (child, cancel_child) = ctx.with_cancel();
    ///     assert_eq!(child.deadline(), ctx.deadline());
    ///     cancel_child.cancel();
    ///     cancel.cancel();
    /// });
    /// ```
    pub fn deadline(&self) -> Option<Instant> {
        self.handle.node.deadline
    }

    /// Whether the context has been cancelled: `ctx.err().is_some()`.
    ///
    /// # Examples
    ///
    /// ```
    /// let (ctx, cancel) = gokio::Context::background().with_cancel();
    /// cancel.cancel();
    /// assert!(ctx.is_cancelled());
    /// ```
    pub fn is_cancelled(&self) -> bool {
        self.err().is_some()
    }

    /// Waits until the context is cancelled: `<-ctx.Done()`. Never returns for the background
    /// context.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// # Examples
    ///
    /// ```
    /// let (ctx, cancel) = gokio::Context::background().with_cancel();
    /// cancel.cancel();
    /// futures::executor::block_on(ctx.cancelled());
    /// ```
    pub fn cancelled(&self) -> Cancelled {
        Cancelled { done: self.done() }
    }

    #[doc(hidden)]
    /// Number of children (contexts and pending `after_func`s) registered with this context
    /// (for leak tests; not API).
    pub fn __child_count(&self) -> usize {
        self.handle.node.child_count()
    }

    /// Makes a child node with `deadline` and this context's values, registered with this
    /// context unless this is the never-cancelled root (Go likewise skips registering with
    /// it); born cancelled, with this context's error and cause, if this one is cancelled.
    /// With `timed`, also returns the sending end of a channel whose only receiver the new
    /// handle holds: it closes when the child's last handle drops (the deadline task watches
    /// it).
    fn child(
        &self,
        deadline: Option<Instant>,
        timed: bool,
    ) -> (Context, Arc<Handle>, Option<Sender<()>>) {
        let node = Arc::new(Node::new(deadline));
        let parent = &self.handle;
        let id = if parent.is_root() {
            None
        } else {
            match parent.node.register(Child::Context(Arc::clone(&node))) {
                Ok(id) => Some(id),
                Err(child) => {
                    drop(child);
                    // Cancelled for good: err and cause are set once and never change.
                    if let Some((err, cause)) = parent.node.err_and_cause() {
                        node.cancel(err, cause);
                    }
                    None
                }
            }
        };
        let (alive_tx, alive_rx) = match timed {
            true => {
                let (tx, rx) = chan::<()>(0).split();
                (Some(tx), Some(rx))
            }
            false => (None, None),
        };
        let handle = Arc::new(Handle {
            node,
            parent: Some((Arc::clone(parent), id)),
            _alive: alive_rx,
        });
        let ctx = Context {
            handle: Arc::clone(&handle),
            values: self.values.clone(),
        };
        (ctx, handle, alive_tx)
    }
}

/// [`Context::cause`] as Go spells it: `context.Cause(ctx)`.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use gokio::{context, Context};
///
/// let (ctx, cancel) = Context::background().with_cancel_cause();
/// cancel.cancel(Some(Arc::new(std::fmt::Error)));
/// assert!(context::cause(&ctx).unwrap().is::<std::fmt::Error>());
/// ```
pub fn cause(ctx: &Context) -> Option<Cause> {
    ctx.cause()
}

impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("err", &self.err())
            .field("deadline", &self.deadline())
            .field("values", &value::names(&self.values))
            .finish()
    }
}
