//! A guided tour of gokio: every feature once, with a short explanation printed before each
//! step. Run it first:
//!
//! ```text
//! cargo run --release --example tour
//! ```
//!
//! It finishes in about a second and exits with status 0. One step makes a goroutine panic
//! on purpose, to show that `join` catches it; the default panic message is silenced for
//! that step only.
//!
//! Each step is its own `async fn`, so it reads as a self-contained snippet: the Go it
//! ports is in the comments. Every step's heading ends with the file and line of its code
//! (`== 1. Goroutines and join   [examples/tour.rs:74]`).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use gokio::prelude::*;
use gokio::time::{Instant, Ticker, Timer};

/// Prints a step's title, where its code is (this file and the line of the `step` call, so a
/// reader can go from the output to the source), and its explanation.
#[track_caller]
fn step(title: &str, text: &str) {
    let at = std::panic::Location::caller();
    println!("\n== {title}   [{}:{}]", at.file(), at.line());
    for line in text.lines() {
        println!("   {line}");
    }
}

/// Prints one result line of a step.
fn show(what: impl std::fmt::Display) {
    println!("   -> {what}");
}

fn ms(d: Duration) -> u128 {
    d.as_millis()
}

fn main() {
    run(async {
        println!("gokio: Go's concurrency vocabulary on tokio, with Go's semantics.");
        println!(
            "`gokio::run` is the main goroutine; when it returns, the program ends (as in Go)."
        );

        goroutines().await;
        waitgroup().await;
        mutex().await;
        unbuffered_and_buffered().await;
        close_and_ok().await;
        range_over_channel().await;
        directional_handles().await;
        select_timeout_default().await;
        nil_channels().await;
        select_any_future().await;
        timers_and_tickers().await;
        context_tree().await;
        context_values_and_causes().await;
        errgroup().await;
        semaphore().await;
        cond_and_once_value().await;
        fan_in_fan_out().await;
        diagnostics().await;

        println!(
            "\nTour finished. Live goroutines left: {}.",
            num_goroutine()
        );
    });
}

async fn goroutines() {
    step(
        "1. Goroutines and join",
        "`go(fut)` is Go's `go f(x)`; `go!{ ... }` is `go func(){ ... }()`.\n\
         Both return a `Goroutine` handle: drop it to detach (Go has no handle),\n\
         or `join().await` it for the result.",
    );
    let g = go(async { 6 * 7 });
    show(format!(
        "go(async {{ 6 * 7 }}).join() = {:?}",
        g.join().await
    ));

    let name = String::from("gopher");
    let g = go! { format!("hello, {name}") }; // `name` is moved into the goroutine
    show(format!("go!{{ .. }} returned {:?}", g.await.unwrap()));

    step(
        "1b. A panicking goroutine",
        "A panic stays inside its goroutine: the process and the runtime carry on,\n\
         and `join` returns Err(Panic) with the message.\n\
         (The default panic message is silenced for this step.)",
    );
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = go(async {
        let v: Vec<i32> = Vec::new();
        v[3] // index out of bounds
    })
    .join()
    .await;
    std::panic::set_hook(previous_hook);
    match result {
        Ok(v) => show(format!("unexpected value {v}")),
        Err(panic) => show(format!("join() = Err: {:?}", panic.message())),
    }
}

async fn waitgroup() {
    step(
        "2. WaitGroup",
        "`wg.guard()` is `wg.Add(1)` now plus `defer wg.Done()` when the guard drops.\n\
         `wg.go(fut)` is Go 1.25's `wg.Go(f)`. `wg.wait().await` is `wg.Wait()`.",
    );
    let wg = WaitGroup::new();
    let finished = Arc::new(AtomicUsize::new(0));
    for i in 0..5 {
        let done = wg.guard();
        let finished = Arc::clone(&finished);
        go! {
            let _done = done; // defer wg.Done()
            time::sleep(Duration::from_millis(10 * i)).await;
            finished.fetch_add(1, Ordering::Relaxed);
        };
    }
    let f2 = Arc::clone(&finished);
    wg.go(async move {
        f2.fetch_add(1, Ordering::Relaxed);
    });
    wg.wait().await;
    show(format!(
        "{} goroutines finished before wait() returned",
        finished.load(Ordering::Relaxed)
    ));
}

