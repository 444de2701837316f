//! Driving a future to completion on the current thread, for the `*_blocking` methods.
//!
//! A thread-parking waker: no runtime is needed, and no executor-nesting check fires, so the
//! blocking variants work from plain threads and share the exact poll logic of the async ones.

use std::future::Future;
#[cfg(not(loom))]
use std::{
    pin::pin,
    sync::Arc,
    task::{Context, Poll, Wake, Waker},
    thread::{self, Thread},
};

#[cfg(not(loom))]
struct ThreadWaker(Thread);

#[cfg(not(loom))]
impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

/// Blocks the current thread until `fut` completes.
#[cfg(not(loom))]
pub(crate) fn block_on<F: Future>(fut: F) -> F::Output {
    // A thread blocked here may be served by another: no deadlock is reported meanwhile.
    #[cfg(feature = "diagnostics")]
    let _blocking = crate::debug::deadlock::Blocking::new();
    let mut fut = pin!(fut);
    let waker = Waker::from(Arc::new(ThreadWaker(thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
            return v;
        }
        thread::park();
    }
}

/// Under loom, loom's own executor parks model threads.
#[cfg(loom)]
pub(crate) fn block_on<F: Future>(fut: F) -> F::Output {
    loom::future::block_on(fut)
}
