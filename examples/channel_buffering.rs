//! Go by Example: Channel Buffering — <https://gobyexample.com/channel-buffering>, ported to
//! gokio.
//!
//! ```go
//! package main
//!
//! import "fmt"
//!
//! func main() {
//!
//!     messages := make(chan string, 2)
//!
//!     messages <- "buffered"
//!     messages <- "channel"
//!
//!     fmt.Println(<-messages)
//!     fmt.Println(<-messages)
//! }
//! ```
//!
//! Output:
//! ```text
//! buffered
//! channel
//! ```

use gokio::prelude::*;

fn main() {
    run(async {
        // A channel of strings buffering up to 2 values.
        let messages = chan::<&str>(2);

        // Because it is buffered, these sends complete without a concurrent receiver.
        messages.send("buffered").await.unwrap();
        messages.send("channel").await.unwrap();

        // Later, receive the two values as usual.
        println!("{}", messages.recv().await.unwrap());
        println!("{}", messages.recv().await.unwrap());
    });
}
