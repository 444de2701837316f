//! Goroutines: [`go`](fn@crate::go), [`go!`](crate::go!), [`run`], [`yield_now`], [`num_goroutine`],
//! [`Goroutine`] and [`Panic`].
//!
//! A goroutine is a tokio task whose future is wrapped: it counts itself in [`num_goroutine`]
//! until it is dropped, runs inside a `goroutine{id=N, site=...}` tracing span, and has its
//! panic logged as a tracing error event with its goroutine id. Tokio itself catches the panic
//! and records it in the task's `JoinError`; [`Join`] turns that into a [`Panic`]. With the
//! `diagnostics` feature it is also registered in the goroutine registry
//! (`crate::debug::registry`) with its spawn site (`#[track_caller]`) and optional name.
//!
//! Cost: `go` must stay within 10% of `tokio::spawn` (see `benches/spawn.rs`). Tokio allocates
//! each task in a 128-byte-aligned cell, and a bare `tokio::spawn` of a small future fills one
//! 128-byte cell exactly, so any byte the wrapper adds doubles the allocation. Hence:
//! - the task's output stays `T` (no `Result` around it: tokio already carries the panic);
//! - when no subscriber would see the span or the panic event (decided at spawn), the wrapper
//!   is [`Held`]: the body plus the zero-sized live-count guard beside it (`scoped`), no span,
//!   no `catch_unwind`, no state of its own, so the task cell is the one `tokio::spawn` of
//!   the body would take. `WaitGroup::go`'s done guard rides in the same `Held` (`go_with`);
//! - otherwise the future is `catch_unwind` (log, then `resume_unwind`) plus the span;
//! - with `diagnostics`, the `Held` becomes tokio's task-local scope holding the registration
//!   (16 bytes more: a tiny future's cell goes from 128 to 256 bytes, an idle goroutine's
//!   from its 256 stays 256), which is why that feature is off by default.

use std::any::Any;
use std::borrow::Cow;
use std::fmt;
use std::future::{Future, IntoFuture};
use std::panic::{AssertUnwindSafe, Location};
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::FutureExt;
use tracing::Instrument;

use crate::{debug, runtime};

/// Starts a goroutine: runs `fut` concurrently on the tokio runtime (Go: `go f(x)`).
///
/// Inside a tokio runtime of any flavour the goroutine is spawned on that runtime. Outside any
/// runtime it is spawned on gokio's process-wide multi-threaded runtime, started on first use
/// with one worker thread per available CPU (Go's `GOMAXPROCS`).
///
/// The returned [`Goroutine`] may be dropped, which detaches the goroutine (Go has no handle
/// at all), or joined to get the result. A panic inside the goroutine does not take the
/// process down: it is logged as a `tracing` error event (`goroutine panicked`, with fields
/// `goroutine.id` and `panic`) and [`Goroutine::join`] returns it as `Err(Panic)`.
///
/// The goroutine runs inside a `tracing` span `goroutine{id=N, site=file:line:col}`, and
/// `gokio::debug::dump` (feature `diagnostics`) lists it with its spawn site (the caller of `go`).
/// [`Builder`] starts a named goroutine.
///
/// # Examples
///
/// ```
/// # gokio::run(async {
/// let g = gokio::go(async { 6 * 7 });
/// assert_eq!(g.join().await.unwrap(), 42);
/// # });
/// ```
#[track_caller]
pub fn go<F>(fut: F) -> Goroutine<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    spawn_goroutine(fut, (), Location::caller(), None)
}

/// [`go`](fn@crate::go) with `guard` dropped when the goroutine ends, however it ends
/// (`WaitGroup::go`'s done guard).
///
/// The guard rides in the [`Held`] that already holds the live-count guard, rather than in a
/// wrapper of its own around `fut`: a `map` layer adds its `Complete` state, 8 bytes that no
/// niche of an `async` block absorbs, and a `WaitGroup::go` of a small body went from tokio's
/// 128-byte cell to a 256-byte one. With `diagnostics` the registration is not in a `Held`
/// but in `debug::scope`'s own future, and the guard gets a `Held` of its own.
#[track_caller]
pub(crate) fn go_with<F, G>(fut: F, guard: G) -> Goroutine<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
    G: Send + 'static,
{
    #[cfg(feature = "diagnostics")]
    let (fut, guard) = (Held { fut, held: guard }, ());
    spawn_goroutine(fut, guard, Location::caller(), None)
}

