//! Memory workloads: bytes per idle goroutine, bytes per buffered channel, and a million
//! goroutines parked and woken. gokio against tokio; Go's figures come from
//! `benches/go/mem.go` (the same workloads).
//!
//! Run with `cargo bench -p gokio-benches --bench memory`; `benches/report.sh` runs it and writes the memory
//! table of `BENCHMARKS.md`.
//!
//! # Method
//!
//! Every (workload, implementation) runs in a **fresh child process** (this binary re-executed
//! with `GOKIO_MEMORY_CHILD=workload/implementation`), so that memory freed by an earlier
//! measurement cannot be reused by a later one and hide its cost. The child builds the same
//! 2-worker tokio runtime as the timing harness, reads `VmRSS` from `/proc/self/status`,
//! runs the workload up to the measured state, and reads `VmRSS` (and `VmHWM`, the peak)
//! again. The delta divided by the number of goroutines or channels is the figure. Resident
//! memory counts whole 4 KiB pages and includes the allocator's own overhead (headers,
//! size-class rounding), as Go's span-based `HeapInuse` does; with 100 000 goroutines a page
//! is 0.04 bytes per goroutine, far below the differences measured. No custom allocator and
//! no `unsafe` are needed. The median over `min(GOKIO_BENCH_ROUNDS, 3)` child runs is
//! reported (one run for `million_goroutines`, which takes seconds).
//!
//! # Workloads
//!
//! * `idle_goroutine_shared_chan`: 100 000 goroutines, each parked in `recv()` on one shared
//!   capacity-0 `gokio::chan::<u64>` (each holds its own `Receiver` clone). Measured once all
//!   are parked; then the channel is closed and all are joined with a `WaitGroup`. Bytes per
//!   goroutine. tokio mpsc has a single receiver and is left out.
//! * `idle_goroutine_own_chan`: 100 000 goroutines, each parked in `recv()` on its own
//!   channel (gokio `chan::<u64>(0)`, tokio `mpsc::channel::<u64>(1)`: tokio cannot have
//!   capacity 0), whose sender the spawner keeps in a pre-sized `Vec`. Bytes per goroutine,
//!   its channel included. Woken by dropping the senders (which closes the channels), joined
//!   with a `WaitGroup` (gokio) or the `JoinHandle`s kept in a pre-sized `Vec` (tokio).
//! * `buffered_chan_128`: 10 000 capacity-128 `u64` channels, each holding 128 values (gokio
//!   `chan::<u64>(128)`, tokio `mpsc::channel::<u64>(128)`), kept in a pre-sized `Vec`.
//!   Bytes per channel.
//! * `live_handles`: 100 000 goroutines that each return their index at once, their handles
//!   kept: gokio `go` into a pre-sized `Vec<Goroutine<u64>>`, tokio `tokio::spawn` into a
//!   pre-sized `Vec<JoinHandle<u64>>`, and tokio `JoinSet::spawn` (marked *JoinSet*). Measured
//!   once every goroutine has finished (each counts itself in a static counter as it
//!   returns), when what is left per goroutine is its handle and the finished task that holds
//!   its output until it is joined; then all are joined and the sum is checked. Bytes per
//!   handle. Go has no join handle (a finished goroutine leaves nothing behind).
//! * `million_goroutines`: 1 000 000 goroutines (`WaitGroup::go`) each park in `recv()` on
//!   one shared capacity-0 channel; once all have parked the channel is closed, which wakes
//!   them all, and `wg.wait()` joins them. Reported: the wall time from the first spawn to
//!   the end of `wait()` (`million_goroutines_wall`, ms) and the peak resident memory above
//!   the process's starting point (`million_goroutines_peak_rss`, MB).
//!
//! Every goroutine counts itself in a static counter just before it parks; the measurement
//! waits until the count is complete, then 20 ms more for the last polls to finish parking.
//!
//! With `--features gokio/diagnostics` the `idle_goroutine_*` rows include each goroutine's
//! registry slot (40 bytes, in chunks that are never freed) and its task-local scope.

#[path = "common/mod.rs"]
mod common;

use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::{append_result, env_parse};

const CHILD_ENV: &str = "GOKIO_MEMORY_CHILD";

/// Goroutines that reached their `recv()` (counted just before parking).
static PARKED: AtomicUsize = AtomicUsize::new(0);

/// (workload, implementation) of every measurement, in table order.
const CASES: &[(&str, &str)] = &[
    ("idle_goroutine_shared_chan", "gokio"),
    ("idle_goroutine_own_chan", "gokio"),
    ("idle_goroutine_own_chan", "tokio"),
    ("buffered_chan_128", "gokio"),
    ("buffered_chan_128", "tokio"),
    ("live_handles", "gokio"),
    ("live_handles", "tokio"),
    ("live_handles", "tokio (JoinSet)"),
    ("million_goroutines", "gokio"),
];

