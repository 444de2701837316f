//! The channel state machine: one core for unbuffered (rendezvous) and buffered channels.
//!
//! The algorithm is Go's `runtime/chan.go`: one lock per channel guarding a ring buffer of
//! capacity `cap`, a FIFO queue of parked senders (`sendq`) and one of parked receivers
//! (`recvq`), and the closed flag. Parked operations are entries of [`super::waiter`]: a plain
//! operation's entry is completed by whoever pops it under the lock; a select's entries share
//! one claim-once token, which is what lets `select` park on many channels at once.
//!
//! # Invariants (under the lock)
//!
//! 1. Outside the registration of a single `select` that has both a send and a receive case
//!    on this channel, at most one of `sendq` and `recvq` holds live entries.
//! 2. A live receiver is parked only while `buf` is empty; a live sender only while
//!    `buf.len() >= cap` (always, for `cap == 0`).
//! 3. `buf.len() <= cap`, except for values put back by a cancelled receive or taken back by
//!    `close` (invariant 5), which go to the front: they are older than anything buffered.
//! 4. Once `closed` is set, nothing parks and nothing completes a parked operation but
//!    `close`, which empties both queues in batches ([`Shared::close`]); `buf` only drains.
//! 5. **`None` is final.** Once `closed` is set, no value is handed to a receive that has not
//!    claimed it: `close` takes every such value back into `buf` (see below) in the critical
//!    section that sets `closed`, and after it nothing is handed to a parked receive
//!    (invariant 4).
//!
//! # Transfers
//!
//! The active side does the transfer, as in Go: a sender that finds a parked receiver hands
//! its value straight into the receiver's entry (`cap == 0` or empty buffer); a receiver that
//! finds a parked sender takes its value (`cap == 0`) or takes the buffer head and moves the
//! sender's value to the buffer tail (full buffer).
//!
//! # Exactly once, and `None` is final
//!
//! A value handed to a parked receive is not yet the receive's: its entry is `HANDED` until
//! the owner claims it with a compare-and-swap when it is polled (`waiter::Parked::finish`).
//! Until then the value can go three ways, and each is one atomic step:
//!
//! * The owner is polled and claims it: received, once.
//! * The owner is dropped (a plain receive, a `Receiver`'s stream, or a select whose receive
//!   case had won): [`Shared::cancel_recv`] claims the value *and* puts it back — to the next
//!   parked receiver, else at the head of `buf` — in one hold of the lock.
//! * The channel closes first: `close`, under the lock, steals it back (`HANDED → STOLEN`,
//!   the compare-and-swap the owner's claim loses) to the head of `buf`. The owner, polled
//!   later, finds its slot empty and receives again from the closed channel ([`Shared::recv_closed`]):
//!   maybe that very value, or `None` if another receiver drained it first. Dropped, it has
//!   nothing to put back.
//!
//! A receive reports `None` only under the lock, seeing `closed` with `buf` and the send
//! queue empty. By invariant 5 no unclaimed hand-off exists then, and a claimed one is either
//! returned to its caller (received) or was put back in the same critical section as its
//! claim — before this one, so it would be in `buf`. Nothing can enter `buf` after that
//! (senders fail on a closed channel), so every later receive reports `None` too: Go's rule
//! that a closed channel, once it has said `ok == false`, always does. And no value is lost:
//! a handed value ends up received, or back in the channel; if no receiver is left to take it,
//! it is dropped with the channel, as Go drops the values buffered in a channel nobody
//! receives from.
//!
//! The alternatives cost more: making `None` wait for every unresolved hand-off would hang
//! every receiver behind a receive future that is never polled again (or was
//! `mem::forget`-ed), and counting claims would need the lock, or an atomic counter shared by
//! every receive; the owner's claim is one compare-and-swap on its own entry, which it loads
//! anyway. `close` finds the `HANDED` entries because the channel never hands them over to
//! their owners (`waiter::Spares` holds them).
//!
//! Buffer memory grows on demand (`VecDeque`), so `chan(usize::MAX)` costs nothing up front.
//!
//! Around the state machine: [`locked`] takes the lock and keeps select's readiness hint, and
//! [`select`] holds what `select` needs beyond the plain operations. The queues, the entries
//! and their spares (Go's `sudog` cache) are [`super::waiter`]'s.

