//! `gokio::synctest`: `wait`: when it returns (every goroutine of the bubble durably
//! blocked), and its misuse.
//!
//! Run with `cargo test --features synctest --test synctest_wait` (`.ci/run` runs every
//! `tests/synctest_*.rs`). Every test asserts exact virtual durations and counts, never
//! wall-clock speed.
#![cfg(feature = "synctest")]

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::time::Duration;

use gokio::time::{self, Instant};
use gokio::{chan, go, synctest, Mutex, WaitGroup};

const SEC: Duration = Duration::from_secs(1);

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
fn wait_is_send_sync_unpin() {
    fn check<T: Send + Sync + Unpin>() {}
    check::<synctest::Wait>();
}
