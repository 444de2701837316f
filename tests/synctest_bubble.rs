//! `gokio::synctest`: the bubble's boundary: its output and panics, nesting, and bubbles
//! beside ordinary goroutines and tokio runtimes.
//!
//! Run with `cargo test --features synctest --test synctest_bubble` (`.ci/run` runs every
//! `tests/synctest_*.rs`). Every test asserts exact virtual durations and counts, never
//! wall-clock speed.
#![cfg(feature = "synctest")]

use std::time::Duration;

use gokio::time::{self, Instant};
use gokio::{go, synctest};

const SEC: Duration = Duration::from_secs(1);

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
