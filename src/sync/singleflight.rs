//! Duplicate call suppression: `golang.org/x/sync/singleflight` for async Rust.
//!
//! [`Group::do_`] runs a future for a key unless one is already in flight for that key, in
//! which case the caller waits for that one and gets a clone of its result.
//!
//! Source: x/sync's `singleflight.go`. There, a `map[string]*call` under a mutex holds the
//! calls in flight; the first caller runs `fn` itself, duplicates wait on the call's
//! `WaitGroup`, and the call removes itself from the map when `fn` returns (unless `Forget`
//! removed it already: `if g.m[key] == c`). A panic in `fn` is re-raised in every waiter.
//!
//! # Algorithm
//! - The map holds, per key, an entry `{ id, weak handle on the flight, dups }`. The flight is
//!   the caller's future wrapped so that it catches a panic (turning it into its message)
//!   and, when it finishes, removes its own entry if the entry still has its `id`.
//! - The flight is a `futures::future::Shared`: every caller of the key holds a strong
//!   handle and may poll it; whoever is woken drives it. This is the async form of "the
//!   first caller runs `fn`": if that caller is cancelled (its future dropped), the flight
//!   is not lost, since any remaining caller keeps driving it. Only when *every* caller has
//!   dropped its handle is the flight dropped (cancelled), and the last one out removes the
//!   entry, so the next call starts afresh instead of joining a flight nobody drives.
//! - `do_` joins lazily, on its first poll (the future does nothing until polled);
//!   `do_chan` joins at once, as Go's `DoChan` does, and drives the call in a goroutine.
//!
//! # Invariants
//! 1. At most one entry per key; an entry whose flight can still be upgraded is the one
//!    flight for that key that new callers join.
//! 2. The map lock is never held while a flight is polled or dropped (the flight takes it
//!    when it finishes).
//! 3. An entry is removed only by its own flight (finished), by the last caller leaving
//!    (cancelled), by `forget`, or replaced when its flight is gone; the `id` check keeps a
//!    finishing or cancelled flight from removing a newer entry of the same key.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::hash::Hash;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::future::{BoxFuture, FutureExt, Shared, WeakShared};

use crate::chan::{chan, Receiver};
use crate::goroutine::panic_message;
use crate::loom::atomic::{AtomicUsize, Ordering};
use crate::loom::StdArc as Arc;

/// What a flight yields: the value, or the message of the panic that ended it.
type Outcome<V> = Result<V, Arc<str>>;

/// A flight: the caller's future, boxed, panic-catching and self-removing, shareable.
type Flight<V> = Shared<BoxFuture<'static, Outcome<V>>>;

/// A namespace of keys in which work runs with duplicate suppression
/// (`singleflight.Group`).
///
/// `K` is the key (Go: `string`); `V` is what the work produces. Every caller of a key gets
/// its own clone of the one result, so `V: Clone`: for an error, make `V` a `Result<T, E>`
/// (Go's `(v, err)`); for a large or non-`Clone` value, put it in an `Arc`.
///
/// A `Group` is a shared handle, like [`WaitGroup`](crate::WaitGroup): clones share their
/// calls in flight. The work must be `Send + 'static`, since any caller of the key, or a
/// goroutine ([`do_chan`](Group::do_chan)), may drive it.
///
/// # Examples
///
/// ```
/// use gokio::sync::singleflight::Group;
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use std::sync::Arc;
///
/// # gokio::run(async {
/// let g: Group<&str, String> = Group::new();
/// let fetches = Arc::new(AtomicUsize::new(0));
/// let fetch = |n: Arc<AtomicUsize>| async move {
///     n.fetch_add(1, Ordering::SeqCst);
///     gokio::time::sleep(std::time::Duration::from_millis(50)).await;
///     String::from("page")
/// };
/// // Two concurrent requests for one key: one fetch, one result for both.
/// let (a, b) = tokio::join!(
///     g.do_("/index", fetch(fetches.clone())),
///     g.do_("/index", fetch(fetches.clone())),
/// );
/// assert_eq!((a.0.as_str(), b.0.as_str()), ("page", "page"));
/// assert!(a.1 && b.1); // shared
/// assert_eq!(fetches.load(Ordering::SeqCst), 1);
/// # });
/// ```
pub struct Group<K, V> {
    calls: Arc<Calls<K, V>>,
}