fn main() {
    let scale: f64 = env_parse("GOKIO_BENCH_SCALE", 1.0);
    if let Ok(spec) = std::env::var(CHILD_ENV) {
        child(&spec, scale);
        return;
    }
    let rounds: usize = env_parse("GOKIO_BENCH_ROUNDS", 7);
    let rounds = rounds.clamp(1, 3);
    println!("scale={scale}, median of {rounds} child processes per row (VmRSS / VmHWM deltas)");
    println!("{:<28} {:<10} {:>14} unit", "workload", "impl", "median");
    for (workload, implementation) in CASES {
        // One child per round; each prints `name\tvalue` lines.
        // A million goroutines take seconds (in Go, 10 s): one run.
        let rounds = if *workload == "million_goroutines" {
            1
        } else {
            rounds
        };
        let mut runs: Vec<Vec<(String, f64)>> = Vec::new();
        for _ in 0..rounds {
            runs.push(run_child(&format!("{workload}/{implementation}")));
        }
        for (i, (name, _)) in runs[0].iter().enumerate() {
            let mut values: Vec<f64> = runs.iter().map(|r| r[i].1).collect();
            values.sort_by(f64::total_cmp);
            let median = values[values.len() / 2];
            let unit = if name.ends_with("_wall") {
                "ms"
            } else if name.ends_with("_peak_rss") {
                "MB"
            } else if name.starts_with("buffered") {
                "bytes/channel"
            } else if name.starts_with("live_handles") {
                "bytes/handle"
            } else {
                "bytes/goroutine"
            };
            println!("{name:<28} {implementation:<10} {median:>14.1} {unit}");
            append_result(name, implementation, median);
        }
    }
}

