//! Go by Example: Timers — <https://gobyexample.com/timers>, ported to gokio.
//!
//! Go's durations are quartered (2 s → 500 ms, 1 s → 250 ms) to keep the example short; the
//! output is the same.
//!
//! ```go
//! package main
//!
//! import (
//!     "fmt"
//!     "time"
//! )
//!
//! func main() {
//!     timer1 := time.NewTimer(2 * time.Second)
//!     <-timer1.C
//!     fmt.Println("Timer 1 fired")
//!
//!     timer2 := time.NewTimer(time.Second)
//!     go func() {
//!         <-timer2.C
//!         fmt.Println("Timer 2 fired")
//!     }()
//!     stop2 := timer2.Stop()
//!     if stop2 {
//!         fmt.Println("Timer 2 stopped")
//!     }
//!
//!     time.Sleep(2 * time.Second)
//! }
//! ```
//!
//! Output:
//! ```text
//! Timer 1 fired
//! Timer 2 stopped
//! ```

use std::time::Duration;

use gokio::prelude::*;
use gokio::time::Timer;

fn main() {
    run(async {
        // Timers represent a single event in the future: say how long to wait, and it provides
        // a channel that is notified at that time.
        let timer1 = Timer::new(Duration::from_millis(500));

        // `<-timer1.C` blocks on the timer's channel until it sends a value.
        timer1.chan().recv().await;
        println!("Timer 1 fired");

        // Unlike a plain sleep, a timer can be cancelled before it fires.
        let timer2 = Timer::new(Duration::from_millis(250));
        let c2 = timer2.chan();
        go! {
            c2.recv().await;
            println!("Timer 2 fired");
        };
        let stop2 = timer2.stop();
        if stop2 {
            println!("Timer 2 stopped");
        }

        // Give timer2 enough time to fire, if it ever was going to, to show it is in fact
        // stopped.
        time::sleep(Duration::from_millis(500)).await;
    });
}
