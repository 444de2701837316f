//! [`GroupWait`], the future of [`Group::wait`]: waits until no task holds a slot and none
//! is queued, then reports the first error (and re-raises a panic), as the module docs of
//! `errgroup.rs` describe. The listener is registered under the state lock that showed a
//! task still running, so no `finished` notification is missed.

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};

use event_listener::EventListener;
use futures::future::FusedFuture;

use super::{message, Group, Panicked};
use crate::loom::lock;

/// Future returned by [`Group::wait`]: resolves to the group's first error, if any, once
/// every task has finished.
///
/// `Debug` shows whether it is waiting and needs nothing of `E`.
///
/// # Examples
///
/// ```
/// use gokio::sync::{Group, GroupWait};
///
/// gokio::run(async {
///     let g = Group::<String>::new();
///     g.go(async { Err("boom".to_string()) }).await;
///     let w: GroupWait<'_, String> = g.wait();
///     assert_eq!(format!("{w:?}"), "GroupWait { waiting: false, done: false }");
///     assert_eq!(w.await, Err("boom".to_string()));
/// });
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct GroupWait<'a, E> {
    group: &'a Group<E>,
    /// Set while a task is still running: woken when one finishes.
    listener: Option<EventListener>,
    done: bool,
}

impl<'a, E> GroupWait<'a, E> {
    pub(super) fn new(group: &'a Group<E>) -> Self {
        GroupWait {
            group,
            listener: None,
            done: false,
        }
    }
}

impl<E: Clone> Future for GroupWait<'_, E> {
    type Output = Result<(), E>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Result<(), E>> {
        let this = &mut *self;
        assert!(!this.done, "`GroupWait` polled after completion");
        let inner = &this.group.inner;
        let (err, panic) = loop {
            if let Some(listener) = &mut this.listener {
                if crate::debug::poll_own(Pin::new(listener), cx).is_pending() {
                    // Go's `Group.Wait` is a `sync.WaitGroup.Wait`: the dump says so.
                    crate::debug::park(
                        crate::debug::Reason::SyncWaitGroupWait,
                        crate::debug::NO_SITE,
                        || None,
                    );
                    return Poll::Pending;
                }
                this.listener = None;
            }
            let mut state = lock(&inner.state);
            if state.active == 0 && state.queued.is_empty() {
                let panic = match std::mem::replace(&mut state.panic, Panicked::No) {
                    Panicked::No => None,
                    Panicked::Payload(payload) => {
                        state.panic = Panicked::Raised(message(&*payload));
                        Some(payload)
                    }
                    Panicked::Raised(msg) => {
                        let payload: Box<dyn Any + Send> = Box::new(msg.clone());
                        state.panic = Panicked::Raised(msg);
                        Some(payload)
                    }
                };
                break (state.err.clone(), panic);
            }
            this.listener = Some(inner.finished.listen());
        };
        this.done = true;
        if let Some(cancel) = &inner.cancel {
            cancel.cancel();
        }
        if let Some(payload) = panic {
            std::panic::resume_unwind(payload);
        }
        Poll::Ready(err.map_or(Ok(()), Err))
    }
}

impl<E: Clone> FusedFuture for GroupWait<'_, E> {
    fn is_terminated(&self) -> bool {
        self.done
    }
}

impl<E> fmt::Debug for GroupWait<'_, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GroupWait")
            .field("waiting", &self.listener.is_some())
            .field("done", &self.done)
            .finish()
    }
}
