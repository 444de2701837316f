//! Go by Example: Range over Channels — <https://gobyexample.com/range-over-channels>,
//! ported to gokio.
//!
//! Go's `for elem := range queue` is `while let Some(elem) = queue.recv().await`. (A
//! [`Receiver`](gokio::Receiver) is also a `futures::Stream`, for stream combinators.)
//!
//! ```go
//! package main
//!
//! import "fmt"
//!
//! func main() {
//!
//!     queue := make(chan string, 2)
//!     queue <- "one"
//!     queue <- "two"
//!     close(queue)
//!
//!     for elem := range queue {
//!         fmt.Println(elem)
//!     }
//! }
//! ```
//!
//! Output:
//! ```text
//! one
//! two
//! ```

use gokio::prelude::*;

fn main() {
    run(async {
        // Iterate over 2 values in the `queue` channel.
        let queue = chan::<&str>(2);
        queue.send("one").await.unwrap();
        queue.send("two").await.unwrap();
        queue.close();

        // This iterates over each element as it is received from `queue`. Because the channel
        // was closed, the loop ends after receiving the 2 elements.
        while let Some(elem) = queue.recv().await {
            println!("{elem}");
        }
    });
}