async fn mutex() {
    step(
        "3. Mutex (fair)",
        "A gokio Mutex owns its value; `lock().await` returns a guard that unlocks on drop\n\
         (Go: `mu.Lock(); defer mu.Unlock()`). It is fair like Go's: a waiter that has\n\
         waited over 1 ms is handed the lock directly, so waiters are served in order.",
    );
    let counter = Arc::new(Mutex::new(0));
    let wg = WaitGroup::new();
    for _ in 0..8 {
        let counter = Arc::clone(&counter);
        wg.go(async move {
            for _ in 0..1000 {
                *counter.lock().await += 1;
            }
        });
    }
    wg.wait().await;
    show(format!(
        "8 goroutines x 1000 increments = {}",
        *counter.lock().await
    ));

    // Fairness: hold the lock, let four goroutines queue up 5 ms apart, then release.
    let order = Arc::new(Mutex::new(Vec::new()));
    let held = order.lock().await;
    let mut waiters = Vec::new();
    for id in 1..=4 {
        let order = Arc::clone(&order);
        waiters.push(go! { order.lock().await.push(id) });
        time::sleep(Duration::from_millis(5)).await;
    }
    drop(held);
    for w in waiters {
        w.await.unwrap();
    }
    show(format!(
        "waiters that queued in order 1,2,3,4 got the lock in order {:?}",
        *order.lock().await
    ));

    step(
        "3b. RwMutex and Once",
        "RwMutex: many readers or one writer; writer-preferring like Go's sync.RWMutex.\n\
         Once: run an (async) action exactly once, however many goroutines ask.",
    );
    let config = RwMutex::new(String::from("v1"));
    {
        let (a, b) = (config.read().await, config.read().await); // two readers at once
        show(format!("two readers see {} and {}", *a, *b));
    }
    config.write().await.push_str("->v2");
    show(format!("after a write: {}", *config.read().await));

    let once = Arc::new(Once::new());
    let runs = Arc::new(AtomicUsize::new(0));
    let wg = WaitGroup::new();
    for _ in 0..10 {
        let (once, runs) = (Arc::clone(&once), Arc::clone(&runs));
        wg.go(async move {
            once.call_once(|| async {
                runs.fetch_add(1, Ordering::Relaxed);
            })
            .await;
        });
    }
    wg.wait().await;
    show(format!(
        "10 goroutines called once.call_once: the action ran {} time(s)",
        runs.load(Ordering::Relaxed)
    ));
}

async fn unbuffered_and_buffered() {
    step(
        "4. Unbuffered and buffered channels",
        "`chan::<T>(0)` is `make(chan T)`: a send completes only when a receiver takes the\n\
         value (rendezvous). `chan::<T>(n)` buffers n values; sends wait only when full.",
    );
    let ch = chan::<&str>(0);
    let tx = ch.sender();
    let sender = go! {
        let start = Instant::now();
        tx.send("ping").await.unwrap();
        start.elapsed()
    };
    time::sleep(Duration::from_millis(50)).await; // the receiver arrives late
    let msg = ch.recv().await.unwrap();
    let waited = sender.await.unwrap();
    show(format!(
        "received {msg:?}; the sender waited {} ms (>= 50: it waited for us)",
        ms(waited)
    ));

    let buf = chan::<i32>(2);
    buf.send(1).await.unwrap(); // completes at once: there is room
    buf.send(2).await.unwrap();
    show(format!("len = {}, cap = {}", buf.len(), buf.cap()));
    show(format!(
        "try_send(3) on the full channel = {:?}",
        buf.try_send(3)
    ));
    show(format!(
        "received {:?} then {:?}: FIFO",
        buf.recv().await,
        buf.recv().await
    ));
}

async fn close_and_ok() {
    step(
        "5. close and `v, ok := <-ch`",
        "After `close`, receivers first drain what is buffered, then get None (ok == false).\n\
         Sending on a closed channel is not a panic: it is Err(SendError(v)), value handed back.\n\
         Closing twice is not a panic either: close() returns whether this call closed it.",
    );
    let ch = chan::<i32>(3);
    ch.send(10).await.unwrap();
    ch.send(20).await.unwrap();
    show(format!("close() = {}", ch.close()));
    show(format!("close() again = {}", ch.close()));
    show(format!("recv_ok() = {:?}", ch.recv_ok().await));
    show(format!("recv_ok() = {:?}", ch.recv_ok().await));
    show(format!(
        "recv_ok() = {:?}  (zero value, ok = false)",
        ch.recv_ok().await
    ));
    show(format!("recv() = {:?}", ch.recv().await));
    match ch.send(30).await {
        Ok(()) => show("unexpected: sent on a closed channel"),
        Err(SendError(v)) => show(format!(
            "send(30) = Err(SendError({v})): `{}`",
            SendError(v)
        )),
    }
}

