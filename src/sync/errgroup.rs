//! Go's `golang.org/x/sync/errgroup`: [`Group`] and the [`Go`] future of [`Group::go`].
//!
//! Invariants, all kept under the one state mutex:
//! * `active` counts tasks that hold a slot (spawned, not yet finished). It is incremented
//!   before a task is spawned and decremented, in the same critical section that records the
//!   task's error or panic, after it finishes (including by panic), so `wait` can never miss a
//!   task nor hang on one.
//! * `queued` holds tasks that `go` registered while every slot was taken, in call order. It
//!   is non-empty only while no slot is free (`active >= limit`): whoever frees a slot or
//!   raises the limit (a finishing task, `set_limit`) moves queued tasks into free slots in
//!   the same critical section. So a task given to `go` is started whether or not anyone
//!   awaits the [`Go`] future, and `wait`, which waits for `active == 0` with `queued` empty,
//!   counts it from the moment `go` returns.
//! * `dequeued` counts the tasks that ever left `queued`; the queue is FIFO, so the task that
//!   was given ticket `t` (its position counted from the start) has started once
//!   `dequeued > t`.
//! * The first error is kept for good (never taken), so every `wait` returns it, as Go's does.
//!
//! Waiters register their `event_listener` listener while holding the lock under which they
//! saw the state they wait to change, and notifiers change that state under the lock before
//! notifying, so no wake-up is lost.

use std::any::Any;
use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};

use event_listener::{Event, EventListener};
use futures::FutureExt;

use crate::context::{CancelFunc, Context};
use crate::loom::{lock, Arc, Mutex};

pub use self::wait::GroupWait;

mod wait;

/// A group of tasks working on subtasks of one job: Go's `errgroup.Group`.
///
/// [`go`](Group::go) starts tasks that return `Result<(), E>`; [`wait`](Group::wait) waits for
/// all of them and returns the first error — on every call, as Go's `Wait` does. A group made
/// by [`with_context`](Group::with_context) cancels its derived context on the first error (or
/// panic) and when `wait` returns, so the other tasks can stop early.
///
/// A `Group` is a shared handle: clones add to and wait on the same group, so tasks can start
/// more tasks, and one goroutine may `wait` to close a results channel while another `wait`s
/// for the error (x/sync's Pipeline example).
///
/// The error type needs `Clone` for `wait`, because every `wait` hands out the same first
/// error: in Go an `error` is an interface value that any number of callers can hold. For an
/// error type that is not `Clone` (`std::io::Error`, `anyhow::Error`, `Box<dyn Error>`), make
/// the group's error an `Arc` (`Group<Arc<io::Error>>`, `.map_err(Arc::new)?` in the tasks),
/// which shares it exactly as Go does.
///
/// Panics: a task that panics is caught; once every task has finished, `wait` re-raises the
/// panic (the first `wait` with its original payload, later ones with its message), as newer
/// `x/sync` versions propagate panics from `Wait`. It never hangs on a panicked task, and the
/// panic cancels the context like an error.
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
///     assert_eq!(g.wait().await, Err("task 1 failed".to_string())); // kept, as in Go
/// });
/// ```
pub struct Group<E> {
    inner: Arc<Inner<E>>,
}

/// A task waiting in `State::queued` for a slot.
type Task<E> = Pin<Box<dyn Future<Output = Result<(), E>> + Send>>;

struct Inner<E> {
    state: Mutex<State<E>>,
    /// Notified when `active` reaches 0 with nothing queued.
    finished: Event,
    /// Notified when queued tasks are started (`dequeued` grew).
    started: Event,
    /// Cancels the context made by `with_context`.
    cancel: Option<CancelFunc>,
}

struct State<E> {
    active: usize,
    limit: Option<usize>,
    queued: VecDeque<Task<E>>,
    dequeued: u64,
    err: Option<E>,
    panic: Panicked,
}

/// A task's panic, as `wait` re-raises it.
enum Panicked {
    No,
    /// Not yet re-raised: the first `wait` resumes it with this original payload.
    Payload(Box<dyn Any + Send>),
    /// Already re-raised once (a payload cannot be cloned): later `wait`s panic with this
    /// message, taken from the payload when it was a string.
    Raised(String),
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
            .field("queued", &state.queued.len())
            .field("limit", &state.limit)
            .field(
                "failed",
                &(state.err.is_some() || !matches!(state.panic, Panicked::No)),
            )
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
                    queued: VecDeque::new(),
                    dequeued: 0,
                    err: None,
                    panic: Panicked::No,
                }),
                finished: Event::new(),
                started: Event::new(),
                cancel,
            }),
        }
    }
}

