//! Parked operations: Go's `sudog` (an [`Entry`]) and `selectDone` (a [`Token`]), and the
//! queues that hold them. One of gokio's three `unsafe` modules (with `src/spin.rs` and
//! `src/sync/mutex/cell.rs`).
//!
//! Why it exists: `benches/chan.rs`, `pingpong` and `spsc_unbuffered` (see the commits that
//! made this module unsafe, and `BENCHMARKS.md`). Before, an entry's slot and waker sat behind
//! spin locks, every hand-off to a plain parked operation went through a compare-and-swap, and
//! the parked operation held a counted reference to its entry, so one rendezvous cost nine
//! atomic read-modify-writes and ~880 instructions; kanal needs about four. The rules below
//! make plain cells and an uncounted pointer enough.
//!
//! # Who keeps an entry alive
//!
//! The channel owns every entry (an `Arc` with a count of 1, in a queue or among the
//! [`Spares`]); the parked operation holds a [`Parked`], an uncounted pointer to it. The
//! channel frees an entry only when its owner has let go of it ([`Parked::finish`] stores
//! `FREE` as its last access) or when the channel itself is dropped, which cannot happen
//! while a `Parked` is in use: the futures and select cases holding one borrow the channel,
//! and the handles holding one (a `Receiver`'s stream, a `Sender`'s sink) keep it alive and
//! withdraw the operation when dropped. A `Parked` that is leaked instead leaks its entry
//! until the channel is dropped.
//!
//! The channel keeps at most [`SPARE_ENTRIES`] entries out of its queues, so that a million
//! receivers woken by one `close` cost constant work each and leave no million spares behind.
//! An entry that leaves its queue when the spares are full (none of them `FREE`) is handed to
//! its owner instead (`ORPHAN`), which frees it in `finish` — except a receive's entry that
//! was handed a value (`HANDED`), which `close` may have to reach (rule 5): the channel keeps
//! it in its held list until it is `FREE` ([`Spares`]). For a plain entry the bit is
//! published together with `DONE` or `WITHDRAWN`, before the owner may look; a select's entry
//! can be retired while its owner finishes (a dead entry met in a queue), so there both sides
//! use read-modify-writes on its state, and whichever comes second frees it.
//!
//! # Who may touch an entry's cells
//!
//! An entry has a `slot` (the value: a parked sender's, or the one handed to a parked
//! receiver) and, for a plain `send`/`recv`, a `waker`. At any moment exactly one party may
//! touch them:
//!
//! 1. **The owner, before parking.** [`Spares::fresh`] builds an entry or reuses a `FREE`
//!    one, and [`Queue::park`] is the only way into a queue, so an entry is in at most one
//!    queue, once.
//! 2. **The channel, while the entry is queued.** Queues live in the channel state, behind the
//!    channel lock, so `&mut Queue` means that lock is held. A queued plain entry is always
//!    live; [`Queue::rewake`] swaps its waker only after finding it in the queue.
//! 3. **The claimer.** [`Queue::claim`] pops the entry (under the lock) and claims it: a
//!    plain entry by being popped, as nothing else completes it; a select's entry by winning
//!    its token's compare-and-swap (`WAITING → CLAIMING`), which fails for every other
//!    counterpart and for the owner's abort. The [`Claim`] fills in the slot, takes the waker,
//!    and publishes the result with a `Release` store (`DONE`, or `SELECTED(case)`), all
//!    before the channel lock is released.
//! 4. **The owner, once decided.** [`Parked::finish`] checks with an `Acquire` load that
//!    the entry is decided: completed and published (rule 3), withdrawn by its owner under the
//!    lock ([`Queue::withdraw`], plain entries), or — for a select — its token aborted or
//!    selected for another case, after which no claim can succeed. Nobody else touches a
//!    decided entry: it left its queue (or is dead in it, and a dead entry's cells are never
//!    read), and a spare is reused only once `FREE`. A receive that was handed a value
//!    (`HANDED`) first claims the slot with a compare-and-swap (`HANDED → DONE`).
//! 5. **`close`, taking a handed value back.** Under the channel lock, `close` may win a
//!    `HANDED` entry's slot instead (`HANDED → STOLEN`, [`Spares::steal`]); the owner's claim
//!    then fails and it never touches the slot. Exactly one of the two compare-and-swaps
//!    succeeds, and only its winner reads the slot (`chan::core`'s invariant 5 says why).
//!
//! Loom checks every cell access against these rules (`crate::loom::cell`, `tests/loom_chan.rs`).
#![allow(unsafe_code)]
#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]

