//! The peers as the workloads see them: one [`Peer`] per channel library (its bounded `u64`
//! channel, async send and receive, and the non-blocking send that pre-fills a channel), and
//! the pieces every workload shares (producer and summing consumer tasks, the chunked
//! single-task drain, the `tokio::select!` consumer loop).
//!
//! Workloads are generic over [`Peer`] and monomorphised per library: each peer's calls are
//! static and inlined into the timed loops, as if written out by hand (no `dyn`, no boxing).

use std::fmt::Debug;
use std::future::Future;
use std::ops::Range;
use std::time::Duration;

use tokio::task::JoinHandle;

/// A channel library's bounded `u64` channel, as the workloads use it.
pub trait Peer: 'static {
    /// The sending half.
    type Tx: Send + 'static;
    /// The receiving half.
    type Rx: Send + 'static;
    /// A channel of capacity `cap`.
    fn bounded(cap: usize) -> (Self::Tx, Self::Rx);
    /// What a send fails with (the channel is closed).
    type SendError: Debug;
    /// What a receive yields, for [`Peer::got`].
    type Got;
    /// Sends `v`, waiting for room: the library's own send future, unwrapped.
    fn send(tx: &Self::Tx, v: u64)
        -> impl Future<Output = Result<(), Self::SendError>> + Send + '_;
    /// Receives a value, waiting for one: the library's own receive future, unwrapped. Its
    /// output goes through [`Peer::got`].
    fn recv(rx: &mut Self::Rx) -> impl Future<Output = Self::Got> + Send + '_;
    /// The value received, or `None` once the channel is closed and drained.
    fn got(got: Self::Got) -> Option<u64>;
    /// Sends `v` without waiting; there must be room.
    fn try_send(tx: &Self::Tx, v: u64);
}

/// gokio's `chan(cap).split()`.
pub struct Gokio;
/// kanal's `bounded_async`.
pub struct Kanal;
/// flume's `bounded`, with its async methods.
pub struct Flume;
/// crossfire's single-producer single-consumer `spsc::bounded_async`.
pub struct CrossfireSpsc;
/// crossfire's multi-producer multi-consumer `mpmc::bounded_async`.
pub struct CrossfireMpmc;
/// async-channel's `bounded`.
pub struct AsyncChannel;
/// tokio's `mpsc::channel`.
pub struct TokioMpsc;

/// Implements [`Peer`] for `$peer` from its sending and receiving halves, its send error
/// and receive output types, and the code of each operation (`$tx`, `$rx`, `$v`, `$got` and
/// `$cap` name the arguments). Every method is `#[inline(always)]`: a workload calls the
/// library directly, as code written out per peer does, and the compiler's inlining of the
/// library's own functions is what it would be there.
macro_rules! peer {
    ($peer:ident {
        Tx = $tx_ty:ty, Rx = $rx_ty:ty, SendError = $err:ty, Got = $got_ty:ty,
        bounded($cap:ident) = $bounded:expr,
        send($tx:ident, $v:ident) = $send:expr,
        recv($rx:ident) = $recv:expr,
        got($got:ident) = $value:expr,
        try_send($ttx:ident, $tv:ident) = $try_send:expr $(,)?
    }) => {
        impl Peer for $peer {
            type Tx = $tx_ty;
            type Rx = $rx_ty;
            type SendError = $err;
            type Got = $got_ty;
            #[inline(always)]
            fn bounded($cap: usize) -> (Self::Tx, Self::Rx) {
                $bounded
            }
            #[inline(always)]
            fn send(
                $tx: &Self::Tx,
                $v: u64,
            ) -> impl Future<Output = Result<(), Self::SendError>> + Send + '_ {
                $send
            }
            #[inline(always)]
            fn recv($rx: &mut Self::Rx) -> impl Future<Output = Self::Got> + Send + '_ {
                $recv
            }
            #[inline(always)]
            fn got($got: Self::Got) -> Option<u64> {
                $value
            }
            #[inline(always)]
            fn try_send($ttx: &Self::Tx, $tv: u64) {
                $try_send
            }
        }
    };
}

peer!(Gokio {
    Tx = gokio::Sender<u64>, Rx = gokio::Receiver<u64>,
    SendError = gokio::SendError<u64>, Got = Option<u64>,
    bounded(cap) = gokio::chan(cap).split(),
    send(tx, v) = tx.send(v),
    recv(rx) = rx.recv(),
    got(got) = got,
    try_send(tx, v) = tx.try_send(v).unwrap(),
});

