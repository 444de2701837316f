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