mod locked;
mod select;

use self::locked::{Hint, Locked};

use std::collections::VecDeque;
use std::future::Future;
use std::task::{Context, Poll, Waker};

use super::waiter::{Owner, Parked, Queue, Spares};
use crate::debug::{self, Object, Reason};
use crate::loom::atomic::{AtomicBool, AtomicUsize, Ordering};
use crate::spin::SpinLock;

/// What a non-blocking send attempt did.
pub(crate) enum TrySend<T> {
    Sent(Option<Waker>),
    Full(T),
    Closed(T),
}

/// What a non-blocking receive attempt did.
pub(crate) enum TryRecv<T> {
    Got(T, Option<Waker>),
    Empty,
    Closed,
}

pub(crate) struct State<T> {
    pub(super) buf: VecDeque<T>,
    pub(super) sendq: Queue<T>,
    recvq: Queue<T>,
    /// Entries that left their queue, kept for later operations and select cases to park
    /// with (a few at most).
    spare: Spares<T>,
    closed: bool,
}

/// The state shared by every handle of one channel.
///
/// Layout: what an operation touches (the lock and the state behind it, the hint, `cap`:
/// 192 bytes for a `Shared<u64>`) comes first and in one run, the counts and the close event
/// after it. A channel woken after a while finds these lines cold: they were 224 bytes, four
/// or five lines; now three or four (`benches/ANALYSIS.md`, *Waiter scaling*). Aligning
/// `Shared` to 64 bytes would make it always three, but aligned allocations cost a channel
/// about 190 bytes more in practice.
#[doc(hidden)]
#[allow(unreachable_pub)] // sealed: reachable only through `RecvHandle`/`SendHandle`
#[repr(C)]
pub struct Shared<T> {
    pub(super) state: SpinLock<State<T>>,
    /// Readiness hint for select's lock-free first look ([`Self::may_recv`],
    /// [`Self::may_send`]), rewritten from the state at the end of every critical section
    /// once a select has used the channel (see [`locked`]).
    ready: Hint,
    pub(super) cap: usize,
    /// Handles able to send (`Chan` + `Sender`); the channel closes when this reaches 0.
    senders: AtomicUsize,
    /// Handles able to receive (`Chan` + `Receiver`); the channel closes when this reaches 0.
    receivers: AtomicUsize,
    /// Notified once, on close, for [`Self::closed`] waiters (timers, pipeline stages).
    closed_event: event_listener::Event,
    /// Mirror of `State::closed`, for lock-free `is_closed`.
    closed: AtomicBool,
}

/// The registration of a pending [`Shared::poll_closed`].
#[derive(Default)]
pub(crate) struct ClosedWait {
    listener: Option<event_listener::EventListener>,
    /// The waker the listener holds.
    waker: Option<Waker>,
}

/// How many parked operations `close` completes per hold of the lock (1 under loom, so that
/// models see operations between batches).
#[cfg(not(loom))]
const CLOSE_BATCH: usize = 32;
#[cfg(loom)]
const CLOSE_BATCH: usize = 1;

/// How much buffer to reserve up front: enough for small channels, never the whole of a huge
/// capacity.
const EAGER_BUFFER: usize = 64;

impl<T> Shared<T> {
    pub(crate) fn new(cap: usize, senders: usize, receivers: usize) -> Self {
        Shared {
            cap,
            state: SpinLock::new(State {
                buf: VecDeque::with_capacity(cap.min(EAGER_BUFFER)),
                sendq: Queue::new(),
                recvq: Queue::new(),
                spare: Spares::new(),
                closed: false,
            }),
            ready: Hint::new(),
            closed: AtomicBool::new(false),
            senders: AtomicUsize::new(senders),
            receivers: AtomicUsize::new(receivers),
            closed_event: event_listener::Event::new(),
        }
    }

