//! The goroutine dump: a snapshot of the registry and its two text forms (Go's SIGQUIT
//! traceback headers, and pprof's `goroutine?debug=1` grouping).

use std::collections::BTreeMap;
use std::fmt;
use std::panic::Location;
use std::time::Duration;

use super::park::{Object, Wait};
use super::registry;

/// What a goroutine is blocked on, as seen by a dump.
const OUTSIDE: &str = "running or waiting outside gokio";

/// Takes a snapshot of every live goroutine: its id, name, spawn site, age and what it is
/// waiting for (Go: the goroutine dump that `SIGQUIT` or `debug.SetTraceback` prints).
///
/// The snapshot includes the main future of every running [`run`](crate::run) (shown as
/// goroutine 0) and every goroutine started by [`go`](fn@crate::go), [`go!`](crate::go!),
/// [`Builder::go`](crate::Builder::go), [`WaitGroup::go`](crate::WaitGroup::go) and the
/// [`pattern`](crate::pattern) helpers. Tasks started with `tokio::spawn` are not goroutines
/// and are not listed.
///
/// A goroutine parked in a gokio primitive that records its wait (today
/// [`WaitGroup::wait`](crate::WaitGroup::wait), [`Semaphore::acquire`](crate::Semaphore::acquire)
/// and [`Once::call_once`](crate::Once::call_once)) shows Go's wait reason, where it waits
/// and on what; any other goroutine shows `running or waiting outside gokio`. Taking a dump
/// walks every registry slot (a few nanoseconds each) and does not stop anyone: a goroutine
/// that wakes meanwhile may be shown in either state.
///
/// # Examples
///
/// ```
/// # gokio::run(async {
/// let wg = gokio::WaitGroup::new();
/// let hold = wg.guard();
/// let waiter = gokio::Builder::new().name("waiter").go({
///     let wg = wg.clone();
///     async move { wg.wait().await }
/// });
/// while !gokio::debug::dump().to_string().contains("[sync.WaitGroup.Wait]") {
///     gokio::yield_now().await;
/// }
/// let dump = gokio::debug::dump();
/// let g = dump.goroutines().iter().find(|g| g.id() == waiter.id()).unwrap();
/// assert_eq!(g.name(), Some("waiter"));
/// assert_eq!(g.wait_reason(), Some("sync.WaitGroup.Wait"));
/// drop(hold);
/// waiter.await.unwrap();
/// # });
/// ```
pub fn dump() -> Dump {
    let mut goroutines = Vec::new();
    registry::for_each(|s| {
        // A stale wait state is what an earlier poll left: not what the goroutine does now.
        let wait = if s.fresh() {
            Wait::decode(s.wait)
        } else {
            None
        };
        goroutines.push(GoroutineInfo {
            id: s.id,
            main: s.main,
            name: if s.named { registry::name(s.id) } else { None },
            created_at: registry::site(s.site),
            age: registry::since(s.start),
            wait: wait.map(|w| WaitInfo {
                reason: w.reason.as_str(),
                at: w.site,
                since: registry::since(w.since),
                on: Object::describe(s.object, s.detail),
            }),
        });
    });
    goroutines.sort_by_key(|g| (!g.main, g.id));
    Dump { goroutines }
}

/// A snapshot of the live goroutines, made by [`dump`].
///
/// `Display` prints Go's goroutine dump, one paragraph per goroutine in id order (the `run`
/// main futures first, as goroutine 0):
///
/// ```text
/// goroutine 17 [sync.WaitGroup.Wait, 3 minutes]:
/// gokio::WaitGroup::wait(sync.WaitGroup 0x55d0c0a1b2c0 (counter 2))
///         examples/dump.rs:21:12
/// created by examples/dump.rs:12:5
/// ```
///
/// The header is Go's: the wait reason, then the wait's duration in whole minutes once it is
/// at least one minute. Instead of Go's stack trace, the next two lines say which gokio call
/// the goroutine is parked in, on what, and where that call is; `created by` is the spawn
/// site, followed on its own line by `name: NAME` for a named goroutine. A goroutine not
/// parked in gokio has `[running or waiting outside gokio]` and no call line. See
/// [`grouped`](Self::grouped) for a summary.
///
/// # Examples
///
/// ```
/// # gokio::run(async {
/// let g = gokio::go(std::future::pending::<()>());
/// let text = gokio::debug::dump().to_string();
/// assert!(text.contains(&format!("goroutine {} [running or waiting outside gokio]:", g.id())));
/// g.abort();
/// # });
/// ```
#[derive(Clone, Debug)]
pub struct Dump {
    goroutines: Vec<GoroutineInfo>,
}

