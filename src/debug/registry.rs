//! The registry of live goroutines (private): one [`Slot`] per goroutine, found by the dump.
//!
//! Design, driven by cost (`go` + join must stay within 3% of what it cost without the
//! registry, and an idle goroutine within 10% of its memory; see `benches/spawn.rs`,
//! `benches/memory.rs` and the CHANGELOG for the figures):
//!
//! - **Slots, not allocations.** A slot is 56 bytes of atomics in a chunk of [`CHUNK`] slots
//!   that is allocated once and never freed (Go's `allgs` never shrinks either). A goroutine
//!   holds `&'static Slot`, so no `unsafe` and no reference count is needed to reach it.
//! - **Per-thread magazines.** Free slots sit in a thread-local `Vec` (a "magazine", after
//!   Bonwick's slab allocator): taking one at spawn and giving it back at exit touch only the
//!   calling thread's list. A thread whose list outgrows `2 * BATCH` moves `BATCH` slots to the
//!   global depot; a thread whose list is empty takes a batch back (or a new chunk). Goroutines
//!   are spawned on one thread and end on another, so slots flow through the depot, one lock
//!   per [`BATCH`] spawns.
//! - **Seqlock-style reads.** Only the owning goroutine writes its slot (at spawn, when it
//!   parks and wakes, at exit); the dump only reads. A reader loads the id, the fields, then
//!   the id again behind an acquire fence; ids are never reused, so an unchanged non-zero id
//!   means the fields belong to that goroutine (a writer publishes new fields behind a release
//!   fence, see [`Slot::claim`]). Fields of one live goroutine may be read mid-update (a park
//!   racing the dump): a dump is a snapshot, as Go's is of running goroutines.
//! - **Interned sites.** A spawn site or park site is a `&'static Location`, which no atomic
//!   can hold without `unsafe`; it is interned into a global table once per (thread, site) and
//!   the slot stores its index (a per-thread direct-mapped cache makes the repeat lookup a
//!   load and a compare).
//! - **Names** are rare (only [`Builder::name`](crate::Builder::name)) and live in one global
//!   map keyed by goroutine id; an unnamed goroutine never touches it.
//! - **Coarse clock.** Start and park times are 100 ms ticks of a clock that a background
//!   thread (`gokio-sysmon`, started with the first chunk, like Go's `sysmon`) advances, so
//!   recording a time is one relaxed load instead of a `clock_gettime`.
//!
//! Invariants: a slot's `id` is non-zero exactly while a goroutine owns it; a slot is in at
//! most one free list (a magazine or the depot) and only while its `id` is zero.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::panic::Location;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use crate::loom::global::{fence, AtomicU32, AtomicU64, Mutex, OnceLock};

/// Slots per chunk (56 bytes each: 14 KiB).
const CHUNK: usize = 256;
/// Slots moved between a magazine and the depot at a time.
const BATCH: usize = 64;

/// Flag bits of [`Slot::id`] above the goroutine id.
pub(crate) const NAMED: u64 = 1 << 63;
/// The slot belongs to a [`run`](crate::run) main future rather than a spawned goroutine.
pub(crate) const MAIN: u64 = 1 << 62;
const ID_MASK: u64 = MAIN - 1;

/// One goroutine's record. Written only by its goroutine; read by dumps.
#[derive(Default)]
pub(crate) struct Slot {
    /// Goroutine id with the [`NAMED`] / [`MAIN`] flags; 0 while the slot is free.
    id: AtomicU64,
    /// The wait state (see [`crate::debug::park`]): reason (8 bits) | park site (24) |
    /// since (32, clock ticks); 0 when not parked on a gokio primitive.
    pub(crate) wait: AtomicU64,
    /// What it waits on: kind (8 bits) | address (56).
    pub(crate) object: AtomicU64,
    /// Two numbers about the object (e.g. len and cap), 32 bits each.
    pub(crate) detail: AtomicU64,
    /// Spawn site index (32 bits) | start tick (32).
    origin: AtomicU64,
    /// Poll epochs: the goroutine's poll count (high 32 bits, bumped as each poll of its
    /// future begins) | the count when its wait state was last recorded (low 32). The wait
    /// state is *fresh* — recorded during the goroutine's latest poll, so it is what that poll
    /// left the goroutine pending on — exactly when the two halves are equal.
    pub(crate) polls: AtomicU64,
    /// The tokio runtime that polls it (the deadlock detector's [`runtime_tag`], recorded by
    /// its spawner; a `run` or watchdog main future records it on every poll, with
    /// [`IN_TASK`] when it is polled as a task), or 0 before.
    pub(crate) runtime: AtomicU64,
}

