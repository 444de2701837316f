//! The `tracing` error event of a panic in a `gokio::pattern` user function. Its own binary:
//! tracing caches per-callsite interest process-wide, so a test that installs a thread-local
//! subscriber must not race tests that hit the same callsite without one.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::no_hang;
use futures::StreamExt;
use gokio::pattern::{generate, map};

#[derive(Clone, Default)]
struct Buf(Arc<Mutex<Vec<u8>>>);

impl Write for Buf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn panic_in_user_function_is_logged() {
    let buf = Buf::default();
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    tracing::subscriber::with_default(subscriber, || {
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
    let out = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
    assert!(out.contains("ERROR"), "{out}");
    assert!(out.contains("pattern: user function panicked"), "{out}");
    assert!(out.contains("helper=\"map\""), "{out}");
    assert!(out.contains("value too big"), "{out}");
}
