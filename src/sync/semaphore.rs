//! Weighted, FIFO `Semaphore` (Go: `golang.org/x/sync/semaphore.Weighted`).
//!
//! Algorithm (from `x/sync/semaphore`): a mutex-protected `(size, cur)` pair plus a FIFO queue
//! of waiters. A request is granted at once only if it fits *and nobody is queued*; otherwise
//! it queues. A release grants waiters from the front of the queue while the front one fits
//! and stops at the first that does not, so a large request is never starved by a stream of
//! small ones (fairness over throughput). Grants are all-or-nothing: a waiter receives its
//! whole weight at once or nothing.
//!
//! Each waiter has an id from a monotonic counter, so the queue is sorted by id and a pending
//! future finds its entry by binary search. A waiter is removed from the queue exactly when it
//! is granted, so "my id is no longer queued" means "granted". A cancelled (dropped) future
//! that was granted gives its permits back; one that was queued at the front unblocks those
//! behind it.
//!
//! Invariants: `cur <= size`; the front waiter, if any, does not fit in `size - cur` at the
//! moment the lock is released.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use crate::debug::{self, Object, Reason};
use crate::loom::{lock, Mutex};

/// A weighted semaphore with FIFO fairness (Go: `golang.org/x/sync/semaphore.Weighted`).
///
/// Holds `capacity` permits. [`acquire(n)`](Self::acquire) waits until `n` permits are free and
/// no earlier request is still waiting; [`release(n)`](Self::release) returns them. Requests
/// are served strictly in arrival order, so a large request is not starved by small ones.
///
/// # Examples
///
/// ```
/// use gokio::Semaphore;
///
/// # gokio::run(async {
/// let sem = Semaphore::new(3);
/// sem.acquire(2).await.unwrap();
/// assert_eq!(sem.available(), 1);
/// assert!(!sem.try_acquire(2));
/// sem.release(2);
/// assert_eq!(sem.available(), 3);
/// # });
/// ```
pub struct Semaphore {
    state: Mutex<State>,
}

struct State {
    size: usize,
    cur: usize,
    next_id: u64,
    waiters: VecDeque<Waiter>,
}

struct Waiter {
    id: u64,
    n: usize,
    waker: Waker,
}

impl State {
    /// Grants queued waiters from the front while the front one fits.
    fn notify_waiters(&mut self) {
        while let Some(front) = self.waiters.front() {
            if self.size - self.cur < front.n {
                break;
            }
            self.cur += front.n;
            if let Some(w) = self.waiters.pop_front() {
                w.waker.wake();
            }
        }
    }

    fn position(&self, id: u64) -> Option<usize> {
        self.waiters.binary_search_by_key(&id, |w| w.id).ok()
    }
}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let st = lock(&self.state);
        f.debug_struct("Semaphore")
            .field("capacity", &st.size)
            .field("held", &st.cur)
            .field("waiters", &st.waiters.len())
            .finish()
    }
}

impl Semaphore {
    crate::loom::const_fn! {
        /// Creates a semaphore with `capacity` permits, all free.
        ///
        /// `const`, so a `static` can hold one (a plain `fn` under `--cfg loom`).
        ///
        /// # Examples
        ///
        /// ```
        /// use gokio::Semaphore;
        ///
        /// static DB_SLOTS: Semaphore = Semaphore::new(4);
        ///
        /// assert_eq!(DB_SLOTS.available(), 4);
        /// assert!(DB_SLOTS.try_acquire(1));
        /// assert_eq!(DB_SLOTS.available(), 3);
        /// DB_SLOTS.release(1);
        /// ```
        pub fn new(capacity: usize) -> Self {
            Semaphore {
                state: Mutex::new(State {
                    size: capacity,
                    cur: 0,
                    next_id: 0,
                    waiters: VecDeque::new(),
                }),
            }
        }
    }

    /// Acquires `n` permits, waiting until they are free and every earlier waiter has been
    /// served (Go: `s.Acquire(ctx, n)`).
    ///
    /// Returns `Err(AcquireError)` at once if `n` exceeds the capacity, since such a request
    /// could never be granted (Go would block until the context is done).
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: dropping a pending future removes its request from the queue (waking the
    /// requests behind it that now fit), and if the permits were granted but the future was
    /// dropped before returning them, they are released again.
    ///
    /// # Examples
    ///
    /// ```
    /// # gokio::run(async {
    /// let sem = gokio::Semaphore::new(2);
    /// sem.acquire(2).await.unwrap();
    /// assert!(sem.acquire(3).await.is_err());
    /// sem.release(2);
    /// # });
    /// ```
    #[track_caller]
    pub fn acquire(&self, n: usize) -> Acquire<'_> {
        Acquire {
            sem: self,
            n,
            id: None,
            site: debug::caller(),
        }
    }

    /// Acquires `n` permits if they are free right now and nobody is waiting (Go:
    /// `s.TryAcquire(n)`). Returns whether it did.
    ///
    /// # Examples
    ///
    /// ```
    /// let sem = gokio::Semaphore::new(1);
    /// assert!(sem.try_acquire(1));
    /// assert!(!sem.try_acquire(1));
    /// ```
    pub fn try_acquire(&self, n: usize) -> bool {
        let mut st = lock(&self.state);
        if st.size - st.cur >= n && st.waiters.is_empty() {
            st.cur += n;
            true
        } else {
            false
        }
    }

