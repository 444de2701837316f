//! Go 1.21's `context.AfterFunc`: a call registered in a context's child set, started in its
//! own goroutine when the context is cancelled, unless stopped first.
//!
//! Go's `afterFuncCtx` (src/context/context.go) is a child canceler whose `cancel` runs
//! `once.Do(go f)` and whose `stop` runs `once.Do(stopped = true)`. Here the `Option` in
//! [`AfterFunc::f`] is that `once`: whoever takes `f` out of it (the cancel, which starts it,
//! or [`StopFunc::stop`], which drops it) is the only one that ever will. The lock around it
//! is never held together with a node lock.

use std::fmt;

use super::tree::{Child, Node};
use super::Context;
use crate::loom::{lock, Arc, Mutex};

type Callback = Box<dyn FnOnce() + Send + 'static>;

/// A registered call: `f` until it is started or stopped, then `None`.
pub(super) struct AfterFunc {
    f: Mutex<Option<Callback>>,
}

impl AfterFunc {
    /// Starts `f` in its own goroutine, unless it was started or stopped already.
    pub(super) fn start(&self) {
        let f = lock(&self.f).take();
        if let Some(f) = f {
            drop(crate::go(async move { f() }));
        }
    }
}

/// Stops a call registered by [`Context::after_func`]: the `stop` function Go's
/// `context.AfterFunc` returns.
///
/// Dropping it does **not** stop the call (as in Go, where `stop` may be ignored). It is
/// `Clone`: all clones stop the same call.
///
/// # Examples
///
/// ```
/// use gokio::Context;
///
/// let (ctx, cancel) = Context::background().with_cancel();
/// let stop = ctx.after_func(|| unreachable!("stopped before the cancel"));
/// assert!(stop.stop()); // it had not started: now it never will
/// assert!(!stop.stop()); // already stopped
/// cancel.cancel();
/// ```
#[derive(Clone)]
pub struct StopFunc {
    entry: Arc<AfterFunc>,
    /// The node `f` is registered with and its id there (`None`: never registered, because
    /// the context can never be cancelled or already was).
    registration: Option<(Arc<Node>, u64)>,
}

impl StopFunc {
    /// Stops the call: returns `true` if this stopped `f` from being run, `false` if `f` was
    /// already started (the context is done) or already stopped. Go's `stop()`.
    ///
    /// It does not wait for a started `f` to finish; to know when it has, have `f` signal it
    /// (close a channel, release a [`WaitGroup`](crate::WaitGroup) guard).
    ///
    /// # Examples
    ///
    /// ```
    /// use gokio::Context;
    ///
    /// let (ctx, cancel) = Context::background().with_cancel();
    /// cancel.cancel();
    /// let stop = ctx.after_func(|| {}); // ctx is done: f starts at once
    /// assert!(!stop.stop());
    /// ```
    pub fn stop(&self) -> bool {
        let f = lock(&self.entry.f).take();
        let Some(f) = f else {
            return false;
        };
        if let Some((node, id)) = &self.registration {
            // Go's `a.cancel(true, Canceled, nil)`: unregister so the node does not keep
            // (and later visit) a call that will never run.
            drop(node.remove(*id));
        }
        drop(f);
        true
    }
}

impl fmt::Debug for StopFunc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StopFunc").finish_non_exhaustive()
    }
}

impl Context {
    /// Arranges for `f` to run once, in its own goroutine, after this context is done
    /// (cancelled, or its deadline passed): Go 1.21's `context.AfterFunc(ctx, f)`. If the
    /// context is already done, `f` starts at once.
    ///
    /// The returned [`StopFunc`] unregisters `f`: [`stop`](StopFunc::stop) returns `true` if
    /// that kept `f` from running, `false` if `f` had already started or was already
    /// stopped. Several `after_func`s on one context are independent. Cancelling never waits
    /// for `f`: it is only started.
    ///
    /// `f` is a plain closure run on a runtime worker thread (a goroutine of
    /// [`go`](fn@crate::go), so a panic in it is logged, not propagated). It should not
    /// block for long; to run async code, start a goroutine from it:
    /// `ctx.after_func(move || { gokio::go(async move { conn.shutdown().await }); })`; for
    /// blocking work, `tokio::task::spawn_blocking` from it.
    ///
    /// While `f` is registered it keeps the context attached to its parents, even if every
    /// other handle of the context is dropped, so an ancestor's cancellation or the deadline
    /// still runs it, as in Go. If nothing can ever cancel the context (every `CancelFunc`
    /// up the chain dropped without being called, no deadline), `f` is kept until `stop`:
    /// call your `CancelFunc`s, as Go requires.
    ///
    /// The background context and [`without_cancel`](Context::without_cancel) contexts are
    /// never done: `f` never runs there.
    ///
    /// # Examples
    ///
    /// ```
    /// use gokio::Context;
    ///
    /// gokio::run(async {
    ///     let (ctx, cancel) = Context::background().with_cancel();
    ///     let done = gokio::chan::<()>(0);
    ///     let tx = done.sender();
    ///     ctx.after_func(move || {
    ///         tx.close();
    ///     });
    ///     cancel.cancel();
    ///     assert_eq!(done.recv().await, None); // closed by f
    /// });
    /// ```
    pub fn after_func<F>(&self, f: F) -> StopFunc
    where
        F: FnOnce() + Send + 'static,
    {
        let entry = Arc::new(AfterFunc {
            f: Mutex::new(Some(Box::new(f))),
        });
        let handle = &self.handle;
        let registration = if handle.is_root() {
            None // never done: f stays parked in `entry` until stopped or dropped
        } else {
            let child = Child::AfterFunc {
                entry: Arc::clone(&entry),
                _ctx: Arc::clone(handle),
            };
            match handle.node.register(child) {
                Ok(id) => Some((Arc::clone(&handle.node), id)),
                Err(child) => {
                    drop(child);
                    entry.start(); // already done: Go starts f at once
                    None
                }
            }
        };
        StopFunc {
            entry,
            registration,
        }
    }
}

/// [`Context::after_func`] as Go spells it: `context.AfterFunc(ctx, f)`.
///
/// # Examples
///
/// ```
/// use gokio::{context, Context};
///
/// let (ctx, cancel) = Context::background().with_cancel();
/// let stop = context::after_func(&ctx, || {});
/// assert!(stop.stop());
/// cancel.cancel();
/// ```
pub fn after_func<F>(ctx: &Context, f: F) -> StopFunc
where
    F: FnOnce() + Send + 'static,
{
    ctx.after_func(f)
}
