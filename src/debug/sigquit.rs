//! The opt-in `SIGQUIT` handler (feature `sigquit`, Unix): prints the goroutine dump to stderr
//! and exits with status 2, as Go's runtime does on `SIGQUIT` (Ctrl-\).
//!
//! It uses tokio's own signal support (`tokio/signal`, enabled only by this feature) on a
//! dedicated thread with a one-thread runtime, so that the dump still prints when every
//! worker of the program's runtime is stuck. No other dependency is added.

use std::io;
use std::sync::OnceLock;

/// Makes `SIGQUIT` print the goroutine dump to stderr and exit the process with status 2
/// (Go: the runtime's default `SIGQUIT` behaviour). Requires the `sigquit` feature; Unix only.
///
/// The handler runs on its own thread (`gokio-sigquit`), so it works whether or not the
/// program's runtime can still make progress. Calling it again does nothing. Like Go, the
/// output starts with `SIGQUIT: quit` and a blank line, then the dump.
///
/// # Errors
///
/// Returns the error of installing the handler (from `tokio::signal`), or of starting its
/// thread.
///
/// # Examples
///
/// ```
/// gokio::debug::dump_on_sigquit().expect("SIGQUIT handler");
/// ```
pub fn dump_on_sigquit() -> io::Result<()> {
    static INSTALLED: OnceLock<Result<(), (io::ErrorKind, String)>> = OnceLock::new();
    INSTALLED
        .get_or_init(|| install().map_err(|e| (e.kind(), e.to_string())))
        .clone()
        .map_err(|(kind, msg)| io::Error::new(kind, msg))
}

fn install() -> io::Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()?;
    // Register before returning, so that a SIGQUIT sent right after this call is caught.
    let mut quit = rt
        .block_on(async { tokio::signal::unix::signal(tokio::signal::unix::SignalKind::quit()) })?;
    std::thread::Builder::new()
        .name("gokio-sigquit".into())
        .spawn(move || {
            rt.block_on(quit.recv());
            eprint!("SIGQUIT: quit\n\n{}", super::dump());
            std::process::exit(2);
        })?;
    Ok(())
}