/// Starts goroutine `fut` spawned at `site`: registers it, then spawns it; `guard` is
/// dropped with the goroutine's future (`()` but for [`go_with`]).
fn spawn_goroutine<F, G>(
    fut: F,
    guard: G,
    site: &'static Location<'static>,
    name: Option<Cow<'static, str>>,
) -> Goroutine<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
    G: Send + 'static,
{
    let id = runtime::next_id();
    let span = runtime::span(id, site, name.as_deref());
    // The registration (registry slot and live count) rides in the task-local that wraps the
    // future, so it is dropped with the future however the goroutine ends, and primitives
    // find it on every poll. Combinators rather than an `async` block: an async block would
    // store `fut` twice (as a captured variable and as the awaited value).
    let reg = debug::register(id, false, site, name);
    // The runtime it will run on (looked up once, for `spawn` and the deadlock detector).
    let rt = tokio::runtime::Handle::try_current().ok();
    debug::runs_on(reg.as_ref(), rt.as_ref());
    let handle = if span.is_disabled() && !runtime::panic_event_enabled() {
        // Lean path (no subscriber would see the span or the panic event): tokio catches the
        // panic itself and `Join` reads it from the `JoinError`.
        spawn(rt, scoped(reg, guard, fut))
    } else {
        // Traced path: catch the panic just long enough to log it with the goroutine id,
        // then resume it so that tokio records it in the `JoinError` as on the lean path.
        let task = AssertUnwindSafe(fut)
            .catch_unwind()
            .map(move |res| match res {
                Ok(value) => value,
                Err(payload) => {
                    let message = panic_message(payload.as_ref());
                    tracing::error!(goroutine.id = id, panic = %message, "goroutine panicked");
                    std::panic::resume_unwind(payload)
                }
            });
        if span.is_disabled() {
            spawn(rt, scoped(reg, guard, task))
        } else {
            spawn(rt, scoped(reg, guard, task.instrument(span)))
        }
    };
    Goroutine { handle, id }
}

/// `fut` holding the goroutine's registration `reg` and `guard`, both dropped with it,
/// `guard` first (as `WaitGroup::go`'s own `map` around `fut` used to drop it).
///
/// Without `diagnostics` the registration is the zero-sized live-count guard, always `Some`
/// for a goroutine (`debug::register` returns `None` only for the main one), and [`Held`]
/// keeps it beside `fut` with `guard`. With `diagnostics` it is `debug::scope`, and `go_with`
/// has already put a non-unit guard into `fut`.
#[inline]
fn scoped<F: Future, G: Send + 'static>(
    reg: Option<debug::Registration>,
    guard: G,
    fut: F,
) -> impl Future<Output = F::Output> {
    #[cfg(not(feature = "diagnostics"))]
    {
        let reg = reg.expect("a goroutine is always registered");
        Held {
            fut,
            held: (guard, reg),
        }
    }
    #[cfg(feature = "diagnostics")]
    {
        // `go_with` passes `()` here with `diagnostics`: a guard dropped now would end early.
        const { assert!(!std::mem::needs_drop::<G>()) };
        drop(guard);
        debug::scope(reg, fut)
    }
}

