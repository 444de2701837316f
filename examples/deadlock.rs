//! Go's deadlock report: two goroutines lock two mutexes in opposite order and main waits for
//! both (run with `cargo run --example deadlock --features diagnostics`).
//!
//! Every goroutine ends up parked on a gokio primitive with nothing left to wake it, so
//! `gokio::run` panics, as Go's runtime exits, with `fatal error: all goroutines are asleep -
//! deadlock!` followed by the goroutine dump. The same program in Go (1.19) prints:
//!
//! ```text
//! fatal error: all goroutines are asleep - deadlock!
//!
//! goroutine 1 [semacquire]:
//! sync.runtime_Semacquire(0xc0000a4020?)
//! ...
//! main.main()
//!         /tmp/godl/main.go:22 +0x1b4
//!
//! goroutine 18 [semacquire]:
//! ...
//! main.main.func1(0x0?, 0xc0000a2008)
//!         /tmp/godl/main.go:17 +0xc5
//! created by main.main
//!         /tmp/godl/main.go:20 +0x138
//!
//! goroutine 19 [semacquire]:
//! ...
//! created by main.main
//!         /tmp/godl/main.go:21 +0x1aa
//! exit status 2
//! ```
//!
//! (Go 1.19 says `semacquire` for both waits; Go 1.24 and later say `sync.WaitGroup.Wait`
//! and `sync.Mutex.Lock`, as gokio does.) gokio's report is the same paragraphs with gokio's
//! dump lines in place of the stack traces, and `goroutine 0` for the `run` main future. Go
//! prints the report on stderr and exits with status 2; this example catches the panic and
//! prints the report on stdout, so that `tests/examples.rs` can check it.

use std::sync::Arc;

use gokio::{Mutex, WaitGroup};

fn main() {
    std::panic::set_hook(Box::new(|_| {})); // the report is printed below
    let deadlocked = std::panic::catch_unwind(|| {
        gokio::run(async {
            let (a, b) = (Arc::new(Mutex::new(())), Arc::new(Mutex::new(())));
            let (done, holding) = (WaitGroup::new(), WaitGroup::new());
            holding.add(2);
            let worker = |first: Arc<Mutex<()>>, second: Arc<Mutex<()>>| {
                let (done, holding) = (done.guard(), holding.clone());
                async move {
                    let _done = done; // defer done.Done()
                    let _first = first.lock().await;
                    holding.done();
                    holding.wait().await; // both hold their first lock
                    let _second = second.lock().await;
                }
            };
            gokio::go(worker(a.clone(), b.clone()));
            gokio::go(worker(b, a));
            done.wait().await;
            println!("unreachable");
        })
    });
    let report = deadlocked.expect_err("a deadlock is reported");
    let report = report.downcast_ref::<String>().expect("the report");
    println!("{report}");
}
