//! Runs every example and checks what it prints.
//!
//! `cargo test` builds the examples (into `target/<profile>/examples/NAME`) before it runs
//! the tests; this test finds that directory from its own path (`.../deps/examples-HASH` →
//! `..` → `examples/`), runs each example found in `examples/*.rs` with a 60 s timeout, and
//! asserts that it exits successfully. For the examples whose output is deterministic (or
//! deterministic up to the order of lines, as in Go), the output is checked too.
//!
//! `cargo test --test examples` on its own does not rebuild the examples: a binary that is
//! missing, or older than its source file, is skipped with a note (run `cargo test` or
//! `cargo build --examples` first).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

const TIMEOUT: Duration = Duration::from_secs(60);

/// What an example's output must be.
enum Check {
    /// Exactly these lines, in this order.
    Exact(&'static [&'static str]),
    /// These lines in any order (goroutines race, as in Go).
    AnyOrder(&'static [&'static str]),
    /// A custom check of the whole stdout.
    Custom(fn(&[&str]) -> Result<(), String>),
    /// Only the exit status is checked (timing- or randomness-dependent output).
    ExitOnly,
}

fn check_for(name: &str) -> Check {
    match name {
        // Seed tutorials.
        "hello_goroutine" => Check::AnyOrder(&["Hello from main!", "Hello from goroutine!"]),
        "async_thing" => Check::Exact(&["async thing", "Hello!!!"]),
        "mutex_counter" => Check::Exact(&["Final counter: 1000"]),
        "ten_workers" => Check::Custom(ten_workers),
        "ticket_booking" => Check::Custom(ticket_booking),
        // Go by Example.
        "channels" => Check::Exact(&["ping"]),
        "channel_buffering" => Check::Exact(&["buffered", "channel"]),
        "channel_synchronization" => Check::Exact(&["working...done"]),
        "channel_directions" => Check::Exact(&["passed message"]),
        "select" => Check::AnyOrder(&["received one", "received two"]),
        "non_blocking_channel_operations" => {
            Check::Exact(&["no message received", "no message sent", "no activity"])
        }
        "closing_channels" => Check::Custom(closing_channels),
        "range_over_channels" => Check::Exact(&["one", "two"]),
        "goroutines" => Check::AnyOrder(&[
            "direct : 0",
            "direct : 1",
            "direct : 2",
            "goroutine : 0",
            "goroutine : 1",
            "goroutine : 2",
            "going",
            "done",
        ]),
        "worker_pools" => Check::Custom(worker_pools),
        "waitgroups" => Check::AnyOrder(&[
            "Worker 1 starting",
            "Worker 2 starting",
            "Worker 3 starting",
            "Worker 4 starting",
            "Worker 5 starting",
            "Worker 1 done",
            "Worker 2 done",
            "Worker 3 done",
            "Worker 4 done",
            "Worker 5 done",
        ]),
        "atomic_counters" => Check::Exact(&["ops: 50000"]),
        "mutexes" => Check::Exact(&["map[a:20000 b:10000]"]),
        "stateful_goroutines" => Check::Custom(stateful_goroutines),
        "timers" => Check::Exact(&["Timer 1 fired", "Timer 2 stopped"]),
        "timeouts" => Check::Exact(&["timeout 1", "result 2"]),
        "tickers" => Check::Custom(tickers),
        "rate_limiting" => Check::Custom(rate_limiting),
        "context" => Check::Exact(&[
            "server: hello handler started",
            "client: cancelling the request",
            "worker 1: context canceled",
            "worker 2: context canceled",
            "server: context canceled",
            "server: hello handler ended",
            "server: hello handler started",
            "worker 1: context deadline exceeded",
            "worker 2: context deadline exceeded",
            "server: context deadline exceeded",
            "server: hello handler ended",
        ]),
        "tour" => Check::Custom(tour),
        "prime_sieve" => Check::Exact(&["2", "3", "5", "7", "11", "13", "17", "19", "23", "29"]),
        "ping_pong" => Check::Custom(ping_pong),
        // Built only with `--features diagnostics` (skipped otherwise), as is `deadlock`.
        "dump" => Check::Custom(dump),
        "deadlock" => Check::Custom(deadlock),
        // Built only with `--features synctest` (skipped otherwise). Virtual time: exact.
        "synctest" => Check::Exact(&[
            "timeout 1 at 1s",
            "result 2 at 3s",
            "request 1 at 200ms",
            "request 2 at 400ms",
            "request 3 at 600ms",
            "request 4 at 800ms",
            "request 5 at 1s",
        ]),
        _ => Check::ExitOnly,
    }
}