    pub(crate) fn cap(&self) -> usize {
        self.cap
    }

    /// The channel's identity: the address of its shared state, common to all its handles.
    /// `Debug`, `Hash` and `gokio::debug::dump` all name a channel by it.
    pub(crate) fn addr(&self) -> usize {
        self as *const Self as usize
    }

    pub(crate) fn len(&self) -> usize {
        self.lock().buf.len()
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    // ----- handle counting (DESIGN rule 4) -----

    pub(crate) fn add_sender(&self) {
        self.senders.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn add_receiver(&self) {
        self.receivers.fetch_add(1, Ordering::Relaxed);
    }

    /// The last handle able to send is gone: close.
    pub(crate) fn drop_sender(&self) {
        if self.senders.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.close();
        }
    }

    /// The last handle able to receive is gone: close, and drop what nobody can receive now.
    pub(crate) fn drop_receiver(&self) {
        if self.receivers.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.close();
            let orphans = std::mem::take(&mut self.lock().buf);
            drop(orphans); // user destructors run outside the lock
        }
    }

    // ----- the state machine, under the lock -----

    /// Send without blocking.
    #[inline]
    fn try_send_locked(&self, st: &mut State<T>, v: T) -> TrySend<T> {
        if self.buffers_directly(st) {
            st.buf.push_back(v);
            return TrySend::Sent(None);
        }
        self.try_send_slow(st, v)
    }

    /// The common case of a send, kept small enough to inline: open, no parked receiver,
    /// room in the buffer. The value goes to the buffer's tail.
    #[inline(always)]
    pub(super) fn buffers_directly(&self, st: &State<T>) -> bool {
        !st.closed && st.recvq.is_empty() && st.buf.len() < self.cap
    }

    /// [`Self::try_send_other`] as a call, so that `try_send`'s inlined part stays small.
    #[inline(never)]
    fn try_send_slow(&self, st: &mut State<T>, v: T) -> TrySend<T> {
        self.try_send_other(st, v)
    }

    /// The cases beyond the common one: closed, a parked receiver, or full (inlined into the
    /// out-of-line paths that need it).
    #[inline(always)]
    fn try_send_other(&self, st: &mut State<T>, v: T) -> TrySend<T> {
        if st.closed {
            return TrySend::Closed(v);
        }
        if let Some(receiver) = st.recvq.claim(&mut st.spare) {
            return TrySend::Sent(receiver.deliver(v));
        }
        if st.buf.len() < self.cap {
            st.buf.push_back(v);
            return TrySend::Sent(None);
        }
        TrySend::Full(v)
    }

    /// Receive without blocking.
    #[inline(always)]
    fn try_recv_locked(&self, st: &mut State<T>) -> TryRecv<T> {
        if let Some(v) = st.buf.pop_front() {
            // A slot opened: move the first parked sender's value in (Go's full-buffer case).
            let mut w = None;
            if st.buf.len() < self.cap
                && let Some((sv, sw)) = Self::take_sender(st)
            {
                st.buf.push_back(sv);
                w = sw;
            }
            return TryRecv::Got(v, w);
        }
        if let Some((v, w)) = Self::take_sender(st) {
            return TryRecv::Got(v, w);
        }
        if st.closed {
            TryRecv::Closed
        } else {
            TryRecv::Empty
        }
    }

    /// Takes the value of the first parked sender that can be claimed.
    #[inline(always)]
    fn take_sender(st: &mut State<T>) -> Option<(T, Option<Waker>)> {
        if st.sendq.is_empty() {
            return None; // the common case: one load
        }
        if st.closed {
            return None; // left for `close` to hand back (its batches)
        }
        st.sendq.claim(&mut st.spare).map(|sender| sender.take())
    }

