//! `num_goroutine` leak checks. The count is process-wide, so this binary holds exactly one
//! test: nothing else in the process spawns goroutines meanwhile.

mod common;

use gokio::{go, num_goroutine, WaitGroup};

async fn settle(want: usize) {
    common::wait_for_goroutines("goroutines", want).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn num_goroutine_tracks_live_goroutines() {
    let base = num_goroutine();
    assert_eq!(base, 0);

    // Completed goroutines.
    let handles: Vec<_> = (0..50).map(|i| go(async move { i })).collect();
    for h in handles {
        h.join().await.unwrap();
    }
    settle(base).await;

    // Parked goroutines are counted until aborted.
    let parked: Vec<_> = (0..10).map(|_| go(std::future::pending::<()>())).collect();
    assert_eq!(num_goroutine(), base + 10);
    for g in &parked {
        g.abort();
    }
    for g in parked {
        assert!(g.join().await.unwrap_err().is_aborted());
    }
    settle(base).await;

    // Panicked goroutines.
    let g = go(async { panic!("counted down") });
    assert!(g.join().await.is_err());
    settle(base).await;

    // Detached goroutines and WaitGroup::go.
    let wg = WaitGroup::new();
    for _ in 0..20 {
        drop(wg.go(async {
            gokio::yield_now().await;
        }));
    }
    gokio::go! {};
    wg.wait().await;
    settle(base).await;
}