struct Calls<K, V> {
    table: crate::loom::Mutex<Table<K, V>>,
}

struct Table<K, V> {
    map: HashMap<K, Entry<V>>,
    /// The id the next flight gets (invariant 3).
    next_id: u64,
}

struct Entry<V> {
    id: u64,
    flight: WeakShared<BoxFuture<'static, Outcome<V>>>,
    /// Callers that joined this flight after it started (Go: `c.dups`).
    dups: Arc<AtomicUsize>,
}

impl<K, V> Group<K, V>
where
    K: Hash + Eq + Clone + Send + 'static,
    V: Clone + Send + Sync + 'static,
{
    /// Creates a group with no calls in flight.
    ///
    /// # Examples
    ///
    /// ```
    /// let g: gokio::sync::singleflight::Group<String, u64> = Default::default();
    /// # let _ = g;
    /// ```
    pub fn new() -> Self {
        Group {
            calls: Arc::new(Calls {
                table: crate::loom::Mutex::new(Table {
                    map: HashMap::new(),
                    next_id: 0,
                }),
            }),
        }
    }

    /// Runs `fut` for `key`, unless a call for `key` is already in flight: then waits for
    /// that one instead (Go: `g.Do(key, fn)`). Resolves to `(value, shared)`, where `shared`
    /// tells whether the value was given to more than one caller.
    ///
    /// Callers that arrive while a call is in flight drop their own `fut` unpolled and get a
    /// clone of the in-flight call's value. Once the call has finished, the next `do_` for
    /// the key runs its own `fut` again (results are not cached). The future joins (or
    /// starts) the call on its first poll.
    ///
    /// # Panics
    ///
    /// If the call's future panics, every caller waiting for it panics with the same
    /// message (as x/sync re-panics in every `Do`); the payload is the message as a
    /// `String`, as any non-string payload is turned into `"Box<dyn Any>"`. Polling the
    /// returned future after it has completed panics.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: dropping this future leaves the call to the other callers of the key,
    /// any of which keeps driving it (the caller that started it has no special role).
    /// When every caller of a call has been dropped, the call's future is dropped too
    /// (cancelled, as any unpolled future) and the key is free for a new call.
    ///
    /// # Blocking
    ///
    /// Does not block the thread.
    ///
    /// # Examples
    ///
    /// ```
    /// use gokio::sync::singleflight::Group;
    ///
    /// # gokio::run(async {
    /// let g = Group::new();
    /// let (v, shared) = g.do_("key", async { Ok::<_, String>("bar") }).await;
    /// assert_eq!(v, Ok("bar"));
    /// assert!(!shared);
    /// # });
    /// ```
    pub fn do_<F>(&self, key: K, fut: F) -> Do<K, V>
    where
        F: Future<Output = V> + Send + 'static,
    {
        Do {
            calls: Arc::clone(&self.calls),
            state: State::Start {
                key,
                fut: Box::pin(fut),
            },
        }
    }

    /// Like [`do_`](Group::do_), but joins or starts the call at once and returns a
    /// channel that receives `(value, shared)` when it is ready (Go: `g.DoChan(key, fn)`).
    ///
    /// A goroutine drives the call and sends the result on a channel of capacity 1, so
    /// dropping the receiver neither blocks nor cancels the call (others may be waiting for
    /// it). Go's `Result{Val, Err, Shared}` is the tuple `(V, bool)` here, with the error
    /// inside `V`.
    ///
    /// # Panics
    ///
    /// If the call's future panics, the goroutine panics with the same message (reported
    /// as any goroutine panic is) and the channel closes without a value: `recv` returns
    /// `None`. (x/sync crashes the program in that case, so that no receiver waits forever;
    /// here the receiver sees the channel closed.) Must be called where [`go`](fn@crate::go)
    /// works: inside a tokio runtime, or anywhere (gokio's global runtime).
    ///
    /// # Cancel safety
    ///
    /// Not applicable: not async. The call runs to its end even if the receiver is dropped.
    ///
    /// # Blocking
    ///
    /// Never blocks.
    ///
    /// # Examples
    ///
    /// ```
    /// use gokio::sync::singleflight::Group;
    ///
    /// # gokio::run(async {
    /// let g = Group::new();
    /// let ch = g.do_chan("key", async { "bar" });
    /// assert_eq!(ch.recv().await, Some(("bar", false)));
    /// # });
    /// ```
    pub fn do_chan<F>(&self, key: K, fut: F) -> Receiver<(V, bool)>
    where
        F: Future<Output = V> + Send + 'static,
    {
        let mut call = self.do_(key, fut);
        call.join();
        let ch = chan(1);
        let tx = ch.sender();
        crate::go(async move {
            // Capacity 1 and one send: never blocks; an error only means nobody listens.
            let _ = tx.send(call.await).await;
        });
        ch.receiver()
    }

    /// Forgets the call in flight for `key`, if any (Go: `g.Forget(key)`): later calls
    /// for `key` start a new call instead of waiting for it. Callers already waiting for
    /// the forgotten call still get its result.
    ///
    /// # Panics
    ///
    /// Never panics.
    ///
    /// # Cancel safety
    ///
    /// Not applicable: not async.
    ///
    /// # Blocking
    ///
    /// Never blocks (it takes a short internal lock).
    ///
    /// # Examples
    ///
    /// ```
    /// use gokio::sync::singleflight::Group;
    ///
    /// # gokio::run(async {
    /// let g = Group::new();
    /// let slow = g.do_chan("key", gokio::time::sleep(std::time::Duration::from_millis(20)));
    /// g.forget("key");
    /// // Not joined to the forgotten call: runs its own.
    /// assert_eq!(g.do_("key", async {}).await, ((), false));
    /// assert_eq!(slow.recv().await, Some(((), false)));
    /// # });
    /// ```
    pub fn forget<Q>(&self, key: &Q)
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let removed = crate::loom::lock(&self.calls.table).map.remove(key);
        drop(removed); // outside the lock (invariant 2)
    }
}

