//! Foreign wakers (private): whether anything gokio does not know can still wake a goroutine.
//!
//! A wait state (`park.rs`) says that the goroutine's latest poll left it pending in a gokio
//! primitive. It does not say that *only* gokio can wake it: one poll may also leave a future
//! gokio does not know pending — `tokio::select! { v = ch.recv() => .., c = listener.accept()
//! => .. }`, a gokio receive next to `tokio::time::sleep`, a tokio `Notify` — and that future
//! holds a clone of the goroutine's waker. So with `diagnostics` every goroutine (and every
//! `run` main future) is polled with a waker of its own, a [`Probe`] around the executor's
//! waker, and gokio's own primitives never keep a clone of it: they register the executor's
//! waker instead ([`own`]). Every other clone of the probe's waker — a socket's, a timer's, a
//! `Notify`'s, a `JoinHandle`'s, kept from this poll or from any earlier one — is foreign, and
//! counts in the probe's `Arc` strong count.
//!
//! After each poll that returns `Pending`, the wrapper reads that count; if any foreign clone
//! is alive, the goroutine's wait state is marked stale (`Slot::outside`): the dump shows
//! `running or waiting outside gokio` and the deadlock detector never counts it as asleep.
//!
//! Why the count read after the poll is enough: a foreign clone can only be made from the
//! probe's waker, which only the goroutine's own poll hands out, or from another foreign clone.
//! So if none is alive when the poll ends, none can appear before the next poll begins (which
//! reads the count again). A foreign clone dropped between polls without waking (rare) leaves
//! the goroutine marked as outside gokio until its next poll: the safe side. A foreign clone
//! that is never dropped keeps it there for good: also the safe side.
//!
//! Without `unsafe`: the probe is an `Arc` turned into a `Waker` by `std::task::Wake`, so its
//! clones are `Arc` clones, counted by `Arc::strong_count`; gokio's primitives find the
//! executor's waker through a thread-local set for the duration of the poll ([`Polling`]).

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Wake, Waker};

use super::registry::Slot;

/// The waker a goroutine's future is polled with: wakes `inner`, the executor's waker.
#[derive(Debug)]
pub(crate) struct Probe {
    inner: Mutex<Waker>,
}

impl Wake for Probe {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .wake_by_ref();
    }
}

/// A goroutine's probe: the `Arc` (for its count) and the waker made of it (one clone),
/// and the executor's waker it last forwarded to (so that a poll by the same task takes no
/// lock).
#[derive(Debug)]
pub(crate) struct Probed {
    probe: Arc<Probe>,
    waker: Waker,
    last: Waker,
}

/// Spare probes per thread: a goroutine's probe is reused by a later goroutine once nothing
/// else holds it, which saves an allocation per `go` (see `benches/spawn.rs`).
const SPARES: usize = 64;

thread_local! {
    static SPARE: RefCell<Vec<Arc<Probe>>> = const { RefCell::new(Vec::new()) };
}

impl Drop for Probed {
    fn drop(&mut self) {
        // Ours are the only references left (a count of 2: the `Arc` and `waker`) only if no
        // foreign clone outlives the goroutine; then no one else can reach the probe.
        if Arc::strong_count(&self.probe) != OWN_REFS {
            return;
        }
        *self
            .probe
            .inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Waker::noop().clone();
        let probe = Arc::clone(&self.probe);
        let _ = SPARE.try_with(|s| {
            let mut s = s.borrow_mut();
            if s.len() < SPARES {
                s.push(probe);
            }
        });
    }
}

/// Strong references a [`Probed`] holds itself: the `Arc` and its waker.
const OWN_REFS: usize = 2;

impl Probed {
    /// A probe around `inner`.
    pub(crate) fn new(inner: &Waker) -> Probed {
        let spare = SPARE.try_with(|s| s.borrow_mut().pop()).ok().flatten();
        let probe = match spare {
            Some(probe) => {
                probe
                    .inner
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .clone_from(inner);
                probe
            }
            None => Arc::new(Probe {
                inner: Mutex::new(inner.clone()),
            }),
        };
        let waker = Waker::from(Arc::clone(&probe));
        Probed {
            probe,
            waker,
            last: inner.clone(),
        }
    }

    /// Polls with the probe: `poll` gets a context whose waker is the probe's, while gokio's
    /// primitives polled inside register `cx`'s waker ([`own`]). Afterwards, a pending poll
    /// that left a foreign clone alive marks `slot`'s wait state stale.
    #[inline]
    pub(crate) fn poll<R>(
        &mut self,
        cx: &mut Context<'_>,
        slot: &'static Slot,
        poll: impl FnOnce(&mut Context<'_>) -> std::task::Poll<R>,
    ) -> std::task::Poll<R> {
        if !self.last.will_wake(cx.waker()) {
            self.last.clone_from(cx.waker());
            self.probe
                .inner
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone_from(cx.waker());
        }
        let polled = {
            let _polling = Polling::new(&self.waker, cx.waker());
            poll(&mut Context::from_waker(&self.waker))
        };
        if polled.is_pending() && Arc::strong_count(&self.probe) > OWN_REFS {
            slot.outside();
        }
        polled
    }
}

thread_local! {
    /// During a probed poll on this thread: the probe's waker's data pointer and the waker
    /// gokio's primitives register instead of it.
    static OWN: RefCell<Option<(usize, Waker)>> = const { RefCell::new(None) };
}

/// Makes [`own`] swap the probe's waker for the executor's while it lives, restoring what was
/// there before (a nested poll) when dropped, even if the poll panics.
struct Polling {
    previous: Option<(usize, Waker)>,
}

impl Polling {
    fn new(probe: &Waker, inner: &Waker) -> Polling {
        let key = probe.data() as usize;
        let previous = OWN
            .try_with(|o| o.borrow_mut().replace((key, inner.clone())))
            .ok()
            .flatten();
        Polling { previous }
    }
}

impl Drop for Polling {
    fn drop(&mut self) {
        let previous = self.previous.take();
        let _ = OWN.try_with(|o| *o.borrow_mut() = previous);
    }
}

/// The waker a gokio primitive registers when polled with `waker`: the executor's waker if
/// `waker` is the probe of the goroutine being polled (so that gokio's own registrations are
/// never counted as foreign), else `waker` itself.
#[inline]
pub(crate) fn own(waker: &Waker) -> Cow<'_, Waker> {
    let key = waker.data() as usize;
    OWN.try_with(|o| match &*o.borrow() {
        Some((k, inner)) if *k == key => Some(inner.clone()),
        _ => None,
    })
    .ok()
    .flatten()
    .map_or(Cow::Borrowed(waker), Cow::Owned)
}