    // ----- non-blocking public operations -----

    #[inline]
    pub(crate) fn try_send(&self, v: T) -> TrySend<T> {
        self.try_send_as(v, false)
    }

    #[inline]
    fn try_send_as(&self, v: T, select: bool) -> TrySend<T> {
        // Bound first, so that the lock is released before the wake-up.
        let r = self.try_send_locked(&mut self.lock_as(select), v);
        match r {
            TrySend::Sent(Some(w)) => {
                w.wake(); // by value: no waker clone left to drop
                TrySend::Sent(None)
            }
            r => r,
        }
    }

    #[inline]
    pub(crate) fn try_recv(&self) -> TryRecv<T> {
        self.try_recv_as(false)
    }

    #[inline]
    fn try_recv_as(&self, select: bool) -> TryRecv<T> {
        // Bound first, so that the lock is released before the wake-up.
        let r = self.try_recv_locked(&mut self.lock_as(select));
        match r {
            TryRecv::Got(v, Some(w)) => {
                w.wake(); // by value: no waker clone left to drop
                TryRecv::Got(v, None)
            }
            r => r,
        }
    }

    /// Closes the channel: every parked receiver completes with "closed", every parked sender
    /// with its value handed back. Returns `true` if this call closed it.
    ///
    /// The first critical section sets `closed` and takes back the values handed to receives
    /// that have not claimed them (invariant 5); the parked operations are then completed
    /// [`CLOSE_BATCH`] at a time, each batch woken after the lock is released (as tokio's
    /// `batch_semaphore` does), so that a million waiters do not hold the spin lock for a
    /// million wakes. Between batches the channel is closed with operations still parked;
    /// they only leave (woken by the next batch, or withdrawn), as nothing can complete them:
    /// a send fails on a closed channel, and a receive takes no parked sender's value once
    /// closed ([`Self::take_sender`]), so every sender parked before the close gets its value
    /// back.
    pub(crate) fn close(&self) -> bool {
        let mut wakers = Vec::new();
        let mut first = true;
        loop {
            {
                let mut st = self.lock();
                if first {
                    if st.closed {
                        return false;
                    }
                    st.closed = true;
                    self.closed.store(true, Ordering::Release);
                    first = false;
                    // Invariant 5: no value stays handed to a receive that has not claimed
                    // it, from the critical section that sets `closed` on.
                    let State { buf, spare, .. } = &mut *st;
                    spare.steal(|v| buf.push_front(v));
                }
                let State {
                    sendq,
                    recvq,
                    spare,
                    ..
                } = &mut *st;
                // Counted in claims, not wakers: a select whose waker another case took still
                // counts against the batch.
                let mut claimed = 0;
                for q in [recvq, sendq] {
                    while claimed < CLOSE_BATCH {
                        let Some(parked) = q.claim(spare) else { break };
                        wakers.extend(parked.close());
                        claimed += 1;
                    }
                }
                if claimed == 0 {
                    break; // both queues are empty
                }
            }
            wakers.drain(..).for_each(Waker::wake);
        }
        self.closed_event.notify(usize::MAX);
        true
    }

    /// Polls for the channel being closed; `wait` keeps the registration between polls.
    ///
    /// `close` sets the flag before it notifies, so once a listener is registered with this
    /// task's waker, a repeated poll by the same task only needs the flag: re-registering
    /// would take the event's lock on every poll (pipeline stages poll this each time their
    /// input is empty).
    pub(crate) fn poll_closed(&self, cx: &mut Context<'_>, wait: &mut ClosedWait) -> Poll<()> {
        loop {
            if self.is_closed() {
                return Poll::Ready(());
            }
            match &mut wait.listener {
                None => wait.listener = Some(self.closed_event.listen()),
                Some(l) => {
                    let own = crate::debug::own(cx.waker());
                    if wait.waker.as_ref().is_some_and(|w| w.will_wake(&own)) {
                        return Poll::Pending;
                    }
                    if std::pin::Pin::new(l)
                        .poll(&mut Context::from_waker(&own))
                        .is_pending()
                    {
                        wait.waker = Some(own.into_owned());
                        return Poll::Pending;
                    }
                    *wait = ClosedWait::default();
                }
            }
        }
    }