fn run_child(spec: &str) -> Vec<(String, f64)> {
    let exe = std::env::current_exe().expect("current_exe");
    let out = Command::new(exe)
        .env(CHILD_ENV, spec)
        .env_remove("GOKIO_BENCH_OUT")
        .output()
        .expect("spawn child");
    assert!(
        out.status.success(),
        "child {spec} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(|l| {
            let (name, v) = l.split_once('\t').expect("name\\tvalue");
            (name.to_string(), v.parse().expect("number"))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// The child process: one measurement.

/// `VmRSS` and `VmHWM` of this process, in bytes.
fn rss() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let field = |key: &str| -> f64 {
        let line = status
            .lines()
            .find(|l| l.starts_with(key))
            .unwrap_or_else(|| panic!("{key} not in /proc/self/status"));
        let kb: f64 = line[key.len()..]
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .expect("kB");
        kb * 1024.0
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Waits until `n` goroutines have counted themselves, then lets the last ones finish parking.
async fn all_parked(n: usize) {
    while PARKED.load(Ordering::Relaxed) < n {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    tokio::time::sleep(Duration::from_millis(20)).await;
}

/// Once `n` goroutines have counted themselves ([`all_parked`]), prints the resident memory
/// gained since the baseline, per goroutine (`per`), as the `name` row.
async fn report_when_parked(name: &str, n: usize, per: impl Fn(f64, usize) -> f64) {
    all_parked(n).await;
    let (now, _) = rss();
    println!("{name}\t{}", per(now, n));
}

/// The goroutine of `live_handles`: counts itself and returns its index at once.
async fn returns(i: u64) -> u64 {
    PARKED.fetch_add(1, Ordering::Relaxed);
    i
}

/// `0 + 1 + ... + (n - 1)`: what joining `live_handles`' goroutines adds up to.
fn index_sum(n: usize) -> u64 {
    (n as u64 - 1) * n as u64 / 2
}

fn scaled(n: usize, scale: f64) -> usize {
    ((n as f64 * scale) as usize).max(1)
}

fn child(spec: &str, scale: f64) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    // Let the workers start before the baseline.
    rt.block_on(async { tokio::time::sleep(Duration::from_millis(10)).await });
    let idle = scaled(100_000, scale);
    let chans = scaled(10_000, scale);
    let million = scaled(1_000_000, scale);
    let (base, _) = rss();
    let per = |total: f64, n: usize| (total - base) / n as f64;
    match spec {
        "idle_goroutine_shared_chan/gokio" => rt.block_on(async {
            let ch = gokio::chan::<u64>(0);
            let wg = gokio::WaitGroup::new();
            for _ in 0..idle {
                let rx = ch.receiver();
                drop(wg.go(async move {
                    PARKED.fetch_add(1, Ordering::Relaxed);
                    assert_eq!(rx.recv().await, None);
                }));
            }
            report_when_parked("idle_goroutine_shared_chan", idle, per).await;
            ch.close();
            wg.wait().await;
        }),
        "idle_goroutine_own_chan/gokio" => rt.block_on(async {
            let wg = gokio::WaitGroup::new();
            let mut senders = Vec::with_capacity(idle);
            for _ in 0..idle {
                let (tx, rx) = gokio::chan::<u64>(0).split();
                senders.push(tx);
                drop(wg.go(async move {
                    PARKED.fetch_add(1, Ordering::Relaxed);
                    assert_eq!(rx.recv().await, None);
                }));
            }
            report_when_parked("idle_goroutine_own_chan", idle, per).await;
            drop(senders);
            wg.wait().await;
        }),
        "idle_goroutine_own_chan/tokio" => rt.block_on(async {
            let mut senders = Vec::with_capacity(idle);
            let mut handles = Vec::with_capacity(idle);
            for _ in 0..idle {
                let (tx, mut rx) = tokio::sync::mpsc::channel::<u64>(1);
                senders.push(tx);
                handles.push(tokio::spawn(async move {
                    PARKED.fetch_add(1, Ordering::Relaxed);
                    assert_eq!(rx.recv().await, None);
                }));
            }
            report_when_parked("idle_goroutine_own_chan", idle, per).await;
            drop(senders);
            for h in handles {
                h.await.unwrap();
            }
        }),
        "buffered_chan_128/gokio" => {
            let mut all = Vec::with_capacity(chans);
            for _ in 0..chans {
                let ch = gokio::chan::<u64>(128);
                for v in 0..128 {
                    ch.try_send(v).unwrap();
                }
                all.push(ch);
            }
            let (now, _) = rss();
            println!("buffered_chan_128\t{}", per(now, chans));
            assert!(all.iter().all(|c| c.len() == 128));
        }
        "buffered_chan_128/tokio" => {
            let mut all = Vec::with_capacity(chans);
            for _ in 0..chans {
                let (tx, rx) = tokio::sync::mpsc::channel::<u64>(128);
                for v in 0..128 {
                    tx.try_send(v).unwrap();
                }
                all.push((tx, rx));
            }
            let (now, _) = rss();
            println!("buffered_chan_128\t{}", per(now, chans));
            assert!(all.iter().all(|(_, rx)| rx.len() == 128));
        }
        "live_handles/gokio" => rt.block_on(async {
            let handles: Vec<_> = (0..idle as u64).map(|i| gokio::go(returns(i))).collect();
            report_when_parked("live_handles", idle, per).await; // here: all have returned
            let mut sum = 0;
            for h in handles {
                sum += h.join().await.unwrap();
            }
            assert_eq!(sum, index_sum(idle));
        }),
        "live_handles/tokio" => rt.block_on(async {
            let handles: Vec<_> = (0..idle as u64).map(|i| tokio::spawn(returns(i))).collect();
            report_when_parked("live_handles", idle, per).await; // here: all have returned
            let mut sum = 0;
            for h in handles {
                sum += h.await.unwrap();
            }
            assert_eq!(sum, index_sum(idle));
        }),
        "live_handles/tokio (JoinSet)" => rt.block_on(async {
            let mut set = tokio::task::JoinSet::new();
            for i in 0..idle as u64 {
                set.spawn(returns(i));
            }
            report_when_parked("live_handles", idle, per).await; // here: all have returned
            let mut sum = 0;
            while let Some(r) = set.join_next().await {
                sum += r.unwrap();
            }
            assert_eq!(sum, index_sum(idle));
        }),
        "million_goroutines/gokio" => rt.block_on(async {
            let start = Instant::now();
            let ch = gokio::chan::<u64>(0);
            let wg = gokio::WaitGroup::new();
            for _ in 0..million {
                let rx = ch.receiver();
                drop(wg.go(async move {
                    PARKED.fetch_add(1, Ordering::Relaxed);
                    assert_eq!(rx.recv().await, None);
                }));
            }
            // Not `all_parked`: its settling sleep would be counted in the wall time.
            while PARKED.load(Ordering::Relaxed) < million {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            ch.close();
            wg.wait().await;
            let wall = start.elapsed();
            let (_, peak) = rss();
            println!("million_goroutines_wall\t{}", wall.as_secs_f64() * 1e3);
            println!("million_goroutines_peak_rss\t{}", (peak - base) / 1e6);
        }),
        other => panic!("unknown {CHILD_ENV}={other}"),
    }
}
