//! A channel's send or receive queue: FIFO, behind the channel lock, with O(1) withdrawal.
//!
//! The idea is `crate::sync::waiters`' (and Go's `waitq` of `sudog`s, which `dequeueSudoG`
//! unlinks in O(1)): the entries sit in a slab of slots linked in FIFO order by index, and the
//! owner's [`Parked`] handle carries its slot's index, so withdrawing an entry or swapping its
//! waker goes straight to its slot instead of searching the queue. That search was O(N) under
//! the channel's spin lock: with N selects parked on one shared `done` channel, every select
//! woken elsewhere paid it to withdraw its `done` entry (`benches/chan.rs`,
//! `select_wake_scaling`).
//!
//! `sync::waiters::WaitQueue` itself is not reused: its slots carry a waker, an `Instant` and a
//! wait state for the mutexes (~64 bytes a slot, an `Instant` to supply on every park); here a
//! slot is the entry's `Arc` and two `u32` links.
//!
//! # Invariants (under the channel lock)
//!
//! - A slot is *linked* (in the FIFO order) exactly when it holds an entry; a popped or
//!   withdrawn entry's slot is emptied and goes to the free list at once, so a slot never
//!   keeps an entry alive after it left the queue (the channel's `Arc`s stay unique).
//! - A [`Parked`] handle's index is only a hint: its slot holds *its* entry (compared by
//!   address) only while the entry is queued. Once popped, the slot may be free or hold another
//!   entry; the address comparison tells. The same entry cannot come back to the same slot for
//!   the same handle: an entry is parked again only after its owner let go of it
//!   (`Parked::finish` consumes the handle).
//! - `len` counts the linked slots; `head` and `tail` are `NIL` exactly when `len == 0`.
//! - Every linked slot's `prev` is its predecessor's index, except the head's, which may be
//!   stale (popping the head does not rewrite its successor): the head is known by `head`.

use std::ptr::NonNull;
use std::task::Waker;

use super::{Claim, Entry, Fresh, Kind, Parked, Spares, Token, WITHDRAWN};
use crate::loom::Arc;

/// No slot.
const NIL: u32 = u32::MAX;

struct Slot<T> {
    /// The queued entry; `None` for a free slot.
    entry: Option<Arc<Entry<T>>>,
    prev: u32,
    /// The next slot in FIFO order, or (free slot) in the free list.
    next: u32,
}

/// The send or receive queue of a channel (module docs).
pub(crate) struct Queue<T> {
    slots: Vec<Slot<T>>,
    head: u32,
    tail: u32,
    free: u32,
    /// A `u32`, as the keys are (fewer than `NIL` slots): what an operation touches of the
    /// channel stays within 192 bytes (`chan::core::Shared`).
    len: u32,
}

impl<T> Queue<T> {
    pub(crate) const fn new() -> Self {
        Queue {
            slots: Vec::new(),
            head: NIL,
            tail: NIL,
            free: NIL,
            len: 0,
        }
    }

