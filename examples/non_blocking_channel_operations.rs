//! Go by Example: Non-Blocking Channel Operations —
//! <https://gobyexample.com/non-blocking-channel-operations>, ported to gokio.
//!
//! ```go
//! package main
//!
//! import "fmt"
//!
//! func main() {
//!     messages := make(chan string)
//!     signals := make(chan bool)
//!
//!     select {
//!     case msg := <-messages:
//!         fmt.Println("received message", msg)
//!     default:
//!         fmt.Println("no message received")
//!     }
//!
//!     msg := "hi"
//!     select {
//!     case messages <- msg:
//!         fmt.Println("sent message", msg)
//!     default:
//!         fmt.Println("no message sent")
//!     }
//!
//!     select {
//!     case msg := <-messages:
//!         fmt.Println("received message", msg)
//!     case sig := <-signals:
//!         fmt.Println("received signal", sig)
//!     default:
//!         fmt.Println("no activity")
//!     }
//! }
//! ```
//!
//! Output:
//! ```text
//! no message received
//! no message sent
//! no activity
//! ```

use gokio::prelude::*;

fn main() {
    run(async {
        let messages = chan::<&str>(0);
        let signals = chan::<bool>(0);

        // A non-blocking receive: if a value is ready on `messages`, the `recv` case is taken;
        // if not, `default` is taken at once.
        select! {
            recv(messages) -> msg => println!("received message {}", msg.unwrap()),
            default => println!("no message received"),
        }

        // A non-blocking send. `msg` cannot be sent: the channel has no buffer and there is
        // no receiver, so `default` is taken.
        let msg = "hi";
        select! {
            send(messages, msg) -> _ => println!("sent message {msg}"),
            default => println!("no message sent"),
        }

        // Several cases above `default` make a multi-way non-blocking select.
        select! {
            recv(messages) -> msg => println!("received message {}", msg.unwrap()),
            recv(signals) -> sig => println!("received signal {}", sig.unwrap()),
            default => println!("no activity"),
        }
    });
}
