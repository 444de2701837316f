//! The claim-once token of a parked `select`: Go's `selectDone`.
//!
//! # Rules
//!
//! 1. The state moves once per round, from `WAITING` to `ABORTED` (the owner) or, through
//!    `CLAIMING`, to `SELECTED(case)` (a counterpart, under the channel lock of that case).
//! 2. The waker sits behind a spin lock of its own, taken for a few instructions by the
//!    owner (storing the waker of the task now polling) and by the claimer (taking it, under
//!    the channel lock, to wake once that is released). Nothing that can run executor code
//!    is done under it, with one exception: storing a new waker clones it under the lock,
//!    because the clone must be in place before the owner's poll returns `Pending` (a
//!    claimer that came in between would otherwise wake the old task, or nobody), and
//!    cloning outside and swapping in would still drop one under the lock. A replaced
//!    waker is dropped after unlocking ([`Token::set_waker`]), and a taken one is woken or
//!    dropped by its taker after it released every lock.
//! 3. Finished tokens are pooled per thread and reused only once nothing else refers to
//!    them (`Arc::get_mut`). The pool is a thread local, which may already be destroyed when
//!    a select runs in another thread local's destructor: then the select allocates its
//!    token and the finished token is freed ([`Token::pooled`], [`Token::recycle`]).

use std::task::{Context, Waker};

use crate::loom::atomic::{AtomicUsize, Ordering};
use crate::loom::Arc;
use crate::spin::SpinLock;

/// The token is undecided: the select is still waiting.
const WAITING: usize = 0;
/// The owner gave up; nobody may complete any of its cases.
const ABORTED: usize = 1;
/// A counterpart won the token and is filling in the winning entry; it publishes
/// `SELECTED(case)` next, without releasing the channel lock in between.
const CLAIMING: usize = 2;
/// `SELECTED(case)` is encoded as `case + SELECTED_BASE`.
const SELECTED_BASE: usize = 3;

/// How many finished select tokens a thread keeps for reuse ([`Token::pooled`]); one under
/// loom, so that models reach a full pool.
const POOLED_TOKENS: usize = if cfg!(loom) { 1 } else { 4 };

