//! Channel and select workloads: gokio against kanal, flume, crossfire, async-channel and
//! tokio mpsc. crossfire has no capacity 0: it runs `spsc_buffered`, `mpmc_4x4` and
//! `select_2` with its spsc/mpmc flavours, and `pingpong` with capacity 1 (marked).
//!
//! Run with `cargo bench -p gokio-benches --bench chan`; `benches/report.sh` runs it with the Go program
//! (`benches/go/main.go`, the same workloads) and writes `BENCHMARKS.md`.
//!
//! Workloads (identical for every implementation; values are `u64`, producers send a known
//! range and consumers check the sum):
//!
//! * `spsc_buffered`: 1 producer task, 1 consumer task, capacity 128, 1 000 000 values.
//! * `spsc_unbuffered`: the same with capacity 0 (rendezvous). async-channel and tokio mpsc
//!   cannot have capacity 0 and are left out.
//! * `pingpong`: two capacity-0 channels, 100 000 round trips; ns per round trip. async-channel
//!   and tokio mpsc use capacity 1 and say so in their name.
//! * `mpmc_4x4`: 4 producers, 4 consumers, one capacity-128 channel, 1 000 000 values in all.
//!   tokio mpsc has one receiver and is left out.
//! * `select_8`: 8 producers each send 1/8 of 500 000 values on their own capacity-128
//!   channel; one consumer selects over all 8 (closed channels become nil). kanal is left out:
//!   its cancelled receive future drops values, and the pinned-future workaround of `select_2`
//!   does not scale to 8 readable branches.
//! * `select_2`: 2 producers each send 250 000 values on their own capacity-128 channel; one
//!   consumer selects over both until both are closed (a closed channel is replaced by a nil
//!   one, as Go code does). Peers use `tokio::select!` over their receive futures (kanal:
//!   one pinned future per channel kept across iterations, as its futures are not cancel
//!   safe).
//! * `select_32`: one task drains pre-filled capacity-1024 channels, 1 000 000 values in
//!   chunks of 1024 spread round-robin over 32 channels, with a 32-case select (gokio
//!   `select!`, peers `tokio::select!` over their receive futures): nearly every case is
//!   ready, so this is the cost of choosing among many ready cases. Only the draining is
//!   timed; ns per select.
//! * `select_2_future` / `select_2_future_drain`: `select_2` (and a single-task drain of two
//!   pre-filled capacity-1024 channels) with a third arm on a tokio `Sleep` that never
//!   fires: gokio's `fut(..)` arm against `tokio::select!` over tokio mpsc and
//!   async-channel with the same `Sleep`.
//! * `select_wake_scaling_{16,4096,65536}`: N tasks each loop on
//!   `select! { recv(own) -> v, recv(done) -> _ => break }` with one `done` channel shared by
//!   all, so `done`'s receive queue holds N entries; one task sends 200 000 values on the
//!   unbuffered `own` channels, in a fixed pseudo-random order. Each send wakes one select, which withdraws its `done`
//!   entry and parks again: Go's `dequeueSudoG` makes that O(1), and so must gokio's, so the
//!   per-send cost at N = 65 536 should stay within 2x of N = 16. Only the sends are timed,
//!   from when every task has received a first value and parked again. Peers: `tokio+Notify`, the same loop with
//!   `tokio::select!` over a tokio `mpsc::channel(1)` and a shared `Notify`; and `tokio mpsc`,
//!   the floor: tasks that only receive from their own channel, no select and no shared
//!   queue (a cold task and a cold channel per wake).
//! * `select_first_ready` / `recv_prefilled`: a single task drains a pre-filled capacity-1024
//!   channel, 1 000 000 values in all, with a 2-case select whose first case is ready (the
//!   second channel stays empty) or with a plain `recv()`. Only the draining is timed.
//!
//! Layout: `chan/peer.rs` says once how each library sends and receives ([`peer::Peer`]),
//! and each workload is written once per shape, generic over it: `chan/stream.rs` (spsc,
//! pingpong, mpmc), `chan/select.rs` (selects fed by producer tasks), `chan/drain.rs`
//! (single-task drains), `chan/wake.rs` (wake scaling).

#[path = "common/mod.rs"]
mod common;
#[macro_use]
#[path = "chan/peer.rs"]
mod peer;
#[path = "chan/drain.rs"]
mod drain;
#[path = "chan/select.rs"]
mod select;
#[path = "chan/stream.rs"]
mod stream;
#[path = "chan/wake.rs"]
mod wake;

use common::Bench;

const CAP: usize = 128;
const CHUNK: usize = 1024;

fn main() {
    let mut b = Bench::from_env();
    stream::spsc(&mut b, "spsc_buffered", CAP);
    stream::spsc(&mut b, "spsc_unbuffered", 0);
    stream::pingpong(&mut b);
    stream::mpmc(&mut b);
    select::select_2(&mut b);
    select::select_8(&mut b);
    drain::first_ready(&mut b);
    drain::select_32(&mut b);
    select::select_2_future(&mut b);
    drain::select_2_future_drain(&mut b);
    wake::select_wake_scaling(&mut b);
    if let (Some(sel), Some(recv)) = (
        b.median("select_first_ready", "gokio"),
        b.median("recv_prefilled", "gokio"),
    ) {
        println!(
            "gokio select! (first case ready) / plain recv(): {:.2}x ({sel:.1} vs {recv:.1} ns/op)",
            sel / recv
        );
    }
}
