//! The `select!` contract of DESIGN.md § select!, one test (or more) per numbered rule.

mod common;

use std::cell::RefCell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use gokio::{chan, recv_any, select, Chan, Receiver, SendError};
use tokio_test::{assert_pending, assert_ready, assert_ready_eq, task};

// ----- rule 1: arms run in the caller's context -----

#[tokio::test]
async fn break_and_continue_act_on_the_enclosing_loop() {
    let ch = chan::<i32>(10);
    for i in 0..10 {
        ch.send(i).await.unwrap();
    }
    let mut seen = Vec::new();
    loop {
        select! {
            recv(ch) -> v => {
                let v = v.unwrap();
                if v % 2 == 0 {
                    continue;
                }
                if v > 6 {
                    break;
                }
                seen.push(v);
            }
        }
    }
    assert_eq!(seen, [1, 3, 5]);
}

#[tokio::test]
#[allow(clippy::needless_return)] // the point is that `return` in an arm returns from here
async fn return_and_question_mark_act_on_the_enclosing_function() {
    async fn first_or_err(ch: &Chan<i32>) -> Result<i32, SendError<i32>> {
        select! {
            send(ch, 1) -> res => res?,
        }
        select! {
            recv(ch) -> v => return Ok(v.unwrap() * 10),
        }
    }
    let ch = chan(1);
    assert_eq!(first_or_err(&ch).await, Ok(10));
    ch.close();
    assert_eq!(first_or_err(&ch).await, Err(SendError(1)));
}

#[tokio::test]
async fn arms_yield_values_with_and_without_default() {
    let ch = chan::<i32>(1);
    ch.send(4).await.unwrap();
    let v = select! { recv(ch) -> v => v.unwrap() * 2 };
    assert_eq!(v, 8);
    let w = select! { recv(ch) -> v => v.unwrap(), default => -1 };
    assert_eq!(w, -1);
}

// ----- rule 2: expressions evaluated once, in source order -----

#[tokio::test]
async fn expressions_are_evaluated_once_in_source_order() {
    let log = RefCell::new(Vec::new());
    let a = chan::<i32>(1);
    let b = chan::<i32>(1);
    let pick = |name: &'static str, ch| {
        log.borrow_mut().push(name);
        ch
    };
    let value = |name: &'static str, v| {
        log.borrow_mut().push(name);
        v
    };
    select! {
        recv(pick("ch1", &a)) -> _ => {}
        send(pick("ch2", &b), value("v2", 2)) -> _ => {}
        send(pick("ch3", &a), value("v3", 3)) -> _ => {}
        default => {}
    }
    assert_eq!(*log.borrow(), ["ch1", "ch2", "v2", "ch3", "v3"]);
}

// ----- rule 3: uniform random choice; `biased;` -----

fn count_choices(n_cases: usize, trials: usize) -> Vec<u64> {
    let chans: Vec<Chan<()>> = (0..n_cases).map(|_| chan(1)).collect();
    let mut counts = vec![0u64; n_cases];
    futures::executor::block_on(async {
        for _ in 0..trials {
            for c in &chans {
                let _ = c.try_send(());
            }
            let i = common::select_recv_index(&chans).await;
            counts[i] += 1;
        }
    });
    counts
}

#[test]
fn fairness_is_uniform_for_2_3_and_8_ready_cases() {
    // Go's TestSelectFairness spirit, with a real statistical bound: chi-square at p = 0.001.
    for n in [2, 3, 8] {
        let counts = count_choices(n, 40_000);
        common::assert_uniform(&counts, &format!("{n} cases"));
    }
}

#[test]
fn fairness_is_a_permutation_not_a_rotation() {
    // With A and B ready out of A, B, C, a random start plus rotation picks A 2/3 of the time.
    let (a, b, c) = (chan::<()>(1), chan::<()>(1), chan::<()>(1));
    let mut counts = [0u64; 2];
    futures::executor::block_on(async {
        for _ in 0..30_000 {
            let _ = a.try_send(());
            let _ = b.try_send(());
            let i = select! {
                recv(a) -> _ => 0, recv(b) -> _ => 1, recv(c) -> _ => unreachable!(),
            };
            counts[i] += 1;
        }
    });
    common::assert_uniform(&counts, "A/B split");
}

