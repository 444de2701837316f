//! Chapters that are about more than one item: read them as prose, run them as doctests.
//!
//! - [`next_to_tokio`]: gokio inside `#[tokio::main]`, `go` beside `tokio::spawn`, sockets
//!   and channels in one `tokio::select!`, `Context` beside `CancellationToken`, and channels
//!   as `Stream`s and `Sink`s.

#[doc = include_str!("guide/next_to_tokio.md")]
pub mod next_to_tokio {}
