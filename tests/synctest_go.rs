//! `gokio::synctest`: ports of Go's own synctest tests and documentation examples.
//!
//! Run with `cargo test --features synctest --test synctest_go` (`.ci/run` runs every
//! `tests/synctest_*.rs`). Every test asserts exact virtual durations and counts, never
//! wall-clock speed.
#![cfg(feature = "synctest")]

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::time::Duration;

use gokio::time::{self, Instant, Timer};
use gokio::{chan, go, synctest, Cond, Context, ContextError, Mutex, WaitGroup};

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
