//! Go's `time` package, concurrency half: [`after`], [`tick`], [`sleep`], [`Timer`], [`Ticker`]
//! and [`after_func`]. Timers are channels: a [`Receiver<Instant>`](crate::Receiver) you can
//! `recv`, iterate, or use in [`select!`](crate::select).
//!
//! # Semantics (Go ≥ 1.23)
//!
//! * A timer sends one value when it fires; a ticker sends one per period. Their channel holds
//!   at most one value, and a ticker **drops** ticks for a slow receiver instead of queueing
//!   them.
//! * After [`Timer::stop`], [`Timer::reset`], [`Ticker::stop`] or [`Ticker::reset`] returns,
//!   no value prepared before the call is ever received.
//! * When every receiving handle of a timer's or ticker's channel is dropped (including the
//!   one inside the [`Timer`] / [`Ticker`] itself), its background task ends, so an unreferenced
//!   timer is freed even if it was never stopped.
//! * The values are [`tokio::time::Instant`]s (re-exported here as [`Instant`]), so tests
//!   that pause tokio's clock (`#[tokio::test(start_paused = true)]` and
//!   `tokio::time::advance`) drive timers deterministically.
//!
//! # Resolution
//!
//! * A timer that is already due when it is armed fires **at once**, before the call returns:
//!   `after(ZERO)`, `Timer::new(ZERO)`, `t.reset(ZERO)` put the current time in the channel,
//!   `after_func(ZERO, f)` starts `f` on its task without waiting, `sleep(ZERO)` returns, and
//!   [`Context::with_timeout(ZERO)`](crate::Context::with_timeout) and
//!   [`with_deadline`](crate::Context::with_deadline) of a past instant are cancelled.
//!   Go 1.23's `stop`/`reset` results are unchanged by this: the value counts as pending
//!   until it is received.
//! * Every other timer waits in tokio's timer wheel, whose resolution is **1 ms**: a deadline
//!   is rounded up to the wheel's next millisecond tick, so a timer of duration `d` fires
//!   between `d` and `d + 1 ms` later (plus scheduling), `after(1 µs)` up to 1 ms later. Go's
//!   timers are not rounded (they fire as soon as the runtime sees them due, typically within
//!   tens of µs). Tickers keep Go's exact grid (`start + k * period`); each tick is delivered
//!   at the wheel tick that follows it.
//!
//! # Implementation
//!
//! The arming state and background task behind every timer live in `time/driver.rs`.

mod driver;
mod sleep;

use std::fmt;
use std::time::Duration;

use crate::chan::Receiver;
use driver::{deadline, Core};

/// A point in time: tokio's [`Instant`], which follows tokio's
/// (pausable) clock. Convert with `into_std()` / `from_std()` when you need a
/// [`std::time::Instant`].
pub use tokio::time::Instant;

pub use sleep::Sleep;

/// Waits for `d`: Go's `time.Sleep(d)`. A zero `d` returns at once, as in Go, without a trip
/// through tokio's timer wheel; any other `d` is tokio's [`sleep`](tokio::time::sleep), so it
/// lasts at least `d` rounded up to the next millisecond (see the module docs).
///
/// # Panics
///
/// Panics if `d` is not zero and the future is polled outside a tokio runtime with the time
/// driver enabled.
///
/// # Cancel safety
///
/// Cancel safe.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// gokio::run(async {
///     gokio::time::sleep(Duration::from_millis(1)).await;
///     gokio::time::sleep(Duration::ZERO).await; // returns at once
/// });
/// ```
#[track_caller]
pub fn sleep(d: Duration) -> Sleep {
    // A plain fn returning the future, so that `#[track_caller]` sees the user's call (for the
    // `sleep` wait state `gokio::debug::dump` shows); `async fn` cannot be `#[track_caller]`.
    Sleep::new(d, crate::debug::caller())
}

/// A channel that receives the current time once, after `d`: Go's `time.After(d)`.
///
/// Equivalent to `Timer::new(d).chan()`; the timer is freed as soon as the returned receiver
/// (and its clones) are dropped, so `recv(time::after(d))` in a loop of `select!`s leaks
/// nothing.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use gokio::{chan, select, time};
///
/// gokio::run(async {
///     let never = chan::<i32>(0);
///     let mut timed_out = false;
///     select! {
///         recv(never) -> _ => {}
///         recv(time::after(Duration::from_millis(5))) -> _ => timed_out = true,
///     }
///     assert!(timed_out);
/// });
/// ```
pub fn after(d: Duration) -> Receiver<Instant> {
    Timer::new(d).chan()
}