async fn range_over_channel() {
    step(
        "6. Range over a channel",
        "Go's `for v := range ch` is `while let Some(v) = ch.recv().await`:\n\
         the loop ends when the channel is closed and drained.",
    );
    let ch = chan::<i32>(0);
    let tx = ch.sender();
    go! {
        for i in 1..=5 {
            tx.send(i * i).await.unwrap();
        }
        tx.close();
    };
    let mut squares = Vec::new();
    while let Some(v) = ch.recv().await {
        squares.push(v);
    }
    show(format!("received {squares:?}, then the loop ended"));
}

/// Go: `func produce(out chan<- int)`.
async fn produce(out: Sender<i32>) {
    for i in 1..=3 {
        out.send(i).await.unwrap();
    }
    // Dropping the last sending handle closes the channel, so the consumer's loop ends.
}

/// Go: `func consume(in <-chan int) int`. A `Receiver` is also a `futures::Stream`.
async fn consume(input: Receiver<i32>) -> Vec<i32> {
    input.collect().await
}

async fn directional_handles() {
    step(
        "7. Directional handles",
        "`ch.sender()` is `chan<- T`, `ch.receiver()` is `<-chan T`. Using one against its\n\
         direction does not compile. When the last handle able to send is dropped,\n\
         the channel closes itself (and likewise for receivers), so pipelines unwind.",
    );
    let (tx, rx) = chan::<i32>(0).split(); // no bidirectional handle is kept
    go(produce(tx));
    show(format!("consumer collected {:?}", consume(rx).await));
}

async fn select_timeout_default() {
    step(
        "8. select! with a timeout and a default",
        "select! waits on several operations and runs exactly one. Timers are channels,\n\
         so a timeout is just another case. `default` makes it non-blocking.",
    );
    let slow = chan::<&str>(1);
    let tx = slow.sender();
    go! {
        time::sleep(Duration::from_millis(60)).await;
        tx.send("late result").await.unwrap();
    };
    select! {
        recv(slow) -> v => show(format!("got {v:?}")),
        recv(time::after(Duration::from_millis(30))) -> _ => show("timed out after 30 ms"),
    }
    // The channel has room for one value, so the late sender does not block forever.
    show(format!("later, recv() = {:?}", slow.recv().await));

    let empty = chan::<i32>(1);
    select! {
        recv(empty) -> v => show(format!("got {v:?}")),
        default => show("nothing ready: default taken at once"),
    }

    step(
        "8b. Uniform choice",
        "When several cases are ready, one is chosen uniformly at random (as in Go);\n\
         write `biased;` first to prefer source order.",
    );
    let (a, b) = (chan::<&str>(1), chan::<&str>(1));
    let mut wins = [0; 2];
    for _ in 0..1000 {
        a.send("a").await.unwrap();
        b.send("b").await.unwrap();
        select! {
            recv(a) -> _ => wins[0] += 1,
            recv(b) -> _ => wins[1] += 1,
        }
        // Drain whichever was not chosen: nothing was consumed from it.
        let _ = a.try_recv();
        let _ = b.try_recv();
    }
    show(format!(
        "with both ready 1000 times: a won {}, b won {}",
        wins[0], wins[1]
    ));
    let chans = [chan::<i32>(1), chan::<i32>(1), chan::<i32>(1)];
    chans[2].send(7).await.unwrap();
    show(format!(
        "recv_any over a run-time sized set = {:?}",
        recv_any(&chans).await
    ));
}

async fn nil_channels() {
    step(
        "9. nil channels in select!",
        "An `Option` handle that is None is Go's nil channel: its case is never chosen.\n\
         The Go idiom: merge two channels, setting each to nil once it is closed.",
    );
    // `split` gives the two directional halves and keeps no bidirectional `Chan`, so each
    // channel closes as soon as its producer drops its sender.
    let (a_tx, a_rx) = chan::<String>(0).split();
    let (b_tx, b_rx) = chan::<String>(0).split();
    for (name, ch) in [("a", a_tx), ("b", b_tx)] {
        go! {
            for i in 1..=2 {
                ch.send(format!("{name}{i}")).await.unwrap();
            }
        }; // `ch` is dropped when the goroutine ends: the channel closes
    }
    let (mut a, mut b) = (Some(a_rx), Some(b_rx));
    let mut merged = Vec::new();
    while a.is_some() || b.is_some() {
        select! {
            recv(a) -> v => match v {
                Some(v) => merged.push(v),
                None => a = None, // closed: disable this case
            },
            recv(b) -> v => match v {
                Some(v) => merged.push(v),
                None => b = None,
            },
        }
    }
    merged.sort();
    show(format!("merged {merged:?}; both inputs closed, loop ended"));
}

