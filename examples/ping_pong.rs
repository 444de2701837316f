//! Ping-pong: two goroutines hitting a ball back and forth over one unbuffered channel, the
//! classic from the "Advanced Go Concurrency Patterns" talk, ported to gokio.
//!
//! ```go
//! package main
//!
//! import (
//!     "fmt"
//!     "time"
//! )
//!
//! type Ball struct{ hits int }
//!
//! func main() {
//!     table := make(chan *Ball)
//!     go player("ping", table)
//!     go player("pong", table)
//!
//!     table <- new(Ball) // game on; toss the ball
//!     time.Sleep(1 * time.Second)
//!     <-table // game over; grab the ball
//! }
//!
//! func player(name string, table chan *Ball) {
//!     for {
//!         ball := <-table
//!         ball.hits++
//!         fmt.Println(name, ball.hits)
//!         time.Sleep(100 * time.Millisecond)
//!         table <- ball
//!     }
//! }
//! ```
//!
//! Output: `ping 1`, `pong 2`, `ping 3`, ... for about a second, then the game stops. (Which
//! player hits first is a race, in Go as here: both wait at the table when the ball comes.) The
//! sleeps are 10× shorter here (a 100 ms game, 10 ms per hit), so about ten hits print.
//! In Go the players stay blocked after `main` grabs the ball; here `main` drops the table
//! at the end and both players' next `recv` returns `None`, so they return.

use std::time::Duration;

use gokio::prelude::*;

/// The ball: passed by value through the channel (Go passes a `*Ball`; ownership moving with
/// the value is the Rust way to say only one player holds it).
struct Ball {
    hits: u32,
}

async fn player(name: &'static str, table: Chan<Ball>) {
    while let Some(mut ball) = table.recv().await {
        ball.hits += 1;
        println!("{name} {}", ball.hits);
        time::sleep(Duration::from_millis(10)).await;
        if table.send(ball).await.is_err() {
            return;
        }
    }
}

fn main() {
    run(async {
        let table = chan::<Ball>(0);
        let wg = WaitGroup::new();
        wg.go(player("ping", table.clone()));
        wg.go(player("pong", table.clone()));

        table.send(Ball { hits: 0 }).await.unwrap(); // game on; toss the ball
        time::sleep(Duration::from_millis(100)).await;
        let ball = table.recv().await.unwrap(); // game over; grab the ball
        println!("game over after {} hits", ball.hits);

        table.close(); // the players' next receive returns None: they go home
        wg.wait().await;
    });
}
