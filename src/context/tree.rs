//! The cancellation tree behind [`Context`](super::Context): nodes, the handles users hold,
//! and cancellation that walks the tree iteratively.
//!
//! Go's `cancelCtx` (src/context/context.go), with its registration of children and of
//! `AfterFunc`s in one child set, minus its recursion.
//!
//! # Invariants
//!
//! * A node's `err` (with its `cause`) is set once, under its lock, and never cleared; once
//!   it is set, the `done` channel is closed and the child set is empty. Children are taken
//!   out of the set under the lock and cancelled outside it, so no two node locks are ever
//!   held at once (no lock order to respect, no deadlock between a cancel and a registration
//!   or an unlink going the other way).
//! * A child registers under its parent's lock only if the parent is not cancelled
//!   ([`Node::register`]), so no child misses its parent's cancellation: either it is in the
//!   set when the cancel takes it, or it sees `err` and cancels itself with the parent's
//!   `err` and cause.
//! * Nothing is dropped under a node lock: a removed or taken child is returned to the caller
//!   and dropped after the guard. (Dropping a child can drop a [`Handle`], whose `Drop`
//!   locks another node.)
//! * Cancelling walks the descendants with an explicit work list and dropping a handle
//!   unlinks its chain of parent handles in a loop, so a chain of any depth costs heap, not
//!   stack (Go's recursion relies on growable goroutine stacks; a tokio worker's is 2 MiB).

use std::collections::HashMap;

use super::after_func::AfterFunc;
use super::{Cause, ContextError};
use crate::chan::{chan, Chan, Receiver};
use crate::loom::global::OnceLock;
use crate::loom::{lock, Arc, Mutex, StdArc};
use crate::time::Instant;

/// One context in the tree. Holds no reference upward.
pub(super) struct Node {
    pub(super) deadline: Option<Instant>,
    /// Closed on cancellation. Background's is never closed (it lives in a static).
    pub(super) done: Chan<()>,
    state: Mutex<State>,
}

struct State {
    err: Option<ContextError>,
    /// The cause given with the first cancellation. `None` while `err` is set means "`err`
    /// itself" (Go: `cause = err` when `cancel` is given no cause); kept implicit so that
    /// the common cancel without a cause clones no `Arc` into every descendant.
    cause: Option<Cause>,
    children: HashMap<u64, Child>,
    next_id: u64,
}

/// What a node cancels when it is cancelled: Go's `children map[canceler]struct{}`.
pub(super) enum Child {
    /// A derived context (`with_cancel`, `with_deadline`, ...).
    Context(Arc<Node>),
    /// A pending `after_func`. It holds the handle of the context it waits on, so that the
    /// context stays attached to its parents (and its deadline task keeps running) while `f`
    /// is registered, even if every user handle of that context is dropped: `f` must still
    /// run when an ancestor is cancelled or the deadline passes, as in Go. The resulting
    /// cycle (node, child set, handle, node) is broken when the node is cancelled or the
    /// call is stopped.
    AfterFunc {
        entry: Arc<AfterFunc>,
        _ctx: Arc<Handle>,
    },
}

/// What user-visible handles share. Dropping the last one detaches the node from its parent.
pub(super) struct Handle {
    pub(super) node: Arc<Node>,
    /// The parent's handle, kept alive so the chain up to the root stays connected, and the
    /// id this node has in the parent's child set (`None`: not registered). `None` for the
    /// root (background), which is never cancelled.
    pub(super) parent: Option<(Arc<Handle>, Option<u64>)>,
    /// Held only so the deadline task sees it close when the last handle drops.
    pub(super) _alive: Option<Receiver<()>>,
}

impl Drop for Handle {
    /// Detaches this node from its parent, then walks up the chain in a loop: while this was
    /// the last reference to the parent handle, that handle is unwrapped here, detached from
    /// its own parent, and dropped with no parent left, so no `Drop` recurses. (Letting the
    /// `Arc<Handle>` chain drop itself recurses once per link and overflows a 2 MiB stack at
    /// some 50,000 links.)
    fn drop(&mut self) {
        let mut link = self.parent.take();
        while let Some((parent, id)) = link {
            if let Some(id) = id {
                drop(parent.node.remove(id));
            }
            link = match Arc::try_unwrap(parent) {
                // `handle` is dropped at the end of this arm with `parent: None`.
                Ok(mut handle) => handle.parent.take(),
                Err(_) => None, // someone else still holds the parent: stop here
            };
        }
    }
}

