//! Allocations per context operation, after Go's TestAllocs. A binary of its own with a
//! single test, because it counts every allocation of the process.
//!
//! The counting allocator is `tests/common/alloc.rs`.

use gokio::context::ContextKey;
use gokio::Context;

#[path = "common/alloc.rs"]
mod alloc_count;

#[global_allocator]
static GLOBAL: alloc_count::Counting = alloc_count::Counting;

/// Go's `testing.AllocsPerRun(runs, f)`: the average number of allocations of `f`, after
/// one warm-up call (not rounded down, as Go's is: a stricter check).
fn allocs_per_run(runs: usize, f: impl FnMut()) -> f64 {
    alloc_count::allocations_of(runs, f) as f64 / runs as f64
}

static K1: ContextKey<Option<u8>> = ContextKey::new("key1");

/// Ported from Go's src/context/x_test.go: TestAllocs (the cases that need no timer: a
/// deadline task is spawned on a runtime whose own threads allocate too, so the counts of
/// the two `WithTimeout` cases would not be this test's alone).
#[test]
fn allocs() {
    let bg = Context::background();
    type Case<'a> = (&'static str, Box<dyn Fn() + 'a>, f64);
    let cases: [Case<'_>; 3] = [
        (
            "Background()",
            Box::new(|| drop(Context::background())),
            0.0,
        ),
        (
            "WithValue(bg, k1, nil)",
            Box::new(|| {
                let c = bg.with_value(&K1, None);
                assert_eq!(c.value(&K1), Some(&None));
            }),
            3.0,
        ),
        (
            "WithCancel(bg)",
            Box::new(|| {
                let (c, cancel) = bg.with_cancel();
                cancel.cancel();
                futures::executor::block_on(c.cancelled());
            }),
            5.0,
        ),
    ];
    for (desc, f, limit) in cases {
        let n = allocs_per_run(100, f);
        println!("{desc}: {n} allocs (Go's limit {limit})");
        assert!(n <= limit, "{desc} allocs = {n} want {limit}");
    }
}
