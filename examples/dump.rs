//! A goroutine dump of a small program, as Go prints on `SIGQUIT` (run with
//! `cargo run --example dump --features diagnostics`).
//!
//! Main starts three workers that queue on a one-permit semaphore that main holds, a
//! coordinator that waits for the workers' WaitGroup, and a goroutine sleeping with tokio (which gokio
//! cannot see into). Once all are parked, it prints the dump and its grouped form, then lets
//! everyone finish. Addresses differ from run to run; everything else is deterministic.
//!
//! Go's program for the same shape prints, on `SIGQUIT`, headers such as
//! `goroutine 6 [sync.WaitGroup.Wait]:` and `goroutine 7 [semacquire]:`, each followed by a
//! stack trace and `created by main.main`.

use std::sync::Arc;
use std::time::Duration;

use gokio::{go, Builder, Semaphore, WaitGroup};

fn main() {
    gokio::run(async {
        let wg = WaitGroup::new();
        let sem = Arc::new(Semaphore::new(1));
        assert!(sem.try_acquire(1)); // held by main until the end

        for i in 1..=3 {
            let (sem, done) = (sem.clone(), wg.guard());
            Builder::new().name(format!("worker {i}")).go(async move {
                let _done = done;
                sem.acquire(1).await.unwrap();
                sem.release(1);
            });
        }
        let coordinator = {
            let wg = wg.clone();
            Builder::new()
                .name("coordinator")
                .go(async move { wg.wait().await })
        };
        let sleeper = go(tokio::time::sleep(Duration::from_secs(3600)));

        // Wait until the four gokio waits are recorded.
        while gokio::debug::dump()
            .goroutines()
            .iter()
            .filter(|g| g.wait_reason().is_some())
            .count()
            < 4
        {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let dump = gokio::debug::dump();
        println!("{dump}");
        print!("{}", dump.grouped());

        sem.release(1);
        coordinator.await.unwrap();
        sleeper.abort();
    });
}
