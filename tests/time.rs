//! `gokio::time`: timers and tickers are channels, with Go ≥ 1.23 semantics. All tests run on
//! tokio's paused clock and move it with `advance`, so nothing depends on wall-clock time.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::{advance, settle};
use gokio::time::{self, Instant, Ticker, Timer};
use gokio::{chan, select, TryRecvError};

const MS: Duration = Duration::from_millis(1);

fn alive_tasks() -> usize {
    tokio::runtime::Handle::current()
        .metrics()
        .num_alive_tasks()
}

#[tokio::test(start_paused = true)]
async fn after_fires_once() {
    let start = Instant::now();
    let c = time::after(10 * MS);
    advance(9 * MS).await;
    assert_eq!(c.try_recv(), Err(TryRecvError::Empty));
    advance(MS).await;
    let at = c.try_recv().expect("fired");
    assert!(at >= start + 10 * MS);
    advance(Duration::from_secs(10)).await;
    assert_eq!(c.try_recv(), Err(TryRecvError::Empty));
}

#[tokio::test(start_paused = true)]
async fn sleep_waits() {
    let start = Instant::now();
    time::sleep(5 * MS).await;
    assert!(Instant::now() >= start + 5 * MS);
}

#[tokio::test(start_paused = true)]
async fn tick_drops_ticks_for_slow_receiver() {
    let c = time::tick(10 * MS);
    for _ in 0..10 {
        advance(10 * MS).await;
    }
    assert_eq!(c.len(), 1);
    assert!(c.try_recv().is_ok());
    assert_eq!(c.try_recv(), Err(TryRecvError::Empty));
    // Still ticking, on the original grid.
    advance(10 * MS).await;
    assert!(c.try_recv().is_ok());
}

#[tokio::test(start_paused = true)]
async fn ticker_ticks_every_period() {
    let t = Ticker::new(10 * MS);
    let c = t.chan();
    for _ in 0..5 {
        advance(9 * MS).await;
        assert_eq!(c.try_recv(), Err(TryRecvError::Empty));
        advance(MS).await;
        assert!(c.try_recv().is_ok());
    }
}

#[tokio::test(start_paused = true)]
async fn timer_stop_pending_returns_true_and_never_fires() {
    let t = Timer::new(10 * MS);
    assert!(t.stop());
    assert!(!t.stop(), "second stop");
    advance(100 * MS).await;
    assert_eq!(t.chan().try_recv(), Err(TryRecvError::Empty));
}

#[tokio::test(start_paused = true)]
async fn timer_stop_after_received_returns_false() {
    let t = Timer::new(10 * MS);
    advance(10 * MS).await;
    assert!(t.chan().try_recv().is_ok());
    assert!(!t.stop());
}

#[tokio::test(start_paused = true)]
async fn timer_stop_discards_unreceived_value() {
    // Go 1.23: a fired but unreceived value counts as pending; stop discards it.
    let t = Timer::new(10 * MS);
    advance(10 * MS).await;
    assert_eq!(t.chan().len(), 1);
    assert!(t.stop());
    assert_eq!(t.chan().try_recv(), Err(TryRecvError::Empty));
    assert!(!t.stop());
}

#[tokio::test(start_paused = true)]
async fn timer_reset_return_values() {
    let t = Timer::new(10 * MS);
    assert!(t.reset(20 * MS), "pending timer");
    advance(20 * MS).await;
    assert!(t.chan().try_recv().is_ok());
    assert!(!t.reset(10 * MS), "expired and received");
    assert!(t.stop());
    assert!(!t.reset(10 * MS), "stopped");
    advance(10 * MS).await;
    assert!(t.chan().try_recv().is_ok(), "reset re-arms a stopped timer");
}

#[tokio::test(start_paused = true)]
async fn timer_reset_discards_stale_value() {
    let t = Timer::new(10 * MS);
    advance(10 * MS).await; // fired, not received
    let reset_at = Instant::now();
    assert!(t.reset(10 * MS));
    assert_eq!(t.chan().try_recv(), Err(TryRecvError::Empty));
    advance(5 * MS).await;
    assert_eq!(t.chan().try_recv(), Err(TryRecvError::Empty));
    advance(5 * MS).await;
    let v = t.chan().try_recv().expect("fires after reset");
    assert!(v >= reset_at + 10 * MS, "value is from after the reset");
}

