//! `select!`'s `fut(..)` arm (DESIGN.md § select!, rule 9) and the `Select` builder's
//! `future` case: any future raced against channel cases, with uniform choice, exactly-once
//! channel cases, and no future output ever lost.

mod common;

use std::future::{pending, ready, Future};
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use gokio::{chan, select, Select};
use tokio_test::{assert_pending, assert_ready, task};

/// Wraps a future and counts its polls and the outputs it handed over: an output the select
/// dropped would show as `outputs` greater than the times the arm ran.
struct Tracked<F> {
    inner: Pin<Box<F>>,
    polls: Arc<AtomicUsize>,
    outputs: Arc<AtomicUsize>,
}

#[derive(Default, Clone)]
struct Counts {
    polls: Arc<AtomicUsize>,
    outputs: Arc<AtomicUsize>,
}

impl Counts {
    fn track<F: Future>(&self, f: F) -> Tracked<F> {
        Tracked {
            inner: Box::pin(f),
            polls: self.polls.clone(),
            outputs: self.outputs.clone(),
        }
    }
    fn polls(&self) -> usize {
        self.polls.load(Ordering::SeqCst)
    }
    fn outputs(&self) -> usize {
        self.outputs.load(Ordering::SeqCst)
    }
}

impl<F: Future> Future for Tracked<F> {
    type Output = F::Output;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.polls.fetch_add(1, Ordering::SeqCst);
        let r = self.inner.as_mut().poll(cx);
        if r.is_ready() {
            self.outputs.fetch_add(1, Ordering::SeqCst);
        }
        r
    }
}

// ----- uniform choice -----

#[test]
fn a_ready_future_and_ready_channels_are_chosen_uniformly() {
    // With k of the arms ready, each wins 1/k of the time (chi-square at p = 0.001), and a
    // channel that lost keeps its value.
    let (a, b) = (chan::<u32>(1), chan::<u32>(1));
    let mut two = [0u64; 2];
    let mut three = [0u64; 3];
    futures::executor::block_on(async {
        for _ in 0..30_000 {
            let _ = a.try_send(1);
            let i = select! {
                recv(a) -> v => { assert_eq!(v, Some(1)); 0 }
                fut(ready(7)) -> x => { assert_eq!(x, 7); assert_eq!(a.len(), 1, "lost channel kept its value"); 1 }
            };
            two[i] += 1;
        }
        for _ in 0..30_000 {
            let _ = a.try_send(1);
            let _ = b.try_send(2);
            let i = select! {
                recv(a) -> _ => 0,
                fut(async { 3 }) -> _ => 1,
                recv(b) -> _ => 2,
            };
            three[i] += 1;
        }
    });
    for counts in [&two[..], &three[..]] {
        common::assert_uniform(counts, "split");
    }
}

#[test]
fn a_pending_future_never_wins_against_a_ready_channel() {
    futures::executor::block_on(async {
        let a = chan::<u32>(1);
        for _ in 0..1000 {
            a.try_send(1).unwrap();
            select! {
                fut(pending::<()>()) -> _ => unreachable!(),
                recv(a) -> v => assert_eq!(v, Some(1)),
            }
        }
    });
}

// ----- exactly one commit; no future output lost -----

#[test]
fn a_send_case_sends_nothing_when_the_future_wins() {
    futures::executor::block_on(async {
        let a = chan::<u32>(1);
        let mut wins = 0;
        for _ in 0..2000 {
            select! {
                send(a, 1) -> res => { res.unwrap(); assert_eq!(a.try_recv(), Ok(1)); }
                fut(ready(())) -> () => { wins += 1; assert!(a.is_empty(), "a send case that lost sent") }
            }
        }
        assert!(wins > 500, "the future won {wins} of 2000");
    });
}

#[test]
fn biased_polls_in_source_order() {
    futures::executor::block_on(async {
        let a = chan::<u32>(1);
        for _ in 0..100 {
            let _ = a.try_send(1);
            let first = select! {
                biased;
                recv(a) -> _ => "chan",
                fut(ready(())) -> _ => "fut",
            };
            assert_eq!(first, "chan");
        }
        let counts = Counts::default();
        let _ = a.try_send(1);
        for _ in 0..100 {
            let first = select! {
                biased;
                fut(counts.track(ready(()))) -> _ => "fut",
                recv(a) -> _ => "chan",
            };
            assert_eq!(first, "fut");
        }
        assert_eq!(
            a.len(),
            1,
            "the channel behind a ready future is never consumed"
        );
        assert_eq!((counts.polls(), counts.outputs()), (100, 100));
    });
}