impl<K, V> Clone for Group<K, V> {
    /// Another handle on the same group: calls in flight are shared.
    fn clone(&self) -> Self {
        Group {
            calls: Arc::clone(&self.calls),
        }
    }
}

impl<K, V> Default for Group<K, V>
where
    K: Hash + Eq + Clone + Send + 'static,
    V: Clone + Send + Sync + 'static,
{
    fn default() -> Self {
        Group::new()
    }
}

impl<K, V> fmt::Debug for Group<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let in_flight = crate::loom::lock(&self.calls.table).map.len();
        f.debug_struct("Group")
            .field("in_flight", &in_flight)
            .finish()
    }
}

/// Future returned by [`Group::do_`]; resolves to `(value, shared)`.
///
/// Dropping it leaves the call to its other callers (see [`Group::do_`]).
///
/// # Examples
///
/// ```
/// use gokio::sync::singleflight::{Do, Group};
///
/// # gokio::run(async {
/// let g = Group::new();
/// let fut: Do<&str, u8> = g.do_("k", async { 1 });
/// assert_eq!(fut.await, (1, false));
/// # });
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Do<K: Hash + Eq, V> {
    calls: Arc<Calls<K, V>>,
    state: State<K, V>,
}

enum State<K, V> {
    /// Not polled yet.
    Start {
        key: K,
        fut: BoxFuture<'static, V>,
    },
    /// Holding a handle on the flight for `key`.
    Joined {
        key: K,
        id: u64,
        flight: Flight<V>,
        /// The starter's view of `dups` (Go: `shared = c.dups > 0`); `None` for a duplicate,
        /// whose result is always shared.
        dups: Option<Arc<AtomicUsize>>,
    },
    Done,
}

// `Do` never pins `K` or `V` (the flight is boxed), so it is `Unpin` whatever they are.
impl<K: Hash + Eq, V> Unpin for Do<K, V> {}

impl<K: Hash + Eq, V> fmt::Debug for Do<K, V> {
    /// `Do { state: "joined", duplicate: true }`: `start` (not polled yet), `joined` (waiting
    /// on the flight for its key; `duplicate` when another caller started it) or `done`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (state, duplicate) = match &self.state {
            State::Start { .. } => ("start", None),
            State::Joined { dups, .. } => ("joined", Some(dups.is_none())),
            State::Done => ("done", None),
        };
        let mut d = f.debug_struct("Do");
        d.field("state", &state);
        if let Some(duplicate) = duplicate {
            d.field("duplicate", &duplicate);
        }
        d.finish()
    }
}