impl<E> State<E> {
    fn slot_free(&self) -> bool {
        self.limit.is_none_or(|n| self.active < n)
    }

    /// Moves queued tasks into the free slots (keeping the queue's invariant) and returns
    /// them, to be spawned outside the lock.
    fn take_startable(&mut self) -> Vec<Task<E>> {
        let mut start = Vec::new();
        while self.slot_free() {
            let Some(task) = self.queued.pop_front() else {
                break;
            };
            self.active += 1;
            self.dequeued += 1;
            start.push(task);
        }
        start
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
    /// The task belongs to the group as soon as `go` returns — [`wait`](Group::wait) counts
    /// it — and it is spawned at once if a slot is free (always, without a
    /// [limit](Group::set_limit)). Otherwise it waits in a FIFO queue and starts as soon as a
    /// slot frees up. The returned [`Go`] future completes once the task has started: await
    /// it to block while the group is at its limit, as Go's `g.Go` does. The task is started
    /// **whether or not** that future is awaited, so a port of `g.Go(f)` that forgets the
    /// `.await` still runs `f` (only the back-pressure is lost); `let _ = g.go(f);` says that
    /// this is intended.
    ///
    /// The first task to return `Err` sets the group's error and cancels its context.
    ///
    /// # Cancel safety
    ///
    /// Dropping the returned future does not withdraw the task: it still starts when a slot
    /// frees up. Use [`try_go`](Group::try_go) to start a task only if a slot is free now.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::{io, sync::Arc};
    ///
    /// gokio::run(async {
    ///     let g = gokio::sync::Group::<Arc<io::Error>>::new(); // `Arc`: io::Error is not Clone
    ///     g.set_limit(2);
    ///     for _ in 0..10 {
    ///         g.go(async { Ok(()) }).await; // waits while 2 tasks run
    ///     }
    ///     // Not awaited: the task still runs once a slot is free, and `wait` counts it.
    ///     let _ = g.go(async { Err(Arc::new(io::Error::other("disk full"))) });
    ///     assert_eq!(g.wait().await.unwrap_err().to_string(), "disk full");
    /// });
    /// ```
    pub fn go<F>(&self, fut: F) -> Go<E>
    where
        F: Future<Output = Result<(), E>> + Send + 'static,
    {
        let mut state = lock(&self.inner.state);
        if state.slot_free() {
            state.active += 1;
            drop(state);
            spawn(&self.inner, fut);
            return Go {
                inner: None,
                ticket: 0,
                listener: None,
            };
        }
        let ticket = state.dequeued + state.queued.len() as u64;
        state.queued.push_back(Box::pin(fut));
        Go {
            inner: Some(Arc::clone(&self.inner)),
            ticket,
            listener: None,
        }
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
            // A free slot implies an empty queue (the invariant), so nobody is overtaken.
            if !state.slot_free() {
                return false;
            }
            state.active += 1;
        }
        spawn(&self.inner, fut);
        true
    }

    /// Limits the number of active tasks to `n`: Go's `g.SetLimit(n)`. `usize::MAX` means
    /// no limit (Go: a negative `n`). A limit of 0 lets no task start: tasks given to
    /// [`go`](Group::go) wait until the limit is raised.
    ///
    /// # Panics
    ///
    /// Panics, as Go does, if tasks are running:
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
        let start = {
            let mut state = lock(&self.inner.state);
            assert!(
                state.active == 0,
                "errgroup: modify limit while {} goroutines in the group are still active",
                state.active
            );
            state.limit = (n != usize::MAX).then_some(n);
            // Only tasks queued under a limit of 0 can be waiting here.
            state.take_startable()
        };
        start_all(&self.inner, start);
    }

    /// Waits for every task to finish and returns the first error, if any: Go's `g.Wait()`.
    /// Then cancels the group's context.
    ///
    /// Every call returns the first error (a clone of it), also after new tasks were added:
    /// the group remembers its first failure for good, as Go's does. That is why `E: Clone`;
    /// see [`Group`] for non-`Clone` error types.
    ///
    /// # Panics
    ///
    /// If a task panicked, re-raises that panic once every task has finished: the first
    /// `wait` with the original payload, each later one with a `String` payload carrying its
    /// message.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: dropping the future loses nothing.
    ///
    /// # Examples
    ///
    /// ```
    /// gokio::run(async {
    ///     let g = gokio::sync::Group::<i32>::new();
    ///     g.go(async { Err(7) }).await;
    ///     assert_eq!(g.wait().await, Err(7));
    ///     g.go(async { Err(8) }).await;
    ///     assert_eq!(g.wait().await, Err(7));
    /// });
    /// ```
    pub fn wait(&self) -> GroupWait<'_, E>
    where
        E: Clone,
    {
        GroupWait::new(self)
    }
}

