//! Parked operations: Go's `sudog` (an [`Entry`]) and `selectDone` (a [`Token`]), and the
//! queues that hold them. One of gokio's three `unsafe` modules (with `src/spin.rs` and
//! `src/sync/mutex/cell.rs`).
//!
//! Why it exists: `benches/chan.rs`, `pingpong` and `spsc_unbuffered` (see the commit that
//! made this module unsafe, and `BENCHMARKS.md`). Before, an entry's slot and waker sat behind
//! spin locks and every hand-off to a plain parked operation went through a compare-and-swap,
//! so one rendezvous cost nine atomic read-modify-writes and ~880 instructions; kanal needs
//! about four. The rules below make plain cells enough.
//!
//! # Who may touch an entry's cells
//!
//! An entry has a `slot` (the value: a parked sender's, or the one handed to a parked
//! receiver) and, for a plain `send`/`recv`, a `waker`. At any moment exactly one party may
//! touch them:
//!
//! 1. **The owner, before parking.** [`Spares::fresh`] builds or reuses the entry while it is
//!    unique (`Arc::get_mut`), and [`Queue::park`] is the only way into a queue, so an entry
//!    is in at most one queue, once.
//! 2. **The channel, while the entry is queued.** Queues live in the channel state, behind the
//!    channel lock, so `&mut Queue` means that lock is held. A queued plain entry is always
//!    live; [`Queue::rewake`] swaps its waker only after finding it in the queue.
//! 3. **The claimer.** [`Queue::claim`] pops the entry (under the lock) and claims it: a
//!    plain entry by being popped, as nothing else completes it; a select's entry by winning
//!    its token's compare-and-swap (`WAITING → CLAIMING`), which fails for every other
//!    counterpart and for the owner's abort. The [`Claim`] fills in the slot, takes the waker,
//!    and publishes the result with a `Release` store (`DONE`, or `SELECTED(case)`), all
//!    before the channel lock is released.
//! 4. **The owner, once decided.** [`Entry::take_decided`] checks with an `Acquire` load that
//!    the entry is decided: completed and published (rule 3), withdrawn by its owner under the
//!    lock ([`Queue::withdraw`], plain entries), or — for a select — its token aborted or
//!    selected for another case, after which no claim can succeed. Nobody else touches a
//!    decided entry: it left its queue (or is dead in it, and a dead entry's cells are never
//!    read), and a spare is reused only when unique again.
//!
//! Loom checks every cell access against these rules (`crate::loom::cell`, `tests/loom_chan.rs`).
#![allow(unsafe_code)]
#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]

mod token;

use std::collections::VecDeque;
use std::task::Waker;

#[allow(unreachable_pub)] // sealed: reachable only through the `select!` plumbing
pub use self::token::Token;
use crate::loom::atomic::{fence, AtomicU8, Ordering};
use crate::loom::cell::UnsafeCell;
use crate::loom::Arc;

/// A plain entry is queued, or being parked.
const OPEN: u8 = 0;
/// A counterpart (or `close`) completed the plain entry and published its slot.
const DONE: u8 = 1;
/// The owner took the plain entry out of its queue (cancelled).
const WITHDRAWN: u8 = 2;

/// How many finished entries a channel keeps for reuse. An entry becomes a spare while its
/// owner may still hold it, so a sender and a receiver taking turns to park need two each.
const SPARE_ENTRIES: usize = 4;

/// Who an entry waits for.
enum Kind {
    /// A plain `send`/`recv`: completed under the channel lock, so no claim race.
    Plain {
        state: AtomicU8,
        /// The owner's waker (rules 1–3).
        waker: UnsafeCell<Option<Waker>>,
    },
    /// Case `case` of the select that owns `token` (which holds the waker).
    Case { token: Arc<Token>, case: usize },
}

/// One parked operation on one channel.
pub(crate) struct Entry<T> {
    kind: Kind,
    /// A send's value, or the value handed to a receive (module docs for who may touch it).
    slot: UnsafeCell<Option<T>>,
}

// SAFETY: the cells are touched by one party at a time, and hand-overs between parties go
// through the channel lock or a Release/Acquire pair (module docs), so sharing an entry moves
// `T` and `Waker` between threads but never lets two threads reach them at once: `T: Send`
// is what that needs (`Waker` is `Send + Sync`).
unsafe impl<T: Send> Sync for Entry<T> {}
// SAFETY: as above; an entry owns its `T`.
unsafe impl<T: Send> Send for Entry<T> {}

/// Who parks an entry: a plain operation with its task's waker, or case `.1` of the select
/// that owns token `.0`.
pub(crate) enum Owner<'a> {
    Plain(Waker),
    Case(&'a Arc<Token>, usize),
}

impl Owner<'_> {
    fn into_kind(self) -> Kind {
        match self {
            Owner::Plain(waker) => Kind::Plain {
                state: AtomicU8::new(OPEN),
                waker: UnsafeCell::new(Some(waker)),
            },
            Owner::Case(token, case) => Kind::Case {
                token: token.clone(),
                case,
            },
        }
    }
}

