//! Request-scoped values: Go's `context.WithValue` and `ctx.Value(key)`, with typed keys.
//!
//! Go's `valueCtx` wraps its parent and `Value` walks up the chain of wrappers comparing keys
//! (iteratively since Go 1.21's `value` loop). Here the values live apart from the
//! cancellation tree: a context is a cancellation handle plus the head of an immutable,
//! shared linked list of `(key, value)` links, newest first. `with_value` pushes a link and
//! shares the handle; `with_cancel` and friends share the list. A lookup walks the list in a
//! loop and compares keys by address, as Go's keys of unexported types compare by identity.
//!
//! The list is `std`'s `Arc` even under loom: it is immutable once built, so there is no
//! interleaving to model, and loom's `Arc` cannot unsize to `dyn Any`.

use std::any::Any;
use std::fmt;
use std::marker::PhantomData;

use super::Context;
use crate::loom::StdArc;

/// A key for a value carried by a [`Context`]: `ctx.with_value(&KEY, v)`, `ctx.value(&KEY)`.
///
/// Declare each key as a `static`; a key is identified by its address, the way Go programs
/// use a variable of an unexported key type, so two keys never collide, even with the same
/// name and type, and keys need no `Eq` or `Hash`. The type parameter is the value's type:
/// `value` returns `Option<&T>`, with no downcast on the caller's side. The name is only for
/// `Debug` output.
///
/// Go's advice carries over: keep the key private to its module and export typed accessors
/// (`fn with_user(ctx, u) -> Context`, `fn user(ctx) -> Option<&User>`); use values for
/// request-scoped data (ids, credentials, trace spans), not for optional parameters.
///
/// A key must be a `static` (or otherwise live for `'static` at one address): a `const` key
/// would be a new temporary at each use, so `&KEY` of a `const` is rejected at compile time
/// (the type has interior mutability, which keeps the compiler from promoting it to a shared
/// `'static`):
///
/// ```compile_fail,E0716
/// use gokio::{context::ContextKey, Context};
///
/// const USER: ContextKey<String> = ContextKey::new("user"); // should be `static`
/// let ctx = Context::background().with_value(&USER, "gopher".to_string());
/// ```
///
/// # Examples
///
/// ```
/// use gokio::{context::ContextKey, Context};
///
/// #[derive(Debug, PartialEq)]
/// struct User(String);
///
/// static USER: ContextKey<User> = ContextKey::new("user");
/// static REQUEST_ID: ContextKey<u64> = ContextKey::new("request id");
///
/// let ctx = Context::background()
///     .with_value(&USER, User("gopher".into()))
///     .with_value(&REQUEST_ID, 42);
/// let (child, cancel) = ctx.with_cancel(); // children see their parents' values
/// assert_eq!(child.value(&USER), Some(&User("gopher".into())));
/// assert_eq!(child.value(&REQUEST_ID), Some(&42));
/// assert_eq!(Context::background().value(&USER), None);
/// cancel.cancel();
/// ```
pub struct ContextKey<T> {
    name: &'static str,
    /// Never read or written. Its interior mutability makes `ContextKey` `!Freeze`, so a
    /// `const` key is not promoted to a `'static` that other uses might share or not share:
    /// `&CONST_KEY` cannot be `&'static`, and only a `static` key compiles. Not from the loom
    /// facade: there is nothing to model, and the constructor must be `const`.
    _not_promotable: std::sync::atomic::AtomicBool,
    /// `fn() -> T`: the key holds no `T`, so it is `Send + Sync` for any `T`.
    _value: PhantomData<fn() -> T>,
}

impl<T> ContextKey<T> {
    /// A new key; `name` is shown by `Debug`. Use it to initialize a `static`.
    ///
    /// # Examples
    ///
    /// ```
    /// static TRACE_ID: gokio::context::ContextKey<u128> = gokio::context::ContextKey::new("trace id");
    /// assert_eq!(TRACE_ID.name(), "trace id");
    /// ```
    pub const fn new(name: &'static str) -> ContextKey<T> {
        ContextKey {
            name,
            _not_promotable: std::sync::atomic::AtomicBool::new(false),
            _value: PhantomData,
        }
    }

