//! The concurrent prime sieve from the Go documentation ("A concurrent prime sieve", the
//! daisy chain of filter goroutines), ported to gokio.
//!
//! ```go
//! package main
//!
//! import "fmt"
//!
//! // Send the sequence 2, 3, 4, ... to channel 'ch'.
//! func Generate(ch chan<- int) {
//!     for i := 2; ; i++ {
//!         ch <- i // Send 'i' to channel 'ch'.
//!     }
//! }
//!
//! // Copy the values from channel 'in' to channel 'out',
//! // removing those divisible by 'prime'.
//! func Filter(in <-chan int, out chan<- int, prime int) {
//!     for {
//!         i := <-in // Receive value from 'in'.
//!         if i%prime != 0 {
//!             out <- i // Send 'i' to 'out'.
//!         }
//!     }
//! }
//!
//! // The prime sieve: Daisy-chain Filter processes.
//! func main() {
//!     ch := make(chan int) // Create a new channel.
//!     go Generate(ch)      // Launch Generate goroutine.
//!     for i := 0; i < 10; i++ {
//!         prime := <-ch
//!         fmt.Println(prime)
//!         ch1 := make(chan int)
//!         go Filter(ch, ch1, prime)
//!         ch = ch1
//!     }
//! }
//! ```
//!
//! Output: the first ten primes, one per line (2, 3, 5, ..., 29).
//!
//! One difference: Go's goroutines are still blocked when `main` returns and simply vanish.
//! Here each stage stops by itself once nobody can receive its output (a send on a channel
//! whose receivers are all gone fails), so `num_goroutine()` is back to 0 at the end.

use gokio::prelude::*;

/// Send the sequence 2, 3, 4, ... to channel `ch`.
async fn generate(ch: Sender<u64>) {
    let mut i = 2;
    while ch.send(i).await.is_ok() {
        i += 1;
    }
}

/// Copy the values from channel `input` to channel `out`, removing those divisible by
/// `prime`.
async fn filter(input: Receiver<u64>, out: Sender<u64>, prime: u64) {
    while let Some(i) = input.recv().await {
        if i % prime != 0 && out.send(i).await.is_err() {
            return; // nobody listens any more: end this stage
        }
    }
}

fn main() {
    run(async {
        let (tx, mut ch) = chan::<u64>(0).split(); // Create a new channel.
        go(generate(tx)); // Launch Generate goroutine.
        for _ in 0..10 {
            let prime = ch.recv().await.unwrap();
            println!("{prime}");
            let (out, next) = chan::<u64>(0).split();
            go(filter(ch, out, prime));
            ch = next;
        }
        // Dropping the last receiver unwinds the whole chain, stage by stage.
        drop(ch);
        while num_goroutine() > 0 {
            yield_now().await;
        }
    });
}