    /// Releases `n` permits (Go: `s.Release(n)`) and grants waiting requests in FIFO order.
    ///
    /// # Panics
    ///
    /// Panics with `semaphore: released more than held` if more permits would be released
    /// than are held; the semaphore is then left unchanged.
    ///
    /// # Examples
    ///
    /// ```
    /// let sem = gokio::Semaphore::new(2);
    /// assert!(sem.try_acquire(2));
    /// sem.release(2);
    /// assert_eq!(sem.available(), 2);
    /// ```
    #[track_caller]
    pub fn release(&self, n: usize) {
        let mut st = lock(&self.state);
        if n > st.cur {
            drop(st);
            panic!("semaphore: released more than held");
        }
        st.cur -= n;
        st.notify_waiters();
    }

    /// The number of permits free right now (a snapshot).
    ///
    /// # Examples
    ///
    /// ```
    /// let sem = gokio::Semaphore::new(5);
    /// assert!(sem.try_acquire(2));
    /// assert_eq!(sem.available(), 3);
    /// ```
    pub fn available(&self) -> usize {
        let st = lock(&self.state);
        st.size - st.cur
    }
}

/// The future returned by [`Semaphore::acquire`].
///
/// # Examples
///
/// ```
/// # futures::executor::block_on(async {
/// let sem = gokio::Semaphore::new(1);
/// let acquire: gokio::sync::Acquire<'_> = sem.acquire(1);
/// acquire.await.unwrap();
/// # });
/// ```
#[must_use = "futures do nothing unless polled"]
pub struct Acquire<'a> {
    sem: &'a Semaphore,
    n: usize,
    /// `Some(id)` while queued (or granted but not yet observed).
    id: Option<u64>,
    /// The user's call of `acquire`, shown by the dump.
    site: debug::Site,
}

impl fmt::Debug for Acquire<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Acquire")
            .field("n", &self.n)
            .field("queued", &self.id.is_some())
            .finish()
    }
}

impl Future for Acquire<'_> {
    type Output = Result<(), AcquireError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let mut st = lock(&this.sem.state);
        match this.id {
            None => {
                if this.n > st.size {
                    return Poll::Ready(Err(AcquireError {
                        requested: this.n,
                        capacity: st.size,
                    }));
                }
                if st.size - st.cur >= this.n && st.waiters.is_empty() {
                    st.cur += this.n;
                    return Poll::Ready(Ok(()));
                }
                let id = st.next_id;
                st.next_id += 1;
                st.waiters.push_back(Waiter {
                    id,
                    n: this.n,
                    waker: crate::debug::own(cx.waker()).into_owned(),
                });
                this.id = Some(id);
                let available = st.size - st.cur;
                drop(st);
                this.park(available);
                Poll::Pending
            }
            Some(id) => match st.position(id) {
                Some(i) => {
                    let w = &mut st.waiters[i];
                    let own = crate::debug::own(cx.waker());
                    if !w.waker.will_wake(&own) {
                        w.waker = own.into_owned();
                    }
                    let available = st.size - st.cur;
                    drop(st);
                    this.park(available);
                    Poll::Pending
                }
                None => {
                    // Granted by a release: the permits are ours.
                    this.id = None;
                    Poll::Ready(Ok(()))
                }
            },
        }
    }
}

impl Acquire<'_> {
    /// Records the current goroutine as parked in `acquire` (Go: `semacquire`).
    #[inline]
    fn park(&self, available: usize) {
        debug::park(Reason::Semacquire, self.site, || {
            Some(Object::Semaphore {
                addr: self.sem as *const Semaphore as usize,
                want: self.n,
                available,
            })
        });
    }
}

impl Drop for Acquire<'_> {
    fn drop(&mut self) {
        let Some(id) = self.id else { return };
        let mut st = lock(&self.sem.state);
        match st.position(id) {
            Some(i) => {
                st.waiters.remove(i);
                if i == 0 {
                    st.notify_waiters();
                }
            }
            None => {
                // Granted after we were cancelled: give the permits back.
                st.cur -= self.n;
                st.notify_waiters();
            }
        }
    }
}

/// The error returned by [`Semaphore::acquire`] when the request exceeds the capacity.
///
/// Displays as `semaphore: acquire of 5 exceeds capacity 3`.
///
/// # Examples
///
/// ```
/// # futures::executor::block_on(async {
/// let sem = gokio::Semaphore::new(3);
/// let err = sem.acquire(5).await.unwrap_err();
/// assert_eq!(err.to_string(), "semaphore: acquire of 5 exceeds capacity 3");
/// # });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AcquireError {
    requested: usize,
    capacity: usize,
}

impl AcquireError {
    /// The number of permits requested.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let err = gokio::Semaphore::new(1).acquire(2).await.unwrap_err();
    /// assert_eq!(err.requested(), 2);
    /// # });
    /// ```
    pub fn requested(&self) -> usize {
        self.requested
    }

    /// The semaphore's capacity.
    ///
    /// # Examples
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let err = gokio::Semaphore::new(1).acquire(2).await.unwrap_err();
    /// assert_eq!(err.capacity(), 1);
    /// # });
    /// ```
    pub fn capacity(&self) -> usize {
        self.capacity
    }
}

impl fmt::Display for AcquireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "semaphore: acquire of {} exceeds capacity {}",
            self.requested, self.capacity
        )
    }
}

impl std::error::Error for AcquireError {}