mod queue;
mod spare_list;
mod token;

use std::ptr::NonNull;
use std::task::Waker;

pub(crate) use self::queue::Queue;
use self::spare_list::SpareList;
#[allow(unreachable_pub)] // sealed: reachable only through the `select!` plumbing
pub use self::token::Token;
use crate::loom::atomic::{AtomicU8, Ordering};
use crate::loom::cell::UnsafeCell;
use crate::loom::Arc;

/// The entry is queued, or being parked, or (a select's) waiting for its token's decision.
const OPEN: u8 = 0;
/// A counterpart (or `close`) completed the plain entry and published its slot.
const DONE: u8 = 1;
/// The owner took the plain entry out of its queue (cancelled).
const WITHDRAWN: u8 = 4;
/// The owner let go of the entry: the channel may reuse or free it.
const FREE: u8 = 5;
/// A counterpart handed a value to the receive entry (plain or a select's case) and nobody
/// has claimed it yet: the owner claims it with `HANDED → DONE`, or `close` steals it with
/// `HANDED → STOLEN` (both compare-and-swaps, so exactly one side gets the value). Never
/// combined with `ORPHAN`: the channel keeps every `HANDED` entry reachable (see [`Spares`]).
const HANDED: u8 = 2;
/// `close` took the value a `HANDED` entry held (under the channel lock, after its
/// compare-and-swap): the owner's slot is empty and the owner must not touch it; its receive
/// looks at the channel again (`core`'s invariants say why).
const STOLEN: u8 = 3;
/// Set on top of a state when the channel, its spares full, handed its reference to the
/// owner: the owner frees the entry when done instead of storing `FREE` ([`Spares`]).
const ORPHAN: u8 = 0x80;

/// How many entries a channel keeps once they left their queue. An entry becomes a spare
/// while its owner may still hold it, so a sender and a receiver taking turns to park need two
/// each. Under loom it is 1, so that models reach the `ORPHAN` hand-over and the held list.
#[cfg(not(loom))]
const SPARE_ENTRIES: usize = 4;
#[cfg(loom)]
const SPARE_ENTRIES: usize = 1;

/// The held list is compacted (its `FREE` entries dropped) when it reaches this length, or
/// twice its length after the previous compaction, whichever is more: amortised O(1) a push.
const HELD_MIN: usize = 8;

/// Who an entry waits for.
enum Kind {
    /// A plain `send`/`recv`: completed under the channel lock, so no claim race.
    Plain {
        /// The owner's waker (rules 1–3).
        waker: UnsafeCell<Option<Waker>>,
    },
    /// Case `case` of the select that owns `token` (which holds the waker).
    Case { token: Arc<Token>, case: usize },
}

/// One parked operation on one channel.
pub(crate) struct Entry<T> {
    /// `OPEN`, `DONE` or `WITHDRAWN` (plain entries), then `FREE`; maybe with `ORPHAN`.
    state: AtomicU8,
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

/// The owner's handle on its parked entry: an uncounted pointer (module docs: the channel
/// keeps the entry alive until [`Self::finish`]).
pub(crate) struct Parked<T> {
    ptr: NonNull<Entry<T>>,
    /// The entry's slot in its queue while it is queued ([`Queue`]'s O(1) withdrawal).
    key: u32,
}

// SAFETY: a `Parked` only reaches its entry's atomics and, once decided, the cells that rule 4
// gives to the owner, so moving or sharing it between threads is what sharing the entry is
// (see `Entry`'s `Send`/`Sync`).
unsafe impl<T: Send> Send for Parked<T> {}
// SAFETY: as above; `&Parked` reaches only the entry's atomics.
unsafe impl<T: Send> Sync for Parked<T> {}

impl<T> Parked<T> {
    #[inline]
    fn entry(&self) -> &Entry<T> {
        // SAFETY: the channel keeps the entry alive until `finish` stores `FREE`, and
        // `finish` consumes the handle; the channel outlives the handle (module docs).
        unsafe { self.ptr.as_ref() }
    }

    /// Whether this entry completed: a counterpart (or `close`) published its result.
    #[inline]
    pub(crate) fn won(&self) -> bool {
        let e = self.entry();
        match &e.kind {
            Kind::Plain { .. } => completed(e.state.load(Ordering::Acquire)),
            Kind::Case { token, case } => token.selected() == Some(*case),
        }
    }

