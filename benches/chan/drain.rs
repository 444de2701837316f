//! The single-task drain workloads: `select_first_ready`, `recv_prefilled`, `select_32` and
//! `select_2_future_drain`. One task pre-fills channels a chunk at a time (not timed) and
//! drains them (timed), so these figures are the cost of one receive or one select. Each is
//! written once for gokio's `select!` and once, over [`Peer`], for `tokio::select!`.

use std::time::{Duration, Instant};

use crate::common::{imp_timed, sum_to, Bench};
use crate::peer::{spawn, AsyncChannel, Flume, Gokio, Kanal, Peer, TokioMpsc};
use crate::select::far_sleep;
use crate::CHUNK;

/// `select_first_ready` (a 2-case select whose first case is ready, the second channel stays
/// empty) and `recv_prefilled` (a plain receive).
pub fn first_ready(b: &mut Bench) {
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
        // Never cancels a future holding a value (kanal's would drop it): the first channel
        // is always ready first.
        imp_timed("kanal", move || spawn(first_ready_tokio::<Kanal>(n))),
        imp_timed("flume", move || spawn(first_ready_tokio::<Flume>(n))),
        imp_timed("async-channel", move || {
            spawn(first_ready_tokio::<AsyncChannel>(n))
        }),
        imp_timed("tokio mpsc", move || {
            spawn(first_ready_tokio::<TokioMpsc>(n))
        }),
    ];
    b.workload("select_first_ready", n, select_impls);

    let recv_impls = vec![
        imp_timed("gokio", move || spawn(recv_drain::<Gokio>(n))),
        imp_timed("kanal", move || spawn(recv_drain::<Kanal>(n))),
        imp_timed("flume", move || spawn(recv_drain::<Flume>(n))),
        imp_timed("async-channel", move || {
            spawn(recv_drain::<AsyncChannel>(n))
        }),
        imp_timed("tokio mpsc", move || spawn(recv_drain::<TokioMpsc>(n))),
    ];
    b.workload("recv_prefilled", n, recv_impls);
}

async fn first_ready_tokio<P: Peer>(n: usize) -> Duration {
    let (ta, mut ra) = P::bounded(CHUNK);
    let (_tb, mut rb) = P::bounded(CHUNK);
    drain_chunks!(n, |v| P::try_send(&ta, v), {
        tokio::select! {
            v = P::recv(&mut ra) => P::got(v).unwrap(),
            _ = P::recv(&mut rb) => unreachable!(),
        }
    })
}

async fn recv_drain<P: Peer>(n: usize) -> Duration {
    let (ta, mut ra) = P::bounded(CHUNK);
    drain_chunks!(
        n,
        |v| P::try_send(&ta, v),
        P::got(P::recv(&mut ra).await).unwrap()
    )
}

/// The 32 channel names `select_32` binds, handed to `$m!` (the select macros below need
/// one identifier per case).
macro_rules! with_32 {
    ($m:ident) => {
        $m!(c0 c1 c2 c3 c4 c5 c6 c7 c8 c9 c10 c11 c12 c13 c14 c15 c16 c17 c18 c19 c20 c21 c22 c23 c24 c25 c26 c27 c28 c29 c30 c31)
    };
}

/// `select_32`: one 32-case select drains a value from whichever ready channel it picks.
pub fn select_32(b: &mut Bench) {
    let n = b.n(1_000_000, 32);
    let impls = vec![
        imp_timed("gokio", move || {
            spawn(async move {
                let chans: [gokio::Chan<u64>; 32] = std::array::from_fn(|_| gokio::chan(CHUNK));
                macro_rules! take {
                    ($($c:ident)*) => {{
                        let [$($c),*] = &chans;
                        drain_chunks!(n, |v| chans[(v % 32) as usize].try_send(v).unwrap(), {
                            gokio::select! { $( recv($c) -> v => v.unwrap(), )* }
                        })
                    }};
                }
                with_32!(take)
            })
        }),
        imp_timed("flume", move || spawn(select_32_tokio::<Flume>(n))),
        imp_timed("async-channel", move || {
            spawn(select_32_tokio::<AsyncChannel>(n))
        }),
    ];
    b.workload("select_32", n, impls);
}

async fn select_32_tokio<P: Peer>(n: usize) -> Duration {
    let (txs, mut rxs): (Vec<_>, Vec<_>) = (0..32).map(|_| P::bounded(CHUNK)).unzip();
    macro_rules! take {
        ($($c:ident)*) => {{
            let [$($c),*] = &mut rxs[..] else { unreachable!() };
            drain_chunks!(n, |v| P::try_send(&txs[(v % 32) as usize], v), {
                tokio::select! { $( v = P::recv($c) => P::got(v).unwrap(), )* }
            })
        }};
    }
    with_32!(take)
}

/// `select_2_future_drain`: the single-task form of `select_2_future` (two pre-filled
/// capacity-[`CHUNK`] channels, drained in chunks, only the draining timed): the cost of one
/// such select, for instruction counts.
pub fn select_2_future_drain(b: &mut Bench) {
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
            spawn(future_drain_tokio::<TokioMpsc>(n))
        }),
        imp_timed("async-channel + tokio::select!", move || {
            spawn(future_drain_tokio::<AsyncChannel>(n))
        }),
    ];
    b.workload("select_2_future_drain", n, impls);
}

async fn future_drain_tokio<P: Peer>(n: usize) -> Duration {
    let (ta, mut ra) = P::bounded(CHUNK);
    let (tc, mut rc) = P::bounded(CHUNK);
    let mut timeout = std::pin::pin!(far_sleep());
    let fill = |v: u64| P::try_send([&ta, &tc][(v % 2) as usize], v);
    drain_chunks!(n, |v| fill(v), {
        tokio::select! {
            v = P::recv(&mut ra) => P::got(v).unwrap(),
            v = P::recv(&mut rc) => P::got(v).unwrap(),
            () = &mut timeout => unreachable!(),
        }
    })
}