    // ----- blocking operations: one poll function each, shared by futures and select -----

    /// Polls a send whose not-yet-sent value is in `value` and whose parked entry (if any) is
    /// in `entry`; `site` is the user's call, for a dump (zero-sized without `diagnostics`).
    ///
    /// The common case comes first — a first poll that finds room in the buffer and nobody
    /// waiting: the lock, one comparison and a push. The same tests tell when the send must
    /// park (open, nobody receiving, no room: every unanswered send on a capacity-0
    /// channel), which it does without asking again; every other case (closed, or a parked
    /// receiver) continues in [`Self::poll_send_slow`]. All of it is inlined into the
    /// caller's future, whose poll has saved its registers already: as a function of its
    /// own, the rendezvous case (every operation of a capacity-0 channel) paid for a second
    /// prologue and epilogue and for passing the lock and the operation's state across the
    /// call. (Not `poll_send` itself out of line, either: its register saves alone cost ~20
    /// instructions per operation of a buffered channel.)
    #[inline(always)]
    pub(crate) fn poll_send(
        &self,
        cx: &mut Context<'_>,
        value: &mut Option<T>,
        entry: &mut Option<Parked<T>>,
        site: debug::Site,
    ) -> Poll<Result<(), T>> {
        if entry.is_none() {
            let mut st = self.lock();
            if !st.closed && st.recvq.is_empty() {
                if st.buf.len() < self.cap
                    && let Some(v) = value.take()
                {
                    st.buf.push_back(v);
                    return Poll::Ready(Ok(()));
                }
                // Open, nobody to hand the value to, no room: what `try_send_other` would
                // find, so park without asking again.
                let v = value.take().expect("gokio: send polled after completion");
                return self.park_first(st, cx, Some(v), entry, site);
            }
            return self.poll_send_slow(st, cx, value, entry, site);
        }
        self.poll_parked(cx, entry, true, site)
            .map(|back| match back {
                None => Ok(()),
                Some(v) => Err(v),
            })
    }

    /// A send's first poll beyond the common case, with the lock held: completes it, or
    /// parks it (inlined: see [`Self::poll_send`]).
    #[inline(always)]
    fn poll_send_slow(
        &self,
        mut st: Locked<'_, T>,
        cx: &mut Context<'_>,
        value: &mut Option<T>,
        entry: &mut Option<Parked<T>>,
        site: debug::Site,
    ) -> Poll<Result<(), T>> {
        let v = value.take().expect("gokio: send polled after completion");
        match self.try_send_other(&mut st, v) {
            TrySend::Sent(w) => {
                drop(st);
                if let Some(w) = w {
                    w.wake();
                }
                Poll::Ready(Ok(()))
            }
            TrySend::Closed(v) => Poll::Ready(Err(v)),
            TrySend::Full(v) => self.park_first(st, cx, Some(v), entry, site),
        }
    }

    /// A first poll that found nothing to complete it (a send: `value`, no room and nobody
    /// receiving; a receive: nothing to receive) and the channel open: parks it, releases
    /// the lock, and records the park.
    #[inline(always)]
    fn park_first<R>(
        &self,
        mut st: Locked<'_, T>,
        cx: &Context<'_>,
        value: Option<T>,
        entry: &mut Option<Parked<T>>,
        site: debug::Site,
    ) -> Poll<R> {
        let send = value.is_some();
        Self::park(&mut st, cx, value, entry);
        let len = st.buf.len();
        drop(st);
        self.record_park(send, len, site);
        Poll::Pending
    }

