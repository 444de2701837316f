//! The channel lock as the state machine takes it, and the readiness hint it keeps.
//!
//! Once a select has used a channel, releasing its lock first writes two bits to
//! [`Shared::ready`]: whether a receive, and whether a send, could complete without waiting
//! in the state left behind. `select` reads them without locking to find its candidates
//! (`crate::select`). A bit that is clear is exact as of the latest critical section, which
//! is what lets a select take `default` without locking anything; a set bit may be stale or
//! come from dead select entries, so the case is confirmed under the lock. Every critical
//! section goes through [`Locked`], so none can forget to write the hint. Channels no select
//! has touched skip the computation (a flag, [`HINTED`], says whether the bits are kept), and
//! a select treats such a channel as maybe ready, which takes it to the lock, which turns the
//! hint on.

use std::ops::{Deref, DerefMut};

use super::{Shared, State};
use crate::loom::atomic::Ordering;
use crate::spin::SpinGuard;

/// Hint bit: a receive may complete without waiting (a buffered value, a parked sender, or
/// closed).
const MAY_RECV: u8 = 1;
/// Hint bit: a send may complete without waiting (buffer room, a parked receiver, or closed).
const MAY_SEND: u8 = 2;
/// The hint bits are kept up to date: set by the first critical section a select runs on the
/// channel, never cleared. Written, like the other bits, only under the lock.
const HINTED: u8 = 4;

/// The channel lock, held. Releasing it first rewrites [`Shared::ready`] from the state, so
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
        // Relaxed: `ready` is only written under the lock, which orders it for us.
        if self.shared.ready.load(Ordering::Relaxed) & HINTED != 0 {
            self.write_hint();
        }
        // `guard` drops after this body: the hint is written before the lock is released.
    }
}

impl<T> Locked<'_, T> {
    /// Rewrites the hint from the state (out of line: channels no select has used never get
    /// here, and their lock and unlock stay a few instructions in the caller).
    #[inline(never)]
    fn write_hint(&self) {
        let st = &*self.guard;
        // `|` rather than `||`: a few flag computations, no branches.
        let may_recv = st.closed | ((st.buf.len() | st.sendq.len()) != 0);
        let may_send = st.closed | (st.buf.len() < self.shared.cap) | !st.recvq.is_empty();
        let hint = (u8::from(may_recv) * MAY_RECV) | (u8::from(may_send) * MAY_SEND);
        self.shared.ready.store(hint | HINTED, Ordering::Release);
    }
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
        if select && self.ready.load(Ordering::Relaxed) & HINTED == 0 {
            // Turn the hint on with bits that match the state now, under the lock: a lock-free
            // reader must never see `HINTED` with bits that are not exact. Releasing the lock
            // rewrites them for whatever this section changes.
            locked.write_hint();
        }
        locked
    }

    /// Lock-free: `false` means that a receive could not have completed without waiting at
    /// the end of the latest critical section, which is where select's first pass places the
    /// case's "not ready" in the order of operations on this channel. `true` may be stale or
    /// come from dead entries; the caller confirms it under the lock.
    #[inline]
    pub(crate) fn may_recv(&self) -> bool {
        let r = self.ready.load(Ordering::Acquire);
        r & HINTED == 0 || r & MAY_RECV != 0
    }

    /// Lock-free: as [`Self::may_recv`], for a send.
    #[inline]
    pub(crate) fn may_send(&self) -> bool {
        let r = self.ready.load(Ordering::Acquire);
        r & HINTED == 0 || r & MAY_SEND != 0
    }
}
