//! Go's `TestMutexFairness`, ported at Go's sizes, for `gokio::Mutex` and `gokio::RwMutex` on
//! every kind of runtime and from plain threads.
//!
//! Ported from Go's src/sync/mutex_test.go: TestMutexFairness. Goroutine A loops
//! `{ lock; sleep 100 µs; unlock }`; goroutine B does 10 × `{ sleep 100 µs; lock; unlock }`.
//! Go fails the test if B has not finished in 10 s; gokio keeps that bound (the machine may be
//! slow) and adds one that does not depend on the machine's speed: how many times A took the
//! lock while B was queued. Every hold of A's lasts at least 100 µs, so while B waits out the
//! 1 ms starvation threshold A can take the lock at most 10 times, plus once for the hold in
//! progress when B crossed it; the unlock that ends that hold hands the lock to B. Before the
//! fix, A took it thousands of times per wait of B's (about a second each).
//!
//! A's critical section comes in two kinds: `Busy` keeps the worker for 100 µs
//! (`std::thread::sleep`, standing in for work without `.await` — the case that starved);
//! `Sleep` awaits tokio's timer, which yields the worker, as Go's `time.Sleep` parks the
//! goroutine (tokio rounds it up to 1 ms).

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::task::Poll;
use std::time::{Duration, Instant};

use gokio::{Mutex, RwMutex};

/// Go's `time.Sleep(100 * time.Microsecond)`, in A's critical section and before B's locks.
const HOLD: Duration = Duration::from_micros(100);
/// B's acquisitions.
const ROUNDS: usize = 10;
/// Go's failure bound for all of B's acquisitions.
const GO_BOUND: Duration = Duration::from_secs(10);
/// The most times A may take the lock while B is queued: 1 ms / 100 µs, plus the hold in
/// progress when B crosses the threshold.
const MAX_A_WHILE_B_QUEUED: u64 = 10 + 1;

/// A's critical section.
#[derive(Clone, Copy, Debug)]
enum Hold {
    /// Keeps the worker thread (work without `.await`).
    Busy,
    /// Awaits tokio's timer.
    Sleep,
}

impl Hold {
    async fn run(self) {
        match self {
            Hold::Busy => std::thread::sleep(HOLD),
            Hold::Sleep => tokio::time::sleep(HOLD).await,
        }
    }
}

/// What A and B lock.
#[derive(Clone, Copy, Debug)]
enum Subject {
    /// Both lock the `Mutex`.
    Mutex,
    /// A re-locks for reading; B is a writer.
    WriterVsReaders,
    /// A re-locks for writing; B is a reader.
    ReaderVsWriter,
}

struct Locks {
    mutex: Mutex<()>,
    rw: RwMutex<()>,
}

impl Locks {
    /// A's lock: guard erased, since only its drop matters.
    async fn lock_a(&self, s: Subject) -> Box<dyn Send + '_> {
        match s {
            Subject::Mutex => Box::new(self.mutex.lock().await),
            Subject::WriterVsReaders => Box::new(self.rw.read().await),
            Subject::ReaderVsWriter => Box::new(self.rw.write().await),
        }
    }

    fn lock_a_blocking(&self, s: Subject) -> Box<dyn Send + '_> {
        match s {
            Subject::Mutex => Box::new(self.mutex.lock_blocking()),
            Subject::WriterVsReaders => Box::new(self.rw.read_blocking()),
            Subject::ReaderVsWriter => Box::new(self.rw.write_blocking()),
        }
    }

    /// B's lock, counting A's acquisitions from the moment B's future is queued (its first
    /// `Pending`) to the moment it holds the lock.
    async fn lock_b(&self, s: Subject, a_count: &AtomicU64) -> u64 {
        match s {
            Subject::Mutex => counted(self.mutex.lock(), a_count).await,
            Subject::WriterVsReaders => counted(self.rw.write(), a_count).await,
            Subject::ReaderVsWriter => counted(self.rw.read(), a_count).await,
        }
    }
}

/// Drives `fut` (a lock future) and returns how often A locked between its first `Pending`
/// and its completion; the guard is dropped at once (B's `lock; unlock`).
async fn counted<F: Future>(fut: F, a_count: &AtomicU64) -> u64 {
    let mut fut = pin!(fut);
    let mut queued_at = None;
    poll_fn(|cx| match fut.as_mut().poll(cx) {
        Poll::Ready(guard) => {
            let n = queued_at.map_or(0, |q| a_count.load(Ordering::SeqCst) - q);
            drop(guard);
            Poll::Ready(n)
        }
        Poll::Pending => {
            queued_at.get_or_insert_with(|| a_count.load(Ordering::SeqCst));
            Poll::Pending
        }
    })
    .await
}

/// What B saw.
struct Report {
    total: Duration,
    longest_wait: Duration,
    max_a_while_queued: u64,
}

impl Report {
    fn check(&self, what: &str) {
        eprintln!(
            "{what}: B's {ROUNDS} locks in {:?}, longest wait {:?}, A locked at most {} times \
             while B was queued",
            self.total, self.longest_wait, self.max_a_while_queued
        );
        assert!(self.total < GO_BOUND, "{what}: B needed {:?}", self.total);
        assert!(
            self.max_a_while_queued <= MAX_A_WHILE_B_QUEUED,
            "{what}: A took the lock {} times while B was queued",
            self.max_a_while_queued
        );
    }
}

