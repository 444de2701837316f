//! Go by Example: Select — <https://gobyexample.com/select>, ported to gokio.
//!
//! Go's sleeps of 1 s and 2 s are shortened to 100 ms and 200 ms; the program still takes
//! about the longer of the two (the sleeps run concurrently), and prints the same.
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
//!
//!     c1 := make(chan string)
//!     c2 := make(chan string)
//!
//!     go func() {
//!         time.Sleep(1 * time.Second)
//!         c1 <- "one"
//!     }()
//!     go func() {
//!         time.Sleep(2 * time.Second)
//!         c2 <- "two"
//!     }()
//!
//!     for i := 0; i < 2; i++ {
//!         select {
//!         case msg1 := <-c1:
//!             fmt.Println("received", msg1)
//!         case msg2 := <-c2:
//!             fmt.Println("received", msg2)
//!         }
//!     }
//! }
//! ```
//!
//! Output:
//! ```text
//! received one
//! received two
//! ```

use std::time::Duration;

use gokio::prelude::*;

fn main() {
    run(async {
        // For this example we'll select across two channels.
        let c1 = chan::<&str>(0);
        let c2 = chan::<&str>(0);

        // Each channel receives a value after some time, to simulate e.g. blocking RPC
        // operations executing in concurrent goroutines.
        let tx1 = c1.sender();
        go! {
            time::sleep(Duration::from_millis(100)).await;
            tx1.send("one").await.unwrap();
        };
        let tx2 = c2.sender();
        go! {
            time::sleep(Duration::from_millis(200)).await;
            tx2.send("two").await.unwrap();
        };

        // Use `select!` to await both of these values simultaneously, printing each one as it
        // arrives.
        for _ in 0..2 {
            select! {
                recv(c1) -> msg1 => println!("received {}", msg1.unwrap()),
                recv(c2) -> msg2 => println!("received {}", msg2.unwrap()),
            }
        }
    });
}
