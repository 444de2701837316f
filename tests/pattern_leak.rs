//! `num_goroutine` leak checks for `gokio::pattern`. The count is process-wide, so this binary
//! holds exactly one test, which runs every scenario in turn: after each one — run to the
//! end, dropped half-way, cancelled, or ended by a panic — the count must return to the
//! baseline.

mod common;

use std::future::Future;

use common::no_hang;
use futures::StreamExt;
use gokio::pattern::{
    bridge, distribute, fan_out, fan_out_ordered, filter, generate, map, merge, or_done, take, tee,
};
use gokio::{chan, num_goroutine, Context};

async fn settle(what: &str, base: usize) {
    common::wait_for_goroutines(what, base).await;
}

async fn scenario<F: Future<Output = ()>>(what: &str, base: usize, body: F) {
    no_hang(what, body).await;
    settle(what, base).await;
}

#[test]
fn pattern_helpers_leave_no_goroutine_behind() {
    common::rt2().block_on(async {
        let base = num_goroutine();

        // ----- run to the end -----
        scenario("generate/take to the end", base, async {
            assert_eq!(take(generate(0..10, 0), 20, 0).count().await, 10);
        })
        .await;
        scenario("merge to the end", base, async {
            let ins = (0..5).map(|i| generate(i * 10..i * 10 + 10, 1)).collect();
            assert_eq!(merge(ins, 4).count().await, 50);
        })
        .await;
        scenario("bridge to the end", base, async {
            let streams = generate((0..5).map(|i| generate(i..i + 3, 0)), 0);
            assert_eq!(bridge(streams, 0).count().await, 15);
        })
        .await;
        scenario("fan_out / fan_out_ordered to the end", base, async {
            let out = fan_out(generate(0..100u64, 0), 4, 2, |v| async move { v });
            assert_eq!(out.count().await, 100);
            let out = fan_out_ordered(generate(0..100u64, 0), 4, 2, |v| async move { v });
            assert_eq!(out.count().await, 100);
        })
        .await;
        scenario("distribute / tee to the end", base, async {
            let outs = distribute(generate(0..90, 0), 3, 1);
            let total = futures::future::join_all(outs.into_iter().map(|o| o.count())).await;
            assert_eq!(total.iter().sum::<usize>(), 90);
            let (a, b) = tee(generate(0..50, 0), 0);
            let (na, nb) = futures::join!(a.count(), b.count());
            assert_eq!((na, nb), (50, 50));
        })
        .await;
        scenario("map / filter / or_done to the end", base, async {
            let ctx = Context::background();
            let out = or_done(
                &ctx,
                filter(
                    map(generate(0..100, 2), 2, |v| async move { v + 1 }),
                    2,
                    |v| std::future::ready(v % 2 == 0),
                ),
            );
            assert_eq!(out.count().await, 50);
        })
        .await;

        // ----- outputs dropped half-way -----
        scenario("every helper dropped half-way", base, async {
            let rx = take(generate(0.., 4), 1000, 4);
            rx.recv().await.unwrap();
            drop(rx);

            let m = merge(vec![generate(0.., 1), generate(0.., 1)], 1);
            m.recv().await.unwrap();
            drop(m);

            let b = bridge(generate((0..).map(|i| generate(i.., 0)), 0), 0);
            b.recv().await.unwrap();
            drop(b);

            let f = fan_out(generate(0u64.., 4), 4, 4, |v| async move { v });
            f.recv().await.unwrap();
            drop(f);

            let o = fan_out_ordered(generate(0u64.., 4), 4, 4, |v| async move { v });
            o.recv().await.unwrap();
            drop(o);

            let d = distribute(generate(0.., 0), 3, 1);
            d[0].recv().await.unwrap();
            drop(d);

            let (a, b) = tee(generate(0.., 0), 1);
            a.recv().await.unwrap();
            drop(a);
            b.recv().await.unwrap();
            drop(b);

            let m = map(generate(0.., 0), 0, |v| async move { v });
            m.recv().await.unwrap();
            drop(m);

            let f = filter(generate(0.., 0), 0, |_| std::future::ready(true));
            f.recv().await.unwrap();
            drop(f);

            let idle = chan::<u64>(0);
            let stages = map(take(idle.receiver(), 5, 0), 0, |v| async move { v });
            drop(stages); // both stages wait on an input that never sends
            drop(idle);
        })
        .await;

        scenario("five-stage pipeline dropped half-way", base, async {
            let nums = generate(0u64.., 8);
            let squares = map(nums, 8, |v| async move { v.wrapping_mul(v) });
            let even = filter(squares, 8, |v| std::future::ready(v % 2 == 0));
            let halves = fan_out(even, 4, 8, |v| async move { v / 2 });
            let first = take(halves, 1_000, 8);
            for _ in 0..500 {
                first.recv().await.unwrap();
            }
            assert!(num_goroutine() > base);
            drop(first);
        })
        .await;

        // ----- cancellation and panics -----
        scenario("or_done cancelled", base, async {
            let (ctx, cancel) = Context::background().with_cancel();
            let out = or_done(&ctx, map(generate(0.., 0), 0, |v| async move { v }));
            out.recv().await.unwrap();
            cancel.cancel();
            while out.recv().await.is_some() {}
        })
        .await;
        scenario("panics in user functions", base, async {
            let m = map(generate(0.., 0), 0, |v: u32| async move {
                assert!(v < 3, "leak test: map panics");
                v
            });
            assert_eq!(m.count().await, 3);
            let f = fan_out(generate(0u32.., 0), 4, 0, |v| async move {
                assert!(v < 30, "leak test: fan_out panics");
                v
            });
            f.count().await; // ends: the input is endless
            let o = fan_out_ordered(generate(0u32.., 0), 4, 0, |v| async move {
                assert!(v < 30, "leak test: fan_out_ordered panics");
                v
            });
            assert_eq!(o.count().await, 30);
            let f = filter(generate(0u32.., 0), 0, |v| {
                assert!(*v < 3, "leak test: filter panics");
                std::future::ready(true)
            });
            assert_eq!(f.count().await, 3);
        })
        .await;
    });
}
