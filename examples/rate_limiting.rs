//! Go by Example: Rate Limiting — <https://gobyexample.com/rate-limiting>, ported to gokio.
//!
//! Go prints the wall-clock time of each request; this port prints the time since start, so
//! the 200 ms spacing (and the burst of 3) is visible directly.
//!
//! ```go
//! package main
//!
//! import (
//!     "fmt"
//!     "time"
//! )
//!
//! func main() {
//!     requests := make(chan int, 5)
//!     for i := 1; i <= 5; i++ {
//!         requests <- i
//!     }
//!     close(requests)
//!
//!     limiter := time.Tick(200 * time.Millisecond)
//!
//!     for req := range requests {
//!         <-limiter
//!         fmt.Println("request", req, time.Now())
//!     }
//!
//!     burstyLimiter := make(chan time.Time, 3)
//!
//!     for i := 0; i < 3; i++ {
//!         burstyLimiter <- time.Now()
//!     }
//!
//!     go func() {
//!         for t := range time.Tick(200 * time.Millisecond) {
//!             burstyLimiter <- t
//!         }
//!     }()
//!
//!     burstyRequests := make(chan int, 5)
//!     for i := 1; i <= 5; i++ {
//!         burstyRequests <- i
//!     }
//!     close(burstyRequests)
//!     for req := range burstyRequests {
//!         <-burstyLimiter
//!         fmt.Println("request", req, time.Now())
//!     }
//! }
//! ```
//!
//! Output (times rounded to 100 ms):
//! ```text
//! request 1 200ms
//! request 2 400ms
//! request 3 600ms
//! request 4 800ms
//! request 5 1s
//! request 1 1s
//! request 2 1s
//! request 3 1s
//! request 4 1.2s
//! request 5 1.4s
//! ```

use std::time::Duration;

use gokio::chan;
use gokio::time::{self, Instant};

#[tokio::main]
async fn main() {
    let start = Instant::now();
    let since_start = move || {
        let ms = (start.elapsed().as_millis() + 50) / 100 * 100;
        Duration::from_millis(ms as u64)
    };

    // Basic rate limiting: serve at most one request every 200 ms.
    let requests = chan::<i32>(5);
    for i in 1..=5 {
        requests.send(i).await.unwrap();
    }
    requests.close();

    let limiter = time::tick(Duration::from_millis(200));

    while let Some(req) = requests.recv().await {
        limiter.recv().await;
        println!("request {req} {:?}", since_start());
    }

    // Bursty limiting: allow bursts of up to 3 requests while keeping the overall rate.
    let bursty_limiter = chan::<Instant>(3);
    for _ in 0..3 {
        bursty_limiter.send(Instant::now()).await.unwrap();
    }

    let refill = bursty_limiter.sender();
    tokio::spawn(async move {
        let ticks = time::tick(Duration::from_millis(200));
        while let Some(t) = ticks.recv().await {
            if refill.send(t).await.is_err() {
                return;
            }
        }
    });

    let bursty_requests = chan::<i32>(5);
    for i in 1..=5 {
        bursty_requests.send(i).await.unwrap();
    }
    bursty_requests.close();
    while let Some(req) = bursty_requests.recv().await {
        bursty_limiter.recv().await;
        println!("request {req} {:?}", since_start());
    }
}
