//! Integration tests for `go`, `go!`, `run`, `yield_now` and `Goroutine`.
//!
//! Leak checks on `num_goroutine` (a process-wide count) live in `tests/goroutine_count.rs`,
//! their own binary, so parallel tests here cannot disturb them.

mod common;

use std::time::Duration;

use gokio::{go, Panic};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn join_returns_value() {
    let g = go(async { 6 * 7 });
    assert_eq!(g.join().await.unwrap(), 42);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn goroutine_is_awaitable_directly() {
    let g = go(async { "hi" });
    assert_eq!(g.await.unwrap(), "hi");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn panic_is_returned_and_runtime_keeps_running() {
    let g = go(async { panic!("boom") });
    let id = g.id();
    let err: Panic = g.join().await.unwrap_err();
    assert_eq!(err.message(), "boom");
    assert_eq!(err.goroutine_id(), id);
    assert!(!err.is_aborted());
    assert_eq!(err.to_string(), format!("goroutine {id} panicked: boom"));

    let g = go(async { panic!("formatted {}", 7) });
    assert_eq!(g.join().await.unwrap_err().message(), "formatted 7");

    let g = go(async { std::panic::panic_any(5_u32) });
    assert_eq!(g.join().await.unwrap_err().message(), "Box<dyn Any>");

    // The runtime is still healthy.
    assert_eq!(go(async { 1 }).join().await.unwrap(), 1);
}

#[test]
fn go_outside_any_runtime() {
    let g = go(async { 5 });
    assert_eq!(futures::executor::block_on(g.join()).unwrap(), 5);
    let v = gokio::run(async { go(async { 6 }).join().await.unwrap() });
    assert_eq!(v, 6);
}

#[test]
#[should_panic(expected = "`.await` the future instead")]
fn run_inside_runtime_panics() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(async {
        gokio::run(async {});
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn go_macro() {
    let x = 20;
    let g = gokio::go! {
        gokio::yield_now().await;
        x + 1
    };
    assert_eq!(g.join().await.unwrap(), 21);
}

#[test]
fn go_inside_current_thread_runtime_spawns_there() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let main_thread = std::thread::current().id();
    let tid = rt.block_on(async { go(async { std::thread::current().id() }).await.unwrap() });
    assert_eq!(tid, main_thread);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abort_makes_join_err() {
    let g = go(std::future::pending::<()>());
    assert!(!g.is_finished());
    g.abort();
    let err = g.join().await.unwrap_err();
    assert!(err.is_aborted());
    assert_eq!(err.message(), "goroutine aborted");
    assert!(err.to_string().ends_with("aborted"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn is_finished_becomes_true() {
    let g = go(async {});
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while !g.is_finished() {
        assert!(
            std::time::Instant::now() < deadline,
            "goroutine never finished"
        );
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    g.join().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ids_are_distinct() {
    let handles: Vec<_> = (0..100).map(|_| go(async {})).collect();
    let mut ids: Vec<u64> = handles.iter().map(|g| g.id()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 100);
    assert!(ids[0] >= 1);
}

#[test]
fn yield_now_outside_tokio() {
    futures::executor::block_on(async {
        gokio::yield_now().await;
        gokio::yield_now().await;
    });
}

#[test]
fn yield_now_is_pending_once() {
    let mut t = tokio_test::task::spawn(gokio::yield_now());
    tokio_test::assert_pending!(t.poll());
    assert!(t.is_woken());
    tokio_test::assert_ready!(t.poll());
}

#[test]
fn run_returns_without_waiting_for_other_goroutines() {
    // Go: when main returns, the program ends; goroutines still running are not waited for.
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let answer = gokio::run(async move {
        go(async move {
            // Parks until the test says so: `run` must not wait for it.
            let never = gokio::chan::<()>(0);
            let _keep = never.clone();
            never.recv().await;
            drop(tx);
        });
        42
    });
    assert_eq!(answer, 42);
    // The goroutine is still parked (its sender half is still alive).
    assert_eq!(rx.try_recv(), Err(std::sync::mpsc::TryRecvError::Empty));
}

#[test]
fn go_outside_a_runtime_uses_one_process_wide_runtime() {
    // Goroutines started from plain threads land on the same lazily started runtime, whose
    // workers are named gokio-worker.
    let names: Vec<String> = (0..2)
        .map(|_| {
            std::thread::spawn(|| {
                futures::executor::block_on(
                    go(async { std::thread::current().name().unwrap_or("").to_string() }).join(),
                )
                .unwrap()
            })
            .join()
            .unwrap()
        })
        .collect();
    assert!(names.iter().all(|n| n == "gokio-worker"), "{names:?}");
}
