//! `select!`'s inline receive from and send to a buffered channel (`chan/ready.rs`): they
//! complete without republishing the channel's readiness hint only when neither hint bit
//! changes, and must keep every select rule that the cap-1 channels of `tests/select.rs`
//! exercise on the ordinary path: uniform choice, FIFO order, closed channels, parked
//! senders, and a `default` that sees every slot a receive opened and every value a send
//! buffered.

mod common;

use gokio::{chan, select, Chan, SendError};
use tokio_test::{assert_pending, assert_ready, task};

/// Turns an empty channel's readiness hint on: a select has used it.
fn hint_on(c: &Chan<u32>) {
    assert_eq!(c.len(), 0);
    futures::executor::block_on(async {
        select! { recv(c) -> _ => unreachable!("empty"), default => {} }
    });
}

/// Two channels of capacity `cap` with their hints on, `a` holding `0..fill`.
fn hinted_pair(cap: usize, fill: u32) -> (Chan<u32>, Chan<u32>) {
    let (a, other) = (chan::<u32>(cap), chan::<u32>(cap));
    hint_on(&a);
    hint_on(&other);
    for v in 0..fill {
        a.try_send(v).unwrap();
    }
    (a, other)
}

/// A select over `a` and an empty `other`, both hinted, as the `select_first_ready` bench.
async fn recv_first(a: &Chan<u32>, other: &Chan<u32>) -> Option<u32> {
    select! {
        recv(a) -> v => v,
        recv(other) -> _ => unreachable!("the other channel stays empty"),
    }
}

#[test]
fn fairness_is_uniform_with_values_to_spare() {
    // The chi-square of `tests/select.rs` over channels that keep 2 to 5 values, so that
    // the winner's receive leaves the hint as it was and completes inline.
    for n in [2usize, 3, 8] {
        let chans: Vec<Chan<u32>> = (0..n).map(|_| chan(8)).collect();
        let mut counts = vec![0u64; n];
        futures::executor::block_on(async {
            for _ in 0..40_000 {
                for c in &chans {
                    while c.len() < 4 {
                        c.try_send(0).unwrap();
                    }
                }
                let i = common::select_recv_index(&chans).await;
                counts[i] += 1;
            }
        });
        common::assert_uniform(&counts, &format!("{n} cases"));
    }
}

#[test]
fn a_slot_opened_by_a_select_is_seen_by_a_default_select() {
    // Every length a select can drain from, every capacity up to 6: after the receive, a
    // select with `default` that may only send must see the room (its hint bit `may send`
    // must not be left clear), and a select that may only receive must see what is left.
    for cap in 1..=6u32 {
        let (a, other) = hinted_pair(cap as usize, cap);
        futures::executor::block_on(async {
            for expected in 0..cap {
                assert_eq!(recv_first(&a, &other).await, Some(expected));
                let sent = select! { send(a, 100 + expected) -> r => r.is_ok(), default => false };
                assert!(
                    sent,
                    "cap {cap}: a select's receive opened a slot that `default` missed"
                );
                // Full again: the sent value goes back out at the end of the drain.
                let full = select! { send(a, 0) -> _ => false, default => true };
                assert!(full, "cap {cap}: a full channel took a send");
            }
            // The refills, in order, then nothing.
            for expected in 0..cap {
                assert_eq!(recv_first(&a, &other).await, Some(100 + expected));
            }
            let none =
                select! { recv(a) -> _ => false, recv(other) -> _ => false, default => true };
            assert!(none, "cap {cap}: `default` not taken on two empty channels");
        });
    }
}

#[test]
fn a_closed_channel_gives_its_buffered_values_then_none() {
    let (a, other) = hinted_pair(8, 5);
    a.close();
    futures::executor::block_on(async {
        for v in 0..5 {
            assert_eq!(recv_first(&a, &other).await, Some(v));
        }
        assert_eq!(recv_first(&a, &other).await, None);
        assert_eq!(recv_first(&a, &other).await, None);
    });
}

