//! The claim-once waiter: Go's `sudog` plus `selectDone`, in safe Rust.
//!
//! A blocked channel operation is represented by an [`Entry`] sitting in the channel's send or
//! receive queue. Every entry points at a [`Token`], the parked operation's single decision
//! point. A plain `send`/`recv` owns a token of its own; a `select` shares one token between
//! the entries of all its cases, so that whichever counterpart claims the token first completes
//! exactly one case and every other entry of that select becomes dead.
//!
//! # Protocol
//!
//! * The token's state starts at [`WAITING`]. It moves exactly once, by compare-and-swap, to
//!   either `SELECTED(case)` (a counterpart, or `close`, completed one case) or [`ABORTED`] (the
//!   owner gave up: cancelled, or a select that found a case ready while registering).
//! * Only the party that wins the CAS may touch the winning entry's `slot`:
//!   - a receive entry's slot is empty while waiting; a sender that wins puts its value there
//!     (under the slot lock, taken *before* the CAS so the owner can never observe the claim
//!     and an empty slot at once); `close` wins with the slot left empty, meaning "closed";
//!   - a send entry's slot holds the value while waiting; a receiver that wins takes it out
//!     (meaning "delivered"); `close` wins and leaves it in (meaning "closed, here is your
//!     value back").
//! * Entries whose token has moved on are dead: whoever meets one in a queue (under the
//!   channel lock) removes it. The owner removes its live entries itself when it aborts.
//! * The waker is stored in the token; the winner takes it and wakes the owner after releasing
//!   the channel lock.

use std::task::{Context, Poll, Waker};

use crate::loom::atomic::{AtomicUsize, Ordering};
use crate::loom::Arc;
use crate::spin::SpinLock;

/// The token is undecided: the operation is still waiting.
pub(crate) const WAITING: usize = 0;
/// The owner gave up; nobody may complete any of its cases.
pub(crate) const ABORTED: usize = 1;
/// `SELECTED(case)` is encoded as `case + SELECTED_BASE`.
const SELECTED_BASE: usize = 2;

/// How many finished select tokens a thread keeps for reuse ([`Token::pooled`]).
#[cfg(not(loom))]
const POOLED_TOKENS: usize = 4;