    #[inline]
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.len as usize
    }

    /// Parks `entry` at the back of the queue; returns the owner's handle on it.
    #[inline(always)]
    pub(crate) fn park(&mut self, entry: Fresh<T>) -> Parked<T> {
        // From the `Arc`'s own pointer (not from a `&Entry`), so that an orphaned entry can
        // be freed through it.
        let ptr = NonNull::new(Arc::as_ptr(&entry.0).cast_mut()).expect("an Arc is non-null");
        let (key, tail) = (self.free, self.tail);
        match self.slots.get_mut(key as usize) {
            // A free slot (`NIL` is out of bounds: no free slot).
            Some(slot) => {
                self.free = slot.next;
                let old = slot.entry.replace(entry.0);
                debug_assert!(old.is_none(), "a free slot holds no entry");
                std::mem::forget(old); // `None`: no drop code on this path
                slot.prev = tail;
                slot.next = NIL;
            }
            None => self.grow(entry.0, tail),
        }
        let key = self.tail_key(key);
        match tail {
            NIL => self.head = key,
            tail => self.slots[tail as usize].next = key,
        }
        self.tail = key;
        self.len += 1;
        Parked { ptr, key }
    }

    /// The key [`Self::park`] used: the free slot it took, else the slot [`Self::grow`] pushed.
    #[inline(always)]
    fn tail_key(&self, free_key: u32) -> u32 {
        if free_key == NIL {
            (self.slots.len() - 1) as u32 // `grow` checked that it fits below `NIL`
        } else {
            free_key
        }
    }

    /// [`Self::park`] without a free slot: a new one at the end of the slab.
    #[cold]
    #[inline(never)]
    fn grow(&mut self, entry: Arc<Entry<T>>, tail: u32) {
        assert!(
            self.slots.len() < NIL as usize,
            "gokio: more than 4 294 967 294 operations parked on one channel"
        );
        self.slots.push(Slot {
            entry: Some(entry),
            prev: tail,
            next: NIL,
        });
    }

    /// Unlinks the first slot and frees it; returns its entry.
    #[inline(always)]
    fn pop_front(&mut self) -> Option<Arc<Entry<T>>> {
        let key = self.head;
        let slot = self.slots.get_mut(key as usize)?; // `NIL`: empty
        let next = slot.next;
        let entry = slot.entry.take();
        slot.next = self.free;
        self.free = key;
        self.head = next;
        if next == NIL {
            self.tail = NIL;
        }
        // The new head's `prev` is left stale: `take` knows the head by `head`, not by `prev`.
        self.len -= 1;
        entry
    }

    /// Unlinks the linked slot `key` and frees it; returns its entry.
    fn take(&mut self, key: u32) -> Arc<Entry<T>> {
        let slot = &mut self.slots[key as usize];
        let (prev, next) = (slot.prev, slot.next);
        let entry = slot.entry.take().expect("a linked slot holds an entry");
        slot.next = self.free;
        self.free = key;
        let prev = if key == self.head {
            self.head = next;
            NIL
        } else {
            self.slots[prev as usize].next = next;
            prev
        };
        match next {
            NIL => self.tail = prev,
            next => self.slots[next as usize].prev = prev,
        }
        self.len -= 1;
        entry
    }

    /// The slot of `entry` if it is still queued (see the module docs on stale indices).
    #[inline]
    fn find(&self, entry: &Parked<T>) -> Option<&Arc<Entry<T>>> {
        let e = self.slots.get(entry.key as usize)?.entry.as_ref()?;
        entry.is(e).then_some(e)
    }

    /// Pops entries from the front until one can be claimed; dead select entries met on the
    /// way go to `spares`.
    #[inline(always)]
    pub(crate) fn claim<'s>(&mut self, spares: &'s mut Spares<T>) -> Option<Claim<'s, T>> {
        while let Some(entry) = self.pop_front() {
            if entry.try_claim() {
                return Some(Claim { entry, spares });
            }
            spares.retire_case(entry); // dead: its select may be finishing right now
        }
        None
    }

    /// Whether the queue holds a live entry that is not one of `me`'s (it stops at the first:
    /// usually the head).
    pub(crate) fn has_live(&self, me: &Token) -> bool {
        let mut key = self.head;
        while key != NIL {
            let slot = &self.slots[key as usize];
            if slot.entry.as_ref().is_some_and(|e| e.is_live_for(me)) {
                return true;
            }
            key = slot.next;
        }
        false
    }

    /// The owner takes `entry` out of the queue (cancelled, or its select settled), in O(1).
    /// If it is not queued any more, a plain entry was completed, under the lock the caller
    /// now holds, and a select's was claimed or met dead; either way it is decided.
    pub(crate) fn withdraw(&mut self, entry: &Parked<T>, spares: &mut Spares<T>) {
        if self.find(entry).is_none() {
            return;
        }
        let e = self.take(entry.key);
        match &e.kind {
            Kind::Plain { .. } => spares.retire_plain(e, WITHDRAWN),
            Kind::Case { .. } => spares.retire_case(e),
        }
    }

    /// A parked plain operation is polled again, maybe by another task: makes `waker` the
    /// one its completion wakes. `None`: not queued any more (completed, under the lock the
    /// caller now holds); `Some(old)`: still waiting, and `old` is a replaced waker for the
    /// caller to drop after unlocking.
    pub(crate) fn rewake(&mut self, entry: &Parked<T>, waker: &Waker) -> Option<Option<Waker>> {
        // Found in this queue, whose lock `&mut self` proves held: rule 2 lets us swap.
        Some(self.find(entry)?.swap_waker_queued(waker))
    }
}