fn sorted<'a>(lines: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut v: Vec<&str> = lines.into_iter().collect();
    v.sort_unstable();
    v
}

/// `lines` filtered by `prefix`, in the order printed.
fn with_prefix<'a>(lines: &[&'a str], prefix: &str) -> Vec<&'a str> {
    lines
        .iter()
        .copied()
        .filter(|l| l.starts_with(prefix))
        .collect()
}

fn ensure(cond: bool, msg: impl Into<String>) -> Result<(), String> {
    if cond {
        Ok(())
    } else {
        Err(msg.into())
    }
}

fn ten_workers(lines: &[&str]) -> Result<(), String> {
    let mut expected: Vec<String> = (1..=10)
        .flat_map(|i| {
            [
                format!("Worker {i} started"),
                format!("Worker {i} finished"),
            ]
        })
        .collect();
    expected.push("All workers finished".into());
    ensure(
        sorted(lines.iter().copied()) == sorted(expected.iter().map(String::as_str)),
        "wrong set of lines",
    )?;
    ensure(
        lines.last() == Some(&"All workers finished"),
        "`All workers finished` is not last",
    )
}

fn ticket_booking(lines: &[&str]) -> Result<(), String> {
    ensure(
        lines.first() == Some(&"Welcome to Go Conference booking application"),
        "no greeting",
    )?;
    ensure(
        lines.contains(&"Our conference is booked out. Come back next year."),
        "not booked out",
    )?;
    ensure(
        lines.contains(&"email address you entered doesn't contain @ sign"),
        "the invalid booking was not rejected",
    )?;
    ensure(
        with_prefix(lines, "Sending ticket:").len() == 3,
        "expected 3 tickets sent",
    )?;
    // Every ticket is sent after the last booking (sending is slow, booking is not).
    let booked_out = lines.iter().position(|l| l.starts_with("Our conference"));
    let first_ticket = lines.iter().position(|l| l.starts_with("Sending ticket:"));
    ensure(
        booked_out < first_ticket,
        "a ticket was sent before booking ended",
    )
}

fn closing_channels(lines: &[&str]) -> Result<(), String> {
    let expected = [
        "sent job 1",
        "received job 1",
        "sent job 2",
        "received job 2",
        "sent job 3",
        "received job 3",
        "sent all jobs",
        "received all jobs",
        "received more jobs: false",
    ];
    // The buffered sends and the worker's receives interleave differently from run to run
    // (as in Go); each side's own order is fixed.
    ensure(
        sorted(lines.iter().copied()) == sorted(expected),
        "wrong set of lines",
    )?;
    ensure(
        with_prefix(lines, "sent") == ["sent job 1", "sent job 2", "sent job 3", "sent all jobs"],
        "sends out of order",
    )?;
    ensure(
        with_prefix(lines, "received")
            == [
                "received job 1",
                "received job 2",
                "received job 3",
                "received all jobs",
                "received more jobs: false",
            ],
        "receives out of order",
    )
}

fn worker_pools(lines: &[&str]) -> Result<(), String> {
    ensure(lines.len() == 10, "expected 10 lines")?;
    for j in 1..=5 {
        let started = lines
            .iter()
            .position(|l| l.starts_with("worker") && l.ends_with(&format!("started  job {j}")));
        let finished = lines
            .iter()
            .position(|l| l.starts_with("worker") && l.ends_with(&format!("finished job {j}")));
        ensure(
            started.is_some() && finished.is_some() && started < finished,
            format!("job {j} not started then finished"),
        )?;
    }
    Ok(())
}