/// A channel that receives the current time every `d`: Go's `time.Tick(d)`.
///
/// Equivalent to `Ticker::new(d).chan()`. Unlike Go's `Tick`, the ticker is not leaked: it
/// stops when every clone of the returned receiver is dropped.
///
/// # Panics
///
/// Panics if `d` is zero, with Go's `NewTicker` message (Go's `Tick` returns a nil channel
/// instead; a Rust `Receiver` cannot be nil).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// gokio::run(async {
///     let ticks = gokio::time::tick(Duration::from_millis(1));
///     for _ in 0..3 {
///         ticks.recv().await.unwrap();
///     }
/// });
/// ```
#[track_caller]
pub fn tick(d: Duration) -> Receiver<Instant> {
    Ticker::new(d).chan()
}

/// Runs `f` after `d` on the timer's own background task: Go's `time.AfterFunc(d, f)`.
///
/// The returned [`Timer`] can [`stop`](Timer::stop) or [`reset`](Timer::reset) it; each time
/// it fires, `f` runs once more. Dropping the `Timer` does not cancel a pending call (as in
/// Go). Its [`chan`](Timer::chan) never receives a value (Go's `C` is nil for such timers).
/// `f` runs on a runtime worker thread, so it should not block for long.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// gokio::run(async {
///     let done = gokio::chan::<&str>(1);
///     let tx = done.sender();
///     let _t = gokio::time::after_func(Duration::from_millis(1), move || {
///         let _ = tx.try_send("fired");
///     });
///     assert_eq!(done.recv().await, Some("fired"));
/// });
/// ```
pub fn after_func<F>(d: Duration, f: F) -> Timer
where
    F: FnMut() + Send + 'static,
{
    Timer {
        core: Core::start(deadline(d), None, Some(Box::new(f))),
    }
}

/// A single-shot timer: Go's `*time.Timer`.
///
/// It sends the current time on its channel once, `d` after [`new`](Timer::new) or the last
/// [`reset`](Timer::reset). Dropping the `Timer` does not stop it: a receiver obtained from
/// [`chan`](Timer::chan) still gets the value. Once the `Timer` and every receiver are
/// dropped, the timer is freed.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use gokio::time::Timer;
///
/// gokio::run(async {
///     let t = Timer::new(Duration::from_millis(2));
///     t.chan().recv().await.unwrap(); // <-t.C
///     assert!(!t.stop()); // already fired and received
/// });
/// ```
pub struct Timer {
    core: Core,
}

impl Timer {
    /// Starts a timer that fires after `d`: Go's `time.NewTimer(d)`. A zero `d` fires before `new`
    /// returns (see [Resolution](self#resolution)).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// gokio::run(async {
    ///     let t = gokio::time::Timer::new(Duration::ZERO);
    ///     assert!(t.chan().recv().await.is_some());
    /// });
    /// ```
    pub fn new(d: Duration) -> Timer {
        Timer {
            core: Core::start(deadline(d), None, None),
        }
    }

    /// The timer's channel: Go's `t.C`. Each call returns a new receiving handle of the same
    /// channel.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// gokio::run(async {
    ///     let t = gokio::time::Timer::new(Duration::from_millis(1));
    ///     let c = t.chan();
    ///     drop(t); // the timer keeps running for `c`
    ///     assert!(c.recv().await.is_some());
    /// });
    /// ```
    pub fn chan(&self) -> Receiver<Instant> {
        self.core.chan()
    }

    /// Stops the timer: Go's `t.Stop()`. Returns `true` if this call stopped a pending timer,
    /// `false` if it had already been stopped or its value had already been received.
    ///
    /// As in Go ≥ 1.23, a timer that fired but whose value nobody received yet counts as
    /// pending: `stop` discards that value and returns `true`. After `stop` returns, nothing
    /// is received from the channel until a [`reset`](Timer::reset).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// gokio::run(async {
    ///     let t = gokio::time::Timer::new(Duration::from_secs(3600));
    ///     assert!(t.stop());
    ///     assert!(!t.stop());
    ///     assert!(t.chan().try_recv().is_err());
    /// });
    /// ```
    pub fn stop(&self) -> bool {
        self.core.rearm(None, None)
    }