    /// Owner side, once the entry is decided (completed, withdrawn, or its select settled and
    /// the entry withdrawn): takes what the slot holds (a receive: the value, or `None` if woken
    /// by close or withdrawn; a send: `None` if a receiver took the value, else the value back)
    /// and lets go of the entry. A plain entry's waker, if still there (withdrawn), is dropped
    /// here, outside any lock: spares keep no waker.
    ///
    /// # Panics
    ///
    /// If the entry is undecided: that would be a gokio bug, and touching the slot then a
    /// data race.
    #[inline]
    pub(crate) fn finish(self) -> Option<T> {
        let e = self.entry();
        if let Kind::Plain { .. } = &e.kind
            && let Some(v) = e.take_completed(e.state.load(Ordering::Acquire))
        {
            return v;
        }
        self.finish_other()
    }

    /// [`Self::won`] and then [`Self::finish`], for a parked operation polled again: the
    /// result if the entry completed (the handle is consumed), else `None` (it is left in
    /// `entry`). A plain entry's state is loaded once for both questions.
    #[inline]
    pub(crate) fn finish_won(entry: &mut Option<Self>) -> Option<Option<T>> {
        let parked = entry.as_ref()?;
        let e = parked.entry();
        if let Kind::Plain { .. } = &e.kind {
            let state = e.state.load(Ordering::Acquire);
            if let Some(v) = e.take_completed(state) {
                *entry = None; // `finish` consumes the handle: the entry is gone for us
                return Some(v);
            }
            if !completed(state) {
                return None; // not won: `won`'s test, on this very load
            }
        } else if !parked.won() {
            return None;
        }
        entry.take().map(Self::finish_other)
    }

    /// [`Self::finish`] beyond a plain receive's claim of its value.
    #[inline(never)]
    fn finish_other(self) -> Option<T> {
        let e = self.entry();
        // For a plain entry, `ORPHAN` comes with the decision (module docs).
        let mut state = e.state.load(Ordering::Acquire);
        let decided = match &e.kind {
            Kind::Plain { .. } => state & !ORPHAN != OPEN,
            Kind::Case { token, .. } => token.is_decided(),
        };
        assert!(
            decided,
            "gokio bug: an undecided entry's slot belongs to its channel"
        );
        if state == HANDED {
            // A value was handed to this receive: claim it before touching the slot, against
            // `close`, which may steal it (`HANDED → STOLEN`). A case entry's state is
            // loaded after its token's decision (Acquire), which the hand-off published.
            state =
                match e
                    .state
                    .compare_exchange(HANDED, DONE, Ordering::Acquire, Ordering::Acquire)
                {
                    Ok(_) => DONE,
                    Err(now) => now,
                };
        }
        if let Kind::Plain { waker } = &e.kind {
            // SAFETY: decided (checked above, Acquire): rule 4 makes the owner the only party
            // that may touch the cells (a stolen entry's waker was taken when it completed).
            drop(waker.with_mut(|w| unsafe { (*w).take() }));
        }
        let v = if state == STOLEN {
            None // `close` took the value, and the slot stays its until the lock is released
        } else {
            // SAFETY: as above; not stolen, so the slot is the owner's.
            e.slot.with_mut(|s| unsafe { (*s).take() })
        };
        // The last access: from here the channel may reuse or free the entry, unless it
        // handed the entry over (`ORPHAN`).
        let orphan = match &e.kind {
            Kind::Plain { .. } if state & ORPHAN == 0 => {
                e.state.store(FREE, Ordering::Release);
                false
            }
            Kind::Plain { .. } => true,
            Kind::Case { .. } => e.state.swap(FREE, Ordering::AcqRel) & ORPHAN != 0,
        };
        if orphan {
            // SAFETY: the channel forgot its `Arc` (count 1) and left the entry to this owner
            // (`Spares`), the only one left to reach it; the pointer is that `Arc`'s
            // (`Queue::park`).
            drop(unsafe { Arc::from_raw(self.ptr.as_ptr().cast_const()) });
        }
        v
    }

