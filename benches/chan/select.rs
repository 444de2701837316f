//! The select workloads with producer tasks: `select_2`, `select_8` and `select_2_future`.
//! Producers and the checksum are written once over [`Peer`]; each consumer is written once
//! per select shape: gokio's `select!`, `tokio::select!` over [`Peer::recv`] futures, and
//! kanal's pinned futures.

use std::future::Future;
use std::time::Duration;

use crate::common::{imp, sum_to, Bench};
use crate::peer::{produce, AsyncChannel, CrossfireSpsc, Flume, Gokio, Kanal, Peer, TokioMpsc};
use crate::CAP;

/// gokio's consumer over two receivers: `select!` until both are closed (a closed channel is
/// replaced by a nil one, as Go code does), with any extra arms given; the sum received.
macro_rules! gokio_sum_2 {
    ($ra:ident, $rb:ident $(, $($extra:tt)*)?) => {{
        let (mut a, mut b) = (Some(&$ra), Some(&$rb));
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
                $($($extra)*)?
            }
        }
        sum
    }};
}

/// `select_2`: two producers, one consumer selecting over both channels.
pub fn select_2(b: &mut Bench) {
    let n = b.n(500_000, 2);
    let impls = vec![
        imp("gokio", move || {
            select_2_run::<Gokio, _>(n, |ra, rb| async move { gokio_sum_2!(ra, rb) })
        }),
        imp("kanal (pinned futures)", move || {
            select_2_run::<Kanal, _>(n, kanal_pinned_sum_2)
        }),
        imp("flume", move || {
            select_2_run::<Flume, _>(n, tokio_sum_2::<Flume>)
        }),
        imp("crossfire", move || {
            select_2_run::<CrossfireSpsc, _>(n, tokio_sum_2::<CrossfireSpsc>)
        }),
        imp("async-channel", move || {
            select_2_run::<AsyncChannel, _>(n, tokio_sum_2::<AsyncChannel>)
        }),
        imp("tokio mpsc", move || {
            select_2_run::<TokioMpsc, _>(n, tokio_sum_2::<TokioMpsc>)
        }),
    ];
    b.workload("select_2", n, impls);
}

/// A timer that does not fire during a run: the future arm of the `select_2_future`
/// workloads, polled (and `Pending`) whenever a select reaches it.
pub fn far_sleep() -> tokio::time::Sleep {
    tokio::time::sleep(Duration::from_secs(3600))
}

/// `select_2_future`: `select_2`'s producers and consumer with a third arm on a pinned tokio
/// `Sleep` (a timeout that never fires), gokio's `fut(..)` arm against `tokio::select!` over
/// tokio mpsc and async-channel receive futures plus the same `Sleep` (what a tokio program
/// would write; both poll the timer in their random order).
pub fn select_2_future(b: &mut Bench) {
    let n = b.n(500_000, 2);
    let impls = vec![
        imp("gokio", move || {
            select_2_run::<Gokio, _>(n, |ra, rb| async move {
                let mut timeout = std::pin::pin!(far_sleep());
                gokio_sum_2!(ra, rb, fut(timeout.as_mut()) -> () => unreachable!(),)
            })
        }),
        imp("tokio mpsc + tokio::select!", move || {
            select_2_run::<TokioMpsc, _>(n, tokio_sum_2_future::<TokioMpsc>)
        }),
        imp("async-channel + tokio::select!", move || {
            select_2_run::<AsyncChannel, _>(n, tokio_sum_2_future::<AsyncChannel>)
        }),
    ];
    b.workload("select_2_future", n, impls);
}

