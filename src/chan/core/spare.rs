//! Spare entries: Go's `sudog` cache, which takes allocation off the parking path.

use super::Shared;
use crate::chan::waiter::{Entry, Owner};
use crate::loom::Arc;

/// How many finished entries a channel keeps for reuse. An entry becomes a spare while its
/// owner may still hold it, so a sender and a receiver taking turns to park need two each.
const SPARE_ENTRIES: usize = 4;

impl<T> Shared<T> {
    /// Keeps an entry that left its queue (completed, dead or withdrawn) for a later
    /// operation or select case to park with: Go's `sudog` cache, which takes allocation off
    /// the parking path. Its owner may still hold it; [`Self::free_spare`] hands out only
    /// entries nobody else holds.
    #[inline]
    pub(super) fn retire(spare: &mut Vec<Arc<Entry<T>>>, e: Arc<Entry<T>>) {
        if spare.len() < SPARE_ENTRIES {
            spare.push(e);
        }
    }

    /// An entry for `owner` about to park: a spare one if the channel has one that nobody
    /// else holds (see [`Self::free_spare`]), else a new one.
    pub(super) fn entry_for(
        spare: &mut Vec<Arc<Entry<T>>>,
        owner: Owner<'_>,
        value: Option<T>,
    ) -> Arc<Entry<T>> {
        match Self::free_spare(spare) {
            Some(mut e) => {
                Entry::reuse(&mut e, owner, value);
                e
            }
            None => Entry::new(owner, value),
        }
    }

    /// Takes a spare entry that nobody else holds any more. A spare's other holder can only
    /// be its former owner, which never clones it, so a count of 1 seen under the lock stays
    /// 1.
    fn free_spare(spare: &mut Vec<Arc<Entry<T>>>) -> Option<Arc<Entry<T>>> {
        let i = spare.iter().position(|e| Arc::strong_count(e) == 1)?;
        Some(spare.swap_remove(i))
    }
}
