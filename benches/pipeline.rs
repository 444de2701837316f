//! The `gokio::pattern` helpers against the same pipeline written by hand.
//!
//! Run with `cargo bench -p gokio-benches --bench pipeline`; `benches/report.sh` runs it with the Go program
//! (`benches/go/main.go`, the same workload).
//!
//! Workload `pipeline` (identical for every implementation): a generator task sends the
//! `u64`s `0..500 000` on a capacity-128 channel; 4 worker tasks receive from it, compute
//! `x * x % 7919` and send the result on one shared capacity-128 channel, which closes after
//! the last worker finishes; one consumer task sums the results and the sum is checked.
//! ns per item. Implementations:
//!
//! * `gokio`: the helpers, `fan_out(generate(0..n, 128), 4, 128, f)`, consumed by a `go`.
//! * `async-channel`: written by hand with `tokio::spawn` and `async_channel::bounded(128)`.
//! * `gokio chan+go`: written by hand with `gokio::chan(128)` and `gokio::go` (no helpers):
//!   the cost of the helpers themselves is the difference to `gokio`.
//! * `gokio ordered`: `fan_out_ordered` instead of `fan_out` (results in input order; one
//!   extra dispatcher and collector task and a one-slot result channel per item).

#[path = "common/mod.rs"]
mod common;

use common::{imp, Bench};
use gokio::pattern::{fan_out, fan_out_ordered, generate};

const CAP: usize = 128;
const WORKERS: usize = 4;

/// The workers' function: cheap, so that the channels dominate.
#[inline]
fn work(x: u64) -> u64 {
    x * x % 7919
}

/// The pipeline written by hand, without the helpers: `$chan` makes a capacity-[`CAP`]
/// `(sender, receiver)` pair, `$spawn` starts a task, `$some` is the pattern of a received
/// value. Returns the consumer task's handle, whose output is the sum.
macro_rules! by_hand {
    ($n:expr, $chan:expr, $spawn:path, $some:ident) => {{
        let (src_tx, src_rx) = $chan;
        let (out_tx, out_rx) = $chan;
        $spawn(async move {
            for i in 0..$n as u64 {
                src_tx.send(i).await.unwrap();
            }
        });
        for _ in 0..WORKERS {
            let (src_rx, out_tx) = (src_rx.clone(), out_tx.clone());
            $spawn(async move {
                while let $some(x) = src_rx.recv().await {
                    if out_tx.send(work(x)).await.is_err() {
                        return;
                    }
                }
            });
        }
        drop((src_rx, out_tx));
        $spawn(async move {
            let mut sum = 0;
            while let $some(v) = out_rx.recv().await {
                sum += v;
            }
            sum
        })
    }};
}

/// The consumer of the helpers' output: a goroutine summing `out` until it closes.
fn sum_of(out: gokio::Receiver<u64>) -> gokio::Goroutine<u64> {
    gokio::go(async move {
        let mut sum = 0;
        while let Some(v) = out.recv().await {
            sum += v;
        }
        sum
    })
}

fn main() {
    let mut b = Bench::from_env();
    let n = b.n(500_000, 1);
    let want: u64 = (0..n as u64).map(work).sum();
    b.workload(
        "pipeline",
        n,
        vec![
            imp("gokio", move || async move {
                let out = fan_out(generate(0..n as u64, CAP), WORKERS, CAP, |x| async move {
                    work(x)
                });
                assert_eq!(sum_of(out).join().await.unwrap(), want);
            }),
            imp("async-channel", move || async move {
                let consumer = by_hand!(n, async_channel::bounded::<u64>(CAP), tokio::spawn, Ok);
                assert_eq!(consumer.await.unwrap(), want);
            }),
            imp("gokio chan+go", move || async move {
                let consumer = by_hand!(n, gokio::chan::<u64>(CAP).split(), gokio::go, Some);
                assert_eq!(consumer.join().await.unwrap(), want);
            }),
            imp("gokio ordered", move || async move {
                let out =
                    fan_out_ordered(generate(0..n as u64, CAP), WORKERS, CAP, |x| async move {
                        work(x)
                    });
                assert_eq!(sum_of(out).join().await.unwrap(), want);
            }),
        ],
    );
    if let (Some(helpers), Some(tokio), Some(by_hand)) = (
        b.median("pipeline", "gokio"),
        b.median("pipeline", "async-channel"),
        b.median("pipeline", "gokio chan+go"),
    ) {
        println!(
            "gokio helpers / tokio+async-channel by hand: {:.2}x; / gokio chan+go by hand: {:.2}x",
            helpers / tokio,
            helpers / by_hand
        );
    }
}
