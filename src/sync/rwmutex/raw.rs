//! The [`RwMutex`](super::RwMutex) lock protocol: who may hold the lock, in which order.
//!
//! Source: Go's `src/sync/rwmutex.go` for the semantics (once a writer waits, new readers
//! wait behind it). Simplicity beats speed here: all state sits under one lock.
//!
//! # Algorithm
//! State: `readers` (active read guards), `writer` (a write guard is active) and one FIFO
//! queue of waiters tagged read or write.
//! - **read** is admitted at once iff no writer is active and nobody is queued; **write**
//!   iff nobody is active and nobody is queued. Otherwise the waiter queues at the back.
//!   So a waiting writer blocks every later reader (writer preference), and no one
//!   overtakes anyone (FIFO).
//! - **grant** (after a release or a cancellation): walk the queue from the head, admitting
//!   a writer if nobody is active, or every consecutive reader while no writer is active;
//!   stop at the first waiter that cannot be admitted. Admission is a direct hand-off: the
//!   waiter's counts are taken for it and its slot is marked `Granted` before it is woken.
//! - **cancellation**: a `Waiting` waiter leaves the queue (then grant runs: a cancelled
//!   writer at the head may have been holding readers back); a `Granted` one releases what
//!   it was given.
//!
//! # Invariants
//! 1. `writer` implies `readers == 0`: a grant of [`Kind::Write`] is exclusive, and grants of
//!    [`Kind::Read`] only ever coexist with each other. The value cell's soundness argument
//!    (`src/sync/mutex/cell.rs`) rests on this one.
//! 2. When the state lock is free, the head of the queue cannot be admitted (grant has run
//!    after every change that could admit it).
//! 3. A slot is freed only by its owning future (see `waiters.rs`).
//!
//! Everything here is `const`-constructible (std's `Mutex::new`, `WaitQueue::new`), so a
//! `static` can hold an `RwMutex`.

use std::task::{Context, Poll, Waker};

use crate::sync::waiters::{WaitQueue, WaitState, WakeList};

/// What a waiter or guard holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Shared: any number at once.
    Read,
    /// Exclusive.
    Write,
}

struct State {
    readers: usize,
    writer: bool,
    queue: WaitQueue<Kind>,
}

impl State {
    fn admissible(&self, kind: Kind) -> bool {
        match kind {
            Kind::Read => !self.writer,
            Kind::Write => !self.writer && self.readers == 0,
        }
    }

    fn take(&mut self, kind: Kind) {
        match kind {
            Kind::Read => self.readers += 1,
            Kind::Write => self.writer = true,
        }
    }

    fn give_back(&mut self, kind: Kind) {
        match kind {
            Kind::Read => self.readers -= 1,
            Kind::Write => self.writer = false,
        }
    }

    /// Admits waiters from the head while possible. Returns `true` if it stopped only
    /// because `wakers` is full.
    fn grant(&mut self, wakers: &mut WakeList) -> bool {
        while let Some(k) = self.queue.front() {
            let kind = self.queue.slot(k).kind;
            if !self.admissible(kind) {
                break;
            }
            if wakers.is_full() {
                return true;
            }
            self.take(kind);
            self.queue.pop_front();
            let slot = self.queue.slot(k);
            slot.state = WaitState::Granted;
            wakers.push(slot.waker.take());
            if kind == Kind::Write {
                break;
            }
        }
        false
    }
}

/// The non-generic protocol.
pub(crate) struct RawRwMutex {
    state: crate::loom::Mutex<State>,
}

impl RawRwMutex {
    crate::loom::const_fn! {
        pub(crate) fn new() -> Self {
            RawRwMutex {
                state: crate::loom::Mutex::new(State {
                    readers: 0,
                    writer: false,
                    queue: WaitQueue::new(),
                }),
            }
        }
    }

    pub(crate) fn try_acquire(&self, kind: Kind) -> bool {
        let mut st = crate::loom::lock(&self.state);
        let ok = st.queue.is_empty() && st.admissible(kind);
        if ok {
            st.take(kind);
        }
        ok
    }

    pub(crate) fn poll_acquire(
        &self,
        kind: Kind,
        key: &mut Option<usize>,
        waker: &Waker,
    ) -> Poll<()> {
        let mut st = crate::loom::lock(&self.state);
        match *key {
            None => {
                if st.queue.is_empty() && st.admissible(kind) {
                    st.take(kind);
                    return Poll::Ready(());
                }
                *key = Some(st.queue.push_back(waker.clone(), kind));
                Poll::Pending
            }
            Some(k) => {
                let slot = st.queue.slot(k);
                if slot.state == WaitState::Granted {
                    st.queue.free(k);
                    *key = None;
                    return Poll::Ready(());
                }
                if !slot.waker.as_ref().is_some_and(|w| w.will_wake(waker)) {
                    slot.waker = Some(waker.clone());
                }
                Poll::Pending
            }
        }
    }

    /// Releases `kind` (if given) and admits whoever can go next, waking outside the lock.
    pub(crate) fn release(&self, kind: Option<Kind>) {
        let mut st = crate::loom::lock(&self.state);
        if let Some(kind) = kind {
            st.give_back(kind);
        }
        loop {
            let mut wakers = WakeList::new();
            let more = st.grant(&mut wakers);
            drop(st);
            wakers.wake_all();
            if !more {
                return;
            }
            st = crate::loom::lock(&self.state);
        }
    }

    /// A pending future with slot `k` is dropped.
    pub(crate) fn cancel(&self, k: usize) {
        let mut st = crate::loom::lock(&self.state);
        let kind = st.queue.slot(k).kind;
        let granted = st.queue.free(k) == WaitState::Granted;
        drop(st);
        self.release(granted.then_some(kind));
    }
}

impl RawRwMutex {
    /// One poll of an acquisition, taking part in tokio's cooperative budget as tokio's own
    /// locks do: a task that keeps winning an uncontended lock still yields now and then.
    pub(crate) fn poll_acquire_coop(
        &self,
        kind: Kind,
        key: &mut Option<usize>,
        cx: &mut Context<'_>,
    ) -> Poll<()> {
        let coop = std::task::ready!(tokio::task::coop::poll_proceed(cx));
        let r = self.poll_acquire(kind, key, cx.waker());
        if r.is_ready() {
            coop.made_progress();
        } else {
            let reason = match kind {
                Kind::Read => crate::debug::Reason::SyncRWMutexRLock,
                Kind::Write => crate::debug::Reason::SyncRWMutexLock,
            };
            crate::debug::park(reason, crate::debug::NO_SITE, || {
                Some(crate::debug::Object::Mutex {
                    addr: self as *const Self as usize,
                })
            });
        }
        r
    }
}
