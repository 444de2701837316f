//! Timer workloads: gokio's timers against Go's (`benches/go/main.go`, the same workloads).
//!
//! Run with `cargo bench -p gokio-benches --bench time`; `benches/report.sh` runs the Go program too.
//!
//! Workloads (the loop runs in one spawned task, as Go's `main` goroutine does):
//!
//! * `zero_timer`: 1 000 000 times, make a timer of duration zero and receive its value —
//!   Go's `TestZeroTimer` (`NewTimer(0)`, `<-t.C`). A zero timer is due at once, so this
//!   measures the cost of a timer that never reaches a timer wheel. ns per timer.

#[path = "common/mod.rs"]
mod common;

use std::time::Duration;

use common::{imp, Bench};
use gokio::time::Timer;

fn main() {
    let mut b = Bench::from_env();
    zero_timer(&mut b);
}

// ---------------------------------------------------------------------------------------
// zero_timer

fn zero_timer(b: &mut Bench) {
    let n = b.n(1_000_000, 1);
    let impls = vec![imp("gokio", move || async move {
        tokio::spawn(async move {
            for _ in 0..n {
                let t = Timer::new(Duration::ZERO);
                t.chan().recv().await.expect("a zero timer fires");
            }
        })
        .await
        .unwrap();
    })];
    b.workload("zero_timer", n, impls);
}
