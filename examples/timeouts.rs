//! Go by Example: Timeouts — <https://gobyexample.com/timeouts>, ported to gokio.
//!
//! Go's durations are divided by four (2 s → 500 ms, 1 s → 250 ms, 3 s → 750 ms); the output
//! is the same.
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

use gokio::prelude::*;

fn main() {
    run(async {
        // Suppose we execute an external call that returns its result on `c1` after 500 ms.
        // The channel is buffered, so the send in the goroutine does not block forever (leak)
        // if nobody receives after the timeout.
        let c1 = chan::<&str>(1);
        let tx = c1.sender();
        go! {
            time::sleep(Duration::from_millis(500)).await;
            let _ = tx.send("result 1").await;
        };

        // `select!` implementing a timeout: `res` awaits the result, `time::after` awaits a
        // value sent after the timeout of 250 ms. The first one ready wins.
        select! {
            recv(c1) -> res => println!("{}", res.unwrap()),
            recv(time::after(Duration::from_millis(250))) -> _ => println!("timeout 1"),
        }

        // With a longer timeout of 750 ms, the result arrives first.
        let c2 = chan::<&str>(1);
        let tx = c2.sender();
        go! {
            time::sleep(Duration::from_millis(500)).await;
            let _ = tx.send("result 2").await;
        };
        select! {
            recv(c2) -> res => println!("{}", res.unwrap()),
            recv(time::after(Duration::from_millis(750))) -> _ => println!("timeout 2"),
        }
    });
}
