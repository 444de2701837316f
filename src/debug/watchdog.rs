//! The deadlock detector on a tokio runtime of the user's own (`#[tokio::main]`,
//! `#[tokio::test]`): [`Watchdog`].

use std::future::Future;
use std::panic::Location;

use super::deadlock::{self, Action};

/// Go's `fatal error: all goroutines are asleep - deadlock!` on a tokio runtime of your own:
/// [`run`](crate::run) watches its main future and goroutines by itself; inside
/// `#[tokio::main]` or `#[tokio::test]`, wrap the main future in a watchdog.
///
/// [`watch`](Watchdog::watch) runs the future as goroutine 0, as `run` does, and the
/// detector described in [the module docs](super#deadlock-detection) watches it with every
/// goroutine. When all of them are parked on gokio with nothing left to wake them, the
/// watchdog prints Go's message followed by the dump to stderr and exits the process with
/// status 2, as a Go program does; [`panic`](Watchdog::panic) makes the watched future panic
/// with the report instead (for tests), and [`on_deadlock`](Watchdog::on_deadlock) calls
/// your function with it (then the future keeps waiting).
///
/// # What is detected
///
/// Exactly what `run` detects, on the runtimes the goroutines run on: every live goroutine
/// and every watched future parked on a gokio wait, and every runtime that runs one of them
/// idle, with no task alive besides the goroutines (and the watched future, if it is polled
/// as a task). So a plain `tokio::spawn`ed task that is alive — which could wake anyone —
/// keeps the watchdog quiet, and so does a goroutine on a runtime the watchdog does not know
/// (neither gokio's own nor one where a watchdog runs): their other tasks cannot be counted.
/// Goroutines started from a plain thread run on gokio's own runtime, which is always known.
/// A plain thread that touches gokio primitives without a `*_blocking` call is not seen
/// (as for `run`).
///
/// # Examples
///
/// ```
/// # // A doctest has no `#[tokio::main]`; this is what it expands to.
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// // #[tokio::main] async fn main() {
/// gokio::debug::Watchdog::new()
///     .watch(async {
///         let ch = gokio::chan::<i32>(0);
///         gokio::go({
///             let ch = ch.clone();
///             async move { ch.send(42).await.unwrap() }
///         });
///         assert_eq!(ch.recv().await, Some(42)); // not a deadlock
///     })
///     .await;
/// // }
/// # });
/// ```
///
/// A deadlock, made to panic:
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let watched = tokio::spawn(gokio::debug::Watchdog::new().panic().watch(async {
///     gokio::chan::<i32>(0).recv().await; // nobody sends
/// }));
/// let report = watched.await.unwrap_err().to_string();
/// assert!(report.contains("fatal error: all goroutines are asleep - deadlock!"));
/// # });
/// ```
#[derive(Debug)]
#[must_use = "a watchdog does nothing until `watch` is awaited"]
pub struct Watchdog {
    action: Action,
}

impl Default for Watchdog {
    fn default() -> Self {
        Watchdog::new()
    }
}

impl Watchdog {
    /// A watchdog that prints the report and exits with status 2, as Go does.
    pub fn new() -> Watchdog {
        Watchdog {
            action: Action::Exit,
        }
    }

    /// Makes the watched future panic with the report instead (what `run` does; handy in
    /// tests, where `#[should_panic]` or a join error can check it).
    pub fn panic(self) -> Watchdog {
        Watchdog {
            action: Action::Panic,
        }
    }

    /// Calls `f` with the report (Go's message, a blank line and the dump) instead of
    /// exiting; the watched future then keeps waiting.
    pub fn on_deadlock(self, f: impl Fn(&str) + Send + Sync + 'static) -> Watchdog {
        Watchdog {
            action: Action::Call(Box::new(f)),
        }
    }

    /// Runs `main` as goroutine 0, watched with every goroutine (see the type's docs). The
    /// dump names it `created by gokio::run at` the call of `watch`.
    #[track_caller]
    pub fn watch<F: Future>(self, main: F) -> impl Future<Output = F::Output> {
        let reg =
            super::registry::Registration::new(super::registry::MAIN, Location::caller(), None);
        deadlock::watch(reg, main, self.action)
    }
}