    #[inline]
    fn is(&self, e: &Arc<Entry<T>>) -> bool {
        std::ptr::eq(Arc::as_ptr(e), self.ptr.as_ptr())
    }
}

/// Whether a plain entry in `state` (any `ORPHAN` bit aside) was completed by a counterpart
/// or by `close`: `DONE`, `HANDED` or `STOLEN`, which are 1, 2 and 3, so one comparison.
#[inline(always)]
fn completed(state: u8) -> bool {
    (state & !ORPHAN).wrapping_sub(DONE) <= STOLEN - DONE
}

impl<T> Entry<T> {
    /// The common ends of a plain entry, kept short: completed by a counterpart or by `close`
    /// (`DONE`, and not `ORPHAN`), or a receive claiming the value handed to it (`HANDED →
    /// DONE`, against `close`'s steal). Either way its waker went with the completion
    /// (`Claim` takes it) and nobody else touches it any more (rule 4), so the owner takes the
    /// slot — a receive: its value, or `None` if woken by close; a send: `None` if taken, its
    /// value back if closed — and lets go. `state` is the entry's state, loaded with Acquire
    /// (the completer's slot write comes before it); `None` for any other case, which
    /// [`Parked::finish_other`] handles (withdrawn, stolen, orphaned).
    #[inline(always)]
    fn take_completed(&self, state: u8) -> Option<Option<T>> {
        if state == DONE
            || (state == HANDED
                && self
                    .state
                    .compare_exchange(HANDED, DONE, Ordering::Acquire, Ordering::Relaxed)
                    .is_ok())
        {
            // SAFETY: decided and not stolen (rule 4, Acquire): the owner is the only party
            // that may touch the cells.
            let v = self.slot.with_mut(|s| unsafe { (*s).take() });
            self.state.store(FREE, Ordering::Release); // the last access
            return Some(v);
        }
        None
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

    /// Rule 2: makes `waker` the one a queued plain entry's completion wakes; returns a
    /// replaced waker for the caller to drop after unlocking. The caller holds the channel
    /// lock and found the entry in its queue.
    fn swap_waker_queued(&self, waker: &Waker) -> Option<Waker> {
        let Kind::Plain { waker: cell, .. } = &self.kind else {
            return None; // a select's waker lives in its token
        };
        // SAFETY: queued, and the caller holds the lock of its queue: rule 2.
        cell.with_mut(|w| unsafe {
            match &*w {
                Some(old) if old.will_wake(waker) => None,
                _ => (*w).replace(waker.clone()),
            }
        })
    }

    /// Rule 3: claims this just-popped entry; `false` if it is a dead select entry.
    #[inline]
    fn try_claim(&self) -> bool {
        match &self.kind {
            Kind::Plain { .. } => {
                debug_assert_eq!(self.state.load(Ordering::Relaxed), OPEN, "queued: open");
                true
            }
            Kind::Case { token, .. } => token.claim(),
        }
    }
}

/// The right to complete one popped entry (rule 3); consumed by completing it.
pub(crate) struct Claim<'s, T> {
    entry: Arc<Entry<T>>,
    spares: &'s mut Spares<T>,
}

impl<T> Claim<'_, T> {
    /// Hands `v` to the parked receiver. Returns the waker to wake once unlocked.
    #[inline(always)]
    pub(crate) fn deliver(self, v: T) -> Option<Waker> {
        // SAFETY: rule 3, this claim is the only party that may touch the cells.
        self.entry.slot.with_mut(|s| unsafe { *s = Some(v) });
        self.complete(HANDED)
    }

    /// Takes the parked sender's value. Also returns the waker to wake once unlocked.
    #[inline(always)]
    pub(crate) fn take(self) -> (T, Option<Waker>) {
        // SAFETY: rule 3, as in `deliver`.
        let v = self.entry.slot.with_mut(|s| unsafe { (*s).take() });
        let v = v.expect("gokio: a parked send entry always holds its value");
        (v, self.complete(DONE))
    }

    /// `close`: completes the entry with its slot left as it is (empty for a receiver:
    /// "closed"; the value for a sender: "closed, here is your value back").
    #[inline]
    pub(crate) fn close(self) -> Option<Waker> {
        self.complete(DONE)
    }

    /// Takes the waker and publishes the result (Release: the slot write comes first):
    /// `HANDED` for a value handed to a receive, `DONE` otherwise.
    #[inline(always)]
    fn complete(self, decision: u8) -> Option<Waker> {
        let Claim { entry, spares } = self;
        match &entry.kind {
            Kind::Plain { waker } => {
                // SAFETY: rule 3, as in `deliver`; the waker is taken before publishing.
                let w = waker.with_mut(|w| unsafe { (*w).take() });
                spares.retire_plain(entry, decision);
                w
            }
            Kind::Case { token, case } => {
                if decision == HANDED {
                    // Before the token's publication (Release), which the owner reads
                    // (Acquire) before it looks at this state; nobody else writes it now: the
                    // entry is claimed and not retired yet.
                    entry.state.store(HANDED, Ordering::Relaxed);
                }
                token.publish(*case);
                let w = token.take_waker();
                spares.retire_case(entry);
                w
            }
        }
    }
}