impl<K, V> Do<K, V>
where
    K: Hash + Eq + Clone + Send + 'static,
    V: Clone + Send + Sync + 'static,
{
    /// `Start` → `Joined`: joins the live flight for the key, or starts one.
    fn join(&mut self) {
        if !matches!(self.state, State::Start { .. }) {
            return;
        }
        let State::Start { key, fut } = std::mem::replace(&mut self.state, State::Done) else {
            unreachable!()
        };
        let mut table = crate::loom::lock(&self.calls.table);
        // A flight that is gone (every caller dropped) is replaced (invariant 3); the
        // dead handle is dropped after the lock is released (invariant 2).
        let mut stale = None;
        if let Some(entry) = table.map.get(&key) {
            if let Some(flight) = entry.flight.upgrade() {
                entry.dups.fetch_add(1, Ordering::Relaxed);
                let id = entry.id;
                drop(table);
                drop(fut); // a duplicate's own work never runs
                self.state = State::Joined {
                    key,
                    id,
                    flight,
                    dups: None,
                };
                return;
            }
            stale = table.map.remove(&key);
        }
        let id = table.next_id;
        table.next_id += 1;
        let flight = Self::flight(Arc::clone(&self.calls), key.clone(), id, fut).shared();
        let dups = Arc::new(AtomicUsize::new(0));
        let entry = Entry {
            id,
            flight: flight.downgrade().expect("a new flight is not complete"),
            dups: Arc::clone(&dups),
        };
        table.map.insert(key.clone(), entry);
        drop(table);
        drop(stale);
        self.state = State::Joined {
            key,
            id,
            flight,
            dups: Some(dups),
        };
    }

    /// The caller's future, catching its panic and removing its own entry when done.
    fn flight(
        calls: Arc<Calls<K, V>>,
        key: K,
        id: u64,
        fut: BoxFuture<'static, V>,
    ) -> BoxFuture<'static, Outcome<V>> {
        Box::pin(async move {
            let outcome = AssertUnwindSafe(fut)
                .catch_unwind()
                .await
                .map_err(|payload| Arc::from(panic_message(&*payload)));
            let mut table = crate::loom::lock(&calls.table);
            if table.map.get(&key).is_some_and(|e| e.id == id) {
                table.map.remove(&key);
            }
            outcome
        })
    }
}

impl<K, V> Future for Do<K, V>
where
    K: Hash + Eq + Clone + Send + 'static,
    V: Clone + Send + Sync + 'static,
{
    type Output = (V, bool);

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<(V, bool)> {
        let this = &mut *self;
        this.join();
        let State::Joined { flight, dups, .. } = &mut this.state else {
            panic!("`Do` polled after completion");
        };
        let outcome = std::task::ready!(Pin::new(flight).poll(cx));
        // The flight removed its entry before completing, so no caller joins any more and
        // `dups` is final.
        let shared = dups.as_ref().is_none_or(|d| d.load(Ordering::Relaxed) > 0);
        this.state = State::Done;
        match outcome {
            Ok(v) => Poll::Ready((v, shared)),
            Err(message) => std::panic::panic_any(message.to_string()),
        }
    }
}

impl<K: Hash + Eq, V> Drop for Do<K, V> {
    fn drop(&mut self) {
        let State::Joined {
            key, id, flight, ..
        } = std::mem::replace(&mut self.state, State::Done)
        else {
            return;
        };
        // Let go of our handle first: if it was the last, the flight is dropped here,
        // outside the lock (invariant 2), and its entry can no longer be upgraded.
        drop(flight);
        let mut table = crate::loom::lock(&self.calls.table);
        let Some(entry) = table.map.get(&key) else {
            return;
        };
        if entry.id != id {
            return; // forgotten, and the key has a newer call
        }
        let live = entry.flight.upgrade();
        let dead = if live.is_none() {
            table.map.remove(&key)
        } else {
            None
        };
        drop(table);
        // A caller of the flight may drop its handle meanwhile, making ours the last:
        // both are dropped outside the lock.
        drop((live, dead));
    }
}
