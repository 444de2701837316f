//! Go by Example: Channel Synchronization —
//! <https://gobyexample.com/channel-synchronization>, ported to gokio.
//!
//! Go's one second of "work" is shortened to 100 ms.
//!
//! ```go
//! package main
//!
//! import (
//!     "fmt"
//!     "time"
//! )
//!
//! func worker(done chan bool) {
//!     fmt.Print("working...")
//!     time.Sleep(time.Second)
//!     fmt.Println("done")
//!
//!     done <- true
//! }
//!
//! func main() {
//!
//!     done := make(chan bool, 1)
//!     go worker(done)
//!
//!     <-done
//! }
//! ```
//!
//! Output:
//! ```text
//! working...done
//! ```

use std::io::Write;
use std::time::Duration;

use gokio::prelude::*;

// The `done` channel notifies another goroutine that this one's work is done.
async fn worker(done: Chan<bool>) {
    print!("working...");
    std::io::stdout().flush().unwrap();
    time::sleep(Duration::from_millis(100)).await;
    println!("done");

    // Send a value to notify that we're done.
    done.send(true).await.unwrap();
}

fn main() {
    run(async {
        let done = chan::<bool>(1);
        // Start a worker goroutine, giving it the channel to notify on.
        go(worker(done.clone()));

        // Block until we receive a notification from the worker on the channel. Without this
        // line, the program would exit before the worker even started.
        done.recv().await;
    });
}
