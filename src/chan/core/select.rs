//! What `select` needs from the channel core beyond the plain operations: tries that turn the
//! readiness hint on, registration of a case's entry under the select's shared token, and a
//! lock held across other channels' locks for a select that must see all its channels at one
//! instant.

use super::{Shared, TryRecv, TrySend};
use crate::chan::waiter::{Owner, Parked, Token};
use crate::loom::Arc;
use crate::select::Held;

impl<T> Shared<T> {
    /// Takes the lock as a select does (the readiness hint turns on) and keeps it until the
    /// box is dropped, which republishes the hint and unlocks. For a select that locks all
    /// its channels at once, in address order (the only place that holds two channel locks:
    /// every other path holds one at a time, so the order rules out deadlock).
    pub(crate) fn hold(&self) -> Box<dyn Held + '_> {
        Box::new(self.lock_as(true))
    }

    /// A select's [`Self::try_send`] (see [`Self::lock_as`]).
    #[inline]
    pub(crate) fn select_try_send(&self, v: T) -> TrySend<T> {
        self.try_send_as(v, true)
    }

    /// A select's [`Self::try_recv`] (see [`Self::lock_as`]).
    #[inline]
    pub(crate) fn select_try_recv(&self) -> TryRecv<T> {
        self.try_recv_as(true)
    }

    /// Select registration of a send case: parks `value` in an entry sharing `token`, unless
    /// the case is ready right now (then the value comes back and nothing is parked). The
    /// select's own entries never pair with each other.
    pub(crate) fn register_send(
        &self,
        value: T,
        token: &Arc<Token>,
        case: usize,
    ) -> Result<Parked<T>, T> {
        let mut st = self.lock_as(true);
        if st.closed || st.buf.len() < self.cap || st.recvq.has_live(token) {
            return Err(value);
        }
        let fresh = st.spare.fresh(Owner::Case(token, case), Some(value));
        Ok(st.sendq.park(fresh))
    }

    /// Select registration of a receive case; `None` if the case is ready right now.
    pub(crate) fn register_recv(&self, token: &Arc<Token>, case: usize) -> Option<Parked<T>> {
        let mut st = self.lock_as(true);
        if st.closed || !st.buf.is_empty() || st.sendq.has_live(token) {
            return None;
        }
        let fresh = st.spare.fresh(Owner::Case(token, case), None);
        Some(st.recvq.park(fresh))
    }
}
