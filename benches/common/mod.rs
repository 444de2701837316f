//! The in-repo benchmark harness shared by every `benches/*.rs` target (`harness = false`).
//!
//! Each bench file includes it with `#[path = "common/mod.rs"] mod common;`, builds one
//! [`Bench`], and calls [`Bench::workload`] once per named workload with the same workload
//! implemented for every peer (gokio, kanal, flume, async-channel, tokio mpsc, ...).
//!
//! # Method
//!
//! * One 2-worker tokio multi-thread runtime per process (Go's figures use `GOMAXPROCS=2`).
//! * One measurement is one `block_on` of the implementation's async workload, which spawns
//!   its tasks with `tokio::spawn` and awaits them. Its wall-clock time divided by the number
//!   of operations is ns/op. An implementation can time itself instead (to leave set-up out
//!   of the figure) by returning `Some(duration)`.
//! * Implementations run **alternating**: one unrecorded warm-up pass (A, B, C), then
//!   `GOKIO_BENCH_ROUNDS` rounds (default 7) of A, B, C, ..., so machine noise hits every peer
//!   alike. The median of the rounds is reported, with the min..max spread.
//!
//! # Environment
//!
//! * `GOKIO_BENCH_ROUNDS`: rounds per implementation (default 7).
//! * `GOKIO_BENCH_SCALE`: multiplies every operation count (default 1.0); CI runs a smoke
//!   version with e.g. `0.001`.
//! * `GOKIO_BENCH_OUT`: if set, one `workload\timpl\tns_per_op` line per (workload, impl) is
//!   appended to this file, for `benches/report.py`.
//! * `GOKIO_BENCH_FILTER` / `GOKIO_BENCH_IMPL`: run only workloads / implementations whose
//!   name contains this string (for profiling one case under `perf` or `callgrind`).

#![allow(dead_code)] // each bench target uses a different subset

use std::fs::OpenOptions;
use std::future::Future;
use std::io::Write;
use std::pin::Pin;
use std::time::{Duration, Instant};

use tokio::runtime::{Builder, Runtime};

/// What an implementation's workload future yields: `None` to be timed by the harness (the
/// whole `block_on`), `Some(d)` when it timed its own measured section.
pub type Timing = Option<Duration>;

type BoxedRun = Box<dyn Fn() -> Pin<Box<dyn Future<Output = Timing> + Send>>>;

/// One named implementation of a workload.
pub struct Impl {
    name: String,
    run: BoxedRun,
}

/// An implementation timed by the harness: the whole `block_on` of `f()` is measured.
pub fn imp<F, Fut>(name: &str, f: F) -> Impl
where
    F: Fn() -> Fut + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    Impl {
        name: name.to_string(),
        run: Box::new(move || {
            let fut = f();
            Box::pin(async move {
                fut.await;
                None
            })
        }),
    }
}

/// An implementation that times its own measured section and returns that duration.
pub fn imp_timed<F, Fut>(name: &str, f: F) -> Impl
where
    F: Fn() -> Fut + 'static,
    Fut: Future<Output = Duration> + Send + 'static,
{
    Impl {
        name: name.to_string(),
        run: Box::new(move || {
            let fut = f();
            Box::pin(async move { Some(fut.await) })
        }),
    }
}

/// One row of results.
pub struct Row {
    /// Workload name.
    pub workload: String,
    /// Implementation name.
    pub implementation: String,
    /// Median ns per operation over the rounds.
    pub median: f64,
    /// Fastest round, ns per operation.
    pub min: f64,
    /// Slowest round, ns per operation.
    pub max: f64,
}

/// The harness: runtime, settings and the rows measured so far.
pub struct Bench {
    rt: Runtime,
    rounds: usize,
    scale: f64,
    workload_filter: Option<String>,
    impl_filter: Option<String>,
    rows: Vec<Row>,
}

/// Parses environment variable `key`, or returns `default` if it is unset.
pub fn env_parse<T: std::str::FromStr>(key: &str, default: T) -> T {
    match std::env::var(key) {
        Ok(s) => s
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{key}={s:?} does not parse")),
        Err(_) => default,
    }
}

