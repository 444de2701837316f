#!/usr/bin/env python3
"""Turns the harness's results file into BENCHMARKS.md and an SVG grouped bar chart.

Called by benches/report.sh. Input: `workload<TAB>implementation<TAB>ns_per_op` lines (from
GOKIO_BENCH_OUT and the Go program). Standard library only.
"""

import argparse
import math
import os
import platform
import subprocess
from html import escape

# Prose definitions, in table order. Keep in sync with the docs of benches/chan.rs,
# benches/sync.rs and benches/spawn.rs.
WORKLOADS = [
    ("spsc_buffered",
     "1 producer task, 1 consumer task, one capacity-128 channel, 1 000 000 `u64` values; "
     "the consumer sums them and the sum is checked. ns per value."),
    ("spsc_unbuffered",
     "The same with capacity 0 (rendezvous: each send waits for its receiver). async-channel, "
     "crossfire and tokio mpsc cannot have capacity 0 and are left out."),
    ("pingpong",
     "Two capacity-0 channels; one task sends `i` on `ping` and waits for it on `pong`, an "
     "echo task sends back what it receives. 100 000 round trips; ns per round trip. "
     "async-channel, crossfire and tokio mpsc use capacity 1 (marked)."),
    ("mpmc_4x4",
     "4 producers send disjoint quarters of 1 000 000 values on one capacity-128 channel, 4 "
     "consumers receive until it is closed; the total is checked. ns per value. tokio mpsc "
     "has a single receiver and is left out."),
    ("select_2",
     "2 producers each send 250 000 values on their own capacity-128 channel; one consumer "
     "loops on a 2-case select until both are closed (a closed channel becomes a nil channel, "
     "`None`, as in Go). gokio uses `select!`; peers use `tokio::select!` over their receive "
     "futures with a branch precondition for closed channels. kanal's receive future drops a "
     "value it was handed if it is cancelled (kanal 0.1.1 `ReceiveFuture::drop`), so kanal keeps one pinned future per channel "
     "across iterations (marked). ns per value."),
    ("select_8",
     "8 producers each send an eighth of 500 000 values on their own capacity-128 channel; "
     "one consumer selects over all 8 until every channel is closed (closed channels become "
     "nil). Peers use an 8-branch `tokio::select!` with branch preconditions. kanal is left "
     "out: its cancelled receive futures drop values (see `select_2`). ns per value."),
    ("select_32",
     "One task drains pre-filled capacity-1024 channels: 1 000 000 values in chunks of 1024, "
     "spread round-robin over 32 channels, taken with a 32-case select (gokio `select!`, "
     "peers a 32-branch `tokio::select!` over their receive futures). Nearly every case is "
     "ready: the cost of choosing among many ready cases. Only the draining is timed; ns "
     "per select."),
    ("select_first_ready",
     "One task drains a pre-filled capacity-1024 channel (1 000 000 values in chunks of 1024; "
     "only the draining is timed) with a 2-case select whose first case is ready and whose "
     "second channel is empty: the fixed cost of a select that does not wait. ns per select."),
    ("recv_prefilled",
     "The same drain with a plain `recv()`: the baseline for `select_first_ready`."),
    ("select_2_future",
     "`select_2` with a third arm on a pinned tokio `Sleep` of one hour, which never fires "
     "(a timeout): 2 producers each send 250 000 values on their own capacity-128 channel, "
     "one consumer selects over both channels and the timer until both are closed. gokio "
     "uses `select!` with a `fut(..)` arm; peers `tokio::select!` over tokio mpsc or "
     "async-channel receive futures and the same `Sleep` (what a tokio program would "
     "write). ns per value."),
    ("select_2_future_drain",
     "The single-task form of `select_2_future`: one task drains two pre-filled "
     "capacity-1024 channels (1 000 000 values in chunks of 1024, alternating between the "
     "two; only the draining is timed) with the same 3-arm select, so both channel cases "
     "are nearly always ready and the timer arm is `Pending` whenever it is polled: the "
     "fixed cost of such a select. ns per select."),
    ("select_wake_scaling_16",
     "N = 16 tasks each loop on a 2-case select, `recv(own)` and `recv(done)`, with one "
     "`done` channel shared by all; one task sends 200 000 values on the unbuffered `own` "
     "channels in a fixed pseudo-random order, so each send wakes one select, which withdraws "
     "its `done` entry and parks again. Only the sends are timed. ns per send. Peers: Go; "
     "**tokio+Notify**, the same loop in tokio (`tokio::select!` over the task's own "
     "`mpsc::channel(1)` and `done.notified()` on one shared `Notify`); **tokio** *(no "
     "select: floor)*, each task only receives from its own `mpsc::channel(1)`: no select and "
     "no shared queue, a cold task and a cold channel per wake."),
    ("select_wake_scaling_4096",
     "The same with N = 4 096: the withdrawal from `done`'s queue of N entries is O(1) (Go's "
     "`dequeueSudoG`), so what grows with N is memory traffic."),
    ("select_wake_scaling_65536",
     "The same with N = 65 536 (see *Waiter scaling* below)."),
    ("pipeline",
     "`benches/pipeline.rs`: a generator sends 500 000 `u64`s on a capacity-128 channel, 4 "
     "workers compute `x * x % 7919` into one shared capacity-128 channel, one consumer sums "
     "and checks. gokio uses the `pattern` helpers (`generate` + `fan_out`); async-channel is "
     "the same topology by hand with `tokio::spawn`; `gokio chan+go` is by hand with gokio "
     "channels; `gokio ordered` uses `fan_out_ordered`. ns per item."),
    ("mutex_uncontended",
     "One task, 1 000 000 × (lock, increment a `u64`, unlock); the final count is checked. "
     "gokio `Mutex`, `tokio::sync::Mutex`, `std::sync::Mutex` and Go's `sync.Mutex`. ns per "
     "lock/unlock. `std` blocks the worker thread instead of yielding it (marked *blocking*): "
     "the floor, not an alternative for a lock held across `.await`."),
    ("mutex_contended_8",
     "8 tasks × 200 000 × (lock, increment, unlock) on one shared mutex, on the 2 worker "
     "threads (Go: 8 goroutines, `GOMAXPROCS=2`). ns per lock/unlock. Peers: "
     "`tokio::sync::Mutex`, `futures::lock::Mutex`, `async_lock::Mutex`, std, Go."),
    ("mutex_fairness",
     "Go's `TestMutexFairness` as a measurement: task A loops (lock, 100 µs of busy work, "
     "unlock); task B does 10 × (100 µs of busy work, lock, unlock). ns per B iteration, its "
     "100 µs of work included (so 100 000 is the floor). An unfair mutex lets A re-lock "
     "ahead of B for a long time. gokio vs `tokio::sync::Mutex` vs Go."),
    ("mutex_contended_128",
     "The same with 128 tasks × 12 500."),
    ("mutex_contended_1024",
     "The same with 1 024 tasks × 1 562 (1 599 488 in all)."),
    ("zero_timer",
     "`benches/time.rs`: 1 000 000 times, make a timer of duration zero and receive its value "
     "(Go's `TestZeroTimer`: `NewTimer(0)`, `<-t.C`), in one task. A due timer fires without "
     "the timer wheel. ns per timer."),
    ("spawn_join_100k",
     "From inside one task, spawn 100 000 tasks that each return their index, then join "
     "every handle in spawn order and check the sum. `gokio::go` + `Goroutine::join` vs "
     "`tokio::spawn` + `JoinHandle`. Go has no join handle: each goroutine stores its result "
     "in its own slice slot and calls `Done` on one `sync.WaitGroup`; the spawner waits, "
     "then sums the slots; **tokio+Notify** does the same with `tokio::spawn`, an atomic "
     "countdown and a `Notify`. ns per task."),
    ("waitgroup_100k",
     "From inside one task, start 100 000 tasks as a group and wait for all of them: "
     "`WaitGroup::go` (handles dropped) + `wg.wait()` vs tokio `JoinSet::spawn` + "
     "`join_next` until empty (marked *JoinSet*) vs Go `wg.Add(1); go func(){ wg.Done() }()` "
     "+ `wg.Wait()` vs **tokio+Notify** (`tokio::spawn`, an atomic countdown, a `Notify`). "
     "ns per task."),
    ("waitgroup_add_done",
     "`benches/sync.rs`: one task, 1 000 000 × (take a `wg.guard()` and drop it: Go's "
     "`wg.Add(1)`, `wg.Done()`), with `wg.wait()` on the zero counter every 1 000. The "
     "counter's hot path, without any goroutine: gokio vs Go (`Add(1)`, `Done()`, `Wait()` "
     "on a package-level `sync.WaitGroup`). ns per add/done."),
]

