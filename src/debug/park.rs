//! Wait states (private): what a goroutine's latest poll left it pending on, when that was a
//! gokio primitive.
//!
//! A primitive calls [`park`] each time it returns `Pending`. The call finds the current
//! goroutine through the task-local that the goroutine's task sets on every poll
//! ([`CURRENT`]); outside a goroutine it is `None` and costs a thread-local read. Inside one it
//! costs a few relaxed loads and stores into the goroutine's own slot; a dump decodes them.
//!
//! **Freshness.** Nothing clears a wait state: the goroutine's wrapper bumps a poll counter in
//! the slot as each poll begins (`Slot::begin_poll`), `park` stamps the state with the counter,
//! and a state counts (for the dump and the deadlock detector) only while the stamps agree —
//! while it was recorded by the goroutine's latest poll. So a wait state cannot outlive the
//! wait: once its future completes, is dropped, or is kept aside unpolled while the goroutine
//! awaits a socket, the next poll of the goroutine makes it stale, with no guard and no `Drop`
//! in the primitive's future. (A stamp recorded during the poll now running looks fresh until
//! that poll ends; the detector rules running goroutines out by other means, see
//! `deadlock.rs`.)
//!
//! Precision: the slot holds one wait state, the latest `park` of the latest poll. A goroutine
//! pending on two gokio futures at once (a `join!` of two waits) shows the one polled last; a
//! combinator that polls several gokio futures (select) records its own reason after polling
//! its cases, which overwrites theirs. A goroutine pending on a future gokio does not know
//! (a socket, `tokio::time::sleep`, a `JoinHandle`) shows no wait state, which the dump prints
//! as `running or waiting outside gokio` — never as blocked — and so does one whose poll left
//! a gokio future pending beside a foreign one (`tokio::select!` of a channel and a socket):
//! the goroutine's wrapper sees a foreign clone of its waker alive after the poll and marks
//! the wait state stale (`probe.rs`).

#[cfg(feature = "diagnostics")]
use std::panic::Location;
#[cfg(feature = "diagnostics")]
use std::sync::atomic::Ordering;

#[cfg(feature = "diagnostics")]
use std::cell::Cell;

#[cfg(feature = "diagnostics")]
use super::registry::{self, Slot};

#[cfg(feature = "diagnostics")]
thread_local! {
    /// The goroutine whose poll began last on this thread: its slot, and the tokio task that
    /// polls it (`None` for a `run` main future, which is no task). Set as each poll begins
    /// and never cleared for goroutines (no hook runs after a poll without `unsafe` or a
    /// second copy of the future), so it is trusted only while the current tokio task is
    /// that task ([`current`]); a `run` main future clears it after each poll.
    static CURRENT: Cell<Option<(&'static Slot, Option<tokio::task::Id>)>> =
        const { Cell::new(None) };
}

/// A poll of the goroutine (or `run` main future) owning `slot` begins on this thread: wait
/// states recorded before are stale from now on, and primitives polled from here on record
/// into `slot`.
#[cfg(feature = "diagnostics")]
#[inline]
pub(crate) fn enter(slot: &'static Slot) {
    slot.begin_poll();
    let task = tokio::task::try_id();
    let _ = CURRENT.try_with(|c| c.set(Some((slot, task))));
}

/// A `run` main future's poll ended.
#[cfg(feature = "diagnostics")]
pub(crate) fn leave() {
    let _ = CURRENT.try_with(|c| c.set(None));
}

/// The slot of the goroutine being polled on this thread, if any: the one whose poll began
/// last here, if the tokio task running now is the one that began it (tokio task ids are
/// unique among live tasks, and gokio's goroutine, once ended, never runs again).
#[cfg(feature = "diagnostics")]
#[inline]
pub(crate) fn current() -> Option<&'static Slot> {
    let (slot, task) = CURRENT.try_with(Cell::get).ok().flatten()?;
    (tokio::task::try_id() == task).then_some(slot)
}

/// Go's wait reasons (`runtime2.go`'s `waitReasonStrings`), as gokio's primitives use them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
#[allow(dead_code)] // the nil-channel send is not reachable in gokio (a nil case never parks)
pub(crate) enum Reason {
    ChanReceive = 1,
    ChanSend,
    ChanReceiveNilChan,
    ChanSendNilChan,
    Select,
    SelectNoCases,
    SyncMutexLock,
    SyncRWMutexRLock,
    SyncRWMutexLock,
    SyncWaitGroupWait,
    SyncCondWait,
    Semacquire,
    Sleep,
    SyncOnceDo,
}

