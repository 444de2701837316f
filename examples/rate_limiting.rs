//! Go by Example: Rate Limiting — <https://gobyexample.com/rate-limiting>, ported to gokio.
//!
//! Go prints the wall-clock time of each request; this port prints the time since start, so
//! the spacing (and the burst of 3) is visible directly. Go's 200 ms period is shortened to
//! 100 ms.
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
//! Output (times rounded to 50 ms):
//! ```text
//! request 1 100ms
//! request 2 200ms
//! request 3 300ms
//! request 4 400ms
//! request 5 500ms
//! request 1 500ms
//! request 2 500ms
//! request 3 500ms
//! request 4 600ms
//! request 5 700ms
//! ```

use std::time::Duration;

use gokio::prelude::*;
use gokio::time::Instant;

const PERIOD: Duration = Duration::from_millis(100);

fn main() {
    run(async {
        let start = Instant::now();
        let since_start = move || {
            let ms = (start.elapsed().as_millis() + 25) / 50 * 50;
            Duration::from_millis(ms as u64)
        };

        // Basic rate limiting: serve incoming requests from a channel of requests.
        let requests = chan::<i32>(5);
        for i in 1..=5 {
            requests.send(i).await.unwrap();
        }
        requests.close();

        // The `limiter` channel receives a value every 100 ms: it is the regulator.
        let limiter = time::tick(PERIOD);

        // Blocking on a receive from `limiter` before serving each request limits us to one
        // request every 100 ms.
        while let Some(req) = requests.recv().await {
            limiter.recv().await;
            println!("request {req} {:?}", since_start());
        }

        // Bursty limiting: allow short bursts of up to 3 requests while keeping the overall
        // rate. The buffered `bursty_limiter` channel holds up to 3 permits; fill it first.
        let bursty_limiter = chan::<Instant>(3);
        for _ in 0..3 {
            bursty_limiter.send(Instant::now()).await.unwrap();
        }

        // Every 100 ms, try to add a new permit, up to the limit of 3.
        let refill = bursty_limiter.sender();
        go! {
            let ticks = time::tick(PERIOD);
            while let Some(t) = ticks.recv().await {
                if refill.send(t).await.is_err() {
                    return;
                }
            }
        };

        // Now simulate 5 more incoming requests. The first 3 benefit from the burst capability.
        let bursty_requests = chan::<i32>(5);
        for i in 1..=5 {
            bursty_requests.send(i).await.unwrap();
        }
        bursty_requests.close();
        while let Some(req) = bursty_requests.recv().await {
            bursty_limiter.recv().await;
            println!("request {req} {:?}", since_start());
        }
    });
}
