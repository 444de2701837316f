//! Go by Example: Tickers — <https://gobyexample.com/tickers>, ported to gokio.
//!
//! Go prints the wall-clock time of each tick; this port prints the time since start
//! (gokio's ticks carry a monotonic [`gokio::time::Instant`]).
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
//! Tick at 500ms
//! Tick at 1s
//! Tick at 1.5s
//! Ticker stopped
//! ```

use std::time::Duration;

use gokio::time::{self, Instant, Ticker};
use gokio::{chan, select};

#[tokio::main]
async fn main() {
    let start = Instant::now();
    let ticker = Ticker::new(Duration::from_millis(500));
    let done = chan::<bool>(0);

    let (ticks, done_rx) = (ticker.chan(), done.receiver());
    let worker = tokio::spawn(async move {
        loop {
            select! {
                recv(done_rx) -> _ => return,
                recv(ticks) -> t => {
                    let t = t.expect("a ticker's channel stays open");
                    // Round to the period so the output is stable.
                    let ms = (t - start).as_millis() / 100 * 100;
                    println!("Tick at {:?}", Duration::from_millis(ms as u64));
                }
            }
        }
    });

    time::sleep(Duration::from_millis(1600)).await;
    ticker.stop();
    done.send(true).await.unwrap();
    println!("Ticker stopped");
    worker.await.unwrap();
}
