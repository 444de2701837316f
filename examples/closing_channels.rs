//! Go by Example: Closing Channels — <https://gobyexample.com/closing-channels>, ported to
//! gokio.
//!
//! ```go
//! package main
//!
//! import "fmt"
//!
//! func main() {
//!     jobs := make(chan int, 5)
//!     done := make(chan bool)
//!
//!     go func() {
//!         for {
//!             j, more := <-jobs
//!             if more {
//!                 fmt.Println("received job", j)
//!             } else {
//!                 fmt.Println("received all jobs")
//!                 done <- true
//!                 return
//!             }
//!         }
//!     }()
//!
//!     for j := 1; j <= 3; j++ {
//!         jobs <- j
//!         fmt.Println("sent job", j)
//!     }
//!     close(jobs)
//!     fmt.Println("sent all jobs")
//!
//!     <-done
//!
//!     _, ok := <-jobs
//!     fmt.Println("received more jobs:", ok)
//! }
//! ```
//!
//! Output (the "sent" and "received" lines may interleave differently, as in Go):
//! ```text
//! sent job 1
//! received job 1
//! sent job 2
//! received job 2
//! sent job 3
//! received job 3
//! sent all jobs
//! received all jobs
//! received more jobs: false
//! ```

use gokio::prelude::*;

fn main() {
    run(async {
        let jobs = chan::<i32>(5);
        let done = chan::<bool>(0);

        // The worker receives from `jobs` with `v, ok := <-ch` (gokio: `recv_ok`): `more` is
        // false once `jobs` has been closed and every value in it received.
        let (jobs_rx, done_tx) = (jobs.receiver(), done.sender());
        go! {
            loop {
                let (j, more) = jobs_rx.recv_ok().await;
                if more {
                    println!("received job {j}");
                } else {
                    println!("received all jobs");
                    done_tx.send(true).await.unwrap();
                    return;
                }
            }
        };

        // Send 3 jobs to the worker over `jobs`, then close it.
        for j in 1..=3 {
            jobs.send(j).await.unwrap();
            println!("sent job {j}");
        }
        jobs.close();
        println!("sent all jobs");

        // Await the worker, using the synchronization approach we saw earlier.
        done.recv().await;

        // Receiving from a closed, empty channel succeeds at once with the zero value and
        // `ok == false`.
        let (_, ok) = jobs.recv_ok().await;
        println!("received more jobs: {ok}");
    });
}
