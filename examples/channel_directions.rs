//! Go by Example: Channel Directions — <https://gobyexample.com/channel-directions>, ported
//! to gokio.
//!
//! Go's `chan<- string` is gokio's [`Sender`](gokio::Sender) and `<-chan string` is
//! [`Receiver`](gokio::Receiver); `ch.sender()` / `ch.receiver()` make them from a `Chan`. As
//! in Go, using a handle against its direction does not compile: a `Receiver` has no `send`.
//!
//! ```go
//! package main
//!
//! import "fmt"
//!
//! func ping(pings chan<- string, msg string) {
//!     pings <- msg
//! }
//!
//! func pong(pings <-chan string, pongs chan<- string) {
//!     msg := <-pings
//!     pongs <- msg
//! }
//!
//! func main() {
//!     pings := make(chan string, 1)
//!     pongs := make(chan string, 1)
//!     ping(pings, "passed message")
//!     pong(pings, pongs)
//!     fmt.Println(<-pongs)
//! }
//! ```
//!
//! Output:
//! ```text
//! passed message
//! ```

use gokio::prelude::*;

// `ping` only accepts a channel for sending values.
async fn ping(pings: &Sender<&'static str>, msg: &'static str) {
    pings.send(msg).await.unwrap();
}

// `pong` accepts one channel for receives (`pings`) and a second for sends (`pongs`).
async fn pong(pings: &Receiver<&'static str>, pongs: &Sender<&'static str>) {
    let msg = pings.recv().await.unwrap();
    pongs.send(msg).await.unwrap();
}

fn main() {
    run(async {
        let pings = chan::<&str>(1);
        let pongs = chan::<&str>(1);
        // Go converts `chan T` to `chan<- T` implicitly; here the conversion is explicit.
        ping(&pings.sender(), "passed message").await;
        pong(&pings.receiver(), &pongs.sender()).await;
        println!("{}", pongs.recv().await.unwrap());
    });
}
