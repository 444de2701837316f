//! `WaitGroup` (Go's `sync.WaitGroup`, plus Go 1.25's `wg.Go`) and its `DoneGuard`.
//!
//! Algorithm: one atomic word, the counter shifted left by one with a `WAITED` flag in bit 0
//! (Go's `WaitGroup` keeps its counter and waiter count in one word the same way), plus an
//! `event_listener::Event`. The add that brings the counter to zero notifies every listener
//! if `WAITED` is set. A waiter checks the counter, registers a listener, sets `WAITED` with
//! a `fetch_or` that also returns the counter, and sleeps only if that counter is not zero
//! (check–listen–flag-and-recheck), so a zero reached at any point is never missed:
//!
//! * the `fetch_or` is an RMW on the same word as every `add`, so the add that later brings the
//!   counter to zero reads the flag (and synchronizes with the `fetch_or`, so the listener,
//!   registered before it, is there for the notification);
//! * an add that reached zero before the `fetch_or` is seen by it: the waiter does not sleep.
//!
//! `WAITED` is sticky: once a group has been waited on while busy, every later zero notifies,
//! as every zero did before the flag existed. Clearing it would need a second RMW on each
//! zero and an argument about the waiters of the next round; a group is rarely waited on
//! while busy without being waited on again. What the flag buys: `done` bringing a group
//! that nobody waits on to zero costs no notification, which takes a lock inside `Event`
//! (`Event::notify` always does): 94 instructions per zero in callgrind.
//! `Event` allocates nothing until someone listens, so `wait` on a zero counter is one atomic
//! load.
//!
//! Invariant: the counter is never observed negative; an `add` that would make it negative is
//! undone and panics with Go's message. The counter has 62 bits (Go's has 31).
//!
//! # A `const` constructor with shared clones
//!
//! Go's zero `sync.WaitGroup` is ready to use, package-level `var wg sync.WaitGroup`
//! included, so `WaitGroup::new` is `const` and a `static` can hold one. Clones must share
//! the counter, which lives in an `Arc<Inner>`; an `Arc` cannot be made in a `const`, so a
//! `WaitGroup` holds a `OnceLock<Arc<Inner>>` that its first use fills (every method goes
//! through [`WaitGroup::inner`]). Once filled it never changes, so clones made from it, and
//! the guards, share one counter, whichever handle was used first. The other designs cost
//! more or break Go's model: a counter held inline cannot be shared by a clone (`clone` gets
//! `&self` of any lifetime, so it cannot point a new handle at it), and making `WaitGroup` not
//! `Clone` would break every program that hands a clone to each goroutine.
//!
//! The price on the hot paths is the `OnceLock`'s check (an acquire load and a compare: a
//! plain `mov` on x86) before the counter's atomic; `DoneGuard` holds the `Arc<Inner>`
//! itself, so `guard`/`go` clone an `Arc` as before. A `WaitGroup` is two words instead of
//! one. Measured with callgrind (instructions, deterministic): `WaitGroup::go` in
//! `benches/spawn.rs`' `waitgroup_100k` costs 0.8% more (1 204 → 1 213 per call, the spawn
//! included), and the `WAITED` flag (above) more than pays for it where a group reaches zero
//! without waiters: `benches/sync.rs`' `waitgroup_add_done` went from 139 to 61 instructions
//! per `guard`/drop pair, and to 36 with `add_one` and `done` (below) in place of the
//! general `add`. Under `--cfg loom`, `new` is a plain `fn` that fills the cell at once, so
//! the models see loom's `Arc` and atomics from the start and nothing of `OnceLock`.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use event_listener::{Event, EventListener};

use crate::debug::{self, Object, Reason};
use crate::goroutine::Goroutine;
use crate::loom::atomic::{AtomicIsize, Ordering};
use crate::loom::global::OnceLock;
use crate::loom::Arc;

/// Waits for a collection of goroutines to finish (Go: `sync.WaitGroup`).
///
/// A `WaitGroup` is a shared handle: clones share one counter, so hand a clone to each
/// goroutine (Go passes `*sync.WaitGroup`). [`add`](Self::add) raises the counter,
/// [`done`](Self::done) lowers it, and [`wait`](Self::wait) returns once it is zero. It is
/// reusable: after reaching zero it may be raised again for another round.
///
/// # Examples
///
/// ```
/// use gokio::WaitGroup;
///
/// # gokio::run(async {
/// let wg = WaitGroup::new();
/// for i in 0..3 {
///     wg.go(async move { println!("worker {i}") });
/// }
/// wg.wait().await;
/// assert_eq!(wg.count(), 0);
/// # });
/// ```
pub struct WaitGroup {
    /// The counter every clone shares, made by the first use (module docs).
    shared: OnceLock<Arc<Inner>>,
}