    /// Polls a receive whose parked entry (if any) is in `entry`. `Ready(None)`: closed and
    /// drained.
    ///
    /// As with [`Self::poll_send`], the common case comes first (a first poll that finds a
    /// buffered value and no parked sender), a receive with nothing to take on an open
    /// channel parks at once, and all of it is inlined.
    #[inline(always)]
    pub(crate) fn poll_recv(
        &self,
        cx: &mut Context<'_>,
        entry: &mut Option<Parked<T>>,
        site: debug::Site,
    ) -> Poll<Option<T>> {
        if entry.is_none() {
            let mut st = self.lock();
            if st.sendq.is_empty() {
                if let Some(v) = st.buf.pop_front() {
                    return Poll::Ready(Some(v));
                }
                if !st.closed {
                    // Nothing buffered, no sender, open: what `try_recv_locked` would find.
                    return self.park_first(st, cx, None, entry, site);
                }
            }
            return self.poll_recv_slow(st, cx, entry, site);
        }
        match self.poll_parked(cx, entry, false, site) {
            Poll::Ready(None) => Poll::Ready(self.recv_closed()),
            r => r,
        }
    }

    /// Finishes a receive entry that completed (a select's winning receive case): the value
    /// handed to it, else what the closed channel gives now (see [`Self::recv_closed`]).
    pub(crate) fn finish_recv(&self, e: Parked<T>) -> Option<T> {
        match e.finish() {
            Some(v) => Some(v),
            None => self.recv_closed(),
        }
    }

    /// A parked receive completed without a value: `close` woke it, or took back the value
    /// handed to it (invariant 5). The channel is closed, so this receives again at once:
    /// a value still buffered (maybe that very one), else `None`.
    #[cold]
    #[inline(never)]
    fn recv_closed(&self) -> Option<T> {
        match self.try_recv() {
            TryRecv::Got(v, _) => Some(v),
            TryRecv::Closed => None,
            TryRecv::Empty => {
                unreachable!("gokio bug: a receive completed empty on an open channel")
            }
        }
    }

    /// A receive's first poll beyond the common case, with the lock held: completes it, or
    /// parks it (inlined: see [`Self::poll_send`]).
    #[inline(always)]
    fn poll_recv_slow(
        &self,
        mut st: Locked<'_, T>,
        cx: &mut Context<'_>,
        entry: &mut Option<Parked<T>>,
        site: debug::Site,
    ) -> Poll<Option<T>> {
        match self.try_recv_locked(&mut st) {
            TryRecv::Got(v, w) => {
                drop(st);
                if let Some(w) = w {
                    w.wake();
                }
                Poll::Ready(Some(v))
            }
            TryRecv::Closed => Poll::Ready(None),
            TryRecv::Empty => self.park_first(st, cx, None, entry, site),
        }
    }

    /// Records the current goroutine as parked on this channel (`gokio::debug::dump`'s
    /// `chan send` / `chan receive`); nothing without the `diagnostics` feature.
    #[inline(always)]
    fn record_park(&self, send: bool, len: usize, site: debug::Site) {
        let reason = if send {
            Reason::ChanSend
        } else {
            Reason::ChanReceive
        };
        debug::park(reason, site, || {
            Some(Object::Chan {
                addr: self.addr(),
                len,
                cap: self.cap,
            })
        });
    }

    /// A parked operation (`send`: in the send queue) is polled again. Once its entry is
    /// completed: what the slot holds (a receive: the value, or `None` if woken by close; a
    /// send: `None` if a receiver took the value, or the value back if closed). Until then
    /// the poll makes sure that its own task is the one woken, which needs the lock (only a
    /// poll that was not woken by the completion gets there: `join!`, `select!` siblings).
    #[inline(always)]
    fn poll_parked(
        &self,
        cx: &mut Context<'_>,
        entry: &mut Option<Parked<T>>,
        send: bool,
        site: debug::Site,
    ) -> Poll<Option<T>> {
        if let Some(r) = Parked::finish_won(entry) {
            return Poll::Ready(r);
        }
        let e = entry.as_ref().expect("parked");
        if self.still_waiting(cx, e, send, site) {
            return Poll::Pending;
        }
        Poll::Ready(entry.take().expect("checked above").finish())
    }

