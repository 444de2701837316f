//! Go's zero-value globals: `var mu sync.Mutex`, `var wg sync.WaitGroup`, `var once sync.Once`
//! at package level. gokio's constructors are `const`, so each primitive can live in a
//! `static`; these tests use them from many goroutines, and check that a `WaitGroup`'s clones
//! share its counter whichever handle is used first (its shared part is made lazily).
#![cfg(not(loom))]

use std::sync::atomic::{AtomicUsize, Ordering};

use gokio::{Cond, Mutex, Once, Semaphore, WaitGroup};

static WG: WaitGroup = WaitGroup::new();
static COUNTER: Mutex<u64> = Mutex::new(0);
static INIT: Once = Once::new();
static INIT_RUNS: AtomicUsize = AtomicUsize::new(0);
static SLOTS: Semaphore = Semaphore::new(2);
static READY: Mutex<bool> = Mutex::new(false);
static READY_COND: Cond = Cond::new();

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn static_waitgroup_and_mutex_across_goroutines() {
    // Go: var mu sync.Mutex; var wg sync.WaitGroup; 8 goroutines × 1000 increments.
    for _ in 0..8 {
        WG.go(async {
            for _ in 0..1000 {
                *COUNTER.lock().await += 1;
            }
        });
    }
    WG.wait().await;
    assert_eq!(WG.count(), 0);
    assert_eq!(*COUNTER.lock().await, 8000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn static_once_runs_once() {
    let wg = WaitGroup::new();
    for _ in 0..16 {
        wg.go(async {
            INIT.call_once(|| async {
                INIT_RUNS.fetch_add(1, Ordering::SeqCst);
                gokio::yield_now().await;
            })
            .await;
            assert!(INIT.is_done());
        });
    }
    wg.wait().await;
    assert_eq!(INIT_RUNS.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn static_semaphore_bounds_concurrency() {
    static IN: AtomicUsize = AtomicUsize::new(0);
    static MAX: AtomicUsize = AtomicUsize::new(0);
    let wg = WaitGroup::new();
    for _ in 0..10 {
        wg.go(async {
            SLOTS.acquire(1).await.unwrap();
            let now = IN.fetch_add(1, Ordering::SeqCst) + 1;
            MAX.fetch_max(now, Ordering::SeqCst);
            gokio::yield_now().await;
            IN.fetch_sub(1, Ordering::SeqCst);
            SLOTS.release(1);
        });
    }
    wg.wait().await;
    assert!(MAX.load(Ordering::SeqCst) <= 2);
    assert_eq!(SLOTS.available(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn static_cond_with_static_mutex() {
    let wg = WaitGroup::new();
    for _ in 0..4 {
        wg.go(async {
            let mut ready = READY.lock().await;
            while !*ready {
                ready = READY_COND.wait(ready).await;
            }
        });
    }
    gokio::yield_now().await;
    *READY.lock().await = true;
    READY_COND.broadcast();
    wg.wait().await;
}

#[test]
fn waitgroup_clones_share_whichever_handle_is_used_first() {
    // Cloned before any use: the clone makes the shared counter, and both see it.
    let a = WaitGroup::new();
    let b = a.clone();
    b.add(2);
    assert_eq!(a.count(), 2);
    a.done();
    assert_eq!(b.count(), 1);
    // A guard taken on a fresh group counts in every later clone.
    let c = WaitGroup::new();
    let guard = c.guard();
    let d = c.clone();
    assert_eq!(d.count(), 1);
    drop(guard);
    assert_eq!(d.count(), 0);
    d.wait_blocking();
    // `count` on a group never used makes nothing and says zero.
    assert_eq!(WaitGroup::new().count(), 0);
    assert_eq!(format!("{:?}", WaitGroup::new()), "WaitGroup { count: 0 }");
}

#[test]
fn static_waitgroup_clones_share_its_counter() {
    static LOCAL: WaitGroup = WaitGroup::new();
    let h = LOCAL.clone();
    h.add(1);
    assert_eq!(LOCAL.count(), 1);
    let t = std::thread::spawn(move || h.done());
    LOCAL.wait_blocking();
    t.join().unwrap();
    assert_eq!(LOCAL.count(), 0);
}
