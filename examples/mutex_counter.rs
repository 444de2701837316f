//! Seed tutorials "WaitGroups and Mutex": a counter incremented by many goroutines under a
//! mutex, ported to gokio.
//!
//! Without the mutex the Go program has a data race (`go run -race` reports it) and usually
//! prints less than 1000. In Rust the unprotected version does not compile: a plain `i32`
//! cannot be shared mutably between goroutines. The gokio [`Mutex`](gokio::Mutex) owns the
//! counter, so the only way to reach it is through the lock.
//!
//! ```go
//! package main
//!
//! import (
//!     "fmt"
//!     "sync"
//! )
//!
//! func main() {
//!     var mu sync.Mutex
//!     var wg sync.WaitGroup
//!     counter := 0
//!
//!     for i := 0; i < 1000; i++ {
//!         wg.Add(1)
//!         go func() {
//!             defer wg.Done()
//!             mu.Lock()
//!             defer mu.Unlock()
//!             counter++
//!         }()
//!     }
//!
//!     wg.Wait()
//!     fmt.Println("Final counter:", counter)
//! }
//! ```
//!
//! Output:
//! ```text
//! Final counter: 1000
//! ```

use std::sync::Arc;

use gokio::prelude::*;

fn main() {
    run(async {
        // Go's closures share `mu` and `counter` by reference; goroutines here own what they
        // capture, so the mutex (holding the counter) is shared through an `Arc`.
        let counter = Arc::new(Mutex::new(0));
        let wg = WaitGroup::new();

        for _ in 0..1000 {
            let done = wg.guard(); // wg.Add(1)
            let counter = Arc::clone(&counter);
            go! {
                let _done = done; // defer wg.Done()
                let mut c = counter.lock().await; // mu.Lock(); defer mu.Unlock()
                *c += 1;
            };
        }

        wg.wait().await;
        println!("Final counter: {}", *counter.lock().await);
    });
}