pin_project_lite::pin_project! {
    /// `fut`, and `held` dropped right after it: the wrapper every goroutine runs in.
    ///
    /// It has no state of its own. Tokio drops a task's future as soon as `poll` returns
    /// `Ready`, before it stores the output or wakes the `JoinHandle`, and also when the
    /// future panics or the task is aborted; so `held` (the live-count guard, and
    /// `WaitGroup::go`'s done guard) is dropped exactly when the goroutine ends, before a
    /// `join` can see it end, as a `map` that drops it on `Ready` would. Fields drop in
    /// declaration order: `fut`, then `held`.
    ///
    /// What it saves over that `map`: the `map`'s "complete" state, which no niche of an
    /// `async` block absorbs, so a body of 24 bytes went into a 256-byte task cell where
    /// `tokio::spawn` takes 128; and the closure call and state switch of every completion.
    struct Held<F, G> {
        #[pin]
        fut: F,
        held: G,
    }
}

impl<F: Future, G> Future for Held<F, G> {
    type Output = F::Output;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.project().fut.poll(cx)
    }
}

/// Starts goroutines with options: a name shown by `gokio::debug::dump` (feature `diagnostics`) and in
/// the goroutine's tracing span.
///
/// Go has no goroutine names (pprof labels come closest); a name helps tell apart the
/// goroutines of one spawn site in a dump or a leak report.
///
/// # Examples
///
/// ```
/// # gokio::run(async {
/// let g = gokio::Builder::new().name("worker 1").go(async { 7 });
/// assert_eq!(g.await.unwrap(), 7);
/// # });
/// ```
#[derive(Clone, Debug, Default)]
pub struct Builder {
    name: Option<Cow<'static, str>>,
}

impl Builder {
    /// A builder with no name set.
    ///
    /// # Examples
    ///
    /// ```
    /// # gokio::run(async {
    /// gokio::Builder::new().go(async {}).await.unwrap();
    /// # });
    /// ```
    pub fn new() -> Builder {
        Builder::default()
    }

    /// Names the goroutine (a `&'static str` is stored without allocating).
    ///
    /// # Examples
    ///
    /// ```
    /// # gokio::run(async {
    /// for i in 0..3 {
    ///     gokio::Builder::new().name(format!("worker {i}")).go(async {});
    /// }
    /// # });
    /// ```
    pub fn name(mut self, name: impl Into<Cow<'static, str>>) -> Builder {
        self.name = Some(name.into());
        self
    }

    /// Starts the goroutine, as [`go`](fn@crate::go) does.
    ///
    /// # Examples
    ///
    /// ```
    /// # gokio::run(async {
    /// let g = gokio::Builder::new().name("answer").go(async { 42 });
    /// assert_eq!(g.join().await.unwrap(), 42);
    /// # });
    /// ```
    #[track_caller]
    pub fn go<F>(self, fut: F) -> Goroutine<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        spawn_goroutine(fut, (), Location::caller(), self.name)
    }
}

/// Spawns on `rt`, the ambient runtime, else on the global one.
fn spawn<F>(rt: Option<tokio::runtime::Handle>, task: F) -> tokio::task::JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    // Inside a `synctest` bubble the goroutine joins it (src/synctest/bubble.rs).
    #[cfg(feature = "synctest")]
    if let Some(bubble) = crate::synctest::current() {
        return bubble.spawn(task);
    }
    match rt {
        Some(h) => h.spawn(task),
        None => runtime::global().spawn(task),
    }
}

/// Starts a goroutine running the given statements (Go: `go func(){ ... }()`).
///
/// `go!{ body }` is `gokio::go(async move { body })`: the body is an `async move` block, so
/// it captures what it uses by value and may `.await`. It evaluates to the [`Goroutine`]
/// handle, which may be ignored (Go has no handle).
///
/// # Examples
///
/// ```
/// # gokio::run(async {
/// let wg = gokio::WaitGroup::new();
/// let done = wg.guard();
/// gokio::go! {
///     let _done = done; // defer wg.Done()
///     println!("hello from a goroutine");
/// };
/// wg.wait().await;
/// # });
/// ```
#[macro_export]
macro_rules! go {
    ($($body:tt)*) => {
        $crate::go(async move { $($body)* })
    };
}

