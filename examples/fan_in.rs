//! Fan-in, from Rob Pike's "Go Concurrency Patterns" (Google I/O 2012,
//! <https://go.dev/talks/2012/concurrency.slide>), ported to gokio twice: once with `select!`
//! as in the talk, once with `gokio::pattern::merge`.
//!
//! `cargo run --example fan_in`. The pauses are random, as in the talk (scaled from up to 1 s
//! down to up to 100 ms), so the interleaving of Joe and Ann varies from run to run; each
//! one's own messages always come in order.
//!
//! ```go
//! func boring(msg string) <-chan string { // Returns receive-only channel of strings.
//!     c := make(chan string)
//!     go func() { // We launch the goroutine from inside the function.
//!         for i := 0; ; i++ {
//!             c <- fmt.Sprintf("%s %d", msg, i)
//!             time.Sleep(time.Duration(rand.Intn(1e3)) * time.Millisecond)
//!         }
//!     }()
//!     return c // Return the channel to the caller.
//! }
//!
//! func fanIn(input1, input2 <-chan string) <-chan string {
//!     c := make(chan string)
//!     go func() {
//!         for {
//!             select {
//!             case s := <-input1:  c <- s
//!             case s := <-input2:  c <- s
//!             }
//!         }
//!     }()
//!     return c
//! }
//!
//! func main() {
//!     c := fanIn(boring("Joe"), boring("Ann"))
//!     for i := 0; i < 10; i++ {
//!         fmt.Println(<-c)
//!     }
//!     fmt.Println("You're both boring; I'm leaving.")
//! }
//! ```
//!
//! One difference shows at the end: in Go the three goroutines stay blocked forever once
//! `main` stops receiving (a leak the talk does not mind). Here dropping the receiver closes
//! the channel, the blocked sends fail, and every goroutine returns: the example prints
//! `num_goroutine()` to show it.

use std::time::{Duration, Instant};

use gokio::pattern::{merge, take};
use gokio::{chan, go, num_goroutine, select, Receiver};

/// Returns a receive-only channel of "msg 0", "msg 1", ... sent at random intervals.
fn boring(msg: &'static str) -> Receiver<String> {
    let (tx, rx) = chan(0).split();
    go(async move {
        for i in 0.. {
            if tx.send(format!("{msg} {i}")).await.is_err() {
                return; // nobody is listening any more
            }
            gokio::time::sleep(Duration::from_millis(fastrand::u64(0..100))).await;
        }
    });
    rx
}

/// The talk's fan-in: one goroutine selecting over both inputs.
fn fan_in(input1: Receiver<String>, input2: Receiver<String>) -> Receiver<String> {
    let (tx, rx) = chan(0).split();
    go(async move {
        loop {
            let s = select! {
                recv(input1) -> s => s,
                recv(input2) -> s => s,
            };
            let Some(s) = s else { return };
            if tx.send(s).await.is_err() {
                return;
            }
        }
    });
    rx
}

/// Waits (up to a second) for every goroutine to have returned.
async fn settle() -> usize {
    let deadline = Instant::now() + Duration::from_secs(1);
    while num_goroutine() > 0 && Instant::now() < deadline {
        gokio::time::sleep(Duration::from_millis(5)).await;
    }
    num_goroutine()
}

fn main() {
    gokio::run(async {
        println!("-- fan-in with select! --");
        let c = fan_in(boring("Joe"), boring("Ann"));
        for _ in 0..10 {
            println!("{}", c.recv().await.unwrap());
        }
        println!("You're both boring; I'm leaving.");
        drop(c);
        println!("goroutines left: {}", settle().await);

        println!("-- fan-in with pattern::merge --");
        // merge is one forwarding goroutine per input; take(.., 10, ..) stops after ten.
        let c = take(merge(vec![boring("Joe"), boring("Ann")], 0), 10, 0);
        while let Some(s) = c.recv().await {
            println!("{s}");
        }
        println!("You're both boring; I'm leaving.");
        println!("goroutines left: {}", settle().await);
    });
}