/// Up to [`SPARE_ENTRIES`] entries that left their queue, whose owners may still hold them:
/// once `FREE`, later operations and select cases park with them (Go's `sudog` cache, which
/// takes allocation off the parking path). See the module docs for entries beyond that.
///
/// Beside them, the *held* list: entries the channel must keep reaching although they are not
/// spares. A `HANDED` entry is never orphaned, as `close` may have to steal its value
/// ([`Spares::steal`]); and a spare that is still owned when a park finds no `FREE` spare is
/// moved here (evicted), so that a forgotten (`mem::forget`) operation's entry, never `FREE`
/// again, cannot keep a spare's place and make every later park allocate. Held entries are
/// dropped once `FREE`, by compaction when the list has doubled (amortised O(1) a push).
pub(crate) struct Spares<T> {
    spare: SpareList<T>,
    /// Boxed: rarely used, and one pointer keeps what an operation touches of the channel
    /// within 192 bytes (`chan::core::Shared`).
    held: Option<Box<Held<T>>>,
}

/// The held list ([`Spares`]).
struct Held<T> {
    entries: Vec<Arc<Entry<T>>>,
    /// The list's length that triggers the next compaction.
    limit: usize,
}

impl<T> Spares<T> {
    pub(crate) const fn new() -> Self {
        Spares {
            spare: SpareList::new(),
            held: None,
        }
    }

    /// Whether one more entry can be kept, dropping a `FREE` spare to make room if needed.
    #[inline]
    fn has_room(&mut self) -> bool {
        !self.spare.is_full() || self.make_room()
    }

    #[inline(never)]
    fn make_room(&mut self) -> bool {
        match self.spare.position(Self::is_free) {
            Some(i) => {
                // Drops an `Arc` with a count of 1 (`FREE`: nothing left in its cells but a
                // select's token reference).
                self.spare.swap_remove(i);
                true
            }
            None => false,
        }
    }

    /// Keeps `e` in the held list, first dropping the held entries that are `FREE` if the
    /// list reached its limit.
    #[inline(never)]
    fn hold(&mut self, e: Arc<Entry<T>>) {
        let held = self.held.get_or_insert_with(|| {
            Box::new(Held {
                entries: Vec::new(),
                limit: HELD_MIN,
            })
        });
        if held.entries.len() >= held.limit {
            held.entries.retain(|e| !Self::is_free(e));
            held.limit = HELD_MIN.max(2 * held.entries.len());
        }
        held.entries.push(e);
    }

    /// Retires a plain entry by publishing its decision, `DONE`, `HANDED` or `WITHDRAWN`, with
    /// `ORPHAN` if there is no room to keep it (a `HANDED` one is held instead). The owner may
    /// free an orphan as soon as it sees that store, so nothing touches the entry after it:
    /// the channel's `Arc` is kept or forgotten without being read.
    #[inline(always)]
    fn retire_plain(&mut self, e: Arc<Entry<T>>, decision: u8) {
        if self.has_room() {
            // Release: the slot written by a claimer comes first (for `WITHDRAWN`, only the
            // owner reads it, on this thread).
            e.state.store(decision, Ordering::Release);
            self.spare.push(e);
        } else {
            self.retire_plain_beyond(e, decision);
        }
    }

    /// [`Self::retire_plain`] without room among the spares: hold a `HANDED` entry, hand any
    /// other to its owner.
    #[cold]
    #[inline(never)]
    fn retire_plain_beyond(&mut self, e: Arc<Entry<T>>, decision: u8) {
        if decision == HANDED {
            e.state.store(HANDED, Ordering::Release);
            self.hold(e);
        } else {
            e.state.store(decision | ORPHAN, Ordering::Release);
            std::mem::forget(e);
        }
    }

    /// Retires a select's entry, whose owner may be finishing it concurrently: if there is no
    /// room, the `ORPHAN` bit and the owner's final swap decide, in the order of the two
    /// read-modify-writes, which side frees it. A `HANDED` entry (set by its claimer, just
    /// before) is held instead.
    fn retire_case(&mut self, e: Arc<Entry<T>>) {
        if self.has_room() {
            self.spare.push(e);
        } else if e.state.load(Ordering::Relaxed) == HANDED {
            self.hold(e); // written on this thread, under this lock: no race on the load
        } else if e.state.fetch_or(ORPHAN, Ordering::AcqRel) == FREE {
            drop(e); // the owner is done: free it here
        } else {
            std::mem::forget(e); // the owner's `finish` sees `ORPHAN` and frees it
        }
    }

