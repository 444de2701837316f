//! Wait states (private): what a goroutine is parked on, recorded by the gokio primitive that
//! parks it and cleared when that primitive's future completes or is dropped.
//!
//! A primitive that returns `Pending` creates a [`Parked`] guard once (keeping it across
//! spurious wake-ups, so "since" stays the time it first parked) and drops it when its future
//! completes or is cancelled. The guard finds the current goroutine through the task-local
//! that the goroutine's task sets on every poll ([`CURRENT`]); outside a goroutine it is
//! `None` and costs a thread-local read. When a goroutine is parked, the guard costs one
//! relaxed load of the coarse clock and three relaxed stores into the goroutine's own slot; a
//! dump decodes them.
//!
//! Precision: the slot holds one wait state, the latest park. A goroutine pending on two
//! gokio futures at once (a `join!` of two waits) shows the later one, and shows nothing once
//! either finishes; a goroutine pending on a future gokio does not know (a socket,
//! `tokio::time::sleep`, a `JoinHandle`) shows no wait state, which the dump prints as
//! `running or waiting outside gokio` — never as blocked. A combinator that polls several
//! gokio futures (select) records its own reason after polling its cases, which overwrites
//! theirs.

use std::panic::Location;
#[cfg(feature = "diagnostics")]
use std::sync::atomic::Ordering;

#[cfg(feature = "diagnostics")]
use super::registry::{self, Registration, Slot};

#[cfg(feature = "diagnostics")]
tokio::task_local! {
    /// The registration of the goroutine being polled (set by its task on every poll).
    pub(crate) static CURRENT: Registration;
}

/// The slot of the goroutine being polled on this thread, if any.
#[cfg(feature = "diagnostics")]
#[inline]
fn current() -> Option<&'static Slot> {
    CURRENT.try_with(Registration::slot).ok()
}

/// Go's wait reasons (`runtime2.go`'s `waitReasonStrings`), as gokio's primitives use them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
#[allow(dead_code)] // the channel, select, mutex and timer reasons are wired next
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
    Timer,
    ContextDone,
    SyncOnceDo,
}

#[cfg(feature = "diagnostics")]
/// Every reason, indexed by its code minus one.
const REASONS: [Reason; 16] = [
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
    Reason::Timer,
    Reason::ContextDone,
    Reason::SyncOnceDo,
];

impl Reason {
    /// Go's string for the reason (gokio's own for the three Go does not have).
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
            Reason::Sleep => "sleep",
            // Go parks timer channels as `chan receive` and contexts as `select`; gokio's
            // timers and contexts are futures of their own, so they say what they are.
            Reason::Timer => "timer",
            Reason::ContextDone => "context done",
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
#[allow(dead_code)] // channels and mutexes are wired next
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

/// The current goroutine's wait state while a gokio primitive has it parked. Created when the
/// primitive first returns `Pending`, dropped when it completes or is cancelled. Without the
/// `diagnostics` feature it is never created.
#[derive(Debug)]
pub(crate) struct Parked {
    #[cfg(feature = "diagnostics")]
    slot: &'static Slot,
    #[cfg(feature = "diagnostics")]
    word: u64,
}

impl Parked {
    /// Records that the current goroutine parks for `reason` on `object`, at `site` (the
    /// user's call of the primitive). `None` outside a goroutine.
    #[inline]
    #[cfg_attr(not(feature = "diagnostics"), allow(unused_variables))]
    pub(crate) fn new(
        reason: Reason,
        object: Object,
        site: &'static Location<'static>,
    ) -> Option<Parked> {
        #[cfg(not(feature = "diagnostics"))]
        {
            None
        }
        #[cfg(feature = "diagnostics")]
        {
            let slot = current()?;
            let site = registry::intern(site);
            let site = if site < 1 << SITE_BITS { site } else { 0 };
            let word = u64::from(reason as u8) << 56
                | u64::from(site) << 32
                | u64::from(registry::ticks());
            let (object, detail) = object.encode();
            slot.object.store(object, Ordering::Relaxed);
            slot.detail.store(detail, Ordering::Relaxed);
            slot.wait.store(word, Ordering::Relaxed);
            Some(Parked { slot, word })
        }
    }
}

#[cfg(feature = "diagnostics")]
impl Drop for Parked {
    #[inline]
    fn drop(&mut self) {
        // Only the goroutine writes its slot, so load-then-store is not a race: clear the
        // state unless a later park replaced it.
        if self.slot.wait.load(Ordering::Relaxed) == self.word {
            self.slot.wait.store(0, Ordering::Relaxed);
        }
    }
}
