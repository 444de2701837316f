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

use std::future::Future;

use event_listener::Event;

use crate::debug::{self, Object, Reason};
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
    pub fn call_once<F, Fut>(&self, f: F) -> impl Future<Output = ()> + use<'_, F, Fut>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = ()>,
    {
        // A plain fn returning the future, so that `#[track_caller]` sees the user's call
        // (for the wait state a dump shows); `async fn` cannot be `#[track_caller]` on stable.
        let site = debug::caller();
        async move {
            loop {
                match self.state.compare_exchange(
                    NEW,
                    RUNNING,
                    Ordering::Acquire,
                    Ordering::Acquire,
                ) {
                    Ok(_) => {
                        let mut guard = RunGuard {
                            once: self,
                            completed: false,
                        };
                        f().await;
                        guard.completed = true;
                        return;
                    }
                    Err(DONE) => return,
                    Err(_) => {
                        let mut listener = self.changed.listen();
                        if self.state.load(Ordering::Acquire) == RUNNING {
                            std::future::poll_fn(|cx| {
                                let own = debug::own(cx.waker());
                                let r = std::pin::Pin::new(&mut listener)
                                    .poll(&mut std::task::Context::from_waker(&own));
                                if r.is_pending() {
                                    debug::park(Reason::SyncOnceDo, site, || {
                                        Some(Object::Once {
                                            addr: self as *const Once as usize,
                                        })
                                    });
                                }
                                r
                            })
                            .await;
                        }
                    }
                }
            }
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
