//! `WaitGroup` (Go's `sync.WaitGroup`, plus Go 1.25's `wg.Go`) and its `DoneGuard`.
//!
//! Algorithm: an atomic counter plus an `event_listener::Event`. The decrement that brings the
//! counter to zero notifies every listener. A waiter checks the counter, registers a listener,
//! and checks again before sleeping (check–listen–recheck), so a zero reached between the
//! first check and the registration is never missed. `Event` allocates nothing until someone
//! listens, so `wait` on a zero counter is one atomic load.
//!
//! Invariant: the counter is never observed negative; an `add` that would make it negative is
//! undone and panics with Go's message.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use event_listener::{Event, EventListener};
use futures::FutureExt;

use crate::debug::{self, Object, Reason};
use crate::goroutine::{go, Goroutine};
use crate::loom::atomic::{AtomicIsize, Ordering};
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
#[derive(Clone, Default)]
pub struct WaitGroup {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    count: AtomicIsize,
    zero: Event,
}

impl std::fmt::Debug for WaitGroup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WaitGroup")
            .field("count", &self.count())
            .finish()
    }
}

impl WaitGroup {
    /// Creates a wait group with a zero counter.
    ///
    /// # Examples
    ///
    /// ```
    /// let wg = gokio::WaitGroup::new();
    /// assert_eq!(wg.count(), 0);
    /// ```
    pub fn new() -> Self {
        Self::default()
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
        let prev = self.inner.count.fetch_add(delta, Ordering::AcqRel);
        let now = prev.wrapping_add(delta);
        if now < 0 {
            self.inner.count.fetch_sub(delta, Ordering::AcqRel);
            panic!("sync: negative WaitGroup counter");
        }
        if now == 0 && delta != 0 {
            self.inner.zero.notify(usize::MAX);
        }
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
        self.add(-1);
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
        // Never negative: a negative `add` is undone before anyone can act on it.
        self.inner.count.load(Ordering::Acquire).max(0) as usize
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
            inner: &self.inner,
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
        let done = self.guard();
        // A combinator, not an `async` block (which would store `fut` twice). The closure owns
        // the guard, so `done` runs when the goroutine completes, panics or is aborted.
        go(fut.map(move |value| {
            drop(done);
            value
        }))
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
    pub fn guard(&self) -> DoneGuard {
        self.add(1);
        DoneGuard { wg: self.clone() }
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
        DoneGuard { wg: self.clone() }
    }
}

impl Inner {
    #[inline]
    fn is_zero(&self) -> bool {
        self.count.load(Ordering::Acquire) == 0
    }

    /// Records the current goroutine as parked in `wait` (Go: `sync.WaitGroup.Wait`).
    #[inline]
    fn park(&self, site: debug::Site) {
        debug::park(Reason::SyncWaitGroupWait, site, || {
            Some(Object::WaitGroup {
                addr: self as *const Inner as usize,
                count: self.count.load(Ordering::Relaxed).max(0) as usize,
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
#[derive(Debug)]
pub struct DoneGuard {
    wg: WaitGroup,
}

impl Drop for DoneGuard {
    fn drop(&mut self) {
        self.wg.done();
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
                // Register, then re-check the counter before sleeping.
                None => this.listener = Some(this.inner.zero.listen()),
                Some(listener) => {
                    if Pin::new(listener).poll(cx).is_pending() {
                        this.inner.park(this.site);
                        return Poll::Pending;
                    }
                    this.listener = None;
                }
            }
        }
    }
}
