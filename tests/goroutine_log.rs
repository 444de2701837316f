//! The `tracing` error event of a panicking goroutine, started by `go` or `WaitGroup::go`.
//! Its own binary: tracing caches per-callsite interest process-wide, so a test that installs
//! a thread-local subscriber must not race tests that reach the same callsites without one
//! (it flaked under load when it shared `tests/goroutine.rs`). Both tests here install one.

mod common;

use gokio::go;

#[test]
fn panic_emits_tracing_error_event_in_goroutine_span() {
    let (out, id) = common::capture_logs(|| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(async {
            let g = go(async { panic!("kaboom") });
            let id = g.id();
            assert!(g.join().await.is_err());
            let named = gokio::Builder::new()
                .name("worker 7")
                .go(async { panic!("named") });
            assert!(named.join().await.is_err());
            id
        })
    });
    assert!(out.contains("ERROR"), "{out}");
    assert!(out.contains("goroutine panicked"), "{out}");
    assert!(out.contains("panic=kaboom"), "{out}");
    assert!(out.contains(&format!("goroutine.id={id}")), "{out}");
    // The span carries the goroutine's spawn site (the `go` call above).
    assert!(
        out.contains(&format!(
            "goroutine{{id={id} site=tests/goroutine_log.rs:17:21}}"
        )),
        "{out}"
    );
    // A named goroutine's span has the name too.
    assert!(out.contains("name=\"worker 7\"}"), "{out}");
}

/// `WaitGroup::go` on the traced path: the goroutine's span names the caller of `wg.go` as
/// its site, its panic is logged, and the group is released however the goroutine ends.
#[test]
fn waitgroup_go_is_traced_at_its_call_site_and_released() {
    let (out, id) = common::capture_logs(|| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(async {
            let wg = gokio::WaitGroup::new();
            let g = wg.go(async { panic!("grouped") });
            let id = g.id();
            assert_eq!(wg.go(async { 7 }).join().await.unwrap(), 7);
            let idle = wg.go(std::future::pending::<()>());
            idle.abort();
            wg.wait().await;
            assert_eq!(wg.count(), 0);
            assert_eq!(g.join().await.unwrap_err().message(), "grouped");
            id
        })
    });
    assert!(out.contains("goroutine panicked"), "{out}");
    assert!(out.contains("panic=grouped"), "{out}");
    assert!(
        out.contains(&format!(
            "goroutine{{id={id} site=tests/goroutine_log.rs:52:24}}"
        )),
        "{out}"
    );
}