#[cfg(not(loom))]
std::thread_local! {
    /// Finished select tokens of this thread.
    static TOKENS: std::cell::RefCell<Vec<Arc<Token>>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

#[cfg(loom)]
loom::thread_local! {
    /// Finished select tokens of this thread, per model run (loom objects cannot outlive
    /// one), so that the models see tokens reused.
    static TOKENS: std::cell::RefCell<Vec<Arc<Token>>> = std::cell::RefCell::new(Vec::new());
}

/// The single decision point of one parked `select`, shared by the entries of all its cases.
///
/// Its state moves once per round, from `WAITING` either to `ABORTED` (the owner gave up) or,
/// through `CLAIMING`, to `SELECTED(case)`. Only the counterpart whose compare-and-swap moved it
/// to `CLAIMING` may touch the winning entry's slot, until it publishes `SELECTED(case)`.
#[doc(hidden)]
#[allow(unreachable_pub)] // sealed: reachable only through the `select!` plumbing
pub struct Token {
    state: AtomicUsize,
    waker: SpinLock<Option<Waker>>,
}

impl Token {
    fn new(waker: Waker) -> Self {
        Token {
            state: AtomicUsize::new(WAITING),
            waker: SpinLock::new(Some(waker)),
        }
    }

    /// Returns the case that won, once it is published.
    #[inline]
    pub(crate) fn selected(&self) -> Option<usize> {
        match self.state.load(Ordering::Acquire) {
            s if s >= SELECTED_BASE => Some(s - SELECTED_BASE),
            _ => None,
        }
    }

    /// Whether a counterpart could still claim the token.
    #[inline]
    pub(super) fn is_waiting(&self) -> bool {
        self.state.load(Ordering::Acquire) == WAITING
    }

    /// Whether the round is over: aborted, or a case was selected and published. No
    /// counterpart touches any entry of this token then.
    #[inline]
    pub(super) fn is_decided(&self) -> bool {
        let s = self.state.load(Ordering::Acquire);
        s == ABORTED || s >= SELECTED_BASE
    }

    /// A counterpart claims the token. Exactly one claim (or abort) succeeds per round; the
    /// winner must [`Self::publish`] its case before it releases the channel lock.
    #[inline]
    pub(super) fn claim(&self) -> bool {
        self.state
            .compare_exchange(WAITING, CLAIMING, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
    }

    /// The claimer is done with the winning entry: `case` is selected.
    #[inline]
    pub(super) fn publish(&self, case: usize) {
        self.state.store(case + SELECTED_BASE, Ordering::Release);
    }

    /// The owner gives up. Returns `false` if a counterpart claimed the token first, in which
    /// case the owner must honour the selected case instead ([`Self::selected`] is `Some`
    /// once this returns). A claim in progress is waited out: its claimer holds a channel
    /// lock for a few instructions more.
    pub(crate) fn abort(&self) -> bool {
        let mut spins = 0u32;
        loop {
            match self
                .state
                .compare_exchange(WAITING, ABORTED, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => return true,
                Err(CLAIMING) => {
                    spins += 1;
                    if spins < 64 {
                        crate::loom::spin_loop();
                    } else {
                        crate::loom::yield_now();
                    }
                }
                Err(_) => return false,
            }
        }
    }

    /// Makes an aborted token usable again. Only valid once no queue holds an entry of it.
    pub(crate) fn reset(&self) {
        self.state.store(WAITING, Ordering::Release);
    }

    /// Stores the waker of the task now polling the owner. The clone happens under the lock,
    /// the drop of a replaced waker after it (rule 2).
    pub(crate) fn set_waker(&self, cx: &Context<'_>) {
        let own = crate::debug::own(cx.waker());
        let replaced = {
            let mut w = self.waker.lock();
            match &*w {
                Some(old) if old.will_wake(&own) => None,
                _ => w.replace(own.into_owned()),
            }
        };
        drop(replaced); // executor code, outside the lock
    }

    pub(super) fn take_waker(&self) -> Option<Waker> {
        self.waker.lock().take()
    }

    /// A token for a select about to park: a recycled one that nothing refers to any more
    /// (reset through `Arc::get_mut`, without read-modify-writes), else a new one. Together with the
    /// channels' spare entries this takes allocation off a select's parking path.
    pub(crate) fn pooled(waker: Waker) -> Arc<Token> {
        {
            // `try_with`: in a thread local's destructor the pool may be gone (rule 3).
            let reused = TOKENS
                .try_with(|pool| {
                    let mut pool = pool.borrow_mut();
                    let i = pool.iter_mut().position(|t| Arc::get_mut(t).is_some())?;
                    Some(pool.swap_remove(i))
                })
                .ok()
                .flatten();
            if let Some(mut t) = reused {
                let tok = Arc::get_mut(&mut t).expect("checked unique above");
                tok.state.store(WAITING, Ordering::Relaxed); // unique: any ordering will do
                *tok.waker.get_mut() = Some(waker); // moved in: no clone to make and drop
                return t;
            }
        }
        Arc::new(Token::new(waker))
    }

    /// A select is done with its token: keep it for [`Self::pooled`]. Spare entries may
    /// still refer to it; it is reused once none does. Its waker is dropped now, so a
    /// recycled token never keeps a task alive.
    pub(crate) fn recycle(token: Arc<Token>) {
        drop(token.take_waker());
        // If the pool is gone (rule 3), `token` is dropped with the closure.
        let _ = TOKENS.try_with(move |pool| {
            let mut pool = pool.borrow_mut();
            if pool.len() < POOLED_TOKENS {
                pool.push(token);
            }
        });
    }
}
