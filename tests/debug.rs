//! `gokio::debug`: the goroutine dump (ids, names, spawn sites, wait reasons and sites, the
//! grouped form). Needs `--features diagnostics`; leak checks are in `tests/debug_leak.rs`
//! (they see every goroutine of the process, so they get a binary of their own).
#![cfg(feature = "diagnostics")]

mod common;

use std::panic::Location;
use std::sync::Arc;
use std::time::Duration;

use gokio::debug::{dump, GoroutineInfo};
use gokio::{Builder, Once, Semaphore, WaitGroup};

/// The dump entry of goroutine `id`, once `ready` holds for it.
async fn entry(id: u64, ready: impl Fn(&GoroutineInfo) -> bool) -> GoroutineInfo {
    common::no_hang("goroutine parked", async {
        loop {
            if let Some(g) = dump().goroutines().iter().find(|g| g.id() == id)
                && ready(g)
            {
                return g.clone();
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    })
    .await
}

/// The location `lines` lines below the caller, at `column`.
#[track_caller]
fn here() -> &'static Location<'static> {
    Location::caller()
}

fn same_line(a: Option<&Location<'_>>, b: &Location<'_>, plus: u32) -> bool {
    a.is_some_and(|a| a.file() == b.file() && a.line() == b.line() + plus)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dump_shows_waitgroup_wait_with_name_and_sites() {
    let wg = WaitGroup::new();
    let hold = wg.guard();
    let at = here();
    let g = Builder::new().name("waiter").go({
        let wg = wg.clone();
        async move { wg.wait().await }
    });
    let info = entry(g.id(), |g| g.wait_reason().is_some()).await;
    assert_eq!(info.name(), Some("waiter"));
    assert_eq!(info.wait_reason(), Some("sync.WaitGroup.Wait"));
    assert!(same_line(info.created_at(), at, 1), "{info}");
    assert!(same_line(info.waiting_at(), at, 3), "{info}");
    assert!(info.waiting_on().unwrap().contains("(counter 1)"), "{info}");
    assert!(!info.is_main());
    let text = info.to_string();
    assert!(
        text.starts_with(&format!("goroutine {} [sync.WaitGroup.Wait]:\n", g.id())),
        "{text}"
    );
    assert!(text.contains("\nname: waiter\n"), "{text}");
    assert!(
        text.contains(&format!("\ncreated by tests/debug.rs:{}:", at.line() + 1)),
        "{text}"
    );
    drop(hold);
    g.await.unwrap();
    // Gone from the dump once it has ended.
    assert!(dump().goroutines().iter().all(|x| x.id() != info.id()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dump_shows_semaphore_acquire_as_semacquire() {
    let sem = Arc::new(Semaphore::new(2));
    assert!(sem.try_acquire(2));
    let at = here();
    let g = gokio::go({
        let sem = sem.clone();
        async move { sem.acquire(1).await.unwrap() }
    });
    let info = entry(g.id(), |g| g.wait_reason().is_some()).await;
    assert_eq!(info.wait_reason(), Some("semacquire"));
    assert!(same_line(info.waiting_at(), at, 3), "{info}");
    assert!(
        info.waiting_on().unwrap().contains("(want 1, available 0)"),
        "{info}"
    );
    assert_eq!(info.name(), None);
    sem.release(2);
    g.await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dump_shows_once_waiters() {
    let once = Arc::new(Once::new());
    let (started, release) = (
        Arc::new(tokio::sync::Notify::new()),
        Arc::new(tokio::sync::Notify::new()),
    );
    let runner = gokio::go({
        let (once, started, release) = (once.clone(), started.clone(), release.clone());
        async move {
            once.call_once(|| async move {
                started.notify_one();
                release.notified().await;
            })
            .await
        }
    });
    started.notified().await;
    let waiter = gokio::go({
        let once = once.clone();
        async move { once.call_once(|| async {}).await }
    });
    let info = entry(waiter.id(), |g| g.wait_reason().is_some()).await;
    assert_eq!(info.wait_reason(), Some("sync.Once.Do"));
    // The runner is inside its own closure, waiting on tokio: not a gokio wait.
    let runner_info = entry(runner.id(), |_| true).await;
    assert_eq!(runner_info.wait_reason(), None);
    release.notify_one();
    runner.await.unwrap();
    waiter.await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_goroutine_waiting_on_tokio_is_running_or_waiting_outside_gokio() {
    let g = gokio::go(tokio::time::sleep(Duration::from_secs(3600)));
    // Give it time to start sleeping; it must never show a gokio wait reason.
    tokio::time::sleep(Duration::from_millis(20)).await;
    let info = entry(g.id(), |_| true).await;
    assert_eq!(info.wait_reason(), None);
    assert_eq!(info.waiting_for(), Duration::ZERO);
    assert!(
        info.to_string().starts_with(&format!(
            "goroutine {} [running or waiting outside gokio]:\n",
            g.id()
        )),
        "{info}"
    );
    g.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spawn_sites_are_the_callers_of_go_go_macro_waitgroup_go_and_patterns() {
    let wg = WaitGroup::new();
    let hold = wg.guard();
    let at = here();
    let a = gokio::go(std::future::pending::<()>());
    let b = gokio::go! { std::future::pending::<()>().await };
    let c = wg.go(std::future::pending::<()>());
    let out = gokio::pattern::generate(0..10u32, 0); // its goroutine parks sending
    for (g, plus) in [(&a, 1), (&b, 2), (&c, 3)] {
        let info = entry(g.id(), |_| true).await;
        assert!(same_line(info.created_at(), at, plus), "{info}");
    }
    let from_generate = common::no_hang("generate's goroutine", async {
        loop {
            let d = dump();
            if d.goroutines()
                .iter()
                .any(|g| same_line(g.created_at(), at, 4))
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    });
    from_generate.await;
    drop(out);
    for g in [&a, &b, &c] {
        g.abort();
    }
    drop(hold);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grouped_form_counts_alike_goroutines() {
    let wg = WaitGroup::new();
    let hold = wg.guard();
    let mut ids = Vec::new();
    let at = here();
    for _ in 0..5 {
        let wg = wg.clone();
        ids.push(gokio::go(async move { wg.wait().await }));
    }
    for g in &ids {
        entry(g.id(), |g| g.wait_reason().is_some()).await;
    }
    let grouped = dump().grouped().to_string();
    let line = format!(
        "5 @ [sync.WaitGroup.Wait] created by tests/debug.rs:{}:",
        at.line() + 3
    );
    assert!(grouped.contains(&line), "no {line:?} in\n{grouped}");
    assert!(
        grouped.starts_with("goroutine profile: total "),
        "{grouped}"
    );
    drop(hold);
    for g in ids {
        g.await.unwrap();
    }
}

#[test]
fn the_main_future_of_run_is_goroutine_0() {
    let at = here();
    let main = gokio::run(async {
        dump()
            .goroutines()
            .iter()
            .find(|g| g.is_main() && g.created_at().is_some_and(|s| s.line() == at.line() + 1))
            .cloned()
    })
    .expect("run's main future in the dump");
    assert_eq!(main.id(), 0);
    assert!(main
        .to_string()
        .contains("created by gokio::run at tests/debug.rs:"));
}

#[test]
fn public_types_are_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<gokio::Builder>();
    send_sync::<gokio::debug::Dump>();
    send_sync::<gokio::debug::GoroutineInfo>();
    send_sync::<gokio::debug::Grouped<'static>>();
    send_sync::<gokio::debug::LeakCheck>();
    send_sync::<gokio::debug::Leaked>();
}

/// The wait state of a goroutine running `fut` (spawned here), once it has one; the goroutine
/// is aborted afterwards.
async fn reason_of<F>(fut: F) -> GoroutineInfo
where
    F: std::future::Future<Output = ()> + Send + 'static,
{
    let g = gokio::go(fut);
    let info = entry(g.id(), |g| g.wait_reason().is_some()).await;
    g.abort();
    info
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dump_shows_the_wait_reason_of_every_primitive() {
    use gokio::{chan, Chan, Cond, Context, Mutex, RwMutex};

    // Channels: Go's `chan receive` / `chan send`, with len and cap.
    let ch = chan::<i32>(0);
    let info = reason_of({
        let ch = ch.clone();
        async move {
            ch.recv().await;
        }
    })
    .await;
    assert_eq!(info.wait_reason(), Some("chan receive"), "{info}");
    assert!(
        info.waiting_on().unwrap().ends_with("(len 0, cap 0)"),
        "{info}"
    );
    assert!(
        info.to_string().contains("\ngokio::Receiver::recv(chan 0x"),
        "{info}"
    );
    let full = chan::<i32>(1);
    full.try_send(1).unwrap();
    let info = reason_of({
        let full = full.clone();
        async move {
            let _ = full.send(2).await;
        }
    })
    .await;
    assert_eq!(info.wait_reason(), Some("chan send"), "{info}");
    assert!(
        info.waiting_on().unwrap().ends_with("(len 1, cap 1)"),
        "{info}"
    );
    // A receive from a Receiver used as a Stream.
    let info = reason_of({
        let rx = ch.receiver();
        async move {
            use futures::StreamExt;
            let mut rx = rx;
            rx.next().await;
        }
    })
    .await;
    assert_eq!(info.wait_reason(), Some("chan receive"), "{info}");

    // select!: Go's `select`, `select (no cases)`, and a select of nil channels.
    let info = reason_of({
        let (a, b) = (ch.clone(), full.clone());
        async move {
            gokio::select! {
                recv(a) -> _ => {}
                send(b, 3) -> _ => {}
            }
        }
    })
    .await;
    assert_eq!(info.wait_reason(), Some("select"), "{info}");
    let info = reason_of(async {
        gokio::select! {}
    })
    .await;
    assert_eq!(info.wait_reason(), Some("select (no cases)"), "{info}");
    let info = reason_of(async {
        let nil: Option<Chan<i32>> = None;
        gokio::select! {
            recv(nil) -> _ => {}
        }
    })
    .await;
    assert_eq!(info.wait_reason(), Some("select"), "{info}");

    // Mutex, RwMutex, Cond.
    let m = Arc::new(Mutex::new(0));
    let held = m.try_lock().unwrap();
    let info = reason_of({
        let m = m.clone();
        async move {
            drop(m.lock().await);
        }
    })
    .await;
    assert_eq!(info.wait_reason(), Some("sync.Mutex.Lock"), "{info}");
    assert!(info.waiting_on().unwrap().starts_with("mutex 0x"), "{info}");
    drop(held);
    let rw = Arc::new(RwMutex::new(0));
    let writer = rw.try_write().unwrap();
    let info = reason_of({
        let rw = rw.clone();
        async move {
            drop(rw.read().await);
        }
    })
    .await;
    assert_eq!(info.wait_reason(), Some("sync.RWMutex.RLock"), "{info}");
    drop(writer);
    let reader = rw.try_read().unwrap();
    let info = reason_of({
        let rw = rw.clone();
        async move {
            drop(rw.write().await);
        }
    })
    .await;
    assert_eq!(info.wait_reason(), Some("sync.RWMutex.Lock"), "{info}");
    drop(reader);
    let cond = Arc::new(Cond::new());
    let info = reason_of({
        let (m, cond) = (m.clone(), cond.clone());
        async move {
            let guard = m.lock().await;
            drop(cond.wait(guard).await);
        }
    })
    .await;
    assert_eq!(info.wait_reason(), Some("sync.Cond.Wait"), "{info}");

    // Time: `sleep` (with where), and a timer channel is a `chan receive` as in Go.
    let at = here();
    let info = reason_of(gokio::time::sleep(Duration::from_secs(3600))).await;
    assert_eq!(info.wait_reason(), Some("sleep"), "{info}");
    assert!(same_line(info.waiting_at(), at, 1), "{info}");
    let info = reason_of(async {
        gokio::time::after(Duration::from_secs(3600)).recv().await;
    })
    .await;
    assert_eq!(info.wait_reason(), Some("chan receive"), "{info}");
    let info = reason_of(async {
        gokio::time::Ticker::new(Duration::from_secs(3600))
            .chan()
            .recv()
            .await;
    })
    .await;
    assert_eq!(info.wait_reason(), Some("chan receive"), "{info}");

    // Context: `<-ctx.Done()` is a `chan receive` in Go; `cancelled()` is that receive.
    let (ctx, cancel) = Context::background().with_cancel();
    let info = reason_of({
        let ctx = ctx.clone();
        async move { ctx.cancelled().await }
    })
    .await;
    assert_eq!(info.wait_reason(), Some("chan receive"), "{info}");
    let info = reason_of({
        let ctx = ctx.clone();
        async move {
            ctx.done().recv().await;
        }
    })
    .await;
    assert_eq!(info.wait_reason(), Some("chan receive"), "{info}");
    drop(cancel);

    // errgroup: `Wait` is Go's `sync.WaitGroup.Wait`; `Go` past the limit is a `chan send`.
    let group = Arc::new(gokio::sync::Group::<()>::new());
    group.set_limit(1);
    let blocker = chan::<()>(0);
    group
        .go({
            let blocker = blocker.clone();
            async move {
                blocker.recv().await;
                Ok(())
            }
        })
        .await;
    let info = reason_of({
        let group = group.clone();
        async move {
            let _ = group.wait().await;
        }
    })
    .await;
    assert_eq!(info.wait_reason(), Some("sync.WaitGroup.Wait"), "{info}");
    let info = reason_of({
        let group = group.clone();
        async move { group.go(async { Ok(()) }).await }
    })
    .await;
    assert_eq!(info.wait_reason(), Some("chan send"), "{info}");
    blocker.close();
}

/// A wait state holds only for the goroutine's latest poll: a parked gokio future kept
/// aside while the goroutine awaits something else is not what it waits on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parked_future_kept_aside_is_not_shown_as_the_wait() {
    let sem = Arc::new(Semaphore::new(1));
    assert!(sem.try_acquire(1));
    let (polled, go_on) = (gokio::chan::<()>(1), Arc::new(tokio::sync::Notify::new()));
    let g = gokio::go({
        let (sem, polled, go_on) = (sem.clone(), polled.clone(), go_on.clone());
        async move {
            let mut acquire = Box::pin(sem.acquire(1));
            // One poll queues the acquire (a wait state is recorded)...
            assert!(futures::poll!(acquire.as_mut()).is_pending());
            // ...then the goroutine, polled again, waits on tokio, keeping the acquire queued.
            gokio::yield_now().await;
            polled.try_send(()).unwrap();
            go_on.notified().await;
            drop(acquire);
        }
    });
    polled.recv().await;
    // The goroutine's next poll (the one after `yield_now`) made it stale.
    let info = entry(g.id(), |_| true).await;
    assert_eq!(info.wait_reason(), None, "{info}");
    assert!(
        info.to_string()
            .contains("[running or waiting outside gokio]"),
        "{info}"
    );
    go_on.notify_one();
    g.await.unwrap();
    sem.release(1);
}
