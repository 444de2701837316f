//! Go's TestOnceFunc / TestOnceValue / TestOnceValues also check "0 allocations per call":
//! after the first call, calling a once-function allocates nothing. A binary of its own with
//! a single test, because it counts every allocation of the process.
//!
//! Counting needs a `GlobalAlloc`, an `unsafe` trait: this test harness, not the library, is
//! why the file allows `unsafe`.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use gokio::sync::{once_func, once_value, once_values};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator unchanged; only counts calls.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller upholds `alloc`'s contract, which we pass on as is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System.alloc` with this `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Go's `testing.AllocsPerRun(10, f)`: one warm-up call, then the allocations of 10 calls.
fn allocs_per_run(f: impl Fn()) -> usize {
    f();
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    for _ in 0..10 {
        f();
    }
    (ALLOCATIONS.load(Ordering::Relaxed) - before) / 10
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