    /// [`Self::poll_parked`] before a completion: makes this poll's waker the one woken, and
    /// says whether the entry is still queued (if not, it completed under the lock just
    /// released).
    #[inline(never)]
    fn still_waiting(
        &self,
        cx: &Context<'_>,
        e: &Parked<T>,
        send: bool,
        site: debug::Site,
    ) -> bool {
        let (waiting, len) = {
            let mut st = self.lock();
            let waiting =
                if send { &mut st.sendq } else { &mut st.recvq }.rewake(e, &debug::own(cx.waker()));
            (waiting, st.buf.len())
        };
        // A replaced waker is dropped here, outside the lock.
        if waiting.is_some() {
            self.record_park(send, len, site);
        }
        waiting.is_some()
    }

    /// Parks a plain operation (under the lock): a send if `value` is `Some`, else a
    /// receive. Its entry is kept in `entry`.
    #[inline(always)]
    fn park(st: &mut State<T>, cx: &Context<'_>, value: Option<T>, entry: &mut Option<Parked<T>>) {
        let send = value.is_some();
        let fresh = st
            .spare
            .fresh(Owner::Plain(debug::own(cx.waker()).into_owned()), value);
        *entry = Some(if send { &mut st.sendq } else { &mut st.recvq }.park(fresh));
    }

    /// A pending send is dropped: withdraw it. Returns the value if it was not delivered.
    pub(crate) fn cancel_send(&self, entry: &mut Option<Parked<T>>) -> Option<T> {
        let e = entry.take()?;
        if !e.won() {
            self.remove(&e, true); // not found: completed meanwhile
        }
        e.finish() // `None`: delivered; the value: withdrawn, or closed
    }

    /// A pending receive is dropped (a plain one, or a select's receive case, won or not):
    /// withdraw it, putting back any value already handed over.
    ///
    /// Claiming the handed value and putting it back happen under one hold of the lock, so no
    /// receive can report "closed and drained" in between (invariant 5).
    pub(crate) fn cancel_recv(&self, entry: &mut Option<Parked<T>>) {
        let Some(e) = entry.take() else { return };
        let mut st = self.lock();
        if !e.won() {
            let State { recvq, spare, .. } = &mut *st;
            recvq.withdraw(&e, spare); // not found: completed, under the lock we hold
        }
        if !e.won() {
            drop(st);
            let nothing = e.finish(); // drops the waker, outside the lock
            debug_assert!(nothing.is_none(), "a withdrawn receive holds no value");
            return;
        }
        // Completed: its waker was taken by the completer, so `finish` runs no user code.
        let woken = match e.finish() {
            Some(v) => Self::put_back_locked(&mut st, v),
            None => None, // woken by close, or its value was taken back by close
        };
        drop(st);
        if let Some(w) = woken {
            w.wake();
        }
    }

    /// Takes `e` out of its queue if it is still there (a counterpart may have taken it).
    pub(crate) fn remove(&self, e: &Parked<T>, send: bool) {
        let mut st = self.lock();
        let State {
            sendq,
            recvq,
            spare,
            ..
        } = &mut *st;
        if send { sendq } else { recvq }.withdraw(e, spare);
    }

    /// Returns a value that a cancelled receiver had been handed: to the next parked receiver,
    /// or to the head of the buffer (it is the oldest value in the channel). Returns the
    /// waker to wake once unlocked.
    fn put_back_locked(st: &mut State<T>, v: T) -> Option<Waker> {
        match st.recvq.claim(&mut st.spare) {
            Some(receiver) => receiver.deliver(v),
            None => {
                st.buf.push_front(v);
                None
            }
        }
    }
}
