//! Seed tutorial "go routine (Threads)": `sayHello` in a goroutine, ported to gokio.
//!
//! As in Go, `main` sleeps (1 s, kept) to give the goroutine time to run, and nothing orders
//! the two lines: "Hello from main!" comes first on almost every run (the goroutine must
//! first be picked up by a worker thread), but that is a race, not a promise — use a
//! WaitGroup or a channel (see `ten_workers.rs`) when the order matters.
//!
//! ```go
//! package main
//!
//! import (
//!     "fmt"
//!     "time"
//! )
//!
//! func sayHello() {
//!     fmt.Println("Hello from goroutine!")
//! }
//!
//! func main() {
//!     // Start a goroutine
//!     go sayHello()
//!
//!     // Print from the main goroutine
//!     fmt.Println("Hello from main!")
//!
//!     // Sleep for a while to allow the goroutine to execute
//!     time.Sleep(time.Second)
//! }
//! ```
//!
//! Output:
//! ```text
//! Hello from main!
//! Hello from goroutine!
//! ```

use std::time::Duration;

use gokio::prelude::*;

async fn say_hello() {
    println!("Hello from goroutine!");
}

fn main() {
    run(async {
        // Start a goroutine (Go: `go sayHello()`).
        go(say_hello());

        // Print from the main goroutine.
        println!("Hello from main!");

        // Sleep for a while to allow the goroutine to execute.
        time::sleep(Duration::from_secs(1)).await;
    });
}
