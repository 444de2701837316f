//! A select's receive from a channel whose case it found ready, with the common case inline:
//! [`Shared::select_recv_at`], which `select!`'s inline first look calls on the case it drew.
//!
//! # A critical section that leaves the readiness hint as it was
//!
//! Every critical section on a channel normally goes through `core::locked::Locked`, whose
//! release recomputes the readiness hint's two bits from the state, compares them with the
//! word last published and stores a new word only if they differ. The common case of a select
//! draining a buffered channel changes neither bit, so all that work ends in "nothing to
//! store": out of line, on every select (`benches/ANALYSIS.md`, *`select_first_ready`*).
//!
//! [`Shared::select_recv_at`] takes the channel's [`SpinLock`](crate::spin::SpinLock) itself,
//! without `Locked`, and completes only a receive that provably leaves both bits unchanged;
//! anything else is released untouched and goes the ordinary way, `Shared::select_try_recv`.
//! A section that changes no hint bit publishes nothing through `Locked` either, so to every
//! reader of the hint (the lock-free looks, `write_hint`'s comparison with the last word, a
//! select holding every lock at once) the two are indistinguishable:
//!
//! * **The hint is on.** A select's critical section must leave it on (`Shared::lock_as`
//!   turns it on, for the select's later looks). The caller's look, a word other than 0,
//!   shows it: the hint is off exactly while the word is 0, and once on it never turns off
//!   (neither the published word nor the last one is ever reset). The look read (Acquire) a
//!   word that a critical section stored before its unlock (Release), so that section comes
//!   before this one in the lock's order, and the hint is still on here.
//! * **The bits do not change.** `may_recv` is `closed || buf.len() + sendq.len() != 0` and
//!   `may_send` is `closed || buf.len() < cap || recvq` non-empty (`core::locked`). With the
//!   send queue empty and `2 <= buf.len() < cap`, popping the head leaves `buf.len()` between
//!   1 and `cap - 1`: both bits are set before and after, whatever `closed` and `recvq` are
//!   (neither changes).
//! * **It is the receive the ordinary path would do.** `try_recv_locked` pops the head and
//!   then refills the slot from the first parked sender; with the send queue empty there is
//!   none, and nobody is woken. A closed channel still gives its buffered values first.
//!
//! A receive that would empty the buffer or open a slot in a full one (a `may_recv` or
//! `may_send` that changes, which must be published before the unlock), one with a parked
//! sender, and the first select on a channel (hint off) unlock at once and take the ordinary
//! path: one more lock and unlock, on a line this task holds already.

use super::core::{Shared, TryRecv};

impl<T> Shared<T> {
    /// A select's receive ([`Self::select_try_recv`]) from a channel whose hint word, as the
    /// select read it, is `look`: `Some(Some(v))` received, `Some(None)` closed and drained,
    /// `None` open with nothing to give. The common case runs inline and leaves the hint
    /// untouched (module docs).
    ///
    /// The result is the case's, not a [`TryRecv`]: a waker to hand back would make it too
    /// large for registers, and the inline and out-of-line paths would meet in memory.
    #[inline(always)]
    pub(crate) fn select_recv_at(&self, look: usize) -> Option<Option<T>> {
        if look != 0 {
            let mut st = self.state.lock();
            let len = st.buf.len();
            if len >= 2 && len < self.cap && st.sendq.is_empty() {
                return Some(st.buf.pop_front());
            }
            // Released unchanged: nothing to publish.
        }
        self.select_recv_slow()
    }

    /// [`Self::select_try_recv`] as a call, so that the inline part stays small.
    #[inline(never)]
    fn select_recv_slow(&self) -> Option<Option<T>> {
        match self.select_try_recv() {
            TryRecv::Got(v, _) => Some(Some(v)),
            TryRecv::Closed => Some(None), // closed and drained
            TryRecv::Empty => None,
        }
    }
}
