//! [`Sleep`]: the named future of [`time::sleep`](super::sleep).
//!
//! Go's `time.Sleep(d)`: a zero `d` is done at its first poll with no trip through tokio's
//! timer wheel; any other `d` arms a tokio [`sleep`](tokio::time::sleep) at the first poll
//! (as the `async` block this replaces did) and records the `sleep` wait state for the dump
//! on every `Pending`. tokio's `Sleep` is `!Unpin`, and gokio does not project pins
//! (no `unsafe` here, no pin-projection crate), so it sits in a `Box`, made at the first poll
//! of a non-zero sleep only.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::future::FusedFuture;

use crate::debug::Site;

/// Future returned by [`time::sleep`](super::sleep): resolves once `d` has passed.
///
/// `Unpin`, `Send` and `Sync`; its `Debug` shows the duration and whether it has started
/// (been polled) or finished. Polling it again after it has finished returns `Ready` again.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use gokio::time::{self, Sleep};
///
/// gokio::run(async {
///     let nap: Sleep = time::sleep(Duration::from_millis(1));
///     assert!(format!("{nap:?}").starts_with("Sleep { duration: 1ms"));
///     nap.await;
/// });
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Sleep {
    duration: Duration,
    /// The user's call of `sleep`, for the wait state.
    site: Site,
    /// tokio's timer, armed at the first poll of a non-zero sleep.
    timer: Option<Pin<Box<tokio::time::Sleep>>>,
    done: bool,
}

impl Sleep {
    pub(super) fn new(duration: Duration, site: Site) -> Self {
        Sleep {
            duration,
            site,
            timer: None,
            done: false,
        }
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        if this.done || this.duration.is_zero() {
            this.done = true;
            return Poll::Ready(());
        }
        let duration = this.duration;
        let timer = this
            .timer
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(duration)));
        // gokio's own wait (the `sleep` reason says a timer will wake it): not foreign.
        if crate::debug::poll_own(timer.as_mut(), cx).is_pending() {
            crate::debug::park(crate::debug::Reason::Sleep, this.site, || None);
            return Poll::Pending;
        }
        this.done = true;
        this.timer = None; // frees the timer entry at once
        Poll::Ready(())
    }
}

impl FusedFuture for Sleep {
    fn is_terminated(&self) -> bool {
        self.done
    }
}

impl fmt::Debug for Sleep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sleep")
            .field("duration", &self.duration)
            .field("started", &self.timer.is_some())
            .field("done", &self.done)
            .finish()
    }
}