    /// Makes the timer fire `d` from now: Go's `t.Reset(d)`. Returns `true` if the timer had
    /// been pending (as [`stop`](Timer::stop) counts it), `false` if it had expired or been
    /// stopped.
    ///
    /// After `reset` returns, no value from before the call is received: a fired but
    /// unreceived value is discarded. A zero `d` fires before `reset` returns.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// gokio::run(async {
    ///     let t = gokio::time::Timer::new(Duration::from_secs(3600));
    ///     assert!(t.reset(Duration::from_millis(1)));
    ///     assert!(t.chan().recv().await.is_some());
    ///     assert!(!t.reset(Duration::from_millis(1)));
    /// });
    /// ```
    pub fn reset(&self, d: Duration) -> bool {
        self.core.rearm(Some(deadline(d)), None)
    }
}

impl fmt::Debug for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Timer")
            .field("when", &self.core.when())
            .finish()
    }
}

/// A periodic timer: Go's `*time.Ticker`.
///
/// It sends the current time every period. The channel holds one value: ticks a slow receiver
/// misses are dropped, and the schedule stays aligned to the period (Go's behaviour). Dropping
/// the `Ticker` does not stop it while a receiver from [`chan`](Ticker::chan) is alive; once
/// both are gone, the ticker is freed.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use gokio::time::Ticker;
///
/// gokio::run(async {
///     let t = Ticker::new(Duration::from_millis(1));
///     let c = t.chan();
///     for _ in 0..3 {
///         c.recv().await.unwrap();
///     }
///     t.stop();
/// });
/// ```
pub struct Ticker {
    core: Core,
}

impl Ticker {
    /// Starts a ticker with period `d`: Go's `time.NewTicker(d)`. The first tick comes after
    /// `d`.
    ///
    /// # Panics
    ///
    /// Panics with `non-positive interval for NewTicker` if `d` is zero.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// gokio::run(async {
    ///     let t = gokio::time::Ticker::new(Duration::from_millis(1));
    ///     assert!(t.chan().recv().await.is_some());
    /// });
    /// ```
    #[track_caller]
    pub fn new(d: Duration) -> Ticker {
        assert!(!d.is_zero(), "non-positive interval for NewTicker");
        Ticker {
            core: Core::start(deadline(d), Some(d), None),
        }
    }

    /// The ticker's channel: Go's `t.C`. Each call returns a new receiving handle of the same
    /// channel.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// gokio::run(async {
    ///     let c = gokio::time::Ticker::new(Duration::from_millis(1)).chan();
    ///     assert!(c.recv().await.is_some());
    /// });
    /// ```
    pub fn chan(&self) -> Receiver<Instant> {
        self.core.chan()
    }

    /// Stops the ticker: Go's `t.Stop()`. No tick is received after `stop` returns (a
    /// buffered one is discarded) until a [`reset`](Ticker::reset).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// gokio::run(async {
    ///     let t = gokio::time::Ticker::new(Duration::from_millis(1));
    ///     t.stop();
    ///     assert!(t.chan().try_recv().is_err());
    /// });
    /// ```
    pub fn stop(&self) {
        self.core.rearm(None, None);
    }

    /// Stops the ticker and restarts it with period `d`, the next tick `d` from now: Go's
    /// `t.Reset(d)`. A buffered tick from before the call is discarded.
    ///
    /// # Panics
    ///
    /// Panics with `non-positive interval for Ticker.Reset` if `d` is zero.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// gokio::run(async {
    ///     let t = gokio::time::Ticker::new(Duration::from_secs(3600));
    ///     t.reset(Duration::from_millis(1));
    ///     assert!(t.chan().recv().await.is_some());
    /// });
    /// ```
    #[track_caller]
    pub fn reset(&self, d: Duration) {
        assert!(!d.is_zero(), "non-positive interval for Ticker.Reset");
        self.core.rearm(Some(deadline(d)), Some(d));
    }
}

impl fmt::Debug for Ticker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ticker")
            .field("when", &self.core.when())
            .field("period", &self.core.period())
            .finish()
    }
}
