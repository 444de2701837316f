//! `gokio::sync::{once_func, once_value, once_values}`: Go 1.21's `sync.OnceFunc` family.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};

use gokio::sync::{once_func, once_value, once_values};

/// Ported from Go's src/sync/oncefunc_test.go.
mod golang {
    use super::*;

    // Ported from Go's src/sync/oncefunc_test.go: TestOnceFunc (its allocation check is
    // in tests/once_func_alloc.rs)
    #[test]
    fn once_func_calls_once() {
        let calls = AtomicUsize::new(0);
        let f = once_func(|| {
            calls.fetch_add(1, Ordering::SeqCst);
        });
        for _ in 0..11 {
            f();
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1, "want calls==1");
    }

    // Ported from Go's src/sync/oncefunc_test.go: TestOnceValue
    #[test]
    fn once_value_calls_once() {
        let calls = AtomicUsize::new(0);
        let f = once_value(|| calls.fetch_add(1, Ordering::SeqCst) + 1);
        for _ in 0..11 {
            f();
        }
        let value = f();
        assert_eq!(calls.load(Ordering::SeqCst), 1, "want calls==1");
        assert_eq!(value, 1, "want value==1");
    }

    // Ported from Go's src/sync/oncefunc_test.go: TestOnceValues
    #[test]
    fn once_values_calls_once() {
        let calls = AtomicUsize::new(0);
        let f = once_values(|| {
            let c = calls.fetch_add(1, Ordering::SeqCst) + 1;
            (c, c + 1)
        });
        for _ in 0..11 {
            f();
        }
        let (v1, v2) = f();
        assert_eq!(calls.load(Ordering::SeqCst), 1, "want calls==1");
        assert_eq!((v1, v2), (1, 2), "want v1==1 and v2==2");
    }

    /// Go's testOncePanicWith: each call to `f` panics, `check`ing the payload, but the
    /// underlying function is called only once.
    fn once_panic_with(calls: &AtomicUsize, f: impl Fn(), check: impl Fn(&str, &dyn Any)) {
        for label in ["first time", "second time"] {
            let p =
                catch_unwind(AssertUnwindSafe(&f)).expect_err(&format!("{label}: f did not panic"));
            check(label, &*p);
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1, "want calls==1");
    }

    /// Go's testOncePanicX. The first call re-raises `f`'s own payload (`&str` here), later
    /// calls its message as a `String`.
    fn once_panic_x(calls: &AtomicUsize, f: impl Fn()) {
        once_panic_with(calls, f, |label, p| {
            let msg = p
                .downcast_ref::<&str>()
                .copied()
                .or(p.downcast_ref::<String>().map(String::as_str));
            assert_eq!(msg, Some("x"), "{label}: want panic x");
        });
    }

    // Ported from Go's src/sync/oncefunc_test.go: TestOnceFuncPanic
    #[test]
    fn once_func_panic() {
        let calls = AtomicUsize::new(0);
        let f = once_func(|| {
            calls.fetch_add(1, Ordering::SeqCst);
            panic!("x");
        });
        once_panic_x(&calls, f);
    }

    // Ported from Go's src/sync/oncefunc_test.go: TestOnceValuePanic
    #[test]
    fn once_value_panic() {
        let calls = AtomicUsize::new(0);
        let f = once_value(|| -> i32 {
            calls.fetch_add(1, Ordering::SeqCst);
            panic!("x");
        });
        once_panic_x(&calls, || {
            f();
        });
    }

    // Ported from Go's src/sync/oncefunc_test.go: TestOnceValuesPanic
    #[test]
    fn once_values_panic() {
        let calls = AtomicUsize::new(0);
        let f = once_values(|| -> (i32, i32) {
            calls.fetch_add(1, Ordering::SeqCst);
            panic!("x");
        });
        once_panic_x(&calls, || {
            f();
        });
    }

