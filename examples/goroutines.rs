//! Go by Example: Goroutines — <https://gobyexample.com/goroutines>, ported to gokio.
//!
//! Go's final `time.Sleep(time.Second)` is shortened to 100 ms. As in Go, the lines of the two
//! goroutines may interleave differently on every run.
//!
//! ```go
//! package main
//!
//! import (
//!     "fmt"
//!     "time"
//! )
//!
//! func f(from string) {
//!     for i := 0; i < 3; i++ {
//!         fmt.Println(from, ":", i)
//!     }
//! }
//!
//! func main() {
//!
//!     f("direct")
//!
//!     go f("goroutine")
//!
//!     go func(msg string) {
//!         fmt.Println(msg)
//!     }("going")
//!
//!     time.Sleep(time.Second)
//!     fmt.Println("done")
//! }
//! ```
//!
//! Output (one possible interleaving):
//! ```text
//! direct : 0
//! direct : 1
//! direct : 2
//! goroutine : 0
//! going
//! goroutine : 1
//! goroutine : 2
//! done
//! ```

use std::time::Duration;

use gokio::prelude::*;

// A plain function is enough here: `f` does not wait on anything. To run it as a goroutine we
// wrap the call in an async block (Go: `go f(x)` => `go(async move { f(x) })`).
fn f(from: &str) {
    for i in 0..3 {
        println!("{from} : {i}");
    }
}

fn main() {
    run(async {
        // Call it the usual way, running it synchronously.
        f("direct");

        // Invoke it in a goroutine: it runs concurrently with the calling one.
        go(async { f("goroutine") });

        // A goroutine for an anonymous function call (Go: `go func(msg string){...}("going")`).
        let msg = "going";
        go! {
            println!("{msg}");
        };

        // The two calls now run asynchronously in separate goroutines. Wait for them to finish
        // (a WaitGroup would be more robust; see `waitgroups.rs`).
        time::sleep(Duration::from_millis(100)).await;
        println!("done");
    });
}