#[derive(Default)]
struct Inner {
    /// The counter, shifted left by one, and [`WAITED`] (module docs).
    state: AtomicIsize,
    zero: Event,
}

/// Bit 0 of `Inner::state`: a waiter may be listening, so a zero must notify.
const WAITED: isize = 1;
/// The counter's unit in `Inner::state`.
const ONE: isize = 2;

impl std::fmt::Debug for WaitGroup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WaitGroup")
            .field("count", &self.count())
            .finish()
    }
}

impl Default for WaitGroup {
    fn default() -> Self {
        Self::new()
    }
}

impl Clone for WaitGroup {
    /// A handle on the same counter (Go passes `*sync.WaitGroup`).
    fn clone(&self) -> Self {
        WaitGroup {
            shared: OnceLock::from(Arc::clone(self.inner())),
        }
    }
}

impl WaitGroup {
    /// Creates a wait group with a zero counter.
    ///
    /// `const`, so a `static` can hold one, as Go's package-level `var wg sync.WaitGroup`
    /// (under `--cfg loom`, whose atomics are not `const`, it is a plain `fn`). Clones share
    /// the counter, whichever handle is used first.
    ///
    /// # Examples
    ///
    /// ```
    /// use gokio::WaitGroup;
    ///
    /// static WG: WaitGroup = WaitGroup::new();
    ///
    /// # gokio::run(async {
    /// for i in 0..3 {
    ///     WG.go(async move { println!("worker {i}") });
    /// }
    /// WG.wait().await;
    /// assert_eq!(WG.count(), 0);
    /// assert_eq!(WaitGroup::new().count(), 0);
    /// # });
    /// ```
    #[cfg(not(loom))]
    pub const fn new() -> Self {
        WaitGroup {
            shared: OnceLock::new(),
        }
    }

    /// Creates a wait group with a zero counter (loom build: filled at once, see the module
    /// docs).
    #[cfg(loom)]
    pub fn new() -> Self {
        WaitGroup {
            shared: OnceLock::from(Arc::new(Inner::default())),
        }
    }

    /// The shared counter, made by the first use.
    #[inline]
    fn inner(&self) -> &Arc<Inner> {
        self.shared.get_or_init(|| Arc::new(Inner::default()))
    }

    /// Adds `delta` (which may be negative) to the counter (Go: `wg.Add(delta)`).
    ///
    /// When the counter reaches zero, every task blocked in [`wait`](Self::wait) or
    /// [`wait_blocking`](Self::wait_blocking) is woken. As in Go, raise the counter before
    /// starting the goroutine that will lower it, not inside it.
    ///
    /// # Panics
    ///
    /// Panics with `sync: negative WaitGroup counter` if the counter would go below zero; the
    /// counter is then left unchanged.
    ///
    /// # Examples
    ///
    /// ```
    /// let wg = gokio::WaitGroup::new();
    /// wg.add(2);
    /// wg.add(-1);
    /// assert_eq!(wg.count(), 1);
    /// ```
    #[track_caller]
    pub fn add(&self, delta: isize) {
        self.inner().add(delta);
    }

    /// Lowers the counter by one (Go: `wg.Done()`).
    ///
    /// # Panics
    ///
    /// Panics with `sync: negative WaitGroup counter` if the counter is already zero.
    ///
    /// # Examples
    ///
    /// ```
    /// let wg = gokio::WaitGroup::new();
    /// wg.add(1);
    /// wg.done();
    /// assert_eq!(wg.count(), 0);
    /// ```
    #[track_caller]
    pub fn done(&self) {
        self.inner().done();
    }

    /// The current counter value (a snapshot; other threads may change it at once).
    ///
    /// # Examples
    ///
    /// ```
    /// let wg = gokio::WaitGroup::new();
    /// let _g = wg.guard();
    /// assert_eq!(wg.count(), 1);
    /// ```
    pub fn count(&self) -> usize {
        // Never negative: a negative `add` is undone before anyone can act on it. A group never
        // used has no shared part yet, and a zero counter.
        self.shared.get().map_or(0, |inner| inner.count())
    }