#[test]
fn default_is_taken_after_one_poll_of_a_pending_future() {
    futures::executor::block_on(async {
        let a = chan::<u32>(1);
        let counts = Counts::default();
        let took = select! {
            recv(a) -> _ => "chan",
            fut(counts.track(pending::<()>())) -> _ => "fut",
            default => "default",
        };
        assert_eq!(took, "default");
        assert_eq!(counts.polls(), 1, "with default, the future is polled once");
        let took = select! {
            fut(ready(5)) -> v => v,
            default => 0,
        };
        assert_eq!(took, 5, "a ready future beats default");
    });
}

#[test]
fn a_nil_future_arm_is_never_chosen() {
    futures::executor::block_on(async {
        let nil: Option<std::future::Ready<i32>> = None;
        let took = select! {
            fut(nil) -> _ => "nil",
            default => "default",
        };
        assert_eq!(took, "default");
        let some = Some(ready(4));
        let got = select! {
            fut(some) -> v => v,
            default => 0,
        };
        assert_eq!(got, 4, "Some(future) is an ordinary arm");
        // A select of nil arms only waits forever, as Go's `select {}`.
        let nil: Option<std::future::Ready<i32>> = None;
        let mut sel = task::spawn(async move {
            select! { fut(nil) -> _ => {} }
        });
        assert_pending!(sel.poll());
    });
}

#[test]
fn expressions_are_evaluated_once_in_source_order() {
    futures::executor::block_on(async {
        let log = std::cell::RefCell::new(Vec::new());
        let a = chan::<u32>(1);
        let got = select! {
            recv({ log.borrow_mut().push("recv"); &a }) -> _ => 0,
            fut({ log.borrow_mut().push("fut"); async { 1 } }) -> v => v,
            send({ log.borrow_mut().push("send"); &a }, { log.borrow_mut().push("value"); 2 }) -> _ => 2,
        };
        // Go evaluates a send case's channel, then its value.
        assert_eq!(*log.borrow(), ["recv", "fut", "send", "value"]);
        assert!(got <= 2);
    });
}

// ----- parked selects, at poll level -----

#[test]
fn a_parked_select_is_won_by_its_future() {
    let a = chan::<u32>(0);
    let (tx, rx) = tokio::sync::oneshot::channel::<u32>();
    let counts = Counts::default();
    let mut sel = task::spawn(async {
        select! {
            recv(a) -> v => Err(v),
            fut(counts.track(rx)) -> r => Ok(r.unwrap()),
        }
    });
    assert_pending!(sel.poll());
    tx.send(9).unwrap();
    assert!(sel.is_woken());
    assert_eq!(assert_ready!(sel.poll()), Ok(9));
    drop(sel);
    // The receive case was withdrawn: a rendezvous send finds no receiver.
    assert!(a.try_send(1).is_err());
    assert_eq!(counts.outputs(), 1);
}

#[test]
fn a_channel_that_won_first_is_honoured_and_the_future_is_not_polled_again() {
    let a = chan::<u32>(0);
    let (tx, rx) = tokio::sync::oneshot::channel::<u32>();
    let counts = Counts::default();
    let mut sel = task::spawn(async {
        select! {
            recv(a) -> v => Err(v),
            fut(counts.track(rx)) -> r => Ok(r.unwrap()),
        }
    });
    assert_pending!(sel.poll());
    let polls = counts.polls();
    // Both become ready while the select waits: the future (which wakes the task) and the
    // channel, whose sender completes the parked receive case at once.
    tx.send(9).unwrap();
    a.try_send(5).unwrap();
    assert_eq!(assert_ready!(sel.poll()), Err(Some(5)));
    assert_eq!(counts.polls(), polls, "a decided select polls no future");
    assert_eq!(counts.outputs(), 0, "so no output was taken and dropped");
}

#[test]
fn a_spurious_wake_of_a_parked_select_with_a_future_parks_again() {
    let a = chan::<u32>(0);
    let counts = Counts::default();
    let mut sel = task::spawn(async {
        select! {
            recv(a) -> v => v,
            fut(counts.track(pending::<()>())) -> _ => None,
        }
    });
    assert_pending!(sel.poll());
    assert_pending!(sel.poll()); // no case ready: aborts, polls the future, parks again
    assert_eq!(counts.polls(), 2);
    a.try_send(3).unwrap(); // the parked receive case is still there
    assert!(sel.is_woken());
    assert_eq!(assert_ready!(sel.poll()), Some(3));
}

// ----- real futures next to channels -----