/// Runs the "main goroutine": blocks the calling thread on `main` and returns its output.
///
/// `main` runs on the calling thread inside gokio's process-wide runtime, so [`go`](fn@crate::go) inside it
/// spawns onto that runtime's worker threads. As in Go, when `main` returns, `run` returns:
/// goroutines still running are not waited for (they keep running on the global runtime's
/// workers, or stop when the process exits).
///
/// # Panics
///
/// Panics if called from inside a tokio runtime (for example from an `async fn` under
/// `#[tokio::main]`): blocking a runtime thread would stall it. There, `.await` the future
/// instead. A panic inside `main` itself propagates out of `run`.
///
/// With the `diagnostics` feature, panics with Go's `fatal error: all goroutines are asleep -
/// deadlock!` followed by the goroutine dump when `main` and every goroutine are parked on
/// gokio primitives with nothing left to wake them (what counts is listed in `gokio::debug`).
/// Goroutines stuck in that deadlock stay parked.
///
/// # Blocking
///
/// Blocks the calling thread until `main` completes.
///
/// # Examples
///
/// ```
/// let answer = gokio::run(async {
///     let g = gokio::go(async { 40 + 2 });
///     g.join().await.unwrap()
/// });
/// assert_eq!(answer, 42);
/// ```
#[track_caller]
pub fn run<F: Future>(main: F) -> F::Output {
    assert!(
        !runtime::in_runtime(),
        "gokio::run called from inside a tokio runtime; `.await` the future instead"
    );
    let reg = debug::register(0, true, Location::caller(), None);
    runtime::global().block_on(debug::run_main(reg, main))
}

/// Yields to other goroutines (Go: `runtime.Gosched()`).
///
/// The current goroutine is rescheduled behind the other ready ones: the returned future
/// wakes itself and returns `Pending` once. It works on any executor, not only tokio.
///
/// # Cancel safety
///
/// Cancel-safe: dropping it has no effect.
///
/// # Examples
///
/// ```
/// # futures::executor::block_on(async {
/// gokio::yield_now().await;
/// # });
/// ```
pub fn yield_now() -> YieldNow {
    YieldNow {
        yielded: false,
        done: false,
    }
}

/// Future returned by [`yield_now`]: `Pending` once (after waking itself), then `Ready`.
///
/// # Examples
///
/// ```
/// # futures::executor::block_on(async {
/// let y: gokio::YieldNow = gokio::yield_now();
/// assert_eq!(format!("{y:?}"), "YieldNow { yielded: false }");
/// y.await;
/// # });
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct YieldNow {
    yielded: bool,
    // Set with the `Ready` it returned, for `FusedFuture::is_terminated`.
    done: bool,
}

impl std::fmt::Debug for YieldNow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("YieldNow")
            .field("yielded", &self.yielded)
            .finish()
    }
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            self.done = true;
            return Poll::Ready(());
        }
        self.yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// Terminated once it has returned `Ready`, so it can sit in a `futures::select!` loop.
impl futures::future::FusedFuture for YieldNow {
    fn is_terminated(&self) -> bool {
        self.done
    }
}

/// The number of live goroutines (Go: `runtime.NumGoroutine()`).
///
/// Counts goroutines started by [`go`](fn@crate::go), [`go!`](crate::go!) and
/// [`WaitGroup::go`](crate::WaitGroup::go) whose future has not yet been dropped: a goroutine
/// stops counting once it completes, panics or is aborted. Unlike Go, the main future given to
/// [`run`] is not counted, and neither are tasks started with `tokio::spawn` directly.
///
/// # Examples
///
/// ```
/// # gokio::run(async {
/// let g = gokio::go(std::future::pending::<()>());
/// assert!(gokio::num_goroutine() >= 1);
/// g.abort();
/// # });
/// ```
pub fn num_goroutine() -> usize {
    runtime::live()
}