#[tokio::test(start_paused = true)]
async fn ticker_stop_discards_and_stops() {
    let t = Ticker::new(10 * MS);
    advance(10 * MS).await;
    assert_eq!(t.chan().len(), 1);
    t.stop();
    assert_eq!(t.chan().try_recv(), Err(TryRecvError::Empty));
    advance(100 * MS).await;
    assert_eq!(t.chan().try_recv(), Err(TryRecvError::Empty));
}

#[tokio::test(start_paused = true)]
async fn ticker_reset_changes_period() {
    let t = Ticker::new(10 * MS);
    advance(10 * MS).await; // one tick buffered
    t.reset(50 * MS);
    assert_eq!(t.chan().try_recv(), Err(TryRecvError::Empty), "stale tick");
    for _ in 0..4 {
        advance(10 * MS).await;
        assert_eq!(t.chan().try_recv(), Err(TryRecvError::Empty));
    }
    advance(10 * MS).await;
    assert!(t.chan().try_recv().is_ok());
    advance(49 * MS).await;
    assert_eq!(t.chan().try_recv(), Err(TryRecvError::Empty));
    advance(MS).await;
    assert!(t.chan().try_recv().is_ok());
}

#[tokio::test(start_paused = true)]
#[should_panic(expected = "non-positive interval for NewTicker")]
async fn ticker_zero_panics() {
    let _ = Ticker::new(Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn dropping_every_receiver_ends_the_task() {
    let baseline = alive_tasks();

    let c = time::after(Duration::from_secs(3600));
    settle().await;
    assert_eq!(alive_tasks(), baseline + 1);
    drop(c);
    settle().await;
    assert_eq!(alive_tasks(), baseline, "after(): task ended");

    let c = time::tick(MS);
    advance(5 * MS).await;
    assert_eq!(alive_tasks(), baseline + 1);
    drop(c);
    settle().await;
    assert_eq!(alive_tasks(), baseline, "tick(): task ended");

    let t = Timer::new(Duration::from_secs(3600));
    let c1 = t.chan();
    let c2 = c1.clone();
    drop(t);
    drop(c1);
    settle().await;
    assert_eq!(alive_tasks(), baseline + 1, "a receiver is still alive");
    drop(c2);
    settle().await;
    assert_eq!(alive_tasks(), baseline, "Timer: task ended");

    // A fired-and-expired timer whose handles are all dropped is freed too.
    let t = Timer::new(MS);
    advance(MS).await;
    drop(t);
    settle().await;
    assert_eq!(alive_tasks(), baseline, "expired Timer: task ended");
}

#[tokio::test(start_paused = true)]
async fn dropped_timer_keeps_firing_for_its_receiver() {
    let c = Timer::new(10 * MS).chan();
    advance(10 * MS).await;
    assert!(c.try_recv().is_ok());
}

#[tokio::test(start_paused = true)]
async fn timeout_via_select() {
    let ch = chan::<i32>(0);
    let start = Instant::now();
    let mut timed_out = false;
    select! {
        recv(ch) -> _ => {}
        recv(time::after(Duration::from_secs(1))) -> _ => timed_out = true,
    }
    assert!(timed_out);
    assert!(Instant::now() >= start + Duration::from_secs(1));

    // A value ready before the timeout wins.
    let tx = ch.clone();
    tokio::spawn(async move {
        time::sleep(10 * MS).await;
        tx.send(7).await.unwrap();
    });
    let mut got = None;
    select! {
        recv(ch) -> v => got = v,
        recv(time::after(Duration::from_secs(1))) -> _ => {}
    }
    assert_eq!(got, Some(7));
}

#[tokio::test(start_paused = true)]
async fn blocked_receiver_gets_timer_value() {
    let t = Timer::new(10 * MS);
    let c = t.chan();
    let start = Instant::now();
    assert!(c.recv().await.is_some());
    assert!(Instant::now() >= start + 10 * MS);
}

#[tokio::test(start_paused = true)]
async fn after_func_runs_and_stop_prevents_it() {
    let count = Arc::new(AtomicUsize::new(0));
    let n = Arc::clone(&count);
    let t = time::after_func(10 * MS, move || {
        n.fetch_add(1, Ordering::SeqCst);
    });
    advance(10 * MS).await;
    assert_eq!(count.load(Ordering::SeqCst), 1);
    assert!(!t.stop(), "already fired");
    assert!(!t.reset(10 * MS));
    assert!(t.stop(), "stopped the re-armed call");
    advance(100 * MS).await;
    assert_eq!(count.load(Ordering::SeqCst), 1);

    // Dropping the Timer does not cancel a pending call, and the task ends after it.
    let baseline = alive_tasks();
    let n = Arc::clone(&count);
    drop(time::after_func(10 * MS, move || {
        n.fetch_add(1, Ordering::SeqCst);
    }));
    settle().await;
    assert_eq!(alive_tasks(), baseline + 1);
    advance(10 * MS).await;
    assert_eq!(count.load(Ordering::SeqCst), 2);
    assert_eq!(alive_tasks(), baseline);
}

#[test]
fn handles_are_send_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Timer>();
    assert_send_sync::<Ticker>();
    assert_send_sync::<gokio::Receiver<Instant>>();
}

/// A timer whose deadline has passed when it is armed fires at once: its value is in the
/// channel before `new`/`reset` returns, with the (paused) clock where it was — no wait for
/// tokio's timer wheel, which would round the deadline up to its next 1 ms tick.
mod due_at_once {
    use super::*;
    use tokio_test::{assert_pending, assert_ready, task};

    /// Puts the paused clock half-way between two ticks of tokio's timer wheel, where a
    /// deadline of "now" that goes through the wheel waits for the next tick (at a tick
    /// boundary the wheel would fire it at once and hide the difference).
    async fn between_ticks() -> Instant {
        tokio::time::advance(Duration::from_micros(500)).await;
        Instant::now()
    }

    #[tokio::test(start_paused = true)]
    async fn zero_timer_is_ready_without_time_passing() {
        let start = between_ticks().await;
        let t = Timer::new(Duration::ZERO);
        let c = t.chan();
        let mut recv = task::spawn(c.recv());
        let at = assert_ready!(recv.poll()).expect("fired");
        assert_eq!(at, start);
        assert_eq!(Instant::now(), start);
        assert!(!t.stop(), "fired and received");
    }

    #[tokio::test(start_paused = true)]
    async fn after_zero_is_ready_and_its_channel_stays_open() {
        let start = between_ticks().await;
        let c = time::after(Duration::ZERO);
        assert_eq!(c.try_recv(), Ok(start));
        // As in Go, the channel never closes: a second receive waits (for ever).
        let mut again = task::spawn(c.recv());
        assert_pending!(again.poll());
        settle().await;
        assert_pending!(again.poll());
        assert!(!c.is_closed());
        drop(again);
        // A select with an already-due `after` takes that case at once.
        let never = chan::<i32>(0);
        let mut fired = false;
        select! {
            recv(never) -> _ => {}
            recv(time::after(Duration::ZERO)) -> v => fired = v.is_some(),
        }
        assert!(fired);
        assert_eq!(Instant::now(), start);
    }

    /// Go 1.23: a fired but unreceived value counts as pending for `stop` and `reset`, and
    /// nothing from before the call is received after it.
    #[tokio::test(start_paused = true)]
    async fn zero_timer_stop_and_reset_results_stay_exact() {
        between_ticks().await;
        let t = Timer::new(Duration::ZERO);
        assert!(t.stop(), "fired but unreceived counts as pending");
        assert_eq!(t.chan().try_recv(), Err(TryRecvError::Empty));
        assert!(!t.stop());

        assert!(!t.reset(Duration::ZERO), "was stopped");
        let first = t.chan().try_recv().expect("reset(ZERO) fires at once");
        assert!(!t.reset(Duration::ZERO), "fired and received");
        assert!(t.reset(Duration::ZERO), "fired, not received: pending");
        assert!(t.chan().try_recv().is_ok());
        assert_eq!(
            t.chan().try_recv(),
            Err(TryRecvError::Empty),
            "one value only"
        );

        let t = Timer::new(Duration::from_secs(3600));
        assert!(t.reset(Duration::ZERO), "was pending");
        assert!(
            t.chan().try_recv().is_ok(),
            "re-armed to now: fired at once"
        );
        advance(Duration::from_secs(3600)).await;
        assert_eq!(
            t.chan().try_recv(),
            Err(TryRecvError::Empty),
            "the old deadline never fires"
        );
        assert!(first <= Instant::now());
    }

    #[tokio::test(start_paused = true)]
    async fn after_func_zero_runs_without_time_passing() {
        let start = between_ticks().await;
        let count = Arc::new(AtomicUsize::new(0));
        let n = Arc::clone(&count);
        let t = time::after_func(Duration::ZERO, move || {
            n.fetch_add(1, Ordering::SeqCst);
        });
        settle().await; // yields only: the paused clock cannot auto-advance meanwhile
        assert_eq!(count.load(Ordering::SeqCst), 1);
        assert!(!t.reset(Duration::ZERO), "already ran");
        settle().await;
        assert_eq!(count.load(Ordering::SeqCst), 2);
        assert_eq!(Instant::now(), start);
    }

    #[tokio::test(start_paused = true)]
    async fn sleep_zero_returns_at_once() {
        let start = between_ticks().await;
        let mut s = task::spawn(time::sleep(Duration::ZERO));
        assert_ready!(s.poll());
        assert_eq!(Instant::now(), start);
    }

    #[tokio::test(start_paused = true)]
    async fn zero_and_past_context_deadlines_are_exceeded_at_once() {
        let start = between_ticks().await;
        let (ctx, cancel) = gokio::Context::background().with_timeout(Duration::ZERO);
        assert_eq!(ctx.err(), Some(gokio::ContextError::DeadlineExceeded));
        cancel.cancel();
        advance(Duration::from_secs(1)).await;
        let past = Instant::now() - Duration::from_millis(500);
        let (ctx, cancel) = gokio::Context::background().with_deadline(past);
        assert_eq!(ctx.err(), Some(gokio::ContextError::DeadlineExceeded));
        let mut done = task::spawn(ctx.cancelled());
        assert_ready!(done.poll());
        cancel.cancel();
        assert!(Instant::now() >= start);
    }

    /// A deadline that passes before the deadline task first runs fires when it runs.
    #[tokio::test(start_paused = true)]
    async fn context_deadline_passed_before_its_task_ran() {
        let (ctx, cancel) = gokio::Context::background().with_timeout(Duration::from_micros(10));
        tokio::time::advance(Duration::from_micros(20)).await;
        settle().await;
        assert_eq!(ctx.err(), Some(gokio::ContextError::DeadlineExceeded));
        cancel.cancel();
    }
}

/// Ported from Go's src/time/sleep_test.go: TestZeroTimer ("zero duration timers aren't
/// missed by the scheduler", issue 44868), its three variants: `NewTimer(0)`, a timer made by
/// `AfterFunc` that sends on a channel, and one timer `Reset(0)` over and over. Go runs
/// 1,000,000 iterations with a 2 s bound on each; see `ZERO_TIMER_N` for the count here.
mod golang_zero_timer {
    use super::*;

    /// Go's count in release builds; a tenth in debug builds, where a million `NewTimer(0)`
    /// take about 20 s on a busy 2-core machine (the `zero_timer` benchmark in
    /// `benches/time.rs` runs Go's full size side by side with Go).
    const ZERO_TIMER_N: usize = if cfg!(debug_assertions) {
        100_000
    } else {
        1_000_000
    };
    /// Go's bound per iteration.
    const BOUND: Duration = Duration::from_secs(2);

    async fn check(n: usize, mut new_timer: impl FnMut() -> gokio::Receiver<Instant>) {
        for i in 0..n {
            let s = std::time::Instant::now();
            let c = new_timer();
            c.recv().await.expect("a zero timer fires");
            let took = s.elapsed();
            assert!(took < BOUND, "iteration {i}: the zero timer took {took:?}");
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn impl_chan() {
        check(ZERO_TIMER_N, || Timer::new(Duration::ZERO).chan()).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn impl_func() {
        check(ZERO_TIMER_N, || {
            let c = chan::<Instant>(1);
            let tx = c.sender();
            let _t = time::after_func(Duration::ZERO, move || {
                let _ = tx.try_send(Instant::now());
            });
            c.receiver()
        })
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn impl_cache() {
        let timer = Timer::new(Duration::from_secs(3600));
        check(ZERO_TIMER_N, || {
            timer.reset(Duration::ZERO);
            timer.chan()
        })
        .await;
    }
}
