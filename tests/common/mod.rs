//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::future::Future;
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