fn stateful_goroutines(lines: &[&str]) -> Result<(), String> {
    ensure(lines.len() == 2, "expected 2 lines")?;
    for (line, prefix) in lines.iter().zip(["readOps: ", "writeOps: "]) {
        let n: u64 = line
            .strip_prefix(prefix)
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| format!("bad line {line:?}"))?;
        ensure(n > 0, format!("no operations counted: {line:?}"))?;
    }
    Ok(())
}

fn tickers(lines: &[&str]) -> Result<(), String> {
    // The tick times depend on the machine's load; their number does not (800 ms / 250 ms).
    ensure(
        with_prefix(lines, "Tick at ").len() == 3,
        "expected 3 ticks",
    )?;
    ensure(lines.last() == Some(&"Ticker stopped"), "not stopped last")
}

fn rate_limiting(lines: &[&str]) -> Result<(), String> {
    let reqs: Vec<&str> = lines
        .iter()
        .map(|l| l.rsplit_once(' ').map_or(*l, |(req, _time)| req))
        .collect();
    let expected = [1, 2, 3, 4, 5, 1, 2, 3, 4, 5].map(|i| format!("request {i}"));
    ensure(reqs == expected, "requests out of order")
}

fn tour(lines: &[&str]) -> Result<(), String> {
    for must in [
        "   -> go(async { 6 * 7 }).join() = Ok(42)",
        "   -> join() = Err: \"index out of bounds: the len is 0 but the index is 3\"",
        "   -> 8 goroutines x 1000 increments = 8000",
        "   -> waiters that queued in order 1,2,3,4 got the lock in order [1, 2, 3, 4]",
        "   -> recv_ok() = (0, false)  (zero value, ok = false)",
        "   -> received [1, 4, 9, 16, 25], then the loop ended",
        "   -> consumer collected [1, 2, 3]",
        "   -> timed out after 30 ms",
        "   -> merged [\"a1\", \"a2\", \"b1\", \"b2\"]; both inputs closed, loop ended",
        "   -> served 1 connection(s), then quit was closed: loop ended",
        "   -> wait() = Err(\"task 2: disk full\")",
        "   -> 6 jobs done; at most 2 ran at once",
    ] {
        ensure(lines.contains(&must), format!("missing line {must:?}"))?;
    }
    // The diagnostics step prints a dump entry with the feature, a hint without it.
    let parked = lines
        .iter()
        .any(|l| l.starts_with("   | goroutine ") && l.ends_with(" [chan receive]:"));
    let hint = lines
        .iter()
        .any(|l| l.starts_with("   -> built without `diagnostics`"));
    ensure(
        parked && lines.contains(&"   | name: stuck reader") || hint,
        "the diagnostics step printed neither a dump entry nor the hint".to_string(),
    )?;
    // Every step names the code behind it, so a reader can go from the output to the source.
    for heading in lines.iter().filter(|l| l.starts_with("== ")) {
        let at = heading.rsplit_once("   [examples/tour.rs:");
        ensure(
            at.is_some_and(|(_, line)| {
                line.strip_suffix(']')
                    .is_some_and(|n| n.parse::<u32>().is_ok())
            }),
            format!("heading {heading:?} does not end with [examples/tour.rs:LINE]"),
        )?;
    }
    ensure(
        lines
            .last()
            .is_some_and(|l| l.starts_with("Tour finished.")),
        "the tour did not finish",
    )
}

/// The directory cargo put the example binaries in: `target/<profile>/examples`.
fn examples_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("current_exe");
    let deps = exe.parent().expect("test binary has a parent directory");
    deps.parent()
        .expect("deps has a parent directory")
        .join("examples")
}

/// The example names: one per `examples/*.rs` file in the source tree.
fn example_names() -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut names: Vec<String> = std::fs::read_dir(&src)
        .expect("read examples/")
        .filter_map(|e| {
            let path = e.ok()?.path();
            (path.extension()? == "rs").then(|| path.file_stem()?.to_str().map(String::from))?
        })
        .collect();
    names.sort();
    names
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).ok()?.modified().ok()
}