    /// Waits until the counter is zero (Go: `wg.Wait()`).
    ///
    /// Returns at once, without allocating, if the counter is already zero. All waiters are
    /// woken when it reaches zero.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: dropping the future only unregisters the waiter.
    ///
    /// # Examples
    ///
    /// ```
    /// # gokio::run(async {
    /// let wg = gokio::WaitGroup::new();
    /// let done = wg.guard();
    /// gokio::go(async move { drop(done) });
    /// wg.wait().await;
    /// # });
    /// ```
    #[track_caller]
    pub fn wait(&self) -> Wait<'_> {
        Wait {
            inner: self.inner(),
            listener: None,
            site: debug::caller(),
        }
    }

    /// Blocks the calling thread until the counter is zero, for plain threads and `fn main`.
    ///
    /// # Blocking
    ///
    /// Blocks the thread; do not call it from async code (use [`wait`](Self::wait)).
    ///
    /// # Examples
    ///
    /// ```
    /// let wg = gokio::WaitGroup::new();
    /// let done = wg.guard();
    /// std::thread::spawn(move || drop(done));
    /// wg.wait_blocking();
    /// ```
    pub fn wait_blocking(&self) {
        crate::blocking::block_on(self.wait());
    }

    /// Starts a goroutine tracked by this group (Go 1.25: `wg.Go(f)`).
    ///
    /// Adds one to the counter, then spawns `fut` with [`go`](fn@crate::go). The counter is
    /// lowered when the goroutine ends, however it ends: completed, panicked or aborted.
    ///
    /// # Examples
    ///
    /// ```
    /// # gokio::run(async {
    /// let wg = gokio::WaitGroup::new();
    /// wg.go(async { panic!("still counted as done") });
    /// wg.wait().await;
    /// # });
    /// ```
    #[track_caller]
    pub fn go<F>(&self, fut: F) -> Goroutine<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        // `go_with` drops the guard where the goroutine's live-count guard goes: as the
        // goroutine completes, or with its future if it panics or is aborted. So `done` runs
        // however the goroutine ends, and no wrapper of its own grows the task cell.
        crate::goroutine::go_with(fut, self.guard())
    }

    /// Adds one to the counter now and returns a guard that calls [`done`](Self::done) when
    /// dropped (Go: `wg.Add(1)` … `defer wg.Done()`).
    ///
    /// # Examples
    ///
    /// ```
    /// # gokio::run(async {
    /// let wg = gokio::WaitGroup::new();
    /// let guard = wg.guard();
    /// gokio::go(async move {
    ///     let _guard = guard; // defer wg.Done()
    /// });
    /// wg.wait().await;
    /// # });
    /// ```
    #[inline]
    pub fn guard(&self) -> DoneGuard {
        let inner = self.inner();
        inner.add_one();
        DoneGuard {
            inner: Arc::clone(inner),
        }
    }

    /// Returns a guard that calls [`done`](Self::done) when dropped, without adding: Go's
    /// `defer wg.Done()` in a goroutine whose count was added up front with `wg.Add(n)`.
    ///
    /// The guard also runs `done` if the goroutine panics or is aborted.
    ///
    /// # Panics
    ///
    /// Dropping the guard panics with `sync: negative WaitGroup counter` if the count it
    /// stands for was never added, as Go's `Done` does.
    ///
    /// # Examples
    ///
    /// ```
    /// # gokio::run(async {
    /// async fn worker(id: u32, wg: gokio::WaitGroup) {
    ///     let _done = wg.defer_done(); // defer wg.Done()
    ///     println!("worker {id} done");
    /// }
    ///
    /// let wg = gokio::WaitGroup::new();
    /// wg.add(3); // wg.Add(3)
    /// for id in 1..=3 {
    ///     gokio::go(worker(id, wg.clone()));
    /// }
    /// wg.wait().await;
    /// # });
    /// ```
    pub fn defer_done(&self) -> DoneGuard {
        DoneGuard {
            inner: Arc::clone(self.inner()),
        }
    }
}

impl Inner {
    /// [`WaitGroup::add`].
    #[track_caller]
    fn add(&self, delta: isize) {
        let step = delta.wrapping_mul(ONE);
        let prev = self.state.fetch_add(step, Ordering::AcqRel);
        let now = (prev >> 1).wrapping_add(delta);
        if now < 0 {
            self.undo(step);
        }
        // A waiter that set `WAITED` before this add is seen here (same word); one that sets
        // it after sees the zero in its `fetch_or` and does not sleep.
        if now == 0 && delta != 0 && prev & WAITED != 0 {
            self.zero.notify(usize::MAX);
        }
    }

