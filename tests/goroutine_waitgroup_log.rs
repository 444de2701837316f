//! `WaitGroup::go` on the traced path (a subscriber installed): the goroutine's span names the
//! caller of `wg.go` as its site, its panic is logged, and the group is released however the
//! goroutine ends. Its own binary, as `tests/goroutine_log.rs` (tracing caches per-callsite
//! interest process-wide).

mod common;

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
            "goroutine{{id={id} site=tests/goroutine_waitgroup_log.rs:16:24}}"
        )),
        "{out}"
    );
}
