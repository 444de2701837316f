//! Prints which regime the machine is in right now: `<ns per round trip>\t<regime>`, from the
//! cache-line round-trip probe the harness brackets every round with (`common/regime.rs`).
//! `benches/report.sh` runs it before and after the Go program to label Go's figures.
//!
//! Run with `cargo bench -p gokio-benches --bench probe`.

#[path = "common/mod.rs"]
mod common;

use common::regime::{round_trip_ns, Regime};

fn main() {
    // Three probes, the median: one probe can straddle a regime change.
    let mut ns: Vec<f64> = (0..3).map(|_| round_trip_ns()).collect();
    ns.sort_by(f64::total_cmp);
    let median = ns[1];
    println!("{median:.0}\t{}", Regime::of(median, median).label());
}
