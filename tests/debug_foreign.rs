//! The dump of a goroutine whose poll leaves a gokio wait and a future gokio does not know
//! pending at once: the foreign future can wake it, so it is shown outside gokio.
#![cfg(feature = "diagnostics")]

mod common;

use std::time::Duration;

use gokio::debug::{dump, GoroutineInfo};

/// The dump entry of goroutine `id` once `ready` holds for it.
async fn parked_entry(id: u64, ready: impl Fn(&GoroutineInfo) -> bool) -> GoroutineInfo {
    common::no_hang("dump entry", async {
        loop {
            let d = dump();
            if let Some(g) = d.goroutines().iter().find(|g| g.id() == id && ready(g)) {
                return g.clone();
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    })
    .await
}

/// A poll that leaves a gokio wait *and* a foreign future pending (a `tokio::select!` of a
/// receive and a tokio timer) shows as outside gokio, never as blocked: the timer can wake it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gokio_wait_next_to_a_foreign_future_is_outside_gokio() {
    let ch = gokio::chan::<i32>(0);
    let polled = gokio::chan::<()>(1);
    let g = gokio::go({
        let (ch, polled) = (ch.clone(), polled.clone());
        async move {
            let mut recv = std::pin::pin!(ch.recv());
            let mut sleep = std::pin::pin!(tokio::time::sleep(Duration::from_secs(3600)));
            std::future::poll_fn(|cx| {
                use std::future::Future;
                let (r, s) = (recv.as_mut().poll(cx), sleep.as_mut().poll(cx));
                let _ = polled.try_send(());
                if r.is_ready() || s.is_ready() {
                    std::task::Poll::Ready(())
                } else {
                    std::task::Poll::Pending
                }
            })
            .await;
        }
    });
    polled.recv().await;
    // The receive has parked: the state is `chan receive` until the poll ends, then outside
    // gokio for good (without a foreign-waker check it would stay `chan receive`).
    parked_entry(g.id(), |g| g.wait_reason().is_none()).await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    let info = parked_entry(g.id(), |_| true).await;
    assert_eq!(info.wait_reason(), None, "{info}");
    assert!(
        info.to_string()
            .contains("[running or waiting outside gokio]"),
        "{info}"
    );
    // The same receive alone is a `chan receive`.
    let alone = gokio::go({
        let ch = ch.clone();
        async move {
            ch.recv().await;
        }
    });
    let info = parked_entry(alone.id(), |g| g.wait_reason().is_some()).await;
    assert_eq!(info.wait_reason(), Some("chan receive"), "{info}");
    g.abort();
    alone.abort();
}