impl Bench {
    /// Reads the environment, builds the runtime and prints the table header.
    pub fn from_env() -> Self {
        let rounds: usize = env_parse("GOKIO_BENCH_ROUNDS", 7);
        let scale: f64 = env_parse("GOKIO_BENCH_SCALE", 1.0);
        assert!(rounds > 0, "GOKIO_BENCH_ROUNDS must be at least 1");
        assert!(scale > 0.0, "GOKIO_BENCH_SCALE must be positive");
        let rt = Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime");
        println!("rounds={rounds} scale={scale} (2 tokio worker threads)");
        println!(
            "{:<20} {:<28} {:>12} {:>20} {:>13}",
            "workload", "implementation", "median ns/op", "min..max", "gokio/peer"
        );
        Bench {
            rt,
            rounds,
            scale,
            workload_filter: std::env::var("GOKIO_BENCH_FILTER").ok(),
            impl_filter: std::env::var("GOKIO_BENCH_IMPL").ok(),
            rows: Vec::new(),
        }
    }

    /// `n` operations scaled by `GOKIO_BENCH_SCALE`, rounded down to a multiple of `multiple_of`
    /// and never below it.
    pub fn n(&self, n: usize, multiple_of: usize) -> usize {
        let scaled = (n as f64 * self.scale) as usize;
        (scaled / multiple_of).max(1) * multiple_of
    }

    /// Runs `impls` alternating for the configured rounds, `ops` operations per run, and
    /// prints (and appends to `GOKIO_BENCH_OUT`) one row per implementation. The first
    /// implementation is the reference that ratios are computed from (normally gokio).
    /// Workloads and implementations the filters exclude are skipped.
    pub fn workload(&mut self, workload: &str, ops: usize, mut impls: Vec<Impl>) {
        if let Some(f) = &self.workload_filter {
            if !workload.contains(f.as_str()) {
                return;
            }
        }
        if let Some(f) = &self.impl_filter {
            impls.retain(|im| im.name.contains(f.as_str()));
        }
        if impls.is_empty() {
            return;
        }
        let mut samples: Vec<Vec<f64>> = vec![Vec::with_capacity(self.rounds); impls.len()];
        for round in 0..=self.rounds {
            for (i, im) in impls.iter().enumerate() {
                let fut = (im.run)();
                let t0 = Instant::now();
                let timed = self.rt.block_on(fut);
                let elapsed = timed.unwrap_or_else(|| t0.elapsed());
                if round > 0 {
                    // round 0 is the warm-up
                    samples[i].push(elapsed.as_nanos() as f64 / ops as f64);
                }
            }
        }
        let mut rows = Vec::new();
        for (im, mut s) in impls.iter().zip(samples) {
            s.sort_by(f64::total_cmp);
            rows.push(Row {
                workload: workload.to_string(),
                implementation: im.name.clone(),
                median: s[s.len() / 2],
                min: s[0],
                max: s[s.len() - 1],
            });
        }
        let reference = rows[0].median;
        for r in &rows {
            println!(
                "{:<20} {:<28} {:>12.1} {:>20} {:>13.2}",
                r.workload,
                r.implementation,
                r.median,
                format!("{:.1}..{:.1}", r.min, r.max),
                reference / r.median
            );
        }
        for r in &rows {
            append_result(&r.workload, &r.implementation, r.median);
        }
        self.rows.extend(rows);
    }

    /// The median of a measured (workload, implementation), if it ran.
    pub fn median(&self, workload: &str, implementation: &str) -> Option<f64> {
        self.rows
            .iter()
            .find(|r| r.workload == workload && r.implementation == implementation)
            .map(|r| r.median)
    }
}

/// Appends one `workload\timplementation\tvalue` line to the `GOKIO_BENCH_OUT` file, if set
/// (the format `benches/report.py` reads; the value is ns/op, or the unit `report.py` gives
/// a memory workload).
pub fn append_result(workload: &str, implementation: &str, value: f64) {
    let Ok(path) = std::env::var("GOKIO_BENCH_OUT") else {
        return;
    };
    let mut f = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .unwrap_or_else(|e| panic!("GOKIO_BENCH_OUT={path}: {e}"));
    writeln!(f, "{workload}\t{implementation}\t{value:.1}").expect("write results");
}

/// Sum of `0..n`, the checksum every producer/consumer workload verifies.
pub fn sum_to(n: usize) -> u64 {
    let n = n as u64;
    n * n.saturating_sub(1) / 2
}
