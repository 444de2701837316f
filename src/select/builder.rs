//! [`Select`]: the dynamic select, for a set of cases known only at run time (Go's
//! `reflect.Select`, including send cases). Each case carries a handler that turns its result
//! into the select's output, so results stay typed without downcasting. Its [`SelectWait`]
//! runs the same [`RawSelect`] as `select!`, over the boxed cases it owns, which is what
//! lets it offer [`SelectWait::cancel`].

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::case::{RecvCase, RecvHandle, SendCase, SendHandle};
use super::future::FutCase;
use super::{Case, Cases, RawSelect};
use crate::SendError;

/// A case plus its handler, object-safe over the channel's type.
trait BuiltCase<'a, R>: Send {
    fn as_case(&mut self) -> &mut dyn Case;
    fn as_case_ref(&self) -> &dyn Case;
    fn finish(self: Box<Self>) -> R;
}

type Boxed<'a, R> = Box<dyn BuiltCase<'a, R> + 'a>;

impl<'a, R> Cases for Vec<Boxed<'a, R>> {
    #[inline]
    fn count(&self) -> usize {
        self.len()
    }
    #[inline]
    fn case(&self, i: usize) -> &dyn Case {
        self[i].as_case_ref()
    }
    #[inline]
    fn case_mut(&mut self, i: usize) -> &mut dyn Case {
        self[i].as_case()
    }
}

struct Recv<'a, T, F> {
    case: RecvCase<'a, T>,
    handler: F,
}

impl<'a, T: Send, R, F: FnOnce(Option<T>) -> R + Send> BuiltCase<'a, R> for Recv<'a, T, F> {
    fn as_case(&mut self) -> &mut dyn Case {
        &mut self.case
    }
    fn as_case_ref(&self) -> &dyn Case {
        &self.case
    }
    fn finish(mut self: Box<Self>) -> R {
        let v = self.case.into_result();
        (self.handler)(v)
    }
}

struct Send_<'a, T, F> {
    case: SendCase<'a, T>,
    handler: F,
}

impl<'a, T: Send, R, F> BuiltCase<'a, R> for Send_<'a, T, F>
where
    F: FnOnce(Result<(), SendError<T>>) -> R + Send,
{
    fn as_case(&mut self) -> &mut dyn Case {
        &mut self.case
    }
    fn as_case_ref(&self) -> &dyn Case {
        &self.case
    }
    fn finish(mut self: Box<Self>) -> R {
        let r = self.case.into_result();
        (self.handler)(r)
    }
}

struct Fut<F: Future, H> {
    case: FutCase<Box<F>>,
    handler: H,
}

impl<'a, F, R, H> BuiltCase<'a, R> for Fut<F, H>
where
    F: Future + Send,
    F::Output: Send,
    H: FnOnce(F::Output) -> R + Send,
{
    fn as_case(&mut self) -> &mut dyn Case {
        &mut self.case
    }
    fn as_case_ref(&self) -> &dyn Case {
        &self.case
    }
    fn finish(mut self: Box<Self>) -> R {
        let out = self.case.into_result();
        (self.handler)(out)
    }
}

type Default<'a, R> = Box<dyn FnOnce() -> R + Send + 'a>;

/// A select built at run time: Go's `reflect.Select`, with the semantics of
/// [`select!`](crate::select!) (uniform choice, exactly one commit, nil handles, cancel
/// safety).
///
/// Add cases with [`recv`](Select::recv), [`send`](Select::send) and
/// [`future`](Select::future), each with a handler that maps the case's result to the
/// select's output `R`; optionally a [`default`](Select::default); then
/// [`wait`](Select::wait). For receive-only sets of one type, [`recv_any`](crate::recv_any)
/// is simpler.
///
/// # Cancel safety
///
/// As for [`select!`](crate::select!): dropping the `wait` future before it completes
/// receives nothing, but a send case whose value a counterpart had already taken stays sent.
/// Unlike `select!`, the [`SelectWait`] can be [cancelled](SelectWait::cancel) by hand, which
/// says whether a case had already completed (and runs its handler).
///
/// # Examples
///
/// ```
/// # gokio::run(async {
/// use gokio::{chan, Select};
///
/// // Offer a job to whichever of a run-time number of workers is ready, or report a result.
/// let workers: Vec<_> = (0..3).map(|_| chan::<u32>(1)).collect();
/// let results = chan::<String>(1);
/// results.send("done".to_string()).await.unwrap();
///
/// let mut sel = Select::new();
/// for (i, w) in workers.iter().enumerate() {
///     sel = sel.send(w, 42, move |res| format!("gave job to worker {i}: {res:?}"));
/// }
/// let what = sel.recv(&results, |v| format!("result: {v:?}")).wait().await;
/// println!("{what}");
/// # });
/// ```
#[must_use = "a Select does nothing until you `.wait().await` it"]
pub struct Select<'a, R> {
    cases: Vec<Box<dyn BuiltCase<'a, R> + 'a>>,
    default: Option<Default<'a, R>>,
    biased: bool,
}