/// A handle to a goroutine started by [`go`](fn@crate::go).
///
/// Dropping the handle detaches the goroutine: it keeps running, and its result is discarded.
/// The handle can also be awaited directly (`handle.await` is `handle.join().await`).
///
/// # Examples
///
/// ```
/// # gokio::run(async {
/// let g = gokio::go(async { "done" });
/// let id = g.id();
/// assert!(id >= 1);
/// assert_eq!(g.await.unwrap(), "done");
/// # });
/// ```
pub struct Goroutine<T> {
    handle: tokio::task::JoinHandle<T>,
    id: u64,
}

impl<T> Goroutine<T> {
    /// Waits for the goroutine to finish and returns its output.
    ///
    /// Returns `Err(Panic)` if the goroutine panicked (carrying the panic message) or was
    /// aborted with [`abort`](Self::abort) (then [`Panic::is_aborted`] is true and the message
    /// is `goroutine aborted`), or was cancelled because its runtime shut down.
    ///
    /// # Cancel safety
    ///
    /// Dropping the [`Join`] future detaches the goroutine, as dropping the handle does.
    ///
    /// # Examples
    ///
    /// ```
    /// # gokio::run(async {
    /// let g = gokio::go(async { panic!("boom") });
    /// let err = g.join().await.unwrap_err();
    /// assert_eq!(err.message(), "boom");
    /// # });
    /// ```
    pub fn join(self) -> Join<T> {
        Join {
            handle: self.handle,
            id: self.id,
        }
    }

    /// Aborts the goroutine: its future is dropped at its next `.await` point (at once if it
    /// is not running right now). Aborting a finished goroutine does nothing.
    ///
    /// A later [`join`](Self::join) returns `Err(Panic)` with [`Panic::is_aborted`] true,
    /// unless the goroutine had already finished.
    ///
    /// # Examples
    ///
    /// ```
    /// # gokio::run(async {
    /// let g = gokio::go(std::future::pending::<()>());
    /// g.abort();
    /// assert!(g.join().await.unwrap_err().is_aborted());
    /// # });
    /// ```
    pub fn abort(&self) {
        self.handle.abort();
    }

    /// Whether the goroutine has finished (completed, panicked or been aborted).
    ///
    /// # Examples
    ///
    /// ```
    /// # gokio::run(async {
    /// let g = gokio::go(std::future::pending::<()>());
    /// assert!(!g.is_finished());
    /// g.abort();
    /// # });
    /// ```
    pub fn is_finished(&self) -> bool {
        self.handle.is_finished()
    }

    /// The goroutine's id: unique in the process, assigned from 1 upwards in spawn order.
    ///
    /// # Examples
    ///
    /// ```
    /// # gokio::run(async {
    /// let a = gokio::go(async {});
    /// let b = gokio::go(async {});
    /// assert_ne!(a.id(), b.id());
    /// # });
    /// ```
    pub fn id(&self) -> u64 {
        self.id
    }
}

impl<T> IntoFuture for Goroutine<T> {
    type Output = Result<T, Panic>;
    type IntoFuture = Join<T>;

    fn into_future(self) -> Join<T> {
        self.join()
    }
}

/// The future returned by [`Goroutine::join`].
///
/// # Examples
///
/// ```
/// # gokio::run(async {
/// let join: gokio::Join<u8> = gokio::go(async { 1 }).join();
/// assert_eq!(join.await.unwrap(), 1);
/// # });
/// ```
#[must_use = "futures do nothing unless polled"]
pub struct Join<T> {
    handle: tokio::task::JoinHandle<T>,
    id: u64,
}

impl<T> Future for Join<T> {
    type Output = Result<T, Panic>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let id = self.id;
        Pin::new(&mut self.handle).poll(cx).map(|res| {
            res.map_err(|err| {
                if err.is_panic() {
                    Panic {
                        id,
                        message: panic_message(err.into_panic().as_ref()),
                        aborted: false,
                    }
                } else {
                    // Cancelled: `abort()` or the runtime shutting down.
                    Panic {
                        id,
                        message: ABORTED.to_owned(),
                        aborted: true,
                    }
                }
            })
        })
    }
}

