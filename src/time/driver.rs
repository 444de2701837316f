//! The machinery behind every [`Timer`](super::Timer) and [`Ticker`](super::Ticker): the
//! arming state, the inline firing of a timer that is already due, and the background task
//! that waits for the others.
//!
//! Each timer has a capacity-1 channel and, when it needs one, one background task (spawned
//! with `crate::runtime::spawn_detached`, not counted as a goroutine). The arming state
//! (`when`, `period`, and a generation number `generation`) sits behind one mutex. Invariant: a
//! value is sent only while holding that mutex and only for the current generation;
//! `stop`/`reset` bump the generation and drain the buffered value under the same mutex. So a
//! stale value is either already received before the call, or never. A deadline that has
//! passed when the timer is armed is fired inline by the arming call (under the mutex, as the
//! task would); otherwise the task sleeps until it, waiting also on a `Notify` for re-arming
//! and on `Sender::closed` for the last receiver going away. The task is spawned only when
//! needed (see `Core`), so a zero timer costs no task.
//!
//! Go's own timers are the model for the semantics (Go 1.23's synchronous timer channels:
//! `runtime/time.go`); the mechanism is tokio's timer wheel plus this inline fast path.

use std::time::Duration;

use tokio::sync::Notify;

use super::Instant;
use crate::chan::{chan, Receiver, Sender, TrySendError};
use crate::loom::{lock, Arc, Mutex};

/// `now + d`, saturating to about 30 years from now (as tokio does) instead of overflowing.
pub(super) fn deadline(d: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(d)
        .unwrap_or_else(|| now + Duration::from_secs(86_400 * 365 * 30))
}

pub(super) type Callback = Box<dyn FnMut() + Send>;

/// Arming state shared by a timer handle and its task.
struct State {
    /// Bumped by every `stop`/`reset`; the task fires only for the generation it armed for.
    generation: u64,
    /// When the next value is due; `None` = stopped or expired.
    when: Option<Instant>,
    /// `Some` for tickers.
    period: Option<Duration>,
    /// Whether the background task has been spawned. Set once; the task then lives until the
    /// channel closes (see `Core`).
    task: bool,
}

struct Shared {
    state: Mutex<State>,
    /// Tells the task that `state` changed.
    rearmed: Notify,
    /// The channel's only sending handle. Whoever holds `Shared` keeps the channel open, so a
    /// receiver never sees it close while the timer could still send (Go's `t.C` never closes).
    tx: Sender<Instant>,
    /// `after_func` timers have no channel value: their task runs the callback.
    func: bool,
}

/// What `Timer` and `Ticker` hold: the shared state and a receiving handle of the channel
/// (the handle `chan()` clones; it also keeps the channel open while the `Timer` lives).
///
/// The background task is spawned lazily: only when the timer is armed for a deadline that
/// has not passed yet, when it has a callback, or when the handle is dropped while other
/// receivers of its channel are alive (the task then only holds the channel open for them,
/// until they are dropped). A timer that is due when armed fires inline instead, under the
/// state lock, exactly as the task would: so `Timer::new(ZERO)` costs a channel and no task,
/// and never waits for tokio's timer wheel.
pub(super) struct Core {
    shared: Arc<Shared>,
    /// `None` only while dropping.
    rx: Option<Receiver<Instant>>,
}

