//! The `select!` front end: a parser only. All semantics live in [`super::SelectFuture`].
//!
//! Stages of the expansion:
//! 1. `@parse` munches the cases one by one into a normalized list, giving each the next
//!    unused `(index handle case)` triple from a fixed supply of hygienic names, and rejects
//!    misuse with `compile_error!`.
//! 2. `@emit` evaluates every channel, value and future expression once, in source order
//!    (Go's rule; a future is pinned on the caller's stack with `pin!`; a send's value waits
//!    in a slot). Then the first look runs inline, on the handles, with static calls
//!    (`@look`, `@ready`, `@try`): no case is built when it decides, as it usually does.
//!    Otherwise the cases are built on the caller's stack and one
//!    [`super::SelectFuture`] is awaited. Either way the outcome is a local enum with one
//!    variant per case carrying its result, matched to run the winner's arm **in the
//!    caller's context** — so `break`, `continue`, `return` and `?` in an arm act on the
//!    enclosing loop or function, and each arm body is expanded once.

/// Go's `select` statement: waits on several channel operations (and, beyond Go, any
/// futures) and runs exactly one.
///
/// ```text
/// select! {
///     recv(ch) -> v => { ... }             // v: Option<T>; None when ch is closed
///     send(ch, value) -> res => { ... }    // res: Result<(), SendError<T>>
///     recv(gokio::time::after(d)) -> _ => { ... }
///     fut(listener.accept()) -> conn => { ... } // any future: conn is its output
///     default => { ... }                   // optional: taken if nothing is ready now
/// }
/// ```
///
/// | arm | Go | binds |
/// |---|---|---|
/// | `recv(ch) -> v => body` | `case v, ok := <-ch:` | `v: Option<T>`; `None` once `ch` is closed and drained |
/// | `send(ch, value) -> res => body` | `case ch <- value:` | `res: Result<(), SendError<T>>`; `Err` gives the value back if `ch` is closed |
/// | `fut(future) -> out => body` | (none: a socket, `JoinHandle` or timer next to channels) | `out`: the future's output; `future` may be an `Option` of one (`None`: never chosen) |
/// | `default => body` | `default:` | taken only if no case is ready at that instant |
/// | `biased;` before the arms | (none) | pick the first ready case in source order instead of at random |
///
/// * Channel, value and future expressions are evaluated once, in source order, before
///   waiting.
/// * If several cases are ready, one is chosen **uniformly at random** (a random permutation,
///   as Go does). Write `biased;` first to pick the first ready case in source order.
/// * **Exactly one case commits.** A receive case not chosen consumes nothing; a send case not
///   chosen sends nothing and its value is dropped — also on unbuffered channels.
/// * A handle that is `None` (an `Option<Chan<T>>`, say) is Go's nil channel: its case is never
///   chosen. A select of only nil cases and no `default` waits forever, as does `select! {}`.
/// * A select never pairs its own send and receive cases on one channel with each other.
/// * A `fut(..)` arm takes any `Send` future (its output `Send` too), `Unpin` or not: it is
///   pinned on the caller's stack. It is ready when a poll returns `Ready`, and takes part
///   in the uniform choice: the select visits its cases in random order, polling futures and
///   trying channels, and the first that completes wins. A future is polled only when the
///   select can commit to it, so its output is never dropped, and a channel case that lost
///   to it consumed nothing. It is polled once on each poll of the select, so with `default`
///   once: `default` is taken if it returned `Pending` and no channel case was ready. Pass
///   `&mut fut` (an `Unpin` future, such as a `JoinHandle` or a `Pin<Box<_>>`) to keep it
///   across loop iterations, and an `Option` to switch the arm off (`None` is a nil arm).
///   A select with a `fut(..)` arm costs a little more than one of channels only: it skips
///   the inline fast path, and each wake-up by a future withdraws and re-parks its channel
///   cases.
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
/// A `select!` cannot be cancelled by hand: its future is hidden inside the expansion, and
/// only dropping the enclosing future (a losing `tokio::select!` branch, a timeout) abandons
/// it. To learn whether a send went out, build the select with [`Select`](crate::Select)
/// and call [`SelectWait::cancel`](crate::SelectWait::cancel) on its `wait()` future instead
/// of dropping it; or put the deadline inside the select as one more arm
/// (`recv(time::after(d))`, `fut(ctx.cancelled())`), so that the select itself decides.
///
/// A `fut(..)` arm's cancel safety is its future's own, as in `tokio::select!`: when another
/// arm wins, or the select is dropped, the future is dropped unfinished, and whatever that
/// means for it (an `accept()` or a `JoinHandle` loses nothing; a half-done read may) applies.
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
///
/// // Any future next to a channel: here a tokio timer and a task's `JoinHandle`.
/// let worker = tokio::spawn(async { 6 * 7 });
/// let answer = select! {
///     recv(messages) -> msg => panic!("unexpected {msg:?}"),
///     fut(worker) -> joined => joined.unwrap(),
///     fut(tokio::time::sleep(Duration::from_secs(5))) -> () => panic!("timeout"),
/// };
/// assert_eq!(answer, 42);
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
///
/// ```compile_fail
/// # async fn f() {
/// gokio::select! { fut(5) -> _ => {} } // not a future
/// # }
/// ```
///
/// ```compile_fail
/// # async fn f() {
/// let rc = std::rc::Rc::new(1);
/// gokio::select! { fut(async move { *rc }) -> _ => {} } // a `!Send` future
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
    (@parse $biased:tt [$next:tt $($names:tt)*] [$($cases:tt)*] [$($def:tt)*]
        fut($f:expr $(,)?) -> $p:pat => $body:block, $($rest:tt)*) => {
        $crate::__select!(@parse $biased [$($names)*]
            [$($cases)* (fut $next ($f) () ($p) ($body))] [$($def)*] $($rest)*)
    };
    (@parse $biased:tt [$next:tt $($names:tt)*] [$($cases:tt)*] [$($def:tt)*]
        fut($f:expr $(,)?) -> $p:pat => $body:block $($rest:tt)*) => {
        $crate::__select!(@parse $biased [$($names)*]
            [$($cases)* (fut $next ($f) () ($p) ($body))] [$($def)*] $($rest)*)
    };
    (@parse $biased:tt [$next:tt $($names:tt)*] [$($cases:tt)*] [$($def:tt)*]
        fut($f:expr $(,)?) -> $p:pat => $body:expr $(, $($rest:tt)*)?) => {
        $crate::__select!(@parse $biased [$($names)*]
            [$($cases)* (fut $next ($f) () ($p) ($body))] [$($def)*] $($($rest)*)?)
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
    (@parse $biased:tt [$($names:tt)*] [$($cases:tt)*] [$($def:tt)*] fut $($rest:tt)*) => {
        ::core::compile_error!("select!: expected `fut(future) -> pattern => body`")
    };
    (@parse $biased:tt [$($names:tt)*] [$($cases:tt)*] [$($def:tt)*] $other:tt $($rest:tt)*) => {
        ::core::compile_error!(::core::concat!(
            "select!: unknown case `", ::core::stringify!($other),
            "`; expected `recv(..) -> pat => body`, `send(.., ..) -> pat => body`, `fut(..) -> pat => body` or `default => body`"
        ))
    };

    // ----- stage 2: emit -----
    (@emit $biased:tt [$(($kind:ident ($idx:tt $h:ident $c:ident) ($ch:expr) ($($v:expr)?) ($p:pat) ($body:expr)))*] [$($def:expr)?]) => {{
        $(
            let $h = $crate::__select!(@handle $kind $ch);
            // A send case's value, kept in a slot until a try takes it (`()` for the others).
            #[allow(unused_mut, unused_variables, clippy::let_unit_value)]
            let mut $c = $crate::__select!(@slot $kind $($v)?);
        )*
        // The outcome, carrying the winner's result: the fast path below produces it
        // without building any case, the runtime `SelectFuture` from the cases it builds.
        #[allow(non_camel_case_types, dead_code)]
        enum __GokioWon<$($h),*> {
            $($c($h),)*
            __Default,
            __Slow,
        }
        let mut __gokio_won = __GokioWon::__Slow;
        // Fast path, with static calls on the handles: try the case that a probe (3 cases
        // or more) or `first_pick` draws from those whose lock-free hint says ready, or take
        // `default` if none does (confirmed). Everything else (a stale hint, a look that
        // changed, waiting) is the runtime `SelectFuture`'s job. "None looks ready" is
        // confirmed by a second look at every case: the same looks twice mean no case was
        // ready at one instant (`RawSelect::unchanged`). A select with a `fut(..)` arm skips
        // it: only a poll tells whether a future is ready, and the runtime polls it in its
        // random order with the channel cases (`RawSelect::future_round`).
        if !$crate::__select!(@has_future $($kind)*) {
            // The probe: one case drawn from all of them, taken if its hint says ready
            // (`probe` says why the choice stays uniform); else every hint is read. The
            // picked case's look goes to its try (a receive's inline path needs to know that
            // the hint is on); the `default` check, which only the second way reaches, reads
            // them all.
            let mut __gokio_looks: [usize; $crate::__select!(@count $($idx)*)] =
                [0; $crate::__select!(@count $($idx)*)];
            let __gokio_pick: ::core::option::Option<usize> =
                match $crate::__private::probe($crate::__select!(@count $($idx)*), $biased) {
                    $(
                        ::core::option::Option::Some($idx)
                            if $crate::__select!(@ready $kind {
                                __gokio_looks[$idx] = $crate::__select!(@look $kind $h);
                                __gokio_looks[$idx]
                            }) =>
                        {
                            ::core::option::Option::Some($idx)
                        }
                    )*
                    _ => {
                        __gokio_looks = [$($crate::__select!(@look $kind $h)),*];
                        $crate::__private::first_pick(
                            0 $(| (u32::from($crate::__select!(@ready $kind __gokio_looks[$idx])) << $idx))*,
                            $biased,
                        )
                    }
                };
            match __gokio_pick {
                $(
                    ::core::option::Option::Some($idx) => {
                        if let ::core::option::Option::Some(__gokio_r) =
                            $crate::__select!(@try $kind $h $c __gokio_looks[$idx])
                        {
                            __gokio_won = __GokioWon::$c(__gokio_r);
                        }
                    }
                )*
                ::core::option::Option::None
                    if $crate::__select!(@has_default $($def)?)
                        $(&& $crate::__select!(@look $kind $h) == __gokio_looks[$idx])* =>
                {
                    __gokio_won = __GokioWon::__Default;
                }
                #[allow(unreachable_patterns)]
                _ => {}
            }
        }
        if let __GokioWon::__Slow = __gokio_won {
            $(
                #[allow(unused_mut)]
                let mut $c = $crate::__select!(@case $kind $h $c);
            )*
            let mut __gokio_cases: [&mut dyn $crate::__private::Case; $crate::__select!(@count $($idx)*)] = [$(&mut $c),*];
            let __gokio_index: ::core::option::Option<usize> = $crate::__private::SelectFuture::new(
                &mut __gokio_cases,
                $biased,
                $crate::__select!(@has_default $($def)?),
                $crate::__select!(@has_future $($kind)*),
            ).await;
            __gokio_won = match __gokio_index {
                $(
                    ::core::option::Option::Some($idx) => __GokioWon::$c($c.into_result()),
                )*
                ::core::option::Option::None => __GokioWon::__Default,
                #[allow(unreachable_patterns)]
                _ => ::core::unreachable!(),
            };
        }
        match __gokio_won {
            $(
                __GokioWon::$c($p) => $body,
            )*
            __GokioWon::__Default => $crate::__select!(@default_arm $($def)?),
            __GokioWon::__Slow => ::core::unreachable!(),
        }
    }};
    (@handle recv $ch:expr) => { &$ch };
    (@handle send $ch:expr) => { &$ch };
    // Pinned on the caller's stack (no `Unpin` needed); the arm's case borrows it.
    (@handle fut $f:expr) => { ::core::pin::pin!($f) };
    (@slot send $v:expr) => { ::core::option::Option::Some($v) };
    (@slot $kind:ident) => { () };
    (@look recv $h:ident) => { $crate::__private::RecvCase::look_at($h) };
    (@look send $h:ident) => { $crate::__private::SendCase::look_at($h) };
    (@look fut $h:ident) => { 0usize };
    (@ready recv $look:expr) => { $crate::__private::RecvCase::<()>::ready_at($look) };
    (@ready send $look:expr) => { $crate::__private::SendCase::<()>::ready_at($look) };
    (@ready fut $look:expr) => { false };
    (@try recv $h:ident $c:ident $look:expr) => { $crate::__private::RecvCase::try_at($h, $look) };
    (@try send $h:ident $c:ident $look:expr) => { $crate::__private::SendCase::try_at($h, &mut $c, $look) };
    (@try fut $h:ident $c:ident $look:expr) => { ::core::option::Option::None };
    (@case recv $h:ident $c:ident) => { $crate::__private::RecvCase::new($h) };
    (@case send $h:ident $c:ident) => { $crate::__private::SendCase::from_slot($h, $c) };
    // An `Option` of a future is a nil case when `None` (`FutArm`'s inherent method); any
    // other future goes through the `FutArmAny` trait.
    (@case fut $h:ident $c:ident) => {{
        #[allow(unused_imports)]
        use $crate::__private::FutArmAny as _;
        $crate::__private::FutArm($h).__gokio_case()
    }};
    (@has_future $($kind:ident)*) => { false $(|| $crate::__select!(@is_future $kind))* };
    (@is_future fut) => { true };
    (@is_future $kind:ident) => { false };
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
