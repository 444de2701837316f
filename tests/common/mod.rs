//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Fails the test instead of hanging it: a concurrency bug shows up as a hang, and CI should
/// say which test hung. The bound is generous (never a timing assertion).
pub async fn no_hang<F: Future>(what: &str, fut: F) -> F::Output {
    match tokio::time::timeout(Duration::from_secs(120), fut).await {
        Ok(v) => v,
        Err(_) => panic!("{what}: still not done after 120 s (hang?)"),
    }
}

/// A two-worker multi-threaded runtime, like the benchmarks and the target machine.
pub fn rt2() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// Pearson's chi-square statistic of `counts` against a uniform distribution.
pub fn chi_square(counts: &[u64]) -> f64 {
    let total: u64 = counts.iter().sum();
    let expected = total as f64 / counts.len() as f64;
    counts
        .iter()
        .map(|&c| (c as f64 - expected).powi(2) / expected)
        .sum()
}

/// The chi-square critical value at p = 0.001 for `df` degrees of freedom (df <= 10), so a
/// correct uniform choice fails about once in a thousand runs per check.
pub fn chi_square_critical_0_001(df: usize) -> f64 {
    [
        10.83, 13.82, 16.27, 18.47, 20.52, 22.46, 24.32, 26.12, 27.88, 29.59,
    ][df - 1]
}

/// Asserts that `counts` (how often each of `counts.len()` cases was chosen) is uniform:
/// chi-square below its critical value at p = 0.001. `what` names the split in the message.
#[track_caller]
pub fn assert_uniform(counts: &[u64], what: &str) {
    let chi = chi_square(counts);
    let crit = chi_square_critical_0_001(counts.len() - 1);
    assert!(
        chi < crit,
        "{what}: counts {counts:?} are not uniform (chi-square {chi:.2} >= {crit})"
    );
}

/// Runs `f` with a `tracing` subscriber installed for this thread and returns what it logged
/// (plain text, no colours) together with `f`'s result.
pub fn capture_logs<R>(f: impl FnOnce() -> R) -> (String, R) {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Buf(Arc<Mutex<Vec<u8>>>);

    impl Write for Buf {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    let buf = Buf::default();
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let r = tracing::subscriber::with_default(subscriber, f);
    let out = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
    (out, r)
}

/// Polls until `gokio::num_goroutine() == want`, with a generous deadline (never a timing
/// assertion). Leak checks call it from a test binary that holds one test, since the count is
/// process-wide.
pub async fn wait_for_goroutines(what: &str, want: usize) {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while gokio::num_goroutine() != want {
        assert!(
            std::time::Instant::now() < deadline,
            "{what}: num_goroutine stuck at {} (want {want})",
            gokio::num_goroutine()
        );
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

/// Paused-clock tests: lets woken background tasks run (single-threaded test runtime).
pub async fn settle() {
    for _ in 0..16 {
        tokio::task::yield_now().await;
    }
}

/// Paused-clock tests: advances tokio's clock by `d`, then lets woken tasks run.
pub async fn advance(d: Duration) {
    tokio::time::advance(d).await;
    settle().await;
}

/// An endless iterator (0, 1, 2, ...) that counts itself live in `live` until dropped: a
/// generator goroutine drops its iterator when it exits (tests/pattern*.rs).
pub struct Tracked {
    next: u64,
    live: Arc<AtomicUsize>,
}

impl Tracked {
    pub fn new(live: &Arc<AtomicUsize>) -> Self {
        live.fetch_add(1, Ordering::SeqCst);
        Tracked {
            next: 0,
            live: live.clone(),
        }
    }
}

impl Iterator for Tracked {
    type Item = u64;
    fn next(&mut self) -> Option<u64> {
        self.next += 1;
        Some(self.next - 1)
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        self.live.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Waits (polling every millisecond, without a time bound of its own) until `live` is zero.
pub async fn until_zero(what: &str, live: &AtomicUsize) {
    no_hang(what, async {
        while live.load(Ordering::SeqCst) != 0 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    })
    .await;
}

/// One `select!` receiving from the first 2, 3 or 8 of `chans` (the sizes the fairness tests
/// use): the index of the case it took.
pub async fn select_recv_index<T: Send>(chans: &[gokio::Chan<T>]) -> usize {
    use gokio::select;
    match chans.len() {
        2 => select! { recv(chans[0]) -> _ => 0, recv(chans[1]) -> _ => 1 },
        3 => select! {
            recv(chans[0]) -> _ => 0, recv(chans[1]) -> _ => 1, recv(chans[2]) -> _ => 2,
        },
        8 => select! {
            recv(chans[0]) -> _ => 0, recv(chans[1]) -> _ => 1,
            recv(chans[2]) -> _ => 2, recv(chans[3]) -> _ => 3,
            recv(chans[4]) -> _ => 4, recv(chans[5]) -> _ => 5,
            recv(chans[6]) -> _ => 6, recv(chans[7]) -> _ => 7,
        },
        n => unreachable!("{n} cases: the fairness tests use 2, 3 or 8"),
    }
}
