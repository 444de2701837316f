//! The `select!` front end: a parser only. All semantics live in [`super::SelectFuture`].
//!
//! Stages of the expansion:
//! 1. `@parse` munches the cases one by one into a normalized list, giving each the next
//!    unused `(index handle case)` triple from a fixed supply of hygienic names, and rejects
//!    misuse with `compile_error!`.
//! 2. `@emit` evaluates every channel and value expression once, in source order (Go's rule),
//!    builds the cases on the caller's stack, awaits one [`super::SelectFuture`], and matches
//!    the winning index to run its arm **in the caller's context** — so `break`, `continue`,
//!    `return` and `?` in an arm act on the enclosing loop or function.

/// Go's `select` statement: waits on several channel operations and runs exactly one.
///
/// ```text
/// select! {
///     recv(ch) -> v => { ... }             // v: Option<T>; None when ch is closed
///     send(ch, value) -> res => { ... }    // res: Result<(), SendError<T>>
///     recv(gokio::time::after(d)) -> _ => { ... }
///     default => { ... }                   // optional: taken if nothing is ready now
/// }
/// ```
///
/// | arm | Go | binds |
/// |---|---|---|
/// | `recv(ch) -> v => body` | `case v, ok := <-ch:` | `v: Option<T>`; `None` once `ch` is closed and drained |
/// | `send(ch, value) -> res => body` | `case ch <- value:` | `res: Result<(), SendError<T>>`; `Err` gives the value back if `ch` is closed |
/// | `default => body` | `default:` | taken only if no case is ready at that instant |
/// | `biased;` before the arms | (none) | pick the first ready case in source order instead of at random |
///
/// * Channel and value expressions are evaluated once, in source order, before waiting.
/// * If several cases are ready, one is chosen **uniformly at random** (a random permutation,
///   as Go does). Write `biased;` first to pick the first ready case in source order.
/// * **Exactly one case commits.** A receive case not chosen consumes nothing; a send case not
///   chosen sends nothing and its value is dropped — also on unbuffered channels.
/// * A handle that is `None` (an `Option<Chan<T>>`, say) is Go's nil channel: its case is never
///   chosen. A select of only nil cases and no `default` waits forever, as does `select! {}`.
/// * A select never pairs its own send and receive cases on one channel with each other.
/// * Handles may be [`Chan`](crate::Chan), [`Sender`](crate::Sender) /
///   [`Receiver`](crate::Receiver), references to them, or `Option`s of those; see
///   [`RecvHandle`](crate::RecvHandle) and [`SendHandle`](crate::SendHandle).
/// * Arm bodies are blocks or expressions followed by a comma; they run in the caller's
///   context, so `break`, `continue`, `return` and `?` work as in a `match`.
/// * It expands to one `.await`, so it must be used in async code, and the future it creates
///   is `Send` when the channel item types are.
/// * Cost: when a case is ready, a select costs about one plain channel operation. Channels
///   that a select has used keep a lock-free readiness hint; the select reads the hints, locks
///   only the case it draws from those that look ready, and takes `default` without locking
///   anything when none does. A select that waits allocates nothing in the steady state.
/// * `default` is taken only if there was one instant at which no case was ready, as in Go:
///   when no hint says ready, the select reads them all again, and the two passes must
///   agree (each hint carries a generation that grows with every change); if they do not,
///   it tries again, and in the end locks every channel at once, as Go does.
///
/// # Porting from Go
///
/// `break` in a Go `select` case leaves only the `select`; in an arm of `select!` it leaves
/// the enclosing loop, as in a `match`. To leave only the arm, use a labelled block:
///
/// ```
/// # gokio::run(async {
/// let ch = gokio::chan::<i32>(1);
/// ch.send(0).await.unwrap();
/// gokio::select! {
///     recv(ch) -> v => 'arm: {
///         if v == Some(0) {
///             break 'arm; // Go: break (leaves the select only)
///         }
///         unreachable!();
///     },
/// }
/// # });
/// ```
///
/// # Cancel safety
///
/// Dropping a pending select receives nothing: a value a counterpart had already handed to
/// a receive case goes back to the head of its channel. A send case is different: a
/// counterpart may take its value while the select waits, between two polls, and a sent
/// value cannot be taken back. If the select is dropped after that, the send has happened
/// (the receiver has the value) although the select never reported it. So a dropped select
/// commits at most one case, a send case whose value was already taken; when no case has
/// a send, it commits nothing. Do not retry a send of a dropped select as if it surely had
/// not happened (with a rendezvous channel, or one whose receivers can tell duplicates
/// apart, this matters).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use gokio::{chan, go, select, time};
///
/// # gokio::run(async {
/// let (c1, c2) = (chan::<&str>(1), chan::<&str>(1));
/// let (t1, t2) = (c1.clone(), c2.clone());
/// go!(t1.send("one").await.unwrap());
/// go!(t2.send("two").await.unwrap());
/// let mut got = Vec::new();
/// while got.len() < 2 {
///     select! {
///         recv(c1) -> msg => got.push(msg.unwrap()),
///         recv(c2) -> msg => got.push(msg.unwrap()),
///         recv(time::after(Duration::from_secs(5))) -> _ => panic!("timeout"),
///     }
/// }
/// got.sort();
/// assert_eq!(got, ["one", "two"]);
///
/// // Non-blocking operations with `default`:
/// let messages = chan::<&str>(0);
/// select! {
///     recv(messages) -> msg => println!("received message {msg:?}"),
///     default => println!("no message received"),
/// }
/// # });
/// ```
///
/// Misuse does not compile:
///
/// ```compile_fail
/// # async fn f() {
/// let ch = gokio::chan::<i32>(0);
/// gokio::select! { recieve(ch) -> v => {} } // unknown case keyword
/// # }
/// ```
///
/// ```compile_fail
/// # async fn f() {
/// let ch = gokio::chan::<i32>(0);
/// gokio::select! { default => {}, default => {} } // two defaults
/// # }
/// ```
///
/// ```compile_fail
/// # async fn f() {
/// let rx = gokio::chan::<i32>(0).receiver();
/// gokio::select! { send(rx, 1) -> _ => {} } // a Receiver cannot send
/// # }
/// ```
#[macro_export]
macro_rules! select {
    (biased; $($cases:tt)*) => {
        $crate::__select!(@start true $($cases)*)
    };
    ($($cases:tt)*) => {
        $crate::__select!(@start false $($cases)*)
    };
}

