//! The deadlock detector: `run` panics with Go's `fatal error: all goroutines are asleep -
//! deadlock!` and the dump when every goroutine is parked on gokio, and never otherwise.
//! One test runs the scenarios in turn: the detector looks at the whole process, so
//! concurrent scenarios would see each other. Assertions are on content, not on time: the
//! detector needs two looks 100 ms apart, and a generous timeout guards each scenario.
#![cfg(feature = "diagnostics")]

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe, Location};
use std::sync::Arc;
use std::time::{Duration, Instant};

use gokio::{chan, Mutex, WaitGroup};

const MESSAGE: &str = "fatal error: all goroutines are asleep - deadlock!";

/// Generous bound for a report (the detector needs about 200 ms).
const REPORT_WITHIN: Duration = Duration::from_secs(10);

/// Runs `main` under `gokio::run` and returns the deadlock report it panicked with.
fn deadlock<F: Future<Output = ()>>(main: F) -> String {
    let start = Instant::now();
    // The guard is a plain thread: a tokio timeout around `main` would be a foreign future
    // that can wake it, which rightly keeps the detector quiet.
    let (done, guard) = std::sync::mpsc::channel::<()>();
    let guard = std::thread::spawn(move || {
        if guard.recv_timeout(REPORT_WITHIN).is_err() {
            eprintln!("no deadlock reported in time");
            std::process::exit(1);
        }
    });
    let err = catch_unwind(AssertUnwindSafe(|| gokio::run(main))).expect_err("no panic");
    done.send(()).unwrap();
    guard.join().unwrap();
    let report = err
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_else(|| panic!("not a deadlock report"));
    eprintln!("reported after {:?}", start.elapsed());
    report
}

#[track_caller]
fn here() -> &'static Location<'static> {
    Location::caller()
}

/// Go's first example: `func main() { ch := make(chan int); <-ch }`.
fn main_receives_nobody_sends() {
    let report = deadlock(async {
        let ch = chan::<i32>(0);
        ch.recv().await;
    });
    assert!(
        report.starts_with(&format!("{MESSAGE}\n\ngoroutine 0 [chan receive]:\n")),
        "{report}"
    );
    assert!(report.contains("(len 0, cap 0))\n"), "{report}");
    assert!(
        report.contains("created by gokio::run at tests/debug_deadlock.rs:"),
        "{report}"
    );
}

/// Two goroutines lock two mutexes in opposite order; main waits for both.
fn lock_order_inversion() {
    let at = here();
    let report = deadlock(async move {
        let (a, b) = (Arc::new(Mutex::new(())), Arc::new(Mutex::new(())));
        let (done, holding) = (WaitGroup::new(), WaitGroup::new());
        holding.add(2);
        let worker = |first: Arc<Mutex<()>>, second: Arc<Mutex<()>>| {
            let (done, holding) = (done.guard(), holding.clone());
            async move {
                let _done = done;
                let _one = first.lock().await;
                holding.done();
                holding.wait().await; // both hold their first lock
                let _two = second.lock().await;
            }
        };
        gokio::go(worker(a.clone(), b.clone()));
        gokio::go(worker(b, a));
        done.wait().await;
    });
    assert!(report.starts_with(&format!("{MESSAGE}\n\n")), "{report}");
    assert!(
        report.contains("goroutine 0 [sync.WaitGroup.Wait]:\n"),
        "{report}"
    );
    assert_eq!(
        report.matches(" [sync.Mutex.Lock]:\n").count(),
        2,
        "{report}"
    );
    assert_eq!(
        report.matches("\ngokio::Mutex::lock(mutex 0x").count(),
        2,
        "{report}"
    );
    for line in [at.line() + 15, at.line() + 16] {
        assert!(
            report.contains(&format!("created by tests/debug_deadlock.rs:{line}:")),
            "{report}"
        );
    }
}