impl<'a, R> Select<'a, R> {
    /// An empty select. Waiting on it with no cases and no default waits forever, like Go's
    /// `select {}`.
    ///
    /// # Examples
    ///
    /// ```
    /// let sel = gokio::Select::<()>::new().default(|| ());
    /// # gokio::run(sel.wait());
    /// ```
    pub fn new() -> Self {
        Select {
            cases: Vec::new(),
            default: None,
            biased: false,
        }
    }

    /// Adds a receive case: `case v, ok := <-ch`. Its handler gets `Some(v)`, or `None` once
    /// the channel is closed and drained. A `None` handle is a nil channel (never chosen).
    ///
    /// # Examples
    ///
    /// ```
    /// # gokio::run(async {
    /// let ch = gokio::chan::<i32>(1);
    /// ch.send(3).await.unwrap();
    /// let v = gokio::Select::new().recv(&ch, |v| v.unwrap() * 2).wait().await;
    /// assert_eq!(v, 6);
    /// # });
    /// ```
    pub fn recv<H, F>(mut self, handle: &'a H, handler: F) -> Self
    where
        H: RecvHandle + ?Sized,
        H::Item: Send + 'a,
        F: FnOnce(Option<H::Item>) -> R + Send + 'a,
    {
        self.cases.push(Box::new(Recv {
            case: RecvCase::new(handle),
            handler,
        }));
        self
    }

    /// Adds a send case: `case ch <- value`. Its handler gets `Ok(())`, or the value back in
    /// `Err(SendError(v))` if the channel is closed. If another case is chosen, nothing is
    /// sent and the value is dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// # gokio::run(async {
    /// let ch = gokio::chan::<&str>(1);
    /// let sent = gokio::Select::new().send(&ch, "hi", |r| r.is_ok()).wait().await;
    /// assert!(sent);
    /// assert_eq!(ch.recv().await, Some("hi"));
    /// # });
    /// ```
    pub fn send<H, F>(mut self, handle: &'a H, value: H::Item, handler: F) -> Self
    where
        H: SendHandle + ?Sized,
        H::Item: Send + 'a,
        F: FnOnce(Result<(), SendError<H::Item>>) -> R + Send + 'a,
    {
        self.cases.push(Box::new(Send_ {
            case: SendCase::new(handle, value),
            handler,
        }));
        self
    }

    /// Sets the default case, taken at once if no case is ready.
    ///
    /// # Examples
    ///
    /// ```
    /// # gokio::run(async {
    /// let ch = gokio::chan::<i32>(0);
    /// let r = gokio::Select::new().recv(&ch, |_| "got").default(|| "nothing").wait().await;
    /// assert_eq!(r, "nothing");
    /// # });
    /// ```
    pub fn default<F: FnOnce() -> R + Send + 'a>(mut self, handler: F) -> Self {
        self.default = Some(Box::new(handler));
        self
    }

    /// Chooses the first ready case in the order the cases were added, like `biased;` in
    /// `select!`.
    ///
    /// # Examples
    ///
    /// ```
    /// # gokio::run(async {
    /// let (a, b) = (gokio::chan::<i32>(1), gokio::chan::<i32>(1));
    /// a.send(1).await.unwrap();
    /// b.send(2).await.unwrap();
    /// let v = gokio::Select::new().biased().recv(&a, |v| v).recv(&b, |v| v).wait().await;
    /// assert_eq!(v, Some(1));
    /// # });
    /// ```
    pub fn biased(mut self) -> Self {
        self.biased = true;
        self
    }

    /// Adds a case on any future: it takes part in the uniform choice and is chosen when it
    /// completes; its handler gets the future's output. The future is boxed (a `select!`
    /// `fut(..)` arm pins it on the stack instead). Like that arm, the future is polled only
    /// when the select can commit to it, so its output is never lost, and it is polled once
    /// on each poll of the select (so with a [`default`](Select::default), once).
    ///
    /// # Cancel safety
    ///
    /// The future's own: if another case wins, or the select is dropped or
    /// [cancelled](SelectWait::cancel), the future is dropped unfinished.
    ///
    /// # Examples
    ///
    /// ```
    /// # gokio::run(async {
    /// use std::time::Duration;
    /// let jobs = gokio::chan::<u32>(0);
    /// let what = gokio::Select::new()
    ///     .recv(&jobs, |job| format!("job {job:?}"))
    ///     .future(tokio::time::sleep(Duration::from_millis(1)), |()| "idle".to_string())
    ///     .wait()
    ///     .await;
    /// assert_eq!(what, "idle");
    /// # });
    /// ```
    pub fn future<F, H>(mut self, fut: F, handler: H) -> Self
    where
        F: Future + Send + 'a,
        F::Output: Send + 'a,
        H: FnOnce(F::Output) -> R + Send + 'a,
    {
        self.cases.push(Box::new(Fut {
            case: FutCase::new(Some(Box::pin(fut))),
            handler,
        }));
        self
    }

    /// Waits until one case completes (or takes the default) and returns its handler's
    /// output: the returned [`SelectWait`] is a future, and can also be
    /// [cancelled](SelectWait::cancel) to learn whether a case already completed.
    ///
    /// # Cancel safety
    ///
    /// A dropped `wait` receives nothing (a value already handed to a receive case goes back
    /// to the head of its channel). It may have sent: a counterpart can take a send case's
    /// value while the select waits, and that send stays done although no handler ran. With
    /// receive cases only, a dropped `wait` commits nothing. To learn what happened, call
    /// [`SelectWait::cancel`] instead of dropping it. A `future` case's cancel safety is the
    /// future's own.
    ///
    /// # Examples
    ///
    /// ```
    /// # gokio::run(async {
    /// let chans: Vec<_> = (0..5).map(|_| gokio::chan::<usize>(1)).collect();
    /// chans[3].send(30).await.unwrap();
    /// let mut sel = gokio::Select::new();
    /// for (i, c) in chans.iter().enumerate() {
    ///     sel = sel.recv(c, move |v| (i, v));
    /// }
    /// assert_eq!(sel.wait().await, (3, Some(30)));
    /// # });
    /// ```
    pub fn wait(self) -> SelectWait<'a, R> {
        let futures = self.cases.iter().any(|c| c.as_case_ref().is_future());
        SelectWait {
            select: RawSelect::new(self.cases, self.biased, self.default.is_some(), futures),
            default: self.default,
            done: false,
        }
    }
}

