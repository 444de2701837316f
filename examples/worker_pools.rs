//! Go by Example: Worker Pools — <https://gobyexample.com/worker-pools>, ported to gokio.
//!
//! Go's one second per job is shortened to 100 ms: the 5 jobs on 3 workers take about 200 ms
//! (Go: about 2 s), showing that the workers run concurrently. The order of the lines varies
//! from run to run, as in Go.
//!
//! ```go
//! package main
//!
//! import (
//!     "fmt"
//!     "time"
//! )
//!
//! func worker(id int, jobs <-chan int, results chan<- int) {
//!     for j := range jobs {
//!         fmt.Println("worker", id, "started  job", j)
//!         time.Sleep(time.Second)
//!         fmt.Println("worker", id, "finished job", j)
//!         results <- j * 2
//!     }
//! }
//!
//! func main() {
//!
//!     const numJobs = 5
//!     jobs := make(chan int, numJobs)
//!     results := make(chan int, numJobs)
//!
//!     for w := 1; w <= 3; w++ {
//!         go worker(w, jobs, results)
//!     }
//!
//!     for j := 1; j <= numJobs; j++ {
//!         jobs <- j
//!     }
//!     close(jobs)
//!
//!     for a := 1; a <= numJobs; a++ {
//!         <-results
//!     }
//! }
//! ```
//!
//! Output (one possible order):
//! ```text
//! worker 1 started  job 1
//! worker 2 started  job 2
//! worker 3 started  job 3
//! worker 1 finished job 1
//! worker 1 started  job 4
//! worker 2 finished job 2
//! worker 2 started  job 5
//! worker 3 finished job 3
//! worker 1 finished job 4
//! worker 2 finished job 5
//! ```

use std::time::Duration;

use gokio::prelude::*;

// The worker, of which we'll run several concurrent instances. It receives work on `jobs`
// and sends the corresponding results on `results`.
async fn worker(id: i32, jobs: Receiver<i32>, results: Sender<i32>) {
    while let Some(j) = jobs.recv().await {
        println!("worker {id} started  job {j}");
        time::sleep(Duration::from_millis(100)).await;
        println!("worker {id} finished job {j}");
        results.send(j * 2).await.unwrap();
    }
}

fn main() {
    run(async {
        // To use our pool of workers we send them work and collect their results: two
        // channels.
        const NUM_JOBS: i32 = 5;
        let jobs = chan::<i32>(NUM_JOBS as usize);
        let results = chan::<i32>(NUM_JOBS as usize);

        // Start 3 workers, initially blocked because there are no jobs yet.
        for w in 1..=3 {
            go(worker(w, jobs.receiver(), results.sender()));
        }

        // Send 5 jobs, then close the channel to say that's all the work we have.
        for j in 1..=NUM_JOBS {
            jobs.send(j).await.unwrap();
        }
        jobs.close();

        // Collect all the results of the work. This also ensures that the workers have
        // finished.
        for _ in 1..=NUM_JOBS {
            results.recv().await;
        }
    });
}