#[test]
fn fairness_is_uniform_among_the_ready_when_most_are_not() {
    // 3 ready out of 8: the first look's probe, drawn from all 8, mostly misses, and the
    // draw among the ready ones that follows a miss must not skew the split.
    let chans: Vec<Chan<()>> = (0..8).map(|_| chan(1)).collect();
    let ready = [1, 4, 6];
    let mut counts = [0u64; 3];
    futures::executor::block_on(async {
        for _ in 0..30_000 {
            for &r in &ready {
                let _ = chans[r].try_send(());
            }
            let i = select! {
                recv(chans[0]) -> _ => unreachable!(), recv(chans[1]) -> _ => 0,
                recv(chans[2]) -> _ => unreachable!(), recv(chans[3]) -> _ => unreachable!(),
                recv(chans[4]) -> _ => 1, recv(chans[5]) -> _ => unreachable!(),
                recv(chans[6]) -> _ => 2, recv(chans[7]) -> _ => unreachable!(),
            };
            counts[i] += 1;
        }
    });
    common::assert_uniform(&counts, "split among the 3 ready cases");
}

#[tokio::test]
async fn biased_picks_in_source_order() {
    let (a, b) = (chan::<i32>(10), chan::<i32>(10));
    for i in 0..10 {
        a.send(i).await.unwrap();
        b.send(i).await.unwrap();
    }
    for _ in 0..10 {
        let from_a = select! { biased; recv(a) -> _ => true, recv(b) -> _ => false };
        assert!(from_a);
    }
    let from_b = select! { biased; recv(a) -> _ => false, recv(b) -> _ => true };
    assert!(from_b);
}

// ----- rule 4: exactly one case commits -----

#[test]
fn a_recv_case_not_chosen_consumes_nothing() {
    let (a, b) = (chan::<i32>(1), chan::<i32>(1));
    a.try_send(1).unwrap();
    b.try_send(2).unwrap();
    let got = futures::executor::block_on(async {
        select! { recv(a) -> v => v.unwrap(), recv(b) -> v => v.unwrap() }
    });
    // Exactly one value left, and it is the other one.
    let left: Vec<i32> = [a.try_recv(), b.try_recv()].into_iter().flatten().collect();
    assert_eq!(left.len(), 1);
    assert_eq!(got + left[0], 3);
}