#[cfg(feature = "diagnostics")]
/// Every reason, indexed by its code minus one.
const REASONS: [Reason; 14] = [
    Reason::ChanReceive,
    Reason::ChanSend,
    Reason::ChanReceiveNilChan,
    Reason::ChanSendNilChan,
    Reason::Select,
    Reason::SelectNoCases,
    Reason::SyncMutexLock,
    Reason::SyncRWMutexRLock,
    Reason::SyncRWMutexLock,
    Reason::SyncWaitGroupWait,
    Reason::SyncCondWait,
    Reason::Semacquire,
    Reason::Sleep,
    Reason::SyncOnceDo,
];

impl Reason {
    /// Go's string for the reason (gokio's own for `sync.Once.Do`).
    #[cfg_attr(not(feature = "diagnostics"), allow(dead_code))]
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Reason::ChanReceive => "chan receive",
            Reason::ChanSend => "chan send",
            Reason::ChanReceiveNilChan => "chan receive (nil chan)",
            Reason::ChanSendNilChan => "chan send (nil chan)",
            Reason::Select => "select",
            Reason::SelectNoCases => "select (no cases)",
            Reason::SyncMutexLock => "sync.Mutex.Lock",
            Reason::SyncRWMutexRLock => "sync.RWMutex.RLock",
            Reason::SyncRWMutexLock => "sync.RWMutex.Lock",
            Reason::SyncWaitGroupWait => "sync.WaitGroup.Wait",
            Reason::SyncCondWait => "sync.Cond.Wait",
            Reason::Semacquire => "semacquire",
            // Timer and ticker channels and `Context::done` are channels, so a wait on them is
            // `chan receive`, as in Go.
            Reason::Sleep => "sleep",
            // Go's Once blocks in its mutex (`sync.Mutex.Lock`); naming the Once is clearer.
            Reason::SyncOnceDo => "sync.Once.Do",
        }
    }

    #[cfg(feature = "diagnostics")]
    fn from_code(code: u8) -> Option<Reason> {
        REASONS.get(usize::from(code).checked_sub(1)?).copied()
    }
}

/// What a parked goroutine waits on, as a dump describes it.
#[derive(Clone, Copy, Debug)]
#[cfg_attr(not(feature = "diagnostics"), allow(dead_code))] // only a dump reads them
pub(crate) enum Object {
    /// A channel at `addr` holding `len` of `cap` values.
    Chan { addr: usize, len: usize, cap: usize },
    /// A mutex or rwmutex at `addr`.
    Mutex { addr: usize },
    /// A wait group at `addr` whose counter is `count`.
    WaitGroup { addr: usize, count: usize },
    /// A semaphore at `addr`: `want` permits wanted, `available` free.
    Semaphore {
        addr: usize,
        want: usize,
        available: usize,
    },
    /// A `Once` at `addr`.
    Once { addr: usize },
}

#[cfg(feature = "diagnostics")]
const ADDR_MASK: u64 = (1 << 56) - 1;

#[cfg(feature = "diagnostics")]
fn word(kind: u64, addr: usize) -> u64 {
    kind << 56 | (addr as u64 & ADDR_MASK)
}

#[cfg(feature = "diagnostics")]
fn pair(a: usize, b: usize) -> u64 {
    let clamp = |v: usize| u64::from(u32::try_from(v).unwrap_or(u32::MAX));
    clamp(a) << 32 | clamp(b)
}

#[cfg(feature = "diagnostics")]
impl Object {
    fn encode(self) -> (u64, u64) {
        match self {
            Object::Chan { addr, len, cap } => (word(1, addr), pair(len, cap)),
            Object::Mutex { addr } => (word(2, addr), 0),
            Object::WaitGroup { addr, count } => (word(3, addr), pair(count, 0)),
            Object::Semaphore {
                addr,
                want,
                available,
            } => (word(4, addr), pair(want, available)),
            Object::Once { addr } => (word(5, addr), 0),
        }
    }

    /// The description a dump prints, e.g. `sync.WaitGroup 0x55d0c0a1b2c0 (counter 2)`.
    pub(crate) fn describe(object: u64, detail: u64) -> Option<String> {
        let addr = object & ADDR_MASK;
        let (a, b) = (detail >> 32, detail & u64::from(u32::MAX));
        Some(match object >> 56 {
            1 => format!("chan {addr:#x} (len {a}, cap {b})"),
            2 => format!("mutex {addr:#x}"),
            3 => format!("sync.WaitGroup {addr:#x} (counter {a})"),
            4 => format!("semaphore {addr:#x} (want {a}, available {b})"),
            5 => format!("sync.Once {addr:#x}"),
            _ => return None,
        })
    }
}

/// Bits of the wait word: reason (8) | park site (24) | since tick (32).
#[cfg(feature = "diagnostics")]
const SITE_BITS: u32 = 24;

