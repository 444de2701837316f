//! Seed tutorial "goroutine / waitGroups / channels" (the "async thing" demo), ported to gokio.
//!
//! The tutorial first shows a goroutine that never gets to run:
//!
//! ```go
//! func main(){
//!
//!     // anonymous function
//!     // to make a func to goroutine is to add go key word in front of it.
//!     go func(){
//!         fmt.Println("async thing")
//!     }()
//! }
//! ```
//!
//! `main` returns before the scheduler runs the goroutine, and the program ends with it. The
//! same is true with gokio: when the future given to [`gokio::run`] returns, `run` returns and
//! goroutines still running are not waited for. The fix is a WaitGroup:
//!
//! ```go
//! func main(){
//!
//!     var wg sync.WaitGroup
//!     wg.Add(1)
//!
//!     go func(){
//!         fmt.Println("async thing")
//!         wg.Done()
//!     }()
//!
//!     wg.Wait()
//! }
//! ```
//!
//! Then channels, which "block until the complementary operation is ready":
//!
//! ```go
//! ch := make(chan string)
//! ch <- "Hello!!!"   // in one goroutine
//! msg := <- ch       // in another
//! ```
//!
//! Output:
//! ```text
//! async thing
//! Hello!!!
//! ```

use gokio::prelude::*;

fn main() {
    run(async {
        // WaitGroup demo.
        let wg = WaitGroup::new();
        wg.add(1);

        let wg2 = wg.clone(); // a WaitGroup is a shared handle; the clone counts on the same counter
        go! {
            println!("async thing");
            wg2.done();
        };

        wg.wait().await;

        // Channel demo: an unbuffered channel, a sender goroutine and a receiving main.
        let ch = chan::<String>(0);
        let tx = ch.sender();
        go! {
            tx.send("Hello!!!".to_string()).await.unwrap();
        };
        let msg = ch.recv().await.unwrap();
        println!("{msg}");
    });
}