#[cfg(not(loom))]
std::thread_local! {
    /// Finished select tokens of this thread (loom models allocate: loom objects cannot
    /// outlive one model run).
    static TOKENS: std::cell::RefCell<Vec<Arc<Token>>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// The single decision point of one parked operation (or one parked `select`).
#[doc(hidden)]
#[allow(unreachable_pub)] // sealed: reachable only through the `select!` plumbing
pub struct Token {
    state: AtomicUsize,
    waker: SpinLock<Option<Waker>>,
}

impl Token {
    pub(crate) fn new(waker: Waker) -> Self {
        Token {
            state: AtomicUsize::new(WAITING),
            waker: SpinLock::new(Some(waker)),
        }
    }

    /// Returns the case that won, if any.
    #[inline]
    pub(crate) fn selected(&self) -> Option<usize> {
        match self.state.load(Ordering::Acquire) {
            s if s >= SELECTED_BASE => Some(s - SELECTED_BASE),
            _ => None,
        }
    }

    #[inline]
    pub(crate) fn is_waiting(&self) -> bool {
        self.state.load(Ordering::Acquire) == WAITING
    }

    /// Claims the token for `case`. Exactly one claim (or abort) ever succeeds.
    #[inline]
    fn claim(&self, case: usize) -> bool {
        self.state
            .compare_exchange(
                WAITING,
                case + SELECTED_BASE,
                Ordering::AcqRel,
                Ordering::Acquire,
            )
            .is_ok()
    }

    /// The owner gives up. Returns `false` if a counterpart claimed the token first, in which
    /// case the owner must honour the completed case instead.
    pub(crate) fn abort(&self) -> bool {
        self.state
            .compare_exchange(WAITING, ABORTED, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }

    /// Makes an aborted token usable again. Only valid once no queue holds an entry of it.
    pub(crate) fn reset(&self) {
        self.state.store(WAITING, Ordering::Release);
    }

    /// Stores the waker of the task now polling the owner.
    pub(crate) fn set_waker(&self, cx: &Context<'_>) {
        let mut w = self.waker.lock();
        match &*w {
            Some(old) if old.will_wake(cx.waker()) => {}
            _ => *w = Some(cx.waker().clone()),
        }
    }

    fn take_waker(&self) -> Option<Waker> {
        self.waker.lock().take()
    }

    /// A token for a select about to park: a recycled one that nothing refers to any more
    /// (reset through `Arc::get_mut`, without atomics), else a new one. Together with the
    /// channels' spare entries this takes allocation off a select's parking path.
    pub(crate) fn pooled(waker: Waker) -> Arc<Token> {
        #[cfg(not(loom))]
        {
            let reused = TOKENS.with(|pool| {
                let mut pool = pool.borrow_mut();
                let i = pool.iter_mut().position(|t| Arc::get_mut(t).is_some())?;
                Some(pool.swap_remove(i))
            });
            if let Some(mut t) = reused {
                let tok = Arc::get_mut(&mut t).expect("checked unique above");
                *tok.state.get_mut() = WAITING;
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
        #[cfg(not(loom))]
        TOKENS.with(|pool| {
            let mut pool = pool.borrow_mut();
            if pool.len() < POOLED_TOKENS {
                pool.push(token);
            }
        });
    }

    #[inline]
    pub(crate) fn is(&self, other: Option<&Token>) -> bool {
        other.is_some_and(|o| std::ptr::eq(self, o))
    }
}

/// Where the token of an entry lives.
enum TokenRef {
    /// A plain send/recv: the token sits in the entry itself (one allocation per wait).
    Own(Token),
    /// A select: every case's entry shares the select's token.
    Shared(Arc<Token>),
}

/// One parked operation on one channel.
pub(crate) struct Entry<T> {
    token: TokenRef,
    case: usize,
    slot: SpinLock<Option<T>>,
}

/// Who parks an entry: a plain operation, whose waker goes into the entry's own token, or
/// case `.1` of the select that owns token `.0`.
pub(crate) enum Owner<'a> {
    Plain(Waker),
    Case(&'a Arc<Token>, usize),
}

impl Owner<'_> {
    fn into_parts(self) -> (TokenRef, usize) {
        match self {
            Owner::Plain(waker) => (TokenRef::Own(Token::new(waker)), 0),
            Owner::Case(token, case) => (TokenRef::Shared(token.clone()), case),
        }
    }
}

impl<T> Entry<T> {
    /// A new entry for `owner`. `value` is `Some` for a send.
    pub(crate) fn new(owner: Owner<'_>, value: Option<T>) -> Arc<Self> {
        let (token, case) = owner.into_parts();
        Arc::new(Entry {
            token,
            case,
            slot: SpinLock::new(value),
        })
    }

    /// Makes a spare entry that nobody else holds any more ready to park for `owner`;
    /// exclusive access needs no atomic read-modify-write. Its owner took the slot and no
    /// waker is left in it (see [`Self::poll_won`]), so nothing is dropped here, under the
    /// channel lock, but a select's token reference (the select recycled the token, with no
    /// waker in it: see [`Token::recycle`]).
    pub(crate) fn reuse(this: &mut Arc<Self>, owner: Owner<'_>, value: Option<T>) {
        let e = Arc::get_mut(this).expect("gokio: a spare entry is never shared");
        let old_value = std::mem::replace(e.slot.get_mut(), value);
        debug_assert!(old_value.is_none(), "a finished entry's slot is empty");
        match (&mut e.token, owner) {
            // A plain entry parks a plain operation again: reset its token in place.
            (TokenRef::Own(token), Owner::Plain(waker)) => {
                let old_waker = token.waker.get_mut().replace(waker);
                debug_assert!(old_waker.is_none(), "a finished entry keeps no waker");
                token.reset();
                e.case = 0;
            }
            (_, owner) => (e.token, e.case) = owner.into_parts(),
        }
    }

    #[inline]
    pub(crate) fn token(&self) -> &Token {
        match &self.token {
            TokenRef::Own(t) => t,
            TokenRef::Shared(t) => t,
        }
    }

    /// The owner of a plain entry gives up (see [`Token::abort`]), dropping the waker it no
    /// longer needs: a dead entry may become a spare, and spares keep no waker.
    pub(crate) fn abort(&self) -> bool {
        let aborted = self.token().abort();
        if aborted {
            drop(self.token().take_waker());
        }
        aborted
    }

    /// Whether this entry won its token (its case completed).
    #[inline]
    pub(crate) fn won(&self) -> bool {
        self.token().selected() == Some(self.case)
    }

    /// Owner side: `Ready` once this entry won its token, else registers the task's waker
    /// (and checks again, in case the token was decided meanwhile).
    ///
    /// If the token was decided while the waker was being stored, the waker is taken back out,
    /// so that a finished entry never keeps a task's waker (entries are reused, and a stale
    /// waker there would keep its task's memory alive and be dropped under a channel lock).
    pub(crate) fn poll_won(&self, cx: &Context<'_>) -> Poll<()> {
        if !self.won() {
            self.token().set_waker(cx);
            if !self.won() {
                return Poll::Pending;
            }
            drop(self.token().take_waker());
        }
        Poll::Ready(())
    }

    /// Counterpart side, receive entry: hands `v` to the parked receiver. On failure (the entry
    /// is dead) the value comes back.
    pub(crate) fn try_deliver(&self, v: T) -> Result<Option<Waker>, T> {
        let mut slot = self.slot.lock();
        if self.token().claim(self.case) {
            *slot = Some(v);
            drop(slot);
            Ok(self.token().take_waker())
        } else {
            Err(v)
        }
    }

    /// Counterpart side, send entry: takes the parked sender's value. `None` if the entry is
    /// dead.
    pub(crate) fn try_take(&self) -> Option<(T, Option<Waker>)> {
        let mut slot = self.slot.lock();
        if self.token().claim(self.case) {
            let v = slot
                .take()
                .expect("gokio: a waiting send entry always holds its value");
            drop(slot);
            Some((v, self.token().take_waker()))
        } else {
            None
        }
    }

    /// `close` side: completes the entry with its slot left as it is (empty for a receiver:
    /// "closed"; the value for a sender: "closed, value returned").
    pub(crate) fn try_close(&self) -> Option<Option<Waker>> {
        let _slot = self.slot.lock();
        if self.token().claim(self.case) {
            Some(self.token().take_waker())
        } else {
            None
        }
    }

    /// Owner side, after the entry won or was aborted: takes what the slot holds.
    pub(crate) fn take_slot(&self) -> Option<T> {
        self.slot.lock().take()
    }
}
