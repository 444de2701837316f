//! `Once` (Go: `sync.Once`) for async initialisation.
//!
//! State machine on one atomic: `NEW → RUNNING → DONE`. The caller that moves `NEW → RUNNING`
//! runs its closure; everyone else listens on an `event_listener::Event` (check–listen–
//! recheck) until the state leaves `RUNNING`. A drop guard held by the runner decides what
//! happens if the run does not complete normally: a panic counts as done (Go: "if f panics, Do
//! considers it to have returned"), while cancellation (the runner's future dropped) puts the
//! state back to `NEW` so a waiting caller takes over with its own closure.
//!
//! Invariant: at most one closure is running at any time, and once the state is `DONE` no
//! closure ever runs again.

use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::task::{Context, Poll};

use event_listener::{Event, EventListener};
use futures::future::FusedFuture;

use crate::debug::{self, Object, Reason, Site};
use crate::loom::atomic::{AtomicUsize, Ordering};

const NEW: usize = 0;
const RUNNING: usize = 1;
const DONE: usize = 2;

/// Runs an async action exactly once (Go: `sync.Once`).
///
/// # Examples
///
/// ```
/// use gokio::Once;
///
/// # gokio::run(async {
/// let once = Once::new();
/// for _ in 0..3 {
///     once.call_once(|| async { println!("printed once") }).await;
/// }
/// assert!(once.is_done());
/// # });
/// ```
#[derive(Default)]
pub struct Once {
    state: AtomicUsize,
    changed: Event,
}

impl std::fmt::Debug for Once {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Once")
            .field("done", &self.is_done())
            .finish()
    }
}

impl Once {
    crate::loom::const_fn! {
        /// Creates a `Once` whose action has not run.
        ///
        /// `const`, so a `static` can hold one, as Go's package-level `var once sync.Once`
        /// (a plain `fn` under `--cfg loom`, whose atomics are not `const`).
        ///
        /// # Examples
        ///
        /// ```
        /// use gokio::Once;
        ///
        /// static INIT: Once = Once::new();
        ///
        /// # gokio::run(async {
        /// for _ in 0..3 {
        ///     INIT.call_once(|| async { println!("initialised once") }).await;
        /// }
        /// assert!(INIT.is_done());
        /// assert!(!Once::new().is_done());
        /// # });
        /// ```
        pub fn new() -> Self {
            Once {
                state: AtomicUsize::new(NEW),
                changed: Event::new(),
            }
        }
    }

    /// Runs `f().await` if no call has completed it yet (Go: `once.Do(f)`).
    ///
    /// Exactly one caller runs its `f`; concurrent callers wait until that run finishes and
    /// then return without running theirs. When `call_once` returns, the action has completed.
    /// As in Go, if `f` panics the `Once` counts as done (the panic propagates to the caller
    /// that ran it, and later calls do nothing). If the running call is cancelled (its future
    /// dropped before `f` completed), the `Once` is not done: one of the waiting callers (or
    /// the next caller) takes over and runs its own `f`.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe in the sense above: cancelling a waiting call has no effect, and cancelling
    /// the running call hands the job to another caller.
    ///
    /// # Examples
    ///
    /// ```
    /// # gokio::run(async {
    /// let once = gokio::Once::new();
    /// let mut runs = 0;
    /// once.call_once(|| async { runs += 1 }).await;
    /// assert_eq!(runs, 1);
    /// # });
    /// ```
    #[track_caller]
    pub fn call_once<F, Fut>(&self, f: F) -> CallOnce<'_, F, Fut>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = ()>,
    {
        // A plain fn returning the future, so that `#[track_caller]` sees the user's call
        // (for the wait state a dump shows); `async fn` cannot be `#[track_caller]` on stable.
        CallOnce {
            once: self,
            site: debug::caller(),
            f: Some(f),
            step: Step::Try,
        }
    }

    /// Whether the action has completed (or panicked).
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let once = gokio::Once::new();
    /// once.call_once(|| async {}).await;
    /// assert!(once.is_done());
    /// # });
    /// ```
    pub fn is_done(&self) -> bool {
        self.state.load(Ordering::Acquire) == DONE
    }
}

/// Held by the running call; on drop publishes the outcome: done if `f` completed or
/// panicked, back to new if the call was cancelled.
struct RunGuard<'a> {
    once: &'a Once,
    completed: bool,
}

