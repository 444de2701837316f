//! The channel lock as the state machine takes it, and the readiness hint it keeps.
//!
//! Once a select has used a channel, releasing its lock first publishes in [`Shared::ready`]
//! two bits: whether a receive, and whether a send, could complete without waiting in the
//! state left behind. `select` reads them without locking to find its candidates
//! (`crate::select`). A bit that is clear is exact as of the latest critical section; a set
//! bit may be stale or come from dead select entries, so the case is confirmed under the
//! lock. Every critical section that may change a bit goes through [`Locked`], so none can
//! forget the hint; the one exception, a select's receive or send that provably leaves both
//! bits as they were, takes the spin lock itself and publishes nothing (`chan/ready.rs`
//! argues why no reader can tell the difference).
//! Channels no select has touched skip the computation, and a select treats such a channel
//! as maybe ready, which takes it to the lock, which turns the hint on.
//!
//! # The generation, and why a writer only stores
//!
//! A clear bit read at one instant says nothing about another channel's bit read at
//! another, so a select with `default` cannot decide "nothing was ready" from one pass over
//! the hints (issue 15, item 1). The published word therefore also carries a generation that
//! grows every time the bits change: two passes that read the same words, generation and
//! all, prove that no bit changed between a channel's two reads, and every channel's two
//! reads enclose the instant between the passes, at which all bits were as read (the
//! argument in full is at `SelectFuture::confirm_none`, `crate::select`).
//!
//! Whether the hint is on, and the last word published, are kept in a second atomic,
//! `last`, that only lock holders touch: a writer never loads the word that readers load.
//! This matters to loom, whose DPOR tracks the last access of each atomic: a writer that
//! loaded the word just before storing it was never scheduled between two reads of a
//! select, so the model of item 1 passed on the broken algorithm. A writer whose bits did
//! not change stores nothing (the generation only counts changes).

use std::ops::{Deref, DerefMut};

use super::{Shared, State};
use crate::loom::atomic::{AtomicUsize, Ordering};
use crate::spin::SpinGuard;

/// Hint bit: a receive may complete without waiting (a buffered value, a parked sender, or
/// closed).
const MAY_RECV: usize = 1;
/// Hint bit: a send may complete without waiting (buffer room, a parked receiver, or closed).
const MAY_SEND: usize = 2;
/// The hint bits are kept up to date: set in every word published once a select has used
/// the channel (the word is 0 before).
const HINTED: usize = 4;
/// The generation's unit: the bits above the three flags count changes of the flags.
const GENERATION: usize = 8;

/// A channel's readiness hint ([`Shared::ready`]).
pub(super) struct Hint {
    /// What lock-free readers load: 0 until a select uses the channel, then
    /// `HINTED | MAY_RECV? | MAY_SEND? | generation * GENERATION`. Stored, never loaded, by
    /// lock holders.
    word: AtomicUsize,
    /// The last word stored (0: the hint is off). Touched only under the channel lock,
    /// which orders it (Relaxed).
    last: AtomicUsize,
}

impl Hint {
    pub(super) fn new() -> Self {
        Hint {
            word: AtomicUsize::new(0),
            last: AtomicUsize::new(0),
        }
    }
}

/// The channel lock, held. Releasing it first republishes [`Shared::ready`] from the state, so
/// that every critical section, whatever it changed, leaves a hint that matches the state it
/// left behind.
///
/// Two pointers and nothing else: it is passed by value from the inlined fast paths to the
/// out-of-line ones, and a one-byte field beside them (it held "taken by a select") made
/// that copy a narrow store read back as a wide load, a store-forwarding stall on every
/// slow-path call (`perf annotate`: ~20% of a ping-pong task's samples on that load).
pub(super) struct Locked<'a, T> {
    shared: &'a Shared<T>,
    guard: SpinGuard<'a, State<T>>,
}

impl<T> Deref for Locked<'_, T> {
    type Target = State<T>;

    #[inline]
    fn deref(&self) -> &State<T> {
        &self.guard
    }
}

impl<T> DerefMut for Locked<'_, T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut State<T> {
        &mut self.guard
    }
}

impl<T> Drop for Locked<'_, T> {
    #[inline]
    fn drop(&mut self) {
        let last = self.shared.ready.last.load(Ordering::Relaxed);
        if last != 0 {
            write_hint(self.shared, &self.guard, last);
        }
        // `guard` drops after this body: the hint is written before the lock is released.
    }
}

