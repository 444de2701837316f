//! The channel contract of DESIGN.md § Channels, one test (or more) per numbered rule.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use futures::StreamExt;
use gokio::{chan, Chan, SendError, TryRecvError, TrySendError};
use tokio_test::{assert_pending, assert_ready, assert_ready_eq, task};

// ----- rule 1: rendezvous and buffering -----

#[test]
fn unbuffered_send_waits_for_a_receiver() {
    let ch = chan::<i32>(0);
    let mut send = task::spawn(ch.send(1));
    assert_pending!(send.poll());
    assert_pending!(send.poll());
    assert_eq!(ch.len(), 0, "an unbuffered channel holds nothing");
    let mut recv = task::spawn(ch.recv());
    assert_ready_eq!(recv.poll(), Some(1));
    assert!(
        send.is_woken(),
        "the receiver that took the value wakes the sender"
    );
    assert_ready_eq!(send.poll(), Ok(()));
}

#[test]
fn unbuffered_recv_waits_for_a_sender() {
    let ch = chan::<i32>(0);
    let mut recv = task::spawn(ch.recv());
    assert_pending!(recv.poll());
    let mut send = task::spawn(ch.send(7));
    assert_ready_eq!(
        send.poll(),
        Ok(()),
        "hand-off to a parked receiver completes the send"
    );
    assert!(recv.is_woken());
    assert_ready_eq!(recv.poll(), Some(7));
}

#[test]
fn unbuffered_try_send_fails_without_receiver() {
    let ch = chan::<i32>(0);
    assert_eq!(ch.try_send(1), Err(TrySendError::Full(1)));
    assert_eq!(ch.try_recv(), Err(TryRecvError::Empty));
}

#[test]
fn buffered_send_completes_until_full_then_waits() {
    let ch = chan::<i32>(2);
    assert_ready_eq!(task::spawn(ch.send(1)).poll(), Ok(()));
    assert_ready_eq!(task::spawn(ch.send(2)).poll(), Ok(()));
    assert_eq!(ch.len(), 2);
    let mut third = task::spawn(ch.send(3));
    assert_pending!(third.poll());
    assert_eq!(ch.try_recv(), Ok(1));
    assert!(third.is_woken());
    assert_ready_eq!(third.poll(), Ok(()));
    assert_eq!(ch.len(), 2);
    assert_eq!(ch.try_recv(), Ok(2));
    assert_eq!(ch.try_recv(), Ok(3));
}

/// A completed send has nothing left to send: polling it again is a bug in the caller, and
/// panics rather than sending a second time (or nothing, silently).
#[test]
fn a_send_polled_after_completion_panics() {
    for cap in [0, 4] {
        let ch = chan::<i32>(cap);
        let rx = ch.clone();
        let receiver = std::thread::spawn(move || rx.recv_blocking());
        let mut send = task::spawn(ch.send(1));
        while send.poll().is_pending() {
            std::thread::yield_now();
        }
        let again = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| send.poll()));
        let message = again.expect_err("a second poll must panic");
        let message = (message.downcast_ref::<String>().cloned())
            .or_else(|| message.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        assert!(
            message.contains("polled after completion"),
            "cap {cap}: {message}"
        );
        assert_eq!(receiver.join().unwrap(), Some(1));
    }
}

#[test]
fn len_and_cap() {
    let ch = chan::<u8>(3);
    assert_eq!((ch.len(), ch.cap()), (0, 3));
    ch.try_send(1).unwrap();
    assert_eq!((ch.len(), ch.cap(), ch.is_empty()), (1, 3, false));
    assert_eq!(chan::<u8>(0).cap(), 0);
}

// ----- rule 2: FIFO values, FIFO waiters -----

#[test]
fn values_arrive_in_send_order() {
    let ch = chan::<u32>(100);
    for i in 0..100 {
        ch.try_send(i).unwrap();
    }
    for i in 0..100 {
        assert_eq!(ch.try_recv(), Ok(i));
    }
}

