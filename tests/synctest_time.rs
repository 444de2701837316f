//! `gokio::synctest`: virtual time: timers, tickers, deadlines and timeouts fire at exact
//! virtual instants.
//!
//! Run with `cargo test --features synctest --test synctest_time` (`.ci/run` runs every
//! `tests/synctest_*.rs`). Every test asserts exact virtual durations and counts, never
//! wall-clock speed.
#![cfg(feature = "synctest")]

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use gokio::sync::Group;
use gokio::time::{self, Instant, Ticker};
use gokio::{chan, go, select, synctest, Context, ContextError};

const MS: Duration = Duration::from_millis(1);
const SEC: Duration = Duration::from_secs(1);

/// One hour of a one-second ticker: 3600 ticks, in well under a second of wall time (the
/// bound is not asserted: only the count is).
#[test]
fn ticker_over_an_hour() {
    let ticks = synctest::test(async {
        let ticker = Ticker::new(SEC);
        let c = ticker.chan();
        let end = time::after(Duration::from_secs(3600) + 500 * MS);
        let mut ticks = 0;
        loop {
            select! {
                recv(c) -> _ => ticks += 1,
                recv(end) -> _ => break,
            }
        }
        ticker.stop();
        ticks
    });
    assert_eq!(ticks, 3600);
}

/// A `select!` timeout is taken at exactly its virtual deadline.
#[test]
fn select_timeout_at_deadline() {
    synctest::test(async {
        let results = chan::<&str>(0);
        let start = Instant::now();
        let outcome = select! {
            recv(results) -> v => v.unwrap(),
            recv(time::after(10 * MS)) -> _ => "timeout",
        };
        assert_eq!(outcome, "timeout");
        assert_eq!(start.elapsed(), 10 * MS);
    });
}

/// An errgroup whose context has a deadline: the slow task sees the deadline, the group
/// returns its error at exactly the deadline.
#[test]
fn errgroup_with_context_deadline() {
    synctest::test(async {
        let start = Instant::now();
        let (ctx, _cancel) = Context::background().with_timeout(5 * SEC);
        let (g, ctx) = Group::<ContextError>::with_context(&ctx);
        for i in 1..=3u32 {
            let ctx = ctx.clone();
            g.go(async move {
                select! {
                    recv(time::after(i * 2 * SEC)) -> _ => Ok(()), // 2 s, 4 s, 6 s
                    recv(ctx.done()) -> _ => Err(ctx.err().unwrap()),
                }
            })
            .await;
        }
        assert_eq!(g.wait().await, Err(ContextError::DeadlineExceeded));
        assert_eq!(start.elapsed(), 5 * SEC);
    });
}

/// A pipeline cancelled half-way: every stage's goroutine ends (else `test` would report the
/// leftover goroutines as a deadlock).
#[test]
fn pipeline_cancelled_half_way() {
    use gokio::pattern::{generate, map, or_done};
    synctest::test(async {
        let start = Instant::now();
        let (ctx, cancel) = Context::background().with_cancel();
        let ticks = map(generate(0..100u32, 0), 0, |n| async move {
            time::sleep(SEC).await; // one item per virtual second
            n
        });
        let mut out = or_done(&ctx, ticks);
        let mut got = Vec::new();
        while let Some(n) = out.next().await {
            got.push(n);
            if got.len() == 50 {
                cancel.cancel();
            }
        }
        assert_eq!(got, (0..50).collect::<Vec<_>>());
        assert_eq!(start.elapsed(), 50 * SEC);
        // Time stops when the root returns: let the map stage finish its in-flight item
        // (a one-second sleep), after which every stage sees its output gone and ends.
        time::sleep(SEC).await;
    });
}

/// Go 1.27's `synctest.Sleep`: sleep, then let the goroutine woken at the same instant run.
#[test]
fn sleep_then_wait() {
    synctest::test(async {
        let n = Arc::new(AtomicUsize::new(0));
        let n2 = n.clone();
        go!(for _ in 0..3 {
            time::sleep(SEC).await;
            n2.fetch_add(1, SeqCst);
        });
        synctest::sleep(2 * SEC).await;
        assert_eq!(n.load(SeqCst), 2);
        synctest::sleep(SEC).await;
        assert_eq!(n.load(SeqCst), 3);
    });
}

/// A goroutine sleeping "forever" (gokio saturates to 30 years) is not a deadlock: time jumps
/// there, also when it is armed late.
#[test]
fn thirty_years_is_not_a_deadlock() {
    synctest::test(async {
        let start = Instant::now();
        time::sleep(Duration::from_secs(86_400 * 365 * 10)).await;
        go!(time::sleep(Duration::MAX).await).await.unwrap();
        assert_eq!(start.elapsed(), Duration::from_secs(86_400 * 365 * 40));
    });
}