/// Flag of [`Slot::runtime`]: a watched main future polled inside a tokio task.
pub(crate) const IN_TASK: u64 = 1 << 63;

/// [`runtime_tag`] of the runtime whose context the caller is in, or 0 outside any.
pub(crate) fn current_runtime() -> u64 {
    tokio::runtime::Handle::try_current().map_or(0, |h| runtime_tag(&h))
}

/// [`runtime_tag`] of gokio's global runtime (which this starts, as spawning on it would).
pub(crate) fn global_runtime_tag() -> u64 {
    static TAG: OnceLock<u64> = OnceLock::new();
    *TAG.get_or_init(|| runtime_tag(crate::runtime::global().handle()))
}

/// The detector's name for the tokio runtime `handle`: its `runtime::Id` as a number (the
/// `u64` it hashes, which is all tokio's stable API gives of it), never 0.
pub(crate) fn runtime_tag(handle: &tokio::runtime::Handle) -> u64 {
    use std::hash::{Hash, Hasher};
    /// Keeps the last integer hashed.
    struct Capture(u64);
    impl Hasher for Capture {
        fn finish(&self) -> u64 {
            self.0
        }
        fn write(&mut self, bytes: &[u8]) {
            for &b in bytes {
                self.0 = self.0.rotate_left(8) ^ u64::from(b);
            }
        }
        fn write_u64(&mut self, v: u64) {
            self.0 = v;
        }
    }
    let mut h = Capture(0);
    handle.id().hash(&mut h);
    (h.finish() & !IN_TASK).max(1)
}

impl Slot {
    /// Takes a free slot for goroutine `id`: fields first, then (behind a release fence that
    /// pairs with the reader's acquire fence) the id that makes them visible to dumps.
    fn claim(&self, id: u64, site: u32) {
        fence(Ordering::Release);
        self.wait.store(0, Ordering::Relaxed);
        self.runtime.store(0, Ordering::Relaxed);
        // Not fresh: no wait state recorded (the halves differ).
        self.polls.store(1 << 32, Ordering::Relaxed);
        self.origin.store(
            u64::from(site) << 32 | u64::from(ticks()),
            Ordering::Relaxed,
        );
        self.id.store(id, Ordering::Release);
    }

    /// A consistent copy of the slot, or `None` if it is free or changed hands while read.
    pub(crate) fn snapshot(&self) -> Option<SlotSnapshot> {
        let id = self.id.load(Ordering::Acquire);
        if id == 0 {
            return None;
        }
        let snap = SlotSnapshot {
            id: id & ID_MASK,
            main: id & MAIN != 0,
            named: id & NAMED != 0,
            wait: self.wait.load(Ordering::Relaxed),
            object: self.object.load(Ordering::Relaxed),
            detail: self.detail.load(Ordering::Relaxed),
            site: (self.origin.load(Ordering::Relaxed) >> 32) as u32,
            start: self.origin.load(Ordering::Relaxed) as u32,
            polls: self.polls.load(Ordering::Relaxed),
            runtime: self.runtime.load(Ordering::Relaxed),
        };
        fence(Ordering::Acquire);
        (self.id.load(Ordering::Relaxed) == id).then_some(snap)
    }
}

/// What a dump reads from one slot.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SlotSnapshot {
    pub(crate) id: u64,
    pub(crate) main: bool,
    pub(crate) named: bool,
    pub(crate) wait: u64,
    pub(crate) object: u64,
    pub(crate) detail: u64,
    pub(crate) site: u32,
    pub(crate) start: u32,
    pub(crate) polls: u64,
    pub(crate) runtime: u64,
}

impl SlotSnapshot {
    /// Whether the wait state was recorded during the goroutine's latest poll (see
    /// [`Slot::polls`]); a dump shows only a fresh wait state.
    pub(crate) fn fresh(&self) -> bool {
        self.wait != 0 && (self.polls >> 32) == (self.polls & u64::from(u32::MAX))
    }
}

impl Slot {
    /// A poll of the goroutine's future begins: wait states recorded before are stale.
    #[inline]
    pub(crate) fn begin_poll(&self) {
        // Only the goroutine writes its slot: load-then-store is not a race.
        let p = self.polls.load(Ordering::Relaxed);
        self.polls.store(p.wrapping_add(1 << 32), Ordering::Relaxed);
    }

