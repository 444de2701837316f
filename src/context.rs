//! Go's `context` package, cancellation half: [`Context`], [`CancelFunc`], [`ContextError`].
//!
//! A context carries a cancellation signal (and maybe a deadline) down a tree of goroutines.
//! [`Context::done`] is a channel that closes when the context is cancelled, so it works in
//! [`select!`](crate::select) like any other channel.
//!
//! # Semantics (Go's)
//!
//! * Cancelling a context cancels every descendant, with the same cause: a child of a
//!   timed-out parent reports [`ContextError::DeadlineExceeded`]. Cancellation never travels
//!   upward. The first cause wins; later cancels do nothing.
//! * A child's deadline never extends past its parent's.
//! * [`CancelFunc`] must be called (Go's vet rule): dropping it does **not** cancel. It is
//!   idempotent.
//! * Rust addition: dropping every clone of a child context and its `CancelFunc` detaches the
//!   child from its parent, so a long-lived parent does not accumulate dead children.
//!
//! # Implementation
//!
//! The tree is made of `Node`s (`err`, the `done` channel, the child list, behind one mutex)
//! linked downward by strong references held in each parent's child list. User-visible
//! handles (`Context` clones, the `CancelFunc`, and child handles, which keep their parent
//! handle alive) share one `Handle` per context whose `Drop` removes the node from its
//! parent's list. Invariants: a node's `err` is set once and never cleared; once it is set,
//! its `done` channel is closed and its child list is empty (children are cancelled outside
//! the lock, after being taken out of the list); a child registers under the parent's lock
//! only if the parent is not cancelled, so no child misses its parent's cancellation.
//! Cancelling walks the descendants with an explicit work list and dropping a handle unlinks
//! its chain of parent handles in a loop, so a chain of any depth costs heap, not stack (Go's
//! recursion relies on growable goroutine stacks; a tokio worker's is 2 MiB).
//! A deadline is enforced by one background task per context (spawned with
//! `crate::runtime::spawn_detached`) that waits for the deadline, the context's cancellation,
//! or the last handle going away, whichever comes first.

use std::collections::HashMap;
use std::error::Error;
use std::fmt;
use std::sync::OnceLock;
use std::time::Duration;

use crate::chan::{chan, Chan, Receiver, Sender};
use crate::loom::{lock, Arc, Mutex};
use crate::time::Instant;

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
    /// The context was cancelled by a [`CancelFunc`] (its own or an ancestor's).
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

/// A cancellation signal shared down a tree of tasks: Go's `context.Context` (without values).
///
/// Cheap to clone (clones are the same context); `Send + Sync`. Start from
/// [`Context::background`] and derive children with [`with_cancel`](Context::with_cancel),
/// [`with_timeout`](Context::with_timeout) or [`with_deadline`](Context::with_deadline).
///
/// If every clone of a context and its [`CancelFunc`] are dropped, nothing can cancel it any
/// more except its ancestors — and it is detached from them too. A [`done`](Context::done)
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
}

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
    handle: Arc<Handle>,
}

/// Cancels its context when dropped: `defer cancel()`. Made by [`CancelFunc::drop_guard`].
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

/// One context in the tree. Holds no reference upward.
struct Node {
    deadline: Option<Instant>,
    /// Closed on cancellation. Background's is never closed (it lives in a static).
    done: Chan<()>,
    state: Mutex<State>,
}

struct State {
    err: Option<ContextError>,
    children: HashMap<u64, Arc<Node>>,
    next_id: u64,
}

/// What user-visible handles share. Dropping the last one detaches the node from its parent.
struct Handle {
    node: Arc<Node>,
    /// The parent's handle, kept alive so the chain up to the root stays connected, and the
    /// id this node has in the parent's child list (`None`: not registered).
    parent: Option<(Arc<Handle>, Option<u64>)>,
    /// Held only so the deadline task sees it close when the last handle drops.
    _alive: Option<Receiver<()>>,
}

impl Drop for Handle {
    /// Detaches this node from its parent, then walks up the chain in a loop: while this was
    /// the last reference to the parent handle, that handle is unwrapped here, detached from
    /// its own parent, and dropped with no parent left, so no `Drop` recurses. (Letting the
    /// `Arc<Handle>` chain drop itself recurses once per link and overflows a 2 MiB stack at
    /// some 50,000 links.)
    fn drop(&mut self) {
        let mut link = self.parent.take();
        while let Some((parent, id)) = link {
            if let Some(id) = id {
                lock(&parent.node.state).children.remove(&id);
            }
            link = match Arc::try_unwrap(parent) {
                // `handle` is dropped at the end of this arm with `parent: None`.
                Ok(mut handle) => handle.parent.take(),
                Err(_) => None, // someone else still holds the parent: stop here
            };
        }
    }
}

