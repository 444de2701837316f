//! Channel handles as Go values: `==` and hashing by channel identity, and the end of a
//! `Receiver` stream.
//!
//! Go compares channel values by identity: two `chan T` values are equal when `make` created
//! them together, and a `chan T` converts to `chan<- T` / `<-chan T` comparing equal to its
//! source. Here every handle holds the `Arc` of its channel's shared state, so
//! equality is `Arc::ptr_eq` between any two of `Chan`, `Sender` and `Receiver`, and `Hash`
//! hashes that same address: equal handles hash alike whatever their type, so a set or map
//! keyed by one handle type works as Go's `map[chan T]V` does. (Clippy's `mutable_key_type`
//! lint flags such a map, because it sees the locks inside the channel; the hash is the
//! channel's address, which never changes, so `#[allow(clippy::mutable_key_type)]` is right
//! there.)
//!
//! `Receiver` is a [`FusedStream`]: it is terminated once the channel is closed and drained,
//! which is exactly when `poll_next` returns `None`, and by the core's "`None` is final" rule
//! (`core.rs`, invariant 5) it then returns `None` forever. Closed and empty is read under
//! the channel lock (`len`), after `closed` is seen set: the critical section that sets it also
//! took back every value handed to an unclaimed receive, so no value is still on its way.

use std::hash::{Hash, Hasher};

use futures::stream::FusedStream;

use super::{Chan, Receiver, Sender, Shared};

/// The shared state of a handle, for the comparisons below.
trait Handle<T> {
    fn shared(&self) -> &Shared<T>;
}

macro_rules! handle {
    ($($h:ident),*) => {$(
        impl<T> Handle<T> for $h<T> {
            fn shared(&self) -> &Shared<T> {
                &self.shared
            }
        }

        impl<T> Eq for $h<T> {}

        impl<T> Hash for $h<T> {
            /// Hashes the channel's identity, as [`PartialEq`] compares it: equal handles (of
            /// any of the three types) hash alike. The hash never changes, so clippy's
            /// `mutable_key_type` lint (which sees the channel's locks) can be allowed on a
            /// set or map of handles.
            fn hash<H: Hasher>(&self, state: &mut H) {
                self.shared.addr().hash(state);
            }
        }
    )*};
}
handle!(Chan, Sender, Receiver);

macro_rules! eq {
    ($($a:ident == $b:ident),*) => {$(
        impl<T> PartialEq<$b<T>> for $a<T> {
            /// Two handles are equal when they refer to the same channel, as Go's `==` on
            /// channel values: a `Sender` equals the `Chan` it came from.
            fn eq(&self, other: &$b<T>) -> bool {
                std::ptr::eq(self.shared(), other.shared())
            }
        }
    )*};
}
eq!(
    Chan == Chan,
    Chan == Sender,
    Chan == Receiver,
    Sender == Chan,
    Sender == Sender,
    Sender == Receiver,
    Receiver == Chan,
    Receiver == Sender,
    Receiver == Receiver
);

impl<T> FusedStream for Receiver<T> {
    /// `true` once the channel is closed and drained: `poll_next` returns `None` then, and
    /// forever after. A closed channel that still buffers values is not terminated.
    fn is_terminated(&self) -> bool {
        // The flag first: it is one atomic load, and the common answer (open) needs no lock.
        self.shared.is_closed() && self.shared.len() == 0
    }
}

// ----- Debug of the sealed plumbing that `select!` expands to -----

impl<T> std::fmt::Debug for Shared<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        super::debug_chan(f.debug_struct("Shared"), self).finish()
    }
}

impl std::fmt::Debug for super::waiter::Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Token")
            .field("selected", &self.selected())
            .finish()
    }
}