peer!(Kanal {
    Tx = kanal::AsyncSender<u64>, Rx = kanal::AsyncReceiver<u64>,
    SendError = kanal::SendError, Got = Result<u64, kanal::ReceiveError>,
    bounded(cap) = kanal::bounded_async(cap),
    send(tx, v) = tx.send(v),
    recv(rx) = rx.recv(),
    got(got) = got.ok(),
    try_send(tx, v) = assert!(tx.try_send(v).unwrap()),
});

peer!(Flume {
    Tx = flume::Sender<u64>, Rx = flume::Receiver<u64>,
    SendError = flume::SendError<u64>, Got = Result<u64, flume::RecvError>,
    bounded(cap) = flume::bounded(cap),
    send(tx, v) = tx.send_async(v),
    recv(rx) = rx.recv_async(),
    got(got) = got.ok(),
    try_send(tx, v) = tx.try_send(v).unwrap(),
});

peer!(CrossfireSpsc {
    Tx = crossfire::AsyncTx<crossfire::spsc::Array<u64>>,
    Rx = crossfire::AsyncRx<crossfire::spsc::Array<u64>>,
    SendError = crossfire::SendError<u64>, Got = Result<u64, crossfire::RecvError>,
    bounded(cap) = crossfire::spsc::bounded_async(cap),
    send(tx, v) = tx.send(v),
    recv(rx) = rx.recv(),
    got(got) = got.ok(),
    try_send(tx, v) = tx.try_send(v).unwrap(),
});

peer!(CrossfireMpmc {
    Tx = crossfire::MAsyncTx<crossfire::mpmc::Array<u64>>,
    Rx = crossfire::MAsyncRx<crossfire::mpmc::Array<u64>>,
    SendError = crossfire::SendError<u64>, Got = Result<u64, crossfire::RecvError>,
    bounded(cap) = crossfire::mpmc::bounded_async(cap),
    send(tx, v) = tx.send(v),
    recv(rx) = rx.recv(),
    got(got) = got.ok(),
    try_send(tx, v) = tx.try_send(v).unwrap(),
});

peer!(AsyncChannel {
    Tx = async_channel::Sender<u64>, Rx = async_channel::Receiver<u64>,
    SendError = async_channel::SendError<u64>, Got = Result<u64, async_channel::RecvError>,
    bounded(cap) = async_channel::bounded(cap),
    send(tx, v) = tx.send(v),
    recv(rx) = rx.recv(),
    got(got) = got.ok(),
    try_send(tx, v) = tx.try_send(v).unwrap(),
});

peer!(TokioMpsc {
    Tx = tokio::sync::mpsc::Sender<u64>, Rx = tokio::sync::mpsc::Receiver<u64>,
    SendError = tokio::sync::mpsc::error::SendError<u64>, Got = Option<u64>,
    bounded(cap) = tokio::sync::mpsc::channel(cap),
    send(tx, v) = tx.send(v),
    recv(rx) = rx.recv(),
    got(got) = got,
    try_send(tx, v) = tx.try_send(v).unwrap(),
});

/// Spawns a producer task that sends `range` on `tx`, then drops it (closing the channel
/// once every sender is gone).
pub fn produce<P: Peer>(tx: P::Tx, range: Range<u64>) -> JoinHandle<()> {
    tokio::spawn(async move {
        for v in range {
            P::send(&tx, v).await.unwrap();
        }
        drop(tx);
    })
}

/// Spawns a consumer task that receives until `rx`'s channel is closed and returns the sum.
pub fn consume<P: Peer>(mut rx: P::Rx) -> JoinHandle<u64> {
    tokio::spawn(async move {
        let mut sum = 0;
        while let Some(v) = P::got(P::recv(&mut rx).await) {
            sum += v;
        }
        sum
    })
}

/// Runs a single-task workload on a worker thread, like every other workload's tasks.
pub async fn spawn(f: impl Future<Output = Duration> + Send + 'static) -> Duration {
    tokio::spawn(f).await.unwrap()
}

/// One task drains `n` values in chunks of `CHUNK`: each chunk is pushed with `$fill(v)`
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

/// The consumer loop of a select workload for a tokio-based peer: `tokio::select!` over one
/// [`Peer::recv`] future per receiver (`(receiver index)` pairs), each branch disabled once
/// its channel reports closed; returns the sum received.
macro_rules! tokio_select_sum {
    ($peer:ty, [$(($r:ident $i:tt))*]) => {{
        let mut open = [$({ let _ = $i; true }),*];
        let mut sum = 0u64;
        loop {
            tokio::select! {
                $(
                    x = <$peer>::recv(&mut $r), if open[$i] => match <$peer>::got(x) {
                        Some(v) => sum += v,
                        None => open[$i] = false,
                    },
                )*
                else => break,
            }
        }
        sum
    }};
}
