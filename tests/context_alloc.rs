//! Allocations per context operation, after Go's TestAllocs. A binary of its own with a
//! single test, because it counts every allocation of the process.
//!
//! Counting needs a `GlobalAlloc`, an `unsafe` trait: this test harness, not the library, is
//! why the file allows `unsafe` (`.ci/run` keeps `src/` to its fenced modules).
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use gokio::context::ContextKey;
use gokio::Context;

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

/// Go's `testing.AllocsPerRun(100, f)`: the average number of allocations of `f`, after one
/// warm-up call.
fn allocs_per_run(runs: usize, mut f: impl FnMut()) -> f64 {
    f();
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    for _ in 0..runs {
        f();
    }
    (ALLOCATIONS.load(Ordering::Relaxed) - before) as f64 / runs as f64
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
