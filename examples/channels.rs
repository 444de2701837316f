//! Go by Example: Channels — <https://gobyexample.com/channels>, ported to gokio.
//!
//! ```go
//! package main
//!
//! import "fmt"
//!
//! func main() {
//!
//!     messages := make(chan string)
//!
//!     go func() { messages <- "ping" }()
//!
//!     msg := <-messages
//!     fmt.Println(msg)
//! }
//! ```
//!
//! Output:
//! ```text
//! ping
//! ```

use gokio::prelude::*;

fn main() {
    run(async {
        // Make a new (unbuffered) channel: `make(chan string)`.
        let messages = chan::<&str>(0);

        // Send a value into the channel from a new goroutine. The goroutine gets its own
        // handle (a clone shares the one channel, as copying a Go channel value does).
        let tx = messages.clone();
        go! { tx.send("ping").await.unwrap() };

        // Receive it. Send and receive block until both sides are ready, so no other
        // synchronisation is needed to wait for the "ping".
        let msg = messages.recv().await.unwrap();
        println!("{msg}");
    });
}
