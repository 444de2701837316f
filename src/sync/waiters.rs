//! FIFO waiter queue shared by [`Mutex`](super::Mutex) and [`RwMutex`](super::RwMutex)
//! (private), plus the batch of wakers their releases wake outside the lock.
//!
//! The queue is a slab of slots linked in FIFO order by index (Go's `semaRoot` keeps a
//! similar list of `sudog`s per address). Freed slots are reused through a free list, so a
//! lock that has reached its peak number of waiters never allocates again.
//!
//! # Invariants
//! - A key (slot index) is owned by exactly one future from `push_*` until `free`: the
//!   queue never frees a slot on its own. `pop_front` and `unlink` only take the slot out
//!   of the FIFO order; the slot stays allocated, so its owner can read the [`WaitState`]
//!   the waker left there, and a key is never reused while its future still holds it.
//! - A slot's payload `K` is the lock's own: the `RwMutex` stores reader/writer, the `Mutex`
//!   the waiter's age for its starvation check.
//! - `len` counts the linked slots; `head`/`tail` are `NIL` exactly when `len == 0`.
//! - The queue itself is not synchronised: its owner keeps it under one lock.

use std::task::Waker;

/// No slot.
const NIL: usize = usize::MAX;

/// What the waker has told the waiting future.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WaitState {
    /// Queued; nobody has touched it.
    Waiting,
    /// Woken to compete for the lock (Go's normal mode). The `Mutex` leaves such a waiter
    /// linked at the head until its owner polls it, so that its claim stays visible.
    Notified,
    /// Taken off the queue and handed the lock: the waiter owns it now.
    Granted,
}

/// One waiter.
#[derive(Debug)]
pub(crate) struct Slot<K> {
    /// The waiter's waker; taken by whoever wakes it.
    pub(crate) waker: Option<Waker>,
    /// Set by the waker, read by the owning future.
    pub(crate) state: WaitState,
    /// Per-lock payload (the `RwMutex` stores reader/writer here, the `Mutex` the age).
    pub(crate) kind: K,
    prev: usize,
    next: usize,
    linked: bool,
}

/// The FIFO queue. See the module docs for its invariants.
#[derive(Debug)]
pub(crate) struct WaitQueue<K> {
    slots: Vec<Slot<K>>,
    head: usize,
    tail: usize,
    free: usize,
    len: usize,
}

impl<K> WaitQueue<K> {
    /// An empty queue (no allocation).
    pub(crate) const fn new() -> Self {
        WaitQueue {
            slots: Vec::new(),
            head: NIL,
            tail: NIL,
            free: NIL,
            len: 0,
        }
    }

    /// No waiter is linked.
    #[inline]
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many waiters are linked.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The first linked waiter.
    #[inline]
    pub(crate) fn front(&self) -> Option<usize> {
        (self.head != NIL).then_some(self.head)
    }

    /// The slot behind `key`.
    #[inline]
    pub(crate) fn slot(&mut self, key: usize) -> &mut Slot<K> {
        &mut self.slots[key]
    }

    /// Allocates a slot (reusing a free one) in state `Waiting`, not yet linked.
    fn alloc(&mut self, waker: Waker, kind: K) -> usize {
        let slot = Slot {
            waker: Some(waker),
            state: WaitState::Waiting,
            kind,
            prev: NIL,
            next: NIL,
            linked: false,
        };
        if self.free == NIL {
            self.slots.push(slot);
            self.slots.len() - 1
        } else {
            let key = self.free;
            self.free = self.slots[key].next;
            self.slots[key] = slot;
            key
        }
    }

    /// Queues a new waiter at the back and returns its key.
    pub(crate) fn push_back(&mut self, waker: Waker, kind: K) -> usize {
        let key = self.alloc(waker, kind);
        self.link_back(key);
        key
    }

    /// Links an allocated, unlinked slot at the back.
    fn link_back(&mut self, key: usize) {
        let tail = self.tail;
        let slot = &mut self.slots[key];
        debug_assert!(!slot.linked);
        slot.prev = tail;
        slot.next = NIL;
        slot.linked = true;
        if tail == NIL {
            self.head = key;
        } else {
            self.slots[tail].next = key;
        }
        self.tail = key;
        self.len += 1;
    }

    /// Takes the first waiter out of the FIFO order (its slot stays allocated).
    pub(crate) fn pop_front(&mut self) -> Option<usize> {
        let key = self.front()?;
        self.unlink(key);
        Some(key)
    }

    /// Takes `key` out of the FIFO order if it is linked (its slot stays allocated).
    pub(crate) fn unlink(&mut self, key: usize) {
        let slot = &mut self.slots[key];
        if !slot.linked {
            return;
        }
        slot.linked = false;
        let (prev, next) = (slot.prev, slot.next);
        if prev == NIL {
            self.head = next;
        } else {
            self.slots[prev].next = next;
        }
        if next == NIL {
            self.tail = prev;
        } else {
            self.slots[next].prev = prev;
        }
        self.len -= 1;
    }

    /// Unlinks (if needed) and frees `key`, returning its final state.
    pub(crate) fn free(&mut self, key: usize) -> WaitState {
        self.unlink(key);
        let slot = &mut self.slots[key];
        let state = slot.state;
        slot.waker = None;
        slot.next = self.free;
        self.free = key;
        state
    }
}

/// Wakers collected under a lock and woken after it is released (no allocation). A
/// releaser that fills it wakes this batch and comes back for the rest.
pub(crate) struct WakeList {
    wakers: [Option<Waker>; WakeList::CAP],
    len: usize,
}

impl WakeList {
    const CAP: usize = 16;

    pub(crate) fn new() -> Self {
        WakeList {
            wakers: [const { None }; WakeList::CAP],
            len: 0,
        }
    }

    pub(crate) fn is_full(&self) -> bool {
        self.len == Self::CAP
    }

    /// Adds a waker; the caller checks `is_full` first.
    pub(crate) fn push(&mut self, waker: Option<Waker>) {
        debug_assert!(!self.is_full());
        self.wakers[self.len] = waker;
        self.len += 1;
    }

    pub(crate) fn wake_all(mut self) {
        for w in self.wakers[..self.len].iter_mut() {
            if let Some(w) = w.take() {
                w.wake();
            }
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::{WaitQueue, WaitState};
    use futures::task::noop_waker;

    #[test]
    fn fifo_order_unlink_and_reuse() {
        let mut q = WaitQueue::new();
        let a = q.push_back(noop_waker(), ());
        let b = q.push_back(noop_waker(), ());
        let c = q.push_back(noop_waker(), ());
        assert_eq!(q.len(), 3);
        q.unlink(b);
        assert_eq!(q.pop_front(), Some(a));
        assert_eq!(q.free(a), WaitState::Waiting);
        assert_eq!(q.pop_front(), Some(c));
        assert!(q.is_empty());
        q.free(b);
        q.free(c);
        // Freed slots are reused: no growth.
        let d = q.push_back(noop_waker(), ());
        assert!(d == b || d == c);
        assert_eq!(q.slots.len(), 3);
    }
}