/// An entry that no queue holds and nobody else refers to: ready for [`Queue::park`].
pub(crate) struct Fresh<T>(Arc<Entry<T>>);

impl<T> Entry<T> {
    /// Whether this entry completed: a counterpart (or `close`) published its result.
    #[inline]
    pub(crate) fn won(&self) -> bool {
        match &self.kind {
            Kind::Plain { state, .. } => state.load(Ordering::Acquire) == DONE,
            Kind::Case { token, case } => token.selected() == Some(*case),
        }
    }

    /// Rule 4: no counterpart can touch the cells any more.
    #[inline]
    fn is_decided(&self) -> bool {
        match &self.kind {
            Kind::Plain { state, .. } => state.load(Ordering::Acquire) != OPEN,
            Kind::Case { token, .. } => token.is_decided(),
        }
    }

    /// Owner side, once the entry is decided (completed, withdrawn, or its select settled):
    /// takes what the slot holds (a receive: the value, or `None` if woken by close or
    /// withdrawn; a send: `None` if a receiver took the value, else the value back). A plain
    /// entry's waker, if still there (withdrawn), is dropped here, outside any lock: spares
    /// keep no waker.
    ///
    /// # Panics
    ///
    /// If the entry is undecided: that would be a gokio bug, and touching the slot then a
    /// data race.
    pub(crate) fn take_decided(&self) -> Option<T> {
        assert!(
            self.is_decided(),
            "gokio bug: an undecided entry's slot belongs to its channel"
        );
        if let Kind::Plain { waker, .. } = &self.kind {
            // SAFETY: decided (checked above, Acquire): rule 4 makes the owner, which calls
            // this, the only party that may touch the cells.
            drop(waker.with_mut(|w| unsafe { (*w).take() }));
        }
        // SAFETY: as above.
        self.slot.with_mut(|s| unsafe { (*s).take() })
    }

    /// Whether a counterpart may still complete this entry, for a select registering `me`
    /// (whose own entries never pair with each other).
    #[inline]
    fn is_live_for(&self, me: &Token) -> bool {
        match &self.kind {
            Kind::Plain { .. } => true, // queued plain entries are always live
            Kind::Case { token, .. } => !std::ptr::eq(&**token, me) && token.is_waiting(),
        }
    }

    /// Rule 3: claims this just-popped entry; `false` if it is a dead select entry.
    #[inline]
    fn try_claim(&self) -> bool {
        match &self.kind {
            Kind::Plain { state, .. } => {
                debug_assert_eq!(state.load(Ordering::Relaxed), OPEN, "queued means open");
                true
            }
            Kind::Case { token, .. } => token.claim(),
        }
    }
}

/// The send or receive queue of a channel: FIFO, behind the channel lock.
pub(crate) struct Queue<T>(VecDeque<Arc<Entry<T>>>);

impl<T> Queue<T> {
    pub(crate) const fn new() -> Self {
        Queue(VecDeque::new())
    }

    #[inline]
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    /// Parks `entry` at the back of the queue; returns the owner's reference to it.
    #[inline]
    pub(crate) fn park(&mut self, entry: Fresh<T>) -> Arc<Entry<T>> {
        self.0.push_back(entry.0.clone());
        entry.0
    }

    /// Pops entries from the front until one can be claimed; dead select entries met on the
    /// way go to `spares`.
    #[inline]
    pub(crate) fn claim<'s>(&mut self, spares: &'s mut Spares<T>) -> Option<Claim<'s, T>> {
        while let Some(entry) = self.0.pop_front() {
            if entry.try_claim() {
                return Some(Claim { entry, spares });
            }
            spares.retire(entry);
        }
        None
    }

    /// Whether the queue holds a live entry that is not one of `me`'s.
    pub(crate) fn has_live(&self, me: &Token) -> bool {
        self.0.iter().any(|e| e.is_live_for(me))
    }

    /// The owner takes `entry` out of the queue (cancelled, or its select settled). `false`:
    /// not queued any more; a plain entry was then completed, under the lock the caller now
    /// holds.
    pub(crate) fn withdraw(&mut self, entry: &Arc<Entry<T>>, spares: &mut Spares<T>) -> bool {
        let Some(i) = self.0.iter().position(|e| Arc::ptr_eq(e, entry)) else {
            return false;
        };
        let e = self.0.remove(i).expect("index in bounds");
        if let Kind::Plain { state, .. } = &e.kind {
            // Relaxed: only the owner reads it, after this.
            state.store(WITHDRAWN, Ordering::Relaxed);
        }
        spares.retire(e);
        true
    }

    /// A parked plain operation is polled again, maybe by another task: makes `waker` the
    /// one its completion wakes. `None`: not queued any more (completed, under the lock the
    /// caller now holds); `Some(old)`: still waiting, and `old` is a replaced waker for the
    /// caller to drop after unlocking.
    pub(crate) fn rewake(&mut self, entry: &Arc<Entry<T>>, waker: &Waker) -> Option<Option<Waker>> {
        let e = self.0.iter().find(|e| Arc::ptr_eq(e, entry))?;
        let Kind::Plain { waker: cell, .. } = &e.kind else {
            return Some(None); // a select's waker lives in its token
        };
        // SAFETY: found in this queue, whose lock `&mut self` proves held: rule 2.
        Some(cell.with_mut(|w| unsafe {
            match &*w {
                Some(old) if old.will_wake(waker) => None,
                _ => (*w).replace(waker.clone()),
            }
        }))
    }
}