    /// The poll that just ended left a future gokio does not know pending (see `probe.rs`):
    /// whatever wait state it recorded is stale, so the goroutine shows as running or waiting
    /// outside gokio. The wait word stays, so a wait still pending at the next poll keeps its
    /// "since" (see `park::record`).
    #[inline]
    pub(crate) fn outside(&self) {
        let p = self.polls.load(Ordering::Relaxed);
        let now = p >> 32;
        self.polls.store(
            now << 32 | (now.wrapping_sub(1) & u64::from(u32::MAX)),
            Ordering::Relaxed,
        );
    }
}

// ---------------------------------------------------------------------------------------
// Slot allocation: chunks, per-thread magazines and the depot.

/// Every chunk ever allocated, for dumps to walk.
static CHUNKS: Mutex<Vec<&'static [Slot]>> = Mutex::new(Vec::new());
/// Batches of free slots handed between threads.
static DEPOT: Mutex<Vec<Vec<&'static Slot>>> = Mutex::new(Vec::new());

/// A thread's free slots; given back to the depot when the thread exits.
struct Magazine(Vec<&'static Slot>);

impl Drop for Magazine {
    fn drop(&mut self) {
        if !self.0.is_empty() {
            lock(&DEPOT).push(std::mem::take(&mut self.0));
        }
    }
}

thread_local! {
    static FREE: RefCell<Magazine> = const { RefCell::new(Magazine(Vec::new())) };
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Every critical section here is a push, pop or lookup: never left half done.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Takes a free slot.
#[inline]
fn take() -> &'static Slot {
    FREE.try_with(|m| {
        let mut m = m.borrow_mut();
        match m.0.pop() {
            Some(slot) => slot,
            None => refill(&mut m.0),
        }
    })
    .unwrap_or_else(|_| {
        // This thread's locals are being torn down: take a slot without caching any.
        let mut spare = Vec::new();
        let slot = refill(&mut spare);
        lock(&DEPOT).push(spare);
        slot
    })
}

/// Fills the empty `list` from the depot or a new chunk, and returns one slot.
#[cold]
fn refill(list: &mut Vec<&'static Slot>) -> &'static Slot {
    if let Some(batch) = lock(&DEPOT).pop() {
        *list = batch;
    } else {
        let chunk: &'static [Slot] = (0..CHUNK)
            .map(|_| Slot::default())
            .collect::<Vec<_>>()
            .leak();
        lock(&CHUNKS).push(chunk);
        list.extend(chunk.iter().rev());
        start_sysmon();
    }
    list.pop().unwrap_or_else(|| refill(list))
}

/// Returns a slot whose goroutine has ended.
#[inline]
fn give_back(slot: &'static Slot) {
    slot.id.store(0, Ordering::Release);
    let cached = FREE.try_with(|m| {
        let mut m = m.borrow_mut();
        m.0.push(slot);
        if m.0.len() >= 2 * BATCH {
            let at = m.0.len() - BATCH;
            let batch = m.0.split_off(at);
            lock(&DEPOT).push(batch);
        }
    });
    if cached.is_err() {
        lock(&DEPOT).push(vec![slot]);
    }
}

/// Calls `f` on a snapshot of every live goroutine (in no particular order).
pub(crate) fn for_each(mut f: impl FnMut(SlotSnapshot)) {
    let chunks: Vec<&'static [Slot]> = lock(&CHUNKS).clone();
    for chunk in chunks {
        for slot in chunk {
            if let Some(s) = slot.snapshot() {
                f(s);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Registration: what a goroutine's task holds.

/// A goroutine's claim on its slot; dropping it (the goroutine's future is dropped:
/// completed, panicked or aborted) frees the slot, the name and the live count.
#[derive(Debug)]
pub(crate) struct Registration {
    slot: &'static Slot,
}

impl std::fmt::Debug for Slot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Slot")
            .field("id", &self.id.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl Registration {
    /// Registers goroutine `id` (or a `run` main future, with [`MAIN`]) spawned at `site`.
    #[inline]
    pub(crate) fn new(
        id: u64,
        site: &'static Location<'static>,
        name: Option<Cow<'static, str>>,
    ) -> Registration {
        let mut word = id;
        if let Some(name) = name {
            lock(&NAMES).insert(id & ID_MASK, name);
            word |= NAMED;
        }
        if id & MAIN == 0 {
            crate::runtime::live_inc();
        }
        let slot = take();
        slot.claim(word, intern(site));
        Registration { slot }
    }

    /// The goroutine's slot.
    #[inline]
    pub(crate) fn slot(&self) -> &'static Slot {
        self.slot
    }
}

impl Drop for Registration {
    #[inline]
    fn drop(&mut self) {
        let id = self.slot.id.load(Ordering::Relaxed);
        give_back(self.slot);
        if id & NAMED != 0 {
            lock(&NAMES).remove(&(id & ID_MASK));
        }
        if id & MAIN == 0 {
            crate::runtime::live_dec();
        }
    }
}

// ---------------------------------------------------------------------------------------
// Names and sites.

/// Names of named goroutines, by id.
static NAMES: Mutex<BTreeMap<u64, Cow<'static, str>>> = Mutex::new(BTreeMap::new());

/// The name of goroutine `id`, if it has one.
pub(crate) fn name(id: u64) -> Option<String> {
    lock(&NAMES).get(&id).map(|n| n.to_string())
}

/// Interned sites: index `i + 1` is `list[i]`; 0 means unknown.
struct Sites {
    list: Vec<&'static Location<'static>>,
    index: BTreeMap<(&'static str, u32, u32), u32>,
}

static SITES: Mutex<Sites> = Mutex::new(Sites {
    list: Vec::new(),
    index: BTreeMap::new(),
});

/// Direct-mapped cache entries per thread (address of the `Location`, its index).
const SITE_CACHE: usize = 64;

thread_local! {
    static SITE_CACHE_TLS: [Cell<(usize, u32)>; SITE_CACHE] =
        const { [const { Cell::new((0, 0)) }; SITE_CACHE] };
}

/// The index of `site` in the site table (at least 1).
#[inline]
pub(crate) fn intern(site: &'static Location<'static>) -> u32 {
    let addr = site as *const Location<'static> as usize;
    let at = (addr >> 3) % SITE_CACHE;
    SITE_CACHE_TLS
        .try_with(|cache| {
            let (a, i) = cache[at].get();
            if a == addr {
                i
            } else {
                let i = intern_slow(site);
                cache[at].set((addr, i));
                i
            }
        })
        .unwrap_or_else(|_| intern_slow(site))
}

#[cold]
fn intern_slow(site: &'static Location<'static>) -> u32 {
    let mut sites = lock(&SITES);
    let key = (site.file(), site.line(), site.column());
    if let Some(&i) = sites.index.get(&key) {
        return i;
    }
    sites.list.push(site);
    let i = u32::try_from(sites.list.len()).unwrap_or(u32::MAX);
    sites.index.insert(key, i);
    i
}

/// The site of index `i` (from [`intern`]).
pub(crate) fn site(i: u32) -> Option<&'static Location<'static>> {
    let i = usize::try_from(i).ok()?.checked_sub(1)?;
    lock(&SITES).list.get(i).copied()
}

// ---------------------------------------------------------------------------------------
// The coarse clock.

/// Length of one clock tick.
pub(crate) const TICK: Duration = Duration::from_millis(100);

/// Ticks since [`epoch`], advanced by the sysmon thread.
static TICKS: AtomicU32 = AtomicU32::new(0);
static EPOCH: OnceLock<Instant> = OnceLock::new();

/// The instant tick 0 stands for.
pub(crate) fn epoch() -> Instant {
    *EPOCH.get_or_init(Instant::now)
}

/// The current tick (coarse: up to one tick behind).
#[inline]
pub(crate) fn ticks() -> u32 {
    TICKS.load(Ordering::Relaxed)
}

/// The precise time since `tick`.
pub(crate) fn since(tick: u32) -> Duration {
    epoch().elapsed().saturating_sub(TICK * tick)
}

/// Starts the clock thread once. It stores the time every [`TICK`] and runs the deadlock
/// detector's look (`deadlock.rs`: a few atomic loads while no `run` is active).
fn start_sysmon() {
    static STARTED: OnceLock<()> = OnceLock::new();
    STARTED.get_or_init(|| {
        let epoch = epoch();
        let spawned = std::thread::Builder::new()
            .name("gokio-sysmon".into())
            .spawn(move || {
                let mut previous = None;
                loop {
                    std::thread::sleep(TICK);
                    let t = epoch.elapsed().as_millis() / TICK.as_millis();
                    TICKS.store(u32::try_from(t).unwrap_or(u32::MAX), Ordering::Relaxed);
                    super::deadlock::tick(&mut previous);
                }
            });
        // Without the thread the clock stays at 0 and no deadlock is reported: dumps then show
        // no wait durations, which is all that is lost.
        drop(spawned);
    });
}