#[tokio::test(start_paused = true)]
async fn a_sleep_arm_next_to_a_channel() {
    let jobs = chan::<u32>(0);
    let tx = jobs.clone();
    gokio::go!(
        tokio::time::sleep(Duration::from_secs(1)).await;
        tx.send(1).await.unwrap();
    );
    let mut got = Vec::new();
    loop {
        select! {
            recv(jobs) -> v => got.push(v.unwrap()),
            fut(tokio::time::sleep(Duration::from_secs(5))) -> () => break,
        }
    }
    assert_eq!(got, [1]);
}

// tokio configures its `net` module out under `--cfg loom`, which `.ci/run`'s loom build
// passes to every crate; the other tests here build either way.
#[cfg(not(loom))]
#[tokio::test]
async fn an_accept_arm_next_to_a_quit_channel() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let quit = chan::<()>(0);
    gokio::go!(
        let mut c = tokio::net::TcpStream::connect(addr).await.unwrap();
        c.write_all(b"ping").await.unwrap();
    );
    let mut served = 0;
    loop {
        select! {
            fut(listener.accept()) -> conn => {
                let (mut socket, _) = conn.unwrap();
                let mut buf = [0u8; 4];
                socket.read_exact(&mut buf).await.unwrap();
                assert_eq!(&buf, b"ping");
                served += 1;
                quit.close();
            }
            recv(quit) -> _ => break,
        }
    }
    assert_eq!(served, 1);
}

#[tokio::test]
async fn a_join_handle_arm() {
    // The task can only finish after its three rendezvous sends were received, so the
    // handle loses three selects (and is polled again each time) before it wins.
    let results = chan::<u32>(0);
    let tx = results.clone();
    let mut h = tokio::spawn(async move {
        for i in 0..3 {
            tx.send(i).await.unwrap();
        }
        42
    });
    let mut got = Vec::new();
    let code = loop {
        select! {
            recv(results) -> v => got.push(v.unwrap()),
            // `&mut JoinHandle` is an `Unpin` future: the handle outlives one select.
            fut(&mut h) -> r => break r.unwrap(),
        }
    };
    assert_eq!((got, code), (vec![0, 1, 2], 42));
}

// ----- multi-threaded: nothing lost, nothing doubled -----

#[test]
fn under_contention_every_value_arrives_once_and_no_output_is_lost() {
    const N: u64 = 20_000;
    let rt = common::rt2();
    rt.block_on(async {
        let ch = chan::<u64>(0);
        let (ttx, mut trx) = tokio::sync::mpsc::channel::<u64>(1);
        let tx = ch.clone();
        let a = gokio::go(async move {
            for i in 0..N {
                tx.send(i).await.unwrap();
            }
            tx.close();
        });
        let b = gokio::go(async move {
            for i in 0..N {
                ttx.send(N + i).await.unwrap();
            }
        });
        let counts = Counts::default();
        let (mut sum, mut from_chan, mut from_fut) = (0u64, 0u64, 0u64);
        let mut chan_open = true;
        let mut fut_open = true;
        while chan_open || fut_open {
            let c = chan_open.then_some(&ch); // nil once closed
            let f = fut_open.then(|| counts.track(trx.recv()));
            select! {
                recv(c) -> v => match v {
                    Some(v) => { sum += v; from_chan += 1 }
                    None => chan_open = false,
                },
                fut(f) -> v => match v {
                    Some(v) => { sum += v; from_fut += 1 }
                    None => fut_open = false,
                },
            }
        }
        a.join().await.unwrap();
        b.join().await.unwrap();
        assert_eq!((from_chan, from_fut), (N, N));
        assert_eq!(sum, (0..2 * N).sum::<u64>());
        assert_eq!(
            counts.outputs() as u64,
            N + 1,
            "every output reached its arm"
        );
    });
}

// ----- the Select builder -----

#[tokio::test]
async fn the_builder_takes_futures() {
    let a = chan::<u32>(1);
    a.send(1).await.unwrap();
    let r = Select::new()
        .biased()
        .future(ready(2), |v| v)
        .recv(&a, |v| v.unwrap())
        .wait()
        .await;
    assert_eq!(r, 2);
    assert_eq!(a.len(), 1);
    let r = Select::new()
        .future(pending::<u32>(), |v| v)
        .recv(&a, |v| v.unwrap() + 10)
        .wait()
        .await;
    assert_eq!(r, 11);
    let r = Select::new()
        .future(pending::<u32>(), |v| v)
        .default(|| 0)
        .wait()
        .await;
    assert_eq!(r, 0);
}
