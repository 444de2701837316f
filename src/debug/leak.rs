//! The goleak-style leak check: fail a test if goroutines it started are still alive.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures::future::FusedFuture;

use super::dump::{dump, Dump, GoroutineInfo};
use super::park;

/// Checks that no unexpected goroutine is alive (Go: `goleak.VerifyNone`), retrying for a
/// grace period so that goroutines that are just finishing are not reported.
///
/// The goroutine calling the check and the `run` main futures are never reported; others can
/// be ignored by name or spawn site ([`ignore`](Self::ignore)), or all goroutines alive when
/// the check was built ([`ignore_current`](Self::ignore_current), goleak's `IgnoreCurrent`).
///
/// # Examples
///
/// ```
/// # gokio::run(async {
/// use gokio::debug::LeakCheck;
///
/// let check = LeakCheck::new().ignore_current();
/// let ch = gokio::chan::<u32>(0);
/// let rx = ch.receiver();
/// let g = gokio::go(async move { rx.recv().await });
/// // Forgot to close `ch`: the receiver is still parked.
/// let err = check.grace(std::time::Duration::from_millis(50)).verify().await.unwrap_err();
/// assert_eq!(err.leaked().goroutines()[0].id(), g.id());
/// ch.close();
/// g.await.unwrap();
/// # });
/// ```
#[derive(Clone, Debug)]
pub struct LeakCheck {
    grace: Duration,
    ignore: Vec<String>,
    known: Vec<u64>,
}

impl Default for LeakCheck {
    fn default() -> Self {
        LeakCheck::new()
    }
}

impl LeakCheck {
    /// A check with a one-second grace period that ignores nothing.
    ///
    /// # Examples
    ///
    /// ```
    /// # gokio::run(async {
    /// gokio::debug::LeakCheck::new().verify().await.unwrap();
    /// # });
    /// ```
    pub fn new() -> LeakCheck {
        LeakCheck {
            grace: Duration::from_secs(1),
            ignore: Vec::new(),
            known: Vec::new(),
        }
    }

    /// How long to wait for goroutines to finish before reporting them (default 1 s).
    ///
    /// # Examples
    ///
    /// ```
    /// let check = gokio::debug::LeakCheck::new().grace(std::time::Duration::from_secs(5));
    /// # drop(check);
    /// ```
    pub fn grace(mut self, grace: Duration) -> LeakCheck {
        self.grace = grace;
        self
    }

    /// Ignores goroutines whose name or spawn site (`file:line:col`) contains `pattern`.
    ///
    /// # Examples
    ///
    /// ```
    /// # gokio::run(async {
    /// let g = gokio::Builder::new().name("metrics flusher").go(std::future::pending::<()>());
    /// gokio::debug::LeakCheck::new().ignore("flusher").verify().await.unwrap();
    /// g.abort();
    /// # });
    /// ```
    pub fn ignore(mut self, pattern: impl Into<String>) -> LeakCheck {
        self.ignore.push(pattern.into());
        self
    }

    /// Ignores every goroutine alive now (goleak's `IgnoreCurrent`): build the check at the
    /// start of a test, run `verify` at its end.
    ///
    /// # Examples
    ///
    /// ```
    /// # gokio::run(async {
    /// let old = gokio::go(std::future::pending::<()>());
    /// let check = gokio::debug::LeakCheck::new().ignore_current();
    /// gokio::go(async {}).await.unwrap();
    /// check.verify().await.unwrap();
    /// old.abort();
    /// # });
    /// ```
    pub fn ignore_current(mut self) -> LeakCheck {
        self.known = dump().goroutines().iter().map(GoroutineInfo::id).collect();
        self
    }

    /// The goroutines that count as leaked right now.
    fn leaked(&self) -> Dump {
        let current = park::current().and_then(|slot| slot.snapshot().map(|s| s.id));
        dump().filter(|g| {
            !g.is_main()
                && Some(g.id()) != current
                && !self.known.contains(&g.id())
                && !self.ignore.iter().any(|p| {
                    g.name().is_some_and(|n| n.contains(p.as_str()))
                        || g.created_at()
                            .is_some_and(|s| s.to_string().contains(p.as_str()))
                })
        })
    }

