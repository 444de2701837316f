//! The spare entries' list, inline in the channel state.
//!
//! A `Vec` put the spares behind a pointer of their own: one more heap line that every
//! completion (which retires an entry) and every park (which looks for a `FREE` one) touches,
//! and the first of them finds cold when the channel has not been used for a while
//! (`select_wake_scaling` in `benches/chan.rs`: N tasks, each woken through its own channel,
//! so at N = 65 536 every wake meets a cold channel). Inline, the spares share the channel
//! state's lines.

use super::{Entry, SPARE_ENTRIES};
use crate::loom::Arc;

/// Up to [`SPARE_ENTRIES`] entries, in the order they were pushed except where
/// [`Self::swap_remove`] moved the last one into a gap. Slots `0..len` hold an entry, the rest
/// none.
pub(super) struct SpareList<T> {
    items: [Option<Arc<Entry<T>>>; SPARE_ENTRIES],
    len: u8,
}

impl<T> SpareList<T> {
    pub(super) const fn new() -> Self {
        SpareList {
            items: [const { None }; SPARE_ENTRIES],
            len: 0,
        }
    }

    #[inline]
    pub(super) fn len(&self) -> usize {
        usize::from(self.len)
    }

    /// The entries, oldest first.
    #[inline]
    pub(super) fn iter(&self) -> impl Iterator<Item = &Arc<Entry<T>>> {
        self.items[..self.len()].iter().flatten()
    }

    /// The index of the first entry (oldest) for which `f` holds.
    #[inline]
    pub(super) fn position(&self, f: impl Fn(&Arc<Entry<T>>) -> bool) -> Option<usize> {
        (0..self.len()).find(|&i| self.items[i].as_ref().is_some_and(&f))
    }

    /// The index of the last entry (newest) for which `f` holds.
    #[inline]
    pub(super) fn rposition(&self, f: impl Fn(&Arc<Entry<T>>) -> bool) -> Option<usize> {
        (0..self.len())
            .rev()
            .find(|&i| self.items[i].as_ref().is_some_and(&f))
    }

    /// Adds `e` as the newest entry.
    ///
    /// # Panics
    ///
    /// If the list is full (the callers check [`Self::len`] first).
    #[inline]
    pub(super) fn push(&mut self, e: Arc<Entry<T>>) {
        let len = self.len();
        assert!(len < SPARE_ENTRIES, "gokio bug: no room among the spares");
        self.items[len] = Some(e);
        self.len += 1;
    }

    /// Takes entry `i` out, moving the newest into its place.
    #[inline]
    pub(super) fn swap_remove(&mut self, i: usize) -> Arc<Entry<T>> {
        let last = self.len() - 1;
        self.items.swap(i, last);
        self.len -= 1;
        self.items[last]
            .take()
            .expect("gokio bug: a spare index past the list")
    }

    /// Takes the oldest entry out, keeping the order of the others.
    pub(super) fn remove_first(&mut self) -> Arc<Entry<T>> {
        let len = self.len();
        self.items[..len].rotate_left(1);
        self.len -= 1;
        self.items[len - 1]
            .take()
            .expect("gokio bug: no spare to remove")
    }
}
