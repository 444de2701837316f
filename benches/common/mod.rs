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
//!   `GOKIO_BENCH_ROUNDS` rounds (default 7), so machine noise hits every peer alike. The
//!   order **rotates**: round r starts at implementation r mod k (B, C, A, then C, A, B,
//!   ...), because whichever implementation runs first in a round pays for the state the
//!   previous round left behind (e.g. the allocator after 100 000 freed task cells; see
//!   `ANALYSIS.md`). The median of the rounds is reported, with the min..max spread.
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
//! * `GOKIO_BENCH_ONLY`: run only the workloads named exactly in this comma-separated list
//!   (`benches/report.sh` uses it to run again the workloads a regime has too few passes of).
//!
//! # Regimes
//!
//! On this 2-vCPU machine the two workers sometimes run in parallel and sometimes share one
//! core, and rankings differ between the two. Every round is bracketed by the cache-line
//! round-trip probe of [`regime`]; a round whose two probes agree is labelled `free-cores`
//! or `shared-core` (`mixed` otherwise). Besides the median over all rounds, each
//! implementation gets a median per regime over the rounds taken in it, printed with the
//! number of rounds (passes) behind it and written to `GOKIO_BENCH_OUT` as
//! `workload\timpl\tns\tregime\tpasses`.
//!
//! The harness does not choose the regime. To get shared-core rounds on demand, run the
//! process on one CPU (`taskset -c 0`, what `GOKIO_BENCH_REGIMES=both bash
//! benches/report.sh` does for its second run): the workers and the probe's threads then
//! share it, and the probe labels those rounds `shared-core` as it measures them.

#![allow(dead_code)] // each bench target uses a different subset

use std::fs::OpenOptions;
use std::future::Future;
use std::io::Write;
use std::pin::Pin;
use std::time::{Duration, Instant};

use tokio::runtime::{Builder, Runtime};

pub mod regime;

use regime::Regime;

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

impl Row {
    /// The row of `samples` (ns/op, at least one).
    fn new(workload: &str, implementation: &str, mut samples: Vec<f64>) -> Row {
        samples.sort_by(f64::total_cmp);
        Row {
            workload: workload.to_string(),
            implementation: implementation.to_string(),
            median: samples[samples.len() / 2],
            min: samples[0],
            max: samples[samples.len() - 1],
        }
    }
}

/// The harness: runtime, settings and the rows measured so far.
pub struct Bench {
    rt: Runtime,
    rounds: usize,
    scale: f64,
    workload_filter: Option<String>,
    only: Option<Vec<String>>,
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
            only: std::env::var("GOKIO_BENCH_ONLY")
                .ok()
                .map(|list| list.split(',').map(|w| w.trim().to_owned()).collect()),
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
        if let Some(only) = &self.only {
            if !only.iter().any(|w| w == workload) {
                return;
            }
        }
        if let Some(f) = &self.impl_filter {
            impls.retain(|im| im.name.contains(f.as_str()));
        }
        if impls.is_empty() {
            return;
        }
        // samples[i]: implementation i's ns/op in each recorded round, with the round's regime.
        let mut samples: Vec<Vec<(f64, Regime)>> =
            vec![Vec::with_capacity(self.rounds); impls.len()];
        for round in 0..=self.rounds {
            let before = regime::round_trip_ns();
            let mut times = vec![0.0; impls.len()];
            // Round r starts at implementation r mod k: whichever runs first in a round
            // inherits the state the previous round left (allocator, caches, parked
            // workers), so no implementation may always be first.
            for i in rotation(round, impls.len()) {
                let fut = (impls[i].run)();
                let t0 = Instant::now();
                let timed = self.rt.block_on(fut);
                let elapsed = timed.unwrap_or_else(|| t0.elapsed());
                times[i] = elapsed.as_nanos() as f64 / ops as f64;
            }
            let regime = Regime::of(before, regime::round_trip_ns());
            if round > 0 {
                // round 0 is the warm-up
                for (s, t) in samples.iter_mut().zip(times) {
                    s.push((t, regime));
                }
            }
        }
        let mut rows = Vec::new();
        let mut by_regime = Vec::new();
        for (im, s) in impls.iter().zip(&samples) {
            let all: Vec<f64> = s.iter().map(|&(t, _)| t).collect();
            rows.push(Row::new(workload, &im.name, all));
            for r in [Regime::FreeCores, Regime::SharedCore] {
                let these: Vec<f64> = s.iter().filter(|x| x.1 == r).map(|x| x.0).collect();
                if !these.is_empty() {
                    by_regime.push((r, these.len(), Row::new(workload, &im.name, these)));
                }
            }
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
        let regimes: Vec<String> = samples[0]
            .iter()
            .map(|&(_, r)| r.label().to_string())
            .collect();
        println!("{:<20} regimes of the rounds: {}", "", regimes.join(" "));
        for r in &rows {
            append_result(&r.workload, &r.implementation, r.median);
        }
        for (regime, passes, r) in &by_regime {
            append_regime_result(&r.workload, &r.implementation, r.median, *regime, *passes);
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

/// The order in which round `round` runs `k` implementations: `round mod k`, then the
/// following ones, wrapping around.
fn rotation(round: usize, k: usize) -> impl Iterator<Item = usize> {
    (0..k).map(move |j| (round + j) % k)
}

/// Appends one `workload\timplementation\tvalue` line to the `GOKIO_BENCH_OUT` file, if set
/// (the format `benches/report.py` reads; the value is ns/op, or the unit `report.py` gives
/// a memory workload).
pub fn append_result(workload: &str, implementation: &str, value: f64) {
    append_line(&format!("{workload}\t{implementation}\t{value:.1}"));
}

/// Appends the median of the `passes` rounds taken in `regime` to the `GOKIO_BENCH_OUT` file.
pub fn append_regime_result(
    workload: &str,
    implementation: &str,
    value: f64,
    regime: Regime,
    passes: usize,
) {
    let label = regime.label();
    append_line(&format!(
        "{workload}\t{implementation}\t{value:.1}\t{label}\t{passes}"
    ));
}

fn append_line(line: &str) {
    let Ok(path) = std::env::var("GOKIO_BENCH_OUT") else {
        return;
    };
    let mut f = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .unwrap_or_else(|e| panic!("GOKIO_BENCH_OUT={path}: {e}"));
    writeln!(f, "{line}").expect("write results");
}

/// Sum of `0..n`, the checksum every producer/consumer workload verifies.
pub fn sum_to(n: usize) -> u64 {
    let n = n as u64;
    n * n.saturating_sub(1) / 2
}
