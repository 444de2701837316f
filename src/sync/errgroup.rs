//! Go's `golang.org/x/sync/errgroup`: [`Group`].
//!
//! Invariants: `active` counts tasks that have been given a slot and not yet finished; it is
//! incremented before a task is spawned and decremented (under the same lock that records the
//! task's error or panic) after it finishes, including by panic, so `wait` can never miss a
//! task nor hang on one. Waiters register their `event_listener` listener while holding the
//! lock under which they saw the state they wait to change, so no wake-up is lost.

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;

use event_listener::Event;
use futures::FutureExt;

use crate::context::{CancelFunc, Context};
use crate::loom::{lock, Arc, Mutex};

/// A group of tasks working on subtasks of one job: Go's `errgroup.Group`.
///
/// [`go`](Group::go) starts tasks that return `Result<(), E>`; [`wait`](Group::wait) waits for
/// all of them and returns the first error. A group made by
/// [`with_context`](Group::with_context) cancels its derived context on the first error (or
/// panic) and when `wait` returns, so the other tasks can stop early.
///
/// A `Group` is a shared handle: clones add to and wait on the same group, so tasks can start
/// more tasks.
///
/// Panics: a task that panics is caught; once every task has finished, `wait` re-raises the
/// first panic with its original payload (as newer `x/sync` versions propagate panics from
/// `Wait`). It never hangs on a panicked task, and the panic cancels the context like an
/// error.
///
/// # Examples
///
/// ```
/// use gokio::sync::Group;
///
/// gokio::run(async {
///     let g = Group::new();
///     for i in 0..3 {
///         g.go(async move { if i == 1 { Err(format!("task {i} failed")) } else { Ok(()) } })
///             .await;
///     }
///     assert_eq!(g.wait().await, Err("task 1 failed".to_string()));
/// });
/// ```
pub struct Group<E> {
    inner: Arc<Inner<E>>,
}

struct Inner<E> {
    state: Mutex<State<E>>,
    /// Notified when a task finishes and `active` reaches 0.
    finished: Event,
    /// Notified when a slot is freed or the limit changes.
    slot_freed: Event,
    /// Cancels the context made by `with_context`.
    cancel: Option<CancelFunc>,
}

struct State<E> {
    active: usize,
    limit: Option<usize>,
    err: Option<E>,
    panic: Option<Box<dyn Any + Send>>,
}

impl<E> Clone for Group<E> {
    fn clone(&self) -> Self {
        Group {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<E> Default for Group<E> {
    fn default() -> Self {
        Group::make(None)
    }
}

impl<E> fmt::Debug for Group<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = lock(&self.inner.state);
        f.debug_struct("Group")
            .field("active", &state.active)
            .field("limit", &state.limit)
            .field("failed", &(state.err.is_some() || state.panic.is_some()))
            .finish()
    }
}

impl<E> Group<E> {
    fn make(cancel: Option<CancelFunc>) -> Self {
        Group {
            inner: Arc::new(Inner {
                state: Mutex::new(State {
                    active: 0,
                    limit: None,
                    err: None,
                    panic: None,
                }),
                finished: Event::new(),
                slot_freed: Event::new(),
                cancel,
            }),
        }
    }
}

impl<E: Send + 'static> Group<E> {
    /// An empty group with no limit and no context: Go's zero `errgroup.Group`.
    ///
    /// # Examples
    ///
    /// ```
    /// let g = gokio::sync::Group::<String>::new();
    /// assert_eq!(futures::executor::block_on(g.wait()), Ok(()));
    /// ```
    pub fn new() -> Self {
        Group::make(None)
    }

    /// A group and a context derived from `ctx` that is cancelled the first time a task
    /// returns an error (or panics), or when [`wait`](Group::wait) returns, whichever comes
    /// first: Go's `errgroup.WithContext(ctx)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use gokio::{sync::Group, Context};
    ///
    /// gokio::run(async {
    ///     let (g, ctx) = Group::<&str>::with_context(&Context::background());
    ///     let c = ctx.clone();
    ///     g.go(async move { c.cancelled().await; Ok(()) }).await; // stops when a peer fails
    ///     g.go(async { Err("boom") }).await;
    ///     assert_eq!(g.wait().await, Err("boom"));
    ///     assert!(ctx.is_cancelled());
    /// });
    /// ```
    pub fn with_context(ctx: &Context) -> (Self, Context) {
        let (ctx, cancel) = ctx.with_cancel();
        (Group::make(Some(cancel)), ctx)
    }