#[test]
fn a_parked_senders_value_moves_into_the_slot() {
    // A full channel with a sender parked behind it: the select takes the head, and the
    // parked value fills the slot (Go's full-buffer receive), in order.
    let (a, other) = hinted_pair(3, 3);
    let mut send = task::spawn(a.send(3));
    assert_pending!(send.poll());
    futures::executor::block_on(async {
        assert_eq!(recv_first(&a, &other).await, Some(0));
    });
    assert!(send.is_woken());
    assert_ready!(send.poll()).unwrap();
    futures::executor::block_on(async {
        for v in 1..4 {
            assert_eq!(recv_first(&a, &other).await, Some(v));
        }
    });
    assert_eq!(a.len(), 0);
}

/// A select over a send on `a` and a receive on an empty `other`: whether it sent.
async fn send_first(a: &Chan<u32>, other: &Chan<u32>, v: u32) -> Result<(), SendError<u32>> {
    select! {
        send(a, v) -> r => r,
        recv(other) -> _ => unreachable!("the other channel stays empty"),
    }
}

#[test]
fn fairness_is_uniform_with_room_to_spare() {
    // As `fairness_is_uniform_with_values_to_spare`, for send cases: every channel keeps
    // 2 to 5 values of 8, so that the winner's send completes inline.
    for n in [2usize, 3, 8] {
        let chans: Vec<Chan<u32>> = (0..n).map(|_| chan(8)).collect();
        let mut counts = vec![0u64; n];
        futures::executor::block_on(async {
            for _ in 0..40_000 {
                for c in &chans {
                    while c.len() > 2 {
                        c.try_recv().unwrap();
                    }
                    while c.len() < 2 {
                        c.try_send(0).unwrap();
                    }
                }
                let i = match n {
                    2 => select! { send(chans[0], 1) -> _ => 0, send(chans[1], 1) -> _ => 1 },
                    3 => select! {
                        send(chans[0], 1) -> _ => 0, send(chans[1], 1) -> _ => 1,
                        send(chans[2], 1) -> _ => 2,
                    },
                    8 => select! {
                        send(chans[0], 1) -> _ => 0, send(chans[1], 1) -> _ => 1,
                        send(chans[2], 1) -> _ => 2, send(chans[3], 1) -> _ => 3,
                        send(chans[4], 1) -> _ => 4, send(chans[5], 1) -> _ => 5,
                        send(chans[6], 1) -> _ => 6, send(chans[7], 1) -> _ => 7,
                    },
                    _ => unreachable!(),
                };
                counts[i] += 1;
                let sent: usize = chans.iter().map(Chan::len).sum();
                assert_eq!(sent, 2 * n + 1, "exactly one send case commits");
            }
        });
        common::assert_uniform(&counts, &format!("{n} cases"));
    }
}

#[test]
fn a_value_buffered_by_a_select_is_seen_by_a_default_select() {
    // Every length a select can send at, every capacity up to 6: after the send, a select
    // with `default` that may only receive must see the value (its hint bit `may receive`
    // must not be left clear), and one that may only send must see whether room is left.
    for cap in 1..=6u32 {
        for start in 0..cap {
            let (a, other) = hinted_pair(cap as usize, start);
            futures::executor::block_on(async {
                send_first(&a, &other, start).await.unwrap();
                let room = select! { send(a, 99) -> _ => true, default => false };
                assert_eq!(room, start + 1 < cap, "cap {cap}, {start} buffered: room");
                let buffered = start + 1 + u32::from(room);
                for expected in 0..buffered {
                    let got = select! { recv(a) -> v => v, default => None };
                    let want = if expected <= start { expected } else { 99 };
                    assert_eq!(got, Some(want), "cap {cap}, {start} buffered: value missed");
                }
                let none = select! { recv(a) -> _ => false, default => true };
                assert!(none, "cap {cap}: `default` not taken on an empty channel");
            });
        }
    }
}

#[test]
fn a_send_on_a_closed_channel_gives_the_value_back() {
    let (a, other) = hinted_pair(8, 3);
    a.close();
    futures::executor::block_on(async {
        assert_eq!(send_first(&a, &other, 7).await, Err(SendError(7)));
    });
    assert_eq!(a.len(), 3);
}
