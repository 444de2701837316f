//! Go by Example: Tickers — <https://gobyexample.com/tickers>, ported to gokio.
//!
//! Go prints the wall-clock time of each tick; this port prints the time since start
//! (gokio's ticks carry a monotonic [`gokio::time::Instant`]). Go's durations are halved
//! (500 ms → 250 ms, 1600 ms → 800 ms); there are still three ticks.
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
//!     ticker := time.NewTicker(500 * time.Millisecond)
//!     done := make(chan bool)
//!
//!     go func() {
//!         for {
//!             select {
//!             case <-done:
//!                 return
//!             case t := <-ticker.C:
//!                 fmt.Println("Tick at", t)
//!             }
//!         }
//!     }()
//!
//!     time.Sleep(1600 * time.Millisecond)
//!     ticker.Stop()
//!     done <- true
//!     fmt.Println("Ticker stopped")
//! }
//! ```
//!
//! Output (three ticks, then):
//! ```text
//! Tick at 250ms
//! Tick at 500ms
//! Tick at 750ms
//! Ticker stopped
//! ```

use std::time::Duration;

use gokio::prelude::*;
use gokio::time::{Instant, Ticker};

fn main() {
    run(async {
        let start = Instant::now();

        // Tickers use a similar mechanism to timers: a channel that is sent values, here
        // every 250 ms.
        let ticker = Ticker::new(Duration::from_millis(250));
        let done = chan::<bool>(0);

        let (ticks, done_rx) = (ticker.chan(), done.receiver());
        go! {
            loop {
                select! {
                    recv(done_rx) -> _ => return,
                    recv(ticks) -> t => {
                        let t = t.expect("a ticker's channel stays open");
                        // Rounded down to 50 ms so the output is stable.
                        let ms = (t - start).as_millis() / 50 * 50;
                        println!("Tick at {:?}", Duration::from_millis(ms as u64));
                    }
                }
            }
        };

        // Tickers can be stopped like timers. Once stopped, a ticker won't receive any more
        // values on its channel.
        time::sleep(Duration::from_millis(800)).await;
        ticker.stop();
        done.send(true).await.unwrap();
        println!("Ticker stopped");
    });
}
