//! A counting global allocator for the allocation tests. Each such test is a binary of its
//! own with a single test, because the allocator counts every allocation of the process; it
//! includes this file and installs the allocator:
//!
//! ```ignore
//! #[path = "common/alloc.rs"]
//! mod alloc_count;
//! #[global_allocator]
//! static GLOBAL: alloc_count::Counting = alloc_count::Counting;
//! ```
//!
//! Counting needs a `GlobalAlloc`, an `unsafe` trait: this test harness, not the library, is
//! why this file allows `unsafe` (`.ci/run` keeps `src/` to its fenced modules).
#![allow(unsafe_code)]
#![allow(dead_code)] // each test uses a subset

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The system allocator, counting allocations per process and per thread.
pub struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

std::thread_local! {
    /// This thread's allocations (a `const` thread local without a destructor: safe to use
    /// inside the allocator).
    static THREAD_ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: forwards to the system allocator unchanged; only counts calls.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        THREAD_ALLOCATIONS.with(|c| c.set(c.get() + 1));
        // SAFETY: the caller upholds `alloc`'s contract, which we pass on as is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System.alloc` with this `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// Allocations made so far by the whole process.
pub fn process() -> usize {
    ALLOCATIONS.load(Ordering::Relaxed)
}

/// Allocations made so far by the calling thread (libtest's main thread allocates at times
/// of its own).
pub fn this_thread() -> usize {
    THREAD_ALLOCATIONS.with(Cell::get)
}

/// The allocations of the whole process during `runs` calls of `f`, after one warm-up call:
/// what Go's `testing.AllocsPerRun(runs, f)` divides by `runs`.
pub fn allocations_of(runs: usize, mut f: impl FnMut()) -> usize {
    f();
    let before = process();
    for _ in 0..runs {
        f();
    }
    process() - before
}