# Memory workloads (benches/memory.rs, benches/go/mem.go): (name, unit, prose). Their rows
# go to the memory table, not to the ns/op table or the chart.
MEMORY = [
    ("idle_goroutine_shared_chan", "bytes per goroutine",
     "100 000 goroutines, each parked in a receive on one shared capacity-0 `u64` channel "
     "(gokio: each holds its own `Receiver` clone, started with `WaitGroup::go`). Measured "
     "once all have parked; then the channel is closed and all are joined. tokio mpsc has a "
     "single receiver and is left out."),
    ("idle_goroutine_own_chan", "bytes per goroutine",
     "100 000 goroutines, each parked in a receive on its own channel, its cost included: "
     "gokio `chan::<u64>(0)`, tokio `mpsc::channel::<u64>(1)` (no capacity 0), Go "
     "`make(chan uint64)`. The spawner keeps the sending ends in a pre-sized vector/slice "
     "(8 bytes each, counted); tokio also keeps the `JoinHandle`s (8 bytes each, counted), "
     "gokio and Go join with a WaitGroup."),
    ("buffered_chan_128", "bytes per channel",
     "10 000 capacity-128 `u64` channels, each holding 128 values, kept in a pre-sized "
     "vector/slice: gokio `chan::<u64>(128)`, tokio `mpsc::channel::<u64>(128)`, Go "
     "`make(chan uint64, 128)`. The 128 values alone are 1 024 bytes."),
    ("live_handles", "bytes per handle",
     "100 000 goroutines that each return their index at once, their handles kept: gokio "
     "`go` into a pre-sized `Vec<Goroutine<u64>>` (16 bytes a handle), tokio `tokio::spawn` "
     "into a pre-sized `Vec<JoinHandle<u64>>` (8 bytes), and tokio `JoinSet::spawn`. Measured "
     "once every goroutine has returned: what is left is each finished task, holding its "
     "output until it is joined, and its handle. Go has no join handle, and a finished "
     "goroutine leaves nothing behind."),
    ("million_goroutines_wall", "ms",
     "1 000 000 goroutines (gokio `WaitGroup::go`, Go `go` + `sync.WaitGroup`) each park in a "
     "receive on one shared capacity-0 channel; once all have parked (each counts itself "
     "in an atomic just before its receive; the spawner polls the count every ms) the "
     "channel is closed, which wakes them all, and the WaitGroup wait joins them. Wall time "
     "from the first spawn to the end of the wait, one run."),
    ("million_goroutines_peak_rss", "MB",
     "The same run: peak resident memory (`VmHWM`) above the process's resident memory "
     "(`VmRSS`) before the first spawn."),
]
MEMORY_NAMES = {name for name, _, _ in MEMORY}
MEMORY_PEERS = ["gokio", "tokio", "tokio (JoinSet)", "go", "go RSS"]