/// A decoded wait word.
#[cfg(feature = "diagnostics")]
pub(crate) struct Wait {
    pub(crate) reason: Reason,
    pub(crate) site: Option<&'static Location<'static>>,
    pub(crate) since: u32,
}

#[cfg(feature = "diagnostics")]
impl Wait {
    /// Decodes a slot's wait word; `None` when not parked on gokio.
    pub(crate) fn decode(word: u64) -> Option<Wait> {
        let reason = Reason::from_code((word >> 56) as u8)?;
        let site = registry::site(((word >> 32) & ((1 << SITE_BITS) - 1)) as u32);
        Some(Wait {
            reason,
            site,
            since: word as u32,
        })
    }
}

/// Where a primitive was called, for the dump: the `Location` with the `diagnostics` feature,
/// nothing at all (zero-sized) without it, so that futures storing one do not grow.
#[cfg(feature = "diagnostics")]
pub(crate) type Site = Option<&'static Location<'static>>;
/// Where a primitive was called, for the dump: the `Location` with the `diagnostics` feature,
/// nothing at all (zero-sized) without it, so that futures storing one do not grow.
#[cfg(not(feature = "diagnostics"))]
pub(crate) type Site = NoSite;

/// The zero-sized [`Site`] without the `diagnostics` feature.
#[cfg(not(feature = "diagnostics"))]
#[derive(Clone, Copy, Debug)]
pub(crate) struct NoSite;

/// No known site.
#[cfg(feature = "diagnostics")]
pub(crate) const NO_SITE: Site = None;
/// No known site.
#[cfg(not(feature = "diagnostics"))]
pub(crate) const NO_SITE: Site = NoSite;

/// The user's call of the function running now (`#[track_caller]`), kept only with the
/// `diagnostics` feature: a primitive's future stores it to show where it waits.
#[inline(always)]
#[track_caller]
pub(crate) fn caller() -> Site {
    #[cfg(feature = "diagnostics")]
    {
        Some(Location::caller())
    }
    #[cfg(not(feature = "diagnostics"))]
    {
        NoSite
    }
}

/// Records that the current goroutine's poll leaves it pending in a gokio primitive: for
/// `reason`, at `site` (the user's call of the primitive), on what `object` describes.
///
/// A primitive calls it every time it returns `Pending` (not only the first): the wait state
/// holds for the goroutine's latest poll only (see the module docs), so a re-poll renews it.
/// The deadlock detector trusts it to mean "only a gokio primitive can wake this goroutine":
/// a combinator that may be pending on a future gokio does not know (a `select!` with a
/// future arm, say) must not record its own reason while such a future is pending.
/// Without the `diagnostics` feature it compiles to nothing and `object` is never called.
#[inline(always)]
#[cfg_attr(not(feature = "diagnostics"), allow(unused_variables))]
pub(crate) fn park(reason: Reason, site: Site, object: impl FnOnce() -> Option<Object>) {
    #[cfg(feature = "diagnostics")]
    record(reason, site, object());
}

#[cfg(feature = "diagnostics")]
#[inline(never)]
fn record(reason: Reason, site: Option<&'static Location<'static>>, object: Option<Object>) {
    let Some(slot) = current() else { return };
    let site = site.map_or(0, registry::intern);
    let site = if site < 1 << SITE_BITS { site } else { 0 };
    let key = u64::from(reason as u8) << 56 | u64::from(site) << 32;
    let (object, detail) = object.map_or((0, 0), Object::encode);
    // Only the goroutine writes its slot, so these loads-then-stores do not race.
    let polls = slot.polls.load(Ordering::Relaxed);
    let (now, last) = ((polls >> 32) as u32, polls as u32);
    let old = slot.wait.load(Ordering::Relaxed);
    // The same wait (reason and object) recorded by this poll or the one before (the same parked future polled
    // again: a spurious wake-up, a loop of `select!` around it) keeps its "since". (Two
    // back-to-back waits at one site on one object, the second parking in the poll right
    // after the first completed, are merged the same way: the dump's duration is a floor's
    // worth coarser than Go's, never a false state.)
    let same = old >> 56 == key >> 56
        && slot.object.load(Ordering::Relaxed) == object
        && (last == now || last.wrapping_add(1) == now);
    let since = if same {
        old & u64::from(u32::MAX)
    } else {
        u64::from(registry::ticks())
    };
    let word = key | since;
    slot.object.store(object, Ordering::Relaxed);
    slot.detail.store(detail, Ordering::Relaxed);
    slot.wait.store(word, Ordering::Relaxed);
    slot.polls
        .store(u64::from(now) << 32 | u64::from(now), Ordering::Relaxed);
}
