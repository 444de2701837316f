//! A select's receive or send on a channel whose case it found ready, with the common case
//! inline: [`Shared::select_recv_at`] and [`Shared::select_send_at`], which `select!`'s inline
//! first look calls on the case it drew (and a case's `try_now` on the runtime path).
//!
//! # A critical section that leaves the readiness hint as it was
//!
//! Every critical section on a channel normally goes through `core::locked::Locked`, whose
//! release recomputes the readiness hint's two bits from the state, compares them with the
//! word last published and stores a new word only if they differ. The common case of a select
//! draining or filling a buffered channel changes neither bit, so all that work ends in
//! "nothing to store": out of line, on every select (`benches/ANALYSIS.md`,
//! *`select_first_ready`*).
//!
//! These two take the channel's [`SpinLock`](crate::spin::SpinLock) themselves, without
//! `Locked`, and complete only an operation that provably leaves both bits unchanged;
//! anything else is released untouched and goes the ordinary way (`Shared::select_try_recv`,
//! `Shared::select_try_send`). A section that changes no hint bit publishes nothing through
//! `Locked` either, so to every reader of the hint (the lock-free looks, `write_hint`'s
//! comparison with the last word, a select holding every lock at once) the two are
//! indistinguishable:
//!
//! * **The hint is on.** A select's critical section must leave it on (`Shared::lock_as`
//!   turns it on, for the select's later looks). The caller's look, a word other than 0,
//!   shows it: the hint is off exactly while the word is 0, and once on it never turns off
//!   (neither the published word nor the last one is ever reset). The look read (Acquire) a
//!   word that a critical section stored before its unlock (Release), so that section comes
//!   before this one in the lock's order, and the hint is still on here.
//! * **The bits do not change.** `may_recv` is `closed || buf.len() + sendq.len() != 0` and
//!   `may_send` is `closed || buf.len() < cap || recvq` non-empty (`core::locked`). A
//!   receive needs the send queue empty and `2 <= buf.len() < cap`: popping the head leaves
//!   `buf.len()` between 1 and `cap - 1`. A send needs `1 <= buf.len()` and
//!   `buf.len() + 1 < cap`: pushing leaves it between 2 and `cap - 1`. Either way both bits
//!   are set before and after, whatever the queues and `closed` are (the operation changes
//!   neither).
//! * **It is the operation the ordinary path would do.** `try_recv_locked` pops the head and
//!   then refills the slot from the first parked sender; with the send queue empty there is
//!   none, and nobody is woken. A closed channel still gives its buffered values first.
//!   `try_send_locked` pushes to the tail exactly when the channel is open, no receiver is
//!   parked and there is room (`buffers_directly`), which the send checks, and more.
//!
//! An operation that would change a bit (a receive that empties the buffer or opens a slot
//! in a full one, a send into an empty buffer or into its last slot), one with a parked
//! counterpart, a send on a closed channel, and the first select on a channel (hint off)
//! unlock at once and take the ordinary path: one more lock and unlock, on a line this task
//! holds already.

use super::core::{Shared, TryRecv, TrySend};
use super::error::TrySendError;

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

    /// A select's send ([`Self::select_try_send`]) of `v` on a channel whose hint word, as
    /// the select read it, is `look`: `Err(Full(v))` if it cannot complete now. The common
    /// case runs inline and leaves the hint untouched (module docs).
    #[inline(always)]
    pub(crate) fn select_send_at(&self, look: usize, v: T) -> Result<(), TrySendError<T>> {
        if look != 0 {
            let mut st = self.state.lock();
            let len = st.buf.len();
            // `buffers_directly` (open, no receiver parked, room), and room for two.
            if len >= 1 && len + 1 < self.cap && self.buffers_directly(&st) {
                st.buf.push_back(v);
                return Ok(());
            }
            // Released unchanged: nothing to publish.
        }
        self.select_send_slow(v)
    }

    /// [`Self::select_try_send`] as a call, so that the inline part stays small.
    #[inline(never)]
    fn select_send_slow(&self, v: T) -> Result<(), TrySendError<T>> {
        match self.select_try_send(v) {
            TrySend::Sent(_) => Ok(()),
            TrySend::Full(v) => Err(TrySendError::Full(v)),
            TrySend::Closed(v) => Err(TrySendError::Closed(v)),
        }
    }
}
