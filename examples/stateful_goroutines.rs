//! Go by Example: Stateful Goroutines — <https://gobyexample.com/stateful-goroutines>,
//! ported to gokio.
//!
//! Go runs the load for one second; the port runs it for 500 ms. The counts vary from run to
//! run, as in Go, and are lower than half of Go's: tokio's timer has millisecond granularity
//! and rounds each 1 ms sleep up to the next tick, so every loop below takes about 2 ms (about
//! 1.4 ms in Go). Each request carries its own reply channel: a channel of channels in effect.
//!
//! ```go
//! package main
//!
//! import (
//!     "fmt"
//!     "math/rand"
//!     "sync/atomic"
//!     "time"
//! )
//!
//! type readOp struct {
//!     key  int
//!     resp chan int
//! }
//! type writeOp struct {
//!     key  int
//!     val  int
//!     resp chan bool
//! }
//!
//! func main() {
//!
//!     var readOps uint64
//!     var writeOps uint64
//!
//!     reads := make(chan readOp)
//!     writes := make(chan writeOp)
//!
//!     go func() {
//!         var state = make(map[int]int)
//!         for {
//!             select {
//!             case read := <-reads:
//!                 read.resp <- state[read.key]
//!             case write := <-writes:
//!                 state[write.key] = write.val
//!                 write.resp <- true
//!             }
//!         }
//!     }()
//!
//!     for r := 0; r < 100; r++ {
//!         go func() {
//!             for {
//!                 read := readOp{
//!                     key:  rand.Intn(5),
//!                     resp: make(chan int)}
//!                 reads <- read
//!                 <-read.resp
//!                 atomic.AddUint64(&readOps, 1)
//!                 time.Sleep(time.Millisecond)
//!             }
//!         }()
//!     }
//!
//!     for w := 0; w < 10; w++ {
//!         go func() {
//!             for {
//!                 write := writeOp{
//!                     key:  rand.Intn(5),
//!                     val:  rand.Intn(100),
//!                     resp: make(chan bool)}
//!                 writes <- write
//!                 <-write.resp
//!                 atomic.AddUint64(&writeOps, 1)
//!                 time.Sleep(time.Millisecond)
//!             }
//!         }()
//!     }
//!
//!     time.Sleep(time.Second)
//!
//!     readOpsFinal := atomic.LoadUint64(&readOps)
//!     fmt.Println("readOps:", readOpsFinal)
//!     writeOpsFinal := atomic.LoadUint64(&writeOps)
//!     fmt.Println("writeOps:", writeOpsFinal)
//! }
//! ```
//!
//! Output (Go, one second):
//! ```text
//! readOps: 71708
//! writeOps: 7177
//! ```

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use gokio::prelude::*;

// The state is owned by a single goroutine; other goroutines send it requests and get
// replies on the channel inside each request.
struct ReadOp {
    key: i32,
    resp: Chan<i32>,
}

struct WriteOp {
    key: i32,
    val: i32,
    resp: Chan<bool>,
}

fn main() {
    run(async {
        // Count how many operations we perform.
        let read_ops = Arc::new(AtomicU64::new(0));
        let write_ops = Arc::new(AtomicU64::new(0));

        // Other goroutines issue read and write requests on these channels.
        let reads = chan::<ReadOp>(0);
        let writes = chan::<WriteOp>(0);

        // The goroutine that owns `state`, a map private to it. It repeatedly selects on the
        // two channels and answers each request on its `resp` channel.
        let (reads_rx, writes_rx) = (reads.receiver(), writes.receiver());
        go! {
            let mut state: HashMap<i32, i32> = HashMap::new();
            loop {
                select! {
                    recv(reads_rx) -> read => {
                        let Some(read) = read else { return };
                        let _ = read.resp.send(*state.get(&read.key).unwrap_or(&0)).await;
                    }
                    recv(writes_rx) -> write => {
                        let Some(write) = write else { return };
                        state.insert(write.key, write.val);
                        let _ = write.resp.send(true).await;
                    }
                }
            }
        };

        // 100 goroutines issue reads to the state-owning goroutine via `reads`.
        for _ in 0..100 {
            let (reads, read_ops) = (reads.sender(), Arc::clone(&read_ops));
            go! {
                loop {
                    let read = ReadOp { key: fastrand::i32(0..5), resp: chan(0) };
                    let resp = read.resp.clone();
                    if reads.send(read).await.is_err() {
                        return;
                    }
                    resp.recv().await;
                    read_ops.fetch_add(1, Ordering::Relaxed);
                    time::sleep(Duration::from_millis(1)).await;
                }
            };
        }

        // 10 writes as well, with a similar approach.
        for _ in 0..10 {
            let (writes, write_ops) = (writes.sender(), Arc::clone(&write_ops));
            go! {
                loop {
                    let write = WriteOp {
                        key: fastrand::i32(0..5),
                        val: fastrand::i32(0..100),
                        resp: chan(0),
                    };
                    let resp = write.resp.clone();
                    if writes.send(write).await.is_err() {
                        return;
                    }
                    resp.recv().await;
                    write_ops.fetch_add(1, Ordering::Relaxed);
                    time::sleep(Duration::from_millis(1)).await;
                }
            };
        }

        // Let the goroutines work for a while (Go: 1 s).
        time::sleep(Duration::from_millis(500)).await;

        // Capture and report the op counts.
        println!("readOps: {}", read_ops.load(Ordering::Relaxed));
        println!("writeOps: {}", write_ops.load(Ordering::Relaxed));
    });
}