/// The future of [`Select::wait`]: resolves to the output of the handler of the case that
/// completed (or of the default).
///
/// # Cancel safety
///
/// See [`Select::wait`]; [`cancel`](SelectWait::cancel) says what a dropped one would not.
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct SelectWait<'a, R> {
    select: RawSelect<Vec<Boxed<'a, R>>>,
    default: Option<Default<'a, R>>,
    /// Ready was returned (or `cancel` found a winner): the cases are spent.
    done: bool,
}

impl<R> SelectWait<'_, R> {
    /// Gives up the select and reports whether a case had already completed: `Some` with
    /// that case's handler output, else `None`, and then nothing was sent or received (the
    /// values of the send cases are dropped, as when another case wins).
    ///
    /// A counterpart can complete a waiting select's case between two polls: take the value
    /// of a send case, or hand one to a receive case. Dropping the select then leaves the
    /// send done unseen (a received value is put back). `cancel` tells you instead, and runs
    /// that case's handler, so a caller that would otherwise retry a send knows whether the
    /// value was delivered (Go has no such question: its `select` cannot be abandoned).
    /// A `future` case is not polled here: it is dropped unfinished. `None` also if the
    /// select was never polled or has already completed.
    ///
    /// # Examples
    ///
    /// ```
    /// # gokio::run(async {
    /// use std::task::Poll;
    /// let ch = gokio::chan::<&str>(0); // rendezvous: the send waits for a receiver
    /// let mut wait = gokio::Select::new().send(&ch, "job", |r| r.is_ok()).wait();
    /// // Poll once: nobody receives yet, so the select parks its send case.
    /// assert!(futures::poll!(&mut wait).is_pending());
    /// let rx = ch.clone();
    /// let got = gokio::go(async move { rx.recv().await });
    /// assert_eq!(got.join().await.unwrap(), Some("job")); // taken while the select waited
    /// assert_eq!(wait.cancel(), Some(true)); // so cancel reports the send as done
    /// # let _: Poll<()> = Poll::Pending;
    /// # });
    /// ```
    pub fn cancel(mut self) -> Option<R> {
        if self.done {
            return None;
        }
        let won = self.select.cancel()?;
        self.done = true;
        Some(self.select.cases_mut().swap_remove(won).finish())
    }
}

impl<R> Future for SelectWait<'_, R> {
    type Output = R;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<R> {
        let this = self.get_mut();
        assert!(!this.done, "gokio: `SelectWait` polled after completion");
        let Poll::Ready(won) = Pin::new(&mut this.select).poll(cx) else {
            return Poll::Pending;
        };
        this.done = true;
        Poll::Ready(match won {
            Some(i) => this.select.cases_mut().swap_remove(i).finish(),
            None => (this
                .default
                .take()
                .expect("no case won, so default was set"))(),
        })
    }
}

impl<R> fmt::Debug for SelectWait<'_, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SelectWait")
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<R> std::default::Default for Select<'_, R> {
    fn default() -> Self {
        Select::new()
    }
}

impl<R> fmt::Debug for Select<'_, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Select")
            .field("cases", &self.cases.len())
            .field("has_default", &self.default.is_some())
            .field("biased", &self.biased)
            .finish()
    }
}