    /// Waits up to the grace period for the unexpected goroutines to end; returns them as an
    /// error if some are still alive then.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: it only reads the registry and sleeps.
    ///
    /// # Examples
    ///
    /// ```
    /// # gokio::run(async {
    /// let check = gokio::debug::LeakCheck::new().ignore_current();
    /// gokio::go(async { 1 + 1 });
    /// check.verify().await.unwrap(); // the goroutine ends within the grace period
    /// # });
    /// ```
    pub fn verify(&self) -> Verify<'_> {
        Verify::new(Check::Borrowed(self))
    }

    /// [`verify`](Self::verify) for synchronous code (a `#[test]` fn, the end of `main`).
    ///
    /// # Blocking
    ///
    /// Sleeps the calling thread between checks; do not call it from async code.
    ///
    /// # Examples
    ///
    /// ```
    /// gokio::run(async { gokio::go(async {}).await.unwrap() });
    /// gokio::debug::LeakCheck::new().verify_blocking().unwrap();
    /// ```
    pub fn verify_blocking(&self) -> Result<(), Leaked> {
        let deadline = Instant::now() + self.grace;
        loop {
            let leaked = self.leaked();
            if leaked.is_empty() {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(Leaked(leaked));
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

/// Checks, with a one-second grace period, that no goroutine is alive besides the caller and
/// the `run` main futures (Go: `goleak.VerifyNone(t)`). See [`LeakCheck`] for options.
///
/// # Examples
///
/// ```
/// # gokio::run(async {
/// let wg = gokio::WaitGroup::new();
/// for _ in 0..4 {
///     wg.go(async {});
/// }
/// wg.wait().await;
/// gokio::debug::verify_none().await.unwrap();
/// # });
/// ```
pub fn verify_none() -> Verify<'static> {
    Verify::new(Check::Owned(LeakCheck::new()))
}

/// The check a [`Verify`] runs: the caller's, or [`verify_none`]'s own.
#[derive(Debug)]
enum Check<'a> {
    Borrowed(&'a LeakCheck),
    Owned(LeakCheck),
}

/// Future returned by [`LeakCheck::verify`] and [`verify_none`]: resolves once no unexpected
/// goroutine is alive, or to the ones still alive when the grace period is over.
///
/// The grace period starts at its first poll. Between checks it sleeps on tokio's timer
/// (1 ms, doubling up to 50 ms), so it needs a tokio runtime with time enabled. `Debug`
/// shows the check and whether it is sleeping.
///
/// # Examples
///
/// ```
/// # gokio::run(async {
/// let check = gokio::debug::LeakCheck::new();
/// let v: gokio::debug::Verify<'_> = check.verify();
/// assert!(format!("{v:?}").starts_with("Verify {"));
/// v.await.unwrap();
/// # });
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Verify<'a> {
    check: Check<'a>,
    /// End of the grace period, set at the first poll.
    deadline: Option<Instant>,
    pause: Duration,
    /// The pause between two checks (tokio's `Sleep` is `!Unpin`: boxed).
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
    done: bool,
}

impl<'a> Verify<'a> {
    fn new(check: Check<'a>) -> Self {
        Verify {
            check,
            deadline: None,
            pause: Duration::from_millis(1),
            sleep: None,
            done: false,
        }
    }
}

impl Future for Verify<'_> {
    type Output = Result<(), Leaked>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Leaked>> {
        let this = &mut *self;
        assert!(!this.done, "`Verify` polled after completion");
        loop {
            if let Some(sleep) = &mut this.sleep {
                std::task::ready!(sleep.as_mut().poll(cx));
                this.sleep = None;
                this.pause = (this.pause * 2).min(Duration::from_millis(50));
            }
            let check = match &this.check {
                Check::Borrowed(check) => *check,
                Check::Owned(check) => check,
            };
            let deadline = *this
                .deadline
                .get_or_insert_with(|| Instant::now() + check.grace);
            let leaked = check.leaked();
            if leaked.is_empty() {
                this.done = true;
                return Poll::Ready(Ok(()));
            }
            if Instant::now() >= deadline {
                this.done = true;
                return Poll::Ready(Err(Leaked(leaked)));
            }
            this.sleep = Some(Box::pin(tokio::time::sleep(this.pause)));
        }
    }
}

impl FusedFuture for Verify<'_> {
    fn is_terminated(&self) -> bool {
        self.done
    }
}

impl fmt::Debug for Verify<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let check = match &self.check {
            Check::Borrowed(check) => *check,
            Check::Owned(check) => check,
        };
        f.debug_struct("Verify")
            .field("check", check)
            .field("sleeping", &self.sleep.is_some())
            .field("done", &self.done)
            .finish()
    }
}

/// The error of a failed leak check: the goroutines still alive.
///
/// Displays (and, so that `unwrap()` shows it, debug-prints) as `found unexpected
/// goroutines:` followed by their dump.
///
/// # Examples
///
/// ```
/// # gokio::run(async {
/// let g = gokio::go(std::future::pending::<()>());
/// let err = gokio::debug::LeakCheck::new()
///     .grace(std::time::Duration::ZERO)
///     .verify()
///     .await
///     .unwrap_err();
/// assert!(err.to_string().starts_with("found unexpected goroutines:\n"));
/// g.abort();
/// # });
/// ```
#[derive(Clone)]
pub struct Leaked(Dump);

impl Leaked {
    /// The goroutines found alive.
    pub fn leaked(&self) -> &Dump {
        &self.0
    }
}

impl fmt::Display for Leaked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "found unexpected goroutines:\n{}", self.0)
    }
}

impl fmt::Debug for Leaked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for Leaked {}
