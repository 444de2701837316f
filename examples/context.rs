//! Go by Example: Context — <https://gobyexample.com/context>, ported to gokio.
//!
//! Go's chapter runs an HTTP server whose handler watches `ctx.Done()` while it works, and
//! the client cancels the request with Ctrl-C. This crate has no HTTP server, so the port
//! keeps the idea with a tree of workers: the "handler" derives a context per worker, the
//! "client" cancels the request after 250 ms, and every worker sees `ctx.Done()` close and
//! reports `ctx.Err()`. A second request shows a 250 ms deadline doing the cancelling. Go's 10 s of
//! "work" is kept: cancellation cuts it short.
//!
//! ```go
//! package main
//!
//! import (
//!     "fmt"
//!     "net/http"
//!     "time"
//! )
//!
//! func hello(w http.ResponseWriter, req *http.Request) {
//!
//!     ctx := req.Context()
//!     fmt.Println("server: hello handler started")
//!     defer fmt.Println("server: hello handler ended")
//!
//!     select {
//!     case <-time.After(10 * time.Second):
//!         fmt.Fprintf(w, "hello\n")
//!     case <-ctx.Done():
//!
//!         err := ctx.Err()
//!         fmt.Println("server:", err)
//!         internalError := http.StatusInternalServerError
//!         http.Error(w, err.Error(), internalError)
//!     }
//! }
//!
//! func main() {
//!
//!     http.HandleFunc("/hello", hello)
//!     http.ListenAndServe(":8090", nil)
//! }
//! ```
//!
//! Output:
//! ```text
//! server: hello handler started
//! client: cancelling the request
//! worker 1: context canceled
//! worker 2: context canceled
//! server: context canceled
//! server: hello handler ended
//! server: hello handler started
//! worker 1: context deadline exceeded
//! worker 2: context deadline exceeded
//! server: context deadline exceeded
//! server: hello handler ended
//! ```

use std::time::Duration;

use gokio::prelude::*;
use gokio::ContextError;

/// One unit of work under `ctx`: 10 s, unless the context is cancelled first.
async fn worker(ctx: Context) -> Result<(), ContextError> {
    let mut result = Ok(());
    select! {
        recv(time::after(Duration::from_secs(10))) -> _ => {}
        recv(ctx.done()) -> _ => result = Err(ctx.err().unwrap()),
    }
    result
}

/// The request handler: fans the work out to two workers, each with its own child context.
async fn hello(ctx: Context) {
    println!("server: hello handler started");
    // `defer fmt.Println(...)` would be a drop guard; printing at the end is clearer here.
    let mut workers = Vec::new();
    for _ in 0..2 {
        let (child, cancel) = ctx.with_cancel();
        workers.push(go! {
            let _cancel = cancel.drop_guard(); // defer cancel()
            worker(child).await
        });
    }
    // Joined (and reported) in order, so the output is deterministic.
    for (id, w) in (1..).zip(workers) {
        if let Err(err) = w.join().await.unwrap() {
            println!("worker {id}: {err}");
        }
    }
    if let Some(err) = ctx.err() {
        println!("server: {err}");
    } else {
        println!("hello");
    }
    println!("server: hello handler ended");
}

fn main() {
    run(async {
        // Request 1: the client goes away (Go: Ctrl-C on curl).
        let (ctx, cancel) = Context::background().with_cancel();
        let handler = go(hello(ctx));
        time::sleep(Duration::from_millis(250)).await;
        println!("client: cancelling the request");
        cancel.cancel();
        handler.join().await.unwrap();

        // Request 2: the server's own deadline cancels the work.
        let (ctx, cancel) = Context::background().with_timeout(Duration::from_millis(250));
        let _cancel = cancel.drop_guard();
        go(hello(ctx)).join().await.unwrap();
    });
}