/// The test on the runtime `rt`: A and B are tasks.
fn fairness_in(rt: tokio::runtime::Runtime, subject: Subject, hold: Hold) -> Report {
    rt.block_on(async move {
        let locks = Arc::new(Locks {
            mutex: Mutex::new(()),
            rw: RwMutex::new(()),
        });
        let stop = Arc::new(AtomicBool::new(false));
        let a_count = Arc::new(AtomicU64::new(0));
        let a = {
            let (locks, stop, a_count) = (locks.clone(), stop.clone(), a_count.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::SeqCst) {
                    let g = locks.lock_a(subject).await;
                    a_count.fetch_add(1, Ordering::SeqCst);
                    hold.run().await;
                    drop(g);
                }
            })
        };
        let b = tokio::spawn(async move {
            let start = Instant::now();
            let mut longest_wait = Duration::ZERO;
            let mut max_a_while_queued = 0;
            for _ in 0..ROUNDS {
                tokio::time::sleep(HOLD).await;
                let t = Instant::now();
                let n = locks.lock_b(subject, &a_count).await;
                longest_wait = longest_wait.max(t.elapsed());
                max_a_while_queued = max_a_while_queued.max(n);
                if start.elapsed() > GO_BOUND {
                    break;
                }
            }
            Report {
                total: start.elapsed(),
                longest_wait,
                max_a_while_queued,
            }
        });
        let report = b.await.unwrap();
        stop.store(true, Ordering::SeqCst);
        a.await.unwrap();
        report
    })
}

fn multi_thread(workers: usize) -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .unwrap()
}

fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn mutex_multi_thread_2_workers() {
    fairness_in(multi_thread(2), Subject::Mutex, Hold::Busy).check("mutex, 2 workers, busy A");
    fairness_in(multi_thread(2), Subject::Mutex, Hold::Sleep).check("mutex, 2 workers, sleeping A");
}

#[test]
fn mutex_multi_thread_8_workers() {
    fairness_in(multi_thread(8), Subject::Mutex, Hold::Busy).check("mutex, 8 workers, busy A");
    fairness_in(multi_thread(8), Subject::Mutex, Hold::Sleep).check("mutex, 8 workers, sleeping A");
}

/// On one thread A must yield while it holds the lock, or B never even runs its first sleep:
/// tokio does not preempt (Go would, after 10 ms).
#[test]
fn mutex_current_thread() {
    fairness_in(current_thread(), Subject::Mutex, Hold::Sleep).check("mutex, current_thread");
}

#[test]
fn rwmutex_writer_against_relocking_readers() {
    let s = Subject::WriterVsReaders;
    fairness_in(multi_thread(2), s, Hold::Busy).check("rw writer, 2 workers, busy readers");
    fairness_in(current_thread(), s, Hold::Sleep).check("rw writer, current_thread");
}

#[test]
fn rwmutex_reader_against_a_relocking_writer() {
    let s = Subject::ReaderVsWriter;
    fairness_in(multi_thread(2), s, Hold::Busy).check("rw reader, 2 workers, busy writer");
    fairness_in(current_thread(), s, Hold::Sleep).check("rw reader, current_thread");
}

/// A and B are plain threads. A re-locks with the blocking variant; B's waits are counted
/// through the same `lock()` future driven by a thread-parking executor (which is what the
/// blocking variants are), and then timed with the blocking variant itself.
fn fairness_in_threads(subject: Subject) -> Report {
    let locks = Arc::new(Locks {
        mutex: Mutex::new(()),
        rw: RwMutex::new(()),
    });
    let stop = Arc::new(AtomicBool::new(false));
    let a_count = Arc::new(AtomicU64::new(0));
    let a = {
        let (locks, stop, a_count) = (locks.clone(), stop.clone(), a_count.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                let g = locks.lock_a_blocking(subject);
                a_count.fetch_add(1, Ordering::SeqCst);
                std::thread::sleep(HOLD);
                drop(g);
            }
        })
    };
    let start = Instant::now();
    let mut longest_wait = Duration::ZERO;
    let mut max_a_while_queued = 0;
    for _ in 0..ROUNDS {
        std::thread::sleep(HOLD);
        let t = Instant::now();
        let n = futures::executor::block_on(locks.lock_b(subject, &a_count));
        longest_wait = longest_wait.max(t.elapsed());
        max_a_while_queued = max_a_while_queued.max(n);
    }
    for _ in 0..ROUNDS {
        std::thread::sleep(HOLD);
        let t = Instant::now();
        match subject {
            Subject::Mutex => drop(locks.mutex.lock_blocking()),
            Subject::WriterVsReaders => drop(locks.rw.write_blocking()),
            Subject::ReaderVsWriter => drop(locks.rw.read_blocking()),
        }
        longest_wait = longest_wait.max(t.elapsed());
    }
    let total = start.elapsed();
    stop.store(true, Ordering::SeqCst);
    a.join().unwrap();
    Report {
        total,
        longest_wait,
        max_a_while_queued,
    }
}

#[test]
fn blocking_from_threads() {
    fairness_in_threads(Subject::Mutex).check("mutex, threads");
    fairness_in_threads(Subject::WriterVsReaders).check("rw writer, threads");
    fairness_in_threads(Subject::ReaderVsWriter).check("rw reader, threads");
}