# Column order; an implementation name may carry a " (note)" suffix, e.g. "tokio mpsc (cap 1)".
# "tokio mpsc" (channel workloads) and "tokio" (Mutex, spawn, JoinSet) share one column.
PEERS = ["gokio", "kanal", "flume", "crossfire", "async-channel", "tokio", "tokio+Notify",
         "futures", "async-lock", "std", "go"]
ALIASES = {"tokio mpsc": "tokio"}
COLORS = {
    "gokio": "#d62728",
    "kanal": "#1f77b4",
    "flume": "#2ca02c",
    "crossfire": "#ff7f0e",
    "futures": "#bcbd22",
    "async-lock": "#e377c2",
    "tokio+Notify": "#c49c94",
    "async-channel": "#9467bd",
    "tokio": "#8c564b",
    "std": "#7f7f7f",
    "go": "#17becf",
    "gokio chan+go": "#ff9896",
    "gokio ordered": "#8b0000",
}


def base_and_note(name):
    if " (" in name and name.endswith(")"):
        base, note = name.split(" (", 1)
        return base, note[:-1]
    return name, None


# The regimes a round can be labelled with (benches/common/regime.rs); "mixed" rounds count
# only in the all-rounds figures.
REGIMES = [("free-cores", "free cores"), ("shared-core", "shared core")]
# A regime's figure needs at least this many passes (rounds taken in it) to decide a target.
MIN_PASSES = 3