impl Core {
    pub(super) fn start(when: Instant, period: Option<Duration>, func: Option<Callback>) -> Core {
        let (tx, rx) = chan::<Instant>(1).split();
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                generation: 0,
                when: Some(when),
                period,
                task: false,
            }),
            rearmed: Notify::new(),
            tx,
            func: func.is_some(),
        });
        {
            let mut state = lock(&shared.state);
            if func.is_some() || !shared.fire_if_due(&mut state) {
                state.task = true;
                crate::runtime::spawn_detached(run(Arc::clone(&shared), func));
            }
        }
        Core {
            shared,
            rx: Some(rx),
        }
    }

    /// A new receiving handle of the channel.
    pub(super) fn chan(&self) -> Receiver<Instant> {
        self.rx.clone().expect("only `None` while dropping")
    }

    /// Sets `when` (and `period` if given), invalidates anything in flight and drains a
    /// buffered value, all under the state lock; then fires at once if `when` has passed, or
    /// makes sure a task will. Returns whether the timer was pending, counting a fired but
    /// unreceived value as pending (Go 1.23's `timerchandrain`).
    pub(super) fn rearm(&self, when: Option<Instant>, period: Option<Duration>) -> bool {
        let mut state = lock(&self.shared.state);
        let mut pending = state.when.is_some();
        state.generation = state.generation.wrapping_add(1);
        state.when = when;
        if period.is_some() {
            state.period = period;
        }
        while self.chan_ref().try_recv().is_ok() {
            pending = true;
        }
        if when.is_some() && !self.shared.fire_if_due(&mut state) && !state.task {
            state.task = true;
            crate::runtime::spawn_detached(run(Arc::clone(&self.shared), None));
        }
        drop(state);
        self.shared.rearmed.notify_one();
        pending
    }

    /// When the timer fires next (`None`: stopped or expired), for `Debug`.
    pub(super) fn when(&self) -> Option<Instant> {
        lock(&self.shared.state).when
    }

    /// A ticker's period, for `Debug`.
    pub(super) fn period(&self) -> Option<Duration> {
        lock(&self.shared.state).period
    }

    fn chan_ref(&self) -> &Receiver<Instant> {
        self.rx.as_ref().expect("only `None` while dropping")
    }
}

impl Drop for Core {
    /// If no task holds the channel open and other receivers are alive (`after(d)` returns
    /// one and drops its `Timer`), spawns the task to keep the channel open for them.
    fn drop(&mut self) {
        let mut state = lock(&self.shared.state);
        drop(self.rx.take());
        if !state.task && !self.shared.tx.is_closed() {
            state.task = true;
            crate::runtime::spawn_detached(run(Arc::clone(&self.shared), None));
        }
    }
}

impl Shared {
    /// For a channel timer (not a ticker, not `after_func`) whose deadline has passed: sends
    /// the value now and marks it expired, under the caller's lock on `state` — what `run`
    /// would do when its sleep ended, minus the wait for the timer wheel. The channel is
    /// empty here (new, or just drained), so the send cannot fail for lack of room.
    fn fire_if_due(&self, state: &mut State) -> bool {
        let now = Instant::now();
        let due = !self.func && state.period.is_none() && state.when.is_some_and(|w| w <= now);
        if due {
            state.when = None;
            let _ = self.tx.try_send(now);
        }
        due
    }
}

/// The timer's background task. Ends when the channel closes (every receiver dropped) — for an
/// `after_func` timer, only once nothing is pending either.
async fn run(shared: Arc<Shared>, mut func: Option<Callback>) {
    loop {
        let (generation, when) = {
            let state = lock(&shared.state);
            (state.generation, state.when)
        };
        // `notify_one` stores a permit, so a re-arm between the read above and this wait
        // still wakes us.
        let rearmed = shared.rearmed.notified();
        let may_exit = func.is_none() || when.is_none();
        // A deadline that has passed fires without a trip through the timer wheel (which
        // would round it up to its next 1 ms tick).
        let due = when.is_some_and(|w| w <= Instant::now());
        if !due {
            let sleep = tokio::time::sleep_until(when.unwrap_or_else(|| deadline(Duration::MAX)));
            tokio::select! {
                () = sleep, if when.is_some() => {}
                () = rearmed => continue,
                () = shared.tx.closed(), if may_exit => return,
            }
        }
        // The deadline passed: fire if this is still the generation we armed for.
        let Some(when) = when else { continue };
        let mut state = lock(&shared.state);
        if state.generation != generation {
            continue;
        }
        let now = Instant::now();
        state.when = state.period.map(|p| next_tick(when, now, p));
        if let Some(f) = func.as_mut() {
            drop(state);
            f();
        } else if let Err(TrySendError::Closed(_)) = shared.tx.try_send(now) {
            return;
        }
        // A full channel means a slow receiver: the tick is dropped.
    }
}

/// The first tick after `now` on the grid `when + k * period` (Go skips missed ticks).
fn next_tick(when: Instant, now: Instant, period: Duration) -> Instant {
    let behind = now.saturating_duration_since(when).as_nanos() / period.as_nanos();
    let k = u32::try_from(behind.saturating_add(1)).unwrap_or(u32::MAX);
    when.checked_add(period.saturating_mul(k))
        .unwrap_or_else(|| deadline(Duration::MAX))
}
