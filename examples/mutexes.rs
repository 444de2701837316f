//! Go by Example: Mutexes — <https://gobyexample.com/mutexes>, ported to gokio.
//!
//! In Go the mutex sits beside the map it protects; a gokio [`Mutex`](gokio::Mutex) owns the
//! value, so the map can only be reached through a locked guard (`defer c.mu.Unlock()` is the
//! guard going out of scope). Go prints maps with sorted keys; the port formats a `BTreeMap`
//! the same way.
//!
//! ```go
//! package main
//!
//! import (
//!     "fmt"
//!     "sync"
//! )
//!
//! type Container struct {
//!     mu       sync.Mutex
//!     counters map[string]int
//! }
//!
//! func (c *Container) inc(name string) {
//!
//!     c.mu.Lock()
//!     defer c.mu.Unlock()
//!     c.counters[name]++
//! }
//!
//! func main() {
//!     c := Container{
//!
//!         counters: map[string]int{"a": 0, "b": 0},
//!     }
//!
//!     var wg sync.WaitGroup
//!
//!     doIncrement := func(name string, n int) {
//!         for i := 0; i < n; i++ {
//!             c.inc(name)
//!         }
//!         wg.Done()
//!     }
//!
//!     wg.Add(3)
//!     go doIncrement("a", 10000)
//!     go doIncrement("a", 10000)
//!     go doIncrement("b", 10000)
//!
//!     wg.Wait()
//!     fmt.Println(c.counters)
//! }
//! ```
//!
//! Output:
//! ```text
//! map[a:20000 b:10000]
//! ```

use std::collections::BTreeMap;
use std::sync::Arc;

use gokio::prelude::*;

// Container holds a map of counters; since we want to update it concurrently from multiple
// goroutines, we put it in a Mutex to synchronize access.
struct Container {
    counters: Mutex<BTreeMap<&'static str, i32>>,
}

impl Container {
    // Lock the mutex before accessing `counters`; it is unlocked when the guard is dropped at
    // the end of the function.
    async fn inc(&self, name: &'static str) {
        let mut counters = self.counters.lock().await;
        *counters.entry(name).or_insert(0) += 1;
    }
}

fn main() {
    run(async {
        let c = Arc::new(Container {
            counters: Mutex::new(BTreeMap::from([("a", 0), ("b", 0)])),
        });

        let wg = WaitGroup::new();

        // This closure increments a named counter in a loop.
        let do_increment = |name: &'static str, n: i32| {
            let (c, wg) = (Arc::clone(&c), wg.clone());
            async move {
                for _ in 0..n {
                    c.inc(name).await;
                }
                wg.done();
            }
        };

        // Run several goroutines concurrently; they all access the same Container, and two of
        // them the same counter.
        wg.add(3);
        go(do_increment("a", 10000));
        go(do_increment("a", 10000));
        go(do_increment("b", 10000));

        // Wait for the goroutines to finish.
        wg.wait().await;
        let counters = c.counters.lock().await;
        let fields: Vec<String> = counters.iter().map(|(k, v)| format!("{k}:{v}")).collect();
        println!("map[{}]", fields.join(" "));
    });
}