/// The right to complete one popped entry (rule 3); consumed by completing it.
pub(crate) struct Claim<'s, T> {
    entry: Arc<Entry<T>>,
    spares: &'s mut Spares<T>,
}

impl<T> Claim<'_, T> {
    /// Hands `v` to the parked receiver. Returns the waker to wake once unlocked.
    #[inline]
    pub(crate) fn deliver(self, v: T) -> Option<Waker> {
        // SAFETY: rule 3, this claim is the only party that may touch the cells.
        self.entry.slot.with_mut(|s| unsafe { *s = Some(v) });
        self.complete()
    }

    /// Takes the parked sender's value. Also returns the waker to wake once unlocked.
    #[inline]
    pub(crate) fn take(self) -> (T, Option<Waker>) {
        // SAFETY: rule 3, as in `deliver`.
        let v = self.entry.slot.with_mut(|s| unsafe { (*s).take() });
        let v = v.expect("gokio: a parked send entry always holds its value");
        (v, self.complete())
    }

    /// `close`: completes the entry with its slot left as it is (empty for a receiver:
    /// "closed"; the value for a sender: "closed, here is your value back").
    #[inline]
    pub(crate) fn close(self) -> Option<Waker> {
        self.complete()
    }

    /// Takes the waker and publishes the result (Release: the slot write comes first).
    #[inline]
    fn complete(self) -> Option<Waker> {
        let waker = match &self.entry.kind {
            Kind::Plain { state, waker } => {
                // SAFETY: rule 3, as in `deliver`; the waker is taken before publishing.
                let w = waker.with_mut(|w| unsafe { (*w).take() });
                state.store(DONE, Ordering::Release);
                w
            }
            Kind::Case { token, case } => {
                token.publish(*case);
                token.take_waker()
            }
        };
        self.spares.retire(self.entry);
        waker
    }
}

/// Entries that left their queue, kept for later operations and select cases to park with:
/// Go's `sudog` cache, which takes allocation off the parking path.
pub(crate) struct Spares<T>(Vec<Arc<Entry<T>>>);

impl<T> Spares<T> {
    pub(crate) const fn new() -> Self {
        Spares(Vec::new())
    }

    /// Keeps an entry that left its queue (its owner may still hold it).
    #[inline]
    fn retire(&mut self, e: Arc<Entry<T>>) {
        if self.0.len() < SPARE_ENTRIES {
            self.0.push(e);
        }
    }

    /// An entry for `owner` about to park (`value` is `Some` for a send): a spare that nobody
    /// else holds any more, else a new one.
    pub(crate) fn fresh(&mut self, owner: Owner<'_>, value: Option<T>) -> Fresh<T> {
        // A spare's only other holder is its former owner, which never clones it (and no
        // `Weak` of an entry is ever made), so a count of 1 seen under the lock stays 1: the
        // entry is unique.
        let Some(i) = self.0.iter().position(|e| Arc::strong_count(e) == 1) else {
            return Fresh(Arc::new(Entry {
                kind: owner.into_kind(),
                slot: UnsafeCell::new(value),
            }));
        };
        let mut e = self.0.swap_remove(i);
        // Pairs with the Release decrement of the former owner's drop, so that its last
        // accesses happen before ours (what `Arc::get_mut` does after its check).
        fence(Ordering::Acquire);
        // SAFETY: unique (above), so the parker may touch the cells: rule 1. The former
        // owner took the slot, and completion or `take_decided` took the waker, so nothing
        // is dropped here, under the channel lock.
        let old = e
            .slot
            .with_mut(|s| unsafe { std::mem::replace(&mut *s, value) });
        debug_assert!(old.is_none(), "a finished entry's slot is empty");
        match (&e.kind, owner) {
            // The common case, a plain entry parking a plain operation again, is reset in
            // place, without the compare-and-swap of `Arc::get_mut`.
            (Kind::Plain { state, waker }, Owner::Plain(w)) => {
                // SAFETY: unique, as above.
                let old = waker.with_mut(|c| unsafe { (*c).replace(w) });
                debug_assert!(old.is_none(), "a finished entry keeps no waker");
                state.store(OPEN, Ordering::Relaxed); // published by the queue's lock
            }
            // Only drops a select's token reference (the select recycled the token, with
            // no waker in it).
            (_, owner) => {
                let entry = Arc::get_mut(&mut e).expect("gokio: a spare with count 1 is unique");
                entry.kind = owner.into_kind();
            }
        }
        Fresh(e)
    }
}