/// Runs `bin`, killing it after [`TIMEOUT`]. Returns (success, stdout, stderr).
fn run(bin: &Path) -> Result<(bool, String, String), String> {
    let mut child = Command::new(bin)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("spawn: {e}"))?;
    // Drain both pipes on their own threads so a chatty example cannot block on a full pipe.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out = thread::spawn(move || {
        let mut s = String::new();
        out.read_to_string(&mut s).map(|_| s)
    });
    let err = thread::spawn(move || {
        let mut s = String::new();
        err.read_to_string(&mut s).map(|_| s)
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| format!("wait: {e}"))? {
            break status;
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("timed out after {TIMEOUT:?}"));
        }
        thread::sleep(Duration::from_millis(10));
    };
    let out = out.join().unwrap().map_err(|e| format!("stdout: {e}"))?;
    let err = err.join().unwrap().map_err(|e| format!("stderr: {e}"))?;
    Ok((status.success(), out, err))
}

#[test]
fn examples_run_and_print_what_go_prints() {
    let dir = examples_dir();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut failures = Vec::new();
    let mut ran = 0;
    for name in example_names() {
        let bin = dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
        if !bin.exists() {
            println!(
                "skip {name}: {} not built (run `cargo test`)",
                bin.display()
            );
            continue;
        }
        if modified(&bin) < modified(&src.join(format!("{name}.rs"))) {
            println!("skip {name}: binary older than its source (run `cargo test`)");
            continue;
        }
        let start = Instant::now();
        let (ok, stdout, stderr) = match run(&bin) {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        ran += 1;
        println!("ran {name} in {:?}", start.elapsed());
        if !ok {
            failures.push(format!(
                "{name}: exited with failure\n--- stdout\n{stdout}--- stderr\n{stderr}"
            ));
            continue;
        }
        let lines: Vec<&str> = stdout.lines().collect();
        let verdict = match check_for(&name) {
            Check::Exact(expected) => ensure(lines == expected, "output differs"),
            Check::AnyOrder(expected) => ensure(
                sorted(lines.iter().copied()) == sorted(expected.iter().copied()),
                "output differs (compared as a set of lines)",
            ),
            Check::Custom(f) => f(&lines),
            Check::ExitOnly => Ok(()),
        };
        if let Err(why) = verdict {
            failures.push(format!("{name}: {why}\n--- stdout\n{stdout}"));
        }
    }
    println!("ran {ran} examples from {}", dir.display());
    assert!(
        failures.is_empty(),
        "{} example(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// Hits alternate ping, pong, ... and count up by one; the game ends with the ball.
fn ping_pong(lines: &[&str]) -> Result<(), String> {
    let (last, hits) = lines.split_last().ok_or("no output")?;
    // Either player may hit first: both race to wait at the table when the ball is tossed
    // (in Go too, with more than one P). After that they alternate.
    let first_is_ping = hits.first().is_none_or(|l| l.starts_with("ping"));
    for (i, line) in hits.iter().enumerate() {
        let name = if (i % 2 == 0) == first_is_ping {
            "ping"
        } else {
            "pong"
        };
        let want = format!("{name} {}", i + 1);
        if *line != want {
            return Err(format!("line {i}: {line:?}, want {want:?}"));
        }
    }
    if hits.is_empty() || *last != format!("game over after {} hits", hits.len()) {
        return Err(format!("last line {last:?} after {} hits", hits.len()));
    }
    Ok(())
}

/// `examples/dump.rs`: the goroutine dump and its grouped form, exactly, once the addresses
/// (which differ from run to run) are replaced by `0x_`.
fn dump(lines: &[&str]) -> Result<(), String> {
    const DUMP: &[&str] = &[
        "goroutine 0 [running or waiting outside gokio]:",
        "created by gokio::run at examples/dump.rs:19:5",
        "",
        "goroutine 1 [semacquire]:",
        "gokio::Semaphore::acquire(semaphore 0x_ (want 1, available 0))",
        "\texamples/dump.rs:28:21",
        "created by examples/dump.rs:26:56",
        "name: worker 1",
        "",
        "goroutine 2 [semacquire]:",
        "gokio::Semaphore::acquire(semaphore 0x_ (want 1, available 0))",
        "\texamples/dump.rs:28:21",
        "created by examples/dump.rs:26:56",
        "name: worker 2",
        "",
        "goroutine 3 [semacquire]:",
        "gokio::Semaphore::acquire(semaphore 0x_ (want 1, available 0))",
        "\texamples/dump.rs:28:21",
        "created by examples/dump.rs:26:56",
        "name: worker 3",
        "",
        "goroutine 4 [sync.WaitGroup.Wait]:",
        "gokio::WaitGroup::wait(sync.WaitGroup 0x_ (counter 3))",
        "\texamples/dump.rs:36:37",
        "created by examples/dump.rs:36:18",
        "name: coordinator",
        "",
        "goroutine 5 [running or waiting outside gokio]:",
        "created by examples/dump.rs:38:23",
        "",
        "goroutine profile: total 6",
        "3 @ [semacquire] created by examples/dump.rs:26:56",
        "#\tgokio::Semaphore::acquire at examples/dump.rs:28:21",
        "",
        "1 @ [running or waiting outside gokio] created by examples/dump.rs:38:23",
        "",
        "1 @ [running or waiting outside gokio] created by gokio::run at examples/dump.rs:19:5",
        "",
        "1 @ [sync.WaitGroup.Wait] created by examples/dump.rs:36:18",
        "#\tgokio::WaitGroup::wait at examples/dump.rs:36:37",
    ];
    let mut got: Vec<String> = lines.iter().map(|l| mask_addresses(l)).collect();
    while got.last().is_some_and(String::is_empty) {
        got.pop(); // the grouped form ends each group with a blank line
    }
    for (i, want) in DUMP.iter().enumerate() {
        let line = got.get(i).map_or("<missing>", String::as_str);
        ensure(
            line == *want,
            format!("line {}: got {line:?}, want {want:?}", i + 1),
        )?;
    }
    ensure(
        got.len() == DUMP.len(),
        format!("{} lines, want {}", got.len(), DUMP.len()),
    )
}

/// `examples/deadlock.rs`: Go's message, then the dump of the three deadlocked goroutines,
/// exactly, once the addresses are replaced by `0x_`.
fn deadlock(lines: &[&str]) -> Result<(), String> {
    const REPORT: &[&str] = &[
        "fatal error: all goroutines are asleep - deadlock!",
        "",
        "goroutine 0 [sync.WaitGroup.Wait]:",
        "gokio::WaitGroup::wait(sync.WaitGroup 0x_ (counter 2))",
        "\texamples/deadlock.rs:60:18",
        "created by gokio::run at examples/deadlock.rs:44:9",
        "",
        "goroutine 1 [sync.Mutex.Lock]:",
        "gokio::Mutex::lock(mutex 0x_)",
        "\texamples/deadlock.rs:55:42",
        "created by examples/deadlock.rs:58:13",
        "",
        "goroutine 2 [sync.Mutex.Lock]:",
        "gokio::Mutex::lock(mutex 0x_)",
        "\texamples/deadlock.rs:55:42",
        "created by examples/deadlock.rs:59:13",
    ];
    let mut got: Vec<String> = lines.iter().map(|l| mask_addresses(l)).collect();
    while got.last().is_some_and(String::is_empty) {
        got.pop();
    }
    for (i, want) in REPORT.iter().enumerate() {
        let line = got.get(i).map_or("<missing>", String::as_str);
        ensure(
            line == *want,
            format!("line {}: got {line:?}, want {want:?}", i + 1),
        )?;
    }
    ensure(
        got.len() == REPORT.len(),
        format!("{} lines, want {}", got.len(), REPORT.len()),
    )
}

/// `line` with every `0x` hex number replaced by `0x_`.
fn mask_addresses(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(at) = rest.find("0x") {
        out.push_str(&rest[..at + 2]);
        rest = rest[at + 2..].trim_start_matches(|c: char| c.is_ascii_hexdigit());
        out.push('_');
    }
    out.push_str(rest);
    out
}
