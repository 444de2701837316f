//! The `tracing` error event of a panic in a `gokio::pattern` user function. Its own binary:
//! tracing caches per-callsite interest process-wide, so a test that installs a thread-local
//! subscriber must not race tests that hit the same callsite without one.

mod common;

use common::no_hang;
use futures::StreamExt;
use gokio::pattern::{generate, map};

#[test]
fn panic_in_user_function_is_logged() {
    let (out, ()) = common::capture_logs(|| {
        // One thread: the goroutines log through this thread's default subscriber.
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let out = map(generate(0..10, 0), 0, |v: i32| async move {
                assert!(v < 2, "value too big");
                v
            });
            assert_eq!(no_hang("map", out.collect::<Vec<_>>()).await, [0, 1]);
        });
    });
    assert!(out.contains("ERROR"), "{out}");
    assert!(out.contains("pattern: user function panicked"), "{out}");
    assert!(out.contains("helper=\"map\""), "{out}");
    assert!(out.contains("value too big"), "{out}");
}