    /// `close`: takes the value out of every `HANDED` entry whose owner has not claimed it
    /// yet (`HANDED → STOLEN`; the owner's claim then fails and it never touches the slot).
    /// Every `HANDED` entry is a spare or held, so none is missed.
    pub(crate) fn steal(&mut self, mut f: impl FnMut(T)) {
        let held = self.held.iter().flat_map(|h| h.entries.iter());
        for e in self.spare.iter().chain(held) {
            if e.state.load(Ordering::Relaxed) == HANDED
                && e.state
                    .compare_exchange(HANDED, STOLEN, Ordering::Acquire, Ordering::Relaxed)
                    .is_ok()
            {
                // SAFETY: this compare-and-swap won the value against the owner's claim
                // (`Parked::finish`), which leaves the slot alone once it sees `STOLEN`; the
                // claimer that filled it did so under the channel lock, which we hold.
                let v = e.slot.with_mut(|s| unsafe { (*s).take() });
                f(v.expect("gokio: a HANDED entry holds its value"));
            }
        }
    }

    /// Whether the owner has let go (Acquire: its last accesses happen before ours).
    #[inline]
    fn is_free(e: &Arc<Entry<T>>) -> bool {
        e.state.load(Ordering::Acquire) == FREE
    }

    /// An entry for `owner` about to park (`value` is `Some` for a send): a `FREE` spare,
    /// else a new one.
    ///
    /// A select's case takes the `FREE` spare retired last (last in, first out): usually the
    /// entry this select withdrew from this channel just before parking again, still in
    /// cache, whose token reference is the select's previous token. Re-kinding it drops that
    /// reference, so the token is unique again when the thread's pool looks for one; taking
    /// the oldest spare instead left the pooled tokens referenced by other spares, and with
    /// many selects parked on one channel about every second park allocated a token
    /// (`select_wake_scaling` in `benches/chan.rs`: 175 instructions a wake). A plain
    /// operation takes the oldest, which its counterpart is done with: on a rendezvous the
    /// newest is often not `FREE` yet (callgrind: `pingpong` and `spsc_unbuffered` +3% with
    /// last in, first out for them too).
    #[inline(always)]
    pub(crate) fn fresh(&mut self, owner: Owner<'_>, value: Option<T>) -> Fresh<T> {
        let found = match owner {
            Owner::Plain(_) => self.spare.position(Self::is_free),
            Owner::Case(..) => self.spare.rposition(Self::is_free),
        };
        let Some(i) = found else {
            if self.spare.is_full() {
                // Every spare is still owned: evict the oldest, which may never come back
                // (a forgotten operation), so that the new entry gets its place.
                let oldest = self.spare.remove_first();
                self.hold(oldest);
            }
            return Fresh(Arc::new(Entry {
                state: AtomicU8::new(OPEN),
                kind: owner.into_kind(),
                slot: UnsafeCell::new(value),
            }));
        };
        let mut e = self.spare.swap_remove(i);
        // SAFETY: FREE and out of every queue: nobody else touches the cells (rule 1). Its
        // former owner took the slot, and completion or `finish` took the waker, so both
        // cells are empty: they are overwritten without reading (or dropping) what they
        // held, and nothing is dropped here, under the channel lock.
        e.slot.with_mut(|s| unsafe {
            debug_assert!((*s).is_none(), "a finished entry's slot is empty");
            std::ptr::write(s, value);
        });
        match (&e.kind, owner) {
            // The common case, a plain entry parking a plain operation again, is reset in
            // place.
            (Kind::Plain { waker }, Owner::Plain(w)) => {
                // SAFETY: as above.
                waker.with_mut(|c| unsafe {
                    debug_assert!((*c).is_none(), "a finished entry keeps no waker");
                    std::ptr::write(c, Some(w));
                });
            }
            // Only drops a select's token reference (the select recycled the token, with
            // no waker in it).
            (_, owner) => {
                let entry = Arc::get_mut(&mut e).expect("gokio: the channel's entries are unique");
                entry.kind = owner.into_kind();
            }
        }
        e.state.store(OPEN, Ordering::Relaxed); // published by the queue's lock
        Fresh(e)
    }
}