// `T` need not be `Debug`: the output is never shown.
impl<T> std::fmt::Debug for Goroutine<T> {
    /// `Goroutine { id: 7, finished: false }`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Goroutine")
            .field("id", &self.id)
            .field("finished", &self.handle.is_finished())
            .finish()
    }
}

impl<T> std::fmt::Debug for Join<T> {
    /// `Join { id: 7, finished: false }`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Join")
            .field("id", &self.id)
            .field("finished", &self.handle.is_finished())
            .finish()
    }
}

const ABORTED: &str = "goroutine aborted";

/// A goroutine's panic (or abort), returned by [`Goroutine::join`].
///
/// Displays as `goroutine 7 panicked: boom`, or `goroutine 7 aborted` for an aborted
/// goroutine.
///
/// # Examples
///
/// ```
/// # gokio::run(async {
/// let g = gokio::go(async { panic!("boom") });
/// let id = g.id();
/// let p = g.join().await.unwrap_err();
/// assert_eq!(p.goroutine_id(), id);
/// assert_eq!(p.to_string(), format!("goroutine {id} panicked: boom"));
/// # });
/// ```
#[derive(Debug, Clone)]
pub struct Panic {
    id: u64,
    message: String,
    aborted: bool,
}

impl Panic {
    /// The panic message: the `&str` or `String` payload, `Box<dyn Any>` for any other
    /// payload, or `goroutine aborted` if the goroutine was aborted.
    ///
    /// # Examples
    ///
    /// ```
    /// # gokio::run(async {
    /// let p = gokio::go(async { panic!("bad {}", 1) }).await.unwrap_err();
    /// assert_eq!(p.message(), "bad 1");
    /// # });
    /// ```
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The id of the goroutine that panicked (see [`Goroutine::id`]).
    ///
    /// # Examples
    ///
    /// ```
    /// # gokio::run(async {
    /// let g = gokio::go(async { panic!("boom") });
    /// let id = g.id();
    /// assert_eq!(g.await.unwrap_err().goroutine_id(), id);
    /// # });
    /// ```
    pub fn goroutine_id(&self) -> u64 {
        self.id
    }

    /// Whether the goroutine was aborted ([`Goroutine::abort`] or runtime shutdown) rather
    /// than panicking.
    ///
    /// # Examples
    ///
    /// ```
    /// # gokio::run(async {
    /// let p = gokio::go(async { panic!("boom") }).await.unwrap_err();
    /// assert!(!p.is_aborted());
    /// # });
    /// ```
    pub fn is_aborted(&self) -> bool {
        self.aborted
    }
}

impl fmt::Display for Panic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.aborted {
            write!(f, "goroutine {} aborted", self.id)
        } else {
            write!(f, "goroutine {} panicked: {}", self.id, self.message)
        }
    }
}

impl std::error::Error for Panic {}

/// The message of a panic payload: `&str` and `String` payloads as they are, else
/// `Box<dyn Any>` (as the standard panic hook prints).
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&'static str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "Box<dyn Any>".to_owned()
    }
}

#[cfg(all(test, not(feature = "diagnostics")))]
mod tests {
    use super::*;

    /// The goroutine wrapper adds no byte to a body (so `go` takes the task cell that
    /// `tokio::spawn` of the body takes), and `WaitGroup::go`'s done guard only its own.
    #[test]
    fn held_adds_nothing_but_what_it_holds() {
        fn size<T>(_: &T) -> usize {
            std::mem::size_of::<T>()
        }
        let index = 7u64;
        let body = async move { std::hint::black_box(index) };
        let bare = size(&body);
        let go = Held {
            fut: body,
            held: ((), crate::runtime::LiveGuard::new()),
        };
        assert_eq!(size(&go), bare);
        let wg = crate::WaitGroup::new();
        let body = async move { std::hint::black_box(index) };
        let wg_go = Held {
            fut: body,
            held: (wg.guard(), crate::runtime::LiveGuard::new()),
        };
        assert_eq!(
            size(&wg_go),
            bare + std::mem::size_of::<crate::sync::DoneGuard>()
        );
    }
}