    /// The name given to [`new`](ContextKey::new).
    ///
    /// # Examples
    ///
    /// ```
    /// static USER: gokio::context::ContextKey<String> = gokio::context::ContextKey::new("user");
    /// assert_eq!(USER.name(), "user");
    /// ```
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The key's identity: its address.
    fn id(&'static self) -> usize {
        self as *const ContextKey<T> as usize
    }
}

impl<T> fmt::Debug for ContextKey<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ContextKey").field(&self.name).finish()
    }
}

/// The head of a context's value list (`None`: no values).
pub(super) type Values = Option<StdArc<Link<dyn Any + Send + Sync>>>;

/// One `(key, value)` pair and the rest of the list. Unsized in `V` (last field) so that one
/// allocation holds both the link and the value.
pub(super) struct Link<V: ?Sized> {
    key: usize,
    name: &'static str,
    parent: Values,
    value: V,
}

impl<V: ?Sized> Drop for Link<V> {
    /// Unlinks the rest of the list in a loop while this holds its last reference, so that
    /// dropping a list of any length does not recurse (the same reason as `Handle::drop`).
    fn drop(&mut self) {
        let mut next = self.parent.take();
        while let Some(mut link) = next {
            next = StdArc::get_mut(&mut link).and_then(|link| link.parent.take());
            // `link` is dropped here: if it was the last reference, with no parent left.
        }
    }
}

/// Iterates over a value list, newest first, without recursion.
fn links(values: &Values) -> impl Iterator<Item = &Link<dyn Any + Send + Sync>> {
    std::iter::successors(values.as_deref(), |link| link.parent.as_deref())
}

/// The names of the keys set on a context, newest first (for `Debug`).
pub(super) fn names(values: &Values) -> Vec<&'static str> {
    links(values).map(|link| link.name).collect()
}

impl Context {
    /// A context that carries `value` under `key`, and everything else of this one (its
    /// cancellation, deadline and other values): Go's `context.WithValue(ctx, key, val)`.
    ///
    /// The result is a new handle on the same cancellation node: cancelling this context
    /// cancels it, and there is nothing to cancel separately. A value set again under the
    /// same key shadows the older one for this context and its descendants; to "unset" a
    /// value (Go's `WithValue(ctx, k, nil)`), give the key an `Option` type.
    ///
    /// Each lookup walks the list of values set on the way from the root, as Go does, so
    /// keep it short: a handful of values per request, not a map.
    ///
    /// # Examples
    ///
    /// ```
    /// use gokio::{context::ContextKey, Context};
    ///
    /// static REQUEST_ID: ContextKey<u64> = ContextKey::new("request id");
    ///
    /// let ctx = Context::background().with_value(&REQUEST_ID, 7);
    /// assert_eq!(ctx.value(&REQUEST_ID), Some(&7));
    /// let ctx = ctx.with_value(&REQUEST_ID, 8); // shadows
    /// assert_eq!(ctx.value(&REQUEST_ID), Some(&8));
    /// ```
    pub fn with_value<T>(&self, key: &'static ContextKey<T>, value: T) -> Context
    where
        T: Send + Sync + 'static,
    {
        let link: StdArc<Link<dyn Any + Send + Sync>> = StdArc::new(Link {
            key: key.id(),
            name: key.name,
            parent: self.values.clone(),
            value,
        });
        Context {
            handle: self.handle.clone(),
            values: Some(link),
        }
    }

    /// The value set under `key` by the nearest [`with_value`](Context::with_value) on the
    /// way to the root, or `None`: Go's `ctx.Value(key)`, typed.
    ///
    /// Borrowed from the context; clone it to keep it longer (or store an `Arc<T>`).
    ///
    /// # Examples
    ///
    /// ```
    /// use gokio::{context::ContextKey, Context};
    ///
    /// static USER: ContextKey<String> = ContextKey::new("user");
    ///
    /// let ctx = Context::background().with_value(&USER, "gopher".to_string());
    /// assert_eq!(ctx.value(&USER).map(String::as_str), Some("gopher"));
    /// assert_eq!(ctx.without_cancel().value(&USER).map(String::as_str), Some("gopher"));
    /// ```
    pub fn value<T>(&self, key: &'static ContextKey<T>) -> Option<&T>
    where
        T: Send + Sync + 'static,
    {
        let id = key.id();
        links(&self.values)
            .find(|link| link.key == id)
            .and_then(|link| link.value.downcast_ref::<T>())
    }
}
