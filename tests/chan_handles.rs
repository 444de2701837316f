//! Channel handles as Go values: `==` by channel identity across `Chan`, `Sender` and
//! `Receiver` (Go: a `chan T` converted to `chan<- T` compares equal to it), `Hash`
//! consistent with it (Go's `map[chan T]V`), and `Receiver` as a `FusedStream` that is
//! terminated once the channel is closed and drained.
// A handle hashes its channel's address, which never changes; clippy only sees the locks
// inside the channel.
#![allow(clippy::mutable_key_type)]

use std::collections::hash_map::DefaultHasher;
use std::collections::HashSet;
use std::hash::{Hash, Hasher};

use futures::stream::FusedStream;
use futures::StreamExt;
use gokio::{chan, Chan, Receiver, Sender};

fn hash_of<H: Hash>(h: &H) -> u64 {
    let mut s = DefaultHasher::new();
    h.hash(&mut s);
    s.finish()
}

#[test]
fn handles_of_one_channel_are_equal_across_types() {
    let ch = chan::<u8>(1);
    let (tx, rx) = (ch.sender(), ch.receiver());
    // Both directions: each pair of types has its own `PartialEq` impl.
    assert!(ch == tx);
    assert!(tx == ch);
    assert!(ch == rx);
    assert!(rx == ch);
    assert!(tx == rx);
    assert!(rx == tx);
    assert!(tx == tx.clone() && rx == rx.clone() && ch == ch.clone());
    // The consuming split keeps the identity.
    let other = ch.clone();
    let (tx2, rx2) = other.split();
    assert!(tx2 == tx && rx2 == rx && tx2 == ch);
}

#[test]
fn handles_of_different_channels_differ() {
    let (a, b) = (chan::<u8>(1), chan::<u8>(1));
    assert!(a != b);
    assert!(a.sender() != b.sender());
    assert!(a.receiver() != b.receiver());
    assert!(a.sender() != b.receiver());
    assert!(a != b.sender() && a.receiver() != b);
}

#[test]
fn hash_agrees_with_eq() {
    let ch = chan::<String>(0);
    let h = hash_of(&ch);
    assert_eq!(hash_of(&ch.sender()), h);
    assert_eq!(hash_of(&ch.receiver()), h);
    assert_eq!(hash_of(&ch.clone()), h);

    // Go: seen := map[chan<- T]bool{} — a set of senders, deduplicated by channel.
    let (a, b) = (chan::<String>(0), chan::<String>(0));
    let mut seen: HashSet<Sender<String>> = HashSet::new();
    assert!(seen.insert(a.sender()));
    assert!(seen.insert(b.sender()));
    assert!(!seen.insert(a.sender()), "same channel, same key");
    assert_eq!(seen.len(), 2);
    let rs: HashSet<Receiver<String>> = [a.receiver(), a.receiver(), b.receiver()].into();
    assert_eq!(rs.len(), 2);
    let cs: HashSet<Chan<String>> = [a.clone(), b.clone(), b].into();
    assert_eq!(cs.len(), 2);
}

#[test]
fn receiver_terminates_once_closed_and_drained() {
    let ch = chan::<u8>(2);
    let mut rx = ch.receiver();
    assert!(!rx.is_terminated(), "open");
    ch.try_send(1).unwrap();
    ch.close();
    assert!(!rx.is_terminated(), "closed, but a value is still buffered");
    futures::executor::block_on(async {
        assert_eq!(rx.next().await, Some(1));
        assert!(rx.is_terminated(), "closed and drained");
        assert_eq!(rx.next().await, None);
        assert!(rx.is_terminated(), "None is final");
    });
}

#[test]
fn receiver_terminates_when_every_sender_is_gone() {
    let (tx, rx) = chan::<u8>(0).split();
    assert!(!rx.is_terminated());
    drop(tx); // the last handle able to send: the channel closes
    assert!(rx.is_terminated());
}

#[test]
fn a_value_handed_to_a_parked_stream_is_not_terminated() {
    // The receiver parks; a sender hands it a value; the channel closes before the receiver
    // claims it: `close` takes the value back into the buffer, so the stream is not done.
    let ch = chan::<u8>(0);
    let mut rx = tokio_test::task::spawn(ch.receiver());
    tokio_test::assert_pending!(rx.poll_next());
    ch.try_send(7).unwrap();
    ch.close();
    assert!(!rx.is_terminated());
    assert_eq!(tokio_test::assert_ready!(rx.poll_next()), Some(7));
    assert!(rx.is_terminated());
}

#[test]
fn futures_select_skips_a_terminated_receiver() {
    // futures' `select!` needs `FusedStream` arms; a drained, closed channel's arm is skipped
    // and `complete` runs once every arm is done.
    let (a, b) = (chan::<u8>(1), chan::<u8>(1));
    a.try_send(1).unwrap();
    b.try_send(2).unwrap();
    a.close();
    b.close();
    let (mut ra, mut rb) = (a.receiver(), b.receiver());
    let mut got = Vec::new();
    futures::executor::block_on(async {
        loop {
            futures::select! {
                v = ra.next() => got.extend(v),
                v = rb.next() => got.extend(v),
                complete => break,
            }
        }
    });
    got.sort();
    assert_eq!(got, [1, 2]);
}
