//! `gokio::debug::LeakCheck` / `verify_none` (goleak). A leak check sees every goroutine of
//! the process, so this binary holds exactly one test. Needs `--features diagnostics`.
#![cfg(feature = "diagnostics")]

use std::time::Duration;

use futures::StreamExt;
use gokio::debug::{verify_none, LeakCheck};
use gokio::pattern::{generate, map};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leak_check_catches_a_forgotten_receiver_and_passes_on_a_clean_pipeline() {
    // A clean pipeline: every stage ends once the output is drained.
    let out = map(generate(1..=100u64, 4), 4, |v| async move { v * 2 });
    let sum: u64 = out.collect::<Vec<_>>().await.iter().sum();
    assert_eq!(sum, 10_100);
    verify_none().await.unwrap();

    // A forgotten receiver: nobody ever sends or closes, so the goroutine leaks.
    let ch = gokio::chan::<u32>(0);
    let rx = ch.receiver();
    let leaked = gokio::Builder::new()
        .name("forgotten receiver")
        .go(async move { rx.recv().await });
    let err = LeakCheck::new()
        .grace(Duration::from_millis(100))
        .verify()
        .await
        .unwrap_err();
    let ids: Vec<u64> = err.leaked().goroutines().iter().map(|g| g.id()).collect();
    assert_eq!(ids, [leaked.id()]);
    let report = err.to_string();
    assert!(
        report.starts_with("found unexpected goroutines:\n"),
        "{report}"
    );
    assert!(report.contains("name: forgotten receiver"), "{report}");
    assert!(
        report.contains("created by tests/debug_leak.rs:"),
        "{report}"
    );

    // Known goroutines can be ignored by name or spawn site.
    LeakCheck::new().ignore("forgotten").verify().await.unwrap();
    LeakCheck::new()
        .ignore("tests/debug_leak.rs:")
        .verify()
        .await
        .unwrap();

    // A goroutine that ends within the grace period is not a leak.
    ch.close();
    verify_none().await.unwrap();
    assert_eq!(leaked.await.unwrap(), None);
}