    /// Starts `fut` as a new task in the group: Go's `g.Go(f)`.
    ///
    /// With a [limit](Group::set_limit), waits until a slot is free (Go's `Go` blocks
    /// likewise); the returned future completes once the task has been started. The first
    /// task to return `Err` sets the group's error and cancels its context.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if the future is dropped before it completes, the task was not started.
    ///
    /// # Examples
    ///
    /// ```
    /// gokio::run(async {
    ///     let g = gokio::sync::Group::<std::io::Error>::new();
    ///     g.go(async { Ok(()) }).await;
    ///     g.wait().await.unwrap();
    /// });
    /// ```
    pub async fn go<F>(&self, fut: F)
    where
        F: Future<Output = Result<(), E>> + Send + 'static,
    {
        loop {
            let listener = {
                let mut state = lock(&self.inner.state);
                if state.limit.is_none_or(|n| state.active < n) {
                    state.active += 1;
                    break;
                }
                self.inner.slot_freed.listen()
            };
            listener.await;
        }
        self.spawn(fut);
    }

    /// Starts `fut` only if a slot is free right now: Go's `g.TryGo(f)`. Returns whether it
    /// was started.
    ///
    /// # Examples
    ///
    /// ```
    /// gokio::run(async {
    ///     let g = gokio::sync::Group::<()>::new();
    ///     g.set_limit(1);
    ///     assert!(g.try_go(std::future::pending()));
    ///     assert!(!g.try_go(async { Ok(()) }));
    /// });
    /// ```
    pub fn try_go<F>(&self, fut: F) -> bool
    where
        F: Future<Output = Result<(), E>> + Send + 'static,
    {
        {
            let mut state = lock(&self.inner.state);
            if state.limit.is_some_and(|n| state.active >= n) {
                return false;
            }
            state.active += 1;
        }
        self.spawn(fut);
        true
    }

    /// Limits the number of active tasks to `n`: Go's `g.SetLimit(n)`. `usize::MAX` means
    /// no limit (Go: a negative `n`). A limit of 0 lets no task start.
    ///
    /// # Panics
    ///
    /// Panics, as Go does, if tasks are active:
    /// `errgroup: modify limit while N goroutines in the group are still active`.
    ///
    /// # Examples
    ///
    /// ```
    /// let g = gokio::sync::Group::<()>::new();
    /// g.set_limit(4);
    /// ```
    #[track_caller]
    pub fn set_limit(&self, n: usize) {
        {
            let mut state = lock(&self.inner.state);
            assert!(
                state.active == 0,
                "errgroup: modify limit while {} goroutines in the group are still active",
                state.active
            );
            state.limit = (n != usize::MAX).then_some(n);
        }
        self.inner.slot_freed.notify(usize::MAX);
    }

    /// Waits for every task to finish and returns the first error, if any: Go's `g.Wait()`.
    /// Then cancels the group's context. The error is handed out once: a second `wait`
    /// returns `Ok(())` unless a new task fails.
    ///
    /// # Panics
    ///
    /// If a task panicked, re-raises the first such panic (with its original payload) once
    /// every task has finished.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: dropping the future loses nothing (the error stays in the group).
    ///
    /// # Examples
    ///
    /// ```
    /// gokio::run(async {
    ///     let g = gokio::sync::Group::<i32>::new();
    ///     g.go(async { Err(7) }).await;
    ///     assert_eq!(g.wait().await, Err(7));
    /// });
    /// ```
    pub async fn wait(&self) -> Result<(), E> {
        let (err, panic) = loop {
            let listener = {
                let mut state = lock(&self.inner.state);
                if state.active == 0 {
                    break (state.err.take(), state.panic.take());
                }
                self.inner.finished.listen()
            };
            listener.await;
        };
        if let Some(cancel) = &self.inner.cancel {
            cancel.cancel();
        }
        if let Some(payload) = panic {
            std::panic::resume_unwind(payload);
        }
        err.map_or(Ok(()), Err)
    }

    /// Spawns a task whose slot (`active += 1`) has already been taken.
    fn spawn<F>(&self, fut: F)
    where
        F: Future<Output = Result<(), E>> + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        crate::runtime::spawn_detached(async move {
            let outcome = AssertUnwindSafe(fut).catch_unwind().await;
            let failed = {
                let mut state = lock(&inner.state);
                state.active -= 1;
                let failed = match outcome {
                    Ok(Ok(())) => false,
                    Ok(Err(e)) => {
                        let first = state.err.is_none() && state.panic.is_none();
                        if state.err.is_none() {
                            state.err = Some(e);
                        }
                        first
                    }
                    Err(payload) => {
                        let first = state.err.is_none() && state.panic.is_none();
                        if state.panic.is_none() {
                            state.panic = Some(payload);
                        }
                        first
                    }
                };
                if state.active == 0 {
                    inner.finished.notify(usize::MAX);
                }
                failed
            };
            if failed {
                if let Some(cancel) = &inner.cancel {
                    cancel.cancel();
                }
            }
            inner.slot_freed.notify(usize::MAX);
        });
    }
}