def read_results(path):
    """({workload: {peer: (ns, note)}} over all rounds,
    {regime: {workload: {peer: (ns, note)}}}, {regime: {workload: {peer: passes}}},
    {regime: {workload: {peer: pinned passes}}}).
    A line is `workload, impl, value` (all rounds) or `workload, impl, value, regime, passes`,
    with a sixth field `pinned` for a run under `taskset -c 0` (report.sh's
    `GOKIO_BENCH_REGIMES=both`). Several lines for one key (Go runs once per pass, the pinned
    run adds its own) give the median of their values, each weighted by its passes (so
    about the median of all the rounds), and their passes add up."""
    values, notes, counts, pinned_counts = {}, {}, {}, {}
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            fields = line.split("\t")
            workload, impl, ns = fields[:3]
            if workload in MEMORY_NAMES:
                base, note = impl, None
            else:
                base, note = base_and_note(impl)
                base = ALIASES.get(base, base)
            regime, n = (fields[3], int(fields[4])) if len(fields) >= 5 else ("all", 1)
            key = (regime, workload, base)
            values.setdefault(key, []).extend([float(ns)] * n)
            notes[key] = note
            counts[key] = counts.get(key, 0) + n
            if len(fields) >= 6 and fields[5] == "pinned":
                pinned_counts[key] = pinned_counts.get(key, 0) + n
    data, by_regime, passes, pinned = {}, {}, {}, {}
    for key, vs in values.items():
        regime, workload, base = key
        vs.sort()
        cell = (vs[len(vs) // 2], notes[key])
        if regime == "all":
            data.setdefault(workload, {})[base] = cell
        else:
            by_regime.setdefault(regime, {}).setdefault(workload, {})[base] = cell
            passes.setdefault(regime, {}).setdefault(workload, {})[base] = counts[key]
            pinned.setdefault(regime, {}).setdefault(workload, {})[base] = \
                pinned_counts.get(key, 0)
    return data, by_regime, passes, pinned


def short_workloads(path, regime):
    """The timing workloads of the results file `path` whose every implementation has fewer
    than MIN_PASSES passes in `regime` (report.sh runs them again), comma-separated."""
    data, _, passes, _ = read_results(path)
    short = [w for w in workload_order({w: r for w, r in data.items() if w not in MEMORY_NAMES})
             if min((passes.get(regime, {}).get(w, {}).get(i, 0) for i in data[w]),
                    default=0) < MIN_PASSES]
    return ",".join(short)


def passes_text(passes, pinned, regime, workload, impl):
    """How many passes (rounds) a regime's figure stands on, e.g. `7` or `10, 7 pinned`."""
    n = passes.get(regime, {}).get(workload, {}).get(impl, 0)
    p = pinned.get(regime, {}).get(workload, {}).get(impl, 0)
    return f"{n}, {p} pinned" if p else f"{n}"


def run(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "not installed"


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def workload_order(data):
    known = [w for w, _ in WORKLOADS if w in data]
    return known + sorted(w for w in data if w not in known)


def peer_order(data):
    seen = {p for row in data.values() for p in row}
    return [p for p in PEERS if p in seen] + sorted(seen - set(PEERS))


def fmt_ns(ns):
    return f"{ns:,.0f}" if ns >= 100 else f"{ns:.1f}"


def mem_total():
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def fmt_mem(v):
    return f"{v:,.0f}" if v >= 100 else f"{v:.1f}"


def ratio_cells(row, peers, fmt):
    """One table row's cells: gokio in bold, every peer with the gokio/peer ratio and its
    note (if any); blank where the workload does not apply to the peer."""
    gokio = row.get("gokio", (None, None))[0]
    cells = []
    for p in peers:
        if p not in row:
            cells.append("")
            continue
        v, note = row[p]
        cell = fmt(v)
        if p == "gokio":
            cell = f"**{cell}**"
        elif gokio is not None and v > 0:
            cell += f" ({gokio / v:.2f})"
        if note:
            cell += f" *{note}*"
        cells.append(cell)
    return cells


def memory_table(mem):
    """The memory section: prose, then one row per memory workload, gokio ÷ peer ratios."""
    out = ["## Memory\n",
           "`cargo bench -p gokio-benches --bench memory` and `benches/go/mem.go`. Every (workload, "
           "implementation) runs in a fresh child process, so that memory freed by one "
           "measurement cannot be reused by the next and hide its cost. Rust figures are "
           "deltas of resident memory (`VmRSS`/`VmHWM` from `/proc/self/status`; whole "
           "pages, allocator overhead included, no custom allocator); with 100 000 goroutines "
           "a 4 KiB page is 0.04 bytes per goroutine (10 000 goroutines give figures within "
           "3% of these). Go is measured twice: **go** is the `runtime.ReadMemStats` delta of "
           "`StackInuse + HeapInuse` (after `runtime.GC()`), **go RSS** the `VmRSS` delta "
           "as on the Rust side. The median of 3 child runs (1 for `million_goroutines`). "
           "Ratios in parentheses are **gokio ÷ peer** (below 1: gokio uses less).\n"]
    for name, unit, prose in MEMORY:
        if name in mem:
            out.append(f"- **`{name}`** ({unit}): {prose}")
    out.append("")
    peers = [p for p in MEMORY_PEERS if any(p in row for row in mem.values())]
    out.append("| workload | unit | " + " | ".join(peers) + " |")
    out.append("|---|---|" + "---:|" * len(peers))
    for name, unit, _ in MEMORY:
        row = mem.get(name)
        if not row:
            continue
        cells = ratio_cells(row, peers, fmt_mem)
        out.append(f"| `{name}` | {unit} | " + " | ".join(cells) + " |")
    out.append("")
    return out


def short_of_passes(data, passes, regime, title):
    """A sentence saying which workloads have fewer than MIN_PASSES gokio rounds in
    `regime`, so that their targets stay undecided, and what to do about it."""
    ours = [w for w in workload_order(data) if "gokio" in data[w]]
    short = [w for w in ours
             if passes.get(regime, {}).get(w, {}).get("gokio", 0) < MIN_PASSES]
    if not short:
        return (f"Every workload has at least {MIN_PASSES} passes with {title}.\n")
    if regime == "free-cores":
        how = ("Free cores cannot be forced: the hypervisor decides, and a busy machine "
               "reads as shared core; the top-ups (`GOKIO_BENCH_TOPUP`) did not get enough "
               "either. Run again on a quiet machine.")
    else:
        how = "`GOKIO_BENCH_REGIMES=both` adds pinned shared-core passes."
    listed = ", ".join(f"`{w}`" for w in short)
    return (f"**{len(short)} of {len(ours)} workloads have fewer than {MIN_PASSES} passes "
            f"with {title}** in this run, so their targets stay *unknown* in this regime: "
            f"{listed}. {how}\n")


def regime_tables(data, by_regime, passes, pinned, args_topup=""):
    """One results table per regime: the same cells as the main table, from the rounds taken
    in that regime only, with the number of such rounds (passes) per workload."""
    out = ["## By regime\n",
           "This 2-vCPU machine is sometimes in one of two regimes: both tokio workers run in "
           "parallel (**free cores**), or they share one core (**shared core**), and rankings "
           "differ between them. The harness brackets every round with a probe that bounces "
           "one cache line between two spinning threads (`benches/common/regime.rs`): a round "
           "trip under 1 µs (about 150 ns) means free cores, more means a shared core; a round "
           "whose two probes disagree is *mixed* and counts only in the table above. Each "
           "figure below is the median over the rounds taken in that regime; *passes* is how "
           "many (gokio's). Go runs as whole processes (`GOKIO_GO_PASSES`, default 3), each "
           "between two probes (`benches/probe.rs`): a pass counts in the regime both probes "
           "saw, or only above if they disagree.\n"]
    if any(n for r in pinned.values() for w in r.values() for n in w.values()):
        out.append(
            "**Pinned passes.** The machine gives the shared-core regime only by chance, so "
            "this report was made with `GOKIO_BENCH_REGIMES=both`: after the run above, "
            "the timing benches and the Go passes ran once more under `taskset -c 0` (see "
            "*Command*), which puts both tokio workers (Go: both `GOMAXPROCS=2` threads) "
            "and the probe's two threads on one CPU. The shared core of those passes is "
            "produced by pinning, not found: one CPU shared by the process's threads, as when "
            "the hypervisor runs both vCPUs on one core, though the scheduler that switches "
            "them is Linux's, not the hypervisor's. The probe still measured every pinned "
            "round (a round trip of microseconds to milliseconds, each labelled shared "
            "core). Pinned rounds count only in the tables below, where *passes* says how "
            "many of them are pinned (e.g. `10, 7 pinned`), not in the all-rounds table "
            "above.\n")
    if args_topup:
        out.append(
            "**Top-ups.** Free cores cannot be forced, so after the first run every workload "
            f"with fewer than {MIN_PASSES} free-core passes ran again (those workloads only), up "
            "to `GOKIO_BENCH_TOPUP` times (default 2; see *Command*). Their rounds count in the "
            "tables below, in whichever regime the probe saw, and not in the all-rounds table "
            "above.\n")
    for key, title in REGIMES:
        rows = by_regime.get(key, {})
        out.append(f"### {title.capitalize()}\n")
        out.append(short_of_passes(data, passes, key, title))
        if not rows:
            continue
        peers = peer_order(rows)
        out.append("| workload | passes | " + " | ".join(peers) + " |")
        out.append("|---|---:|" + "---:|" * len(peers))
        for w in workload_order(rows):
            n = passes_text(passes, pinned, key, w, "gokio")
            cells = ratio_cells(rows[w], peers, fmt_ns)
            out.append(f"| `{w}` | {n} | " + " | ".join(cells) + " |")
        out.append("")
    return out


def markdown(data, mem, args, by_regime, passes, pinned):
    workloads = workload_order(data)
    peers = peer_order(data)
    out = []
    out.append("# gokio benchmarks\n")
    out.append(
        "Generated by `bash benches/report.sh` (do not edit by hand). Each figure is the "
        "median of `GOKIO_BENCH_ROUNDS` rounds (default 7), implementations run alternating "
        "after one warm-up round, on one 2-worker tokio multi-thread runtime; every task is "
        "a `tokio::spawn`. The order **rotates**: round r starts at implementation r mod k "
        "(A, B, C, then B, C, A, then C, A, B, ...), because whichever implementation runs "
        "first in a round pays for the state the previous round left behind (see *Spawn + "
        "join* under *Where the time goes*). Go runs the same workloads with "
        "`GOMAXPROCS=2` (`benches/go/main.go`, `benches/go/mem.go`). The harness is "
        "`benches/common/mod.rs`.\n"
    )
    out.append("## Machine\n")
    out.append(f"- CPU: {cpu_model()}, `nproc` = {run(['nproc'])}")
    out.append(f"- Memory: {mem_total()}")
    out.append(f"- OS: {platform.system()} {platform.release()}")
    out.append(f"- Rust: `{run(['rustc', '--version'])}`")
    out.append(f"- Go: `{run(['go', 'version'])}`")
    try:
        with open("/proc/loadavg") as f:
            load = " ".join(f.read().split()[:3])
        out.append(f"- Load average when the report was written: {load} (figures from a "
                   "busy machine are noisy: see the min..max spread in the raw output)")
    except OSError:
        pass
    scale = os.environ.get("GOKIO_BENCH_SCALE", "1.0")
    rounds = os.environ.get("GOKIO_BENCH_ROUNDS", "7")
    out.append(f"- `GOKIO_BENCH_SCALE={scale}`, `GOKIO_BENCH_ROUNDS={rounds}`\n")
    out.append("## Command\n")
    topup = ""
    if args.topup_command:
        topup = ("# then, for the workloads with fewer than 3 free-core passes (top-ups, "
                 f"`GOKIO_BENCH_TOPUP`):\n{args.topup_command}\n")
    if args.pinned_command:
        out.append("```sh\nGOKIO_BENCH_REGIMES=both bash benches/report.sh\n# which runs:\n"
                   f"{args.command}\n{topup}{args.go_command}\n# then, pinned to one CPU (the "
                   f"shared-core regime by construction):\n{args.pinned_command}\n```\n")
    else:
        out.append("```sh\nbash benches/report.sh\n# which runs:\n"
                   f"{args.command}\n{topup}{args.go_command}\n```\n")
    out.append("## Workloads\n")
    out.append("Identical for every implementation; values are `u64` and every producer/"
               "consumer workload checks the received sum.\n")
    prose = dict(WORKLOADS)
    for w in workloads:
        out.append(f"- **`{w}`**: {prose.get(w, '(no description)')}")
    out.append("")
    out.append("## Results\n")
    out.append(
        "ns per operation (lower is better). The ratio in parentheses is **gokio ÷ peer**: "
        "above 1 means gokio is slower than that peer, below 1 faster. A blank cell: the "
        "workload does not apply to that peer. The **tokio** column is `tokio::sync::mpsc` "
        "for the channel workloads, `tokio::sync::Mutex` for the mutex workloads, "
        "`tokio::spawn` / `JoinSet` for the goroutine workloads; **std** is "
        "`std::sync::Mutex`.\n"
    )
    out.append("| workload | " + " | ".join(peers) + " |")
    out.append("|---|" + "---:|" * len(peers))
    for w in workloads:
        row = data[w]
        cells = ratio_cells(row, peers, fmt_ns)
        out.append(f"| `{w}` | " + " | ".join(cells) + " |")
    out.append("")
    for peer in ("gokio", "go"):
        sel = data.get("select_first_ready", {}).get(peer)
        recv = data.get("recv_prefilled", {}).get(peer)
        if sel and recv:
            out.append(f"- {peer}: a 2-case select whose first case is ready costs "
                       f"{sel[0] / recv[0]:.2f}× a plain receive "
                       f"({fmt_ns(sel[0])} vs {fmt_ns(recv[0])} ns).")
    out.append("")
    out.append("![chart](benches/chart.svg)\n")
    out.extend(regime_tables(data, by_regime, passes, pinned, args.topup_command))
    out.extend(targets_table(data, by_regime, passes, pinned))
    out.extend(scaling_table(data))
    analysis = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ANALYSIS.md")
    if os.path.exists(analysis):
        with open(analysis) as f:
            out.append(f.read().strip() + "\n")
    if mem:
        out.extend(memory_table(mem))
    if args.stdout and os.path.exists(args.stdout):
        with open(args.stdout) as f:
            raw = f.read().strip()
        out.append("<details><summary>Raw harness output (with min..max over the rounds)"
                   "</summary>\n\n```text\n" + raw + "\n```\n</details>\n")
    return "\n".join(out)


# The project's performance targets (from its issues): (description, workload, numerator,
# denominator, bound). The measured ratio numerator/denominator must be at most `bound` (for
# "faster than", strictly below).
TARGETS = [
    ("channels faster than Go", "spsc_buffered", "gokio", "go", 1.0),
    ("channels faster than Go", "spsc_unbuffered", "gokio", "go", 1.0),
    ("channels faster than Go", "pingpong", "gokio", "go", 1.0),
    ("channels faster than Go", "mpmc_4x4", "gokio", "go", 1.0),
    ("channels at least as fast as kanal", "spsc_buffered", "gokio", "kanal", 1.0),
    ("channels at least as fast as kanal", "spsc_unbuffered", "gokio", "kanal", 1.0),
    ("channels at least as fast as kanal", "pingpong", "gokio", "kanal", 1.0),
    ("channels at least as fast as kanal", "mpmc_4x4", "gokio", "kanal", 1.0),
    ("select faster than Go", "select_2", "gokio", "go", 1.0),
    ("select faster than Go", "select_8", "gokio", "go", 1.0),
    ("select over 32 ready channels at least as fast as tokio::select!", "select_32", "gokio",
     "async-channel", 1.0),
    ("ready select within 2× of a plain receive", "select_first_ready", "gokio",
     ("recv_prefilled", "gokio"), 2.0),
    ("select wake + re-park at 65,536 waiters within 2× of 16", "select_wake_scaling_65536",
     "gokio", ("select_wake_scaling_16", "gokio"), 2.0),
    ("Mutex within 2× of Go's sync.Mutex", "mutex_uncontended", "gokio", "go", 2.0),
    ("Mutex within 2× of Go's sync.Mutex", "mutex_contended_8", "gokio", "go", 2.0),
] + [
    (f"contended Mutex at least as fast as {peer}", f"mutex_contended_{tasks}", "gokio", peer, 1.0)
    for tasks in (8, 128, 1024)
    for peer in ("futures", "async-lock", "go")
] + [
    ("`go` within 10% of `tokio::spawn`", "spawn_join_100k", "gokio", "tokio", 1.10),
    ("spawn + join at least as fast as tokio + Notify countdown", "spawn_join_100k", "gokio",
     "tokio+Notify", 1.0),
    ("WaitGroup at least as fast as tokio + Notify countdown", "waitgroup_100k", "gokio",
     "tokio+Notify", 1.0),
    ("WaitGroup join at least as fast as Go", "waitgroup_100k", "gokio", "go", 1.0),
    ("pipeline within 5% of hand-written tokio", "pipeline", "gokio", "async-channel", 1.05),
    # Issue 20's target proper: the helpers against the same topology written by hand with
    # gokio's own channels and goroutines, so the helpers' own cost shows.
    ("pattern helpers within 5% of the same topology by hand with gokio", "pipeline", "gokio",
     "gokio chan+go", 1.05),
    ("pipeline faster than Go", "pipeline", "gokio", "go", 1.0),
    ("zero timers at least as fast as Go's", "zero_timer", "gokio", "go", 1.0),
]


def target_ratio(data, workload, num, den):
    """The ratio num/den for a target in one table of figures, or None if either is missing."""
    a = data.get(workload, {}).get(num)
    if isinstance(den, tuple):
        b = data.get(den[0], {}).get(den[1])
    else:
        b = data.get(workload, {}).get(den)
    if not a or not b:
        return None
    return a[0] / b[0]


def target_met(r, bound):
    return r < bound if bound == 1.0 else r <= bound


def targets_table(data, by_regime, passes, pinned):
    out = ["## Targets\n",
           "Each target, the measured ratio over all rounds and in each regime (with its "
           "passes), and whether it is met. A target counts as met only if it holds in both "
           f"regimes, each with at least {MIN_PASSES} passes; *unknown* means a regime was "
           "not seen often enough in this run to decide. A regime's passes include the pinned "
           "ones (`taskset -c 0`, see *By regime*), marked as such; the all-rounds column "
           "does not. Misses are explained under *Where the time goes* below.\n",
           "| target | workload | all rounds | free cores | shared core | bound | met |",
           "|---|---|---:|---:|---:|---:|:-:|"]
    for desc, workload, num, den, bound in TARGETS:
        r = target_ratio(data, workload, num, den)
        if r is None:
            continue
        against = f"`{den[0]}`" if isinstance(den, tuple) else den
        cells, verdicts = [], []
        for key, _ in REGIMES:
            rr = target_ratio(by_regime.get(key, {}), workload, num, den)
            n = passes.get(key, {}).get(workload, {}).get(num, 0)
            if rr is None:
                cells.append("–")
                verdicts.append(None)
                continue
            cells.append(f"{rr:.2f} ({passes_text(passes, pinned, key, workload, num)})")
            verdicts.append(target_met(rr, bound) if n >= MIN_PASSES else None)
        if False in verdicts:
            met = "**no**"
        elif None in verdicts:
            met = "unknown" if target_met(r, bound) else "**no**"
        else:
            met = "yes"
        out.append(f"| {desc} | `{workload}` (gokio ÷ {against}) | {r:.2f} | "
                   + " | ".join(cells) + f" | {bound:g} | {met} |")
    out.append("")
    return out


# select_wake_scaling's sizes, smallest first (benches/chan/wake.rs).
SCALING = [16, 4096, 65536]


def scaling_table(data):
    """Waiter scaling: select_wake_scaling per N for every implementation, and the ratio of
    the largest N to the smallest (issue 15: gokio's must stay within 2×)."""
    rows = {n: data.get(f"select_wake_scaling_{n}", {}) for n in SCALING}
    peers = [p for p in peer_order(rows) if any(p in r for r in rows.values())]
    if not peers:
        return []
    lo, hi = SCALING[0], SCALING[-1]
    out = ["## Waiter scaling\n",
           "`select_wake_scaling_N`: N tasks parked in a 2-case select on their own channel "
           "and one shared `done` channel; one send wakes one of them, which withdraws its "
           "`done` entry and parks again. ns per send (lower is better), median over all "
           f"rounds, and the ratio N = {hi:,} ÷ N = {lo} per implementation (issue 15's "
           "target: at most 2 for gokio). **tokio** is the floor: its tasks only receive "
           "from their own channel, so what grows there with N is waking one of N parked "
           "tokio tasks through a channel of its own (a cold task and a cold channel), "
           "with no select and no shared queue; **tokio+Notify** is the same loop as "
           "gokio's in tokio. *Where the time goes* (Waiter scaling) says where gokio's "
           "growth comes from.\n",
           "| N | " + " | ".join(peers) + " |",
           "|---:|" + "---:|" * len(peers)]
    for n in SCALING:
        cells = []
        for p in peers:
            cell = rows[n].get(p)
            cells.append("" if cell is None else fmt_ns(cell[0]))
        out.append(f"| {n:,} | " + " | ".join(cells) + " |")
    ratios = []
    for p in peers:
        a, b = rows[hi].get(p), rows[lo].get(p)
        ratios.append(f"**{a[0] / b[0]:.2f}×**" if a and b and b[0] > 0 else "")
    out.append(f"| {hi:,} ÷ {lo} | " + " | ".join(ratios) + " |")
    notes = {p: rows[lo][p][1] for p in peers if p in rows[lo] and rows[lo][p][1]}
    if notes:
        out.append("")
        out.append("Notes: " + "; ".join(f"{p}: *{note}*" for p, note in notes.items())
                   + ".")
    out.append("")
    return out


def svg(data):
    """A grouped bar chart on a log scale, one group per workload, one bar per peer."""
    workloads = workload_order(data)
    peers = peer_order(data)
    values = [ns for row in data.values() for ns, _ in row.values() if ns > 0]
    lo = 10 ** math.floor(math.log10(min(values)))
    hi = 10 ** math.ceil(math.log10(max(values)))
    left, right, top, bottom = 70, 20, 60, 70
    bar, gap = 14, 18
    group_w = bar * len(peers) + gap
    width = left + right + group_w * len(workloads)
    height = 440
    plot_h = height - top - bottom

    def y(ns):
        return top + plot_h * (1 - (math.log10(ns) - math.log10(lo))
                               / (math.log10(hi) - math.log10(lo)))

    s = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
         f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
         f'<rect width="{width}" height="{height}" fill="white"/>',
         f'<text x="{left}" y="20" font-size="15" font-weight="bold">'
         'gokio benchmarks: ns per op (log scale, lower is better)</text>']
    # Grid lines at 1, 2, 5 x each decade.
    decade = lo
    while decade <= hi:
        for m in (1, 2, 5):
            v = decade * m
            if v > hi:
                break
            yy = y(v)
            dash = "" if m == 1 else ' stroke-dasharray="3,3"'
            s.append(f'<line x1="{left}" y1="{yy:.1f}" x2="{width - right}" y2="{yy:.1f}" '
                     f'stroke="#ddd"{dash}/>')
            s.append(f'<text x="{left - 6}" y="{yy + 4:.1f}" text-anchor="end">{v:g}</text>')
        decade *= 10
    s.append(f'<text x="16" y="{top + plot_h / 2:.0f}" transform="rotate(-90 16 '
             f'{top + plot_h / 2:.0f})" text-anchor="middle">ns/op</text>')
    for gi, w in enumerate(workloads):
        x0 = left + gi * group_w + gap / 2
        for pi, p in enumerate(peers):
            if p not in data[w]:
                continue
            ns, note = data[w][p]
            yy = y(ns)
            label = p + (f" ({note})" if note else "")
            s.append(f'<rect x="{x0 + pi * bar:.1f}" y="{yy:.1f}" width="{bar - 2}" '
                     f'height="{top + plot_h - yy:.1f}" fill="{COLORS.get(p, "#7f7f7f")}">'
                     f'<title>{escape(w)} / {escape(label)}: {ns:.1f} ns/op</title></rect>')
        cx = x0 + bar * len(peers) / 2
        # Alternate two label rows so that long neighbouring names do not overlap.
        s.append(f'<text x="{cx:.1f}" y="{top + plot_h + 18 + 15 * (gi % 2)}" '
                 f'text-anchor="middle">{escape(w)}</text>')
    s.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" '
             f'y2="{top + plot_h}" stroke="#333"/>')
    # Legend.
    lx = left
    for p in peers:
        s.append(f'<rect x="{lx}" y="32" width="12" height="12" '
                 f'fill="{COLORS.get(p, "#7f7f7f")}"/>')
        s.append(f'<text x="{lx + 16}" y="43">{escape(p)}</text>')
        lx += 28 + 7 * len(p)
    s.append("</svg>")
    return "\n".join(s) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--results", required=True)
    ap.add_argument("--stdout")
    ap.add_argument("--command", required=True)
    ap.add_argument("--go-command", required=True)
    ap.add_argument("--pinned-command", default="",
                    help="the commands of report.sh's pinned run, if there was one")
    ap.add_argument("--topup-command", default="",
                    help="the commands of report.sh's free-core top-ups, one per line, if any")
    ap.add_argument("--markdown", required=True)
    ap.add_argument("--svg", required=True)
    args = ap.parse_args()
    results, by_regime, passes, pinned = read_results(args.results)
    data = {w: row for w, row in results.items() if w not in MEMORY_NAMES}
    mem = {w: row for w, row in results.items() if w in MEMORY_NAMES}
    if not data:
        raise SystemExit(f"{args.results}: no results")
    with open(args.svg, "w") as f:
        f.write(svg(data))
    with open(args.markdown, "w") as f:
        f.write(markdown(data, mem, args, by_regime, passes, pinned))


if __name__ == "__main__":
    main()