/// Publishes the hint from the state `st` of `shared` (whose lock is held) if its bits
/// changed since `last`, the word last published (the hint is on). Out of line: channels no
/// select has used never get here, and their lock and unlock stay a few instructions in the
/// caller. A function of the channel and its state rather than a method of [`Locked`]: a
/// call that took `&Locked` would make every critical section keep its guard in memory, and
/// store it again each time it is moved (callgrind: ~6 instructions an operation).
#[inline(never)]
fn write_hint<T>(shared: &Shared<T>, st: &State<T>, last: usize) {
    let bits = bits(shared, st);
    // Compared as bytes: the flags are computed as bytes, and widening them first costs
    // two instructions on every critical section.
    if (last as u8) & (MAY_RECV | MAY_SEND) as u8 != bits {
        publish(shared, last, usize::from(bits));
    }
}

/// Turns the hint on, with bits that match the state `st` now (the lock is held).
#[cold]
fn turn_hint_on<T>(shared: &Shared<T>, st: &State<T>) {
    publish(shared, 0, usize::from(bits(shared, st)));
}

/// The hint bits of the state (`MAY_RECV | MAY_SEND` at most).
#[inline(always)]
fn bits<T>(shared: &Shared<T>, st: &State<T>) -> u8 {
    // `|` rather than `||`: a few flag computations, no branches.
    let may_recv = st.closed | ((st.buf.len() | st.sendq.len()) != 0);
    let may_send = st.closed | (st.buf.len() < shared.cap) | !st.recvq.is_empty();
    (u8::from(may_recv) * MAY_RECV as u8) | (u8::from(may_send) * MAY_SEND as u8)
}

/// Publishes `bits` under the next generation after `last`'s.
#[inline(always)]
fn publish<T>(shared: &Shared<T>, last: usize, bits: usize) {
    // The generation wraps after 2^61 changes (2^29 on 32-bit targets): two looks of one
    // select are never that far apart.
    let word = (last & !(GENERATION - 1)).wrapping_add(GENERATION) | HINTED | bits;
    let hint = &shared.ready;
    hint.last.store(word, Ordering::Relaxed);
    // Release: a select that reads this word and then takes the lock, or reads another
    // channel's word, sees everything that happened before this critical section.
    hint.word.store(word, Ordering::Release);
}

impl<T> Shared<T> {
    #[inline]
    pub(super) fn lock(&self) -> Locked<'_, T> {
        self.lock_as(false)
    }

    /// Takes the lock; `select`: for a select, which turns the readiness hint on.
    #[inline]
    pub(super) fn lock_as(&self, select: bool) -> Locked<'_, T> {
        let locked = Locked {
            shared: self,
            guard: self.state.lock(),
        };
        if select && self.ready.last.load(Ordering::Relaxed) == 0 {
            // Turn the hint on with bits that match the state now, under the lock: a lock-free
            // reader must never see `HINTED` with bits that are not exact. Releasing the lock
            // republishes them for whatever this section changes.
            turn_hint_on(self, &locked.guard);
        }
        locked
    }

    /// Lock-free look: the hint word, for [`Self::recv_ready`] and [`Self::send_ready`] to
    /// read. Two equal words mean that the readiness did not change between the two loads
    /// (module docs).
    #[inline]
    pub(crate) fn hint_word(&self) -> usize {
        self.ready.word.load(Ordering::Acquire)
    }

    /// A hint word that says "never ready", stable: what a nil case looks like.
    pub(crate) const NEVER_READY: usize = HINTED;

    /// `false` if, by the hint `word`, a receive could not have completed without waiting
    /// at the end of the critical section that published it, which is where select places
    /// the case's "not ready" in the order of operations on this channel. `true` may be stale
    /// or come from dead entries (the caller confirms it under the lock); a channel without
    /// a hint looks ready.
    #[inline(always)]
    pub(crate) fn recv_ready(word: usize) -> bool {
        word & HINTED == 0 || word & MAY_RECV != 0
    }

    /// As [`Self::recv_ready`], for a send.
    #[inline(always)]
    pub(crate) fn send_ready(word: usize) -> bool {
        word & HINTED == 0 || word & MAY_SEND != 0
    }
}
