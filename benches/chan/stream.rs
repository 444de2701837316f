//! The plain send/receive workloads: `spsc_buffered`, `spsc_unbuffered`, `pingpong` and
//! `mpmc_4x4`, each written once over [`Peer`].

use crate::common::{imp, sum_to, Bench};
use crate::peer::{
    consume, produce, AsyncChannel, CrossfireMpmc, CrossfireSpsc, Flume, Gokio, Kanal, Peer,
    TokioMpsc,
};
use crate::CAP;

/// `spsc_buffered` (`cap` 128) and `spsc_unbuffered` (`cap` 0, without the peers that cannot
/// have capacity 0).
pub fn spsc(b: &mut Bench, name: &str, cap: usize) {
    let n = b.n(1_000_000, 1);
    let mut impls = vec![
        imp("gokio", move || spsc_run::<Gokio>(cap, n)),
        imp("kanal", move || spsc_run::<Kanal>(cap, n)),
        imp("flume", move || spsc_run::<Flume>(cap, n)),
    ];
    if cap > 0 {
        impls.push(imp("crossfire", move || spsc_run::<CrossfireSpsc>(cap, n)));
        impls.push(imp("async-channel", move || {
            spsc_run::<AsyncChannel>(cap, n)
        }));
        impls.push(imp("tokio mpsc", move || spsc_run::<TokioMpsc>(cap, n)));
    }
    b.workload(name, n, impls);
}

async fn spsc_run<P: Peer>(cap: usize, n: usize) {
    let (tx, rx) = P::bounded(cap);
    let p = produce::<P>(tx, 0..n as u64);
    let c = consume::<P>(rx);
    p.await.unwrap();
    assert_eq!(c.await.unwrap(), sum_to(n));
}

/// `pingpong`: capacity 0, or 1 for the peers that cannot have 0 (marked in their name).
pub fn pingpong(b: &mut Bench) {
    let n = b.n(100_000, 1);
    let impls = vec![
        imp("gokio", move || pingpong_run::<Gokio>(0, n)),
        imp("kanal", move || pingpong_run::<Kanal>(0, n)),
        imp("flume", move || pingpong_run::<Flume>(0, n)),
        imp("crossfire (cap 1)", move || {
            pingpong_run::<CrossfireSpsc>(1, n)
        }),
        imp("async-channel (cap 1)", move || {
            pingpong_run::<AsyncChannel>(1, n)
        }),
        imp("tokio mpsc (cap 1)", move || {
            pingpong_run::<TokioMpsc>(1, n)
        }),
    ];
    b.workload("pingpong", n, impls);
}

async fn pingpong_run<P: Peer>(cap: usize, n: usize) {
    let (ping_tx, mut ping_rx) = P::bounded(cap);
    let (pong_tx, mut pong_rx) = P::bounded(cap);
    let echo = tokio::spawn(async move {
        while let Some(v) = P::got(P::recv(&mut ping_rx).await) {
            P::send(&pong_tx, v).await.unwrap();
        }
    });
    let main = tokio::spawn(async move {
        for i in 0..n as u64 {
            P::send(&ping_tx, i).await.unwrap();
            assert_eq!(P::got(P::recv(&mut pong_rx).await), Some(i));
        }
    });
    main.await.unwrap();
    echo.await.unwrap();
}

/// `mpmc_4x4` (tokio mpsc has one receiver and is left out).
pub fn mpmc(b: &mut Bench) {
    let n = b.n(1_000_000, 4);
    let impls = vec![
        imp("gokio", move || mpmc_run::<Gokio>(n)),
        imp("kanal", move || mpmc_run::<Kanal>(n)),
        imp("flume", move || mpmc_run::<Flume>(n)),
        imp("crossfire", move || mpmc_run::<CrossfireMpmc>(n)),
        imp("async-channel", move || mpmc_run::<AsyncChannel>(n)),
    ];
    b.workload("mpmc_4x4", n, impls);
}

/// 4 producers sending disjoint quarters of `0..n` and 4 summing consumers on one channel.
async fn mpmc_run<P: Peer>(n: usize)
where
    P::Tx: Clone,
    P::Rx: Clone,
{
    let (tx, rx) = P::bounded(CAP);
    let n = n as u64;
    let producers: Vec<_> = (0..4u64)
        .map(|p| produce::<P>(tx.clone(), p * n / 4..(p + 1) * n / 4))
        .collect();
    drop(tx);
    let consumers: Vec<_> = (0..4).map(|_| consume::<P>(rx.clone())).collect();
    drop(rx);
    for p in producers {
        p.await.unwrap();
    }
    let mut total = 0;
    for c in consumers {
        total += c.await.unwrap();
    }
    assert_eq!(total, sum_to(n as usize));
}
