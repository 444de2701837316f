//! `gokio::synctest`: virtual time, `wait`, deadlocks and the bubble's boundary.
//!
//! Run with `cargo test --features synctest --test synctest`. Every test asserts exact virtual
//! durations and counts, never wall-clock speed.
#![cfg(feature = "synctest")]

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use gokio::sync::Group;
use gokio::time::{self, Instant, Ticker, Timer};
use gokio::{chan, go, select, synctest, Cond, Context, ContextError, Mutex, WaitGroup};

const MS: Duration = Duration::from_millis(1);
const SEC: Duration = Duration::from_secs(1);

// Ported from Go's src/testing/synctest/example_test.go (the package documentation's
// examples). Go's TestTime sleeps 1 ns and 2 ns; gokio's virtual clock moves in whole
// milliseconds (tokio's timer wheel), so the port uses 1 ms and 2 ms.
mod go_examples {
    use super::*;

    #[test]
    fn test_time() {
        synctest::test(async {
            let start = Instant::now();
            let g = go!(
                time::sleep(MS).await;
                start.elapsed() // always 1 ms
            );
            time::sleep(2 * MS).await; // the goroutine above runs before this sleep returns
            assert!(g.is_finished());
            assert_eq!(g.await.unwrap(), MS);
            assert_eq!(start.elapsed(), 2 * MS);
        });
    }

    #[test]
    fn test_wait() {
        synctest::test(async {
            let done = Arc::new(AtomicBool::new(false));
            let d = done.clone();
            go!(d.store(true, SeqCst));
            // Wait blocks until the goroutine above has finished.
            synctest::wait().await;
            assert!(done.load(SeqCst));
        });
    }

    #[test]
    fn test_context_after_func() {
        synctest::test(async {
            // Create a context which can be cancelled.
            let (ctx, cancel) = Context::background().with_cancel();

            // after_func registers a function to be called when a context is cancelled.
            let called = Arc::new(AtomicBool::new(false));
            let c = called.clone();
            ctx.after_func(move || c.store(true, SeqCst));

            // The context has not been cancelled, so the function is not called.
            synctest::wait().await;
            assert!(
                !called.load(SeqCst),
                "before context is canceled: AfterFunc called"
            );

            // Cancel the context and wait for the function to finish executing.
            cancel.cancel();
            synctest::wait().await;
            assert!(
                called.load(SeqCst),
                "after context is canceled: AfterFunc not called"
            );
        });
    }

    /// Go waits `timeout - 1ns`; here `timeout - 1ms`, the clock's resolution.
    #[test]
    fn test_context_with_timeout() {
        synctest::test(async {
            // Create a context which is cancelled after a timeout.
            let timeout = 5 * SEC;
            let (ctx, _cancel) = Context::background().with_timeout(timeout);

            // Wait just less than the timeout.
            time::sleep(timeout - MS).await;
            synctest::wait().await;
            assert_eq!(ctx.err(), None, "before timeout");

            // Wait the rest of the way until the timeout.
            time::sleep(MS).await;
            synctest::wait().await;
            assert_eq!(
                ctx.err(),
                Some(ContextError::DeadlineExceeded),
                "after timeout"
            );
        });
    }
}

// Ported from Go's src/internal/synctest/synctest_test.go.
mod go_runtime_tests {
    use super::*;

    #[test]
    fn test_run_empty() {
        synctest::test(async {});
    }

    #[test]
    fn test_simple_wait() {
        synctest::test(async { synctest::wait().await });
    }

    #[test]
    fn test_goroutine_wait() {
        synctest::test(async {
            go!();
            synctest::wait().await;
        });
    }

    /// TestWait: a chain of 100 goroutines, each started by the previous one; Wait returns
    /// only after the last has run.
    #[test]
    fn test_wait_chain() {
        fn f(ch: gokio::Chan<u32>, done: Arc<AtomicBool>) {
            go!(
                let count = ch.recv().await.unwrap();
                if count == 0 {
                    done.store(true, SeqCst);
                } else {
                    f(ch.clone(), done);
                    ch.send(count - 1).await.unwrap();
                }
            );
        }
        synctest::test(async {
            let done = Arc::new(AtomicBool::new(false));
            let ch = chan::<u32>(0);
            f(ch.clone(), done.clone());
            ch.send(100).await.unwrap();
            synctest::wait().await;
            assert!(done.load(SeqCst), "done = false, want true");
        });
    }

