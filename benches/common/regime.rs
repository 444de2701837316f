//! Which regime the machine is in: do the two tokio workers run in parallel, or share a core?
//!
//! On a 2-vCPU virtual machine the hypervisor sometimes runs both vCPUs at once and sometimes
//! time-slices them on one physical core, and the rankings of channel and mutex workloads
//! differ between the two. The probe bounces one cache line between two spinning threads: with
//! two free cores a round trip is a cache-line transfer each way (~100–200 ns here); when the
//! threads share a core, each hand-over waits for the other thread to be scheduled
//! (microseconds to milliseconds). [`FREE_CORES_BELOW_NS`] separates the two.
//!
//! A thread that has waited [`SPINS_BEFORE_YIELD`] spin hints for its answer yields its CPU
//! (`sched_yield`) between looks. With free cores the answer comes long before that, so the
//! yield changes nothing there; when both threads are on one CPU (a shared core, or the run
//! pinned with `taskset -c 0` by `benches/report.sh`), a waiter that only spun would keep the
//! CPU from the thread it waits for until the kernel preempts it (a round trip of tens of
//! milliseconds on this machine, so one probe took a single trip); yielding hands it over
//! after the spin budget, and a shared core then reads as a few hundred microseconds a trip
//! (~230 µs on this machine: each side's spin budget once), still far above the threshold.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

/// Round trips at or above this many ns mean the two threads did not run in parallel.
pub const FREE_CORES_BELOW_NS: f64 = 1_000.0;

/// How long one probe runs.
const PROBE_TIME: Duration = Duration::from_millis(3);

/// Spin hints a waiting probe thread spends before it yields its CPU between looks: ~100 µs on
/// this machine (a spin hint is tens of cycles on recent x86), far longer than an answer takes
/// from a free core (~150 ns a round trip), so a round trip with a yield in it is always
/// above [`FREE_CORES_BELOW_NS`].
const SPINS_BEFORE_YIELD: u32 = 4096;

/// One look of a waiting probe thread that has already looked `spins` times: a spin hint,
/// or a yield once the spin budget is spent.
fn wait_a_little(spins: &mut u32) {
    if *spins < SPINS_BEFORE_YIELD {
        *spins += 1;
        std::hint::spin_loop();
    } else {
        thread::yield_now();
    }
}

/// The regime a measurement was taken in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Regime {
    /// Both probes of a round saw two threads run in parallel.
    FreeCores,
    /// Both probes of a round saw the threads share one core.
    SharedCore,
    /// The probes before and after disagreed: the regime changed during the round.
    Mixed,
}

impl Regime {
    /// The label written to results files and reports.
    pub fn label(self) -> &'static str {
        match self {
            Regime::FreeCores => "free-cores",
            Regime::SharedCore => "shared-core",
            Regime::Mixed => "mixed",
        }
    }

    /// The regime of a round from the probes taken before and after it.
    pub fn of(before_ns: f64, after_ns: f64) -> Regime {
        match (
            before_ns < FREE_CORES_BELOW_NS,
            after_ns < FREE_CORES_BELOW_NS,
        ) {
            (true, true) => Regime::FreeCores,
            (false, false) => Regime::SharedCore,
            _ => Regime::Mixed,
        }
    }
}

/// Mean ns per round trip of a value bounced between two spinning threads for ~3 ms.
pub fn round_trip_ns() -> f64 {
    // Odd values: the main thread's turn is over, the echo thread answers with the next even.
    let line = Arc::new(AtomicU64::new(0));
    let stop = u64::MAX;
    let echo = {
        let line = Arc::clone(&line);
        thread::spawn(move || {
            let mut seen = 0;
            let mut spins = 0;
            loop {
                let v = line.load(Ordering::Acquire);
                if v == stop {
                    return;
                }
                if v != seen && v % 2 == 1 {
                    line.store(v + 1, Ordering::Release);
                    seen = v + 1;
                    spins = 0;
                }
                wait_a_little(&mut spins);
            }
        })
    };
    let start = Instant::now();
    let mut trips = 0u64;
    let mut next = 1u64;
    // Reading the clock costs ~25 ns a trip: small against the 1 000 ns threshold, and it
    // keeps a shared-core probe (hundreds of microseconds a trip) from overrunning its time.
    while trips == 0 || start.elapsed() < PROBE_TIME {
        line.store(next, Ordering::Release);
        let mut spins = 0;
        while line.load(Ordering::Acquire) != next + 1 {
            wait_a_little(&mut spins);
        }
        next += 2;
        trips += 1;
    }
    let ns = start.elapsed().as_nanos() as f64 / trips as f64;
    line.store(stop, Ordering::Release);
    echo.join().expect("probe thread");
    ns
}
