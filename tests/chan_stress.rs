//! Stress: many producers and consumers on one channel, sums and counts checked.

mod common;

use gokio::chan;

fn mpmc(cap: usize, producers: u64, consumers: usize, total: u64) {
    let per = total / producers;
    common::rt2().block_on(common::no_hang("mpmc stress", async move {
        let ch = chan::<u64>(cap);
        for p in 0..producers {
            let tx = ch.sender();
            tokio::spawn(async move {
                for i in 0..per {
                    tx.send(p * per + i).await.unwrap();
                }
            });
        }
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
        let (mut sum, mut count) = (0u64, 0u64);
        for h in handles {
            let (s, c) = h.await.unwrap();
            sum += s;
            count += c;
        }
        let n = per * producers;
        assert_eq!(count, n, "cap {cap}: values lost or duplicated");
        assert_eq!(sum, n * (n - 1) / 2, "cap {cap}: wrong sum");
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
