//! `gokio::synctest`: Go by Example's Timeouts and Rate Limiting at Go's own durations, on the
//! bubble's virtual clock. They take seconds of virtual time and no real time, and every line
//! (the times too) is the same on every run.
//!
//! Run with `cargo run --example synctest --features synctest`.

use std::time::Duration;

use gokio::time::{self, Instant};
use gokio::{chan, go, select, synctest};

/// Go by Example: Timeouts — <https://gobyexample.com/timeouts>, with Go's 2 s / 1 s / 3 s.
async fn timeouts() {
    let start = Instant::now();
    let c1 = chan::<&str>(1);
    let tx = c1.sender();
    go! {
        time::sleep(Duration::from_secs(2)).await;
        tx.send("result 1").await.unwrap();
    };
    select! {
        recv(c1) -> res => println!("{}", res.unwrap()),
        recv(time::after(Duration::from_secs(1))) -> _ => {
            println!("timeout 1 at {:?}", start.elapsed());
        }
    }

    let c2 = chan::<&str>(1);
    let tx = c2.sender();
    go! {
        time::sleep(Duration::from_secs(2)).await;
        tx.send("result 2").await.unwrap();
    };
    select! {
        recv(c2) -> res => println!("{} at {:?}", res.unwrap(), start.elapsed()),
        recv(time::after(Duration::from_secs(3))) -> _ => println!("timeout 2"),
    }
    // The first goroutine's send (at 2 s) went into c1's buffer: nothing is left running.
}

/// Go by Example: Rate Limiting — <https://gobyexample.com/rate-limiting>, its first half:
/// one request every 200 ms.
async fn rate_limiting() {
    let start = Instant::now();
    let requests = chan::<u32>(5);
    for i in 1..=5 {
        requests.send(i).await.unwrap();
    }
    requests.close();
    let limiter = time::tick(Duration::from_millis(200));
    while let Some(req) = requests.recv().await {
        limiter.recv().await;
        println!("request {req} at {:?}", start.elapsed());
    }
}

fn main() {
    synctest::test(timeouts());
    synctest::test(rate_limiting());
}
