//! Deterministic tests of concurrent code: Go 1.25's `testing/synctest` (feature `synctest`).
//!
//! [`test`](fn@test) runs a future as the root of a *bubble*: a private runtime whose clock is virtual.
//! Goroutines started inside belong to the bubble. Time moves only when every task in the
//! bubble is blocked, and then it jumps to the next timer. [`wait`] returns once every other
//! task in the bubble is blocked. Timeouts, tickers, retries and cancellation then run
//! instantly and always the same way. No more sleeps in tests, and no more flaky timings.
//!
//! ```
//! use std::time::Duration;
//! use gokio::{go, synctest, time::{self, Instant}};
//!
//! // In a plain `#[test] fn`:
//! synctest::test(async {
//!     let start = Instant::now();
//!     go!(time::sleep(Duration::from_secs(30)).await;);
//!     time::sleep(Duration::from_secs(60)).await; // the goroutine ends first
//!     assert_eq!(start.elapsed(), Duration::from_secs(60)); // exactly, in no real time
//! });
//! ```
//!
//! Enable it for tests only:
//! `[dev-dependencies] gokio = { version = "0.1", features = ["synctest"] }`. The feature
//! turns on tokio's `test-util` (its pausable clock), which costs a lock on every tokio
//! `Instant::now()`; that is why it is not on by default.
//!
//! # Time
//!
//! The bubble's clock is tokio's paused clock. Everything in gokio's [`time`]
//! module follows it — [`sleep`](crate::time::sleep), [`after`](crate::time::after),
//! [`tick`](crate::time::tick), [`Timer`](crate::time::Timer),
//! [`Ticker`](crate::time::Ticker), [`after_func`](crate::time::after_func),
//! [`Instant`](crate::time::Instant) — as do [`Context`](crate::Context) deadlines and
//! tokio's own `tokio::time`. Unlike Go, the clock is not a calendar. Go's starts at
//! midnight UTC 2000-01-01. gokio's starts at whatever instant the bubble started, and only
//! time *since* then means anything. `std::time::Instant` and `SystemTime` are not virtual:
//! code under test should read the time from `gokio::time::Instant` (or `tokio::time`).
//!
//! Virtual time moves in whole milliseconds, the resolution of tokio's timer wheel. A
//! 1500 µs sleep wakes at 2 ms; Go's fake clock counts nanoseconds. Durations made of whole
//! milliseconds are exact: a 5 s timeout fires at exactly 5 s.
//!
//! When every task of the bubble is blocked:
//!
//! 1. a [`wait`] in progress returns, if there is one;
//! 2. otherwise time jumps to the next timer, if one is pending and the root future has not
//!    returned;
//! 3. otherwise the bubble is deadlocked, and [`test`](fn@test) panics with Go's message:
//!    `deadlock: all goroutines in bubble are blocked`, or, after the root future returned,
//!    `deadlock: main bubble goroutine has exited but blocked goroutines remain`. With the
//!    `diagnostics` feature the message ends with a goroutine dump
//!    (`gokio::debug::dump()`).
//!
//! # Blocking
//!
//! "Blocked" means: the task returned `Pending` and nothing has woken it since. That covers
//! every gokio primitive: channels, [`select!`](crate::select!), [`WaitGroup`](crate::WaitGroup),
//! [`Cond`](crate::Cond), [`Semaphore`](crate::Semaphore), [`Once`](crate::Once), sleeps and
//! timers. The bubble does not ask *what* a task waits for; tokio's scheduler reports that no
//! task can run. This differs from Go in three places:
//!
//! - **A [`Mutex`](crate::Mutex) or [`RwMutex`](crate::RwMutex) wait counts as blocked.** Go
//!   does not count it, because a Go mutex may be held by any goroutine in the process. In a
//!   bubble, a gokio lock is held by a bubble task (the holder must run to release it, and a
//!   runnable holder keeps the bubble busy) or by code outside the bubble, which a bubble should
//!   not share state with. Counting the wait lets [`wait`] return, and deadlocks be reported,
//!   where Go's bubble would hang.
//! - **I/O counts as blocked.** Go waits for a goroutine blocked on a socket. tokio polls its
//!   I/O driver without waiting and then advances the clock anyway, so a socket read in a
//!   bubble sees its virtual timeouts fire at once. Use in-memory fakes, as Go's docs advise:
//!   [`tokio::io::duplex`](https://docs.rs/tokio/latest/tokio/io/fn.duplex.html) or gokio
//!   channels instead of a loopback socket.
//! - **`spawn_blocking`:** tokio does not advance the paused clock while a blocking task runs
//!   (Go: a system call is not durable), but [`wait`] may return while a goroutine awaits one.
//!
//! A thread outside the bubble that wakes a bubble task (through a channel shared with the
//! outside) is not seen: the bubble may already have advanced the clock or reported a deadlock.
//! Go's rule applies: each test should be entirely self-contained.
//!
//! A [`Ticker`](crate::time::Ticker) that keeps running while every goroutine is blocked keeps
//! the clock jumping from tick to tick, so an all-blocked deadlock behind it is not detected
//! (Go's lazily armed timers detect it). Stop tickers when you are done with them.
//!
//! # Isolation
//!
//! - A goroutine started inside the bubble belongs to it: by [`go`](fn@crate::go),
//!   [`go!`](crate::go!), [`Builder::go`](crate::Builder::go),
//!   [`WaitGroup::go`](crate::WaitGroup::go), an errgroup, the [`pattern`](crate::pattern)
//!   helpers, or an [`after_func`](crate::time::after_func) callback. A goroutine started
//!   outside does not, even if it shares channels with the bubble.
//! - Tasks started with `tokio::spawn` inside the bubble run on its runtime: [`wait`] and the
//!   clock see them, but [`test`](fn@test) does not wait for them (they are not goroutines)
//!   and drops them at the end. Do not call `tokio::time::pause`, `resume` or `advance` in a
//!   bubble: the bubble owns its clock.
//! - Go panics when a bubble's channel is used from outside. gokio does not check: the check
//!   would cost every channel operation a look-up. It is unsupported; see "Blocking" for what
//!   goes wrong.
//! - [`test`](fn@test) waits for every goroutine of the bubble to end, as Go does. Time stops when the
//!   root future returns, so a goroutine still waiting then (for a channel, or a timer) is a
//!   deadlock: cancel or close what your goroutines wait on before the root returns.
//! - Timers and `after_func` callbacks still pending when [`test`](fn@test) returns never fire: the
//!   bubble's runtime is dropped with them.
//! - A panic in the root future propagates out of [`test`](fn@test) (so `#[should_panic]` and failed
//!   assertions work). A goroutine's panic is what it is outside a bubble: logged, and returned
//!   by [`Goroutine::join`](crate::Goroutine::join).
//!
//! # Design
//!
//! A bubble is a fresh tokio `current_thread` runtime with a paused clock (`start_paused`).
//! tokio already auto-advances such a clock to the next timer when no task can run; the
//! bubble adds the membership count, [`wait`] and the deadlock verdicts. It learns that no
//! task can run from tokio's park hook (`on_thread_park`), which the scheduler calls exactly
//! then. Tracking each goroutine's runnability with a waker wrapper would find the same moment
//! at the price of a wrapper on every poll. The hook sees timer tasks and `after_func`
//! callbacks too, not only goroutines. Outside bubbles, `go` pays one thread-local read (with
//! the feature on; nothing without it). The internals are in `src/synctest/bubble.rs`.

