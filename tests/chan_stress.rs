//! Stress: many producers and consumers on one channel, sums and counts checked.

mod common;

use gokio::{chan, Chan};
use tokio::task::JoinHandle;

/// Spawns `producers` tasks; producer `p` sends `p * per .. (p + 1) * per` on `ch`, so
/// together they send each of `0..producers * per` once.
fn spawn_producers(ch: &Chan<u64>, producers: u64, per: u64) {
    for p in 0..producers {
        let tx = ch.sender();
        tokio::spawn(async move {
            for i in 0..per {
                tx.send(p * per + i).await.unwrap();
            }
        });
    }
}

/// Joins the consumers (each returns the sum and count of what it received) and checks
/// that together they received each of `0..n` exactly once.
async fn check_exactly_once(cap: usize, consumers: Vec<JoinHandle<(u64, u64)>>, n: u64) {
    let (mut sum, mut count) = (0u64, 0u64);
    for h in consumers {
        let (s, c) = h.await.unwrap();
        sum += s;
        count += c;
    }
    assert_eq!(count, n, "cap {cap}: values lost or duplicated");
    assert_eq!(sum, n * (n - 1) / 2, "cap {cap}: wrong sum");
}

fn mpmc(cap: usize, producers: u64, consumers: usize, total: u64) {
    let per = total / producers;
    common::rt2().block_on(common::no_hang("mpmc stress", async move {
        let ch = chan::<u64>(cap);
        spawn_producers(&ch, producers, per);
        let mut handles = Vec::new();
        for _ in 0..consumers {
            let rx = ch.receiver();
            handles.push(tokio::spawn(async move {
                let (mut sum, mut count) = (0u64, 0u64);
                while let Some(v) = rx.recv().await {
                    sum += v;
                    count += 1;
                }
                (sum, count)
            }));
        }
        drop(ch);
        check_exactly_once(cap, handles, producers * per).await;
    }));
}

#[test]
fn mpmc_8x8_unbuffered() {
    mpmc(0, 8, 8, 1_000_000);
}

#[test]
fn mpmc_8x8_one_slot() {
    mpmc(1, 8, 8, 1_000_000);
}

#[test]
fn mpmc_8x8_cap_64() {
    mpmc(64, 8, 8, 1_000_000);
}

#[test]
fn mixed_blocking_threads_and_tasks() {
    // Thread senders and task receivers on one rendezvous channel.
    let ch = chan::<u64>(0);
    let threads: Vec<_> = (0..4u64)
        .map(|t| {
            let tx = ch.sender();
            std::thread::spawn(move || {
                for i in 0..10_000 {
                    tx.send_blocking(t * 10_000 + i).unwrap();
                }
            })
        })
        .collect();
    let rx = ch.receiver();
    drop(ch);
    let sum = common::rt2().block_on(async move {
        let mut hs = Vec::new();
        for _ in 0..4 {
            let rx = rx.clone();
            hs.push(tokio::spawn(async move {
                let mut s = 0u64;
                while let Some(v) = rx.recv().await {
                    s += v;
                }
                s
            }));
        }
        drop(rx);
        let mut s = 0;
        for h in hs {
            s += h.await.unwrap();
        }
        s
    });
    threads.into_iter().for_each(|t| t.join().unwrap());
    assert_eq!(sum, (0..40_000u64).sum::<u64>());
}

/// Receivers cancel their receives at random (a `tokio::select!` against a yield) while
/// producers send and the channel closes by itself when they are done: every value sent `Ok`
/// is received exactly once, and a receive that starts after some receive returned `None`
/// returns `None` too (DESIGN rule 5; issue 15 item 11 saw `Some` after `None` under such a
/// stress).
#[test]
fn cancelled_receives_keep_none_final_under_stress() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    for cap in [0, 4] {
        common::rt2().block_on(common::no_hang("none-final stress", async move {
            let ch = chan::<u64>(cap);
            let none_seen = Arc::new(AtomicBool::new(false));
            let (producers, per) = (4u64, 5_000u64);
            spawn_producers(&ch, producers, per);
            let mut handles = Vec::new();
            for seed in 0..4u64 {
                let (rx, none_seen) = (ch.receiver(), none_seen.clone());
                handles.push(tokio::spawn(async move {
                    let mut rng = fastrand::Rng::with_seed(seed);
                    let (mut sum, mut count) = (0u64, 0u64);
                    loop {
                        let after_none = none_seen.load(Ordering::SeqCst);
                        let got = if rng.u8(..4) == 0 {
                            tokio::select! {
                                v = rx.recv() => v,
                                _ = tokio::task::yield_now() => continue, // cancelled
                            }
                        } else {
                            rx.recv().await
                        };
                        match got {
                            Some(v) => {
                                assert!(!after_none, "cap {cap}: Some({v}) after None");
                                sum += v;
                                count += 1;
                            }
                            None => {
                                none_seen.store(true, Ordering::SeqCst);
                                break;
                            }
                        }
                    }
                    (sum, count)
                }));
            }
            drop(ch); // the producers' senders close the channel when they finish
            check_exactly_once(cap, handles, producers * per).await;
        }));
    }
}
