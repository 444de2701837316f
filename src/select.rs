//! Go's `select`: the runtime algorithm behind [`select!`](crate::select!) and
//! [`recv_any`].
//!
//! The algorithm follows Go's `runtime/select.go`, adapted to per-channel locks that are taken
//! one at a time (crossbeam-channel's approach) instead of all at once:
//!
//! 1. **Poll order.** Draw a uniformly random permutation of the cases (Fisher–Yates), or take
//!    source order when `biased`. Nil cases (`None` handles) are skipped throughout.
//! 2. **Pass 1 — try.** Visit the cases in poll order; the first that can complete without
//!    waiting completes (under its channel's lock) and wins. With `k` cases ready, each is
//!    first in the permutation with probability `1/k`: the choice is uniform, unlike a random
//!    start followed by rotation. If none is ready and there is a `default`, take it.
//! 3. **Pass 2 — park.** Create one claim-once token (Go's `selectDone`) and park an entry for
//!    every case on its channel, in poll order. Each registration re-checks its channel under
//!    the lock; if the case became ready in between, the select aborts its token, withdraws
//!    the entries parked so far and starts again at pass 1. A counterpart (or `close`) that
//!    claims the token completes exactly that one case; entries of the other cases are dead
//!    and are skipped by everyone.
//! 4. **Pass 3 — wake.** The woken select withdraws the entries of the cases that lost and
//!    returns the winner's result.
//!
//! A select never pairs with itself: while registering, readiness checks ignore the select's
//! own entries, and a select's entries are only ever claimed by other parties. Dropping a
//! pending select aborts the token; if a case had already won, a received value is put back at
//! the head of its channel (nothing is lost) and a sent value stays sent.

mod builder;
mod case;
mod macros;

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

pub use self::builder::Select;
pub use self::case::{RecvCase, RecvHandle, SendCase, SendHandle};
use crate::chan::waiter::Token;
use crate::loom::Arc;

/// One case of a select, as the algorithm sees it (object-safe over the channel's type).
#[doc(hidden)]
pub trait Case: Send {
    /// A case on a nil channel: never ready, never parked.
    fn is_nil(&self) -> bool;
    /// Completes the case now if it is ready; the result stays in the case.
    fn try_now(&mut self) -> bool;
    /// Parks an entry sharing `token`; `false` if the case is ready right now instead.
    fn register(&mut self, token: &Arc<Token>, index: usize) -> bool;
    /// The token is decided: take the result if this case won, else withdraw the entry.
    fn settle(&mut self);
    /// The select is dropped after this case won: undo what can be undone (put a received
    /// value back).
    fn restore(&mut self);
}

/// Upper bound on cases drawn into a stack-allocated permutation; larger selects allocate.
const STACK_CASES: usize = 32;

/// The identity permutation, copied as a whole instead of written element by element.
const IDENTITY: [u8; STACK_CASES] = {
    let mut a = [0u8; STACK_CASES];
    let mut i = 0;
    while i < STACK_CASES {
        a[i] = i as u8;
        i += 1;
    }
    a
};

/// The random (or biased) poll order of one select round, drawn lazily: step `k` of a
/// Fisher–Yates shuffle runs only when pass 1 reaches position `k`, so a select whose first
/// pick is ready draws one random number. Every order is still equally likely, and after
/// pass 1 the whole permutation is there for pass 2.
struct Order {
    small: [u8; STACK_CASES],
    /// Used instead of `small` for more than `STACK_CASES` cases.
    large: Vec<usize>,
    n: usize,
    shuffle: bool,
}

impl Order {
    #[inline]
    fn new(n: usize, biased: bool) -> Self {
        Order {
            small: IDENTITY,
            large: if n > STACK_CASES {
                (0..n).collect()
            } else {
                Vec::new()
            },
            n,
            // Loom replays each model many times and needs every replay to take the same
            // path, so models select in source order; fairness has its own statistical tests.
            shuffle: !biased && !cfg!(loom) && n > 1,
        }
    }

    /// Fisher–Yates step `k` (steps must run in order 0, 1, ...): returns the case at
    /// position `k` of the permutation.
    #[inline]
    fn pick(&mut self, k: usize) -> usize {
        if self.shuffle && k + 1 < self.n {
            let j = k + fastrand::usize(..self.n - k);
            if self.large.is_empty() {
                self.small.swap(k, j);
            } else {
                self.large.swap(k, j);
            }
        }
        self.get(k)
    }

    #[inline]
    fn get(&self, k: usize) -> usize {
        if self.large.is_empty() {
            self.small[k] as usize
        } else {
            self.large[k]
        }
    }
}