/// A panic payload's message, as the default panic hook prints it.
fn message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "errgroup: a task panicked (non-string payload, re-raised by an earlier wait)".into()
    }
}

/// Spawns the queued tasks `take_startable` gave a slot, and wakes their `Go` futures.
fn start_all<E: Send + 'static>(inner: &Arc<Inner<E>>, start: Vec<Task<E>>) {
    if start.is_empty() {
        return;
    }
    for task in start {
        spawn(inner, task);
    }
    inner.started.notify(usize::MAX);
}

/// Spawns a task whose slot (`active += 1`) has already been taken. When it finishes it
/// records its outcome, hands its slot to the next queued task, and wakes `wait`.
fn spawn<E, F>(inner: &Arc<Inner<E>>, fut: F)
where
    E: Send + 'static,
    F: Future<Output = Result<(), E>> + Send + 'static,
{
    let inner = Arc::clone(inner);
    crate::runtime::spawn_detached(async move {
        let outcome = AssertUnwindSafe(fut).catch_unwind().await;
        let (failed, start) = {
            let mut state = lock(&inner.state);
            state.active -= 1;
            let first = state.err.is_none() && matches!(state.panic, Panicked::No);
            let failed = match outcome {
                Ok(Ok(())) => false,
                Ok(Err(e)) => {
                    if state.err.is_none() {
                        state.err = Some(e);
                    }
                    first
                }
                Err(payload) => {
                    if matches!(state.panic, Panicked::No) {
                        state.panic = Panicked::Payload(payload);
                    }
                    first
                }
            };
            let start = state.take_startable();
            if state.active == 0 && state.queued.is_empty() {
                inner.finished.notify(usize::MAX);
            }
            (failed, start)
        };
        if failed && let Some(cancel) = &inner.cancel {
            cancel.cancel();
        }
        start_all(&inner, start);
    });
}

/// The future returned by [`Group::go`]: completes once the task has started.
///
/// The task does not depend on this future: it is registered with the group when `go` is
/// called and starts when a slot is free, whether this future is awaited, dropped or
/// forgotten. Awaiting it only gives Go's back-pressure (`g.Go` blocks at the limit).
///
/// # Cancel safety
///
/// Cancel safe: dropping it neither withdraws nor delays the task.
#[must_use = "the task runs anyway; await this to wait for a free slot (Go's blocking `g.Go`), or write `let _ =`"]
pub struct Go<E> {
    /// `None` once the task is known to have started (it started inside `go`).
    inner: Option<Arc<Inner<E>>>,
    /// The task's position in the queue, counted over the group's lifetime.
    ticket: u64,
    listener: Option<EventListener>,
}

impl<E> fmt::Debug for Go<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Go")
            .field("queued", &self.inner.is_some())
            .finish()
    }
}

impl<E> Future for Go<E> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<()> {
        let this = &mut *self;
        loop {
            let Some(inner) = &this.inner else {
                return Poll::Ready(());
            };
            if let Some(listener) = this.listener.as_mut() {
                if crate::debug::poll_own(Pin::new(listener), cx).is_pending() {
                    // Go's `Go` past the limit blocks sending to the limit channel.
                    crate::debug::park(
                        crate::debug::Reason::ChanSend,
                        crate::debug::NO_SITE,
                        || None,
                    );
                    return Poll::Pending;
                }
                this.listener = None;
            }
            let state = lock(&inner.state);
            if state.dequeued > this.ticket {
                drop(state);
                this.inner = None;
                return Poll::Ready(());
            }
            // Registered under the lock that `take_startable` takes before notifying.
            this.listener = Some(inner.started.listen());
        }
    }
}
