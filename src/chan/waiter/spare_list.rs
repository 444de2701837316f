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
/// [`Self::swap_remove`] moved the last one into a gap. The entries fill the first slots; the
/// length is where the first empty slot is (no length field: four pointers, half a cache
/// line, and what an operation touches of the channel stays within 192 bytes,
/// `chan::core::Shared`).
pub(super) struct SpareList<T> {
    items: [Option<Arc<Entry<T>>>; SPARE_ENTRIES],
}

impl<T> SpareList<T> {
    pub(super) const fn new() -> Self {
        SpareList {
            items: [const { None }; SPARE_ENTRIES],
        }
    }

    /// Whether every slot holds an entry.
    #[inline]
    pub(super) fn is_full(&self) -> bool {
        self.items[SPARE_ENTRIES - 1].is_some()
    }

    /// The entries, oldest first.
    #[inline]
    pub(super) fn iter(&self) -> impl Iterator<Item = &Arc<Entry<T>>> {
        self.items.iter().map_while(Option::as_ref)
    }

    /// The index of the first entry (oldest) for which `f` holds.
    #[inline]
    pub(super) fn position(&self, f: impl Fn(&Arc<Entry<T>>) -> bool) -> Option<usize> {
        self.iter().position(f)
    }

    /// The index of the last entry (newest) for which `f` holds.
    #[inline]
    pub(super) fn rposition(&self, f: impl Fn(&Arc<Entry<T>>) -> bool) -> Option<usize> {
        let mut found = None;
        for (i, e) in self.iter().enumerate() {
            if f(e) {
                found = Some(i);
            }
        }
        found
    }

    /// Adds `e` as the newest entry.
    ///
    /// # Panics
    ///
    /// If the list is full (the callers check [`Self::is_full`] first).
    #[inline]
    pub(super) fn push(&mut self, e: Arc<Entry<T>>) {
        let empty = self.items.iter_mut().find(|s| s.is_none());
        *empty.expect("gokio bug: no room among the spares") = Some(e);
    }

    /// Takes entry `i` out, moving the newest into its place.
    #[inline]
    pub(super) fn swap_remove(&mut self, i: usize) -> Arc<Entry<T>> {
        let last = self.iter().count() - 1;
        self.items.swap(i, last);
        self.items[last]
            .take()
            .expect("gokio bug: a spare index past the list")
    }

    /// Takes the oldest entry out of a full list, keeping the order of the others.
    pub(super) fn remove_first(&mut self) -> Arc<Entry<T>> {
        debug_assert!(self.is_full(), "only a full list evicts");
        self.items.rotate_left(1);
        self.items[SPARE_ENTRIES - 1]
            .take()
            .expect("gokio bug: no spare to remove")
    }
}
