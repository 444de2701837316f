//! Seed tutorial "10 Threads": ten workers and a WaitGroup, ported to gokio.
//!
//! Go's one second of simulated work is shortened to 100 ms. The workers start and finish in
//! a different order on every run, as in Go; "All workers finished" is always last.
//!
//! Go calls `wg.Add(numWorkers)` once and `defer wg.Done()` in each worker. gokio's
//! `wg.guard()` is `wg.Add(1)` plus a guard that calls `wg.Done()` when dropped, so the port
//! takes one guard per worker instead of the bulk `Add` (a bulk `wg.add(10)` with a plain
//! `wg.done()` at the end of `worker` also works, but is not panic-safe like `defer`).
//!
//! ```go
//! package main
//! import (
//!     "fmt"
//!     "sync"
//!     "time"
//! )
//!
//! func worker(id int, wg *sync.WaitGroup) {
//!     // defer: keyword in Go schedules a function call to be executed just before the surrounding function returns.
//!     // ie wg.Done() would be called when surrounding function finishes
//!     defer wg.Done()
//!     fmt.Printf("Worker %d started\n", id)
//!     time.Sleep(time.Second) // Simulate work
//!     fmt.Printf("Worker %d finished\n", id)
//! }
//!
//! func main() {
//!     // Create WaitGroup object
//!     var wg sync.WaitGroup
//!
//!     // Number of goroutines to create
//!     numWorkers := 10
//!
//!     // Add numWorkers to the WaitGroup
//!     wg.Add(numWorkers)
//!
//!     // Create goroutines
//!     for i := 1; i <= numWorkers; i++ {
//!         go worker(i, &wg)
//!     }
//!
//!     // Wait for all goroutines to finish
//!     wg.Wait()
//!
//!     fmt.Println("All workers finished")
//! }
//! ```
//!
//! Output (one possible order):
//! ```text
//! Worker 10 started
//! Worker 8 started
//! ...
//! Worker 7 finished
//! Worker 5 finished
//! All workers finished
//! ```

use std::time::Duration;

use gokio::prelude::*;

async fn worker(id: i32, wg: WaitGroup) {
    // defer: `wg.defer_done()` returns a guard that calls `wg.done()` when it is dropped at
    // the end of this function, even if the worker panics.
    let _done = wg.defer_done();
    println!("Worker {id} started");
    time::sleep(Duration::from_millis(100)).await; // Simulate work
    println!("Worker {id} finished");
}

fn main() {
    run(async {
        // Create WaitGroup object.
        let wg = WaitGroup::new();

        // Number of goroutines to create.
        let num_workers = 10;

        // Add numWorkers to the WaitGroup.
        wg.add(num_workers as isize);

        // Create goroutines (a WaitGroup is a shared handle: clone it instead of `&wg`).
        for i in 1..=num_workers {
            go(worker(i, wg.clone()));
        }

        // Wait for all goroutines to finish.
        wg.wait().await;

        println!("All workers finished");
    });
}
