//! Go by Example: WaitGroups — <https://gobyexample.com/waitgroups>, ported to gokio.
//!
//! Go's one-second sleep per worker is shortened to 100 ms. The order of the lines varies
//! from run to run, as in Go.
//!
//! ```go
//! package main
//!
//! import (
//!     "fmt"
//!     "sync"
//!     "time"
//! )
//!
//! func worker(id int) {
//!     fmt.Printf("Worker %d starting\n", id)
//!
//!     time.Sleep(time.Second)
//!     fmt.Printf("Worker %d done\n", id)
//! }
//!
//! func main() {
//!
//!     var wg sync.WaitGroup
//!
//!     for i := 1; i <= 5; i++ {
//!         wg.Add(1)
//!
//!         go func() {
//!             defer wg.Done()
//!             worker(i)
//!         }()
//!     }
//!
//!     wg.Wait()
//! }
//! ```
//!
//! Output (one possible order):
//! ```text
//! Worker 5 starting
//! Worker 1 starting
//! Worker 2 starting
//! Worker 4 starting
//! Worker 3 starting
//! Worker 1 done
//! Worker 5 done
//! Worker 3 done
//! Worker 2 done
//! Worker 4 done
//! ```

use std::time::Duration;

use gokio::prelude::*;

// The function we'll run in every goroutine.
async fn worker(id: i32) {
    println!("Worker {id} starting");

    // Sleep to simulate an expensive task.
    time::sleep(Duration::from_millis(100)).await;
    println!("Worker {id} done");
}

fn main() {
    run(async {
        // This WaitGroup waits for all the goroutines launched here to finish. A WaitGroup is
        // a shared handle: clones count on the same counter.
        let wg = WaitGroup::new();

        // Launch several goroutines; each increments the WaitGroup counter.
        for i in 1..=5 {
            // `wg.Add(1)` now, `wg.Done()` when the guard is dropped: `defer wg.Done()`.
            let done = wg.guard();
            go! {
                let _done = done;
                worker(i).await;
            };
            // Go 1.25's `wg.Go(func() { worker(i) })` is `wg.go(worker(i))`.
        }

        // Block until the WaitGroup counter goes back to 0: all the workers said they're done.
        wg.wait().await;

        // Note that this approach has no straightforward way to propagate errors from workers.
        // For more advanced use cases, consider the errgroup (`gokio::sync::Group`).
    });
}
