//! `debug::Watchdog`: the deadlock report on a tokio runtime of the user's own. One test runs
//! the scenarios in turn (the detector looks at the whole process); assertions are on
//! content, with generous bounds guarded by plain threads (a tokio timeout would be a
//! foreign future, which rightly keeps the detector quiet).
#![cfg(feature = "diagnostics")]

use std::future::Future;
use std::sync::{Arc, Mutex as StdMutex};
use std::time::Duration;

use gokio::debug::Watchdog;
use gokio::{chan, Mutex, WaitGroup};

const MESSAGE: &str = "fatal error: all goroutines are asleep - deadlock!";

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// Exits the process if `f` takes longer than a generous bound.
fn bounded<R>(what: &str, f: impl FnOnce() -> R) -> R {
    let (done, guard) = std::sync::mpsc::channel::<()>();
    let what = what.to_string();
    let guard = std::thread::spawn(move || {
        if guard.recv_timeout(Duration::from_secs(20)).is_err() {
            eprintln!("{what}: not done in time");
            std::process::exit(1);
        }
    });
    let r = f();
    done.send(()).unwrap();
    guard.join().unwrap();
    r
}

/// Runs `main` watched (panicking) inside `#[tokio::main]`-like `block_on`; returns the report.
fn reported<F: Future<Output = ()>>(main: F) -> String {
    bounded("report", || {
        let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            rt().block_on(Watchdog::new().panic().watch(main))
        }))
        .expect_err("no deadlock reported");
        err.downcast_ref::<String>().cloned().expect("a report")
    })
}

fn lock_order_inversion_in_tokio_main() {
    let report = reported(async {
        let (a, b) = (Arc::new(Mutex::new(())), Arc::new(Mutex::new(())));
        let (done, holding) = (WaitGroup::new(), WaitGroup::new());
        holding.add(2);
        for (first, second) in [(a.clone(), b.clone()), (b, a)] {
            let (done, holding) = (done.guard(), holding.clone());
            gokio::go(async move {
                let _done = done;
                let _one = first.lock().await;
                holding.done();
                holding.wait().await;
                let _two = second.lock().await;
            });
        }
        done.wait().await;
    });
    assert!(report.starts_with(&format!("{MESSAGE}\n\n")), "{report}");
    assert!(
        report.contains("goroutine 0 [sync.WaitGroup.Wait]:\n"),
        "{report}"
    );
    assert!(
        report.contains("created by gokio::run at tests/debug_watchdog.rs:"),
        "{report}"
    );
    assert_eq!(
        report.matches(" [sync.Mutex.Lock]:\n").count(),
        2,
        "{report}"
    );
}

fn watched_inside_a_task() {
    bounded("task", || {
        rt().block_on(async {
            let watched = tokio::spawn(Watchdog::new().panic().watch(async {
                chan::<i32>(0).recv().await;
            }));
            let err = watched.await.unwrap_err();
            assert!(err.to_string().contains(MESSAGE), "{err}");
        });
    });
}

fn callback_gets_the_report() {
    let got = Arc::new(StdMutex::new(None::<String>));
    bounded("callback", || {
        rt().block_on(async {
            let ch = chan::<i32>(0);
            let watched = Watchdog::new()
                .on_deadlock({
                    let (got, ch) = (got.clone(), ch.clone());
                    move |report| {
                        *got.lock().unwrap() = Some(report.to_string());
                        ch.close(); // resolve it
                    }
                })
                .watch({
                    let ch = ch.clone();
                    async move { ch.recv().await }
                });
            assert_eq!(watched.await, None);
        });
    });
    let report = got.lock().unwrap().take().expect("called");
    assert!(
        report.starts_with(&format!("{MESSAGE}\n\ngoroutine 0 [chan receive]:")),
        "{report}"
    );
}

fn never_reported() {
    // A plain tokio task (sleeping, then sending) is alive: it could wake anyone.
    bounded("plain task", || {
        rt().block_on(Watchdog::new().panic().watch(async {
            let ch = chan::<i32>(0);
            tokio::spawn({
                let ch = ch.clone();
                async move {
                    tokio::time::sleep(Duration::from_millis(800)).await;
                    ch.send(1).await.unwrap();
                }
            });
            assert_eq!(ch.recv().await, Some(1));
        }));
    });
    // The watched main waits for a goroutine on another runtime that no watchdog knows; that
    // goroutine waits for a plain task of its runtime, which sleeps first. The detector cannot
    // count that runtime's tasks, so it reports nothing.
    let other = rt();
    let (kick, back) = (chan::<i32>(0), chan::<i32>(0));
    other.spawn({
        let (kick, back) = (kick.clone(), back.clone());
        async move {
            gokio::go({
                let kick = kick.clone();
                async move {
                    let v = kick.recv().await.unwrap();
                    back.send(v).await.unwrap();
                }
            });
            tokio::time::sleep(Duration::from_millis(800)).await;
            kick.send(7).await.unwrap();
        }
    });
    bounded("other runtime", || {
        rt().block_on(Watchdog::new().panic().watch(async {
            assert_eq!(back.recv().await, Some(7));
        }));
    });
    drop(other);
}

/// The default action, as Go: the report on stderr and exit status 2 (checked in a child
/// process running this test binary).
fn exits_with_status_2() {
    if std::env::var_os("GOKIO_WATCHDOG_CHILD").is_some() {
        rt().block_on(Watchdog::new().watch(async {
            chan::<i32>(0).recv().await;
        }));
        unreachable!("the watchdog exits");
    }
    let out = bounded("child", || {
        std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "watchdog_reports_deadlocks_and_only_them",
                "--nocapture",
            ])
            .env("GOKIO_WATCHDOG_CHILD", "1")
            .output()
            .unwrap()
    });
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("{MESSAGE}\n\ngoroutine 0 [chan receive]:")),
        "{stderr}"
    );
}

#[test]
fn watchdog_reports_deadlocks_and_only_them() {
    exits_with_status_2();
    never_reported();
    lock_order_inversion_in_tokio_main();
    watched_inside_a_task();
    callback_gets_the_report();
}