impl Node {
    fn new(deadline: Option<Instant>) -> Node {
        Node {
            deadline,
            done: chan(0),
            state: Mutex::new(State {
                err: None,
                children: HashMap::new(),
                next_id: 0,
            }),
        }
    }

    /// Cancels this node and, outside its lock, every descendant, with the same cause.
    ///
    /// Iterative, with an explicit work list: a chain of any depth costs heap, not stack (Go's
    /// recursive `cancelCtx.cancel` relies on growable stacks; a tokio worker has 2 MiB).
    fn cancel(&self, err: ContextError) {
        let mut work: Vec<Arc<Node>> = self.mark_cancelled(err);
        while let Some(node) = work.pop() {
            work.append(&mut node.mark_cancelled(err));
            // `node` is dropped here with an empty child list, so its drop does not recurse.
        }
    }

    /// Sets `err`, closes `done` and takes the child list, under the lock, unless the node
    /// is already cancelled (then returns nothing: its children were taken by that cancel).
    fn mark_cancelled(&self, err: ContextError) -> Vec<Arc<Node>> {
        let mut state = lock(&self.state);
        if state.err.is_some() {
            return Vec::new();
        }
        state.err = Some(err);
        self.done.close();
        std::mem::take(&mut state.children).into_values().collect()
    }
}

impl Context {
    /// The root context: never cancelled, no deadline. Go's `context.Background()`.
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
        let (ctx, cancel, _) = self.child(self.deadline(), false);
        (ctx, cancel)
    }

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
        if let Some(parent) = self.deadline() {
            if parent <= deadline {
                return self.with_cancel();
            }
        }
        let (ctx, cancel, alive) = self.child(Some(deadline), true);
        let node = Arc::clone(&ctx.handle.node);
        if deadline <= Instant::now() {
            node.cancel(ContextError::DeadlineExceeded);
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
                node.cancel(ContextError::DeadlineExceeded);
            });
        }
        (ctx, cancel)
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
        let now = Instant::now();
        let deadline = now
            .checked_add(timeout)
            .unwrap_or_else(|| now + Duration::from_secs(86_400 * 365 * 30));
        self.with_deadline(deadline)
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
    pub async fn cancelled(&self) {
        let done = self.done();
        let _ = done.recv().await;
    }

    #[doc(hidden)]
    /// Number of children registered with this context (for leak tests; not API).
    pub fn __child_count(&self) -> usize {
        lock(&self.handle.node.state).children.len()
    }

    /// Makes a child node with `deadline`, registered with this context unless this is the
    /// never-cancelled background (Go likewise skips registering with it).
    /// With `timed`, also returns the sending end of a channel whose only receiver the new
    /// handle holds: it closes when the child's last handle drops (the deadline task watches
    /// it).
    fn child(
        &self,
        deadline: Option<Instant>,
        timed: bool,
    ) -> (Context, CancelFunc, Option<Sender<()>>) {
        let node = Arc::new(Node::new(deadline));
        let parent = &self.handle;
        let id = if parent.parent.is_none() {
            None // background: never cancelled, nothing to propagate
        } else {
            let mut state = lock(&parent.node.state);
            match state.err {
                Some(err) => {
                    drop(state);
                    node.cancel(err);
                    None
                }
                None => {
                    let id = state.next_id;
                    state.next_id += 1;
                    state.children.insert(id, Arc::clone(&node));
                    Some(id)
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
        (
            Context {
                handle: Arc::clone(&handle),
            },
            CancelFunc { handle },
            alive_tx,
        )
    }
}

impl Node {
    fn err(&self) -> Option<ContextError> {
        lock(&self.state).err
    }
}

impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("err", &self.err())
            .field("deadline", &self.deadline())
            .finish()
    }
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
        self.handle.node.cancel(ContextError::Canceled);
        if let Some((parent, Some(id))) = &self.handle.parent {
            lock(&parent.node.state).children.remove(id);
        }
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

impl fmt::Debug for CancelFunc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CancelFunc").finish_non_exhaustive()
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