    // Ported from Go's src/sync/oncefunc_test.go: TestOnceFuncPanicNil. Rust has no nil
    // panic; the nearest is a payload that is not a string. The first call re-raises it
    // as it is; later calls cannot clone it and panic with its message.
    #[test]
    fn once_func_panic_non_string() {
        let calls = AtomicUsize::new(0);
        let f = once_func(|| {
            calls.fetch_add(1, Ordering::SeqCst);
            std::panic::panic_any(42_i32);
        });
        let first = catch_unwind(AssertUnwindSafe(&f)).unwrap_err();
        assert_eq!(first.downcast_ref::<i32>(), Some(&42));
        let second = catch_unwind(AssertUnwindSafe(&f)).unwrap_err();
        assert_eq!(
            second.downcast_ref::<String>().map(String::as_str),
            Some("Box<dyn Any>")
        );
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    // Ported from Go's src/sync/oncefunc_test.go: TestOnceXGC. Go checks that the wrapped
    // function is collected after the first call; here, that it is dropped.
    #[test]
    fn f_is_dropped_after_the_first_call() {
        type Make = fn(Arc<()>) -> Box<dyn Fn()>;
        let cases: [(&str, Make); 6] = [
            ("OnceFunc", |buf| Box::new(once_func(move || drop(buf)))),
            ("OnceValue", |buf| {
                let f = once_value(move || drop(buf));
                Box::new(f)
            }),
            ("OnceValues", |buf| {
                let f = once_values(move || (drop(buf), ()));
                Box::new(move || {
                    let _ = f();
                })
            }),
            ("OnceFunc panic", |buf| {
                Box::new(once_func(move || {
                    let _buf = buf;
                    panic!("test panic")
                }))
            }),
            ("OnceValue panic", |buf| {
                let f = once_value(move || -> () {
                    let _buf = buf;
                    panic!("test panic")
                });
                Box::new(f)
            }),
            ("OnceValues panic", |buf| {
                let f = once_values(move || -> ((), ()) {
                    let _buf = buf;
                    panic!("test panic")
                });
                Box::new(move || {
                    let _ = f();
                })
            }),
        ];
        for (name, make) in cases {
            let buf = Arc::new(());
            let f = make(buf.clone());
            assert_eq!(Arc::strong_count(&buf), 2, "{name}: f dropped too early");
            let _ = catch_unwind(AssertUnwindSafe(&f));
            assert_eq!(
                Arc::strong_count(&buf),
                1,
                "{name}: f should be dropped, but is still live"
            );
            let _ = catch_unwind(AssertUnwindSafe(&f));
        }
    }
}

#[test]
fn concurrent_caller_blocks_until_f_has_finished() {
    let finished = Arc::new(AtomicBool::new(false));
    let (started_tx, started_rx) = mpsc::channel::<()>();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let f = {
        let finished = finished.clone();
        once_func(move || {
            started_tx.send(()).unwrap();
            release_rx.recv().unwrap();
            finished.store(true, Ordering::SeqCst);
        })
    };
    let first = std::thread::spawn({
        let f = f.clone();
        move || f()
    });
    started_rx.recv().unwrap(); // f is running now
    let second = std::thread::spawn({
        let (f, finished) = (f.clone(), finished.clone());
        move || {
            f();
            // A call returns only once f has completed.
            assert!(finished.load(Ordering::SeqCst));
        }
    });
    release_tx.send(()).unwrap();
    first.join().unwrap();
    second.join().unwrap();
}

#[test]
fn concurrent_callers_all_see_the_panic() {
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let release_rx = std::sync::Mutex::new(release_rx);
    let f = once_value(move || -> u8 {
        release_rx.lock().unwrap().recv().unwrap();
        panic!("init failed")
    });
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let f = f.clone();
            std::thread::spawn(f)
        })
        .collect();
    release_tx.send(()).unwrap();
    for t in threads {
        let p = t.join().unwrap_err();
        let msg = p
            .downcast_ref::<&str>()
            .copied()
            .or(p.downcast_ref::<String>().map(String::as_str));
        assert_eq!(msg, Some("init failed"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usable_from_goroutines() {
    let calls = Arc::new(AtomicUsize::new(0));
    let get = {
        let calls = calls.clone();
        once_value(move || {
            calls.fetch_add(1, Ordering::SeqCst);
            Arc::new(String::from("config"))
        })
    };
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let get = get.clone();
            gokio::go(async move { get().len() })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().await.unwrap(), 6);
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}
