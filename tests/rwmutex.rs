//! `gokio::RwMutex`: sharing, writer preference, FIFO, cancellation, blocking and owned use.

use std::sync::Arc;

use gokio::RwMutex;
use tokio_test::task::spawn;
use tokio_test::{assert_pending, assert_ready};

#[test]
fn readers_share() {
    let rw = RwMutex::new(1);
    let mut r1 = spawn(rw.read());
    let mut r2 = spawn(rw.read());
    let a = assert_ready!(r1.poll());
    let b = assert_ready!(r2.poll());
    assert_eq!(*a + *b, 2);
    assert!(rw.try_write().is_none());
}

#[test]
fn waiting_writer_blocks_new_readers() {
    let rw = RwMutex::new(0);
    let r = rw.try_read().unwrap();
    let mut w = spawn(rw.write());
    assert_pending!(w.poll());
    let mut r2 = spawn(rw.read());
    assert_pending!(r2.poll());
    assert!(rw.try_read().is_none());
    drop(r);
    assert!(w.is_woken());
    let mut wg = assert_ready!(w.poll());
    *wg = 1;
    assert_pending!(r2.poll());
    drop(wg);
    assert!(r2.is_woken());
    assert_eq!(*assert_ready!(r2.poll()), 1);
}

#[test]
fn writers_are_fifo() {
    let rw = RwMutex::new(Vec::new());
    let g = rw.try_write().unwrap();
    let mut w1 = spawn(rw.write());
    let mut w2 = spawn(rw.write());
    assert_pending!(w1.poll());
    assert_pending!(w2.poll());
    drop(g);
    assert!(!w2.is_woken());
    assert_pending!(w2.poll());
    let mut g1 = assert_ready!(w1.poll());
    g1.push(1);
    drop(g1);
    let mut g2 = assert_ready!(w2.poll());
    g2.push(2);
    drop(g2);
    assert_eq!(*rw.try_read().unwrap(), [1, 2]);
}

#[test]
fn queued_readers_are_admitted_together() {
    let rw = RwMutex::new(());
    let g = rw.try_write().unwrap();
    let mut r1 = spawn(rw.read());
    let mut r2 = spawn(rw.read());
    let mut w = spawn(rw.write());
    assert_pending!(r1.poll());
    assert_pending!(r2.poll());
    assert_pending!(w.poll());
    drop(g);
    let a = assert_ready!(r1.poll());
    let b = assert_ready!(r2.poll());
    assert_pending!(w.poll());
    drop((a, b));
    let _w = assert_ready!(w.poll());
}

#[test]
fn cancelled_writer_lets_blocked_readers_in() {
    let rw = RwMutex::new(());
    let r = rw.try_read().unwrap();
    let mut w = spawn(rw.write());
    assert_pending!(w.poll());
    let mut r2 = spawn(rw.read());
    assert_pending!(r2.poll());
    drop(w);
    assert!(r2.is_woken());
    let _r2 = assert_ready!(r2.poll());
    drop(r);
}

#[test]
fn cancelled_granted_writer_releases() {
    let rw = RwMutex::new(());
    let g = rw.try_write().unwrap();
    let mut w = spawn(rw.write());
    let mut r = spawn(rw.read());
    assert_pending!(w.poll());
    assert_pending!(r.poll());
    drop(g);
    assert!(w.is_woken());
    drop(w); // granted but never polled
    assert!(r.is_woken());
    let _r = assert_ready!(r.poll());
    assert!(rw.try_write().is_none());
}

#[test]
fn blocking_variants_from_threads() {
    let rw = Arc::new(RwMutex::new(0u64));
    let threads: Vec<_> = (0..4)
        .map(|i| {
            let rw = rw.clone();
            std::thread::spawn(move || {
                for _ in 0..2_000 {
                    if i % 2 == 0 {
                        *rw.write_blocking() += 1;
                    } else {
                        let _ = *rw.read_blocking();
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(*rw.read_blocking(), 4_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutual_exclusion_and_owned_guards() {
    let rw = Arc::new(RwMutex::new(0u64));
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let rw = rw.clone();
            tokio::spawn(async move {
                for _ in 0..2_000 {
                    if i % 2 == 0 {
                        let mut g = rw.clone().write_owned().await;
                        let v = *g;
                        tokio::task::yield_now().await;
                        *g = v + 1;
                    } else {
                        let g = rw.clone().read_owned().await;
                        let v = *g;
                        tokio::task::yield_now().await;
                        assert_eq!(*g, v);
                    }
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(*rw.read().await, 8_000);
    let r = rw.clone().try_read_owned().unwrap();
    let rw = rw.clone().try_write_owned().unwrap_err();
    drop(r);
    assert!(rw.try_write_owned().is_ok());
}

#[test]
fn get_mut_into_inner_debug() {
    let mut rw = RwMutex::from(1);
    *rw.get_mut() += 1;
    let g = rw.try_write().unwrap();
    assert_eq!(format!("{rw:?}"), "RwMutex { data: <locked> }");
    drop(g);
    assert_eq!(format!("{rw:?}"), "RwMutex { data: 2 }");
    assert_eq!(rw.into_inner(), 2);
    assert_eq!(RwMutex::<u8>::default().into_inner(), 0);
}

#[test]
fn auto_traits() {
    fn send_sync<T: Send + Sync>() {}
    fn unpin<T: Unpin>() {}
    send_sync::<RwMutex<u8>>();
    send_sync::<gokio::RwMutexReadGuard<'static, u8>>();
    send_sync::<gokio::RwMutexWriteGuard<'static, u8>>();
    send_sync::<gokio::OwnedRwMutexReadGuard<u8>>();
    send_sync::<gokio::OwnedRwMutexWriteGuard<u8>>();
    send_sync::<gokio::sync::Read<'static, u8>>();
    send_sync::<gokio::sync::Write<'static, u8>>();
    send_sync::<gokio::sync::ReadOwned<u8>>();
    send_sync::<gokio::sync::WriteOwned<u8>>();
    unpin::<gokio::sync::Read<'static, u8>>();
    unpin::<gokio::sync::WriteOwned<u8>>();
}

#[test]
fn guards_format_as_their_value() {
    let rw = gokio::RwMutex::new(7);
    assert_eq!(
        format!("{} {:?}", rw.try_read().unwrap(), rw.try_read().unwrap()),
        "7 7"
    );
    assert_eq!(rw.try_write().unwrap().to_string(), "7");
}

/// Go's package-level `var mu sync.RWMutex`: `RwMutex::new` is `const`, so a `static` holds
/// one, shared by goroutines on several threads with no `Arc`.
#[cfg(not(loom))]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn static_rwmutex_across_goroutines() {
    static TABLE: RwMutex<Vec<u32>> = RwMutex::new(Vec::new());
    let wg = gokio::WaitGroup::new();
    for i in 0..8 {
        wg.go(async move {
            for _ in 0..100 {
                TABLE.write().await.push(i);
                let seen = TABLE.read().await.len();
                assert!(seen >= 1);
            }
        });
    }
    wg.wait().await;
    let table = TABLE.read().await;
    assert_eq!(table.len(), 800);
    assert_eq!(table.iter().map(|&i| u64::from(i)).sum::<u64>(), 100 * 28);
    // The owned guards reach the value through the `Arc` they hold.
    let rw = Arc::new(RwMutex::new(1));
    let mut w = Arc::clone(&rw).try_write_owned().unwrap();
    *w += 1;
    drop(w);
    assert_eq!(*Arc::clone(&rw).try_read_owned().unwrap(), 2);
}
