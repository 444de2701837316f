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

#[path = "common/mod.rs"]
mod common;

use std::future::Future;
use std::time::{Duration, Instant};

use common::{imp, imp_timed, sum_to, Bench};

const CAP: usize = 128;
const CHUNK: usize = 1024;

fn main() {
    let mut b = Bench::from_env();
    spsc(&mut b, "spsc_buffered", CAP);
    spsc(&mut b, "spsc_unbuffered", 0);
    pingpong(&mut b);
    mpmc(&mut b);
    select_2(&mut b);
    select_8(&mut b);
    first_ready(&mut b);
    select_32(&mut b);
    select_2_future(&mut b);
    select_wake_scaling(&mut b);
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

// ---------------------------------------------------------------------------------------
// spsc_buffered, spsc_unbuffered

fn spsc(b: &mut Bench, name: &str, cap: usize) {
    let n = b.n(1_000_000, 1);
    let mut impls = vec![
        imp("gokio", move || async move {
            let (tx, rx) = gokio::chan::<u64>(cap).split();
            let p = tokio::spawn(async move {
                for i in 0..n as u64 {
                    tx.send(i).await.unwrap();
                }
            });
            let c = tokio::spawn(async move {
                let mut sum = 0;
                while let Some(v) = rx.recv().await {
                    sum += v;
                }
                sum
            });
            p.await.unwrap();
            assert_eq!(c.await.unwrap(), sum_to(n));
        }),
        imp("kanal", move || async move {
            let (tx, rx) = kanal::bounded_async::<u64>(cap);
            let p = tokio::spawn(async move {
                for i in 0..n as u64 {
                    tx.send(i).await.unwrap();
                }
            });
            let c = tokio::spawn(async move {
                let mut sum = 0;
                while let Ok(v) = rx.recv().await {
                    sum += v;
                }
                sum
            });
            p.await.unwrap();
            assert_eq!(c.await.unwrap(), sum_to(n));
        }),
        imp("flume", move || async move {
            let (tx, rx) = flume::bounded::<u64>(cap);
            let p = tokio::spawn(async move {
                for i in 0..n as u64 {
                    tx.send_async(i).await.unwrap();
                }
            });
            let c = tokio::spawn(async move {
                let mut sum = 0;
                while let Ok(v) = rx.recv_async().await {
                    sum += v;
                }
                sum
            });
            p.await.unwrap();
            assert_eq!(c.await.unwrap(), sum_to(n));
        }),
    ];
    if cap > 0 {
        impls.push(imp("crossfire", move || async move {
            let (tx, rx) = crossfire::spsc::bounded_async::<u64>(cap);
            let p = tokio::spawn(async move {
                for i in 0..n as u64 {
                    tx.send(i).await.unwrap();
                }
            });
            let c = tokio::spawn(async move {
                let mut sum = 0;
                while let Ok(v) = rx.recv().await {
                    sum += v;
                }
                sum
            });
            p.await.unwrap();
            assert_eq!(c.await.unwrap(), sum_to(n));
        }));
        impls.push(imp("async-channel", move || async move {
            let (tx, rx) = async_channel::bounded::<u64>(cap);
            let p = tokio::spawn(async move {
                for i in 0..n as u64 {
                    tx.send(i).await.unwrap();
                }
            });
            let c = tokio::spawn(async move {
                let mut sum = 0;
                while let Ok(v) = rx.recv().await {
                    sum += v;
                }
                sum
            });
            p.await.unwrap();
            assert_eq!(c.await.unwrap(), sum_to(n));
        }));
        impls.push(imp("tokio mpsc", move || async move {
            let (tx, mut rx) = tokio::sync::mpsc::channel::<u64>(cap);
            let p = tokio::spawn(async move {
                for i in 0..n as u64 {
                    tx.send(i).await.unwrap();
                }
            });
            let c = tokio::spawn(async move {
                let mut sum = 0;
                while let Some(v) = rx.recv().await {
                    sum += v;
                }
                sum
            });
            p.await.unwrap();
            assert_eq!(c.await.unwrap(), sum_to(n));
        }));
    }
    b.workload(name, n, impls);
}

// ---------------------------------------------------------------------------------------
// pingpong

fn pingpong(b: &mut Bench) {
    let n = b.n(100_000, 1);
    let impls = vec![
        imp("gokio", move || async move {
            let (ping_tx, ping_rx) = gokio::chan::<u64>(0).split();
            let (pong_tx, pong_rx) = gokio::chan::<u64>(0).split();
            let echo = tokio::spawn(async move {
                while let Some(v) = ping_rx.recv().await {
                    pong_tx.send(v).await.unwrap();
                }
            });
            let main = tokio::spawn(async move {
                for i in 0..n as u64 {
                    ping_tx.send(i).await.unwrap();
                    assert_eq!(pong_rx.recv().await, Some(i));
                }
            });
            main.await.unwrap();
            echo.await.unwrap();
        }),
        imp("kanal", move || async move {
            let (ping_tx, ping_rx) = kanal::bounded_async::<u64>(0);
            let (pong_tx, pong_rx) = kanal::bounded_async::<u64>(0);
            let echo = tokio::spawn(async move {
                while let Ok(v) = ping_rx.recv().await {
                    pong_tx.send(v).await.unwrap();
                }
            });
            let main = tokio::spawn(async move {
                for i in 0..n as u64 {
                    ping_tx.send(i).await.unwrap();
                    assert_eq!(pong_rx.recv().await.unwrap(), i);
                }
            });
            main.await.unwrap();
            echo.await.unwrap();
        }),
        imp("flume", move || async move {
            let (ping_tx, ping_rx) = flume::bounded::<u64>(0);
            let (pong_tx, pong_rx) = flume::bounded::<u64>(0);
            let echo = tokio::spawn(async move {
                while let Ok(v) = ping_rx.recv_async().await {
                    pong_tx.send_async(v).await.unwrap();
                }
            });
            let main = tokio::spawn(async move {
                for i in 0..n as u64 {
                    ping_tx.send_async(i).await.unwrap();
                    assert_eq!(pong_rx.recv_async().await.unwrap(), i);
                }
            });
            main.await.unwrap();
            echo.await.unwrap();
        }),
        imp("crossfire (cap 1)", move || async move {
            let (ping_tx, ping_rx) = crossfire::spsc::bounded_async::<u64>(1);
            let (pong_tx, pong_rx) = crossfire::spsc::bounded_async::<u64>(1);
            let echo = tokio::spawn(async move {
                while let Ok(v) = ping_rx.recv().await {
                    pong_tx.send(v).await.unwrap();
                }
            });
            let main = tokio::spawn(async move {
                for i in 0..n as u64 {
                    ping_tx.send(i).await.unwrap();
                    assert_eq!(pong_rx.recv().await.unwrap(), i);
                }
            });
            main.await.unwrap();
            echo.await.unwrap();
        }),
        imp("async-channel (cap 1)", move || async move {
            let (ping_tx, ping_rx) = async_channel::bounded::<u64>(1);
            let (pong_tx, pong_rx) = async_channel::bounded::<u64>(1);
            let echo = tokio::spawn(async move {
                while let Ok(v) = ping_rx.recv().await {
                    pong_tx.send(v).await.unwrap();
                }
            });
            let main = tokio::spawn(async move {
                for i in 0..n as u64 {
                    ping_tx.send(i).await.unwrap();
                    assert_eq!(pong_rx.recv().await.unwrap(), i);
                }
            });
            main.await.unwrap();
            echo.await.unwrap();
        }),
        imp("tokio mpsc (cap 1)", move || async move {
            let (ping_tx, mut ping_rx) = tokio::sync::mpsc::channel::<u64>(1);
            let (pong_tx, mut pong_rx) = tokio::sync::mpsc::channel::<u64>(1);
            let echo = tokio::spawn(async move {
                while let Some(v) = ping_rx.recv().await {
                    pong_tx.send(v).await.unwrap();
                }
            });
            let main = tokio::spawn(async move {
                for i in 0..n as u64 {
                    ping_tx.send(i).await.unwrap();
                    assert_eq!(pong_rx.recv().await, Some(i));
                }
            });
            main.await.unwrap();
            echo.await.unwrap();
        }),
    ];
    b.workload("pingpong", n, impls);
}

// ---------------------------------------------------------------------------------------
// mpmc_4x4

/// Spawns 4 producers sending disjoint quarters of `0..n` and 4 summing consumers, awaits
/// them all and checks the total. `$send(tx, v)` and `$recv(rx)` are the peer's operations.
macro_rules! mpmc_body {
    ($n:expr, $tx:ident, $rx:ident, |$s:ident, $v:ident| $send:expr, |$r:ident| $recv:expr) => {{
        let n = $n as u64;
        let mut producers = Vec::new();
        for p in 0..4u64 {
            let $s = $tx.clone();
            producers.push(tokio::spawn(async move {
                for $v in p * n / 4..(p + 1) * n / 4 {
                    $send;
                }
            }));
        }
        drop($tx);
        let mut consumers = Vec::new();
        for _ in 0..4 {
            let $r = $rx.clone();
            consumers.push(tokio::spawn(async move {
                let mut sum = 0u64;
                while let Some(v) = $recv {
                    sum += v;
                }
                sum
            }));
        }
        drop($rx);
        for p in producers {
            p.await.unwrap();
        }
        let mut total = 0;
        for c in consumers {
            total += c.await.unwrap();
        }
        assert_eq!(total, sum_to(n as usize));
    }};
}

fn mpmc(b: &mut Bench) {
    let n = b.n(1_000_000, 4);
    let impls = vec![
        imp("gokio", move || async move {
            let (tx, rx) = gokio::chan::<u64>(CAP).split();
            mpmc_body!(n, tx, rx, |s, v| s.send(v).await.unwrap(), |r| r
                .recv()
                .await);
        }),
        imp("kanal", move || async move {
            let (tx, rx) = kanal::bounded_async::<u64>(CAP);
            mpmc_body!(n, tx, rx, |s, v| s.send(v).await.unwrap(), |r| r
                .recv()
                .await
                .ok());
        }),
        imp("flume", move || async move {
            let (tx, rx) = flume::bounded::<u64>(CAP);
            mpmc_body!(n, tx, rx, |s, v| s.send_async(v).await.unwrap(), |r| r
                .recv_async()
                .await
                .ok());
        }),
        imp("crossfire", move || async move {
            let (tx, rx) = crossfire::mpmc::bounded_async::<u64>(CAP);
            mpmc_body!(n, tx, rx, |s, v| s.send(v).await.unwrap(), |r| r
                .recv()
                .await
                .ok());
        }),
        imp("async-channel", move || async move {
            let (tx, rx) = async_channel::bounded::<u64>(CAP);
            mpmc_body!(n, tx, rx, |s, v| s.send(v).await.unwrap(), |r| r
                .recv()
                .await
                .ok());
        }),
    ];
    b.workload("mpmc_4x4", n, impls);
}

// ---------------------------------------------------------------------------------------
// select_2

/// Spawns one producer sending `range` with `$send`, returning its JoinHandle.
macro_rules! producer {
    ($tx:ident, $range:expr, |$v:ident| $send:expr) => {
        tokio::spawn(async move {
            for $v in $range {
                $send;
            }
            drop($tx);
        })
    };
}

/// The consumer loop of a select workload for a tokio-based peer: `tokio::select!` over one
/// receive future per `(receiver index)` pair, each branch disabled once its channel reports
/// closed; returns the sum received. `$recv` makes the future from a receiver `$rx`; `$val`
/// and `$closed` are the patterns of its output.
macro_rules! tokio_select_sum {
    ([$(($r:ident $i:tt))*], |$rx:ident| $recv:expr, $val:pat => $v:ident, $closed:pat) => {{
        let mut open = [$({ let _ = $i; true }),*];
        let mut sum = 0u64;
        loop {
            tokio::select! {
                $(
                    x = { let $rx = &mut $r; $recv }, if open[$i] => match x {
                        $val => sum += $v,
                        $closed => open[$i] = false,
                    },
                )*
                else => break,
            }
        }
        sum
    }};
}

fn select_2(b: &mut Bench) {
    let n = b.n(500_000, 2);
    let half = (n / 2) as u64;
    let all = n as u64;
    let impls = vec![
        imp("gokio", move || async move {
            let (ta, ra) = gokio::chan::<u64>(CAP).split();
            let (tb, rb) = gokio::chan::<u64>(CAP).split();
            let pa = producer!(ta, 0..half, |v| ta.send(v).await.unwrap());
            let pb = producer!(tb, half..all, |v| tb.send(v).await.unwrap());
            let c = tokio::spawn(async move {
                let (mut a, mut b) = (Some(&ra), Some(&rb));
                let mut sum = 0u64;
                while a.is_some() || b.is_some() {
                    gokio::select! {
                        recv(a) -> v => match v {
                            Some(v) => sum += v,
                            None => a = None,
                        },
                        recv(b) -> v => match v {
                            Some(v) => sum += v,
                            None => b = None,
                        },
                    }
                }
                sum
            });
            pa.await.unwrap();
            pb.await.unwrap();
            assert_eq!(c.await.unwrap(), sum_to(n));
        }),
        imp("kanal (pinned futures)", move || async move {
            // kanal's receive future drops a value handed to it if it is cancelled (kanal
            // 0.1.1 `ReceiveFuture::drop`), so the usual "new recv() future per
            // tokio::select! iteration" can lose values. Keep one
            // future per channel alive across iterations and re-arm only the one that won.
            let (ta, ra) = kanal::bounded_async::<u64>(CAP);
            let (tb, rb) = kanal::bounded_async::<u64>(CAP);
            let pa = producer!(ta, 0..half, |v| ta.send(v).await.unwrap());
            let pb = producer!(tb, half..all, |v| tb.send(v).await.unwrap());
            let c = tokio::spawn(async move {
                let mut fa = std::pin::pin!(ra.recv());
                let mut fb = std::pin::pin!(rb.recv());
                let (mut a_open, mut b_open) = (true, true);
                let mut sum = 0u64;
                loop {
                    tokio::select! {
                        v = fa.as_mut(), if a_open => match v {
                            Ok(v) => { sum += v; fa.set(ra.recv()); }
                            Err(_) => a_open = false,
                        },
                        v = fb.as_mut(), if b_open => match v {
                            Ok(v) => { sum += v; fb.set(rb.recv()); }
                            Err(_) => b_open = false,
                        },
                        else => break,
                    }
                }
                sum
            });
            pa.await.unwrap();
            pb.await.unwrap();
            assert_eq!(c.await.unwrap(), sum_to(n));
        }),
        imp("flume", move || async move {
            let (ta, ra) = flume::bounded::<u64>(CAP);
            let (tb, rb) = flume::bounded::<u64>(CAP);
            let pa = producer!(ta, 0..half, |v| ta.send_async(v).await.unwrap());
            let pb = producer!(tb, half..all, |v| tb.send_async(v).await.unwrap());
            let c = tokio::spawn(async move {
                let (mut ra, mut rb) = (ra, rb);
                tokio_select_sum!([(ra 0) (rb 1)], |rx| rx.recv_async(), Ok(v) => v, Err(_))
            });
            pa.await.unwrap();
            pb.await.unwrap();
            assert_eq!(c.await.unwrap(), sum_to(n));
        }),
        imp("crossfire", move || async move {
            let (ta, ra) = crossfire::spsc::bounded_async::<u64>(CAP);
            let (tb, rb) = crossfire::spsc::bounded_async::<u64>(CAP);
            let pa = producer!(ta, 0..half, |v| ta.send(v).await.unwrap());
            let pb = producer!(tb, half..all, |v| tb.send(v).await.unwrap());
            let c = tokio::spawn(async move {
                let (mut ra, mut rb) = (ra, rb);
                tokio_select_sum!([(ra 0) (rb 1)], |rx| rx.recv(), Ok(v) => v, Err(_))
            });
            pa.await.unwrap();
            pb.await.unwrap();
            assert_eq!(c.await.unwrap(), sum_to(n));
        }),
        imp("async-channel", move || async move {
            let (ta, ra) = async_channel::bounded::<u64>(CAP);
            let (tb, rb) = async_channel::bounded::<u64>(CAP);
            let pa = producer!(ta, 0..half, |v| ta.send(v).await.unwrap());
            let pb = producer!(tb, half..all, |v| tb.send(v).await.unwrap());
            let c = tokio::spawn(async move {
                let (mut ra, mut rb) = (ra, rb);
                tokio_select_sum!([(ra 0) (rb 1)], |rx| rx.recv(), Ok(v) => v, Err(_))
            });
            pa.await.unwrap();
            pb.await.unwrap();
            assert_eq!(c.await.unwrap(), sum_to(n));
        }),
        imp("tokio mpsc", move || async move {
            let (ta, mut ra) = tokio::sync::mpsc::channel::<u64>(CAP);
            let (tb, mut rb) = tokio::sync::mpsc::channel::<u64>(CAP);
            let pa = producer!(ta, 0..half, |v| ta.send(v).await.unwrap());
            let pb = producer!(tb, half..all, |v| tb.send(v).await.unwrap());
            let c = tokio::spawn(async move {
                tokio_select_sum!([(ra 0) (rb 1)], |rx| rx.recv(), Some(v) => v, None)
            });
            pa.await.unwrap();
            pb.await.unwrap();
            assert_eq!(c.await.unwrap(), sum_to(n));
        }),
    ];
    b.workload("select_2", n, impls);
}

// select_8

/// Spawns 8 producers, each sending its eighth of `0..n` on its own channel; `$mk` makes a
/// `(sender, receiver)` pair, `$send` sends on `tx`. Returns the receivers and the producers.
macro_rules! eight_producers {
    ($n:expr, $mk:expr, |$tx:ident, $v:ident| $send:expr) => {{
        let n = $n as u64;
        let per = n / 8;
        let mut rxs = Vec::new();
        let mut handles = Vec::new();
        for p in 0..8u64 {
            let ($tx, rx) = $mk;
            rxs.push(rx);
            handles.push(producer!($tx, p * per..(p + 1) * per, |$v| $send));
        }
        let [r0, r1, r2, r3, r4, r5, r6, r7]: [_; 8] = rxs.try_into().ok().unwrap();
        ((r0, r1, r2, r3, r4, r5, r6, r7), handles)
    }};
}

fn select_8(b: &mut Bench) {
    let n = b.n(500_000, 8);
    let impls = vec![
        imp("gokio", move || async move {
            let (rs, ps) = eight_producers!(n, gokio::chan::<u64>(CAP).split(), |tx, v| tx
                .send(v)
                .await
                .unwrap());
            let c = tokio::spawn(async move {
                let (r0, r1, r2, r3, r4, r5, r6, r7) = &rs;
                let mut h = [
                    Some(r0),
                    Some(r1),
                    Some(r2),
                    Some(r3),
                    Some(r4),
                    Some(r5),
                    Some(r6),
                    Some(r7),
                ];
                let mut sum = 0u64;
                while h.iter().any(Option::is_some) {
                    let (i, v) = gokio::select! {
                        recv(h[0]) -> v => (0, v),
                        recv(h[1]) -> v => (1, v),
                        recv(h[2]) -> v => (2, v),
                        recv(h[3]) -> v => (3, v),
                        recv(h[4]) -> v => (4, v),
                        recv(h[5]) -> v => (5, v),
                        recv(h[6]) -> v => (6, v),
                        recv(h[7]) -> v => (7, v),
                    };
                    match v {
                        Some(v) => sum += v,
                        None => h[i] = None, // closed: a nil channel from now on, as in Go
                    }
                }
                sum
            });
            for p in ps {
                p.await.unwrap();
            }
            assert_eq!(c.await.unwrap(), sum_to(n));
        }),
        imp("flume", move || async move {
            let (rs, ps) = eight_producers!(n, flume::bounded::<u64>(CAP), |tx, v| tx
                .send_async(v)
                .await
                .unwrap());
            let c = tokio::spawn(async move {
                let (mut r0, mut r1, mut r2, mut r3, mut r4, mut r5, mut r6, mut r7) = rs;
                tokio_select_sum!([(r0 0) (r1 1) (r2 2) (r3 3) (r4 4) (r5 5) (r6 6) (r7 7)], |rx| rx.recv_async(), Ok(v) => v, Err(_))
            });
            for p in ps {
                p.await.unwrap();
            }
            assert_eq!(c.await.unwrap(), sum_to(n));
        }),
        imp("async-channel", move || async move {
            let (rs, ps) = eight_producers!(n, async_channel::bounded::<u64>(CAP), |tx, v| tx
                .send(v)
                .await
                .unwrap());
            let c = tokio::spawn(async move {
                let (mut r0, mut r1, mut r2, mut r3, mut r4, mut r5, mut r6, mut r7) = rs;
                tokio_select_sum!([(r0 0) (r1 1) (r2 2) (r3 3) (r4 4) (r5 5) (r6 6) (r7 7)], |rx| rx.recv(), Ok(v) => v, Err(_))
            });
            for p in ps {
                p.await.unwrap();
            }
            assert_eq!(c.await.unwrap(), sum_to(n));
        }),
        imp("tokio mpsc", move || async move {
            let (rs, ps) = eight_producers!(n, tokio::sync::mpsc::channel::<u64>(CAP), |tx, v| tx
                .send(v)
                .await
                .unwrap());
            let c = tokio::spawn(async move {
                let (mut r0, mut r1, mut r2, mut r3, mut r4, mut r5, mut r6, mut r7) = rs;
                tokio_select_sum!([(r0 0) (r1 1) (r2 2) (r3 3) (r4 4) (r5 5) (r6 6) (r7 7)], |rx| rx.recv(), Some(v) => v, None)
            });
            for p in ps {
                p.await.unwrap();
            }
            assert_eq!(c.await.unwrap(), sum_to(n));
        }),
    ];
    b.workload("select_8", n, impls);
}

// ---------------------------------------------------------------------------------------
// select_first_ready, recv_prefilled

/// Runs a single-task workload on a worker thread, like every other workload's tasks.
async fn spawn(f: impl Future<Output = Duration> + Send + 'static) -> Duration {
    tokio::spawn(f).await.unwrap()
}

/// One task drains `n` values in chunks of [`CHUNK`]: each chunk is pushed with `$fill(v)`
/// (not timed), then taken with `$take` (timed, yields the value). Returns the timed total.
macro_rules! drain_chunks {
    ($n:expr, |$v:ident| $fill:expr, $take:expr) => {{
        let mut timed = Duration::ZERO;
        let mut sum = 0u64;
        let mut next = 0u64;
        while next < $n as u64 {
            let end = (next + CHUNK as u64).min($n as u64);
            for $v in next..end {
                $fill;
            }
            let t0 = Instant::now();
            for _ in next..end {
                sum += $take;
            }
            timed += t0.elapsed();
            next = end;
        }
        assert_eq!(sum, sum_to($n));
        timed
    }};
}

fn first_ready(b: &mut Bench) {
    let n = b.n(1_000_000, 1);
    let select_impls = vec![
        imp_timed("gokio", move || {
            spawn(async move {
                let (a, other) = (gokio::chan::<u64>(CHUNK), gokio::chan::<u64>(CHUNK));
                drain_chunks!(n, |v| a.try_send(v).unwrap(), {
                    gokio::select! {
                        recv(a) -> v => v.unwrap(),
                        recv(other) -> _ => unreachable!(),
                    }
                })
            })
        }),
        imp_timed("kanal", move || {
            spawn(async move {
                let (ta, ra) = kanal::bounded_async::<u64>(CHUNK);
                let (_tb, rb) = kanal::bounded_async::<u64>(CHUNK);
                drain_chunks!(n, |v| assert!(ta.try_send(v).unwrap()), {
                    // Never cancels a future holding a value: `ra` is always ready first.
                    tokio::select! {
                        v = ra.recv() => v.unwrap(),
                        _ = rb.recv() => unreachable!(),
                    }
                })
            })
        }),
        imp_timed("flume", move || {
            spawn(async move {
                let (ta, ra) = flume::bounded::<u64>(CHUNK);
                let (_tb, rb) = flume::bounded::<u64>(CHUNK);
                drain_chunks!(n, |v| ta.try_send(v).unwrap(), {
                    tokio::select! {
                        v = ra.recv_async() => v.unwrap(),
                        _ = rb.recv_async() => unreachable!(),
                    }
                })
            })
        }),
        imp_timed("async-channel", move || {
            spawn(async move {
                let (ta, ra) = async_channel::bounded::<u64>(CHUNK);
                let (_tb, rb) = async_channel::bounded::<u64>(CHUNK);
                drain_chunks!(n, |v| ta.try_send(v).unwrap(), {
                    tokio::select! {
                        v = ra.recv() => v.unwrap(),
                        _ = rb.recv() => unreachable!(),
                    }
                })
            })
        }),
        imp_timed("tokio mpsc", move || {
            spawn(async move {
                let (ta, mut ra) = tokio::sync::mpsc::channel::<u64>(CHUNK);
                let (_tb, mut rb) = tokio::sync::mpsc::channel::<u64>(CHUNK);
                drain_chunks!(n, |v| ta.try_send(v).unwrap(), {
                    tokio::select! {
                        v = ra.recv() => v.unwrap(),
                        _ = rb.recv() => unreachable!(),
                    }
                })
            })
        }),
    ];
    b.workload("select_first_ready", n, select_impls);

    let recv_impls = vec![
        imp_timed("gokio", move || {
            spawn(async move {
                let a = gokio::chan::<u64>(CHUNK);
                drain_chunks!(n, |v| a.try_send(v).unwrap(), a.recv().await.unwrap())
            })
        }),
        imp_timed("kanal", move || {
            spawn(async move {
                let (ta, ra) = kanal::bounded_async::<u64>(CHUNK);
                drain_chunks!(
                    n,
                    |v| assert!(ta.try_send(v).unwrap()),
                    ra.recv().await.unwrap()
                )
            })
        }),
        imp_timed("flume", move || {
            spawn(async move {
                let (ta, ra) = flume::bounded::<u64>(CHUNK);
                drain_chunks!(
                    n,
                    |v| ta.try_send(v).unwrap(),
                    ra.recv_async().await.unwrap()
                )
            })
        }),
        imp_timed("async-channel", move || {
            spawn(async move {
                let (ta, ra) = async_channel::bounded::<u64>(CHUNK);
                drain_chunks!(n, |v| ta.try_send(v).unwrap(), ra.recv().await.unwrap())
            })
        }),
        imp_timed("tokio mpsc", move || {
            spawn(async move {
                let (ta, mut ra) = tokio::sync::mpsc::channel::<u64>(CHUNK);
                drain_chunks!(n, |v| ta.try_send(v).unwrap(), ra.recv().await.unwrap())
            })
        }),
    ];
    b.workload("recv_prefilled", n, recv_impls);
}

// ---------------------------------------------------------------------------------------
// select_32

/// The 32 channel names `select_32` binds, handed to `$m!` (the select macros below need
/// one identifier per case).
macro_rules! with_32 {
    ($m:ident) => {
        $m!(c0 c1 c2 c3 c4 c5 c6 c7 c8 c9 c10 c11 c12 c13 c14 c15 c16 c17 c18 c19 c20 c21 c22 c23 c24 c25 c26 c27 c28 c29 c30 c31)
    };
}

/// One 32-case select drains a value from whichever ready channel it picks.
fn select_32(b: &mut Bench) {
    let n = b.n(1_000_000, 32);
    macro_rules! fill {
        ($chans:ident, $v:ident, $send:ident) => {
            assert!($chans[($v % 32) as usize].$send($v).is_ok())
        };
    }
    let impls = vec![
        imp_timed("gokio", move || {
            spawn(async move {
                let chans: [gokio::Chan<u64>; 32] = std::array::from_fn(|_| gokio::chan(CHUNK));
                macro_rules! take {
                    ($($c:ident)*) => {{
                        let [$($c),*] = &chans;
                        drain_chunks!(n, |v| fill!(chans, v, try_send), {
                            gokio::select! { $( recv($c) -> v => v.unwrap(), )* }
                        })
                    }};
                }
                with_32!(take)
            })
        }),
        imp_timed("flume", move || {
            spawn(async move {
                let (txs, rxs): (Vec<_>, Vec<_>) =
                    (0..32).map(|_| flume::bounded::<u64>(CHUNK)).unzip();
                macro_rules! take {
                    ($($c:ident)*) => {{
                        let [$($c),*] = &rxs[..] else { unreachable!() };
                        drain_chunks!(n, |v| fill!(txs, v, try_send), {
                            tokio::select! { $( v = $c.recv_async() => v.unwrap(), )* }
                        })
                    }};
                }
                with_32!(take)
            })
        }),
        imp_timed("async-channel", move || {
            spawn(async move {
                let (txs, rxs): (Vec<_>, Vec<_>) = (0..32)
                    .map(|_| async_channel::bounded::<u64>(CHUNK))
                    .unzip();
                macro_rules! take {
                    ($($c:ident)*) => {{
                        let [$($c),*] = &rxs[..] else { unreachable!() };
                        drain_chunks!(n, |v| fill!(txs, v, try_send), {
                            tokio::select! { $( v = $c.recv() => v.unwrap(), )* }
                        })
                    }};
                }
                with_32!(take)
            })
        }),
    ];
    b.workload("select_32", n, impls);
}

// ---------------------------------------------------------------------------------------
// select_2_future, select_2_future_drain

/// A timer that does not fire during a run: the future arm of the `select_2_future`
/// workloads, polled (and `Pending`) whenever a select reaches it.
fn far_sleep() -> tokio::time::Sleep {
    tokio::time::sleep(Duration::from_secs(3600))
}

/// Two channels and one future: `select_2`'s producers and consumer with a third arm on a
/// pinned tokio `Sleep` (a timeout that never fires), gokio's `fut(..)` arm against
/// `tokio::select!` over tokio mpsc and async-channel receive futures plus the same `Sleep`
/// (what a tokio program would write; both poll the timer in their random order).
/// `select_2_future_drain` is the single-task form (pre-filled capacity-1024 channels,
/// drained in chunks, only the draining timed): the cost of one such select, for
/// instruction counts.
fn select_2_future(b: &mut Bench) {
    let n = b.n(500_000, 2);
    let half = (n / 2) as u64;
    let all = n as u64;
    let impls = vec![
        imp("gokio", move || async move {
            let (ta, ra) = gokio::chan::<u64>(CAP).split();
            let (tb, rb) = gokio::chan::<u64>(CAP).split();
            let pa = producer!(ta, 0..half, |v| ta.send(v).await.unwrap());
            let pb = producer!(tb, half..all, |v| tb.send(v).await.unwrap());
            let c = tokio::spawn(async move {
                let mut timeout = std::pin::pin!(far_sleep());
                let (mut a, mut b) = (Some(&ra), Some(&rb));
                let mut sum = 0u64;
                while a.is_some() || b.is_some() {
                    gokio::select! {
                        recv(a) -> v => match v {
                            Some(v) => sum += v,
                            None => a = None,
                        },
                        recv(b) -> v => match v {
                            Some(v) => sum += v,
                            None => b = None,
                        },
                        fut(timeout.as_mut()) -> () => unreachable!(),
                    }
                }
                sum
            });
            pa.await.unwrap();
            pb.await.unwrap();
            assert_eq!(c.await.unwrap(), sum_to(n));
        }),
        imp("tokio mpsc + tokio::select!", move || async move {
            let (ta, mut ra) = tokio::sync::mpsc::channel::<u64>(CAP);
            let (tb, mut rb) = tokio::sync::mpsc::channel::<u64>(CAP);
            let pa = producer!(ta, 0..half, |v| ta.send(v).await.unwrap());
            let pb = producer!(tb, half..all, |v| tb.send(v).await.unwrap());
            let c = tokio::spawn(async move {
                let mut timeout = std::pin::pin!(far_sleep());
                let (mut a_open, mut b_open) = (true, true);
                let mut sum = 0u64;
                loop {
                    tokio::select! {
                        v = ra.recv(), if a_open => match v {
                            Some(v) => sum += v,
                            None => a_open = false,
                        },
                        v = rb.recv(), if b_open => match v {
                            Some(v) => sum += v,
                            None => b_open = false,
                        },
                        () = &mut timeout => unreachable!(),
                    }
                    if !a_open && !b_open {
                        break;
                    }
                }
                sum
            });
            pa.await.unwrap();
            pb.await.unwrap();
            assert_eq!(c.await.unwrap(), sum_to(n));
        }),
        imp("async-channel + tokio::select!", move || async move {
            let (ta, ra) = async_channel::bounded::<u64>(CAP);
            let (tb, rb) = async_channel::bounded::<u64>(CAP);
            let pa = producer!(ta, 0..half, |v| ta.send(v).await.unwrap());
            let pb = producer!(tb, half..all, |v| tb.send(v).await.unwrap());
            let c = tokio::spawn(async move {
                let mut timeout = std::pin::pin!(far_sleep());
                let (mut a_open, mut b_open) = (true, true);
                let mut sum = 0u64;
                loop {
                    tokio::select! {
                        v = ra.recv(), if a_open => match v {
                            Ok(v) => sum += v,
                            Err(_) => a_open = false,
                        },
                        v = rb.recv(), if b_open => match v {
                            Ok(v) => sum += v,
                            Err(_) => b_open = false,
                        },
                        () = &mut timeout => unreachable!(),
                    }
                    if !a_open && !b_open {
                        break;
                    }
                }
                sum
            });
            pa.await.unwrap();
            pb.await.unwrap();
            assert_eq!(c.await.unwrap(), sum_to(n));
        }),
    ];
    b.workload("select_2_future", n, impls);

    let n = b.n(1_000_000, 2);
    let impls = vec![
        imp_timed("gokio", move || {
            spawn(async move {
                let (a, c) = (gokio::chan::<u64>(CHUNK), gokio::chan::<u64>(CHUNK));
                let mut timeout = std::pin::pin!(far_sleep());
                let fill = |v: u64| [&a, &c][(v % 2) as usize].try_send(v).unwrap();
                drain_chunks!(n, |v| fill(v), {
                    gokio::select! {
                        recv(a) -> v => v.unwrap(),
                        recv(c) -> v => v.unwrap(),
                        fut(timeout.as_mut()) -> () => unreachable!(),
                    }
                })
            })
        }),
        imp_timed("tokio mpsc + tokio::select!", move || {
            spawn(async move {
                let (ta, mut ra) = tokio::sync::mpsc::channel::<u64>(CHUNK);
                let (tc, mut rc) = tokio::sync::mpsc::channel::<u64>(CHUNK);
                let mut timeout = std::pin::pin!(far_sleep());
                let fill = |v: u64| [&ta, &tc][(v % 2) as usize].try_send(v).unwrap();
                drain_chunks!(n, |v| fill(v), {
                    tokio::select! {
                        v = ra.recv() => v.unwrap(),
                        v = rc.recv() => v.unwrap(),
                        () = &mut timeout => unreachable!(),
                    }
                })
            })
        }),
        imp_timed("async-channel + tokio::select!", move || {
            spawn(async move {
                let (ta, ra) = async_channel::bounded::<u64>(CHUNK);
                let (tc, rc) = async_channel::bounded::<u64>(CHUNK);
                let mut timeout = std::pin::pin!(far_sleep());
                let fill = |v: u64| [&ta, &tc][(v % 2) as usize].try_send(v).unwrap();
                drain_chunks!(n, |v| fill(v), {
                    tokio::select! {
                        v = ra.recv() => v.unwrap(),
                        v = rc.recv() => v.unwrap(),
                        () = &mut timeout => unreachable!(),
                    }
                })
            })
        }),
    ];
    b.workload("select_2_future_drain", n, impls);
}

// ---------------------------------------------------------------------------------------
// select_wake_scaling_{16,4096,65536}

fn select_wake_scaling(b: &mut Bench) {
    for waiters in [16usize, 4096, 65_536] {
        let n = b.n(200_000, 1);
        let impls = vec![
            imp_timed("gokio", move || spawn(gokio_wake_scaling(waiters, n))),
            imp_timed("tokio+Notify", move || {
                spawn(tokio_wake_scaling(waiters, n, true))
            }),
            imp_timed("tokio mpsc (no select: floor)", move || {
                spawn(tokio_wake_scaling(waiters, n, false))
            }),
        ];
        b.workload(&format!("select_wake_scaling_{waiters}"), n, impls);
    }
}

async fn gokio_wake_scaling(waiters: usize, n: usize) -> Duration {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    let done = gokio::chan::<()>(0);
    let own: Vec<gokio::Chan<u64>> = (0..waiters).map(|_| gokio::chan(0)).collect();
    let parked = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = own
        .iter()
        .map(|ch| {
            let (ch, done, parked) = (ch.clone(), done.clone(), parked.clone());
            tokio::spawn(async move {
                let (mut got, mut first) = (0u64, true);
                loop {
                    gokio::select! {
                        recv(ch) -> v => got += v.unwrap(),
                        recv(done) -> _ => break got,
                    }
                    if first {
                        first = false; // received its 0: parks again in this same poll
                        parked.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    for ch in &own {
        ch.send(0).await.unwrap(); // every select has parked on `done` once
    }
    // Each 0 woke its task, which parks again only when it runs: wait for all of them, or
    // the timed sends would include running that backlog of N tasks once (170-400 ns a
    // send at N = 65 536), which is not a wake's cost.
    while parked.load(Ordering::Relaxed) < waiters {
        tokio::task::yield_now().await;
    }
    // A fixed pseudo-random order: the woken select's `done` entry is anywhere in the queue
    // (round-robin would always wake the one at its head).
    let mut rng = fastrand::Rng::with_seed(waiters as u64);
    let t0 = Instant::now();
    for _ in 0..n {
        own[rng.usize(..waiters)].send(1).await.unwrap();
    }
    let timed = t0.elapsed();
    done.close();
    let mut total = 0;
    for w in workers {
        total += w.await.unwrap();
    }
    assert_eq!(total, n as u64);
    timed
}

/// The tokio references for `select_wake_scaling`: every task has its own `mpsc::channel(1)`.
/// With `done` (tokio+Notify): the same loop as gokio's, a `tokio::select!` (biased: the own
/// channel first) over `own.recv()` and `done.notified()` on one `Notify` shared by all, so a
/// task woken by its own channel drops a `Notified` registered in `done`'s list (tokio's
/// intrusive list: O(1)) and registers a new one. Without (the floor): the task only receives
/// from its own channel: waking one of N parked tokio tasks through tokio's own channel, with
/// no select and no shared queue.
async fn tokio_wake_scaling(waiters: usize, n: usize, with_done: bool) -> Duration {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::Arc;
    let done = Arc::new(tokio::sync::Notify::new());
    let stop = Arc::new(AtomicBool::new(false));
    let parked = Arc::new(AtomicUsize::new(0));
    let mut own = Vec::with_capacity(waiters);
    let mut workers = Vec::with_capacity(waiters);
    for _ in 0..waiters {
        let (tx, mut rx) = tokio::sync::mpsc::channel::<u64>(1);
        own.push(tx);
        let (done, stop, parked) = (done.clone(), stop.clone(), parked.clone());
        workers.push(tokio::spawn(async move {
            let (mut got, mut first) = (0u64, true);
            loop {
                if !with_done {
                    match rx.recv().await {
                        Some(v) => got += v,
                        None => break got,
                    }
                } else {
                    // Created before `stop` is read: `notify_waiters` completes it even if it
                    // was not polled yet.
                    let notified = done.notified();
                    if stop.load(Ordering::Acquire) {
                        // Every send completed before `stop` was set, but the last one may
                        // still sit in this task's buffer: take it before leaving.
                        while let Ok(v) = rx.try_recv() {
                            got += v;
                        }
                        break got;
                    }
                    tokio::select! {
                        biased;
                        v = rx.recv() => match v {
                            Some(v) => got += v,
                            None => break got,
                        },
                        _ = notified => continue, // `stop` is checked (and drained) above
                    }
                }
                if first {
                    first = false; // received its 0: from now on it waits again
                    parked.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    for tx in &own {
        tx.send(0).await.unwrap();
    }
    while parked.load(Ordering::Relaxed) < waiters {
        tokio::task::yield_now().await; // until every task took its 0 (see gokio's)
    }
    let mut rng = fastrand::Rng::with_seed(waiters as u64);
    let t0 = Instant::now();
    for _ in 0..n {
        own[rng.usize(..waiters)].send(1).await.unwrap();
    }
    let timed = t0.elapsed();
    stop.store(true, Ordering::Release);
    done.notify_waiters();
    drop(own); // ends the floor's loops
    let mut total = 0;
    for w in workers {
        total += w.await.unwrap();
    }
    assert_eq!(total, n as u64);
    timed
}
