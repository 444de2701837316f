//! Go by Example: Atomic Counters — <https://gobyexample.com/atomic-counters>, ported to
//! gokio.
//!
//! Go's `sync/atomic` has an exact equivalent in `std::sync::atomic`; gokio adds nothing here.
//! The counter is shared through an `Arc` because goroutines must own what they capture
//! (Go's closure captures `ops` by reference; the garbage collector keeps it alive).
//!
//! ```go
//! package main
//!
//! import (
//!     "fmt"
//!     "sync"
//!     "sync/atomic"
//! )
//!
//! func main() {
//!
//!     var ops atomic.Uint64
//!
//!     var wg sync.WaitGroup
//!
//!     for i := 0; i < 50; i++ {
//!         wg.Add(1)
//!
//!         go func() {
//!             for c := 0; c < 1000; c++ {
//!
//!                 ops.Add(1)
//!             }
//!
//!             wg.Done()
//!         }()
//!     }
//!
//!     wg.Wait()
//!
//!     fmt.Println("ops:", ops.Load())
//! }
//! ```
//!
//! Output:
//! ```text
//! ops: 50000
//! ```

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use gokio::prelude::*;

fn main() {
    run(async {
        // An atomic integer to represent our (always-positive) counter.
        let ops = Arc::new(AtomicU64::new(0));

        // A WaitGroup waits for all goroutines to finish their work.
        let wg = WaitGroup::new();

        // Start 50 goroutines that each increment the counter exactly 1000 times.
        for _ in 0..50 {
            wg.add(1);
            let (ops, wg) = (Arc::clone(&ops), wg.clone());
            go! {
                for _ in 0..1000 {
                    ops.fetch_add(1, Ordering::Relaxed);
                }
                wg.done();
            };
        }

        // Wait until all the goroutines are done.
        wg.wait().await;

        // No goroutine writes to `ops` any more, but loading atomically is still the rule.
        println!("ops: {}", ops.load(Ordering::Relaxed));
    });
}
