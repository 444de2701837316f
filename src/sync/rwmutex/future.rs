//! The futures of [`RwMutex::read`], [`write`](RwMutex::write) and their owned variants:
//! each polls the protocol (`raw.rs`) with its waiter slot, builds its guard once granted,
//! and, if dropped while queued or granted, gives its place or its grant back.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::raw::Kind;
use super::{
    OwnedRwMutexReadGuard, OwnedRwMutexWriteGuard, RwMutex, RwMutexReadGuard, RwMutexWriteGuard,
};
use crate::loom::StdArc as Arc;

/// Future returned by [`RwMutex::read`]; resolves to a [`RwMutexReadGuard`].
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let rw = gokio::RwMutex::new(1);
/// let fut: gokio::sync::Read<'_, i32> = rw.read();
/// assert_eq!(*fut.await, 1);
/// # }
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Read<'a, T: ?Sized> {
    pub(super) rw: Option<&'a RwMutex<T>>,
    pub(super) key: Option<usize>,
}

/// Future returned by [`RwMutex::write`]; resolves to a [`RwMutexWriteGuard`].
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let rw = gokio::RwMutex::new(1);
/// let fut: gokio::sync::Write<'_, i32> = rw.write();
/// *fut.await += 1;
/// # }
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Write<'a, T: ?Sized> {
    pub(super) rw: Option<&'a RwMutex<T>>,
    pub(super) key: Option<usize>,
}

/// Future returned by [`RwMutex::read_owned`]; resolves to an [`OwnedRwMutexReadGuard`].
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let rw = Arc::new(gokio::RwMutex::new(1));
/// let fut: gokio::sync::ReadOwned<i32> = rw.read_owned();
/// assert_eq!(*fut.await, 1);
/// # }
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ReadOwned<T: ?Sized> {
    pub(super) rw: Option<Arc<RwMutex<T>>>,
    pub(super) key: Option<usize>,
}

/// Future returned by [`RwMutex::write_owned`]; resolves to an [`OwnedRwMutexWriteGuard`].
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let rw = Arc::new(gokio::RwMutex::new(1));
/// let fut: gokio::sync::WriteOwned<i32> = rw.write_owned();
/// *fut.await += 1;
/// # }
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct WriteOwned<T: ?Sized> {
    pub(super) rw: Option<Arc<RwMutex<T>>>,
    pub(super) key: Option<usize>,
}

impl<'a, T: ?Sized> Future for Read<'a, T> {
    type Output = RwMutexReadGuard<'a, T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let rw = this.rw.expect("`Read` polled after completion");
        std::task::ready!(rw.raw.poll_acquire_coop(Kind::Read, &mut this.key, cx));
        this.rw = None;
        Poll::Ready(rw.read_guard())
    }
}

impl<'a, T: ?Sized> Future for Write<'a, T> {
    type Output = RwMutexWriteGuard<'a, T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let rw = this.rw.expect("`Write` polled after completion");
        std::task::ready!(rw.raw.poll_acquire_coop(Kind::Write, &mut this.key, cx));
        this.rw = None;
        Poll::Ready(rw.write_guard())
    }
}

impl<T: ?Sized> Future for ReadOwned<T> {
    type Output = OwnedRwMutexReadGuard<T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let rw = this
            .rw
            .as_ref()
            .expect("`ReadOwned` polled after completion");
        std::task::ready!(rw.raw.poll_acquire_coop(Kind::Read, &mut this.key, cx));
        let rw = this.rw.take().expect("checked above");
        Poll::Ready(RwMutex::owned_read_guard(rw))
    }
}

impl<T: ?Sized> Future for WriteOwned<T> {
    type Output = OwnedRwMutexWriteGuard<T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let rw = this
            .rw
            .as_ref()
            .expect("`WriteOwned` polled after completion");
        std::task::ready!(rw.raw.poll_acquire_coop(Kind::Write, &mut this.key, cx));
        let rw = this.rw.take().expect("checked above");
        Poll::Ready(RwMutex::owned_write_guard(rw))
    }
}

impl<T: ?Sized> Drop for Read<'_, T> {
    fn drop(&mut self) {
        if let (Some(rw), Some(k)) = (self.rw, self.key) {
            rw.raw.cancel(k);
        }
    }
}

impl<T: ?Sized> Drop for Write<'_, T> {
    fn drop(&mut self) {
        if let (Some(rw), Some(k)) = (self.rw, self.key) {
            rw.raw.cancel(k);
        }
    }
}

impl<T: ?Sized> Drop for ReadOwned<T> {
    fn drop(&mut self) {
        if let (Some(rw), Some(k)) = (&self.rw, self.key) {
            rw.raw.cancel(k);
        }
    }
}

impl<T: ?Sized> Drop for WriteOwned<T> {
    fn drop(&mut self) {
        if let (Some(rw), Some(k)) = (&self.rw, self.key) {
            rw.raw.cancel(k);
        }
    }
}

impl<T: ?Sized> fmt::Debug for Read<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Read")
            .field("queued", &self.key.is_some())
            .finish_non_exhaustive()
    }
}

impl<T: ?Sized> fmt::Debug for Write<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Write")
            .field("queued", &self.key.is_some())
            .finish_non_exhaustive()
    }
}

impl<T: ?Sized> fmt::Debug for ReadOwned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadOwned")
            .field("queued", &self.key.is_some())
            .finish_non_exhaustive()
    }
}

impl<T: ?Sized> fmt::Debug for WriteOwned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WriteOwned")
            .field("queued", &self.key.is_some())
            .finish_non_exhaustive()
    }
}