impl Drop for RunGuard<'_> {
    fn drop(&mut self) {
        let next = if self.completed || std::thread::panicking() {
            DONE
        } else {
            NEW
        };
        self.once.state.store(next, Ordering::Release);
        self.once.changed.notify(usize::MAX);
    }
}

/// Future returned by [`Once::call_once`]: runs the action, or waits for the call that runs
/// it, and resolves once the action has completed.
///
/// The action's future is boxed when this call runs it (gokio projects no pins; it is made
/// once per `Once`), so `CallOnce` is `Unpin`. Its `Debug` shows its step (`Try`, `Waiting`,
/// `Running`, `Done`) and needs nothing of `F` or `Fut`.
///
/// # Examples
///
/// ```
/// use gokio::{sync::CallOnce, Once};
///
/// # gokio::run(async {
/// let once = Once::new();
/// let call: CallOnce<'_, _, _> = once.call_once(|| async { println!("once") });
/// assert_eq!(format!("{call:?}"), "CallOnce { step: Try }");
/// call.await;
/// assert!(once.is_done());
/// # });
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct CallOnce<'a, F, Fut> {
    once: &'a Once,
    /// The user's call, for the wait state.
    site: Site,
    /// Taken by the call that wins the right to run.
    f: Option<F>,
    step: Step<'a, Fut>,
}

/// Where a [`CallOnce`] is.
enum Step<'a, Fut> {
    /// About to try `NEW → RUNNING` (or to see `DONE`).
    Try,
    /// Another call runs the action; listening for the state to change.
    Waiting(EventListener),
    /// This call runs the action; the guard publishes the outcome when dropped.
    Running {
        fut: Pin<Box<Fut>>,
        guard: RunGuard<'a>,
    },
    Done,
}

// No field is ever pinned: `f` is moved out by value and the action's future is boxed.
impl<F, Fut> Unpin for CallOnce<'_, F, Fut> {}

impl<F, Fut> Future for CallOnce<'_, F, Fut>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = ()>,
{
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        let once = this.once;
        loop {
            match &mut this.step {
                Step::Try => {
                    match once.state.compare_exchange(
                        NEW,
                        RUNNING,
                        Ordering::Acquire,
                        Ordering::Acquire,
                    ) {
                        Ok(_) => {
                            // The guard first: a panic in `f()` itself counts as done too.
                            let guard = RunGuard {
                                once,
                                completed: false,
                            };
                            let f = this.f.take().expect("`f` is taken by the one run");
                            let fut = Box::pin(f());
                            this.step = Step::Running { fut, guard };
                        }
                        Err(DONE) => this.step = Step::Done,
                        Err(_) => {
                            let listener = once.changed.listen();
                            if once.state.load(Ordering::Acquire) == RUNNING {
                                this.step = Step::Waiting(listener);
                            }
                        }
                    }
                }
                Step::Waiting(listener) => {
                    if debug::poll_own(Pin::new(listener), cx).is_pending() {
                        debug::park(Reason::SyncOnceDo, this.site, || {
                            Some(Object::Once {
                                addr: once as *const Once as usize,
                            })
                        });
                        return Poll::Pending;
                    }
                    this.step = Step::Try;
                }
                Step::Running { fut, guard } => {
                    // A panic of the action counts as done (Go's rule): the guard must see
                    // it even if the caller catches the panic and keeps this future.
                    match std::panic::catch_unwind(AssertUnwindSafe(|| fut.as_mut().poll(cx))) {
                        Ok(Poll::Pending) => return Poll::Pending,
                        Ok(Poll::Ready(())) => {
                            guard.completed = true;
                            this.step = Step::Done;
                        }
                        Err(panic) => {
                            guard.completed = true;
                            this.step = Step::Done;
                            std::panic::resume_unwind(panic);
                        }
                    }
                }
                Step::Done => return Poll::Ready(()),
            }
        }
    }
}

impl<F, Fut> FusedFuture for CallOnce<'_, F, Fut>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = ()>,
{
    fn is_terminated(&self) -> bool {
        matches!(self.step, Step::Done)
    }
}

impl<F, Fut> fmt::Debug for CallOnce<'_, F, Fut> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let step = match self.step {
            Step::Try => "Try",
            Step::Waiting(_) => "Waiting",
            Step::Running { .. } => "Running",
            Step::Done => "Done",
        };
        f.debug_struct("CallOnce")
            .field("step", &format_args!("{step}"))
            .finish()
    }
}