async fn select_any_future() {
    step(
        "9b. Any future in select!",
        "`fut(expr) -> v` waits on any future next to channel cases: a socket's accept(),\n\
         a JoinHandle, a tokio timer. It shares the uniform choice; its output is never lost.",
    );
    // Go has no futures; this is what an accept loop with a quit channel looks like in gokio.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let quit = chan::<()>(0);
    let client = tokio::spawn(async move {
        use tokio::io::AsyncWriteExt;
        let mut c = tokio::net::TcpStream::connect(addr).await.unwrap();
        c.write_all(b"hello").await.unwrap();
    });
    let mut served = 0;
    loop {
        select! {
            fut(listener.accept()) -> conn => {
                let (mut socket, _) = conn.unwrap();
                let mut buf = Vec::new();
                tokio::io::AsyncReadExt::read_to_end(&mut socket, &mut buf).await.unwrap();
                show(format!("accepted a connection that said {:?}", String::from_utf8_lossy(&buf)));
                served += 1;
                quit.close(); // one is enough for the tour
            }
            recv(quit) -> _ => break,
            fut(tokio::time::sleep(Duration::from_secs(10))) -> () => panic!("no client came"),
        }
    }
    client.await.unwrap();
    show(format!(
        "served {served} connection(s), then quit was closed: loop ended"
    ));
}

async fn timers_and_tickers() {
    step(
        "10. Timers and tickers",
        "`time::after(d)`, `time::tick(d)`, `Timer` and `Ticker` deliver on channels.\n\
         Go >= 1.23 semantics: after stop() or reset(), no stale value is received.",
    );
    let start = Instant::now();
    let ticker = Ticker::new(Duration::from_millis(20));
    let ticks = ticker.chan();
    for _ in 0..3 {
        ticks.recv().await;
    }
    ticker.stop();
    show(format!(
        "3 ticks of a 20 ms ticker took about {} ms",
        ms(start.elapsed()) / 10 * 10
    ));

    let timer = Timer::new(Duration::from_secs(60));
    timer.reset(Duration::from_millis(10));
    let start = Instant::now();
    timer.chan().recv().await;
    show(format!(
        "a 60 s timer reset to 10 ms fired after {} ms",
        ms(start.elapsed())
    ));

    let timer = Timer::new(Duration::from_millis(10));
    show(format!(
        "stop() before it fires = {} (it never fires)",
        timer.stop()
    ));
    time::sleep(Duration::from_millis(20)).await;
    show(format!(
        "its channel after 20 ms: try_recv() = {:?}",
        timer.chan().try_recv()
    ));
}

/// A worker that does a unit of work every 10 ms until its context is cancelled.
async fn worker(name: String, ctx: Context, report: Sender<String>) {
    loop {
        select! {
            recv(ctx.done()) -> _ => {
                let err = ctx.err().unwrap();
                let _ = report.send(format!("{name} stopped: {err}")).await;
                return;
            }
            recv(time::after(Duration::from_millis(10))) -> _ => {} // one unit of work
        }
    }
}

async fn context_tree() {
    step(
        "11. Context: cancelling a tree of workers",
        "`ctx.with_cancel()` / `with_timeout(d)` derive a child; `ctx.done()` is a channel\n\
         closed on cancellation. Cancelling a parent cancels every descendant, never the\n\
         other way round.",
    );
    let (root, cancel_root) = Context::background().with_cancel();
    let report = chan::<String>(8);
    for team in ["team-a", "team-b"] {
        // Dropping a CancelFunc does not cancel (as in Go); these are cancelled through
        // the root.
        let (team_ctx, _cancel_team) = root.with_cancel();
        for w in 1..=2 {
            let (ctx, _cancel) = team_ctx.with_cancel();
            go(worker(format!("{team}/worker-{w}"), ctx, report.sender()));
        }
    }
    // Cancelling a child leaves its parent alone.
    let (child, cancel_child) = root.with_cancel();
    cancel_child.cancel();
    show(format!(
        "cancelled a child: child.err() = {:?}, root.err() = {:?}",
        child.err(),
        root.err()
    ));

    time::sleep(Duration::from_millis(50)).await;
    cancel_root.cancel();
    let mut lines = Vec::new();
    for _ in 0..4 {
        lines.push(report.recv().await.unwrap());
    }
    lines.sort();
    for line in lines {
        show(line);
    }

    let (ctx, _cancel) = Context::background().with_timeout(Duration::from_millis(20));
    ctx.cancelled().await;
    show(format!(
        "with_timeout(20 ms): err() = {:?}",
        ctx.err().unwrap().to_string()
    ));
}