impl Dump {
    /// The goroutines, in the order `Display` prints them.
    ///
    /// # Examples
    ///
    /// ```
    /// # gokio::run(async {
    /// let g = gokio::go(std::future::pending::<()>());
    /// assert!(gokio::debug::dump().goroutines().iter().any(|x| x.id() == g.id()));
    /// g.abort();
    /// # });
    /// ```
    pub fn goroutines(&self) -> &[GoroutineInfo] {
        &self.goroutines
    }

    /// The grouped form, like pprof's `goroutine?debug=1`: goroutines with the same wait
    /// reason, wait site and spawn site are counted on one line, largest group first.
    ///
    /// ```text
    /// goroutine profile: total 1002
    /// 1000 @ [chan receive] created by examples/pool.rs:14:9
    /// #   gokio::Receiver::recv at examples/pool.rs:16:30
    ///
    /// 2 @ [running or waiting outside gokio] created by examples/pool.rs:30:5
    /// ```
    ///
    /// # Examples
    ///
    /// ```
    /// # gokio::run(async {
    /// let gs: Vec<_> = (0..3).map(|_| gokio::go(std::future::pending::<()>())).collect();
    /// let grouped = gokio::debug::dump().grouped().to_string();
    /// assert!(grouped.contains("3 @ [running or waiting outside gokio] created by"));
    /// gs.iter().for_each(|g| g.abort());
    /// # });
    /// ```
    pub fn grouped(&self) -> Grouped<'_> {
        Grouped(self)
    }

    /// Keeps only the goroutines for which `keep` returns true.
    ///
    /// # Examples
    ///
    /// ```
    /// # gokio::run(async {
    /// let g = gokio::Builder::new().name("x").go(std::future::pending::<()>());
    /// let named = gokio::debug::dump().filter(|g| g.name() == Some("x"));
    /// assert_eq!(named.goroutines().len(), 1);
    /// g.abort();
    /// # });
    /// ```
    pub fn filter(mut self, mut keep: impl FnMut(&GoroutineInfo) -> bool) -> Dump {
        self.goroutines.retain(|g| keep(g));
        self
    }

    /// Whether the dump lists no goroutine.
    ///
    /// # Examples
    ///
    /// ```
    /// let dump = gokio::debug::dump().filter(|_| false);
    /// assert!(dump.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.goroutines.is_empty()
    }
}

impl fmt::Display for Dump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, g) in self.goroutines.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{g}")?;
        }
        Ok(())
    }
}

/// One goroutine in a [`Dump`].
///
/// `Display` prints its paragraph of the dump (see [`Dump`]).
///
/// # Examples
///
/// ```
/// # gokio::run(async {
/// let g = gokio::go(std::future::pending::<()>());
/// let dump = gokio::debug::dump();
/// let info = dump.goroutines().iter().find(|x| x.id() == g.id()).unwrap();
/// assert_eq!(info.wait_reason(), None); // not parked in gokio
/// assert!(info.created_at().unwrap().file().ends_with(".rs"));
/// g.abort();
/// # });
/// ```
#[derive(Clone, Debug)]
pub struct GoroutineInfo {
    id: u64,
    main: bool,
    name: Option<String>,
    created_at: Option<&'static Location<'static>>,
    age: Duration,
    wait: Option<WaitInfo>,
}

#[derive(Clone, Debug)]
struct WaitInfo {
    reason: &'static str,
    at: Option<&'static Location<'static>>,
    since: Duration,
    on: Option<String>,
}

impl GoroutineInfo {
    /// The goroutine id ([`Goroutine::id`](crate::Goroutine::id)); 0 for a `run` main future.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Whether this is the main future of [`run`](crate::run) rather than a spawned goroutine.
    pub fn is_main(&self) -> bool {
        self.main
    }

    /// The name given with [`Builder::name`](crate::Builder::name).
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// Where the goroutine was started (the call of `go`, `go!`, `WaitGroup::go`, a pattern
    /// helper, or `run`).
    pub fn created_at(&self) -> Option<&'static Location<'static>> {
        self.created_at
    }

    /// How long ago it was started (to within 100 ms).
    pub fn age(&self) -> Duration {
        self.age
    }

