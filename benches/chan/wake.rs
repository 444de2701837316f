//! `select_wake_scaling_{16,4096,65536}`: how the cost of waking one of N parked selects
//! grows with N (gokio against tokio+Notify and the tokio mpsc floor).

use std::time::{Duration, Instant};

use crate::common::{imp_timed, Bench};
use crate::peer::spawn;

pub fn select_wake_scaling(b: &mut Bench) {
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
