//! Go's TestOnceFunc / TestOnceValue / TestOnceValues also check "0 allocations per call":
//! after the first call, calling a once-function allocates nothing. A binary of its own with
//! a single test, because it counts every allocation of the process.
//! The counting allocator is `tests/common/alloc.rs`.

use std::sync::atomic::{AtomicUsize, Ordering};

use gokio::sync::{once_func, once_value, once_values};

#[path = "common/alloc.rs"]
mod alloc_count;

#[global_allocator]
static GLOBAL: alloc_count::Counting = alloc_count::Counting;

/// Go's `testing.AllocsPerRun(10, f)`: one warm-up call, then the allocations of 10 calls,
/// divided by 10 and rounded down (as Go's).
fn allocs_per_run(f: impl Fn()) -> usize {
    alloc_count::allocations_of(10, f) / 10
}

// Ported from Go's src/sync/oncefunc_test.go: TestOnceFunc, TestOnceValue, TestOnceValues
// (their allocation checks)
#[test]
fn calls_after_the_first_allocate_nothing() {
    let calls = AtomicUsize::new(0);
    let f = once_func(|| {
        calls.fetch_add(1, Ordering::SeqCst);
    });
    assert_eq!(
        allocs_per_run(&f),
        0,
        "OnceFunc: want 0 allocations per call"
    );
    let v = once_value(|| 1);
    assert_eq!(allocs_per_run(|| assert_eq!(v(), 1)), 0, "OnceValue");
    let vs = once_values(|| (1, 2));
    assert_eq!(allocs_per_run(|| assert_eq!(vs(), (1, 2))), 0, "OnceValues");
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}
