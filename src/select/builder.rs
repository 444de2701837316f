//! [`Select`]: the dynamic select, for a set of cases known only at run time (Go's
//! `reflect.Select`, including send cases). Each case carries a handler that turns its result
//! into the select's output, so results stay typed without downcasting. It runs the same
//! [`SelectFuture`] as `select!`.

use std::fmt;

use super::case::{RecvCase, RecvHandle, SendCase, SendHandle};
use super::{Case, SelectFuture};
use crate::SendError;

/// A case plus its handler, object-safe over the channel's type.
trait BuiltCase<'a, R>: Send {
    fn as_case(&mut self) -> &mut dyn Case;
    fn finish(self: Box<Self>) -> R;
}

struct Recv<'a, T, F> {
    case: RecvCase<'a, T>,
    handler: F,
}

impl<'a, T: Send, R, F: FnOnce(Option<T>) -> R + Send> BuiltCase<'a, R> for Recv<'a, T, F> {
    fn as_case(&mut self) -> &mut dyn Case {
        &mut self.case
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
    fn finish(mut self: Box<Self>) -> R {
        let r = self.case.into_result();
        (self.handler)(r)
    }
}

type Default<'a, R> = Box<dyn FnOnce() -> R + Send + 'a>;

/// A select built at run time: Go's `reflect.Select`, with the semantics of
/// [`select!`](crate::select!) (uniform choice, exactly one commit, nil handles, cancel
/// safety).
///
/// Add cases with [`recv`](Select::recv) and [`send`](Select::send), each with a handler
/// that maps the case's result to the select's output `R`; optionally a
/// [`default`](Select::default); then [`wait`](Select::wait). For receive-only sets of one
/// type, [`recv_any`](crate::recv_any) is simpler.
///
/// # Cancel safety
///
/// As for [`select!`](crate::select!): dropping the `wait` future before it completes
/// receives nothing, but a send case whose value a counterpart had already taken stays sent.
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

    /// Waits until one case completes (or takes the default) and returns its handler's
    /// output.
    ///
    /// # Cancel safety
    ///
    /// A dropped `wait` receives nothing (a value already handed to a receive case goes back
    /// to the head of its channel). It may have sent: a counterpart can take a send case's
    /// value while the select waits, and that send stays done although no handler ran. With
    /// receive cases only, a dropped `wait` commits nothing.
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
    pub async fn wait(mut self) -> R {
        let won = {
            let mut refs: Vec<&mut dyn Case> = self.cases.iter_mut().map(|c| c.as_case()).collect();
            SelectFuture::new(&mut refs, self.biased, self.default.is_some()).await
        };
        match won {
            Some(i) => self.cases.swap_remove(i).finish(),
            None => (self
                .default
                .take()
                .expect("no case won, so default was set"))(),
        }
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