#[test]
fn blocked_receivers_are_served_first_come_first_served() {
    for cap in [0, 4] {
        let ch = chan::<u32>(cap);
        let mut r1 = task::spawn(ch.recv());
        let mut r2 = task::spawn(ch.recv());
        let mut r3 = task::spawn(ch.recv());
        assert_pending!(r1.poll());
        assert_pending!(r2.poll());
        assert_pending!(r3.poll());
        ch.try_send(10).unwrap();
        ch.try_send(20).unwrap();
        // Poll out of order: values were assigned to receivers in arrival order.
        assert!(!r3.is_woken());
        assert_ready_eq!(r2.poll(), Some(20));
        assert_ready_eq!(r1.poll(), Some(10));
        assert_pending!(r3.poll());
    }
}

#[test]
fn blocked_senders_are_served_first_come_first_served() {
    for cap in [0, 1] {
        let ch = chan::<u32>(cap);
        if cap == 1 {
            ch.try_send(0).unwrap();
        }
        let mut s1 = task::spawn(ch.send(1));
        let mut s2 = task::spawn(ch.send(2));
        let mut s3 = task::spawn(ch.send(3));
        assert_pending!(s1.poll());
        assert_pending!(s2.poll());
        assert_pending!(s3.poll());
        if cap == 1 {
            assert_eq!(ch.try_recv(), Ok(0));
        }
        let got: Vec<u32> = (0..3).map(|_| ch.try_recv().unwrap()).collect();
        assert_eq!(got, [1, 2, 3]);
        assert_ready_eq!(s3.poll(), Ok(()));
        assert_ready_eq!(s1.poll(), Ok(()));
        assert_ready_eq!(s2.poll(), Ok(()));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_producer_order_is_kept_under_concurrency() {
    for cap in [0, 1, 16] {
        let ch = chan::<(u32, u32)>(cap);
        for p in 0..4 {
            let tx = ch.sender();
            tokio::spawn(async move {
                for i in 0..5_000 {
                    tx.send((p, i)).await.unwrap();
                }
            });
        }
        let rx = ch.receiver();
        drop(ch);
        let mut next = [0u32; 4];
        common::no_hang("ordered receive", async {
            while let Some((p, i)) = rx.recv().await {
                assert_eq!(i, next[p as usize], "producer {p} out of order");
                next[p as usize] += 1;
            }
        })
        .await;
        assert_eq!(next, [5_000; 4]);
    }
}

// ----- rule 3: close -----

#[test]
fn close_wakes_blocked_receivers_with_none() {
    let ch = chan::<i32>(0);
    let mut r1 = task::spawn(ch.recv());
    let mut r2 = task::spawn(ch.recv());
    assert_pending!(r1.poll());
    assert_pending!(r2.poll());
    assert!(ch.close());
    assert!(r1.is_woken() && r2.is_woken());
    assert_ready_eq!(r1.poll(), None);
    assert_ready_eq!(r2.poll(), None);
}

#[test]
fn close_wakes_blocked_senders_with_their_value() {
    let ch = chan::<String>(0);
    let mut s = task::spawn(ch.send("mine".to_string()));
    assert_pending!(s.poll());
    ch.close();
    assert!(s.is_woken());
    assert_ready_eq!(s.poll(), Err(SendError("mine".to_string())));
}

#[test]
fn receivers_drain_the_buffer_after_close() {
    let ch = chan::<i32>(3);
    ch.try_send(1).unwrap();
    ch.try_send(2).unwrap();
    ch.close();
    assert_eq!(ch.len(), 2);
    assert_eq!(ch.try_recv(), Ok(1));
    assert_ready_eq!(task::spawn(ch.recv()).poll(), Some(2));
    assert_ready_eq!(task::spawn(ch.recv()).poll(), None);
    assert_eq!(ch.try_recv(), Err(TryRecvError::Closed));
    assert_ready_eq!(task::spawn(ch.recv_ok()).poll(), (0, false));
}

#[test]
fn later_senders_get_their_value_back() {
    let ch = chan::<i32>(3);
    ch.close();
    assert_ready_eq!(task::spawn(ch.send(4)).poll(), Err(SendError(4)));
    assert_eq!(ch.try_send(5), Err(TrySendError::Closed(5)));
    assert_eq!(ch.send_blocking(6), Err(SendError(6)));
}

#[test]
fn close_twice_is_not_a_panic() {
    let ch = chan::<()>(0);
    assert!(ch.close());
    assert!(!ch.close());
    assert!(!ch.sender().close());
    assert!(ch.is_closed());
}

#[test]
fn recv_ok_is_gos_comma_ok() {
    let ch = chan::<u8>(1);
    ch.try_send(9).unwrap();
    assert_ready_eq!(task::spawn(ch.recv_ok()).poll(), (9, true));
    ch.close();
    assert_ready_eq!(task::spawn(ch.recv_ok()).poll(), (0, false));
}

// ----- rule 4: closing by dropping handles -----

#[test]
fn dropping_the_last_sending_handle_closes() {
    let ch = chan::<i32>(1);
    let tx = ch.sender();
    let rx = ch.receiver();
    let mut r = task::spawn(rx.recv());
    assert_pending!(r.poll());
    drop(ch);
    assert!(!rx.is_closed(), "a Sender is still alive");
    drop(tx);
    assert!(rx.is_closed());
    assert_ready_eq!(r.poll(), None);
}

#[test]
fn dropping_the_last_receiving_handle_closes() {
    let ch = chan::<i32>(0);
    let tx = ch.sender();
    let rx = ch.receiver();
    let mut s = task::spawn(tx.send(1));
    assert_pending!(s.poll());
    drop(ch);
    assert!(!tx.is_closed());
    drop(rx);
    assert!(tx.is_closed());
    assert_ready_eq!(s.poll(), Err(SendError(1)));
}

#[test]
fn values_nobody_can_receive_are_dropped_with_the_last_receiver() {
    let counter = Arc::new(());
    let ch = chan::<Arc<()>>(4);
    let tx = ch.sender();
    ch.try_send(counter.clone()).unwrap();
    ch.try_send(counter.clone()).unwrap();
    assert_eq!(Arc::strong_count(&counter), 3);
    drop(ch);
    assert_eq!(
        Arc::strong_count(&counter),
        1,
        "buffered values are dropped at once"
    );
    drop(tx);
}

#[test]
fn closed_resolves_when_receivers_go_away() {
    let ch = chan::<i32>(0);
    let tx = ch.sender();
    let mut closed = task::spawn(tx.closed());
    assert_pending!(closed.poll());
    drop(ch);
    assert!(closed.is_woken());
    assert_ready!(closed.poll());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abandoned_pipeline_unwinds() {
    let live = Arc::new(AtomicUsize::new(0));
    let src = chan::<u64>(0);
    let mut handles = Vec::new();
    // generator -> square -> (consumer that leaves after 10 values)
    {
        let tx = src.sender();
        let live = live.clone();
        live.fetch_add(1, Ordering::SeqCst);
        handles.push(tokio::spawn(async move {
            let mut i = 0;
            while tx.send(i).await.is_ok() {
                i += 1;
            }
            live.fetch_sub(1, Ordering::SeqCst);
        }));
    }
    let sq = chan::<u64>(0);
    {
        let (rx, tx, live) = (src.receiver(), sq.sender(), live.clone());
        live.fetch_add(1, Ordering::SeqCst);
        handles.push(tokio::spawn(async move {
            while let Some(v) = rx.recv().await {
                if tx.send(v * v).await.is_err() {
                    break;
                }
            }
            live.fetch_sub(1, Ordering::SeqCst);
        }));
    }
    drop(src);
    let out = sq.receiver();
    drop(sq);
    for i in 0..10u64 {
        assert_eq!(out.recv().await, Some(i * i));
    }
    drop(out); // the consumer walks away: every stage must end
    common::no_hang("pipeline teardown", async {
        for h in handles {
            h.await.unwrap();
        }
    })
    .await;
    assert_eq!(live.load(Ordering::SeqCst), 0);
}

// ----- rule 6: handles, channels of channels, signals -----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn channels_of_channels() {
    let requests = chan::<(u32, Chan<u32>)>(0);
    let server = requests.receiver();
    tokio::spawn(async move {
        while let Some((x, reply)) = server.recv().await {
            reply.send(x * 2).await.unwrap();
        }
    });
    for x in 0..100 {
        let reply = chan(0);
        requests.send((x, reply.clone())).await.unwrap();
        assert_eq!(reply.recv().await, Some(x * 2));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unit_channel_is_a_signal() {
    let done = chan::<()>(0);
    let d = done.clone();
    tokio::spawn(async move {
        d.send(()).await.unwrap();
    });
    assert_eq!(done.recv().await, Some(()));
    let signals = chan::<()>(1_000_000);
    for _ in 0..1_000_000 {
        signals.try_send(()).unwrap();
    }
    assert_eq!(signals.len(), 1_000_000);
}

#[test]
fn huge_capacity_does_not_allocate_up_front() {
    let ch = chan::<[u8; 1024]>(usize::MAX);
    assert_eq!(ch.cap(), usize::MAX);
    ch.try_send([7; 1024]).unwrap();
    assert_eq!(ch.try_recv().unwrap()[0], 7);
}

#[test]
fn equality_is_identity() {
    let a = chan::<u8>(0);
    let b = chan::<u8>(0);
    assert_eq!(a, a.clone());
    assert_ne!(a, b);
}

// ----- rule 7: any executor, threads -----

#[test]
fn works_on_the_futures_executor() {
    let ch = chan::<u32>(0);
    let tx = ch.sender();
    let t = std::thread::spawn(move || {
        futures::executor::block_on(async {
            for i in 0..1000 {
                tx.send(i).await.unwrap();
            }
        })
    });
    let got: Vec<u32> = futures::executor::block_on(ch.receiver().take(1000).collect());
    assert_eq!(got, (0..1000).collect::<Vec<_>>());
    t.join().unwrap();
}

#[test]
fn blocking_variants_from_plain_threads() {
    for cap in [0, 3] {
        let ch = chan::<u64>(cap);
        let tx = ch.sender();
        let producers: Vec<_> = (0..4)
            .map(|p| {
                let tx = tx.clone();
                std::thread::spawn(move || {
                    for i in 0..2_000 {
                        tx.send_blocking(p * 10_000 + i).unwrap();
                    }
                })
            })
            .collect();
        drop(tx);
        let rx = ch.receiver();
        drop(ch);
        let consumers: Vec<_> = (0..3)
            .map(|_| {
                let rx = rx.clone();
                std::thread::spawn(move || {
                    let mut s = 0u64;
                    while let Some(v) = rx.recv_blocking() {
                        s += v;
                    }
                    s
                })
            })
            .collect();
        drop(rx);
        producers.into_iter().for_each(|p| p.join().unwrap());
        let total: u64 = consumers.into_iter().map(|c| c.join().unwrap()).sum();
        let expected: u64 = (0..4u64)
            .map(|p| (0..2_000).map(|i| p * 10_000 + i).sum::<u64>())
            .sum();
        assert_eq!(total, expected);
    }
}

#[test]
fn works_inside_a_current_thread_runtime() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(async {
        let ch = chan::<u32>(0);
        let tx = ch.sender();
        tokio::spawn(async move {
            for i in 0..100 {
                tx.send(i).await.unwrap();
            }
        });
        let rx = ch.receiver();
        drop(ch); // the spawned task now holds the only sending handle
        let got: Vec<u32> = rx.collect().await;
        assert_eq!(got.len(), 100);
    });
}

#[tokio::test]
async fn receiver_is_a_stream_ending_at_close() {
    let ch = chan::<i32>(3);
    for v in [1, 2, 3] {
        ch.send(v).await.unwrap();
    }
    ch.close();
    let got: Vec<i32> = ch.receiver().collect().await;
    assert_eq!(got, [1, 2, 3]);
}

#[test]
fn stream_poll_next_value_is_not_lost_when_receiver_dropped() {
    let ch = chan::<i32>(0);
    let mut rx = ch.receiver();
    {
        let mut next = task::spawn(rx.next());
        assert_pending!(next.poll());
    }
    // The receiver's stream registration is still parked; a sender hands it a value...
    assert_eq!(ch.try_send(5), Ok(()));
    // ...and dropping the receiver puts the value back for the next receiver.
    drop(rx);
    assert_eq!(ch.try_recv(), Ok(5));
}

#[test]
fn errors_display_like_go() {
    assert_eq!(SendError(1).to_string(), "send on closed channel");
    assert_eq!(TrySendError::Full(1).to_string(), "send on full channel");
    assert_eq!(
        TrySendError::Closed(1).to_string(),
        "send on closed channel"
    );
    assert_eq!(TryRecvError::Empty.to_string(), "receive on empty channel");
    assert_eq!(
        TryRecvError::Closed.to_string(),
        "receive on closed channel"
    );
    // No `T: Debug` needed.
    struct Opaque;
    assert_eq!(format!("{:?}", SendError(Opaque)), "SendError(..)");
}

// ----- Sink -----

#[test]
fn sender_sink_has_send_semantics() {
    use futures::{Sink, SinkExt};
    use std::pin::Pin;
    let ch = chan::<i32>(0);
    let mut tx = ch.sender();
    // poll_ready, start_send, then flush: pending until a receiver takes the value.
    let mut flush = task::spawn(async {
        tx.feed(1).await.unwrap();
        tx.flush().await
    });
    assert_pending!(flush.poll());
    assert_eq!(ch.try_recv(), Ok(1));
    assert!(flush.is_woken());
    assert_ready_eq!(flush.poll(), Ok(()));
    drop(flush);

    // A send in flight when the Sender is dropped is withdrawn: nobody receives it.
    let waker = futures::task::noop_waker();
    let mut cx = std::task::Context::from_waker(&waker);
    assert!(Pin::new(&mut tx).poll_ready(&mut cx).is_ready());
    Pin::new(&mut tx).start_send(2).unwrap();
    assert!(Pin::new(&mut tx).poll_flush(&mut cx).is_pending());
    drop(tx);
    assert_eq!(ch.try_recv(), Err(TryRecvError::Empty));

    // On a closed channel the value comes back in the error.
    let mut tx = ch.sender();
    ch.close();
    let err = futures::executor::block_on(SinkExt::send(&mut tx, 3)).unwrap_err();
    assert_eq!(err, SendError(3));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sender_sink_forwards_a_stream() {
    use futures::SinkExt;
    let ch = chan::<u32>(0);
    let rx = ch.receiver();
    let mut tx = ch.sender();
    drop(ch);
    let consumer = tokio::spawn(async move { rx.collect::<Vec<_>>().await });
    tx.send_all(&mut futures::stream::iter(0..1000).map(Ok))
        .await
        .unwrap();
    drop(tx);
    assert_eq!(consumer.await.unwrap(), (0..1000).collect::<Vec<_>>());
}

/// Finished waits leave no waker behind in the channel: a channel that kept a task's waker
/// would keep the task (and whatever it owns, maybe this channel) alive.
#[test]
fn finished_waits_keep_no_waker() {
    use futures::task::{waker, ArcWake};
    use std::future::Future;
    use std::task::{Context, Poll};
    struct Flag;
    impl ArcWake for Flag {
        fn wake_by_ref(_: &Arc<Self>) {}
    }
    let flag = Arc::new(Flag);
    let w = waker(flag.clone());
    let mut cx = Context::from_waker(&w);
    let ch = chan::<String>(0);
    for round in 0..3 {
        // A receive parks (polled twice, as a spurious wake-up would), a sender completes it.
        let mut recv = Box::pin(ch.recv());
        assert!(recv.as_mut().poll(&mut cx).is_pending());
        assert!(recv.as_mut().poll(&mut cx).is_pending());
        assert!(ch.try_send(format!("r{round}")).is_ok());
        assert_eq!(
            recv.as_mut().poll(&mut cx),
            Poll::Ready(Some(format!("r{round}")))
        );
        drop(recv);
        // A send parks, a receiver completes it.
        let mut send = Box::pin(ch.send(format!("s{round}")));
        assert!(send.as_mut().poll(&mut cx).is_pending());
        assert_eq!(ch.try_recv(), Ok(format!("s{round}")));
        assert_eq!(send.as_mut().poll(&mut cx), Poll::Ready(Ok(())));
        drop(send);
    }
    drop(w);
    assert_eq!(
        Arc::strong_count(&flag),
        1,
        "the channel still holds a waker"
    );
}

/// A parked operation polled again by another task (a future moved between tasks, or
/// `join!`-style combinators handing out their own wakers) wakes the task that polled it last,
/// and only that one; withdrawing it afterwards leaves no waker behind.
#[test]
fn a_parked_operation_wakes_the_task_that_polled_it_last() {
    use futures::task::{waker, ArcWake};
    use std::future::Future;
    use std::task::{Context, Poll};
    #[derive(Default)]
    struct Count(AtomicUsize);
    impl ArcWake for Count {
        fn wake_by_ref(c: &Arc<Self>) {
            c.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    let (first, second) = (Arc::new(Count::default()), Arc::new(Count::default()));
    let (w1, w2) = (waker(first.clone()), waker(second.clone()));
    let (mut cx1, mut cx2) = (Context::from_waker(&w1), Context::from_waker(&w2));
    let woken = |c: &Arc<Count>| c.0.load(Ordering::SeqCst);
    let ch = chan::<i32>(0);

    // A receive, re-polled by another task before the value comes.
    let mut recv = Box::pin(ch.recv());
    assert!(recv.as_mut().poll(&mut cx1).is_pending());
    assert!(recv.as_mut().poll(&mut cx2).is_pending());
    assert!(recv.as_mut().poll(&mut cx2).is_pending(), "same task again");
    assert!(ch.try_send(1).is_ok());
    assert_eq!((woken(&first), woken(&second)), (0, 1));
    assert_eq!(recv.as_mut().poll(&mut cx2), Poll::Ready(Some(1)));

    // A send, the same way.
    let mut send = Box::pin(ch.send(2));
    assert!(send.as_mut().poll(&mut cx2).is_pending());
    assert!(send.as_mut().poll(&mut cx1).is_pending());
    assert_eq!(ch.try_recv(), Ok(2));
    assert_eq!((woken(&first), woken(&second)), (1, 1));
    assert_eq!(send.as_mut().poll(&mut cx1), Poll::Ready(Ok(())));

    // Re-polled, then dropped: withdrawn, nobody woken, no waker kept.
    let mut recv = Box::pin(ch.recv());
    assert!(recv.as_mut().poll(&mut cx1).is_pending());
    assert!(recv.as_mut().poll(&mut cx2).is_pending());
    drop(recv);
    assert_eq!(ch.try_send(3), Err(TrySendError::Full(3)), "nobody waits");
    drop((w1, w2));
    assert_eq!((woken(&first), woken(&second)), (1, 1));
    assert_eq!(
        Arc::strong_count(&first),
        1,
        "the channel still holds a waker"
    );
    assert_eq!(
        Arc::strong_count(&second),
        1,
        "the channel still holds a waker"
    );
}

/// A `close` that wakes a crowd of parked receivers does constant work per receiver, and the
/// crowd's entries go away with it: the channel keeps only a few spare entries. (A channel
/// that kept every woken entry and searched them on each park took minutes here; the bound is
/// only a hang guard.)
#[tokio::test]
async fn close_wakes_a_crowd_in_linear_time() {
    use std::future::Future;
    use std::task::{Context, Poll};
    common::no_hang("crowd", async {
        const N: usize = 200_000;
        let waker = futures::task::noop_waker();
        let mut cx = Context::from_waker(&waker);
        let ch = chan::<u64>(0);
        let mut crowd = Vec::with_capacity(N);
        for i in 0..N {
            let mut recv = Box::pin(ch.recv());
            assert!(recv.as_mut().poll(&mut cx).is_pending());
            crowd.push(recv);
            if i % 1024 == 0 {
                tokio::task::yield_now().await; // lets the hang guard fire
            }
        }
        ch.close();
        for (i, recv) in crowd.iter_mut().enumerate() {
            assert_eq!(recv.as_mut().poll(&mut cx), Poll::Ready(None));
            if i % 1024 == 0 {
                tokio::task::yield_now().await;
            }
        }
        drop(crowd);
        // The channel still works, with its few spares.
        for v in 0..1000 {
            let mut recv = Box::pin(ch.recv());
            assert_eq!(
                recv.as_mut().poll(&mut cx),
                Poll::Ready(None),
                "closed: {v}"
            );
        }
    })
    .await;
}

/// More parked operations than the channel keeps spare entries for, completed in every
/// order: the entries beyond the spares are handed to their owners, which free them. (Run
/// under Miri too: see the README.)
#[test]
fn more_waiters_than_spare_entries() {
    for cap in [0, 2] {
        let ch = chan::<String>(cap);
        // Receivers: served in order, finished in reverse.
        let mut recvs: Vec<_> = (0..10).map(|_| task::spawn(ch.recv())).collect();
        recvs.iter_mut().for_each(|r| assert_pending!(r.poll()));
        for i in 0..10 {
            ch.try_send(format!("v{i}")).unwrap();
        }
        for (i, r) in recvs.iter_mut().enumerate().rev() {
            assert_ready_eq!(r.poll(), Some(format!("v{i}")));
        }
        drop(recvs);
        // Senders: half received, half withdrawn (dropped), the rest closed on.
        for _ in 0..cap {
            ch.try_send("fill".to_owned()).unwrap();
        }
        let mut sends: Vec<_> = (0..12)
            .map(|i| task::spawn(ch.send(format!("s{i}"))))
            .collect();
        sends.iter_mut().for_each(|s| assert_pending!(s.poll()));
        for _ in 0..cap {
            assert_eq!(ch.try_recv().unwrap(), "fill");
        }
        for i in 0..4 {
            assert_eq!(ch.try_recv().unwrap(), format!("s{i}"));
        }
        drop(sends.drain(4..8));
        ch.close();
        for (i, s) in sends.iter_mut().enumerate() {
            if i < 4 {
                assert_ready_eq!(s.poll(), Ok(()));
            } else {
                assert_ready_eq!(s.poll(), Err(SendError(format!("s{}", i + 4))));
            }
        }
    }
}

/// A completed receive, polled again, panics like a completed send instead of silently
/// receiving a second value (issue 15 item 6).
#[test]
fn a_recv_polled_after_completion_panics() {
    fn panic_message(again: std::thread::Result<impl Sized>) -> String {
        let message = again.err().expect("a second poll must panic");
        (message.downcast_ref::<String>().cloned())
            .or_else(|| message.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default()
    }
    // Buffered: the second poll would have taken the second value.
    let ch = chan::<i32>(4);
    ch.try_send(1).unwrap();
    ch.try_send(2).unwrap();
    let mut recv = task::spawn(ch.recv());
    assert_ready_eq!(recv.poll(), Some(1));
    let again = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| recv.poll()));
    assert!(panic_message(again).contains("recv polled after completion"));
    drop(recv);
    assert_eq!(ch.try_recv(), Ok(2), "the panicking poll took nothing");

    // Unbuffered, completed while parked: the second poll would have parked again.
    let ch = chan::<i32>(0);
    let mut recv = task::spawn(ch.recv());
    assert_pending!(recv.poll());
    ch.try_send(1).unwrap();
    assert_ready_eq!(recv.poll(), Some(1));
    let again = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| recv.poll()));
    assert!(panic_message(again).contains("recv polled after completion"));
    drop(recv);
    assert!(ch.try_send(2).unwrap_err().is_full(), "nobody is parked");
}