impl Handle {
    /// Whether this is the root's handle: never cancelled, so nothing registers with it (Go
    /// likewise skips registering with a parent whose `Done()` is nil).
    pub(super) fn is_root(&self) -> bool {
        self.parent.is_none()
    }

    /// Cancels the node with `err` and `cause` and detaches it from its parent: Go's
    /// `cancel(removeFromParent = true, err, cause)`.
    pub(super) fn cancel(&self, err: ContextError, cause: Option<Cause>) {
        self.node.cancel(err, cause);
        if let Some((parent, Some(id))) = &self.parent {
            drop(parent.node.remove(*id));
        }
    }
}

impl Node {
    pub(super) fn new(deadline: Option<Instant>) -> Node {
        Node {
            deadline,
            done: chan(0),
            state: Mutex::new(State {
                err: None,
                cause: None,
                children: HashMap::new(),
                next_id: 0,
            }),
        }
    }

    pub(super) fn err(&self) -> Option<ContextError> {
        lock(&self.state).err
    }

    /// Go's `Cause`: the cause given with the first cancellation, else its `err`; `None`
    /// while not cancelled.
    pub(super) fn cause(&self) -> Option<Cause> {
        let state = lock(&self.state);
        match (&state.cause, state.err) {
            (Some(cause), _) => Some(StdArc::clone(cause)),
            (None, Some(err)) => Some(sentinel(err)),
            (None, None) => None,
        }
    }

    /// `err` and the explicit cause, read together (a child born under a cancelled parent
    /// takes both).
    pub(super) fn err_and_cause(&self) -> Option<(ContextError, Option<Cause>)> {
        let state = lock(&self.state);
        state.err.map(|err| (err, state.cause.clone()))
    }

    /// Adds `child` to the child set and returns its id, unless this node is cancelled: then
    /// hands `child` back, for the caller to cancel or run (outside this lock).
    #[inline]
    pub(super) fn register(&self, child: Child) -> Result<u64, Child> {
        let mut state = lock(&self.state);
        if state.err.is_some() {
            return Err(child);
        }
        let id = state.next_id;
        state.next_id += 1;
        state.children.insert(id, child);
        Ok(id)
    }

    /// Takes child `id` out of the set (if it is still there). The caller drops it, after
    /// this lock is released.
    #[inline]
    pub(super) fn remove(&self, id: u64) -> Option<Child> {
        lock(&self.state).children.remove(&id)
    }

    pub(super) fn child_count(&self) -> usize {
        lock(&self.state).children.len()
    }

    /// Cancels this node and, outside its lock, every descendant, with the same `err` and
    /// cause, and starts the pending `after_func`s of each. Returns once the whole subtree
    /// is cancelled (Go's cancel propagates synchronously).
    ///
    /// Iterative, with an explicit work list: a chain of any depth costs heap, not stack (Go's
    /// recursive `cancelCtx.cancel` relies on growable stacks; a tokio worker has 2 MiB).
    pub(super) fn cancel(&self, err: ContextError, cause: Option<Cause>) {
        let mut work: Vec<Child> = self.mark_cancelled(err, &cause);
        while let Some(child) = work.pop() {
            match child {
                Child::Context(node) => work.append(&mut node.mark_cancelled(err, &cause)),
                Child::AfterFunc { entry, .. } => entry.start(),
            }
            // The child is dropped here with an empty child set, so its drop does not
            // recurse; an after-func's handle drops through `Handle::drop`'s loop.
        }
    }

    /// Sets `err` and `cause`, closes `done` and takes the child set, under the lock, unless
    /// the node is already cancelled (then returns nothing: its children were taken by that
    /// cancel, and the first cause stays).
    fn mark_cancelled(&self, err: ContextError, cause: &Option<Cause>) -> Vec<Child> {
        let mut state = lock(&self.state);
        if state.err.is_some() {
            return Vec::new();
        }
        state.err = Some(err);
        state.cause = cause.clone();
        self.done.close();
        std::mem::take(&mut state.children).into_values().collect()
    }
}

/// The cause of a context cancelled without one: its `err`, as one shared `Arc` per variant
/// (so `Cause` allocates nothing, and two calls return the same pointer).
fn sentinel(err: ContextError) -> Cause {
    static CANCELED: OnceLock<Cause> = OnceLock::new();
    static DEADLINE_EXCEEDED: OnceLock<Cause> = OnceLock::new();
    let cell = match err {
        ContextError::Canceled => &CANCELED,
        ContextError::DeadlineExceeded => &DEADLINE_EXCEEDED,
    };
    StdArc::clone(cell.get_or_init(|| StdArc::new(err)))
}
