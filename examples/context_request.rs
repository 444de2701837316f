//! A request's life with Go 1.20–1.21's context API: values, causes, `AfterFunc` and
//! `WithoutCancel`, ported to gokio.
//!
//! The server tags each request with its id (`WithValue`), gives the backend call a deadline
//! with a cause (`WithTimeoutCause`), "closes the connection" when the request is done
//! (`AfterFunc`), and writes an audit line that must survive the request's cancellation
//! (`WithoutCancel`). The first request is fast enough; the second hits the deadline and the
//! handler reports the cause, not just `context deadline exceeded`.
//!
//! ```go
//! type key int
//! var requestIDKey key
//! var errBackendSlow = errors.New("backend too slow")
//!
//! func handle(ctx context.Context, n int, work time.Duration) {
//!     ctx = context.WithValue(ctx, requestIDKey, n)
//!     ctx, cancel := context.WithCancelCause(ctx)
//!     conn := make(chan struct{})
//!     context.AfterFunc(ctx, func() { close(conn) }) // hang up when the request is done
//!
//!     callCtx, callCancel := context.WithTimeoutCause(ctx, 100*time.Millisecond, errBackendSlow)
//!     id := ctx.Value(requestIDKey).(int)
//!     select {
//!     case <-time.After(work):
//!         fmt.Printf("request %d: ok\n", id)
//!     case <-callCtx.Done():
//!         fmt.Printf("request %d: %v (%v)\n", id, callCtx.Err(), context.Cause(callCtx))
//!         cancel(context.Cause(callCtx))
//!     }
//!     callCancel()
//!     cancel(nil) // the first cause stays
//!
//!     audit := context.WithoutCancel(ctx) // the request's values, not its cancellation
//!     <-conn                               // closed by the AfterFunc
//!     fmt.Printf("request %d: connection closed, cause: %v\n", audit.Value(requestIDKey), context.Cause(ctx))
//! }
//! ```
//!
//! Output:
//! ```text
//! request 1: ok
//! request 1: connection closed, cause: context canceled
//! request 2: context deadline exceeded (backend too slow)
//! request 2: connection closed, cause: backend too slow
//! ```

use std::sync::Arc;
use std::time::Duration;

use gokio::context::{Cause, ContextKey};
use gokio::prelude::*;

static REQUEST_ID: ContextKey<u32> = ContextKey::new("request id");

async fn handle(ctx: Context, id: u32, work: Duration) {
    let ctx = ctx.with_value(&REQUEST_ID, id);
    let (ctx, cancel) = ctx.with_cancel_cause();
    let hung_up = chan::<()>(0);
    let conn = hung_up.sender();
    // AfterFunc runs a plain closure in its own goroutine; it only closes a channel here.
    ctx.after_func(move || {
        conn.close();
    });

    let too_slow: Cause = Arc::new(std::io::Error::other("backend too slow"));
    let (call, call_cancel) = ctx.with_timeout_cause(Duration::from_millis(100), too_slow);
    let id = *ctx.value(&REQUEST_ID).unwrap();
    select! {
        recv(time::after(work)) -> _ => println!("request {id}: ok"),
        recv(call.done()) -> _ => {
            println!("request {id}: {} ({})", call.err().unwrap(), call.cause().unwrap());
            cancel.cancel(call.cause());
        }
    }
    call_cancel.cancel();
    cancel.cancel(None); // the first cause stays

    let audit = ctx.without_cancel(); // the request's values, not its cancellation
    hung_up.recv().await; // closed by the AfterFunc
    let id = audit.value(&REQUEST_ID).unwrap();
    println!(
        "request {id}: connection closed, cause: {}",
        ctx.cause().unwrap()
    );
}

fn main() {
    run(async {
        let server = Context::background();
        handle(server.clone(), 1, Duration::from_millis(1)).await;
        handle(server, 2, Duration::from_secs(10)).await;
    });
}
