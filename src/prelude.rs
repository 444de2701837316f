//! Everything a ported Go program needs, in one import: `use gokio::prelude::*;`.
//!
//! | Go | brought in by the prelude |
//! |---|---|
//! | `go f(x)`, `go func(){...}()` | [`go`](fn@crate::go), [`go!`](crate::go!) |
//! | `func main` | [`run`] |
//! | `make(chan T, n)`, `chan T`, `chan<- T`, `<-chan T` | [`chan`], [`Chan`], [`Sender`], [`Receiver`] |
//! | `select`, `reflect.Select` | [`select!`](crate::select!), [`recv_any`], [`Select`] |
//! | panic: send on closed channel | [`SendError`], [`TrySendError`], [`TryRecvError`] |
//! | `sync.WaitGroup`, `sync.Mutex`, `sync.RWMutex`, `sync.Once`, `sync.Cond` | [`WaitGroup`], [`Mutex`], [`RwMutex`], [`Once`], [`Cond`] |
//! | `sync.OnceFunc`, `sync.OnceValue`, `sync.OnceValues` | [`once_func`](crate::sync::once_func), [`once_value`](crate::sync::once_value), [`once_values`](crate::sync::once_values) |
//! | `x/sync/semaphore`, `x/sync/errgroup`, `x/sync/singleflight` | [`Semaphore`], [`Group`](crate::sync::Group), [`singleflight`](crate::sync::singleflight) |
//! | `context.Context`, `context.CancelFunc`, `context.CancelCauseFunc` | [`Context`], [`CancelFunc`], [`CancelCauseFunc`] |
//! | `context.Cause`, a `ctx.Value` key, `context.AfterFunc`'s `stop` | [`Cause`], [`ContextKey`], [`StopFunc`] |
//! | the `time` package (`time.After`, `time.Tick`, `time.Sleep`, ...) | [`time`] |
//! | `runtime.Gosched`, `runtime.NumGoroutine` | [`yield_now`], [`num_goroutine`] |
//! | (a goroutine's handle, for `join`) | [`Goroutine`] |
//!
//! Names that an explicit `use` also brings in (say `std::sync::Mutex`) take precedence over
//! the glob, as usual in Rust.

pub use crate::context::{CancelCauseFunc, CancelFunc, Cause, Context, ContextKey, StopFunc};
pub use crate::goroutine::{num_goroutine, run, yield_now, Goroutine};
pub use crate::sync::{
    once_func, once_value, once_values, singleflight, Cond, Group, Mutex, Once, RwMutex, Semaphore,
    WaitGroup,
};
pub use crate::time;
pub use crate::{
    chan, recv_any, Chan, Receiver, Select, SendError, Sender, TryRecvError, TrySendError,
};
/// `go` is both a function (`go(fut)`) and a macro (`go!{ ... }`); this brings in both.
pub use crate::{go, select};