/// A request-scoped value's key: a `static`, typed (Go: `type key int; const userKey key = 0`).
static USER: ContextKey<String> = ContextKey::new("user");

/// Why a request was abandoned: a cancel cause is any error.
#[derive(Debug)]
struct ClientGone;

impl std::fmt::Display for ClientGone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("client went away")
    }
}

impl std::error::Error for ClientGone {}

async fn context_values_and_causes() {
    step(
        "11b. Context values and cancel causes",
        "`ctx.with_value(&KEY, v)` attaches a typed value that every descendant sees with\n\
         `ctx.value(&KEY)`. `with_cancel_cause()` cancels with a reason: `err()` stays\n\
         Canceled, as in Go, and `cause()` says why (Go 1.20's context.Cause).",
    );
    let (ctx, cancel) = Context::background()
        .with_value(&USER, "gopher".to_string())
        .with_cancel_cause();
    let (handler, _cancel_handler) = ctx.with_timeout(Duration::from_secs(5));
    let user = handler.value(&USER).cloned();
    let serve = go(async move {
        handler.cancelled().await;
        format!(
            "err() = {:?}, cause() = {}",
            handler.err(),
            handler.cause().unwrap()
        )
    });
    cancel.cancel(Some(Arc::new(ClientGone)));
    show(format!("the handler sees user = {user:?}"));
    show(format!("handler stopped: {}", serve.join().await.unwrap()));
}

async fn errgroup() {
    step(
        "12. errgroup: the first error cancels the rest",
        "`Group::with_context(&ctx)` is `errgroup.WithContext`: `g.go(..)` starts tasks that\n\
         return Result; the first error cancels the group's context; `wait()` returns it.",
    );
    let (g, ctx) = Group::<String>::with_context(&Context::background());
    let stopped = Arc::new(AtomicUsize::new(0));
    for i in 1..=3 {
        let (ctx, stopped) = (ctx.clone(), Arc::clone(&stopped));
        g.go(async move {
            if i == 2 {
                time::sleep(Duration::from_millis(20)).await;
                return Err(format!("task {i}: disk full"));
            }
            select! {
                recv(ctx.done()) -> _ => {
                    stopped.fetch_add(1, Ordering::Relaxed);
                    Err(format!("task {i}: {}", ctx.err().unwrap()))
                }
                recv(time::after(Duration::from_secs(10))) -> _ => Ok(()),
            }
        })
        .await;
    }
    show(format!("wait() = {:?}", g.wait().await));
    show(format!(
        "{} other tasks saw the context cancelled and stopped early",
        stopped.load(Ordering::Relaxed)
    ));
}

async fn semaphore() {
    step(
        "13. Semaphore",
        "A weighted, FIFO-fair semaphore (golang.org/x/sync/semaphore):\n\
         here it lets at most 2 of 6 jobs run at once.",
    );
    let sem = Arc::new(Semaphore::new(2));
    let (running, peak) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let wg = WaitGroup::new();
    for _ in 0..6 {
        let (sem, running, peak) = (Arc::clone(&sem), Arc::clone(&running), Arc::clone(&peak));
        wg.go(async move {
            sem.acquire(1).await.unwrap();
            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now, Ordering::SeqCst);
            time::sleep(Duration::from_millis(10)).await;
            running.fetch_sub(1, Ordering::SeqCst);
            sem.release(1);
        });
    }
    wg.wait().await;
    show(format!(
        "6 jobs done; at most {} ran at once",
        peak.load(Ordering::SeqCst)
    ));
}

/// A job queue shared the way a Go package shares its globals: `static`s, as `Mutex::new`,
/// `Cond::new` (and `WaitGroup::new`, `Once::new`) are `const`.
static QUEUE: Mutex<Vec<u32>> = Mutex::new(Vec::new());
static NOT_EMPTY: Cond = Cond::new();