fn never_reported() {
    // A goroutine parked on a socket, everyone else on gokio: not a deadlock (a connection
    // may come).
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    gokio::run(async move {
        let listener = tokio::net::TcpListener::from_std(listener).unwrap();
        let ch = chan::<()>(0);
        let g = gokio::go({
            let ch = ch.clone();
            async move {
                let _ = listener.accept().await;
                ch.send(()).await.unwrap();
            }
        });
        let stop = gokio::go(async move {
            tokio::time::sleep(Duration::from_millis(800)).await;
        });
        // Main parks on a channel; `g` awaits accept; `stop` is a pending tokio timer.
        let got = gokio::select! {
            recv(ch) -> _ => true,
            default => false,
        };
        assert!(!got);
        stop.await.unwrap();
        g.abort();
    });
    // A main future parked on a gokio timer channel, nothing else: the timer task is pending.
    gokio::run(async {
        let t = gokio::time::after(Duration::from_millis(800));
        t.recv().await.unwrap();
    });
    // A goroutine sleeping in gokio's `sleep` while main waits for it.
    gokio::run(async {
        let wg = WaitGroup::new();
        wg.go(gokio::time::sleep(Duration::from_millis(800)));
        wg.wait().await;
    });
    // A goroutine that parked a receive, keeps it aside, and (polled again since) waits for
    // a plain thread: its stale `chan receive` must not count.
    gokio::run(async {
        let ch = chan::<i32>(0);
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let wg = WaitGroup::new();
        wg.go({
            let ch = ch.clone();
            async move {
                let mut recv = Box::pin(ch.recv());
                assert!(futures::poll!(recv.as_mut()).is_pending());
                gokio::yield_now().await;
                rx.await.unwrap();
            }
        });
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(800));
            tx.send(()).unwrap();
        });
        wg.wait().await;
        t.join().unwrap();
    });
    // A thread blocked in `recv_blocking` that another thread serves later.
    gokio::run(async {
        let (ch, back) = (chan::<i32>(0), chan::<i32>(0));
        let t = std::thread::spawn({
            let (ch, back) = (ch.clone(), back.clone());
            move || {
                let v = ch.recv_blocking().unwrap();
                back.send_blocking(v).unwrap();
            }
        });
        let sender = std::thread::spawn({
            let ch = ch.clone();
            move || {
                std::thread::sleep(Duration::from_millis(800));
                ch.send_blocking(7).unwrap();
            }
        });
        assert_eq!(back.recv().await, Some(7));
        t.join().unwrap();
        sender.join().unwrap();
    });
}

/// After `DELAY`, a plain thread runs `then` (which wakes a foreign future).
fn later(then: impl FnOnce() + Send + 'static) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(800));
        then();
    })
}

/// One poll leaves both a gokio wait and a foreign future pending (a `tokio::select!` of a
/// channel receive and a socket, a tokio timer, a tokio `Notify`): the foreign future can wake
/// the goroutine, so nothing is reported, in the main future or in a goroutine.
fn mixed_waits_never_reported() {
    // Main: a receive nobody serves next to `accept`; a plain thread connects later.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();
    let t = later(move || drop(std::net::TcpStream::connect(addr).unwrap()));
    gokio::run(async move {
        let listener = tokio::net::TcpListener::from_std(listener).unwrap();
        let ch = chan::<()>(0);
        tokio::select! {
            _ = ch.recv() => unreachable!(),
            c = listener.accept() => drop(c.unwrap()),
        }
    });
    t.join().unwrap();
    // A goroutine: a receive next to an hour-long tokio sleep; main waits for it. A plain
    // thread's `try_send` (which the detector does not see) serves the receive later.
    let ch = chan::<i32>(0);
    let t = later({
        let ch = ch.clone();
        move || {
            while ch.try_send(7).is_err() {
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    });
    gokio::run(async move {
        let wg = WaitGroup::new();
        wg.go(async move {
            tokio::select! {
                v = ch.recv() => assert_eq!(v, Some(7)),
                () = tokio::time::sleep(Duration::from_secs(3600)) => unreachable!(),
            }
        });
        wg.wait().await;
    });
    t.join().unwrap();
    // A goroutine: a mutex lock next to a tokio `Notify`, woken by a plain thread.
    let notify = Arc::new(tokio::sync::Notify::new());
    let t = later({
        let notify = Arc::clone(&notify);
        move || notify.notify_one()
    });
    gokio::run(async move {
        let mu = Arc::new(Mutex::new(()));
        let held = mu.lock().await;
        let wg = WaitGroup::new();
        wg.go({
            let mu = Arc::clone(&mu);
            async move {
                tokio::select! {
                    _ = mu.lock() => unreachable!(),
                    () = notify.notified() => {}
                }
            }
        });
        wg.wait().await;
        drop(held);
    });
    t.join().unwrap();
}

#[test]
fn deadlocks_are_reported_and_only_they() {
    never_reported();
    mixed_waits_never_reported();
    main_receives_nobody_sends();
    lock_order_inversion();
}
