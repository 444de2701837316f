//! Go's `sync` and `golang.org/x/sync`: synchronization beyond channels.
mod errgroup;
pub use errgroup::Group;