async fn cond_and_once_value() {
    step(
        "13b. sync.Cond and sync.OnceValue",
        "`NOT_EMPTY.wait(guard)` unlocks the mutex, sleeps until `signal()`, and locks it\n\
         again (Go's `c.Wait()` in a `for !cond` loop). `once_value(f)` is Go 1.21's\n\
         `sync.OnceValue`: `f` runs on the first call, later calls return its result.",
    );
    let consumer = go(async {
        let mut queue = QUEUE.lock().await;
        while queue.is_empty() {
            queue = NOT_EMPTY.wait(queue).await;
        }
        queue.remove(0)
    });
    QUEUE.lock().await.push(7);
    NOT_EMPTY.signal();
    show(format!(
        "the consumer took job {}",
        consumer.join().await.unwrap()
    ));
    let loads = AtomicUsize::new(0);
    let config = once_value(|| {
        loads.fetch_add(1, Ordering::Relaxed);
        "port=8080".to_string()
    });
    show(format!(
        "config() = {:?}, again = {:?}; loaded {} time(s)",
        config(),
        config(),
        loads.load(Ordering::Relaxed)
    ));
}

async fn fan_in_fan_out() {
    step(
        "14. Fan-in / fan-out",
        "gokio::pattern has Go's pipeline idioms as functions. generate() is the generator\n\
         goroutine, fan_out() a pool of workers ranging over one channel, merge() the fan-in,\n\
         take() stops after n values. Dropping an output stops every stage before it:\n\
         no goroutine leaks, just as if each had a `case <-done: return`.",
    );
    use gokio::pattern::{fan_out, generate, merge, take};
    let before = num_goroutine();
    let nums = generate(1..=1_000_000u64, 16); // an "endless" source
    let squares = fan_out(nums, 4, 16, |n| async move { n * n }); // 4 workers
    let first: Vec<u64> = take(squares, 10, 0).collect().await; // then everything stops
    show(format!(
        "10 squares from 4 workers (completion order): {first:?}"
    ));
    let evens = generate((0..5).map(|i| i * 2), 0);
    let odds = generate((0..5).map(|i| i * 2 + 1), 0);
    let mut all: Vec<u32> = merge(vec![evens, odds], 0).collect().await;
    all.sort_unstable();
    show(format!("merge(evens, odds), sorted: {all:?}"));
    // The abandoned 1..1_000_000 pipeline unwinds by itself; give it a moment.
    let deadline = Instant::now() + Duration::from_secs(5);
    while num_goroutine() > before && Instant::now() < deadline {
        time::sleep(Duration::from_millis(1)).await;
    }
    show(format!(
        "goroutines left from those pipelines: {}",
        num_goroutine() - before.min(num_goroutine())
    ));
}

async fn diagnostics() {
    step(
        "15. Goroutine dump and deadlock report",
        "Go prints every goroutine and what it waits for on SIGQUIT, and `fatal error: all\n\
         goroutines are asleep - deadlock!` when nothing can ever run again. gokio does both\n\
         with the opt-in `diagnostics` feature: `gokio::debug::dump()` prints Go's format,\n\
         `run` panics with Go's message and the dump, `debug::Watchdog` does the same under\n\
         `#[tokio::main]`, and `debug::dump_on_sigquit()` (feature `sigquit`) wires Ctrl-\\.",
    );
    #[cfg(feature = "diagnostics")]
    {
        let ch = chan::<i32>(0);
        let reader = gokio::Builder::new().name("stuck reader").go({
            let ch = ch.clone();
            async move { ch.recv().await }
        });
        // Wait until its receive has parked, then print its entry as Go would.
        let deadline = Instant::now() + Duration::from_secs(5);
        let entry = loop {
            let dump = gokio::debug::dump().filter(|g| g.id() == reader.id());
            if dump.goroutines().iter().any(|g| g.wait_reason().is_some())
                || Instant::now() > deadline
            {
                break dump;
            }
            time::sleep(Duration::from_millis(1)).await;
        };
        for line in entry.to_string().lines().filter(|l| !l.is_empty()) {
            println!("   | {line}");
        }
        ch.close();
        show(format!(
            "after close: the reader got {:?}",
            reader.join().await.unwrap()
        ));
    }
    #[cfg(not(feature = "diagnostics"))]
    show(
        "built without `diagnostics`; to see a dump here: \
         cargo run --example tour --features diagnostics",
    );
}