#[test]
fn a_send_case_not_chosen_sends_nothing_even_unbuffered() {
    // Two send cases on two rendezvous channels with a receiver parked on each.
    for _ in 0..1_000 {
        let (a, b) = (chan::<i32>(0), chan::<i32>(0));
        let mut ra = task::spawn(a.recv());
        let mut rb = task::spawn(b.recv());
        assert_pending!(ra.poll());
        assert_pending!(rb.poll());
        let mut sel = task::spawn(async {
            select! { send(a, 1) -> r => r.unwrap(), send(b, 2) -> r => r.unwrap() }
        });
        assert_ready!(sel.poll());
        let got = [ra.poll(), rb.poll()];
        let delivered = got.iter().filter(|p| p.is_ready()).count();
        assert_eq!(delivered, 1, "exactly one rendezvous must happen: {got:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exactly_one_commit_under_stress_unbuffered_sends() {
    exactly_one_send_commit(0, 100_000).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exactly_one_commit_under_stress_one_slot_buffers() {
    exactly_one_send_commit(1, 100_000).await;
}

async fn exactly_one_send_commit(cap: usize, rounds: u64) {
    let (a, b) = (chan::<u64>(cap), chan::<u64>(cap));
    let spawn_counter = |rx: Receiver<u64>| {
        tokio::spawn(async move {
            let mut seen = Vec::new();
            while let Some(v) = rx.recv().await {
                seen.push(v);
            }
            seen
        })
    };
    let (ca, cb) = (spawn_counter(a.receiver()), spawn_counter(b.receiver()));
    common::no_hang("select sends", async {
        for i in 0..rounds {
            select! {
                send(a, i) -> r => r.unwrap(),
                send(b, i) -> r => r.unwrap(),
            }
        }
    })
    .await;
    drop((a, b));
    let mut all = ca.await.unwrap();
    all.extend(cb.await.unwrap());
    assert_eq!(
        all.len() as u64,
        rounds,
        "values delivered != selects completed"
    );
    all.sort_unstable();
    assert!(
        all.iter().copied().eq(0..rounds),
        "a value was lost or seen twice"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exactly_one_commit_with_mixed_send_and_recv_cases() {
    // Each round: either send i on `out` or receive one value from `inp`. Every value
    // received by the select must be unique, and sends + receives == rounds.
    let rounds = 50_000u64;
    let (inp, out) = (chan::<u64>(0), chan::<u64>(0));
    let feeder = {
        let tx = inp.sender();
        tokio::spawn(async move {
            let mut i = 1_000_000u64;
            while tx.send(i).await.is_ok() {
                i += 1;
            }
        })
    };
    let sink = {
        let rx = out.receiver();
        tokio::spawn(async move {
            let mut n = 0u64;
            while rx.recv().await.is_some() {
                n += 1;
            }
            n
        })
    };
    let (mut sent, mut received) = (0u64, Vec::new());
    for i in 0..rounds {
        select! {
            send(out, i) -> r => { r.unwrap(); sent += 1; }
            recv(inp) -> v => received.push(v.unwrap()),
        }
    }
    drop(out);
    inp.close();
    drop(inp);
    feeder.await.unwrap();
    assert_eq!(sink.await.unwrap(), sent);
    assert_eq!(sent + received.len() as u64, rounds);
    let mut sorted = received.clone();
    sorted.dedup();
    assert_eq!(sorted.len(), received.len(), "a value was received twice");
}

// ----- rule 5: nil channels -----

#[test]
fn nil_cases_are_never_chosen() {
    let ready = chan::<i32>(1);
    let nil: Option<Chan<i32>> = None;
    for _ in 0..100 {
        ready.try_send(1).unwrap();
        let which = futures::executor::block_on(async {
            select! { recv(nil) -> _ => "nil", send(None::<&Chan<i32>>, 5) -> _ => "nil", recv(ready) -> _ => "ready" }
        });
        assert_eq!(which, "ready");
    }
}

#[test]
fn only_nil_cases_wait_forever_or_take_default() {
    let nil: Option<Chan<i32>> = None;
    let mut forever = task::spawn(async {
        select! { recv(nil) -> _ => {} }
    });
    for _ in 0..3 {
        assert_pending!(forever.poll());
    }
    let mut empty = task::spawn(async {
        select! {}
    });
    assert_pending!(empty.poll());
    let took_default = futures::executor::block_on(async {
        select! { recv(nil) -> _ => false, default => true }
    });
    assert!(took_default);
}

/// `default` means "nothing was ready": a value sent, room made or a close done by another
/// thread before it signalled this one is always seen, never answered with `default` (select
/// first looks at lock-free readiness hints, which must not lag behind what the caller knows).
#[test]
fn default_never_hides_what_happened_before_the_select() {
    const ROUNDS: usize = 20_000;
    let (data, room) = (chan::<usize>(1), chan::<usize>(1));
    let step = Arc::new(AtomicUsize::new(0));
    let wait_for = |step: &AtomicUsize, n: usize| {
        while step.load(Ordering::Acquire) != n {
            std::thread::yield_now();
        }
    };
    let (d, r, s) = (data.clone(), room.clone(), step.clone());
    let other = std::thread::spawn(move || {
        for i in 0..ROUNDS {
            wait_for(&s, 2 * i + 1);
            d.try_send(i).unwrap(); // a value appears in `data`
            r.try_recv().unwrap(); // room appears in `room`
            s.store(2 * i + 2, Ordering::Release);
        }
    });
    futures::executor::block_on(async {
        for i in 0..ROUNDS {
            room.try_send(usize::MAX).unwrap(); // `room` is full until the other thread acts
            step.store(2 * i + 1, Ordering::Release);
            wait_for(&step, 2 * i + 2);
            let got = select! { recv(data) -> v => v, default => None };
            assert_eq!(got, Some(i), "round {i}: default although a value was sent");
            let sent = select! { send(room, i) -> r => r.is_ok(), default => false };
            assert!(sent, "round {i}: default although there was room");
            assert_eq!(room.try_recv(), Ok(i));
        }
    });
    other.join().unwrap();
    let closed = chan::<u64>(0);
    let c = closed.clone();
    std::thread::spawn(move || c.close()).join().unwrap();
    let got = futures::executor::block_on(async {
        select! { recv(closed) -> v => Some(v), default => None }
    });
    assert_eq!(got, Some(None), "default although the channel was closed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disabling_a_closed_channel_with_none_is_gos_idiom() {
    let (a, b) = (chan::<u32>(4), chan::<u32>(4));
    for (ch, base) in [(&a, 0), (&b, 100)] {
        let tx = ch.sender();
        tokio::spawn(async move {
            for i in 0..50 {
                tx.send(base + i).await.unwrap();
            }
        });
    }
    let (ra, rb) = (a.receiver(), b.receiver());
    drop((a, b));
    let (mut a, mut b) = (Some(&ra), Some(&rb));
    let mut sum = 0;
    while a.is_some() || b.is_some() {
        select! {
            recv(a) -> v => match v { Some(v) => sum += v, None => a = None },
            recv(b) -> v => match v { Some(v) => sum += v, None => b = None },
        }
    }
    assert_eq!(sum, (0..50).sum::<u32>() + (100..150).sum::<u32>());
}

// ----- rule 6: the same channel twice; no self-pairing -----

#[test]
fn a_select_never_pairs_with_itself() {
    let c = chan::<i32>(0);
    let mut sel = task::spawn(async {
        select! { send(c, 1) -> _ => "sent", recv(c) -> _ => "received" }
    });
    assert_pending!(sel.poll(), "its own send and receive must not rendezvous");
    // Another party can complete either case.
    assert_eq!(c.try_recv(), Ok(1));
    assert_ready_eq!(sel.poll(), "sent");
}

#[test]
fn the_same_channel_in_two_cases() {
    let c = chan::<i32>(2);
    c.try_send(1).unwrap();
    let got = futures::executor::block_on(async {
        select! { recv(c) -> v => v.unwrap(), recv(c) -> v => v.unwrap() + 100 }
    });
    assert!(got == 1 || got == 101);
    assert_eq!(c.len(), 0, "only one case received");
}

// ----- rule 7: dropping a pending select receives nothing (a taken send stays sent) -----

#[test]
fn dropping_a_pending_select_commits_nothing() {
    let (a, b) = (chan::<i32>(0), chan::<i32>(0));
    {
        let mut sel = task::spawn(async {
            select! { send(a, 1) -> _ => {}, recv(b) -> _ => {} }
        });
        assert_pending!(sel.poll());
    }
    assert_eq!(
        a.try_recv(),
        Err(gokio::TryRecvError::Empty),
        "the send case was withdrawn"
    );
    assert!(
        b.try_send(5).unwrap_err().is_full(),
        "the recv case was withdrawn"
    );
}

/// The true guarantee for send cases: a counterpart can take a parked send case's value
/// between two polls; dropping the select afterwards cannot take it back, so it stays sent
/// (exactly once: received by the counterpart, not put back, not sent again).
#[test]
fn a_send_taken_before_the_drop_stays_sent() {
    let (a, b) = (chan::<i32>(0), chan::<i32>(0));
    let mut sel = task::spawn(async {
        select! { send(a, 1) -> _ => "sent", recv(b) -> _ => "received" }
    });
    assert_pending!(sel.poll());
    assert_eq!(
        a.try_recv(),
        Ok(1),
        "a counterpart takes the parked send's value"
    );
    drop(sel); // never polled again: the select never reports the send
    assert_eq!(a.try_recv(), Err(gokio::TryRecvError::Empty), "sent once");
    assert!(
        b.try_send(5).unwrap_err().is_full(),
        "the recv case was withdrawn"
    );
}

#[test]
fn a_value_handed_to_a_dropped_select_goes_back() {
    let (a, b) = (chan::<i32>(0), chan::<i32>(0));
    let mut sel = task::spawn(async {
        select! { recv(a) -> v => v, recv(b) -> v => v }
    });
    assert_pending!(sel.poll());
    a.try_send(42).unwrap(); // handed to the parked select
    drop(sel); // ...which is dropped before it could return it
    assert_eq!(
        a.try_recv(),
        Ok(42),
        "the value is back at the head of its channel"
    );
}

// ----- close wakes a select -----

#[test]
fn close_wakes_a_parked_select() {
    let (a, b) = (chan::<i32>(0), chan::<i32>(0));
    let mut sel = task::spawn(async {
        select! { recv(a) -> v => v, recv(b) -> v => v }
    });
    assert_pending!(sel.poll());
    b.close();
    assert!(sel.is_woken());
    assert_ready_eq!(sel.poll(), None);

    let c = chan::<i32>(0);
    let mut sel = task::spawn(async {
        select! { send(c, 9) -> r => r }
    });
    assert_pending!(sel.poll());
    c.close();
    assert_ready_eq!(sel.poll(), Err(SendError(9)));
}

// ----- timers and dynamic select -----

#[tokio::test(start_paused = true)]
async fn timeout_with_after() {
    let never = chan::<i32>(0);
    let timed_out = select! {
        recv(never) -> _ => false,
        recv(gokio::time::after(std::time::Duration::from_secs(1))) -> _ => true,
    };
    assert!(timed_out);
}

#[test]
fn recv_any_is_fair_and_atomic() {
    let chans: Vec<Chan<usize>> = (0..4).map(|_| chan(1)).collect();
    let mut counts = vec![0u64; 4];
    futures::executor::block_on(async {
        for _ in 0..20_000 {
            for (i, c) in chans.iter().enumerate() {
                let _ = c.try_send(i);
            }
            let (i, v) = recv_any(&chans).await;
            assert_eq!(v, Some(i));
            counts[i] += 1;
        }
    });
    common::assert_uniform(&counts, "recv_any over 4 ready channels");
    let left: usize = chans.iter().map(Chan::len).sum();
    assert_eq!(left, 3, "exactly one value taken per round");
}

#[test]
fn recv_any_with_nil_handles() {
    let chans: Vec<Option<Chan<i32>>> = vec![None, Some(chan(1)), None];
    chans[1].as_ref().unwrap().try_send(3).unwrap();
    assert_eq!(futures::executor::block_on(recv_any(&chans)), (1, Some(3)));
}

// ----- cancellation fuzz over select -----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelled_selects_never_lose_or_duplicate() {
    // Consumers race selects over two channels against a short timer; every value produced
    // must be received exactly once.
    let per = 20_000u64;
    let (a, b) = (chan::<u64>(0), chan::<u64>(3));
    for (ch, base) in [(&a, 0u64), (&b, per)] {
        let tx = ch.sender();
        tokio::spawn(async move {
            for i in 0..per {
                tx.send(base + i).await.unwrap();
            }
        });
    }
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let cancels = Arc::new(AtomicUsize::new(0));
    let mut consumers = Vec::new();
    for _ in 0..3 {
        let (a, b, seen, cancels) = (a.receiver(), b.receiver(), seen.clone(), cancels.clone());
        consumers.push(tokio::spawn(async move {
            let (mut a, mut b) = (Some(a), Some(b));
            while a.is_some() || b.is_some() {
                let sel = async {
                    select! {
                        recv(a) -> v => (0, v),
                        recv(b) -> v => (1, v),
                    }
                };
                let timeout = std::time::Duration::from_micros(fastrand::u64(1..50));
                match tokio::time::timeout(timeout, sel).await {
                    Err(_) => {
                        cancels.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok((0, None)) => a = None,
                    Ok((_, None)) => b = None,
                    Ok((_, Some(v))) => seen.lock().unwrap().push(v),
                }
            }
        }));
    }
    drop((a, b));
    common::no_hang("consumers", async {
        for c in consumers {
            c.await.unwrap();
        }
    })
    .await;
    let mut seen = seen.lock().unwrap().clone();
    seen.sort_unstable();
    assert_eq!(seen.len() as u64, 2 * per, "lost or duplicated values");
    assert!(seen.iter().copied().eq(0..2 * per));
}

// ----- the dynamic Select builder -----

#[test]
fn builder_is_uniform_over_a_runtime_sized_set() {
    use gokio::Select;
    let chans: Vec<Chan<()>> = (0..5).map(|_| chan(1)).collect();
    let mut counts = vec![0u64; 5];
    futures::executor::block_on(async {
        for _ in 0..25_000 {
            for c in &chans {
                let _ = c.try_send(());
            }
            let mut sel = Select::new();
            for (i, c) in chans.iter().enumerate() {
                sel = sel.recv(c, move |_| i);
            }
            counts[sel.wait().await] += 1;
        }
    });
    common::assert_uniform(&counts, "builder over 5 ready cases");
}

#[test]
fn builder_send_cases_commit_exactly_once_on_rendezvous_channels() {
    use gokio::Select;
    for _ in 0..500 {
        let chans: Vec<Chan<usize>> = (0..3).map(|_| chan(0)).collect();
        let mut receivers: Vec<_> = chans.iter().map(|c| task::spawn(c.recv())).collect();
        for r in &mut receivers {
            assert_pending!(r.poll());
        }
        let mut sel = task::spawn(async {
            let mut s = Select::new();
            for (i, c) in chans.iter().enumerate() {
                s = s.send(c, i, move |r| (i, r.is_ok()));
            }
            s.wait().await
        });
        let (i, ok) = match sel.poll() {
            std::task::Poll::Ready(v) => v,
            std::task::Poll::Pending => panic!("a receiver was parked on every channel"),
        };
        assert!(ok);
        let got: Vec<_> = receivers.iter_mut().map(|r| r.poll()).collect();
        let delivered: Vec<_> = got.iter().filter(|p| p.is_ready()).collect();
        assert_eq!(delivered.len(), 1, "exactly one send commits: {got:?}");
        assert_eq!(*delivered[0], std::task::Poll::Ready(Some(i)));
    }
}

#[test]
fn builder_nil_default_and_cancellation() {
    use gokio::Select;
    let nil: Option<Chan<i32>> = None;
    let ready = chan::<i32>(1);
    ready.try_send(4).unwrap();
    let v = futures::executor::block_on(
        Select::new()
            .recv(&nil, |_| -1)
            .recv(&ready, |v| v.unwrap())
            .wait(),
    );
    assert_eq!(v, 4);
    let d = futures::executor::block_on(Select::new().recv(&nil, |_| 0).default(|| 7).wait());
    assert_eq!(d, 7);

    // A dropped wait commits nothing: the parked send is withdrawn, the value handed to a
    // parked receive goes back.
    let (a, b) = (chan::<i32>(0), chan::<i32>(0));
    {
        let mut w = task::spawn(Select::new().send(&a, 1, |_| ()).recv(&b, |_| ()).wait());
        assert_pending!(w.poll());
        b.try_send(9).unwrap(); // handed to the parked receive case
    }
    assert_eq!(a.try_recv(), Err(gokio::TryRecvError::Empty));
    assert_eq!(b.try_recv(), Ok(9));
}

#[test]
fn builder_future_is_send() {
    fn send_future<F: std::future::Future + Send>(_: F) {}
    let (a, b) = (chan::<String>(1), chan::<u8>(1));
    send_future(
        gokio::Select::new()
            .recv(&a, |_| ())
            .send(&b, 1, |_| ())
            .wait(),
    );
}

/// More parked selects than a channel keeps spare entries for: when one case wins, the
/// select's entries on the other channel are dead, and a counterpart that meets them there
/// (before the select settled) hands them back to the select to free. (Run under Miri too:
/// see the README.)
#[test]
fn more_parked_selects_than_spare_entries() {
    let (a, b) = (chan::<String>(0), chan::<String>(0));
    let mut sels: Vec<_> = (0..10)
        .map(|i| {
            let (a, b) = (&a, &b);
            task::spawn(async move {
                select! { recv(a) -> v => v, send(b, format!("b{i}")) -> _ => None }
            })
        })
        .collect();
    sels.iter_mut().for_each(|s| assert_pending!(s.poll()));
    for i in 0..10 {
        a.try_send(format!("a{i}")).unwrap(); // each wins its receive case, in order
    }
    // Every send case on `b` is dead: a receiver passes over all ten.
    assert_eq!(b.try_recv(), Err(gokio::TryRecvError::Empty));
    for (i, s) in sels.iter_mut().enumerate().rev() {
        assert_ready_eq!(s.poll(), Some(format!("a{i}")));
    }
    drop(sels);
    // Both channels still work.
    let mut r = task::spawn(b.recv());
    assert_pending!(r.poll());
    b.try_send("after".to_owned()).unwrap();
    assert_ready_eq!(r.poll(), Some("after".to_owned()));
}