    #[test]
    fn test_timer_read_before_deadline() {
        synctest::test(async {
            let start = Instant::now();
            let tm = Timer::new(5 * SEC);
            tm.chan().recv().await.unwrap();
            assert_eq!(start.elapsed(), 5 * SEC);
        });
    }

    #[test]
    fn test_timer_read_after_deadline() {
        synctest::test(async {
            let delay = SEC;
            let want = Instant::now() + delay;
            let tm = Timer::new(delay);
            time::sleep(2 * delay).await;
            assert_eq!(tm.chan().recv().await, Some(want));
        });
    }

    #[test]
    fn test_timer_reset() {
        synctest::test(async {
            let start = Instant::now();
            let tm = Timer::new(SEC);
            assert_eq!(tm.chan().recv().await, Some(start + SEC));

            tm.reset(2 * SEC);
            assert_eq!(tm.chan().recv().await, Some(start + 3 * SEC));

            tm.reset(3 * SEC);
            time::sleep(SEC).await;
            tm.reset(3 * SEC);
            assert_eq!(tm.chan().recv().await, Some(start + 7 * SEC));
        });
    }

    /// Bubble membership propagates through an after_func callback to the goroutine it starts.
    #[test]
    fn test_time_after() {
        synctest::test(async {
            let i = Arc::new(AtomicUsize::new(0));
            let i2 = i.clone();
            let _t = time::after_func(SEC, move || {
                i2.fetch_add(1, SeqCst); // 1
                let i3 = i2.clone();
                go!(
                    time::sleep(SEC).await;
                    i3.fetch_add(1, SeqCst); // 2
                );
            });
            time::sleep(3 * SEC).await;
            synctest::wait().await;
            assert_eq!(i.load(SeqCst), 2, "after sleep and wait");
        });
    }

    #[test]
    fn test_timer_after_bubble_exit() {
        let run = Arc::new(AtomicBool::new(false));
        let r = run.clone();
        synctest::test(async move {
            let _t = time::after_func(SEC, move || r.store(true, SeqCst));
        });
        assert!(!run.load(SeqCst), "timer ran before bubble exit");
    }

    #[test]
    #[should_panic(expected = "deadlock: all goroutines in bubble are blocked")]
    fn test_deadlock_root() {
        synctest::test(std::future::pending::<()>());
    }

    #[test]
    #[should_panic(
        expected = "deadlock: main bubble goroutine has exited but blocked goroutines remain"
    )]
    fn test_deadlock_child() {
        synctest::test(async {
            go!(std::future::pending::<()>().await);
        });
    }

    #[test]
    #[should_panic(
        expected = "deadlock: main bubble goroutine has exited but blocked goroutines remain"
    )]
    fn test_deadlock_ticker() {
        synctest::test(async {
            go!(
                let ticks = time::tick(SEC);
                if ticks.recv().await.is_some() {
                    panic!("ticker unexpectedly ran");
                }
            );
        });
    }

    #[test]
    fn test_cond() {
        synctest::test(async {
            let state = Arc::new((Mutex::new(()), Cond::new()));
            let start = Instant::now();
            let wait_time = MS;

            let s = state.clone();
            go!(
                // Signal the cond.
                time::sleep(wait_time).await;
                let g = s.0.lock().await;
                s.1.signal();
                drop(g);
                // Broadcast to the cond.
                time::sleep(wait_time).await;
                let g = s.0.lock().await;
                s.1.broadcast();
                drop(g);
            );

            // Wait for the signal.
            let g = state.0.lock().await;
            drop(state.1.wait(g).await);
            assert_eq!(start.elapsed(), wait_time, "after cond.Signal");

            // Wait for the broadcast in two goroutines.
            let waiter_done = Arc::new(AtomicBool::new(false));
            let (s, w) = (state.clone(), waiter_done.clone());
            go!(
                let g = s.0.lock().await;
                drop(s.1.wait(g).await);
                w.store(true, SeqCst);
            );
            let g = state.0.lock().await;
            drop(state.1.wait(g).await);
            synctest::wait().await;
            assert!(
                waiter_done.load(SeqCst),
                "after cond.Broadcast: waiter not done"
            );
            assert_eq!(start.elapsed(), 2 * wait_time, "after cond.Broadcast");
        });
    }

    #[test]
    fn test_wait_group_in_bubble() {
        synctest::test(async {
            let wg = WaitGroup::new();
            wg.add(1);
            let delay = SEC;
            let w = wg.clone();
            go!(
                time::sleep(delay).await;
                w.done();
            );
            let start = Instant::now();
            wg.wait().await;
            assert_eq!(
                start.elapsed(),
                delay,
                "WaitGroup.Wait() took the wrong time"
            );
        });
    }
}

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

