//! Go by Example: Timeouts — <https://gobyexample.com/timeouts>, ported to gokio.
//!
//! Go's durations are halved (2 s → 1 s, 1 s → 500 ms, 3 s → 1.5 s); the output is the same.
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
//!     c1 := make(chan string, 1)
//!     go func() {
//!         time.Sleep(2 * time.Second)
//!         c1 <- "result 1"
//!     }()
//!
//!     select {
//!     case res := <-c1:
//!         fmt.Println(res)
//!     case <-time.After(1 * time.Second):
//!         fmt.Println("timeout 1")
//!     }
//!
//!     c2 := make(chan string, 1)
//!     go func() {
//!         time.Sleep(2 * time.Second)
//!         c2 <- "result 2"
//!     }()
//!     select {
//!     case res := <-c2:
//!         fmt.Println(res)
//!     case <-time.After(3 * time.Second):
//!         fmt.Println("timeout 2")
//!     }
//! }
//! ```
//!
//! Output:
//! ```text
//! timeout 1
//! result 2
//! ```

use std::time::Duration;

use gokio::{chan, select, time};

#[tokio::main]
async fn main() {
    // The channel is buffered, so the send in the goroutine does not block forever (leak) if
    // nobody receives after the timeout.
    let c1 = chan::<&str>(1);
    let tx = c1.sender();
    tokio::spawn(async move {
        time::sleep(Duration::from_secs(1)).await;
        let _ = tx.send("result 1").await;
    });

    select! {
        recv(c1) -> res => println!("{}", res.unwrap()),
        recv(time::after(Duration::from_millis(500))) -> _ => println!("timeout 1"),
    }

    // With a longer timeout, the result arrives first.
    let c2 = chan::<&str>(1);
    let tx = c2.sender();
    tokio::spawn(async move {
        time::sleep(Duration::from_secs(1)).await;
        let _ = tx.send("result 2").await;
    });
    select! {
        recv(c2) -> res => println!("{}", res.unwrap()),
        recv(time::after(Duration::from_millis(1500))) -> _ => println!("timeout 2"),
    }
}