/// The future of one select: resolves to the index of the case that completed, or `None` when
/// `default` was taken. Created by [`select!`](crate::select!) over cases it keeps on the
/// caller's stack.
#[doc(hidden)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct SelectFuture<'a, 'c> {
    cases: &'a mut [&'c mut dyn Case],
    biased: bool,
    has_default: bool,
    /// The token of the parked select (pass 2 done), if parked.
    parked: Option<Arc<Token>>,
}

impl<'a, 'c> SelectFuture<'a, 'c> {
    pub fn new(cases: &'a mut [&'c mut dyn Case], biased: bool, has_default: bool) -> Self {
        SelectFuture {
            cases,
            biased,
            has_default,
            parked: None,
        }
    }

    /// Pass 3: the token is decided for `won`; settle every case.
    fn finish(&mut self, won: usize) -> usize {
        self.cases.iter_mut().for_each(|c| c.settle());
        won
    }
}

impl Future for SelectFuture<'_, '_> {
    type Output = Option<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<usize>> {
        let this = self.get_mut();
        if let Some(token) = &this.parked {
            let won = match token.selected() {
                Some(i) => i,
                None => {
                    token.set_waker(cx);
                    match token.selected() {
                        Some(i) => i,
                        None => return Poll::Pending,
                    }
                }
            };
            this.parked = None;
            return Poll::Ready(Some(this.finish(won)));
        }

        let n = this.cases.len();
        let mut token: Option<Arc<Token>> = None;
        loop {
            let mut order = Order::new(n, this.biased);
            // Pass 1.
            for k in 0..n {
                let i = order.pick(k);
                if this.cases[i].try_now() {
                    return Poll::Ready(Some(i));
                }
            }
            if this.has_default {
                return Poll::Ready(None);
            }
            if this.cases.iter().all(|c| c.is_nil()) {
                return Poll::Pending; // Go's `select {}`: blocks forever
            }
            // Pass 2.
            let tok = match &token {
                Some(t) => {
                    t.reset();
                    t.set_waker(cx);
                    t.clone()
                }
                None => token
                    .insert(Arc::new(Token::new(cx.waker().clone())))
                    .clone(),
            };
            let parked_all = (0..n).all(|k| {
                let i = order.get(k);
                this.cases[i].register(&tok, i)
            });
            if parked_all {
                this.parked = Some(tok);
                return Poll::Pending;
            }
            // A case became ready while we registered: abort and retry pass 1, unless a
            // counterpart claimed us first.
            if tok.abort() {
                this.cases.iter_mut().for_each(|c| c.settle());
                continue;
            }
            let won = tok
                .selected()
                .expect("a token that cannot be aborted was selected");
            return Poll::Ready(Some(this.finish(won)));
        }
    }
}

impl Drop for SelectFuture<'_, '_> {
    fn drop(&mut self) {
        let Some(token) = self.parked.take() else {
            return;
        };
        let aborted = token.abort();
        self.cases.iter_mut().for_each(|c| c.settle());
        if !aborted {
            if let Some(won) = token.selected() {
                self.cases[won].restore();
            }
        }
    }
}

/// Receives from whichever of `handles` is ready first: Go's `reflect.Select` over receive
/// cases, for a set of channels known only at run time.
///
/// Returns the index of the chosen handle and what it received (`None`: that channel is
/// closed and drained). With several ready, one is chosen uniformly at random; exactly one
/// channel gives up a value. `None` handles (nil channels) are never chosen; if every handle
/// is nil, it waits forever.
///
/// # Cancel safety
///
/// Cancel safe: dropping the future receives nothing and loses nothing.
///
/// # Examples
///
/// ```
/// # gokio::run(async {
/// let chans: Vec<_> = (0..4).map(|_| gokio::chan::<i32>(1)).collect();
/// chans[2].send(7).await.unwrap();
/// assert_eq!(gokio::recv_any(&chans).await, (2, Some(7)));
/// # });
/// ```
pub async fn recv_any<H>(handles: &[H]) -> (usize, Option<H::Item>)
where
    H: RecvHandle,
    H::Item: Send,
{
    let mut cases: Vec<RecvCase<'_, H::Item>> = handles.iter().map(RecvCase::new).collect();
    let won = {
        let mut refs: Vec<&mut dyn Case> = cases.iter_mut().map(|c| c as &mut dyn Case).collect();
        SelectFuture::new(&mut refs, false, false).await
    };
    let won = won.expect("no default case");
    (won, cases[won].into_result())
}