/// `wait` does not return while a goroutine can run: one that yields 1000 times before it
/// sends is done when `wait` returns.
#[test]
fn wait_not_while_runnable() {
    synctest::test(async {
        let ch = chan::<u32>(1);
        let tx = ch.sender();
        go!(
            for _ in 0..1000 {
                gokio::yield_now().await;
            }
            tx.send(7).await.unwrap();
        );
        go!(for _ in 0..1000 {
            tokio::task::yield_now().await; // tokio's deferred wake-up
        });
        synctest::wait().await;
        assert_eq!(ch.try_recv(), Ok(7));
    });
}

/// `wait` returns while goroutines wait on a channel, a sleep, a WaitGroup and a Mutex
/// (gokio counts a Mutex wait as blocked, unlike Go), without advancing the clock.
#[test]
fn wait_with_blocked_goroutines() {
    synctest::test(async {
        let start = Instant::now();
        let ch = chan::<()>(0);
        let wg = WaitGroup::new();
        wg.add(1);
        let mu = Arc::new(Mutex::new(0));
        let held = mu.clone().lock_owned().await;
        let (c, w, m) = (ch.clone(), wg.clone(), mu.clone());
        go!(c.recv().await);
        go!(time::sleep(SEC).await);
        go!(w.wait().await);
        go!(*m.lock().await += 1);
        synctest::wait().await;
        assert_eq!(start.elapsed(), Duration::ZERO);
        drop(held);
        synctest::wait().await;
        assert_eq!(*mu.lock().await, 1);
        ch.close();
        wg.done();
        time::sleep(SEC).await; // the sleeper ends too: nothing is left when the root returns
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

#[test]
fn returns_the_root_output() {
    assert_eq!(synctest::test(async { 6 * 7 }), 42);
}

#[test]
#[should_panic(expected = "boom")]
fn root_panic_propagates() {
    synctest::test(async {
        time::sleep(SEC).await;
        panic!("boom");
    });
}

#[test]
#[should_panic(expected = "goroutine is not in a bubble")]
fn wait_outside_a_bubble_panics() {
    drop(synctest::wait());
}

#[test]
#[should_panic(expected = "wait already in progress")]
fn concurrent_wait_panics() {
    synctest::test(async {
        go!(synctest::wait().await);
        gokio::yield_now().await; // the goroutine registers its wait
        synctest::wait().await;
    });
}

#[test]
#[should_panic(expected = "synctest::test called from within a synctest bubble")]
fn nested_bubble_panics() {
    synctest::test(async {
        synctest::test(async {});
    });
}

/// Called from a tokio runtime, the bubble runs on a thread of its own.
#[tokio::test]
async fn inside_tokio_test() {
    let elapsed = synctest::test(async {
        let start = Instant::now();
        time::sleep(Duration::from_secs(3600)).await;
        start.elapsed()
    });
    assert_eq!(elapsed, Duration::from_secs(3600));
}

/// Goroutines outside bubbles are untouched, also while a bubble runs on another thread.
#[test]
fn bubbles_are_independent() {
    let a = std::thread::spawn(|| {
        synctest::test(async {
            let start = Instant::now();
            time::sleep(SEC).await;
            start.elapsed()
        })
    });
    let b = synctest::test(async {
        let start = Instant::now();
        time::sleep(2 * SEC).await;
        start.elapsed()
    });
    assert_eq!(a.join().unwrap(), SEC);
    assert_eq!(b, 2 * SEC);
    assert_eq!(gokio::run(async { go(async { 1 }).await.unwrap() }), 1);
}

/// An in-memory pipe (`tokio::io::duplex`, Go's `net.Pipe`) is I/O a bubble can see through:
/// a reader waiting on it is blocked, and a write makes it runnable.
#[test]
fn duplex_is_an_in_memory_fake() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    synctest::test(async {
        let (mut client, mut server) = tokio::io::duplex(64);
        let got = Arc::new(AtomicUsize::new(0));
        let g = got.clone();
        go!(
            let mut buf = [0u8; 5];
            server.read_exact(&mut buf).await.unwrap();
            g.store(buf.len(), SeqCst);
        );
        synctest::wait().await;
        assert_eq!(got.load(SeqCst), 0);
        client.write_all(b"hello").await.unwrap();
        synctest::wait().await;
        assert_eq!(got.load(SeqCst), 5);
    });
}

#[test]
fn wait_is_send_sync_unpin() {
    fn check<T: Send + Sync + Unpin>() {}
    check::<synctest::Wait>();
}