mod bubble;

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use crate::loom::Arc;
use crate::time;
pub(crate) use bubble::{current, Bubble};

/// Runs `f` as the root of a new bubble and returns its output: Go's `synctest.Test`.
///
/// Builds a tokio `current_thread` runtime with a paused clock, makes the calling thread
/// its bubble thread, and blocks on `f`. When `f` returns, it waits for every goroutine
/// started in the bubble to end (time no longer advances then), then drops the runtime with
/// whatever timers are left. A plain `#[test]` function can call it directly. Called from
/// inside a tokio runtime (`#[tokio::test]`), it runs the bubble on a new thread and blocks
/// the caller until that thread is done. See the [module docs](self) for the semantics.
///
/// # Panics
///
/// - With Go's messages when the bubble deadlocks: `deadlock: all goroutines in bubble are
///   blocked` (every task blocked and no timer pending) and `deadlock: main bubble goroutine
///   has exited but blocked goroutines remain`.
/// - With `f`'s own panic, if it panics.
/// - If called from inside a bubble (`synctest::test called from within a synctest bubble`).
///
/// # Blocking
///
/// Blocks the calling thread until the bubble is done. Wall-clock time spent is the
/// computation only: virtual time costs nothing.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use gokio::{synctest, time, Context, ContextError};
///
/// synctest::test(async {
///     let (ctx, _cancel) = Context::background().with_timeout(Duration::from_secs(5));
///     time::sleep(Duration::from_millis(4_999)).await;
///     assert_eq!(ctx.err(), None);
///     time::sleep(Duration::from_millis(1)).await;
///     synctest::wait().await;
///     assert_eq!(ctx.err(), Some(ContextError::DeadlineExceeded));
/// });
/// ```
#[track_caller]
pub fn test<F>(f: F) -> F::Output
where
    F: Future + Send,
    F::Output: Send,
{
    assert!(
        current().is_none(),
        "synctest::test called from within a synctest bubble"
    );
    if tokio::runtime::Handle::try_current().is_err() {
        return run(f);
    }
    // A runtime cannot be started from a runtime thread: give the bubble a thread of its own.
    std::thread::scope(|s| {
        let bubble = std::thread::Builder::new()
            .name("gokio-synctest".to_owned())
            .spawn_scoped(s, || run(f))
            .expect("gokio::synctest: failed to start the bubble's thread");
        bubble
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// Runs the bubble on the calling thread (no runtime here).
fn run<F: Future>(f: F) -> F::Output {
    let bubble = Arc::new(Bubble::default());
    let (park, start) = (Arc::clone(&bubble), Arc::clone(&bubble));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .on_thread_park(move || park.idle())
        // The runtime's blocking-pool threads: a goroutine they start belongs to the bubble.
        .on_thread_start(move || bubble::enter(Arc::clone(&start)))
        .on_thread_stop(bubble::leave)
        .build()
        .expect("gokio::synctest: failed to build the bubble's runtime");
    // Declared after `rt`, so dropped before it: the runtime drops its leftover tasks outside
    // the bubble, where nothing they do can count as bubble activity.
    let _enter = bubble::EnterGuard::new(Arc::clone(&bubble));
    rt.block_on(drive(&bubble, f))
}

/// The bubble's `block_on` future: the root, with the horizon as the deadlock detector, then
/// the wait for the goroutines.
async fn drive<F: Future>(bubble: &Bubble, f: F) -> F::Output {
    tokio::pin!(f);
    let mut f = std::future::poll_fn(|cx| {
        bubble.polled();
        f.as_mut().poll(cx)
    });
    let mut horizon = bubble::horizon(time::Instant::now());
    let out = loop {
        tokio::select! {
            biased;
            out = &mut f => break out,
            () = tokio::time::sleep_until(horizon) => {
                // The clock jumped here: no task could run and no timer was due before. A
                // timer armed at the last activity may still be up to 30 years away.
                let since = bubble.last_active();
                if time::Instant::now() >= bubble::horizon(since) {
                    deadlock(bubble::ALL_BLOCKED);
                }
                horizon = bubble::horizon(since);
            }
        }
    };
    bubble.root_done();
    bubble::Drain(bubble).await;
    out
}

/// Panics with Go's deadlock `reason`, followed by the goroutine dump when there is one.
#[track_caller]
fn deadlock(reason: &str) -> ! {
    #[cfg(feature = "diagnostics")]
    panic!("{reason}\n\n{}", crate::debug::dump());
    #[cfg(not(feature = "diagnostics"))]
    panic!("{reason}");
}

/// The caller's bubble, or Go's panic.
#[track_caller]
fn this_bubble() -> Arc<Bubble> {
    current().expect("goroutine is not in a bubble")
}

/// Waits until every other task of the current bubble is blocked: Go's `synctest.Wait`.
///
/// "Blocked" is defined in the [module docs](self#blocking). `wait` never returns while a
/// task of the bubble can run, including the tasks behind timers and `after_func`
/// callbacks, and time does not advance while it waits. It is how a test lets the code
/// under test "settle" before checking its effects.
///
/// # Panics
///
/// Panics at the call if the caller is not in a bubble (`goroutine is not in a bubble`), and
/// when polled while another `wait` of the same bubble is in progress (`wait already in
/// progress`), as Go does.
///
/// # Cancel safety
///
/// Cancel safe: dropping the future withdraws the wait.
///
/// # Examples
///
/// Go's `TestWait`:
///
/// ```
/// use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
/// use std::sync::Arc;
/// use gokio::synctest;
///
/// synctest::test(async {
///     let done = Arc::new(AtomicBool::new(false));
///     let d = done.clone();
///     gokio::go!(d.store(true, SeqCst););
///     // Wait blocks until the goroutine above has finished.
///     synctest::wait().await;
///     assert!(done.load(SeqCst));
/// });
/// ```
#[track_caller]
pub fn wait() -> Wait {
    Wait {
        bubble: this_bubble(),
        registered: false,
    }
}

/// Sleeps for `d` of virtual time, then [`wait`]s: Go 1.27's `synctest.Sleep`.
///
/// When the test and the code under test sleep to the same instant, which of them runs first
/// is up to the scheduler; `sleep` lets the code under test settle before the test looks.
///
/// # Panics
///
/// Panics at the call if the caller is not in a bubble (`goroutine is not in a bubble`), and
/// as [`wait`] does.
///
/// # Cancel safety
///
/// Cancel safe.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use gokio::{chan, go, synctest, time};
///
/// synctest::test(async {
///     let ticks = chan::<u32>(10);
///     let tx = ticks.sender();
///     go! {
///         for i in 1..=3 {
///             time::sleep(Duration::from_secs(1)).await;
///             tx.send(i).await.unwrap();
///         }
///     };
///     synctest::sleep(Duration::from_secs(2)).await;
///     assert_eq!(ticks.len(), 2); // the goroutine's second send is in
///     synctest::sleep(Duration::from_secs(1)).await; // and the goroutine ends
///     assert_eq!(ticks.len(), 3);
/// });
/// ```
#[track_caller]
pub fn sleep(d: Duration) -> Sleep {
    Sleep {
        wait: Wait {
            bubble: this_bubble(),
            registered: false,
        },
        // `#[track_caller]` reaches through: the dump shows the user's call.
        sleep: crate::time::sleep(d),
        slept: false,
        done: false,
    }
}

/// The future returned by [`sleep`]: [`time::sleep`], then [`wait`].
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// gokio::synctest::test(async {
///     let s: gokio::synctest::Sleep = gokio::synctest::sleep(Duration::from_secs(1));
///     assert!(format!("{s:?}").starts_with("Sleep {"));
///     s.await;
/// });
/// ```
#[derive(Debug)]
#[must_use = "futures do nothing unless polled"]
pub struct Sleep {
    sleep: crate::time::Sleep,
    wait: Wait,
    /// `sleep` is over; now waiting for the bubble to settle.
    slept: bool,
    done: bool,
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        if this.done {
            return Poll::Ready(());
        }
        if !this.slept {
            std::task::ready!(Pin::new(&mut this.sleep).poll(cx));
            this.slept = true;
        }
        std::task::ready!(Pin::new(&mut this.wait).poll(cx));
        this.done = true;
        Poll::Ready(())
    }
}

impl futures::future::FusedFuture for Sleep {
    fn is_terminated(&self) -> bool {
        self.done
    }
}

/// The future returned by [`wait`].
///
/// # Examples
///
/// ```
/// gokio::synctest::test(async {
///     let w: gokio::synctest::Wait = gokio::synctest::wait();
///     w.await;
/// });
/// ```
#[derive(Debug)]
#[must_use = "futures do nothing unless polled"]
pub struct Wait {
    bubble: Arc<Bubble>,
    registered: bool,
}

impl Future for Wait {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        this.bubble.poll_wait(&mut this.registered, cx)
    }
}

impl Drop for Wait {
    fn drop(&mut self) {
        if self.registered {
            self.bubble.cancel_wait();
        }
    }
}