    /// `add(1)`, for [`WaitGroup::guard`]: one `fetch_add` and nothing else. Adding one can
    /// neither make the counter negative nor bring it to zero, so neither check of `add`
    /// applies. (A word left transiently negative by another thread's failing `add`, about to
    /// be undone, does not change that: the counter that thread's undo restores is at least
    /// zero, plus this one.)
    #[inline]
    fn add_one(&self) {
        self.state.fetch_add(ONE, Ordering::AcqRel);
    }

    /// `add(-1)`, for [`WaitGroup::done`] and [`DoneGuard`]: the same two checks as `add`'s,
    /// each one compare on the word before the subtraction. The counter was below one iff the
    /// word was below `ONE`; it reached zero with a waiter flagged iff the word was exactly
    /// `ONE | WAITED`.
    #[inline]
    #[track_caller]
    fn done(&self) {
        let prev = self.state.fetch_sub(ONE, Ordering::AcqRel);
        if prev < ONE {
            self.undo(-ONE);
        }
        if prev == ONE | WAITED {
            self.zero.notify(usize::MAX);
        }
    }

    /// An `add` (or `done`) of `step` that made the counter negative: undone, then Go's
    /// panic.
    #[cold]
    #[inline(never)]
    #[track_caller]
    fn undo(&self, step: isize) -> ! {
        self.state.fetch_sub(step, Ordering::AcqRel);
        panic!("sync: negative WaitGroup counter");
    }

    /// The counter (never negative: a negative `add` is undone before anyone acts on it).
    fn count(&self) -> usize {
        (self.state.load(Ordering::Acquire) >> 1).max(0) as usize
    }

    #[inline]
    fn is_zero(&self) -> bool {
        self.state.load(Ordering::Acquire) >> 1 == 0
    }

    /// Announces a waiter (whose listener is registered): returns whether the counter is zero
    /// (then the waiter must not sleep).
    fn announce_waiter(&self) -> bool {
        self.state.fetch_or(WAITED, Ordering::AcqRel) >> 1 == 0
    }

    /// Records the current goroutine as parked in `wait` (Go: `sync.WaitGroup.Wait`).
    #[inline]
    fn park(&self, site: debug::Site) {
        debug::park(Reason::SyncWaitGroupWait, site, || {
            Some(Object::WaitGroup {
                addr: self as *const Inner as usize,
                count: self.count(),
            })
        });
    }
}

/// Calls [`WaitGroup::done`] when dropped; made by [`WaitGroup::guard`].
///
/// # Examples
///
/// ```
/// let wg = gokio::WaitGroup::new();
/// let guard: gokio::DoneGuard = wg.guard();
/// drop(guard);
/// assert_eq!(wg.count(), 0);
/// ```
#[must_use = "dropping the guard calls done() at once"]
pub struct DoneGuard {
    /// The group's shared counter (not a `WaitGroup` clone: one `Arc` clone, no `OnceLock`).
    inner: Arc<Inner>,
}

impl std::fmt::Debug for DoneGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DoneGuard")
            .field("count", &self.inner.count())
            .finish()
    }
}

impl Drop for DoneGuard {
    #[inline]
    fn drop(&mut self) {
        self.inner.done();
    }
}

/// The future returned by [`WaitGroup::wait`].
///
/// # Examples
///
/// ```
/// # futures::executor::block_on(async {
/// let wg = gokio::WaitGroup::new();
/// let wait: gokio::sync::Wait<'_> = wg.wait();
/// wait.await; // the counter is zero
/// # });
/// ```
#[must_use = "futures do nothing unless polled"]
pub struct Wait<'a> {
    inner: &'a Inner,
    listener: Option<EventListener>,
    /// The user's call of `wait`, shown by the dump.
    site: debug::Site,
}

impl std::fmt::Debug for Wait<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wait")
            .field("registered", &self.listener.is_some())
            .finish()
    }
}

impl Future for Wait<'_> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        loop {
            if this.inner.is_zero() {
                this.listener = None;
                return Poll::Ready(());
            }
            match this.listener.as_mut() {
                // Register, then flag the word and re-check the counter in the same RMW
                // before sleeping (module docs).
                None => {
                    this.listener = Some(this.inner.zero.listen());
                    if this.inner.announce_waiter() {
                        this.listener = None;
                        return Poll::Ready(());
                    }
                }
                Some(listener) => {
                    if crate::debug::poll_own(Pin::new(listener), cx).is_pending() {
                        this.inner.park(this.site);
                        return Poll::Pending;
                    }
                    this.listener = None;
                }
            }
        }
    }
}
