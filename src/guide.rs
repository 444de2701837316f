//! Chapters that are about more than one item: read them as prose, run them as doctests.
//!
//! - [`next_to_tokio`]: gokio inside `#[tokio::main]`, `go` beside `tokio::spawn`, sockets
//!   and channels in one `tokio::select!`, `Context` beside `CancellationToken`, and channels
//!   as `Stream`s and `Sink`s.
//! - `testing_concurrent_code` (feature `synctest`): tests of timeouts, tickers and
//!   cancellation on a virtual clock with `gokio::synctest`, before and after.

#[doc = include_str!("guide/next_to_tokio.md")]
pub mod next_to_tokio {}

#[cfg(feature = "synctest")]
#[doc = include_str!("guide/testing_concurrent_code.md")]
pub mod testing_concurrent_code {}