/// Two producers each send half of `0..n` on their own capacity-[`CAP`] channel; `consume`
/// runs as the consumer task over both receivers; checks its sum.
async fn select_2_run<P, F>(n: usize, consume: impl FnOnce(P::Rx, P::Rx) -> F)
where
    P: Peer,
    F: Future<Output = u64> + Send + 'static,
{
    let (half, all) = ((n / 2) as u64, n as u64);
    let (ta, ra) = P::bounded(CAP);
    let (tb, rb) = P::bounded(CAP);
    let pa = produce::<P>(ta, 0..half);
    let pb = produce::<P>(tb, half..all);
    let c = tokio::spawn(consume(ra, rb));
    pa.await.unwrap();
    pb.await.unwrap();
    assert_eq!(c.await.unwrap(), sum_to(n));
}

async fn tokio_sum_2<P: Peer>(mut ra: P::Rx, mut rb: P::Rx) -> u64 {
    tokio_select_sum!(P, [(ra 0) (rb 1)])
}

/// kanal's receive future drops a value handed to it if it is cancelled (kanal 0.1.1
/// `ReceiveFuture::drop`), so the usual "new recv() future per tokio::select! iteration"
/// can lose values. Keep one future per channel alive across iterations and re-arm only
/// the one that won.
async fn kanal_pinned_sum_2(ra: kanal::AsyncReceiver<u64>, rb: kanal::AsyncReceiver<u64>) -> u64 {
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
}

/// `tokio::select!` over two receive futures and a never-firing `Sleep`, until both
/// channels are closed.
async fn tokio_sum_2_future<P: Peer>(mut ra: P::Rx, mut rb: P::Rx) -> u64 {
    let mut timeout = std::pin::pin!(far_sleep());
    let (mut a_open, mut b_open) = (true, true);
    let mut sum = 0u64;
    loop {
        tokio::select! {
            v = P::recv(&mut ra), if a_open => match P::got(v) {
                Some(v) => sum += v,
                None => a_open = false,
            },
            v = P::recv(&mut rb), if b_open => match P::got(v) {
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
}

/// `select_8`: 8 producers each send 1/8 of `0..n` on their own channel; one consumer
/// selects over all 8.
pub fn select_8(b: &mut Bench) {
    let n = b.n(500_000, 8);
    let impls = vec![
        imp("gokio", move || select_8_run::<Gokio, _>(n, gokio_sum_8)),
        imp("flume", move || {
            select_8_run::<Flume, _>(n, tokio_sum_8::<Flume>)
        }),
        imp("async-channel", move || {
            select_8_run::<AsyncChannel, _>(n, tokio_sum_8::<AsyncChannel>)
        }),
        imp("tokio mpsc", move || {
            select_8_run::<TokioMpsc, _>(n, tokio_sum_8::<TokioMpsc>)
        }),
    ];
    b.workload("select_8", n, impls);
}

async fn select_8_run<P, F>(n: usize, consume: impl FnOnce([P::Rx; 8]) -> F)
where
    P: Peer,
    F: Future<Output = u64> + Send + 'static,
{
    let per = n as u64 / 8;
    let (txs, rxs): (Vec<_>, Vec<_>) = (0..8).map(|_| P::bounded(CAP)).unzip();
    let producers: Vec<_> = (txs.into_iter().zip(0u64..))
        .map(|(tx, p)| produce::<P>(tx, p * per..(p + 1) * per))
        .collect();
    let rxs: [P::Rx; 8] = rxs.try_into().ok().unwrap();
    let c = tokio::spawn(consume(rxs));
    for p in producers {
        p.await.unwrap();
    }
    assert_eq!(c.await.unwrap(), sum_to(n));
}

async fn gokio_sum_8(rs: [gokio::Receiver<u64>; 8]) -> u64 {
    let mut h = rs.each_ref().map(Some);
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
}

async fn tokio_sum_8<P: Peer>(rs: [P::Rx; 8]) -> u64 {
    let [mut r0, mut r1, mut r2, mut r3, mut r4, mut r5, mut r6, mut r7] = rs;
    tokio_select_sum!(P, [(r0 0) (r1 1) (r2 2) (r3 3) (r4 4) (r5 5) (r6 6) (r7 7)])
}