    /// Go's wait reason (`sync.WaitGroup.Wait`, `semacquire`, ...) if it is parked in a gokio
    /// primitive, `None` if it is running or waiting on something gokio does not know.
    pub fn wait_reason(&self) -> Option<&'static str> {
        self.wait.as_ref().map(|w| w.reason)
    }

    /// Where it parked: the user's call of the gokio primitive.
    pub fn waiting_at(&self) -> Option<&'static Location<'static>> {
        self.wait.as_ref().and_then(|w| w.at)
    }

    /// How long it has been parked (to within 100 ms); zero if not parked in gokio.
    pub fn waiting_for(&self) -> Duration {
        self.wait.as_ref().map_or(Duration::ZERO, |w| w.since)
    }

    /// What it waits on, e.g. `sync.WaitGroup 0x55d0c0a1b2c0 (counter 2)`.
    pub fn waiting_on(&self) -> Option<&str> {
        self.wait.as_ref().and_then(|w| w.on.as_deref())
    }

    /// The text between the brackets of the header: the reason and, from one minute on, the
    /// whole minutes (Go's `goroutineheader`).
    fn status(&self) -> String {
        match &self.wait {
            None => OUTSIDE.to_owned(),
            Some(w) => {
                let minutes = w.since.as_secs() / 60;
                if minutes >= 1 {
                    format!("{}, {minutes} minutes", w.reason)
                } else {
                    w.reason.to_owned()
                }
            }
        }
    }

    /// The grouping key of [`Dump::grouped`] (names are left out, so that `worker 1` and
    /// `worker 2` of one spawn site count together).
    fn group_key(&self) -> (String, String, String) {
        (
            self.wait_reason().unwrap_or(OUTSIDE).to_owned(),
            self.waiting_at()
                .map(ToString::to_string)
                .unwrap_or_default(),
            self.creator(),
        )
    }

    fn creator(&self) -> String {
        let site = self
            .created_at
            .map_or_else(|| "?".to_owned(), ToString::to_string);
        if self.main {
            format!("gokio::run at {site}")
        } else {
            site
        }
    }
}

impl fmt::Display for GoroutineInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "goroutine {} [{}]:", self.id, self.status())?;
        if let Some(w) = &self.wait {
            writeln!(
                f,
                "{}({})",
                call_of(w.reason),
                w.on.as_deref().unwrap_or("")
            )?;
            if let Some(at) = w.at {
                writeln!(f, "\t{at}")?;
            }
        }
        writeln!(f, "created by {}", self.creator())?;
        if let Some(name) = &self.name {
            writeln!(f, "name: {name}")?;
        }
        Ok(())
    }
}

/// The gokio call behind a wait reason, for the call line of a dump.
fn call_of(reason: &str) -> &'static str {
    match reason {
        "sync.WaitGroup.Wait" => "gokio::WaitGroup::wait",
        "semacquire" => "gokio::Semaphore::acquire",
        "sync.Once.Do" => "gokio::Once::call_once",
        "chan receive" | "chan receive (nil chan)" => "gokio::Receiver::recv",
        "chan send" | "chan send (nil chan)" => "gokio::Sender::send",
        "select" | "select (no cases)" => "gokio::select!",
        "sync.Mutex.Lock" => "gokio::Mutex::lock",
        "sync.RWMutex.RLock" => "gokio::RwMutex::read",
        "sync.RWMutex.Lock" => "gokio::RwMutex::write",
        "sync.Cond.Wait" => "gokio::sync::Cond::wait",
        "sleep" => "gokio::time::sleep",
        _ => "gokio",
    }
}

/// The grouped form of a [`Dump`] (pprof's `goroutine?debug=1`); see [`Dump::grouped`].
///
/// # Examples
///
/// ```
/// let grouped = gokio::debug::dump().grouped().to_string();
/// assert!(grouped.starts_with("goroutine profile: total "));
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Grouped<'a>(&'a Dump);

impl fmt::Display for Grouped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut groups: BTreeMap<(String, String, String), usize> = BTreeMap::new();
        for g in &self.0.goroutines {
            *groups.entry(g.group_key()).or_default() += 1;
        }
        let mut groups: Vec<_> = groups.into_iter().collect();
        // Largest first, as pprof; ties in key order, so the output is deterministic.
        groups.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        writeln!(f, "goroutine profile: total {}", self.0.goroutines.len())?;
        for ((reason, at, creator), count) in groups {
            writeln!(f, "{count} @ [{reason}] created by {creator}")?;
            if !at.is_empty() {
                writeln!(f, "#\t{} at {at}", call_of(&reason))?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parked_for(since: Duration) -> GoroutineInfo {
        GoroutineInfo {
            id: 17,
            main: false,
            name: None,
            created_at: None,
            age: since,
            wait: Some(WaitInfo {
                reason: "chan receive",
                at: None,
                since,
                on: None,
            }),
        }
    }

    // Go's `goroutineheader`: whole minutes, printed only from one minute on ("1 minutes").
    #[test]
    fn header_shows_whole_minutes_from_one_minute_on() {
        let header = |secs| {
            let text = parked_for(Duration::from_secs(secs)).to_string();
            text.lines().next().unwrap().to_owned()
        };
        assert_eq!(header(0), "goroutine 17 [chan receive]:");
        assert_eq!(header(59), "goroutine 17 [chan receive]:");
        assert_eq!(header(60), "goroutine 17 [chan receive, 1 minutes]:");
        assert_eq!(header(179), "goroutine 17 [chan receive, 2 minutes]:");
        assert_eq!(
            header(3 * 3600),
            "goroutine 17 [chan receive, 180 minutes]:"
        );
    }
}