/// The stages of [`select!`]'s expansion (see the module docs of `select/macros.rs`). Not
/// part of the API: call `select!`.
#[doc(hidden)]
#[macro_export]
macro_rules! __select {
    // ----- stage 1: parse -----
    (@parse $biased:tt [$($names:tt)*] [$($cases:tt)*] [$($def:tt)*]) => {
        $crate::__select!(@emit $biased [$($cases)*] [$($def)*])
    };
    (@parse $biased:tt [$next:tt $($names:tt)*] [$($cases:tt)*] [$($def:tt)*]
        recv($ch:expr $(,)?) -> $p:pat => $body:block, $($rest:tt)*) => {
        $crate::__select!(@parse $biased [$($names)*]
            [$($cases)* (recv $next ($ch) () ($p) ($body))] [$($def)*] $($rest)*)
    };
    (@parse $biased:tt [$next:tt $($names:tt)*] [$($cases:tt)*] [$($def:tt)*]
        recv($ch:expr $(,)?) -> $p:pat => $body:block $($rest:tt)*) => {
        $crate::__select!(@parse $biased [$($names)*]
            [$($cases)* (recv $next ($ch) () ($p) ($body))] [$($def)*] $($rest)*)
    };
    (@parse $biased:tt [$next:tt $($names:tt)*] [$($cases:tt)*] [$($def:tt)*]
        recv($ch:expr $(,)?) -> $p:pat => $body:expr $(, $($rest:tt)*)?) => {
        $crate::__select!(@parse $biased [$($names)*]
            [$($cases)* (recv $next ($ch) () ($p) ($body))] [$($def)*] $($($rest)*)?)
    };
    (@parse $biased:tt [$next:tt $($names:tt)*] [$($cases:tt)*] [$($def:tt)*]
        send($ch:expr, $v:expr $(,)?) -> $p:pat => $body:block, $($rest:tt)*) => {
        $crate::__select!(@parse $biased [$($names)*]
            [$($cases)* (send $next ($ch) ($v) ($p) ($body))] [$($def)*] $($rest)*)
    };
    (@parse $biased:tt [$next:tt $($names:tt)*] [$($cases:tt)*] [$($def:tt)*]
        send($ch:expr, $v:expr $(,)?) -> $p:pat => $body:block $($rest:tt)*) => {
        $crate::__select!(@parse $biased [$($names)*]
            [$($cases)* (send $next ($ch) ($v) ($p) ($body))] [$($def)*] $($rest)*)
    };
    (@parse $biased:tt [$next:tt $($names:tt)*] [$($cases:tt)*] [$($def:tt)*]
        send($ch:expr, $v:expr $(,)?) -> $p:pat => $body:expr $(, $($rest:tt)*)?) => {
        $crate::__select!(@parse $biased [$($names)*]
            [$($cases)* (send $next ($ch) ($v) ($p) ($body))] [$($def)*] $($($rest)*)?)
    };
    (@parse $biased:tt [$($names:tt)*] [$($cases:tt)*] []
        default => $body:block, $($rest:tt)*) => {
        $crate::__select!(@parse $biased [$($names)*] [$($cases)*] [$body] $($rest)*)
    };
    (@parse $biased:tt [$($names:tt)*] [$($cases:tt)*] []
        default => $body:block $($rest:tt)*) => {
        $crate::__select!(@parse $biased [$($names)*] [$($cases)*] [$body] $($rest)*)
    };
    (@parse $biased:tt [$($names:tt)*] [$($cases:tt)*] []
        default => $body:expr $(, $($rest:tt)*)?) => {
        $crate::__select!(@parse $biased [$($names)*] [$($cases)*] [$body] $($($rest)*)?)
    };
    (@parse $biased:tt [$($names:tt)*] [$($cases:tt)*] [$($def:tt)+] default $($rest:tt)*) => {
        ::core::compile_error!("select!: more than one `default` case")
    };
    (@parse $biased:tt [] [$($cases:tt)*] [$($def:tt)*] $($rest:tt)+) => {
        ::core::compile_error!("select!: too many cases (at most 32); use `gokio::recv_any` for a run-time sized set")
    };
    (@parse $biased:tt [$($names:tt)*] [$($cases:tt)*] [$($def:tt)*] recv $($rest:tt)*) => {
        ::core::compile_error!("select!: expected `recv(channel) -> pattern => body`")
    };
    (@parse $biased:tt [$($names:tt)*] [$($cases:tt)*] [$($def:tt)*] send $($rest:tt)*) => {
        ::core::compile_error!("select!: expected `send(channel, value) -> pattern => body`")
    };
    (@parse $biased:tt [$($names:tt)*] [$($cases:tt)*] [$($def:tt)*] $other:tt $($rest:tt)*) => {
        ::core::compile_error!(::core::concat!(
            "select!: unknown case `", ::core::stringify!($other),
            "`; expected `recv(..) -> pat => body`, `send(.., ..) -> pat => body` or `default => body`"
        ))
    };

    // ----- stage 2: emit -----
    (@emit $biased:tt [$(($kind:ident ($idx:tt $h:ident $c:ident) ($ch:expr) ($($v:expr)?) ($p:pat) ($body:expr)))*] [$($def:expr)?]) => {{
        $(
            let $h = &$ch;
            let mut $c = $crate::__select!(@case $kind $h $($v)?);
        )*
        // Fast path, with static calls: try the case that `first_pick` draws from those whose
        // lock-free hint says ready, or take `default` if none does (confirmed). Everything
        // else (a stale hint, a look that changed, waiting) is the runtime `SelectFuture`'s job.
        // With `default`, "none looks ready" is confirmed by a second look at every case: the
        // same looks twice mean no case was ready at one instant (`SelectFuture::unchanged`).
        let __gokio_looks: [usize; $crate::__select!(@count $($idx)*)] =
            [$($crate::__private::Case::look(&$c)),*];
        let __gokio_ready: u32 = 0 $(| (u32::from($crate::__private::Case::ready_in(&$c, __gokio_looks[$idx])) << $idx))*;
        let __gokio_won: ::core::option::Option<usize> = match (
            $crate::__private::first_pick(__gokio_ready, $biased),
            $crate::__select!(@has_default $($def)?),
        ) {
            $(
                (::core::option::Option::Some($idx), _)
                    if $crate::__private::Case::try_now(&mut $c) => ::core::option::Option::Some($idx),
            )*
            (::core::option::Option::None, true)
                if true $(&& $crate::__private::Case::look(&$c) == __gokio_looks[$idx])* =>
            {
                ::core::option::Option::None
            }
            _ => {
                let mut __gokio_cases: [&mut dyn $crate::__private::Case; $crate::__select!(@count $($idx)*)] = [$(&mut $c),*];
                $crate::__private::SelectFuture::new(
                    &mut __gokio_cases,
                    $biased,
                    $crate::__select!(@has_default $($def)?),
                ).await
            }
        };
        match __gokio_won {
            $(
                ::core::option::Option::Some($idx) => {
                    let $p = $c.into_result();
                    $body
                }
            )*
            ::core::option::Option::None => $crate::__select!(@default_arm $($def)?),
            #[allow(unreachable_patterns)]
            _ => ::core::unreachable!(),
        }
    }};
    (@case recv $h:ident) => { $crate::__private::RecvCase::new($h) };
    (@case send $h:ident $v:expr) => { $crate::__private::SendCase::new($h, $v) };
    (@default_arm) => { ::core::unreachable!("gokio: a select without `default` resolved to no case") };
    (@default_arm $def:expr) => { $def };
    (@has_default) => { false };
    (@has_default $def:expr) => { true };
    (@count $($idx:tt)*) => { 0 $(+ $crate::__select!(@one $idx))* };
    (@one $idx:tt) => { 1 };

    // ----- entry points -----
    (@start $biased:tt $($cases:tt)*) => {
        // The supply of hygienic names: an index and two locals per case.
        $crate::__select!(@parse $biased [
            (0 __h0 __c0) (1 __h1 __c1) (2 __h2 __c2) (3 __h3 __c3) (4 __h4 __c4) (5 __h5 __c5)
            (6 __h6 __c6) (7 __h7 __c7) (8 __h8 __c8) (9 __h9 __c9) (10 __h10 __c10)
            (11 __h11 __c11) (12 __h12 __c12) (13 __h13 __c13) (14 __h14 __c14) (15 __h15 __c15)
            (16 __h16 __c16) (17 __h17 __c17) (18 __h18 __c18) (19 __h19 __c19) (20 __h20 __c20)
            (21 __h21 __c21) (22 __h22 __c22) (23 __h23 __c23) (24 __h24 __c24) (25 __h25 __c25)
            (26 __h26 __c26) (27 __h27 __c27) (28 __h28 __c28) (29 __h29 __c29) (30 __h30 __c30)
            (31 __h31 __c31)
        ] [] [] $($cases)*)
    };
}
